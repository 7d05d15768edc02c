"""Signed, Merkle-batched, hash-chained logs (include/vnfo/log.h).

Writing::

    with vnfo.LogWriter.to_file("fw.log", key, node_id=1) as w:
        w.append(vnfo.PacketRecord(...))

Reading and verifying::

    log = vnfo.open_log(["fw.log.1", "fw.log.2"], public_key, manifest_digest=digest)
    log.ok, log.faults          # every batch verified; the faulty ones
    for rec in log.records(): ...
    log.to_pandas()             # packet records as a typed DataFrame

A log stream is verified before anything is decoded; faulty batches do not
stop the reading, they are listed in ``faults`` (``log.raise_for_faults()``
raises the first as ``vnfo.LogIntegrityError``, ``LogFormatError`` or
``SignatureError`` with ``.path`` and ``.offset``, the file offset of the
batch as ``BatchInfo.offset``), and only records of authentic batches are
returned.
"""

from __future__ import annotations

import dataclasses
import os
import struct
from typing import Any, Callable, Iterator, List, Optional, Sequence, Union

from . import errors
from ._ffi import check, ffi, fspath, lib, raise_status, status_name, strerror
from ._optional import require
from .keys import PublicKey, SigningKey
from .record import Record, _from_c, _to_c, _packet_dtype

__all__ = ["LogWriter", "LogReader", "open_log", "BatchInfo", "Header", "tree_root",
           "batch_hash", "batch_verify", "batch_record", "header_parse", "Proof",
           "HASH_BYTES"]

HASH_BYTES = int(lib.vnfo_log_hash_bytes())
_TREE = {"blake2b-256": lib.VNFO_LOG_TREE_BLAKE2B_256, "sha256": lib.VNFO_LOG_TREE_SHA256}
_ZERO = bytes(HASH_BYTES)


def _tree(name: str) -> int:
    out = ffi.new("vnfo_log_tree_hash *")
    check(lib.vnfo_log_tree_hash_parse(out, name.encode()))
    return out[0]


def _hash32(value, what: str) -> bytes:
    raw = bytes(value) if value is not None else _ZERO
    if len(raw) != HASH_BYTES:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"{what}: {len(raw)} bytes, expected {HASH_BYTES}")
    return raw


@dataclasses.dataclass(frozen=True)
class Header:
    """A decoded batch header."""
    format_version: int
    tree_hash: str
    node_id: int
    manifest_digest: bytes
    epoch: int
    first_seq: int
    record_count: int
    lost_count: int
    prev_hash: bytes
    root: bytes
    created_ns: int

    @classmethod
    def _from_c(cls, h) -> "Header":
        return cls(int(h.format_version), ffi.string(lib.vnfo_log_tree_hash_name(h.tree_hash)).decode(),
                   int(h.node_id), bytes(ffi.buffer(h.manifest_digest)), int(h.epoch),
                   int(h.first_seq), int(h.record_count), int(h.lost_count),
                   bytes(ffi.buffer(h.prev_hash)), bytes(ffi.buffer(h.root)), int(h.created_ns))


@dataclasses.dataclass(frozen=True)
class BatchInfo:
    """What the reader found about one batch."""
    index: int
    status: int
    status_name: str
    message: str
    source: str
    offset: int
    length: int
    header: Optional[Header]
    hash: Optional[bytes]

    @property
    def ok(self) -> bool:
        return self.status == 0

    def error(self) -> errors.Error:
        """The fault as a ``vnfo.Error`` (not raised).

        Its ``.offset`` is ``self.offset``, the file offset of the batch's
        length prefix, for every fault; its message names the source, that
        offset and the batch index first, as vnfo_log_reader_verify() does,
        then the reader's own text (which may name a byte inside the batch).
        """
        cls = errors.error_class(self.status, self.status_name)
        text = self.message or strerror(self.status)
        return cls(self.status, f"{self.source}: offset {self.offset}: batch {self.index}: {text}",
                   status_name=self.status_name, path=self.source, offset=self.offset)


