/*
 * conf.c - the configuration file (see conf.h).
 *
 * The parser reads the whole file, then walks it line by line.  Each key
 * has a type (string, path, delivery method, size); paths are resolved
 * against the file's directory.  The first error stops the load and is
 * reported as "FILE:LINE: message".
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/ipaddr.h"
#include "registry/conf.h"
#include "util/ipaddr.h"

enum kind { K_STRING, K_PATH, K_DELIVERY, K_SIZE, K_HOSTPORT, K_ADDRESS, K_BOOL, K_HASH,
            K_SECONDS, K_COUNT, K_LIST, K_TEXT, K_LISTEN, K_NETS, K_LINES };

struct key {
    const char *name;
    enum kind kind;
    size_t off;     /* offset of the member in conf_t */
};

#define OFF(m) offsetof(conf_t, m)

static const struct key keys[] = {
    { "allowed_sources", K_LIST, OFF(allowed_sources) },
    { "allow_override", K_BOOL, OFF(allow_override) },
    { "archive", K_PATH, OFF(archive) },
    { "bcrypt_max_cost", K_COUNT, OFF(bcrypt_max_cost) },
    { "database", K_PATH, OFF(database) },
    { "delivery", K_DELIVERY, OFF(delivery) },
    { "gnupg_home", K_PATH, OFF(gnupg_home) },
    { "hierarchical_as_sets", K_BOOL, OFF(hierarchical_as_sets) },
    { "lock_timeout", K_SECONDS, OFF(lock_timeout) },
    { "map_size", K_SIZE, OFF(map_size) },
    { "max_header_size", K_SIZE, OFF(max_header_size) },
    { "max_line_length", K_SIZE, OFF(max_line_length) },
    { "max_mail_size", K_SIZE, OFF(max_mail_size) },
    { "max_mime_depth", K_COUNT, OFF(max_mime_depth) },
    { "max_mime_parts", K_COUNT, OFF(max_mime_parts) },
    { "max_notify_bytes", K_SIZE, OFF(max_notify_bytes) },
    { "max_notify_values", K_COUNT, OFF(max_notify_values) },
    { "max_object_size", K_SIZE, OFF(max_object_size) },
    { "max_objects", K_COUNT, OFF(max_objects) },
    { "max_paragraphs", K_COUNT, OFF(max_paragraphs) },
    { "max_passes", K_COUNT, OFF(max_passes) },
    { "max_password_checks", K_COUNT, OFF(max_password_checks) },
    { "max_passwords", K_COUNT, OFF(max_passwords) },
    { "max_recipients", K_COUNT, OFF(max_recipients) },
    { "max_signed_blocks", K_COUNT, OFF(max_signed_blocks) },
    { "mirror", K_LINES, OFF(mirror) },
    { "mirror_batch_size", K_COUNT, OFF(mirror_batch_size) },
    { "mirror_error_backoff", K_SECONDS, OFF(mirror_error_backoff) },
    { "mirror_keepalive_count", K_COUNT, OFF(mirror_keepalive_count) },
    { "mirror_keepalive_idle", K_SECONDS, OFF(mirror_keepalive_idle) },
    { "mirror_keepalive_interval", K_SECONDS, OFF(mirror_keepalive_interval) },
    { "mirror_max_line_length", K_SIZE, OFF(mirror_max_line_length) },
    { "mirror_max_object_size", K_SIZE, OFF(mirror_max_object_size) },
    { "mirror_poll_interval", K_SECONDS, OFF(mirror_poll_interval) },
    { "mirror_read_timeout", K_SECONDS, OFF(mirror_read_timeout) },
    { "mirror_retry_max", K_SECONDS, OFF(mirror_retry_max) },
    { "mirror_retry_min", K_SECONDS, OFF(mirror_retry_min) },
    { "nrtm_access", K_NETS, OFF(nrtm_access) },
    { "nrtm_access_unfiltered", K_NETS, OFF(nrtm_access_unfiltered) },
    { "nrtm_banner", K_BOOL, OFF(nrtm_banner) },
    { "nrtm_dummify", K_BOOL, OFF(nrtm_dummify) },
    { "nrtm_dummy_address", K_TEXT, OFF(nrtm_dummy_address) },
    { "nrtm_dummy_auth", K_TEXT, OFF(nrtm_dummy_auth) },
    { "nrtm_dummy_email", K_ADDRESS, OFF(nrtm_dummy_email) },
    { "nrtm_dummy_handle", K_STRING, OFF(nrtm_dummy_handle) },
    { "nrtm_dummy_phone", K_TEXT, OFF(nrtm_dummy_phone) },
    { "nrtm_dummy_remarks_sources", K_LIST, OFF(nrtm_dummy_remarks_sources) },
    { "nrtm_listen", K_LISTEN, OFF(nrtm_listen) },
    { "nrtm_max_age_days", K_COUNT, OFF(nrtm_max_age_days) },
    { "nrtm_max_connections", K_COUNT, OFF(nrtm_max_connections) },
    { "nrtm_max_connections_per_address", K_COUNT, OFF(nrtm_max_connections_per_address) },
    { "nrtm_max_request_length", K_SIZE, OFF(nrtm_max_request_length) },
    { "outbox", K_PATH, OFF(outbox) },
    { "override_password", K_HASH, OFF(override_password) },
    { "power_maintainers", K_LIST, OFF(power_maintainers) },
    { "query_sources", K_LIST, OFF(query_sources) },
    { "robot_address", K_ADDRESS, OFF(robot_address) },
    { "signature_max_age", K_SECONDS, OFF(signature_max_age) },
    { "smtp_server", K_HOSTPORT, OFF(smtp_server) },
    { "source", K_STRING, OFF(source) },
    { "sync_allow_get", K_BOOL, OFF(sync_allow_get) },
    { "sync_keep_unicode", K_BOOL, OFF(sync_keep_unicode) },
    { "sync_max_part_header_size", K_SIZE, OFF(sync_max_part_header_size) },
    { "sync_max_parts", K_COUNT, OFF(sync_max_parts) },
    { "sync_max_request_size", K_SIZE, OFF(sync_max_request_size) },
    { "sync_read_timeout", K_SECONDS, OFF(sync_read_timeout) },
    { "sync_trusted_proxies", K_NETS, OFF(sync_trusted_proxies) },
    { "whois_idle_timeout", K_SECONDS, OFF(whois_idle_timeout) },
    { "whois_listen", K_LISTEN, OFF(whois_listen) },
    { "whois_log", K_BOOL, OFF(whois_log) },
    { "whois_max_buffered", K_SIZE, OFF(whois_max_buffered) },
    { "whois_max_connections", K_COUNT, OFF(whois_max_connections) },
    { "whois_max_connections_per_address", K_COUNT, OFF(whois_max_connections_per_address) },
    { "whois_max_objects", K_COUNT, OFF(whois_max_objects) },
    { "whois_max_query_length", K_SIZE, OFF(whois_max_query_length) },
    { "whois_max_readers", K_COUNT, OFF(whois_max_readers) },
    { "whois_name", K_TEXT, OFF(whois_name) },
    { "whois_personal_exempt", K_NETS, OFF(whois_personal_exempt) },
    { "whois_personal_limit", K_COUNT, OFF(whois_personal_limit) },
    { "whois_personal_table", K_COUNT, OFF(whois_personal_table) },
    { "whois_query_timeout", K_SECONDS, OFF(whois_query_timeout) },
    { "whois_terms_url", K_TEXT, OFF(whois_terms_url) },
    { "whois_workers", K_COUNT, OFF(whois_workers) },
};

