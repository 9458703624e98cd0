/*
 * pool.h - autodbm-whoisd's worker threads: the computation of answers
 * that may take long ("!a", "!i", "!o", "!r": set expansions and object
 * counts, see registry/irr.h) runs in one of them, so that
 * the event loop goes on answering everyone else meanwhile; the result
 * is handed back to the event loop's thread, which sends it.
 *
 * A job is two callbacks on one argument: run(arg) in a worker thread,
 * then done(arg) in the event loop's thread (from an event on a pipe the
 * workers write to).  Jobs start in the order they were submitted, as
 * many at once as there are workers.  What run() touches must not be
 * touched by the event loop until done() (the caller's contract: a
 * connection reads nothing while its job runs); store snapshots may be
 * begun and ended in any thread (store/store.h).
 *
 * Prefix: whoisd_pool_.  Ownership: whoisd_pool_t is opaque, freed with
 * whoisd_pool_free(); the argument of a job belongs to the caller.
 */
#ifndef AUTODBM_WHOISD_POOL_H
#define AUTODBM_WHOISD_POOL_H

#include <event2/event.h>

#include "util/err.h"

typedef struct whoisd_pool whoisd_pool_t;

/** The part of a job that runs in a worker thread. */
typedef void (*whoisd_pool_run_fn)(void *arg);

/** The part of a job that runs afterwards in the event loop's thread. */
typedef void (*whoisd_pool_done_fn)(void *arg);

/**
 * Start @nthreads worker threads whose results come back through
 * @base.
 * @param base      the event loop (it must outlive the pool)
 * @param nthreads  1 or more
 * @param out       receives the pool
 * @return 0; ERR_IO when the pipe, the event or a thread cannot be made
 *         (nothing is left running then).
 */
int whoisd_pool_new(struct event_base *base, unsigned nthreads,
                    whoisd_pool_t **out, err_t *err);

/**
 * Queue a job: @run(@arg) in a worker thread, then @done(@arg) in the
 * event loop's thread, from the event loop (never from this call).
 */
void whoisd_pool_submit(whoisd_pool_t *p, whoisd_pool_run_fn run,
                        whoisd_pool_done_fn done, void *arg);

/**
 * Let the workers finish every queued job, stop them, call the done()
 * of every job not yet handed back (in this thread), and free @p.
 * NULL is accepted.
 */
void whoisd_pool_free(whoisd_pool_t *p);

#endif
