/*
 * test_query_sources.c - queries over several sources in one store
 * (src/registry/query.c, src/registry/irr.c): a store holding the own
 * source TEST and a mirrored source RIPE-MIRROR with the same keys;
 * default queries see TEST only, -s selects (any case, in order, unknown
 * names refused), -a every source, query_env_t.sources the default,
 * related objects from the match's source, -q sources and %ERROR:101
 * naming the sources; "!s", "!s-lc", "!j", set expansion (the set the
 * first found in source order, routes from every source), "!m" the first
 * found, "!g" and "!r" from every source; the caller's transaction is
 * left on the own source.  Objects of classes of the mirrored registry's
 * own (kept as text): by key and -T in the mirror only, "!m" too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/irr.h"
#include "registry/query.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/bulk.h"
#include "store/journal.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/strv.h"

#define MIRROR "RIPE-MIRROR"
/* the first journal serial of the mirrored objects (remote serials) */
#define MIRROR_SERIAL 100

static const char *const own_objects[] = {
    "mntner:         TEST-MNT\n"
    "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "person:         Test Person\n"
    "nic-hdl:        TP1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "aut-num:        AS65001\n"
    "as-name:        TEST-AS\n"
    "admin-c:        TP1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "as-set:         AS-EXAMPLE\n"
    "members:        AS65001\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "route:          192.0.2.0/24\n"
    "origin:         AS65001\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
};

static const char *const mirror_objects[] = {
    "person:         Mirror Person\n"
    "nic-hdl:        TP1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    "aut-num:        AS65001\n"
    "as-name:        MIRROR-AS\n"
    "admin-c:        TP1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    "aut-num:        AS65002\n"
    "as-name:        ONLY-MIRROR-AS\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    "as-set:         AS-EXAMPLE\n"
    "members:        AS65002\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    "as-set:         AS-ONLYMIRROR\n"
    "members:        AS65002, AS-EXAMPLE\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    "route:          198.51.100.0/24\n"
    "origin:         AS65001\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    "route:          203.0.113.0/24\n"
    "origin:         AS65002\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",

    /* classes of the mirrored registry's own (dn42's), kept as text */
    "schema:             FOO-SCHEMA\n"
    "ref:                dn42.foo\n"
    "key:                foo m,1 # a comment\n"
    "mnt-by:             TEST-MNT\n"
    "source:             RIPE-MIRROR\n",

    "tinc-key:           Example-Net\n"
    "tech-c:             TP1-TEST\n"
    "auth:               MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "source:             RIPE-MIRROR\n",
};

#define N_OWN (sizeof(own_objects) / sizeof(own_objects[0]))
#define N_MIRROR (sizeof(mirror_objects) / sizeof(mirror_objects[0]))

static int put_text(store_txn_t *t, const char *text, err_t *err)
{
    rpsl_obj_t *o = NULL;
    int rc;

    CU_ASSERT_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL) == 0);
    /* a class the schema does not know stays unclassified (cls -1) */
    CU_ASSERT_FATAL(schema_classify(o, NULL) == 0 ||
                    strstr(text, "RIPE-MIRROR") != NULL);
    rc = store_obj_put(t, o, 1700000000, NULL, err);
    rpsl_obj_free(o);
    return rc;
}

static int put_all(store_txn_t *t, void *arg, err_t *err)
{
    int rc = 0;

    (void) arg;
    for (size_t i = 0; i < N_OWN && rc == 0; i++)
        rc = put_text(t, own_objects[i], err);
    if (rc == 0)
        rc = store_source_add(t, MIRROR, err);
    if (rc == 0)
        rc = store_txn_source(t, MIRROR, err);
    for (size_t i = 0; i < N_MIRROR && rc == 0; i++) {
        rc = store_txn_next_serial(t, MIRROR_SERIAL + i, err);
        if (rc == 0)
            rc = put_text(t, mirror_objects[i], err);
    }
    if (rc == 0)
        rc = store_source_serial_set(t, MIRROR_SERIAL + N_MIRROR - 1, err);
    if (rc == 0)
        rc = store_txn_source(t, NULL, err);
    return rc;
}

