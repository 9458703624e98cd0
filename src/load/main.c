/*
 * main.c - autodbm-load: bulk-load RPSL dump files into the store.
 *
 * usage: autodbm-load [-c conf] [--non-strict] [-q] [--rebuild-keyring]
 *                     [--ignore-owner] [FILE...]
 *        autodbm-load [-c conf] --source NAME [--serial N] [--replace]
 *                     [--non-strict] [-q] FILE...
 *        autodbm-load [-c conf] --source '*' [--replace] [--non-strict]
 *                     [-q] FILE...
 *
 * After the load, the OpenPGP key of every key-cert in the store is
 * imported into the registry's GnuPG home (keyring_import_all); with
 * --rebuild-keyring the home is emptied first (keyring_rebuild), and
 * without FILEs that is all it does.  Key-certs whose key cannot be
 * imported are reported as "autodbm-load: key-cert NAME: ..." warnings.
 *
 * Each file (plain text or gzip, read through zlib which passes plain
 * files through) is read in chunks; blank-line separated paragraphs are
 * parsed, classified and validated (strict by default, --non-strict for
 * mirrored or legacy data) and prepared for the store (store_batch_add:
 * printed text, index keys).  An object with errors is reported as
 * "FILE:LINE: message" on stderr and skipped; it never aborts the load.
 * Lines starting with '#' or '%' are comments.
 *
 * Key-certs (issue 12): a PGPKEY- key-cert gets method:, owner: and
 * fingerpr: generated from its certif: as the robot generates them
 * (keyring_keycert_key, keyring_keycert_generate: one implementation),
 * in both modes, so that the key it holds authorises signatures (auth.h
 * binds a signature to a key-cert by fingerpr:).  Supplied values that
 * differ are replaced, with a warning "FILE:LINE: warning: Supplied
 * attribute 'fingerpr' has been replaced with a generated value".  A
 * key-cert whose key the robot would refuse (no key, several keys, a
 * secret or compressed key, revoked, no self-signed user ID, a name that
 * is not its fingerprint's) is an error in strict mode; --non-strict
 * loads it without fingerpr:, with a warning: it authorises nothing.
 * Keys shared between key-certs are left to keyring_import_all() as
 * before (whatever the dump order).  Each parser thread has its own
 * GPGME context (pgp_t), made on its first key-cert.
 *
 * Threads: a reader thread reads the files and cuts them into chunks of
 * whole paragraphs (about 1 MiB, numbered in file order); one parser
 * thread per processor (at most MAX_PARSERS) takes chunks in turn and
 * does all of the above for each, collecting the prepared objects and
 * the error messages of its chunk; the main thread (the writer) takes
 * the parsed chunks in file order, prints their messages (so they come
 * in file order, as one thread would print them) and writes their
 * objects (store_bulk_put; LMDB write transactions stay on that one
 * thread), and finishes with store_bulk_end, which into an empty store
 * appends the sorted objects, history and indexes (see store.h).  At
 * most NJOBS chunks are in flight.  A write failure stops the reader and
 * the parsers; the reader's end (or an unreadable file) ends the writer
 * once the chunks before it are written.
 *
 * Owner (issue 12): files the loader creates in the store or the GnuPG
 * home belong to the user it runs as, and the robot, running as the
 * registry's user, could not write them (every mail deferred).  So it
 * refuses to run (exit 77) when its effective user is not the owner of
 * the database directory or of gnupg_home - or, for one that does not
 * exist yet, of its parent directory when that belongs to a user other
 * than root - unless --ignore-owner is given.
 *
 * Sources (issue 15): --source NAME loads into the mirrored source NAME
 * (created if missing: store_source_add) whatever the objects' source:
 * says; --source '*' sends each object to the source its source: names
 * (the registry's own to the own set).  Each source loaded into is one
 * bulk load of its own (struct target, started by the writer on the
 * source's first object; the parsers sort a chunk's objects into one
 * batch per source, struct jbatch).  A mirrored source that holds
 * anything already is refused - at once with exit 73 for --source NAME,
 * its objects counted as errors for '*' - with the command line plus
 * --replace, which empties it first (store_source_clear).  Dumped objects
 * take no journal serial of the mirrored source (store/store.h says
 * where they go); --serial N records the serial the source is up to
 * (store_source_serial_set) once the load is written.  In non-strict
 * mode a mirrored source's objects are kept as their registry wrote them:
 * unknown classes as text (store_other_get), every validation error a
 * "FILE:LINE: warning: ..." line instead, an unusable address range
 * leaves the object without address index (store_batch_add_unranged);
 * mirrored key-certs are stored as given and not imported into the
 * GnuPG home.  The count line then also counts the warnings.
 *
 * Exit status: 0 when every object loaded; 65 (EX_DATAERR) when some
 * objects were rejected; 75 (EX_TEMPFAIL) when the store could not be
 * written (the batch in progress is not committed; a load into an empty
 * store that fails leaves it marked incomplete: load it again into an
 * empty directory); 66 for an unreadable file (the files before it are
 * loaded); 64 for usage errors; 73 when --source NAME names a mirrored
 * source that holds objects and --replace was not given; 77 when run
 * by another user than the store's owner; 78 for configuration errors.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "util/buf.h"
#include "registry/conf.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/msg.h"
#include "registry/keyring.h"
#include "registry/pgp.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "store/bulk.h"
#include "store/journal.h"

/** Chunks of input in flight: being read, parsed, waiting, written. */
#define NJOBS 8
/** The most parser threads (one per processor, at least one). */
#define MAX_PARSERS 4
/** Bytes read per chunk (a chunk ends at the last blank line in it). */
#define CHUNK (1u << 20)

