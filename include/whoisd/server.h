/*
 * server.h - autodbm-whoisd's server: listening sockets, connections,
 * limits, signals, on libevent 2.1 (the Postfix single_server /
 * OpenSMTPD shape: main() sets up, the event loop runs until SIGTERM).
 *
 * Each connection reads query lines (LF or CR LF; at most
 * whois_max_query_length bytes, beyond: %ERROR:107 and close; a NUL
 * byte: "F Queries may not contain null bytes") and answers one at a
 * time, in order (clients such as bgpq4 pipeline their commands): a line
 * starting with "!" (or "-V agent !...") goes to registry/irr.h, any
 * other to whoisd_ripe_query() (whoisd/ripe.h).  An answer is produced
 * piece by piece while the connection's output buffer is below its high
 * watermark (whoisd/answer.h); meanwhile the connection reads nothing.
 * The "!" commands that may compute long before their first byte (set
 * expansions, objects of a maintainer, prefix searches: "!a", "!i",
 * "!o", "!r") are computed
 * by one of whois_workers threads (whoisd/pool.h), so that a client
 * sending many of them does not delay the others; the event loop sends
 * what they computed.
 *
 * Limits (conf_t whois_*): connections in all (beyond, accepting pauses
 * until one ends), per client address (an IPv6 client: its /64; beyond,
 * %ERROR:306 and close),
 * idle time without a query line or a client that does not read (RIPE
 * mode %ERROR:305 and close; "!" mode closes; "!t" may shorten it, not
 * lengthen it), total time per query
 * (close), objects per answer (an error and close), object answers
 * ("!m", "!o", "!r", RIPE-style ones) holding a store snapshot at once (beyond, such a
 * line waits, reading nothing, until one ends), bytes of answers waiting
 * for their clients in all (beyond, the connection holding the most is
 * closed).  SIGTERM: stop
 * listening, close idle connections, let answers in progress finish,
 * exit (after at most 10 s).  SIGHUP: reopen the log (msg_open again).
 * One log line per connection when whois_log is set (util/msg.h msg_kv):
 * client= address, queries=, bytes= sent, time= in ms, end= how it
 * ended.  Idle means: no complete query line for whois_idle_timeout
 * seconds (bytes trickling in do not count), or a client not reading.
 *
 * Prefix: whoisd_, the program's name: the server is the program.
 *
 * Ownership: whoisd_t is opaque; whoisd_free() closes everything.
 */
#ifndef AUTODBM_WHOISD_SERVER_H
#define AUTODBM_WHOISD_SERVER_H

#include "util/err.h"
#include "registry/conf.h"

typedef struct whoisd whoisd_t;

/**
 * Bind and listen on every address of cf->whois_listen, and check that
 * the store opens (before the program becomes a daemon, so that a bad
 * address or store fails at once, on standard error).
 * @param cf    the configuration; must outlive the server
 * @param prog  the program name for msg_open() on SIGHUP
 * @param dest  the msg_open() destinations for SIGHUP
 * @param out   receives the server
 * @return 0; ERR_CONF for an address that does not resolve; ERR_IO when
 *         a socket cannot be bound; the status of store_open() when the
 *         store does not open.
 */
int whoisd_listen(const conf_t *cf, const char *prog, int dest,
                  whoisd_t **out, err_t *err);

/**
 * Open the store read-only and run the event loop until SIGTERM has
 * drained the connections.
 * @return 0 after SIGTERM; ERR_TEMP / ERR_STORE / ERR_IO when the store
 *         or the event loop cannot be set up.
 */
int whoisd_run(whoisd_t *w, err_t *err);

/** Close the sockets and free @w.  NULL is accepted. */
void whoisd_free(whoisd_t *w);

#endif
