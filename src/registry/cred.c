/*
 * cred.c - credentials (see cred.h).  Passwords are wiped when freed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "registry/cred.h"

void cred_list_init(cred_list_t *l)
{
    l->v = NULL;
    l->n = l->cap = 0;
}

static void wipe(char *s)
{
    if (s == NULL)
        return;
    volatile char *p = s;
    while (*p)
        *p++ = 0;
    free(s);
}

void cred_list_free(cred_list_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        wipe(l->v[i].password);
        free(l->v[i].digest);
        if (l->v[i].checked) {
            strv_free(l->v[i].checked);
            free(l->v[i].checked);
        }
    }
    free(l->v);
    cred_list_init(l);
}

static cred_t *add(cred_list_t *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    cred_t *c = &l->v[l->n++];
    memset(c, 0, sizeof *c);
    return c;
}

void cred_add_password(cred_list_t *l, const char *pw, size_t len)
{
    cred_t *c = add(l);
    c->kind = CRED_PASSWORD;
    c->password = xstrndup(pw, len);
    c->checked = xcalloc(1, sizeof *c->checked);
    strv_init(c->checked);
}

static void copy_hex(char dst[41], const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i < 40; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = 0;
}

void cred_add_pgp_key(cred_list_t *l, const char *fpr, const char *primary,
                      enum cred_pgp_state state, time_t sigtime, const char *digest)
{
    cred_t *c = add(l);
    c->kind = CRED_PGP;
    c->state = state;
    c->sigtime = sigtime;
    c->digest = digest ? xstrdup(digest) : NULL;
    copy_hex(c->fpr, fpr);
    copy_hex(c->primary, primary && *primary ? primary : fpr);
}

void cred_add_pgp(cred_list_t *l, const char *fpr, enum cred_pgp_state state,
                  time_t sigtime, const char *digest)
{
    cred_add_pgp_key(l, fpr, NULL, state, sigtime, digest);
}

void cred_list_append(cred_list_t *to, const cred_list_t *from)
{
    for (size_t i = 0; i < from->n; i++) {
        const cred_t *f = &from->v[i];
        if (f->kind == CRED_PASSWORD) {
            cred_add_password(to, f->password, strlen(f->password));
            to->v[to->n - 1].bcrypt_max_cost = f->bcrypt_max_cost;
            to->v[to->n - 1].checks_left = f->checks_left;
        } else {
            cred_add_pgp_key(to, f->fpr, f->primary, f->state, f->sigtime, f->digest);
        }
    }
}

size_t cred_count(const cred_list_t *l, enum cred_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].kind == kind;
    return n;
}

const char *cred_pgp_state_name(enum cred_pgp_state s)
{
    switch (s) {
    case CRED_PGP_GOOD: return "good";
    case CRED_PGP_BAD: return "bad";
    case CRED_PGP_UNKNOWN_KEY: return "unknown-key";
    case CRED_PGP_EXPIRED: return "expired";
    case CRED_PGP_REVOKED: return "revoked";
    case CRED_PGP_TOO_OLD: return "too-old";
    case CRED_PGP_FUTURE: return "future";
    }
    return "bad";
}
