/*
 * report.c - the acknowledgement text (see report.h).
 *
 * The layout follows RIPE's ack (RIPE's whois templates ack.vm and
 * ResponseFactory; messages.txt sections 1 and 2), because users'
 * scripts parse it:
 *
 *   quoted request headers          ">  From:       ..."
 *   SUMMARY OF UPDATE               values in column 44
 *   DETAILED EXPLANATION            global warnings, then global errors
 *   ~~~ failed objects              "---", "Create FAILED: key", blank,
 *                                   the object with attribute messages,
 *                                   blank, object messages + blank each
 *   ~~~ successful objects          "---", "Create SUCCEEDED: key",
 *                                   attribute messages, blank, object
 *                                   messages + blank each, blank
 *   ~~~ paragraphs NOT PROCESSED    verbatim, blank after each
 *   ~~~ footer                      source, version, host, time
 *
 * Every section ends with one blank line before the next '~' line.  This
 * module only formats; it reads nothing but the report it is given.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "registry/origin.h"
#include "registry/report.h"
#include "util/textdiff.h"
#include "util/timefmt.h"

/* The width of the message prefix ("***Warning: ") and the longest line. */
#define MSG_INDENT  12
#define MSG_WIDTH   79
/* Column (0-based) where the summary values start (column 44). */
#define SUMMARY_COL 43
/* Column (0-based) where the summary's per-operation counts start. */
#define COUNT_COL   18
/* The section separator: 52 '~'. */
#define TILDE_LEN   52

static const char *source_name(const report_opts_t *opts)
{
    return opts && opts->source && *opts->source ? opts->source : "RPSL";
}

void report_tilde_line(buf_t *out)
{
    buf_pad(out, '~', TILDE_LEN);
    buf_putc(out, '\n');
}

/* Remove trailing blanks from @out, never cutting before @line_start. */
static void trim_trailing(buf_t *out, size_t line_start)
{
    size_t n = out->len;
    while (n > line_start && (out->s[n - 1] == ' ' || out->s[n - 1] == '\t'))
        n--;
    buf_truncate(out, n);
}

/* One quoted header line, label padded to 12 columns. */
static void quote_header(buf_t *out, const char *label, const char *value)
{
    if (value == NULL)
        return;
    size_t start = out->len;
    buf_puts(out, ">  ");
    buf_puts(out, label);
    buf_pad(out, ' ', strlen(label) < MSG_INDENT ? MSG_INDENT - strlen(label) : 1);
    /* Header values are single lines; fold any line break to a space. */
    for (const char *p = value; *p; p++)
        buf_putc(out, (*p == '\r' || *p == '\n') ? ' ' : *p);
    trim_trailing(out, start);
    buf_putc(out, '\n');
}

/* The origin: a mail's quoted header block, or an HTTP request's
 * From-Host and Date/Time lines (origin.h); a blank line after it when
 * anything was written. */
static void quote_origin(const origin_t *o, const report_opts_t *opts, buf_t *out)
{
    if (o == NULL)
        return;
    if (o->kind == ORIGIN_HTTP) {
        origin_http_lines(o, opts ? opts->now : 0, out);
        buf_putc(out, '\n');
        return;
    }
    size_t before = out->len;
    quote_header(out, "From:", o->from);
    quote_header(out, "Subject:", o->subject);
    quote_header(out, "Date:", o->date);
    quote_header(out, "Reply-To:", o->reply_to);
    quote_header(out, "Message-ID:", o->message_id);
    if (out->len > before)
        buf_putc(out, '\n');
}

static void summary_line(buf_t *out, const char *label, unsigned n, size_t col)
{
    size_t l = strlen(label);
    buf_puts(out, label);
    buf_pad(out, ' ', l < col ? col - l : 1);
    buf_printf(out, "%u\n", n);
}

