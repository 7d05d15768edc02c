/* The simulated provider's scenarios: names, stories, the checks meant to
 * catch them, and the configuration of the contracted functions. */
#include <string.h>

#include "sim.h"

static const struct {
    const char *name, *story;
    const char *checks[4];
} SCENARIOS[SIM_SCENARIO_COUNT] = {
    {"honest", "the provider runs the contracted chain and bills what it used", {NULL}},
    {"ids-rewrites-payload", "the IDS rewrites packet payloads (roadmap Figure 1)",
     {"function.unmodified", "reference.ids", NULL}},
    {"drops-blamed-on-network", "packets vanish between firewall and IDS; the provider blames the network",
     {"drops.attribution", NULL}},
    {"adds-delay", "the IDS holds each packet 5 ms longer (roadmap Figure 2)",
     {"sla.ids.delay.mean", "sla.chain.delay.p95", NULL}},
    {"substitutes-function", "a cheap packet filter runs in place of the IDS (roadmap Figure 3)",
     {"chain.foreign_nodes", "chain.complete", NULL}},
    {"skips-function", "packets are routed around the IDS", {"chain.complete", NULL}},
    {"inflates-bill", "the bill claims 30% more CPU cycles than were used",
     {"bill.cpu_cycles", "bill.ids.cpu_cycles", NULL}},
    {"bills-spurious-packets", "the bill counts 25% more packets than entered the chain",
     {"bill.packets", NULL}},
    {"inflates-cycles", "the IDS burns three times the cycles it needs, and bills them",
     {"minimality.cpu_cycles", NULL}},
    {"tampers-log", "a record in the IDS log is altered after signing", {"logs.integrity", NULL}},
    {"truncates-log", "the NAT log loses its tail", {"logs.integrity", NULL}},
    {"replays-batch", "a firewall log batch is sent twice", {"logs.integrity", NULL}},
    {"nat-rewrites-untagged", "the NAT rewrites half of the flows without logging their FlowTag mapping",
     {"flowtags", "sampling.consistency", NULL}},
    {"deletes-tail", "the last batches of the NAT log (the period close among them) are deleted",
     {"logs.integrity", NULL}},
    {"fw-forwards-unopenable", "the stateful firewall forwards flows its policy denies in both directions",
     {"relation.fw", NULL}},
    {"nat-splits-flow", "the masquerading NAT sends half of each flow's packets from the next port",
     {"relation.nat", NULL}},
    {"nat-shares-port", "the masquerading NAT gives every flow to one server the same port",
     {"relation.nat", NULL}},
    {"ids-drops-unmatchable", "the stream IDS drops a quarter of the flows, whatever their bytes",
     {"relation.ids", NULL}},
};

const char *sim_scenario_stateful_function(int scenario)
{
    switch (scenario) {
    case SIM_FW_FORWARDS_UNOPENABLE: return "stateful-firewall";
    case SIM_NAT_SPLITS_FLOW:
    case SIM_NAT_SHARES_PORT: return "masquerade-nat";
    case SIM_IDS_DROPS_UNMATCHABLE: return "stream-ids";
    default: return NULL;
    }
}

int sim_scenario_needs_flowtags(int scenario) { return scenario == SIM_NAT_REWRITES_UNTAGGED; }

const char *sim_scenario_name(int scenario)
{
    return scenario >= 0 && scenario < SIM_SCENARIO_COUNT ? SCENARIOS[scenario].name : NULL;
}

int sim_scenario_parse(const char *name)
{
    for (int i = 0; name && i < SIM_SCENARIO_COUNT; i++)
        if (strcmp(name, SCENARIOS[i].name) == 0)
            return i;
    return -1;
}

const char *sim_scenario_story(int scenario)
{
    return scenario >= 0 && scenario < SIM_SCENARIO_COUNT ? SCENARIOS[scenario].story : "";
}

const char *const *sim_scenario_checks(int scenario)
{
    static const char *const none[] = {NULL};
    return scenario >= 0 && scenario < SIM_SCENARIO_COUNT ? SCENARIOS[scenario].checks : none;
}

/* Rules for the generator's traffic (clients 10/8 and 2001:db8:1::/48,
 * servers 198.18/15 and 2001:db8:2::/48): telnet and one game port are
 * refused, everything else from the clients passes.  The game port is
 * refused either way, so a stateful firewall can open no flow of it. */
static const char *ACL = "deny tcp any any any 23\n"
                         "deny udp any any any 27015\n"
                         "deny udp any 27015 any any\n"
                         "allow tcp any any any any\n"
                         "allow udp any any any any\n"
                         "allow icmp any any any any\n"
                         "default deny\n";

