/*
 * query.h - the query engine: RIPE-style whois queries on the store, for
 * autodbm-query (src/query/main.c) and the whois server.
 *
 * The module owns two things:
 *  - the parser, which turns the words of a query (a program's argv, or
 *    one query line such as "-rBG -T person,role FOO") into a query_t,
 *    without getopt(3) and without global state, so that the command line
 *    and a server reading many lines parse flags identically;
 *  - the engine, query_start()/query_step() (query_run() in one go),
 *    which answers a query_t inside one store read transaction of the
 *    caller (one snapshot per query) and writes the answer object by
 *    object to an output sink (query_sink_t): stdout for the command, a
 *    connection's buffer for a server.
 *
 * Two output styles (enum query_style, chosen before parsing with
 * query_init_style()): QUERY_STYLE_TOOL is autodbm-query's output, kept
 * byte for byte as it was; QUERY_STYLE_RIPE is the answer of RIPE's
 * whois server on port 43, for autodbm's server.  The differences are
 * listed under "RIPE style" below.
 *
 * Flags (short flags cluster, "-rBTperson" is "-r -B -T person"; a flag
 * taking an argument swallows the rest of its word, else the next word;
 * "--" ends the flags; words that are not flags, "-" included, are the
 * search key, joined by single spaces in any position, as GNU getopt
 * permutes them; the long forms are RIPE's):
 *   -r --no-referenced     do not add the referenced objects
 *   -B --no-filtering      do not filter (TOOL: the stored text, hashes
 *                          included; RIPE: see below)
 *   -G --no-grouping       TOOL: accepted, never grouped; RIPE: no
 *                          "% Information related to" lines
 *   -T --select-types L    only objects of the classes in L (comma list;
 *                          a name the schema does not know is a class of
 *                          a mirrored registry's own, see below)
 *   -i --inverse L         inverse query: objects whose attributes in L
 *                          have the key as value
 *   -x -l -L -m -M         address relation (--exact, --one-less,
 *                          --all-less, --one-more, --all-more)
 *   -s --sources L         sources to search; -a --all-sources: every one
 * RIPE style only (in TOOL style these letters stay the caller's or
 * invalid, as before):
 *   -K --primary-keys      only the primary-key attributes (sets keep
 *                          members:/mp-members:); person and role objects
 *                          are left out (no contact data), no related
 *   -d --reverse-domain    address look-ups also return domain objects
 *   -c --irt               add the irt objects named by mnt-irt: of the
 *                          inetnum/inet6num answered
 *   -k --persistent-connection  sets QUERY_PERSISTENT; the key is then
 *                          optional ("-k" alone, q->key NULL and no -q,
 *                          -t, -v: an empty answer; what it does to the
 *                          connection is the server's)
 *   -q sources|version|types  (--list-sources, --version, --types)
 *   -t --template TYPE     the template of TYPE; -v --verbose TYPE: the
 *                          same with a paragraph per attribute
 *   -V --client TAG        recorded in query_t.client, otherwise ignored
 *   --no-personal          no person/role among the related objects (and
 *                          RIPE's note); --show-personal: accepted
 * A caller adds its own flags (autodbm-query: -c FILE, -h, -V) through a
 * query_extra_t; a letter of the style's own flags wins over them.
 *
 * The answer (both styles): each object in RPSL (values in column 17)
 * followed by one empty line, each object once.  The key is classified as
 * RIPE's server does: an address, prefix or range is looked up in
 * inetnum/route (inet6num/route6, and domain when -T names it or, RIPE,
 * with -d) with the -x/-l/-L/-m/-M relation (default: exact, else the
 * smallest range containing it); "ASn" is an aut-num (RIPE: after the
 * smallest as-block holding it, unless -T leaves as-block out); anything
 * else is a primary key of every class (or of the -T classes) and a
 * lookup key (person:, role:, e-mail:, ...).  Unless -r, related objects follow
 * (never limited by -T): TOOL: the person and role objects named by the
 * answer's admin-c:, tech-c:, zone-c: and abuse-c:, in order of
 * appearance, after all matches; RIPE: also author: and ping-hdl: (person
 * or role), org: (organisation) and, with -c, mnt-irt: (irt).
 *
 * TOOL style: auth: hashes replaced by "MD5-PW # Filtered" (the other
 * hash schemes likewise) unless -B, which gives the stored text.  No
 * header, no notes, no grouping; refusals are written by the caller
 * (query_write_error(): "%ERROR:101: no entries found" and a blank line).
 *
 * RIPE style, written by query_step(): the %WARNING:902 block (an
 * address flag with a key that is no address), the note that -i auth:
 * finds key-cert names only (other values are not looked up), the filter
 * notice (unless -B, -K, -t, -v, -q or "help"), the
 * --no-personal note, the -K notice; then per match (grouping on) "%
 * Information related to 'KEY'", an empty line, for an inetnum,
 * inet6num or aut-num whose abuse-c: (or its organisation's) names a role
 * with abuse-mailbox: "% Abuse contact for 'KEY' is 'ADDR'" and an empty
 * line, the object and its related objects not written yet; with -G all matches, then all related
 * objects.  Filtering: changed: always removed; without -B also e-mail:,
 * notify:, ref-nfy:, mnt-nfy:, upd-to:; auth: of a scheme ending in -PW
 * or SSO always becomes "SCHEME # Filtered"; the source: of an object
 * that lost or changed an attribute (changed: alone under -B excepted)
 * gets " # Filtered".  Nothing matched: %ERROR:101 naming the sources.
 * A refused query (parse failure, unknown source) is answered with its
 * %ERROR block(s) (query_write_message()); the key "help" with a short
 * help text; -q, -t and -v with their answer alone.  The welcome header and the
 * trailer around each answer are the server's (query_write_header(),
 * query_write_trailer()).
 *
 * Sources: the store holds the registry's own source and mirrored ones
 * (store/store.h, store_txn_source()).  A query searches, in order: with
 * -a every source (the own, then the mirrored ones in name order); with
 * -s the sources listed (any case, each once; a name that is neither
 * the own source nor a mirrored one refuses the query with %ERROR:102,
 * RIPE style, while TOOL style leaves it out and refuses only a list of
 * such names alone);
 * else query_env_t.sources (conf query_sources) as far as the store
 * holds them, the own source when none is.  Matches are resolved source
 * by source in that order, the same key in two sources being two
 * matches; the related objects of a match come from its source.  RIPE's
 * %ERROR:101 names the sources searched ("TEST,RIPE-MIRROR"); -q sources
 * lists every source (see list_sources() in src/registry/query.c).
 * query_start() and query_step() leave the caller's transaction on the
 * own source.
 *
 * Classes of a mirrored registry's own (dn42's schema, registry,
 * tinc-key: objects a non-strict load kept as text, store_other_get()):
 * a key that is no address is also looked up as the first value of each
 * such class of the source searched (without -T, or with -T naming the
 * class); -T accepts a name the schema does not know when a selected
 * source holds objects of that class, and refuses the query otherwise as
 * an unknown type (RIPE: %ERROR:103; TOOL: query_start() fails with
 * ERR_USAGE, "unknown object type").  Such an object is printed as the
 * others (filtered alike; its stored text with -B, TOOL style), with the
 * related objects it names from its source, and is never found by an
 * address, inverse or -K look-up of another class.
 *
 * Back-pressure: query_start() resolves the matches of a query to keys
 * only (class and primary key, bounded by query_env_t.max_objects);
 * query_step() then fetches, formats and writes the next few objects and
 * keeps no object text between steps, so a server writes an answer of
 * any size to a slow client with bounded memory; query_run() is the
 * one-shot of both (autodbm-query).
 *
 * Personal data: result.personal counts the person and role objects
 * written (RIPE's query ACL counts these); query_env_t.personal_limit
 * stops an answer before the object that would exceed it (RIPE:
 * %ERROR:201).
 *
 * Errors: functions return 0 or an ERR_* status (util/err.h) with a text
 * in an err_t; a refused query also has a kind (enum query_error, whose
 * values are RIPE's %ERROR numbers) from which a front end prints its
 * answer: query_write_error() writes autodbm-query's one-line form,
 * query_write_message() RIPE's block.
 *
 * Ownership: a query_t owns its strings (query_init()/query_free()); a
 * query_cursor_t owns its keys and sets (query_cursor_free()) and uses
 * the caller's query_t and transaction, which must outlive it.
 * Not thread-safe per query_t; distinct queries may run in parallel
 * threads on distinct transactions.
 */
