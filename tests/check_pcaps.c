/* Replays every capture under VNFO_PCAP_DIR (recursively) through the packet
 * parser, the digest and the sampler with every hash and preset: nothing may
 * crash or read out of bounds (run it under ASan), and every packet gets one
 * of the documented statuses.  Skips with a message when VNFO_PCAP_DIR is
 * unset. */
#define _GNU_SOURCE /* nftw */
#include <ftw.h>
#include <pcap/pcap.h>
#include <stdio.h>

#include <vnfo/sampler.h>

#include "capture.h"
#include "testutil.h"

static vnfo_sampler *samplers[3][3];
static unsigned long files, unreadable, packets, ok_packets, broken_files;

static int known_status(vnfo_status s)
{
    return s == VNFO_OK || s == VNFO_E_PACKET_NOT_IP || s == VNFO_E_PACKET_TRUNCATED ||
           s == VNFO_E_PACKET_MALFORMED || s == VNFO_E_PACKET_UNSUPPORTED;
}

/* The CLI's one DLT -> LINKTYPE mapping (tools/capture.c). */
static uint32_t linktype_of(pcap_t *p)
{
    return capture_linktype_of_dlt(pcap_datalink(p));
}

static void replay_packet(const uint8_t *data, uint32_t caplen, uint32_t linktype)
{
    vnfo_packet_view v;
    vnfo_status s = vnfo_packet_parse(&v, data, caplen, linktype);
    ck_assert_msg(known_status(s), "parse status %d", s);
    packets++;
    ok_packets += s == VNFO_OK;
    uint8_t d[VNFO_PACKET_DIGEST_BYTES];
    vnfo_status ds = vnfo_packet_digest(d, data, caplen, linktype);
    ck_assert_int_eq(ds, s);
    for (int h = 0; h < 3; h++)
        for (int f = 0; f < 3; f++) {
            vnfo_sampler_decision dec;
            vnfo_status st = vnfo_sampler_decide(&dec, samplers[h][f], data, caplen, linktype,
                                                 (uint32_t)packets);
            ck_assert_msg(known_status(st), "decide status %d", st);
            ck_assert_int_eq(dec.status, st);
            ck_assert(!dec.selected || st == VNFO_OK);
        }
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (type != FTW_F)
        return 0;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    files++;
    if (!p) {
        unreadable++;
        return 0;
    }
    uint32_t linktype = linktype_of(p);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        /* a private copy of exactly caplen bytes, so ASan catches overreads */
        uint8_t *copy = malloc(hdr->caplen ? hdr->caplen : 1);
        memcpy(copy, data, hdr->caplen);
        replay_packet(copy, hdr->caplen, linktype);
        free(copy);
    }
    broken_files += rc == -1;
    pcap_close(p);
    return 0;
}

START_TEST(test_replay_real_captures)
{
    const char *dir = vnfo_test_pcap_dir();
    if (!dir) {
        printf("check_pcaps: VNFO_PCAP_DIR is unset; skipping the real-capture replay\n");
        return;
    }
    ck_assert_int_eq(vnfo_init(), VNFO_OK);
    uint8_t key[VNFO_SAMPLER_KEY_BYTES] = {1, 2, 3};
    static const char *sets[3] = {"psamp", "invariant", "nat-safe"};
    for (int h = 0; h < 3; h++)
        for (int f = 0; f < 3; f++) {
            vnfo_sampler_options o = VNFO_SAMPLER_OPTIONS_INIT;
            o.hash = (uint32_t)h + 1;
            o.rate = (vnfo_rational){1, 4};
            ck_assert_status(vnfo_packet_fields_parse(&o.fields, sets[f]), VNFO_OK);
            o.fields.payload_bytes = 32;
            o.fields.payload_offset = f * 16;
            ck_assert_status(vnfo_sampler_create(&samplers[h][f], &o, key, sizeof key), VNFO_OK);
        }
    ck_assert_int_eq(nftw(dir, visit, 16, FTW_PHYS), 0);
    printf("check_pcaps: %lu files (%lu not pcap/pcapng, %lu cut short), %lu packets, %lu parsed\n",
           files, unreadable, broken_files, packets, ok_packets);
    ck_assert_uint_gt(files, 0);
    for (int h = 0; h < 3; h++)
        for (int f = 0; f < 3; f++)
            vnfo_sampler_free(samplers[h][f]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pcaps");
    TCase *tc = tcase_create("replay");
    tcase_add_test(tc, test_replay_real_captures);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
