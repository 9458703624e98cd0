/*
 * robot.c - the mail robot's own steps around the update transaction
 * (see robot/robot.h): everything about the mail as a mail.  The update
 * itself is src/registry/submit.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "registry/archive.h"
#include "registry/cred.h"
#include "registry/mailout.h"
#include "robot/robot.h"
#include "util/hash.h"
#include "util/logline.h"
#include "util/msg.h"
#include "util/strv.h"
#include "util/timefmt.h"

/* The most of a mail beyond max_mail_size read and thrown away. */
#define DRAIN_MAX ((unsigned long long)4 << 30)

void robot_init(robot_t *r, time_t now, int dry_run, int parse_only, const char *host)
{
    memset(r, 0, sizeof *r);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->now = now;
    r->dry_run = dry_run;
    r->parse_only = parse_only;
    r->host = host;
    buf_init(&r->raw);
    buf_init(&r->logextra);
    r->outcome = "handled";
    r->prio = LOG_INFO;
    r->ex = EX_OK;
    mailin_init();
}

int robot_read(robot_t *r, FILE *fp, err_t *err)
{
    char chunk[65536];
    size_t n, limit = r->conf.max_mail_size;
    buf_t *b = &r->raw;
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
        r->too_big = 1;
        unsigned long long drained = 0;
        while (drained < DRAIN_MAX && (n = fread(chunk, 1, sizeof chunk, fp)) > 0)
            drained += n;
    }
    r->raw_len = b->len;
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

/* The reference of a mail in the log, the archive and an internal-error
 * ack: a digest of its identity (the same for every delivery of it). */
static char *mail_ref(const char *identity)
{
    return xasprintf("%016llx", (unsigned long long)hash_fnv1a64(identity));
}

