/*
 * update.c - split the update text of a message into paragraphs, take
 * the pseudo-attributes out, read the Subject keyword (see update.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "util/buf.h"
#include "rpsl/schema.h"
#include "registry/update.h"

/* Released paragraphs shorter than this keep their text as it is. */
#define PACK_MIN 4096

enum pseudo { P_NONE, P_PASSWORD, P_DELETE, P_DRYRUN, P_OVERRIDE, P_MISTYPED,
              P_MISTYPED_OVERRIDE };

/* Names of a mistyped "password:" or "override:" are 4 to 10 bytes (2
 * edits from 6 or 8). */
#define MISTYPED_MIN 4
#define MISTYPED_MAX 10

/*
 * The optimal string alignment distance (insert, delete, substitute, swap
 * two neighbours) of @a (@n bytes, at most MISTYPED_MAX, ASCII
 * upper-case folded) and the lower-case @b (at most MISTYPED_MAX), or
 * @limit + 1 for any distance above @limit.
 */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t limit)
{
    size_t m = strlen(b);
    size_t d[MISTYPED_MAX + 1][MISTYPED_MAX + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t rowmin = d[i][0];
        for (size_t j = 1; j <= m; j++) {
            char ai = (char)tolower((unsigned char)a[i - 1]);
            size_t best = d[i - 1][j - 1] + (ai != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ai == b[j - 2] &&
                tolower((unsigned char)a[i - 2]) == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
            if (best < rowmin)
                rowmin = best;
        }
        /* the row minima never decrease (a row is at most one more
         * than the one before, so a swap two rows back gives no less):
         * once past @limit the answer is too */
        if (rowmin > limit)
            return limit + 1;
    }
    return d[n][m];
}

/*
 * Whether the line [s, e) looks like a mistyped "@word:" line (update.h):
 * optional blanks, a name within 2 edits of one of @words (a NULL-ended
 * list), optional blanks, a colon.
 */
static int mistyped(const char *s, const char *e, const char *const *words)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    const char *name = s;
    while (s < e && *s != ':' && (unsigned char)*s > ' ')
        s++;
    size_t n = (size_t)(s - name);
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    if (s == e || *s != ':' || n < MISTYPED_MIN || n > MISTYPED_MAX)
        return 0;
    /* a known attribute is never a near miss (none is within 3 edits of
     * the words): most lines stop here */
    char known[MISTYPED_MAX + 1];
    memcpy(known, name, n);
    known[n] = 0;
    if (schema_attr_by_name(known) >= 0)
        return 0;
    for (; *words; words++)
        if (edit_distance(name, n, *words, 2) <= 2)
            return 1;
    return 0;
}

/*
 * If the line [s, e) is a pseudo-attribute line, return its kind and set
 * *val and *vlen to its trimmed value.
 */
static enum pseudo pseudo_line(const char *s, const char *e, const char **val,
                               size_t *vlen)
{
    static const struct { const char *name; enum pseudo p; } names[] = {
        { "password", P_PASSWORD }, { "delete", P_DELETE },
        { "dry-run", P_DRYRUN }, { "override", P_OVERRIDE },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i].name);
        if ((size_t)(e - s) > n && strncasecmp(s, names[i].name, n) == 0 && s[n] == ':') {
            const char *v = s + n + 1, *ve = e;
            while (v < ve && isspace((unsigned char)*v))
                v++;
            while (ve > v && isspace((unsigned char)ve[-1]))
                ve--;
            *val = v;
            *vlen = (size_t)(ve - v);
            return names[i].p;
        }
    }
    /* a near miss ("pasword:", "password :", "overide:") would be an
     * unknown attribute, echoed with its secret: removed, never used */
    static const char *const pw[] = { "password", "passwd", NULL };
    static const char *const ov[] = { "override", NULL };
    if (mistyped(s, e, pw))
        return P_MISTYPED;
    return mistyped(s, e, ov) ? P_MISTYPED_OVERRIDE : P_NONE;
}

