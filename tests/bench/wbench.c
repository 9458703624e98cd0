/*
 * wbench.c - the client of the query server benchmark (whoisd.sh): the
 * same code drives autodbm-whoisd and the echo server (echod.c), so that
 * their rates compare.
 *
 *   wbench rate PORT CLIENTS SECONDS KEYS whois|echo
 *       CLIENTS threads, each with one persistent connection, send
 *       "-r KEY\n" (KEY from the file KEYS, one a line, in turn) and wait
 *       for the whole answer before the next (stop-and-wait, as a whois
 *       client): for whois the connection starts with "-k" and an answer
 *       ends with the welcome header's last line; for echo the answer is
 *       the line echoed.  Prints "rate CLIENTS QUERIES_PER_SECOND".
 *   wbench oneshot PORT CLIENTS SECONDS KEYS
 *       CLIENTS threads, each connecting, sending "-r KEY\r\n" and reading
 *       to the end of the connection, again and again, as Debian's whois
 *       does.  Prints "oneshot CLIENTS CONNECTIONS_PER_SECOND".
 *   wbench idle PORT N PID
 *       Opens N connections, makes each persistent ("-k", answer read),
 *       leaves them idle and prints "idle N RSS_BEFORE_KB RSS_AFTER_KB
 *       ANON_BEFORE_KB ANON_AFTER_KB" of process PID (VmRSS and RssAnon,
 *       its heap without the pages of files it maps, before the first
 *       and after the last).
 *
 * Loopback only; every socket has a 30 s timeout; a failure is printed
 * and the exit status is 1.  Links only libc and pthreads.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The last line of the welcome header, and the empty line after it:
 * the end of an answer on a persistent connection. */
#define END_MARK "terms-conditions.html\n\n"

typedef struct job {
    int port;
    double seconds;
    int echo;
    char **keys;
    size_t nkeys;
    size_t start;           /* first key of this thread */
    unsigned long done;     /* queries answered */
    int failed;
} job_t;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(int port)
{
    struct sockaddr_in sa;
    struct timeval tv = { 30, 0 };
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Count the non-overlapping @mark in @s[0..n). */
static int count_marks(const char *s, size_t n, const char *mark)
{
    size_t m = strlen(mark);
    int k = 0;
    for (size_t i = 0; i + m <= n;) {
        const char *p = memmem(s + i, n - i, mark, m);
        if (p == NULL)
            break;
        k++;
        i = (size_t)(p - s) + m;
    }
    return k;
}

/* Read until @want bytes (echo) or @marks END_MARKs (whois) came.
 * @return 0, -1 on error or end of file. */
static int read_answer(int fd, char *buf, size_t cap, size_t want, int marks)
{
    size_t n = 0;
    for (;;) {
        if (n == cap)
            n = 0;      /* a long answer: only its end matters */
        ssize_t r = read(fd, buf + n, cap - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        if (want > 0 && n >= want)
            return 0;
        if (marks > 0 && n >= strlen(END_MARK) &&
            count_marks(buf, n, END_MARK) >= marks)
            return 0;
    }
}

static void *rate_thread(void *arg)
{
    job_t *j = arg;
    char line[1100];
    static const size_t cap = 1 << 16;
    char *buf = malloc(cap);
    int fd = dial(j->port);
    if (fd < 0 || buf == NULL) {
        j->failed = 1;
        free(buf);
        return NULL;
    }
    int first = 1;
    double end = now() + j->seconds;
    size_t k = j->start;
    while (now() < end) {
        const char *key = j->keys[k++ % j->nkeys];
        int len = snprintf(line, sizeof line, "%s-r %s\n",
                           first && !j->echo ? "-k " : "", key);
        if (len <= 0 || (size_t)len >= sizeof line ||
            send_all(fd, line, (size_t)len) != 0 ||
            read_answer(fd, buf, cap, j->echo ? (size_t)len : 0,
                        j->echo ? 0 : first ? 2 : 1) != 0) {
            j->failed = 1;
            break;
        }
        first = 0;
        j->done++;
    }
    close(fd);
    free(buf);
    return NULL;
}

static void *oneshot_thread(void *arg)
{
    job_t *j = arg;
    char line[1100], buf[65536];
    double end = now() + j->seconds;
    size_t k = j->start;
    while (now() < end) {
        int fd = dial(j->port);
        if (fd < 0) {
            j->failed = 1;
            break;
        }
        int len = snprintf(line, sizeof line, "-r %s\r\n", j->keys[k++ % j->nkeys]);
        ssize_t r = -1;
        if (len > 0 && (size_t)len < sizeof line && send_all(fd, line, (size_t)len) == 0)
            while ((r = read(fd, buf, sizeof buf)) > 0)
                ;
        close(fd);
        if (r != 0) {
            j->failed = 1;
            break;
        }
        j->done++;
    }
    return NULL;
}

static char **read_keys(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "r");
    char line[1024];
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    if (fp == NULL)
        return NULL;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            v = realloc(v, cap * sizeof *v);
            if (v == NULL)
                exit(1);
        }
        v[(*n)++] = strdup(line);
    }
    fclose(fp);
    return v;
}