# ---- batches --------------------------------------------------------------


def header_parse(batch) -> Header:
    """Decode a batch header (no verification)."""
    buf = ffi.from_buffer("uint8_t[]", batch)
    h = ffi.new("vnfo_log_header *")
    check(lib.vnfo_log_header_parse(h, buf, len(buf)))
    return Header._from_c(h)


def batch_hash(batch) -> bytes:
    """The hash the next batch's header names as prev_hash."""
    buf = ffi.from_buffer("uint8_t[]", batch)
    out = ffi.new("uint8_t[]", HASH_BYTES)
    check(lib.vnfo_log_batch_hash(out, buf, len(buf)))
    return bytes(ffi.buffer(out))


def batch_verify(batch, key: PublicKey, manifest_digest=None) -> Header:
    """Verify one batch on its own (signature, manifest digest, root)."""
    buf = ffi.from_buffer("uint8_t[]", batch)
    h = ffi.new("vnfo_log_header *")
    md = _hash32(manifest_digest, "manifest digest") if manifest_digest is not None else None
    check(lib.vnfo_log_batch_verify(h, buf, len(buf), key._c, md if md is not None else ffi.NULL))
    return Header._from_c(h)


def batch_record(batch, index: int) -> bytes:
    """The exact bytes of record ``index`` of a batch."""
    buf = ffi.from_buffer("uint8_t[]", batch)
    p, n = ffi.new("const uint8_t **"), ffi.new("size_t *")
    check(lib.vnfo_log_batch_record(p, n, buf, len(buf), index))
    return bytes(ffi.buffer(p[0], n[0]))


def tree_root(entries: Sequence[bytes], hash: str = "blake2b-256") -> bytes:
    """The RFC 6962 Merkle tree hash of the entries."""
    bufs = [ffi.from_buffer("uint8_t[]", e) for e in entries]
    ptrs = ffi.new("const uint8_t *[]", bufs) if bufs else ffi.NULL
    lens = ffi.new("size_t[]", [len(b) for b in bufs]) if bufs else ffi.NULL
    out = ffi.new("uint8_t[]", HASH_BYTES)
    check(lib.vnfo_log_tree_root(out, _tree(hash), ptrs, lens, len(bufs)))
    return bytes(ffi.buffer(out))


class Proof:
    """An inclusion proof of one record: signed header plus audit path."""

    __slots__ = ("_c",)

    def __init__(self, batch, index: int) -> None:
        buf = ffi.from_buffer("uint8_t[]", batch)
        self._c = ffi.new("vnfo_log_proof *")
        check(lib.vnfo_log_proof_create(self._c, buf, len(buf), index))

    @property
    def leaf_index(self) -> int:
        return int(self._c.leaf_index)

    @property
    def tree_size(self) -> int:
        return int(self._c.tree_size)

    def __bytes__(self) -> bytes:
        return bytes(ffi.buffer(self._c))

    def check(self, key: PublicKey, record) -> None:
        """Check signature, tree size and audit path; raises on failure."""
        buf = ffi.from_buffer("uint8_t[]", record)
        check(lib.vnfo_log_proof_check(self._c, key._c, buf, len(buf)))


# ---- writer ---------------------------------------------------------------


class _Callbacks:
    """Python side of the sink and clock trampolines of one writer."""

    def __init__(self, sink: Callable[[bytes], Any], clock: Optional[Callable[[], int]]):
        self.sink, self.clock = sink, clock
        self.error: Optional[BaseException] = None


@ffi.def_extern(error=lib.VNFO_E_IO)
def vnfo_py_log_sink(ctx, batch, length):
    cb: _Callbacks = ffi.from_handle(ctx)
    try:
        cb.sink(bytes(ffi.buffer(batch, length)))
        return 0
    except BaseException as exc:  # noqa: BLE001 - re-raised by the writer
        cb.error = exc
        return lib.VNFO_E_IO


