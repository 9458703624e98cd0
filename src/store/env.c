/*
 * env.c - the store's environment (store/store.h): opening and the
 * format check, map growth, the writer lock, transactions and their
 * cursors, meta values, and what LMDB's error codes mean to the callers.
 *
 * Transactions: a store_txn_t wraps an MDB_txn with one cached cursor per
 * database (a nested call while the cached cursor is in use gets a
 * temporary one) and scratch buffers, so a bulk load allocates little per
 * object.  Map growth and MDB_MAP_RESIZED are handled by store_write().
 *
 * STORE_BULK opens with MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD and
 * the loader syncs once (store_sync).  MDB_WRITEMAP was measured slower
 * for loads here (every first touch of a page of the file mapping faults
 * and the kernel zero-fills it), so it is not used.
 *
 * A store_t is meant for one thread, but for store_read_begin() and
 * store_read_end(), which several threads may call at once (st->lock):
 * its snapshots may be opened in any number, each used by one thread at
 * a time, and may be handed from one thread to another (MDB_NOTLS).
 *
 * The handle's functions keep the bare store_ prefix and the meta values
 * store_meta_* (store/store.h says why); what the store's other files use
 * from here is store_env_* (store/internal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "rpsl/schema.h"
#include "store/bulk.h"
#include "store/internal.h"
#include "util/msg.h"

/** Default map size of store_open(): 1 GiB. */
#define STORE_DEFAULT_MAPSIZE ((size_t)1 << 30)
/** How often store_write() grows the map or re-adopts it before giving up. */
#define STORE_MAX_RETRIES 40

/** Name and flags of each database. */
static const struct db_def {
    const char *name;
    unsigned flags;
} db_defs[DB__COUNT] = {
    { "objects", 0 },
    { "inverse", 0 },
    { "lookup", 0 },
    { "addr_start", MDB_DUPSORT },
    { "addr_bucket", MDB_DUPSORT },
    { "journal", 0 },
    { "history", MDB_DUPSORT | MDB_DUPFIXED },
    { "base", 0 },          /* mirrored sources only (source.c) */
    { "meta", 0 },
    { "queue", 0 },
    { "seen", 0 }
};

/**
 * Class codes on disk.  APPEND ONLY: never change or reuse a code; a new
 * class gets the next free number.  Code 0 is never used.
 */
static const struct class_code {
    const char *name;
    uint8_t code;
} class_codes[] = {
    { "as-block", 1 }, { "as-set", 2 }, { "aut-num", 3 }, { "domain", 4 },
    { "filter-set", 5 }, { "inet-rtr", 6 }, { "inet6num", 7 },
    { "inetnum", 8 }, { "irt", 9 }, { "key-cert", 10 }, { "mntner", 11 },
    { "organisation", 12 }, { "peering-set", 13 }, { "person", 14 },
    { "poem", 15 }, { "poetic-form", 16 }, { "role", 17 }, { "route", 18 },
    { "route-set", 19 }, { "route6", 20 }, { "rtr-set", 21 }
};

/* ---------------------------------------------------------------------
 * Errors
 */

/**
 * The status for an LMDB or system error code.
 * @return ERR_TEMP for full/busy/locked/unwritable conditions and a lack
 *         of memory (they may pass: the robot's mail is retried), else
 *         ERR_STORE (the robot answers an internal error).
 */
static int lmdb_status(int rc)
{
    switch (rc) {
    case MDB_MAP_FULL:
    case MDB_MAP_RESIZED:
    case MDB_READERS_FULL:
    case EAGAIN:
    case EACCES:
    case EROFS:
    case EBUSY:
    case ENOLCK:
    case EDEADLK:
    case ENOSPC:
    case EIO:
    case ENOMEM:
        return ERR_TEMP;
    default:
        return ERR_STORE;
    }
}

int store_env_fail(store_txn_t *t, err_t *err, int rc, const char *what)
{
    if (t != NULL && rc == MDB_MAP_FULL)
        t->map_full = 1;
    return err_set(err, lmdb_status(rc), "store: %s: %s", what,
                   mdb_strerror(rc));
}

