#!/usr/bin/env python3
"""An analyst's session with the demo's logs, notebook style (each "# %%"
cell runs on its own in Jupyter or VS Code).

    python3 bindings/python/examples/analyst_demo.py [--demo DIR] [--out FIGDIR]

Without --demo it runs `vnfo demo` (the CLI from $VNFO_BUILD_DIR/tools or
PATH) into a temporary folder: keys, manifest, capture, and the logs and
bill of an honest provider and of each cheating one.  It then

1. loads the manifest and verifies the honest provider and one that adds
   delay, with a Python reference for the IDS, and prints the reports;
2. loads each function's signed log into pandas;
3. writes three PNG figures: the delay CDF of each function against its
   reference with the SLA bound, billed versus estimated totals with their
   intervals, and the sampling coverage over time.
"""

# %% set-up
import argparse
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

import vnfo
from vnfo import plot
from vnfo.reference import Result


def find_cli():
    build = os.environ.get("VNFO_BUILD_DIR")
    if build and pathlib.Path(build, "tools", "vnfo").exists():
        return str(pathlib.Path(build, "tools", "vnfo"))
    return shutil.which("vnfo")


def run_demo(directory: pathlib.Path) -> pathlib.Path:
    cli = find_cli()
    if cli is None:
        sys.exit("analyst_demo: the vnfo CLI was not found (build it, or pass --demo DIR)")
    subprocess.run([cli, "demo", "--dir", str(directory)], capture_output=True)
    if not (directory / "honest" / "bill.json").exists():
        sys.exit(f"analyst_demo: `vnfo demo --dir {directory}` wrote no logs")
    return directory


def read_pcap(path):
    """(timestamps in ns, frames) of a classic pcap file."""
    data = pathlib.Path(path).read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order, nano = {0xA1B2C3D4: ("<", False), 0xA1B23C4D: ("<", True),
                   0xD4C3B2A1: (">", False), 0x4D3CB2A1: (">", True)}[magic]
    times, frames, off = [], [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(order + "IIII", data[off:off + 16])
        times.append(sec * 10**9 + (frac if nano else frac * 1000))
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return np.array(times, dtype=np.uint64), frames


def ids_reference(packet):
    """The customer's reference IDS: it inspects and forwards unchanged."""
    return Result(packet=bytes(packet), cpu_cycles=2500 + len(packet), mem_bytes=4096)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo", type=pathlib.Path, help="a `vnfo demo --dir` folder")
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("vnfo-figures"))
    args = ap.parse_args(argv)
    demo = args.demo or run_demo(pathlib.Path(tempfile.mkdtemp(prefix="vnfo-demo-")))
    args.out.mkdir(parents=True, exist_ok=True)

    # %% the manifest: what the customer and the provider agreed
    manifest = vnfo.Manifest.load(demo / "manifest.json")
    print(f"manifest {manifest.id}, digest {manifest.digest.hex()[:16]}...")
    print("chain:", " -> ".join(f"{e['name']} ({e['function']}, node {e['node_id']})"
                                for e in manifest.chain))
    p = manifest.sampling["rate"]
    print(f"sampling: {manifest.sampling['hash']} over {manifest.sampling['fields']} fields, p = {p}")

    # %% verify the honest provider and one that adds delay
    reports = {}
    for scenario in ("honest", "adds-delay"):
        reports[scenario] = vnfo.verify_dir(manifest, demo / scenario,
                                            references={"ids": ids_reference})
        print(f"\n== {scenario}\n{reports[scenario].to_text()}")
    doc = reports["adds-delay"].to_dict()
    failed = [c["check"] for c in doc["checks"] if c["verdict"] == "FAIL"]
    print("adds-delay, failed checks:", ", ".join(failed))
    (args.out / "report-adds-delay.json").write_text(json.dumps(doc, indent=2))

    # %% the signed logs as DataFrames
    frames = {}
    for entry in manifest.chain:
        log = vnfo.open_log(demo / "adds-delay" / f"{entry['name']}.log", entry["public_key"],
                            manifest_digest=manifest.digest, node_id=entry["node_id"])
        log.raise_for_faults()
        frames[entry["name"]] = log.to_pandas()
        df = frames[entry["name"]]
        print(f"{entry['name']}: {len(df)} sampled packets, delay mean "
              f"{df['delay_ns'].mean() / 1e3:.1f} µs, p95 {df['delay_ns'].quantile(0.95) / 1e3:.1f} µs")

    # %% figure 1: delay CDF per function against the reference, with the SLA bound
    ghz = 2.0  # the verifier's reference clock: reference delay = its cycles / 2 GHz
    delays = {n: df["delay_ns"].to_numpy() for n, df in frames.items()}
    reference = {n: (df["cpu_cycles"].to_numpy() / ghz) for n, df in frames.items()}
    bounds = {}
    for sla in manifest.sla:
        if sla["scope"] in reference and sla["slack_us"]:
            bounds[sla["scope"]] = reference[sla["scope"]].mean() + sla["slack_us"] * 1e3
    fig = plot.delay_cdf(delays, reference=reference, sla_bound=bounds,
                         title="adds-delay: delay per function")
    fig.savefig(args.out / "delay_cdf.png", dpi=80)

    # %% figure 2: billed versus estimated totals, from the report's evidence
    rows = plot.bill_rows(reports["adds-delay"])
    print(reports["adds-delay"].to_pandas()[["check", "verdict"]].to_string(index=False))
    fig = plot.billed_vs_estimated(rows, title="adds-delay: bill against the sample")
    fig.savefig(args.out / "billed_vs_estimated.png", dpi=80)

    # %% figure 3: sampling coverage over time, against the offered capture
    times, packets = read_pcap(demo / "capture.pcap")
    sampler = manifest.sampler(vnfo.sampler.load_key(demo / "keys" / "sampling.key"))
    width = max(len(f) for f in packets)
    table = np.zeros((len(packets), width), dtype=np.uint8)
    lengths = np.array([len(f) for f in packets], dtype=np.uint32)
    for i, f in enumerate(packets):
        table[i, :len(f)] = np.frombuffer(f, np.uint8)
    decisions = sampler.decide_burst(table, lengths=lengths)
    selected = decisions["selected"].astype(bool)
    print(f"\ncapture: {len(packets)} packets, {selected.sum()} selected by the manifest's "
          f"sampler (p = {float(p):.4f}); fw logged {len(frames[manifest.chain[0]['name']])}")
    sampled = {n: df["t_in_ns"].to_numpy() for n, df in frames.items()}
    sampled["sampler (capture)"] = times[selected]
    offset = int(times.min())
    sampled = {n: np.asarray(t, dtype=float) - offset for n, t in sampled.items()}
    fig = plot.sampling_coverage(sampled, offered_times=np.asarray(times, float) - offset,
                                 probability=float(p), bins=20)
    fig.savefig(args.out / "sampling_coverage.png", dpi=80)
    print(f"figures written to {args.out}/")
    return reports


if __name__ == "__main__":
    main()
