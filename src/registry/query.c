/*
 * query.c - the query engine and its parser (see registry/query.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/query.h"
#include "rpsl/asn.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ipaddr.h"
#include "util/strset.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "rpsl/syntax.h"
#include "store/store.h"

/* ------------------------------------------------------------- parser */

/* The query's own flags, getopt-style. */
static const char query_flags[] = "rBGT:i:xlLmMs:a";

/* RIPE's long forms of those flags. */
static const struct {
    const char *name;
    char flag;
} long_flags[] = {
    { "no-referenced", 'r' }, { "no-filtering", 'B' },
    { "no-grouping", 'G' }, { "select-types", 'T' }, { "inverse", 'i' },
    { "exact", 'x' }, { "one-less", 'l' }, { "all-less", 'L' },
    { "one-more", 'm' }, { "all-more", 'M' }, { "sources", 's' },
    { "all-sources", 'a' }
};

void query_init(query_t *q)
{
    memset(q, 0, sizeof(*q));
    q->rel = STORE_BEST;
}

void query_free(query_t *q)
{
    free(q->sources);
    free(q->key);
    free(q->err_word);
    query_init(q);
}

/* Record a parse failure in @q and @err. @return ERR_USAGE. */
static int parse_fail(query_t *q, enum query_error kind, int flag,
                      const char *word, err_t *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int parse_fail(query_t *q, enum query_error kind, int flag,
                      const char *word, err_t *err, const char *fmt, ...)
{
    va_list ap;

    q->err_kind = kind;
    q->err_flag = (char) flag;
    free(q->err_word);
    q->err_word = word != NULL ? xstrdup(word) : NULL;
    va_start(ap, fmt);
    err_vset(err, ERR_USAGE, fmt, ap);
    va_end(ap);
    return ERR_USAGE;
}

/* -T: add the class @name to q->cls_mask. */
static int add_type(query_t *q, const char *name, err_t *err)
{
    int cls = schema_class_by_name(name);

    if (cls < 0)
        return parse_fail(q, QUERY_E_UNKNOWN_TYPE, 'T', name, err,
                          "unknown object type \"%s\"", name);
    q->cls_mask |= 1UL << cls;
    return 0;
}

/* -i: add the attribute @name to q->inv_aid (once). */
static int add_inverse(query_t *q, const char *name, err_t *err)
{
    int aid = schema_attr_by_name(name);

    if (aid < 0 && strlen(name) == 2) {
        /* whois users write short names without the '*' */
        char *star = xasprintf("*%s", name);
        aid = schema_attr_by_name(star);
        free(star);
    }
    if (aid < 0)
        return parse_fail(q, QUERY_E_UNKNOWN_ATTR, 'i', name, err,
                          "unknown attribute \"%s\"", name);
    for (size_t i = 0; i < q->ninv; i++)
        if (q->inv_aid[i] == aid)
            return 0;
    if (q->ninv < SA__COUNT)
        q->inv_aid[q->ninv++] = aid;
    return 0;
}

/* Apply @add to each name of the list @list (commas or spaces). */
static int each_name(query_t *q, const char *list,
                     int (*add)(query_t *, const char *, err_t *), err_t *err)
{
    char *copy = xstrdup(list);
    char *save = NULL;
    int rc = 0;

    for (char *t = strtok_r(copy, ", ", &save); t != NULL && rc == 0;
         t = strtok_r(NULL, ", ", &save))
        rc = add(q, t, err);
    free(copy);
    return rc;
}

/* Apply query flag @c (with @arg when it takes one) to @q. */
static int apply_flag(query_t *q, int c, const char *arg, err_t *err)
{
    enum store_rel rel;

    switch (c) {
    case 'r': q->flags |= QUERY_NO_REFS; return 0;
    case 'B': q->flags |= QUERY_UNFILTERED; return 0;
    case 'G': q->flags |= QUERY_NO_GROUPING; return 0;
    case 'a': q->flags |= QUERY_ALL_SOURCES; return 0;
    case 'T': return each_name(q, arg, add_type, err);
    case 'i': return each_name(q, arg, add_inverse, err);
    case 's':
        free(q->sources);
        q->sources = xstrdup(arg);
        return 0;
    case 'x': rel = STORE_EXACT; break;
    case 'l': rel = STORE_LESS_ONE; break;
    case 'L': rel = STORE_LESS_ALL; break;
    case 'm': rel = STORE_MORE_ONE; break;
    default:  rel = STORE_MORE_ALL; break;      /* 'M' */
    }
    if (q->rel_given && q->rel != rel)
        return parse_fail(q, QUERY_E_IP_FLAGS, c, NULL, err,
                          "only one of -x -l -L -m -M");
    q->rel = rel;
    q->rel_given = 1;
    return 0;
}

/*
 * Is @c a flag of @list (getopt-style)?  @return 0 if not, 1 if it is,
 * 2 if it takes an argument.
 */
static int flag_in(const char *list, int c)
{
    const char *p;

    if (list == NULL || c == ':' || (p = strchr(list, c)) == NULL)
        return 0;
    return p[1] == ':' ? 2 : 1;
}

int query_parse_argv(query_t *q, int argc, char *const argv[],
                     const query_extra_t *extra, err_t *err)
{
    unsigned char seen[128];
    buf_t key;
    int only_key = 0, rc = 0, stop = 0, nkey = 0;

    memset(seen, 0, sizeof(seen));
    q->err_kind = QUERY_E_NONE;
    q->err_flag = 0;
    q->err_noarg = 0;
    buf_init(&key);
    for (int i = 0; i < argc && rc == 0 && !stop; i++) {
        const char *w = argv[i];

        if (only_key || w[0] != '-' || w[1] == '\0') {
            if (nkey++ > 0)
                buf_putc(&key, ' ');
            buf_puts(&key, w);
            continue;
        }
        if (strcmp(w, "--") == 0) {
            only_key = 1;
            continue;
        }
        for (const char *p = w + 1; *p && rc == 0 && !stop; p++) {
            int c = (unsigned char) *p, mine = 1, kind;
            const char *arg = NULL;
            char *name = NULL;

            if (w[1] == '-') {
                /* --long[=value]: one of RIPE's long forms */
                size_t n = strcspn(w + 2, "=");
                c = 0;
                for (size_t k = 0; k < sizeof(long_flags) /
                     sizeof(long_flags[0]); k++)
                    if (strlen(long_flags[k].name) == n &&
                        strncmp(long_flags[k].name, w + 2, n) == 0)
                        c = long_flags[k].flag;
                if (c == 0) {
                    name = xstrndup(w, n + 2);
                    rc = parse_fail(q, QUERY_E_BAD_OPTION, 0, name, err,
                                    "unrecognized option '%s'", name);
                    free(name);
                    break;
                }
                if (w[2 + n] == '=')
                    arg = w + 3 + n;
                p += strlen(p) - 1;     /* the word is done */
            }
            kind = flag_in(query_flags, c);
            if (kind == 0 && extra != NULL) {
                kind = flag_in(extra->flags, c);
                mine = 0;
            }
            if (kind == 0) {
                rc = parse_fail(q, QUERY_E_BAD_OPTION, c, NULL, err,
                                "invalid option -- '%c'", c);
                break;
            }
            if (kind == 1 && arg != NULL) {
                rc = parse_fail(q, QUERY_E_BAD_OPTION, c, NULL, err,
                                "option '%.*s' doesn't allow an argument",
                                (int) strcspn(w, "="), w);
                break;
            }
            if (kind == 2 && arg == NULL) {
                if (w[1] != '-' && p[1] != '\0') {
                    arg = p + 1;
                } else if (i + 1 < argc) {
                    arg = argv[++i];
                } else {
                    q->err_noarg = 1;
                    rc = parse_fail(q, QUERY_E_BAD_OPTION, c, NULL, err,
                                    "option requires an argument -- '%c'",
                                    c);
                    break;
                }
                p += strlen(p) - 1;     /* the rest was the argument */
            }
            if (c < 128 && seen[c]++ && q->repeated == 0)
                q->repeated = (char) c;
            if (mine)
                rc = apply_flag(q, c, arg, err);
            else
                stop = extra->fn(c, arg, extra->ctx) != 0;
        }
    }
    if (rc == 0 && !stop) {
        free(q->key);
        q->key = NULL;
        if (nkey == 0)
            rc = parse_fail(q, QUERY_E_NO_KEY, 0, NULL, err,
                            "a query argument is required");
        else
            q->key = buf_steal(&key);
    }
    buf_free(&key);
    return rc;
}

int query_parse_line(query_t *q, const char *line, const query_extra_t *extra,
                     err_t *err)
{
    static const char blanks[] = " \t\r\n";
    char *copy = xstrdup(line), *save = NULL;
    char **words = NULL;
    size_t n = 0, cap = 0;
    int rc;

    for (char *w = strtok_r(copy, blanks, &save); w != NULL;
         w = strtok_r(NULL, blanks, &save)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            words = xrealloc(words, cap * sizeof(*words));
        }
        words[n++] = w;
    }
    rc = query_parse_argv(q, (int) n, words, extra, err);
    free(words);
    free(copy);
    return rc;
}

