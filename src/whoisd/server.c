/*
 * server.c - autodbm-whoisd's listeners and connections (see server.h).
 *
 * Flow of one connection: the read callback takes complete lines from
 * the input buffer while no answer is in progress; a line starts an
 * answer (whoisd_answer_t) and reading stops; produce() asks the answer
 * for more while the output buffer is under OUT_HIGH, and the write
 * callback (the output drained to OUT_LOW) calls it again; when the
 * answer is complete the next line is taken, or the connection closes
 * once its output is flushed.  Output is written at once (flush())
 * while the bufferevent's write event is off, and the event is switched
 * on only for what the socket did not take, so a small answer costs one
 * writev and no epoll_ctl; reading stays on for an answer complete at
 * once.  So memory per connection is bounded by
 * OUT_HIGH plus one piece of an answer plus the input high watermark,
 * whatever the answer's size (except for answers a producer computes
 * whole: "!" lists, limited by whois_max_objects).
 *
 * The "!" commands offload() names start in a worker thread (an irrjob_t
 * through whoisd/pool.h): irr_start() runs there with the connection's
 * session, the connection reads nothing meanwhile, and job_done() takes
 * the answer back into the loop as if start() had made it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "util/logline.h"
#include "util/msg.h"
#include "store/store.h"
#include "registry/irr.h"
#include "whoisd/answer.h"
#include "whoisd/bind.h"
#include "whoisd/nrtm.h"
#include "whoisd/pool.h"
#include "whoisd/ripe.h"
#include "whoisd/server.h"

#ifndef AUTODBM_VERSION
#define AUTODBM_VERSION "unknown"
#endif

#define OUT_LOW   (32u << 10)   /* produce more when output is below */
#define OUT_HIGH  (128u << 10)  /* stop producing above */
#define STEP      (16u << 10)   /* bytes asked of an answer at a time */
#define DRAIN_SECONDS 10

typedef struct conn conn_t;
typedef struct irrjob irrjob_t;

struct whoisd {
    const conf_t *cf;
    const char *prog;
    int dest;
    int *fds;
    size_t nfds;
    struct event_base *base;
    struct evconnlistener **lis;
    struct event *ev_term, *ev_hup, *ev_drain;
    struct event *ev_resume;    /* accepting again after EMFILE */
    struct event *ev_wake;      /* a reader slot became free */
    unsigned readers;       /* answers holding a store snapshot */
    unsigned long wait_seq; /* order of the connections waiting for one */
    unsigned nwaiting;      /* connections waiting for one */
    store_t *st;
    whoisd_pool_t *pool;        /* worker threads for long "!" commands */
    whoisd_ripe_env_t renv;     /* what RIPE-style answers share */
    whoisd_acl_t *acl;          /* personal objects per client address */
    whoisd_nrtm_t *nrtm;        /* the NRTM server (NULL: none) */
    char host[256];
    char *version;
    conn_t *conns;          /* every live connection */
    unsigned nconns;
    int paused;             /* accepting paused: too many connections */
    int draining;           /* SIGTERM received */
};

struct conn {
    whoisd_t *w;
    conn_t *prev, *next;
    struct bufferevent *bev;
    char addr[INET6_ADDRSTRLEN];
    char client[INET6_ADDRSTRLEN];  /* one client: an IPv4 address, an
                                       IPv6 /64 (its network address) */
    irr_session_t *irr;
    whoisd_ripe_t *ripe;
    whoisd_answer_t ans;    /* ans.self != NULL: an answer in progress */
    irrjob_t *job;          /* != NULL: a worker computes the answer */
    int closing;            /* close once the output is flushed */
    int dead;               /* freed at the next turn of the loop */
    struct timespec t0, qt0;
    struct timespec lt0;    /* when the line being read began */
    int in_line;            /* bytes of a line have come */
    int reader;             /* the answer holds a store snapshot */
    unsigned long waiting;  /* > 0: waits for a reader slot, in this order */
    char *pending;          /* the line that waits */
    unsigned long queries;
    size_t bytes;
    size_t qbytes;          /* bytes counted when the answer began */
    const char *end;        /* how it ended, for the log */
};

