/*
 * dummify.c - the filter for NRTM streams and exports (see dummify.h).
 *
 * One object at a time: rpsl_parse() and schema_classify() give the
 * attributes and the class; the rules of dummify.h edit the parsed
 * object; rpsl_print() writes it back only when something changed.  A
 * screen before the parse (untouched()) lets an object the rules cannot
 * touch (a route, an as-set without contacts) go out as a copy, without
 * the parse: NRTM streams and exports of routing registries are mostly
 * such objects.  For a public mirror, an object the rules do edit but
 * that is in rpsl_print()'s form already (as the store keeps objects) is
 * edited line by line (rewrite()) to the bytes the parse and print give.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry/dummify.h"
#include "rpsl/rpsl.h"
#include "rpsl/schema.h"
#include "util/buf.h"
#include "util/strv.h"
#include "util/text.h"

/* What follows the dummy auth: value (RIPE's public files). */
#define AUTH_HIDDEN "   # Real value hidden for security"
/* The date of a dummy changed: line. */
#define CHANGED_DATE " 20000101"

/* RIPE's remarks on a dummified object. */
static const char *const modified_remarks[] = {
    "****************************",
    "* THIS OBJECT IS MODIFIED",
    "* Please note that all data that is generally regarded as personal",
    "* data has been removed from this object.",
    "* To view the original object, please query the RIPE Database at:",
    "* http://www.ripe.net/whois",
    "****************************",
};
#define NREMARKS (sizeof modified_remarks / sizeof *modified_remarks)

/* The remarks of a placeholder person or role (NRTM v1/v2). */
static const char *const placeholder_remarks[] = {
    "**********************************************************",
    "* This is a placeholder object to protect personal data.",
    "* To view the original object, please query the RIPE",
    "* Database at:",
    "* http://www.ripe.net/whois",
    "**********************************************************",
};

/* auth: schemes whose value is a secret. */
static const char *const secret_schemes[] = {
    "MD5-PW", "BCRYPT-PW", "CRYPT-PW", "SSO"
};

struct dummify {
    int on;                 /* nrtm_dummify */
    char *handle;           /* nrtm_dummy_handle */
    char *role_handle;      /* ROLE-<suffix of handle> */
    char *address;          /* nrtm_dummy_address (the key follows) */
    char *phone;            /* nrtm_dummy_phone */
    char *email;            /* nrtm_dummy_email */
    char *changed;          /* "<email> 20000101" */
    char *auth;             /* nrtm_dummy_auth + AUTH_HIDDEN */
    strv_t remark_sources;  /* nrtm_dummy_remarks_sources */
    struct dummify_screen {
        const char *name[16];   /* long attribute names (schema's) */
        size_t len[16];
        size_t n;
        uint32_t letters;       /* bit c - 'a': a name starts with c */
    } touched[2], classes;      /* touched[1]: public; [0]: trusted */
    /* rewrite(): the lines rpsl_print() writes for touched_aids[k] with
     * its dummy value (NULL: auth: and address:, left to the parser), and
     * for the seven remarks of rule 4 */
    char *dummy_line[16];
    buf_t remarks;
    size_t column;          /* where rpsl_print() starts a value */
};

/* The dummy value of attribute @aid (rule 3), or NULL if it keeps its
 * value.  @addr is the dummy address of this object. */
static const char *dummy_value(const dummify_t *d, int aid, const char *addr)
{
    switch (aid) {
    case SA_ADMIN_C: case SA_TECH_C: case SA_ZONE_C: case SA_AUTHOR:
    case SA_PING_HDL:
        return d->handle;
    case SA_ADDRESS:
        return addr;
    case SA_PHONE: case SA_FAX_NO:
        return d->phone;
    case SA_E_MAIL: case SA_UPD_TO:
        return d->email;
    case SA_CHANGED:
        return d->changed;
    case SA_AUTH:
        return d->auth;
    default:
        return NULL;
    }
}

/* The attributes rule 3 touches (a public mirror's copy); a trusted
 * mirror's copy only auth: (the first entry). */
static const int touched_aids[] = {
    SA_AUTH, SA_ADMIN_C, SA_TECH_C, SA_ZONE_C, SA_AUTHOR, SA_PING_HDL,
    SA_ADDRESS, SA_PHONE, SA_FAX_NO, SA_E_MAIL, SA_UPD_TO, SA_CHANGED
};
/* The classes rules 1 and 2 skip or reduce (a public mirror's copy). */
static const int class_aids[] = {
    SA_PERSON, SA_ROLE, SA_MNTNER, SA_ORGANISATION
};

