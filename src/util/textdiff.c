/*
 * textdiff.c - a unified line diff (see util/textdiff.h).
 *
 * Myers' O((N+M)D) line diff with the common head and tail trimmed
 * first; if the middle is so different that the trace of the search
 * would grow too large, it falls back to "delete all, add all" for the
 * middle, which is still a correct (if not minimal) diff.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/textdiff.h"

struct line {
    const char *s;
    size_t n;
};

/* One step of the edit script; ai/bi are the line indexes in a and b at
 * this step (for '+' ai is the next line of a, for '-' bi that of b). */
struct edit {
    char op;                /* '=', '-', '+' */
    size_t ai, bi;
};

struct script {
    struct edit *v;
    size_t n, cap;
};

/* Give up the minimal search beyond this many differences (the trace
 * needs (D+1)^2 integers). */
#define DIFF_MAX_D 2000
#define DIFF_CONTEXT 1

static void split_lines(const char *text, struct line **out, size_t *n)
{
    size_t cap = 16, cnt = 0;
    struct line *v = xmalloc(cap * sizeof *v);
    const char *p = text ? text : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (cnt == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[cnt].s = p;
        v[cnt].n = len;
        cnt++;
        p += len + (nl ? 1 : 0);
    }
    *out = v;
    *n = cnt;
}

static int line_eq(const struct line *a, const struct line *b)
{
    return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

static void script_push(struct script *s, char op, size_t ai, size_t bi)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n].op = op;
    s->v[s->n].ai = ai;
    s->v[s->n].bi = bi;
    s->n++;
}

/*
 * Myers' greedy search over a[0..n) and b[0..m) (offset by @ao/@bo in
 * the whole texts).  Appends the edit script to @s in order.  Returns 0,
 * or -1 when more than DIFF_MAX_D differences would be needed.
 */
static int myers(const struct line *a, size_t n, const struct line *b, size_t m,
                 size_t ao, size_t bo, struct script *s)
{
    long N = (long)n, M = (long)m, max = N + M;
    long dlim = max < DIFF_MAX_D ? max : DIFF_MAX_D;
    long *V = xcalloc((size_t)(2 * max + 3), sizeof *V);
    long off = max + 1;
    long **trace = xcalloc((size_t)dlim + 1, sizeof *trace);
    long D = -1;

    for (long d = 0; d <= dlim && D < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (k == -d || (k != d && V[off + k - 1] < V[off + k + 1]))
                x = V[off + k + 1];
            else
                x = V[off + k - 1] + 1;
            long y = x - k;
            while (x < N && y < M && line_eq(&a[x], &b[y])) {
                x++;
                y++;
            }
            V[off + k] = x;
            if (x >= N && y >= M)
                D = d;
        }
        trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof **trace);
        for (long k = -d; k <= d; k++)
            trace[d][k + d] = V[off + k];
    }
    free(V);
    if (D < 0) {
        for (long d = 0; d <= dlim; d++)
            free(trace[d]);
        free(trace);
        return -1;
    }

    /* Walk back from (N, M), collecting the script in reverse. */
    struct script rev = { NULL, 0, 0 };
    long x = N, y = M;
    for (long d = D; d > 0; d--) {
        long k = x - y;
        const long *pv = trace[d - 1];  /* k in -(d-1)..(d-1) at pv[k+d-1] */
        long pk;
        if (k == -d || (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
            pk = k + 1;
        else
            pk = k - 1;
        long px = pv[pk + d - 1], py = px - pk;
        long mx = pk == k + 1 ? px : px + 1;   /* where the snake starts */
        while (x > mx) {
            x--;
            y--;
            script_push(&rev, '=', ao + (size_t)x, bo + (size_t)y);
        }
        if (pk == k + 1)
            script_push(&rev, '+', ao + (size_t)px, bo + (size_t)py);
        else
            script_push(&rev, '-', ao + (size_t)px, bo + (size_t)py);
        x = px;
        y = py;
    }
    while (x > 0 && y > 0) {
        x--;
        y--;
        script_push(&rev, '=', ao + (size_t)x, bo + (size_t)y);
    }
    for (size_t i = rev.n; i > 0; i--)
        script_push(s, rev.v[i - 1].op, rev.v[i - 1].ai, rev.v[i - 1].bi);
    free(rev.v);
    for (long d = 0; d <= dlim && d <= D; d++)
        free(trace[d]);
    free(trace);
    return 0;
}

static void put_line(buf_t *out, char c, const struct line *l)
{
    buf_putc(out, c);
    buf_put(out, l->s, l->n);
    buf_putc(out, '\n');
}

void textdiff_unified(const char *old_text, const char *new_text, buf_t *out)
{
    struct line *a, *b;
    size_t na, nb;
    split_lines(old_text, &a, &na);
    split_lines(new_text, &b, &nb);

    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre
           && line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
        suf++;

    struct script s = { NULL, 0, 0 };
    for (size_t i = 0; i < pre; i++)
        script_push(&s, '=', i, i);
    size_t ma = na - pre - suf, mb = nb - pre - suf;
    if (myers(a + pre, ma, b + pre, mb, pre, pre, &s) != 0) {
        for (size_t i = 0; i < ma; i++)
            script_push(&s, '-', pre + i, pre);
        for (size_t i = 0; i < mb; i++)
            script_push(&s, '+', pre + ma, pre + i);
    }
    for (size_t i = 0; i < suf; i++)
        script_push(&s, '=', na - suf + i, nb - suf + i);

    /* Hunks: changes with DIFF_CONTEXT lines of context; changes closer
     * than 2 * DIFF_CONTEXT equal lines share a hunk. */
    size_t i = 0;
    while (i < s.n) {
        if (s.v[i].op == '=') {
            i++;
            continue;
        }
        size_t start = i, ctx = 0;
        while (start > 0 && s.v[start - 1].op == '=' && ctx < DIFF_CONTEXT) {
            start--;
            ctx++;
        }
        size_t j = i, end;
        for (;;) {
            while (j < s.n && s.v[j].op != '=')
                j++;
            size_t run = 0;
            while (j + run < s.n && s.v[j + run].op == '=')
                run++;
            if (j + run < s.n && run <= 2 * DIFF_CONTEXT) {
                j += run;
                continue;
            }
            end = j + (run < DIFF_CONTEXT ? run : DIFF_CONTEXT);
            break;
        }
        size_t ca = 0, cb = 0;
        for (size_t k = start; k < end; k++) {
            if (s.v[k].op != '+')
                ca++;
            if (s.v[k].op != '-')
                cb++;
        }
        size_t sa = s.v[start].ai + (ca > 0 ? 1 : 0);
        size_t sb = s.v[start].bi + (cb > 0 ? 1 : 0);
        buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", sa, ca, sb, cb);
        for (size_t k = start; k < end; k++) {
            const struct edit *e = &s.v[k];
            if (e->op == '=')
                put_line(out, ' ', &a[e->ai]);
            else if (e->op == '-')
                put_line(out, '-', &a[e->ai]);
            else
                put_line(out, '+', &b[e->bi]);
        }
        i = end;
    }
    free(s.v);
    free(a);
    free(b);
}
