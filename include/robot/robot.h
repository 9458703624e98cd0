/*
 * robot.h - the mail robot's own steps around the update transaction
 * (registry/submit.h): reading one mail from the MTA, its identity and
 * reference, the archive copy, loop protection, the limits only a mail
 * has (size, MIME structure, signatures), the origin an ack is
 * addressed by, delivery of the queue, and the one log line.  main.c
 * (bin/autodbm) tells the story with these; nothing else uses them.
 *
 * One robot_t lives in main() for one run: robot_init() sets it up,
 * robot_free() releases everything it holds (mail, store, submission).
 * The log line is built up in it as the steps go: every step that ends
 * the handling of the mail sets outcome, reason, prio and the exit
 * status (robot_drop(), robot_tempfail(), robot_answered()).
 */
#ifndef AUTODBM_ROBOT_H
#define AUTODBM_ROBOT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "registry/conf.h"
#include "registry/submit.h"
#include "robot/mailin.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

/** One run of the robot. */
typedef struct robot {
    conf_t conf;
    time_t now;
    int dry_run;            /**< -n */
    int parse_only;         /**< -p */
    const char *host;       /**< this host's name (the ack's footer) */
    struct timespec t0;     /**< when the run started (time= of the log) */
    int unconfigured;       /**< the configuration did not read: the log
                                 line has outcome, reason and time only */
    buf_t raw;              /**< the mail as read; freed once parsed and
                                 archived */
    size_t raw_len;         /**< its length */
    int too_big;            /**< it is larger than max_mail_size (only
                                 max_mail_size + 1 bytes were kept) */
    mailin_msg_t *mail;     /**< the parsed mail */
    char *identity;         /**< robot_parse(): "mail:" and its digest */
    char *mid_key;          /**< "mid:" and its Message-ID, or NULL */
    char *ref;              /**< its reference (a digest of the identity) */
    char *abase;            /**< its archive files' base name, or NULL */
    store_t *st;            /**< the store, once opened and locked */
    submit_t *sub;          /**< the update transaction */
    /* the one log line of the mail */
    const char *outcome;    /**< "handled", "tempfail", "dropped", ... */
    char *reason;           /**< why, or NULL */
    int prio;               /**< its syslog priority */
    buf_t logextra;         /**< more pairs (logline_kv()) */
    int ex;                 /**< the exit status (sysexits) */
} robot_t;


/**
 * Set up @r for one run (and the MIME library: mailin_init()).
 * @param now        the time the mail is handled
 * @param dry_run    -n
 * @param parse_only -p
 * @param host       this host's name; must outlive @r
 */
void robot_init(robot_t *r, time_t now, int dry_run, int parse_only, const char *host);

/**
 * Read the mail from @fp: at most max_mail_size + 1 bytes are kept
 * (too_big is set beyond); the rest is read and thrown away (up to 4 GB)
 * so that the MTA writing into the pipe sees no broken pipe.
 * @return 0, ERR_IO.
 */
int robot_read(robot_t *r, FILE *fp, err_t *err);

/**
 * Parse the mail (mailin.h; of a mail beyond max_mail_size only the header
 * block), give it its identity (the SHA-256 of the mail as its sender
 * wrote it: without mbox envelope lines and the header fields a delivery
 * adds, CR LF read as LF) and reference, and archive it as "REF-PID.in"
 * (not with -n or -p).  The raw bytes are freed then.
 * @return 0; ERR_SYNTAX when the bytes are not a mail (archived all the
 *         same; the text says why); ERR_IO when the archive copy failed
 *         (every mail whose effects are committed has its original in the
 *         archive: the MTA must keep it); ERR_NOMEM.
 */
int robot_parse(robot_t *r, err_t *err);

/**
 * Why the mail is not answered (loop protection, RFC 3834 section 2 and
 * common practice): a bounce, Auto-Submitted, Precedence bulk/junk/list,
 * List-Id, X-Autoreply, an X-Loop naming the robot, no reply address, or
 * from the robot's own address.  A mail that is not answered is not
 * processed either.
 * @return the reason, or NULL: answer it.
 */
const char *robot_why_not_answer(const robot_t *r);

/** -p: print each piece preceded by "% piece N: CREDENTIALS". */
void robot_print_pieces(const robot_t *r);

/**
 * The update transaction of the mail: its pieces, origin (the quoted
 * header fields, reply address) and Subject as keywords, with the limits
 * only a mail has (max_mail_size, max_mime_depth, max_mime_parts,
 * max_signed_blocks), handed to submit_new(); then the store opened and
 * locked (lock_timeout: one writer at a time, never an endless wait on a
 * stuck one) and submit_run().
 * @return 0; a transient status (see submit_run(); store_open_size(),
 *         store_lock()): the mail must be kept.
 */
int robot_submit(robot_t *r, err_t *err);

/**
 * The mail was handled by robot_submit(): its outcome into the log line
 * (with the archive path for an internal error); with -n the ack is
 * printed on standard output ("Subject: ...", a blank line, the body),
 * or for a mail handled before, why there is none; the ack as queued is
 * archived next to the mail ("REF-PID.ack"; a failure is a logged warning).
 */
void robot_answered(robot_t *r);

/** The mail is not handled (on purpose): outcome dropped, @why. */
void robot_drop(robot_t *r, const char *why);

/** The mail must be kept by the MTA: outcome tempfail, @err's text, exit 75. */
void robot_tempfail(robot_t *r, const err_t *err);

/**
 * Deliver what is queued - this mail's messages and whatever an earlier
 * run left - unless the mail was not handled (or -n); the counts into the
 * log line.  The store's writer lock is released first.
 */
void robot_deliver(robot_t *r);

/**
 * Log the mail's one line (util/msg.h), except with -p; then, for whoever
 * ran the robot, on standard error only: on exit 75 "autodbm: temporary
 * failure: REASON" (the line the MTA shows), with -n of a mail handled
 * before "autodbm: already handled on TIME (RECORD): ...".
 */
void robot_log(robot_t *r);

/** Release everything @r holds (and mailin_shutdown()). */
void robot_free(robot_t *r);

#endif