/* A "!" command computed by a worker thread (irr_start()).  While it
 * runs, the connection touches neither its session nor its socket's
 * input; a connection that ends meanwhile leaves the job (c = NULL) its
 * session, freed with the answer when the job comes back. */
struct irrjob {
    whoisd_t *w;
    conn_t *c;              /* NULL once the connection has gone */
    irr_session_t *irr;
    char *cmd;
    irr_answer_t *a;
    int rc;
    err_t err;
    int reader;             /* an orphan's reader slot, freed at its end */
};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------ listening */

int whoisd_listen(const conf_t *cf, const char *prog, int dest,
                  whoisd_t **out, err_t *err)
{
    whoisd_t *w = xcalloc(1, sizeof *w);
    w->cf = cf;
    w->prog = prog;
    w->dest = dest;
    *out = NULL;
    for (size_t i = 0; i < cf->whois_listen.n; i++) {
        int rc = whoisd_bind("whois_listen", cf->whois_listen.v[i], 511,
                             &w->fds, &w->nfds, err);
        if (rc) {
            whoisd_free(w);
            return rc;
        }
    }
    int rc = whoisd_acl_new(cf->whois_personal_limit, cf->whois_personal_table,
                            &cf->whois_personal_exempt, &w->acl, err);
    if (rc == 0)
        rc = whoisd_nrtm_listen(cf, &w->nrtm, err);
    if (rc) {
        whoisd_free(w);
        return rc;
    }
    /* a store that does not open is reported now, on standard error;
     * closed again: an LMDB environment must not cross fork() */
    store_t *st = NULL;
    rc = store_open(cf->database, STORE_RDONLY, &st, err);
    store_close(st);
    if (rc) {
        whoisd_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* ---------------------------------------------------------- connections */

static void produce(conn_t *c);
static void take_lines(conn_t *c);

/* A reader slot is free: it goes to the connection that has waited
 * longest (at the next turn of the loop). */
static void release_reader(whoisd_t *w)
{
    w->readers--;
    if (w->ev_wake && w->nwaiting > 0)
        event_active(w->ev_wake, EV_TIMEOUT, 0);
}

/* Free the answer in progress; a reader slot it held goes to the
 * connection that has waited longest (at the next turn of the loop). */
static void end_answer(conn_t *c)
{
    if (c->ans.self)
        c->ans.free(c->ans.self);
    c->ans.self = NULL;
    if (c->reader) {
        c->reader = 0;
        release_reader(c->w);
    }
}

static void conn_free(conn_t *c)
{
    whoisd_t *w = c->w;
    if (w->cf->whois_log) {
        buf_t line;
        buf_init(&line);
        logline_kv(&line, "client", "%s", c->addr);
        logline_kv(&line, "queries", "%lu", c->queries);
        logline_kv(&line, "bytes", "%zu", c->bytes);
        logline_kv(&line, "time", "%.0fms", since(&c->t0) * 1000);
        logline_kv(&line, "end", "%s", c->end ? c->end : "closed");
        msg_kv(LOG_INFO, &line);
        buf_free(&line);
    }
    end_answer(c);
    if (c->waiting)
        w->nwaiting--;
    free(c->pending);
    if (c->job) {
        c->job->c = NULL;   /* the session and reader slot go with the job */
        c->irr = NULL;
        c->job->reader = c->reader;
        c->reader = 0;
    }
    irr_session_free(c->irr);
    whoisd_ripe_free(c->ripe);
    if (c->bev)
        bufferevent_free(c->bev);
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    w->nconns--;
    free(c);
    if (w->paused && w->nconns < w->cf->whois_max_connections && !w->draining) {
        for (size_t i = 0; i < w->nfds; i++)
            evconnlistener_enable(w->lis[i]);
        w->paused = 0;
    }
    if (w->draining && w->nconns == 0)
        event_base_loopexit(w->base, NULL);
}

static int sink(const char *data, size_t len, void *arg)
{
    conn_t *c = arg;
    c->bytes += len;
    return evbuffer_add(bufferevent_get_output(c->bev), data, len) != 0;
}

static void on_free_later(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    conn_free(arg);
}

/* Free @c at the next turn of the loop: the callers up the stack may
 * still look at it. */
static void free_later(conn_t *c)
{
    struct timeval zero = { 0, 0 };
    if (c->dead)
        return;
    c->dead = 1;
    bufferevent_disable(c->bev, EV_READ | EV_WRITE);
    event_base_once(c->w->base, -1, EV_TIMEOUT, on_free_later, c, &zero);
}

/* Write what the output holds at once while the write event is off and
 * no answer is in progress (the usual case: a small answer goes out in
 * one writev, without the two epoll_ctl calls of adding and removing the
 * write event); what the socket does not take, and the output of an
 * answer still in progress, is left to the write event, switched on. */
static void flush(conn_t *c)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (c->dead || evbuffer_get_length(out) == 0 ||
        (bufferevent_get_enabled(c->bev) & EV_WRITE))
        return;
    if (c->ans.self) {
        /* an answer in progress: the write event asks for more as the
         * output drains (on_write) */
        bufferevent_enable(c->bev, EV_WRITE);
        return;
    }
    /* a socket bufferevent keeps the start of its output frozen (only
     * its own write callback drains it): thawed for this write */
    evbuffer_unfreeze(out, 1);
    (void)evbuffer_write(out, bufferevent_getfd(c->bev));
    evbuffer_freeze(out, 1);
    if (evbuffer_get_length(out) > 0)
        bufferevent_enable(c->bev, EV_WRITE);   /* errors show there too */
}

/* Stop reading; close once the output is out (at once if it is). */
static void finish(conn_t *c, const char *end)
{
    if (c->end == NULL)
        c->end = end;
    c->closing = 1;
    bufferevent_disable(c->bev, EV_READ);
    flush(c);
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        free_later(c);
}

/* Send a RIPE message block (the server's own errors) and close. */
static void fail_ripe(conn_t *c, const char *text, const char *end)
{
    buf_t b;
    buf_init(&b);
    whoisd_ripe_message(&b, text);
    sink(b.s, b.len, c);
    buf_free(&b);
    finish(c, end);
}

/* The idle timeout in force: the configuration's, or a shorter one set
 * by "!t" (a client may not hold its connection longer than the
 * configuration allows, whatever IRRd's range for "!t"). */
static long idle_seconds(const conn_t *c)
{
    long t = irr_session_timeout(c->irr);
    long max = c->w->cf->whois_idle_timeout;
    return t > 0 && t < max ? t : max;
}

static void set_timeouts(conn_t *c)
{
    struct timeval tv = { idle_seconds(c), 0 };
    bufferevent_set_timeouts(c->bev, &tv, &tv);
}

/* No query line in time: RIPE's %ERROR:305 (after a "!" command, IRRd
 * closes without a word) and close. */
static void fail_idle(conn_t *c)
{
    struct timeval tv = { 10, 0 };  /* to flush the message */
    bufferevent_set_timeouts(c->bev, NULL, &tv);
    if (irr_session_persistent(c->irr) && c->queries > 0)
        finish(c, "idle");
    else
        fail_ripe(c, "ERROR:305: connection has been closed\n\n"
                  "The connection to the query server\n"
                  "has been closed after a period of inactivity.", "idle");
}

/* irr answers as whoisd answers */
static int irr_step_fn(void *self, size_t budget, whoisd_sink_fn fn,
                       void *arg, err_t *err)
{
    return irr_step(self, budget, fn, arg, err);
}

static int irr_close_fn(const void *self)
{
    return irr_answer_close(self);
}

static const char *irr_why_fn(const void *self)
{
    return irr_answer_limited(self) ? "limit" : NULL;
}

static void irr_free_fn(void *self)
{
    irr_answer_free(self);
}

/* Answers computed whole ("!" lists, up to whois_max_objects items) sit
 * in the output buffers until their clients read them: while all the
 * buffers together hold more than whois_max_buffered bytes, the
 * connection holding the most is closed (a client that asks and does not
 * read; one reading normally holds little). */
static void enforce_buffered(whoisd_t *w)
{
    for (;;) {
        size_t total = 0, most = 0;
        conn_t *big = NULL;
        for (conn_t *c = w->conns; c; c = c->next) {
            if (c->dead)
                continue;
            size_t n = evbuffer_get_length(bufferevent_get_output(c->bev));
            total += n;
            if (n > most) {
                most = n;
                big = c;
            }
        }
        if (total <= w->cf->whois_max_buffered || big == NULL)
            return;
        msg_warn("client %s: %zu bytes unread; closed (whois_max_buffered)",
                 big->addr, most);
        if (big->end == NULL)
            big->end = "buffer-limit";
        big->closing = 1;
        end_answer(big);
        free_later(big);
    }
}

/* Whether a "!" command goes to a worker thread: those that may compute
 * long before their first byte (set expansions, objects of a
 * maintainer, prefix searches).  The others are answered at once: an
 * exact look-up ("!m") or the routes of one origin ("!g", "!6": one
 * range of an index, as long as its answer) cost less than the
 * hand-over, and must not wait behind heavy commands in the workers'
 * queue. */
static int offload(const char *cmd)
{
    return cmd[1] != 0 && strchr("aior", cmd[1]) != NULL;
}

/* Make @a the connection's answer in progress. */
static void irr_answer_take(conn_t *c, irr_answer_t *a)
{
    c->ans.self = a;
    c->ans.step = irr_step_fn;
    c->ans.close = irr_close_fn;
    c->ans.why = irr_why_fn;
    c->ans.free = irr_free_fn;
    set_timeouts(c);
}

static void begin_answer(conn_t *c, int irr, int rc, err_t *err);
static void job_run(void *arg);
static void job_done(void *arg);

/* Start the answer to one line (NUL-terminated, @len bytes before it
 * unless it holds NUL bytes). */
static void start(conn_t *c, char *line, size_t len)
{
    err_t err = ERR_INIT;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &c->qt0);
    if (memchr(line, 0, len)) {
        sink("F Queries may not contain null bytes\n", 37, c);
        c->queries++;
        if (!irr_session_persistent(c->irr))
            finish(c, "null-byte");
        return;
    }
    /* trim the CR of CR LF and outer blanks; fold blank runs */
    char *s = line, *d = line;
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    for (; *s; s++) {
        char ch = *s == '\t' || *s == '\r' ? ' ' : *s;
        if (ch == ' ' && (d == line || d[-1] == ' '))
            continue;
        *d++ = ch;
    }
    while (d > line && d[-1] == ' ')
        d--;
    *d = 0;
    if (*line == 0 && irr_session_persistent(c->irr))
        return;     /* an empty line between "!" commands */

    const char *cmd = irr_command(line);
    /* a RIPE-style answer reads its objects from one snapshot as its
     * client reads them, as "!m" "!o" "!r" do */
    int snapshot = cmd ? irr_command_snapshot(cmd) : 1;
    if (snapshot && c->w->readers >= c->w->cf->whois_max_readers) {
        /* whois_max_readers answers hold a snapshot: wait for one to end
         * (reading nothing meanwhile) rather than take a reader slot the
         * robot and everyone else need */
        c->pending = xstrdup(line);
        c->waiting = ++c->w->wait_seq;
        c->w->nwaiting++;
        bufferevent_disable(c->bev, EV_READ);
        return;
    }
    if (cmd && offload(cmd)) {
        irrjob_t *j = xcalloc(1, sizeof *j);
        j->w = c->w;
        j->c = c;
        j->irr = c->irr;
        j->cmd = xstrdup(cmd);
        err_init(&j->err);
        c->job = j;
        if (snapshot) {
            c->reader = 1;
            c->w->readers++;
        }
        bufferevent_disable(c->bev, EV_READ);
        whoisd_pool_submit(c->w->pool, job_run, job_done, j);
        return;
    }
    if (cmd) {
        irr_answer_t *a = NULL;
        rc = irr_start(c->irr, cmd, &a, &err);
        if (rc == 0 && snapshot) {
            c->reader = 1;
            c->w->readers++;
        }
        if (rc == 0)
            irr_answer_take(c, a);
    } else {
        /* one persistence for both dialects: "!!" keeps a RIPE-style
         * query's connection open (as IRRd), "-k" a "!" command's */
        if (irr_session_persistent(c->irr))
            whoisd_ripe_set_persistent(c->ripe);
        rc = whoisd_ripe_query(c->ripe, line, &c->ans, &err);
        if (rc == 0) {
            c->reader = 1;
            c->w->readers++;
        }
        if (whoisd_ripe_persistent(c->ripe))
            irr_session_set_persistent(c->irr);
    }
    begin_answer(c, cmd != NULL, rc, &err);
}

