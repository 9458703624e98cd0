/*
 * catd.c - the yardstick of the NRTM server benchmark (nrtm.sh): `cat`
 * of a file through a TCP connection on 127.0.0.1, the same socket path
 * autodbm-whoisd's NRTM server streams through.  It accepts one
 * connection at a time, reads the request line (and ignores it), writes
 * the file with read(2)/write(2) in 128K pieces as cat(1) does, and
 * closes.
 *
 *   catd PORTFILE FILE
 *
 * Listens on a free port of 127.0.0.1, writes the port number to
 * PORTFILE, serves until SIGTERM.  Links only libc.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[128 << 10];

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;
    int one = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: catd PORTFILE FILE\n");
        return 64;
    }
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 16) != 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &salen) != 0) {
        perror("catd: bind");
        return 71;
    }
    FILE *pf = fopen(argv[1], "w");
    if (pf == NULL) {
        perror(argv[1]);
        return 73;
    }
    fprintf(pf, "%u\n", ntohs(sa.sin_port));
    fclose(pf);
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0)
            continue;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char ch;
        while (read(c, &ch, 1) == 1 && ch != '\n')
            ;
        int fd = open(argv[2], O_RDONLY);
        ssize_t n;
        while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0) {
            for (ssize_t off = 0; off < n;) {
                ssize_t w = write(c, buf + off, (size_t)(n - off));
                if (w <= 0)
                    goto done;
                off += w;
            }
        }
done:
        if (fd >= 0)
            close(fd);
        close(c);
    }
}
