/*
 * main.c - autodbm-query: whois-style look-ups on the local store.
 *
 *   autodbm-query [-c conf] [-rB] [-T type[,type]] [-i attr[,attr]]
 *                 [-x | -l | -L | -m | -M] [-s source] QUERY
 *
 * The query argument is classified the way RIPE's whois server does it:
 *  - an IPv4/IPv6 address, prefix or inetnum range is an address query
 *    against inetnum/route (IPv4) or inet6num/route6 (IPv6), and domain
 *    when -T asks for it; the relation is -x/-l/-L/-m/-M, by default the
 *    exact range, else the smallest one containing it;
 *  - "ASn" looks up the aut-num;
 *  - with -i, the argument is the value of the inverse attributes;
 *  - anything else is looked up as a primary key of every class (or of
 *    the -T classes) and as a lookup key (person:, role:, e-mail:, ...).
 * Unless -r, the person and role objects the answer references through
 * admin-c:, tech-c:, zone-c: and abuse-c: follow, each once.  Without -B
 * auth: hashes are filtered.  Each object is printed in RPSL followed by
 * one blank line.  No answer: "%ERROR:101: no entries found", exit 1.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/buf.h"
#include "registry/conf.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/ipaddr.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "rpsl/syntax.h"

#ifndef AUTODBM_VERSION
#define AUTODBM_VERSION "unknown"
#endif

#define PROG "autodbm-query"

/* A set of strings (object identities "cls:KEY"), open addressing. */
typedef struct strset {
    char **slot;
    size_t cap;             /* power of two */
    size_t n;
} strset_t;

/* The query as given on the command line. */
typedef struct query {
    const char *conf_opt;   /* -c */
    int no_refs;            /* -r */
    int unfiltered;         /* -B */
    unsigned long cls_mask; /* -T, 0 = every class */
    int inv_aid[SA__COUNT]; /* -i attributes */
    size_t ninv;
    enum store_rel rel;     /* -x -l -L -m -M */
    int rel_given;
    const char *sources;    /* -s */
    char *arg;              /* the query argument (args joined) */
} query_t;

/* Running state of one query. */
typedef struct run {
    const query_t *q;
    store_txn_t *txn;
    strset_t seen;          /* objects printed */
    strset_t contact_seen;  /* nic-hdls queued */
    char **contacts;        /* nic-hdls to print, in order of appearance */
    size_t ncontacts, contacts_cap;
    size_t printed;
    buf_t out;
    int status;             /* first failure inside a callback */
    err_t err;
} run_t;

static const char *const contact_attrs[] = {
    "admin-c", "tech-c", "zone-c", "abuse-c"
};

/* ---------------------------------------------------------------- sets */

static size_t str_hash(const char *s)
{
    return (size_t)hash_fnv1a64(s);
}

static void strset_init(strset_t *s)
{
    s->cap = 64;
    s->n = 0;
    s->slot = xcalloc(s->cap, sizeof(*s->slot));
}

static void strset_free(strset_t *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    s->slot = NULL;
    s->cap = s->n = 0;
}

