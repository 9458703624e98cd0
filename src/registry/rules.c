/*
 * rules.c - business rules besides syntax and authorisation (see rules.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/auth.h"
#include "registry/authz.h"
#include "registry/conf.h"
#include "util/buf.h"
#include "util/ipaddr.h"
#include "registry/rules.h"
#include "rpsl/asn.h"
#include "rpsl/schema.h"

static char *pkey_of(const rpsl_obj_t *o)
{
    buf_t b;
    buf_init(&b);
    schema_pkey(o, &b);
    return buf_steal(&b);
}

/* role admin-c:/tech-c: may not reference the role itself (auth.txt D3). */
static void role_self_reference(const rpsl_obj_t *o, diag_list_t *d)
{
    if (o->cls != SC_ROLE)
        return;
    long k = rpsl_obj_find_aid(o, SA_NIC_HDL, 0);
    if (k < 0)
        return;
    const char *self = o->attrs[k].value;
    for (size_t i = 0; i < o->nattrs; i++)
        if ((o->attrs[i].aid == SA_ADMIN_C || o->attrs[i].aid == SA_TECH_C) &&
            strcasecmp(o->attrs[i].value, self) == 0)
            diag_add(d, DIAG_ERROR, (int)i,
                     "Self reference is not allowed for attribute type \"%s\"", o->attrs[i].name);
}

/* ------------------------------------------------------------------ */
/* Sets and AS numbers                                                */

/* as-set names must be hierarchical on create (C3, NWI-19). */
static void as_set_short_name(const rpsl_obj_t *o, const rules_policy_t *p, diag_list_t *d)
{
    int on = p ? p->hierarchical_as_sets : 1;
    if (!on || o->cls != SC_AS_SET || strchr(o->attrs[0].value, ':') != NULL)
        return;
    diag_add(d, DIAG_ERROR, DIAG_OBJECT,
             "Cannot create AS-SET object with a short format name. Only hierarchical "
             "AS-SET creation is allowed, i.e. at least one ASN must be referenced");
}

/* The parent of a hierarchical set name must exist (C3, R12). */
static int set_parent_exists(store_txn_t *txn, const rpsl_obj_t *o, diag_list_t *d, err_t *err)
{
    char *parent;
    int cls;
    if (!authz_set_parent(o, &parent, &cls))
        return 0;
    int rc = store_obj_get(txn, cls, parent, NULL, err);
    if (rc == ERR_NOTFOUND) {
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "Parent object %s not found", parent);
        rc = 0;
    }
    free(parent);
    return rc;
}

/* aut-num create: a covering as-block (auth.txt B, PAS), also in a
 * registry that has no as-block at all: AS numbers are handed out by
 * loading or creating as-blocks first. */
static int autnum_block(store_txn_t *txn, const rpsl_obj_t *o, diag_list_t *d, err_t *err)
{
    uint32_t asn;
    const char *key0 = o->attrs[0].value;
    if (asn_parse(key0, strlen(key0), &asn) != 0)
        return 0;
    char *key = NULL;
    int rc = authz_as_block(txn, asn, &key, NULL, err);
    if (rc == 0 && key == NULL)
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "No parent as-block found for AS%lu",
                 (unsigned long)asn);
    free(key);
    return rc;
}

int rules_asn_reserved(uint32_t asn)
{
    return asn == 0 || asn == 23456 || (asn >= 64512 && asn <= 65535) ||
           asn >= 4200000000u;
}

/* route/route6 create: the origin must not be reserved (C1, B8). */
static void origin_reserved(const rpsl_obj_t *o, diag_list_t *d)
{
    if (o->cls != SC_ROUTE && o->cls != SC_ROUTE6)
        return;
    long k = rpsl_obj_find_aid(o, SA_ORIGIN, 0);
    uint32_t asn;
    if (k < 0 || asn_parse(o->attrs[k].value, strlen(o->attrs[k].value), &asn) != 0)
        return;
    if (rules_asn_reserved(asn))
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "Cannot use reserved AS number %lu",
                 (unsigned long)asn);
}

