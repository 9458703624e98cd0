/*
 * rpsl.c - RPSL objects: parse a paragraph, edit attributes, print.
 *
 * Every string of an object lives in the object's arena: a chain of
 * blocks freed together with the object.  Parsing copies the paragraph
 * once into the arena and cuts it in place, so a typical object costs a
 * handful of allocations whatever its size.  Edits allocate new strings
 * from the arena and leave the old ones there until the object is freed.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "rpsl/rpsl.h"
#include "util/text.h"

/* An arena block; data follows the header. */
struct rpsl_block {
    struct rpsl_block *next;
    size_t used, size;
    max_align_t data[];
};

struct rpsl_arena {
    struct rpsl_block *head;
};

#define ARENA_MIN 2048

static void *arena_alloc(struct rpsl_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    struct rpsl_block *b = a->head;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > ARENA_MIN ? n : ARENA_MIN;
        b = xmalloc(sizeof *b + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(struct rpsl_arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* White space inside one physical line: text_is_space() without LF (a
 * line never holds one) but with VT and FF, which RPSL text treats as
 * blanks too; so not text_is_space(). */
static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A byte that makes a line a continuation line (or, first in a
 * paragraph, not an object). */
static int is_cont_char(char c)
{
    return c == ' ' || c == '\t' || c == '+';
}

static int is_name_char(int c)
{
    return text_is_alnum(c) || c == '-' || c == '_';
}

/*
 * If the line [p, le) is an attribute line, return where its ':' is, else
 * NULL.  The name is letters, digits, '-' and '_' (a leading '*' for the
 * short forms), starting with a letter; blanks between the name and the
 * ':' belong to the name ("address :" names the unknown "address "), as
 * RIPE reads it.
 */
static char *attr_colon(const char *p, const char *le)
{
    const char *q = p;
    if (q < le && *q == '*')
        q++;
    if (q >= le || !text_is_alpha((unsigned char)*q))
        return NULL;
    while (q < le && is_name_char((unsigned char)*q))
        q++;
    while (q < le && (*q == ' ' || *q == '\t'))
        q++;
    return q < le && *q == ':' ? (char *)q : NULL;
}

rpsl_obj_t *rpsl_obj_new(void)
{
    rpsl_obj_t *o = xcalloc(1, sizeof *o);
    o->arena = xcalloc(1, sizeof *o->arena);
    o->cls = -1;
    return o;
}

void rpsl_obj_free(rpsl_obj_t *o)
{
    if (o == NULL)
        return;
    struct rpsl_block *b = o->arena->head;
    while (b) {
        struct rpsl_block *n = b->next;
        free(b);
        b = n;
    }
    free(o->arena);
    free(o->attrs);
    free(o);
}

const char *rpsl_obj_strdup(rpsl_obj_t *o, const char *s, size_t n)
{
    return arena_strndup(o->arena, s, n);
}

/*
 * Append @s (length @n) to @out at @olen with white space runs folded to
 * one space, separated by one space from what is there already.  @out
 * must have room for n + 1 more bytes.  Returns the new length.
 */
static size_t fold_into(char *out, size_t olen, const char *s, size_t n)
{
    int pending = olen > 0;     /* a separator is due before the next word */
    for (size_t i = 0; i < n; i++) {
        if (is_blank((unsigned char)s[i]) || s[i] == '\n') {
            pending = 1;
            continue;
        }
        if (pending && olen > 0)
            out[olen++] = ' ';
        pending = 0;
        out[olen++] = s[i];
    }
    return olen;
}

/* Compute the processing value of @a from its lines. */
static void make_value(struct rpsl_arena *ar, rpsl_attr_t *a)
{
    if (a->nlines == 1) {
        const char *t = a->lines[0].text;
        /* Already folded?  (no blank runs, no tabs) */
        int clean = 1;
        for (const char *p = t; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c > ' ')
                continue;       /* most bytes: one test */
            if (c == ' ' ? p[1] == ' ' : is_blank(c)) {
                clean = 0;
                break;
            }
        }
        if (clean) {
            a->value = t;
            return;
        }
    }
    size_t total = 0;
    for (size_t i = 0; i < a->nlines; i++)
        total += strlen(a->lines[i].text) + 1;
    char *v = arena_alloc(ar, total + 1);
    size_t len = 0;
    for (size_t i = 0; i < a->nlines; i++)
        len = fold_into(v, len, a->lines[i].text, strlen(a->lines[i].text));
    v[len] = 0;
    a->value = v;
}

/* Trim blanks of [*s, *e). */
static void trim(char **s, char **e)
{
    while (*s < *e && is_blank((unsigned char)**s))
        (*s)++;
    while (*e > *s && is_blank((unsigned char)(*e)[-1]))
        (*e)--;
}

/* Split a physical line [s, e) into text and comment, in place. */
static void split_line(char *s, char *e, rpsl_line_t *ln)
{
    char *hash = memchr(s, '#', (size_t)(e - s));
    char *te = hash ? hash : e;
    char *ts = s;
    trim(&ts, &te);
    *te = 0;
    ln->text = ts;
    ln->comment = NULL;
    if (hash) {
        char *cs = hash + 1, *ce = e;
        trim(&cs, &ce);
        *ce = 0;
        ln->comment = cs;
    }
}

static void attrs_reserve(rpsl_obj_t *o, size_t n)
{
    if (o->nattrs + n <= o->cap)
        return;
    /* a quarter more each time: a parsed object is sized exactly, and the
     * few attributes the robot adds (created:, last-modified:) should not
     * double a 190,000-attribute array */
    size_t cap = o->cap ? o->cap : o->nattrs + n;
    while (cap < o->nattrs + n)
        cap += cap / 4 + 4;
    o->attrs = xrealloc(o->attrs, cap * sizeof *o->attrs);
    o->cap = cap;
}

int rpsl_parse(const char *text, size_t len, unsigned lineno, unsigned flags,
               rpsl_obj_t **out, diag_list_t *diags)
{
    *out = NULL;
    rpsl_obj_t *o = rpsl_obj_new();
    char *buf = arena_alloc(o->arena, len + 1);
    memcpy(buf, text, len);
    buf[len] = 0;

    /* Pass 1: count lines, and lines that may start an attribute (not a
     * continuation), so both arrays are allocated once and exactly. */
    size_t nlines = 1, nstarts = len > 0 && !is_cont_char(buf[0]);
    for (const char *c = buf; (c = memchr(c, '\n', (size_t)(buf + len - c))) != NULL; c++) {
        nlines++;
        nstarts += c + 1 < buf + len && !is_cont_char(c[1]);
    }
    rpsl_line_t *lines = arena_alloc(o->arena, nlines * sizeof *lines);
    attrs_reserve(o, nstarts ? nstarts : 1);

    size_t li = 0;
    rpsl_attr_t *cur = NULL;
    unsigned ln = lineno;
    char *p = buf, *end = buf + len;
    int first = 1;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        if (le > p && le[-1] == '\r')
            le--;
        unsigned this_line = ln++;
        char c = *p;
        if (le == p) {          /* an empty line inside: ignore */
            p = next;
            continue;
        }
        if ((flags & RPSL_PARSE_SKIP_COMMENT_LINES) && (c == '#' || c == '%')) {
            p = next;
            continue;
        }
        if (is_cont_char(c)) {
            if (cur == NULL) {
                if (first)
                    goto notobj;
                p = next;
                continue;
            }
            rpsl_line_t *l = &lines[li++];
            split_line(c == '+' ? p + 1 : p, le, l);
            l->cont = c;
            cur->nlines++;
            p = next;
            continue;
        }
        /* An attribute line: name ':' value */
        char *q = attr_colon(p, le);
        if (q == NULL) {
            if (first)
                goto notobj;
            diag_add(diags, DIAG_ERROR, DIAG_OBJECT,
                     "Line %u is not an attribute or continuation line", this_line);
            cur = NULL;
            p = next;
            continue;
        }
        first = 0;
        for (char *r = p; r < q; r++)
            if (*r >= 'A' && *r <= 'Z')
                *r = (char)(*r - 'A' + 'a');
        *q = 0;
        attrs_reserve(o, 1);
        cur = &o->attrs[o->nattrs++];
        cur->name = p;
        cur->value = NULL;
        cur->lines = &lines[li];
        cur->nlines = 1;
        cur->lineno = this_line;
        cur->aid = -1;
        rpsl_line_t *l = &lines[li++];
        split_line(q + 1, le, l);
        l->cont = 0;
        if (o->nattrs == 1)
            o->lineno = this_line;
        p = next;
    }
    if (o->nattrs == 0)
        goto notobj;
    for (size_t i = 0; i < o->nattrs; i++)
        make_value(o->arena, &o->attrs[i]);
    *out = o;
    return ERR_OK;
notobj:
    rpsl_obj_free(o);
    return ERR_SYNTAX;
}

int rpsl_is_attr_line(const char *line, size_t len)
{
    return attr_colon(line, line + len) != NULL;
}

int rpsl_attr_named(const rpsl_attr_t *a, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(a->name, name, n) != 0)
        return 0;
    for (const char *p = a->name + n; *p; p++)
        if (!is_blank((unsigned char)*p))
            return 0;
    return 1;
}