/** A fresh store: TEST and RIPE-MIRROR. */
static store_t *registry(void)
{
    store_t *st = NULL;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/db", harness_tmpdir());

    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    if (store_write(st, put_all, NULL, &e) != 0)
        fprintf(stderr, "filling the store: %s\n", err_text(&e));
    CU_ASSERT_FATAL(e.code == 0);
    err_free(&e);
    free(dir);
    return st;
}

/*
 * Run @line (@style) on @st with the default sources @defaults (NULL:
 * none) into @out (reset first).  @return query_run_env()'s status.
 */
static int ask(store_t *st, enum query_style style, const strv_t *defaults,
               const char *line, buf_t *out, query_result_t *res)
{
    query_t q;
    query_env_t env;
    store_txn_t *txn = NULL;
    query_sink_t sink = query_sink_buf(out);
    buf_t probe;
    err_t e = ERR_INIT;
    int rc;

    buf_reset(out);
    buf_init(&probe);
    memset(&env, 0, sizeof(env));
    env.source = "TEST";
    env.sources = defaults;
    env.personal_limit = -1;
    query_init_style(&q, style);
    rc = query_parse_line(&q, line, NULL, &e);
    CU_ASSERT_FATAL(style == QUERY_STYLE_RIPE || rc == 0);
    err_free(&e);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    rc = query_run_env(&q, txn, &env, &sink, res, &e);
    /* the transaction is left on the own source */
    CU_ASSERT_EQUAL(store_obj_get(txn, SC_AUT_NUM, "AS65002", &probe, &e),
                    ERR_NOTFOUND);
    err_free(&e);
    store_read_end(txn);
    query_free(&q);
    buf_free(&probe);
    err_free(&e);
    return rc;
}

#define CHECK(st, defaults, line, want) do {                             \
        buf_t o_; query_result_t r_;                                     \
        buf_init(&o_);                                                   \
        CU_ASSERT_EQUAL(ask((st), QUERY_STYLE_TOOL, (defaults), (line),  \
                            &o_, &r_), 0);                               \
        char *h_ = harness_heads(&o_);                                   \
        if (strcmp(h_, (want)) != 0)                                     \
            fprintf(stderr, "%s: got %s\n", (line), h_);                 \
        CU_ASSERT_STRING_EQUAL(h_, (want));                              \
        free(h_);                                                        \
        buf_free(&o_);                                                   \
    } while (0)

/* ------------------------------------------------------------------ */
/* RIPE-style queries                                                  */
/* ------------------------------------------------------------------ */

static void test_default_own(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    buf_init(&out);
    /* the same key in both sources: only TEST's without -s/-a */
    CHECK(st, NULL, "AS65001", "aut-num:        AS65001|person:         Test Person");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "AS65001", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "TEST-AS"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "MIRROR"));
    /* a key only the mirror has is not found */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "AS65002", &out, &res),
                    ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NO_ENTRIES);
    CU_ASSERT_EQUAL(out.len, 0);
    buf_free(&out);
    store_close(st);
}

static void test_select(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    buf_init(&out);
    /* -s: the mirror's object and its related object from the mirror */
    CHECK(st, NULL, "-s RIPE-MIRROR AS65001",
          "aut-num:        AS65001|person:         Mirror Person");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-s ripe-mirror -r AS65001",
                        &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "MIRROR-AS"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "TEST-AS"));
    /* in the order given, each source's own related objects */
    CHECK(st, NULL, "-s Ripe-Mirror,test AS65001",
          "aut-num:        AS65001|aut-num:        AS65001|person:         Mirror Person|"
          "person:         Test Person");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-s RIPE-MIRROR,TEST -r AS65001",
                        &out, &res), 0);
    CU_ASSERT_EQUAL(res.objects, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "MIRROR-AS"));
    CU_ASSERT_TRUE(strstr(out.s, "MIRROR-AS") < strstr(out.s, "TEST-AS"));
    /* a source listed twice is searched once */
    CHECK(st, NULL, "-s TEST,TEST,RIPE-MIRROR,ripe-mirror -r AS65001",
          "aut-num:        AS65001|aut-num:        AS65001");
    /* -a: the own source first, then the mirrored ones */
    CHECK(st, NULL, "-a -r AS65002", "aut-num:        AS65002");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-a -r AS65001",
                        &out, &res), 0);
    CU_ASSERT_TRUE(strstr(out.s, "TEST-AS") < strstr(out.s, "MIRROR-AS"));
    /* -i over the selected sources */
    CHECK(st, NULL, "-a -r -i origin AS65001",
          "route:          192.0.2.0/24|route:          198.51.100.0/24");
    /* addresses: -s RIPE-MIRROR finds the mirror's route only */
    CHECK(st, NULL, "-s RIPE-MIRROR -r -T route 203.0.113.0/24",
          "route:          203.0.113.0/24");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-r -T route 203.0.113.0/24",
                        &out, &res), ERR_NOTFOUND);
    buf_free(&out);
    store_close(st);
}

