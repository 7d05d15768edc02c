/* vnfo generate: a deterministic synthetic capture (tools/traffic.h). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_output.h"
#include "internal.h" /* vnfo__shown() */
#include "traffic.h"

/* First timestamp of generated captures: fixed, so output is reproducible. */
#define GENERATE_START_US 1700000000000000ull

int generate_capture(const char *path, uint64_t packets, uint32_t flows, uint64_t seed, uint32_t servers)
{
    traffic_gen g;
    if (traffic_gen_init(&g, seed, flows) != 0) {
        cli_error("generate: cannot set up %u flows", flows);
        return CLI_USAGE;
    }
    if (servers && traffic_gen_share_servers(&g, servers) != 0) {
        cli_error("generate: --servers %u: expected 1 to %d", servers, TRAFFIC_SERVERS_MAX);
        traffic_gen_free(&g);
        return CLI_USAGE;
    }
    traffic_pcap pc;
    if (traffic_pcap_open(&pc, path, VNFO_LINKTYPE_ETHERNET, 65535) != 0) {
        cli_error("generate: %s: %s", vnfo__shown(path).s, cli_output_why(errno));
        traffic_gen_free(&g);
        return CLI_INPUT_ERROR;
    }
    uint8_t frame[TRAFFIC_FRAME_MAX];
    int rc = CLI_OK;
    for (uint64_t i = 0; i < packets && rc == CLI_OK; i++) {
        size_t n = traffic_gen_next(&g, frame, sizeof frame, NULL);
        if (traffic_pcap_write(&pc, GENERATE_START_US + 10 * i, frame, n) != 0)
            rc = CLI_INPUT_ERROR;
    }
    if (traffic_pcap_close(&pc) != 0)
        rc = CLI_INPUT_ERROR;
    if (rc != CLI_OK)
        cli_error("generate: %s: write failed: %s", vnfo__shown(path).s, strerror(errno));
    traffic_gen_free(&g);
    return rc;
}

static int parse_count(const char *text, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!*text || *text == '-')
        return 0;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return !errno && !*end && *out <= max;
}

static void generate_usage(FILE *out)
{
    fprintf(out, "usage: vnfo generate --out FILE [--packets N] [--flows N] [--seed S] [--servers N]\n\n"
                 "Writes a deterministic Ethernet pcap of mixed TCP/UDP flows over IPv4/IPv6,\n"
                 "some VLAN-tagged (defaults: 1000 packets, 50 flows, seed 1).  --servers N\n"
                 "(1-256): per IP version and protocol, the flows share N servers (address and\n"
                 "port), so several clients talk to one server; default one server per flow.\n"
                 "Exit: 0 done, 3 cannot write FILE, 64 usage error.\n");
}

int cmd_generate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},   {"packets", required_argument, NULL, 'n'},
        {"flows", required_argument, NULL, 'f'}, {"seed", required_argument, NULL, 's'},
        {"servers", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    unsigned long long packets = 1000, flows = 50, seed = 1, servers = 0;
    int opt, ok = 1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'n': ok &= parse_count(optarg, 100000000ull, &packets); break;
        case 'f': ok &= parse_count(optarg, 1000000ull, &flows) && flows > 0; break;
        case 's': ok &= parse_count(optarg, UINT64_MAX, &seed); break;
        case 'S': ok &= parse_count(optarg, TRAFFIC_SERVERS_MAX, &servers) && servers > 0; break;
        case 'h': generate_usage(stdout); return CLI_OK;
        default: ok = 0;
        }
    }
    if (!ok || !out || optind < argc) {
        cli_error("generate: needs --out FILE; --packets 0..100000000, --flows 1..1000000, "
                  "--seed an unsigned integer, --servers 1..256");
        generate_usage(stderr);
        return CLI_USAGE;
    }
    return generate_capture(out, packets, (uint32_t)flows, seed, (uint32_t)servers);
}