/** Where a chunk (struct job) is in the pipeline. */
enum job_state {
    JOB_FREE,       /**< the reader may fill it */
    JOB_READY,      /**< read, waiting for a parser */
    JOB_BUSY,       /**< being parsed */
    JOB_DONE        /**< parsed, waiting for the writer */
};

/**
 * One chunk of input: complete paragraphs of one file and what became of
 * them: the prepared objects and the messages about rejected ones.
 */
struct job {
    enum job_state state;
    const char *file;
    buf_t text;             /**< complete paragraphs */
    unsigned lineno;        /**< line number of the first line of text */
    struct jbatch *bv;      /**< objects prepared from text, in order, one
                                 batch per source they go to */
    size_t nb, capb;
    buf_t msgs;             /**< error messages, in file order */
    size_t seen, errors;    /**< objects seen, rejected */
    size_t warnings;        /**< warnings about objects kept */
};

/** The objects of a chunk that go to one source. */
struct jbatch {
    char *source;           /**< upper case; NULL: the own source */
    store_batch_t *batch;
};

/** A source the writer loads into, and its bulk load. */
struct target {
    char *source;           /**< upper case; NULL: the own source */
    store_bulk_t *bk;       /**< NULL when refused */
    int refused;            /**< not empty and no --replace */
};

/**
 * The pipeline between the reader thread, the parser threads and the
 * writer (main) thread.  Chunk number s lives in jobs[s % NJOBS]; the
 * reader fills chunks in order, parsers take them in order (and finish
 * in any order), the writer takes them in order.  One mutex guards the
 * states and counters; every change is broadcast on the one condition.
 */
struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job jobs[NJOBS];
    uint64_t next_read;     /**< the chunk the reader fills next */
    uint64_t next_parse;    /**< the chunk the next parser takes */
    uint64_t next_write;    /**< the chunk the writer takes next */
    int done;               /**< the reader has finished */
    int stop;               /**< the writer failed: stop reading, parsing */
};

/* State of one load run (set up by main). */
struct load {
    const char *source;     /* the registry's own (conf source) */
    const char *into;       /* --source: NULL own, "*", or a mirrored NAME */
    int replace;            /* --replace */
    int mirror_mode;        /* non-strict into mirrored sources: keep
                               what is not understood, as warnings */
    time_t when;
    const char *gnupg_home;
    pthread_mutex_t pgp_mu; /* pgp_new() one thread at a time (GPGME's
                               process-wide set-up) */
    enum schema_mode mode;
    store_t *st;
    int progress;           /* print progress on stderr (a terminal) */
    int quiet;
    char **files;
    int nfiles;
    struct queue q;
    /* reader thread only */
    buf_t carry;            /* bytes read after the last chunk's end */
    int rc;                 /* reader status, err */
    err_t err;
    /* writer (main) thread only */
    size_t errors, seen, loaded, warnings;
    struct target *tv;      /* the sources written to */
    size_t ntv;
    int argc;               /* the command line, for the --replace hint */
    char **argv;
    time_t last_progress;
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: autodbm-load [-c conf] [--non-strict] [-q] [--rebuild-keyring] "
                "[--ignore-owner] [FILE...]\n"
                "       autodbm-load [-c conf] --source NAME [--serial N] [--replace] "
                "[--non-strict] [-q] FILE...\n"
                "       autodbm-load [-c conf] --source '*' [--replace] [--non-strict] [-q] "
                "FILE...\n"
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
            ld->loaded, ld->errors, final ? "\n" : "");
    fflush(stderr);
}

/* Reader: the next chunk to fill (NULL once the writer failed). */
static struct job *q_take_free(struct queue *q)
{
    struct job *j;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        j = &q->jobs[q->next_read % NJOBS];
        if (q->stop || j->state == JOB_FREE)
            break;
        pthread_cond_wait(&q->cv, &q->mu);
    }
    if (q->stop)
        j = NULL;
    pthread_mutex_unlock(&q->mu);
    return j;
}