static int line_is_blank(const char *s, const char *e)
{
    for (; s < e; s++)
        if (!is_blank((unsigned char)*s))
            return 0;
    return 1;
}

size_t rpsl_object_extent(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    const char *stray = NULL;   /* the first line that is no attribute */
    const char *keep = text;    /* the end of the last line before it that
                                   is not only white space */
    int first = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (le > p && le[-1] == '\r')
            le--;
        if (le > p) {
            int attr = attr_colon(p, le) != NULL;
            if (first) {
                if (!attr)
                    return len;         /* not an object at all */
                first = 0;
            } else if (stray == NULL) {
                if (!attr && !is_cont_char(*p))
                    stray = p;
            } else if (attr) {
                return len;             /* an attribute after it */
            }
            if (stray == NULL && !line_is_blank(p, le))
                keep = next;
        }
        p = next;
    }
    /* white space lines before the stray ones continue nothing */
    return stray ? (size_t)(keep - text) : len;
}

int rpsl_next_paragraph(const char *text, size_t len, size_t *pos,
                        unsigned *lineno, unsigned flags, const char **start,
                        size_t *plen, unsigned *pline)
{
    size_t i = *pos;
    unsigned ln = *lineno;
    /* Skip blank (and, if asked, comment) lines. */
    while (i < len) {
        const char *s = text + i;
        const char *nl = memchr(s, '\n', len - i);
        const char *e = nl ? nl : text + len;
        int skip = line_is_blank(s, e) ||
            ((flags & RPSL_PARSE_SKIP_COMMENT_LINES) && (*s == '#' || *s == '%'));
        if (!skip)
            break;
        i = (size_t)(e - text) + (nl ? 1 : 0);
        ln++;
    }
    if (i >= len) {
        *pos = len;
        *lineno = ln;
        return 0;
    }
    *start = text + i;
    *pline = ln;
    size_t j = i;
    while (j < len) {
        const char *s = text + j;
        const char *nl = memchr(s, '\n', len - j);
        const char *e = nl ? nl : text + len;
        if (line_is_blank(s, e))
            break;
        j = (size_t)(e - text) + (nl ? 1 : 0);
        ln++;
    }
    *plen = j - i;
    *pos = j;
    *lineno = ln;
    return 1;
}

