/*
 * test_schema.c - the schema module: name tables, the templates and the
 * attribute table compared with the spec files, classification, strict
 * and non-strict validation of all 21 classes, primary keys, address
 * ranges, index keys, and the RIPE test database in non-strict mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "rpsl/syntax.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* The string of @b as a malloc'd copy; @b is freed. */
static char *take(buf_t *b)
{
    char *s = xstrdup(b->s);

    buf_free(b);
    return s;
}

/* Read a whole file into a malloc'd NUL-terminated string, or NULL. */
static char *slurp(const char *path, size_t *lenp)
{
    FILE *f = fopen(path, "rb");
    buf_t b;
    char tmp[8192];
    size_t n;

    if (f == NULL)
        return NULL;
    buf_init(&b);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_put(&b, tmp, n);
    fclose(f);
    if (lenp)
        *lenp = b.len;
    return take(&b);
}

static char *spec_path(const char *name)
{
    return xasprintf("%s/../shared/spec/ripe/%s", harness_srcdir(), name);
}

/* Parse and classify; the object must be an object. */
static rpsl_obj_t *obj(const char *text, diag_list_t *d)
{
    rpsl_obj_t *o = NULL;
    int rc = rpsl_parse(text, strlen(text), 1, 0, &o, d);

    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    rc = schema_classify(o, d);
    CU_ASSERT_EQUAL(rc, 0);
    return o;
}

static void dump_diags(const char *what, const diag_list_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  [%s] %s attr %d: %s\n", what,
                diag_sev_name(d->v[i].sev), d->v[i].attr, d->v[i].text);
}

/* 1 if @d holds a diagnostic of @sev at @attr (-2 = any) with @text. */
static int has_diag(const diag_list_t *d, enum diag_sev sev, int attr,
                    const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].sev == sev && (attr == -2 || d->v[i].attr == attr) &&
            strcmp(d->v[i].text, text) == 0)
            return 1;
    return 0;
}

/* 1 if @d holds an error at @attr whose text contains @part. */
static int has_error_containing(const diag_list_t *d, int attr,
                                const char *part)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].sev == DIAG_ERROR && d->v[i].attr == attr &&
            strstr(d->v[i].text, part) != NULL)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* One valid object of every class                                     */
/* ------------------------------------------------------------------ */

static const char *const valid_objects[SC__COUNT] = {
    [SC_AS_BLOCK] =
        "as-block:       AS64496 - AS64511\n"
        "descr:          Documentation ASNs\n"
        "remarks:        test block\n"
        "mnt-by:         TEST-DBM-MNT\n"
        "mnt-lower:      TEST-DBM-MNT\n"
        "created:        2020-01-01T00:00:00Z\n"
        "last-modified:  2020-01-01T00:00:00Z\n"
        "source:         TEST\n",
    [SC_AS_SET] =
        "as-set:         AS64496:AS-CUSTOMERS\n"
        "descr:          Customers\n"
        "members:        AS64497, AS64498\n"
        "members:        AS64496:AS-OTHER\n"
        "tech-c:         AA1-TEST\n"
        "admin-c:        AA1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_AUT_NUM] =
        "aut-num:        AS64496\n"
        "as-name:        TEST-AS\n"
        "descr:          Test network\n"
        "import:         from AS64497 accept ANY\n"
        "export:         to AS64497 announce AS64496\n"
        "mp-import:      afi ipv6.unicast from AS64497 accept ANY\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA1-TEST\n"
        "status:         OTHER\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_DOMAIN] =
        "domain:         2.0.192.in-addr.arpa\n"
        "descr:          Reverse zone\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA1-TEST\n"
        "zone-c:         AA1-TEST\n"
        "nserver:        ns1.example.net\n"
        "nserver:        ns2.example.net\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_FILTER_SET] =
        "filter-set:     FLTR-TEST\n"
        "descr:          Test filter\n"
        "filter:         AS64496\n"
        "tech-c:         AA1-TEST\n"
        "admin-c:        AA1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_INET_RTR] =
        "inet-rtr:       rtr1.example.net\n"
        "descr:          Router\n"
        "local-as:       AS64496\n"
        "ifaddr:         192.0.2.1 masklen 24\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_INET6NUM] =
        "inet6num:       2001:db8::/32\n"
        "netname:        TEST-NET6\n"
        "descr:          Documentation prefix\n"
        "country:        NL\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA1-TEST\n"
        "status:         ALLOCATED-BY-RIR\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_INETNUM] =
        "inetnum:        192.0.2.0 - 192.0.2.255\n"
        "netname:        TEST-NET\n"
        "descr:          Documentation range\n"
        "country:        NL\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA1-TEST\n"
        "status:         ASSIGNED PA\n"
        "mnt-by:         TEST-MNT\n"
        "mnt-routes:     TEST-MNT {192.0.2.0/24}\n"
        "source:         TEST\n",
    [SC_IRT] =
        "irt:            IRT-TEST\n"
        "address:        Somewhere\n"
        "e-mail:         irt@example.net\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA1-TEST\n"
        "auth:           PGPKEY-1290F9D2\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_KEY_CERT] =
        "key-cert:       PGPKEY-1290F9D2\n"
        "method:         PGP\n"
        "owner:          Test User <test@example.net>\n"
        "fingerpr:       1234 5678 9ABC DEF0 1234  5678 9ABC DEF0 1290 F9D2\n"
        "certif:         -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        "certif:\n"
        "certif:         mQENBFC0yvUBCACn2JKwa5e8Sj3QknEnD5ypvmzNWwYb\n"
        "certif:         =BsAk\n"
        "certif:         -----END PGP PUBLIC KEY BLOCK-----\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_MNTNER] =
        "mntner:         TEST-MNT\n"
        "descr:          Test maintainer\n"
        "admin-c:        AA1-TEST\n"
        "upd-to:         dbm@example.net\n"
        "auth:           PGPKEY-1290F9D2\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_ORGANISATION] =
        "organisation:   ORG-TT1-TEST\n"
        "org-name:       Test Organisation\n"
        "org-type:       OTHER\n"
        "address:        Somewhere\n"
        "e-mail:         org@example.net\n"
        "mnt-ref:        TEST-MNT\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_PEERING_SET] =
        "peering-set:    PRNG-TEST\n"
        "descr:          Test peerings\n"
        "peering:        AS64496\n"
        "tech-c:         AA1-TEST\n"
        "admin-c:        AA1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_PERSON] =
        "person:         Test Person\n"
        "address:        Somewhere\n"
        "phone:          +31 20 123 4567\n"
        "e-mail:         tp@example.net\n"
        "nic-hdl:        TP1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_POEM] =
        "poem:           POEM-TEST\n"
        "form:           FORM-HAIKU\n"
        "text:           An old silent pond\n"
        "text:           A frog jumps into the pond\n"
        "author:         AA1-TEST\n"
        "mnt-by:         LIM-MNT\n"
        "source:         TEST\n",
    [SC_POETIC_FORM] =
        "poetic-form:    FORM-HAIKU\n"
        "descr:          Haiku\n"
        "admin-c:        AA1-TEST\n"
        "mnt-by:         RIPE-DBM-MNT\n"
        "source:         TEST\n",
    [SC_ROLE] =
        "role:           Test Role\n"
        "e-mail:         role@example.net\n"
        "nic-hdl:        TR1-TEST\n"
        "abuse-mailbox:  abuse@example.net\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_ROUTE] =
        "route:          192.0.2.0/24\n"
        "descr:          Test route\n"
        "origin:         AS64496\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_ROUTE_SET] =
        "route-set:      RS-TEST\n"
        "descr:          Test routes\n"
        "members:        192.0.2.0/24, RS-OTHER\n"
        "mp-members:     2001:db8::/32\n"
        "tech-c:         AA1-TEST\n"
        "admin-c:        AA1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_ROUTE6] =
        "route6:         2001:db8::/32\n"
        "descr:          Test route6\n"
        "origin:         AS64496\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
    [SC_RTR_SET] =
        "rtr-set:        RTRS-TEST\n"
        "descr:          Test routers\n"
        "members:        rtr1.example.net\n"
        "tech-c:         AA1-TEST\n"
        "admin-c:        AA1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n",
};

