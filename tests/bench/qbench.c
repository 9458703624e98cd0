/*
 * qbench.c - query benchmark: latency of the store's look-ups on a loaded
 * registry, through the library (build/libautodbm.a) as autodbm-query
 * and the robot use it.
 *
 *   qbench DBDIR SAMPLES [QUERIES]
 *
 * DBDIR is the loaded store (opened read-only); SAMPLES the file gen -q
 * wrote ("key H", "mnt M", "inet RANGE", "alloc RANGE", "space A",
 * "inet6 PREFIX").  For each kind of query, QUERIES (default 5000) look-
 * ups are timed one by one, each in its own read snapshot as a query
 * program would do, and the median, 99th percentile and maximum latency
 * are printed in microseconds with the mean number of objects found.
 * Every object found is read through (its bytes summed) so that page
 * faults count.
 *
 * Kinds: key (person/role by nic-hdl), key-all (what autodbm-query does
 * for a plain key: every class plus the lookup index), inverse mnt-by,
 * exact inetnum, best (no flag), -l, -L on random addresses of the
 * generated space, -m and -M on allocations, exact inet6num.
 *
 * The last line is "qbench: worst p99 N us" for the summary.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/ipaddr.h"
#include "rpsl/schema.h"
#include "store/store.h"

/* A list of sample strings of one kind. */
typedef struct list {
    char **v;
    size_t n, cap;
} list_t;

typedef struct samples {
    list_t key, mnt, inet, alloc, space, inet6;
} samples_t;

/* What the hit callback accumulates. */
typedef struct acc {
    size_t hits;
    uint64_t bytes;
} acc_t;

enum kind {
    K_KEY, K_KEY_ALL, K_INVERSE, K_EXACT, K_BEST, K_LESS_ONE, K_LESS_ALL,
    K_MORE_ONE, K_MORE_ALL, K_EXACT6, K__COUNT
};

static const char *const kind_name[K__COUNT] = {
    "key (nic-hdl)", "key (all classes)", "inverse mnt-by", "exact (-x)",
    "best (no flag)", "less one (-l)", "less all (-L)", "more one (-m)",
    "more all (-M)", "exact inet6num"
};

static void list_add(list_t *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = xstrdup(s);
}

