"""Accounting and performance statistics (include/vnfo/account.h,
docs/accounting.md): mergeable accumulators of sampled values, and checks
that return ``Result`` verdict objects with their evidence.

Accumulators merge exactly (the merged bytes are the same in any order and
grouping) and pickle as their serialised form, so per-shard accumulators
computed on Dask workers merge into the single-process result.
"""

from __future__ import annotations

import dataclasses
import fractions
import math
import sys
from typing import Any, Dict, Optional, Tuple

from ._ffi import check, ffi, lib, raise_status

__all__ = ["Accumulator", "Result", "count_check", "minimality_check",
           "minimality_check_pairs", "slack_exceeded", "delay", "parse_value"]

_METHODS = {"auto": 0, "normal": 1, "bernstein": 2}
_SLACK = {"abs": 0, "rel": 1, "either": 2, "both": 3}
_METRICS = {"mean": 1, "p50": 2, "p95": 3, "p99": 4, "max": 5, "quantile": 6}


def _name(fn, value) -> str:
    p = fn(value)
    return ffi.string(p).decode() if p != ffi.NULL else "unknown"


def _rational(p) -> "ffi.CData":
    frac = fractions.Fraction(p)
    r = ffi.new("vnfo_rational *")
    r.num = frac.numerator
    r.den = 0 if frac.denominator == 2**64 else frac.denominator
    return r[0]


def _options(confidence: Optional[float] = None, method: Optional[str] = None,
             max_value: Optional[int] = None, slack_mode: Optional[str] = None,
             slack_abs: Optional[float] = None, slack_rel: Optional[float] = None,
             tolerated_rate: Optional[float] = None, quantile: Optional[float] = None):
    o = ffi.new("vnfo_account_options *")
    check(lib.vnfo_account_options_init(o, lib.VNFO_ACCOUNT_OPTIONS_VERSION))
    if confidence is not None:
        o.confidence = confidence
    if method is not None:
        o.method = _METHODS[method]
    if max_value is not None:
        o.max_value = max_value
    if slack_mode is not None:
        o.slack_mode = _SLACK[slack_mode]
    if slack_abs is not None:
        o.slack_abs = slack_abs
    if slack_rel is not None:
        o.slack_rel = slack_rel
    if tolerated_rate is not None:
        o.tolerated_rate = tolerated_rate
    if quantile is not None:
        o.quantile = quantile
    return o


def _result():
    r = ffi.new("vnfo_account_result *")
    check(lib.vnfo_account_result_init(r, lib.VNFO_ACCOUNT_RESULT_VERSION))
    return r


@dataclasses.dataclass(frozen=True)
class Result:
    """The verdict of one accounting or performance check, with its evidence.

    ``verdict`` is "consistent", "overcharged", "undercharged",
    "inconclusive", "pass" or "fail"; ``interval`` is (lower, upper);
    fields a check does not use are NaN or 0 (docs/accounting.md).
    """
    check: str
    verdict: str
    method: str
    reason: str
    confidence: float
    n: int
    billed: float
    estimate: float
    lower: float
    upper: float
    p_value: float
    std_error: float
    statistic: float
    skewness: float
    cochran_ok: bool
    exact_cmp: int
    probability: float
    max_value: float
    quantile: float
    rank_lower: int
    rank_upper: int
    violations: int
    rate: float
    rate_lower: float
    rate_upper: float
    reference: float
    limit: float

    @classmethod
    def _from_c(cls, r) -> "Result":
        return cls(
            check=_name(lib.vnfo_account_check_name, r.check),
            verdict=_name(lib.vnfo_account_verdict_name, r.verdict).lower(),
            method=_name(lib.vnfo_account_method_name, r.method),
            reason=_name(lib.vnfo_account_reason_text, r.reason),
            confidence=r.confidence, n=int(r.n), billed=r.billed, estimate=r.estimate,
            lower=r.lower, upper=r.upper, p_value=r.p_value, std_error=r.std_error,
            statistic=r.statistic, skewness=r.skewness, cochran_ok=bool(r.cochran_ok),
            exact_cmp=int(r.exact_cmp), probability=r.probability, max_value=r.max_value,
            quantile=r.quantile, rank_lower=int(r.rank_lower), rank_upper=int(r.rank_upper),
            violations=int(r.violations), rate=r.rate, rate_lower=r.rate_lower,
            rate_upper=r.rate_upper, reference=r.reference, limit=r.limit)

    @property
    def interval(self) -> Tuple[float, float]:
        return (self.lower, self.upper)

    @property
    def ok(self) -> bool:
        """True for "consistent" and "pass"."""
        return self.verdict in ("consistent", "pass")

    def evidence(self) -> Dict[str, Any]:
        """The fields that carry a value for this check (no NaN)."""
        return {k: v for k, v in dataclasses.asdict(self).items()
                if not (isinstance(v, float) and math.isnan(v))}


