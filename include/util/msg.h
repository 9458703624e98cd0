/*
 * msg.h - the one logging entry point of every program and library module.
 *
 * main() calls msg_open() once with the program's name and where messages
 * go; after that any module reports with msg_info(), msg_warn() or
 * msg_error() (free text, a sentence for a human) or msg_kv() (a line of
 * KEY=VALUE pairs built with logline_kv(), see util/logline.h, for
 * programs reading the log).
 *
 * Destinations:
 *   - MSG_STDERR: free-text messages go to standard error as
 *     "PROGRAM: TEXT" (the tools' diagnostics, which their callers read);
 *   - MSG_SYSLOG: every message goes to syslog(3), facility LOG_MAIL, with
 *     the program's name as ident and its pid;
 *   - a KEY=VALUE line goes to syslog when MSG_SYSLOG is set, and also to
 *     standard error when that is a terminal or $AUTODBM_LOG_STDERR is set
 *     (so an operator running the robot by hand sees what it logs).
 * Without msg_open() (unit tests) messages go to standard error under the
 * name "autodbm".
 *
 * State: the program name and the destinations, set by main() through
 * msg_open() and read by everything else; the only process-wide state the
 * library keeps.  msg_close() ends it.  Not thread-safe; none of the
 * programs uses threads.
 *
 * Library code reports through these functions only when nobody else
 * could: errors go up in an err_t (util/err.h) for the caller to print.
 */
#ifndef AUTODBM_MSG_H
#define AUTODBM_MSG_H

#include "util/buf.h"

/** msg_open() destination flags. */
enum msg_dest {
    MSG_STDERR = 1,     /**< free text to standard error */
    MSG_SYSLOG = 2      /**< everything to syslog, LOG_MAIL */
};

/**
 * Set the program name and the destinations; call once from main().
 * @param prog  the program's name ("autodbm", "autodbm-load"); the string
 *              must outlive the program (a literal or argv[0])
 * @param dest  MSG_STDERR and/or MSG_SYSLOG
 */
void msg_open(const char *prog, int dest);

/** End syslog use (closelog) and return to the defaults. */
void msg_close(void);

/** The program name given to msg_open(), or "autodbm". */
const char *msg_prog(void);

/** Report progress or a fact worth logging (LOG_INFO). */
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Report a problem the program survives (LOG_WARNING). */
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Report a failure (LOG_ERR).  Does not exit: the caller decides. */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Log one KEY=VALUE line (built with logline_kv()) at syslog priority
 * @prio (LOG_INFO, LOG_WARNING, ...), to the destinations the header
 * describes.  An empty line logs nothing.
 */
void msg_kv(int prio, const buf_t *line);

#endif