#ifndef AUTODBM_QUERY_H
#define AUTODBM_QUERY_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"
#include "rpsl/schema.h"
#include "store/store.h"

/** Why a query is refused: the numbers of RIPE's %ERROR messages. */
enum query_error {
    QUERY_E_NONE = 0,
    QUERY_E_INTERNAL = 100,         /**< internal software error */
    QUERY_E_NO_ENTRIES = 101,       /**< nothing matched */
    QUERY_E_UNKNOWN_SOURCE = 102,   /**< -s names none of our sources
                                         (RIPE: a source not ours) */
    QUERY_E_UNKNOWN_TYPE = 103,     /**< -T/-t/-v name an unknown class */
    QUERY_E_UNKNOWN_ATTR = 104,     /**< -i names an unknown attribute */
    QUERY_E_NOT_INVERSE = 105,      /**< RIPE: -i names an attribute that
                                         is no inverse key */
    QUERY_E_NO_KEY = 106,           /**< no search key */
    QUERY_E_LINE_TOO_LONG = 107,    /**< (server) query line too long */
    QUERY_E_COMBINATION = 109,      /**< invalid combination of flags */
    QUERY_E_REPEATED_FLAG = 110,    /**< RIPE: a flag given twice */
    QUERY_E_BAD_OPTION = 111,       /**< unknown flag, or its argument is
                                         missing (see query_t.err_flag) */
    QUERY_E_UNSUPPORTED = 114,      /**< key matches no query type */
    QUERY_E_BAD_KEY = 115,          /**< key invalid for the -T types */
    QUERY_E_TOO_MANY_ARGS = 118,    /**< too many arguments */
    QUERY_E_ACCESS_DENIED = 201,    /**< personal-data limit (query ACL) */
    QUERY_E_NOT_PROXY = 203,        /**< (server) -V tag,ip not allowed */
    QUERY_E_TIMEOUT = 305,          /**< (server) idle connection closed */
    QUERY_E_CONNECTIONS = 306,      /**< (server) connections exceeded */
    QUERY_E_IP_FLAGS = 901,         /**< two of -x -l -L -m -M */
    QUERY_W_USELESS_IP_FLAG = 902   /**< a %WARNING: address flag without
                                         an address key (query still runs) */
};

