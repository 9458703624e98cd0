/*
 * test_dummify.c - the NRTM/export filter: each of RIPE's v3 rules,
 * password hashes hidden in every mode, the configuration keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "registry/conf.h"
#include "registry/dummify.h"
#include "harness.h"

/* RIPE's seven remarks of rule 4, as the filter prints them. */
#define MODIFIED_REMARKS \
    "remarks:        ****************************\n" \
    "remarks:        * THIS OBJECT IS MODIFIED\n" \
    "remarks:        * Please note that all data that is generally regarded as personal\n" \
    "remarks:        * data has been removed from this object.\n" \
    "remarks:        * To view the original object, please query the RIPE Database at:\n" \
    "remarks:        * http://www.ripe.net/whois\n" \
    "remarks:        ****************************\n"
#define DUMMY_AUTH "MD5-PW $1$SaltSalt$DummifiedMD5HashValue.   # Real value hidden for security"

/* Filter @in with the default configuration; @return the status, the
 * text in @out. */
static int run(const char *in, int unfiltered, buf_t *out)
{
    conf_t c;
    conf_defaults(&c);
    err_t e = ERR_INIT;
    dummify_t *d = dummify_new(&c, &e);
    conf_free(&c);
    buf_reset(out);
    int rc = dummify_obj(d, in, strlen(in), unfiltered, out, &e);
    dummify_free(d);
    err_free(&e);
    return rc;
}

/* Number of lines of @text equal to @line. */
static int count_lines(const char *text, const char *line)
{
    int n = 0;
    size_t ll = strlen(line);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == ll && memcmp(p, line, ll) == 0)
            n++;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static void test_person_and_roles(void)
{
    buf_t out;
    buf_init(&out);
    const char *person =
        "person:         Jane Doe\n"
        "address:        1 Street\n"
        "phone:          +1 555 0100\n"
        "nic-hdl:        JD1-TEST\n"
        "mnt-by:         EX-MNT\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(person, 0, &out), DUMMIFY_SKIP);
    CU_ASSERT_EQUAL(out.len, 0);
    const char *role =
        "role:           Ops\n"
        "address:        1 Street\n"
        "e-mail:         ops@example.net\n"
        "nic-hdl:        OPS1-TEST\n"
        "mnt-by:         EX-MNT\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(role, 0, &out), DUMMIFY_SKIP);
    /* a trusted mirror gets them as they are */
    CU_ASSERT_EQUAL(run(person, 1, &out), DUMMIFY_KEEP);
    CU_ASSERT_STRING_EQUAL(out.s, person);

    const char *abuse =
        "role:           Abuse desk\n"
        "address:        1 Street\n"
        "address:        Town\n"
        "e-mail:         ops@example.net\n"
        "abuse-mailbox:  abuse@example.net\n"
        "admin-c:        JD1-TEST\n"
        "tech-c:         JD1-TEST\n"
        "tech-c:         OPS1-TEST\n"
        "nic-hdl:        AB1-TEST\n"
        "mnt-by:         EX-MNT\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(abuse, 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(count_lines(out.s, "abuse-mailbox:  abuse@example.net"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "address:        Dummy address for AB1-TEST"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "e-mail:         unread@ripe.net"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "admin-c:        DUMY-RIPE"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "tech-c:         DUMY-RIPE"), 1);
    CU_ASSERT_PTR_NULL(strstr(out.s, "JD1-TEST"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "Town"));
    CU_ASSERT_EQUAL(count_lines(out.s, "remarks:        * THIS OBJECT IS MODIFIED"), 1);
    buf_free(&out);
}

