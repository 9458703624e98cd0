/*
 * test_query_ripe.c - unit tests of the query engine's RIPE style
 * (src/registry/query.c, QUERY_STYLE_RIPE): golden text of the welcome
 * header and trailer, grouping and -G, related objects and -r, the
 * filtering without -B and with it (auth: hashes always), -K, -q
 * sources/version/types, -t person, -v inetnum, -c, -k, help, every
 * %ERROR/%WARNING block, the as-block and abuse contact of an ASN, the
 * personal-data count and limit; and the
 * resumable cursor: a 1,000-object answer written in steps of 7 equals
 * the one-shot answer while the cursor's memory stays independent of the
 * objects' size (its own account, and the process heap measured with
 * glibc's mallinfo2() while the answer goes to a sink that keeps nothing).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/query.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"

static const char *const objects[] = {
    "mntner:         TEST-MNT\n"
    "descr:          test maintainer\n"
    "admin-c:        JD1-TEST\n"
    "upd-to:         upd@example.net\n"
    "mnt-nfy:        nfy@example.net\n"
    "auth:           MD5-PW $1$abcdefgh$0123456789abcdefghijkl\n"
    "auth:           PGPKEY-ABCD1234\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "person:         John Doe\n"
    "address:        Example Street 1\n"
    "phone:          +31 20 000 0000\n"
    "e-mail:         jd@example.net\n"
    "nic-hdl:        JD1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "changed:        jd@example.net 20200101\n"
    "source:         TEST\n",

    "role:           Abuse Role\n"
    "address:        Example Street 2\n"
    "e-mail:         abuse@example.net\n"
    "abuse-mailbox:  abuse@example.net\n"
    "nic-hdl:        AR1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "organisation:   ORG-EX1-TEST\n"
    "org-name:       Example Org\n"
    "org-type:       OTHER\n"
    "address:        Example Street 3\n"
    "e-mail:         org@example.net\n"
    "abuse-c:        AR1-TEST\n"
    "mnt-ref:        TEST-MNT\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "aut-num:        AS65000\n"
    "as-name:        EXAMPLE-AS\n"
    "org:            ORG-EX1-TEST\n"
    "admin-c:        JD1-TEST\n"
    "tech-c:         JD1-TEST\n"
    "abuse-c:        AR1-TEST\n"
    "notify:         noc@example.net\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "route:          192.0.2.0/24\n"
    "descr:          example route\n"
    "origin:         AS65000\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "as-set:         AS65000:AS-EXAMPLE\n"
    "members:        AS65000, AS65001\n"
    "tech-c:         JD1-TEST\n"
    "admin-c:        JD1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "inetnum:        192.0.2.0 - 192.0.2.255\n"
    "netname:        EXAMPLE-NET\n"
    "country:        NL\n"
    "admin-c:        JD1-TEST\n"
    "tech-c:         JD1-TEST\n"
    "status:         ASSIGNED PA\n"
    "mnt-by:         TEST-MNT\n"
    "mnt-irt:        IRT-EXAMPLE\n"
    "source:         TEST\n",

    "as-block:       AS64512 - AS65534\n"
    "descr:          private block\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "as-block:       AS65000 - AS65009\n"
    "descr:          example block\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "inet6num:       2001:db8::/32\n"
    "netname:        EXAMPLE-NET6\n"
    "country:        NL\n"
    "org:            ORG-EX1-TEST\n"
    "admin-c:        JD1-TEST\n"
    "tech-c:         JD1-TEST\n"
    "status:         ASSIGNED\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",

    "irt:            IRT-EXAMPLE\n"
    "address:        Example Street 4\n"
    "e-mail:         irt@example.net\n"
    "auth:           PGPKEY-ABCD1234\n"
    "admin-c:        JD1-TEST\n"
    "tech-c:         JD1-TEST\n"
    "mnt-by:         TEST-MNT\n"
    "source:         TEST\n",
};

/* The texts as the RIPE style prints them (filtered). */
#define MNTNER_F \
    "mntner:         TEST-MNT\n" \
    "descr:          test maintainer\n" \
    "admin-c:        JD1-TEST\n" \
    "auth:           MD5-PW # Filtered\n" \
    "auth:           PGPKEY-ABCD1234\n" \
    "mnt-by:         TEST-MNT\n" \
    "source:         TEST # Filtered\n" \
    "\n"
#define PERSON_F \
    "person:         John Doe\n" \
    "address:        Example Street 1\n" \
    "phone:          +31 20 000 0000\n" \
    "nic-hdl:        JD1-TEST\n" \
    "mnt-by:         TEST-MNT\n" \
    "source:         TEST # Filtered\n" \
    "\n"
#define ROLE_F \
    "role:           Abuse Role\n" \
    "address:        Example Street 2\n" \
    "abuse-mailbox:  abuse@example.net\n" \
    "nic-hdl:        AR1-TEST\n" \
    "mnt-by:         TEST-MNT\n" \
    "source:         TEST # Filtered\n" \
    "\n"
