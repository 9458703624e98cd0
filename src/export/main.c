/*
 * main.c - autodbm-export: the files a new mirror starts from.
 *
 *   autodbm-export [-c conf] [-q] -d DIR [--split] [SOURCE...]
 *
 * For each SOURCE (default: the registry's own), DIR/<source>.db.gz (the
 * name in lower case) holds every current object of the source as a
 * public mirror may see it (registry/dummify.h: the filter of the NRTM
 * server), each followed by one blank line, and DIR/<SOURCE>.CURRENTSERIAL
 * the serial those objects are at (one line, the number), so that NRTM
 * from that serial + 1 continues where the dump ends.  --split also
 * writes DIR/<source>.db.<class>.gz for every class, as RIPE's split
 * files (a class without objects gives an empty file, so that a file
 * left by an earlier export never outlives its class's objects).
 *
 * One read snapshot of the store for everything: every file of every
 * source shows the store at one moment, whatever robots commit meanwhile.
 * Each file is written under a temporary name in DIR (".NAME.XXXXXX"),
 * flushed to disk and renamed only when every file of the run is
 * complete, so a reader sees a file whole or not at all, and the old
 * files stay as they were when the export fails.  The CURRENTSERIAL
 * files are renamed last: between two renames a reader may find a dump
 * newer than its CURRENTSERIAL (NRTM then repeats changes the dump has,
 * which a mirror applies again harmlessly), never an older one (which
 * would lose changes).
 *
 * The own source's serial is the journal's last; a mirrored source's is
 * the serial the mirror is up to (store_source_serial_get), the one
 * autodbm-mirror asks the origin to continue from.  A stored object whose
 * text does not read as an object is left out with a warning naming it
 * (the export goes on).
 *
 * Exit status: 0 done; 64 usage (also an unknown SOURCE); 78 the
 * configuration; 73 (EX_CANTCREAT) DIR or a file in it cannot be
 * created; 75 the store busy or unreadable for now, or a write failed (a
 * full disk); else err_sysexit() of the failure.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <zlib.h>

#include "registry/conf.h"
#include "registry/dummify.h"
#include "rpsl/schema.h"
#include "store/journal.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fsutil.h"
#include "util/msg.h"

#ifndef AUTODBM_VERSION
#define AUTODBM_VERSION "unknown"
#endif

#define PROG "autodbm-export"

/* One file being written: its final and temporary names, and the open
 * descriptor (kept for fsync after gzclose). */
struct outfile {
    char *final;
    char *tmp;
    int fd;         /* -1 when closed */
    gzFile gz;      /* NULL for a plain file or when closed */
};

/* The files of one source. */
struct source_out {
    char *name;                     /* upper case, as CURRENTSERIAL */
    int own;                        /* the registry's own source */
    uint64_t serial;
    size_t objects, left_out, broken;
    struct outfile dump;
    struct outfile split[SC__COUNT];/* --split; final NULL: not used */
    struct outfile serial_file;
};

/* The state of one run. */
struct export {
    const char *dir;
    int split;
    dummify_t *filter;
    buf_t obj;                      /* one filtered object */
    struct source_out *src;         /* the source being written */
    err_t *err;
};

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: " PROG " [-c conf] [-q] -d DIR [--split] [SOURCE...]\n"
            "  -c FILE   configuration file\n"
            "  -d DIR    write DIR/<source>.db.gz and DIR/<SOURCE>.CURRENTSERIAL\n"
            "  --split   also DIR/<source>.db.<class>.gz per class\n"
            "  -q        no summary line per source\n"
            "  -h        this help\n"
            "  -V        version\n"
            "SOURCE: the registry's own (the default) or a mirrored source\n");
}

/* Whether a file that could not be created (errno @e) is the operator's
 * to fix (EX_CANTCREAT: no permission, no such directory, ...) rather
 * than a failure that goes away (a full disk, I/O errors: EX_TEMPFAIL). */
