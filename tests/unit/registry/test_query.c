/*
 * test_query.c - unit tests of the query engine and its parser
 * (src/registry/query.c): answers written to a memory sink from a real
 * temporary store (exact bytes of a key look-up and of auth: filtering,
 * -r against the referenced contacts, -i, -T, -l/-M on an inetnum tree,
 * the no-entries and unknown-source refusals as autodbm-query prints
 * them, a failing sink), and the parser (clustered flags, arguments in
 * the same or the next word, long forms, a missing argument, unknown
 * flags, types and attributes, conflicting address flags, the caller's
 * own flags, and the same query from argv words and from a line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "registry/query.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"

/* ------------------------------------------------------------------ */
/* A small registry                                                    */
/* ------------------------------------------------------------------ */

static const char *const objects[] = {
    "mntner:         TEST-MNT\n"
    "descr:          test maintainer\n"
    "admin-c:        TP1-TEST\n"
    "upd-to:         test@example.net\n"
    "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "mntner:         OTHER-MNT\n"
    "descr:          another maintainer\n"
    "admin-c:        OP1-TEST\n"
    "upd-to:         other@example.net\n"
    "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "mnt-by:         OTHER-MNT\n"
    "source:         TEST\n",

    "person:         Test Person\n"
    "address:        Street 1\n"
    "phone:          +31 20 000 0000\n"
    "nic-hdl:        TP1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "person:         Other Person\n"
    "address:        Street 2\n"
    "phone:          +31 20 000 0001\n"
    "nic-hdl:        OP1-TEST\n"
    "mnt-by:         OTHER-MNT\n"
    "source:         TEST\n",

    "role:           Test Role\n"
    "address:        Street 3\n"
    "admin-c:        TP1-TEST\n"
    "tech-c:         OP1-TEST\n"
    "nic-hdl:        TR1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "aut-num:        AS65001\n"
    "as-name:        TEST-AS\n"
    "admin-c:        TP1-TEST\n"
    "tech-c:         TR1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "inetnum:        10.0.0.0 - 10.255.255.255\n"
    "netname:        NET-A\n"
    "country:        NL\n"
    "admin-c:        TP1-TEST\n"
    "tech-c:         TR1-TEST\n"
    "status:         ALLOCATED UNSPECIFIED\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "inetnum:        10.1.0.0 - 10.1.255.255\n"
    "netname:        NET-B\n"
    "country:        NL\n"
    "admin-c:        OP1-TEST\n"
    "tech-c:         OP1-TEST\n"
    "status:         ALLOCATED PA\n"
    "mnt-by:         OTHER-MNT\n"
    "source:         TEST\n",

    "inetnum:        10.1.0.0 - 10.1.0.255\n"
    "netname:        NET-C\n"
    "country:        NL\n"
    "admin-c:        TP1-TEST\n"
    "tech-c:         OP1-TEST\n"
    "status:         ASSIGNED PA\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "inetnum:        10.2.0.0 - 10.2.255.255\n"
    "netname:        NET-E\n"
    "country:        NL\n"
    "admin-c:        OP1-TEST\n"
    "tech-c:         OP1-TEST\n"
    "status:         ALLOCATED PA\n"
    "mnt-by:         OTHER-MNT\n"
    "source:         TEST\n",
};

static int put_all(store_txn_t *t, void *arg, err_t *err)
{
    (void) arg;
    for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
        rpsl_obj_t *o = NULL;
        int rc;

        CU_ASSERT_FATAL(rpsl_parse(objects[i], strlen(objects[i]), 1, 0,
                                   &o, NULL) == 0);
        CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
        rc = store_obj_put(t, o, 1700000000, NULL, err);
        rpsl_obj_free(o);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/** A fresh store holding objects[]. */
static store_t *registry(void)
{
    store_t *st = NULL;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/db", harness_tmpdir());

    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, put_all, NULL, &e) == 0);
    err_free(&e);
    free(dir);
    return st;
}

/*
 * Parse @line, run it on @st into @out (reset first).
 * @return query_run()'s status (a parse failure fails the test).
 */