/* The answer to a line is ready (rc = 0) or cannot be had: send it. */
static void begin_answer(conn_t *c, int irr, int rc, err_t *err)
{
    c->queries++;
    if (rc) {
        msg_warn("client %s: %s", c->addr, err_text(err));
        end_answer(c);      /* a reader slot taken for it */
        if (irr)
            sink("F Internal error: the registry cannot be read now\n", 50, c);
        else {
            buf_t b;
            buf_init(&b);
            buf_t t;
            buf_init(&t);
            buf_printf(&t, "ERROR:100: internal software error\n\n"
                       "Please contact %s if the problem persists.",
                       c->w->cf->robot_address);
            whoisd_ripe_message(&b, t.s);
            buf_free(&t);
            sink(b.s, b.len, c);
            buf_free(&b);
        }
        err_free(err);
        finish(c, "store-error");
        return;
    }
    err_free(err);
    c->qbytes = c->bytes;
    produce(c);
    /* an answer still in progress: read nothing meanwhile (reading
     * stays on for one already complete, saving two epoll_ctl calls) */
    if (c->ans.self && !c->closing && !c->dead)
        bufferevent_disable(c->bev, EV_READ);
    enforce_buffered(c->w);     /* last: it may close c */
}

/* In a worker thread: compute the answer. */
static void job_run(void *arg)
{
    irrjob_t *j = arg;
    j->rc = irr_start(j->irr, j->cmd, &j->a, &j->err);
}

