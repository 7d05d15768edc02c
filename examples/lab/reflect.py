#!/usr/bin/env python3
"""The lab's server side: answer the first packet of every flow that reaches the sink.

    reflect.py IFACE

A stateful firewall and a NAT behave differently once a flow has seen a
reply (conntrack: established).  The replayed capture runs one way, source
to sink; this answers each new flow (protocol, addresses, ports) arriving on
IFACE once, from the sink, back through the chain: a TCP ACK (no payload,
sequence numbers swapped, so conntrack accepts it as the peer's) or an empty
UDP datagram, addresses and ports swapped, correct checksums.  The lab's
taps watch one direction only, so replies enter no log; they only move the
kernel's flows to established.  Prints "ready" once listening; runs until
killed.  Memory: one set entry per flow answered.
"""
import socket
import struct
import sys

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def reply(frame):
    """The reply to an Ethernet/IPv4 TCP or UDP frame, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[14] >> 4 != 4:
        return None, None
    ip = frame[14:]
    ihl, proto = (ip[0] & 15) * 4, ip[9]
    total = struct.unpack("!H", ip[2:4])[0]
    if proto not in (6, 17) or len(ip) < ihl + (20 if proto == 6 else 8) or total > len(ip):
        return None, None
    src, dst, l4 = ip[12:16], ip[16:20], ip[ihl:total]
    sport, dport = l4[0:2], l4[2:4]
    key = (proto, src, sport, dst, dport)
    if proto == 6:
        seq, ack = struct.unpack("!II", l4[4:12])
        data = total - ihl - (l4[12] >> 4) * 4
        body = dport + sport + struct.pack("!IIBBHHH", ack, (seq + max(data, 0)) & 0xFFFFFFFF,
                                           5 << 4, 0x10, 65535, 0, 0)
        sum_at = 16
    else:
        body = dport + sport + struct.pack("!HH", 8, 0)
        sum_at = 6
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0, 0x4000, 64, proto, 0, dst, src)
    head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
    c = checksum(dst + src + struct.pack("!BBH", 0, proto, len(body)) + body)
    body = body[:sum_at] + struct.pack("!H", c if c or proto == 6 else 0xFFFF) + body[sum_at + 2:]
    return key, frame[6:12] + frame[0:6] + b"\x08\x00" + head + body


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: reflect.py IFACE")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    s.bind((sys.argv[1], 0))
    answered = set()
    print("ready", flush=True)
    while True:
        frame, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        key, out = reply(frame)
        if key is None or key in answered:
            continue
        answered.add(key)
        s.send(out)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
