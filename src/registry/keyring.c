/*
 * keyring.c - the registry's GnuPG keyring as a cache of the store (see
 * keyring.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/keyring.h"
#include "rpsl/schema.h"

size_t keyring_certif_text(const rpsl_obj_t *obj, buf_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < obj->nattrs; i++) {
        const rpsl_attr_t *a = &obj->attrs[i];
        if (strcasecmp(a->name, "certif") != 0)
            continue;
        n++;
        for (size_t k = 0; k < a->nlines; k++) {
            const char *t = a->lines[k].text ? a->lines[k].text : "";
            if (a->lines[k].cont == '+' && *t == '+')
                t++;
            buf_puts(out, t);
            buf_putc(out, '\n');
        }
    }
    return n;
}

/* Whether @obj is a key-cert holding (or meant to hold) an OpenPGP key. */
static int is_pgp_keycert(const rpsl_obj_t *obj)
{
    const char *method = rpsl_obj_get(obj, "method");
    if (method && *method)
        return strcasecmp(method, "PGP") == 0;
    const char *name = rpsl_obj_get(obj, "key-cert");
    return name == NULL || strncasecmp(name, "X509-", 5) != 0;
}

/* The fingerprint of @obj's fingerpr: (40 upper-case hex digits) into
 * @fpr; "" when it has none. */
static void fingerpr_of(const rpsl_obj_t *obj, char fpr[41])
{
    size_t n = 0;
    for (const char *v = rpsl_obj_get(obj, "fingerpr"); v && *v && n < 40; v++)
        if (isxdigit((unsigned char)*v))
            fpr[n++] = (char)toupper((unsigned char)*v);
    fpr[n == 40 ? 40 : 0] = 0;
}

int keyring_import_obj(pgp_t *pgp, const rpsl_obj_t *obj, pgp_keyinfo_t *info,
                       int *imported, err_t *err)
{
    if (imported)
        *imported = 0;
    if (!is_pgp_keycert(obj))
        return 0;
    buf_t text;
    buf_init(&text);
    int rc;
    if (keyring_certif_text(obj, &text) == 0)
        rc = err_set(err, ERR_SYNTAX, "the key-cert has no certif: attribute");
    else
        rc = pgp_key_import(pgp, text.s, text.len, info, err);
    buf_free(&text);
    if (rc == 0 && imported)
        *imported = 1;
    return rc;
}

int keyring_remove_obj(pgp_t *pgp, const rpsl_obj_t *obj, err_t *err)
{
    if (!is_pgp_keycert(obj))
        return 0;
    buf_t text;
    buf_init(&text);
    keyring_certif_text(obj, &text);
    size_t n = 0;
    pgp_keyinfo_t k;
    memset(&k, 0, sizeof k);
    int rc = 0;
    if (text.len > 0 && pgp_key_inspect(pgp, text.s, text.len, &n, &k, NULL) == 0 &&
        n == 1 && k.fpr[0])
        rc = pgp_key_delete(pgp, k.fpr, err);
    pgp_keyinfo_free(&k);
    buf_free(&text);
    return rc;
}

/* One key-cert gathered for a bulk import. */
struct kc_item {
    char *name;
    char fpr[41];           /* from fingerpr:, "" if absent */
    int bulk;               /* its key went into the bulk import */
    char *text;             /* its certif: text (bulk ones) */
};

/*
 * Key-certs whose key lists another key-cert's primary key as a subkey
 * (stored before keyring_check_obj(), or loaded).  They are not imported:
 * gpg finds a key by the fingerprint of any of its (sub)keys, so with such
 * a key in the home the other key-cert's own key would be merged into it
 * instead of imported, and its owner locked out.
 */
struct claims {
    strv_t prim;            /* "FPR NAME": every key-cert's primary key */
    strv_t subs;            /* "FPR NAME": every subkey */
    strv_t names, why;      /* the claimants and why, in step */
    strv_t shared;          /* warnings: a subkey of two key-certs' keys */
};

