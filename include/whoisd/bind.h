/*
 * bind.h - the listening sockets of autodbm-whoisd (src/whoisd/bind.c):
 * one function that binds an address of whois_listen (server.c) or of
 * nrtm_listen (nrtm.c), so that both ports are opened the same way.
 *
 * Prefix: whoisd_bind, the one function, named for what it does.
 *
 * Ownership: the sockets go to the caller's array; it closes them.
 */
#ifndef AUTODBM_WHOISD_BIND_H
#define AUTODBM_WHOISD_BIND_H

#include <stddef.h>

#include "util/err.h"

/**
 * Bind and listen on one "host:port" or "[v6]:port" address (the query
 * port and the NRTM port share this): every address it resolves to,
 * SO_REUSEADDR, IPv6 sockets v6-only, non-blocking, close-on-exec.
 * @param key      the configuration key, for the error text
 * @param hp       the address
 * @param backlog  listen(2)'s backlog
 * @param fds      the listening sockets are appended to *@fds (grown
 *                 with xrealloc; the caller frees it and closes them)
 * @param nfds     their count, increased
 * @return 0; ERR_CONF for an address that does not resolve; ERR_IO when
 *         a socket cannot be made, bound or listened on (the sockets
 *         appended before stay in *@fds).
 */
int whoisd_bind(const char *key, const char *hp, int backlog, int **fds,
                size_t *nfds, err_t *err);

#endif