static int ask(store_t *st, const char *line, buf_t *out,
               query_result_t *res)
{
    query_t q;
    store_txn_t *txn = NULL;
    query_sink_t sink = query_sink_buf(out);
    err_t e = ERR_INIT;
    int rc;

    buf_reset(out);
    query_init(&q);
    rc = query_parse_line(&q, line, NULL, &e);
    if (rc != 0)
        fprintf(stderr, "parse \"%s\": %s\n", line, err_text(&e));
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    rc = query_run(&q, txn, "TEST", &sink, res, &e);
    store_read_end(txn);
    query_free(&q);
    err_free(&e);
    return rc;
}

#define CHECK_HEADS(st, line, want) do {                                 \
        buf_t o_; query_result_t r_;                                     \
        buf_init(&o_);                                                   \
        CU_ASSERT_EQUAL(ask((st), (line), &o_, &r_), 0);                 \
        char *h_ = harness_heads(&o_);                                   \
        if (strcmp(h_, (want)) != 0)                                     \
            fprintf(stderr, "%s: got %s\n", (line), h_);                 \
        CU_ASSERT_STRING_EQUAL(h_, (want));                              \
        free(h_);                                                        \
        buf_free(&o_);                                                   \
    } while (0)

#define NET_A "inetnum:        10.0.0.0 - 10.255.255.255"
#define NET_B "inetnum:        10.1.0.0 - 10.1.255.255"
#define NET_C "inetnum:        10.1.0.0 - 10.1.0.255"
#define NET_E "inetnum:        10.2.0.0 - 10.2.255.255"

/* ------------------------------------------------------------------ */
/* The engine                                                          */
/* ------------------------------------------------------------------ */

static void test_key_exact(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    buf_init(&out);
    CU_ASSERT_EQUAL(ask(st, "-r tp1-test", &out, &res), 0);
    CU_ASSERT_EQUAL(res.objects, 1);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NONE);
    CU_ASSERT_STRING_EQUAL(out.s,
        "person:         Test Person\n"
        "address:        Street 1\n"
        "phone:          +31 20 000 0000\n"
        "nic-hdl:        TP1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n"
        "\n");

    /* auth: hashes are filtered; -B gives the stored text */
    CU_ASSERT_EQUAL(ask(st, "-r TEST-MNT", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "\nauth:           MD5-PW # Filtered\n"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "abcdefgh"));
    CU_ASSERT_EQUAL(ask(st, "-rB TEST-MNT", &out, &res), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.s, "MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"));
    CU_ASSERT_EQUAL(strcmp(out.s + out.len - 2, "\n\n"), 0);
    buf_free(&out);
    store_close(st);
}

static void test_related(void)
{
    store_t *st = registry();

    /* the contacts follow, each once, in order of appearance */
    CHECK_HEADS(st, "AS65001", "aut-num:        AS65001|"
                "person:         Test Person|role:           Test Role");
    CHECK_HEADS(st, "-r AS65001", "aut-num:        AS65001");
    /* the role names TP1-TEST and OP1-TEST */
    CHECK_HEADS(st, "TR1-TEST", "role:           Test Role|"
                "person:         Test Person|person:         Other Person");
    /* -T does not limit the contacts */
    CHECK_HEADS(st, "-T inetnum 10.1.0.0/24", NET_C "|"
                "person:         Test Person|person:         Other Person");
    store_close(st);
}

static void test_inverse_types(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    buf_init(&out);
    CHECK_HEADS(st, "-r -i mnt-by -T inetnum other-mnt", NET_B "|" NET_E);
    CHECK_HEADS(st, "-r -i admin-c,tech-c TR1-TEST",
                "aut-num:        AS65001|" NET_A);
    CHECK_HEADS(st, "-r -T role TR1-TEST", "role:           Test Role");
    CU_ASSERT_EQUAL(ask(st, "-r -T person TR1-TEST", &out, &res), ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NO_ENTRIES);
    CU_ASSERT_EQUAL(res.objects, 0);
    CU_ASSERT_EQUAL(out.len, 0);
    buf_free(&out);
    store_close(st);
}

