/*
 * schema.c - what parsed RPSL objects mean: classification (class and
 * attribute ids, short names), validation against the class templates
 * and the attribute syntaxes, primary keys, address ranges and the
 * secondary index keys the store maintains.
 *
 * The constant tables (classes, attributes, templates, name look-up) are
 * in schema_tables.c; this file only uses them through schema.h.  The
 * value checks themselves are syntax.c's (syntax_check()); this module
 * decides which attribute is checked with which syntax and what happens
 * to the result.  Messages use RIPE's wording (its messages.txt).
 *
 * No state: every function works on the object it is given.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/err.h"
#include "util/ipaddr.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "rpsl/syntax.h"

/* ------------------------------------------------------------------ */
/* Classification                                                      */
/* ------------------------------------------------------------------ */

int schema_classify(rpsl_obj_t *o, diag_list_t *diags)
{
    size_t i, nshort = 0;
    int cls;

    o->cls = -1;
    for (i = 0; i < o->nattrs; i++)
        o->attrs[i].aid = schema_attr_by_name(o->attrs[i].name);
    if (o->nattrs == 0 || o->attrs[0].aid < 0)
        return ERR_SYNTAX;
    /* The class attribute may be given in short form too ("*in:"). */
    cls = schema_class_by_name(schema_attr_name(o->attrs[0].aid));
    if (cls < 0)
        return ERR_SYNTAX;
    o->cls = cls;

    for (i = 0; i < o->nattrs; i++) {
        int aid = o->attrs[i].aid;

        if (aid >= 0 && o->attrs[i].name[0] == '*') {
            rpsl_obj_set_name(o, i, schema_attr_name(aid));
            nshort++;
        }
    }
    if (nshort > 0 && diags != NULL)
        diag_add(diags, DIAG_WARNING, DIAG_OBJECT,
                 "Short format attribute name(s) have been replaced.");
    return 0;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* State of one schema_validate() call. */
struct vctx {
    rpsl_obj_t *o;
    diag_list_t *diags;     /* may be NULL */
    int nerrors;            /* DIAG_ERROR entries added */
    unsigned synflags;      /* enum syntax_flags for syntax_check() */
    const char *source;     /* configured source or NULL */
    int source_seen;        /* the first source: has been compared */
    int as_given;           /* SCHEMA_AS_GIVEN */
};

/* Add a diagnostic (and count errors). */
static void report(struct vctx *v, enum diag_sev sev, int attr,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct vctx *v, enum diag_sev sev, int attr,
                   const char *fmt, ...)
{
    va_list ap;
    char *text;

    if (sev == DIAG_ERROR)
        v->nerrors++;
    if (v->diags == NULL)
        return;
    va_start(ap, fmt);
    text = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(v->diags, sev, attr, "%s", text);
    free(text);
}

/* 1 if an empty value is acceptable for syntax @syn. */
static int empty_ok(int syn)
{
    return syn == SYN_FREE_FORM || syn == SYN_CERTIF || syn == SYN_GENERATED;
}

/* 1 if any physical line of attribute @a carries an end-of-line comment. */
static int has_comment(const rpsl_attr_t *a)
{
    size_t i;

    for (i = 0; i < a->nlines; i++)
        if (a->lines[i].comment != NULL)
            return 1;
    return 0;
}

/* 1 if an end-of-line comment of @a says "Filtered" (whois output). */
static int comment_filtered(const rpsl_attr_t *a)
{
    size_t i;

    for (i = 0; i < a->nlines; i++)
        if (a->lines[i].comment != NULL &&
            strcasestr(a->lines[i].comment, "filtered") != NULL)
            return 1;
    return 0;
}

/* Replace the value of attribute @idx by a copy of @value. */
static void set_value_copy(rpsl_obj_t *o, size_t idx, const char *value)
{
    char *copy = xstrdup(value);

    rpsl_obj_set_value(o, idx, copy);
    free(copy);
}

/*
 * Attribute @idx was removed from the object: make the attribute-level
 * diagnostics already in the list point to the right attributes again
 * (those of the removed attribute become object-level).
 */
static void diags_removed(diag_list_t *l, size_t idx)
{
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < l->n; i++) {
        if (l->v[i].attr == (int)idx)
            l->v[i].attr = DIAG_OBJECT;
        else if (l->v[i].attr > (int)idx)
            l->v[i].attr--;
    }
}

