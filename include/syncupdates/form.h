/*
 * form.h - the parameters of a syncupdates request (CGI/1.1, RFC 3875):
 * a query string, an application/x-www-form-urlencoded body or a
 * multipart/form-data body, read into the values syncupdates knows
 * (DATA, NEW, HELP, DIFF, REDIRECT, ORIGIN; names exactly in upper case,
 * anything else ignored; of a name given twice the first value counts).
 *
 * Values are the bytes the client sent after the form decoding ('+' a
 * space and %XX a byte for urlencoded; the part's body, its transfer
 * encoding removed, for multipart), NOT converted from their charset:
 * the caller verifies PGP signatures over exactly these bytes and then
 * decodes them (registry/textin.h).  The charset of DATA is that of its
 * part (multipart), else the charset parameter of the request's
 * Content-Type, else NULL (UTF-8).
 *
 * The multipart body is parsed by GMime (initialised by the program:
 * registry/mailout.h's mailout_init()).  Ownership: a form_t owns its
 * strings; form_free().
 */
#ifndef AUTODBM_SYNC_FORM_H
#define AUTODBM_SYNC_FORM_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/** One parameter: absent (set 0) or its bytes. */
typedef struct form_value {
    int present;            /**< the name was given (perhaps empty) */
    buf_t v;                /**< its bytes (NUL-terminated, NUL allowed) */
} form_value_t;

/** The parameters of a request. */
typedef struct form {
    form_value_t data, new_, help, diff, redirect, origin;
    char *charset;          /**< DATA's charset, or NULL (UTF-8) */
} form_t;

/** What a Content-Type names for the body. */
enum form_type {
    FORM_NONE = 0,          /**< no Content-Type */
    FORM_URLENCODED,        /**< application/x-www-form-urlencoded */
    FORM_MULTIPART,         /**< multipart/form-data */
    FORM_OTHER              /**< anything else (415) */
};

/** Set up an empty form. */
void form_init(form_t *f);

/** Free what @f holds (the form is empty after). */
void form_free(form_t *f);

/** The type of body a Content-Type value announces (NULL: FORM_NONE). */
enum form_type form_type_of(const char *content_type);

/**
 * Read the parameters of a urlencoded string (a query string or a body)
 * into @f; @charset (the Content-Type's, or NULL) becomes DATA's.
 */
void form_parse_urlencoded(form_t *f, const char *s, size_t n, const char *charset);

/**
 * Read the parts of a multipart/form-data body into @f.
 * @param content_type  the request's Content-Type (its boundary and
 *                      charset)
 * @return 0; ERR_SYNTAX when it has no boundary or no part can be read.
 */
int form_parse_multipart(form_t *f, const char *content_type, const char *body,
                         size_t n, err_t *err);

/**
 * Bound a multipart/form-data body before it is parsed (GMime builds an
 * object per part and per header field: a body of tiny parts or of one
 * huge header would cost a hundred times its size).  Every line that
 * starts with "--" and the boundary counts as a delimiter, and the header
 * that may follow it (up to its first empty line) is checked: a superset
 * of what the parser reads as parts and headers.
 * @param max_parts   most parts (delimiters beyond the closing one)
 * @param max_header  most bytes of the header of one part
 * @return 0; ERR_LIMIT when a bound is passed; ERR_SYNTAX when a part's
 *         header names a multipart type (a nested multipart: its parts
 *         would not be bounded) or there is no boundary.
 */
int form_multipart_check(const char *content_type, const char *body, size_t n,
                         unsigned max_parts, size_t max_header, err_t *err);

/** The charset parameter of a Content-Type value (malloc'd), or NULL. */
char *form_charset(const char *content_type);

/** "set": present and non-empty. */
int form_set(const form_value_t *v);

/** "true": set and not "no" in any case. */
int form_true(const form_value_t *v);

#endif
