/*
 * cmd_load.c - autodbm-load: bulk-load RPSL dump files into the store.
 *
 * usage: autodbm-load [-c conf] [--non-strict] [-q] [--rebuild-keyring] [FILE...]
 *
 * After a load the keys of the store's key-certs are imported into the
 * registry's GnuPG home (keyring_import_all); with --rebuild-keyring the
 * home is emptied first (keyring_rebuild), and without files that is all
 * it does.
 *
 * Each file (plain text or gzip, read through zlib which passes plain
 * files through) is read in chunks; blank-line separated paragraphs are
 * parsed, classified and validated (strict by default, --non-strict for
 * mirrored or legacy data) and prepared for the store (store_batch_add:
 * printed text, index keys).  An object with errors is reported as
 * "FILE:LINE: message" on stderr and skipped; it never aborts the load.
 * Lines starting with '#' or '%' are comments.
 *
 * Two threads: a reader thread does all of the above, in file order (so
 * the messages come in file order), and hands full batches to the main
 * thread through a small bounded queue; the main thread writes them
 * (store_bulk_put; LMDB write transactions stay on that one thread) and
 * finishes with store_bulk_end, which into an empty store appends the
 * sorted objects, history and indexes (see store.h).  A write failure
 * stops the reader; the reader's end (or an unreadable file) ends the
 * writer once the batches before it are written.
 *
 * Exit status: 0 when every object loaded; 65 (EX_DATAERR) when some
 * objects were rejected; 75 (EX_TEMPFAIL) when the store could not be
 * written (the batch in progress is not committed; a load into an empty
 * store that fails leaves it marked incomplete: load it again into an
 * empty directory); 66 for an unreadable file (the files before it are
 * loaded); 64 for usage errors; 78 for configuration errors.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "conf.h"
#include "diag.h"
#include "err.h"
#include "rpsl.h"
#include "schema.h"
#include "store.h"
#include "keyring.h"
#include "pgp.h"

/** Objects per batch (one write transaction each). */
#define BATCH_OBJECTS 4096
/** Or bytes of prepared text and keys per batch. */
#define BATCH_BYTES (8u << 20)
/** Batches in flight between the reader and the writer. */
#define NBATCHES 4
#define CHUNK (1u << 20)

/**
 * The queue between the reader thread and the writer (main) thread: a
 * fixed set of batches that go round, empty ones back to the reader, full
 * ones (in order) to the writer.
 */
struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    store_batch_t *empty[NBATCHES];
    size_t nempty;
    store_batch_t *full[NBATCHES];  /**< ring */
    size_t head, nfull;
    int done;                       /**< the reader has finished */
    int stop;                       /**< the writer failed: reader stops */
};

/* State of one load run (set up by main). */
struct load {
    const char *source;
    enum schema_mode mode;
    store_t *st;
    int progress;           /* print progress on stderr (a terminal) */
    int quiet;
    char **files;
    int nfiles;
    struct queue q;
    /* reader thread only */
    store_batch_t *cur;     /* the batch being filled */
    size_t errors, seen;
    time_t last_progress;
    int rc;                 /* reader status, err */
    err_t err;
    /* written by the writer, read by the reader's progress line */
    atomic_size_t loaded;
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: autodbm-load [-c conf] [--non-strict] [-q] [--rebuild-keyring] [FILE...]\n"
                "       autodbm-load -h | -V\n");
}

static void progress(struct load *ld, int final)
{
    if (!ld->progress)
        return;
    time_t t = time(NULL);
    if (!final && t == ld->last_progress)
        return;
    ld->last_progress = t;
    fprintf(stderr, "\r%zu objects read, %zu loaded, %zu errors%s", ld->seen,
            atomic_load(&ld->loaded), ld->errors, final ? "\n" : "");
    fflush(stderr);
}

/* Queue: the reader takes an empty batch (NULL once the writer failed). */
static store_batch_t *q_take_empty(struct queue *q)
{
    store_batch_t *b = NULL;
    pthread_mutex_lock(&q->mu);
    while (q->nempty == 0 && !q->stop)
        pthread_cond_wait(&q->cv, &q->mu);
    if (!q->stop)
        b = q->empty[--q->nempty];
    pthread_mutex_unlock(&q->mu);
    return b;
}

