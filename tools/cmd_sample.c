/* vnfo sample: sampling decisions over a pcap or pcapng capture. */
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sample_common.h"

static void sample_usage(FILE *out)
{
    fprintf(out,
            "usage: vnfo sample --pcap FILE (--key-file K | --key HEX) [--hash H]\n"
            "                   [--rate R | --ranges LO-HI[,LO-HI...]] [--fields F]\n"
            "                   [--payload-bytes N] [--payload-offset N] [--epoch E] [--jsonl]\n\n"
            "  --pcap FILE         capture to read (pcap or pcapng)\n"
            "  --key-file K        sampling key file (\"vnfo-sampling-key:<64 hex>\", mode 0600)\n"
            "  --key HEX           the 32-byte master key as 64 hex digits\n"
            "  --hash H            xxh3-64, siphash-2-4 (default) or bob\n"
            "  --rate R            selection rate NUM/DEN or NUM/2^N (default 1/64)\n"
            "  --ranges ...        explicit inclusive hash ranges instead of a rate\n"
            "  --fields F          psamp (default), invariant, nat-safe or a field list\n"
            "  --payload-bytes N   payload bytes hashed (default 8; psamp 8..32)\n"
            "  --payload-offset N  where they start, 0..64 (default 0)\n"
            "  --epoch E           key epoch (default 0)\n"
            "  --jsonl             one JSON object per packet, then the summary\n\n"
            "Prints a JSON summary {packets, parsed, selected, fraction, target_rate, ...}.\n"
            "Exit: 0 done, 1 invalid key, 3 unreadable or corrupt capture (after every\n"
            "readable packet was processed), 64 usage error.\n");
}

struct sample_args {
    const char *pcap, *key_file, *key_hex, *ranges;
    int jsonl, help;
    vnfo_sampler_options opts;
    vnfo_sampler_range range_buf[VNFO_SAMPLER_MAX_RANGES];
};

static int parse_uint(const char *text, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!*text || *text == '-')
        return 0;
    *out = strtoull(text, &end, 10);
    return !*end && *out <= max;
}

/* Applies one option; returns 0 or a CLI exit code. */
static int apply_option(struct sample_args *a, int opt, const char *arg)
{
    unsigned long long n;
    vnfo_status st = VNFO_OK;
    switch (opt) {
    case 'p': a->pcap = arg; break;
    case 'k': a->key_file = arg; break;
    case 'K': a->key_hex = arg; break;
    case 'j': a->jsonl = 1; break;
    case 'H': a->help = 1; break;
    case 'h': st = vnfo_sampler_hash_parse(&a->opts.hash, arg); break;
    case 'r': st = vnfo_sampler_rate_parse(&a->opts.rate, arg); break;
    case 'R': st = vnfo_sampler_ranges_parse(a->range_buf, VNFO_SAMPLER_MAX_RANGES,
                                             &a->opts.nranges, arg);
        a->opts.ranges = a->range_buf;
        break;
    case 'f': st = vnfo_packet_fields_parse(&a->opts.fields, arg); break;
    case 'b':
    case 'o':
        if (!parse_uint(arg, VNFO_PACKET_PAYLOAD_MAX, &n)) {
            cli_error("sample: --payload-%s wants an integer 0..%d", opt == 'b' ? "bytes" : "offset",
                      VNFO_PACKET_PAYLOAD_MAX);
            return CLI_USAGE;
        }
        *(opt == 'b' ? &a->opts.fields.payload_bytes : &a->opts.fields.payload_offset) = (uint32_t)n;
        break;
    case 'e':
        if (!parse_uint(arg, UINT64_MAX, &n)) {
            cli_error("sample: --epoch wants a non-negative integer");
            return CLI_USAGE;
        }
        a->opts.epoch = n;
        break;
    default:
        sample_usage(stderr);
        return CLI_USAGE;
    }
    if (st != VNFO_OK) {
        cli_status_error("sample", st);
        return CLI_USAGE;
    }
    return 0;
}

