/*
 * irr.h - IRRd's "!" query commands over the store: what bgpq4, bgpq3,
 * IRRToolSet and peval send to a routing registry's whois port.
 *
 * The module owns the meaning and the bytes of every "!" answer: the
 * commands !! !q !v !n !t !s !j !g !6 !i !a !m !o !r, the set expansion
 * (as-sets and route-sets over members:, mp-members:, and mbrs-by-ref: /
 * member-of:, recursively and cycle-safe) and the framing
 *     "A<n>\n" payload "\n" "C\n"   data (n = payload bytes + 1)
 *     "C\n"                         success without data
 *     "D\n"                         nothing found
 *     "F <text>\n"                  error (one line)
 * Lists are one line, items separated by one space, each item once:
 * ASNs and set names ("!i") sorted as strings, as IRRd sorts them;
 * prefixes ("!g", "!6", "!a") sorted by family, address and length.
 * Object answers ("!m", "!o", "!r") are the objects' text, auth: hashes
 * filtered, separated by one empty line.  Names are looked up
 * case-insensitively.
 *
 * It knows nothing of sockets: an answer is produced by irr_step() into
 * a sink callback, in pieces of about the size the caller asks for, so
 * that the caller (autodbm-whoisd) can generate an answer of 100,000
 * objects as its client reads it.  Every answer reads one store snapshot
 * (a read transaction begun by irr_start() and ended when the answer is
 * complete or freed), so a commit is seen by the next command.
 *
 * Sources, as IRRd: the store holds the registry's own source and
 * mirrored ones.  A session has a list of selected sources, in order:
 * irr_session_sources() sets the default (conf query_sources; none: the
 * own source), "!sA,B" replaces it (each must be the own source or a
 * mirrored one, any case, else "F One or more selected sources are
 * unavailable." and nothing changes), "!s-lc" lists the selected ones
 * the store holds, comma-separated.  A command searches those the store
 * holds at that moment (the own source if none): a set ("!i", "!a", set
 * members) and "!m"'s object are the first found in the sources' order
 * ("!mCLASS,KEY" of a class the schema does not know: the object a
 * non-strict load kept as text, store_other_get(), else "D");
 * routes of an origin ("!g", "!6", "!a"), "!o" and "!r" come from every
 * selected source; the member-of: references of a set with mbrs-by-ref:
 * only from the set's own source (its maintainers are that source's).
 * "!jA,B" and "!j-*" (every
 * source) give each source's journal serial range ("SRC:Y:FIRST-LAST",
 * "SRC:Y:-" when empty; a mirrored source loaded from a dump without
 * journal entries gives S-S, S the serial its data is up to).
 *
 * Ownership: irr_session_t (per connection) and irr_answer_t (per
 * command) are opaque; free them with irr_session_free() and
 * irr_answer_free().  The store outlives both.
 */
#ifndef AUTODBM_IRR_H
#define AUTODBM_IRR_H

#include <stddef.h>

#include "util/err.h"
#include "util/strv.h"
#include "store/store.h"

/**
 * Where answer bytes go.
 * @param data  @len bytes of the answer
 * @param arg   the caller's pointer
 * @return 0 to go on; non-zero stops irr_step(), which returns ERR_IO.
 */
typedef int (*irr_sink_fn)(const char *data, size_t len, void *arg);

/** Limits of a session (0 = no limit). */
typedef struct irr_limits {
    unsigned long max_items;   /**< objects, ASNs or prefixes per answer */
    double max_seconds;        /**< time irr_start() may spend working */
} irr_limits_t;

/** The state of one client connection in "!" mode (opaque). */
typedef struct irr_session irr_session_t;

/** An answer being produced (opaque). */
typedef struct irr_answer irr_answer_t;

/**
 * A new session.
 * @param st       the store queried (read transactions only)
 * @param source   the registry's source name ("TEST"); copied
 * @param version  the text after "autodbm -- version " in "!v"; copied
 * @param lim      the limits (copied); NULL: none
 * @return the session; free with irr_session_free().
 */
irr_session_t *irr_session_new(store_t *st, const char *source,
                               const char *version, const irr_limits_t *lim);

/**
 * Set the sources @s searches until a "!s" command changes them: the
 * names of @list (copied, upper case, each once; a name the store does
 * not hold is skipped at each command), NULL or empty: the own source.
 */
void irr_session_sources(irr_session_t *s, const strv_t *list);

/** Free @s.  NULL is accepted.  Its answers must be freed before. */
void irr_session_free(irr_session_t *s);

/** 1 once "!!" (or the caller, for "-k") made the connection persistent. */
int irr_session_persistent(const irr_session_t *s);

/** Make the connection persistent (a RIPE-style "-k" did). */
void irr_session_set_persistent(irr_session_t *s);

/** The idle timeout "!t" set in seconds (1..1000), or 0 if none. */
long irr_session_timeout(const irr_session_t *s);

/**
 * Whether a query line is a "!" command: the line itself when it starts
 * with '!', the command after a "-V <agent> " prefix (IRRd accepts a user
 * agent before a command), else NULL.
 * @param line  the query line, trimmed (no line end, no outer blanks)
 * @return a pointer into @line at the '!', or NULL.
 */
const char *irr_command(const char *line);

/**
 * Whether the answer to a "!" command may hold a store snapshot (a read
 * transaction, one of LMDB's reader slots) until its client has read it:
 * the object answers "!m", "!o" and "!r" (but "!r...,o").  The caller
 * bounds how many such answers run at once.
 * @param cmd  the command from its '!' (irr_command())
 * @return 1 or 0.
 */
int irr_command_snapshot(const char *cmd);

/**
 * Run a "!" command: parse it, look it up in one store snapshot and
 * prepare its answer (lists are computed whole, objects are counted and
 * measured so that the "A<n>" length is exact and then produced by
 * irr_step() one by one).
 * @param s     the session (its sources, persistence and timeout change
 *              with !s, !! and !t)
 * @param cmd   the command from its '!' (irr_command()), NUL-terminated,
 *              no line end
 * @param out   receives the answer; produce it with irr_step(), free it
 *              with irr_answer_free()
 * @param err   the reason of a failure
 * @return 0 (also for answers "D" and "F ...": they are answers); ERR_TEMP
 *         or ERR_STORE when the store cannot be read (then *out is NULL
 *         and the caller answers as it sees fit).
 */
int irr_start(irr_session_t *s, const char *cmd, irr_answer_t **out,
              err_t *err);

/**
 * Produce the next part of an answer into @fn: at least about @budget
 * bytes unless the answer ends first.
 * @return 1 when more is to come, 0 when the answer is complete; ERR_IO
 *         when @fn refused bytes; ERR_STORE when an object of the
 *         snapshot could not be read again (the answer is then cut short
 *         and the connection must close).
 */
int irr_step(irr_answer_t *a, size_t budget, irr_sink_fn fn, void *arg,
             err_t *err);

/** 1 if the connection is to close once this answer is out: "!q", or any
 *  answer outside persistent mode, or an answer cut by a limit. */
int irr_answer_close(const irr_answer_t *a);

/** 1 if the answer was refused by a limit of irr_limits_t. */
int irr_answer_limited(const irr_answer_t *a);

/** Free @a (ending its snapshot).  NULL is accepted. */
void irr_answer_free(irr_answer_t *a);

#endif
