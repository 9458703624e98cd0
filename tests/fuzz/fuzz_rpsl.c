/*
 * fuzz_rpsl.c - libFuzzer harness of the RPSL parser and the schema.
 *
 * The input is a dump-like text.  Every paragraph found by
 * rpsl_next_paragraph() (with and without RPSL_PARSE_SKIP_COMMENT_LINES)
 * is parsed, its lexical invariants are checked, and it is printed and
 * parsed back in the raw and display forms, with and without comments and
 * with auth: hashes filtered (fz_roundtrip()).  A copy is classified
 * and validated strictly, non-strictly and strictly for creation; the
 * validated objects (values normalised in place) must survive the round
 * trip as well, and their diagnostics must name existing attributes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz_common.h"
#include "util/ipaddr.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* At most this many paragraphs per input (keeps one run bounded). */
#define MAX_PARAS 64

static int key_cb(enum schema_keykind kind, int aid, const char *value,
                  size_t len, void *arg)
{
    (void)arg;
    FZ_CHECK(kind == SCHEMA_KEY_INVERSE || kind == SCHEMA_KEY_LOOKUP);
    FZ_CHECK(aid >= 0 && aid < SA__COUNT);
    FZ_CHECK(value != NULL || len == 0);
    return 0;
}

static int item_cb(const char *item, size_t len, void *arg)
{
    (void)arg;
    FZ_CHECK(len > 0 && item[0] != ' ' && item[len - 1] != ' ');
    FZ_CHECK(memchr(item, ',', len) == NULL);
    return 0;
}

static void check_validated(const rpsl_obj_t *cls_obj, enum schema_mode mode,
                            const char *source, int exact)
{
    rpsl_obj_t *v = rpsl_obj_dup(cls_obj);
    diag_list_t d;
    diag_list_init(&d);
    int nerr = schema_validate(v, mode, source, &d);
    FZ_CHECK(nerr >= 0 && (size_t)nerr == diag_count(&d, DIAG_ERROR));
    fz_check_diags(&d, v);
    FZ_CHECK(v->cls == cls_obj->cls);
    fz_check_obj(v, exact);
    fz_roundtrip(v, mode == SCHEMA_STRICT ? RPSL_PRINT_DISPLAY : RPSL_PRINT_RAW,
                 exact);

    buf_t k;
    buf_init(&k);
    if (schema_pkey(v, &k) == 0)
        FZ_CHECK(k.len == strlen(k.s));
    buf_free(&k);
    ip_range_t r;
    (void)schema_obj_range(v, &r);
    (void)schema_each_key(v, key_cb, NULL);

    diag_list_free(&d);
    rpsl_obj_free(v);
}

static void one_object(const char *text, size_t len, unsigned lineno,
                       unsigned flags)
{
    int exact = memchr(text, 0, len) == NULL;
    diag_list_t d;
    diag_list_init(&d);
    rpsl_obj_t *o = NULL;
    int rc = rpsl_parse(text, len, lineno, flags, &o, &d);
    if (rc != 0) {
        FZ_CHECK(o == NULL);
        diag_list_free(&d);
        return;
    }
    fz_check_obj(o, exact);
    fz_check_diags(&d, o);
    FZ_CHECK(o->cls == -1);
    for (size_t i = 0; i < o->nattrs; i++) {
        FZ_CHECK(o->attrs[i].aid == -1);
        FZ_CHECK(o->attrs[i].lineno >= lineno);
        if (exact)
            (void)rpsl_list_each(o->attrs[i].value, item_cb, NULL);
    }
    FZ_CHECK(rpsl_obj_find(o, o->attrs[0].name, 0) == 0);
    FZ_CHECK(rpsl_obj_get(o, o->attrs[0].name) == o->attrs[0].value);

    fz_roundtrip(o, RPSL_PRINT_RAW, exact);
    fz_roundtrip(o, RPSL_PRINT_DISPLAY | RPSL_PRINT_NO_COMMENTS, exact);
    fz_roundtrip(o, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH, exact);

    rpsl_obj_t *c = rpsl_obj_dup(o);
    fz_check_same(o, c, 1);
    diag_list_t cd;
    diag_list_init(&cd);
    if (schema_classify(c, &cd) == 0) {
        FZ_CHECK(c->cls >= 0 && c->cls < SC__COUNT);
        FZ_CHECK(schema_class_name(c->cls) != NULL);
        fz_check_diags(&cd, c);
        fz_check_obj(c, exact);
        check_validated(c, SCHEMA_STRICT, "TEST", exact);
        check_validated(c, SCHEMA_NON_STRICT, NULL, exact);
        check_validated(c, SCHEMA_STRICT | SCHEMA_CREATE, "TEST", exact);
    } else {
        FZ_CHECK(c->cls == -1);
    }
    diag_list_free(&cd);
    rpsl_obj_free(c);
    rpsl_obj_free(o);
    diag_list_free(&d);
}

static void paragraphs(const char *text, size_t len, unsigned flags)
{
    size_t pos = 0;
    unsigned lineno = 1;
    const char *start;
    size_t plen;
    unsigned pline;
    for (int n = 0; n < MAX_PARAS; n++) {
        size_t before = pos;
        unsigned lbefore = lineno;
        if (!rpsl_next_paragraph(text, len, &pos, &lineno, flags, &start,
                                 &plen, &pline)) {
            FZ_CHECK(pos == len);
            return;
        }
        FZ_CHECK(start >= text + before && start + plen <= text + len);
        FZ_CHECK(plen > 0 && pos > before && pos <= len);
        FZ_CHECK(pline >= lbefore && lineno >= pline);
        one_object(start, plen, pline, flags);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so reading past the end is caught by ASan. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    if (size)
        memcpy(text, data, size);
    paragraphs(text, size, 0);
    /* Comment skipping changes nothing unless a line starts with # or %. */
    int comments = 0;
    for (size_t i = 0; i < size && !comments; i++)
        comments = (text[i] == '#' || text[i] == '%') && (i == 0 || text[i - 1] == '\n');
    if (comments)
        paragraphs(text, size, RPSL_PARSE_SKIP_COMMENT_LINES);
    free(text);
    return 0;
}
