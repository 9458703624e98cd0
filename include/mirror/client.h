/*
 * client.h - autodbm-mirror's connection to an NRTM server: the loop that
 * keeps one mirrored source up to date (src/mirror/client.c; main.c runs
 * one per source).
 *
 * For the source of one `mirror` line (conf_mirror_parse()) it connects
 * to HOST:PORT (each address the name resolves to in turn), sets
 * SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT from the
 * mirror_keepalive_* keys, sends "-g REMOTE:VERSION:SERIAL+1-LAST" (with
 * " -k" unless once) without waiting for a banner, and feeds what comes
 * to a mirror_session_t (registry/mirror.h), which applies it in
 * transactions of mirror_batch_size operations.  A read that waits
 * mirror_read_timeout seconds drops the connection.
 *
 * What then, per outcome (the log line's end= value in brackets):
 *   - a complete stream [complete]: once, done; else ask again at once;
 *   - up to date [up-to-date]: once, done; else ask again after
 *     mirror_poll_interval seconds;
 *   - the server's journal no longer reaches our serial [history-gone]:
 *     this source stops; the operator must load a fresh dump (the log
 *     line says how);
 *   - a configuration error reply [config-error]: wait
 *     mirror_error_backoff seconds (once: done, failed);
 *   - anything else (connection refused or lost, read timeout, a stream
 *     that breaks a rule, a server error) [connect-failed, timeout,
 *     closed, refused, server-error, store-error]: back off, from
 *     mirror_retry_min doubling up to mirror_retry_max seconds (once:
 *     done, failed).  A stream that applied something resets the back-off.
 * Every attempt restarts from the serial the store has: a crash or a
 * kill never loses nor repeats an operation.
 *
 * Logging: one KEY=VALUE line per committed batch and one per connection
 * (README "Logging").  Stopping: the loop returns when *@stop becomes
 * non-zero (main()'s SIGTERM handler), also in the middle of a wait or a
 * read; what was collected and not committed is discarded, which is safe.
 *
 * Prefix: mirror_client_ (the program's name, then the file's).
 */
#ifndef AUTODBM_MIRROR_CLIENT_H
#define AUTODBM_MIRROR_CLIENT_H

#include <signal.h>

#include "registry/conf.h"
#include "store/store.h"
#include "util/err.h"

/** How mirror_client_run() ended. */
enum mirror_client_end {
    MIRROR_CLIENT_DONE = 0,     /**< once: up to date / complete; or
                                     stopped by *stop */
    MIRROR_CLIENT_FAILED,       /**< once: the attempt failed */
    MIRROR_CLIENT_HISTORY,      /**< the source needs a fresh dump */
    MIRROR_CLIENT_CONFIG        /**< once: the server refused the request */
};

/**
 * Keep the source of @line (a `mirror` value) up to date.
 * @param cf    the configuration (timeouts, bounds, keepalive, the store's
 *              lock_timeout)
 * @param st    the open store (read-write)
 * @param line  the mirror line
 * @param once  1: one request without -k, then return
 * @param stop  set non-zero (by a signal handler) to stop
 * @param err   why the source cannot be mirrored at all (a bad line, a
 *              store that fails)
 * @return enum mirror_client_end (>= 0); or -ERR_* for the failures
 *         @err names.
 */
int mirror_client_run(const conf_t *cf, store_t *st, const char *line,
                      int once, volatile sig_atomic_t *stop, err_t *err);

#endif