/* A "NAME:" line of /proc/PID/status in kB, or -1. */
static long vmrss(const char *pid, const char *name)
{
    char path[64], line[256];
    long kb = -1;
    size_t n = strlen(name);
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return -1;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, name, n) == 0)
            kb = strtol(line + n, NULL, 10);
    fclose(fp);
    return kb;
}

static int idle(int port, int n, const char *pid)
{
    int *fds = calloc((size_t)n, sizeof *fds);
    char buf[65536];
    long before = vmrss(pid, "VmRSS:"), anon = vmrss(pid, "RssAnon:");
    for (int i = 0; i < n; i++) {
        fds[i] = dial(port);
        if (fds[i] < 0 || send_all(fds[i], "-k\n", 3) != 0 ||
            read_answer(fds[i], buf, sizeof buf, 0, 2) != 0) {
            fprintf(stderr, "wbench: connection %d failed: %s\n", i, strerror(errno));
            return 1;
        }
    }
    usleep(200000);
    printf("idle %d %ld %ld %ld %ld\n", n, before, vmrss(pid, "VmRSS:"), anon,
           vmrss(pid, "RssAnon:"));
    for (int i = 0; i < n; i++)
        close(fds[i]);
    free(fds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "idle") == 0)
        return idle(atoi(argv[2]), atoi(argv[3]), argv[4]);
    int rate = argc == 7 && strcmp(argv[1], "rate") == 0;
    if (!rate && !(argc == 6 && strcmp(argv[1], "oneshot") == 0)) {
        fprintf(stderr, "usage: wbench rate PORT CLIENTS SECONDS KEYS whois|echo\n"
                "       wbench oneshot PORT CLIENTS SECONDS KEYS\n"
                "       wbench idle PORT N PID\n");
        return 2;
    }
    int port = atoi(argv[2]), clients = atoi(argv[3]);
    double seconds = atof(argv[4]);
    size_t nkeys;
    char **keys = read_keys(argv[5], &nkeys);
    if (keys == NULL || nkeys == 0 || clients < 1) {
        fprintf(stderr, "wbench: no keys in %s\n", argv[5]);
        return 1;
    }
    job_t *jobs = calloc((size_t)clients, sizeof *jobs);
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    double t0 = now();
    for (int i = 0; i < clients; i++) {
        jobs[i].port = port;
        jobs[i].seconds = seconds;
        jobs[i].echo = rate && strcmp(argv[6], "echo") == 0;
        jobs[i].keys = keys;
        jobs[i].nkeys = nkeys;
        jobs[i].start = (size_t)i * 7919;
        pthread_create(&th[i], NULL, rate ? rate_thread : oneshot_thread, &jobs[i]);
    }
    unsigned long total = 0;
    int failed = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        total += jobs[i].done;
        failed |= jobs[i].failed;
    }
    double t = now() - t0;
    if (failed)
        fprintf(stderr, "wbench: a client failed (%lu answers before)\n", total);
    printf("%s %d %.0f\n", rate ? "rate" : "oneshot", clients, total / t);
    return failed;
}
