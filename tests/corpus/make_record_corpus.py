#!/usr/bin/env python3
"""Writes tests/corpus/record/: hostile and valid inputs of the record decoder.

Files named ok-* hold canonical records that must decode; every other file
must be refused with a status (tests/check_record.c checks both, and
tests/replay_record replays them all through the fuzz harness).  Run it from
the top of the source tree after changing the record format."""
import os
import struct

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "record")
os.makedirs(out, exist_ok=True)

def u(v):
    """Canonical msgpack unsigned integer."""
    if v < 0x80: return bytes([v])
    if v < 0x100: return b"\xcc" + bytes([v])
    if v < 0x10000: return b"\xcd" + struct.pack(">H", v)
    if v < 0x100000000: return b"\xce" + struct.pack(">I", v)
    return b"\xcf" + struct.pack(">Q", v)

def b(data):
    n = len(data)
    if n < 0x100: return b"\xc4" + bytes([n]) + data
    if n < 0x10000: return b"\xc5" + struct.pack(">H", n) + data
    return b"\xc6" + struct.pack(">I", n) + data

def arr(n):
    return bytes([0x90 | n]) if n < 16 else b"\xdc" + struct.pack(">H", n)

def packet(counters=b"\x80", gran=0, bin_=b"\xc0\xc0", state=b"\xc0", label=42,
           version=2, tail=b"\xc0\x00", verdict=0, din=b"\xaa" + bytes(15),
           dout=bytes(15) + b"\xbb"):
    """A packet record; version 2 appends link_type (nil) and wire_len (0)."""
    return (arr(20 if version == 1 else 22) + u(version) + u(1) + u(1) + u(0) + u(5) + u(0)
            + u(label) + u(0) + b(din) + b(dout) + u(verdict) + u(100) + u(300)
            + u(0) + u(0) + counters + u(gran) + bin_ + state + (b"" if version == 1 else tail))

def flow_key(version=4, src=bytes(16)):
    return arr(6) + u(version) + u(6) + u(1) + u(2) + b(src) + b(bytes(16))