/* ---------------------------------------------------------------------
 * Transactions and cursors
 */

/** A new transaction wrapper for @txn. */
static store_txn_t *txn_new(store_t *st, MDB_txn *txn, int rdonly)
{
    store_txn_t *t = xcalloc(1, sizeof *t);
    t->st = st;
    t->txn = txn;
    t->rdonly = rdonly;
    store_source_txn_init(t);
    buf_init(&t->okey);
    buf_init(&t->key);
    buf_init(&t->text);
    buf_init(&t->old);
    buf_init(&t->val);
    return t;
}

/** Close the cached cursors of @t (before its MDB_txn ends). */
static void txn_close_cursors(store_txn_t *t)
{
    for (int i = 0; i < DB__COUNT; i++) {
        if (t->cur[i] != NULL)
            mdb_cursor_close(t->cur[i]);
        t->cur[i] = NULL;
        t->busy[i] = 0;
    }
}

/** Free the wrapper (its MDB_txn must have ended). */
static void txn_free(store_txn_t *t)
{
    if (t == NULL)
        return;
    buf_free(&t->okey);
    buf_free(&t->key);
    buf_free(&t->text);
    buf_free(&t->old);
    buf_free(&t->val);
    store_batch_free(t->scratch);
    free(t);
}

int store_env_cur_acquire(store_txn_t *t, int db, MDB_cursor **c, err_t *err)
{
    int rc;

    if (t->cur[db] == NULL) {
        rc = mdb_cursor_open(t->txn, t->dbi[db], &t->cur[db]);
        if (rc)
            return store_env_fail(t, err, rc, "cursor open");
    } else if (t->busy[db]) {
        rc = mdb_cursor_open(t->txn, t->dbi[db], c);
        if (rc)
            return store_env_fail(t, err, rc, "cursor open");
        return 0;
    }
    t->busy[db] = 1;
    *c = t->cur[db];
    return 0;
}

void store_env_cur_release(store_txn_t *t, int db, MDB_cursor *c)
{
    if (c == NULL)
        return;
    if (c == t->cur[db])
        t->busy[db] = 0;
    else
        mdb_cursor_close(c);
}

/* ---------------------------------------------------------------------
 * Opening and growing
 */

/**
 * Double the map size.  Only possible while no snapshot of this process
 * is open.
 * @return 0, or ERR_TEMP when the map cannot grow.
 */
static int grow_map(store_t *st, err_t *err)
{
    MDB_envinfo info;
    int rc;

    if (st->readers > 0)
        return err_set(err, ERR_TEMP, "store: the map is full and cannot "
                       "grow while read snapshots are open");
    rc = mdb_env_info(st->env, &info);
    if (rc)
        return store_env_fail(NULL, err, rc, "env info");
    if (info.me_mapsize > SIZE_MAX / 2)
        return err_set(err, ERR_TEMP, "store: the map is full");
    rc = mdb_env_set_mapsize(st->env, info.me_mapsize * 2);
    if (rc)
        return err_set(err, ERR_TEMP, "store: cannot grow the map: %s",
                       mdb_strerror(rc));
    return 0;
}

/**
 * Adopt a map size grown by another process (after MDB_MAP_RESIZED).
 * @return 0, or ERR_TEMP while snapshots of this process are open.
 */
static int adopt_map(store_t *st, err_t *err)
{
    int rc;

    if (st->readers > 0)
        return err_set(err, ERR_TEMP, "store: the map was resized by "
                       "another process while snapshots are open");
    rc = mdb_env_set_mapsize(st->env, 0);
    if (rc)
        return store_env_fail(NULL, err, rc, "adopt map size");
    return 0;
}

