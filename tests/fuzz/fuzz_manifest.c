/* Fuzz target for the manifest parser.  Every input must either parse (and
 * then survive the digest, every accessor and a signature round trip of
 * the text form) or fail with a status and a positioned message; nothing
 * may crash, leak or read out of bounds.
 *
 * Built two ways: with clang and --enable-fuzzers, a libFuzzer binary
 * (make tests/fuzz_manifest; see docs/manifest.md, "Fuzzing"); always,
 * with tests/fuzz/replay.c, tests/replay_manifest, which make check runs
 * over every file of tests/corpus/manifest. */
#include <string.h>

#include <vnfo/vnfo.h>

#include "fuzz.h"

static void walk(const vnfo_manifest *m)
{
    uint8_t d[VNFO_MANIFEST_DIGEST_BYTES];
    vnfo_manifest_digest_compute(d, m);
    vnfo_public_key pk;
    size_t n = vnfo_manifest_chain_count(m);
    for (size_t i = 0; i <= n; i++) {
        (void)vnfo_manifest_chain_name(m, i);
        (void)vnfo_manifest_chain_function(m, i);
        (void)vnfo_manifest_chain_node_id(m, i);
        (void)vnfo_manifest_chain_may_modify(m, i);
        vnfo_manifest_chain_public_key(&pk, m, i);
    }
    uint64_t lo, hi;
    for (size_t i = 0; i <= vnfo_manifest_sampling_range_count(m); i++)
        vnfo_manifest_sampling_range(&lo, &hi, m, i);
    for (size_t i = 0; i <= vnfo_manifest_sampling_custom_field_count(m); i++)
        (void)vnfo_manifest_field_name(vnfo_manifest_sampling_custom_field(m, i));
    for (size_t i = 0; i <= vnfo_manifest_sla_count(m); i++)
        (void)vnfo_manifest_sla_slack_ratio(m, i);
    for (size_t i = 0; i <= vnfo_manifest_billing_count(m); i++)
        (void)vnfo_manifest_billing_resource_name(m, i);
    for (size_t i = 0; i <= vnfo_manifest_minimality_count(m); i++)
        (void)vnfo_manifest_minimality_resource_name(m, i);
    uint64_t epoch;
    FUZZ_ASSERT(vnfo_manifest_sampling_epoch_at(&epoch, m, 1800000000) == VNFO_OK);
    /* A key the input cannot commit to (its commitment would have to be a
     * BLAKE2b preimage): refused, and the options stay as they were. */
    uint8_t key[VNFO_SAMPLER_KEY_BYTES] = {0};
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_status s = vnfo_manifest_sampler_options(&o, m, key, sizeof key);
    FUZZ_ASSERT(s == VNFO_E_MANIFEST_KEY_MISMATCH || s == VNFO_OK);
    FUZZ_ASSERT(s == VNFO_OK || (o.nranges == 0 && o.rate.den == 64));
    uint8_t sig[VNFO_MANIFEST_SIGNATURE_BYTES] = {0}, back[VNFO_MANIFEST_SIGNATURE_BYTES];
    char text[VNFO_MANIFEST_SIGNATURE_TEXT_SIZE];
    vnfo_manifest_party party;
    /* The signature file text must round-trip. */
    FUZZ_ASSERT(vnfo_manifest_signature_format(text, sizeof text, m, VNFO_MANIFEST_PARTY_CUSTOMER,
                                               sig) == VNFO_OK);
    FUZZ_ASSERT(vnfo_manifest_signature_parse(back, &party, m, text, strlen(text), NULL) == VNFO_OK);
    FUZZ_ASSERT(memcmp(back, sig, sizeof sig) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialized;
    if (!initialized) {
        vnfo_init();
        initialized = 1;
    }
    vnfo_manifest *m = NULL;
    vnfo_status s = vnfo_manifest_parse(&m, (const char *)data, size, "fuzz.json");
    if (s == VNFO_OK) {
        walk(m);
        vnfo_manifest_free(m);
    } else {
        /* A failure leaves no object and says why. */
        FUZZ_ASSERT(m == NULL);
        FUZZ_ASSERT_MESSAGE(vnfo_error_message());
    }
    return 0;
}
