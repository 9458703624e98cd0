/*
 * main.c - autodbm: the update robot.  One mail on standard input
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
 * the commit, nothing is kept; what happens then is the exit-code policy
 * below.  Delivery failures after the commit leave the mail queued for
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
 *
 * Exit-code policy (robot_transient() decides it, in one place): 75 only
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
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "registry/archive.h"
#include "registry/authz.h"
#include "util/buf.h"
#include "registry/conf.h"
#include "registry/cred.h"
#include "util/err.h"
#include "registry/keyring.h"
#include "util/logline.h"
#include "util/hash.h"
#include "util/msg.h"
#include "robot/mailin.h"
#include "registry/mailout.h"
#include "registry/notify.h"
#include "registry/process.h"
#include "registry/report.h"
#include "registry/rules.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "store/seen.h"
#include "util/strv.h"
#include "registry/update.h"

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
    pgp_t *pgp;                 /* key-cert keys (issue 4); NULL unless the
                                   update holds a key-cert object */
    int already_handled;
    int mid_reused;             /* the Message-ID came with another mail before */
    buf_t ack_raw;              /* the composed ack as queued (archive) */
    const char *limit;          /* why the mail is beyond a limit, or NULL */
    const char *ref;            /* the reference of this run (mail_ref()) */
    buf_t logextra;             /* more pairs of the one log line (logline_kv()) */
    long seen_time;             /* already_handled: when (0: not recorded) */
    char *seen_info;            /* already_handled: the rest of its record */
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: autodbm [-c conf] [-n] [-p] [-t TIME] < mail\n"
                "       autodbm -h | -V\n");
}

/*
 * Exit 75: the one line on standard error that the MTA shows as the
 * reason it keeps the mail (Postfix pipe(8) puts it in the deferral,
 * mailq shows it): "autodbm: temporary failure: REASON", on one line.
 */
static void say_tempfail(const char *reason)
{
    fputs("autodbm: temporary failure: ", stderr);
    for (const unsigned char *p = (const unsigned char *)(reason ? reason : "unknown"); *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, stderr);
    fputc('\n', stderr);
}

/*
 * autodbm -n of a mail handled before: there is no ack to show, say why
 * on standard error: "autodbm: already handled on TIME (RECORD): ...".
 */
static void say_handled(const struct robot *r)
{
    char when[32] = "";
    time_t t = (time_t)r->seen_time;
    struct tm tm;
    if (t > 0 && gmtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, " on %Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "autodbm: already handled%s (%s): a redelivery of this mail is "
            "neither applied nor answered again; nothing to show\n",
            when[0] ? when : " (when is not recorded)",
            r->seen_info && *r->seen_info ? r->seen_info : "no record");
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

/*
 * Read the mail: at most @limit + 1 bytes are kept.  *@over is set when
 * the mail is larger than @limit; the rest of the input is then read and
 * thrown away (up to DRAIN_MAX bytes, in a fixed-size chunk) so that the
 * MTA writing into our pipe sees no broken pipe.
 */
#define DRAIN_MAX ((unsigned long long)4 << 30)

static int read_bounded(FILE *fp, size_t limit, buf_t *b, int *over, err_t *err)
{
    char chunk[65536];
    size_t n;
    *over = 0;
    /* A file on stdin says how big it is: one allocation of that size
     * instead of doubling growth (a pipe reads as it comes). */
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        off_t pos = ftello(fp);
        size_t hint = (size_t)sb.st_size - (pos > 0 && pos <= sb.st_size ? (size_t)pos : 0);
        buf_reserve(b, (hint < limit ? hint : limit) + 1);
    }
    while (b->len <= limit) {
        size_t want = limit + 1 - b->len;
        if (want > sizeof chunk)
            want = sizeof chunk;
        if ((n = fread(chunk, 1, want, fp)) == 0)
            break;
        buf_put(b, chunk, n);
    }
    if (b->len > limit) {
        *over = 1;
        unsigned long long drained = 0;
        while (drained < DRAIN_MAX && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
            drained += n;
    }
    if (ferror(fp))
        return err_set(err, ERR_IO, "reading the mail: %s", strerror(errno));
    return 0;
}

/* The length of the header block of @raw (up to and including the blank
 * line), or @len when there is no blank line. */
static size_t header_block_len(const char *raw, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (raw[i] != '\n')
            continue;
        if (raw[i + 1] == '\n')
            return i + 2;
        if (raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')
            return i + 3;
    }
    return len;
}

/*
 * The limits on the update text (conf.h): line length, paragraph (object)
 * size and the number of paragraphs over the pieces, before anything is
 * split.  Returns a malloc'd reason or NULL.
 */
static char *text_limit(const mailin_msg_t *m, const conf_t *c)
{
    size_t nparas = 0;
    for (size_t i = 0; i < m->npieces; i++) {
        const char *s = m->pieces[i].text, *end = s + m->pieces[i].len;
        size_t para = 0;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            const char *le = nl ? nl : end;
            size_t ll = (size_t)(le - s);
            if (ll > c->max_line_length)
                return xasprintf("a line of the update text is longer than %zu bytes "
                                 "(max_line_length)", c->max_line_length);
            int blank = 1;
            for (const char *p = s; p < le; p++)
                if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\f' && *p != '\v') {
                    blank = 0;
                    break;
                }
            if (!blank && para == 0 && ++nparas > c->max_paragraphs)
                return xasprintf("the update text holds more than %u paragraphs "
                                 "(max_paragraphs)", c->max_paragraphs);
            para = blank ? 0 : para + ll + 1;
            if (para > c->max_object_size)
                return xasprintf("an object (paragraph) is larger than %zu bytes "
                                 "(max_object_size)", c->max_object_size);
            s = nl ? nl + 1 : end;
        }
    }
    return NULL;
}

