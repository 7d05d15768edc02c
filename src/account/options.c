/* Options and results of the checks, and the validation every check shares. */
#include <math.h>
#include <string.h>

#include "account/account_internal.h"

vnfo_status vnfo_account_options_init(vnfo_account_options *out, unsigned version)
{
    static const vnfo_account_options defaults = VNFO_ACCOUNT_OPTIONS_INIT;
    return vnfo__options_init(out, sizeof *out, &defaults,
                              version, VNFO_ACCOUNT_OPTIONS_VERSION, __func__);
}

/* Every double field NaN, every other field 0: "not used by this check". */
static void result_clear(vnfo_account_result *r)
{
    memset(r, 0, sizeof *r);
    r->version = VNFO_ACCOUNT_RESULT_VERSION;
    r->confidence = r->billed = r->estimate = r->lower = r->upper = NAN;
    r->p_value = r->std_error = r->statistic = r->skewness = NAN;
    r->probability = r->max_value = r->quantile = NAN;
    r->rate = r->rate_lower = r->rate_upper = r->reference = r->limit = NAN;
}

void vnfo__account_untrusted_clear(vnfo_account_result *r)
{
    r->lower = r->upper = r->p_value = NAN;
}

vnfo_status vnfo_account_result_init(vnfo_account_result *out, unsigned version)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_account_result_init: out is NULL");
    if (version != VNFO_ACCOUNT_RESULT_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION, "vnfo_account_result_init: version %u, expected %u",
                           version, VNFO_ACCOUNT_RESULT_VERSION);
    result_clear(out);
    return VNFO_OK;
}

vnfo_status vnfo__account_slack_valid(const vnfo_account_options *o, const char *where)
{
    if (!isfinite(o->slack_abs) || o->slack_abs < 0.0)
        return vnfo__error(VNFO_E_ACCOUNT_SLACK, "%s: slack_abs %g is not a finite number >= 0",
                           where, o->slack_abs);
    if (!isfinite(o->slack_rel) || o->slack_rel < 0.0)
        return vnfo__error(VNFO_E_ACCOUNT_SLACK, "%s: slack_rel %g is not a finite number >= 0",
                           where, o->slack_rel);
    if ((unsigned)o->slack_mode > VNFO_ACCOUNT_SLACK_BOTH)
        return vnfo__error(VNFO_E_ACCOUNT_SLACK, "%s: unknown slack_mode %d", where,
                           (int)o->slack_mode);
    return VNFO_OK;
}

vnfo_status vnfo__account_begin(vnfo_account_result *out, vnfo_account_options *eff,
                                const vnfo_account_options *opts, const char *where)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: out is NULL", where);
    if (out->version != VNFO_ACCOUNT_RESULT_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION,
                           "%s: result version %u, expected %u (call vnfo_account_result_init)",
                           where, out->version, VNFO_ACCOUNT_RESULT_VERSION);
    result_clear(out);
    *eff = (vnfo_account_options)VNFO_ACCOUNT_OPTIONS_INIT;
    if (opts) {
        if (opts->version != VNFO_ACCOUNT_OPTIONS_VERSION)
            return vnfo__error(VNFO_E_STRUCT_VERSION, "%s: options version %u, expected %u", where,
                               opts->version, VNFO_ACCOUNT_OPTIONS_VERSION);
        *eff = *opts;
    }
    if (!(eff->confidence > 0.0 && eff->confidence < 1.0))
        return vnfo__error(VNFO_E_ACCOUNT_CONFIDENCE, "%s: confidence %g is not in (0, 1)", where,
                           eff->confidence);
    out->confidence = eff->confidence;
    return VNFO_OK;
}

vnfo_status vnfo__account_probability(double *value, vnfo_rational p, const char *where)
{
    if (p.num == 0)
        return vnfo__error(VNFO_E_ACCOUNT_PROBABILITY, "%s: sampling probability is 0 (0/%llu)",
                           where, (unsigned long long)p.den);
    if (p.den != 0 && p.num > p.den)
        return vnfo__error(VNFO_E_ACCOUNT_PROBABILITY,
                           "%s: sampling probability %llu/%llu is above 1", where,
                           (unsigned long long)p.num, (unsigned long long)p.den);
    *value = vnfo_rational_to_double(p);
    return VNFO_OK;
}
