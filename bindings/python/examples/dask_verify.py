#!/usr/bin/env python3
"""Verify and account a provider's logs on a Dask cluster.

    python3 bindings/python/examples/dask_verify.py DEMO_DIR [SCENARIO] [--scheduler ADDR]

DEMO_DIR is a `vnfo demo --dir` folder.  Each function's log is first cut
into several files at batch boundaries, as a shim that rotates its log
would leave them; the files are sharded (runs of consecutive files of one
node), every shard is verified and accumulated on a worker, and the results
are merged (checking the seams between shards).  Without --scheduler a
LocalCluster of 2 worker processes runs here; with it, the same code runs on
a real cluster (the log files must be readable by the workers at the same
paths, e.g. on a shared file system).  The single-process result is computed
too and compared.

Then the functional and trajectory checks (chain, hop links, drops, the
replay of a Python reference for the IDS) run in three phases on the same
cluster: logs split into label buckets, one C verifier per bucket, results
merged; they are compared with the single-process verifier's.
"""

import argparse
import pathlib
import struct
import sys
import tempfile

import vnfo
from vnfo import scale


def rotate(log: pathlib.Path, out_dir: pathlib.Path, batches_per_file: int = 2):
    """Cut a log file into files of a few batches each (same bytes)."""
    data, files, off, batch = log.read_bytes(), [], 0, 0
    while off < len(data):
        (n,) = struct.unpack(">I", data[off:off + 4])
        if batch % batches_per_file == 0:
            files.append(out_dir / f"{log.stem}.{len(files):04d}.log")
            files[-1].write_bytes(b"")
        with open(files[-1], "ab") as f:
            f.write(data[off:off + 4 + n])
        off, batch = off + 4 + n, batch + 1
    return files


def prepare(demo_dir, scenario="honest"):
    """{node_id: (public key, [rotated log files])} and the manifest digest."""
    demo_dir = pathlib.Path(demo_dir)
    manifest = vnfo.Manifest.load(demo_dir / "manifest.json")
    work = pathlib.Path(tempfile.mkdtemp(prefix="vnfo-dask-"))
    logs = {e["node_id"]: (e["public_key"], rotate(demo_dir / scenario / f"{e['name']}.log", work))
            for e in manifest.chain}
    return logs, manifest.digest


def run(logs, digest, client=None, files_per_shard=1):
    """Verify and accumulate, on the cluster when ``client`` is given."""
    return scale.verify_logs(logs, digest, client=client, files_per_shard=files_per_shard)


def ids_reference(packet):
    """The IDS forwards every packet unchanged."""
    return bytes(packet)


def functional(demo_dir, scenario="honest", client=None, buckets=4):
    """(distributed, single-process) functional checks as lists of dicts."""
    demo_dir = pathlib.Path(demo_dir)
    refs = {"ids": ids_reference}
    dist = scale.verify_functional(demo_dir / "manifest.json", demo_dir / scenario,
                                   references=refs, client=client, buckets=buckets)
    single = vnfo.verify_dir(demo_dir / "manifest.json", demo_dir / scenario, references=refs)
    mine = dist.report.to_dict()["checks"]
    names = {c["check"] for c in mine}
    return mine, [c for c in single.to_dict()["checks"] if c["check"] in names]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("demo_dir", type=pathlib.Path)
    ap.add_argument("scenario", nargs="?", default="honest")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786)")
    args = ap.parse_args(argv)
    from distributed import Client, LocalCluster
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=None))
    logs, digest = prepare(args.demo_dir, args.scenario)
    with client:
        distributed = run(logs, digest, client)
        checks, single_checks = functional(args.demo_dir, args.scenario, client)
    local = run(logs, digest)
    print(f"{args.scenario}: {distributed.batches} batches, {distributed.records} records, "
          f"{len(distributed.faults)} faults")
    for fault in distributed.faults:
        print(f"  node {fault['node_id']}: {fault['status_name']}: {fault['message']}")
    print(distributed.summary().to_string(index=False))
    same = distributed.fingerprint() == local.fingerprint()
    print("identical to the single-process result:", same)
    for c in checks:
        print(f"  {c['check']:22} {c['verdict']:12} {c['summary']}")
    same_checks = checks == single_checks
    print("functional checks identical to the single-process verifier:", same_checks)
    return 0 if same and same_checks else 1


if __name__ == "__main__":
    sys.exit(main())