/* The limits on the split update: objects and passwords.  Malloc'd reason or NULL. */
static char *update_limit(const upd_msg_t *u, const conf_t *c)
{
    size_t nobj = upd_object_count(u);
    if (nobj > c->max_objects)
        return xasprintf("the mail holds %zu objects, more than %u (max_objects)", nobj,
                         c->max_objects);
    size_t npw = 0;
    for (size_t i = 0; i < u->npieces; i++)
        npw += cred_count(&u->creds[i], CRED_PASSWORD);
    if (npw > c->max_passwords)
        return xasprintf("the mail holds %zu password: lines, more than %u (max_passwords)",
                         npw, c->max_passwords);
    return NULL;
}

/* The reason in the Precedence: value @v (its first word: bulk, junk or
 * list) not to answer, or NULL. */
static const char *precedence_reason(const char *v)
{
    static const char *const why[][2] = {
        { "bulk", "Precedence: bulk" }, { "junk", "Precedence: junk" },
        { "list", "Precedence: list" },
    };
    if (v == NULL)
        return NULL;
    size_t n = strcspn(v, " \t;(");
    for (size_t i = 0; i < sizeof why / sizeof *why; i++)
        if (n == strlen(why[i][0]) && strncasecmp(v, why[i][0], n) == 0)
            return why[i][1];
    return NULL;
}

/* Whether one of the X-Loop: values names @addr (as a bare address or
 * in any address form). */
static int x_loop_names(const strv_t *loops, const char *addr)
{
    for (size_t i = 0; i < loops->n; i++) {
        char *a = mailin_address(loops->v[i]);
        int hit = strcasecmp(a ? a : loops->v[i], addr) == 0;
        free(a);
        if (hit)
            return 1;
    }
    return 0;
}

/*
 * The reasons a mail is not answered (loop protection, RFC 3834 section 2
 * and common practice). NULL: answer it.  A mail that is not answered is
 * not processed either: every change the robot makes is acknowledged to
 * its sender, and an update in list traffic or an automatic mail (a
 * list that carries the robot's address, a vacation reply quoting an
 * update) is not a request from its author.
 */
static const char *why_not_answer(const struct robot *r)
{
    const mailin_msg_t *m = r->mail;
    const char *why;
    if (m->is_bounce)
        return "a bounce or delivery report";
    if (m->auto_submitted && strcasecmp(m->auto_submitted, "no") != 0)
        return "Auto-Submitted";
    if ((why = precedence_reason(m->precedence)) != NULL)
        return why;
    if (m->list_id)
        return "List-Id: mailing-list traffic";
    if (m->autoreply)
        return "X-Autoreply or X-Autorespond: an auto-responder";
    if (x_loop_names(&m->x_loop, r->conf.robot_address))
        return "X-Loop names the robot's address";
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
    buf_reset(&r->ack_raw);
}

static report_origin_t origin(const struct robot *r)
{
    report_origin_t o = {
        r->mail->from, r->mail->subject, r->mail->date,
        r->mail->reply_to ? r->mail->reply_to : r->mail->from, r->mail->message_id
    };
    return o;
}

/*
 * Header fields that a delivery adds or rewrites on its way in, so that
 * two deliveries of one mail differ in them: the trace fields (RFC 5321
 * 4.4, RFC 5322 3.6.7), what Postfix local/pipe(8), procmail, maildrop
 * and Exim add for the recipient and the envelope, and the verdicts of
 * receiving filters.  None of them is read by the robot except
 * Return-Path (a null sender is a bounce, which is dropped before
 * anything is recorded).  A name ending in '-' is a prefix.
 */
static const char *const delivery_fields[] = {
    "Received", "Return-Path", "Delivered-To", "X-Original-To", "Envelope-To",
    "X-Envelope-From", "X-Envelope-To", "Received-SPF", "Authentication-Results",
    "ARC-", "X-Spam-", "X-Virus-",
};

/* Whether the header field named [@s, @s + @n) is a delivery field. */
static int delivery_field(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof delivery_fields / sizeof *delivery_fields; i++) {
        const char *f = delivery_fields[i];
        size_t fl = strlen(f);
        if (f[fl - 1] == '-' ? n > fl && strncasecmp(s, f, fl) == 0
                             : n == fl && strncasecmp(s, f, fl) == 0)
            return 1;
    }
    return 0;
}

/* Add [@s, @s + @n) to @ck with every CR before an LF left out. */
static void digest_put(GChecksum *ck, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *cr = memchr(s, '\r', (size_t)(end - s));
        if (cr == NULL || cr + 1 == end || cr[1] != '\n') {
            const char *to = cr ? cr + 1 : end;
            g_checksum_update(ck, (const guchar *)s, (gssize)(to - s));
            s = to;
            continue;
        }
        g_checksum_update(ck, (const guchar *)s, (gssize)(cr - s));
        s = cr + 1;
    }
}

