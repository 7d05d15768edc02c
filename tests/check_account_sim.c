/* Simulation tests of the account checks on synthetic populations with
 * known totals, quantiles and violation rates.  Deterministic (fixed seed),
 * and the tolerances are set so that a correct implementation fails with
 * probability below 1e-4 for any seed: the seed is not cherry-picked.
 *
 * Each trial samples a population of N = 10,000 values with p ≈ 1/10 (the
 * sampler's rule: select when a 64-bit hash is below p·2^64), giving
 * n ≈ 1,000, and runs the checks on the sample. */
#include <math.h>
#include <stdio.h>

#include <vnfo/account.h>

#include "testutil.h"

enum { POP = 10000, TRIALS = 2000 };

/* p = 0x199999999999999A / 2^64 ≈ 0.1, exactly what the sampler reports. */
static const vnfo_rational P = {0x199999999999999Aull, 0};

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t population[POP];
static uint64_t sorted_population[POP];
static uint64_t true_total;
static double true_se; /* √((1-p)/p · Σx²) over the population */

/* A skewed mixture: 80% small values, 20% large ones (G1 ≈ 1.3, so
 * Cochran's rule holds for n ≈ 1000). */
static void make_population(void)
{
    double s2 = 0, p = vnfo_rational_to_double(P);
    true_total = 0;
    for (int i = 0; i < POP; i++) {
        uint64_t r = rng();
        population[i] = r % 5 ? 500 + rng() % 1000 : 2000 + rng() % 4000;
        true_total += population[i];
        s2 += (double)population[i] * (double)population[i];
        sorted_population[i] = population[i];
    }
    true_se = sqrt((1 - p) / p * s2);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static vnfo_account_acc *sample(void)
{
    vnfo_account_acc *a;
    ck_assert_status(vnfo_account_acc_create(&a, NULL), VNFO_OK);
    for (int i = 0; i < POP; i++)
        if (rng() < P.num)
            vnfo_account_acc_add(a, population[i]);
    return a;
}

static vnfo_account_verdict total_verdict(vnfo_account_acc *a, uint64_t billed, double confidence,
                                          vnfo_account_method method, uint64_t m)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = confidence;
    o.method = method;
    o.max_value = m;
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    ck_assert_status(vnfo_account_total_check(&r, a, billed, P, &o), VNFO_OK);
    ck_assert_int_ne(r.verdict, VNFO_ACCOUNT_INCONCLUSIVE);
    return r.verdict;
}

/* Counts of misses over the trials.  With a true miss rate of 1%, the
 * number of misses in 2,000 trials is Binomial(2000, 0.01): mean 20, sd
 * 4.45; P(more than 40) ≈ 2e-5.  So "the 99% interval covers the truth in at
 * least 98% of trials" fails a correct implementation with probability
 * about 2e-5, while a method with a real coverage of 97% (60 misses
 * expected) fails it almost surely.
 *
 * Power: a two-sided level-α z test against a shift of 3 standard errors
 * flags with probability Φ(3 - z_{1-α/2}); at 99% that is only 0.66, so
 * "flagged at least 90%" is tested at 80% confidence, where the power is
 * Φ(3 - 1.2816) = 0.957: 90% is 12 binomial sds below (sd 0.0045).
 * The honest bill at 80% is flagged with probability 0.2: sd 0.0089 over
 * 2,000 trials, so at most 0.235 (3.9 sd) is allowed. */
START_TEST(test_total_coverage_power_and_level)
{
    make_population();
    int miss99 = 0, miss_bernstein = 0, flagged80 = 0, over_flagged80 = 0;
    uint64_t over_bill = true_total + (uint64_t)llround(3.0 * true_se);
    for (int t = 0; t < TRIALS; t++) {
        vnfo_account_acc *a = sample();
        miss99 += total_verdict(a, true_total, 0.99, VNFO_ACCOUNT_METHOD_AUTO, 0) !=
                  VNFO_ACCOUNT_CONSISTENT;
        miss_bernstein += total_verdict(a, true_total, 0.99, VNFO_ACCOUNT_METHOD_BERNSTEIN, 6000) !=
                          VNFO_ACCOUNT_CONSISTENT;
        flagged80 += total_verdict(a, true_total, 0.80, VNFO_ACCOUNT_METHOD_AUTO, 0) !=
                     VNFO_ACCOUNT_CONSISTENT;
        over_flagged80 += total_verdict(a, over_bill, 0.80, VNFO_ACCOUNT_METHOD_AUTO, 0) ==
                          VNFO_ACCOUNT_OVERCHARGED;
        vnfo_account_acc_free(a);
    }
    printf("total: 99%% misses %d/%d, Bernstein misses %d, honest flagged at 80%% %d, "
           "3 SE over-bill flagged at 80%% %d\n",
           miss99, TRIALS, miss_bernstein, flagged80, over_flagged80);
    ck_assert_int_le(miss99, TRIALS / 50);              /* coverage >= 98% */
    ck_assert_int_le(miss_bernstein, TRIALS / 50);      /* distribution-free: >= 99% in theory */
    ck_assert_int_le(flagged80, (int)(0.235 * TRIALS)); /* level respected */
    ck_assert_int_ge(over_flagged80, (int)(0.90 * TRIALS));
}
END_TEST

