/*
 * process.c - the update engine (see process.h).
 *
 * Each object of the update is an item.  Items are tried in message
 * order; an item that fails, or that references an AUTO-n key another
 * item has not generated yet, is tried again in a later pass, and passes
 * repeat while one of them makes progress (auth.txt G2).  An attempt
 * writes to the store only after every check passed, so a failed
 * attempt leaves nothing behind.  The result kept is that of the last
 * attempt.
 *
 * Stages of one attempt (RIPE whois' explode / credentials / authorise
 * split): syntax, operation, AUTO-n keys and references, delete checks,
 * authorisation, generated attributes, write.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "registry/auth.h"
#include "registry/authz.h"
#include "util/buf.h"
#include "registry/keyring.h"
#include "registry/process.h"
#include "registry/rules.h"
#include "rpsl/schema.h"
#include "rpsl/syntax.h"
#include "store/journal.h"
#include "store/seen.h"
#include "util/timefmt.h"

enum attempt { ATTEMPT_OK, ATTEMPT_FAIL, ATTEMPT_DEFER };

struct item {
    upd_para_t *para;       /* its paragraph (the object released once ok) */
    size_t idx;             /* paragraph index */
    int ok;                 /* succeeded (final) */
    proc_result_t res;
    char *auto_def;         /* "AUTO-1" (upper case) this item defines */
    int auto_dup;           /* another item defined the same AUTO-n first */
    char *auto_key;         /* the key generated for it, after success */
    int deleting;           /* a delete that has not failed for good */
    int cls;
    char *pkey;             /* normalised primary key (delete items) */
    long space;             /* keyspace of the generated key, or -1 */
    unsigned long num;      /* its number */
    int ov_state;           /* its override: checked? 0 not yet, 1 matched,
                               -1 did not, -2 not computed (budget spent) */
};

/* Numbers already used under one AUTO-n key prefix ("AG", "ORG-EO"),
 * read from the store once per update and kept up to date as keys are
 * generated, so a mail with thousands of AUTO-n objects stays linear. */
struct keyspace {
    char *prefix;
    int org;
    unsigned char *used;    /* used[n] != 0: number n is taken */
    size_t cap;
    unsigned long max;      /* highest number taken */
    unsigned long next;     /* no free number below this one */
};

struct ctx {
    store_txn_t *txn;
    const proc_opts_t *opts;
    upd_msg_t *msg;
    struct item *items;
    size_t nitems;
    int dry_run;
    struct keyspace *spaces;
    size_t nspaces;
    struct item **defs;     /* items defining an AUTO-n key, sorted */
    size_t ndefs;
    strv_t sig_checked;     /* signature digests looked up in the store */
    strv_t sig_replayed;    /* ... of them, those used before (replays) */
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */

static void result_reset(proc_result_t *r)
{
    free(r->key);
    rpsl_obj_free(r->submitted);
    rpsl_obj_free(r->old);
    rpsl_obj_free(r->stored);
    free(r->pkey);
    diag_list_free(&r->diags);
    free(r->delete_reason);
    strv_free(&r->auth_by);
    strv_free(&r->upd_to);
    size_t para = r->para;
    memset(r, 0, sizeof *r);
    r->para = para;
    diag_list_init(&r->diags);
    strv_init(&r->auth_by);
    strv_init(&r->upd_to);
}

static void copy_diags(diag_list_t *to, const diag_list_t *from)
{
    for (size_t i = 0; i < from->n; i++)
        diag_add(to, from->v[i].sev, from->v[i].attr, "%s", from->v[i].text);
}

/* Is @v an AUTO-n placeholder ("AUTO-12", optionally followed by letters)?
 * Returns the length of the "AUTO-n" part, or 0. */
static size_t auto_len(const char *v)
{
    if (strncasecmp(v, "AUTO-", 5) != 0 || !isdigit((unsigned char)v[5]) || v[5] == '0')
        return 0;
    size_t n = 5;
    while (isdigit((unsigned char)v[n]))
        n++;
    for (size_t k = n; v[k]; k++)
        if (!isalpha((unsigned char)v[k]))
            return 0;
    return n;
}

static char *upper_n(const char *s, size_t n)
{
    char *u = xstrndup(s, n);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

char *proc_key_display(const rpsl_obj_t *o)
{
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "[%s] ", schema_class_name(o->cls));
    schema_pkey(o, &b);
    if ((o->cls == SC_PERSON || o->cls == SC_ROLE) && o->nattrs > 0)
        buf_printf(&b, "   %s", o->attrs[0].value);
    return buf_steal(&b);
}

/* Generated attributes are left out of comparisons (auth.txt E1, E4). */
static int is_generated(const char *name)
{
    static const char *const gen[] = {
        "created", "last-modified", "changed", "fingerpr", "owner", "method"
    };
    for (size_t i = 0; i < sizeof gen / sizeof *gen; i++)
        if (strcmp(name, gen[i]) == 0)
            return 1;
    return 0;
}

static int comments_equal(const rpsl_attr_t *a, const rpsl_attr_t *b)
{
    buf_t x, y;
    buf_init(&x);
    buf_init(&y);
    for (size_t i = 0; i < a->nlines; i++)
        if (a->lines[i].comment) {
            buf_puts(&x, a->lines[i].comment);
            buf_putc(&x, ' ');
        }
    for (size_t i = 0; i < b->nlines; i++)
        if (b->lines[i].comment) {
            buf_puts(&y, b->lines[i].comment);
            buf_putc(&y, ' ');
        }
    int eq = strcasecmp(x.s, y.s) == 0;
    buf_free(&x);
    buf_free(&y);
    return eq;
}

/* Same attributes, values and comments, generated attributes aside. */
static int objects_equal(const rpsl_obj_t *a, const rpsl_obj_t *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->nattrs && is_generated(a->attrs[i].name))
            i++;
        while (j < b->nattrs && is_generated(b->attrs[j].name))
            j++;
        if (i == a->nattrs || j == b->nattrs)
            return i == a->nattrs && j == b->nattrs;
        const rpsl_attr_t *x = &a->attrs[i], *y = &b->attrs[j];
        if (strcmp(x->name, y->name) != 0 || !rpsl_value_equal(x->value, y->value) ||
            !comments_equal(x, y))
            return 0;
        i++;
        j++;
    }
}


/* ------------------------------------------------------------------ */
/* AUTO-n keys                                                        */