/* ------------------------------------------------------------- sinks */

static int buf_write(void *ctx, const char *s, size_t len, err_t *err)
{
    (void) err;
    buf_put(ctx, s, len);
    return 0;
}

query_sink_t query_sink_buf(buf_t *b)
{
    query_sink_t s = { buf_write, b };
    return s;
}

int query_write_error(const query_sink_t *sink, enum query_error kind,
                      err_t *err)
{
    const char *text;

    switch (kind) {
    case QUERY_E_NO_ENTRIES:
        text = "%ERROR:101: no entries found\n\n";
        break;
    case QUERY_E_UNKNOWN_SOURCE:
        text = "%ERROR:102: unknown source\n\n";
        break;
    default:
        return 0;
    }
    return sink->write(sink->ctx, text, strlen(text), err);
}

/* ------------------------------------------------------------- engine */

/* Running state of one query. */
typedef struct run {
    const query_t *q;
    store_txn_t *txn;
    const query_sink_t *sink;
    strset_t seen;          /* objects written */
    strset_t contact_seen;  /* nic-hdls queued */
    char **contacts;        /* nic-hdls to write, in order of appearance */
    size_t ncontacts, contacts_cap;
    size_t printed;
    buf_t out;
    int status;             /* first failure inside a callback */
    err_t err;
} run_t;

