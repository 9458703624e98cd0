/*
 * text.c - small text helpers (see util/text.h).
 */
#include <stddef.h>

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
