/* Keys and the demo manifest for simulations. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli_output.h"
#include "sim.h"

/* A 32-byte secret: random, or (seeded != 0) BLAKE2b of the seed and a
 * context, for reproducible tests. */
static void secret(uint8_t *out, uint64_t seed, const char *context)
{
    if (!seed) {
        randombytes_buf(out, 32);
        return;
    }
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const uint8_t *)&seed, sizeof seed);
    crypto_generichash_update(&st, (const uint8_t *)context, strlen(context));
    crypto_generichash_final(&st, out, 32);
}

static vnfo_status key_pair(const char *dir, const char *name, uint64_t seed)
{
    char path[1024];
    vnfo_signing_key *sk;
    vnfo_public_key pk;
    uint8_t k[32];
    secret(k, seed, name);
    vnfo_status s = vnfo_signing_key_from_seed(&sk, k);
    sodium_memzero(k, sizeof k);
    if (s != VNFO_OK)
        return s;
    vnfo_signing_key_public(&pk, sk);
    snprintf(path, sizeof path, "%s/%s.key", dir, name);
    s = vnfo_signing_key_save(sk, path);
    snprintf(path, sizeof path, "%s/%s.pub", dir, name);
    if (s == VNFO_OK)
        s = vnfo_public_key_save(&pk, path);
    vnfo_signing_key_free(sk);
    return s;
}

vnfo_status sim_keys_generate_seeded(const char *dir, const char *const *names, size_t n,
                                     uint64_t seed)
{
    vnfo_status s = VNFO_OK;
    for (size_t i = 0; s == VNFO_OK && i < n; i++)
        s = key_pair(dir, names[i], seed);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    char path[1024];
    snprintf(path, sizeof path, "%s/sampling.key", dir);
    if (s == VNFO_OK && seed)
        secret(key, seed, "sampling");
    else if (s == VNFO_OK)
        s = vnfo_sampler_key_generate(key);
    if (s == VNFO_OK)
        s = vnfo_sampler_key_save(key, path);
    sodium_memzero(key, sizeof key);
    return s;
}

vnfo_status sim_keys_generate(const char *dir, const char *const *names, size_t n)
{
    return sim_keys_generate_seeded(dir, names, n, 0);
}

static vnfo_status pub_text(char *out, const char *dir, const char *name)
{
    char path[1024];
    vnfo_public_key pk;
    snprintf(path, sizeof path, "%s/%s.pub", dir, name);
    vnfo_status s = vnfo_public_key_load(&pk, path);
    return s == VNFO_OK ? vnfo_public_key_format(out, VNFO_KEY_PUBLIC_TEXT_SIZE, &pk) : s;
}