#define ORG_F \
    "organisation:   ORG-EX1-TEST\n" \
    "org-name:       Example Org\n" \
    "org-type:       OTHER\n" \
    "address:        Example Street 3\n" \
    "abuse-c:        AR1-TEST\n" \
    "mnt-ref:        TEST-MNT\n" \
    "mnt-by:         TEST-MNT\n" \
    "source:         TEST # Filtered\n" \
    "\n"
#define AUTNUM_F \
    "aut-num:        AS65000\n" \
    "as-name:        EXAMPLE-AS\n" \
    "org:            ORG-EX1-TEST\n" \
    "admin-c:        JD1-TEST\n" \
    "tech-c:         JD1-TEST\n" \
    "abuse-c:        AR1-TEST\n" \
    "mnt-by:         TEST-MNT\n" \
    "source:         TEST # Filtered\n" \
    "\n"
#define AUTNUM_GROUP \
    "% Information related to 'AS65000'\n\n" \
    "% Abuse contact for 'AS65000' is 'abuse@example.net'\n\n"
#define FILTER_NOTE \
    "% Note: this output has been filtered.\n" \
    "%       To receive output for a database update, use the \"-B\" flag.\n" \
    "\n"
#define NO_ENTRIES \
    "%ERROR:101: no entries found\n" \
    "%\n" \
    "% No entries found in source TEST.\n" \
    "\n"

static int put_list(store_txn_t *t, const char *const *list, size_t n,
                    err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        rpsl_obj_t *o = NULL;
        int rc;

        CU_ASSERT_FATAL(rpsl_parse(list[i], strlen(list[i]), 1, 0, &o,
                                   NULL) == 0);
        CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
        rc = store_obj_put(t, o, 1700000000, NULL, err);
        rpsl_obj_free(o);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int put_all(store_txn_t *t, void *arg, err_t *err)
{
    (void) arg;
    return put_list(t, objects, sizeof(objects) / sizeof(objects[0]), err);
}

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

static query_env_t test_env(void)
{
    query_env_t env;

    memset(&env, 0, sizeof(env));
    env.source = "TEST";
    env.personal_limit = -1;
    env.name = "TEST";
    env.terms_url = "https://example.net/terms";
    env.version = "0.1";
    env.host = "host1";
    env.client = "192.0.2.7";
    return env;
}

/*
 * Parse @line in RIPE style (a failed parse is answered too) and answer
 * it on @st with @env (NULL: test_env()) into @out (reset first).
 * @return query_run_env()'s status.
 */
static int ask_env(store_t *st, const char *line, const query_env_t *env,
                   buf_t *out, query_result_t *res)
{
    query_env_t def = test_env();
    query_t q;
    store_txn_t *txn = NULL;
    query_sink_t sink = query_sink_buf(out);
    err_t e = ERR_INIT;
    int rc;

    buf_reset(out);
    query_init_style(&q, QUERY_STYLE_RIPE);
    (void) query_parse_line(&q, line, NULL, &e);
    err_free(&e);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    rc = query_run_env(&q, txn, env != NULL ? env : &def, &sink, res, &e);
    if (rc != 0)
        fprintf(stderr, "\"%s\": %s\n", line, err_text(&e));
    store_read_end(txn);
    query_free(&q);
    err_free(&e);
    return rc;
}

#define CHECK_ANSWER(st, line, want) do {                                \
        buf_t o_; query_result_t r_;                                     \
        buf_init(&o_);                                                   \
        CU_ASSERT_EQUAL(ask_env((st), (line), NULL, &o_, &r_), 0);       \
        if (strcmp(o_.s, (want)) != 0)                                   \
            fprintf(stderr, "\n--- %s: got\n%s---\n", (line), o_.s);     \
        CU_ASSERT_STRING_EQUAL(o_.s, (want));                            \
        buf_free(&o_);                                                   \
    } while (0)

static void test_header_trailer(void)
{
    query_env_t env = test_env();
    buf_t out;
    query_sink_t sink = query_sink_buf(&out);

    buf_init(&out);
    CU_ASSERT_EQUAL(query_write_header(&sink, &env, NULL), 0);
    CU_ASSERT_EQUAL(query_write_trailer(&sink, &env, NULL), 0);
    CU_ASSERT_STRING_EQUAL(out.s,
        "% This is the TEST Database query service.\n"
        "% The objects are in RPSL format.\n"
        "%\n"
        "% The TEST Database is subject to Terms and Conditions.\n"
        "% See https://example.net/terms\n"
        "\n"
        "% This query was served by the TEST Database Query Service "
        "version 0.1 (host1)\n"
        "\n"
        "\n");
    buf_free(&out);
}