/*
 * The identity of a mail for redelivery detection: "mail:" and the
 * SHA-256 (hex) of the mail as its sender wrote it, which is the same
 * for every delivery of it: without mbox envelope lines ("From ",
 * ">From ") before the headers, without the delivery_fields[] anywhere
 * in the header block, with CR LF line ends read as LF.  The original
 * headers (Message-ID, Date, From, ...) and the body are all in it, so a
 * different mail reusing a Message-ID has another identity.
 */
static char *mail_identity(const char *raw, size_t len)
{
    const char *s = raw ? raw : "", *end = s + len;
    while ((end - s >= 5 && memcmp(s, "From ", 5) == 0) ||
           (end - s >= 6 && memcmp(s, ">From ", 6) == 0)) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    /* the header block: one field (its line and continuation lines) at a time */
    while (s < end && *s != '\n' && !(*s == '\r' && end - s > 1 && s[1] == '\n')) {
        const char *f = s;
        do {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            s = nl ? nl + 1 : end;
        } while (s < end && (*s == ' ' || *s == '\t'));
        const char *ne = f;
        while (ne < s && *ne != ':' && (unsigned char)*ne > ' ')
            ne++;
        if (!delivery_field(f, (size_t)(ne - f)))
            digest_put(ck, f, (size_t)(s - f));
    }
    digest_put(ck, s, (size_t)(end - s));     /* the blank line and the body */
    char *id = xasprintf("mail:%s", g_checksum_get_string(ck));
    g_checksum_free(ck);
    return id;
}

/* Compose and queue one message, written straight into the queue.  With
 * @owned (the body, malloc'd) the body is freed (*@owned set to NULL) once
 * queued. */
static int queue_one(store_txn_t *txn, struct robot *r, enum mailout_kind kind,
                     const char *to, const char *subject, const char *body, char **owned,
                     err_t *err)
{
    mailout_msg_t m = {
        kind, r->conf.robot_address, to, subject, body,
        kind == MAILOUT_ACK ? r->mail->message_id : NULL, r->now
    };
    if (kind == MAILOUT_ACK)
        buf_reset(&r->ack_raw);
    int rc = mailout_compose_queue(txn, &m, kind == MAILOUT_ACK ? &r->ack_raw : NULL, err);
    if (owned != NULL) {
        free(*owned);
        *owned = NULL;
    }
    if (rc == ERR_SYNTAX) {
        logline_kv(&r->logextra, "unusable-address", "%s", err_text(err));
        err_free(err);
        rc = 0;
    }
    return rc;
}

/* Queue one notification: its objects are parts shared with the other
 * addresses told about them (mailout.h), queued once. */
static int queue_note(store_txn_t *txn, struct robot *r, notify_mail_t *n, err_t *err)
{
    mailout_msg_t m = { MAILOUT_NOTIFY, r->conf.robot_address, n->to, n->subject, NULL, NULL,
                        r->now };
    int rc = mailout_compose_queue_segs(txn, &m, n->segs, n->nsegs, r->notes.parts, err);
    if (rc == ERR_SYNTAX) {
        logline_kv(&r->logextra, "unusable-address", "%s", err_text(err));
        err_free(err);
        rc = 0;
    }
    return rc;
}

/*
 * The ack and the notifications are written: the objects of the report
 * are not needed any more (only the counts are, and the old version of a
 * key-cert for keycert_after_commit()), so they are not held while the
 * outgoing mail is queued.  A rerun of the unit rebuilds the report.
 */
static void drop_objects(proc_report_t *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        proc_result_t *x = &rep->v[i];
        if (x->cls == SC_KEY_CERT)
            continue;
        if (x->submitted != NULL)
            x->submitted_nattrs = x->submitted->nattrs;
        rpsl_obj_free(x->submitted);
        rpsl_obj_free(x->stored);
        rpsl_obj_free(x->old);
        x->submitted = x->stored = x->old = NULL;
    }
}

/* Dry-run abort marker (a status no other code returns). */
#define ROBOT_ABORT (-1000)

struct unit_arg {
    struct robot *r;
    const char *identity;   /* mail_identity() */
    const char *mid_key;    /* "mid:" and the Message-ID, or NULL */
    int mid_seen;           /* seen_check(): mid_key is recorded already */
    int queue_only;     /* second pass of a dry run: queue the ack only */
};

/*
 * How long a record of the Message-ID alone (written before the
 * identity was a digest of the mail) still stands for that mail: the
 * longest time an MTA keeps retrying (Postfix maximal_queue_lifetime is
 * 5 days), with a margin.  Older ones are not honoured, so that a
 * Message-ID taken by a stranger before the upgrade does not drop the
 * owner's mail forever.
 */
#define LEGACY_SEEN_MAX (7L * 24 * 3600)

/* Keep when and how a mail was handled from its record @info ("TIME
 * REST", or without TIME in records written before it was there). */
static void seen_when(struct robot *r, const buf_t *info)
{
    char *s = xstrndup(info->s, strcspn(info->s, "\n"));
    char *e = s;
    long t = strtol(s, &e, 10);
    free(r->seen_info);
    if (t > 0 && e != s && (*e == ' ' || *e == 0)) {
        r->seen_time = t;
        r->seen_info = xstrdup(*e ? e + 1 : "");
    } else {
        r->seen_time = 0;
        r->seen_info = xstrdup(s);
    }
    free(s);
}

