/*
 * test_mirror.c - the NRTM client's stream parser (registry/mirror.h)
 * against golden streams: every folder of tests/nrtm-client/ holds
 *   request   what the client asked for: source= version= first=
 *             persistent= serial= (the mirror's serial before), and
 *             optionally max_line= max_object=; "#" lines are comments
 *   stream    the bytes the server sent
 *   events    the parser's events and its end, as this test writes them
 *   before    (optional) the objects the mirrored source holds before,
 *             at serials 1, 2, ... (then its serial is serial=)
 *   result    what the session (parser + applier) did to a store: each
 *             committed batch, the end, the source's serial and objects
 *             (those of classes the schema does not know last, "other")
 * The stream is fed in one piece, seven bytes and one byte at a time; each
 * must give the events and the result file exactly.  A mismatch leaves the actual transcript in
 * the runner's temporary directory and names it.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry/mirror.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "util/buf.h"

/** A golden case's request file, parsed. */
struct gcase {
    char source[64];
    unsigned version;
    uint64_t first, serial;
    int persistent;
    size_t max_line, max_object;
};

static int read_request(const char *path, struct gcase *g)
{
    buf_t b;
    buf_init(&b);
    if (harness_read_file(path, &b) != 0)
        return -1;
    memset(g, 0, sizeof *g);
    char *sl, *sw;
    for (char *line = strtok_r(b.s, "\n", &sl); line; line = strtok_r(NULL, "\n", &sl)) {
        if (line[0] == '#')
            continue;
        for (char *w = strtok_r(line, " ", &sw); w; w = strtok_r(NULL, " ", &sw)) {
            unsigned long long v = 0;
            if (sscanf(w, "source=%63s", g->source) == 1)
                continue;
            char *eq = strchr(w, '=');
            if (eq == NULL)
                continue;
            v = strtoull(eq + 1, NULL, 10);
            if (strncmp(w, "version=", 8) == 0) g->version = (unsigned)v;
            else if (strncmp(w, "first=", 6) == 0) g->first = v;
            else if (strncmp(w, "serial=", 7) == 0) g->serial = v;
            else if (strncmp(w, "persistent=", 11) == 0) g->persistent = (int)v;
            else if (strncmp(w, "max_line=", 9) == 0) g->max_line = v;
            else if (strncmp(w, "max_object=", 11) == 0) g->max_object = v;
        }
    }
    buf_free(&b);
    return g->source[0] ? 0 : -1;
}

/* Write the events of the parser into a transcript. */
static int transcribe(const mirror_event_t *ev, void *arg, err_t *err)
{
    buf_t *out = arg;
    (void)err;
    switch (ev->type) {
    case MIRROR_EV_START:
        buf_printf(out, "start version=%u source=%s range=%" PRIu64 "-%" PRIu64 "%s\n",
                   ev->version, ev->source, ev->first, ev->last,
                   ev->filtered ? " filtered" : "");
        break;
    case MIRROR_EV_OP:
        buf_printf(out, "%s %" PRIu64 "\n", ev->op == STORE_OP_ADD ? "ADD" : "DEL", ev->serial);
        buf_put(out, ev->text, ev->len);
        CU_ASSERT_EQUAL(strlen(ev->text), ev->len);
        break;
    case MIRROR_EV_END:
        buf_printf(out, "end source=%s\n", ev->source);
        break;
    case MIRROR_EV_REPLY:
        buf_printf(out, "reply %s: %.*s\n", mirror_reply_name(ev->reply), (int)ev->len, ev->text);
        break;
    }
    return 0;
}

static mirror_request_t request_of(const struct gcase *g)
{
    mirror_request_t r = { .source = g->source, .version = g->version,
                           .first = g->first, .persistent = g->persistent,
                           .max_line = g->max_line, .max_object = g->max_object };
    return r;
}

/* Parse @stream in chunks of @chunk bytes (0: one piece) into @out. */
static void parse_events(const struct gcase *g, const buf_t *stream,
                         size_t chunk, buf_t *out)
{
    mirror_request_t r = request_of(g);
    mirror_parser_t *p = mirror_parser_new(&r);
    err_t e = ERR_INIT;
    int rc = 0;
    if (chunk == 0) {
        rc = mirror_parser_feed(p, stream->s, stream->len, transcribe, out, &e);
    } else {
        for (size_t i = 0; rc == 0 && i < stream->len; i += chunk) {
            size_t n = stream->len - i < chunk ? stream->len - i : chunk;
            rc = mirror_parser_feed(p, stream->s + i, n, transcribe, out, &e);
        }
    }
    if (rc == 0)
        rc = mirror_parser_eof(p, transcribe, out, &e);
    if (rc)
        buf_printf(out, "refused (%s): %s\n", err_code_name(rc), err_text(&e));
    else
        buf_printf(out, "complete%s\n", mirror_parser_done(p) ? "" : " (open -k stream)");
    err_free(&e);
    mirror_parser_free(p);
}

