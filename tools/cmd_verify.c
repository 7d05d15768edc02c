/* vnfo verify: judge a provider's logs and bill against the manifest. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h" /* vnfo__shown(): input named in messages is escaped */
#include "verify_dir.h"

static void verify_usage(FILE *out)
{
    fprintf(out,
            "usage: vnfo verify --manifest M --logs DIR --bill B [--key K] [--json] [--verbose]\n"
            "                   [--reference firewall,nat,ids] [--snapshot] [--max-memory MIB]\n"
            "                   [--acl FILE] [--nat ADDR[/BITS][:LO-HI]] [--threads N]\n\n"
            "Verifies one log per chain entry (DIR/<name>.log; other *.log files are\n"
            "taken as logs of nodes outside the chain) and the bill against manifest M,\n"
            "and prints the report (docs/REPORT.md): text, or JSON with --json.\n"
            "  --key K          the sampling key file (must match the manifest's commitment):\n"
            "                   re-decide every whole logged packet (sampling.consistency)\n"
            "  --reference L    judge the chain entries whose function is named in L: replay\n"
            "                   through firewall, nat, ids; relations for stateful-firewall,\n"
            "                   masquerade-nat, stream-ids (docs/verify.md)\n"
            "  --acl FILE       the rules of the firewall and of the stateful firewall's\n"
            "                   relation (docs/middleboxes.md format)\n"
            "  --nat ADDR[/BITS][:LO-HI]  the NAT's public address and port pool; without\n"
            "                   a pool the NAT keeps inside ports, as Linux masquerade does\n"
            "                   while they are free.  The masquerade-nat relation admits\n"
            "                   sources in ADDR/BITS (default /32) and ports LO-HI (default\n"
            "                   1-65535)\n"
            "  --snapshot       also compare the state digests the shims logged\n"
            "  --verbose        evidence of every check, not only of those that did not pass\n"
            "  --max-memory MIB memory for the sampled records kept (default 4096; 128 bytes\n"
            "                   a record): more is an input error, not an out-of-memory kill\n"
            "  --threads N      threads for batch verification, decoding and sorting (1 to 256;\n"
            "                   default 0: one per online CPU); the report is the same for any N\n\n"
            "exit codes: 0 every check passed; 1 a violation was found; 2 only inconclusive\n"
            "checks remain; 3 input error (unreadable or corrupt log, bill naming unknown\n"
            "resources, logs of another manifest, missing node log); 64 usage error\n");
}

/* An argument as it goes into a message: printable ASCII, other bytes as
 * \xNN, cut after 32 bytes. */
static const char *arg_text(char out[160], const char *arg)
{
    size_t o = 0, i = 0;
    for (; arg[i] && i < 32; i++) {
        unsigned char c = (unsigned char)arg[i];
        o += (size_t)snprintf(out + o, 160 - o, c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? "%c" : "\\x%02x", c);
    }
    snprintf(out + o, 160 - o, "%s", arg[i] ? "..." : "");
    return out;
}

static int print_report(const vnfo_report *r, int json, int verbose)
{
    size_t need = 0;
    vnfo_status st = json ? vnfo_report_render_json(NULL, 0, &need, r, 0)
                          : vnfo_report_render_text(NULL, 0, &need, r, verbose ? VNFO_REPORT_TEXT_VERBOSE : 0);
    char *buf = malloc(need);
    if (!buf)
        return -1;
    st = json ? vnfo_report_render_json(buf, need, NULL, r, 0)
              : vnfo_report_render_text(buf, need, NULL, r, verbose ? VNFO_REPORT_TEXT_VERBOSE : 0);
    if (st == VNFO_OK)
        fputs(buf, stdout);
    if (json && st == VNFO_OK)
        fputc('\n', stdout);
    free(buf);
    return st == VNFO_OK ? 0 : -1;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"manifest", required_argument, 0, 'm'}, {"logs", required_argument, 0, 'l'},
        {"bill", required_argument, 0, 'b'},     {"key", required_argument, 0, 'k'},
        {"json", no_argument, 0, 'j'},           {"reference", required_argument, 0, 'r'},
        {"snapshot", no_argument, 0, 's'},       {"verbose", no_argument, 0, 'v'},
        {"acl", required_argument, 0, 'a'},      {"nat", required_argument, 0, 'n'},
        {"max-memory", required_argument, 0, 'M'}, {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    struct verify_args a = {0};
    int json = 0, verbose = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': a.manifest = optarg; break;
        case 'l': a.logs = optarg; break;
        case 'b': a.bill = optarg; break;
        case 'k': a.key = optarg; break;
        case 'j': json = 1; break;
        case 'r': a.references = optarg; break;
        case 'a': a.acl = optarg; break;
        case 'n': a.nat = optarg; break;
        case 's': a.snapshot = 1; break;
        case 'v': verbose = 1; break;
        case 'M': {
            char *end;
            errno = 0;
            unsigned long long mib = strtoull(optarg, &end, 10);
            if (errno || *end || !*optarg || *optarg == '-' || mib == 0 || mib > (1ull << 40)) {
                cli_error("verify: --max-memory %s is not a number of MiB", vnfo__shown(optarg).s);
                return CLI_USAGE;
            }
            a.max_memory = (uint64_t)mib << 20;
            break;
        }
        case 't': {
            char *end;
            errno = 0;
            unsigned long n = strtoul(optarg, &end, 10);
            if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || n > VNFO_VERIFY_THREADS_MAX) {
                char text[160];
                cli_error("verify: --threads \"%s\" is not a number of threads (1 to %d, or 0 for one "
                          "per online CPU)", arg_text(text, optarg), VNFO_VERIFY_THREADS_MAX);
                return CLI_USAGE;
            }
            a.threads = (unsigned)n;
            break;
        }
        case 'h': verify_usage(stdout); return CLI_OK;
        default: verify_usage(stderr); return CLI_USAGE;
        }
    }
    if (!a.manifest || !a.logs || !a.bill || optind != argc) {
        verify_usage(stderr);
        return CLI_USAGE;
    }
    vnfo_report *r;
    int rc = verify_dir(&r, &a, "verify");
    if (rc != 0)
        return rc;
    rc = vnfo_report_verdict_exit_code(vnfo_report_overall(r));
    if (print_report(r, json, verbose) != 0) {
        cli_error("verify: out of memory rendering the report");
        rc = CLI_INPUT_ERROR;
    }
    vnfo_report_free(r);
    return rc;
}
