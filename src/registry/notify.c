/*
 * notify.c - notifications (see notify.h).
 *
 * Two steps.  First the matrix: every result of the update is looked at
 * once and each address it concerns gets an entry (result, kind) plus the
 * reason it is told ("mnt-nfy: of [mntner] X-MNT").  Kinds are the three
 * sections of a mail: authorisation failures (upd-to:), changes (notify:,
 * mnt-nfy:) and references added or removed (irt-nfy:, ref-nfy:).
 * Addresses are compared case-insensitively, the robot's own address is
 * dropped.  Then one mail per address, sorted by address, listing exactly
 * its entries, section by section, in the order the changes were made
 * (failures in message order).
 *
 * Objects are printed in display form with auth: hashes filtered; the
 * update's passwords are never part of a report, so they cannot leak.
 *
 * Modify entries show a unified diff of the two versions
 * (textdiff_unified(), util/textdiff.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"
#include "registry/notify.h"
#include "registry/report.h"
#include "rpsl/schema.h"
#include "util/strv.h"
#include "util/textdiff.h"
#include "rpsl/syntax.h"

#define OBJ_FLAGS (RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH)

/* ------------------------------------------------------------------ */
/* The matrix                                                         */

/* Sections of a mail, in the order they are printed. */
enum nkind { NK_AUTH = 0, NK_CHANGE = 1, NK_REF = 2, NK__COUNT };

struct nentry {
    size_t res;             /* index in proc_report_t.v */
    enum nkind kind;
    size_t seq;             /* its proc_result_t.seq (the order of changes) */
};

struct naddr {
    char *addr;             /* as first seen */
    strv_t reasons;         /* why this address is told, unique */
    struct nentry *v;
    size_t n, cap;
};

struct matrix {
    struct naddr *v;
    size_t n, cap;
    const notify_opts_t *opts;
    const proc_report_t *r;
    store_txn_t *txn;
    int over;               /* one more address than max_recipients */
};

static void matrix_free(struct matrix *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].addr);
        strv_free(&m->v[i].reasons);
        free(m->v[i].v);
    }
    free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}

/* Record that the bare address @addr is told about result @res in
 * section @kind because of @reason. */
static void matrix_add_addr(struct matrix *m, const char *addr, size_t res,
                            enum nkind kind, const char *reason)
{
    if (m->opts->robot_address && strcasecmp(addr, m->opts->robot_address) == 0)
        return;
    struct naddr *a = NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcasecmp(m->v[i].addr, addr) == 0) {
            a = &m->v[i];
            break;
        }
    if (a == NULL) {
        if (m->opts->max_recipients && m->n >= m->opts->max_recipients) {
            m->over = 1;    /* refused as a whole: no need to go on */
            return;
        }
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 8;
            m->v = xrealloc(m->v, m->cap * sizeof *m->v);
        }
        a = &m->v[m->n++];
        memset(a, 0, sizeof *a);
        a->addr = xstrdup(addr);
        strv_init(&a->reasons);
    }
    strv_add_unique(&a->reasons, reason);
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].res == res && a->v[i].kind == kind)
            return;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 4;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n].res = res;
    a->v[a->n].kind = kind;
    a->v[a->n].seq = m->r->v[res].seq;
    a->n++;
}

/* Record that the address of the e-mail value @value is told (as
 * matrix_add_addr()). */
static void matrix_add(struct matrix *m, const char *value, size_t res,
                       enum nkind kind, const char *reason)
{
    if (value == NULL || *value == 0)
        return;
    /* "Name <a@b>" and "a@b (comment)" are told at a@b (syntax.h); a value
     * that does not parse (loaded non-strict) is kept as it is and refused
     * by mailout, which logs it */
    char *spec = syntax_email_address(value);
    const char *addr = spec ? spec : value;
    matrix_add_addr(m, addr, res, kind, reason);
    free(spec);
}