static void test_grouping_related(void)
{
    store_t *st = registry();
    buf_t out;
    query_result_t res;

    /* notice, group line, the object, its related objects */
    CHECK_ANSWER(st, "TEST-MNT",
                 FILTER_NOTE
                 "% Information related to 'TEST-MNT'\n\n"
                 MNTNER_F PERSON_F);
    /* an ASN: the smallest as-block holding it, then the aut-num with
     * its abuse contact; related: org, then the persons/roles in order,
     * each once */
    CHECK_ANSWER(st, "as65000",
                 FILTER_NOTE
                 "% Information related to 'AS65000 - AS65009'\n\n"
                 "as-block:       AS65000 - AS65009\n"
                 "descr:          example block\n"
                 "mnt-by:         TEST-MNT\n"
                 "source:         TEST\n"
                 "\n"
                 AUTNUM_GROUP AUTNUM_F ORG_F PERSON_F ROLE_F);
    /* -G: no group lines */
    CHECK_ANSWER(st, "-G -T aut-num AS65000", FILTER_NOTE AUTNUM_F ORG_F
                 PERSON_F ROLE_F);
    /* -r: no related objects */
    CHECK_ANSWER(st, "-r -T aut-num AS65000",
                 FILTER_NOTE AUTNUM_GROUP AUTNUM_F);
    /* the abuse contact of the organisation */
    CHECK_ANSWER(st, "-r 2001:db8::/32",
                 FILTER_NOTE
                 "% Information related to '2001:db8::/32'\n\n"
                 "% Abuse contact for '2001:db8::/32' is "
                 "'abuse@example.net'\n\n"
                 "inet6num:       2001:db8::/32\n"
                 "netname:        EXAMPLE-NET6\n"
                 "country:        NL\n"
                 "org:            ORG-EX1-TEST\n"
                 "admin-c:        JD1-TEST\n"
                 "tech-c:         JD1-TEST\n"
                 "status:         ASSIGNED\n"
                 "mnt-by:         TEST-MNT\n"
                 "source:         TEST\n"
                 "\n");
    /* two groups: a related object is written once per answer; a route's
     * group key is prefix and origin run together */
    CHECK_ANSWER(st, "192.0.2.77",
                 FILTER_NOTE
                 "% Information related to '192.0.2.0 - 192.0.2.255'\n\n"
                 "inetnum:        192.0.2.0 - 192.0.2.255\n"
                 "netname:        EXAMPLE-NET\n"
                 "country:        NL\n"
                 "admin-c:        JD1-TEST\n"
                 "tech-c:         JD1-TEST\n"
                 "status:         ASSIGNED PA\n"
                 "mnt-by:         TEST-MNT\n"
                 "mnt-irt:        IRT-EXAMPLE\n"
                 "source:         TEST\n"
                 "\n"
                 PERSON_F
                 "% Information related to '192.0.2.0/24AS65000'\n\n"
                 "route:          192.0.2.0/24\n"
                 "descr:          example route\n"
                 "origin:         AS65000\n"
                 "mnt-by:         TEST-MNT\n"
                 "source:         TEST\n"
                 "\n");
    /* -c adds the irt; --no-personal drops person and role */
    CHECK_ANSWER(st, "-c --no-personal -T inetnum 192.0.2.0/24",
                 FILTER_NOTE
                 "% Note: --no-personal means ALL personal data has been "
                 "filtered from this output.\n"
                 "\n"
                 "% Information related to '192.0.2.0 - 192.0.2.255'\n\n"
                 "inetnum:        192.0.2.0 - 192.0.2.255\n"
                 "netname:        EXAMPLE-NET\n"
                 "country:        NL\n"
                 "admin-c:        JD1-TEST\n"
                 "tech-c:         JD1-TEST\n"
                 "status:         ASSIGNED PA\n"
                 "mnt-by:         TEST-MNT\n"
                 "mnt-irt:        IRT-EXAMPLE\n"
                 "source:         TEST\n"
                 "\n"
                              "irt:            IRT-EXAMPLE\n"
                 "address:        Example Street 4\n"
                 "auth:           PGPKEY-ABCD1234\n"
                 "admin-c:        JD1-TEST\n"
                 "tech-c:         JD1-TEST\n"
                 "mnt-by:         TEST-MNT\n"
                 "source:         TEST # Filtered\n"
                 "\n");

    /* the personal data written: person and role objects */
    buf_init(&out);
    CU_ASSERT_EQUAL(ask_env(st, "AS65000", NULL, &out, &res), 0);
    CU_ASSERT_EQUAL(res.objects, 5);
    CU_ASSERT_EQUAL(res.personal, 2);
    CU_ASSERT_EQUAL(res.matches, 2);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NONE);
    buf_free(&out);
    store_close(st);
}

static void test_filtering(void)
{
    store_t *st = registry();

    /* -B: e-mail-ish attributes stay, auth: hashes and changed: never */
    CHECK_ANSWER(st, "-r -B TEST-MNT",
                 "% Information related to 'TEST-MNT'\n\n"
                 "mntner:         TEST-MNT\n"
                 "descr:          test maintainer\n"
                 "admin-c:        JD1-TEST\n"
                 "upd-to:         upd@example.net\n"
                 "mnt-nfy:        nfy@example.net\n"
                 "auth:           MD5-PW # Filtered\n"
                 "auth:           PGPKEY-ABCD1234\n"
                 "mnt-by:         TEST-MNT\n"
                 "source:         TEST # Filtered\n"
                 "\n");
    CHECK_ANSWER(st, "-rBG jd1-test",
                 "person:         John Doe\n"
                 "address:        Example Street 1\n"
                 "phone:          +31 20 000 0000\n"
                 "e-mail:         jd@example.net\n"
                 "nic-hdl:        JD1-TEST\n"
                 "mnt-by:         TEST-MNT\n"
                 "source:         TEST\n"
                 "\n");
    store_close(st);
}

