"""Distributed functional and trajectory checks (chain.complete, chain.order,
chain.foreign_nodes, hop.links, function.unmodified, drops.attribution and
reference.<name> replays through Python references).

Three phases, each a plain function of picklable arguments, so they run on
Dask workers or in this process alike:

1. ``split_log``, per log file: verify the batches (chain logs with the
   node's key from the manifest; a foreign log's records are decoded without
   verification, as the C verifier reads them), decode the records of the
   authentic batches and partition the packet records by label bucket
   (``label % buckets``) as compact bytes.  FlowTag mappings and loss counts
   go to a small side part that every bucket receives.
2. ``check_bucket``, per bucket: feed the bucket's records of every node
   (with ``vnfo_verifier_record_add``) and the broadcast mappings into a C
   verifier, run it, and keep each check's additive results: checked,
   violations, the evidence counters, and the capped examples.
3. ``merge_checks``: sum the counts, merge the example lists by label with
   the report's cap, and build a ``vnfo.Report`` with the same checks,
   verdicts, summaries, evidence and examples as the single-process one.

It is exact because every functional check is a function of one sampled
packet's trajectory: a packet's records share a label (consistent sampling),
hence a bucket, and the C verifier visits trajectories in label order, so the
first examples of the whole run are the first of the label-ordered merge.

One input is shared by all packets: missing hops at a node whose log admits
losses are excused up to a budget (its signed loss counts plus the records of
its rejected batches; without bound after a sequence gap).  Each bucket gets
the node's whole budget, so nothing is excused in a bucket that the single
process would not excuse as long as the node's budget is not exhausted; the
result is exact when the excused hops of all buckets together stay within
the smallest finite budget, or when no log admits losses.  A truncated tail
excuses by time, which records alone cannot tell the C verifier:
``FunctionalResult.exact`` is False then (and ``logs.integrity`` fails
anyway).  Under a manifest with ``logging.heartbeat_ms`` the heartbeat and
period-close records go with the side part to every bucket, so each
bucket's verifier sees whether the node's log reaches the period's end; a
chain log without a period close ends early like a truncated one, and the
result is not exact either.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
import os
import pathlib
import struct
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

__all__ = ["FUNCTIONAL_CHECKS", "LogPart", "split_log", "check_bucket", "merge_checks",
           "FunctionalResult", "verify_functional"]

#: The trajectory checks, in the C report's order.
FUNCTIONAL_CHECKS = ("chain.complete", "chain.order", "chain.foreign_nodes", "hop.links",
                     "function.unmodified", "drops.attribution")

# Summary templates of src/verify/trajectory.c: (pass text, what, unit).
_TEXTS = {
    "chain.complete": ("every sampled packet visited every function from its entry on",
                       "skipped functions", "sampled packets"),
    "chain.order": ("records follow the chain order, once per function, causal within the "
                    "clock skew", "out-of-order records", "sampled packets"),
    "chain.foreign_nodes": ("no sampled packet visited a node outside the chain",
                            "foreign visits", "sampled packets"),
    "hop.links": ("nothing changed a packet between two functions", "changed links",
                  "links between hops"),
    "function.unmodified": ("functions that may not modify left packets unchanged",
                            "modified packets", "records of such functions"),
    "drops.attribution": ("every drop was logged by a function allowed to drop, and nothing "
                          "vanished", "unaccounted drops", "sampled packets"),
}
# Additive evidence besides checked / violations, per check.
_AMBIGUOUS = ("ambiguous_labels",)
_BY_COUNTS = ("ambiguous_labels", "ambiguous_packets_judged_by_counts")
_EXTRA = {"chain.complete": ("missing_explained_by_log_faults",) + _BY_COUNTS,
          "chain.order": ("identical_packets_split",) + _BY_COUNTS,
          "chain.foreign_nodes": _AMBIGUOUS,
          "hop.links": _AMBIGUOUS + ("ambiguous_links_judged_as_multisets",),
          "function.unmodified": _AMBIGUOUS,
          "drops.attribution": _BY_COUNTS}
_REPLAY_EXTRA = ("unreplayable", "digest_not_comparable")

# One record on the wire: length, node_id, epoch, seq, then its canonical
# msgpack encoding (node, epoch and seq live in the batch header, not in it).
_HEAD = struct.Struct("<IIQQ")


@dataclasses.dataclass
class LogPart:
    """Phase 1's output for one log file."""
    node_id: int
    buckets: Dict[int, bytes]
    maps: bytes = b""           # FlowTag mappings, heartbeats, period closes, in the node's order
    lost: int = 0               # signed loss counts plus records of rejected batches
    unbounded: bool = False     # a deletion of unknown size (sequence gap)
    truncated: bool = False
    faulty_batches: int = 0     # batches that failed verification
    record_errors: int = 0
    packets: int = 0            # packet records in all buckets
    closed: bool = False        # the log holds a period-close record


