/*
 * query.c - the query engine and its parser (see registry/query.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/query.h"
#include "rpsl/asn.h"
#include "store/journal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ipaddr.h"
#include "util/strset.h"
#include "util/strv.h"
#include "util/text.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "rpsl/syntax.h"
#include "store/store.h"

/* ------------------------------------------------------------- parser */

/* The query's own flags, getopt-style, per style. */
static const char tool_flags[] = "rBGT:i:xlLmMs:a";
static const char ripe_flags[] = "rBGT:i:xlLmMs:acdKkq:t:v:V:";

/* Pseudo flags of long forms without a letter. */
enum { FLAG_NO_PERSONAL = 1, FLAG_SHOW_PERSONAL = 2 };

/* RIPE's long forms of those flags (@ripe: RIPE style only; @arg: the
 * argument a form implies). */
static const struct {
    const char *name;
    char flag;
    char ripe;
    const char *arg;
} long_flags[] = {
    { "no-referenced", 'r', 0, NULL }, { "no-filtering", 'B', 0, NULL },
    { "no-grouping", 'G', 0, NULL }, { "select-types", 'T', 0, NULL },
    { "inverse", 'i', 0, NULL }, { "exact", 'x', 0, NULL },
    { "one-less", 'l', 0, NULL }, { "all-less", 'L', 0, NULL },
    { "one-more", 'm', 0, NULL }, { "all-more", 'M', 0, NULL },
    { "sources", 's', 0, NULL }, { "all-sources", 'a', 0, NULL },
    { "irt", 'c', 1, NULL }, { "reverse-domain", 'd', 1, NULL },
    { "primary-keys", 'K', 1, NULL },
    { "persistent-connection", 'k', 1, NULL },
    { "template", 't', 1, NULL }, { "verbose", 'v', 1, NULL },
    { "client", 'V', 1, NULL }, { "list-sources", 'q', 1, "sources" },
    { "version", 'q', 1, "version" }, { "types", 'q', 1, "types" },
    { "no-personal", FLAG_NO_PERSONAL, 1, NULL },
    { "show-personal", FLAG_SHOW_PERSONAL, 1, NULL }
};

void query_init(query_t *q)
{
    memset(q, 0, sizeof(*q));
    q->rel = STORE_BEST;
}

void query_init_style(query_t *q, enum query_style style)
{
    query_init(q);
    q->style = style;
}

void query_free(query_t *q)
{
    enum query_style style = q->style;

    free(q->sources);
    strv_free(&q->types);
    free(q->key);
    free(q->client);
    free(q->err_word);
    query_init_style(q, style);
}

/* Record a parse failure in @q and @err. @return ERR_USAGE. */
static int parse_fail(query_t *q, enum query_error kind, int flag,
                      const char *word, err_t *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int parse_fail(query_t *q, enum query_error kind, int flag,
                      const char *word, err_t *err, const char *fmt, ...)
{
    va_list ap;

    q->err_kind = kind;
    q->err_flag = (char) flag;
    free(q->err_word);
    q->err_word = word != NULL ? xstrdup(word) : NULL;
    va_start(ap, fmt);
    err_vset(err, ERR_USAGE, fmt, ap);
    va_end(ap);
    return ERR_USAGE;
}

/* Could @name be a class name (an attribute name: letters, digits, '-'
 * and '_', a letter first)? */
static int class_name_ok(const char *name)
{
    if (!isalpha((unsigned char) *name))
        return 0;
    for (; *name; name++)
        if (!isalnum((unsigned char) *name) && *name != '-' && *name != '_')
            return 0;
    return 1;
}

/* -T: add the class @name to q->cls_mask, or, a name the schema does not
 * know, to q->types (query_start() checks the store holds it). */
static int add_type(query_t *q, const char *name, err_t *err)
{
    int cls = schema_class_by_name(name);

    if (cls < 0 && class_name_ok(name)) {
        strv_add(&q->types, name);
        return 0;
    }
    if (cls < 0)
        return parse_fail(q, QUERY_E_UNKNOWN_TYPE, 'T', name, err,
                          "unknown object type \"%s\"", name);
    q->cls_mask |= 1UL << cls;
    return 0;
}

/* Is attribute @aid an inverse key of some class (the schema tables)? */
static int attr_inverse(int aid)
{
    for (int cls = 0; cls < SC__COUNT; cls++) {
        const schema_tmpl_t *t = schema_tmpl_find(cls, aid);
        if (t != NULL && (t->keys & SKEY_INVERSE))
            return 1;
    }
    return 0;
}

/* -i: add the attribute @name to q->inv_aid (once). */
static int add_inverse(query_t *q, const char *name, err_t *err)
{
    int aid = schema_attr_by_name(name);

    if (aid < 0 && strlen(name) == 2) {
        /* whois users write short names without the '*' */
        char *star = xasprintf("*%s", name);
        aid = schema_attr_by_name(star);
        free(star);
    }
    if (aid < 0)
        return parse_fail(q, QUERY_E_UNKNOWN_ATTR, 'i', name, err,
                          "unknown attribute \"%s\"", name);
    if (q->style == QUERY_STYLE_RIPE && !attr_inverse(aid))
        return parse_fail(q, QUERY_E_NOT_INVERSE, 'i', name, err,
                          "\"%s\" is not an inverse searchable attribute",
                          name);
    for (size_t i = 0; i < q->ninv; i++)
        if (q->inv_aid[i] == aid)
            return 0;
    if (q->ninv < SA__COUNT)
        q->inv_aid[q->ninv++] = aid;
    return 0;
}

/* Apply @add to each name of the list @list (commas or spaces). */
static int each_name(query_t *q, const char *list,
                     int (*add)(query_t *, const char *, err_t *), err_t *err)
{
    char *copy = xstrdup(list);
    char *save = NULL;
    int rc = 0;

    for (char *t = strtok_r(copy, ", ", &save); t != NULL && rc == 0;
         t = strtok_r(NULL, ", ", &save))
        rc = add(q, t, err);
    free(copy);
    return rc;
}

/* -q ARG */
static int set_sysinfo(query_t *q, const char *arg, err_t *err)
{
    static const char *const names[] = { "sources", "version", "types" };

    for (size_t i = 0; i < 3; i++)
        if (strcasecmp(arg, names[i]) == 0) {
            q->sysinfo = (enum query_sysinfo) (QUERY_SYS_SOURCES + i);
            return 0;
        }
    return parse_fail(q, QUERY_E_BAD_OPTION, 'q', arg, err,
                      "invalid argument for -q: \"%s\"", arg);
}

/* -t TYPE / -v TYPE */
static int set_template(query_t *q, int c, const char *arg, err_t *err)
{
    int cls = schema_class_by_name(arg);

    if (cls < 0)
        return parse_fail(q, QUERY_E_UNKNOWN_TYPE, c, arg, err,
                          "unknown object type \"%s\"", arg);
    q->template_kind = c;
    q->template_cls = cls;
    return 0;
}

/* Apply query flag @c (with @arg when it takes one) to @q. */
static int apply_flag(query_t *q, int c, const char *arg, err_t *err)
{
    enum store_rel rel;

    switch (c) {
    case 'r': q->flags |= QUERY_NO_REFS; return 0;
    case 'B': q->flags |= QUERY_UNFILTERED; return 0;
    case 'G': q->flags |= QUERY_NO_GROUPING; return 0;
    case 'a': q->flags |= QUERY_ALL_SOURCES; return 0;
    case 'c': q->flags |= QUERY_IRT; return 0;
    case 'd': q->flags |= QUERY_REVERSE_DOMAIN; return 0;
    case 'K': q->flags |= QUERY_PRIMARY_KEYS; return 0;
    case 'k': q->flags |= QUERY_PERSISTENT; return 0;
    case FLAG_NO_PERSONAL: q->flags |= QUERY_NO_PERSONAL; return 0;
    case FLAG_SHOW_PERSONAL: q->flags |= QUERY_SHOW_PERSONAL; return 0;
    case 'q': return set_sysinfo(q, arg, err);
    case 't': case 'v': return set_template(q, c, arg, err);
    case 'V':
        free(q->client);
        q->client = xstrdup(arg);
        return 0;
    case 'T': return each_name(q, arg, add_type, err);
    case 'i': return each_name(q, arg, add_inverse, err);
    case 's':
        free(q->sources);
        q->sources = xstrdup(arg);
        return 0;
    case 'x': rel = STORE_EXACT; break;
    case 'l': rel = STORE_LESS_ONE; break;
    case 'L': rel = STORE_LESS_ALL; break;
    case 'm': rel = STORE_MORE_ONE; break;
    default:  rel = STORE_MORE_ALL; break;      /* 'M' */
    }
    if (q->rel_given && q->rel != rel)
        return parse_fail(q, QUERY_E_IP_FLAGS, c, NULL, err,
                          "only one of -x -l -L -m -M");
    q->rel = rel;
    q->rel_given = 1;
    return 0;
}

/*
 * Is @c a flag of @list (getopt-style)?  @return 0 if not, 1 if it is,
 * 2 if it takes an argument.
 */
static int flag_in(const char *list, int c)
{
    const char *p;

    if (list == NULL || c == ':' || (p = strchr(list, c)) == NULL)
        return 0;
    return p[1] == ':' ? 2 : 1;
}

int query_parse_argv(query_t *q, int argc, char *const argv[],
                     const query_extra_t *extra, err_t *err)
{
    const int ripe = q->style == QUERY_STYLE_RIPE;
    const char *own = ripe ? ripe_flags : tool_flags;
    unsigned char seen[128];
    buf_t key;
    int only_key = 0, rc = 0, stop = 0, nkey = 0;

    memset(seen, 0, sizeof(seen));
    q->err_kind = QUERY_E_NONE;
    q->err_flag = 0;
    q->err_noarg = 0;
    buf_init(&key);
    for (int i = 0; i < argc && rc == 0 && !stop; i++) {
        const char *w = argv[i];

        if (only_key || w[0] != '-' || w[1] == '\0') {
            if (nkey++ > 0)
                buf_putc(&key, ' ');
            buf_puts(&key, w);
            continue;
        }
        if (strcmp(w, "--") == 0) {
            only_key = 1;
            continue;
        }
        for (const char *p = w + 1; *p && rc == 0 && !stop; p++) {
            int c = (unsigned char) *p, mine = 1, kind;
            const char *arg = NULL, *implied = NULL;
            char *name = NULL;

            if (w[1] == '-') {
                /* --long[=value]: one of RIPE's long forms */
                size_t n = strcspn(w + 2, "=");
                c = 0;
                for (size_t k = 0; k < sizeof(long_flags) /
                     sizeof(long_flags[0]); k++)
                    if ((ripe || !long_flags[k].ripe) &&
                        strlen(long_flags[k].name) == n &&
                        strncmp(long_flags[k].name, w + 2, n) == 0) {
                        c = long_flags[k].flag;
                        implied = long_flags[k].arg;
                    }
                if (c == 0) {
                    name = xstrndup(w, n + 2);
                    rc = parse_fail(q, QUERY_E_BAD_OPTION, 0, name, err,
                                    "unrecognized option '%s'", name);
                    free(name);
                    break;
                }
                if (w[2 + n] == '=')
                    arg = w + 3 + n;
                p += strlen(p) - 1;     /* the word is done */
            }
            if (c == FLAG_NO_PERSONAL || c == FLAG_SHOW_PERSONAL)
                kind = 1;
            else if (implied != NULL)
                kind = arg != NULL ? 1 : 2;
            else
                kind = flag_in(own, c);
            if (kind == 0 && extra != NULL) {
                kind = flag_in(extra->flags, c);
                mine = 0;
            }
            if (kind == 0) {
                rc = parse_fail(q, QUERY_E_BAD_OPTION, c, NULL, err,
                                "invalid option -- '%c'", c);
                break;
            }
            if (kind == 1 && arg != NULL) {
                rc = parse_fail(q, QUERY_E_BAD_OPTION, c, NULL, err,
                                "option '%.*s' doesn't allow an argument",
                                (int) strcspn(w, "="), w);
                break;
            }
            if (implied != NULL)
                arg = implied;
            if (kind == 2 && arg == NULL) {
                if (w[1] != '-' && p[1] != '\0') {
                    arg = p + 1;
                } else if (i + 1 < argc) {
                    arg = argv[++i];
                } else {
                    q->err_noarg = 1;
                    rc = parse_fail(q, QUERY_E_BAD_OPTION, c, NULL, err,
                                    "option requires an argument -- '%c'",
                                    c);
                    break;
                }
                p += strlen(p) - 1;     /* the rest was the argument */
            }
            if (c < 128 && seen[c]++ && q->repeated == 0) {
                q->repeated = (char) c;
                if (ripe) {
                    rc = parse_fail(q, QUERY_E_REPEATED_FLAG, c, NULL, err,
                                    "the flag \"-%c\" cannot be used "
                                    "multiple times", c);
                    break;
                }
            }
            if (mine)
                rc = apply_flag(q, c, arg, err);
            else
                stop = extra->fn(c, arg, extra->ctx) != 0;
        }
    }
    if (rc == 0 && !stop) {
        free(q->key);
        q->key = NULL;
        if (nkey > 0)
            q->key = buf_steal(&key);
        else if (!ripe || !((q->flags & QUERY_PERSISTENT) ||
                            q->sysinfo != QUERY_SYS_NONE ||
                            q->template_kind != 0))
            rc = parse_fail(q, QUERY_E_NO_KEY, 0, NULL, err,
                            "a query argument is required");
    }
    buf_free(&key);
    return rc;
}

int query_parse_line(query_t *q, const char *line, const query_extra_t *extra,
                     err_t *err)
{
    static const char blanks[] = " \t\r\n";
    char *copy = xstrdup(line), *save = NULL;
    char **words = NULL;
    size_t n = 0, cap = 0;
    int rc;

    for (char *w = strtok_r(copy, blanks, &save); w != NULL;
         w = strtok_r(NULL, blanks, &save)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            words = xrealloc(words, cap * sizeof(*words));
        }
        words[n++] = w;
    }
    rc = query_parse_argv(q, (int) n, words, extra, err);
    free(words);
    free(copy);
    return rc;
}