static int def_cmp(const void *a, const void *b)
{
    const struct item *x = *(const struct item *const *)a;
    const struct item *y = *(const struct item *const *)b;
    int d = strcasecmp(x->auto_def, y->auto_def);
    if (d)
        return d;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The item that defines @autokey ("AUTO-1", any case), or NULL. */
static struct item *auto_definer(struct ctx *c, const char *autokey)
{
    size_t lo = 0, hi = c->ndefs;
    while (lo < hi) {       /* the first entry >= autokey */
        size_t mid = lo + (hi - lo) / 2;
        if (strcasecmp(c->defs[mid]->auto_def, autokey) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->ndefs && strcasecmp(c->defs[lo]->auto_def, autokey) == 0)
        return c->defs[lo];
    return NULL;
}

#define KEYSPACE_MAX_NUMBER 1000000UL    /* nic-hdl numbers have <= 6 digits */

struct used_ctx {
    struct keyspace *ks;
    const char *suffix;     /* "-TEST" */
};

static void keyspace_mark(struct keyspace *ks, unsigned long n)
{
    if (n > ks->max)
        ks->max = n;
    if (n >= KEYSPACE_MAX_NUMBER)
        return;
    if (n >= ks->cap) {
        size_t cap = ks->cap ? ks->cap : 1024;
        while (cap <= n)
            cap *= 2;
        ks->used = xrealloc(ks->used, cap);
        memset(ks->used + ks->cap, 0, cap - ks->cap);
        ks->cap = cap;
    }
    ks->used[n] = 1;
}

static int note_used(const char *pkey, void *arg)
{
    struct used_ctx *u = arg;
    size_t sl = strlen(u->ks->prefix);
    const char *p = pkey + sl;
    if (strncasecmp(pkey, u->ks->prefix, sl) != 0 || !isdigit((unsigned char)*p) || *p == '0')
        return 0;
    char *end;
    unsigned long n = strtoul(p, &end, 10);
    if (strcasecmp(end, u->suffix) != 0)
        return 0;
    keyspace_mark(u->ks, n);
    return 0;
}

/* The keyspace of @prefix, read from the store the first time. */
static int keyspace_get(struct ctx *c, const char *prefix, int org, long *idx, err_t *err)
{
    for (size_t i = 0; i < c->nspaces; i++)
        if (c->spaces[i].org == org && strcmp(c->spaces[i].prefix, prefix) == 0) {
            *idx = (long)i;
            return 0;
        }
    c->spaces = xrealloc(c->spaces, (c->nspaces + 1) * sizeof *c->spaces);
    struct keyspace *ks = &c->spaces[c->nspaces];
    memset(ks, 0, sizeof *ks);
    ks->prefix = xstrdup(prefix);
    ks->org = org;
    ks->next = 1;
    *idx = (long)c->nspaces++;
    char *suffix = xasprintf("-%s", c->opts->source);
    struct used_ctx u = { ks, suffix };
    int rc;
    if (org) {
        rc = store_keys_used(c->txn, SC_ORGANISATION, prefix, note_used, &u, err);
    } else {
        rc = store_keys_used(c->txn, SC_PERSON, prefix, note_used, &u, err);
        if (rc == 0)
            rc = store_keys_used(c->txn, SC_ROLE, prefix, note_used, &u, err);
    }
    free(suffix);
    return rc;
}

/* The initials RIPE derives from a name: first letters of up to four
 * words that start with a letter, padded to two with 'A'. */
static void initials(const char *name, char out[5])
{
    size_t n = 0;
    const char *p = name;
    while (*p && n < 4) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (isalpha((unsigned char)*p))
            out[n++] = (char)toupper((unsigned char)*p);
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    while (n < 2)
        out[n++] = 'A';
    out[n] = 0;
}

/*
 * Generate the key for an AUTO-n placeholder of a new person, role or
 * organisation (syntax.txt section 7).
 */
static int generate_key(struct ctx *c, struct item *it, const rpsl_obj_t *o,
                        const char *placeholder, char **out, err_t *err)
{
    char space[5];
    size_t al = auto_len(placeholder);
    const char *letters = placeholder + al;
    if (*letters) {
        size_t n = strlen(letters);
        if (n > 4)
            n = 4;
        for (size_t i = 0; i < n; i++)
            space[i] = (char)toupper((unsigned char)letters[i]);
        space[n] = 0;
    } else {
        const char *name = o->cls == SC_ORGANISATION ? rpsl_obj_get(o, "org-name")
                                                     : o->attrs[0].value;
        initials(name ? name : "", space);
    }
    int org = o->cls == SC_ORGANISATION;
    char *prefix = org ? xasprintf("ORG-%s", space) : xstrdup(space);
    long idx;
    int rc = keyspace_get(c, prefix, org, &idx, err);
    free(prefix);
    if (rc)
        return rc;
    struct keyspace *ks = &c->spaces[idx];
    unsigned long n;
    if (org) {
        n = ks->max + 1;        /* organisations: last issued + 1 */
    } else {
        n = ks->next;           /* persons and roles: lowest free number */
        while (n < ks->cap && ks->used[n])
            n++;
        ks->next = n;
        if (n >= KEYSPACE_MAX_NUMBER)
            n = ks->max + 1;
    }
    it->space = idx;
    it->num = n;
    *out = org ? xasprintf("ORG-%s%lu-%s", space, n, c->opts->source)
               : xasprintf("%s%lu-%s", space, n, c->opts->source);
    return 0;
}

/* May attribute @aid reference class @cls? */
static int refs_class(int aid, int cls)
{
    for (const int *r = schema_attr_refs(aid); *r >= 0; r++)
        if (*r == cls)
            return 1;
    return 0;
}

/*
 * Replace AUTO-n references of @o (the object of item @self) by the keys
 * their definers generated; a reference to @self's own AUTO-n key by the
 * key generated for it in this attempt (self references are judged
 * later: allowed for org:, refused for a role's admin-c:/tech-c:).
 * @return ATTEMPT_OK, ATTEMPT_DEFER (a definer has not succeeded yet) or
 *         ATTEMPT_FAIL (errors added to @d).
 */
static enum attempt resolve_autos(struct ctx *c, const struct item *self, rpsl_obj_t *o,
                                  diag_list_t *d)
{
    enum attempt result = ATTEMPT_OK;
    for (size_t i = 0; i < o->nattrs; i++) {
        rpsl_attr_t *a = &o->attrs[i];
        if (a->aid < 0 || schema_attr_refs(a->aid)[0] < 0)
            continue;
        /* (nic-hdl: and organisation:, where AUTO-n keys are defined,
         * are not reference attributes) */
        if (strcasestr(a->value, "AUTO-") == NULL)
            continue;
        strv_t items = STRV_INIT;
        rpsl_list_collect(a->value, &items);
        int changed = 0;
        buf_t nv;
        buf_init(&nv);
        for (size_t k = 0; k < items.n; k++) {
            const char *v = items.v[k];
            if (k)
                buf_puts(&nv, ", ");
            if (auto_len(v) == 0) {
                buf_puts(&nv, v);
                continue;
            }
            struct item *def = auto_definer(c, v);
            if (def == NULL) {
                diag_add(d, DIAG_ERROR, (int)i, "Reference \"%s\" not found", v);
                result = ATTEMPT_FAIL;
                buf_puts(&nv, v);
                continue;
            }
            if (!refs_class(a->aid, def->cls)) {
                diag_add(d, DIAG_ERROR, (int)i, "Invalid reference to [%s] %s",
                         schema_class_name(def->cls), def->auto_key ? def->auto_key : v);
                result = ATTEMPT_FAIL;
                buf_puts(&nv, v);
                continue;
            }
            if ((def != self && !def->ok) || def->auto_key == NULL) {
                if (result == ATTEMPT_OK)
                    result = ATTEMPT_DEFER;
                buf_puts(&nv, v);
                continue;
            }
            buf_puts(&nv, def->auto_key);
            changed = 1;
        }
        if (changed && result != ATTEMPT_FAIL)
            rpsl_obj_set_value(o, i, nv.s);
        buf_free(&nv);
        strv_free(&items);
    }
    return result;
}

/* ------------------------------------------------------------------ */
/* References                                                         */

static int exists_in(struct ctx *c, const int *classes, const char *key, err_t *err,
                     int *found)
{
    *found = 0;
    for (const int *r = classes; *r >= 0; r++) {
        int rc = store_obj_get(c->txn, *r, key, NULL, err);
        if (rc == 0) {
            *found = 1;
            return 0;
        }
        if (rc != ERR_NOTFOUND)
            return rc;
    }
    return 0;
}

/*
 * Every referenced object must exist (syntax.txt section 8).  @selfkey is
 * the object's own key (self references are allowed).
 */
static int check_references(struct ctx *c, const rpsl_obj_t *o, const char *selfkey,
                            diag_list_t *d, int *failed, err_t *err)
{
    for (size_t i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];
        if (a->aid < 0)
            continue;
        const int *refs = schema_attr_refs(a->aid);
        if (refs[0] < 0)
            continue;
        strv_t items = STRV_INIT;
        if (a->aid == SA_MNT_ROUTES) {
            size_t n = strcspn(a->value, " \t{");
            strv_addn(&items, a->value, n);
        } else if (schema_attr_flags(a->aid) & SAF_LIST) {
            rpsl_list_collect(a->value, &items);
        } else {
            strv_add(&items, a->value);
        }
        strv_t missing = STRV_INIT;
        for (size_t k = 0; k < items.n; k++) {
            const char *v = items.v[k];
            if (a->aid == SA_AUTH && strncasecmp(v, "PGPKEY-", 7) != 0 &&
                strncasecmp(v, "X509-", 5) != 0)
                continue;
            if (a->aid == SA_MBRS_BY_REF && strcasecmp(v, "ANY") == 0)
                continue;
            if (strcasecmp(v, selfkey) == 0 && refs_class(a->aid, o->cls))
                continue;
            int found;
            int rc = exists_in(c, refs, v, err, &found);
            if (rc) {
                strv_free(&items);
                strv_free(&missing);
                return rc;
            }
            if (found)
                continue;
            if (a->aid == SA_AUTH) {
                diag_add(d, DIAG_WARNING, (int)i, "The key-cert object %s does not exist", v);
                continue;
            }
            strv_add(&missing, v);
        }
        if (missing.n) {
            buf_t b;
            buf_init(&b);
            for (size_t k = 0; k < missing.n; k++)
                buf_printf(&b, "%s%s", k ? "," : "", missing.v[k]);
            diag_add(d, DIAG_ERROR, (int)i, "Unknown object referenced %s", b.s);
            buf_free(&b);
            *failed = 1;
        }
        strv_free(&items);
        strv_free(&missing);
    }
    return 0;
}

/* Referential integrity of a delete (auth.txt E5). */
struct refby {
    struct ctx *c;
    int cls;
    const char *pkey;
    int referenced;
    strv_t excused;     /* "index" of the delete items whose objects
                           reference it (deleted in the same update) */
};

static int refby_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    (void)text;
    (void)len;
    struct refby *r = arg;
    if (cls == r->cls && strcasecmp(pkey, r->pkey) == 0)
        return 0;   /* a self reference */
    for (size_t i = 0; i < r->c->nitems; i++) {
        struct item *it = &r->c->items[i];
        if (it->deleting && it->cls == cls && it->pkey && strcasecmp(it->pkey, pkey) == 0) {
            char *id = xasprintf("%zu", i);
            strv_add_unique(&r->excused, id);
            free(id);
            return 0;   /* deleted in the same update, see is_referenced */
        }
    }
    r->referenced = 1;
    return 1;
}