/* ---- the session over a store ---------------------------------------- */

/** What set_before() writes: the objects of a "before" file. */
struct before {
    const buf_t *text;
    uint64_t serial;
};

static int before_unit(store_txn_t *txn, void *arg, err_t *err)
{
    const struct before *b = arg;
    int rc = store_source_add(txn, "MIRROR", err);
    if (rc == 0)
        rc = store_txn_source(txn, "MIRROR", err);
    size_t pos = 0;
    const char *p;
    size_t len;
    uint64_t n = 0;
    unsigned lineno = 1, pline;
    while (rc == 0 && b->text &&
           rpsl_next_paragraph(b->text->s, b->text->len, &pos, &lineno, 0, &p, &len, &pline)) {
        rpsl_obj_t *o = NULL;
        if (rpsl_parse(p, len, 1, 0, &o, NULL) != 0 || schema_classify(o, NULL) != 0) {
            rpsl_obj_free(o);
            return err_set(err, ERR_SYNTAX, "a before object does not parse");
        }
        rc = store_txn_next_serial(txn, ++n, err);
        if (rc == 0)
            rc = store_obj_put(txn, o, 1, NULL, err);
        rpsl_obj_free(o);
    }
    if (rc == 0)
        rc = store_source_serial_set(txn, b->serial, err);
    return rc;
}

static void on_batch(const mirror_batch_t *b, void *arg)
{
    buf_printf(arg, "batch %" PRIu64 "-%" PRIu64 " serial=%" PRIu64 " adds=%u dels=%u"
               " skipped=%u missing=%u unusable=%u\n", b->first, b->last, b->serial,
               b->adds, b->dels, b->skipped, b->missing, b->unusable);
}

static int dump_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    buf_printf(arg, "object %s %s\n", schema_class_name(cls), pkey);
    buf_put(arg, text, len);
    return 0;
}

static int dump_other(const char *cls_name, const char *key, const char *text, size_t len,
                      void *arg)
{
    buf_printf(arg, "other %s %s\n", cls_name, key);
    buf_put(arg, text, len);
    return 0;
}

/* Run a session over a new store for case @name; the transcript to @out. */
static void session_result(const char *name, const struct gcase *g,
                           const buf_t *before, const buf_t *stream,
                           size_t chunk, buf_t *out)
{
    char *dir = xasprintf("%s/%s-%zu", harness_tmpdir(), name, chunk);
    store_t *st = NULL;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(store_open_size(dir, 0, (size_t)8 << 20, &st, &e), 0);
    struct before b = { before->len ? before : NULL, g->serial };
    CU_ASSERT_EQUAL_FATAL(store_write(st, before_unit, &b, &e), 0);
    mirror_session_opts_t o = { .local = "mirror", .req = request_of(g),
                                .batch_size = 2, .lock_timeout = -1,
                                .on_batch = on_batch, .arg = out };
    mirror_session_t *s = NULL;
    CU_ASSERT_EQUAL_FATAL(mirror_session_new(st, &o, &s, &e), 0);
    int rc = 0;
    size_t step = chunk ? chunk : (stream->len ? stream->len : 1);
    for (size_t i = 0; rc == 0 && i < stream->len; i += step) {
        size_t n = stream->len - i < step ? stream->len - i : step;
        /* no mirror_session_idle() between the pieces: with -k it
         * commits what came so far, so the batches would follow the
         * pieces; here they follow batch_size (2) and the stream alone */
        rc = mirror_session_feed(s, stream->s + i, n, &e);
    }
    if (rc == 0)
        rc = mirror_session_eof(s, &e);
    const char *reply = NULL;
    int r = mirror_session_reply(s, &reply);
    if (r)
        buf_printf(out, "reply %s: %s\n", mirror_reply_name(r), reply);
    if (rc)
        buf_printf(out, "refused (%s): %s\n", err_code_name(rc), err_text(&e));
    else
        buf_puts(out, "complete\n");
    uint64_t applied, discarded;
    mirror_session_counts(s, &applied, &discarded);
    buf_printf(out, "applied=%" PRIu64 " discarded=%" PRIu64 "\n", applied, discarded);
    mirror_session_free(s);
    uint64_t serial = 0;
    CU_ASSERT_EQUAL(mirror_source_serial(st, "MIRROR", 0, &serial, &e), 0);
    buf_printf(out, "serial %" PRIu64 "\n", serial);
    store_txn_t *txn = NULL;
    CU_ASSERT_EQUAL_FATAL(store_read_begin(st, &txn, &e), 0);
    CU_ASSERT_EQUAL(store_txn_source(txn, "mirror", &e), 0);
    store_each(txn, -1, dump_hit, out, &e);
    store_other_each(txn, dump_other, out, &e);
    store_read_end(txn);
    store_close(st);
    err_free(&e);
    free(dir);
}

