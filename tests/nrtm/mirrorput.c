/*
 * mirrorput.c - write a mirrored source's journal as autodbm-mirror
 * would (test tool only; tests/cmd/nrtm_server.sh): one object, put or
 * deleted, with the origin's serial.
 *
 *   mirrorput DBDIR SOURCE SERIAL add|del FILE
 *
 * Creates mirrored source SOURCE if needed (store_source_add), selects
 * it, and puts the object of FILE (add) or deletes the object of its
 * class and primary key (del) with journal serial SERIAL
 * (store_txn_next_serial), then records SERIAL as the serial the source
 * is up to.  An object of a class the schema does not know is put
 * unclassified, and deleted by its "CLASS:VALUE" (store_other_pkey).  Exit 0; 1 on failure (the message on
 * standard error); 2 for usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "store/store.h"

struct job {
    const char *source;
    uint64_t serial;
    int del;
    const rpsl_obj_t *obj;
};

static int unit(store_txn_t *t, void *arg, err_t *err)
{
    const struct job *j = arg;
    int rc = store_source_add(t, j->source, err);
    if (rc == 0)
        rc = store_txn_source(t, j->source, err);
    if (rc == 0)
        rc = store_txn_next_serial(t, j->serial, err);
    if (rc == 0 && j->del) {
        buf_t k;
        buf_init(&k);
        /* an unclassified object's key: CLASS:VALUE */
        if (j->obj->cls < 0)
            store_other_pkey(j->obj, &k);
        else
            schema_pkey(j->obj, &k);
        rc = store_obj_del(t, j->obj->cls, k.s, time(NULL), NULL, err);
        buf_free(&k);
    } else if (rc == 0) {
        rc = store_obj_put(t, j->obj, time(NULL), NULL, err);
    }
    if (rc == 0)
        rc = store_source_serial_set(t, j->serial, err);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6 || (strcmp(argv[4], "add") != 0 && strcmp(argv[4], "del") != 0)) {
        fprintf(stderr, "usage: mirrorput DBDIR SOURCE SERIAL add|del FILE\n");
        return 2;
    }
    buf_t text;
    buf_init(&text);
    FILE *f = fopen(argv[5], "r");
    char b[4096];
    size_t n;
    while (f && (n = fread(b, 1, sizeof b, f)) > 0)
        buf_put(&text, b, n);
    if (f)
        fclose(f);
    rpsl_obj_t *o = NULL;
    if (rpsl_parse(text.s, text.len, 1, 0, &o, NULL) != 0 || o == NULL) {
        fprintf(stderr, "mirrorput: %s: not an object\n", argv[5]);
        return 1;
    }
    /* a class the schema does not know (a mirrored registry's own) is put
     * unclassified, as a non-strict mirror keeps it (store_other_get) */
    (void) schema_classify(o, NULL);
    struct job j = { argv[2], strtoull(argv[3], NULL, 10),
                     strcmp(argv[4], "del") == 0, o };
    store_t *st = NULL;
    err_t err = ERR_INIT;
    int rc = store_open(argv[1], 0, &st, &err);
    if (rc == 0)
        rc = store_write(st, unit, &j, &err);
    if (rc)
        fprintf(stderr, "mirrorput: %s\n", err_text(&err));
    store_close(st);
    rpsl_obj_free(o);
    buf_free(&text);
    err_free(&err);
    return rc ? 1 : 0;
}
