/*
 * schema_tables.c - the constant facts behind schema.h: the class names,
 * the attribute table (RIPE's syntax.txt section 8: long
 * name, short name, value syntax, list flag, referenced classes), the 21
 * object templates (RIPE's templates.txt, in template order)
 * and the attribute name look-up.
 *
 * Everything here is constant; there is no mutable state.  The templates
 * and the attribute table are checked against the spec files by
 * tests/unit/rpsl/test_schema.c.
 *
 * Name look-up: schema_attr_by_name() runs for every attribute of every
 * object loaded, so it is a hash table rather than a scan: attr_hash[]
 * holds every long and short name at slot hash_fnv1a32_lower(name) % ATTR_HASH_SIZE
 * with linear probing (the entries were placed in enum order, long name
 * before short name; the longest probe sequence is 5 slots).  The unit
 * tests look up every long and short name in upper and lower case, so a
 * hand edit that breaks the probing invariant fails the tests.
 */
#include <stddef.h>
#include <stdint.h>

#include "rpsl/schema.h"
#include "rpsl/syntax.h"
#include "util/hash.h"

/* One attribute of syntax.txt section 8. */
struct attr_def {
    const char *name;       /* long name */
    const char *shortname;  /* "*xx" form */
    int syntax;             /* enum syntax_id */
    unsigned flags;         /* enum schema_attr_flags */
    const int *refs;        /* referenced classes, ending with -1 */
};

/* Referenced class lists. */
static const int refs_none[] = { -1 };
static const int refs_role[] = { SC_ROLE, -1 };
static const int refs_person_role[] = { SC_PERSON, SC_ROLE, -1 };
static const int refs_keycert[] = { SC_KEY_CERT, -1 };
static const int refs_poeticform[] = { SC_POETIC_FORM, -1 };
static const int refs_mntner[] = { SC_MNTNER, -1 };
static const int refs_asset_routeset_rtrset[] = {
    SC_AS_SET, SC_ROUTE_SET, SC_RTR_SET, -1
};
static const int refs_irt[] = { SC_IRT, -1 };
static const int refs_organisation[] = { SC_ORGANISATION, -1 };