/* Validate in strict mode with source TEST; prints the diagnostics of an
 * unexpected result. */
static int strict_errors(rpsl_obj_t *o, diag_list_t *d)
{
    return schema_validate(o, SCHEMA_STRICT, "TEST", d);
}

/* ------------------------------------------------------------------ */
/* Name tables                                                         */
/* ------------------------------------------------------------------ */

static void upcase(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static void test_attr_names(void)
{
    for (int aid = 0; aid < SA__COUNT; aid++) {
        const char *l = schema_attr_name(aid), *s = schema_attr_short(aid);
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_EQUAL(schema_attr_by_name(l), aid);
        CU_ASSERT_EQUAL(schema_attr_by_name(s), aid);
        CU_ASSERT_EQUAL(s[0], '*');
        char *u = xstrdup(l);
        upcase(u);
        CU_ASSERT_EQUAL(schema_attr_by_name(u), aid);
        free(u);
        u = xstrdup(s);
        upcase(u);
        CU_ASSERT_EQUAL(schema_attr_by_name(u), aid);
        /* a prefix or an extension of a name is not that name */
        char *longer = xasprintf("%sx", l);
        int other = schema_attr_by_name(longer);
        CU_ASSERT(other != aid);
        free(longer);
        free(u);
        /* every id has distinct names */
        for (int b = aid + 1; b < SA__COUNT; b++) {
            CU_ASSERT(strcmp(l, schema_attr_name(b)) != 0);
            CU_ASSERT(strcmp(s, schema_attr_short(b)) != 0);
        }
    }
    CU_ASSERT_EQUAL(schema_attr_by_name("mnt-by"), SA_MNT_BY);
    CU_ASSERT_EQUAL(schema_attr_by_name("*MB"), SA_MNT_BY);
    CU_ASSERT_EQUAL(schema_attr_by_name("changed"), SA_CHANGED);
    CU_ASSERT_EQUAL(schema_attr_by_name("*con"), SA_CONTACT);
    CU_ASSERT_EQUAL(schema_attr_by_name("mnt-b"), -1);
    CU_ASSERT_EQUAL(schema_attr_by_name("mnt-byy"), -1);
    CU_ASSERT_EQUAL(schema_attr_by_name("foo"), -1);
    CU_ASSERT_EQUAL(schema_attr_by_name("*zz"), -1);
    CU_ASSERT_EQUAL(schema_attr_by_name(""), -1);
    CU_ASSERT_EQUAL(schema_attr_by_name(NULL), -1);
    CU_ASSERT_EQUAL(schema_attr_by_name("password"), -1);
    CU_ASSERT_PTR_NULL(schema_attr_name(-1));
    CU_ASSERT_PTR_NULL(schema_attr_name(SA__COUNT));
    CU_ASSERT_PTR_NULL(schema_attr_short(SA__COUNT));
    CU_ASSERT_EQUAL(schema_attr_refs(-1)[0], -1);
}

static void test_class_names(void)
{
    const char *prev = "";
    for (int c = 0; c < SC__COUNT; c++) {
        const char *n = schema_class_name(c);
        CU_ASSERT_PTR_NOT_NULL_FATAL(n);
        CU_ASSERT_EQUAL(schema_class_by_name(n), c);
        /* the class attribute has the class's name */
        CU_ASSERT(schema_attr_by_name(n) >= 0);
        /* enum order is alphabetical, as documented */
        CU_ASSERT(strcmp(prev, n) < 0);
        prev = n;
        char *u = xstrdup(n);
        upcase(u);
        CU_ASSERT_EQUAL(schema_class_by_name(u), c);
        free(u);
        /* the template starts with the class attribute */
        size_t nt = 0;
        const schema_tmpl_t *t = schema_template(c, &nt);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT(nt > 3);
        CU_ASSERT_STRING_EQUAL(schema_attr_name(t[0].aid), n);
        CU_ASSERT_EQUAL(schema_tmpl_find(c, t[0].aid), &t[0]);
        CU_ASSERT_PTR_NULL(schema_tmpl_find(c, SA_CHANGED));
    }
    CU_ASSERT_EQUAL(schema_class_by_name("mnt-by"), -1);
    CU_ASSERT_EQUAL(schema_class_by_name("inetnumx"), -1);
    CU_ASSERT_EQUAL(schema_class_by_name("nonsense"), -1);
    CU_ASSERT_PTR_NULL(schema_class_name(SC__COUNT));
    CU_ASSERT_PTR_NULL(schema_template(-1, NULL));
    CU_ASSERT_PTR_NULL(schema_tmpl_find(SC__COUNT, SA_MNT_BY));
}

/* ------------------------------------------------------------------ */
/* Tables against the spec files                                       */
/* ------------------------------------------------------------------ */

/* Copy of the text between the next '[' and ']' after *p; advances *p. */
static char *bracket(const char **p)
{
    const char *a = strchr(*p, '['), *b;
    if (a == NULL)
        return NULL;
    b = strchr(a, ']');
    if (b == NULL)
        return NULL;
    *p = b + 1;
    return xstrndup(a + 1, (size_t)(b - a - 1));
}

static void test_templates_vs_spec(void)
{
    char *path = spec_path("templates.txt");
    char *text = slurp(path, NULL);
    int cls = -1, seen[SC__COUNT] = { 0 };
    size_t line_no = 0, ntmpl = 0, checked = 0;
    const schema_tmpl_t *tmpl = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "## ", 3) == 0) {
            if (cls >= 0)
                CU_ASSERT_EQUAL(line_no, ntmpl);  /* no extra lines */
            cls = schema_class_by_name(line + 3);
            CU_ASSERT_FATAL(cls >= 0);
            seen[cls]++;
            tmpl = schema_template(cls, &ntmpl);
            line_no = 0;
            continue;
        }
        if (cls < 0 || !(line[0] >= 'a' && line[0] <= 'z'))
            continue;
        char *colon = strchr(line, ':');
        CU_ASSERT_FATAL(colon != NULL);
        *colon = 0;
        const char *p = colon + 1;
        char *req = bracket(&p), *card = bracket(&p), *keys = bracket(&p);
        CU_ASSERT_FATAL(req && card && keys);
        CU_ASSERT_FATAL(line_no < ntmpl);
        const schema_tmpl_t *t = &tmpl[line_no];
        if (strcmp(schema_attr_name(t->aid), line) != 0)
            fprintf(stderr, "%s line %zu: %s != %s\n", schema_class_name(cls),
                    line_no, schema_attr_name(t->aid), line);
        CU_ASSERT_STRING_EQUAL(schema_attr_name(t->aid), line);
        enum schema_req r = strcmp(req, "mandatory") == 0 ? SR_MANDATORY :
                            strcmp(req, "optional") == 0 ? SR_OPTIONAL :
                            strcmp(req, "generated") == 0 ? SR_GENERATED :
                            SR_CONDITIONAL;
        CU_ASSERT(strcmp(req, "conditional") == 0 || r != SR_CONDITIONAL);
        CU_ASSERT_EQUAL(t->req, r);
        CU_ASSERT_EQUAL(t->card, strcmp(card, "single") == 0 ? SK_SINGLE
                                                              : SK_MULTIPLE);
        CU_ASSERT(strcmp(card, "single") == 0 || strcmp(card, "multiple") == 0);
        unsigned k = 0;
        if (strstr(keys, "primary"))
            k |= SKEY_PRIMARY;
        if (strstr(keys, "lookup"))
            k |= SKEY_LOOKUP;
        if (strstr(keys, "inverse"))
            k |= SKEY_INVERSE;
        if (strstr(p, "(user order)"))
            k |= SKEY_USER_ORDER;
        CU_ASSERT_EQUAL(t->keys, k);
        CU_ASSERT_EQUAL(schema_tmpl_find(cls, t->aid), t);
        free(req);
        free(card);
        free(keys);
        line_no++;
        checked++;
    }
    if (cls >= 0)
        CU_ASSERT_EQUAL(line_no, ntmpl);
    for (int c = 0; c < SC__COUNT; c++)
        CU_ASSERT_EQUAL(seen[c], 1);
    CU_ASSERT(checked > 300);
    free(text);
    free(path);
}

