/**
 * @file account.h
 * @brief Accounting and performance checks: mergeable accumulators of
 *        sampled resource values, and the statistics that turn them into
 *        verdicts with evidence (docs/accounting.md).
 *
 * The shims log a sample of packets, each selected with the exact
 * probability p of the sampler (a ::vnfo_rational).  Per (resource, scope)
 * an accumulator keeps the sampled count n, the exact sums of x, x^2 and
 * x^3, min, max, a relative-error sketch and, in exact mode, the sampled
 * values themselves.  Accumulators merge exactly (any order, any grouping)
 * and serialise to bytes, so shards verified on many machines combine into
 * one result.
 *
 * Checks never return bare booleans: each fills a ::vnfo_account_result with
 * the verdict, the method, the estimate, the interval, the p-value and every
 * other number a report prints.
 */
#ifndef VNFO_ACCOUNT_H
#define VNFO_ACCOUNT_H

#include <vnfo/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A mergeable accumulator of sampled values of one resource in one scope
 *  (opaque; see vnfo_account_acc_create()). */
typedef struct vnfo_account_acc vnfo_account_acc;

/** Smallest accepted sketch resolution (relative error 1/8). */
#define VNFO_ACCOUNT_SKETCH_BITS_MIN 2
/** Largest accepted sketch resolution (relative error 1/2048). */
#define VNFO_ACCOUNT_SKETCH_BITS_MAX 10
/** Default sketch resolution: relative error at most 2^-7 = 0.78%. */
#define VNFO_ACCOUNT_SKETCH_BITS_DEFAULT 6
/** Default number of sampled values kept for exact quantiles. */
#define VNFO_ACCOUNT_MAX_VALUES_DEFAULT 1000000
/** Buffer size for vnfo_account_acc_sum_text(): 2^256 has 78 digits, + NUL. */
#define VNFO_ACCOUNT_SUM_TEXT_SIZE 80
/** Version of the serialised accumulator format written by this library. */
#define VNFO_ACCOUNT_FORMAT_VERSION 1

/** Version of ::vnfo_account_acc_options understood by this library. */
#define VNFO_ACCOUNT_ACC_OPTIONS_VERSION 1

/** How an accumulator is configured.  Accumulators merge only when every
 *  field is equal. */
typedef struct vnfo_account_acc_options {
    unsigned version;      /**< VNFO_ACCOUNT_ACC_OPTIONS_VERSION. */
    uint32_t resource;     /**< Resource id (cycles, memory, delay, ...), caller-defined. */
    uint32_t scope;        /**< Scope id: a function's node id, or the whole chain. */
    unsigned sketch_bits;  /**< k: sub-buckets per octave 2^k; relative error < 2^-(k+1). */
    uint64_t max_values;   /**< Values kept for exact quantiles; 0 keeps none (sketch only). */
} vnfo_account_acc_options;

/** Initialiser of ::vnfo_account_acc_options with the defaults. */
#define VNFO_ACCOUNT_ACC_OPTIONS_INIT                                                     \
    {                                                                                    \
        VNFO_ACCOUNT_ACC_OPTIONS_VERSION, 0, 0, VNFO_ACCOUNT_SKETCH_BITS_DEFAULT,        \
            VNFO_ACCOUNT_MAX_VALUES_DEFAULT                                              \
    }

/**
 * @brief Fill @p out with the defaults of VNFO_ACCOUNT_ACC_OPTIONS_INIT.
 * @param[out] out The options.
 * @param version VNFO_ACCOUNT_ACC_OPTIONS_VERSION.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_acc_options_init(vnfo_account_acc_options *out, unsigned version);

/**
 * @brief Create an empty accumulator.
 *
 * Memory: the sketch takes (65 - k) * 2^k * 8 bytes (30 KiB for k = 6); the
 * kept values grow by doubling up to max_values * 8 bytes.
 * @param[out] out The accumulator; NULL on failure.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (sketch_bits out of range),
 *         VNFO_E_STRUCT_VERSION or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_acc_create(vnfo_account_acc **out,
                                             const vnfo_account_acc_options *opts);

/**
 * @brief Free an accumulator.  Accepts NULL.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_account_acc_free(vnfo_account_acc *acc);

/**
 * @brief Add one sampled value (hot path: records no message).
 *
 * Sums stay exact (Σx in 128 bits, Σx² in 192, Σx³ in 256: enough for 2^64
 * values of 2^64 - 1 each).  In exact mode the value is also kept; the kept
 * array may grow (by doubling, at most log2(max_values) times).  When more
 * than max_values values arrive, the kept values are released and quantile
 * checks use the sketch (vnfo_account_acc_values_exact() turns 0).
 * @param acc The accumulator.
 * @param value The sampled value (cycles, bytes, nanoseconds, ...).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL), VNFO_E_OVERFLOW (2^64 - 1
 *         values already) or VNFO_E_NO_MEMORY (growing the kept values
 *         failed; the accumulator is unchanged).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_acc_add(vnfo_account_acc *acc, uint64_t value);

/**
 * @brief Add @p count values, as many vnfo_account_acc_add() calls.
 * @param acc The accumulator.
 * @param values @p count values (may be NULL when count is 0).
 * @param count Number of values.
 * @return As vnfo_account_acc_add(); on failure the values before the
 *         failing one have been added.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_acc_add_many(vnfo_account_acc *acc, const uint64_t *values,
                                               size_t count);

/**
 * @brief Merge @p src into @p dst.  The result is the same, bit for bit
 *        (vnfo_account_acc_serialize()), in any order and grouping.
 * @param dst The accumulator that receives the values.
 * @param src The accumulator merged in (unchanged; not @p dst itself).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_ACCOUNT_MISMATCH (the
 *         options differ; the message names the field), VNFO_E_OVERFLOW or
 *         VNFO_E_NO_MEMORY.  On failure @p dst is unchanged.
 * @par Thread safety: per handle (dst written, src only read).
 */
