/*
 * authz.c - the registry's authorisation rules (see authz.h).
 *
 * A check names candidate maintainers; it passes when the credentials
 * match an auth: line of any of them (auth.txt A1); all checks that apply
 * must pass (A2).  Each failing check is reported in RIPE's wording and
 * the maintainers whose upd-to: must hear of it are collected.
 *
 * Hierarchical checks (create only, A4) find the object that owns the
 * space the new object lives in: an address look-up for inet(6)num,
 * route(6) and reverse domains, a walk over the as-blocks for aut-num,
 * the name up to the last ':' for hierarchical set names, the stored
 * as-blocks a new as-block overlaps.  When the registry has no such
 * object at all (a small registry has no 0/0 root), the configured power
 * maintainers stand in for the root's owner; with none configured the
 * check does not apply.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/auth.h"
#include "registry/authz.h"
#include "util/buf.h"
#include "util/ipaddr.h"
#include "rpsl/asn.h"
#include "rpsl/schema.h"

void authz_res_init(authz_res_t *r)
{
    r->passed = 1;
    strv_init(&r->by);
    strv_init(&r->upd_to);
}

void authz_res_free(authz_res_t *r)
{
    strv_free(&r->by);
    strv_free(&r->upd_to);
}

static int has_attr(const rpsl_obj_t *o, int aid)
{
    return o != NULL && rpsl_obj_find_aid(o, aid, 0) >= 0;
}

/* "[person] TP1-TEST" for authorisation messages: RIPE prints the key
 * alone here (RpslObject.getKey), the person's or role's name only in the
 * ack's form of the key (proc_key_display). */
static char *key_of(const rpsl_obj_t *o)
{
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "[%s] ", schema_class_name(o->cls));
    schema_pkey(o, &b);
    return buf_steal(&b);
}

/* The object being created, if any: the only submitted object that may
 * stand for itself (auth_run). */
static const rpsl_obj_t *created(const authz_req_t *q)
{
    return q->op == PROC_CREATE ? q->obj : NULL;
}

static int has_power(const authz_req_t *q)
{
    return q->policy && q->policy->power_maintainers && q->policy->power_maintainers->n;
}

/* Is @name one of the configured power maintainers? */
static int is_power(const authz_req_t *q, const char *name)
{
    return has_power(q) && strv_find(q->policy->power_maintainers, name) >= 0;
}

/* Do the credentials satisfy one of the power maintainers?  (0/1 in
 * *ok; the matching credentials are added to @by.) */
static int power_ok(const authz_req_t *q, strv_t *by, int *ok, err_t *err)
{
    *ok = 0;
    if (!has_power(q))
        return 0;
    auth_check_t pw;
    auth_check_init(&pw);
    int rc = auth_run(q->txn, SC_MNTNER, q->policy->power_maintainers, NULL, q->creds, &pw, err);
    if (rc == 0 && pw.passed) {
        *ok = 1;
        for (size_t i = 0; by && i < pw.by.n; i++)
            strv_add_unique(by, pw.by.v[i]);
    }
    auth_check_free(&pw);
    return rc;
}

/* One check, see run_check(). */
struct check {
    const strv_t *names;        /* candidate maintainers (or irt objects) */
    int cls;                    /* SC_MNTNER or SC_IRT */
    const char *attr;           /* the attribute they came from */
    const rpsl_obj_t *subject;  /* the object whose attribute it is */
    int parent;                 /* "Authorisation for parent ..." */
    const rpsl_obj_t *created;  /* an object being created that may vouch
                                   for its own name (auth_run), or NULL */
    const strv_t *tell;         /* mntners whose upd-to: hears of a failure
                                   (NULL: @names) */
};

/*
 * Run one check.  A failure adds RIPE's message to @diags (A1-A3 of
 * messages.txt), clears res->passed and adds the maintainers to tell to
 * res->upd_to.  *ok (may be NULL) receives the outcome.
 */
static int run_check(const authz_req_t *q, const struct check *k, diag_list_t *diags,
                     authz_res_t *res, int *ok, err_t *err)
{
    auth_check_t chk;
    auth_check_init(&chk);
    int rc = auth_run(q->txn, k->cls, k->names, k->created, q->creds, &chk, err);
    if (rc == 0 && !chk.passed) {
        /* the database administration may authorise anything */
        int pw;
        rc = power_ok(q, &chk.by, &pw, err);
        if (rc == 0 && pw)
            chk.passed = 1;
    }
    if (ok)
        *ok = rc == 0 && chk.passed;
    if (rc == 0) {
        if (chk.passed) {
            for (size_t i = 0; i < chk.by.n; i++)
                strv_add_unique(&res->by, chk.by.v[i]);
        } else {
            res->passed = 0;
            const strv_t *tell = k->tell ? k->tell : (k->cls == SC_MNTNER ? k->names : NULL);
            for (size_t i = 0; tell && i < tell->n; i++)
                strv_add_unique(&res->upd_to, tell->v[i]);
            buf_t b;
            buf_init(&b);
            for (size_t i = 0; i < k->names->n; i++)
                buf_printf(&b, "%s%s", i ? ", " : "", k->names->v[i]);
            char *key = key_of(k->subject);
            if (chk.candidates == 0)
                diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                         "Authorisation for %s%s failed\nusing \"%s:\"\nno valid maintainer found",
                         k->parent ? "parent " : "", key, k->attr);
            else
                diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                         "Authorisation for %s%s failed\nusing \"%s:\"\nnot authenticated by: %s",
                         k->parent ? "parent " : "", key, k->attr, b.s);
            free(key);
            buf_free(&b);
        }
    }
    auth_check_free(&chk);
    return rc;
}

