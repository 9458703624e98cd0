/*
 * test_conf.c - configuration files: defaults, keys, relative paths, and
 * errors that name the file and line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "registry/conf.h"
#include "harness.h"

static char *write_conf(const char *text)
{
    const char *dir = harness_tmpdir();
    char *path = xasprintf("%s/autodbm.conf", dir);
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void test_defaults(void)
{
    conf_t c;
    conf_defaults(&c);
    CU_ASSERT_STRING_EQUAL(c.source, "TEST");
    CU_ASSERT_STRING_EQUAL(c.database, "var/db");
    CU_ASSERT_EQUAL(c.delivery, CONF_DELIVERY_MAILDIR);
    CU_ASSERT_EQUAL(c.signature_max_age, 3600);
    CU_ASSERT_PTR_NULL(c.path);
    CU_ASSERT_EQUAL(c.bcrypt_max_cost, CONF_DEFAULT_BCRYPT_MAX_COST);
    CU_ASSERT_EQUAL(c.max_password_checks, CONF_DEFAULT_MAX_PASSWORD_CHECKS);
    CU_ASSERT_EQUAL(c.max_recipients, CONF_DEFAULT_MAX_RECIPIENTS);
    CU_ASSERT_EQUAL(c.max_notify_bytes, (size_t)64 << 20);
    CU_ASSERT_EQUAL(c.max_notify_values, CONF_DEFAULT_MAX_NOTIFY_VALUES);
    CU_ASSERT_EQUAL(c.max_paragraphs, CONF_DEFAULT_MAX_PARAGRAPHS);
    CU_ASSERT_EQUAL(c.max_passes, CONF_DEFAULT_MAX_PASSES);
    conf_free(&c);
}

static void test_load(void)
{
    char *path = write_conf("# registry\n\n source = test-db \n"
                            "database = db\nrobot_address = auto-dbm@example.net\n"
                            "delivery = smtp\nsmtp_server = 127.0.0.1:2525\n"
                            "outbox = /abs/outbox\nmap_size = 64M\nallow_override = yes\n"
                            "override_password = $1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1\n"
                            "signature_max_age = 7200\n"
                            "allowed_sources = test-nonauth, OTHER\n");
    conf_t c;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), 0);
    CU_ASSERT_STRING_EQUAL(c.source, "TEST-DB");
    char *dir = xstrndup(path, strrchr(path, '/') - path);
    char *want = xasprintf("%s/db", dir);
    CU_ASSERT_STRING_EQUAL(c.database, want);
    free(want);
    want = xasprintf("%s/var/gnupg", dir);  /* a default, resolved too */
    CU_ASSERT_STRING_EQUAL(c.gnupg_home, want);
    free(want);
    CU_ASSERT_STRING_EQUAL(c.outbox, "/abs/outbox");
    CU_ASSERT_STRING_EQUAL(c.robot_address, "auto-dbm@example.net");
    CU_ASSERT_EQUAL(c.delivery, CONF_DELIVERY_SMTP);
    CU_ASSERT_STRING_EQUAL(c.smtp_server, "127.0.0.1:2525");
    CU_ASSERT_EQUAL(c.map_size, (size_t)64 << 20);
    CU_ASSERT_EQUAL(c.allow_override, 1);
    CU_ASSERT_EQUAL_FATAL(c.allowed_sources.n, 2);
    CU_ASSERT_STRING_EQUAL(c.allowed_sources.v[0], "TEST-NONAUTH");
    CU_ASSERT_STRING_EQUAL(c.allowed_sources.v[1], "OTHER");
    CU_ASSERT_STRING_EQUAL(c.override_password, "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1");
    CU_ASSERT_EQUAL(c.signature_max_age, 7200);
    conf_free(&c);
    err_free(&e);
    free(dir);
    free(path);
}

static void expect_error(const char *text, const char *needle)
{
    char *path = write_conf(text);
    conf_t c;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), ERR_CONF);
    char *where = xasprintf("%s:", path);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), where));
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), needle));
    free(where);
    conf_free(&c);
    err_free(&e);
    free(path);
}

static void test_errors(void)
{
    expect_error("source = TEST\nfrobnicate = 1\n", ":2: unknown key \"frobnicate\"");
    expect_error("delivery = pigeon\n", ":1: delivery");
    expect_error("\n\nsource\n", ":3: expected");
    expect_error("robot_address = nobody\n", ":1: robot_address");
    expect_error("smtp_server = localhost\n", ":1: smtp_server");
    expect_error("map_size = lots\n", ":1: map_size");
    expect_error("source = \n", ":1: source: empty value");
    expect_error("source = bad source\n", ":1: source");
    expect_error("allow_override = maybe\n", ":1: allow_override");
    expect_error("allowed_sources = a b!c\n", ":1: allowed_sources");
    expect_error("override_password = secret\n", ":1: override_password");
    expect_error("signature_max_age = 1h\n", ":1: signature_max_age");
    expect_error("signature_max_age = -5\n", ":1: signature_max_age");
    expect_error("bcrypt_max_cost = 3\n", ":1: bcrypt_max_cost: expected a bcrypt cost");
    expect_error("bcrypt_max_cost = 32\n", ":1: bcrypt_max_cost: expected a bcrypt cost");
}

