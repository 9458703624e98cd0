/*
 * mailin.h - the incoming mail: headers the robot needs and the pieces
 * of update text found in the MIME tree, each with its credentials.
 *
 * GMime parses the message.  The walk:
 *  - text/plain (and the obsolete application/pgp of inline signed mail)
 *    in any charset and transfer encoding (quoted-printable,
 *    base64, 7bit, 8bit, binary, and bogus encodings read raw) is decoded
 *    to UTF-8 and becomes one piece;
 *  - multipart/mixed: every text/plain part is a piece (in order); parts of
 *    other types are ignored with a warning naming the type;
 *  - multipart/alternative: only the text/plain alternative;
 *  - message/rfc822 attachments are not processed (warning);
 *  - multipart/signed (RFC 3156, protocol application/pgp-signature): the
 *    signed part is the first body part of THAT multipart/signed entity as
 *    the MIME parser located it (never a text search over the mail for a
 *    boundary line): GMime writes it out again in canonical CRLF form (as
 *    its own g_mime_multipart_signed_verify() does), the signature is
 *    verified (pgp.h, with opts->gnupg_home) over exactly those bytes, and
 *    those same bytes are parsed again and walked for pieces, each of
 *    which gets the signature's credentials.  So what is processed as
 *    signed is by construction what was verified; a part whose rewritten
 *    form differs from what was signed fails to verify (fail closed).  A
 *    signature that cannot be checked, and PGP/MIME layers nested more
 *    than 8 deep (each holds a copy of its part), leave the part walked as
 *    it stands, without credentials; other signed protocols (S/MIME) are
 *    walked without credentials;
 *  - inline clearsigned blocks anywhere in a text part split it
 *    (registry/textin.h, which reads every text part): the text
 *    before (unsigned), the signed text (dash-escaping removed; with the
 *    block's signatures as credentials) and the text after (unsigned).
 *    Signed text is searched again, so nested layers accumulate their
 *    credentials.  A block that does not verify structurally (no
 *    signature, broken armor) stays in the text as it is.  A piece's
 *    credentials are exactly the signatures that cover it;
 *  - signed text (a checked clearsigned block, or a text part inside a
 *    checked PGP/MIME part) is read only in a charset that maps every
 *    byte below 0x80 to itself and has no shift states, so that decoding
 *    cannot turn the verified bytes into other lines: US-ASCII (and the
 *    undeclared/unknown names read raw, as UTF-8 or else Latin-1), UTF-8,
 *    ISO-8859-N (latinN), windows-125N (cp125N) and KOI8-*.  Signed text
 *    in any other charset (UTF-7, ISO-2022-*, HZ, UTF-16/32, EBCDIC,
 *    Shift_JIS ...) is not processed, with a message-level error;
 *  - at most opts->max_signed_blocks signatures are checked (each costs a
 *    verification): beyond that the walk stops with a message-level error
 *    and over_limit set, and the robot refuses the mail;
 *  - HTML-only, encrypted (multipart/encrypted, application/pgp-encrypted,
 *    application/pkcs7-mime) and unknown types yield no piece and an
 *    explaining message-level error (the robot still answers).
 *
 * This module has no state beyond the parsed message.  Ownership: a
 * mailin_msg_t owns everything in it; free with mailin_free().
 */
#ifndef AUTODBM_MAILIN_H
#define AUTODBM_MAILIN_H

#include <stddef.h>
#include <time.h>

#include "registry/cred.h"
#include "registry/textin.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/strv.h"

/** One piece of update text (text, len, creds: registry/textin.h). */
typedef textin_piece_t mailin_piece_t;

/** Why the walk stopped early (mailin_msg_t.over_limit). */
enum mailin_over {
    MAILIN_OVER_MIME = 1,   /**< opts max_depth or max_parts */
    MAILIN_OVER_SIGNED = 2, /**< opts max_signed_blocks */
    MAILIN_OVER_HEADER = 3  /**< opts max_header */
};

