/*
 * irr.c - IRRd's "!" query commands (see irr.h).
 *
 * A command is parsed, then looked up in one read transaction.  Lists
 * (ASNs, prefixes, set members) are collected into arrays, sorted and
 * made unique, and framed at once; object answers keep only the keys of
 * the objects found and the total length of their text, and irr_step()
 * fetches and prints the objects again, one after the other, from the
 * same snapshot.
 *
 * Set expansion follows IRRd 4's query resolver: the
 * first set found decides whether the expansion is of an as-set (then
 * only as-sets are looked up further, members are ASNs) or of a
 * route-set (route-sets and as-sets are looked up, prefixes are kept as
 * written, ASNs bring the prefixes of their route and route6 objects);
 * names already queued are skipped, so loops end; names that are not
 * found are dropped.  A set's members are its members: and mp-members:
 * items plus, when it has mbrs-by-ref:, the aut-num (as-set) or route
 * and route6 (route-set) objects whose member-of: names it and whose
 * mnt-by: is one of those maintainers (or any, for ANY).
 *
 * Sources, as IRRd: a command works on the session's selected sources
 * (irr_session_sources(), "!s"), those the store holds at the time of
 * the command, in order (the own source when none of them is).  A set,
 * and "!m"'s object, is the first found in that order; everything else
 * (routes of an origin, "!o", "!r") is collected from every selected
 * source; the objects naming a set in member-of: only from the set's own
 * source (its mbrs-by-ref: names that source's maintainers).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "util/strset.h"
#include "util/strv.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "registry/irr.h"
#include "registry/query.h"
#include "store/journal.h"

struct irr_session {
    store_t *st;
    char *source;
    strv_t sel;             /* the selected sources (empty: the own) */
    char *version;
    irr_limits_t lim;
    int persistent;
    long timeout;
};

/* struct objref.cls of an object of a class the schema does not know (a
 * mirrored registry's own, store_other_get()); its pkey "CLASS:KEY". */
#define CLS_OTHER (-2)

/* An object of an object answer, fetched again by irr_step(). */
struct objref {
    int cls;
    unsigned src;           /* an index of irr_answer.srcs */
    char *pkey;
};

struct irr_answer {
    buf_t head;             /* bytes before the objects (or all of it) */
    size_t head_off;        /* of head, bytes produced */
    store_txn_t *txn;       /* the snapshot of an object answer */
    strv_t srcs;            /* the sources of the objects */
    const char *own;        /* the own source's name (the session's) */
    struct objref *objs;
    size_t nobj, next;
    int tail_done;          /* "C\n" produced */
    int close;
    int limited;
    buf_t tmp;
};

/* One prefix of a list answer. */
typedef struct pfx {
    uint8_t af;
    uint8_t plen;
    uint8_t a[16];
} pfx_t;

typedef struct pfxv {
    pfx_t *v;
    size_t n, cap;
} pfxv_t;

typedef struct u32v {
    uint32_t *v;
    size_t n, cap;
} u32v_t;

/* The running state of one command. */
typedef struct ctx {
    irr_session_t *s;
    store_txn_t *txn;
    strv_t srcs;            /* the sources of this command, in order */
    unsigned cur;           /* the one selected on txn */
    struct timespec t0;
    unsigned ticks;
    int over;               /* a limit was hit */
    const char *over_what;
    unsigned long items;
    /* collected results */
    pfxv_t pfx;
    u32v_t asn;
    strv_t names;
    strset_t seen;          /* "!r,o": origins listed */
    int want_af;            /* 0, 4 or 6 for routes of an origin */
    /* object answers */
    irr_answer_t *ans;
    size_t total;           /* bytes of the objects' text */
    int status;
    err_t *err;
} ctx_t;

static char *upper_dup(const char *s, size_t n);

/* -------------------------------------------------------------- session */

irr_session_t *irr_session_new(store_t *st, const char *source,
                               const char *version, const irr_limits_t *lim)
{
    irr_session_t *s = xcalloc(1, sizeof *s);
    s->st = st;
    s->source = xstrdup(source);
    s->version = xstrdup(version);
    if (lim)
        s->lim = *lim;
    return s;
}

void irr_session_sources(irr_session_t *s, const strv_t *list)
{
    strv_free(&s->sel);
    strv_init(&s->sel);
    for (size_t i = 0; list != NULL && i < list->n; i++) {
        char *u = upper_dup(list->v[i], strlen(list->v[i]));
        if (strv_find(&s->sel, u) < 0)
            strv_add(&s->sel, u);
        free(u);
    }
}

void irr_session_free(irr_session_t *s)
{
    if (s == NULL)
        return;
    strv_free(&s->sel);
    free(s->source);
    free(s->version);
    free(s);
}

int irr_session_persistent(const irr_session_t *s)
{
    return s->persistent;
}

void irr_session_set_persistent(irr_session_t *s)
{
    s->persistent = 1;
}

long irr_session_timeout(const irr_session_t *s)
{
    return s->timeout;
}

const char *irr_command(const char *line)
{
    if (line[0] == '!')
        return line;
    /* "-V <agent> !<cmd>" */
    if (line[0] == '-' && line[1] == 'V' && line[2] == ' ') {
        const char *p = line + 3;
        p += strcspn(p, " ");
        while (*p == ' ')
            p++;
        if (*p == '!')
            return p;
    }
    return NULL;
}

int irr_command_snapshot(const char *cmd)
{
    if (cmd[0] == '!')
        cmd++;
    if (cmd[0] == 'm' || cmd[0] == 'o')
        return 1;
    if (cmd[0] != 'r')
        return 0;
    const char *comma = strchr(cmd, ',');
    return comma == NULL || strcmp(comma, ",o") != 0;
}

/* -------------------------------------------------------------- helpers */

static void u32v_add(u32v_t *v, uint32_t x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = x;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void pfxv_add(pfxv_t *v, const pfx_t *p)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = *p;
}

