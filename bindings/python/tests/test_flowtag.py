import ipaddress
import pickle

import pytest

import vnfo
from vnfo import flowtag as F
from pktutil import tcp6, udp4


def key(src, dst, sport, dport):
    return vnfo.FlowKey(4, 17, ipaddress.ip_address(src), ipaddress.ip_address(dst), sport, dport)


INSIDE = key("10.0.0.1", "192.0.2.9", 1234, 53)
OUTSIDE = key("198.51.100.1", "192.0.2.9", 40000, 53)


def test_generate_consume_and_events():
    t = vnfo.FlowTagTable(width_bits=12, capacity=64, node_id=2)
    e = t.generate(INSIDE, OUTSIDE, now=100)
    assert e.kind == "bind" and e.context.tag != 0 and e.context.node_id == 2
    again = t.generate(INSIDE, OUTSIDE, now=150)
    assert again.kind == "none" and again.context.tag == e.context.tag
    ctx = t.consume(e.context.tag)
    assert (ctx.original, ctx.rewritten) == (INSIDE, OUTSIDE)
    assert t.lookup(INSIDE).tag == e.context.tag
    assert t.stats["live"] == 1 and t.width_bits == 12
    assert [c.tag for c in t] == [e.context.tag]
    copy = pickle.loads(pickle.dumps(t))
    assert copy.consume(e.context.tag) == ctx and copy.serialize() == t.serialize()
    rel = t.release(e.context.tag, now=200)
    assert rel.kind == "expire"
    with pytest.raises(vnfo.FlowTagError) as info:
        t.consume(e.context.tag)
    assert info.value.status_name == "VNFO_E_FLOWTAG_UNKNOWN"


def test_full_table_and_idle_expiry():
    t = vnfo.FlowTagTable(width_bits=6, capacity=2, idle_timeout=10)
    t.generate(INSIDE, OUTSIDE, now=0)
    t.generate(key("10.0.0.2", "192.0.2.9", 1, 53), OUTSIDE, now=0)
    with pytest.raises(vnfo.FlowTagError) as info:
        t.generate(key("10.0.0.3", "192.0.2.9", 1, 53), OUTSIDE, now=1)
    assert info.value.status_name == "VNFO_E_FLOWTAG_FULL"
    expired = t.expire(now=100)
    assert [e.kind for e in expired] == ["expire", "expire"] and t.stats["live"] == 0


@pytest.mark.parametrize("carrier,frame,width", [
    ("vlan", udp4(vlan=5), 12), ("ipv4-dscp", udp4(), 6), ("ipv6-flow-label", tcp6(), 20)])
def test_carriers_round_trip(carrier, frame, width):
    pkt = bytearray(frame)
    F.carrier_write(pkt, carrier, 0x21, width)
    assert F.carrier_read(pkt, carrier, width) == 0x21
    before = vnfo.packet.digest(frame)
    if carrier != "ipv6-flow-label":  # DSCP and VLAN are outside the invariant view
        assert vnfo.packet.digest(bytes(pkt)) == before
    vnfo.Packet(bytes(pkt))  # still parses (IPv4 checksum updated for DSCP)


def test_carrier_errors():
    with pytest.raises(vnfo.FlowTagError) as info:
        F.carrier_write(bytearray(udp4()), "ipv4-dscp", 5, 12)
    assert info.value.status_name == "VNFO_E_FLOWTAG_WIDTH"
    with pytest.raises(vnfo.FlowTagError) as info:
        F.carrier_read(udp4(), "vlan", 12)  # no VLAN tag
    assert info.value.status_name == "VNFO_E_FLOWTAG_CARRIER"
    assert len(F.nsh_tlv(7)) == 8 and F.nsh_tlv(7)[-4:] == b"\x00\x00\x00\x07"


def test_event_records_and_resolution_through_a_nat():
    nat = vnfo.FlowTagTable(width_bits=32, node_id=2)
    bind = nat.generate(INSIDE, OUTSIDE, now=1000)
    rec = bind.to_record()
    assert isinstance(rec, vnfo.FlowTagMapRecord) and rec.tag == bind.context.tag
    assert vnfo.record.decode(vnfo.record.encode(rec)) == rec
    assert F.Event.from_record(rec).context.original == INSIDE
    resolver = F.Resolver([(1, False), (2, True), (3, False)])
    rec.node_id = 2
    resolver.add(rec)
    out_pkt = udp4(src="198.51.100.1", dst="192.0.2.9", sport=40000, dport=53)
    seen = vnfo.PacketRecord(node_id=3, hop=2, flowtag=bind.context.tag, t_in_ns=2000,
                             t_out_ns=2100, granularity="headers", bytes_out=out_pkt)
    r = resolver.resolve(seen)
    assert r.ok and r.original == INSIDE and r.tagging_node == 2 and r.rewrites == 1
    bad = vnfo.PacketRecord(node_id=3, hop=2, flowtag=0xDEAD, t_in_ns=2000, t_out_ns=2100,
                            granularity="headers", bytes_out=out_pkt)
    assert resolver.resolve(bad).status == vnfo.Status.FLOWTAG_UNKNOWN


def test_forbidden_rewrite_is_reported():
    resolver = F.Resolver([(1, False), (2, False)])
    fw = vnfo.FlowTagTable(node_id=2)
    with pytest.raises(vnfo.FlowTagError) as info:
        resolver.add(fw.generate(INSIDE, OUTSIDE, now=5))
    assert info.value.status_name == "VNFO_E_FLOWTAG_REWRITE_FORBIDDEN"
