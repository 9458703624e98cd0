/*
 * test_nrtm.c - the NRTM server's protocol (registry/nrtm.h): the golden
 * streams of tests/nrtm/ (RIPE's sample streams 7.1 to 7.4, a version 1
 * range with a placeholder), built on a real store's journal, read with
 * its iterator and filtered by registry/dummify.h as autodbm-whoisd
 * filters them; then every refusal of the request grammar, in
 * RIPE's order, with its exact bytes; the range, age and access checks;
 * -q answers; a version 2 stream and units without a filter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "store/journal.h"
#include "registry/conf.h"
#include "registry/dummify.h"
#include "registry/nrtm.h"

static const char *served_test(const char *name, void *arg)
{
    (void)arg;
    return strcasecmp(name, "TEST") == 0 ? "TEST" : NULL;
}

/* The cases' filter: registry/dummify.h with the default configuration
 * (RIPE's public v3 rules). */
static int dummify_public(void *arg, const char *text, size_t len,
                          buf_t *out, err_t *err)
{
    return dummify_obj(arg, text, len, 0, out, err);
}

static int dummify_ph(void *arg, const char *text, size_t len, buf_t *out,
                      err_t *err)
{
    return dummify_placeholder(arg, text, len, out, err);
}

/* ---------------------------------------------------------- the store */

struct put { const char *text; size_t len; int del; uint64_t serial; };

static int put_unit(store_txn_t *t, void *arg, err_t *err)
{
    const struct put *p = arg;
    rpsl_obj_t *o = NULL;
    uint64_t got = 0;
    int rc;

    if (rpsl_parse(p->text, p->len, 1, 0, &o, NULL) != 0 || o == NULL ||
        schema_classify(o, NULL) != 0) {
        rpsl_obj_free(o);
        return err_set(err, ERR_SYNTAX, "test object does not parse");
    }
    if (p->del) {
        buf_t k;
        buf_init(&k);
        schema_pkey(o, &k);
        rc = store_obj_del(t, o->cls, k.s, time(NULL), &got, err);
        buf_free(&k);
    } else {
        rc = store_obj_put(t, o, time(NULL), &got, err);
    }
    rpsl_obj_free(o);
    if (rc == 0 && p->serial && got != p->serial)
        rc = err_set(err, ERR_SOFTWARE, "serial %llu, expected %llu",
                     (unsigned long long)got, (unsigned long long)p->serial);
    return rc;
}

static int put1(store_t *st, const char *text, size_t len, int del,
                uint64_t serial)
{
    struct put p = { text, len, del, serial };
    err_t err = ERR_INIT;
    int rc = store_write(st, put_unit, &p, &err);
    if (rc)
        fprintf(stderr, "test_nrtm: %s\n", err_text(&err));
    err_free(&err);
    return rc;
}

/* Apply the paragraphs of @j from *pos up to "% later" or the end. */
static int apply_journal(store_t *st, const buf_t *j, size_t *pos)
{
    const char *s = j->s;
    size_t n = j->len;

    while (*pos < n) {
        size_t i = *pos;
        while (i < n && s[i] == '\n')
            i++;
        if (i >= n) {
            *pos = n;
            return 0;
        }
        const char *eol = memchr(s + i, '\n', n - i);
        size_t hl = eol ? (size_t)(eol - (s + i)) : n - i;
        if (hl == 7 && strncmp(s + i, "% later", 7) == 0) {
            *pos = i + hl;
            return 0;
        }
        int del = strncmp(s + i, "DEL ", 4) == 0;
        uint64_t serial = strtoull(s + i + 4, NULL, 10);
        /* the object: the next paragraph */
        size_t b = i + hl;
        while (b < n && s[b] == '\n')
            b++;
        const char *end = strstr(s + b, "\n\n");
        size_t e = end ? (size_t)(end - s) + 1 : n;
        /* fill the serials before it */
        uint64_t first = 0, last = 0;
        store_txn_t *t = NULL;
        if (store_read_begin(st, &t, NULL) != 0)
            return -1;
        store_journal_range(t, &first, &last, NULL);
        store_read_end(t);
        for (uint64_t k = last + 1; k < serial; k++) {
            char *f = xasprintf("as-set: AS-FILL%llu\nsource: TEST\n",
                                (unsigned long long)k);
            int rc = put1(st, f, strlen(f), 0, k);
            free(f);
            if (rc)
                return -1;
        }
        if (put1(st, s + b, e - b, del, serial) != 0)
            return -1;
        *pos = e;
    }
    return 0;
}

