/*
 * textin.h - update text as a front end received it: bytes in a declared
 * charset, split at their inline clearsigned blocks into pieces of UTF-8
 * text, each with the credentials that cover exactly it.  Both front
 * ends read their text through it: the mail robot for every text part
 * (src/robot/mailin.c, which adds PGP/MIME around it) and syncupdates for
 * the DATA of a request (src/syncupdates/).
 *
 * The rules (the mail robot's since its start):
 *  - a block from a "-----BEGIN PGP SIGNED MESSAGE-----" line to the
 *    "-----END PGP SIGNATURE-----" line after it is verified (pgp.h, the
 *    registry's gnupg_home) over exactly its bytes as received, in the
 *    declared charset, before any decoding: the text before it is one
 *    piece (the caller's credentials), its signed text (dash-escaping
 *    removed) is searched again for nested blocks (down to 8 levels) and
 *    becomes pieces with the caller's credentials plus the block's
 *    signatures, the text after it goes on the same way.  A block that
 *    does not verify structurally (no signature, broken armor) stays in
 *    the text as it is;
 *  - signed text is read only in a charset that maps every byte below
 *    0x80 to itself and has no shift states (textin_charset_keeps_lines()):
 *    signed text in any other charset is not processed, with an error;
 *  - at most max_signed_blocks signatures are checked: beyond that
 *    nothing more is added, an error says so and textin_over_signed() is
 *    set (the front end refuses the whole submission);
 *  - decoding: declared UTF-8 is kept with U+FFFD for malformed bytes;
 *    undeclared or meaningless charsets ("us-ascii", "unknown-8bit", ...)
 *    and charsets iconv cannot convert are read raw (UTF-8 when valid,
 *    else Latin-1); others are converted by iconv.  NUL becomes U+FFFD,
 *    CR LF becomes LF; a piece of blank text only is left out.
 *
 * Messages go to the caller's diag list (attr DIAG_OBJECT), naming the
 * submission by the caller's noun ("The mail has more than ...").
 *
 * Ownership: a textin_t owns its pieces until textin_take(); the caller
 * owns the diag list and the credentials it passes (they are copied).
 * The MIME library (GMime) must be initialised by the program (its
 * charset names are read through it).
 */
#ifndef AUTODBM_TEXTIN_H
#define AUTODBM_TEXTIN_H

#include <stddef.h>
#include <time.h>

#include "registry/cred.h"
#include "registry/pgp.h"
#include "util/buf.h"
#include "util/diag.h"

/** One piece of update text. */
typedef struct textin_piece {
    char *text;             /**< UTF-8 text, NUL-terminated, LF line ends */
    size_t len;             /**< its length */
    cred_list_t creds;      /**< credentials covering exactly this text */
} textin_piece_t;

/** Options of textin_new(). */
typedef struct textin_opts {
    time_t now;             /**< the current time (signature age checks) */
    const char *gnupg_home; /**< the registry's GnuPG home; NULL: signatures
                                 are not checked (a warning says so) */
    long max_sig_age;       /**< seconds a signature may be old before it
                                 is "too-old" (0: 3600) */
    unsigned max_signed_blocks; /**< signatures checked (0: 50) */
    const char *noun;       /**< what the messages call the submission
                                 ("mail"; NULL: "mail") */
} textin_opts_t;

/** The text of one submission being read (opaque). */
typedef struct textin textin_t;

/**
 * Start reading a submission's text.
 * @param opts   options (copied; the strings must outlive the textin_t)
 * @param diags  where messages go; must outlive the textin_t
 * @return the reader (never NULL: allocation failure aborts, buf.h).
 */
textin_t *textin_new(const textin_opts_t *opts, diag_list_t *diags);

/** Free a reader with the pieces it still holds.  NULL is accepted. */
void textin_free(textin_t *t);

/**
 * Add the text @s (@n bytes, charset @cs, NULL: undeclared) split at its
 * clearsigned blocks (see the header); its pieces get copies of @creds
 * (NULL: none) and, where signed, the signatures.  Nothing is added once
 * the signature limit was hit.
 */
void textin_add(textin_t *t, const char *s, size_t n, const char *cs,
                const cred_list_t *creds);

/** The pieces added so far (the caller may add credentials to them). */
textin_piece_t *textin_pieces(textin_t *t, size_t *n);

/** Hand the pieces over: *@pieces (free each text, cred_list_free() each
 *  creds, then the array) and *@n; the reader holds none after. */
void textin_take(textin_t *t, textin_piece_t **pieces, size_t *n);

/* ---- for a front end that checks signatures of its own (PGP/MIME) ---- */

/** The verifier, opened at the first call (a warning when it cannot be:
 *  no gnupg_home, GPGME unusable); NULL then. */
pgp_t *textin_pgp(textin_t *t);

/**
 * Count one more signature check before it is made.
 * @return the time policy to check with (its max_sigs what is left of
 *         the limit), or NULL when the limit is hit (the error is added,
 *         nothing more is read).
 */
const pgp_time_policy_t *textin_count_signed(textin_t *t);

/**
 * After a check that returned @rc with @n signatures: count the others.
 * @return 1 to go on; 0 when the limit is hit (@rc ERR_LIMIT included).
 */
int textin_count_more(textin_t *t, int rc, size_t n);

/** Whether signed text may be read in charset @cs (NULL: undeclared). */
int textin_charset_keeps_lines(const char *cs);

/** Signed text in charset @cs is not processed: add the error saying why. */
void textin_refuse_charset(textin_t *t, const char *cs);

/** Add the signatures @sigs[0..n) to @creds as PGP credentials. */
void textin_sig_creds(cred_list_t *creds, const pgp_sig_t *sigs, size_t n);

/** Whether the signature limit was hit (nothing more is read). */
int textin_over_signed(const textin_t *t);

/** Whether text was refused with an error that says why (a charset, the
 *  signature limit). */
int textin_refused(const textin_t *t);

/* ---- helpers the front ends share ------------------------------------ */

/** Append @s (@n bytes, NUL allowed) to @b as valid UTF-8: NUL bytes and
 *  bytes that start no well-formed sequence become U+FFFD. */
void textin_put_utf8(buf_t *b, const char *s, size_t n);

/** Append @n bytes in charset @cs (NULL: undeclared) to @b as UTF-8 (the
 *  decoding rule of the header). */
void textin_put_charset(buf_t *b, const char *s, size_t n, const char *cs);

/** Append the lower-cased printable ASCII of @s (at most @max bytes), fit
 *  to quote an untrusted name (a MIME type, a charset) in a message. */
void textin_put_token(buf_t *b, const char *s, size_t max);

#endif
