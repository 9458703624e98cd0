/*
 * policy.h - the RPSL policy language: a tokenizer and recursive-descent
 * parser for the attribute values of RFC 2622 (RPSL) and RFC 4012
 * (RPSLng): import/export/default and their mp- and -via forms, filters,
 * peerings, peer/ifaddr/interface of inet-rtr, inject/components/
 * export-comps/aggr-* of route objects.  AS numbers and set names in
 * the values are read by rpsl/asn.h.
 *
 * The parser only decides "valid or not"; it builds no tree.  It is
 * lenient where the grammar is ambiguous or where real registries carry
 * harmless deviations (a bare number as a filter term), and strict about
 * the lexical shape of every name, number, address and prefix.  Input is
 * a (pointer, length) pair and is never read past its end; recursion is
 * bounded, so hostile input cannot exhaust the stack.
 *
 * Pure functions; nothing is allocated except text appended to a buf_t.
 */
#ifndef AUTODBM_POLICY_H
#define AUTODBM_POLICY_H

#include <stddef.h>

#include "util/buf.h"

/** The attribute grammars. */
enum policy_kind {
    POL_IMPORT,         /**< import: */
    POL_EXPORT,         /**< export: */
    POL_DEFAULT,        /**< default: */
    POL_MP_IMPORT,      /**< mp-import: (afi allowed, IPv6) */
    POL_MP_EXPORT,      /**< mp-export: */
    POL_MP_DEFAULT,     /**< mp-default: */
    POL_IMPORT_VIA,     /**< import-via: */
    POL_EXPORT_VIA,     /**< export-via: */
    POL_FILTER,         /**< filter: (filter-set) */
    POL_MP_FILTER,      /**< mp-filter: */
    POL_PEERING,        /**< peering: (peering-set) */
    POL_MP_PEERING,     /**< mp-peering: */
    POL_PEER,           /**< peer: (inet-rtr) */
    POL_MP_PEER,        /**< mp-peer: */
    POL_IFADDR,         /**< ifaddr: (inet-rtr) */
    POL_INTERFACE,      /**< interface: (inet-rtr, IPv4 or IPv6) */
    POL_INJECT,         /**< inject: (route; route6 with POLICY_V6) */
    POL_COMPONENTS,     /**< components: */
    POL_EXPORT_COMPS,   /**< export-comps: */
    POL_AGGR_BNDRY,     /**< aggr-bndry: (an AS expression) */
    POL_AGGR_MTD        /**< aggr-mtd: inbound | outbound [AS expression] */
};

/** Flags of policy_check(). */
enum policy_flags {
    POLICY_V6 = 1 << 0  /**< IPv6 addresses/prefixes and afi are allowed
                             (implied by the mp- and -via kinds) */
};

/**
 * Check one attribute value against the grammar of @kind.
 * @param kind   enum policy_kind
 * @param flags  enum policy_flags
 * @param s      the value (comments removed); need not be NUL-terminated
 * @param len    its length
 * @param why    if not NULL, a short reason is appended on failure
 * @return 0 if the value parses, -1 if not.
 */
int policy_check(enum policy_kind kind, unsigned flags, const char *s,
                 size_t len, buf_t *why);

#endif
