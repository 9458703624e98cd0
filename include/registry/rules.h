/*
 * rules.h - business rules an object must satisfy besides syntax and
 * authorisation (RIPE's auth.txt C-D, syntax.txt section 4,
 * templates.txt notes, messages.txt B1-B21):
 *  - inetnum/inet6num: no partial overlaps ("This range overlaps with
 *    ..."), status allowed under the parent's status, status cannot change
 *    after creation (except ALLOCATED PA <-> ALLOCATED-ASSIGNED PA),
 *    assignment-size rules, org: required for the statuses that need it;
 *  - route/route6: the origin must not be a reserved AS number;
 *    prefix-length floors; members of member-of: sets accepted by the
 *    set's mbrs-by-ref: (C6);
 *  - as-set names must be hierarchical on create (configurable);
 *    hierarchical set parents must exist ("Parent object X not found");
 *  - aut-num: a covering as-block must exist when the registry has as-blocks
 *    ("No parent as-block found for ASn");
 *  - abuse-c: must reference a role with abuse-mailbox:;
 *  - role admin-c/tech-c may not reference the role itself;
 *  - auth: BCRYPT-PW hashes no costlier than bcrypt_max_cost (a CPU bomb
 *    otherwise: every wrong password would compute it);
 *  - at most max_notify_values notify:-like values (one mail each);
 *  - source: must be the registry's own source unless the configuration
 *    allows another (allowed_sources: RIPE-only SOURCE-NONAUTH data is
 *    refused in updates by default);
 *  - source: may not be a mirrored source, on create, modify and delete
 *    alike (rules_source_mirrored(), which the update engine runs before
 *    anything else: that source's objects come only from mirroring).
 * RIPE-only rules are left out: out-of-region and bogon prefixes, org-type
 * checks, assignment-size and the DNS pre-delegation check.
 * Each rule reports RIPE's message on the object or the attribute.
 */
#ifndef AUTODBM_RULES_H
#define AUTODBM_RULES_H

#include <stdint.h>

#include "util/diag.h"
#include "util/err.h"
#include "registry/proc_op.h"
#include "rpsl/rpsl.h"
#include "store/store.h"
#include "util/strv.h"

/** Rule switches (configuration). */
typedef struct rules_policy {
    int hierarchical_as_sets;   /**< new as-sets need a hierarchical name
                                     (RIPE: yes; default yes) */
    const char *source;         /**< the registry's source; NULL: no check */
    const strv_t *allowed_sources; /**< further source: values updates may
                                     use (RIPE's RIPE-NONAUTH is one);
                                     NULL or empty: none */
    unsigned bcrypt_max_cost;   /**< auth: BCRYPT-PW hashes of a higher
                                     cost are refused (bcrypt_max_cost);
                                     0: CONF_DEFAULT_BCRYPT_MAX_COST */
    unsigned max_notify_values; /**< notify:, mnt-nfy:, upd-to:, irt-nfy:
                                     and ref-nfy: values of one object
                                     together, at most (max_notify_values);
                                     0: CONF_DEFAULT_MAX_NOTIFY_VALUES */
    const strv_t *mirrored_sources; /**< the mirrored sources, upper case
                                     (those of the store and those the
                                     configuration's mirror lines name);
                                     NULL or empty: none */
} rules_policy_t;

/**
 * Check the business rules for a create or modify of @obj (@old is the
 * stored version on modify, else NULL).  Deletes are not checked here.
 * @param diags  errors and warnings are added (attribute-level where the
 *               rule concerns one attribute of @obj)
 * @return 0 (look at the DIAG_ERROR count of @diags) or a store error.
 */
int rules_check(store_txn_t *txn, enum proc_op op, const rpsl_obj_t *obj,
                const rpsl_obj_t *old, const rules_policy_t *policy,
                diag_list_t *diags, err_t *err);

/**
 * Refuse an update of an object of a mirrored source: @obj's source:
 * (its first word, any case) is one of policy->mirrored_sources.  For
 * create, modify and delete alike; the caller checks it first and stops
 * there (no "Unrecognized source" or authorisation errors after it).
 * @param diags  the error is added on the object
 * @return 1 if refused, else 0 (no policy or no mirrored sources: 0).
 */
int rules_source_mirrored(const rpsl_obj_t *obj, const rules_policy_t *policy,
                          diag_list_t *diags);

/**
 * 1 if @asn may not be a route origin ("Cannot use reserved AS number"):
 * AS0, AS23456, the private ranges AS64512-AS65534 and
 * AS4200000000-AS4294967294, and AS65535 and AS4294967295.  The
 * documentation ranges (AS64496-AS64511, AS65536-AS65551) are allowed:
 * test registries use them.
 */
int rules_asn_reserved(uint32_t asn);

/** 1 if an inetnum/inet6num (@cls) with status @child may sit directly
 *  under one with status @parent (syntax.txt section 4), else 0. */
int rules_status_allowed(int cls, const char *child, const char *parent);

#endif