rpsl_obj_t *rpsl_obj_dup(const rpsl_obj_t *src)
{
    rpsl_obj_t *o = rpsl_obj_new();
    o->cls = src->cls;
    o->lineno = src->lineno;
    attrs_reserve(o, src->nattrs);
    for (size_t i = 0; i < src->nattrs; i++) {
        const rpsl_attr_t *a = &src->attrs[i];
        rpsl_attr_t *b = &o->attrs[i];
        *b = *a;
        b->name = arena_strndup(o->arena, a->name, strlen(a->name));
        b->lines = arena_alloc(o->arena, a->nlines * sizeof *b->lines);
        for (size_t k = 0; k < a->nlines; k++) {
            b->lines[k].cont = a->lines[k].cont;
            b->lines[k].text = arena_strndup(o->arena, a->lines[k].text,
                                             strlen(a->lines[k].text));
            b->lines[k].comment = a->lines[k].comment
                ? arena_strndup(o->arena, a->lines[k].comment, strlen(a->lines[k].comment))
                : NULL;
        }
        b->value = arena_strndup(o->arena, a->value, strlen(a->value));
    }
    o->nattrs = src->nattrs;
    return o;
}

/* Fill @a's lines from @value ('\n' separates continuation lines). */
static void set_lines(rpsl_obj_t *o, rpsl_attr_t *a, const char *value)
{
    size_t n = 1;
    for (const char *p = value; *p; p++)
        n += *p == '\n';
    a->lines = arena_alloc(o->arena, n * sizeof *a->lines);
    a->nlines = n;
    const char *p = value;
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(p, '\n');
        if (e == NULL)
            e = p + strlen(p);
        char *s = arena_strndup(o->arena, p, (size_t)(e - p));
        char *se = s + (e - p);
        char *ss = s;
        trim(&ss, &se);
        *se = 0;
        a->lines[i].text = ss;
        a->lines[i].comment = NULL;
        a->lines[i].cont = i == 0 ? 0 : ' ';
        p = *e ? e + 1 : e;
    }
    make_value(o->arena, a);
}

static const char *lower_name(rpsl_obj_t *o, const char *name)
{
    size_t n = strlen(name);
    char *s = arena_strndup(o->arena, name, n);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)s[i]);
    return s;
}

