"""Scale-out: shard work, run it per shard (on Dask workers or in-process),
merge the results.

Everything here is generic map/reduce; the log-verification helpers built on
it pass functions that open one shard of log files and return mergeable,
picklable results (accumulators, per-shard verdicts).  Because the merge is
exact and associative, the distributed result is identical to the
single-process one, whatever the shard boundaries and the order the workers
finish in: the reduction below is a fixed binary tree over the shard order.

The functional and trajectory checks (chain, hop links, drops, reference
replays) scale out by label bucket instead: ``verify_functional``, from
vnfo.scale_checks.

On a real cluster the same code runs with a ``distributed.Client`` connected
to the scheduler; see docs/python.md ("Dask").
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar, Union

__all__ = ["shard_paths", "map_reduce", "tree_reduce", "ShardResult", "verify_shard",
           "shard_logs", "verify_logs", "RESOURCES", "verify_functional", "FunctionalResult"]

T = TypeVar("T")
R = TypeVar("R")
PathLike = Union[str, "os.PathLike[str]"]


def shard_paths(paths: Sequence[PathLike], n_shards: int) -> List[List[str]]:
    """Split files into at most ``n_shards`` groups of similar total size.

    Greedy by size (largest file to the lightest shard), ties broken by name,
    so the sharding is deterministic.  Within a shard the files keep their
    given order; empty shards are dropped.
    """
    if n_shards < 1:
        raise ValueError("n_shards must be >= 1")
    files = [os.fspath(p) for p in paths]
    order = sorted(range(len(files)), key=lambda i: (-os.path.getsize(files[i]), files[i]))
    loads = [0] * n_shards
    members: List[List[int]] = [[] for _ in range(n_shards)]
    for i in order:
        j = min(range(n_shards), key=lambda k: (loads[k], k))
        loads[j] += os.path.getsize(files[i])
        members[j].append(i)
    return [[files[i] for i in sorted(m)] for m in members if m]


def tree_reduce(items: Sequence[T], merge: Callable[[T, T], T]) -> T:
    """Merge items pairwise in a balanced binary tree, in their order."""
    if not items:
        raise ValueError("nothing to reduce")
    level = list(items)
    while len(level) > 1:
        nxt = [merge(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def map_reduce(func: Callable[[Any], R], shards: Sequence[Any], merge: Callable[[R, R], R],
               client: Optional[Any] = None) -> R:
    """``tree_reduce([func(s) for s in shards], merge)``, with ``func`` and the
    merges running on the workers of a ``distributed.Client`` when given.

    The tree has the same shape in both cases, so a merge that is exact gives
    bit-identical results.  Errors raised on a worker (``vnfo.Error`` and its
    fields included) are re-raised here.
    """
    if client is None:
        return tree_reduce([func(s) for s in shards], merge)
    level = client.map(func, list(shards), pure=False)
    while len(level) > 1:
        nxt = [client.submit(merge, level[i], level[i + 1], pure=False)
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    if not level:
        raise ValueError("nothing to reduce")
    return level[0].result()


# ---- log verification and accounting per shard ------------------------------

#: Accumulated per node: resource name -> accumulator resource id.
RESOURCES = {"delay_ns": 1, "cpu_cycles": 2, "mem_bytes": 3}


def _resource_id(name: str) -> int:
    if name in RESOURCES:
        return RESOURCES[name]
    import zlib
    return 1000 + zlib.crc32(name.encode()) % 1_000_000  # vendor:<counter>, stable everywhere


@dataclasses.dataclass
class ShardResult:
    """What one shard of log files yields: integrity findings, record
    counts, the chain ends of each node's stream (to check the seams between
    shards when merging) and one accumulator per (node, resource).

    Merging is exact and associative, and checks the seams of consecutive
    shards of a node, so any sharding gives the single-process result.
    """
    batches: int = 0
    faults: List[Dict[str, Any]] = dataclasses.field(default_factory=list)
    records: int = 0
    record_errors: List[str] = dataclasses.field(default_factory=list)
    packets: Dict[int, int] = dataclasses.field(default_factory=dict)
    #: node -> (first seq, first prev_hash, first lost_count, end seq, last batch hash)
    ends: Dict[int, Tuple[int, bytes, int, int, bytes]] = dataclasses.field(default_factory=dict)
    #: node -> (source, file offset) of its first authentic batch: where a
    #: seam fault lies when this shard follows another
    starts: Dict[int, Tuple[str, int]] = dataclasses.field(default_factory=dict)
    accumulators: Dict[Tuple[int, str], Any] = dataclasses.field(default_factory=dict)

    def merge(self, later: "ShardResult") -> "ShardResult":
        """This shard followed by ``later`` (a new result; inputs unchanged)."""
        out = ShardResult(batches=self.batches + later.batches,
                          faults=self.faults + later.faults,
                          records=self.records + later.records,
                          record_errors=self.record_errors + later.record_errors,
                          packets=dict(self.packets), ends=dict(self.ends),
                          starts={**later.starts, **self.starts},
                          accumulators={k: v.copy() for k, v in self.accumulators.items()})
        for node, n in later.packets.items():
            out.packets[node] = out.packets.get(node, 0) + n
        for node, (first_seq, first_prev, lost, end_seq, last_hash) in later.ends.items():
            if node in out.ends:
                f_seq, f_prev, f_lost, e_seq, l_hash = out.ends[node]
                out.faults += _seam_faults(node, e_seq, l_hash, first_seq, first_prev, lost,
                                           later.starts.get(node, ("shard seam", 0)))
                out.ends[node] = (f_seq, f_prev, f_lost, end_seq, last_hash)
            else:
                out.ends[node] = (first_seq, first_prev, lost, end_seq, last_hash)
        for key, acc in later.accumulators.items():
            if key in out.accumulators:
                out.accumulators[key].merge(acc)
            else:
                out.accumulators[key] = acc.copy()
        return out

    @property
    def ok(self) -> bool:
        return not self.faults and not self.record_errors

    def fingerprint(self) -> tuple:
        """Everything, as comparable plain values (accumulators serialised)."""
        return (self.batches, tuple(tuple(sorted(f.items())) for f in self.faults), self.records,
                tuple(self.record_errors), tuple(sorted(self.packets.items())),
                tuple(sorted(self.ends.items())), tuple(sorted(self.starts.items())),
                tuple(sorted((k, v.serialize()) for k, v in self.accumulators.items())))

    def summary(self):
        """A DataFrame: one row per (node, resource) with n, sum, mean, p50,
        p95, p99, max.  Needs pandas (``vnfo[pandas]`` or ``vnfo[dask]``)."""
        from ._optional import require
        pd = require("pandas", "ShardResult.summary", "dask")
        rows = []
        for (node, res), acc in sorted(self.accumulators.items()):
            s = acc.summary() if len(acc) else {}
            rows.append({"node_id": node, "resource": res, "n": len(acc), "sum": acc.sum(),
                         "mean": s.get("mean"), "p50": s.get("p50"), "p95": s.get("p95"),
                         "p99": s.get("p99"), "max": acc.max})
        return pd.DataFrame(rows)


def _seam_faults(node, end_seq, last_hash, first_seq, first_prev, lost, place):
    # The later shard's first batch must continue the earlier shard's last
    # one, as the C reader checks between two batches: first the sequence
    # number after the records it signs as lost, then the previous hash.
    # The fault lies at that batch: its file and file offset (``place``),
    # as a single reader would report it.
    expected = end_seq + lost
    if first_seq > expected:
        status, what = "VNFO_E_LOG_SEQUENCE_GAP", f"records {expected}..{first_seq - 1} missing"
    elif first_seq < expected:
        status, what = "VNFO_E_LOG_REORDERED", f"starts at seq {first_seq}, expected {expected}"
    elif first_prev != last_hash:
        status, what = "VNFO_E_LOG_BROKEN_CHAIN", f"batch at seq {first_seq} names another previous batch"
    else:
        return []
    source, offset = place
    return [{"node_id": node, "source": source, "offset": offset, "status_name": status,
             "message": f"node {node}: {what} (between two shards)"}]


def verify_shard(shard: Tuple[int, Any, List[str]], manifest_digest: Optional[bytes] = None,
                 sketch_bits: Optional[int] = None) -> ShardResult:
    """Verify one node's consecutive log files and accumulate its records.

    ``shard`` is (node_id, public key, [paths in order]).  Runs anywhere
    (a Dask worker): everything it takes and returns pickles.
    """
    from .account import Accumulator
    from .log import LogReader
    node, key, paths = shard
    reader = LogReader(key, manifest_digest=manifest_digest, node_id=node)
    for p in paths:
        reader.add_file(p)
    reader.verify()
    batches = reader.batches
    result = ShardResult(batches=len(batches))
    result.faults = [{"node_id": node, "source": b.source, "offset": b.offset,
                      "status_name": b.status_name, "message": b.message}
                     for b in batches if not b.ok]
    good = [b for b in batches if b.ok and b.header is not None]
    if good:
        first, last = good[0].header, good[-1].header
        result.ends[node] = (first.first_seq, first.prev_hash, first.lost_count,
                             last.first_seq + last.record_count, good[-1].hash)
        result.starts[node] = (good[0].source, good[0].offset)
    accs: Dict[Tuple[int, str], Any] = {}

    def acc(name):
        if (node, name) not in accs:
            accs[(node, name)] = Accumulator(_resource_id(name), node, sketch_bits=sketch_bits)
        return accs[(node, name)]
    columns: Dict[str, list] = {"delay_ns": [], "cpu_cycles": [], "mem_bytes": []}
    for rec in reader.records(on_error="collect"):
        result.records += 1
        if not hasattr(rec, "t_in_ns"):
            continue
        result.packets[node] = result.packets.get(node, 0) + 1
        columns["delay_ns"].append(max(rec.t_out_ns - rec.t_in_ns, 0))
        columns["cpu_cycles"].append(rec.cpu_cycles)
        columns["mem_bytes"].append(rec.mem_bytes)
        for name, value in rec.counters.items():
            columns.setdefault(f"vendor:{name}", []).append(value)
    result.record_errors = [str(e) for e in reader.record_errors]
    for name, values in columns.items():
        if values:
            acc(name).add_many(values)
    result.accumulators = accs
    return result


def shard_logs(logs: Dict[int, Tuple[Any, Sequence[PathLike]]],
               files_per_shard: int = 1) -> List[Tuple[int, Any, List[str]]]:
    """Shards of ``{node_id: (public_key, [files in order])}``: runs of
    ``files_per_shard`` consecutive files of one node, nodes in id order."""
    shards = []
    for node in sorted(logs):
        key, files = logs[node]
        files = [os.fspath(f) for f in files]
        for i in range(0, len(files), files_per_shard):
            shards.append((node, key, files[i:i + files_per_shard]))
    return shards


def verify_logs(logs: Dict[int, Tuple[Any, Sequence[PathLike]]],
                manifest_digest: Optional[bytes] = None, client: Optional[Any] = None,
                files_per_shard: int = 1, sketch_bits: Optional[int] = None) -> ShardResult:
    """Verify and accumulate every node's logs, shard by shard, on the
    workers of ``client`` (a ``distributed.Client``) or in this process, and
    merge.  The result is identical either way."""
    import functools
    shards = shard_logs(logs, files_per_shard)
    if not shards:
        return ShardResult()
    work = functools.partial(verify_shard, manifest_digest=manifest_digest,
                             sketch_bits=sketch_bits)
    return map_reduce(work, shards, ShardResult.merge, client=client)


from .scale_checks import FunctionalResult, verify_functional  # noqa: E402