/*
 * Was this mail handled before?  *@handled is set when the identity
 * (mail_identity()) is recorded, or when a record of its Message-ID
 * alone (the format before, "TIME ok=N failed=N") has a TIME within
 * LEGACY_SEEN_MAX of now.  A Message-ID recorded for another mail is only
 * noted (r->mid_reused): the mail is handled normally.
 * @return 0, ERR_STORE.
 */
static int seen_check(store_txn_t *txn, struct unit_arg *u, int *handled, err_t *err)
{
    struct robot *r = u->r;
    *handled = 0;
    u->mid_seen = 0;
    r->mid_reused = 0;
    buf_t info;
    buf_init(&info);
    int rc = store_seen_get(txn, u->identity, &info, err);
    if (rc == 0) {
        *handled = 1;
        seen_when(r, &info);
        buf_free(&info);
        return 0;
    }
    if (rc != ERR_NOTFOUND || u->mid_key == NULL) {
        buf_free(&info);
        return rc == ERR_NOTFOUND ? 0 : rc;
    }
    buf_reset(&info);
    rc = store_seen_get(txn, u->mid_key, &info, err);
    if (rc == 0) {
        u->mid_seen = 1;
        r->mid_reused = 1;
        buf_putc(&info, 0);
        char *e = info.s;
        long t = strncmp(info.s, "mail:", 5) != 0 ? strtol(info.s, &e, 10) : 0;
        if (t > 0 && *e == ' ' && labs(r->now - t) <= LEGACY_SEEN_MAX) {
            *handled = 1;
            r->mid_reused = 0;
            seen_when(r, &info);
        }
    }
    buf_free(&info);
    return rc == ERR_NOTFOUND ? 0 : rc;
}

/* Record this mail as handled, with @info; and its Message-ID, naming the
 * identity of the first mail that carried it.  @return 0, ERR_STORE, ERR_TEMP. */
static int seen_record(store_txn_t *txn, const struct unit_arg *u, const char *info,
                       size_t len, err_t *err)
{
    int rc = store_seen_put(txn, u->identity, info, len, err);
    if (rc == 0 && u->mid_key != NULL && !u->mid_seen)
        rc = store_seen_put(txn, u->mid_key, u->identity, strlen(u->identity), err);
    return rc;
}

/* seen_record() with "NOW @what" (the time the mail was handled, for
 * autodbm -n of it later). */
static int seen_record_now(store_txn_t *txn, const struct unit_arg *u, const char *what,
                           err_t *err)
{
    char *info = xasprintf("%ld %s", (long)u->r->now, what);
    int rc = seen_record(txn, u, info, strlen(info), err);
    free(info);
    return rc;
}

static int robot_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct unit_arg *u = arg;
    struct robot *r = u->r;
    int rc;
    if (!u->queue_only) {
        reset_outputs(r);
        if ((rc = seen_check(txn, u, &r->already_handled, err)) != 0)
            return rc;
        if (r->already_handled)
            return ROBOT_ABORT;

        authz_policy_t ap = { &r->conf.power_maintainers };
        rules_policy_t rp = { r->conf.hierarchical_as_sets, r->conf.source,
                              &r->conf.allowed_sources, r->conf.bcrypt_max_cost,
                              r->conf.max_notify_values };
        proc_opts_t po = { r->conf.source, r->now, r->dry_run_opt, r->conf.allow_override,
                           r->conf.override_password, &ap, &rp, r->pgp, 1,
                           r->conf.max_passes };
        if ((rc = proc_run(txn, &po, r->upd, &r->report, err)) != 0)
            return rc;
        /* the objects let go during processing were small blocks in the
         * middle of the heap: hand their pages back before the mails are
         * built */
        malloc_trim(0);
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
            notify_opts_t no = { r->conf.source, r->conf.robot_address, r->mail->from, r->now,
                                 r->conf.max_recipients, r->conf.max_notify_bytes, 1 };
            if ((rc = notify_build(txn, r->report, &no, &r->notes, err)) != 0)
                return rc;
        }
        if (r->report->dry_run)
            return ROBOT_ABORT;     /* object changes are not kept */
        drop_objects(r->report);
    }
    if (r->dry_run_opt)
        return ROBOT_ABORT;
    rc = queue_one(txn, r, MAILOUT_ACK, r->mail->reply_addr, r->ack_subject, r->ack.s, NULL, err);
    for (size_t i = 0; rc == 0 && i < r->notes.n; i++)
        rc = queue_note(txn, r, &r->notes.v[i], err);
    if (rc == 0) {
        char info[64];
        proc_counts_t pc;
        proc_count(r->report, &pc);
        int n = snprintf(info, sizeof info, "%ld ok=%u failed=%u", (long)r->now, pc.ok, pc.failed);
        rc = seen_record(txn, u, info, (size_t)n, err);
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
    char *subject = report_help_subject(r->mail->subject);
    int rc = queue_one(txn, r, MAILOUT_ACK, r->mail->reply_addr, subject, body.s, NULL, err);
    if (rc == 0)
        rc = seen_record_now(txn, u, "help", err);
    free(subject);
    buf_free(&body);
    return rc;
}

/*
 * Answer the mail with an error ack holding the one message @text, apply
 * nothing, send no notification; record it as handled with @seen.
 */