static void test_primary_keys(void)
{
    store_t *st = registry();

    CHECK_ANSWER(st, "-K AS65000:AS-EXAMPLE",
                 "% Note: this output has been filtered.\n"
                 "% Only primary keys and abuse contacts will be visible.\n"
                 "% No other contact information will be shown.\n"
                 "\n"
                 "% Information related to 'AS65000:AS-EXAMPLE'\n\n"
                 "as-set:         AS65000:AS-EXAMPLE\n"
                 "members:        AS65000, AS65001\n"
                 "\n");
    CHECK_ANSWER(st, "-KG 192.0.2.0/24",
                 "% Note: this output has been filtered.\n"
                 "% Only primary keys and abuse contacts will be visible.\n"
                 "% No other contact information will be shown.\n"
                 "\n"
                 "inetnum:        192.0.2.0 - 192.0.2.255\n"
                 "\n"
                 "route:          192.0.2.0/24\n"
                 "origin:         AS65000\n"
                 "\n");
    store_close(st);
}

static void test_system_queries(void)
{
    store_t *st = registry();
    buf_t want;

    CHECK_ANSWER(st, "-q sources", "TEST:3:N:1-12\n\n");
    CHECK_ANSWER(st, "--list-sources", "TEST:3:N:1-12\n\n");
    CHECK_ANSWER(st, "-q version", "% whois-server-0.1\n\n");
    buf_init(&want);
    for (int cls = 0; cls < SC__COUNT; cls++)
        buf_printf(&want, "%s\n", schema_class_name(cls));
    buf_putc(&want, '\n');
    CU_ASSERT_EQUAL(SC__COUNT, 21);
    CU_ASSERT_PTR_NOT_NULL(strstr(want.s, "as-block\nas-set\naut-num\n"));
    CHECK_ANSWER(st, "-q types", want.s);
    buf_free(&want);

    /* RIPE's template of person, line for line */
    CHECK_ANSWER(st, "-t person",
        "person:         [mandatory]   [single]     [lookup key]\n"
        "address:        [optional]    [multiple]   [ ]\n"
        "phone:          [optional]    [multiple]   [ ]\n"
        "fax-no:         [optional]    [multiple]   [ ]\n"
        "e-mail:         [mandatory]   [multiple]   [lookup key]\n"
        "contact:        [optional]    [multiple]   [ ]\n"
        "org:            [optional]    [multiple]   [inverse key]\n"
        "nic-hdl:        [mandatory]   [single]     [primary/lookup key]\n"
        "remarks:        [optional]    [multiple]   [ ]\n"
        "notify:         [optional]    [multiple]   [inverse key]\n"
        "mnt-by:         [mandatory]   [multiple]   [inverse key]\n"
        "mnt-ref:        [optional]    [multiple]   [inverse key]\n"
        "created:        [generated]   [single]     [ ]\n"
        "last-modified:  [generated]   [single]     [ ]\n"
        "source:         [mandatory]   [single]     [ ]\n"
        "\n");
    {
        buf_t o;
        query_result_t r;
        buf_init(&o);
        CU_ASSERT_EQUAL(ask_env(st, "-v inetnum", NULL, &o, &r), 0);
        static const char head[] = "The inetnum class:\n\n"
            "inetnum:        [mandatory]   [single]     "
            "[primary/lookup key]\n"
            "netname:        [mandatory]   [single]     [lookup key]\n";
        CU_ASSERT_EQUAL(strncmp(o.s, head, strlen(head)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(o.s,
            "\nassignment-size:[optional]    [single]     [ ]\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(o.s,
            "\nmnt-lower:      [conditional] [multiple]   [inverse key]\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(o.s, "\n\nThe content of the "
            "attributes of the inetnum class are:\n\ninetnum\n\n   "
            "Mandatory, single, primary/lookup key; syntax "));
        CU_ASSERT_EQUAL(strcmp(o.s + o.len - 2, "\n\n"), 0);
        buf_free(&o);
    }

    /* help, and "-k" alone: nothing (the server acts on the flag) */
    {
        buf_t o;
        query_result_t r;
        buf_init(&o);
        CU_ASSERT_EQUAL(ask_env(st, "help", NULL, &o, &r), 0);
        CU_ASSERT_EQUAL(strncmp(o.s, "% RIPE-style queries: [flags] KEY\n"
                                "%\n% -r ", 41), 0);
        buf_free(&o);
    }
    CHECK_ANSWER(st, "-k", "");
    CHECK_ANSWER(st, "-k -r -T aut-num AS65000", FILTER_NOTE AUTNUM_GROUP
                 AUTNUM_F);
    store_close(st);
}

/* The answer to @line is the message @want, with result kind @kind. */
static void expect_refusal(store_t *st, const char *line,
                           enum query_error kind, const char *want)
{
    buf_t out;
    query_result_t res;

    buf_init(&out);
    CU_ASSERT_EQUAL(ask_env(st, line, NULL, &out, &res), 0);
    if (strcmp(out.s, want) != 0)
        fprintf(stderr, "\n--- %s: got\n%s---\n", line, out.s);
    CU_ASSERT_STRING_EQUAL(out.s, want);
    CU_ASSERT_EQUAL(res.kind, kind);
    CU_ASSERT_EQUAL(res.objects, 0);
    buf_free(&out);
}

static void test_errors(void)
{
    store_t *st = registry();
    query_sink_t sink;
    buf_t out;

    expect_refusal(st, "NO-SUCH-KEY", QUERY_E_NO_ENTRIES,
                   FILTER_NOTE NO_ENTRIES);
    expect_refusal(st, "-s TEST,RIPE AS65000", QUERY_E_UNKNOWN_SOURCE,
                   "%ERROR:102: unknown source\n"
                   "%\n"
                   "% \"RIPE\" is not a known source.\n"
                   "% Use \"-q sources\" to list known sources.\n"
                   "\n");
    expect_refusal(st, "-T nosuch AS65000", QUERY_E_UNKNOWN_TYPE,
                   "%ERROR:103: unknown object type 'nosuch'\n\n");
    expect_refusal(st, "-t nosuch", QUERY_E_UNKNOWN_TYPE,
                   "%ERROR:103: unknown object type 'nosuch'\n\n");
    expect_refusal(st, "-i nosuch AS65000", QUERY_E_UNKNOWN_ATTR,
                   "%ERROR:104: unknown attribute\n"
                   "%\n"
                   "% \"nosuch\" is not a known attribute.\n"
                   "\n");
    expect_refusal(st, "-i members AS65000", QUERY_E_NOT_INVERSE,
                   "%ERROR:105: attribute is not searchable\n"
                   "%\n"
                   "% \"members\" is not an inverse searchable attribute.\n"
                   "\n");
    expect_refusal(st, "-r -B", QUERY_E_NO_KEY,
                   "%ERROR:106: no search key specified\n"
                   "%\n"
                   "% No search key specified\n"
                   "\n");
    expect_refusal(st, "-r -x -r 192.0.2.0/24", QUERY_E_REPEATED_FLAG,
                   "%ERROR:110: multiple use of flag\n"
                   "%\n"
                   "% The flag \"-r\" cannot be used multiple times.\n"
                   "\n");
    expect_refusal(st, "-rZ AS65000", QUERY_E_BAD_OPTION,
                   "%ERROR:111: invalid option supplied\n"
                   "%\n"
                   "% Use help query to see the valid options.\n"
                   "\n");
    expect_refusal(st, "-q nonsense", QUERY_E_BAD_OPTION,
                   "%ERROR:111: invalid option supplied\n"
                   "%\n"
                   "% Use help query to see the valid options.\n"
                   "\n");
    expect_refusal(st, "-x -l 192.0.2.0/24", QUERY_E_IP_FLAGS,
                   "%ERROR:901: duplicate IP flags passed\n"
                   "%\n"
                   "% More than one IP flag (-l, -L, -m, -M or -x) passed "
                   "to the server.\n"
                   "\n");
    /* a warning: the query still runs */
    CHECK_ANSWER(st, "-x -r -T aut-num AS65000",
                 "%WARNING:902: useless IP flag passed\n"
                 "%\n"
                 "% An IP flag (-l, -L, -m, -M, -x, -d or -b) used without "
                 "an IP key.\n"
                 "\n"
                 FILTER_NOTE AUTNUM_GROUP AUTNUM_F);
    /* inverse on auth: key-cert names only */
    expect_refusal(st, "-i auth MD5-PW", QUERY_E_NO_ENTRIES,
                   "% Inverse search on 'auth' attribute is limited to "
                   "'key-cert' objects only\n"
                   "\n"
                   FILTER_NOTE NO_ENTRIES);
    CHECK_ANSWER(st, "-rG -i auth -T mntner PGPKEY-ABCD1234",
                 FILTER_NOTE MNTNER_F);

    /* the texts the server writes itself */
    buf_init(&out);
    sink = query_sink_buf(&out);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_INTERNAL,
                                        "dbm@example.net", NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_LINE_TOO_LONG,
                                        NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_COMBINATION,
                                        "-b", "-B", NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_UNSUPPORTED,
                                        NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_BAD_KEY,
                                        NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_TOO_MANY_ARGS,
                                        NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_NOT_PROXY,
                                        NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_TIMEOUT,
                                        NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_CONNECTIONS,
                                        "3", NULL, NULL), 0);
    CU_ASSERT_STRING_EQUAL(out.s,
        "%ERROR:100: internal software error\n"
        "%\n"
        "% Please contact dbm@example.net if the problem persists.\n"
        "\n"
        "%ERROR:107: input line too long\n"
        "%\n"
        "% Input exceeds the maximum line length.\n"
        "\n"
        "%ERROR:109: invalid combination of flags passed\n"
        "%\n"
        "% The flags \"-b\" and \"-B\" cannot be used together.\n"
        "\n"
        "%ERROR:114: unsupported query\n"
        "%\n"
        "% Search key doesn't match any known query types\n"
        "\n"
        "%ERROR:115: invalid search key\n"
        "%\n"
        "% Search key entered is not valid for the specified object "
        "type(s)\n"
        "\n"
        "%ERROR:118: too many arguments supplied\n"
        "%\n"
        "% Too many arguments supplied.\n"
        "\n"
        "%ERROR:203: you are not allowed to act as a proxy\n"
        "\n"
        "%ERROR:305: connection has been closed\n"
        "%\n"
        "% The connection to the RIPE Database query server\n"
        "% has been closed after a period of inactivity.\n"
        "\n"
        "%ERROR:306: connections exceeded\n"
        "%\n"
        "% Number of connections from a single IP address\n"
        "% has exceeded the maximum number allowed (3).\n"
        "\n");
    CU_ASSERT_EQUAL(query_write_message(&sink, QUERY_E_NONE, NULL, NULL,
                                        NULL), ERR_USAGE);
    buf_free(&out);
    store_close(st);
}

