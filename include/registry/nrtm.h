/*
 * nrtm.h - the NRTM v3 server's protocol: the request a mirror sends
 * and the bytes of every answer (RIPE's NRTM, versions 1 to 3).  The
 * listener that speaks it is autodbm-whoisd's (src/whoisd/nrtm.c); this
 * module knows no socket, so every byte of the protocol is tested here.
 *
 * Requests (one line):
 *     -g SOURCE:VERSION:FIRST-LAST   LAST a number or "LAST" (any case)
 *     -k                             with -g: stay and push new serials
 *     -q sources | -q version        (any case)
 * Tokens are split on spaces and parsed as RIPE's server parses them (its
 * option parser is jopt-simple): "-gTEST:3:1-LAST" and "-kg ARG" work,
 * a token that is no option is ignored, "--" ends the options.  The
 * checks and their texts, in RIPE's order (each answer is the text, one
 * empty line, then the server closes):
 *   1. a line longer than the bound  %ERROR:405: syntax error: request
 *                                    longer than N bytes  (autodbm's text;
 *                                    RIPE's frame decoder drops such a line)
 *   2. an unknown option, or -g/-q without its argument
 *                                    %ERROR:405: syntax error: 'x' is not a
 *                                    recognized option | Option 'g'
 *                                    requires an argument (jopt-simple's)
 *   3. no option                     %ERROR:405: no flags passed
 *   4. -q with -g or -k              %ERROR:405: -q cannot be used with
 *                                    any other options
 *   5. -k without -g                 %ERROR:405: -k cannot be used with
 *                                    out -g
 *   6. -g twice (or -q twice)        %ERROR:405: syntax error: Found
 *                                    multiple arguments for option 'g',
 *                                    but you asked for only one
 *   7. a source not served           %ERROR:403: unknown source SRC (as
 *                                    given)
 *   8. a version outside 1..3        %ERROR:406: NRTM version mismatch
 *   9. a missing part, a non-number, LAST < FIRST
 *                                    %ERROR:405: syntax error
 *  10. -q neither sources nor version
 *                                    %ERROR:405: unsupported option for -q
 *                                    flag.
 * Numbers are read as Java's Integer.parseInt reads them (an optional
 * sign, decimal digits) but up to 2^63-1; parts beyond the third (and a
 * third "-") are ignored, as RIPE does.  Then, with the journal
 * (nrtm_request_check): LAST (or -k) becomes the newest serial;
 *  11. FIRST or LAST outside the journal's [oldest, newest]
 *                                    %ERROR:401: invalid range: Not within
 *                                    OLDEST-NEWEST
 *  12. the entry at FIRST (or the next one) older than the age limit
 *                                    %ERROR:401: (Requesting serials older
 *                                    than N days will be rejected)
 *  13. a client not allowed to mirror
 *                                    %ERROR:402: not authorised to mirror
 *                                    the database from IP address ADDR
 * A mirror that is up to date asking for NEWEST+1-LAST thus gets 401
 * "Not within": RIPE's "nothing new yet".
 *
 * The stream: every unit is followed by exactly one empty line:
 *     %START Version: V SOURCE FIRST-LAST
 *     %WARNING: NRTM version V is deprecated, please consider migrating
 *       to version 3!                          (versions 1 and 2 only)
 *     ADD n | DEL n   (version 3) or ADD | DEL (versions 1, 2)
 *     the object text
 *     ...
 *     %END SOURCE                              (not with -k)
 * SOURCE is spelt as the server spells it.  Each journal entry goes
 * through a filter (the caller's nrtm_filter_t: the public or the
 * unfiltered rules); an entry the filter skips leaves a gap in
 * version 3, and in versions 1 and 2, which cannot express gaps (the
 * n-th operation is serial FIRST+n-1), becomes the same operation on the
 * filter's placeholder (RIPE's placeholder person or role).
 *
 * Prefix: nrtm_.  Ownership: nrtm_request_t owns its source text
 * (nrtm_request_free); answers are appended to caller's buffers.
 */
#ifndef AUTODBM_REGISTRY_NRTM_H
#define AUTODBM_REGISTRY_NRTM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"
#include "store/journal.h"

/** The NRTM version this server speaks (and the newest it accepts). */
#define NRTM_VERSION 3

/** What a request asks for. */
enum nrtm_kind {
    NRTM_MIRROR = 1,    /**< -g: a range of the journal */
    NRTM_SOURCES,       /**< -q sources */
    NRTM_VERSION_Q      /**< -q version */
};

/** A parsed request. */
typedef struct nrtm_request {
    enum nrtm_kind kind;
    char *source;       /**< -g: the served source as the server spells it
                             (the callback's spelling); owned */
    int version;        /**< -g: 1, 2 or 3 */
    uint64_t first;     /**< -g: the first serial asked for */
    uint64_t last;      /**< -g: the last one (after nrtm_request_check
                             with LAST or -k: the newest) */
    int to_newest;      /**< -g: LAST was asked for */
    int keep;           /**< -k */
} nrtm_request_t;

