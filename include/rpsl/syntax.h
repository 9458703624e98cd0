/*
 * syntax.h - attribute value syntaxes: one checker per value type of
 * RIPE's syntax.txt (section 2, 3, 4, 5, 8).
 *
 * A checker takes one attribute value (the processing value of
 * rpsl_attr_t: comments removed, white space folded) and says whether it
 * is valid; where RIPE rewrites a value (an inetnum prefix to a range, an
 * IPv6 prefix to canonical text, status:/source: upper-cased, a trailing
 * dot stripped) it also returns the normalised text and the Info text RIPE
 * prints.  Some syntaxes depend on the object class (status values,
 * members:, source:), so the class id is passed too.
 *
 * Pure functions over constant tables (country and language codes,
 * reserved words); no state.  Results own malloc'd strings: release with
 * syntax_result_free().
 */
#ifndef AUTODBM_SYNTAX_H
#define AUTODBM_SYNTAX_H

#include <stddef.h>

/** Value syntaxes (syntax.txt section 8 "value type"). */
enum syntax_id {
    SYN_AGGR_BNDRY,
    SYN_AGGR_MTD,
    SYN_ALIAS,
    SYN_AS_BLOCK,
    SYN_AS_NUMBER,
    SYN_AS_SET,
    SYN_AUTH_SCHEME,
    SYN_CERTIF,
    SYN_CHANGED,
    SYN_COMPONENTS,
    SYN_CONTACT,
    SYN_COUNTRY_CODE,
    SYN_DEFAULT,
    SYN_DOMAIN,
    SYN_DS_RDATA,
    SYN_EMAIL,
    SYN_EXPORT,
    SYN_EXPORT_COMPS,
    SYN_EXPORT_VIA,
    SYN_FILTER,
    SYN_FILTER_SET,
    SYN_FREE_FORM,
    SYN_GENERATED,
    SYN_GEOFEED,
    SYN_GEOLOC,
    SYN_HOLES,
    SYN_IFADDR,
    SYN_IMPORT,
    SYN_IMPORT_VIA,
    SYN_INET_RTR,
    SYN_INJECT,
    SYN_INTERFACE,
    SYN_IPV4,
    SYN_IPV6,
    SYN_IRT,
    SYN_KEY_CERT,
    SYN_LANGUAGE_CODE,
    SYN_MBRS_BY_REF,
    SYN_MEMBER_OF,
    SYN_MEMBERS,
    SYN_METHOD,
    SYN_MNT_ROUTES,
    SYN_MP_DEFAULT,
    SYN_MP_EXPORT,
    SYN_MP_FILTER,
    SYN_MP_IMPORT,
    SYN_MP_MEMBERS,
    SYN_MP_PEER,
    SYN_MP_PEERING,
    SYN_NETNAME,
    SYN_NIC_HANDLE,
    SYN_NSERVER,
    SYN_NUMBER,
    SYN_OBJECT_NAME,
    SYN_ORG_NAME,
    SYN_ORG_TYPE,
    SYN_ORGANISATION,
    SYN_PEER,
    SYN_PEERING,
    SYN_PEERING_SET,
    SYN_PERSON_ROLE_NAME,
    SYN_PHONE,
    SYN_PINGABLE,
    SYN_POEM,
    SYN_POETIC_FORM,
    SYN_PREFIXLEN,
    SYN_ROUTE,
    SYN_ROUTE6,
    SYN_ROUTE_SET,
    SYN_RTR_SET,
    SYN_SOURCE,
    SYN_STATUS,
    SYN__COUNT
};

