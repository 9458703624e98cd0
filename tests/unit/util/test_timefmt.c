/*
 * test_timefmt.c - the registry's time stamp form (util/timefmt.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "util/timefmt.h"

static void test_iso8601(void)
{
    char out[TIMEFMT_ISO8601_SIZE];
    CU_ASSERT_EQUAL(timefmt_iso8601(0, out), 0);
    CU_ASSERT_STRING_EQUAL(out, "1970-01-01T00:00:00Z");
    CU_ASSERT_EQUAL(timefmt_iso8601(1776166424, out), 0);
    CU_ASSERT_STRING_EQUAL(out, "2026-04-14T11:33:44Z");
    CU_ASSERT_EQUAL(timefmt_iso8601(951782400, out), 0);      /* leap day */
    CU_ASSERT_STRING_EQUAL(out, "2000-02-29T00:00:00Z");
    /* UTC whatever the time zone */
    const char *tz = getenv("TZ");
    char *saved = tz ? strdup(tz) : NULL;
    setenv("TZ", "America/New_York", 1);
    tzset();
    CU_ASSERT_EQUAL(timefmt_iso8601(1776166424, out), 0);
    CU_ASSERT_STRING_EQUAL(out, "2026-04-14T11:33:44Z");
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

/* The reading side: what -t of the robot accepts. */
static void test_parse_iso8601(void)
{
    time_t t = 7;
    CU_ASSERT_EQUAL(timefmt_parse_iso8601("2026-04-14T11:33:44Z", &t), 0);
    CU_ASSERT_EQUAL(t, (time_t)1776166424);
    t = 7;
    CU_ASSERT_EQUAL(timefmt_parse_iso8601("2026-04-14T11:33:44", &t), 0);
    CU_ASSERT_EQUAL(t, (time_t)1776166424);
    char out[TIMEFMT_ISO8601_SIZE];
    timefmt_iso8601(t, out);
    CU_ASSERT_STRING_EQUAL(out, "2026-04-14T11:33:44Z");
    t = 7;
    CU_ASSERT_EQUAL(timefmt_parse_iso8601("2026-04-14T11:33:44Zx", &t), -1);
    CU_ASSERT_EQUAL(timefmt_parse_iso8601("2026-04-14T11:33:44+01", &t), -1);
    CU_ASSERT_EQUAL(timefmt_parse_iso8601("2026-04-14 11:33:44Z", &t), -1);
    CU_ASSERT_EQUAL(timefmt_parse_iso8601("", &t), -1);
    CU_ASSERT_EQUAL(t, (time_t)7);
}

void suite_timefmt(void);
void suite_timefmt(void)
{
    CU_pSuite s = harness_suite("timefmt");
    HARNESS_ADD(s, test_iso8601);
    HARNESS_ADD(s, test_parse_iso8601);
}