/* Add every value of attribute @name of @o to the matrix. */
static void add_attr_values(struct matrix *m, const rpsl_obj_t *o,
                            const char *name, size_t res, enum nkind kind,
                            const char *reason)
{
    for (long i = rpsl_obj_find(o, name, 0); i >= 0;
         i = rpsl_obj_find(o, name, (size_t)i + 1))
        matrix_add(m, o->attrs[i].value, res, kind, reason);
}

/* The items of every @name attribute of @o (may be NULL) into @out. */
static void list_values(const rpsl_obj_t *o, const char *name, strv_t *out)
{
    if (o == NULL)
        return;
    for (long i = rpsl_obj_find(o, name, 0); i >= 0;
         i = rpsl_obj_find(o, name, (size_t)i + 1))
        rpsl_list_collect(o->attrs[i].value, out);
}

/* The version of (@cls, @name) that a successful delete of this update
 * removed from the store, or NULL. */
static const rpsl_obj_t *deleted_here(const struct matrix *m, int cls, const char *name)
{
    const rpsl_obj_t *found = NULL;
    for (size_t i = 0; i < m->r->n && found == NULL; i++) {
        const proc_result_t *x = &m->r->v[i];
        if (!x->ok || x->op != PROC_DELETE || x->old == NULL || x->old->cls != cls)
            continue;
        buf_t k;
        buf_init(&k);
        if (schema_pkey(x->old, &k) == 0 && strcasecmp(k.s, name) == 0)
            found = x->old;
        buf_free(&k);
    }
    return found;
}

/*
 * Tell the addresses in attribute @attr of the object (@cls, @name).  If
 * @self is that very object (a mntner naming itself in mnt-by:), @self is
 * used instead of the store's version; an object this update deleted is
 * used as it was (deleting a person and its mntner in one mail still
 * tells the mntner's mnt-nfy: about the person).  A missing object tells
 * nobody.
 */
static int tell_object(struct matrix *m, int cls, const char *name,
                       const rpsl_obj_t *self, const char *attr, size_t res,
                       enum nkind kind, err_t *err)
{
    const rpsl_obj_t *o = NULL;
    rpsl_obj_t *loaded = NULL;
    if (self != NULL && self->cls == cls) {
        buf_t k;
        buf_init(&k);
        if (schema_pkey(self, &k) == 0 && strcasecmp(k.s, name) == 0)
            o = self;
        buf_free(&k);
    }
    if (o == NULL) {
        err_t e = ERR_INIT;
        int rc = store_obj_load(m->txn, cls, name, &loaded, &e);
        if (rc != 0 && rc != ERR_NOTFOUND) {
            rc = err_set(err, rc, "notify: loading %s %s: %s",
                         schema_class_name(cls), name, err_text(&e));
            err_free(&e);
            return rc;
        }
        err_free(&e);
        o = rc == 0 ? loaded : deleted_here(m, cls, name);
        if (o == NULL)
            return 0;
    }
    char *reason = xasprintf("%s: of [%s] %s", attr, schema_class_name(cls), name);
    add_attr_values(m, o, attr, res, kind, reason);
    free(reason);
    rpsl_obj_free(loaded);
    return 0;
}

