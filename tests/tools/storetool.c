/*
 * storetool.c - craft stored states the robot must survive (test tool
 * only; tests/cmd/internal_error.sh).
 *
 *   storetool spoil DBDIR KEY
 *       replace the text of the current version of the object whose
 *       primary key is KEY (upper case, any class) by a line that is no
 *       attribute: the object still exists (store_obj_get finds it) but
 *       no longer reads (store_obj_load fails), the state a store is in
 *       when a bug or an older version wrote text the parser refuses.
 *       Exit 0; 1 when KEY is not found or the store cannot be written;
 *       2 for usage.
 *
 *   storetool keys DBDIR [SOURCE]
 *       print every current object of the own source (or of mirrored
 *       source SOURCE, upper case) as "CLASS<TAB>KEY": CLASS the name of
 *       its first attribute as stored, KEY its stored primary key (upper
 *       case; for a class the schema does not know, the part after
 *       "CLASS:").  Exit 0; 1 when the store or the source cannot be
 *       read; 2 for usage.  tests/cmd/dn42.sh checks a load with it.
 *
 *   storetool serial DBDIR SOURCE
 *       print the serial mirrored source SOURCE is up to (its meta record
 *       "store.source.SOURCE").  Exit 0; 1 when there is no such source.
 *
 *   storetool setformat DBDIR N
 *       write N as the store's format (to make a format 3 store out of
 *       a fresh one that has no mirrored source: they differ only in
 *       that number).  Exit 0, 1 on failure.
 *
 * Works on LMDB directly, on the on-disk formats 3 and 4 described at
 * the top of include/store/internal.h (the own source's objects: okey ->
 * journal serial; journal: serial -> op(1) time(8) code(1) PKEY NUL
 * text), and refuses any other format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#define STORE_FORMAT 4
#define STORE_FORMAT_OLD 3
#define BAD_TEXT "this line is not an attribute\n"

static int fail(const char *what, int rc)
{
    fprintf(stderr, "storetool: %s: %s\n", what, mdb_strerror(rc));
    return 1;
}

static int spoil(const char *dir, const char *key)
{
    MDB_env *env;
    MDB_txn *txn = NULL;
    MDB_dbi objects, journal, meta;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    int rc, found = 0;
    size_t kl = strlen(key);

    if ((rc = mdb_env_create(&env)) != 0)
        return fail("env", rc);
    mdb_env_set_maxdbs(env, 32);
    if ((rc = mdb_env_open(env, dir, 0, 0640)) != 0) {
        mdb_env_close(env);
        return fail(dir, rc);
    }
    if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
        (rc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
        (rc = mdb_dbi_open(txn, "objects", 0, &objects)) != 0 ||
        (rc = mdb_dbi_open(txn, "journal", 0, &journal)) != 0)
        goto lmdb_fail;
    k.mv_data = "store.format";
    k.mv_size = strlen("store.format");
    if ((rc = mdb_get(txn, meta, &k, &v)) != 0)
        goto lmdb_fail;
    const uint8_t *f = v.mv_data;
    uint32_t fmt = v.mv_size != 4 ? 0 : (uint32_t)f[0] << 24 |
                   (uint32_t)f[1] << 16 | (uint32_t)f[2] << 8 | f[3];
    if (fmt != STORE_FORMAT && fmt != STORE_FORMAT_OLD) {
        fprintf(stderr, "storetool: not a format %d or %d store\n",
                STORE_FORMAT_OLD, STORE_FORMAT);
        mdb_txn_abort(txn);
        mdb_env_close(env);
        return 1;
    }
    /* the okey is a class code byte, the key and a NUL byte */
    if ((rc = mdb_cursor_open(txn, objects, &cur)) != 0)
        goto lmdb_fail;
    uint8_t serial[8];
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        const char *ok = k.mv_data;
        if (k.mv_size == kl + 2 && memcmp(ok + 1, key, kl) == 0 && ok[kl + 1] == 0 &&
            v.mv_size == sizeof serial) {
            memcpy(serial, v.mv_data, sizeof serial);
            found = 1;
            break;
        }
    }
    mdb_cursor_close(cur);
    if (!found) {
        fprintf(stderr, "storetool: no object %s\n", key);
        mdb_txn_abort(txn);
        mdb_env_close(env);
        return 1;
    }
    k.mv_data = serial;
    k.mv_size = sizeof serial;
    if ((rc = mdb_get(txn, journal, &k, &v)) != 0)
        goto lmdb_fail;
    const char *e = v.mv_data;
    const char *nul = v.mv_size > 10 ? memchr(e + 10, 0, v.mv_size - 10) : NULL;
    if (nul == NULL) {
        fprintf(stderr, "storetool: journal entry of %s is not format %d\n", key,
                STORE_FORMAT);
        mdb_txn_abort(txn);
        mdb_env_close(env);
        return 1;
    }
    size_t hl = (size_t)(nul - e) + 1;
    size_t nl = hl + strlen(BAD_TEXT);
    char *nv = malloc(nl);
    if (nv == NULL) {
        mdb_txn_abort(txn);
        mdb_env_close(env);
        return 1;
    }
    memcpy(nv, e, hl);
    memcpy(nv + hl, BAD_TEXT, strlen(BAD_TEXT));
    v.mv_data = nv;
    v.mv_size = nl;
    rc = mdb_put(txn, journal, &k, &v, 0);
    free(nv);
    if (rc != 0)
        goto lmdb_fail;
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0)
        goto lmdb_fail;
    mdb_env_close(env);
    return 0;

