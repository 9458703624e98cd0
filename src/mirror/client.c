/*
 * client.c - autodbm-mirror's loop for one mirrored source (client.h).
 *
 * Blocking in spirit, non-blocking in fact: one socket, poll() with a
 * short tick so that a SIGTERM (which sets *stop) is seen within half a
 * second also while a read waits for mirror_read_timeout seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "mirror/client.h"
#include "registry/mirror.h"
#include "util/buf.h"
#include "util/logline.h"
#include "util/msg.h"

/* How often a wait looks at *stop, in ms. */
#define TICK_MS 250

/* Bytes read at a time. */
#define READ_CHUNK (64 * 1024)

struct client {
    const conf_t *cf;
    store_t *st;
    conf_mirror_t m;
    char *server;           /* host:port as written */
    int once;
    volatile sig_atomic_t *stop;
};

/* Milliseconds of CLOCK_MONOTONIC. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait @secs seconds or until *stop.  @return 1 when stopped. */
static int wait_secs(struct client *c, long secs)
{
    int64_t until = now_ms() + (int64_t)secs * 1000;
    while (!*c->stop) {
        int64_t left = until - now_ms();
        if (left <= 0)
            return 0;
        poll(NULL, 0, left < TICK_MS ? (int)left : TICK_MS);
    }
    return 1;
}

/* Wait until @fd is ready for @events, *stop, or @deadline (ms).
 * @return 1 ready, 0 timed out, -1 stopped or failed. */
static int wait_fd(struct client *c, int fd, short events, int64_t deadline)
{
    for (;;) {
        if (*c->stop)
            return -1;
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, left < TICK_MS ? (int)left : TICK_MS);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* TCP keepalive on the connection, as seeds/RIPE advise. */
static void keepalive(const struct client *c, int fd)
{
    int on = 1;
    int idle = (int)c->cf->mirror_keepalive_idle;
    int intvl = (int)c->cf->mirror_keepalive_interval;
    int cnt = (int)c->cf->mirror_keepalive_count;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0)
        msg_warn("source %s: SO_KEEPALIVE: %m", c->m.local);
#ifdef TCP_KEEPIDLE
    if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) != 0)
        msg_warn("source %s: TCP keepalive options: %m", c->m.local);
#else
    (void)idle; (void)intvl; (void)cnt;
#endif
}

/* Connect to the server: each address in turn, mirror_read_timeout each.
 * @return the socket (non-blocking), or -1 with @err set. */
