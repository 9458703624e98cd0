/*
 * test_update.c - splitting update text: paragraphs, pseudo-attributes,
 * passwords per piece, keywords.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "harness.h"
#include "registry/update.h"

static upd_msg_t *split1(const char *text, const char *subject)
{
    upd_piece_t p = { text, strlen(text), NULL };
    upd_msg_t *m = NULL;
    CU_ASSERT_EQUAL(upd_split(&p, 1, subject, &m, NULL), 0);
    return m;
}

static void test_paragraphs(void)
{
    upd_msg_t *m = split1("password: secret1\n\n"
                          "person: A B\nnic-hdl: AB1-TEST\npassword: secret2\nsource: TEST\n"
                          "\n \n"
                          "hello there, this is not an object\n\n"
                          "mntner: X-MNT\ndelete: no longer used\nsource: TEST\n", "");
    CU_ASSERT_EQUAL_FATAL(m->nparas, 3);
    CU_ASSERT_PTR_NOT_NULL(m->paras[0].obj);
    CU_ASSERT_EQUAL(m->paras[0].obj->nattrs, 3);      /* password line removed */
    CU_ASSERT_PTR_NULL(strstr(m->paras[0].text, "secret"));
    CU_ASSERT_PTR_NULL(m->paras[1].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[1].text, "hello there, this is not an object\n");
    CU_ASSERT_PTR_NOT_NULL(m->paras[2].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[2].delete_reason, "no longer used");
    CU_ASSERT_EQUAL(m->paras[2].ndelete, 1);
    /* both passwords belong to the piece, and every paragraph of it sees them */
    CU_ASSERT_EQUAL(cred_count(m->paras[0].creds, CRED_PASSWORD), 2);
    CU_ASSERT_EQUAL(cred_count(m->paras[2].creds, CRED_PASSWORD), 2);
    CU_ASSERT_EQUAL(upd_object_count(m), 2);
    CU_ASSERT_EQUAL(m->keyword, UPD_KW_NONE);
    CU_ASSERT_EQUAL(m->dry_run, 0);
    upd_msg_free(m);
}

/* Mistyped "password:" lines (update.h): removed, counted, no credential;
 * everything else stays. */
static void test_blank_lines_and_strays(void)
{
    upd_msg_t *m = split1("person: A B\naddress: x\n \t\naddress: y\nsource: TEST\n  \n\n"
                          "person: Lonely\n\n"
                          "delete: why\npassword: pw\n\n"
                          "person: C D\nsource: TEST\nstray line\n", "");
    CU_ASSERT_EQUAL_FATAL(m->nparas, 5);
    /* the line of blanks continues address: x; the trailing one is gone */
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->paras[0].obj);
    CU_ASSERT_EQUAL(m->paras[0].obj->nattrs, 4);
    CU_ASSERT_EQUAL(m->paras[0].obj->attrs[1].nlines, 2);
    CU_ASSERT_STRING_EQUAL(m->paras[0].text,
                           "person: A B\naddress: x\n \t\naddress: y\nsource: TEST\n");
    /* a class line alone, and delete: alone, are no objects */
    CU_ASSERT_PTR_NULL(m->paras[1].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[1].text, "person: Lonely\n");
    CU_ASSERT_PTR_NULL(m->paras[2].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[2].text, "delete: why\n");
    /* stray lines after an object: a paragraph of their own */
    CU_ASSERT_PTR_NOT_NULL(m->paras[3].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[3].text, "person: C D\nsource: TEST\n");
    CU_ASSERT_PTR_NULL(m->paras[4].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[4].text, "stray line\n");
    CU_ASSERT_EQUAL(upd_object_count(m), 2);
    upd_msg_free(m);

    /* lines of white space between an object and stray lines belong to
     * neither (found by fuzz_update) */
    m = split1("person: C D\nsource: TEST\n\t\t\n \nstray line\n\t*\n", "");
    CU_ASSERT_EQUAL_FATAL(m->nparas, 2);
    CU_ASSERT_PTR_NOT_NULL(m->paras[0].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[0].text, "person: C D\nsource: TEST\n");
    CU_ASSERT_PTR_NULL(m->paras[1].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[1].text, "stray line\n\t*\n");
    upd_msg_free(m);

    /* spaces after text that is no object still end it */
    m = split1("Dear robot,\n  \nperson: C D\nsource: TEST\n", "");
    CU_ASSERT_EQUAL(m->nparas, 2);
    CU_ASSERT_EQUAL(upd_object_count(m), 1);
    upd_msg_free(m);

    /* a form feed line still separates paragraphs */
    m = split1("person: A B\nsource: TEST\n\f\nperson: C D\nsource: TEST\n", "");
    CU_ASSERT_EQUAL(m->nparas, 2);
    CU_ASSERT_EQUAL(upd_object_count(m), 2);
    upd_msg_free(m);

    /* "override :" is no attribute "override " echoed with its secret */
    m = split1("person: A B\noverride :  u,ov-secret\nsource: TEST\n", "");
    CU_ASSERT_EQUAL_FATAL(m->nparas, 1);
    CU_ASSERT_PTR_NULL(strstr(m->paras[0].text, "ov-secret"));
    CU_ASSERT_PTR_NULL(m->paras[0].override);
    CU_ASSERT_EQUAL(m->nmistyped_override, 1);
    upd_msg_free(m);
}

