/*
 * fuzz_common.h - shared checks of the libFuzzer harnesses in tests/fuzz/.
 *
 * Each harness (fuzz_mailin.c, fuzz_rpsl.c, fuzz_update.c, ...) is linked with
 * fuzz_common.c.  A violated property is reported on stderr and abort()s,
 * which libFuzzer records as a crash (the input is saved as an artifact).
 */
#ifndef AUTODBM_FUZZ_COMMON_H
#define AUTODBM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "rpsl/rpsl.h"
#include "store/store.h"

/** Abort with a message naming the violated property. */
#define FZ_CHECK(cond)                                                      \
    do {                                                                    \
        if (!(cond))                                                        \
            fz_fail(__FILE__, __LINE__, #cond);                             \
    } while (0)

_Noreturn void fz_fail(const char *file, int line, const char *what);

/*
 * @exact: the text the object came from had no NUL byte.  The object
 * model is C strings, so a NUL cuts a line's text or comment short where
 * it stands (after trimming); such objects get only the structural checks
 * and are printed and parsed back without comparing the results.
 */

/**
 * Lexical invariants of a parsed object: at least one attribute, names
 * non-empty and lower-case, values folded (no leading, trailing or
 * doubled blanks, no tab or newline), line texts trimmed and free of
 * '#' and newlines.
 */
void fz_check_obj(const rpsl_obj_t *o, int exact);

/**
 * The print/parse round trip: print @o with @flags, parse the text again
 * (it must be one object without diagnostics), compare attribute names,
 * values, lines and comments (values only where @flags keep them:
 * not with RPSL_PRINT_FILTER_AUTH), and print the copy again: both
 * prints must be the same bytes.
 */
void fz_roundtrip(const rpsl_obj_t *o, unsigned flags, int exact);

/** Every diagnostic names an attribute of @o (or the object) and has text. */
void fz_check_diags(const diag_list_t *d, const rpsl_obj_t *o);

/**
 * A store of the objects of the RPSL text @registry (@len bytes), in a
 * temporary directory whose files are removed at once (the environment
 * stays mapped until the process ends); for harnesses that query a store.
 * Aborts when the text does not load.
 */
store_t *fz_store(const char *registry, size_t len);

/** Two objects have the same attributes, lines and comments. */
void fz_check_same(const rpsl_obj_t *a, const rpsl_obj_t *b, int comments);

#endif