/* What the server sends for one request line (the way src/whoisd/nrtm.c
 * drives this module); @later: the rest of the journal, committed after
 * %START. */
static void serve(store_t *st, const char *line, const char *banner,
                  const buf_t *j, size_t *jpos, buf_t *out)
{
    nrtm_request_t req;
    buf_t reply;
    err_t err = ERR_INIT;
    store_txn_t *t = NULL;

    buf_init(&reply);
    if (banner) {
        char *name = xstrndup(banner, strcspn(banner, " "));
        const char *url = banner + strlen(name) + 1;
        char *u = xstrndup(url, strcspn(url, "\n"));
        nrtm_write_banner(out, name, u);
        free(name);
        free(u);
    }
    if (nrtm_request_parse(line, strlen(line), 128, served_test, NULL,
                           &req, &reply) != 0) {
        buf_put(out, reply.s, reply.len);
        goto leave;
    }
    CU_ASSERT_EQUAL_FATAL(req.kind, NRTM_MIRROR);
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &t, NULL), 0);
    int rc = nrtm_request_check(&req, t, time(NULL), 14, 1, "127.0.0.1",
                                &reply, &err);
    if (rc) {
        CU_ASSERT_EQUAL(rc, ERR_SYNTAX);
        buf_put(out, reply.s, reply.len);
        store_read_end(t);
        goto leave;
    }
    nrtm_write_start(out, &req);
    if (req.keep) {
        /* the push: what is committed later is read in a new snapshot */
        store_read_end(t);
        CU_ASSERT_EQUAL(apply_journal(st, j, jpos), 0);
        CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &t, NULL), 0);
    }
    store_journal_it_t *it = NULL;
    store_journal_t je;
    conf_t cf;
    conf_defaults(&cf);
    dummify_t *d = dummify_new(&cf, NULL);
    nrtm_filter_t f = { dummify_public, dummify_ph, d };
    CU_ASSERT_EQUAL_FATAL(store_journal_open(t, req.first, &it, NULL), 0);
    while (store_journal_next(it, &je, NULL) == 0 &&
           (req.keep || je.serial <= req.last))
        CU_ASSERT_EQUAL(nrtm_write_entry(out, &req, &je, &f, &err), 0);
    dummify_free(d);
    conf_free(&cf);
    store_journal_close(it);
    store_read_end(t);
    if (!req.keep)
        nrtm_write_end(out, &req);
leave:
    nrtm_request_free(&req);
    buf_free(&reply);
    err_free(&err);
}

