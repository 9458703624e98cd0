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