VNFO_API vnfo_status vnfo_account_acc_merge(vnfo_account_acc *dst, const vnfo_account_acc *src);

/** @brief Number of values added (n); 0 for NULL.  @par Thread safety: per handle. */
VNFO_API uint64_t vnfo_account_acc_count(const vnfo_account_acc *acc);
/** @brief Smallest value added, 0 when empty.  @par Thread safety: per handle. */
VNFO_API uint64_t vnfo_account_acc_min(const vnfo_account_acc *acc);
/** @brief Largest value added, 0 when empty.  @par Thread safety: per handle. */
VNFO_API uint64_t vnfo_account_acc_max(const vnfo_account_acc *acc);
/** @brief The resource id of the options, 0 for NULL (also after decoding).
 *  @par Thread safety: per handle. */
VNFO_API uint32_t vnfo_account_acc_resource(const vnfo_account_acc *acc);
/** @brief The scope id of the options, 0 for NULL.  @par Thread safety: per handle. */
VNFO_API uint32_t vnfo_account_acc_scope(const vnfo_account_acc *acc);
/** @brief 1 when every value is kept (quantiles are exact), else 0.
 *  @par Thread safety: per handle. */
VNFO_API int vnfo_account_acc_values_exact(const vnfo_account_acc *acc);

/**
 * @brief The relative error bound of the sketch, 2^-(k+1): every quantile
 *        answered by the sketch is within this fraction of the exact sample
 *        order statistic.
 * @return The bound, or NaN for NULL.
 * @par Thread safety: per handle.
 */
VNFO_API double vnfo_account_acc_sketch_error(const vnfo_account_acc *acc);

/**
 * @brief An exact sum in decimal: Σx (power 1), Σx² (2) or Σx³ (3).
 * @param[out] out A buffer of VNFO_ACCOUNT_SUM_TEXT_SIZE bytes is always enough.
 * @param size Bytes in @p out.
 * @param acc The accumulator.
 * @param power 1, 2 or 3.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (power not 1-3),
 *         VNFO_E_BUFFER_TOO_SMALL or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_acc_sum_text(char *out, size_t size, const vnfo_account_acc *acc,
                                               unsigned power);

/**
 * @brief The sample quantile q: the order statistic x_(ceil(q n)) (exact
 *        when the values are kept, else the sketch's value, within
 *        vnfo_account_acc_sketch_error() of it).  Sorts the kept values.
 * @param[out] out The value.
 * @param acc The accumulator.
 * @param q In [0, 1]; 0 gives the minimum.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_ACCOUNT_EMPTY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_acc_quantile(double *out, vnfo_account_acc *acc, double q);

/** Version of ::vnfo_account_summary understood by this library. */
#define VNFO_ACCOUNT_SUMMARY_VERSION 1

/** Descriptive statistics of an accumulator (performance metrics). */
typedef struct vnfo_account_summary {
    unsigned version;   /**< Set by the caller to VNFO_ACCOUNT_SUMMARY_VERSION. */
    uint64_t n;         /**< Values. */
    uint64_t min;       /**< Smallest value. */
    uint64_t max;       /**< Largest value. */
    double sum;         /**< Σx to double precision (from the exact sum). */
    double mean;        /**< Σx / n. */
    double stddev;      /**< Sample standard deviation (n - 1); NaN when n < 2. */
    double skewness;    /**< Adjusted sample skewness G1; NaN when n < 3 or no spread. */
    double p50;         /**< Median, x_(ceil(0.5 n)). */
    double p95;         /**< x_(ceil(0.95 n)). */
    double p99;         /**< x_(ceil(0.99 n)). */
    int values_exact;   /**< 1: quantiles exact; 0: from the sketch. */
    double sketch_error;/**< Relative error bound of sketch quantiles. */
} vnfo_account_summary;

/**
 * @brief Fill a summary.  @p out->version must be set first.
 * @param[out] out The summary; its version set by the caller.
 * @param acc The accumulator.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION,
 *         VNFO_E_ACCOUNT_EMPTY or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle (sorts the kept values).
 */
