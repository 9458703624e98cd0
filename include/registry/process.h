/*
 * process.h - the update engine: apply the objects of one update to the
 * store, object by object, and say what happened to each.
 *
 * Per object, in order (auth.txt A-G):
 *   strict syntax (schema_validate) -> operation (create, modify, delete,
 *   noop) against the store -> AUTO-n keys and references -> delete checks
 *   (exact match, referential integrity) -> authorisation (auth.h) ->
 *   generated attributes (created:, last-modified:; for key-certs
 *   method:, owner:, fingerpr: from the certif: key) -> store_obj_put/del.
 * PGP credentials count only when good, not expired, revoked or out of
 * time, made by the key (or a subkey of the key) of a key-cert in the
 * store, and not used before: the digest of every signature that
 * authorised a change is recorded (store_sig_put) in the caller's
 * transaction, and a signature seen before is refused as a replay.  When
 * authorisation fails, each signature that did not count says why.
 * Objects that reference an AUTO-n defined later are retried after it
 * (passes repeat while progress is made), so circular AUTO-n references
 * fail.  Each object succeeds or fails on its own; a failed object writes
 * nothing.  Everything happens inside the caller's write transaction, so
 * the caller decides whether any of it is committed (dry runs abort).
 *
 * Ownership: proc_report_t owns its results; proc_report_free().
 *
 * Prefix: proc_, short for process (the module's types and functions all
 * carry it; kept rather than renamed while issue 13 moves callers).
 */
#ifndef AUTODBM_PROCESS_H
#define AUTODBM_PROCESS_H

#include <stddef.h>
#include <time.h>

#include "util/diag.h"
#include "util/err.h"
#include "registry/pgp.h"
#include "registry/proc_op.h"
#include "rpsl/rpsl.h"
#include "store/store.h"
#include "util/strv.h"
#include "registry/update.h"

/* enum proc_op (PROC_CREATE ...) is in registry/proc_op.h. */

/** What happened to one object. */
typedef struct proc_result {
    enum proc_op op;        /**< the operation (attempted) */
    int ok;                 /**< 1 if it succeeded */
    int auth_failed;        /**< 1 if an authorisation check failed */
    int cls;                /**< class id */
    char *key;              /**< ack form: "[person] FP1-TEST   First Person",
                                 "[route] 192.0.2.0/24AS1", "[mntner] X-MNT" */
    rpsl_obj_t *submitted;  /**< the object as submitted (keys normalised,
                                 AUTO-n not replaced); diags refer to its
                                 attribute indexes.  NULL after a
                                 successful create or modify whose stored
                                 version grew out of it without an AUTO-n
                                 or key-cert change (it is not kept twice:
                                 stored shows it, submitted_nattrs says
                                 how many attributes it had) */
    size_t submitted_nattrs; /**< the attribute count of the submitted
                                 object when submitted is NULL */
    rpsl_obj_t *old;        /**< the stored version before (modify, delete,
                                 noop), or NULL */
    rpsl_obj_t *stored;     /**< the version written (create, modify), or
                                 NULL (NULL under proc_opts.shed_stored:
                                 load it again from the transaction by
                                 cls and pkey; except when a later
                                 object of the update replaced or
                                 deleted that version: then it is kept
                                 here, as it cannot be loaded) */
    char *pkey;             /**< the primary key written (create, modify;
                                 AUTO-n replaced), or NULL */
    diag_list_t diags;      /**< messages about this object */
    char *delete_reason;    /**< the delete: reason, or NULL */
    strv_t auth_by;         /**< how it was authorised, one entry per
                                 credential that passed a check, e.g.
                                 "password for DEMO-MNT",
                                 "PGPKEY-1234ABCD for DEMO-MNT" */
    strv_t upd_to;          /**< maintainers whose upd-to: must be told
                                 (the candidates of failed checks) */
    size_t para;            /**< index of its paragraph in the upd_msg_t */
    size_t seq;             /**< when it succeeded: 1 for the first object
                                 applied, 2 for the next, ... (an object
                                 retried in a later pass comes after
                                 those of the earlier passes); 0 when it
                                 failed */
} proc_result_t;

/** The outcome of a whole update. */
typedef struct proc_report {
    proc_result_t *v;       /**< objects in message order */
    size_t n;
    strv_t not_objects;     /**< paragraphs that are not objects, verbatim */
    diag_list_t global;     /**< message-level messages */
    int dry_run;            /**< 1 if nothing may be committed */
} proc_report_t;

/** Options of one run. */
typedef struct proc_opts {
    const char *source;     /**< the registry's source */
    time_t now;             /**< the time written to created:/last-modified: */
    int dry_run;            /**< force a dry run (autodbm -n) */
    int allow_override;     /**< override: accepted (never by mail unless
                                 configured) */
    const char *override_hash; /**< crypt hash the override password must
                                 match, or NULL */
    const struct authz_policy *authz; /**< authorisation policy (authz.h),
                                 or NULL for the defaults */
    const struct rules_policy *rules; /**< business rule switches (rules.h),
                                 or NULL for the defaults */
    pgp_t *pgp;             /**< the registry's GnuPG home: key-cert objects
                                 are inspected on create/modify and checked
                                 against the keys of the other key-certs
                                 (keyring_check_obj); nothing is imported
                                 here: the caller brings the keyring in
                                 step after the commit (keyring_commit_obj);
                                 NULL: key-cert creates and modifies fail */
    int shed_stored;        /**< 1: results do not keep the versions they
                                 wrote (stored is NULL; notify.h loads them
                                 from the transaction), so an update's
                                 objects are not all held at once; ignored
                                 on a dry run, whose ack shows them */
    unsigned max_passes;    /**< passes over the objects that may be
                                 needed (failed objects are tried again
                                 while another one succeeded); one more
                                 makes proc_run() fail with ERR_LIMIT;
                                 0: no bound */
} proc_opts_t;

/**
 * Process every object of @msg.
 * @param txn   a write transaction (store_write unit)
 * @param opts  options
 * @param msg   the update: the parsed object of each paragraph that
 *              succeeds is released as soon as it is final
 *              (upd_para_release), and released objects are parsed again
 *              first, so a retried transaction can call this again
 * @param out   receives the report; free with proc_report_free()
 * @param err   error text on failure
 * @return 0 when every object was handled (successfully or not);
 *         ERR_TEMP/ERR_STORE when the store failed (the caller aborts
 *         the transaction and the mail is retried); ERR_LIMIT when the
 *         objects need more than opts->max_passes passes (the caller
 *         aborts the transaction and refuses the mail).
 */
int proc_run(store_txn_t *txn, const proc_opts_t *opts, upd_msg_t *msg,
             proc_report_t **out, err_t *err);

/** Counts of a report: found = ok + failed. */
typedef struct proc_counts {
    unsigned found, ok, failed;
    unsigned ok_create, ok_modify, ok_delete, ok_noop;
    unsigned fail_create, fail_modify, fail_delete;
} proc_counts_t;

/** Fill @c from @r. */
void proc_count(const proc_report_t *r, proc_counts_t *c);

/** Free a report.  NULL is accepted. */
void proc_report_free(proc_report_t *r);

/**
 * The ack form of an object's key (see proc_result_t.key).
 * @return a malloc'd string.
 */
char *proc_key_display(const rpsl_obj_t *o);

#endif
