"""Relations in Python (vnfo.relation): callables checked by the C verifier
as ``relation.<name>``, over the demo's honest logs."""

import pytest

import vnfo
from vnfo.relation import Fact, Relation, RelationPacket


def flow_of(pkt: RelationPacket):
    k = vnfo.Packet(pkt.input).flow_key
    return k.src.packed + k.dst.packed + bytes([k.proto]) + k.src_port.to_bytes(2, "big") + \
        k.dst_port.to_bytes(2, "big")


def verifier(demo_dir, name, relation):
    v = vnfo.Verifier(vnfo.Manifest.load(demo_dir / "manifest.json"), max_examples=1024)
    rel = v.set_relation(name, relation)
    v.add_logs_dir(demo_dir / "honest")
    return v, rel


def test_consistent_nat_facts_pass(demo_dir):
    """The demo's NAT maps a flow to one port: one fact value per flow."""
    seen = []

    def check(pkt, prev):
        seen.append(pkt)
        return pkt.forwarded and pkt.output is not None

    def facts(pkt):
        out = vnfo.Packet(pkt.output).flow_key
        return [Fact(0, flow_of(pkt), out.src_port.to_bytes(2, "big"), hold_ns=10**12)]

    v, rel = verifier(demo_dir, "nat", Relation(check, facts=facts, space_names=["flow to port"]))
    check_ = v.run()["relation.nat"]
    assert check_.verdict is vnfo.Verdict.PASS, check_.summary
    assert check_.number("checked") == len(seen) > 100
    assert check_.number("facts") > 100 and check_.number("conflicts") == 0
    assert check_.evidence["mode"] == "relation"
    assert all(p.input_whole and p.output_whole and p.linktype == 1 for p in seen)


def test_conflicts_and_reasons_are_evidence(demo_dir):
    """A relation claiming each packet shows another state catches the
    'flow remapped' pattern on every repeated flow; reasons become notes."""
    def check(pkt, prev):
        return "no state admits this" if pkt.label % 7 == 0 else True

    def facts(pkt):
        return [Fact(3, flow_of(pkt), pkt.label.to_bytes(8, "big"), hold_ns=10**12)]

    v, _ = verifier(demo_dir, "nat", Relation(check, facts=facts, space_names=["a", "b", "c", "remapped"]))
    report = v.run()
    c = report["relation.nat"]
    assert c.verdict is vnfo.Verdict.FAIL
    assert c.number("conflicts") > 0 and c.number("inadmissible") > 0
    assert c.examples_total == c.number("conflicts") + c.number("inadmissible")
    notes = [x.get("note", "") for ch in report.to_dict()["checks"] if ch["check"] == "relation.nat"
             for x in ch["examples"]]
    assert any(n.startswith("remapped: conflicts with label ") for n in notes)
    assert any(n.startswith("forwarded inadmissible: no state admits this") for n in notes)


def test_flow_order_gives_the_previous_sample(demo_dir):
    pairs = []

    def check(pkt, prev):
        pairs.append((pkt, prev))
        return True

    def flow(pkt):
        return flow_of(pkt), pkt.t_in_ns

    v, _ = verifier(demo_dir, "ids", Relation(check, flow=flow))
    c = v.run()["relation.ids"]
    assert c.verdict is vnfo.Verdict.PASS
    with_prev = [(p, q) for p, q in pairs if q is not None]
    assert with_prev and c.number("flows") == len(pairs) - len(with_prev)
    assert all(flow_of(p) == flow_of(q) and q.t_in_ns <= p.t_in_ns for p, q in with_prev)


def test_exceptions_are_reraised_after_the_run(demo_dir):
    def check(pkt, prev):
        raise ZeroDivisionError("bug in relation")

    v, rel = verifier(demo_dir, "fw", check)
    with pytest.raises(ZeroDivisionError) as info:
        v.run()
    c = info.value.vnfo_report["relation.fw"]
    assert c.verdict is vnfo.Verdict.INCONCLUSIVE and c.number("not_applicable") > 0
    assert len(rel.errors) == c.number("not_applicable")


def test_bad_relations_are_refused(demo_dir):
    with pytest.raises(TypeError):
        Relation(42)
    with pytest.raises(TypeError):
        Relation(lambda p, q: True, flow=3)
    v = vnfo.Verifier(vnfo.Manifest.load(demo_dir / "manifest.json"))
    with pytest.raises(vnfo.NotFound, match='relation for "router": no chain entry'):
        v.set_relation("router", lambda p, q: True)

    def bad_facts(pkt):
        return [Fact(0, b"")]
    v, rel = verifier(demo_dir, "nat", Relation(lambda p, q: True, facts=bad_facts))
    with pytest.raises(ValueError, match="a fact's key has 1 to 48 bytes"):
        v.run()
