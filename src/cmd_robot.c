/*
 * cmd_robot.c - autodbm: the update robot.  One mail on standard input
 * (as a Postfix pipe transport or a procmail/maildrop rule hands it
 * over), processed and answered.
 *
 * usage: autodbm [-c conf] [-n] [-p] [-t TIME]
 *
 * The flow (ARCHITECTURE.md): read the mail; parse it (mailin); decide
 * whether it may be answered at all (loop protection); split the update
 * text (update); then, in ONE write transaction: process the objects
 * (process), write the ack (report) and the notifications (notify),
 * queue all outgoing mail in the store (mailout) and record the mail as
 * handled; commit; then deliver what is queued.  If anything fails before
 * the commit, nothing is kept and the exit status is 75 so the MTA
 * retries.  Delivery failures after the commit leave the mail queued for
 * autodbm-flush; the exit status is still 0.
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
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "mailin.h"
#include "mailout.h"
#include "notify.h"
#include "process.h"
#include "report.h"
#include "store.h"
#include "update.h"

/* Everything one run works with; set up by main(). */
struct robot {
    conf_t conf;
    time_t now;
    int dry_run_opt;            /* -n */
    const char *host;
    mailin_msg_t *mail;
    upd_msg_t *upd;
    /* outputs of the write unit (rebuilt on every run of it) */
    proc_report_t *report;
    buf_t ack;
    char *ack_subject;
    notify_list_t notes;
    int already_handled;
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: autodbm [-c conf] [-n] [-p] [-t TIME] < mail\n"
                "       autodbm -h | -V\n");
}

static void logmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logmsg(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    syslog(prio, "%s", s);
    if (isatty(2) || getenv("AUTODBM_LOG_STDERR"))
        fprintf(stderr, "autodbm: %s\n", s);
    free(s);
}

/* Parse "2026-04-14T11:33:44Z".  Returns 0 or -1. */
static int parse_time(const char *s, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (e == NULL || (*e != 'Z' && *e != 0) || (*e == 'Z' && e[1] != 0))
        return -1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t;
    return 0;
}

static int read_all(FILE *fp, buf_t *b, err_t *err)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_put(b, chunk, n);
    if (ferror(fp))
        return err_set(err, ERR_IO, "reading the mail: %s", strerror(errno));
    return 0;
}

/* The reasons a mail is not answered (loop protection). NULL: answer it. */
static const char *why_not_answer(const struct robot *r)
{
    const mailin_msg_t *m = r->mail;
    if (m->is_bounce)
        return "a bounce or delivery report";
    if (m->auto_submitted && strcasecmp(m->auto_submitted, "no") != 0)
        return "Auto-Submitted";
    if (m->reply_addr == NULL)
        return "no usable reply address";
    if (strcasecmp(m->reply_addr, r->conf.robot_address) == 0 ||
        (m->from_addr && strcasecmp(m->from_addr, r->conf.robot_address) == 0))
        return "from the robot's own address";
    return NULL;
}

static void print_pieces(const mailin_msg_t *m)
{
    for (size_t i = 0; i < m->npieces; i++) {
        const mailin_piece_t *p = &m->pieces[i];
        printf("%% piece %zu: ", i + 1);
        if (cred_count(&p->creds, CRED_PGP) == 0) {
            printf("unsigned");
        } else {
            int first = 1;
            for (size_t k = 0; k < p->creds.n; k++) {
                const cred_t *c = &p->creds.v[k];
                if (c->kind != CRED_PGP)
                    continue;
                printf("%spgp %s %s", first ? "" : ",", c->fpr[0] ? c->fpr : "UNKNOWN",
                       cred_pgp_state_name(c->state));
                first = 0;
            }
        }
        printf("\n");
        fwrite(p->text, 1, p->len, stdout);
        if (p->len && p->text[p->len - 1] != '\n')
            putchar('\n');
    }
}

static void reset_outputs(struct robot *r)
{
    proc_report_free(r->report);
    r->report = NULL;
    buf_reset(&r->ack);
    free(r->ack_subject);
    r->ack_subject = NULL;
    notify_list_free(&r->notes);
    r->already_handled = 0;
}

static report_origin_t origin(const struct robot *r)
{
    report_origin_t o = {
        r->mail->from, r->mail->subject, r->mail->date,
        r->mail->reply_to ? r->mail->reply_to : r->mail->from, r->mail->message_id
    };
    return o;
}

/* The identity of a mail for redelivery detection. */
static char *mail_identity(const struct robot *r, const buf_t *raw)
{
    if (r->mail->message_id && *r->mail->message_id)
        return xasprintf("mid:%s", r->mail->message_id);
    /* FNV-1a 64 over the bytes: redeliveries are byte-identical */
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < raw->len; i++) {
        h ^= (unsigned char)raw->s[i];
        h *= 1099511628211ULL;
    }
    return xasprintf("fnv:%016llx:%zu", h, raw->len);
}

