/*
 * textdiff.h - a unified diff of two texts, line by line, as RIPE's
 * notifications and dry-run acks show how an object changed.
 *
 * Lines are compared byte for byte; a missing final newline is not a
 * difference.  The diff is minimal (Myers) unless the texts differ in
 * more than 2000 places in their middle, where it falls back to "remove
 * all, add all" for that middle (still a correct diff), so time and
 * memory stay bounded for hostile input.
 */
#ifndef AUTODBM_TEXTDIFF_H
#define AUTODBM_TEXTDIFF_H

#include "util/buf.h"

/**
 * Append to @out the unified diff from @old_text to @new_text, with one
 * line of context and no file header lines: "@@ -a,b +c,d @@" hunks,
 * then the lines prefixed by ' ', '-' or '+', each ending in '\n';
 * changes at most two equal lines apart share a hunk.  Nothing is
 * appended when the texts have the same lines.
 * @param old_text  the text before (NUL-terminated; NULL is empty)
 * @param new_text  the text after (likewise)
 * @param out       receives the diff (appended)
 */
void textdiff_unified(const char *old_text, const char *new_text, buf_t *out);

#endif
