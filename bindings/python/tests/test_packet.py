import ipaddress

import numpy as np
import pytest
from hypothesis import given, strategies as st

import vnfo
from vnfo import packet
from pktutil import arp, tcp6, udp4

ETH = 14


def test_parse_ipv4_udp():
    p = vnfo.Packet(udp4(sport=1234, dport=53))
    assert (p.ip_version, p.proto, p.src_port, p.dst_port) == (4, 17, 1234, 53)
    assert p.offsets == {"l3": 14, "l3_end": len(udp4(sport=1234, dport=53)), "l4": 34,
                         "payload": 42}
    assert p.flags & packet.Flag.HAS_PORTS and not p.flags & packet.Flag.FRAGMENT
    key = p.flow_key
    assert key == vnfo.FlowKey(4, 17, ipaddress.ip_address("10.0.0.1"),
                               ipaddress.ip_address("10.0.0.2"), 1234, 53)
    assert "10.0.0.1:1234 -> 10.0.0.2:53" in repr(p)


def test_parse_ipv6_tcp_vlan_and_linktypes():
    p = vnfo.Packet(tcp6())
    assert (p.ip_version, p.proto, p.dst_port) == (6, 6, 443)
    assert str(p.flow_key.src) == "2001::1"
    q = vnfo.Packet(udp4(vlan=42))
    assert q.vlan_tci == (42,) and q.offsets["l3"] == 18
    raw = vnfo.Packet(udp4()[ETH:], vnfo.LinkType.RAW)
    assert raw.flow_key == vnfo.Packet(udp4()).flow_key
    assert raw.digest() == vnfo.Packet(udp4()).digest()


def test_other_link_layers_and_deep_stacks_keep_the_digest():
    ip = udp4()[ETH:]
    want = vnfo.Packet(udp4()).digest()
    frames = {
        vnfo.LinkType.NULL: b"\x02\x00\x00\x00" + ip,
        vnfo.LinkType.LOOP: b"\x00\x00\x00\x02" + ip,
        vnfo.LinkType.PPP: b"\xff\x03\x00\x21" + ip,
        vnfo.LinkType.LINUX_SLL2: b"\x08\x00" + bytes(18) + ip,
        vnfo.LinkType.ETHERNET: (udp4()[:12] + b"\x88\xa8\x00\x01\x81\x00\x00\x02\x81\x00\x00\x03"
                                 + b"\x88\x47\x00\x01\x00\x40\x00\x02\x01\x40" + ip),
    }
    for linktype, frame in frames.items():
        p = vnfo.Packet(frame, linktype)
        assert p.offsets["l3"] == len(frame) - len(ip) and p.digest() == want, linktype
    assert vnfo.Packet(frames[vnfo.LinkType.ETHERNET]).vlan_tci == (1, 2)  # the outer two of three


def test_parse_is_zero_copy_over_any_buffer():
    frame = udp4()
    arr = np.frombuffer(frame, dtype=np.uint8)
    views = [frame, bytearray(frame), memoryview(frame), arr]
    assert len({vnfo.Packet(v).digest() for v in views}) == 1
    big = np.zeros((4, 64), dtype=np.uint8)
    big[2, :len(frame)] = np.frombuffer(frame, np.uint8)
    row = vnfo.Packet(big[2, :len(frame)])  # a row of a 2-D array, no copy
    assert row.digest() == vnfo.packet.digest(frame)


@pytest.mark.parametrize("frame,status", [
    (arp(), "VNFO_E_PACKET_NOT_IP"),
    (udp4()[:20], "VNFO_E_PACKET_TRUNCATED"),
    (udp4()[:14] + b"\x44" + udp4()[15:], "VNFO_E_PACKET_MALFORMED"),
])
def test_parse_failures_raise_packet_error(frame, status):
    with pytest.raises(vnfo.PacketError) as info:
        vnfo.Packet(frame)
    assert info.value.status_name == status
    assert info.value.message.startswith("packet (link type 1): ")


def test_unknown_linktype_is_unsupported():
    with pytest.raises(vnfo.PacketError) as info:
        vnfo.Packet(udp4(), linktype=9999)
    assert info.value.status_name == "VNFO_E_PACKET_UNSUPPORTED"


def test_fieldsets():
    fs = vnfo.FieldSet("ip.src,ip.dst,l4.sport")
    assert vnfo.Packet(udp4(sport=0x0102)).fields(fs) == bytes([10, 0, 0, 1, 10, 0, 0, 2, 1, 2])
    assert not fs.uses_flowtag and vnfo.FieldSet("nat-safe").uses_flowtag
    assert len(vnfo.Packet(udp4()).fields(vnfo.FieldSet("psamp"))) > 0
    with pytest.raises(vnfo.PacketError) as info:
        vnfo.FieldSet("ip.src,ip.bogus")
    assert info.value.status_name == "VNFO_E_PACKET_FIELD_UNKNOWN"
    assert "ip.bogus" in info.value.message
    with pytest.raises(vnfo.InvalidArgument):
        vnfo.FieldSet("psamp", payload_bytes=2)  # RFC 5475: 8..32


@given(ttl=st.integers(1, 255), tos=st.integers(0, 255), vlan=st.none() | st.integers(1, 4094))
def test_digest_ignores_hop_by_hop_fields_ipv4(ttl, tos, vlan):
    base = vnfo.packet.digest(udp4())
    assert vnfo.packet.digest(udp4(ttl=ttl, tos=tos, vlan=vlan)) == base
    fs = vnfo.FieldSet("invariant")
    assert vnfo.Packet(udp4(ttl=ttl, tos=tos)).fields(fs) == vnfo.Packet(udp4()).fields(fs)


@given(hop=st.integers(0, 255), tclass=st.integers(0, 255))
def test_digest_ignores_hop_by_hop_fields_ipv6(hop, tclass):
    assert vnfo.packet.digest(tcp6(hop_limit=hop, tclass=tclass)) == vnfo.packet.digest(tcp6())


@given(st.binary(min_size=1, max_size=40))
def test_digest_covers_the_payload(payload):
    a, b = vnfo.packet.digest(udp4(payload=payload)), vnfo.packet.digest(udp4(payload=payload + b"!"))
    assert a != b and len(a) == vnfo.packet.DIGEST_BYTES


@given(st.binary(max_size=120), st.sampled_from(list(vnfo.LinkType)))
def test_parse_never_crashes_on_garbage(data, linktype):
    try:
        p = vnfo.Packet(data, linktype)
    except vnfo.PacketError:
        return
    assert p.ip_version in (4, 6)
