/*
 * buf.h - growable byte strings, and the memory allocation policy.
 *
 * A buf_t is a NUL-terminated string that grows as text is appended (the
 * role Postfix's vstring plays).  It is how every module builds text of
 * unbounded size from untrusted input: there are no fixed-size buffers.
 *
 * Memory policy: the x*() allocators and the buf_*() functions never
 * return on allocation failure; they call abort().  Running out of memory
 * cannot be handled meaningfully in the middle of an update, and an
 * aborted robot is retried by the MTA (Postfix pipe(8) defers a mail whose
 * command died by a signal), so nothing is lost.
 *
 * Ownership: a buf_t owns b->s.  buf_free() releases it; buf_steal()
 * hands it to the caller (who frees it with free()).
 *
 * Prefixes: buf_ for buffers, and x*() for the allocators (xmalloc(),
 * xstrdup(), ...: the usual x of allocators that abort on failure), which
 * are the program-wide allocation policy, not buffer operations.
 */
#ifndef AUTODBM_BUF_H
#define AUTODBM_BUF_H

#include <stdarg.h>
#include <stddef.h>

/** A growable NUL-terminated string.  s is never NULL after buf_init. */
typedef struct buf {
    char *s;        /**< the bytes, always NUL-terminated (a shared constant
                         "" while cap == 0: never write through s directly
                         before an append) */
    size_t len;     /**< bytes used, not counting the NUL */
    size_t cap;     /**< bytes allocated */
} buf_t;

/** malloc() that aborts on failure; xmalloc(0) returns a valid pointer. */
void *xmalloc(size_t n);
/** calloc() that aborts on failure (and on n*size overflow). */
void *xcalloc(size_t n, size_t size);
/** realloc() that aborts on failure. */
void *xrealloc(void *p, size_t n);
/** strdup() that aborts on failure; xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
/** strndup() that aborts on failure. */
char *xstrndup(const char *s, size_t n);
/** Format into a new malloc'd string (vasprintf that aborts on failure). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** As xasprintf() with a va_list. */
char *xvasprintf(const char *fmt, va_list ap);

/** Initialise @b to the empty string. */
void buf_init(buf_t *b);
/** Free the bytes of @b; @b may be reused after buf_init(). */
void buf_free(buf_t *b);
/** Make @b empty, keeping its allocation. */
void buf_reset(buf_t *b);
/** Ensure room for @n more bytes plus the NUL. */
void buf_reserve(buf_t *b, size_t n);
/** Append @n bytes from @p (may contain NUL bytes). */
void buf_put(buf_t *b, const void *p, size_t n);
/** Append the C string @s. */
void buf_puts(buf_t *b, const char *s);
/** Append one byte. */
void buf_putc(buf_t *b, int c);
/** Append @n copies of byte @c. */
void buf_pad(buf_t *b, int c, size_t n);
/** Append printf-formatted text. */
void buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** As buf_printf() with a va_list. */
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/** Shorten @b to @len bytes (no-op if already shorter). */
void buf_truncate(buf_t *b, size_t len);
/**
 * Give the string to the caller and leave @b empty (re-initialised).
 * A string with much unused room is shrunk to fit first.
 * @return malloc'd NUL-terminated string; the caller frees it.
 */
char *buf_steal(buf_t *b);

#endif