/* A check on attribute @aid of @holder ("mnt-lower else mnt-by" and the
 * like are decided by the caller). */
static int check_attr(const authz_req_t *q, const rpsl_obj_t *holder, int aid, int parent,
                      diag_list_t *diags, authz_res_t *res, err_t *err)
{
    strv_t names = STRV_INIT;
    schema_obj_values(holder, aid, &names);
    struct check k = { &names, SC_MNTNER, schema_attr_name(aid), holder, parent, NULL, NULL };
    int rc = run_check(q, &k, diags, res, NULL, err);
    strv_free(&names);
    return rc;
}

/* The stand-in for a missing root object: the power maintainers, if any,
 * must authorise the creation of @o (reported against @o's @attr). */
static int check_root(const authz_req_t *q, const char *attr, diag_list_t *diags,
                      authz_res_t *res, err_t *err)
{
    if (!has_power(q))
        return 0;
    struct check k = { q->policy->power_maintainers, SC_MNTNER, attr, q->obj, 0, NULL, NULL };
    return run_check(q, &k, diags, res, NULL, err);
}

/* ------------------------------------------------------------------ */
/* Key-certs named in auth:                                           */

static int mntner_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)text;
    (void)len;
    if (cls == SC_MNTNER)
        strv_add_unique(arg, pkey);
    return 0;
}

/*
 * The stored mntners whose auth: names the key-cert @kc hold it as a
 * credential: each of them must authorise (a check of its own).  *users
 * receives how many there are.
 */
static int check_keycert_users(const authz_req_t *q, const rpsl_obj_t *kc, diag_list_t *diags,
                               authz_res_t *res, size_t *users, err_t *err)
{
    buf_t key;
    buf_init(&key);
    strv_t names = STRV_INIT;
    int rc = schema_pkey(kc, &key) == 0
           ? store_inverse(q->txn, SA_AUTH, key.s, mntner_hit, &names, err) : 0;
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        strv_t one = STRV_INIT;
        strv_add(&one, names.v[i]);
        struct check k = { &one, SC_MNTNER, "auth", kc, 0, NULL, NULL };
        rc = run_check(q, &k, diags, res, NULL, err);
        strv_free(&one);
    }
    *users = names.n;
    strv_free(&names);
    buf_free(&key);
    return rc;
}

/* ------------------------------------------------------------------ */
/* MNTBY                                                              */

/* MNTBY (auth.txt A3): create -> the new mnt-by; modify -> the stored one
 * (the new one if the stored object has none); delete -> the stored one,
 * no check at all if it has none.  Only a new mntner authorises itself
 * with its submitted auth: lines; a stored one, whatever the operation,
 * with its stored ones.  A stored mntner or irt without mnt-by: (a
 * historic import) holds its own credentials: it is modified or deleted
 * only with its stored auth: lines, never adopted by naming another
 * maintainer in the new mnt-by:; so is a stored key-cert without mnt-by:
 * that stored mntners name in auth: (check_keycert_users).  *ran says
 * whether a check applied. */
static int check_mntby(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, int *ran,
                       err_t *err)
{
    if (q->op != PROC_CREATE && q->old && !has_attr(q->old, SA_MNT_BY) &&
        q->old->cls == SC_KEY_CERT) {
        /* a stored key-cert without mnt-by: (a historic import) that
         * mntners name in auth: is their credential: changed only with
         * each of them, never adopted by naming a maintainer */
        size_t users;
        int rc = check_keycert_users(q, q->old, diags, res, &users, err);
        *ran = users > 0;
        if (rc || users)
            return rc;
    }
    const rpsl_obj_t *subject = q->obj;
    if (q->op != PROC_CREATE && q->old && has_attr(q->old, SA_MNT_BY))
        subject = q->old;
    strv_t names = STRV_INIT;
    struct check k = { &names, SC_MNTNER, "mnt-by", subject, 0, created(q), NULL };
    if (q->op != PROC_CREATE && q->old && !has_attr(q->old, SA_MNT_BY) &&
        (q->old->cls == SC_MNTNER || q->old->cls == SC_IRT)) {
        buf_t key;
        buf_init(&key);
        schema_pkey(q->old, &key);
        strv_add(&names, key.s);
        buf_free(&key);
        k.cls = q->old->cls;
        k.attr = "auth";
        k.subject = q->old;
    } else {
        schema_obj_values(subject, SA_MNT_BY, &names);
    }
    int rc = 0;
    *ran = names.n > 0;
    if (names.n)
        rc = run_check(q, &k, diags, res, NULL, err);
    strv_free(&names);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Address look-ups                                                   */

static int hit_key(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)cls;
    (void)text;
    (void)len;
    strv_add(arg, pkey);
    return 0;
}

static void objs_free(rpsl_obj_t **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rpsl_obj_free(v[i]);
    free(v);
}

/*
 * The objects of class @cls in relation @rel to @r.  With @smallest only
 * those with the smallest range found are kept (the first level of a
 * LESS_ALL look-up: several routes may share one prefix).
 */