static int claims_one(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)cls;
    struct claims *cl = arg;
    rpsl_obj_t *obj = NULL;
    if (rpsl_parse(text, len, 1, 0, &obj, NULL) == 0 && obj && is_pgp_keycert(obj)) {
        buf_t t;
        buf_init(&t);
        strv_t f = STRV_INIT;
        if (keyring_certif_text(obj, &t) > 0)
            pgp_armored_fprs(t.s, t.len, &f, NULL);   /* what it holds, as far as it parses */
        for (size_t i = 0; i < f.n; i++) {
            char *e = xasprintf("%s %s", f.v[i], pkey);
            strv_add(i == 0 ? &cl->prim : &cl->subs, e);
            free(e);
        }
        strv_free(&f);
        buf_free(&t);
    }
    rpsl_obj_free(obj);
    return 0;
}

static int cmp_fpr40(const void *a, const void *b)
{
    return strncmp(*(char *const *)a, *(char *const *)b, 40);
}

/* Fill @cl from the key-certs of @txn. @return 0 or ERR_STORE. */
static int claims_find(store_txn_t *txn, struct claims *cl, err_t *err)
{
    int rc = store_each(txn, SC_KEY_CERT, claims_one, cl, err);
    if (rc)
        return rc;
    strv_sort(&cl->prim);
    strv_sort(&cl->subs);
    for (size_t i = 1; i < cl->subs.n; i++) {
        const char *a = cl->subs.v[i - 1], *b = cl->subs.v[i];
        if (strncmp(a, b, 40) != 0 || strcmp(a + 41, b + 41) == 0)
            continue;
        /* gpg keeps both keys; a signature by the subkey counts for the
         * one key that may sign with it, else for none (pgp.h) */
        char *w = xasprintf("key-certs %s and %s share the subkey %.40s: a key belongs to "
                            "one key-cert only; delete the one that is not its owner's",
                            a + 41, b + 41, a);
        strv_add(&cl->shared, w);
        free(w);
    }
    for (size_t i = 0; i < cl->subs.n; i++) {
        const char *sub = cl->subs.v[i];
        char **hit = cl->prim.n ? bsearch(&sub, cl->prim.v, cl->prim.n, sizeof *cl->prim.v,
                                          cmp_fpr40) : NULL;
        if (hit == NULL || strcmp(*hit + 41, sub + 41) == 0)
            continue;
        char spaced[51];
        char f[41];
        memcpy(f, sub, 40);
        f[40] = 0;
        pgp_fpr_spaced(f, spaced);
        if (strv_add_unique(&cl->names, sub + 41)) {
            char *w = xasprintf("its key lists the key %s of key-cert %s as a subkey: not "
                                "imported (a key belongs to one key-cert only)",
                                spaced, *hit + 41);
            strv_add(&cl->why, w);
            free(w);
        }
    }
    return 0;
}

static void claims_free(struct claims *cl)
{
    strv_free(&cl->prim);
    strv_free(&cl->subs);
    strv_free(&cl->names);
    strv_free(&cl->why);
    strv_free(&cl->shared);
}

struct gather {
    pgp_t *pgp;
    keyring_stats_t *stats;
    diag_list_t *diags;
    const struct claims *claims;
    buf_t armored;          /* the bulk: every usable certif: text */
    struct kc_item *v;
    size_t n, cap;
    err_t *err;
};

static void skip(struct gather *g, const char *name, const char *why)
{
    g->stats->skipped++;
    if (g->diags)
        diag_add(g->diags, DIAG_WARNING, DIAG_OBJECT, "key-cert %s: %s", name, why);
}

