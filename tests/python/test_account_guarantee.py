"""The accounting guarantee, measured: an honest bill is accused at most
alpha of the time (plus binomial noise), and a PASS is wrong at most alpha
of the time, for every population of the family docs/accounting.md names,
sampled with the library's own hash sampler (tests/account_guarantee
drives it in bulk: labels are hashed, so a label's duplicate packets are
selected together, as in real traffic).

For each population, TRIALS fresh sampler keys, each sampling at 1/16 and
1/64 (one hash per label serves both rates).  Every check runs on every
sample: the total, the packet count, the p95 (clustered), the SLA mean
(clustered; the values read as delays) and minimality (clustered; 2% of
the labels violate, a label's copies together; 1.2% for "copies
together", where every label has 2 to 4 copies and clean samples are
common at 1/64).  We count how often the
honest bill (or an SLA limit / tolerated rate equal to the truth) is
accused (OVERCHARGED, UNDERCHARGED or FAIL) and, for the SLA and
minimality, how often a provider 5% beyond the limit PASSes; the test
fails when either exceeds alpha + 3*sqrt(alpha(1 - alpha)/TRIALS) (0.0167
at alpha = 0.01 and 2000 trials: a false failure of the test has
probability ~1e-3 per row).  The power at +5/+10/+30% and the
INCONCLUSIVE share are printed (pytest -s) as the table published in
docs/accounting.md.

Run time: 7 populations x 2000 trials x 2 rates x 5 checks, ~1 minute on
two busy cores.
"""
import concurrent.futures
import os
import subprocess

import numpy as np
import pytest

BUILD = os.environ.get("VNFO_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
DRIVER = os.path.join(BUILD, "tests", "account_guarantee")
TRIALS = int(os.environ.get("VNFO_GUARANTEE_TRIALS", "2000"))
CONF = 0.99
ALPHA = 1 - CONF
LABELS = 20000
RATES = [16, 64]
# The share of labels that violate minimality (a label's copies together).
# "copies together" (every label 2 to 4 copies, like a packet's hops) has
# so few that at 1/64 (~312 labels) a clean sample is likely, 2.3% at the
# +5% provider: counting its ~940 packets as independent draws PASSed it
# that often; the label count does not.
VIOLATING = {"copies together": 0.012}


def population(kind, rng):
    """(multiplicity, value) per label: values are per packet, duplicates
    of a label carry the same value (mirrored or retransmitted copies)."""
    mult = np.ones(LABELS, dtype=np.int64)
    if kind == "lognormal s=1":
        v = rng.lognormal(8, 1.0, LABELS)
    elif kind == "lognormal s=2":
        v = rng.lognormal(8, 2.0, LABELS)
    elif kind == "pareto a=1.5":
        v = 1000 * (1 + rng.pareto(1.5, LABELS))
    elif kind == "bimodal":
        v = np.where(rng.uniform(size=LABELS) < 0.7, 64, 1500) * rng.uniform(0.9, 1.1, LABELS)
    elif kind == "near-constant":
        v = np.where(rng.uniform(size=LABELS) < 0.999, 260, 60)
    elif kind == "duplicates":
        v = rng.lognormal(7, 0.8, LABELS)
        mult = np.where(rng.uniform(size=LABELS) < 0.15, rng.geometric(0.3, LABELS) + 1, 1)
    elif kind == "copies together":
        v = rng.lognormal(7, 0.5, LABELS)
        mult = rng.integers(2, 5, LABELS)
    else:
        raise ValueError(kind)
    violates = (rng.uniform(size=LABELS) < VIOLATING.get(kind, 0.02)).astype(int)
    return mult, violates, np.maximum(1, np.round(v)).astype(np.int64)


KINDS = ["lognormal s=1", "lognormal s=2", "pareto a=1.5", "bimodal", "near-constant", "duplicates",
         "copies together"]
CHECKS = ["total", "count", "p95", "sla mean", "minimality"]
MARGIN = 3 * np.sqrt(ALPHA * (1 - ALPHA) / TRIALS)


def population_text(kind):
    rng = np.random.default_rng(KINDS.index(kind) + 100)
    mult, violates, v = population(kind, rng)
    return "\n".join(f"{m} {f} " + " ".join([str(x)] * m) for m, f, x in zip(mult, violates, v)) + "\n"


# With one packet per label the count check sees only the number of
# labels and the key, so the populations of 20,000 single-packet labels
# share its verdicts: it runs on the first of them (and on the duplicates).
COUNT_RUNS = ("lognormal s=1", "duplicates")


def run_driver(kind):
    """{den: rows}, one row per trial: 20 verdict codes, lower, upper."""
    extra = [] if kind in COUNT_RUNS else ["--no-count"]
    out = subprocess.run([DRIVER, str(TRIALS), str(CONF)] + [str(d) for d in RATES] + extra,
                         input=population_text(kind), capture_output=True, text=True, check=True,
                         timeout=900).stdout.split("\n")
    rows = np.array([[float(x) for x in line.split()] for line in out if line.strip()])
    assert rows.shape == (TRIALS * len(RATES), 23)
    return {den: rows[rows[:, 0] == den, 1:] for den in RATES}


@pytest.fixture(scope="module")
def results():
    """Every population's trials, two drivers at a time (the machine that
    runs the suite has two cores)."""
    if not os.access(DRIVER, os.X_OK):
        pytest.skip(f"{DRIVER} not built (run make check first)")
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(KINDS, pool.map(run_driver, KINDS)))


def summary(rows, check):
    verdicts = rows[:, 4 * check:4 * check + 4].astype(int)
    accused = np.isin(verdicts[:, 0], (1, 2)).mean()
    inconclusive = (verdicts[:, 0] == 3).mean()
    power = [(verdicts[:, k] == 1).mean() for k in (1, 2, 3)]
    wrong_pass = (verdicts[:, 1] == 0).mean()  # PASS though 5% beyond the limit
    return accused, inconclusive, power, wrong_pass


@pytest.mark.parametrize("kind", KINDS)
def test_the_guarantee_holds(kind, results):
    by_rate = results[kind]
    for den in RATES:
        rows = by_rate[den]
        assert rows.shape[0] == TRIALS
        for check, name in enumerate(CHECKS):
            if name == "count" and kind not in COUNT_RUNS:
                continue  # the same as lognormal s=1's (see COUNT_RUNS)
            accused, inconclusive, power, wrong_pass = summary(rows, check)
            one_sided = name in ("sla mean", "minimality")
            print(f"| {kind} | 1/{den} | {name} | {accused:.4f} | {inconclusive:.3f} | "
                  f"{power[0]:.3f} | {power[1]:.3f} | {power[2]:.3f} | "
                  + (f"{wrong_pass:.4f} |" if one_sided else "– |"))
            assert accused <= ALPHA + MARGIN, (kind, den, name, accused)
            if one_sided:
                assert wrong_pass <= ALPHA + MARGIN, (kind, den, name, wrong_pass)
        # light-tailed populations are decided, not waved through as INCONCLUSIVE
        if kind in ("bimodal", "near-constant", "duplicates", "copies together"):
            assert summary(rows, 0)[1] < 0.5, (kind, den)