size_t rpsl_obj_insert(rpsl_obj_t *o, size_t idx, const char *name,
                       const char *value)
{
    if (idx > o->nattrs)
        idx = o->nattrs;
    attrs_reserve(o, 1);
    memmove(&o->attrs[idx + 1], &o->attrs[idx],
            (o->nattrs - idx) * sizeof *o->attrs);
    o->nattrs++;
    rpsl_attr_t *a = &o->attrs[idx];
    memset(a, 0, sizeof *a);
    a->aid = -1;
    a->name = lower_name(o, name);
    a->lineno = 0;
    set_lines(o, a, value ? value : "");
    return idx;
}

size_t rpsl_obj_append(rpsl_obj_t *o, const char *name, const char *value)
{
    return rpsl_obj_insert(o, o->nattrs, name, value);
}

void rpsl_obj_remove(rpsl_obj_t *o, size_t idx)
{
    if (idx >= o->nattrs)
        return;
    memmove(&o->attrs[idx], &o->attrs[idx + 1],
            (o->nattrs - idx - 1) * sizeof *o->attrs);
    o->nattrs--;
}

void rpsl_obj_set_value(rpsl_obj_t *o, size_t idx, const char *value)
{
    if (idx >= o->nattrs)
        return;
    set_lines(o, &o->attrs[idx], value ? value : "");
}

/*
 * Copy @s into @o's arena with every control character replaced by '?'
 * (see rpsl_attr_replace_controls()); *n counts the replacements.
 */
static const char *replaced_copy(rpsl_obj_t *o, const char *s, size_t *n)
{
    size_t len = 0;
    int any = 0;
    for (; s[len]; len++) {
        unsigned char c = (unsigned char)s[len];
        any |= c < 0x20 || c == 0x7f || c == 0xc2;
    }
    if (!any)
        return s;       /* the common case: nothing to copy */
    char *d = arena_alloc(o->arena, len + 1), *w = d;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            *w++ = '?';
            (*n)++;
        } else if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
                   (unsigned char)s[i + 1] <= 0x9f) {
            *w++ = '?';         /* U+0080 .. U+009F */
            i++;
            (*n)++;
        } else {
            *w++ = (char)c;
        }
    }
    *w = 0;
    return d;
}

size_t rpsl_attr_replace_controls(rpsl_obj_t *o, size_t idx, int text)
{
    if (idx >= o->nattrs)
        return 0;
    rpsl_attr_t *a = &o->attrs[idx];
    size_t n = 0;
    for (size_t i = 0; i < a->nlines; i++) {
        /* the lines array is the attribute's own, in the arena */
        if (text)
            a->lines[i].text = replaced_copy(o, a->lines[i].text, &n);
        if (a->lines[i].comment)
            a->lines[i].comment = replaced_copy(o, a->lines[i].comment, &n);
    }
    if (n)
        make_value(o->arena, a);
    return n;
}

void rpsl_obj_set_name(rpsl_obj_t *o, size_t idx, const char *name)
{
    if (idx >= o->nattrs)
        return;
    o->attrs[idx].name = lower_name(o, name);
}

long rpsl_obj_find(const rpsl_obj_t *o, const char *name, size_t from)
{
    for (size_t i = from; i < o->nattrs; i++)
        if (strcasecmp(o->attrs[i].name, name) == 0)
            return (long)i;
    return -1;
}

long rpsl_obj_find_aid(const rpsl_obj_t *o, int aid, size_t from)
{
    for (size_t i = from; i < o->nattrs; i++)
        if (o->attrs[i].aid == aid)
            return (long)i;
    return -1;
}

const char *rpsl_obj_get(const rpsl_obj_t *o, const char *name)
{
    long i = rpsl_obj_find(o, name, 0);
    return i < 0 ? NULL : o->attrs[i].value;
}

int rpsl_list_each(const char *value, int (*fn)(const char *item, size_t len,
                                                void *arg), void *arg)
{
    const char *p = value;
    while (*p) {
        const char *e = strchr(p, ',');
        if (e == NULL)
            e = p + strlen(p);
        const char *s = p, *t = e;
        while (s < t && is_blank((unsigned char)*s))
            s++;
        while (t > s && is_blank((unsigned char)t[-1]))
            t--;
        if (t > s) {
            int rc = fn(s, (size_t)(t - s), arg);
            if (rc)
                return rc;
        }
        p = *e ? e + 1 : e;
    }
    return 0;
}