/**
 * Whether a source is served.
 * @param name  the source as the client wrote it (not NUL-safe: a
 *              NUL-terminated token)
 * @return NULL when it is not served, else the source as the server
 *         spells it (copied by the parser)
 */
typedef const char *(*nrtm_served_fn)(const char *name, void *arg);

/**
 * Parse one request line (without its line end; a trailing CR and outer
 * white space are trimmed here).
 * @param line    the line, @len bytes (may hold anything: NUL bytes make
 *                it a syntax error)
 * @param max     the bound on @len (conf nrtm_max_request_length)
 * @param served  which sources are served (called for -g only)
 * @param req     filled on success (nrtm_request_free it, also after a
 *                failure)
 * @param reply   on ERR_SYNTAX receives the exact answer: "%ERROR:...",
 *                then an empty line
 * @return 0; ERR_SYNTAX for every refused request (checks 1 to 10 above).
 */
int nrtm_request_parse(const char *line, size_t len, size_t max,
                       nrtm_served_fn served, void *arg,
                       nrtm_request_t *req, buf_t *reply);

/** Free what @req owns (and zero it).  NULL is accepted. */
void nrtm_request_free(nrtm_request_t *req);

/**
 * The checks of a -g request against the journal of its source (checks
 * 11 to 13 above), in @txn, a read transaction with that source selected.
 * With LAST or -k, req->last becomes the newest serial.
 * @param now           the current time (the age limit's reference)
 * @param max_age_days  the age limit (conf nrtm_max_age_days); 0: none
 * @param allowed       whether the client may mirror
 * @param client        the client's address, for the 402 text
 * @param reply         on ERR_SYNTAX receives the answer (as
 *                      nrtm_request_parse)
 * @return 0; ERR_SYNTAX when refused; ERR_STORE / ERR_TEMP when the
 *         journal cannot be read (@err says why; the caller answers
 *         "internal error occurred.").
 */
int nrtm_request_check(nrtm_request_t *req, store_txn_t *txn, time_t now,
                       unsigned max_age_days, int allowed,
                       const char *client, buf_t *reply, err_t *err);

/**
 * The text of an answer that refuses: "%ERROR:..." plus the empty line.
 * @param text  the text after "%ERROR:" (e.g. "405: syntax error")
 */
void nrtm_error(buf_t *out, const char *text);

/**
 * The terms and conditions banner RIPE's server sends on connect:
 * "% The NAME Database is subject to Terms and Conditions.", "% See URL",
 * an empty line.
 */
void nrtm_write_banner(buf_t *out, const char *name, const char *terms_url);

/**
 * One line of the "-q sources" answer: "SOURCE:3:X:OLDEST-NEWEST" (N
 * instead of X when @allowed is 0).  The answer is these lines, then
 * one empty line (nrtm_write_sources_end).
 */
void nrtm_write_source(buf_t *out, const char *source, int allowed,
                       uint64_t oldest, uint64_t newest);
void nrtm_write_sources_end(buf_t *out);

/** The "-q version" answer: "% nrtm-server-VERSION", an empty line. */
void nrtm_write_version(buf_t *out, const char *version);

/** %START (with the request's first and last) and, for versions 1 and 2,
 *  the %WARNING, each followed by an empty line. */
void nrtm_write_start(buf_t *out, const nrtm_request_t *req);

/** "%END SOURCE" and an empty line. */
void nrtm_write_end(buf_t *out, const nrtm_request_t *req);

/** What a filter's obj() decided (failures are ERR_* codes, > 0); the
 *  values of registry/dummify.h's DUMMIFY_KEEP and DUMMIFY_SKIP. */
enum nrtm_filtered {
    NRTM_KEEP = 0,      /**< send the filtered text */
    NRTM_SKIP = -1      /**< not sent (person, role without abuse-mailbox) */
};

/** The filter for what leaves the server (registry/dummify.h's
 *  dummify_obj and dummify_placeholder, in autodbm-whoisd). */
typedef struct nrtm_filter {
    /** Filter @text (@len bytes, as stored): NRTM_KEEP with the text to
     *  send appended to @out, NRTM_SKIP, or an ERR_* status. */
    int (*obj)(void *arg, const char *text, size_t len, buf_t *out,
               err_t *err);
    /** What versions 1 and 2 send for the skipped @text (appended to
     *  @out): 0 or an ERR_* status. */
    int (*placeholder)(void *arg, const char *text, size_t len, buf_t *out,
                       err_t *err);
    void *arg;
} nrtm_filter_t;

/**
 * One journal entry as the request's version writes it: "ADD n" / "DEL n"
 * (version 3) or "ADD" / "DEL", then the filtered object text, each
 * followed by an empty line; nothing for a skipped entry in version 3, a
 * placeholder in versions 1 and 2 (see above).
 * @param filter  the filter; NULL sends the text as stored
 * @return 0; the filter's error status (nothing appended).
 */
int nrtm_write_entry(buf_t *out, const nrtm_request_t *req,
                     const store_journal_t *je, const nrtm_filter_t *filter,
                     err_t *err);

#endif
