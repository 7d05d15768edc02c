/* Check suite for the manifest module: every validation rule with its exact
 * message and position, limits, accessors, the digest's invariance and
 * sensitivity, party signatures and signature files. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

#include <vnfo/manifest.h>

#include "testutil.h"

/* ---- fixtures ------------------------------------------------------------ */

static char *read_file(const char *rel)
{
    const char *top = getenv("top_srcdir");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static char *example(void)
{
    return read_file("examples/manifests/fw-nat-ids.json");
}

/* A copy of text with the first occurrence of old replaced by new. */
static char *replace(const char *text, const char *old, const char *new)
{
    const char *at = strstr(text, old);
    ck_assert_msg(at != NULL, "fixture text not found: %s", old);
    size_t n = strlen(text), o = strlen(old), w = strlen(new);
    char *out = malloc(n - o + w + 1);
    ck_assert_ptr_nonnull(out);
    memcpy(out, text, (size_t)(at - text));
    memcpy(out + (at - text), new, w);
    memcpy(out + (at - text) + w, at + o, n - (size_t)(at - text) - o + 1);
    return out;
}

static vnfo_manifest *parse_ok(const char *text)
{
    vnfo_manifest *m = NULL;
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_OK);
    return m;
}

static void digest_of(uint8_t *out, const char *text)
{
    vnfo_manifest *m = parse_ok(text);
    ck_assert_status(vnfo_manifest_digest_compute(out, m), VNFO_OK);
    vnfo_manifest_free(m);
}

static void setup(void)
{
    ck_assert_status(vnfo_init(), VNFO_OK);
}

/* ---- validation rules: exact status, message and position ----------------- */

struct rule_case {
    const char *old, *new, *old2, *new2;
    vnfo_status status;
    const char *message;
};

/* Each row edits the three-function example and names the one error that
 * must come back, with its line:column and JSON path. */