static vnfo_status manifest_write(const char *path, const char *keys_dir, unsigned rate_den, int tagged)
{
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char pub[5][VNFO_KEY_PUBLIC_TEXT_SIZE], commit[VNFO_SAMPLER_COMMITMENT_TEXT_SIZE];
    vnfo_status s = VNFO_OK;
    for (int i = 0; s == VNFO_OK && i < 5; i++)
        s = pub_text(pub[i], keys_dir, names[i]);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    char kpath[1024];
    snprintf(kpath, sizeof kpath, "%s/sampling.key", keys_dir);
    if (s == VNFO_OK)
        s = vnfo_sampler_key_load(key, kpath);
    if (s == VNFO_OK)
        s = vnfo_sampler_key_commitment_format(commit, sizeof commit, key, sizeof key);
    sodium_memzero(key, sizeof key);
    if (s != VNFO_OK)
        return s;
    /* The tagged chain puts the NAT in the middle: a rewrite that later
     * hops must follow through FlowTags. */
    const char *second = tagged ? "nat" : "ids", *third = tagged ? "ids" : "nat";
    const char *second_pub = tagged ? pub[4] : pub[3], *third_pub = tagged ? pub[3] : pub[4];
    char chain[1024];
    snprintf(chain, sizeof chain,
        "    {\"name\": \"fw\",  \"function\": \"firewall\", \"node_id\": 1, \"public_key\": \"%s\", \"may_modify\": \"nothing\", \"may_drop\": true},\n"
        "    {\"name\": \"%s\", \"function\": \"%s\", \"node_id\": 2, \"public_key\": \"%s\", \"may_modify\": \"%s\", \"may_drop\": %s},\n"
        "    {\"name\": \"%s\", \"function\": \"%s\", \"node_id\": 3, \"public_key\": \"%s\", \"may_modify\": \"%s\", \"may_drop\": %s}\n",
        pub[2], second, second, second_pub, tagged ? "headers" : "nothing", tagged ? "false" : "true",
        third, third, third_pub, tagged ? "nothing" : "headers", tagged ? "true" : "false");
    char text[4096];
    int n = snprintf(text, sizeof text,
        "{\n"
        "  \"vnfo_manifest\": 1,\n"
        "  \"id\": \"demo-edge-2026-11\",\n"
        "  \"customer\": {\"name\": \"acme\", \"public_key\": \"%s\"},\n"
        "  \"provider\": {\"name\": \"cloudco\", \"public_key\": \"%s\"},\n"
        "  \"chain\": [\n%s"
        "  ],\n%s"
        "  \"sampling\": {\"hash\": \"siphash-2-4\", \"key_id\": \"demo\", \"key_commitment\": \"%s\",\n"
        "               \"rate\": \"1/%u\", \"fields\": \"%s\", \"payload_bytes\": 32, \"epoch_seconds\": 3600},\n"
        "  \"logging\": {\"granularity\": \"full\", \"batch_records\": 64, \"tree_hash\": \"blake2b-256\",\n"
        "              \"heartbeat_ms\": 1000},\n"
        "  \"sla\": [{\"metric\": \"delay\", \"scope\": \"ids\", \"statistic\": \"mean\", \"max_over_reference_us\": 50},\n"
        "          {\"metric\": \"delay\", \"scope\": \"chain\", \"statistic\": \"p95\", \"max_over_reference_us\": 500}],\n"
        "  \"billing\": {\"period\": {\"start\": \"2026-11-01T00:00:00Z\", \"end\": \"2026-12-01T00:00:00Z\"},\n"
        "              \"resources\": [{\"resource\": \"cpu_cycles\", \"summary\": \"sum\"},\n"
        "                            {\"resource\": \"packets\", \"summary\": \"count\"},\n"
        "                            {\"resource\": \"bytes\", \"summary\": \"sum\"},\n"
        "                            {\"resource\": \"mem_bytes\", \"summary\": \"p95\"},\n"
        "                            {\"resource\": \"cpu_cycles\", \"summary\": \"sum\", \"function\": \"ids\"}]},\n"
        "  \"verification\": {\"confidence\": 0.99, \"clock_skew_us\": 50,\n"
        "                   \"minimality\": {\"cpu_cycles\": {\"relative\": 0.10, \"absolute\": 2000}}}\n"
        "}\n",
        pub[0], pub[1], chain,
        tagged ? "  \"flowtags\": {\"carrier\": \"nsh-md1\", \"bits\": 24},\n" : "", commit, rate_den,
        tagged ? "nat-safe" : "invariant");
    if (n < 0 || (size_t)n >= sizeof text)
        return VNFO_E_LIMIT_EXCEEDED;
    FILE *f = cli_output_fopen(path);
    if (!f)
        return VNFO_E_IO;
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    return bad ? VNFO_E_IO : VNFO_OK;
}

vnfo_status sim_manifest_write(const char *path, const char *keys_dir, unsigned rate_den)
{
    return manifest_write(path, keys_dir, rate_den, 0);
}

vnfo_status sim_manifest_write_tagged(const char *path, const char *keys_dir, unsigned rate_den)
{
    return manifest_write(path, keys_dir, rate_den, 1);
}

vnfo_status sim_sampler_load(vnfo_sampler **out, const vnfo_manifest *m, const char *key_path)
{
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    vnfo_sampler_options so = VNFO_SAMPLER_OPTIONS_INIT;
    vnfo_status st = vnfo_sampler_key_load(key, key_path);
    if (st == VNFO_OK)
        st = vnfo_manifest_sampler_options(&so, m, key, sizeof key);
    if (st == VNFO_OK)
        st = vnfo_sampler_create(out, &so, key, sizeof key);
    sodium_memzero(key, sizeof key);
    return st;
}