static void strset_grow(strset_t *s)
{
    size_t ncap = s->cap * 2;
    char **nslot = xcalloc(ncap, sizeof(*nslot));

    for (size_t i = 0; i < s->cap; i++) {
        if (s->slot[i] == NULL)
            continue;
        size_t j = str_hash(s->slot[i]) & (ncap - 1);
        while (nslot[j] != NULL)
            j = (j + 1) & (ncap - 1);
        nslot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = nslot;
    s->cap = ncap;
}

/* Add @key; return 1 if it was new, 0 if it was there already. */
static int strset_add(strset_t *s, const char *key)
{
    if ((s->n + 1) * 2 > s->cap)
        strset_grow(s);
    size_t j = str_hash(key) & (s->cap - 1);
    while (s->slot[j] != NULL) {
        if (strcmp(s->slot[j], key) == 0)
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->slot[j] = xstrdup(key);
    s->n++;
    return 1;
}

static int strset_has(const strset_t *s, const char *key)
{
    size_t j = str_hash(key) & (s->cap - 1);

    while (s->slot[j] != NULL) {
        if (strcmp(s->slot[j], key) == 0)
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}

/* ------------------------------------------------------------- helpers */

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: " PROG " [-c conf] [-rB] [-T type[,type]] "
            "[-i attr[,attr]]\n"
            "       [-x | -l | -L | -m | -M] [-s source] QUERY\n"
            "  -c FILE   configuration file\n"
            "  -r        do not add referenced person/role objects\n"
            "  -B        do not filter auth: hashes\n"
            "  -T TYPES  only objects of these classes\n"
            "  -i ATTRS  inverse query: objects whose ATTRS equal QUERY\n"
            "  -x        exact address range only\n"
            "  -l        the smallest range containing QUERY\n"
            "  -L        every range containing QUERY (exact included)\n"
            "  -m        the ranges one level below QUERY\n"
            "  -M        every range below QUERY\n"
            "  -s SRC    query source SRC (only this registry's source)\n"
            "  -h        this help\n"
            "  -V        version\n");
}

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
 * Print one object unless printed already; queue the contacts it names.
 * @return 0 or an ERR_* status.
 */
static int emit(run_t *r, int cls, const char *pkey, const char *text,
                size_t len, int want_contacts)
{
    rpsl_obj_t *o = NULL;
    buf_t id;
    int new_obj;

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
    if (r->q->unfiltered) {
        buf_put(&r->out, text, len);
        while (r->out.len > 0 && r->out.s[r->out.len - 1] == '\n')
            buf_truncate(&r->out, r->out.len - 1);
        buf_putc(&r->out, '\n');
    } else {
        rpsl_print(o, &r->out, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
    }
    buf_putc(&r->out, '\n');
    if (fwrite(r->out.s, 1, r->out.len, stdout) != r->out.len) {
        rpsl_obj_free(o);
        return err_set(&r->err, ERR_IO, "writing the answer failed");
    }
    r->printed++;

    if (want_contacts && !r->q->no_refs) {
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

/* ------------------------------------------------------------ look-ups */

static int run_inverse(run_t *r)
{
    for (size_t i = 0; i < r->q->ninv; i++) {
        err_t e = ERR_INIT;
        int rc = store_inverse(r->txn, r->q->inv_aid[i], r->q->arg, on_hit,
                               r, &e);
        rc = store_status(r, rc, &e);
        err_free(&e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Parse the argument as an address, prefix or range; 0 if it is one. */
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

/* Key look-up of @arg in the classes of @mask (0: all). */
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
        rc = store_obj_get(r->txn, cls, r->q->arg, &text, &e);
        if (rc == 0)
            rc = emit(r, cls, r->q->arg, text.s, text.len, 1);
        else
            rc = store_status(r, rc, &e);
        err_free(&e);
    }
    buf_free(&text);
    if (rc == 0) {
        err_t e = ERR_INIT;
        rc = store_lookup(r->txn, r->q->arg, mask, on_hit, r, &e);
        rc = store_status(r, rc, &e);
        err_free(&e);
    }
    return rc;
}

/* Print the queued person/role objects not printed yet. */
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

/* ---------------------------------------------------------- the query */

static int source_ok(const char *list, const char *ours)
{
    const char *p = list;

    while (*p) {
        size_t n = strcspn(p, ",");
        const char *s = p, *e = p + n;
        while (s < e && isspace((unsigned char) *s))
            s++;
        while (e > s && isspace((unsigned char) e[-1]))
            e--;
        if ((size_t) (e - s) == strlen(ours) &&
            strncasecmp(s, ours, (size_t) (e - s)) == 0)
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int run_query(const query_t *q, const conf_t *cf, err_t *err)
{
    store_t *st = NULL;
    run_t r;
    ip_range_t rg;
    int rc;

    if (q->sources != NULL && !source_ok(q->sources, cf->source)) {
        printf("%%ERROR:102: unknown source\n\n");
        return ERR_NOTFOUND;
    }
    rc = store_open(cf->database, STORE_RDONLY, &st, err);
    if (rc != 0)
        return rc;

    memset(&r, 0, sizeof(r));
    r.q = q;
    strset_init(&r.seen);
    strset_init(&r.contact_seen);
    buf_init(&r.out);
    err_init(&r.err);
    rc = store_read_begin(st, &r.txn, err);
    if (rc == 0) {
        if (q->ninv > 0) {
            rc = run_inverse(&r);
        } else if (parse_address(q->arg, &rg) == 0) {
            unsigned long addr_cls = rg.af == 6
                ? (1UL << SC_INET6NUM) | (1UL << SC_ROUTE6) | (1UL << SC_DOMAIN)
                : (1UL << SC_INETNUM) | (1UL << SC_ROUTE) | (1UL << SC_DOMAIN);
            if (q->cls_mask != 0 && !(q->cls_mask & addr_cls))
                rc = run_key(&r, q->cls_mask);
            else
                rc = run_address(&r, &rg);
        } else {
            unsigned long asn;
            unsigned long mask = q->cls_mask;
            if (mask == 0 &&
                syntax_parse_asn(q->arg, strlen(q->arg), &asn) == 0)
                mask = 1UL << SC_AUT_NUM;
            rc = run_key(&r, mask);
        }
        if (rc == 0)
            rc = run_contacts(&r);
        if (rc != 0)
            err_set(err, rc, "%s", err_text(&r.err));
        store_read_end(r.txn);
    }
    store_close(st);

    if (rc == 0 && r.printed == 0) {
        printf("%%ERROR:101: no entries found\n\n");
        rc = ERR_NOTFOUND;
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = err_set(err, ERR_IO, "writing the answer failed");

    for (size_t i = 0; i < r.ncontacts; i++)
        free(r.contacts[i]);
    free(r.contacts);
    strset_free(&r.seen);
    strset_free(&r.contact_seen);
    buf_free(&r.out);
    err_free(&r.err);
    return rc;
}

/* Parse a comma-separated list of class names into a bit mask. */
static int parse_types(const char *list, unsigned long *mask, err_t *err)
{
    char *copy = xstrdup(list);
    char *save = NULL;
    int rc = 0;

    for (char *t = strtok_r(copy, ", ", &save); t != NULL;
         t = strtok_r(NULL, ", ", &save)) {
        int cls = schema_class_by_name(t);
        if (cls < 0) {
            rc = err_set(err, ERR_USAGE, "unknown object type \"%s\"", t);
            break;
        }
        *mask |= 1UL << cls;
    }
    free(copy);
    return rc;
}

/* Parse a comma-separated list of inverse attribute names. */
static int parse_inverse(const char *list, query_t *q, err_t *err)
{
    char *copy = xstrdup(list);
    char *save = NULL;
    int rc = 0;

    for (char *t = strtok_r(copy, ", ", &save); t != NULL;
         t = strtok_r(NULL, ", ", &save)) {
        int aid = schema_attr_by_name(t);
        if (aid < 0 && strlen(t) == 2) {
            /* whois users write short names without the '*' */
            char *star = xasprintf("*%s", t);
            aid = schema_attr_by_name(star);
            free(star);
        }
        if (aid < 0) {
            rc = err_set(err, ERR_USAGE, "unknown attribute \"%s\"", t);
            break;
        }
        int dup = 0;
        for (size_t i = 0; i < q->ninv; i++)
            dup |= q->inv_aid[i] == aid;
        if (!dup && q->ninv < SA__COUNT)
            q->inv_aid[q->ninv++] = aid;
    }
    free(copy);
    return rc;
}

int main(int argc, char **argv)
{
    query_t q;
    conf_t cf;
    err_t err = ERR_INIT;
    int c, rc;

    memset(&q, 0, sizeof(q));
    q.rel = STORE_BEST;
    while ((c = getopt(argc, argv, "c:hVrBT:i:xlLmMs:")) != -1) {
        switch (c) {
        case 'c': q.conf_opt = optarg; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf(PROG " " AUTODBM_VERSION "\n"); return EX_OK;
        case 'r': q.no_refs = 1; break;
        case 'B': q.unfiltered = 1; break;
        case 'T':
            if (parse_types(optarg, &q.cls_mask, &err) != 0)
                goto bad_usage;
            break;
        case 'i':
            if (parse_inverse(optarg, &q, &err) != 0)
                goto bad_usage;
            break;
        case 'x': case 'l': case 'L': case 'm': case 'M':
            if (q.rel_given && q.rel != (c == 'x' ? STORE_EXACT :
                                         c == 'l' ? STORE_LESS_ONE :
                                         c == 'L' ? STORE_LESS_ALL :
                                         c == 'm' ? STORE_MORE_ONE :
                                         STORE_MORE_ALL)) {
                err_set(&err, ERR_USAGE, "only one of -x -l -L -m -M");
                goto bad_usage;
            }
            q.rel = c == 'x' ? STORE_EXACT : c == 'l' ? STORE_LESS_ONE :
                    c == 'L' ? STORE_LESS_ALL : c == 'm' ? STORE_MORE_ONE :
                    STORE_MORE_ALL;
            q.rel_given = 1;
            break;
        case 's': q.sources = optarg; break;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (optind >= argc) {
        err_set(&err, ERR_USAGE, "a query argument is required");
        goto bad_usage;
    }
    {
        /* "10.0.0.0 - 10.0.0.255" may come as three words */
        buf_t a;
        buf_init(&a);
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                buf_putc(&a, ' ');
            buf_puts(&a, argv[i]);
        }
        q.arg = buf_steal(&a);
        buf_free(&a);
    }

    rc = conf_open(q.conf_opt, &cf, &err);
    if (rc != 0) {
        /* an unreadable configuration is a configuration error too */
        fprintf(stderr, PROG ": %s\n", err_text(&err));
        conf_free(&cf);
        free(q.arg);
        err_free(&err);
        return rc == ERR_IO ? EX_CONFIG : err_sysexit(rc);
    }
    rc = run_query(&q, &cf, &err);
    conf_free(&cf);
    free(q.arg);

    if (rc == ERR_NOTFOUND) {
        err_free(&err);
        return 1;
    }
    if (rc != 0) {
        fprintf(stderr, PROG ": %s\n", err_text(&err));
        err_free(&err);
        return err_sysexit(rc);
    }
    err_free(&err);
    return EX_OK;

bad_usage:
    fprintf(stderr, PROG ": %s\n", err_text(&err));
    usage(stderr);
    err_free(&err);
    return EX_USAGE;
}