static void test_unknown(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    buf_init(&out);
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-s NOPE AS65001", &out,
                        &res), ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_UNKNOWN_SOURCE);
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-s NOPE,ZAP AS65001",
                        &out, &res), ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_UNKNOWN_SOURCE);
    CU_ASSERT_EQUAL(out.len, 0);
    /* TOOL style: an unknown name beside a known one is left out */
    CHECK(st, NULL, "-s NOPE,ripe-mirror -r AS65001", "aut-num:        AS65001");
    /* RIPE: one %ERROR:102 per unknown name */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-s NOPE,ripe-mirror,ZAP AS65001",
                        &out, &res), 0);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_UNKNOWN_SOURCE);
    CU_ASSERT_STRING_EQUAL(out.s,
        "%ERROR:102: unknown source\n%\n"
        "% \"NOPE\" is not a known source.\n"
        "% Use \"-q sources\" to list known sources.\n\n"
        "%ERROR:102: unknown source\n%\n"
        "% \"ZAP\" is not a known source.\n"
        "% Use \"-q sources\" to list known sources.\n\n");
    buf_free(&out);
    store_close(st);
}

static void test_defaults(void)
{
    store_t *st = registry();
    strv_t d;
    buf_t out;
    query_result_t res;

    strv_init(&d);
    buf_init(&out);
    /* query_sources: the mirror first */
    strv_add(&d, MIRROR);
    strv_add(&d, "TEST");
    CHECK(st, &d, "-r AS65002", "aut-num:        AS65002");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, &d, "-r AS65001", &out, &res), 0);
    CU_ASSERT_TRUE(strstr(out.s, "MIRROR-AS") < strstr(out.s, "TEST-AS"));
    /* -s overrides the defaults */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, &d, "-s TEST -r AS65002", &out,
                        &res), ERR_NOTFOUND);
    /* a default the store does not hold is left out; none left: TEST */
    strv_free(&d);
    strv_add(&d, "GONE-MIRROR");
    CHECK(st, &d, "-r AS65001", "aut-num:        AS65001");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, &d, "-r AS65001", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "TEST-AS"));
    strv_add(&d, MIRROR);
    CHECK(st, &d, "-r AS65001", "aut-num:        AS65001");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, &d, "-r AS65001", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "MIRROR-AS"));
    strv_free(&d);
    buf_free(&out);
    store_close(st);
}

static void test_ripe_texts(void)
{
    store_t *st = registry();
    buf_t out, want;
    query_result_t res;

    buf_init(&out);
    buf_init(&want);
    /* -q sources: every source with its serial range */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-q sources", &out, &res), 0);
    buf_printf(&want, "TEST:3:N:1-%zu\nRIPE-MIRROR:3:N:%d-%zu\n\n", N_OWN,
               MIRROR_SERIAL, MIRROR_SERIAL + N_MIRROR - 1);
    CU_ASSERT_STRING_EQUAL(out.s, want.s);
    /* %ERROR:101 names the sources searched */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "AS65009", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "% No entries found in source TEST.\n"));
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-a AS65009", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s,
        "% No entries found in source TEST,RIPE-MIRROR.\n"));
    /* RIPE: both objects, each with its group */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-s RIPE-MIRROR,TEST -r AS65001",
                        &out, &res), 0);
    CU_ASSERT_EQUAL(res.objects, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "source:         RIPE-MIRROR\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "source:         TEST\n"));
    buf_free(&want);
    buf_free(&out);
    store_close(st);
}