class Accumulator:
    """Exact sums, min/max, kept values and a quantile sketch of sampled
    values of one resource in one scope.

    Args:
        resource, scope: caller-defined ids; accumulators merge only when
            these and the other options are equal.
        sketch_bits: sketch resolution k (relative error < 2^-(k+1)).
        max_values: values kept for exact quantiles (0: sketch only).
    """

    __slots__ = ("_c", "__weakref__")

    def __init__(self, resource: int = 0, scope: int = 0, sketch_bits: Optional[int] = None,
                 max_values: Optional[int] = None) -> None:
        o = ffi.new("vnfo_account_acc_options *")
        check(lib.vnfo_account_acc_options_init(o, lib.VNFO_ACCOUNT_ACC_OPTIONS_VERSION))
        o.resource, o.scope = resource, scope
        if sketch_bits is not None:
            o.sketch_bits = sketch_bits
        if max_values is not None:
            o.max_values = max_values
        out = ffi.new("vnfo_account_acc **")
        check(lib.vnfo_account_acc_create(out, o))
        self._c = ffi.gc(out[0], lib.vnfo_account_acc_free)

    @classmethod
    def deserialize(cls, data) -> "Accumulator":
        """An accumulator from ``serialize()`` bytes (checked: untrusted input)."""
        buf = ffi.from_buffer("uint8_t[]", data)
        out = ffi.new("vnfo_account_acc **")
        check(lib.vnfo_account_acc_deserialize(out, buf, len(buf)))
        acc = cls.__new__(cls)
        acc._c = ffi.gc(out[0], lib.vnfo_account_acc_free)
        return acc

    def serialize(self) -> bytes:
        """The canonical serialised form (equal contents, equal bytes)."""
        size = ffi.new("size_t *")
        check(lib.vnfo_account_acc_serialized_size(size, self._c))
        out = ffi.new("uint8_t[]", size[0])
        check(lib.vnfo_account_acc_serialize(out, len(out), size, self._c))
        return bytes(ffi.buffer(out, size[0]))

    def __reduce__(self):
        return (Accumulator.deserialize, (self.serialize(),))

    def copy(self) -> "Accumulator":
        return Accumulator.deserialize(self.serialize())

    def add(self, value: int) -> "Accumulator":
        status = lib.vnfo_account_acc_add(self._c, value)
        if status:
            raise_status(status, message="accumulator: cannot add "
                         + ffi.string(lib.vnfo_strerror(status)).decode())
        return self

    def add_many(self, values) -> "Accumulator":
        """Add many values: a contiguous buffer of native uint64 (a numpy
        ``uint64`` array, ``array.array("Q")``) is read in place; other
        sequences are converted first.  Needs no numpy."""
        arr, n = _u64_array(values)
        status = lib.vnfo_account_acc_add_many(self._c, arr, n)
        if status:
            raise_status(status, message="accumulator: cannot add values: "
                         + ffi.string(lib.vnfo_strerror(status)).decode())
        return self

    def merge(self, other: "Accumulator") -> "Accumulator":
        """Merge ``other`` into this one (in place); returns self."""
        check(lib.vnfo_account_acc_merge(self._c, other._c))
        return self

    def __add__(self, other: "Accumulator") -> "Accumulator":
        return self.copy().merge(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Accumulator):
            return NotImplemented
        return self.serialize() == other.serialize()

    __hash__ = None  # mutable

    def __len__(self) -> int:
        return int(lib.vnfo_account_acc_count(self._c))

    @property
    def count(self) -> int:
        return len(self)

    @property
    def min(self) -> int:
        return int(lib.vnfo_account_acc_min(self._c))

    @property
    def max(self) -> int:
        return int(lib.vnfo_account_acc_max(self._c))

    @property
    def resource(self) -> int:
        return int(lib.vnfo_account_acc_resource(self._c))

    @property
    def scope(self) -> int:
        return int(lib.vnfo_account_acc_scope(self._c))

    @property
    def values_exact(self) -> bool:
        return bool(lib.vnfo_account_acc_values_exact(self._c))

    @property
    def sketch_error(self) -> float:
        return float(lib.vnfo_account_acc_sketch_error(self._c))

    def sum(self, power: int = 1) -> int:
        """The exact Σx (power 1), Σx² (2) or Σx³ (3) as a Python int."""
        out = ffi.new("char[]", lib.vnfo_account_sum_text_size())
        check(lib.vnfo_account_acc_sum_text(out, len(out), self._c, power))
        return int(ffi.string(out))

    def quantile(self, q: float) -> float:
        """The sample quantile x_(ceil(q n))."""
        out = ffi.new("double *")
        check(lib.vnfo_account_acc_quantile(out, self._c, q))
        return float(out[0])

    def summary(self) -> Dict[str, Any]:
        """n, min, max, sum, mean, stddev, skewness, p50, p95, p99,
        values_exact, sketch_error."""
        s = ffi.new("vnfo_account_summary *")
        s.version = lib.VNFO_ACCOUNT_SUMMARY_VERSION
        check(lib.vnfo_account_acc_summary(s, self._c))
        return {"n": int(s.n), "min": int(s.min), "max": int(s.max), "sum": s.sum,
                "mean": s.mean, "stddev": s.stddev, "skewness": s.skewness, "p50": s.p50,
                "p95": s.p95, "p99": s.p99, "values_exact": bool(s.values_exact),
                "sketch_error": s.sketch_error}

    # ---- checks --------------------------------------------------------------
    def total_check(self, billed: int, probability, **options) -> Result:
        """Is the billed total consistent with these values sampled with
        ``probability`` (Horvitz-Thompson, normal or Bernstein interval)?"""
        r = _result()
        check(lib.vnfo_account_total_check(r, self._c, billed, _rational(probability),
                                           _options(**options)))
        return Result._from_c(r)

    def quantile_check(self, q: float, billed_value: int, **options) -> Result:
        """Is a billed quantile (e.g. p95 memory) consistent with the sample?"""
        r = _result()
        check(lib.vnfo_account_quantile_check(r, self._c, q, billed_value, _options(**options)))
        return Result._from_c(r)

    def performance_check(self, metric: str, reference: float, **options) -> Result:
        """Is the metric ("mean", "p50", "p95", "p99", "max", "quantile") of
        these delays within the reference plus slack?"""
        r = _result()
        check(lib.vnfo_account_performance_check(r, self._c, _METRICS[metric], reference,
                                                 _options(**options)))
        return Result._from_c(r)

    def __repr__(self) -> str:
        return f"<Accumulator resource={self.resource} scope={self.scope} n={len(self)}>"