/**
 * Begin an LMDB transaction, adopting a map grown by another process.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int begin(store_t *st, unsigned flags, MDB_txn **txn, err_t *err)
{
    int rc;

    for (int i = 0; i < STORE_MAX_RETRIES; i++) {
        rc = mdb_txn_begin(st->env, NULL, flags, txn);
        if (rc != MDB_MAP_RESIZED)
            break;
        rc = adopt_map(st, err);
        if (rc)
            return rc;
        rc = MDB_MAP_RESIZED;
    }
    if (rc)
        return store_env_fail(NULL, err, rc, "begin transaction");
    return 0;
}

/**
 * Open every database and check (or, for a new store, write) the format.
 * Runs in its own transaction, growing the map if it is too small.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int open_dbis(store_t *st, err_t *err)
{
    int rdonly = (st->flags & STORE_RDONLY) != 0;
    int upgraded = 0;
    MDB_txn *txn = NULL;
    int rc = 0;

    for (int tries = 0; tries < STORE_MAX_RETRIES; tries++) {
        MDB_val k, v;
        uint8_t fmt[4] = { 0, 0, 0, STORE_FORMAT };

        rc = begin(st, rdonly ? MDB_RDONLY : 0, &txn, err);
        if (rc)
            return rc;
        for (int i = 0; i < DB__COUNT; i++) {
            if (i == DB_BASE)   /* the own source has none */
                continue;
            rc = mdb_dbi_open(txn, db_defs[i].name,
                              db_defs[i].flags | (rdonly ? 0 : MDB_CREATE),
                              &st->dbi[i]);
            if (rc == MDB_NOTFOUND) {
                rc = err_set(err, ERR_STORE, "store: not an autodbm store "
                             "(no %s database)", db_defs[i].name);
                goto abort;
            }
            if (rc)
                goto lmdb_fail;
        }
        k.mv_data = (void *)STORE_META_FORMAT;
        k.mv_size = strlen(STORE_META_FORMAT);
        rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
        if (rc == 0) {
            uint8_t old[4] = { 0, 0, 0, STORE_FORMAT_OLD };
            if (v.mv_size == sizeof old && !memcmp(v.mv_data, old, sizeof old)
                && !rdonly) {
                /* format 3 is format 4 without mirrored sources */
                v.mv_data = fmt;
                v.mv_size = sizeof fmt;
                rc = mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
                if (rc)
                    goto lmdb_fail;
                upgraded = 1;
            } else if (v.mv_size != sizeof fmt ||
                       (memcmp(v.mv_data, fmt, sizeof fmt) &&
                        memcmp(v.mv_data, old, sizeof old))) {
                rc = err_set(err, ERR_STORE, "store: unsupported store "
                             "format (this build reads format %d and "
                             "upgrades format %d)", STORE_FORMAT,
                             STORE_FORMAT_OLD);
                goto abort;
            }
            k.mv_data = (void *)STORE_META_BULK;
            k.mv_size = strlen(STORE_META_BULK);
            rc = mdb_get(txn, st->dbi[DB_META], &k, &v);
            if (rc == 0) {
                rc = err_set(err, ERR_STORE, "store: an unfinished bulk "
                             "load left this store incomplete; remove it "
                             "and load again");
                goto abort;
            }
            if (rc != MDB_NOTFOUND)
                goto lmdb_fail;
        } else if (rc == MDB_NOTFOUND && !rdonly) {
            v.mv_data = fmt;
            v.mv_size = sizeof fmt;
            rc = mdb_put(txn, st->dbi[DB_META], &k, &v, 0);
            if (rc)
                goto lmdb_fail;
        } else if (rc == MDB_NOTFOUND) {
            rc = err_set(err, ERR_STORE, "store: not an autodbm store "
                         "(no format)");
            goto abort;
        } else {
            goto lmdb_fail;
        }
        rc = mdb_txn_commit(txn);
        txn = NULL;
        if (rc == MDB_MAP_FULL) {
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        if (rc)
            return store_env_fail(NULL, err, rc, "open databases");
        if (upgraded) {
            const char *dir = NULL;
            if (mdb_env_get_path(st->env, &dir) != 0 || dir == NULL)
                dir = "?";
            msg_info("store: %s upgraded from format %d to format %d", dir,
                     STORE_FORMAT_OLD, STORE_FORMAT);
        }
        return 0;

    lmdb_fail:
        mdb_txn_abort(txn);
        txn = NULL;
        if (rc == MDB_MAP_FULL) {
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        return store_env_fail(NULL, err, rc, "open databases");
    }
    return err_set(err, ERR_TEMP, "store: cannot make the map large enough");

abort:
    mdb_txn_abort(txn);
    return rc;
}

