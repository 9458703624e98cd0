/*
 * authz.h - the registry's authorisation rules: which checks an update
 * must pass and whether the credentials pass them
 * (RIPE's auth.txt sections A-C and F).
 *
 * Checks per class and operation (auth.txt B):
 *   MNTBY  mnt-by of the new object (create) or of the stored one
 *          (modify, delete; A3); only a mntner being created authorises
 *          itself with its submitted auth: lines (auth_run);
 *   PIP    inetnum/inet6num create: the closest enclosing object's
 *          mnt-lower, else its mnt-by (C4);
 *   ROUTE  route/route6 create: exact or first less specific route(6),
 *          else exact or first less specific inet(6)num: mnt-routes (with
 *          their prefix ranges), else mnt-lower (less specific only), else
 *          mnt-by (C1); when the level is less specific routes and an
 *          inet(6)num lies between them and the new prefix, that
 *          inet(6)num's check as well (a route made where nothing covered
 *          it must not stand in for a more specific holder);
 *   PAS    aut-num create: the covering as-block's mnt-lower, else mnt-by;
 *   ASBLK  as-block create: every stored as-block the new one would take
 *          ASNs from (around it, equal to it or partly overlapping; not
 *          one strictly inside it): its mnt-lower, else mnt-by, a check
 *          each; none overlapping: the root (power maintainers);
 *   DOM    reverse domain create: mnt-domains, else mnt-lower, else mnt-by
 *          of the exact or closest enclosing inet(6)num (C2);
 *   HSET   hierarchical set names: the parent's mnt-lower, else mnt-by (C3);
 *   KEYCERT key-cert create, and modify or delete of a stored key-cert
 *          without mnt-by: (instead of MNTBY): every stored mntner whose
 *          auth: names the key-cert (each one a check of its own);
 *   MNTNER mntner create: a name in power_maintainers needs the power
 *          maintainers (none stored: refused); each stored object that already names the new
 *          mntner in mnt-by:, mnt-lower:, mnt-routes: or mnt-domains: (a
 *          dangling reference): its other mnt-by: maintainers, a check
 *          each (none: the power maintainers only);
 *   IRT    every new mnt-irt: value: that irt's own auth: (A7);
 *   REF    every new reference to an object with mnt-ref: (A6);
 *   FORCE  delete of inetnum/inet6num/route/route6/domain after MNTBY
 *          failed: the holder's mnt-lower or mnt-by (F).
 * Every failing check is reported with the maintainers that could have
 * authorised it, in RIPE's wording (messages.txt A1-A3), and those
 * maintainers' names are collected for upd-to: notifications.
 *
 * RIPE-only rules (RIPE NCC maintainers, RIPE address space) are
 * configuration: power maintainers authorise everything and are
 * required for RIPE-NCC-only statuses when configured; empty by default.
 * With power maintainers configured they also stand in for a missing
 * root object (a create with no enclosing inet(6)num, route or as-block
 * needs them; without them such a check does not apply), and they are
 * the "RIPE NCC (RS) maintainers" of the force-delete rule (F), which
 * therefore only applies when some are configured.
 *
 * upd-to: (authz_res_t.upd_to): the mntners of every failed check; for a
 * failed mnt-irt: check (the irt has no upd-to:) the irt's mnt-by
 * mntners; for a failed status check the power maintainers.
 *
 * Authorisation is a pure function of the objects in the store, the
 * object, its old version and the credentials.
 */
#ifndef AUTODBM_AUTHZ_H
#define AUTODBM_AUTHZ_H

#include <stdint.h>

#include "registry/cred.h"
#include "util/diag.h"
#include "util/err.h"
#include "registry/proc_op.h"
#include "rpsl/rpsl.h"
#include "store/store.h"
#include "util/strv.h"

/** Registry policy (configuration). */
typedef struct authz_policy {
    const strv_t *power_maintainers; /**< mntners whose authorisation counts
                                         as the database administration's
                                         (RIPE's RIPE-NCC-HM-MNT etc.); may
                                         be NULL or empty */
} authz_policy_t;

/** One authorisation question. */
typedef struct authz_req {
    store_txn_t *txn;
    enum proc_op op;            /**< PROC_CREATE, PROC_MODIFY or PROC_DELETE */
    const rpsl_obj_t *obj;      /**< create/modify: the new object (AUTO-n
                                     resolved); delete: the stored object */
    const rpsl_obj_t *old;      /**< modify/delete: the stored object */
    const cred_list_t *creds;   /**< the credentials of the object's piece */
    const authz_policy_t *policy;
} authz_req_t;

/** The answer. */
typedef struct authz_res {
    int passed;         /**< 1 if every check passed */
    strv_t by;          /**< "<credential> for <mntner>" of the checks passed */
    strv_t upd_to;      /**< candidate maintainers of the failed checks */
} authz_res_t;

/** Initialise / free an authz_res_t. */
void authz_res_init(authz_res_t *r);
void authz_res_free(authz_res_t *r);

/**
 * Run every check that applies to @req.  Failing checks add DIAG_ERROR
 * object-level messages to @diags ("Authorisation for [inetnum] X failed
 * using "mnt-by:" not authenticated by: A-MNT", "Authorisation for parent
 * [inetnum] Y failed ...").
 * @return 0 (see res->passed) or a store error (ERR_STORE/ERR_TEMP).
 */
int authz_run(const authz_req_t *req, diag_list_t *diags, authz_res_t *res,
              err_t *err);

/* Helpers shared with the business rules (rules.c). */

/* AS numbers and as-block ranges are read with rpsl/asn.h. */

/**
 * The smallest as-block covering @asn.
 * @param key  receives its key (malloc'd) or NULL when none covers it
 * @param any  if not NULL, receives 1 when the registry has as-blocks
 * @return 0 or a store error.
 */
int authz_as_block(store_txn_t *txn, uint32_t asn, char **key, int *any, err_t *err);

/**
 * The parent of a hierarchical set name (auth.txt C3): the name up to the
 * last ':' and its class (aut-num for an AS number, as-set when its last
 * component is an as-set name, else the set's own class).
 * @param parent  receives the malloc'd parent key
 * @return 1 if @o is a set with a hierarchical name, else 0 (*parent NULL).
 */
int authz_set_parent(const rpsl_obj_t *o, char **parent, int *cls);

/** 1 if @status of class @cls (inetnum/inet6num) is RIPE-NCC-only
 *  (syntax.txt section 4), else 0. */
int authz_status_ncc_only(int cls, const char *status);

#endif
