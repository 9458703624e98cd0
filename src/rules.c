/*
 * rules.c - business rules besides syntax and authorisation (see rules.h).
 */
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "schema.h"

/* role admin-c:/tech-c: may not reference the role itself (auth.txt D3). */
static void role_self_reference(const rpsl_obj_t *o, diag_list_t *d)
{
    if (o->cls != SC_ROLE)
        return;
    long k = rpsl_obj_find_aid(o, SA_NIC_HDL, 0);
    if (k < 0)
        return;
    const char *self = o->attrs[k].value;
    for (size_t i = 0; i < o->nattrs; i++)
        if ((o->attrs[i].aid == SA_ADMIN_C || o->attrs[i].aid == SA_TECH_C) &&
            strcasecmp(o->attrs[i].value, self) == 0)
            diag_add(d, DIAG_ERROR, (int)i, "Self reference is not allowed for attribute \"%s\"",
                     o->attrs[i].name);
}

int rules_check(store_txn_t *txn, enum proc_op op, const rpsl_obj_t *obj,
                const rpsl_obj_t *old, const rules_policy_t *policy,
                diag_list_t *diags, err_t *err)
{
    (void)txn;
    (void)op;
    (void)old;
    (void)policy;
    (void)err;
    role_self_reference(obj, diags);
    return 0;
}
