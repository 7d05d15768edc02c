/* The manifest digest: BLAKE2b-256 over "vnfo manifest v1\0" and a
 * canonical msgpack encoding of the parsed manifest (docs/manifest.md,
 * "Digest").  Encoding the parsed values, not the text, is what makes
 * whitespace, key order, number spelling ("0.10" = "0.1", "2" = "2.0" where
 * numbers are reals) and comments irrelevant; fixed positions and types make
 * every semantic field count.  msgpack-c packs each integer in its shortest
 * form and each real as float64, so the bytes are unique. */
#include <msgpack.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_internal.h"

#define DIGEST_CONTEXT "vnfo manifest v1"

static int hash_write(void *data, const char *buf, size_t len)
{
    crypto_generichash_update(data, (const unsigned char *)buf, len);
    return 0;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pack_bin(msgpack_packer *pk, const uint8_t *b, size_t n)
{
    msgpack_pack_bin(pk, n);
    msgpack_pack_bin_body(pk, b, n);
}

static void pack_scope(msgpack_packer *pk, size_t scope)
{
    if (scope == VNFO_MANIFEST_SCOPE_CHAIN)
        msgpack_pack_nil(pk);
    else
        msgpack_pack_uint64(pk, scope);
}

static void pack_parties_and_chain(msgpack_packer *pk, const vnfo_manifest *m)
{
    for (int p = 0; p < 2; p++) {
        msgpack_pack_array(pk, 2);
        pack_str(pk, m->party[p].name);
        pack_bin(pk, m->party[p].key.bytes, VNFO_KEY_PUBLIC_BYTES);
    }
    msgpack_pack_array(pk, m->chain_count);
    for (size_t i = 0; i < m->chain_count; i++) {
        const struct mf_function *f = &m->chain[i];
        msgpack_pack_array(pk, 6);
        pack_str(pk, f->name);
        pack_str(pk, f->function);
        msgpack_pack_uint32(pk, f->node_id);
        pack_bin(pk, f->key.bytes, VNFO_KEY_PUBLIC_BYTES);
        msgpack_pack_uint32(pk, (uint32_t)f->may_modify);
        if (f->may_drop)
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
    }
}

static void pack_sampling(msgpack_packer *pk, const vnfo_manifest *m)
{
    msgpack_pack_array(pk, 11);
    msgpack_pack_uint32(pk, (uint32_t)m->sampling.hash);
    pack_str(pk, m->sampling.key_id);
    pack_bin(pk, m->sampling.commitment, VNFO_MANIFEST_COMMITMENT_BYTES);
    msgpack_pack_array(pk, 2);
    msgpack_pack_uint64(pk, m->sampling.rate.num);
    msgpack_pack_uint64(pk, m->sampling.rate.den);
    msgpack_pack_array(pk, m->sampling.range_count); /* sorted at parse time */
    for (size_t i = 0; i < m->sampling.range_count; i++) {
        msgpack_pack_array(pk, 2);
        msgpack_pack_uint64(pk, m->sampling.ranges[i].lo);
        msgpack_pack_uint64(pk, m->sampling.ranges[i].hi);
    }
    msgpack_pack_uint32(pk, (uint32_t)m->sampling.fields);
    msgpack_pack_array(pk, m->sampling.custom_count);
    for (size_t i = 0; i < m->sampling.custom_count; i++)
        msgpack_pack_uint32(pk, (uint32_t)m->sampling.custom[i]);
    msgpack_pack_uint32(pk, m->sampling.payload_bytes);
    msgpack_pack_uint32(pk, m->sampling.payload_offset);
    msgpack_pack_uint64(pk, m->sampling.epoch_seconds);
    if (m->sampling.has_bob_initval)
        msgpack_pack_uint32(pk, m->sampling.bob_initval);
    else
        msgpack_pack_nil(pk);
}

static void pack_logging_flowtags_sla(msgpack_packer *pk, const vnfo_manifest *m)
{
    /* heartbeat_ms joins the logging array only when given, so the digest of
     * every manifest without it stays what 0.1.0 computed. */
    msgpack_pack_array(pk, m->logging.heartbeat_ms ? 4 : 3);
    msgpack_pack_uint32(pk, (uint32_t)m->logging.granularity);
    msgpack_pack_uint32(pk, m->logging.batch_records);
    msgpack_pack_uint32(pk, (uint32_t)m->logging.tree_hash);
    if (m->logging.heartbeat_ms)
        msgpack_pack_uint32(pk, m->logging.heartbeat_ms);
    if (m->flowtags.present) {
        msgpack_pack_array(pk, 2);
        msgpack_pack_uint32(pk, (uint32_t)m->flowtags.carrier);
        msgpack_pack_uint32(pk, m->flowtags.bits);
    } else {
        msgpack_pack_nil(pk);
    }
    msgpack_pack_array(pk, m->sla_count);
    for (size_t i = 0; i < m->sla_count; i++) {
        const struct mf_sla *s = &m->sla[i];
        msgpack_pack_array(pk, 5);
        msgpack_pack_uint32(pk, (uint32_t)s->metric);
        pack_scope(pk, s->scope);
        msgpack_pack_uint32(pk, (uint32_t)s->statistic);
        msgpack_pack_uint32(pk, (uint32_t)s->kind);
        if (s->kind == VNFO_MANIFEST_SLACK_ABSOLUTE_US)
            msgpack_pack_uint64(pk, s->slack_us);
        else
            msgpack_pack_double(pk, s->ratio);
    }
}

static int minimality_cmp(const void *a, const void *b)
{
    const struct mf_minimality *const *x = a, *const *y = b;
    return strcmp((*x)->resource.name, (*y)->resource.name);
}

static vnfo_status pack_billing_verification(msgpack_packer *pk, const vnfo_manifest *m)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_int64(pk, m->billing.start);
    msgpack_pack_int64(pk, m->billing.end);
    msgpack_pack_array(pk, m->billing.count);
    for (size_t i = 0; i < m->billing.count; i++) {
        const struct mf_bill *b = &m->billing.items[i];
        /* max_per_packet joins only when given, so digests of manifests
         * without it are unchanged. */
        msgpack_pack_array(pk, b->max_per_packet ? 5 : 4);
        msgpack_pack_uint32(pk, (uint32_t)b->resource.kind);
        pack_str(pk, b->resource.name);
        msgpack_pack_uint32(pk, (uint32_t)b->summary);
        pack_scope(pk, b->scope);
        if (b->max_per_packet)
            msgpack_pack_uint64(pk, b->max_per_packet);
    }
    /* Minimality bounds come from JSON object keys: a set, so sorted by name. */
    size_t n = m->verification.minimality_count;
    const struct mf_minimality **sorted = vnfo__calloc(n, sizeof *sorted);
    if (!sorted)
        return vnfo__error(VNFO_E_NO_MEMORY, "manifest digest: out of memory");
    for (size_t i = 0; i < n; i++)
        sorted[i] = &m->verification.minimality[i];
    vnfo__sort(sorted, n, sizeof *sorted, minimality_cmp);
    msgpack_pack_array(pk, 3);
    msgpack_pack_double(pk, m->verification.confidence);
    msgpack_pack_uint64(pk, m->verification.clock_skew_us);
    msgpack_pack_array(pk, n);
    for (size_t i = 0; i < n; i++) {
        msgpack_pack_array(pk, 4);
        msgpack_pack_uint32(pk, (uint32_t)sorted[i]->resource.kind);
        pack_str(pk, sorted[i]->resource.name);
        msgpack_pack_double(pk, sorted[i]->relative);
        msgpack_pack_double(pk, sorted[i]->absolute);
    }
    vnfo__free(sorted);
    return VNFO_OK;
}