/* member-of: claims accepted by the set's mbrs-by-ref: (C6, R14). */
static int membership(store_txn_t *txn, const rpsl_obj_t *o, diag_list_t *d, err_t *err)
{
    int scls;
    switch (o->cls) {
    case SC_AUT_NUM: scls = SC_AS_SET; break;
    case SC_ROUTE: case SC_ROUTE6: scls = SC_ROUTE_SET; break;
    case SC_INET_RTR: scls = SC_RTR_SET; break;
    default: return 0;
    }
    strv_t sets = STRV_INIT, mnts = STRV_INIT, bad = STRV_INIT;
    schema_obj_values(o, SA_MEMBER_OF, &sets);
    schema_obj_values(o, SA_MNT_BY, &mnts);
    int rc = 0;
    for (size_t i = 0; i < sets.n; i++) {
        rpsl_obj_t *s = NULL;
        rc = store_obj_load(txn, scls, sets.v[i], &s, err);
        if (rc == ERR_NOTFOUND) {       /* an unknown reference */
            rc = 0;
            continue;
        }
        if (rc)
            break;
        strv_t by = STRV_INIT;
        schema_obj_values(s, SA_MBRS_BY_REF, &by);
        int ok = strv_find(&by, "ANY") >= 0;
        for (size_t k = 0; !ok && k < mnts.n; k++)
            ok = strv_find(&by, mnts.v[k]) >= 0;
        if (!ok)
            strv_add_unique(&bad, sets.v[i]);
        strv_free(&by);
        rpsl_obj_free(s);
    }
    if (rc == 0 && bad.n) {
        buf_t b;
        buf_init(&b);
        for (size_t i = 0; i < bad.n; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", bad.v[i]);
        diag_add(d, DIAG_ERROR, DIAG_OBJECT,
                 "Membership claim is not supported by mbrs-by-ref: attribute of the "
                 "referenced set [%s]", b.s);
        buf_free(&b);
    }
    strv_free(&sets);
    strv_free(&mnts);
    strv_free(&bad);
    return rc;
}

/* abuse-c: must be a role with abuse-mailbox: (D4, B17/B18). */
static int abuse_c(store_txn_t *txn, const rpsl_obj_t *o, diag_list_t *d, err_t *err)
{
    long k = rpsl_obj_find_aid(o, SA_ABUSE_C, 0);
    if (k < 0)
        return 0;
    const char *h = o->attrs[k].value;
    int rc = store_obj_get(txn, SC_PERSON, h, NULL, err);
    if (rc == 0) {
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "\"abuse-c:\" references a PERSON object\n"
                 "This must reference a ROLE object with an \"abuse-mailbox:\"");
        return 0;
    }
    if (rc != ERR_NOTFOUND)
        return rc;
    rpsl_obj_t *r = NULL;
    rc = store_obj_load(txn, SC_ROLE, h, &r, err);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (rpsl_obj_find_aid(r, SA_ABUSE_MAILBOX, 0) < 0) {
        char *cls = xstrdup(schema_class_name(o->cls));
        for (char *p = cls; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        diag_add(d, DIAG_ERROR, DIAG_OBJECT,
                 "The \"abuse-c\" ROLE object '%s' has no \"abuse-mailbox:\"\n"
                 "Add \"abuse-mailbox:\" to the ROLE object, then update the %s object",
                 h, cls);
        free(cls);
    }
    rpsl_obj_free(r);
    return 0;
}

/* ------------------------------------------------------------------ */
/* inetnum / inet6num (syntax.txt section 4, auth.txt C4)             */

struct status_rule {
    const char *status;
    const char *parents[5];
    int org_required;
};

static const struct status_rule v4_rules[] = {
    { "ALLOCATED UNSPECIFIED", { "ALLOCATED UNSPECIFIED" }, 1 },
    { "ALLOCATED PA", { "ALLOCATED UNSPECIFIED" }, 1 },
    { "ALLOCATED-ASSIGNED PA", { "ALLOCATED UNSPECIFIED" }, 1 },
    { "LIR-PARTITIONED PA", { "ALLOCATED PA", "LIR-PARTITIONED PA" }, 0 },
    { "SUB-ALLOCATED PA", { "ALLOCATED PA", "LIR-PARTITIONED PA", "SUB-ALLOCATED PA" }, 0 },
    { "AGGREGATED-BY-LIR", { "ALLOCATED PA", "SUB-ALLOCATED PA", "LIR-PARTITIONED PA" }, 0 },
    { "ASSIGNED PA", { "ALLOCATED PA", "LIR-PARTITIONED PA", "SUB-ALLOCATED PA",
                       "AGGREGATED-BY-LIR" }, 0 },
    { "ASSIGNED PI", { "ALLOCATED UNSPECIFIED" }, 0 },
    { "ASSIGNED ANYCAST", { "ALLOCATED UNSPECIFIED" }, 0 },
    { "LEGACY", { "ALLOCATED UNSPECIFIED", "LEGACY" }, 0 },
};

static const struct status_rule v6_rules[] = {
    { "ALLOCATED-BY-RIR", { "ALLOCATED-BY-RIR" }, 1 },
    { "ALLOCATED-BY-LIR", { "ALLOCATED-BY-RIR", "ALLOCATED-BY-LIR" }, 0 },
    { "AGGREGATED-BY-LIR", { "ALLOCATED-BY-RIR", "ALLOCATED-BY-LIR", "AGGREGATED-BY-LIR" }, 0 },
    { "ASSIGNED", { "ALLOCATED-BY-RIR", "ALLOCATED-BY-LIR", "AGGREGATED-BY-LIR" }, 0 },
    { "ASSIGNED ANYCAST", { "ALLOCATED-BY-RIR" }, 1 },
    { "ASSIGNED PI", { "ALLOCATED-BY-RIR" }, 1 },
};

static const struct status_rule *status_rule(int cls, const char *status)
{
    const struct status_rule *t = cls == SC_INETNUM ? v4_rules : v6_rules;
    size_t n = cls == SC_INETNUM ? sizeof v4_rules / sizeof *v4_rules
                                 : sizeof v6_rules / sizeof *v6_rules;
    for (size_t i = 0; status && i < n; i++)
        if (strcasecmp(t[i].status, status) == 0)
            return &t[i];
    return NULL;
}

int rules_status_allowed(int cls, const char *child, const char *parent)
{
    const struct status_rule *r = status_rule(cls, child);
    if (r == NULL || parent == NULL)
        return 0;
    for (size_t i = 0; i < sizeof r->parents / sizeof *r->parents && r->parents[i]; i++)
        if (strcasecmp(r->parents[i], parent) == 0)
            return 1;
    return 0;
}

struct ranged {
    store_txn_t *txn;
    int cls;
    ip_range_t r;
    strv_t keys;
    int stop_after_hi;      /* results ordered by start: stop past r.hi */
};

static int ranged_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)cls;
    (void)text;
    (void)len;
    struct ranged *x = arg;
    strv_add(&x->keys, pkey);
    return 0;
}

