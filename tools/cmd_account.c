/* vnfo account: accounting and performance checks on a column of sampled
 * values (one decimal integer per line), for analysts and scripts.  The
 * verifier runs the same checks on logs; this command runs them on numbers
 * already extracted. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h" /* vnfo__shown(): input named in messages is escaped */
#include "cli_input.h"

struct account_args {
    const char *sub;
    const char *file;
    vnfo_account_options opts;
    vnfo_rational p;
    int have_p, have_billed, have_q, have_ref, have_sampled, have_checked, have_violations;
    int clusters; /* --clusters: one sampling unit (label) per line */
    uint64_t billed, sampled, checked, violations;
    double q, reference;
    vnfo_account_metric metric;
};

static void account_usage(FILE *out)
{
    fprintf(out,
            "usage: vnfo account total    --billed B --p NUM/DEN [--method auto|normal|bernstein] [--max M] [FILE]\n"
            "       vnfo account count    --sampled n --billed N --p NUM/DEN\n"
            "       vnfo account quantile --q Q --billed V [FILE]\n"
            "       vnfo account perf     --metric mean|p50|p95|p99|max --reference R\n"
            "                             [--slack-abs A] [--slack-rel R] [FILE]\n"
            "       vnfo account minimality --checked n --violations v [--tolerated-rate T]\n"
            "       vnfo account minimality [--slack-abs A] [--slack-rel R] [--tolerated-rate T] [FILE]\n"
            "                             (FILE: one \"provider reference\" pair per line)\n"
            "common options: --confidence C (default 0.99); with both slacks, either suffices\n"
            "FILE (default stdin) holds one sampled value per line: a decimal integer\n"
            "in [0, 2^64 - 1]; blank lines and lines starting with '#' are skipped.\n"
            "--clusters (total, quantile, perf): each line is one sampled label, the\n"
            "values of its packets separated by blanks (duplicates sampled together).\n"
            "Exit: 0 consistent/pass, 1 overcharged/undercharged/fail, 2 inconclusive,\n"
            "3 input error, 64 usage.  See docs/accounting.md.\n");
}

static int parse_u64(uint64_t *out, const char *opt, const char *text)
{
    vnfo_status s = vnfo_account_value_parse(out, text);
    if (s == VNFO_OK)
        return 1;
    cli_error("account: %s: %s", opt, vnfo_error_message());
    return 0;
}

static int parse_double(double *out, const char *opt, const char *text)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    if (errno || end == text || *end) {
        cli_error("account: %s: \"%s\" is not a number", opt, vnfo__shown(text).s);
        return 0;
    }
    return 1;
}

static int parse_rational(vnfo_rational *out, const char *text)
{
    char num[32];
    const char *slash = strchr(text, '/');
    size_t len = slash ? (size_t)(slash - text) : 0;
    if (!slash || len == 0 || len >= sizeof num) {
        cli_error("account: --p: \"%s\" is not NUM/DEN", vnfo__shown(text).s);
        return 0;
    }
    memcpy(num, text, len);
    num[len] = '\0';
    return parse_u64(&out->num, "--p numerator", num) &&
           parse_u64(&out->den, "--p denominator", slash + 1);
}

static int parse_method(vnfo_account_method *out, const char *text)
{
    static const struct { const char *name; vnfo_account_method m; } names[] = {
        {"auto", VNFO_ACCOUNT_METHOD_AUTO},
        {"normal", VNFO_ACCOUNT_METHOD_NORMAL},
        {"bernstein", VNFO_ACCOUNT_METHOD_BERNSTEIN},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].m;
            return 1;
        }
    cli_error("account: --method: unknown method \"%s\"", vnfo__shown(text).s);
    return 0;
}

static int parse_metric(vnfo_account_metric *out, const char *text)
{
    for (int m = VNFO_ACCOUNT_METRIC_MEAN; m <= VNFO_ACCOUNT_METRIC_MAX; m++)
        if (strcmp(text, vnfo_account_metric_name((vnfo_account_metric)m)) == 0) {
            *out = (vnfo_account_metric)m;
            return 1;
        }
    cli_error("account: --metric: unknown metric \"%s\"", vnfo__shown(text).s);
    return 0;
}

enum { OPT_BILLED = 256, OPT_P, OPT_METHOD, OPT_MAX, OPT_CONF, OPT_Q, OPT_SAMPLED, OPT_METRIC,
       OPT_REF, OPT_SLACK_ABS, OPT_SLACK_REL, OPT_HELP, OPT_CHECKED, OPT_VIOLATIONS, OPT_TOLERATED,
       OPT_CLUSTERS };