/* Objects of classes the schema does not know (a mirrored registry's
 * own): found by key and by -T in the sources that hold them only. */
static void test_other_classes(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    buf_init(&out);
    /* not in the default source TEST */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "FOO-SCHEMA", &out, &res),
                    ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NO_ENTRIES);
    /* a plain look-up of the key, any case, in the mirror */
    CHECK(st, NULL, "-s RIPE-MIRROR foo-schema", "schema:         FOO-SCHEMA");
    CHECK(st, NULL, "-a FOO-SCHEMA", "schema:         FOO-SCHEMA");
    /* -T with its class name; -T of another class does not find it */
    CHECK(st, NULL, "-s RIPE-MIRROR -T schema FOO-SCHEMA",
          "schema:         FOO-SCHEMA");
    CHECK(st, NULL, "-s RIPE-MIRROR -T Schema,aut-num FOO-SCHEMA",
          "schema:         FOO-SCHEMA");
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL,
                        "-s RIPE-MIRROR -T aut-num FOO-SCHEMA", &out, &res),
                    ERR_NOTFOUND);
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL,
                        "-s RIPE-MIRROR -T tinc-key FOO-SCHEMA", &out, &res),
                    ERR_NOTFOUND);
    /* printed as the others: the hash filtered, the stored text with -B */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL,
                        "-s RIPE-MIRROR -r -T tinc-key EXAMPLE-NET", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "MD5-PW # Filtered"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "$1$"));
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL,
                        "-s RIPE-MIRROR -r -B -T tinc-key EXAMPLE-NET", &out, &res), 0);
    /* TOOL style -B: the text as stored (store_obj_put() stores it in
     * the display form), a blank line */
    CU_ASSERT_STRING_EQUAL(out.s,
        "tinc-key:       Example-Net\n"
        "tech-c:         TP1-TEST\n"
        "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
        "source:         RIPE-MIRROR\n\n");
    /* its related objects from its source */
    CHECK(st, NULL, "-s RIPE-MIRROR example-net",
          "tinc-key:       Example-Net|person:         Mirror Person");
    /* -T of a class no selected source holds: refused as unknown */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-T schema FOO-SCHEMA",
                        &out, &res), ERR_USAGE);
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL,
                        "-s RIPE-MIRROR -T schema,nosuch FOO-SCHEMA", &out, &res),
                    ERR_USAGE);
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-T schema FOO-SCHEMA",
                        &out, &res), 0);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_UNKNOWN_TYPE);
    CU_ASSERT_STRING_EQUAL(out.s,
                           "%ERROR:103: unknown object type 'schema'\n\n");
    /* RIPE style: grouped under its first value as written, filtered */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL,
                        "-s RIPE-MIRROR -T tinc-key example-net", &out, &res), 0);
    CU_ASSERT_EQUAL(res.objects, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s,
        "% Information related to 'Example-Net'\n\n"
        "tinc-key:       Example-Net\n"
        "tech-c:         TP1-TEST\n"
        "auth:           MD5-PW # Filtered\n"
        "source:         RIPE-MIRROR # Filtered\n\n"
        "person:         Mirror Person\n"));
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL,
                        "-s RIPE-MIRROR -K FOO-SCHEMA", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "\nschema:         FOO-SCHEMA\n\n"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "ref:"));
    buf_free(&out);
    store_close(st);
}

/* ------------------------------------------------------------------ */
/* "!" commands                                                        */
/* ------------------------------------------------------------------ */

static int to_buf(const char *data, size_t len, void *arg)
{
    buf_put(arg, data, len);
    return 0;
}

