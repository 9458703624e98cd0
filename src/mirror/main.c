/*
 * main.c - autodbm-mirror: keep mirrored sources up to date from other
 * registries' NRTM v3 servers (the client, include/mirror/client.h).
 *
 *   autodbm-mirror [-c conf] [-f] [--once] [SOURCE...]
 *
 * Mirrors the sources of the configuration's `mirror` lines (or those
 * named, by their local name).  As a daemon (the default) it keeps one
 * persistent (-k) connection per source, one process per source when
 * there are several; with -f it stays in the foreground and logs to
 * standard error as well (systemd).  --once asks each source once for
 * what is new (without -k), applies it and exits: for cron.
 * SIGTERM (and SIGINT) stop it cleanly: what was not committed is
 * dropped and asked for again next time.
 *
 * Exit status: 0; 64 usage; 78 configuration (no or unknown mirror
 * lines, a mirror line for the registry's own source; --once: the server refused the request as misconfigured); 65
 * when a source needs a fresh dump (history gone); 75 (--once) when an
 * attempt failed (connection, timeout, a refused stream), or the store
 * is busy; 70 when the store cannot be opened (sysexits.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "mirror/client.h"
#include "registry/conf.h"
#include "store/store.h"
#include "util/err.h"
#include "util/msg.h"
#include "util/strv.h"

#ifndef AUTODBM_VERSION
#define AUTODBM_VERSION "unknown"
#endif

#define PROG "autodbm-mirror"

/* Set by the SIGTERM/SIGINT handler: the one piece of state main() sets
 * up for the client loops. */
static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: " PROG " [-c conf] [-f] [--once] [SOURCE...]\n"
            "  -c FILE   configuration file\n"
            "  -f        stay in the foreground, log to standard error too\n"
            "  --once    ask each source once (no -k), apply, exit (cron)\n"
            "  -h        this help\n"
            "  -V        version\n"
            "SOURCE: the local name of a mirror line (default: all of them)\n");
}

/* The exit status of one source's run. */
static int status_of(int r)
{
    switch (r) {
    case MIRROR_CLIENT_DONE: return EX_OK;
    case MIRROR_CLIENT_FAILED: return EX_TEMPFAIL;
    case MIRROR_CLIENT_HISTORY: return EX_DATAERR;
    case MIRROR_CLIENT_CONFIG: return EX_CONFIG;
    default: return -r == ERR_CONF ? EX_CONFIG : err_sysexit(-r);
    }
}

/* Mirror the sources @lines in this process, one after the other. */
static int run_here(const conf_t *cf, const strv_t *lines, int once)
{
    store_t *st = NULL;
    err_t err = ERR_INIT;
    int rc = store_open_size(cf->database, 0, cf->map_size, &st, &err);
    if (rc) {
        msg_error("%s", err_text(&err));
        err_free(&err);
        return rc == ERR_TEMP ? EX_TEMPFAIL : EX_SOFTWARE;
    }
    int worst = EX_OK;
    for (size_t i = 0; i < lines->n && !stopping; i++) {
        int r = mirror_client_run(cf, st, lines->v[i], once, &stopping, &err);
        if (r < 0)
            msg_error("%s", err_text(&err));
        err_free(&err);
        int ex = status_of(r);
        if (ex != EX_OK)
            worst = ex;
    }
    store_close(st);
    return worst;
}

/* One process per source; stop them all on SIGTERM. */
static int run_children(const conf_t *cf, const strv_t *lines)
{
    pid_t *pids = xcalloc(lines->n, sizeof *pids);
    int worst = EX_OK;
    for (size_t i = 0; i < lines->n; i++) {
        pid_t p = fork();
        if (p < 0) {
            msg_error("fork: %m");
            worst = EX_OSERR;
            stopping = 1;
            break;
        }
        if (p == 0) {
            strv_t one;
            strv_init(&one);
            strv_add(&one, lines->v[i]);
            int ex = run_here(cf, &one, 0);
            strv_free(&one);
            _exit(ex);
        }
        pids[i] = p;
    }
    size_t left = 0;
    for (size_t i = 0; i < lines->n; i++)
        left += pids[i] > 0;
    int forwarded = 0;
    while (left > 0) {
        if (stopping && !forwarded) {
            for (size_t i = 0; i < lines->n; i++)
                if (pids[i] > 0)
                    kill(pids[i], SIGTERM);
            forwarded = 1;
        }
        int ws;
        pid_t p = waitpid(-1, &ws, 0);
        if (p < 0)
            continue;           /* EINTR: look at stopping again */
        for (size_t i = 0; i < lines->n; i++)
            if (pids[i] == p) {
                pids[i] = 0;
                left--;
                int ex = WIFEXITED(ws) ? WEXITSTATUS(ws) : EX_SOFTWARE;
                if (ex != EX_OK) {
                    msg_warn("the process of %s ended with status %d", lines->v[i], ex);
                    worst = ex;
                }
            }
    }
    free(pids);
    return worst;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "once", no_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 }
    };
    const char *conf_opt = NULL;
    int foreground = 0, once = 0, c;
    conf_t cf;
    err_t err = ERR_INIT;

    while ((c = getopt_long(argc, argv, "c:fhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'f': foreground = 1; break;
        case 'o': once = 1; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf(PROG " " AUTODBM_VERSION "\n"); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    msg_open(PROG, MSG_STDERR);
    if (conf_open(conf_opt, &cf, &err) != 0) {
        msg_error("%s", err_text(&err));
        err_free(&err);
        conf_free(&cf);
        return EX_CONFIG;
    }
    strv_t lines;
    strv_init(&lines);
    int ex = EX_OK;
    if (optind == argc) {
        for (size_t i = 0; i < cf.mirror.n; i++)
            strv_add(&lines, cf.mirror.v[i]);
    }
    for (int i = optind; i < argc; i++) {
        const char *l = conf_mirror_find(&cf, argv[i]);
        if (l == NULL) {
            msg_error("%s: no mirror line for source %s", cf.path ? cf.path : "defaults",
                      argv[i]);
            ex = EX_CONFIG;
        } else {
            strv_add(&lines, l);
        }
    }
    for (size_t i = 0; i < lines.n && ex == EX_OK; i++) {
        conf_mirror_t m;
        if (conf_mirror_parse(lines.v[i], &m, NULL) == 0 &&
            strcasecmp(m.local, cf.source) == 0) {
            msg_error("%s: mirror line \"%s\": %s is this registry's own source",
                      cf.path ? cf.path : "defaults", lines.v[i], m.local);
            ex = EX_CONFIG;
        }
        conf_mirror_free(&m);
    }
    if (ex == EX_OK && lines.n == 0) {
        msg_error("%s: no mirror lines: nothing to mirror", cf.path ? cf.path : "defaults");
        ex = EX_CONFIG;
    }
    if (ex != EX_OK)
        goto leave;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int dest = foreground || once ? MSG_STDERR | MSG_SYSLOG : MSG_SYSLOG;
    if (!foreground && !once && daemon(0, 0) != 0) {
        msg_error("cannot become a daemon: %m");
        ex = EX_OSERR;
        goto leave;
    }
    msg_close();
    msg_open(PROG, dest);
    if (once || lines.n == 1)
        ex = run_here(&cf, &lines, once);
    else
        ex = run_children(&cf, &lines);
leave:
    strv_free(&lines);
    conf_free(&cf);
    msg_close();
    return ex;
}
