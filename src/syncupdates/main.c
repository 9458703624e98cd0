/*
 * main.c - autodbm-syncupdates: syncupdates, the update robot over HTTP,
 * as a CGI/1.1 program (RFC 3875) that any web server can run.  One
 * request: its update text goes through the same update transaction as a
 * mail's (registry/submit.h), the ack is the response, the notifications
 * are queued and delivered as the robot does.
 *
 * usage: autodbm-syncupdates [-c conf]   (run by the web server)
 *
 * The flow: read the request (the CGI environment and the body, at most
 * sync_max_request_size bytes) and make RIPE's checks before an update
 * (syncupdates/sync.h: 405, 408, 415, 413, 403, 400); read DATA as the robot
 * reads a text part (registry/textin.h: inline clearsigned blocks are
 * verified over the bytes received, in the request's charset); hand its
 * pieces, the origin (the client's address: REMOTE_ADDR, or from a
 * trusted proxy X-Forwarded-For or its ORIGIN parameter) and the
 * keywords (HELP, NEW) to the update transaction, which in ONE write
 * transaction processes the objects, writes the ack and queues the
 * notifications; commit; release the store's writer lock; respond 200
 * with the ack (a client slow to read it holds no lock); deliver what is
 * queued; log the request's one line.  A store busy past lock_timeout
 * (or full) is 503 with Retry-After and nothing changed; a configuration
 * that does not read, or an update that cannot be answered, 500.
 *
 * Configuration: -c FILE, else $AUTODBM_CONF, else the default path
 * (registry/conf.h); keys of its own: sync_max_request_size,
 * sync_max_parts, sync_max_part_header_size, sync_read_timeout,
 * sync_trusted_proxies,
 * sync_allow_get, sync_keep_unicode
 * (contrib/man/autodbm.conf.5).
 *
 * Exit status: 0 once a response was written (whatever its status); 64
 * usage.
 */
#include <malloc.h>
#include <stdio.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "registry/conf.h"
#include "syncupdates/sync.h"
#include "util/err.h"
#include "util/msg.h"

static void usage(FILE *fp)
{
    fputs("usage: autodbm-syncupdates [-c conf]   (a CGI program: the request in the\n"
          "       CGI environment and on standard input, the response on standard output)\n"
          "       autodbm-syncupdates -h | -V\n", fp);
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL;
    int c;
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    while ((c = getopt(argc, argv, "c:hV")) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf("autodbm-syncupdates %s\n", AUTODBM_VERSION); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    /* a CGI program gets no arguments; a server may pass a search string */
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = 0;

    msg_open("autodbm-syncupdates", MSG_STDERR | MSG_SYSLOG);
    sync_t s;
    sync_init(&s, time(NULL), host);
    sync_env(&s);
    err_t err = ERR_INIT;

    if (conf_open(conf_opt, &s.conf, &err) != 0) {
        s.unconfigured = 1;
        err_prefix(&err, "configuration");
        sync_failed(&s, &err);
        goto leave;
    }
    if (!sync_check(&s, stdin))
        goto leave;
    if (sync_submit(&s, &err) != 0) {
        sync_failed(&s, &err);
        goto leave;
    }
    sync_answered(&s);

leave:
    sync_release(&s);       /* never held while a client reads the response */
    sync_respond(&s, stdout);
    sync_deliver(&s);
    sync_log(&s);
    sync_free(&s);
    err_free(&err);
    msg_close();
    return EX_OK;
}