static int refuse(store_txn_t *txn, struct unit_arg *u, const char *text, const char *seen,
                  err_t *err)
{
    struct robot *r = u->r;
    reset_outputs(r);
    int rc = seen_check(txn, u, &r->already_handled, err);
    if (rc != 0)
        return rc;
    if (r->already_handled)
        return ROBOT_ABORT;
    r->report = xcalloc(1, sizeof *r->report);
    diag_list_init(&r->report->global);
    strv_init(&r->report->not_objects);
    diag_add(&r->report->global, DIAG_ERROR, DIAG_OBJECT, "%s", text);
    report_origin_t o = origin(r);
    report_opts_t ro = { r->conf.source, AUTODBM_VERSION, r->host, r->now };
    report_ack(&o, r->report, &ro, &r->ack);
    r->ack_subject = report_subject(r->report, r->mail->subject);
    if (r->dry_run_opt)
        return ROBOT_ABORT;
    rc = queue_one(txn, r, MAILOUT_ACK, r->mail->reply_addr, r->ack_subject, r->ack.s, NULL, err);
    if (rc == 0)
        rc = seen_record_now(txn, u, seen, err);
    return rc;
}

/* A mail beyond a limit: refused with a message naming the limit. */
static int limit_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct unit_arg *u = arg;
    char *text = xasprintf("The mail was not processed: %s. Nothing was changed. Please "
                           "split the update into smaller mails.", u->r->limit);
    int rc = refuse(txn, u, text, "limit", err);
    free(text);
    return rc;
}

/*
 * A mail whose processing failed for a reason that is not transient
 * (robot_transient()): refused with RIPE's "Unexpected error occurred"
 * and the reference under which the failure is logged.
 */
static int internal_unit(store_txn_t *txn, void *arg, err_t *err)
{
    struct unit_arg *u = arg;
    struct robot *r = u->r;
    char *text = xasprintf("Unexpected error occurred: an internal error stopped the "
                           "processing of this mail (reference %s). Nothing was changed. "
                           "Please contact the %s database administration and quote the "
                           "reference.", r->ref, r->conf.source);
    char *seen = xasprintf("internal %s", r->ref);
    int rc = refuse(txn, u, text, seen, err);
    free(text);
    free(seen);
    return rc;
}

/* The first error of the mail as a whole in @rep (what the ack says
 * first), or "No valid update found". */
static const char *first_error(const proc_report_t *rep)
{
    for (size_t i = 0; i < rep->global.n; i++)
        if (rep->global.v[i].sev == DIAG_ERROR)
            return rep->global.v[i].text;
    return "No valid update found";
}

/* Milliseconds since @t0 (CLOCK_MONOTONIC). */
static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* The reference of a mail in the log, the archive and an internal-error
 * ack: a digest of its identity (the same for every delivery of it). */
static char *mail_ref(const char *identity)
{
    return xasprintf("%016llx", (unsigned long long)hash_fnv1a64(identity));
}

/*
 * The exit-code policy: is the failure @code of the processing
 * transient, so that the same mail may succeed when the MTA delivers it
 * again?  Yes for ERR_TEMP (the store busy, locked or full, or
 * unwritable: EACCES, EROFS, ENOSPC, EIO; store.c), ERR_IO and
 * ERR_NOMEM: nothing is kept and the robot exits 75.  Anything else
 * (ERR_STORE: any other LMDB failure or a stored state that does not
 * read, ERR_SOFTWARE, and ERR_NOTFOUND, ERR_SYNTAX, ... from a step where
 * they cannot happen) would fail the same way on every retry: the mail
 * is answered with a FAILED ack naming an internal error and the mail's
 * reference, and the robot exits 0 (see the header).
 */
static int robot_transient(int code)
{
    return code == ERR_TEMP || code == ERR_IO || code == ERR_NOMEM;
}

/* Open the registry's GnuPG home when the update holds a key-cert object
 * (verification itself is mailin's).  A failure is logged; key-cert
 * updates then fail with a message (process.h). */
static void keycert_open(struct robot *r)
{
    for (size_t i = 0; r->upd && i < r->upd->nparas; i++) {
        const rpsl_obj_t *o = r->upd->paras[i].obj;
        if (o == NULL || o->cls != SC_KEY_CERT)
            continue;
        err_t e = ERR_INIT;
        if (pgp_new(r->conf.gnupg_home, &r->pgp, &e) != 0)
            logline_kv(&r->logextra, "gnupg-error", "%s", err_text(&e));
        err_free(&e);
        return;
    }
}

/* After the commit, and only then: keys of created or modified key-certs
 * enter the keyring, those of deleted (or re-keyed) ones leave it
 * (keyring.h: the store is the truth, the keyring follows it). */
static void keycert_after_commit(struct robot *r, store_t *st)
{
    for (size_t i = 0; r->pgp && i < r->report->n; i++) {
        const proc_result_t *x = &r->report->v[i];
        if (x->cls != SC_KEY_CERT || !x->ok || x->op == PROC_NOOP)
            continue;
        err_t e = ERR_INIT;
        strv_t warn = STRV_INIT;
        if (keyring_commit_obj(st, r->pgp, x->pkey, x->old, &warn, &e) != 0)
            logline_kv(&r->logextra, "keyring-warning", "%s", err_text(&e));
        for (size_t k = 0; k < warn.n; k++)
            logline_kv(&r->logextra, "keyring-warning", "%s", warn.v[k]);
        strv_free(&warn);
        err_free(&e);
    }
}

