/* Driver of tests/python/test_account_guarantee.py: samples a population
 * many times with the library's own hash sampler and runs the total and
 * count checks on each sample, in bulk (no per-packet Python).
 *
 *   account_guarantee TRIALS DEN CONFIDENCE < population
 *
 * The population is one label per line: "m x1 ... xm", its m packets and
 * their values (hash sampling selects a label's packets together).  Each
 * trial draws a fresh sampler key, keeps the labels whose hash falls in the
 * rate 1/DEN, and prints one line:
 *
 *   T0 T5 T10 T30 C0 C5 C10 C30 lower upper
 *
 * the verdicts (0 consistent, 1 overcharged, 2 undercharged, 3
 * inconclusive) of the total check against the true total T inflated by
 * 0, 5, 10 and 30%, the same for the packet count, then the total's
 * interval (NaN when not computed).  Without arguments (make check) it
 * runs a small self-test and exits 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/vnfo.h>

struct population {
    size_t labels;
    size_t *start;  /* label i's values: values[start[i] .. start[i + 1]) */
    uint64_t *values;
    long double total;
    uint64_t packets;
};

static int read_population(struct population *pop, FILE *f)
{
    size_t cap_l = 1024, cap_v = 4096, nv = 0;
    pop->labels = 0;
    pop->start = malloc(cap_l * sizeof *pop->start);
    pop->values = malloc(cap_v * sizeof *pop->values);
    pop->total = 0;
    unsigned long long m;
    while (pop->start && pop->values && fscanf(f, "%llu", &m) == 1) {
        if (pop->labels + 2 > cap_l)
            pop->start = realloc(pop->start, (cap_l *= 2) * sizeof *pop->start);
        if (!pop->start)
            return 0;
        pop->start[pop->labels++] = nv;
        for (unsigned long long j = 0; j < m; j++) {
            unsigned long long x;
            if (fscanf(f, "%llu", &x) != 1)
                return 0;
            if (nv == cap_v)
                pop->values = realloc(pop->values, (cap_v *= 2) * sizeof *pop->values);
            if (!pop->values)
                return 0;
            pop->values[nv++] = x;
            pop->total += (long double)x;
        }
    }
    if (!pop->start || !pop->values)
        return 0;
    pop->start[pop->labels] = nv;
    pop->packets = nv;
    return pop->labels > 0;
}

static int code(const vnfo_account_result *r)
{
    switch (r->verdict) {
    case VNFO_ACCOUNT_CONSISTENT:
        return 0;
    case VNFO_ACCOUNT_OVERCHARGED:
        return 1;
    case VNFO_ACCOUNT_UNDERCHARGED:
        return 2;
    default:
        return 3;
    }
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const double INFLATE[4] = {1.0, 1.05, 1.10, 1.30};

/* One trial: sample with a fresh key, check, print one line. */
static int trial(const struct population *pop, uint64_t seed, uint64_t den, double conf,
                 uint64_t *mult, int codes[8], int print)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    for (size_t i = 0; i < sizeof key; i += 8) {
        uint64_t r = splitmix(&seed);
        memcpy(key + i, &r, 8);
    }
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    so.rate = (vnfo_rational){1, den};
    vnfo_sampler *s;
    vnfo_account_acc *acc;
    vnfo_sampler_range range;
    size_t nr;
    vnfo_rational p;
    if (vnfo_sampler_create(&s, &so, key, sizeof key) != VNFO_OK ||
        vnfo_sampler_ranges(&range, 1, &nr, s) != VNFO_OK || nr != 1 ||
        vnfo_sampler_probability(&p, s) != VNFO_OK || vnfo_account_acc_create(&acc, NULL) != VNFO_OK)
        return 0;
    size_t labels = 0;
    for (size_t i = 0; i < pop->labels; i++) {
        uint64_t label = i * 0x9E3779B97F4A7C15ull + 12345, h;
        vnfo_sampler_hash_bytes(&h, s, (const uint8_t *)&label, sizeof label);
        if (h < range.lo || h > range.hi)
            continue;
        size_t m = pop->start[i + 1] - pop->start[i];
        vnfo_account_acc_add_cluster(acc, pop->values + pop->start[i], m);
        mult[labels++] = m;
    }
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = conf;
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    double lower = NAN, upper = NAN;
    for (int k = 0; k < 4; k++) {
        uint64_t billed = (uint64_t)llroundl(pop->total * INFLATE[k]);
        int c = 3;
        if (labels && vnfo_account_total_check(&r, acc, billed, p, &o) == VNFO_OK)
            c = code(&r);
        if (k == 0 && labels && c != 3) {
            lower = r.lower;
            upper = r.upper;
        }
        codes[k] = c;
    }
    for (int k = 0; k < 4; k++) {
        uint64_t billed = (uint64_t)llround((double)pop->packets * INFLATE[k]);
        int c = 3;
        if (vnfo_account_count_check_clusters(&r, mult, labels, billed, p, &o) == VNFO_OK)
            c = code(&r);
        codes[4 + k] = c;
    }
    if (print) {
        for (int k = 0; k < 8; k++)
            printf("%d ", codes[k]);
        printf("%.17g %.17g\n", lower, upper);
    }
    vnfo_account_acc_free(acc);
    vnfo_sampler_free(s);
    return 1;
}