/* Back in the event loop: send the answer, go on with the connection's
 * next line. */
static void job_done(void *arg)
{
    irrjob_t *j = arg;
    conn_t *c = j->c;

    if (c)
        c->job = NULL;
    if (c == NULL || c->dead) {
        /* the connection has gone (or is going): drop the answer */
        irr_answer_free(j->a);
        if (c == NULL)
            irr_session_free(j->irr);
        if (j->reader)
            release_reader(j->w);
        err_free(&j->err);
    } else {
        if (j->rc == 0)
            irr_answer_take(c, j->a);
        set_timeouts(c);    /* "!t" may have changed the idle timeout */
        begin_answer(c, 1, j->rc, &j->err);
        if (!c->ans.self && !c->closing && !c->dead)
            take_lines(c);  /* the lines that came meanwhile */
        flush(c);
    }
    free(j->cmd);
    free(j);
}
/* Ask the answer in progress for more while the output has room. */
static void produce(conn_t *c)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    err_t err = ERR_INIT;

    while (c->ans.self && evbuffer_get_length(out) < OUT_HIGH) {
        /* once output has begun (the producer checks the time before:
         * its answer may then say why it gave up) */
        if (c->w->cf->whois_query_timeout > 0 && c->bytes > c->qbytes &&
            since(&c->qt0) > (double)c->w->cf->whois_query_timeout) {
            end_answer(c);
            finish(c, "query-timeout");
            return;
        }
        int rc = c->ans.step(c->ans.self, STEP, sink, c, &err);
        if (rc == 1)
            continue;
        int close_after = rc != 0 || c->ans.close(c->ans.self);
        const char *why = rc ? "error" : c->w->draining ? "shutdown" : "closed";
        if (rc == 0 && close_after && c->ans.why && c->ans.why(c->ans.self))
            why = c->ans.why(c->ans.self);
        if (rc != 0) {
            msg_warn("client %s: %s", c->addr, err_text(&err));
            err_free(&err);
        }
        end_answer(c);
        if (close_after || c->w->draining) {
            finish(c, why);
            return;
        }
    }
    flush(c);
}