/* Tell @attr of each mntner named in @names. */
static int tell_mntners(struct matrix *m, const strv_t *names,
                        const rpsl_obj_t *self, const char *attr, size_t res,
                        enum nkind kind, err_t *err)
{
    for (size_t i = 0; i < names->n; i++) {
        int rc = tell_object(m, SC_MNTNER, names->v[i], self, attr, res, kind, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Items of @name that are in exactly one of @a and @b. */
static void changed_refs(const rpsl_obj_t *a, const rpsl_obj_t *b,
                         const char *name, strv_t *out)
{
    strv_t va = STRV_INIT, vb = STRV_INIT;
    list_values(a, name, &va);
    list_values(b, name, &vb);
    for (size_t i = 0; i < va.n; i++)
        if (strv_find(&vb, va.v[i]) < 0)
            strv_add_unique(out, va.v[i]);
    for (size_t i = 0; i < vb.n; i++)
        if (strv_find(&va, vb.v[i]) < 0)
            strv_add_unique(out, vb.v[i]);
    strv_free(&va);
    strv_free(&vb);
}

/*
 * The version of a result after the update (NULL after a delete).  A
 * result that did not keep the version it wrote (process.h, shed_stored)
 * has it loaded again from @txn into *@tmp, which the caller frees.
 */
static int new_version(store_txn_t *txn, const proc_result_t *x, rpsl_obj_t **tmp,
                       const rpsl_obj_t **out, err_t *err)
{
    *tmp = NULL;
    *out = NULL;
    if (x->op == PROC_DELETE)
        return 0;
    if (x->stored == NULL && x->ok && x->pkey != NULL) {
        err_t e = ERR_INIT;
        int rc = store_obj_load(txn, x->cls, x->pkey, tmp, &e);
        if (rc != 0) {
            /* missing: the update wrote it, so that is a bug, not the
             * store's state (a busy or failing store keeps its status) */
            rc = err_set(err, rc == ERR_NOTFOUND ? ERR_SOFTWARE : rc,
                         "notify: loading %s %s again: %s",
                         schema_class_name(x->cls), x->pkey, err_text(&e));
            err_free(&e);
            return rc;
        }
        *out = *tmp;
        return 0;
    }
    *out = x->stored ? x->stored : x->submitted;
    return 0;
}

/* The version before the update (NULL for a create). */
static const rpsl_obj_t *old_version(const proc_result_t *x)
{
    if (x->op == PROC_CREATE)
        return NULL;
    return x->old;
}

/* matrix_success() with the versions at hand. */
static int matrix_success_of(struct matrix *m, size_t res, const rpsl_obj_t *nv,
                             const rpsl_obj_t *ov, err_t *err)
{
    const proc_result_t *x = &m->r->v[res];
    const rpsl_obj_t *nfy = x->op == PROC_CREATE ? nv : (ov ? ov : nv);
    int rc = 0;

    if (nfy != NULL) {
        char *reason = xasprintf("notify: of %s", x->key ? x->key : "the object");
        add_attr_values(m, nfy, "notify", res, NK_CHANGE, reason);
        free(reason);
    }

    strv_t names = STRV_INIT;
    list_values(ov, "mnt-by", &names);
    if ((rc = tell_mntners(m, &names, ov, "mnt-nfy", res, NK_CHANGE, err)) == 0) {
        strv_free(&names);
        list_values(nv, "mnt-by", &names);
        rc = tell_mntners(m, &names, nv, "mnt-nfy", res, NK_CHANGE, err);
    }
    strv_free(&names);
    if (rc != 0)
        return rc;

    /* The origin aut-num of a new route(6) (auth.txt C1, G3). */
    if (x->op == PROC_CREATE && nv != NULL && (nv->cls == SC_ROUTE || nv->cls == SC_ROUTE6)) {
        const char *origin = rpsl_obj_get(nv, "origin");
        if (origin != NULL && (rc = tell_object(m, SC_AUT_NUM, origin, NULL, "notify", res,
                                                NK_CHANGE, err)) != 0)
            return rc;
    }

    /* References added or removed (issue 5). */
    strv_t refs = STRV_INIT;
    changed_refs(ov, nv, "mnt-irt", &refs);
    for (size_t i = 0; rc == 0 && i < refs.n; i++)
        rc = tell_object(m, SC_IRT, refs.v[i], NULL, "irt-nfy", res, NK_REF, err);
    strv_free(&refs);
    changed_refs(ov, nv, "org", &refs);
    for (size_t i = 0; rc == 0 && i < refs.n; i++)
        rc = tell_object(m, SC_ORGANISATION, refs.v[i], NULL, "ref-nfy", res,
                         NK_REF, err);
    strv_free(&refs);
    return rc;
}

static int matrix_success(struct matrix *m, size_t res, err_t *err)
{
    const proc_result_t *x = &m->r->v[res];
    const rpsl_obj_t *nv, *ov = old_version(x);
    rpsl_obj_t *loaded;
    int rc = new_version(m->txn, x, &loaded, &nv, err);
    if (rc == 0)
        rc = matrix_success_of(m, res, nv, ov, err);
    rpsl_obj_free(loaded);
    return rc;
}

static int matrix_auth_failure(struct matrix *m, size_t res, err_t *err)
{
    const proc_result_t *x = &m->r->v[res];
    const rpsl_obj_t *o = x->op == PROC_CREATE ? x->submitted
                        : (x->old ? x->old : x->submitted);
    /* the maintainers of the checks that failed (authz.h: for a failed
     * mnt-irt: check the irt's mntners) and those of the object itself
     * (notifications.txt; irt-object.txt: "If there is an error, both
     * will receive a notification") */
    strv_t names = STRV_INIT;
    for (size_t i = 0; i < x->upd_to.n; i++)
        strv_add_unique(&names, x->upd_to.v[i]);
    list_values(o, "mnt-by", &names);
    int rc = tell_mntners(m, &names, o, "upd-to", res, NK_AUTH, err);
    strv_free(&names);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The mails                                                          */

/*
 * The time of an e-mail update as RIPE's notifications print it (Java's
 * "EEE MMM dd HH:mm:ss z yyyy" in UTC, RIPE's syncupdates.txt section 6):
 * "Tue Apr 04 11:33:44 UTC 2026", independent of the locale.  (The
 * "...2026Z" form is that of syncupdates.)
 */
static void date_time(time_t t, buf_t *out)
{
    static const char *const dow[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL) {
        buf_puts(out, "Thu Jan 01 00:00:00 UTC 1970");
        return;
    }
    buf_printf(out, "%s %s %02d %02d:%02d:%02d UTC %d", dow[tm.tm_wday % 7],
               mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
               tm.tm_sec, tm.tm_year + 1900);
}

static void print_obj(const rpsl_obj_t *o, buf_t *out)
{
    if (o != NULL)
        rpsl_print(o, out, OBJ_FLAGS);
}

/* Diff of two objects as printed in notifications. */
static void obj_diff(const rpsl_obj_t *a, const rpsl_obj_t *b, buf_t *out)
{
    buf_t ta, tb;
    buf_init(&ta);
    buf_init(&tb);
    print_obj(a, &ta);
    print_obj(b, &tb);
    textdiff_unified(ta.s, tb.s, out);
    buf_free(&ta);
    buf_free(&tb);
}

static void entry_auth(const proc_result_t *x, buf_t *out)
{
    static const char *const what[] = { "CREATE", "MODIFY", "DELETE" };
    int w = x->op == PROC_DELETE ? 2 : x->op == PROC_CREATE ? 0 : 1;
    buf_printf(out, "---\n%s REQUESTED FOR:\n\n", what[w]);
    if (w == 0) {
        print_obj(x->submitted, out);
        buf_putc(out, '\n');
    } else {
        const rpsl_obj_t *cur = x->old ? x->old : x->submitted;
        print_obj(cur, out);
        buf_putc(out, '\n');
        if (w == 1 && x->old != NULL && x->submitted != NULL) {
            obj_diff(x->old, x->submitted, out);
            buf_putc(out, '\n');
        }
    }
}

/* A change entry; @nv is the version after the update (new_version()). */
static void entry_change(const proc_result_t *x, const rpsl_obj_t *nv, buf_t *out)
{
    switch (x->op) {
    case PROC_MODIFY:
        buf_puts(out, "---\nOBJECT BELOW MODIFIED:\n\n");
        if (x->old != NULL) {
            obj_diff(x->old, nv, out);
            buf_putc(out, '\n');
        }
        buf_puts(out, "THIS IS THE NEW VERSION OF THE OBJECT:\n\n");
        print_obj(nv, out);
        buf_putc(out, '\n');
        break;
    case PROC_DELETE:
        buf_puts(out, "---\nOBJECT BELOW DELETED:\n\n");
        print_obj(x->old ? x->old : x->submitted, out);
        buf_putc(out, '\n');
        if (x->delete_reason != NULL && *x->delete_reason) {
            report_message(DIAG_INFO, x->delete_reason, out);
            buf_putc(out, '\n');
        }
        break;
    default:
        buf_puts(out, "---\nOBJECT BELOW CREATED:\n\n");
        print_obj(nv, out);
        buf_putc(out, '\n');
        break;
    }
}

static void section_intro(enum nkind k, const char *src, buf_t *out)
{
    report_tilde_line(out);
    switch (k) {
    case NK_AUTH:
        buf_printf(out,
            "The following object(s) in the %s database were requested to be\n"
            "created, changed or deleted, but the update FAILED the authorisation\n"
            "of the maintainer(s) whose upd-to: lists you.  Nothing was changed.\n"
            "If you do not know about this update, please contact its sender.\n",
            src);
        break;
    case NK_CHANGE:
        buf_printf(out,
            "The following object(s) in the %s database, which you either\n"
            "maintain or are listed in as to-be-notified, have been created,\n"
            "changed or deleted:\n", src);
        break;
    default:
        buf_printf(out,
            "The following object(s) in the %s database added or removed\n"
            "references to objects you are listed in as to-be-notified:\n", src);
        break;
    }
    buf_putc(out, '\n');
}

/* A mail's text as it is built: one buffer, or (shared) segments whose
 * object entries are parts of the list, built once for every address. */
struct body {
    buf_t cur;              /* text since the last part */
    mailout_seg_t *segs;
    size_t nsegs;
    notify_list_t *out;     /* shared: the parts go here; else NULL */
    long *part_of[2];       /* shared: per result, its part (change / auth
                               entry), or -1; -2 when only one address is
                               told about it (its text is written inline) */
};

static void body_flush(struct body *b)
{
    if (b->cur.len == 0)
        return;
    b->segs = xrealloc(b->segs, (b->nsegs + 1) * sizeof *b->segs);
    b->segs[b->nsegs].len = b->cur.len;
    b->segs[b->nsegs].text = buf_steal(&b->cur);
    b->segs[b->nsegs].part = -1;
    b->nsegs++;
}

/* The entry of result @res (an authorisation failure when @auth, else a
 * change) into @out. */
static int entry_text(const struct matrix *m, size_t res, int auth, buf_t *out, err_t *err)
{
    const proc_result_t *x = &m->r->v[res];
    if (auth) {
        entry_auth(x, out);
        return 0;
    }
    const rpsl_obj_t *nv;
    rpsl_obj_t *loaded;
    int rc = new_version(m->txn, x, &loaded, &nv, err);
    if (rc != 0)
        return rc;
    entry_change(x, nv, out);
    rpsl_obj_free(loaded);
    return 0;
}

static int body_entry(const struct matrix *m, struct body *b, size_t res, int auth, err_t *err)
{
    if (b->out == NULL || b->part_of[auth][res] == -2)
        return entry_text(m, res, auth, &b->cur, err);
    long pi = b->part_of[auth][res];
    if (pi < 0) {
        buf_t t;
        buf_init(&t);
        int rc = entry_text(m, res, auth, &t, err);
        if (rc != 0) {
            buf_free(&t);
            return rc;
        }
        notify_list_t *l = b->out;
        l->parts = xrealloc(l->parts, (l->nparts + 1) * sizeof *l->parts);
        memset(&l->parts[l->nparts], 0, sizeof *l->parts);
        l->parts[l->nparts].len = t.len;
        l->parts[l->nparts].text = buf_steal(&t);
        pi = b->part_of[auth][res] = (long)l->nparts++;
    }
    body_flush(b);
    b->segs = xrealloc(b->segs, (b->nsegs + 1) * sizeof *b->segs);
    b->segs[b->nsegs].text = NULL;
    b->segs[b->nsegs].len = 0;
    b->segs[b->nsegs].part = pi;
    b->nsegs++;
    return 0;
}

static int mail_body(const struct matrix *m, const struct naddr *a,
                     int has_auth, struct body *b, err_t *err)
{
    buf_t *out = &b->cur;
    const char *src = m->opts->source ? m->opts->source : "RPSL";
    buf_printf(out, "This is to notify you of %s the %s database.\n\n",
               has_auth ? "an update that failed authorisation in"
                        : "changes in", src);
    buf_puts(out, "You receive this mail because your address is listed in:\n\n");
    for (size_t i = 0; i < a->reasons.n; i++)
        buf_printf(out, "    %s\n", a->reasons.v[i]);
    buf_puts(out, "\nThe update was sent by:\n\n");
    const origin_t *o = m->opts->origin;
    if (o != NULL && o->kind == ORIGIN_HTTP) {
        origin_http_lines(o, m->opts->now, out);
    } else {
        /* RIPE's e-mail origin: the values line up after "- Date/Time: " */
        buf_printf(out, "- From:      %s\n", o && o->from ? o->from : "(unknown)");
        buf_puts(out, "- Date/Time: ");
        date_time(m->opts->now, out);
        buf_putc(out, '\n');
    }
    buf_putc(out, '\n');

    for (int k = 0; k < NK__COUNT; k++) {
        int any = 0;
        for (size_t i = 0; i < a->n; i++) {
            if (a->v[i].kind != (enum nkind)k)
                continue;
            if (!any) {
                section_intro((enum nkind)k, src, out);
                any = 1;
            }
            int rc = body_entry(m, b, a->v[i].res, k == NK_AUTH, err);
            if (rc != 0)
                return rc;
        }
    }
    report_tilde_line(out);
    buf_printf(out, "\nThis mail was generated by the update robot of the %s database.\n", src);
    return 0;
}

/* Entries by section; in a section in the order the changes were made
 * (proc_result_t.seq: an object created and deleted in one mail, listed
 * the other way round, is told as created, then deleted), failures
 * (seq 0) in message order. */
static int cmp_entry(const void *pa, const void *pb)
{
    const struct nentry *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    if (a->res != b->res)
        return a->res < b->res ? -1 : 1;
    return 0;
}

static int cmp_addr(const void *pa, const void *pb)
{
    const struct naddr *a = pa, *b = pb;
    return strcasecmp(a->addr, b->addr);
}

static void list_push(notify_list_t *l, char *to, char *subject, char *body)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    memset(&l->v[l->n], 0, sizeof l->v[l->n]);
    l->v[l->n].to = to;
    l->v[l->n].subject = subject;
    l->v[l->n].body = body;
    l->n++;
}

/* Drop the mails and parts of @l from the @n-th and the @np-th on. */
static void list_truncate(notify_list_t *l, size_t n, size_t np)
{
    for (size_t i = n; i < l->n; i++) {
        free(l->v[i].to);
        free(l->v[i].subject);
        free(l->v[i].body);
        for (size_t k = 0; k < l->v[i].nsegs; k++)
            free(l->v[i].segs[k].text);
        free(l->v[i].segs);
    }
    for (size_t k = np; k < l->nparts; k++)
        free(l->parts[k].text);
    l->n = n;
    l->nparts = np;
}

/* Add the size of the mail @n of @l as delivered (mailout_segs_size(),
 * the parts measured once) to *@bytes: ERR_LIMIT beyond
 * opts->max_notify_bytes. */
static int count_bytes(const notify_opts_t *opts, notify_list_t *l, const notify_mail_t *n,
                       size_t *bytes, err_t *err)
{
    mailout_msg_t msg = { MAILOUT_NOTIFY, opts->robot_address, n->to, n->subject, NULL, NULL,
                          opts->now };
    mailout_seg_t whole = { n->body, n->body ? strlen(n->body) : 0, -1 };
    size_t size;
    err_t e = ERR_INIT;
    /* ERR_SYNTAX: an unusable address, never queued (size 0) */
    if (n->segs != NULL)
        mailout_segs_size(&msg, n->segs, n->nsegs, l->parts, &size, &e);
    else
        mailout_segs_size(&msg, &whole, 1, l->parts, &size, &e);
    err_free(&e);
    *bytes += size;
    if (*bytes > opts->max_notify_bytes)
        return err_set(err, ERR_LIMIT, "its notifications would make more than %zu bytes of "
                       "mail (max_notify_bytes)", opts->max_notify_bytes);
    return 0;
}

int notify_build(store_txn_t *txn, const proc_report_t *r,
                 const notify_opts_t *opts, notify_list_t *out, err_t *err)
{
    if (r == NULL || opts == NULL || r->dry_run)
        return 0;
    struct matrix m;
    memset(&m, 0, sizeof m);
    m.opts = opts;
    m.r = r;
    m.txn = txn;

    for (size_t i = 0; i < r->n; i++) {
        const proc_result_t *x = &r->v[i];
        int rc = 0;
        if (x->ok && x->op != PROC_NOOP)
            rc = matrix_success(&m, i, err);
        else if (!x->ok && x->auth_failed)
            rc = matrix_auth_failure(&m, i, err);
        if (rc != 0) {
            matrix_free(&m);
            return rc;
        }
    }

    if (m.over) {
        matrix_free(&m);
        return err_set(err, ERR_LIMIT, "its notifications would go to more than %u "
                       "addresses (max_recipients)", opts->max_recipients);
    }
    if (m.n > 1)
        qsort(m.v, m.n, sizeof *m.v, cmp_addr);
    const char *src = opts->source ? opts->source : "RPSL";
    long *part_of[2] = { NULL, NULL };
    if (opts->shared) {
        for (int k = 0; k < 2; k++) {
            part_of[k] = xmalloc((r->n + 1) * sizeof *part_of[k]);
            for (size_t i = 0; i < r->n; i++)
                part_of[k][i] = -2;
        }
        /* an entry becomes a part only when two or more addresses get it */
        for (size_t i = 0; i < m.n; i++)
            for (size_t k = 0; k < m.v[i].n; k++) {
                long *p = &part_of[m.v[i].v[k].kind == NK_AUTH][m.v[i].v[k].res];
                *p = *p == -2 ? -3 : -1;
            }
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < r->n; i++)
                if (part_of[k][i] == -3)
                    part_of[k][i] = -2;
    }
    int rc = 0;
    size_t n0 = out->n, np0 = out->nparts, bytes = 0;
    for (size_t i = 0; rc == 0 && i < m.n; i++) {
        struct naddr *a = &m.v[i];
        if (a->n > 1)
            qsort(a->v, a->n, sizeof *a->v, cmp_entry);
        int has_auth = 0;
        for (size_t k = 0; k < a->n; k++)
            if (a->v[k].kind == NK_AUTH)
                has_auth = 1;
        struct body b;
        memset(&b, 0, sizeof b);
        buf_init(&b.cur);
        b.out = opts->shared ? out : NULL;
        b.part_of[0] = part_of[0];
        b.part_of[1] = part_of[1];
        rc = mail_body(&m, a, has_auth, &b, err);
        if (rc != 0) {
            buf_free(&b.cur);
            for (size_t k = 0; k < b.nsegs; k++)
                free(b.segs[k].text);
            free(b.segs);
            break;
        }
        char *subject = has_auth
            ? xasprintf("%s database updates, auth error notification", src)
            : xasprintf("Notification of %s database changes", src);
        if (opts->shared) {
            body_flush(&b);
            list_push(out, xstrdup(a->addr), subject, NULL);
            out->v[out->n - 1].segs = b.segs;
            out->v[out->n - 1].nsegs = b.nsegs;
        } else {
            list_push(out, xstrdup(a->addr), subject, buf_steal(&b.cur));
        }
        if (opts->max_notify_bytes)
            rc = count_bytes(opts, out, &out->v[out->n - 1], &bytes, err);
    }
    if (rc != 0)
        list_truncate(out, n0, np0);
    free(part_of[0]);
    free(part_of[1]);
    matrix_free(&m);
    return rc;
}

void notify_list_free(notify_list_t *l)
{
    if (l == NULL)
        return;
    list_truncate(l, 0, 0);
    free(l->v);
    free(l->parts);
    l->v = NULL;
    l->parts = NULL;
    l->n = l->cap = l->nparts = 0;
}