/* make check: 2,000 labels (every tenth repeated 3 times), 200 samples at
 * 1/4 and 99%: honest bills are rarely accused (expected 2 of 200, 10
 * allowed), bills inflated by 30% are caught. */
static int self_test(void)
{
    struct population pop = {0};
    pop.labels = 2000;
    pop.start = malloc((pop.labels + 1) * sizeof *pop.start);
    pop.values = malloc(3 * pop.labels * sizeof *pop.values);
    uint64_t *mult = malloc(pop.labels * sizeof *mult);
    int ok = pop.start && pop.values && mult;
    size_t nv = 0;
    for (size_t i = 0; ok && i < pop.labels; i++) {
        pop.start[i] = nv;
        for (size_t j = 0; j < (i % 10 == 0 ? 3u : 1u); j++) {
            pop.values[nv++] = 100 + i % 50;
            pop.total += 100 + i % 50;
        }
    }
    if (ok)
        pop.start[pop.labels] = pop.packets = nv;
    int accused[2] = {0, 0}, caught[2] = {0, 0}, codes[8];
    for (unsigned t = 0; ok && t < 200; t++) {
        ok = trial(&pop, 0xc0ffee00ull + t, 4, 0.99, mult, codes, 0);
        for (int c = 0; c < 2; c++) {
            accused[c] += codes[4 * c] == 1 || codes[4 * c] == 2;
            caught[c] += codes[4 * c + 3] == 1;
        }
    }
    free(pop.start);
    free(pop.values);
    free(mult);
    if (!ok || accused[0] > 10 || accused[1] > 10 || caught[0] < 190 || caught[1] < 190) {
        fprintf(stderr, "account_guarantee: self-test failed: accused %d/%d, caught %d/%d of 200\n",
                accused[0], accused[1], caught[0], caught[1]);
        return 1;
    }
    printf("account_guarantee: honest accused %d and %d of 200, +30%% caught %d and %d\n",
           accused[0], accused[1], caught[0], caught[1]);
    return 0;
}

int main(int argc, char **argv)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    if (argc < 4)
        return self_test();
    unsigned long trials = strtoul(argv[1], NULL, 10);
    uint64_t den = strtoull(argv[2], NULL, 10);
    double conf = strtod(argv[3], NULL);
    struct population pop;
    if (!read_population(&pop, stdin)) {
        fprintf(stderr, "account_guarantee: bad population\n");
        return 1;
    }
    uint64_t *mult = malloc((pop.labels + 1) * sizeof *mult);
    int ok = mult != NULL;
    for (unsigned long t = 0; ok && t < trials; t++)
    {
        int codes[8];
        ok = trial(&pop, 0x5eed0000ull + t, den, conf, mult, codes, 1);
    }
    free(mult);
    free(pop.start);
    free(pop.values);
    return ok ? 0 : 1;
}
