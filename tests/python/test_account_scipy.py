"""Cross-checks of libvnfo's account statistics against scipy.stats.

The C side is reached through tests/account_probe (built by `make check`),
which reads one command per line and prints one answer per line.  Inputs are
random with fixed seeds, so a failure is reproducible.
"""
import os
import subprocess

import numpy as np
import pytest
from scipy import stats

BUILD = os.environ.get("VNFO_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
PROBE = os.path.join(BUILD, "tests", "account_probe")


def probe(lines):
    """Runs the probe over a list of command lines; returns its answers."""
    if not os.access(PROBE, os.X_OK):
        pytest.skip(f"{PROBE} not built (run make check first)")
    out = subprocess.run([PROBE, "--stdin"], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True, timeout=120).stdout.splitlines()
    assert len(out) == len(lines)
    for line, answer in zip(lines, out):
        assert not answer.startswith("error"), f"{line}: {answer}"
    return out


def floats(answers):
    return np.array([[float(x) for x in a.split()] for a in answers])


def test_normal_quantile():
    rng = np.random.default_rng(1)
    p = np.concatenate([rng.uniform(0, 1, 300), 10.0 ** -rng.uniform(1, 15, 100),
                        1 - 10.0 ** -rng.uniform(1, 12, 100), [0.5, 0.975, 0.995]])
    got = floats(probe([f"normq {float(x)!r}" for x in p]))[:, 0]
    np.testing.assert_allclose(got, stats.norm.ppf(p), rtol=1e-12, atol=1e-14)


def test_normal_cdf():
    x = np.random.default_rng(2).uniform(-30, 10, 300)
    got = floats(probe([f"normcdf {float(v)!r}" for v in x]))[:, 0]
    # Far in the lower tail the rounding of x/√2 is amplified by x² (about
    # 7e-14 relative at x = -26): the tolerance follows the argument.
    np.testing.assert_allclose(got, stats.norm.cdf(x), rtol=1e-12, atol=0)


def test_student_t_quantile():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.0005, 0.9995, 200)
    df = np.concatenate([rng.uniform(1, 10, 100), rng.integers(2, 10000, 100)])
    got = floats(probe([f"tq {float(a)!r} {float(b)!r}" for a, b in zip(p, df)]))[:, 0]
    np.testing.assert_allclose(got, stats.t.ppf(p, df), rtol=1e-10, atol=1e-12)


def test_incomplete_beta_and_inverse():
    rng = np.random.default_rng(4)
    a = 10.0 ** rng.uniform(-0.3, 3, 300)
    b = 10.0 ** rng.uniform(-0.3, 3, 300)
    x = rng.uniform(0, 1, 300)
    got = floats(probe([f"betainc {float(u)!r} {float(v)!r} {float(w)!r}" for u, v, w in zip(x, a, b)]))[:, 0]
    np.testing.assert_allclose(got, stats.beta.cdf(x, a, b), rtol=1e-10, atol=1e-14)
    q = rng.uniform(0.001, 0.999, 300)
    got = floats(probe([f"betaq {float(u)!r} {float(v)!r} {float(w)!r}" for u, v, w in zip(q, a, b)]))[:, 0]
    np.testing.assert_allclose(got, stats.beta.ppf(q, a, b), rtol=1e-9, atol=1e-14)


def test_binomial_cdf():
    rng = np.random.default_rng(5)
    n = rng.integers(1, 100000, 300)
    p = rng.uniform(0.001, 0.999, 300)
    # k around the mean, where the cdf is neither 0 nor 1 in double precision
    k = np.clip(np.round(n * p + rng.normal(0, 2, 300) * np.sqrt(n * p * (1 - p))), 0, n)
    got = floats(probe([f"binomcdf {a} {b} {float(c)!r}" for a, b, c in zip(k, n, p)]))[:, 0]
    np.testing.assert_allclose(got, stats.binom.cdf(k, n, p), rtol=1e-9, atol=1e-15)