static int collect_item(const char *item, size_t len, void *arg)
{
    strv_t *s = arg;
    char *v = xstrndup(item, len);
    strv_add_unique(s, v);
    free(v);
    return 0;
}

void rpsl_list_collect(const char *value, strv_t *out)
{
    rpsl_list_each(value, collect_item, out);
}

/* The filtered form of an auth: value, or NULL if it is not a secret. */
static const char *filtered_auth(const char *v)
{
    static const char *const schemes[] = {
        "MD5-PW", "BCRYPT-PW", "CRYPT-PW", "SSO"
    };
    static const char *const shown[] = {
        "MD5-PW # Filtered", "BCRYPT-PW # Filtered", "CRYPT-PW # Filtered",
        "SSO # Filtered"
    };
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
        size_t n = strlen(schemes[i]);
        if (strncasecmp(v, schemes[i], n) == 0 && (v[n] == 0 || is_blank((unsigned char)v[n])))
            return shown[i];
    }
    return NULL;
}

#define VALUE_COLUMN 16

void rpsl_print_attr(const rpsl_attr_t *a, buf_t *out, unsigned flags)
{
    size_t nl = strlen(a->name);
    if (flags & RPSL_PRINT_FILTER_AUTH) {
        const char *f = rpsl_attr_named(a, "auth") ? filtered_auth(a->value) : NULL;
        if (f) {
            buf_put(out, a->name, nl);
            buf_putc(out, ':');
            if (flags & RPSL_PRINT_DISPLAY)
                buf_pad(out, ' ', nl + 1 < VALUE_COLUMN ? VALUE_COLUMN - nl - 1 : 1);
            else
                buf_putc(out, ' ');
            buf_puts(out, f);
            buf_putc(out, '\n');
            return;
        }
    }
    /* The lines are written straight into room reserved for the most
     * they can take (this runs for every object a bulk load stores). */
    size_t room = nl + 1;
    for (size_t i = 0; i < a->nlines; i++) {
        const rpsl_line_t *l = &a->lines[i];
        room += VALUE_COLUMN + nl + 2 + strlen(l->text);
        if (l->comment != NULL)
            room += strlen(l->comment) + 3;
    }
    buf_reserve(out, room);
    char *w = out->s + out->len;
    memcpy(w, a->name, nl);
    w += nl;
    *w++ = ':';
    for (size_t i = 0; i < a->nlines; i++) {
        const rpsl_line_t *l = &a->lines[i];
        const char *comment = (flags & RPSL_PRINT_NO_COMMENTS) ? NULL : l->comment;
        int empty = l->text[0] == 0 && comment == NULL;
        size_t pad = 0;
        if (i > 0) {
            char c = l->cont;
            /* A continuation line with nothing on it must keep a '+':
             * a line of blanks would end the object. */
            if (empty || c == '+')
                c = '+';
            if (flags & RPSL_PRINT_DISPLAY) {
                if (c == '+') {
                    *w++ = '+';
                    if (!empty)
                        pad = VALUE_COLUMN - 1;
                } else {
                    pad = VALUE_COLUMN;
                }
            } else {
                *w++ = c;
                if (c == '+' && !empty)
                    pad = 1;
            }
        } else if (!empty) {
            if (flags & RPSL_PRINT_DISPLAY)
                pad = nl + 1 < VALUE_COLUMN ? VALUE_COLUMN - nl - 1 : 1;
            else
                pad = 1;
        }
        memset(w, ' ', pad);
        w += pad;
        size_t tl = strlen(l->text);
        memcpy(w, l->text, tl);
        w += tl;
        if (comment) {
            size_t cl = strlen(comment);
            if (l->text[0])
                *w++ = ' ';
            *w++ = '#';
            *w++ = ' ';
            memcpy(w, comment, cl);
            w += cl;
        }
        *w++ = '\n';
    }
    out->len = (size_t)(w - out->s);
    out->s[out->len] = 0;
}

void rpsl_print(const rpsl_obj_t *o, buf_t *out, unsigned flags)
{
    for (size_t i = 0; i < o->nattrs; i++)
        rpsl_print_attr(&o->attrs[i], out, flags);
}

int rpsl_value_equal(const char *a, const char *b)
{
    /* processing values are folded already; a generated value ("AAAA
     * BBBB  CCCC", a fingerprint) may not be: runs of blanks compare as
     * one */
    for (;;) {
        if ((*a == ' ' || *a == '\t') && (*b == ' ' || *b == '\t')) {
            while (*a == ' ' || *a == '\t')
                a++;
            while (*b == ' ' || *b == '\t')
                b++;
            continue;
        }
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        if (*a == 0)
            return 1;
        a++;
        b++;
    }
}
