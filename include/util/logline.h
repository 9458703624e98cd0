/*
 * logline.h - log lines that a program can parse: KEY=VALUE pairs.
 *
 * A log line is a sequence of pairs separated by one space, each
 * KEY=VALUE.  KEY is lower-case letters, digits and '-' (the caller's
 * constant; README "Logging" lists every key).  VALUE is written bare
 * when it is not empty and holds only the bytes A-Z a-z 0-9 @ . _ : / +
 * - < >; else it is written in double quotes, with '"' as \" and '\' as
 * \\, a line feed, carriage return and tab as \n \r \t, every other
 * control byte (and DEL) as \xHH; other bytes (UTF-8) as they are.  So a
 * line holds no control byte, and reading it back needs no context:
 *
 *     line  = pair *(" " pair)
 *     pair  = key "=" (bare / quoted)
 *     bare  = 1*[A-Za-z0-9@._:/+<>-]
 *     quoted = DQUOTE *(any byte but DQUOTE and "\" / "\" escape) DQUOTE
 *
 * logline_kv() is the one writer of a pair; msg_kv() (util/msg.h) logs
 * the line.
 */
#ifndef AUTODBM_LOGLINE_H
#define AUTODBM_LOGLINE_H

#include <time.h>

#include "util/buf.h"

/**
 * Append the pair @key=VALUE to @line, VALUE being the printf-style
 * @fmt, quoted and escaped as the header says; a space goes before it
 * unless @line is empty.
 * @param line  the line being built
 * @param key   the key: [a-z0-9-]+, not checked
 * @param fmt   printf format of the value (the value may hold anything,
 *              including untrusted text from a mail)
 */
void logline_kv(buf_t *line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Append the pair time=Nms: the milliseconds since @t0, a time taken
 * with clock_gettime(CLOCK_MONOTONIC) (a run's or a request's duration).
 */
void logline_time(buf_t *line, const struct timespec *t0);


#endif
