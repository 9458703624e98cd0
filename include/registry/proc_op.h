/*
 * proc_op.h - the operation an update applies to one object (enum
 * proc_op), part of the update engine (registry/process.h, which
 * includes this header).
 *
 * Its own header so that the checks process.c runs for each object,
 * authorisation (registry/authz.h) and business rules (registry/rules.h),
 * can take the operation without including process.h: process.h names
 * their policies, and the include graph stays acyclic.
 */
#ifndef AUTODBM_PROC_OP_H
#define AUTODBM_PROC_OP_H

/** Operations. */
enum proc_op { PROC_CREATE = 1, PROC_MODIFY, PROC_DELETE, PROC_NOOP };

#endif