/* The order-statistic interval of the p95 covers the population p95.  Its
 * coverage is at least 95% by construction (more, since ranks are discrete);
 * with 2,000 trials the sd is 0.0049, so at least 93.5% (3 sd) is asked. */
START_TEST(test_quantile_coverage)
{
    make_population();
    qsort(sorted_population, POP, sizeof sorted_population[0], cmp_u64);
    uint64_t truth = sorted_population[(int)ceil(0.95 * POP) - 1];
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = 0.95;
    int covered = 0;
    for (int t = 0; t < TRIALS; t++) {
        vnfo_account_acc *a = sample();
        vnfo_account_result r;
        vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
        ck_assert_status(vnfo_account_quantile_check(&r, a, 0.95, truth, &o), VNFO_OK);
        covered += r.verdict == VNFO_ACCOUNT_CONSISTENT;
        vnfo_account_acc_free(a);
    }
    printf("quantile: p95 interval covered the truth %d/%d\n", covered, TRIALS);
    ck_assert_int_ge(covered, (int)(0.935 * TRIALS));
}
END_TEST

/* Minimality: 0.5% of packets exceed their slack.  The one-sided 95%
 * Clopper-Pearson upper bound is at or above 0.5% in at least 93.5% of
 * trials (same tolerance argument as above). */
START_TEST(test_minimality_coverage)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = 0.95;
    int covered = 0;
    for (int t = 0; t < TRIALS; t++) {
        uint64_t n = 0, v = 0;
        for (int i = 0; i < POP; i++) {
            if (rng() >= P.num)
                continue;
            n++;
            v += (i % 200) == 0; /* exactly 0.5% of the population violates */
        }
        vnfo_account_result r;
        vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
        ck_assert_status(vnfo_account_minimality_check(&r, n, v, &o), VNFO_OK);
        covered += r.upper >= 0.005;
    }
    printf("minimality: upper bound covered the 0.5%% rate %d/%d\n", covered, TRIALS);
    ck_assert_int_ge(covered, (int)(0.935 * TRIALS));
}
END_TEST

/* The billed packet count: the honest count is flagged at most at rate α
 * (99%: expected <= 20 of 2,000, allowed 40 as above), and a count inflated
 * by 10% (N = 11,000 for 10,000 packets, 3.2 sd of n) is flagged in most
 * trials (power ≈ 0.75 at 99%; at least 65% asked, 10 sd below). */
START_TEST(test_count_level_and_power)
{
    int honest_flagged = 0, inflated_flagged = 0;
    for (int t = 0; t < TRIALS; t++) {
        uint64_t n = 0;
        for (int i = 0; i < POP; i++)
            n += rng() < P.num;
        vnfo_account_result r;
        vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
        ck_assert_status(vnfo_account_count_check(&r, n, POP, P, NULL), VNFO_OK);
        honest_flagged += r.verdict != VNFO_ACCOUNT_CONSISTENT;
        ck_assert_status(vnfo_account_count_check(&r, n, POP + POP / 10, P, NULL), VNFO_OK);
        inflated_flagged += r.verdict == VNFO_ACCOUNT_OVERCHARGED;
    }
    printf("count: honest flagged %d/%d, +10%% flagged %d\n", honest_flagged, TRIALS,
           inflated_flagged);
    ck_assert_int_le(honest_flagged, TRIALS / 50);
    ck_assert_int_ge(inflated_flagged, (int)(0.65 * TRIALS));
}
END_TEST

static Suite *sim_suite(void)
{
    Suite *s = suite_create("account simulation");
    TCase *tc = tcase_create("sim");
    tcase_add_test(tc, test_total_coverage_power_and_level);
    tcase_add_test(tc, test_quantile_coverage);
    tcase_add_test(tc, test_minimality_coverage);
    tcase_add_test(tc, test_count_level_and_power);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(sim_suite());
}
