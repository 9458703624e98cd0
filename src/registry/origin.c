/*
 * origin.c - where an update came from, as the answers name it (see
 * registry/origin.h).
 */
#include <time.h>

#include "registry/origin.h"
#include "util/buf.h"

void origin_http_lines(const origin_t *o, time_t now, buf_t *out)
{
    static const char *const dow[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const char *client = o && o->client ? o->client : "(unknown)";
    buf_puts(out, "- From-Host: ");
    for (const char *p = client; *p; p++)
        buf_putc(out, (*p == '\r' || *p == '\n') ? ' ' : *p);
    buf_puts(out, "\n- Date/Time: ");
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL)
        buf_puts(out, "Thu Jan 1 00:00:00 1970Z");
    else
        buf_printf(out, "%s %s %d %02d:%02d:%02d %dZ", dow[tm.tm_wday % 7],
                   mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   tm.tm_year + 1900);
    buf_putc(out, '\n');
}
