/*
 * fuzz_pgpkey.c - libFuzzer harness of pgp_armored_fprs(), the OpenPGP
 * packet walk that reads a key-cert's own key fingerprints (issue 10).
 *
 * The input is taken twice: as armored text as it is, and as binary
 * packets wrapped in an armor block here (base64), so that mutations
 * reach the packet headers and lengths.  The result must be 0 or
 * ERR_SYNTAX, and every fingerprint 40 upper-case hex digits.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <glib.h>
#pragma GCC diagnostic pop

#include "util/buf.h"
#include "util/err.h"
#include "fuzz_common.h"
#include "registry/pgp.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text, size_t len)
{
    strv_t f = STRV_INIT;
    err_t e = ERR_INIT;
    int rc = pgp_armored_fprs(text, len, &f, &e);
    FZ_CHECK(rc == 0 || rc == ERR_SYNTAX);
    for (size_t i = 0; i < f.n; i++) {
        FZ_CHECK(strlen(f.v[i]) == 40);
        for (size_t k = 0; k < 40; k++)
            FZ_CHECK(isxdigit((unsigned char)f.v[i][k]) && !islower((unsigned char)f.v[i][k]));
    }
    strv_free(&f);
    err_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *)data, size);
    gchar *b64 = g_base64_encode(data, size);
    buf_t a;
    buf_init(&a);
    buf_puts(&a, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n");
    buf_puts(&a, b64);
    buf_puts(&a, "\n-----END PGP PUBLIC KEY BLOCK-----\n");
    check(a.s, a.len);
    buf_free(&a);
    g_free(b64);
    return 0;
}
