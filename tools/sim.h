/* The provider's side, simulated: a chain of reference middleboxes with a
 * real shim beside each (the library's sampler, packet digests, records and
 * signed log writer), timestamps from a documented clock model, one log file
 * per node and a bill; optionally cheating in one of the scenarios of
 * docs/simulate.md.  Used by `vnfo simulate`, `vnfo demo` and the tests.
 * Not part of the library (a noinst convenience library). */
#ifndef VNFO_SIM_H
#define VNFO_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <vnfo/vnfo.h>

#include "middlebox.h"
#include "relation.h"

enum sim_scenario {
    SIM_HONEST = 0,
    SIM_IDS_REWRITES_PAYLOAD,
    SIM_DROPS_BLAMED_ON_NETWORK,
    SIM_ADDS_DELAY,
    SIM_SUBSTITUTES_FUNCTION,
    SIM_SKIPS_FUNCTION,
    SIM_INFLATES_BILL,
    SIM_BILLS_SPURIOUS_PACKETS,
    SIM_INFLATES_CYCLES,
    SIM_TAMPERS_LOG,
    SIM_TRUNCATES_LOG,
    SIM_REPLAYS_BATCH,
    SIM_NAT_REWRITES_UNTAGGED,
    SIM_DELETES_TAIL,
    /* Stateful cheats: they need a stateful function in the chain, and
     * only its relation sees them (sim_stateful.c). */
    SIM_FW_FORWARDS_UNOPENABLE,
    SIM_NAT_SPLITS_FLOW,
    SIM_NAT_SHARES_PORT,
    SIM_IDS_DROPS_UNMATCHABLE,
    SIM_SCENARIO_COUNT
};
/* The scenarios `vnfo demo` runs: all but the stateful ones, which come last. */
#define SIM_DEMO_SCENARIOS SIM_FW_FORWARDS_UNOPENABLE

/* "honest", "ids-rewrites-payload", ...; NULL for other values. */
const char *sim_scenario_name(int scenario);
struct sim_functions;
/* The stateful function a scenario cheats with ("stateful-firewall",
 * "masquerade-nat", "stream-ids"), or NULL for the other scenarios. */
const char *sim_scenario_stateful_function(int scenario);
/* What the cheating stateful function of the scenario does to a packet
 * that `function` (a manifest function name) has just handled: may change
 * *verdict and the output (out, *out_len); coin is a random number for
 * per-packet choices.  1 when it cheated on the packet, else 0. */
int sim_stateful_cheat(int scenario, const char *function, const struct sim_functions *f, uint32_t linktype,
                       const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
                       vnfo_reference_verdict *verdict, uint64_t coin);
/* The scenario of a name, or -1. */
int sim_scenario_parse(const char *name);
/* What the provider does, in one line. */
const char *sim_scenario_story(int scenario);
/* The checks meant to catch a scenario, NULL-terminated; the first is the
 * intended one, the others the checks that see the same fault from another
 * angle (e.g. a substituted function is a foreign node and a missing hop). */
const char *const *sim_scenario_checks(int scenario);

/* The configured reference middleboxes (the contract's functions). */
struct sim_functions {
    struct mb_firewall fw;
    struct mb_nat nat;
    struct mb_ids ids;
    /* Stateful functions ("stateful-firewall", "masquerade-nat",
     * "stream-ids"): their
     * tables are allocated by sim_reference() and freed by
     * sim_functions_free(); the caller sets now_ns before each packet. */
    struct mb_stateful_firewall sfw;
    struct mb_masquerade masq;
    struct mb_stream_ids sids; /* "stream-ids" */
    /* The customer's relations for them, and for a stream IDS. */
    struct mb_fw_relation fw_rel;
    struct mb_nat_relation nat_rel;
    struct mb_ids_relation ids_rel;
};

/* Configures the three functions for traffic of the project's generator
 * (docs/simulate.md lists the rules and signatures). */
void sim_functions_init(struct sim_functions *f, uint32_t linktype);

/* Frees the stateful functions' tables (the struct stays usable). */
void sim_functions_free(struct sim_functions *f);

/* The reference of a manifest function name ("firewall", "nat", "ids",
 * "stateful-firewall", "masquerade-nat", "stream-ids"): 0 and *fn, *ctx set, or -1 for
 * an unknown function (or no memory for a stateful one's tables). */
int sim_reference(vnfo_reference_fn *fn, void **ctx, struct sim_functions *f, const char *function);
/* The same reference, told each record's link type by the verifier. */
int sim_reference_linktype(vnfo_reference_linktype_fn *fn, void **ctx, struct sim_functions *f,
                           const char *function);

/* The relation of a stateful function name ("stateful-firewall",
 * "masquerade-nat", "stream-ids"): 0 and *rel, *ctx set, or -1. */
int sim_relation(vnfo_relation *rel, void **ctx, struct sim_functions *f, const char *function);

/* Packets in: 1 with a packet, 0 at the end, -1 on a read error.  *len is
 * the captured length, *wire_len the frame's length on the wire (the pcap
 * header's len; at least *len). */
typedef int (*sim_source_fn)(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len,
                             uint64_t *ts_ns);

struct sim_options {
    const vnfo_manifest *manifest;
    const char *keys_dir;  /* <name>.key per chain entry, sampling.key */
    const char *out_dir;   /* receives <name>.log per chain entry and bill.json */
    int scenario;
    uint64_t seed;
    uint32_t linktype;
    uint64_t affected_max; /* 0: no limit; else at most this many packets cheated on */
};

struct sim_stats {
    uint64_t packets;  /* read from the source */
    uint64_t entered;  /* IP packets that entered the chain */
    uint64_t sampled;  /* sampled at the first function */
    uint64_t records;  /* records written, all nodes */
    uint64_t affected; /* packets the scenario cheated on */
};

/* The message of the last sim_* failure on this thread ("" when none). */
const char *sim_error(void);

/* Runs the chain over every packet of the source.  Returns VNFO_OK or a
 * status with sim_error() set. */
vnfo_status sim_run(struct sim_stats *stats, const struct sim_options *o, sim_source_fn next,
                    void *ctx);

/* Writes <dir>/<name>.key and .pub for each name, and <dir>/sampling.key
 * (failures: see vnfo_error_message()). */
vnfo_status sim_keys_generate(const char *dir, const char *const *names, size_t n);

/* The manifest's sampler with the sampling key in key_path: the key must
 * match the manifest's commitment (refused otherwise, as a real shim or the
 * verifier would); the key is wiped after use.  Every tool that samples as
 * the manifest says (simulate, verify, tap, the appliance) builds it here. */
vnfo_status sim_sampler_load(vnfo_sampler **out, const vnfo_manifest *m, const char *key_path);

/* The same from a seed (non-zero): reproducible keys for tests.  Never for
 * real use. */
vnfo_status sim_keys_generate_seeded(const char *dir, const char *const *names, size_t n,
                                     uint64_t seed);

/* Writes the demo manifest (chain fw -> ids -> nat, keys from keys_dir,
 * sampling rate 1/rate_den) to path. */
vnfo_status sim_manifest_write(const char *path, const char *keys_dir, unsigned rate_den);

/* The same with FlowTags: chain fw -> nat -> ids, a `flowtags` section
 * (nsh-md1, 24 bits) and the `nat-safe` sampling field set. */
vnfo_status sim_manifest_write_tagged(const char *path, const char *keys_dir, unsigned rate_den);

/* 1 when the scenario needs a manifest with FlowTags (a NAT that tags). */
int sim_scenario_needs_flowtags(int scenario);

#endif