VNFO_API vnfo_status vnfo_account_acc_summary(vnfo_account_summary *out, vnfo_account_acc *acc);

/**
 * @brief Bytes vnfo_account_acc_serialize() will write.
 * @param[out] out The size.
 * @param acc The accumulator.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_acc_serialized_size(size_t *out, const vnfo_account_acc *acc);

/**
 * @brief Serialise an accumulator (docs/accounting.md, "Serialised form").
 *
 * The kept values are sorted first, so equal multisets give equal bytes:
 * shards merged in any order serialise identically.
 * @param[out] out Buffer of @p size bytes.
 * @param size Bytes in @p out.
 * @param[out] written Bytes written, or needed on VNFO_E_BUFFER_TOO_SMALL.
 * @param acc The accumulator (its kept values get sorted).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_acc_serialize(uint8_t *out, size_t size, size_t *written,
                                                vnfo_account_acc *acc);

/**
 * @brief Decode a serialised accumulator from untrusted bytes.
 *
 * Every length is checked against the bytes that remain before anything is
 * allocated; sums, counts, min/max and kept values are cross-checked.
 * @param[out] out The accumulator; NULL on failure.
 * @param data The bytes.
 * @param len Their number.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_ACCOUNT_FORMAT (the
 *         message gives the byte offset), VNFO_E_UNSUPPORTED_VERSION or
 *         VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_acc_deserialize(vnfo_account_acc **out, const uint8_t *data,
                                                  size_t len);

/**
 * @brief Parse a non-negative decimal integer value (from logs, bills or
 *        text input): digits only, at most 2^64 - 1.
 * @param[out] out The value (unchanged on failure).
 * @param text NUL-terminated decimal digits, optionally after a '+'.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_ACCOUNT_VALUE (negative,
 *         empty or not an integer) or VNFO_E_OVERFLOW (above 2^64 - 1).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_value_parse(uint64_t *out, const char *text);

/**
 * @brief A delay t_out - t_in (per function, or end to end for a chain).
 * @param[out] out The delay.
 * @param t_in Time the packet entered (the function, or the chain).
 * @param t_out Time it left, in the same unit and clock.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_ACCOUNT_VALUE when
 *         t_out < t_in (a negative delay means broken clocks or records).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_delay_compute(uint64_t *out, uint64_t t_in, uint64_t t_out);

/* ---- checks ------------------------------------------------------------ */

/** What a result says. */
typedef enum vnfo_account_verdict {
    VNFO_ACCOUNT_VERDICT_NONE = 0,      /**< Not computed. */
    VNFO_ACCOUNT_CONSISTENT = 1,        /**< The bill agrees with the sample. */
    VNFO_ACCOUNT_OVERCHARGED = 2,       /**< The bill is higher than the sample allows. */
    VNFO_ACCOUNT_UNDERCHARGED = 3,      /**< The bill is lower than the sample allows. */
    VNFO_ACCOUNT_INCONCLUSIVE = 4,      /**< The sample cannot decide (see the reason). */
    VNFO_ACCOUNT_PASS = 5,              /**< Minimality or SLA met, with the stated confidence. */
    VNFO_ACCOUNT_FAIL = 6,              /**< Minimality or SLA violated, with the stated confidence. */
} vnfo_account_verdict;

/** How a result was computed (also a choice in ::vnfo_account_options). */
typedef enum vnfo_account_method {
    VNFO_ACCOUNT_METHOD_AUTO = 0,        /**< Options only: pick as docs/accounting.md says. */
    VNFO_ACCOUNT_METHOD_NORMAL = 1,      /**< Normal approximation, T̂ ± z·√V̂. */
    VNFO_ACCOUNT_METHOD_BERNSTEIN = 2,   /**< Bernstein bound with a known per-packet maximum M. */
    VNFO_ACCOUNT_METHOD_EXACT = 3,       /**< Exact integers, no statistics (p = 1, or impossible bill). */
    VNFO_ACCOUNT_METHOD_BINOMIAL = 4,    /**< Exact binomial tails, Clopper-Pearson. */
    VNFO_ACCOUNT_METHOD_ORDER_STATISTICS = 5, /**< Distribution-free order-statistic interval. */
    VNFO_ACCOUNT_METHOD_SKETCH_ORDER_STATISTICS = 6, /**< The same, with sketch values widened by the sketch error. */
    VNFO_ACCOUNT_METHOD_STUDENT_T = 7,   /**< Student t interval of the mean. */
    VNFO_ACCOUNT_METHOD_SAMPLE_MAX = 8,  /**< The largest sampled value against the limit. */
    VNFO_ACCOUNT_METHOD_SKEW_CORRECTED = 9, /**< Hall's skewness-corrected interval over sampling units (since 0.2). */
} vnfo_account_method;

/** Largest estimated skewness of a total for which the skewness-corrected
 *  interval is used (docs/accounting.md). */
#define VNFO_ACCOUNT_SKEW_MAX 0.5
/** Smallest Hill tail index of the sampled values for which the
 *  skewness-corrected interval is used (docs/accounting.md). */
