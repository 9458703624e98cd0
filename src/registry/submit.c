/*
 * submit.c - one update transaction (see registry/submit.h).
 *
 * The work happens in units run by store_write(): robot_unit (the update:
 * replay check, processing, ack, notifications, queueing, record),
 * help_unit, limit_unit and internal_unit (an error ack, nothing applied).
 * A unit may run more than once (store_write() retries it on a full map),
 * so each starts by dropping what an earlier run of it built.
 */
#include <ctype.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/authz.h"
#include "registry/cred.h"
#include "registry/keyring.h"
#include "registry/mailout.h"
#include "registry/notify.h"
#include "registry/pgp.h"
#include "registry/process.h"
#include "registry/report.h"
#include "registry/rules.h"
#include "registry/submit.h"
#include "store/seen.h"
#include "rpsl/schema.h"
#include "util/buf.h"
#include "util/logline.h"
#include "util/strv.h"

/* Dry-run abort marker (a status no other code returns). */
#define SUBMIT_ABORT (-1000)

/*
 * How long a record of the Message-ID alone (written before the
 * identity was a digest of the mail) still stands for that mail: the
 * longest time an MTA keeps retrying (Postfix maximal_queue_lifetime is
 * 5 days), with a margin.  Older ones are not honoured, so that a
 * Message-ID taken by a stranger before the upgrade does not drop the
 * owner's mail forever.
 */
#define LEGACY_SEEN_MAX (7L * 24 * 3600)

struct submit {
    const conf_t *conf;
    submit_req_t req;           /* the caller's; pieces not used after submit_new() */
    upd_msg_t *upd;             /* the split update; NULL beyond a limit */
    char *limit;                /* why it is beyond a limit, or NULL */
    int help;                   /* HELP or HOWTO */
    pgp_t *pgp;                 /* key-cert keys; NULL unless the update
                                   holds a key-cert object */
    /* outputs of the units (rebuilt on every run of one) */
    proc_report_t *report;
    buf_t ack;
    char *ack_subject;
    notify_list_t notes;
    buf_t ack_raw;              /* the composed ack as queued */
    int already_handled;
    int mid_seen;               /* the replay key is recorded already */
    int mid_reused;             /* ... for another submission */
    int queue_only;             /* second pass of a dry-run: line: queue only */
    long seen_time;             /* already_handled: when (0: not recorded) */
    char *seen_info;            /* already_handled: the rest of its record */
    /* the result */
    enum submit_outcome outcome;
    char *reason;
    buf_t log;                  /* more pairs of the log line */
    strv_t mirrored;            /* the mirrored sources (rebuilt per run) */
};

/*
 * The limits on the update text (conf.h): line length, paragraph (object)
 * size and the number of paragraphs over the pieces, before anything is
 * split.  Returns a malloc'd reason or NULL.
 */
