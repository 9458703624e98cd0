/*
 * gen.c - benchmark data generator: a synthetic RPSL registry (source
 * TEST) of N objects shaped like a RIPE dump.
 *
 *   gen [-n N] [-s SEED] [-f rpsl|mdb] [-q SAMPLES] > OUTPUT
 *
 * Contents, in dump order: mntners (with MD5-PW and BCRYPT-PW hashes),
 * persons and roles with nic-hdls, aut-nums with import/export policy,
 * then per /8 of a fixed list an inetnum hierarchy: the /8 as ALLOCATED
 * UNSPECIFIED, allocations /16 to /20 (ALLOCATED PA), some SUB-ALLOCATED
 * PA blocks inside them, assignments /24 to /29 (ASSIGNED PA); routes
 * for allocations and /24s inside them; inet6num allocations (/29 to /32)
 * with /48 assignments; route6s.  Every object carries netname/descr,
 * country, admin-c, tech-c, mnt-by, created and last-modified, so objects
 * are 300 to 600 bytes like real ones.
 *
 * -f mdb writes the same objects as an mdb_load(1) input file (key
 * "class:primary key", value the object text, bytevalue hex) so that a
 * plain LMDB load of the same records can be timed against the loader.
 * -q writes query samples for the query benchmark: lines "key H",
 * "mnt M", "inet a.b.c.d - e.f.g.h", "alloc a.b.c.d - e.f.g.h",
 * "space A" (a /8 in use, as a number) and "inet6 prefix".
 *
 * Deterministic: the same N and seed always give the same bytes.
 * Links only libc.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ output */

typedef struct out {
    char *s;
    size_t len, cap;
} out_t;

typedef struct gen {
    uint64_t rng;
    long n;                 /* objects wanted */
    long written;           /* objects written */
    int mdb;                /* mdb_load format */
    FILE *fp;
    FILE *samples;
    out_t obj;              /* the object being built */
    out_t key;              /* its "class:key" (mdb mode) */
    long nmnt, nperson, nrole, nautnum;
    long sample_every;
} gen_t;

static void out_reserve(out_t *o, size_t n)
{
    if (o->len + n + 1 <= o->cap)
        return;
    size_t ncap = o->cap ? o->cap : 1024;
    while (ncap < o->len + n + 1)
        ncap *= 2;
    char *p = realloc(o->s, ncap);
    if (p == NULL) {
        perror("gen: realloc");
        exit(1);
    }
    o->s = p;
    o->cap = ncap;
}

