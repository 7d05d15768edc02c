/* The worker pool of src/workers.h: threads wait on a condition variable
 * for a new generation of tasks, claim task indexes with an atomic counter
 * and report back when the counter runs past the end. */
#include <pthread.h>
#include <unistd.h>

#include "internal.h"
#include "workers.h"

struct start {
    struct vnfo__workers *w;
    unsigned worker;
};

struct vnfo__workers {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a new generation, or stop */
    pthread_cond_t idle; /* a worker finished its share */
    pthread_t *threads;
    /* each thread's start argument, owned by the pool: a worker never
     * frees (nor allocates) through the allocator hooks */
    struct start *starts;
    unsigned started;    /* threads started (the caller not counted) */
    unsigned busy;       /* started threads still in the current generation */
    unsigned long generation;
    int stop;
    /* the current run */
    size_t n;
    size_t next;         /* next unclaimed task (atomic) */
    vnfo__task_fn fn;
    void *ctx;
};

static void share(vnfo__workers *w, unsigned worker)
{
    for (;;) {
        size_t i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED);
        if (i >= w->n)
            return;
        w->fn(w->ctx, i, worker);
    }
}

static void *worker_main(void *arg)
{
    const struct start *st = arg;
    vnfo__workers *w = st->w;
    unsigned worker = st->worker;
    unsigned long seen = 0;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stop && w->generation == seen)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->stop)
            break;
        seen = w->generation;
        pthread_mutex_unlock(&w->lock);
        share(w, worker);
        pthread_mutex_lock(&w->lock);
        if (--w->busy == 0)
            pthread_cond_signal(&w->idle);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

unsigned vnfo__online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > VNFO_WORKERS_MAX ? VNFO_WORKERS_MAX : (unsigned)n;
}

vnfo_status vnfo__workers_create(vnfo__workers **out, unsigned threads)
{
    *out = NULL;
    if (threads <= 1)
        return VNFO_OK;
    if (threads > VNFO_WORKERS_MAX)
        threads = VNFO_WORKERS_MAX;
    vnfo__workers *w = vnfo__calloc(1, sizeof *w);
    pthread_t *t = vnfo__calloc(threads - 1, sizeof *t);
    struct start *starts = vnfo__calloc(threads - 1, sizeof *starts);
    if (!w || !t || !starts) {
        vnfo__free(w);
        vnfo__free(t);
        vnfo__free(starts);
        return vnfo__error(VNFO_E_NO_MEMORY, "verifier: out of memory for %u threads", threads);
    }
    w->threads = t;
    w->starts = starts;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->idle, NULL);
    /* Tasks need little stack (no recursion deeper than qsort's): 1 MiB
     * instead of the default 8 MiB keeps many threads cheap in address
     * space (a verifier run under ulimit -v). */
    pthread_attr_t attr;
    int attr_ok = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, (size_t)1 << 20) == 0;
    for (unsigned i = 0; i + 1 < threads; i++) {
        w->starts[i] = (struct start){w, i + 1};
        if (pthread_create(&w->threads[i], attr_ok ? &attr : NULL, worker_main, &w->starts[i]) != 0)
            break; /* run with the threads there are: results do not depend on it */
        w->started++;
    }
    if (attr_ok)
        pthread_attr_destroy(&attr);
    *out = w;
    return VNFO_OK;
}

void vnfo__workers_free(vnfo__workers *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->started; i++)
        pthread_join(w->threads[i], NULL);
    pthread_cond_destroy(&w->idle);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    vnfo__free(w->threads);
    vnfo__free(w->starts);
    vnfo__free(w);
}

unsigned vnfo__workers_count(const vnfo__workers *w)
{
    return w ? w->started + 1 : 1;
}

void vnfo__workers_run(vnfo__workers *w, size_t n, vnfo__task_fn fn, void *ctx)
{
    if (!w || !w->started || n <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i, 0);
        return;
    }
    pthread_mutex_lock(&w->lock);
    w->n = n;
    w->next = 0;
    w->fn = fn;
    w->ctx = ctx;
    w->busy = w->started;
    w->generation++;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    share(w, 0);
    pthread_mutex_lock(&w->lock);
    while (w->busy)
        pthread_cond_wait(&w->idle, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

struct lists {
    const struct vnfo__tasks *l;
    size_t k;
};

static void lists_task(void *ctx, size_t i, unsigned worker)
{
    const struct lists *c = ctx;
    for (size_t j = 0; j < c->k; i -= c->l[j++].n)
        if (i < c->l[j].n) {
            c->l[j].fn(c->l[j].ctx, i, worker);
            return;
        }
}

void vnfo__workers_run_lists(vnfo__workers *w, const struct vnfo__tasks *lists, size_t k)
{
    struct lists c = {lists, k};
    size_t n = 0;
    for (size_t j = 0; j < k; j++)
        n += lists[j].n;
    vnfo__workers_run(w, n, lists_task, &c);
}