static void test_attrs_vs_spec(void)
{
    char *path = spec_path("syntax.txt");
    char *text = slurp(path, NULL);
    int seen[SA__COUNT] = { 0 };
    int in_index = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "8. ATTRIBUTE INDEX")) {
            in_index = 1;
            continue;
        }
        if (!in_index || !(line[0] >= 'a' && line[0] <= 'z') ||
            strncmp(line, "attribute ", 10) == 0 ||
            strncmp(line, "notes:", 6) == 0)
            continue;
        char name[64], shortn[16], type[64], rest[128] = "";
        int n = sscanf(line, "%63s %15s %63s %127[^\n]", name, shortn, type,
                       rest);
        CU_ASSERT_FATAL(n >= 3);
        int aid = schema_attr_by_name(name);
        CU_ASSERT_FATAL(aid >= 0);
        seen[aid]++;
        CU_ASSERT_STRING_EQUAL(schema_attr_name(aid), name);
        CU_ASSERT_STRING_EQUAL(schema_attr_short(aid), shortn);
        CU_ASSERT_STRING_EQUAL(syntax_name(schema_attr_syntax(aid)), type);
        const char *r = rest;
        while (*r == ' ')
            r++;
        int list = strncmp(r, "list", 4) == 0;
        if (list)
            r += 4;
        CU_ASSERT_EQUAL((schema_attr_flags(aid) & SAF_LIST) != 0, list);
        /* referenced classes, in order */
        const int *refs = schema_attr_refs(aid);
        size_t k = 0;
        char *copy = xstrdup(r), *save = NULL;
        for (char *tok = strtok_r(copy, " ,", &save); tok;
             tok = strtok_r(NULL, " ,", &save)) {
            CU_ASSERT_EQUAL(refs[k], schema_class_by_name(tok));
            if (refs[k] < 0)
                break;
            k++;
        }
        CU_ASSERT_EQUAL(refs[k], -1);
        free(copy);
    }
    for (int aid = 0; aid < SA__COUNT; aid++)
        CU_ASSERT_EQUAL(seen[aid], 1);
    free(text);
    free(path);
}

/* ------------------------------------------------------------------ */
/* Classification                                                      */
/* ------------------------------------------------------------------ */

