#!/usr/bin/env python3
"""Burst sampling from Python over a numpy array of 64-byte packets, beside
the C figure measured in the same run (run by hand; see docs/PERFORMANCE.md).

    VNFO_BUILD_DIR=$PWD/build python3 bindings/python/bench_burst.py

Three figures, medians of several runs over the same packets and sampler:

- C: vnfo_sampler_decide_burst() in a C loop, bursts of 256, pointer arrays
  filled per burst (vnfo_py_time_c_bursts, compiled into the extension);
- Python, one call: Sampler.decide_burst() over the whole array (the loop
  over bursts of 256 runs in C);
- Python, per burst: one Sampler.decide_burst() call per 256 packets, into a
  reused 256-decision array as the C loop does: the cost of driving the
  bursts from Python.

Goal (issue 8): at least 5M packets/s from Python and at most 3x the C time
per packet for bursts of 256.
"""

import argparse
import os
import pathlib
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def ensure_extension():
    if os.environ.get("VNFO_BUILD_DIR"):
        # Same in-place build as the tests (tests/conftest.py).
        sys.path.insert(0, str(HERE / "tests"))
        import conftest  # noqa: F401  (builds vnfo._vnfo and puts the package on sys.path)


def make_packets(n, size=64):
    import numpy as np
    sys.path.insert(0, str(HERE / "tests"))
    from pktutil import udp4
    arr = np.zeros((n, size), dtype=np.uint8)
    for i in range(n):
        f = udp4(sport=1024 + i % 60000, dport=80, ident=i & 0xFFFF,
                 payload=i.to_bytes(4, "big") + bytes(14))[:size]
        arr[i, :len(f)] = np.frombuffer(f, np.uint8)
    return arr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=65536, help="packets per run (multiple of 256)")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--hash", default="siphash-2-4")
    ap.add_argument("--burst", type=int, default=256)
    args = ap.parse_args()
    ensure_extension()
    import numpy as np
    import vnfo
    from vnfo._ffi import ffi, lib

    n, burst = args.packets - args.packets % args.burst, args.burst
    arr = make_packets(n)
    s = vnfo.Sampler(bytes(range(32)), "1/64", hash=args.hash)
    base = ffi.from_buffer("uint8_t[]", arr)
    out_ns = ffi.new("double *")

    def c_run():
        vnfo._ffi.check(lib.vnfo_py_time_c_bursts(out_ns, s._c, base, arr.shape[1], arr.shape[1],
                                                  n, vnfo.LinkType.ETHERNET, burst, 1))

    out = np.empty(n, dtype=vnfo.sampler.DECISION_DTYPE)
    chunks = [arr[i:i + burst] for i in range(0, n, burst)]
    burst_out = np.empty(burst, dtype=vnfo.sampler.DECISION_DTYPE)

    def one_call():
        s.decide_burst(arr, out=out, burst=burst)

    def per_burst():
        # As a C shim does: one decision array per burst, reused.
        for c in chunks:
            s.decide_burst(c, out=burst_out, burst=burst)

    def timed(fn):
        t0 = time.perf_counter_ns()
        fn()
        return (time.perf_counter_ns() - t0) / n

    # The three are interleaved in every run so that they see the same load
    # (the machine is shared); ratios are taken per run, then the median.
    c_ns, one_ns, pb_ns = [], [], []
    for _ in range(args.runs):
        c_run()
        c_ns.append(out_ns[0] / n)
        one_ns.append(timed(one_call))
        pb_ns.append(timed(per_burst))
    med = statistics.median
    one_ratio = med(o / c for o, c in zip(one_ns, c_ns))
    pb_ratio = med(p / c for p, c in zip(pb_ns, c_ns))
    c_ns, one_ns, pb_ns = med(c_ns), med(one_ns), med(pb_ns)
    selected = int(s.decide_burst(arr)["selected"].sum())

    print(f"burst sampling, {n} packets of {arr.shape[1]} bytes, {args.hash}, bursts of {burst}, "
          f"median of {args.runs} interleaved runs ({selected} selected)")
    print(f"  C  decide_burst loop          {c_ns:7.1f} ns/pkt  {1e3 / c_ns:6.2f} Mpkt/s  (baseline)")
    print(f"  Py decide_burst, one call     {one_ns:7.1f} ns/pkt  {1e3 / one_ns:6.2f} Mpkt/s  "
          f"x{one_ratio:.2f} of C")
    print(f"  Py decide_burst, per burst    {pb_ns:7.1f} ns/pkt  {1e3 / pb_ns:6.2f} Mpkt/s  "
          f"x{pb_ratio:.2f} of C")
    ok = 1e3 / pb_ns >= 5 and pb_ratio <= 3
    print(f"  goal >= 5 Mpkt/s and <= 3x C per burst of {burst}: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
