/* vnfo demo: what `./quickstart demo` runs until the end-to-end verifier
 * exists.  Generates a small capture in a temporary folder, samples it with
 * a fixed demo key at 1/16, shows that a second hop which rewrites TTL,
 * DSCP and VLAN tags selects exactly the same packets with the same labels,
 * and prints a short summary. */
#include <pcap/pcap.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sample_common.h"

#define DEMO_PACKETS 2000
#define DEMO_FLOWS 100

/* The demo key: BLAKE2b-256 of a public phrase.  Never use it for real. */
static void demo_key(uint8_t *key)
{
    static const char phrase[] = "vnfo demo sampling key (public, never use in production)";
    crypto_generichash(key, VNFO_SAMPLER_KEY_BYTES, (const uint8_t *)phrase, sizeof phrase - 1,
                       NULL, 0);
}

/* A second hop: TTL/hop limit down by one, new DSCP, VLAN tag stripped. */
static size_t rewrite_hop(uint8_t *out, const uint8_t *in, const vnfo_packet_view *v)
{
    size_t ip_len = v->len - v->l3_offset;
    memcpy(out, in, 12);
    out[12] = v->ip_version == 4 ? 0x08 : 0x86;
    out[13] = v->ip_version == 4 ? 0x00 : 0xdd;
    memcpy(out + 14, in + v->l3_offset, ip_len);
    uint8_t *ip = out + 14;
    if (v->ip_version == 4) {
        ip[8]--;
        ip[1] = 0xb8;
        ip[10] ^= 0x5a; /* the checksum changes too; the field sets ignore it */
    } else {
        ip[7]--;
        ip[0] = (uint8_t)((ip[0] & 0xf0) | 0x0b);
    }
    return 14 + ip_len;
}

struct hop_check {
    uint64_t compared, same;
};

static void compare_hops(struct hop_check *c, const vnfo_sampler *s, const char *path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    if (!p)
        return;
    struct pcap_pkthdr *h;
    const u_char *data;
    uint8_t hop2[70000];
    while (pcap_next_ex(p, &h, &data) == 1) {
        vnfo_packet_view v;
        if (vnfo_packet_parse(&v, data, h->caplen, VNFO_LINKTYPE_ETHERNET) != VNFO_OK)
            continue;
        size_t n = rewrite_hop(hop2, data, &v);
        vnfo_sampler_decision a, b;
        vnfo_sampler_decide(&a, s, data, h->caplen, VNFO_LINKTYPE_ETHERNET, 0);
        vnfo_sampler_decide(&b, s, hop2, n, VNFO_LINKTYPE_ETHERNET, 0);
        c->compared++;
        c->same += a.selected == b.selected && a.label == b.label;
    }
    pcap_close(p);
}

static int demo_run(const char *path, const char *key_path)
{
    if (generate_capture(path, DEMO_PACKETS, DEMO_FLOWS, 1) != CLI_OK)
        return CLI_INPUT_ERROR;
    uint8_t key[VNFO_SAMPLER_KEY_BYTES];
    demo_key(key);
    vnfo_status kst = vnfo_sampler_key_save(key, key_path);
    if (kst != VNFO_OK) {
        cli_status_error("demo", kst);
        return CLI_INPUT_ERROR;
    }
    vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
    o.rate = (vnfo_rational){1, 16};
    vnfo_sampler *s;
    char commitment[VNFO_SAMPLER_COMMITMENT_TEXT_SIZE];
    vnfo_sampler_key_commitment_format(commitment, sizeof commitment, key, sizeof key);
    vnfo_status st = vnfo_sampler_create(&s, &o, key, sizeof key);
    sodium_memzero(key, sizeof key);
    if (st != VNFO_OK) {
        cli_status_error("demo", st);
        return CLI_FAILED;
    }
    struct sample_summary sum;
    int rc = sample_capture(&sum, path, s, NULL, 16);
    struct hop_check hc = {0, 0};
    compare_hops(&hc, s, path);
    vnfo_sampler_free(s);
    if (rc != 0) {
        cli_error("demo: %s", sum.error);
        return CLI_INPUT_ERROR;
    }
    printf("libvnfo %s demo: trajectory sampling\n\n", vnfo_version_string());
    printf("  capture    %llu synthetic packets, %d flows (TCP/UDP, IPv4/IPv6, VLAN)\n",
           (unsigned long long)sum.packets, DEMO_FLOWS);
    printf("  sampler    siphash-2-4 over psamp fields (RFC 5475), rate 1/16, epoch 0\n");
    printf("  key        demo key, commitment %.24s...\n", commitment);
    printf("  selected   %llu of %llu packets (%.2f%%, target 6.25%%)\n",
           (unsigned long long)sum.selected, (unsigned long long)sum.parsed,
           sum.parsed ? 100.0 * (double)sum.selected / (double)sum.parsed : 0.0);
    printf("  next hop   TTL-1, new DSCP, VLAN tag removed: %llu of %llu packets keep the\n"
           "             same decision and label\n",
           (unsigned long long)hc.same, (unsigned long long)hc.compared);
    printf("\nTry: vnfo sample --pcap %s --key-file %s --rate 1/16 --jsonl\n", path, key_path);
    return hc.same == hc.compared ? CLI_OK : CLI_FAILED;
}

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    char dir[512], path[600], key_path[600];
    snprintf(dir, sizeof dir, "%s/vnfo-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        cli_error("demo: cannot create a temporary folder under %s", tmp && *tmp ? tmp : "/tmp");
        return CLI_INPUT_ERROR;
    }
    snprintf(path, sizeof path, "%s/demo.pcap", dir);
    snprintf(key_path, sizeof key_path, "%s/demo.key", dir);
    return demo_run(path, key_path);
}
