/*
 * rpsl.h - the RPSL object model: parse a paragraph of text into an
 * object, inspect and edit its attributes, print it back.
 *
 * This module is purely lexical: it knows attribute lines, continuation
 * lines and end-of-line comments, not object classes.  schema.h gives the
 * parsed object its meaning (rpsl_obj.cls, rpsl_attr.aid).
 *
 * Lexical rules (RFC 2622 as RIPE applies them):
 *  - an attribute line starts in column 0 with a name followed by ':';
 *    names are case-insensitive and kept lower-case; blanks between the
 *    name and the ':' are part of the name ("address :" is the unknown
 *    attribute "address ", as RIPE reads it);
 *  - a continuation line starts with a space, a tab or '+'; '+' alone is a
 *    blank continuation;
 *  - '#' to the end of a physical line (not in column 0) is an end-of-line
 *    comment, kept apart from the value;
 *  - the value used for processing (rpsl_attr.value) is the text of all
 *    physical lines, comments removed, white space runs folded to one
 *    space, leading/trailing white space trimmed.
 *
 * Round trip: rpsl_print() with RPSL_PRINT_RAW reproduces the attribute
 * lines as parsed except for this documented normalisation: the attribute
 * name is lower-cased, and white space between "name:" and the value is
 * rewritten.  RPSL_PRINT_DISPLAY is RIPE's display form: values start in
 * column 17 (16 characters for "name:" plus padding), continuation lines
 * are indented to the same column (a '+' continuation keeps its '+' in
 * column 0), comments follow the text after one space as "# comment".
 *
 * Memory: an rpsl_obj owns all of its strings (they live in an arena
 * inside the object); pointers into an object stay valid until the object
 * is freed or the attribute is edited.  rpsl_obj_free() releases all.
 */
#ifndef AUTODBM_RPSL_H
#define AUTODBM_RPSL_H

#include <stddef.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/strv.h"

/** One physical line of an attribute. */
typedef struct rpsl_line {
    const char *text;       /**< the text, comment removed, outer blanks trimmed */
    const char *comment;    /**< comment text after '#', trimmed; NULL if none */
    char cont;              /**< 0 for the first line, else ' ', '\t' or '+' */
} rpsl_line_t;

/** One attribute: a name and one or more physical lines. */
typedef struct rpsl_attr {
    const char *name;       /**< lower-case attribute name, without ':' */
    const char *value;      /**< processing value (see file comment) */
    rpsl_line_t *lines;     /**< physical lines, lines[0] is the name line */
    size_t nlines;          /**< number of physical lines, >= 1 */
    unsigned lineno;        /**< line number of the name line in the input */
    int aid;                /**< schema attribute id, -1 if unknown/unset */
} rpsl_attr_t;

/** An RPSL object: an ordered list of attributes. */
typedef struct rpsl_obj {
    rpsl_attr_t *attrs;     /**< attributes in input order */
    size_t nattrs;          /**< number of attributes */
    size_t cap;             /**< allocated attribute slots */
    int cls;                /**< schema class id, -1 until classified */
    unsigned lineno;        /**< line number of the first attribute */
    struct rpsl_arena *arena; /**< owner of the strings (private) */
} rpsl_obj_t;

/** Parse flags. */
enum rpsl_parse_flags {
    RPSL_PARSE_SKIP_COMMENT_LINES = 1 << 0 /**< skip lines starting with
                                             '#' or '%' (dump files) */
};

/**
 * Parse one paragraph (the lines of one object) into a new object.
 * @param text     the paragraph; need not be NUL-terminated; may contain
 *                 CR LF line ends (the CR is dropped)
 * @param len      its length in bytes
 * @param lineno   line number of the paragraph's first line, for messages
 * @param flags    enum rpsl_parse_flags
 * @param out      receives the object; the caller frees it with rpsl_obj_free()
 * @param diags    lexical problems are appended here (may be NULL)
 * @return 0 on success (the object may still carry diagnostics);
 *         ERR_SYNTAX if the paragraph does not start with an attribute
 *         line (then *out is NULL) - the caller reports it as "not an
 *         object".  Lines that are neither attributes nor continuations
 *         inside an object are reported as DIAG_ERROR on the object
 *         ("Line N is not an attribute or continuation line") and dropped.
 */
int rpsl_parse(const char *text, size_t len, unsigned lineno, unsigned flags,
               rpsl_obj_t **out, diag_list_t *diags);

/**
 * Whether a line (without its line end) is an attribute line: a name,
 * optional blanks, ':' (see the lexical rules above).
 * @return 1 or 0.
 */
int rpsl_is_attr_line(const char *line, size_t len);

/**
 * Whether attribute @a is named @name (lower case): the parser keeps the
 * blanks a line has before its ':' in the name ("auth :" gives "auth "),
 * which this ignores, as the filters of what leaves the registry must.
 * @return 1 or 0.
 */
int rpsl_attr_named(const rpsl_attr_t *a, const char *name);

/**
 * Where the object in a paragraph ends when lines that are neither
 * attributes nor continuations follow it (RIPE processes the object and
 * lists those lines as not processed).
 * @param text  the paragraph (need not be NUL-terminated)
 * @param len   its length
 * @return the offset of the first such line when it and every line after
 *         it are no attribute lines (only then: a stray line between
 *         attributes stays an error of the object), less the lines of
 *         only white space just before it (they continue nothing); else
 *         @len.
 */
