/*
 * main.c - autodbm-flush: deliver the mail still queued in the store
 * (after an SMTP outage or a crash between commit and delivery).  Safe to
 * run from cron and concurrently with the robot: deliveries are
 * serialised by a lock file, a message leaves the queue only once it was
 * delivered.
 *
 * usage: autodbm-flush [-c conf] [-q]
 *
 * Prints "delivered N, left queued M" unless -q.  Exit status: 0 when the
 * queue is empty afterwards, 75 (EX_TEMPFAIL) when messages stay queued,
 * 78 for configuration errors, 64 for usage errors.
 */
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "registry/conf.h"
#include "util/err.h"
#include "registry/mailout.h"
#include "util/msg.h"
#include "store/store.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: autodbm-flush [-c conf] [-q]\n       autodbm-flush -h | -V\n");
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL;
    int quiet = 0, c;
    msg_open("autodbm-flush", MSG_STDERR | MSG_SYSLOG);
    while ((c = getopt(argc, argv, "c:qhV")) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf("autodbm-flush %s\n", AUTODBM_VERSION); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    conf_t conf;
    err_t err = ERR_INIT;
    int rc = conf_open(conf_opt, &conf, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        conf_free(&conf);
        err_free(&err);
        msg_close();
        return err_sysexit(rc);     /* ERR_CONF: EX_CONFIG */
    }
    int ex = EX_OK;
    store_t *st = NULL;
    mailout_init();
    rc = store_open_size(conf.database, 0, conf.map_size, &st, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        ex = EX_TEMPFAIL;
    } else {
        mailout_stats_t ms = { 0, 0 };
        rc = store_lock(st, (int)conf.lock_timeout, &err);
        if (rc == 0) {
            store_unlock(st);   /* the store is not stuck: go on */
            rc = mailout_flush(st, &conf, &ms, &err);
        }
        if (!quiet)
            printf("delivered %u, left queued %u\n", ms.delivered, ms.deferred);
        if (rc) {
            msg_error("%s", err_text(&err));
            ex = EX_TEMPFAIL;
        }
    }
    store_close(st);
    mailout_shutdown();
    msg_close();
    conf_free(&conf);
    err_free(&err);
    return ex;
}
