"""The end-to-end verifier (include/vnfo/verify.h, docs/verify.md):
manifest, one signed log per chain function, the bill, and reference
implementations given as Python callables, into a ``vnfo.Report``.

    v = vnfo.Verifier(manifest)
    v.set_reference("ids", lambda pkt: bytes(pkt))   # forwards unchanged; before the logs
    v.add_logs_dir("provider-logs/")          # <name>.log per chain entry
    v.set_bill(vnfo.Bill.load("provider-logs/bill.json"))
    report = v.run()
"""

from __future__ import annotations

import os
import pathlib
from typing import Any, Callable, Dict, List, Optional, Union

from . import errors as vnfo_errors
from ._ffi import check, ffi, fspath, lib
from .bill import Bill
from .manifest import Manifest
from .packet import LinkType
from .record import Record, _to_c
from .reference import Reference
from .relation import Relation
from .report import Report

__all__ = ["Verifier", "verify_dir"]


class Verifier:
    """One verification run against a manifest.

    The verifier keeps every object C borrows (manifest, bill, log bytes,
    reference callables) alive until it is freed.
    """

    def __init__(self, manifest: Manifest, *, linktype: int = LinkType.ETHERNET,
                 snapshot: bool = False, max_examples: int = 8,
                 reference_ghz: float = 2.0, threads: int = 0) -> None:
        o = ffi.new("vnfo_verify_options *")
        check(lib.vnfo_verify_options_init(o, lib.VNFO_VERIFY_OPTIONS_VERSION))
        o.linktype, o.snapshot = int(linktype), int(snapshot)
        o.max_examples, o.reference_ghz = max_examples, reference_ghz
        out = ffi.new("vnfo_verifier **")
        check(lib.vnfo_verifier_create(out, manifest._c, o))
        self.manifest = manifest
        self._keep: List[Any] = [manifest]
        self.references: Dict[str, Reference] = {}
        self.relations: Dict[str, Relation] = {}
        keep = self._keep
        # Freed before what it borrows: the finaliser holds the borrowed objects.
        self._c = ffi.gc(out[0], lambda p, k=keep: lib.vnfo_verifier_free(p))
        self.set_threads(threads)

    def set_threads(self, threads: int) -> None:
        """Threads for batch verification, record decoding and sorting
        (``vnfo_verifier_threads_set``): 1 for the calling thread alone, 0
        for one per online CPU (the default), at most
        ``VNFO_VERIFY_THREADS_MAX``.  The report is the same for any number;
        Python references and relations are always called from the thread
        that calls ``run()``."""
        if not isinstance(threads, int) or threads < 0:
            raise vnfo_errors.InvalidArgument(int(lib.VNFO_E_INVALID_ARGUMENT),
                                              f"threads: {threads!r} is not a count of threads")
        check(lib.vnfo_verifier_threads_set(self._c, threads))

    def set_reference(self, name: str, func: Union[Callable, Reference]) -> Reference:
        """The reference implementation of chain entry ``name``: a callable
        taking the input frame (read-only memoryview) and returning None
        (drop), the output bytes (forward) or a ``vnfo.reference.Result``.
        Set references before adding logs: the verifier keeps the packet
        bytes only of functions that have a reference."""
        ref = func if isinstance(func, Reference) else Reference(func)
        setter = (lib.vnfo_verifier_reference_linktype_set if ref.linktype_aware
                  else lib.vnfo_verifier_reference_set)
        check(setter(self._c, name.encode(), ref.c_function, ref.c_context))
        self.references[name] = ref
        self._keep.append(ref)
        return ref

    def set_relation(self, name: str, relation: Union[Callable, Relation]) -> Relation:
        """The reference of stateful chain entry ``name`` as a relation
        (``vnfo.relation``; a bare callable is its ``check``), checked as
        ``relation.<name>``.  Set it before adding logs."""
        rel = relation if isinstance(relation, Relation) else Relation(relation)
        check(lib.vnfo_verifier_relation_set(self._c, name.encode(), rel.c_relation,
                                             rel.c_context))
        self.relations[name] = rel
        self._keep.append(rel)
        return rel

    def add_log(self, name: str, log, source: Optional[str] = None) -> None:
        """Chain entry ``name``'s log: a path, or the log bytes (any buffer)."""
        if isinstance(log, (str, os.PathLike)):
            check(lib.vnfo_verifier_log_add_file(self._c, name.encode(), fspath(log)),
                  os.fsdecode(log))
            return
        buf = ffi.from_buffer("uint8_t[]", log)
        self._keep.append((log, buf))
        check(lib.vnfo_verifier_log_add(self._c, name.encode(), buf, len(buf),
                                        (source or f"{name}.log").encode()))

    def add_foreign_log(self, path) -> None:
        """A log written by a node outside the chain."""
        check(lib.vnfo_verifier_foreign_log_add_file(self._c, fspath(path)), os.fsdecode(path))

    def add_logs_dir(self, directory) -> None:
        """``<name>.log`` for every chain entry; any other ``*.log`` is a
        foreign node's log (as ``vnfo verify --logs DIR`` reads it)."""
        directory = pathlib.Path(directory)
        names = [e["name"] for e in self.manifest.chain]
        for name in names:
            self.add_log(name, directory / f"{name}.log")
        for path in sorted(directory.glob("*.log")):
            if path.stem not in names:
                self.add_foreign_log(path)

    def add_record(self, record: Record) -> None:
        """One record verified elsewhere (its node_id places it in the chain)."""
        c, keep = _to_c(record)
        check(lib.vnfo_verifier_record_add(self._c, c))

    def set_bill(self, bill: Bill) -> None:
        check(lib.vnfo_verifier_bill_set(self._c, bill._c))
        self._keep.append(bill)

    def run(self) -> Report:
        """Run every check into a new Report.  If a Python reference raised,
        the first exception is re-raised (its packets were replayed as
        ERROR), with the report as its ``vnfo_report`` attribute."""
        out = ffi.new("vnfo_report **")
        check(lib.vnfo_verifier_run(out, self._c))
        report = Report._adopt(out[0])
        for ref in [*self.references.values(), *self.relations.values()]:
            if ref.errors:
                exc = ref.errors[0]
                exc.vnfo_report = report
                raise exc
        return report

    @property
    def stage_times(self) -> Dict[str, float]:
        """Nanoseconds spent per stage so far."""
        out = ffi.new("double[4]")
        check(lib.vnfo_verifier_stage_times(out, self._c))
        return dict(zip(("logs", "records", "trajectories", "checks"), map(float, out)))


def verify_dir(manifest: Union[Manifest, str, os.PathLike], logs_dir,
               bill: Union[None, Bill, str, os.PathLike] = None,
               references: Optional[Dict[str, Callable]] = None, **options) -> Report:
    """``vnfo verify`` in one call: manifest (object or path), the logs
    folder, the bill (object or path; default ``<logs_dir>/bill.json`` when it
    exists) and Python references by chain name."""
    if not isinstance(manifest, Manifest):
        manifest = Manifest.load(manifest)
    v = Verifier(manifest, **options)
    for name, func in (references or {}).items():
        v.set_reference(name, func)
    v.add_logs_dir(logs_dir)
    if bill is None and (pathlib.Path(logs_dir) / "bill.json").exists():
        bill = pathlib.Path(logs_dir) / "bill.json"
    if bill is not None:
        v.set_bill(bill if isinstance(bill, Bill) else Bill.load(bill))
    report = v.run()
    report.set_subject("logs", os.fspath(logs_dir))
    return report