static void test_mistyped_passwords(void)
{
    static const char *const mistyped[] = {
        "password :", "PASSWORD\t:", " password:", "\tPassword:", "pasword:", "Pasword:",
        "passwd:", "PASSWD :", "passw0rd:", "paswsord:", "passwords:", "pass:", "paswd:",
        "p\xd0\xb0ssword:",         /* a Cyrillic a */
    };
    static const char *const kept[] = {
        "address:", "passage:", "keyword:", "pwd:", "passwordxyz:", "passwxyz:", "pa:", "descr: password: x",
        "password", "pasword x",
    };
    for (size_t i = 0; i < sizeof mistyped / sizeof *mistyped; i++) {
        char *t = xasprintf("person: A\n%s s3cret\nnic-hdl: A1-TEST\n", mistyped[i]);
        upd_msg_t *m = split1(t, "");
        CU_ASSERT_EQUAL_FATAL(m->nparas, 1);
        if (m->nmistyped != 1 || strstr(m->paras[0].text, "s3cret"))
            CU_FAIL(mistyped[i]);
        CU_ASSERT_EQUAL(cred_count(m->paras[0].creds, CRED_PASSWORD), 0);
        CU_ASSERT_EQUAL(diag_count(&m->global, DIAG_WARNING), 1);
        upd_msg_free(m);
        free(t);
    }
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        char *t = xasprintf("person: A\n%s s3cret\nnic-hdl: A1-TEST\n", kept[i]);
        upd_msg_t *m = split1(t, "");
        CU_ASSERT_EQUAL_FATAL(m->nparas, 1);
        if (m->nmistyped != 0 || !strstr(m->paras[0].text, "s3cret"))
            CU_FAIL(kept[i]);
        CU_ASSERT_EQUAL(diag_count(&m->global, DIAG_WARNING), 0);
        upd_msg_free(m);
        free(t);
    }
    /* the pseudo-attribute itself, in any case, is a password */
    upd_msg_t *m = split1("person: A\nPassWord: s3cret\nnic-hdl: A1-TEST\n", "");
    CU_ASSERT_EQUAL(m->nmistyped, 0);
    CU_ASSERT_EQUAL(cred_count(m->paras[0].creds, CRED_PASSWORD), 1);
    upd_msg_free(m);
}

