/*
 * report.h - the acknowledgement text (FORMATS.md "Acknowledgement",
 * ../shared/spec/ripe/messages.txt section 1 and 2).
 *
 * Pure text formatting over a proc_report_t; no store access.
 */
#ifndef AUTODBM_REPORT_H
#define AUTODBM_REPORT_H

#include <time.h>

#include "util/buf.h"
#include "util/diag.h"
#include "registry/process.h"

/** The request's headers as the ack quotes them (NULL: line omitted). */
typedef struct report_origin {
    const char *from;
    const char *subject;
    const char *date;
    const char *reply_to;
    const char *message_id;
} report_origin_t;

/** Footer facts. */
typedef struct report_opts {
    const char *source;     /**< "TEST": "the TEST database" */
    const char *version;    /**< software version */
    const char *host;       /**< host name */
    time_t now;             /**< handled time (UTC, ISO 8601) */
} report_opts_t;

/**
 * Append the ack body: quoted headers, SUMMARY OF UPDATE, DETAILED
 * EXPLANATION (global messages, then failed objects with the object as
 * submitted and its messages under the attributes, then successful ones,
 * then paragraphs NOT PROCESSED), footer.  Passwords never appear (they
 * are not in the report).  auth: hashes are shown filtered.
 */
void report_ack(const report_origin_t *o, const proc_report_t *r,
                const report_opts_t *opts, buf_t *out);

/**
 * The ack subject: "SUCCESS: <subject>" when every object succeeded and
 * at least one was found, else "FAILED: <subject>".
 * @return a malloc'd string.
 */
char *report_subject(const proc_report_t *r, const char *orig_subject);

/**
 * The subject of the HELP/HOWTO answer: "SUCCESS: <subject>" (RIPE's
 * form; the body of such a mail is ignored, nothing can fail).
 * @return a malloc'd string.
 */
char *report_help_subject(const char *orig_subject);

/** Append the HELP/HOWTO answer body (for @source): RIPE's sentence that
 *  the body of the mail was ignored, then the help text. */
void report_help(const report_origin_t *o, const report_opts_t *opts,
                 buf_t *out);

/**
 * Append one message as the ack prints it: "***Error:   " etc. padded to
 * 12 columns, text wrapped before column 80, continuation lines (and
 * explicit newlines in the text) indented by 12 spaces; ends in '\n'.
 */
void report_message(enum diag_sev sev, const char *text, buf_t *out);

/**
 * Append the line of 52 '~' and a '\n' that frames the ack's footer and
 * the notifications' text.
 */
void report_tilde_line(buf_t *out);

#endif