/* Fill screen @s with the names of @aids. */
static void screen_add(struct dummify_screen *s, const int *aids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = schema_attr_name(aids[i]);
        s->name[s->n] = name;
        s->len[s->n] = strlen(name);
        s->letters |= 1u << (name[0] - 'a');
        s->n++;
    }
}

/* Whether the name [@p, @p + @n) (no '*' form) is one of @s's names,
 * ignoring case.  The first letter decides most lines: only names that
 * start like one of the screen's names are compared. */
static int screen_hit(const struct dummify_screen *s, const char *p, size_t n)
{
    unsigned c = (unsigned char)p[0] | 0x20;
    if (c < 'a' || c > 'z' || !(s->letters & (1u << (c - 'a'))))
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->len[i] != n)
            continue;
        size_t k = 0;
        while (k < n && s->name[i][k] == text_lower((unsigned char)p[k]))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

dummify_t *dummify_new(const conf_t *c, err_t *err)
{
    (void)err;
    dummify_t *d = xcalloc(1, sizeof *d);
    d->on = c->nrtm_dummify;
    d->handle = xstrdup(c->nrtm_dummy_handle);
    const char *dash = strchr(d->handle, '-');
    d->role_handle = xasprintf("ROLE-%s", dash ? dash + 1 : d->handle);
    d->address = xstrdup(c->nrtm_dummy_address);
    d->phone = xstrdup(c->nrtm_dummy_phone);
    d->email = xstrdup(c->nrtm_dummy_email);
    d->changed = xasprintf("%s%s", c->nrtm_dummy_email, CHANGED_DATE);
    d->auth = xasprintf("%s%s", c->nrtm_dummy_auth, AUTH_HIDDEN);
    strv_init(&d->remark_sources);
    for (size_t i = 0; i < c->nrtm_dummy_remarks_sources.n; i++)
        strv_add(&d->remark_sources, c->nrtm_dummy_remarks_sources.v[i]);
    screen_add(&d->touched[0], touched_aids, 1);
    screen_add(&d->touched[1], touched_aids,
               sizeof touched_aids / sizeof *touched_aids);
    screen_add(&d->classes, class_aids, sizeof class_aids / sizeof *class_aids);
    /* rewrite()'s lines, printed by rpsl_print() as the rules print them */
    rpsl_obj_t *o = rpsl_obj_new();
    for (size_t k = 0; k < sizeof touched_aids / sizeof *touched_aids; k++) {
        int aid = touched_aids[k];
        const char *v = aid == SA_AUTH || aid == SA_ADDRESS ? NULL
                                                            : dummy_value(d, aid, "");
        if (v == NULL)
            continue;
        buf_t line;
        buf_init(&line);
        size_t i = rpsl_obj_append(o, schema_attr_name(aid), v);
        rpsl_print_attr(&o->attrs[i], &line, RPSL_PRINT_DISPLAY);
        d->dummy_line[k] = xstrdup(line.s);
        d->column = strcspn(line.s, ":") + 1;
        d->column += strspn(line.s + d->column, " ");
        buf_free(&line);
    }
    rpsl_obj_free(o);
    o = rpsl_obj_new();
    for (size_t k = 0; k < NREMARKS; k++)
        rpsl_obj_append(o, "remarks", modified_remarks[k]);
    buf_init(&d->remarks);
    rpsl_print(o, &d->remarks, RPSL_PRINT_DISPLAY);
    rpsl_obj_free(o);
    return d;
}

void dummify_free(dummify_t *d)
{
    if (d == NULL)
        return;
    free(d->handle);
    free(d->role_handle);
    free(d->address);
    free(d->phone);
    free(d->email);
    free(d->changed);
    free(d->auth);
    strv_free(&d->remark_sources);
    for (size_t k = 0; k < sizeof d->dummy_line / sizeof *d->dummy_line; k++)
        free(d->dummy_line[k]);
    buf_free(&d->remarks);
    free(d);
}

/* The schema id of attribute @a: its aid, else its name with the blanks
 * before the ':' dropped ("auth " is auth:). */