/* ------------------------------------------------------------- sinks */

static int buf_write(void *ctx, const char *s, size_t len, err_t *err)
{
    (void) err;
    buf_put(ctx, s, len);
    return 0;
}

query_sink_t query_sink_buf(buf_t *b)
{
    query_sink_t s = { buf_write, b };
    return s;
}

int query_write_error(const query_sink_t *sink, enum query_error kind,
                      err_t *err)
{
    const char *text;

    switch (kind) {
    case QUERY_E_NO_ENTRIES:
        text = "%ERROR:101: no entries found\n\n";
        break;
    case QUERY_E_UNKNOWN_SOURCE:
        text = "%ERROR:102: unknown source\n\n";
        break;
    default:
        return 0;
    }
    return sink->write(sink->ctx, text, strlen(text), err);
}


/* ------------------------------------------------------------ messages */

/*
 * Append @text as one RIPE message block (RIPE QueryMessage): "% "
 * before each line, "%" alone for an empty one, "%" before a line that
 * starts with ERROR: or WARNING:, then one empty line.
 */
static void message_block(buf_t *b, const char *text)
{
    const char *p = text;

    for (;;) {
        size_t n = strcspn(p, "\n");

        if (n == 0)
            buf_putc(b, '%');
        else if (strncmp(p, "ERROR:", 6) == 0 ||
                 strncmp(p, "WARNING:", 8) == 0)
            buf_putc(b, '%');
        else
            buf_puts(b, "% ");
        buf_put(b, p, n);
        buf_putc(b, '\n');
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    buf_putc(b, '\n');
}

/* RIPE's message texts (QueryMessages), before message_block();
 * the first %s is the message's argument, a second one (109) arg2. */
static const struct {
    enum query_error kind;
    const char *text;
} messages[] = {
    { QUERY_E_INTERNAL,
      "ERROR:100: internal software error\n\n"
      "Please contact %s if the problem persists." },
    { QUERY_E_NO_ENTRIES,
      "ERROR:101: no entries found\n\n"
      "No entries found in source %s." },
    { QUERY_E_UNKNOWN_SOURCE,
      "ERROR:102: unknown source\n\n"
      "\"%s\" is not a known source.\n"
      "Use \"-q sources\" to list known sources." },
    { QUERY_E_UNKNOWN_TYPE,
      "ERROR:103: unknown object type '%s'" },
    { QUERY_E_UNKNOWN_ATTR,
      "ERROR:104: unknown attribute\n\n"
      "\"%s\" is not a known attribute." },
    { QUERY_E_NOT_INVERSE,
      "ERROR:105: attribute is not searchable\n\n"
      "\"%s\" is not an inverse searchable attribute." },
    { QUERY_E_NO_KEY,
      "ERROR:106: no search key specified\n\n"
      "No search key specified" },
    { QUERY_E_LINE_TOO_LONG,
      "ERROR:107: input line too long\n\n"
      "Input exceeds the maximum line length." },
    { QUERY_E_COMBINATION,
      "ERROR:109: invalid combination of flags passed\n\n"
      "The flags \"%s\" and \"%s\" cannot be used together." },
    { QUERY_E_REPEATED_FLAG,
      "ERROR:110: multiple use of flag\n\n"
      "The flag \"%s\" cannot be used multiple times." },
    { QUERY_E_UNSUPPORTED,
      "ERROR:114: unsupported query\n\n"
      "Search key doesn't match any known query types" },
    { QUERY_E_BAD_KEY,
      "ERROR:115: invalid search key\n\n"
      "Search key entered is not valid for the specified "
      "object type(s)" },
    { QUERY_E_TOO_MANY_ARGS,
      "ERROR:118: too many arguments supplied\n\n"
      "Too many arguments supplied." },
    { QUERY_E_ACCESS_DENIED,
      "ERROR:201: access denied for %s\n\n"
      "Queries from your IP address have passed the daily "
      "limit of controlled objects.\n"
      "Access from your host has been temporarily denied." },
    { QUERY_E_NOT_PROXY,
      "ERROR:203: you are not allowed to act as a proxy" },
    { QUERY_E_TIMEOUT,
      "ERROR:305: connection has been closed\n\n"
      "The connection to the RIPE Database query server\n"
      "has been closed after a period of inactivity." },
    { QUERY_E_CONNECTIONS,
      "ERROR:306: connections exceeded\n\n"
      "Number of connections from a single IP address\n"
      "has exceeded the maximum number allowed (%s)." },
    { QUERY_E_IP_FLAGS,
      "ERROR:901: duplicate IP flags passed\n\n"
      "More than one IP flag (-l, -L, -m, -M or -x) passed to "
      "the server." },
    { QUERY_W_USELESS_IP_FLAG,
      "WARNING:902: useless IP flag passed\n\n"
      "An IP flag (-l, -L, -m, -M, -x, -d or -b) used without "
      "an IP key." },
};

/* The text of message @kind (before message_block()).  @return 0, or -1
 * for a kind without text. */
static int message_text(enum query_error kind, const char *arg,
                        const char *arg2, buf_t *t)
{
    const char *a = arg != NULL ? arg : "", *b = arg2 != NULL ? arg2 : "";

    if (kind == QUERY_E_BAD_OPTION) {
        /* an optional reason first, as RIPE's parser gives it */
        if (arg != NULL)
            buf_printf(t, "%s\n\n", arg);
        buf_puts(t, "ERROR:111: invalid option supplied\n\n"
                 "Use help query to see the valid options.");
        return 0;
    }
    for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
        if (messages[i].kind == kind) {
            buf_printf(t, messages[i].text, a, b);
            return 0;
        }
    return -1;
}

/* Write @b to @sink (nothing if empty). */
static int sink_put(const query_sink_t *sink, const buf_t *b, err_t *err)
{
    if (b->len == 0)
        return 0;
    return sink->write(sink->ctx, b->s, b->len, err);
}

/* Append message @kind's block to @b.  @return 0 or -1 (no text). */
static int message_put(buf_t *b, enum query_error kind, const char *arg,
                       const char *arg2)
{
    buf_t t;
    int rc;

    buf_init(&t);
    rc = message_text(kind, arg, arg2, &t);
    if (rc == 0)
        message_block(b, t.s);
    buf_free(&t);
    return rc;
}

int query_write_message(const query_sink_t *sink, enum query_error kind,
                        const char *arg, const char *arg2, err_t *err)
{
    buf_t b;
    int rc;

    buf_init(&b);
    if (message_put(&b, kind, arg, arg2) != 0)
        rc = err_set(err, ERR_USAGE, "no message text for %d", (int) kind);
    else
        rc = sink_put(sink, &b, err);
    buf_free(&b);
    return rc;
}

static const char *env_name(const query_env_t *env)
{
    return env->name != NULL ? env->name : "RIPE";
}

int query_write_header(const query_sink_t *sink, const query_env_t *env,
                       err_t *err)
{
    buf_t t, b;
    int rc;

    buf_init(&t);
    buf_init(&b);
    buf_printf(&t, "This is the %s Database query service.\n"
               "The objects are in RPSL format.\n\n"
               "The %s Database is subject to Terms and Conditions.\n"
               "See %s", env_name(env), env_name(env),
               env->terms_url != NULL ? env->terms_url : "");
    message_block(&b, t.s);
    rc = sink_put(sink, &b, err);
    buf_free(&t);
    buf_free(&b);
    return rc;
}

int query_write_trailer(const query_sink_t *sink, const query_env_t *env,
                        err_t *err)
{
    buf_t t, b;
    int rc;

    buf_init(&t);
    buf_init(&b);
    buf_printf(&t, "This query was served by the %s Database Query Service "
               "version %s (%s)", env_name(env),
               env->version != NULL ? env->version : "",
               env->host != NULL ? env->host : "");
    message_block(&b, t.s);
    buf_putc(&b, '\n');
    rc = sink_put(sink, &b, err);
    buf_free(&t);
    buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------- engine */

/* (class, key) pairs, the keys in one arena: a cursor's matches and
 * related objects to come.  Never object text. */
typedef struct keyent {
    int cls;                /* class id, or REL_CONTACT */
    unsigned src;           /* the source: an index of query_cursor.srcs */
    size_t off;             /* the key in keys */
} keyent_t;

typedef struct keylist {
    keyent_t *v;
    size_t n, cap;
    buf_t keys;             /* NUL-separated keys */
} keylist_t;

/* A related entry naming a nic-hdl: a person, else a role. */
#define REL_CONTACT (-1)

/* A match of a class of a mirrored registry's own (store_other_get()),
 * its key "CLASS:VALUE" (upper case). */
#define CLS_OTHER (-2)

static void keylist_add(keylist_t *l, unsigned src, int cls, const char *key)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n].cls = cls;
    l->v[l->n].src = src;
    l->v[l->n].off = l->keys.len;
    l->n++;
    buf_puts(&l->keys, key);
    buf_putc(&l->keys, '\0');
}

