/*
 * test_rules.c - the pure helpers of the business rules and the
 * authorisation module: reserved origin ASNs, the status hierarchy
 * (syntax.txt section 4), hierarchical set names (AS numbers and
 * as-block ranges: tests/unit/rpsl/test_asn.c), the refusal of objects
 * of a mirrored source.
 */
#include <stdlib.h>
#include <string.h>

#include "registry/authz.h"
#include "harness.h"
#include "registry/rules.h"
#include "rpsl/schema.h"
#include "util/strv.h"

static void test_reserved_asn(void)
{
    CU_ASSERT(rules_asn_reserved(0));
    CU_ASSERT(rules_asn_reserved(23456));
    CU_ASSERT(rules_asn_reserved(65000));
    CU_ASSERT(rules_asn_reserved(65535));
    CU_ASSERT(rules_asn_reserved(4200000000u));
    CU_ASSERT(rules_asn_reserved(4294967295u));
    CU_ASSERT(!rules_asn_reserved(3333));
    CU_ASSERT(!rules_asn_reserved(64500));      /* documentation: allowed */
    CU_ASSERT(!rules_asn_reserved(65536));
}

static void test_status_hierarchy(void)
{
    CU_ASSERT(rules_status_allowed(SC_INETNUM, "ASSIGNED PA", "ALLOCATED PA"));
    CU_ASSERT(rules_status_allowed(SC_INETNUM, "assigned pa", "sub-allocated pa"));
    CU_ASSERT(!rules_status_allowed(SC_INETNUM, "ASSIGNED PA", "ASSIGNED PA"));
    CU_ASSERT(!rules_status_allowed(SC_INETNUM, "ALLOCATED PA", "ALLOCATED PA"));
    CU_ASSERT(rules_status_allowed(SC_INETNUM, "LEGACY", "LEGACY"));
    CU_ASSERT(rules_status_allowed(SC_INET6NUM, "ASSIGNED", "ALLOCATED-BY-LIR"));
    CU_ASSERT(!rules_status_allowed(SC_INET6NUM, "ASSIGNED PI", "ALLOCATED-BY-LIR"));
    CU_ASSERT(!rules_status_allowed(SC_INETNUM, "NONSENSE", "ALLOCATED PA"));
    CU_ASSERT(!rules_status_allowed(SC_INETNUM, "ASSIGNED PA", NULL));
    CU_ASSERT(authz_status_ncc_only(SC_INETNUM, "ALLOCATED PA"));
    CU_ASSERT(!authz_status_ncc_only(SC_INETNUM, "ASSIGNED PA"));
    CU_ASSERT(authz_status_ncc_only(SC_INET6NUM, "ASSIGNED PI"));
}

static void set_parent(const char *text, const char *want, int want_cls)
{
    rpsl_obj_t *o = NULL;
    CU_ASSERT_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL) == 0 && o != NULL);
    CU_ASSERT_FATAL(schema_classify(o, NULL) == 0);
    char *p = NULL;
    int cls = -1;
    int r = authz_set_parent(o, &p, &cls);
    if (want == NULL) {
        CU_ASSERT(r == 0 && p == NULL);
    } else {
        CU_ASSERT(r == 1);
        CU_ASSERT(p != NULL && strcmp(p, want) == 0);
        CU_ASSERT(cls == want_cls);
    }
    free(p);
    rpsl_obj_free(o);
}

static void test_set_parents(void)
{
    set_parent("as-set: AS65000:AS-CUSTOMERS\nsource: TEST\n", "AS65000", SC_AUT_NUM);
    set_parent("as-set: AS1:AS-A:AS-B\nsource: TEST\n", "AS1:AS-A", SC_AS_SET);
    set_parent("route-set: RS-A:RS-B\nsource: TEST\n", "RS-A", SC_ROUTE_SET);
    set_parent("filter-set: AS1:FLTR-X\nsource: TEST\n", "AS1", SC_AUT_NUM);
    set_parent("as-set: as65536:AS-X\nsource: TEST\n", "as65536", SC_AUT_NUM);
    /* "AS0123" is no AS number (rpsl/asn.h); authz's own parser used to
     * read it as AS123 and send the check to aut-num AS0123 */
    set_parent("as-set: AS0123:AS-X\nsource: TEST\n", "AS0123", SC_AS_SET);
    set_parent("rtr-set: RTRS-FLAT\nsource: TEST\n", NULL, 0);
    set_parent("person: X\nsource: TEST\n", NULL, 0);
}

/* rules_source_mirrored() on an object whose source: is @source. */
static int mirrored(const char *source, const strv_t *list, diag_list_t *d)
{
    char *text = xasprintf("person: X\nnic-hdl: X1-TEST\nsource: %s\n", source);
    rpsl_obj_t *o = NULL;
    rules_policy_t p;
    memset(&p, 0, sizeof p);
    p.source = "TEST";
    p.mirrored_sources = list;
    CU_ASSERT_FATAL(rpsl_parse(text, strlen(text), 1, 0, &o, NULL) == 0);
    int r = rules_source_mirrored(o, &p, d);
    rpsl_obj_free(o);
    free(text);
    return r;
}

static void test_source_mirrored(void)
{
    strv_t l;
    diag_list_t d;
    strv_init(&l);
    diag_list_init(&d);
    CU_ASSERT_EQUAL(mirrored("RIPE-MIRROR", NULL, &d), 0);
    CU_ASSERT_EQUAL(mirrored("RIPE-MIRROR", &l, &d), 0);
    strv_add(&l, "RADB");
    strv_add(&l, "RIPE-MIRROR");
    CU_ASSERT_EQUAL(mirrored("TEST", &l, &d), 0);
    CU_ASSERT_EQUAL(mirrored("RIPE-MIRRORX", &l, &d), 0);
    CU_ASSERT_EQUAL(mirrored("RIPE", &l, &d), 0);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_ERROR), 0);
    /* any case, a comment after it */
    CU_ASSERT_EQUAL(mirrored("RIPE-MIRROR", &l, &d), 1);
    CU_ASSERT_EQUAL(mirrored("ripe-Mirror", &l, &d), 1);
    CU_ASSERT_EQUAL(mirrored("radb # Filtered", &l, &d), 1);
    CU_ASSERT_EQUAL(diag_count(&d, DIAG_ERROR), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.v[0].text, "Source RIPE-MIRROR is mirrored"));
    diag_list_free(&d);
    strv_free(&l);
}

void suite_rules(void);
void suite_rules(void)
{
    CU_pSuite s = harness_suite("rules");
    HARNESS_ADD(s, test_reserved_asn);
    HARNESS_ADD(s, test_status_hierarchy);
    HARNESS_ADD(s, test_set_parents);
    HARNESS_ADD(s, test_source_mirrored);
}