/* Run "!" command @cmd on @s; the whole answer into @out (reset). */
static void irr(irr_session_t *s, const char *cmd, buf_t *out)
{
    irr_answer_t *a = NULL;
    err_t e = ERR_INIT;
    int rc;

    buf_reset(out);
    buf_puts(out, "");
    CU_ASSERT_FATAL(irr_start(s, cmd, &a, &e) == 0);
    do
        rc = irr_step(a, 4096, to_buf, out, &e);
    while (rc == 1);
    CU_ASSERT_EQUAL(rc, 0);
    irr_answer_free(a);
    err_free(&e);
}

#define IRR(s, cmd, want) do {                                           \
        irr((s), (cmd), &out);                                           \
        if (strcmp(out.s, (want)) != 0)                                  \
            fprintf(stderr, "%s: got \"%s\"\n", (cmd), out.s);           \
        CU_ASSERT_STRING_EQUAL(out.s, (want));                           \
    } while (0)

static void test_irr_sources(void)
{
    store_t *st = registry();
    irr_session_t *s = irr_session_new(st, "TEST", "1", NULL);
    buf_t out, want;

    buf_init(&out);
    buf_init(&want);
    IRR(s, "!!", "");
    /* by default the own source alone */
    IRR(s, "!s-lc", "A5\nTEST\nC\n");
    IRR(s, "!iAS-EXAMPLE", "A8\nAS65001\nC\n");
    IRR(s, "!iAS-ONLYMIRROR", "D\n");
    IRR(s, "!gAS65001", "A13\n192.0.2.0/24\nC\n");
    /* an unknown source refuses and changes nothing */
    IRR(s, "!sTEST,NOPE", "F One or more selected sources are unavailable.\n");
    IRR(s, "!s-lc", "A5\nTEST\nC\n");
    IRR(s, "!mschema,FOO-SCHEMA", "D\n");     /* not in TEST */
    /* the mirror first: its set wins, routes come from both */
    IRR(s, "!sripe-mirror,test", "C\n");
    IRR(s, "!s-lc", "A17\nRIPE-MIRROR,TEST\nC\n");
    IRR(s, "!iAS-EXAMPLE", "A8\nAS65002\nC\n");
    IRR(s, "!iAS-EXAMPLE,1", "A8\nAS65002\nC\n");
    IRR(s, "!gAS65001", "A29\n192.0.2.0/24 198.51.100.0/24\nC\n");
    IRR(s, "!a4AS-EXAMPLE", "A15\n203.0.113.0/24\nC\n");
    IRR(s, "!r198.51.100.0/24,o", "A8\nAS65001\nC\n");
    irr(s, "!mperson,TP1-TEST", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "Mirror Person"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "Test Person"));
    /* TEST first: AS-ONLYMIRROR (mirror only) names AS-EXAMPLE, TEST's */
    IRR(s, "!sTEST,RIPE-MIRROR", "C\n");
    IRR(s, "!iAS-ONLYMIRROR", "A19\nAS-EXAMPLE AS65002\nC\n");
    IRR(s, "!iAS-ONLYMIRROR,1", "A16\nAS65001 AS65002\nC\n");
    IRR(s, "!aAS-ONLYMIRROR",
        "A44\n192.0.2.0/24 198.51.100.0/24 203.0.113.0/24\nC\n");
    irr(s, "!mperson,TP1-TEST", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "Test Person"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "Mirror Person"));
    /* !m of a mirrored registry's own class: the mirror's object */
    irr(s, "!mschema,foo-schema", &out);
    CU_ASSERT_EQUAL(strncmp(out.s, "A", 1), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "\nschema:         FOO-SCHEMA\n"
                                         "ref:            dn42.foo\n"));
    IRR(s, "!mschema,NO-SUCH-SCHEMA", "D\n");
    IRR(s, "!mnosuch,FOO-SCHEMA", "D\n");
    /* !o and !r: every selected source */
    irr(s, "!oTEST-MNT", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "Mirror Person"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "Test Person"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "ONLY-MIRROR-AS"));
    irr(s, "!r198.51.100.0/24", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "source:         RIPE-MIRROR\n"));
    /* !j: each source's serials */
    buf_printf(&want, "TEST:Y:1-%zu\nRIPE-MIRROR:Y:%d-%zu", N_OWN,
               MIRROR_SERIAL, MIRROR_SERIAL + N_MIRROR - 1);
    irr(s, "!j-*", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, want.s));
    buf_reset(&want);
    buf_printf(&want, "RIPE-MIRROR:Y:%d-%zu\nNOPE:X:Database unknown",
               MIRROR_SERIAL, MIRROR_SERIAL + N_MIRROR - 1);
    irr(s, "!jripe-mirror,NOPE", &out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, want.s));
    buf_free(&want);
    buf_free(&out);
    irr_session_free(s);
    store_close(st);
}