static int parse_option(struct account_args *a, int c, const char *arg)
{
    switch (c) {
    case OPT_BILLED:
        return a->have_billed = parse_u64(&a->billed, "--billed", arg);
    case OPT_SAMPLED:
        return a->have_sampled = parse_u64(&a->sampled, "--sampled", arg);
    case OPT_P:
        return a->have_p = parse_rational(&a->p, arg);
    case OPT_METHOD:
        return parse_method(&a->opts.method, arg);
    case OPT_MAX:
        return parse_u64(&a->opts.max_value, "--max", arg);
    case OPT_CONF:
        return parse_double(&a->opts.confidence, "--confidence", arg);
    case OPT_Q:
        return a->have_q = parse_double(&a->q, "--q", arg);
    case OPT_METRIC:
        return parse_metric(&a->metric, arg);
    case OPT_REF:
        return a->have_ref = parse_double(&a->reference, "--reference", arg);
    case OPT_SLACK_ABS:
        return parse_double(&a->opts.slack_abs, "--slack-abs", arg);
    case OPT_SLACK_REL:
        return parse_double(&a->opts.slack_rel, "--slack-rel", arg);
    case OPT_CHECKED:
        return a->have_checked = parse_u64(&a->checked, "--checked", arg);
    case OPT_VIOLATIONS:
        return a->have_violations = parse_u64(&a->violations, "--violations", arg);
    case OPT_TOLERATED:
        return parse_double(&a->opts.tolerated_rate, "--tolerated-rate", arg);
    case OPT_CLUSTERS:
        return a->clusters = 1;
    default:
        return 0;
    }
}

/* Returns CLI_OK, CLI_USAGE, or -1 for --help. */
static int parse_args(struct account_args *a, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"billed", required_argument, NULL, OPT_BILLED},   {"p", required_argument, NULL, OPT_P},
        {"method", required_argument, NULL, OPT_METHOD},   {"max", required_argument, NULL, OPT_MAX},
        {"confidence", required_argument, NULL, OPT_CONF}, {"q", required_argument, NULL, OPT_Q},
        {"sampled", required_argument, NULL, OPT_SAMPLED}, {"metric", required_argument, NULL, OPT_METRIC},
        {"reference", required_argument, NULL, OPT_REF},
        {"slack-abs", required_argument, NULL, OPT_SLACK_ABS},
        {"slack-rel", required_argument, NULL, OPT_SLACK_REL},
        {"checked", required_argument, NULL, OPT_CHECKED},
        {"violations", required_argument, NULL, OPT_VIOLATIONS},
        {"tolerated-rate", required_argument, NULL, OPT_TOLERATED},
        {"clusters", no_argument, NULL, OPT_CLUSTERS},
        {"help", no_argument, NULL, OPT_HELP},             {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return argc < 2 ? CLI_USAGE : -1;
    a->sub = argv[1];
    optind = 1;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "h", longopts, NULL)) != -1) {
        if (c == 'h' || c == OPT_HELP)
            return -1;
        if (c == '?' || !parse_option(a, c, optarg))
            return CLI_USAGE;
    }
    if (optind < argc - 2) {
        cli_error("account: more than one input file");
        return CLI_USAGE;
    }
    a->file = optind < argc - 1 ? argv[optind + 1] : NULL;
    /* Slack given in one form only selects that form. */
    if (a->opts.slack_rel != 0.0)
        a->opts.slack_mode = a->opts.slack_abs != 0.0 ? VNFO_ACCOUNT_SLACK_EITHER
                                                      : VNFO_ACCOUNT_SLACK_REL;
    return CLI_OK;
}

/* Opens FILE, or stdin when NULL; NULL with the message printed. */
/* FILE, opened as the library opens its inputs (a FIFO is refused), or stdin. */
static FILE *open_input(const char *file)
{
    char err[512];
    FILE *f = file ? cli_input_open(file, err, sizeof err) : stdin;
    if (!f)
        cli_error("account: %s", err);
    return f;
}

/* The next data line of f (comments and blank lines skipped), of any
 * length; NULL at the end.  *no counts lines. */
/* The next line that holds a value (blank lines and '#' comments skipped),
 * without its "\n" or "\r\n"; NULL at the end or, with *bad set and the
 * place printed, at a NUL byte or a read error.  Lines are handled by their
 * length, not as C strings: a NUL byte used to end a line early, so a
 * binary file gave a value or two and silently lost the rest. */
