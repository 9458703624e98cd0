/*
 * timeit.c - run one command and report its wall time and peak memory.
 *
 *   timeit RESULTFILE COMMAND [ARG...]
 *
 * Runs COMMAND (its output passes through), waits for it with wait4(2)
 * and writes one line "WALL_SECONDS MAXRSS_KB EXIT" to RESULTFILE, where
 * MAXRSS_KB is the child's peak resident set size (ru_maxrss) and EXIT
 * its exit status (128+signal when killed).  Exits with the child's
 * status.  Links only libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    pid_t pid;
    int st, code;
    FILE *fp;

    if (argc < 3) {
        fprintf(stderr, "usage: timeit RESULTFILE COMMAND [ARG...]\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("timeit: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "timeit: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    while (wait4(pid, &st, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("timeit: wait4");
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    fp = fopen(argv[1], "w");
    if (fp == NULL) {
        perror(argv[1]);
        return 2;
    }
    fprintf(fp, "%.3f %ld %d\n",
            (double) (t1.tv_sec - t0.tv_sec) +
            (double) (t1.tv_nsec - t0.tv_nsec) / 1e9,
            ru.ru_maxrss, code);
    if (fclose(fp) != 0) {
        perror(argv[1]);
        return 2;
    }
    return code;
}
