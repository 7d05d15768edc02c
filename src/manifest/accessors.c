/* Read-only accessors.  Out-of-range indexes and NULL manifests return the
 * documented neutral value instead of crashing, so bindings can probe. */
#include <string.h>

#include "manifest_internal.h"

unsigned vnfo_manifest_version(const vnfo_manifest *m) { return m ? m->version : 0; }
const char *vnfo_manifest_id(const vnfo_manifest *m) { return m ? m->id : NULL; }

static bool party_ok(const vnfo_manifest *m, vnfo_manifest_party p)
{
    return m && (p == VNFO_MANIFEST_PARTY_CUSTOMER || p == VNFO_MANIFEST_PARTY_PROVIDER);
}

const char *vnfo_manifest_party_name(const vnfo_manifest *m, vnfo_manifest_party p)
{
    return party_ok(m, p) ? m->party[p].name : NULL;
}

vnfo_status vnfo_manifest_party_key(vnfo_public_key *out, const vnfo_manifest *m,
                                    vnfo_manifest_party p)
{
    if (!out || !party_ok(m, p))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_party_key: invalid argument");
    *out = m->party[p].key;
    return VNFO_OK;
}

/* ---- chain ---------------------------------------------------------------- */

static const struct mf_function *fn(const vnfo_manifest *m, size_t i)
{
    return m && i < m->chain_count ? &m->chain[i] : NULL;
}

size_t vnfo_manifest_chain_count(const vnfo_manifest *m) { return m ? m->chain_count : 0; }
const char *vnfo_manifest_chain_name(const vnfo_manifest *m, size_t i) { return fn(m, i) ? fn(m, i)->name : NULL; }
const char *vnfo_manifest_chain_function(const vnfo_manifest *m, size_t i) { return fn(m, i) ? fn(m, i)->function : NULL; }
uint32_t vnfo_manifest_chain_node_id(const vnfo_manifest *m, size_t i) { return fn(m, i) ? fn(m, i)->node_id : 0; }
int vnfo_manifest_chain_may_drop(const vnfo_manifest *m, size_t i) { return fn(m, i) ? fn(m, i)->may_drop : 0; }

vnfo_manifest_modify vnfo_manifest_chain_may_modify(const vnfo_manifest *m, size_t i)
{
    return fn(m, i) ? fn(m, i)->may_modify : VNFO_MANIFEST_MODIFY_NOTHING;
}

vnfo_status vnfo_manifest_chain_public_key(vnfo_public_key *out, const vnfo_manifest *m, size_t i)
{
    if (!out || !fn(m, i))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_manifest_chain_public_key: NULL argument or index %zu out of range", i);
    *out = fn(m, i)->key;
    return VNFO_OK;
}

