/*
 * mirror.h - the NRTM v3 client's core: the stream parser and the
 * applier of what it parses to a mirrored source (autodbm-mirror,
 * src/mirror/, is the program around it; tests/fuzz/fuzz_nrtm.c feeds
 * the parser hostile bytes).
 *
 * The parser (mirror_parser_*) is fed the bytes a server sends, in chunks
 * of any size (one byte at a time gives the same events as one piece),
 * and calls back with events: START (the %START line), OP (an ADD or DEL
 * with its object), END (%END), REPLY (an error or "nothing new" answer
 * instead of a stream).  It keeps the client rules of an NRTM v3 client
 * (RIPE's and IRRd's servers, and RIPE's legacy one):
 *  - no banner is waited for: "%" comment lines and empty lines before
 *    %START or the reply are skipped, and any number of empty lines
 *    between units is accepted;
 *  - %START: version 1, 2 or 3 and the one asked for, the source asked
 *    for (case-insensitive), first <= last, an optional " FILTERED"
 *    suffix; only one %START;
 *  - version 3: "ADD n"/"DEL n" with serials strictly increasing, not
 *    below %START's first and (without -k) not above its last; gaps are
 *    normal.  Versions 1 and 2: "ADD"/"DEL" without serial, the n-th
 *    operation is serial first+n-1, never beyond last without -k;
 *  - the object is the paragraph after the ADD/DEL line; its bytes are
 *    taken as UTF-8, or as Latin-1 when they are not valid UTF-8 (per
 *    object); CR LF is read as LF;
 *  - %END SOURCE (or IRRd's "% END SOURCE") ends the stream; RIPE's -k
 *    "%END first - last" batch markers are skipped;
 *  - replies: RIPE's "%ERROR:NNN: text" (legacy framing too), IRRd's
 *    "%% ERROR: text", RIPE's "ERROR:306" and IRRd's "% Warning: there
 *    are no newer updates available", classified as up to date (also
 *    RIPE's 401 "Not within a-b" when the first serial asked for is b+1),
 *    history gone (the server's journal no longer reaches the serial
 *    asked for: a fresh dump is needed), configuration error (unknown
 *    source, refused address, version, syntax) or other;
 *  - bounds: a line longer than max_line or an object larger than
 *    max_object refuses the stream.
 * A stream that breaks a rule is refused with ERR_SYNTAX (or ERR_LIMIT)
 * and the parser takes no more bytes.
 *
 * The session (mirror_session_*) puts a parser in front of a mirrored
 * source of a store: operations are collected and applied in store write
 * transactions of at most batch_size operations (and of about 32 MiB of
 * object text: a commit comes once that much is collected), each
 * transaction also recording the serial the source is up to
 * (store_txn_next_serial, store_source_serial_set), so a crash never
 * loses nor repeats an operation.  Without -k (polling) a transaction is committed when it is
 * full or at %END; with -k also whenever the stream pauses
 * (mirror_session_idle()).  A stream that breaks a rule, is cut short
 * (no %END in polling mode) or ends inside an operation leaves the store
 * as the last committed transaction left it: the operations collected
 * since are discarded.  Operations at or below the serial the source is
 * up to are skipped (a server that re-sends them), a DEL of an object the
 * mirror lacks is counted and skipped (IRRd's rule), an object of a class
 * this registry does not know is kept as text under "CLASS:VALUE" (added
 * and deleted as autodbm-load --non-strict keeps it: store_other_pkey),
 * an object without a usable key (none, or one longer than the store's
 * keys) is counted and skipped, a paragraph that is not RPSL at all
 * refuses the stream.
 * Objects are stored as sent (their source: included); their keys are
 * normalised as autodbm-load does (schema_validate, non-strict).  After a complete polling stream
 * the source is up to %START's last (trailing gaps are not asked for
 * again).
 *
 * Ownership: mirror_parser_t and mirror_session_t are opaque; text given
 * to callbacks is valid during the call only.  The session does not own
 * the store.
 */
#ifndef AUTODBM_MIRROR_H
#define AUTODBM_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

typedef struct mirror_parser mirror_parser_t;
typedef struct mirror_session mirror_session_t;

