/*
 * schema.h - what RPSL objects mean: the 21 RIPE object classes, their
 * templates, the attribute table (names, short names, value syntaxes,
 * list values, references), object validation, primary keys and the
 * index keys the store maintains.
 *
 * Facts come from RIPE's templates.txt and syntax.txt.  The
 * tables are constant and compiled in; this module has no mutable state.
 *
 * Class ids (SC_*) and attribute ids (SA_*) are dense small integers,
 * stable within one build only (the store keeps names, not ids, wherever
 * ids would reach the disk: see store.h).
 *
 * Two files, one module: src/rpsl/schema.c (validation, keys) and
 * src/rpsl/schema_tables.c (the constant tables and name look-ups), both
 * with the prefix schema_ and both declared here.
 */
#ifndef AUTODBM_SCHEMA_H
#define AUTODBM_SCHEMA_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/ipaddr.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema_class.h"

/* enum schema_class (SC_*, the object classes) is in its own header. */

/** Attributes (syntax.txt section 8), plus changed: (deprecated). */
enum schema_attr {
    SA_ABUSE_MAILBOX,     /**< abuse-mailbox: */
    SA_ABUSE_C,           /**< abuse-c: */
    SA_ADDRESS,           /**< address: */
    SA_ADMIN_C,           /**< admin-c: */
    SA_AGGR_BNDRY,        /**< aggr-bndry: */
    SA_AGGR_MTD,          /**< aggr-mtd: */
    SA_ALIAS,             /**< alias: */
    SA_ASSIGNMENT_SIZE,   /**< assignment-size: */
    SA_AS_BLOCK,          /**< as-block: */
    SA_AS_NAME,           /**< as-name: */
    SA_AS_SET,            /**< as-set: */
    SA_AUTH,              /**< auth: */
    SA_AUTHOR,            /**< author: */
    SA_AUT_NUM,           /**< aut-num: */
    SA_CERTIF,            /**< certif: */
    SA_CHANGED,           /**< changed: */
    SA_COMPONENTS,        /**< components: */
    SA_CONTACT,           /**< contact: */
    SA_COUNTRY,           /**< country: */
    SA_CREATED,           /**< created: */
    SA_DEFAULT,           /**< default: */
    SA_DESCR,             /**< descr: */
    SA_DOMAIN,            /**< domain: */
    SA_DS_RDATA,          /**< ds-rdata: */
    SA_ENCRYPTION,        /**< encryption: */
    SA_EXPORT,            /**< export: */
    SA_EXPORT_COMPS,      /**< export-comps: */
    SA_E_MAIL,            /**< e-mail: */
    SA_FAX_NO,            /**< fax-no: */
    SA_FILTER,            /**< filter: */
    SA_FILTER_SET,        /**< filter-set: */
    SA_FINGERPR,          /**< fingerpr: */
    SA_FORM,              /**< form: */
    SA_GEOFEED,           /**< geofeed: */
    SA_GEOLOC,            /**< geoloc: */
    SA_HOLES,             /**< holes: */
    SA_IFADDR,            /**< ifaddr: */
    SA_IMPORT,            /**< import: */
    SA_INET6NUM,          /**< inet6num: */
    SA_INETNUM,           /**< inetnum: */
    SA_INET_RTR,          /**< inet-rtr: */
    SA_INJECT,            /**< inject: */
    SA_INTERFACE,         /**< interface: */
    SA_IRT,               /**< irt: */
    SA_IRT_NFY,           /**< irt-nfy: */
    SA_KEY_CERT,          /**< key-cert: */
    SA_LANGUAGE,          /**< language: */
    SA_LAST_MODIFIED,     /**< last-modified: */
    SA_LOCAL_AS,          /**< local-as: */
    SA_MBRS_BY_REF,       /**< mbrs-by-ref: */
    SA_MEMBERS,           /**< members: */
    SA_MEMBER_OF,         /**< member-of: */
    SA_METHOD,            /**< method: */
    SA_MNTNER,            /**< mntner: */
    SA_MNT_BY,            /**< mnt-by: */
    SA_MNT_DOMAINS,       /**< mnt-domains: */
    SA_MNT_IRT,           /**< mnt-irt: */
    SA_MNT_LOWER,         /**< mnt-lower: */
    SA_MNT_NFY,           /**< mnt-nfy: */
    SA_MNT_REF,           /**< mnt-ref: */
    SA_MNT_ROUTES,        /**< mnt-routes: */
    SA_MP_DEFAULT,        /**< mp-default: */
    SA_MP_EXPORT,         /**< mp-export: */
    SA_EXPORT_VIA,        /**< export-via: */
    SA_MP_FILTER,         /**< mp-filter: */
    SA_MP_IMPORT,         /**< mp-import: */
    SA_IMPORT_VIA,        /**< import-via: */
    SA_MP_MEMBERS,        /**< mp-members: */
    SA_MP_PEER,           /**< mp-peer: */
    SA_MP_PEERING,        /**< mp-peering: */
    SA_NETNAME,           /**< netname: */
    SA_NIC_HDL,           /**< nic-hdl: */
    SA_NOTIFY,            /**< notify: */
    SA_NSERVER,           /**< nserver: */
    SA_ORG,               /**< org: */
    SA_ORG_NAME,          /**< org-name: */
    SA_ORG_TYPE,          /**< org-type: */
    SA_ORGANISATION,      /**< organisation: */
    SA_ORIGIN,            /**< origin: */
    SA_OWNER,             /**< owner: */
    SA_PEER,              /**< peer: */
    SA_PEERING,           /**< peering: */
    SA_PEERING_SET,       /**< peering-set: */
    SA_PERSON,            /**< person: */
    SA_PHONE,             /**< phone: */
    SA_PING_HDL,          /**< ping-hdl: */
    SA_PINGABLE,          /**< pingable: */
    SA_POEM,              /**< poem: */
    SA_POETIC_FORM,       /**< poetic-form: */
    SA_PREFIXLEN,         /**< prefixlen: */
    SA_REF_NFY,           /**< ref-nfy: */
    SA_REG_NR,            /**< reg-nr: */
    SA_REMARKS,           /**< remarks: */
    SA_ROLE,              /**< role: */
    SA_ROUTE,             /**< route: */
    SA_ROUTE6,            /**< route6: */
    SA_ROUTE_SET,         /**< route-set: */
    SA_RTR_SET,           /**< rtr-set: */
    SA_SIGNATURE,         /**< signature: */
    SA_SOURCE,            /**< source: */
    SA_SPONSORING_ORG,    /**< sponsoring-org: */
    SA_STATUS,            /**< status: */
    SA_TECH_C,            /**< tech-c: */
    SA_TEXT,              /**< text: */
    SA_UPD_TO,            /**< upd-to: */
    SA_ZONE_C,            /**< zone-c: */
    SA__COUNT
};

