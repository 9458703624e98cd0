/*
 * cmd_load.c - autodbm-load: bulk-load RPSL dump files into the store.
 *
 * usage: autodbm-load [-c conf] [--non-strict] [-q] FILE...
 *
 * Each file (plain text or gzip, read through zlib which passes plain
 * files through) is read in chunks; blank-line separated paragraphs are
 * parsed, classified and validated (strict by default, --non-strict for
 * mirrored or legacy data), then written to the store in batches, one
 * write transaction per batch.  An object with errors is reported as
 * "FILE:LINE: message" on stderr and skipped; it never aborts the load.
 * Lines starting with '#' or '%' are comments.
 *
 * Exit status: 0 when every object loaded; 65 (EX_DATAERR) when some
 * objects were rejected; 75 (EX_TEMPFAIL) when the store could not be
 * written (the batch in progress is not committed); 66 for an unreadable
 * file; 64 for usage errors; 78 for configuration errors.
 */
#include <errno.h>
#include <getopt.h>
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

#define BATCH_OBJECTS 20000
#define BATCH_BYTES (32u << 20)
#define CHUNK (1u << 20)

/* State of one load run (set up by main). */
struct load {
    const char *source;
    enum schema_mode mode;
    store_t *st;
    int progress;           /* print progress on stderr (a terminal) */
    int quiet;
    time_t now;
    /* the batch in progress */
    rpsl_obj_t **objs;
    size_t nobjs, cap, bytes;
    /* totals */
    size_t loaded, errors, seen;
    time_t last_progress;
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: autodbm-load [-c conf] [--non-strict] [-q] FILE...\n"
                "       autodbm-load -h | -V\n");
}

static int put_batch(store_txn_t *txn, void *arg, err_t *err)
{
    struct load *ld = arg;
    for (size_t i = 0; i < ld->nobjs; i++) {
        int rc = store_obj_put(txn, ld->objs[i], ld->now, NULL, err);
        if (rc)
            return rc;
    }
    return 0;
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

static int flush_batch(struct load *ld, err_t *err)
{
    if (ld->nobjs == 0)
        return 0;
    int rc = store_write(ld->st, put_batch, ld, err);
    if (rc == 0)
        ld->loaded += ld->nobjs;
    for (size_t i = 0; i < ld->nobjs; i++)
        rpsl_obj_free(ld->objs[i]);
    ld->nobjs = 0;
    ld->bytes = 0;
    progress(ld, 0);
    return rc;
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

/* Parse, check and queue one paragraph. */
static int one_paragraph(struct load *ld, const char *file, const char *p,
                         size_t len, unsigned lineno, err_t *err)
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
    diag_list_free(&d);
    if (ld->nobjs == ld->cap) {
        ld->cap = ld->cap ? ld->cap * 2 : 1024;
        ld->objs = xrealloc(ld->objs, ld->cap * sizeof *ld->objs);
    }
    ld->objs[ld->nobjs++] = o;
    ld->bytes += len;
    if (ld->nobjs >= BATCH_OBJECTS || ld->bytes >= BATCH_BYTES)
        return flush_batch(ld, err);
    return 0;
drop:
    diag_list_free(&d);
    rpsl_obj_free(o);
    return 0;
}

/*
 * Read @file in chunks and feed its paragraphs to one_paragraph().  A
 * paragraph is complete once a blank line follows it (or at end of file).
 */
static int load_file(struct load *ld, const char *file, err_t *err)
{
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
            rc = one_paragraph(ld, file, start, plen, pline, err);
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

int main(int argc, char **argv)
{
    const char *conf_opt = NULL;
    int non_strict = 0, quiet = 0;
    static const struct option longopts[] = {
        { "non-strict", no_argument, NULL, 'N' },
        { "quiet", no_argument, NULL, 'q' },
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
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf("autodbm-load %s\n", AUTODBM_VERSION); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind >= argc) {
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

    struct load ld;
    memset(&ld, 0, sizeof ld);
    ld.source = conf.source;
    ld.mode = non_strict ? SCHEMA_NON_STRICT : SCHEMA_STRICT;
    ld.progress = isatty(2) && !quiet;
    ld.quiet = quiet;
    ld.now = time(NULL);

    int ex = EX_OK;
    rc = store_open_size(conf.database, STORE_BULK, conf.map_size, &ld.st, &err);
    if (rc) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
        ex = err_sysexit(rc);
        goto leave;
    }
    for (int i = optind; i < argc && ex == EX_OK; i++) {
        rc = load_file(&ld, argv[i], &err);
        if (rc == 0)
            rc = flush_batch(&ld, &err);
        if (rc) {
            fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
            ex = rc == ERR_NOTFOUND || rc == ERR_IO ? EX_NOINPUT : err_sysexit(rc);
        }
    }
    for (size_t i = 0; i < ld.nobjs; i++)
        rpsl_obj_free(ld.objs[i]);
    if (ex == EX_OK && (rc = store_sync(ld.st, &err)) != 0) {
        fprintf(stderr, "autodbm-load: %s\n", err_text(&err));
        ex = EX_TEMPFAIL;
    }
    progress(&ld, 1);
    printf("loaded %zu objects, %zu errors\n", ld.loaded, ld.errors);
    if (ex == EX_OK && ld.errors)
        ex = EX_DATAERR;
leave:
    free(ld.objs);
    store_close(ld.st);
    conf_free(&conf);
    err_free(&err);
    return ex;
}
