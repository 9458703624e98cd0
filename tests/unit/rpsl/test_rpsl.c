/*
 * test_rpsl.c - the RPSL object model: parsing, continuation lines,
 * comments, editing, printing and round trips.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rpsl/rpsl.h"

static rpsl_obj_t *parse(const char *text, diag_list_t *d)
{
    rpsl_obj_t *o = NULL;
    int rc = rpsl_parse(text, strlen(text), 1, 0, &o, d);
    CU_ASSERT_EQUAL(rc, 0);
    return o;
}

static char *print(const rpsl_obj_t *o, unsigned flags)
{
    buf_t b;
    buf_init(&b);
    rpsl_print(o, &b, flags);
    return buf_steal(&b);
}

static void test_basic(void)
{
    rpsl_obj_t *o = parse("Person:  John   Smith\nnic-hdl: JS1-TEST\r\nsource: TEST\n", NULL);
    CU_ASSERT_EQUAL_FATAL(o->nattrs, 3);
    CU_ASSERT_STRING_EQUAL(o->attrs[0].name, "person");
    CU_ASSERT_STRING_EQUAL(o->attrs[0].value, "John Smith");
    CU_ASSERT_STRING_EQUAL(o->attrs[1].value, "JS1-TEST");
    CU_ASSERT_STRING_EQUAL(rpsl_obj_get(o, "SOURCE"), "TEST");
    CU_ASSERT_EQUAL(o->attrs[2].lineno, 3);
    CU_ASSERT_EQUAL(o->cls, -1);
    rpsl_obj_free(o);
}

static void test_continuation(void)
{
    rpsl_obj_t *o = parse("address: Example LTD\n"
                          "                High street 12\n"
                          "\t\tSt.Mery Mead\n"
                          "+\n"
                          "+   Essex, UK\n"
                          "source: TEST\n", NULL);
    CU_ASSERT_EQUAL_FATAL(o->nattrs, 2);
    rpsl_attr_t *a = &o->attrs[0];
    CU_ASSERT_EQUAL(a->nlines, 5);
    CU_ASSERT_STRING_EQUAL(a->value, "Example LTD High street 12 St.Mery Mead Essex, UK");
    CU_ASSERT_EQUAL(a->lines[1].cont, ' ');
    CU_ASSERT_EQUAL(a->lines[2].cont, '\t');
    CU_ASSERT_EQUAL(a->lines[3].cont, '+');
    CU_ASSERT_STRING_EQUAL(a->lines[3].text, "");
    CU_ASSERT_STRING_EQUAL(a->lines[4].text, "Essex, UK");
    char *s = print(o, RPSL_PRINT_DISPLAY);
    CU_ASSERT_STRING_EQUAL(s,
        "address:        Example LTD\n"
        "                High street 12\n"
        "                St.Mery Mead\n"
        "+\n"
        "+               Essex, UK\n"
        "source:         TEST\n");
    free(s);
    rpsl_obj_free(o);
}

static void test_comments(void)
{
    rpsl_obj_t *o = parse("mnt-by: A-MNT # first\n  , B-MNT #second  \nremarks: # only\n", NULL);
    rpsl_attr_t *a = &o->attrs[0];
    CU_ASSERT_STRING_EQUAL(a->value, "A-MNT , B-MNT");
    CU_ASSERT_STRING_EQUAL(a->lines[0].comment, "first");
    CU_ASSERT_STRING_EQUAL(a->lines[1].comment, "second");
    CU_ASSERT_STRING_EQUAL(o->attrs[1].value, "");
    CU_ASSERT_STRING_EQUAL(o->attrs[1].lines[0].comment, "only");
    char *s = print(o, RPSL_PRINT_DISPLAY);
    CU_ASSERT_STRING_EQUAL(s, "mnt-by:         A-MNT # first\n"
                              "                , B-MNT # second\n"
                              "remarks:        # only\n");
    free(s);
    s = print(o, RPSL_PRINT_DISPLAY | RPSL_PRINT_NO_COMMENTS);
    CU_ASSERT_STRING_EQUAL(s, "mnt-by:         A-MNT\n                , B-MNT\nremarks:\n");
    free(s);
    rpsl_obj_free(o);
}

/* Parse -> print -> parse gives the same attributes, values and comments. */
static void test_round_trip(void)
{
    const char *in = "aut-num: AS1\n"
                     "import: from AS2   accept ANY # c\n"
                     "+ and more\n"
                     "descr:\n"
                     "remarks: x\n"
                     "\tcontinued\n"
                     "assignment-size: 48\n";
    for (unsigned f = 0; f < 2; f++) {
        rpsl_obj_t *a = parse(in, NULL);
        char *s = print(a, f ? RPSL_PRINT_DISPLAY : RPSL_PRINT_RAW);
        rpsl_obj_t *b = parse(s, NULL);
        CU_ASSERT_EQUAL_FATAL(a->nattrs, b->nattrs);
        for (size_t i = 0; i < a->nattrs; i++) {
            CU_ASSERT_STRING_EQUAL(a->attrs[i].name, b->attrs[i].name);
            CU_ASSERT_STRING_EQUAL(a->attrs[i].value, b->attrs[i].value);
            CU_ASSERT_EQUAL(a->attrs[i].nlines, b->attrs[i].nlines);
            for (size_t k = 0; k < a->attrs[i].nlines; k++) {
                const char *ca = a->attrs[i].lines[k].comment;
                const char *cb = b->attrs[i].lines[k].comment;
                CU_ASSERT((ca == NULL) == (cb == NULL));
                if (ca && cb)
                    CU_ASSERT_STRING_EQUAL(ca, cb);
            }
        }
        /* printing again gives the same text: the form is stable */
        char *t = print(b, f ? RPSL_PRINT_DISPLAY : RPSL_PRINT_RAW);
        CU_ASSERT_STRING_EQUAL(s, t);
        free(s);
        free(t);
        rpsl_obj_free(a);
        rpsl_obj_free(b);
    }
}

