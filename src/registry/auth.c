/*
 * auth.c - authorisation checks against auth: lines (see auth.h).
 */
#include <crypt.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/auth.h"
#include "util/buf.h"
#include "registry/keyring.h"
#include "registry/pgp.h"
#include "registry/conf.h"
#include "rpsl/schema.h"

void auth_check_init(auth_check_t *c)
{
    c->passed = 0;
    c->candidates = 0;
    strv_init(&c->names);
    strv_init(&c->by);
}

void auth_check_free(auth_check_t *c)
{
    strv_free(&c->names);
    strv_free(&c->by);
}

static int const_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = (unsigned char)(la != lb);
    size_t n = la < lb ? la : lb;
    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* Characters of crypt's base-64 alphabet. */
static int crypt_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '/')
            return 0;
    return 1;
}

/* The bare hash of an auth: value of scheme @scheme, or NULL. */
static const char *scheme_hash(const char *auth_value, const char *scheme)
{
    size_t n = strlen(scheme);
    if (strncasecmp(auth_value, scheme, n) != 0 || !isspace((unsigned char)auth_value[n]))
        return NULL;
    const char *h = auth_value + n;
    while (isspace((unsigned char)*h))
        h++;
    return h;
}

/* A well-formed bcrypt hash "$2[aby]$NN$<53>"; its cost into *@cost. */
static int bcrypt_form(const char *h, unsigned *cost)
{
    if (strlen(h) != 60 || h[0] != '$' || h[1] != '2' || h[2] == 0 ||
        strchr("aby", h[2]) == NULL || h[3] != '$' || !isdigit((unsigned char)h[4]) ||
        !isdigit((unsigned char)h[5]) || h[6] != '$' || !crypt_chars(h + 7, 53))
        return 0;
    *cost = (unsigned)(h[4] - '0') * 10 + (unsigned)(h[5] - '0');
    return 1;
}

int auth_bcrypt_cost(const char *auth_value, unsigned *cost)
{
    const char *h = scheme_hash(auth_value, "BCRYPT-PW");
    return h != NULL && bcrypt_form(h, cost);
}

/*
 * The bare hash of a password auth: value that may be handed to crypt_r()
 * into *@hash: AUTH_PW_MATCH when there is one (nothing compared yet),
 * AUTH_PW_TOO_COSTLY when it is a bcrypt hash above @max_cost, else
 * AUTH_PW_NO.
 */
static int usable_hash(const char *auth_value, unsigned max_cost, const char **hash)
{
    const char *h;
    unsigned cost;
    *hash = NULL;
    if ((h = scheme_hash(auth_value, "MD5-PW")) != NULL) {
        /* md5crypt: a fixed 1000 rounds */
        if (strncmp(h, "$1$", 3) != 0)
            return AUTH_PW_NO;
    } else if ((h = scheme_hash(auth_value, "BCRYPT-PW")) != NULL) {
        /* the only scheme whose cost the hash chooses: bounded */
        if (!bcrypt_form(h, &cost))
            return AUTH_PW_NO;
        if (cost > max_cost)
            return AUTH_PW_TOO_COSTLY;
    } else if ((h = scheme_hash(auth_value, "CRYPT-PW")) != NULL) {
        /* traditional DES only (never BSDi "_" with its iteration count) */
        if (strlen(h) != 13 || !crypt_chars(h, 13))
            return AUTH_PW_NO;
    } else {
        return AUTH_PW_NO;
    }
    *hash = h;
    return AUTH_PW_MATCH;
}

int auth_password_check(const char *auth_value, const char *password, unsigned max_cost)
{
    const char *h;
    int r = usable_hash(auth_value, max_cost, &h);
    if (r != AUTH_PW_MATCH)
        return r;
    return auth_crypt_ok(h, password) ? AUTH_PW_MATCH : AUTH_PW_NO;
}

int auth_password_ok(const char *auth_value, const char *password)
{
    return auth_password_check(auth_value, password, CONF_DEFAULT_BCRYPT_MAX_COST) ==
           AUTH_PW_MATCH;
}

int auth_crypt_ok(const char *hash, const char *password)
{
    struct crypt_data *cd = xcalloc(1, sizeof *cd);
    const char *h = crypt_r(password, hash, cd);
    int ok = h != NULL && h[0] != '*' && const_eq(h, hash);
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}

/* The bcrypt cost bound of a password credential. */
static unsigned max_cost_of(const cred_t *c)
{
    return c->bcrypt_max_cost ? c->bcrypt_max_cost : CONF_DEFAULT_BCRYPT_MAX_COST;
}

