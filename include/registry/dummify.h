/*
 * dummify.h - the one filter for what leaves the registry in bulk: the
 * objects an NRTM v3 server streams to mirrors (src/whoisd/) and the
 * dumps autodbm-export writes.  What a public mirror gets is RIPE's
 * public NRTM v3 stream (DummifierNrtm); a trusted mirror gets the
 * objects as they are but for password hashes.
 *
 * The rules, in this order, for a public (filtered) mirror when
 * nrtm_dummify is on (the default):
 *  1. person objects, and role objects without abuse-mailbox:, are not
 *     sent (DUMMIFY_SKIP);
 *  2. a mntner keeps only the attributes its template makes mandatory
 *     plus created: and last-modified:; an organisation keeps its
 *     mandatory attributes plus abuse-c:, country:, created: and
 *     last-modified:;
 *  3. the first admin-c:, tech-c:, zone-c:, author: and ping-hdl: (each)
 *     becomes the dummy handle (nrtm_dummy_handle), the first address:
 *     "<nrtm_dummy_address> <primary key>", the first phone: and fax-no:
 *     nrtm_dummy_phone, the first e-mail: and upd-to: nrtm_dummy_email,
 *     the first changed: "<nrtm_dummy_email> 20000101", the first auth:
 *     "<nrtm_dummy_auth>   # Real value hidden for security"; every
 *     further occurrence of these attributes is dropped;
 *  4. an object that rules 2 and 3 changed, of a source listed in
 *     nrtm_dummy_remarks_sources, gets RIPE's seven "THIS OBJECT IS
 *     MODIFIED" remarks: lines appended (unless it carries them already,
 *     so that filtering an object twice gives the same text).
 * For a trusted mirror (@unfiltered), and for every mirror when
 * nrtm_dummify is off, only auth: values whose scheme is MD5-PW,
 * BCRYPT-PW, CRYPT-PW or SSO (any case, on any number of lines) are
 * replaced: the first by the dummy auth: line of rule 3, the others
 * dropped.  Password hashes never leave the registry.
 *
 * Attributes are recognised by name (case-insensitive, blanks before the
 * ':' ignored, so "auth :" is an auth: line too), also in objects of
 * classes the schema does not know (mirrored data); those are never
 * skipped and never reduced (rule 2), but rules 3 and 4 apply.  A
 * changed object goes out as rpsl_parse() and rpsl_print()
 * (RPSL_PRINT_DISPLAY) give it (one already in that form is edited line
 * by line to the same bytes, without the parse); an object left as it
 * is goes out byte for byte as it came in.
 *
 * Ownership: a dummify_t holds copies of the configuration values it
 * needs (the conf_t may be freed after dummify_new()); it is immutable
 * after creation, so several threads or connections may share one.
 */
#ifndef AUTODBM_DUMMIFY_H
#define AUTODBM_DUMMIFY_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"
#include "registry/conf.h"

/** The filter (opaque). */
typedef struct dummify dummify_t;

/** What dummify_obj() decided, besides an error status (ERR_*, > 0). */
enum dummify_result {
    DUMMIFY_KEEP = 0,       /**< send it: @out holds the filtered text */
    DUMMIFY_SKIP = -1       /**< do not send it (person, role without
                                 abuse-mailbox:); @out unchanged */
};

/**
 * A filter configured by @c: nrtm_dummify, nrtm_dummy_handle,
 * nrtm_dummy_address, nrtm_dummy_phone, nrtm_dummy_email,
 * nrtm_dummy_auth, nrtm_dummy_remarks_sources (autodbm.conf(5)).
 * @param c    the configuration (not kept)
 * @param err  unused today (the configuration was checked when it was
 *             read); kept for failures of later versions
 * @return the filter (release with dummify_free()); never NULL.
 */
dummify_t *dummify_new(const conf_t *c, err_t *err);

/** Release @d.  NULL is accepted. */
void dummify_free(dummify_t *d);

/**
 * Filter one object for a public (@unfiltered = 0) or a trusted
 * (@unfiltered = 1) mirror (see the rules above).
 * @param d           the filter
 * @param text        the object text (need not be NUL-terminated; a
 *                    journal entry's or a stored object's text)
 * @param len         its length
 * @param unfiltered  1: only password hashes are replaced
 * @param out         DUMMIFY_KEEP appends the text to send, ending in
 *                    "\n" (no blank line after it)
 * @param err         error text
 * @return DUMMIFY_KEEP (@out filled); DUMMIFY_SKIP (@out unchanged);
 *         ERR_SYNTAX when @text is not an object (it does not start with
 *         an attribute line): nothing is appended, the caller sends
 *         nothing for it.
 */
int dummify_obj(const dummify_t *d, const char *text, size_t len,
                int unfiltered, buf_t *out, err_t *err);

/**
 * What an NRTM version 1 or 2 stream sends in place of an object
 * dummify_obj() skips (those versions cannot show a gap in the serials):
 * RIPE's placeholder person (nic-hdl: the dummy handle) or role (nic-hdl
 * "ROLE-" followed by what follows the first '-' of the dummy handle,
 * ROLE-RIPE by default), with the skipped object's source:.
 * @param d     the filter
 * @param text  the skipped object (its class and source: are used)
 * @param len   its length
 * @param out   the placeholder text is appended, ending in "\n"
 * @param err   error text
 * @return 0; ERR_SYNTAX when @text is not an object; ERR_USAGE when it is
 *         neither a person nor a role.
 */
int dummify_placeholder(const dummify_t *d, const char *text, size_t len,
                        buf_t *out, err_t *err);

#endif
