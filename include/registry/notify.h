/*
 * notify.h - notifications: the address x object matrix of an update and
 * one text per address: each address gets one mail covering exactly
 * the objects that concern it, never a CC, never the robot's own address.
 * Subject "Notification of <SOURCE> database changes", or "<SOURCE>
 * database updates, auth error notification" when the mail reports an
 * authorisation failure; the body in RIPE's layout (notification.vm of
 * RIPE's whois), since users' scripts read it; see notify.c.
 *
 * Who is told (after the whole update was processed):
 *  - success: notify: of the object (the old version for modify and
 *    delete), mnt-nfy: of the mntners in mnt-by (old and new);
 *  - authorisation failure: upd-to: of the mntners in proc_result.upd_to
 *    (the maintainers of the failed checks) and in the object's mnt-by
 *    (no notify: then);
 *  - success of a new route(6): also notify: of its origin aut-num;
 *  - irt-nfy: of an irt named by an added or removed mnt-irt:, ref-nfy: of
 *    an organisation named by an added or removed org: (issue 5).
 * Each address gets one mail covering exactly its objects; never CC;
 * never the robot's own address; none on a dry run; no password or auth:
 * hash ever shown.
 *
 * Ownership: notify_list_t owns its entries; notify_list_free().
 */
#ifndef AUTODBM_NOTIFY_H
#define AUTODBM_NOTIFY_H

#include <stddef.h>
#include <time.h>

#include "util/err.h"
#include "registry/mailout.h"
#include "registry/origin.h"
#include "registry/process.h"
#include "store/store.h"

/** One notification mail. */
typedef struct notify_mail {
    char *to;           /**< the one recipient address */
    char *subject;      /**< "Notification of TEST database changes", or
                             "TEST database updates, auth error notification" */
    char *body;         /**< the text; NULL with notify_opts_t.shared */
    mailout_seg_t *segs;/**< with notify_opts_t.shared: the text as
                             segments (each ends with a newline), the
                             objects as parts of notify_list_t (owned);
                             else NULL */
    size_t nsegs;
} notify_mail_t;

typedef struct notify_list {
    notify_mail_t *v;
    size_t n, cap;
    mailout_part_t *parts;  /**< with notify_opts_t.shared: the text of
                                 each object entry, once, whoever is told
                                 about it (owned) */
    size_t nparts;
} notify_list_t;

/** Facts for the texts. */
typedef struct notify_opts {
    const char *source;         /**< registry source */
    const char *robot_address;  /**< never notified */
    const origin_t *origin;     /**< where the update came from
                                     (origin.h): "- From:      FROM" for a
                                     mail, "- From-Host:" and its own
                                     "- Date/Time:" for an HTTP request */
    time_t now;                 /**< "- Date/Time:" */
    unsigned max_recipients;    /**< distinct addresses at most
                                     (max_recipients); 0: no bound */
    size_t max_notify_bytes;    /**< bytes of all the mails together, each
                                     as delivered (mailout_segs_size()), at
                                     most (max_notify_bytes); 0: no bound */
    int shared;                 /**< 1: the mails come as segments and
                                     shared parts (mailout_compose_queue_segs):
                                     an object told to many addresses is
                                     held once; 0: each as one body */
} notify_opts_t;

/**
 * Build the notifications of an update.
 * @param txn   the transaction the update ran in (mntners are read from it)
 * @param r     the processed update
 * @param opts  facts for the texts
 * @param out   receives the mails (appended), one per address, sorted by
 *              address
 * @return 0; ERR_LIMIT when the mails would go to more than
 *         opts->max_recipients addresses (counted before any text is
 *         built) or would make more than opts->max_notify_bytes bytes
 *         (counted mail by mail as they are built: the building stops at
 *         the first mail beyond); nothing is appended to @out then, nor
 *         on any other error; the store's status
 *         (ERR_TEMP, ERR_STORE, ...) when a look-up failed; ERR_SOFTWARE
 *         when the version a result wrote is not in @txn (a bug).
 */
int notify_build(store_txn_t *txn, const proc_report_t *r,
                 const notify_opts_t *opts, notify_list_t *out, err_t *err);

/** Free the mails of @l; @l is left empty. */
void notify_list_free(notify_list_t *l);

#endif