vnfo_status mf_digest(vnfo_manifest *m)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, VNFO_MANIFEST_DIGEST_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)DIGEST_CONTEXT, sizeof DIGEST_CONTEXT);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &st, hash_write);
    msgpack_pack_array(&pk, 11);
    msgpack_pack_uint32(&pk, m->version);
    pack_str(&pk, m->id);
    pack_parties_and_chain(&pk, m);
    pack_sampling(&pk, m);
    pack_logging_flowtags_sla(&pk, m);
    MF_TRY(pack_billing_verification(&pk, m));
    crypto_generichash_final(&st, m->digest, VNFO_MANIFEST_DIGEST_BYTES);
    return VNFO_OK;
}

vnfo_status vnfo_manifest_digest_compute(uint8_t *out, const vnfo_manifest *m)
{
    if (!out || !m)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_digest_compute: NULL argument");
    memcpy(out, m->digest, VNFO_MANIFEST_DIGEST_BYTES);
    return VNFO_OK;
}

void mf_digest_text(char out[MF_DIGEST_TEXT_SIZE], const uint8_t *digest)
{
    memcpy(out, "blake2b:", 8);
    sodium_bin2hex(out + 8, MF_DIGEST_TEXT_SIZE - 8, digest, VNFO_MANIFEST_DIGEST_BYTES);
}
