/*
 * mimescan.h - a MIME-free scan of a raw mail that bounds what a MIME
 * parser would build from it, so that a front end can refuse a hostile
 * structure before it hands the bytes to GMime (src/robot/mailin.c).
 *
 * One linear pass over the lines: the header blocks (the mail's and each
 * part's) are measured together, the boundary= parameter of every multipart
 * Content-Type is kept on a stack, and the delimiter lines of those
 * boundaries are counted as parts and their nesting as depth, the way
 * GMime matches them ("--" boundary, optional "--", then only white
 * space).  The counts are never more than what a MIME walk over the
 * tree GMime builds (the body is part 1 at depth 0, a part of a multipart
 * at depth d is at d + 1): delimiters after their boundary was closed and
 * boundaries of non-multipart types are not counted, and an attached
 * message/rfc822 is read as GMime reads it (its header block, then its
 * body) but adds no depth.  So the scan refuses only a mail whose MIME
 * tree is beyond the limits (or whose header blocks together exceed the
 * header limit); note that the tree counts every part, also those a MIME walk
 * would skip (the other alternatives of a multipart/alternative, the
 * inside of an encrypted part or attached mail).
 *
 * No state; nothing allocated that outlives a call.
 */
#ifndef AUTODBM_MIMESCAN_H
#define AUTODBM_MIMESCAN_H

#include <stddef.h>

/** What the scan found beyond a limit (mimescan_mail() return). */
enum mimescan_over {
    MIMESCAN_OK = 0,
    MIMESCAN_DEPTH = 1,     /**< nesting deeper than max_depth */
    MIMESCAN_PARTS = 2,     /**< more than max_parts parts */
    MIMESCAN_HEADER = 3     /**< header blocks larger than max_header */
};

/**
 * Scan the mail @raw (@len bytes, from its first header line on).
 *
 * @param max_depth   nesting limit (a part of the body is at depth 1)
 * @param max_parts   part limit (the body counts as one)
 * @param max_header  bytes of all header blocks together, their line
 *                    ends included (not the empty line that ends each)
 * @param top_header  if not NULL, set to the length of the mail's own
 *                    header block (cut after the last line end within
 *                    max_header when it is longer), which is safe to
 *                    parse when the mail is beyond a limit
 * @return MIMESCAN_OK, or the first limit the mail is beyond.
 */
int mimescan_mail(const char *raw, size_t len, unsigned max_depth,
             unsigned max_parts, size_t max_header, size_t *top_header);

#endif
