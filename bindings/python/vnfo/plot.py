"""Figures for analysts (matplotlib).

Each function returns a ``matplotlib.figure.Figure`` (it never calls
``plt.show()``), so scripts save it with ``fig.savefig("x.png")`` and
notebooks display it.  Inputs are plain mappings and arrays, so the
functions also draw data that did not come from vnfo objects.

- ``delay_cdf``: the delay CDF of each function beside its reference, with
  the SLA bound drawn;
- ``billed_vs_estimated``: billed totals beside the estimates from the
  sampled logs and their confidence intervals;
- ``sampling_coverage``: per node, the share of packets sampled over time,
  against the configured probability.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from ._optional import require

np = require("numpy", "vnfo.plot", "plot")
require("matplotlib", "vnfo.plot", "plot")

__all__ = ["delay_cdf", "billed_vs_estimated", "bill_rows", "sampling_coverage", "ecdf"]

Number = Union[int, float]


def _figure(n_panels: int = 1, width: float = 5.0, height: float = 3.6):
    # Figure() directly, not pyplot: no global state, no GUI backend needed.
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width * n_panels, height), layout="constrained")
    axes = fig.subplots(1, n_panels, squeeze=False)[0]
    return fig, list(axes)


def ecdf(values: Iterable[Number]):
    """The empirical CDF: sorted values and the fraction <= each."""
    x = np.sort(np.asarray(list(values) if not hasattr(values, "__array__") else values,
                           dtype=float))
    y = np.arange(1, len(x) + 1) / max(len(x), 1)
    return x, y


def delay_cdf(delays: Mapping[str, Sequence[Number]],
              reference: Optional[Mapping[str, Sequence[Number]]] = None,
              sla_bound: Union[None, Number, Mapping[str, Number]] = None,
              unit: str = "µs", scale: float = 1e-3, title: str = "Delay per function"):
    """One panel per function: the CDF of the measured delays (ns) and of the
    reference's, with a vertical line at the SLA bound (ns).

    ``scale`` converts ns to ``unit`` (1e-3 for µs).
    """
    names = list(delays)
    fig, axes = _figure(max(len(names), 1))
    for ax, name in zip(axes, names):
        x, y = ecdf(delays[name])
        ax.step(x * scale, y, where="post", label="measured")
        if reference is not None and name in reference and len(reference[name]):
            rx, ry = ecdf(reference[name])
            ax.step(rx * scale, ry, where="post", linestyle="--", label="reference")
        bound = sla_bound.get(name) if isinstance(sla_bound, Mapping) else sla_bound
        if bound is not None:
            ax.axvline(float(bound) * scale, color="red", linewidth=1, label="SLA bound")
        ax.set_title(str(name))
        ax.set_xlabel(f"delay ({unit})")
        ax.set_ylabel("fraction of packets")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    fig.suptitle(title)
    return fig


def bill_rows(report) -> list:
    """Rows for ``billed_vs_estimated`` from a report's ``bill.*`` checks
    (those whose evidence has billed, estimate and interval)."""
    rows = []
    for check in report:
        ev = check.evidence
        if check.name.startswith("bill.") and {"billed", "estimate", "interval"} <= set(ev):
            lo, hi = ev["interval"]
            rows.append({"name": check.name[5:], "billed": float(ev["billed"]),
                         "estimate": float(ev["estimate"]), "low": lo, "high": hi})
    return rows


def billed_vs_estimated(rows: Union[Iterable[Mapping[str, Any]], Any], relative: bool = True,
                        title: str = "Billed versus estimated"):
    """Billed totals (bars) beside the estimates with their intervals.

    ``rows``: a ``vnfo.Report`` (its ``bill.*`` checks), or mappings (or a
    DataFrame) with ``name``, ``billed``, ``estimate``, ``low``, ``high``; a
    bar outside its interval is drawn in red.  ``relative`` (default) divides everything by the estimate, so
    resources of different units (packets, cycles, bytes) share one axis
    and the estimate sits at 1.
    """
    from .report import Report
    if isinstance(rows, Report):
        rows = bill_rows(rows)
    elif hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    rows = list(rows)
    fig, (ax,) = _figure(1, width=max(5.0, 1.3 * len(rows)))
    idx = np.arange(len(rows))
    billed = np.array([float(r["billed"]) for r in rows])
    est = np.array([float(r["estimate"]) for r in rows])
    low = np.array([float(r["low"]) for r in rows])
    high = np.array([float(r["high"]) for r in rows])
    if relative:
        scale = np.where(est > 0, est, 1.0)
        billed, low, high, est = billed / scale, low / scale, high / scale, est / scale
        ax.axhline(1.0, color="gray", linewidth=0.8)
    colors = ["tab:red" if (b > h or b < lo) else "tab:blue"
              for b, lo, h in zip(billed, low, high)]
    ax.bar(idx - 0.2, billed, width=0.4, color=colors, label="billed")
    ax.errorbar(idx + 0.2, est, yerr=[est - low, high - est], fmt="o", color="black",
                capsize=4, label="estimate (interval)")
    ax.set_xticks(idx, [str(r["name"]) for r in rows], rotation=20)
    ax.set_ylabel("total / estimate" if relative else "total")
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    ax.set_title(title)
    return fig


def sampling_coverage(sampled_times: Mapping[str, Sequence[Number]],
                      offered_times: Optional[Sequence[Number]] = None,
                      probability: Optional[float] = None, bins: int = 40,
                      title: str = "Sampling coverage over time"):
    """Per node, the packets sampled per time bin (times in ns).

    With ``offered_times`` (every packet offered to the sampler) the curve is
    the sampled share of the offered packets, and ``probability`` draws the
    configured rate; without, it is the count of sampled packets.
    """
    all_times = [np.asarray(t, dtype=float) for t in sampled_times.values()]
    if offered_times is not None:
        all_times.append(np.asarray(offered_times, dtype=float))
    nonempty = [t for t in all_times if len(t)]
    lo = min(t.min() for t in nonempty) if nonempty else 0.0
    hi = max(t.max() for t in nonempty) if nonempty else 1.0
    edges = np.linspace(lo, hi if hi > lo else lo + 1, bins + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    fig, (ax,) = _figure(1, width=7.0)
    offered = None
    if offered_times is not None:
        offered, _ = np.histogram(np.asarray(offered_times, dtype=float), edges)
    for node, times in sampled_times.items():
        counts, _ = np.histogram(np.asarray(times, dtype=float), edges)
        if offered is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(offered > 0, counts / np.maximum(offered, 1), np.nan)
            ax.plot((mids - lo) / 1e9, share, marker=".", label=str(node))
        else:
            ax.plot((mids - lo) / 1e9, counts, marker=".", label=str(node))
    if probability is not None and offered is not None:
        ax.axhline(probability, color="gray", linestyle="--", label="configured p")
    ax.set_xlabel("time (s from first packet)")
    ax.set_ylabel("sampled share" if offered is not None else "sampled packets per bin")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title)
    return fig