int main(int argc, char **argv)
{
    const char *conf_opt = NULL, *time_opt = NULL;
    int parse_only = 0, dry = 0;
    int c;
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
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    msg_open("autodbm", MSG_STDERR | MSG_SYSLOG);

    struct robot r;
    memset(&r, 0, sizeof r);
    buf_init(&r.ack);
    buf_init(&r.ack_raw);
    buf_init(&r.logextra);
    r.dry_run_opt = dry;
    r.now = time(NULL);
    if (time_opt && parse_time(time_opt, &r.now) != 0) {
        fprintf(stderr, "autodbm: -t: expected a time like 2026-04-14T11:33:44Z\n");
        buf_free(&r.ack);
        buf_free(&r.ack_raw);
        buf_free(&r.logextra);
        return EX_USAGE;
    }
    char hostname[256];
    if (gethostname(hostname, sizeof hostname) != 0)
        snprintf(hostname, sizeof hostname, "localhost");
    hostname[sizeof hostname - 1] = 0;
    r.host = hostname;

    err_t err = ERR_INIT;
    int ex = EX_OK, rc;
    rc = conf_open(conf_opt, &r.conf, &err);
    if (rc) {
        char *why = xasprintf("configuration: %s", err_text(&err));
        buf_t line;
        buf_init(&line);
        logline_kv(&line, "outcome", "tempfail");
        logline_kv(&line, "reason", "%s", why);
        logline_kv(&line, "time", "%ldms", elapsed_ms(&t0));
        msg_kv(LOG_ERR, &line);
        buf_free(&line);
        say_tempfail(why);
        free(why);
        conf_free(&r.conf);
        err_free(&err);
        buf_free(&r.ack);
        buf_free(&r.ack_raw);
        buf_free(&r.logextra);
        /* A broken configuration is the operator's to fix: keep the mail. */
        return EX_TEMPFAIL;
    }

    /* The one log line of this mail is built up in these. */
    const char *outcome = "handled";
    char *reason = NULL;
    int prio = LOG_INFO;

    buf_t raw;
    buf_init(&raw);
    store_t *st = NULL;
    char *identity = NULL, *mid_key = NULL, *abase = NULL, *limit_why = NULL;
    char *ref = NULL, *internal_why = NULL;
    int internal = 0;           /* answered as an internal error */
    int opened = 0;
    mailin_init();
    int too_big = 0;
    size_t raw_len = 0;
    if ((rc = read_bounded(stdin, r.conf.max_mail_size, &raw, &too_big, &err)) != 0) {
        outcome = "tempfail";
        reason = xstrdup(err_text(&err));
        prio = LOG_ERR;
        ex = EX_TEMPFAIL;
        goto leave;
    }
    mailin_opts_t mo = { r.now, r.conf.gnupg_home, r.conf.max_mime_depth,
                         r.conf.max_mime_parts, r.conf.signature_max_age,
                         r.conf.max_signed_blocks };
    /* Too big: only the header block is parsed, to answer the sender. */
    size_t plen = too_big ? header_block_len(raw.s, raw.len) : raw.len;
    rc = mailin_parse(raw.s, plen, &mo, &r.mail, &err);
    /*
     * The archive copy comes before anything is decided: a mail that
     * cannot be archived is not handled (75: the MTA keeps it and
     * retries), so every mail whose effects are committed has its
     * original in the archive (README "Operations").
     */
    if (rc == 0 || rc == ERR_SYNTAX) {
        /* a mail beyond max_mail_size: its header block (what was parsed)
         * is its identity, the cut depends on what the MTA prepended */
        identity = r.mail ? mail_identity(raw.s, plen) : NULL;
        if (r.mail && r.mail->message_id && *r.mail->message_id)
            mid_key = xasprintf("mid:%s", r.mail->message_id);
        ref = mail_ref(identity ? identity : "not-a-mail");
        r.ref = ref;
        if (!dry && !parse_only && r.conf.archive) {
            /* the pid keeps the files of two runs apart */
            char *tag = xasprintf("%s-%ld", ref, (long)getpid());
            abase = archive_base(r.conf.archive, r.now, tag);
            free(tag);
            err_t aerr = ERR_INIT;
            if (archive_write(abase, "in", raw.s, raw.len, &aerr) != 0) {
                outcome = "tempfail";
                reason = xstrdup(err_text(&aerr));
                prio = LOG_ERR;
                err_free(&aerr);
                ex = EX_TEMPFAIL;
                goto leave;
            }
        }
    }
    /* The raw bytes are archived and parsed: only their size is needed
     * from here on (a 10 MB mail is not kept through the update). */
    raw_len = raw.len;
    buf_free(&raw);
    if (rc == ERR_SYNTAX) {
        outcome = "dropped";
        reason = xasprintf("not a mail (%s)", err_text(&err));
        prio = LOG_NOTICE;
        goto leave;
    }
    if (rc) {
        outcome = "tempfail";
        reason = xstrdup(err_text(&err));
        prio = LOG_ERR;
        ex = EX_TEMPFAIL;
        goto leave;
    }
    if (parse_only) {
        print_pieces(r.mail);
        goto leave;
    }
    const char *why = why_not_answer(&r);
    if (why && !dry) {
        outcome = "dropped";
        reason = xstrdup(why);
        prio = LOG_NOTICE;
        goto leave;
    }

    /* The limits (conf.h): beyond any of them an error ack, nothing applied. */
    if (too_big)
        limit_why = xasprintf("it is larger than %zu bytes (max_mail_size)",
                              r.conf.max_mail_size);
    else if (r.mail->over_limit == MAILIN_OVER_SIGNED)
        limit_why = xasprintf("it has more than %u PGP signatures "
                              "(max_signed_blocks)", r.conf.max_signed_blocks);
    else if (r.mail->over_limit)
        limit_why = xasprintf("its MIME structure is beyond max_mime_depth (%u) or "
                              "max_mime_parts (%u)", r.conf.max_mime_depth,
                              r.conf.max_mime_parts);
    else
        limit_why = text_limit(r.mail, &r.conf);

    if (limit_why == NULL) {
        upd_piece_t *pieces = xcalloc(r.mail->npieces + 1, sizeof *pieces);
        for (size_t i = 0; i < r.mail->npieces; i++) {
            pieces[i].text = r.mail->pieces[i].text;
            pieces[i].len = r.mail->pieces[i].len;
            pieces[i].creds = &r.mail->pieces[i].creds;
        }
        rc = upd_split(pieces, r.mail->npieces, r.mail->subject, &r.upd, &err);
        free(pieces);
        /* the paragraphs hold the text now */
        for (size_t i = 0; i < r.mail->npieces; i++) {
            free(r.mail->pieces[i].text);
            r.mail->pieces[i].text = NULL;
            r.mail->pieces[i].len = 0;
        }
        if (rc) {
            outcome = "tempfail";
            reason = xstrdup(err_text(&err));
            prio = LOG_ERR;
            ex = EX_TEMPFAIL;
            goto leave;
        }
        limit_why = update_limit(r.upd, &r.conf);
        if (r.upd->nmistyped)
            logline_kv(&r.logextra, "mistyped-passwords", "%zu", r.upd->nmistyped);
        if (r.upd->nmistyped_override)
            logline_kv(&r.logextra, "mistyped-overrides", "%zu", r.upd->nmistyped_override);
        upd_password_limits(r.upd, r.conf.bcrypt_max_cost, r.conf.max_password_checks);
    }
    r.limit = limit_why;

    if ((rc = store_open_size(r.conf.database, 0, r.conf.map_size, &st, &err)) != 0) {
        outcome = "tempfail";
        reason = xstrdup(err_text(&err));
        prio = LOG_ERR;
        ex = EX_TEMPFAIL;
        goto leave;
    }
    /* One writer at a time, and never an endless wait on a stuck one: the
     * MTA retries a mail whose robot gave up (75), but bounces one whose
     * robot it had to kill. */
    if ((rc = store_lock(st, (int)r.conf.lock_timeout, &err)) != 0) {
        outcome = "tempfail";
        reason = xstrdup(err_text(&err));
        prio = LOG_ERR;
        ex = EX_TEMPFAIL;
        goto leave;
    }
    opened = 1;
    if (!limit_why)
        keycert_open(&r);
    struct unit_arg ua = { &r, identity, mid_key, 0, 0 };
    int help = !limit_why && (r.upd->keyword == UPD_KW_HELP || r.upd->keyword == UPD_KW_HOWTO);
    if (limit_why) {
        rc = store_write(st, limit_unit, &ua, &err);
        if (rc == ROBOT_ABORT)
            rc = 0;
    } else if (help && !dry) {
        rc = store_write(st, help_unit, &ua, &err);
    } else if (help) {
        /* -n: only the help text is printed (below); the body is ignored */
    } else {
        rc = store_write(st, robot_unit, &ua, &err);
        if (rc == ERR_LIMIT) {
            /* beyond a limit only the processing could tell (notify.h
             * max_recipients and max_notify_bytes, process.h max_passes):
             * nothing was kept; answer as for the others */
            limit_why = xstrdup(err_text(&err));
            err_free(&err);
            r.limit = limit_why;
            rc = store_write(st, limit_unit, &ua, &err);
            if (rc == ROBOT_ABORT)
                rc = 0;
        } else if (rc == ROBOT_ABORT && !r.already_handled && !dry) {
            /* a dry run: the object changes were dropped; queue the ack */
            ua.queue_only = 1;
            rc = store_write(st, robot_unit, &ua, &err);
        } else if (rc == ROBOT_ABORT) {
            rc = 0;
        }
    }
    if (rc && rc != ROBOT_ABORT && !robot_transient(rc)) {
        /* it would fail again on every retry: answer it (robot_transient) */
        internal_why = xstrdup(err_text(&err));
        err_free(&err);
        rc = store_write(st, internal_unit, &ua, &err);
        if (rc == ROBOT_ABORT)
            rc = 0;
        if (rc) {
            char *both = xasprintf("%s; then, answering it: %s", internal_why, err_text(&err));
            err_set(&err, rc, "%s", both);
            free(both);
            free(internal_why);
            internal_why = NULL;
        }
    }
    if (rc) {
        outcome = "tempfail";
        reason = xstrdup(err_text(&err));
        prio = LOG_ERR;
        ex = EX_TEMPFAIL;
        goto leave;
    }
    if (r.mid_reused)
        logline_kv(&r.logextra, "message-id-reused", "yes");
    if (internal_why && !r.already_handled) {
        /* the detail for the operator, under the reference the sender has */
        internal = 1;
        outcome = "internal-error";
        reason = internal_why;
        internal_why = NULL;
        prio = LOG_ERR;
        logline_kv(&r.logextra, "ref", "%s", ref);
        if (abase)
            logline_kv(&r.logextra, "archive", "%s.in", abase);
    }
    if (r.already_handled) {
        outcome = "already-handled";
        reason = xstrdup("redelivered: not applied or answered again");
        prio = LOG_NOTICE;
        if (dry)
            say_handled(&r);
    } else if (dry) {
        if (!internal)
            outcome = "dry-run";
        if (help && !internal) {
            report_origin_t o = origin(&r);
            report_opts_t ro = { r.conf.source, AUTODBM_VERSION, r.host, r.now };
            report_help(&o, &ro, &r.ack);
            char *subject = report_help_subject(r.mail->subject);
            printf("Subject: %s\n\n", subject);
            free(subject);
        } else {
            printf("Subject: %s\n\n", r.ack_subject);
        }
        fwrite(r.ack.s, 1, r.ack.len, stdout);
        goto leave;
    } else if (internal) {
        /* answered as an internal error (above) */
    } else if (limit_why) {
        outcome = "refused";
        reason = xstrdup(limit_why);
        prio = LOG_NOTICE;
    } else if (help) {
        outcome = "help";
    } else if (r.report) {
        proc_counts_t pc;
        proc_count(r.report, &pc);
        if (pc.found == 0) {
            /* answered FAILED: "No valid update found" or why not */
            outcome = "no-update";
            reason = xstrdup(first_error(r.report));
        } else {
            outcome = r.report->dry_run ? "dry-run" : "applied";
        }
        if (!r.report->dry_run)
            keycert_after_commit(&r, st);
        logline_kv(&r.logextra, "objects", "%u", pc.found);
        logline_kv(&r.logextra, "ok", "%u", pc.ok);
        logline_kv(&r.logextra, "failed", "%u", pc.failed);
        logline_kv(&r.logextra, "notifications", "%zu", r.notes.n);
    }
    /* The ack as queued, next to the mail in the archive.  Committed
     * already: a failure here is a logged warning, not a reason to retry. */
    if (abase && r.ack_raw.len) {
        err_t aerr = ERR_INIT;
        if (archive_write(abase, "ack", r.ack_raw.s, r.ack_raw.len, &aerr) != 0) {
            logline_kv(&r.logextra, "archive-warning", "%s", err_text(&aerr));
            prio = LOG_WARNING;
        }
        err_free(&aerr);
    }
leave:
    store_unlock(st);   /* delivery needs no exclusive access */
    /*
     * Deliver what is queued - this mail's messages and whatever an
     * earlier run left (an SMTP outage, a crash between commit and
     * delivery: a redelivered mail then gets its ack from here).
     */
    if (opened && !dry && ex == EX_OK) {
        mailout_stats_t ms = { 0, 0 };
        err_t derr = ERR_INIT;
        if (mailout_flush(st, &r.conf, &ms, &derr) != 0) {
            logline_kv(&r.logextra, "delivered", "%u", ms.delivered);
            logline_kv(&r.logextra, "queued", "%u", ms.deferred);
            logline_kv(&r.logextra, "delivery-error", "%s", err_text(&derr));
            if (prio == LOG_INFO)
                prio = LOG_WARNING;
        } else {
            logline_kv(&r.logextra, "delivered", "%u", ms.delivered);
            logline_kv(&r.logextra, "queued", "0");
        }
        err_free(&derr);
    }
    if (!parse_only) {
        const char *mid = r.mail && r.mail->message_id ? r.mail->message_id : "none";
        const char *from = r.mail && r.mail->from_addr ? r.mail->from_addr : "none";
        buf_t line;
        buf_init(&line);
        logline_kv(&line, "message-id", "%s", mid);
        logline_kv(&line, "from", "%s", from);
        logline_kv(&line, "size", "%zu%s", raw_len ? raw_len : raw.len, too_big ? "+" : "");
        logline_kv(&line, "outcome", "%s", outcome);
        if (reason)
            logline_kv(&line, "reason", "%s", reason);
        if (r.logextra.len) {
            buf_putc(&line, ' ');
            buf_put(&line, r.logextra.s, r.logextra.len);
        }
        logline_kv(&line, "time", "%ldms", elapsed_ms(&t0));
        msg_kv(prio, &line);
        buf_free(&line);
    }
    if (ex == EX_TEMPFAIL)
        say_tempfail(reason);
    store_close(st);
    free(identity);
    free(mid_key);
    free(abase);
    free(limit_why);
    free(internal_why);
    free(ref);
    free(reason);
    reset_outputs(&r);
    pgp_free(r.pgp);
    upd_msg_free(r.upd);
    mailin_free(r.mail);
    mailin_shutdown();
    buf_free(&r.ack);
    buf_free(&r.ack_raw);
    buf_free(&r.logextra);
    free(r.seen_info);
    buf_free(&raw);
    conf_free(&r.conf);
    err_free(&err);
    msg_close();
    return ex;
}
