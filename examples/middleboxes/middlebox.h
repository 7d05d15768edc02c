/* Reference middleboxes: a stateless firewall, a NAT with deterministic port
 * allocation and an IDS that never modifies packets.
 *
 * They play the provider's functions in `vnfo simulate` and serve as the
 * customer's reference implementations in `vnfo verify --reference`.  Each
 * is a pure function over packet bytes with the signature of
 * ::vnfo_reference_fn (include/vnfo/verify.h): the same input and
 * configuration give the same verdict, output bytes and resource figures, so
 * the verifier can replay a logged packet and compare.
 *
 * Resource figures follow a documented cost model (docs/middleboxes.md), not
 * a clock: replaying a packet must give the same number every time, or the
 * minimality check would be judging noise. */
#ifndef VNFO_EXAMPLES_MIDDLEBOX_H
#define VNFO_EXAMPLES_MIDDLEBOX_H

#include <stddef.h>
#include <stdint.h>

#include <vnfo/verify.h>

/* Why a configuration was refused. */
struct mb_error {
    char text[256];
};

/* Formats into err (may be NULL) and returns -1. */
int mb_fail(struct mb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- firewall: first-match 5-tuple ACL ---------------------------------- */

#define MB_FIREWALL_MAX_RULES 256

struct mb_prefix {
    uint8_t version; /* 0 = any address; 4 or 6 */
    uint8_t bits;
    uint8_t addr[16];
};

struct mb_rule {
    int allow;          /* 1 allow, 0 deny */
    uint8_t proto;      /* 0 = any */
    struct mb_prefix src, dst;
    uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
};

struct mb_firewall {
    uint32_t linktype;
    size_t n_rules;
    struct mb_rule rules[MB_FIREWALL_MAX_RULES];
    int default_allow;
};

/* Parses an ACL (docs/middleboxes.md): one rule a line,
 *   allow|deny PROTO SRC[/BITS] SPORT[-SPORT] DST[/BITS] DPORT[-DPORT]
 * with "any" or "*" as wildcards, "default allow|deny", '#' comments.
 * Returns 0, or -1 with "name:line: what is wrong" in err. */
int mb_firewall_parse(struct mb_firewall *out, const char *text, const char *name,
                      uint32_t linktype, struct mb_error *err);
int mb_firewall_load(struct mb_firewall *out, const char *path, uint32_t linktype,
                     struct mb_error *err);

/* vnfo_reference_fn: ctx is a const struct mb_firewall *. */
vnfo_reference_verdict mb_firewall(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                   size_t out_cap, size_t *out_len,
                                   vnfo_reference_resources *res);

/* ---- NAT: source NAT with ports derived from the flow ------------------- */

struct mb_nat {
    uint32_t linktype;
    uint8_t public_ipv4[4]; /* the address inside flows leave with */
    uint16_t port_lo, port_hi; /* the port pool, inclusive; 0-0: keep the inside port (masquerade-like) */
    uint64_t key;              /* keys the port derivation */
};

/* The external port of a flow: port_lo + (keyed hash of the inside 5-tuple
 * mod the pool size).  Deterministic, so a replay of any single packet finds
 * the port the provider's NAT chose without the NAT's table. */
uint16_t mb_nat_port(const struct mb_nat *nat, const uint8_t src[4], const uint8_t dst[4],
                     uint8_t proto, uint16_t sport, uint16_t dport);

/* vnfo_reference_fn: ctx is a const struct mb_nat *.  Rewrites the IPv4
 * source address and TCP/UDP source port, fixing both checksums; other
 * packets pass unchanged.  The state digest is that of the flow's mapping. */
vnfo_reference_verdict mb_nat(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                              size_t out_cap, size_t *out_len, vnfo_reference_resources *res);

/* ---- IDS: payload signatures, drop or alert, never modify --------------- */

#define MB_IDS_MAX_SIGNATURES 64
#define MB_IDS_MAX_PATTERN 64

struct mb_ids_signature {
    uint8_t pattern[MB_IDS_MAX_PATTERN];
    size_t len;
    int drop; /* 1 drop, 0 alert and forward */
};

struct mb_ids {
    uint32_t linktype;
    size_t n;
    struct mb_ids_signature sig[MB_IDS_MAX_SIGNATURES];
};

/* Adds a signature; -1 when the table is full or the pattern empty or
 * longer than MB_IDS_MAX_PATTERN. */
int mb_ids_add(struct mb_ids *ids, const void *pattern, size_t len, int drop, struct mb_error *err);

/* vnfo_reference_fn: ctx is a const struct mb_ids *.  Output bytes always
 * equal the input; res->alerts counts matched alert signatures. */
vnfo_reference_verdict mb_ids(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                              size_t out_cap, size_t *out_len, vnfo_reference_resources *res);

/* A packet filter: the cheaper function a cheating provider runs in place
 * of the IDS (scenario substitutes-function).  It drops nothing, copies the
 * packet, costs a flat 40 cycles and never alerts. */
vnfo_reference_verdict mb_passthrough(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                      size_t out_cap, size_t *out_len,
                                      vnfo_reference_resources *res);

#endif