static void set_str(conf_t *c, size_t off, char *v)
{
    char **p = (char **)((char *)c + off);
    free(*p);
    *p = v;
}

void conf_defaults(conf_t *c)
{
    memset(c, 0, sizeof *c);
    c->source = xstrdup("TEST");
    c->database = xstrdup("var/db");
    c->robot_address = xstrdup("auto-dbm@localhost");
    c->delivery = CONF_DELIVERY_MAILDIR;
    c->smtp_server = xstrdup("127.0.0.1:25");
    c->outbox = xstrdup("var/outbox");
    c->gnupg_home = xstrdup("var/gnupg");
    c->archive = xstrdup("var/archive");
    c->map_size = (size_t)1 << 30;
    c->signature_max_age = 3600;
    c->lock_timeout = 300;
    c->hierarchical_as_sets = 1;
    strv_init(&c->power_maintainers);
    strv_init(&c->allowed_sources);
    strv_init(&c->sync_trusted_proxies);
    c->sync_max_request_size = CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE;
    c->sync_max_parts = CONF_DEFAULT_SYNC_MAX_PARTS;
    c->sync_read_timeout = CONF_DEFAULT_SYNC_READ_TIMEOUT;
    c->sync_max_part_header_size = CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE;
    c->max_mail_size = CONF_DEFAULT_MAX_MAIL_SIZE;
    c->max_mime_depth = CONF_DEFAULT_MAX_MIME_DEPTH;
    c->max_mime_parts = CONF_DEFAULT_MAX_MIME_PARTS;
    c->max_header_size = CONF_DEFAULT_MAX_HEADER_SIZE;
    c->max_objects = CONF_DEFAULT_MAX_OBJECTS;
    c->max_object_size = CONF_DEFAULT_MAX_OBJECT_SIZE;
    c->max_passwords = CONF_DEFAULT_MAX_PASSWORDS;
    c->max_signed_blocks = CONF_DEFAULT_MAX_SIGNED_BLOCKS;
    c->max_line_length = CONF_DEFAULT_MAX_LINE_LENGTH;
    c->max_paragraphs = CONF_DEFAULT_MAX_PARAGRAPHS;
    c->max_notify_values = CONF_DEFAULT_MAX_NOTIFY_VALUES;
    c->max_recipients = CONF_DEFAULT_MAX_RECIPIENTS;
    c->max_notify_bytes = CONF_DEFAULT_MAX_NOTIFY_BYTES;
    c->bcrypt_max_cost = CONF_DEFAULT_BCRYPT_MAX_COST;
    c->max_password_checks = CONF_DEFAULT_MAX_PASSWORD_CHECKS;
    c->max_passes = CONF_DEFAULT_MAX_PASSES;
    strv_init(&c->whois_listen);
    strv_add(&c->whois_listen, CONF_DEFAULT_WHOIS_LISTEN);
    c->whois_max_connections = CONF_DEFAULT_WHOIS_MAX_CONNECTIONS;
    c->whois_max_connections_per_address = CONF_DEFAULT_WHOIS_MAX_CONNECTIONS_PER_ADDRESS;
    c->whois_max_query_length = CONF_DEFAULT_WHOIS_MAX_QUERY_LENGTH;
    c->whois_idle_timeout = CONF_DEFAULT_WHOIS_IDLE_TIMEOUT;
    c->whois_query_timeout = CONF_DEFAULT_WHOIS_QUERY_TIMEOUT;
    c->whois_max_objects = CONF_DEFAULT_WHOIS_MAX_OBJECTS;
    c->whois_max_readers = CONF_DEFAULT_WHOIS_MAX_READERS;
    c->whois_workers = CONF_DEFAULT_WHOIS_WORKERS;
    c->whois_max_buffered = CONF_DEFAULT_WHOIS_MAX_BUFFERED;
    c->whois_log = 1;
    c->whois_terms_url = xstrdup(CONF_DEFAULT_WHOIS_TERMS_URL);
    c->whois_personal_limit = CONF_DEFAULT_WHOIS_PERSONAL_LIMIT;
    c->whois_personal_table = CONF_DEFAULT_WHOIS_PERSONAL_TABLE;
    strv_init(&c->whois_personal_exempt);
    strv_add(&c->whois_personal_exempt, "127.0.0.0/8");
    strv_add(&c->whois_personal_exempt, "::1");
    strv_init(&c->query_sources);
    strv_init(&c->mirror);
    c->mirror_batch_size = CONF_DEFAULT_MIRROR_BATCH_SIZE;
    c->mirror_error_backoff = CONF_DEFAULT_MIRROR_ERROR_BACKOFF;
    c->mirror_keepalive_count = CONF_DEFAULT_MIRROR_KEEPALIVE_COUNT;
    c->mirror_keepalive_idle = CONF_DEFAULT_MIRROR_KEEPALIVE_IDLE;
    c->mirror_keepalive_interval = CONF_DEFAULT_MIRROR_KEEPALIVE_INTERVAL;
    c->mirror_max_line_length = CONF_DEFAULT_MIRROR_MAX_LINE_LENGTH;
    c->mirror_max_object_size = CONF_DEFAULT_MIRROR_MAX_OBJECT_SIZE;
    c->mirror_poll_interval = CONF_DEFAULT_MIRROR_POLL_INTERVAL;
    c->mirror_read_timeout = CONF_DEFAULT_MIRROR_READ_TIMEOUT;
    c->mirror_retry_max = CONF_DEFAULT_MIRROR_RETRY_MAX;
    c->mirror_retry_min = CONF_DEFAULT_MIRROR_RETRY_MIN;
    strv_init(&c->nrtm_listen);
    strv_init(&c->nrtm_access);
    strv_init(&c->nrtm_access_unfiltered);
    c->nrtm_banner = 1;
    c->nrtm_max_age_days = CONF_DEFAULT_NRTM_MAX_AGE_DAYS;
    c->nrtm_max_connections = CONF_DEFAULT_NRTM_MAX_CONNECTIONS;
    c->nrtm_max_connections_per_address = CONF_DEFAULT_NRTM_MAX_CONNECTIONS_PER_ADDRESS;
    c->nrtm_max_request_length = CONF_DEFAULT_NRTM_MAX_REQUEST_LENGTH;
    c->nrtm_dummify = 1;
    c->nrtm_dummy_handle = xstrdup(CONF_DEFAULT_NRTM_DUMMY_HANDLE);
    c->nrtm_dummy_address = xstrdup(CONF_DEFAULT_NRTM_DUMMY_ADDRESS);
    c->nrtm_dummy_phone = xstrdup(CONF_DEFAULT_NRTM_DUMMY_PHONE);
    c->nrtm_dummy_email = xstrdup(CONF_DEFAULT_NRTM_DUMMY_EMAIL);
    c->nrtm_dummy_auth = xstrdup(CONF_DEFAULT_NRTM_DUMMY_AUTH);
    strv_init(&c->nrtm_dummy_remarks_sources);
    static const char *const remark_sources[] = {
        "RIPE", "RIPE-NONAUTH", "RIPE-GRS", "TEST", "TEST-NONAUTH", "TEST-GRS"
    };
    for (size_t i = 0; i < sizeof remark_sources / sizeof *remark_sources; i++)
        strv_add(&c->nrtm_dummy_remarks_sources, remark_sources[i]);
}