static void test_classify(void)
{
    diag_list_t d = DIAG_LIST_INIT;
    rpsl_obj_t *o = NULL;
    const char *text = "*mt:  TEST-MNT\n"
                       "*de:  short names\n"
                       "Admin-C: AA1-TEST\n"
                       "*dt:  dbm@example.net\n"
                       "*at:  PGPKEY-1290F9D2\n"
                       "*zz:  unknown short name\n"
                       "*mb:  TEST-MNT\n"
                       "*so:  TEST\n";

    CU_ASSERT_EQUAL_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, &d), 0);
    CU_ASSERT_EQUAL(schema_classify(o, &d), 0);
    CU_ASSERT_EQUAL(o->cls, SC_MNTNER);
    CU_ASSERT_STRING_EQUAL(o->attrs[0].name, "mntner");
    CU_ASSERT_STRING_EQUAL(o->attrs[1].name, "descr");
    CU_ASSERT_STRING_EQUAL(o->attrs[2].name, "admin-c");
    CU_ASSERT_STRING_EQUAL(o->attrs[5].name, "*zz");
    CU_ASSERT_STRING_EQUAL(o->attrs[7].name, "source");
    CU_ASSERT_EQUAL(o->attrs[0].aid, SA_MNTNER);
    CU_ASSERT_EQUAL(o->attrs[4].aid, SA_AUTH);
    CU_ASSERT_EQUAL(o->attrs[5].aid, -1);
    CU_ASSERT_EQUAL(o->attrs[6].aid, SA_MNT_BY);
    CU_ASSERT_STRING_EQUAL(o->attrs[6].value, "TEST-MNT");
    /* one warning for the whole object */
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_WARNING), 1);
    CU_ASSERT(has_diag(&d, DIAG_WARNING, DIAG_OBJECT,
                       "Short format attribute name(s) have been replaced."));
    /* the unknown short name is an error in strict mode */
    diag_list_free(&d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, 5,
                       "\"*zz\" is not a known RPSL attribute"));
    rpsl_obj_free(o);
    diag_list_free(&d);

    /* long names: no warning; short class attribute accepted */
    o = obj("*in: 192.0.2.0 - 192.0.2.255\nnetname: X\n", &d);
    CU_ASSERT_EQUAL(o->cls, SC_INETNUM);
    CU_ASSERT_STRING_EQUAL(o->attrs[0].name, "inetnum");
    rpsl_obj_free(o);
    diag_list_free(&d);
    o = obj(valid_objects[SC_PERSON], &d);
    CU_ASSERT_EQUAL(o->cls, SC_PERSON);
    CU_ASSERT_EQUAL(d.n, 0);
    CU_ASSERT_EQUAL(o->attrs[4].aid, SA_NIC_HDL);
    rpsl_obj_free(o);

    /* not an object */
    o = NULL;
    text = "mnt-by: TEST-MNT\nsource: TEST\n";
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL(schema_classify(o, &d), ERR_SYNTAX);
    CU_ASSERT_EQUAL(o->cls, -1);
    rpsl_obj_free(o);
    o = NULL;
    text = "hello: world\n";
    CU_ASSERT_EQUAL_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL), 0);
    CU_ASSERT_EQUAL(schema_classify(o, &d), ERR_SYNTAX);
    CU_ASSERT_EQUAL(o->cls, -1);
    CU_ASSERT_EQUAL(d.n, 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
}

/* ------------------------------------------------------------------ */
/* Strict validation, every class                                      */
/* ------------------------------------------------------------------ */

static void test_valid_all_classes(void)
{
    for (int c = 0; c < SC__COUNT; c++) {
        diag_list_t d = DIAG_LIST_INIT;
        CU_ASSERT_PTR_NOT_NULL_FATAL(valid_objects[c]);
        rpsl_obj_t *o = obj(valid_objects[c], &d);
        CU_ASSERT_EQUAL(o->cls, c);
        int n = strict_errors(o, &d);
        CU_ASSERT_EQUAL(n, 0);
        CU_ASSERT_EQUAL(diag_count(&d, DIAG_ERROR), 0);
        CU_ASSERT_EQUAL(diag_count(&d, DIAG_WARNING), 0);
        if (n != 0 || d.n != 0)
            dump_diags(schema_class_name(c), &d);
        /* with SCHEMA_CREATE too (creation-only rules are syntax.c's) */
        rpsl_obj_free(o);
        diag_list_free(&d);
    }
}

/* A copy of the valid object of @cls without every @aid attribute. */
static char *without(int cls, int aid)
{
    rpsl_obj_t *o = obj(valid_objects[cls], NULL);
    long i;
    buf_t b;

    while ((i = rpsl_obj_find_aid(o, aid, 0)) >= 0)
        rpsl_obj_remove(o, (size_t)i);
    buf_init(&b);
    rpsl_print(o, &b, RPSL_PRINT_RAW);
    rpsl_obj_free(o);
    return take(&b);
}

static void test_missing_mandatory(void)
{
    size_t tried = 0;

    for (int c = 0; c < SC__COUNT; c++) {
        size_t n;
        const schema_tmpl_t *t = schema_template(c, &n);
        for (size_t i = 1; i < n; i++) {
            if (t[i].req != SR_MANDATORY)
                continue;
            diag_list_t d = DIAG_LIST_INIT;
            char *text = without(c, t[i].aid);
            char *msg = xasprintf("Mandatory attribute \"%s\" is missing",
                                  schema_attr_name(t[i].aid));
            rpsl_obj_t *o = obj(text, &d);
            CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
            CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, msg));
            if (!has_diag(&d, DIAG_ERROR, DIAG_OBJECT, msg))
                dump_diags(msg, &d);
            rpsl_obj_free(o);
            diag_list_free(&d);
            free(msg);
            free(text);
            tried++;
        }
    }
    CU_ASSERT(tried > 80);
}

static void test_repeated_single(void)
{
    size_t tried = 0;

    for (int c = 0; c < SC__COUNT; c++) {
        size_t n;
        const schema_tmpl_t *t = schema_template(c, &n);
        for (size_t i = 0; i < n; i++) {
            if (t[i].card != SK_SINGLE)
                continue;
            diag_list_t d = DIAG_LIST_INIT;
            rpsl_obj_t *o = obj(valid_objects[c], &d);
            long idx = rpsl_obj_find_aid(o, t[i].aid, 0);
            if (idx < 0) {
                rpsl_obj_free(o);
                continue;
            }
            char *val = xstrdup(o->attrs[idx].value);
            size_t ni = rpsl_obj_insert(o, (size_t)idx + 1,
                                        schema_attr_name(t[i].aid), val);
            o->attrs[ni].aid = t[i].aid;
            char *msg = xasprintf("Attribute \"%s\" appears more than once",
                                  schema_attr_name(t[i].aid));
            int errs = strict_errors(o, &d);
            if (t[i].aid == SA_CREATED || t[i].aid == SA_LAST_MODIFIED) {
                /* supplied ones are all replaced: several are accepted,
                 * but not in an object stored as given (a load) */
                CU_ASSERT_EQUAL(errs, 0);
                CU_ASSERT_FALSE(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, msg));
                CU_ASSERT(schema_validate(o, SCHEMA_STRICT | SCHEMA_AS_GIVEN,
                                          NULL, &d) >= 1);
                CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, msg));
                rpsl_obj_free(o);
                diag_list_free(&d);
                free(msg);
                free(val);
                tried++;
                continue;
            }
            CU_ASSERT(errs >= 1);
            CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, msg));
            if (!has_diag(&d, DIAG_ERROR, DIAG_OBJECT, msg))
                dump_diags(msg, &d);
            rpsl_obj_free(o);
            diag_list_free(&d);
            free(msg);
            free(val);
            tried++;
        }
    }
    CU_ASSERT(tried >= 3 * SC__COUNT);
}

