/*
 * err.h - error objects and status codes shared by every autodbm module.
 *
 * Library functions return an int status: 0 (ERR_OK) on success, one of
 * the ERR_* codes below on failure.  When they fail they also fill an
 * err_t the caller passed in, with a human readable text the caller can
 * print.  Programs (never library code) map a status to a sysexits(3)
 * code with err_sysexit() and decide whether to stop.
 *
 * Ownership: an err_t owns its text.  Initialise with ERR_INIT (or
 * err_init()), release with err_free().  Setting an err_t that already
 * holds a text replaces (and frees) the old text.  A NULL err_t pointer is
 * accepted everywhere and means "the caller does not want the text".
 */
#ifndef AUTODBM_ERR_H
#define AUTODBM_ERR_H

#include <stdarg.h>

/** Status codes. 0 is success; every other value is a failure class. */
enum err_code {
    ERR_OK = 0,
    ERR_NOMEM,      /**< out of memory */
    ERR_IO,         /**< read/write/open failure of a file or device */
    ERR_USAGE,      /**< bad arguments from the caller or command line */
    ERR_CONF,       /**< configuration file error */
    ERR_SYNTAX,     /**< malformed input data */
    ERR_NOTFOUND,   /**< the thing looked for does not exist */
    ERR_EXISTS,     /**< the thing to create exists already */
    ERR_STORE,      /**< registry store (LMDB) failure, not retryable */
    ERR_TEMP,       /**< temporary failure: busy, locked, full; retry later */
    ERR_LIMIT,      /**< a configured limit was exceeded */
    ERR_CRYPTO,     /**< PGP or password hashing failure */
    ERR_SOFTWARE,   /**< internal inconsistency (a bug) */
    ERR__COUNT
};

/** An error: a status code plus an owned message text (may be NULL). */
typedef struct err {
    int code;       /**< enum err_code, ERR_OK when nothing was set */
    char *text;     /**< malloc'd message, owned by the err_t */
} err_t;

#define ERR_INIT { ERR_OK, NULL }

/** Initialise @e to "no error". */
void err_init(err_t *e);

/**
 * Set @e to @code with a printf-style message.
 * @param e     error object, may be NULL (then only the code is returned)
 * @param code  one of enum err_code, not ERR_OK
 * @param fmt   printf format for the message
 * @return @code, so callers can write `return err_set(e, ERR_IO, ...)`.
 */
int err_set(err_t *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** As err_set() with a va_list. */
int err_vset(err_t *e, int code, const char *fmt, va_list ap);

/**
 * Prefix the message already in @e with "prefix: " (for adding context
 * such as a file name while an error travels up).  No-op if @e is NULL.
 * @return e->code (or ERR_OK when @e is NULL).
 */
int err_prefix(err_t *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** The message of @e, or a generic text for its code; never NULL. */
const char *err_text(const err_t *e);

/** A short fixed name of a code ("I/O error", ...); never NULL. */
const char *err_code_name(int code);

/** Release the text held by @e and reset it to ERR_OK. */
void err_free(err_t *e);

/**
 * Map a status to a sysexits(3) exit code for programs: ERR_OK -> EX_OK,
 * ERR_TEMP/ERR_NOMEM/ERR_IO -> EX_TEMPFAIL, ERR_USAGE -> EX_USAGE,
 * ERR_CONF -> EX_CONFIG, ERR_SYNTAX -> EX_DATAERR, others -> EX_SOFTWARE.
 */
int err_sysexit(int code);

#endif
