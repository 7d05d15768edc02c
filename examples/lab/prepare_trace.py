#!/usr/bin/env python3
"""Move a capture onto the lab: the frames tcpreplay sends into the chain.

    prepare_trace.py IN.pcap OUT.pcap --src-mac MAC --dst-mac MAC [--max N]

Keeps what the lab's routers forward and the reference functions judge the
way the kernel does: IPv4 TCP and UDP, unfragmented, captured whole, between
ordinary unicast addresses outside the lab's own link networks (100.64/10).
Ethernet (with up to two VLAN tags, which are removed), raw IPv4 and Linux
cooked frames are accepted.  Each kept packet gets the lab's MAC addresses,
TTL 64 and correct IP and L4 checksums.  TCP SYN and RST segments are left out: the sink answers a flow
with one ACK (reflect.py), never a SYN-ACK, so a connection opened by a SYN
would stay in SYN_SENT and its data be refused as invalid (untranslated);
without the handshake, conntrack picks each connection up mid-stream
(nf_conntrack_tcp_loose) and tracks all of it.

Reads classic pcap files (either byte order, micro- or nanosecond); prints
how many packets it kept and why it left the others out.
"""
import argparse
import struct
import sys
from collections import Counter

LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_SLL, LINKTYPE_IPV4 = 1, 101, 113, 228


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit(f"prepare_trace: {path}: shorter than a pcap header")
    magic = data[:4]
    orders = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}
    if magic not in orders:
        raise SystemExit(f"prepare_trace: {path}: not a classic pcap file (pcapng is not read here)")
    e = orders[magic]
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            break
        yield linktype, sec, frac // 1000 if nano else frac, data[off:off + caplen], wirelen
        off += caplen


def ip_of(linktype, frame):
    """The IPv4 packet inside a frame, or (None, reason)."""
    if linktype in (LINKTYPE_RAW, LINKTYPE_IPV4):
        return frame, None
    if linktype == LINKTYPE_SLL:
        return (frame[16:], None) if frame[14:16] == b"\x08\x00" else (None, "not IPv4")
    if linktype != LINKTYPE_ETHERNET:
        return None, f"link type {linktype}"
    off, etype = 14, frame[12:14]
    for _ in range(2):
        if etype in (b"\x81\x00", b"\x88\xa8") and len(frame) >= off + 4:
            etype, off = frame[off + 2:off + 4], off + 4
    return (frame[off:], None) if etype == b"\x08\x00" else (None, "not IPv4")


def unicast(a):
    return not (a[0] in (0, 127) or a[0] >= 224 or (a[0] == 100 and 64 <= a[1] < 128)
                or a[:3] == bytes([203, 0, 113]))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def rewrite(ip):
    """The packet with TTL 64 and correct checksums, or (None, reason)."""
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None, "not IPv4"
    ihl, total = (ip[0] & 15) * 4, struct.unpack("!H", ip[2:4])[0]
    if ihl < 20 or total < ihl or len(ip) < total:
        return None, "captured short"
    if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
        return None, "fragment"
    proto = ip[9]
    l4len = total - ihl
    if proto not in (6, 17) or l4len < (20 if proto == 6 else 8):
        return None, "not TCP/UDP"
    if not (unicast(ip[12:16]) and unicast(ip[16:20])):
        return None, "address the lab does not route"
    if proto == 6 and ip[ihl + 13] & 0x06:
        return None, "TCP SYN or RST"
    p = bytearray(ip[:total])
    p[8] = 64
    p[10:12] = b"\0\0"
    p[10:12] = struct.pack("!H", checksum(bytes(p[:ihl])))
    sum_at = ihl + (16 if proto == 6 else 6)
    p[sum_at:sum_at + 2] = b"\0\0"
    if proto == 17:
        p[ihl + 4:ihl + 6] = struct.pack("!H", l4len)
    pseudo = bytes(p[12:20]) + struct.pack("!BBH", 0, proto, l4len)
    c = checksum(pseudo + bytes(p[ihl:total]))
    p[sum_at:sum_at + 2] = struct.pack("!H", c if c or proto == 6 else 0xFFFF)
    return bytes(p), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--max", type=int, default=2000)
    a = ap.parse_args()
    eth = bytes.fromhex(a.dst_mac.replace(":", "")) + bytes.fromhex(a.src_mac.replace(":", "")) + b"\x08\x00"
    left_out, kept = Counter(), []
    for linktype, sec, usec, frame, wirelen in read_pcap(a.inp):
        if len(kept) >= a.max:
            break
        ip, why = ip_of(linktype, frame)
        if ip is not None:
            ip, why = rewrite(ip)
        if ip is None:
            left_out[why] += 1
            continue
        kept.append((sec, usec, eth + ip))
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        for sec, usec, frame in kept:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
    why = ", ".join(f"{n} {r}" for r, n in left_out.most_common())
    print(f"prepare_trace: kept {len(kept)} packets" + (f"; left out {why}" if why else ""))
    return 0 if kept else 1


if __name__ == "__main__":
    sys.exit(main())
