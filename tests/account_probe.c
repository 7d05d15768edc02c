/* Probe of the account module's statistics for tests/python/
 * test_account_scipy.py, which compares its answers with scipy.stats.
 *
 *   account_probe --stdin   reads one command per line, prints one line each:
 *     normq P                  Φ^-1(P)
 *     normcdf X                Φ(X)
 *     tq P DF                  Student t quantile
 *     betainc X A B            I_X(A, B)
 *     betaq P A B              I^-1_P(A, B)
 *     binomcdf K N P           P(Bin(N, P) <= K)
 *     cp K N CONF              two-sided Clopper-Pearson interval: lower upper
 *     minimality N V CONF TAU  public check: verdict lower upper p
 *     ranks N Q CONF           order-statistic ranks: l u
 *     count N BILLED NUM DEN CONF   public check: verdict lower upper p rate_lower rate_upper
 *     quantile Q BILLED CONF V...   public check: verdict lower upper l u p
 *     total B NUM DEN CONF METHOD M V...  public check: verdict method
 *                              estimate se lower upper p skewness cochran_ok
 *     lbeta A B                log B(A, B)
 *     btail K N NUM DEN        P(X <= K) P(X >= K), X ~ Bin(N, NUM/DEN), K and N
 *                              exact integers up to 2^64 - 1
 *     cp1 K N TAIL             one-sided Clopper-Pearson bounds at exact K, N
 *     qrank N Q                rank of the sample Q-quantile of N values
 *     squantile MAXV Q BILLED CONF V...  as quantile, sketch mode beyond MAXV values
 *     cquantile Q BILLED CONF M X... M X...  cluster sample (each label: its
 *                              multiplicity M, then its M values): as quantile,
 *                              plus the effective sample size
 *   Failures print "error <STATUS> <message>".
 *   account_probe           (as run by make check) checks a few textbook
 *                           values and exits 1 on a mismatch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vnfo/vnfo.h>

#include "account/account_internal.h"

#define MAX_ARGS 4096

static void print_error(vnfo_status s)
{
    printf("error %s %s\n", vnfo_status_name(s), vnfo_error_message());
}

static void run_minimality(double *a, char **raw)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = a[2];
    o.tolerated_rate = a[3];
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s = vnfo_account_minimality_check(&r, strtoull(raw[0], NULL, 10),
                                                  strtoull(raw[1], NULL, 10), &o);
    if (s != VNFO_OK)
        print_error(s);
    else
        printf("%s %.17g %.17g %.17g\n", vnfo_account_verdict_name(r.verdict), r.lower, r.upper,
               r.p_value);
}

static void run_count(double *a, char **raw)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = a[4];
    vnfo_rational p = {strtoull(raw[2], NULL, 10), strtoull(raw[3], NULL, 10)};
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s = vnfo_account_count_check(&r, strtoull(raw[0], NULL, 10),
                                             strtoull(raw[1], NULL, 10), p, &o);
    if (s != VNFO_OK)
        print_error(s);
    else
        printf("%s %.17g %.17g %.17g %.17g %.17g\n", vnfo_account_verdict_name(r.verdict), r.lower,
               r.upper, r.p_value, r.rate_lower, r.rate_upper);
}

/* max_values 0 keeps the default; otherwise the accumulator switches to
 * its sketch beyond max_values values. */
static void run_quantile(double *a, int n, uint64_t max_values)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = a[2];
    vnfo_account_acc *acc;
    vnfo_account_acc_options ao = VNFO_ACCOUNT_ACC_OPTIONS_INIT;
    if (max_values)
        ao.max_values = max_values;
    if (vnfo_account_acc_create(&acc, &ao) != VNFO_OK) {
        print_error(vnfo_error_status());
        return;
    }
    for (int i = 3; i < n; i++)
        vnfo_account_acc_add(acc, (uint64_t)a[i]);
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s = vnfo_account_quantile_check(&r, acc, a[0], (uint64_t)a[1], &o);
    if (s != VNFO_OK)
        print_error(s);
    else
        printf("%s %.17g %.17g %llu %llu %.17g\n", vnfo_account_verdict_name(r.verdict), r.lower,
               r.upper, (unsigned long long)r.rank_lower, (unsigned long long)r.rank_upper,
               r.p_value);
    vnfo_account_acc_free(acc);
}

