/*
 * acl.c - the per-address daily count of personal-data objects (see
 * acl.h).
 *
 * The entries are kept in an array in the order they were added; once
 * it holds the maximum it is a ring whose next slot (the oldest entry)
 * is reused.  A hash of chains (indexes into the array) finds an
 * address; the buckets are rebuilt whenever the array grows, which it
 * does by doubling up to the maximum, so a quiet server holds little.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "whoisd/acl.h"

#define NIL UINT32_MAX

typedef struct ent {
    uint8_t key[17];        /* family, then the address (/64 for IPv6) */
    long day;               /* the UTC day of count */
    unsigned long count;
    uint32_t next;          /* hash chain */
} ent_t;

struct whoisd_acl {
    unsigned long limit;
    size_t max;             /* entries at most */
    ent_t *v;
    size_t n, cap;          /* entries used / allocated */
    size_t oldest;          /* once n == max: the slot reused next */
    uint32_t *bucket;
    size_t nbucket;         /* a power of two */
    ip_range_t *exempt;
    size_t nexempt;
};

int whoisd_acl_new(unsigned long limit, size_t entries, const strv_t *exempt,
                   whoisd_acl_t **out, err_t *err)
{
    whoisd_acl_t *a = xcalloc(1, sizeof *a);
    size_t n = exempt != NULL ? exempt->n : 0;

    *out = NULL;
    a->limit = limit;
    a->max = entries > 0 ? entries : 1;
    if (a->max >= NIL)
        a->max = NIL - 1;
    a->exempt = xcalloc(n ? n : 1, sizeof *a->exempt);
    for (size_t i = 0; i < n; i++) {
        if (ip_parse_net(exempt->v[i], strlen(exempt->v[i]), &a->exempt[i]) != 0) {
            int rc = err_set(err, ERR_CONF, "whois_personal_exempt: not an "
                             "address or prefix: \"%s\"", exempt->v[i]);
            whoisd_acl_free(a);
            return rc;
        }
    }
    a->nexempt = n;
    *out = a;
    return 0;
}

void whoisd_acl_free(whoisd_acl_t *a)
{
    if (a == NULL)
        return;
    free(a->v);
    free(a->bucket);
    free(a->exempt);
    free(a);
}

/* The table key of @addr, unless the address is exempt or does not
 * parse.  @return 1 with @key filled, else 0. */
static int client_key(const whoisd_acl_t *a, const char *addr,
                      uint8_t key[17])
{
    ip_range_t r;

    if (a->limit == 0 || ip_parse_net(addr, strlen(addr), &r) != 0 || strchr(addr, '/'))
        return 0;
    for (size_t i = 0; i < a->nexempt; i++)
        if (ip_range_contains(&a->exempt[i], &r))
            return 0;
    memset(key, 0, 17);
    key[0] = (uint8_t)r.af;
    memcpy(key + 1, r.lo, r.af == 6 ? 8 : 4);  /* IPv6: the /64 */
    return 1;
}

static size_t hash(const uint8_t key[17], size_t nbucket)
{
    uint64_t h = 1469598103934665603ULL;    /* FNV-1a */
    for (int i = 0; i < 17; i++)
        h = (h ^ key[i]) * 1099511628211ULL;
    return (size_t)(h & (nbucket - 1));
}

static ent_t *find(const whoisd_acl_t *a, const uint8_t key[17])
{
    if (a->nbucket == 0)
        return NULL;
    for (uint32_t i = a->bucket[hash(key, a->nbucket)]; i != NIL; i = a->v[i].next)
        if (memcmp(a->v[i].key, key, 17) == 0)
            return &a->v[i];
    return NULL;
}

static void link_ent(whoisd_acl_t *a, uint32_t i)
{
    size_t b = hash(a->v[i].key, a->nbucket);
    a->v[i].next = a->bucket[b];
    a->bucket[b] = i;
}

static void unlink_ent(whoisd_acl_t *a, uint32_t i)
{
    uint32_t *p = &a->bucket[hash(a->v[i].key, a->nbucket)];
    while (*p != NIL && *p != i)
        p = &a->v[*p].next;
    if (*p == i)
        *p = a->v[i].next;
}

/* Room for one more entry: grow (and rehash), or reuse the oldest.
 * @return the slot. */
static uint32_t slot(whoisd_acl_t *a)
{
    if (a->n < a->max) {
        if (a->n == a->cap) {
            a->cap = a->cap ? a->cap * 2 : 64;
            if (a->cap > a->max)
                a->cap = a->max;
            a->v = xrealloc(a->v, a->cap * sizeof *a->v);
            size_t nb = 64;
            while (nb < a->cap)
                nb *= 2;
            if (nb != a->nbucket) {
                free(a->bucket);
                a->nbucket = nb;
                a->bucket = xmalloc(nb * sizeof *a->bucket);
                memset(a->bucket, 0xff, nb * sizeof *a->bucket);
                for (size_t i = 0; i < a->n; i++)
                    link_ent(a, (uint32_t)i);
            }
        }
        return (uint32_t)a->n++;
    }
    uint32_t i = (uint32_t)a->oldest;
    a->oldest = (a->oldest + 1) % a->max;
    unlink_ent(a, i);
    return i;
}

static long day_of(time_t now)
{
    return (long)(now / 86400);
}

long whoisd_acl_remaining(const whoisd_acl_t *a, const char *addr, time_t now)
{
    uint8_t key[17];

    if (!client_key(a, addr, key))
        return -1;
    const ent_t *e = find(a, key);
    unsigned long used = e != NULL && e->day == day_of(now) ? e->count : 0;
    return used >= a->limit ? 0 : (long)(a->limit - used);
}

void whoisd_acl_charge(whoisd_acl_t *a, const char *addr, size_t n,
                       time_t now)
{
    uint8_t key[17];

    if (n == 0 || !client_key(a, addr, key))
        return;
    ent_t *e = find(a, key);
    if (e == NULL) {
        uint32_t i = slot(a);
        e = &a->v[i];
        memcpy(e->key, key, 17);
        e->day = day_of(now);
        e->count = 0;
        link_ent(a, i);
    }
    if (e->day != day_of(now)) {
        e->day = day_of(now);
        e->count = 0;
    }
    e->count += n;
}

size_t whoisd_acl_size(const whoisd_acl_t *a)
{
    return a->n;
}
