/*
 * diag.c - diagnostics as data (see diag.h).
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/diag.h"

void diag_list_init(diag_list_t *l)
{
    l->v = NULL;
    l->n = l->cap = 0;
}

void diag_list_free(diag_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    diag_list_init(l);
}

static void grow(diag_list_t *l, size_t more)
{
    if (l->n + more <= l->cap)
        return;
    size_t cap = l->cap ? l->cap : 4;
    while (cap < l->n + more)
        cap *= 2;
    l->v = xrealloc(l->v, cap * sizeof *l->v);
    l->cap = cap;
}

void diag_add(diag_list_t *l, enum diag_sev sev, int attr, const char *fmt, ...)
{
    if (l == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *t = xvasprintf(fmt, ap);
    va_end(ap);
    grow(l, 1);
    l->v[l->n].sev = sev;
    l->v[l->n].attr = attr;
    l->v[l->n].text = t;
    l->n++;
}

size_t diag_count(const diag_list_t *l, enum diag_sev sev)
{
    size_t c = 0;
    for (size_t i = 0; l && i < l->n; i++)
        c += l->v[i].sev == sev;
    return c;
}

size_t diag_count_attr(const diag_list_t *l, enum diag_sev sev, int attr)
{
    size_t c = 0;
    for (size_t i = 0; l && i < l->n; i++)
        c += l->v[i].sev == sev && l->v[i].attr == attr;
    return c;
}

void diag_list_move(diag_list_t *to, diag_list_t *from)
{
    if (from->n == 0) {
        diag_list_free(from);
        return;
    }
    if (from->n) {
        grow(to, from->n);
        memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
        to->n += from->n;
    }
    free(from->v);
    diag_list_init(from);
}

const char *diag_sev_name(enum diag_sev sev)
{
    switch (sev) {
    case DIAG_ERROR:
        return "Error";
    case DIAG_WARNING:
        return "Warning";
    default:
        return "Info";
    }
}