#define VNFO_ACCOUNT_TAIL_INDEX_MIN 3.0

/** Why a verdict was reached; the report prints it. */
typedef enum vnfo_account_reason {
    VNFO_ACCOUNT_REASON_NONE = 0,              /**< Not computed. */
    VNFO_ACCOUNT_REASON_INSIDE_INTERVAL = 1,   /**< The billed value (or limit) lies inside the interval. */
    VNFO_ACCOUNT_REASON_ABOVE_INTERVAL = 2,    /**< The billed value lies above the interval. */
    VNFO_ACCOUNT_REASON_BELOW_INTERVAL = 3,    /**< The billed value lies below the interval. */
    VNFO_ACCOUNT_REASON_BELOW_SAMPLE = 4,      /**< The bill is below what the sample alone proves was used. */
    VNFO_ACCOUNT_REASON_EXACT_MATCH = 5,       /**< Exact arithmetic: the bill equals the estimate. */
    VNFO_ACCOUNT_REASON_SAMPLE_TOO_SMALL = 6,  /**< Too few values for the method. */
    VNFO_ACCOUNT_REASON_SKEWED = 7,            /**< The estimated total is too skewed for the corrected interval and no maximum M is known. */
    VNFO_ACCOUNT_REASON_NO_SPREAD = 8,         /**< All values equal: no variance to build a normal interval. */
    VNFO_ACCOUNT_REASON_INTERVAL_UNBOUNDED = 9,/**< The needed interval end does not exist at this n. */
    VNFO_ACCOUNT_REASON_LIMIT_INSIDE = 10,     /**< The limit lies inside the interval: cannot decide. */
    VNFO_ACCOUNT_REASON_BELOW_LIMIT = 11,      /**< The whole interval is at or below the limit. */
    VNFO_ACCOUNT_REASON_ABOVE_LIMIT = 12,      /**< The whole interval is above the limit. */
} vnfo_account_reason;

/** Which check produced a result. */
typedef enum vnfo_account_check {
    VNFO_ACCOUNT_CHECK_NONE = 0,        /**< Not computed. */
    VNFO_ACCOUNT_CHECK_TOTAL = 1,       /**< vnfo_account_total_check(). */
    VNFO_ACCOUNT_CHECK_COUNT = 2,       /**< vnfo_account_count_check(). */
    VNFO_ACCOUNT_CHECK_QUANTILE = 3,    /**< vnfo_account_quantile_check(). */
    VNFO_ACCOUNT_CHECK_MINIMALITY = 4,  /**< vnfo_account_minimality_check(). */
    VNFO_ACCOUNT_CHECK_PERFORMANCE = 5, /**< vnfo_account_performance_check(). */
} vnfo_account_check;

/** How absolute and relative slack combine. */
typedef enum vnfo_account_slack_mode {
    VNFO_ACCOUNT_SLACK_ABS = 0,    /**< allowed = ref + slack_abs. */
    VNFO_ACCOUNT_SLACK_REL = 1,    /**< allowed = ref * (1 + slack_rel). */
    VNFO_ACCOUNT_SLACK_EITHER = 2, /**< allowed = the larger of the two (either slack suffices). */
    VNFO_ACCOUNT_SLACK_BOTH = 3,   /**< allowed = the smaller of the two (both must hold). */
} vnfo_account_slack_mode;

/** Performance metric compared by vnfo_account_performance_check(). */
typedef enum vnfo_account_metric {
    VNFO_ACCOUNT_METRIC_MEAN = 1,     /**< Mean, Student t interval. */
    VNFO_ACCOUNT_METRIC_P50 = 2,      /**< Median, order-statistic interval. */
    VNFO_ACCOUNT_METRIC_P95 = 3,      /**< 95th percentile. */
    VNFO_ACCOUNT_METRIC_P99 = 4,      /**< 99th percentile. */
    VNFO_ACCOUNT_METRIC_MAX = 5,      /**< Largest sampled value. */
    VNFO_ACCOUNT_METRIC_QUANTILE = 6, /**< The quantile in ::vnfo_account_options.quantile. */
} vnfo_account_metric;

/** Version of ::vnfo_account_options understood by this library. */
#define VNFO_ACCOUNT_OPTIONS_VERSION 1

/** Parameters of the checks; each check documents the fields it reads. */
typedef struct vnfo_account_options {
    unsigned version;            /**< VNFO_ACCOUNT_OPTIONS_VERSION. */
    double confidence;           /**< 1 - α, in (0, 1); default 0.99. */
    vnfo_account_method method;  /**< Total check: AUTO, NORMAL or BERNSTEIN. */
    uint64_t max_value;          /**< M, the per-packet maximum (manifest); 0 = unknown. */
    vnfo_account_slack_mode slack_mode; /**< Minimality and performance. */
    double slack_abs;            /**< Absolute slack, finite and >= 0. */
    double slack_rel;            /**< Relative slack, finite and >= 0 (0.1 = 10%). */
    double tolerated_rate;       /**< Minimality: tolerated violation rate in [0, 1); default 0.01. */
    double quantile;             /**< Performance with METRIC_QUANTILE: q in (0, 1). */
} vnfo_account_options;

