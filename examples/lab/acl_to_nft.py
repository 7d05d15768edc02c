#!/usr/bin/env python3
"""Translate a reference-firewall ACL (docs/middleboxes.md) into nftables rules.

    acl_to_nft.py ACL  >  rules for an `inet` forward chain

One source of truth: the lab's kernel firewall runs exactly the rules that
`vnfo verify --acl ACL` gives the reference firewall.  First match wins in
both; "default allow|deny" becomes the last rule.  IPv4 prefixes only (the
lab replays IPv4).  Ports apply to TCP and UDP (`th sport`/`th dport`); a
rule with ports matches only packets that have ports, as in the reference.
"""
import sys

PROTO = {"any": None, "*": None, "tcp": "tcp", "udp": "udp", "icmp": "icmp"}


def ports(tok):
    if tok in ("any", "*"):
        return None
    lo, _, hi = tok.partition("-")
    return (int(lo), int(hi or lo))


def rule(line, where):
    t = line.split()
    if len(t) != 6 or t[0] not in ("allow", "deny") or t[1] not in PROTO:
        raise SystemExit(f"acl_to_nft: {where}: expected: allow|deny PROTO SRC SPORT DST DPORT")
    action, proto, src, sport, dst, dport = t
    m = []
    if PROTO[proto]:
        m.append(f"meta l4proto {PROTO[proto]}")
    if src not in ("any", "*"):
        m.append(f"ip saddr {src}")
    if dst not in ("any", "*"):
        m.append(f"ip daddr {dst}")
    sp, dp = ports(sport), ports(dport)
    if (sp or (0, 65535)) != (0, 65535) or (dp or (0, 65535)) != (0, 65535):
        if not PROTO[proto]:
            m.append("meta l4proto { tcp, udp }")
        sp, dp = sp or (0, 65535), dp or (0, 65535)
        m.append(f"th sport {sp[0]}-{sp[1]} th dport {dp[0]}-{dp[1]}")
    return " ".join(m + ["accept" if action == "allow" else "drop"])


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: acl_to_nft.py ACL")
    default = "drop"
    for n, raw in enumerate(open(sys.argv[1]), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        t = line.split()
        if t[0] == "default" and len(t) == 2 and t[1] in ("allow", "deny"):
            default = "accept" if t[1] == "allow" else "drop"
        else:
            print(rule(line, f"{sys.argv[1]}:{n}"))
    print(default)


if __name__ == "__main__":
    main()