/** Requirement of an attribute in a template. */
enum schema_req { SR_MANDATORY, SR_OPTIONAL, SR_GENERATED, SR_CONDITIONAL };
/** Cardinality of an attribute in a template. */
enum schema_card { SK_SINGLE, SK_MULTIPLE };
/** Key roles (bit set). */
enum schema_keys {
    SKEY_PRIMARY = 1 << 0,  /**< part of the primary key */
    SKEY_LOOKUP  = 1 << 1,  /**< found by a plain query */
    SKEY_INVERSE = 1 << 2,  /**< found by an inverse (-i) query */
    SKEY_USER_ORDER = 1 << 3 /**< aut-num policy: submitted order kept */
};

/** One template line. */
typedef struct schema_tmpl {
    int aid;                /**< enum schema_attr */
    enum schema_req req;
    enum schema_card card;
    unsigned keys;          /**< enum schema_keys bits */
} schema_tmpl_t;

/** Attribute flags (schema_attr_flags()). */
enum schema_attr_flags {
    SAF_LIST = 1 << 0       /**< comma-separated list value */
};

/** Validation modes. */
enum schema_mode {
    SCHEMA_STRICT = 0,      /**< updates: everything is checked */
    SCHEMA_NON_STRICT = 1,  /**< mirrored/legacy data: only the class,
                                 the primary key attributes and source:
                                 are checked; unknown attributes, missing
                                 mandatory ones and other syntax errors
                                 are accepted silently */
    SCHEMA_CREATE = 2,      /**< bit, or'ed to a mode: the object is being
                                 created, values are checked with
                                 SYNTAX_CREATE (creation-only rules) */
    SCHEMA_AS_GIVEN = 4     /**< bit: the object is stored as it is (a
                                 load): no generated created:/last-modified:
                                 replace the supplied ones, so these may
                                 not repeat either; control characters are
                                 not converted (a syntax error in free
                                 text) and a class line keeps its comment */
};

/** Class id for a class name (case-insensitive), or -1. */
int schema_class_by_name(const char *name);
/** Name of class @cls ("inetnum"), or NULL for an invalid id. */
const char *schema_class_name(int cls);

/**
 * Attribute id for an attribute name: the long name ("mnt-by") or the
 * short form ("*mb"), case-insensitive.  Also knows changed: (SA_CHANGED).
 * @return the id, or -1 if unknown.
 */
int schema_attr_by_name(const char *name);
/** Long name of attribute @aid ("mnt-by"), or NULL for an invalid id. */
const char *schema_attr_name(int aid);
/** Short name of attribute @aid ("*mb"), or NULL. */
const char *schema_attr_short(int aid);
/** enum schema_attr_flags bits of attribute @aid. */
unsigned schema_attr_flags(int aid);
/**
 * Classes an attribute's values reference (syntax.txt section 8
 * "references"), ending with -1.  Never NULL (an empty list is {-1}).
 */
const int *schema_attr_refs(int aid);
/** The syntax (enum syntax_id of syntax.h) of attribute @aid. */
int schema_attr_syntax(int aid);