static int attr_id(const rpsl_attr_t *a)
{
    if (a->aid >= 0)
        return a->aid;
    size_t n = strlen(a->name);
    size_t t = n;
    while (t > 0 && (a->name[t - 1] == ' ' || a->name[t - 1] == '\t'))
        t--;
    if (t == n || t == 0)
        return -1;
    char *name = xstrndup(a->name, t);
    int aid = schema_attr_by_name(name);
    free(name);
    return aid;
}

/* Whether an auth: value names a secret scheme (a password hash or an
 * SSO identity). */
static int secret_auth(const char *v)
{
    for (size_t i = 0; i < sizeof secret_schemes / sizeof *secret_schemes; i++) {
        size_t n = strlen(secret_schemes[i]);
        if (strncasecmp(v, secret_schemes[i], n) == 0 &&
            (v[n] == 0 || v[n] == ' ' || v[n] == '\t'))
            return 1;
    }
    return 0;
}

/* Whether attribute @i of @o is exactly @value on one line without a
 * comment (the dummy is there already). */
static int attr_is(const rpsl_obj_t *o, size_t i, const char *value)
{
    const rpsl_attr_t *a = &o->attrs[i];
    return a->nlines == 1 && a->lines[0].comment == NULL &&
           strcmp(a->lines[0].text, value) == 0;
}

/* The dummy auth: line, as rpsl_obj_set_value() keeps it: the text of
 * the line is the value and the "# ..." after it (no comment of its own). */
static int auth_is_dummy(const dummify_t *d, const rpsl_obj_t *o, size_t i)
{
    return attr_is(o, i, d->auth);
}

/* Replace attribute @i by @value (or leave it when it is that already).
 * @return 1 if changed. */
static int set_attr(rpsl_obj_t *o, size_t i, const char *value)
{
    if (attr_is(o, i, value))
        return 0;
    rpsl_obj_set_value(o, i, value);
    return 1;
}

/* Rule 2: whether attribute @aid stays in a reduced mntner or
 * organisation. */
static int kept_reduced(int cls, int aid)
{
    if (aid == SA_CREATED || aid == SA_LAST_MODIFIED)
        return 1;
    if (cls == SC_ORGANISATION &&
        (aid == SA_ABUSE_C || aid == SA_COUNTRY))
        return 1;
    const schema_tmpl_t *t = aid >= 0 ? schema_tmpl_find(cls, aid) : NULL;
    return t != NULL && t->req == SR_MANDATORY;
}

/* Unfiltered: the first secret auth: becomes the dummy, the others go.
 * @return 1 if @o changed. */
static int hide_secrets(const dummify_t *d, rpsl_obj_t *o, const int *ids)
{
    int changed = 0, seen = 0;
    for (size_t i = 0, j = 0; i < o->nattrs; j++) {
        if (ids[j] != SA_AUTH ||
            !(secret_auth(o->attrs[i].value) || auth_is_dummy(d, o, i))) {
            i++;
            continue;
        }
        if (seen) {
            rpsl_obj_remove(o, i);
            changed = 1;
            continue;
        }
        seen = 1;
        changed |= set_attr(o, i, d->auth);
        i++;
    }
    return changed;
}

/* Whether @o ends with the seven remarks already. */
static int has_remarks(const rpsl_obj_t *o)
{
    if (o->nattrs < NREMARKS)
        return 0;
    size_t base = o->nattrs - NREMARKS;
    for (size_t k = 0; k < NREMARKS; k++) {
        const rpsl_attr_t *a = &o->attrs[base + k];
        if (strcmp(a->name, "remarks") != 0 ||
            strcmp(a->value, modified_remarks[k]) != 0)
            return 0;
    }
    return 1;
}