static const char *keylist_key(const keylist_t *l, size_t i)
{
    return l->keys.s + l->v[i].off;
}

static void keylist_clear(keylist_t *l)
{
    l->n = 0;
    buf_reset(&l->keys);
}

static void keylist_free(keylist_t *l)
{
    free(l->v);
    buf_free(&l->keys);
    memset(l, 0, sizeof(*l));
}

/* Where a cursor is in its answer. */
enum phase {
    PH_NOTES,               /* warnings and notes, or a whole short answer */
    PH_MATCHES,             /* the matches (grouped: each with its related) */
    PH_RELATED,             /* the related objects after all matches */
    PH_END,                 /* %ERROR:101 / 201 */
    PH_DONE
};

struct query_cursor {
    const query_t *q;
    store_txn_t *txn;
    query_env_t env;
    int ripe;               /* QUERY_STYLE_RIPE */
    int grouping;           /* RIPE without -G */
    enum phase phase;
    keylist_t match;        /* the matches, in answer order */
    size_t next;            /* the next match to write */
    keylist_t rel;          /* related objects queued */
    size_t rel_next;        /* the next of them to write */
    strset_t matched;       /* identities of the matches */
    strset_t seen;          /* identities of the objects written */
    strset_t queued;        /* related keys queued (per group if grouped) */
    size_t set_bytes;       /* bytes of the strings in matched and seen */
    size_t queued_bytes;    /* bytes of the strings in queued */
    int full;               /* the match walk stopped at max_objects */
    int status;             /* a failure inside a store callback */
    int warn_ip;            /* RIPE: %WARNING:902 */
    int auth_note;          /* RIPE: -i auth with a value not a key-cert */
    int denied;             /* RIPE: stopped at the personal limit */
    strv_t unknown;         /* RIPE: -s sources that are not ours */
    strv_t srcs;            /* the sources searched, in order, upper case */
    strv_t all;             /* every source, the own first, upper case */
    unsigned cur_src;       /* the one the match walk is in */
    const char *bad_type;   /* a -T name of q->types no source holds */
    err_t err;
    query_result_t res;
};

/* Identity of an object for duplicate suppression: "src/cls:UPPERKEY". */
static void obj_identity(unsigned src, int cls, const char *key, buf_t *id)
{
    buf_reset(id);
    buf_printf(id, "%u/%d:", src, cls);
    for (; *key; key++)
        buf_putc(id, toupper((unsigned char) *key));
}

/* Add @s to @set; count its bytes in *@bytes.  @return 1 if new. */
static int set_add(strset_t *set, const char *s, size_t *bytes)
{
    if (!strset_add(set, s))
        return 0;
    *bytes += strlen(s) + 1;
    return 1;
}

/* Add a match unless known; stop the walk at env.max_objects.
 * @return 0 to go on, 1 to stop. */
static int add_match(query_cursor_t *c, int cls, const char *pkey)
{
    buf_t id;
    int stop = 0;

    if (c->ripe && (c->q->flags & QUERY_PRIMARY_KEYS) &&
        (cls == SC_PERSON || cls == SC_ROLE))
        return 0;
    buf_init(&id);
    obj_identity(c->cur_src, cls, pkey, &id);
    if (!strset_has(&c->matched, id.s)) {
        if (c->env.max_objects != 0 && c->match.n >= c->env.max_objects) {
            c->full = 1;
            stop = 1;
        } else {
            (void) set_add(&c->matched, id.s, &c->set_bytes);
            keylist_add(&c->match, c->cur_src, cls, pkey);
        }
    }
    buf_free(&id);
    return stop;
}

/* store_hit_fn of every look-up of the matches: keys only. */
static int on_match(int cls, const char *pkey, const char *text, size_t len,
                    void *arg)
{
    query_cursor_t *c = arg;

    (void) text;
    (void) len;
    if (c->q->cls_mask != 0 && !(c->q->cls_mask & (1UL << cls)))
        return 0;
    return add_match(c, cls, pkey);
}