static const struct attr_def attr_defs[SA__COUNT] = {
    [SA_ABUSE_MAILBOX] = { "abuse-mailbox", "*am", SYN_EMAIL, 0, refs_none },
    [SA_ABUSE_C] = { "abuse-c", "*au", SYN_NIC_HANDLE, 0, refs_role },
    [SA_ADDRESS] = { "address", "*ad", SYN_FREE_FORM, 0, refs_none },
    [SA_ADMIN_C] = { "admin-c", "*ac", SYN_NIC_HANDLE, 0, refs_person_role },
    [SA_AGGR_BNDRY] = { "aggr-bndry", "*ab", SYN_AGGR_BNDRY, 0, refs_none },
    [SA_AGGR_MTD] = { "aggr-mtd", "*ag", SYN_AGGR_MTD, 0, refs_none },
    [SA_ALIAS] = { "alias", "*az", SYN_ALIAS, 0, refs_none },
    [SA_ASSIGNMENT_SIZE] = { "assignment-size", "*ae", SYN_NUMBER, 0, refs_none },
    [SA_AS_BLOCK] = { "as-block", "*ak", SYN_AS_BLOCK, 0, refs_none },
    [SA_AS_NAME] = { "as-name", "*aa", SYN_OBJECT_NAME, 0, refs_none },
    [SA_AS_SET] = { "as-set", "*as", SYN_AS_SET, 0, refs_none },
    [SA_AUTH] = { "auth", "*at", SYN_AUTH_SCHEME, 0, refs_keycert },
    [SA_AUTHOR] = { "author", "*ah", SYN_NIC_HANDLE, 0, refs_person_role },
    [SA_AUT_NUM] = { "aut-num", "*an", SYN_AS_NUMBER, 0, refs_none },
    [SA_CERTIF] = { "certif", "*ce", SYN_CERTIF, 0, refs_none },
    [SA_CHANGED] = { "changed", "*ch", SYN_CHANGED, 0, refs_none },
    [SA_COMPONENTS] = { "components", "*co", SYN_COMPONENTS, 0, refs_none },
    [SA_CONTACT] = { "contact", "*con", SYN_CONTACT, 0, refs_none },
    [SA_COUNTRY] = { "country", "*cy", SYN_COUNTRY_CODE, 0, refs_none },
    [SA_CREATED] = { "created", "*cr", SYN_GENERATED, 0, refs_none },
    [SA_DEFAULT] = { "default", "*df", SYN_DEFAULT, 0, refs_none },
    [SA_DESCR] = { "descr", "*de", SYN_FREE_FORM, 0, refs_none },
    [SA_DOMAIN] = { "domain", "*dn", SYN_DOMAIN, 0, refs_none },
    [SA_DS_RDATA] = { "ds-rdata", "*ds", SYN_DS_RDATA, 0, refs_none },
    [SA_ENCRYPTION] = { "encryption", "*en", SYN_KEY_CERT, 0, refs_keycert },
    [SA_EXPORT] = { "export", "*ex", SYN_EXPORT, 0, refs_none },
    [SA_EXPORT_COMPS] = { "export-comps", "*ec", SYN_EXPORT_COMPS, 0, refs_none },
    [SA_E_MAIL] = { "e-mail", "*em", SYN_EMAIL, 0, refs_none },
    [SA_FAX_NO] = { "fax-no", "*fx", SYN_PHONE, 0, refs_none },
    [SA_FILTER] = { "filter", "*fi", SYN_FILTER, 0, refs_none },
    [SA_FILTER_SET] = { "filter-set", "*fs", SYN_FILTER_SET, 0, refs_none },
    [SA_FINGERPR] = { "fingerpr", "*fp", SYN_GENERATED, 0, refs_none },
    [SA_FORM] = { "form", "*fr", SYN_POETIC_FORM, SAF_LIST, refs_poeticform },
    [SA_GEOFEED] = { "geofeed", "*gf", SYN_GEOFEED, 0, refs_none },
    [SA_GEOLOC] = { "geoloc", "*gl", SYN_GEOLOC, 0, refs_none },
    [SA_HOLES] = { "holes", "*ho", SYN_HOLES, SAF_LIST, refs_none },
    [SA_IFADDR] = { "ifaddr", "*if", SYN_IFADDR, 0, refs_none },
    [SA_IMPORT] = { "import", "*ip", SYN_IMPORT, 0, refs_none },
    [SA_INET6NUM] = { "inet6num", "*i6", SYN_IPV6, 0, refs_none },
    [SA_INETNUM] = { "inetnum", "*in", SYN_IPV4, 0, refs_none },
    [SA_INET_RTR] = { "inet-rtr", "*ir", SYN_INET_RTR, 0, refs_none },
    [SA_INJECT] = { "inject", "*ij", SYN_INJECT, 0, refs_none },
    [SA_INTERFACE] = { "interface", "*ie", SYN_INTERFACE, 0, refs_none },
    [SA_IRT] = { "irt", "*it", SYN_IRT, 0, refs_none },
    [SA_IRT_NFY] = { "irt-nfy", "*iy", SYN_EMAIL, 0, refs_none },
    [SA_KEY_CERT] = { "key-cert", "*kc", SYN_KEY_CERT, 0, refs_none },
    [SA_LANGUAGE] = { "language", "*ln", SYN_LANGUAGE_CODE, 0, refs_none },
    [SA_LAST_MODIFIED] = { "last-modified", "*lm", SYN_GENERATED, 0, refs_none },
    [SA_LOCAL_AS] = { "local-as", "*la", SYN_AS_NUMBER, 0, refs_none },
    [SA_MBRS_BY_REF] = { "mbrs-by-ref", "*mr", SYN_MBRS_BY_REF, SAF_LIST, refs_mntner },
    [SA_MEMBERS] = { "members", "*ms", SYN_MEMBERS, SAF_LIST, refs_none },
    [SA_MEMBER_OF] = { "member-of", "*mo", SYN_MEMBER_OF, SAF_LIST, refs_asset_routeset_rtrset },
    [SA_METHOD] = { "method", "*mh", SYN_METHOD, 0, refs_none },
    [SA_MNTNER] = { "mntner", "*mt", SYN_OBJECT_NAME, 0, refs_none },
    [SA_MNT_BY] = { "mnt-by", "*mb", SYN_OBJECT_NAME, SAF_LIST, refs_mntner },
    [SA_MNT_DOMAINS] = { "mnt-domains", "*md", SYN_OBJECT_NAME, SAF_LIST, refs_mntner },
    [SA_MNT_IRT] = { "mnt-irt", "*mi", SYN_IRT, SAF_LIST, refs_irt },
    [SA_MNT_LOWER] = { "mnt-lower", "*ml", SYN_OBJECT_NAME, SAF_LIST, refs_mntner },
    [SA_MNT_NFY] = { "mnt-nfy", "*mn", SYN_EMAIL, 0, refs_none },
    [SA_MNT_REF] = { "mnt-ref", "*mz", SYN_OBJECT_NAME, SAF_LIST, refs_mntner },
    [SA_MNT_ROUTES] = { "mnt-routes", "*mu", SYN_MNT_ROUTES, 0, refs_mntner },
    [SA_MP_DEFAULT] = { "mp-default", "*ma", SYN_MP_DEFAULT, 0, refs_none },
    [SA_MP_EXPORT] = { "mp-export", "*me", SYN_MP_EXPORT, 0, refs_none },
    [SA_EXPORT_VIA] = { "export-via", "*ev", SYN_EXPORT_VIA, 0, refs_none },
    [SA_MP_FILTER] = { "mp-filter", "*mf", SYN_MP_FILTER, 0, refs_none },
    [SA_MP_IMPORT] = { "mp-import", "*my", SYN_MP_IMPORT, 0, refs_none },
    [SA_IMPORT_VIA] = { "import-via", "*iv", SYN_IMPORT_VIA, 0, refs_none },
    [SA_MP_MEMBERS] = { "mp-members", "*mm", SYN_MP_MEMBERS, SAF_LIST, refs_none },
    [SA_MP_PEER] = { "mp-peer", "*mp", SYN_MP_PEER, 0, refs_none },
    [SA_MP_PEERING] = { "mp-peering", "*mg", SYN_MP_PEERING, 0, refs_none },
    [SA_NETNAME] = { "netname", "*na", SYN_NETNAME, 0, refs_none },
    [SA_NIC_HDL] = { "nic-hdl", "*nh", SYN_NIC_HANDLE, 0, refs_none },
    [SA_NOTIFY] = { "notify", "*ny", SYN_EMAIL, 0, refs_none },
    [SA_NSERVER] = { "nserver", "*ns", SYN_NSERVER, 0, refs_none },
    [SA_ORG] = { "org", "*og", SYN_ORGANISATION, 0, refs_organisation },
    [SA_ORG_NAME] = { "org-name", "*on", SYN_ORG_NAME, 0, refs_none },
    [SA_ORG_TYPE] = { "org-type", "*ot", SYN_ORG_TYPE, 0, refs_none },
    [SA_ORGANISATION] = { "organisation", "*oa", SYN_ORGANISATION, 0, refs_none },
    [SA_ORIGIN] = { "origin", "*or", SYN_AS_NUMBER, 0, refs_none },
    [SA_OWNER] = { "owner", "*ow", SYN_GENERATED, 0, refs_none },
    [SA_PEER] = { "peer", "*pe", SYN_PEER, 0, refs_none },
    [SA_PEERING] = { "peering", "*pg", SYN_PEERING, 0, refs_none },
    [SA_PEERING_SET] = { "peering-set", "*ps", SYN_PEERING_SET, 0, refs_none },
    [SA_PERSON] = { "person", "*pn", SYN_PERSON_ROLE_NAME, 0, refs_none },
    [SA_PHONE] = { "phone", "*ph", SYN_PHONE, 0, refs_none },
    [SA_PING_HDL] = { "ping-hdl", "*pc", SYN_NIC_HANDLE, 0, refs_person_role },
    [SA_PINGABLE] = { "pingable", "*pa", SYN_PINGABLE, 0, refs_none },
    [SA_POEM] = { "poem", "*po", SYN_POEM, 0, refs_none },
    [SA_POETIC_FORM] = { "poetic-form", "*pf", SYN_POETIC_FORM, 0, refs_none },
    [SA_PREFIXLEN] = { "prefixlen", "*pl", SYN_PREFIXLEN, 0, refs_none },
    [SA_REF_NFY] = { "ref-nfy", "*rn", SYN_EMAIL, 0, refs_none },
    [SA_REG_NR] = { "reg-nr", "*re", SYN_FREE_FORM, 0, refs_none },
    [SA_REMARKS] = { "remarks", "*rm", SYN_FREE_FORM, 0, refs_none },
    [SA_ROLE] = { "role", "*ro", SYN_ORG_NAME, 0, refs_none },
    [SA_ROUTE] = { "route", "*rt", SYN_ROUTE, 0, refs_none },
    [SA_ROUTE6] = { "route6", "*r6", SYN_ROUTE6, 0, refs_none },
    [SA_ROUTE_SET] = { "route-set", "*rs", SYN_ROUTE_SET, 0, refs_none },
    [SA_RTR_SET] = { "rtr-set", "*is", SYN_RTR_SET, 0, refs_none },
    [SA_SIGNATURE] = { "signature", "*sg", SYN_KEY_CERT, 0, refs_keycert },
    [SA_SOURCE] = { "source", "*so", SYN_SOURCE, 0, refs_none },
    [SA_SPONSORING_ORG] = { "sponsoring-org", "*sp", SYN_ORGANISATION, 0, refs_organisation },
    [SA_STATUS] = { "status", "*st", SYN_STATUS, 0, refs_none },
    [SA_TECH_C] = { "tech-c", "*tc", SYN_NIC_HANDLE, 0, refs_person_role },
    [SA_TEXT] = { "text", "*tx", SYN_FREE_FORM, 0, refs_none },
    [SA_UPD_TO] = { "upd-to", "*dt", SYN_EMAIL, 0, refs_none },
    [SA_ZONE_C] = { "zone-c", "*zc", SYN_NIC_HANDLE, 0, refs_person_role },
};

