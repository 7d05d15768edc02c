/* Names of verdicts, methods, reasons, checks and metrics; value parsing;
 * delays; sizes for FFI. */
#include <ctype.h>

#include "account/account_internal.h"

const char *vnfo_account_verdict_name(vnfo_account_verdict v)
{
    static const char *const names[] = {"NONE",         "CONSISTENT",   "OVERCHARGED", "UNDERCHARGED",
                                        "INCONCLUSIVE", "PASS",         "FAIL"};
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "UNKNOWN";
}

const char *vnfo_account_method_name(vnfo_account_method m)
{
    static const char *const names[] = {"auto",     "normal",           "bernstein",
                                        "exact",    "binomial",         "order-statistics",
                                        "sketch-order-statistics", "student-t", "sample-max",
                                        "skew-corrected"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "unknown";
}

const char *vnfo_account_reason_text(vnfo_account_reason r)
{
    static const char *const texts[] = {
        "not computed",
        "billed value inside the interval",
        "billed value above the interval",
        "billed value below the interval",
        "bill below what the sample alone proves was used",
        "bill equals the estimate exactly",
        "sample too small for the method",
        "estimate too skewed (or the values' tail too heavy) for its interval, and no shape-free bound decides",
        "all sampled values equal: no variance estimate",
        "the needed interval end does not exist at this sample size",
        "limit inside the interval",
        "interval at or below the limit",
        "interval above the limit",
    };
    return (unsigned)r < sizeof texts / sizeof texts[0] ? texts[r] : "unknown reason";
}

const char *vnfo_account_check_name(vnfo_account_check c)
{
    static const char *const names[] = {"none",       "total",      "count",
                                        "quantile",   "minimality", "performance"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "unknown";
}

const char *vnfo_account_metric_name(vnfo_account_metric m)
{
    static const char *const names[] = {"unknown", "mean", "p50", "p95", "p99", "max", "quantile"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "unknown";
}

size_t vnfo_account_sum_text_size(void)
{
    return VNFO_ACCOUNT_SUM_TEXT_SIZE;
}

unsigned vnfo_account_format_version(void)
{
    return VNFO_ACCOUNT_FORMAT_VERSION;
}

/* The value's text (a line of the caller's input) escaped for a message,
 * at most 40 bytes of it. */
static vnfo__shown_name value_shown(const char *text)
{
    vnfo__shown_name q;
    vnfo__quote(q.s, sizeof q.s, text, strlen(text), 40);
    return q;
}

vnfo_status vnfo_account_value_parse(uint64_t *out, const char *text)
{
    if (!out || !text)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_value_parse: NULL argument");
    const char *p = text;
    if (*p == '-')
        return vnfo__error(VNFO_E_ACCOUNT_VALUE, "value \"%s\": negative", value_shown(text).s);
    if (*p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return vnfo__error(VNFO_E_ACCOUNT_VALUE, "value \"%s\": not a decimal integer",
                           value_shown(text).s);
    uint64_t v = 0;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return vnfo__error(VNFO_E_OVERFLOW, "value \"%s\": above 2^64 - 1",
                               value_shown(text).s);
        v = v * 10 + d;
    }
    if (*p) {
        char ch[16]; /* one escaped byte (\u00XX) and the helper's room for "..." */
        vnfo__quote(ch, sizeof ch, p, 1, 1);
        return vnfo__error(VNFO_E_ACCOUNT_VALUE, "value \"%s\": unexpected '%s' at offset %td",
                           value_shown(text).s, ch, p - text);
    }
    *out = v;
    return VNFO_OK;
}

vnfo_status vnfo_account_delay_compute(uint64_t *out, uint64_t t_in, uint64_t t_out)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_delay_compute: out is NULL");
    if (t_out < t_in)
        return vnfo__error(VNFO_E_ACCOUNT_VALUE,
                           "delay: t_out %llu is before t_in %llu",
                           (unsigned long long)t_out, (unsigned long long)t_in);
    *out = t_out - t_in;
    return VNFO_OK;
}