/* auth_password_check() remembered in the credential: a mail with many
 * objects under one maintainer computes each crypt once.  The memo marks
 * '+' matched, '-' did not, '!' not computed (above the cost bound). */
static int password_matches(const cred_t *c, const char *auth_value)
{
    strv_t *memo = c->checked;
    for (size_t i = 0; memo && i < memo->n; i++)
        if (strcmp(memo->v[i] + 1, auth_value) == 0)
            return memo->v[i][0] == '+';
    const char *h;
    int r = usable_hash(auth_value, max_cost_of(c), &h);
    if (r == AUTH_PW_MATCH && c->checks_left != NULL && *c->checks_left == 0)
        r = AUTH_PW_NO_BUDGET;
    else if (r == AUTH_PW_MATCH) {
        if (c->checks_left != NULL)
            (*c->checks_left)--;
        r = auth_crypt_ok(h, c->password) ? AUTH_PW_MATCH : AUTH_PW_NO;
    }
    if (memo) {
        char mark = r == AUTH_PW_MATCH ? '+' : r == AUTH_PW_TOO_COSTLY ? '!'
                  : r == AUTH_PW_NO_BUDGET ? '#' : '-';
        char *e = xasprintf("%c%s", mark, auth_value);
        strv_add(memo, e);
        free(e);
    }
    return r == AUTH_PW_MATCH;
}

void auth_explain_passwords(const cred_list_t *creds, diag_list_t *diags)
{
    strv_t said = STRV_INIT;
    for (size_t k = 0; k < creds->n; k++) {
        const cred_t *c = &creds->v[k];
        for (size_t i = 0; c->kind == CRED_PASSWORD && c->checked && i < c->checked->n; i++) {
            unsigned cost;
            const char *v = c->checked->v[i];
            char *t;
            if (v[0] == '#')
                t = xstrdup("Passwords were not checked against every auth: line: the "
                            "passwords of one mail compute a bounded number of hashes "
                            "(max_password_checks). Send only the password needed, or "
                            "split the update.");
            else if (v[0] == '!' && auth_bcrypt_cost(v + 1, &cost))
                t = xasprintf("A password was not checked against a BCRYPT-PW hash of "
                              "cost %u: the registry computes costs up to %u "
                              "(bcrypt_max_cost). Replace that auth: line with a hash "
                              "of a lower cost.", cost, max_cost_of(c));
            else
                continue;
            if (strv_find(&said, t) < 0) {
                diag_add(diags, DIAG_WARNING, DIAG_OBJECT, "%s", t);
                strv_add(&said, t);
            }
            free(t);
        }
    }
    strv_free(&said);
}

struct kc_find {
    const char *name;   /* wanted key-cert name, or NULL: any */
    const char *subkey; /* a subkey its certif: must hold, or NULL */
    char *found;        /* the name of the key-cert found */
};

/* Whether the certif: of the stored key-cert @text holds the (sub)key
 * @fpr: its own key material, read from its packets (pgp_armored_fprs),
 * never what the keyring holds under that fingerprint. */
static int certif_holds(const char *text, size_t len, const char *fpr)
{
    rpsl_obj_t *obj = NULL;
    int hit = 0;
    if (rpsl_parse(text, len, 1, 0, &obj, NULL) == 0 && obj) {
        buf_t armored;
        buf_init(&armored);
        strv_t fprs = STRV_INIT;
        if (keyring_certif_text(obj, &armored) > 0 &&
            pgp_armored_fprs(armored.s, armored.len, &fprs, NULL) == 0)
            hit = strv_find(&fprs, fpr) > 0;    /* a subkey: not the first */
        strv_free(&fprs);
        buf_free(&armored);
    }
    rpsl_obj_free(obj);
    return hit;
}

static int kc_hit(int cls, const char *pkey, const char *text, size_t len, void *arg)
{
    struct kc_find *k = arg;
    if (cls == SC_KEY_CERT && (k->name == NULL || strcasecmp(pkey, k->name) == 0) &&
        (k->subkey == NULL || certif_holds(text, len, k->subkey))) {
        k->found = xstrdup(pkey);
        return 1;
    }
    return 0;
}

/* Collapse runs of spaces in @s to one (in place). */
static void squeeze(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++)
        if (!(*p == ' ' && o > s && o[-1] == ' '))
            *o++ = *p;
    *o = 0;
}

/* The key-cert (named @name, or any if NULL) whose fingerpr: is @fpr40
 * and, if @subkey is not NULL, whose own key holds the subkey @subkey. */
