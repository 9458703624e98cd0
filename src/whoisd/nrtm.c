/*
 * nrtm.c - autodbm-whoisd's NRTM listener and its connections (see
 * nrtm.h).
 *
 * A connection goes through three states: waiting for its request line
 * (the read timeout is whois_idle_timeout), streaming (c->streaming: the
 * journal from c->next on is written while the output is below OUT_HIGH;
 * the write callback, called when the output drains to OUT_LOW, asks for
 * more), and closing (the output is flushed, then the connection is
 * freed).  A -k stream that has caught up waits: the inotify watch or the
 * timer calls wake(), which asks every caught-up stream for more.  Each
 * produce() is one read transaction and one journal walk from c->serial,
 * ended before it returns, so no snapshot stays open between calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/logline.h"
#include "util/msg.h"
#include "store/journal.h"
#include "registry/dummify.h"
#include "registry/nrtm.h"
#include "whoisd/nrtm.h"
#include "whoisd/bind.h"

#define OUT_LOW   (128u << 10)  /* ask for more when the output is below */
#define OUT_HIGH  (512u << 10)  /* read no more journal above */
#define CHUNK     (64u << 10)   /* units handed to the output at once */
#define OUT_WRITE (128u << 10)  /* the most one write(2) sends (libevent's
                                   default is 16K) */
#define RECHECK_SECONDS 5       /* the timer behind the inotify wake-up */
#define RECHECK_NO_INOTIFY_MS 500 /* the timer when there is no inotify */

typedef struct nconn nconn_t;

struct whoisd_nrtm {
    const conf_t *cf;
    int *fds;
    size_t nfds;
    struct evconnlistener **lis;
    struct event_base *base;
    store_t *st;
    const char *version;
    dummify_t *dummify;         /* what leaves the server */
    ip_range_t *access, *unfiltered;
    size_t naccess, nunfiltered;
    int ino_fd;                 /* inotify, or -1 */
    struct event *ev_ino, *ev_timer;
    nconn_t *conns;
    unsigned nconns;
    int paused;                 /* accepting paused: nrtm_max_connections */
    int stopped;
};

struct nconn {
    whoisd_nrtm_t *n;
    nconn_t *prev, *next;
    struct bufferevent *bev;
    char addr[INET6_ADDRSTRLEN];
    int allowed, unfiltered;
    int got_request;
    int mirrored;               /* the request's source is a mirrored one */
    int streaming;              /* -g accepted: the journal from serial on */
    int caught_up;              /* -k: waits for new entries */
    int closing;                /* free once the output is flushed */
    nrtm_request_t req;
    nrtm_filter_t filter;       /* dummify_obj for this client */
    uint64_t serial;            /* the next serial to read */
    buf_t chunk;                /* units being written */
    size_t bytes;               /* bytes queued for the client */
    struct timespec t0;
    const char *end;
};

/* ------------------------------------------------------------ addresses */

static int parse_nets(const strv_t *l, const char *key, ip_range_t **out,
                      size_t *n, err_t *err)
{
    *out = xcalloc(l->n ? l->n : 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (ip_parse_net(l->v[i], strlen(l->v[i]), &(*out)[i]) != 0)
            return err_set(err, ERR_CONF, "%s: not an address or prefix: "
                           "\"%s\"", key, l->v[i]);
        (*n)++;
    }
    return 0;
}

