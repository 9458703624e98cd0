/*
 * ripe.c - RIPE-style query lines in autodbm-whoisd (see ripe.h).
 *
 * An answer has three parts: text written before the engine's (the
 * welcome header of a connection's first answer, a refusal the server
 * makes itself), the engine's answer stepped through its cursor a few
 * objects at a time while the server asks for more, and the end (the
 * %ERROR:112 of a cut answer, the trailer, the header again on a
 * persistent connection), made when the cursor is done.  The read
 * snapshot is opened when the line comes and ended with the cursor.
 *
 * whoisd_ripe_message() is RIPE's message layout (QueryMessage: "% "
 * before each line, "%" alone for an empty one and before "ERROR:"/
 * "WARNING:" lines, one empty line after the block), for the server's
 * own errors.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/msg.h"
#include "registry/query.h"
#include "whoisd/ripe.h"

struct whoisd_ripe {
    const whoisd_ripe_env_t *env;
    char *client;
    int persistent;         /* -k was given */
    int header_sent;        /* the welcome header is out */
};

/* One answer in progress. */
typedef struct ans {
    whoisd_ripe_t *r;
    query_t q;
    query_env_t qenv;
    store_txn_t *txn;       /* the snapshot, while cur is */
    query_cursor_t *cur;    /* NULL: no engine answer (any more) */
    buf_t text;             /* text to write before the cursor's / after */
    size_t charged;         /* person/role objects counted in the ACL */
    int close;              /* close once written */
    const char *why;        /* why it closes, for the log; or NULL */
    int done;               /* the end is in text */
} ans_t;

/* The sink the engine writes to: the server's, with a byte count. */
typedef struct out {
    whoisd_sink_fn fn;
    void *arg;
    size_t n;
} out_t;

whoisd_ripe_t *whoisd_ripe_new(const whoisd_ripe_env_t *env,
                               const char *client)
{
    whoisd_ripe_t *r = xcalloc(1, sizeof *r);
    r->env = env;
    r->client = xstrdup(client);
    return r;
}

int whoisd_ripe_persistent(const whoisd_ripe_t *r)
{
    return r->persistent;
}

void whoisd_ripe_set_persistent(whoisd_ripe_t *r)
{
    r->persistent = 1;
}

void whoisd_ripe_free(whoisd_ripe_t *r)
{
    if (r == NULL)
        return;
    free(r->client);
    free(r);
}

void whoisd_ripe_message(buf_t *out, const char *text)
{
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, "\n");
        if (n == 0)
            buf_puts(out, "%");
        else if (strncmp(p, "ERROR:", 6) == 0 || strncmp(p, "WARNING:", 8) == 0)
            buf_putc(out, '%');
        else
            buf_puts(out, "% ");
        buf_put(out, p, n);
        buf_putc(out, '\n');
        if (p[n] == 0 || p[n + 1] == 0)
            break;
        p += n + 1;
    }
    buf_putc(out, '\n');
}

static int out_write(void *ctx, const char *s, size_t len, err_t *err)
{
    out_t *o = ctx;
    if (o->fn(s, len, o->arg))
        return err_set(err, ERR_IO, "the answer could not be written");
    o->n += len;
    return 0;
}

/* Count the person/role objects written since the last call. */
static void charge(ans_t *a)
{
    query_result_t res;
    if (a->cur == NULL)
        return;
    query_cursor_result(a->cur, &res);
    if (res.personal > a->charged && a->r->env->acl != NULL)
        whoisd_acl_charge(a->r->env->acl, a->r->client,
                          res.personal - a->charged, time(NULL));
    a->charged = res.personal;
}

/* The end of the answer, into a->text: the cut answer's %ERROR:112, the
 * trailer, and on a persistent connection the header again. */
static void end_answer(ans_t *a, const query_result_t *res)
{
    query_sink_t sink = query_sink_buf(&a->text);
    err_t e = ERR_INIT;

    if (res != NULL && res->truncated && res->kind != QUERY_E_ACCESS_DENIED) {
        buf_t t;
        buf_init(&t);
        buf_printf(&t, "ERROR:112: unsupported query\n\n"
                   "The answer was cut after %zu objects: this server "
                   "answers\nat most that many (whois_max_objects).\n"
                   "Narrow the query (-T, -x, -r, a more specific key).",
                   a->qenv.max_objects);
        whoisd_ripe_message(&a->text, t.s);
        buf_free(&t);
        a->close = 1;
        a->why = "object-limit";
    }
    if (res != NULL && res->kind == QUERY_E_ACCESS_DENIED) {
        a->close = 1;
        a->why = "access-denied";
    }
    (void)query_write_trailer(&sink, &a->qenv, &e);
    if (!a->close && a->r->persistent)
        (void)query_write_header(&sink, &a->qenv, &e);
    err_free(&e);
    a->done = 1;
}