/** Initialiser of ::vnfo_account_options with the defaults. */
#define VNFO_ACCOUNT_OPTIONS_INIT                                                          \
    {                                                                                     \
        VNFO_ACCOUNT_OPTIONS_VERSION, 0.99, VNFO_ACCOUNT_METHOD_AUTO, 0,                  \
            VNFO_ACCOUNT_SLACK_ABS, 0.0, 0.0, 0.01, 0.5                                   \
    }

/**
 * @brief Fill @p out with the defaults of VNFO_ACCOUNT_OPTIONS_INIT.
 * @param[out] out The options.
 * @param version VNFO_ACCOUNT_OPTIONS_VERSION.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_options_init(vnfo_account_options *out, unsigned version);

/** Version of ::vnfo_account_result understood by this library. */
#define VNFO_ACCOUNT_RESULT_VERSION 1

/**
 * @brief The evidence of one check.  The caller sets @c version (with
 *        vnfo_account_result_init()); the check fills the rest.  Fields a
 *        check does not use are NaN (doubles) or 0.  docs/accounting.md
 *        lists, per check, what each field holds.
 */
typedef struct vnfo_account_result {
    unsigned version;             /**< VNFO_ACCOUNT_RESULT_VERSION, set by the caller. */
    vnfo_account_check check;     /**< Which check. */
    vnfo_account_verdict verdict; /**< The verdict. */
    vnfo_account_method method;   /**< The method that produced it. */
    vnfo_account_reason reason;   /**< Why. */
    double confidence;            /**< 1 - α. */
    uint64_t n;                   /**< Sampled values (or packets) used. */
    double billed;                /**< Billed total / count / quantile value. */
    double estimate;              /**< T̂, N̂, sample quantile, mean or violation rate. */
    double lower;                 /**< Interval lower end (0 when unbounded: values are non-negative). */
    double upper;                 /**< Interval upper end (+inf when unbounded). */
    double p_value;               /**< Two-sided p-value of "bill = truth"; NaN when n/a. */
    double std_error;             /**< √V̂, or s/√n; NaN when n/a. */
    double statistic;             /**< z or t statistic; clustered quantile: the effective sample size n*; NaN when n/a. */
    double skewness;              /**< Total/clustered count: skewness of the estimate; mean: G1/sqrt(n); NaN when undefined. */
    int cochran_ok;               /**< Total: 1 when the skewness-corrected interval applies (|γ| <= VNFO_ACCOUNT_SKEW_MAX, tail index >= VNFO_ACCOUNT_TAIL_INDEX_MIN). */
    int exact_cmp;                /**< Total: sign of B·p - Σx, exact; count: sign of N·p - n. */
    double probability;           /**< The sampling probability p as a double. */
    double max_value;             /**< M used by the Bernstein bound; NaN when none. */
    double quantile;              /**< q for quantile and performance checks. */
    uint64_t rank_lower;          /**< Order statistic of the lower end (1-based; 0 = unbounded). */
    uint64_t rank_upper;          /**< Order statistic of the upper end (n + 1 = unbounded). */
    uint64_t violations;          /**< Minimality: violating packets. */
    double rate;                  /**< Observed rate: violations / n, or sampled / billed packets. */
    double rate_lower;            /**< Clopper-Pearson lower bound of the rate. */
    double rate_upper;            /**< Clopper-Pearson upper bound of the rate. */
    double reference;             /**< Performance: reference metric; minimality: tolerated rate. */
    double limit;                 /**< Performance: reference plus slack. */
} vnfo_account_result;

/**
 * @brief Prepare a result for a check: sets the version, clears the rest.
 * @param[out] out The result.
 * @param version VNFO_ACCOUNT_RESULT_VERSION.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_result_init(vnfo_account_result *out, unsigned version);

/**
 * @brief Is the billed total B consistent with the sample?
 *
 * Horvitz-Thompson T̂ = Σy/p over the sampling units (labels; a value
 * added alone is its own unit) with V̂ = (1-p)/p²·Σy²; Hall's
 * skewness-corrected interval while the estimate's skewness is at most
 * VNFO_ACCOUNT_SKEW_MAX and the values' tail index at least
 * VNFO_ACCOUNT_TAIL_INDEX_MIN (else INCONCLUSIVE, or with
 * opts->max_value = M the Bernstein bound); METHOD_NORMAL forces T̂ ± z√V̂.  Exact integer
 * decisions come first: p = 1 compares B with Σx; B < Σx is UNDERCHARGED
 * for certain; B·p = Σx exactly is CONSISTENT.  Reads confidence, method
 * and max_value.
 * @param[out] out The result (its version set by the caller).
 * @param acc The sampled values.
 * @param billed B.
 * @param p The exact sampling probability.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION,
 *         VNFO_E_ACCOUNT_PROBABILITY (p = 0 or p > 1), VNFO_E_ACCOUNT_EMPTY
 *         (n = 0), VNFO_E_ACCOUNT_CONFIDENCE, VNFO_E_ACCOUNT_BOUND (a
 *         sampled value exceeds M) or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle (acc is only read).
 */