static int cant_create(int e)
{
    return !(e == ENOSPC || e == EIO || e == ENOMEM || e == EDQUOT);
}

/* Open @f as DIR/NAME under a temporary name; gzip unless @plain. */
static int out_open(struct outfile *f, const char *dir, const char *name,
                    int plain, int *cantcreat, err_t *err)
{
    f->final = xasprintf("%s/%s", dir, name);
    f->tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
    f->gz = NULL;
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        int e = errno;
        free(f->tmp);
        f->tmp = NULL;
        *cantcreat = cant_create(e);
        return err_set(err, ERR_IO, "%s: cannot create: %s", f->final, strerror(e));
    }
    (void) fchmod(f->fd, 0644);
    if (plain)
        return 0;
    int gzfd = dup(f->fd);
    if (gzfd < 0 || (f->gz = gzdopen(gzfd, "wb")) == NULL) {
        if (gzfd >= 0)
            close(gzfd);
        return err_set(err, ERR_NOMEM, "%s: cannot start gzip", f->tmp);
    }
    gzbuffer(f->gz, 128 * 1024);
    return 0;
}

/* Append @n bytes to @f. */
static int out_write(struct outfile *f, const void *p, size_t n, err_t *err)
{
    if (n == 0)
        return 0;
    if (f->gz != NULL) {
        if (gzwrite(f->gz, p, (unsigned)n) != (int)n) {
            int zerr;
            const char *m = gzerror(f->gz, &zerr);
            return err_set(err, ERR_IO, "%s: write failed: %s", f->tmp,
                           zerr == Z_ERRNO ? strerror(errno) : m);
        }
        return 0;
    }
    if (fs_write_all(f->fd, p, n) != 0)
        return err_set(err, ERR_IO, "%s: write failed: %s", f->tmp, strerror(errno));
    return 0;
}

/* Finish the gzip stream of @f and put it on disk. */
static int out_finish(struct outfile *f, err_t *err)
{
    if (f->gz != NULL) {
        int zrc = gzclose(f->gz);
        f->gz = NULL;
        if (zrc != Z_OK)
            return err_set(err, ERR_IO, "%s: write failed%s%s", f->tmp,
                           zrc == Z_ERRNO ? ": " : "",
                           zrc == Z_ERRNO ? strerror(errno) : "");
    }
    if (fsync(f->fd) != 0)
        return err_set(err, ERR_IO, "%s: fsync: %s", f->tmp, strerror(errno));
    if (close(f->fd) != 0) {
        f->fd = -1;
        return err_set(err, ERR_IO, "%s: close: %s", f->tmp, strerror(errno));
    }
    f->fd = -1;
    return 0;
}

/* Give @f its final name. */
static int out_commit(struct outfile *f, err_t *err)
{
    if (rename(f->tmp, f->final) != 0)
        return err_set(err, ERR_IO, "%s: rename to %s: %s", f->tmp, f->final,
                       strerror(errno));
    free(f->tmp);
    f->tmp = NULL;
    return 0;
}

/* Close @f if open and remove its temporary file if still there. */
static void out_drop(struct outfile *f)
{
    if (f->gz != NULL)
        (void) gzclose(f->gz);
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp != NULL)
        (void) unlink(f->tmp);
    free(f->tmp);
    free(f->final);
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

