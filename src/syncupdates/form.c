/*
 * form.c - the parameters of a syncupdates request (see
 * syncupdates/form.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <gmime/gmime.h>
#pragma GCC diagnostic pop

#include "syncupdates/form.h"
#include "util/buf.h"
#include "util/text.h"

void form_init(form_t *f)
{
    memset(f, 0, sizeof *f);
    form_value_t *v[] = { &f->data, &f->new_, &f->help, &f->diff, &f->redirect, &f->origin };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        buf_init(&v[i]->v);
}

void form_free(form_t *f)
{
    form_value_t *v[] = { &f->data, &f->new_, &f->help, &f->diff, &f->redirect, &f->origin };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        buf_free(&v[i]->v);
    free(f->charset);
    form_init(f);
}

/* The value of the parameter named [@name, +@n), or NULL: not one of ours. */
static form_value_t *slot(form_t *f, const char *name, size_t n)
{
    static const char *const names[] = { "DATA", "NEW", "HELP", "DIFF", "REDIRECT", "ORIGIN" };
    form_value_t *v[] = { &f->data, &f->new_, &f->help, &f->diff, &f->redirect, &f->origin };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
            return v[i];
    return NULL;
}

/* The value of hex digit @c (text_is_xdigit). */
static int hexval(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Append [@s, +@n) with '+' as a space and %XX as a byte; a '%' that
 * starts no escape stays as it is. */
static void unescape(buf_t *out, const char *s, size_t n)
{
    buf_reserve(out, n);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            buf_putc(out, ' ');
        } else if (s[i] == '%' && i + 2 < n && text_is_xdigit((unsigned char)s[i + 1]) &&
                   text_is_xdigit((unsigned char)s[i + 2])) {
            buf_putc(out, hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
            i += 2;
        } else {
            buf_putc(out, (unsigned char)s[i]);
        }
    }
}

void form_parse_urlencoded(form_t *f, const char *s, size_t n, const char *charset)
{
    buf_t name;
    buf_init(&name);
    size_t off = 0;
    while (off < n) {
        const char *amp = memchr(s + off, '&', n - off);
        size_t end = amp ? (size_t)(amp - s) : n;
        const char *eq = memchr(s + off, '=', end - off);
        size_t nend = eq ? (size_t)(eq - s) : end;
        buf_reset(&name);
        unescape(&name, s + off, nend - off);
        form_value_t *v = slot(f, name.s ? name.s : "", name.len);
        if (v != NULL && !v->present) {
            v->present = 1;
            if (eq)
                unescape(&v->v, eq + 1, end - nend - 1);
            if (v == &f->data && charset && *charset) {
                free(f->charset);
                f->charset = xstrdup(charset);
            }
        }
        off = end + 1;
    }
    buf_free(&name);
}

/* The Content-Type @ct parsed by GMime, or NULL. */
static GMimeContentType *parse_type(const char *ct)
{
    return ct ? g_mime_content_type_parse(NULL, ct) : NULL;
}

enum form_type form_type_of(const char *content_type)
{
    if (content_type == NULL || *content_type == 0)
        return FORM_NONE;
    GMimeContentType *ct = parse_type(content_type);
    enum form_type t = FORM_OTHER;
    if (ct != NULL) {
        if (g_mime_content_type_is_type(ct, "application", "x-www-form-urlencoded"))
            t = FORM_URLENCODED;
        else if (g_mime_content_type_is_type(ct, "multipart", "form-data"))
            t = FORM_MULTIPART;
        g_object_unref(ct);
    }
    return t;
}

char *form_charset(const char *content_type)
{
    GMimeContentType *ct = parse_type(content_type);
    if (ct == NULL)
        return NULL;
    const char *cs = g_mime_content_type_get_parameter(ct, "charset");
    char *r = cs && *cs ? xstrdup(cs) : NULL;
    g_object_unref(ct);
    return r;
}

/* The boundary parameter of @content_type (malloc'd), or NULL. */
static char *boundary_of(const char *content_type)
{
    GMimeContentType *ct = parse_type(content_type);
    const char *b = ct ? g_mime_content_type_get_parameter(ct, "boundary") : NULL;
    char *r = b && *b ? xstrdup(b) : NULL;
    if (ct != NULL)
        g_object_unref(ct);
    return r;
}

/* Whether [@s, +@n) holds @word, ASCII case ignored. */
static int has_word(const char *s, size_t n, const char *word)
{
    size_t l = strlen(word);
    for (size_t i = 0; i + l <= n; i++)
        if (strncasecmp(s + i, word, l) == 0)
            return 1;
    return 0;
}