static int load_keys(store_txn_t *txn, int cls, const strv_t *keys, size_t i, rpsl_obj_t **o,
                     err_t *err)
{
    *o = NULL;
    int rc = store_obj_load(txn, cls, keys->v[i], o, err);
    return rc == ERR_NOTFOUND ? 0 : rc;
}

static int inetnum_rules(store_txn_t *txn, enum proc_op op, const rpsl_obj_t *o,
                         const rpsl_obj_t *old, diag_list_t *d, err_t *err)
{
    const char *status = rpsl_obj_get(o, "status");
    const struct status_rule *sr = status_rule(o->cls, status);
    if (sr && sr->org_required && rpsl_obj_find_aid(o, SA_ORG, 0) < 0)
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "Missing required \"org:\" attribute");
    if (op == PROC_MODIFY) {
        const char *was = old ? rpsl_obj_get(old, "status") : NULL;
        if (was && status && strcasecmp(was, status) != 0 &&
            !(o->cls == SC_INETNUM &&
              (strcasecmp(was, "ALLOCATED PA") == 0 || strcasecmp(was, "ALLOCATED-ASSIGNED PA") == 0) &&
              (strcasecmp(status, "ALLOCATED PA") == 0 ||
               strcasecmp(status, "ALLOCATED-ASSIGNED PA") == 0)))
            diag_add(d, DIAG_ERROR, DIAG_OBJECT,
                     "status value cannot be changed, you must delete and re-create the object");
        return 0;
    }
    struct ranged x;
    memset(&x, 0, sizeof x);
    if (schema_obj_range(o, &x.r) != 0)
        return 0;
    strv_init(&x.keys);
    int rc;
    /* the parent and its status */
    rpsl_obj_t *parent = NULL;
    if ((rc = store_addr(txn, o->cls, &x.r, STORE_LESS_ONE, ranged_hit, &x, err)) != 0)
        goto out;
    if (x.keys.n && (rc = load_keys(txn, o->cls, &x.keys, 0, &parent, err)) != 0)
        goto out;
    if (parent && status) {
        const char *ps = rpsl_obj_get(parent, "status");
        ip_range_t pr;
        int root = schema_obj_range(parent, &pr) == 0 && ip_range_prefixlen(&pr) == 0;
        if (!root && !rules_status_allowed(o->cls, status, ps))
            diag_add(d, DIAG_ERROR, DIAG_OBJECT, "%s parent has incorrect status: %s",
                     schema_class_name(o->cls), ps ? ps : "");
    }
    /* partial overlaps: only the parent's children can overlap the new
     * range partially (the stored ranges nest) */
    ip_range_t scope;
    if (parent == NULL || schema_obj_range(parent, &scope) != 0) {
        scope.af = x.r.af;
        memset(scope.lo, 0, sizeof scope.lo);
        memset(scope.hi, 0, sizeof scope.hi);
        memset(scope.hi, 0xff, ip_addr_len(x.r.af));
    }
    strv_free(&x.keys);
    if ((rc = store_addr(txn, o->cls, &scope, STORE_MORE_ONE, ranged_hit, &x, err)) != 0)
        goto out;
    /* a scope that is the range itself (no parent, full space) is fine */
    for (size_t i = 0; i < x.keys.n; i++) {
        rpsl_obj_t *c;
        if ((rc = load_keys(txn, o->cls, &x.keys, i, &c, err)) != 0)
            goto out;
        ip_range_t cr;
        if (c && schema_obj_range(c, &cr) == 0 && ip_range_overlaps(&cr, &x.r) &&
            !ip_range_contains(&cr, &x.r) && !ip_range_contains(&x.r, &cr)) {
            buf_t b;
            buf_init(&b);
            ip_format_range(&cr, &b);
            diag_add(d, DIAG_ERROR, DIAG_OBJECT, "This range overlaps with %s", b.s);
            buf_free(&b);
        }
        rpsl_obj_free(c);
    }
    /* the more specifics' statuses must be allowed under the new one */
    strv_free(&x.keys);
    if (status && (rc = store_addr(txn, o->cls, &x.r, STORE_MORE_ONE, ranged_hit, &x, err)) != 0)
        goto out;
    for (size_t i = 0; status && i < x.keys.n; i++) {
        rpsl_obj_t *c;
        if ((rc = load_keys(txn, o->cls, &x.keys, i, &c, err)) != 0)
            goto out;
        const char *cs = c ? rpsl_obj_get(c, "status") : NULL;
        if (cs && !rules_status_allowed(o->cls, cs, status)) {
            char *k = pkey_of(c);
            diag_add(d, DIAG_ERROR, DIAG_OBJECT,
                     "Status %s not allowed when more specific object '%s' has status %s",
                     status, k, cs);
            free(k);
        }
        rpsl_obj_free(c);
    }