static void summary(const proc_report_t *r, buf_t *out)
{
    proc_counts_t c;
    proc_count(r, &c);
    buf_puts(out, "SUMMARY OF UPDATE:\n\n");
    summary_line(out, "Number of objects found:", c.found, SUMMARY_COL);
    summary_line(out, "Number of objects processed successfully:", c.ok, SUMMARY_COL);
    summary_line(out, "  Create:", c.ok_create, COUNT_COL);
    summary_line(out, "  Modify:", c.ok_modify, COUNT_COL);
    summary_line(out, "  Delete:", c.ok_delete, COUNT_COL);
    summary_line(out, "  No Operation:", c.ok_noop, COUNT_COL);
    summary_line(out, "Number of objects processed with errors:", c.failed, SUMMARY_COL);
    summary_line(out, "  Create:", c.fail_create, COUNT_COL);
    summary_line(out, "  Modify:", c.fail_modify, COUNT_COL);
    summary_line(out, "  Delete:", c.fail_delete, COUNT_COL);
    buf_putc(out, '\n');
}

static const char *action_word(enum proc_op op)
{
    switch (op) {
    case PROC_MODIFY:
        return "Modify";
    case PROC_DELETE:
        return "Delete";
    case PROC_NOOP:
        return "Modify";    /* a failed "noop" was a modify attempt */
    case PROC_CREATE:
    default:
        return "Create";
    }
}

/* Does diagnostic @d belong to an attribute of @x's submitted object
 * (else: object level)? */
static int attr_level(const diag_t *d, const proc_result_t *x)
{
    size_t n = x->submitted ? x->submitted->nattrs : x->submitted_nattrs;
    return d->attr >= 0 && (size_t)d->attr < n;
}

/* Object-level messages of @x, each followed by a blank line. */
static void object_messages(const proc_result_t *x, buf_t *out)
{
    for (size_t i = 0; i < x->diags.n; i++) {
        const diag_t *d = &x->diags.v[i];
        if (attr_level(d, x))
            continue;
        report_message(d->sev, d->text, out);
        buf_putc(out, '\n');
    }
}

