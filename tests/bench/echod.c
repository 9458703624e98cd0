/*
 * echod.c - a trivial TCP echo server on 127.0.0.1, the yardstick of the
 * query server benchmark (whoisd.sh): what this machine does per
 * request/answer round trip with nothing behind it.  One thread and one
 * epoll loop, as autodbm-whoisd has one thread and one event loop.
 *
 *   echod PORTFILE
 *
 * Listens on a free port of 127.0.0.1, writes the port number to
 * PORTFILE, and echoes every byte it reads until SIGTERM.  Links only
 * libc.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;
    struct epoll_event ev, evs[256];
    char buf[65536];
    int one = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: echod PORTFILE\n");
        return 2;
    }
    signal(SIGTERM, on_term);
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(lfd, 511) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &salen) != 0) {
        perror("echod: listen");
        return 1;
    }
    FILE *fp = fopen(argv[1], "w");
    if (fp == NULL) {
        perror(argv[1]);
        return 1;
    }
    fprintf(fp, "%u\n", ntohs(sa.sin_port));
    fclose(fp);
    int ep = epoll_create1(0);
    ev.events = EPOLLIN;
    ev.data.fd = lfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    while (!stop) {
        int n = epoll_wait(ep, evs, 256, 1000);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    ev.events = EPOLLIN;
                    ev.data.fd = c;
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r == 0 || (r < 0 && errno != EAGAIN)) {
                close(fd);
                continue;
            }
            /* the answers are small and the client waits for each: the
             * socket buffer has room, a short write is not expected */
            for (ssize_t off = 0; r > 0 && off < r;) {
                ssize_t w = write(fd, buf + off, (size_t)(r - off));
                if (w < 0 && errno == EAGAIN)
                    continue;
                if (w < 0)
                    break;
                off += w;
            }
        }
    }
    return 0;
}
