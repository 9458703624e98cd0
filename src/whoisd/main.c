/*
 * main.c - autodbm-whoisd: the query server of the registry.
 *
 *   autodbm-whoisd [-c conf] [-f]
 *
 * Listens on whois_listen (port 43 style: RIPE-style queries and IRRd's
 * "!" commands on one port; see whoisd/server.h), reads the store the
 * robot writes (a read transaction per answer, so a commit is seen by
 * the next query).  Without -f it becomes a daemon (after binding, so
 * that a bad address is reported on standard error) and logs to syslog;
 * with -f it stays in the foreground and logs to standard error as well
 * (for systemd).  SIGTERM drains and exits 0; SIGHUP reopens the log.
 *
 * Exit status: 0 after SIGTERM; 64 for usage errors; 78 for a bad
 * configuration or a listening address that does not resolve; 71 when a
 * socket cannot be bound, the store's directory cannot be read or the
 * event loop fails; 75 when the store is busy, 70 when it cannot be
 * opened otherwise (sysexits.h).  All but the last are found before the
 * program becomes a daemon.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/err.h"
#include "util/msg.h"
#include "registry/conf.h"
#include "whoisd/server.h"

#ifndef AUTODBM_VERSION
#define AUTODBM_VERSION "unknown"
#endif

#define PROG "autodbm-whoisd"

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: " PROG " [-c conf] [-f]\n"
            "  -c FILE   configuration file\n"
            "  -f        stay in the foreground, log to standard error too\n"
            "  -h        this help\n"
            "  -V        version\n");
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL;
    int foreground = 0;
    int c, rc, dest;
    conf_t cf;
    err_t err = ERR_INIT;
    whoisd_t *w = NULL;

    while ((c = getopt(argc, argv, "c:fhV")) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'f': foreground = 1; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf(PROG " " AUTODBM_VERSION "\n"); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    msg_open(PROG, MSG_STDERR);
    dest = foreground ? MSG_STDERR | MSG_SYSLOG : MSG_SYSLOG;
    rc = conf_open(conf_opt, &cf, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        err_free(&err);
        conf_free(&cf);
        return EX_CONFIG;
    }
    rc = whoisd_listen(&cf, PROG, dest, &w, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        err_free(&err);
        conf_free(&cf);
        return rc == ERR_CONF ? EX_CONFIG : rc == ERR_IO ? EX_OSERR :
               err_sysexit(rc);
    }
    signal(SIGPIPE, SIG_IGN);
    if (!foreground && daemon(0, 0) != 0) {
        msg_error("cannot become a daemon: %m");
        whoisd_free(w);
        conf_free(&cf);
        return EX_OSERR;
    }
    msg_close();
    msg_open(PROG, dest);
    if (rc == 0)
        rc = whoisd_run(w, &err);
    if (rc)
        msg_error("%s", err_text(&err));
    whoisd_free(w);
    conf_free(&cf);
    err_free(&err);
    msg_close();
    return rc == 0 ? EX_OK : rc == ERR_IO ? EX_OSERR : err_sysexit(rc);
}