/* Take complete lines from the input while no answer is in progress. */
static void take_lines(conn_t *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);
    size_t max = c->w->cf->whois_max_query_length;

    while (!c->ans.self && !c->job && !c->closing && !c->waiting) {
        size_t eol_len = 0;
        struct evbuffer_ptr eol = evbuffer_search_eol(in, NULL, &eol_len,
                                                      EVBUFFER_EOL_LF);
        if (eol.pos < 0) {
            size_t have = evbuffer_get_length(in);
            if (have > 0 && !c->in_line) {
                c->in_line = 1;
                clock_gettime(CLOCK_MONOTONIC, &c->lt0);
            }
            /* max bytes and the CR of a CR LF still to end */
            if (have > max + 1)
                fail_ripe(c, "ERROR:107: input line too long\n\n"
                          "Input exceeds the maximum line length.", "line-too-long");
            else if (have > 0 && since(&c->lt0) > (double)idle_seconds(c))
                /* a line trickling in byte by byte is idle too (RIPE:
                 * the time limit is for a complete query line) */
                fail_idle(c);
            else if (!c->closing)
                bufferevent_enable(c->bev, EV_READ);
            return;
        }
        c->in_line = 0;
        size_t len = (size_t)eol.pos;
        char last = 0;
        if (len > 0) {
            struct evbuffer_ptr at;
            evbuffer_ptr_set(in, &at, len - 1, EVBUFFER_PTR_SET);
            evbuffer_copyout_from(in, &at, &last, 1);
        }
        /* the CR of a CR LF end is not counted (RIPE counts the line) */
        if (len - (last == '\r') > max) {
            fail_ripe(c, "ERROR:107: input line too long\n\n"
                      "Input exceeds the maximum line length.", "line-too-long");
            return;
        }
        char *line = xmalloc(len + 1);
        evbuffer_remove(in, line, len);
        evbuffer_drain(in, eol_len);
        line[len] = 0;
        start(c, line, len);
        free(line);
        if (c->closing)
            return;
    }
}