static int delete_authorised(struct ctx *c, struct item *it, int *yes, err_t *err);

/*
 * Is (@cls, @pkey) referenced by another object?  A reference from an
 * object the same update deletes does not count (mutual references,
 * auth.txt E5), but only when the update is authorised to delete that
 * object: a delete the sender may not make excuses nothing.
 */
static int is_referenced(struct ctx *c, int cls, const char *pkey, int *referenced,
                         err_t *err)
{
    struct refby r = { c, cls, pkey, 0, STRV_INIT };
    *referenced = 0;
    if (cls == SC_AUT_NUM)
        return 0;
    int rc = 0;
    for (int aid = 0; aid < SA__COUNT; aid++) {
        if (!refs_class(aid, cls))
            continue;
        rc = store_inverse(c->txn, aid, pkey, refby_hit, &r, err);
        if (rc && rc != 1)
            break;
        rc = 0;
        if (r.referenced)
            break;
    }
    for (size_t i = 0; rc == 0 && !r.referenced && i < r.excused.n; i++) {
        int yes;
        rc = delete_authorised(c, &c->items[strtoul(r.excused.v[i], NULL, 10)], &yes, err);
        if (rc == 0 && !yes)
            r.referenced = 1;
    }
    strv_free(&r.excused);
    *referenced = r.referenced;
    return rc;
}

/* ------------------------------------------------------------------ */
/* Authorisation                                                      */

/* Was the signature @digest used by an earlier update?  Looked up once per
 * digest, before this update records any (proc_run's end). */
static int sig_replayed(struct ctx *c, const char *digest, int *replayed, err_t *err)
{
    *replayed = strv_find(&c->sig_replayed, digest) >= 0;
    if (*replayed || strv_find(&c->sig_checked, digest) >= 0)
        return 0;
    int rc = store_sig_seen(c->txn, digest, err);
    if (rc == 0) {
        strv_add(&c->sig_replayed, digest);
        *replayed = 1;
    } else if (rc != ERR_NOTFOUND) {
        return rc;
    }
    strv_add(&c->sig_checked, digest);
    return 0;
}

/* The key-cert name of a signature's key, for messages. */
static void cred_key_name(const cred_t *k, char out[16])
{
    const char *f = k->primary[0] ? k->primary : k->fpr;
    if (strlen(f) >= 8)
        pgp_keycert_name(f, out);
    else
        out[0] = 0;
}

/* Add the object-level error @text to @d unless it is there already. */
static void add_error_once(diag_list_t *d, char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].attr == DIAG_OBJECT && strcmp(d->v[i].text, text) == 0) {
            free(text);
            return;
        }
    diag_add(d, DIAG_ERROR, DIAG_OBJECT, "%s", text);
    free(text);
}

/* Add one error per signature of @creds that did not count, saying why
 * (the same reason for two signatures once). */