@ffi.def_extern(error=0)
def vnfo_py_log_clock(ctx):
    return int(ffi.from_handle(ctx).clock())


class LogWriter:
    """Collects records into signed batches handed to ``sink(batch_bytes)``.

    ``LogWriter.to_file(path, key, ...)`` appends length-prefixed batches to
    a log file.  The writer sets each record's node id, epoch and sequence
    number.  Use it as a context manager, or call ``close()``: the last
    batch is flushed then.
    """

    def __init__(self, key: SigningKey, node_id: int, sink: Callable[[bytes], Any], *,
                 manifest_digest=None, batch_records: int = 1024,
                 batch_bytes: Optional[int] = None, tree_hash: str = "blake2b-256",
                 epoch: int = 0, first_seq: int = 0, prev_hash=None, lost_before: int = 0,
                 clock: Optional[Callable[[], int]] = None) -> None:
        self._cb = _Callbacks(sink, clock)
        self._handle = ffi.new_handle(self._cb)
        self._key = key  # borrowed by C: must outlive the writer
        o = ffi.new("vnfo_log_writer_options *")
        check(lib.vnfo_log_writer_options_init(o, lib.VNFO_LOG_WRITER_OPTIONS_VERSION))
        o.node_id, o.key = node_id, key._c
        ffi.memmove(o.manifest_digest, _hash32(manifest_digest, "manifest digest"), HASH_BYTES)
        o.batch_records = batch_records
        if batch_bytes is not None:
            o.batch_bytes = batch_bytes
        o.tree_hash = _tree(tree_hash)
        o.sink, o.sink_ctx = lib.vnfo_py_log_sink, self._handle
        o.epoch, o.first_seq, o.lost_before = epoch, first_seq, lost_before
        ffi.memmove(o.prev_hash, _hash32(prev_hash, "prev_hash"), HASH_BYTES)
        if clock is not None:
            o.clock, o.clock_ctx = lib.vnfo_py_log_clock, self._handle
        out = ffi.new("vnfo_log_writer **")
        check(lib.vnfo_log_writer_create(out, o))
        handle, key_ref = self._handle, key
        # The finaliser flushes through the sink: keep the handle and the
        # key alive until it has run.
        self._c = ffi.gc(out[0], lambda p, h=handle, k=key_ref: lib.vnfo_log_writer_free(p))

    @classmethod
    def to_file(cls, path, key: SigningKey, node_id: int, **options) -> "LogWriter":
        """A writer appending to a log file (4-byte big-endian length, then
        the batch, one write per batch)."""
        f = open(path, "ab", buffering=0)

        def sink(batch: bytes) -> None:
            f.write(struct.pack(">I", len(batch)) + batch)
        w = cls(key, node_id, sink, **options)
        w._file = f
        return w

    def _check(self, status: int) -> None:
        if status == 0:
            return
        exc, self._cb.error = self._cb.error, None
        try:
            check(status)
        except errors.Error as err:
            raise err from exc

    def append(self, record: Record) -> None:
        """Append a record (its node_id, epoch and seq are set by the writer)."""
        c, keep = _to_c(record)
        self._check(lib.vnfo_log_writer_append(self._c, c))
        del keep

    def flush(self) -> None:
        """Close and deliver the open batch."""
        self._check(lib.vnfo_log_writer_flush(self._c))

    def heartbeat(self, now_ns: int) -> None:
        """Append a heartbeat record and sign the batch (manifest
        ``logging.heartbeat_ms``: sign at least that often)."""
        self._check(lib.vnfo_log_writer_heartbeat(self._c, now_ns))

    def close_period(self, period_start_ns: int, period_end_ns: int, now_ns: int) -> None:
        """Append a period-close record for [start, end) and sign the batch:
        the end of this node's log for the billing period."""
        self._check(lib.vnfo_log_writer_close_period(self._c, period_start_ns, period_end_ns, now_ns))

    def set_epoch(self, epoch: int) -> None:
        self._check(lib.vnfo_log_writer_set_epoch(self._c, epoch))

    @property
    def next_seq(self) -> int:
        return int(lib.vnfo_log_writer_next_seq(self._c))

    @property
    def last_hash(self) -> bytes:
        out = ffi.new("uint8_t[]", HASH_BYTES)
        check(lib.vnfo_log_writer_last_hash(out, self._c))
        return bytes(ffi.buffer(out))

    @property
    def pending_lost(self) -> int:
        """Records lost since the last delivered batch, not yet signed: give
        it as ``lost_before`` (with ``next_seq`` and ``last_hash``) to a
        writer that continues this log."""
        return int(lib.vnfo_log_writer_pending_lost(self._c))

    @property
    def lost_total(self) -> int:
        return int(lib.vnfo_log_writer_lost_total(self._c))

    def close(self) -> None:
        """Flush, free the writer and close its file (idempotent)."""
        if getattr(self, "_c", None) is None:
            return
        try:
            self.flush()
        finally:
            ffi.release(self._c)  # runs vnfo_log_writer_free now
            self._c = None
            f = getattr(self, "_file", None)
            if f is not None:
                f.close()

    def __enter__(self) -> "LogWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---- reader ---------------------------------------------------------------


