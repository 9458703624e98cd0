/*
 * update.h - the update text of a message: pieces split into paragraphs,
 * pseudo-attributes taken out, Subject keywords read.
 *
 * Input is front-end neutral (the mail robot, later syncupdates): a list
 * of pieces of text, each with the credentials that came with it, and a
 * subject.  Rules (auth.txt E1-E3, E6):
 *  - paragraphs are separated by blank lines, except that a line of
 *    spaces and tabs only inside an object (a paragraph whose first line
 *    is an attribute line) is a blank continuation line of the attribute
 *    before it (RIPE's '+'); such lines at the end of an object are
 *    dropped;
 *  - "password: x" lines (anywhere) are passwords of the piece they stand
 *    in: added to that piece's credentials, removed from the text, never
 *    stored or echoed;
 *  - a line that looks like a mistyped "password:" is removed from the
 *    text too (never stored or echoed) but is no credential: optional
 *    blanks, a name of 4 to 10 bytes, optional blanks, ':', where the
 *    name (ASCII case-insensitive) is within 2 edits (insert, delete,
 *    substitute, swap two neighbours) of "password" or "passwd" and is
 *    not exactly "password:" at the start of the line ("Password:" is a
 *    password; "password :", " password:", "pasword:", "passwd:",
 *    "passw0rd:" are mistyped); counted in nmistyped, with one warning;
 *  - "delete: reason" inside a paragraph marks a deletion (two or more:
 *    error "Multiple reasons specified for DELETE operation");
 *  - "dry-run:" anywhere makes the whole message a dry run;
 *  - "override:" lines are kept with their paragraph (the caller decides
 *    whether override is allowed); a line that looks like a mistyped
 *    "override:" (the same rule as for "password:": "override :",
 *    "overide:", "overrid:"), which would otherwise be an unknown
 *    attribute echoed with its secret in the ack, is removed and never
 *    used, counted in nmistyped_override, with one warning;
 *  - a paragraph whose first line is an attribute of a known class, with
 *    at least one more attribute, is an object (parsed and classified);
 *    any other paragraph that is not only pseudo-attributes is "not an
 *    object" and kept verbatim for the ack, with its delete: lines (a
 *    class line alone is not an object; neither is "delete: reason"
 *    alone, listed as it is);
 *  - lines that are neither attributes nor continuations directly after
 *    an object, with no attribute after them (rpsl_object_extent()), end
 *    the object: they are a "not an object" paragraph of their own;
 *  - Subject: NEW, HELP, HOWTO, DIFF (whole subject, case-insensitive);
 *    empty subject: no keyword; anything else: Warnings "Invalid
 *    keyword(s) found: <subject>" and "All keywords were ignored".
 *
 * Ownership: upd_msg_t owns everything in it; upd_msg_free().
 *
 * Prefix: upd_, short for update (types and functions alike).
 */
#ifndef AUTODBM_UPDATE_H
#define AUTODBM_UPDATE_H

#include <stddef.h>

#include "registry/cred.h"
#include "util/diag.h"
#include "util/err.h"
#include "rpsl/rpsl.h"

/** One piece of input text and its credentials (not owned). */
typedef struct upd_piece {
    const char *text;
    size_t len;
    const cred_list_t *creds;   /**< may be NULL: no credentials */
} upd_piece_t;

/** Subject keywords. */
enum upd_keyword {
    UPD_KW_NONE = 0, UPD_KW_NEW, UPD_KW_HELP, UPD_KW_HOWTO, UPD_KW_DIFF,
    UPD_KW_INVALID
};

/** One paragraph of the update text. */
typedef struct upd_para {
    rpsl_obj_t *obj;        /**< classified object, or NULL if not an object */
    char *text;             /**< the paragraph verbatim, pseudo-attribute
                                 lines removed but, in a paragraph that is
                                 no object, its delete: lines (for "NOT
                                 PROCESSED" and "do not look like
                                 objects") */
    size_t piece;           /**< index of the piece it came from */
    const cred_list_t *creds; /**< that piece's credentials (owned by the
                                 upd_msg_t); never NULL */
    char *delete_reason;    /**< reason of a delete: line, or NULL */
    unsigned ndelete;       /**< number of delete: lines */
    char *override;         /**< value of an override: line (secret), or NULL */
    diag_list_t diags;      /**< parse diagnostics of the object */
    int released;           /**< obj was released (upd_para_release);
                                 a text of 4 KB or more is then kept
                                 deflated in packed (text NULL) */
    unsigned char *packed;  /**< the released text, zlib-deflated */
    size_t packed_len;      /**< its length */
    size_t text_len;        /**< the length of the text it holds */
} upd_para_t;

/** The whole update. */
typedef struct upd_msg {
    enum upd_keyword keyword;
    int dry_run;            /**< a dry-run: line was seen */
    upd_para_t *paras;      /**< objects and non-objects, in text order */
    size_t nparas;
    size_t nobjects;        /**< paragraphs that are objects (counted by
                                 upd_split, kept by upd_para_release) */
    cred_list_t *creds;     /**< per piece: its input credentials plus the
                                 passwords found in its text */
    size_t npieces;
    diag_list_t global;     /**< message-level messages (keywords, ...) */
    size_t nmistyped;       /**< lines taken for mistyped "password:" lines */
    size_t nmistyped_override; /**< mistyped "override:" lines (removed,
                                    unused) */
    unsigned checks_left;   /**< crypt computations its passwords (and its
                                 override: lines) may still make
                                 (upd_password_limits) */
    int checks_bounded;     /**< 1 once upd_password_limits() set the budget
                                 (else checks_left is not used) */
} upd_msg_t;

/**
 * Split pieces into paragraphs.
 * @param pieces   the pieces, in order
 * @param n        their number
 * @param subject  the mail's subject (NULL or "" for none)
 * @param out      receives the update; free with upd_msg_free()
 * @param err      error text on failure
 * @return 0; ERR_NOMEM.
 */
int upd_split(const upd_piece_t *pieces, size_t n, const char *subject,
              upd_msg_t **out, err_t *err);

/** Number of paragraphs that are objects (released ones included). */
size_t upd_object_count(const upd_msg_t *m);

/**
 * Release a paragraph whose object is done with (the update engine's
 * results hold what is left of it): obj becomes NULL and released
 * 1.  A text of 4 KB or more is kept deflated (zlib, a fifth of its size
 * or less for RPSL; text becomes NULL), a shorter one as it is, only so
 * that upd_msg_restore() can bring the paragraph back.
 * An update's parsed objects take about twice the memory of its text.
 */
void upd_para_release(upd_para_t *p);

/**
 * Bring back every released paragraph (its text inflated, its object
 * parsed again as upd_split() did), so the update can be processed once
 * more: a transaction that is retried runs it all again.
 */
void upd_msg_restore(upd_msg_t *m);

/**
 * Bound the password checks of @m (cred.h): BCRYPT-PW hashes of a cost
 * above @bcrypt_max_cost are not computed, and all the passwords of the
 * update together compute at most @max_checks crypt hashes (the counter
 * is upd_msg_t.checks_left).
 */
void upd_password_limits(upd_msg_t *m, unsigned bcrypt_max_cost, unsigned max_checks);

/** Free an update.  Passwords are wiped.  NULL is accepted. */
void upd_msg_free(upd_msg_t *m);

#endif