/* cquantile Q BILLED CONF then labels "M X1 .. XM". */
static void run_cquantile(double *a, int n, char **raw)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = a[2];
    uint64_t *vals = malloc((size_t)n * sizeof *vals), *mult = malloc((size_t)n * sizeof *mult);
    size_t nv = 0, labels = 0;
    for (int i = 3; vals && mult && i < n;) {
        uint64_t m = strtoull(raw[i++], NULL, 10);
        mult[labels++] = m;
        for (uint64_t j = 0; j < m && i < n; j++)
            vals[nv++] = strtoull(raw[i++], NULL, 10);
    }
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s = vals && mult ? vnfo_account_quantile_check_clusters(&r, vals, mult, labels, a[0],
                                                                        strtoull(raw[1], NULL, 10), &o)
                                 : VNFO_E_NO_MEMORY;
    if (s != VNFO_OK)
        print_error(s);
    else
        printf("%s %.17g %.17g %llu %llu %.17g %.17g\n", vnfo_account_verdict_name(r.verdict),
               r.lower, r.upper, (unsigned long long)r.rank_lower,
               (unsigned long long)r.rank_upper, r.p_value, r.statistic);
    free(vals);
    free(mult);
}

/* total BILLED NUM DEN CONF METHOD M V...: METHOD 0 auto, 1 normal, 2 bernstein. */
static void run_total(double *a, int n, char **raw)
{
    vnfo_account_options o = VNFO_ACCOUNT_OPTIONS_INIT;
    o.confidence = a[3];
    o.method = (vnfo_account_method)a[4];
    o.max_value = strtoull(raw[5], NULL, 10);
    vnfo_rational p = {strtoull(raw[1], NULL, 10), strtoull(raw[2], NULL, 10)};
    vnfo_account_acc *acc;
    if (vnfo_account_acc_create(&acc, NULL) != VNFO_OK) {
        print_error(vnfo_error_status());
        return;
    }
    for (int i = 6; i < n; i++)
        vnfo_account_acc_add(acc, strtoull(raw[i], NULL, 10));
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s = vnfo_account_total_check(&r, acc, strtoull(raw[0], NULL, 10), p, &o);
    if (s != VNFO_OK)
        print_error(s);
    else
        printf("%s %s %.17g %.17g %.17g %.17g %.17g %.17g %d\n",
               vnfo_account_verdict_name(r.verdict), vnfo_account_method_name(r.method),
               r.estimate, r.std_error, r.lower, r.upper, r.p_value, r.skewness, r.cochran_ok);
    vnfo_account_acc_free(acc);
}