/** Output style of the parser and the engine (see the file comment). */
enum query_style {
    QUERY_STYLE_TOOL = 0,           /**< autodbm-query (query_init()) */
    QUERY_STYLE_RIPE = 1            /**< RIPE's port-43 answer */
};

/** query_t.flags */
enum query_flag {
    QUERY_NO_REFS = 1 << 0,         /**< -r */
    QUERY_UNFILTERED = 1 << 1,      /**< -B */
    QUERY_NO_GROUPING = 1 << 2,     /**< -G */
    QUERY_ALL_SOURCES = 1 << 3,     /**< -a */
    /* RIPE style only */
    QUERY_PRIMARY_KEYS = 1 << 4,    /**< -K */
    QUERY_REVERSE_DOMAIN = 1 << 5,  /**< -d */
    QUERY_IRT = 1 << 6,             /**< -c */
    QUERY_PERSISTENT = 1 << 7,      /**< -k: for the server to act on */
    QUERY_NO_PERSONAL = 1 << 8,     /**< --no-personal */
    QUERY_SHOW_PERSONAL = 1 << 9    /**< --show-personal */
};

/** query_t.sysinfo: -q ARG */
enum query_sysinfo {
    QUERY_SYS_NONE = 0, QUERY_SYS_SOURCES, QUERY_SYS_VERSION, QUERY_SYS_TYPES
};