static void test_not_object(void)
{
    rpsl_obj_t *o = (rpsl_obj_t *)1;
    CU_ASSERT_EQUAL(rpsl_parse("hello world\nfoo: bar\n", 18, 1, 0, &o, NULL), ERR_SYNTAX);
    CU_ASSERT_PTR_NULL(o);
    CU_ASSERT_EQUAL(rpsl_parse("  indented: x\n", 14, 1, 0, &o, NULL), ERR_SYNTAX);
    CU_ASSERT_EQUAL(rpsl_parse("", 0, 1, 0, &o, NULL), ERR_SYNTAX);
    CU_ASSERT_EQUAL(rpsl_parse("9abc: x\n", 8, 1, 0, &o, NULL), ERR_SYNTAX);
    /* a bad line inside an object is reported and dropped */
    diag_list_t d = DIAG_LIST_INIT;
    o = parse("mntner: X-MNT\nthis is junk\nsource: TEST\n", &d);
    CU_ASSERT_EQUAL(o->nattrs, 2);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_ERROR), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].text, "Line 2"));
    rpsl_obj_free(o);
    diag_list_free(&d);
}

static void test_paragraphs(void)
{
    const char *t = "# comment\n% also\n\nperson: A\nnic-hdl: A1\n\n \n\t\nmntner: B\n# inside\nsource: X\n";
    size_t pos = 0, plen;
    unsigned ln = 1, pl;
    const char *st;
    CU_ASSERT_EQUAL(rpsl_next_paragraph(t, strlen(t), &pos, &ln, RPSL_PARSE_SKIP_COMMENT_LINES, &st, &plen, &pl), 1);
    CU_ASSERT_EQUAL(pl, 4);
    CU_ASSERT_EQUAL(plen, strlen("person: A\nnic-hdl: A1\n"));
    CU_ASSERT_EQUAL(rpsl_next_paragraph(t, strlen(t), &pos, &ln, RPSL_PARSE_SKIP_COMMENT_LINES, &st, &plen, &pl), 1);
    CU_ASSERT_EQUAL(pl, 9);
    rpsl_obj_t *o = NULL;
    CU_ASSERT_EQUAL(rpsl_parse(st, plen, pl, RPSL_PARSE_SKIP_COMMENT_LINES, &o, NULL), 0);
    CU_ASSERT_EQUAL(o->nattrs, 2);
    CU_ASSERT_EQUAL(o->attrs[1].lineno, 11);
    rpsl_obj_free(o);
    CU_ASSERT_EQUAL(rpsl_next_paragraph(t, strlen(t), &pos, &ln, RPSL_PARSE_SKIP_COMMENT_LINES, &st, &plen, &pl), 0);
    /* without the flag the comment lines form a paragraph of their own */
    pos = 0;
    ln = 1;
    CU_ASSERT_EQUAL(rpsl_next_paragraph(t, strlen(t), &pos, &ln, 0, &st, &plen, &pl), 1);
    CU_ASSERT_EQUAL(pl, 1);
    CU_ASSERT_EQUAL(st[0], '#');
}