/** Event types. */
enum mirror_ev_type {
    MIRROR_EV_START = 1,    /**< %START: version, source, first, last,
                                 filtered */
    MIRROR_EV_OP,           /**< ADD/DEL: op, serial, text, len */
    MIRROR_EV_END,          /**< %END: source */
    MIRROR_EV_REPLY         /**< an answer instead of a stream: reply,
                                 text (the line, UTF-8) */
};

/** What a reply means for the client. */
enum mirror_reply {
    MIRROR_REPLY_UPTODATE = 1, /**< nothing new: ask again later */
    MIRROR_REPLY_HISTORY,   /**< the server's journal does not reach the
                                 serial asked for: a dump is needed */
    MIRROR_REPLY_CONFIG,    /**< the request or the client is refused
                                 (source, address, version, syntax) */
    MIRROR_REPLY_OTHER      /**< anything else (server trouble, limits) */
};

/** One event.  Members not named by the type are 0/NULL. */
typedef struct mirror_event {
    int type;               /**< enum mirror_ev_type */
    unsigned version;       /**< START: 1, 2 or 3 */
    const char *source;     /**< START, END: the source as sent */
    uint64_t first, last;   /**< START: the range */
    int filtered;           /**< START: " FILTERED" was there */
    int op;                 /**< OP: STORE_OP_ADD or STORE_OP_DEL */
    uint64_t serial;        /**< OP: its serial (implicit for v1/v2) */
    const char *text;       /**< OP: the object, UTF-8, LF line ends,
                                 ending in LF; REPLY: the reply line */
    size_t len;             /**< bytes of text */
    int reply;              /**< REPLY: enum mirror_reply */
} mirror_event_t;

/**
 * Called for each event.
 * @return 0 to go on; any other status stops the parser, which returns it
 *         (and takes no more bytes).
 */
typedef int (*mirror_event_fn)(const mirror_event_t *ev, void *arg,
                               err_t *err);

/** Default bounds (conf keys mirror_max_line_length and
 *  mirror_max_object_size). */
#define MIRROR_DEFAULT_MAX_LINE   ((size_t)64 << 10)
#define MIRROR_DEFAULT_MAX_OBJECT ((size_t)16 << 20)

/** What the client asked for, which the stream is checked against. */
typedef struct mirror_request {
    const char *source;     /**< the remote source asked for */
    unsigned version;       /**< 1 or 3 (0: any of 1..3) */
    uint64_t first;         /**< the first serial asked for */
    int persistent;         /**< -k: no %END, serials beyond %START's last */
    size_t max_line;        /**< bytes of a line at most (0: default) */
    size_t max_object;      /**< bytes of an object at most (0: default) */
} mirror_request_t;

/**
 * A new parser for the answer to @req (copied).
 * @return the parser; free with mirror_parser_free().
 */
mirror_parser_t *mirror_parser_new(const mirror_request_t *req);

/** Free @p (NULL accepted). */
void mirror_parser_free(mirror_parser_t *p);

/**
 * Feed @n bytes of the stream; events go to @fn.
 * @return 0; ERR_SYNTAX when the stream breaks a rule of the header,
 *         ERR_LIMIT for a line or object beyond its bound (@err says
 *         which, with the line number); the status of @fn when it stops.
 *         After a failure every call fails the same way.
 */
int mirror_parser_feed(mirror_parser_t *p, const void *data, size_t n,
                       mirror_event_fn fn, void *arg, err_t *err);

/**
 * The stream ended (EOF).  A last line without LF is taken first.
 * @return 0 when the stream is complete: %END or a reply came, or (-k)
 *         it stopped between operations; ERR_SYNTAX when it ended before
 *         %START or a reply, inside an operation, or without %END in
 *         polling mode (@err says which); a failure of an earlier call
 *         again.
 */
int mirror_parser_eof(mirror_parser_t *p, mirror_event_fn fn, void *arg,
                      err_t *err);

/** Whether %END or a reply has come (the stream is over). */
int mirror_parser_done(const mirror_parser_t *p);

/** The name of reply class @r ("up-to-date", "history-gone", "config",
 *  "other"). */