def _pack(c) -> bytes:
    from .record import _encode_c
    data = _encode_c(c)
    return _HEAD.pack(len(data), c.node_id, c.epoch, c.seq) + data


def _unpack(blob: bytes):
    off = 0
    while off < len(blob):
        n, node, epoch, seq = _HEAD.unpack_from(blob, off)
        off += _HEAD.size
        yield node, epoch, seq, off, n
        off += n


def _raw_batches(path: str):
    data = pathlib.Path(path).read_bytes()
    off = 0
    while off + 4 <= len(data):
        (n,) = struct.unpack_from(">I", data, off)
        if off + 4 + n > len(data):
            return  # a truncated tail: no records
        yield data[off + 4:off + 4 + n]
        off += 4 + n


def _foreign_records(path: str, chain_ids: Sequence[int]):
    """Records of a foreign log, decoded without verification (the manifest
    has no key for it), skipping batches that claim a chain node."""
    from . import log
    from ._ffi import ffi, lib
    rec = ffi.new("vnfo_record *")
    for batch in _raw_batches(path):
        try:
            head = log.header_parse(batch)
        except Exception:
            continue
        if head.node_id in chain_ids:
            continue
        for k in range(head.record_count):
            try:
                raw = log.batch_record(batch, k)
            except Exception:
                continue
            buf = ffi.from_buffer("uint8_t[]", raw)
            if lib.vnfo_record_decode(rec, buf, len(buf)) != 0:
                continue
            rec.node_id, rec.epoch = head.node_id, head.epoch
            yield rec


def split_log(job: Tuple[int, Any, str], manifest_digest: bytes, buckets: int,
              chain_ids: Sequence[int] = ()) -> LogPart:
    """Phase 1: one log file, ``(node_id, public key, path)``; a key of None
    marks a foreign log (``node_id`` is then ignored)."""
    from ._ffi import lib
    from .log import LogReader
    node, key, path = job
    part = LogPart(node, {})
    out: Dict[int, List[bytes]] = {}
    maps: List[bytes] = []
    if key is None:
        records = _foreign_records(path, chain_ids)
        reader = None
    else:
        reader = LogReader(key, manifest_digest=manifest_digest, node_id=node).add_file(path)
        reader.verify()
        batches = reader.batches
        part.faulty_batches = sum(1 for b in batches if not b.ok)
        _account(part, batches)
        reader.record_errors = []
        records = reader._c_records("collect")
    for c in records:
        if c.type == lib.VNFO_RECORD_PACKET:
            out.setdefault(c.u.packet.label % buckets, []).append(_pack(c))
            part.packets += 1
        elif c.type in (lib.VNFO_RECORD_FLOWTAG_MAP, lib.VNFO_RECORD_HEARTBEAT,
                        lib.VNFO_RECORD_PERIOD_CLOSE) and key is not None:
            maps.append(_pack(c))
            part.closed = part.closed or c.type == lib.VNFO_RECORD_PERIOD_CLOSE
        elif c.type == lib.VNFO_RECORD_LOSS_NOTICE and key is not None:
            part.lost += int(c.u.loss_notice.count)
    if reader is not None:
        part.record_errors = len(reader.record_errors)
    part.buckets = {b: b"".join(v) for b, v in out.items()}
    part.maps = b"".join(maps)
    return part


_REJECTED = {"VNFO_E_SIGNATURE_INVALID", "VNFO_E_LOG_ROOT_MISMATCH", "VNFO_E_LOG_MALFORMED",
             "VNFO_E_UNSUPPORTED_VERSION"}


def _account(part: LogPart, batches) -> None:
    # The loss budget as the C verifier counts it per batch (verifier.c).
    for b in batches:
        if b.ok:
            part.lost += b.header.lost_count
        elif b.status_name == "VNFO_E_LOG_TRUNCATED":
            part.truncated = True
        elif b.status_name == "VNFO_E_LOG_SEQUENCE_GAP":
            part.unbounded = True
        elif b.status_name in _REJECTED:
            if b.header is not None:
                part.lost += b.header.record_count
            else:
                part.unbounded = True