static void list_free(list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int read_samples(const char *path, samples_t *s)
{
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (fp == NULL) {
        perror(path);
        return -1;
    }
    while ((n = getline(&line, &cap, fp)) > 0) {
        char *sp;
        if (line[n - 1] == '\n')
            line[n - 1] = 0;
        sp = strchr(line, ' ');
        if (sp == NULL)
            continue;
        *sp++ = 0;
        if (strcmp(line, "key") == 0) list_add(&s->key, sp);
        else if (strcmp(line, "mnt") == 0) list_add(&s->mnt, sp);
        else if (strcmp(line, "inet") == 0) list_add(&s->inet, sp);
        else if (strcmp(line, "alloc") == 0) list_add(&s->alloc, sp);
        else if (strcmp(line, "space") == 0) list_add(&s->space, sp);
        else if (strcmp(line, "inet6") == 0) list_add(&s->inet6, sp);
    }
    free(line);
    fclose(fp);
    return 0;
}

static uint64_t rnd(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int on_hit(int cls, const char *pkey, const char *text, size_t len,
                  void *arg)
{
    acc_t *a = arg;

    (void) cls;
    (void) pkey;
    a->hits++;
    for (size_t i = 0; i < len; i += 64)
        a->bytes += (unsigned char) text[i];
    return 0;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* A random single address in one of the generated /8s. */
static void random_addr(const list_t *space, uint64_t *rs, ip_range_t *r)
{
    unsigned a8 = (unsigned) atoi(space->v[rnd(rs) % space->n]);
    uint32_t a = (a8 << 24) | (uint32_t) (rnd(rs) & 0xffffff);

    memset(r, 0, sizeof(*r));
    r->af = 4;
    r->lo[0] = r->hi[0] = (uint8_t) (a >> 24);
    r->lo[1] = r->hi[1] = (uint8_t) (a >> 16);
    r->lo[2] = r->hi[2] = (uint8_t) (a >> 8);
    r->lo[3] = r->hi[3] = (uint8_t) a;
}

/* One query of kind @k, sample number @i; fills @a. */
static int one_query(store_t *st, enum kind k, const samples_t *s, size_t i,
                     uint64_t *rs, acc_t *a, err_t *err)
{
    store_txn_t *txn = NULL;
    ip_range_t r;
    buf_t text;
    int rc;
    const char *v;

    rc = store_read_begin(st, &txn, err);
    if (rc != 0)
        return rc;
    buf_init(&text);
    switch (k) {
    case K_KEY:
        v = s->key.v[i % s->key.n];
        rc = store_obj_get(txn, SC_PERSON, v, &text, err);
        if (rc == ERR_NOTFOUND)
            rc = store_obj_get(txn, SC_ROLE, v, &text, err);
        if (rc == 0)
            on_hit(0, v, text.s, text.len, a);
        break;
    case K_KEY_ALL:
        v = s->key.v[i % s->key.n];
        rc = 0;
        for (int c = 0; c < SC__COUNT && (rc == 0 || rc == ERR_NOTFOUND);
             c++) {
            buf_reset(&text);
            rc = store_obj_get(txn, c, v, &text, err);
            if (rc == 0)
                on_hit(c, v, text.s, text.len, a);
        }
        if (rc == 0 || rc == ERR_NOTFOUND)
            rc = store_lookup(txn, v, 0, on_hit, a, err);
        break;
    case K_INVERSE:
        v = s->mnt.v[i % s->mnt.n];
        rc = store_inverse(txn, SA_MNT_BY, v, on_hit, a, err);
        break;
    case K_EXACT:
        v = s->inet.v[i % s->inet.n];
        if (ip_parse_v4_range(v, strlen(v), &r) != 0)
            rc = err_set(err, ERR_SYNTAX, "bad sample %s", v);
        else
            rc = store_addr(txn, SC_INETNUM, &r, STORE_EXACT, on_hit, a, err);
        break;
    case K_BEST:
    case K_LESS_ONE:
    case K_LESS_ALL:
        random_addr(&s->space, rs, &r);
        rc = store_addr(txn, SC_INETNUM, &r,
                        k == K_BEST ? STORE_BEST :
                        k == K_LESS_ONE ? STORE_LESS_ONE : STORE_LESS_ALL,
                        on_hit, a, err);
        break;
    case K_MORE_ONE:
    case K_MORE_ALL:
        v = s->alloc.v[i % s->alloc.n];
        if (ip_parse_v4_range(v, strlen(v), &r) != 0)
            rc = err_set(err, ERR_SYNTAX, "bad sample %s", v);
        else
            rc = store_addr(txn, SC_INETNUM, &r,
                            k == K_MORE_ONE ? STORE_MORE_ONE : STORE_MORE_ALL,
                            on_hit, a, err);
        break;
    case K_EXACT6:
        v = s->inet6.v[i % s->inet6.n];
        if (ip_parse_prefix(v, strlen(v), 6, 1, &r, NULL) != 0)
            rc = err_set(err, ERR_SYNTAX, "bad sample %s", v);
        else
            rc = store_addr(txn, SC_INET6NUM, &r, STORE_EXACT, on_hit, a,
                            err);
        break;
    default:
        rc = ERR_SOFTWARE;
    }
    if (rc == ERR_NOTFOUND)
        rc = 0;
    buf_free(&text);
    store_read_end(txn);
    return rc;
}

static size_t kind_samples(enum kind k, const samples_t *s)
{
    switch (k) {
    case K_KEY: case K_KEY_ALL: return s->key.n;
    case K_INVERSE: return s->mnt.n;
    case K_EXACT: return s->inet.n;
    case K_BEST: case K_LESS_ONE: case K_LESS_ALL: return s->space.n;
    case K_MORE_ONE: case K_MORE_ALL: return s->alloc.n;
    case K_EXACT6: return s->inet6.n;
    default: return 0;
    }
}

int main(int argc, char **argv)
{
    samples_t s;
    store_t *st = NULL;
    err_t err = ERR_INIT;
    size_t nq = 5000;
    double *lat, worst = 0;
    uint64_t rs = 42;
    int rc = 0;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: qbench DBDIR SAMPLES [QUERIES]\n");
        return 2;
    }
    if (argc == 4)
        nq = (size_t) strtoul(argv[3], NULL, 10);
    if (nq == 0)
        nq = 1;
    memset(&s, 0, sizeof(s));
    if (read_samples(argv[2], &s) != 0)
        return 1;
    if (store_open(argv[1], STORE_RDONLY, &st, &err) != 0) {
        fprintf(stderr, "qbench: %s\n", err_text(&err));
        err_free(&err);
        return 1;
    }
    lat = xmalloc(nq * sizeof(*lat));
    printf("%-20s %7s %10s %10s %10s %8s\n", "query", "n", "median us",
           "p99 us", "max us", "hits/q");
    for (int k = 0; k < K__COUNT && rc == 0; k++) {
        acc_t a = { 0, 0 };
        size_t zero = 0;

        if (kind_samples((enum kind) k, &s) == 0) {
            printf("%-20s %7s (no samples)\n", kind_name[k], "-");
            continue;
        }
        /* one untimed pass over a few queries warms the code paths */
        for (size_t i = 0; i < 10 && rc == 0; i++)
            rc = one_query(st, (enum kind) k, &s, i, &rs, &a, &err);
        a.hits = 0;
        for (size_t i = 0; i < nq && rc == 0; i++) {
            size_t before = a.hits;
            double t0 = now_us();
            rc = one_query(st, (enum kind) k, &s, i, &rs, &a, &err);
            lat[i] = now_us() - t0;
            zero += a.hits == before;
        }
        if (rc != 0)
            break;
        qsort(lat, nq, sizeof(*lat), cmp_double);
        double med = lat[nq / 2];
        double p99 = lat[(nq * 99) / 100 < nq ? (nq * 99) / 100 : nq - 1];
        printf("%-20s %7zu %10.1f %10.1f %10.1f %8.1f%s\n", kind_name[k], nq,
               med, p99, lat[nq - 1], (double) a.hits / (double) nq,
               zero == nq ? "  (nothing found!)" : "");
        if (p99 > worst)
            worst = p99;
        if (a.bytes == 1)       /* keep the reads from being optimised out */
            putchar(' ');
    }
    if (rc != 0)
        fprintf(stderr, "qbench: %s\n", err_text(&err));
    else
        printf("qbench: worst p99 %.1f us\n", worst);
    free(lat);
    store_close(st);
    err_free(&err);
    list_free(&s.key);
    list_free(&s.mnt);
    list_free(&s.inet);
    list_free(&s.alloc);
    list_free(&s.space);
    list_free(&s.inet6);
    return rc == 0 ? 0 : 1;
}