/*
 * Strict mode: remove the attributes RIPE drops with a warning
 * (changed: everywhere; mnt-lower:/mnt-routes: from aut-num).
 */
static void remove_deprecated(struct vctx *v)
{
    static const int dropped[] = { SA_CHANGED, SA_MNT_LOWER, SA_MNT_ROUTES };
    rpsl_obj_t *o = v->o;
    int seen[3] = { 0, 0, 0 };
    size_t i, k;

    for (i = o->nattrs; i-- > 0;) {
        int aid = o->attrs[i].aid;

        for (k = 0; k < 3; k++) {
            if (aid != dropped[k])
                continue;
            if (k > 0 && o->cls != SC_AUT_NUM)
                break;
            rpsl_obj_remove(o, i);
            diags_removed(v->diags, i);
            seen[k] = 1;
            break;
        }
    }
    for (k = 0; k < 3; k++)
        if (seen[k])
            report(v, DIAG_WARNING, DIAG_OBJECT, "Deprecated attribute \"%s\". "
                   "This attribute has been removed.",
                   schema_attr_name(dropped[k]));
}

/*
 * Key attributes hold one line without comments: merge continuation
 * lines and strip comments, with RIPE's Infos.
 */
static void sanitize_key(struct vctx *v, size_t idx)
{
    const rpsl_attr_t *a = &v->o->attrs[idx];
    int cont = a->nlines > 1;
    int comment = has_comment(a);

    if (!cont && !comment)
        return;
    set_value_copy(v->o, idx, a->value);
    if (cont)
        report(v, DIAG_INFO, (int)idx, "Continuation lines are not allowed "
               "here and have been removed");
    if (comment)
        report(v, DIAG_INFO, (int)idx, "Please use the \"remarks:\" attribute "
               "instead of end of line comment on primary key");
}

/*
 * Control characters the registry does not keep (rpsl.h
 * rpsl_attr_replace_controls()) become '?' with RIPE's warning: in the
 * whole value of a free-text attribute, in the comments of any other
 * (a control character in a structured value stays a syntax error, and
 * certif: lines are never changed).  Lines are neither added nor joined.
 */
static void convert_controls(struct vctx *v, size_t idx)
{
    const rpsl_attr_t *a = &v->o->attrs[idx];
    int syn = schema_attr_syntax(a->aid);
    buf_t shown;
    size_t i;

    if (syn == SYN_CERTIF)
        return;
    if (rpsl_attr_replace_controls(v->o, idx, syn == SYN_FREE_FORM) == 0)
        return;
    /* the value as converted, with its comments (they may be what changed) */
    buf_init(&shown);
    for (i = 0; i < a->nlines; i++) {
        const rpsl_line_t *l = &a->lines[i];

        if (l->text[0] != 0) {
            if (shown.len > 0)
                buf_putc(&shown, ' ');
            buf_puts(&shown, l->text);
        }
        if (l->comment != NULL)
            buf_printf(&shown, "%s# %s", shown.len > 0 ? " " : "", l->comment);
    }
    report(v, DIAG_WARNING, (int)idx, "Attribute \"%s:\" has been converted "
           "to \"%s\"", a->name, shown.s);
    buf_free(&shown);
}

/*
 * Check one value (or list item) with syntax @syn.
 * @return 1 if valid; *norm receives a malloc'd normalised value or NULL.
 */