static void test_attributes(void)
{
    buf_t out;
    buf_init(&out);
    const char *inet =
        "inetnum:        192.0.2.0 - 192.0.2.255\n"
        "netname:        EXAMPLE\n"
        "descr:          Example\n"
        "country:        NL\n"
        "admin-c:        JD1-TEST\n"
        "admin-c:        JD2-TEST\n"
        "tech-c:         JD1-TEST\n"
        "zone-c:         JD3-TEST\n"
        "status:         ASSIGNED PA\n"
        "mnt-by:         EX-MNT\n"
        "changed:        jane@example.net 20010101\n"
        "changed:        jane@example.net 20020101\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2021-01-01T00:00:00Z\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(inet, 0, &out), DUMMIFY_KEEP);
    const char *want =
        "inetnum:        192.0.2.0 - 192.0.2.255\n"
        "netname:        EXAMPLE\n"
        "descr:          Example\n"
        "country:        NL\n"
        "admin-c:        DUMY-RIPE\n"
        "tech-c:         DUMY-RIPE\n"
        "zone-c:         DUMY-RIPE\n"
        "status:         ASSIGNED PA\n"
        "mnt-by:         EX-MNT\n"
        "changed:        unread@ripe.net 20000101\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2021-01-01T00:00:00Z\n"
        "source:         TEST\n"
        MODIFIED_REMARKS;
    CU_ASSERT_STRING_EQUAL(out.s, want);

    /* filtering twice gives the same text (re-served mirrors, exports
     * loaded and exported again) */
    char *once = xstrdup(out.s);
    CU_ASSERT_EQUAL(run(once, 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_STRING_EQUAL(out.s, once);
    free(once);

    /* author: and ping-hdl:, phone:/fax-no:, e-mail:, address: with the
     * primary key of a route (prefix and origin) */
    const char *route =
        "route:          192.0.2.0/24\n"
        "origin:         AS65000\n"
        "ping-hdl:       JD1-TEST\n"
        "ping-hdl:       JD2-TEST\n"
        "mnt-by:         EX-MNT\n"
        "source:         OTHER\n";
    CU_ASSERT_EQUAL(run(route, 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(count_lines(out.s, "ping-hdl:       DUMY-RIPE"), 1);
    CU_ASSERT_PTR_NULL(strstr(out.s, "JD2-TEST"));
    /* OTHER is not a source of nrtm_dummy_remarks_sources */
    CU_ASSERT_PTR_NULL(strstr(out.s, "remarks:"));

    const char *irt =
        "irt:            IRT-EX\n"
        "address:        1 Street\n"
        "address:        Town\n"
        "phone:          +1 555 0100\n"
        "fax-no:         +1 555 0101\n"
        "fax-no:         +1 555 0102\n"
        "e-mail:         irt@example.net\n"
        "abuse-mailbox:  irt@example.net\n"
        "auth:           PGPKEY-12345678\n"
        "admin-c:        JD1-TEST\n"
        "tech-c:         JD1-TEST\n"
        "mnt-by:         EX-MNT\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(irt, 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(count_lines(out.s, "address:        Dummy address for IRT-EX"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "phone:          +31205354444"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "fax-no:         +31205354444"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "e-mail:         unread@ripe.net"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "auth:           " DUMMY_AUTH), 1);
    CU_ASSERT_PTR_NULL(strstr(out.s, "555"));

    /* an object without personal data leaves as it came */
    const char *set =
        "as-set:         AS65000:AS-CUSTOMERS\n"
        "members:        AS65001, AS65002\n"
        "mnt-by:         EXAMPLE-MNT\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(set, 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_STRING_EQUAL(out.s, set);

    /* names in upper case, short names, blanks before the ':' are the
     * attributes they name: the screen before the parser lets none pass */
    const char *odd =
        "route:          192.0.2.0/24\n"
        "origin:         AS65000\n"
        "ADMIN-C:        JD1-TEST\n"
        "*tc:            JD2-TEST\n"
        "e-mail :        jane@example.net\n"
        "mnt-by:         EX-MNT\n"
        "source:         OTHER\n";
    CU_ASSERT_EQUAL(run(odd, 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_PTR_NULL(strstr(out.s, "JD1-TEST"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "JD2-TEST"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "jane@"));
    CU_ASSERT_EQUAL(count_lines(out.s, "admin-c:        DUMY-RIPE"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "tech-c:         DUMY-RIPE"), 1);
    const char *tabbed =
        "mntner:         TAB-MNT\n"
        "auth\t:\tMd5-Pw\n"
        "\t$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1\n"
        "mnt-by:         TAB-MNT\n"
        "source:         OTHER\n";
    CU_ASSERT_EQUAL(run(tabbed, 1, &out), DUMMIFY_KEEP);
    CU_ASSERT_PTR_NULL(strstr(out.s, "cHJi5PXp"));
    /* a person with CR LF line ends is a person */
    CU_ASSERT_EQUAL(run("person: Jane\r\nnic-hdl: JD1-TEST\r\nsource: TEST\r\n", 0, &out),
                    DUMMIFY_SKIP);

    /* not an object */
    err_t e = ERR_INIT;
    conf_t c;
    conf_defaults(&c);
    dummify_t *d = dummify_new(&c, &e);
    buf_reset(&out);
    CU_ASSERT_EQUAL(dummify_obj(d, " no\n", 4, 0, &out, &e), ERR_SYNTAX);
    CU_ASSERT_EQUAL(out.len, 0);
    dummify_free(d);
    conf_free(&c);
    err_free(&e);
    buf_free(&out);
}

static void test_mntner_organisation(void)
{
    buf_t out;
    buf_init(&out);
    const char *mnt =
        "mntner:         EX-MNT\n"
        "descr:          Example maintainer\n"
        "admin-c:        JD1-TEST\n"
        "admin-c:        JD2-TEST\n"
        "tech-c:         JD1-TEST\n"
        "upd-to:         ops@example.net\n"
        "mnt-nfy:        ops@example.net\n"
        "auth:           md5-pw $1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1\n"
        "auth:           Bcrypt-Pw\n"
        "                $2a$12$abcdefghijklmnopqrstuu5rG1bJ1hYwLV/3qvDmXnwqPfWm7m1W\n"
        "auth:           cRyPt-pW abcdefghijklm # old one\n"
        "auth:           PGPKEY-12345678\n"
        "remarks:        call me\n"
        "notify:         ops@example.net\n"
        "mnt-by:         EX-MNT\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2021-01-01T00:00:00Z\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(mnt, 0, &out), DUMMIFY_KEEP);
    const char *want =
        "mntner:         EX-MNT\n"
        "admin-c:        DUMY-RIPE\n"
        "upd-to:         unread@ripe.net\n"
        "auth:           " DUMMY_AUTH "\n"
        "mnt-by:         EX-MNT\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2021-01-01T00:00:00Z\n"
        "source:         TEST\n"
        MODIFIED_REMARKS;
    CU_ASSERT_STRING_EQUAL(out.s, want);

    /* unfiltered: everything but the hashes, which become one dummy */
    CU_ASSERT_EQUAL(run(mnt, 1, &out), DUMMIFY_KEEP);
    CU_ASSERT_PTR_NULL(strstr(out.s, "$1$abcdefgh"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "$2a$12$"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "abcdefghijklm"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "old one"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "Bcrypt"));
    CU_ASSERT_EQUAL(count_lines(out.s, "auth:           " DUMMY_AUTH), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "auth:           PGPKEY-12345678"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "admin-c:        JD2-TEST"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "remarks:        call me"), 1);
    CU_ASSERT_PTR_NULL(strstr(out.s, "MODIFIED"));

    /* "auth :" (a blank before the colon) in mirrored data is auth: too;
     * and an SSO identity is hidden as well */
    const char *odd =
        "mntner:         ODD-MNT\n"
        "auth :          MD5-PW $1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1\n"
        "auth:           SSO someone@example.net\n"
        "mnt-by:         ODD-MNT\n"
        "source:         OTHER\n";
    CU_ASSERT_EQUAL(run(odd, 1, &out), DUMMIFY_KEEP);
    CU_ASSERT_PTR_NULL(strstr(out.s, "$1$abcdefgh"));
    CU_ASSERT_PTR_NULL(strstr(out.s, "someone@"));

    const char *org =
        "organisation:   ORG-EX1-TEST\n"
        "org-name:       Example\n"
        "org-type:       OTHER\n"
        "descr:          what we do\n"
        "address:        1 Street\n"
        "address:        Town\n"
        "country:        NL\n"
        "phone:          +1 555 0100\n"
        "e-mail:         org@example.net\n"
        "abuse-c:        AB1-TEST\n"
        "admin-c:        JD1-TEST\n"
        "mnt-ref:        EX-MNT\n"
        "mnt-by:         EX-MNT\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2021-01-01T00:00:00Z\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(run(org, 0, &out), DUMMIFY_KEEP);
    const char *want_org =
        "organisation:   ORG-EX1-TEST\n"
        "org-name:       Example\n"
        "org-type:       OTHER\n"
        "address:        Dummy address for ORG-EX1-TEST\n"
        "country:        NL\n"
        "e-mail:         unread@ripe.net\n"
        "abuse-c:        AB1-TEST\n"
        "mnt-ref:        EX-MNT\n"
        "mnt-by:         EX-MNT\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2021-01-01T00:00:00Z\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(strncmp(out.s, want_org, strlen(want_org)), 0);
    CU_ASSERT_EQUAL(count_lines(out.s, "remarks:        * THIS OBJECT IS MODIFIED"), 1);
    buf_free(&out);
}

/* nrtm_dummify = no and the nrtm_dummy_* keys */
static void test_configuration(void)
{
    const char *dir = harness_tmpdir();
    char *path = xasprintf("%s/autodbm.conf", dir);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("nrtm_dummify = no\n"
          "nrtm_dummy_handle = anon-dn42\n"
          "nrtm_dummy_address = Hidden, see\n"
          "nrtm_dummy_phone = +1 555 0000\n"
          "nrtm_dummy_email = nobody@example.net\n"
          "nrtm_dummy_auth = BCRYPT-PW $2a$04$hidden\n"
          "nrtm_dummy_remarks_sources = none\n", fp);
    fclose(fp);
    conf_t c;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL_FATAL(conf_load(path, &c, &e), 0);
    CU_ASSERT_EQUAL(c.nrtm_dummify, 0);
    CU_ASSERT_STRING_EQUAL(c.nrtm_dummy_handle, "ANON-DN42");
    CU_ASSERT_EQUAL(c.nrtm_dummy_remarks_sources.n, 0);
    dummify_t *d = dummify_new(&c, &e);

    buf_t out;
    buf_init(&out);
    const char *person =
        "person:         Jane Doe\n"
        "nic-hdl:        JD1-TEST\n"
        "source:         TEST\n";
    CU_ASSERT_EQUAL(dummify_obj(d, person, strlen(person), 0, &out, &e), DUMMIFY_KEEP);
    CU_ASSERT_STRING_EQUAL(out.s, person);
    const char *mnt =
        "mntner:         EX-MNT\n"
        "auth:           MD5-PW $1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1\n"
        "source:         TEST\n";
    buf_reset(&out);
    CU_ASSERT_EQUAL(dummify_obj(d, mnt, strlen(mnt), 0, &out, &e), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(count_lines(out.s, "auth:           BCRYPT-PW $2a$04$hidden"
                                "   # Real value hidden for security"), 1);
    dummify_free(d);
    conf_free(&c);

    /* with filtering on, the other dummies */
    fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("nrtm_dummy_handle = anon-dn42\n"
          "nrtm_dummy_address = Hidden, see\n"
          "nrtm_dummy_phone = +1 555 0000\n"
          "nrtm_dummy_email = nobody@example.net\n"
          "nrtm_dummy_remarks_sources = none\n", fp);
    fclose(fp);
    CU_ASSERT_EQUAL_FATAL(conf_load(path, &c, &e), 0);
    d = dummify_new(&c, &e);
    const char *irt =
        "irt:            IRT-EX\n"
        "address:        1 Street\n"
        "phone:          +1 555 0100\n"
        "e-mail:         irt@example.net\n"
        "admin-c:        JD1-TEST\n"
        "changed:        irt@example.net 20010101\n"
        "source:         TEST\n";
    buf_reset(&out);
    CU_ASSERT_EQUAL(dummify_obj(d, irt, strlen(irt), 0, &out, &e), DUMMIFY_KEEP);
    const char *want =
        "irt:            IRT-EX\n"
        "address:        Hidden, see IRT-EX\n"
        "phone:          +1 555 0000\n"
        "e-mail:         nobody@example.net\n"
        "admin-c:        ANON-DN42\n"
        "changed:        nobody@example.net 20000101\n"
        "source:         TEST\n";
    CU_ASSERT_STRING_EQUAL(out.s, want);

    /* the v1 placeholder of a person */
    buf_reset(&out);
    CU_ASSERT_EQUAL(dummify_placeholder(d, person, strlen(person), &out, &e), 0);
    CU_ASSERT_EQUAL(count_lines(out.s, "nic-hdl:        ANON-DN42"), 1);
    CU_ASSERT_EQUAL(count_lines(out.s, "source:         TEST"), 1);
    CU_ASSERT_PTR_NULL(strstr(out.s, "Jane"));
    buf_reset(&out);
    CU_ASSERT_EQUAL(dummify_placeholder(d, irt, strlen(irt), &out, &e), ERR_USAGE);
    dummify_free(d);
    conf_free(&c);

    /* bad values */
    fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("nrtm_dummy_email = not an address\n", fp);
    fclose(fp);
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), ERR_CONF);
    conf_free(&c);
    fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("nrtm_dummify = maybe\n", fp);
    fclose(fp);
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), ERR_CONF);
    conf_free(&c);

    buf_free(&out);
    err_free(&e);
    free(path);
}

/*
 * The screen that lets objects the rules cannot touch go out unparsed
 * (dummify.c untouched()): hostile spellings of hashes, personal data and
 * persons must all reach the rules, for a public and a trusted mirror.
 * Every text carries "SECRET" where the filter must hide it.
 */
static void test_screen_hostile(void)
{
    static const char *const hashes[] = {
        "route: 192.0.2.0/24\norigin: AS1\nAUTH: MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth : MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nAuth\t:\tbcrypt-pw $2a$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\n*at: MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\n*AT: crypt-pw SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\naUtH:   Md5-Pw $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth:\n                MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth: MD5-PW\n+ $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth:\tMD5-PW\n\t$1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\r\norigin: AS1\r\nauth: MD5-PW $1$SECRET\r\nsource: TEST\r\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth: SSO SECRET@example.net\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth: sso SECRET@example.net\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nauth: MD5-PW $1$one\nauth: MD5-PW $1$SECRET\nsource: TEST\n",
        "foo-set: FS-X\nmembers: AS1\nauth: MD5-PW $1$SECRET\nsource: TEST\n",
        "FOO-SET: FS-X\nAUTH : MD5-PW $1$SECRET\nsource: TEST\n",
        "MNTNER: X-MNT\nauth: MD5-PW $1$SECRET\nmnt-by: X-MNT\nsource: TEST\n",
        "*mt: X-MNT\n*at: MD5-PW $1$SECRET\nmnt-by: X-MNT\nsource: TEST\n",
        "route: 192.0.2.0/24\nnot an attribute\nauth: MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\n\nauth: MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\n   \nauth: MD5-PW $1$SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\n%comment\n#x\nauth: MD5-PW $1$SECRET\n",
    };
    /* personal data a public mirror must not get (it gets the dummies) */
    static const char *const personal[] = {
        "route: 192.0.2.0/24\norigin: AS1\nE-MAIL: jane@SECRET.example\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\n*em: jane@SECRET.example\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nPhone : +1 SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\n*ph: +1 SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nAddress:\tSECRET street\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nADMIN-C: SECRET-TEST\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\n*ac: SECRET-TEST\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nUpd-To: SECRET@example.net\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nfax-no\t: +1 SECRET\nsource: TEST\n",
        "route: 192.0.2.0/24\norigin: AS1\nCHANGED: SECRET@example.net 20010101\nsource: TEST\n",
        "foo-set: FS-X\nTech-C: SECRET-TEST\nsource: TEST\n",
        "ORGANISATION: ORG-X\nphone: +1 SECRET\norg-name: X\nsource: TEST\n",
    };
    /* objects a public mirror does not get at all */
    static const char *const skipped[] = {
        "PERSON: Jane SECRET\nnic-hdl: JS1-TEST\nsource: TEST\n",
        "Person : Jane SECRET\nnic-hdl: JS1-TEST\nsource: TEST\n",
        "person\t: Jane SECRET\nnic-hdl: JS1-TEST\nsource: TEST\n",
        "*pn: Jane SECRET\nnic-hdl: JS1-TEST\nsource: TEST\n",
        "*PN: Jane SECRET\nnic-hdl: JS1-TEST\nsource: TEST\n",
        "ROLE: SECRET team\nnic-hdl: ST1-TEST\nsource: TEST\n",
        "*ro: SECRET team\nnic-hdl: ST1-TEST\nsource: TEST\n",
        "person: Jane SECRET\r\nnic-hdl: JS1-TEST\r\nsource: TEST\r\n",
        "PeRsOn:Jane SECRET\n",
    };
    buf_t out;
    buf_init(&out);
    for (size_t i = 0; i < sizeof hashes / sizeof *hashes; i++)
        for (int unf = 0; unf <= 1; unf++) {
            CU_ASSERT_EQUAL(run(hashes[i], unf, &out), DUMMIFY_KEEP);
            CU_ASSERT_PTR_NULL(strstr(out.s, "SECRET"));
            if (strstr(out.s, "SECRET"))
                fprintf(stderr, "leak (unfiltered %d): %s\n", unf, out.s);
        }
    for (size_t i = 0; i < sizeof personal / sizeof *personal; i++) {
        CU_ASSERT_EQUAL(run(personal[i], 0, &out), DUMMIFY_KEEP);
        CU_ASSERT_PTR_NULL(strstr(out.s, "SECRET"));
        if (strstr(out.s, "SECRET"))
            fprintf(stderr, "leak: %s\n", out.s);
        /* a trusted mirror gets it as it is */
        CU_ASSERT_EQUAL(run(personal[i], 1, &out), DUMMIFY_KEEP);
        CU_ASSERT_STRING_EQUAL(out.s, personal[i]);
    }
    for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++) {
        buf_reset(&out);
        CU_ASSERT_EQUAL(run(skipped[i], 0, &out), DUMMIFY_SKIP);
        if (out.len)
            fprintf(stderr, "not skipped: %s\n", skipped[i]);
        CU_ASSERT_EQUAL(out.len, 0);
        CU_ASSERT_EQUAL(run(skipped[i], 1, &out), DUMMIFY_KEEP);
        CU_ASSERT_STRING_EQUAL(out.s, skipped[i]);
    }
    /* what the screen passes goes out byte for byte, odd spacing, names
     * that merely start like touched ones (auth-x, authority, e-mails)
     * and touched names inside values and continuation lines included */
    static const char *const kept[] = {
        "route:   192.0.2.0/24\norigin:AS1\ndescr: auth: MD5-PW x\n"
        "remarks: first\n admin-c: X\n+phone: 1\n\tauth: y\nsource: TEST\n",
        "foo-set: FS-X\nauth-x: MD5-PW y\nauthority: y\ne-mails: z\n"
        "changedx: a\nsource: TEST\n",
        "route6: 2001:db8::/32\norigin: AS1\nmnt-by: X-MNT\nsource: TEST",
    };
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
        for (int unf = 0; unf <= 1; unf++) {
            CU_ASSERT_EQUAL(run(kept[i], unf, &out), DUMMIFY_KEEP);
            size_t n = strlen(kept[i]);
            CU_ASSERT(out.len == n + (kept[i][n - 1] != '\n'));
            CU_ASSERT(memcmp(out.s, kept[i], n) == 0);
        }
    /* names that merely start like person: are no persons */
    CU_ASSERT_EQUAL(run("personx: X\nadmin-c: JD1-TEST\n", 0, &out), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(run("perso: X\nadmin-c: JD1-TEST\n", 0, &out), DUMMIFY_KEEP);
    buf_free(&out);
}

/*
 * Objects in the form rpsl_print() writes are edited line by line
 * (dummify.c rewrite()); the same object with one blank more after its
 * first ':' goes through the parser and rpsl_print(): both must give the
 * same bytes (or, where nothing changes, each its own), and filtering the
 * result again must change nothing.
 */
static void test_rewrite_same_as_parser(void)
{
    static const char *const objs[] = {
        "inetnum:        192.0.2.0 - 192.0.2.255\n"
        "netname:        EXAMPLE\n"
        "admin-c:        JD1-TEST\n"
        "tech-c:         JD1-TEST\n"
        "admin-c:        JD2-TEST\n"
        "changed:        jane@example.net 20010101\n"
        "changed:        jane@example.net 20020101\n"
        "mnt-by:         EX-MNT\n"
        "source:         TEST\n",
        /* no line end at the end, every rule-3 attribute but auth:/address: */
        "aut-num:        AS65000\n"
        "as-name:        EXAMPLE\n"
        "e-mail:         noc@example.net\n"
        "phone:          +31 20 555 0100\n"
        "fax-no:         +31 20 555 0101\n"
        "upd-to:         noc@example.net\n"
        "zone-c:         JD3-TEST\n"
        "ping-hdl:       JD3-TEST\n"
        "mnt-by:         EX-MNT\n"
        "source:         RIPE",
        /* the dummies already there: unchanged, no remarks */
        "route:          192.0.2.0/24\n"
        "origin:         AS65000\n"
        "admin-c:        DUMY-RIPE\n"
        "tech-c:         DUMY-RIPE\n"
        "source:         TEST\n",
        /* a source without the remarks, a long name, a non-ASCII value */
        "as-set:         AS-EXAMPLE\n"
        "members:        AS65000, AS65001\n"
        "descr:          Gr\xc3\xbc\xc3\x9f""e\n"
        "sponsoring-org: ORG-X1-TEST\n"
        "tech-c:         JD1-TEST\n"
        "source:         OTHER\n",
        /* changed again after an earlier filter: no second remarks */
        "route:          192.0.2.0/24\n"
        "origin:         AS65000\n"
        "admin-c:        JD1-TEST\n"
        "source:         TEST\n"
        MODIFIED_REMARKS,
        /* an unknown attribute, remarks that are not the last lines */
        "inet6num:       2001:db8::/32\n"
        "x-custom:       value\n"
        "remarks:        ****************************\n"
        "tech-c:         JD1-TEST\n"
        "source:         TEST\n",
    };
    buf_t fast, slow, again;
    buf_init(&fast);
    buf_init(&slow);
    buf_init(&again);
    for (size_t i = 0; i < sizeof objs / sizeof *objs; i++) {
        const char *o = objs[i];
        const char *colon = strchr(o, ':');
        char *variant = malloc(strlen(o) + 2);
        size_t at = (size_t)(colon - o) + 1;
        memcpy(variant, o, at);
        variant[at] = ' ';
        strcpy(variant + at + 1, o + at);
        CU_ASSERT_EQUAL(run(o, 0, &fast), DUMMIFY_KEEP);
        CU_ASSERT_EQUAL(run(variant, 0, &slow), DUMMIFY_KEEP);
        if (strcmp(fast.s, o) == 0) {
            /* left as it is: each goes out as it came */
            CU_ASSERT_STRING_EQUAL(slow.s, variant);
        } else {
            CU_ASSERT_STRING_EQUAL(fast.s, slow.s);
        }
        CU_ASSERT_EQUAL(run(fast.s, 0, &again), DUMMIFY_KEEP);
        CU_ASSERT_STRING_EQUAL(again.s, fast.s);
        if (strcmp(fast.s, o) != 0 && strcmp(fast.s, slow.s) != 0)
            fprintf(stderr, "line by line:\n%s\nparsed:\n%s\n", fast.s, slow.s);
        free(variant);
    }
    /* the first: dummies, duplicates dropped, the remarks (TEST) */
    CU_ASSERT_EQUAL(run(objs[0], 0, &fast), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(count_lines(fast.s, "admin-c:        DUMY-RIPE"), 1);
    CU_ASSERT_EQUAL(count_lines(fast.s, "changed:        unread@ripe.net 20000101"), 1);
    CU_ASSERT_EQUAL(count_lines(fast.s, "remarks:        * THIS OBJECT IS MODIFIED"), 1);
    CU_ASSERT_PTR_NULL(strstr(fast.s, "JD"));
    CU_ASSERT_EQUAL(run(objs[4], 0, &fast), DUMMIFY_KEEP);
    CU_ASSERT_EQUAL(count_lines(fast.s, "remarks:        * THIS OBJECT IS MODIFIED"), 1);
    CU_ASSERT_EQUAL(count_lines(fast.s, "admin-c:        DUMY-RIPE"), 1);
    /* the third: as it came */
    CU_ASSERT_EQUAL(run(objs[2], 0, &fast), DUMMIFY_KEEP);
    CU_ASSERT_STRING_EQUAL(fast.s, objs[2]);
    buf_free(&fast);
    buf_free(&slow);
    buf_free(&again);
}

void suite_dummify(void);
void suite_dummify(void)
{
    CU_pSuite s = harness_suite("dummify");
    HARNESS_ADD(s, test_person_and_roles);
    HARNESS_ADD(s, test_attributes);
    HARNESS_ADD(s, test_mntner_organisation);
    HARNESS_ADD(s, test_configuration);
    HARNESS_ADD(s, test_screen_hostile);
    HARNESS_ADD(s, test_rewrite_same_as_parser);
}
