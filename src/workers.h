/* A fixed pool of worker threads for the verifier's parallel stages (never
 * installed).
 *
 * vnfo__workers_run() hands out task indexes 0..n-1 to the pool's threads
 * and to the calling thread, and returns when every task has run.  Which
 * thread runs which task depends on timing; callers make their results
 * independent of that by writing each task's result to its own slot and
 * merging the slots in task order afterwards.  A NULL pool runs every task
 * in the calling thread, in order: the one-thread path is the same code. */
#ifndef VNFO_WORKERS_H
#define VNFO_WORKERS_H

#include <stddef.h>

#include <vnfo/common.h>

/* Most threads a pool may have (the caller included). */
#define VNFO_WORKERS_MAX 256

typedef struct vnfo__workers vnfo__workers;

/* Runs task `task` on the thread numbered `worker` (0 is the caller;
 * 0 <= worker < vnfo__workers_count()): per-worker scratch is indexed by it. */
typedef void (*vnfo__task_fn)(void *ctx, size_t task, unsigned worker);

/* A pool of `threads` threads in all: threads - 1 are started, the caller
 * is the last.  Fewer are started when the system refuses more (the work
 * is then shared by those there are); *out is NULL for threads <= 1. */
vnfo_status vnfo__workers_create(vnfo__workers **out, unsigned threads);
/* Stops and joins the threads.  NULL is fine. */
void vnfo__workers_free(vnfo__workers *w);
/* Threads that run tasks, the caller included: 1 for NULL. */
unsigned vnfo__workers_count(const vnfo__workers *w);
/* Runs fn(ctx, i, worker) for every i < n; returns when all have run.
 * Not reentrant: one run per pool at a time, from one thread. */
void vnfo__workers_run(vnfo__workers *w, size_t n, vnfo__task_fn fn, void *ctx);
/* One list of tasks for vnfo__workers_run_lists(). */
struct vnfo__tasks {
    size_t n;
    vnfo__task_fn fn;
    void *ctx;
};
/* Runs the tasks of k independent lists as one run: those of lists[0]
 * first, in order, then those of lists[1], and so on (put the long tasks
 * first: the short ones then fill in while they run, instead of the
 * threads waiting at the end of each list's own run). */
void vnfo__workers_run_lists(vnfo__workers *w, const struct vnfo__tasks *lists, size_t k);
/* The number of online CPUs (at least 1). */
unsigned vnfo__online_cpus(void);

/* ---- the parallel stages of other modules -------------------------------- */

#include <vnfo/log.h>

/* The log reader checks batches (signature, Merkle root) on these workers
 * in vnfo_log_reader_verify(); NULL: in the calling thread.  Gives each
 * worker a window for file sources (memory: one largest batch per
 * worker).  The pool must outlive the reader or be unset first. */
vnfo_status vnfo__log_reader_workers_set(vnfo_log_reader *r, vnfo__workers *w);

/* The records of batch `batch` if it is iterable (authentic, not a
 * duplicate), else 0; *len: bytes a file source's batch needs in a buffer
 * (0 for a buffer source). */
size_t vnfo__log_reader_batch_records(size_t *len, const vnfo_log_reader *r, size_t batch);

/* Called for each record of a batch in order: its status (VNFO_OK, or why
 * it does not decode: vnfo_error_message() names the record's place) and
 * the record (valid during the call only). */
typedef void (*vnfo__record_fn)(void *ctx, vnfo_status status, const vnfo_record *rec);

/* Decodes every record of an iterable batch as vnfo_log_reader_next_record()
 * would, one at a time, into fn.  A file source's batch is read into buf
 * (room for *len of the call above) and held to the digest it was verified
 * with.  Allocates nothing; safe on several threads at once for different
 * buffers after vnfo_log_reader_verify().  Returns VNFO_OK, or VNFO_E_IO
 * (message in why): the batch could not be read again. */
vnfo_status vnfo__log_reader_batch_each(const vnfo_log_reader *r, size_t batch, uint8_t *buf,
                                        vnfo__record_fn fn, void *ctx, char *why, size_t why_size);

#endif