cases = {
    "ok-packet-small": packet(),
    "ok-packet-counters": packet(counters=b"\x82\xa1a" + u(1) + b"\xa1b" + u(2)),
    "ok-packet-headers": packet(gran=1, bin_=b(bytes(128)) + b"\xc0", state=b(bytes(32))),
    "ok-packet-v1": packet(version=1),
    "ok-packet-link-type-raw": packet(tail=u(101) + u(1514)),
    "ok-packet-link-type-65535": packet(tail=u(65535) + u(2**32 - 1)),
    "ok-heartbeat": arr(6) + u(2) + u(5) + u(1) + u(0) + u(8) + u(1700000000000000000),
    "ok-period-close": arr(8) + u(2) + u(6) + u(1) + u(0) + u(9) + u(100) + u(200) + u(200),
    "ok-flowtag-map-ipv4": arr(11) + u(2) + u(2) + u(1) + u(0) + u(0) + u(5) + u(1) + u(2) + u(3)
        + flow_key(4, bytes([10, 0, 0, 1]) + bytes(12)) * 2,
    "link-type-over-65535": packet(tail=u(65536) + u(0)),
    "wire-len-over-u32": packet(tail=b"\xc0" + u(2**32)),
    "link-type-string": packet(tail=b"\xa1x" + u(0)),
    "packet-v2-without-tail": packet(tail=b""),
    "packet-v1-with-tail": packet(version=1) + b"\xc0\x00",
    "heartbeat-in-v1": arr(6) + u(1) + u(5) + u(1) + u(0) + u(8) + u(1),
    "period-close-inverted": arr(8) + u(2) + u(6) + u(1) + u(0) + u(9) + u(200) + u(100) + u(300),
    "generated-with-digest-in": packet(verdict=2),
    "dropped-with-digest-out": packet(verdict=1),
    "ipv4-padding-not-zero": arr(11) + u(2) + u(2) + u(1) + u(0) + u(0) + u(5) + u(1) + u(2)
        + u(3) + flow_key(4, bytes([10, 0, 0, 1]) + bytes(11) + b"\x01") * 2,
    "ok-loss-notice": arr(8) + u(1) + u(3) + u(0) + u(0) + u(9) + u(2**40) + u(1) + u(7),
    "ok-epoch-start": arr(7) + u(1) + u(4) + u(3) + u(2) + u(0) + u(1) + b(bytes(32)),
    "ok-flowtag-map": arr(11) + u(1) + u(2) + u(1) + u(0) + u(0) + u(5) + u(1) + u(2) + u(3)
        + (arr(6) + u(4) + u(6) + u(1) + u(2) + b(bytes(16)) + b(bytes(16))) * 2,
    "empty": b"",
    "array32-huge": b"\xdd\xff\xff\xff\xff\x01\x01",
    "array16-huge": b"\xdc\xff\xff\x01\x01",
    "map32-huge-counters": packet(counters=b"\xdf\xff\xff\xff\xff"),
    "map16-17-counters": packet(counters=b"\xde\x00\x11" + b"".join(
        b"\xa1" + bytes([0x41 + i]) + u(i) for i in range(17))),
    "bin32-huge": arr(7) + u(1) + u(4) + u(0) + u(0) + u(0) + u(0) + b"\xc6\xff\xff\xff\xff",
    "bin32-small-noncanonical": arr(7) + u(1) + u(4) + u(0) + u(0) + u(0) + u(0)
        + b"\xc6\x00\x00\x00\x01\x00",
    "str32-huge-name": packet(counters=b"\x81\xdb\xff\xff\xff\xff"),
    "deep-nesting": b"\x91" * 100000,
    "deep-maps": b"\x81\x00" * 50000,
    "newer-version": arr(22) + u(3) + u(1),
    "version-zero": arr(20) + u(0) + u(1),
    "version-u64-max": arr(2) + b"\xcf" + b"\xff" * 8 + u(1),
    "unknown-type": arr(5) + u(1) + u(77) + u(0) + u(0) + u(0),
    "wrong-field-count": arr(19) + u(1) + u(1),
    "noncanonical-uint8": arr(20) + u(1) + b"\xcc\x01",
    "noncanonical-uint64": packet(label=0)[:-1],
    "negative-int": arr(20) + u(1) + b"\xff",
    "float-field": arr(20) + u(1) + b"\xcb" + struct.pack(">d", 1.0),
    "ext-type": arr(20) + u(1) + b"\xc7\x01\x05\x00",
    "digest-wrong-size": packet().replace(b"\xc4\x10\xaa", b"\xc4\x0f\xaa", 1),
    "verdict-out-of-range": packet().replace(b"\xbb\x00\x64", b"\xbb\x03\x64"),
    "granularity-digest-with-bytes": packet(bin_=b(b"abc") + b"\xc0"),
    "headers-too-long": packet(gran=1, bin_=b(bytes(129)) + b"\xc0"),
    "unsorted-counters": packet(counters=b"\x82\xa1b" + u(1) + b"\xa1a" + u(2)),
    "duplicate-counters": packet(counters=b"\x82\xa1a" + u(1) + b"\xa1a" + u(2)),
    "counter-name-control-char": packet(counters=b"\x81\xa1\x01" + u(1)),
    "counter-name-empty": packet(counters=b"\x81\xa0" + u(1)),
    "state-digest-short": packet(state=b(bytes(31))),
    "trailing-byte": packet() + b"\x00",
    "truncated-half": packet()[:26],
    "flow-key-bad-ip-version": arr(11) + u(1) + u(2) + u(1) + u(0) + u(0) + u(5) + u(1) + u(2)
        + u(3) + (arr(6) + u(5) + u(6) + u(1) + u(2) + b(bytes(16)) + b(bytes(16))) * 2,
    "loss-reason-unknown": arr(8) + u(1) + u(3) + u(0) + u(0) + u(9) + u(1) + u(99) + u(7),
    "node-id-over-u32": arr(20) + u(1) + u(1) + u(2**32),
    "random-bytes": bytes((i * 197 + 13) & 0xff for i in range(300)),
}
# noncanonical-uint64: the label 0 written in 9 bytes instead of 1.
p = packet(label=0)
i = len(arr(22) + u(2) + u(1) + u(1) + u(0) + u(5) + u(0))
cases["noncanonical-uint64"] = p[:i] + b"\xcf" + bytes(8) + p[i + 1:]

for name, data in cases.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"wrote {len(cases)} inputs to {out}")