static int gather_one(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    struct gather *g = arg;
    (void)cls;
    rpsl_obj_t *obj = NULL;
    if (rpsl_parse(text, len, 1, 0, &obj, NULL) != 0 || obj == NULL) {
        skip(g, pkey, "the stored object cannot be parsed");
        rpsl_obj_free(obj);
        return 0;
    }
    if (!is_pgp_keycert(obj)) {
        skip(g, pkey, "no OpenPGP key (not a PGPKEY key-cert)");
        rpsl_obj_free(obj);
        return 0;
    }
    long claim = strv_find(&g->claims->names, pkey);
    if (claim >= 0) {
        skip(g, pkey, g->claims->why.v[claim]);
        rpsl_obj_free(obj);
        return 0;
    }
    buf_t t;
    buf_init(&t);
    keyring_certif_text(obj, &t);
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->v = xrealloc(g->v, g->cap * sizeof *g->v);
    }
    struct kc_item *it = &g->v[g->n++];
    memset(it, 0, sizeof *it);
    it->name = xstrdup(pkey);
    fingerpr_of(obj, it->fpr);
    static const char begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    if (t.len == 0) {
        skip(g, pkey, "the key-cert has no certif: attribute");
    } else if (strstr(t.s, "PRIVATE KEY BLOCK") != NULL) {
        skip(g, pkey, "secret key material is refused");
    } else if (it->fpr[0] == 0 || strstr(t.s, begin) == NULL ||
               strstr(strstr(t.s, begin) + 1, begin) != NULL) {
        /* no fingerprint to check the bulk against, or several blocks:
         * one by one, with the exactly-one-key check */
        int imported = 0;
        err_t e = ERR_INIT;
        int rc = keyring_import_obj(g->pgp, obj, NULL, &imported, &e);
        if (rc == ERR_CRYPTO) {
            err_set(g->err, ERR_CRYPTO, "key-cert %s: %s", pkey, err_text(&e));
            err_free(&e);
            buf_free(&t);
            rpsl_obj_free(obj);
            return ERR_CRYPTO;
        }
        if (rc != 0 || !imported)
            skip(g, pkey, rc ? err_text(&e) : "no key imported");
        else
            g->stats->imported++;
        err_free(&e);
    } else {
        it->bulk = 1;
        it->text = xstrdup(t.s);
        buf_put(&g->armored, t.s, t.len);
    }
    buf_free(&t);
    rpsl_obj_free(obj);
    return 0;
}