static void test_not_in_template(void)
{
    for (int c = 0; c < SC__COUNT; c++) {
        int aid;
        for (aid = 0; aid < SA__COUNT; aid++)
            if (aid != SA_CHANGED && schema_tmpl_find(c, aid) == NULL)
                break;
        CU_ASSERT_FATAL(aid < SA__COUNT);
        diag_list_t d = DIAG_LIST_INIT;
        char *text = xasprintf("%s%s: something\nfoo-bar: x\n",
                               valid_objects[c], schema_attr_name(aid));
        rpsl_obj_t *o = obj(text, &d);
        size_t last = o->nattrs - 1;
        char *msg = xasprintf("\"%s\" is not valid for this object type",
                              schema_attr_name(aid));
        CU_ASSERT_EQUAL(strict_errors(o, &d), 2);
        CU_ASSERT(has_diag(&d, DIAG_ERROR, (int)last - 1, msg));
        CU_ASSERT(has_diag(&d, DIAG_ERROR, (int)last,
                           "\"foo-bar\" is not a known RPSL attribute"));
        /* non-strict mode accepts both silently */
        diag_list_free(&d);
        CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 0);
        CU_ASSERT_EQUAL(d.n, 0);
        rpsl_obj_free(o);
        diag_list_free(&d);
        free(msg);
        free(text);
    }
}

static void test_bad_key_syntax(void)
{
    for (int c = 0; c < SC__COUNT; c++) {
        size_t n;
        const schema_tmpl_t *t = schema_template(c, &n);
        for (size_t i = 0; i < n; i++) {
            if (!(t[i].keys & SKEY_PRIMARY))
                continue;
            for (int strict = 1; strict >= 0; strict--) {
                diag_list_t d = DIAG_LIST_INIT;
                rpsl_obj_t *o = obj(valid_objects[c], &d);
                long idx = rpsl_obj_find_aid(o, t[i].aid, 0);
                CU_ASSERT_FATAL(idx >= 0);
                rpsl_obj_set_value(o, (size_t)idx, "!!bad key!!");
                int errs = schema_validate(o, strict ? SCHEMA_STRICT
                                                     : SCHEMA_NON_STRICT,
                                           "TEST", &d);
                CU_ASSERT_EQUAL(errs, 1);
                CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, (int)idx), 1);
                CU_ASSERT(has_error_containing(&d, (int)idx, "!!bad key!!"));
                if (errs != 1)
                    dump_diags(schema_class_name(c), &d);
                rpsl_obj_free(o);
                diag_list_free(&d);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Specific rules                                                      */
/* ------------------------------------------------------------------ */

static void test_changed_removed(void)
{
    diag_list_t d = DIAG_LIST_INIT;
    char *text = xasprintf("%schanged: dbm@example.net 20200101\n"
                           "changed: dbm@example.net\nfoo: bar\n",
                           valid_objects[SC_MNTNER]);
    rpsl_obj_t *o = obj(text, &d);
    size_t n0 = o->nattrs;

    /* a diagnostic already on the last attribute follows it */
    diag_add(&d, DIAG_INFO, (int)n0 - 1, "marker");
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT_EQUAL(o->nattrs, n0 - 2);
    CU_ASSERT_EQUAL(rpsl_obj_find_aid(o, SA_CHANGED, 0), -1);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_WARNING), 1);
    CU_ASSERT(has_diag(&d, DIAG_WARNING, DIAG_OBJECT, "Deprecated attribute "
                       "\"changed\". This attribute has been removed."));
    CU_ASSERT(has_diag(&d, DIAG_INFO, (int)o->nattrs - 1, "marker"));
    CU_ASSERT(has_diag(&d, DIAG_ERROR, (int)o->nattrs - 1,
                       "\"foo\" is not a known RPSL attribute"));
    rpsl_obj_free(o);
    diag_list_free(&d);

    /* non-strict: kept, no message */
    o = obj(text, &d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 0);
    CU_ASSERT_EQUAL(o->nattrs, n0);
    CU_ASSERT_EQUAL(d.n, 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    /* aut-num: mnt-lower:/mnt-routes: are dropped with a warning */
    text = xasprintf("%smnt-lower: TEST-MNT\nmnt-routes: TEST-MNT\n",
                     valid_objects[SC_AUT_NUM]);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 0);
    CU_ASSERT_EQUAL(rpsl_obj_find_aid(o, SA_MNT_LOWER, 0), -1);
    CU_ASSERT_EQUAL(rpsl_obj_find_aid(o, SA_MNT_ROUTES, 0), -1);
    CU_ASSERT(has_diag(&d, DIAG_WARNING, DIAG_OBJECT, "Deprecated attribute "
                       "\"mnt-lower\". This attribute has been removed."));
    CU_ASSERT(has_diag(&d, DIAG_WARNING, DIAG_OBJECT, "Deprecated attribute "
                       "\"mnt-routes\". This attribute has been removed."));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);
}

static void test_source_rules(void)
{
    diag_list_t d = DIAG_LIST_INIT;
    rpsl_obj_t *o;
    char *text;
    long idx;

    /* wrong source */
    o = obj(valid_objects[SC_MNTNER], &d);
    idx = rpsl_obj_find_aid(o, SA_SOURCE, 0);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "RIPE", &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT,
                       "Unrecognized source: TEST"));
    diag_list_free(&d);
    /* NULL source: any valid source */
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, NULL, &d), 0);
    diag_list_free(&d);
    /* lower case is upper-cased */
    rpsl_obj_set_value(o, (size_t)idx, "test");
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "TEST", &d), 0);
    CU_ASSERT_STRING_EQUAL(o->attrs[idx].value, "TEST");
    diag_list_free(&d);
    /* -NONAUTH: not for mntner */
    rpsl_obj_set_value(o, (size_t)idx, "TEST-NONAUTH");
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "test", &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT,
                       "Source TEST-NONAUTH is not allowed for mntner "
                       "objects"));
    diag_list_free(&d);
    rpsl_obj_free(o);

    /* -NONAUTH for route, aut-num, route6, as-set */
    const int na[] = { SC_ROUTE, SC_AUT_NUM, SC_ROUTE6, SC_AS_SET };
    for (size_t k = 0; k < 4; k++) {
        o = obj(valid_objects[na[k]], &d);
        idx = rpsl_obj_find_aid(o, SA_SOURCE, 0);
        rpsl_obj_set_value(o, (size_t)idx, "test-nonauth");
        CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "TEST", &d), 0);
        CU_ASSERT_STRING_EQUAL(o->attrs[idx].value, "TEST-NONAUTH");
        CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 0);
        rpsl_obj_free(o);
        diag_list_free(&d);
    }

    /* end-of-line comment on source: */
    text = xasprintf("%s", valid_objects[SC_ROUTE]);
    text[strlen(text) - 1] = 0;
    char *t2 = xasprintf("%s # comment\n", text);
    o = obj(t2, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, "End of line comments not "
                       "allowed on \"source:\" attribute"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(t2);
    free(text);

    /* missing source in non-strict mode */
    text = without(SC_ROUTE, SA_SOURCE);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT,
                       "Mandatory attribute \"source\" is missing"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);
}