_UNBOUNDED = 2**64 - 1


def _budgets(parts: Sequence[LogPart]) -> Dict[int, int]:
    out: Dict[int, int] = {}
    for p in parts:
        total = out.get(p.node_id, 0)
        out[p.node_id] = _UNBOUNDED if p.unbounded or total == _UNBOUNDED else total + p.lost
    return out


def _add_blob(verifier, blob: bytes) -> None:
    from ._ffi import check, ffi, lib
    rec = ffi.new("vnfo_record *")
    buf = ffi.from_buffer("uint8_t[]", blob)
    for node, epoch, seq, off, n in _unpack(blob):
        check(lib.vnfo_record_decode(rec, buf + off, n))
        rec.node_id, rec.epoch, rec.seq = node, epoch, seq
        # The verifier copies what it keeps: ``buf`` may go afterwards.
        check(lib.vnfo_verifier_record_add(verifier._c, rec))


def check_bucket(bucket: int, manifest_text: str, parts: Sequence[LogPart],
                 references: Optional[Dict[str, Callable]] = None, max_examples: int = 8,
                 snapshot: bool = False) -> Dict[str, Any]:
    """Phase 2: run the C verifier over one bucket's records of every node
    (plus every node's FlowTag mappings) and return the functional checks'
    additive results."""
    from .manifest import Manifest
    from .record import LossNotice
    from .verify import Verifier
    manifest = Manifest(manifest_text)
    v = Verifier(manifest, max_examples=max_examples, snapshot=snapshot)
    for name, func in (references or {}).items():
        v.set_reference(name, func)
    lost = _budgets(parts)
    # Every chain node is present in every bucket (a bucket may hold none of
    # its records); the loss notice also carries the node's loss budget.
    for entry in manifest.chain:
        v.add_record(LossNotice(count=lost.get(entry["node_id"], 0), node_id=entry["node_id"]))
    for p in parts:
        if p.maps:
            _add_blob(v, p.maps)
    for p in parts:
        blob = p.buckets.get(bucket)
        if blob:
            _add_blob(v, blob)
    doc = v.run().to_dict()
    wanted = set(FUNCTIONAL_CHECKS) | {f"reference.{n}" for n in (references or {})}
    out: Dict[str, Any] = {"subject": doc["subject"], "checks": {}}
    for c in doc["checks"]:
        if c["check"] in wanted:
            out["checks"][c["check"]] = {
                "evidence": c["evidence"], "examples_total": c["examples_total"],
                "examples": [(int(e["label"], 16), e.get("note")) for e in c.get("examples", [])]}
    return out


def _summary(name: str, verdict: str, checked: int, violations: int, function: str) -> str:
    if name.startswith("reference."):
        if verdict == "FAIL":
            return (f"{violations} of {checked} replayed packets differ from the reference "
                    f"{function}")
        if verdict == "PASS":
            return f"{checked} replayed packets match the reference {function}"
        return (f"no logged packet bytes to replay through {function} "
                "(logging granularity digest?)")
    passed, what, unit = _TEXTS[name]
    if verdict == "FAIL":
        return f"{violations} {what} in {checked} {unit}"
    if verdict == "PASS":
        return f"{passed} ({checked} {unit})"
    return "no sampled packet to check"


def merge_checks(results: Sequence[Dict[str, Any]], manifest_text: str,
                 max_examples: int = 8):
    """Phase 3: the per-bucket results as one ``vnfo.Report`` (functional
    checks only), equal to the single-process report's checks."""
    from .manifest import Manifest
    from .report import Report
    manifest = Manifest(manifest_text)
    functions = {f"reference.{e['name']}": e["function"] for e in manifest.chain}
    names = list(FUNCTIONAL_CHECKS) + [f"reference.{e['name']}" for e in manifest.chain]
    report = Report(max_examples=max_examples)
    if results:
        for key, value in results[0]["subject"].items():
            report.set_subject(key, value)
    for name in names:
        per = [r["checks"][name] for r in results if name in r["checks"]]
        if not per:
            continue
        ev = [p["evidence"] for p in per]
        checked = sum(e["checked"] for e in ev)
        violations = sum(e["violations"] for e in ev)
        confidence = ev[0]["confidence"]
        verdict = "FAIL" if violations else "PASS" if checked else "INCONCLUSIVE"
        entry = report.add(name, "functionality", verdict,
                           _summary(name, verdict, checked, violations, functions.get(name, "")))
        entry.add_evidence("checked", checked).add_evidence("violations", violations)
        if checked and not violations:
            entry.add_evidence("violation_rate_upper",
                               1.0 - math.pow(1.0 - confidence, 1.0 / checked))
        entry.add_evidence("confidence", float(confidence))
        extra = _REPLAY_EXTRA if name.startswith("reference.") else _EXTRA.get(name, ())
        for key in extra:
            entry.add_evidence(key, sum(e[key] for e in ev))
        if name.startswith("reference."):
            entry.add_evidence("mode", ev[0]["mode"])
        # Each bucket's examples are its first, in label order (the C scan
        # order); one label never spans two buckets, so the first of the
        # merge are the first of the whole run.
        merged = heapq.merge(*(p["examples"] for p in per), key=lambda ex: ex[0])
        for label, note in merged:
            entry.add_example(label, note)
        # add_example counted only the kept ones; the rest were counted by the buckets.
        _set_examples_total(entry, sum(p["examples_total"] for p in per))
    return report


