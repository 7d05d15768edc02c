/* vnfo demo: keys, a manifest and a generated capture; then the honest
 * provider and each cheating scenario, verified, one screen each. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "cli.h"
#include "cli_input.h"
#include "internal.h" /* vnfo__shown(): the folder is named escaped */
#include "sim.h"
#include "traffic.h"
#include "verify_dir.h"

#define DEMO_PACKETS 5000
#define DEMO_FLOWS 300
#define DEMO_RATE 8
/* Keys derive from this seed unless --seed says otherwise (0: random keys). */
#define DEMO_SEED 1

static int write_capture(const char *path)
{
    traffic_gen g;
    traffic_pcap p;
    uint8_t frame[TRAFFIC_FRAME_MAX];
    if (traffic_gen_init(&g, 2026, DEMO_FLOWS) != 0)
        return -1;
    int rc = traffic_pcap_open(&p, path, 1, 65535);
    /* Inside the manifest's billing period, one packet every 20 us. */
    uint64_t t0 = 1793491200ULL * 1000000ULL + 3600ULL * 1000000ULL;
    for (int i = 0; rc == 0 && i < DEMO_PACKETS; i++) {
        size_t len = traffic_gen_next(&g, frame, sizeof frame, NULL);
        rc = traffic_pcap_write(&p, t0 + (uint64_t)i * 20, frame, len);
    }
    if (traffic_pcap_close(&p) != 0)
        rc = -1;
    traffic_gen_free(&g);
    return rc;
}

static int capture_source(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns)
{
    return capture_next(ctx, pkt, len, wire_len, ts_ns);
}

static int simulate(struct sim_stats *stats, const char *dir, const vnfo_manifest *m, int scenario,
                    char *out, size_t out_size)
{
    char pcap_path[1024], keys[1024], err[2048];
    snprintf(pcap_path, sizeof pcap_path, "%s/capture.pcap", dir);
    snprintf(keys, sizeof keys, "%s/keys", dir);
    snprintf(out, out_size, "%s/%s", dir, sim_scenario_name(scenario));
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        return -1;
    struct capture *c = capture_open(pcap_path, err, sizeof err);
    if (!c) {
        cli_error("demo: %s", err);
        return -1;
    }
    struct sim_options so = {m, keys, out, scenario, 7, capture_linktype(c), 0};
    vnfo_status st = sim_run(stats, &so, capture_source, c);
    if (st != VNFO_OK)
        cli_error("demo: %s: %s%s%s", sim_scenario_name(scenario), sim_error(),
                  capture_error(c)[0] ? ": " : "", capture_error(c));
    capture_close(c);
    return st == VNFO_OK ? 0 : -1;
}

/* Prints the lines of the report that did not pass (all of them for the
 * honest run), and returns whether the intended check caught the scenario. */
static int show(const vnfo_report *r, int scenario)
{
    int caught = scenario == SIM_HONEST ? vnfo_report_overall(r) == VNFO_REPORT_PASS : 0;
    const char *intended = sim_scenario_checks(scenario)[0];
    printf("   caught by:");
    int any = 0;
    for (size_t i = 0; i < vnfo_report_entry_count(r); i++) {
        const vnfo_report_entry *e = vnfo_report_entry_at(r, i);
        if (vnfo_report_entry_verdict(e) != VNFO_REPORT_FAIL)
            continue;
        printf("%s %s", any++ ? "," : "", vnfo_report_entry_name(e));
        if (intended && strcmp(intended, vnfo_report_entry_name(e)) == 0)
            caught = 1;
    }
    printf("%s\n", any ? "" : " nothing");
    size_t need = 0;
    unsigned flags = 0;
    vnfo_report_render_text(NULL, 0, &need, r, flags);
    char *text = malloc(need);
    if (text && vnfo_report_render_text(text, need, NULL, r, flags) == VNFO_OK) {
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            if (scenario == SIM_HONEST || strstr(line, "FAIL") || strstr(line, "examples") ||
                strstr(line, "evidence"))
                printf("   %s\n", line);
    }
    free(text);
    return caught;
}

/* Scenarios about FlowTags run on manifest-tagged.json (fw -> nat -> ids,
 * tags in NSH), the others on manifest.json. */
static const char *manifest_name(int scenario)
{
    return sim_scenario_needs_flowtags(scenario) ? "manifest-tagged.json" : "manifest.json";
}

static int run_scenario(const char *dir, const vnfo_manifest *m, int scenario)
{
    char out[1024], manifest[1024], bill[1100], key[1024];
    struct sim_stats st;
    printf("\n== %d/%d %s: %s\n", scenario + 1, SIM_DEMO_SCENARIOS, sim_scenario_name(scenario),
           sim_scenario_story(scenario));
    if (simulate(&st, dir, m, scenario, out, sizeof out) != 0)
        return 0;
    snprintf(manifest, sizeof manifest, "%s/%s", dir, manifest_name(scenario));
    snprintf(bill, sizeof bill, "%s/bill.json", out);
    snprintf(key, sizeof key, "%s/keys/sampling.key", dir);
    printf("   provider: %llu packets, %llu entered the chain, %llu sampled (p = 1/%d)\n",
           (unsigned long long)st.packets, (unsigned long long)st.entered,
           (unsigned long long)st.sampled, DEMO_RATE);
    printf("   $ vnfo verify --manifest %s --logs %s --bill %s --key %s --reference firewall,nat,ids\n",
           vnfo__shown(manifest).s, vnfo__shown(out).s, vnfo__shown(bill).s, vnfo__shown(key).s);
    /* Three examples per check keep each scenario on one screen. */
    struct verify_args a = {manifest, out, bill, key, "firewall,nat,ids", 0, 3, NULL, NULL, 0, 0};
    vnfo_report *r;
    int rc = verify_dir(&r, &a, "demo");
    if (rc != 0)
        return 0;
    vnfo_report_verdict v = vnfo_report_overall(r);
    printf("   verdict: %s (exit %d)\n", vnfo_report_verdict_name(v), vnfo_report_verdict_exit_code(v));
    int ok = show(r, scenario);
    printf("   => %s\n", scenario == SIM_HONEST ? (ok ? "every check passes" : "UNEXPECTED: the honest run failed")
                                                 : (ok ? "caught by the intended check" : "MISSED by the intended check"));
    vnfo_report_free(r);
    return ok;
}