void conf_free(conf_t *c)
{
    free(c->path);
    free(c->source);
    free(c->database);
    free(c->robot_address);
    free(c->smtp_server);
    free(c->outbox);
    free(c->gnupg_home);
    free(c->archive);
    free(c->override_password);
    strv_free(&c->power_maintainers);
    strv_free(&c->allowed_sources);
    strv_free(&c->sync_trusted_proxies);
    strv_free(&c->whois_listen);
    free(c->whois_name);
    free(c->whois_terms_url);
    strv_free(&c->whois_personal_exempt);
    strv_free(&c->query_sources);
    strv_free(&c->mirror);
    strv_free(&c->nrtm_listen);
    strv_free(&c->nrtm_access);
    strv_free(&c->nrtm_access_unfiltered);
    free(c->nrtm_dummy_handle);
    free(c->nrtm_dummy_address);
    free(c->nrtm_dummy_phone);
    free(c->nrtm_dummy_email);
    free(c->nrtm_dummy_auth);
    strv_free(&c->nrtm_dummy_remarks_sources);
    memset(c, 0, sizeof *c);
}

int conf_open(const char *opt, conf_t *c, err_t *err)
{
    const char *path = conf_path(opt);
    if (path == NULL) {
        conf_defaults(c);
        return 0;
    }
    /* for a program, a file it cannot read is a configuration error too */
    int rc = conf_load(path, c, err);
    if (rc == ERR_IO) {
        rc = ERR_CONF;
        if (err != NULL)
            err->code = ERR_CONF;
    }
    return rc;
}

