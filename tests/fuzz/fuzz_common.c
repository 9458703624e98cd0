/*
 * fuzz_common.c - shared property checks of the fuzz harnesses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "fuzz_common.h"
#include "rpsl/schema.h"

void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "fuzz: property violated at %s:%d: %s\n", file, line, what);
    abort();
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void fz_check_obj(const rpsl_obj_t *o, int exact)
{
    FZ_CHECK(o != NULL);
    FZ_CHECK(o->nattrs >= 1);
    FZ_CHECK(o->nattrs <= o->cap);
    for (size_t i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];
        FZ_CHECK(a->name != NULL && a->name[0] != 0);
        for (const char *p = a->name; *p; p++)
            FZ_CHECK(!(*p >= 'A' && *p <= 'Z') && *p != ':');
        FZ_CHECK(a->value != NULL);
        FZ_CHECK(a->nlines >= 1 && a->lines != NULL);
        if (!exact)
            continue;
        size_t vl = strlen(a->value);
        if (vl > 0) {
            FZ_CHECK(a->value[0] != ' ');
            FZ_CHECK(a->value[vl - 1] != ' ');
        }
        FZ_CHECK(strstr(a->value, "  ") == NULL);
        for (const char *p = a->value; *p; p++)
            FZ_CHECK(*p == ' ' || !is_blank(*p));
        FZ_CHECK(strchr(a->value, '\n') == NULL);
        FZ_CHECK(a->lines[0].cont == 0);
        for (size_t k = 0; k < a->nlines; k++) {
            const rpsl_line_t *l = &a->lines[k];
            FZ_CHECK(l->text != NULL);
            FZ_CHECK(k == 0 || l->cont == ' ' || l->cont == '\t' || l->cont == '+');
            FZ_CHECK(strchr(l->text, '\n') == NULL);
            FZ_CHECK(strchr(l->text, '#') == NULL);
            size_t tl = strlen(l->text);
            if (tl > 0)
                FZ_CHECK(!is_blank(l->text[0]) && !is_blank(l->text[tl - 1]));
            if (l->comment) {
                FZ_CHECK(strchr(l->comment, '\n') == NULL);
                size_t cl = strlen(l->comment);
                if (cl > 0)
                    FZ_CHECK(!is_blank(l->comment[0]) && !is_blank(l->comment[cl - 1]));
            }
        }
    }
}

static int str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

void fz_check_same(const rpsl_obj_t *a, const rpsl_obj_t *b, int comments)
{
    FZ_CHECK(a->nattrs == b->nattrs);
    for (size_t i = 0; i < a->nattrs; i++) {
        const rpsl_attr_t *x = &a->attrs[i], *y = &b->attrs[i];
        FZ_CHECK(strcmp(x->name, y->name) == 0);
        FZ_CHECK(strcmp(x->value, y->value) == 0);
        FZ_CHECK(rpsl_value_equal(x->value, y->value));
        FZ_CHECK(x->nlines == y->nlines);
        for (size_t k = 0; k < x->nlines; k++) {
            FZ_CHECK(strcmp(x->lines[k].text, y->lines[k].text) == 0);
            if (comments)
                FZ_CHECK(str_eq(x->lines[k].comment, y->lines[k].comment));
            else
                FZ_CHECK(y->lines[k].comment == NULL);
        }
    }
}

void fz_roundtrip(const rpsl_obj_t *o, unsigned flags, int exact)
{
    if (o->nattrs == 0)
        return;
    buf_t t1, t2;
    buf_init(&t1);
    buf_init(&t2);
    rpsl_print(o, &t1, flags);
    FZ_CHECK(t1.len > 0 && t1.s[t1.len - 1] == '\n');

    /* The print is exactly one paragraph: no blank line inside. */
    size_t pos = 0, plen = 0;
    unsigned ln = 1, pline = 0;
    const char *start = NULL;
    FZ_CHECK(rpsl_next_paragraph(t1.s, t1.len, &pos, &ln, 0, &start, &plen, &pline) == 1);
    FZ_CHECK(start == t1.s && pline == 1);
    FZ_CHECK(rpsl_next_paragraph(t1.s, t1.len, &pos, &ln, 0, &start, &plen, &pline) == 0);

    diag_list_t d;
    diag_list_init(&d);
    rpsl_obj_t *o2 = NULL;
    FZ_CHECK(rpsl_parse(t1.s, t1.len, 1, 0, &o2, &d) == 0);
    FZ_CHECK(o2 != NULL);
    FZ_CHECK(d.n == 0);
    fz_check_obj(o2, 1);
    if (!exact)
        FZ_CHECK(o2->nattrs == o->nattrs);
    else if (!(flags & RPSL_PRINT_FILTER_AUTH))
        fz_check_same(o, o2, !(flags & RPSL_PRINT_NO_COMMENTS));
    else
        FZ_CHECK(o2->nattrs == o->nattrs);

    /* Printing what was read back gives the same text again. */
    rpsl_print(o2, &t2, flags);
    if (exact)
        FZ_CHECK(t1.len == t2.len && memcmp(t1.s, t2.s, t1.len) == 0);

    rpsl_obj_free(o2);
    diag_list_free(&d);
    buf_free(&t1);
    buf_free(&t2);
}

void fz_check_diags(const diag_list_t *d, const rpsl_obj_t *o)
{
    FZ_CHECK(d->n <= d->cap || d->n == 0);
    for (size_t i = 0; i < d->n; i++) {
        const diag_t *x = &d->v[i];
        FZ_CHECK(x->text != NULL);
        FZ_CHECK(x->sev == DIAG_INFO || x->sev == DIAG_WARNING || x->sev == DIAG_ERROR);
        FZ_CHECK(x->attr == DIAG_OBJECT ||
                 (x->attr >= 0 && o != NULL && (size_t)x->attr < o->nattrs));
    }
}

struct fz_text { const char *s; size_t len; };

static int fz_load_unit(store_txn_t *txn, void *arg, err_t *err)
{
    const struct fz_text *t = arg;
    size_t pos = 0;
    unsigned lineno = 1, pline;
    const char *p;
    size_t plen;
    while (rpsl_next_paragraph(t->s, t->len, &pos, &lineno, 0, &p, &plen, &pline)) {
        rpsl_obj_t *o = NULL;
        FZ_CHECK(rpsl_parse(p, plen, pline, 0, &o, NULL) == 0 && o);
        FZ_CHECK(schema_classify(o, NULL) == 0);
        int rc = store_obj_put(txn, o, 0, NULL, err);
        rpsl_obj_free(o);
        if (rc)
            return rc;
    }
    return 0;
}

store_t *fz_store(const char *registry, size_t len)
{
    char tmpl[] = "/tmp/fuzz-store.XXXXXX";
    char *dir = mkdtemp(tmpl);
    err_t err = ERR_INIT;
    store_t *st = NULL;
    struct fz_text t = { registry, len };
    FZ_CHECK(dir != NULL);
    FZ_CHECK(store_open_size(dir, 0, (size_t)8 << 20, &st, &err) == 0);
    FZ_CHECK(store_write(st, fz_load_unit, &t, &err) == 0);
    err_free(&err);
    const char *files[] = { "data.mdb", "lock.mdb", "writer.lock" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *f = xasprintf("%s/%s", dir, files[i]);
        unlink(f);
        free(f);
    }
    rmdir(dir);
    return st;
}
