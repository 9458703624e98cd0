/*
 * err.c - error objects and status codes (see err.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "util/buf.h"
#include "util/err.h"

static const char *const names[ERR__COUNT] = {
    [ERR_OK] = "success",
    [ERR_NOMEM] = "out of memory",
    [ERR_IO] = "I/O error",
    [ERR_USAGE] = "usage error",
    [ERR_CONF] = "configuration error",
    [ERR_SYNTAX] = "syntax error",
    [ERR_NOTFOUND] = "not found",
    [ERR_EXISTS] = "already exists",
    [ERR_STORE] = "store error",
    [ERR_TEMP] = "temporary failure",
    [ERR_LIMIT] = "limit exceeded",
    [ERR_CRYPTO] = "cryptographic failure",
    [ERR_SOFTWARE] = "internal software error",
};

void err_init(err_t *e)
{
    e->code = ERR_OK;
    e->text = NULL;
}

int err_vset(err_t *e, int code, const char *fmt, va_list ap)
{
    if (e == NULL)
        return code;
    char *t = xvasprintf(fmt, ap);
    free(e->text);
    e->text = t;
    e->code = code;
    return code;
}

int err_set(err_t *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, fmt, ap);
    va_end(ap);
    return code;
}

int err_prefix(err_t *e, const char *fmt, ...)
{
    if (e == NULL)
        return ERR_OK;
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    char *t = xasprintf("%s: %s", p, err_text(e));
    free(p);
    free(e->text);
    e->text = t;
    return e->code;
}

const char *err_code_name(int code)
{
    if (code < 0 || code >= ERR__COUNT || names[code] == NULL)
        return "unknown error";
    return names[code];
}

const char *err_text(const err_t *e)
{
    if (e == NULL)
        return "unknown error";
    if (e->text)
        return e->text;
    return err_code_name(e->code);
}

void err_free(err_t *e)
{
    if (e == NULL)
        return;
    free(e->text);
    e->text = NULL;
    e->code = ERR_OK;
}

int err_sysexit(int code)
{
    switch (code) {
    case ERR_OK:
        return EX_OK;
    case ERR_TEMP:
    case ERR_NOMEM:
    case ERR_IO:
        return EX_TEMPFAIL;
    case ERR_USAGE:
        return EX_USAGE;
    case ERR_CONF:
        return EX_CONFIG;
    case ERR_SYNTAX:
        return EX_DATAERR;
    case ERR_NOTFOUND:
        return EX_NOINPUT;
    default:
        return EX_SOFTWARE;
    }
}