static void test_missing_file(void)
{
    conf_t c;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(conf_load("/nonexistent/autodbm.conf", &c, &e), ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "/nonexistent/autodbm.conf"));
    conf_free(&c);
    err_free(&e);
    /* for the programs it is a configuration error (EX_CONFIG), same text */
    CU_ASSERT_EQUAL(conf_open("/nonexistent/autodbm.conf", &c, &e), ERR_CONF);
    CU_ASSERT_EQUAL(e.code, ERR_CONF);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), "/nonexistent/autodbm.conf: "));
    conf_free(&c);
    err_free(&e);
}

static void test_path_choice(void)
{
    CU_ASSERT_STRING_EQUAL(conf_path("x.conf"), "x.conf");
    setenv("AUTODBM_CONF", "/env/autodbm.conf", 1);
    CU_ASSERT_STRING_EQUAL(conf_path(NULL), "/env/autodbm.conf");
    unsetenv("AUTODBM_CONF");
}

/* The example shipped in conf/ is a valid configuration. */
static void test_shipped_example(void)
{
    char *path = xasprintf("%s/conf/autodbm.conf.example", harness_srcdir());
    conf_t c;
    err_t e = ERR_INIT;
    int rc = conf_load(path, &c, &e);
    if (rc)
        fprintf(stderr, "%s\n", err_text(&e));
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_EQUAL(c.delivery, CONF_DELIVERY_SMTP);
    CU_ASSERT_STRING_EQUAL(c.database, "/var/lib/autodbm/db");
    conf_free(&c);
    err_free(&e);
    free(path);
}

/* The query server's keys: defaults, several listening addresses. */
static void test_whois_keys(void)
{
    conf_t c;
    err_t e = ERR_INIT;
    conf_defaults(&c);
    CU_ASSERT_EQUAL(c.whois_listen.n, 1);
    CU_ASSERT_STRING_EQUAL(c.whois_listen.v[0], "127.0.0.1:43");
    CU_ASSERT_EQUAL(c.whois_max_query_length, 1024);
    CU_ASSERT_EQUAL(c.whois_max_connections_per_address, 3);
    CU_ASSERT_EQUAL(c.whois_idle_timeout, 180);
    CU_ASSERT_EQUAL(c.whois_log, 1);
    CU_ASSERT_EQUAL(c.whois_max_readers, 32);
    CU_ASSERT_EQUAL(c.whois_max_buffered, (size_t)64 << 20);
    CU_ASSERT_PTR_NULL(c.whois_name);
    conf_free(&c);

    char *path = write_conf("whois_listen = 127.0.0.1:4343,[::1]:4343  0.0.0.0:43\n"
                            "whois_max_connections_per_address = 10\n"
                            "whois_idle_timeout = 30\nwhois_log = no\n"
                            "whois_name = Example Registry\n");
    CU_ASSERT_EQUAL_FATAL(conf_load(path, &c, &e), 0);
    CU_ASSERT_EQUAL_FATAL(c.whois_listen.n, 3);
    CU_ASSERT_STRING_EQUAL(c.whois_listen.v[0], "127.0.0.1:4343");
    CU_ASSERT_STRING_EQUAL(c.whois_listen.v[1], "[::1]:4343");
    CU_ASSERT_STRING_EQUAL(c.whois_listen.v[2], "0.0.0.0:43");
    CU_ASSERT_EQUAL(c.whois_max_connections_per_address, 10);
    CU_ASSERT_EQUAL(c.whois_idle_timeout, 30);
    CU_ASSERT_EQUAL(c.whois_log, 0);
    CU_ASSERT_STRING_EQUAL(c.whois_name, "Example Registry");
    conf_free(&c);
    err_free(&e);
    free(path);

    expect_error("whois_listen = ::1:43\n", ":1: whois_listen");
    expect_error("whois_listen = 127.0.0.1\n", ":1: whois_listen");
    expect_error("whois_listen = 127.0.0.1:70000\n", ":1: whois_listen");
    expect_error("whois_listen = [::1:43\n", ":1: whois_listen");
    expect_error("whois_max_objects = 0\n", ":1: whois_max_objects");
    expect_error("whois_max_readers = 101\n", ":1: whois_max_readers");
}

/* The personal-data limit: defaults, 0 switches it off, exempt networks
 * (addresses or prefixes of both families, or none). */