static void failed_object(const proc_result_t *x, buf_t *out)
{
    buf_puts(out, "---\n");
    buf_printf(out, "%s FAILED: %s\n\n", action_word(x->op), x->key ? x->key : "");
    const rpsl_obj_t *o = x->submitted;
    if (o != NULL) {
        for (size_t a = 0; a < o->nattrs; a++) {
            rpsl_print_attr(&o->attrs[a], out,
                            RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
            for (size_t i = 0; i < x->diags.n; i++) {
                const diag_t *d = &x->diags.v[i];
                if (d->attr >= 0 && (size_t)d->attr == a)
                    report_message(d->sev, d->text, out);
            }
        }
    }
    buf_putc(out, '\n');
    object_messages(x, out);
}

static void ok_object(const proc_result_t *x, int dry_run, buf_t *out)
{
    buf_puts(out, "---\n");
    if (x->op == PROC_NOOP)
        buf_printf(out, "No operation: %s\n", x->key ? x->key : "");
    else
        buf_printf(out, "%s SUCCEEDED: %s\n", action_word(x->op), x->key ? x->key : "");
    for (size_t i = 0; i < x->diags.n; i++) {
        const diag_t *d = &x->diags.v[i];
        if (attr_level(d, x))
            report_message(d->sev, d->text, out);
    }
    buf_putc(out, '\n');
    object_messages(x, out);
    /* A dry-run modify shows what would have changed. */
    if (dry_run && x->op == PROC_MODIFY && x->old != NULL
        && (x->stored != NULL || x->submitted != NULL)) {
        buf_t a, b;
        buf_init(&a);
        buf_init(&b);
        rpsl_print(x->old, &a, RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
        rpsl_print(x->stored ? x->stored : x->submitted, &b,
                   RPSL_PRINT_DISPLAY | RPSL_PRINT_FILTER_AUTH);
        textdiff_unified(a.s, b.s, out);
        buf_putc(out, '\n');
        buf_free(&a);
        buf_free(&b);
    }
    buf_putc(out, '\n');
}

static void global_messages(const diag_list_t *g, buf_t *out)
{
    static const enum diag_sev order[] = { DIAG_WARNING, DIAG_ERROR };
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        for (size_t i = 0; i < g->n; i++)
            if (g->v[i].sev == order[k])
                report_message(g->v[i].sev, g->v[i].text, out);
}

/* A paragraph verbatim, ending in exactly one newline, then a blank line. */
static void paragraph(const char *text, buf_t *out)
{
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    buf_put(out, text, n);
    buf_puts(out, "\n\n");
}

static void footer(const report_opts_t *opts, const char *kind, buf_t *out)
{
    const char *src = source_name(opts);
    report_tilde_line(out);
    buf_putc(out, '\n');
    buf_printf(out, "This answer comes from the update robot of the %s database.\n", src);
    buf_printf(out, "For assistance or clarification please contact the %s database\n"
                    "administration.\n\n", src);
    buf_printf(out, "Generated by autodbm version %s on %s\n",
               opts && opts->version ? opts->version : "unknown",
               opts && opts->host ? opts->host : "localhost");
    char when[TIMEFMT_ISO8601_SIZE];
    timefmt_iso8601(opts ? opts->now : 0, when);
    buf_printf(out, "Handled %s (%s, %s)\n", kind, src, when);
}

void report_ack(const origin_t *o, const proc_report_t *r,
                const report_opts_t *opts, buf_t *out)
{
    static const proc_report_t empty;
    if (r == NULL)
        r = &empty;
    quote_origin(o, opts, out);
    summary(r, out);

    buf_puts(out, "DETAILED EXPLANATION:\n\n");
    global_messages(&r->global, out);
    buf_putc(out, '\n');

    size_t nfailed = 0, nok = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->v[i].ok)
            nok++;
        else
            nfailed++;
    }
    if (nfailed > 0) {
        report_tilde_line(out);
        buf_puts(out, "The following object(s) were found to have ERRORS:\n\n");
        for (size_t i = 0; i < r->n; i++)
            if (!r->v[i].ok)
                failed_object(&r->v[i], out);
        buf_putc(out, '\n');
    }
    if (nok > 0) {
        report_tilde_line(out);
        buf_puts(out, "The following object(s) were processed SUCCESSFULLY:\n\n");
        for (size_t i = 0; i < r->n; i++)
            if (r->v[i].ok)
                ok_object(&r->v[i], r->dry_run, out);
        buf_putc(out, '\n');
    }
    if (r->not_objects.n > 0) {
        report_tilde_line(out);
        buf_puts(out, "The following paragraph(s) do not look like objects\n"
                      "and were NOT PROCESSED:\n\n");
        for (size_t i = 0; i < r->not_objects.n; i++)
            paragraph(r->not_objects.v[i], out);
    }
    footer(opts, o && o->kind == ORIGIN_HTTP ? "sync update" : "email update", out);
}

/* "SUCCESS: <subject>" or "FAILED: <subject>", line breaks blanked. */
static char *outcome_subject(int success, const char *orig_subject)
{
    buf_t b;
    buf_init(&b);
    buf_puts(&b, success ? "SUCCESS: " : "FAILED: ");
    if (orig_subject != NULL)
        for (const char *p = orig_subject; *p; p++)
            buf_putc(&b, (*p == '\r' || *p == '\n') ? ' ' : *p);
    return buf_steal(&b);
}

char *report_subject(const proc_report_t *r, const char *orig_subject)
{
    int success = r != NULL && r->n > 0;
    for (size_t i = 0; success && i < r->n; i++)
        if (!r->v[i].ok)
            success = 0;
    return outcome_subject(success, orig_subject);
}

char *report_help_subject(const char *orig_subject)
{
    return outcome_subject(1, orig_subject);
}