/* Odd lines: each gets an answer (a block or objects), never a crash. */
static void test_odd_lines(void)
{
    static const char *const lines[] = {
        "", "-", "--", "-- -", "-q", "-t", "-v", "-V", "-s ,,, AS65000",
        "-s , -r AS65000", "-i , X", "-T , AS65000", "-T,,", "--=x",
        "--no-personal=1 X", "--types=x", "-kkk", "-k -k", "-qsources",
        "-q sources -t person", "-rBGxTinetnum 192.0.2.0 - 192.0.2.255",
        "-M 0.0.0.0/0", "-L ::/0", "-x 999.1.1.1", "AS4294967296",
        "\t\r\n", "%", "'", "HELP", "-r help",
    };
    store_t *st = registry();
    buf_t out, big;
    query_result_t res;

    buf_init(&out);
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        int rc = ask_env(st, lines[i], NULL, &out, &res);
        CU_ASSERT_EQUAL(rc, 0);
        /* an answer ends with an empty line (or is empty: "-k") */
        if (out.len > 0)
            CU_ASSERT_EQUAL(strcmp(out.s + out.len - 2, "\n\n"), 0);
    }
    /* a key of 100,000 characters */
    buf_init(&big);
    buf_pad(&big, 'A', 100000);
    CU_ASSERT_EQUAL(ask_env(st, big.s, NULL, &out, &res), 0);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NO_ENTRIES);
    buf_free(&big);
    buf_free(&out);
    store_close(st);
}