static int in_nets(const ip_range_t *v, size_t n, const char *addr)
{
    ip_range_t a;
    if (ip_parse_net(addr, strlen(addr), &a) != 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (ip_range_contains(&v[i], &a))
            return 1;
    return 0;
}

static int may_mirror(const whoisd_nrtm_t *n, const char *addr)
{
    if (n->naccess == 0) {
        ip_range_t lo[2];
        ip_parse_net("127.0.0.0/8", 11, &lo[0]);
        ip_parse_net("::1", 3, &lo[1]);
        return in_nets(lo, 2, addr);
    }
    return in_nets(n->access, n->naccess, addr);
}

/* ------------------------------------------------------------ listening */

int whoisd_nrtm_listen(const conf_t *cf, whoisd_nrtm_t **out, err_t *err)
{
    whoisd_nrtm_t *n;
    int rc;

    *out = NULL;
    if (cf->nrtm_listen.n == 0)
        return 0;
    n = xcalloc(1, sizeof *n);
    n->cf = cf;
    n->ino_fd = -1;
    n->dummify = dummify_new(cf, err);
    rc = parse_nets(&cf->nrtm_access, "nrtm_access", &n->access, &n->naccess, err);
    if (rc == 0)
        rc = parse_nets(&cf->nrtm_access_unfiltered, "nrtm_access_unfiltered",
                        &n->unfiltered, &n->nunfiltered, err);
    for (size_t i = 0; rc == 0 && i < cf->nrtm_listen.n; i++)
        rc = whoisd_bind("nrtm_listen", cf->nrtm_listen.v[i], 128, &n->fds,
                         &n->nfds, err);
    if (rc) {
        whoisd_nrtm_free(n);
        return rc;
    }
    *out = n;
    return 0;
}

/* ---------------------------------------------------------- connections */

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void resume_accepting(whoisd_nrtm_t *n)
{
    if (n->paused && !n->stopped && n->nconns < n->cf->nrtm_max_connections) {
        for (size_t i = 0; i < n->nfds; i++)
            if (n->lis && n->lis[i])
                evconnlistener_enable(n->lis[i]);
        n->paused = 0;
    }
}

static void conn_free(nconn_t *c)
{
    whoisd_nrtm_t *n = c->n;
    if (n->cf->whois_log) {
        buf_t line;
        buf_init(&line);
        logline_kv(&line, "client", "%s", c->addr);
        logline_kv(&line, "queries", "%d", c->got_request);
        logline_kv(&line, "bytes", "%zu", c->bytes);
        logline_kv(&line, "time", "%.0fms", since(&c->t0) * 1000);
        logline_kv(&line, "end", "%s", c->end ? c->end : "closed");
        msg_kv(LOG_INFO, &line);
        buf_free(&line);
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        n->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    n->nconns--;
    if (c->bev)
        bufferevent_free(c->bev);
    nrtm_request_free(&c->req);
    buf_free(&c->chunk);
    free(c);
    resume_accepting(n);
}

/* Queue @len bytes for the client. */
static void put(nconn_t *c, const char *s, size_t len)
{
    evbuffer_add(bufferevent_get_output(c->bev), s, len);
    c->bytes += len;
}

/* evbuffer_add_reference()'s cleanup: the chunk has been sent. */
static void free_chunk(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    free((void *)data);
}

/* Queue the units in c->chunk for the client without copying them: the
 * output owns the bytes from now on, and c->chunk starts a new one. */
static void put_chunk(nconn_t *c)
{
    if (c->chunk.len == 0)
        return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (evbuffer_add_reference(out, c->chunk.s, c->chunk.len, free_chunk,
                               NULL) != 0) {
        put(c, c->chunk.s, c->chunk.len);
        buf_reset(&c->chunk);
        return;
    }
    c->bytes += c->chunk.len;
    buf_init(&c->chunk);
    buf_reserve(&c->chunk, CHUNK + (CHUNK >> 1));
}

/* Close once what is queued has gone. */
static void finish(nconn_t *c, const char *end)
{
    if (c->end == NULL)
        c->end = end;
    c->closing = 1;
    c->streaming = 0;
    bufferevent_disable(c->bev, EV_READ);
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        conn_free(c);
}

static void fail_internal(nconn_t *c, err_t *err)
{
    msg_warn("nrtm client %s: %s", c->addr, err_text(err));
    err_free(err);
    put(c, "internal error occurred.\n\n", 26);
    finish(c, "error");
}

/* The connection's filter (registry/dummify.h): public or unfiltered. */
static int filter_obj(void *arg, const char *text, size_t len, buf_t *out,
                      err_t *err)
{
    const nconn_t *c = arg;
    int rc = dummify_obj(c->n->dummify, text, len, c->unfiltered, out, err);
    if (rc == ERR_SYNTAX) {
        /* not an object: nothing is sent for it (dummify.h) */
        msg_warn("nrtm: journal entry is no object: %s", err_text(err));
        err_free(err);
        return NRTM_SKIP;
    }
    return rc;
}

static int filter_placeholder(void *arg, const char *text, size_t len,
                              buf_t *out, err_t *err)
{
    const nconn_t *c = arg;
    return dummify_placeholder(c->n->dummify, text, len, out, err);
}

/* Write journal entries while the output has room (see the file's
 * comment). */
static void produce(nconn_t *c)
{
    whoisd_nrtm_t *n = c->n;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    store_txn_t *t = NULL;
    store_journal_it_t *it = NULL;
    store_journal_t je;
    err_t err = ERR_INIT;
    int rc, ended = 0;

    if (!c->streaming || c->closing || evbuffer_get_length(out) >= OUT_HIGH)
        return;
    rc = store_read_begin(n->st, &t, &err);
    if (rc == 0)
        rc = store_txn_source(t, c->mirrored ? c->req.source : NULL, &err);
    if (rc == 0)
        rc = store_journal_open(t, c->serial, &it, &err);
    c->caught_up = 0;
    while (rc == 0) {
        if (evbuffer_get_length(out) + c->chunk.len >= OUT_HIGH)
            break;
        rc = store_journal_next(it, &je, &err);
        if (rc == ERR_NOTFOUND) {
            rc = 0;
            err_free(&err);
            c->caught_up = 1;
            ended = !c->req.keep;
            break;
        }
        if (rc)
            break;
        if (!c->req.keep && je.serial > c->req.last) {
            ended = 1;
            break;
        }
        rc = nrtm_write_entry(&c->chunk, &c->req, &je, &c->filter, &err);
        c->serial = je.serial + 1;
        if (c->chunk.len >= CHUNK)
            put_chunk(c);
    }
    store_journal_close(it);
    store_read_end(t);
    put_chunk(c);
    if (rc) {
        fail_internal(c, &err);
        return;
    }
    if (ended) {
        buf_t b;
        buf_init(&b);
        nrtm_write_end(&b, &c->req);
        put(c, b.s, b.len);
        buf_free(&b);
        finish(c, "closed");
    }
}

/* New entries may have been committed: every -k stream that has caught
 * up reads on. */
static void wake(whoisd_nrtm_t *n)
{
    for (nconn_t *c = n->conns, *nx; c; c = nx) {
        nx = c->next;
        if (c->streaming && c->caught_up)
            produce(c);
    }
}

/* What the request parser asks: is @name the own source or a mirrored
 * one of the snapshot (which it then selects)? */
struct served_arg {
    const whoisd_nrtm_t *n;
    store_txn_t *t;
};

static const char *served(const char *name, void *arg)
{
    struct served_arg *sa = arg;
    if (strcasecmp(name, sa->n->cf->source) == 0)
        return sa->n->cf->source;
    if (*name && store_txn_source(sa->t, name, NULL) == 0)
        return store_txn_source_name(sa->t);
    return NULL;
}

static int add_name(const char *name, void *arg)
{
    strv_add(arg, name);
    return 0;
}

/* "-q sources": the own source, then every mirrored one, with their
 * journals' ranges. */
static int answer_sources(nconn_t *c, store_txn_t *t, buf_t *b, err_t *err)
{
    strv_t names;
    uint64_t oldest = 0, newest = 0;
    int rc;

    strv_init(&names);
    rc = store_txn_source(t, NULL, err);
    if (rc == 0)
        rc = store_journal_range(t, &oldest, &newest, err);
    if (rc == 0)
        nrtm_write_source(b, c->n->cf->source, c->allowed, oldest, newest);
    if (rc == 0)
        rc = store_source_each(t, add_name, &names, err);
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        rc = store_txn_source(t, names.v[i], err);
        if (rc == 0)
            rc = store_journal_range(t, &oldest, &newest, err);
        if (rc == 0)
            nrtm_write_source(b, names.v[i], c->allowed, oldest, newest);
    }
    if (rc == 0)
        nrtm_write_sources_end(b);
    strv_free(&names);
    return rc;
}

static void handle_request(nconn_t *c, const char *line, size_t len)
{
    whoisd_nrtm_t *n = c->n;
    struct served_arg sa = { n, NULL };
    buf_t b;
    err_t err = ERR_INIT;
    int rc;

    buf_init(&b);
    c->got_request = 1;
    /* one snapshot for the answer: the sources served are its sources */
    rc = store_read_begin(n->st, &sa.t, &err);
    if (rc) {
        fail_internal(c, &err);
        goto leave;
    }
    rc = nrtm_request_parse(line, len, n->cf->nrtm_max_request_length,
                            served, &sa, &c->req, &b);
    if (rc == 0 && c->req.kind == NRTM_SOURCES) {
        rc = answer_sources(c, sa.t, &b, &err);
    } else if (rc == 0 && c->req.kind == NRTM_VERSION_Q) {
        nrtm_write_version(&b, n->version);
    } else if (rc == 0) {
        /* served() left the source selected */
        c->mirrored = strcmp(c->req.source, n->cf->source) != 0;
        rc = nrtm_request_check(&c->req, sa.t, time(NULL),
                                n->cf->nrtm_max_age_days, c->allowed,
                                c->addr, &b, &err);
    }
    store_read_end(sa.t);
    if (rc && rc != ERR_SYNTAX) {
        fail_internal(c, &err);
        goto leave;
    }
    if (rc == 0 && c->req.kind == NRTM_MIRROR) {
        nrtm_write_start(&b, &c->req);
        put(c, b.s, b.len);
        c->streaming = 1;
        c->serial = c->req.first;
        produce(c);
        goto leave;
    }
    put(c, b.s, b.len);
    finish(c, rc ? "refused" : "closed");
leave:
    buf_free(&b);
}

static void on_read(struct bufferevent *bev, void *arg)
{
    nconn_t *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    if (c->closing)
        return;
    if (c->got_request) {
        /* anything after the request is ignored */
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    size_t eol_len = 0;
    struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, &eol_len,
                                                  EVBUFFER_EOL_LF);
    size_t have = evbuffer_get_length(in);
    size_t max = c->n->cf->nrtm_max_request_length;
    if (eol.pos < 0 && have <= max)
        return;
    size_t len = eol.pos < 0 ? have : (size_t)eol.pos;
    char *line = xmalloc(len + 1);
    evbuffer_remove(in, line, len);
    line[len] = 0;
    evbuffer_drain(in, evbuffer_get_length(in));
    /* the request has come: no read timeout from now on (a -k stream is
     * silent both ways for hours; TCP keepalive finds a dead peer) */
    bufferevent_set_timeouts(bev, NULL, NULL);
    handle_request(c, line, len);
    free(line);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    nconn_t *c = arg;
    if (c->closing) {
        if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
            conn_free(c);
        return;
    }
    produce(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    nconn_t *c = arg;
    (void)bev;
    if (what & BEV_EVENT_TIMEOUT) {
        c->end = c->end ? c->end : "idle";
    } else if (what & BEV_EVENT_EOF) {
        c->end = c->end ? c->end : "client-closed";
    } else {
        c->end = c->end ? c->end : "error";
    }
    conn_free(c);
}

static unsigned count_from(const whoisd_nrtm_t *n, const char *addr)
{
    unsigned k = 0;
    for (const nconn_t *c = n->conns; c; c = c->next)
        k += !c->closing && strcmp(c->addr, addr) == 0;
    return k;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
                      struct sockaddr *sa, int salen, void *arg)
{
    whoisd_nrtm_t *n = arg;
    int one = 1;
    (void)l;
    (void)salen;

    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    nconn_t *c = xcalloc(1, sizeof *c);
    c->n = n;
    buf_init(&c->chunk);
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, c->addr, sizeof c->addr);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, c->addr, sizeof c->addr);
    unsigned same = count_from(n, c->addr);
    c->bev = bufferevent_socket_new(n->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (c->bev == NULL) {
        evutil_closesocket(fd);
        buf_free(&c->chunk);
        free(c);
        return;
    }
    c->next = n->conns;
    if (n->conns)
        n->conns->prev = c;
    n->conns = c;
    if (++n->nconns >= n->cf->nrtm_max_connections && !n->paused) {
        for (size_t i = 0; i < n->nfds; i++)
            evconnlistener_disable(n->lis[i]);
        n->paused = 1;
    }
    c->allowed = may_mirror(n, c->addr);
    c->unfiltered = c->allowed && in_nets(n->unfiltered, n->nunfiltered, c->addr);
    c->filter.obj = filter_obj;
    c->filter.placeholder = filter_placeholder;
    c->filter.arg = c;
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    bufferevent_setwatermark(c->bev, EV_WRITE, OUT_LOW, 0);
    bufferevent_setwatermark(c->bev, EV_READ, 0, n->cf->nrtm_max_request_length + 4096);
    bufferevent_set_max_single_write(c->bev, OUT_WRITE);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    if (same >= n->cf->nrtm_max_connections_per_address) {
        buf_t b;
        buf_init(&b);
        buf_printf(&b, "ERROR:306: connections exceeded\n\n"
                   "Number of connections from a single IP address\n"
                   "has exceeded the maximum number allowed (%u).\n\n",
                   n->cf->nrtm_max_connections_per_address);
        put(c, b.s, b.len);
        buf_free(&b);
        finish(c, "too-many-connections");
        return;
    }
    if (n->cf->nrtm_banner) {
        buf_t b;
        buf_init(&b);
        nrtm_write_banner(&b, n->cf->whois_name ? n->cf->whois_name : n->cf->source,
                          n->cf->whois_terms_url);
        put(c, b.s, b.len);
        buf_free(&b);
    }
    struct timeval tv = { n->cf->whois_idle_timeout, 0 };
    bufferevent_set_timeouts(c->bev, &tv, NULL);
}

static void on_accept_error(struct evconnlistener *l, void *arg)
{
    whoisd_nrtm_t *n = arg;
    (void)l;
    msg_warn("nrtm accept: %s", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
    /* out of descriptors: try again when a connection ends */
    for (size_t i = 0; i < n->nfds; i++)
        evconnlistener_disable(n->lis[i]);
    n->paused = 1;
}

/* ----------------------------------------------------------- wake-ups */

static void on_inotify(evutil_socket_t fd, short what, void *arg)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    (void)what;
    while (read(fd, buf, sizeof buf) > 0)
        ;
    wake(arg);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    whoisd_nrtm_t *n = arg;
    (void)fd;
    (void)what;
    wake(n);
    resume_accepting(n);
}

int whoisd_nrtm_start(whoisd_nrtm_t *n, struct event_base *base,
                      store_t *st, const char *version, err_t *err)
{
    if (n == NULL)
        return 0;
    n->base = base;
    n->st = st;
    n->version = version;
    n->lis = xcalloc(n->nfds ? n->nfds : 1, sizeof *n->lis);
    for (size_t i = 0; i < n->nfds; i++) {
        n->lis[i] = evconnlistener_new(base, on_accept, n,
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
                                       -1, n->fds[i]);
        if (n->lis[i] == NULL)
            return err_set(err, ERR_IO, "cannot listen on NRTM socket %d", n->fds[i]);
        n->fds[i] = -1;     /* the listener closes it */
        evconnlistener_set_error_cb(n->lis[i], on_accept_error);
    }
    char *path = xasprintf("%s/data.mdb", n->cf->database);
    n->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (n->ino_fd < 0 || inotify_add_watch(n->ino_fd, path, IN_MODIFY | IN_CLOSE_WRITE) < 0) {
        msg_warn("nrtm: cannot watch %s (%s): new serials are looked for "
                 "every %d ms", path, strerror(errno), RECHECK_NO_INOTIFY_MS);
        if (n->ino_fd >= 0)
            close(n->ino_fd);
        n->ino_fd = -1;
    } else {
        n->ev_ino = event_new(base, n->ino_fd, EV_READ | EV_PERSIST, on_inotify, n);
        event_add(n->ev_ino, NULL);
    }
    free(path);
    struct timeval tv = { RECHECK_SECONDS, 0 };
    if (n->ino_fd < 0) {
        tv.tv_sec = 0;
        tv.tv_usec = RECHECK_NO_INOTIFY_MS * 1000;
    }
    n->ev_timer = event_new(base, -1, EV_PERSIST, on_timer, n);
    event_add(n->ev_timer, &tv);
    msg_info("nrtm: listening on %zu sockets", n->nfds);
    return 0;
}

void whoisd_nrtm_stop(whoisd_nrtm_t *n)
{
    if (n == NULL || n->stopped)
        return;
    n->stopped = 1;
    for (size_t i = 0; i < n->nfds; i++) {
        if (n->lis && n->lis[i]) {
            evconnlistener_free(n->lis[i]);
            n->lis[i] = NULL;
        }
    }
    if (n->ev_ino)
        event_del(n->ev_ino);
    if (n->ev_timer)
        event_del(n->ev_timer);
    while (n->conns) {
        n->conns->end = n->conns->end ? n->conns->end : "shutdown";
        conn_free(n->conns);
    }
}

void whoisd_nrtm_free(whoisd_nrtm_t *n)
{
    if (n == NULL)
        return;
    whoisd_nrtm_stop(n);
    for (size_t i = 0; i < n->nfds; i++)
        if (n->fds[i] >= 0)
            close(n->fds[i]);
    free(n->fds);
    free(n->lis);
    if (n->ev_ino)
        event_free(n->ev_ino);
    if (n->ev_timer)
        event_free(n->ev_timer);
    if (n->ino_fd >= 0)
        close(n->ino_fd);
    dummify_free(n->dummify);
    free(n->access);
    free(n->unfiltered);
    free(n);
}
