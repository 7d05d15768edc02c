/* vnfo simulate: play the provider over a capture, honestly or cheating. */
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_input.h"
#include "sim.h"

static void simulate_usage(FILE *out)
{
    fprintf(out, "usage: vnfo simulate --manifest M --pcap P --keys DIR --out DIR\n"
                 "                     [--misbehave SCENARIO] [--seed S]\n\n"
                 "Runs capture P through the manifest's chain of reference middleboxes, with a\n"
                 "shim beside each (sampler, signed log), and writes OUT/<name>.log per chain\n"
                 "entry and OUT/bill.json.  Keys: DIR/<name>.key per chain entry and\n"
                 "DIR/sampling.key.  The clock model is in docs/simulate.md.  Scenarios:\n");
    for (int i = 1; i < SIM_SCENARIO_COUNT; i++)
        fprintf(out, "  %-24s %s\n", sim_scenario_name(i), sim_scenario_story(i));
}

struct pcap_source {
    pcap_t *p;
    char err[PCAP_ERRBUF_SIZE];
};

static int pcap_next_packet(void *ctx, const uint8_t **pkt, size_t *len, uint64_t *ts_ns)
{
    struct pcap_source *src = ctx;
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(src->p, &h, &data);
    if (r == PCAP_ERROR_BREAK)
        return 0;
    if (r != 1) {
        snprintf(src->err, sizeof src->err, "%s", pcap_geterr(src->p));
        return -1;
    }
    *pkt = data;
    *len = h->caplen;
    *ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec * 1000ULL;
    return 1;
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
                cli_error("simulate: unknown scenario \"%s\"", optarg);
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
    struct pcap_source src;
    src.p = cli_pcap_open(pcap_path, src.err);
    if (!src.p) {
        cli_error("simulate: %s: %s", pcap_path, src.err);
        vnfo_manifest_free(m);
        return CLI_INPUT_ERROR;
    }
    so.manifest = m;
    so.linktype = (uint32_t)pcap_datalink(src.p);
    struct sim_stats stats;
    st = sim_run(&stats, &so, pcap_next_packet, &src);
    pcap_close(src.p);
    vnfo_manifest_free(m);
    if (st != VNFO_OK) {
        cli_error("simulate: %s", sim_error());
        return CLI_INPUT_ERROR;
    }
    printf("simulated %s: %llu packets, %llu entered the chain, %llu sampled, %llu records; "
           "logs and bill in %s\n", sim_scenario_name(so.scenario), (unsigned long long)stats.packets,
           (unsigned long long)stats.entered, (unsigned long long)stats.sampled,
           (unsigned long long)stats.records, so.out_dir);
    return CLI_OK;
}