/*
 * The file of the environment @dir that mdb_env_open() with @envflags
 * could not open as it needs it, for its error message: lock.mdb
 * (read-write, opened first), then data.mdb (read-write, read-only
 * under MDB_RDONLY); else @dir itself (a missing file it could not
 * create there, or another cause).  Malloc'd.
 */
static char *env_culprit(const char *dir, unsigned envflags)
{
    static const char *const files[] = { "lock.mdb", "data.mdb" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *path = xasprintf("%s/%s", dir, files[i]);
        int mode = i == 1 && (envflags & MDB_RDONLY) ? R_OK : R_OK | W_OK;
        if (access(path, mode) != 0 && errno != ENOENT)
            return path;
        free(path);
    }
    return xstrdup(dir);
}

int store_open_size(const char *dir, unsigned flags, size_t mapsize,
                    store_t **out, err_t *err)
{
    store_t *st = NULL;
    unsigned envflags = MDB_NOTLS;
    MDB_envinfo info;
    struct stat sb;
    int rc;

    *out = NULL;
    if (!(flags & STORE_RDONLY) && mkdir(dir, 0750) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "store: cannot create %s: %s", dir,
                       strerror(errno));
    if (stat(dir, &sb) != 0)
        return err_set(err, ERR_IO, "store: %s: %s", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return err_set(err, ERR_IO, "store: %s: not a directory", dir);

    st = xcalloc(1, sizeof *st);
    st->lockfd = -1;
    pthread_mutex_init(&st->lock, NULL);
    st->flags = flags;
    for (int i = 0; i < 256; i++)
        st->cls_of[i] = -1;
    for (int c = 0; c < SC__COUNT; c++) {
        const char *name = schema_class_name(c);
        size_t i;
        for (i = 0; i < sizeof class_codes / sizeof class_codes[0]; i++)
            if (name != NULL && strcmp(class_codes[i].name, name) == 0)
                break;
        if (i == sizeof class_codes / sizeof class_codes[0]) {
            rc = err_set(err, ERR_SOFTWARE, "store: class %s has no disk "
                         "code", name ? name : "?");
            goto leave;
        }
        st->code_of[c] = class_codes[i].code;
        st->cls_of[class_codes[i].code] = c;
    }

    rc = mdb_env_create(&st->env);
    if (rc) {
        rc = store_env_fail(NULL, err, rc, "create environment");
        goto leave;
    }
    rc = mdb_env_set_maxdbs(st->env, DB__COUNT + 4 +
                            SRC_DB_COUNT * STORE_MAX_SOURCES);
    if (rc == 0)
        rc = mdb_env_set_mapsize(st->env, mapsize);
    if (rc) {
        rc = store_env_fail(NULL, err, rc, "configure environment");
        goto leave;
    }
    if (flags & STORE_RDONLY)
        envflags |= MDB_RDONLY;
    else if (flags & STORE_BULK)
        envflags |= MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD;
    rc = mdb_env_open(st->env, dir, envflags, 0640);
    if (rc) {
        char *what = env_culprit(dir, envflags);
        rc = err_set(err, rc == ENOENT || rc == ENOTDIR ? ERR_IO : lmdb_status(rc),
                     "store: %s: %s", what, mdb_strerror(rc));
        free(what);
        goto leave;
    }
    /* Adopt the size recorded in the store (it may have grown), but never
     * go below the size asked for. */
    rc = mdb_env_set_mapsize(st->env, 0);
    if (rc == 0)
        rc = mdb_env_info(st->env, &info);
    if (rc == 0 && info.me_mapsize < mapsize)
        rc = mdb_env_set_mapsize(st->env, mapsize);
    if (rc) {
        rc = store_env_fail(NULL, err, rc, "set map size");
        goto leave;
    }
    st->maxkey = (size_t)mdb_env_get_maxkeysize(st->env);
    st->okey_max = st->maxkey / 2 + 1;
    st->ixkey_max = st->maxkey - 1 - st->okey_max;
    rc = open_dbis(st, err);
    if (rc)
        goto leave;
    *out = st;
    return 0;

leave:
    if (st->env != NULL)
        mdb_env_close(st->env);
    free(st->src);
    pthread_mutex_destroy(&st->lock);
    free(st);
    return rc;
}

int store_open(const char *dir, unsigned flags, store_t **out, err_t *err)
{
    return store_open_size(dir, flags, STORE_DEFAULT_MAPSIZE, out, err);
}

void store_close(store_t *st)
{
    if (st == NULL)
        return;
    mdb_env_close(st->env);
    if (st->lockfd >= 0)
        close(st->lockfd);      /* releases the writer lock */
    free(st->src);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

int store_lock(store_t *st, int timeout, err_t *err)
{
    if (st->lockfd >= 0)
        return 0;
    const char *dir = NULL;
    if (mdb_env_get_path(st->env, &dir) != 0 || dir == NULL)
        return err_set(err, ERR_STORE, "store: no path for the writer lock");
    char *path = xasprintf("%s/writer.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        int e = errno;
        int rc = err_set(err, e == EACCES || e == EROFS ? ERR_TEMP : ERR_IO,
                         "store: %s: %s", path, strerror(e));
        free(path);
        return rc;
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(fd, LOCK_EX | (timeout < 0 ? 0 : LOCK_NB)) == 0)
            break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int rc = err_set(err, ERR_IO, "store: %s: %s", path, strerror(errno));
            close(fd);
            free(path);
            return rc;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (timeout >= 0 && now.tv_sec - start.tv_sec >= timeout) {
            int rc = err_set(err, ERR_TEMP, "store: still locked by another writer after %d s",
                             timeout);
            close(fd);
            free(path);
            return rc;
        }
        struct timespec nap = { 0, 50 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    free(path);
    st->lockfd = fd;
    return 0;
}

void store_unlock(store_t *st)
{
    if (st && st->lockfd >= 0) {
        close(st->lockfd);
        st->lockfd = -1;
    }
}

int store_sync(store_t *st, err_t *err)
{
    int rc = mdb_env_sync(st->env, 1);
    if (rc)
        return err_set(err, ERR_IO, "store: sync: %s", mdb_strerror(rc));
    return 0;
}

int store_write(store_t *st, store_unit_fn fn, void *arg, err_t *err)
{
    MDB_txn *txn = NULL;
    store_txn_t *t = NULL;
    int rc;

    if (st->flags & STORE_RDONLY)
        return err_set(err, ERR_USAGE, "store: opened read-only");
    for (int tries = 0; tries < STORE_MAX_RETRIES; tries++) {
        size_t nsrc;
        rc = begin(st, 0, &txn, err);
        if (rc)
            return rc;
        /* the handles of sources other processes added */
        rc = store_source_recorded(st, txn, &nsrc, err);
        if (rc == 0 && nsrc != st->nsrc)
            rc = store_source_open_all(st, txn, err);
        if (rc) {
            mdb_txn_abort(txn);
            store_source_txn_end(st, 0);
            return rc;
        }
        t = txn_new(st, txn, 0);
        rc = fn(t, arg, err);
        txn_close_cursors(t);
        if (t->map_full) {
            mdb_txn_abort(txn);
            store_source_txn_end(st, 0);
            txn_free(t);
            err_free(err);
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        if (rc) {
            mdb_txn_abort(txn);
            store_source_txn_end(st, 0);
            txn_free(t);
            return rc;
        }
        txn_free(t);
        rc = mdb_txn_commit(txn);
        store_source_txn_end(st, rc == 0);
        if (rc == MDB_MAP_FULL) {
            rc = grow_map(st, err);
            if (rc)
                return rc;
            continue;
        }
        if (rc)
            return store_env_fail(NULL, err, rc, "commit");
        return 0;
    }
    return err_set(err, ERR_TEMP, "store: cannot make the map large enough");
}

/**
 * Open, in a read transaction of their own that commits (which makes
 * the handles the process's), the databases of the mirrored sources
 * recorded in the store that this process has not opened yet.
 * @return 0, ERR_TEMP, ERR_STORE.
 */
static int open_sources(store_t *st, err_t *err)
{
    MDB_txn *mt = NULL;
    int rc;

    rc = begin(st, MDB_RDONLY, &mt, err);
    if (rc)
        return rc;
    rc = store_source_open_all(st, mt, err);
    if (rc) {
        mdb_txn_abort(mt);
        store_source_txn_end(st, 0);
        return rc;
    }
    rc = mdb_txn_commit(mt);
    store_source_txn_end(st, rc == 0);
    if (rc)
        return store_env_fail(NULL, err, rc, "open sources");
    return 0;
}

int store_read_begin(store_t *st, store_txn_t **txn, err_t *err)
{
    MDB_txn *mt = NULL;
    size_t nsrc = 0;
    int rc;

    *txn = NULL;
    /* A snapshot can use only the handles opened before it began: open
     * those of sources added since the last snapshot, then begin again
     * (source.c says more).  All of it under st->lock: autodbm-whoisd
     * begins snapshots from several threads, LMDB allows one transaction
     * at a time to open handles, and st->src grows here. */
    pthread_mutex_lock(&st->lock);
    for (int tries = 0; ; tries++) {
        rc = begin(st, MDB_RDONLY, &mt, err);
        if (rc)
            goto leave;
        rc = store_source_recorded(st, mt, &nsrc, err);
        if (rc) {
            mdb_txn_abort(mt);
            goto leave;
        }
        if (nsrc == st->nsrc || tries == 3)
            break;
        mdb_txn_abort(mt);
        rc = open_sources(st, err);
        if (rc)
            goto leave;
    }
    st->readers++;
leave:
    pthread_mutex_unlock(&st->lock);
    if (rc)
        return rc;
    *txn = txn_new(st, mt, 1);
    return 0;
}

void store_read_end(store_txn_t *txn)
{
    if (txn == NULL)
        return;
    txn_close_cursors(txn);
    mdb_txn_abort(txn->txn);
    pthread_mutex_lock(&txn->st->lock);
    txn->st->readers--;
    pthread_mutex_unlock(&txn->st->lock);
    txn_free(txn);
}

/* ---------------------------------------------------------------------
 * Meta values
 */

int store_meta_get(store_txn_t *txn, const char *name, buf_t *out, err_t *err)
{
    MDB_val k, v;
    int rc;

    if (name == NULL || *name == 0 || strlen(name) > txn->st->maxkey)
        return err_set(err, ERR_USAGE, "store: invalid meta name");
    k.mv_data = (void *)name;
    k.mv_size = strlen(name);
    rc = mdb_get(txn->txn, txn->st->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND)
        return err_set(err, ERR_NOTFOUND, "no meta value %s", name);
    if (rc)
        return store_env_fail(txn, err, rc, "read meta");
    buf_put(out, v.mv_data, v.mv_size);
    return 0;
}

int store_meta_put(store_txn_t *txn, const char *name, const void *val,
                   size_t len, err_t *err)
{
    MDB_val k, v;
    int rc;

    if (txn->rdonly)
        return err_set(err, ERR_USAGE, "store: write in a read snapshot");
    if (name == NULL || *name == 0 || strlen(name) > txn->st->maxkey)
        return err_set(err, ERR_USAGE, "store: invalid meta name");
    k.mv_data = (void *)name;
    k.mv_size = strlen(name);
    v.mv_data = (void *)val;
    v.mv_size = len;
    rc = mdb_put(txn->txn, txn->st->dbi[DB_META], &k, &v, 0);
    if (rc)
        return store_env_fail(txn, err, rc, "write meta");
    return 0;
}