/* Compare @got with the file @want; on a mismatch keep @got and say where. */
static int same_as(const char *name, const char *what, const buf_t *got,
                   const char *want_path)
{
    buf_t want;
    buf_init(&want);
    int ok = harness_read_file(want_path, &want) == 0 && want.len == got->len &&
             memcmp(want.s, got->s, got->len) == 0;
    if (!ok) {
        char *path = xasprintf("%s/%s.%s", harness_tmpdir(), name, what);
        FILE *fp = fopen(path, "w");
        if (fp) {
            fwrite(got->s, 1, got->len, fp);
            fclose(fp);
        }
        fprintf(stderr, "\nnrtm-client/%s: %s differs from %s, see %s\n", name, what,
                want_path, path);
        free(path);
    }
    buf_free(&want);
    return ok;
}

static void test_golden_events(void)
{
    char *dir = xasprintf("%s/tests/nrtm-client", harness_srcdir());
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    unsigned cases = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *req = xasprintf("%s/%s/request", dir, de->d_name);
        char *str = xasprintf("%s/%s/stream", dir, de->d_name);
        char *evs = xasprintf("%s/%s/events", dir, de->d_name);
        struct gcase g;
        buf_t stream, whole, bytes, sevens;
        buf_init(&stream);
        buf_init(&whole);
        buf_init(&bytes);
        buf_init(&sevens);
        CU_ASSERT_EQUAL(read_request(req, &g), 0);
        CU_ASSERT_EQUAL(harness_read_file(str, &stream), 0);
        parse_events(&g, &stream, 0, &whole);
        parse_events(&g, &stream, 1, &bytes);
        parse_events(&g, &stream, 7, &sevens);
        CU_ASSERT(same_as(de->d_name, "events", &whole, evs));
        CU_ASSERT(same_as(de->d_name, "events-bytewise", &bytes, evs));
        CU_ASSERT(same_as(de->d_name, "events-7", &sevens, evs));
        /* the session over a store, in one piece, 7 bytes, bytewise */
        char *bef = xasprintf("%s/%s/before", dir, de->d_name);
        char *res = xasprintf("%s/%s/result", dir, de->d_name);
        buf_t before;
        buf_init(&before);
        (void)harness_read_file(bef, &before);
        size_t chunks[] = { 0, 7, 1 };
        for (size_t k = 0; k < 3; k++) {
            buf_t r;
            buf_init(&r);
            session_result(de->d_name, &g, &before, &stream, chunks[k], &r);
            char *what = xasprintf("result-%zu", chunks[k]);
            CU_ASSERT(same_as(de->d_name, what, &r, res));
            free(what);
            buf_free(&r);
        }
        buf_free(&before);
        free(bef);
        free(res);
        cases++;
        buf_free(&stream);
        buf_free(&whole);
        buf_free(&bytes);
        buf_free(&sevens);
        free(req);
        free(str);
        free(evs);
    }
    closedir(d);
    CU_ASSERT(cases >= 40);
    free(dir);
}

/* After a refusal every call fails the same way; a reply ends parsing. */
/* A malicious upstream sends objects just below mirror_max_object_size,
 * many of them, never fewer than batch_size: what the session holds
 * uncommitted stays bounded in bytes too (a commit comes before the
 * stream ends), and the whole stream is applied. */