def test_clopper_pearson_two_sided():
    rng = np.random.default_rng(6)
    n = rng.integers(1, 20000, 300)
    k = (rng.uniform(0, 1, 300) * (n + 1)).astype(int).clip(0, n)
    conf = rng.choice([0.8, 0.9, 0.95, 0.99, 0.999], 300)
    got = floats(probe([f"cp {a} {b} {c}" for a, b, c in zip(k, n, conf)]))
    alpha = 1 - conf
    lo = np.where(k == 0, 0.0, stats.beta.ppf(alpha / 2, np.maximum(k, 1), n - k + 1))
    hi = np.where(k == n, 1.0, stats.beta.ppf(1 - alpha / 2, k + 1, np.maximum(n - k, 1)))
    np.testing.assert_allclose(got[:, 0], lo, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(got[:, 1], hi, rtol=1e-9, atol=1e-15)


def test_minimality_upper_bound():
    rng = np.random.default_rng(7)
    n = rng.integers(1, 50000, 200)
    v = np.where(rng.uniform(0, 1, 200) < 0.3, 0, rng.integers(0, 50, 200)).clip(0, n)
    got = floats_verdicts(probe([f"minimality {a} {b} 0.95 0.01" for a, b in zip(n, v)]))
    hi = np.where(v == 0, 1 - 0.05 ** (1 / n), stats.beta.ppf(0.95, v + 1, np.maximum(n - v, 1)))
    hi = np.where(v == n, 1.0, hi)
    np.testing.assert_allclose(got[:, 1], hi, rtol=1e-9, atol=1e-15)
    lo = np.where(v == 0, 0.0, stats.beta.ppf(0.05, np.maximum(v, 1), n - v + 1))
    np.testing.assert_allclose(got[:, 0], lo, rtol=1e-9, atol=1e-15)
    # p-value of "rate <= 1%": P(Bin(n, 0.01) >= v)
    np.testing.assert_allclose(got[:, 2], stats.binom.sf(v - 1, n, 0.01), rtol=1e-8, atol=1e-14)


def floats_verdicts(answers):
    """Answers "VERDICT x y z": the numbers, verdicts dropped."""
    return np.array([[float(x) for x in a.split()[1:]] for a in answers])


def test_order_statistic_ranks():
    rng = np.random.default_rng(8)
    n = rng.integers(1, 5000, 300)
    q = rng.uniform(0.01, 0.99, 300)
    conf = rng.choice([0.9, 0.95, 0.99], 300)
    got = floats(probe([f"ranks {a} {float(b)!r} {c}" for a, b, c in zip(n, q, conf)])).astype(int)
    for (lo, up), nn, qq, cc in zip(got, n, q, conf):
        tail = (1 - cc) / 2
        cdf = lambda j: stats.binom.cdf(j, nn, qq)  # noqa: E731
        sf = lambda j: stats.binom.sf(j - 1, nn, qq)  # P(X >= j)  # noqa: E731
        eps = 1e-9
        # l: largest with P(X <= l-1) <= tail; u: smallest with P(X >= u) <= tail
        assert cdf(lo - 1) <= tail * (1 + eps)
        assert lo == nn or cdf(lo) > tail * (1 - eps)
        assert sf(up) <= tail * (1 + eps)
        assert up == 1 or sf(up - 1) > tail * (1 - eps)
        # coverage of [x_(l), x_(u)] for a continuous population >= conf
        assert cdf(up - 1) - cdf(lo - 1) >= cc - 1e-9


def test_order_statistic_coverage_empirical():
    """The quantile check's interval covers the true quantile of a
    continuous population at least at its nominal rate (sd of the rate over
    400 trials is 0.011; 3 sd of slack)."""
    rng = np.random.default_rng(9)
    q, conf, trials, n = 0.9, 0.9, 400, 150
    truth = stats.expon.ppf(q, scale=1e6)
    lines = []
    for _ in range(trials):
        sample = np.round(rng.exponential(1e6, n)).astype(np.uint64)
        lines.append(f"quantile {q} {int(round(truth))} {conf} " + " ".join(map(str, sample)))
    answers = probe(lines)
    covered = sum(a.split()[0] == "CONSISTENT" for a in answers)
    assert covered / trials >= conf - 0.033


def test_count_check_against_binomial_tails():
    rng = np.random.default_rng(10)
    cases = []
    for _ in range(100):
        big_n = int(rng.integers(10, 200000))
        den = int(rng.integers(2, 1000))
        num = int(rng.integers(1, den))
        n = int(np.clip(rng.normal(big_n * num / den, 3 * np.sqrt(big_n * num / den) + 1), 0, big_n))
        cases.append((n, big_n, num, den))
    got = floats_verdicts(probe([f"count {a} {b} {c} {d} 0.95" for a, b, c, d in cases]))
    verdicts = [a.split()[0] for a in probe([f"count {a} {b} {c} {d} 0.95" for a, b, c, d in cases])]
    for (n, big_n, num, den), row, verdict in zip(cases, got, verdicts):
        p = num / den
        pv = min(1.0, 2 * min(stats.binom.cdf(n, big_n, p), stats.binom.sf(n - 1, big_n, p)))
        assert row[2] == pytest.approx(pv, rel=1e-7, abs=1e-14)
        # accepted counts [lower, upper]: the billed count is inside iff p-value > alpha
        inside = row[0] <= big_n <= row[1]
        if abs(pv - 0.05) > 1e-6:
            assert inside == (pv > 0.05), (n, big_n, num, den, row, pv)
            assert (verdict == "CONSISTENT") == inside
        lo = 0.0 if n == 0 else stats.beta.ppf(0.025, n, big_n - n + 1)
        hi = 1.0 if n == big_n else stats.beta.ppf(0.975, n + 1, big_n - n)
        assert row[3] == pytest.approx(lo, rel=1e-9, abs=1e-15)
        assert row[4] == pytest.approx(hi, rel=1e-9, abs=1e-15)


def total_cases(seed, count):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(5, 400))
        x = np.round(rng.lognormal(8, rng.uniform(0.1, 1.5), n)).astype(np.int64)
        den = int(rng.integers(2, 10000))
        num = int(rng.integers(1, den))
        p = num / den
        t_hat = x.sum() / p
        se = np.sqrt((1 - p) / p**2 * float((x.astype(float) ** 2).sum()))
        billed = max(int(x.sum()), int(round(t_hat + rng.normal(0, 3) * se)))
        yield x, num, den, p, billed