static int check_one(struct vctx *v, size_t idx, int syn, const char *value,
                     unsigned flags, char **norm)
{
    syntax_result_t res;
    int ok;

    memset(&res, 0, sizeof res);
    *norm = NULL;
    ok = syntax_check(syn, v->o->cls, value, flags, &res);
    if (!ok) {
        if (res.error != NULL)
            report(v, DIAG_ERROR, (int)idx, "%s", res.error);
        else
            report(v, DIAG_ERROR, (int)idx, "Syntax error in %s", value);
    } else if (res.normalised != NULL) {
        *norm = res.normalised;
        res.normalised = NULL;
        if (res.info != NULL)
            report(v, DIAG_INFO, (int)idx, "%s", res.info);
    }
    syntax_result_free(&res);
    return ok;
}

/*
 * A new nic-hdl must have an acceptable suffix (syntax.txt: the source,
 * a registry name or a country code); AUTO-n placeholders are exempt.
 */
static int check_nic_hdl_suffix(struct vctx *v, size_t idx)
{
    const char *val = v->o->attrs[idx].value;

    if (strncasecmp(val, "AUTO-", 5) == 0 ||
        syntax_nic_hdl_suffix_ok(val, v->source))
        return 1;
    report(v, DIAG_ERROR, (int)idx, "Syntax error in %s", val);
    return 0;
}