static int blank(const char *s, const char *e)
{
    for (; s < e; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

/* 1 if [s, e) is one or more spaces and tabs, nothing else. */
static int spaces_tabs(const char *s, const char *e)
{
    if (s == e)
        return 0;
    for (; s < e; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

static upd_para_t *new_para(upd_msg_t *m, size_t *cap)
{
    if (m->nparas == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        m->paras = xrealloc(m->paras, *cap * sizeof *m->paras);
    }
    upd_para_t *p = &m->paras[m->nparas];
    memset(p, 0, sizeof *p);
    diag_list_init(&p->diags);
    return p;
}

/* Paragraph being collected. */
struct collect {
    buf_t text;             /* lines without pseudo-attributes */
    buf_t deletes;          /* its delete: lines verbatim */
    size_t held;            /* bytes of text that are lines of white space
                               only, not yet followed by another line */
    char *reason;
    unsigned ndelete;
    char *override;
    int any;                /* any line at all (pseudo or not) */
};

/* Add a paragraph that is not an object, its text a copy of @text. */
static void add_not_object(upd_msg_t *m, size_t *cap, size_t piece,
                           const char *text, size_t len)
{
    upd_para_t *p = new_para(m, cap);
    p->piece = piece;
    diag_list_free(&p->diags);
    p->text = xstrndup(text, len);
    m->nparas++;
}

static void finish_para(upd_msg_t *m, size_t *cap, size_t piece,
                        struct collect *c)
{
    if (!c->any)
        return;
    /* lines of white space at the end continue nothing: dropped */
    if (c->held) {
        c->text.len -= c->held;
        c->text.s[c->text.len] = 0;
    }
    if (blank(c->text.s, c->text.s + c->text.len)) {
        /* only pseudo-attributes */
        if (c->override)
            diag_add(&m->global, DIAG_WARNING, DIAG_OBJECT,
                     "An override password was found not attached to an object and was ignored");
        /* "delete: reason" alone is no object: listed as it was */
        if (c->ndelete)
            add_not_object(m, cap, piece, c->deletes.s, c->deletes.len);
        free(c->reason);
        free(c->override);
        goto reset;
    }
    /* An object directly followed by lines that are not attributes: the
     * object ends before them, they are a paragraph of their own. */
    size_t olen = rpsl_object_extent(c->text.s, c->text.len);
    upd_para_t *p = new_para(m, cap);
    p->piece = piece;
    p->delete_reason = c->reason;
    p->ndelete = c->ndelete;
    p->override = c->override;
    rpsl_obj_t *o = NULL;
    if (rpsl_parse(c->text.s, olen, 1, 0, &o, &p->diags) == 0 &&
        schema_classify(o, &p->diags) == 0 && o->nattrs > 1) {
        p->obj = o;
        m->nobjects++;
        p->text = xstrndup(c->text.s, olen);
        m->nparas++;
        if (olen < c->text.len) {
            /* the white space lines between continue nothing */
            size_t from = olen;
            while (from < c->text.len) {
                const char *nl = memchr(c->text.s + from, '\n', c->text.len - from);
                size_t next = nl ? (size_t)(nl - c->text.s) + 1 : c->text.len;
                if (!blank(c->text.s + from, c->text.s + next))
                    break;
                from = next;
            }
            if (from < c->text.len)
                add_not_object(m, cap, piece, c->text.s + from, c->text.len - from);
        }
        goto reset;
    }
    /* not an object (a class line alone is none either): listed with
     * its delete: lines */
    rpsl_obj_free(o);
    diag_list_free(&p->diags);
    if (c->ndelete) {
        buf_put(&c->text, c->deletes.s, c->deletes.len);
        free(p->delete_reason);
        p->delete_reason = NULL;
        p->ndelete = 0;
    }
    p->text = buf_steal(&c->text);
    m->nparas++;
reset:
    buf_reset(&c->text);
    buf_reset(&c->deletes);
    c->held = 0;
    c->reason = NULL;
    c->override = NULL;
    c->ndelete = 0;
    c->any = 0;
}

static void split_piece(upd_msg_t *m, size_t *cap, size_t piece,
                        const char *text, size_t len)
{
    struct collect c;
    memset(&c, 0, sizeof c);
    buf_init(&c.text);
    buf_init(&c.deletes);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        const char *le = e;
        if (le > p && le[-1] == '\r')
            le--;
        if (blank(p, le)) {
            if (spaces_tabs(p, le) && c.text.len > 0 &&
                rpsl_is_attr_line(c.text.s, strcspn(c.text.s, "\n"))) {
                /* spaces and tabs only inside an object: a blank
                 * continuation line (printed as '+'); dropped at its end */
                buf_put(&c.text, p, (size_t)(le - p));
                buf_putc(&c.text, '\n');
                c.held += (size_t)(le - p) + 1;
            } else {
                /* empty, other white space (a form feed), or spaces in
                 * text that is no object: the paragraph ends */
                finish_para(m, cap, piece, &c);
            }
            p = next;
            continue;
        }
        c.any = 1;
        const char *v;
        size_t vlen;
        switch (pseudo_line(p, le, &v, &vlen)) {
        case P_PASSWORD:
            if (vlen)
                cred_add_password(&m->creds[piece], v, vlen);
            break;
        case P_DRYRUN:
            m->dry_run = 1;
            break;
        case P_DELETE:
            buf_put(&c.deletes, p, (size_t)(le - p));
            buf_putc(&c.deletes, '\n');
            c.ndelete++;
            if (c.reason == NULL)
                c.reason = xstrndup(v, vlen);
            break;
        case P_OVERRIDE:
            if (c.override == NULL)
                c.override = xstrndup(v, vlen);
            break;
        case P_MISTYPED:
            m->nmistyped++;
            break;
        case P_MISTYPED_OVERRIDE:
            m->nmistyped_override++;
            break;
        case P_NONE:
            buf_put(&c.text, p, (size_t)(le - p));
            buf_putc(&c.text, '\n');
            c.held = 0;
            break;
        }
        p = next;
    }
    finish_para(m, cap, piece, &c);
    buf_free(&c.text);
    buf_free(&c.deletes);
}

static void read_keyword(upd_msg_t *m, const char *subject)
{
    m->keyword = UPD_KW_NONE;
    if (subject == NULL)
        return;
    const char *s = subject, *e = subject + strlen(subject);
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    size_t n = (size_t)(e - s);
    if (n == 0)
        return;
    static const struct { const char *w; enum upd_keyword k; } kws[] = {
        { "NEW", UPD_KW_NEW }, { "HELP", UPD_KW_HELP },
        { "HOWTO", UPD_KW_HOWTO }, { "DIFF", UPD_KW_DIFF },
    };
    for (size_t i = 0; i < sizeof kws / sizeof *kws; i++)
        if (strlen(kws[i].w) == n && strncasecmp(s, kws[i].w, n) == 0) {
            m->keyword = kws[i].k;
            if (kws[i].k == UPD_KW_DIFF)
                diag_add(&m->global, DIAG_WARNING, DIAG_OBJECT,
                         "The DIFF keyword is not supported.");
            return;
        }
    m->keyword = UPD_KW_INVALID;
    diag_add(&m->global, DIAG_WARNING, DIAG_OBJECT, "Invalid keyword(s) found: %.*s",
             (int)n, s);
    diag_add(&m->global, DIAG_WARNING, DIAG_OBJECT, "All keywords were ignored");
}

int upd_split(const upd_piece_t *pieces, size_t n, const char *subject,
              upd_msg_t **out, err_t *err)
{
    (void)err;
    upd_msg_t *m = xcalloc(1, sizeof *m);
    diag_list_init(&m->global);
    m->npieces = n;
    m->creds = xcalloc(n ? n : 1, sizeof *m->creds);
    size_t cap = 0;
    read_keyword(m, subject);
    for (size_t i = 0; i < n; i++) {
        cred_list_init(&m->creds[i]);
        if (pieces[i].creds)
            cred_list_append(&m->creds[i], pieces[i].creds);
        split_piece(m, &cap, i, pieces[i].text, pieces[i].len);
    }
    for (size_t i = 0; i < m->nparas; i++)
        m->paras[i].creds = &m->creds[m->paras[i].piece];
    if (m->nmistyped)
        diag_add(&m->global, DIAG_WARNING, DIAG_OBJECT,
                 "%zu line(s) looking like a mistyped \"password:\" (such as \"pasword:\", "
                 "\"passwd:\" or \"password :\") were removed from the update and not used "
                 "as passwords; write \"password: <your password>\" at the start of a line",
                 m->nmistyped);
    if (m->nmistyped_override)
        diag_add(&m->global, DIAG_WARNING, DIAG_OBJECT,
                 "%zu line(s) looking like a mistyped \"override:\" (such as \"overide:\" "
                 "or \"override :\") "
                 "were removed from the update and not used", m->nmistyped_override);
    *out = m;
    return 0;
}

size_t upd_object_count(const upd_msg_t *m)
{
    return m->nobjects;
}

void upd_para_release(upd_para_t *p)
{
    if (p->obj == NULL || p->released)
        return;
    size_t n = strlen(p->text);
    if (n < PACK_MIN) {
        /* small: deflating costs more time than the bytes are worth */
        rpsl_obj_free(p->obj);
        p->obj = NULL;
        p->released = 1;
        return;
    }
    uLongf cap = compressBound((uLong)n);
    unsigned char *z = xmalloc(cap);
    /* level 1: fast, and RPSL shrinks well anyway */
    if (compress2(z, &cap, (const Bytef *)p->text, (uLong)n, 1) != Z_OK) {
        free(z);        /* keep it as it is */
        return;
    }
    p->packed = xrealloc(z, cap ? cap : 1);
    p->packed_len = cap;
    p->text_len = n;
    rpsl_obj_free(p->obj);
    p->obj = NULL;
    free(p->text);
    p->text = NULL;
    p->released = 1;
}

/* Parse a released paragraph's text again (p->diags has its messages
 * from the first parse). */
static void para_parse_again(upd_para_t *p, const char *t, size_t n)
{
    diag_list_t d;
    diag_list_init(&d);
    if (rpsl_parse(t, n, 1, 0, &p->obj, &d) != 0 || schema_classify(p->obj, &d) != 0)
        abort();
    diag_list_free(&d);
}

/* Bring back one released paragraph.  Inflating what was deflated here,
 * and parsing the text that parsed before, cannot fail but for memory
 * (abort, as buf.h says). */
static void para_restore(upd_para_t *p)
{
    if (p->packed == NULL) {    /* kept as it was (PACK_MIN) */
        para_parse_again(p, p->text, strlen(p->text));
        p->released = 0;
        return;
    }
    char *t = xmalloc(p->text_len + 1);
    uLongf n = (uLongf)p->text_len;
    if (uncompress((Bytef *)t, &n, p->packed, (uLong)p->packed_len) != Z_OK ||
        n != p->text_len)
        abort();
    t[n] = 0;
    para_parse_again(p, t, n);
    p->text = t;
    free(p->packed);
    p->packed = NULL;
    p->packed_len = p->text_len = 0;
    p->released = 0;
}

void upd_msg_restore(upd_msg_t *m)
{
    for (size_t i = 0; i < m->nparas; i++)
        if (m->paras[i].released)
            para_restore(&m->paras[i]);
}

static void wipe_free(char *s)
{
    if (s == NULL)
        return;
    volatile char *p = s;
    while (*p)
        *p++ = 0;
    free(s);
}

void upd_password_limits(upd_msg_t *m, unsigned bcrypt_max_cost, unsigned max_checks)
{
    if (m == NULL)
        return;
    m->checks_left = max_checks;
    m->checks_bounded = 1;
    for (size_t i = 0; i < m->npieces; i++)
        for (size_t k = 0; k < m->creds[i].n; k++)
            if (m->creds[i].v[k].kind == CRED_PASSWORD) {
                m->creds[i].v[k].bcrypt_max_cost = bcrypt_max_cost;
                m->creds[i].v[k].checks_left = &m->checks_left;
            }
}

void upd_msg_free(upd_msg_t *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nparas; i++) {
        upd_para_t *p = &m->paras[i];
        rpsl_obj_free(p->obj);
        free(p->text);
        free(p->packed);
        free(p->delete_reason);
        wipe_free(p->override);
        diag_list_free(&p->diags);
    }
    free(m->paras);
    for (size_t i = 0; i < m->npieces; i++)
        cred_list_free(&m->creds[i]);
    free(m->creds);
    diag_list_free(&m->global);
    free(m);
}