/* The status of a store walk: 0 and ERR_NOTFOUND are fine, and so is a
 * walk stopped at the match limit. */
static int walk_status(query_cursor_t *c, int rc, err_t *e)
{
    if (rc == 0 || rc == ERR_NOTFOUND || c->full)
        return 0;
    err_set(&c->err, rc, "%s", err_text(e));
    return rc;
}

/* Is @key the name of a key-cert (PGPKEY-..., X509-...)? */
static int keycert_name(const char *key)
{
    return strncasecmp(key, "PGPKEY-", 7) == 0 ||
           strncasecmp(key, "X509-", 5) == 0;
}

static int find_inverse(query_cursor_t *c)
{
    for (size_t i = 0; i < c->q->ninv && !c->full; i++) {
        err_t e = ERR_INIT;
        int rc;

        if (c->ripe && c->q->inv_aid[i] == SA_AUTH &&
            !keycert_name(c->q->key)) {
            c->auth_note = 1;
            continue;
        }
        rc = store_inverse(c->txn, c->q->inv_aid[i], c->q->key, on_match,
                           c, &e);
        rc = walk_status(c, rc, &e);
        err_free(&e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Parse the key as an address, prefix or range; 0 if it is one. */
static int parse_address(const char *s, ip_range_t *rg)
{
    size_t n = strlen(s);

    if (n == 0)
        return -1;
    if (strchr(s, ':') != NULL) {
        if (ip_parse_prefix(s, n, 6, 0, rg, NULL) == 0)
            return 0;
        memset(rg, 0, sizeof(*rg));
        if (ip_parse_v6(s, n, rg->lo) == 0) {
            rg->af = 6;
            memcpy(rg->hi, rg->lo, sizeof(rg->hi));
            return 0;
        }
        return -1;
    }
    if (!isdigit((unsigned char) s[0]))
        return -1;
    if (ip_parse_v4_range(s, n, rg) == 0)
        return 0;
    if (ip_parse_prefix(s, n, 4, 0, rg, NULL) == 0)
        return 0;
    return -1;
}

static int find_address(query_cursor_t *c, const ip_range_t *rg)
{
    static const int v4[] = { SC_INETNUM, SC_ROUTE, SC_DOMAIN };
    static const int v6[] = { SC_INET6NUM, SC_ROUTE6, SC_DOMAIN };
    const int *cls = rg->af == 6 ? v6 : v4;
    int domain = c->ripe && (c->q->flags & QUERY_REVERSE_DOMAIN);

    for (size_t i = 0; i < 3 && !c->full; i++) {
        unsigned long bit = 1UL << cls[i];
        err_t e = ERR_INIT;
        int rc;

        if (c->q->cls_mask == 0 ? cls[i] == SC_DOMAIN && !domain
                                : !(c->q->cls_mask & bit))
            continue;
        rc = store_addr(c->txn, cls[i], rg, c->q->rel, on_match, c, &e);
        rc = walk_status(c, rc, &e);
        err_free(&e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Key look-up of the key in the classes of @mask (0: all). */
static int find_key(query_cursor_t *c, unsigned long mask)
{
    buf_t key;
    int rc = 0;

    buf_init(&key);
    for (const char *p = c->q->key; *p; p++)
        buf_putc(&key, toupper((unsigned char) *p));
    for (int cls = 0; cls < SC__COUNT && rc == 0 && !c->full; cls++) {
        err_t e = ERR_INIT;

        if (mask != 0 && !(mask & (1UL << cls)))
            continue;
        rc = store_obj_get(c->txn, cls, c->q->key, NULL, &e);
        if (rc == 0)
            (void) add_match(c, cls, key.s);
        else
            rc = walk_status(c, rc, &e);
        err_free(&e);
    }
    buf_free(&key);
    if (rc == 0 && !c->full) {
        err_t e = ERR_INIT;
        rc = store_lookup(c->txn, c->q->key, mask, on_match, c, &e);
        rc = walk_status(c, rc, &e);
        err_free(&e);
    }
    return rc;
}

/* The smallest as-block holding an ASN (RIPE's answer to "ASn"). */
struct block_find {
    unsigned long asn;
    unsigned long span;     /* of the best block so far */
    buf_t key;              /* its key; empty if none */
};

static int on_as_block(int cls, const char *pkey, const char *text,
                       size_t len, void *arg)
{
    struct block_find *f = arg;
    uint32_t lo_asn, hi_asn;

    (void) cls;
    (void) text;
    (void) len;
    if (asn_parse_range(pkey, strlen(pkey), &lo_asn, &hi_asn) != 0)
        return 0;
    if (lo_asn <= f->asn && f->asn <= hi_asn &&
        (f->key.len == 0 || hi_asn - lo_asn < f->span)) {
        f->span = hi_asn - lo_asn;
        buf_reset(&f->key);
        buf_puts(&f->key, pkey);
    }
    return 0;
}

/* RIPE: the as-block holding @asn, as a match (as-blocks are few: a
 * walk over them all). */
static int find_as_block(query_cursor_t *c, unsigned long asn)
{
    struct block_find f;
    err_t e = ERR_INIT;
    int rc;

    f.asn = asn;
    f.span = 0;
    buf_init(&f.key);
    rc = store_each(c->txn, SC_AS_BLOCK, on_as_block, &f, &e);
    rc = walk_status(c, rc, &e);
    if (rc == 0 && f.key.len > 0)
        (void) add_match(c, SC_AS_BLOCK, f.key.s);
    buf_free(&f.key);
    err_free(&e);
    return rc;
}

/* store_other_classes() callback: collect the names. */
static int on_other_class(const char *name, void *arg)
{
    strv_add(arg, name);
    return 0;
}

/* The classes of a mirrored registry's own the selected source holds,
 * added to @names.  @return 0 or the store's status (c->err). */
static int other_classes(query_cursor_t *c, strv_t *names)
{
    err_t e = ERR_INIT;
    int rc = store_other_classes(c->txn, on_other_class, names, &e);

    if (rc != 0)
        err_set(&c->err, rc, "%s", err_text(&e));
    err_free(&e);
    return rc;
}

/* Is @name (any case) one of @v? */
static int name_in(const strv_t *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcasecmp(v->v[i], name) == 0)
            return 1;
    return 0;
}

/* The key as the first value of the classes of a mirrored registry's
 * own in the selected source (-T's of them, or all without -T). */
static int find_other(query_cursor_t *c)
{
    strv_t names;
    buf_t key;
    int rc;

    strv_init(&names);
    buf_init(&key);
    rc = other_classes(c, &names);
    for (size_t i = 0; i < names.n && rc == 0 && !c->full; i++) {
        err_t e = ERR_INIT;

        if (c->q->types.n > 0 && !name_in(&c->q->types, names.v[i]))
            continue;
        rc = store_other_get(c->txn, names.v[i], c->q->key, NULL, &e);
        if (rc == 0) {
            buf_reset(&key);
            buf_printf(&key, "%s:", names.v[i]);
            for (const char *p = c->q->key; *p; p++)
                buf_putc(&key, toupper((unsigned char) *p));
            (void) add_match(c, CLS_OTHER, key.s);
        } else {
            rc = walk_status(c, rc, &e);
        }
        err_free(&e);
    }
    buf_free(&key);
    strv_free(&names);
    return rc;
}

/* Resolve the query's matches (keys only) in the schema's classes. */
static int find_schema_matches(query_cursor_t *c)
{
    const query_t *q = c->q;
    ip_range_t rg;
    unsigned long mask = q->cls_mask;
    uint32_t asn;

    if (q->ninv > 0)
        return find_inverse(c);
    if (parse_address(q->key, &rg) == 0) {
        unsigned long addr_cls = rg.af == 6
            ? (1UL << SC_INET6NUM) | (1UL << SC_ROUTE6) | (1UL << SC_DOMAIN)
            : (1UL << SC_INETNUM) | (1UL << SC_ROUTE) | (1UL << SC_DOMAIN);
        if (q->cls_mask != 0 && !(q->cls_mask & addr_cls))
            return find_key(c, q->cls_mask);
        return find_address(c, &rg);
    }
    if (c->ripe && (q->rel_given || (q->flags & QUERY_REVERSE_DOMAIN)))
        c->warn_ip = 1;
    if (asn_parse(q->key, strlen(q->key), &asn) == 0) {
        if (c->ripe && (mask == 0 || (mask & (1UL << SC_AS_BLOCK)))) {
            int rc = find_as_block(c, asn);
            if (rc != 0)
                return rc;
            mask &= ~(1UL << SC_AS_BLOCK);
            if (mask == 0 && q->cls_mask != 0)
                return 0;       /* -T as-block alone */
        }
        if (mask == 0)
            mask = 1UL << SC_AUT_NUM;
    }
    return find_key(c, mask);
}

/* Resolve the query's matches (keys only) in the selected source: the
 * schema's classes unless -T names only others, then (no inverse query)
 * the classes of a mirrored registry's own. */
static int find_matches(query_cursor_t *c)
{
    const query_t *q = c->q;
    int others_only = q->cls_mask == 0 && q->types.n > 0, rc = 0;

    if (!others_only)
        rc = find_schema_matches(c);
    if (rc == 0 && q->ninv == 0 && !c->full &&
        (q->cls_mask == 0 || q->types.n > 0))
        rc = find_other(c);
    return rc;
}

/* ---------------------------------------------------------- formatting */

/* "name:" padded to the value column (16), at least @min blanks. */
static void put_name(buf_t *out, const char *name, size_t min)
{
    size_t n = strlen(name) + 1;

    buf_puts(out, name);
    buf_putc(out, ':');
    buf_pad(out, ' ', n < 16 ? 16 - n : min);
}

/* The secret scheme of an auth: value ("MD5-PW", "SSO"), upper-cased
 * into @scheme, or 0 if the value is public (PGPKEY-, X509-). */
static int auth_secret(const char *value, buf_t *scheme)
{
    size_t n = strcspn(value, " \t");

    if (!((n > 3 && strncasecmp(value + n - 3, "-PW", 3) == 0) ||
          (n == 3 && strncasecmp(value, "SSO", 3) == 0)))
        return 0;
    buf_reset(scheme);
    for (size_t i = 0; i < n; i++)
        buf_putc(scheme, toupper((unsigned char) value[i]));
    return 1;
}

/* Whether @a is an auth: attribute, also when a mirrored registry wrote
 * it "auth :" (no schema id then). */
static int is_auth(const rpsl_attr_t *a)
{
    return a->aid == SA_AUTH || rpsl_attr_named(a, "auth");
}

/* Attributes RIPE removes without -B (FilterEmailFunction). */
static int email_ish(int aid)
{
    return aid == SA_E_MAIL || aid == SA_NOTIFY || aid == SA_REF_NFY ||
           aid == SA_MNT_NFY || aid == SA_UPD_TO || aid == SA_CHANGED;
}

/* Sets whose members -K keeps. */
static int set_class(int cls)
{
    return cls == SC_AS_SET || cls == SC_ROUTE_SET || cls == SC_RTR_SET;
}

/* RIPE's display of @o: filtered, or -K's primary keys. */
static void ripe_print(const query_cursor_t *c, const rpsl_obj_t *o,
                       buf_t *out)
{
    const unsigned flags = c->q->flags;
    int filtered = 0;
    buf_t scheme;

    if ((flags & QUERY_PRIMARY_KEYS) && o->cls < 0) {
        if (o->nattrs > 0)      /* a class of a mirrored registry's own */
            rpsl_print_attr(&o->attrs[0], out, RPSL_PRINT_DISPLAY);
        return;
    }
    if (flags & QUERY_PRIMARY_KEYS) {
        for (size_t i = 0; i < o->nattrs; i++) {
            const rpsl_attr_t *a = &o->attrs[i];
            const schema_tmpl_t *t = a->aid >= 0 ?
                schema_tmpl_find(o->cls, a->aid) : NULL;
            if ((t != NULL && (t->keys & SKEY_PRIMARY)) ||
                (set_class(o->cls) &&
                 (a->aid == SA_MEMBERS || a->aid == SA_MP_MEMBERS)))
                rpsl_print_attr(a, out, RPSL_PRINT_DISPLAY);
        }
        return;
    }
    buf_init(&scheme);
    for (size_t i = 0; i < o->nattrs && !filtered; i++) {
        const rpsl_attr_t *a = &o->attrs[i];
        if ((!(flags & QUERY_UNFILTERED) && email_ish(a->aid)) ||
            (is_auth(a) && auth_secret(a->value, &scheme)))
            filtered = 1;
    }
    for (size_t i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];

        if (a->aid == SA_CHANGED ||
            (!(flags & QUERY_UNFILTERED) && email_ish(a->aid)))
            continue;
        if (is_auth(a) && auth_secret(a->value, &scheme)) {
            put_name(out, a->name, 1);
            buf_printf(out, "%s # Filtered\n", scheme.s);
        } else if (a->aid == SA_SOURCE && filtered) {
            put_name(out, a->name, 1);
            buf_printf(out, "%s # Filtered\n", a->value);
        } else {
            rpsl_print_attr(a, out, RPSL_PRINT_DISPLAY);
        }
    }
    buf_free(&scheme);
}

/* ------------------------------------------------------- the answer */

/* Queue the related object @value of class @cls (REL_CONTACT: a
 * nic-hdl) of source @src, once per answer (per group when grouped). */
static void queue_related(query_cursor_t *c, unsigned src, int cls,
                          const char *value, buf_t *id)
{
    size_t at;

    if (*value == '\0')     /* a broken legacy object may say so */
        return;
    buf_reset(id);
    buf_printf(id, "%u/", src);
    if (c->ripe)
        buf_printf(id, "%d:", cls);
    at = id->len;
    for (const char *p = value; *p; p++)
        buf_putc(id, toupper((unsigned char) *p));
    if (set_add(&c->queued, id->s, &c->queued_bytes))
        keylist_add(&c->rel, src, cls, id->s + at);
}

/* Queue the related objects @o (of source @src) names (see the file
 * comment of query.h); they are looked up in the same source. */
static void queue_refs(query_cursor_t *c, unsigned src, const rpsl_obj_t *o,
                       buf_t *id)
{
    static const char *const tool_attrs[] = {
        "admin-c", "tech-c", "zone-c", "abuse-c"
    };
    static const int ripe_contacts[] = {
        SA_ADMIN_C, SA_TECH_C, SA_ZONE_C, SA_AUTHOR, SA_PING_HDL, SA_ABUSE_C
    };

    for (size_t i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];

        if (!c->ripe) {
            for (size_t k = 0; k < sizeof(tool_attrs) /
                 sizeof(tool_attrs[0]); k++) {
                if (strcmp(a->name, tool_attrs[k]) == 0) {
                    queue_related(c, src, REL_CONTACT, a->value, id);
                    break;
                }
            }
            continue;
        }
        if (a->aid == SA_ORG) {
            queue_related(c, src, SC_ORGANISATION, a->value, id);
        } else if (a->aid == SA_MNT_IRT) {
            if ((c->q->flags & QUERY_IRT) &&
                (o->cls == SC_INETNUM || o->cls == SC_INET6NUM))
                queue_related(c, src, SC_IRT, a->value, id);
        } else if (!(c->q->flags & QUERY_NO_PERSONAL)) {
            for (size_t k = 0; k < sizeof(ripe_contacts) /
                 sizeof(ripe_contacts[0]); k++) {
                if (a->aid == ripe_contacts[k]) {
                    queue_related(c, src, REL_CONTACT, a->value, id);
                    break;
                }
            }
        }
    }
}

static void clear_related(query_cursor_t *c)
{
    keylist_clear(&c->rel);
    c->rel_next = 0;
    strset_free(&c->queued);
    strset_init(&c->queued);
    c->queued_bytes = 0;
}

/* What one step needs for the texts it writes; freed when it ends. */
typedef struct work {
    buf_t text;             /* an object as stored */
    buf_t out;              /* what is written */
    buf_t id;               /* an identity */
    buf_t key;              /* a primary key as printed */
} work_t;

/*
 * Select source @name (use_source(): @src, an index of c->srcs) on the
 * cursor's transaction: the registry's own (NULL or its name), or a
 * mirrored one.  @return 0 or the store's status (@err says what).
 */
static int use_source_name(query_cursor_t *c, const char *name, err_t *err)
{
    if (name != NULL && strcasecmp(name, c->env.source) == 0)
        name = NULL;
    return store_txn_source(c->txn, name, err);
}

static int use_source(query_cursor_t *c, unsigned src, err_t *err)
{
    return use_source_name(c, src < c->srcs.n ? c->srcs.v[src] : NULL, err);
}

/*
 * RIPE: the abuse-mailbox: of the role named by @o's abuse-c:, or by the
 * abuse-c: of its organisation, appended to @addr (nothing if none).
 * @return 0 or the store's status.
 */
static int abuse_contact(query_cursor_t *c, const rpsl_obj_t *o, buf_t *addr,
                         err_t *err)
{
    const char *handle = rpsl_obj_get(o, "abuse-c"), *org_id, *mbox;
    rpsl_obj_t *org = NULL, *role = NULL;
    err_t e = ERR_INIT;
    int rc = 0;

    if (handle == NULL && (org_id = rpsl_obj_get(o, "org")) != NULL &&
        *org_id != '\0') {
        rc = store_obj_load(c->txn, SC_ORGANISATION, org_id, &org, &e);
        if (rc == 0)
            handle = rpsl_obj_get(org, "abuse-c");
    }
    if (rc == 0 && handle != NULL && *handle != '\0') {
        rc = store_obj_load(c->txn, SC_ROLE, handle, &role, &e);
        if (rc == 0 && (mbox = rpsl_obj_get(role, "abuse-mailbox")) != NULL)
            buf_puts(addr, mbox);
    }
    if (rc == ERR_NOTFOUND)
        rc = 0;
    else if (rc != 0)
        err_set(err, rc, "%s", err_text(&e));
    rpsl_obj_free(org);
    rpsl_obj_free(role);
    err_free(&e);
    return rc;
}

/* Fetch the object of a class of a mirrored registry's own keyed
 * "CLASS:VALUE" (@key) into @text.  @return as store_other_get(). */
static int other_get(query_cursor_t *c, const char *key, buf_t *text,
                     err_t *err)
{
    const char *colon = strchr(key, ':');
    buf_t name;
    int rc;

    if (colon == NULL)
        return err_set(err, ERR_NOTFOUND, "no such object");
    buf_init(&name);
    buf_put(&name, key, (size_t)(colon - key));
    rc = store_other_get(c->txn, name.s, colon + 1, text, err);
    buf_free(&name);
    return rc;
}

/* @text as stored, one newline at its end, into @out. */
static void put_text(buf_t *out, const buf_t *text)
{
    size_t n = text->len;

    while (n > 0 && text->s[n - 1] == '\n')
        n--;
    buf_put(out, text->s, n);
    buf_putc(out, '\n');
}

/*
 * Write object (@src, @cls, @key) unless written already: fetched from
 * the snapshot, formatted, written; a match (@primary) also queues what
 * it references.  Stops short (c->denied) at the personal-data limit.
 * @param found  set to 1 if the object exists
 * @return 0, the sink's status, ERR_STORE/ERR_TEMP.
 */
static int put_object(query_cursor_t *c, work_t *w, const query_sink_t *sink,
                      unsigned src, int cls, const char *key, int primary,
                      int *found, err_t *err)
{
    rpsl_obj_t *o = NULL;
    err_t e = ERR_INIT;
    int rc, personal = cls == SC_PERSON || cls == SC_ROLE;

    *found = 0;
    buf_reset(&w->text);
    rc = use_source(c, src, &e);
    if (rc == 0 && cls == CLS_OTHER)
        rc = other_get(c, key, &w->text, &e);
    else if (rc == 0)
        rc = store_obj_get(c->txn, cls, key, &w->text, &e);
    if (rc != 0) {
        if (rc != ERR_NOTFOUND)
            err_set(err, rc, "%s", err_text(&e));
        err_free(&e);
        return rc == ERR_NOTFOUND ? 0 : rc;
    }
    *found = 1;
    if (rpsl_parse(w->text.s, w->text.len, 1, 0, &o, NULL) != 0 ||
        o == NULL || o->nattrs == 0) {
        rpsl_obj_free(o);
        o = NULL;
        if (cls != CLS_OTHER)
            return err_set(err, ERR_STORE, "stored object %s %s is "
                           "unreadable", schema_class_name(cls), key);
    } else {
        (void) schema_classify(o, NULL);
    }

    buf_reset(&w->key);
    if (cls == CLS_OTHER) {
        /* its first value as written, else as keyed */
        const char *v = o != NULL ? o->attrs[0].value : NULL;
        size_t n = v != NULL ? strcspn(v, "\n#") : 0;
        if (v != NULL)
            text_trim(&v, &n);
        buf_put(&w->key, v, n);
        if (w->key.len == 0)
            buf_puts(&w->key, strchr(key, ':') + 1);
    } else if (schema_pkey(o, &w->key) != 0 || w->key.len == 0) {
        buf_reset(&w->key);
        buf_puts(&w->key, key);
    }
    obj_identity(src, cls, cls == CLS_OTHER ? key : w->key.s, &w->id);
    if (strset_has(&c->seen, w->id.s))
        goto leave;
    if (personal && c->env.personal_limit >= 0 &&
        c->res.personal >= (size_t) c->env.personal_limit) {
        c->denied = 1;
        goto leave;
    }
    (void) set_add(&c->seen, w->id.s, &c->set_bytes);

    buf_reset(&w->out);
    if (c->ripe) {
        if (primary && c->grouping) {
            buf_printf(&w->out, "%% Information related to '%s'\n\n",
                       w->key.s);
            if (cls == SC_INETNUM || cls == SC_INET6NUM ||
                cls == SC_AUT_NUM) {
                buf_reset(&w->id);
                rc = abuse_contact(c, o, &w->id, err);
                if (rc != 0)
                    goto leave;
                if (w->id.len > 0)
                    buf_printf(&w->out, "%% Abuse contact for '%s' is "
                               "'%s'\n\n", w->key.s, w->id.s);
            }
        }
        if (o != NULL)
            ripe_print(c, o, &w->out);
        else
            put_text(&w->out, &w->text);
    } else if (o == NULL || (c->q->flags & QUERY_UNFILTERED)) {
        put_text(&w->out, &w->text);
    } else {
        rpsl_print(o, &w->out, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
    }
    buf_putc(&w->out, '\n');
    rc = sink->write(sink->ctx, w->out.s, w->out.len, err);
    if (rc != 0)
        goto leave;
    c->res.objects++;
    if (personal)
        c->res.personal++;
    if (primary && o != NULL && !(c->q->flags & QUERY_NO_REFS) &&
        !(c->ripe && (c->q->flags & QUERY_PRIMARY_KEYS)))
        queue_refs(c, src, o, &w->id);
leave:
    rpsl_obj_free(o);
    return rc;
}

/* Write the related object queued at @i (a nic-hdl: the person, else
 * the role). */
static int put_related(query_cursor_t *c, work_t *w, const query_sink_t *sink,
                       size_t i, err_t *err)
{
    static const int contact[] = { SC_PERSON, SC_ROLE };
    const char *key = keylist_key(&c->rel, i);
    unsigned src = c->rel.v[i].src;
    int cls = c->rel.v[i].cls, found = 0, rc = 0;

    if (cls != REL_CONTACT) {
        obj_identity(src, cls, key, &w->id);
        if (strset_has(&c->seen, w->id.s))
            return 0;
        return put_object(c, w, sink, src, cls, key, 0, &found, err);
    }
    for (size_t k = 0; k < 2 && rc == 0 && !found; k++) {
        obj_identity(src, contact[k], key, &w->id);
        if (strset_has(&c->seen, w->id.s))
            break;
        rc = put_object(c, w, sink, src, contact[k], key, 0, &found, err);
    }
    return rc;
}

/* -t/-v: the template of @cls, as RIPE's whois -t prints it. */
static void write_template(buf_t *b, int cls, int verbose)
{
    static const char *const req[] = {
        "[mandatory]", "[optional]", "[generated]", "[conditional]"
    };
    static const char *const req_word[] = {
        "Mandatory", "Optional", "Generated", "Conditional"
    };
    const schema_tmpl_t *t;
    size_t n = 0;

    t = schema_template(cls, &n);
    if (verbose)
        buf_printf(b, "The %s class:\n\n", schema_class_name(cls));
    for (size_t pass = 0; pass < (verbose ? 2u : 1u); pass++) {
        if (pass == 1)
            buf_printf(b, "\nThe content of the attributes of the %s "
                       "class are:\n\n", schema_class_name(cls));
        for (size_t i = 0; i < n; i++) {
            unsigned k = t[i].keys;
            const char *keys =
                (k & SKEY_PRIMARY) && (k & SKEY_LOOKUP) ? "primary/lookup key"
                : (k & SKEY_PRIMARY) && (k & SKEY_INVERSE) ?
                  "primary/inverse key"
                : (k & SKEY_PRIMARY) ? "primary key"
                : (k & SKEY_LOOKUP) && (k & SKEY_INVERSE) ?
                  "lookup/inverse key"
                : (k & SKEY_LOOKUP) ? "lookup key"
                : (k & SKEY_INVERSE) ? "inverse key" : " ";

            if (pass == 0) {
                put_name(b, schema_attr_name(t[i].aid), 0);
                buf_printf(b, "%-14s%-13s[%s]\n", req[t[i].req],
                           t[i].card == SK_SINGLE ? "[single]"
                                                  : "[multiple]", keys);
            } else {
                buf_printf(b, "%s\n\n   %s, %s%s%s; syntax %s.\n\n",
                           schema_attr_name(t[i].aid), req_word[t[i].req],
                           t[i].card == SK_SINGLE ? "single" : "multiple",
                           *keys != ' ' ? ", " : "",
                           *keys != ' ' ? keys : "",
                           syntax_name(schema_attr_syntax(t[i].aid)));
            }
        }
    }
    if (!verbose)
        buf_putc(b, '\n');
}

/* The answer to "help". */
static const char help_text[] =
    "RIPE-style queries: [flags] KEY\n"
    "\n"
    "-r  no related objects        -B  no filtering\n"
    "-G  no grouping               -K  primary keys only\n"
    "-T TYPE[,TYPE]  only these object types\n"
    "-i ATTR[,ATTR]  inverse query on these attributes\n"
    "-x -l -L -m -M  exact, one/all less specific, one/all more specific\n"
    "-d  with an address: also domain objects\n"
    "-c  add the irt objects\n"
    "-s SRC[,SRC] / -a  sources to search / every source\n"
    "-k  persistent connection\n"
    "-q sources|version|types  system information\n"
    "-t TYPE / -v TYPE  object template / verbose template";

/* RIPE: the notes before the objects, in RIPE's order. */
static void ripe_notes(const query_cursor_t *c, buf_t *b)
{
    const unsigned flags = c->q->flags;

    if (c->warn_ip)
        (void) message_put(b, QUERY_W_USELESS_IP_FLAG, NULL, NULL);
    if (c->auth_note)
        message_block(b, "Inverse search on 'auth' attribute is limited to "
                      "'key-cert' objects only");
    if (!(flags & (QUERY_UNFILTERED | QUERY_PRIMARY_KEYS)))
        message_block(b, "Note: this output has been filtered.\n"
                      "      To receive output for a database update, use "
                      "the \"-B\" flag.");
    if (flags & QUERY_NO_PERSONAL)
        message_block(b, "Note: --no-personal means ALL personal data has "
                      "been filtered from this output.");
    if (flags & QUERY_PRIMARY_KEYS)
        message_block(b, "Note: this output has been filtered.\n"
                      "Only primary keys and abuse contacts will be "
                      "visible.\n"
                      "No other contact information will be shown.");
}

/*
 * -q sources: a line "NAME:3:X|N:FIRST-LAST" per source, the own one
 * first (X: env.nrtm_ok), then the mirrored ones (N); FIRST-LAST is the
 * source's journal, for a mirrored source without journal entries (a
 * dump loaded) S-S with S the serial its data is up to (0-0 if none).
 * An empty line ends the list.
 */
static int list_sources(query_cursor_t *c, buf_t *b, err_t *err)
{
    err_t e = ERR_INIT;
    int rc = 0;

    for (unsigned i = 0; i < c->all.n && rc == 0; i++) {
        uint64_t first = 0, last = 0, serial = 0;

        rc = use_source_name(c, c->all.v[i], &e);
        if (rc == 0)
            rc = store_journal_range(c->txn, &first, &last, &e);
        if (rc == 0 && i > 0 && last == 0) {
            rc = store_source_serial_get(c->txn, &serial, &e);
            first = last = serial;
        }
        if (rc == 0)
            buf_printf(b, "%s:3:%c:%" PRIu64 "-%" PRIu64 "\n", c->all.v[i],
                       i == 0 && c->env.nrtm_ok ? 'X' : 'N', first, last);
    }
    if (rc == 0)
        rc = use_source_name(c, NULL, &e);
    if (rc != 0)
        err_set(err, rc, "%s", err_text(&e));
    err_free(&e);
    buf_putc(b, '\n');
    return rc;
}

/* RIPE: a refusal, a system query, a template, help, or the notes. */
static int step_notes(query_cursor_t *c, work_t *w, err_t *err)
{
    const query_t *q = c->q;
    buf_t *b = &w->out;

    buf_reset(b);
    c->phase = PH_DONE;
    if (c->res.kind == QUERY_E_UNKNOWN_SOURCE) {
        for (size_t i = 0; i < c->unknown.n; i++)
            (void) message_put(b, c->res.kind, c->unknown.v[i], NULL);
    } else if (c->res.kind != QUERY_E_NONE) {
        char flag[3] = { '-', q->err_flag, '\0' };
        const char *arg = c->res.kind == QUERY_E_REPEATED_FLAG ? flag
                          : c->res.kind == QUERY_E_BAD_OPTION ? NULL
                          : c->bad_type != NULL ? c->bad_type
                          : q->err_word;
        if (message_put(b, c->res.kind, arg, NULL) != 0)
            (void) message_put(b, QUERY_E_BAD_OPTION, NULL, NULL);
    } else if (q->sysinfo == QUERY_SYS_SOURCES) {
        int rc = list_sources(c, b, err);
        if (rc != 0)
            return rc;
    } else if (q->sysinfo == QUERY_SYS_VERSION) {
        buf_t t;
        buf_init(&t);
        buf_printf(&t, "whois-server-%s",
                   c->env.version != NULL ? c->env.version : "");
        message_block(b, t.s);
        buf_free(&t);
    } else if (q->sysinfo == QUERY_SYS_TYPES) {
        for (int cls = 0; cls < SC__COUNT; cls++)
            buf_printf(b, "%s\n", schema_class_name(cls));
        buf_putc(b, '\n');
    } else if (q->template_kind != 0) {
        write_template(b, q->template_cls, q->template_kind == 'v');
    } else if (q->key == NULL) {
        ;                               /* "-k" alone: nothing */
    } else if (strcasecmp(q->key, "help") == 0) {
        message_block(b, help_text);
    } else {
        ripe_notes(c, b);
        c->phase = PH_MATCHES;
    }
    return 0;
}

/* The end of an answer: the refusal if nothing was written. */
static int step_end(query_cursor_t *c, work_t *w, err_t *err)
{
    c->phase = PH_DONE;
    buf_reset(&w->out);
    if (c->denied) {
        c->res.kind = QUERY_E_ACCESS_DENIED;
        (void) message_put(&w->out, c->res.kind, c->env.client != NULL ?
                           c->env.client : "this address", NULL);
    } else if (c->res.objects == 0) {
        c->res.kind = QUERY_E_NO_ENTRIES;
        if (c->ripe) {
            buf_t src;
            buf_init(&src);
            for (size_t i = 0; i < c->srcs.n; i++) {
                if (i > 0)
                    buf_putc(&src, ',');
                buf_puts(&src, c->srcs.v[i]);
            }
            (void) message_put(&w->out, c->res.kind, src.s, NULL);
            buf_free(&src);
        }
    }
    (void) err;
    return 0;
}

int query_step(query_cursor_t *c, const query_sink_t *sink,
               size_t max_objects, int *more, err_t *err)
{
    work_t w;
    size_t n = 0;
    int rc = 0;

    buf_init(&w.text);
    buf_init(&w.out);
    buf_init(&w.id);
    buf_init(&w.key);
    while (rc == 0 && c->phase != PH_DONE &&
           (max_objects == 0 || n < max_objects)) {
        size_t before = c->res.objects;
        int found;

        switch (c->phase) {
        case PH_NOTES:
            rc = step_notes(c, &w, err);
            if (rc == 0)
                rc = sink_put(sink, &w.out, err);
            break;
        case PH_MATCHES:
            if (c->grouping && c->rel_next < c->rel.n) {
                rc = put_related(c, &w, sink, c->rel_next++, err);
            } else if (c->next < c->match.n) {
                size_t i = c->next++;
                if (c->grouping)
                    clear_related(c);
                rc = put_object(c, &w, sink, c->match.v[i].src,
                                c->match.v[i].cls, keylist_key(&c->match, i),
                                1, &found, err);
            } else {
                c->phase = PH_RELATED;
            }
            break;
        case PH_RELATED:
            if (c->rel_next < c->rel.n)
                rc = put_related(c, &w, sink, c->rel_next++, err);
            else
                c->phase = PH_END;
            break;
        case PH_END:
            rc = step_end(c, &w, err);
            if (rc == 0)
                rc = sink_put(sink, &w.out, err);
            break;
        case PH_DONE:
            break;
        }
        n += c->res.objects - before;
        if (c->denied && c->phase < PH_END)
            c->phase = PH_END;
    }
    if (rc != 0)
        c->phase = PH_DONE;
    if (c->srcs.n > 1 || (c->srcs.n == 1 && strcmp(c->srcs.v[0], c->all.v[0]) != 0)) {
        /* leave the transaction on the own source, as it came */
        err_t e = ERR_INIT;
        int rc2 = use_source_name(c, NULL, &e);
        if (rc == 0 && rc2 != 0)
            rc = err_set(err, rc2, "%s", err_text(&e));
        err_free(&e);
    }
    *more = c->phase != PH_DONE;
    buf_free(&w.text);
    buf_free(&w.out);
    buf_free(&w.id);
    buf_free(&w.key);
    return rc;
}

/*
 * The next item of the comma-separated list at *@p, blanks trimmed: its
 * start in *@item, its length returned (0 for an empty item); *@p moves
 * past it and its comma.  Call while **@p.
 */
static size_t list_next(const char **p, const char **item)
{
    size_t n = strcspn(*p, ",");
    const char *s = *p, *e = *p + n;

    while (s < e && isspace((unsigned char) *s))
        s++;
    while (e > s && isspace((unsigned char) e[-1]))
        e--;
    *p += n;
    if (**p == ',')
        (*p)++;
    *item = s;
    return (size_t) (e - s);
}

static int add_source(const char *name, void *arg)
{
    strv_add(arg, name);
    return 0;
}

int query_sources_all(store_txn_t *txn, const char *own, strv_t *all,
                      err_t *err)
{
    strv_t mirrored;
    size_t first = all->n;
    buf_t up;
    int rc;

    buf_init(&up);
    for (const char *p = own; *p; p++)
        buf_putc(&up, toupper((unsigned char) *p));
    strv_add(all, up.s);
    buf_free(&up);
    strv_init(&mirrored);
    rc = store_source_each(txn, add_source, &mirrored, err);
    for (size_t i = 0; i < mirrored.n && rc == 0; i++) {
        err_t e = ERR_INIT;
        int r = store_txn_source(txn, mirrored.v[i], &e);
        if (r == 0 && strv_find(all, mirrored.v[i]) < (long) first)
            strv_add(all, mirrored.v[i]);
        else if (r == ERR_TEMP)
            rc = err_set(err, r, "%s", err_text(&e));
        err_free(&e);
    }
    strv_free(&mirrored);
    if (rc == 0)
        rc = store_txn_source(txn, NULL, err);
    return rc;
}

/* Add @name (one of c->all) to c->srcs unless there already. */
static void select_one(query_cursor_t *c, const char *name)
{
    if (strv_find(&c->srcs, name) < 0)
        strv_add(&c->srcs, name);
}

/* The index in c->all of the source @item (@n bytes, any case), or -1. */
static long known_source(const query_cursor_t *c, const char *item, size_t n)
{
    for (size_t k = 0; k < c->all.n; k++)
        if (strlen(c->all.v[k]) == n && strncasecmp(c->all.v[k], item, n) == 0)
            return (long) k;
    return -1;
}

/*
 * The sources the query searches, into c->srcs in order: -a every one
 * (the own, then the mirrored ones in name order); -s the list as given
 * (each once; the names not ours into c->unknown); else env.sources
 * (those the store holds; if none of them, the own source).  c->all
 * gets every source, the own first.  @return 0 or the store's status
 * (c->err says what).
 */
static int select_sources(query_cursor_t *c)
{
    const char *p = c->q->sources, *item;
    int rc;

    rc = query_sources_all(c->txn, c->env.source, &c->all, &c->err);
    if (rc != 0)
        return rc;
    if (c->q->flags & QUERY_ALL_SOURCES) {
        for (size_t k = 0; k < c->all.n; k++)
            select_one(c, c->all.v[k]);
    } else if (p != NULL) {
        while (*p) {
            size_t n = list_next(&p, &item);
            long k = n > 0 ? known_source(c, item, n) : -1;
            if (k >= 0)
                select_one(c, c->all.v[k]);
            else if (n > 0)
                strv_addn(&c->unknown, item, n);
        }
    } else if (c->env.sources != NULL) {
        for (size_t i = 0; i < c->env.sources->n; i++) {
            const char *name = c->env.sources->v[i];
            long k = known_source(c, name, strlen(name));
            if (k >= 0)
                select_one(c, c->all.v[k]);
        }
    }
    if (c->srcs.n == 0 && c->unknown.n == 0)
        select_one(c, c->all.v[0]);
    return 0;
}

/*
 * The first -T name of q->types that no selected source holds objects
 * of into c->bad_type (NULL if none).  @return 0 or the store's status.
 */
static int check_types(query_cursor_t *c)
{
    strv_t names;
    int rc = 0;

    if (c->q->types.n == 0)
        return 0;
    strv_init(&names);
    for (unsigned i = 0; i < c->srcs.n && rc == 0; i++) {
        rc = use_source(c, i, &c->err);
        if (rc == 0)
            rc = other_classes(c, &names);
    }
    if (rc == 0)
        rc = use_source_name(c, NULL, &c->err);
    for (size_t i = 0; i < c->q->types.n && rc == 0 && !c->bad_type; i++)
        if (!name_in(&names, c->q->types.v[i]))
            c->bad_type = c->q->types.v[i];
    strv_free(&names);
    return rc;
}

/* Resolve the matches source by source, then select the own source
 * again. */
static int find_all_matches(query_cursor_t *c)
{
    int rc = 0;

    for (unsigned i = 0; i < c->srcs.n && rc == 0 && !c->full; i++) {
        c->cur_src = i;
        rc = use_source(c, i, &c->err);
        if (rc == 0)
            rc = find_matches(c);
    }
    if (rc == 0)
        rc = use_source_name(c, NULL, &c->err);
    return rc;
}

/* Is the answer one without matches (a refusal, a system query, a
 * template, help)?  Sets c->res.kind and c->phase for it. */
static int no_matches(query_cursor_t *c)
{
    const query_t *q = c->q;

    if (!c->ripe) {
        c->phase = PH_DONE;
        if (c->srcs.n == 0)         /* -s names none of the sources */
            c->res.kind = QUERY_E_UNKNOWN_SOURCE;
        else if (q->key == NULL)
            c->res.kind = QUERY_E_NO_KEY;
        else
            c->phase = PH_MATCHES;
        return c->phase == PH_DONE;
    }
    if (q->err_kind != QUERY_E_NONE) {
        c->res.kind = q->err_kind;
        return 1;
    }
    if (c->bad_type != NULL) {
        c->res.kind = QUERY_E_UNKNOWN_TYPE;
        return 1;
    }
    if (c->unknown.n > 0) {
        c->res.kind = QUERY_E_UNKNOWN_SOURCE;
        return 1;
    }
    return q->sysinfo != QUERY_SYS_NONE || q->template_kind != 0 ||
           q->key == NULL || strcasecmp(q->key, "help") == 0;
}

int query_start(const query_t *q, store_txn_t *txn, const query_env_t *env,
                query_cursor_t **out, err_t *err)
{
    query_cursor_t *c = xcalloc(1, sizeof(*c));
    int rc;

    c->q = q;
    c->txn = txn;
    c->env = *env;
    c->ripe = q->style == QUERY_STYLE_RIPE;
    c->grouping = c->ripe && !(q->flags & QUERY_NO_GROUPING);
    c->phase = PH_NOTES;
    strset_init(&c->matched);
    strset_init(&c->seen);
    strset_init(&c->queued);
    strv_init(&c->unknown);
    strv_init(&c->srcs);
    strv_init(&c->all);
    err_init(&c->err);
    *out = c;

    rc = select_sources(c);
    if (rc == 0)
        rc = check_types(c);
    if (rc == 0 && c->bad_type != NULL && !c->ripe && c->srcs.n > 0) {
        rc = err_set(err, ERR_USAGE, "unknown object type \"%s\"",
                     c->bad_type);
        query_cursor_free(c);
        *out = NULL;
        return rc;
    }
    if (rc == 0 && no_matches(c))
        return 0;
    if (rc == 0)
        rc = find_all_matches(c);
    if (rc != 0) {
        err_set(err, rc, "%s", err_text(&c->err));
        query_cursor_free(c);
        *out = NULL;
        return rc;
    }
    c->res.matches = c->match.n;
    c->res.truncated = c->full;
    return 0;
}

void query_cursor_result(const query_cursor_t *c, query_result_t *res)
{
    *res = c->res;
}

size_t query_cursor_memory(const query_cursor_t *c)
{
    size_t n = sizeof(*c);

    n += (c->match.cap + c->rel.cap) * sizeof(keyent_t);
    n += c->match.keys.cap + c->rel.keys.cap;
    n += (c->matched.cap + c->seen.cap + c->queued.cap) * sizeof(char *);
    n += c->set_bytes + c->queued_bytes;
    return n;
}

void query_cursor_free(query_cursor_t *c)
{
    if (c == NULL)
        return;
    keylist_free(&c->match);
    keylist_free(&c->rel);
    strset_free(&c->matched);
    strset_free(&c->seen);
    strset_free(&c->queued);
    strv_free(&c->unknown);
    strv_free(&c->srcs);
    strv_free(&c->all);
    err_free(&c->err);
    free(c);
}

int query_source_ok(const query_t *q, const char *source)
{
    const char *p = q->sources, *item;

    if (p == NULL || (q->flags & QUERY_ALL_SOURCES))
        return 1;
    while (*p) {
        size_t n = list_next(&p, &item);
        if (n == strlen(source) && strncasecmp(item, source, n) == 0)
            return 1;
    }
    return 0;
}

int query_run_env(const query_t *q, store_txn_t *txn, const query_env_t *env,
                  const query_sink_t *sink, query_result_t *res, err_t *err)
{
    query_cursor_t *c = NULL;
    int rc, more = 0;

    memset(res, 0, sizeof(*res));
    rc = query_start(q, txn, env, &c, err);
    if (rc != 0)
        return rc;
    do
        rc = query_step(c, sink, 0, &more, err);
    while (rc == 0 && more);
    query_cursor_result(c, res);
    query_cursor_free(c);
    if (rc != 0 || q->style != QUERY_STYLE_TOOL)
        return rc;
    switch (res->kind) {
    case QUERY_E_UNKNOWN_SOURCE:
        return err_set(err, ERR_NOTFOUND, "unknown source");
    case QUERY_E_NO_KEY:
        return err_set(err, ERR_USAGE, "a query argument is required");
    case QUERY_E_NO_ENTRIES:
        return err_set(err, ERR_NOTFOUND, "no entries found");
    default:
        return 0;
    }
}

int query_run(const query_t *q, store_txn_t *txn, const char *source,
              const query_sink_t *sink, query_result_t *res, err_t *err)
{
    query_env_t env;

    memset(&env, 0, sizeof(env));
    env.source = source;
    env.personal_limit = -1;
    return query_run_env(q, txn, &env, sink, res, err);
}