def count_check(sampled: int, billed_packets: int, probability, **options) -> Result:
    """Is the billed packet count consistent with the sampled count
    (exact binomial, Clopper-Pearson)?"""
    r = _result()
    check(lib.vnfo_account_count_check(r, sampled, billed_packets, _rational(probability),
                                       _options(**options)))
    return Result._from_c(r)


def minimality_check(checked: int, violations: int, **options) -> Result:
    """Is the violation rate of the minimality bound within the tolerated rate?"""
    r = _result()
    check(lib.vnfo_account_minimality_check(r, checked, violations, _options(**options)))
    return Result._from_c(r)


def _u64_array(values) -> Tuple[Any, int]:
    """``values`` as a C ``uint64_t`` array and its length, without numpy.

    A 1-D C-contiguous buffer of native 8-byte unsigned integers is passed
    to C in place (no copy); a numpy array of another type is converted by
    numpy (already imported then); anything else is read element by element
    (``OverflowError`` for a negative or too large value)."""
    try:
        view = memoryview(values)
    except TypeError:
        view = None
    if (view is not None and view.ndim == 1 and view.c_contiguous and view.itemsize == 8
            and view.format in ("Q", "L")):
        return ffi.from_buffer("uint64_t[]", values), len(view)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(values, np.ndarray):
        arr = np.ascontiguousarray(values, dtype=np.uint64).reshape(-1)
        return ffi.from_buffer("uint64_t[]", arr), len(arr)
    items = [int(v) for v in values]
    return ffi.new("uint64_t[]", items), len(items)