static int pfx_cmp(const void *a, const void *b)
{
    const pfx_t *x = a, *y = b;
    if (x->af != y->af)
        return x->af < y->af ? -1 : 1;
    int c = memcmp(x->a, y->a, 16);
    if (c)
        return c;
    return x->plen < y->plen ? -1 : x->plen > y->plen;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *upper_dup(const char *s, size_t n)
{
    char *u = xstrndup(s, n);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

/*
 * Parse an AS number "AS<n>" (any case) or asdot "AS<hi>.<lo>".
 * @return 0 and *asn; -1 with IRRd's message in @msg (when not NULL).
 */
static int parse_asn(const char *s, size_t n, uint32_t *asn, buf_t *msg)
{
    char *u = upper_dup(s, n);
    int rc = -1;
    if (strncmp(u, "AS", 2) != 0) {
        if (msg)
            buf_printf(msg, "Invalid AS number %s: must start with \"AS\"", u);
        goto leave;
    }
    const char *d = u + 2;
    const char *dot = strchr(d, '.');
    unsigned long long v = 0;
    if (dot) {
        unsigned long long hi = 0, lo = 0;
        const char *p = d;
        if (p == dot)
            goto asdot_bad;
        for (; p < dot; p++) {
            if (!isdigit((unsigned char)*p) || hi > 65535)
                goto asdot_bad;
            hi = hi * 10 + (unsigned)(*p - '0');
        }
        if (dot[1] == 0)
            goto asdot_bad;
        for (p = dot + 1; *p; p++) {
            if (!isdigit((unsigned char)*p) || lo > 65535)
                goto asdot_bad;
            lo = lo * 10 + (unsigned)(*p - '0');
        }
        if (hi > 65535 || lo > 65535)
            goto asdot_bad;
        v = hi * 65536 + lo;
    } else {
        if (*d == 0 || strlen(d) > 10)
            goto not_numeric;
        for (const char *p = d; *p; p++) {
            if (!isdigit((unsigned char)*p))
                goto not_numeric;
            v = v * 10 + (unsigned)(*p - '0');
        }
        if (v > 4294967295ULL) {
            if (msg)
                buf_printf(msg, "Invalid AS number %s: valid range is 0-4294967295", u);
            goto leave;
        }
    }
    *asn = (uint32_t)v;
    rc = 0;
    goto leave;
asdot_bad:
    if (msg)
        buf_printf(msg, "Invalid AS number %s: number is not valid asdot format", u);
    goto leave;
not_numeric:
    if (msg)
        buf_printf(msg, "Invalid AS number %s: number part is not numeric", u);
leave:
    free(u);
    return rc;
}

/* Whether @s (@n bytes) is a prefix, possibly with a range operator. */
static int is_prefix_item(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] != '^')
        k++;
    ip_range_t r;
    if (memchr(s, '/', k) == NULL)
        return 0;
    return ip_parse_prefix(s, k, 0, 0, &r, NULL) == 0;
}

static double elapsed(const ctx_t *c)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - c->t0.tv_sec) +
           (double)(t.tv_nsec - c->t0.tv_nsec) / 1e9;
}

/* Count one result item or store hit; 1 if a limit is now exceeded. */
static int tick(ctx_t *c, int item)
{
    if (c->over)
        return 1;
    if (item && c->s->lim.max_items && ++c->items > c->s->lim.max_items) {
        c->over = 1;
        c->over_what = "objects";
        return 1;
    }
    if ((++c->ticks & 255) == 0 && c->s->lim.max_seconds > 0 &&
        elapsed(c) > c->s->lim.max_seconds) {
        c->over = 1;
        c->over_what = "time";
        return 1;
    }
    return 0;
}

/* A store status: 0 for success and not-found, else the failure. */
static int store_rc(ctx_t *c, int rc, err_t *e)
{
    if (rc == 0 || rc == ERR_NOTFOUND)
        return 0;
    if (c->over)
        return 0;       /* our callback stopped the walk */
    if (c->status)
        return c->status;
    err_set(c->err, rc, "%s", err_text(e));
    return rc;
}

/* ------------------------------------------------------------- sources */

/* Every source the store holds into @all: the own first (upper case),
 * then the mirrored ones (query_sources_all()).  @return 0 or the
 * store's status. */
static int all_sources(const irr_session_t *s, store_txn_t *txn, strv_t *all,
                       err_t *err)
{
    return query_sources_all(txn, s->source, all, err);
}

/* The index in @all of the source @name (@n bytes, any case), or -1. */
static long find_source(const strv_t *all, const char *name, size_t n)
{
    for (size_t k = 0; k < all->n; k++)
        if (strlen(all->v[k]) == n && strncasecmp(all->v[k], name, n) == 0)
            return (long)k;
    return -1;
}

/* c->srcs: the session's selected sources the store holds, in order;
 * the own source if none is.  @return 0 or the store's status. */
static int command_sources(ctx_t *c)
{
    strv_t all;
    strv_init(&all);
    int rc = all_sources(c->s, c->txn, &all, c->err);
    for (size_t i = 0; rc == 0 && i < c->s->sel.n; i++) {
        long k = find_source(&all, c->s->sel.v[i], strlen(c->s->sel.v[i]));
        if (k >= 0 && strv_find(&c->srcs, all.v[k]) < 0)
            strv_add(&c->srcs, all.v[k]);
    }
    if (rc == 0 && c->srcs.n == 0)
        strv_add(&c->srcs, all.v[0]);
    strv_free(&all);
    return rc;
}

/* Select source @name on @txn: the own (@own, any case) or a mirrored
 * one.  @return 0 or the store's status. */
static int select_source(store_txn_t *txn, const char *own, const char *name,
                         err_t *err)
{
    return store_txn_source(txn, strcasecmp(name, own) == 0 ? NULL : name, err);
}

/* Select c->srcs[@i] on the command's snapshot.  @return 0 or the
 * store's status (in c->err). */