/** The parsed mail. Strings are NULL when the header is absent. */
typedef struct mailin_msg {
    char *from;             /**< From: as written (decoded, unfolded) */
    char *from_addr;        /**< the bare address of From: */
    char *reply_to;         /**< Reply-To: as written */
    char *reply_addr;       /**< where to answer: Reply-To's address, else
                                 From's; NULL when there is no usable one */
    char *sender;           /**< envelope sender (Return-Path:), if known */
    char *subject;          /**< Subject: (decoded, unfolded; "" if absent) */
    char *date;             /**< Date: as written */
    char *message_id;       /**< Message-ID: with its angle brackets */
    char *auto_submitted;   /**< Auto-Submitted: value */
    char *precedence;       /**< Precedence: value (bulk, junk, list ...) */
    char *list_id;          /**< List-Id: value (mailing-list traffic) */
    char *autoreply;        /**< X-Autoreply: or else X-Autorespond: value
                                 (auto-responders that set no
                                 Auto-Submitted); "" when present empty */
    strv_t x_loop;          /**< the value of every X-Loop: field */
    int is_bounce;          /**< 1 for delivery status reports and mails from
                                 MAILER-DAEMON / postmaster / the null sender */
    mailin_piece_t *pieces; /**< pieces in MIME order */
    size_t npieces;
    diag_list_t diags;      /**< message-level warnings and errors, for the
                                 ack's global messages (attr DIAG_OBJECT) */
    int over_limit;         /**< 0, or why the MIME walk stopped (enum
                                 mailin_over; the reason is in diags) */
} mailin_msg_t;

/** Options of mailin_parse(). */
typedef struct mailin_opts {
    time_t now;             /**< the current time (signature age checks) */
    const char *gnupg_home; /**< the registry's GnuPG home, or NULL */
    unsigned max_depth;     /**< MIME nesting limit (0: default 32) */
    unsigned max_parts;     /**< MIME part limit (0: default 1000) */
    long max_sig_age;       /**< seconds a signature may be old before it
                                 is "too-old" (0: default 3600) */
    unsigned max_signed_blocks; /**< signatures checked per mail (0:
                                 default 50) */
    size_t max_header;      /**< bytes of all header blocks together
                                 (0: default 512K) */
} mailin_opts_t;

/**
 * Initialise the MIME library (GMime) for the process.  main() calls it
 * once, before the first mailin_parse() and before composing mail
 * (mailout uses GMime too), and mailin_shutdown() once before exiting.
 * This is process-wide state: nothing else in the library initialises it.
 * Calls nest (each mailin_init() wants one mailin_shutdown()), but GMime
 * cannot be set up again once the outermost mailin_shutdown() has run.
 */
void mailin_init(void);

/** Release what mailin_init() set up.  Call once, after the last use. */
void mailin_shutdown(void);

/**
 * Parse a raw mail.
 * @param raw   the mail bytes (headers and body, as the MTA handed it over)
 * @param len   their length
 * @param opts  options (may be NULL for defaults)
 * @param out   receives the message; free with mailin_free()
 * @param err   error text on failure
 * @return 0 - also for mails without usable text (they have no pieces
 *         and a message-level error in diags); ERR_SYNTAX only when the
 *         bytes are not a mail at all (no header block); ERR_NOMEM.
 */
int mailin_parse(const char *raw, size_t len, const mailin_opts_t *opts,
                 mailin_msg_t **out, err_t *err);

/** Free a parsed message.  NULL is accepted. */
void mailin_free(mailin_msg_t *m);

/**
 * Extract the bare address from an address header value
 * ("John Doe <jd@example.net>" -> "jd@example.net").
 * @return a malloc'd address, or NULL unless the value holds exactly one
 *         mailbox whose address passes syntax_email_usable() (the robot
 *         answers only addresses that mailout can send to).
 */
char *mailin_address(const char *header_value);

#endif