static int queue_one(store_txn_t *txn, const struct robot *r, enum mailout_kind kind,
                     const char *to, const char *subject, const char *body, err_t *err)
{
    mailout_msg_t m = {
        kind, r->conf.robot_address, to, subject, body,
        kind == MAILOUT_ACK ? r->mail->message_id : NULL, r->now
    };
    buf_t out;
    buf_init(&out);
    int rc = mailout_compose(&m, &out, err);
    if (rc == ERR_SYNTAX) {
        logmsg(LOG_WARNING, "not sending to unusable address: %s", err_text(err));
        rc = 0;
    } else if (rc == 0) {
        rc = mailout_queue(txn, to, out.s, out.len, err);
    }
    buf_free(&out);
    return rc;
}

/* Dry-run abort marker (a status no other code returns). */
#define ROBOT_ABORT (-1000)

struct unit_arg {
    struct robot *r;
    const char *identity;
    int queue_only;     /* second pass of a dry run: queue the ack only */
};

static int robot_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct unit_arg *u = arg;
    struct robot *r = u->r;
    int rc;
    if (!u->queue_only) {
        reset_outputs(r);
        buf_t seen;
        buf_init(&seen);
        rc = store_seen_get(txn, u->identity, &seen, err);
        buf_free(&seen);
        if (rc == 0) {
            r->already_handled = 1;
            return ROBOT_ABORT;
        }
        if (rc != ERR_NOTFOUND)
            return rc;

        proc_opts_t po = { r->conf.source, r->now, r->dry_run_opt, r->conf.allow_override,
                           r->conf.override_password, NULL, NULL };
        if ((rc = proc_run(txn, &po, r->upd, &r->report, err)) != 0)
            return rc;
        for (size_t i = 0; i < r->mail->diags.n; i++)
            diag_add(&r->report->global, r->mail->diags.v[i].sev, DIAG_OBJECT, "%s",
                     r->mail->diags.v[i].text);
        if (r->mail->npieces == 0 || upd_object_count(r->upd) == 0)
            if (diag_count(&r->report->global, DIAG_ERROR) == 0)
                diag_add(&r->report->global, DIAG_ERROR, DIAG_OBJECT, "No valid update found");
        report_origin_t o = origin(r);
        report_opts_t ro = { r->conf.source, AUTODBM_VERSION, r->host, r->now };
        report_ack(&o, r->report, &ro, &r->ack);
        r->ack_subject = report_subject(r->report, r->mail->subject);
        if (!r->report->dry_run) {
            notify_opts_t no = { r->conf.source, r->conf.robot_address, r->mail->from, r->now };
            if ((rc = notify_build(txn, r->report, &no, &r->notes, err)) != 0)
                return rc;
        }
        if (r->report->dry_run)
            return ROBOT_ABORT;     /* object changes are not kept */
    }
    if (r->dry_run_opt)
        return ROBOT_ABORT;
    rc = queue_one(txn, r, MAILOUT_ACK, r->mail->reply_addr, r->ack_subject, r->ack.s, err);
    for (size_t i = 0; rc == 0 && i < r->notes.n; i++)
        rc = queue_one(txn, r, MAILOUT_NOTIFY, r->notes.v[i].to, r->notes.v[i].subject,
                       r->notes.v[i].body, err);
    if (rc == 0) {
        char info[64];
        proc_counts_t pc;
        proc_count(r->report, &pc);
        int n = snprintf(info, sizeof info, "%ld ok=%u failed=%u", (long)r->now, pc.ok, pc.failed);
        rc = store_seen_put(txn, u->identity, info, (size_t)n, err);
    }
    return rc;
}

