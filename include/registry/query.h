/*
 * query.h - the query engine: RIPE-style whois queries on the store, for
 * autodbm-query (src/query/main.c) and the whois server that will follow.
 *
 * The module owns two things:
 *  - the parser, which turns the words of a query (a program's argv, or
 *    one query line such as "-rBG -T person,role FOO") into a query_t,
 *    without getopt(3) and without global state, so that the command line
 *    and a server reading many lines parse flags identically;
 *  - the engine, query_run(), which answers a query_t inside one store
 *    read transaction of the caller (one snapshot per query) and writes
 *    the answer object by object to an output sink (query_sink_t): stdout
 *    for the command, a connection's buffer for a server.
 *
 * Flags (short flags cluster, "-rBTperson" is "-r -B -T person"; a flag
 * taking an argument swallows the rest of its word, else the next word;
 * "--" ends the flags; words that are not flags, "-" included, are the
 * search key, joined by single spaces in any position, as GNU getopt
 * permutes them; the long forms are RIPE's):
 *   -r --no-referenced     do not add the referenced person/role objects
 *   -B --no-filtering      do not filter auth: hashes (the stored text)
 *   -G --no-grouping       accepted; the engine does not group (yet)
 *   -T --select-types L    only objects of the classes in L (comma list)
 *   -i --inverse L         inverse query: objects whose attributes in L
 *                          have the key as value
 *   -x -l -L -m -M         address relation (--exact, --one-less,
 *                          --all-less, --one-more, --all-more)
 *   -s --sources L         sources to search; -a --all-sources: every one
 * A caller adds its own flags (autodbm-query: -c FILE, -h, -V) through a
 * query_extra_t; they must not be one of the above.
 *
 * The answer: each object in RPSL (values in column 17, auth: hashes
 * replaced by "# Filtered" unless -B; with -B the stored text) followed
 * by one empty line, each object once.  The key is classified as RIPE's
 * server does: an address, prefix or range is looked up in inetnum/route
 * (inet6num/route6, and domain when -T names it) with the -x/-l/-L/-m/-M
 * relation (default: exact, else the smallest range containing it); "ASn"
 * is an aut-num; anything else is a primary key of every class (or of the
 * -T classes) and a lookup key (person:, role:, e-mail:, ...).  Unless
 * -r, the person and role objects named by the answer's admin-c:, tech-c:,
 * zone-c: and abuse-c: follow, in order of appearance (never limited by
 * -T).
 *
 * Errors: functions return 0 or an ERR_* status (util/err.h) with a text
 * in an err_t; a refused query also has a kind (enum query_error, whose
 * values are RIPE's %ERROR numbers) from which a front end prints its
 * answer: query_write_error() writes autodbm-query's one-line form.
 *
 * Ownership: a query_t owns its strings (query_init()/query_free()).
 * Not thread-safe per query_t; distinct queries may run in parallel
 * threads on distinct transactions.
 */
#ifndef AUTODBM_QUERY_H
#define AUTODBM_QUERY_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"
#include "rpsl/schema.h"
#include "store/store.h"

/** Why a query is refused: the numbers of RIPE's %ERROR messages. */
enum query_error {
    QUERY_E_NONE = 0,
    QUERY_E_NO_ENTRIES = 101,       /**< nothing matched */
    QUERY_E_UNKNOWN_SOURCE = 102,   /**< -s names none of our sources */
    QUERY_E_UNKNOWN_TYPE = 103,     /**< -T names an unknown class */
    QUERY_E_UNKNOWN_ATTR = 104,     /**< -i names an unknown attribute */
    QUERY_E_NO_KEY = 106,           /**< no search key */
    QUERY_E_BAD_OPTION = 111,       /**< unknown flag, or its argument is
                                         missing (see query_t.err_flag) */
    QUERY_E_IP_FLAGS = 901          /**< two of -x -l -L -m -M */
};

/** query_t.flags */
enum query_flag {
    QUERY_NO_REFS = 1 << 0,         /**< -r */
    QUERY_UNFILTERED = 1 << 1,      /**< -B */
    QUERY_NO_GROUPING = 1 << 2,     /**< -G */
    QUERY_ALL_SOURCES = 1 << 3      /**< -a */
};

