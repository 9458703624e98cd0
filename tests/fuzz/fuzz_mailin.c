/*
 * fuzz_mailin.c - libFuzzer harness of the MIME extraction.
 *
 * The input is a raw mail.  mailin_parse() must either refuse it
 * (ERR_SYNTAX, no message) or return a message whose pieces are
 * NUL-terminated text and whose strings are set as mailin.h promises;
 * the pieces then go through the update splitter with the mail's
 * subject, as the robot does.  GMime is set up once in
 * LLVMFuzzerInitialize().  By default no GnuPG home is given (gnupg_home
 * NULL: signatures are not checked and gpg never runs); with
 * AUTODBM_FUZZ_GNUPG_HOME set to a directory, signed mails are verified
 * against that home (much slower: GPGME runs gpg).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "robot/mailin.h"
#include "registry/update.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Set once in LLVMFuzzerInitialize(), read-only afterwards. */
static const char *gnupg_home;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mailin_init();
    const char *h = getenv("AUTODBM_FUZZ_GNUPG_HOME");
    gnupg_home = h && *h ? h : NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mailin_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.now = 1700000000;          /* a fixed clock: runs are repeatable */
    opts.gnupg_home = gnupg_home;

    mailin_msg_t *m = NULL;
    err_t err = ERR_INIT;
    int rc = mailin_parse((const char *)data, size, &opts, &m, &err);
    if (rc != 0) {
        FZ_CHECK(m == NULL);
        FZ_CHECK(rc == ERR_SYNTAX || rc == ERR_NOMEM);
        FZ_CHECK(err_text(&err) != NULL);
        err_free(&err);
        return 0;
    }
    FZ_CHECK(m != NULL);
    FZ_CHECK(m->subject != NULL);
    FZ_CHECK(m->reply_addr == NULL || m->reply_addr[0] != 0);
    FZ_CHECK(m->is_bounce == 0 || m->is_bounce == 1);
    FZ_CHECK(m->npieces == 0 || m->pieces != NULL);
    /* A mail without text explains why. */
    if (m->npieces == 0)
        FZ_CHECK(diag_count(&m->diags, DIAG_ERROR) > 0);
    fz_check_diags(&m->diags, NULL);

    upd_piece_t *pc = calloc(m->npieces ? m->npieces : 1, sizeof *pc);
    FZ_CHECK(pc != NULL);
    for (size_t i = 0; i < m->npieces; i++) {
        const mailin_piece_t *p = &m->pieces[i];
        FZ_CHECK(p->text != NULL && p->text[p->len] == 0);
        pc[i].text = p->text;
        pc[i].len = p->len;
        pc[i].creds = &p->creds;
    }
    upd_msg_t *u = NULL;
    FZ_CHECK(upd_split(pc, m->npieces, m->subject, &u, &err) == 0);
    FZ_CHECK(u != NULL && u->npieces == m->npieces);
    for (size_t i = 0; i < u->nparas; i++) {
        FZ_CHECK(u->paras[i].text != NULL && u->paras[i].creds != NULL);
        if (u->paras[i].obj) {
            const mailin_piece_t *p = &m->pieces[u->paras[i].piece];
            int exact = memchr(p->text, 0, p->len) == NULL;
            fz_roundtrip(u->paras[i].obj, RPSL_PRINT_RAW, exact);
        }
    }
    upd_msg_free(u);
    free(pc);
    mailin_free(m);
    err_free(&err);
    return 0;
}
