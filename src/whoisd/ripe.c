/*
 * ripe.c - RIPE-style query lines in autodbm-whoisd (see ripe.h).
 *
 * For now every line gets the answer RIPE's server gives to a query it
 * does not support; the RIPE-style query engine is to be called from
 * whoisd_ripe_query() and nowhere else.  The message layout is RIPE's
 * (QueryMessage: "% " before each line, "%" alone for an empty one and
 * before "ERROR:"/"WARNING:" lines, one empty line after the block).
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "whoisd/ripe.h"

struct whoisd_ripe {
    const whoisd_banner_t *banner;
    store_t *st;
    char *source;
};

/* A whole answer held in memory, produced at once. */
typedef struct held {
    buf_t text;
    int close;
} held_t;

whoisd_ripe_t *whoisd_ripe_new(const whoisd_banner_t *banner, store_t *st,
                               const char *source)
{
    whoisd_ripe_t *r = xcalloc(1, sizeof *r);
    r->banner = banner;
    r->st = st;
    r->source = xstrdup(source);
    return r;
}

void whoisd_ripe_free(whoisd_ripe_t *r)
{
    if (r == NULL)
        return;
    free(r->source);
    free(r);
}

void whoisd_ripe_message(buf_t *out, const char *text)
{
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, "\n");
        if (n == 0)
            buf_puts(out, "%");
        else if (strncmp(p, "ERROR:", 6) == 0 || strncmp(p, "WARNING:", 8) == 0)
            buf_putc(out, '%');
        else
            buf_puts(out, "% ");
        buf_put(out, p, n);
        buf_putc(out, '\n');
        if (p[n] == 0 || p[n + 1] == 0)
            break;
        p += n + 1;
    }
    buf_putc(out, '\n');
}

static void banner(const whoisd_banner_t *b, buf_t *out)
{
    buf_printf(out, "%% This is the %s Database query service.\n"
               "%% The objects are in RPSL format.\n"
               "%%\n"
               "%% The %s Database is subject to Terms and Conditions.\n"
               "%% See %s\n\n", b->name, b->name, b->terms_url);
}

static void trailer(const whoisd_banner_t *b, buf_t *out)
{
    buf_printf(out, "%% This query was served by the %s Database Query "
               "Service version %s (%s)\n\n", b->name, b->version, b->host);
}

static int held_step(void *self, size_t budget, whoisd_sink_fn fn, void *arg,
                     err_t *err)
{
    held_t *h = self;
    (void)budget;
    if (fn(h->text.s, h->text.len, arg))
        return err_set(err, ERR_IO, "the answer could not be written");
    return 0;
}

static int held_close(const void *self)
{
    return ((const held_t *)self)->close;
}

static void held_free(void *self)
{
    held_t *h = self;
    buf_free(&h->text);
    free(h);
}

int whoisd_ripe_query(whoisd_ripe_t *r, const char *line,
                      whoisd_answer_t *out, err_t *err)
{
    (void)line;
    (void)err;
    held_t *h = xcalloc(1, sizeof *h);
    buf_init(&h->text);
    /* The banner comes with the first answer: the port is shared with
     * the "!" commands, which must not see it, so it cannot be sent
     * before the first line is read. */
    banner(r->banner, &h->text);
    whoisd_ripe_message(&h->text, "ERROR:114: unsupported query\n\n"
                        "Search key doesn't match any known query types");
    trailer(r->banner, &h->text);
    buf_putc(&h->text, '\n');
    h->close = 1;
    out->self = h;
    out->step = held_step;
    out->close = held_close;
    out->free = held_free;
    return 0;
}