static const char *const contact_attrs[] = {
    "admin-c", "tech-c", "zone-c", "abuse-c"
};

/* Identity of an object for duplicate suppression: "cls:UPPERKEY". */
static void obj_identity(int cls, const char *key, buf_t *id)
{
    buf_reset(id);
    buf_printf(id, "%d:", cls);
    for (; *key; key++)
        buf_putc(id, toupper((unsigned char) *key));
}

static void queue_contact(run_t *r, const char *value)
{
    buf_t h;

    buf_init(&h);
    for (const char *p = value; *p; p++)
        buf_putc(&h, toupper((unsigned char) *p));
    /* a value never is empty, but a broken legacy object may say so */
    if (h.len > 0 && strset_add(&r->contact_seen, h.s)) {
        if (r->ncontacts == r->contacts_cap) {
            r->contacts_cap = r->contacts_cap ? r->contacts_cap * 2 : 16;
            r->contacts = xrealloc(r->contacts,
                                   r->contacts_cap * sizeof(*r->contacts));
        }
        r->contacts[r->ncontacts++] = buf_steal(&h);
    }
    buf_free(&h);
}

/*
 * Write one object unless written already; queue the contacts it names.
 * @return 0 or an ERR_* status (in r->err).
 */
static int emit(run_t *r, int cls, const char *pkey, const char *text,
                size_t len, int want_contacts)
{
    rpsl_obj_t *o = NULL;
    buf_t id;
    int new_obj, rc;

    if (rpsl_parse(text, len, 1, 0, &o, NULL) != 0 || o == NULL)
        return err_set(&r->err, ERR_STORE, "stored object %s %s is "
                       "unreadable", schema_class_name(cls), pkey);
    (void) schema_classify(o, NULL);

    buf_init(&id);
    {
        buf_t key;
        buf_init(&key);
        if (schema_pkey(o, &key) == 0 && key.len > 0)
            obj_identity(cls, key.s, &id);
        else
            obj_identity(cls, pkey, &id);
        buf_free(&key);
    }
    new_obj = strset_add(&r->seen, id.s);
    buf_free(&id);
    if (!new_obj) {
        rpsl_obj_free(o);
        return 0;
    }

    buf_reset(&r->out);
    if (r->q->flags & QUERY_UNFILTERED) {
        buf_put(&r->out, text, len);
        while (r->out.len > 0 && r->out.s[r->out.len - 1] == '\n')
            buf_truncate(&r->out, r->out.len - 1);
        buf_putc(&r->out, '\n');
    } else {
        rpsl_print(o, &r->out, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
    }
    buf_putc(&r->out, '\n');
    rc = r->sink->write(r->sink->ctx, r->out.s, r->out.len, &r->err);
    if (rc != 0) {
        rpsl_obj_free(o);
        return rc;
    }
    r->printed++;

    if (want_contacts && !(r->q->flags & QUERY_NO_REFS)) {
        for (size_t i = 0; i < o->nattrs; i++) {
            for (size_t k = 0; k < sizeof(contact_attrs) /
                 sizeof(contact_attrs[0]); k++) {
                if (strcmp(o->attrs[i].name, contact_attrs[k]) == 0) {
                    queue_contact(r, o->attrs[i].value);
                    break;
                }
            }
        }
    }
    rpsl_obj_free(o);
    return 0;
}

/* store_hit_fn for every look-up of the main answer. */
static int on_hit(int cls, const char *pkey, const char *text, size_t len,
                  void *arg)
{
    run_t *r = arg;
    int rc;

    if (r->q->cls_mask != 0 && !(r->q->cls_mask & (1UL << cls)))
        return 0;
    rc = emit(r, cls, pkey, text, len, 1);
    if (rc != 0) {
        r->status = rc;
        return 1;
    }
    return 0;
}

/* A status from a store call: 0 and ERR_NOTFOUND are fine. */
static int store_status(run_t *r, int rc, err_t *e)
{
    if (rc == 0 || rc == ERR_NOTFOUND)
        return 0;
    if (r->status != 0)
        return r->status;       /* our callback stopped the walk */
    err_set(&r->err, rc, "%s", err_text(e));
    return rc;
}

static int run_inverse(run_t *r)
{
    for (size_t i = 0; i < r->q->ninv; i++) {
        err_t e = ERR_INIT;
        int rc = store_inverse(r->txn, r->q->inv_aid[i], r->q->key, on_hit,
                               r, &e);
        rc = store_status(r, rc, &e);
        err_free(&e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Parse the key as an address, prefix or range; 0 if it is one. */
static int parse_address(const char *s, ip_range_t *rg)
{
    size_t n = strlen(s);

    if (n == 0)
        return -1;
    if (strchr(s, ':') != NULL) {
        if (ip_parse_prefix(s, n, 6, 0, rg, NULL) == 0)
            return 0;
        memset(rg, 0, sizeof(*rg));
        if (ip_parse_v6(s, n, rg->lo) == 0) {
            rg->af = 6;
            memcpy(rg->hi, rg->lo, sizeof(rg->hi));
            return 0;
        }
        return -1;
    }
    if (!isdigit((unsigned char) s[0]))
        return -1;
    if (ip_parse_v4_range(s, n, rg) == 0)
        return 0;
    if (ip_parse_prefix(s, n, 4, 0, rg, NULL) == 0)
        return 0;
    return -1;
}

static int run_address(run_t *r, const ip_range_t *rg)
{
    static const int v4[] = { SC_INETNUM, SC_ROUTE, SC_DOMAIN };
    static const int v6[] = { SC_INET6NUM, SC_ROUTE6, SC_DOMAIN };
    const int *cls = rg->af == 6 ? v6 : v4;

    for (size_t i = 0; i < 3; i++) {
        unsigned long bit = 1UL << cls[i];
        err_t e = ERR_INIT;
        int rc;

        if (r->q->cls_mask == 0 ? cls[i] == SC_DOMAIN
                                : !(r->q->cls_mask & bit))
            continue;
        rc = store_addr(r->txn, cls[i], rg, r->q->rel, on_hit, r, &e);
        rc = store_status(r, rc, &e);
        err_free(&e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Key look-up of the key in the classes of @mask (0: all). */
static int run_key(run_t *r, unsigned long mask)
{
    buf_t text;
    int rc = 0;

    buf_init(&text);
    for (int cls = 0; cls < SC__COUNT && rc == 0; cls++) {
        err_t e = ERR_INIT;

        if (mask != 0 && !(mask & (1UL << cls)))
            continue;
        buf_reset(&text);
        rc = store_obj_get(r->txn, cls, r->q->key, &text, &e);
        if (rc == 0)
            rc = emit(r, cls, r->q->key, text.s, text.len, 1);
        else
            rc = store_status(r, rc, &e);
        err_free(&e);
    }
    buf_free(&text);
    if (rc == 0) {
        err_t e = ERR_INIT;
        rc = store_lookup(r->txn, r->q->key, mask, on_hit, r, &e);
        rc = store_status(r, rc, &e);
        err_free(&e);
    }
    return rc;
}

/* Write the queued person/role objects not written yet. */
static int run_contacts(run_t *r)
{
    static const int cls[] = { SC_PERSON, SC_ROLE };
    buf_t text, id;
    int rc = 0;

    buf_init(&text);
    buf_init(&id);
    /* contacts are never filtered by -T; RIPE adds them regardless */
    for (size_t i = 0; i < r->ncontacts && rc == 0; i++) {
        for (size_t k = 0; k < 2 && rc == 0; k++) {
            err_t e = ERR_INIT;

            obj_identity(cls[k], r->contacts[i], &id);
            if (strset_has(&r->seen, id.s))
                break;
            buf_reset(&text);
            rc = store_obj_get(r->txn, cls[k], r->contacts[i], &text, &e);
            if (rc == 0) {
                rc = emit(r, cls[k], r->contacts[i], text.s, text.len, 0);
                err_free(&e);
                break;
            }
            rc = store_status(r, rc, &e);
            err_free(&e);
        }
    }
    buf_free(&id);
    buf_free(&text);
    return rc;
}

int query_source_ok(const query_t *q, const char *source)
{
    const char *p = q->sources;

    if (p == NULL || (q->flags & QUERY_ALL_SOURCES))
        return 1;
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;
        while (s < e && isspace((unsigned char) *s))
            s++;
        while (e > s && isspace((unsigned char) e[-1]))
            e--;
        if ((size_t) (e - s) == strlen(source) &&
            strncasecmp(s, source, (size_t) (e - s)) == 0)
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

int query_run(const query_t *q, store_txn_t *txn, const char *source,
              const query_sink_t *sink, query_result_t *res, err_t *err)
{
    run_t r;
    ip_range_t rg;
    int rc;

    res->objects = 0;
    res->kind = QUERY_E_NONE;
    if (!query_source_ok(q, source)) {
        res->kind = QUERY_E_UNKNOWN_SOURCE;
        return err_set(err, ERR_NOTFOUND, "unknown source");
    }
    if (q->key == NULL) {
        res->kind = QUERY_E_NO_KEY;
        return err_set(err, ERR_USAGE, "a query argument is required");
    }

    memset(&r, 0, sizeof(r));
    r.q = q;
    r.txn = txn;
    r.sink = sink;
    strset_init(&r.seen);
    strset_init(&r.contact_seen);
    buf_init(&r.out);
    err_init(&r.err);

    if (q->ninv > 0) {
        rc = run_inverse(&r);
    } else if (parse_address(q->key, &rg) == 0) {
        unsigned long addr_cls = rg.af == 6
            ? (1UL << SC_INET6NUM) | (1UL << SC_ROUTE6) | (1UL << SC_DOMAIN)
            : (1UL << SC_INETNUM) | (1UL << SC_ROUTE) | (1UL << SC_DOMAIN);
        if (q->cls_mask != 0 && !(q->cls_mask & addr_cls))
            rc = run_key(&r, q->cls_mask);
        else
            rc = run_address(&r, &rg);
    } else {
        uint32_t asn;
        unsigned long mask = q->cls_mask;
        if (mask == 0 && asn_parse(q->key, strlen(q->key), &asn) == 0)
            mask = 1UL << SC_AUT_NUM;
        rc = run_key(&r, mask);
    }
    if (rc == 0)
        rc = run_contacts(&r);
    if (rc != 0)
        err_set(err, rc, "%s", err_text(&r.err));
    else if (r.printed == 0) {
        res->kind = QUERY_E_NO_ENTRIES;
        rc = err_set(err, ERR_NOTFOUND, "no entries found");
    }
    res->objects = r.printed;

    for (size_t i = 0; i < r.ncontacts; i++)
        free(r.contacts[i]);
    free(r.contacts);
    strset_free(&r.seen);
    strset_free(&r.contact_seen);
    buf_free(&r.out);
    err_free(&r.err);
    return rc;
}
