/*
 * fuzz_update.c - libFuzzer harness of the update-text splitter.
 *
 * Input format: the first line (up to the first '\n') is the Subject;
 * the rest is the update text, cut into pieces at lines holding only the
 * byte 0x1E (record separator), at most MAX_PIECES pieces.  Every other
 * piece comes with credentials (a password and a PGP signature), as a
 * signed part would.
 *
 * Checked after upd_split(): every paragraph belongs to an existing
 * piece and points at that piece's credentials; no pseudo-attribute line
 * (password:, dry-run:, override:; delete: only in a paragraph that is
 * no object) and no empty line is left in
 * a paragraph's text, nor a line of only white space at its start or end
 * (inside an object such a line is a continuation line); objects are classified and survive the print/parse
 * round trip; a piece keeps the credentials it came with (passwords found
 * in the text are added); the keyword agrees with the subject.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "rpsl/schema.h"
#include "registry/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PIECES 16

static const char *const pseudo[] = { "password:", "delete:", "dry-run:", "override:" };

/* @has_nul: the input holds a NUL byte, which cuts the C string short;
 * @object: the paragraph is an object (a paragraph that is none is
 * listed with its delete: lines, as RIPE lists it). */
static void check_para_text(const char *t, int has_nul, int object)
{
    FZ_CHECK(t[0] != 0 || has_nul);
    const char *p = t;
    while (*p) {
        const char *e = strchr(p, '\n');
        if (e == NULL && has_nul)
            break;
        FZ_CHECK(e != NULL);            /* every line ends in '\n' */
        int blank = 1;
        for (const char *q = p; q < e; q++)
            if (!isspace((unsigned char)*q))
                blank = 0;
        /* an empty line always ends a paragraph; a line of only spaces
         * or tabs inside an object is a continuation line (RIPE's "+"),
         * never its first or last line */
        FZ_CHECK(e > p);
        FZ_CHECK(!blank || (p > t && (e[1] != 0 || has_nul)));
        for (size_t i = 0; i < sizeof pseudo / sizeof *pseudo; i++)
            FZ_CHECK(strncasecmp(p, pseudo[i], strlen(pseudo[i])) != 0 ||
                     (!object && strcmp(pseudo[i], "delete:") == 0));
        p = e + 1;
    }
}

static int subject_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size);
    size_t slen = nl ? (size_t)(nl - in) : size;
    char *subject = malloc(slen + 1);
    FZ_CHECK(subject != NULL);
    memcpy(subject, in, slen);
    subject[slen] = 0;
    const char *body = nl ? nl + 1 : in + size;
    size_t blen = (size_t)(in + size - body);

    /* Each piece is its own exact-size allocation (ASan sees overreads). */
    upd_piece_t pieces[MAX_PIECES];
    char *copies[MAX_PIECES];
    cred_list_t creds[MAX_PIECES];
    size_t n = 0;
    const char *p = body, *end = body + blen;
    while (n < MAX_PIECES) {
        const char *cut = NULL, *next = end;
        if (n + 1 < MAX_PIECES)
            for (const char *q = p; q + 2 <= end; q++)
                if (q[0] == '\x1e' && (q + 1 == end || q[1] == '\n') &&
                    (q == p || q[-1] == '\n')) {
                    cut = q;
                    next = q + 1 < end ? q + 2 : end;
                    break;
                }
        const char *pe = cut ? cut : end;
        size_t len = (size_t)(pe - p);
        copies[n] = malloc(len ? len : 1);
        FZ_CHECK(copies[n] != NULL);
        if (len)
            memcpy(copies[n], p, len);
        cred_list_init(&creds[n]);
        if (n % 2 == 1) {
            cred_add_password(&creds[n], "fuzz-secret", 11);
            cred_add_pgp(&creds[n], "0123456789abcdef0123456789ABCDEF01234567",
                         CRED_PGP_GOOD, 1700000000, "00ff");
        }
        pieces[n].text = copies[n];
        pieces[n].len = len;
        pieces[n].creds = n % 2 == 1 ? &creds[n] : NULL;
        n++;
        if (cut == NULL)
            break;
        p = next;
    }

    upd_msg_t *m = NULL;
    err_t err = ERR_INIT;
    /* Odd-length inputs go through with no subject at all. */
    FZ_CHECK(upd_split(pieces, n, size % 2 ? NULL : subject, &m, &err) == 0);
    FZ_CHECK(m != NULL && m->npieces == n);
    if (size % 2 || subject_blank(subject))
        FZ_CHECK(m->keyword == UPD_KW_NONE);
    FZ_CHECK(m->keyword >= UPD_KW_NONE && m->keyword <= UPD_KW_INVALID);
    FZ_CHECK(m->dry_run == 0 || m->dry_run == 1);
    fz_check_diags(&m->global, NULL);
    int has_nul = memchr(body, 0, blen) != NULL;
    for (size_t i = 0; i < n; i++) {
        size_t pw = cred_count(&m->creds[i], CRED_PASSWORD);
        size_t pg = cred_count(&m->creds[i], CRED_PGP);
        FZ_CHECK(pg == (i % 2 == 1 ? 1u : 0u));
        FZ_CHECK(pw >= (i % 2 == 1 ? 1u : 0u));
        for (size_t k = 0; k < m->creds[i].n; k++)
            if (m->creds[i].v[k].kind == CRED_PASSWORD)
                FZ_CHECK(m->creds[i].v[k].password != NULL &&
                         (m->creds[i].v[k].password[0] != 0 || has_nul));
    }
    size_t nobj = 0, last_piece = 0;
    for (size_t i = 0; i < m->nparas; i++) {
        const upd_para_t *pa = &m->paras[i];
        FZ_CHECK(pa->piece < n && pa->piece >= last_piece);
        last_piece = pa->piece;
        FZ_CHECK(pa->creds == &m->creds[pa->piece]);
        FZ_CHECK(pa->text != NULL);
        check_para_text(pa->text, has_nul, pa->obj != NULL);
        FZ_CHECK((pa->ndelete == 0) == (pa->delete_reason == NULL));
        if (pa->obj) {
            nobj++;
            FZ_CHECK(pa->obj->cls >= 0 && pa->obj->cls < SC__COUNT);
            fz_check_obj(pa->obj, !has_nul);
            fz_check_diags(&pa->diags, pa->obj);
            fz_roundtrip(pa->obj, RPSL_PRINT_RAW, !has_nul);
        } else {
            FZ_CHECK(pa->diags.n == 0);
        }
    }
    FZ_CHECK(upd_object_count(m) == nobj);

    upd_msg_free(m);
    err_free(&err);
    for (size_t i = 0; i < n; i++) {
        cred_list_free(&creds[i]);
        free(copies[i]);
    }
    free(subject);
    return 0;
}
