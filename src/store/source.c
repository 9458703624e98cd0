/*
 * source.c - several sources in one store (store/store.h): the mirrored
 * sources' records, selecting the source a transaction works on, the
 * serial a mirrored source is up to and the serial of its next journal
 * entry.
 *
 * Each mirrored source NAME has its own databases "<db>@NAME" (objects,
 * inverse, lookup, addr_start, addr_bucket, journal, history, base) and a
 * meta record "store.source.NAME" (store/internal.h has the format).  A
 * transaction keeps the handles of its selected source in t->dbi, so the
 * other files of the store work on whichever source is selected without
 * knowing about sources.
 *
 * LMDB database handles: mdb_dbi_open() in a transaction makes a handle
 * private to it until it commits, and one opened after a transaction
 * began cannot be used by that transaction.  So the handles of every
 * mirrored source a snapshot can see are opened BEFORE it begins (env.c:
 * store_read_begin compares the number of sources recorded with the
 * number of handles this process has, and when it differs opens the
 * missing ones in a short read transaction that commits, then begins
 * again); a write transaction opens them in itself, and store_write()
 * drops those from the list again if it aborts (store_source_txn_end).
 *
 * Functions: store_txn_source and store_txn_next_serial work on a
 * transaction (store/store.h puts them with the transactions), the others
 * are store_source_*.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store/internal.h"

/** Suffix-less names of the per-source databases (db_defs order). */
static const char *const src_db_names[SRC_DB_COUNT] = {
    "objects", "inverse", "lookup", "addr_start", "addr_bucket",
    "journal", "history", "base"
};

/** LMDB flags of the per-source databases (as the own source's). */
static const unsigned src_db_flags[SRC_DB_COUNT] = {
    0, 0, 0, MDB_DUPSORT, MDB_DUPSORT, 0, MDB_DUPSORT | MDB_DUPFIXED, 0
};

/* ---------------------------------------------------------------------
 * Names
 */

/**
 * Check and upper-case a source name into @out (STORE_SOURCE_NAME_MAX + 1
 * bytes).
 * @return 0, or ERR_USAGE for a name that is not 1..64 of [A-Za-z0-9_-].
 */
static int src_name(const char *name, char *out, err_t *err)
{
    size_t n = name != NULL ? strlen(name) : 0;

    if (n == 0 || n > STORE_SOURCE_NAME_MAX)
        return err_set(err, ERR_USAGE, "store: invalid source name (1 to "
                       "%d of A-Z, 0-9, _ and -)", STORE_SOURCE_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            return err_set(err, ERR_USAGE, "store: invalid source name "
                           "(1 to %d of A-Z, 0-9, _ and -)",
                           STORE_SOURCE_NAME_MAX);
        out[i] = c;
    }
    out[n] = 0;
    return 0;
}

/** The meta key "store.source.NAME" of source @name in @k. */
static void meta_key(buf_t *k, const char *prefix, const char *name)
{
    buf_reset(k);
    buf_puts(k, prefix);
    buf_puts(k, name);
}