/* Check the items of a list value; rewrite it if an item was normalised. */
static int check_list(struct vctx *v, size_t idx, int syn, unsigned flags)
{
    char *value = xstrdup(v->o->attrs[idx].value);
    buf_t item, out;
    const char *p = value;
    int ok = 1, changed = 0;

    buf_init(&item);
    buf_init(&out);
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *s = p;
        char *norm;

        while (s < end && (*s == ' ' || *s == '\t'))
            s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (s == end) {
            /* "A,,B", ", A" or "A," */
            report(v, DIAG_ERROR, (int)idx, "Syntax error in %s", value);
            ok = 0;
            break;
        }
        buf_reset(&item);
        buf_put(&item, s, (size_t)(end - s));
        if (!check_one(v, idx, syn, item.s, flags, &norm))
            ok = 0;
        if (out.len > 0)
            buf_puts(&out, ", ");
        if (norm != NULL) {
            buf_puts(&out, norm);
            free(norm);
            changed = 1;
        } else {
            buf_puts(&out, item.s);
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    if (ok && changed)
        rpsl_obj_set_value(v->o, idx, out.s);
    buf_free(&item);
    buf_free(&out);
    free(value);
    return ok;
}

/*
 * Check the value of attribute @idx against its syntax.  @key says it is
 * a primary key attribute: creation-only rules apply to keys only.
 */
static int check_value(struct vctx *v, size_t idx, int key)
{
    const rpsl_attr_t *a = &v->o->attrs[idx];
    int syn = schema_attr_syntax(a->aid);
    unsigned flags = key ? v->synflags : 0;
    char *norm;
    int ok;

    if (a->value[0] == 0) {
        if (empty_ok(syn))
            return 1;
        report(v, DIAG_ERROR, (int)idx, "Syntax error in %s", a->value);
        return 0;
    }
    if (schema_attr_flags(a->aid) & SAF_LIST)
        return check_list(v, idx, syn, flags);
    ok = check_one(v, idx, syn, a->value, flags, &norm);
    if (norm != NULL) {
        rpsl_obj_set_value(v->o, idx, norm);
        free(norm);
    }
    if (ok && key && (flags & SYNTAX_CREATE) && a->aid == SA_NIC_HDL)
        ok = check_nic_hdl_suffix(v, idx);
    return ok;
}

/* Classes that may use <source>-NONAUTH. */
static int nonauth_class(int cls)
{
    return cls == SC_AUT_NUM || cls == SC_ROUTE || cls == SC_ROUTE6 ||
           cls == SC_AS_SET;
}

/* Check source: attribute @idx. */
static void check_source(struct vctx *v, size_t idx, int strict)
{
    rpsl_obj_t *o = v->o;
    const char *val;
    size_t i, slen;
    int lower = 0;

    if (strict && comment_filtered(&o->attrs[idx]))
        report(v, DIAG_ERROR, DIAG_OBJECT, "Cannot submit filtered whois "
               "output for updates");
    else if (strict && has_comment(&o->attrs[idx]))
        report(v, DIAG_ERROR, DIAG_OBJECT, "End of line comments not allowed "
               "on \"source:\" attribute");
    if (!check_value(v, idx, 0))
        return;
    val = o->attrs[idx].value;
    for (i = 0; val[i]; i++)
        if (val[i] >= 'a' && val[i] <= 'z')
            lower = 1;
    if (lower) {
        char *up = xstrdup(val);

        for (i = 0; up[i]; i++)
            if (up[i] >= 'a' && up[i] <= 'z')
                up[i] = (char)(up[i] - 'a' + 'A');
        rpsl_obj_set_value(o, idx, up);
        free(up);
        val = o->attrs[idx].value;
    }
    if (v->source == NULL || v->source_seen)
        return;
    v->source_seen = 1;
    slen = strlen(v->source);
    if (strcasecmp(val, v->source) == 0)
        return;
    if (strncasecmp(val, v->source, slen) == 0 &&
        strcasecmp(val + slen, "-NONAUTH") == 0) {
        if (!nonauth_class(o->cls))
            report(v, DIAG_ERROR, DIAG_OBJECT, "Source %s is not allowed for "
                   "%s objects", val, schema_class_name(o->cls));
        return;
    }
    report(v, DIAG_ERROR, DIAG_OBJECT, "Unrecognized source: %s", val);
}

/* Strict mode: the whole object. */
static void validate_strict(struct vctx *v)
{
    rpsl_obj_t *o = v->o;
    size_t counts[SA__COUNT];
    const schema_tmpl_t *tmpl, *t;
    size_t i, n;

    memset(counts, 0, sizeof counts);
    remove_deprecated(v);

    for (i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];

        if (a->aid < 0) {
            report(v, DIAG_ERROR, (int)i, "\"%s\" is not a known RPSL "
                   "attribute", a->name);
            continue;
        }
        t = schema_tmpl_find(o->cls, a->aid);
        if (t == NULL) {
            report(v, DIAG_ERROR, (int)i, "\"%s\" is not valid for this "
                   "object type", schema_attr_name(a->aid));
            continue;
        }
        counts[a->aid]++;
        if (t->req == SR_GENERATED)
            continue;
        /* an update's conversions; a load stores the object as given */
        if (!v->as_given)
            convert_controls(v, i);
        if (t->keys & SKEY_PRIMARY)
            sanitize_key(v, i);
        else if (i == 0 && !v->as_given && has_comment(a))
            sanitize_key(v, i);     /* the class line: "person: X # c" */
        if (a->aid == SA_SOURCE)
            check_source(v, i, 1);
        else
            check_value(v, i, (t->keys & SKEY_PRIMARY) != 0);
    }

    tmpl = schema_template(o->cls, &n);
    for (i = 0; i < n; i++) {
        size_t c = counts[tmpl[i].aid];

        if (c == 0 && tmpl[i].req == SR_MANDATORY)
            report(v, DIAG_ERROR, DIAG_OBJECT, "Mandatory attribute \"%s\" "
                   "is missing", schema_attr_name(tmpl[i].aid));
        else if (c > 1 && tmpl[i].card == SK_SINGLE &&
                 (v->as_given || (tmpl[i].aid != SA_CREATED &&
                                  tmpl[i].aid != SA_LAST_MODIFIED)))
            /* (supplied created:/last-modified: are all replaced by the
             * generated values, with a warning, as RIPE does) */
            report(v, DIAG_ERROR, DIAG_OBJECT, "Attribute \"%s\" appears "
                   "more than once", schema_attr_name(tmpl[i].aid));
    }

    if (o->cls == SC_FILTER_SET) {
        if (counts[SA_FILTER] > 0 && counts[SA_MP_FILTER] > 0)
            report(v, DIAG_ERROR, DIAG_OBJECT, "A filter-set object cannot "
                   "contain both filter and mp-filter attributes");
        else if (counts[SA_FILTER] == 0 && counts[SA_MP_FILTER] == 0)
            report(v, DIAG_ERROR, DIAG_OBJECT, "A filter-set object must "
                   "contain either filter or mp-filter attribute");
    } else if (o->cls == SC_PEERING_SET) {
        if (counts[SA_PEERING] == 0 && counts[SA_MP_PEERING] == 0)
            report(v, DIAG_ERROR, DIAG_OBJECT, "A peering-set object must "
                   "contain either peering or mp-peering attribute");
    }
}