static void test_irr_defaults(void)
{
    store_t *st = registry();
    irr_session_t *s = irr_session_new(st, "TEST", "1", NULL);
    strv_t d;
    buf_t out;

    strv_init(&d);
    buf_init(&out);
    strv_add(&d, "gone");
    strv_add(&d, "ripe-mirror");
    irr_session_sources(s, &d);
    IRR(s, "!!", "");
    /* a default the store does not hold is left out */
    IRR(s, "!s-lc", "A12\nRIPE-MIRROR\nC\n");
    IRR(s, "!iAS-EXAMPLE", "A8\nAS65002\nC\n");
    IRR(s, "!gAS65001", "A16\n198.51.100.0/24\nC\n");
    /* none held: the own source */
    strv_free(&d);
    strv_add(&d, "GONE");
    irr_session_sources(s, &d);
    IRR(s, "!s-lc", "A5\nTEST\nC\n");
    strv_free(&d);
    buf_free(&out);
    irr_session_free(s);
    store_close(st);
}

/* The stranger runs the registry RIPE-MIRROR mirrors: his objects there
 * name TEST's sets in member-of: with TEST's maintainer in mnt-by:, which
 * in his registry is only a name.  TEST's mbrs-by-ref: trusts TEST's
 * maintainers: only member-of: objects of the set's own source count. */
static const char *const mbrs_own[] = {
    "mntner:         TEST-MNT\n"
    "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
    "as-set:         AS-REF\n"
    "mbrs-by-ref:    TEST-MNT\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
    "route-set:      RS-REF\n"
    "mbrs-by-ref:    TEST-MNT\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
    "aut-num:        AS65010\n"
    "as-name:        REAL-MEMBER\n"
    "member-of:      AS-REF\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
    "route:          192.0.2.0/24\n"
    "origin:         AS65010\n"
    "member-of:      RS-REF\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
};
static const char *const mbrs_mirror[] = {
    "aut-num:        AS65666\n"
    "as-name:        INTRUDER\n"
    "member-of:      AS-REF\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",
    "route:          203.0.113.0/24\n"
    "origin:         AS65666\n"
    "member-of:      RS-REF\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",
    /* the mirror's own set and member: the control across the sources */
    "as-set:         AS-MREF\n"
    "mbrs-by-ref:    ANY\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",
    "aut-num:        AS65667\n"
    "as-name:        MIRROR-MEMBER\n"
    "member-of:      AS-MREF\n"
    "mnt-by:         TEST-MNT\n"
    "source:         RIPE-MIRROR\n",
};

static int put_mbrs(store_txn_t *t, void *arg, err_t *err)
{
    int rc = 0;
    (void) arg;
    for (size_t i = 0; i < sizeof mbrs_own / sizeof *mbrs_own && rc == 0; i++)
        rc = put_text(t, mbrs_own[i], err);
    if (rc == 0)
        rc = store_source_add(t, MIRROR, err);
    if (rc == 0)
        rc = store_txn_source(t, MIRROR, err);
    for (size_t i = 0; i < sizeof mbrs_mirror / sizeof *mbrs_mirror && rc == 0; i++) {
        rc = store_txn_next_serial(t, MIRROR_SERIAL + i, err);
        if (rc == 0)
            rc = put_text(t, mbrs_mirror[i], err);
    }
    return rc;
}

