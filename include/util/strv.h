/*
 * strv.h - growable vectors of strings (the role of Postfix's argv_).
 *
 * Ownership: a strv_t owns its strings (copies are made on add);
 * strv_free() releases them.
 */
#ifndef AUTODBM_STRV_H
#define AUTODBM_STRV_H

#include <stddef.h>

typedef struct strv {
    char **v;       /**< the strings */
    size_t n, cap;  /**< count, allocated */
} strv_t;

#define STRV_INIT { NULL, 0, 0 }

/** Initialise an empty vector. */
void strv_init(strv_t *s);
/** Free every string and the array; @s is left empty and reusable. */
void strv_free(strv_t *s);
/** Append a copy of @str. @return its index. */
size_t strv_add(strv_t *s, const char *str);
/** Append a copy of @n bytes of @str. @return its index. */
size_t strv_addn(strv_t *s, const char *str, size_t n);
/** Append a copy of @str unless an equal string (case-insensitive) is
 *  there already. @return 1 if added, 0 if it was there. */
int strv_add_unique(strv_t *s, const char *str);
/** Index of @str (case-insensitive), or -1. */
long strv_find(const strv_t *s, const char *str);
/** Sort case-insensitively. */
void strv_sort(strv_t *s);

#endif