/* Non-strict mode: the primary key attributes and source: only. */
static void validate_loose(struct vctx *v)
{
    rpsl_obj_t *o = v->o;
    const schema_tmpl_t *tmpl;
    size_t i, n;

    tmpl = schema_template(o->cls, &n);
    for (i = 0; i < n; i++) {
        int aid = tmpl[i].aid;
        long idx;

        if (!(tmpl[i].keys & SKEY_PRIMARY) && aid != SA_SOURCE)
            continue;
        idx = rpsl_obj_find_aid(o, aid, 0);
        if (idx < 0) {
            report(v, DIAG_ERROR, DIAG_OBJECT, "Mandatory attribute \"%s\" "
                   "is missing", schema_attr_name(aid));
            continue;
        }
        if (rpsl_obj_find_aid(o, aid, (size_t)idx + 1) >= 0)
            report(v, DIAG_ERROR, DIAG_OBJECT, "Attribute \"%s\" appears "
                   "more than once", schema_attr_name(aid));
        if (aid == SA_SOURCE) {
            check_source(v, (size_t)idx, 0);
        } else {
            sanitize_key(v, (size_t)idx);
            check_value(v, (size_t)idx, 1);
        }
    }
}

int schema_validate(rpsl_obj_t *o, enum schema_mode mode, const char *source,
                    diag_list_t *diags)
{
    struct vctx v;

    memset(&v, 0, sizeof v);
    v.o = o;
    v.diags = diags;
    v.source = source;
    v.synflags = (mode & SCHEMA_CREATE) ? SYNTAX_CREATE : 0;
    v.as_given = (mode & SCHEMA_AS_GIVEN) != 0;
    if (o->cls < 0 || o->cls >= SC__COUNT) {
        report(&v, DIAG_ERROR, DIAG_OBJECT, "Unknown object type");
        return v.nerrors;
    }
    if (mode & SCHEMA_NON_STRICT)
        validate_loose(&v);
    else
        validate_strict(&v);
    return v.nerrors;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

int schema_pkey(const rpsl_obj_t *o, buf_t *out)
{
    const schema_tmpl_t *tmpl;
    size_t i, n, start = out->len;

    tmpl = schema_template(o->cls, &n);
    if (tmpl == NULL)
        return ERR_SYNTAX;
    for (i = 0; i < n; i++) {
        long idx;

        if (!(tmpl[i].keys & SKEY_PRIMARY))
            continue;
        idx = rpsl_obj_find_aid(o, tmpl[i].aid, 0);
        if (idx < 0 || o->attrs[idx].value[0] == 0) {
            buf_truncate(out, start);
            return ERR_SYNTAX;
        }
        buf_puts(out, o->attrs[idx].value);
    }
    return 0;
}

/* 1 if @s ends with @suffix, ignoring case. */
static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

int schema_obj_range(const rpsl_obj_t *o, ip_range_t *r)
{
    int aid, af = 0, strict = 1, rc;
    const char *val;
    size_t len;
    long idx;

    switch (o->cls) {
    case SC_INETNUM:  aid = SA_INETNUM; break;
    case SC_INET6NUM: aid = SA_INET6NUM; af = 6; strict = 0; break;
    case SC_ROUTE:    aid = SA_ROUTE; af = 4; break;
    case SC_ROUTE6:   aid = SA_ROUTE6; af = 6; break;
    case SC_DOMAIN:   aid = SA_DOMAIN; break;
    default:
        return ERR_NOTFOUND;
    }
    idx = rpsl_obj_find_aid(o, aid, 0);
    if (idx < 0)
        return ERR_SYNTAX;
    val = o->attrs[idx].value;
    len = strlen(val);
    switch (o->cls) {
    case SC_INETNUM:
        rc = ip_parse_v4_range(val, len, r);
        break;
    case SC_DOMAIN:
        if (ends_with(val, len, "e164.arpa") ||
            ends_with(val, len, "e164.arpa."))
            return ERR_NOTFOUND;
        rc = ip_parse_reverse_domain(val, len, r);
        break;
    default:
        rc = ip_parse_prefix(val, len, af, strict, r, NULL);
        break;
    }
    return rc == 0 ? 0 : ERR_SYNTAX;
}

/* Arguments of one schema_each_key() walk. */
struct keywalk {
    int (*fn)(enum schema_keykind kind, int aid, const char *value,
              size_t len, void *arg);
    void *arg;
    int aid;
};

static int key_item(const char *item, size_t len, void *arg)
{
    struct keywalk *w = arg;

    return w->fn(SCHEMA_KEY_INVERSE, w->aid, item, len, w->arg);
}

/* Length of the first word of @s (up to white space or a char of @stop). */
static size_t first_word(const char *s, const char *stop)
{
    size_t n = 0;

    while (s[n] && s[n] != ' ' && s[n] != '\t' && strchr(stop, s[n]) == NULL)
        n++;
    return n;
}

/* Report the inverse keys of attribute @a. */
static int inverse_keys(const rpsl_attr_t *a, struct keywalk *w)
{
    const char *val = a->value;
    size_t n;

    if (val[0] == 0)
        return 0;
    w->aid = a->aid;
    if (schema_attr_flags(a->aid) & SAF_LIST)
        return rpsl_list_each(val, key_item, w);
    switch (a->aid) {
    case SA_MNT_ROUTES:
        n = first_word(val, "{");
        break;
    case SA_NSERVER:
    case SA_IFADDR:
        n = first_word(val, "");
        break;
    case SA_AUTH:
        if (strncasecmp(val, "PGPKEY-", 7) != 0 &&
            strncasecmp(val, "X509-", 5) != 0)
            return 0;
        n = first_word(val, "");
        break;
    default:
        n = strlen(val);
        break;
    }
    if (n == 0)
        return 0;
    return w->fn(SCHEMA_KEY_INVERSE, a->aid, val, n, w->arg);
}

int schema_each_key(const rpsl_obj_t *o,
                    int (*fn)(enum schema_keykind kind, int aid,
                              const char *value, size_t len, void *arg),
                    void *arg)
{
    struct keywalk w;
    size_t i;
    int rc;

    w.fn = fn;
    w.arg = arg;
    w.aid = -1;
    for (i = 0; i < o->nattrs; i++) {
        const rpsl_attr_t *a = &o->attrs[i];
        const schema_tmpl_t *t;

        if (a->aid < 0)
            continue;
        t = schema_tmpl_find(o->cls, a->aid);
        if (t == NULL)
            continue;
        if (t->keys & SKEY_INVERSE) {
            rc = inverse_keys(a, &w);
            if (rc)
                return rc;
        }
        if ((t->keys & SKEY_LOOKUP) && !(t->keys & SKEY_PRIMARY) &&
            a->value[0] != 0) {
            rc = fn(SCHEMA_KEY_LOOKUP, a->aid, a->value, strlen(a->value),
                    arg);
            if (rc)
                return rc;
        }
    }
    return 0;
}

void schema_obj_values(const rpsl_obj_t *o, int aid, strv_t *out)
{
    for (size_t i = 0; o && i < o->nattrs; i++) {
        if (o->attrs[i].aid != aid)
            continue;
        const char *v = o->attrs[i].value;
        if (aid == SA_MNT_ROUTES) {
            char *name = xstrndup(v, strcspn(v, " \t{"));
            strv_add_unique(out, name);
            free(name);
        } else {
            rpsl_list_collect(v, out);
        }
    }
}