static int parse_args(struct sample_args *a, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pcap", required_argument, NULL, 'p'},     {"key-file", required_argument, NULL, 'k'},
        {"key", required_argument, NULL, 'K'},      {"hash", required_argument, NULL, 'h'},
        {"rate", required_argument, NULL, 'r'},     {"ranges", required_argument, NULL, 'R'},
        {"fields", required_argument, NULL, 'f'},   {"payload-bytes", required_argument, NULL, 'b'},
        {"payload-offset", required_argument, NULL, 'o'}, {"epoch", required_argument, NULL, 'e'},
        {"jsonl", no_argument, NULL, 'j'},          {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    vnfo_sampler_options_init(&a->opts, VNFO_SAMPLER_OPTIONS_VERSION);
    optind = 1;
    opterr = 1;
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        if ((rc = apply_option(a, opt, optarg)) != 0)
            return rc;
    if (a->help)
        return 0;
    if (optind < argc || !a->pcap || (!a->key_file == !a->key_hex)) {
        cli_error("sample: needs --pcap and exactly one of --key-file and --key");
        sample_usage(stderr);
        return CLI_USAGE;
    }
    return 0;
}

static int load_key(uint8_t *key, const struct sample_args *a)
{
    vnfo_status st = a->key_file ? vnfo_sampler_key_load(key, a->key_file)
                                 : vnfo_sampler_key_parse(key, a->key_hex);
    if (st == VNFO_OK)
        return 0;
    cli_status_error("sample", st);
    return st == VNFO_E_NOT_FOUND || st == VNFO_E_IO ? CLI_INPUT_ERROR : CLI_FAILED;
}

static void print_summary(const struct sample_summary *s, const vnfo_sampler *smp,
                          const vnfo_sampler_options *o)
{
    vnfo_rational p;
    vnfo_sampler_probability(&p, smp);
    char den[32];
    if (p.den)
        snprintf(den, sizeof den, "%llu", (unsigned long long)p.den);
    else
        snprintf(den, sizeof den, "18446744073709551616");
    printf("{\"packets\":%llu,\"parsed\":%llu,\"selected\":%llu,\"fraction\":%.9g,"
           "\"target_rate\":%.9g,\"probability\":\"%llu/%s\",\"hash\":\"%s\",\"epoch\":%llu,"
           "\"not_ip\":%llu,\"truncated\":%llu,\"malformed\":%llu,\"unsupported\":%llu,"
           "\"linktype\":%u,\"complete\":%s}\n",
           (unsigned long long)s->packets, (unsigned long long)s->parsed,
           (unsigned long long)s->selected, s->parsed ? (double)s->selected / (double)s->parsed : 0.0,
           vnfo_rational_to_double(p), (unsigned long long)p.num, den,
           vnfo_sampler_hash_name(o->hash), (unsigned long long)o->epoch,
           (unsigned long long)s->by_status[1], (unsigned long long)s->by_status[2],
           (unsigned long long)s->by_status[3], (unsigned long long)s->by_status[4],
           (unsigned)s->linktype, s->error[0] ? "false" : "true");
}

int cmd_sample(int argc, char **argv)
{
    struct sample_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(&a, argc, argv);
    if (rc)
        return rc;
    if (a.help) {
        sample_usage(stdout);
        return CLI_OK;
    }
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    if ((rc = load_key(key, &a)) != 0)
        return rc;
    vnfo_sampler *s;
    vnfo_status st = vnfo_sampler_create(&s, &a.opts, key, sizeof key);
    sodium_memzero(key, sizeof key);
    if (st != VNFO_OK) {
        cli_status_error("sample", st);
        return CLI_USAGE;
    }
    struct sample_summary sum;
    unsigned digits = a.opts.hash == VNFO_SAMPLER_HASH_BOB ? 8 : 16;
    int rc_capture = sample_capture(&sum, a.pcap, s, a.jsonl ? stdout : NULL, digits);
    int ok = rc_capture == 0;
    if (rc_capture != -2) /* a capture that never opened has nothing to summarise */
        print_summary(&sum, s, &a.opts);
    fflush(stdout);
    vnfo_sampler_free(s);
    if (!ok) {
        cli_error("sample: %s", sum.error);
        return CLI_INPUT_ERROR;
    }
    return CLI_OK;
}