def minimality_check_pairs(provider, reference, **options) -> Tuple[Result, Optional[int]]:
    """Minimality over (provider, reference) usage pairs; also returns the
    index of the first violating pair (None when none)."""
    p, np_ = _u64_array(provider)
    q, nq = _u64_array(reference)
    if np_ != nq:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"minimality: {np_} provider values, {nq} reference values")
    r, first = _result(), ffi.new("size_t *")
    check(lib.vnfo_account_minimality_check_pairs(r, first, p, q, np_, _options(**options)))
    res = Result._from_c(r)
    return res, (int(first[0]) if res.violations else None)


def _clusters(values, multiplicity) -> Tuple[Any, Any, int]:
    """Packet values label by label and the packets per label, as C arrays;
    the values must number sum(multiplicity)."""
    v, nv = _u64_array(values)
    m, nm = _u64_array(multiplicity)
    total = sum(int(m[i]) for i in range(nm))
    if total != nv:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"clusters: {nv} values, but the multiplicities add up to {total}")
    return v, m, nm


def count_check_clusters(multiplicity, billed_packets: int, probability, **options) -> Result:
    """The billed packet count against sampled labels with their
    multiplicities (duplicates are sampled together)."""
    m, nm = _u64_array(multiplicity)
    r = _result()
    check(lib.vnfo_account_count_check_clusters(r, m, nm, billed_packets, _rational(probability),
                                                _options(**options)))
    return Result._from_c(r)


def minimality_check_clusters(checked, violations, **options) -> Result:
    """Minimality from per-label counts: packets checked and violations."""
    c, nc = _u64_array(checked)
    v, nv = _u64_array(violations)
    if nc != nv:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"minimality: {nc} labels checked, {nv} violation counts")
    r = _result()
    check(lib.vnfo_account_minimality_check_clusters(r, c, v, nc, _options(**options)))
    return Result._from_c(r)


def quantile_check_clusters(values, multiplicity, q: float, billed_value: int,
                            **options) -> Result:
    """A billed quantile against a cluster sample: ``values`` label by label,
    ``multiplicity`` the packets of each label (the effective sample size
    is in ``statistic``)."""
    v, m, nm = _clusters(values, multiplicity)
    r = _result()
    check(lib.vnfo_account_quantile_check_clusters(r, v, m, nm, q, billed_value,
                                                   _options(**options)))
    return Result._from_c(r)


def performance_check_clusters(values, multiplicity, metric: str, reference: float,
                               **options) -> Result:
    """An SLA metric of a cluster sample (the mean as a ratio estimator
    with its cluster variance; quantiles with the effective sample size)."""
    v, m, nm = _clusters(values, multiplicity)
    r = _result()
    check(lib.vnfo_account_performance_check_clusters(r, v, m, nm, _METRICS[metric], reference,
                                                      _options(**options)))
    return Result._from_c(r)


def slack_exceeded(provider: int, reference: int, **options) -> bool:
    """Whether one provider value exceeds the reference plus slack."""
    out = ffi.new("int *")
    check(lib.vnfo_account_slack_exceeded(out, provider, reference, _options(**options)))
    return bool(out[0])


def parse_value(text: str) -> int:
    """A non-negative decimal integer value as the library reads it from logs
    and bills (``vnfo.ArithmeticOverflow`` above 2^64 - 1)."""
    out = ffi.new("uint64_t *")
    check(lib.vnfo_account_value_parse(out, text.encode()))
    return int(out[0])


def delay(t_in: int, t_out: int) -> int:
    """t_out - t_in; ``vnfo.AccountError`` when negative."""
    out = ffi.new("uint64_t *")
    check(lib.vnfo_account_delay_compute(out, t_in, t_out))
    return int(out[0])