static void on_read(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    (void)bev;
    if (!c->dead)
        take_lines(c);
    flush(c);
}

static void on_write(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    if (c->dead)
        return;
    if (c->ans.self) {
        produce(c);
        if (c->closing)
            return;
    }
    if (c->closing) {
        if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
            free_later(c);
        return;
    }
    if (!c->ans.self)
        take_lines(c);
    /* all out and nothing in progress: back to writing at once */
    if (!c->dead && !c->closing && !c->ans.self &&
        evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        bufferevent_disable(bev, EV_WRITE);
    flush(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    conn_t *c = arg;
    (void)bev;
    if (c->dead)
        return;
    if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) &&
        !c->closing && !c->ans.self && !c->job) {
        fail_idle(c);
        return;
    }
    if (what & BEV_EVENT_EOF)
        c->end = c->end ? c->end : "client-closed";
    else if (what & BEV_EVENT_TIMEOUT)
        c->end = c->end ? c->end : "write-timeout";
    else if (what & BEV_EVENT_ERROR)
        c->end = c->end ? c->end : "error";
    free_later(c);
}

/* Whether the client of a waiting connection has gone (its end of the
 * socket closed, unnoticed while nothing was read): its line is then not
 * worth a snapshot.  (A client that only shut down its sending side
 * looks the same and loses its waiting line too.) */