int robot_parse(robot_t *r, err_t *err)
{
    mailin_opts_t mo = { r->now, r->conf.gnupg_home, r->conf.max_mime_depth,
                         r->conf.max_mime_parts, r->conf.signature_max_age,
                         r->conf.max_signed_blocks, r->conf.max_header_size };
    /* Too big: only the header block is parsed, to answer the sender. */
    size_t plen = r->too_big ? header_block_len(r->raw.s, r->raw.len) : r->raw.len;
    int rc = mailin_parse(r->raw.s, plen, &mo, &r->mail, err);
    if (rc == 0 || rc == ERR_SYNTAX) {
        /* a mail beyond max_mail_size: its header block (what was parsed)
         * is its identity, the cut depends on what the MTA prepended */
        r->identity = r->mail ? mail_identity(r->raw.s, plen) : NULL;
        if (r->mail && r->mail->message_id && *r->mail->message_id)
            r->mid_key = xasprintf("mid:%s", r->mail->message_id);
        r->ref = mail_ref(r->identity ? r->identity : "not-a-mail");
        /* The archive copy comes before anything is decided: a mail that
         * cannot be archived is not handled (the MTA keeps it and
         * retries), so every mail whose effects are committed has its
         * original in the archive. */
        if (!r->dry_run && !r->parse_only && r->conf.archive) {
            /* the pid keeps the files of two runs apart */
            char *tag = xasprintf("%s-%ld", r->ref, (long)getpid());
            r->abase = archive_base(r->conf.archive, r->now, tag);
            free(tag);
            int arc = archive_write(r->abase, "in", r->raw.s, r->raw.len, err);
            if (arc != 0)
                rc = arc;
        }
    }
    /* The raw bytes are archived and parsed: only their size is needed
     * from here on (a 10 MB mail is not kept through the update). */
    buf_free(&r->raw);
    return rc;
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
 * Every change the robot makes is acknowledged to its sender, and an
 * update in list traffic or an automatic mail (a list that carries the
 * robot's address, a vacation reply quoting an update) is not a request
 * from its author: such a mail is neither processed nor answered.
 */
const char *robot_why_not_answer(const robot_t *r)
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

void robot_print_pieces(const robot_t *r)
{
    const mailin_msg_t *m = r->mail;
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

/* Why the mail is beyond a limit only a mail has (malloc'd), or NULL. */
static char *mail_limit(const robot_t *r)
{
    if (r->too_big)
        return xasprintf("it is larger than %zu bytes (max_mail_size)", r->conf.max_mail_size);
    if (r->mail->over_limit == MAILIN_OVER_SIGNED)
        return xasprintf("it has more than %u PGP signatures (max_signed_blocks)",
                         r->conf.max_signed_blocks);
    if (r->mail->over_limit == MAILIN_OVER_HEADER)
        return xasprintf("its header blocks are larger than %zu bytes "
                         "(max_header_size)", r->conf.max_header_size);
    if (r->mail->over_limit)
        return xasprintf("its MIME structure is beyond max_mime_depth (%u) or "
                         "max_mime_parts (%u)", r->conf.max_mime_depth,
                         r->conf.max_mime_parts);
    return NULL;
}

int robot_submit(robot_t *r, err_t *err)
{
    mailin_msg_t *m = r->mail;
    upd_piece_t *pieces = xcalloc(m->npieces + 1, sizeof *pieces);
    for (size_t i = 0; i < m->npieces; i++) {
        pieces[i].text = m->pieces[i].text;
        pieces[i].len = m->pieces[i].len;
        pieces[i].creds = &m->pieces[i].creds;
    }
    char *limit = mail_limit(r);
    submit_req_t req = {
        .pieces = pieces, .npieces = m->npieces, .diags = &m->diags,
        .origin = { .kind = ORIGIN_MAIL, .from = m->from, .subject = m->subject,
                    .date = m->date, .reply_to = m->reply_to ? m->reply_to : m->from,
                    .message_id = m->message_id, .reply_addr = m->reply_addr },
        .keywords = m->subject, .identity = r->identity, .replay_key = r->mid_key,
        .ref = r->ref, .limit = limit, .host = r->host, .now = r->now,
        .dry_run = r->dry_run,
    };
    int rc = submit_new(&r->conf, &req, &r->sub, err);
    free(limit);
    free(pieces);
    /* the update's paragraphs hold the text now */
    for (size_t i = 0; i < m->npieces; i++) {
        free(m->pieces[i].text);
        m->pieces[i].text = NULL;
        m->pieces[i].len = 0;
    }
    if (rc == 0)
        rc = store_open_size(r->conf.database, 0, r->conf.map_size, &r->st, err);
    /* One writer at a time, and never an endless wait on a stuck one: the
     * MTA retries a mail whose robot gave up (75), but bounces one whose
     * robot it had to kill. */
    if (rc == 0)
        rc = store_lock(r->st, (int)r->conf.lock_timeout, err);
    if (rc == 0)
        rc = submit_run(r->sub, r->st, err);
    return rc;
}

void robot_answered(robot_t *r)
{
    enum submit_outcome o = submit_outcome(r->sub);
    const char *why = submit_reason(r->sub);
    r->outcome = submit_outcome_name(o);
    r->reason = why ? xstrdup(why) : NULL;
    r->prio = o == SUBMIT_INTERNAL ? LOG_ERR
            : o == SUBMIT_REFUSED || o == SUBMIT_HANDLED_BEFORE ? LOG_NOTICE : LOG_INFO;
    const buf_t *pairs = submit_log(r->sub);
    buf_put(&r->logextra, pairs->s, pairs->len);
    if (o == SUBMIT_INTERNAL && r->abase)
        logline_kv(&r->logextra, "archive", "%s.in", r->abase);
    if (r->dry_run) {
        if (o != SUBMIT_HANDLED_BEFORE) {
            const buf_t *ack = submit_ack(r->sub);
            printf("Subject: %s\n\n", submit_ack_subject(r->sub));
            fwrite(ack->s, 1, ack->len, stdout);
        }
        return;
    }
    /* The ack as queued, next to the mail in the archive.  Committed
     * already: a failure here is a logged warning, not a reason to retry. */
    const buf_t *queued = submit_ack_queued(r->sub);
    if (r->abase && queued->len) {
        err_t aerr = ERR_INIT;
        if (archive_write(r->abase, "ack", queued->s, queued->len, &aerr) != 0) {
            logline_kv(&r->logextra, "archive-warning", "%s", err_text(&aerr));
            r->prio = LOG_WARNING;
        }
        err_free(&aerr);
    }
}

void robot_drop(robot_t *r, const char *why)
{
    r->outcome = "dropped";
    free(r->reason);
    r->reason = xstrdup(why);
    r->prio = LOG_NOTICE;
}

void robot_tempfail(robot_t *r, const err_t *err)
{
    r->outcome = "tempfail";
    free(r->reason);
    r->reason = xstrdup(err_text(err));
    r->prio = LOG_ERR;
    r->ex = EX_TEMPFAIL;
}

void robot_deliver(robot_t *r)
{
    store_unlock(r->st);    /* delivery needs no exclusive access */
    /* a redelivered mail whose first run crashed between commit and
     * delivery gets its ack from here */
    if (r->st == NULL || r->sub == NULL || r->dry_run || r->ex != EX_OK)
        return;
    if (mailout_deliver(r->st, &r->conf, &r->logextra) != 0 && r->prio == LOG_INFO)
        r->prio = LOG_WARNING;
}

void robot_log(robot_t *r)
{
    buf_t line;
    buf_init(&line);
    if (!r->unconfigured) {
        const mailin_msg_t *m = r->mail;
        logline_kv(&line, "message-id", "%s", m && m->message_id ? m->message_id : "none");
        logline_kv(&line, "from", "%s", m && m->from_addr ? m->from_addr : "none");
        logline_kv(&line, "size", "%zu%s", r->raw_len, r->too_big ? "+" : "");
    }
    logline_kv(&line, "outcome", "%s", r->outcome);
    if (r->reason)
        logline_kv(&line, "reason", "%s", r->reason);
    if (r->logextra.len) {
        buf_putc(&line, ' ');
        buf_put(&line, r->logextra.s, r->logextra.len);
    }
    logline_time(&line, &r->t0);
    if (!r->parse_only || r->unconfigured)
        msg_kv(r->prio, &line);
    buf_free(&line);
    /* The mail's one line is in syslog: what follows is for whoever ran
     * the robot, on standard error only (msg.h's defaults). */
    msg_close();
    if (r->ex == EX_TEMPFAIL) {
        /* the line Postfix pipe(8) puts in the deferral reason: one line */
        buf_t why;
        buf_init(&why);
        for (const char *p = r->reason ? r->reason : "unknown"; *p; p++)
            buf_putc(&why, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
        msg_error("temporary failure: %s", why.s ? why.s : "");
        buf_free(&why);
    } else if (r->dry_run && r->sub && submit_outcome(r->sub) == SUBMIT_HANDLED_BEFORE) {
        /* -n of a mail handled before: there is no ack to show */
        long t;
        const char *record;
        char iso[TIMEFMT_ISO8601_SIZE];
        submit_seen(r->sub, &t, &record);
        int known = t > 0 && timefmt_iso8601((time_t)t, iso) == 0;
        msg_info("already handled%s%s (%s): a redelivery of this mail is neither applied "
                 "nor answered again; nothing to show", known ? " on " : " (when is not recorded)",
                 known ? iso : "",
                 record && *record ? record : "no record");
    }
}

void robot_free(robot_t *r)
{
    store_close(r->st);
    submit_free(r->sub);
    mailin_free(r->mail);
    mailin_shutdown();
    free(r->identity);
    free(r->mid_key);
    free(r->ref);
    free(r->abase);
    free(r->reason);
    buf_free(&r->raw);
    buf_free(&r->logextra);
    conf_free(&r->conf);
}