/** A parsed query.  Fill it with query_parse_argv()/query_parse_line(). */
typedef struct query {
    unsigned flags;             /**< enum query_flag */
    unsigned long cls_mask;     /**< -T classes (bit 1<<SC_x), 0 = all */
    int inv_aid[SA__COUNT];     /**< -i attributes, each once */
    size_t ninv;
    enum store_rel rel;         /**< -x -l -L -m -M; STORE_BEST if none */
    int rel_given;
    char *sources;              /**< -s list as given (last -s), or NULL */
    char *key;                  /**< the search key, or NULL */
    char repeated;              /**< the first flag given twice, or 0
                                     (RIPE refuses it: %ERROR:110) */
    /* why parsing failed, for a front end's message */
    enum query_error err_kind;  /**< QUERY_E_NONE unless parsing failed */
    char err_flag;              /**< the flag concerned, or 0 */
    int err_noarg;              /**< QUERY_E_BAD_OPTION: argument missing */
    char *err_word;             /**< the unknown type or attribute */
} query_t;

/**
 * A caller's own flags, parsed with the query's.
 * @param flags  getopt-style list, e.g. "c:hV" (':' = takes an argument)
 * @param fn     called for each in order: @flag, its @arg (NULL if none),
 *               @ctx; returns 0 to go on, 1 to stop parsing at once
 *               (then the parser returns 0 with the query incomplete:
 *               for -h and -V)
 */
typedef struct query_extra {
    const char *flags;
    int (*fn)(int flag, const char *arg, void *ctx);
    void *ctx;
} query_extra_t;

/**
 * Where the answer goes.  @write gets whole objects (text and the empty
 * line after it) and message lines; it returns 0, or an ERR_* status
 * (with @err set) which stops the query and is returned by query_run()
 * (a client gone, a limit reached).  It may block (back-pressure).
 */
typedef struct query_sink {
    int (*write)(void *ctx, const char *s, size_t len, err_t *err);
    void *ctx;
} query_sink_t;

/** What query_run() did. */
typedef struct query_result {
    size_t objects;             /**< objects written */
    enum query_error kind;      /**< QUERY_E_NO_ENTRIES, _UNKNOWN_SOURCE
                                     (or _NO_KEY: @q has no key) when
                                     refused, else QUERY_E_NONE */
} query_result_t;

/** Initialise @q as the empty query (no flags, STORE_BEST). */
void query_init(query_t *q);

/** Free what @q owns; @q may be initialised again. */
void query_free(query_t *q);

/**
 * Parse @argc words of @argv (the program name NOT included) into @q
 * (initialised by query_init(); flags add up over several calls).
 * @param extra  the caller's flags, or NULL
 * @param err    on failure the text autodbm-query prints ("unknown object
 *               type \"x\"", "invalid option -- 'Z'", ...)
 * @return 0 (also when extra->fn stopped the parse); ERR_USAGE with
 *         q->err_kind, q->err_flag, q->err_word set.  A missing key is
 *         QUERY_E_NO_KEY ("a query argument is required").
 */
int query_parse_argv(query_t *q, int argc, char *const argv[],
                     const query_extra_t *extra, err_t *err);

/**
 * Parse one query line: split at blanks (space, tab, CR, LF) into words,
 * then as query_parse_argv().  "-r  FOO\r\n" and {"-r", "FOO"} give the
 * same query.
 */
int query_parse_line(query_t *q, const char *line, const query_extra_t *extra,
                     err_t *err);

/**
 * Does @q search source @source?  (No -s, -a, or @source among the -s
 * list, case-insensitively.)  query_run() checks it first; a front end
 * may check it before it opens the store.
 */
int query_source_ok(const query_t *q, const char *source);

/**
 * Answer @q from the snapshot @txn (a read transaction the caller began
 * and ends), writing to @sink.
 * @param source  the registry's source name (conf source)
 * @param res     filled in: objects written, refusal kind
 * @return 0 when objects were written; ERR_NOTFOUND when refused
 *         (res->kind says why; nothing was written: the caller may
 *         query_write_error()); ERR_USAGE when @q has no key; the
 *         sink's status; ERR_STORE/ERR_TEMP
 *         when the store failed (@err says what; part of the answer may
 *         have been written).
 */
int query_run(const query_t *q, store_txn_t *txn, const char *source,
              const query_sink_t *sink, query_result_t *res, err_t *err);

/**
 * Write autodbm-query's answer for a refusal @kind to @sink:
 * "%ERROR:101: no entries found\n\n" or "%ERROR:102: unknown source\n\n".
 * @return 0 or the sink's status.
 */
int query_write_error(const query_sink_t *sink, enum query_error kind,
                      err_t *err);

/** A sink appending to @b (tests, callers that collect the answer). */
query_sink_t query_sink_buf(buf_t *b);

#endif