VNFO_API vnfo_status vnfo_account_total_check(vnfo_account_result *out, const vnfo_account_acc *acc,
                                              uint64_t billed, vnfo_rational p,
                                              const vnfo_account_options *opts);

/**
 * @brief Is the billed packet count N consistent with the n packets sampled?
 *
 * n ~ Binomial(N, p): exact two-sided p-value, the set of counts N the test
 * accepts (lower, upper) and the Clopper-Pearson interval of the sampling
 * rate n/N (rate_lower, rate_upper).  Reads confidence.
 * @param[out] out The result (its version set by the caller).
 * @param sampled n, the packets in the sample.
 * @param billed_packets N, the packets billed.
 * @param p The exact sampling probability.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION,
 *         VNFO_E_ACCOUNT_PROBABILITY, VNFO_E_ACCOUNT_CONFIDENCE or
 *         VNFO_E_ACCOUNT_NO_CONVERGENCE.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_count_check(vnfo_account_result *out, uint64_t sampled,
                                              uint64_t billed_packets, vnfo_rational p,
                                              const vnfo_account_options *opts);

/**
 * @brief Adds one sampling unit: the values of the @p count packets that
 *        share a label.
 *
 * Hash-based sampling selects every packet of a label together (mirrored
 * or retransmitted copies), so the unit of the sample is the label: the
 * total check then takes its variance and skewness from per-label sums,
 * while quantiles and the summary still see every packet.  A value added
 * with vnfo_account_acc_add() is a unit of one packet.  Allocates as
 * vnfo_account_acc_add() does.
 * @param acc The accumulator.
 * @param values The label's per-packet values.
 * @param count How many (0 adds nothing).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_OVERFLOW or
 *         VNFO_E_NO_MEMORY (then the first values may have been added).
 * @par Thread safety: per handle.
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API vnfo_status vnfo_account_acc_add_cluster(vnfo_account_acc *acc, const uint64_t *values,
                                                  size_t count);

/**
 * @brief Number of sampling units (labels) in @p acc: equal to
 *        vnfo_account_acc_count() when no unit had more than one packet.
 *        0 for NULL.
 * @par Thread safety: per handle (read only).
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API uint64_t vnfo_account_acc_unit_count(const vnfo_account_acc *acc);

/**
 * @brief Billed packet count against a sample of labels with their
 *        multiplicities (packets per sampled label).
 *
 * With every multiplicity 1 this is vnfo_account_count_check() (exact
 * binomial).  Otherwise the sampled packets are a cluster sample:
 * N̂ = Σm/p with V̂ = (1-p)/p²·Σm² and the skewness-corrected interval of
 * vnfo_account_total_check() (docs/accounting.md).  Reads confidence.
 * @param[out] out The result (its version set by the caller).
 * @param multiplicity Packets of each sampled label (each >= 1).
 * @param labels Number of sampled labels.
 * @param billed_packets N, the packets billed.
 * @param p The exact sampling probability.
 * @param opts Options, or NULL for the defaults.
 * @return As vnfo_account_count_check(), plus VNFO_E_ACCOUNT_VALUE (a
 *         multiplicity of 0) and VNFO_E_OVERFLOW (more than 2^64 - 1 packets).
 * @par Thread safety: safe.
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API vnfo_status vnfo_account_count_check_clusters(vnfo_account_result *out,
                                                       const uint64_t *multiplicity, size_t labels,
                                                       uint64_t billed_packets, vnfo_rational p,
                                                       const vnfo_account_options *opts);

/**
 * @brief Is a billed quantile (e.g. p95 memory) consistent with the sample?
 *
 * Distribution-free interval [x_(l), x_(u)] for the population quantile q
 * from the binomial law of ranks (exact values, or the sketch widened by its
 * error bound).  Reads confidence.  Sorts the kept values.
 * @param[out] out The result (its version set by the caller).
 * @param acc The sampled values.
 * @param q The quantile billed, in (0, 1) (0.95 for a p95 bill).
 * @param billed_value The billed quantile value.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (q outside (0, 1)),
 *         VNFO_E_STRUCT_VERSION, VNFO_E_ACCOUNT_EMPTY,
 *         VNFO_E_ACCOUNT_CONFIDENCE, VNFO_E_LIMIT_EXCEEDED (more than 2^53
 *         values) or VNFO_E_ACCOUNT_NO_CONVERGENCE.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_account_quantile_check(vnfo_account_result *out, vnfo_account_acc *acc,
                                                 double q, uint64_t billed_value,
                                                 const vnfo_account_options *opts);

/**
 * @brief Whether a provider's measurement R exceeds the reference R̂ plus
 *        the slack of @p opts, decided exactly (integers against the exact
 *        binary value of the slack).
 * @param[out] out 1 for a violation, 0 otherwise.
 * @param provider R, the provider's measurement.
 * @param reference R̂, the reference measurement.
 * @param opts slack_mode, slack_abs and slack_rel; NULL for the defaults
 *        (absolute slack 0).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_STRUCT_VERSION or
 *         VNFO_E_ACCOUNT_SLACK (NaN, infinite or negative slack, unknown mode).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_slack_exceeded(int *out, uint64_t provider, uint64_t reference,
                                                 const vnfo_account_options *opts);

/**
 * @brief Minimality from counts: @p violations of @p checked sampled
 *        packets exceeded their slack.
 *
 * Exact one-sided Clopper-Pearson bounds on the population violation rate
 * (0 violations of n: upper = 1 - α^(1/n)).  PASS when the upper bound is
 * at most opts->tolerated_rate, FAIL when the lower bound exceeds it, else
 * INCONCLUSIVE.  Reads confidence and tolerated_rate.
 * @param[out] out The result (its version set by the caller).
 * @param checked n, the sampled packets with a reference measurement.
 * @param violations How many of them exceeded their slack.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (violations > checked, tolerated
 *         rate outside [0, 1)), VNFO_E_STRUCT_VERSION, VNFO_E_ACCOUNT_EMPTY
 *         (checked = 0), VNFO_E_ACCOUNT_CONFIDENCE or
 *         VNFO_E_ACCOUNT_NO_CONVERGENCE.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_minimality_check(vnfo_account_result *out, uint64_t checked,
                                                   uint64_t violations,
                                                   const vnfo_account_options *opts);

/**
 * @brief Minimality from pairs: counts the violations of provider[i]
 *        against reference[i] with vnfo_account_slack_exceeded(), then as
 *        vnfo_account_minimality_check().
 * @param[out] out The result (its version set by the caller).
 * @param[out] first_violation Index of the first violating pair, or
 *        SIZE_MAX when none (may be NULL).
 * @param provider @p count provider measurements.
 * @param reference @p count reference measurements, pairwise.
 * @param count Number of pairs.
 * @param opts Options, or NULL for the defaults.
 * @return As the two functions it combines.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_account_minimality_check_pairs(vnfo_account_result *out,
                                                         size_t *first_violation,
                                                         const uint64_t *provider,
                                                         const uint64_t *reference, size_t count,
                                                         const vnfo_account_options *opts);

/**
 * @brief Minimality from a cluster sample: per sampled label, the packets
 *        checked and how many of them violated their slack.
 *
 * Packets of one label are sampled together and tend to violate together,
 * so the violation rate Σv/Σm gets Korn and Graubard's effective sample
 * size n* = p̂(1-p̂)/V̂ (V̂ the cluster variance of the ratio), capped at
 * the fully correlated n²/Σm², in place of n in the Clopper-Pearson bounds
 * and tails.  When no or every packet violates there is no variance to
 * read and n* is the number of labels: the exact law per label, whatever
 * its copies do together (docs/accounting.md).  With every label checked once it is
 * vnfo_account_minimality_check().  Reads confidence and tolerated_rate.
 * @param[out] out The result (its version set by the caller).
 * @param checked Packets checked per label (each >= 1).
 * @param violations Violations per label (each <= checked).
 * @param labels Number of labels.
 * @param opts Options, or NULL for the defaults.
 * @return As vnfo_account_minimality_check(), plus VNFO_E_OVERFLOW.
 * @par Thread safety: safe.
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API vnfo_status vnfo_account_minimality_check_clusters(vnfo_account_result *out,
                                                            const uint64_t *checked,
                                                            const uint64_t *violations,
                                                            size_t labels,
                                                            const vnfo_account_options *opts);

/**
 * @brief Is a performance metric of the provider within the reference plus
 *        the SLA slack?
 *
 * limit = reference + slack (opts->slack_mode).  PASS when the whole
 * confidence interval of the metric is at or below the limit, FAIL when it
 * is above, else INCONCLUSIVE.  MEAN uses a Student t interval; quantiles use
 * order statistics; MAX compares the largest sampled value (PASS then speaks
 * for the sampled packets only).  Reads confidence, slack_* and quantile.
 * @param[out] out The result (its version set by the caller).
 * @param acc The provider's delays (or other metric values).
 * @param metric Which statistic to compare.
 * @param reference The reference implementation's value of that statistic.
 * @param opts Options, or NULL for the defaults.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (metric, reference NaN or
 *         negative, quantile), VNFO_E_STRUCT_VERSION, VNFO_E_ACCOUNT_EMPTY,
 *         VNFO_E_ACCOUNT_CONFIDENCE, VNFO_E_ACCOUNT_SLACK, VNFO_E_NO_MEMORY,
 *         VNFO_E_LIMIT_EXCEEDED (more than 2^53 values for a quantile) or
 *         VNFO_E_ACCOUNT_NO_CONVERGENCE.
 * @par Thread safety: per handle (sorts the kept values).
 */
