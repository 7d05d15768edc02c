import datetime as dt

import pytest

import vnfo

BILL = """{
  "vnfo_bill": 1,
  "manifest_id": "acme-edge-2026-11",
  "provider": "cloudco",
  "period": {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z"},
  "totals": {"packets": 120000, "cpu_cycles": 4100000000000, "mem_bytes": 52428800},
  "functions": {
    "fw":  {"packets": 120000, "cpu_cycles": 1000000000000},
    "ids": {"cpu_cycles": 3000000000000}
  }
}
"""


def test_bill_parse_and_read(tmp_path):
    bill = vnfo.Bill(BILL)
    assert bill.manifest_id == "acme-edge-2026-11" and bill.provider == "cloudco"
    assert bill.period == (dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
                           dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
    assert bill.totals() == {"packets": 120000, "cpu_cycles": 4100000000000,
                             "mem_bytes": 52428800}
    assert bill.functions == {"fw": {"packets": 120000, "cpu_cycles": 1000000000000},
                              "ids": {"cpu_cycles": 3000000000000}}
    path = tmp_path / "bill.json"
    path.write_text(BILL)
    assert vnfo.Bill.load(path).to_dict() == bill.to_dict()
    assert vnfo.bill.resource_known("vendor:rules") and not vnfo.bill.resource_known("cpu")


def test_bill_errors_give_file_line_column_and_json_path(tmp_path):
    path = tmp_path / "bill.json"
    path.write_text(BILL.replace('"cpu_cycles": 4100000000000', '"cpu_cycels": 4100000000000'))
    with pytest.raises(vnfo.BillError) as info:
        vnfo.Bill.load(path)
    err = info.value
    assert err.status_name == "VNFO_E_BILL_UNKNOWN_RESOURCE"
    assert (err.path, err.line, err.json_path) == (str(path), 6, "totals.cpu_cycels")
    assert err.column > 1 and "did you mean" in err.message
    with pytest.raises(vnfo.BillError) as info:
        vnfo.Bill(BILL.replace('"provider"', '"provder"'), name="b.json")
    assert info.value.status_name == "VNFO_E_BILL_FORMAT"
    assert (info.value.path, info.value.line, info.value.json_path) == ("b.json", 4, "provder")
    assert isinstance(info.value, vnfo.FormatError)
    with pytest.raises(vnfo.UnsupportedVersion):
        vnfo.Bill(BILL.replace('"vnfo_bill": 1', '"vnfo_bill": 2'))
    with pytest.raises(vnfo.NotFound):
        vnfo.Bill.load(tmp_path / "none.json")