out:
    rpsl_obj_free(parent);
    strv_free(&x.keys);
    return rc;
}

/* source: the registry's own, or one the configuration allows.  The
 * schema accepts SOURCE-NONAUTH for the classes RIPE has it for (mirrored
 * data); updates use it only where allowed_sources says so. */
static void source_allowed(const rpsl_obj_t *o, const rules_policy_t *policy,
                           diag_list_t *d)
{
    if (policy == NULL || policy->source == NULL)
        return;
    const char *v = rpsl_obj_get(o, "source");
    if (v == NULL || strcasecmp(v, policy->source) == 0)
        return;
    if (policy->allowed_sources && strv_find(policy->allowed_sources, v) >= 0)
        return;
    diag_add(d, DIAG_ERROR, DIAG_OBJECT, "Source %s is not allowed for %s objects", v,
             schema_class_name(o->cls));
}

int rules_source_mirrored(const rpsl_obj_t *obj, const rules_policy_t *policy,
                          diag_list_t *diags)
{
    if (policy == NULL || policy->mirrored_sources == NULL)
        return 0;
    const char *v = rpsl_obj_get(obj, "source");
    if (v == NULL)
        return 0;
    size_t n = strcspn(v, " \t#");
    for (size_t i = 0; i < policy->mirrored_sources->n; i++) {
        const char *m = policy->mirrored_sources->v[i];
        if (strlen(m) == n && strncasecmp(v, m, n) == 0) {
            diag_add(diags, DIAG_ERROR, DIAG_OBJECT, "Source %s is mirrored from another "
                     "registry: its objects are changed only by mirroring, not by updates", m);
            return 1;
        }
    }
    return 0;
}

