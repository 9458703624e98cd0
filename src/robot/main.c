/*
 * main.c - autodbm: the update robot.  One mail on standard input
 * (as a Postfix pipe transport or a procmail/maildrop rule hands it
 * over), processed and answered.
 *
 * usage: autodbm [-c conf] [-n] [-p] [-t TIME]
 *
 * The flow: read the mail; parse it (robot/mailin.h) and archive it;
 * decide whether it may be answered at all (loop protection); hand its
 * pieces of update text, its origin and its Subject to the update
 * transaction (registry/submit.h), which in ONE write transaction
 * processes the objects, writes the ack and the notifications, queues all
 * outgoing mail in the store and records the mail as handled; commit;
 * then deliver what is queued and log the mail's one line.  If anything
 * fails before the commit, nothing is kept; what happens then is the
 * exit-code policy below.  Delivery failures after the commit leave the
 * mail queued for autodbm-flush; the exit status is still 0.
 *
 * Options:
 *   -n       dry run: process against the store, commit nothing, print
 *            the ack to stdout, send nothing
 *   -p       parse only: print each piece of update text preceded by
 *            "% piece N: CREDENTIALS"; change nothing, send nothing
 *   -t TIME  take TIME (ISO 8601 UTC, 2026-04-14T11:33:44Z) as now
 *
 * Exit status (sysexits, as pipe(8) reads it): 0 handled (also when
 * objects failed, and for mails dropped on purpose: bounces, loops,
 * no reply address); 75 try again later (also for an unreadable or
 * invalid configuration: the operator fixes it, the MTA keeps the mail);
 * 64 usage.
 *
 * Exit-code policy (submit_transient() decides it, in one place): 75 only
 * for causes that go away, so that the MTA's retry can succeed - the
 * store busy, locked, full or unwritable, a disk or read error, memory
 * (ERR_TEMP, ERR_IO, ERR_NOMEM), a configuration that does not read, a
 * store that cannot be opened or locked (no answer can be queued
 * without it).  A failure of the processing that would repeat on every
 * retry (a bug, a stored state the robot cannot read: ERR_STORE,
 * ERR_SOFTWARE, and ERR_NOTFOUND, ERR_SYNTAX, ... where they cannot
 * happen) is an internal error: nothing of the update is applied, the
 * sender gets a FAILED ack ("Unexpected error occurred ... (reference
 * REF)"), the mail is recorded as handled (a redelivery is not answered
 * again), the detail is logged with outcome=internal-error ref=REF and
 * the archive path of the mail (whose files are named after REF), and
 * the exit status is 0.  REF is a digest of the mail's identity.  Only
 * when that answer cannot be queued either is the status 75.
 */
#include <malloc.h>
#include <stdio.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "registry/conf.h"
#include "robot/robot.h"
#include "util/err.h"
#include "util/msg.h"
#include "util/timefmt.h"

static void usage(FILE *fp)
{
    fputs("usage: autodbm [-c conf] [-n] [-p] [-t TIME] < mail\n"
          "       autodbm -h | -V\n", fp);
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL, *time_opt = NULL;
    int parse_only = 0, dry = 0, c, rc;
    time_t now = time(NULL);
    /* Big buffers (a 10 MB mail, its parts, a large notification) go back
     * to the system when freed: malloc would otherwise raise its mmap
     * threshold after the first big free and keep them in the heap. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    while ((c = getopt(argc, argv, "c:npt:hV")) != -1) {
        switch (c) {
        case 'c': conf_opt = optarg; break;
        case 'n': dry = 1; break;
        case 'p': parse_only = 1; break;
        case 't': time_opt = optarg; break;
        case 'h': usage(stdout); return EX_OK;
        case 'V': printf("autodbm %s\n", AUTODBM_VERSION); return EX_OK;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }
    if (time_opt && timefmt_parse_iso8601(time_opt, &now) != 0) {
        msg_error("-t: expected a time like 2026-04-14T11:33:44Z");
        return EX_USAGE;
    }
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = 0;

    msg_open("autodbm", MSG_STDERR | MSG_SYSLOG);
    robot_t r;
    robot_init(&r, now, dry, parse_only, host);
    err_t err = ERR_INIT;

    if ((rc = conf_open(conf_opt, &r.conf, &err)) != 0) {
        /* the operator's to fix: the MTA keeps the mail meanwhile */
        r.unconfigured = 1;
        err_prefix(&err, "configuration");
        goto tempfail;
    }
    if ((rc = robot_read(&r, stdin, &err)) != 0)
        goto tempfail;
    rc = robot_parse(&r, &err);         /* and archived: a mail that is
                                           not archived is not handled */
    if (rc == ERR_SYNTAX) {
        char *why = xasprintf("not a mail (%s)", err_text(&err));
        robot_drop(&r, why);
        free(why);
        goto leave;
    }
    if (rc)
        goto tempfail;
    if (parse_only) {
        robot_print_pieces(&r);
        goto leave;
    }
    const char *why = robot_why_not_answer(&r);
    if (why && !dry) {
        robot_drop(&r, why);
        goto leave;
    }
    if ((rc = robot_submit(&r, &err)) != 0)
        goto tempfail;
    robot_answered(&r);
    goto leave;

tempfail:
    robot_tempfail(&r, &err);
leave:
    robot_deliver(&r);
    robot_log(&r);
    int ex = r.ex;
    robot_free(&r);
    err_free(&err);
    msg_close();
    return ex;
}