class LogReader:
    """Reads and verifies a stream of log files or buffers, in order."""

    def __init__(self, public_key: PublicKey, *, manifest_digest=None,
                 node_id: Optional[int] = None, anchor: Optional[tuple] = None) -> None:
        o = ffi.new("vnfo_log_reader_options *")
        check(lib.vnfo_log_reader_options_init(o, lib.VNFO_LOG_READER_OPTIONS_VERSION))
        o.public_key = public_key._c[0]
        ffi.memmove(o.manifest_digest, _hash32(manifest_digest, "manifest digest"), HASH_BYTES)
        if node_id is not None:
            o.check_node, o.node_id = 1, node_id
        if anchor is not None:
            o.anchored, o.anchor_seq = 1, anchor[0]
            ffi.memmove(o.anchor_hash, _hash32(anchor[1], "anchor hash"), HASH_BYTES)
        out = ffi.new("vnfo_log_reader **")
        check(lib.vnfo_log_reader_create(out, o))
        self._c = ffi.gc(out[0], lib.vnfo_log_reader_free)
        self._buffers: List[Any] = []  # added buffers stay alive with the reader
        self.sources: List[str] = []
        self.status: Optional[int] = None

    def add_file(self, path) -> "LogReader":
        check(lib.vnfo_log_reader_add_file(self._c, fspath(path)), os.fsdecode(path))
        self.sources.append(os.fsdecode(path))
        self.status = None
        return self

    def add_buffer(self, data, name: str = "buffer") -> "LogReader":
        buf = ffi.from_buffer("uint8_t[]", data)
        check(lib.vnfo_log_reader_add_buffer(self._c, buf, len(buf), name.encode()))
        self._buffers.append((data, buf))
        self.sources.append(name)
        self.status = None
        return self

    def verify(self) -> bool:
        """Verify every batch (signatures, roots, chain); True when all are
        valid.  Faults are in ``faults``; only ``NoMemory`` raises."""
        status = lib.vnfo_log_reader_verify(self._c)
        if status == lib.VNFO_E_NO_MEMORY:
            check(status)
        self.status = int(status)
        return status == 0

    def _verified(self) -> None:
        if self.status is None:
            self.verify()

    @property
    def ok(self) -> bool:
        self._verified()
        return self.status == 0

    def __len__(self) -> int:
        self._verified()
        return int(lib.vnfo_log_reader_batch_count(self._c))

    def batch(self, index: int) -> BatchInfo:
        self._verified()
        b = ffi.new("vnfo_log_batch_info *")
        check(lib.vnfo_log_reader_batch(b, self._c, index))
        return BatchInfo(index, int(b.status), status_name(b.status),
                         ffi.string(b.message).decode("utf-8", "replace"),
                         ffi.string(b.source).decode("utf-8", "replace"), int(b.offset),
                         int(b.len), Header._from_c(b.header) if b.header_valid else None,
                         bytes(ffi.buffer(b.hash)) if b.header_valid else None)

    @property
    def batches(self) -> List[BatchInfo]:
        return [self.batch(i) for i in range(len(self))]

    @property
    def faults(self) -> List[BatchInfo]:
        return [b for b in self.batches if not b.ok]

    def raise_for_faults(self) -> None:
        """Raise the first faulty batch's error, if any."""
        for b in self.faults:
            raise b.error()

    def batch_bytes(self, index: int) -> bytes:
        b = ffi.new("vnfo_log_batch_info *")
        check(lib.vnfo_log_reader_batch(b, self._c, index))
        if b.bytes == ffi.NULL:
            # A frame cut short or unreadable: its fault, at its file offset.
            raise self.batch(index).error()
        return bytes(ffi.buffer(b.bytes, b.len))

    def _c_records(self, on_error: str) -> Iterator[Any]:
        self._verified()
        rec = ffi.new("vnfo_record *")
        cur = ffi.new("vnfo_log_cursor *")
        while True:
            status = lib.vnfo_log_reader_next_record(rec, self._c, cur)
            if status == lib.VNFO_E_NOT_FOUND:
                return
            if status:
                # Same place as a batch fault: the file and the file offset
                # of the record's batch (the C message names them too).
                err = _error_now(status)
                info = self.batch(int(cur.batch))
                err.path, err.offset = info.source, info.offset
                if on_error == "raise":
                    raise err
                self.record_errors.append(err)
                continue
            yield rec

    record_errors: List[errors.Error]

    def records(self, on_error: str = "raise") -> Iterator[Record]:
        """Decoded records of the authentic batches, in stream order.

        A record that does not decode raises (``on_error="raise"``) or is
        listed in ``record_errors`` and skipped (``on_error="collect"``).
        """
        self.record_errors = []
        for rec in self._c_records(on_error):
            yield _from_c(rec)

    def to_numpy(self, on_error: str = "raise"):
        """The packet records as a ``vnfo.record.PACKET_DTYPE`` array, filled
        straight from the C structs (no Python record objects).  Needs numpy
        (``vnfo[numpy]``)."""
        np = require("numpy", "LogReader.to_numpy", "numpy")
        self.record_errors = []
        rows = []
        for rec in self._c_records(on_error):
            if rec.type != lib.VNFO_RECORD_PACKET:
                continue
            p = rec.u.packet
            rows.append((rec.node_id, rec.epoch, rec.seq, p.hop, p.label, p.flowtag, p.verdict,
                         p.t_in_ns, p.t_out_ns, p.t_out_ns - p.t_in_ns, p.cpu_cycles,
                         p.mem_bytes, bytes(ffi.buffer(p.digest_in)),
                         bytes(ffi.buffer(p.digest_out))))
        return np.array(rows, dtype=_packet_dtype())

    def to_pandas(self, on_error: str = "raise"):
        """The packet records as a typed DataFrame (see vnfo.record.to_pandas).
        Needs pandas (``vnfo[pandas]``)."""
        from .record import to_pandas
        require("pandas", "LogReader.to_pandas", "pandas")
        return to_pandas(self.to_numpy(on_error))


def _error_now(status: int) -> errors.Error:
    try:
        check(status)
    except errors.Error as err:
        return err
    raise AssertionError("unreachable")


def open_log(paths: Union[str, "os.PathLike[str]", Sequence], public_key: PublicKey,
             **options) -> LogReader:
    """A verified reader over one log file or several (in order)."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    reader = LogReader(public_key, **options)
    for p in paths:
        reader.add_file(p)
    reader.verify()
    return reader
