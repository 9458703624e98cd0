/*
 * keyring.c - the registry's GnuPG keyring as a cache of the store (see
 * keyring.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyring.h"
#include "schema.h"

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

struct rebuild {
    pgp_t *pgp;
    keyring_stats_t *stats;
    diag_list_t *diags;
    err_t *err;
    int fatal;          /* an engine failure: stop */
};

static int rebuild_one(int cls, const char *pkey, const char *text, size_t len,
                       void *arg)
{
    struct rebuild *r = arg;
    (void)cls;
    rpsl_obj_t *obj = NULL;
    err_t e = ERR_INIT;
    int imported = 0, rc;
    if (rpsl_parse(text, len, 1, 0, &obj, NULL) != 0 || obj == NULL) {
        rc = err_set(&e, ERR_SYNTAX, "the stored object cannot be parsed");
    } else {
        rc = keyring_import_obj(r->pgp, obj, NULL, &imported, &e);
    }
    rpsl_obj_free(obj);
    if (rc == ERR_CRYPTO) {
        err_set(r->err, ERR_CRYPTO, "key-cert %s: %s", pkey, err_text(&e));
        err_free(&e);
        r->fatal = 1;
        return ERR_CRYPTO;
    }
    if (rc != 0 || !imported) {
        r->stats->skipped++;
        if (r->diags)
            diag_add(r->diags, DIAG_WARNING, DIAG_OBJECT, "key-cert %s: %s", pkey,
                     rc ? err_text(&e) : "no OpenPGP key (not a PGPKEY key-cert)");
    } else {
        r->stats->imported++;
    }
    err_free(&e);
    return 0;
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
    store_txn_t *txn = NULL;
    if ((rc = store_read_begin(st, &txn, err)) != 0)
        return rc;
    struct rebuild r = { pgp, stats, diags, err, 0 };
    rc = store_each(txn, SC_KEY_CERT, rebuild_one, &r, err);
    store_read_end(txn);
    return rc;
}
