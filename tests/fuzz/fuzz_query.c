/*
 * fuzz_query.c - libFuzzer harness of the RIPE-style query parser and
 * engine (registry/query.h), both dialects: autodbm-query's (TOOL style)
 * and autodbm-whoisd's (RIPE style).
 *
 * A store in a temporary directory holds a small registry (made once):
 * persons, a role, an organisation, a mntner with hashes, an inetnum
 * tree, routes, an as-block and an aut-num.  The input is cut into lines
 * (at most MAX_LINES); each line is parsed in both styles with
 * query_parse_line() and, in RIPE style always (a failed parse answers
 * with its %ERROR block), in TOOL style when the parse succeeded,
 * answered from one snapshot twice: by a cursor stepped MAX_STEP objects
 * at a time under small limits (max_objects, personal_limit), and by
 * query_run_env() in one go under the same limits.
 *
 * Checked for every line: both answers are byte-identical (the resumable
 * cursor writes what the one-shot run writes); no answer holds a NUL
 * byte; an answer of a RIPE-style query (but a bare -k) is non-empty and
 * ends in a line end; the mntner's stored hash never appears without -B
 * (unless the line held it: an error may quote the query); the cursor
 * ends within MAX_STEPS steps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "registry/query.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_LINES 16
#define MAX_STEP 3
#define MAX_STEPS 100000

/* the mntner's stored hash, which no answer may show without -B */
#define HASH "$1$abcdefgh$0123456789abcdefghijkl"

static store_t *st;

static const char registry[] =
    "mntner: EX-MNT\nauth: MD5-PW " HASH "\n"
    "upd-to: noc@example.net\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "person: Ex Ample\naddress: Street 1\ne-mail: ex@example.net\n"
    "phone: +31 20 000 0000\nnic-hdl: EA1-TEST\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "person: Other Person\nnic-hdl: OP1-TEST\nnotify: op@example.net\n"
    "mnt-by: EX-MNT\nsource: TEST\n\n"
    "role: Ex Noc\nabuse-mailbox: abuse@example.net\nadmin-c: EA1-TEST\n"
    "tech-c: OP1-TEST\nnic-hdl: EN1-TEST\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "organisation: ORG-EX1-TEST\norg-name: Example\norg-type: OTHER\n"
    "abuse-c: EN1-TEST\ne-mail: org@example.net\nmnt-ref: EX-MNT\n"
    "mnt-by: EX-MNT\nsource: TEST\n\n"
    "inetnum: 193.0.0.0 - 193.0.7.255\nnetname: EX-NET\norg: ORG-EX1-TEST\n"
    "admin-c: EA1-TEST\ntech-c: EN1-TEST\nstatus: ALLOCATED PA\n"
    "mnt-by: EX-MNT\nsource: TEST\n\n"
    "inetnum: 193.0.0.0 - 193.0.0.255\nnetname: EX-SUB\nadmin-c: OP1-TEST\n"
    "tech-c: EN1-TEST\nstatus: ASSIGNED PA\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "inet6num: 2001:db8::/32\nnetname: EX-V6\nadmin-c: EA1-TEST\n"
    "tech-c: EN1-TEST\nstatus: ALLOCATED-BY-RIR\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route: 193.0.0.0/21\norigin: AS3333\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route6: 2001:db8::/32\norigin: AS3333\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "as-block: AS3000 - AS3999\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "aut-num: AS3333\nas-name: EX-AS\norg: ORG-EX1-TEST\nadmin-c: EA1-TEST\n"
    "tech-c: EN1-TEST\nmnt-by: EX-MNT\nsource: TEST\n\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    st = fz_store(registry, sizeof registry - 1);
    return 0;
}

/* Answer @q twice from one snapshot, stepped and in one go; compare. */
static void answer_twice(const query_t *q, const char *line, int ripe)
{
    query_env_t env;
    memset(&env, 0, sizeof env);
    env.source = "TEST";
    env.max_objects = 6;
    env.personal_limit = 2;
    env.client = "192.0.2.1";
    env.version = "0";
    env.host = "fuzz";
    store_txn_t *txn = NULL;
    err_t err = ERR_INIT;
    FZ_CHECK(store_read_begin(st, &txn, &err) == 0);

    buf_t stepped, whole;
    buf_init(&stepped);
    buf_init(&whole);
    query_sink_t s1 = query_sink_buf(&stepped), s2 = query_sink_buf(&whole);
    query_cursor_t *c = NULL;
    int rc1 = query_start(q, txn, &env, &c, &err);
    if (rc1 == 0) {
        int more = 1;
        for (int n = 0; more && rc1 == 0; n++) {
            FZ_CHECK(n < MAX_STEPS);
            rc1 = query_step(c, &s1, MAX_STEP, &more, &err);
        }
        query_cursor_free(c);
    }
    err_free(&err);
    query_result_t res;
    int rc2 = query_run_env(q, txn, &env, &s2, &res, &err);
    err_free(&err);
    store_read_end(txn);

    FZ_CHECK(stepped.len == whole.len);
    if (whole.len > 0) {
        FZ_CHECK(memcmp(stepped.s, whole.s, whole.len) == 0);
        FZ_CHECK(memchr(whole.s, 0, whole.len) == NULL);
        buf_putc(&whole, 0);
        /* (an error may quote the query: only a hash it did not hold) */
        if (!(q->flags & QUERY_UNFILTERED) && strstr(line, HASH) == NULL)
            FZ_CHECK(strstr(whole.s, HASH) == NULL);
        whole.len--;
    }
    /* (a bare -k is the one RIPE-style query with an empty answer: the
     * server closes or keeps the connection) */
    if (ripe && rc1 == 0 && rc2 == 0 && !(q->flags & QUERY_PERSISTENT))
        FZ_CHECK(whole.len > 0 && whole.s[whole.len - 1] == '\n');
    buf_free(&stepped);
    buf_free(&whole);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t line;
    buf_init(&line);
    size_t pos = 0;
    for (int n = 0; n < MAX_LINES && pos < size; n++) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
        buf_reset(&line);
        buf_put(&line, (const char *)data + pos, len);
        pos += len + (nl != NULL);
        if (len > 0 && memchr(line.s, 0, line.len))
            continue;           /* a line is a C string to the parser */
        buf_putc(&line, 0);
        for (int ripe = 0; ripe <= 1; ripe++) {
            query_t q;
            err_t err = ERR_INIT;
            query_init_style(&q, ripe ? QUERY_STYLE_RIPE : QUERY_STYLE_TOOL);
            int rc = query_parse_line(&q, line.s, NULL, &err);
            err_free(&err);
            if (rc == 0 || ripe)
                answer_twice(&q, line.s, ripe);
            query_free(&q);
        }
    }
    buf_free(&line);
    return 0;
}