void report_help(const origin_t *o, const report_opts_t *opts,
                 buf_t *out)
{
    const char *src = source_name(opts);
    quote_origin(o, opts, out);
    buf_printf(out,
        "You have requested Help information from the %s Database,\n"
        "therefore the body of your message has been ignored.\n"
        "\n"
        "HOW TO UPDATE THE %s DATABASE\n"
        "\n"
        "Send the objects you want to create, change or delete in the body\n"
        "of a plain text mail to this address.  Put a blank line between\n"
        "two objects.  Every object is handled on its own: one that fails\n"
        "does not stop the others.  You get one answer listing what\n"
        "happened to each object, and the people listed in the notify:,\n"
        "mnt-nfy: and upd-to: attributes concerned are told about it.\n"
        "\n"
        "Creating and changing\n"
        "\n"
        "  Send the complete object, with every attribute it should have\n"
        "  after the update.  If an object with the same primary key\n"
        "  exists, it is replaced; otherwise it is created.  Objects must\n"
        "  end with \"source: %s\".  Attributes the database generates\n"
        "  (created:, last-modified:) may be left out.\n"
        "\n"
        "Authorisation\n"
        "\n"
        "  Objects are protected by the maintainers (mntner objects) named\n"
        "  in their mnt-by: attributes.  Prove you are one of them with a\n"
        "  PGP signature from a key in a key-cert object the maintainer\n"
        "  lists, or with a line\n"
        "\n"
        "      password: <your password>\n"
        "\n"
        "  anywhere in the mail.  Passwords are removed before anything is\n"
        "  processed; they are never stored or repeated in any answer.\n"
        "\n"
        "Deleting\n"
        "\n"
        "  Send the object exactly as it is in the database, with one\n"
        "  extra line\n"
        "\n"
        "      delete: <why you delete it>\n"
        "\n"
        "  An object that other objects refer to cannot be deleted.\n"
        "\n"
        "Keywords (the whole Subject: line)\n"
        "\n"
        "  NEW     only create objects; an object that exists already\n"
        "          is reported as an error instead of being changed\n"
        "  HELP    send this text (HOWTO does the same)\n"
        "\n"
        "Trying an update without changing anything\n"
        "\n"
        "  Add a line\n"
        "\n"
        "      dry-run:\n"
        "\n"
        "  to the mail.  Every object is checked as usual and the answer\n"
        "  says what would have happened, but nothing is changed and no\n"
        "  notification is sent.\n"
        "\n"
        "New person and role objects may use AUTO-1, AUTO-2 ... as nic-hdl;\n"
        "new organisation objects must use one as their key.  The database\n"
        "chooses the handle, and other objects in the same mail may refer\n"
        "to it by the same AUTO- name.\n"
        "\n", src, src, src);
    footer(opts, o && o->kind == ORIGIN_HTTP ? "sync update" : "email help request", out);
}

/* Length of the longest prefix of @s (at most @n bytes) that fits in
 * @width columns and ends at a word boundary; a single word longer than
 * @width is cut at @width. */
static size_t fit(const char *s, size_t n, size_t width)
{
    if (n <= width)
        return n;
    size_t cut = 0;
    for (size_t i = 1; i <= width; i++)
        if (s[i] == ' ' && s[i - 1] != ' ')
            cut = i;
    return cut > 0 ? cut : width;
}

void report_message(enum diag_sev sev, const char *text, buf_t *out)
{
    const size_t width = MSG_WIDTH - MSG_INDENT;
    size_t start = out->len;
    buf_printf(out, "***%s:", diag_sev_name(sev));
    buf_pad(out, ' ', out->len - start < MSG_INDENT ? MSG_INDENT - (out->len - start) : 1);
    if (text == NULL)
        text = "";

    int first = 1;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        /* Strip a CR before the line end and trailing blanks. */
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        const char *q = p;
        size_t left = n;
        do {
            size_t line_start = out->len;
            if (first)
                line_start = start;
            else
                buf_pad(out, ' ', MSG_INDENT);
            first = 0;
            size_t k = fit(q, left, width);
            buf_put(out, q, k);
            /* No trailing blanks; an empty line stays empty. */
            trim_trailing(out, line_start);
            buf_putc(out, '\n');
            q += k;
            left -= k;
            while (left > 0 && *q == ' ') {
                q++;
                left--;
            }
        } while (left > 0);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
}
