import json
import math
import pickle

import pytest

import vnfo
from vnfo import Category, Report, Verdict


def sample_report():
    rep = Report(max_examples=2)
    rep.set_subject("manifest_id", "acme")
    rep.add("chain.order", "functionality", "PASS", "412 packets in order", packets=412)
    bill = rep.add("bill.cpu_cycles", Category.ACCOUNTING, Verdict.FAIL, "billed too much",
                   billed=4100000000000, estimate=4.02e12, interval=(3.98e12, 4.07e12),
                   method="normal", within=False, delta=-5)
    for label in (0xDEADBEEFCAFE0001, 2, 3):
        bill.add_example(label, "cycles x3")
    return rep


def test_report_checks_and_overall_verdict():
    rep = sample_report()
    assert rep.verdict is Verdict.FAIL and rep.verdict.exit_code == 1
    assert len(rep) == 2 and "chain.order" in rep and "nope" not in rep
    names = [c.name for c in rep]
    assert names == ["chain.order", "bill.cpu_cycles"]
    bill = rep["bill.cpu_cycles"]
    assert (bill.verdict, bill.category, bill.summary) == (
        Verdict.FAIL, Category.ACCOUNTING, "billed too much")
    assert bill.evidence == {"billed": 4100000000000, "estimate": 4.02e12,
                             "interval": (3.98e12, 4.07e12), "method": "normal",
                             "within": False, "delta": -5}
    assert bill.examples == [0xDEADBEEFCAFE0001, 2] and bill.examples_total == 3
    assert bill.number("interval") == 3.98e12
    with pytest.raises(vnfo.NotFound):
        bill.number("method")
    with pytest.raises(KeyError):
        rep["nope"]


def test_overall_rule():
    rep = Report()
    assert rep.verdict is Verdict.INCONCLUSIVE  # no check at all
    a = rep.add("a.x", "integrity", "PASS")
    assert rep.verdict is Verdict.PASS
    rep.add("b.x", "performance", "INCONCLUSIVE")
    assert rep.verdict is Verdict.INCONCLUSIVE
    a.verdict = "ERROR"
    assert rep.verdict is Verdict.ERROR
    a.summary = "100% of it"  # printf-safe
    assert a.summary == "100% of it"


def test_report_as_dict_json_and_text():
    rep = sample_report()
    doc = rep.to_dict()
    assert doc["vnfo_report"] == 1 and doc["verdict"] == "FAIL" and doc["exit_code"] == 1
    assert doc["subject"] == {"manifest_id": "acme"}
    assert doc["counts"] == {"PASS": 1, "FAIL": 1, "INCONCLUSIVE": 0, "ERROR": 0}
    assert doc["checks"][1]["examples"][0] == {"label": "deadbeefcafe0001", "note": "cycles x3"}
    assert json.loads(rep.to_json()) == doc
    assert "\n" not in rep.to_json(compact=True)
    text = rep.to_text()
    assert text.startswith("FAIL: 1 of 2 checks") and "bill.cpu_cycles" in text
    assert "packets=412" in rep.to_text(verbose=True) and "packets=412" not in text
    assert str(rep) == text


def test_report_round_trips_through_dict_and_pickle():
    rep = sample_report()
    again = Report.from_dict(rep.to_dict())
    doc, doc2 = rep.to_dict(), again.to_dict()
    # The cap keeps 2 of 3 examples: the rebuilt report counts the kept ones.
    doc["checks"][1]["examples_total"] = 2
    assert doc2 == doc
    assert pickle.loads(pickle.dumps(rep)).to_dict() == doc2


def test_nan_evidence_renders_null():
    rep = Report()
    rep.add("p.x", "performance", "INCONCLUSIVE", p_value=math.nan)
    assert rep.to_dict()["checks"][0]["evidence"] == {"p_value": None}
    assert math.isnan(Report.from_dict(rep.to_dict())["p.x"].number("p_value"))


def test_report_errors():
    rep = Report()
    rep.add("a.x", "integrity", "PASS")
    with pytest.raises(vnfo.InvalidArgument):
        rep.add("a.x", "integrity", "PASS")  # duplicate name
    with pytest.raises(KeyError):
        rep.add("b.x", "nonsense", "PASS")
    with pytest.raises(TypeError):
        rep["a.x"].add_evidence("k", [1, 2, 3])
    with pytest.raises(vnfo.UnsupportedVersion):
        Report.from_dict({"vnfo_report": 2})


def test_checks_keep_their_report_alive():
    check = sample_report()["bill.cpu_cycles"]
    import gc
    gc.collect()
    assert check.verdict is Verdict.FAIL and check.examples_total == 3


def test_report_as_dataframe_and_bill_rows():
    rep = sample_report()
    df = rep.to_pandas()
    assert list(df["check"]) == ["chain.order", "bill.cpu_cycles"]
    assert list(df["verdict"]) == ["PASS", "FAIL"] and df["evidence"][0] == {"packets": 412}
    assert vnfo.plot.bill_rows(rep) == [{"name": "cpu_cycles", "billed": 4100000000000.0,
                                         "estimate": 4.02e12, "low": 3.98e12, "high": 4.07e12}]
    fig = vnfo.plot.billed_vs_estimated(rep)
    assert len(fig.axes[0].patches) == 1