void sim_functions_init(struct sim_functions *f, uint32_t linktype)
{
    memset(f, 0, sizeof *f);
    struct mb_error err;
    mb_firewall_parse(&f->fw, ACL, "sim-acl", linktype, &err);
    f->nat = (struct mb_nat){linktype, {203, 0, 113, 7}, 20000, 59999, 0x5eed5eedULL};
    f->ids.linktype = linktype;
    mb_ids_add(&f->ids, "GET /images/", 12, 1, &err); /* drop */
    mb_ids_add(&f->ids, "/api/", 5, 0, &err);         /* alert */
    mb_ids_add(&f->ids, "\x07" "example", 8, 0, &err); /* alert on DNS names */
    f->sfw.acl = &f->fw;
    f->masq.linktype = linktype;
    memcpy(f->masq.public_ipv4, f->nat.public_ipv4, 4);
    f->masq.port_lo = f->nat.port_lo;
    f->masq.port_hi = f->nat.port_hi;
    mb_fw_relation_init(&f->fw_rel, &f->fw);
    mb_nat_relation_init(&f->nat_rel, f->nat.public_ipv4, 32, f->nat.port_lo, f->nat.port_hi);
    f->ids_rel.ids = &f->ids;
}

void sim_functions_free(struct sim_functions *f)
{
    mb_flowtable_free(&f->sfw.ct);
    mb_flowtable_free(&f->masq.orig);
    mb_flowtable_free(&f->masq.rew);
    mb_stream_ids_free(&f->sids);
}

int sim_relation(vnfo_relation *rel, void **ctx, struct sim_functions *f, const char *function)
{
    if (strcmp(function, "stateful-firewall") == 0) {
        mb_fw_relation(rel);
        *ctx = &f->fw_rel;
    } else if (strcmp(function, "masquerade-nat") == 0) {
        mb_nat_relation(rel);
        *ctx = &f->nat_rel;
    } else if (strcmp(function, "stream-ids") == 0) {
        mb_ids_relation(rel);
        *ctx = &f->ids_rel;
    } else {
        return -1;
    }
    return 0;
}

/* The stateful functions' tables, on first use. */
static int stateful(vnfo_reference_fn *fn, void **ctx, struct sim_functions *f, const char *function)
{
    if (strcmp(function, "stateful-firewall") == 0) {
        if (!f->sfw.ct.slots && mb_flowtable_init(&f->sfw.ct) != 0)
            return -1;
        *fn = mb_stateful_firewall;
        *ctx = &f->sfw;
        return 0;
    }
    if (strcmp(function, "masquerade-nat") == 0) {
        if ((!f->masq.orig.slots && mb_flowtable_init(&f->masq.orig) != 0) ||
            (!f->masq.rew.slots && mb_flowtable_init(&f->masq.rew) != 0))
            return -1;
        *fn = mb_masquerade;
        *ctx = &f->masq;
        return 0;
    }
    if (strcmp(function, "stream-ids") == 0) {
        if (!f->sids.tails && mb_stream_ids_init(&f->sids, &f->ids) != 0)
            return -1;
        *fn = mb_stream_ids;
        *ctx = &f->sids;
        return 0;
    }
    return -1;
}

/* The references told each record's link type: the verifier is single-
 * threaded per handle, so setting the middlebox's link type before each
 * call is safe. */
static vnfo_reference_verdict firewall_lt(void *ctx, uint32_t linktype, const uint8_t *in, size_t in_len,
                                          uint8_t *out, size_t out_cap, size_t *out_len,
                                          vnfo_reference_resources *res)
{
    struct mb_firewall *fw = ctx;
    fw->linktype = linktype;
    return mb_firewall(fw, in, in_len, out, out_cap, out_len, res);
}

static vnfo_reference_verdict nat_lt(void *ctx, uint32_t linktype, const uint8_t *in, size_t in_len,
                                     uint8_t *out, size_t out_cap, size_t *out_len,
                                     vnfo_reference_resources *res)
{
    struct mb_nat *nat = ctx;
    nat->linktype = linktype;
    return mb_nat(nat, in, in_len, out, out_cap, out_len, res);
}

static vnfo_reference_verdict ids_lt(void *ctx, uint32_t linktype, const uint8_t *in, size_t in_len,
                                     uint8_t *out, size_t out_cap, size_t *out_len,
                                     vnfo_reference_resources *res)
{
    struct mb_ids *ids = ctx;
    ids->linktype = linktype;
    return mb_ids(ids, in, in_len, out, out_cap, out_len, res);
}

int sim_reference_linktype(vnfo_reference_linktype_fn *fn, void **ctx, struct sim_functions *f,
                           const char *function)
{
    if (strcmp(function, "firewall") == 0) {
        *fn = firewall_lt;
        *ctx = &f->fw;
    } else if (strcmp(function, "nat") == 0) {
        *fn = nat_lt;
        *ctx = &f->nat;
    } else if (strcmp(function, "ids") == 0) {
        *fn = ids_lt;
        *ctx = &f->ids;
    } else {
        return -1;
    }
    return 0;
}

int sim_reference(vnfo_reference_fn *fn, void **ctx, struct sim_functions *f, const char *function)
{
    if (strcmp(function, "firewall") == 0) {
        *fn = mb_firewall;
        *ctx = &f->fw;
    } else if (strcmp(function, "nat") == 0) {
        *fn = mb_nat;
        *ctx = &f->nat;
    } else if (strcmp(function, "ids") == 0) {
        *fn = mb_ids;
        *ctx = &f->ids;
    } else {
        return stateful(fn, ctx, f, function);
    }
    return 0;
}