int form_multipart_check(const char *content_type, const char *body, size_t n,
                         unsigned max_parts, size_t max_header, err_t *err)
{
    char *b = boundary_of(content_type);
    if (b == NULL)
        return err_set(err, ERR_SYNTAX, "multipart/form-data without a boundary");
    size_t bl = strlen(b), off = 0, delims = 0;
    int rc = 0;
    while (off < n && rc == 0) {
        size_t l = text_line_len(body + off, n - off);
        size_t next = text_next_line(body, n, off);
        if (l >= bl + 2 && body[off] == '-' && body[off + 1] == '-' &&
            memcmp(body + off + 2, b, bl) == 0) {
            if (++delims > (size_t)max_parts + 1) {
                rc = err_set(err, ERR_LIMIT, "the form has more than %u parts (sync_max_parts)",
                             max_parts);
                break;
            }
            /* the header after it: up to the first empty line (the next
             * delimiter is counted even when it is in there) */
            size_t h = next, he = next;
            while (he < n) {
                size_t hl = text_line_len(body + he, n - he);
                if (hl == 0)
                    break;
                he = text_next_line(body, n, he);
                if (he - h > max_header)
                    break;
            }
            if (he - h > max_header)
                rc = err_set(err, ERR_LIMIT, "the header of a part of the form is larger "
                             "than %zu bytes (sync_max_part_header_size)", max_header);
            else if (has_word(body + h, he - h, "multipart"))
                rc = err_set(err, ERR_SYNTAX, "a part of the form is itself multipart");
        }
        off = next;
    }
    free(b);
    return rc;
}

/* The body of leaf part @o, its transfer encoding removed, into @out. */
static void part_body(GMimeObject *o, buf_t *out)
{
    GMimeDataWrapper *dw = GMIME_IS_PART(o) ? g_mime_part_get_content(GMIME_PART(o)) : NULL;
    if (dw == NULL)
        return;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (ba != NULL && ba->len > 0)
        buf_put(out, ba->data, ba->len);
    g_object_unref(mem);
}

int form_parse_multipart(form_t *f, const char *content_type, const char *body,
                         size_t n, err_t *err)
{
    GMimeContentType *ct = parse_type(content_type);
    const char *boundary = ct ? g_mime_content_type_get_parameter(ct, "boundary") : NULL;
    int has_boundary = boundary != NULL && *boundary != 0;
    if (ct != NULL)
        g_object_unref(ct);
    if (!has_boundary)
        return err_set(err, ERR_SYNTAX, "multipart/form-data without a boundary");
    char *req_cs = form_charset(content_type);
    /* the body as an entity: its Content-Type, a blank line, the body */
    buf_t ent;
    buf_init(&ent);
    buf_puts(&ent, "Content-Type: ");
    for (const char *p = content_type; *p; p++)
        buf_putc(&ent, *p == '\r' || *p == '\n' ? ' ' : *p);
    buf_puts(&ent, "\r\n\r\n");
    buf_put(&ent, body, n);
    GMimeStream *mem = g_mime_stream_mem_new_with_buffer(ent.s, ent.len);
    buf_free(&ent);
    GMimeParser *parser = g_mime_parser_new_with_stream(mem);
    GMimeObject *o = g_mime_parser_construct_part(parser, NULL);
    g_object_unref(parser);
    g_object_unref(mem);
    int rc = 0;
    if (o == NULL || !GMIME_IS_MULTIPART(o)) {
        rc = err_set(err, ERR_SYNTAX, "the multipart/form-data body cannot be read");
    } else {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        int np = g_mime_multipart_get_count(mp);
        for (int i = 0; i < np; i++) {
            GMimeObject *part = g_mime_multipart_get_part(mp, i);
            const char *name = g_mime_object_get_content_disposition_parameter(part, "name");
            form_value_t *v = name ? slot(f, name, strlen(name)) : NULL;
            if (v == NULL || v->present || GMIME_IS_MULTIPART(part))
                continue;
            v->present = 1;
            part_body(part, &v->v);
            if (v == &f->data) {
                /* the part's own charset (only if it says one), else the
                 * request's */
                const char *pcs = g_mime_object_get_header(part, "Content-Type")
                    ? g_mime_object_get_content_type_parameter(part, "charset") : NULL;
                free(f->charset);
                f->charset = pcs && *pcs ? xstrdup(pcs) : req_cs ? xstrdup(req_cs) : NULL;
            }
        }
    }
    if (o != NULL)
        g_object_unref(o);
    free(req_cs);
    return rc;
}

int form_set(const form_value_t *v)
{
    return v->present && v->v.len > 0;
}

int form_true(const form_value_t *v)
{
    return form_set(v) && !(v->v.len == 2 && strncasecmp(v->v.s, "no", 2) == 0);
}
