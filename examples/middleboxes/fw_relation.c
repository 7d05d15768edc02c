/* The relation of a stateful (conntrack) firewall: new flows are judged by
 * the ACL, established and related packets by whether their flow could
 * have been opened.
 *
 * Per packet (judged alone: the opening packet is almost never sampled):
 *   - forwarded is admissible when the ACL allows the packet as new, or
 *     when a packet the ACL allows could have opened its flow: the reply
 *     direction, or for an ICMP error the packet it quotes (related).  A TCP
 *     SYN without ACK always opens a flow, so only the ACL can admit it.
 *   - dropped is admissible only when the ACL denies the packet as new.
 *   - the firewall never changes a packet it forwards.
 * Across records (facts, space 0, per connection in either direction): a
 * forwarded packet shows its flow open for the protocol's hold (UDP, ICMP:
 * the conntrack timeout; TCP: 0, an unseen RST may close it at once); a
 * dropped packet the ACL denies but whose reply it allows shows the flow
 * not open.  A drop while the flow is surely open conflicts. */
#include <stdio.h>
#include <string.h>

#include "mb_packet.h"
#include "relation.h"

enum { FW_OPEN = 1, FW_NOT_OPEN = 0 };

static const char *const SPACES[] = {"a flow forwarded within its conntrack timeout, then dropped as unopened"};

void mb_fw_relation_init(struct mb_fw_relation *r, const struct mb_firewall *acl)
{
    memset(r, 0, sizeof *r);
    r->acl = acl;
    r->udp_hold_ns = (uint64_t)MB_CT_UDP_TIMEOUT_S * 1000000000u;
    r->icmp_hold_ns = (uint64_t)MB_CT_ICMP_TIMEOUT_S * 1000000000u;
    r->tcp_hold_ns = 0;
}

/* What the ACL says of the packet and of the packets that could open its flow. */
struct fw_judgement {
    struct mb_view v;
    int allow_new;  /* the ACL allows it as a new flow */
    int openable;   /* a packet the ACL allows could have opened its flow */
    int related;    /* an ICMP error about another flow */
    int syn_only;
};

static int judge(struct fw_judgement *j, const struct mb_fw_relation *r, const vnfo_relation_packet *p)
{
    if (mb_packet_parse(&j->v, p->in, p->in_len, p->linktype) != 0)
        return -1;
    struct mb_view rev, inner;
    j->allow_new = mb_firewall_allows(r->acl, &j->v);
    j->related = mb_icmp_related(&inner, p->in, p->in_len, p->linktype);
    if (j->related) {
        mb_view_reverse(&rev, &inner);
        j->openable = mb_firewall_allows(r->acl, &inner) || mb_firewall_allows(r->acl, &rev);
    } else {
        mb_view_reverse(&rev, &j->v);
        j->openable = mb_firewall_allows(r->acl, &rev);
    }
    uint8_t flags = mb_tcp_flags(p->in, p->in_len, &j->v);
    j->syn_only = j->v.proto == 6 && (flags & (MB_TCP_SYN | MB_TCP_ACK)) == MB_TCP_SYN;
    return 0;
}

static vnfo_relation_verdict fw_check(void *ctx, const vnfo_relation_packet *p, const vnfo_relation_packet *prev,
                                      char *why, size_t why_cap)
{
    const struct mb_fw_relation *r = ctx;
    struct fw_judgement j;
    (void)prev;
    if (judge(&j, r, p) != 0)
        return VNFO_RELATION_NOT_APPLICABLE;
    if (!p->forwarded) {
        if (!j.allow_new)
            return VNFO_RELATION_ADMISSIBLE;
        snprintf(why, why_cap, "the ACL allows it as a new flow");
        return VNFO_RELATION_INADMISSIBLE;
    }
    if (!mb_ip_unchanged_but(p, NULL, 0)) { /* a router may change hop fields */
        snprintf(why, why_cap, "the firewall changed the packet");
        return VNFO_RELATION_INADMISSIBLE;
    }
    if (j.allow_new)
        return VNFO_RELATION_ADMISSIBLE;
    if (j.syn_only) {
        snprintf(why, why_cap, "a TCP SYN opens a new flow, and the ACL denies it");
        return VNFO_RELATION_INADMISSIBLE;
    }
    if (j.openable)
        return VNFO_RELATION_ADMISSIBLE;
    snprintf(why, why_cap, j.related ? "an ICMP error about a flow no packet the ACL allows could have opened"
                                     : "the ACL denies it in both directions: no allowed packet could have opened its flow");
    return VNFO_RELATION_INADMISSIBLE;
}

static size_t fw_facts(void *ctx, const vnfo_relation_packet *p, vnfo_relation_fact *facts)
{
    const struct mb_fw_relation *r = ctx;
    struct fw_judgement j;
    if (judge(&j, r, p) != 0 || j.related)
        return 0;
    int open;
    if (p->forwarded)
        open = FW_OPEN;
    else if (!j.allow_new && j.openable)
        open = FW_NOT_OPEN; /* a reply the firewall did not let through */
    else
        return 0;
    uint8_t key[MB_FLOW_KEY_BYTES];
    size_t n = mb_conn_key(key, &j.v);
    memcpy(facts[0].key, key, n);
    facts[0].key_len = (uint32_t)n;
    facts[0].value[0] = (uint8_t)open;
    facts[0].value_len = 1;
    facts[0].space = 0;
    facts[0].hold_ns = !open ? 0 : j.v.proto == 6 ? r->tcp_hold_ns : j.v.proto == 17 ? r->udp_hold_ns
                                                                                     : r->icmp_hold_ns;
    return 1;
}

void mb_fw_relation(vnfo_relation *rel)
{
    vnfo_relation init = VNFO_RELATION_INIT;
    *rel = init;
    rel->check = fw_check;
    rel->facts = fw_facts;
    rel->space_names = SPACES;
    rel->n_space_names = 1;
}