static void test_address(void)
{
    store_t *st = registry();

    CHECK_HEADS(st, "-r -T inetnum -l 10.1.0.0/24", NET_B);
    CHECK_HEADS(st, "-r -T inetnum -L 10.1.0.0/24", NET_A "|" NET_B "|" NET_C);
    CHECK_HEADS(st, "-r -T inetnum -m 10.0.0.0/8", NET_B "|" NET_E);
    CHECK_HEADS(st, "-r -T inetnum -M 10.0.0.0/8", NET_B "|" NET_C "|" NET_E);
    CHECK_HEADS(st, "-r -T inetnum -x 10.1.0.0 - 10.1.0.255", NET_C);
    CHECK_HEADS(st, "-r 10.1.0.77", NET_C);
    store_close(st);
}

static void test_refusals(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;
    query_sink_t sink = query_sink_buf(&out);

    buf_init(&out);
    CU_ASSERT_EQUAL(ask(st, "NO-SUCH-KEY", &out, &res), ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NO_ENTRIES);
    CU_ASSERT_EQUAL(query_write_error(&sink, res.kind, NULL), 0);
    CU_ASSERT_STRING_EQUAL(out.s, "%ERROR:101: no entries found\n\n");

    CU_ASSERT_EQUAL(ask(st, "-s RIPE,OTHER -r TP1-TEST", &out, &res),
                    ERR_NOTFOUND);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_UNKNOWN_SOURCE);
    CU_ASSERT_EQUAL(query_write_error(&sink, res.kind, NULL), 0);
    CU_ASSERT_STRING_EQUAL(out.s, "%ERROR:102: unknown source\n\n");

    CHECK_HEADS(st, "-s ripe,test -r TP1-TEST", "person:         Test Person");
    CHECK_HEADS(st, "-s OTHER -a -r TP1-TEST", "person:         Test Person");
    buf_free(&out);
    store_close(st);
}

/* A sink that refuses after @n writes. */
struct stingy { int n; };

static int stingy_write(void *ctx, const char *s, size_t len, err_t *err)
{
    struct stingy *sg = ctx;
    (void) s; (void) len;
    if (sg->n-- <= 0)
        return err_set(err, ERR_LIMIT, "too many objects");
    return 0;
}

static void test_sink_failure(void)
{
    store_t *st = registry();
    struct stingy sg = { 1 };
    query_sink_t sink = { stingy_write, &sg };
    store_txn_t *txn = NULL;
    query_result_t res;
    query_t q;
    err_t e = ERR_INIT;

    query_init(&q);
    CU_ASSERT_FATAL(query_parse_line(&q, "AS65001", NULL, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    CU_ASSERT_EQUAL(query_run(&q, txn, "TEST", &sink, &res, &e), ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(err_text(&e), "too many objects");
    CU_ASSERT_EQUAL(res.objects, 1);
    store_read_end(txn);
    query_free(&q);
    err_free(&e);
    store_close(st);
}

/* ------------------------------------------------------------------ */
/* The parser                                                          */
/* ------------------------------------------------------------------ */

static void test_parse_clustered(void)
{
    query_t q;
    err_t e = ERR_INIT;

    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "-rBGxTinetnum,route 10.0.0.0 - "
                                     "10.0.0.255", NULL, &e), 0);
    CU_ASSERT_EQUAL(q.flags, QUERY_NO_REFS | QUERY_UNFILTERED |
                    QUERY_NO_GROUPING);
    CU_ASSERT_EQUAL(q.rel, STORE_EXACT);
    CU_ASSERT_EQUAL(q.cls_mask, (1UL << SC_INETNUM) | (1UL << SC_ROUTE));
    CU_ASSERT_STRING_EQUAL(q.key, "10.0.0.0 - 10.0.0.255");
    CU_ASSERT_EQUAL(q.repeated, 0);
    query_free(&q);

    /* an argument in the next word, the key before the flags, "*xx" */
    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "TP1-TEST -ri mb,origin -T person",
                                     NULL, &e), 0);
    CU_ASSERT_EQUAL(q.flags, QUERY_NO_REFS);
    CU_ASSERT_EQUAL(q.ninv, 2);
    CU_ASSERT_EQUAL(q.inv_aid[0], schema_attr_by_name("*mb"));
    CU_ASSERT_EQUAL(q.inv_aid[1], schema_attr_by_name("origin"));
    CU_ASSERT_EQUAL(q.cls_mask, 1UL << SC_PERSON);
    CU_ASSERT_STRING_EQUAL(q.key, "TP1-TEST");
    query_free(&q);

    /* long forms, "--" and a flag given twice (allowed, but noted) */
    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "--no-referenced --select-types=role "
                                     "-r --sources TEST -- -odd-key", NULL,
                                     &e), 0);
    CU_ASSERT_EQUAL(q.flags, QUERY_NO_REFS);
    CU_ASSERT_EQUAL(q.cls_mask, 1UL << SC_ROLE);
    CU_ASSERT_STRING_EQUAL(q.sources, "TEST");
    CU_ASSERT_STRING_EQUAL(q.key, "-odd-key");
    CU_ASSERT_EQUAL(q.repeated, 'r');
    query_free(&q);
    err_free(&e);
}