static int addr_objs(const authz_req_t *q, int cls, const ip_range_t *r, enum store_rel rel,
                     int smallest, rpsl_obj_t ***out, size_t *nout, err_t *err)
{
    strv_t keys = STRV_INIT;
    *out = NULL;
    *nout = 0;
    int rc = store_addr(q->txn, cls, r, rel, hit_key, &keys, err);
    if (rc) {
        strv_free(&keys);
        return rc;
    }
    rpsl_obj_t **v = xcalloc(keys.n + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < keys.n; i++) {
        rpsl_obj_t *o = NULL;
        rc = store_obj_load(q->txn, cls, keys.v[i], &o, err);
        if (rc == ERR_NOTFOUND) {
            rc = 0;
            continue;
        }
        if (rc)
            break;
        v[n++] = o;
    }
    strv_free(&keys);
    if (rc) {
        objs_free(v, n);
        return rc;
    }
    if (smallest && n > 1) {
        /* results come largest first: keep the ones equal to the last */
        ip_range_t last, cur;
        if (schema_obj_range(v[n - 1], &last) == 0) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                if (schema_obj_range(v[i], &cur) == 0 && ip_range_equal(&cur, &last))
                    v[k++] = v[i];
                else
                    rpsl_obj_free(v[i]);
            }
            n = k;
        }
    }
    *out = v;
    *nout = n;
    return 0;
}

static int is_root(const ip_range_t *r)
{
    size_t n = ip_addr_len(r->af);
    for (size_t i = 0; i < n; i++)
        if (r->lo[i] != 0 || r->hi[i] != 0xff)
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* PIP: inetnum / inet6num create (C4)                                */

static int check_pip(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    ip_range_t r;
    if (schema_obj_range(q->obj, &r) != 0)
        return 0;
    rpsl_obj_t **v;
    size_t n;
    int rc = addr_objs(q, q->obj->cls, &r, STORE_LESS_ONE, 0, &v, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        rc = check_root(q, "mnt-lower", diags, res, err);
    else
        rc = check_attr(q, v[0], has_attr(v[0], SA_MNT_LOWER) ? SA_MNT_LOWER : SA_MNT_BY, 1,
                        diags, res, err);
    objs_free(v, n);
    return rc;
}

/* ------------------------------------------------------------------ */
/* ROUTE: route / route6 create (C1)                                  */

/* Does the range list of mnt-routes: value @v cover prefix @r (length
 * @len)?  No list or ANY covers everything. */
static int mnt_routes_covers(const char *v, const ip_range_t *r, int len)
{
    const char *p = v + strcspn(v, " \t{");
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == 0 || strncasecmp(p, "ANY", 3) == 0)
        return 1;
    if (*p != '{')
        return 0;
    p++;
    while (*p && *p != '}') {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ",}");
        size_t pl = strcspn(p, "^,} \t");
        if (pl > n)
            pl = n;
        ip_range_t pr;
        int plen;
        if (pl > 0 && ip_parse_prefix(p, pl, r->af, 0, &pr, &plen) == 0 &&
            ip_range_contains(&pr, r)) {
            int lo = plen, hi = plen;   /* no operator: the prefix itself */
            const char *op = p + pl;
            if (*op == '^') {
                op++;
                if (*op == '-') {
                    lo = plen + 1;
                    hi = 128;
                } else if (*op == '+') {
                    hi = 128;
                } else if (isdigit((unsigned char)*op)) {
                    char *end;
                    lo = hi = (int)strtol(op, &end, 10);
                    if (*end == '-' && isdigit((unsigned char)end[1]))
                        hi = (int)strtol(end + 1, NULL, 10);
                }
            }
            if (len >= lo && len <= hi)
                return 1;
        }
        p += n;
    }
    return 0;
}

/* The check of one level of candidates @v (@n > 0) of the new route @r
 * (prefix length @plen), @exact when they have its very prefix: steps 2-4
 * of C1. */
static int check_route_level(const authz_req_t *q, rpsl_obj_t **v, size_t n, int exact,
                             const ip_range_t *r, int plen, diag_list_t *diags,
                             authz_res_t *res, err_t *err)
{
    int routes = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        routes |= has_attr(v[i], SA_MNT_ROUTES);
        lower |= has_attr(v[i], SA_MNT_LOWER);
    }
    int aid = routes ? SA_MNT_ROUTES : (!exact && lower) ? SA_MNT_LOWER : SA_MNT_BY;
    strv_t names = STRV_INIT;
    for (size_t i = 0; i < n; i++) {
        const rpsl_obj_t *o = v[i];
        for (size_t k = 0; k < o->nattrs; k++) {
            if (o->attrs[k].aid != aid)
                continue;
            if (aid == SA_MNT_ROUTES) {
                if (mnt_routes_covers(o->attrs[k].value, r, plen)) {
                    const char *val = o->attrs[k].value;
                    char *name = xstrndup(val, strcspn(val, " \t{"));
                    strv_add_unique(&names, name);
                    free(name);
                }
            } else {
                rpsl_list_collect(o->attrs[k].value, &names);
            }
        }
    }
    /* the first candidate holding the attribute names the check */
    const rpsl_obj_t *subject = v[0];
    for (size_t i = 0; i < n; i++)
        if (has_attr(v[i], aid)) {
            subject = v[i];
            break;
        }
    struct check k = { &names, SC_MNTNER, schema_attr_name(aid), subject, 0, NULL, NULL };
    int rc = run_check(q, &k, diags, res, NULL, err);
    strv_free(&names);
    return rc;
}

