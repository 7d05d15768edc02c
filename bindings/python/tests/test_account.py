import math
import pickle

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, strategies as st

import vnfo
from vnfo import account as A

values = st.lists(st.integers(0, 2**40), max_size=40)


def acc_of(xs, **kw):
    return vnfo.Accumulator(resource=1, scope=2, **kw).add_many(xs)


@given(values, values, values)
def test_merge_is_associative_and_commutative(a, b, c):
    A_, B_, C_ = acc_of(a), acc_of(b), acc_of(c)
    left = (A_ + B_) + C_
    right = A_ + (B_ + C_)
    swapped = (C_ + A_) + B_
    whole = acc_of(a + b + c)
    assert left.serialize() == right.serialize() == swapped.serialize() == whole.serialize()
    assert left.sum() == sum(a + b + c) and left.sum(2) == sum(x * x for x in a + b + c)
    assert len(left) == len(a + b + c)


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=30))
def test_sums_are_exact_and_serialisation_round_trips(xs):
    acc = acc_of(xs)
    assert acc.sum(3) == sum(x ** 3 for x in xs)
    assert (acc.min, acc.max) == (min(xs), max(xs))
    again = pickle.loads(pickle.dumps(acc))
    assert again == acc and again.serialize() == acc.serialize()


def test_merge_refuses_other_options():
    with pytest.raises(vnfo.AccountError) as info:
        acc_of([1]).merge(vnfo.Accumulator(resource=9, scope=2))
    assert info.value.status_name == "VNFO_E_ACCOUNT_MISMATCH"


def test_deserialize_refuses_garbage():
    data = bytearray(acc_of([1, 2, 3]).serialize())
    data[-1] ^= 0xFF
    with pytest.raises((vnfo.AccountError, vnfo.UnsupportedVersion)):
        vnfo.Accumulator.deserialize(bytes(data[:10]))


def test_summary_matches_numpy_and_scipy():
    rng = np.random.default_rng(3)
    xs = rng.integers(1000, 50_000, size=999).astype(np.uint64)
    s = acc_of(xs).summary()
    srt = np.sort(xs)
    assert s["n"] == 999 and s["mean"] == pytest.approx(xs.mean())
    assert s["stddev"] == pytest.approx(np.std(xs.astype(float), ddof=1))
    assert s["skewness"] == pytest.approx(scipy.stats.skew(xs.astype(float), bias=False), rel=1e-6)
    for q, key in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
        assert s[key] == srt[math.ceil(q * 999) - 1]


def test_total_check_normal_interval_matches_scipy():
    rng = np.random.default_rng(5)
    xs = rng.integers(1000, 3000, size=400).astype(np.uint64)
    p = 1 / 64
    acc = acc_of(xs)
    est = float(xs.sum()) / p
    se = math.sqrt((1 - p) / p**2 * float((xs.astype(float) ** 2).sum()))
    z = scipy.stats.norm.ppf(0.995)
    res = acc.total_check(round(est), p, method="normal", confidence=0.99)
    assert res.check == "total" and res.method == "normal" and res.verdict == "consistent"
    assert res.estimate == pytest.approx(est) and res.std_error == pytest.approx(se)
    assert res.lower == pytest.approx(est - z * se) and res.upper == pytest.approx(est + z * se)
    over = acc.total_check(round(est + 4 * se), p, method="normal")
    assert over.verdict == "overcharged" and not over.ok
    assert over.p_value == pytest.approx(2 * scipy.stats.norm.sf(abs(over.statistic)))


def test_count_check_clopper_pearson_matches_scipy():
    res = A.count_check(150, 10_000, 1 / 64, confidence=0.99)
    ci = scipy.stats.binomtest(150, 10_000).proportion_ci(0.99, method="exact")
    assert res.check == "count" and res.method == "binomial"
    assert res.rate == pytest.approx(150 / 10_000)
    assert res.rate_lower == pytest.approx(ci.low, rel=1e-6)
    assert res.rate_upper == pytest.approx(ci.high, rel=1e-6)
    assert res.verdict == "consistent"
    assert A.count_check(400, 10_000, 1 / 64).verdict == "undercharged"