static void test_edit(void)
{
    rpsl_obj_t *o = parse("mntner: X-MNT\nsource: TEST\n", NULL);
    size_t i = rpsl_obj_insert(o, 1, "Mnt-By", "X-MNT");
    CU_ASSERT_EQUAL(i, 1);
    rpsl_obj_append(o, "remarks", "one\ntwo");
    CU_ASSERT_EQUAL(o->nattrs, 4);
    CU_ASSERT_STRING_EQUAL(o->attrs[1].name, "mnt-by");
    CU_ASSERT_STRING_EQUAL(o->attrs[3].value, "one two");
    rpsl_obj_set_value(o, 0, "Y-MNT");
    rpsl_obj_remove(o, 2);
    rpsl_obj_t *c = rpsl_obj_dup(o);
    rpsl_obj_free(o);
    char *s = print(c, RPSL_PRINT_DISPLAY);
    CU_ASSERT_STRING_EQUAL(s, "mntner:         Y-MNT\nmnt-by:         X-MNT\nremarks:        one\n                two\n");
    free(s);
    CU_ASSERT_EQUAL(rpsl_obj_find(c, "REMARKS", 0), 2);
    CU_ASSERT_EQUAL(rpsl_obj_find(c, "remarks", 3), -1);
    rpsl_obj_free(c);
}

static int collect(const char *item, size_t len, void *arg)
{
    buf_t *b = arg;
    buf_put(b, item, len);
    buf_putc(b, '|');
    return 0;
}

static void test_list(void)
{
    buf_t b;
    buf_init(&b);
    CU_ASSERT_EQUAL(rpsl_list_each(" A-MNT,B-MNT , ,C ", collect, &b), 0);
    CU_ASSERT_STRING_EQUAL(b.s, "A-MNT|B-MNT|C|");
    buf_free(&b);
}

static void test_filter_auth(void)
{
    rpsl_obj_t *o = parse("mntner: X\nauth: MD5-PW $1$abc$defghijklmnopqrstuvwx\n"
                          "auth: PGPKEY-12345678\nauth: bcrypt-pw $2b$12$abc\n", NULL);
    char *s = print(o, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
    CU_ASSERT_STRING_EQUAL(s, "mntner:         X\nauth:           MD5-PW # Filtered\n"
                              "auth:           PGPKEY-12345678\nauth:           BCRYPT-PW # Filtered\n");
    CU_ASSERT_PTR_NULL(strstr(s, "$1$"));
    free(s);
    s = print(o, RPSL_PRINT_DISPLAY);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "$1$abc$"));
    free(s);
    rpsl_obj_free(o);
    /* a mirrored registry's "auth :" and "AUTH\t:" are auth: too; an
     * attribute whose name only starts so is not */
    o = parse("mntner: X\nauth : MD5-PW $1$abc$defghijklmnopqrstuvwx\n"
              "AUTH\t: crypt-pw $1$abc$defghijklmnopqrstuvwx\n"
              "author: MD5-PW kept\n", NULL);
    CU_ASSERT_TRUE(rpsl_attr_named(&o->attrs[1], "auth"));
    CU_ASSERT_TRUE(rpsl_attr_named(&o->attrs[2], "auth"));
    CU_ASSERT_FALSE(rpsl_attr_named(&o->attrs[3], "auth"));
    s = print(o, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
    CU_ASSERT_PTR_NULL(strstr(s, "$1$"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "MD5-PW kept"));
    free(s);
    rpsl_obj_free(o);
}

/* The attribute array of a parsed object is sized to its attribute
 * lines, and the robot's additions grow it by a little, not twice. */
