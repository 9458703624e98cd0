/*
 * mailout.h - outgoing mail: compose RFC 5322 messages (GMime), queue them
 * in the store in the update's transaction, deliver them after the commit
 * (libESMTP, or a Maildir outbox), and retry what could not be delivered.
 *
 * A queued message is removed from the store only after delivery
 * succeeded for its one recipient, so a crash or an SMTP outage leaves it
 * queued for autodbm-flush (README "Programs").  Every message has exactly
 * one recipient, its only To: address.  The one
 * exception: a recipient our own MTA refuses for good (5xx) is logged and
 * the message dropped, since retrying it could never succeed.
 *
 * Shared parts: text that many messages carry (the objects of a
 * notification sent to many addresses) is queued once, as a part (a queue
 * entry with an empty recipient, already transfer-encoded), and each
 * message refers to it: its queued form is then a recipe (a first byte
 * NUL, then items 'T' <8-byte length> <bytes> or 'P' <8-byte part id>),
 * put together one message at a time at delivery.  A part leaves the queue
 * with the last message that refers to it.  So the queue, the transaction
 * and delivery hold each part once, however many recipients there are.
 */
#ifndef AUTODBM_MAILOUT_H
#define AUTODBM_MAILOUT_H

#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "registry/conf.h"
#include "util/err.h"
#include "store/store.h"

/** Initialise GMime for composition; once per process, before any other
 * mailout_ call (the robot's mailin_init() does the same: either will do;
 * GMime counts them). */
void mailout_init(void);

/** Release what mailout_init() set up. */
void mailout_shutdown(void);

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

/** A text shared by several messages (mailout_compose_queue_segs()). */
typedef struct mailout_part {
    char *text;             /**< the text (owned by whoever made the part) */
    size_t len;
    uint64_t queued[2];     /**< its queue id, transfer-encoded as 7bit
                                 ([0]) or quoted-printable ([1]); 0: not
                                 queued yet (set by the first message that
                                 uses it) */
    size_t size[2];         /**< 1 + its transfer-encoded length, 7bit
                                 ([0]) or quoted-printable ([1]); 0: not
                                 measured yet (set by mailout_segs_size()) */
    int qp;                 /**< 0: not looked at yet; 1: 7bit will do;
                                 2: needs quoted-printable (set by the first
                                 message that uses it) */
} mailout_part_t;

/** One segment of a body: a text of its own, or a shared part. */
typedef struct mailout_seg {
    char *text;             /**< the text (owned by the caller), or NULL */
    size_t len;
    long part;              /**< with text NULL: index of the part */
} mailout_seg_t;

/**
 * Compose @m (its body is ignored) with the body made of @segs, in order,
 * and queue it for @m->to as a recipe (mailout.h "Shared parts"): each
 * part the body uses is queued once, the first time a message needs it
 * in that transfer encoding (@parts[i].queued is set).  Every segment must
 * end with a newline (the encodings of the pieces then add up to the
 * encoding of the whole).  Delivered, the message is byte for byte what
 * mailout_compose() makes of the joined text.
 * @return 0, ERR_SYNTAX for an unusable address (nothing queued),
 *         ERR_TEMP, ERR_STORE.
 */
int mailout_compose_queue_segs(store_txn_t *txn, const mailout_msg_t *m,
                               const mailout_seg_t *segs, size_t nsegs,
                               mailout_part_t *parts, err_t *err);

/**
 * The size of the message mailout_compose_queue_segs() makes of @m and
 * @segs, as delivered (header block and transfer-encoded body), without
 * composing the body: each part is measured once per encoding and the
 * length kept in @parts[i].size, so measuring many messages that share a
 * part reads it once.  The Message-ID: is new for every message; its
 * length, and so the size, may differ by a few bytes from host to host.
 * @param size  receives the size; 0 when the address is unusable
 * @return 0, ERR_SYNTAX for an unusable address (such a message is never
 *         queued: mailout_compose_queue_segs() refuses it too).
 */
int mailout_segs_size(const mailout_msg_t *m, const mailout_seg_t *segs, size_t nsegs,
                      mailout_part_t *parts, size_t *size, err_t *err);

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

/**
 * What a front end does after its update: mailout_flush(), with what
 * became of it appended to the log line @log (util/logline.h):
 * delivered=N queued=N, and delivery-error=WHY when messages stay queued.
 * @return 0 when everything was delivered; else mailout_flush()'s status
 *         (the front end logs the line as a warning).
 */
int mailout_deliver(store_t *st, const conf_t *conf, buf_t *log);

#endif
