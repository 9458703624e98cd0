/*
 * acl.h - autodbm-whoisd's query ACL: how many personal-data objects
 * (person and role) each client address has been sent today, and how
 * many it may still be sent (RIPE's daily limit; beyond it RIPE answers
 * %ERROR:201 "access denied").
 *
 * The module owns a table of client addresses and their counts for the
 * current UTC day.  An IPv4 client is one address; an IPv6 client is
 * its /64 (one host has a whole /64 to pick addresses from).  The table
 * holds at most whois_personal_table entries: when full, the entry
 * added first is dropped for the new one (that address starts again
 * from zero: the memory stays bounded whatever the number of clients).
 * Addresses inside the exempt networks (whois_personal_exempt, by
 * default the loopback networks) are never limited nor counted.
 *
 * The table lives in memory only: a restart of the server starts every
 * address from zero.  Decided so, not overlooked: the limit is RIPE's
 * brake on harvesting, and a restart is rare and the operator's doing
 * (a harvester cannot cause one); keeping the counts in a file would
 * give the unprivileged daemon a state file to write and to trust on
 * reading, for a day's counts at most.
 *
 * Prefix: whoisd_acl_.  Ownership: whoisd_acl_t is opaque, freed with
 * whoisd_acl_free().  One table per server; not thread-safe.
 */
#ifndef AUTODBM_WHOISD_ACL_H
#define AUTODBM_WHOISD_ACL_H

#include <stddef.h>
#include <time.h>

#include "util/err.h"
#include "util/strv.h"

typedef struct whoisd_acl whoisd_acl_t;

/**
 * A new, empty table.
 * @param limit    person/role objects per address per day; 0: no limit
 *                 (whoisd_acl_remaining() is then always -1)
 * @param entries  addresses the table holds at most (>= 1)
 * @param exempt   networks never limited: addresses or prefixes
 *                 ("127.0.0.0/8", "::1"); NULL or empty: none
 * @param out      receives the table
 * @return 0; ERR_CONF when an exempt entry is no address or prefix
 *         (@err names it; nothing is allocated).
 */
int whoisd_acl_new(unsigned long limit, size_t entries, const strv_t *exempt,
                   whoisd_acl_t **out, err_t *err);

/** Free @a.  NULL is accepted. */
void whoisd_acl_free(whoisd_acl_t *a);

/**
 * How many more person/role objects client @addr may be sent on the
 * UTC day of @now.
 * @param addr  the client's address as text (inet_ntop's form)
 * @return -1 when it is not limited (no limit, an exempt network, or an
 *         address that does not parse); else 0 or more.
 */
long whoisd_acl_remaining(const whoisd_acl_t *a, const char *addr, time_t now);

/**
 * Count @n objects sent to @addr on the day of @now (nothing for an
 * exempt or unparsable address, or with no limit).  Adds the address to
 * the table if new, dropping the oldest entry when the table is full.
 */
void whoisd_acl_charge(whoisd_acl_t *a, const char *addr, size_t n,
                       time_t now);

/** Addresses in the table (for tests). */
size_t whoisd_acl_size(const whoisd_acl_t *a);

#endif