/* The exact or closest enclosing inet(6)num of @r: *@exact says which. */
static int route_inetnums(const authz_req_t *q, const ip_range_t *r, rpsl_obj_t ***v,
                          size_t *n, int *exact, err_t *err)
{
    int inet = q->obj->cls == SC_ROUTE ? SC_INETNUM : SC_INET6NUM;
    *exact = 1;
    int rc = addr_objs(q, inet, r, STORE_EXACT, 0, v, n, err);
    if (rc == 0 && *n == 0) {
        free(*v);
        *exact = 0;
        rc = addr_objs(q, inet, r, STORE_LESS_ONE, 0, v, n, err);
    }
    return rc;
}

/*
 * ROUTE (C1).  When the level found is less specific routes and an
 * inet(6)num lies between them and the new prefix, that inet(6)num's
 * check applies too: a covering route may have been created where
 * nothing covered it (no root object, no power maintainers) after, or
 * before, someone else's inet(6)num inside it, and must not stand in for
 * that inet(6)num's mnt-routes.
 */
static int check_route(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    ip_range_t r;
    if (schema_obj_range(q->obj, &r) != 0)
        return 0;
    int plen = ip_range_prefixlen(&r);
    rpsl_obj_t **v;
    size_t n;
    int exact = 1, of_routes = 1;
    int rc = addr_objs(q, q->obj->cls, &r, STORE_EXACT, 0, &v, &n, err);
    if (rc == 0 && n == 0) {
        free(v);
        exact = 0;
        rc = addr_objs(q, q->obj->cls, &r, STORE_LESS_ALL, 1, &v, &n, err);
    }
    if (rc == 0 && n == 0) {
        free(v);
        of_routes = 0;
        rc = route_inetnums(q, &r, &v, &n, &exact, err);
    }
    if (rc)
        return rc;
    if (n == 0) {
        free(v);
        return check_root(q, "mnt-routes", diags, res, err);
    }
    rc = check_route_level(q, v, n, exact, &r, plen, diags, res, err);
    ip_range_t rr;
    if (rc == 0 && of_routes && !exact && schema_obj_range(v[0], &rr) == 0) {
        rpsl_obj_t **w;
        size_t m;
        int wexact;
        ip_range_t ir;
        rc = route_inetnums(q, &r, &w, &m, &wexact, err);
        if (rc == 0 && m > 0 && schema_obj_range(w[0], &ir) == 0 &&
            ip_range_contains(&rr, &ir) && !ip_range_equal(&rr, &ir))
            rc = check_route_level(q, w, m, wexact, &r, plen, diags, res, err);
        objs_free(w, m);
    }
    objs_free(v, n);
    return rc;
}

/* ------------------------------------------------------------------ */
/* DOM: reverse domain create (C2)                                    */

static int is_enum_domain(const rpsl_obj_t *o)
{
    const char *d = o->attrs[0].value;
    size_t n = strlen(d);
    while (n && d[n - 1] == '.')
        n--;
    return n >= 9 && strncasecmp(d + n - 9, "e164.arpa", 9) == 0;
}

static int check_domain(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    if (is_enum_domain(q->obj)) {
        if (!has_power(q))
            return 0;
        int ok;
        int rc = power_ok(q, &res->by, &ok, err);
        if (rc == 0 && !ok) {
            res->passed = 0;
            for (size_t i = 0; i < q->policy->power_maintainers->n; i++)
                strv_add_unique(&res->upd_to, q->policy->power_maintainers->v[i]);
            diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                     "Creating enum domain requires administrative authorisation");
        }
        return rc;
    }
    ip_range_t r;
    if (schema_obj_range(q->obj, &r) != 0)
        return 0;
    int inet = r.af == 4 ? SC_INETNUM : SC_INET6NUM;
    rpsl_obj_t **v;
    size_t n;
    int rc = addr_objs(q, inet, &r, STORE_BEST, 0, &v, &n, err);
    if (rc)
        return rc;
    if (n == 0) {
        free(v);
        return check_root(q, "mnt-domains", diags, res, err);
    }
    ip_range_t hr;
    int exact = schema_obj_range(v[0], &hr) == 0 && ip_range_equal(&hr, &r);
    int aid = has_attr(v[0], SA_MNT_DOMAINS) ? SA_MNT_DOMAINS
            : (!exact && has_attr(v[0], SA_MNT_LOWER)) ? SA_MNT_LOWER : SA_MNT_BY;
    rc = check_attr(q, v[0], aid, 0, diags, res, err);
    objs_free(v, n);
    return rc;
}

/* ------------------------------------------------------------------ */
/* PAS: aut-num create (C5)                                           */

struct blocks {
    uint32_t asn;
    char *best;             /* the smallest covering block's key */
    uint64_t size;
    int any;                /* the registry has as-blocks */
};

static int block_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)cls;
    (void)text;
    (void)len;
    struct blocks *b = arg;
    uint32_t lo, hi;
    b->any = 1;
    if (asn_parse_range(pkey, strlen(pkey), &lo, &hi) != 0 || b->asn < lo || b->asn > hi)
        return 0;
    uint64_t size = (uint64_t)hi - lo;
    if (b->best == NULL || size < b->size) {
        free(b->best);
        b->best = xstrdup(pkey);
        b->size = size;
    }
    return 0;
}

int authz_as_block(store_txn_t *txn, uint32_t asn, char **key, int *any, err_t *err)
{
    struct blocks b = { asn, NULL, 0, 0 };
    int rc = store_each(txn, SC_AS_BLOCK, block_hit, &b, err);
    if (rc) {
        free(b.best);
        return rc;
    }
    *key = b.best;
    if (any)
        *any = b.any;
    return 0;
}