/* End the engine's part: result, ACL, cursor and snapshot. */
static void end_cursor(ans_t *a, query_result_t *res)
{
    charge(a);
    query_cursor_result(a->cur, res);
    query_cursor_free(a->cur);
    a->cur = NULL;
    store_read_end(a->txn);
    a->txn = NULL;
}

static int ans_step(void *self, size_t budget, whoisd_sink_fn fn, void *arg,
                    err_t *err)
{
    ans_t *a = self;
    out_t o = { fn, arg, 0 };
    query_sink_t sink = { out_write, &o };
    int rc, more;

    if (a->text.len > 0) {
        rc = out_write(&o, a->text.s, a->text.len, err);
        buf_reset(&a->text);
        if (rc)
            return rc;
    }
    while (a->cur != NULL && o.n < budget) {
        rc = query_step(a->cur, &sink, 4, &more, err);
        charge(a);
        if (rc)
            return rc;
        if (!more) {
            query_result_t res;
            end_cursor(a, &res);
            end_answer(a, &res);
        }
    }
    if (a->cur != NULL)
        return 1;
    if (!a->done)
        end_answer(a, NULL);
    if (a->text.len > 0) {
        rc = out_write(&o, a->text.s, a->text.len, err);
        buf_reset(&a->text);
        if (rc)
            return rc;
    }
    return 0;
}

static int ans_close(const void *self)
{
    const ans_t *a = self;
    return a->close || !a->r->persistent;
}

static const char *ans_why(const void *self)
{
    return ((const ans_t *)self)->why;
}

static void ans_free(void *self)
{
    ans_t *a = self;
    if (a->cur != NULL) {
        query_result_t res;
        end_cursor(a, &res);
    }
    store_read_end(a->txn);
    query_free(&a->q);
    buf_free(&a->text);
    free(a);
}

int whoisd_ripe_query(whoisd_ripe_t *r, const char *line,
                      whoisd_answer_t *out, err_t *err)
{
    const whoisd_ripe_env_t *env = r->env;
    ans_t *a = xcalloc(1, sizeof *a);
    query_sink_t sink;
    err_t e = ERR_INIT;
    int rc;

    (void)err;
    a->r = r;
    buf_init(&a->text);
    sink = query_sink_buf(&a->text);
    out->self = a;
    out->step = ans_step;
    out->close = ans_close;
    out->why = ans_why;
    out->free = ans_free;

    a->qenv.source = env->source;
    a->qenv.sources = env->sources;
    a->qenv.max_objects = env->max_objects;
    a->qenv.personal_limit = env->acl != NULL ?
        whoisd_acl_remaining(env->acl, r->client, time(NULL)) : -1;
    a->qenv.client = r->client;
    a->qenv.name = env->banner.name;
    a->qenv.terms_url = env->banner.terms_url;
    a->qenv.version = env->banner.version;
    a->qenv.host = env->banner.host;

    query_init_style(&a->q, QUERY_STYLE_RIPE);
    (void)query_parse_line(&a->q, line, NULL, &e);    /* q.err_kind */
    err_free(&e);
    int bare_k = (a->q.flags & QUERY_PERSISTENT) && a->q.key == NULL &&
                 a->q.err_kind == QUERY_E_NONE &&
                 a->q.sysinfo == QUERY_SYS_NONE && a->q.template_kind == 0;
    if (bare_k && r->persistent) {
        a->close = a->done = 1;     /* closes, no further output */
        return 0;
    }
    if (a->q.flags & QUERY_PERSISTENT)
        r->persistent = 1;
    if (!r->header_sent) {
        (void)query_write_header(&sink, &a->qenv, &e);
        r->header_sent = 1;
    }
    if (a->q.err_kind == QUERY_E_NONE && a->q.client != NULL &&
        strchr(a->q.client, ',') != NULL) {
        /* -V TAG,ADDRESS: no client is trusted to proxy */
        (void)query_write_message(&sink, QUERY_E_NOT_PROXY, NULL, NULL, &e);
        end_answer(a, NULL);
        err_free(&e);
        return 0;
    }
    rc = store_read_begin(env->st, &a->txn, &e);
    if (rc == 0)
        rc = query_start(&a->q, a->txn, &a->qenv, &a->cur, &e);
    if (rc) {
        err_t e2 = ERR_INIT;
        msg_warn("client %s: %s", r->client, err_text(&e));
        store_read_end(a->txn);
        a->txn = NULL;
        (void)query_write_message(&sink, QUERY_E_INTERNAL, env->contact,
                                  NULL, &e2);
        err_free(&e2);
        a->close = 1;
        end_answer(a, NULL);
        err_free(&e);
        return 0;
    }
    err_free(&e);
    return 0;
}
