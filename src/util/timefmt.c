/*
 * timefmt.c - time stamps as the registry writes them (see
 * util/timefmt.h).
 */
#include <string.h>
#include <time.h>

#include "util/timefmt.h"

int timefmt_iso8601(time_t t, char out[TIMEFMT_ISO8601_SIZE])
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, TIMEFMT_ISO8601_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        memcpy(out, "1970-01-01T00:00:00Z", sizeof "1970-01-01T00:00:00Z");
        return -1;
    }
    return 0;
}

int timefmt_parse_iso8601(const char *s, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (e == NULL || (*e != 'Z' && *e != 0) || (*e == 'Z' && e[1] != 0))
        return -1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t;
    return 0;
}
