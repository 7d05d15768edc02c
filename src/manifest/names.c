/* Names of enumerated manifest values: the text the manifest uses, indexed
 * by the (ABI-pinned) enum values, NULL-terminated for mf_suggest(). */
#include "manifest_internal.h"

const char *const mf_modify_names[] = {"nothing", "headers", "payload", "any", NULL};
/* Hash names start at vnfo_manifest_hash 1: index = value - 1. */
const char *const mf_hash_names[] = {"xxh3-64", "siphash-2-4", "bob", NULL};
const char *const mf_fields_names[] = {"custom", "psamp", "invariant", "nat-safe", NULL};
const char *const mf_field_names[] = {
    "ip.version", "ip.src",   "ip.dst",   "ip.proto",  "ip.id",      "ip.frag",
    "ip.length",  "ipv6.flow_label", "l4.sport", "l4.dport", "tcp.seq", "tcp.ack",
    "tcp.flags",  "icmp.type", "ip.payload", "l4.payload", "flowtag", NULL,
};
const char *const mf_granularity_names[] = {"digest", "headers", "full", NULL};
const char *const mf_tree_hash_names[] = {"blake2b-256", NULL};
const char *const mf_carrier_names[] = {"nsh-md1", "nsh-md2", "ipv6-flow-label", "vlan", "dscp",
                                        NULL};
const unsigned mf_carrier_max_bits[] = {32, 32, 20, 12, 6};
const char *const mf_metric_names[] = {"delay", NULL};
const char *const mf_statistic_names[] = {"mean", "p50", "p95", "p99", "max", NULL};
const char *const mf_resource_names[] = {"cpu_cycles", "mem_bytes", "packets", "bytes", NULL};
const char *const mf_summary_names[] = {"sum", "count", "mean", "min", "max",
                                        "p50", "p95", "p99", NULL};
static const char *const party_names[] = {"customer", "provider", NULL};

/* Looks `value` up in a table of `count` names (count excludes the NULL). */
static const char *name_of(const char *const *table, size_t count, int value)
{
    return value >= 0 && (size_t)value < count ? table[value] : NULL;
}

#define COUNT(t) (sizeof t / sizeof t[0] - 1)

const char *vnfo_manifest_modify_name(vnfo_manifest_modify v) { return name_of(mf_modify_names, COUNT(mf_modify_names), (int)v); }
const char *vnfo_manifest_hash_name(vnfo_manifest_hash v) { return name_of(mf_hash_names, COUNT(mf_hash_names), (int)v - 1); }
const char *vnfo_manifest_fields_name(vnfo_manifest_fields v) { return name_of(mf_fields_names, COUNT(mf_fields_names), (int)v); }
const char *vnfo_manifest_field_name(vnfo_manifest_field v) { return name_of(mf_field_names, COUNT(mf_field_names), (int)v); }
const char *vnfo_manifest_granularity_name(vnfo_manifest_granularity v) { return name_of(mf_granularity_names, COUNT(mf_granularity_names), (int)v); }
const char *vnfo_manifest_tree_hash_name(vnfo_manifest_tree_hash v) { return name_of(mf_tree_hash_names, COUNT(mf_tree_hash_names), (int)v); }
const char *vnfo_manifest_carrier_name(vnfo_manifest_carrier v) { return name_of(mf_carrier_names, COUNT(mf_carrier_names), (int)v); }
const char *vnfo_manifest_metric_name(vnfo_manifest_metric v) { return name_of(mf_metric_names, COUNT(mf_metric_names), (int)v); }
const char *vnfo_manifest_statistic_name(vnfo_manifest_statistic v) { return name_of(mf_statistic_names, COUNT(mf_statistic_names), (int)v); }
const char *vnfo_manifest_summary_name(vnfo_manifest_summary v) { return name_of(mf_summary_names, COUNT(mf_summary_names), (int)v); }
const char *vnfo_manifest_party_role_name(vnfo_manifest_party v) { return name_of(party_names, COUNT(party_names), (int)v); }

const char *vnfo_manifest_resource_name(vnfo_manifest_resource v)
{
    if (v == VNFO_MANIFEST_RESOURCE_VENDOR)
        return "vendor";
    return name_of(mf_resource_names, COUNT(mf_resource_names), (int)v);
}