static char *text_limit(const upd_piece_t *pieces, size_t npieces, const conf_t *c)
{
    size_t nparas = 0;
    for (size_t i = 0; i < npieces; i++) {
        const char *s = pieces[i].text, *end = s + pieces[i].len;
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

int submit_new(const conf_t *conf, const submit_req_t *req, submit_t **out, err_t *err)
{
    submit_t *s = xcalloc(1, sizeof *s);
    s->conf = conf;
    s->req = *req;
    buf_init(&s->ack);
    buf_init(&s->ack_raw);
    buf_init(&s->log);
    *out = s;
    if (req->limit != NULL) {
        s->limit = xstrdup(req->limit);
    } else if ((s->limit = text_limit(req->pieces, req->npieces, conf)) == NULL) {
        int rc = upd_split(req->pieces, req->npieces, req->keywords, &s->upd, err);
        if (rc)
            return rc;
        s->limit = update_limit(s->upd, conf);
        if (s->upd->nmistyped)
            logline_kv(&s->log, "mistyped-passwords", "%zu", s->upd->nmistyped);
        if (s->upd->nmistyped_override)
            logline_kv(&s->log, "mistyped-overrides", "%zu", s->upd->nmistyped_override);
        upd_password_limits(s->upd, conf->bcrypt_max_cost, conf->max_password_checks);
    }
    s->help = s->limit == NULL &&
              (s->upd->keyword == UPD_KW_HELP || s->upd->keyword == UPD_KW_HOWTO);
    s->req.pieces = NULL;       /* the caller may free them now */
    return 0;
}

/* Drop what a unit built (a unit may run again). */
static void reset_outputs(submit_t *s)
{
    proc_report_free(s->report);
    s->report = NULL;
    buf_reset(&s->ack);
    free(s->ack_subject);
    s->ack_subject = NULL;
    notify_list_free(&s->notes);
    s->already_handled = 0;
    buf_reset(&s->ack_raw);
}

static report_opts_t report_opts(const submit_t *s)
{
    report_opts_t ro = { s->conf->source, AUTODBM_VERSION, s->req.host, s->req.now };
    return ro;
}

/* Compose and queue the ack, written straight into the queue; not when the
 * origin has no reply address (the ack is then the front end's to give). */
static int queue_ack(store_txn_t *txn, submit_t *s, err_t *err)
{
    const origin_t *o = &s->req.origin;
    if (o->reply_addr == NULL)
        return 0;
    mailout_msg_t m = {
        MAILOUT_ACK, s->conf->robot_address, o->reply_addr, s->ack_subject, s->ack.s,
        o->message_id, s->req.now
    };
    buf_reset(&s->ack_raw);
    int rc = mailout_compose_queue(txn, &m, &s->ack_raw, err);
    if (rc == ERR_SYNTAX) {
        logline_kv(&s->log, "unusable-address", "%s", err_text(err));
        err_free(err);
        rc = 0;
    }
    return rc;
}

/* Queue one notification: its objects are parts shared with the other
 * addresses told about them (mailout.h), queued once. */
static int queue_note(store_txn_t *txn, submit_t *s, notify_mail_t *n, err_t *err)
{
    mailout_msg_t m = { MAILOUT_NOTIFY, s->conf->robot_address, n->to, n->subject, NULL,
                        NULL, s->req.now };
    int rc = mailout_compose_queue_segs(txn, &m, n->segs, n->nsegs, s->notes.parts, err);
    if (rc == ERR_SYNTAX) {
        logline_kv(&s->log, "unusable-address", "%s", err_text(err));
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

/* Keep when and how a submission was handled from its record @info ("TIME
 * REST", or without TIME in records written before it was there). */
static void seen_when(submit_t *s, const buf_t *info)
{
    char *t0 = xstrndup(info->s, strcspn(info->s, "\n"));
    char *e = t0;
    long t = strtol(t0, &e, 10);
    free(s->seen_info);
    if (t > 0 && e != t0 && (*e == ' ' || *e == 0)) {
        s->seen_time = t;
        s->seen_info = xstrdup(*e ? e + 1 : "");
    } else {
        s->seen_time = 0;
        s->seen_info = xstrdup(t0);
    }
    free(t0);
}

/*
 * Was this submission handled before?  already_handled is set when the
 * identity is recorded, or when a record of the replay key alone (the
 * format before, "TIME ok=N failed=N") has a TIME within LEGACY_SEEN_MAX
 * of now.  A replay key recorded for another submission is only noted
 * (mid_reused): the submission is handled normally.
 * @return 0, ERR_STORE.
 */
static int seen_check(store_txn_t *txn, submit_t *s, err_t *err)
{
    s->already_handled = 0;
    s->mid_seen = 0;
    s->mid_reused = 0;
    if (s->req.identity == NULL)
        return 0;
    buf_t info;
    buf_init(&info);
    int rc = store_seen_get(txn, s->req.identity, &info, err);
    if (rc == 0) {
        s->already_handled = 1;
        seen_when(s, &info);
        buf_free(&info);
        return 0;
    }
    if (rc != ERR_NOTFOUND || s->req.replay_key == NULL) {
        buf_free(&info);
        return rc == ERR_NOTFOUND ? 0 : rc;
    }
    buf_reset(&info);
    rc = store_seen_get(txn, s->req.replay_key, &info, err);
    if (rc == 0) {
        s->mid_seen = 1;
        s->mid_reused = 1;
        buf_putc(&info, 0);
        char *e = info.s;
        long t = strncmp(info.s, "mail:", 5) != 0 ? strtol(info.s, &e, 10) : 0;
        if (t > 0 && *e == ' ' && labs(s->req.now - t) <= LEGACY_SEEN_MAX) {
            s->already_handled = 1;
            s->mid_reused = 0;
            seen_when(s, &info);
        }
    }
    buf_free(&info);
    return rc == ERR_NOTFOUND ? 0 : rc;
}

/* Record this submission as handled: "NOW @what" under its identity; and
 * its replay key, naming the identity of the first submission that
 * carried it.  @return 0, ERR_STORE, ERR_TEMP. */
static int seen_record(store_txn_t *txn, const submit_t *s, const char *what, err_t *err)
{
    const char *id = s->req.identity;
    if (id == NULL)
        return 0;
    char *info = xasprintf("%ld %s", (long)s->req.now, what);
    int rc = store_seen_put(txn, id, info, strlen(info), err);
    free(info);
    if (rc == 0 && s->req.replay_key != NULL && !s->mid_seen)
        rc = store_seen_put(txn, s->req.replay_key, id, strlen(id), err);
    return rc;
}

static int add_mirrored(const char *name, void *arg)
{
    strv_t *l = arg;
    if (strv_find(l, name) < 0)
        strv_add(l, name);
    return 0;
}

/*
 * The sources updates may not change (rules_source_mirrored()): those
 * the store holds, and those the configuration's mirror lines name (a
 * mirror not started yet is mirrored all the same), upper case.
 * @return 0 or the store's status.
 */
static int mirrored_sources(store_txn_t *txn, submit_t *s, err_t *err)
{
    strv_free(&s->mirrored);
    strv_init(&s->mirrored);
    for (size_t i = 0; i < s->conf->mirror.n; i++) {
        const char *line = s->conf->mirror.v[i];
        char *name = xstrndup(line, strcspn(line, " "));
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        add_mirrored(name, &s->mirrored);
        free(name);
    }
    return store_source_each(txn, add_mirrored, &s->mirrored, err);
}

/* The update: process, ack, notifications, queue, record. */
static int robot_unit(store_txn_t *txn, void *arg, err_t *err)
{
    submit_t *s = arg;
    const conf_t *c = s->conf;
    int rc;
    if (!s->queue_only) {
        reset_outputs(s);
        if ((rc = seen_check(txn, s, err)) != 0)
            return rc;
        if (s->already_handled)
            return SUBMIT_ABORT;

        if ((rc = mirrored_sources(txn, s, err)) != 0)
            return rc;
        authz_policy_t ap = { &c->power_maintainers };
        rules_policy_t rp = { c->hierarchical_as_sets, c->source, &c->allowed_sources,
                              c->bcrypt_max_cost, c->max_notify_values, &s->mirrored };
        proc_opts_t po = { c->source, s->req.now, s->req.dry_run, c->allow_override,
                           c->override_password, &ap, &rp, s->pgp, 1, c->max_passes };
        if ((rc = proc_run(txn, &po, s->upd, &s->report, err)) != 0)
            return rc;
        /* the objects let go during processing were small blocks in the
         * middle of the heap: hand their pages back before the mails are
         * built */
        malloc_trim(0);
        for (size_t i = 0; s->req.diags && i < s->req.diags->n; i++)
            diag_add(&s->report->global, s->req.diags->v[i].sev, DIAG_OBJECT, "%s",
                     s->req.diags->v[i].text);
        if (s->req.npieces == 0 || upd_object_count(s->upd) == 0)
            if (diag_count(&s->report->global, DIAG_ERROR) == 0)
                diag_add(&s->report->global, DIAG_ERROR, DIAG_OBJECT, "No valid update found");
        report_opts_t ro = report_opts(s);
        report_ack(&s->req.origin, s->report, &ro, &s->ack);
        s->ack_subject = report_subject(s->report, s->req.origin.subject);
        if (!s->report->dry_run) {
            notify_opts_t no = { c->source, c->robot_address, &s->req.origin, s->req.now,
                                 c->max_recipients, c->max_notify_bytes, 1 };
            if ((rc = notify_build(txn, s->report, &no, &s->notes, err)) != 0)
                return rc;
        }
        if (s->report->dry_run)
            return SUBMIT_ABORT;    /* object changes are not kept */
        drop_objects(s->report);
    }
    if (s->req.dry_run)
        return SUBMIT_ABORT;
    rc = queue_ack(txn, s, err);
    for (size_t i = 0; rc == 0 && i < s->notes.n; i++)
        rc = queue_note(txn, s, &s->notes.v[i], err);
    if (rc == 0) {
        proc_counts_t pc;
        proc_count(s->report, &pc);
        char *what = xasprintf("ok=%u failed=%u", pc.ok, pc.failed);
        rc = seen_record(txn, s, what, err);
        free(what);
    }
    return rc;
}

/* The help text as the ack. */
static void help_ack(submit_t *s)
{
    reset_outputs(s);
    report_opts_t ro = report_opts(s);
    report_help(&s->req.origin, &ro, &s->ack);
    s->ack_subject = report_help_subject(s->req.origin.subject);
}

/* HELP/HOWTO: answer with the help text, process nothing. */
static int help_unit(store_txn_t *txn, void *arg, err_t *err)
{
    submit_t *s = arg;
    int rc = seen_check(txn, s, err);
    if (rc != 0)
        return rc;
    if (s->already_handled)
        return SUBMIT_ABORT;    /* a redelivery: not answered again */
    help_ack(s);
    rc = queue_ack(txn, s, err);
    if (rc == 0)
        rc = seen_record(txn, s, "help", err);
    return rc;
}

/*
 * Answer with an error ack holding the one message @text, apply nothing,
 * send no notification; record the submission as handled with @seen.
 */
static int refuse(store_txn_t *txn, submit_t *s, const char *text, const char *seen,
                  err_t *err)
{
    reset_outputs(s);
    int rc = seen_check(txn, s, err);
    if (rc != 0)
        return rc;
    if (s->already_handled)
        return SUBMIT_ABORT;
    s->report = xcalloc(1, sizeof *s->report);
    diag_list_init(&s->report->global);
    strv_init(&s->report->not_objects);
    diag_add(&s->report->global, DIAG_ERROR, DIAG_OBJECT, "%s", text);
    report_opts_t ro = report_opts(s);
    report_ack(&s->req.origin, s->report, &ro, &s->ack);
    s->ack_subject = report_subject(s->report, s->req.origin.subject);
    if (s->req.dry_run)
        return SUBMIT_ABORT;
    rc = queue_ack(txn, s, err);
    if (rc == 0)
        rc = seen_record(txn, s, seen, err);
    return rc;
}

/* Beyond a limit: refused with a message naming the limit. */
static int limit_unit(store_txn_t *txn, void *arg, err_t *err)
{
    submit_t *s = arg;
    char *text = xasprintf("The mail was not processed: %s. Nothing was changed. Please "
                           "split the update into smaller mails.", s->limit);
    int rc = refuse(txn, s, text, "limit", err);
    free(text);
    return rc;
}

/*
 * The processing failed for a reason that is not transient
 * (submit_transient()): refused with RIPE's "Unexpected error occurred"
 * and the reference under which the failure is logged.
 */
static int internal_unit(store_txn_t *txn, void *arg, err_t *err)
{
    submit_t *s = arg;
    const char *ref = s->req.ref ? s->req.ref : "none";
    char *text = xasprintf("Unexpected error occurred: an internal error stopped the "
                           "processing of this mail (reference %s). Nothing was changed. "
                           "Please contact the %s database administration and quote the "
                           "reference.", ref, s->conf->source);
    char *seen = xasprintf("internal %s", ref);
    int rc = refuse(txn, s, text, seen, err);
    free(text);
    free(seen);
    return rc;
}

/* The first error of the submission as a whole in @rep (what the ack
 * says first), or "No valid update found". */
static const char *first_error(const proc_report_t *rep)
{
    for (size_t i = 0; i < rep->global.n; i++)
        if (rep->global.v[i].sev == DIAG_ERROR)
            return rep->global.v[i].text;
    return "No valid update found";
}

int submit_transient(int code)
{
    return code == ERR_TEMP || code == ERR_IO || code == ERR_NOMEM;
}

/* Open the registry's GnuPG home when the update holds a key-cert object
 * (verifying signatures is the front end's).  A failure is logged; key-cert
 * updates then fail with a message (process.h). */
static void keycert_open(submit_t *s)
{
    for (size_t i = 0; s->upd && i < s->upd->nparas; i++) {
        const rpsl_obj_t *o = s->upd->paras[i].obj;
        if (o == NULL || o->cls != SC_KEY_CERT)
            continue;
        err_t e = ERR_INIT;
        if (pgp_new(s->conf->gnupg_home, &s->pgp, &e) != 0)
            logline_kv(&s->log, "gnupg-error", "%s", err_text(&e));
        err_free(&e);
        return;
    }
}

/* After the commit, and only then: keys of created or modified key-certs
 * enter the keyring, those of deleted (or re-keyed) ones leave it
 * (keyring.h: the store is the truth, the keyring follows it). */
static void keycert_after_commit(submit_t *s, store_t *st)
{
    for (size_t i = 0; s->pgp && i < s->report->n; i++) {
        const proc_result_t *x = &s->report->v[i];
        if (x->cls != SC_KEY_CERT || !x->ok || x->op == PROC_NOOP)
            continue;
        err_t e = ERR_INIT;
        strv_t warn = STRV_INIT;
        if (keyring_commit_obj(st, s->pgp, x->pkey, x->old, &warn, &e) != 0)
            logline_kv(&s->log, "keyring-warning", "%s", err_text(&e));
        for (size_t k = 0; k < warn.n; k++)
            logline_kv(&s->log, "keyring-warning", "%s", warn.v[k]);
        strv_free(&warn);
        err_free(&e);
    }
}

/* Run the units; on a failure that is not transient, answer it as an
 * internal error (*@internal_why: the failure).  @return as submit_run(). */
static int run_units(submit_t *s, store_t *st, char **internal_why, err_t *err)
{
    int rc = 0;
    if (s->limit) {
        rc = store_write(st, limit_unit, s, err);
    } else if (s->help && !s->req.dry_run) {
        rc = store_write(st, help_unit, s, err);
    } else if (s->help) {
        help_ack(s);            /* a dry run: the help text, nothing else */
    } else {
        rc = store_write(st, robot_unit, s, err);
        if (rc == ERR_LIMIT) {
            /* beyond a limit only the processing could tell (notify.h
             * max_recipients and max_notify_bytes, process.h max_passes):
             * nothing was kept; answer as for the others */
            s->limit = xstrdup(err_text(err));
            err_free(err);
            rc = store_write(st, limit_unit, s, err);
        } else if (rc == SUBMIT_ABORT && !s->already_handled && !s->req.dry_run) {
            /* a dry-run: line: the object changes were dropped; queue the ack */
            s->queue_only = 1;
            rc = store_write(st, robot_unit, s, err);
        }
    }
    if (rc == SUBMIT_ABORT)
        rc = 0;
    if (rc && !submit_transient(rc)) {
        /* it would fail again on every retry: answer it */
        *internal_why = xstrdup(err_text(err));
        err_free(err);
        rc = store_write(st, internal_unit, s, err);
        if (rc == SUBMIT_ABORT)
            rc = 0;
        if (rc) {
            char *both = xasprintf("%s; then, answering it: %s", *internal_why, err_text(err));
            err_set(err, rc, "%s", both);
            free(both);
            free(*internal_why);
            *internal_why = NULL;
        }
    }
    return rc;
}

int submit_run(submit_t *s, store_t *st, err_t *err)
{
    char *internal_why = NULL;
    if (!s->limit)
        keycert_open(s);
    int rc = run_units(s, st, &internal_why, err);
    if (rc)
        return rc;
    if (s->mid_reused)
        logline_kv(&s->log, "message-id-reused", "yes");
    if (s->already_handled) {
        s->outcome = SUBMIT_HANDLED_BEFORE;
        s->reason = xstrdup("redelivered: not applied or answered again");
        buf_reset(&s->ack);
    } else if (internal_why) {
        /* the detail for the operator, under the reference the sender has */
        s->outcome = SUBMIT_INTERNAL;
        s->reason = internal_why;
        internal_why = NULL;
        logline_kv(&s->log, "ref", "%s", s->req.ref ? s->req.ref : "none");
    } else if (s->req.dry_run) {
        s->outcome = SUBMIT_DRY_RUN;
    } else if (s->limit) {
        s->outcome = SUBMIT_REFUSED;
        s->reason = xstrdup(s->limit);
    } else if (s->help) {
        s->outcome = SUBMIT_HELP;
    } else if (s->report) {
        proc_counts_t pc;
        proc_count(s->report, &pc);
        if (pc.found == 0) {
            /* answered FAILED: "No valid update found" or why not */
            s->outcome = SUBMIT_NO_UPDATE;
            s->reason = xstrdup(first_error(s->report));
        } else {
            s->outcome = s->report->dry_run ? SUBMIT_DRY_RUN : SUBMIT_APPLIED;
        }
        if (!s->report->dry_run)
            keycert_after_commit(s, st);
        logline_kv(&s->log, "objects", "%u", pc.found);
        logline_kv(&s->log, "ok", "%u", pc.ok);
        logline_kv(&s->log, "failed", "%u", pc.failed);
        logline_kv(&s->log, "notifications", "%zu", s->notes.n);
    }
    free(internal_why);
    return 0;
}

enum submit_outcome submit_outcome(const submit_t *s)
{
    return s->outcome;
}

const char *submit_outcome_name(enum submit_outcome o)
{
    const char *outcome = "handled";
    switch (o) {
    case SUBMIT_APPLIED: outcome = "applied"; break;
    case SUBMIT_NO_UPDATE: outcome = "no-update"; break;
    case SUBMIT_DRY_RUN: outcome = "dry-run"; break;
    case SUBMIT_HELP: outcome = "help"; break;
    case SUBMIT_REFUSED: outcome = "refused"; break;
    case SUBMIT_INTERNAL: outcome = "internal-error"; break;
    case SUBMIT_HANDLED_BEFORE: outcome = "already-handled"; break;
    }
    return outcome;
}

const char *submit_reason(const submit_t *s)
{
    return s->reason;
}

const buf_t *submit_ack(const submit_t *s)
{
    return &s->ack;
}

const char *submit_ack_subject(const submit_t *s)
{
    return s->ack_subject;
}

const buf_t *submit_ack_queued(const submit_t *s)
{
    return &s->ack_raw;
}

const notify_list_t *submit_notes(const submit_t *s)
{
    return &s->notes;
}

const buf_t *submit_log(const submit_t *s)
{
    return &s->log;
}

void submit_seen(const submit_t *s, long *when, const char **record)
{
    *when = s->seen_time;
    *record = s->seen_info;
}

void submit_free(submit_t *s)
{
    if (s == NULL)
        return;
    reset_outputs(s);
    pgp_free(s->pgp);
    upd_msg_free(s->upd);
    free(s->limit);
    free(s->seen_info);
    free(s->reason);
    buf_free(&s->ack);
    buf_free(&s->ack_raw);
    buf_free(&s->log);
    strv_free(&s->mirrored);
    free(s);
}
