/*
 * bind.c - binding the listening sockets of autodbm-whoisd (the query
 * port and the NRTM port); include/whoisd/bind.h.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/util.h>

#include "util/buf.h"
#include "whoisd/bind.h"

/* Split "host:port" / "[v6]:port" into a host and a port. */
static void split_hostport(const char *hp, char **host, char **port)
{
    const char *colon = strrchr(hp, ':');
    if (hp[0] == '[')
        *host = xstrndup(hp + 1, (size_t)(colon - hp) - 2);
    else
        *host = xstrndup(hp, (size_t)(colon - hp));
    *port = xstrdup(colon + 1);
}

int whoisd_bind(const char *key, const char *hp, int backlog, int **fds,
                size_t *nfds, err_t *err)
{
    char *host, *port;
    struct addrinfo hints, *res = NULL;
    int rc = 0;

    split_hostport(hp, &host, &port);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (gai) {
        rc = err_set(err, ERR_CONF, "%s %s: %s", key, hp, gai_strerror(gai));
        goto leave;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            rc = err_set(err, ERR_IO, "%s %s: socket: %s", key, hp, strerror(errno));
            goto leave;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
            rc = err_set(err, ERR_IO, "%s %s: %s", key, hp, strerror(errno));
            close(fd);
            goto leave;
        }
        evutil_make_socket_nonblocking(fd);
        *fds = xrealloc(*fds, (*nfds + 1) * sizeof **fds);
        (*fds)[(*nfds)++] = fd;
    }
leave:
    if (res)
        freeaddrinfo(res);
    free(host);
    free(port);
    return rc;
}