static int check_autnum(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    uint32_t asn;
    const char *key0 = q->obj->attrs[0].value;
    if (asn_parse(key0, strlen(key0), &asn) != 0)
        return 0;
    char *key = NULL;
    int rc = authz_as_block(q->txn, asn, &key, NULL, err);
    if (rc)
        return rc;
    if (key == NULL)        /* rules.c refuses it: no block */
        return check_root(q, "mnt-lower", diags, res, err);
    rpsl_obj_t *blk = NULL;
    rc = store_obj_load(q->txn, SC_AS_BLOCK, key, &blk, err);
    free(key);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    /* RIPE names the as-block without "parent" (AutnumAuthentication) */
    rc = check_attr(q, blk, has_attr(blk, SA_MNT_LOWER) ? SA_MNT_LOWER : SA_MNT_BY, 0,
                    diags, res, err);
    rpsl_obj_free(blk);
    return rc;
}

/* ------------------------------------------------------------------ */
/* as-block create                                                    */

struct overlaps {
    uint32_t lo, hi;        /* the new block */
    strv_t keys;            /* stored blocks it would take ASNs from */
    int any;                /* a stored block overlaps it */
};

static int overlap_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)cls;
    (void)text;
    (void)len;
    struct overlaps *x = arg;
    uint32_t lo, hi;
    if (asn_parse_range(pkey, strlen(pkey), &lo, &hi) != 0 || hi < x->lo || lo > x->hi)
        return 0;
    x->any = 1;
    /* a stored block strictly inside the new one keeps its ASNs (the
     * smallest covering block decides, authz_as_block); any other one
     * (around it, equal to it, partly overlapping) loses some to it */
    if (lo >= x->lo && hi <= x->hi && (lo != x->lo || hi != x->hi))
        return 0;
    strv_add_unique(&x->keys, pkey);
    return 0;
}

/* A new as-block becomes the smallest block of the ASNs it covers: each
 * stored block it takes ASNs from must authorise it (mnt-lower else
 * mnt-by, as for an aut-num in it); with none at all, the power
 * maintainers stand in for the root. */
static int check_asblock(const authz_req_t *q, diag_list_t *diags, authz_res_t *res,
                         err_t *err)
{
    struct overlaps x = { 0, 0, STRV_INIT, 0 };
    const char *key0 = q->obj->attrs[0].value;
    if (asn_parse_range(key0, strlen(key0), &x.lo, &x.hi) != 0)
        return 0;
    int rc = store_each(q->txn, SC_AS_BLOCK, overlap_hit, &x, err);
    if (rc == 0 && !x.any)
        rc = check_root(q, "mnt-lower", diags, res, err);
    for (size_t i = 0; rc == 0 && i < x.keys.n; i++) {
        rpsl_obj_t *blk = NULL;
        rc = store_obj_load(q->txn, SC_AS_BLOCK, x.keys.v[i], &blk, err);
        if (rc == ERR_NOTFOUND) {
            rc = 0;
            continue;
        }
        if (rc == 0)
            rc = check_attr(q, blk, has_attr(blk, SA_MNT_LOWER) ? SA_MNT_LOWER : SA_MNT_BY, 1,
                            diags, res, err);
        rpsl_obj_free(blk);
    }
    strv_free(&x.keys);
    return rc;
}

/* ------------------------------------------------------------------ */
/* HSET: hierarchical set names (C3)                                  */

int authz_set_parent(const rpsl_obj_t *o, char **parent, int *cls)
{
    *parent = NULL;
    if (o->cls != SC_AS_SET && o->cls != SC_ROUTE_SET && o->cls != SC_RTR_SET &&
        o->cls != SC_FILTER_SET && o->cls != SC_PEERING_SET)
        return 0;
    const char *name = o->attrs[0].value;
    const char *colon = strrchr(name, ':');
    if (colon == NULL)
        return 0;
    char *p = xstrndup(name, (size_t)(colon - name));
    const char *last = strrchr(p, ':');
    last = last ? last + 1 : p;
    uint32_t asn;
    if (asn_parse(p, strlen(p), &asn) == 0)
        *cls = SC_AUT_NUM;
    else if (strncasecmp(last, "AS-", 3) == 0)
        *cls = SC_AS_SET;
    else
        *cls = o->cls;
    *parent = p;
    return 1;
}

static int check_hset(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    char *pkey;
    int pcls;
    if (!authz_set_parent(q->obj, &pkey, &pcls))
        return 0;
    rpsl_obj_t *p = NULL;
    int rc = store_obj_load(q->txn, pcls, pkey, &p, err);
    free(pkey);
    if (rc == ERR_NOTFOUND)     /* rules.c: "Parent object X not found" */
        return 0;
    if (rc)
        return rc;
    rc = check_attr(q, p, has_attr(p, SA_MNT_LOWER) ? SA_MNT_LOWER : SA_MNT_BY, 1,
                    diags, res, err);
    rpsl_obj_free(p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* NCC-only statuses (syntax.txt section 4), with power maintainers   */

int authz_status_ncc_only(int cls, const char *status)
{
    static const char *const v4[] = { "ALLOCATED UNSPECIFIED", "ALLOCATED PA",
                                      "ALLOCATED-ASSIGNED PA", "ASSIGNED ANYCAST" };
    static const char *const v6[] = { "ALLOCATED-BY-RIR", "ASSIGNED ANYCAST", "ASSIGNED PI" };
    if (status == NULL)
        return 0;
    const char *const *t = cls == SC_INETNUM ? v4 : v6;
    size_t n = cls == SC_INETNUM ? sizeof v4 / sizeof *v4
             : cls == SC_INET6NUM ? sizeof v6 / sizeof *v6 : 0;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(status, t[i]) == 0)
            return 1;
    return 0;
}

static int check_status_admin(const authz_req_t *q, diag_list_t *diags, authz_res_t *res,
                              err_t *err)
{
    const rpsl_obj_t *o = q->op == PROC_DELETE ? q->old : q->obj;
    if (!has_power(q) || o == NULL || (o->cls != SC_INETNUM && o->cls != SC_INET6NUM))
        return 0;
    const char *status = rpsl_obj_get(o, "status");
    if (!authz_status_ncc_only(o->cls, status))
        return 0;
    int ok;
    int rc = power_ok(q, &res->by, &ok, err);
    if (rc || ok)
        return rc;
    res->passed = 0;
    for (size_t i = 0; i < q->policy->power_maintainers->n; i++)
        strv_add_unique(&res->upd_to, q->policy->power_maintainers->v[i]);
    if (q->op == PROC_DELETE)
        diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                 "Object with status %s can only be deleted by the database administrator",
                 status);
    else
        diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                 "Setting status %s requires administrative authorisation", status);
    return 0;
}