static void test_conditional_sets(void)
{
    diag_list_t d = DIAG_LIST_INIT;
    char *text = xasprintf("%smp-filter: AS64497\n",
                           valid_objects[SC_FILTER_SET]);
    rpsl_obj_t *o = obj(text, &d);

    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, "A filter-set object "
                       "cannot contain both filter and mp-filter attributes"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    text = without(SC_FILTER_SET, SA_FILTER);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, "A filter-set object "
                       "must contain either filter or mp-filter attribute"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    text = without(SC_PEERING_SET, SA_PEERING);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT, "A peering-set object "
                       "must contain either peering or mp-peering attribute"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    /* mp-peering alone is enough */
    char *base = without(SC_PEERING_SET, SA_PEERING);
    text = xasprintf("%smp-peering: AS64497\n", base);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);
    free(base);
}

static void test_values(void)
{
    diag_list_t d = DIAG_LIST_INIT;
    rpsl_obj_t *o;
    char *text;

    /* empty values: only free-form */
    text = xasprintf("%sremarks:\nmnt-by:\n", valid_objects[SC_MNTNER]);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, (int)o->nattrs - 1), 1);
    CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, (int)o->nattrs - 2), 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    /* list values: empty items and bad items */
    text = xasprintf("%smnt-by: A-MNT,,B-MNT\nmnt-by: C-MNT, !bad!\n"
                     "mnt-by: D-MNT ,E-MNT\n", valid_objects[SC_MNTNER]);
    o = obj(text, &d);
    size_t n = o->nattrs;
    CU_ASSERT_EQUAL(strict_errors(o, &d), 2);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, (int)n - 3,
                       "Syntax error in A-MNT,,B-MNT"));
    CU_ASSERT(has_error_containing(&d, (int)n - 2, "!bad!"));
    CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, (int)n - 1), 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    /* a bad non-key value is an attribute-level error */
    text = xasprintf("%scountry: ZZ9\n", valid_objects[SC_INETNUM]);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 1);
    CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, (int)o->nattrs - 1), 1);
    /* ... accepted silently in non-strict mode */
    diag_list_free(&d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    /* key normalisation: inetnum prefix to range, with an Info */
    o = obj("inetnum: 192.0.2.0/24\nnetname: TEST-NET\ncountry: NL\n"
            "admin-c: AA1-TEST\ntech-c: AA1-TEST\nstatus: ASSIGNED PA\n"
            "mnt-by: TEST-MNT\nsource: TEST\n", &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 0);
    CU_ASSERT_STRING_EQUAL(o->attrs[0].value, "192.0.2.0 - 192.0.2.255");
    CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_INFO, 0), 1);
    rpsl_obj_free(o);
    diag_list_free(&d);

    /* comments and continuation lines on a key are removed with Infos */
    o = obj("route: 192.0.2.0/24 # my route\norigin: AS64496\n"
            "mnt-by: TEST-MNT\nsource: TEST\n", &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 0);
    CU_ASSERT_PTR_NULL(o->attrs[0].lines[0].comment);
    CU_ASSERT(has_diag(&d, DIAG_INFO, 0, "Please use the \"remarks:\" "
                       "attribute instead of end of line comment on "
                       "primary key"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    o = obj("mntner: TEST-\n MNT\nadmin-c: AA1-TEST\nupd-to: a@example.net\n"
            "auth: PGPKEY-1290F9D2\nmnt-by: TEST-MNT\nsource: TEST\n", &d);
    CU_ASSERT_EQUAL(o->attrs[0].nlines, 2);
    strict_errors(o, &d);
    CU_ASSERT_EQUAL(o->attrs[0].nlines, 1);
    CU_ASSERT(has_diag(&d, DIAG_INFO, 0, "Continuation lines are not allowed "
                       "here and have been removed"));
    rpsl_obj_free(o);
    diag_list_free(&d);

    /* generated attributes are not syntax-checked */
    text = xasprintf("%screated: whenever\n", valid_objects[SC_ROUTE]);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(strict_errors(o, &d), 0);
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);

    /* diags may be NULL */
    text = xasprintf("%sfoo: bar\n", valid_objects[SC_ROUTE]);
    o = obj(text, NULL);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "TEST", NULL), 1);
    rpsl_obj_free(o);
    free(text);

    /* an unclassified object is an error */
    o = rpsl_obj_new();
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "TEST", &d), 1);
    rpsl_obj_free(o);
    diag_list_free(&d);
}

static void test_create_mode(void)
{
    diag_list_t d = DIAG_LIST_INIT;
    const char *hdls[] = { "TP1-TEST", "AUTO-1", "TP1-XYZZY" };
    const int want[] = { 0, 0, 1 };

    for (size_t i = 0; i < 3; i++) {
        rpsl_obj_t *o = obj(valid_objects[SC_PERSON], &d);
        long idx = rpsl_obj_find_aid(o, SA_NIC_HDL, 0);
        rpsl_obj_set_value(o, (size_t)idx, hdls[i]);
        /* the suffix rule only applies on creation */
        CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "TEST", &d), 0);
        diag_list_free(&d);
        CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT | SCHEMA_CREATE,
                                        "TEST", &d), want[i]);
        CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, (int)idx),
                        (size_t)want[i]);
        rpsl_obj_free(o);
        diag_list_free(&d);
    }

    /* creation rules apply to the key, not to references */
    rpsl_obj_t *o = obj("mntner: TESTMNT\nadmin-c: AA1-TEST\n"
                        "upd-to: dbm@example.net\nauth: PGPKEY-1290F9D2\n"
                        "mnt-by: TESTMNT\nsource: TEST\n", &d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT, "TEST", &d), 0);
    diag_list_free(&d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_STRICT | SCHEMA_CREATE, "TEST",
                                    &d), 1);
    CU_ASSERT_EQUAL(diag_count_attr(&d, DIAG_ERROR, 0), 1);
    rpsl_obj_free(o);
    diag_list_free(&d);
}