static int use_src(ctx_t *c, unsigned i)
{
    err_t e = ERR_INIT;
    int rc = select_source(c->txn, c->s->source, c->srcs.v[i], &e);
    if (rc)
        err_set(c->err, rc, "%s", err_text(&e));
    err_free(&e);
    c->cur = i;
    return rc;
}

/* store_inverse() of (@aid, @value) in every source of the command, in
 * order, until a limit.  @return 0 or the store's status. */
static int inverse_all(ctx_t *c, int aid, const char *value, store_hit_fn fn,
                       void *arg)
{
    int rc = 0;
    for (unsigned i = 0; i < c->srcs.n && rc == 0 && !c->over; i++) {
        err_t e = ERR_INIT;
        rc = use_src(c, i);
        if (rc == 0) {
            rc = store_inverse(c->txn, aid, value, fn, arg, &e);
            rc = store_rc(c, rc, &e);
        }
        err_free(&e);
    }
    return rc;
}

/* ------------------------------------------------------ answer framing */

static irr_answer_t *answer_new(void)
{
    irr_answer_t *a = xcalloc(1, sizeof *a);
    buf_init(&a->head);
    buf_init(&a->tmp);
    a->tail_done = 1;
    return a;
}

/* A list or text answer: "A<n>\n...\nC\n", or "D\n" when empty. */
static void answer_data(irr_answer_t *a, const buf_t *payload, int empty_is_d)
{
    if (payload->len == 0) {
        buf_puts(&a->head, empty_is_d ? "D\n" : "C\n");
        return;
    }
    buf_printf(&a->head, "A%zu\n", payload->len + 1);
    buf_put(&a->head, payload->s, payload->len);
    buf_puts(&a->head, "\nC\n");
}