static void test_whois_personal(void)
{
    conf_t c;
    err_t e = ERR_INIT;
    conf_defaults(&c);
    CU_ASSERT_EQUAL(c.whois_personal_limit, 1000);
    CU_ASSERT_EQUAL(c.whois_personal_table, 100000);
    CU_ASSERT_EQUAL_FATAL(c.whois_personal_exempt.n, 2);
    CU_ASSERT_STRING_EQUAL(c.whois_personal_exempt.v[0], "127.0.0.0/8");
    CU_ASSERT_STRING_EQUAL(c.whois_personal_exempt.v[1], "::1");
    conf_free(&c);

    char *path = write_conf("whois_personal_limit = 0\n"
                            "whois_personal_table = 50\n"
                            "whois_personal_exempt = 192.0.2.1, 2001:db8::/32 10.0.0.0/8\n");
    CU_ASSERT_EQUAL_FATAL(conf_load(path, &c, &e), 0);
    CU_ASSERT_EQUAL(c.whois_personal_limit, 0);
    CU_ASSERT_EQUAL(c.whois_personal_table, 50);
    CU_ASSERT_EQUAL_FATAL(c.whois_personal_exempt.n, 3);
    CU_ASSERT_STRING_EQUAL(c.whois_personal_exempt.v[1], "2001:db8::/32");
    conf_free(&c);
    free(path);
    path = write_conf("whois_personal_exempt = none\n");
    CU_ASSERT_EQUAL_FATAL(conf_load(path, &c, &e), 0);
    CU_ASSERT_EQUAL(c.whois_personal_exempt.n, 0);
    conf_free(&c);
    err_free(&e);
    free(path);

    expect_error("whois_personal_exempt = localhost\n", ":1: whois_personal_exempt");
    expect_error("whois_personal_exempt = 10.0.0.0/33\n", ":1: whois_personal_exempt");
    expect_error("whois_personal_limit = -1\n", ":1: whois_personal_limit");
    expect_error("whois_personal_table = 0\n", ":1: whois_personal_table");
}

/* mirror lines: parsed in one place, checked on load, adding up */
static void test_mirror_lines(void)
{
    conf_mirror_t m;
    err_t e = ERR_INIT;
    CU_ASSERT_EQUAL(conf_mirror_parse("ripe-grs  whois.ripe.net:4444\tripe", &m, &e), 0);
    CU_ASSERT_STRING_EQUAL(m.local, "RIPE-GRS");
    CU_ASSERT_STRING_EQUAL(m.host, "whois.ripe.net");
    CU_ASSERT_STRING_EQUAL(m.port, "4444");
    CU_ASSERT_STRING_EQUAL(m.remote, "RIPE");
    CU_ASSERT_EQUAL(m.version, 3);
    conf_mirror_free(&m);
    CU_ASSERT_EQUAL(conf_mirror_parse("B [::1]:43 A 1", &m, &e), 0);
    CU_ASSERT_STRING_EQUAL(m.host, "::1");
    CU_ASSERT_EQUAL(m.version, 1);
    conf_mirror_free(&m);
    const char *bad[] = { "B 127.0.0.1:43", "B 127.0.0.1 A", "B h:0 A",
                          "B h:43 A 2", "B h:43 A 3 x", "-B h:43 A", "B ::1:43 A" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CU_ASSERT_EQUAL(conf_mirror_parse(bad[i], &m, &e), ERR_CONF);
        CU_ASSERT_PTR_NULL(m.local);
    }
    err_free(&e);

    char *path = write_conf("mirror = RIPE-M whois.ripe.net:4444 RIPE\n"
                            "mirror = radb whois.radb.net:43 RADB 3\n"
                            "mirror_batch_size = 5\nmirror_keepalive_idle = 7\n");
    conf_t c;
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), 0);
    CU_ASSERT_EQUAL(c.mirror.n, 2);
    CU_ASSERT_EQUAL(c.mirror_batch_size, 5);
    CU_ASSERT_EQUAL(c.mirror_keepalive_idle, 7);
    CU_ASSERT_EQUAL(c.mirror_keepalive_interval, CONF_DEFAULT_MIRROR_KEEPALIVE_INTERVAL);
    CU_ASSERT_PTR_NOT_NULL(conf_mirror_find(&c, "Radb"));
    CU_ASSERT_PTR_NULL(conf_mirror_find(&c, "RIPE"));
    conf_free(&c);
    free(path);
    path = write_conf("mirror = X h:1 A\nmirror = x h:2 B\n");
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), ERR_CONF);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), ":2: mirror: source X is mirrored twice"));
    conf_free(&c);
    free(path);
    path = write_conf("mirror = X h:1\n");
    CU_ASSERT_EQUAL(conf_load(path, &c, &e), ERR_CONF);
    CU_ASSERT_PTR_NOT_NULL(strstr(err_text(&e), ":1: mirror: expected"));
    conf_free(&c);
    free(path);
    err_free(&e);
}

void suite_conf(void);
void suite_conf(void)
{
    CU_pSuite s = harness_suite("conf");
    HARNESS_ADD(s, test_defaults);
    HARNESS_ADD(s, test_load);
    HARNESS_ADD(s, test_errors);
    HARNESS_ADD(s, test_missing_file);
    HARNESS_ADD(s, test_path_choice);
    HARNESS_ADD(s, test_shipped_example);
    HARNESS_ADD(s, test_whois_keys);
    HARNESS_ADD(s, test_whois_personal);
    HARNESS_ADD(s, test_mirror_lines);
}
