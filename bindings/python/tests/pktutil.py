"""Builders of test packets (Ethernet / IPv4 / IPv6 / UDP / TCP)."""

import struct


def ipv4_checksum(header: bytes) -> int:
    s = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp4(src="10.0.0.1", dst="10.0.0.2", sport=1234, dport=80, payload=b"hello world!",
         ttl=64, tos=0, ident=1, vlan=None):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(udp), ident, 0, ttl, 17, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    hdr = hdr[:10] + struct.pack("!H", ipv4_checksum(hdr)) + hdr[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    if vlan is not None:
        eth += struct.pack("!HH", 0x8100, vlan)
    return eth + b"\x08\x00" + hdr + udp


def tcp6(src=b"\x20\x01" + bytes(13) + b"\x01", dst=b"\x20\x01" + bytes(13) + b"\x02",
         sport=4000, dport=443, payload=b"x" * 20, hop_limit=64, tclass=0, seq=7):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x18, 1024, 0, 0) + payload
    ver = (6 << 28) | (tclass << 20) | 0x12345
    hdr = struct.pack("!IHBB16s16s", ver, len(tcp), 6, hop_limit, src, dst)
    return b"\x02" * 6 + b"\x04" * 6 + b"\x86\xdd" + hdr + tcp


def arp():
    return b"\xff" * 6 + b"\x02" * 6 + b"\x08\x06" + bytes(28)


def set_frame_byte(frame: bytes, offset: int, value: int) -> bytes:
    b = bytearray(frame)
    b[offset] = value
    return bytes(b)
