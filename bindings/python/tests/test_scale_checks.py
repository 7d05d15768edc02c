"""Distributed functional and trajectory checks (vnfo.scale_checks) on a
LocalCluster of 2 worker processes give the single-process report's checks:
verdicts, counts, evidence, summaries and the capped examples."""

import pytest

import vnfo
from vnfo import scale_checks

SCENARIOS = ("honest", "ids-rewrites-payload", "drops-blamed-on-network", "substitutes-function",
             "tampers-log")


def functional(report, names):
    return [c for c in report.to_dict()["checks"] if c["check"] in names]


def names_of(result):
    return {c["check"] for c in result.report.to_dict()["checks"]}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_distributed_equals_single_process(demo_dir, dask_client, scenario):
    refs = {"ids": lambda pkt: bytes(pkt)}  # a lambda pickles by value to the workers
    single = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / scenario, references=refs)
    dist = scale_checks.verify_functional(demo_dir / "manifest.json", demo_dir / scenario,
                                          references=refs, client=dask_client, buckets=3)
    names = set(scale_checks.FUNCTIONAL_CHECKS) | {"reference.ids"}
    assert names_of(dist) == names and dist.exact and dist.records > 900
    assert functional(dist.report, names) == functional(single, names)


def test_cheating_is_caught_the_same_way(demo_dir, dask_client):
    rep = scale_checks.verify_functional(demo_dir / "manifest.json",
                                         demo_dir / "drops-blamed-on-network",
                                         client=dask_client, buckets=2).report
    drops = rep["drops.attribution"]
    assert drops.verdict is vnfo.Verdict.FAIL and drops.number("violations") > 0
    assert "never reached hop" in drops.to_dict()["examples"][0]["note"]
    assert rep["chain.complete"].verdict is vnfo.Verdict.PASS


@pytest.mark.parametrize("buckets", [1, 5])
def test_example_cap_and_order_survive_the_merge(demo_dir, buckets):
    refs = {"ids": lambda pkt: bytes(pkt)}
    manifest = vnfo.Manifest.load(demo_dir / "manifest.json")
    v = vnfo.Verifier(manifest, max_examples=3)
    v.set_reference("ids", refs["ids"])
    v.add_logs_dir(demo_dir / "ids-rewrites-payload")
    single = v.run()
    dist = scale_checks.verify_functional(demo_dir / "manifest.json",
                                          demo_dir / "ids-rewrites-payload", references=refs,
                                          buckets=buckets, max_examples=3).report
    bad = dist["reference.ids"]
    assert len(bad.examples) == 3 and bad.examples_total > 3
    assert bad.examples == sorted(bad.examples)
    names = set(scale_checks.FUNCTIONAL_CHECKS) | {"reference.ids"}
    assert functional(dist, names) == functional(single, names)


def test_truncated_log_is_flagged_inexact(demo_dir):
    res = scale_checks.verify_functional(demo_dir / "manifest.json",
                                         demo_dir / "truncates-log", buckets=2)
    assert not res.exact
    honest = scale_checks.verify_functional(demo_dir / "manifest.json", demo_dir / "honest")
    assert honest.exact and honest.buckets == 8


def test_bad_bucket_count(demo_dir):
    with pytest.raises(ValueError):
        scale_checks.verify_functional(demo_dir / "manifest.json", demo_dir / "honest", buckets=0)


def test_heartbeats_reach_every_bucket(demo_dir, dask_client):
    """The demo manifest names logging.heartbeat_ms: each bucket sees every
    node's period close, so an honest run is exact, and a log whose tail
    (the close among it) was deleted makes the result inexact."""
    honest = scale_checks.verify_functional(demo_dir / "manifest.json", demo_dir / "honest",
                                            client=dask_client, buckets=3)
    assert honest.exact and honest.report["chain.complete"].number(
        "missing_explained_by_log_faults") == 0
    tail = scale_checks.verify_functional(demo_dir / "manifest.json", demo_dir / "deletes-tail",
                                          client=dask_client, buckets=3)
    assert not tail.exact
    assert tail.report["drops.attribution"].verdict is vnfo.Verdict.PASS