def _set_examples_total(entry, total: int) -> None:
    # The C report counts every example added; the buckets kept at most the
    # cap each, so the dropped ones are added past the cap (counted, not kept).
    missing = total - entry.examples_total
    for _ in range(max(missing, 0)):
        entry.add_example(0)


@dataclasses.dataclass
class FunctionalResult:
    """The merged functional checks and what phase 1 saw."""
    report: Any
    buckets: int
    records: int
    exact: bool  # False when a chain log admits losses (see the module doc)


def _jobs(manifest, logs_dir) -> List[Tuple[int, Any, str]]:
    logs_dir = pathlib.Path(logs_dir)
    names = [e["name"] for e in manifest.chain]
    jobs = [(e["node_id"], e["public_key"], os.fspath(logs_dir / f"{e['name']}.log"))
            for e in manifest.chain]
    for path in sorted(logs_dir.glob("*.log")):
        if path.stem not in names:
            jobs.append((0, None, os.fspath(path)))
    return jobs


def verify_functional(manifest_path, logs_dir, references: Optional[Dict[str, Callable]] = None,
                      client: Optional[Any] = None, buckets: int = 8, max_examples: int = 8,
                      snapshot: bool = False) -> FunctionalResult:
    """The functional checks of ``vnfo verify --logs DIR``, computed in
    three phases on the workers of ``client`` (a ``distributed.Client``) or
    in this process; the report's checks equal the single-process ones."""
    import functools
    from .manifest import Manifest
    if buckets < 1:
        raise ValueError("buckets must be >= 1")
    text = pathlib.Path(manifest_path).read_text()
    manifest = Manifest(text, os.fspath(manifest_path))
    chain_ids = [e["node_id"] for e in manifest.chain]
    split = functools.partial(split_log, manifest_digest=manifest.digest, buckets=buckets,
                              chain_ids=chain_ids)
    check = functools.partial(check_bucket, manifest_text=text, references=references,
                              max_examples=max_examples, snapshot=snapshot)
    jobs = _jobs(manifest, logs_dir)
    if client is None:
        parts = [split(j) for j in jobs]
        results = [check(b, parts=parts) for b in range(buckets)]
    else:
        part_futures = client.map(split, jobs, pure=False)
        # Each bucket task gets only its bucket of every part (cut on the
        # worker holding the part) plus every part's small side data.
        slices = [[client.submit(_slice, f, b, pure=False) for f in part_futures]
                  for b in range(buckets)]
        futures = [client.submit(check, b, parts=slices[b], pure=False) for b in range(buckets)]
        results = client.gather(futures)
        parts = client.gather([client.submit(_slice, f, -1, pure=False) for f in part_futures])
    report = merge_checks(results, text, max_examples)
    budgets = [b for n, b in _budgets(parts).items() if n in chain_ids and 0 < b < _UNBOUNDED]
    excused = report["chain.complete"].number("missing_explained_by_log_faults")
    unclosed = manifest.logging["heartbeat_ms"] and not all(
        p.closed for p in parts if p.node_id in chain_ids)
    exact = (not any(p.truncated for p in parts if p.node_id in chain_ids) and not unclosed
             and (not budgets or excused <= min(budgets)))
    return FunctionalResult(report, buckets, sum(p.packets for p in parts), exact)


def _slice(part: LogPart, bucket: int) -> LogPart:
    """``part`` with only ``bucket``'s records (none for -1)."""
    keep = {bucket: part.buckets[bucket]} if bucket in part.buckets else {}
    return dataclasses.replace(part, buckets=keep)
