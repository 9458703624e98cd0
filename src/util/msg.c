/*
 * msg.c - the one logging entry point (see util/msg.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/msg.h"

/* Set by msg_open() from main(); read by every message. */
static const char *msg_name = "autodbm";
static int msg_dests = MSG_STDERR;

void msg_open(const char *prog, int dest)
{
    msg_name = prog ? prog : "autodbm";
    msg_dests = dest;
    if (dest & MSG_SYSLOG)
        openlog(msg_name, LOG_PID, LOG_MAIL);
}

void msg_close(void)
{
    if (msg_dests & MSG_SYSLOG)
        closelog();
    msg_name = "autodbm";
    msg_dests = MSG_STDERR;
}

const char *msg_prog(void)
{
    return msg_name;
}

static void msg_vlog(int prio, const char *fmt, va_list ap)
{
    char *text = xvasprintf(fmt, ap);
    if (msg_dests & MSG_STDERR)
        fprintf(stderr, "%s: %s\n", msg_name, text);
    if (msg_dests & MSG_SYSLOG)
        syslog(prio, "%s", text);
    free(text);
}

void msg_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vlog(LOG_INFO, fmt, ap);
    va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vlog(LOG_WARNING, fmt, ap);
    va_end(ap);
}

void msg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vlog(LOG_ERR, fmt, ap);
    va_end(ap);
}

void msg_kv(int prio, const buf_t *line)
{
    if (line->len == 0)
        return;
    if (msg_dests & MSG_SYSLOG)
        syslog(prio, "%s", line->s);
    if (isatty(2) || getenv("AUTODBM_LOG_STDERR"))
        fprintf(stderr, "%s: %s\n", msg_name, line->s);
}
