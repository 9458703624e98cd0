/*
 * mirrorstate.c - print what a mirrored source of a store holds (test
 * tool only; tests/cmd/mirror_fake.sh, tests/cmd/mirror.sh and
 * tests/bench/mirror.sh compare it).
 *
 *   mirrorstate [-t] DBDIR SOURCE
 *       "serial N" (the serial the source is up to), "objects N", then
 *       one line "CLASS KEY" per object in key order (-t: each object's
 *       text after its line).
 *   mirrorstate -j DBDIR SOURCE
 *       the source's journal: one line "ADD N" or "DEL N" per entry, in
 *       serial order (what an NRTM v3 stream of it would say).
 * Exit 0; 1 when the store or the source cannot be read; 2 for usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "registry/mirror.h"
#include "rpsl/schema.h"
#include "store/journal.h"
#include "store/store.h"

static int show(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    const int *with_text = arg;
    printf("%s %s\n", schema_class_name(cls), pkey);
    if (*with_text)
        fwrite(text, 1, len, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    int with_text = 0, journal = 0, a = 1;
    if (argc > 1 && strcmp(argv[1], "-t") == 0) {
        with_text = 1;
        a++;
    } else if (argc > 1 && strcmp(argv[1], "-j") == 0) {
        journal = 1;
        a++;
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: mirrorstate [-t|-j] DBDIR SOURCE\n");
        return 2;
    }
    store_t *st = NULL;
    store_txn_t *txn = NULL;
    err_t e = ERR_INIT;
    uint64_t serial = 0;
    int rc = store_open(argv[a], STORE_RDONLY, &st, &e);
    if (rc == 0)
        rc = mirror_source_serial(st, argv[a + 1], 0, &serial, &e);
    if (rc == 0)
        rc = store_read_begin(st, &txn, &e);
    if (rc == 0)
        rc = store_txn_source(txn, argv[a + 1], &e);
    if (rc == 0 && journal) {
        store_journal_it_t *it = NULL;
        store_journal_t je;
        rc = store_journal_open(txn, 0, &it, &e);
        while (rc == 0 && (rc = store_journal_next(it, &je, &e)) == 0)
            printf("%s %" PRIu64 "\n", je.op == STORE_OP_ADD ? "ADD" : "DEL", je.serial);
        if (rc == ERR_NOTFOUND)
            rc = 0;
        store_journal_close(it);
    } else if (rc == 0) {
        printf("serial %" PRIu64 "\nobjects %zu\n", serial, store_count(txn, -1));
        rc = store_each(txn, -1, show, &with_text, &e);
    }
    if (rc)
        fprintf(stderr, "mirrorstate: %s\n", err_text(&e));
    store_read_end(txn);
    store_close(st);
    err_free(&e);
    return rc ? 1 : 0;
}
