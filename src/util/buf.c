/*
 * buf.c - growable strings and aborting allocators (see buf.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Buffers beyond this grow by a quarter instead of doubling. */
#define BUF_BIG ((size_t)1 << 20)
/* buf_steal() shrinks a string with more unused bytes than this. */
#define STEAL_SLACK 256

static void oom(void)
{
    static const char m[] = "autodbm: out of memory\n";
    fwrite(m, 1, sizeof m - 1, stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        oom();
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom();
    return q;
}

char *xstrdup(const char *s)
{
    if (s == NULL)
        return NULL;
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    buf_t b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    return buf_steal(&b);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* An empty buf_t allocates nothing: s points at this constant until the
 * first append (cap == 0 says so). */
static const char empty[1];

void buf_init(buf_t *b)
{
    b->s = (char *)empty;   /* never written: cap == 0 guards it */
    b->len = 0;
    b->cap = 0;
}

void buf_free(buf_t *b)
{
    if (b->cap)
        free(b->s);
    buf_init(b);
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->cap)
        b->s[0] = 0;
}

void buf_reserve(buf_t *b, size_t n)
{
    if (n > SIZE_MAX - b->len - 1)
        oom();
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return;
    /* Doubling while small; beyond BUF_BIG a quarter more each time: a
     * big buffer is a mapped chunk that realloc() moves without copying,
     * and doubling would leave up to half of a 10 MB text unused. */
    size_t cap = 16;
    if (b->cap) {
        size_t step = b->cap < BUF_BIG ? b->cap : b->cap / 4;
        cap = b->cap > SIZE_MAX - step ? need : b->cap + step;
    }
    if (cap < need)
        cap = need;     /* what was asked for, exactly (buf_reserve) */
    if (b->cap == 0) {
        b->s = xmalloc(cap);
        b->s[0] = 0;
    } else {
        b->s = xrealloc(b->s, cap);
    }
    b->cap = cap;
}

void buf_put(buf_t *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = 0;
}

void buf_puts(buf_t *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void buf_putc(buf_t *b, int c)
{
    buf_reserve(b, 1);
    b->s[b->len++] = (char)c;
    b->s[b->len] = 0;
}

void buf_pad(buf_t *b, int c, size_t n)
{
    buf_reserve(b, n);
    memset(b->s + b->len, c, n);
    b->len += n;
    b->s[b->len] = 0;
}

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, aq);
    va_end(aq);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        buf_put(b, tmp, (size_t)n);
        return;
    }
    buf_reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_truncate(buf_t *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->s[len] = 0;
    }
}

char *buf_steal(buf_t *b)
{
    if (b->cap == 0)
        return xstrdup("");
    char *s = b->s;
    /* A string that outlives its building gives back what it did not use
     * (a buffer grown to 16 KB for 10 KB of text, 1,000 times over). */
    if (b->cap - b->len - 1 > STEAL_SLACK)
        s = xrealloc(s, b->len + 1);
    buf_init(b);
    return s;
}
