/* vnfo__sort_u64 (src/common/sort.c, compiled into this test) against
 * qsort with a comparison: the same order for every shape of input,
 * including the ones that push a quicksort to its worst case (sorted,
 * reversed, all equal, organ pipe, a median-of-three killer), where the
 * introsort's heapsort takes over. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

enum { RANDOM, FEW, SORTED, REVERSED, EQUAL, ORGAN, KILLER, SHAPES };

static void fill(uint64_t *x, size_t n, int shape)
{
    for (size_t i = 0; i < n; i++) {
        switch (shape) {
        case RANDOM: x[i] = next(); break;
        case FEW: x[i] = next() % 3; break;
        case SORTED: x[i] = i; break;
        case REVERSED: x[i] = UINT64_MAX - i; break;
        case EQUAL: x[i] = 42; break;
        case ORGAN: x[i] = i < n / 2 ? i : n - i; break;
        default: x[i] = i % 2 ? i : n / 2 + i / 2; break; /* median-of-three killer */
        }
    }
}

static void check_one(size_t n, int shape)
{
    uint64_t *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    fill(x, n, shape);
    memcpy(y, x, n * sizeof *x);
    vnfo__sort_u64(x, n);
    if (n > 1)
        qsort(y, n, sizeof *y, cmp_u64);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(x[i] == y[i], "n %zu shape %d: place %zu holds %llu, qsort gives %llu", n, shape, i,
                      (unsigned long long)x[i], (unsigned long long)y[i]);
    free(x);
    free(y);
}

START_TEST(test_sort_u64_matches_qsort)
{
    static const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 33, 100, 1000, 4097, 100000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int shape = 0; shape < SHAPES; shape++)
            check_one(sizes[s], shape);
    vnfo__sort_u64(NULL, 0); /* an empty array may be NULL */
}
END_TEST

static Suite *sort_suite(void)
{
    Suite *s = suite_create("sort");
    TCase *tc = tcase_create("u64");
    tcase_add_test(tc, test_sort_u64_matches_qsort);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(sort_suite());
}