/* The templates, in the order of templates.txt. */
static const schema_tmpl_t tmpl_as_block[] = {
    { SA_AS_BLOCK, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_as_set[] = {
    { SA_AS_SET, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MEMBERS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MBRS_BY_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_aut_num[] = {
    { SA_AUT_NUM, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_AS_NAME, SR_MANDATORY, SK_SINGLE, 0 },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MEMBER_OF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_IMPORT_VIA, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_IMPORT, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_MP_IMPORT, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_EXPORT_VIA, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_EXPORT, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_MP_EXPORT, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_DEFAULT, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_MP_DEFAULT, SR_OPTIONAL, SK_MULTIPLE, SKEY_USER_ORDER },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_SPONSORING_ORG, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ABUSE_C, SR_OPTIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_STATUS, SR_GENERATED, SK_SINGLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_domain[] = {
    { SA_DOMAIN, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ZONE_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NSERVER, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_DS_RDATA, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_filter_set[] = {
    { SA_FILTER_SET, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_FILTER, SR_CONDITIONAL, SK_SINGLE, 0 },
    { SA_MP_FILTER, SR_CONDITIONAL, SK_SINGLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_inet_rtr[] = {
    { SA_INET_RTR, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ALIAS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_LOCAL_AS, SR_MANDATORY, SK_SINGLE, SKEY_INVERSE },
    { SA_IFADDR, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_INTERFACE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_PEER, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MP_PEER, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MEMBER_OF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_inet6num[] = {
    { SA_INET6NUM, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_NETNAME, SR_MANDATORY, SK_SINGLE, SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_COUNTRY, SR_MANDATORY, SK_MULTIPLE, 0 },
    { SA_GEOFEED, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_GEOLOC, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_PREFIXLEN, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_LANGUAGE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_SPONSORING_ORG, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ABUSE_C, SR_OPTIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_STATUS, SR_MANDATORY, SK_SINGLE, 0 },
    { SA_ASSIGNMENT_SIZE, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_CONDITIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_ROUTES, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_DOMAINS, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_IRT, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_inetnum[] = {
    { SA_INETNUM, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_NETNAME, SR_MANDATORY, SK_SINGLE, SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_COUNTRY, SR_MANDATORY, SK_MULTIPLE, 0 },
    { SA_GEOFEED, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_GEOLOC, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_PREFIXLEN, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_LANGUAGE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_SPONSORING_ORG, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ABUSE_C, SR_OPTIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_STATUS, SR_MANDATORY, SK_SINGLE, 0 },
    { SA_ASSIGNMENT_SIZE, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_CONDITIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_DOMAINS, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_ROUTES, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_IRT, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_irt[] = {
    { SA_IRT, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_ADDRESS, SR_MANDATORY, SK_MULTIPLE, 0 },
    { SA_PHONE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_FAX_NO, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_E_MAIL, SR_MANDATORY, SK_MULTIPLE, SKEY_LOOKUP },
    { SA_SIGNATURE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_CONTACT, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ENCRYPTION, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_AUTH, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_IRT_NFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_key_cert[] = {
    { SA_KEY_CERT, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_METHOD, SR_GENERATED, SK_SINGLE, 0 },
    { SA_OWNER, SR_GENERATED, SK_MULTIPLE, 0 },
    { SA_FINGERPR, SR_GENERATED, SK_SINGLE, SKEY_INVERSE },
    { SA_CERTIF, SR_MANDATORY, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_mntner[] = {
    { SA_MNTNER, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_UPD_TO, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_NFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_AUTH, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_organisation[] = {
    { SA_ORGANISATION, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_ORG_NAME, SR_MANDATORY, SK_SINGLE, SKEY_LOOKUP },
    { SA_ORG_TYPE, SR_MANDATORY, SK_SINGLE, 0 },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ADDRESS, SR_MANDATORY, SK_MULTIPLE, 0 },
    { SA_COUNTRY, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_PHONE, SR_CONDITIONAL, SK_MULTIPLE, 0 },
    { SA_FAX_NO, SR_CONDITIONAL, SK_MULTIPLE, 0 },
    { SA_E_MAIL, SR_MANDATORY, SK_MULTIPLE, SKEY_LOOKUP },
    { SA_CONTACT, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_GEOLOC, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_LANGUAGE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_REG_NR, SR_CONDITIONAL, SK_SINGLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ABUSE_C, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_REF_NFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_REF, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_peering_set[] = {
    { SA_PEERING_SET, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_PEERING, SR_CONDITIONAL, SK_MULTIPLE, 0 },
    { SA_MP_PEERING, SR_CONDITIONAL, SK_MULTIPLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_person[] = {
    { SA_PERSON, SR_MANDATORY, SK_SINGLE, SKEY_LOOKUP },
    { SA_ADDRESS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_PHONE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_FAX_NO, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_E_MAIL, SR_MANDATORY, SK_MULTIPLE, SKEY_LOOKUP },
    { SA_CONTACT, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NIC_HDL, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_poem[] = {
    { SA_POEM, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_FORM, SR_MANDATORY, SK_SINGLE, SKEY_INVERSE },
    { SA_TEXT, SR_MANDATORY, SK_MULTIPLE, 0 },
    { SA_AUTHOR, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_SINGLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_poetic_form[] = {
    { SA_POETIC_FORM, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_SINGLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_role[] = {
    { SA_ROLE, SR_MANDATORY, SK_SINGLE, SKEY_LOOKUP },
    { SA_ADDRESS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_PHONE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_FAX_NO, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_E_MAIL, SR_MANDATORY, SK_MULTIPLE, SKEY_LOOKUP },
    { SA_CONTACT, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NIC_HDL, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ABUSE_MAILBOX, SR_CONDITIONAL, SK_SINGLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_route[] = {
    { SA_ROUTE, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORIGIN, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_INVERSE },
    { SA_PINGABLE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_PING_HDL, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_HOLES, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MEMBER_OF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_INJECT, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_AGGR_MTD, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_AGGR_BNDRY, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_EXPORT_COMPS, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_COMPONENTS, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_ROUTES, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_route_set[] = {
    { SA_ROUTE_SET, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MEMBERS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MP_MEMBERS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MBRS_BY_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_route6[] = {
    { SA_ROUTE6, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORIGIN, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_INVERSE },
    { SA_PINGABLE, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_PING_HDL, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_HOLES, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MEMBER_OF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_INJECT, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_AGGR_MTD, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_AGGR_BNDRY, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_EXPORT_COMPS, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_COMPONENTS, SR_OPTIONAL, SK_SINGLE, 0 },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_ROUTES, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

static const schema_tmpl_t tmpl_rtr_set[] = {
    { SA_RTR_SET, SR_MANDATORY, SK_SINGLE, SKEY_PRIMARY | SKEY_LOOKUP },
    { SA_DESCR, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MEMBERS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MP_MEMBERS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_MBRS_BY_REF, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_REMARKS, SR_OPTIONAL, SK_MULTIPLE, 0 },
    { SA_ORG, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_TECH_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_ADMIN_C, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_NOTIFY, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_BY, SR_MANDATORY, SK_MULTIPLE, SKEY_INVERSE },
    { SA_MNT_LOWER, SR_OPTIONAL, SK_MULTIPLE, SKEY_INVERSE },
    { SA_CREATED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_LAST_MODIFIED, SR_GENERATED, SK_SINGLE, 0 },
    { SA_SOURCE, SR_MANDATORY, SK_SINGLE, 0 },
};

#define TMPL(t) (t), sizeof(t) / sizeof((t)[0])

/* One object class. */
struct class_def {
    const char *name;           /* class name = name of the class attribute */
    int aid;                    /* the class attribute */
    const schema_tmpl_t *tmpl;  /* template lines */
    size_t ntmpl;               /* number of template lines */
};

static const struct class_def class_defs[SC__COUNT] = {
    [SC_AS_BLOCK] = { "as-block", SA_AS_BLOCK, TMPL(tmpl_as_block) },
    [SC_AS_SET] = { "as-set", SA_AS_SET, TMPL(tmpl_as_set) },
    [SC_AUT_NUM] = { "aut-num", SA_AUT_NUM, TMPL(tmpl_aut_num) },
    [SC_DOMAIN] = { "domain", SA_DOMAIN, TMPL(tmpl_domain) },
    [SC_FILTER_SET] = { "filter-set", SA_FILTER_SET, TMPL(tmpl_filter_set) },
    [SC_INET_RTR] = { "inet-rtr", SA_INET_RTR, TMPL(tmpl_inet_rtr) },
    [SC_INET6NUM] = { "inet6num", SA_INET6NUM, TMPL(tmpl_inet6num) },
    [SC_INETNUM] = { "inetnum", SA_INETNUM, TMPL(tmpl_inetnum) },
    [SC_IRT] = { "irt", SA_IRT, TMPL(tmpl_irt) },
    [SC_KEY_CERT] = { "key-cert", SA_KEY_CERT, TMPL(tmpl_key_cert) },
    [SC_MNTNER] = { "mntner", SA_MNTNER, TMPL(tmpl_mntner) },
    [SC_ORGANISATION] = { "organisation", SA_ORGANISATION, TMPL(tmpl_organisation) },
    [SC_PEERING_SET] = { "peering-set", SA_PEERING_SET, TMPL(tmpl_peering_set) },
    [SC_PERSON] = { "person", SA_PERSON, TMPL(tmpl_person) },
    [SC_POEM] = { "poem", SA_POEM, TMPL(tmpl_poem) },
    [SC_POETIC_FORM] = { "poetic-form", SA_POETIC_FORM, TMPL(tmpl_poetic_form) },
    [SC_ROLE] = { "role", SA_ROLE, TMPL(tmpl_role) },
    [SC_ROUTE] = { "route", SA_ROUTE, TMPL(tmpl_route) },
    [SC_ROUTE_SET] = { "route-set", SA_ROUTE_SET, TMPL(tmpl_route_set) },
    [SC_ROUTE6] = { "route6", SA_ROUTE6, TMPL(tmpl_route6) },
    [SC_RTR_SET] = { "rtr-set", SA_RTR_SET, TMPL(tmpl_rtr_set) },
};

/* Name hash table (see the file comment). */
#define ATTR_HASH_SIZE 512u

struct attr_slot {
    const char *name;   /* long or short name, NULL for an empty slot */
    int aid;
};

static const struct attr_slot attr_hash[ATTR_HASH_SIZE] = {
    [9] = { "mp-filter", SA_MP_FILTER },
    [16] = { "*ad", SA_ADDRESS },
    [17] = { "members", SA_MEMBERS },
    [22] = { "*in", SA_INETNUM },
    [24] = { "*cr", SA_CREATED },
    [25] = { "role", SA_ROLE },
    [26] = { "*st", SA_STATUS },
    [27] = { "*pn", SA_PERSON },
    [28] = { "encryption", SA_ENCRYPTION },
    [34] = { "*mf", SA_MP_FILTER },
    [46] = { "*ns", SA_NSERVER },
    [51] = { "*con", SA_CONTACT },
    [52] = { "geoloc", SA_GEOLOC },
    [53] = { "mntner", SA_MNTNER },
    [54] = { "peering-set", SA_PEERING_SET },
    [57] = { "*cy", SA_COUNTRY },
    [58] = { "*ms", SA_MEMBERS },
    [59] = { "*am", SA_ABUSE_MAILBOX },
    [60] = { "mnt-irt", SA_MNT_IRT },
    [61] = { "notify", SA_NOTIFY },
    [62] = { "mp-import", SA_MP_IMPORT },
    [63] = { "*pc", SA_PING_HDL },
    [64] = { "text", SA_TEXT },
    [66] = { "fingerpr", SA_FINGERPR },
    [67] = { "irt", SA_IRT },
    [68] = { "*ma", SA_MP_DEFAULT },
    [70] = { "*ot", SA_ORG_TYPE },
    [73] = { "*fr", SA_FORM },
    [76] = { "mnt-nfy", SA_MNT_NFY },
    [77] = { "*ce", SA_CERTIF },
    [78] = { "*mo", SA_MEMBER_OF },
    [79] = { "auth", SA_AUTH },
    [80] = { "origin", SA_ORIGIN },
    [86] = { "author", SA_AUTHOR },
    [87] = { "poem", SA_POEM },
    [88] = { "*it", SA_IRT },
    [89] = { "org", SA_ORG },
    [95] = { "mnt-routes", SA_MNT_ROUTES },
    [98] = { "*ij", SA_INJECT },
    [105] = { "key-cert", SA_KEY_CERT },
    [106] = { "geofeed", SA_GEOFEED },
    [107] = { "last-modified", SA_LAST_MODIFIED },
    [108] = { "*tx", SA_TEXT },
    [112] = { "*ny", SA_NOTIFY },
    [115] = { "*au", SA_ABUSE_C },
    [119] = { "filter", SA_FILTER },
    [123] = { "language", SA_LANGUAGE },
    [128] = { "person", SA_PERSON },
    [136] = { "*po", SA_POEM },
    [143] = { "*co", SA_COMPONENTS },
    [144] = { "*me", SA_MP_EXPORT },
    [145] = { "*rm", SA_REMARKS },
    [150] = { "filter-set", SA_FILTER_SET },
    [151] = { "org-name", SA_ORG_NAME },
    [152] = { "peering", SA_PEERING },
    [155] = { "changed", SA_CHANGED },
    [164] = { "*ip", SA_IMPORT },
    [166] = { "*mr", SA_MBRS_BY_REF },
    [170] = { "*lm", SA_LAST_MODIFIED },
    [172] = { "irt-nfy", SA_IRT_NFY },
    [174] = { "*if", SA_IFADDR },
    [176] = { "as-set", SA_AS_SET },
    [179] = { "export", SA_EXPORT },
    [180] = { "*ow", SA_OWNER },
    [182] = { "*fs", SA_FILTER_SET },
    [184] = { "*ds", SA_DS_RDATA },
    [186] = { "*mn", SA_MNT_NFY },
    [187] = { "created", SA_CREATED },
    [190] = { "*i6", SA_INET6NUM },
    [191] = { "*so", SA_SOURCE },
    [193] = { "import-via", SA_IMPORT_VIA },
    [201] = { "*ag", SA_AGGR_MTD },
    [205] = { "inetnum", SA_INETNUM },
    [208] = { "aut-num", SA_AUT_NUM },
    [209] = { "*ex", SA_EXPORT },
    [211] = { "*nh", SA_NIC_HDL },
    [212] = { "import", SA_IMPORT },
    [213] = { "nic-hdl", SA_NIC_HDL },
    [214] = { "owner", SA_OWNER },
    [216] = { "*gf", SA_GEOFEED },
    [218] = { "*ev", SA_EXPORT_VIA },
    [219] = { "*mi", SA_MNT_IRT },
    [224] = { "*at", SA_AUTH },
    [232] = { "*on", SA_ORG_NAME },
    [234] = { "*az", SA_ALIAS },
    [241] = { "*ec", SA_EXPORT_COMPS },
    [244] = { "*ah", SA_AUTHOR },
    [245] = { "inject", SA_INJECT },
    [248] = { "*fi", SA_FILTER },
    [249] = { "abuse-c", SA_ABUSE_C },
    [252] = { "*md", SA_MNT_DOMAINS },
    [254] = { "assignment-size", SA_ASSIGNMENT_SIZE },
    [264] = { "admin-c", SA_ADMIN_C },
    [268] = { "*ps", SA_PEERING_SET },
    [272] = { "e-mail", SA_E_MAIL },
    [274] = { "*en", SA_ENCRYPTION },
    [277] = { "*ac", SA_ADMIN_C },
    [278] = { "descr", SA_DESCR },
    [279] = { "*ln", SA_LANGUAGE },
    [280] = { "*pe", SA_PEER },
    [281] = { "tech-c", SA_TECH_C },
    [282] = { "*tc", SA_TECH_C },
    [283] = { "*ie", SA_INTERFACE },
    [286] = { "route", SA_ROUTE },
    [287] = { "route-set", SA_ROUTE_SET },
    [291] = { "contact", SA_CONTACT },
    [292] = { "*fp", SA_FINGERPR },
    [295] = { "ds-rdata", SA_DS_RDATA },
    [296] = { "holes", SA_HOLES },
    [297] = { "*mm", SA_MP_MEMBERS },
    [298] = { "*re", SA_REG_NR },
    [303] = { "*dn", SA_DOMAIN },
    [304] = { "interface", SA_INTERFACE },
    [305] = { "method", SA_METHOD },
    [308] = { "org-type", SA_ORG_TYPE },
    [310] = { "nserver", SA_NSERVER },
    [312] = { "mp-default", SA_MP_DEFAULT },
    [317] = { "mp-export", SA_MP_EXPORT },
    [318] = { "inet-rtr", SA_INET_RTR },
    [319] = { "*mz", SA_MNT_REF },
    [320] = { "reg-nr", SA_REG_NR },
    [321] = { "*pl", SA_PREFIXLEN },
    [327] = { "form", SA_FORM },
    [328] = { "*mh", SA_METHOD },
    [329] = { "peer", SA_PEER },
    [330] = { "*rn", SA_REF_NFY },
    [332] = { "fax-no", SA_FAX_NO },
    [337] = { "as-block", SA_AS_BLOCK },
    [338] = { "*zc", SA_ZONE_C },
    [339] = { "address", SA_ADDRESS },
    [341] = { "*oa", SA_ORGANISATION },
    [343] = { "alias", SA_ALIAS },
    [344] = { "abuse-mailbox", SA_ABUSE_MAILBOX },
    [345] = { "inet6num", SA_INET6NUM },
    [346] = { "*de", SA_DESCR },
    [347] = { "*sg", SA_SIGNATURE },
    [349] = { "*is", SA_RTR_SET },
    [350] = { "upd-to", SA_UPD_TO },
    [351] = { "*mu", SA_MNT_ROUTES },
    [354] = { "mnt-lower", SA_MNT_LOWER },
    [355] = { "as-name", SA_AS_NAME },
    [356] = { "export-via", SA_EXPORT_VIA },
    [357] = { "*pa", SA_PINGABLE },
    [358] = { "*gl", SA_GEOLOC },
    [359] = { "organisation", SA_ORGANISATION },
    [361] = { "components", SA_COMPONENTS },
    [362] = { "*rs", SA_ROUTE_SET },
    [364] = { "*or", SA_ORIGIN },
    [365] = { "signature", SA_SIGNATURE },
    [366] = { "mnt-domains", SA_MNT_DOMAINS },
    [369] = { "*r6", SA_ROUTE6 },
    [370] = { "poetic-form", SA_POETIC_FORM },
    [379] = { "member-of", SA_MEMBER_OF },
    [380] = { "sponsoring-org", SA_SPONSORING_ORG },
    [382] = { "*iv", SA_IMPORT_VIA },
    [383] = { "*em", SA_E_MAIL },
    [384] = { "*mp", SA_MP_PEER },
    [386] = { "*ab", SA_AGGR_BNDRY },
    [387] = { "*pf", SA_POETIC_FORM },
    [391] = { "zone-c", SA_ZONE_C },
    [395] = { "*rt", SA_ROUTE },
    [397] = { "*ph", SA_PHONE },
    [398] = { "aggr-mtd", SA_AGGR_MTD },
    [403] = { "*kc", SA_KEY_CERT },
    [404] = { "*ml", SA_MNT_LOWER },
    [405] = { "mbrs-by-ref", SA_MBRS_BY_REF },
    [415] = { "*iy", SA_IRT_NFY },
    [419] = { "*ae", SA_ASSIGNMENT_SIZE },
    [420] = { "aggr-bndry", SA_AGGR_BNDRY },
    [421] = { "ifaddr", SA_IFADDR },
    [424] = { "certif", SA_CERTIF },
    [427] = { "local-as", SA_LOCAL_AS },
    [428] = { "*my", SA_MP_IMPORT },
    [429] = { "*ak", SA_AS_BLOCK },
    [431] = { "phone", SA_PHONE },
    [437] = { "*mg", SA_MP_PEERING },
    [438] = { "*ro", SA_ROLE },
    [441] = { "pingable", SA_PINGABLE },
    [442] = { "mp-members", SA_MP_MEMBERS },
    [443] = { "*fx", SA_FAX_NO },
    [444] = { "mnt-by", SA_MNT_BY },
    [445] = { "netname", SA_NETNAME },
    [446] = { "ping-hdl", SA_PING_HDL },
    [447] = { "*dt", SA_UPD_TO },
    [448] = { "prefixlen", SA_PREFIXLEN },
    [454] = { "*la", SA_LOCAL_AS },
    [455] = { "*df", SA_DEFAULT },
    [456] = { "remarks", SA_REMARKS },
    [458] = { "*ir", SA_INET_RTR },
    [460] = { "*mt", SA_MNTNER },
    [462] = { "*an", SA_AUT_NUM },
    [463] = { "mp-peer", SA_MP_PEER },
    [464] = { "*sp", SA_SPONSORING_ORG },
    [465] = { "country", SA_COUNTRY },
    [470] = { "*ch", SA_CHANGED },
    [471] = { "*mb", SA_MNT_BY },
    [472] = { "*na", SA_NETNAME },
    [473] = { "source", SA_SOURCE },
    [478] = { "default", SA_DEFAULT },
    [480] = { "*ho", SA_HOLES },
    [483] = { "*og", SA_ORG },
    [485] = { "*as", SA_AS_SET },
    [489] = { "mp-peering", SA_MP_PEERING },
    [490] = { "mnt-ref", SA_MNT_REF },
    [492] = { "ref-nfy", SA_REF_NFY },
    [494] = { "export-comps", SA_EXPORT_COMPS },
    [495] = { "*aa", SA_AS_NAME },
    [496] = { "*pg", SA_PEERING },
    [497] = { "domain", SA_DOMAIN },
    [498] = { "status", SA_STATUS },
    [504] = { "route6", SA_ROUTE6 },
    [506] = { "rtr-set", SA_RTR_SET },
};

/* ASCII lower case, independent of the locale. */
static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* 1 if @lc (a lower-case table name) equals @s, ignoring the case of @s. */
static int name_equal(const char *lc, const char *s)
{
    for (; *lc; lc++, s++)
        if ((unsigned char)*lc != lower((unsigned char)*s))
            return 0;
    return *s == 0;
}

int schema_attr_by_name(const char *name)
{
    uint32_t i;

    if (name == NULL || *name == 0)
        return -1;
    i = hash_fnv1a32_lower(name) % ATTR_HASH_SIZE;
    while (attr_hash[i].name != NULL) {
        if (name_equal(attr_hash[i].name, name))
            return attr_hash[i].aid;
        i = (i + 1) % ATTR_HASH_SIZE;
    }
    return -1;
}

int schema_class_by_name(const char *name)
{
    int aid = schema_attr_by_name(name);
    int cls;

    if (aid < 0 || !name_equal(attr_defs[aid].name, name))
        return -1;
    for (cls = 0; cls < SC__COUNT; cls++)
        if (class_defs[cls].aid == aid)
            return cls;
    return -1;
}

const char *schema_class_name(int cls)
{
    if (cls < 0 || cls >= SC__COUNT)
        return NULL;
    return class_defs[cls].name;
}

const char *schema_attr_name(int aid)
{
    if (aid < 0 || aid >= SA__COUNT)
        return NULL;
    return attr_defs[aid].name;
}

const char *schema_attr_short(int aid)
{
    if (aid < 0 || aid >= SA__COUNT)
        return NULL;
    return attr_defs[aid].shortname;
}

unsigned schema_attr_flags(int aid)
{
    if (aid < 0 || aid >= SA__COUNT)
        return 0;
    return attr_defs[aid].flags;
}

const int *schema_attr_refs(int aid)
{
    if (aid < 0 || aid >= SA__COUNT)
        return refs_none;
    return attr_defs[aid].refs;
}

int schema_attr_syntax(int aid)
{
    if (aid < 0 || aid >= SA__COUNT)
        return -1;
    return attr_defs[aid].syntax;
}

const schema_tmpl_t *schema_template(int cls, size_t *n)
{
    if (cls < 0 || cls >= SC__COUNT) {
        if (n)
            *n = 0;
        return NULL;
    }
    if (n)
        *n = class_defs[cls].ntmpl;
    return class_defs[cls].tmpl;
}

const schema_tmpl_t *schema_tmpl_find(int cls, int aid)
{
    const struct class_def *c;
    size_t i;

    if (cls < 0 || cls >= SC__COUNT || aid < 0)
        return NULL;
    c = &class_defs[cls];
    for (i = 0; i < c->ntmpl; i++)
        if (c->tmpl[i].aid == aid)
            return &c->tmpl[i];
    return NULL;
}