static char *next_line(char **buf, size_t *cap, FILE *f, unsigned long *no, const char *name, int *bad)
{
    ssize_t got;
    while ((got = getline(buf, cap, f)) != -1) {
        size_t n = (size_t)got;
        char *line = *buf;
        ++*no;
        const char *nul = memchr(line, '\0', n);
        if (nul) {
            fprintf(stderr, "vnfo account: %s:%lu:%zu: NUL byte in a text file\n", vnfo__shown(name).s, *no,
                    (size_t)(nul - line) + 1);
            *bad = 1;
            return NULL;
        }
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (line[0] != '\0' && line[0] != '#')
            return line;
    }
    if (ferror(f)) {
        fprintf(stderr, "vnfo account: %s:%lu: read error: %s\n", vnfo__shown(name).s, *no + 1, strerror(errno));
        *bad = 1;
    }
    return NULL;
}

/* Takes one non-blank, non-comment input line: 0 to go on, nonzero to
 * stop (the reason already printed, naming file and line). */
typedef int (*line_taker)(void *ctx, char *line, const char *name, unsigned long no);

/* Feeds every line of FILE (or stdin) to take: the one read loop of every
 * `vnfo account` input.  CLI_OK when every line was read and taken. */
static int each_line(const char *file, line_taker take, void *ctx)
{
    FILE *f = open_input(file);
    const char *name = file ? file : "<stdin>";
    if (!f)
        return CLI_INPUT_ERROR;
    char *buf = NULL, *line;
    size_t cap = 0;
    unsigned long no = 0;
    int unreadable = 0, stopped = 0;
    while (!stopped && (line = next_line(&buf, &cap, f, &no, name, &unreadable)))
        stopped = take(ctx, line, name, no);
    free(buf);
    if (file)
        fclose(f);
    return stopped || unreadable ? CLI_INPUT_ERROR : CLI_OK;
}

/* A line holding one value, added to the accumulator ctx. */
static int take_value(void *ctx, char *line, const char *name, unsigned long no)
{
    uint64_t v;
    vnfo_status s = vnfo_account_value_parse(&v, line);
    if (s == VNFO_OK)
        s = vnfo_account_acc_add(ctx, v);
    if (s != VNFO_OK)
        fprintf(stderr, "vnfo account: %s:%lu: %s\n", vnfo__shown(name).s, no,
                *vnfo_error_message() ? vnfo_error_message() : vnfo_strerror(s));
    return s != VNFO_OK;
}

/* Reads FILE (or stdin) into an accumulator; errors name file and line. */
static int read_values(vnfo_account_acc **out, const char *file)
{
    vnfo_status s = vnfo_account_acc_create(out, NULL);
    if (s != VNFO_OK) {
        cli_status_error("account", s);
        return CLI_INPUT_ERROR;
    }
    return each_line(file, take_value, *out);
}

/* A cluster sample: every packet value, label by label, and the packets
 * per label; the accumulator holds the same values as units. */
struct units {
    uint64_t *values, *mult;
    size_t n, labels, cap_v, cap_l;
};

static int units_push(uint64_t **arr, size_t *cap, size_t len, uint64_t v)
{
    if (len == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        uint64_t *grown = realloc(*arr, c * sizeof *grown);
        if (!grown)
            return 0;
        *arr = grown;
        *cap = c;
    }
    (*arr)[len] = v;
    return 1;
}

/* One line "x1 x2 ... xm": a label and its m packets' values. */
static vnfo_status read_unit(struct units *u, vnfo_account_acc *acc, char *line, const char *name,
                             unsigned long no)
{
    size_t first = u->n, m = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save), m++) {
        uint64_t v;
        vnfo_status s = vnfo_account_value_parse(&v, t);
        if (s != VNFO_OK) {
            fprintf(stderr, "vnfo account: %s:%lu: packet %zu: %s\n", vnfo__shown(name).s, no, m + 1,
                    *vnfo_error_message() ? vnfo_error_message() : vnfo_strerror(s));
            return s;
        }
        if (!units_push(&u->values, &u->cap_v, u->n, v))
            return VNFO_E_NO_MEMORY;
        u->n++;
    }
    if (m == 0)
        return VNFO_OK;
    if (!units_push(&u->mult, &u->cap_l, u->labels, m))
        return VNFO_E_NO_MEMORY;
    u->labels++;
    vnfo_status s = vnfo_account_acc_add_cluster(acc, u->values + first, m);
    if (s != VNFO_OK)
        fprintf(stderr, "vnfo account: %s:%lu: %s\n", vnfo__shown(name).s, no, vnfo_error_message());
    return s;
}

struct units_input {
    struct units *u;
    vnfo_account_acc *acc;
};