static int client_gone(const conn_t *c)
{
    char b;
    ssize_t n = recv(bufferevent_getfd(c->bev), &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Reader slots are free: start the lines that wait for one, oldest
 * first. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    whoisd_t *w = arg;
    (void)fd;
    (void)what;
    while (w->readers < w->cf->whois_max_readers) {
        conn_t *first = NULL;
        for (conn_t *c = w->conns; c; c = c->next)
            if (c->waiting && !c->dead && (first == NULL || c->waiting < first->waiting))
                first = c;
        if (first == NULL)
            return;
        char *line = first->pending;
        first->pending = NULL;
        first->waiting = 0;
        w->nwaiting--;
        if (client_gone(first)) {
            first->end = "client-closed";
            free_later(first);
        } else if (!first->closing)
            start(first, line, strlen(line));
        free(line);
        if (!first->ans.self && !first->closing && !first->dead)
            take_lines(first);
    }
}

/* Connections of one client (whois_max_connections_per_address): an
 * IPv6 host has a whole /64 to pick addresses from, so a /64 is one
 * client, as for the query ACL (whoisd/acl.h). */
static unsigned count_from(const whoisd_t *w, const char *client)
{
    unsigned n = 0;
    for (const conn_t *c = w->conns; c; c = c->next)
        n += strcmp(c->client, client) == 0;
    return n;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
                      struct sockaddr *sa, int salen, void *arg)
{
    whoisd_t *w = arg;
    (void)l;
    (void)salen;
    conn_t *c = xcalloc(1, sizeof *c);
    c->w = w;
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    if (sa->sa_family == AF_INET6) {
        struct in6_addr net = ((struct sockaddr_in6 *)sa)->sin6_addr;
        inet_ntop(AF_INET6, &net, c->addr, sizeof c->addr);
        memset(net.s6_addr + 8, 0, 8);
        inet_ntop(AF_INET6, &net, c->client, sizeof c->client);
    } else {
        inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, c->addr, sizeof c->addr);
        memcpy(c->client, c->addr, sizeof c->client);
    }
    unsigned same = count_from(w, c->client);

    c->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (c->bev == NULL) {
        evutil_closesocket(fd);
        free(c);
        return;
    }
    c->next = w->conns;
    if (w->conns)
        w->conns->prev = c;
    w->conns = c;
    w->nconns++;
    if (w->nconns >= w->cf->whois_max_connections && !w->paused) {
        for (size_t i = 0; i < w->nfds; i++)
            evconnlistener_disable(w->lis[i]);
        w->paused = 1;
    }
    irr_limits_t lim = { w->cf->whois_max_objects, (double)w->cf->whois_query_timeout };
    c->irr = irr_session_new(w->st, w->cf->source, w->version, &lim);
    irr_session_sources(c->irr, &w->cf->query_sources);
    c->ripe = whoisd_ripe_new(&w->renv, c->addr);
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    bufferevent_setwatermark(c->bev, EV_WRITE, OUT_LOW, 0);
    bufferevent_setwatermark(c->bev, EV_READ, 0,
                             w->cf->whois_max_query_length + 4096);
    set_timeouts(c);
    /* writing: see flush() (a new bufferevent has EV_WRITE on) */
    bufferevent_disable(c->bev, EV_WRITE);
    bufferevent_enable(c->bev, EV_READ);
    if (same >= w->cf->whois_max_connections_per_address) {
        buf_t t;
        buf_init(&t);
        buf_printf(&t, "ERROR:306: connections exceeded\n\n"
                   "Number of connections from a single IP address\n"
                   "has exceeded the maximum number allowed (%u).",
                   w->cf->whois_max_connections_per_address);
        fail_ripe(c, t.s, "too-many-connections");
        buf_free(&t);
    }
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    whoisd_t *w = arg;
    (void)fd;
    (void)what;
    if (w->draining || w->nconns >= w->cf->whois_max_connections)
        return;     /* conn_free() enables them when one ends */
    for (size_t i = 0; i < w->nfds; i++)
        evconnlistener_enable(w->lis[i]);
    w->paused = 0;
}

/* Out of file descriptors (or another accept failure): pause accepting
 * for a second rather than spin on a listener that stays readable. */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
    whoisd_t *w = arg;
    int e = EVUTIL_SOCKET_ERROR();
    struct timeval one = { 1, 0 };
    (void)l;
    msg_warn("accept: %s; not accepting for a second", evutil_socket_error_to_string(e));
    for (size_t i = 0; i < w->nfds; i++)
        evconnlistener_disable(w->lis[i]);
    w->paused = 1;
    if (w->ev_resume == NULL)
        w->ev_resume = evtimer_new(w->base, on_resume, w);
    evtimer_add(w->ev_resume, &one);
}

/* -------------------------------------------------------------- signals */

