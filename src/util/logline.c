/*
 * logline.c - log lines of KEY=VALUE pairs (see logline.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/logline.h"

/* A byte a bare value may hold. */
static int bare_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("@._:/+-<>", c) != NULL);
}

void logline_kv(buf_t *line, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = xvasprintf(fmt, ap);
    va_end(ap);
    if (line->len)
        buf_putc(line, ' ');
    buf_puts(line, key);
    buf_putc(line, '=');
    const unsigned char *p = (const unsigned char *)v;
    int bare = *p != 0;
    for (; *p && bare; p++)
        bare = bare_byte(*p);
    if (bare) {
        buf_puts(line, v);
        free(v);
        return;
    }
    buf_putc(line, '"');
    for (p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf_putc(line, '\\');
            buf_putc(line, *p);
        } else if (*p == '\n') {
            buf_puts(line, "\\n");
        } else if (*p == '\r') {
            buf_puts(line, "\\r");
        } else if (*p == '\t') {
            buf_puts(line, "\\t");
        } else if (*p < 0x20 || *p == 0x7f) {
            buf_printf(line, "\\x%02x", *p);
        } else {
            buf_putc(line, *p);
        }
    }
    buf_putc(line, '"');
    free(v);
}

void logline_time(buf_t *line, const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    logline_kv(line, "time", "%ldms",
               (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000));
}