/* ------------------------------------------------------------------ */
/* IRT (A7) and REF (A6): references newly added                      */

/* Items of @aid in @o that are not in @old (NULL: all). */
static void added_values(const rpsl_obj_t *o, const rpsl_obj_t *old, int aid, strv_t *out)
{
    strv_t now = STRV_INIT, before = STRV_INIT;
    schema_obj_values(o, aid, &now);
    schema_obj_values(old, aid, &before);
    for (size_t i = 0; i < now.n; i++)
        if (strv_find(&before, now.v[i]) < 0)
            strv_add_unique(out, now.v[i]);
    strv_free(&now);
    strv_free(&before);
}

static int check_irt(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    strv_t added = STRV_INIT;
    added_values(q->obj, q->old, SA_MNT_IRT, &added);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < added.n; i++) {
        rpsl_obj_t *irt = NULL;
        rc = store_obj_load(q->txn, SC_IRT, added.v[i], &irt, err);
        if (rc == ERR_NOTFOUND) {   /* reported as an unknown reference */
            rc = 0;
            continue;
        }
        if (rc)
            break;
        strv_t one = STRV_INIT, tell = STRV_INIT;
        strv_add(&one, added.v[i]);
        /* an irt has no upd-to:: its maintainers' upd-to: hear of it */
        schema_obj_values(irt, SA_MNT_BY, &tell);
        struct check k = { &one, SC_IRT, "mnt-irt", q->obj, 0, NULL, &tell };
        rc = run_check(q, &k, diags, res, NULL, err);
        strv_free(&one);
        strv_free(&tell);
        rpsl_obj_free(irt);
    }
    strv_free(&added);
    return rc;
}

/* The reference attributes of A6. */
static const int ref_attrs[] = {
    SA_ADMIN_C, SA_TECH_C, SA_ZONE_C, SA_ABUSE_C, SA_AUTHOR, SA_PING_HDL, SA_MNT_BY,
    SA_MNT_LOWER, SA_MNT_DOMAINS, SA_MNT_ROUTES, SA_MNT_REF, SA_MNT_IRT, SA_ORG
};

/* Is @o the object (@cls, @key)? */
static int is_object(const rpsl_obj_t *o, int cls, const char *key)
{
    if (o == NULL || o->cls != cls)
        return 0;
    buf_t k;
    buf_init(&k);
    int same = schema_pkey(o, &k) == 0 && strcasecmp(k.s, key) == 0;
    buf_free(&k);
    return same;
}

/* One referenced object (the stored one; only an object being created
 * stands for itself): its mnt-ref: maintainers must authorise.  Only
 * mntners in the store count (A6: others are dropped), not even a mntner
 * being created: a mnt-ref: left naming a deleted mntner must not pass to
 * whoever creates one of that name. */
static int check_one_ref(const authz_req_t *q, const rpsl_obj_t *target, diag_list_t *diags,
                         authz_res_t *res, err_t *err)
{
    strv_t refs = STRV_INIT, usable = STRV_INIT;
    schema_obj_values(target, SA_MNT_REF, &refs);
    int rc = 0;
    for (size_t i = 0; i < refs.n; i++) {
        rc = store_obj_get(q->txn, SC_MNTNER, refs.v[i], NULL, err);
        if (rc == 0)
            strv_add_unique(&usable, refs.v[i]);
        else if (rc != ERR_NOTFOUND)
            break;
        rc = 0;
    }
    if (rc == 0 && (usable.n || target->cls == SC_ORGANISATION)) {
        /* an organisation without usable mnt-ref: cannot be referenced */
        struct check k = { &usable, SC_MNTNER, "mnt-ref", target, 0, NULL, NULL };
        rc = run_check(q, &k, diags, res, NULL, err);
    }
    strv_free(&refs);
    strv_free(&usable);
    return rc;
}