static void on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
    whoisd_t *w = arg;
    (void)fd;
    (void)what;
    msg_warn("shutdown: %u connections still busy after %d s; closing them",
             w->nconns, DRAIN_SECONDS);
    event_base_loopexit(w->base, NULL);
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
    whoisd_t *w = arg;
    (void)sig;
    (void)what;
    if (w->draining)
        return;
    w->draining = 1;
    whoisd_nrtm_stop(w->nrtm);
    msg_info("SIGTERM: draining %u connections", w->nconns);
    for (size_t i = 0; i < w->nfds; i++) {
        evconnlistener_free(w->lis[i]);
        w->lis[i] = NULL;
        w->fds[i] = -1;     /* closed with its listener */
    }
    w->nfds = 0;
    for (conn_t *c = w->conns, *nx; c; c = nx) {
        nx = c->next;
        if (!c->ans.self && !c->job && !c->closing)
            finish(c, "shutdown");
    }
    if (w->nconns == 0) {
        event_base_loopexit(w->base, NULL);
        return;
    }
    struct timeval tv = { DRAIN_SECONDS, 0 };
    w->ev_drain = evtimer_new(w->base, on_drain_timeout, w);
    evtimer_add(w->ev_drain, &tv);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
    whoisd_t *w = arg;
    (void)sig;
    (void)what;
    msg_close();
    msg_open(w->prog, w->dest);
    msg_info("SIGHUP: log reopened");
}

/* ------------------------------------------------------------------ run */

int whoisd_run(whoisd_t *w, err_t *err)
{
    int rc = store_open(w->cf->database, STORE_RDONLY, &w->st, err);
    if (rc)
        return rc;
    w->base = event_base_new();
    if (w->base == NULL)
        return err_set(err, ERR_IO, "cannot set up the event loop");
    if (gethostname(w->host, sizeof w->host - 1) != 0)
        strcpy(w->host, "localhost");
    w->version = xstrdup(AUTODBM_VERSION);
    w->renv.banner.name = w->cf->whois_name ? w->cf->whois_name : w->cf->source;
    w->renv.banner.terms_url = w->cf->whois_terms_url;
    w->renv.banner.version = w->version;
    w->renv.banner.host = w->host;
    w->renv.st = w->st;
    w->renv.source = w->cf->source;
    w->renv.sources = &w->cf->query_sources;
    w->renv.max_objects = w->cf->whois_max_objects;
    w->renv.contact = w->cf->robot_address;
    w->renv.acl = w->acl;

    w->lis = xcalloc(w->nfds ? w->nfds : 1, sizeof *w->lis);
    for (size_t i = 0; i < w->nfds; i++) {
        w->lis[i] = evconnlistener_new(w->base, on_accept, w,
                                       LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
                                       -1, w->fds[i]);
        if (w->lis[i] == NULL)
            return err_set(err, ERR_IO, "cannot listen on socket %d", w->fds[i]);
        evconnlistener_set_error_cb(w->lis[i], on_accept_error);
    }
    w->ev_term = evsignal_new(w->base, SIGTERM, on_term, w);
    w->ev_hup = evsignal_new(w->base, SIGHUP, on_hup, w);
    w->ev_wake = event_new(w->base, -1, 0, on_wake, w);
    rc = whoisd_pool_new(w->base, w->cf->whois_workers, &w->pool, err);
    if (rc)
        return rc;
    rc = whoisd_nrtm_start(w->nrtm, w->base, w->st, w->version, err);
    if (rc)
        return rc;
    evsignal_add(w->ev_term, NULL);
    evsignal_add(w->ev_hup, NULL);
    msg_info("listening on %zu sockets", w->nfds);
    if (event_base_dispatch(w->base) < 0)
        return err_set(err, ERR_IO, "the event loop failed");
    msg_info("stopped");
    return 0;
}

void whoisd_free(whoisd_t *w)
{
    if (w == NULL)
        return;
    while (w->conns) {
        w->draining = 0;
        conn_free(w->conns);
    }
    whoisd_nrtm_free(w->nrtm);
    whoisd_pool_free(w->pool);  /* the jobs of the connections freed */
    for (size_t i = 0; i < w->nfds; i++) {
        if (w->lis && w->lis[i])
            evconnlistener_free(w->lis[i]);
        else if (w->fds[i] >= 0)
            close(w->fds[i]);
    }
    free(w->lis);
    free(w->fds);
    if (w->ev_term)
        event_free(w->ev_term);
    if (w->ev_hup)
        event_free(w->ev_hup);
    if (w->ev_drain)
        event_free(w->ev_drain);
    if (w->ev_resume)
        event_free(w->ev_resume);
    if (w->ev_wake)
        event_free(w->ev_wake);
    if (w->base)
        event_base_free(w->base);
    store_close(w->st);
    whoisd_acl_free(w->acl);
    free(w->version);
    free(w);
}