static void run_command(const char *cmd, double *a, int n, char **raw)
{
    if (strcmp(cmd, "normq") == 0 && n == 1) {
        printf("%.17g\n", vnfo__normal_quantile(a[0]));
    } else if (strcmp(cmd, "normcdf") == 0 && n == 1) {
        printf("%.17g\n", vnfo__normal_cdf(a[0]));
    } else if (strcmp(cmd, "tq") == 0 && n == 2) {
        printf("%.17g\n", vnfo__t_quantile(a[0], a[1]));
    } else if (strcmp(cmd, "betainc") == 0 && n == 3) {
        printf("%.17g\n", vnfo__beta_inc(a[0], a[1], a[2]));
    } else if (strcmp(cmd, "betaq") == 0 && n == 3) {
        printf("%.17g\n", vnfo__beta_quantile(a[0], a[1], a[2]));
    } else if (strcmp(cmd, "binomcdf") == 0 && n == 3) {
        printf("%.17g\n", vnfo__binom_cdf(a[0], a[1], a[2]));
    } else if (strcmp(cmd, "cp") == 0 && n == 3) {
        double tail = (1.0 - a[2]) / 2.0;
        printf("%.17g %.17g\n", vnfo__cp_lower((uint64_t)a[0], (uint64_t)a[1], tail),
               vnfo__cp_upper((uint64_t)a[0], (uint64_t)a[1], tail));
    } else if (strcmp(cmd, "minimality") == 0 && n == 4) {
        run_minimality(a, raw);
    } else if (strcmp(cmd, "ranks") == 0 && n == 3) {
        uint64_t l, u;
        if (vnfo__order_ranks(&l, &u, (uint64_t)a[0], a[1], (1.0 - a[2]) / 2.0) != 0)
            printf("error nan\n");
        else
            printf("%llu %llu\n", (unsigned long long)l, (unsigned long long)u);
    } else if (strcmp(cmd, "count") == 0 && n == 5) {
        run_count(a, raw);
    } else if (strcmp(cmd, "total") == 0 && n >= 6) {
        run_total(a, n, raw);
    } else if (strcmp(cmd, "lbeta") == 0 && n == 2) {
        printf("%.17g\n", vnfo__log_beta(a[0], a[1]));
    } else if (strcmp(cmd, "btail") == 0 && n == 4) {
        uint64_t k = strtoull(raw[0], NULL, 10), big_n = strtoull(raw[1], NULL, 10);
        vnfo_rational p = {strtoull(raw[2], NULL, 10), strtoull(raw[3], NULL, 10)};
        double pd = vnfo_rational_to_double(p);
        printf("%.17g %.17g\n", vnfo__binom_cdf((long double)k, (long double)big_n, pd),
               vnfo__binom_sf(k, big_n, pd));
    } else if (strcmp(cmd, "cp1") == 0 && n == 3) {
        uint64_t k = strtoull(raw[0], NULL, 10), big_n = strtoull(raw[1], NULL, 10);
        printf("%.17g %.17g\n", vnfo__cp_lower(k, big_n, a[2]), vnfo__cp_upper(k, big_n, a[2]));
    } else if (strcmp(cmd, "qrank") == 0 && n == 2) {
        printf("%llu\n", (unsigned long long)vnfo__quantile_rank(strtoull(raw[0], NULL, 10), a[1]));
    } else if (strcmp(cmd, "quantile") == 0 && n >= 3) {
        run_quantile(a, n, 0);
    } else if (strcmp(cmd, "cquantile") == 0 && n >= 4) {
        run_cquantile(a, n, raw);
    } else if (strcmp(cmd, "squantile") == 0 && n >= 4) {
        /* squantile MAXV Q BILLED CONF V...: sketch mode beyond MAXV values */
        run_quantile(a + 1, n - 1, strtoull(raw[0], NULL, 10));
    } else {
        printf("error usage %s with %d arguments\n", cmd, n);
    }
}

static int read_commands(void)
{
    static char line[1 << 20];
    static double args[MAX_ARGS];
    static char *raw[MAX_ARGS];
    while (fgets(line, sizeof line, stdin)) {
        char *save = NULL, *cmd = strtok_r(line, " \t\n", &save);
        if (!cmd)
            continue;
        int n = 0;
        for (char *t; n < MAX_ARGS && (t = strtok_r(NULL, " \t\n", &save)); n++) {
            raw[n] = t; /* integers are read from the text, exactly */
            args[n] = strtod(t, NULL);
        }
        run_command(cmd, args, n, raw);
        fflush(stdout);
    }
    return 0;
}

static int near(const char *what, double got, double want, double rel)
{
    if (fabs(got - want) <= rel * fabs(want))
        return 1;
    fprintf(stderr, "%s: got %.17g, expected %.17g\n", what, got, want);
    return 0;
}

/* Textbook values (tables of the normal and t distributions). */
static int self_test(void)
{
    int ok = 1;
    ok &= near("z(0.975)", vnfo__normal_quantile(0.975), 1.959963984540054, 1e-14);
    ok &= near("z(0.995)", vnfo__normal_quantile(0.995), 2.5758293035489004, 1e-14);
    ok &= near("z(1e-10)", vnfo__normal_quantile(1e-10), -6.3613409024040557, 1e-13);
    ok &= near("t(0.975, 10)", vnfo__t_quantile(0.975, 10), 2.228138851986274, 1e-13);
    ok &= near("I_0.5(2,3)", vnfo__beta_inc(0.5, 2, 3), 0.6875, 1e-14);
    ok &= near("CP upper 0 of 100", vnfo__cp_upper(0, 100, 0.05), 1.0 - pow(0.05, 0.01), 1e-14);
    if (ok)
        printf("account_probe: self-test passed\n");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--stdin") == 0)
        return read_commands();
    return self_test();
}
