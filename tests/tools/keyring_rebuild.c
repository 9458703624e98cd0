/*
 * keyring_rebuild.c - a test tool: make the GnuPG home of a configuration
 * match the key-certs of its store (keyring_rebuild()), until
 * autodbm-load grows a --rebuild-keyring option.
 *
 *   keyring_rebuild CONF
 *   keyring_rebuild -l CONF
 *
 * Prints "removed N, imported N, skipped N" and one line per skipped
 * key-cert; exit 0, or 1 on failure.  With -l it changes nothing and
 * prints the fingerprint of every key and subkey in the GnuPG home, one
 * per line (straight from GPGME), for tests that need them.
 */
#include <stdio.h>
#include <string.h>

#include <gpgme.h>

#include "conf.h"
#include "diag.h"
#include "err.h"
#include "keyring.h"
#include "pgp.h"
#include "store.h"

/* Print every key and subkey fingerprint of @home. */
static int list_fprs(const char *home)
{
    gpgme_ctx_t ctx;
    gpgme_check_version(NULL);
    if (gpgme_new(&ctx) != 0)
        return 1;
    gpgme_error_t ge = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
    if (!ge)
        ge = gpgme_op_keylist_start(ctx, NULL, 0);
    gpgme_key_t key;
    while (!ge && (ge = gpgme_op_keylist_next(ctx, &key)) == 0) {
        for (gpgme_subkey_t s = key->subkeys; s; s = s->next)
            printf("%s\n", s->fpr);
        gpgme_key_unref(key);
    }
    gpgme_op_keylist_end(ctx);
    gpgme_release(ctx);
    return ge && gpgme_err_code(ge) != GPG_ERR_EOF;
}

int main(int argc, char **argv)
{
    int list = argc == 3 && strcmp(argv[1], "-l") == 0;
    if (argc != 2 && !list) {
        fprintf(stderr, "usage: keyring_rebuild [-l] CONF\n");
        return 2;
    }
    if (list) {
        conf_t lc;
        err_t le = ERR_INIT;
        int r = conf_load(argv[2], &lc, &le) != 0 || list_fprs(lc.gnupg_home) != 0;
        if (r)
            fprintf(stderr, "keyring_rebuild: %s\n", err_text(&le));
        conf_free(&lc);
        err_free(&le);
        return r;
    }
    conf_t c;
    err_t err = ERR_INIT;
    store_t *st = NULL;
    pgp_t *pgp = NULL;
    diag_list_t diags = DIAG_LIST_INIT;
    keyring_stats_t ks = { 0, 0, 0 };
    int rc = conf_load(argv[1], &c, &err);
    if (rc == 0)
        rc = store_open_size(c.database, 0, c.map_size, &st, &err);
    if (rc == 0)
        rc = pgp_new(c.gnupg_home, &pgp, &err);
    if (rc == 0)
        rc = keyring_rebuild(st, pgp, &ks, &diags, &err);
    if (rc == 0) {
        printf("removed %zu, imported %zu, skipped %zu\n", ks.removed, ks.imported,
               ks.skipped);
        for (size_t i = 0; i < diags.n; i++)
            printf("%s\n", diags.v[i].text);
    } else {
        fprintf(stderr, "keyring_rebuild: %s\n", err_text(&err));
    }
    diag_list_free(&diags);
    pgp_free(pgp);
    store_close(st);
    conf_free(&c);
    err_free(&err);
    return rc ? 1 : 0;
}