vnfo_status vnfo_manifest_chain_find(size_t *out, const vnfo_manifest *m, const char *name)
{
    if (!out || !m || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_chain_find: NULL argument");
    for (size_t i = 0; i < m->chain_count; i++) {
        if (strcmp(m->chain[i].name, name) == 0) {
            *out = i;
            return VNFO_OK;
        }
    }
    char quoted[VNFO_QUOTE_SIZE];
    vnfo__quote(quoted, sizeof quoted, name, strlen(name), 64);
    return vnfo__error(VNFO_E_NOT_FOUND, "manifest %s: no chain function named \"%s\"",
                       vnfo__shown(m->id).s, quoted);
}

/* ---- sampling ------------------------------------------------------------------ */

vnfo_manifest_hash vnfo_manifest_sampling_hash(const vnfo_manifest *m) { return m ? m->sampling.hash : VNFO_MANIFEST_HASH_SIPHASH_2_4; }
const char *vnfo_manifest_sampling_key_id(const vnfo_manifest *m) { return m ? m->sampling.key_id : NULL; }
size_t vnfo_manifest_sampling_range_count(const vnfo_manifest *m) { return m ? m->sampling.range_count : 0; }
vnfo_manifest_fields vnfo_manifest_sampling_fields(const vnfo_manifest *m) { return m ? m->sampling.fields : VNFO_MANIFEST_FIELDS_PSAMP; }
size_t vnfo_manifest_sampling_custom_field_count(const vnfo_manifest *m) { return m ? m->sampling.custom_count : 0; }
uint32_t vnfo_manifest_sampling_payload_bytes(const vnfo_manifest *m) { return m ? m->sampling.payload_bytes : 0; }
uint32_t vnfo_manifest_sampling_payload_offset(const vnfo_manifest *m) { return m ? m->sampling.payload_offset : 0; }
uint64_t vnfo_manifest_sampling_epoch_seconds(const vnfo_manifest *m) { return m ? m->sampling.epoch_seconds : 0; }

unsigned vnfo_manifest_sampling_hash_bits(const vnfo_manifest *m)
{
    return m && m->sampling.hash == VNFO_MANIFEST_HASH_BOB ? 32 : 64;
}

vnfo_rational vnfo_manifest_sampling_rate(const vnfo_manifest *m)
{
    vnfo_rational zero = {0, 1};
    return m ? m->sampling.rate : zero;
}

vnfo_status vnfo_manifest_sampling_key_commitment(uint8_t *out, const vnfo_manifest *m)
{
    if (!out || !m)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_sampling_key_commitment: NULL argument");
    memcpy(out, m->sampling.commitment, VNFO_MANIFEST_COMMITMENT_BYTES);
    return VNFO_OK;
}

vnfo_status vnfo_manifest_sampling_range(uint64_t *out_lo, uint64_t *out_hi, const vnfo_manifest *m,
                                         size_t i)
{
    if (!out_lo || !out_hi || !m || i >= m->sampling.range_count)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_manifest_sampling_range: NULL argument or index %zu out of range", i);
    *out_lo = m->sampling.ranges[i].lo;
    *out_hi = m->sampling.ranges[i].hi;
    return VNFO_OK;
}

vnfo_manifest_field vnfo_manifest_sampling_custom_field(const vnfo_manifest *m, size_t i)
{
    return m && i < m->sampling.custom_count ? m->sampling.custom[i] : VNFO_MANIFEST_FIELD_IP_VERSION;
}

/* ---- logging and flowtags ----------------------------------------------------- */

vnfo_manifest_granularity vnfo_manifest_logging_granularity(const vnfo_manifest *m) { return m ? m->logging.granularity : VNFO_MANIFEST_GRANULARITY_DIGEST; }
uint32_t vnfo_manifest_logging_batch_records(const vnfo_manifest *m) { return m ? m->logging.batch_records : 0; }
vnfo_manifest_tree_hash vnfo_manifest_logging_tree_hash(const vnfo_manifest *m) { return m ? m->logging.tree_hash : VNFO_MANIFEST_TREE_BLAKE2B_256; }
uint32_t vnfo_manifest_logging_heartbeat_ms(const vnfo_manifest *m) { return m ? m->logging.heartbeat_ms : 0; }
int vnfo_manifest_has_flowtags(const vnfo_manifest *m) { return m ? m->flowtags.present : 0; }
vnfo_manifest_carrier vnfo_manifest_flowtags_carrier(const vnfo_manifest *m) { return m ? m->flowtags.carrier : VNFO_MANIFEST_CARRIER_NSH_MD1; }
unsigned vnfo_manifest_flowtags_bits(const vnfo_manifest *m) { return m ? m->flowtags.bits : 0; }

/* ---- SLA ---------------------------------------------------------------------------- */

static const struct mf_sla *sla(const vnfo_manifest *m, size_t i)
{
    return m && i < m->sla_count ? &m->sla[i] : NULL;
}

size_t vnfo_manifest_sla_count(const vnfo_manifest *m) { return m ? m->sla_count : 0; }
vnfo_manifest_metric vnfo_manifest_sla_metric(const vnfo_manifest *m, size_t i) { return sla(m, i) ? sla(m, i)->metric : VNFO_MANIFEST_METRIC_DELAY; }
size_t vnfo_manifest_sla_scope_index(const vnfo_manifest *m, size_t i) { return sla(m, i) ? sla(m, i)->scope : VNFO_MANIFEST_SCOPE_CHAIN; }
vnfo_manifest_statistic vnfo_manifest_sla_statistic(const vnfo_manifest *m, size_t i) { return sla(m, i) ? sla(m, i)->statistic : VNFO_MANIFEST_STAT_MEAN; }
vnfo_manifest_slack vnfo_manifest_sla_slack_kind(const vnfo_manifest *m, size_t i) { return sla(m, i) ? sla(m, i)->kind : VNFO_MANIFEST_SLACK_ABSOLUTE_US; }

uint64_t vnfo_manifest_sla_slack_us(const vnfo_manifest *m, size_t i)
{
    return sla(m, i) && sla(m, i)->kind == VNFO_MANIFEST_SLACK_ABSOLUTE_US ? sla(m, i)->slack_us : 0;
}

double vnfo_manifest_sla_slack_ratio(const vnfo_manifest *m, size_t i)
{
    return sla(m, i) && sla(m, i)->kind == VNFO_MANIFEST_SLACK_RATIO ? sla(m, i)->ratio : 0;
}

/* ---- billing -------------------------------------------------------------------------- */

static const struct mf_bill *bill(const vnfo_manifest *m, size_t i)
{
    return m && i < m->billing.count ? &m->billing.items[i] : NULL;
}

int64_t vnfo_manifest_billing_start(const vnfo_manifest *m) { return m ? m->billing.start : 0; }
int64_t vnfo_manifest_billing_end(const vnfo_manifest *m) { return m ? m->billing.end : 0; }
size_t vnfo_manifest_billing_count(const vnfo_manifest *m) { return m ? m->billing.count : 0; }
vnfo_manifest_resource vnfo_manifest_billing_resource(const vnfo_manifest *m, size_t i) { return bill(m, i) ? bill(m, i)->resource.kind : VNFO_MANIFEST_RESOURCE_CPU_CYCLES; }
const char *vnfo_manifest_billing_resource_name(const vnfo_manifest *m, size_t i) { return bill(m, i) ? bill(m, i)->resource.name : NULL; }
uint64_t vnfo_manifest_billing_max_per_packet(const vnfo_manifest *m, size_t i) { return bill(m, i) ? bill(m, i)->max_per_packet : 0; }
vnfo_manifest_summary vnfo_manifest_billing_summary(const vnfo_manifest *m, size_t i) { return bill(m, i) ? bill(m, i)->summary : VNFO_MANIFEST_SUMMARY_SUM; }
size_t vnfo_manifest_billing_scope_index(const vnfo_manifest *m, size_t i) { return bill(m, i) ? bill(m, i)->scope : VNFO_MANIFEST_SCOPE_CHAIN; }

/* ---- verification ------------------------------------------------------------------------ */

static const struct mf_minimality *mini(const vnfo_manifest *m, size_t i)
{
    return m && i < m->verification.minimality_count ? &m->verification.minimality[i] : NULL;
}

double vnfo_manifest_verification_confidence(const vnfo_manifest *m) { return m ? m->verification.confidence : 0; }
uint64_t vnfo_manifest_verification_clock_skew_us(const vnfo_manifest *m) { return m ? m->verification.clock_skew_us : 0; }
size_t vnfo_manifest_minimality_count(const vnfo_manifest *m) { return m ? m->verification.minimality_count : 0; }
vnfo_manifest_resource vnfo_manifest_minimality_resource(const vnfo_manifest *m, size_t i) { return mini(m, i) ? mini(m, i)->resource.kind : VNFO_MANIFEST_RESOURCE_CPU_CYCLES; }
const char *vnfo_manifest_minimality_resource_name(const vnfo_manifest *m, size_t i) { return mini(m, i) ? mini(m, i)->resource.name : NULL; }
double vnfo_manifest_minimality_relative(const vnfo_manifest *m, size_t i) { return mini(m, i) ? mini(m, i)->relative : 0; }
double vnfo_manifest_minimality_absolute(const vnfo_manifest *m, size_t i) { return mini(m, i) ? mini(m, i)->absolute : 0; }