static void run_case(const char *name)
{
    char *dir = xasprintf("%s/tests/nrtm/%s", harness_srcdir(), name);
    char *p;
    buf_t j, rq, exp, ban, out;
    store_t *st = NULL;
    size_t jpos = 0;

    buf_init(&j);
    buf_init(&rq);
    buf_init(&exp);
    buf_init(&ban);
    buf_init(&out);
    p = xasprintf("%s/journal", dir);
    CU_ASSERT_EQUAL_FATAL(harness_read_file(p, &j), 0);
    free(p);
    p = xasprintf("%s/request", dir);
    CU_ASSERT_EQUAL_FATAL(harness_read_file(p, &rq), 0);
    free(p);
    p = xasprintf("%s/expected", dir);
    CU_ASSERT_EQUAL_FATAL(harness_read_file(p, &exp), 0);
    free(p);
    p = xasprintf("%s/banner", dir);
    int has_banner = harness_read_file(p, &ban) == 0;
    free(p);

    char *db = xasprintf("%s/db", harness_tmpdir());
    CU_ASSERT_EQUAL_FATAL(store_open(db, 0, &st, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(apply_journal(st, &j, &jpos), 0);
    for (char *l = rq.s; *l;) {
        size_t ll = strcspn(l, "\n");
        char *line = xstrndup(l, ll);
        serve(st, line, has_banner ? ban.s : NULL, &j, &jpos, &out);
        free(line);
        l += ll + (l[ll] == '\n');
    }
    CU_ASSERT_STRING_EQUAL(out.s, exp.s);
    if (strcmp(out.s, exp.s) != 0)
        fprintf(stderr, "\ncase %s: got\n%s---\n", name, out.s);
    store_close(st);
    free(db);
    free(dir);
    buf_free(&j);
    buf_free(&rq);
    buf_free(&exp);
    buf_free(&ban);
    buf_free(&out);
}

static void test_sample_7_1(void) { run_case("7.1-v3-gap"); }
static void test_sample_7_2(void) { run_case("7.2-v1"); }
static void test_sample_7_3_uptodate(void) { run_case("7.3-uptodate"); }
static void test_sample_7_3_persistent(void) { run_case("7.3-persistent"); }
static void test_sample_7_4(void) { run_case("7.4-errors"); }
static void test_v1_placeholder(void) { run_case("v1-placeholder"); }

/* ------------------------------------------------------------ grammar */

/* The answer to @line (parse only), or "OK" when it is accepted. */
static char *parse_answer(const char *line, size_t len, nrtm_request_t *req)
{
    buf_t reply;
    buf_init(&reply);
    int rc = nrtm_request_parse(line, len, 128, served_test, NULL, req, &reply);
    if (rc == 0) {
        CU_ASSERT_EQUAL(reply.len, 0);
        buf_puts(&reply, "OK");
    } else {
        CU_ASSERT_EQUAL(rc, ERR_SYNTAX);
    }
    return buf_steal(&reply);
}

static void expect(const char *line, const char *answer)
{
    nrtm_request_t req;
    char *got = parse_answer(line, strlen(line), &req);
    CU_ASSERT_STRING_EQUAL(got, answer);
    if (strcmp(got, answer) != 0)
        fprintf(stderr, "\n[%s]: got [%s] expected [%s]\n", line, got, answer);
    free(got);
    nrtm_request_free(&req);
}

static void test_refusals(void)
{
    const char *syn = "%ERROR:405: syntax error\n\n";
    expect("", "%ERROR:405: no flags passed\n\n");
    expect("   \r", "%ERROR:405: no flags passed\n\n");
    expect("TEST:3:1-2", "%ERROR:405: no flags passed\n\n");
    expect("-x", "%ERROR:405: syntax error: 'x' is not a recognized option\n\n");
    expect("-g TEST:3:1-2 -r", "%ERROR:405: syntax error: 'r' is not a recognized option\n\n");
    /* the option parser's errors come before every other check */
    expect("-q sources -k -x", "%ERROR:405: syntax error: 'x' is not a recognized option\n\n");
    expect("--foo", "%ERROR:405: syntax error: 'foo' is not a recognized option\n\n");
    expect("-g", "%ERROR:405: syntax error: Option 'g' requires an argument\n\n");
    expect("-k -q", "%ERROR:405: syntax error: Option 'q' requires an argument\n\n");
    expect("-q sources -g TEST:3:1-2", "%ERROR:405: -q cannot be used with any other options\n\n");
    expect("-k -q version", "%ERROR:405: -q cannot be used with any other options\n\n");
    expect("-k", "%ERROR:405: -k cannot be used with out -g\n\n");
    expect("-g TEST:3:1-2 -g TEST:3:1-2",
           "%ERROR:405: syntax error: Found multiple arguments for option 'g', but you asked for only one\n\n");
    expect("-g NOSUCH:3:1-LAST", "%ERROR:403: unknown source NOSUCH\n\n");
    expect("-g nosuch", "%ERROR:403: unknown source nosuch\n\n");
    /* the source first, then the version, then the range */
    expect("-g NOSUCH:9:x", "%ERROR:403: unknown source NOSUCH\n\n");
    expect("-g TEST:4:x", "%ERROR:406: NRTM version mismatch\n\n");
    expect("-g TEST:0:1-2", "%ERROR:406: NRTM version mismatch\n\n");
    expect("-g TEST:-1:1-2", "%ERROR:406: NRTM version mismatch\n\n");
    expect("-g TEST", syn);
    expect("-g TEST:3", syn);
    expect("-g TEST:x:1-2", syn);
    expect("-g TEST:3:", syn);
    expect("-g TEST:3:1", syn);
    expect("-g TEST:3:a-2", syn);
    expect("-g TEST:3:1-b", syn);
    expect("-g TEST:3:1-", syn);
    expect("-g TEST:3:10-5", syn);
    expect("-g TEST:3:-1-5", syn);
    expect("-g TEST:3:99999999999999999999-LAST", syn);
    /* 20 digits whose value wraps past 2^64 to a small number: still too
     * large (the control: the small number itself is a request) */
    expect("-g TEST:3:18446744073709551620-LAST", syn);
    expect("-g TEST:3:1-18446744073709551620", syn);
    expect("-g TEST:18446744073709551619:1-2", syn);
    expect("-g TEST:3:4-LAST", "OK");
    expect("-g TEST:3:9223372036854775807-LAST", "OK");
    expect("-q types", "%ERROR:405: unsupported option for -q flag.\n\n");
    expect("-q sources -q version",
           "%ERROR:405: syntax error: Found multiple arguments for option 'q', but you asked for only one\n\n");
    /* a NUL byte, an over-long line */
    {
        nrtm_request_t req;
        char *got = parse_answer("-q\0sources", 10, &req);
        CU_ASSERT_STRING_EQUAL(got, syn);
        free(got);
        nrtm_request_free(&req);
        char line[200];
        memset(line, 'k', sizeof line);
        line[0] = '-';
        got = parse_answer(line, 129, &req);
        CU_ASSERT_STRING_EQUAL(got, "%ERROR:405: syntax error: request longer than 128 bytes\n\n");
        free(got);
        nrtm_request_free(&req);
        got = parse_answer(line, 128, &req);  /* 128 bytes: a -k cluster */
        CU_ASSERT_STRING_EQUAL(got, "%ERROR:405: -k cannot be used with out -g\n\n");
        free(got);
        nrtm_request_free(&req);
    }
}

static void test_accepted(void)
{
    nrtm_request_t r;
    char *got;

    got = parse_answer("-g test:3:1-LaSt -k\r", 20, &r);
    CU_ASSERT_STRING_EQUAL(got, "OK");
    CU_ASSERT_EQUAL(r.kind, NRTM_MIRROR);
    CU_ASSERT_STRING_EQUAL(r.source, "TEST");
    CU_ASSERT_EQUAL(r.version, 3);
    CU_ASSERT_EQUAL(r.first, 1);
    CU_ASSERT(r.to_newest);
    CU_ASSERT(r.keep);
    free(got);
    nrtm_request_free(&r);

    got = parse_answer("-kgTEST:1:5-7:extra", 19, &r);
    CU_ASSERT_STRING_EQUAL(got, "OK");
    CU_ASSERT_EQUAL(r.version, 1);
    CU_ASSERT_EQUAL(r.first, 5);
    CU_ASSERT_EQUAL(r.last, 7);
    CU_ASSERT(!r.to_newest);
    CU_ASSERT(r.keep);
    free(got);
    nrtm_request_free(&r);

    got = parse_answer("  -q   SouRCEs  ", 16, &r);
    CU_ASSERT_STRING_EQUAL(got, "OK");
    CU_ASSERT_EQUAL(r.kind, NRTM_SOURCES);
    free(got);
    nrtm_request_free(&r);

    got = parse_answer("-q VERSION", 10, &r);
    CU_ASSERT_STRING_EQUAL(got, "OK");
    CU_ASSERT_EQUAL(r.kind, NRTM_VERSION_Q);
    free(got);
    nrtm_request_free(&r);

    got = parse_answer("-g TEST:+3:+5-5", 15, &r);
    CU_ASSERT_STRING_EQUAL(got, "OK");
    CU_ASSERT_EQUAL(r.version, 3);
    CU_ASSERT_EQUAL(r.first, 5);
    free(got);
    nrtm_request_free(&r);
}

/* Range, age and access, in that order, against a journal of 1-3. */
static void test_checks(void)
{
    char *db = xasprintf("%s/db", harness_tmpdir());
    store_t *st = NULL;
    store_txn_t *t = NULL;
    const char *objs[] = { "as-set: AS-A\nsource: TEST\n",
                           "as-set: AS-B\nsource: TEST\n",
                           "as-set: AS-C\nsource: TEST\n" };
    CU_ASSERT_EQUAL_FATAL(store_open(db, 0, &st, NULL), 0);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL_FATAL(put1(st, objs[i], strlen(objs[i]), 0, (uint64_t)i + 1), 0);
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &t, NULL), 0);
    struct { const char *line; time_t dt; int allowed; const char *answer; } c[] = {
        { "-g TEST:3:1-LAST", 0, 1, "" },
        { "-g TEST:3:1-3", 0, 1, "" },
        { "-g TEST:3:3-3", 0, 1, "" },
        { "-g TEST:3:4-LAST", 0, 1, "%ERROR:401: invalid range: Not within 1-3\n\n" },
        { "-g TEST:3:4-LAST -k", 0, 1, "%ERROR:401: invalid range: Not within 1-3\n\n" },
        { "-g TEST:3:0-2", 0, 1, "%ERROR:401: invalid range: Not within 1-3\n\n" },
        { "-g TEST:3:2-4", 0, 1, "%ERROR:401: invalid range: Not within 1-3\n\n" },
        { "-g TEST:3:2-4", 0, 0, "%ERROR:401: invalid range: Not within 1-3\n\n" },
        { "-g TEST:3:1-LAST", 15 * 86400, 1,
          "%ERROR:401: (Requesting serials older than 14 days will be rejected)\n\n" },
        { "-g TEST:3:1-LAST", 15 * 86400, 0,
          "%ERROR:401: (Requesting serials older than 14 days will be rejected)\n\n" },
        { "-g TEST:3:1-LAST", 13 * 86400, 1, "" },
        { "-g TEST:3:1-LAST", 0, 0,
          "%ERROR:402: not authorised to mirror the database from IP address 192.0.2.7\n\n" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        nrtm_request_t r;
        buf_t reply;
        buf_init(&reply);
        CU_ASSERT_EQUAL(nrtm_request_parse(c[i].line, strlen(c[i].line), 128,
                                           served_test, NULL, &r, &reply), 0);
        int rc = nrtm_request_check(&r, t, time(NULL) + c[i].dt, 14,
                                    c[i].allowed, "192.0.2.7", &reply, NULL);
        CU_ASSERT_EQUAL(rc, *c[i].answer ? ERR_SYNTAX : 0);
        CU_ASSERT_STRING_EQUAL(reply.s, c[i].answer);
        if (rc == 0)
            CU_ASSERT_EQUAL(r.last, 3);
        buf_free(&reply);
        nrtm_request_free(&r);
    }
    /* max_age_days 0: no age limit */
    {
        nrtm_request_t r;
        buf_t reply;
        buf_init(&reply);
        nrtm_request_parse("-g TEST:3:1-2", 13, 128, served_test, NULL, &r, &reply);
        CU_ASSERT_EQUAL(nrtm_request_check(&r, t, time(NULL) + 400 * 86400, 0, 1,
                                           "::1", &reply, NULL), 0);
        CU_ASSERT_EQUAL(r.last, 2);
        buf_free(&reply);
        nrtm_request_free(&r);
    }
    store_read_end(t);
    store_close(st);
    free(db);
}

/* Version 2 is a version 1 stream with its own number; no filter: the
 * text as stored, its line ends normalised to one empty line. */
static void test_v2_unfiltered_units(void)
{
    nrtm_request_t r = { NRTM_MIRROR, "TEST", 2, 7, 8, 0, 0 };
    store_journal_t je = { 7, STORE_OP_DEL, 0, 0, "AS-X",
                           "as-set: AS-X\nsource: TEST\n\n\n", 28 };
    buf_t b;
    buf_init(&b);
    nrtm_write_start(&b, &r);
    CU_ASSERT_EQUAL(nrtm_write_entry(&b, &r, &je, NULL, NULL), 0);
    r.version = 3;
    je.serial = 18446744073709551615ull;
    je.op = STORE_OP_ADD;
    je.len = 26;
    CU_ASSERT_EQUAL(nrtm_write_entry(&b, &r, &je, NULL, NULL), 0);
    nrtm_write_end(&b, &r);
    CU_ASSERT_STRING_EQUAL(b.s, "%START Version: 2 TEST 7-8\n\n"
        "%WARNING: NRTM version 2 is deprecated, please consider migrating to version 3!\n\n"
        "DEL\n\nas-set: AS-X\nsource: TEST\n\n"
        "ADD 18446744073709551615\n\nas-set: AS-X\nsource: TEST\n\n"
        "%END TEST\n\n");
    buf_free(&b);
}

static void test_info_answers(void)
{
    buf_t b;
    buf_init(&b);
    nrtm_write_source(&b, "TEST", 1, 1, 44);
    nrtm_write_source(&b, "MIRROR", 0, 0, 0);
    nrtm_write_sources_end(&b);
    nrtm_write_version(&b, "0.1.0");
    nrtm_error(&b, "405: syntax error");
    CU_ASSERT_STRING_EQUAL(b.s, "TEST:3:X:1-44\nMIRROR:3:N:0-0\n\n"
                           "% nrtm-server-0.1.0\n\n%ERROR:405: syntax error\n\n");
    buf_free(&b);
}

void suite_nrtm(void);
void suite_nrtm(void)
{
    CU_pSuite s = harness_suite("nrtm");
    HARNESS_ADD(s, test_sample_7_1);
    HARNESS_ADD(s, test_sample_7_2);
    HARNESS_ADD(s, test_sample_7_3_uptodate);
    HARNESS_ADD(s, test_sample_7_3_persistent);
    HARNESS_ADD(s, test_sample_7_4);
    HARNESS_ADD(s, test_v1_placeholder);
    HARNESS_ADD(s, test_refusals);
    HARNESS_ADD(s, test_accepted);
    HARNESS_ADD(s, test_checks);
    HARNESS_ADD(s, test_v2_unfiltered_units);
    HARNESS_ADD(s, test_info_answers);
}