/* Queue: the reader hands over a full batch. */
static void q_put_full(struct queue *q, store_batch_t *b)
{
    pthread_mutex_lock(&q->mu);
    q->full[(q->head + q->nfull) % NBATCHES] = b;
    q->nfull++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Queue: the reader is done (no more full batches). */
static void q_finish(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->done = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Queue: the writer takes the next full batch; NULL when all are done. */
static store_batch_t *q_take_full(struct queue *q)
{
    store_batch_t *b = NULL;
    pthread_mutex_lock(&q->mu);
    while (q->nfull == 0 && !q->done)
        pthread_cond_wait(&q->cv, &q->mu);
    if (q->nfull > 0) {
        b = q->full[q->head];
        q->head = (q->head + 1) % NBATCHES;
        q->nfull--;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

/* Queue: the writer gives a batch back (cleared); @stop after a failure. */
static void q_give_empty(struct queue *q, store_batch_t *b, int stop)
{
    store_batch_clear(b);
    pthread_mutex_lock(&q->mu);
    q->empty[q->nempty++] = b;
    if (stop)
        q->stop = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Reader: hand the current batch (if any) to the writer. @return 0. */
static int flush_batch(struct load *ld)
{
    if (ld->cur == NULL || store_batch_count(ld->cur) == 0)
        return 0;
    q_put_full(&ld->q, ld->cur);
    ld->cur = NULL;
    progress(ld, 0);
    return 0;
}

static void report(struct load *ld, const char *file, const rpsl_obj_t *o,
                   const diag_list_t *d)
{
    if (ld->quiet)
        return;
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].sev != DIAG_ERROR)
            continue;
        unsigned line = o->lineno;
        if (d->v[i].attr >= 0 && (size_t)d->v[i].attr < o->nattrs)
            line = o->attrs[d->v[i].attr].lineno;
        fprintf(stderr, "%s:%u: %s\n", file, line, d->v[i].text);
    }
}

/* Reader: parse, check and queue one paragraph.  @return 0, or ERR_TEMP
 * when the writer has stopped. */
static int one_paragraph(struct load *ld, const char *file, const char *p,
                         size_t len, unsigned lineno)
{
    rpsl_obj_t *o = NULL;
    diag_list_t d = DIAG_LIST_INIT;
    ld->seen++;
    int rc = rpsl_parse(p, len, lineno, RPSL_PARSE_SKIP_COMMENT_LINES, &o, &d);
    if (rc == ERR_SYNTAX) {
        /* Only comment lines: not an object, not an error either. */
        int only_comments = 1;
        for (size_t i = 0; i < len; i++)
            if ((i == 0 || p[i - 1] == '\n') && p[i] != '#' && p[i] != '%' && p[i] != '\n') {
                only_comments = 0;
                break;
            }
        if (only_comments) {
            ld->seen--;
            diag_list_free(&d);
            return 0;
        }
        if (!ld->quiet)
            fprintf(stderr, "%s:%u: paragraph does not look like an object\n", file, lineno);
        ld->errors++;
        diag_list_free(&d);
        return 0;
    }
    if (schema_classify(o, &d) != 0) {
        if (!ld->quiet)
            fprintf(stderr, "%s:%u: unknown object class \"%s\"\n", file, lineno,
                    o->attrs[0].name);
        ld->errors++;
        goto drop;
    }
    if (diag_count(&d, DIAG_ERROR) > 0 ||
        schema_validate(o, ld->mode, ld->source, &d) > 0) {
        report(ld, file, o, &d);
        ld->errors++;
        goto drop;
    }
    if (ld->cur == NULL && (ld->cur = q_take_empty(&ld->q)) == NULL) {
        rc = ERR_TEMP;
        goto drop;
    }
    err_t e = ERR_INIT;
    if (store_batch_add(ld->cur, ld->st, o, &e) != 0) {
        if (!ld->quiet)
            fprintf(stderr, "%s:%u: %s\n", file, lineno, err_text(&e));
        ld->errors++;
    }
    err_free(&e);
    rc = 0;
    if (store_batch_count(ld->cur) >= BATCH_OBJECTS ||
        store_batch_bytes(ld->cur) >= BATCH_BYTES)
        rc = flush_batch(ld);
drop:
    diag_list_free(&d);
    rpsl_obj_free(o);
    return rc;
}

/*
 * Reader: read @file in chunks and feed its paragraphs to one_paragraph().
 * A paragraph is complete once a blank line follows it (or at end of
 * file).  @return 0, ERR_NOTFOUND / ERR_IO (in ld->err), ERR_TEMP when the
 * writer stopped.
 */
static int load_file(struct load *ld, const char *file)
{
    err_t *err = &ld->err;
    gzFile gz = strcmp(file, "-") == 0 ? gzdopen(dup(0), "rb") : gzopen(file, "rb");
    if (gz == NULL)
        return err_set(err, ERR_NOTFOUND, "%s: %s", file, strerror(errno ? errno : ENOMEM));
    gzbuffer(gz, 256 * 1024);
    buf_t b;
    buf_init(&b);
    buf_reserve(&b, CHUNK);
    unsigned lineno = 1;
    int rc = 0, eof = 0;
    while (!eof && rc == 0) {
        buf_reserve(&b, CHUNK);
        int n = gzread(gz, b.s + b.len, CHUNK);
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            rc = err_set(err, ERR_IO, "%s: %s", file, zerr == Z_ERRNO ? strerror(errno) : msg);
            break;
        }
        if (n == 0)
            eof = 1;
        b.len += (size_t)n;
        b.s[b.len] = 0;
        /* Complete paragraphs end before the last blank line in the buffer. */
        size_t limit = b.len;
        if (!eof) {
            /* find the last "\n\n" (or "\n" + blank line) boundary */
            size_t i = b.len;
            limit = 0;
            while (i > 1) {
                i--;
                if (b.s[i] == '\n') {
                    size_t j = i;
                    while (j > 0 && (b.s[j - 1] == ' ' || b.s[j - 1] == '\t' || b.s[j - 1] == '\r'))
                        j--;
                    if (j > 0 && b.s[j - 1] == '\n') {
                        limit = i + 1;
                        break;
                    }
                }
            }
            if (limit == 0)
                continue;   /* no boundary yet: read more */
        }
        size_t pos = 0, plen;
        unsigned pline;
        const char *start;
        while (rc == 0 && rpsl_next_paragraph(b.s, limit, &pos, &lineno,
                                              RPSL_PARSE_SKIP_COMMENT_LINES,
                                              &start, &plen, &pline))
            rc = one_paragraph(ld, file, start, plen, pline);
        /* count the lines consumed after the last paragraph */
        for (size_t i = pos; i < limit; i++)
            lineno += b.s[i] == '\n';
        memmove(b.s, b.s + limit, b.len - limit);
        b.len -= limit;
        b.s[b.len] = 0;
    }
    gzclose(gz);
    buf_free(&b);
    return rc;
}

/* The reader thread: every file in order, then the end of the queue. */
static void *reader(void *arg)
{
    struct load *ld = arg;
    int rc = 0;
    for (int i = 0; i < ld->nfiles && rc == 0; i++)
        rc = load_file(ld, ld->files[i]);
    /* what was read before an unreadable file is still loaded */
    flush_batch(ld);
    if (ld->cur != NULL)
        q_give_empty(&ld->q, ld->cur, 0);
    ld->cur = NULL;
    ld->rc = rc == ERR_TEMP ? 0 : rc;   /* ERR_TEMP: the writer's error */
    q_finish(&ld->q);
    return NULL;
}

/*
 * The writer: store every batch the reader hands over, then finish the
 * bulk load.  @return 0, or the store's status (in @err).
 */
static int writer(struct load *ld, store_bulk_t *bk, err_t *err)
{
    store_batch_t *b;
    int rc = 0;
    while ((b = q_take_full(&ld->q)) != NULL) {
        if (rc == 0) {
            rc = store_bulk_put(bk, b, err);
            atomic_store(&ld->loaded, store_bulk_count(bk));
        }
        q_give_empty(&ld->q, b, rc != 0);
    }
    return rc;
}

/*
 * Import the key-certs' keys of @st (all of them: rebuild first empties
 * the home).  @st NULL: open the store of @conf.  Returns the exit status
 * (@ex when all went well; 75 when GnuPG or the store failed).
 */
static int keyring_step(store_t *st, const conf_t *conf, int rebuild, int quiet, int ex)
{
    err_t err = ERR_INIT;
    store_t *own = NULL;
    pgp_t *pgp = NULL;
    diag_list_t diags = DIAG_LIST_INIT;
    keyring_stats_t ks;
    memset(&ks, 0, sizeof ks);
    int rc = 0;
    if (st == NULL && (rc = store_open_size(conf->database, 0, conf->map_size, &own, &err)) == 0)
        st = own;
    size_t nkc = 0;
    if (rc == 0 && !rebuild) {
        store_txn_t *txn = NULL;
        if ((rc = store_read_begin(st, &txn, &err)) == 0) {
            nkc = store_count(txn, SC_KEY_CERT);
            store_read_end(txn);
        }
    }
    if (rc == 0 && (rebuild || nkc > 0)) {
        rc = pgp_new(conf->gnupg_home, &pgp, &err);
        if (rc == 0)
            rc = rebuild ? keyring_rebuild(st, pgp, &ks, &diags, &err)
                         : keyring_import_all(st, pgp, &ks, &diags, &err);
        for (size_t i = 0; i < diags.n; i++)
            fprintf(stderr, "autodbm-load: %s\n", diags.v[i].text);
        if (rc == 0 && !quiet)
            printf("keyring: removed %zu, imported %zu, skipped %zu\n", ks.removed,
                   ks.imported, ks.skipped);
    }
    if (rc) {
        fprintf(stderr, "autodbm-load: keyring: %s\n", err_text(&err));
        ex = EX_TEMPFAIL;
    }
    diag_list_free(&diags);
    pgp_free(pgp);
    store_close(own);
    err_free(&err);
    return ex;
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL;
    int non_strict = 0, quiet = 0, rebuild_keyring = 0;
    static const struct option longopts[] = {
        { "non-strict", no_argument, NULL, 'N' },
        { "quiet", no_argument, NULL, 'q' },
        { "rebuild-keyring", no_argument, NULL, 'K' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    int c;
    while ((c = getopt_long(argc, argv, "c:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'N': non_strict = 1; break;
        case 'q': quiet = 1; break;
        case 'K': rebuild_keyring = 1; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf("autodbm-load %s\n", AUTODBM_VERSION); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind >= argc && !rebuild_keyring) {
        usage(stderr);
        return EX_USAGE;
    }

    conf_t conf;
    err_t err = ERR_INIT;
    const char *cpath = conf_path(conf_opt);
    int rc = 0;
    if (cpath)
        rc = conf_load(cpath, &conf, &err);
    else
        conf_defaults(&conf);
    if (rc) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
        conf_free(&conf);
        err_free(&err);
        return rc == ERR_IO ? EX_CONFIG : err_sysexit(rc);
    }
    if (optind >= argc) {       /* --rebuild-keyring alone */
        int kex = keyring_step(NULL, &conf, 1, quiet, EX_OK);
        conf_free(&conf);
        err_free(&err);
        return kex;
    }

    struct load ld;
    memset(&ld, 0, sizeof ld);
    ld.source = conf.source;
    ld.mode = non_strict ? SCHEMA_NON_STRICT : SCHEMA_STRICT;
    ld.progress = isatty(2) && !quiet;
    ld.quiet = quiet;
    ld.files = argv + optind;
    ld.nfiles = argc - optind;
    ld.err = (err_t)ERR_INIT;
    atomic_init(&ld.loaded, 0);
    pthread_mutex_init(&ld.q.mu, NULL);
    pthread_cond_init(&ld.q.cv, NULL);
    for (int i = 0; i < NBATCHES; i++)
        ld.q.empty[ld.q.nempty++] = store_batch_new();

    int ex = EX_OK;
    store_bulk_t *bk = NULL;
    rc = store_open_size(conf.database, STORE_BULK, conf.map_size, &ld.st, &err);
    if (rc == 0)
        rc = store_bulk_begin(ld.st, time(NULL), &bk, &err);
    if (rc) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
        ex = err_sysexit(rc);
        goto leave;
    }
    pthread_t th;
    if (pthread_create(&th, NULL, reader, &ld) != 0) {
        fprintf(stderr, "autodbm-load: cannot start the reader thread\n");
        ex = EX_OSERR;
        goto leave;
    }
    rc = writer(&ld, bk, &err);
    pthread_join(th, NULL);
    size_t loaded = 0;
    if (rc == 0) {
        loaded = store_bulk_count(bk);
        rc = store_bulk_end(bk, &err);
        bk = NULL;
        if (rc)
            loaded = 0;
    }
    if (ld.rc) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&ld.err));
        ex = ld.rc == ERR_NOTFOUND || ld.rc == ERR_IO ? EX_NOINPUT
                                                     : err_sysexit(ld.rc);
    }
    if (rc) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
        ex = err_sysexit(rc);
    } else if ((rc = store_sync(ld.st, &err)) != 0) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
        ex = EX_TEMPFAIL;
    }
    atomic_store(&ld.loaded, loaded);
    progress(&ld, 1);
    printf("loaded %zu objects, %zu errors\n", loaded, ld.errors);
    if (ex == EX_OK && ld.errors)
        ex = EX_DATAERR;
    if (ex == EX_OK || ex == EX_DATAERR)
        ex = keyring_step(ld.st, &conf, rebuild_keyring, quiet, ex);
leave:
    store_bulk_free(bk);
    for (size_t i = 0; i < ld.q.nempty; i++)
        store_batch_free(ld.q.empty[i]);
    pthread_mutex_destroy(&ld.q.mu);
    pthread_cond_destroy(&ld.q.cv);
    store_close(ld.st);
    conf_free(&conf);
    err_free(&err);
    err_free(&ld.err);
    return ex;
}