static char *lower(const char *s)
{
    char *l = xstrdup(s);
    for (char *p = l; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return l;
}

/* store_hit_fn: one object of the source, through the filter. */
static int put_object(int cls, const char *pkey, const char *text, size_t len,
                      void *arg)
{
    struct export *x = arg;
    struct source_out *s = x->src;

    buf_reset(&x->obj);
    int rc = dummify_obj(x->filter, text, len, 0, &x->obj, x->err);
    if (rc == DUMMIFY_SKIP) {
        s->left_out++;
        return 0;
    }
    if (rc == ERR_SYNTAX) {
        msg_warn("%s: %s %s: not an object, left out", s->name,
                 schema_class_name(cls) ? schema_class_name(cls) : "?", pkey);
        err_free(x->err);
        s->broken++;
        return 0;
    }
    if (rc)
        return rc;
    buf_putc(&x->obj, '\n');
    rc = out_write(&s->dump, x->obj.s, x->obj.len, x->err);
    if (rc == 0 && x->split && cls >= 0 && cls < SC__COUNT)
        rc = out_write(&s->split[cls], x->obj.s, x->obj.len, x->err);
    if (rc == 0)
        s->objects++;
    return rc;
}

/* Open the files of source @s in DIR. */
static int source_open(struct export *x, struct source_out *s, int *cantcreat)
{
    char *lname = lower(s->name);
    char *name = xasprintf("%s.db.gz", lname);
    int rc = out_open(&s->dump, x->dir, name, 0, cantcreat, x->err);
    free(name);
    for (int c = 0; rc == 0 && x->split && c < SC__COUNT; c++) {
        name = xasprintf("%s.db.%s.gz", lname, schema_class_name(c));
        rc = out_open(&s->split[c], x->dir, name, 0, cantcreat, x->err);
        free(name);
    }
    if (rc == 0) {
        name = xasprintf("%s.CURRENTSERIAL", s->name);
        rc = out_open(&s->serial_file, x->dir, name, 1, cantcreat, x->err);
        free(name);
    }
    free(lname);
    return rc;
}

/* Select source @s on @txn and find its serial: the own source's last
 * journal serial, a mirrored source's the one it is up to. */
static int source_select(store_txn_t *txn, struct source_out *s, err_t *err)
{
    uint64_t first = 0;
    int rc = store_txn_source(txn, s->own ? NULL : s->name, err);
    if (rc == ERR_NOTFOUND) {
        err_free(err);
        return err_set(err, ERR_USAGE, "unknown source %s", s->name);
    }
    if (rc)
        return rc;
    if (s->own)
        return store_journal_range(txn, &first, &s->serial, err);
    return store_source_serial_get(txn, &s->serial, err);
}

/* Write every file of source @s from the snapshot @txn (the files are
 * complete on disk, under their temporary names, when it returns 0). */
static int source_write(struct export *x, store_txn_t *txn,
                        struct source_out *s)
{
    x->src = s;
    int rc = store_each(txn, -1, put_object, x, x->err);
    if (rc == 0)
        rc = out_finish(&s->dump, x->err);
    for (int c = 0; rc == 0 && x->split && c < SC__COUNT; c++)
        rc = out_finish(&s->split[c], x->err);
    if (rc == 0) {
        char line[32];
        int n = snprintf(line, sizeof line, "%llu\n", (unsigned long long)s->serial);
        rc = out_write(&s->serial_file, line, (size_t)n, x->err);
    }
    if (rc == 0)
        rc = out_finish(&s->serial_file, x->err);
    return rc;
}

/* fsync the directory, so that the renames survive a crash. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void) fsync(fd);
        close(fd);
    }
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL, *dir = NULL;
    int split = 0, quiet = 0, c;
    static const struct option longopts[] = {
        { "split", no_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };

    msg_open(PROG, MSG_STDERR);
    while ((c = getopt_long(argc, argv, "c:d:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'd': dir = optarg; break;
        case 'S': split = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf(PROG " " AUTODBM_VERSION "\n"); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (dir == NULL || *dir == 0) {
        msg_error("-d DIR is required");
        usage(stderr);
        return EX_USAGE;
    }

    conf_t cf;
    err_t err = ERR_INIT;
    int rc = conf_open(conf_opt, &cf, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        conf_free(&cf);
        err_free(&err);
        return err_sysexit(rc);
    }

    int ex = EX_OK, cantcreat = 0;   /* cantcreat: EX_CANTCREAT */
    store_t *st = NULL;
    store_txn_t *txn = NULL;
    struct export x;
    memset(&x, 0, sizeof x);
    x.dir = dir;
    x.split = split;
    x.filter = dummify_new(&cf, &err);
    x.err = &err;
    buf_init(&x.obj);

    /* the sources, upper case, each once */
    size_t nsrc = optind < argc ? (size_t)(argc - optind) : 1;
    struct source_out *srcs = xcalloc(nsrc, sizeof *srcs);
    size_t ns = 0;
    for (size_t i = 0; i < nsrc; i++) {
        srcs[i].dump.fd = srcs[i].serial_file.fd = -1;
        for (int k = 0; k < SC__COUNT; k++)
            srcs[i].split[k].fd = -1;
    }
    for (size_t i = 0; i < nsrc; i++) {
        char *name = xstrdup(optind < argc ? argv[optind + i] : cf.source);
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        size_t j;
        for (j = 0; j < ns && strcmp(srcs[j].name, name) != 0; j++)
            ;
        if (j < ns) {               /* named twice */
            free(name);
            continue;
        }
        struct source_out *s = &srcs[ns++];
        s->name = name;
        s->own = strcmp(name, cf.source) == 0;
        /* a name that cannot be a source is an unknown one (an empty one
         * would select the own source: store_txn_source()) */
        if (*name == 0 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name)) {
            msg_error("unknown source \"%s\"", argv[optind + i]);
            ex = EX_USAGE;
        }
    }

    if (ex != EX_OK)
        goto leave;

    if (fs_mkdirs(dir, 0755) != 0) {
        rc = err_set(&err, ERR_IO, "%s: %s", dir, strerror(errno));
        cantcreat = cant_create(errno);
        goto leave;
    }
    rc = store_open(cf.database, STORE_RDONLY, &st, &err);
    if (rc == 0)
        rc = store_read_begin(st, &txn, &err);      /* the one snapshot */
    for (size_t i = 0; rc == 0 && i < ns; i++)     /* unknown ones first */
        rc = source_select(txn, &srcs[i], &err);
    for (size_t i = 0; rc == 0 && i < ns; i++)
        rc = source_open(&x, &srcs[i], &cantcreat);
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        rc = source_select(txn, &srcs[i], &err);
        if (rc == 0)
            rc = source_write(&x, txn, &srcs[i]);
    }
    store_read_end(txn);
    txn = NULL;
    /* every file is complete: the dumps take their names, then the
     * serials */
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        rc = out_commit(&srcs[i].dump, &err);
        for (int k = 0; rc == 0 && split && k < SC__COUNT; k++)
            rc = out_commit(&srcs[i].split[k], &err);
    }
    for (size_t i = 0; rc == 0 && i < ns; i++)
        rc = out_commit(&srcs[i].serial_file, &err);
    if (rc == 0)
        sync_dir(dir);
    for (size_t i = 0; rc == 0 && !quiet && i < ns; i++)
        printf("%s: %zu objects, %zu left out, serial %llu\n", srcs[i].name,
               srcs[i].objects, srcs[i].left_out + srcs[i].broken,
               (unsigned long long)srcs[i].serial);
leave:
    if (rc) {
        msg_error("%s", err_text(&err));
        ex = cantcreat ? EX_CANTCREAT : err_sysexit(rc);
    }
    store_read_end(txn);
    store_close(st);
    for (size_t i = 0; i < nsrc; i++) {
        out_drop(&srcs[i].dump);
        for (int k = 0; k < SC__COUNT; k++)
            out_drop(&srcs[i].split[k]);
        out_drop(&srcs[i].serial_file);
        free(srcs[i].name);
    }
    free(srcs);
    buf_free(&x.obj);
    dummify_free(x.filter);
    conf_free(&cf);
    err_free(&err);
    return ex;
}
