/*
 * submit.h - one update transaction: from the pieces of update text (each
 * with the credentials verified for it), the origin and the keywords of a
 * submission to the ack, the queued notifications and the outcome.  The
 * one change-submission handler of every front end: the mail robot
 * (src/robot) now, syncupdates over HTTP next.  Nothing here knows MIME
 * or mail headers: the front end reads its input, verifies signatures,
 * decides whether to answer at all, and describes the origin
 * (registry/origin.h).
 *
 * What submit_run() does, in order:
 *  - refuse a submission beyond a limit (submit_req_t.limit, found by the
 *    front end; or conf.h's max_line_length, max_paragraphs and
 *    max_object_size over the text, max_objects and max_passwords over
 *    the split update; or, found while processing, max_recipients,
 *    max_notify_bytes and max_passes): one error ack naming the limit,
 *    nothing applied ("The mail was not processed: WHY. Nothing was
 *    changed. ...");
 *  - HELP or HOWTO (the keywords): the help text, nothing processed (a
 *    submission recorded as handled is not answered again);
 *  - otherwise, in ONE write transaction: the replay check (a submission
 *    whose identity is recorded is not applied or answered again:
 *    SUBMIT_HANDLED_BEFORE), processing (registry/process.h), the ack
 *    (registry/report.h), the notifications (registry/notify.h), the ack
 *    and the notifications queued in the store (registry/mailout.h: the
 *    ack only when origin.reply_addr is set), and the identity recorded
 *    ("TIME ok=N failed=N"); a dry-run: line keeps no object change but
 *    still queues and records the ack; a dry run of the submission
 *    (submit_req_t.dry_run) commits nothing at all;
 *  - after the commit, and only then: the keys of created, changed or
 *    deleted key-certs enter or leave the registry's keyring (keyring.h);
 *  - the exit-code policy: a failure that would repeat on every retry
 *    (submit_transient() says no) is answered instead: a FAILED ack
 *    "Unexpected error occurred: ... (reference REF) ...", nothing
 *    applied, the submission recorded as handled ("TIME internal REF"),
 *    outcome SUBMIT_INTERNAL with the failure as the reason.
 *
 * Replay records (store_seen_*): the identity maps to "TIME WHAT" (WHAT:
 * "ok=N failed=N", "help", "limit", "internal REF"); the replay key (a
 * mail's "mid:<Message-ID>") maps to the identity of the first
 * submission that carried it.  A replay key recorded for another
 * identity is only noted (log pair message-id-reused=yes), except that a
 * record of the form written before identities existed ("TIME ok=..."),
 * younger than 7 days, still counts as handled.
 *
 * Ownership: a submit_t copies nothing of its request but the update it
 * splits from the pieces: the pieces' texts may be freed once
 * submit_new() returned, everything else the request points to must live
 * until submit_free().  The store is the caller's: opened, locked
 * (store_lock) and, after submit_run(), flushed (mailout_flush) by it.
 */
#ifndef AUTODBM_SUBMIT_H
#define AUTODBM_SUBMIT_H

#include <stddef.h>
#include <time.h>

#include "registry/conf.h"
#include "registry/notify.h"
#include "registry/origin.h"
#include "registry/update.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/err.h"

/** One submission in progress (opaque). */
typedef struct submit submit_t;

/** What became of a submission (submit_outcome_name() gives the log word). */
enum submit_outcome {
    SUBMIT_APPLIED = 1,     /**< "applied": processed, objects were found */
    SUBMIT_NO_UPDATE,       /**< "no-update": answered FAILED, no object */
    SUBMIT_DRY_RUN,         /**< "dry-run": a dry-run: line or a dry run */
    SUBMIT_HELP,            /**< "help": answered with the help text */
    SUBMIT_REFUSED,         /**< "refused": beyond a limit */
    SUBMIT_INTERNAL,        /**< "internal-error": answered as one */
    SUBMIT_HANDLED_BEFORE   /**< "already-handled": a replay, not answered */
};