/* Rules 2 to 4 on a public mirror's copy.  @return 1 if @o changed. */
static int dummify_rules(const dummify_t *d, rpsl_obj_t *o, int *ids)
{
    int changed = 0;
    unsigned char seen[SA__COUNT];
    memset(seen, 0, sizeof seen);

    buf_t key, addr;
    buf_init(&key);
    buf_init(&addr);
    if (o->cls < 0 || schema_pkey(o, &key) != 0) {
        buf_reset(&key);
        buf_puts(&key, o->attrs[0].value);
    }
    buf_printf(&addr, "%s %s", d->address, key.s);

    for (size_t i = 0, j = 0; i < o->nattrs; j++) {
        int aid = ids[j];
        if ((o->cls == SC_MNTNER || o->cls == SC_ORGANISATION) &&
            !kept_reduced(o->cls, aid)) {
            rpsl_obj_remove(o, i);
            changed = 1;
            continue;
        }
        const char *dv = aid >= 0 ? dummy_value(d, aid, addr.s) : NULL;
        if (dv == NULL) {
            i++;
            continue;
        }
        if (seen[aid]) {
            rpsl_obj_remove(o, i);
            changed = 1;
            continue;
        }
        seen[aid] = 1;
        changed |= set_attr(o, i, dv);
        i++;
    }
    buf_free(&key);
    buf_free(&addr);

    if (changed && !has_remarks(o)) {
        const char *src = rpsl_obj_get(o, "source");
        if (src != NULL && strv_find(&d->remark_sources, src) >= 0)
            for (size_t k = 0; k < NREMARKS; k++)
                rpsl_obj_append(o, "remarks", modified_remarks[k]);
    }
    return changed;
}

/*
 * The screen before the parser: whether @text certainly leaves as it
 * came, so that most objects cost no parse.  It decides nothing itself:
 * every line must be an attribute line (rpsl_is_attr_line(), the
 * parser's own test) or a continuation line, without CR or NUL; no
 * attribute may be named in the short "*xx" form (any such line goes to
 * the parser), nor by the long name of an attribute the rules touch
 * (d->touched[filter]: case-insensitive, blanks before the ':' are not
 * part of the name, as attr_id() drops them); for a public mirror the
 * first may not name a class the rules skip or reduce (d->classes).
 * schema_attr_by_name() knows each attribute by its long name and its
 * "*xx" form only, so a name the screen passes is no touched attribute
 * for the rules either.  For a trusted mirror only the first line and
 * the lines that start with 'a', 'A' or '*' (where an auth: attribute
 * can be) are looked at: what else a line holds cannot make the rules
 * change the object, which then leaves as it came either way.  Whatever else (an odd line, a touched or short
 * attribute) sends the object to the parser and the rules, which decide.
 */
static int untouched(const dummify_t *d, const char *text, size_t len,
                     int filter)
{
    const char *p = text, *end = text + len;
    const struct dummify_screen *touch = &d->touched[filter != 0];

    if (len == 0 || memchr(text, '\r', len) != NULL ||
        memchr(text, '\0', len) != NULL)
        return 0;
    for (int first = 1; p < end; first = 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (*p == ' ' || *p == '\t' || *p == '+') {
            if (first)
                return 0;
        } else if (!filter && !first && text_lower((unsigned char)*p) != 'a' &&
                   *p != '*') {
            /* a trusted mirror's copy: only auth: lines matter, and the
             * parser takes no line for an attribute whose name does not
             * start the line (the rest are continuations, or dropped as
             * no attribute with the text copied as it came all the same) */
        } else {
            if (le == p || *p == '*' ||
                !rpsl_is_attr_line(p, (size_t)(le - p)))
                return 0;
            /* an attribute line: name characters, blanks, ':' */
            size_t n = 0;
            while (p[n] != ':' && p[n] != ' ' && p[n] != '\t')
                n++;
            if (screen_hit(touch, p, n))
                return 0;
            if (first && filter && screen_hit(&d->classes, p, n))
                return 0;
        }
        p = nl ? nl + 1 : end;
    }
    return 1;
}

/* Rule 1 without the parse for a person: whether the first line of
 * @text is an attribute line (rpsl_is_attr_line()) named person: in any
 * case, blanks before the ':' aside; parse_obj() classifies such a text
 * as a person too.  Anything else (the "*pn" form, a role) is left to the
 * parser. */
static int is_person(const char *text, size_t len)
{
    const char *nl = memchr(text, '\n', len);
    size_t n = nl ? (size_t)(nl - text) : len;
    const char *person = schema_attr_name(SA_PERSON);
    if (n == 0 || memchr(text, '\0', n) != NULL ||
        !rpsl_is_attr_line(text, n))
        return 0;
    size_t k = 0;
    while (text[k] != ':' && text[k] != ' ' && text[k] != '\t') {
        if (person[k] == 0 || person[k] != text_lower((unsigned char)text[k]))
            return 0;
        k++;
    }
    return person[k] == 0;
}