VNFO_API vnfo_status vnfo_account_performance_check(vnfo_account_result *out, vnfo_account_acc *acc,
                                                    vnfo_account_metric metric, double reference,
                                                    const vnfo_account_options *opts);

/**
 * @brief Is a billed quantile consistent with a cluster sample (labels
 *        with their multiplicities)?
 *
 * Hash sampling selects every packet of a label together, so the packets
 * are not independent draws.  The interval [x_(l), x_(u)] of the population
 * q-quantile takes its ranks from Bin(n*, q), a rank j standing for
 * j·n* / n draws, where n* <= n is the effective sample size of the
 * estimated CDF at the sample quantile (Woodruff's interval with Korn and
 * Graubard's n* = F(1-F)/V̂, V̂ the cluster variance of F from per-label
 * counts; capped at, and equal when F is 0 or 1 to, the fully correlated
 * n²/Σm²).  n* is reported in @c statistic.
 * Verdict and p-value come from the same tails, as in
 * vnfo_account_quantile_check(), which this is when every multiplicity is
 * 1.  Reads confidence.  Allocates 8 bytes per value (an exact copy).
 * @param[out] out The result (its version set by the caller).
 * @param values The Σm packet values, label by label (label i's
 *        multiplicity[i] values consecutive).
 * @param multiplicity Packets of each sampled label (each >= 1).
 * @param labels Number of sampled labels.
 * @param q The quantile billed, in (0, 1).
 * @param billed_value The billed quantile value.
 * @param opts Options, or NULL for the defaults.
 * @return As vnfo_account_quantile_check(), plus VNFO_E_ACCOUNT_VALUE (a
 *         multiplicity of 0), VNFO_E_OVERFLOW and VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API vnfo_status vnfo_account_quantile_check_clusters(vnfo_account_result *out,
                                                          const uint64_t *values,
                                                          const uint64_t *multiplicity,
                                                          size_t labels, double q,
                                                          uint64_t billed_value,
                                                          const vnfo_account_options *opts);

/**
 * @brief A performance metric of a cluster sample (labels with their
 *        multiplicities) against the reference plus the SLA slack.
 *
 * MEAN: the ratio estimator Σy/Σm over the labels with its cluster
 * variance L/(L-1)·Σ(y_i - ȳm_i)²/n², L - 1 degrees of freedom, and Hall's
 * correction for the skewness of Σ(y_i - ȳm_i) (the same skew guard as
 * vnfo_account_performance_check()).  Quantile metrics: the interval of
 * vnfo_account_quantile_check_clusters().  MAX: the largest value.  With
 * every multiplicity 1 this is vnfo_account_performance_check().  Reads
 * confidence, slack_* and quantile.  Allocates 8 bytes per value.
 * @param[out] out The result (its version set by the caller).
 * @param values The Σm packet values (delays), label by label.
 * @param multiplicity Packets of each sampled label (each >= 1).
 * @param labels Number of sampled labels.
 * @param metric Which statistic to compare.
 * @param reference The reference implementation's value of that statistic.
 * @param opts Options, or NULL for the defaults.
 * @return As vnfo_account_performance_check(), plus VNFO_E_ACCOUNT_VALUE
 *         (a multiplicity of 0) and VNFO_E_OVERFLOW.
 * @par Thread safety: safe.
 * @since 0.2 (VNFO_1.1)
 */
