/*
 * timefmt.h - time stamps as the registry writes them.
 *
 * One form: ISO 8601 in UTC with a 'Z', "2026-04-14T11:33:44Z", as in the
 * created: and last-modified: attributes (RIPE's syntax.txt
 * section 6) and in the ack's footer.  Independent of the locale and the
 * time zone; no state.
 */
#ifndef AUTODBM_TIMEFMT_H
#define AUTODBM_TIMEFMT_H

#include <time.h>

/** Bytes timefmt_iso8601() may write, the NUL included (any year fits). */
#define TIMEFMT_ISO8601_SIZE 32

/**
 * Write @t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into @out.
 * @param out  at least TIMEFMT_ISO8601_SIZE bytes; always NUL-terminated
 * @return 0; -1 when @t cannot be broken down (then @out holds the epoch,
 *         "1970-01-01T00:00:00Z").
 */
int timefmt_iso8601(time_t t, char out[TIMEFMT_ISO8601_SIZE]);

/**
 * Read "YYYY-MM-DDTHH:MM:SS" with an optional final 'Z' (UTC), the form
 * timefmt_iso8601() writes, and nothing after it.
 * @param s    NUL-terminated text
 * @param out  set to the time on success
 * @return 0, or -1 when @s is not such a time (then @out is unchanged).
 */
int timefmt_parse_iso8601(const char *s, time_t *out);

#endif