static void test_attrs_sized(void)
{
    const char *t = "aut-num: AS1\nimport: from AS2\n  accept ANY\n+\nexport: to AS2\n"
                    "\tannounce AS1\nsource: TEST\n";
    rpsl_obj_t *o = NULL;
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(t, strlen(t), 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL(o->nattrs, 4);
    CU_ASSERT_EQUAL(o->cap, 4);
    rpsl_obj_free(o);

    buf_t big;
    buf_init(&big);
    for (int i = 0; i < 1000; i++)
        buf_printf(&big, "import: from AS%d accept ANY\n", i);
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(big.s, big.len, 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL(o->cap, 1000);
    rpsl_obj_append(o, "created", "2026-01-01T00:00:00Z");
    rpsl_obj_append(o, "last-modified", "2026-01-01T00:00:00Z");
    CU_ASSERT_EQUAL(o->nattrs, 1002);
    CU_ASSERT(o->cap >= 1002 && o->cap <= 1300);
    rpsl_obj_free(o);
    buf_free(&big);
}

static void test_spaced_name_and_extent(void)
{
    /* "address :" is the unknown attribute "address " (as RIPE reads it) */
    rpsl_obj_t *o = parse("person: A\naddress : x\nsource: TEST\n", NULL);
    CU_ASSERT_EQUAL_FATAL(o->nattrs, 3);
    CU_ASSERT_STRING_EQUAL(o->attrs[1].name, "address ");
    CU_ASSERT_STRING_EQUAL(o->attrs[1].value, "x");
    rpsl_obj_free(o);

    const char *t = "person: A\nsource: TEST\nstray words\n  more\nand more\n";
    CU_ASSERT_EQUAL(rpsl_object_extent(t, strlen(t)), strlen("person: A\nsource: TEST\n"));
    /* an attribute after the stray line: no split */
    t = "person: A\nstray words\nsource: TEST\n";
    CU_ASSERT_EQUAL(rpsl_object_extent(t, strlen(t)), strlen(t));
    t = "not an object\nperson: A\n";
    CU_ASSERT_EQUAL(rpsl_object_extent(t, strlen(t)), strlen(t));
    t = "person: A\n \n+\nsource: TEST";
    CU_ASSERT_EQUAL(rpsl_object_extent(t, strlen(t)), strlen(t));
}

static void test_replace_controls(void)
{
    rpsl_obj_t *o = parse("address: a\001b # c\033d\n e\302\205f\tg\nremarks: ok\n", NULL);
    CU_ASSERT_EQUAL_FATAL(o->nattrs, 2);
    CU_ASSERT_EQUAL(rpsl_attr_replace_controls(o, 1, 1), 0);
    CU_ASSERT_EQUAL(rpsl_attr_replace_controls(o, 0, 0), 1);    /* the comment */
    CU_ASSERT_STRING_EQUAL(o->attrs[0].lines[0].comment, "c?d");
    CU_ASSERT_STRING_EQUAL(o->attrs[0].lines[0].text, "a\001b");
    CU_ASSERT_EQUAL(rpsl_attr_replace_controls(o, 0, 1), 2);
    CU_ASSERT_EQUAL(o->attrs[0].nlines, 2);                     /* no line added */
    CU_ASSERT_STRING_EQUAL(o->attrs[0].lines[1].text, "e?f\tg");
    CU_ASSERT_STRING_EQUAL(o->attrs[0].value, "a?b e?f g");
    rpsl_obj_free(o);
}

static void test_value_equal(void)
{
    CU_ASSERT_TRUE(rpsl_value_equal("PGP", "pgp"));
    /* a generated fingerprint against the folded value of one supplied */
    CU_ASSERT_TRUE(rpsl_value_equal("0EC8 43E0 414C FDC6 98AC  AE52 FBC7",
                                    "0ec8 43e0 414c fdc6 98ac ae52 fbc7"));
    CU_ASSERT_TRUE(rpsl_value_equal("a \t b", "a b"));
    CU_ASSERT_FALSE(rpsl_value_equal("ab", "a b"));
    CU_ASSERT_FALSE(rpsl_value_equal("a b", "a bc"));
    CU_ASSERT_FALSE(rpsl_value_equal("a", ""));
    CU_ASSERT_TRUE(rpsl_value_equal("", ""));
}

void suite_rpsl(void);
void suite_rpsl(void)
{
    CU_pSuite s = harness_suite("rpsl");
    HARNESS_ADD(s, test_basic);
    HARNESS_ADD(s, test_attrs_sized);
    HARNESS_ADD(s, test_continuation);
    HARNESS_ADD(s, test_comments);
    HARNESS_ADD(s, test_round_trip);
    HARNESS_ADD(s, test_not_object);
    HARNESS_ADD(s, test_paragraphs);
    HARNESS_ADD(s, test_edit);
    HARNESS_ADD(s, test_list);
    HARNESS_ADD(s, test_filter_auth);
    HARNESS_ADD(s, test_spaced_name_and_extent);
    HARNESS_ADD(s, test_replace_controls);
    HARNESS_ADD(s, test_value_equal);
}