lmdb_fail:
    if (txn != NULL)
        mdb_txn_abort(txn);
    mdb_env_close(env);
    return fail(key, rc);
}

/* Open @dir's environment and begin a transaction. @return 0 or 1. */
static int begin(const char *dir, unsigned flags, MDB_env **env, MDB_txn **txn)
{
    int rc;

    if ((rc = mdb_env_create(env)) != 0)
        return fail("env", rc);
    mdb_env_set_maxdbs(*env, 1024);
    if ((rc = mdb_env_open(*env, dir, flags, 0640)) != 0 ||
        (rc = mdb_txn_begin(*env, NULL, flags, txn)) != 0) {
        mdb_env_close(*env);
        return fail(dir, rc);
    }
    return 0;
}

static int keys(const char *dir, const char *source)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi objects, journal, base = 0;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    char name[200];
    int rc, has_base = source != NULL;

    if (begin(dir, MDB_RDONLY, &env, &txn) != 0)
        return 1;
    snprintf(name, sizeof name, "objects%s%s", source ? "@" : "", source ? source : "");
    rc = mdb_dbi_open(txn, name, 0, &objects);
    if (rc == 0) {
        snprintf(name, sizeof name, "journal%s%s", source ? "@" : "",
                 source ? source : "");
        rc = mdb_dbi_open(txn, name, 0, &journal);
    }
    if (rc == 0 && has_base) {
        snprintf(name, sizeof name, "base@%s", source);
        rc = mdb_dbi_open(txn, name, 0, &base);
    }
    if (rc == 0)
        rc = mdb_cursor_open(txn, objects, &cur);
    for (rc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        const unsigned char *ok = k.mv_data;
        const char *key = (const char *)ok + 1, *colon;
        MDB_val jv;
        if (v.mv_size != 8 || k.mv_size < 2) {
            fprintf(stderr, "storetool: corrupt object entry\n");
            rc = 1;
            break;
        }
        rc = mdb_get(txn, (((const unsigned char *)v.mv_data)[0] & 0x80) && has_base
                     ? base : journal, &v, &jv);
        if (rc)
            break;
        /* op(1) time(8) code(1) PKEY NUL text: the class is the text's
         * first attribute name */
        const char *e = jv.mv_data;
        const char *nul = jv.mv_size > 10 ? memchr(e + 10, 0, jv.mv_size - 10) : NULL;
        if (nul == NULL) {
            fprintf(stderr, "storetool: corrupt journal entry\n");
            rc = 1;
            break;
        }
        const char *t = nul + 1;
        size_t tl = jv.mv_size - (size_t)(t - e);
        const char *c = memchr(t, ':', tl);
        if (ok[0] == 0xff && (colon = strchr(key, ':')) != NULL)
            key = colon + 1;
        printf("%.*s\t%s\n", c ? (int)(c - t) : 0, t, key);
    }
    if (cur != NULL)
        mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    if (rc == MDB_NOTFOUND)
        return 0;
    return rc == 1 ? 1 : fail(dir, rc);
}

static int setformat(const char *dir, const char *n)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta;
    unsigned char f[4] = { 0, 0, 0, (unsigned char)atoi(n) };
    MDB_val k = { strlen("store.format"), "store.format" }, v = { 4, f };
    int rc;

    if (begin(dir, 0, &env, &txn) != 0)
        return 1;
    if ((rc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
        (rc = mdb_put(txn, meta, &k, &v, 0)) != 0 ||
        (rc = mdb_txn_commit(txn)) != 0) {
        mdb_env_close(env);
        return fail(dir, rc);
    }
    mdb_env_close(env);
    return 0;
}

static int serial(const char *dir, const char *source)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta;
    char name[200];
    MDB_val k, v;
    int rc;

    if (begin(dir, MDB_RDONLY, &env, &txn) != 0)
        return 1;
    snprintf(name, sizeof name, "store.source.%s", source);
    k.mv_data = name;
    k.mv_size = strlen(name);
    if ((rc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
        (rc = mdb_get(txn, meta, &k, &v)) != 0 || v.mv_size != 8) {
        mdb_txn_abort(txn);
        mdb_env_close(env);
        return fail(source, rc ? rc : MDB_CORRUPTED);
    }
    unsigned long long s = 0;
    for (int i = 0; i < 8; i++)
        s = s << 8 | ((const unsigned char *)v.mv_data)[i];
    printf("%llu\n", s);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "serial") == 0)
        return serial(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "spoil") == 0)
        return spoil(argv[2], argv[3]);
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "keys") == 0)
        return keys(argv[2], argc == 4 ? argv[3] : NULL);
    if (argc == 4 && strcmp(argv[1], "setformat") == 0)
        return setformat(argv[2], argv[3]);
    fprintf(stderr, "usage: storetool spoil DBDIR KEY\n"
                    "       storetool keys DBDIR [SOURCE]\n"
                    "       storetool serial DBDIR SOURCE\n"
                    "       storetool setformat DBDIR N\n");
    return 2;
}