/*
 * Rule 3 without the parser, for the commonest objects a public mirror
 * gets edited (an inetnum or aut-num with admin-c: and tech-c:): when
 * every line of @text is exactly as rpsl_print() would print the parsed
 * attribute, the printed object is the text itself with the touched
 * lines replaced or dropped, so it is written line by line.  That holds
 * when each line is one attribute on one line (no continuation), its
 * name lower case and right before the ':', its value after exactly the
 * blanks rpsl_print() puts there, without a blank at its end, a run of
 * blanks, a tab, a '#', a control character or a 0xc2 byte (which
 * parse_obj() would fold, split off as a comment or replace).  The class
 * must be one the schema knows and neither skipped nor reduced (rules 1
 * and 2), and no auth: or address: (whose values the parser and the
 * primary key decide) may be there.  Anything else: @return 0 with @out
 * as it was, and the parser and the rules decide.  @return 1 when the
 * object was written to @out.
 */
static int rewrite(const dummify_t *d, const char *text, size_t len,
                   buf_t *out)
{
    const char *p = text, *end = text + len;
    const char *source = NULL, *source_end = NULL;
    const struct dummify_screen *touch = &d->touched[1];
    size_t start = out->len;
    unsigned seen = 0;
    int changed = 0;

    for (int first = 1; p < end; first = 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        if (q == le || *q < 'a' || *q > 'z')
            goto bail;
        while (q < le && ((*q >= 'a' && *q <= 'z') ||
                          (*q >= '0' && *q <= '9') || *q == '-' || *q == '_'))
            q++;
        if (q == le || *q != ':')
            goto bail;
        size_t n = (size_t)(q - p);
        size_t pad = n + 1 < d->column ? d->column - n - 1 : 1;
        if ((size_t)(le - q - 1) <= pad)
            goto bail;          /* no value after the blanks */
        const char *v = q + 1 + pad;
        if (*v == ' ')
            goto bail;
        for (const char *b = q + 1; b < v; b++)
            if (*b != ' ')
                goto bail;
        if (le[-1] == ' ')
            goto bail;
        for (const char *c = v; c < le; c++) {
            unsigned char ch = (unsigned char)*c;
            if (ch < 0x20 || ch == 0x7f || ch == 0xc2 || ch == '#' ||
                (ch == ' ' && c[1] == ' '))
                goto bail;
        }
        if (first) {
            char name[64];
            if (n >= sizeof name || screen_hit(&d->classes, p, n))
                goto bail;
            memcpy(name, p, n);
            name[n] = 0;
            if (schema_class_by_name(name) < 0)
                goto bail;
        }
        if (source == NULL && n == 6 && memcmp(p, "source", 6) == 0) {
            source = v;
            source_end = le;
        }
        size_t k = 0;
        if (screen_hit(touch, p, n)) {
            for (k = 0; k < touch->n; k++)
                if (touch->len[k] == n && memcmp(touch->name[k], p, n) == 0)
                    break;
            if (k == touch->n || d->dummy_line[k] == NULL)
                goto bail;
            if (seen & (1u << k)) {
                changed = 1;            /* a further one goes */
            } else {
                seen |= 1u << k;
                const char *dl = d->dummy_line[k];
                size_t dn = strlen(dl);
                if (dn != (size_t)(le - p) + 1 ||
                    memcmp(dl, p, (size_t)(le - p)) != 0)
                    changed = 1;
                buf_put(out, dl, dn);
            }
        } else {
            buf_put(out, p, (size_t)(le - p));
            buf_putc(out, '\n');
        }
        p = nl ? nl + 1 : end;
    }
    if (changed) {
        /* rule 4, as dummify_rules() and has_remarks() decide it */
        size_t rl = d->remarks.len, ol = out->len - start;
        int has = ol >= rl &&
                  memcmp(out->s + out->len - rl, d->remarks.s, rl) == 0 &&
                  (ol == rl || out->s[out->len - rl - 1] == '\n');
        if (!has && source != NULL) {
            char *src = xstrndup(source, (size_t)(source_end - source));
            if (strv_find(&d->remark_sources, src) >= 0)
                buf_put(out, d->remarks.s, d->remarks.len);
            free(src);
        }
    }
    return 1;
bail:
    buf_truncate(out, start);
    return 0;
}

/* Parse @text into a classified (where the class is known) object; a
 * class attribute named with blanks before its ':' counts. */
