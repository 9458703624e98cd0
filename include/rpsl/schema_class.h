/*
 * schema_class.h - the ids of the 21 RIPE object classes (enum
 * schema_class, SC_*), part of the schema module (rpsl/schema.h, which
 * includes this header and owns everything else about classes: names,
 * templates, keys).
 *
 * Its own header so that the value syntaxes (rpsl/syntax.h), which
 * schema.c calls and whose checks depend on the class of the object
 * (status values, members:, reserved key prefixes), can name classes
 * without including schema.h: the include graph stays acyclic.
 *
 * Class ids are dense small integers, stable within one build only.
 */
#ifndef AUTODBM_SCHEMA_CLASS_H
#define AUTODBM_SCHEMA_CLASS_H

/** Object classes, in alphabetical order of their names. */
enum schema_class {
    SC_AS_BLOCK, SC_AS_SET, SC_AUT_NUM, SC_DOMAIN, SC_FILTER_SET,
    SC_INET_RTR, SC_INET6NUM, SC_INETNUM, SC_IRT, SC_KEY_CERT, SC_MNTNER,
    SC_ORGANISATION, SC_PEERING_SET, SC_PERSON, SC_POEM, SC_POETIC_FORM,
    SC_ROLE, SC_ROUTE, SC_ROUTE_SET, SC_ROUTE6, SC_RTR_SET,
    SC__COUNT
};

#endif