/* Reader: chunk @j (from q_take_free) is filled: parsers may take it. */
static void q_put_ready(struct queue *q, struct job *j)
{
    pthread_mutex_lock(&q->mu);
    j->state = JOB_READY;
    q->next_read++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Reader: no more chunks. */
static void q_finish(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->done = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Parser: the next chunk to parse; NULL when the reader is done and
 * every chunk has been taken. */
static struct job *q_take_ready(struct queue *q)
{
    struct job *j = NULL;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->next_parse < q->next_read) {
            j = &q->jobs[q->next_parse % NJOBS];
            q->next_parse++;
            j->state = JOB_BUSY;
            break;
        }
        if (q->done)
            break;
        pthread_cond_wait(&q->cv, &q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return j;
}

/* Parser: chunk @j is parsed. */
static void q_put_done(struct queue *q, struct job *j)
{
    pthread_mutex_lock(&q->mu);
    j->state = JOB_DONE;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Writer: the next chunk in order once parsed; NULL when all are done.
 * @stop: the store failed, tell the reader and the parsers. */
static struct job *q_take_done(struct queue *q, int stop)
{
    struct job *j = NULL;
    pthread_mutex_lock(&q->mu);
    if (stop && !q->stop) {
        q->stop = 1;
        pthread_cond_broadcast(&q->cv);
    }
    for (;;) {
        struct job *n = &q->jobs[q->next_write % NJOBS];
        if (q->next_write < q->next_read && n->state == JOB_DONE) {
            j = n;
            break;
        }
        if (q->done && q->next_write == q->next_read)
            break;
        pthread_cond_wait(&q->cv, &q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return j;
}

/* Writer: chunk @j is written; the reader may reuse it. */
static void q_give_free(struct queue *q, struct job *j)
{
    for (size_t i = 0; i < j->nb; i++)
        store_batch_clear(j->bv[i].batch);
    buf_reset(&j->msgs);
    j->seen = j->errors = j->warnings = 0;
    pthread_mutex_lock(&q->mu);
    j->state = JOB_FREE;
    q->next_write++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* The errors of @d about @o into @j->msgs, each after @prefix ("" or
 * "warning: ").  @return their number. */
static size_t report_as(const struct load *ld, struct job *j, const rpsl_obj_t *o,
                        const diag_list_t *d, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].sev != DIAG_ERROR)
            continue;
        n++;
        if (ld->quiet)
            continue;
        unsigned line = o->lineno;
        if (d->v[i].attr >= 0 && (size_t)d->v[i].attr < o->nattrs)
            line = o->attrs[d->v[i].attr].lineno;
        buf_printf(&j->msgs, "%s:%u: %s%s\n", j->file, line, prefix, d->v[i].text);
    }
    return n;
}

static void report(const struct load *ld, struct job *j, const rpsl_obj_t *o,
                   const diag_list_t *d)
{
    report_as(ld, j, o, d, "");
}

/* The batch of chunk @j for source @source (NULL: the own source). */
static store_batch_t *job_batch(struct job *j, const char *source)
{
    for (size_t i = 0; i < j->nb; i++)
        if (source == NULL ? j->bv[i].source == NULL
                           : j->bv[i].source != NULL && strcmp(j->bv[i].source, source) == 0)
            return j->bv[i].batch;
    if (j->nb == j->capb) {
        j->capb = j->capb ? 2 * j->capb : 4;
        j->bv = xrealloc(j->bv, j->capb * sizeof *j->bv);
    }
    j->bv[j->nb].source = source ? xstrdup(source) : NULL;
    j->bv[j->nb].batch = store_batch_new();
    return j->bv[j->nb++].batch;
}

/* 1 if @s (@n bytes) can name a mirrored source: 1..64 of [A-Za-z0-9_-]. */
static int source_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == '-' || s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
              (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
            return 0;
    return 1;
}

/*
 * The source object @o goes to (see the top): *@own set for the
 * registry's own, else its upper-case name in @name.  @return 0, or -1
 * under --source '*' when it has no source: value that can name one.
 */
static int obj_target(const struct load *ld, const rpsl_obj_t *o, buf_t *name, int *own)
{
    buf_reset(name);
    *own = 0;
    if (ld->into == NULL) {
        *own = 1;
        return 0;
    }
    if (strcmp(ld->into, "*") != 0) {
        buf_puts(name, ld->into);
        return 0;
    }
    long i = rpsl_obj_find(o, "source", 0);
    if (i < 0)
        return -1;
    const char *v = o->attrs[i].value;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strcspn(v, " \t#");
    if (!source_name_ok(v, n))
        return -1;
    for (size_t k = 0; k < n; k++)
        buf_putc(name, v[k] >= 'a' && v[k] <= 'z' ? v[k] - 'a' + 'A' : v[k]);
    if (strcasecmp(name->s, ld->source) == 0)
        *own = 1;
    return 0;
}

/* A parser thread's own state. */
struct parser_state {
    struct load *ld;
    pgp_t *pgp;             /* made on the first key-cert */
    int pgp_tried;
    buf_t pgp_err;          /* why there is no pgp */
};

/*
 * Parser: the generated attributes of the key-cert @o (see the top).
 * Messages go to @j->msgs.  @return 0 to load @o, -1 to reject it.
 */
static int keycert_step(struct parser_state *ps, struct job *j, rpsl_obj_t *o, unsigned lineno)
{
    const struct load *ld = ps->ld;
    buf_t key;
    buf_init(&key);
    if (schema_pkey(o, &key) != 0 || !keyring_is_pgp_name(key.s)) {
        buf_free(&key);
        return 0;           /* X509- key-certs are stored as given */
    }
    if (!ps->pgp_tried) {
        err_t e = ERR_INIT;
        ps->pgp_tried = 1;
        pthread_mutex_lock(&ps->ld->pgp_mu);
        if (pgp_new(ld->gnupg_home, &ps->pgp, &e) != 0)
            buf_puts(&ps->pgp_err, err_text(&e));
        pthread_mutex_unlock(&ps->ld->pgp_mu);
        err_free(&e);
    }
    if (ps->pgp == NULL) {
        if (!ld->quiet)
            buf_printf(&j->msgs, "%s:%u: OpenPGP is not available, key-cert %s cannot be "
                       "checked: %s\n", j->file, lineno, key.s, ps->pgp_err.s);
        buf_free(&key);
        return -1;
    }
    diag_list_t d = DIAG_LIST_INIT;
    pgp_keyinfo_t info;
    memset(&info, 0, sizeof info);
    strv_init(&info.owners);
    int rc = keyring_keycert_key(ps->pgp, o, key.s, &info, &d);
    if (rc == 0)
        keyring_keycert_generate(o, &info, &d);
    if (rc != 0 && ld->mode == SCHEMA_NON_STRICT) {
        /* mirrored data: kept, but its fingerpr: is not believed */
        long i;
        while ((i = rpsl_obj_find(o, "fingerpr", 0)) >= 0)
            rpsl_obj_remove(o, (size_t)i);
        for (size_t k = 0; !ld->quiet && k < d.n; k++)
            buf_printf(&j->msgs, "%s:%u: warning: key-cert %s loaded without fingerpr: "
                       "(%s): it authorises no signature\n", j->file, lineno, key.s,
                       d.v[k].text);
        rc = 0;
    } else if (rc != 0) {
        report(ld, j, o, &d);
    } else {
        for (size_t k = 0; !ld->quiet && k < d.n; k++)
            if (d.v[k].sev == DIAG_WARNING)
                buf_printf(&j->msgs, "%s:%u: warning: %s\n", j->file, lineno, d.v[k].text);
    }
    pgp_keyinfo_free(&info);
    diag_list_free(&d);
    buf_free(&key);
    return rc;
}

/* Parser: parse, check and prepare one paragraph of chunk @j. */
static void one_paragraph(struct parser_state *ps, struct job *j, const char *p,
                          size_t len, unsigned lineno)
{
    const struct load *ld = ps->ld;
    rpsl_obj_t *o = NULL;
    diag_list_t d = DIAG_LIST_INIT;
    j->seen++;
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
            j->seen--;
            diag_list_free(&d);
            return;
        }
        if (!ld->quiet)
            buf_printf(&j->msgs, "%s:%u: paragraph does not look like an "
                       "object\n", j->file, lineno);
        j->errors++;
        diag_list_free(&d);
        return;
    }
    buf_t src;
    int own = 1;
    buf_init(&src);
    if (obj_target(ld, o, &src, &own) != 0) {
        if (!ld->quiet)
            buf_printf(&j->msgs, "%s:%u: no source: attribute that names a source "
                       "(--source '*')\n", j->file, lineno);
        j->errors++;
        goto drop;
    }
    /* a mirrored source's non-strict dump is kept as its registry wrote it */
    int keep = !own && ld->mirror_mode;
    if (schema_classify(o, &d) != 0) {
        if (!keep) {
            if (!ld->quiet)
                buf_printf(&j->msgs, "%s:%u: unknown object class \"%s\"\n",
                           j->file, lineno, o->attrs[0].name);
            j->errors++;
            goto drop;
        }
        if (!ld->quiet)
            buf_printf(&j->msgs, "%s:%u: warning: unknown object class \"%s\": kept "
                       "as text\n", j->file, lineno, o->attrs[0].name);
        j->warnings++;
        o->cls = -1;
    } else if (diag_count(&d, DIAG_ERROR) > 0 ||
               schema_validate(o, ld->mode | SCHEMA_AS_GIVEN, own ? ld->source : NULL,
                               &d) > 0) {
        if (!keep) {
            report(ld, j, o, &d);
            j->errors++;
            goto drop;
        }
        j->warnings += report_as(ld, j, o, &d, "warning: ");
    }
    /* a mirrored key-cert authorises nothing here: stored as given */
    if (own && o->cls == SC_KEY_CERT && keycert_step(ps, j, o, lineno) != 0) {
        j->errors++;
        goto drop;
    }
    err_t e = ERR_INIT;
    store_batch_t *b = job_batch(j, own ? NULL : src.s);
    if (store_batch_add(b, ld->st, o, &e) != 0 &&
        (!keep || store_batch_add_unranged(b, ld->st, o, NULL) != 0)) {
        if (!ld->quiet)
            buf_printf(&j->msgs, "%s:%u: %s\n", j->file, lineno, err_text(&e));
        j->errors++;
    } else if (e.code != 0) {
        /* kept without its address range */
        if (!ld->quiet)
            buf_printf(&j->msgs, "%s:%u: warning: %s: kept, found by its key only\n",
                       j->file, lineno, err_text(&e));
        j->warnings++;
    }
    err_free(&e);
drop:
    buf_free(&src);
    diag_list_free(&d);
    rpsl_obj_free(o);
}

/* Parser: every paragraph of chunk @j (skipped after a store failure). */
static void parse_job(struct parser_state *ps, struct job *j)
{
    struct load *ld = ps->ld;
    size_t pos = 0, plen;
    unsigned lineno = j->lineno, pline;
    const char *start;
    int stop;

    pthread_mutex_lock(&ld->q.mu);
    stop = ld->q.stop;
    pthread_mutex_unlock(&ld->q.mu);
    if (stop)
        return;
    while (rpsl_next_paragraph(j->text.s, j->text.len, &pos, &lineno,
                               RPSL_PARSE_SKIP_COMMENT_LINES, &start, &plen,
                               &pline))
        one_paragraph(ps, j, start, plen, pline);
}

/* A parser thread: chunks until there are no more. */
static void *parser(void *arg)
{
    struct parser_state ps;
    memset(&ps, 0, sizeof ps);
    ps.ld = arg;
    buf_init(&ps.pgp_err);
    struct job *j;

    while ((j = q_take_ready(&ps.ld->q)) != NULL) {
        parse_job(&ps, j);
        q_put_done(&ps.ld->q, j);
    }
    pgp_free(ps.pgp);
    buf_free(&ps.pgp_err);
    return NULL;
}

/*
 * Reader: the end of the last complete paragraph in @s (@len bytes; the
 * first @from bytes are known to hold none): the offset just after the
 * last blank line, or 0 if there is none.
 */
static size_t last_boundary(const char *s, size_t len, size_t from)
{
    size_t i = len, low = from > 1 ? from : 1;

    while (i > low) {
        i--;
        if (s[i] == '\n') {
            size_t k = i;
            while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t' || s[k - 1] == '\r'))
                k--;
            if (k > 0 && s[k - 1] == '\n')
                return i + 1;
        }
    }
    return 0;
}

/* Number of line ends in @s (@len bytes). */
static unsigned count_lines(const char *s, size_t len)
{
    unsigned n = 0;
    const char *e = s + len, *p = s;

    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/*
 * Reader: read @file and hand it to the parsers in chunks of complete
 * paragraphs (a paragraph is complete once a blank line follows it, or
 * at end of file).  @return 0, ERR_NOTFOUND / ERR_IO (in ld->err),
 * ERR_TEMP when the writer stopped.
 */
static int load_file(struct load *ld, const char *file)
{
    err_t *err = &ld->err;
    gzFile gz = strcmp(file, "-") == 0 ? gzdopen(dup(0), "rb") : gzopen(file, "rb");
    if (gz == NULL)
        return err_set(err, ERR_NOTFOUND, "%s: %s", file, strerror(errno ? errno : ENOMEM));
    gzbuffer(gz, 256 * 1024);
    unsigned lineno = 1;
    int rc = 0, eof = 0;
    buf_reset(&ld->carry);
    while (!eof && rc == 0) {
        struct job *j = q_take_free(&ld->q);
        if (j == NULL) {
            rc = ERR_TEMP;
            break;
        }
        buf_reset(&j->text);
        buf_put(&j->text, ld->carry.s, ld->carry.len);
        buf_reset(&ld->carry);
        size_t limit = 0;
        while (rc == 0) {
            size_t had = j->text.len;
            buf_reserve(&j->text, CHUNK);
            int n = gzread(gz, j->text.s + j->text.len, CHUNK);
            if (n < 0) {
                int zerr;
                const char *msg = gzerror(gz, &zerr);
                rc = err_set(err, ERR_IO, "%s: %s", file, zerr == Z_ERRNO ? strerror(errno) : msg);
                break;
            }
            j->text.len += (size_t)n;
            j->text.s[j->text.len] = 0;
            if (n == 0) {
                eof = 1;
                limit = j->text.len;
                break;
            }
            if ((limit = last_boundary(j->text.s, j->text.len, had)) > 0)
                break;
        }
        if (rc != 0 || limit == 0)
            break;      /* the chunk stays free */
        buf_put(&ld->carry, j->text.s + limit, j->text.len - limit);
        buf_truncate(&j->text, limit);
        j->file = file;
        j->lineno = lineno;
        lineno += count_lines(j->text.s, limit);
        q_put_ready(&ld->q, j);
    }
    gzclose(gz);
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
    ld->rc = rc == ERR_TEMP ? 0 : rc;   /* ERR_TEMP: the writer's error */
    q_finish(&ld->q);
    return NULL;
}

/* store_other_each() callback: there is one. */
static int any_other(const char *cls, const char *key, const char *text, size_t len,
                     void *arg)
{
    (void)cls, (void)key, (void)text, (void)len, (void)arg;
    return 1;
}

/* What prepare_unit() does for one mirrored source. */
struct prep {
    const char *name;
    int replace;
    int busy;               /* out: it holds objects (and no --replace) */
};

/* Store unit: create mirrored source p->name if missing; empty it under
 * --replace, else find out whether it holds anything. */
static int prepare_unit(store_txn_t *t, void *arg, err_t *err)
{
    struct prep *p = arg;
    uint64_t first, last;
    int rc = store_source_add(t, p->name, err);
    p->busy = 0;
    if (rc == 0 && p->replace)
        return store_source_clear(t, p->name, err);
    if (rc == 0)
        rc = store_txn_source(t, p->name, err);
    if (rc == 0)
        rc = store_journal_range(t, &first, &last, err);
    if (rc)
        return rc;
    p->busy = last != 0 || store_count(t, -1) > 0 ||
              store_other_each(t, any_other, NULL, err) != 0;
    return 0;
}

/* The command line @ld was run with, with --replace added, in @out. */
static void replace_command(const struct load *ld, buf_t *out)
{
    buf_puts(out, "autodbm-load --replace");
    for (int i = 1; i < ld->argc; i++) {
        const char *a = ld->argv[i];
        if (a[strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789-_./=:+,@")] == 0 && *a) {
            buf_printf(out, " %s", a);
        } else {
            buf_puts(out, " '");
            for (const char *c = a; *c; c++) {
                if (*c == '\'')
                    buf_puts(out, "'\\''");
                else
                    buf_putc(out, *c);
            }
            buf_putc(out, '\'');
        }
    }
}

/*
 * The load into source @name (NULL: the own source), started on first
 * use: a mirrored source is created if missing and emptied under
 * --replace; one that holds objects without --replace is refused (said
 * once, with the command to run).  @return 0 and sets *@out; the
 * store's status.
 */
static int target_get(struct load *ld, const char *name, struct target **out, err_t *err)
{
    for (size_t i = 0; i < ld->ntv; i++)
        if (name == NULL ? ld->tv[i].source == NULL
                         : ld->tv[i].source != NULL && strcmp(ld->tv[i].source, name) == 0) {
            *out = &ld->tv[i];
            return 0;
        }
    struct target t = { name ? xstrdup(name) : NULL, NULL, 0 };
    int rc = 0;
    if (name != NULL) {
        struct prep p = { name, ld->replace, 0 };
        rc = store_write(ld->st, prepare_unit, &p, err);
        if (rc == 0 && p.busy) {
            buf_t cmd;
            buf_init(&cmd);
            replace_command(ld, &cmd);
            msg_error("source %s already holds objects, which a dump does not replace "
                      "unless told to; to replace them: %s", name, cmd.s);
            buf_free(&cmd);
            t.refused = 1;
        }
    }
    if (rc == 0 && !t.refused)
        rc = store_bulk_begin_source(ld->st, name, ld->when, &t.bk, err);
    if (rc) {
        free(t.source);
        return rc;
    }
    ld->tv = xrealloc(ld->tv, (ld->ntv + 1) * sizeof *ld->tv);
    ld->tv[ld->ntv] = t;
    *out = &ld->tv[ld->ntv++];
    return 0;
}

/* Objects written so far into every source (@own: the own source only). */
static size_t loaded_count(const struct load *ld, int own)
{
    size_t n = 0;
    for (size_t i = 0; i < ld->ntv; i++)
        if (ld->tv[i].bk != NULL && (!own || ld->tv[i].source == NULL))
            n += store_bulk_count(ld->tv[i].bk);
    return n;
}

/*
 * The writer: in file order, print the messages of each chunk and store
 * its objects; after a store failure the remaining chunks are only
 * drained.  @return 0, or the store's status (in @err).
 */
static int writer(struct load *ld, err_t *err)
{
    struct job *j;
    int rc = 0;
    while ((j = q_take_done(&ld->q, rc != 0)) != NULL) {
        if (j->msgs.len > 0)
            fputs(j->msgs.s, stderr);
        ld->seen += j->seen;
        ld->errors += j->errors;
        ld->warnings += j->warnings;
        for (size_t b = 0; rc == 0 && b < j->nb; b++) {
            size_t n = store_batch_count(j->bv[b].batch);
            struct target *t = NULL;
            if (n == 0)
                continue;
            rc = target_get(ld, j->bv[b].source, &t, err);
            if (rc == 0 && t->refused)
                ld->errors += n;
            else if (rc == 0)
                rc = store_bulk_put(t->bk, j->bv[b].batch, err);
        }
        ld->loaded = loaded_count(ld, 0);
        q_give_free(&ld->q, j);
        progress(ld, 0);
    }
    return rc;
}

/* Store unit: record the --serial of mirrored source @arg (struct serial_arg). */
struct serial_arg {
    const char *name;
    uint64_t serial;
};

static int serial_unit(store_txn_t *t, void *arg, err_t *err)
{
    const struct serial_arg *a = arg;
    int rc = store_txn_source(t, a->name, err);
    if (rc == 0)
        rc = store_source_serial_set(t, a->serial, err);
    return rc;
}

/* ---- issue 4: key-cert keys into the GnuPG home after the load ---- */

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
            msg_warn("%s", diags.v[i].text);
        if (rc == 0 && !quiet)
            printf("keyring: removed %zu, imported %zu, skipped %zu\n", ks.removed,
                   ks.imported, ks.skipped);
    }
    if (rc) {
        msg_error("keyring: %s", err_text(&err));
        ex = EX_TEMPFAIL;
    }
    diag_list_free(&diags);
    pgp_free(pgp);
    store_close(own);
    err_free(&err);
    return ex;
}

/* The name of user @uid into @out ("uid N" if it has none). */
static void user_name(uid_t uid, buf_t *out)
{
    struct passwd *pw = getpwuid(uid);     /* before any thread starts */
    if (pw && pw->pw_name)
        buf_printf(out, "%s (uid %lu)", pw->pw_name, (unsigned long)uid);
    else
        buf_printf(out, "uid %lu", (unsigned long)uid);
}

/*
 * The owner check (see the top) of directory @dir (@what: "store",
 * "GnuPG home").  @return 0 when the loader may write there, EX_NOPERM
 * (the reason printed) when not.
 */
static int owner_check(const char *what, const char *dir)
{
    struct stat sb;
    buf_t path, mine, theirs;
    buf_init(&path);
    buf_puts(&path, dir);
    int exists = stat(dir, &sb) == 0;
    if (!exists) {
        /* not there yet: its parent, when a user (not root) owns it */
        while (path.len > 1 && path.s[path.len - 1] == '/')
            buf_truncate(&path, path.len - 1);
        char *slash = strrchr(path.s, '/');
        if (slash == NULL) {
            buf_reset(&path);
            buf_puts(&path, ".");
        } else {
            buf_truncate(&path, slash == path.s ? 1 : (size_t)(slash - path.s));
        }
        if (stat(path.s, &sb) != 0 || sb.st_uid == 0) {
            buf_free(&path);
            return 0;
        }
    }
    int ex = 0;
    uid_t me = geteuid();
    if (sb.st_uid != me) {
        buf_init(&mine);
        buf_init(&theirs);
        user_name(me, &mine);
        user_name(sb.st_uid, &theirs);
        struct passwd *pw = getpwuid(sb.st_uid);
        msg_error("the %s %s%s%s belongs to %s, but autodbm-load runs "
                "as %s: the robot could not write the files it would create; run it as "
                "that user (runuser -u %s -- autodbm-load ...), or give --ignore-owner",
                what, dir, exists ? "" : " does not exist yet and its parent ",
                exists ? "" : path.s, theirs.s, mine.s,
                pw && pw->pw_name ? pw->pw_name : "USER");
        buf_free(&mine);
        buf_free(&theirs);
        ex = EX_NOPERM;
    }
    buf_free(&path);
    return ex;
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL;
    int non_strict = 0, quiet = 0, rebuild_keyring = 0, ignore_owner = 0, replace = 0;
    const char *into = NULL, *serial_opt = NULL;
    static const struct option longopts[] = {
        { "non-strict", no_argument, NULL, 'N' },
        { "source", required_argument, NULL, 'S' },
        { "serial", required_argument, NULL, 'R' },
        { "replace", no_argument, NULL, 'P' },
        { "quiet", no_argument, NULL, 'q' },
        { "rebuild-keyring", no_argument, NULL, 'K' },
        { "ignore-owner", no_argument, NULL, 'O' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    int c;
    msg_open("autodbm-load", MSG_STDERR);
    while ((c = getopt_long(argc, argv, "c:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'N': non_strict = 1; break;
        case 'q': quiet = 1; break;
        case 'K': rebuild_keyring = 1; break;
        case 'O': ignore_owner = 1; break;
        case 'S': into = optarg; break;
        case 'R': serial_opt = optarg; break;
        case 'P': replace = 1; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf("autodbm-load %s\n", AUTODBM_VERSION); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind >= argc && !rebuild_keyring) {
        usage(stderr);
        return EX_USAGE;
    }
    buf_t intobuf;
    buf_init(&intobuf);
    uint64_t serial = 0;
    if (into != NULL) {
        if (strcmp(into, "*") != 0 && !source_name_ok(into, strlen(into))) {
            msg_error("--source %s: not a source name (1 to 64 of A-Z, 0-9, _ and -), "
                      "nor '*'", into);
            return EX_USAGE;
        }
        for (const char *p = into; *p; p++)
            buf_putc(&intobuf, *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
        into = intobuf.s;
        if (optind >= argc) {
            usage(stderr);
            buf_free(&intobuf);
            return EX_USAGE;
        }
    }
    if (serial_opt != NULL) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(serial_opt, &end, 10);
        if (into == NULL || strcmp(into, "*") == 0 || errno || end == serial_opt || *end ||
            *serial_opt == '-' || v >= (1ULL << 63)) {
            msg_error("--serial N needs --source NAME and a serial below 2^63");
            buf_free(&intobuf);
            return EX_USAGE;
        }
        serial = v;
    }
    if (replace && into == NULL) {
        msg_error("--replace needs --source");
        return EX_USAGE;
    }

    conf_t conf;
    err_t err = ERR_INIT;
    int rc = conf_open(conf_opt, &conf, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        conf_free(&conf);
        err_free(&err);
        return err_sysexit(rc);     /* ERR_CONF: EX_CONFIG */
    }
    if (!ignore_owner) {
        int oex = owner_check("store", conf.database);
        if (oex == 0)
            oex = owner_check("GnuPG home", conf.gnupg_home);
        if (oex) {
            conf_free(&conf);
            err_free(&err);
            return oex;
        }
    }
    if (into != NULL && strcmp(into, "*") != 0 && strcasecmp(into, conf.source) == 0) {
        msg_error("--source %s: that is this registry's own source (source = %s); load "
                  "its dumps without --source", into, conf.source);
        conf_free(&conf);
        err_free(&err);
        buf_free(&intobuf);
        return EX_USAGE;
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
    ld.into = into;
    ld.replace = replace;
    ld.mirror_mode = non_strict && into != NULL;
    ld.when = time(NULL);
    ld.argc = argc;
    ld.argv = argv;
    ld.gnupg_home = conf.gnupg_home;
    pthread_mutex_init(&ld.pgp_mu, NULL);
    ld.mode = non_strict ? SCHEMA_NON_STRICT : SCHEMA_STRICT;
    ld.progress = isatty(2) && !quiet;
    ld.quiet = quiet;
    ld.files = argv + optind;
    ld.nfiles = argc - optind;
    ld.err = (err_t)ERR_INIT;
    buf_init(&ld.carry);
    pthread_mutex_init(&ld.q.mu, NULL);
    pthread_cond_init(&ld.q.cv, NULL);
    for (int i = 0; i < NJOBS; i++) {
        ld.q.jobs[i].state = JOB_FREE;
        buf_init(&ld.q.jobs[i].text);
        buf_init(&ld.q.jobs[i].msgs);
    }

    int ex = EX_OK;
    struct target *first = NULL;
    rc = store_open_size(conf.database, STORE_BULK, conf.map_size, &ld.st, &err);
    if (rc == 0)
        rc = store_lock(ld.st, -1, &err);   /* robots wait (and give up) meanwhile */
    /* the own source or the one mirrored source first; '*' as they come */
    if (rc == 0 && (into == NULL || strcmp(into, "*") != 0))
        rc = target_get(&ld, into, &first, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        ex = err_sysexit(rc);
        goto leave;
    }
    if (first != NULL && first->refused) {
        ex = EX_CANTCREAT;
        goto leave;
    }
    /* one parser per processor; the reader and the writer mostly wait */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int want = ncpu < 1 ? 1 : ncpu > MAX_PARSERS ? MAX_PARSERS : (int)ncpu;
    int nparsers = 0;
    pthread_t th, pth[MAX_PARSERS];
    while (nparsers < want &&
           pthread_create(&pth[nparsers], NULL, parser, &ld) == 0)
        nparsers++;
    if (nparsers == 0 || pthread_create(&th, NULL, reader, &ld) != 0) {
        msg_error("cannot start the %s thread",
                nparsers == 0 ? "parser" : "reader");
        q_finish(&ld.q);
        for (int i = 0; i < nparsers; i++)
            pthread_join(pth[i], NULL);
        ex = EX_OSERR;
        goto leave;
    }
    rc = writer(&ld, &err);
    pthread_join(th, NULL);
    for (int i = 0; i < nparsers; i++)
        pthread_join(pth[i], NULL);
    size_t loaded = 0, own_loaded = 0;
    if (rc == 0) {
        loaded = loaded_count(&ld, 0);
        own_loaded = loaded_count(&ld, 1);
        for (size_t i = 0; i < ld.ntv; i++) {
            if (ld.tv[i].bk == NULL)
                continue;
            int erc = store_bulk_end(ld.tv[i].bk, &err);
            ld.tv[i].bk = NULL;
            if (erc && rc == 0)
                rc = erc;
        }
        if (rc)
            loaded = 0;
    }
    if (rc == 0 && serial_opt != NULL) {
        struct serial_arg sa = { into, serial };
        rc = store_write(ld.st, serial_unit, &sa, &err);
    }
    if (ld.rc) {
        msg_error("%s", err_text(&ld.err));
        ex = ld.rc == ERR_NOTFOUND || ld.rc == ERR_IO ? EX_NOINPUT
                                                     : err_sysexit(ld.rc);
    }
    if (rc) {
        msg_error("%s", err_text(&err));
        ex = err_sysexit(rc);
    } else if ((rc = store_sync(ld.st, &err)) != 0) {
        msg_error("%s", err_text(&err));
        ex = EX_TEMPFAIL;
    }
    ld.loaded = loaded;
    progress(&ld, 1);
    if (into != NULL)
        printf("loaded %zu objects, %zu errors, %zu warnings\n", loaded, ld.errors,
               ld.warnings);
    else
        printf("loaded %zu objects, %zu errors\n", loaded, ld.errors);
    if (ex == EX_OK && ld.errors)
        ex = EX_DATAERR;
    /* issue 4: the own source's key-certs (mirrored ones authorise nothing) */
    if ((ex == EX_OK || ex == EX_DATAERR) && (into == NULL || own_loaded > 0 || rebuild_keyring))
        ex = keyring_step(ld.st, &conf, rebuild_keyring, quiet, ex);
leave:
    for (size_t i = 0; i < ld.ntv; i++) {
        store_bulk_free(ld.tv[i].bk);
        free(ld.tv[i].source);
    }
    free(ld.tv);
    for (int i = 0; i < NJOBS; i++) {
        buf_free(&ld.q.jobs[i].text);
        buf_free(&ld.q.jobs[i].msgs);
        for (size_t b = 0; b < ld.q.jobs[i].nb; b++) {
            free(ld.q.jobs[i].bv[b].source);
            store_batch_free(ld.q.jobs[i].bv[b].batch);
        }
        free(ld.q.jobs[i].bv);
    }
    buf_free(&ld.carry);
    pthread_mutex_destroy(&ld.q.mu);
    pthread_mutex_destroy(&ld.pgp_mu);
    pthread_cond_destroy(&ld.q.cv);
    store_close(ld.st);
    conf_free(&conf);
    err_free(&err);
    err_free(&ld.err);
    buf_free(&intobuf);
    return ex;
}