/* auth: BCRYPT-PW hashes whose cost is above the bound: every password
 * checked against one would cost 2^cost rounds. */
static void bcrypt_cost(const rpsl_obj_t *o, const rules_policy_t *policy, diag_list_t *d)
{
    unsigned max = policy && policy->bcrypt_max_cost ? policy->bcrypt_max_cost
                                                     : CONF_DEFAULT_BCRYPT_MAX_COST;
    for (size_t i = 0; i < o->nattrs; i++) {
        unsigned cost;
        if (strcasecmp(o->attrs[i].name, "auth") == 0 &&
            auth_bcrypt_cost(o->attrs[i].value, &cost) && cost > max)
            diag_add(d, DIAG_ERROR, (int)i, "BCRYPT-PW cost %u is above %u, the highest "
                     "this registry accepts (bcrypt_max_cost)", cost, max);
    }
}

/* notify:, mnt-nfy:, upd-to:, irt-nfy:, ref-nfy: each value is a mail
 * sent on every change: at most max_notify_values of them together. */
static void notify_values(const rpsl_obj_t *o, const rules_policy_t *policy, diag_list_t *d)
{
    static const char *const names[] = { "notify", "mnt-nfy", "upd-to", "irt-nfy", "ref-nfy" };
    unsigned max = policy && policy->max_notify_values ? policy->max_notify_values
                                                       : CONF_DEFAULT_MAX_NOTIFY_VALUES;
    size_t n = 0;
    for (size_t i = 0; i < o->nattrs; i++)
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strcasecmp(o->attrs[i].name, names[k]) == 0)
                n++;
    if (n > max)
        diag_add(d, DIAG_ERROR, DIAG_OBJECT, "The object has %zu notify:, mnt-nfy:, upd-to:, "
                 "irt-nfy: and ref-nfy: values together, more than %u (max_notify_values)",
                 n, max);
}

int rules_check(store_txn_t *txn, enum proc_op op, const rpsl_obj_t *obj,
                const rpsl_obj_t *old, const rules_policy_t *policy,
                diag_list_t *diags, err_t *err)
{
    int rc = 0;
    source_allowed(obj, policy, diags);
    role_self_reference(obj, diags);
    bcrypt_cost(obj, policy, diags);
    notify_values(obj, policy, diags);
    if (op == PROC_CREATE) {
        as_set_short_name(obj, policy, diags);
        origin_reserved(obj, diags);
        if ((rc = set_parent_exists(txn, obj, diags, err)) != 0)
            return rc;
        if (obj->cls == SC_AUT_NUM && (rc = autnum_block(txn, obj, diags, err)) != 0)
            return rc;
    }
    if ((obj->cls == SC_INETNUM || obj->cls == SC_INET6NUM) &&
        (rc = inetnum_rules(txn, op, obj, old, diags, err)) != 0)
        return rc;
    if ((rc = membership(txn, obj, diags, err)) != 0)
        return rc;
    return abuse_c(txn, obj, diags, err);
}