int keyring_import_all(store_t *st, pgp_t *pgp, keyring_stats_t *stats,
                       diag_list_t *diags, err_t *err)
{
    keyring_stats_t local;
    if (stats == NULL)
        stats = &local;
    size_t removed = stats == &local ? 0 : stats->removed;
    memset(stats, 0, sizeof *stats);
    stats->removed = removed;
    store_txn_t *txn = NULL;
    int rc = store_read_begin(st, &txn, err);
    if (rc)
        return rc;
    struct gather g;
    memset(&g, 0, sizeof g);
    g.pgp = pgp;
    g.stats = stats;
    g.diags = diags;
    g.err = err;
    buf_init(&g.armored);
    struct claims cl;
    memset(&cl, 0, sizeof cl);
    g.claims = &cl;
    rc = claims_find(txn, &cl, err);
    if (rc == 0)
        rc = store_each(txn, SC_KEY_CERT, gather_one, &g, err);
    store_read_end(txn);
    for (size_t i = 0; diags && i < cl.shared.n; i++)
        diag_add(diags, DIAG_WARNING, DIAG_OBJECT, "%s", cl.shared.v[i]);
    claims_free(&cl);
    strv_t got = STRV_INIT;
    if (rc == 0 && g.armored.len > 0)
        rc = pgp_key_import_many(pgp, g.armored.s, g.armored.len, &got, err);
    /* each bulk key-cert counts when its fingerprint came in; keys that
     * belong to no key-cert (a certif: with several keys) go again */
    strv_t wanted = STRV_INIT;
    for (size_t i = 0; i < g.n; i++) {
        struct kc_item *it = &g.v[i];
        if (rc == 0 && it->bulk) {
            if (strv_find(&got, it->fpr) >= 0) {
                stats->imported++;
                strv_add(&wanted, it->fpr);
            } else {
                /* fingerpr: is not the key of certif: (legacy data): the
                 * key alone, exactly one, with a warning */
                pgp_keyinfo_t info;
                memset(&info, 0, sizeof info);
                err_t e = ERR_INIT;
                int r = pgp_key_import(pgp, it->text, strlen(it->text), &info, &e);
                if (r == ERR_CRYPTO) {
                    rc = err_set(err, ERR_CRYPTO, "key-cert %s: %s", it->name, err_text(&e));
                } else if (r != 0) {
                    skip(&g, it->name, err_text(&e));
                } else {
                    stats->imported++;
                    strv_add(&wanted, info.fpr);
                    if (diags)
                        diag_add(diags, DIAG_WARNING, DIAG_OBJECT,
                                 "key-cert %s: fingerpr: is not the fingerprint of the key "
                                 "in certif: (%s); the key was imported", it->name, info.fpr);
                }
                err_free(&e);
                pgp_keyinfo_free(&info);
            }
        }
        free(it->name);
        free(it->text);
    }
    for (size_t i = 0; rc == 0 && i < got.n; i++)
        if (strv_find(&wanted, got.v[i]) < 0)
            rc = pgp_key_delete(pgp, got.v[i], err);
    strv_free(&wanted);
    strv_free(&got);
    free(g.v);
    buf_free(&g.armored);
    if (rc == 0) {
        /* the key data cache for the robot's first signed mail (pgp.h);
         * only an optimisation: a failure leaves it to that mail */
        err_t e = ERR_INIT;
        pgp_key_cache_update(pgp, &e);
        err_free(&e);
    }
    return rc;
}

int keyring_rebuild(store_t *st, pgp_t *pgp, keyring_stats_t *stats,
                    diag_list_t *diags, err_t *err)
{
    keyring_stats_t local;
    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    strv_t fprs;
    strv_init(&fprs);
    int rc = pgp_key_list(pgp, &fprs, err);
    for (size_t i = 0; rc == 0 && i < fprs.n; i++) {
        rc = pgp_key_delete(pgp, fprs.v[i], err);
        if (rc == 0)
            stats->removed++;
    }
    strv_free(&fprs);
    if (rc)
        return rc;
    return keyring_import_all(st, pgp, stats, diags, err);
}

struct fpr_hit {
    const char *except;     /* a key-cert name that does not count, or NULL */
    char *name;             /* the key-cert found (malloc'd) */
};

static int fpr_hit_fn(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)text;
    (void)len;
    struct fpr_hit *h = arg;
    if (cls != SC_KEY_CERT || (h->except && strcasecmp(pkey, h->except) == 0))
        return 0;
    h->name = xstrdup(pkey);
    return 1;
}

/* The key-cert of @txn whose fingerpr: is @fpr (40 hex digits), other than
 * @except: 1 (its name into *name, malloc'd, if @name), 0 none, or an
 * ERR_* status. */
static int keycert_of_fpr(store_txn_t *txn, const char *fpr, const char *except, char **name,
                          err_t *err)
{
    char spaced[51];
    pgp_fpr_spaced(fpr, spaced);
    char *dbl = strstr(spaced, "  ");   /* stored values: white space runs collapsed */
    if (dbl)
        memmove(dbl, dbl + 1, strlen(dbl + 1) + 1);
    struct fpr_hit h = { except, NULL };
    int rc = store_inverse(txn, SA_FINGERPR, spaced, fpr_hit_fn, &h, err);
    if (rc != 0 && rc != 1) {
        free(h.name);
        return rc;
    }
    if (h.name == NULL)
        return 0;
    if (name)
        *name = h.name;
    else
        free(h.name);
    return 1;
}

