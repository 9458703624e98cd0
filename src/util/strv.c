/*
 * strv.c - growable vectors of strings (see strv.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/strv.h"

void strv_init(strv_t *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
}

void strv_free(strv_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    strv_init(s);
}

size_t strv_addn(strv_t *s, const char *str, size_t n)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n] = xstrndup(str, n);
    return s->n++;
}

size_t strv_add(strv_t *s, const char *str)
{
    return strv_addn(s, str, strlen(str));
}

long strv_find(const strv_t *s, const char *str)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcasecmp(s->v[i], str) == 0)
            return (long)i;
    return -1;
}

int strv_add_unique(strv_t *s, const char *str)
{
    if (strv_find(s, str) >= 0)
        return 0;
    strv_add(s, str);
    return 1;
}

static int cmp(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(strv_t *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp);
}