def test_total_normal_against_numpy():
    lines, expected = [], []
    for x, num, den, p, billed in total_cases(11, 150):
        lines.append(f"total {billed} {num} {den} 0.95 1 0 " + " ".join(map(str, x)))
        s1, s2 = float(x.sum()), float((x.astype(float) ** 2).sum())
        t_hat = s1 / p
        se = np.sqrt((1 - p) / p**2 * s2)
        z = stats.norm.ppf(0.975)
        # skewness of the estimated total: (1-2p)/sqrt(1-p)·Σx³/(Σx²)^1.5
        s3 = float((x.astype(float) ** 3).sum())
        gamma = (1 - 2 * p) / np.sqrt(1 - p) * s3 / s2**1.5
        expected.append((t_hat, se, max(t_hat - z * se, s1), t_hat + z * se,
                         2 * stats.norm.sf(abs(t_hat - billed) / se),
                         gamma, len(x) >= 3 and abs(gamma) <= 0.5))
    for line, answer, want in zip(lines, probe(lines), expected):
        verdict, method, *nums = answer.split()
        got = [float(v) for v in nums]
        if method == "exact":  # B equal to the estimate, or below Σx
            continue
        assert method == "normal"
        np.testing.assert_allclose(got[:6], want[:6], rtol=1e-9, atol=1e-12, err_msg=line[:60])
        # the corrected interval also needs a tail index >= 3: the flag
        # can only be stricter than the skewness gate
        assert not int(got[6]) or want[6]
        billed = float(line.split()[1])
        inside = want[2] <= billed <= want[3]
        assert (verdict == "CONSISTENT") == inside


def test_total_bernstein_against_formula():
    lines, expected = [], []
    for x, num, den, p, billed in total_cases(12, 150):
        m = int(x.max()) * 2
        lines.append(f"total {billed} {num} {den} 0.99 2 {m} " + " ".join(map(str, x)))
        s1 = float(x.sum())
        t_hat, alpha, c = s1 / p, 0.01, (1 - p) * m / p
        t = abs(billed - t_hat)
        rng_bound = m if billed > t_hat else c
        bound = np.exp(-t * t / (2 * (c * billed + rng_bound * t / 3))) if t > 0 else 1.0
        L = np.log(2 / alpha)
        a = L * m / 3 + L * c
        b = L * c / 3 - L * c
        upper = t_hat + a + np.sqrt(a * a + 2 * L * c * t_hat)
        lower = max(s1, t_hat - (b + np.sqrt(b * b + 2 * L * c * t_hat)))
        expected.append((lower, upper, min(1.0, 2 * bound)))
    for line, answer, want in zip(lines, probe(lines), expected):
        verdict, method, *nums = answer.split()
        if method == "exact":
            continue
        assert method == "bernstein"
        got = [float(v) for v in nums]
        np.testing.assert_allclose(got[2:5], want, rtol=1e-9, atol=1e-300, err_msg=line[:60])
        # The verdict and the interval agree: the billed total is inside iff not rejected.
        billed = float(line.split()[1])
        assert (verdict == "CONSISTENT") == (want[2] > 0.01)
        if abs(want[2] - 0.01) > 1e-9:
            assert (want[0] <= billed <= want[1]) == (want[2] > 0.01)