def test_performance_mean_student_t_matches_scipy():
    rng = np.random.default_rng(8)
    delays = rng.normal(10_000, 500, size=200).astype(np.uint64)
    acc = acc_of(delays)
    res = acc.performance_check("mean", 9_000, slack_abs=2_000, confidence=0.99)
    m, s = delays.mean(), np.std(delays.astype(float), ddof=1)
    t = scipy.stats.t.ppf(0.995, df=199)
    # Hall's skewness correction with gamma = G1/sqrt(n): g^-1(y) =
    # (cbrt(1 + 3a(y - b)) - 1)/a, a = gamma/3, b = gamma/6
    gamma = scipy.stats.skew(delays.astype(float), bias=False) / math.sqrt(200)
    a, b = gamma / 3, gamma / 6
    ginv = lambda y: (np.cbrt(1 + 3 * a * (y - b)) - 1) / a  # noqa: E731
    assert res.method == "student-t"
    assert res.estimate == pytest.approx(m)
    assert res.lower == pytest.approx(m - s / math.sqrt(200) * ginv(t), rel=1e-6)
    assert res.upper == pytest.approx(m - s / math.sqrt(200) * ginv(-t), rel=1e-6)
    # close to the plain t interval for these symmetric delays
    assert res.upper == pytest.approx(m + t * s / math.sqrt(200), rel=1e-3)
    assert res.limit == pytest.approx(11_000) and res.verdict == "pass"
    assert acc.performance_check("p99", 9_000, slack_abs=100).verdict == "fail"


def test_minimality_and_helpers():
    res, first = A.minimality_check_pairs([100, 100, 150, 100], [100, 100, 100, 100],
                                          slack_mode="rel", slack_rel=0.1, tolerated_rate=0.01)
    assert res.violations == 1 and first == 2 and res.check == "minimality"
    assert A.slack_exceeded(111, 100, slack_mode="rel", slack_rel=0.1)
    assert not A.slack_exceeded(110, 100, slack_mode="rel", slack_rel=0.1)
    assert A.slack_exceeded(110, 100)  # default: absolute slack 0
    assert A.delay(5, 9) == 4
    with pytest.raises(vnfo.AccountError) as info:
        A.delay(9, 5)
    assert info.value.status_name == "VNFO_E_ACCOUNT_VALUE"
    with pytest.raises(vnfo.AccountError) as info:
        vnfo.Accumulator().quantile(0.5)
    assert info.value.status_name == "VNFO_E_ACCOUNT_EMPTY"
    assert set(res.evidence()) >= {"check", "verdict", "violations", "rate"}


def test_add_many_takes_plain_buffers_and_sequences_alike():
    import array
    xs = [3, 2**64 - 1, 0, 12345, 7]
    want = acc_of(np.array(xs, dtype=np.uint64)).serialize()
    assert acc_of(array.array("Q", xs)).serialize() == want        # read in place
    assert acc_of(xs).serialize() == want                          # a list
    assert acc_of(iter(xs)).serialize() == want                    # any iterable
    assert acc_of(np.array(xs[2:], dtype=np.int64)).sum() == sum(xs[2:])  # converted
    assert len(acc_of(array.array("Q"))) == 0
    with pytest.raises(OverflowError):
        acc_of([1, -1])
    res, first = A.minimality_check_pairs(array.array("Q", [10, 30]), [10, 20],
                                          slack_mode="abs", slack_abs=5)
    assert (res.violations, first) == (1, 1)


def test_cluster_checks():
    """Labels with duplicates: the clustered quantile and SLA checks widen
    their intervals by the effective sample size; with one packet per label
    they are the plain checks."""
    base = [1000 + 5 * i for i in range(200)]
    values = [v for v in base for _ in range(5)]
    mult = [5] * 200
    plain = A.Accumulator().add_many(values).quantile_check(0.5, 1560)
    clustered = A.quantile_check_clusters(values, mult, 0.5, 1560)
    assert plain.verdict == "overcharged" and clustered.verdict == "consistent"
    assert clustered.interval == (1405.0, 1590.0)
    assert abs(clustered.statistic - 199) < 1e-6
    single = A.quantile_check_clusters(base, [1] * 200, 0.5, 1500)
    assert single.interval == A.Accumulator().add_many(base).quantile_check(0.5, 1500).interval
    mean = A.performance_check_clusters(values, mult, "mean", 1520)
    assert mean.verdict == "inconclusive" and mean.upper > 1550
    count = A.count_check_clusters(mult, 10000, "1/10")
    assert count.verdict == "consistent"
    mini = A.minimality_check_clusters([5] * 80, [5 if i % 10 == 0 else 0 for i in range(80)],
                                       tolerated_rate=0.05)
    assert mini.verdict == "inconclusive"
    with pytest.raises(vnfo.errors.Error) as err:
        A.quantile_check_clusters(values, [5] * 199, 0.5, 1500)
    assert "the multiplicities add up to 995" in str(err.value)
    with pytest.raises(vnfo.errors.Error) as err:
        A.quantile_check_clusters([1, 2], [2, 0], 0.5, 1)
    assert "label 1 has multiplicity 0" in str(err.value)
