/*
 * pool.c - autodbm-whoisd's worker threads (see pool.h).
 *
 * One mutex guards two lists: the jobs to run (a condition variable
 * wakes the workers) and the jobs run (handed back).  A worker that
 * hands back the first job of an empty "run" list writes one byte to a
 * pipe; the event loop's read event on the pipe empties the pipe, takes
 * the whole list under the mutex and calls each done() outside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "whoisd/pool.h"

typedef struct job {
    struct job *next;
    whoisd_pool_run_fn run;
    whoisd_pool_done_fn done;
    void *arg;
} job_t;

struct whoisd_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    job_t *todo, **todo_tail;   /* FIFO */
    job_t *ran, **ran_tail;     /* FIFO */
    int stop;
    pthread_t *threads;
    unsigned nthreads;
    int pipe[2];
    struct event *ev;
};

static void *worker(void *arg)
{
    whoisd_pool_t *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->todo == NULL && !p->stop)
            pthread_cond_wait(&p->wake, &p->lock);
        job_t *j = p->todo;
        if (j == NULL)
            break;      /* stopping and nothing left */
        p->todo = j->next;
        if (p->todo == NULL)
            p->todo_tail = &p->todo;
        pthread_mutex_unlock(&p->lock);

        j->run(j->arg);

        pthread_mutex_lock(&p->lock);
        j->next = NULL;
        int first = p->ran == NULL;
        *p->ran_tail = j;
        p->ran_tail = &j->next;
        if (first) {
            char b = 0;
            /* the pipe full means a wake-up is pending anyway */
            while (write(p->pipe[1], &b, 1) < 0 && errno == EINTR)
                ;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Hand back what the workers ran. */
static void deliver(whoisd_pool_t *p)
{
    pthread_mutex_lock(&p->lock);
    job_t *j = p->ran;
    p->ran = NULL;
    p->ran_tail = &p->ran;
    pthread_mutex_unlock(&p->lock);
    while (j) {
        job_t *nx = j->next;
        j->done(j->arg);
        free(j);
        j = nx;
    }
}

static void on_pipe(evutil_socket_t fd, short what, void *arg)
{
    char b[64];
    (void)what;
    while (read(fd, b, sizeof b) > 0)
        ;
    deliver(arg);
}

int whoisd_pool_new(struct event_base *base, unsigned nthreads,
                    whoisd_pool_t **out, err_t *err)
{
    whoisd_pool_t *p = xcalloc(1, sizeof *p);
    int rc = 0;

    *out = NULL;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->todo_tail = &p->todo;
    p->ran_tail = &p->ran;
    p->pipe[0] = p->pipe[1] = -1;
    if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        rc = err_set(err, ERR_IO, "worker threads: pipe: %s", strerror(errno));
        goto leave;
    }
    p->ev = event_new(base, p->pipe[0], EV_READ | EV_PERSIST, on_pipe, p);
    if (p->ev == NULL || event_add(p->ev, NULL) != 0) {
        rc = err_set(err, ERR_IO, "worker threads: cannot watch the pipe");
        goto leave;
    }
    p->threads = xcalloc(nthreads ? nthreads : 1, sizeof *p->threads);
    for (unsigned i = 0; i < (nthreads ? nthreads : 1); i++) {
        int e = pthread_create(&p->threads[i], NULL, worker, p);
        if (e) {
            rc = err_set(err, ERR_IO, "worker threads: %s", strerror(e));
            goto leave;
        }
        p->nthreads++;
    }
    *out = p;
leave:
    if (rc)
        whoisd_pool_free(p);
    return rc;
}

void whoisd_pool_submit(whoisd_pool_t *p, whoisd_pool_run_fn run,
                        whoisd_pool_done_fn done, void *arg)
{
    job_t *j = xcalloc(1, sizeof *j);
    j->run = run;
    j->done = done;
    j->arg = arg;
    pthread_mutex_lock(&p->lock);
    *p->todo_tail = j;
    p->todo_tail = &j->next;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void whoisd_pool_free(whoisd_pool_t *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    deliver(p);
    if (p->ev)
        event_free(p->ev);
    if (p->pipe[0] >= 0)
        close(p->pipe[0]);
    if (p->pipe[1] >= 0)
        close(p->pipe[1]);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}
