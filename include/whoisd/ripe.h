/*
 * ripe.h - RIPE-style queries in autodbm-whoisd: every query line that
 * is not a "!" command (registry/irr.h).
 *
 * whoisd_ripe_query() is the ONE seam between the server and the query
 * engine (registry/query.h): it parses the line in RIPE style and
 * returns an answer (whoisd/answer.h) that writes, as the client's
 * output buffer drains, the welcome header (before the first answer of
 * a connection: the port is shared with the "!" commands, which must
 * not see it, so it cannot be sent before the first line), the engine's
 * answer object by object from one read snapshot opened for the query
 * and ended with it, and the trailer.  Without -k the connection then
 * closes (the answer ends "(HOST)\n\n\n").
 *
 * Persistent connections (-k), as RIPE: "-k QUERY" or a bare "-k" makes
 * the connection persistent; every answer then ends with the trailer,
 * one more empty line and the whole welcome header again (a client sees
 * the end of an answer by the header's last line); queries need not
 * repeat -k; a bare "-k" on a persistent connection closes it without a
 * word.
 *
 * Limits: the query ACL (whoisd/acl.h) gives the engine the person and
 * role objects the client address may still be sent today; the answer
 * stops with %ERROR:201 at the limit and the connection closes; objects
 * sent are counted as they go.  An answer whose matches were cut at
 * whois_max_objects ends with %ERROR:112 saying so, and the connection
 * closes.  "-V TAG,ADDRESS" (acting as a proxy for ADDRESS) gets
 * %ERROR:203: no client is trusted as a proxy.  A store that cannot be
 * read gives %ERROR:100 and a close.
 *
 * The banner and trailer are the engine's (query_write_header(),
 * query_write_trailer()) with this registry's name and terms URL from
 * the configuration (whois_name, whois_terms_url).
 *
 * Ownership: whoisd_ripe_t (per connection) is opaque, freed with
 * whoisd_ripe_free() after its answer; an answer is freed through its
 * free().
 */
#ifndef AUTODBM_WHOISD_RIPE_H
#define AUTODBM_WHOISD_RIPE_H

#include "util/err.h"
#include "util/strv.h"
#include "store/store.h"
#include "whoisd/acl.h"
#include "whoisd/answer.h"

/** What the banner and trailer say (the strings are not copied). */
typedef struct whoisd_banner {
    const char *name;       /**< the registry's name ("TEST") */
    const char *terms_url;  /**< its terms and conditions */
    const char *version;    /**< autodbm's version */
    const char *host;       /**< this host's name */
} whoisd_banner_t;

/** What every connection shares (the pointers outlive the connections). */
typedef struct whoisd_ripe_env {
    whoisd_banner_t banner;
    store_t *st;            /**< the store (read transactions only) */
    const char *source;     /**< the registry's source name */
    const strv_t *sources;  /**< searched without -s/-a (query_sources) */
    size_t max_objects;     /**< matches per answer (0: no limit) */
    const char *contact;    /**< the address %ERROR:100 names */
    whoisd_acl_t *acl;      /**< the personal-data count, or NULL */
} whoisd_ripe_env_t;

/** The RIPE-style state of one connection (opaque). */
typedef struct whoisd_ripe whoisd_ripe_t;

/**
 * A new per-connection state.
 * @param env     outlives the state
 * @param client  the client's address (copied), for the query ACL and
 *                %ERROR:201
 */
whoisd_ripe_t *whoisd_ripe_new(const whoisd_ripe_env_t *env,
                               const char *client);

/** Free @r.  NULL is accepted. */
void whoisd_ripe_free(whoisd_ripe_t *r);

/** 1 once the connection is persistent (a "-k" query, or the caller). */
int whoisd_ripe_persistent(const whoisd_ripe_t *r);

/** Make the connection persistent, as "-k" does (the server does when
 *  "!!" made it persistent: IRRd answers RIPE-style queries in that
 *  mode and keeps the connection open). */
void whoisd_ripe_set_persistent(whoisd_ripe_t *r);

/**
 * THE SEAM: answer one RIPE-style query line.
 * @param r     the connection's state
 * @param line  the line: no line end, outer blanks removed, runs of
 *              blanks folded to one; may be empty
 * @param out   filled with the answer's generator (also for refusals
 *              and a store that cannot be read: %ERROR blocks)
 * @return 0.
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