static void test_personal_limit(void)
{
    store_t *st = registry();
    query_env_t env = test_env();
    buf_t out;
    query_result_t res;

    /* one person/role object left today: the role is refused */
    env.personal_limit = 1;
    buf_init(&out);
    CU_ASSERT_EQUAL(ask_env(st, "-T aut-num AS65000", &env, &out, &res), 0);
    CU_ASSERT_STRING_EQUAL(out.s,
        FILTER_NOTE AUTNUM_GROUP
        AUTNUM_F ORG_F PERSON_F
        "%ERROR:201: access denied for 192.0.2.7\n"
        "%\n"
        "% Queries from your IP address have passed the daily limit of "
        "controlled objects.\n"
        "% Access from your host has been temporarily denied.\n"
        "\n");
    CU_ASSERT_EQUAL(res.kind, QUERY_E_ACCESS_DENIED);
    CU_ASSERT_EQUAL(res.personal, 1);
    CU_ASSERT_EQUAL(res.objects, 3);
    /* no personal data in the answer: no limit reached */
    env.personal_limit = 0;
    CU_ASSERT_EQUAL(ask_env(st, "-r -T aut-num AS65000", &env, &out, &res),
                    0);
    CU_ASSERT_EQUAL(res.kind, QUERY_E_NONE);
    CU_ASSERT_EQUAL(res.personal, 0);
    buf_free(&out);
    store_close(st);
}