static int explain_sigs(struct ctx *c, const cred_list_t *creds, diag_list_t *d, err_t *err)
{
    for (size_t i = 0; creds && i < creds->n; i++) {
        const cred_t *k = &creds->v[i];
        if (k->kind != CRED_PGP)
            continue;
        char name[16];
        cred_key_name(k, name);
        const char *sp = name[0] ? " " : "";
        char *m = NULL;
        switch (k->state) {
        case CRED_PGP_GOOD: {
            int replayed = 0, rc;
            if (k->digest && (rc = sig_replayed(c, k->digest, &replayed, err)) != 0)
                return rc;
            if (replayed) {
                m = xasprintf("The PGP signature by %s was already used for an earlier "
                              "update (signature already used): sign the update again", name);
                break;
            }
            rc = auth_pgp_keycert(c->txn, NULL, k, NULL, err);
            if (rc < 0)
                return -rc;
            if (rc == 0)
                m = xasprintf("Message was signed by an unknown key %s: no key-cert "
                              "object holds its fingerprint", name);
            break;
        }
        case CRED_PGP_BAD:
            m = xasprintf("The PGP signature%s%s does not verify: the signed text was "
                          "altered", name[0] ? " by " : "", name);
            break;
        case CRED_PGP_UNKNOWN_KEY:
            m = xasprintf("Message was signed by an unknown key%s%s", sp, name);
            break;
        case CRED_PGP_EXPIRED:
            m = xasprintf("The signing key %s has expired", name);
            break;
        case CRED_PGP_REVOKED:
            m = xasprintf("The signing key %s was revoked", name);
            break;
        case CRED_PGP_TOO_OLD:
            m = xstrdup("Message was signed more than one hour ago");
            break;
        case CRED_PGP_FUTURE:
            m = xstrdup("Message was signed more than one hour in the future");
            break;
        }
        if (m)
            add_error_once(d, m);
    }
    return 0;
}

/* The credentials of @creds that may count: replayed signatures left out. */
static int usable_creds(struct ctx *c, const cred_list_t *creds, cred_list_t *out,
                        int *dropped, err_t *err)
{
    *dropped = 0;
    cred_list_init(out);
    for (size_t i = 0; creds && i < creds->n; i++) {
        const cred_t *k = &creds->v[i];
        if (k->kind == CRED_PGP && k->state == CRED_PGP_GOOD && k->digest) {
            int replayed, rc = sig_replayed(c, k->digest, &replayed, err);
            if (rc)
                return rc;
            if (replayed) {
                *dropped = 1;
                continue;
            }
        }
    }
    if (*dropped) {
        for (size_t i = 0; i < creds->n; i++) {
            const cred_t *k = &creds->v[i];
            if (k->kind == CRED_PGP && k->state == CRED_PGP_GOOD && k->digest &&
                strv_find(&c->sig_replayed, k->digest) >= 0)
                continue;
            cred_list_t one = { (cred_t *)k, 1, 1 };
            cred_list_append(out, &one);
        }
    }
    return 0;
}

/* Run every authorisation check (authz.h).  Returns 0 or a store error. */
static int authorise(struct ctx *c, struct item *it, enum proc_op op, const rpsl_obj_t *obj,
                     const rpsl_obj_t *old, int *passed, err_t *err)
{
    proc_result_t *r = &it->res;
    cred_list_t usable;
    int dropped;
    int rc = usable_creds(c, it->para->creds, &usable, &dropped, err);
    if (rc) {
        cred_list_free(&usable);
        return rc;
    }
    authz_req_t q = { c->txn, op, obj, old, dropped ? &usable : it->para->creds,
                      c->opts->authz };
    authz_res_t a;
    authz_res_init(&a);
    rc = authz_run(&q, &r->diags, &a, err);
    *passed = a.passed;
    for (size_t i = 0; i < a.by.n; i++)
        strv_add_unique(&r->auth_by, a.by.v[i]);
    for (size_t i = 0; i < a.upd_to.n; i++)
        strv_add_unique(&r->upd_to, a.upd_to.v[i]);
    authz_res_free(&a);
    if (rc == 0 && !*passed)
        auth_explain_passwords(q.creds, &r->diags);
    cred_list_free(&usable);
    if (rc == 0 && !*passed)
        rc = explain_sigs(c, it->para->creds, &r->diags, err);
    return rc;
}

/* Does the override: value of @it ("user,password[,reason]": the password
 * is the second field) hold the configured override password?  Computed
 * once per item, from the mail's crypt budget (upd_password_limits): each
 * object of a mail may carry an override: line, and the override hash may
 * be costly. */
static int override_matches(struct ctx *c, struct item *it)
{
    if (it->ov_state != 0)
        return it->ov_state == 1;
    if (c->msg->checks_bounded) {
        if (c->msg->checks_left == 0) {
            it->ov_state = -2;
            return 0;
        }
        c->msg->checks_left--;
    }
    const char *ov = it->para->override;
    const char *p = strchr(ov, ',');
    char *pw = p ? xstrndup(p + 1, strcspn(p + 1, ",")) : xstrdup(ov);
    int ok = auth_crypt_ok(c->opts->override_hash, pw);
    explicit_bzero(pw, strlen(pw));
    free(pw);
    it->ov_state = ok ? 1 : -1;
    return ok;
}

/* override: (auth.txt A11).  Returns 1 if it grants the update. */
static int override_ok(struct ctx *c, struct item *it)
{
    const char *ov = it->para->override;
    if (ov == NULL)
        return 0;
    if (!c->opts->allow_override || c->opts->override_hash == NULL) {
        diag_add(&it->res.diags, DIAG_ERROR, DIAG_OBJECT, "Override not allowed in email update");
        return -1;
    }
    if (!override_matches(c, it)) {
        diag_add(&it->res.diags, DIAG_ERROR, DIAG_OBJECT, "Override authentication failed");
        if (it->ov_state == -2)
            diag_add(&it->res.diags, DIAG_WARNING, DIAG_OBJECT,
                     "The override password was not checked: the passwords of one mail "
                     "compute a bounded number of hashes (max_password_checks)");
        return -1;
    }
    strv_add_unique(&it->res.auth_by, "override");
    return 1;
}

/*
 * May the update delete the object of the delete item @it, as the store
 * is now?  (Its stored object exists and the item's credentials, or a
 * valid override, pass the delete's authorisation.)  Nothing is reported.
 */
