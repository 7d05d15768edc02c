/* The relations of examples/middleboxes read packet bytes a provider
 * logged: every packet of every capture under VNFO_PCAP_DIR (recursively)
 * goes through the firewall, NAT and IDS relations as input and output,
 * forwarded and dropped, whole and cut short, beside the previous packet
 * of the capture: nothing may crash or read out of bounds (run it under
 * ASan), and verdicts, reasons and facts stay in their documented ranges.
 * Skips with a message when VNFO_PCAP_DIR is unset. */
#define _GNU_SOURCE /* nftw */
#include <ftw.h>
#include <pcap/pcap.h>
#include <stdio.h>

#include "relation.h"
#include "sim.h"
#include "testutil.h"

static struct sim_functions fns;
static vnfo_relation rels[3];
static void *ctxs[3];
static unsigned long files, packets, judged;
static uint8_t *prev_copy;
static size_t prev_len;

static void judge_all(const vnfo_relation_packet *p, const vnfo_relation_packet *prev)
{
    for (int i = 0; i < 3; i++) {
        char why[200];
        memset(why, 0, sizeof why);
        vnfo_relation_verdict v = rels[i].check(ctxs[i], p, prev, why, sizeof why);
        ck_assert_int_le((int)v, VNFO_RELATION_NOT_APPLICABLE);
        ck_assert_uint_lt(strnlen(why, sizeof why), sizeof why);
        judged += v != VNFO_RELATION_NOT_APPLICABLE;
        if (rels[i].facts) {
            vnfo_relation_fact facts[VNFO_RELATION_FACTS_MAX];
            memset(facts, 0, sizeof facts);
            size_t n = rels[i].facts(ctxs[i], p, facts);
            ck_assert_uint_le(n, VNFO_RELATION_FACTS_MAX);
            for (size_t k = 0; k < n; k++) {
                ck_assert_uint_ge(facts[k].key_len, 1);
                ck_assert_uint_le(facts[k].key_len, VNFO_RELATION_KEY_BYTES);
                ck_assert_uint_le(facts[k].value_len, VNFO_RELATION_KEY_BYTES);
            }
        }
        if (rels[i].flow) {
            uint8_t key[VNFO_RELATION_KEY_BYTES];
            size_t kl = 0;
            uint64_t order = 0;
            rels[i].flow(ctxs[i], p, key, &kl, &order);
            ck_assert_uint_le(kl, VNFO_RELATION_KEY_BYTES);
        }
    }
}

static void replay_packet(const uint8_t *data, uint32_t caplen, uint32_t linktype)
{
    vnfo_relation_packet p, q;
    memset(&p, 0, sizeof p);
    p.linktype = linktype;
    p.label = ++packets;
    p.t_in_ns = packets * 1000;
    memset(&q, 0, sizeof q);
    q.linktype = linktype;
    q.in = prev_copy;
    q.in_len = prev_len;
    q.in_whole = 1;
    q.forwarded = 1;
    const vnfo_relation_packet *prev = prev_copy ? &q : NULL;
    for (int cut = 0; cut < 2; cut++) {
        p.in = data;
        p.in_len = cut ? caplen / 2 : caplen;
        p.in_whole = !cut;
        p.forwarded = 0;
        p.out = NULL;
        p.out_len = 0;
        judge_all(&p, prev);
        p.forwarded = 1;
        p.out = data;
        p.out_len = p.in_len;
        p.out_whole = p.in_whole;
        judge_all(&p, prev);
        /* out: the previous packet (another length, other bytes) */
        if (prev_copy) {
            p.out = prev_copy;
            p.out_len = prev_len;
            judge_all(&p, prev);
        }
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
    if (!p)
        return 0;
    files++;
    int dlt = pcap_datalink(p);
    uint32_t linktype = dlt == DLT_RAW ? VNFO_LINKTYPE_RAW : (uint32_t)dlt;
    struct pcap_pkthdr *hdr;
    const u_char *data;
    while (pcap_next_ex(p, &hdr, &data) == 1) {
        /* private copies of exactly caplen bytes, so ASan catches overreads */
        uint8_t *copy = malloc(hdr->caplen ? hdr->caplen : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, data, hdr->caplen);
        replay_packet(copy, hdr->caplen, linktype);
        free(prev_copy);
        prev_copy = copy;
        prev_len = hdr->caplen;
    }
    free(prev_copy);
    prev_copy = NULL;
    prev_len = 0;
    pcap_close(p);
    return 0;
}

START_TEST(test_relations_on_real_captures)
{
    const char *dir = vnfo_test_pcap_dir();
    if (!dir) {
        printf("check_relation_pcaps: VNFO_PCAP_DIR is unset; skipping the real-capture replay\n");
        return;
    }
    ck_assert_int_eq(vnfo_init(), VNFO_OK);
    sim_functions_init(&fns, 1);
    static const char *const names[3] = {"stateful-firewall", "masquerade-nat", "stream-ids"};
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(sim_relation(&rels[i], &ctxs[i], &fns, names[i]), 0);
    ck_assert_int_eq(nftw(dir, visit, 16, FTW_PHYS), 0);
    printf("check_relation_pcaps: %lu captures, %lu packets, %lu judgements\n", files, packets, judged);
    ck_assert_uint_gt(files, 0);
    ck_assert_uint_gt(judged, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("relation_pcaps");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_relations_on_real_captures);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