int keyring_check_obj(store_txn_t *txn, pgp_t *pgp, const char *pkey,
                      const pgp_keyinfo_t *info, char **why, strv_t *warn, err_t *err)
{
    *why = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && *why == NULL && i < info->fprs.n; i++) {
        const char *f = info->fprs.v[i];
        const char *what = i == 0 ? "primary key" : "subkey";
        char spaced[51];
        pgp_fpr_spaced(f, spaced);
        for (size_t k = 0; k < i && *why == NULL; k++)
            if (strcmp(info->fprs.v[k], f) == 0)
                *why = xasprintf("The supplied key holds the key %s twice", spaced);
        if (*why)
            break;
        char *other = NULL;
        int r = keycert_of_fpr(txn, f, pkey, &other, err);
        if (r == 1)
            *why = xasprintf("The %s %s of the supplied key is the key of key-cert %s: "
                             "a key belongs to one key-cert only", what, spaced, other);
        else if (r != 0)
            rc = r;
        free(other);
        if (rc || *why)
            break;
        /* a (sub)key of another key-cert's key */
        strv_t holders = STRV_INIT;
        rc = pgp_key_holders(pgp, f, 1, &holders, err);
        for (size_t k = 0; rc == 0 && *why == NULL && k < holders.n; k++) {
            if (strcmp(holders.v[k], info->fpr) == 0)
                continue;
            other = NULL;
            r = keycert_of_fpr(txn, holders.v[k], pkey, &other, err);
            if (r == 1 && i == 0) {
                /* the supplied primary key is only a subkey of the other
                 * key: its owner wins (keyring_commit_obj) */
                if (warn) {
                    char *w = xasprintf("The primary key %s of the supplied key is a subkey of "
                                        "key-cert %s: the key belongs to this key-cert, and "
                                        "%s authorises nothing until its maintainer removes "
                                        "that subkey from it", spaced, other, other);
                    strv_add_unique(warn, w);
                    free(w);
                }
            } else if (r == 1) {
                *why = xasprintf("The %s %s of the supplied key is already a key of key-cert "
                                 "%s: a key belongs to one key-cert only", what, spaced, other);
            } else if (r != 0)
                rc = r;
            free(other);
        }
        strv_free(&holders);
    }
    if (rc) {
        free(*why);
        *why = NULL;
    }
    return rc;
}

/* Delete from the keyring every key other than @fpr's own that holds
 * @fpr (a primary key of a key-cert) as a subkey, each named in @warn
 * (may be NULL): gpg would merge the key @fpr into such a key on import. */
static int drop_claimants(store_t *st, pgp_t *pgp, const char *pkey, const char *fpr,
                          strv_t *warn, err_t *err)
{
    strv_t holders = STRV_INIT;
    /* from gpg: the cache is stale after each key-cert of the mail */
    int rc = pgp_key_holders(pgp, fpr, 0, &holders, err);
    for (size_t i = 0; rc == 0 && i < holders.n; i++) {
        if (strcasecmp(holders.v[i], fpr) == 0)
            continue;
        rc = pgp_key_delete(pgp, holders.v[i], err);
        if (rc != 0 || warn == NULL)
            continue;
        /* the key-cert that loses its key, for the log */
        char *other = NULL;
        store_txn_t *txn = NULL;
        if (store_read_begin(st, &txn, NULL) == 0) {
            keycert_of_fpr(txn, holders.v[i], pkey, &other, NULL);
            store_read_end(txn);
        }
        char *w = xasprintf("the key %s of key-cert %s was deleted from the keyring: it "
                            "holds the primary key of key-cert %s as a subkey",
                            holders.v[i], other ? other : "(none)", pkey);
        strv_add(warn, w);
        free(w);
        free(other);
    }
    strv_free(&holders);
    return rc;
}