static void test_pending_bytes_bounded(void)
{
    char *dir = xasprintf("%s/pending-bytes", harness_tmpdir());
    store_t *st = NULL;
    err_t e = ERR_INIT;
    buf_t log, obj, stream;
    buf_init(&log);
    buf_init(&obj);
    buf_init(&stream);
    CU_ASSERT_EQUAL_FATAL(store_open_size(dir, 0, (size_t)512 << 20, &st, &e), 0);
    uint64_t serial = 0;
    CU_ASSERT_EQUAL_FATAL(mirror_source_serial(st, "MIRROR", 1, &serial, &e), 0);
    mirror_session_opts_t o = {
        .local = "mirror",
        .req = { .source = "TEST", .version = 3, .first = 1,
                 .max_line = (size_t)64 << 10, .max_object = (size_t)16 << 20 },
        .batch_size = 10000, .lock_timeout = -1, .on_batch = on_batch, .arg = &log };
    mirror_session_t *s = NULL;
    CU_ASSERT_EQUAL_FATAL(mirror_session_new(st, &o, &s, &e), 0);
    /* an as-set of 3 MiB: 48 remarks lines of 64,000 bytes */
    char *line = xmalloc(64001);
    memset(line, 'x', 64000);
    line[64000] = 0;
    const unsigned nobj = 40;
    buf_printf(&stream, "%%START Version: 3 TEST 1-%u\n\n", nobj);
    CU_ASSERT_EQUAL(mirror_session_feed(s, stream.s, stream.len, &e), 0);
    for (unsigned i = 1; i <= nobj && e.code == 0; i++) {
        buf_reset(&obj);
        buf_printf(&obj, "ADD %u\n\nas-set: AS-BIG%u\n", i, i);
        for (int k = 0; k < 48; k++)
            buf_printf(&obj, "remarks: %s\n", line);
        buf_printf(&obj, "mnt-by: UP-MNT\nsource: TEST\n\n");
        CU_ASSERT_EQUAL(mirror_session_feed(s, obj.s, obj.len, &e), 0);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(log.s ? log.s : "", "batch 1-"));
    const char *end = "%END TEST\n";
    CU_ASSERT_EQUAL(mirror_session_feed(s, end, strlen(end), &e), 0);
    CU_ASSERT_EQUAL(mirror_session_eof(s, &e), 0);
    uint64_t applied = 0;
    mirror_session_counts(s, &applied, NULL);
    CU_ASSERT_EQUAL(applied, nobj);
    mirror_session_free(s);
    CU_ASSERT_EQUAL(mirror_source_serial(st, "MIRROR", 0, &serial, &e), 0);
    CU_ASSERT_EQUAL(serial, nobj);
    free(line);
    buf_free(&log);
    buf_free(&obj);
    buf_free(&stream);
    store_close(st);
    err_free(&e);
    free(dir);
}

static void test_parser_sticky(void)
{
    mirror_request_t r = { .source = "TEST", .version = 3, .first = 1 };
    mirror_parser_t *p = mirror_parser_new(&r);
    err_t e = ERR_INIT;
    buf_t out;
    buf_init(&out);
    CU_ASSERT_EQUAL(mirror_parser_feed(p, "garbage\n", 8, transcribe, &out, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(mirror_parser_feed(p, "%START Version: 3 TEST 1-1\n", 27,
                                       transcribe, &out, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(mirror_parser_eof(p, transcribe, &out, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(out.len, 0);
    mirror_parser_free(p);
    /* nothing at all: not complete */
    p = mirror_parser_new(&r);
    CU_ASSERT_EQUAL(mirror_parser_eof(p, transcribe, &out, &e), ERR_SYNTAX);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "before %START"));
    mirror_parser_free(p);
    /* a reply without LF at EOF still counts */
    p = mirror_parser_new(&r);
    CU_ASSERT_EQUAL(mirror_parser_feed(p, "%ERROR:403: unknown source TEST", 31,
                                       transcribe, &out, &e), 0);
    CU_ASSERT_EQUAL(mirror_parser_eof(p, transcribe, &out, &e), 0);
    CU_ASSERT_STRING_EQUAL(out.s, "reply config: %ERROR:403: unknown source TEST\n");
    mirror_parser_free(p);
    buf_free(&out);
    err_free(&e);
}

void suite_mirror(void);
void suite_mirror(void)
{
    CU_pSuite s = harness_suite("mirror");
    HARNESS_ADD(s, test_golden_events);
    HARNESS_ADD(s, test_parser_sticky);
    HARNESS_ADD(s, test_pending_bytes_bounded);
}
