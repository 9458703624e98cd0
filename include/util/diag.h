/*
 * diag.h - diagnostics as data: the errors, warnings and infos an object
 * or a whole update collects while it is checked and processed.
 *
 * A diagnostic belongs either to one attribute of an object (attr >= 0,
 * the index of that attribute in the rpsl_obj) or to the object or message
 * as a whole (attr == DIAG_OBJECT).  The ack prints attribute diagnostics
 * under the attribute they concern, then the object-level ones.
 *
 * Ownership: a diag_list_t owns the texts of its entries; diag_list_free()
 * releases them.
 */
#ifndef AUTODBM_DIAG_H
#define AUTODBM_DIAG_H

#include <stddef.h>

/** Severities, printed as ***Info:, ***Warning:, ***Error:. */
enum diag_sev { DIAG_INFO = 0, DIAG_WARNING = 1, DIAG_ERROR = 2 };

/** attr value of a diagnostic about the object/message as a whole. */
#define DIAG_OBJECT (-1)

/** One diagnostic. */
typedef struct diag {
    enum diag_sev sev;  /**< severity */
    int attr;           /**< attribute index in the object, or DIAG_OBJECT */
    char *text;         /**< message text without the ***Error: prefix */
} diag_t;

/** A growable list of diagnostics, in the order they were added. */
typedef struct diag_list {
    diag_t *v;          /**< entries */
    size_t n;           /**< number of entries */
    size_t cap;         /**< allocated entries */
} diag_list_t;

#define DIAG_LIST_INIT { NULL, 0, 0 }

/** Initialise an empty list. */
void diag_list_init(diag_list_t *l);
/** Free every entry's text and the array; leaves @l empty and reusable. */
void diag_list_free(diag_list_t *l);
/**
 * Append a diagnostic with a printf-formatted text.
 * @param l     the list
 * @param sev   severity
 * @param attr  attribute index, or DIAG_OBJECT
 * @param fmt   printf format of the message text
 */
void diag_add(diag_list_t *l, enum diag_sev sev, int attr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Number of entries of severity @sev. */
size_t diag_count(const diag_list_t *l, enum diag_sev sev);
/** Number of entries of severity @sev that concern attribute @attr. */
size_t diag_count_attr(const diag_list_t *l, enum diag_sev sev, int attr);
/** Move every entry of @from to the end of @to; @from is left empty. */
void diag_list_move(diag_list_t *to, diag_list_t *from);
/** The prefix the ack prints for @sev: "Error", "Warning" or "Info". */
const char *diag_sev_name(enum diag_sev sev);

#endif
