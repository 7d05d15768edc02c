/* "Did you mean ...?": the closest known name by edit distance (optimal
 * string alignment: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1, so "nmae" is one step from "name"). */
#include <stdio.h>
#include <string.h>

#include "manifest_internal.h"

#define WORD_MAX 64

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Distance between a and b (both at most WORD_MAX bytes), case-insensitive
 * so "P95" suggests "p95".  Keeps three rows of the table (the swap looks
 * two rows back), 1.5 KB of stack. */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t rows[3][WORD_MAX + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            char x = a[i - 1] | 0x20, y = b[j - 1] | 0x20;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x == y ? 0 : 1));
            if (i > 1 && j > 1 && x == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == y &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

const char *mf_suggest(const char *word, const char *const *candidates)
{
    size_t n = strlen(word);
    if (n == 0 || n > WORD_MAX)
        return NULL;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (const char *const *c = candidates; *c; c++) {
        size_t m = strlen(*c);
        if (m > WORD_MAX)
            continue;
        size_t dist = distance(word, n, *c, m);
        if (dist < best_d) {
            best_d = dist;
            best = *c;
        }
    }
    /* A plausible typo changes at most a third of the longer word (and at
     * least one character is always allowed): "siphash24" -> "siphash-2-4"
     * (2 of 11) qualifies, "foo" -> "node_id" does not. */
    size_t longest = best ? (strlen(best) > n ? strlen(best) : n) : 0;
    size_t allowed = longest / 3 > 1 ? longest / 3 : 1;
    return best && best_d <= allowed ? best : NULL;
}

void mf_join(char *out, size_t size, const char *const *candidates)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *const *c = candidates; *c && n < size; c++) {
        int w = snprintf(out + n, size - n, "%s%s", c == candidates ? "" : ", ", *c);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}