/** A submission.  Every pointer is the caller's (see Ownership). */
typedef struct submit_req {
    const upd_piece_t *pieces;  /**< the update text with its credentials */
    size_t npieces;
    const diag_list_t *diags;   /**< the front end's messages for the
                                     ack's global part (mailin's), or NULL */
    origin_t origin;            /**< where it came from (origin.h) */
    const char *keywords;       /**< the keyword line (a mail's Subject:;
                                     update.h reads NEW, HELP, HOWTO, DIFF),
                                     or NULL */
    const char *identity;       /**< its identity for the replay records
                                     (the robot: "mail:" and a digest);
                                     NULL: no replay check, nothing recorded */
    const char *replay_key;     /**< a second key naming it ("mid:" and the
                                     Message-ID), or NULL */
    const char *ref;            /**< the reference an internal-error ack
                                     and the log quote */
    const char *limit;          /**< why it is beyond a limit only the front
                                     end can see (max_mail_size, MIME), or
                                     NULL */
    const char *host;           /**< the host name of the ack's footer */
    time_t now;                 /**< the time it is handled */
    int dry_run;                /**< 1: process, commit nothing, queue nothing */
} submit_req_t;

/**
 * Start a submission: check the limits over the text and split it into
 * the update (update.h), bounding its password checks (cred.h).
 * @param conf  the configuration (limits, source, addresses); kept
 * @param req   the submission; kept (see Ownership)
 * @param out   receives the submission; free with submit_free()
 * @return 0 (also beyond a limit: submit_run() refuses it); ERR_NOMEM.
 */
int submit_new(const conf_t *conf, const submit_req_t *req, submit_t **out, err_t *err);

/**
 * Run the transaction (see the header) in @st, which the caller has
 * opened and locked.
 * @return 0 when the submission was handled (whatever its outcome, an
 *         internal error included); else a transient status (ERR_TEMP,
 *         ERR_IO, ERR_NOMEM: nothing kept, try again later), or the
 *         status of a failure to answer an internal error.
 */
int submit_run(submit_t *s, store_t *st, err_t *err);

/**
 * The exit-code policy: is @code, a failure of the processing, transient,
 * so that the same submission may succeed later?  Yes for ERR_TEMP (the
 * store busy, locked, full or unwritable), ERR_IO and ERR_NOMEM.  Anything
 * else (ERR_STORE: any other LMDB failure or a stored state that does not
 * read, ERR_SOFTWARE, and ERR_NOTFOUND, ERR_SYNTAX, ... from a step where
 * they cannot happen) would fail the same way every time.
 */
int submit_transient(int code);

/** The outcome after submit_run() returned 0. */
enum submit_outcome submit_outcome(const submit_t *s);

/** The log word of @o ("applied", "refused", ...). */
const char *submit_outcome_name(enum submit_outcome o);

/** Why (refused: the limit; no-update: the first error; internal-error:
 *  the failure; already-handled: that it is a replay), or NULL. */
const char *submit_reason(const submit_t *s);

/** The ack body (empty for SUBMIT_HANDLED_BEFORE). */
const buf_t *submit_ack(const submit_t *s);

/** The ack subject ("SUCCESS: KEYWORDS" or "FAILED: KEYWORDS"), or NULL. */
const char *submit_ack_subject(const submit_t *s);

/** The ack as queued (a whole RFC 5322 message, for an archive); empty
 *  when none was queued. */
const buf_t *submit_ack_queued(const submit_t *s);

/** The notifications queued (empty on a dry run). */
const notify_list_t *submit_notes(const submit_t *s);

/** More KEY=VALUE pairs for the front end's log line (logline.h):
 *  mistyped-passwords, mistyped-overrides, gnupg-error, unusable-address,
 *  message-id-reused, ref, keyring-warning, objects, ok, failed,
 *  notifications, each where it applies, in this order. */
const buf_t *submit_log(const submit_t *s);

/**
 * For SUBMIT_HANDLED_BEFORE: when the first one was handled (0: not
 * recorded) and the rest of its record ("ok=2 failed=1", "help", ...).
 * The string is owned by @s.
 */
void submit_seen(const submit_t *s, long *when, const char **record);

/** Free a submission (and wipe its passwords).  NULL is accepted. */
void submit_free(submit_t *s);

#endif