/* HELP/HOWTO: answer with the help text, process nothing. */
static int help_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct unit_arg *u = arg;
    struct robot *r = u->r;
    buf_t body;
    buf_init(&body);
    report_origin_t o = origin(r);
    report_opts_t ro = { r->conf.source, AUTODBM_VERSION, r->host, r->now };
    report_help(&o, &ro, &body);
    char *subject = xasprintf("Re: %s", r->mail->subject ? r->mail->subject : "");
    int rc = queue_one(txn, r, MAILOUT_ACK, r->mail->reply_addr, subject, body.s, err);
    if (rc == 0)
        rc = store_seen_put(txn, u->identity, "help", 4, err);
    free(subject);
    buf_free(&body);
    return rc;
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL, *time_opt = NULL;
    int parse_only = 0, dry = 0;
    int c;
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
    openlog("autodbm", LOG_PID, LOG_MAIL);

    struct robot r;
    memset(&r, 0, sizeof r);
    buf_init(&r.ack);
    r.dry_run_opt = dry;
    r.now = time(NULL);
    if (time_opt && parse_time(time_opt, &r.now) != 0) {
        fprintf(stderr, "autodbm: -t: expected a time like 2026-04-14T11:33:44Z\n");
        buf_free(&r.ack);
        return EX_USAGE;
    }
    char hostname[256];
    if (gethostname(hostname, sizeof hostname) != 0)
        snprintf(hostname, sizeof hostname, "localhost");
    hostname[sizeof hostname - 1] = 0;
    r.host = hostname;

    err_t err = ERR_INIT;
    int ex = EX_OK, rc;
    const char *cpath = conf_path(conf_opt);
    if (cpath)
        rc = conf_load(cpath, &r.conf, &err);
    else {
        conf_defaults(&r.conf);
        rc = 0;
    }
    if (rc) {
        logmsg(LOG_ERR, "%s", err_text(&err));
        fprintf(stderr, "autodbm: %s\n", err_text(&err));
        conf_free(&r.conf);
        err_free(&err);
        buf_free(&r.ack);
        /* A broken configuration is the operator's to fix: keep the mail. */
        return EX_TEMPFAIL;
    }

    buf_t raw;
    buf_init(&raw);
    store_t *st = NULL;
    char *identity = NULL;
    mailin_init();
    if ((rc = read_all(stdin, &raw, &err)) != 0) {
        logmsg(LOG_ERR, "%s", err_text(&err));
        ex = EX_TEMPFAIL;
        goto leave;
    }
    mailin_opts_t mo = { r.now, r.conf.gnupg_home, 0, 0, r.conf.signature_max_age };
    rc = mailin_parse(raw.s, raw.len, &mo, &r.mail, &err);
    if (rc == ERR_SYNTAX) {
        logmsg(LOG_NOTICE, "dropped: not a mail (%s)", err_text(&err));
        goto leave;
    }
    if (rc) {
        logmsg(LOG_ERR, "%s", err_text(&err));
        ex = EX_TEMPFAIL;
        goto leave;
    }
    if (parse_only) {
        print_pieces(r.mail);
        goto leave;
    }
    const char *why = why_not_answer(&r);
    if (why && !dry) {
        logmsg(LOG_NOTICE, "dropped: %s: message-id=%s from=%s", why,
               r.mail->message_id ? r.mail->message_id : "none",
               r.mail->from_addr ? r.mail->from_addr : "none");
        goto leave;
    }

    upd_piece_t *pieces = xcalloc(r.mail->npieces + 1, sizeof *pieces);
    for (size_t i = 0; i < r.mail->npieces; i++) {
        pieces[i].text = r.mail->pieces[i].text;
        pieces[i].len = r.mail->pieces[i].len;
        pieces[i].creds = &r.mail->pieces[i].creds;
    }
    rc = upd_split(pieces, r.mail->npieces, r.mail->subject, &r.upd, &err);
    free(pieces);
    if (rc) {
        logmsg(LOG_ERR, "%s", err_text(&err));
        ex = EX_TEMPFAIL;
        goto leave;
    }

    if ((rc = store_open_size(r.conf.database, 0, r.conf.map_size, &st, &err)) != 0) {
        logmsg(LOG_ERR, "store: %s", err_text(&err));
        ex = EX_TEMPFAIL;
        goto leave;
    }
    identity = mail_identity(&r, &raw);
    struct unit_arg ua = { &r, identity, 0 };
    int help = r.upd->keyword == UPD_KW_HELP || r.upd->keyword == UPD_KW_HOWTO;
    if (help && !dry) {
        rc = store_write(st, help_unit, &ua, &err);
    } else {
        rc = store_write(st, robot_unit, &ua, &err);
        if (rc == ROBOT_ABORT && !r.already_handled && !dry) {
            /* a dry run: the object changes were dropped; queue the ack */
            ua.queue_only = 1;
            rc = store_write(st, robot_unit, &ua, &err);
        } else if (rc == ROBOT_ABORT) {
            rc = 0;
        }
    }
    if (rc) {
        logmsg(LOG_ERR, "message-id=%s: %s", r.mail->message_id ? r.mail->message_id : "none",
               err_text(&err));
        ex = EX_TEMPFAIL;
        goto leave;
    }
    if (r.already_handled) {
        logmsg(LOG_NOTICE, "message-id=%s: already handled, not applied again",
               r.mail->message_id ? r.mail->message_id : "none");
        goto leave;
    }
    if (dry) {
        if (help) {
            report_origin_t o = origin(&r);
            report_opts_t ro = { r.conf.source, AUTODBM_VERSION, r.host, r.now };
            report_help(&o, &ro, &r.ack);
        } else {
            printf("Subject: %s\n\n", r.ack_subject);
        }
        fwrite(r.ack.s, 1, r.ack.len, stdout);
        goto leave;
    }
    if (r.report) {
        proc_counts_t pc;
        proc_count(r.report, &pc);
        logmsg(LOG_INFO, "message-id=%s from=%s objects=%u ok=%u failed=%u notifications=%zu%s",
               r.mail->message_id ? r.mail->message_id : "none", r.mail->reply_addr,
               pc.found, pc.ok, pc.failed, r.notes.n, r.report->dry_run ? " dry-run" : "");
    }
    mailout_stats_t ms = { 0, 0 };
    rc = mailout_flush(st, &r.conf, &ms, &err);
    if (rc)
        logmsg(LOG_WARNING, "delivery: %u delivered, %u left queued: %s", ms.delivered,
               ms.deferred, err_text(&err));
leave:
    store_close(st);
    free(identity);
    reset_outputs(&r);
    upd_msg_free(r.upd);
    mailin_free(r.mail);
    mailin_shutdown();
    buf_free(&r.ack);
    buf_free(&raw);
    conf_free(&r.conf);
    err_free(&err);
    closelog();
    return ex;
}
