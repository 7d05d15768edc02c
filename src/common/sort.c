/* Sorting arrays of uint64_t without a call per comparison.
 *
 * The account module's quantiles sort every kept value (100,000 delays per
 * SLA entry in bench/bench_verify), and qsort's merge sort called
 * cmp_u64 through a pointer for each of its n log n comparisons and copied
 * through a buffer: a tenth of the verifier's SLA stage.  This is an
 * introsort with the comparison inlined: quicksort around a median of
 * three, insertion sort for short ranges, heapsort past 2 log2 n levels (no
 * input makes it worse than O(n log n)); the smaller side is recursed into
 * (O(log n) stack).  It allocates nothing.  Equal values are
 * indistinguishable, so the result is the one any correct sort gives. */
#include "internal.h"

#define SHORT 16

static void insertion(uint64_t *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t v = x[i];
        size_t j = i;
        for (; j > 0 && v < x[j - 1]; j--)
            x[j] = x[j - 1];
        x[j] = v;
    }
}

static void sift_down(uint64_t *x, size_t i, size_t n)
{
    uint64_t v = x[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && x[c] < x[c + 1])
            c++;
        if (!(v < x[c]))
            break;
        x[i] = x[c];
        i = c;
    }
    x[i] = v;
}

static void heap(uint64_t *x, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(x, i, n);
    for (size_t e = n; e-- > 1;) {
        uint64_t t = x[0];
        x[0] = x[e];
        x[e] = t;
        sift_down(x, 0, e);
    }
}

static void swap(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;
    *a = *b;
    *b = t;
}

/* Hoare's partition around the median of x[0], x[n/2], x[n-1] (n > 2):
 * returns j with x[0..j] <= pivot <= x[j+1..n-1], both sides non-empty. */
static size_t partition(uint64_t *x, size_t n)
{
    size_t mid = n / 2;
    if (x[mid] < x[0])
        swap(&x[mid], &x[0]);
    if (x[n - 1] < x[mid])
        swap(&x[n - 1], &x[mid]);
    if (x[mid] < x[0])
        swap(&x[mid], &x[0]);
    uint64_t p = x[mid];
    size_t i = 0, j = n - 1;
    for (;;) {
        while (x[i] < p)
            i++;
        while (p < x[j])
            j--;
        if (i >= j)
            return j;
        swap(&x[i], &x[j]);
        i++;
        j--;
    }
}

static void intro(uint64_t *x, size_t n, unsigned depth)
{
    while (n > SHORT) {
        if (depth-- == 0) {
            heap(x, n);
            return;
        }
        size_t j = partition(x, n) + 1; /* [0, j) and [j, n) */
        if (j < n - j) {
            intro(x, j, depth);
            x += j;
            n -= j;
        } else {
            intro(x + j, n - j, depth);
            n = j;
        }
    }
    insertion(x, n);
}

void vnfo__sort_u64(uint64_t *x, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    if (n > 1)
        intro(x, n, depth);
}