/* Parse @line; expect failure of @kind on @flag. */
static void expect_fail(const char *line, enum query_error kind, int flag,
                        const char *word, const char *text)
{
    query_t q;
    err_t e = ERR_INIT;

    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, line, NULL, &e), ERR_USAGE);
    CU_ASSERT_EQUAL(q.err_kind, kind);
    CU_ASSERT_EQUAL(q.err_flag, flag);
    if (word != NULL) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(q.err_word);
        CU_ASSERT_STRING_EQUAL(q.err_word, word);
    }
    CU_ASSERT_STRING_EQUAL(err_text(&e), text);
    CU_ASSERT_PTR_NULL(q.key);
    query_free(&q);
    err_free(&e);
}

static void test_parse_errors(void)
{
    query_t q;
    err_t e = ERR_INIT;

    expect_fail("-r -T", QUERY_E_BAD_OPTION, 'T', NULL,
                "option requires an argument -- 'T'");
    expect_fail("-rZ FOO", QUERY_E_BAD_OPTION, 'Z', NULL,
                "invalid option -- 'Z'");
    expect_fail("--no-such FOO", QUERY_E_BAD_OPTION, 0, "--no-such",
                "unrecognized option '--no-such'");
    /* a name that could be a class is checked against the store
     * (test_query_sources.c); one that cannot is refused here */
    expect_fail("-T person,no.such FOO", QUERY_E_UNKNOWN_TYPE, 'T', "no.such",
                "unknown object type \"no.such\"");
    expect_fail("-i nosuch FOO", QUERY_E_UNKNOWN_ATTR, 'i', "nosuch",
                "unknown attribute \"nosuch\"");
    expect_fail("-x -l 10.0.0.0/8", QUERY_E_IP_FLAGS, 'l', NULL,
                "only one of -x -l -L -m -M");
    expect_fail("-r -B", QUERY_E_NO_KEY, 0, NULL,
                "a query argument is required");
    expect_fail("  \r\n", QUERY_E_NO_KEY, 0, NULL,
                "a query argument is required");

    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "-r -T", NULL, &e), ERR_USAGE);
    CU_ASSERT_EQUAL(q.err_noarg, 1);
    query_free(&q);
    /* the same address flag twice is no conflict */
    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "-x -x 10.0.0.0/8", NULL, &e), 0);
    CU_ASSERT_EQUAL(q.rel, STORE_EXACT);
    query_free(&q);
    err_free(&e);
}

struct own { const char *conf; int help; };

static int own_flag(int flag, const char *arg, void *ctx)
{
    struct own *o = ctx;
    if (flag == 'c') {
        o->conf = arg;
        return 0;
    }
    o->help = 1;
    return 1;
}