const char *conf_path(const char *opt)
{
    struct stat st;
    if (opt)
        return opt;
    const char *e = getenv("AUTODBM_CONF");
    if (e && *e)
        return e;
    if (stat(CONF_DEFAULT_PATH, &st) == 0)
        return CONF_DEFAULT_PATH;
    return NULL;
}

/* Parse "64M", "1G", "4096" into bytes.  Returns 0 or -1. */
static int parse_size(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || errno || v[0] == '-')
        return -1;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 0: break;
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: return -1;
    }
    if ((*end == 'B' || *end == 'b') && shift)
        end++;
    if (*end || n == 0 || n > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)n << shift;
    return 0;
}

static int valid_source(const char *v)
{
    if (!isalpha((unsigned char)v[0]))
        return 0;
    size_t n = strlen(v);
    if (n > 80 || !isalnum((unsigned char)v[n - 1]))
        return 0;
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return 0;
    return 1;
}

static int valid_hostport(const char *v)
{
    const char *colon = strrchr(v, ':');
    if (colon == NULL || colon == v || colon[1] == 0)
        return 0;
    for (const char *p = colon + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    long port = strtol(colon + 1, NULL, 10);
    return port > 0 && port < 65536;
}

static int valid_address(const char *v)
{
    const char *at = strchr(v, '@');
    if (at == NULL || at == v || at[1] == 0 || strchr(at + 1, '@'))
        return 0;
    for (const char *p = v; *p; p++)
        if (isspace((unsigned char)*p) || *p == '<' || *p == '>' || *p == ',')
            return 0;
    return 1;
}

/* One listening address: "host:port", an IPv6 host in brackets. */
static int valid_listen(const char *v, size_t len)
{
    char *a = xstrndup(v, len);
    int ok = valid_hostport(a);
    const char *colon = strrchr(a, ':');
    if (ok && a[0] == '[')
        ok = colon > a + 1 && colon[-1] == ']';
    else if (ok)
        ok = memchr(a, ':', (size_t)(colon - a)) == NULL &&
             strchr(a, ']') == NULL;
    free(a);
    return ok;
}

static char *resolve(const char *dir, const char *v)
{
    if (v[0] == '/' || dir == NULL)
        return xstrdup(v);
    return xasprintf("%s/%s", dir, v);
}

int conf_load(const char *path, conf_t *c, err_t *err)
{
    conf_defaults(c);
    c->path = xstrdup(path);

    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
    buf_t text;
    buf_init(&text);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_put(&text, chunk, n);
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr) {
        buf_free(&text);
        return err_set(err, ERR_IO, "%s: read error", path);
    }

    char *dir = NULL;
    const char *slash = strrchr(path, '/');
    if (slash)
        dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));

    /* Paths in the defaults are relative to the file's directory too. */
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (keys[k].kind == K_PATH) {
            char **p = (char **)((char *)c + keys[k].off);
            set_str(c, keys[k].off, resolve(dir, *p));
        }

    int rc = ERR_OK;
    unsigned lineno = 0;
    char *line = text.s;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        lineno++;
        char *s = line;
        line = nl ? nl + 1 : NULL;
        while (isspace((unsigned char)*s))
            s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = 0;
        if (*s == 0 || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            rc = err_set(err, ERR_CONF, "%s:%u: expected \"key = value\"", path, lineno);
            break;
        }
        char *ke = eq;
        while (ke > s && isspace((unsigned char)ke[-1]))
            ke--;
        *ke = 0;
        char *v = eq + 1;
        while (isspace((unsigned char)*v))
            v++;
        const struct key *k = NULL;
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            if (strcmp(keys[i].name, s) == 0)
                k = &keys[i];
        if (k == NULL) {
            rc = err_set(err, ERR_CONF, "%s:%u: unknown key \"%s\"", path, lineno, s);
            break;
        }
        if (*v == 0) {
            rc = err_set(err, ERR_CONF, "%s:%u: %s: empty value", path, lineno, s);
            break;
        }
        switch (k->kind) {
        case K_STRING:
            if (!valid_source(v)) {
                rc = err_set(err, ERR_CONF, "%s:%u: %s: invalid value \"%s\"", path, lineno, s, v);
                break;
            }
            set_str(c, k->off, xstrdup(v));
            for (char *p = *(char **)((char *)c + k->off); *p; p++)
                *p = (char)toupper((unsigned char)*p);
            break;
        case K_PATH:
            if (k->off == OFF(archive) && strcmp(v, "none") == 0)
                set_str(c, k->off, NULL);   /* archiving switched off */
            else
                set_str(c, k->off, resolve(dir, v));
            break;
        case K_ADDRESS:
            if (!valid_address(v)) {
                rc = err_set(err, ERR_CONF, "%s:%u: %s: not a mail address: \"%s\"", path, lineno, s, v);
                break;
            }
            set_str(c, k->off, xstrdup(v));
            break;
        case K_HOSTPORT:
            if (!valid_hostport(v)) {
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected host:port, got \"%s\"", path, lineno, s, v);
                break;
            }
            set_str(c, k->off, xstrdup(v));
            break;
        case K_DELIVERY:
            if (strcmp(v, "smtp") == 0)
                c->delivery = CONF_DELIVERY_SMTP;
            else if (strcmp(v, "maildir") == 0)
                c->delivery = CONF_DELIVERY_MAILDIR;
            else
                rc = err_set(err, ERR_CONF, "%s:%u: delivery: expected smtp or maildir, got \"%s\"", path, lineno, v);
            break;
        case K_BOOL: {
            int *b = (int *)((char *)c + k->off);
            if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
                *b = 1;
            else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
                *b = 0;
            else
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected yes or no, got \"%s\"", path, lineno, s, v);
            break;
        }
        case K_HASH:
            if (!(strncmp(v, "$1$", 3) == 0 || strncmp(v, "$2", 2) == 0 ||
                  (strlen(v) == 13 && v[0] != '$'))) {
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected a crypt hash ($1$..., $2b$... or DES)", path, lineno, s);
                break;
            }
            set_str(c, k->off, xstrdup(v));
            break;
        case K_SIZE:
            if (parse_size(v, (size_t *)((char *)c + k->off)) != 0)
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected a size such as 512M or 4G, got \"%s\"", path, lineno, s, v);
            break;
        case K_COUNT: {
            char *end;
            errno = 0;
            unsigned long cnt = strtoul(v, &end, 10);
            /* whois_personal_limit = 0 and nrtm_max_age_days = 0
             * switch the limit off */
            if (end == v || *end || errno || v[0] == '-' || cnt > 100000000UL ||
                (cnt == 0 && k->off != OFF(whois_personal_limit) &&
                 k->off != OFF(nrtm_max_age_days)))
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected a positive number, got \"%s\"", path, lineno, s, v);
            else if (k->off == OFF(bcrypt_max_cost) && (cnt < 4 || cnt > 31))
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected a bcrypt cost from 4 to 31, got \"%s\"", path, lineno, s, v);
            else if ((k->off == OFF(whois_max_readers) && cnt > 100) ||
                     (k->off == OFF(whois_workers) && cnt > 16))
                /* LMDB has 126 reader slots for all the store's programs */
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected 1 to %d, got \"%s\"", path, lineno, s,
                             k->off == OFF(whois_workers) ? 16 : 100, v);
            else
                *(unsigned *)((char *)c + k->off) = (unsigned)cnt;
            break;
        }
        case K_LIST: {
            /* names (maintainers, sources) separated by commas and/or blanks */
            strv_t *l = (strv_t *)((char *)c + k->off);
            strv_free(l);
            /* nrtm_dummy_remarks_sources = none: no source */
            if (k->off == OFF(nrtm_dummy_remarks_sources) && strcmp(v, "none") == 0)
                break;
            for (char *p = v; *p && rc == 0;) {
                size_t len = strcspn(p, ", \t");
                for (size_t i = 0; i < len; i++)
                    if (!isalnum((unsigned char)p[i]) && p[i] != '-' && p[i] != '_')
                        rc = err_set(err, ERR_CONF, "%s:%u: %s: not a list of names: \"%s\"", path, lineno, s, v);
                if (len && rc == 0) {
                    size_t at = strv_addn(l, p, len);
                    for (char *q = l->v[at]; *q; q++)
                        *q = (char)toupper((unsigned char)*q);
                }
                p += len;
                p += strspn(p, ", \t");
            }
            break;
        }
        case K_TEXT:
            set_str(c, k->off, xstrdup(v));
            break;
        case K_LINES: {
            /* each line one entry, kept as written (tabs as blanks): the
             * lines of a key given several times add up; the first word
             * (mirror: the local source) must be a source name */
            size_t w = strcspn(v, " \t");
            char *first = xstrndup(v, w);
            if (!valid_source(first))
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected a source name first, got \"%s\"", path, lineno, s, v);
            free(first);
            if (rc)
                break;
            for (char *p = v; *p; p++)
                if (isspace((unsigned char)*p))
                    *p = ' ';
            if (k->off == OFF(mirror)) {
                /* the whole line, by the one parser of mirror lines */
                conf_mirror_t m;
                err_t merr = ERR_INIT;
                if (conf_mirror_parse(v, &m, &merr) != 0)
                    rc = err_set(err, ERR_CONF, "%s:%u: %s: %s", path, lineno, s, err_text(&merr));
                else if (conf_mirror_find(c, m.local) != NULL)
                    rc = err_set(err, ERR_CONF, "%s:%u: %s: source %s is mirrored twice", path, lineno, s, m.local);
                conf_mirror_free(&m);
                err_free(&merr);
                if (rc)
                    break;
            }
            strv_add((strv_t *)((char *)c + k->off), v);
            break;
        }
        case K_LISTEN:
        case K_NETS: {
            /* separated by commas and/or blanks: host:port addresses
             * (K_LISTEN), or addresses and CIDR prefixes, IPv4 or IPv6,
             * or "none" (K_NETS) */
            strv_t *l = (strv_t *)((char *)c + k->off);
            strv_free(l);
            if (k->kind == K_NETS && strcmp(v, "none") == 0)
                break;
            for (char *p = v; *p && rc == 0;) {
                size_t len = strcspn(p, ", \t");
                ip_range_t r;
                if (len && k->kind == K_LISTEN && !valid_listen(p, len))
                    rc = err_set(err, ERR_CONF, "%s:%u: %s: expected host:port "
                                 "addresses ([v6]:port), got \"%s\"", path, lineno, s, v);
                else if (len && k->kind == K_NETS && ip_parse_net(p, len, &r) != 0)
                    rc = err_set(err, ERR_CONF, "%s:%u: %s: expected addresses or prefixes (or none), got \"%s\"", path, lineno, s, v);
                else if (len)
                    strv_addn(l, p, len);
                p += len;
                p += strspn(p, ", \t");
            }
            break;
        }
        case K_SECONDS: {
            char *end;
            errno = 0;
            long secs = strtol(v, &end, 10);
            if (end == v || *end || errno || secs <= 0)
                rc = err_set(err, ERR_CONF, "%s:%u: %s: expected a number of seconds, got \"%s\"", path, lineno, s, v);
            else
                *(long *)((char *)c + k->off) = secs;
            break;
        }
        }
        if (rc)
            break;
    }
    free(dir);
    buf_free(&text);
    return rc;
}