static void test_pieces_keep_their_passwords(void)
{
    const char *a = "password: one\n\nperson: A\nnic-hdl: A1-TEST\n";
    const char *b = "person: B\nnic-hdl: B1-TEST\n";
    cred_list_t pgp = CRED_LIST_INIT;
    cred_add_pgp(&pgp, "0123456789ABCDEF0123456789ABCDEF01234567", CRED_PGP_GOOD, 0, NULL);
    upd_piece_t p[2] = { { a, strlen(a), NULL }, { b, strlen(b), &pgp } };
    upd_msg_t *m = NULL;
    CU_ASSERT_EQUAL_FATAL(upd_split(p, 2, NULL, &m, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(m->nparas, 2);
    CU_ASSERT_EQUAL(cred_count(m->paras[0].creds, CRED_PASSWORD), 1);
    CU_ASSERT_EQUAL(cred_count(m->paras[0].creds, CRED_PGP), 0);
    CU_ASSERT_EQUAL(cred_count(m->paras[1].creds, CRED_PASSWORD), 0);
    CU_ASSERT_EQUAL(cred_count(m->paras[1].creds, CRED_PGP), 1);
    upd_msg_free(m);
    cred_list_free(&pgp);
}

static void test_pseudo(void)
{
    upd_msg_t *m = split1("dry-run:\nperson: A\nnic-hdl: A1-TEST\ndelete: x\ndelete: y\n"
                          "override: admin,pw,reason\n\noverride: lonely\n", "NEW");
    CU_ASSERT_EQUAL(m->dry_run, 1);
    CU_ASSERT_EQUAL_FATAL(m->nparas, 1);
    CU_ASSERT_EQUAL(m->paras[0].ndelete, 2);
    CU_ASSERT_STRING_EQUAL(m->paras[0].override, "admin,pw,reason");
    CU_ASSERT_EQUAL(m->keyword, UPD_KW_NEW);
    CU_ASSERT_EQUAL(diag_count(&m->global, DIAG_WARNING), 1);   /* the lonely override */
    upd_msg_free(m);
}

static void test_keywords(void)
{
    static const struct { const char *s; enum upd_keyword k; size_t warnings; } t[] = {
        { "help", UPD_KW_HELP, 0 }, { " HOWTO ", UPD_KW_HOWTO, 0 }, { "New", UPD_KW_NEW, 0 },
        { "diff", UPD_KW_DIFF, 1 }, { "please update", UPD_KW_INVALID, 2 }, { "", UPD_KW_NONE, 0 },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        upd_msg_t *m = split1("person: A\n", t[i].s);
        CU_ASSERT_EQUAL(m->keyword, t[i].k);
        CU_ASSERT_EQUAL(diag_count(&m->global, DIAG_WARNING), t[i].warnings);
        if (t[i].k == UPD_KW_INVALID)
            CU_ASSERT_STRING_EQUAL(m->global.v[0].text, "Invalid keyword(s) found: please update");
        upd_msg_free(m);
    }
}

static void test_crlf_and_unknown_class(void)
{
    upd_msg_t *m = split1("person: A\r\nnic-hdl: A1-TEST\r\n\r\nfoo: bar\r\n", "");
    CU_ASSERT_EQUAL_FATAL(m->nparas, 2);
    CU_ASSERT_PTR_NOT_NULL(m->paras[0].obj);
    CU_ASSERT_STRING_EQUAL(m->paras[0].obj->attrs[1].value, "A1-TEST");
    CU_ASSERT_PTR_NULL(m->paras[1].obj);   /* foo: is no class */
    upd_msg_free(m);
}

void suite_update(void);
void suite_update(void)
{
    CU_pSuite s = harness_suite("update");
    HARNESS_ADD(s, test_paragraphs);
    HARNESS_ADD(s, test_blank_lines_and_strays);
    HARNESS_ADD(s, test_pieces_keep_their_passwords);
    HARNESS_ADD(s, test_mistyped_passwords);
    HARNESS_ADD(s, test_pseudo);
    HARNESS_ADD(s, test_keywords);
    HARNESS_ADD(s, test_crlf_and_unknown_class);
}