static void test_non_strict_legacy(void)
{
    /* a legacy person: abuse-mailbox: not in the template, no e-mail: */
    const char *legacy =
        "person:         John Smith\n"
        "address:        Example LTD\n"
        "phone:          +44 1737 892 004\n"
        "nic-hdl:        JS1-TEST\n"
        "mnt-by:         EXAMPLE-MNT\n"
        "abuse-mailbox:  abuse@example.com\n"
        "changed:        john@example.com 20010101\n"
        "source:         TEST\n";
    diag_list_t d = DIAG_LIST_INIT;
    rpsl_obj_t *o = obj(legacy, &d);

    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 0);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_ERROR), 0);
    CU_ASSERT_EQUAL(o->nattrs, 8);
    diag_list_free(&d);
    /* strict mode rejects it */
    CU_ASSERT(schema_validate(o, SCHEMA_STRICT, "TEST", &d) >= 2);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT,
                       "Mandatory attribute \"e-mail\" is missing"));
    rpsl_obj_free(o);
    diag_list_free(&d);

    /* non-strict, other source */
    o = obj(legacy, &d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "RIPE", &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT,
                       "Unrecognized source: TEST"));
    diag_list_free(&d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, NULL, &d), 0);
    rpsl_obj_free(o);
    diag_list_free(&d);

    /* non-strict, missing primary key */
    char *text = without(SC_PERSON, SA_NIC_HDL);
    o = obj(text, &d);
    CU_ASSERT_EQUAL(schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d), 1);
    CU_ASSERT(has_diag(&d, DIAG_ERROR, DIAG_OBJECT,
                       "Mandatory attribute \"nic-hdl\" is missing"));
    rpsl_obj_free(o);
    diag_list_free(&d);
    free(text);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

static void check_pkey(const char *text, const char *want)
{
    rpsl_obj_t *o = obj(text, NULL);
    buf_t b;

    buf_init(&b);
    buf_puts(&b, "<");
    CU_ASSERT_EQUAL(schema_pkey(o, &b), 0);
    CU_ASSERT_STRING_EQUAL(b.s + 1, want);
    buf_free(&b);
    rpsl_obj_free(o);
}

static void test_pkey(void)
{
    check_pkey(valid_objects[SC_PERSON], "TP1-TEST");
    check_pkey(valid_objects[SC_ROLE], "TR1-TEST");
    check_pkey(valid_objects[SC_ROUTE], "192.0.2.0/24AS64496");
    check_pkey(valid_objects[SC_ROUTE6], "2001:db8::/32AS64496");
    check_pkey(valid_objects[SC_MNTNER], "TEST-MNT");
    check_pkey(valid_objects[SC_INETNUM], "192.0.2.0 - 192.0.2.255");
    check_pkey("route: 192.0.2.0/24\norigin: as65000\n", "192.0.2.0/24as65000");

    /* missing / empty key: ERR_SYNTAX, buffer unchanged */
    const char *bad[] = { "route: 192.0.2.0/24\nsource: TEST\n",
                          "person: No Handle\nnic-hdl:\n",
                          "mntner:\nsource: TEST\n" };
    for (size_t i = 0; i < 3; i++) {
        rpsl_obj_t *o = obj(bad[i], NULL);
        buf_t b;
        buf_init(&b);
        buf_puts(&b, "x");
        CU_ASSERT_EQUAL(schema_pkey(o, &b), ERR_SYNTAX);
        CU_ASSERT_STRING_EQUAL(b.s, "x");
        buf_free(&b);
        rpsl_obj_free(o);
    }
    rpsl_obj_t *o = rpsl_obj_new();
    buf_t b;
    buf_init(&b);
    CU_ASSERT_EQUAL(schema_pkey(o, &b), ERR_SYNTAX);
    buf_free(&b);
    rpsl_obj_free(o);
}

static void check_range(const char *text, int want_rc, const char *want)
{
    rpsl_obj_t *o = obj(text, NULL);
    ip_range_t r;
    buf_t b;

    CU_ASSERT_EQUAL(schema_obj_range(o, &r), want_rc);
    if (want_rc == 0 && want != NULL) {
        buf_init(&b);
        ip_format_range(&r, &b);
        CU_ASSERT_STRING_EQUAL(b.s, want);
        buf_free(&b);
    }
    rpsl_obj_free(o);
}

static void test_obj_range(void)
{
    check_range(valid_objects[SC_INETNUM], 0, "192.0.2.0 - 192.0.2.255");
    check_range("inetnum: 10.0.0.0/8\n", 0, "10.0.0.0 - 10.255.255.255");
    check_range(valid_objects[SC_INET6NUM], 0, "2001:db8::/32");
    check_range(valid_objects[SC_ROUTE], 0, "192.0.2.0 - 192.0.2.255");
    check_range(valid_objects[SC_ROUTE6], 0, "2001:db8::/32");
    check_range(valid_objects[SC_DOMAIN], 0, "192.0.2.0 - 192.0.2.255");
    check_range("domain: 8.b.d.0.1.0.0.2.ip6.arpa\n", 0, "2001:db8::/32");
    check_range("domain: 1.2.3.4.e164.arpa\n", ERR_NOTFOUND, NULL);
    check_range("domain: 1.2.3.4.E164.ARPA.\n", ERR_NOTFOUND, NULL);
    check_range(valid_objects[SC_MNTNER], ERR_NOTFOUND, NULL);
    check_range(valid_objects[SC_AUT_NUM], ERR_NOTFOUND, NULL);
    check_range("inetnum: 192.0.2.300 - 192.0.2.1\n", ERR_SYNTAX, NULL);
    check_range("route: 192.0.2.0\norigin: AS1\n", ERR_SYNTAX, NULL);
    check_range("route6: 192.0.2.0/24\norigin: AS1\n", ERR_SYNTAX, NULL);
    check_range("domain: example.com\n", ERR_SYNTAX, NULL);
    check_range("inet6num:\n", ERR_SYNTAX, NULL);
}

static int collect_key(enum schema_keykind kind, int aid, const char *value,
                       size_t len, void *arg)
{
    buf_printf(arg, "%c %s=%.*s\n", kind == SCHEMA_KEY_INVERSE ? 'I' : 'L',
               schema_attr_name(aid), (int)len, value);
    return 0;
}

static char *keys_of(const char *text)
{
    rpsl_obj_t *o = obj(text, NULL);
    buf_t b;

    buf_init(&b);
    CU_ASSERT_EQUAL(schema_each_key(o, collect_key, &b), 0);
    rpsl_obj_free(o);
    return take(&b);
}

static int stop_at(enum schema_keykind kind, int aid, const char *value,
                   size_t len, void *arg)
{
    (void)kind; (void)aid; (void)value; (void)len;
    int *calls = arg;
    return ++*calls == 2 ? 42 : 0;
}