static void test_parse_extra(void)
{
    struct own o = { NULL, 0 };
    query_extra_t extra = { "c:h", own_flag, &o };
    char *const argv1[] = { "-rcFILE", "FOO" };
    char *const argv2[] = { "-r", "-h", "-Z" };
    query_t q;
    err_t e = ERR_INIT;

    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_argv(&q, 2, argv1, &extra, &e), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o.conf);
    CU_ASSERT_STRING_EQUAL(o.conf, "FILE");
    CU_ASSERT_STRING_EQUAL(q.key, "FOO");
    query_free(&q);

    /* the caller's flag stops the parse: -Z is never looked at */
    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_argv(&q, 3, argv2, &extra, &e), 0);
    CU_ASSERT_EQUAL(o.help, 1);
    query_free(&q);

    /* without the caller's flags, -c is unknown */
    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_argv(&q, 2, argv1, NULL, &e), ERR_USAGE);
    CU_ASSERT_EQUAL(q.err_flag, 'c');
    query_free(&q);
    err_free(&e);
}

/* The same words as argv and as a line give the same query and answer. */
static void test_argv_line_same(void)
{
    static const char *const cases[][6] = {
        { "-rT", "inetnum", "-L", "10.1.0.0", "-", "10.1.0.255" },
        { "AS65001", "-B", NULL },
        { "-r", "-i", "mnt-by", "OTHER-MNT", NULL },
        { "-rx", "-Tinetnum", "10.1.0.0/24", NULL },
    };
    store_t *st = registry();

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *argv[6];
        int argc = 0;
        buf_t line, out1, out2;
        query_t q1, q2;
        query_result_t r1, r2;
        err_t e = ERR_INIT;
        store_txn_t *txn = NULL;

        buf_init(&line);
        buf_init(&out1);
        buf_init(&out2);
        while (argc < 6 && cases[i][argc] != NULL) {
            argv[argc] = (char *) cases[i][argc];
            buf_printf(&line, "%s%s", argc ? "  " : "\t", cases[i][argc]);
            argc++;
        }
        buf_puts(&line, "\r\n");
        query_init(&q1);
        query_init(&q2);
        CU_ASSERT_FATAL(query_parse_argv(&q1, argc, argv, NULL, &e) == 0);
        CU_ASSERT_FATAL(query_parse_line(&q2, line.s, NULL, &e) == 0);
        CU_ASSERT_EQUAL(q1.flags, q2.flags);
        CU_ASSERT_EQUAL(q1.cls_mask, q2.cls_mask);
        CU_ASSERT_EQUAL(q1.ninv, q2.ninv);
        CU_ASSERT_EQUAL(q1.rel, q2.rel);
        CU_ASSERT_STRING_EQUAL(q1.key, q2.key);

        query_sink_t s1 = query_sink_buf(&out1), s2 = query_sink_buf(&out2);
        CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
        CU_ASSERT_EQUAL(query_run(&q1, txn, "TEST", &s1, &r1, &e), 0);
        CU_ASSERT_EQUAL(query_run(&q2, txn, "TEST", &s2, &r2, &e), 0);
        store_read_end(txn);
        CU_ASSERT(out1.len > 0);
        CU_ASSERT_EQUAL(r1.objects, r2.objects);
        CU_ASSERT_STRING_EQUAL(out1.s ? out1.s : "", out2.s ? out2.s : "-");
        query_free(&q1);
        query_free(&q2);
        buf_free(&line);
        buf_free(&out1);
        buf_free(&out2);
        err_free(&e);
    }
    store_close(st);
}

void suite_query(void);
void suite_query(void)
{
    CU_pSuite s = harness_suite("query");

    HARNESS_ADD(s, test_key_exact);
    HARNESS_ADD(s, test_related);
    HARNESS_ADD(s, test_inverse_types);
    HARNESS_ADD(s, test_address);
    HARNESS_ADD(s, test_refusals);
    HARNESS_ADD(s, test_sink_failure);
    HARNESS_ADD(s, test_parse_clustered);
    HARNESS_ADD(s, test_parse_errors);
    HARNESS_ADD(s, test_parse_extra);
    HARNESS_ADD(s, test_argv_line_same);
}
