/* Helpers shared by the Check suites. */
#ifndef VNFO_TESTUTIL_H
#define VNFO_TESTUTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vnfo/vnfo.h>

/* Asserts a status by name, so a failure prints "VNFO_E_X != VNFO_OK". */
#define ck_assert_status(expr, expected)                                                  \
    do {                                                                                  \
        vnfo_status got_ = (expr);                                                        \
        vnfo_status want_ = (expected);                                                   \
        ck_assert_msg(got_ == want_, "%s: got %s, expected %s (%s)", #expr,             \
                      vnfo_status_name(got_), vnfo_status_name(want_), vnfo_error_message()); \
    } while (0)

/* Runs one suite and returns the process exit code for make check. */
/* CPU seconds of this process (all its threads).  A test that bounds time
 * asserts complexity, not machine speed: it compares the CPU time of n and
 * of k*n items in the same run (see vnfo_test_assert_scaling), never wall
 * time, which a loaded machine or valgrind stretches by any factor. */
static inline double vnfo_test_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fails unless going from `small` to `large` items (large/small = k) cost
 * under 3k times the CPU time: linear or n log n work passes with room to
 * spare even when a larger working set falls out of the caches (valgrind
 * measured 8.5x for k = 4 on one CI run), quadratic work (k*k) fails for
 * k >= 4.  A floor of 20 ms on the
 * small run keeps clock ticks, page faults and thread start-up from deciding
 * (quadratic work on the sizes these tests use costs seconds, far above it). */
#define vnfo_test_assert_scaling(what, small, t_small, large, t_large)                        \
    do {                                                                                    \
        double k_ = (double)(large) / (double)(small);                                      \
        double base_ = (t_small) > 2e-2 ? (t_small) : 2e-2;                                 \
        ck_assert_msg((t_large) < 3.0 * k_ * base_,                                         \
                      "%s: %.0f items took %.3f s of CPU, %.0f items %.3f s (%.1fx for %.0fx)", \
                      (what), (double)(small), (t_small), (double)(large), (t_large),       \
                      (t_large) / base_, k_);                                               \
    } while (0)

static inline int vnfo_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Fixture for suites that sign, verify or draw randomness:
 * tcase_add_unchecked_fixture(tc, vnfo_test_setup_init, NULL). */
static inline void vnfo_test_setup_init(void)
{
    ck_assert_int_eq(vnfo_init(), VNFO_OK);
}

/* The directory of real captures, or NULL (the caller skips with a message). */
static inline const char *vnfo_test_pcap_dir(void)
{
    const char *d = getenv("VNFO_PCAP_DIR");
    return (d && *d) ? d : NULL;
}

/* A test allocator for vnfo_allocator_set(): counts allocations (alloc and
 * realloc) and, while its budget is not negative, lets only that many more
 * succeed.  Each test program has its own state. */
struct vnfo_test_alloc {
    long budget; /* allocations still allowed; -1: unlimited */
    long count;  /* allocations attempted since install */
};

static inline struct vnfo_test_alloc *vnfo_test_alloc_state(void)
{
    static struct vnfo_test_alloc state = {-1, 0};
    return &state;
}

static inline int vnfo_test_alloc_take(void)
{
    struct vnfo_test_alloc *s = vnfo_test_alloc_state();
    s->count++;
    if (s->budget < 0)
        return 1;
    if (s->budget == 0)
        return 0;
    s->budget--;
    return 1;
}

static inline void *vnfo_test_alloc_fn(void *ctx, size_t n)
{
    (void)ctx;
    return vnfo_test_alloc_take() ? malloc(n) : NULL;
}

static inline void *vnfo_test_realloc_fn(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return vnfo_test_alloc_take() ? realloc(p, n) : NULL;
}

static inline void vnfo_test_free_fn(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* Sets how many more allocations succeed (-1: all). */
static inline void vnfo_test_alloc_budget(long budget)
{
    vnfo_test_alloc_state()->budget = budget;
}

/* Installs the test allocator with a budget and a zero count. */
static inline void vnfo_test_allocator_install(long budget)
{
    vnfo_allocator a = {VNFO_ALLOCATOR_VERSION, vnfo_test_alloc_fn, vnfo_test_realloc_fn,
                        vnfo_test_free_fn, NULL};
    vnfo_test_alloc_state()->count = 0;
    vnfo_test_alloc_budget(budget);
    ck_assert_int_eq(vnfo_allocator_set(&a), VNFO_OK);
}

#endif
