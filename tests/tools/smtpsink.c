/*
 * smtpsink.c - a tiny SMTP server for the command tests: it accepts mail
 * on 127.0.0.1 and writes every message to a directory.
 *
 *   smtpsink [-p PORT] [-t SECONDS] [-f ADDR]... [-r ADDR]... DIR
 *
 *   -p PORT     listen on 127.0.0.1:PORT (default 0: the kernel picks one)
 *   -t SECONDS  exit (status 0) after SECONDS (default 60)
 *   -f ADDR     answer RCPT TO:<ADDR> with 451 (temporary failure)
 *   -r ADDR     answer RCPT TO:<ADDR> with 550 (permanent failure)
 *
 * Once it listens it prints the port number and a newline on standard
 * output.  One connection at a time, one process.  It speaks EHLO/HELO
 * (advertising PIPELINING and 8BITMIME), MAIL, RCPT, DATA (dot-unstuffing;
 * CRLF or bare LF line ends), RSET, NOOP, VRFY and QUIT; anything else is
 * answered with 502.  Each message accepted is written to DIR/N.eml (N =
 * 1, 2, ... the first number not yet used) with LF line ends, preceded by
 * the envelope as header lines:
 *
 *   X-Envelope-From: <sender>
 *   X-Envelope-To: <recipient>      (one line per accepted recipient)
 *
 * The file appears complete (written as N.tmp, then renamed).  Every RCPT
 * is logged on standard error as "smtpsink: RCPT <addr> CODE", every
 * stored message as "smtpsink: stored N.eml".  Command lines longer than
 * 512 bytes are answered with 500; a message with a line longer than
 * 64 KiB is refused with 552 after its end.  SIGTERM ends it (the
 * default action; messages are renamed into place only when complete).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CMD_MAX 512             /* RFC 5321 4.5.3.1.4, with CRLF */
#define DATA_LINE_MAX 65536     /* well above the 1000 of 4.5.3.1.6 */
#define INBUF 8192

struct opts {
    const char *dir;
    const char **tempfail;
    size_t ntempfail;
    const char **reject;
    size_t nreject;
    time_t deadline;            /* CLOCK_MONOTONIC seconds */
};

struct conn {
    int fd;
    char in[INBUF];
    size_t pos, len;
};

/* The envelope of the transaction in progress. */
struct txn {
    char *from;
    char **rcpt;
    size_t nrcpt;
};

