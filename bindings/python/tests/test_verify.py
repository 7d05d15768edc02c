import json
import os
import pathlib
import subprocess

import pytest

import vnfo
from vnfo.reference import Result


def cli_report(demo_dir, scenario):
    cli = pathlib.Path(os.environ["VNFO_BUILD_DIR"], "tools", "vnfo")
    out = subprocess.run([str(cli), "verify", "--manifest", str(demo_dir / "manifest.json"),
                          "--logs", str(demo_dir / scenario), "--bill",
                          str(demo_dir / scenario / "bill.json"), "--json"],
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def test_same_report_as_the_cli(demo_dir):
    for scenario in ("honest", "inflates-bill", "tampers-log"):
        rep = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / scenario)
        mine, cli = rep.to_dict(), cli_report(demo_dir, scenario)
        assert [c["check"] for c in mine["checks"]] == [c["check"] for c in cli["checks"]]
        assert [(c["verdict"], c["evidence"]) for c in mine["checks"]] == \
            [(c["verdict"], c["evidence"]) for c in cli["checks"]]
        assert mine["verdict"] == cli["verdict"]


def test_cheating_is_caught_with_evidence(demo_dir):
    honest = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / "honest")
    assert honest["logs.integrity"].verdict is vnfo.Verdict.PASS
    rep = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / "inflates-bill")
    bill = rep["bill.cpu_cycles"]
    assert bill.verdict is vnfo.Verdict.FAIL and bill.category is vnfo.Category.ACCOUNTING
    lo, hi = bill.evidence["interval"]
    assert bill.number("billed") > hi > lo
    rep = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / "tampers-log")
    assert rep["logs.integrity"].verdict is vnfo.Verdict.FAIL


def test_python_reference_is_replayed(demo_dir):
    calls = []

    def ids(packet):
        calls.append(len(packet))
        return Result(packet=bytes(packet), cpu_cycles=3000, mem_bytes=4096)
    honest = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / "honest",
                             references={"ids": ids})
    n = len(calls)
    assert n > 100
    rewrites = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / "ids-rewrites-payload",
                               references={"ids": ids})
    ok, bad = honest["reference.ids"], rewrites["reference.ids"]
    assert bad.verdict is vnfo.Verdict.FAIL
    assert bad.number("violations") > 10 * max(ok.number("violations"), 1)
    assert len(bad.examples) > 0 and bad.examples_total == bad.number("violations")


def test_reference_exceptions_are_reraised_with_the_report(demo_dir):
    def broken(packet):
        raise KeyError("reference bug")
    v = vnfo.Verifier(vnfo.Manifest.load(demo_dir / "manifest.json"))
    v.set_reference("ids", broken)
    v.add_logs_dir(demo_dir / "honest")
    with pytest.raises(KeyError) as info:
        v.run()
    report = info.value.vnfo_report
    assert report["reference.ids"].verdict is not vnfo.Verdict.PASS
    assert set(v.stage_times) == {"logs", "records", "trajectories", "checks"}


def test_threads_give_the_same_report(demo_dir):
    for scenario in ("honest", "tampers-log", "skips-function"):
        want = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / scenario, threads=1).to_json()
        for n in (2, 3, 8, 0):
            got = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / scenario, threads=n).to_json()
            assert got == want, (scenario, n)


def test_threads_errors(demo_dir):
    v = vnfo.Verifier(vnfo.Manifest.load(demo_dir / "manifest.json"))
    with pytest.raises(vnfo.InvalidArgument) as info:
        v.set_threads(257)
    assert str(info.value) == ("vnfo_verifier_threads_set: 257 threads (0 for the online CPUs, "
                               "or 1 to 256) [VNFO_E_INVALID_ARGUMENT]")
    with pytest.raises(vnfo.InvalidArgument):
        v.set_threads(-1)
    v.set_threads(256)


def test_input_errors(demo_dir, tmp_path):
    m = vnfo.Manifest.load(demo_dir / "manifest.json")
    v = vnfo.Verifier(m)
    v.add_log("fw", demo_dir / "honest" / "fw.log")
    with pytest.raises(vnfo.VerificationError) as info:
        v.run()
    assert info.value.status_name == "VNFO_E_VERIFY_MISSING_LOG"
    with pytest.raises(vnfo.NotFound):
        v.add_log("nope", demo_dir / "honest" / "fw.log")
    with pytest.raises(vnfo.LogError):
        v.add_log("ids", b"\x00\x00\x00\x05hello")
    doc = json.loads((demo_dir / "honest" / "bill.json").read_text())
    doc["manifest_id"] = "someone-else"
    with pytest.raises(vnfo.BillError) as info:
        v.set_bill(vnfo.Bill(json.dumps(doc)))
    assert info.value.status_name == "VNFO_E_BILL_MISMATCH"


def test_linktype_aware_reference_on_raw_ipv4_logs(demo_dir, tmp_path):
    """Records state their link type (format 2): a linktype-aware Python
    reference is told it; a plain one reads Ethernet frames only and skips
    raw-IPv4 records, saying so."""
    cli = pathlib.Path(os.environ["VNFO_BUILD_DIR"], "tools", "vnfo")
    top = pathlib.Path(__file__).resolve().parents[3]
    subprocess.run(["python3", str(top / "tests" / "make_linktype_pcaps.py"), "convert",
                    str(demo_dir / "capture.pcap"), str(tmp_path)], check=True)
    out = tmp_path / "raw4"
    out.mkdir()
    subprocess.run([str(cli), "simulate", "--manifest", str(demo_dir / "manifest.json"),
                    "--pcap", str(tmp_path / "lt228.pcap"), "--keys", str(demo_dir / "keys"),
                    "--out", str(out)], check=True, capture_output=True)
    seen = set()

    def ids(packet, linktype):  # the demo IDS: drops "GET /images/", forwards the rest
        seen.add(linktype)
        return None if b"GET /images/" in bytes(packet) else bytes(packet)
    aware = vnfo.verify_dir(demo_dir / "manifest.json", out,
                            references={"ids": vnfo.reference.Reference(ids, linktype_aware=True)})
    assert seen == {228}
    assert aware["reference.ids"].verdict is vnfo.Verdict.PASS
    assert aware["reference.ids"].number("checked") > 100
    plain = vnfo.verify_dir(demo_dir / "manifest.json", out, references={"ids": lambda p: bytes(p)})
    assert plain["reference.ids"].verdict is vnfo.Verdict.INCONCLUSIVE
    assert plain["reference.ids"].number("other_link_type") > 100
