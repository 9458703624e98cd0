/*
 * text.c - small text helpers (see util/text.h).
 */
#include <stddef.h>
#include <string.h>

#include "util/text.h"

void text_trim(const char **s, size_t *len)
{
    while (*len > 0 && text_is_space((unsigned char)(*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && text_is_space((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

int text_eq_ci(const char *s, size_t len, const char *w)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (w[i] == 0 || text_upper((unsigned char)s[i]) != text_upper((unsigned char)w[i]))
            return 0;
    return w[i] == 0;
}

size_t text_line_len(const char *s, size_t n)
{
    const char *nl = memchr(s, '\n', n);
    size_t l = nl ? (size_t)(nl - s) : n;
    if (l > 0 && s[l - 1] == '\r')
        l--;
    return l;
}

size_t text_next_line(const char *s, size_t n, size_t off)
{
    const char *nl = memchr(s + off, '\n', n - off);
    return nl ? (size_t)(nl - s) + 1 : n;
}

int text_is_hostname(const char *s, size_t len, int underscore)
{
    size_t i = 0;
    if (len == 0 || len > 254)
        return 0;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != '.') {
            int c = (unsigned char)s[i];
            if (!text_is_alnum(c) && c != '-' && !(underscore && c == '_'))
                return 0;
            i++;
        }
        if (i == start || i - start > 63 || !text_is_alnum((unsigned char)s[start]) ||
            !text_is_alnum((unsigned char)s[i - 1]))
            return 0;
        if (i < len && ++i == len)
            return 0;
    }
    return 1;
}
