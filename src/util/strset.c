/*
 * strset.c - sets of strings (see util/strset.h).
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/strset.h"

static size_t slot_of(const char *key, size_t cap)
{
    return (size_t)hash_fnv1a64(key) & (cap - 1);
}

void strset_init(strset_t *s)
{
    s->cap = 64;
    s->n = 0;
    s->slot = xcalloc(s->cap, sizeof(*s->slot));
}

void strset_free(strset_t *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    s->slot = NULL;
    s->cap = s->n = 0;
}

static void strset_grow(strset_t *s)
{
    size_t ncap = s->cap * 2;
    char **nslot = xcalloc(ncap, sizeof(*nslot));

    for (size_t i = 0; i < s->cap; i++) {
        if (s->slot[i] == NULL)
            continue;
        size_t j = slot_of(s->slot[i], ncap);
        while (nslot[j] != NULL)
            j = (j + 1) & (ncap - 1);
        nslot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = nslot;
    s->cap = ncap;
}

int strset_add(strset_t *s, const char *key)
{
    if ((s->n + 1) * 2 > s->cap)
        strset_grow(s);
    size_t j = slot_of(key, s->cap);
    while (s->slot[j] != NULL) {
        if (strcmp(s->slot[j], key) == 0)
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->slot[j] = xstrdup(key);
    s->n++;
    return 1;
}

int strset_has(const strset_t *s, const char *key)
{
    size_t j = slot_of(key, s->cap);

    while (s->slot[j] != NULL) {
        if (strcmp(s->slot[j], key) == 0)
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}