int keyring_commit_obj(store_t *st, pgp_t *pgp, const char *pkey, const rpsl_obj_t *old,
                       strv_t *warn, err_t *err)
{
    if (pkey == NULL)
        pkey = old ? rpsl_obj_get(old, "key-cert") : NULL;
    if (pkey == NULL)
        return 0;
    store_txn_t *txn = NULL;
    int rc = store_read_begin(st, &txn, err);
    if (rc)
        return rc;
    rpsl_obj_t *cur = NULL;
    rc = store_obj_load(txn, SC_KEY_CERT, pkey, &cur, err);
    store_read_end(txn);
    if (rc == ERR_NOTFOUND)
        rc = 0;
    char oldfpr[41] = "", curfpr[41] = "";
    if (old)
        fingerpr_of(old, oldfpr);
    if (rc == 0 && cur && is_pgp_keycert(cur)) {
        fingerpr_of(cur, curfpr);
        /* the key as stored, not merged into what the keyring had: nor
         * into another key listing it as a subkey (the primary key's
         * owner wins, keyring_check_obj) */
        if (curfpr[0])
            rc = drop_claimants(st, pgp, pkey, curfpr, warn, err);
        if (rc == 0 && curfpr[0])
            rc = pgp_key_delete(pgp, curfpr, err);
        if (rc == 0)
            rc = keyring_import_obj(pgp, cur, NULL, NULL, err);
    }
    rpsl_obj_free(cur);
    if (rc == 0 && old && (oldfpr[0] == 0 || strcmp(oldfpr, curfpr) != 0))
        rc = keyring_forget_obj(st, pgp, old, err);
    return rc;
}

int keyring_forget_obj(store_t *st, pgp_t *pgp, const rpsl_obj_t *old, err_t *err)
{
    if (!is_pgp_keycert(old))
        return 0;
    /* the fingerprint: from fingerpr:, else from the key itself */
    char fpr[41];
    fingerpr_of(old, fpr);
    if (fpr[0] == 0) {
        buf_t text;
        buf_init(&text);
        keyring_certif_text(old, &text);
        size_t nk = 0;
        pgp_keyinfo_t k;
        memset(&k, 0, sizeof k);
        if (text.len == 0 || pgp_key_inspect(pgp, text.s, text.len, &nk, &k, NULL) != 0 ||
            nk != 1 || strlen(k.fpr) != 40)
            k.fpr[0] = 0;
        memcpy(fpr, k.fpr, sizeof fpr);
        pgp_keyinfo_free(&k);
        buf_free(&text);
        if (fpr[0] == 0)
            return 0;
    }
    store_txn_t *txn = NULL;
    int rc = store_read_begin(st, &txn, err);
    if (rc)
        return rc;
    rc = keycert_of_fpr(txn, fpr, NULL, NULL, err);
    store_read_end(txn);
    if (rc == 1)
        return 0;
    if (rc)
        return rc;
    return pgp_key_delete(pgp, fpr, err);
}

/* ---- key-cert generated attributes (robot and autodbm-load) ---- */

int keyring_is_pgp_name(const char *pkey)
{
    return strncasecmp(pkey, "PGPKEY-", 7) == 0;
}