static void test_parse_ripe(void)
{
    query_t q;
    err_t e = ERR_INIT;

    /* Debian whois's "-V Md5.5.17 ..." and RIPE's letters */
    query_init_style(&q, QUERY_STYLE_RIPE);
    CU_ASSERT_EQUAL(query_parse_line(&q, "-V Md5.5.17 -kKdc -rBG "
                                     "as65000-mnt\r\n", NULL, &e), 0);
    CU_ASSERT_EQUAL(q.flags, QUERY_PERSISTENT | QUERY_PRIMARY_KEYS |
                    QUERY_REVERSE_DOMAIN | QUERY_IRT | QUERY_NO_REFS |
                    QUERY_UNFILTERED | QUERY_NO_GROUPING);
    CU_ASSERT_STRING_EQUAL(q.client, "Md5.5.17");
    CU_ASSERT_STRING_EQUAL(q.key, "as65000-mnt");
    query_free(&q);
    CU_ASSERT_EQUAL(q.style, QUERY_STYLE_RIPE);
    CU_ASSERT_EQUAL(query_parse_line(&q, "--types", NULL, &e), 0);
    CU_ASSERT_EQUAL(q.sysinfo, QUERY_SYS_TYPES);
    CU_ASSERT_PTR_NULL(q.key);
    query_free(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "--template=route", NULL, &e), 0);
    CU_ASSERT_EQUAL(q.template_kind, 't');
    CU_ASSERT_EQUAL(q.template_cls, SC_ROUTE);
    query_free(&q);
    /* the tool keeps its letters: -c is the caller's or invalid */
    query_init(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "-k AS1", NULL, &e), ERR_USAGE);
    CU_ASSERT_EQUAL(q.err_kind, QUERY_E_BAD_OPTION);
    query_free(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "--types", NULL, &e), ERR_USAGE);
    query_free(&q);
    CU_ASSERT_EQUAL(query_parse_line(&q, "-r -r AS1", NULL, &e), 0);
    CU_ASSERT_EQUAL(q.repeated, 'r');
    query_free(&q);
    err_free(&e);
}

/* ------------------------------------------------------------------ */
/* The resumable cursor                                                */
/* ------------------------------------------------------------------ */

#define BULK 1000
#define PERSONS 10

static int put_bulk(store_txn_t *t, void *arg, err_t *err)
{
    char **list = xcalloc(BULK + PERSONS + 1, sizeof(*list));
    size_t n = 0;
    buf_t remarks;
    int rc;

    (void) arg;
    buf_init(&remarks);
    for (int i = 0; i < 16; i++)
        buf_puts(&remarks, "remarks:        a long remark to make every "
                 "object big, ever so big\n");
    list[n++] = xstrdup("mntner:         BULK-MNT\n"
                        "admin-c:        P0-TEST\n"
                        "upd-to:         bulk@example.net\n"
                        "auth:           MD5-PW $1$abcdefgh$0123456789abc\n"
                        "mnt-by:         BULK-MNT\n"
                        "source:         TEST\n");
    for (int i = 0; i < PERSONS; i++)
        list[n++] = xasprintf("person:         Person %d\n"
                              "e-mail:         p%d@example.net\n"
                              "nic-hdl:        P%d-TEST\n"
                              "mnt-by:         BULK-MNT\n"
                              "source:         TEST\n", i, i, i);
    for (int i = 0; i < BULK - PERSONS - 1; i++)
        list[n++] = xasprintf("aut-num:        AS%d\n"
                              "as-name:        AS-%d\n"
                              "%s"
                              "admin-c:        P%d-TEST\n"
                              "tech-c:         P%d-TEST\n"
                              "notify:         n%d@example.net\n"
                              "mnt-by:         BULK-MNT\n"
                              "source:         TEST\n",
                              10000 + i, i, remarks.s, i % PERSONS,
                              (i * 7) % PERSONS, i);
    rc = put_list(t, (const char *const *) list, n, err);
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
    buf_free(&remarks);
    return rc;
}

/* Answer @line with steps of @step objects (0: query_run_env()) into
 * @out; check the cursor's memory between steps against @limit. */
static void stepped(store_t *st, enum query_style style, const char *line,
                    size_t step, buf_t *out, size_t limit,
                    query_result_t *res)
{
    query_env_t env = test_env();
    query_t q;
    store_txn_t *txn = NULL;
    query_sink_t sink = query_sink_buf(out);
    query_cursor_t *c = NULL;
    err_t e = ERR_INIT;
    int more = 1, steps = 0;

    buf_reset(out);
    query_init_style(&q, style);
    CU_ASSERT_FATAL(query_parse_line(&q, line, NULL, &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    if (step == 0) {
        CU_ASSERT_EQUAL(query_run_env(&q, txn, &env, &sink, res, &e), 0);
    } else {
        CU_ASSERT_FATAL(query_start(&q, txn, &env, &c, &e) == 0);
        while (more) {
            size_t before = out->len;
            CU_ASSERT_FATAL(query_step(c, &sink, step, &more, &e) == 0);
            CU_ASSERT(query_cursor_memory(c) < limit);
            /* a step writes at most @step objects: about 1,300 bytes each */
            CU_ASSERT(out->len - before < (step + 1) * 1400 + 400);
            steps++;
        }
        query_cursor_result(c, res);
        query_cursor_free(c);
        CU_ASSERT(steps >= BULK / (int) step);
    }
    store_read_end(txn);
    query_free(&q);
    err_free(&e);
}

static void test_cursor_steps(void)
{
    static const struct {
        enum query_style style;
        const char *line;
    } cases[] = {
        { QUERY_STYLE_RIPE, "-i mnt-by BULK-MNT" },
        { QUERY_STYLE_RIPE, "-G -i mnt-by BULK-MNT" },
        { QUERY_STYLE_TOOL, "-i mnt-by BULK-MNT" },
    };
    store_t *st = NULL;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/db", harness_tmpdir());
    buf_t one, many;

    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, put_bulk, NULL, &e) == 0);
    buf_init(&one);
    buf_init(&many);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        query_result_t r1, r2;

        stepped(st, cases[i].style, cases[i].line, 0, &one, 0, &r1);
        /* the objects' text is over 1 MB; the cursor holds keys and
         * identities only: well under 200 KB whatever the text size */
        CU_ASSERT(one.len > 1000000);
        stepped(st, cases[i].style, cases[i].line, 7, &many, 200000, &r2);
        CU_ASSERT_EQUAL(r1.objects, BULK);
        CU_ASSERT_EQUAL(r2.objects, BULK);
        CU_ASSERT_EQUAL(r1.matches, BULK);
        CU_ASSERT_EQUAL(r1.personal, PERSONS);
        CU_ASSERT_EQUAL(r2.personal, PERSONS);
        CU_ASSERT_EQUAL(one.len, many.len);
        CU_ASSERT(strcmp(one.s, many.s) == 0);
    }
    buf_free(&one);
    buf_free(&many);
    store_close(st);
    err_free(&e);
    free(dir);
}

