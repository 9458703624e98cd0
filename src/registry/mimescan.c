/*
 * mimescan.c - a MIME-free bound on a mail's structure (see mimescan.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/mimescan.h"
#include "util/buf.h"
#include "util/text.h"

/* A boundary on the stack: where it is in the Content-Type value kept. */
struct bnd {
    char *s;
    size_t len;
};

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Whether the line [@s, +@n) is a header field's first line (a name of
 * printable characters, then a colon). */
static int is_field(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] > ' ' && s[i] < 127 && s[i] != ':')
        i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i > 0 && i < n && s[i] == ':';
}

/*
 * The boundary of the unfolded Content-Type value @v (@n bytes), when it
 * is a multipart type (malloc'd, its length in @bl), else NULL.
 */
static char *boundary_of(const char *v, size_t n, size_t *bl)
{
    size_t i = 0;
    while (i < n && is_ws(v[i]))
        i++;
    if (n - i < 10 || strncasecmp(v + i, "multipart/", 10) != 0)
        return NULL;
    for (; i + 8 <= n; i++) {
        if ((v[i] != ';' && !is_ws(v[i])) || strncasecmp(v + i + 1, "boundary", 8) != 0)
            continue;
        size_t j = i + 9;
        while (j < n && is_ws(v[j]))
            j++;
        if (j >= n || v[j] != '=')
            continue;
        j++;
        while (j < n && is_ws(v[j]))
            j++;
        buf_t b;
        buf_init(&b);
        if (j < n && v[j] == '"') {
            for (j++; j < n && v[j] != '"'; j++) {
                if (v[j] == '\\' && j + 1 < n)
                    j++;
                buf_putc(&b, v[j]);
            }
        } else {
            while (j < n && v[j] != ';' && !is_ws(v[j]))
                buf_putc(&b, v[j++]);
        }
        if (b.len == 0) {
            buf_free(&b);
            return NULL;
        }
        *bl = b.len;
        return b.s;
    }
    return NULL;
}

/* The index + 1 of the boundary on @st that the line [@s, +@n) delimits
 * (its close delimiter when *@close is set), or 0. */
static size_t delimiter(const struct bnd *st, size_t depth, const char *s,
                        size_t n, int *close)
{
    if (n < 3 || s[0] != '-' || s[1] != '-')
        return 0;
    for (size_t k = depth; k > 0; k--) {
        const struct bnd *b = &st[k - 1];
        if (n - 2 < b->len || memcmp(s + 2, b->s, b->len) != 0)
            continue;
        size_t i = 2 + b->len;
        *close = n - i >= 2 && s[i] == '-' && s[i + 1] == '-';
        if (*close)
            i += 2;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == n)
            return k;
    }
    return 0;
}

int mimescan_mail(const char *raw, size_t len, unsigned max_depth,
             unsigned max_parts, size_t max_header, size_t *top_header)
{
    struct bnd *st = xcalloc((size_t)max_depth + 1, sizeof *st);
    size_t depth = 0;           /* boundaries on the stack */
    size_t parts = 1, off = 0, headers = 0;   /* header bytes so far */
    int rc = MIMESCAN_OK, top = 1;
    buf_t ct;
    buf_init(&ct);
    if (top_header)
        *top_header = 0;
    while (off < len && rc == MIMESCAN_OK) {
        /* a header block at @off: up to an empty line or a line that is
         * neither a field nor a continuation */
        size_t h = off;
        int in_ct = 0, rfc822 = 0;
        buf_reset(&ct);
        while (off < len) {
            size_t l = text_line_len(raw + off, len - off);
            if (l == 0 || (!is_field(raw + off, l) && !(raw[off] == ' ' || raw[off] == '\t')))
                break;
            size_t next = text_next_line(raw, len, off);
            if (headers + (next - h) > max_header) {
                rc = MIMESCAN_HEADER;
                break;
            }
            if (raw[off] != ' ' && raw[off] != '\t')
                in_ct = l > 13 && strncasecmp(raw + off, "content-type:", 13) == 0;
            if (in_ct)
                buf_put(&ct, raw + off, l);
            if (top && top_header)
                *top_header = next - h;
            off = next;
        }
        top = 0;
        headers += off - h;
        if (rc)
            break;
        if (off < len && text_line_len(raw + off, len - off) == 0)
            off = text_next_line(raw, len, off);
        size_t bl = 0;
        char *b = ct.len > 13 ? boundary_of(ct.s + 13, ct.len - 13, &bl) : NULL;
        if (b != NULL) {
            /* room: this part is at depth <= max_depth (below) */
            st[depth].s = b;
            st[depth].len = bl;
            depth++;
        } else if (ct.len > 13) {
            const char *v = ct.s + 13;
            size_t i = 0;
            while (i < ct.len - 13 && is_ws(v[i]))
                i++;
            rfc822 = ct.len - 13 - i >= 14 && strncasecmp(v + i, "message/rfc822", 14) == 0;
        }
        if (rfc822)
            continue;   /* GMime parses the attached mail: its header next */
        if (depth == 0)
            break;      /* a leaf body with no boundary around it: done */
        /* the body: up to a delimiter of a boundary on the stack */
        int next_header = 0;
        while (off < len && !next_header) {
            size_t l = text_line_len(raw + off, len - off);
            int close = 0;
            size_t k = delimiter(st, depth, raw + off, l, &close);
            off = text_next_line(raw, len, off);
            if (k == 0)
                continue;
            while (depth > k)
                free(st[--depth].s);
            if (close) {
                free(st[--depth].s);
                if (depth == 0)
                    break;  /* the epilogue: nothing more is parsed */
                continue;   /* the enclosing body */
            }
            if (k > max_depth) {
                rc = MIMESCAN_DEPTH;    /* a part at depth k */
                break;
            }
            if (++parts > max_parts) {
                rc = MIMESCAN_PARTS;
                break;
            }
            next_header = 1;
        }
        if (!next_header)
            break;
    }
    while (depth > 0)
        free(st[--depth].s);
    free(st);
    buf_free(&ct);
    return rc;
}
