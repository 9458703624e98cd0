/*
 * strset.h - sets of strings: open addressing on util/hash.h's FNV-1a,
 * exact (case-sensitive) comparison.  The query engine keeps the
 * objects it has written and the contacts it has queued in them.
 *
 * Ownership: a strset_t owns copies of its strings; strset_free()
 * releases them.  The struct is public so that it can live inside a
 * caller's struct; touch its fields only through these functions.
 */
#ifndef AUTODBM_STRSET_H
#define AUTODBM_STRSET_H

#include <stddef.h>

typedef struct strset {
    char **slot;    /**< the table; NULL slots are free */
    size_t cap;     /**< slots, a power of two */
    size_t n;       /**< strings held */
} strset_t;

/** Initialise @s as an empty set (allocates a small table). */
void strset_init(strset_t *s);

/** Free every string and the table; @s may be initialised again. */
void strset_free(strset_t *s);

/**
 * Add a copy of @key.
 * @return 1 if it was new, 0 if an equal string was there already.
 */
int strset_add(strset_t *s, const char *key);

/** @return 1 if @key is in @s, else 0. */
int strset_has(const strset_t *s, const char *key);

#endif