const char *mirror_reply_name(int r);

/* ---- the session: parser + applier ---------------------------------- */

/** A committed transaction, for the caller's log line. */
typedef struct mirror_batch {
    uint64_t first, last;   /**< serials of the operations applied (0 if
                                 none) */
    uint64_t serial;        /**< the serial the source is now up to */
    unsigned adds, dels;    /**< operations applied */
    unsigned skipped;       /**< operations already applied, skipped */
    unsigned missing;       /**< DELs of objects the mirror lacked */
    unsigned unusable;      /**< objects without a usable key (none, or
                                 longer than the store's keys):
                                 skipped (their serials are passed) */
    uint64_t unusable_serial; /**< the first of them */
} mirror_batch_t;

/** Called after each commit (may be NULL). */
typedef void (*mirror_batch_fn)(const mirror_batch_t *b, void *arg);

/** Session options. */
typedef struct mirror_session_opts {
    const char *local;      /**< the mirrored source in the store */
    mirror_request_t req;   /**< what was asked for */
    unsigned batch_size;    /**< operations per transaction at most
                                 (0: 10000) */
    int lock_timeout;       /**< seconds to wait for the store's writer
                                 lock (store_lock()) around each
                                 transaction; < 0: do not take it */
    mirror_batch_fn on_batch; /**< told of each commit */
    void *arg;              /**< its argument */
} mirror_session_opts_t;

/**
 * Where a mirrored source stands: the serial it is up to (0: none yet;
 * the next request asks for serial + 1).  Creates the source in the
 * store when @create and it does not exist (else ERR_NOTFOUND).
 * @return 0; ERR_NOTFOUND; ERR_USAGE for a bad name; store errors.
 */
int mirror_source_serial(store_t *st, const char *local, int create,
                         uint64_t *serial, err_t *err);

/**
 * A new session applying the answer to @o->req to source @o->local of
 * @st (which must exist: mirror_source_serial() with @create).
 * @return 0 and *@out (free with mirror_session_free()); ERR_NOTFOUND
 *         for a source the store lacks; store errors.
 */
int mirror_session_new(store_t *st, const mirror_session_opts_t *o,
                       mirror_session_t **out, err_t *err);

/** Free @s; operations not committed are discarded.  NULL accepted. */
void mirror_session_free(mirror_session_t *s);

/**
 * Feed @n bytes of the stream: parsed, and applied when a transaction is
 * full or the stream ends (%END).
 * @return 0; ERR_SYNTAX / ERR_LIMIT as mirror_parser_feed() (the
 *         operations not yet committed are discarded); the status of a
 *         failed transaction (ERR_TEMP, ERR_STORE; also discarded).
 */
int mirror_session_feed(mirror_session_t *s, const void *data, size_t n,
                        err_t *err);

/**
 * The stream pauses (nothing more to read now): with -k, commit what has
 * been collected.  No-op in polling mode.
 * @return 0 or the status of the transaction.
 */
int mirror_session_idle(mirror_session_t *s, err_t *err);

/**
 * The stream ended (EOF, or the caller gives up on it).
 * @return 0 when complete (see mirror_parser_eof(); with -k what was
 *         collected is committed); else ERR_SYNTAX with the reason, and
 *         the operations not committed are discarded.
 */
int mirror_session_eof(mirror_session_t *s, err_t *err);

/** The reply the server gave instead of a stream (enum mirror_reply), or
 *  0; @text (may be NULL) receives its line, owned by @s. */
int mirror_session_reply(const mirror_session_t *s, const char **text);

/** Whether the stream is over: %END or a reply came (the parser takes
 *  nothing more; mirror_session_eof() finishes it). */
int mirror_session_done(const mirror_session_t *s);

/** Whether %START came. */
int mirror_session_started(const mirror_session_t *s);

/** The serial the source is up to after the last commit. */
uint64_t mirror_session_serial(const mirror_session_t *s);

/** Totals of the session: operations applied, and discarded (collected
 *  but not committed when the stream failed). */
void mirror_session_counts(const mirror_session_t *s, uint64_t *applied,
                           uint64_t *discarded);

#endif
