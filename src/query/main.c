/*
 * main.c - autodbm-query: whois-style look-ups on the local store.
 *
 *   autodbm-query [-c conf] [-rBGa] [-T type[,type]] [-i attr[,attr]]
 *                 [-x | -l | -L | -m | -M] [-s source[,source]] QUERY
 *
 * The adapter of the query engine (registry/query.h, which documents the
 * flags and the answer) to the command line: its own flags -c, -h and -V
 * parsed with the query's by query_parse_argv(), the configuration, the
 * store opened read-only for one snapshot, the answer to stdout.  The
 * sources searched: -s, -a, else the configuration's query_sources (the
 * own source by default), see "Sources" in registry/query.h.
 *
 * Exit status: 0 when objects were written; 1 when nothing was found
 * ("%ERROR:101: no entries found") or -s names a source that is neither
 * ours nor mirrored ("%ERROR:102: unknown source"); 64 for usage errors; 78 when the
 * configuration cannot be read; 75 when the store is busy or cannot be
 * read; else err_sysexit() of the failure.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "registry/conf.h"
#include "registry/query.h"
#include "store/store.h"
#include "util/err.h"
#include "util/msg.h"

#ifndef AUTODBM_VERSION
#define AUTODBM_VERSION "unknown"
#endif

#define PROG "autodbm-query"

/* The program's own flags. */
struct opts {
    const char *conf;       /* -c */
    int help;               /* -h */
    int version;            /* -V */
};

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: " PROG " [-c conf] [-rBGa] [-T type[,type]] "
            "[-i attr[,attr]]\n"
            "       [-x | -l | -L | -m | -M] [-s source[,source]] QUERY\n"
            "  -c FILE   configuration file\n"
            "  -r        do not add referenced person/role objects\n"
            "  -B        do not filter auth: hashes\n"
            "  -G        no grouping (accepted; the answer is not grouped)\n"
            "  -T TYPES  only objects of these classes\n"
            "  -i ATTRS  inverse query: objects whose ATTRS equal QUERY\n"
            "  -x        exact address range only\n"
            "  -l        the smallest range containing QUERY\n"
            "  -L        every range containing QUERY (exact included)\n"
            "  -m        the ranges one level below QUERY\n"
            "  -M        every range below QUERY\n"
            "  -s SRCS   query these sources, in order (own or mirrored)\n"
            "  -a        query every source (own and mirrored)\n"
            "  -h        this help\n"
            "  -V        version\n");
}

/* query_extra_t callback: -c, -h, -V. */
static int on_opt(int flag, const char *arg, void *ctx)
{
    struct opts *o = ctx;

    switch (flag) {
    case 'c': o->conf = arg; return 0;
    case 'h': o->help = 1; return 1;
    default:  o->version = 1; return 1;     /* 'V' */
    }
}

/* query_sink_t writing to stdout. */
static int stdout_write(void *ctx, const char *s, size_t len, err_t *err)
{
    if (fwrite(s, 1, len, ctx) != len)
        return err_set(err, ERR_IO, "writing the answer failed");
    return 0;
}

/* Open the store, answer @q in one snapshot, close.  @return as
 * query_run_env(), or the store's status. */
static int answer(const query_t *q, const conf_t *cf,
                  const query_sink_t *sink, query_result_t *res, err_t *err)
{
    store_t *st = NULL;
    store_txn_t *txn = NULL;
    int rc;

    rc = store_open(cf->database, STORE_RDONLY, &st, err);
    if (rc == 0) {
        rc = store_read_begin(st, &txn, err);
        if (rc == 0) {
            query_env_t env;
            memset(&env, 0, sizeof(env));
            env.source = cf->source;
            env.sources = &cf->query_sources;
            env.personal_limit = -1;
            rc = query_run_env(q, txn, &env, sink, res, err);
        }
        store_read_end(txn);
    }
    store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o = { NULL, 0, 0 };
    const query_extra_t extra = { "c:hV", on_opt, &o };
    const query_sink_t out = { stdout_write, stdout };
    query_result_t res = { .objects = 0, .kind = QUERY_E_NONE };
    query_t q;
    conf_t cf;
    err_t err = ERR_INIT;
    int rc;

    msg_open(PROG, MSG_STDERR);
    query_init(&q);
    rc = query_parse_argv(&q, argc - 1, argv + 1, &extra, &err);
    if (o.help) {
        usage(stdout);
        rc = EX_OK;
        goto leave;
    }
    if (o.version) {
        printf(PROG " " AUTODBM_VERSION "\n");
        rc = EX_OK;
        goto leave;
    }
    if (rc != 0) {
        msg_error("%s", err_text(&err));
        usage(stderr);
        rc = EX_USAGE;
        goto leave;
    }

    rc = conf_open(o.conf, &cf, &err);
    if (rc != 0) {
        msg_error("%s", err_text(&err));
        conf_free(&cf);
        rc = err_sysexit(rc);
        goto leave;
    }
    /* the store knows the mirrored sources -s may name */
    rc = answer(&q, &cf, &out, &res, &err);
    conf_free(&cf);
    if (rc == ERR_NOTFOUND && res.kind != QUERY_E_NONE)
        (void) query_write_error(&out, res.kind, &err);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = err_set(&err, ERR_IO, "writing the answer failed");

    if (rc == ERR_NOTFOUND) {
        rc = 1;
    } else if (rc != 0) {
        msg_error("%s", err_text(&err));
        rc = err_sysexit(rc);
    }
leave:
    query_free(&q);
    err_free(&err);
    return rc;
}
