/* vnfo simulate: play the provider over a capture, honestly or cheating. */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "cli.h"
#include "internal.h" /* vnfo__shown(): input named in messages is escaped */
#include "cli_input.h"
#include "sim.h"

static void simulate_usage(FILE *out)
{
    fprintf(out, "usage: vnfo simulate --manifest M --pcap P --keys DIR --out DIR\n"
                 "                     [--misbehave SCENARIO] [--seed S]\n\n"
                 "Runs capture P through the manifest's chain of reference middleboxes, with a\n"
                 "shim beside each (sampler, signed log), and writes OUT/<name>.log per chain\n"
                 "entry and OUT/bill.json.  Keys: DIR/<name>.key per chain entry and\n"
                 "DIR/sampling.key.  OUT is created if missing.  The capture may be of any\n"
                 "link type `vnfo sample` reads (docs/sampling.md).  The clock model is in\n"
                 "docs/simulate.md.  Scenarios:\n");
    for (int i = 1; i < SIM_SCENARIO_COUNT; i++) {
        fprintf(out, "  %-24s %s\n  %-24s caught by:", sim_scenario_name(i), sim_scenario_story(i), "");
        for (const char *const *c = sim_scenario_checks(i); *c; c++)
            fprintf(out, " %s", *c);
        if (sim_scenario_stateful_function(i))
            fprintf(out, " (needs a manifest with the stateful function %s)", sim_scenario_stateful_function(i));
        fprintf(out, "%s\n", sim_scenario_needs_flowtags(i) ? " (needs a manifest with FlowTags)" : "");
    }
}

static int capture_source(void *ctx, const uint8_t **pkt, size_t *len, size_t *wire_len, uint64_t *ts_ns)
{
    return capture_next(ctx, pkt, len, wire_len, ts_ns);
}

/* Creates dir and its missing parents (mkdir -p); 0 or -1 with errno. */
static int make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return -1;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int cmd_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"manifest", required_argument, 0, 'm'}, {"pcap", required_argument, 0, 'p'},
        {"keys", required_argument, 0, 'k'},     {"out", required_argument, 0, 'o'},
        {"misbehave", required_argument, 0, 'x'}, {"seed", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *manifest = NULL, *pcap_path = NULL;
    struct sim_options so = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': manifest = optarg; break;
        case 'p': pcap_path = optarg; break;
        case 'k': so.keys_dir = optarg; break;
        case 'o': so.out_dir = optarg; break;
        case 'x':
            if ((so.scenario = sim_scenario_parse(optarg)) < 0) {
                cli_error("simulate: unknown scenario \"%s\"", vnfo__shown(optarg).s);
                simulate_usage(stderr);
                return CLI_USAGE;
            }
            break;
        case 's': so.seed = strtoull(optarg, NULL, 0); break;
        case 'h': simulate_usage(stdout); return CLI_OK;
        default: simulate_usage(stderr); return CLI_USAGE;
        }
    }
    if (!manifest || !pcap_path || !so.keys_dir || !so.out_dir || optind != argc) {
        simulate_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_manifest *m;
    vnfo_status st = vnfo_manifest_load(&m, manifest);
    if (st != VNFO_OK) {
        cli_status_error("simulate", st);
        return CLI_INPUT_ERROR;
    }
    char err[2048];
    struct capture *cap = capture_open(pcap_path, err, sizeof err);
    if (!cap) {
        cli_error("simulate: %s", err);
        vnfo_manifest_free(m);
        return CLI_INPUT_ERROR;
    }
    if (make_dirs(so.out_dir) != 0) {
        cli_error("simulate: --out %s: cannot create the folder: %s", vnfo__shown(so.out_dir).s, strerror(errno));
        capture_close(cap);
        vnfo_manifest_free(m);
        return CLI_INPUT_ERROR;
    }
    so.manifest = m;
    so.linktype = capture_linktype(cap);
    struct sim_stats stats;
    st = sim_run(&stats, &so, capture_source, cap);
    if (st != VNFO_OK && capture_error(cap)[0])
        cli_error("simulate: %s (%s)", capture_error(cap), sim_error());
    else if (st != VNFO_OK)
        cli_error("simulate: %s", sim_error());
    capture_close(cap);
    vnfo_manifest_free(m);
    if (st != VNFO_OK)
        return CLI_INPUT_ERROR;
    printf("simulated %s: %llu packets, %llu entered the chain, %llu sampled, %llu records; "
           "logs and bill in %s\n", sim_scenario_name(so.scenario), (unsigned long long)stats.packets,
           (unsigned long long)stats.entered, (unsigned long long)stats.sampled,
           (unsigned long long)stats.records, vnfo__shown(so.out_dir).s);
    return CLI_OK;
}
