/* Check suite for the reference middleboxes: ACL parsing and matching, NAT
 * rewriting with valid checksums and deterministic ports, IDS drop/alert
 * without modification, determinism of verdicts and resource figures. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "middlebox.h"
#include "testutil.h"

/* Ethernet + IPv4 + TCP/UDP + payload with correct checksums. */
static size_t build(uint8_t *p, uint8_t proto, const char *src, const char *dst, uint16_t sport,
                    uint16_t dport, const char *payload)
{
    size_t plen = strlen(payload), l4len = proto == 6 ? 20 : 8, iplen = 20 + l4len + plen;
    memset(p, 0, 14 + iplen);
    p[12] = 0x08;
    uint8_t *ip = p + 14, *l4 = ip + 20;
    ip[0] = 0x45;
    ip[2] = (uint8_t)(iplen >> 8);
    ip[3] = (uint8_t)iplen;
    ip[4] = 0x12;
    ip[5] = 0x34;
    ip[8] = 64;
    ip[9] = proto;
    inet_pton(AF_INET, src, ip + 12);
    inet_pton(AF_INET, dst, ip + 16);
    l4[0] = (uint8_t)(sport >> 8);
    l4[1] = (uint8_t)sport;
    l4[2] = (uint8_t)(dport >> 8);
    l4[3] = (uint8_t)dport;
    if (proto == 6)
        l4[12] = 0x50;
    else {
        l4[4] = (uint8_t)((8 + plen) >> 8);
        l4[5] = (uint8_t)(8 + plen);
    }
    memcpy(l4 + l4len, payload, plen);
    return 14 + iplen;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* Fills in both checksums from scratch. */
static void checksum(uint8_t *p)
{
    uint8_t *ip = p + 14, *l4 = ip + 20;
    size_t iplen = (size_t)(ip[2] << 8 | ip[3]), l4len = iplen - 20;
    uint8_t *l4sum = l4 + (ip[9] == 6 ? 16 : 6);
    ip[10] = ip[11] = 0;
    uint16_t c = fold(sum16(ip, 20, 0));
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    l4sum[0] = l4sum[1] = 0;
    uint32_t s = sum16(ip + 12, 8, 0) + ip[9] + (uint32_t)l4len;
    c = fold(sum16(l4, l4len, s));
    l4sum[0] = (uint8_t)(c >> 8);
    l4sum[1] = (uint8_t)c;
}

/* Whether both checksums of a packet verify (sum to 0xffff). */
static int checksums_ok(const uint8_t *p)
{
    const uint8_t *ip = p + 14, *l4 = ip + 20;
    size_t iplen = (size_t)(ip[2] << 8 | ip[3]), l4len = iplen - 20;
    if (fold(sum16(ip, 20, 0)) != 0)
        return 0;
    uint32_t s = sum16(ip + 12, 8, 0) + ip[9] + (uint32_t)l4len;
    return fold(sum16(l4, l4len, s)) == 0;
}

static const char *ACL = "# test ACL\n"
                         "deny tcp any any any 23\n"
                         "deny udp any any 198.51.100.0/24 any\n"
                         "allow tcp 10.0.0.0/8 any any 1-65535 # inside hosts\n"
                         "allow udp 10.0.0.0/8 1000-2000 any any\n"
                         "default deny\n";

static vnfo_reference_verdict run(vnfo_reference_fn f, void *ctx, const uint8_t *in, size_t len,
                                  uint8_t *out, size_t *out_len, vnfo_reference_resources *res)
{
    memset(res, 0, sizeof *res);
    return f(ctx, in, len, out, 2048, out_len, res);
}

START_TEST(test_firewall_rules)
{
    static struct mb_firewall fw;
    struct mb_error err;
    ck_assert_int_eq(mb_firewall_parse(&fw, ACL, "acl", 1, &err), 0);
    ck_assert_uint_eq(fw.n_rules, 4);
    uint8_t in[2048], out[2048];
    size_t n, out_len;
    vnfo_reference_resources res;
    n = build(in, 6, "10.1.2.3", "192.0.2.1", 40000, 80, "GET /");
    ck_assert_int_eq(run(mb_firewall, &fw, in, n, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
    ck_assert_uint_eq(out_len, n);
    ck_assert_mem_eq(out, in, n);
    ck_assert_uint_eq(res.cpu_cycles, 150 + 3 * 40); /* matched the third rule */
    n = build(in, 6, "10.1.2.3", "192.0.2.1", 40000, 23, "x");
    ck_assert_int_eq(run(mb_firewall, &fw, in, n, out, &out_len, &res), VNFO_REFERENCE_DROP);
    n = build(in, 17, "10.1.2.3", "198.51.100.7", 1500, 53, "q");
    ck_assert_int_eq(run(mb_firewall, &fw, in, n, out, &out_len, &res), VNFO_REFERENCE_DROP);
    n = build(in, 17, "10.1.2.3", "192.0.2.9", 1500, 53, "q");
    ck_assert_int_eq(run(mb_firewall, &fw, in, n, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
    n = build(in, 17, "10.1.2.3", "192.0.2.9", 999, 53, "q"); /* sport outside 1000-2000 */
    ck_assert_int_eq(run(mb_firewall, &fw, in, n, out, &out_len, &res), VNFO_REFERENCE_DROP);
    n = build(in, 6, "172.16.0.1", "192.0.2.1", 40000, 80, "x"); /* default deny */
    ck_assert_int_eq(run(mb_firewall, &fw, in, n, out, &out_len, &res), VNFO_REFERENCE_DROP);
    ck_assert_uint_eq(res.cpu_cycles, 150 + 4 * 40);
    ck_assert_uint_eq(res.mem_bytes, sizeof fw);
}
END_TEST

START_TEST(test_firewall_parse_errors)
{
    static struct mb_firewall fw;
    struct mb_error err;
    ck_assert_int_eq(mb_firewall_parse(&fw, "allow tcp any any any\n", "acl", 1, &err), -1);
    ck_assert_str_eq(err.text, "acl:1: expected \"allow|deny PROTO SRC SPORT DST DPORT\" or \"default allow|deny\"");
    ck_assert_int_eq(mb_firewall_parse(&fw, "\n\nallow sctp any any any any\n", "acl", 1, &err), -1);
    ck_assert_str_eq(err.text, "acl:3: unknown protocol \"sctp\"");
    ck_assert_int_eq(mb_firewall_parse(&fw, "allow tcp 10.0.0.0/33 any any any\n", "acl", 1, &err), -1);
    ck_assert_str_eq(err.text, "acl:1: bad address or prefix");
    ck_assert_int_eq(mb_firewall_parse(&fw, "allow tcp any 9-3 any any\n", "acl", 1, &err), -1);
    ck_assert_str_eq(err.text, "acl:1: bad port or port range");
    ck_assert_int_eq(mb_firewall_parse(&fw, "default maybe\n", "acl", 1, &err), -1);
    ck_assert_str_eq(err.text, "acl:1: default must be allow or deny");
    ck_assert_int_eq(mb_firewall_load(&fw, "/nonexistent/acl", 1, &err), -1);
    ck_assert_str_eq(err.text, "/nonexistent/acl: No such file or directory");
    ck_assert_int_eq(mb_firewall_parse(&fw, "allow any 2001:db8::/32 any any any\ndefault allow", "acl", 1, &err), 0);
    ck_assert_int_eq(fw.default_allow, 1);
    ck_assert_int_eq(fw.rules[0].src.version, 6);
}
END_TEST

/* The ACL file is read like every other input (hardening audit 4): a NUL
 * byte used to end the text early and silently drop every rule after it; a
 * FIFO used to hang the open; the file's name and its words reach messages
 * escaped. */
static void acl_file(char *path, size_t size, const char *dir, const char *name, const void *text,
                     size_t len)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_firewall_load_hostile_files)
{
    static struct mb_firewall fw;
    struct mb_error err;
    char dir[] = "/tmp/vnfo-acl-XXXXXX", path[256], want[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    static const char nul_acl[] = "default allow\nallow tcp any any any 80\0deny any any any any any\n";
    acl_file(path, sizeof path, dir, "nul.acl", nul_acl, sizeof nul_acl - 1);
    ck_assert_int_eq(mb_firewall_load(&fw, path, 1, &err), -1);
    snprintf(want, sizeof want, "%s:2:25: NUL byte in a text file", path);
    ck_assert_str_eq(err.text, want);
    unlink(path);

    snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(mb_firewall_load(&fw, path, 1, &err), -1); /* returns: never waits for a writer */
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO); refused", path);
    ck_assert_str_eq(err.text, want);
    unlink(path);

    ck_assert_int_eq(mb_firewall_load(&fw, dir, 1, &err), -1);
    snprintf(want, sizeof want, "%s: not a regular file (a directory); refused", dir);
    ck_assert_str_eq(err.text, want);

    char *big = calloc(1, 65537);
    ck_assert_ptr_nonnull(big);
    memset(big, '#', 65537);
    acl_file(path, sizeof path, dir, "big.acl", big, 65537);
    free(big);
    ck_assert_int_eq(mb_firewall_load(&fw, path, 1, &err), -1);
    snprintf(want, sizeof want, "%s: larger than 65536 bytes", path);
    ck_assert_str_eq(err.text, want);
    unlink(path);

    static const char bad_proto[] = "allow \x1b[2J\xff any any any any\n";
    acl_file(path, sizeof path, dir, "e\x1b[31m\n.acl", bad_proto, sizeof bad_proto - 1);
    ck_assert_int_eq(mb_firewall_load(&fw, path, 1, &err), -1);
    snprintf(want, sizeof want, "%s/e\\u001b[31m\\u000a.acl:1: unknown protocol \"\\u001b[2J\\xff\"", dir);
    ck_assert_str_eq(err.text, want);
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_nat_rewrites_with_valid_checksums)
{
    struct mb_nat nat = {1, {203, 0, 113, 5}, 32768, 60999, 0x1234};
    uint8_t in[2048], out[2048], out2[2048];
    size_t out_len, out_len2;
    vnfo_reference_resources res, res2;
    for (int proto = 6; proto <= 17; proto += 11) {
        size_t n = build(in, (uint8_t)proto, "10.1.2.3", "192.0.2.1", 40000, 443, "hello nat");
        checksum(in);
        ck_assert(checksums_ok(in));
        ck_assert_int_eq(run(mb_nat, &nat, in, n, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
        ck_assert_uint_eq(out_len, n);
        ck_assert(checksums_ok(out));
        ck_assert_mem_eq(out + 14 + 12, nat.public_ipv4, 4);
        uint16_t port = (uint16_t)(out[34] << 8 | out[35]);
        uint8_t src[4] = {10, 1, 2, 3}, dst[4] = {192, 0, 2, 1};
        ck_assert_uint_eq(port, mb_nat_port(&nat, src, dst, (uint8_t)proto, 40000, 443));
        ck_assert(port >= 32768 && port <= 60999);
        ck_assert_uint_eq(res.has_state, 1);
        ck_assert_uint_eq(res.cpu_cycles, 300 + (n - 14) / 8);
        /* Deterministic: the same packet gives the same bytes and state. */
        ck_assert_int_eq(run(mb_nat, &nat, in, n, out2, &out_len2, &res2), VNFO_REFERENCE_FORWARD);
        ck_assert_mem_eq(out, out2, n);
        ck_assert_mem_eq(res.state_digest, res2.state_digest, sizeof res.state_digest);
    }
    /* Another flow gets (almost surely) another port and another state. */
    size_t n = build(in, 6, "10.1.2.4", "192.0.2.1", 40000, 443, "x");
    ck_assert_int_eq(run(mb_nat, &nat, in, n, out2, &out_len2, &res2), VNFO_REFERENCE_FORWARD);
    ck_assert(memcmp(res.state_digest, res2.state_digest, sizeof res.state_digest) != 0);
    /* Non-IP passes untouched; a short output buffer is an error. */
    uint8_t arp[60] = {0};
    arp[12] = 0x08;
    arp[13] = 0x06;
    ck_assert_int_eq(run(mb_nat, &nat, arp, sizeof arp, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
    ck_assert_mem_eq(out, arp, sizeof arp);
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(mb_nat(&nat, in, n, out, 10, &out_len, &res), VNFO_REFERENCE_ERROR);
}
END_TEST

START_TEST(test_ids_drops_alerts_never_modifies)
{
    static struct mb_ids ids = {.linktype = 1};
    struct mb_error err;
    ck_assert_int_eq(mb_ids_add(&ids, "/etc/passwd", 11, 1, &err), 0);
    ck_assert_int_eq(mb_ids_add(&ids, "SELECT", 6, 0, &err), 0);
    ck_assert_int_eq(mb_ids_add(&ids, "", 0, 0, &err), -1);
    ck_assert_str_eq(err.text, "ids: a signature has 1 to 64 bytes");
    uint8_t in[2048], out[2048];
    size_t out_len;
    vnfo_reference_resources res;
    size_t n = build(in, 6, "10.1.2.3", "192.0.2.1", 40000, 80, "GET /etc/passwd HTTP/1.0");
    ck_assert_int_eq(run(mb_ids, &ids, in, n, out, &out_len, &res), VNFO_REFERENCE_DROP);
    n = build(in, 6, "10.1.2.3", "192.0.2.1", 40000, 80, "q=SELECT * FROM t");
    ck_assert_int_eq(run(mb_ids, &ids, in, n, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
    ck_assert_uint_eq(res.alerts, 1);
    ck_assert_mem_eq(out, in, n);
    ck_assert_uint_eq(res.cpu_cycles, 200 + 2 * strlen("q=SELECT * FROM t"));
    n = build(in, 17, "10.1.2.3", "192.0.2.1", 5000, 53, "clean");
    ck_assert_int_eq(run(mb_ids, &ids, in, n, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
    ck_assert_uint_eq(res.alerts, 0);
    ck_assert_mem_eq(out, in, n);
    /* The substitute is cheaper and never drops. */
    n = build(in, 6, "10.1.2.3", "192.0.2.1", 40000, 80, "GET /etc/passwd HTTP/1.0");
    ck_assert_int_eq(run(mb_passthrough, NULL, in, n, out, &out_len, &res), VNFO_REFERENCE_FORWARD);
    ck_assert_uint_eq(res.cpu_cycles, 40);
}
END_TEST

START_TEST(test_truncated_packets_are_safe)
{
    static struct mb_firewall fw;
    static struct mb_ids ids = {.linktype = 1};
    struct mb_nat nat = {1, {203, 0, 113, 5}, 32768, 60999, 1};
    struct mb_error err;
    ck_assert_int_eq(mb_firewall_parse(&fw, ACL, "acl", 1, &err), 0);
    mb_ids_add(&ids, "abc", 3, 1, &err);
    uint8_t in[2048], out[2048];
    size_t n = build(in, 6, "10.1.2.3", "192.0.2.1", 40000, 80, "abcdef"), out_len;
    vnfo_reference_resources res;
    /* Every truncation: heap copies so ASan sees any over-read. */
    for (size_t len = 0; len <= n; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, in, len);
        run(mb_firewall, &fw, copy, len, out, &out_len, &res);
        run(mb_nat, &nat, copy, len, out, &out_len, &res);
        run(mb_ids, &ids, copy, len, out, &out_len, &res);
        free(copy);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("middlebox");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_firewall_rules);
    tcase_add_test(tc, test_firewall_parse_errors);
    tcase_add_test(tc, test_firewall_load_hostile_files);
    tcase_add_test(tc, test_nat_rewrites_with_valid_checksums);
    tcase_add_test(tc, test_ids_drops_alerts_never_modifies);
    tcase_add_test(tc, test_truncated_packets_are_safe);
    suite_add_tcase(s, tc);
    return vnfo_test_run(s);
}