/** Index of source @name in st->src, or -1. */
static int src_find(const store_t *st, const char *name)
{
    for (size_t i = 0; i < st->nsrc; i++)
        if (strcmp(st->src[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---------------------------------------------------------------------
 * Handles
 */

/**
 * Open the databases of source @name in @txn (creating them if @create)
 * and add it to st->src.
 * @return 0; ERR_STORE (a database is missing: the store is damaged, or
 *         another LMDB failure); ERR_TEMP.
 */
static int src_open(store_t *st, MDB_txn *txn, const char *name, int create,
                    err_t *err)
{
    struct store_src s;
    buf_t dn;
    int rc = 0;

    memset(&s, 0, sizeof s);
    strcpy(s.name, name);   /* checked by src_name: fits */
    buf_init(&dn);
    for (int i = 0; i < SRC_DB_COUNT; i++) {
        buf_reset(&dn);
        buf_printf(&dn, "%s@%s", src_db_names[i], name);
        rc = mdb_dbi_open(txn, dn.s, src_db_flags[i] |
                          (create ? MDB_CREATE : 0), &s.dbi[i]);
        if (rc == MDB_NOTFOUND) {
            rc = err_set(err, ERR_STORE, "store: source %s has no %s "
                         "database", name, dn.s);
            goto leave;
        }
        if (rc) {
            rc = store_env_fail(NULL, err, rc, "open source databases");
            goto leave;
        }
    }
    if (st->nsrc == st->capsrc) {
        st->capsrc = st->capsrc ? 2 * st->capsrc : 8;
        st->src = xrealloc(st->src, st->capsrc * sizeof *st->src);
    }
    st->src[st->nsrc++] = s;
leave:
    buf_free(&dn);
    return rc;
}

int store_source_recorded(const store_t *st, MDB_txn *txn, size_t *n,
                          err_t *err)
{
    MDB_val k, v;
    int rc;

    *n = 0;
    k.mv_data = (void *)STORE_META_NSOURCES;
    k.mv_size = strlen(STORE_META_NSOURCES);
    rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return store_env_fail(NULL, err, rc, "read sources");
    if (v.mv_size != 4)
        return err_set(err, ERR_STORE, "store: corrupt %s",
                       STORE_META_NSOURCES);
    {
        const uint8_t *p = v.mv_data;
        *n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
             p[3];
    }
    return 0;
}

/**
 * Call @fn for the name of every mirrored source recorded in @txn, in
 * name order.
 * @return 0, @fn's non-zero value, ERR_STORE, ERR_TEMP.
 */
static int scan_names(const store_t *st, MDB_txn *txn,
                      int (*fn)(const char *name, void *arg), void *arg,
                      err_t *err)
{
    size_t plen = strlen(STORE_META_SOURCE);
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    rc = mdb_cursor_open(txn, st->dbi[DB_META], &c);
    if (rc)
        return store_env_fail(NULL, err, rc, "read sources");
    k.mv_data = (void *)STORE_META_SOURCE;
    k.mv_size = plen;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
        char name[STORE_SOURCE_NAME_MAX + 1];
        size_t n = k.mv_size - plen;
        if (k.mv_size <= plen || memcmp(k.mv_data, STORE_META_SOURCE, plen))
            break;
        if (n > STORE_SOURCE_NAME_MAX) {
            rc = err_set(err, ERR_STORE, "store: corrupt source record");
            goto leave;
        }
        memcpy(name, (const char *)k.mv_data + plen, n);
        name[n] = 0;
        rc = fn(name, arg);
        if (rc)
            goto leave;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND || rc == 0)
        rc = 0;
    else
        rc = store_env_fail(NULL, err, rc, "read sources");
leave:
    mdb_cursor_close(c);
    return rc;
}

/** What open_missing() needs. */
struct open_arg {
    store_t *st;
    MDB_txn *txn;
    err_t *err;
};

/** scan_names() callback: open source @name unless it is open. */
static int open_missing(const char *name, void *arg)
{
    struct open_arg *a = arg;

    if (src_find(a->st, name) >= 0)
        return 0;
    return src_open(a->st, a->txn, name, 0, a->err);
}

int store_source_open_all(store_t *st, MDB_txn *txn, err_t *err)
{
    struct open_arg a = { st, txn, err };

    return scan_names(st, txn, open_missing, &a, err);
}

void store_source_txn_end(store_t *st, int committed)
{
    if (committed)
        st->nsrc_committed = st->nsrc;
    else
        st->nsrc = st->nsrc_committed;
}

void store_source_txn_init(store_txn_t *t)
{
    memcpy(t->dbi, t->st->dbi, sizeof t->dbi);
    t->src = -1;
}

/* ---------------------------------------------------------------------
 * Selecting a source
 */

/**
 * Read the meta record of source @name (the serial it is up to).
 * @return 0, ERR_NOTFOUND, ERR_STORE.
 */
static int src_record(store_txn_t *t, const char *name, uint64_t *serial,
                      err_t *err)
{
    MDB_val k, v;
    buf_t mk;
    int rc;

    buf_init(&mk);
    meta_key(&mk, STORE_META_SOURCE, name);
    k.mv_data = mk.s;
    k.mv_size = mk.len;
    rc = mdb_get(t->txn, t->dbi[DB_META], &k, &v);
    buf_free(&mk);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no source %s", name);
    if (rc)
        return store_env_fail(t, err, rc, "read source");
    if (v.mv_size != 8)
        return err_set(err, ERR_STORE, "store: corrupt record of source %s",
                       name);
    if (serial != NULL)
        *serial = get_be64(v.mv_data);
    return 0;
}

/**
 * Refuse source @name while a bulk load into it is unfinished (its mark
 * is set).
 * @return 0; ERR_STORE (with the command to run), ERR_TEMP.
 */
static int src_unfinished(store_txn_t *t, const char *name, err_t *err)
{
    MDB_val k, v;
    buf_t mk;
    int rc;

    buf_init(&mk);
    meta_key(&mk, STORE_META_BULK_SOURCE, name);
    k.mv_data = mk.s;
    k.mv_size = mk.len;
    rc = mdb_get(t->txn, t->dbi[DB_META], &k, &v);
    buf_free(&mk);
    if (rc == 0)
        return err_set(err, ERR_STORE, "store: a load into source %s was "
                       "not finished; load it again with autodbm-load "
                       "--source %s --replace", name, name);
    if (rc == MDB_NOTFOUND)
        return 0;
    return store_env_fail(t, err, rc, "read source");
}

/** Point @t at the databases of source index @i (-1: the own source). */
static int src_switch(store_txn_t *t, int i, err_t *err)
{
    if (i == t->src)
        return 0;
    for (int db = 0; db < SRC_DB_COUNT; db++)
        if (t->busy[db])
            return err_set(err, ERR_USAGE, "store: cannot change the "
                           "source while a walk is open");
    for (int db = 0; db < SRC_DB_COUNT; db++) {
        if (t->cur[db] != NULL)
            mdb_cursor_close(t->cur[db]);
        t->cur[db] = NULL;
        t->dbi[db] = i < 0 ? t->st->dbi[db] : t->st->src[i].dbi[db];
    }
    t->src = i;
    t->next_serial = 0;
    t->pending_serial = 0;
    t->next_base = 0;
    return 0;
}

int store_source_select(store_txn_t *t, const char *source, int force,
                        err_t *err)
{
    char name[STORE_SOURCE_NAME_MAX + 1];
    int i, rc;

    if (source == NULL || *source == 0)
        return src_switch(t, -1, err);
    if (src_name(source, name, err) != 0)
        return err_set(err, ERR_NOTFOUND, "no source %s", source);
    rc = src_record(t, name, NULL, err);
    if (rc)
        return rc;
    if (!force) {
        rc = src_unfinished(t, name, err);
        if (rc)
            return rc;
    }
    i = src_find(t->st, name);
    if (i < 0 && !t->rdonly) {
        rc = src_open(t->st, t->txn, name, 0, err);
        if (rc)
            return rc;
        i = (int)t->st->nsrc - 1;
    }
    if (i < 0)  /* cannot happen: store_read_begin opened them all */
        return err_set(err, ERR_TEMP, "store: source %s is not open",
                       name);
    return src_switch(t, i, err);
}

int store_txn_source(store_txn_t *txn, const char *source, err_t *err)
{
    return store_source_select(txn, source, 0, err);
}

const char *store_txn_source_name(const store_txn_t *txn)
{
    return txn->src < 0 ? NULL : txn->st->src[txn->src].name;
}

/* ---------------------------------------------------------------------
 * Adding and listing
 */

int store_source_add(store_txn_t *txn, const char *name, err_t *err)
{
    char nm[STORE_SOURCE_NAME_MAX + 1];
    uint8_t zero[8] = { 0 }, cnt[4];
    size_t n;
    MDB_val k, v;
    buf_t mk;
    int rc;

    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    rc = src_name(name, nm, err);
    if (rc)
        return rc;
    rc = src_record(txn, nm, NULL, err);
    if (rc != ERR_NOTFOUND) {
        if (rc == 0 && src_find(txn->st, nm) < 0)
            rc = src_open(txn->st, txn->txn, nm, 0, err);
        return rc;
    }
    err_free(err);
    rc = store_source_recorded(txn->st, txn->txn, &n, err);
    if (rc)
        return rc;
    if (n >= STORE_MAX_SOURCES)
        return err_set(err, ERR_USAGE, "store: too many sources (at most "
                       "%d)", STORE_MAX_SOURCES);
    rc = src_open(txn->st, txn->txn, nm, 1, err);
    if (rc)
        return rc;
    buf_init(&mk);
    meta_key(&mk, STORE_META_SOURCE, nm);
    k.mv_data = mk.s;
    k.mv_size = mk.len;
    v.mv_data = zero;
    v.mv_size = sizeof zero;
    rc = mdb_put(txn->txn, txn->dbi[DB_META], &k, &v, 0);
    buf_free(&mk);
    if (rc == 0) {
        n++;
        cnt[0] = (uint8_t)(n >> 24);
        cnt[1] = (uint8_t)(n >> 16);
        cnt[2] = (uint8_t)(n >> 8);
        cnt[3] = (uint8_t)n;
        k.mv_data = (void *)STORE_META_NSOURCES;
        k.mv_size = strlen(STORE_META_NSOURCES);
        v.mv_data = cnt;
        v.mv_size = sizeof cnt;
        rc = mdb_put(txn->txn, txn->dbi[DB_META], &k, &v, 0);
    }
    if (rc)
        return store_env_fail(txn, err, rc, "write source");
    return 0;
}

int store_source_each(store_txn_t *txn,
                      int (*fn)(const char *name, void *arg), void *arg,
                      err_t *err)
{
    return scan_names(txn->st, txn->txn, fn, arg, err);
}

/* ---------------------------------------------------------------------
 * Serials
 */

/** ERR_USAGE unless a mirrored source is selected. */
static int need_mirrored(const store_txn_t *t, const char *what, err_t *err)
{
    if (t->src < 0)
        return err_set(err, ERR_USAGE, "store: %s: only for a mirrored "
                       "source", what);
    return 0;
}

int store_source_serial_get(store_txn_t *txn, uint64_t *serial, err_t *err)
{
    int rc = need_mirrored(txn, "source serial", err);

    *serial = 0;
    if (rc)
        return rc;
    return src_record(txn, txn->st->src[txn->src].name, serial, err);
}

int store_source_serial_set(store_txn_t *txn, uint64_t serial, err_t *err)
{
    uint8_t sv[8];
    MDB_val k, v;
    buf_t mk;
    int rc = need_mirrored(txn, "source serial", err);

    if (rc)
        return rc;
    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    if (serial >= STORE_BASE_BIT)
        return err_set(err, ERR_USAGE, "store: serial out of range");
    put_be64(sv, serial);
    buf_init(&mk);
    meta_key(&mk, STORE_META_SOURCE, txn->st->src[txn->src].name);
    k.mv_data = mk.s;
    k.mv_size = mk.len;
    v.mv_data = sv;
    v.mv_size = sizeof sv;
    rc = mdb_put(txn->txn, txn->dbi[DB_META], &k, &v, 0);
    buf_free(&mk);
    if (rc)
        return store_env_fail(txn, err, rc, "write source serial");
    return 0;
}

int store_source_last(store_txn_t *t, int db, uint64_t *last, err_t *err)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc;

    *last = 0;
    rc = store_env_cur_acquire(t, db, &c, err);
    if (rc)
        return rc;
    rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    store_env_cur_release(t, db, c);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return store_env_fail(t, err, rc, "read journal");
    if (k.mv_size != 8)
        return err_set(err, ERR_STORE, "store: corrupt journal key");
    *last = get_be64(k.mv_data);
    return 0;
}

int store_txn_next_serial(store_txn_t *txn, uint64_t serial, err_t *err)
{
    uint64_t last;
    int rc = need_mirrored(txn, "next serial", err);

    if (rc)
        return rc;
    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    if (serial == 0 || serial >= STORE_BASE_BIT)
        return err_set(err, ERR_USAGE, "store: serial %llu out of range",
                       (unsigned long long)serial);
    rc = store_source_last(txn, DB_JOURNAL, &last, err);
    if (rc)
        return rc;
    if (serial <= last)
        return err_set(err, ERR_USAGE, "store: serial %llu of source %s "
                       "is not after its last serial %llu",
                       (unsigned long long)serial,
                       txn->st->src[txn->src].name,
                       (unsigned long long)last);
    txn->pending_serial = serial;
    return 0;
}

/* ---------------------------------------------------------------------
 * Emptying and load marks
 */

int store_source_clear(store_txn_t *txn, const char *source, err_t *err)
{
    const char *name;
    MDB_val k;
    buf_t mk;
    int rc;

    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    if (source == NULL || *source == 0)
        return err_set(err, ERR_USAGE, "store: clear: only for a mirrored "
                       "source");
    rc = store_source_select(txn, source, 1, err);
    if (rc)
        return rc;
    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    for (int db = 0; db < SRC_DB_COUNT; db++)
        if (txn->busy[db])
            return err_set(err, ERR_USAGE, "store: cannot clear a source "
                           "while a walk is open");
    name = txn->st->src[txn->src].name;
    for (int db = 0; db < SRC_DB_COUNT; db++) {
        if (txn->cur[db] != NULL)
            mdb_cursor_close(txn->cur[db]);
        txn->cur[db] = NULL;
        rc = mdb_drop(txn->txn, txn->dbi[db], 0);
        if (rc)
            return store_env_fail(txn, err, rc, "clear source");
    }
    txn->next_serial = txn->pending_serial = txn->next_base = 0;
    rc = store_source_serial_set(txn, 0, err);
    if (rc)
        return rc;
    buf_init(&mk);
    meta_key(&mk, STORE_META_BULK_SOURCE, name);
    k.mv_data = mk.s;
    k.mv_size = mk.len;
    rc = mdb_del(txn->txn, txn->dbi[DB_META], &k, NULL);
    buf_free(&mk);
    if (rc && rc != MDB_NOTFOUND)
        return store_env_fail(txn, err, rc, "clear source");
    return 0;
}

int store_source_mark(store_txn_t *t, int on, err_t *err)
{
    MDB_val k, v;
    buf_t mk;
    int rc;

    buf_init(&mk);
    if (t->src < 0)
        buf_puts(&mk, STORE_META_BULK);
    else
        meta_key(&mk, STORE_META_BULK_SOURCE, t->st->src[t->src].name);
    k.mv_data = mk.s;
    k.mv_size = mk.len;
    v.mv_data = (void *)"1";
    v.mv_size = 1;
    rc = on ? mdb_put(t->txn, t->dbi[DB_META], &k, &v, 0)
            : mdb_del(t->txn, t->dbi[DB_META], &k, NULL);
    buf_free(&mk);
    if (rc && !(rc == MDB_NOTFOUND && !on))
        return store_env_fail(t, err, rc, on ? "mark bulk load" :
                              "unmark bulk load");
    return 0;
}
