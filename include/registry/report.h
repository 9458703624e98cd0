/*
 * report.h - the acknowledgement text, in the layout of RIPE's auto-dbm
 * ack (RIPE's messages.txt sections 1 and 2), which users' scripts parse:
 * the layout is drawn in report.c.
 *
 * Pure text formatting over a proc_report_t; no store access.
 */
#ifndef AUTODBM_REPORT_H
#define AUTODBM_REPORT_H

#include <time.h>

#include "util/buf.h"
#include "util/diag.h"
#include "registry/origin.h"
#include "registry/process.h"

/** Footer facts. */
typedef struct report_opts {
    const char *source;     /**< "TEST": "the TEST database" */
    const char *version;    /**< software version */
    const char *host;       /**< host name */
    time_t now;             /**< handled time (UTC, ISO 8601) */
} report_opts_t;

/**
 * Append the ack body: the origin (registry/origin.h: a mail's quoted
 * headers, or an HTTP request's "- From-Host:" and "- Date/Time:" lines
 * at opts->now), SUMMARY OF UPDATE, DETAILED
 * EXPLANATION (global messages, then failed objects with the object as
 * submitted and its messages under the attributes, then successful ones,
 * then paragraphs NOT PROCESSED), footer ("Handled email update", or
 * "Handled sync update" for an HTTP origin).  Passwords never appear (they
 * are not in the report).  auth: hashes are shown filtered.
 */
void report_ack(const origin_t *o, const proc_report_t *r,
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

/** Append the HELP/HOWTO answer body (for @source): the origin as
 *  report_ack() shows it, RIPE's sentence that the body of the mail was
 *  ignored, then the help text; the footer says "email help request", or
 *  "sync update" for an HTTP origin. */
void report_help(const origin_t *o, const report_opts_t *opts,
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