static void answer_fail(irr_answer_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void answer_fail(irr_answer_t *a, const char *fmt, ...)
{
    va_list ap;
    buf_reset(&a->head);
    buf_puts(&a->head, "F ");
    va_start(ap, fmt);
    buf_vprintf(&a->head, fmt, ap);
    va_end(ap);
    /* one line: a parameter from the client must not make two */
    for (size_t i = 2; i < a->head.len; i++)
        if (a->head.s[i] == '\n' || a->head.s[i] == '\r')
            a->head.s[i] = ' ';
    buf_putc(&a->head, '\n');
}

static void answer_limit(irr_answer_t *a, const ctx_t *c)
{
    /* the objects collected before the limit go with the answer: none of
     * them is read again (irr_step() would, after the snapshot ended) */
    for (size_t i = 0; i < a->nobj; i++)
        free(a->objs[i].pkey);
    free(a->objs);
    a->objs = NULL;
    a->nobj = 0;
    a->next = 0;
    a->tail_done = 1;
    if (strcmp(c->over_what, "time") == 0)
        answer_fail(a, "Query exceeded the time limit of %g seconds",
                    c->s->lim.max_seconds);
    else
        answer_fail(a, "Query exceeded the limit of %lu objects or items",
                    c->s->lim.max_items);
    a->limited = 1;
    a->close = 1;
}

/* ----------------------------------------------------- routes of an AS */

static int on_route(int cls, const char *pkey, const char *text, size_t len,
                    void *arg)
{
    ctx_t *c = arg;
    (void)text;
    (void)len;
    if (cls != SC_ROUTE && cls != SC_ROUTE6)
        return 0;
    if ((c->want_af == 4 && cls != SC_ROUTE) ||
        (c->want_af == 6 && cls != SC_ROUTE6))
        return 0;
    /* the key is the prefix followed by the origin ("192.0.2.0/24AS1") */
    const char *as = NULL;
    for (const char *p = pkey; (p = strstr(p, "AS")) != NULL; p++)
        as = p;
    if (as == NULL)
        return 0;
    ip_range_t r;
    int plen;
    if (ip_parse_prefix(pkey, (size_t)(as - pkey), 0, 0, &r, &plen) != 0)
        return 0;
    pfx_t x;
    memset(&x, 0, sizeof x);
    x.af = (uint8_t)r.af;
    x.plen = (uint8_t)plen;
    memcpy(x.a, r.lo, 16);
    pfxv_add(&c->pfx, &x);
    return tick(c, 1);
}

/* Collect the prefixes of the route(6) objects of origin @asn, from
 * every source. */
static int routes_of(ctx_t *c, uint32_t asn, int af)
{
    char key[16];
    snprintf(key, sizeof key, "AS%u", (unsigned)asn);
    c->want_af = af;
    return inverse_all(c, SA_ORIGIN, key, on_route, c);
}

/* Sort and unique the prefixes, append them to @out as a list. */
static void pfx_list(pfxv_t *v, buf_t *out)
{
    if (v->n > 1)
        qsort(v->v, v->n, sizeof *v->v, pfx_cmp);
    for (size_t i = 0; i < v->n; i++) {
        if (i > 0 && pfx_cmp(&v->v[i - 1], &v->v[i]) == 0)
            continue;
        if (out->len)
            buf_putc(out, ' ');
        ip_format_addr(v->v[i].af, v->v[i].a, out);
        buf_printf(out, "/%u", v->v[i].plen);
    }
}

/* Append the prefixes as strings to @names (for route-set expansion). */
static void pfx_names(pfxv_t *v, strv_t *names)
{
    buf_t b;
    buf_init(&b);
    for (size_t i = 0; i < v->n; i++) {
        buf_reset(&b);
        ip_format_addr(v->v[i].af, v->v[i].a, &b);
        buf_printf(&b, "/%u", v->v[i].plen);
        strv_add(names, b.s);
    }
    v->n = 0;
    buf_free(&b);
}

/* Sort @names by bytes, drop repeats, append them to @out as a list. */
static void name_list(strv_t *names, buf_t *out)
{
    if (names->n > 1)
        qsort(names->v, names->n, sizeof *names->v, str_cmp);
    for (size_t i = 0; i < names->n; i++) {
        if (i > 0 && strcmp(names->v[i - 1], names->v[i]) == 0)
            continue;
        if (out->len)
            buf_putc(out, ' ');
        buf_puts(out, names->v[i]);
    }
}

/* ------------------------------------------------------ set members */

static int set_members_in(ctx_t *c, const char *name, int as_set, int route_set,
                          strv_t *out, int *rc);

/* What the members of one set are collected into. */
typedef struct members {
    ctx_t *c;
    strv_t *out;
    strv_t mbrs;            /* the set's mbrs-by-ref: maintainers */
    int set_cls;
    int any;
} members_t;

static int add_member(const char *item, size_t len, void *arg)
{
    members_t *m = arg;
    if (is_prefix_item(item, len))
        strv_addn(m->out, item, len);
    else {
        char *u = upper_dup(item, len);
        strv_add(m->out, u);
        free(u);
    }
    return tick(m->c, 0);
}

/* An object naming the set in member-of: is a member if its mnt-by is
 * one of the set's mbrs-by-ref (or they say ANY). */
static int on_member_of(int cls, const char *pkey, const char *text,
                        size_t len, void *arg)
{
    members_t *m = arg;
    if (m->set_cls == SC_AS_SET ? cls != SC_AUT_NUM
                                : cls != SC_ROUTE && cls != SC_ROUTE6)
        return 0;
    if (!m->any) {
        rpsl_obj_t *o = NULL;
        int ok = 0;
        if (rpsl_parse(text, len, 1, 0, &o, NULL) == 0 && o) {
            strv_t mnt;
            strv_init(&mnt);
            (void)schema_classify(o, NULL);
            schema_obj_values(o, SA_MNT_BY, &mnt);
            for (size_t i = 0; i < mnt.n && !ok; i++)
                ok = strv_find(&m->mbrs, mnt.v[i]) >= 0;
            strv_free(&mnt);
        }
        rpsl_obj_free(o);
        if (!ok)
            return tick(m->c, 0);
    }
    if (cls == SC_AUT_NUM) {
        strv_add(m->out, pkey);
        return tick(m->c, 0);
    }
    const char *as = NULL;
    for (const char *p = pkey; (p = strstr(p, "AS")) != NULL; p++)
        as = p;
    if (as) {
        ip_range_t r;
        if (ip_parse_prefix(pkey, (size_t)(as - pkey), 0, 0, &r, NULL) == 0) {
            buf_t b;
            buf_init(&b);
            ip_format_prefix(&r, &b);
            strv_add(m->out, b.s);
            buf_free(&b);
        }
    }
    return tick(m->c, 0);
}

/*
 * The direct members of set @name, looked up among the classes @as_set
 * and/or @route_set, appended to @out: the set is the first found in the
 * sources' order, the objects naming it in member-of: come from that
 * source.
 * @return the class found, -1 if none; *rc the store status.
 */
static int set_members(ctx_t *c, const char *name, int as_set, int route_set,
                       strv_t *out, int *rc)
{
    *rc = 0;
    for (unsigned i = 0; i < c->srcs.n; i++) {
        if ((*rc = use_src(c, i)) != 0)
            return -1;
        int cls = set_members_in(c, name, as_set, route_set, out, rc);
        if (cls >= 0 || *rc)
            return cls;
    }
    return -1;
}

/* set_members() in the source selected (c->cur). */
static int set_members_in(ctx_t *c, const char *name, int as_set, int route_set,
                          strv_t *out, int *rc)
{
    static const int order[] = { SC_ROUTE_SET, SC_AS_SET };
    *rc = 0;
    for (size_t k = 0; k < 2; k++) {
        int cls = order[k];
        if ((cls == SC_AS_SET && !as_set) || (cls == SC_ROUTE_SET && !route_set))
            continue;
        rpsl_obj_t *o = NULL;
        err_t e = ERR_INIT;
        int r = store_obj_load(c->txn, cls, name, &o, &e);
        if (r == ERR_NOTFOUND) {
            err_free(&e);
            continue;
        }
        if (r) {
            *rc = store_rc(c, r, &e);
            err_free(&e);
            return -1;
        }
        err_free(&e);
        members_t m;
        memset(&m, 0, sizeof m);
        m.c = c;
        m.out = out;
        m.set_cls = cls;
        strv_init(&m.mbrs);
        for (size_t i = 0; i < o->nattrs && !c->over; i++)
            if (o->attrs[i].aid == SA_MEMBERS || o->attrs[i].aid == SA_MP_MEMBERS)
                rpsl_list_each(o->attrs[i].value, add_member, &m);
        schema_obj_values(o, SA_MBRS_BY_REF, &m.mbrs);
        m.any = strv_find(&m.mbrs, "ANY") >= 0;
        if (m.mbrs.n > 0 && !c->over) {
            /* the set's own source only: mbrs-by-ref: names that
             * source's maintainers, and in a mirrored source a mnt-by:
             * of the same name is anybody's (the set's source is still
             * selected: store_obj_load() above) */
            *rc = store_inverse(c->txn, SA_MEMBER_OF, name, on_member_of, &m, &e);
            *rc = store_rc(c, *rc, &e);
            err_free(&e);
        }
        strv_free(&m.mbrs);
        rpsl_obj_free(o);
        return cls;
    }
    return -1;
}

/*
 * Expand set @name recursively.  As-sets: the ASNs into c->asn.  Route-
 * sets: prefixes as written into c->names, the prefixes of member ASNs'
 * routes into c->pfx.  @as_only: look up as-sets only (!a).
 * @return the store status.
 */
static int expand(ctx_t *c, const char *name, int as_only, int *root_cls)
{
    strset_t seen;          /* every set name queued, so each once */
    strv_t level, next, mem;
    int rc = 0;
    int root = as_only ? SC_AS_SET : -1;

    strset_init(&seen);
    strv_init(&level);
    strv_init(&next);
    strv_init(&mem);
    char *u = upper_dup(name, strlen(name));
    strv_add(&level, u);
    strset_add(&seen, u);
    free(u);
    while (level.n > 0 && rc == 0 && !c->over) {
        for (size_t i = 0; i < level.n && rc == 0 && !c->over; i++) {
            strv_free(&mem);
            int cls = set_members(c, level.v[i], 1, root != SC_AS_SET, &mem, &rc);
            if (cls < 0)
                continue;
            if (root < 0)
                root = cls;
            for (size_t j = 0; j < mem.n && rc == 0 && !c->over; j++) {
                const char *it = mem.v[j];
                uint32_t asn;
                if (root != SC_AS_SET && is_prefix_item(it, strlen(it))) {
                    strv_add(&c->names, it);
                    tick(c, 1);
                } else if (parse_asn(it, strlen(it), &asn, NULL) == 0) {
                    if (root == SC_ROUTE_SET)
                        rc = routes_of(c, asn, 0);
                    else {
                        u32v_add(&c->asn, asn);
                        tick(c, 1);
                    }
                } else if (!is_prefix_item(it, strlen(it)) && strset_add(&seen, it))
                    /* queued once, however many sets name it: a million
                     * references to a thousand sets hold a thousand */
                    strv_add(&next, it);
            }
        }
        strv_free(&level);
        level = next;
        strv_init(&next);
    }
    strv_free(&level);
    strv_free(&next);
    strv_free(&mem);
    strset_free(&seen);
    if (root_cls)
        *root_cls = root;
    return rc;
}

/* The unique sorted ASNs of c->asn. */
static void asn_unique(ctx_t *c)
{
    if (c->asn.n > 1)
        qsort(c->asn.v, c->asn.n, sizeof *c->asn.v, u32_cmp);
    size_t k = 0;
    for (size_t i = 0; i < c->asn.n; i++)
        if (k == 0 || c->asn.v[k - 1] != c->asn.v[i])
            c->asn.v[k++] = c->asn.v[i];
    c->asn.n = k;
}

/* ---------------------------------------------------------- commands */

static int cmd_origin(ctx_t *c, irr_answer_t *a, const char *p, int af)
{
    uint32_t asn;
    buf_t msg;
    buf_init(&msg);
    if (parse_asn(p, strlen(p), &asn, &msg) != 0) {
        answer_fail(a, "%s", msg.s);
        buf_free(&msg);
        return 0;
    }
    int rc = routes_of(c, asn, af);
    if (rc == 0 && c->over)
        answer_limit(a, c);
    else if (rc == 0) {
        pfx_list(&c->pfx, &msg);
        answer_data(a, &msg, 1);
    }
    buf_free(&msg);
    return rc;
}

static int cmd_as_set_routes(ctx_t *c, irr_answer_t *a, const char *p)
{
    int af = 0;
    if (*p == '4' || *p == '6')
        af = *p++ - '0';
    if (*p == 0) {
        answer_fail(a, "Missing required set name for A query");
        return 0;
    }
    int rc = expand(c, p, 1, NULL);
    if (rc)
        return rc;
    asn_unique(c);
    for (size_t i = 0; i < c->asn.n && rc == 0 && !c->over; i++)
        rc = routes_of(c, c->asn.v[i], af);
    if (rc)
        return rc;
    if (c->over) {
        answer_limit(a, c);
        return 0;
    }
    buf_t out;
    buf_init(&out);
    pfx_list(&c->pfx, &out);
    answer_data(a, &out, 1);
    buf_free(&out);
    return 0;
}

static int cmd_members(ctx_t *c, irr_answer_t *a, const char *p)
{
    size_t n = strlen(p);
    int recursive = n > 2 && strcmp(p + n - 2, ",1") == 0;
    char *name = upper_dup(p, recursive ? n - 2 : n);
    int rc = 0;
    buf_t out;
    buf_init(&out);
    if (recursive) {
        rc = expand(c, name, 0, NULL);
        if (rc == 0 && !c->over) {
            asn_unique(c);
            for (size_t i = 0; i < c->asn.n; i++) {
                char *t = xasprintf("AS%u", (unsigned)c->asn.v[i]);
                strv_add(&c->names, t);
                free(t);
            }
            pfx_names(&c->pfx, &c->names);
        }
    } else {
        (void)set_members(c, name, 1, 1, &c->names, &rc);
        /* canonical ASN spelling, so that AS065000 and AS65000 are one */
        for (size_t i = 0; i < c->names.n; i++) {
            uint32_t asn;
            if (parse_asn(c->names.v[i], strlen(c->names.v[i]), &asn, NULL) == 0) {
                free(c->names.v[i]);
                c->names.v[i] = xasprintf("AS%u", (unsigned)asn);
            }
        }
    }
    if (rc == 0 && c->over)
        answer_limit(a, c);
    else if (rc == 0) {
        /* the set itself is not its own member */
        for (size_t i = 0; i < c->names.n;) {
            if (strcasecmp(c->names.v[i], name) == 0) {
                free(c->names.v[i]);
                c->names.v[i] = c->names.v[--c->names.n];
            } else
                i++;
        }
        name_list(&c->names, &out);
        answer_data(a, &out, 1);
    }
    buf_free(&out);
    free(name);
    return rc;
}

/* Print a stored object as answers show it (auth: hashes filtered). */
static int format_obj(const char *text, size_t len, buf_t *out)
{
    rpsl_obj_t *o = NULL;
    if (rpsl_parse(text, len, 1, 0, &o, NULL) != 0 || o == NULL)
        return ERR_STORE;
    (void)schema_classify(o, NULL);
    rpsl_print(o, out, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
    rpsl_obj_free(o);
    return 0;
}

static int on_object(int cls, const char *pkey, const char *text, size_t len,
                     void *arg)
{
    ctx_t *c = arg;
    irr_answer_t *a = c->ans;
    if (tick(c, 1))
        return 1;
    buf_reset(&a->tmp);
    if (format_obj(text, len, &a->tmp) != 0) {
        c->status = err_set(c->err, ERR_STORE, "stored object %s %s is unreadable",
                            cls == CLS_OTHER ? "of another class" : schema_class_name(cls),
                            pkey);
        return 1;
    }
    if (a->nobj % 64 == 0)
        a->objs = xrealloc(a->objs, (a->nobj + 64) * sizeof *a->objs);
    a->objs[a->nobj].cls = cls;
    a->objs[a->nobj].src = c->cur;
    a->objs[a->nobj].pkey = xstrdup(pkey);
    a->nobj++;
    c->total += a->tmp.len;
    return 0;
}

/* Frame the objects collected: "A<n>\n" now, the rest in irr_step(). */
static void answer_objects(ctx_t *c, irr_answer_t *a)
{
    if (c->over) {
        answer_limit(a, c);
        return;
    }
    if (a->nobj == 0) {
        buf_puts(&a->head, "D\n");
        return;
    }
    /* IRRd: the texts, each followed by an empty line, outer line ends
     * stripped; n counts the payload and its line end */
    buf_printf(&a->head, "A%zu\n", c->total + a->nobj - 1);
    a->tail_done = 0;
}

/* Fetch the object of another class keyed "CLASS:KEY" (@pkey) into
 * @text.  @return as store_other_get(). */
static int other_get(store_txn_t *txn, const char *pkey, buf_t *text, err_t *err)
{
    const char *colon = strchr(pkey, ':');
    if (colon == NULL)
        return err_set(err, ERR_NOTFOUND, "no such object");
    char *cname = xstrndup(pkey, (size_t)(colon - pkey));
    int rc = store_other_get(txn, cname, colon + 1, text, err);
    free(cname);
    return rc;
}

/* "!mCLASS,KEY": the object, the first found in the sources' order, as
 * IRRd; CLASS may be one the schema does not know: a mirrored
 * registry's own class (store_other_get()), keyed "CLASS:KEY". */
static int cmd_exact(ctx_t *c, irr_answer_t *a, const char *p)
{
    const char *comma = strchr(p, ',');
    if (comma == NULL) {
        answer_fail(a, "Invalid argument for object lookup: %s", p);
        return 0;
    }
    char *cname = xstrndup(p, (size_t)(comma - p));
    int cls = schema_class_by_name(cname);
    buf_t key, text;
    buf_init(&key);
    buf_init(&text);
    if (cls < 0 && cname[0] != '\0' && strcspn(cname, ": \t") == strlen(cname) &&
        comma[1] != '\0') {
        cls = CLS_OTHER;
        for (const char *q = cname; *q; q++)
            buf_putc(&key, toupper((unsigned char)*q));
        buf_putc(&key, ':');
    }
    free(cname);
    if (cls < 0 && cls != CLS_OTHER) {     /* no class of ours */
        buf_puts(&a->head, "D\n");
        buf_free(&key);
        buf_free(&text);
        return 0;
    }
    for (const char *q = comma + 1; *q; q++)
        if (!((cls == SC_ROUTE || cls == SC_ROUTE6) && (*q == ' ' || *q == '-')))
            buf_putc(&key, toupper((unsigned char)*q));
    int rc = ERR_NOTFOUND;
    for (unsigned i = 0; i < c->srcs.n && rc == ERR_NOTFOUND; i++) {
        err_t e = ERR_INIT;
        rc = use_src(c, i);
        if (rc == 0) {
            rc = cls == CLS_OTHER ? other_get(c->txn, key.s, &text, &e)
                                  : store_obj_get(c->txn, cls, key.s, &text, &e);
            if (rc == 0)
                rc = on_object(cls, key.s, text.s, text.len, c) ? c->status : 0;
            else if (rc != ERR_NOTFOUND)
                rc = store_rc(c, rc, &e);
        }
        err_free(&e);
    }
    if (rc == ERR_NOTFOUND)
        rc = 0;
    buf_free(&key);
    buf_free(&text);
    if (rc == 0)
        answer_objects(c, a);
    return rc;
}

static int cmd_mntner(ctx_t *c, irr_answer_t *a, const char *p)
{
    int rc = inverse_all(c, SA_MNT_BY, p, on_object, c);
    if (rc == 0)
        answer_objects(c, a);
    return rc;
}

static int on_origin_only(int cls, const char *pkey, const char *text,
                          size_t len, void *arg)
{
    ctx_t *c = arg;
    (void)cls;
    (void)text;
    (void)len;
    const char *as = NULL;
    for (const char *p = pkey; (p = strstr(p, "AS")) != NULL; p++)
        as = p;
    if (as) {
        /* in key order per source; an origin once, in whichever sources */
        if (strset_add(&c->seen, as))
            strv_add(&c->names, as);
    }
    return tick(c, 1);
}

static int cmd_route(ctx_t *c, irr_answer_t *a, const char *p)
{
    const char *comma = strchr(p, ',');
    size_t plen = comma ? (size_t)(comma - p) : strlen(p);
    const char *opt = comma ? comma + 1 : NULL;
    ip_range_t r;
    int ok = 0;
    if (memchr(p, '/', plen))
        ok = ip_parse_prefix(p, plen, 0, 1, &r, NULL) == 0;
    else {
        memset(&r, 0, sizeof r);
        if (ip_parse_v4(p, plen, r.lo) == 0)
            r.af = 4, ok = 1;
        else if (ip_parse_v6(p, plen, r.lo) == 0)
            r.af = 6, ok = 1;
        memcpy(r.hi, r.lo, 16);
    }
    if (!ok) {
        answer_fail(a, "Invalid input for route search: %s", p);
        return 0;
    }
    enum store_rel rel;
    int origins = 0;
    if (opt == NULL)
        rel = STORE_EXACT;
    else if (strcmp(opt, "o") == 0)
        rel = STORE_EXACT, origins = 1;
    else if (strcmp(opt, "l") == 0)
        rel = STORE_LESS_ONE;
    else if (strcmp(opt, "L") == 0)
        rel = STORE_LESS_ALL;
    else if (strcmp(opt, "M") == 0)
        rel = STORE_MORE_ALL;
    else {
        answer_fail(a, "Invalid route search option: %s", opt);
        return 0;
    }
    int cls = r.af == 6 ? SC_ROUTE6 : SC_ROUTE;
    int rc = 0;
    for (unsigned i = 0; i < c->srcs.n && rc == 0 && !c->over; i++) {
        err_t e = ERR_INIT;
        rc = use_src(c, i);
        if (rc == 0) {
            rc = store_addr(c->txn, cls, &r, rel, origins ? on_origin_only : on_object,
                            c, &e);
            rc = store_rc(c, rc, &e);
        }
        err_free(&e);
    }
    if (rc)
        return rc;
    if (!origins) {
        answer_objects(c, a);
        return 0;
    }
    if (c->over) {
        answer_limit(a, c);
        return 0;
    }
    buf_t out;
    buf_init(&out);
    for (size_t i = 0; i < c->names.n; i++) {
        if (i)
            buf_putc(&out, ' ');
        buf_puts(&out, c->names.v[i]);
    }
    answer_data(a, &out, 1);
    buf_free(&out);
    return 0;
}

/* "!s-lc" lists the selected sources, "!sA,B" selects (each must be
 * the own source or a mirrored one), "!s-*" does nothing. */
static int cmd_sources(ctx_t *c, irr_answer_t *a, const char *p)
{
    if (strcmp(p, "-*") == 0) {
        buf_puts(&a->head, "C\n");
        return 0;
    }
    if (strcmp(p, "-lc") == 0) {
        buf_t t;
        buf_init(&t);
        for (size_t i = 0; i < c->srcs.n; i++) {
            if (i)
                buf_putc(&t, ',');
            buf_puts(&t, c->srcs.v[i]);
        }
        answer_data(a, &t, 0);
        buf_free(&t);
        return 0;
    }
    strv_t all, sel;
    strv_init(&all);
    strv_init(&sel);
    int rc = all_sources(c->s, c->txn, &all, c->err);
    for (const char *q = p; rc == 0;) {
        size_t n = strcspn(q, ",");
        long k = find_source(&all, q, n);
        if (k < 0) {
            answer_fail(a, "One or more selected sources are unavailable.");
            break;
        }
        if (strv_find(&sel, all.v[k]) < 0)
            strv_add(&sel, all.v[k]);
        if (q[n] == 0) {
            irr_session_sources(c->s, &sel);
            buf_puts(&a->head, "C\n");
            break;
        }
        q += n + 1;
    }
    strv_free(&all);
    strv_free(&sel);
    return rc;
}

/* The journal's serial range of the source selected on @c's snapshot,
 * as "!j" and "-q sources" give it: a mirrored source without journal
 * entries reports the serial its data is up to as S-S; 0 if none. */
static int serial_range(ctx_t *c, int mirrored, uint64_t *first, uint64_t *last)
{
    int rc = store_journal_range(c->txn, first, last, c->err);
    if (rc == 0 && mirrored && *last == 0) {
        uint64_t serial = 0;
        rc = store_source_serial_get(c->txn, &serial, c->err);
        *first = *last = serial;
    }
    return rc;
}

static int cmd_serials(ctx_t *c, irr_answer_t *a, const char *p)
{
    buf_t out;
    buf_init(&out);
    strv_t all, want;
    strv_init(&all);
    strv_init(&want);
    int rc = all_sources(c->s, c->txn, &all, c->err);
    /* the names asked for ("-*": every source), an unknown one as "" */
    for (const char *q = p; rc == 0;) {
        size_t n = strcspn(q, ",");
        if (n == 2 && strncmp(q, "-*", 2) == 0) {
            for (size_t k = 0; k < all.n; k++)
                strv_add(&want, all.v[k]);
        } else {
            char *u = upper_dup(q, n);
            strv_add(&want, u);
            free(u);
        }
        if (q[n] == 0)
            break;
        q += n + 1;
    }
    for (size_t i = 0; i < want.n && rc == 0; i++) {
        long k = find_source(&all, want.v[i], strlen(want.v[i]));
        if (out.len)
            buf_putc(&out, '\n');
        if (k < 0) {
            buf_printf(&out, "%s:X:Database unknown", want.v[i]);
            continue;
        }
        /* the own source as configured, a mirrored one as stored */
        const char *name = k == 0 ? c->s->source : all.v[k];
        uint64_t first = 0, last = 0;
        rc = select_source(c->txn, c->s->source, all.v[k], c->err);
        if (rc == 0)
            rc = serial_range(c, k > 0, &first, &last);
        if (last)
            buf_printf(&out, "%s:Y:%llu-%llu", name,
                       (unsigned long long)first, (unsigned long long)last);
        else
            buf_printf(&out, "%s:Y:-", name);
    }
    if (rc == 0)
        answer_data(a, &out, 0);
    buf_free(&out);
    strv_free(&all);
    strv_free(&want);
    return rc;
}

static int cmd_timeout(irr_session_t *s, irr_answer_t *a, const char *p)
{
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (end == p || *end || errno || v < 1 || v > 1000) {
        answer_fail(a, "Invalid value for timeout: %s", p);
        return 0;
    }
    s->timeout = v;
    buf_puts(&a->head, "C\n");
    return 0;
}

int irr_start(irr_session_t *s, const char *cmd, irr_answer_t **out,
              err_t *err)
{
    irr_answer_t *a = answer_new();
    ctx_t c;
    int rc = 0;

    *out = NULL;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.ans = a;
    c.err = err;
    strv_init(&c.names);
    strv_init(&c.srcs);
    strset_init(&c.seen);
    clock_gettime(CLOCK_MONOTONIC, &c.t0);

    if (cmd[0] == '!')
        cmd++;
    char letter = cmd[0];
    const char *p = letter ? cmd + 1 : cmd;

    if (letter == 0) {
        answer_fail(a, "Missing IRRD command");
        goto done;
    }
    if (letter == '!') {
        s->persistent = 1;
        goto done;
    }
    if (letter == 'q' || letter == 'Q') {
        a->close = 1;
        goto done_closed;
    }
    if (strchr("tg6ijmnors", letter) && *p == 0) {
        answer_fail(a, "Missing parameter for %c query", letter);
        goto done;
    }
    switch (letter) {
    case 'v': {
        buf_t t;
        buf_init(&t);
        buf_printf(&t, "autodbm -- version %s", s->version);
        answer_data(a, &t, 0);
        buf_free(&t);
        goto done;
    }
    case 'n':
        buf_puts(&a->head, "C\n");
        goto done;
    case 't':
        cmd_timeout(s, a, p);
        goto done;
    case 'a': case 'g': case '6': case 'i': case 'j': case 'm': case 'o':
    case 'r': case 's':
        break;
    default:
        answer_fail(a, "Unrecognised command: %c", letter);
        goto done;
    }
    if (letter == 'a' && (p[0] == 0 || ((p[0] == '4' || p[0] == '6') && p[1] == 0))) {
        answer_fail(a, "Missing required set name for A query");
        goto done;
    }

    rc = store_read_begin(s->st, &c.txn, err);
    if (rc == 0)
        rc = command_sources(&c);
    if (rc)
        goto fail;
    switch (letter) {
    case 's': rc = cmd_sources(&c, a, p); break;
    case 'g': rc = cmd_origin(&c, a, p, 4); break;
    case '6': rc = cmd_origin(&c, a, p, 6); break;
    case 'a': rc = cmd_as_set_routes(&c, a, p); break;
    case 'i': rc = cmd_members(&c, a, p); break;
    case 'j': rc = cmd_serials(&c, a, p); break;
    case 'm': rc = cmd_exact(&c, a, p); break;
    case 'o': rc = cmd_mntner(&c, a, p); break;
    case 'r': rc = cmd_route(&c, a, p); break;
    }
    if (rc)
        goto fail;
    if (!a->tail_done) {
        a->txn = c.txn;     /* irr_step() reads the objects again */
        a->srcs = c.srcs;
        strv_init(&c.srcs);
        a->own = s->source;
    } else {
        store_read_end(c.txn);
    }
    c.txn = NULL;
done:
    if (!s->persistent)
        a->close = 1;
done_closed:
    free(c.pfx.v);
    free(c.asn.v);
    strv_free(&c.names);
    strv_free(&c.srcs);
    strset_free(&c.seen);
    *out = a;
    return 0;
fail:
    store_read_end(c.txn);
    free(c.pfx.v);
    free(c.asn.v);
    strv_free(&c.names);
    strv_free(&c.srcs);
    strset_free(&c.seen);
    irr_answer_free(a);
    return rc;
}

int irr_step(irr_answer_t *a, size_t budget, irr_sink_fn fn, void *arg,
             err_t *err)
{
    size_t done = 0;
    if (a->head_off < a->head.len) {
        size_t n = a->head.len - a->head_off;
        if (fn(a->head.s + a->head_off, n, arg))
            return err_set(err, ERR_IO, "the answer could not be written");
        a->head_off += n;
        done += n;
    }
    if (a->next < a->nobj && a->txn == NULL) {
        a->close = 1;   /* objects to read but no snapshot: a bug, not a crash */
        return err_set(err, ERR_SOFTWARE, "objects to send without a snapshot");
    }
    while (a->next < a->nobj && done < budget) {
        struct objref *r = &a->objs[a->next];
        buf_t text;
        err_t e = ERR_INIT;
        buf_init(&text);
        buf_reset(&a->tmp);
        if (a->next > 0)
            buf_putc(&a->tmp, '\n');
        int rc = select_source(a->txn, a->own, a->srcs.v[r->src], &e);
        if (rc == 0 && r->cls == CLS_OTHER)
            rc = other_get(a->txn, r->pkey, &text, &e);
        else if (rc == 0)
            rc = store_obj_get(a->txn, r->cls, r->pkey, &text, &e);
        if (rc == 0)
            rc = format_obj(text.s, text.len, &a->tmp);
        buf_free(&text);
        if (rc) {
            err_set(err, ERR_STORE, "object %s %s could not be read again: %s",
                    r->cls == CLS_OTHER ? "of another class" : schema_class_name(r->cls),
                    r->pkey, err_text(&e));
            err_free(&e);
            a->close = 1;
            return ERR_STORE;
        }
        err_free(&e);
        if (fn(a->tmp.s, a->tmp.len, arg))
            return err_set(err, ERR_IO, "the answer could not be written");
        done += a->tmp.len;
        a->next++;
    }
    if (a->next < a->nobj)
        return 1;
    if (!a->tail_done) {
        if (fn("C\n", 2, arg))
            return err_set(err, ERR_IO, "the answer could not be written");
        a->tail_done = 1;
    }
    if (a->txn) {
        store_read_end(a->txn);
        a->txn = NULL;
    }
    return 0;
}

int irr_answer_close(const irr_answer_t *a)
{
    return a->close;
}

int irr_answer_limited(const irr_answer_t *a)
{
    return a->limited;
}

void irr_answer_free(irr_answer_t *a)
{
    if (a == NULL)
        return;
    store_read_end(a->txn);
    for (size_t i = 0; i < a->nobj; i++)
        free(a->objs[i].pkey);
    free(a->objs);
    strv_free(&a->srcs);
    buf_free(&a->head);
    buf_free(&a->tmp);
    free(a);
}