static int take_unit(void *ctx, char *line, const char *name, unsigned long no)
{
    struct units_input *in = ctx;
    vnfo_status s = read_unit(in->u, in->acc, line, name, no);
    if (s == VNFO_E_NO_MEMORY)
        fprintf(stderr, "vnfo account: %s:%lu: out of memory\n", vnfo__shown(name).s, no);
    return s != VNFO_OK;
}

/* Reads FILE (or stdin) with one label per line (--clusters). */
static int read_units(struct units *u, vnfo_account_acc **out, const char *file)
{
    vnfo_status s = vnfo_account_acc_create(out, NULL);
    if (s != VNFO_OK) {
        cli_status_error("account", s);
        return CLI_INPUT_ERROR;
    }
    struct units_input in = {u, *out};
    return each_line(file, take_unit, &in);
}

/* Splits "provider reference" into two values; NULL, or what is wrong. */
static const char *parse_pair(uint64_t *provider, uint64_t *reference, char *line)
{
    char *sep = line + strcspn(line, " \t");
    if (*sep == '\0')
        return "expected two values \"provider reference\"";
    *sep++ = '\0';
    sep += strspn(sep, " \t");
    vnfo_status s = vnfo_account_value_parse(provider, line);
    if (s == VNFO_OK)
        s = vnfo_account_value_parse(reference, sep);
    if (s != VNFO_OK)
        return *vnfo_error_message() ? vnfo_error_message() : vnfo_strerror(s);
    return NULL;
}

struct pairs_input {
    uint64_t checked, violations;
    const vnfo_account_options *opts;
};

/* A "provider reference" line, counted as checked and maybe violating. */
static int take_pair(void *ctx, char *line, const char *name, unsigned long no)
{
    struct pairs_input *in = ctx;
    uint64_t provider, reference;
    int bad = 0;
    const char *why = parse_pair(&provider, &reference, line);
    if (why) {
        fprintf(stderr, "vnfo account: %s:%lu: %s\n", vnfo__shown(name).s, no, why);
        return 1;
    }
    vnfo_status s = vnfo_account_slack_exceeded(&bad, provider, reference, in->opts);
    if (s != VNFO_OK) {
        cli_status_error("account", s);
        return 1;
    }
    in->checked++;
    in->violations += (uint64_t)bad;
    return 0;
}

/* Counts the pairs of FILE (or stdin) whose provider value exceeds the
 * reference plus the slack of opts. */
static int read_pairs(uint64_t *checked, uint64_t *violations, const char *file,
                      const vnfo_account_options *opts)
{
    struct pairs_input in = {0, 0, opts};
    int rc = each_line(file, take_pair, &in);
    *checked = in.checked;
    *violations = in.violations;
    return rc;
}

static void print_number(const char *label, double v)
{
    if (!isnan(v))
        printf("%-12s %.10g\n", label, v);
}

static void print_result(const vnfo_account_result *r)
{
    printf("%-12s %s\n", "check", vnfo_account_check_name(r->check));
    printf("%-12s %s (%s)\n", "verdict", vnfo_account_verdict_name(r->verdict),
           vnfo_account_reason_text(r->reason));
    printf("%-12s %s\n", "method", vnfo_account_method_name(r->method));
    printf("%-12s %g\n", "confidence", r->confidence);
    printf("%-12s %llu\n", "n", (unsigned long long)r->n);
    print_number("probability", r->probability);
    print_number("quantile", r->quantile);
    print_number("billed", r->billed);
    print_number("reference", r->reference);
    print_number("limit", r->limit);
    print_number("estimate", r->estimate);
    if (!isnan(r->lower))
        printf("%-12s [%.10g, %.10g]\n", "interval", r->lower, r->upper);
    if (r->check == VNFO_ACCOUNT_CHECK_QUANTILE || r->rank_upper)
        printf("%-12s l = %llu, u = %llu\n", "ranks", (unsigned long long)r->rank_lower,
               (unsigned long long)r->rank_upper);
    print_number("p-value", r->p_value);
    print_number("std-error", r->std_error);
    print_number("statistic", r->statistic);
    print_number("skewness", r->skewness);
    if (r->check == VNFO_ACCOUNT_CHECK_TOTAL)
        printf("%-12s %s\n", "skew-gate", r->cochran_ok ? "|skewness of the total| <= 0.5 holds" : "fails");
    print_number("max-value", r->max_value);
    if (r->check == VNFO_ACCOUNT_CHECK_MINIMALITY)
        printf("%-12s %llu of %llu\n", "violations", (unsigned long long)r->violations,
               (unsigned long long)r->n);
    if (!isnan(r->rate))
        printf("%-12s %.10g [%.10g, %.10g]\n", "rate", r->rate, r->rate_lower, r->rate_upper);
}

