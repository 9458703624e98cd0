/*
 * authz.c - the registry's authorisation rules (see authz.h).
 *
 * A check names candidate maintainers; it passes when the credentials
 * match an auth: line of any of them (auth.txt A1); all checks that apply
 * must pass (A2).  Each failing check is reported in RIPE's wording and
 * its candidates are collected for upd-to: notifications.
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "authz.h"
#include "buf.h"
#include "schema.h"

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

static int collect_item(const char *item, size_t len, void *arg)
{
    strv_t *s = arg;
    char *v = xstrndup(item, len);
    strv_add_unique(s, v);
    free(v);
    return 0;
}

/* The values of every attribute @aid of @o, list items split. */
static void attr_values(const rpsl_obj_t *o, int aid, strv_t *out)
{
    for (size_t i = 0; i < o->nattrs; i++)
        if (o->attrs[i].aid == aid)
            rpsl_list_each(o->attrs[i].value, collect_item, out);
}

/* "[person] TP1-TEST" (no person name) for messages. */
static char *key_of(const rpsl_obj_t *o)
{
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "[%s] ", schema_class_name(o->cls));
    schema_pkey(o, &b);
    return buf_steal(&b);
}

/*
 * One check: the maintainers @names (objects of class @cls, SC_MNTNER or
 * SC_IRT) must be satisfied.  @attr names the attribute the candidates
 * came from ("mnt-by"), @subject the object whose attribute it is, and
 * @parent says whether it is a parent's ("Authorisation for parent ...").
 */
static int run_check(const authz_req_t *q, const strv_t *names, int cls, const char *attr,
                     const rpsl_obj_t *subject, int parent, const rpsl_obj_t *self,
                     diag_list_t *diags, authz_res_t *res, err_t *err)
{
    auth_check_t chk;
    auth_check_init(&chk);
    int rc = auth_run(q->txn, cls, names, self, q->creds, &chk, err);
    if (rc == 0 && !chk.passed && q->policy && q->policy->power_maintainers &&
        q->policy->power_maintainers->n) {
        /* the database administration may authorise anything */
        auth_check_t pw;
        auth_check_init(&pw);
        rc = auth_run(q->txn, SC_MNTNER, q->policy->power_maintainers, NULL, q->creds, &pw, err);
        if (rc == 0 && pw.passed) {
            chk.passed = 1;
            for (size_t i = 0; i < pw.by.n; i++)
                strv_add_unique(&chk.by, pw.by.v[i]);
        }
        auth_check_free(&pw);
    }
    if (rc == 0) {
        if (chk.passed) {
            for (size_t i = 0; i < chk.by.n; i++)
                strv_add_unique(&res->by, chk.by.v[i]);
        } else {
            res->passed = 0;
            buf_t b;
            buf_init(&b);
            for (size_t i = 0; i < names->n; i++) {
                buf_printf(&b, "%s%s", i ? ", " : "", names->v[i]);
                strv_add_unique(&res->upd_to, names->v[i]);
            }
            char *key = key_of(subject);
            if (chk.candidates == 0)
                diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                         "Authorisation for %s%s failed\nusing \"%s:\"\nno valid maintainer found",
                         parent ? "parent " : "", key, attr);
            else
                diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                         "Authorisation for %s%s failed\nusing \"%s:\"\nnot authenticated by: %s",
                         parent ? "parent " : "", key, attr, b.s);
            free(key);
            buf_free(&b);
        }
    }
    auth_check_free(&chk);
    return rc;
}

/* MNTBY (auth.txt A3): create -> the new mnt-by; modify -> the stored one
 * (the new one if the stored object has none); delete -> the stored one,
 * no check at all if it has none. */
static int check_mntby(const authz_req_t *q, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    const rpsl_obj_t *subject = q->obj;
    if (q->op != PROC_CREATE && q->old && rpsl_obj_find_aid(q->old, SA_MNT_BY, 0) >= 0)
        subject = q->old;
    strv_t names = STRV_INIT;
    attr_values(subject, SA_MNT_BY, &names);
    int rc = 0;
    if (names.n)
        rc = run_check(q, &names, SC_MNTNER, "mnt-by", subject, 0,
                       q->op == PROC_DELETE ? NULL : q->obj, diags, res, err);
    strv_free(&names);
    return rc;
}

int authz_run(const authz_req_t *req, diag_list_t *diags, authz_res_t *res, err_t *err)
{
    res->passed = 1;
    return check_mntby(req, diags, res, err);
}
