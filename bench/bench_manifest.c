/* Manifest benchmarks: full parse (JSON, validation, digest) against
 * jansson's parse of the same text alone, and party-signature verification
 * against a bare Ed25519 verification, both measured in this run. */
#include <jansson.h>
#include <string.h>

#include <vnfo/vnfo.h>

#include "bench.h"

#define PARSES 2000
#define VERIFIES 2000

static const char *text;
static size_t text_len;
static vnfo_manifest *manifest;
static uint8_t party_sig[VNFO_MANIFEST_SIGNATURE_BYTES], raw_sig[VNFO_KEY_SIGNATURE_BYTES];
static vnfo_public_key raw_key;
static const uint8_t raw_msg[32];

static void run_manifest_parse(void *ctx)
{
    (void)ctx;
    for (int i = 0; i < PARSES; i++) {
        vnfo_manifest *m;
        if (vnfo_manifest_parse(&m, text, text_len, "bench.json") != VNFO_OK)
            abort();
        bench_sink_u64(vnfo_manifest_chain_count(m));
        vnfo_manifest_free(m);
    }
}

static void run_jansson_parse(void *ctx)
{
    (void)ctx;
    for (int i = 0; i < PARSES; i++) {
        json_error_t e;
        json_t *root = json_loadb(text, text_len, JSON_REJECT_DUPLICATES, &e);
        if (!root)
            abort();
        bench_sink_u64(json_object_size(root));
        json_decref(root);
    }
}

static void run_party_verify(void *ctx)
{
    (void)ctx;
    for (int i = 0; i < VERIFIES; i++)
        if (vnfo_manifest_signature_verify(manifest, VNFO_MANIFEST_PARTY_CUSTOMER, party_sig) != VNFO_OK)
            abort();
}

static void run_raw_verify(void *ctx)
{
    (void)ctx;
    for (int i = 0; i < VERIFIES; i++)
        if (vnfo_public_key_verify(&raw_key, raw_msg, sizeof raw_msg, raw_sig) != VNFO_OK)
            abort();
}

int main(void)
{
    if (vnfo_init() != VNFO_OK)
        return 1;
    text = vnfo_manifest_template(); /* a realistic two-function manifest */
    text_len = strlen(text);
    if (vnfo_manifest_parse(&manifest, text, text_len, "bench.json") != VNFO_OK)
        return 1;
    uint8_t seed[32];
    memset(seed, 1, sizeof seed); /* the template's customer key */
    vnfo_signing_key *key;
    vnfo_signing_key_from_seed(&key, seed);
    vnfo_signing_key_public(&raw_key, key);
    if (vnfo_manifest_sign(party_sig, manifest, VNFO_MANIFEST_PARTY_CUSTOMER, key) != VNFO_OK)
        return 1;
    vnfo_signing_key_sign(raw_sig, key, raw_msg, sizeof raw_msg);
    vnfo_signing_key_free(key);

    printf("manifest of %zu bytes\n", text_len);
    double base = bench_median_ns(run_jansson_parse, NULL, PARSES, 9);
    double full = bench_median_ns(run_manifest_parse, NULL, PARSES, 9);
    bench_report("manifest parse+validate+digest", full, "jansson json_loadb only", base);
    base = bench_median_ns(run_raw_verify, NULL, VERIFIES, 7);
    full = bench_median_ns(run_party_verify, NULL, VERIFIES, 7);
    bench_report("manifest party signature verify", full, "bare Ed25519 verify (32 B)", base);
    vnfo_manifest_free(manifest);
    return 0;
}