/** Options for syntax_check(). */
enum syntax_flags {
    SYNTAX_CREATE = 1 << 0, /**< the value is part of a new object: apply
                                 the rules RIPE only applies on creation
                                 (mntner names ending in -MNT, reserved
                                 names, nic-hdl suffixes, route prefix
                                 length floors, inet6num <= /64 ...).
                                 Pass it for the primary key attribute(s)
                                 only, never for references. */
    SYNTAX_LIST = 1 << 1    /**< the value is a comma-separated list
                                 (schema_attr_flags() has SAF_LIST): each
                                 item is checked on its own and an empty
                                 item is an error.  Syntaxes that only
                                 occur as lists (members, mp-members,
                                 member-of, mbrs-by-ref, holes) always
                                 split; object_name, irt and poetic_form
                                 split only with this flag. */
};

/** The result of one check. */
typedef struct syntax_result {
    int ok;             /**< 1 if the value is valid */
    char *error;        /**< malloc'd error text when !ok, e.g.
                             "Syntax error in 10.0.0.0/33"; NULL when ok */
    char *normalised;   /**< malloc'd normalised value when it differs from
                             the input, else NULL */
    char *info;         /**< malloc'd Info text for a normalisation, e.g.
                             "Value 10.0.0.0/8 converted to 10.0.0.0 -
                             10.255.255.255", else NULL */
} syntax_result_t;

/**
 * Check one value.
 * @param syn    enum syntax_id
 * @param cls    class id of the object (enum schema_class), -1 if unknown
 * @param value  the processing value, NUL-terminated
 * @param flags  enum syntax_flags
 * @param res    filled in; the caller releases it with syntax_result_free()
 * @return res->ok.
 */
int syntax_check(int syn, int cls, const char *value, unsigned flags,
                 syntax_result_t *res);

/** Free the strings of @res and zero it. */
void syntax_result_free(syntax_result_t *res);

/**
 * The addr-spec of an e-mail value (the syntax of e-mail:, notify:,
 * mnt-nfy:, upd-to:, irt-nfy:, ref-nfy:): "a@b" of "a@b", "Name <a@b>",
 * "\"Last, First\" <a@b>" and "a@b (comment)"; a quoted local part stays
 * quoted ("\"a b\"@c").  The one parser of these values: notifications
 * are sent to what it returns, and outgoing mail accepts only what
 * syntax_email_usable() accepts.
 * @return the addr-spec (malloc'd), or NULL if @value is not valid.
 */
char *syntax_email_address(const char *value);

/**
 * Whether @a is a bare addr-spec the registry sends mail to and answers:
 * exactly what syntax_email_address() returns for it (no display name,
 * comment or surrounding space; a quoted local part and an address
 * literal are fine), in printable ASCII (no SMTPUTF8), without '<', '>'
 * or a backslash, at most 320 bytes.  The one check of an address that goes
 * into an envelope or a header: mailout refuses any other recipient or
 * sender (registry/mailout.h), and the robot takes the mailbox of a
 * From: or Reply-To: as its reply address only when it passes
 * (robot/mailin.h), so a mail is never processed for an answer that
 * could not be sent.
 * @return 1 if usable, 0 if not (NULL included).
 */
int syntax_email_usable(const char *a);

/** Name of a syntax ("nic_handle"), for messages and tests. */
const char *syntax_name(int syn);

/** 1 if @code (two letters, any case) is a known ISO 3166 country or EU. */
int syntax_country_known(const char *code);

/** 1 if @code (two letters, any case) is a known ISO 639-1 language code. */
int syntax_language_known(const char *code);

/**
 * The nic-hdl suffix rule RIPE applies when a handle is claimed on
 * creation: a handle without a "-SUFFIX" is fine; a suffix must equal
 * @source (case-insensitive), be one of RIPE ORG ARIN LACNIC RADB APNIC
 * RIPN AFRINIC, or be a known ISO 3166 country code.  (The registry's
 * source is not known to syntax_check(), so the caller applies this.)
 * @param hdl     the nic-hdl value, NUL-terminated
 * @param source  the registry's source name, or NULL
 * @return 1 if the suffix is acceptable, 0 if not.
 */
int syntax_nic_hdl_suffix_ok(const char *hdl, const char *source);


#endif