static int check_refs(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    strv_t done = STRV_INIT;    /* "class key" of objects checked */
    int rc = 0;
    for (size_t a = 0; rc == 0 && a < sizeof ref_attrs / sizeof *ref_attrs; a++) {
        strv_t added = STRV_INIT;
        added_values(q->obj, q->old, ref_attrs[a], &added);
        for (size_t i = 0; rc == 0 && i < added.n; i++) {
            for (const int *c = schema_attr_refs(ref_attrs[a]); *c >= 0; c++) {
                char *id = xasprintf("%d %s", *c, added.v[i]);
                int seen = !strv_add_unique(&done, id);
                free(id);
                if (seen)
                    break;
                if (is_object(created(q), *c, added.v[i])) {
                    /* a new object referencing itself; on modify the
                     * stored version is loaded below */
                    rc = check_one_ref(q, q->obj, diags, res, err);
                    break;
                }
                rpsl_obj_t *t = NULL;
                rc = store_obj_load(q->txn, *c, added.v[i], &t, err);
                if (rc == ERR_NOTFOUND) {
                    rc = 0;
                    continue;
                }
                if (rc == 0)
                    rc = check_one_ref(q, t, diags, res, err);
                rpsl_obj_free(t);
                break;
            }
        }
        strv_free(&added);
    }
    strv_free(&done);
    return rc;
}

/* ------------------------------------------------------------------ */
/* FORCE delete (F)                                                   */

/* Has @o a power maintainer in mnt-lower: or mnt-by:? */
static int power_held(const authz_req_t *q, const rpsl_obj_t *o)
{
    strv_t m = STRV_INIT;
    schema_obj_values(o, SA_MNT_LOWER, &m);
    schema_obj_values(o, SA_MNT_BY, &m);
    int yes = 0;
    for (size_t i = 0; i < m.n && !yes; i++)
        yes = is_power(q, m.v[i]);
    strv_free(&m);
    return yes;
}

/*
 * After the MNTBY check of a delete failed: may the holder of the space
 * delete it?  *ok receives the outcome; on failure the holder's failed
 * checks are added to @diags/@res.
 */
static int check_force(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, int *ok,
                       err_t *err)
{
    *ok = 0;
    const rpsl_obj_t *o = q->old ? q->old : q->obj;
    int cls = o->cls;
    if (!has_power(q) || (cls != SC_INETNUM && cls != SC_INET6NUM && cls != SC_ROUTE &&
                          cls != SC_ROUTE6 && cls != SC_DOMAIN))
        return 0;
    if (cls == SC_DOMAIN && is_enum_domain(o))
        return 0;
    ip_range_t r;
    if (schema_obj_range(o, &r) != 0)
        return 0;
    int inet = r.af == 4 ? SC_INETNUM : SC_INET6NUM;
    rpsl_obj_t **v;
    size_t n;
    int rc;
    diag_list_t scratch = DIAG_LIST_INIT;
    authz_res_t sres;
    authz_res_init(&sres);
    if (cls == SC_DOMAIN) {     /* F2: mnt-domains of the exact inet(6)num */
        rc = addr_objs(q, inet, &r, STORE_EXACT, 0, &v, &n, err);
        if (rc == 0 && n && has_attr(v[0], SA_MNT_DOMAINS))
            rc = check_attr(q, v[0], SA_MNT_DOMAINS, 0, &scratch, &sres, err);
        int passed = rc == 0 && n && has_attr(v[0], SA_MNT_DOMAINS) && sres.passed;
        objs_free(v, n);
        if (rc == 0 && passed) {
            for (size_t i = 0; i < sres.by.n; i++)
                strv_add_unique(&res->by, sres.by.v[i]);
            *ok = 1;
        }
        diag_list_free(&scratch);
        authz_res_free(&sres);
        if (rc || *ok)
            return rc;
        authz_res_init(&sres);
    }
    /* F3: the most specific holder with a power maintainer decides */
    rc = addr_objs(q, inet, &r, STORE_LESS_ALL, 0, &v, &n, err);
    if (rc) {
        authz_res_free(&sres);
        return rc;
    }
    const rpsl_obj_t *holder = NULL;
    for (size_t i = n; i > 0 && holder == NULL; i--) {
        ip_range_t hr;
        if (schema_obj_range(v[i - 1], &hr) == 0 && is_root(&hr))
            continue;
        if (power_held(q, v[i - 1]))
            holder = v[i - 1];
    }
    if (holder) {
        strv_t names = STRV_INIT;
        schema_obj_values(holder, SA_MNT_LOWER, &names);
        schema_obj_values(holder, SA_MNT_BY, &names);
        struct check k = { &names, SC_MNTNER, "mnt-lower", holder, 0, NULL, NULL };
        rc = run_check(q, &k, &scratch, &sres, ok, err);
        strv_free(&names);
        if (rc == 0 && *ok) {
            for (size_t i = 0; i < sres.by.n; i++)
                strv_add_unique(&res->by, sres.by.v[i]);
        } else if (rc == 0) {
            /* report the holder's mnt-lower and mnt-by failures */
            if (has_attr(holder, SA_MNT_LOWER))
                rc = check_attr(q, holder, SA_MNT_LOWER, 0, diags, res, err);
            if (rc == 0)
                rc = check_attr(q, holder, SA_MNT_BY, 0, diags, res, err);
        }
    }
    diag_list_free(&scratch);
    authz_res_free(&sres);
    objs_free(v, n);
    return rc;
}

/* ------------------------------------------------------------------ */
/* MNTNER: mntner create                                              */

static int obj_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)text;
    (void)len;
    char *id = xasprintf("%d %s", cls, pkey);
    strv_add_unique(arg, id);
    free(id);
    return 0;
}

/*
 * A mntner named in power_maintainers needs the power maintainers that
 * exist (none: it is loaded by the operator, never created by mail).  A
 * mntner whose name stored objects still name in mnt-by:, mnt-lower:,
 * mnt-routes: or mnt-domains: (a historic import, or a maintainer deleted
 * while an object named it) holds those objects the moment it exists:
 * the other mnt-by: maintainers of each such object must authorise its
 * creation (none: only the power maintainers can), else whoever creates
 * the name first adopts them.
 */