static int exit_code(vnfo_account_verdict v)
{
    switch (v) {
    case VNFO_ACCOUNT_CONSISTENT:
    case VNFO_ACCOUNT_PASS:
        return CLI_OK;
    case VNFO_ACCOUNT_INCONCLUSIVE:
        return CLI_INCONCLUSIVE;
    default:
        return CLI_FAILED;
    }
}

static int missing(const char *sub, const char *what)
{
    cli_error("account %s: %s is required", sub, what);
    return CLI_USAGE;
}

/* u: the cluster sample with --clusters, else NULL. */
static vnfo_status run_check(vnfo_account_result *r, struct account_args *a, vnfo_account_acc *acc,
                             const struct units *u)
{
    if (strcmp(a->sub, "total") == 0)
        return vnfo_account_total_check(r, acc, a->billed, a->p, &a->opts);
    if (strcmp(a->sub, "quantile") == 0)
        return u ? vnfo_account_quantile_check_clusters(r, u->values, u->mult, u->labels, a->q,
                                                        a->billed, &a->opts)
                 : vnfo_account_quantile_check(r, acc, a->q, a->billed, &a->opts);
    return u ? vnfo_account_performance_check_clusters(r, u->values, u->mult, u->labels, a->metric,
                                                       a->reference, &a->opts)
             : vnfo_account_performance_check(r, acc, a->metric, a->reference, &a->opts);
}

/* Checks the options each subcommand needs; CLI_OK when complete. */
static int required(const struct account_args *a)
{
    if (strcmp(a->sub, "total") == 0 && (!a->have_billed || !a->have_p))
        return missing(a->sub, "--billed and --p");
    if (strcmp(a->sub, "count") == 0 && (!a->have_billed || !a->have_p || !a->have_sampled))
        return missing(a->sub, "--sampled, --billed and --p");
    if (strcmp(a->sub, "quantile") == 0 && (!a->have_billed || !a->have_q))
        return missing(a->sub, "--q and --billed");
    if (strcmp(a->sub, "perf") == 0 && (!a->have_ref || !a->metric))
        return missing(a->sub, "--metric and --reference");
    if (strcmp(a->sub, "minimality") == 0 && a->have_checked != a->have_violations)
        return missing(a->sub, "--checked with --violations");
    if (a->clusters && (!strcmp(a->sub, "count") || !strcmp(a->sub, "minimality"))) {
        cli_error("account %s: --clusters applies to total, quantile and perf", vnfo__shown(a->sub).s);
        return CLI_USAGE;
    }
    if (strcmp(a->sub, "total") && strcmp(a->sub, "count") && strcmp(a->sub, "quantile") &&
        strcmp(a->sub, "perf") && strcmp(a->sub, "minimality")) {
        cli_error("account: unknown check \"%s\"", vnfo__shown(a->sub).s);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cmd_account(int argc, char **argv)
{
    struct account_args a = {.opts = VNFO_ACCOUNT_OPTIONS_INIT};
    int rc = parse_args(&a, argc, argv);
    if (rc != CLI_OK) {
        account_usage(rc < 0 ? stdout : stderr);
        return rc < 0 ? CLI_OK : rc;
    }
    if ((rc = required(&a)) != CLI_OK)
        return rc;
    vnfo_account_result r;
    vnfo_account_result_init(&r, VNFO_ACCOUNT_RESULT_VERSION);
    vnfo_status s;
    if (strcmp(a.sub, "count") == 0) {
        s = vnfo_account_count_check(&r, a.sampled, a.billed, a.p, &a.opts);
    } else if (strcmp(a.sub, "minimality") == 0) {
        if (!a.have_checked && (rc = read_pairs(&a.checked, &a.violations, a.file, &a.opts)) != CLI_OK)
            return rc;
        s = vnfo_account_minimality_check(&r, a.checked, a.violations, &a.opts);
    } else {
        vnfo_account_acc *acc = NULL;
        struct units u = {0};
        rc = a.clusters ? read_units(&u, &acc, a.file) : read_values(&acc, a.file);
        s = rc == CLI_OK ? run_check(&r, &a, acc, a.clusters ? &u : NULL) : VNFO_OK;
        vnfo_account_acc_free(acc);
        free(u.values);
        free(u.mult);
        if (rc != CLI_OK)
            return rc;
    }
    if (s != VNFO_OK) {
        cli_status_error("account", s);
        return CLI_INPUT_ERROR;
    }
    print_result(&r);
    return exit_code(r.verdict);
}
