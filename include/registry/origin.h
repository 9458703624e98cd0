/*
 * origin.h - where an update came from, as the answers name it.
 *
 * The update transaction (registry/submit.h) does not know how an update
 * arrived; its front end describes the origin here, and the ack
 * (registry/report.h) and the notifications (registry/notify.h) name it:
 *  - a mail (ORIGIN_MAIL): the ack quotes its header fields
 *    (">  From:       ...", Subject, Date, Reply-To, Message-ID, each
 *    line only when the field is set), the notifications say
 *    "- From:      FROM", the ack is mailed to reply_addr with the
 *    Message-ID as its In-Reply-To;
 *  - an HTTP request (ORIGIN_HTTP, syncupdates): the ack and the
 *    notifications both say "- From-Host: CLIENT" and
 *    "- Date/Time: Thu Dec 3 12:00:00 2026Z" (the handling time, UTC, the
 *    day of month not padded), and the ack's footer calls it a "sync
 *    update"; the ack is the response, so reply_addr is NULL.
 *
 * An origin_t holds pointers only: the front end owns the strings and
 * keeps them while they are used.  Left zero, kind is ORIGIN_MAIL.
 */
#ifndef AUTODBM_ORIGIN_H
#define AUTODBM_ORIGIN_H

#include <time.h>

#include "util/buf.h"

/** How an update arrived. */
enum origin_kind {
    ORIGIN_MAIL = 0,        /**< a mail to the robot */
    ORIGIN_HTTP = 1         /**< an HTTP request (syncupdates) */
};

/** The origin of an update.  NULL strings are left out of the answers. */
typedef struct origin {
    const char *from;       /**< MAIL: From: as written (decoded, unfolded) */
    const char *subject;    /**< MAIL: Subject: (the ack's subject repeats it) */
    const char *date;       /**< MAIL: Date: as written */
    const char *reply_to;   /**< MAIL: the quoted Reply-To: (Reply-To:, else
                                 From:) */
    const char *message_id; /**< MAIL: Message-ID: with its angle brackets
                                 (the ack's In-Reply-To:) */
    enum origin_kind kind;  /**< how it arrived */
    const char *client;     /**< HTTP: the client's address (From-Host) */
    const char *user_agent; /**< HTTP: the client's User-Agent, for the
                                 front end's log; never printed in an answer */
    const char *reply_addr; /**< the bare address the ack is mailed to;
                                 NULL: the ack is not mailed */
} origin_t;

/**
 * Append the two lines by which an HTTP origin is named in the ack and in
 * the notifications: "- From-Host: CLIENT\n- Date/Time: DATE\n", DATE
 * being @now as "Thu Dec 3 12:00:00 2026Z" (UTC).  Line breaks in the
 * client's address become spaces; a NULL address is "(unknown)".
 */
void origin_http_lines(const origin_t *o, time_t now, buf_t *out);

#endif