static time_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* Wait until @fd is readable or the deadline passes: 1 ready, 0 timeout, -1 error. */
static int wait_readable(int fd, time_t deadline)
{
    for (;;) {
        time_t left = deadline - mono_now();
        if (left <= 0)
            return 0;
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, (int)(left > 1000 ? 1000000 : left * 1000));
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static int send_all(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Read one line (without its CRLF or LF) into @line of size @cap.  A
 * longer line is truncated and *overlong set; the rest of it is
 * consumed.  Returns 1 for a line, 0 at end of input or timeout, -1 on
 * error.
 */
static int read_line(struct conn *c, const struct opts *o, char *line, size_t cap,
                     size_t *outlen, int *overlong)
{
    size_t n = 0;
    *overlong = 0;
    for (;;) {
        while (c->pos < c->len) {
            char ch = c->in[c->pos++];
            if (ch == '\n') {
                if (n > 0 && line[n - 1] == '\r' && !*overlong)
                    n--;
                line[n] = 0;
                *outlen = n;
                return 1;
            }
            if (n + 1 < cap)
                line[n++] = ch;
            else
                *overlong = 1;
        }
        int r = wait_readable(c->fd, o->deadline);
        if (r <= 0)
            return r;
        ssize_t got = read(c->fd, c->in, sizeof c->in);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got < 0 ? -1 : 0;
        c->pos = 0;
        c->len = (size_t)got;
    }
}

/* The address inside "<...>" after a "MAIL FROM:" / "RCPT TO:" prefix. */
static char *path_arg(const char *s)
{
    while (*s == ' ')
        s++;
    const char *b = s, *e;
    if (*s == '<') {
        b = s + 1;
        e = strchr(b, '>');
        if (e == NULL)
            return NULL;
    } else {
        e = b + strcspn(b, " ");
    }
    size_t n = (size_t)(e - b);
    char *a = malloc(n + 1);
    if (a == NULL)
        return NULL;
    memcpy(a, b, n);
    a[n] = 0;
    return a;
}

static int listed(const char *addr, const char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(addr, v[i]) == 0)
            return 1;
    return 0;
}

static void txn_reset(struct txn *t)
{
    free(t->from);
    for (size_t i = 0; i < t->nrcpt; i++)
        free(t->rcpt[i]);
    free(t->rcpt);
    t->from = NULL;
    t->rcpt = NULL;
    t->nrcpt = 0;
}

static int has_prefix(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* Open the next free DIR/N.tmp; sets *num. */
static FILE *open_next(const char *dir, unsigned *num, char **tmppath)
{
    for (unsigned k = 1; k < 1000000; k++) {
        char *eml = NULL, *tmp = NULL;
        if (asprintf(&eml, "%s/%u.eml", dir, k) < 0)
            return NULL;
        if (asprintf(&tmp, "%s/%u.tmp", dir, k) < 0) {
            free(eml);
            return NULL;
        }
        struct stat st;
        int used = stat(eml, &st) == 0 || stat(tmp, &st) == 0;
        free(eml);
        if (used) {
            free(tmp);
            continue;
        }
        FILE *fp = fopen(tmp, "wx");
        if (fp == NULL) {
            free(tmp);
            return NULL;
        }
        *num = k;
        *tmppath = tmp;
        return fp;
    }
    return NULL;
}

/* After "354": read the message up to the lone dot and store it. */
static int receive_data(struct conn *c, const struct opts *o, struct txn *t, char *line)
{
    unsigned num = 0;
    char *tmp = NULL;
    FILE *fp = open_next(o->dir, &num, &tmp);
    int bad = 0;
    if (fp) {
        fprintf(fp, "X-Envelope-From: <%s>\n", t->from ? t->from : "");
        for (size_t i = 0; i < t->nrcpt; i++)
            fprintf(fp, "X-Envelope-To: <%s>\n", t->rcpt[i]);
    }
    for (;;) {
        size_t n;
        int overlong;
        int r = read_line(c, o, line, DATA_LINE_MAX, &n, &overlong);
        if (r <= 0) {
            if (fp) {
                fclose(fp);
                unlink(tmp);
            }
            free(tmp);
            return -1;
        }
        if (overlong)
            bad = 1;
        if (!overlong && n == 1 && line[0] == '.')
            break;
        if (fp) {
            const char *s = line[0] == '.' ? line + 1 : line;
            fputs(s, fp);
            fputc('\n', fp);
        }
    }
    int rc;
    if (fp == NULL) {
        rc = send_all(c->fd, "452 4.3.1 cannot store the message\r\n");
    } else if (fclose(fp) != 0 || bad) {
        unlink(tmp);
        rc = send_all(c->fd, bad ? "552 5.3.4 line too long\r\n"
                                 : "452 4.3.1 cannot store the message\r\n");
    } else {
        char *eml = NULL;
        if (asprintf(&eml, "%s/%u.eml", o->dir, num) < 0 || rename(tmp, eml) != 0) {
            unlink(tmp);
            rc = send_all(c->fd, "452 4.3.1 cannot store the message\r\n");
        } else {
            fprintf(stderr, "smtpsink: stored %u.eml\n", num);
            char reply[64];
            snprintf(reply, sizeof reply, "250 2.0.0 Ok: queued as %u\r\n", num);
            rc = send_all(c->fd, reply);
        }
        free(eml);
    }
    free(tmp);
    txn_reset(t);
    return rc;
}

static void serve(int fd, const struct opts *o, char *line)
{
    struct conn c;
    c.fd = fd;
    c.pos = c.len = 0;
    struct txn t = { NULL, NULL, 0 };
    if (send_all(fd, "220 smtpsink ESMTP\r\n") != 0)
        return;
    for (;;) {
        size_t n;
        int overlong;
        if (read_line(&c, o, line, CMD_MAX, &n, &overlong) <= 0)
            break;
        const char *reply;
        char *a;
        if (overlong) {
            reply = "500 5.5.2 line too long\r\n";
        } else if (has_prefix(line, "EHLO ") || has_prefix(line, "EHLO")) {
            txn_reset(&t);
            reply = "250-smtpsink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 104857600\r\n";
        } else if (has_prefix(line, "HELO")) {
            txn_reset(&t);
            reply = "250 smtpsink\r\n";
        } else if (has_prefix(line, "MAIL FROM:")) {
            if (t.from) {
                reply = "503 5.5.1 nested MAIL\r\n";
            } else if ((a = path_arg(line + 10)) == NULL) {
                reply = "501 5.5.4 bad path\r\n";
            } else {
                t.from = a;
                reply = "250 2.1.0 Ok\r\n";
            }
        } else if (has_prefix(line, "RCPT TO:")) {
            if (t.from == NULL) {
                reply = "503 5.5.1 need MAIL first\r\n";
            } else if ((a = path_arg(line + 8)) == NULL) {
                reply = "501 5.5.4 bad path\r\n";
            } else if (listed(a, o->reject, o->nreject)) {
                fprintf(stderr, "smtpsink: RCPT <%s> 550\n", a);
                free(a);
                reply = "550 5.1.1 no such user\r\n";
            } else if (listed(a, o->tempfail, o->ntempfail)) {
                fprintf(stderr, "smtpsink: RCPT <%s> 451\n", a);
                free(a);
                reply = "451 4.3.0 try again later\r\n";
            } else {
                fprintf(stderr, "smtpsink: RCPT <%s> 250\n", a);
                char **v = realloc(t.rcpt, (t.nrcpt + 1) * sizeof *v);
                if (v == NULL) {
                    free(a);
                    reply = "452 4.3.1 out of memory\r\n";
                } else {
                    t.rcpt = v;
                    t.rcpt[t.nrcpt++] = a;
                    reply = "250 2.1.5 Ok\r\n";
                }
            }
        } else if (strcasecmp(line, "DATA") == 0) {
            if (t.from == NULL || t.nrcpt == 0) {
                reply = "554 5.5.1 no valid recipients\r\n";
            } else {
                if (send_all(fd, "354 end data with <CR><LF>.<CR><LF>\r\n") != 0 ||
                    receive_data(&c, o, &t, line) != 0)
                    break;
                continue;
            }
        } else if (strcasecmp(line, "RSET") == 0) {
            txn_reset(&t);
            reply = "250 2.0.0 Ok\r\n";
        } else if (has_prefix(line, "NOOP")) {
            reply = "250 2.0.0 Ok\r\n";
        } else if (has_prefix(line, "VRFY")) {
            reply = "252 2.0.0 cannot verify\r\n";
        } else if (strcasecmp(line, "QUIT") == 0) {
            send_all(fd, "221 2.0.0 Bye\r\n");
            break;
        } else {
            reply = "502 5.5.2 command not implemented\r\n";
        }
        if (send_all(fd, reply) != 0)
            break;
    }
    txn_reset(&t);
}

static void usage(void)
{
    fprintf(stderr, "usage: smtpsink [-p PORT] [-t SECONDS] [-f ADDR]... [-r ADDR]... DIR\n");
}

int main(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof o);
    long port = 0, secs = 60;
    o.tempfail = calloc((size_t)argc, sizeof *o.tempfail);
    o.reject = calloc((size_t)argc, sizeof *o.reject);
    if (o.tempfail == NULL || o.reject == NULL)
        return 2;
    int c;
    while ((c = getopt(argc, argv, "p:t:f:r:")) != -1) {
        char *end;
        switch (c) {
        case 'p':
            port = strtol(optarg, &end, 10);
            if (*end || port < 0 || port > 65535) {
                usage();
                return 2;
            }
            break;
        case 't':
            secs = strtol(optarg, &end, 10);
            if (*end || secs <= 0) {
                usage();
                return 2;
            }
            break;
        case 'f': o.tempfail[o.ntempfail++] = optarg; break;
        case 'r': o.reject[o.nreject++] = optarg; break;
        default: usage(); return 2;
        }
    }
    if (optind + 1 != argc) {
        usage();
        return 2;
    }
    o.dir = argv[optind];
    o.deadline = mono_now() + secs;
    signal(SIGPIPE, SIG_IGN);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0) {
        perror("smtpsink: socket");
        return 1;
    }
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 16) != 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &sl) != 0) {
        perror("smtpsink: bind");
        close(ls);
        return 1;
    }
    printf("%u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);

    char *line = malloc(DATA_LINE_MAX);
    if (line == NULL)
        return 2;
    for (;;) {
        int r = wait_readable(ls, o.deadline);
        if (r < 0) {
            perror("smtpsink: poll");
            break;
        }
        if (r == 0)
            break;
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("smtpsink: accept");
            break;
        }
        serve(fd, &o, line);
        close(fd);
    }
    free(line);
    free(o.tempfail);
    free(o.reject);
    close(ls);
    return 0;
}
