/* The starting point printed by `vnfo manifest template`.  JSON has no
 * comments, so the documentation rides in "comment" keys, which the schema
 * accepts in every object and the digest ignores.  The keys are the public
 * halves of the seeds 0x01.. to 0x04.. repeated: placeholders anyone could
 * sign for, to be replaced before use (tests check that it parses). */
#include "manifest_internal.h"

static const char template_text[] =
    "{\n"
    "  \"comment\": [\"vnfo verification manifest, schema 1 (docs/manifest.md).\",\n"
    "              \"Replace every public key and the key commitment before use:\",\n"
    "              \"the ones below are placeholders derived from public test seeds.\",\n"
    "              \"'comment' keys are allowed in every object and ignored by the digest.\"],\n"
    "  \"vnfo_manifest\": 1,\n"
    "  \"id\": \"my-chain-2026-11\",\n"
    "  \"customer\": {\"comment\": \"who outsources the functions\",\n"
    "               \"name\": \"customer\", \"public_key\": \"ed25519:iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=\"},\n"
    "  \"provider\": {\"comment\": \"who runs them\",\n"
    "               \"name\": \"provider\", \"public_key\": \"ed25519:gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=\"},\n"
    "  \"chain\": [\n"
    "    {\"comment\": \"in packet order; may_modify: nothing, headers, payload or any\",\n"
    "     \"name\": \"fw\", \"function\": \"firewall\", \"node_id\": 1,\n"
    "     \"public_key\": \"ed25519:7UkoxijRwsbq6QM4kFmVYSlZJzpcY/k2NsFGFKyHN9E=\",\n"
    "     \"may_modify\": \"nothing\", \"may_drop\": true},\n"
    "    {\"name\": \"nat\", \"function\": \"nat\", \"node_id\": 2,\n"
    "     \"public_key\": \"ed25519:ypOsFwUYcHHWe4PH/w7+gQjo7EUwV113JoeTM9vavnw=\",\n"
    "     \"may_modify\": \"headers\", \"may_drop\": false}\n"
    "  ],\n"
    "  \"sampling\": {\n"
    "    \"comment\": [\"hash: xxh3-64, siphash-2-4 or bob; rate \\\"N/D\\\" or ranges [[lo, hi], ...];\",\n"
    "                \"fields: psamp, invariant, nat-safe or custom (+ custom_fields)\"],\n"
    "    \"hash\": \"siphash-2-4\", \"key_id\": \"k2026-11\",\n"
    "    \"key_commitment\": \"blake2b:0000000000000000000000000000000000000000000000000000000000000000\",\n"
    "    \"rate\": \"1/64\", \"fields\": \"nat-safe\", \"payload_bytes\": 16, \"epoch_seconds\": 3600\n"
    "  },\n"
    "  \"logging\": {\"comment\": [\"granularity: digest, headers or full; heartbeat_ms: each shim signs\",\n"
    "                          \"at least that often and closes the billing period (tail deletion shows)\"],\n"
    "              \"granularity\": \"headers\", \"batch_records\": 1024, \"tree_hash\": \"blake2b-256\",\n"
    "              \"heartbeat_ms\": 60000},\n"
    "  \"flowtags\": {\"comment\": \"carrier: nsh-md1, nsh-md2, ipv6-flow-label, vlan or dscp\",\n"
    "               \"carrier\": \"nsh-md1\", \"bits\": 32},\n"
    "  \"sla\": [\n"
    "    {\"comment\": \"statistic: mean, p50, p95, p99 or max; scope: chain or a function name\",\n"
    "     \"metric\": \"delay\", \"scope\": \"chain\", \"statistic\": \"p95\", \"max_over_reference_us\": 10000},\n"
    "    {\"metric\": \"delay\", \"scope\": \"nat\", \"statistic\": \"mean\", \"max_over_reference_ratio\": 1.2}\n"
    "  ],\n"
    "  \"billing\": {\n"
    "    \"comment\": \"resources: cpu_cycles, mem_bytes, packets, bytes or vendor:<name>\",\n"
    "    \"period\": {\"start\": \"2026-11-01T00:00:00Z\", \"end\": \"2026-12-01T00:00:00Z\"},\n"
    "    \"resources\": [{\"resource\": \"cpu_cycles\", \"summary\": \"sum\"},\n"
    "                  {\"resource\": \"mem_bytes\", \"summary\": \"p95\"},\n"
    "                  {\"resource\": \"packets\", \"summary\": \"count\", \"function\": \"nat\"}]\n"
    "  },\n"
    "  \"verification\": {\"comment\": \"confidence in (0, 1); minimality per resource\",\n"
    "                   \"confidence\": 0.99, \"clock_skew_us\": 50,\n"
    "                   \"minimality\": {\"cpu_cycles\": {\"relative\": 0.10, \"absolute\": 2000}}}\n"
    "}\n";

const char *vnfo_manifest_template(void)
{
    return template_text;
}
