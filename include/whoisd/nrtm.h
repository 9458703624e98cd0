/*
 * nrtm.h - autodbm-whoisd's NRTM server: mirrors connect to nrtm_listen
 * and are sent the store's journal (the protocol's bytes:
 * registry/nrtm.h).
 *
 * On connect: the per-address limit (nrtm_max_connections_per_address;
 * beyond, RIPE's "ERROR:306: connections exceeded" block and close), then
 * the terms and conditions banner (nrtm_banner), then one request line
 * (at most nrtm_max_request_length bytes; whois_idle_timeout seconds to
 * send it).  A mirror request is refused unless the client's address is
 * in nrtm_access (empty: the loopback addresses).  What is sent goes
 * through registry/dummify.h: the public rules, or for the addresses of
 * nrtm_access_unfiltered the objects with their personal data (auth:
 * hashes are replaced for everyone).  Without -k the range is written,
 * then %END, then the server closes; with -k the server stays and writes
 * each new journal entry within a second of its commit: an inotify watch
 * on the store's data.mdb wakes it (every commit writes that file), and a
 * timer checks every 5 s in case a wake-up was missed (every 0.5 s when
 * inotify is not available: its per-user instances are used up, or the
 * file system does not support it).  Anything
 * the client sends after its request is ignored.
 *
 * Memory: the journal is read with the store's iterator, a read
 * transaction at a time, only while the connection's output is below a
 * high watermark (bufferevent back-pressure); a mirror far behind costs
 * the watermark, not its range, and holds no snapshot while it reads.
 * Sockets get SO_KEEPALIVE and TCP_NODELAY.
 *
 * Sources: the registry's own and every mirrored source of the store
 * (re-served as autodbm-mirror wrote their journals: the origin's
 * serials, gaps included); "-q sources" lists them all, own first.  A
 * source added while the server runs is served from the next request on.
 *
 * The listener shares the query server's event loop and store handle
 * (whoisd/server.h starts and stops it).
 *
 * Prefix: whoisd_nrtm_.  Ownership: whoisd_nrtm_t is opaque, freed with
 * whoisd_nrtm_free(); the configuration, event base and store outlive it.
 */
#ifndef AUTODBM_WHOISD_NRTM_H
#define AUTODBM_WHOISD_NRTM_H

#include <event2/event.h>

#include "util/err.h"
#include "store/store.h"
#include "registry/conf.h"

typedef struct whoisd_nrtm whoisd_nrtm_t;

/**
 * Bind every address of cf->nrtm_listen and check nrtm_access and
 * nrtm_access_unfiltered (before the program becomes a daemon).
 * @param out  receives the server; NULL when nrtm_listen is empty (no
 *             NRTM server: every other call accepts NULL)
 * @return 0; ERR_CONF for an address that does not resolve or a bad
 *         access list entry; ERR_IO when a socket cannot be bound.
 */
int whoisd_nrtm_listen(const conf_t *cf, whoisd_nrtm_t **out, err_t *err);

/**
 * Start accepting on @base, reading @st.
 * @param version  the program's version ("-q version")
 * @return 0; ERR_IO when the listeners cannot be set up.  Without
 *         inotify (ENOSYS, no watch allowed) it logs a warning and relies
 *         on the timer.
 */
int whoisd_nrtm_start(whoisd_nrtm_t *n, struct event_base *base,
                      store_t *st, const char *version, err_t *err);

/** SIGTERM: stop listening and close every NRTM connection (a -k stream
 *  has no end to wait for; a client restarts from its newest serial). */
void whoisd_nrtm_stop(whoisd_nrtm_t *n);

/** Close everything and free @n.  NULL is accepted. */
void whoisd_nrtm_free(whoisd_nrtm_t *n);

#endif
