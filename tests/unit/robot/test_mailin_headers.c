/*
 * test_mailin_headers.c - the header fields that mark mail from
 * auto-responders and lists (mailin_msg_t: precedence, list_id,
 * autoreply, x_loop), which the robot does not answer.
 */
#include <string.h>

#include "harness.h"
#include "robot/mailin.h"

static mailin_msg_t *parse(const char *raw)
{
    mailin_msg_t *m = NULL;
    CU_ASSERT_EQUAL(mailin_parse(raw, strlen(raw), NULL, &m, NULL), 0);
    return m;
}

static void test_loop_fields(void)
{
    mailin_msg_t *m = parse("From: a@example.com\n"
                            "X-Loop: one@example.com\n"
                            "Precedence:  Bulk \n"
                            "List-Id: Routing <routing.lists.example.org>\n"
                            "X-Autorespond: vacation\n"
                            "X-Loop: Robot\n <auto-dbm@example.net>\n"
                            "\nbody\n");
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_STRING_EQUAL(m->precedence, "Bulk");
    CU_ASSERT_STRING_EQUAL(m->list_id, "Routing <routing.lists.example.org>");
    CU_ASSERT_STRING_EQUAL(m->autoreply, "vacation");
    CU_ASSERT_EQUAL_FATAL(m->x_loop.n, 2);          /* every X-Loop, in order */
    CU_ASSERT_STRING_EQUAL(m->x_loop.v[0], "one@example.com");
    CU_ASSERT_PTR_NOT_NULL(strstr(m->x_loop.v[1], "<auto-dbm@example.net>"));
    mailin_free(m);
}

/* X-Autoreply wins over X-Autorespond; present but empty is "". */
static void test_autoreply_empty(void)
{
    mailin_msg_t *m = parse("From: a@example.com\nX-Autoreply:\nX-Autorespond: x\n\nbody\n");
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->autoreply);
    CU_ASSERT_STRING_EQUAL(m->autoreply, "");
    mailin_free(m);
}

/* None of them: NULL and no X-Loop. */
static void test_no_loop_fields(void)
{
    mailin_msg_t *m = parse("From: a@example.com\nSubject: x\n\nbody\n");
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_PTR_NULL(m->precedence);
    CU_ASSERT_PTR_NULL(m->list_id);
    CU_ASSERT_PTR_NULL(m->autoreply);
    CU_ASSERT_EQUAL(m->x_loop.n, 0);
    mailin_free(m);
}

void suite_mailin_headers(void);
void suite_mailin_headers(void)
{
    mailin_init();      /* GMime; never shut down (see suite_mailin) */
    CU_pSuite s = harness_suite("mailin_headers");
    HARNESS_ADD(s, test_loop_fields);
    HARNESS_ADD(s, test_autoreply_empty);
    HARNESS_ADD(s, test_no_loop_fields);
}
