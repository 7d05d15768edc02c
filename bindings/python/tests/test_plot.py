import numpy as np
import pytest

from vnfo import plot


def test_ecdf_matches_definition():
    x, y = plot.ecdf([3, 1, 2, 2])
    assert list(x) == [1, 2, 2, 3]
    assert list(y) == [0.25, 0.5, 0.75, 1.0]


def test_delay_cdf_draws_measured_reference_and_bound(tmp_path):
    rng = np.random.default_rng(1)
    fig = plot.delay_cdf({"fw": rng.exponential(5e3, 200), "nat": rng.exponential(8e3, 50)},
                         reference={"fw": rng.exponential(4e3, 200)},
                         sla_bound={"fw": 20e3, "nat": 30e3})
    fw, nat = fig.axes
    assert [l.get_label() for l in fw.get_lines()] == ["measured", "reference", "SLA bound"]
    assert [l.get_label() for l in nat.get_lines()] == ["measured", "SLA bound"]
    bound = fw.get_lines()[2].get_xdata()
    assert bound[0] == pytest.approx(20.0)  # ns -> µs
    fig.savefig(tmp_path / "cdf.png")
    assert (tmp_path / "cdf.png").read_bytes()[:4] == b"\x89PNG"


def test_billed_vs_estimated_marks_overbilling(tmp_path):
    rows = [{"name": "cpu", "billed": 100, "estimate": 98, "low": 90, "high": 106},
            {"name": "mem", "billed": 150, "estimate": 100, "low": 95, "high": 105}]
    fig = plot.billed_vs_estimated(rows, relative=False)
    bars = fig.axes[0].patches
    assert [b.get_height() for b in bars] == [100, 150]
    assert bars[0].get_facecolor() != bars[1].get_facecolor()
    fig = plot.billed_vs_estimated(rows)
    assert [b.get_height() for b in fig.axes[0].patches] == pytest.approx([100 / 98, 1.5])
    fig.savefig(tmp_path / "bill.png")


def test_sampling_coverage_share_and_count(tmp_path):
    offered = np.arange(0, 10_000) * 1e6
    sampled = offered[::4]
    fig = plot.sampling_coverage({"n1": sampled}, offered_times=offered, probability=0.25,
                                 bins=10)
    share = fig.axes[0].get_lines()[0].get_ydata()
    assert np.allclose(share, 0.25, atol=0.01)
    fig.savefig(tmp_path / "cov.png")
    fig = plot.sampling_coverage({"n1": sampled, "n2": []}, bins=5)
    assert fig.axes[0].get_lines()[0].get_ydata().sum() == len(sampled)