static void test_each_key(void)
{
    char *k = keys_of(
        "mntner:         TEST-MNT\n"
        "descr:          Test maintainer\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA2-TEST\n"
        "upd-to:         dbm@example.net\n"
        "mnt-nfy:        nfy@example.net\n"
        "auth:           MD5-PW $1$abcdefgh$abcdefghijklmnopqrstuv\n"
        "auth:           PGPKEY-1290F9D2\n"
        "auth:           X509-12 # cert\n"
        "auth:           SSO someone@example.net\n"
        "notify:         ntf@example.net\n"
        "mnt-by:         TEST-MNT, OTHER-MNT\n"
        "mnt-ref:        REF-MNT\n"
        "bogus:          ignored\n"
        "source:         TEST\n");
    CU_ASSERT_STRING_EQUAL(k,
        "I admin-c=AA1-TEST\n"
        "I tech-c=AA2-TEST\n"
        "I upd-to=dbm@example.net\n"
        "I mnt-nfy=nfy@example.net\n"
        "I auth=PGPKEY-1290F9D2\n"
        "I auth=X509-12\n"
        "I notify=ntf@example.net\n"
        "I mnt-by=TEST-MNT\n"
        "I mnt-by=OTHER-MNT\n"
        "I mnt-ref=REF-MNT\n");
    free(k);

    k = keys_of(
        "inetnum:        192.0.2.0 - 192.0.2.255\n"
        "netname:        TEST-NET\n"
        "country:        NL\n"
        "org:            ORG-TT1-TEST\n"
        "admin-c:        AA1-TEST\n"
        "tech-c:         AA2-TEST\n"
        "status:         ASSIGNED PA\n"
        "mnt-by:         TEST-MNT\n"
        "mnt-routes:     ROUTES-MNT {192.0.2.0/25^+}\n"
        "mnt-routes:     ANY-MNT ANY\n"
        "mnt-irt:        IRT-TEST\n"
        "source:         TEST\n");
    CU_ASSERT_STRING_EQUAL(k,
        "L netname=TEST-NET\n"
        "I org=ORG-TT1-TEST\n"
        "I admin-c=AA1-TEST\n"
        "I tech-c=AA2-TEST\n"
        "I mnt-by=TEST-MNT\n"
        "I mnt-routes=ROUTES-MNT\n"
        "I mnt-routes=ANY-MNT\n"
        "I mnt-irt=IRT-TEST\n");
    free(k);

    k = keys_of(
        "person:         Test Person\n"
        "e-mail:         tp@example.net\n"
        "nic-hdl:        TP1-TEST\n"
        "mnt-by:         TEST-MNT\n"
        "source:         TEST\n");
    CU_ASSERT_STRING_EQUAL(k,
        "L person=Test Person\n"
        "L e-mail=tp@example.net\n"
        "I mnt-by=TEST-MNT\n");
    free(k);

    k = keys_of(
        "domain:         2.0.192.in-addr.arpa\n"
        "nserver:        ns1.example.net 192.0.2.53\n"
        "inet-rtr:       not in the template\n"
        "source:         TEST\n");
    CU_ASSERT_STRING_EQUAL(k, "I nserver=ns1.example.net\n");
    free(k);

    k = keys_of(
        "route:          192.0.2.0/24\n"
        "origin:         AS64496\n"
        "member-of:      RS-A, AS1:RS-B\n"
        "source:         TEST\n");
    CU_ASSERT_STRING_EQUAL(k,
        "I origin=AS64496\n"
        "I member-of=RS-A\n"
        "I member-of=AS1:RS-B\n");
    free(k);

    /* a non-zero return stops the walk */
    rpsl_obj_t *o = obj(valid_objects[SC_MNTNER], NULL);
    int calls = 0;
    CU_ASSERT_EQUAL(schema_each_key(o, stop_at, &calls), 42);
    CU_ASSERT_EQUAL(calls, 2);
    rpsl_obj_free(o);
}

/* ------------------------------------------------------------------ */
/* The RIPE test database                                              */
/* ------------------------------------------------------------------ */

static void test_corpus_non_strict(void)
{
    const char *path = harness_corpus("ripe-TEST.db");
    size_t len = 0, pos = 0, plen, nobj = 0;
    unsigned lineno = 1, pline;
    const char *start;
    int classes[SC__COUNT] = { 0 };
    char *text;

    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    text = slurp(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    while (rpsl_next_paragraph(text, len, &pos, &lineno,
                               RPSL_PARSE_SKIP_COMMENT_LINES, &start, &plen,
                               &pline)) {
        diag_list_t d = DIAG_LIST_INIT;
        rpsl_obj_t *o = NULL;
        int rc = rpsl_parse(start, plen, pline, RPSL_PARSE_SKIP_COMMENT_LINES,
                            &o, &d);
        CU_ASSERT_EQUAL(rc, 0);
        if (rc != 0)
            continue;
        rc = schema_classify(o, &d);
        CU_ASSERT_EQUAL(rc, 0);
        if (rc == 0) {
            classes[o->cls]++;
            int errs = schema_validate(o, SCHEMA_NON_STRICT, "TEST", &d);
            CU_ASSERT_EQUAL(errs, 0);
            if (errs != 0) {
                fprintf(stderr, "ripe-TEST.db line %u:\n", pline);
                dump_diags(schema_class_name(o->cls), &d);
            }
            buf_t b;
            buf_init(&b);
            CU_ASSERT_EQUAL(schema_pkey(o, &b), 0);
            buf_free(&b);
        } else {
            fprintf(stderr, "ripe-TEST.db line %u: not an object\n", pline);
        }
        nobj++;
        rpsl_obj_free(o);
        diag_list_free(&d);
    }
    CU_ASSERT(nobj > 200);
    CU_ASSERT(classes[SC_INETNUM] > 10);
    CU_ASSERT(classes[SC_PERSON] > 10);
    free(text);
}

void suite_schema(void);
void suite_schema(void)
{
    CU_pSuite s = harness_suite("schema");
    HARNESS_ADD(s, test_attr_names);
    HARNESS_ADD(s, test_class_names);
    HARNESS_ADD(s, test_templates_vs_spec);
    HARNESS_ADD(s, test_attrs_vs_spec);
    HARNESS_ADD(s, test_classify);
    HARNESS_ADD(s, test_valid_all_classes);
    HARNESS_ADD(s, test_missing_mandatory);
    HARNESS_ADD(s, test_repeated_single);
    HARNESS_ADD(s, test_not_in_template);
    HARNESS_ADD(s, test_bad_key_syntax);
    HARNESS_ADD(s, test_changed_removed);
    HARNESS_ADD(s, test_source_rules);
    HARNESS_ADD(s, test_conditional_sets);
    HARNESS_ADD(s, test_values);
    HARNESS_ADD(s, test_create_mode);
    HARNESS_ADD(s, test_non_strict_legacy);
    HARNESS_ADD(s, test_pkey);
    HARNESS_ADD(s, test_obj_range);
    HARNESS_ADD(s, test_each_key);
    HARNESS_ADD(s, test_corpus_non_strict);
}