int keyring_keycert_key(pgp_t *pgp, const rpsl_obj_t *o, const char *pkey,
                        pgp_keyinfo_t *info, diag_list_t *d)
{
    long cert = rpsl_obj_find(o, "certif", 0);
    buf_t text;
    buf_init(&text);
    keyring_certif_text(o, &text);
    size_t nkeys = 0;
    err_t e = ERR_INIT;
    /* plain public key packets only, before gpg reads them (a compressed
     * packet unpacks into minutes of gpg; pgp_armored_fprs); secret key
     * material is refused without gpg */
    int secret = text.s != NULL && strstr(text.s, "-----BEGIN PGP PRIVATE KEY BLOCK-----");
    strv_t plain = STRV_INIT;
    int plain_ok = secret || pgp_armored_fprs(text.s, text.len, &plain, NULL) == 0;
    strv_free(&plain);
    int rc = plain_ok && !secret ? pgp_key_inspect(pgp, text.s, text.len, &nkeys, info, &e)
                                 : 0;
    int at = cert >= 0 ? (int)cert : DIAG_OBJECT;
    int bad = 1;
    if (secret)
        diag_add(d, DIAG_ERROR, at,
                 "The supplied object holds a secret key: submit the public key only");
    else if (!plain_ok)
        diag_add(d, DIAG_ERROR, at, "The key could not be read: the certif: must hold "
                 "one armored public key block of plain key packets (no compressed data)");
    else if (rc == ERR_CRYPTO)
        diag_add(d, DIAG_ERROR, at, "The key could not be read: %s", err_text(&e));
    else if (rc != 0 || nkeys == 0)
        diag_add(d, DIAG_ERROR, at, "The supplied object has no key");
    else if (info->secret)
        diag_add(d, DIAG_ERROR, at,
                 "The supplied object holds a secret key: submit the public key only");
    else if (nkeys > 1)
        diag_add(d, DIAG_ERROR, at, "The supplied object has multiple keys");
    else if (info->revoked)
        diag_add(d, DIAG_ERROR, at, "The supplied key is revoked");
    else if (info->invalid)
        diag_add(d, DIAG_ERROR, at, "The supplied key has no user ID with a valid "
                 "self-signature: the key's owner signs its user ID with its primary key");
    else
        bad = 0;
    err_free(&e);
    buf_free(&text);
    if (!bad) {
        char want[16];
        pgp_keycert_name(info->fpr, want);
        if (strcasecmp(want, pkey) != 0) {
            diag_add(d, DIAG_ERROR, 0,
                     "The key-cert name must be %s (PGPKEY- and the last 8 hex digits of "
                     "the key's fingerprint)", want);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

void keyring_keycert_generate(rpsl_obj_t *o, const pgp_keyinfo_t *info, diag_list_t *d)
{
    char spaced[51];
    pgp_fpr_spaced(info->fpr, spaced);
    /* the generated values, in template order */
    strv_t names = STRV_INIT, values = STRV_INIT;
    strv_add(&names, "method");
    strv_add(&values, "PGP");
    for (size_t i = 0; i < info->owners.n; i++) {
        strv_add(&names, "owner");
        strv_add(&values, info->owners.v[i]);
    }
    strv_add(&names, "fingerpr");
    strv_add(&values, spaced);
    static const char *const gen[] = { "method", "owner", "fingerpr" };
    for (size_t g = 0; g < 3; g++) {
        /* supplied values that differ from the generated ones: a warning */
        size_t k = 0, nsup = 0;
        int differs = 0;
        long i;
        while ((i = rpsl_obj_find(o, gen[g], 0)) >= 0) {
            while (k < names.n && strcmp(names.v[k], gen[g]) != 0)
                k++;
            if (k >= names.n || !rpsl_value_equal(o->attrs[i].value, values.v[k]))
                differs = 1;
            k++;
            nsup++;
            rpsl_obj_remove(o, (size_t)i);
        }
        size_t ngen = 0;
        for (size_t x = 0; x < names.n; x++)
            ngen += strcmp(names.v[x], gen[g]) == 0;
        if (nsup && (differs || nsup != ngen))
            diag_add(d, DIAG_WARNING, DIAG_OBJECT,
                     "Supplied attribute '%s' has been replaced with a generated value", gen[g]);
    }
    for (size_t x = 0; x < names.n; x++) {
        size_t i = rpsl_obj_insert(o, 1 + x, names.v[x], values.v[x]);
        o->attrs[i].aid = strcmp(names.v[x], "method") == 0  ? SA_METHOD
                          : strcmp(names.v[x], "owner") == 0 ? SA_OWNER
                                                             : SA_FINGERPR;
    }
    strv_free(&names);
    strv_free(&values);
}
