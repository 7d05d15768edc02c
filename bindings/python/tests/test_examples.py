"""The examples run: the analyst notebook over `vnfo demo` output, and the
Dask example on the session's LocalCluster."""

import importlib.util
import pathlib

import vnfo

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_analyst_demo_prints_reports_and_writes_figures(demo_dir, tmp_path, capsys):
    reports = load("analyst_demo").main(["--demo", str(demo_dir), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "== honest" in out and "== adds-delay" in out
    assert reports["adds-delay"]["sla.ids.delay.mean"].verdict is vnfo.Verdict.FAIL
    assert reports["honest"]["logs.integrity"].verdict is vnfo.Verdict.PASS
    for png in ("delay_cdf.png", "billed_vs_estimated.png", "sampling_coverage.png"):
        assert (tmp_path / png).read_bytes()[:4] == b"\x89PNG"


def test_dask_example_matches_single_process(demo_dir, dask_client):
    example = load("dask_verify")
    for scenario in ("honest", "tampers-log"):
        logs, digest = example.prepare(demo_dir, scenario)
        distributed = example.run(logs, digest, client=dask_client)
        assert distributed.fingerprint() == example.run(logs, digest).fingerprint()
        assert sum(distributed.packets.values()) > 0
        assert distributed.ok == (scenario == "honest")


def test_dask_example_functional_checks_match(demo_dir, dask_client):
    example = load("dask_verify")
    mine, single = example.functional(demo_dir, "ids-rewrites-payload", client=dask_client)
    assert mine == single
    assert {c["check"]: c["verdict"] for c in mine}["reference.ids"] == "FAIL"