static void out_printf(out_t *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_printf(out_t *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    out_reserve(o, (size_t) n);
    va_start(ap, fmt);
    vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    o->len += (size_t) n;
}

/* One attribute line, value starting in column 17. */
static void attr(gen_t *g, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void attr(gen_t *g, const char *name, const char *fmt, ...)
{
    va_list ap;
    int n;
    size_t pad = strlen(name) + 1 < 16 ? 16 - strlen(name) - 1 : 1;

    out_printf(&g->obj, "%s:%*s", name, (int) pad, "");
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    out_reserve(&g->obj, (size_t) n + 1);
    va_start(ap, fmt);
    vsnprintf(g->obj.s + g->obj.len, g->obj.cap - g->obj.len, fmt, ap);
    va_end(ap);
    g->obj.len += (size_t) n;
    out_printf(&g->obj, "\n");
}

static void begin(gen_t *g, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void begin(gen_t *g, const char *cls, const char *fmt, ...)
{
    va_list ap;
    char *k = NULL;
    int n;

    g->obj.len = 0;
    g->key.len = 0;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    k = malloc((size_t) n + 1);
    if (k == NULL) {
        perror("gen: malloc");
        exit(1);
    }
    va_start(ap, fmt);
    vsnprintf(k, (size_t) n + 1, fmt, ap);
    va_end(ap);
    attr(g, cls, "%s", k);
    out_printf(&g->key, "%s:%s", cls, k);
    free(k);
}

static void put_hex(FILE *fp, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    putc(' ', fp);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        putc(hex[c >> 4], fp);
        putc(hex[c & 15], fp);
    }
    putc('\n', fp);
}

/* A route's mdb key must be unique like its primary key: add origin. */
static void end(gen_t *g)
{
    if (g->mdb) {
        put_hex(g->fp, g->key.s, g->key.len);
        put_hex(g->fp, g->obj.s, g->obj.len);
    } else {
        fwrite(g->obj.s, 1, g->obj.len, g->fp);
        putc('\n', g->fp);
    }
    g->written++;
}

/* ------------------------------------------------------------ random */

static uint64_t rnd(gen_t *g)
{
    /* splitmix64 */
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long rnd_range(gen_t *g, long lo, long hi)
{
    return lo + (long) (rnd(g) % (uint64_t) (hi - lo + 1));
}

static const char *pick(gen_t *g, const char *const *v, size_t n)
{
    return v[rnd(g) % n];
}

#define PICK(g, arr) pick((g), (arr), sizeof(arr) / sizeof((arr)[0]))

static const char *const first_names[] = {
    "Anna", "Bernd", "Carla", "David", "Elena", "Frank", "Greta", "Hans",
    "Ines", "Jan", "Katja", "Lars", "Maria", "Nils", "Olga", "Peter",
    "Quentin", "Rosa", "Stefan", "Tanja", "Ulrich", "Vera", "Walter",
    "Xenia", "Yusuf", "Zofia", "Ahmed", "Bogdan", "Chiara", "Dmitri"
};
static const char *const last_names[] = {
    "Schmidt", "Novak", "Rossi", "Jansen", "Kowalski", "Petrov", "Garcia",
    "Dubois", "Nielsen", "Horvat", "Ivanova", "Bakker", "Lindqvist",
    "Papadopoulos", "Murphy", "Silva", "Fischer", "Varga", "Popescu",
    "Andersen", "Moreau", "Kaya", "Weber", "Costa", "Berg"
};
static const char *const streets[] = {
    "Hauptstrasse", "Main Street", "Rue de la Paix", "Via Roma",
    "Kerkstraat", "Ulica Dluga", "Station Road", "Calle Mayor",
    "Storgatan", "Nevsky Prospekt", "Bahnhofstrasse", "High Street"
};
static const char *const cities[] = {
    "Amsterdam", "Berlin", "Warsaw", "Milano", "Paris", "Madrid",
    "Stockholm", "Vienna", "Prague", "Budapest", "Sofia", "Athens",
    "Dublin", "Lisbon", "Helsinki", "Oslo", "Kyiv", "Istanbul"
};
static const char *const countries[] = {
    "NL", "DE", "PL", "IT", "FR", "ES", "SE", "AT", "CZ", "HU", "BG",
    "GR", "IE", "PT", "FI", "NO", "UA", "TR", "GB", "RU", "RO", "DK"
};
static const char *const words[] = {
    "Telecom", "Networks", "Hosting", "Internet", "Broadband", "Cable",
    "Datacenter", "Solutions", "Systems", "Communications", "Online",
    "Fiber", "Digital", "Services", "Connect", "Wireless", "Cloud"
};
static const char *const b64 =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* ------------------------------------------------------------- names */

/* nic-hdl of person @i (roles use a different prefix). */
static void nic_hdl(char *buf, size_t sz, long i, int role)
{
    static const char *const pfx = "ABCDEFGHJKLMNPRSTUVWZ";
    size_t np = strlen(pfx);
    snprintf(buf, sz, "%c%c%ld-TEST", role ? 'R' : pfx[i % (long) np],
             role ? pfx[i % (long) np] : pfx[(i / (long) np) % (long) np],
             i + 1);
}

static void mnt_name(char *buf, size_t sz, long i)
{
    snprintf(buf, sz, "LIR%ld-MNT", i + 1);
}

static long pick_person(gen_t *g)
{
    return (long) (rnd(g) % (uint64_t) (g->nperson ? g->nperson : 1));
}

static long pick_role(gen_t *g)
{
    return (long) (rnd(g) % (uint64_t) (g->nrole ? g->nrole : 1));
}

/* admin-c/tech-c pair for an object maintained by LIR @lir. */
static void contacts(gen_t *g, long lir)
{
    char h[64];

    /* contacts cluster by LIR like real data */
    if (g->nrole > 0 && rnd(g) % 3 == 0) {
        nic_hdl(h, sizeof(h), (lir * 7 + (long) (rnd(g) % 3)) % g->nrole, 1);
        attr(g, "admin-c", "%s", h);
    } else {
        nic_hdl(h, sizeof(h), (lir * 13 + (long) (rnd(g) % 5)) %
                (g->nperson ? g->nperson : 1), 0);
        attr(g, "admin-c", "%s", h);
    }
    nic_hdl(h, sizeof(h), (lir * 13 + (long) (rnd(g) % 5)) %
            (g->nperson ? g->nperson : 1), 0);
    attr(g, "tech-c", "%s", h);
}

static void dates(gen_t *g)
{
    long y = rnd_range(g, 2002, 2022);
    attr(g, "created", "%ld-%02ld-%02ldT%02ld:%02ld:%02ldZ", y,
         rnd_range(g, 1, 12), rnd_range(g, 1, 28), rnd_range(g, 0, 23),
         rnd_range(g, 0, 59), rnd_range(g, 0, 59));
    attr(g, "last-modified", "%ld-%02ld-%02ldT%02ld:%02ld:%02ldZ",
         rnd_range(g, y + 1, 2025), rnd_range(g, 1, 12), rnd_range(g, 1, 28),
         rnd_range(g, 0, 23), rnd_range(g, 0, 59), rnd_range(g, 0, 59));
}

static const char *const remark_texts[] = {
    "Abuse reports: please use the abuse-c contact only",
    "Customer network, dynamic pool for broadband subscribers",
    "Infrastructure: core routers and point-to-point links",
    "Hosting platform, virtual servers and colocation",
    "Please send spam and abuse complaints to the abuse mailbox",
    "Peering policy available on request from the NOC",
    "Looking glass and route server information on our website"
};

/* Zero to two remarks: lines, as real objects often carry. */
static void remarks(gen_t *g)
{
    int n = (int) (rnd(g) % 4);

    for (int k = 0; k < n && k < 2; k++)
        attr(g, "remarks", "%s", PICK(g, remark_texts));
}

static void mnt_by(gen_t *g, long lir)
{
    char m[64];
    mnt_name(m, sizeof(m), lir % g->nmnt);
    attr(g, "mnt-by", "%s", m);
}

static void sample(gen_t *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sample(gen_t *g, const char *fmt, ...)
{
    va_list ap;

    if (g->samples == NULL)
        return;
    va_start(ap, fmt);
    vfprintf(g->samples, fmt, ap);
    va_end(ap);
    putc('\n', g->samples);
}

static int want_sample(gen_t *g)
{
    return g->samples != NULL && rnd(g) % (uint64_t) g->sample_every == 0;
}

/* ----------------------------------------------------------- classes */

static void gen_mntner(gen_t *g, long i)
{
    char m[64], h[64];

    mnt_name(m, sizeof(m), i);
    begin(g, "mntner", "%s", m);
    attr(g, "descr", "%s %s maintainer", PICK(g, words), PICK(g, words));
    nic_hdl(h, sizeof(h), i % (g->nperson ? g->nperson : 1), 0);
    attr(g, "admin-c", "%s", h);
    attr(g, "upd-to", "noc@lir%ld.example.net", i + 1);
    attr(g, "mnt-nfy", "changes@lir%ld.example.net", i + 1);
    {
        char salt[9], hash[23];
        for (int k = 0; k < 8; k++)
            salt[k] = b64[rnd(g) % 64];
        salt[8] = 0;
        for (int k = 0; k < 22; k++)
            hash[k] = b64[rnd(g) % 64];
        hash[22] = 0;
        attr(g, "auth", "MD5-PW $1$%s$%s", salt, hash);
    }
    if (rnd(g) % 2) {
        char b[54];
        for (int k = 0; k < 53; k++)
            b[k] = b64[rnd(g) % 64];
        b[53] = 0;
        attr(g, "auth", "BCRYPT-PW $2b$12$%s", b);
    }
    attr(g, "mnt-by", "%s", m);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
    if (want_sample(g))
        sample(g, "mnt %s", m);
}

static void gen_person(gen_t *g, long i)
{
    char h[64];
    const char *fn = PICK(g, first_names), *ln = PICK(g, last_names);

    nic_hdl(h, sizeof(h), i, 0);
    begin(g, "person", "%s %s", fn, ln);
    g->key.len = 0;
    out_printf(&g->key, "person:%s", h);
    attr(g, "address", "%s %s", PICK(g, words), PICK(g, words));
    attr(g, "address", "%s %ld", PICK(g, streets), rnd_range(g, 1, 200));
    attr(g, "address", "%05ld %s", rnd_range(g, 1000, 99999), PICK(g, cities));
    attr(g, "phone", "+%ld %ld %ld", rnd_range(g, 30, 49),
         rnd_range(g, 10, 999), rnd_range(g, 100000, 9999999));
    attr(g, "e-mail", "%c.%s%ld@example.net", fn[0], ln, i + 1);
    attr(g, "nic-hdl", "%s", h);
    mnt_by(g, i / 13);
    remarks(g);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
    if (want_sample(g))
        sample(g, "key %s", h);
}

static void gen_role(gen_t *g, long i)
{
    char h[64], p[64];
    const char *w = PICK(g, words);

    nic_hdl(h, sizeof(h), i, 1);
    begin(g, "role", "%s NOC %ld", w, i + 1);
    g->key.len = 0;
    out_printf(&g->key, "role:%s", h);
    attr(g, "address", "%s %s", w, PICK(g, words));
    attr(g, "address", "%s %ld", PICK(g, streets), rnd_range(g, 1, 200));
    attr(g, "address", "%s", PICK(g, cities));
    attr(g, "e-mail", "noc%ld@example.net", i + 1);
    attr(g, "abuse-mailbox", "abuse%ld@example.net", i + 1);
    nic_hdl(p, sizeof(p), pick_person(g), 0);
    attr(g, "admin-c", "%s", p);
    nic_hdl(p, sizeof(p), pick_person(g), 0);
    attr(g, "tech-c", "%s", p);
    attr(g, "nic-hdl", "%s", h);
    mnt_by(g, i / 2);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
    if (want_sample(g))
        sample(g, "key %s", h);
}

static long asn_of(long i)
{
    return 196608 + i;     /* 32-bit-era RIPE range */
}

static void gen_autnum(gen_t *g, long i)
{
    long asn = asn_of(i);
    int peers = (int) rnd_range(g, 1, 3);

    begin(g, "aut-num", "AS%ld", asn);
    attr(g, "as-name", "%s-%s-AS", PICK(g, words), PICK(g, countries));
    attr(g, "descr", "%s %s", PICK(g, words), PICK(g, words));
    for (int k = 0; k < peers; k++) {
        long peer = asn_of((long) (rnd(g) % (uint64_t) (g->nautnum ? g->nautnum : 1)));
        attr(g, "import", "from AS%ld accept ANY", peer);
        attr(g, "export", "to AS%ld announce AS%ld", peer, asn);
    }
    attr(g, "status", "ASSIGNED");
    contacts(g, i);
    mnt_by(g, i);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
}

/* -------------------------------------------------------- address space */

static void v4_text(char *buf, size_t sz, uint32_t a)
{
    snprintf(buf, sz, "%u.%u.%u.%u", (unsigned) (a >> 24),
             (unsigned) (a >> 16) & 255, (unsigned) (a >> 8) & 255,
             (unsigned) a & 255);
}

static void gen_inetnum(gen_t *g, uint32_t lo, int plen, const char *status,
                        long lir, const char *netname, int is_sample)
{
    char a[20], b[20];
    uint32_t hi = lo + (uint32_t) ((1ULL << (32 - plen)) - 1);

    v4_text(a, sizeof(a), lo);
    v4_text(b, sizeof(b), hi);
    begin(g, "inetnum", "%s - %s", a, b);
    attr(g, "netname", "%s", netname);
    attr(g, "descr", "%s %s %s", PICK(g, words), PICK(g, words),
         PICK(g, cities));
    attr(g, "country", "%s", PICK(g, countries));
    contacts(g, lir);
    attr(g, "status", "%s", status);
    mnt_by(g, lir);
    if (strcmp(status, "ASSIGNED PA") != 0) {
        char h[64];
        attr(g, "mnt-lower", "LIR%ld-MNT", lir % g->nmnt + 1);
        if (g->nrole > 0) {
            nic_hdl(h, sizeof(h), pick_role(g), 1);
            attr(g, "abuse-c", "%s", h);
        }
    }
    remarks(g);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
    if (is_sample)
        sample(g, "%s %s - %s", plen <= 20 ? "alloc" : "inet", a, b);
    else if (want_sample(g))
        sample(g, "inet %s - %s", a, b);
}

static void gen_route(gen_t *g, uint32_t lo, int plen, long asn, long lir)
{
    char a[20];

    v4_text(a, sizeof(a), lo);
    begin(g, "route", "%s/%d", a, plen);
    out_printf(&g->key, "AS%ld", asn);
    attr(g, "descr", "%s %s", PICK(g, words), PICK(g, words));
    attr(g, "origin", "AS%ld", asn);
    mnt_by(g, lir);
    remarks(g);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
}

/* An allocation remembered for the route pass. */
typedef struct alloc {
    uint32_t lo;
    int plen;
    long lir;
} alloc_t;

static const int slash8[] = {
    193, 194, 195, 212, 213, 217, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85,
    86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 109, 176, 178, 185, 188, 2,
    5, 31, 37, 46, 151, 141, 145, 146, 147, 149, 130, 131, 134, 136, 137,
    138, 139, 160, 161, 163, 164, 171, 192, 198, 25, 51, 57
};

/*
 * The IPv4 hierarchy: @budget inetnums, allocations kept in @allocs for
 * routes.
 */
static void gen_v4(gen_t *g, long budget, alloc_t **allocs, long *nalloc)
{
    long made = 0, cap = 0;
    size_t s8 = 0;
    char name[64];

    *allocs = NULL;
    *nalloc = 0;
    while (made < budget && s8 < sizeof(slash8) / sizeof(slash8[0])) {
        uint32_t base = (uint32_t) slash8[s8++] << 24;
        uint32_t end8 = base + (1U << 24);
        uint32_t cur = base;

        snprintf(name, sizeof(name), "EU-ZZ-%d", slash8[s8 - 1]);
        gen_inetnum(g, base, 8, "ALLOCATED UNSPECIFIED", 0, name, 0);
        sample(g, "space %d", slash8[s8 - 1]);
        made++;
        while (made < budget) {
            int plen = (int) rnd_range(g, 16, 20);
            uint32_t size = 1U << (32 - plen);
            long lir = (long) (rnd(g) % (uint64_t) g->nmnt);
            cur = (cur + size - 1) & ~(size - 1);
            if ((uint64_t) cur + size > end8)
                break;
            snprintf(name, sizeof(name), "%s-%s-%ld", PICK(g, countries),
                     PICK(g, words), lir + 1);
            gen_inetnum(g, cur, plen, "ALLOCATED PA", lir, name,
                        g->samples != NULL && rnd(g) % 4 == 0);
            made++;
            if (*nalloc == cap) {
                cap = cap ? cap * 2 : 1024;
                *allocs = realloc(*allocs, (size_t) cap * sizeof(**allocs));
                if (*allocs == NULL) {
                    perror("gen: realloc");
                    exit(1);
                }
            }
            (*allocs)[(*nalloc)++] = (alloc_t) { cur, plen, lir };

            /* assignments, some of them inside a sub-allocation */
            uint32_t sub = cur, aend = cur + size;
            uint32_t sub_end = cur;
            int nassign = (int) rnd_range(g, 8, 90);
            if (rnd(g) % 5 == 0 && plen <= 20) {
                int splen = plen + 2;
                gen_inetnum(g, cur, splen, "SUB-ALLOCATED PA", lir, name, 0);
                made++;
                sub_end = cur + (1U << (32 - splen));
            }
            for (int k = 0; k < nassign && made < budget; k++) {
                int alen = (int) rnd_range(g, 22, 29);
                if (alen < 24)
                    alen = 24;      /* /24 about 3 times as often */
                uint32_t asz = 1U << (32 - alen);
                sub = (sub + asz - 1) & ~(asz - 1);
                if ((uint64_t) sub + asz > aend)
                    break;
                /* an assignment must not straddle the sub-allocation */
                if (sub < sub_end && sub + asz > sub_end)
                    sub = sub_end;
                if ((uint64_t) sub + asz > aend)
                    break;
                snprintf(name, sizeof(name), "%s-%s-NET", PICK(g, words),
                         PICK(g, countries));
                gen_inetnum(g, sub, alen, "ASSIGNED PA", lir, name, 0);
                made++;
                sub += asz;
                sub += asz * (uint32_t) (rnd(g) % 4 == 0);
            }
            cur += size;
            cur += size * (uint32_t) (rnd(g) % 4 == 0);
        }
    }
    if (made < budget)
        fprintf(stderr, "gen: IPv4 space list exhausted at %ld inetnums\n",
                made);
}

static void gen_routes(gen_t *g, long budget, const alloc_t *allocs,
                       long nalloc)
{
    long made = 0;

    if (nalloc == 0)
        return;
    /* round 0: every allocation; round r: its r-th /24, and so on */
    for (long round = 0; made < budget; round++) {
        long before = made;
        for (long i = 0; i < nalloc && made < budget; i++) {
            const alloc_t *a = &allocs[i];
            long nslash24 = 1L << (24 - a->plen);
            long asn = asn_of((a->lir * 31 + round / (nslash24 + 1)) %
                              (g->nautnum ? g->nautnum : 1));
            long r = round % (nslash24 + 1);
            if (r == 0)
                gen_route(g, a->lo, a->plen, asn, a->lir);
            else
                gen_route(g, a->lo + ((uint32_t) (r - 1) << 8), 24, asn,
                          a->lir);
            made++;
        }
        if (made == before)
            break;
    }
}

static void v6_prefix(char *buf, size_t sz, uint32_t hi32, uint32_t next16,
                      int plen)
{
    /* RFC 5952 text: "::" only for a run of two or more zero groups */
    unsigned a = (unsigned) (hi32 >> 16), b = (unsigned) (hi32 & 0xffff);

    if (next16 == 0 && b == 0)
        snprintf(buf, sz, "%x::/%d", a, plen);
    else if (next16 == 0)
        snprintf(buf, sz, "%x:%x::/%d", a, b, plen);
    else
        snprintf(buf, sz, "%x:%x:%x::/%d", a, b, (unsigned) next16, plen);
}

static void gen_inet6num(gen_t *g, const char *pfx, const char *status,
                         long lir)
{
    char name[64];

    begin(g, "inet6num", "%s", pfx);
    snprintf(name, sizeof(name), "%s-%s-V6", PICK(g, countries),
             PICK(g, words));
    attr(g, "netname", "%s", name);
    attr(g, "descr", "%s %s", PICK(g, words), PICK(g, cities));
    attr(g, "country", "%s", PICK(g, countries));
    contacts(g, lir);
    attr(g, "status", "%s", status);
    mnt_by(g, lir);
    remarks(g);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
    if (want_sample(g))
        sample(g, "inet6 %s", pfx);
}

static void gen_route6(gen_t *g, const char *pfx, long asn, long lir)
{
    begin(g, "route6", "%s", pfx);
    out_printf(&g->key, "AS%ld", asn);
    attr(g, "descr", "%s %s", PICK(g, words), PICK(g, words));
    attr(g, "origin", "AS%ld", asn);
    mnt_by(g, lir);
    remarks(g);
    dates(g);
    attr(g, "source", "TEST");
    end(g);
}

/* IPv6: allocations 2a00::/12 style, /29../32, each with /48s. */
static void gen_v6(gen_t *g, long budget, long route_budget)
{
    long made = 0, routes = 0;
    uint32_t hi32 = 0x2a000000u;
    char pfx[80];

    while (made < budget || routes < route_budget) {
        int plen = (int) rnd_range(g, 29, 32);
        uint32_t step = 1U << (32 - plen);
        long lir = (long) (rnd(g) % (uint64_t) g->nmnt);
        long asn = asn_of(lir % (g->nautnum ? g->nautnum : 1));
        int nassign = (int) rnd_range(g, 2, 20);

        hi32 = (hi32 + step - 1) & ~(step - 1);
        v6_prefix(pfx, sizeof(pfx), hi32, 0, plen);
        if (made < budget) {
            gen_inet6num(g, pfx, "ALLOCATED-BY-RIR", lir);
            made++;
        }
        if (routes < route_budget) {
            gen_route6(g, pfx, asn, lir);
            routes++;
        }
        for (int k = 0; k < nassign; k++) {
            v6_prefix(pfx, sizeof(pfx), hi32, (uint32_t) k + 1, 48);
            if (made < budget) {
                gen_inet6num(g, pfx, "ASSIGNED", lir);
                made++;
            }
            if (routes < route_budget && k % 4 == 0) {
                gen_route6(g, pfx, asn, lir);
                routes++;
            }
        }
        hi32 += step;
    }
}

/* -------------------------------------------------------------- main */

static void usage(void)
{
    fprintf(stderr, "usage: gen [-n N] [-s SEED] [-f rpsl|mdb] "
            "[-q SAMPLES]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    gen_t g;
    int c;
    const char *samples = NULL;
    alloc_t *allocs = NULL;
    long nalloc = 0;

    memset(&g, 0, sizeof(g));
    g.n = 1000000;
    g.rng = 20260414;
    g.fp = stdout;
    while ((c = getopt(argc, argv, "n:s:f:q:")) != -1) {
        switch (c) {
        case 'n': g.n = atol(optarg); break;
        case 's': g.rng = strtoull(optarg, NULL, 10); break;
        case 'f':
            if (strcmp(optarg, "mdb") == 0)
                g.mdb = 1;
            else if (strcmp(optarg, "rpsl") != 0)
                usage();
            break;
        case 'q': samples = optarg; break;
        default: usage();
        }
    }
    if (optind != argc || g.n < 100)
        usage();
    if (samples != NULL) {
        g.samples = fopen(samples, "w");
        if (g.samples == NULL) {
            perror(samples);
            return 1;
        }
    }
    /* about 5,000 samples of each kind */
    g.sample_every = g.n / 20000 > 0 ? g.n / 20000 : 1;

    g.nmnt = g.n / 100 > 1 ? g.n / 100 : 1;
    g.nperson = g.n * 14 / 100;
    g.nrole = g.n * 3 / 100;
    g.nautnum = g.n * 3 / 100;
    long n6 = g.n * 10 / 100, nr6 = g.n * 3 / 100, nr4 = g.n * 11 / 100;
    long n4 = g.n - g.nmnt - g.nperson - g.nrole - g.nautnum - n6 - nr6 - nr4;

    if (g.mdb)
        fprintf(g.fp, "VERSION=3\nformat=bytevalue\ntype=btree\n"
                "mapsize=%llu\nHEADER=END\n",
                (unsigned long long) g.n * 4096ULL + (1ULL << 30));

    for (long i = 0; i < g.nmnt; i++)
        gen_mntner(&g, i);
    for (long i = 0; i < g.nperson; i++)
        gen_person(&g, i);
    for (long i = 0; i < g.nrole; i++)
        gen_role(&g, i);
    for (long i = 0; i < g.nautnum; i++)
        gen_autnum(&g, i);
    gen_v4(&g, n4, &allocs, &nalloc);
    gen_routes(&g, nr4, allocs, nalloc);
    gen_v6(&g, n6, nr6);
    free(allocs);

    if (g.mdb)
        fprintf(g.fp, "DATA=END\n");
    if (fflush(g.fp) != 0 || ferror(g.fp)) {
        perror("gen: write");
        return 1;
    }
    if (g.samples != NULL && fclose(g.samples) != 0) {
        perror(samples);
        return 1;
    }
    fprintf(stderr, "gen: %ld objects\n", g.written);
    free(g.obj.s);
    free(g.key.s);
    return 0;
}