VNFO_API vnfo_status vnfo_account_performance_check_clusters(vnfo_account_result *out,
                                                             const uint64_t *values,
                                                             const uint64_t *multiplicity,
                                                             size_t labels,
                                                             vnfo_account_metric metric,
                                                             double reference,
                                                             const vnfo_account_options *opts);

/** @brief "CONSISTENT", "OVERCHARGED", ... ; "UNKNOWN" for other values.
 *  @par Thread safety: safe. */
VNFO_API const char *vnfo_account_verdict_name(vnfo_account_verdict verdict);
/** @brief "normal", "bernstein", ... ; "unknown" for other values.
 *  @par Thread safety: safe. */
VNFO_API const char *vnfo_account_method_name(vnfo_account_method method);
/** @brief A short sentence for a reason, e.g. "bill above the interval".
 *  @par Thread safety: safe. */
VNFO_API const char *vnfo_account_reason_text(vnfo_account_reason reason);
/** @brief "total", "count", "quantile", "minimality", "performance".
 *  @par Thread safety: safe. */
VNFO_API const char *vnfo_account_check_name(vnfo_account_check check);
/** @brief "mean", "p50", "p95", "p99", "max", "quantile".
 *  @par Thread safety: safe. */
VNFO_API const char *vnfo_account_metric_name(vnfo_account_metric metric);

/** @brief VNFO_ACCOUNT_SUM_TEXT_SIZE, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_account_sum_text_size(void);
/** @brief VNFO_ACCOUNT_FORMAT_VERSION, for FFI.  @par Thread safety: safe. */
VNFO_API unsigned vnfo_account_format_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_ACCOUNT_H */