/** A parsed query.  Fill it with query_parse_argv()/query_parse_line(). */
typedef struct query {
    enum query_style style;     /**< set by query_init_style(), kept by
                                     query_free() */
    unsigned flags;             /**< enum query_flag */
    unsigned long cls_mask;     /**< -T classes (bit 1<<SC_x), 0 = all */
    strv_t types;               /**< -T names no schema class has, upper
                                     case: classes of a mirrored
                                     registry's own (store_other_get());
                                     query_start() refuses those no
                                     selected source holds */
    int inv_aid[SA__COUNT];     /**< -i attributes, each once */
    size_t ninv;
    enum store_rel rel;         /**< -x -l -L -m -M; STORE_BEST if none */
    int rel_given;
    char *sources;              /**< -s list as given (last -s), or NULL */
    char *key;                  /**< the search key, or NULL (RIPE: may be
                                     NULL with -k, -q, -t, -v) */
    char repeated;              /**< the first flag given twice, or 0
                                     (RIPE style refuses it: %ERROR:110) */
    enum query_sysinfo sysinfo; /**< -q */
    int template_kind;          /**< 't' or 'v' when given, else 0 */
    int template_cls;           /**< the class of -t/-v */
    char *client;               /**< -V argument, or NULL */
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

/** What query_run() (or a cursor) did. */
typedef struct query_result {
    size_t objects;             /**< objects written */
    size_t personal;            /**< of them person and role objects (the
                                     personal data RIPE's ACL counts) */
    size_t matches;             /**< matches resolved by query_start()
                                     (related objects not counted) */
    int truncated;              /**< matches stopped at env max_objects */
    enum query_error kind;      /**< why refused, else QUERY_E_NONE:
                                     QUERY_E_NO_ENTRIES, _UNKNOWN_SOURCE,
                                     _NO_KEY (TOOL: @q has no key), RIPE
                                     also a parse failure's kind and
                                     _ACCESS_DENIED (personal_limit) */
} query_result_t;

/**
 * What the caller knows that the query does not: the registry, limits,
 * and (RIPE style) the texts around the answer.  Pointers are the
 * caller's and must outlive a cursor using them.  Zero-initialise, then
 * set what is needed; only @source is required.
 */
typedef struct query_env {
    const char *source;         /**< the registry's source (conf source) */
    const strv_t *sources;      /**< the sources searched without -s or
                                     -a (conf query_sources), in order;
                                     NULL or empty: @source alone */
    size_t max_objects;         /**< matches resolved per answer; beyond,
                                     result.truncated (0: no limit) */
    long personal_limit;        /**< person/role objects this answer may
                                     still write; at the next one the
                                     answer stops with %ERROR:201 (< 0:
                                     no limit; the server sets it from
                                     its per-address daily count) */
    const char *client;         /**< client address for %ERROR:201 */
    int nrtm_ok;                /**< -q sources: 'X' (this client may
                                     mirror) instead of 'N' */
    const char *name;           /**< registry name in header and trailer
                                     ("RIPE"); NULL: "RIPE" */
    const char *terms_url;      /**< T&C URL of the header */
    const char *version;        /**< server version: trailer, -q version */
    const char *host;           /**< host name in the trailer */
} query_env_t;

/** A query being answered step by step (opaque). */
typedef struct query_cursor query_cursor_t;

/** Initialise @q as the empty query (no flags, STORE_BEST), TOOL style. */
void query_init(query_t *q);

/** Initialise @q as query_init() does, for output style @style. */
void query_init_style(query_t *q, enum query_style style);

/** Free what @q owns and empty it (its style stays); @q may be
 *  initialised again. */
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
 * Does @q allow source @source?  (No -s, -a, or @source among the -s
 * list, case-insensitively.)  The sources actually searched also depend
 * on the store and query_env_t.sources (see "Sources" above).
 */
int query_source_ok(const query_t *q, const char *source);

/**
 * Every source of @txn's snapshot a query can search, appended to @all:
 * @own (upper-cased) first, then the mirrored sources in name order,
 * leaving out those that cannot be read now (a load into them not
 * finished: store_txn_source() refuses them).  Leaves @txn on the own
 * source.  The "!" commands (registry/irr.h) use it too.
 * @return 0; ERR_TEMP or ERR_STORE when the store fails.
 */
int query_sources_all(store_txn_t *txn, const char *own, strv_t *all,
                      err_t *err);

/**
 * Answer @q from the snapshot @txn (a read transaction the caller began
 * and ends), writing to @sink, in one go (query_start() and query_step()
 * to the end, no limits); the returns below are TOOL style's, for RIPE
 * style see query_run_env().
 * @param source  the registry's source name (conf source); searched
 *                alone unless -s or -a say otherwise
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
 * query_run() with an explicit environment (its limits apply): start,
 * step to the end, free.  TOOL style returns as query_run(); RIPE style
 * writes refusals as part of the answer and returns 0 for them
 * (res->kind tells), else the sink's or the store's status.
 */
int query_run_env(const query_t *q, store_txn_t *txn, const query_env_t *env,
                  const query_sink_t *sink, query_result_t *res, err_t *err);

/**
 * Resolve @q in the snapshot @txn to the keys of its matches and return a
 * cursor that writes the answer with query_step().
 * @param q    the query (kept by pointer: it must outlive the cursor).
 *             RIPE style: a query whose parse failed is accepted; its
 *             answer is the %ERROR block of q->err_kind.
 * @param txn  a read transaction the caller began; it must stay open
 *             until query_cursor_free() (one snapshot per answer)
 * @param env  the registry and limits (copied; its strings are not)
 * @param out  receives the cursor; free it with query_cursor_free()
 * @return 0 (refusals included: query_cursor_result() tells the kind);
 *         ERR_USAGE, TOOL style: -T names a class that is neither the
 *         schema's nor held by a selected source (no cursor);
 *         ERR_STORE/ERR_TEMP when the store failed (no cursor).
 */
int query_start(const query_t *q, store_txn_t *txn, const query_env_t *env,
                query_cursor_t **out, err_t *err);

/**
 * Write the next part of the answer to @sink: messages, and at most
 * @max_objects objects (0: all the rest).  The texts are fetched from the
 * snapshot here and freed before return: between steps the cursor holds
 * keys and the identities of the objects written, never object text.
 * @param more  set to 1 if more remains, 0 when the answer is complete
 * @return 0; the sink's status (the cursor may not be stepped again);
 *         ERR_STORE/ERR_TEMP (@err says what).
 */
int query_step(query_cursor_t *c, const query_sink_t *sink,
               size_t max_objects, int *more, err_t *err);

/** What the cursor did so far (complete once query_step() said no more). */
void query_cursor_result(const query_cursor_t *c, query_result_t *res);

/**
 * Bytes the cursor holds (keys, sets, arrays), for tests and a server's
 * accounting: it grows with the number of keys, not with object sizes.
 */
size_t query_cursor_memory(const query_cursor_t *c);

/** Free @c (NULL accepted).  The caller ends the transaction after. */
void query_cursor_free(query_cursor_t *c);

/**
 * Write autodbm-query's answer for a refusal @kind to @sink:
 * "%ERROR:101: no entries found\n\n" or "%ERROR:102: unknown source\n\n".
 * @return 0 or the sink's status.
 */
int query_write_error(const query_sink_t *sink, enum query_error kind,
                      err_t *err);

/**
 * Write RIPE's message block for @kind (RIPE's texts): the
 * "%ERROR:n: text" line (or "%WARNING:902"), the explanation lines, one
 * empty line.
 * @param arg   what the text names: 100 the address to contact, 101 the
 *              sources ("TEST"), 102 the source, 103 the type, 104/105
 *              the attribute, 109 the first flag, 110 the flag ("-v"),
 *              111 an optional reason line (NULL: none), 201 the client
 *              address, 306 the maximum; else unused (NULL)
 * @param arg2  109: the second flag; else unused
 * @return 0 or the sink's status; ERR_USAGE for a kind without text.
 */
int query_write_message(const query_sink_t *sink, enum query_error kind,
                        const char *arg, const char *arg2, err_t *err);

/**
 * Write RIPE's welcome header: five "% " lines naming @env->name and
 * @env->terms_url, then an empty line.  @return 0 or the sink's status.
 */
int query_write_header(const query_sink_t *sink, const query_env_t *env,
                       err_t *err);

/**
 * Write RIPE's trailer: "% This query was served by the NAME Database
 * Query Service version VER (HOST)", an empty line, and the one more
 * empty line that ends every answer (then the server closes, or, -k,
 * writes the header again).  @return 0 or the sink's status.
 */
int query_write_trailer(const query_sink_t *sink, const query_env_t *env,
                        err_t *err);

/** A sink appending to @b (tests, callers that collect the answer). */
query_sink_t query_sink_buf(buf_t *b);

#endif