static int kc_by_fpr(store_txn_t *txn, const char *name, const char *fpr40,
                     const char *subkey, char **found, err_t *err)
{
    char spaced[51];
    pgp_fpr_spaced(fpr40, spaced);
    squeeze(spaced);    /* stored values have white space runs collapsed */
    struct kc_find k = { name, subkey, NULL };
    int rc = store_inverse(txn, SA_FINGERPR, spaced, kc_hit, &k, err);
    if (rc != 0 && rc != 1) {
        free(k.found);
        return -rc;
    }
    if (k.found == NULL)
        return 0;
    if (found)
        *found = k.found;
    else
        free(k.found);
    return 1;
}

int auth_pgp_keycert(store_txn_t *txn, const char *name, const cred_t *c, char **found,
                     err_t *err)
{
    if (found)
        *found = NULL;
    if (c->kind != CRED_PGP || strlen(c->fpr) != 40)
        return 0;
    /* a primary key's signature: the key-cert of that key; a subkey's:
     * the key-cert of its primary key, if that key-cert's own key holds
     * the subkey (the keyring's binding alone is not enough) */
    int rc = kc_by_fpr(txn, name, c->fpr, NULL, found, err);
    if (rc == 0 && strlen(c->primary) == 40 && strcmp(c->primary, c->fpr) != 0)
        rc = kc_by_fpr(txn, name, c->primary, c->fpr, found, err);
    return rc;
}

/* Is there a key-cert named @name whose fingerpr: is the key (or the
 * primary key of the subkey) that made the good signature @c? */
static int pgp_matches(store_txn_t *txn, const char *name, const cred_t *c, err_t *err)
{
    if (c->state != CRED_PGP_GOOD)
        return 0;
    return auth_pgp_keycert(txn, name, c, NULL, err);
}

int auth_object_ok(store_txn_t *txn, const rpsl_obj_t *m, const cred_list_t *creds,
                   strv_t *how, err_t *err)
{
    for (size_t i = 0; i < m->nattrs; i++) {
        const rpsl_attr_t *a = &m->attrs[i];
        if (strcmp(a->name, "auth") != 0)
            continue;
        const char *v = a->value;
        int is_pgp = strncasecmp(v, "PGPKEY-", 7) == 0;
        for (size_t k = 0; k < creds->n; k++) {
            const cred_t *c = &creds->v[k];
            int ok = 0;
            if (c->kind == CRED_PASSWORD && !is_pgp)
                ok = password_matches(c, v);
            else if (c->kind == CRED_PGP && is_pgp && txn) {
                ok = pgp_matches(txn, v, c, err);
                if (ok < 0)
                    return ok;
            }
            if (ok) {
                if (how) {
                    if (c->kind == CRED_PASSWORD)
                        strv_add(how, "password");
                    else {
                        char *u = xstrdup(v);
                        for (char *p = u; *p; p++)
                            *p = (char)toupper((unsigned char)*p);
                        strv_add(how, u);
                        free(u);
                    }
                }
                return 1;
            }
        }
    }
    return 0;
}

int auth_run(store_txn_t *txn, int cls, const strv_t *names,
             const rpsl_obj_t *created, const cred_list_t *creds,
             auth_check_t *c, err_t *err)
{
    buf_t newkey;
    buf_init(&newkey);
    if (created)
        schema_pkey(created, &newkey);
    int rc = 0;
    for (size_t i = 0; i < names->n; i++) {
        const char *name = names->v[i];
        strv_add_unique(&c->names, name);
        /* the stored object always wins: a submitted one only stands for
         * a name nothing in the store has (auth.txt A3) */
        rpsl_obj_t *m = NULL;
        rc = store_obj_load(txn, cls, name, &m, err);
        int own = 0;
        if (rc == ERR_NOTFOUND) {
            rc = 0;
            own = created && created->cls == cls && strcasecmp(newkey.s, name) == 0;
            if (!own)
                continue;
            m = (rpsl_obj_t *)created;
        }
        if (rc)
            break;
        c->candidates++;
        strv_t how = STRV_INIT;
        int ok = auth_object_ok(txn, m, creds, &how, err);
        if (!own)
            rpsl_obj_free(m);
        if (ok < 0) {
            strv_free(&how);
            rc = -ok;
            break;
        }
        if (ok) {
            c->passed = 1;
            char *d = xasprintf("%s for %s", how.v[0], name);
            strv_add_unique(&c->by, d);
            free(d);
        }
        strv_free(&how);
    }
    buf_free(&newkey);
    return rc;
}