/**
 * The template of class @cls in template order.
 * @param n  receives the number of lines
 * @return a constant array, or NULL for an invalid class.
 */
const schema_tmpl_t *schema_template(int cls, size_t *n);
/** The template line of @aid in class @cls, or NULL if not in the template. */
const schema_tmpl_t *schema_tmpl_find(int cls, int aid);

/**
 * Give a parsed object its meaning: set o->cls from the first attribute
 * and each attribute's aid; rewrite short names ("*mb:") to long names
 * with one Warning "Short format attribute name(s) have been replaced."
 * @param o      the object
 * @param diags  where warnings go (may be NULL)
 * @return 0 if the first attribute names a known class; ERR_SYNTAX if it
 *         does not ("not an object"; o->cls stays -1).
 */
int schema_classify(rpsl_obj_t *o, diag_list_t *diags);

/**
 * Check a classified object against its template and the syntax of each
 * value.  Key values are normalised in place where RIPE does (inetnum
 * prefixes to ranges, short IPv4 prefixes such as "193.0.1/24" expanded,
 * IPv6 canonical text, upper-case status/source, ...) with the Info RIPE
 * prints.  Strict mode also: replaces control characters by '?' in the
 * values of free-text attributes (address, descr, remarks, reg-nr, text)
 * and in the comments of all but certif:, with the Warning 'Attribute
 * "x:" has been converted to "y"' (rpsl_attr_replace_controls(); no line
 * is added or joined); strips a comment from the class line with the
 * Info asking for remarks:; refuses "source: X # Filtered" (pasted whois
 * output, "Cannot submit filtered whois output for updates"); accepts
 * created:/last-modified: more than once (the update engine replaces
 * every supplied one).  SCHEMA_AS_GIVEN turns off the conversion, the
 * comment stripping and the repeated created:/last-modified:.  Messages
 * use RIPE's texts ("Mandatory attribute "x" is missing", "Attribute "x"
 * appears more than once", "\"x\" is not a known RPSL attribute",
 * "Syntax error in <value>").
 * @param o       the object (o->cls must be set)
 * @param mode    SCHEMA_STRICT or SCHEMA_NON_STRICT, optionally or'ed with
 *                SCHEMA_CREATE (the primary key attributes are then checked
 *                with SYNTAX_CREATE, and a new nic-hdl's suffix with
 *                syntax_nic_hdl_suffix_ok() against @source) and/or
 *                SCHEMA_AS_GIVEN (autodbm-load)
 * @param source  the registry's source name (source: must equal it,
 *                case-insensitively), or NULL to accept any valid source
 * @param diags   where the messages go (attribute-level where possible)
 * @return the number of DIAG_ERROR diagnostics added (0 = valid).
 */
int schema_validate(rpsl_obj_t *o, enum schema_mode mode, const char *source,
                    diag_list_t *diags);

/**
 * The primary key of a classified object, as printed in acks: the class
 * attribute's value; nic-hdl for person and role; prefix immediately
 * followed by origin for route and route6 ("192.0.2.0/24AS65000").
 * The case is kept as in the object.
 * @param out  the key is appended
 * @return 0, or ERR_SYNTAX if a key attribute is missing or empty.
 */
int schema_pkey(const rpsl_obj_t *o, buf_t *out);

/**
 * The address range of an object of an address class (inetnum, inet6num,
 * route, route6, and domain under in-addr.arpa/ip6.arpa).
 * @return 0 and fills @r; ERR_NOTFOUND if the class has no address range
 *         (or the domain is e164.arpa); ERR_SYNTAX if the key is invalid.
 */
int schema_obj_range(const rpsl_obj_t *o, ip_range_t *r);

/**
 * Collect the values of every attribute @aid of @o (NULL: none) into @out,
 * each once (case-insensitive): list values split into their items,
 * mnt-routes: reduced to its maintainer name (without the prefix list).
 */
void schema_obj_values(const rpsl_obj_t *o, int aid, strv_t *out);

/** Kinds of secondary keys reported by schema_each_key(). */
enum schema_keykind {
    SCHEMA_KEY_INVERSE = 1, /**< (attribute, value) for -i queries */
    SCHEMA_KEY_LOOKUP = 2   /**< value found by a plain query */
};

/**
 * Report every secondary index key of a classified object: for every
 * attribute that is an inverse key in the object's template, each of its
 * values (list values split into items; mnt-routes: the mntner name only;
 * nserver:/ifaddr: the host/address part; auth: only PGPKEY-/X509-
 * key-cert names, never hashes); for every lookup key that is not the
 * primary key (person:, role:, e-mail:, netname:, org-name:), its value.
 * Values are passed as they appear (callers fold case).
 * @param fn   called as fn(kind, aid, value, len, arg); a non-zero return
 *             stops the walk and is returned
 * @return 0, or the first non-zero value returned by @fn.
 */
int schema_each_key(const rpsl_obj_t *o,
                    int (*fn)(enum schema_keykind kind, int aid,
                              const char *value, size_t len, void *arg),
                    void *arg);

#endif
