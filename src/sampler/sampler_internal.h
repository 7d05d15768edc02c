/* The sampler's private state, shared by the files of src/sampler/. */
#ifndef VNFO_SAMPLER_INTERNAL_H
#define VNFO_SAMPLER_INTERNAL_H

#include <vnfo/sampler.h>

/* crypto_kdf contexts (8 bytes each) of the two per-epoch keys. */
#define SAMPLER_KDF_SELECT "vnfosel1"
#define SAMPLER_KDF_LABEL "vnfolab1"

/* Per-epoch key material of one hash use (selection or label). */
struct sampler_key {
    uint8_t sip[16];  /* SipHash-2-4 key: the derived 16 bytes */
    uint64_t seed;    /* XXH3 seed: derived bytes 0..7, little-endian */
    uint32_t bob[2];  /* BOB init values: derived bytes 0..3 and 4..7, little-endian */
};

struct vnfo_sampler {
    uint32_t hash;
    uint32_t nranges;
    vnfo_packet_fields fields;
    vnfo_sampler_range ranges[VNFO_SAMPLER_MAX_RANGES]; /* sorted by lo */
    vnfo_rational probability;
    uint64_t epoch;
    uint32_t flags, bob_initval;
    struct sampler_key select, label;
    uint8_t master[VNFO_SAMPLER_KEY_BYTES];
};

/* Hash space size in bits: 32 for bob, 64 otherwise. */
static inline unsigned sampler_hash_bits(uint32_t hash)
{
    return hash == VNFO_SAMPLER_HASH_BOB ? 32 : 64;
}

/* Derives the selection and label keys of s->epoch from s->master. */
void vnfo__sampler_derive(struct vnfo_sampler *s);

#endif
