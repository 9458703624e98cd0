/*
 * crashtool.c - helpers of the crash, concurrency and limits tests
 * (tests/crash/run, tests/cmd/crash.sh, tests/cmd/concurrency.sh).
 *
 *   crashtool kill USEC MAIL PROG [ARG...]
 *       run PROG with MAIL on stdin (stdout and stderr to /dev/null),
 *       SIGKILL it after USEC microseconds; prints "killed" or "exited N"
 *   crashtool state DBDIR [CLASS:KEY...]
 *       the store's journal and queue: prints
 *       "last=N gapless=yes|no queue=N present=N" where present counts the
 *       CLASS:KEY objects that exist ('+' in KEY stands for a space);
 *       exit 0, 1 on errors
 *
 * Links against the library (build/libautodbm.a); test tool only.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "rpsl/schema.h"
#include "store/store.h"
#include "store/journal.h"
#include "store/queue.h"

static int do_kill(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    long usec = strtol(argv[2], NULL, 10);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        int fd = open(argv[3], O_RDONLY);
        int nul = open("/dev/null", O_WRONLY);
        if (fd < 0 || nul < 0)
            _exit(127);
        dup2(fd, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        execv(argv[4], argv + 4);
        _exit(127);
    }
    struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000 };
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        printf("killed\n");
    else
        printf("exited %d\n", WEXITSTATUS(status));
    return 0;
}

/* Queued messages; shared parts (an empty recipient, mailout.h) are not
 * messages of their own. */
static int count_queue(uint64_t id, const char *rcpt, const char *data, size_t len, void *arg)
{
    (void)id; (void)data; (void)len;
    if (rcpt[0] != 0)
        (*(size_t *)arg)++;
    return 0;
}

static int do_state(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    err_t err = ERR_INIT;
    store_t *st = NULL;
    store_txn_t *txn = NULL;
    if (store_open(argv[2], STORE_RDONLY, &st, &err) != 0 ||
        store_read_begin(st, &txn, &err) != 0) {
        fprintf(stderr, "crashtool: %s\n", err_text(&err));
        err_free(&err);
        store_close(st);
        return 1;
    }
    uint64_t first = 0, last = 0;
    int gapless = store_journal_range(txn, &first, &last, &err) == 0;
    for (uint64_t s = first ? first : 1; gapless && last && s <= last; s++) {
        store_journal_t je;
        if (store_journal_get(txn, s, &je, &err) != 0 || je.serial != s)
            gapless = 0;
    }
    if (last && first != 1)
        gapless = 0;
    size_t queued = 0;
    store_queue_each(txn, count_queue, &queued, &err);
    size_t present = 0;
    for (int i = 3; i < argc; i++) {
        char *cls = strdup(argv[i]);
        char *key = cls ? strchr(cls, ':') : NULL;
        if (key) {
            *key++ = 0;
            for (char *p = key; *p; p++)
                if (*p == '+')
                    *p = ' ';
            int c = schema_class_by_name(cls);
            if (c >= 0 && store_obj_get(txn, c, key, NULL, &err) == 0)
                present++;
        }
        free(cls);
    }
    printf("last=%llu gapless=%s queue=%zu present=%zu\n", (unsigned long long)last,
           gapless ? "yes" : "no", queued, present);
    store_read_end(txn);
    store_close(st);
    err_free(&err);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "kill") == 0)
        return do_kill(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "state") == 0)
        return do_state(argc, argv);
    fprintf(stderr, "usage: crashtool kill USEC MAIL PROG [ARG...] | state DBDIR [CLASS:KEY...]\n");
    return 2;
}