size_t rpsl_object_extent(const char *text, size_t len);

/**
 * Find the next paragraph in a text buffer: paragraphs are separated by
 * one or more blank lines (empty or white space only).
 * @param text    the whole buffer
 * @param len     its length
 * @param pos     in: where to start; out: where the next search starts
 * @param lineno  in: line number at *pos; out: line number at the new *pos
 * @param flags   RPSL_PARSE_SKIP_COMMENT_LINES skips '#'/'%' lines between
 *                (and inside) paragraphs
 * @param start   receives the paragraph's first byte
 * @param plen    receives its length (up to, not including, the blank line)
 * @param pline   receives the paragraph's first line number
 * @return 1 if a paragraph was found, 0 at the end of the buffer.
 */
int rpsl_next_paragraph(const char *text, size_t len, size_t *pos,
                        unsigned *lineno, unsigned flags, const char **start,
                        size_t *plen, unsigned *pline);

/** A new empty object (cls -1); free with rpsl_obj_free(). */
rpsl_obj_t *rpsl_obj_new(void);
/** Free @o and every string in it.  NULL is accepted. */
void rpsl_obj_free(rpsl_obj_t *o);
/** A deep copy of @o. */
rpsl_obj_t *rpsl_obj_dup(const rpsl_obj_t *o);

/**
 * Copy a string into @o's arena.
 * @return a NUL-terminated copy of @n bytes of @s, owned by @o.
 */
const char *rpsl_obj_strdup(rpsl_obj_t *o, const char *s, size_t n);

/**
 * Insert an attribute with a single-line value at position @idx (0 ..
 * nattrs; nattrs appends).  The value may contain '\n': each further line
 * becomes a continuation line (cont ' ').
 * @return the index of the new attribute.
 */
size_t rpsl_obj_insert(rpsl_obj_t *o, size_t idx, const char *name,
                       const char *value);
/** Append an attribute (see rpsl_obj_insert()). @return its index. */
size_t rpsl_obj_append(rpsl_obj_t *o, const char *name, const char *value);
/** Remove attribute @idx (later attributes move down by one). */
void rpsl_obj_remove(rpsl_obj_t *o, size_t idx);
/**
 * Replace the value of attribute @idx with @value (lines and comments are
 * replaced; '\n' in @value starts continuation lines).  aid is kept.
 */
void rpsl_obj_set_value(rpsl_obj_t *o, size_t idx, const char *value);
/**
 * Replace each control character of attribute @idx by '?': C0 but tab,
 * DEL, and C1 (U+0080 .. U+009F, two bytes in UTF-8).  Comments always;
 * the line texts too if @text.  Every line stays where it is (no line is
 * added, removed or joined); the processing value is computed again.
 * @return the number of characters replaced (0: the attribute is as it was).
 */
size_t rpsl_attr_replace_controls(rpsl_obj_t *o, size_t idx, int text);

/** Rename attribute @idx (the name is lower-cased).  aid is kept. */
void rpsl_obj_set_name(rpsl_obj_t *o, size_t idx, const char *name);

/**
 * Index of the first attribute named @name (case-insensitive) at or after
 * @from, or -1.
 */
long rpsl_obj_find(const rpsl_obj_t *o, const char *name, size_t from);
/** Index of the first attribute with schema id @aid at or after @from, or -1. */
long rpsl_obj_find_aid(const rpsl_obj_t *o, int aid, size_t from);
/** Value of the first attribute named @name, or NULL. */
const char *rpsl_obj_get(const rpsl_obj_t *o, const char *name);

/**
 * Split a list value ("A, B ,C") into its items.  Calls @fn for each
 * non-empty item with the item's start and length (trimmed); stops early
 * if @fn returns non-zero and returns that value.
 * @return 0, or the first non-zero value of @fn.
 */
int rpsl_list_each(const char *value, int (*fn)(const char *item, size_t len,
                                                void *arg), void *arg);

/**
 * Add each item of the list value @value to @out, skipping items @out
 * holds already (compared case-insensitively).
 */
void rpsl_list_collect(const char *value, strv_t *out);

/** Print flags. */
enum rpsl_print_flags {
    RPSL_PRINT_RAW = 0,             /**< "name:" + one space + raw lines */
    RPSL_PRINT_DISPLAY = 1 << 0,    /**< RIPE display form, column 17 */
    RPSL_PRINT_FILTER_AUTH = 1 << 1,/**< auth: hashes as "MD5-PW # Filtered"
                                         (MD5-PW, BCRYPT-PW, CRYPT-PW, and
                                         the SSO form as "SSO # Filtered") */
    RPSL_PRINT_NO_COMMENTS = 1 << 2 /**< omit end-of-line comments */
};

/**
 * Append the object's text to @out, one line per physical line, each
 * ending in '\n'.  No blank line is added after the object.
 */
void rpsl_print(const rpsl_obj_t *o, buf_t *out, unsigned flags);

/** Append one attribute as rpsl_print() would print it. */
void rpsl_print_attr(const rpsl_attr_t *a, buf_t *out, unsigned flags);

/**
 * Compare two attribute values as RIPE compares them for delete and noop
 * detection: case-insensitive, white space folded (the processing values;
 * a run of blanks in either equals one in the other).
 * @return 1 if equal, 0 if not.
 */
int rpsl_value_equal(const char *a, const char *b);

#endif
