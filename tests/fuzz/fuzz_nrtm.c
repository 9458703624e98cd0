/*
 * fuzz_nrtm.c - libFuzzer harness of the NRTM client's stream parser
 * (registry/mirror.h), what a hostile NRTM server talks to.
 *
 * Input: one byte of request flags (bit 0: version 1 instead of 3, bit
 * 1: -k, bits 2-7: the chunk size the stream is fed in, 0 = one piece),
 * then the stream.  The request asks for source TEST from serial 41 with
 * small bounds (a 256-byte line, a 4K object).
 *
 * Checked: the parser returns 0 or ERR_SYNTAX / ERR_LIMIT; at most one
 * START, before every OP, END or REPLY and nothing after END or REPLY
 * (but the refusal); START's version is the one asked for, its source
 * TEST in any case, first <= last; OP serials not below START's first,
 * strictly increasing, consecutive for version 1 and within START's
 * range without -k; every OP text is non-empty UTF-8 without NUL, ends in
 * LF, has no empty line and fits the object bound; and the events and the
 * outcome are the same fed in chunks and fed one byte at a time.
 *
 * Then the same stream goes through a session (mirror_session_*) into the
 * mirrored source FZ of a store in a temporary directory (emptied before
 * each input, transactions of 3 operations): it ends in 0, ERR_SYNTAX or
 * ERR_LIMIT (never a store failure), and the serial the source is left at
 * is the one of its last committed transaction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "fuzz_common.h"
#include "registry/mirror.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static store_t *st;

static const char registry[] =
    "mntner: FZ-MNT\nauth: MD5-PW $1$abcdefgh$0123456789abcdefghijkl\nmnt-by: FZ-MNT\nsource: TEST\n\n";

static int clear_unit(store_txn_t *txn, void *arg, err_t *err)
{
    (void)arg;
    int rc = store_source_add(txn, "FZ", err);
    if (rc == 0)
        rc = store_source_clear(txn, "FZ", err);    /* and selects it */
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    st = fz_store(registry, sizeof registry - 1);
    return 0;
}

static void on_commit(const mirror_batch_t *b, void *arg)
{
    uint64_t *last = arg;
    FZ_CHECK(b->serial >= *last);
    *last = b->serial;
}

/* The stream through a session into source FZ, emptied first. */
static void apply(const mirror_request_t *req, const uint8_t *data, size_t size,
                  size_t chunk)
{
    err_t e = ERR_INIT;
    FZ_CHECK(store_write(st, clear_unit, NULL, &e) == 0);
    uint64_t last = 0, serial = 1;
    mirror_session_opts_t o = { .local = "FZ", .req = *req, .batch_size = 3,
                                .lock_timeout = -1, .on_batch = on_commit,
                                .arg = &last };
    mirror_session_t *s = NULL;
    FZ_CHECK(mirror_session_new(st, &o, &s, &e) == 0);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < size; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        rc = mirror_session_feed(s, data + i, n, &e);
        if (rc == 0 && (i / chunk) % 5 == 4)
            rc = mirror_session_idle(s, &e);
    }
    if (rc == 0)
        rc = mirror_session_eof(s, &e);
    FZ_CHECK(rc == 0 || rc == ERR_SYNTAX || rc == ERR_LIMIT);
    FZ_CHECK(mirror_session_serial(s) == last);
    mirror_session_free(s);
    FZ_CHECK(mirror_source_serial(st, "FZ", 0, &serial, &e) == 0);
    FZ_CHECK(serial == last);
    err_free(&e);
}

#define MAX_LINE 256
#define MAX_OBJECT 4096

/** What one run saw. */
struct seen {
    buf_t log;          /* the events, for comparing two runs */
    int started, over;
    unsigned version;
    uint64_t first, last, prev, nops;
    int persistent;
};

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
                   (c & 0xF8) == 0xF0 ? 4 : 0;
        if (k == 0 || i + k > n || (k == 2 && c < 0xC2))
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

