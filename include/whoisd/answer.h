/*
 * answer.h - how autodbm-whoisd produces one answer: a generator it asks
 * for more output whenever the client's write buffer has drained below
 * its low watermark, so that an answer is never held whole in memory
 * unless its producer chose to (src/whoisd/server.c).
 *
 * A producer (the "!" commands of registry/irr.h, the RIPE-style queries
 * of whoisd/ripe.h) fills a whoisd_answer_t; the server calls step()
 * until it returns 0, then free().
 */
#ifndef AUTODBM_WHOISD_ANSWER_H
#define AUTODBM_WHOISD_ANSWER_H

#include <stddef.h>

#include "util/err.h"

/**
 * Where answer bytes go (the connection's output buffer).
 * @return 0; non-zero when the bytes cannot be taken.
 */
typedef int (*whoisd_sink_fn)(const char *data, size_t len, void *arg);

/** One answer being produced. */
typedef struct whoisd_answer {
    void *self;     /**< the producer's state */
    /**
     * Produce at least about @budget more bytes into @fn (less only at
     * the end).  @return 1 when more is to come, 0 when the answer is
     * complete, an ERR_* status when it cannot go on (the server then
     * closes the connection).
     */
    int (*step)(void *self, size_t budget, whoisd_sink_fn fn, void *arg,
                err_t *err);
    /** 1 if the connection closes once this answer is out. */
    int (*close)(const void *self);
    /** Why it closes, for the log's end= ("access-denied"), or NULL
     *  (an ordinary end); the member itself may be NULL. */
    const char *(*why)(const void *self);
    /** Free @self (also before the answer is complete). */
    void (*free)(void *self);
} whoisd_answer_t;

#endif
