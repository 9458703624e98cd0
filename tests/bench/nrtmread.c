/*
 * nrtmread.c - the client of the NRTM server benchmark (nrtm.sh): sends
 * one request line to 127.0.0.1:PORT, reads to the server's close, and
 * prints "BYTES SECONDS" (from the request to the close); with OUT, the
 * bytes are also written there.  One read(2) of 128K at a time, the same
 * client for autodbm-whoisd and for catd.
 *
 *   nrtmread PORT REQUEST [OUT]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[128 << 10];

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    struct timespec t0, t1;
    unsigned long long total = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: nrtmread PORT REQUEST [OUT]\n");
        return 64;
    }
    FILE *out = argc > 3 ? fopen(argv[3], "w") : NULL;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[1]));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("nrtmread: connect");
        return 69;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t rl = strlen(argv[2]);
    char *req = malloc(rl + 2);
    memcpy(req, argv[2], rl);
    req[rl] = '\n';
    if (write(s, req, rl + 1) != (ssize_t)(rl + 1)) {
        perror("nrtmread: write");
        return 74;
    }
    free(req);
    ssize_t n;
    while ((n = read(s, buf, sizeof buf)) > 0) {
        total += (unsigned long long)n;
        if (out)
            fwrite(buf, 1, (size_t)n, out);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (out)
        fclose(out);
    printf("%llu %.3f\n", total, (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return n < 0 ? 74 : 0;
}