static int dial(struct client *c, err_t *err)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int g = getaddrinfo(c->m.host, c->m.port, &hints, &res);
    if (g != 0) {
        err_set(err, ERR_TEMP, "%s: %s", c->server, gai_strerror(g));
        return -1;
    }
    int fd = -1;
    err_set(err, ERR_TEMP, "%s: no address", c->server);
    for (struct addrinfo *a = res; a && fd < 0 && !*c->stop; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    a->ai_protocol);
        if (fd < 0) {
            err_set(err, ERR_TEMP, "%s: socket: %s", c->server, strerror(errno));
            continue;
        }
        keepalive(c, fd);
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            int w = wait_fd(c, fd, POLLOUT,
                            now_ms() + (int64_t)c->cf->mirror_read_timeout * 1000);
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0) {
                rc = soerr ? -1 : 0;
                errno = soerr;
            } else {
                errno = w == 0 ? ETIMEDOUT : EINTR;
            }
        }
        if (rc != 0) {
            err_set(err, ERR_TEMP, "%s: connect: %s", c->server, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* Send all of @s; @return 0 or -1 with @err set. */
static int send_all(struct client *c, int fd, const char *s, size_t n, err_t *err)
{
    int64_t deadline = now_ms() + (int64_t)c->cf->mirror_read_timeout * 1000;
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w > 0) {
            s += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return err_set(err, ERR_TEMP, "%s: send: %s", c->server, strerror(errno)), -1;
        if (wait_fd(c, fd, POLLOUT, deadline) != 1)
            return err_set(err, ERR_TEMP, "%s: send: timed out", c->server), -1;
    }
    return 0;
}

/* The log line of a committed batch. */
static void log_batch(const mirror_batch_t *b, void *arg)
{
    const struct client *c = arg;
    buf_t l;
    buf_init(&l);
    logline_kv(&l, "source", "%s", c->m.local);
    if (b->first)
        logline_kv(&l, "batch", "%" PRIu64 "-%" PRIu64, b->first, b->last);
    else
        logline_kv(&l, "batch", "none");
    logline_kv(&l, "serial", "%" PRIu64, b->serial);
    logline_kv(&l, "adds", "%u", b->adds);
    logline_kv(&l, "dels", "%u", b->dels);
    if (b->skipped)
        logline_kv(&l, "skipped", "%u", b->skipped);
    if (b->missing)
        logline_kv(&l, "missing-dels", "%u", b->missing);
    if (b->unusable) {
        logline_kv(&l, "unusable", "%u", b->unusable);
        logline_kv(&l, "unusable-serial", "%" PRIu64, b->unusable_serial);
    }
    msg_kv(LOG_INFO, &l);
    buf_free(&l);
}

/* The outcomes of one attempt (the end= values). */
enum outcome {
    O_COMPLETE, O_UPTODATE, O_HISTORY, O_CONFIG, O_SERVER, O_CONNECT,
    O_TIMEOUT, O_CLOSED, O_REFUSED, O_STORE, O_SHUTDOWN
};

static const char *const outcome_names[] = {
    "complete", "up-to-date", "history-gone", "config-error", "server-error",
    "connect-failed", "timeout", "closed", "refused", "store-error", "shutdown"
};

/* Read the answer into the session until it is over. */
static enum outcome converse(struct client *c, int fd, mirror_session_t *s,
                             err_t *err)
{
    char *chunk = xmalloc(READ_CHUNK);
    enum outcome o = O_CLOSED;
    int64_t deadline = now_ms() + (int64_t)c->cf->mirror_read_timeout * 1000;
    for (;;) {
        int w = wait_fd(c, fd, POLLIN, deadline);
        if (w < 0) {
            o = *c->stop ? O_SHUTDOWN : O_CLOSED;
            if (!*c->stop)
                err_set(err, ERR_TEMP, "%s: poll: %s", c->server, strerror(errno));
            break;
        }
        if (w == 0) {
            o = O_TIMEOUT;
            err_set(err, ERR_TEMP, "%s: nothing read for %ld s", c->server,
                    c->cf->mirror_read_timeout);
            /* the operations that came complete stand (-k) */
            err_t e2 = ERR_INIT;
            if (mirror_session_idle(s, &e2) != 0)
                err_set(err, e2.code, "%s", err_text(&e2));
            err_free(&e2);
            break;
        }
        ssize_t n = read(fd, chunk, READ_CHUNK);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            int rc = mirror_session_eof(s, err);
            if (rc == 0)
                o = O_COMPLETE;
            else
                o = rc == ERR_SYNTAX || rc == ERR_LIMIT ? O_REFUSED : O_STORE;
            if (n < 0 && rc == 0)
                o = O_CLOSED;
            break;
        }
        deadline = now_ms() + (int64_t)c->cf->mirror_read_timeout * 1000;
        int rc = mirror_session_feed(s, chunk, (size_t)n, err);
        if (rc) {
            o = rc == ERR_SYNTAX || rc == ERR_LIMIT ? O_REFUSED : O_STORE;
            break;
        }
        if (mirror_session_done(s)) {
            rc = mirror_session_eof(s, err);
            o = rc == 0 ? O_COMPLETE : rc == ERR_SYNTAX ? O_REFUSED : O_STORE;
            break;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 0) == 0 && (rc = mirror_session_idle(s, err)) != 0) {
            o = O_STORE;
            break;
        }
    }
    free(chunk);
    if (o == O_COMPLETE || o == O_CLOSED || o == O_TIMEOUT || o == O_REFUSED) {
        switch (mirror_session_reply(s, NULL)) {
        case MIRROR_REPLY_UPTODATE: o = O_UPTODATE; break;
        case MIRROR_REPLY_HISTORY: o = O_HISTORY; break;
        case MIRROR_REPLY_CONFIG: o = O_CONFIG; break;
        case MIRROR_REPLY_OTHER: o = O_SERVER; break;
        default:
            if (o == O_COMPLETE && !c->once)
                o = O_CLOSED;       /* a -k stream the server ended */
            break;
        }
    }
    return o;
}