static int parse_obj(const char *text, size_t len, rpsl_obj_t **out,
                     err_t *err)
{
    *out = NULL;
    if (rpsl_parse(text, len, 1, 0, out, NULL) != 0 || *out == NULL ||
        (*out)->nattrs == 0) {
        rpsl_obj_free(*out);
        *out = NULL;
        return err_set(err, ERR_SYNTAX, "not an RPSL object");
    }
    rpsl_obj_t *o = *out;
    (void) schema_classify(o, NULL);
    if (o->cls < 0) {
        /* "person :" (blanks before the ':') is a person too: the class
         * by the name attr_id() sees, or a person would leave unfiltered
         * as an object of an unknown class */
        int aid = attr_id(&o->attrs[0]);
        if (aid >= 0)
            o->cls = schema_class_by_name(schema_attr_name(aid));
    }
    return 0;
}

/* Append @text as it came, ending in a line end. */
static void copy_text(const char *text, size_t len, buf_t *out)
{
    buf_put(out, text, len);
    if (len == 0 || text[len - 1] != '\n')
        buf_putc(out, '\n');
}

int dummify_obj(const dummify_t *d, const char *text, size_t len,
                int unfiltered, buf_t *out, err_t *err)
{
    int filter = d->on && !unfiltered;
    if (untouched(d, text, len, filter)) {
        copy_text(text, len, out);
        return DUMMIFY_KEEP;
    }
    if (filter && is_person(text, len))
        return DUMMIFY_SKIP;
    if (filter && rewrite(d, text, len, out))
        return DUMMIFY_KEEP;

    rpsl_obj_t *o;
    int rc = parse_obj(text, len, &o, err);
    if (rc)
        return rc;
    if (filter && (o->cls == SC_PERSON ||
                   (o->cls == SC_ROLE &&
                    rpsl_obj_find_aid(o, SA_ABUSE_MAILBOX, 0) < 0))) {
        rpsl_obj_free(o);
        return DUMMIFY_SKIP;
    }

    /* the ids of the attributes, as they stand before any edit (the
     * rules walk them in step with the attributes they remove) */
    int *ids = xmalloc(o->nattrs * sizeof *ids);
    for (size_t i = 0; i < o->nattrs; i++)
        ids[i] = attr_id(&o->attrs[i]);

    int changed = filter ? dummify_rules(d, o, ids) : hide_secrets(d, o, ids);
    free(ids);

    if (changed)
        rpsl_print(o, out, RPSL_PRINT_DISPLAY);
    else
        copy_text(text, len, out);
    rpsl_obj_free(o);
    return DUMMIFY_KEEP;
}

int dummify_placeholder(const dummify_t *d, const char *text, size_t len,
                        buf_t *out, err_t *err)
{
    rpsl_obj_t *o;
    int rc = parse_obj(text, len, &o, err);
    if (rc)
        return rc;
    int cls = o->cls;
    const char *src = rpsl_obj_get(o, "source");
    char *source = xstrdup(src ? src : "");
    rpsl_obj_free(o);
    if (cls != SC_PERSON && cls != SC_ROLE) {
        free(source);
        return err_set(err, ERR_USAGE, "not a person or role object");
    }

    rpsl_obj_t *p = rpsl_obj_new();
    const char *handle = cls == SC_PERSON ? d->handle : d->role_handle;
    rpsl_obj_append(p, cls == SC_PERSON ? "person" : "role",
                    cls == SC_PERSON ? "Placeholder Person Object"
                                     : "Placeholder Role Object");
    char *addr = xasprintf("%s %s", d->address, handle);
    rpsl_obj_append(p, "address", addr);
    free(addr);
    rpsl_obj_append(p, "phone", d->phone);
    if (cls == SC_ROLE) {
        rpsl_obj_append(p, "e-mail", d->email);
        rpsl_obj_append(p, "admin-c", d->handle);
        rpsl_obj_append(p, "tech-c", d->handle);
    }
    rpsl_obj_append(p, "nic-hdl", handle);
    for (size_t k = 0; k < sizeof placeholder_remarks / sizeof *placeholder_remarks; k++)
        rpsl_obj_append(p, "remarks", placeholder_remarks[k]);
    rpsl_obj_append(p, "source", source);
    rpsl_print(p, out, RPSL_PRINT_DISPLAY);
    rpsl_obj_free(p);
    free(source);
    return 0;
}
