/* From a manifest to a configured sampler: the options the manifest fixes,
 * handed over only for the key the manifest commits to. */
#include <sodium.h>
#include <stddef.h>

#include "manifest_internal.h"

/* The manifest's enumerations are the sampler's and packet module's
 * numbers, so options are filled by plain conversion. */
_Static_assert((int)VNFO_MANIFEST_HASH_XXH3_64 == (int)VNFO_SAMPLER_HASH_XXH3, "hash numbers");
_Static_assert((int)VNFO_MANIFEST_HASH_SIPHASH_2_4 == (int)VNFO_SAMPLER_HASH_SIPHASH, "hash numbers");
_Static_assert((int)VNFO_MANIFEST_HASH_BOB == (int)VNFO_SAMPLER_HASH_BOB, "hash numbers");
_Static_assert((int)VNFO_MANIFEST_FIELDS_CUSTOM == (int)VNFO_FIELDS_CUSTOM, "field-set numbers");
_Static_assert((int)VNFO_MANIFEST_FIELDS_PSAMP == (int)VNFO_FIELDS_PSAMP, "field-set numbers");
_Static_assert((int)VNFO_MANIFEST_FIELDS_INVARIANT == (int)VNFO_FIELDS_INVARIANT, "field-set numbers");
_Static_assert((int)VNFO_MANIFEST_FIELDS_NAT_SAFE == (int)VNFO_FIELDS_NAT_SAFE, "field-set numbers");
_Static_assert((int)VNFO_MANIFEST_FIELD_IP_VERSION == (int)VNFO_FIELD_IP_VERSION, "field numbers");
_Static_assert((int)VNFO_MANIFEST_FIELD_IP_FRAG == (int)VNFO_FIELD_IP_FRAG, "field numbers");
_Static_assert((int)VNFO_MANIFEST_FIELD_L4_SPORT == (int)VNFO_FIELD_L4_SPORT, "field numbers");
_Static_assert((int)VNFO_MANIFEST_FIELD_ICMP_TYPE == (int)VNFO_FIELD_ICMP_TYPE, "field numbers");
_Static_assert((int)VNFO_MANIFEST_FIELD_FLOWTAG == (int)VNFO_FIELD_FLOWTAG, "field numbers");
_Static_assert((int)VNFO_MANIFEST_FIELD_FLOWTAG + 1 == (int)VNFO_FIELD_COUNT_, "field count");
_Static_assert(VNFO_MANIFEST_MAX_RANGES <= VNFO_SAMPLER_MAX_RANGES, "range limit");
_Static_assert(VNFO_MANIFEST_COMMITMENT_BYTES == VNFO_SAMPLER_COMMITMENT_BYTES, "commitment size");

vnfo_status vnfo_manifest_sampling_bob_initval(uint32_t *out, const vnfo_manifest *m)
{
    if (!out || !m)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_sampling_bob_initval: NULL argument");
    if (!m->sampling.has_bob_initval)
        return vnfo__error(VNFO_E_NOT_FOUND, "manifest %s: no sampling.bob_initval",
                           vnfo__shown(m->id).s);
    *out = m->sampling.bob_initval;
    return VNFO_OK;
}

vnfo_status vnfo_manifest_sampling_epoch_at(uint64_t *out, const vnfo_manifest *m,
                                            int64_t unix_seconds)
{
    if (!out || !m || unix_seconds < 0)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_manifest_sampling_epoch_at: NULL argument or negative time");
    *out = m->sampling.epoch_seconds ? (uint64_t)unix_seconds / m->sampling.epoch_seconds : 0;
    return VNFO_OK;
}

static vnfo_status check_key(const vnfo_manifest *m, const uint8_t *key, size_t len)
{
    uint8_t commitment[VNFO_SAMPLER_COMMITMENT_BYTES];
    MF_TRY(vnfo_sampler_key_commitment(commitment, key, len));
    if (sodium_memcmp(commitment, m->sampling.commitment, sizeof commitment) != 0)
        return vnfo__error(VNFO_E_MANIFEST_KEY_MISMATCH,
                           "manifest %s: the sampling key is not the key \"%s\" that "
                           "sampling.key_commitment commits to",
                           m->id, m->sampling.key_id);
    return VNFO_OK;
}

static vnfo_packet_fields fields_of(const vnfo_manifest *m)
{
    vnfo_packet_fields f = VNFO_PACKET_FIELDS_INIT;
    f.preset = (uint32_t)m->sampling.fields;
    for (size_t i = 0; i < m->sampling.custom_count; i++)
        f.custom |= VNFO_FIELD_BIT(m->sampling.custom[i]);
    f.payload_bytes = m->sampling.payload_bytes;
    f.payload_offset = m->sampling.payload_offset;
    return f;
}

vnfo_status vnfo_manifest_sampler_options(vnfo_sampler_options *out, const vnfo_manifest *m,
                                          const uint8_t *master_key, size_t key_len)
{
    if (!out || !m || !master_key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_sampler_options: NULL argument");
    if (out->version != VNFO_SAMPLER_OPTIONS_VERSION)
        return vnfo__error(VNFO_E_STRUCT_VERSION,
                           "vnfo_manifest_sampler_options: options version %u, expected %u",
                           out->version, VNFO_SAMPLER_OPTIONS_VERSION);
    if (key_len != VNFO_SAMPLER_KEY_BYTES)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_manifest_sampler_options: a %zu-byte key, expected %d", key_len,
                           VNFO_SAMPLER_KEY_BYTES);
    MF_TRY(check_key(m, master_key, key_len));
    out->hash = (uint32_t)m->sampling.hash;
    out->fields = fields_of(m);
    out->rate = m->sampling.rate;
    out->ranges = m->sampling.range_count ? m->sampling.ranges : NULL;
    out->nranges = m->sampling.range_count;
    if (m->sampling.has_bob_initval) {
        out->flags |= VNFO_SAMPLER_BOB_FIXED_INITVAL;
        out->bob_initval = m->sampling.bob_initval;
    }
    return VNFO_OK;
}
