#!/usr/bin/env python3
"""Writes the seed inputs of the packet, tap and capture fuzz corpora
(tests/corpus/{packet,tap,capture}): small synthetic frames of every link
type the parser supports, and pcap/pcapng files around them.  Run from the
source tree's top: python3 tests/corpus/make_audit_corpus.py"""
import os
import struct

LINKTYPES = [0, 1, 9, 50, 101, 104, 108, 113, 228, 229, 239, 276, 147]


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(proto, payload, frag=0, opts=b""):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) + len(payload), 0x1234, frag,
                    64, proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(nh, payload, ext=b""):
    return struct.pack("!IHBB16s16s", 0x60012345, len(ext) + len(payload), nh, 64,
                       b"\x20\x01" + b"\0" * 13 + b"\x01", b"\x20\x01" + b"\0" * 13 + b"\x02") + ext + payload


TCP = struct.pack("!HHIIBBHHH", 1234, 80, 1, 2, 0x50, 0x18, 1024, 0, 0) + b"GET / HTTP/1.0\r\n"
UDP = struct.pack("!HHHH", 53, 5353, 8 + 12, 0) + b"0123456789ab"
ICMP = bytes([8, 0, 0, 0, 0, 1, 0, 1]) + b"ping"
V4 = ipv4(6, TCP)
V4_FRAG = ipv4(17, UDP, frag=0x2000)
V4_OPTS = ipv4(17, UDP, opts=b"\x94\x04\0\0")
V4_ICMP = ipv4(1, ICMP)
V6 = ipv6(17, UDP)
V6_EXT = ipv6(0, TCP, ext=bytes([44, 0, 1, 4, 0, 0, 0, 0]) + bytes([6, 0, 0, 0, 0, 0, 0, 7]))
MAC = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb"


def frames():
    eth = lambda et, p: MAC + struct.pack("!H", et) + p
    yield 1, eth(0x0800, V4)
    yield 1, eth(0x86DD, V6_EXT)
    yield 1, MAC + struct.pack("!HHHH", 0x88A8, 5, 0x8100, 6) + struct.pack("!H", 0x0800) + V4_FRAG
    yield 1, eth(0x8847, struct.pack("!I", (16 << 12) | 0x100 | 64) + V4)  # MPLS
    yield 1, eth(0x0800, V4_OPTS)
    yield 1, eth(0x0800, V4[:30])  # truncated
    yield 0, struct.pack("<I", 2) + V4_ICMP
    yield 108, struct.pack("!I", 24) + V6
    yield 9, b"\xff\x03\x00\x21" + V4
    yield 50, b"\xff\x03\x00\x57" + V6
    yield 104, b"\x0f\x00\x08\x00" + V4
    yield 101, V6
    yield 228, V4
    yield 229, V6_EXT
    yield 113, struct.pack("!HHH8sH", 0, 1, 6, MAC[:6] + b"\0\0", 0x0800) + V4
    yield 276, struct.pack("!HHIHBB8s", 0x86DD, 0, 2, 1, 0, 6, MAC[:6] + b"\0\0") + V6
    tlv = lambda t, v: struct.pack("<HH", 4 + len(v), t) + v + b"\0" * ((4 - len(v) % 4) % 4)
    yield 239, struct.pack("!BBH", 2, 0, 0) + tlv(1, b"\x08\x00\x00\x00") + tlv(9, V4)
    yield 147, V4


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def pcap(linktype, pkts, snap=65535, magic=0xA1B2C3D4):
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snap, linktype)
    for i, p in enumerate(pkts):
        out += struct.pack("<IIII", 1700000000 + i, 1000 * i, len(p), len(p) + (i % 2) * 10) + p
    return out


def block(t, body):
    body += b"\0" * ((4 - len(body) % 4) % 4)
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)


def pcapng(ifaces, pkts):
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for lt, snap in ifaces:
        out += block(1, struct.pack("<HHI", lt, 0, snap))
    for i, (ifc, p) in enumerate(pkts):
        out += block(6, struct.pack("<IIIII", ifc, 0, 1000 + i, len(p), len(p)) + p)
    return out


def main():
    fr = list(frames())
    for i, (lt, f) in enumerate(fr):
        write("tests/corpus/packet/lt%d-%02d" % (lt, i), bytes([LINKTYPES.index(lt)]) + f)
    # tap: config byte, then (op, time step, length, frame) steps.
    eth4 = fr[0][1]
    eth6 = fr[1][1]
    raw6 = fr[11][1]
    step = lambda op, dt, f: bytes([op, dt, len(f)]) + f
    write("tests/corpus/tap/forward-drop-generate",
          bytes([0x00]) + step(0, 0, eth4) + step(1, 1, eth4) + step(0, 0, eth6) +
          step(0xFE, 9, b"") + step(1, 1, eth6))
    write("tests/corpus/tap/overflow-headers",
          bytes([0x01]) + b"".join(step(0, 0, eth4) for _ in range(3)) + step(0xFF, 0, b"\0" * 7) +
          step(1, 0, eth4))
    write("tests/corpus/tap/full-natsafe-raw",
          bytes([0x22]) + step(2, 0, raw6) + step(3, 2, raw6) + step(0x12, 0, raw6) +
          step(0x13, 1, raw6))
    # capture: pcap in both byte orders and nanosecond magic, pcapng with
    # one and with two interfaces of different snapshot lengths (the
    # fallback reader), and broken ones.
    eths = [f for lt, f in fr if lt == 1]
    write("tests/corpus/capture/ethernet.pcap", pcap(1, eths))
    # every frame stamped 0, as in tcpdump's test captures: simulate must not
    # wrap a node clock that runs behind below 0 (it looped on heartbeats).
    zero = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for e in eths:
        zero += struct.pack("<IIII", 0, 0, len(e), len(e)) + e
    write("tests/corpus/capture/zero-time.pcap", zero)
    # two frames 200000 s apart: more heartbeats than simulate signs per node
    gap = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for i, e in enumerate(eths[:2]):
        gap += struct.pack("<IIII", 1700000000 + 200000 * i, 0, len(e), len(e)) + e
    write("tests/corpus/capture/silent-200000s.pcap", gap)
    write("tests/corpus/capture/nsec.pcap", pcap(1, eths[:2], magic=0xA1B23C4D))
    big = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 113)
    big += struct.pack(">IIII", 1, 2, len(fr[14][1]), len(fr[14][1])) + fr[14][1]
    write("tests/corpus/capture/sll-bigendian.pcap", big)
    write("tests/corpus/capture/truncated.pcap", pcap(1, eths)[:-9])
    write("tests/corpus/capture/caplen-huge.pcap",
          pcap(1, []) + struct.pack("<IIII", 1, 0, 0x7FFFFFFF, 0x7FFFFFFF) + eths[0])
    write("tests/corpus/capture/one-iface.pcapng", pcapng([(1, 65535)], [(0, e) for e in eths]))
    write("tests/corpus/capture/two-snaplens.pcapng",
          pcapng([(1, 65535), (1, 128)], [(0, eths[0]), (1, eths[1]), (0, eths[2])]))
    write("tests/corpus/capture/two-linktypes.pcapng",
          pcapng([(1, 65535), (101, 128)], [(0, eths[0]), (1, V6)]))
    write("tests/corpus/capture/block-length-huge.pcapng",
          pcapng([(1, 65535)], [])[:-0 or None] + struct.pack("<II", 6, 0xFFFFFFF0) + b"\0" * 16)


if __name__ == "__main__":
    main()