/*
 * One `mirror` line: "LOCAL HOST:PORT REMOTE [VERSION]", words separated
 * by blanks.  The one parser of such a line (conf.h).
 */
int conf_mirror_parse(const char *line, conf_mirror_t *m, err_t *err)
{
    memset(m, 0, sizeof *m);
    m->version = 3;
    char *w[5];
    size_t nw = 0;
    for (const char *p = line; *p;) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t");
        if (len == 0)
            break;
        if (nw == 5)
            break;
        w[nw++] = xstrndup(p, len);
        p += len;
    }
    int rc = 0;
    if (nw < 3 || nw > 4) {
        rc = err_set(err, ERR_CONF, "expected \"LOCAL HOST:PORT REMOTE [VERSION]\", got \"%s\"", line);
        goto leave;
    }
    if (!valid_source(w[0]) || strlen(w[0]) > 64) {
        rc = err_set(err, ERR_CONF, "\"%s\" is not a source name", w[0]);
        goto leave;
    }
    if (!valid_listen(w[1], strlen(w[1]))) {
        rc = err_set(err, ERR_CONF, "expected HOST:PORT ([v6]:port), got \"%s\"", w[1]);
        goto leave;
    }
    if (!valid_source(w[2])) {
        rc = err_set(err, ERR_CONF, "\"%s\" is not a source name", w[2]);
        goto leave;
    }
    if (nw == 4) {
        if (strcmp(w[3], "1") == 0)
            m->version = 1;
        else if (strcmp(w[3], "3") != 0) {
            rc = err_set(err, ERR_CONF, "NRTM version must be 1 or 3, got \"%s\"", w[3]);
            goto leave;
        }
    }
    for (char *q = w[0]; *q; q++)
        *q = (char)toupper((unsigned char)*q);
    for (char *q = w[2]; *q; q++)
        *q = (char)toupper((unsigned char)*q);
    m->local = w[0];
    w[0] = NULL;
    char *colon = strrchr(w[1], ':');
    m->port = xstrdup(colon + 1);
    if (w[1][0] == '[')
        m->host = xstrndup(w[1] + 1, (size_t)(colon - w[1]) - 2);
    else
        m->host = xstrndup(w[1], (size_t)(colon - w[1]));
    m->remote = w[2];
    w[2] = NULL;
leave:
    for (size_t i = 0; i < nw; i++)
        free(w[i]);
    if (rc)
        conf_mirror_free(m);
    return rc;
}

void conf_mirror_free(conf_mirror_t *m)
{
    free(m->local);
    free(m->host);
    free(m->port);
    free(m->remote);
    memset(m, 0, sizeof *m);
    m->version = 3;
}

const char *conf_mirror_find(const conf_t *c, const char *local)
{
    for (size_t i = 0; i < c->mirror.n; i++) {
        conf_mirror_t m;
        if (conf_mirror_parse(c->mirror.v[i], &m, NULL) != 0)
            continue;
        int hit = strcasecmp(m.local, local) == 0;
        conf_mirror_free(&m);
        if (hit)
            return c->mirror.v[i];
    }
    return NULL;
}
