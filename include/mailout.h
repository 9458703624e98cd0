/*
 * mailout.h - outgoing mail: compose RFC 5322 messages (GMime), queue them
 * in the store in the update's transaction, deliver them after the commit
 * (libESMTP, or a Maildir outbox), and retry what could not be delivered.
 *
 * A queued message is removed from the store only after delivery
 * succeeded for its one recipient, so a crash or an SMTP outage leaves it
 * queued for autodbm-flush (INTERFACE.md "Outgoing mail").  The one
 * exception: a recipient our own MTA refuses for good (5xx) is logged and
 * the message dropped, since retrying it could never succeed.
 */
#ifndef AUTODBM_MAILOUT_H
#define AUTODBM_MAILOUT_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "store.h"

/** Kinds of outgoing mail (they differ in Auto-Submitted:). */
enum mailout_kind {
    MAILOUT_ACK = 1,    /**< "Auto-Submitted: auto-replied" */
    MAILOUT_NOTIFY = 2  /**< "Auto-Submitted: auto-generated" */
};

/** One message to compose. */
typedef struct mailout_msg {
    enum mailout_kind kind;
    const char *from;           /**< the robot's address */
    const char *to;             /**< exactly one recipient */
    const char *subject;        /**< UTF-8; encoded as needed */
    const char *body;           /**< UTF-8 text */
    const char *in_reply_to;    /**< Message-ID answered (acks), or NULL */
    time_t date;                /**< Date: */
} mailout_msg_t;

/**
 * Compose an RFC 5322 message (text/plain; charset=utf-8, Date,
 * Message-ID, MIME-Version, Auto-Submitted, In-Reply-To/References).
 * Header values from the input are sanitised (no CR/LF injection).
 * @param out  the message is appended (CRLF-free, LF line ends)
 * @return 0, ERR_SYNTAX for an unusable recipient address.
 */
int mailout_compose(const mailout_msg_t *m, buf_t *out, err_t *err);

/**
 * Compose @m as mailout_compose() does and queue it for @m->to in the
 * store (write transaction), written straight into the queue: the message
 * is never held whole in memory.
 * @param copy  when not NULL, the queued message is also appended to it
 * @return 0, ERR_SYNTAX for an unusable address (nothing queued),
 *         ERR_TEMP, ERR_STORE.
 */
int mailout_compose_queue(store_txn_t *txn, const mailout_msg_t *m, buf_t *copy,
                          err_t *err);

/**
 * Queue a composed message for @to in the store (write transaction).
 * @return 0, ERR_TEMP, ERR_STORE.
 */
int mailout_queue(store_txn_t *txn, const char *to, const char *data,
                  size_t len, err_t *err);

/** Delivery statistics. */
typedef struct mailout_stats {
    unsigned delivered;     /**< messages delivered and removed */
    unsigned deferred;      /**< messages left queued */
} mailout_stats_t;

/**
 * Deliver every queued message (conf->delivery: smtp to conf->smtp_server,
 * or maildir into conf->outbox/new), removing each delivered message from
 * the queue.  A message whose delivery failed stays queued.
 * @return 0 when everything was delivered; ERR_TEMP when some messages
 *         stay queued (stats say how many); ERR_STORE.
 */
int mailout_flush(store_t *st, const conf_t *conf, mailout_stats_t *stats,
                  err_t *err);

#endif