static void test_irr_mbrs_by_ref_source(void)
{
    store_t *st = NULL;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/db-mbrs", harness_tmpdir());
    buf_t out;

    buf_init(&out);
    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, put_mbrs, NULL, &e) == 0);
    irr_session_t *s = irr_session_new(st, "TEST", "1", NULL);
    /* the control: TEST alone */
    IRR(s, "!iAS-REF", "A8\nAS65010\nC\n");
    IRR(s, "!iRS-REF", "A13\n192.0.2.0/24\nC\n");
    /* both sources, either order: the mirror's objects are no members */
    IRR(s, "!sTEST,RIPE-MIRROR", "C\n");
    IRR(s, "!iAS-REF", "A8\nAS65010\nC\n");
    IRR(s, "!iRS-REF", "A13\n192.0.2.0/24\nC\n");
    IRR(s, "!aAS-REF", "A13\n192.0.2.0/24\nC\n");
    IRR(s, "!sRIPE-MIRROR,TEST", "C\n");
    IRR(s, "!iAS-REF", "A8\nAS65010\nC\n");
    /* a mirrored set's mbrs-by-ref: takes its own source's objects */
    IRR(s, "!iAS-MREF", "A8\nAS65667\nC\n");
    irr_session_free(s);
    buf_free(&out);
    err_free(&e);
    free(dir);
    store_close(st);
}

static int add_half(store_txn_t *t, void *arg, err_t *err)
{
    (void) arg;
    return store_source_add(t, "HALF-MIRROR", err);
}

/* A source whose load is not finished is left out, not an error. */
static void test_unfinished_load(void)
{
    store_t *st = registry();
    store_bulk_t *bk = NULL;
    store_batch_t *b = store_batch_new();
    rpsl_obj_t *o = NULL;
    irr_session_t *s;
    buf_t out, want;
    query_result_t res;
    err_t e = ERR_INIT;

    buf_init(&out);
    buf_init(&want);
    CU_ASSERT_FATAL(store_write(st, add_half, NULL, &e) == 0);
    CU_ASSERT_FATAL(rpsl_parse(mirror_objects[2], strlen(mirror_objects[2]), 1, 0,
                               &o, NULL) == 0);
    CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
    CU_ASSERT_FATAL(store_batch_add(b, st, o, &e) == 0);
    CU_ASSERT_FATAL(store_bulk_begin_source(st, "HALF-MIRROR", 1700000000, &bk, &e) == 0);
    CU_ASSERT_FATAL(store_bulk_put(bk, b, &e) == 0);
    store_bulk_free(bk);        /* not ended: the load is unfinished */
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-q sources", &out, &res), 0);
    buf_printf(&want, "TEST:3:N:1-%zu\nRIPE-MIRROR:3:N:%d-%zu\n\n", N_OWN,
               MIRROR_SERIAL, MIRROR_SERIAL + N_MIRROR - 1);
    CU_ASSERT_STRING_EQUAL(out.s, want.s);
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_RIPE, NULL, "-a AS65009", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s,
        "% No entries found in source TEST,RIPE-MIRROR.\n"));
    CU_ASSERT_EQUAL(ask(st, QUERY_STYLE_TOOL, NULL, "-s HALF-MIRROR AS65002",
                        &out, &res), ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_UNKNOWN_SOURCE);
    s = irr_session_new(st, "TEST", "1", NULL);
    IRR(s, "!sHALF-MIRROR", "F One or more selected sources are unavailable.\n");
    irr_session_free(s);
    rpsl_obj_free(o);
    store_batch_free(b);
    buf_free(&want);
    buf_free(&out);
    err_free(&e);
    store_close(st);
}

void suite_query_sources(void);
void suite_query_sources(void)
{
    CU_pSuite s = harness_suite("query_sources");

    HARNESS_ADD(s, test_default_own);
    HARNESS_ADD(s, test_select);
    HARNESS_ADD(s, test_unknown);
    HARNESS_ADD(s, test_defaults);
    HARNESS_ADD(s, test_ripe_texts);
    HARNESS_ADD(s, test_other_classes);
    HARNESS_ADD(s, test_irr_sources);
    HARNESS_ADD(s, test_irr_defaults);
    HARNESS_ADD(s, test_unfinished_load);
    HARNESS_ADD(s, test_irr_mbrs_by_ref_source);
}