static int prepare(const char *dir, uint64_t seed)
{
    static const char *const names[] = {"customer", "provider", "fw", "ids", "nat"};
    char keys[1024], path[1024];
    snprintf(keys, sizeof keys, "%s/keys", dir);
    if (mkdir(keys, 0700) != 0 && errno != EEXIST) {
        cli_error("demo: %s: %s", vnfo__shown(keys).s, strerror(errno));
        return -1;
    }
    vnfo_status st = sim_keys_generate_seeded(keys, names, 5, seed);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (st == VNFO_OK)
        st = sim_manifest_write(path, keys, DEMO_RATE);
    snprintf(path, sizeof path, "%s/manifest-tagged.json", dir);
    if (st == VNFO_OK)
        st = sim_manifest_write_tagged(path, keys, DEMO_RATE);
    if (st != VNFO_OK) {
        cli_status_error("demo", st);
        return -1;
    }
    snprintf(path, sizeof path, "%s/capture.pcap", dir);
    if (write_capture(path) != 0) {
        cli_error("demo: %s: cannot write the capture", vnfo__shown(path).s);
        return -1;
    }
    printf("demo folder %s: keys/ (fw, ids, nat, customer, provider, sampling), manifest.json\n"
           "(chain fw -> ids -> nat, sampling 1/%d, full packets logged), manifest-tagged.json (the\n"
           "same with the NAT in the middle, fw -> nat -> ids, and FlowTags), capture.pcap (%d\n"
           "generated packets of %d TCP/UDP flows over IPv4/IPv6)\n", vnfo__shown(dir).s, DEMO_RATE, DEMO_PACKETS,
           DEMO_FLOWS);
    return 0;
}

/* --seed: a decimal number; 0 asks for random keys. */
static int parse_seed(uint64_t *out, const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-')
        return 0;
    *out = v;
    return 1;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"seed", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    char tmp[1024];
    uint64_t seed = DEMO_SEED;
    const char *dir = NULL, *tmpdir = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/vnfo-demo-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            dir = optarg;
        else if (c == 's' && parse_seed(&seed, optarg))
            continue;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: vnfo demo [--dir DIR] [--seed N]\n\nGenerates keys, a manifest and a capture in DIR "
                    "(default: a new folder under $TMPDIR or /tmp),\nruns the honest provider and each cheating "
                    "scenario, and verifies each.\n\n"
                    "Keys derive from --seed (default %d), so the demo is reproducible; --seed 0 draws\n"
                    "fresh random keys.  The statistical checks (bill, SLA, minimality) then err at the\n"
                    "rate their confidence allows: with fresh keys an honest run fails one of them\n"
                    "about once in a few dozen runs, and that is the honest answer.\n", DEMO_SEED);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (!dir && !(dir = mkdtemp(tmp))) {
        cli_error("demo: cannot create %s: %s", vnfo__shown(tmp).s, strerror(errno));
        return CLI_INPUT_ERROR;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        cli_error("demo: %s: %s", vnfo__shown(dir).s, strerror(errno));
        return CLI_INPUT_ERROR;
    }
    if (prepare(dir, seed) != 0)
        return CLI_INPUT_ERROR;
    char path[1024];
    vnfo_manifest *m[2] = {NULL, NULL};
    vnfo_status st = VNFO_OK;
    for (int t = 0; t < 2 && st == VNFO_OK; t++) {
        snprintf(path, sizeof path, "%s/%s", dir, t ? "manifest-tagged.json" : "manifest.json");
        st = vnfo_manifest_load(&m[t], path);
    }
    if (st != VNFO_OK) {
        cli_status_error("demo", st);
        vnfo_manifest_free(m[0]);
        return CLI_INPUT_ERROR;
    }
    /* The stateful scenarios need stateful functions in the chain (and
     * nat-shares-port clients that share servers): tests/relation_cli.sh
     * runs them, docs/simulate.md shows how. */
    int good = 0, runs = 0;
    for (int s = 0; s < SIM_SCENARIO_COUNT; s++) {
        if (sim_scenario_stateful_function(s))
            continue;
        good += run_scenario(dir, m[sim_scenario_needs_flowtags(s)], s);
        runs++;
    }
    vnfo_manifest_free(m[0]);
    vnfo_manifest_free(m[1]);
    printf("\n%d of %d runs judged as intended (honest passes, each scenario caught).\n", good, runs);
    return good == runs ? CLI_OK : CLI_FAILED;
}
