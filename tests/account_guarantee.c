/* Driver of tests/python/test_account_guarantee.py: samples a population
 * many times with the library's own hash sampler and runs every check on
 * each sample, in bulk (no per-packet Python).
 *
 *   account_guarantee TRIALS CONFIDENCE DEN... [--no-count] < population
 *
 * The population is one label per line: "m v x1 ... xm", its m packets,
 * whether they violate their minimality slack (v = 0 or 1: a label's
 * copies violate together) and their values (hash sampling selects a
 * label's packets together).  Each trial draws a fresh sampler key, hashes
 * every label once, and for each rate 1/DEN keeps the labels whose hash
 * falls in that rate's range; it prints one line per rate:
 *
 *   DEN T0 T5 T10 T30 C0 C5 C10 C30 Q0 Q5 Q10 Q30 S0 S5 S10 S30 M0 M5 M10 M30 lower upper
 *
 * the verdict codes (0 consistent or PASS, 1 overcharged or FAIL, 2
 * undercharged, 3 inconclusive) of
 *   T: the total check against the true total inflated by 0, 5, 10, 30%;
 *   C: the packet count (clusters) likewise;
 *   Q: the p95 check (clusters) against the true p95 of the packets,
 *      inflated likewise;
 *   S: the SLA mean (clusters): the values as delays, the limit the true
 *      mean divided by 1, 1.05, 1.10, 1.30 (the provider exceeds it by
 *      that much);
 *   M: minimality (clusters): the tolerated rate the true violation rate
 *      divided likewise;
 * then the total's interval (NaN when not computed).  --no-count skips
 * the count check (codes 3): with one packet per label it depends on the
 * number of labels and the key alone, so populations of equal size share
 * it, and it is the costliest check (exact binomial searches).  Without arguments
 * (make check) it runs a small self-test and exits 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/vnfo.h>

struct population {
    size_t labels;
    size_t *start;   /* label i's values: values[start[i] .. start[i + 1]) */
    uint64_t *values;
    uint8_t *violates;
    long double total;
    uint64_t packets, violating;
    uint64_t p95;    /* the packets' true 95th percentile, x_(ceil(0.95 N)) */
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The true p95 and the violating packets, once all labels are in. */
static int population_finish(struct population *pop)
{
    uint64_t *sorted = malloc((pop->packets + 1) * sizeof *sorted);
    if (!sorted)
        return 0;
    memcpy(sorted, pop->values, pop->packets * sizeof *sorted);
    qsort(sorted, pop->packets, sizeof *sorted, cmp_u64);
    uint64_t rank = (95 * pop->packets + 99) / 100; /* ceil(0.95 N) */
    pop->p95 = sorted[rank - 1];
    free(sorted);
    pop->violating = 0;
    for (size_t i = 0; i < pop->labels; i++)
        if (pop->violates[i])
            pop->violating += pop->start[i + 1] - pop->start[i];
    return 1;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap * 2 > need ? *cap * 2 : need;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

static int read_population(struct population *pop, FILE *f)
{
    size_t cap_l = 0, cap_v = 0, cap_f = 0, nv = 0;
    memset(pop, 0, sizeof *pop);
    unsigned long long m, viol;
    while (fscanf(f, "%llu %llu", &m, &viol) == 2) {
        if (!grow((void **)&pop->start, &cap_l, pop->labels + 2, sizeof *pop->start) ||
            !grow((void **)&pop->violates, &cap_f, pop->labels + 1, 1) ||
            !grow((void **)&pop->values, &cap_v, nv + m, sizeof *pop->values) || m == 0)
            return 0;
        pop->violates[pop->labels] = viol != 0;
        pop->start[pop->labels++] = nv;
        for (unsigned long long j = 0; j < m; j++) {
            unsigned long long x;
            if (fscanf(f, "%llu", &x) != 1)
                return 0;
            pop->values[nv++] = x;
            pop->total += (long double)x;
        }
    }
    if (!pop->labels)
        return 0;
    pop->start[pop->labels] = nv;
    pop->packets = nv;
    return population_finish(pop);
}

static void population_free(struct population *pop)
{
    free(pop->start);
    free(pop->values);
    free(pop->violates);
}

static int code(const vnfo_account_result *r)
{
    switch (r->verdict) {
    case VNFO_ACCOUNT_CONSISTENT:
    case VNFO_ACCOUNT_PASS:
        return 0;
    case VNFO_ACCOUNT_OVERCHARGED:
    case VNFO_ACCOUNT_FAIL:
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

/* The sample of one rate, label by label. */
struct sample {
    uint64_t *mult, *values, *viol;
    size_t labels, n;
};

/* Runs the five checks on one sample; codes[20], interval[2]. */
static int skip_count; /* --no-count */

static void run_checks(const struct population *pop, const struct sample *smp, vnfo_rational p,
                       double conf, int codes[20], double interval[2])
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = conf;
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_account_acc *acc = NULL;
    int ok = smp->labels && vnfo_account_acc_create(&acc, NULL) == VNFO_OK;
    const uint64_t *v = smp->values;
    for (size_t i = 0; ok && i < smp->labels; v += smp->mult[i], i++)
        ok = vnfo_account_acc_add_cluster(acc, v, (size_t)smp->mult[i]) == VNFO_OK;
    interval[0] = interval[1] = NAN;
    double mean = (double)(pop->total / (long double)pop->packets);
    double rate = (double)pop->violating / (double)pop->packets;
    for (int k = 0; k < 4; k++) {
        uint64_t billed = (uint64_t)llroundl(pop->total * INFLATE[k]);
        int *c = codes;
        for (int j = 0; j < 5; j++)
            c[4 * j + k] = 3;
        if (ok && vnfo_account_total_check(&r, acc, billed, p, &o) == VNFO_OK) {
            c[k] = code(&r);
            if (k == 0 && c[k] != 3) {
                interval[0] = r.lower;
                interval[1] = r.upper;
            }
        }
        billed = (uint64_t)llround((double)pop->packets * INFLATE[k]);
        if (!skip_count &&
            vnfo_account_count_check_clusters(&r, smp->mult, smp->labels, billed, p, &o) == VNFO_OK)
            c[4 + k] = code(&r);
        billed = (uint64_t)llround((double)pop->p95 * INFLATE[k]);
        if (ok && vnfo_account_quantile_check_clusters(&r, smp->values, smp->mult, smp->labels, 0.95,
                                                       billed, &o) == VNFO_OK)
            c[8 + k] = code(&r);
        if (ok && vnfo_account_performance_check_clusters(&r, smp->values, smp->mult, smp->labels,
                                                          VNFO_ACCOUNT_METRIC_MEAN,
                                                          mean / INFLATE[k], &o) == VNFO_OK)
            c[12 + k] = code(&r);
        o.tolerated_rate = rate / INFLATE[k];
        if (smp->labels && vnfo_account_minimality_check_clusters(&r, smp->mult, smp->viol,
                                                                  smp->labels, &o) == VNFO_OK)
            c[16 + k] = code(&r);
        o.tolerated_rate = 0.01;
    }
    vnfo_account_acc_free(acc);
}

/* A sampler for rate 1/den with the given key. */
static vnfo_sampler *sampler_for(const uint8_t *key, size_t len, uint64_t den, vnfo_sampler_range *range,
                                 vnfo_rational *p)
{
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    so.rate = (vnfo_rational){1, den};
    vnfo_sampler *s;
    size_t nr;
    if (vnfo_sampler_create(&s, &so, key, len) != VNFO_OK)
        return NULL;
    if (vnfo_sampler_ranges(range, 1, &nr, s) != VNFO_OK || nr != 1 ||
        vnfo_sampler_probability(p, s) != VNFO_OK) {
        vnfo_sampler_free(s);
        return NULL;
    }
    return s;
}

#define MAX_RATES 8

/* One trial: a fresh key, every label hashed once, one line per rate
 * (when print), the codes of the last rate in codes. */
static int trial(const struct population *pop, uint64_t seed, const uint64_t *dens, int n_dens,
                 double conf, struct sample *smp, uint64_t *hashes, int codes[MAX_RATES][20],
                 int print)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    for (size_t i = 0; i < sizeof key; i += 8) {
        uint64_t r = splitmix(&seed);
        memcpy(key + i, &r, 8);
    }
    vnfo_sampler *s[MAX_RATES];
    vnfo_sampler_range range[MAX_RATES];
    vnfo_rational p[MAX_RATES];
    int ok = 1;
    for (int d = 0; d < n_dens; d++)
        ok &= (s[d] = sampler_for(key, sizeof key, dens[d], &range[d], &p[d])) != NULL;
    for (size_t i = 0; ok && i < pop->labels; i++) {
        uint64_t label = i * 0x9E3779B97F4A7C15ull + 12345;
        vnfo_sampler_hash_bytes(&hashes[i], s[0], (const uint8_t *)&label, sizeof label);
    }
    /* The hash depends on the key alone, not on the rate: one pass serves
     * every rate (checked on the first label). */
    for (int d = 1; ok && d < n_dens; d++) {
        uint64_t label = 12345, h;
        vnfo_sampler_hash_bytes(&h, s[d], (const uint8_t *)&label, sizeof label);
        ok = h == hashes[0];
    }
    for (int d = 0; ok && d < n_dens; d++) {
        smp->labels = smp->n = 0;
        for (size_t i = 0; i < pop->labels; i++) {
            if (hashes[i] < range[d].lo || hashes[i] > range[d].hi)
                continue;
            size_t m = pop->start[i + 1] - pop->start[i];
            memcpy(smp->values + smp->n, pop->values + pop->start[i], m * sizeof *smp->values);
            smp->n += m;
            smp->viol[smp->labels] = pop->violates[i] ? m : 0;
            smp->mult[smp->labels++] = m;
        }
        double interval[2];
        run_checks(pop, smp, p[d], conf, codes[d], interval);
        if (print) {
            printf("%llu", (unsigned long long)dens[d]);
            for (int k = 0; k < 20; k++)
                printf(" %d", codes[d][k]);
            printf(" %.17g %.17g\n", interval[0], interval[1]);
        }
    }
    for (int d = 0; d < n_dens; d++)
        vnfo_sampler_free(s[d]);
    return ok;
}

static int sample_alloc(struct sample *smp, uint64_t **hashes, const struct population *pop)
{
    smp->mult = malloc((pop->labels + 1) * sizeof *smp->mult);
    smp->viol = malloc((pop->labels + 1) * sizeof *smp->viol);
    smp->values = malloc((pop->packets + 1) * sizeof *smp->values);
    *hashes = malloc((pop->labels + 1) * sizeof **hashes);
    return smp->mult && smp->viol && smp->values && *hashes;
}

static void sample_free(struct sample *smp, uint64_t *hashes)
{
    free(smp->mult);
    free(smp->viol);
    free(smp->values);
    free(hashes);
}

/* make check: 2,000 labels (every tenth repeated 3 times, every
 * twentieth violating), 200 samples at 1/4 and 99%: honest bills are
 * rarely accused (expected 2 of 200, 10 allowed), bills inflated by 30%
 * are caught by the total and the count. */
static int self_test(void)
{
    struct population pop = {0};
    pop.labels = 2000;
    pop.start = malloc((pop.labels + 1) * sizeof *pop.start);
    pop.values = malloc(3 * pop.labels * sizeof *pop.values);
    pop.violates = malloc(pop.labels);
    struct sample smp = {0};
    uint64_t *hashes = NULL;
    int ok = pop.start && pop.values && pop.violates;
    size_t nv = 0;
    for (size_t i = 0; ok && i < pop.labels; i++) {
        pop.start[i] = nv;
        pop.violates[i] = i % 20 == 7;
        for (size_t j = 0; j < (i % 10 == 0 ? 3u : 1u); j++) {
            pop.values[nv++] = 100 + i % 50;
            pop.total += 100 + i % 50;
        }
    }
    if (ok) {
        pop.start[pop.labels] = pop.packets = nv;
        ok = population_finish(&pop) && sample_alloc(&smp, &hashes, &pop);
    }
    static const uint64_t dens[1] = {4};
    int accused[5] = {0}, caught[2] = {0, 0}, codes[MAX_RATES][20];
    for (unsigned t = 0; ok && t < 200; t++) {
        ok = trial(&pop, 0xc0ffee00ull + t, dens, 1, 0.99, &smp, hashes, codes, 0);
        for (int c = 0; c < 5; c++)
            accused[c] += codes[0][4 * c] == 1 || codes[0][4 * c] == 2;
        for (int c = 0; c < 2; c++)
            caught[c] += codes[0][4 * c + 3] == 1;
    }
    population_free(&pop);
    sample_free(&smp, hashes);
    int bad = !ok || caught[0] < 190 || caught[1] < 190;
    for (int c = 0; c < 5; c++)
        bad |= accused[c] > 10;
    if (bad) {
        fprintf(stderr, "account_guarantee: self-test failed: accused %d/%d/%d/%d/%d, caught %d/%d of 200\n",
                accused[0], accused[1], accused[2], accused[3], accused[4], caught[0], caught[1]);
        return 1;
    }
    printf("account_guarantee: honest accused %d, %d, %d, %d, %d of 200, +30%% caught %d and %d\n",
           accused[0], accused[1], accused[2], accused[3], accused[4], caught[0], caught[1]);
    return 0;
}

int main(int argc, char **argv)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    if (argc < 4)
        return self_test();
    unsigned long trials = strtoul(argv[1], NULL, 10);
    double conf = strtod(argv[2], NULL);
    uint64_t dens[MAX_RATES];
    int n_dens = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--no-count") == 0)
            skip_count = 1;
        else if (n_dens < MAX_RATES)
            dens[n_dens++] = strtoull(argv[i], NULL, 10);
    }
    if (n_dens == 0)
        return 1;
    struct population pop;
    if (!read_population(&pop, stdin)) {
        fprintf(stderr, "account_guarantee: bad population\n");
        return 1;
    }
    struct sample smp = {0};
    uint64_t *hashes = NULL;
    int ok = sample_alloc(&smp, &hashes, &pop), codes[MAX_RATES][20];
    for (unsigned long t = 0; ok && t < trials; t++)
        ok = trial(&pop, 0x5eed0000ull + t, dens, n_dens, conf, &smp, hashes, codes, 1);
    sample_free(&smp, hashes);
    population_free(&pop);
    return ok ? 0 : 1;
}