static int on_event(const mirror_event_t *ev, void *arg, err_t *err)
{
    struct seen *s = arg;
    (void)err;
    FZ_CHECK(!s->over);
    switch (ev->type) {
    case MIRROR_EV_START:
        FZ_CHECK(!s->started);
        FZ_CHECK(ev->version == s->version);
        FZ_CHECK(strcasecmp(ev->source, "TEST") == 0);
        FZ_CHECK(ev->first <= ev->last && ev->first > 0);
        s->started = 1;
        s->first = ev->first;
        s->last = ev->last;
        buf_printf(&s->log, "S %u %llu %llu %d\n", ev->version,
                   (unsigned long long)ev->first, (unsigned long long)ev->last,
                   ev->filtered);
        break;
    case MIRROR_EV_OP:
        FZ_CHECK(s->started);
        FZ_CHECK(ev->op == STORE_OP_ADD || ev->op == STORE_OP_DEL);
        FZ_CHECK(ev->serial >= s->first);
        FZ_CHECK(s->nops == 0 || ev->serial > s->prev);
        if (s->version == 1)
            FZ_CHECK(ev->serial == s->first + s->nops);
        if (!s->persistent)
            FZ_CHECK(ev->serial <= s->last);
        FZ_CHECK(ev->len > 0 && ev->len <= 2 * MAX_OBJECT);
        FZ_CHECK(strlen(ev->text) == ev->len);
        FZ_CHECK(ev->text[ev->len - 1] == '\n');
        FZ_CHECK(strstr(ev->text, "\n\n") == NULL);
        FZ_CHECK(utf8_ok((const unsigned char *)ev->text, ev->len));
        s->prev = ev->serial;
        s->nops++;
        buf_printf(&s->log, "%c %llu %zu\n", ev->op == STORE_OP_ADD ? 'A' : 'D',
                   (unsigned long long)ev->serial, ev->len);
        buf_put(&s->log, ev->text, ev->len);
        break;
    case MIRROR_EV_END:
        FZ_CHECK(s->started);
        s->over = 1;
        buf_puts(&s->log, "E\n");
        break;
    case MIRROR_EV_REPLY:
        FZ_CHECK(ev->reply >= MIRROR_REPLY_UPTODATE && ev->reply <= MIRROR_REPLY_OTHER);
        FZ_CHECK(strlen(ev->text) == ev->len);
        FZ_CHECK(utf8_ok((const unsigned char *)ev->text, ev->len));
        s->over = 1;
        buf_printf(&s->log, "R %d\n", ev->reply);
        break;
    default:
        FZ_CHECK(0);
    }
    return 0;
}

/* Run the parser over @data in chunks of @chunk bytes; log the outcome. */
static void run(const mirror_request_t *req, const uint8_t *data, size_t size,
                size_t chunk, struct seen *s)
{
    memset(s, 0, sizeof *s);
    buf_init(&s->log);
    s->version = req->version;
    s->persistent = req->persistent;
    mirror_parser_t *p = mirror_parser_new(req);
    err_t e = ERR_INIT;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < size; i += chunk) {
        size_t n = size - i < chunk ? size - i : chunk;
        rc = mirror_parser_feed(p, data + i, n, on_event, s, &e);
    }
    if (rc == 0)
        rc = mirror_parser_eof(p, on_event, s, &e);
    FZ_CHECK(rc == 0 || rc == ERR_SYNTAX || rc == ERR_LIMIT);
    FZ_CHECK(rc == 0 || e.text != NULL);
    buf_printf(&s->log, "rc %d %d\n", rc, mirror_parser_done(p));
    err_free(&e);
    mirror_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mirror_request_t req = { .source = "TEST", .version = (data[0] & 1) ? 1 : 3,
                             .first = 41, .persistent = (data[0] & 2) != 0,
                             .max_line = MAX_LINE, .max_object = MAX_OBJECT };
    size_t chunk = data[0] >> 2;
    data++;
    size--;
    struct seen a, b;
    run(&req, data, size, chunk ? chunk : (size ? size : 1), &a);
    run(&req, data, size, 1, &b);
    FZ_CHECK(a.log.len == b.log.len && memcmp(a.log.s, b.log.s, a.log.len) == 0);
    buf_free(&a.log);
    buf_free(&b.log);
    apply(&req, data, size, chunk ? chunk : (size ? size : 1));
    return 0;
}
