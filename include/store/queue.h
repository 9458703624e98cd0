/*
 * queue.h - the outgoing mail queue in the store (src/store/queue.c):
 * messages (acknowledgements, notifications) are queued in the same
 * transaction as the update they belong to, so that they go out if and
 * only if it is committed, and are removed once delivered
 * (registry/mailout.h queues and delivers them).
 *
 * Ownership: the recipient and message handed to a store_queue_fn point
 * into the map and are valid only during the call.
 */
#ifndef AUTODBM_STORE_QUEUE_H
#define AUTODBM_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "store/store.h"

/**
 * Queue a message for one recipient (write transactions only).
 * @param rcpt  the envelope recipient
 * @param data  the RFC 5322 message, @len bytes
 * @param id    receives the queue id (monotonic, never reused; may be NULL)
 * @return 0, ERR_USAGE (a read snapshot), ERR_TEMP, ERR_STORE.
 */
int store_queue_put(store_txn_t *txn, const char *rcpt, const void *data,
                    size_t len, uint64_t *id, err_t *err);

/**
 * Queue a message of @len bytes for one recipient, written in place by the
 * caller (write transactions only): no copy of a large message is made.
 * @param rcpt  the envelope recipient
 * @param dst   receives where the @len bytes of the message go; valid
 *              until the next write in @txn, which must not come before
 *              they are all written (NULL on failure)
 * @param id    receives the queue id (as store_queue_put; may be NULL)
 * @return 0, ERR_USAGE (a read snapshot), ERR_TEMP, ERR_STORE.
 */
int store_queue_reserve(store_txn_t *txn, const char *rcpt, size_t len,
                        void **dst, uint64_t *id, err_t *err);

/** Called per queued message; non-zero stops the walk and is returned. */
typedef int (*store_queue_fn)(uint64_t id, const char *rcpt, const char *data,
                              size_t len, void *arg);

/**
 * Every queued message, oldest first.
 * @return 0, the non-zero value of @fn, ERR_STORE.
 */
int store_queue_each(store_txn_t *txn, store_queue_fn fn, void *arg,
                     err_t *err);

/**
 * Remove queued message @id (write transactions only).
 * @return 0, ERR_NOTFOUND, ERR_USAGE (a read snapshot), ERR_TEMP,
 *         ERR_STORE.
 */
int store_queue_del(store_txn_t *txn, uint64_t id, err_t *err);

#endif