static const struct rule_case rule_cases[] = {
    {"\"node_id\": 2", "\"node_id\": 1", NULL, NULL,
     VNFO_E_MANIFEST_DUPLICATE, "m.json:9:56: chain[1].node_id: duplicate node id 1 (first at chain[0])"},
    {"\"name\": \"nat\"", "\"name\": \"fw\"", NULL, NULL,
     VNFO_E_MANIFEST_DUPLICATE, "m.json:9:14: chain[1].name: duplicate name \"fw\" (first at chain[0])"},
    {"\"name\": \"nat\", \"function\"", "\"nmae\": \"nat\", \"function\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_KEY, "m.json:9:6: chain[1].nmae: unknown key (did you mean \"name\"?)"},
    {"\"siphash-2-4\"", "\"siphash24\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:12:24: sampling.hash: unknown hash \"siphash24\" (did you mean \"siphash-2-4\"?)"},
    {"\"nat-safe\"", "\"nat_safe\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:14:42: sampling.fields: unknown field set \"nat_safe\" (did you mean \"nat-safe\"?)"},
    {"\"nsh-md1\"", "\"nsh\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:16:27: flowtags.carrier: unknown carrier \"nsh\" (expected one of: nsh-md1, nsh-md2, ipv6-flow-label, vlan, dscp)"},
    {"\"p95\", \"max_over", "\"P95\", \"max_over", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:17:62: sla[0].statistic: unknown statistic \"P95\" (did you mean \"p95\"?)"},
    {"\"mem_bytes\"", "\"mem_byte\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:21:42: billing.resources[1].resource: unknown resource \"mem_byte\" (did you mean \"mem_bytes\"?)"},
    {"\"1/64\"", "\"3/2\"", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:14:24: sampling.rate: rate 3/2 is outside (0, 1]"},
    {"\"1/64\"", "\"0/5\"", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:14:24: sampling.rate: rate 0/5 is outside (0, 1]"},
    {"\"1/64\"", "\"0.5\"", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:14:24: sampling.rate: malformed rate \"0.5\": expected an exact fraction such as \"1/64\" or \"3/2^10\""},
    {"10000", "-5", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:17:94: sla[0].max_over_reference_us: negative slack -5 us (expected at least 0)"},
    {"1.2}", "0.9}", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:18:96: sla[1].max_over_reference_ratio: negative slack: ratio 0.9 is below 1 (expected at least 1)"},
    {"0.99", "1", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:24:34: verification.confidence: confidence 1 is outside (0, 1)"},
    {"0.99", "0", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:24:34: verification.confidence: confidence 0 is outside (0, 1)"},
    {"\"vnfo_manifest\": 1", "\"vnfo_manifest\": 2", NULL, NULL,
     VNFO_E_UNSUPPORTED_VERSION, "m.json:2:20: vnfo_manifest: schema version 2 is newer than this library reads (1)"},
    {"\"end\": \"2026-12-01T00:00:00Z\"", "\"end\": \"2026-10-01T00:00:00Z\"", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:19:66: billing.period.end: end 2026-10-01T00:00:00Z is before start 2026-11-01T00:00:00Z"},
    {"\"end\": \"2026-12-01T00:00:00Z\"", "\"end\": \"2026-11-01T00:00:00Z\"", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:19:66: billing.period.end: end 2026-11-01T00:00:00Z equals start: the billing period is empty"},
    {"\"start\": \"2026-11-01T00:00:00Z\"", "\"start\": \"2026-11-31T00:00:00Z\"", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:19:35: billing.period.start: malformed timestamp \"2026-11-31T00:00:00Z\": expected RFC 3339 UTC \"YYYY-MM-DDTHH:MM:SSZ\""},
    {"ed25519:ypOsFwUYcHHWe4PH/w7+gQjo7EUwV113JoeTM9vavnw=", "ed25519:ypOsFwUYcHHW", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:9:73: chain[1].public_key: malformed public key: expected the base64 of 32 bytes after \"ed25519:\""},
    {"ed25519:ypOsFwUYcHHWe4PH/w7+gQjo7EUwV113JoeTM9vavnw=", "rsa:abc", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:9:73: chain[1].public_key: malformed public key: expected \"ed25519:\" and the base64 of 32 bytes"},
    {"\"clock_skew_us\": 50", "\"clock_skew_us\": 50, \"clock_skew\": 1", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_KEY, "m.json:24:61: verification.clock_skew: unknown key (did you mean \"clock_skew_us\"?)"},
    {"\"may_drop\": false}", "\"may_drop\": \"no\"}", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:9:166: chain[1].may_drop: expected true or false, found a string"},
    {"\"scope\": \"ids\"", "\"scope\": \"idz\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:18:40: sla[1].scope: unknown function \"idz\" (did you mean \"ids\"?)"},
    {"{\"resource\": \"packets\", \"summary\": \"count\"}", "{\"resource\": \"packets\", \"summary\": \"count\"}, {\"resource\": \"packets\", \"summary\": \"sum\"}", NULL, NULL,
     VNFO_E_MANIFEST_DUPLICATE, "m.json:22:74: billing.resources[3]: duplicate billing of packets for the chain (first at billing.resources[2])"},
    {"\"minimality\": {\"cpu_cycles\"", "\"minimality\": {\"cpu_cycle\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:25:35: verification.minimality.cpu_cycle: unknown resource \"cpu_cycle\" (did you mean \"cpu_cycles\"?)"},
    {"\"minimality\": {\"cpu_cycles\"", "\"minimality\": {\"vendor:\"", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:25:35: verification.minimality[\"vendor:\"]: malformed vendor counter \"vendor:\": expected \"vendor:\" and 1 to 32 characters from a-z 0-9 _ . -"},
    {"\"relative\": 0.10", "\"relative\": -0.10", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:25:62: verification.minimality.cpu_cycles.relative: negative slack -0.1 (expected at least 0)"},
    {"\"bits\": 32", "\"bits\": 33", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:16:46: flowtags.bits: 33 bits do not fit carrier \"nsh-md1\" (at most 32)"},
    {"\"carrier\": \"nsh-md1\", \"bits\": 32", "\"carrier\": \"vlan\", \"bits\": 32", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:16:43: flowtags.bits: 32 bits do not fit carrier \"vlan\" (at most 12)"},
    {"\"rate\": \"1/64\"", "\"rate\": \"1/64\", \"ranges\": [[0, 5]]", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:14:32: sampling.ranges: give either \"rate\" or \"ranges\", not both"},
    {"\"rate\": \"1/64\"", "\"ranges\": [[0, 5], [3, 9]]", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:14:35: sampling.ranges[1]: range [0x3, 0x9] overlaps sampling.ranges[0] [0x0, 0x5]"},
    {"\"rate\": \"1/64\"", "\"ranges\": [[9, 5]]", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:14:27: sampling.ranges[0]: inverted range: low 0x9 is above high 0x5"},
    {"\"rate\": \"1/64\"", "\"ranges\": [[\"0x10\", \"0xfffffffffffffffff\"]]", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:14:36: sampling.ranges[0][1]: malformed bound \"0xfffffffffffffffff\": expected \"0x\" and 1 to 16 hex digits"},
    {"\"fields\": \"nat-safe\"", "\"fields\": \"custom\"", NULL, NULL,
     VNFO_E_MANIFEST_MISSING, "m.json:12:15: sampling: missing required key \"custom_fields\" (the field set is \"custom\")"},
    {"\"fields\": \"nat-safe\"", "\"fields\": \"custom\", \"custom_fields\": [\"ip.src\", \"ip.dst\", \"ip.src\"]", NULL, NULL,
     VNFO_E_MANIFEST_DUPLICATE, "m.json:14:90: sampling.custom_fields[2]: duplicate field \"ip.src\" (first at sampling.custom_fields[0])"},
    {"\"fields\": \"nat-safe\"", "\"fields\": \"custom\", \"custom_fields\": [\"ip.srcc\"]", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:14:70: sampling.custom_fields[0]: unknown field \"ip.srcc\" (did you mean \"ip.src\"?)"},
    {"\"fields\": \"nat-safe\"", "\"fields\": \"nat-safe\", \"custom_fields\": [\"ip.src\"]", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:14:54: sampling.custom_fields: \"custom_fields\" needs \"fields\": \"custom\" (found \"nat-safe\")"},
    {"\"id\": \"acme-edge-2026-11\",", "\"id\": \"acme edge\",", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:3:9: id: malformed name \"acme edge\": expected 1 to 64 characters from A-Z a-z 0-9 _ . -"},
    {"\"id\": \"acme-edge-2026-11\",", "\"id\": \"acme-edge-2026-11\", \"id\": \"x\",", NULL, NULL,
     VNFO_E_MANIFEST_SYNTAX, "m.json:3:33: invalid JSON: duplicate object key near '\\\"id\\\"'"},
    {"\"chain\": [", "\"chain\": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]],", NULL, NULL,
     VNFO_E_MANIFEST_SYNTAX, "m.json:8:5: invalid JSON: string or '}' expected near '{'"},
    {"}\n}", "}\n", NULL, NULL,
     VNFO_E_MANIFEST_SYNTAX, "m.json:27:1: invalid JSON: '}' expected near end of file"},
    {"\"comment\": \"Three", "\"comment\": 5, \"x\": \"Three", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:4:14: comment: expected a string or an array of strings, found an integer"},
    {"\"vnfo_manifest\": 1,", "\"vnfo_manifest\": 0,", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:2:20: vnfo_manifest: expected schema version 1, found 0"},
    {"\"vnfo_manifest\": 1,", "\"vnfo_manifest\": \"1\",", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:2:20: vnfo_manifest: expected an integer, found a string"},
    {"\"vnfo_manifest\": 1,", "", NULL, NULL,
     VNFO_E_MANIFEST_MISSING, "m.json:1:1: $: missing required key \"vnfo_manifest\" (the schema version, 1)"},
    {"\"sampling\": {\"hash\"", "\"sampling\": {\"key_id\": \"x\", \"hash\"", NULL, NULL,
     VNFO_E_MANIFEST_SYNTAX, "m.json:12:61: invalid JSON: duplicate object key near '\\\"key_id\\\"'"},
    {"\"logging\": {\"granularity\": \"headers\", ", "\"logging\": {", NULL, NULL,
     VNFO_E_MANIFEST_MISSING, "m.json:15:14: logging: missing required key \"granularity\""},
    {"\"batch_records\": 1024", "\"batch_records\": 0", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:15:58: logging.batch_records: expected an integer from 1 to 1048576, found 0"},
    {"\"summary\": \"sum\"}", "\"summary\": \"sum\", \"max_per_packet\": 0}", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:20:92: billing.resources[0].max_per_packet: expected an integer from 1 to 9223372036854775807, found 0"},
    {"\"summary\": \"sum\"}", "\"summary\": \"sum\", \"max_per_packet\": -3}", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:20:92: billing.resources[0].max_per_packet: expected an integer from 1 to 9223372036854775807, found -3"},
    {"\"summary\": \"sum\"}", "\"summary\": \"sum\", \"max_per_packet\": 1.5e6}", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:20:92: billing.resources[0].max_per_packet: expected an integer, found a number"},
    {"\"summary\": \"sum\"}", "\"summary\": \"sum\", \"max_per_packet\": \"4e6\"}", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:20:92: billing.resources[0].max_per_packet: expected an integer, found a string"},
    {"\"summary\": \"p95\"}", "\"summary\": \"p95\", \"max_per_packet\": 65536}", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:21:91: billing.resources[1].max_per_packet: max_per_packet bounds a \"sum\" of cpu_cycles, mem_bytes or bytes (found mem_bytes with summary \"p95\")"},
    {"\"summary\": \"count\"}", "\"summary\": \"count\", \"max_per_packet\": 1}", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:22:91: billing.resources[2].max_per_packet: max_per_packet bounds a \"sum\" of cpu_cycles, mem_bytes or bytes (found packets with summary \"count\")"},
    {"\"summary\": \"sum\"}", "\"summary\": \"sum\", \"max_per_packet\": 9223372036854775807}", NULL, NULL,
     VNFO_OK, NULL},
    {"\"batch_records\": 1024", "\"batch_records\": 1024, \"heartbeat_ms\": 0", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:15:80: logging.heartbeat_ms: expected an integer from 1 to 86400000, found 0"},
    {"\"batch_records\": 1024", "\"batch_records\": 1024, \"heartbeat_ms\": 86400001", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:15:80: logging.heartbeat_ms: expected an integer from 1 to 86400000, found 86400001"},
    {"\"batch_records\": 1024", "\"batch_records\": 1024, \"heartbeat_ms\": \"1s\"", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:15:80: logging.heartbeat_ms: expected an integer, found a string"},
    {"\"batch_records\": 1024", "\"batch_records\": 1024, \"heartbeat_ms\": 86400000", NULL, NULL,
     VNFO_OK, NULL},
    {"\"node_id\": 2", "\"node_id\": 4294967296", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:9:56: chain[1].node_id: expected an integer from 0 to 4294967295, found 4294967296"},
    {"\"node_id\": 2", "\"node_id\": 2.0", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:9:56: chain[1].node_id: expected an integer, found a number"},
    {"\"chain\": [", "\"chain\": {\"a\": 1}, \"x\": [", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_KEY, "m.json:7:22: x: unknown key (expected one of: vnfo_manifest, id, customer, provider, chain, sampling, logging, flowtags, sla, billing, verification)"},
    {"\"ed25519:bnoc3Smwt4/ROvTFWY/v9O8qlxZuPKby5Pv8zYBQW/E=\"", "\"ed25519:7UkoxijRwsbq6QM4kFmVYSlZJzpcY/k2NsFGFKyHN9E=\"", NULL, NULL,
     VNFO_E_MANIFEST_DUPLICATE, "m.json:10:73: chain[2].public_key: duplicate public key (first at chain[0]): each node signs with its own key"},
    {"\"granularity\": \"headers\"", "\"granularity\": \"header\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:15:30: logging.granularity: unknown granularity \"header\" (did you mean \"headers\"?)"},
    {"\"tree_hash\": \"blake2b-256\"", "\"tree_hash\": \"sha256\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:15:77: logging.tree_hash: unknown tree hash \"sha256\" (expected one of: blake2b-256)"},
    {"\"metric\": \"delay\", \"scope\": \"chain\"", "\"metric\": \"latency\", \"scope\": \"chain\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:17:22: sla[0].metric: unknown metric \"latency\" (expected one of: delay)"},
    {"\"summary\": \"p95\"", "\"summary\": \"p90\"", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:21:66: billing.resources[1].summary: unknown summary \"p90\" (did you mean \"p50\"?)"},
    {"\"max_over_reference_us\": 10000", "\"max_over_reference_us\": 10000, \"max_over_reference_ratio\": 2", NULL, NULL,
     VNFO_E_MANIFEST_INCONSISTENT, "m.json:17:101: sla[0].max_over_reference_ratio: give either \"max_over_reference_us\" or \"max_over_reference_ratio\", not both"},
    {"\"max_over_reference_us\": 10000", "\"comment\": \"none\"", NULL, NULL,
     VNFO_E_MANIFEST_MISSING, "m.json:17:11: sla[0]: missing required key \"max_over_reference_us\" (or \"max_over_reference_ratio\")"},
    {"\"scope\": \"ids\", \"statistic\": \"mean\"", "\"scope\": \"chain\", \"statistic\": \"p95\"", NULL, NULL,
     VNFO_E_MANIFEST_DUPLICATE, "m.json:18:11: sla[1]: duplicate SLA for delay p95 of the chain (first at sla[0])"},
    {"\"rate\": \"1/64\"", "\"ranges\": [[0, 5], [9]]", NULL, NULL,
     VNFO_E_MANIFEST_TYPE, "m.json:14:35: sampling.ranges[1]: expected [low, high], found 1 element"},
    {"\"rate\": \"1/64\"", "\"ranges\": [[-1, 5]]", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:14:28: sampling.ranges[0][0]: negative bound -1 (expected at least 0)"},
    {"\"hash\": \"siphash-2-4\"", "\"hash\": \"bob\"", NULL, NULL,
     VNFO_OK, ""},
    {"\"key_commitment\": \"blake2b:8b43", "\"key_commitment\": \"sha256:3f1c", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:13:34: sampling.key_commitment: malformed key commitment: expected \"blake2b:\" and 64 hex digits"},
    {"\"payload_bytes\": 16", "\"payload_bytes\": 65", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:14:71: sampling.payload_bytes: expected an integer from 0 to 64, found 65"},
    {"\"epoch_seconds\": 3600", "\"epoch_seconds\": 0", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:14:92: sampling.epoch_seconds: expected an integer from 1 to 4294967295, found 0"},
    {"\"relative\": 0.10, \"absolute\": 2000", "\"comment\": \"x\"", NULL, NULL,
     VNFO_E_MANIFEST_MISSING, "m.json:25:49: verification.minimality.cpu_cycles: missing required key \"relative\" (or \"absolute\")"},
    {"\"minimality\": {\"cpu_cycles\"", "\"minimality\": {\"comment\": \"c\", \"cpu_cycles\"", NULL, NULL,
     VNFO_OK, ""},
    {"\"function\": \"ids\"}", "\"function\": \"id\"}", NULL, NULL,
     VNFO_E_MANIFEST_UNKNOWN_NAME, "m.json:23:86: billing.resources[3].function: unknown function \"id\" (did you mean \"ids\"?)"},
    {"\"name\": \"acme\"", "\"name\": \"\"", NULL, NULL,
     VNFO_E_MANIFEST_MALFORMED, "m.json:5:24: customer.name: malformed name \"\": expected 1 to 64 characters from A-Z a-z 0-9 _ . -"},
    {"\"hash\": \"siphash-2-4\", \"key_id\": \"k2026-11\"", "\"hash\": \"bob\", \"key_id\": \"k2026-11\"", "\"rate\": \"1/64\"", "\"ranges\": [[0, 4294967296]]",
     VNFO_E_MANIFEST_RANGE, "m.json:14:31: sampling.ranges[0][1]: bound 0x100000000 exceeds the 32-bit output of bob (largest 0xffffffff)"},
    {"\"name\": \"nat\"", "\"name\": \"chain\"", NULL, NULL, VNFO_E_MANIFEST_MALFORMED,
     "m.json:9:14: chain[1].name: the name \"chain\" is reserved: SLA scopes use it for the whole chain"},
    {"\"rate\": \"1/64\"", "\"rate\": 0.015625", NULL, NULL, VNFO_E_MANIFEST_TYPE,
     "m.json:14:24: sampling.rate: expected a string with an exact fraction such as \"1/64\", found a number"},
    {"\"scope\": \"ids\"", "\"scope\": \"deep-packet-inspection\"", NULL, NULL, VNFO_E_MANIFEST_UNKNOWN_NAME,
     "m.json:18:40: sla[1].scope: unknown function \"deep-packet-inspection\" (expected a chain name: fw, nat, ids)"},
    {"\"fields\": \"nat-safe\", \"payload_bytes\": 16", "\"fields\": \"psamp\", \"payload_bytes\": 4", NULL, NULL,
     VNFO_E_MANIFEST_RANGE, "m.json:14:68: sampling.payload_bytes: expected an integer from 8 to 32, found 4"},
    {"\"vnfo_manifest\": 1", "\"vnfo_manfest\": 1", NULL, NULL, VNFO_E_MANIFEST_UNKNOWN_KEY,
     "m.json:2:3: vnfo_manfest: unknown key (did you mean \"vnfo_manifest\"?)"},
    {"\"payload_bytes\": 16, \"epoch_seconds\": 3600}", "\"payload_bytes\": 16, \"epoch_seconds\": 3600, \"bob_initval\": 1}",
     NULL, NULL, VNFO_E_MANIFEST_INCONSISTENT,
     "m.json:14:98: sampling.bob_initval: \"bob_initval\" needs \"hash\": \"bob\" (found \"siphash-2-4\")"},
    {"\"hash\": \"siphash-2-4\"", "\"hash\": \"bob\"", "\"rate\": \"1/64\"", "\"rate\": \"1/2^33\"",
     VNFO_E_MANIFEST_RANGE,
     "m.json:14:24: sampling.rate: rate 1/2^33 selects no value of the 32-bit output of bob (expected at least 1/2^32)"},
    {"\"hash\": \"siphash-2-4\"", "\"hash\": \"bob\", \"bob_initval\": 4294967296", NULL, NULL,
     VNFO_E_MANIFEST_RANGE,
     "m.json:12:46: sampling.bob_initval: expected an integer from 0 to 4294967295, found 4294967296"},
};

START_TEST(test_validation_rule)
{
    const struct rule_case *rc = &rule_cases[_i];
    char *base = example();
    char *text = replace(base, rc->old, rc->new);
    if (rc->old2) {
        char *t2 = replace(text, rc->old2, rc->new2);
        free(text);
        text = t2;
    }
    vnfo_manifest *m = (vnfo_manifest *)1;
    vnfo_status s = vnfo_manifest_parse(&m, text, strlen(text), "m.json");
    ck_assert_msg(s == rc->status, "row %d: got %s, expected %s (%s)", _i, vnfo_status_name(s),
                  vnfo_status_name(rc->status), vnfo_error_message());
    if (rc->status == VNFO_OK) {
        vnfo_manifest_free(m);
    } else {
        ck_assert_ptr_null(m);
        ck_assert_str_eq(vnfo_error_message(), rc->message);
        ck_assert_int_eq(vnfo_error_status(), rc->status);
    }
    free(text);
    free(base);
}
END_TEST

START_TEST(test_error_position_accessors)
{
    char *base = example();
    char *text = replace(base, "\"node_id\": 2", "\"node_id\": 1");
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_E_MANIFEST_DUPLICATE);
    ck_assert_str_eq(vnfo_error_message(),
                     "m.json:9:56: chain[1].node_id: duplicate node id 1 (first at chain[0])");
    ck_assert_uint_eq(vnfo_manifest_error_line(), 9);
    ck_assert_uint_eq(vnfo_manifest_error_column(), 56);
    ck_assert_str_eq(vnfo_manifest_error_path(), "chain[1].node_id");
    /* A syntax error has a position but no path; the next parse clears both. */
    ck_assert_status(vnfo_manifest_parse(&m, "{\n  \"a\": }", 10, NULL), VNFO_E_MANIFEST_SYNTAX);
    ck_assert_uint_eq(vnfo_manifest_error_line(), 2);
    ck_assert_str_eq(vnfo_manifest_error_path(), "");
    ck_assert_int_eq(strncmp(vnfo_error_message(), "<buffer>:2:", 11), 0);
    ck_assert_status(vnfo_manifest_parse(&m, base, strlen(base), "m.json"), VNFO_OK);
    ck_assert_uint_eq(vnfo_manifest_error_line(), 0);
    ck_assert_uint_eq(vnfo_manifest_error_column(), 0);
    ck_assert_str_eq(vnfo_manifest_error_path(), "");
    vnfo_manifest_free(m);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_columns_count_characters)
{
    /* A multi-byte character before the value counts as one column, as in
     * jansson's own syntax errors. */
    char *base = example();
    char *text = replace(base, "{\"name\": \"fw\",  \"function\": \"firewall\", \"node_id\": 1",
                         "{\"comment\": \"\xc3\xa9\xc3\xa9\", \"name\": \"fw\", \"function\": \"firewall\", \"node_id\": -1");
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_E_MANIFEST_RANGE);
    ck_assert_str_eq(vnfo_error_message(),
                     "m.json:8:72: chain[0].node_id: expected an integer from 0 to 4294967295, found -1");
    free(text);
    free(base);
}
END_TEST

START_TEST(test_unknown_key_without_suggestion_and_odd_keys)
{
    char *base = example();
    char *text = replace(base, "\"may_drop\": false}", "\"may_drop\": false, \"x\\ty\": 1}");
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_E_MANIFEST_UNKNOWN_KEY);
    ck_assert_str_eq(vnfo_error_message(),
                     "m.json:9:173: chain[1][\"x\\u0009y\"]: unknown key (expected one of: name, "
                     "function, node_id, public_key, may_modify, may_drop)");
    ck_assert_str_eq(vnfo_manifest_error_path(), "chain[1][\"x\\u0009y\"]");
    free(text);
    free(base);
}
END_TEST

START_TEST(test_top_level_and_arguments)
{
    vnfo_manifest *m = (vnfo_manifest *)1;
    ck_assert_status(vnfo_manifest_parse(&m, "[1]", 3, "a.json"), VNFO_E_MANIFEST_TYPE);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(vnfo_error_message(), "a.json:1:1: $: expected an object, found an array");
    ck_assert_str_eq(vnfo_manifest_error_path(), "$");
    ck_assert_status(vnfo_manifest_parse(&m, "", 0, "a.json"), VNFO_E_MANIFEST_SYNTAX);
    ck_assert_status(vnfo_manifest_parse(NULL, "{}", 2, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_manifest_parse(&m, NULL, 2, NULL), VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_manifest_load(&m, "/nonexistent/m.json"), VNFO_E_NOT_FOUND);
    ck_assert_status(vnfo_manifest_load(NULL, "x"), VNFO_E_INVALID_ARGUMENT);
    /* Embedded NUL bytes are a syntax error, not a truncated document. */
    ck_assert_status(vnfo_manifest_parse(&m, "{}\0{}", 5, "a.json"), VNFO_E_MANIFEST_SYNTAX);
    vnfo_manifest_free(NULL);
}
END_TEST

/* ---- limits ---------------------------------------------------------------------- */

START_TEST(test_limit_file_size)
{
    size_t n = VNFO_MANIFEST_MAX_BYTES + 1;
    char *big = malloc(n);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', n);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, big, n, "big.json"), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_str_eq(vnfo_error_message(), "big.json: 1048577 bytes, more than the limit of 1048576");
    ck_assert_uint_eq(vnfo_manifest_max_bytes(), VNFO_MANIFEST_MAX_BYTES);
    free(big);
}
END_TEST

START_TEST(test_limit_depth)
{
    char *base = example();
    char deep[64] = "\"x\": ";
    for (int i = 0; i < 16; i++)
        strcat(deep, "[");
    for (int i = 0; i < 16; i++)
        strcat(deep, "]");
    strcat(deep, ", \"flowtags\"");
    char *text = replace(base, "\"flowtags\"", deep);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_str_eq(vnfo_error_message(), "m.json:16:23: nesting deeper than the limit of 16 levels");
    free(text);
    free(base);
}
END_TEST

START_TEST(test_limit_array_lengths)
{
    char *base = example();
    /* 65 chain entries (the limit is 64); the count is checked first. */
    size_t cap = 65 * 4 + 64;
    char *chain = malloc(cap);
    strcpy(chain, "\"chain\": [");
    for (int i = 0; i < 65; i++)
        strcat(chain, i ? ",{}" : "{}");
    strcat(chain, ",");
    char *text = replace(base, "\"chain\": [", chain);
    vnfo_manifest *m;
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_str_eq(vnfo_error_message(), "m.json:7:12: chain: 68 entries, more than the limit of 64");
    free(text);
    free(chain);
    /* 17 selection ranges (the limit is 16, what a sampler holds). */
    char *ranges = malloc(17 * 12 + 32);
    strcpy(ranges, "\"ranges\": [");
    for (int i = 0; i < 17; i++)
        sprintf(ranges + strlen(ranges), "%s[%d, %d]", i ? "," : "", 2 * i, 2 * i);
    strcat(ranges, "]");
    text = replace(base, "\"rate\": \"1/64\"", ranges);
    ck_assert_status(vnfo_manifest_parse(&m, text, strlen(text), "m.json"), VNFO_E_LIMIT_EXCEEDED);
    ck_assert_str_eq(vnfo_error_message(),
                     "m.json:14:26: sampling.ranges: 17 entries, more than the limit of 16");
    free(text);
    free(ranges);
    free(base);
}
END_TEST

/* ---- accessors ------------------------------------------------------------------- */

START_TEST(test_accessors_three_functions)
{
    char *base = example();
    vnfo_manifest *m = parse_ok(base);
    ck_assert_uint_eq(vnfo_manifest_version(m), 1);
    ck_assert_str_eq(vnfo_manifest_id(m), "acme-edge-2026-11");
    ck_assert_str_eq(vnfo_manifest_party_name(m, VNFO_MANIFEST_PARTY_CUSTOMER), "acme");
    ck_assert_str_eq(vnfo_manifest_party_name(m, VNFO_MANIFEST_PARTY_PROVIDER), "cloudco");
    ck_assert_ptr_null(vnfo_manifest_party_name(m, (vnfo_manifest_party)7));
    vnfo_public_key pk, want;
    ck_assert_status(vnfo_manifest_party_key(&pk, m, VNFO_MANIFEST_PARTY_PROVIDER), VNFO_OK);
    vnfo_public_key_parse(&want, "ed25519:gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=");
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &want), 1);

    ck_assert_uint_eq(vnfo_manifest_chain_count(m), 3);
    ck_assert_str_eq(vnfo_manifest_chain_name(m, 1), "nat");
    ck_assert_str_eq(vnfo_manifest_chain_function(m, 0), "firewall");
    ck_assert_uint_eq(vnfo_manifest_chain_node_id(m, 2), 3);
    ck_assert_int_eq(vnfo_manifest_chain_may_modify(m, 1), VNFO_MANIFEST_MODIFY_HEADERS);
    ck_assert_int_eq(vnfo_manifest_chain_may_drop(m, 0), 1);
    ck_assert_int_eq(vnfo_manifest_chain_may_drop(m, 1), 0);
    ck_assert_ptr_null(vnfo_manifest_chain_name(m, 3));
    ck_assert_status(vnfo_manifest_chain_public_key(&pk, m, 2), VNFO_OK);
    vnfo_public_key_parse(&want, "ed25519:bnoc3Smwt4/ROvTFWY/v9O8qlxZuPKby5Pv8zYBQW/E=");
    ck_assert_int_eq(vnfo_public_key_equal(&pk, &want), 1);
    ck_assert_status(vnfo_manifest_chain_public_key(&pk, m, 3), VNFO_E_INVALID_ARGUMENT);
    size_t idx;
    ck_assert_status(vnfo_manifest_chain_find(&idx, m, "ids"), VNFO_OK);
    ck_assert_uint_eq(idx, 2);
    ck_assert_status(vnfo_manifest_chain_find(&idx, m, "dpi"), VNFO_E_NOT_FOUND);

    ck_assert_int_eq(vnfo_manifest_sampling_hash(m), VNFO_MANIFEST_HASH_SIPHASH_2_4);
    ck_assert_uint_eq(vnfo_manifest_sampling_hash_bits(m), 64);
    ck_assert_str_eq(vnfo_manifest_sampling_key_id(m), "k2026-11");
    uint8_t commit[VNFO_MANIFEST_COMMITMENT_BYTES];
    ck_assert_status(vnfo_manifest_sampling_key_commitment(commit, m), VNFO_OK);
    ck_assert_uint_eq(commit[0], 0x8b);
    ck_assert_uint_eq(commit[31], 0xa7);
    vnfo_rational r = vnfo_manifest_sampling_rate(m);
    ck_assert_uint_eq(r.num, 1);
    ck_assert_uint_eq(r.den, 64);
    ck_assert_uint_eq(vnfo_manifest_sampling_range_count(m), 0);
    ck_assert_int_eq(vnfo_manifest_sampling_fields(m), VNFO_MANIFEST_FIELDS_NAT_SAFE);
    ck_assert_uint_eq(vnfo_manifest_sampling_custom_field_count(m), 0);
    ck_assert_uint_eq(vnfo_manifest_sampling_payload_bytes(m), 16);
    ck_assert_uint_eq(vnfo_manifest_sampling_payload_offset(m), 0);
    ck_assert_uint_eq(vnfo_manifest_sampling_epoch_seconds(m), 3600);

    ck_assert_int_eq(vnfo_manifest_logging_granularity(m), VNFO_MANIFEST_GRANULARITY_HEADERS);
    ck_assert_uint_eq(vnfo_manifest_logging_batch_records(m), 1024);
    ck_assert_uint_eq(vnfo_manifest_logging_heartbeat_ms(m), 0);
    ck_assert_uint_eq(vnfo_manifest_logging_heartbeat_ms(NULL), 0);
    ck_assert_int_eq(vnfo_manifest_logging_tree_hash(m), VNFO_MANIFEST_TREE_BLAKE2B_256);
    ck_assert_int_eq(vnfo_manifest_has_flowtags(m), 1);
    ck_assert_int_eq(vnfo_manifest_flowtags_carrier(m), VNFO_MANIFEST_CARRIER_NSH_MD1);
    ck_assert_uint_eq(vnfo_manifest_flowtags_bits(m), 32);

    ck_assert_uint_eq(vnfo_manifest_sla_count(m), 2);
    ck_assert_int_eq(vnfo_manifest_sla_metric(m, 0), VNFO_MANIFEST_METRIC_DELAY);
    ck_assert_uint_eq(vnfo_manifest_sla_scope_index(m, 0), VNFO_MANIFEST_SCOPE_CHAIN);
    ck_assert_uint_eq(vnfo_manifest_sla_scope_index(m, 1), 2);
    ck_assert_int_eq(vnfo_manifest_sla_statistic(m, 0), VNFO_MANIFEST_STAT_P95);
    ck_assert_int_eq(vnfo_manifest_sla_slack_kind(m, 0), VNFO_MANIFEST_SLACK_ABSOLUTE_US);
    ck_assert_uint_eq(vnfo_manifest_sla_slack_us(m, 0), 10000);
    ck_assert_int_eq(vnfo_manifest_sla_slack_kind(m, 1), VNFO_MANIFEST_SLACK_RATIO);
    ck_assert_double_eq(vnfo_manifest_sla_slack_ratio(m, 1), 1.2);
    ck_assert_uint_eq(vnfo_manifest_sla_slack_us(m, 1), 0);

    ck_assert_int_eq(vnfo_manifest_billing_start(m), 1793491200);
    ck_assert_int_eq(vnfo_manifest_billing_end(m), 1796083200);
    ck_assert_uint_eq(vnfo_manifest_billing_count(m), 4);
    ck_assert_int_eq(vnfo_manifest_billing_resource(m, 1), VNFO_MANIFEST_RESOURCE_MEM_BYTES);
    ck_assert_str_eq(vnfo_manifest_billing_resource_name(m, 1), "mem_bytes");
    ck_assert_int_eq(vnfo_manifest_billing_summary(m, 1), VNFO_MANIFEST_SUMMARY_P95);
    ck_assert_int_eq(vnfo_manifest_billing_summary(m, 2), VNFO_MANIFEST_SUMMARY_COUNT);
    ck_assert_uint_eq(vnfo_manifest_billing_scope_index(m, 0), VNFO_MANIFEST_SCOPE_CHAIN);
    ck_assert_uint_eq(vnfo_manifest_billing_scope_index(m, 3), 2);
    ck_assert_uint_eq(vnfo_manifest_billing_max_per_packet(m, 0), 0);
    ck_assert_uint_eq(vnfo_manifest_billing_max_per_packet(NULL, 0), 0);

    ck_assert_double_eq(vnfo_manifest_verification_confidence(m), 0.99);
    ck_assert_uint_eq(vnfo_manifest_verification_clock_skew_us(m), 50);
    ck_assert_uint_eq(vnfo_manifest_minimality_count(m), 1);
    ck_assert_int_eq(vnfo_manifest_minimality_resource(m, 0), VNFO_MANIFEST_RESOURCE_CPU_CYCLES);
    ck_assert_str_eq(vnfo_manifest_minimality_resource_name(m, 0), "cpu_cycles");
    ck_assert_double_eq(vnfo_manifest_minimality_relative(m, 0), 0.10);
    ck_assert_double_eq(vnfo_manifest_minimality_absolute(m, 0), 2000);
    vnfo_manifest_free(m);
    free(base);
}
END_TEST

START_TEST(test_accessors_psamp_and_single)
{
    char *text = read_file("examples/manifests/psamp-interop.json");
    vnfo_manifest *m = parse_ok(text);
    ck_assert_int_eq(vnfo_manifest_sampling_hash(m), VNFO_MANIFEST_HASH_BOB);
    ck_assert_uint_eq(vnfo_manifest_sampling_hash_bits(m), 32);
    ck_assert_uint_eq(vnfo_manifest_sampling_range_count(m), 2);
    uint64_t lo, hi;
    ck_assert_status(vnfo_manifest_sampling_range(&lo, &hi, m, 1), VNFO_OK);
    ck_assert_uint_eq(lo, 0x80000000u);
    ck_assert_uint_eq(hi, 0x87ffffffu);
    ck_assert_status(vnfo_manifest_sampling_range(&lo, &hi, m, 2), VNFO_E_INVALID_ARGUMENT);
    vnfo_rational r = vnfo_manifest_sampling_rate(m);
    ck_assert_uint_eq(r.num, 3);
    ck_assert_uint_eq(r.den, 32);
    ck_assert_int_eq(vnfo_manifest_flowtags_carrier(m), VNFO_MANIFEST_CARRIER_IPV6_FLOW_LABEL);
    ck_assert_uint_eq(vnfo_manifest_minimality_count(m), 0);
    vnfo_manifest_free(m);
    free(text);

    text = read_file("examples/manifests/single-ids.json");
    m = parse_ok(text);
    ck_assert_uint_eq(vnfo_manifest_chain_count(m), 1);
    ck_assert_int_eq(vnfo_manifest_has_flowtags(m), 0);
    ck_assert_uint_eq(vnfo_manifest_flowtags_bits(m), 0);
    ck_assert_uint_eq(vnfo_manifest_sampling_epoch_seconds(m), 0);
    ck_assert_int_eq(vnfo_manifest_billing_resource(m, 2), VNFO_MANIFEST_RESOURCE_VENDOR);
    ck_assert_str_eq(vnfo_manifest_billing_resource_name(m, 2), "vendor:regex_matches");
    ck_assert_str_eq(vnfo_manifest_minimality_resource_name(m, 1), "vendor:regex_matches");
    ck_assert_double_eq(vnfo_manifest_minimality_relative(m, 1), 0);
    ck_assert_double_eq(vnfo_manifest_minimality_absolute(m, 1), 100);
    ck_assert_double_eq(vnfo_manifest_sla_slack_ratio(m, 1), 3);
    vnfo_manifest_free(m);
    free(text);
}
END_TEST

START_TEST(test_custom_fields_and_full_ranges)
{
    char *base = example();
    char *t1 = replace(base, "\"fields\": \"nat-safe\"",
                       "\"fields\": \"custom\", \"custom_fields\": [\"ip.id\", \"tcp.seq\", \"l4.payload\"]");
    char *text = replace(t1, "\"rate\": \"1/64\"",
                         "\"ranges\": [[\"0x8000000000000000\", \"0xffffffffffffffff\"], [0, \"0x7fffffffffffffff\"]]");
    vnfo_manifest *m = parse_ok(text);
    ck_assert_uint_eq(vnfo_manifest_sampling_custom_field_count(m), 3);
    ck_assert_int_eq(vnfo_manifest_sampling_custom_field(m, 1), VNFO_MANIFEST_FIELD_TCP_SEQ);
    ck_assert_int_eq(vnfo_manifest_sampling_custom_field(m, 2), VNFO_MANIFEST_FIELD_L4_PAYLOAD);
    vnfo_rational r = vnfo_manifest_sampling_rate(m); /* the whole space: exactly 1 */
    ck_assert_uint_eq(r.num, 1);
    ck_assert_uint_eq(r.den, 1);
    uint64_t lo, hi;
    vnfo_manifest_sampling_range(&lo, &hi, m, 0); /* sorted */
    ck_assert_uint_eq(lo, 0);
    vnfo_manifest_free(m);
    free(text);
    /* One value of 2^64: 1/2^64, with den 0 standing for 2^64. */
    text = replace(base, "\"rate\": \"1/64\"", "\"ranges\": [[\"0x10\", \"0x10\"]]");
    m = parse_ok(text);
    r = vnfo_manifest_sampling_rate(m);
    ck_assert_uint_eq(r.num, 1);
    ck_assert_uint_eq(r.den, 0);
    vnfo_manifest_free(m);
    free(text);
    free(t1);
    free(base);
}
END_TEST

START_TEST(test_rate_forms)
{
    static const struct {
        const char *text;
        uint64_t num, den;
    } forms[] = {
        {"\"1/64\"", 1, 64},          {"\"4/256\"", 1, 64},   {"\"3/2^10\"", 3, 1024},
        {"\"8/2^10\"", 1, 128},       {"\"1/2^64\"", 1, 0},   {"\"2/2^64\"", 1, UINT64_C(1) << 63},
        {"\"1/1\"", 1, 1},            {"\"7/7\"", 1, 1},      {"\"1/2^0\"", 1, 1},
        {"\"18446744073709551615/2^64\"", UINT64_MAX, 0},
    };
    char *base = example();
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *t = replace(base, "\"1/64\"", forms[i].text);
        vnfo_manifest *m = parse_ok(t);
        vnfo_rational r = vnfo_manifest_sampling_rate(m);
        ck_assert_msg(r.num == forms[i].num && r.den == forms[i].den, "%s", forms[i].text);
        vnfo_manifest_free(m);
        free(t);
    }
    static const char *const bad[] = {"\"2/2^0\"", "\"1/2^65\"", "\"01/64\"", "\"1/-64\"",
                                      "\"1/0\"", "\"1/2^\"", "\" 1/64\"", "\"1/18446744073709551616\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *t = replace(base, "\"1/64\"", bad[i]);
        vnfo_manifest *m;
        vnfo_status s = vnfo_manifest_parse(&m, t, strlen(t), "m.json");
        ck_assert_msg(s == VNFO_E_MANIFEST_MALFORMED || s == VNFO_E_MANIFEST_RANGE, "%s: %s", bad[i],
                      vnfo_status_name(s));
        free(t);
    }
    free(base);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(vnfo_manifest_hash_name(VNFO_MANIFEST_HASH_BOB), "bob");
    ck_assert_str_eq(vnfo_manifest_hash_name(VNFO_MANIFEST_HASH_XXH3_64), "xxh3-64");
    ck_assert_ptr_null(vnfo_manifest_hash_name((vnfo_manifest_hash)0));
    ck_assert_ptr_null(vnfo_manifest_hash_name((vnfo_manifest_hash)4));
    ck_assert_str_eq(vnfo_manifest_fields_name(VNFO_MANIFEST_FIELDS_CUSTOM), "custom");
    ck_assert_str_eq(vnfo_manifest_fields_name(VNFO_MANIFEST_FIELDS_NAT_SAFE), "nat-safe");
    ck_assert_str_eq(vnfo_manifest_field_name(VNFO_MANIFEST_FIELD_FLOWTAG), "flowtag");
    ck_assert_ptr_null(vnfo_manifest_field_name((vnfo_manifest_field)17));
    ck_assert_str_eq(vnfo_manifest_carrier_name(VNFO_MANIFEST_CARRIER_DSCP), "dscp");
    ck_assert_str_eq(vnfo_manifest_statistic_name(VNFO_MANIFEST_STAT_P99), "p99");
    ck_assert_str_eq(vnfo_manifest_summary_name(VNFO_MANIFEST_SUMMARY_MIN), "min");
    ck_assert_str_eq(vnfo_manifest_resource_name(VNFO_MANIFEST_RESOURCE_VENDOR), "vendor");
    ck_assert_str_eq(vnfo_manifest_resource_name(VNFO_MANIFEST_RESOURCE_BYTES), "bytes");
    ck_assert_str_eq(vnfo_manifest_modify_name(VNFO_MANIFEST_MODIFY_ANY), "any");
    ck_assert_str_eq(vnfo_manifest_granularity_name(VNFO_MANIFEST_GRANULARITY_FULL), "full");
    ck_assert_str_eq(vnfo_manifest_tree_hash_name(VNFO_MANIFEST_TREE_BLAKE2B_256), "blake2b-256");
    ck_assert_str_eq(vnfo_manifest_metric_name(VNFO_MANIFEST_METRIC_DELAY), "delay");
    ck_assert_str_eq(vnfo_manifest_party_role_name(VNFO_MANIFEST_PARTY_PROVIDER), "provider");
    ck_assert_ptr_null(vnfo_manifest_party_role_name((vnfo_manifest_party)-1));
    ck_assert_uint_eq(vnfo_manifest_digest_bytes(), 32);
    ck_assert_uint_eq(vnfo_manifest_signature_bytes(), 64);
    ck_assert_uint_eq(vnfo_manifest_commitment_bytes(), 32);
    ck_assert_uint_eq(vnfo_manifest_schema_version(), 1);
    ck_assert_uint_eq(vnfo_manifest_signature_text_size(), VNFO_MANIFEST_SIGNATURE_TEXT_SIZE);
}
END_TEST

START_TEST(test_template_passes)
{
    const char *t = vnfo_manifest_template();
    vnfo_manifest *m = parse_ok(t);
    ck_assert_uint_eq(vnfo_manifest_chain_count(m), 2);
    vnfo_manifest_free(m);
}
END_TEST

/* ---- digest ------------------------------------------------------------------------ */

START_TEST(test_digest_known_answer)
{
    /* Pins the canonical encoding of docs/manifest.md: an implementation in
     * another language must reproduce this value for the example. */
    char *base = example();
    uint8_t d[VNFO_MANIFEST_DIGEST_BYTES];
    char hex[65];
    digest_of(d, base);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    ck_assert_str_eq(hex, "d3a03227ea7f4ddaa69c440c4429dc2b12d2d5d72d74b1a57870bd0649759a0a");
    free(base);
}
END_TEST

/* Re-serialised by jansson: compact, indented, keys sorted or not. */
static char *reformat(const char *text, size_t flags)
{
    json_error_t e;
    json_t *root = json_loads(text, 0, &e);
    ck_assert_ptr_nonnull(root);
    char *out = json_dumps(root, flags);
    json_decref(root);
    return out;
}

START_TEST(test_digest_invariance)
{
    char *base = example();
    uint8_t want[32], got[32];
    digest_of(want, base);
    const size_t flags[] = {JSON_COMPACT, JSON_INDENT(8), JSON_SORT_KEYS | JSON_COMPACT,
                            JSON_SORT_KEYS | JSON_INDENT(1) | JSON_ENSURE_ASCII};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char *t = reformat(base, flags[i]);
        digest_of(got, t);
        ck_assert_msg(memcmp(want, got, 32) == 0, "reformat %zu changed the digest", i);
        free(t);
    }
    /* Equal values spelled differently, key order by hand, comments. */
    static const char *const same[][2] = {
        {"\"confidence\": 0.99, \"clock_skew_us\": 50", "\"clock_skew_us\": 50, \"confidence\": 9.9e-1"},
        {"\"relative\": 0.10, \"absolute\": 2000", "\"absolute\": 2000.0, \"relative\": 0.1"},
        {"\"rate\": \"1/64\"", "\"rate\": \"4/256\""},
        {"\"max_over_reference_ratio\": 1.2", "\"max_over_reference_ratio\": 1.20"},
        {"\"comment\": \"Three outsourced functions in a row: firewall, then NAT, then IDS.\"",
         "\"comment\": [\"another\", \"comment\"]"},
        {"\"tree_hash\": \"blake2b-256\"", "\"comment\": \"the default tree hash\""},
        {"{\"name\": \"fw\",  \"function\": \"firewall\"", "{\"function\": \"firewall\", \"name\": \"fw\""},
        {"\"verification\": {\"confidence\"", "\"verification\": {\"comment\": \"v\", \"confidence\""},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *t = replace(base, same[i][0], same[i][1]);
        digest_of(got, t);
        ck_assert_msg(memcmp(want, got, 32) == 0, "edit %zu changed the digest", i);
        free(t);
    }
    free(base);
}
END_TEST

START_TEST(test_digest_ranges_and_minimality_are_sets)
{
    char *base = example();
    uint8_t a[32], b[32];
    char *t1 = replace(base, "\"rate\": \"1/64\"", "\"ranges\": [[0, 9], [20, 29]]");
    char *t2 = replace(base, "\"rate\": \"1/64\"", "\"ranges\": [[20, 29], [\"0x0\", \"0x9\"]]");
    digest_of(a, t1);
    digest_of(b, t2);
    ck_assert_mem_eq(a, b, 32);
    free(t1);
    free(t2);
    t1 = replace(base, "\"minimality\": {\"cpu_cycles\": {\"relative\": 0.10, \"absolute\": 2000}}",
                 "\"minimality\": {\"cpu_cycles\": {\"relative\": 0.1}, \"mem_bytes\": {\"absolute\": 5}}");
    t2 = replace(base, "\"minimality\": {\"cpu_cycles\": {\"relative\": 0.10, \"absolute\": 2000}}",
                 "\"minimality\": {\"mem_bytes\": {\"absolute\": 5}, \"cpu_cycles\": {\"relative\": 0.1}}");
    digest_of(a, t1);
    digest_of(b, t2);
    ck_assert_mem_eq(a, b, 32);
    free(t1);
    free(t2);
    free(base);
}
END_TEST

/* Every row is a valid manifest that means something else. */
static const char *const semantic_edits[][2] = {
    {"\"vnfo_manifest\": 1", "\"vnfo_manifest\": 1"}, /* row 0: the base itself */
    {"\"acme-edge-2026-11\"", "\"acme-edge-2026-12\""},
    {"\"name\": \"acme\"", "\"name\": \"acme2\""},
    {"\"ed25519:gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=\"", "\"ed25519:6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=\""},
    {"\"name\": \"fw\"", "\"name\": \"fw1\""},
    {"\"function\": \"firewall\"", "\"function\": \"acl\""},
    {"\"node_id\": 3", "\"node_id\": 4"},
    {"\"ed25519:bnoc3Smwt4/ROvTFWY/v9O8qlxZuPKby5Pv8zYBQW/E=\"", "\"ed25519:E5j2LG0aRXxRumpLXz29L2n8qTIWIY3ImX5Ba9F9k8o=\""},
    {"\"may_modify\": \"headers\"", "\"may_modify\": \"any\""},
    {"\"may_drop\": false", "\"may_drop\": true"},
    {"\"hash\": \"siphash-2-4\"", "\"hash\": \"xxh3-64\""},
    {"\"key_id\": \"k2026-11\"", "\"key_id\": \"k2026-12\""},
    {"blake2b:8b43", "blake2b:8b44"},
    {"\"rate\": \"1/64\"", "\"rate\": \"1/65\""},
    {"\"rate\": \"1/64\"", "\"ranges\": [[0, \"0x3ffffffffffffff\"]]"},
    {"\"fields\": \"nat-safe\"", "\"fields\": \"invariant\""},
    {"\"fields\": \"nat-safe\"", "\"fields\": \"custom\", \"custom_fields\": [\"ip.src\"]"},
    {"\"payload_bytes\": 16", "\"payload_bytes\": 17"},
    {"\"payload_bytes\": 16", "\"payload_bytes\": 16, \"payload_offset\": 1"},
    {"\"epoch_seconds\": 3600", "\"epoch_seconds\": 3601"},
    {"\"granularity\": \"headers\"", "\"granularity\": \"full\""},
    {"\"batch_records\": 1024", "\"batch_records\": 1025"},
    {"\"batch_records\": 1024", "\"batch_records\": 1024, \"heartbeat_ms\": 1000"},
    {"\"batch_records\": 1024", "\"batch_records\": 1024, \"heartbeat_ms\": 1001"},
    {"\"carrier\": \"nsh-md1\"", "\"carrier\": \"nsh-md2\""},
    {"\"bits\": 32", "\"bits\": 31"},
    {"\"flowtags\": {\"carrier\": \"nsh-md1\", \"bits\": 32},", ""},
    {"\"scope\": \"chain\"", "\"scope\": \"fw\""},
    {"\"statistic\": \"p95\"", "\"statistic\": \"p99\""},
    {"\"max_over_reference_us\": 10000", "\"max_over_reference_us\": 10001"},
    {"\"max_over_reference_ratio\": 1.2", "\"max_over_reference_ratio\": 1.25"},
    {"\"max_over_reference_us\": 10000", "\"max_over_reference_ratio\": 10000"},
    {"\"start\": \"2026-11-01T00:00:00Z\"", "\"start\": \"2026-11-01T00:00:01Z\""},
    {"\"end\": \"2026-12-01T00:00:00Z\"", "\"end\": \"2026-12-02T00:00:00Z\""},
    {"\"resource\": \"mem_bytes\"", "\"resource\": \"bytes\""},
    {"\"summary\": \"p95\"", "\"summary\": \"max\""},
    {"{\"resource\": \"packets\", \"summary\": \"count\"}", "{\"resource\": \"packets\", \"summary\": \"count\", \"function\": \"nat\"}"},
    {"\"confidence\": 0.99", "\"confidence\": 0.999"},
    {"\"clock_skew_us\": 50", "\"clock_skew_us\": 51"},
    {"\"relative\": 0.10", "\"relative\": 0.11"},
    {"\"absolute\": 2000", "\"absolute\": 2001"},
    {"\"cpu_cycles\": {\"relative\"", "\"vendor:cycles\": {\"relative\""},
    /* reordering an array is a semantic change: the chain is an order */
    {"{\"resource\": \"cpu_cycles\", \"summary\": \"sum\"},\n                            {\"resource\": \"mem_bytes\", \"summary\": \"p95\"},",
     "{\"resource\": \"mem_bytes\", \"summary\": \"p95\"},\n                            {\"resource\": \"cpu_cycles\", \"summary\": \"sum\"},"},
};

START_TEST(test_digest_changes_with_each_semantic_edit)
{
    char *base = example();
    size_t n = sizeof semantic_edits / sizeof semantic_edits[0];
    uint8_t (*d)[32] = calloc(n, 32);
    for (size_t i = 0; i < n; i++) {
        char *t = replace(base, semantic_edits[i][0], semantic_edits[i][1]);
        digest_of(d[i], t);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(memcmp(d[i], d[j], 32) != 0, "edits %zu and %zu give the same digest", i, j);
        free(t);
    }
    free(d);
    free(base);
}
END_TEST

/* ---- signatures -------------------------------------------------------------------- */

static vnfo_signing_key *seed_key(int byte)
{
    uint8_t seed[32];
    memset(seed, byte, sizeof seed);
    vnfo_signing_key *k;
    ck_assert_status(vnfo_signing_key_from_seed(&k, seed), VNFO_OK);
    return k;
}

START_TEST(test_sign_verify_round_trip)
{
    char *base = example();
    vnfo_manifest *m = parse_ok(base);
    vnfo_signing_key *customer = seed_key(1), *provider = seed_key(2), *nat = seed_key(4);
    uint8_t cs[64], ps[64], xs[64];
    ck_assert_status(vnfo_manifest_sign(cs, m, VNFO_MANIFEST_PARTY_CUSTOMER, customer), VNFO_OK);
    ck_assert_status(vnfo_manifest_sign(ps, m, VNFO_MANIFEST_PARTY_PROVIDER, provider), VNFO_OK);
    ck_assert_status(vnfo_manifest_signature_verify(m, VNFO_MANIFEST_PARTY_CUSTOMER, cs), VNFO_OK);
    ck_assert_status(vnfo_manifest_signature_verify(m, VNFO_MANIFEST_PARTY_PROVIDER, ps), VNFO_OK);
    /* A signature is bound to its role: the customer's is not the provider's. */
    ck_assert_status(vnfo_manifest_signature_verify(m, VNFO_MANIFEST_PARTY_PROVIDER, cs),
                     VNFO_E_SIGNATURE_INVALID);
    ck_assert_str_eq(vnfo_error_message(),
                     "manifest acme-edge-2026-11: the provider signature does not verify under the provider key");
    /* Wrong key: a node's key is neither party's. */
    ck_assert_status(vnfo_manifest_sign(xs, m, VNFO_MANIFEST_PARTY_CUSTOMER, nat),
                     VNFO_E_MANIFEST_PARTY_MISMATCH);
    ck_assert_str_eq(vnfo_error_message(),
                     "manifest acme-edge-2026-11: the signing key is not the customer key the manifest lists");
    ck_assert_status(vnfo_manifest_sign(xs, m, VNFO_MANIFEST_PARTY_CUSTOMER, provider),
                     VNFO_E_MANIFEST_PARTY_MISMATCH);
    cs[5] ^= 1;
    ck_assert_status(vnfo_manifest_signature_verify(m, VNFO_MANIFEST_PARTY_CUSTOMER, cs),
                     VNFO_E_SIGNATURE_INVALID);
    /* The same signature does not carry over to a changed manifest. */
    cs[5] ^= 1;
    char *t = replace(base, "\"clock_skew_us\": 50", "\"clock_skew_us\": 51");
    vnfo_manifest *m2 = parse_ok(t);
    ck_assert_status(vnfo_manifest_signature_verify(m2, VNFO_MANIFEST_PARTY_CUSTOMER, cs),
                     VNFO_E_SIGNATURE_INVALID);
    ck_assert_status(vnfo_manifest_sign(NULL, m, VNFO_MANIFEST_PARTY_CUSTOMER, customer),
                     VNFO_E_INVALID_ARGUMENT);
    ck_assert_status(vnfo_manifest_sign(xs, m, (vnfo_manifest_party)2, customer),
                     VNFO_E_INVALID_ARGUMENT);
    vnfo_manifest_free(m2);
    free(t);
    vnfo_signing_key_free(customer);
    vnfo_signing_key_free(provider);
    vnfo_signing_key_free(nat);
    vnfo_manifest_free(m);
    free(base);
}
END_TEST

START_TEST(test_signature_files)
{
    char *base = example();
    vnfo_manifest *m = parse_ok(base);
    vnfo_signing_key *provider = seed_key(2);
    uint8_t sig[64], back[64];
    char text[VNFO_MANIFEST_SIGNATURE_TEXT_SIZE];
    ck_assert_status(vnfo_manifest_sign(sig, m, VNFO_MANIFEST_PARTY_PROVIDER, provider), VNFO_OK);
    ck_assert_status(vnfo_manifest_signature_format(text, sizeof text, m, VNFO_MANIFEST_PARTY_PROVIDER, sig),
                     VNFO_OK);
    ck_assert_int_eq(strncmp(text,
                             "vnfo-manifest-signature v1\nparty: provider\n"
                             "digest: blake2b:d3a03227ea7f4ddaa69c440c4429dc2b12d2d5d72d74b1a57870bd0649759a0a\n"
                             "public-key: ed25519:gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=\nsignature: ",
                             171), 0);
    vnfo_manifest_party party;
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, text, strlen(text), "p.sig"), VNFO_OK);
    ck_assert_int_eq(party, VNFO_MANIFEST_PARTY_PROVIDER);
    ck_assert_mem_eq(back, sig, 64);
    /* a file written by 0.1.0 spells the digest blake2b256:<hex> */
    char old[VNFO_MANIFEST_SIGNATURE_TEXT_SIZE + 8];
    const char *d = strstr(text, "digest: blake2b:");
    ck_assert_ptr_nonnull(d);
    snprintf(old, sizeof old, "%.*sdigest: blake2b256:%s", (int)(d - text), text, d + 16);
    memset(back, 0, sizeof back);
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, old, strlen(old), "old.sig"), VNFO_OK);
    ck_assert_mem_eq(back, sig, 64);
    char small[100];
    ck_assert_status(vnfo_manifest_signature_format(small, sizeof small, m, VNFO_MANIFEST_PARTY_PROVIDER, sig),
                     VNFO_E_BUFFER_TOO_SMALL);

    /* Another manifest's signature file is refused by digest. */
    char *t = replace(base, "\"clock_skew_us\": 50", "\"clock_skew_us\": 51");
    vnfo_manifest *m2 = parse_ok(t);
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m2, text, strlen(text), "p.sig"),
                     VNFO_E_MANIFEST_DIGEST_MISMATCH);
    ck_assert_int_eq(strncmp(vnfo_error_message(), "p.sig:3: the signature is for manifest digest", 45), 0);

    /* Malformed files name the line. */
    char *bad = replace(text, "party: provider", "party: landlord");
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, bad, strlen(bad), "p.sig"),
                     VNFO_E_MANIFEST_SIGNATURE_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "p.sig:2: unknown party (expected \"customer\" or \"provider\")");
    free(bad);
    bad = replace(text, "party: provider", "party: customer");
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, bad, strlen(bad), "p.sig"),
                     VNFO_E_MANIFEST_PARTY_MISMATCH);
    free(bad);
    bad = replace(text, "signature: ", "signature: AAAA");
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, bad, strlen(bad), "p.sig"),
                     VNFO_E_MANIFEST_SIGNATURE_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "p.sig:5: expected the base64 of a 64-byte signature");
    free(bad);
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, "hello\n", 6, NULL),
                     VNFO_E_MANIFEST_SIGNATURE_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "<signature>:1: expected \"vnfo-manifest-signature v1\"");
    ck_assert_status(vnfo_manifest_signature_parse(back, &party, m, text, 30, "p.sig"),
                     VNFO_E_MANIFEST_SIGNATURE_FORMAT);
    ck_assert_str_eq(vnfo_error_message(), "p.sig:2: expected \"party: ...\"");

    /* Files: save, load (which verifies), and a tampered file. */
    char dir[] = "/tmp/vnfo-manifest-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/p.sig", dir);
    ck_assert_status(vnfo_manifest_signature_save(m, VNFO_MANIFEST_PARTY_PROVIDER, provider, path), VNFO_OK);
    party = VNFO_MANIFEST_PARTY_CUSTOMER;
    ck_assert_status(vnfo_manifest_signature_load(&party, m, path), VNFO_OK);
    ck_assert_int_eq(party, VNFO_MANIFEST_PARTY_PROVIDER);
    ck_assert_status(vnfo_manifest_signature_load(NULL, m2, path), VNFO_E_MANIFEST_DIGEST_MISMATCH);
    char *sig_at = strstr(text, "signature: ") + 11;
    sig_at[3] = sig_at[3] == 'A' ? 'B' : 'A';
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    ck_assert_status(vnfo_manifest_signature_load(&party, m, path), VNFO_E_SIGNATURE_INVALID);
    unlink(path);
    rmdir(dir);

    vnfo_manifest_free(m2);
    free(t);
    vnfo_signing_key_free(provider);
    vnfo_manifest_free(m);
    free(base);
}
END_TEST

/* ---- sampler configuration ------------------------------------------------------------ */

static void demo_key(uint8_t *key, int byte)
{
    memset(key, byte, VNFO_SAMPLER_KEY_BYTES); /* the examples commit to 32 x 0x41.. 0x43 */
}

START_TEST(test_sampler_options_rate)
{
    char *base = example();
    vnfo_manifest *m = parse_ok(base);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    demo_key(key, 0x41);
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    o.epoch = 7;
    ck_assert_status(vnfo_manifest_sampler_options(&o, m, key, sizeof key), VNFO_OK);
    ck_assert_uint_eq(o.hash, VNFO_SAMPLER_HASH_SIPHASH);
    ck_assert_uint_eq(o.fields.preset, VNFO_FIELDS_NAT_SAFE);
    ck_assert_uint_eq(o.fields.payload_bytes, 16);
    ck_assert_uint_eq(o.fields.payload_offset, 0);
    ck_assert_uint_eq(o.rate.num, 1);
    ck_assert_uint_eq(o.rate.den, 64);
    ck_assert_uint_eq(o.nranges, 0);
    ck_assert_ptr_null(o.ranges);
    ck_assert_uint_eq(o.epoch, 7); /* the caller's */
    ck_assert_uint_eq(o.flags, 0);
    vnfo_sampler *smp;
    ck_assert_status(vnfo_sampler_create(&smp, &o, key, sizeof key), VNFO_OK);
    vnfo_rational p;
    ck_assert_status(vnfo_sampler_probability(&p, smp), VNFO_OK);
    ck_assert_uint_eq(p.num, 1);
    ck_assert_uint_eq(p.den, 64);
    vnfo_sampler_free(smp);

    /* Another key: refused, options untouched. */
    demo_key(key, 0x42);
    vnfo_sampler_options o2 = VNFO_SAMPLER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_sampler_options(&o2, m, key, sizeof key), VNFO_E_MANIFEST_KEY_MISMATCH);
    ck_assert_str_eq(vnfo_error_message(),
                     "manifest acme-edge-2026-11: the sampling key is not the key \"k2026-11\" that "
                     "sampling.key_commitment commits to");
    ck_assert_uint_eq(o2.rate.den, 64); /* still the INIT default */
    ck_assert_uint_eq(o2.fields.preset, VNFO_FIELDS_PSAMP);
    ck_assert_status(vnfo_manifest_sampler_options(&o2, m, key, 16), VNFO_E_INVALID_ARGUMENT);
    o2.version = 99;
    demo_key(key, 0x41);
    ck_assert_status(vnfo_manifest_sampler_options(&o2, m, key, sizeof key), VNFO_E_STRUCT_VERSION);
    ck_assert_status(vnfo_manifest_sampler_options(NULL, m, key, sizeof key), VNFO_E_INVALID_ARGUMENT);

    uint64_t e;
    ck_assert_status(vnfo_manifest_sampling_epoch_at(&e, m, 7199), VNFO_OK);
    ck_assert_uint_eq(e, 1);
    ck_assert_status(vnfo_manifest_sampling_epoch_at(&e, m, 1793491200), VNFO_OK);
    ck_assert_uint_eq(e, 498192);
    ck_assert_status(vnfo_manifest_sampling_epoch_at(&e, m, -1), VNFO_E_INVALID_ARGUMENT);
    uint32_t iv;
    ck_assert_status(vnfo_manifest_sampling_bob_initval(&iv, m), VNFO_E_NOT_FOUND);
    vnfo_manifest_free(m);
    free(base);
}
END_TEST

START_TEST(test_sampler_options_psamp_ranges)
{
    char *text = read_file("examples/manifests/psamp-interop.json");
    vnfo_manifest *m = parse_ok(text);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    demo_key(key, 0x43);
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_sampler_options(&o, m, key, sizeof key), VNFO_OK);
    ck_assert_uint_eq(o.hash, VNFO_SAMPLER_HASH_BOB);
    ck_assert_uint_eq(o.fields.preset, VNFO_FIELDS_PSAMP);
    ck_assert_uint_eq(o.nranges, 2);
    ck_assert_uint_eq(o.ranges[1].lo, 0x80000000u);
    ck_assert_uint_eq(o.flags & VNFO_SAMPLER_BOB_FIXED_INITVAL, VNFO_SAMPLER_BOB_FIXED_INITVAL);
    ck_assert_uint_eq(o.bob_initval, 1);
    uint32_t iv = 0;
    ck_assert_status(vnfo_manifest_sampling_bob_initval(&iv, m), VNFO_OK);
    ck_assert_uint_eq(iv, 1);
    vnfo_sampler *smp;
    ck_assert_status(vnfo_sampler_create(&smp, &o, key, sizeof key), VNFO_OK);
    vnfo_rational p;
    vnfo_sampler_probability(&p, smp);
    ck_assert_uint_eq(p.num, 3);
    ck_assert_uint_eq(p.den, 32);
    /* With the fixed init value, selection is the plain RFC 5475 BOB hash. */
    const uint8_t data[] = "some packet bytes";
    uint64_t h;
    ck_assert_status(vnfo_sampler_hash_bytes(&h, smp, data, sizeof data), VNFO_OK);
    ck_assert_uint_eq(h, vnfo_sampler_bob(data, sizeof data, 1));
    vnfo_sampler_free(smp);
    uint64_t e;
    vnfo_manifest_sampling_epoch_at(&e, m, 86400 * 3 + 5);
    ck_assert_uint_eq(e, 3);
    vnfo_manifest_free(m);
    free(text);
}
END_TEST

START_TEST(test_sampler_options_custom_fields)
{
    char *base = example();
    char *text = replace(base, "\"fields\": \"nat-safe\", \"payload_bytes\": 16",
                         "\"fields\": \"custom\", \"custom_fields\": [\"ip.id\", \"l4.payload\", \"flowtag\"], "
                         "\"payload_bytes\": 4, \"payload_offset\": 2");
    vnfo_manifest *m = parse_ok(text);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    demo_key(key, 0x41);
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    ck_assert_status(vnfo_manifest_sampler_options(&o, m, key, sizeof key), VNFO_OK);
    ck_assert_uint_eq(o.fields.preset, VNFO_FIELDS_CUSTOM);
    ck_assert_uint_eq(o.fields.custom, VNFO_FIELD_BIT(VNFO_FIELD_IP_ID) |
                                           VNFO_FIELD_BIT(VNFO_FIELD_L4_PAYLOAD) |
                                           VNFO_FIELD_BIT(VNFO_FIELD_FLOWTAG));
    ck_assert_uint_eq(o.fields.payload_bytes, 4);
    ck_assert_uint_eq(o.fields.payload_offset, 2);
    ck_assert_status(vnfo_packet_fields_check(&o.fields), VNFO_OK);
    vnfo_manifest_free(m);
    free(text);
    free(base);
}
END_TEST

/* ---- allocation failures ------------------------------------------------------------- */

START_TEST(test_allocation_failures)
{
    char *base = example();
    vnfo_test_allocator_install(-1);
    int ok_at = -1;
    for (int budget = 0; budget < 64 && ok_at < 0; budget++) {
        vnfo_test_alloc_budget(budget);
        vnfo_manifest *m;
        vnfo_status s = vnfo_manifest_parse(&m, base, strlen(base), "m.json");
        if (s == VNFO_OK) {
            ok_at = budget;
            vnfo_manifest_free(m);
        } else {
            ck_assert_msg(s == VNFO_E_NO_MEMORY, "budget %d: %s", budget, vnfo_status_name(s));
            ck_assert_ptr_null(m);
        }
    }
    vnfo_allocator_set(NULL);
    ck_assert_int_gt(ok_at, 0);
    free(base);
}
END_TEST

static Suite *manifest_suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_loop_test(tc, test_validation_rule, 0,
                        (int)(sizeof rule_cases / sizeof rule_cases[0]));
    tcase_add_test(tc, test_error_position_accessors);
    tcase_add_test(tc, test_columns_count_characters);
    tcase_add_test(tc, test_unknown_key_without_suggestion_and_odd_keys);
    tcase_add_test(tc, test_top_level_and_arguments);
    tcase_add_test(tc, test_limit_file_size);
    tcase_add_test(tc, test_limit_depth);
    tcase_add_test(tc, test_limit_array_lengths);
    tcase_add_test(tc, test_accessors_three_functions);
    tcase_add_test(tc, test_accessors_psamp_and_single);
    tcase_add_test(tc, test_custom_fields_and_full_ranges);
    tcase_add_test(tc, test_rate_forms);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_template_passes);
    tcase_add_test(tc, test_digest_known_answer);
    tcase_add_test(tc, test_digest_invariance);
    tcase_add_test(tc, test_digest_ranges_and_minimality_are_sets);
    tcase_add_test(tc, test_digest_changes_with_each_semantic_edit);
    tcase_add_test(tc, test_sign_verify_round_trip);
    tcase_add_test(tc, test_signature_files);
    tcase_add_test(tc, test_sampler_options_rate);
    tcase_add_test(tc, test_sampler_options_psamp_ranges);
    tcase_add_test(tc, test_sampler_options_custom_fields);
    tcase_add_test(tc, test_allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return vnfo_test_run(manifest_suite());
}