/* A sink that keeps only the size of what it got. */
static int count_write(void *ctx, const char *s, size_t len, err_t *err)
{
    (void) s;
    (void) err;
    *(size_t *) ctx += len;
    return 0;
}

/* Heap bytes in use (glibc; 0 where the allocator is replaced). */
static size_t heap_used(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* Between steps the process keeps no object text: the heap grows by the
 * keys and identities only, not by the megabyte of text written. */
static void test_cursor_heap(void)
{
    store_t *st = NULL;
    err_t e = ERR_INIT;
    char *dir = xasprintf("%s/db", harness_tmpdir());
    query_env_t env = test_env();
    size_t written = 0, base, most = 0;
    query_sink_t sink = { count_write, &written };
    store_txn_t *txn = NULL;
    query_cursor_t *c = NULL;
    query_t q;
    int more = 1;

    CU_ASSERT_FATAL(store_open(dir, 0, &st, &e) == 0);
    CU_ASSERT_FATAL(store_write(st, put_bulk, NULL, &e) == 0);
    query_init_style(&q, QUERY_STYLE_RIPE);
    CU_ASSERT_FATAL(query_parse_line(&q, "-i mnt-by BULK-MNT", NULL,
                                     &e) == 0);
    CU_ASSERT_FATAL(store_read_begin(st, &txn, &e) == 0);
    base = heap_used();
    CU_ASSERT_FATAL(query_start(&q, txn, &env, &c, &e) == 0);
    while (more) {
        size_t now;
        CU_ASSERT_FATAL(query_step(c, &sink, 7, &more, &e) == 0);
        now = heap_used();
        if (now > base && now - base > most)
            most = now - base;
    }
    CU_ASSERT(written > 1000000);
    CU_ASSERT(most < 256 * 1024);
    query_cursor_free(c);
    store_read_end(txn);
    query_free(&q);
    store_close(st);
    err_free(&e);
    free(dir);
}

/* The match limit: resolution stops, the answer says so. */
static void test_cursor_limit(void)
{
    store_t *st = registry();
    query_env_t env = test_env();
    buf_t out;
    query_result_t res;

    env.max_objects = 2;
    buf_init(&out);
    CU_ASSERT_EQUAL(ask_env(st, "-rG -i mnt-by TEST-MNT", &env, &out,
                            &res), 0);
    CU_ASSERT_EQUAL(res.matches, 2);
    CU_ASSERT_EQUAL(res.objects, 2);
    CU_ASSERT_EQUAL(res.truncated, 1);
    env.max_objects = 100;
    CU_ASSERT_EQUAL(ask_env(st, "-rG -i mnt-by TEST-MNT", &env, &out,
                            &res), 0);
    CU_ASSERT_EQUAL(res.matches, 12);
    CU_ASSERT_EQUAL(res.truncated, 0);
    buf_free(&out);
    store_close(st);
}

void suite_query_ripe(void);
void suite_query_ripe(void)
{
    CU_pSuite s = harness_suite("query_ripe");

    HARNESS_ADD(s, test_header_trailer);
    HARNESS_ADD(s, test_grouping_related);
    HARNESS_ADD(s, test_filtering);
    HARNESS_ADD(s, test_primary_keys);
    HARNESS_ADD(s, test_system_queries);
    HARNESS_ADD(s, test_errors);
    HARNESS_ADD(s, test_odd_lines);
    HARNESS_ADD(s, test_personal_limit);
    HARNESS_ADD(s, test_parse_ripe);
    HARNESS_ADD(s, test_cursor_steps);
    HARNESS_ADD(s, test_cursor_heap);
    HARNESS_ADD(s, test_cursor_limit);
}