/* One connection: ask from the store's serial + 1, apply the answer. */
static enum outcome attempt(struct client *c, uint64_t *applied, err_t *err)
{
    int64_t t0 = now_ms();
    uint64_t serial = 0, discarded = 0;
    mirror_session_t *s = NULL;
    enum outcome o;
    int fd = -1;
    *applied = 0;
    int rc = mirror_source_serial(c->st, c->m.local, 1, &serial, err);
    if (rc) {
        o = O_STORE;
        goto leave;
    }
    fd = dial(c, err);
    if (fd < 0) {
        o = *c->stop ? O_SHUTDOWN : O_CONNECT;
        goto leave;
    }
    mirror_session_opts_t so = {
        .local = c->m.local,
        .req = { .source = c->m.remote, .version = c->m.version,
                 .first = serial + 1, .persistent = !c->once,
                 .max_line = c->cf->mirror_max_line_length,
                 .max_object = c->cf->mirror_max_object_size },
        .batch_size = c->cf->mirror_batch_size,
        .lock_timeout = (int)c->cf->lock_timeout,
        .on_batch = log_batch, .arg = c
    };
    rc = mirror_session_new(c->st, &so, &s, err);
    if (rc) {
        o = O_STORE;
        goto leave;
    }
    char *req = xasprintf("-g %s:%u:%" PRIu64 "-LAST%s\n", c->m.remote, c->m.version,
                          serial + 1, c->once ? "" : " -k");
    rc = send_all(c, fd, req, strlen(req), err);
    free(req);
    if (rc) {
        o = *c->stop ? O_SHUTDOWN : O_CLOSED;
        goto leave;
    }
    o = converse(c, fd, s, err);
    const char *said = NULL;
    if (mirror_session_reply(s, &said) && said)
        err_set(err, ERR_TEMP, "%s", said);     /* the server's words */
    mirror_session_counts(s, applied, &discarded);
    serial = mirror_session_serial(s);
leave:;
    buf_t l;
    buf_init(&l);
    logline_kv(&l, "source", "%s", c->m.local);
    logline_kv(&l, "server", "%s", c->server);
    logline_kv(&l, "end", "%s", outcome_names[o]);
    logline_kv(&l, "serial", "%" PRIu64, serial);
    logline_kv(&l, "applied", "%" PRIu64, *applied);
    if (discarded)
        logline_kv(&l, "discarded", "%" PRIu64, discarded);
    const char *reply = NULL;
    if (s && mirror_session_reply(s, &reply) && reply)
        logline_kv(&l, "reason", "%s", reply);
    else if (o != O_COMPLETE && o != O_SHUTDOWN && err && err->code)
        logline_kv(&l, "reason", "%s", err_text(err));
    logline_kv(&l, "time", "%" PRId64 "ms", now_ms() - t0);
    msg_kv(o == O_COMPLETE || o == O_UPTODATE || o == O_SHUTDOWN ? LOG_INFO :
           o == O_HISTORY ? LOG_ERR : LOG_WARNING, &l);
    buf_free(&l);
    mirror_session_free(s);
    if (fd >= 0)
        close(fd);
    return o;
}

int mirror_client_run(const conf_t *cf, store_t *st, const char *line,
                      int once, volatile sig_atomic_t *stop, err_t *err)
{
    struct client c = { .cf = cf, .st = st, .once = once, .stop = stop };
    if (conf_mirror_parse(line, &c.m, err) != 0)
        return -ERR_CONF;
    c.server = strchr(c.m.host, ':') ? xasprintf("[%s]:%s", c.m.host, c.m.port)
                                     : xasprintf("%s:%s", c.m.host, c.m.port);
    long backoff = cf->mirror_retry_min;
    int ret = MIRROR_CLIENT_DONE;
    while (!*stop) {
        uint64_t applied = 0;
        err_t e = ERR_INIT;
        enum outcome o = attempt(&c, &applied, &e);
        long wait = 0;
        if (applied > 0 || o == O_COMPLETE || o == O_UPTODATE)
            backoff = cf->mirror_retry_min;
        switch (o) {
        case O_SHUTDOWN:
            break;
        case O_COMPLETE:
            wait = 0;
            break;
        case O_UPTODATE:
            wait = cf->mirror_poll_interval;
            break;
        case O_HISTORY:
            msg_error("source %s: the server %s no longer has the serials after"
                      " ours (%s): mirroring of %s stopped; load a fresh dump of %s"
                      " with autodbm-load --source %s --serial SERIAL (the dump's"
                      " CURRENTSERIAL), then start autodbm-mirror again",
                      c.m.local, c.server, err_text(&e), c.m.local, c.m.remote,
                      c.m.local);
            ret = MIRROR_CLIENT_HISTORY;
            break;
        case O_CONFIG:
            wait = cf->mirror_error_backoff;
            ret = MIRROR_CLIENT_CONFIG;
            msg_error("source %s: the server %s refuses the request for %s (%s):"
                      " check the mirror line (source name, version) and that"
                      " this host may mirror there; %s", c.m.local, c.server,
                      c.m.remote, err_text(&e), once ? "giving up" :
                      "next try after mirror_error_backoff seconds");
            break;
        case O_STORE:
            if (e.code == ERR_STORE || e.code == ERR_USAGE) {
                int code = e.code;
                err_set(err, code, "source %s: %s", c.m.local, err_text(&e));
                err_free(&e);
                ret = -code;
                goto leave;
            }
            /* busy, locked: later, as below */
            /* fall through */
        default:
            wait = backoff;
            backoff = backoff * 2 > cf->mirror_retry_max ? cf->mirror_retry_max
                                                        : backoff * 2;
            ret = MIRROR_CLIENT_FAILED;
            break;
        }
        err_free(&e);
        if (o == O_HISTORY || o == O_SHUTDOWN)
            break;
        if (once) {
            if (o == O_COMPLETE || o == O_UPTODATE)
                ret = MIRROR_CLIENT_DONE;
            break;
        }
        ret = MIRROR_CLIENT_DONE;
        if (wait > 0 && wait_secs(&c, wait))
            break;
    }
leave:
    conf_mirror_free(&c.m);
    free(c.server);
    return ret;
}