static int check_mntner_name(const authz_req_t *q, diag_list_t *diags, authz_res_t *res,
                             err_t *err)
{
    static const int held[] = { SA_MNT_BY, SA_MNT_LOWER, SA_MNT_ROUTES, SA_MNT_DOMAINS };
    buf_t key;
    buf_init(&key);
    strv_t ids = STRV_INIT;
    int rc = schema_pkey(q->obj, &key);
    if (rc != 0) {
        buf_free(&key);
        return 0;
    }
    if (is_power(q, key.s)) {
        /* a configured power maintainer not in the store yet: whoever
         * created it would be the database administration */
        int ok;
        rc = power_ok(q, &res->by, &ok, err);
        if (rc == 0 && !ok) {
            res->passed = 0;
            for (size_t i = 0; i < q->policy->power_maintainers->n; i++)
                strv_add_unique(&res->upd_to, q->policy->power_maintainers->v[i]);
            diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                     "Creating power maintainer %s requires administrative authorisation",
                     key.s);
        }
    }
    for (size_t a = 0; rc == 0 && a < sizeof held / sizeof *held; a++)
        rc = store_inverse(q->txn, held[a], key.s, obj_hit, &ids, err);
    for (size_t i = 0; rc == 0 && i < ids.n; i++) {
        char *sp;
        int cls = (int)strtol(ids.v[i], &sp, 10);
        rpsl_obj_t *o = NULL;
        rc = store_obj_load(q->txn, cls, sp + 1, &o, err);
        if (rc == ERR_NOTFOUND) {
            rc = 0;
            continue;
        }
        if (rc)
            break;
        strv_t all = STRV_INIT, names = STRV_INIT;
        schema_obj_values(o, SA_MNT_BY, &all);
        for (size_t k = 0; k < all.n; k++)
            if (strcasecmp(all.v[k], key.s) != 0)
                strv_add(&names, all.v[k]);
        struct check k = { &names, SC_MNTNER, "mnt-by", o, 0, NULL, NULL };
        rc = run_check(q, &k, diags, res, NULL, err);
        strv_free(&all);
        strv_free(&names);
        rpsl_obj_free(o);
    }
    strv_free(&ids);
    buf_free(&key);
    return rc;
}

/* ------------------------------------------------------------------ */
/* KEYCERT: key-cert create                                           */

/* A key-cert whose name stored mntners already
 * name in auth: (their key-cert was deleted, or never created) is a
 * credential of those mntners the moment it exists: each of them must
 * authorise its creation, else whoever holds a key with the same short id
 * (32 bits, cheap to collide) could create it and sign for them. */
static int check_keycert(const authz_req_t *q, diag_list_t *diags, authz_res_t *res,
                         err_t *err)
{
    size_t users;
    return check_keycert_users(q, q->obj, diags, res, &users, err);
}

static int check_create(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    switch (q->obj->cls) {
    case SC_MNTNER:
        return check_mntner_name(q, diags, res, err);
    case SC_KEY_CERT:
        return check_keycert(q, diags, res, err);
    case SC_INETNUM:
    case SC_INET6NUM:
        return check_pip(q, diags, res, err);
    case SC_ROUTE:
    case SC_ROUTE6:
        return check_route(q, diags, res, err);
    case SC_DOMAIN:
        return check_domain(q, diags, res, err);
    case SC_AUT_NUM:
        return check_autnum(q, diags, res, err);
    case SC_AS_BLOCK:
        return check_asblock(q, diags, res, err);
    case SC_AS_SET:
    case SC_ROUTE_SET:
    case SC_RTR_SET:
    case SC_FILTER_SET:
    case SC_PEERING_SET:
        return check_hset(q, diags, res, err);
    default:
        return 0;
    }
}

int authz_run(const authz_req_t *req, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    res->passed = 1;
    int ran, rc;
    if (req->op == PROC_DELETE) {
        diag_list_t d = DIAG_LIST_INIT;
        authz_res_t m;
        authz_res_init(&m);
        rc = check_mntby(req, &d, &m, &ran, err);
        int forced = 0;
        if (rc == 0 && !m.passed)
            rc = check_force(req, &d, &m, &forced, err);
        if (rc == 0) {
            if (forced) {       /* the holder's authorisation replaces MNTBY */
                diag_list_free(&d);
                m.passed = 1;
                strv_free(&m.upd_to);
            }
            for (size_t i = 0; i < d.n; i++)
                diag_add(diags, d.v[i].sev, d.v[i].attr, "%s", d.v[i].text);
            res->passed = m.passed;
            for (size_t i = 0; i < m.by.n; i++)
                strv_add_unique(&res->by, m.by.v[i]);
            for (size_t i = 0; i < m.upd_to.n; i++)
                strv_add_unique(&res->upd_to, m.upd_to.v[i]);
            rc = check_status_admin(req, diags, res, err);
        }
        diag_list_free(&d);
        authz_res_free(&m);
        return rc;
    }
    rc = check_mntby(req, diags, res, &ran, err);
    if (rc == 0 && req->op == PROC_CREATE)
        rc = check_create(req, diags, res, err);
    if (rc == 0 && req->op == PROC_CREATE)
        rc = check_status_admin(req, diags, res, err);
    if (rc == 0)
        rc = check_irt(req, diags, res, err);
    if (rc == 0)
        rc = check_refs(req, diags, res, err);
    return rc;
}
