/*
 * fuzz_irr.c - libFuzzer harness of the "!" query commands (registry/irr.h).
 *
 * A store in a temporary directory holds a small registry of nested and
 * looping as-sets and route-sets, routes and route6s (made once).  The
 * input is cut into lines (at most MAX_LINES); each line is run on one
 * session as autodbm-whoisd runs it: irr_command(), irr_start(), then
 * irr_step() with a small budget until the answer is complete.
 *
 * Checked for every answer: it is empty (only "!!", "!q" and answers
 * after the session was told to close), or exactly one of
 *     "A<n>\n" + n bytes + "C\n"   (n >= 2, the n bytes end in '\n')
 *     "C\n"   "D\n"   "F <text>\n" (one line)
 * as bgpq4 parses them; no NUL byte; irr_step() ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "fuzz_common.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "registry/irr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_LINES 32
#define MAX_STEPS 100000

static store_t *st;

static const char registry[] =
    "mntner: EX-MNT\nauth: MD5-PW $1$abcdefgh$0123456789abcdefghijkl\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "as-set: AS-EXAMPLE\nmembers: AS3333, AS-SUB1, AS2914:AS-CUST\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "as-set: AS-SUB1\nmembers: AS1299, AS-SUB2, AS-EXAMPLE\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "as-set: AS-SUB2\nmembers: AS174, as-sub1, AS-MISSING\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "as-set: AS2914:AS-CUST\nmembers: AS6939\nmbrs-by-ref: ANY\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "aut-num: AS13335\nmember-of: AS2914:AS-CUST\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route-set: RS-EXAMPLE\nmembers: 198.51.100.0/24, 203.0.113.0/24^24-26, RS-SUB, AS6939, AS-SUB2\n"
    "mp-members: 2001:db8::/32\nmbrs-by-ref: EX-MNT\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route-set: RS-SUB\nmembers: 192.0.2.0/24, RS-EXAMPLE\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route: 193.0.0.0/21\norigin: AS3333\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route: 193.0.0.0/21\norigin: AS1299\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route: 38.0.0.0/8\norigin: AS174\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route: 104.16.0.0/13\norigin: AS13335\nmember-of: RS-EXAMPLE\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route6: 2001:67c:2e8::/48\norigin: AS3333\nmnt-by: EX-MNT\nsource: TEST\n\n"
    "route6: 2606:4700::/32\norigin: AS13335\nmnt-by: EX-MNT\nsource: TEST\n\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    st = fz_store(registry, sizeof registry - 1);
    return 0;
}

static int sink(const char *data, size_t len, void *arg)
{
    buf_put(arg, data, len);
    return 0;
}

/* The framing of one answer (see the file comment). */
static void check_answer(const buf_t *a)
{
    if (a->len == 0)
        return;
    FZ_CHECK(memchr(a->s, 0, a->len) == NULL);
    FZ_CHECK(a->s[a->len - 1] == '\n');
    switch (a->s[0]) {
    case 'C': case 'D':
        FZ_CHECK(a->len == 2);
        break;
    case 'F':
        FZ_CHECK(a->len >= 3 && a->s[1] == ' ');
        FZ_CHECK(memchr(a->s, '\n', a->len) == a->s + a->len - 1);
        break;
    case 'A': {
        char *end;
        unsigned long n = strtoul(a->s + 1, &end, 10);
        FZ_CHECK(end > a->s + 1 && *end == '\n' && n >= 2);
        size_t head = (size_t)(end - a->s) + 1;
        FZ_CHECK(a->len == head + n + 2);
        FZ_CHECK(a->s[head + n - 1] == '\n');
        FZ_CHECK(memcmp(a->s + head + n, "C\n", 2) == 0);
        break;
    }
    default:
        FZ_CHECK(!"an answer starts with A, C, D or F");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    irr_limits_t lim = { 10000, 5 };
    irr_session_t *s = irr_session_new(st, "TEST", "0", &lim);
    buf_t line, out;
    size_t pos = 0;
    int closed = 0;

    buf_init(&line);
    buf_init(&out);
    for (int i = 0; i < MAX_LINES && pos < size && !closed; i++) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;
        buf_reset(&line);
        buf_put(&line, data + pos, n);
        pos += n + 1;
        if (memchr(line.s, 0, line.len))
            continue;           /* the server answers those itself */
        const char *cmd = irr_command(line.s);
        if (cmd == NULL)
            continue;           /* RIPE-style: not this module's */
        irr_answer_t *a = NULL;
        err_t err = ERR_INIT;
        FZ_CHECK(irr_start(s, cmd, &a, &err) == 0 && a != NULL);
        buf_reset(&out);
        int rc, steps = 0;
        while ((rc = irr_step(a, 512, sink, &out, &err)) == 1)
            FZ_CHECK(++steps < MAX_STEPS);
        FZ_CHECK(rc == 0);
        check_answer(&out);
        closed = irr_answer_close(a);
        irr_answer_free(a);
        err_free(&err);
    }
    buf_free(&line);
    buf_free(&out);
    irr_session_free(s);
    return 0;
}
