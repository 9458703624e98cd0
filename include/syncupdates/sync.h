/*
 * sync.h - syncupdates' own steps around the update transaction
 * (registry/submit.h): the CGI/1.1 request (RFC 3875: its environment
 * and body), the checks RIPE makes before an update runs and the status
 * code of each, the client's address, the response, delivery of the
 * queued notifications and the one log line.  main.c
 * (bin/autodbm-syncupdates) tells the story with these.
 *
 * The checks, in order, after the body of any request but a GET was read
 * (a failed one sets the status and the short body of the response;
 * nothing is applied):
 *   405 a method other than GET and POST (Allow: GET, POST);
 *   POST: 400 no Content-Type; 415 neither urlencoded nor multipart
 *   form data; 413 a body larger than sync_max_request_size (announced by
 *   CONTENT_LENGTH or read); 408 a body not come within
 *   sync_read_timeout seconds; 400 a body shorter than its
 *   CONTENT_LENGTH, an empty body or one that cannot be read; 413 a
 *   multipart body beyond sync_max_parts or sync_max_part_header_size,
 *   400 one with a part that is itself multipart; GET: the query string;
 *   403 DATA set in a GET (empty body), unless sync_allow_get;
 *   400 "Invalid source specified: X" for a path /X that is not the
 *   registry's source (case-insensitive);
 *   400 DIFF true; 400 "DATA parameter is missing" for NEW true without
 *   DATA.
 * A GET without a query string from a browser (an Accept: that names
 * text/html) is answered with the form: a page with a textarea for DATA
 * and the NEW and HELP choices, posting to the same URL; a browser's
 * update is answered with a page showing the ack as preformatted text.
 * Other answers are text/plain; charset=utf-8.
 * Then the update runs: 200 with the ack for every answered update
 * (SUCCESS and FAILED alike, help, limits, internal errors answered as
 * such); 503 with Retry-After when the store is busy past lock_timeout,
 * full or unwritable (nothing changed); 500 when the configuration does
 * not read or the update cannot be answered at all.
 *
 * One sync_t lives in main() for one request; sync_free() releases all.
 */
#ifndef AUTODBM_SYNC_H
#define AUTODBM_SYNC_H

#include <stdio.h>
#include <time.h>

#include "registry/conf.h"
#include "registry/submit.h"
#include "store/store.h"
#include "syncupdates/form.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/err.h"

/** One request. */
typedef struct sync {
    conf_t conf;
    time_t now;
    const char *host;       /**< this host's name (the ack's footer) */
    struct timespec t0;     /**< when the request started */
    int unconfigured;       /**< the configuration did not read */
    /* the request (the CGI environment; NULL when unset) */
    const char *method, *query, *content_type, *content_length, *remote_addr,
               *path_info, *accept, *user_agent, *forwarded_for;
    int https;              /**< it came over TLS (HTTPS=on) */
    int html;               /**< its Accept: names text/html (a browser):
                                 the form, and the ack as an HTML page */
    buf_t body;             /**< the request body as read */
    form_t form;            /**< its parameters */
    char *client;           /**< the client's address (the origin) */
    diag_list_t diags;      /**< messages for the ack's global part */
    char *ref;              /**< the request's reference */
    store_t *st;            /**< the store, once opened and locked */
    submit_t *sub;          /**< the update transaction */
    /* the response */
    int status;             /**< HTTP status; 0 until decided */
    int page;               /**< the body is a whole HTML page */
    const char *header;     /**< one more header line, or NULL */
    buf_t out;              /**< its body */
    /* the one log line */
    const char *outcome;
    char *reason;
    int prio;
    buf_t logextra;
} sync_t;

/** Set up @s for one request; @host must outlive it. */
void sync_init(sync_t *s, time_t now, const char *host);

/** Read the CGI environment (REQUEST_METHOD, QUERY_STRING, ...). */
void sync_env(sync_t *s);

/**
 * The checks before the update (see the header): read the body (at most
 * sync_max_request_size bytes) from @in and the parameters.
 * @return 1 when the update is to run; 0 when the response is decided
 *         (status and body set).
 */
int sync_check(sync_t *s, FILE *in);

/**
 * The update transaction of the request: DATA read through
 * registry/textin.h (clearsigned blocks verified over the bytes received,
 * in DATA's charset), the origin (the client's address), the keywords
 * (HELP, else NEW), handed to submit_new(); the store opened and locked
 * (lock_timeout) and submit_run().
 * @return 0; a transient status (see submit_run()).
 */
int sync_submit(sync_t *s, err_t *err);

/** The request was handled: 200 with the ack; its outcome into the log. */
void sync_answered(sync_t *s);

/** It could not be: 503 and Retry-After for a transient @err, else 500. */
void sync_failed(sync_t *s, const err_t *err);

/** Release the store's writer lock (the update is committed or given
 *  up): before the response is written, which may block on a client that
 *  does not read it, while every other update would wait for the lock. */
void sync_release(sync_t *s);

/** Deliver what is queued (the notifications), when the update was
 *  handled; the store's writer lock is released first. */
void sync_deliver(sync_t *s);

/** Write the response (CGI: Status:, Content-Type:, a blank line, the
 *  body) to @out. */
void sync_respond(sync_t *s, FILE *out);

/** Log the request's one line (util/msg.h). */
void sync_log(sync_t *s);

/** Release everything @s holds. */
void sync_free(sync_t *s);

#endif
