/* Timing helpers shared by the benchmarks under bench/.  Machines here are
 * shared and noisy: every figure is the median of several runs, and every
 * benchmark prints a baseline measured in the same run beside it. */
#ifndef VNFO_BENCH_H
#define VNFO_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The calling thread's CPU time: on a shared machine, wall time also counts
 * the time other jobs hold the core. */
static inline double bench_cpu_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Median of `runs` timings of fn(ctx), each divided by ops: ns per op. */
static inline double bench_median_ns(void (*fn)(void *), void *ctx, double ops, int runs)
{
    double t[64];
    if (runs > 64)
        runs = 64;
    fn(ctx); /* warm-up */
    for (int i = 0; i < runs; i++) {
        double t0 = bench_now_ns();
        fn(ctx);
        t[i] = (bench_now_ns() - t0) / ops;
    }
    qsort(t, (size_t)runs, sizeof t[0], bench_cmp_double);
    return t[runs / 2];
}

/* Keeps the optimiser from deleting a computed value. */
static inline void bench_sink_u64(uint64_t v)
{
    __asm__ volatile("" : : "r"(v) : "memory");
}

/* One result line: name, figure, baseline and the ratio between them. */
static inline void bench_report(const char *name, double ns_per_op, const char *baseline_name,
                                double baseline_ns)
{
    printf("%-40s %9.2f ns/op  %8.2f Mop/s   baseline %-28s %9.2f ns/op   ratio %.2fx\n", name,
           ns_per_op, 1e3 / ns_per_op, baseline_name, baseline_ns, ns_per_op / baseline_ns);
}

#endif