static int delete_authorised(struct ctx *c, struct item *it, int *yes, err_t *err)
{
    *yes = 0;
    const char *ov = it->para->override;
    if (ov && c->opts->allow_override && c->opts->override_hash && override_matches(c, it)) {
        *yes = 1;
        return 0;
    }
    rpsl_obj_t *stored = NULL;
    int rc = store_obj_load(c->txn, it->cls, it->pkey, &stored, err);
    if (rc == ERR_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    cred_list_t usable;
    int dropped;
    rc = usable_creds(c, it->para->creds, &usable, &dropped, err);
    if (rc == 0) {
        authz_req_t q = { c->txn, PROC_DELETE, stored, stored,
                          dropped ? &usable : it->para->creds, c->opts->authz };
        diag_list_t d = DIAG_LIST_INIT;
        authz_res_t a;
        authz_res_init(&a);
        rc = authz_run(&q, &d, &a, err);
        *yes = rc == 0 && a.passed;
        authz_res_free(&a);
        diag_list_free(&d);
    }
    cred_list_free(&usable);
    rpsl_obj_free(stored);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Generated attributes                                               */

/*
 * Set created:/last-modified: (syntax.txt section 6): supplied values are
 * removed (with a warning when they differ from what is generated), then
 * the generated ones are inserted before source:.
 */
static void set_generated(struct ctx *c, rpsl_obj_t *o, const rpsl_obj_t *old,
                          diag_list_t *d)
{
    char now[TIMEFMT_ISO8601_SIZE];
    timefmt_iso8601(c->opts->now, now);
    const char *created = now;
    const char *oldc = old ? rpsl_obj_get(old, "created") : NULL;
    if (old)
        created = oldc;     /* may be NULL: legacy objects have none */
    static const char *const names[] = { "created", "last-modified" };
    const char *want[2] = { created, now };
    for (int k = 0; k < 2; k++) {
        long i;
        int warned = 0;
        while ((i = rpsl_obj_find(o, names[k], 0)) >= 0) {
            if (!warned && (want[k] == NULL || strcasecmp(o->attrs[i].value, want[k]) != 0)) {
                diag_add(d, DIAG_WARNING, DIAG_OBJECT,
                         "Supplied attribute '%s' has been replaced with a generated value",
                         names[k]);
                warned = 1;
            }
            rpsl_obj_remove(o, (size_t)i);
        }
    }
    long src = rpsl_obj_find(o, "source", 0);
    size_t at = src >= 0 ? (size_t)src : o->nattrs;
    if (want[0]) {
        size_t i = rpsl_obj_insert(o, at++, "created", want[0]);
        o->attrs[i].aid = SA_CREATED;
    }
    size_t i = rpsl_obj_insert(o, at, "last-modified", want[1]);
    o->attrs[i].aid = SA_LAST_MODIFIED;
}

/* ------------------------------------------------------------------ */
/* key-cert objects                                                   */

/*
 * Check the certif: of a PGPKEY- key-cert (keyring_keycert_key: exactly
 * one public key, the name matching its fingerprint; then no (sub)key of
 * another key-cert: keyring_check_obj) and replace method:, owner: and
 * fingerpr: by the values generated from the key (keyring_keycert_generate,
 * shared with autodbm-load).  @return 0 or -1 (errors added to @d; a store
 * failure in *store_rc).
 */
static int keycert_prepare(struct ctx *c, rpsl_obj_t *o, const char *pkey, diag_list_t *d,
                           int *store_rc, err_t *err)
{
    if (c->opts->pgp == NULL) {
        diag_add(d, DIAG_ERROR, DIAG_OBJECT,
                 "OpenPGP is not available: key-cert objects cannot be checked");
        return -1;
    }
    pgp_keyinfo_t info;
    memset(&info, 0, sizeof info);
    strv_init(&info.owners);
    int bad = keyring_keycert_key(c->opts->pgp, o, pkey, &info, d) != 0;
    long cert = rpsl_obj_find(o, "certif", 0);
    int at = cert >= 0 ? (int)cert : DIAG_OBJECT;
    if (!bad) {
        char *why = NULL;
        strv_t warn = STRV_INIT;
        int rc2 = keyring_check_obj(c->txn, c->opts->pgp, pkey, &info, &why, &warn, err);
        if (rc2) {
            *store_rc = rc2;
            bad = 1;
        } else if (why) {
            diag_add(d, DIAG_ERROR, at, "%s", why);
            free(why);
            bad = 1;
        } else {
            for (size_t i = 0; i < warn.n; i++)
                diag_add(d, DIAG_WARNING, at, "%s", warn.v[i]);
        }
        strv_free(&warn);
    }
    if (!bad)
        keyring_keycert_generate(o, &info, d);
    pgp_keyinfo_free(&info);
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* One attempt                                                        */

static int is_auto_key(const rpsl_obj_t *o, const char *pkey)
{
    return (o->cls == SC_PERSON || o->cls == SC_ROLE || o->cls == SC_ORGANISATION) &&
           auto_len(pkey) > 0;
}

static enum attempt fail(proc_result_t *r)
{
    r->ok = 0;
    return ATTEMPT_FAIL;
}

/*
 * Item @it has just replaced or deleted the version @prev of the object
 * (@it->cls, @pkey).  When @prev was written by an earlier object of this
 * same update whose result kept no copy (shed_stored), that result gets
 * @prev as its stored version: it can no longer be loaded from the
 * transaction, and the notifications of a create followed by a delete
 * (or a modify) of one object in one mail need it (process.h, stored).
 * A version this update wrote carries last-modified: now (set_generated),
 * so other versions are not looked for.
 */
static void keep_replaced(struct ctx *c, const struct item *it, const char *pkey,
                          const rpsl_obj_t *prev)
{
    if (!c->opts->shed_stored || c->dry_run || prev == NULL)
        return;
    char now[TIMEFMT_ISO8601_SIZE];
    timefmt_iso8601(c->opts->now, now);
    const char *lm = rpsl_obj_get(prev, "last-modified");
    if (lm == NULL || strcmp(lm, now) != 0)
        return;
    for (size_t i = 0; i < c->nitems; i++) {
        struct item *w = &c->items[i];
        proc_result_t *x = &w->res;
        if (w == it || !w->ok || x->stored != NULL || x->pkey == NULL || w->cls != it->cls ||
            (x->op != PROC_CREATE && x->op != PROC_MODIFY) || strcasecmp(x->pkey, pkey) != 0)
            continue;
        x->stored = rpsl_obj_dup(prev);
        return;
    }
}

static enum attempt attempt_delete(struct ctx *c, struct item *it, rpsl_obj_t *o,
                                   const char *pkey, int *store_rc, err_t *err)
{
    proc_result_t *r = &it->res;
    r->op = PROC_DELETE;
    r->delete_reason = xstrdup(it->para->delete_reason);
    if (it->para->ndelete > 1) {
        diag_add(&r->diags, DIAG_ERROR, DIAG_OBJECT, "Multiple reasons specified for DELETE operation");
        return fail(r);
    }
    if (c->msg->keyword == UPD_KW_NEW) {
        diag_add(&r->diags, DIAG_ERROR, DIAG_OBJECT, "DELETE is not allowed when keyword NEW is specified");
        return fail(r);
    }
    rpsl_obj_t *stored = NULL;
    int rc = store_obj_load(c->txn, o->cls, pkey, &stored, err);
    if (rc == ERR_NOTFOUND) {
        /* the ack's form of the key, a person's or role's name included */
        char *k = proc_key_display(o);
        diag_add(&r->diags, DIAG_ERROR, DIAG_OBJECT, "Object %s does not exist in the database", k);
        free(k);
        return fail(r);
    }
    if (rc) {
        *store_rc = rc;
        return fail(r);
    }
    r->old = stored;
    if (!objects_equal(o, stored)) {
        char *k = proc_key_display(o);
        diag_add(&r->diags, DIAG_ERROR, DIAG_OBJECT, "Object %s doesn't match version in database", k);
        free(k);
        return fail(r);
    }
    int referenced;
    if ((rc = is_referenced(c, o->cls, pkey, &referenced, err)) != 0) {
        *store_rc = rc;
        return fail(r);
    }
    if (referenced) {
        /* here RIPE prints the key alone (UpdateMessages.objectInUse) */
        diag_add(&r->diags, DIAG_ERROR, DIAG_OBJECT, "Object [%s] %s is referenced from other objects",
                 schema_class_name(o->cls), pkey);
        return fail(r);
    }
    int ov = override_ok(c, it);
    if (ov < 0)
        return fail(r);
    if (ov == 0) {
        int passed;
        if ((rc = authorise(c, it, PROC_DELETE, stored, stored, &passed, err)) != 0) {
            *store_rc = rc;
            return fail(r);
        }
        if (!passed) {
            r->auth_failed = 1;
            return fail(r);
        }
    }
    if ((rc = store_obj_del(c->txn, o->cls, pkey, c->opts->now, NULL, err)) != 0) {
        *store_rc = rc;
        return fail(r);
    }
    keep_replaced(c, it, pkey, stored);
    return ATTEMPT_OK;
}

/*
 * A working copy of a paragraph's object.  Parsed again from the
 * paragraph's text when it has one: a parsed object shares its strings
 * with one copy of the text, a deep copy (rpsl_obj_dup) does not, and for
 * a 10 MB object that is the larger part of the robot's memory.  Falls
 * back to the copy when the text does not give the same attributes.
 */
static rpsl_obj_t *working_copy(const upd_para_t *p)
{
    rpsl_obj_t *o = NULL;
    if (p->text != NULL) {
        diag_list_t d;
        diag_list_init(&d);
        if (rpsl_parse(p->text, strlen(p->text), 1, 0, &o, &d) != 0 ||
            schema_classify(o, &d) != 0 || o->cls != p->obj->cls ||
            o->nattrs != p->obj->nattrs) {
            rpsl_obj_free(o);
            o = NULL;
        }
        diag_list_free(&d);
    }
    return o ? o : rpsl_obj_dup(p->obj);
}

/*
 * The normalised primary key of @o (schema_validate in non-strict mode
 * normalises key values) without changing @o: validated is a small
 * object holding only the class attribute and the key attributes.
 */
static void normalised_key(const rpsl_obj_t *o, buf_t *key)
{
    size_t n = 0;
    const schema_tmpl_t *tmpl = schema_template(o->cls, &n);
    rpsl_obj_t *k = rpsl_obj_new();
    k->cls = o->cls;
    k->lineno = o->lineno;
    for (size_t i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];
        int want = i == 0;
        for (size_t t = 0; !want && tmpl != NULL && t < n; t++)
            if ((tmpl[t].keys & SKEY_PRIMARY) && tmpl[t].aid == a->aid &&
                rpsl_obj_find_aid(o, a->aid, 0) == (long)i)
                want = 1;
        if (!want)
            continue;
        size_t at = rpsl_obj_append(k, a->name, a->value);
        k->attrs[at].aid = a->aid;
        k->attrs[at].lineno = a->lineno;
    }
    schema_validate(k, SCHEMA_NON_STRICT, NULL, NULL);
    schema_pkey(k, key);
    rpsl_obj_free(k);
}

/* Does a reference attribute of @o name an AUTO-n key (resolve_autos
 * would change it)? */
static int has_auto_refs(const rpsl_obj_t *o)
{
    for (size_t i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];
        if (a->aid >= 0 && schema_attr_refs(a->aid)[0] >= 0 &&
            strcasestr(a->value, "AUTO-") != NULL)
            return 1;
    }
    return 0;
}

static enum attempt attempt_item(struct ctx *c, struct item *it, int *store_rc, err_t *err)
{
    proc_result_t *r = &it->res;
    const upd_para_t *p = it->para;
    result_reset(r);
    r->cls = p->obj->cls;
    copy_diags(&r->diags, &p->diags);

    rpsl_obj_t *o = working_copy(p);
    enum attempt res = ATTEMPT_FAIL;
    buf_t key;
    buf_init(&key);
    rpsl_obj_t *stored = NULL;
    int rc;

    if (diag_count(&p->diags, DIAG_ERROR)) {
        r->op = p->ndelete ? PROC_DELETE : PROC_CREATE;
        r->submitted = rpsl_obj_dup(o);
        goto leave;
    }
    if (rules_source_mirrored(o, c->opts->rules, &r->diags)) {
        /* a mirrored source's objects come from mirroring only */
        r->op = p->ndelete ? PROC_DELETE : PROC_CREATE;
        r->submitted = rpsl_obj_dup(o);
        r->key = proc_key_display(o);
        goto leave;
    }

    if (p->ndelete) {
        /* No syntax validation on delete beyond the key (auth.txt E4). */
        r->op = PROC_DELETE;
        schema_validate(o, SCHEMA_NON_STRICT, c->opts->source, &r->diags);
        r->submitted = rpsl_obj_dup(o);
        r->key = proc_key_display(o);
        if (diag_count(&r->diags, DIAG_ERROR) || schema_pkey(o, &key) != 0)
            goto leave;
        res = attempt_delete(c, it, o, key.s, store_rc, err);
        goto leave;
    }

    /* Operation: from the normalised key. */
    normalised_key(o, &key);
    int autokey = is_auto_key(o, key.s);
    int exists = 0;
    if (!autokey && key.len) {
        rc = store_obj_get(c->txn, o->cls, key.s, NULL, err);
        if (rc && rc != ERR_NOTFOUND) {
            *store_rc = rc;
            goto leave;
        }
        exists = rc == 0;
    }
    /* keyword NEW: a create, also of an object that exists (it fails
     * below as one: auth.txt E1) */
    r->op = exists && c->msg->keyword != UPD_KW_NEW ? PROC_MODIFY : PROC_CREATE;

    unsigned mode = SCHEMA_STRICT | (exists ? 0 : SCHEMA_CREATE);
    schema_validate(o, (enum schema_mode)mode, c->opts->source, &r->diags);
    /* The submitted version is @o itself until @o changes: copied now
     * when AUTO-n keys or references or key-cert attributes will change
     * it, else given up once every check passed (below). */
    r->submitted = autokey || o->cls == SC_KEY_CERT || has_auto_refs(o) ? rpsl_obj_dup(o) : o;
    r->key = proc_key_display(o);
    if (diag_count(&r->diags, DIAG_ERROR))
        goto leave;
    if (exists && c->msg->keyword == UPD_KW_NEW) {
        diag_add(&r->diags, DIAG_ERROR, DIAG_OBJECT,
                 "Enforced new keyword specified, but the object already exists in the database");
        goto leave;
    }
    if (it->auto_dup) {
        long ki = o->cls == SC_ORGANISATION ? 0 : rpsl_obj_find_aid(o, SA_NIC_HDL, 0);
        diag_add(&r->diags, DIAG_ERROR, (int)ki,
                 "Key %s already used (AUTO-nnn must be unique per update message)", it->auto_def);
        goto leave;
    }
    if (o->cls == SC_ORGANISATION && !exists && !autokey) {
        /* a new organisation's key is chosen by the registry (auth.txt
         * D5); a chosen one is kept only by autodbm-load */
        diag_add(&r->diags, DIAG_ERROR, 0, "Syntax error in %s (must be AUTO-nnn for create)",
                 o->attrs[0].value);
        goto leave;
    }

    if (o->cls == SC_KEY_CERT && keyring_is_pgp_name(key.s) &&
        keycert_prepare(c, o, key.s, &r->diags, store_rc, err) != 0)
        goto leave;

    /* The object's own AUTO-n key, then AUTO-n references (its own key
     * among them: an organisation may name itself in org:). */
    if (autokey) {
        char *gen = NULL;
        if ((rc = generate_key(c, it, o, key.s, &gen, err)) != 0) {
            *store_rc = rc;
            goto leave;
        }
        long ki = o->cls == SC_ORGANISATION ? 0 : rpsl_obj_find_aid(o, SA_NIC_HDL, 0);
        if (ki >= 0)
            rpsl_obj_set_value(o, (size_t)ki, gen);
        free(it->auto_key);
        it->auto_key = gen;
        buf_reset(&key);
        schema_pkey(o, &key);
    }
    enum attempt ar = resolve_autos(c, it, o, &r->diags);
    if (ar != ATTEMPT_OK) {
        res = ar;
        goto leave;
    }

    int failed = 0;
    if ((rc = check_references(c, o, key.s, &r->diags, &failed, err)) != 0) {
        *store_rc = rc;
        goto leave;
    }
    if (failed)
        goto leave;

    if (exists) {
        if ((rc = store_obj_load(c->txn, o->cls, key.s, &stored, err)) != 0) {
            *store_rc = rc;
            goto leave;
        }
        if (objects_equal(o, stored)) {
            r->op = PROC_NOOP;
            r->old = stored;
            stored = NULL;
            diag_add(&r->diags, DIAG_WARNING, DIAG_OBJECT,
                     "Submitted object identical to database object");
            res = ATTEMPT_OK;
            goto leave;
        }
    }

    /* Business rules, then authorisation: both are reported. */
    enum proc_op op = stored ? PROC_MODIFY : PROC_CREATE;
    size_t errs = diag_count(&r->diags, DIAG_ERROR);
    if ((rc = rules_check(c->txn, op, o, stored, c->opts->rules, &r->diags, err)) != 0) {
        *store_rc = rc;
        goto leave;
    }
    int rules_failed = diag_count(&r->diags, DIAG_ERROR) > errs;

    int ov = override_ok(c, it);
    if (ov < 0)
        goto leave;
    if (ov == 0) {
        int passed;
        if ((rc = authorise(c, it, op, o, stored, &passed,
                            err)) != 0) {
            *store_rc = rc;
            goto leave;
        }
        if (!passed) {
            r->auth_failed = 1;
            goto leave;
        }
    }
    if (rules_failed)
        goto leave;

    if (r->submitted == o) {
        /* checked: from here on only its attribute count is used (the
         * indexes of its diagnostics); the object goes on as @o */
        r->submitted_nattrs = o->nattrs;
        r->submitted = NULL;
    }
    set_generated(c, o, stored, &r->diags);
    /* a key-cert's key goes into the keyring after the commit only
     * (keyring_commit_obj): nothing of an update that is not committed */
    if ((rc = store_obj_put(c->txn, o, c->opts->now, NULL, err)) != 0) {
        *store_rc = rc;
        goto leave;
    }
    keep_replaced(c, it, key.s, stored);
    r->old = stored;
    stored = NULL;
    r->pkey = xstrdup(key.s);
    if (autokey) {
        free(r->key);
        r->key = proc_key_display(o);
        if (it->space >= 0)
            keyspace_mark(&c->spaces[it->space], it->num);
    }
    if (!c->opts->shed_stored || c->dry_run) {
        r->stored = o;
        o = NULL;
    }
    res = ATTEMPT_OK;
leave:
    if (res == ATTEMPT_OK) {
        r->ok = 1;
    } else if (r->old == NULL && stored != NULL) {
        /* a failed modify keeps the current version: the upd-to: mail
         * shows it and the change attempted (process.h, old) */
        r->old = stored;
        stored = NULL;
    }
    if (o != r->submitted)
        rpsl_obj_free(o);
    rpsl_obj_free(stored);
    buf_free(&key);
    return res;
}

/* ------------------------------------------------------------------ */

static void setup_items(struct ctx *c)
{
    upd_msg_t *m = c->msg;
    c->items = xcalloc(upd_object_count(m) + 1, sizeof *c->items);
    for (size_t i = 0; i < m->nparas; i++) {
        upd_para_t *p = &m->paras[i];
        if (p->obj == NULL)
            continue;
        struct item *it = &c->items[c->nitems++];
        it->para = p;
        it->idx = i;
        it->cls = p->obj->cls;
        it->res.para = i;
        diag_list_init(&it->res.diags);
        strv_init(&it->res.auth_by);
        strv_init(&it->res.upd_to);
        /* AUTO-n definitions: the key of a new person, role, organisation */
        const char *kv = NULL;
        if (p->obj->cls == SC_PERSON || p->obj->cls == SC_ROLE)
            kv = rpsl_obj_get(p->obj, "nic-hdl");
        else if (p->obj->cls == SC_ORGANISATION)
            kv = p->obj->attrs[0].value;
        it->space = -1;
        if (kv && !p->ndelete && auto_len(kv))
            it->auto_def = upper_n(kv, auto_len(kv));
        if (p->ndelete) {
            rpsl_obj_t *s = rpsl_obj_dup(p->obj);
            schema_validate(s, SCHEMA_NON_STRICT, NULL, NULL);
            buf_t k;
            buf_init(&k);
            if (schema_pkey(s, &k) == 0) {
                it->pkey = buf_steal(&k);
                it->deleting = 1;
            }
            buf_free(&k);
            rpsl_obj_free(s);
        }
    }
    /* The AUTO-n definitions, sorted for look-up; a key defined twice
     * belongs to its first definer (auth.txt G1). */
    for (size_t i = 0; i < c->nitems; i++)
        if (c->items[i].auto_def)
            c->ndefs++;
    c->defs = xcalloc(c->ndefs + 1, sizeof *c->defs);
    size_t n = 0;
    for (size_t i = 0; i < c->nitems; i++)
        if (c->items[i].auto_def)
            c->defs[n++] = &c->items[i];
    qsort(c->defs, c->ndefs, sizeof *c->defs, def_cmp);
    for (size_t i = 1; i < c->ndefs; i++)
        if (strcasecmp(c->defs[i]->auto_def, c->defs[i - 1]->auto_def) == 0)
            c->defs[i]->auto_dup = 1;
}

/*
 * Record the digest of every signature that authorised a change (good,
 * not a replay, made by the key of a key-cert in the store) in the
 * update's transaction, so that it is refused when it comes again.
 */
static int record_sigs(struct ctx *c, err_t *err)
{
    strv_t done = STRV_INIT;
    int rc = 0;
    const cred_list_t *last = NULL;
    for (size_t i = 0; rc == 0 && i < c->nitems; i++) {
        struct item *it = &c->items[i];
        const cred_list_t *creds = it->para->creds;
        if (!it->ok || it->res.op == PROC_NOOP || creds == NULL || creds == last)
            continue;
        last = creds;
        for (size_t k = 0; rc == 0 && k < creds->n; k++) {
            const cred_t *p = &creds->v[k];
            if (p->kind != CRED_PGP || p->state != CRED_PGP_GOOD || p->digest == NULL ||
                strv_find(&done, p->digest) >= 0 ||
                strv_find(&c->sig_replayed, p->digest) >= 0)
                continue;
            strv_add(&done, p->digest);
            int m = auth_pgp_keycert(c->txn, NULL, p, NULL, err);
            if (m < 0) {
                rc = -m;
                break;
            }
            if (m == 0)
                continue;
            char info[96];
            int n = snprintf(info, sizeof info, "%ld %s", (long)c->opts->now,
                             p->primary[0] ? p->primary : p->fpr);
            rc = store_sig_put(c->txn, p->digest, info, (size_t)n, err);
        }
    }
    strv_free(&done);
    return rc;
}

int proc_run(store_txn_t *txn, const proc_opts_t *opts, upd_msg_t *msg,
             proc_report_t **out, err_t *err)
{
    upd_msg_restore(msg);       /* a retried transaction runs it all again */
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.txn = txn;
    c.opts = opts;
    c.msg = msg;
    c.dry_run = opts->dry_run || msg->dry_run;
    strv_init(&c.sig_checked);
    strv_init(&c.sig_replayed);
    setup_items(&c);

    int store_rc = 0;
    int progress = 1;
    size_t seq = 0;
    unsigned passes = 0;
    while (progress && store_rc == 0) {
        progress = 0;
        /* a pass is a full check of every object left: bounded, or a
         * chain of objects each naming the next (one success a pass)
         * costs objects x bytes */
        size_t left = 0;
        for (size_t i = 0; i < c.nitems; i++)
            left += !c.items[i].ok;
        if (left && opts->max_passes && passes++ == opts->max_passes) {
            store_rc = err_set(err, ERR_LIMIT, "its objects would need more than %u passes "
                               "(max_passes): put each object after the ones it names",
                               opts->max_passes);
            break;
        }
        for (size_t i = 0; i < c.nitems && store_rc == 0; i++) {
            struct item *it = &c.items[i];
            if (it->ok)
                continue;
            enum attempt a = attempt_item(&c, it, &store_rc, err);
            if (a == ATTEMPT_OK) {
                it->ok = 1;
                it->res.seq = ++seq;
                progress = 1;
                /* final: the result holds what the report needs */
                upd_para_release(it->para);
            }
        }
    }
    if (store_rc == 0)
        store_rc = record_sigs(&c, err);
    proc_report_t *r = xcalloc(1, sizeof *r);
    strv_init(&r->not_objects);
    diag_list_init(&r->global);
    copy_diags(&r->global, &msg->global);
    r->dry_run = c.dry_run;
    r->v = xcalloc(c.nitems + 1, sizeof *r->v);
    for (size_t i = 0; i < c.nitems; i++) {
        struct item *it = &c.items[i];
        proc_result_t *res = &it->res;
        if (!res->ok && !res->auth_failed && diag_count(&res->diags, DIAG_ERROR) == 0 &&
            store_rc == 0) {
            /* deferred for good: an AUTO-n that never resolved */
            rpsl_obj_t *o = res->submitted ? res->submitted : it->para->obj;
            for (size_t k = 0; k < o->nattrs; k++) {
                strv_t items = STRV_INIT;
                if (o->attrs[k].aid >= 0 && schema_attr_refs(o->attrs[k].aid)[0] >= 0)
                    rpsl_list_collect(o->attrs[k].value, &items);
                for (size_t j = 0; j < items.n; j++) {
                    struct item *def = auto_definer(&c, items.v[j]);
                    if (auto_len(items.v[j]) && def != it && (def == NULL || !def->ok))
                        diag_add(&res->diags, DIAG_ERROR, (int)k, "Reference \"%s\" not found",
                                 items.v[j]);
                }
                strv_free(&items);
            }
            if (diag_count(&res->diags, DIAG_ERROR) == 0)
                diag_add(&res->diags, DIAG_ERROR, DIAG_OBJECT, "Unexpected error occurred");
        }
        if (res->ok && res->op != PROC_NOOP && res->auth_by.n) {
            /* which credentials authorised it (never more of a signature
             * than its key-cert's name) */
            buf_t b;
            buf_init(&b);
            for (size_t k = 0; k < res->auth_by.n; k++)
                buf_printf(&b, "%s%s", k ? ", " : "", res->auth_by.v[k]);
            diag_add(&res->diags, DIAG_INFO, DIAG_OBJECT, "Authorised by %s", b.s);
            buf_free(&b);
        }
        if (res->ok && c.dry_run)
            diag_add(&res->diags, DIAG_INFO, DIAG_OBJECT,
                     "Dry-run performed, no changes to the database have been made");
        if (res->key == NULL)
            res->key = res->submitted || it->para->obj
                ? proc_key_display(res->submitted ? res->submitted : it->para->obj)
                : xstrdup("");
        r->v[r->n++] = *res;
        memset(res, 0, sizeof *res);
    }
    for (size_t i = 0; i < msg->nparas; i++)
        if (msg->paras[i].obj == NULL && !msg->paras[i].released)
            strv_add(&r->not_objects, msg->paras[i].text);
    for (size_t i = 0; i < c.nitems; i++) {
        free(c.items[i].auto_def);
        free(c.items[i].auto_key);
        free(c.items[i].pkey);
        diag_list_free(&c.items[i].res.diags);
        strv_free(&c.items[i].res.auth_by);
        strv_free(&c.items[i].res.upd_to);
    }
    free(c.items);
    free(c.defs);
    for (size_t i = 0; i < c.nspaces; i++) {
        free(c.spaces[i].prefix);
        free(c.spaces[i].used);
    }
    free(c.spaces);
    strv_free(&c.sig_checked);
    strv_free(&c.sig_replayed);
    if (store_rc) {
        proc_report_free(r);
        *out = NULL;
        return store_rc;
    }
    *out = r;
    return 0;
}

void proc_count(const proc_report_t *r, proc_counts_t *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < r->n; i++) {
        const proc_result_t *x = &r->v[i];
        c->found++;
        if (x->ok) {
            c->ok++;
            switch (x->op) {
            case PROC_CREATE: c->ok_create++; break;
            case PROC_MODIFY: c->ok_modify++; break;
            case PROC_DELETE: c->ok_delete++; break;
            case PROC_NOOP: c->ok_noop++; break;
            }
        } else {
            c->failed++;
            switch (x->op) {
            case PROC_CREATE: c->fail_create++; break;
            case PROC_MODIFY: case PROC_NOOP: c->fail_modify++; break;
            case PROC_DELETE: c->fail_delete++; break;
            }
        }
    }
}

void proc_report_free(proc_report_t *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        result_reset(&r->v[i]);
    free(r->v);
    strv_free(&r->not_objects);
    diag_list_free(&r->global);
    free(r);
}
