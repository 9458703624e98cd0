/*
 * text.h - ASCII character classes and small text helpers.
 *
 * RPSL, addresses and mail headers are ASCII grammars whose meaning must
 * not change with the locale, so the classes here are the plain ASCII
 * ones (never <ctype.h>, whose answers depend on setlocale and which is
 * undefined for negative chars).  Every class takes an int holding an
 * unsigned char value (or EOF-like values, which are in no class).
 *
 * The classes are static inline: they sit in the inner loops of the
 * syntax checkers and the policy tokenizer.  No state, nothing allocated.
 */
#ifndef AUTODBM_TEXT_H
#define AUTODBM_TEXT_H

#include <stddef.h>

/** 1 if @c is an ASCII letter A-Z or a-z. */
static inline int text_is_alpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/** 1 if @c is a decimal digit 0-9. */
static inline int text_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/** 1 if @c is an ASCII letter or digit. */
static inline int text_is_alnum(int c)
{
    return text_is_alpha(c) || text_is_digit(c);
}

/** 1 if @c is a hexadecimal digit (either case). */
static inline int text_is_xdigit(int c)
{
    return text_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/** 1 if @c is white space of a value: space, tab, CR or LF (not VT/FF). */
static inline int text_is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/** @c with a-z upper-cased; every other value unchanged. */
static inline int text_upper(int c)
{
    return (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
}

/** @c with A-Z lower-cased; every other value unchanged. */
static inline int text_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/**
 * Narrow the span (*s, *len) so that it neither starts nor ends with
 * text_is_space() bytes.  Nothing is written; an all-space span becomes
 * empty (*len 0, *s past the spaces).
 */
void text_trim(const char **s, size_t *len);

/**
 * Case-insensitive (ASCII) comparison of the span s[0..len) with the
 * NUL-terminated @w.
 * @return 1 if they are equal (same length, same letters up to case), 0 if
 *         not; a NUL inside the span never matches.
 */
int text_eq_ci(const char *s, size_t len, const char *w);

/**
 * Whether s[0..len) is a DNS host name: labels of letters, digits and '-'
 * (and '_' when @underscore), each 1..63 bytes starting and ending with a
 * letter or digit, joined by single dots; no leading or trailing dot; at
 * most 254 bytes.  A single label counts ("localhost").
 * @return 1 or 0.
 */
int text_is_hostname(const char *s, size_t len, int underscore);

/**
 * The length of the line that starts at @s (@n bytes left) without its
 * line end: up to the first LF or @n, less one CR before the LF or at the
 * end.  (Mail and armored text come with either line end.)
 */
size_t text_line_len(const char *s, size_t n);

/**
 * The offset of the line after the one at @off in s[0..n): one past the
 * next LF, or @n when the line at @off is the last one.
 */
size_t text_next_line(const char *s, size_t n, size_t off);

#endif
