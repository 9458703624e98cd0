/*
 * ripe.h - RIPE-style queries in autodbm-whoisd: every query line that
 * is not a "!" command (registry/irr.h).
 *
 * whoisd_ripe_query() is the ONE seam between the server and the
 * RIPE-style query engine: the server hands it each such line (trimmed,
 * blanks folded) and sends what the answer produces.  Until the engine
 * (today inside src/query/main.c) is connected here it answers every
 * line as the RIPE server answers a query it does not support: the
 * banner, %ERROR:114 ("unsupported query"), the trailer, one more empty
 * line, and a close.  Persistent connections (-k: the banner again after
 * every answer, a bare -k closes) are the engine's to parse; the answer's
 * close() tells the server whether to keep the connection.
 *
 * The banner and trailer are RIPE's (src/whoisd/ripe.c has their exact
 * text) with this registry's name and terms URL from the configuration
 * (whois_name, whois_terms_url).
 *
 * Ownership: whoisd_ripe_t (per connection) is opaque, freed with
 * whoisd_ripe_free(); an answer is freed through its free().
 */
#ifndef AUTODBM_WHOISD_RIPE_H
#define AUTODBM_WHOISD_RIPE_H

#include "util/err.h"
#include "store/store.h"
#include "whoisd/answer.h"

/** What the banner and trailer say (the strings are not copied). */
typedef struct whoisd_banner {
    const char *name;       /**< the registry's name ("TEST") */
    const char *terms_url;  /**< its terms and conditions */
    const char *version;    /**< autodbm's version */
    const char *host;       /**< this host's name */
} whoisd_banner_t;

/** The RIPE-style state of one connection (opaque). */
typedef struct whoisd_ripe whoisd_ripe_t;

/**
 * A new per-connection state.
 * @param banner  outlives the state
 * @param st      the store (read transactions only)
 * @param source  the registry's source name
 */
whoisd_ripe_t *whoisd_ripe_new(const whoisd_banner_t *banner, store_t *st,
                               const char *source);

/** Free @r.  NULL is accepted. */
void whoisd_ripe_free(whoisd_ripe_t *r);

/**
 * THE SEAM: answer one RIPE-style query line.
 * @param r     the connection's state
 * @param line  the line: no line end, outer blanks removed, runs of
 *              blanks folded to one; may be empty
 * @param out   filled with the answer's generator
 * @return 0; an ERR_* status when no answer can be made (the server
 *         closes the connection).
 */
int whoisd_ripe_query(whoisd_ripe_t *r, const char *line,
                      whoisd_answer_t *out, err_t *err);

/**
 * Append a RIPE message block: each line of @text gets "% " ("%" alone
 * when empty; "%" before lines starting with ERROR: or WARNING:), then
 * one empty line.  For the server's own errors (%ERROR:107, 305, 306).
 */
void whoisd_ripe_message(buf_t *out, const char *text);

#endif
