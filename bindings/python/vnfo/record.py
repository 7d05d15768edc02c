"""Log records as Python dataclasses, their canonical msgpack codec, and
typed numpy / pandas tables of packet records (include/vnfo/record.h).

``encode(rec)`` gives the one canonical encoding, ``decode(data)`` the
record back (strict: non-canonical, truncated or out-of-range bytes raise
``vnfo.RecordError`` naming the field and byte offset).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, Iterable, List, Optional, Union

from ._ffi import check, ffi, lib, raise_status
from .packet import FlowKey

__all__ = ["PacketRecord", "FlowTagMapRecord", "LossNotice", "EpochStart", "Heartbeat",
           "PeriodClose", "Record",
           "encode", "decode", "to_json", "PACKET_DTYPE", "to_numpy", "to_pandas"]

DIGEST_BYTES = int(lib.vnfo_record_digest_bytes())
MAX_BYTES = int(lib.vnfo_record_max_bytes())
_ZERO16 = bytes(DIGEST_BYTES)
#: Record format version written by default; decoded records keep their own
#: (1 for 0.1.0 logs), so they re-encode to the same bytes.
FORMAT_VERSION = int(lib.VNFO_RECORD_FORMAT_VERSION)

VERDICTS = ("forwarded", "dropped", "generated")
GRANULARITIES = ("digest", "headers", "full")
LOSS_REASONS = ("unspecified", "queue_overflow", "sink_failure", "restart", "rate_limit")


def _index(names, value, what) -> int:
    try:
        return names.index(value)
    except ValueError:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"record: unknown {what} {value!r} (one of {', '.join(names)})")


@dataclasses.dataclass
class PacketRecord:
    """A packet seen by one function of the chain."""
    hop: int = 0
    label: int = 0
    flowtag: int = 0
    digest_in: bytes = _ZERO16
    digest_out: bytes = _ZERO16
    verdict: str = "forwarded"
    t_in_ns: int = 0
    t_out_ns: int = 0
    cpu_cycles: int = 0
    mem_bytes: int = 0
    counters: Dict[str, int] = dataclasses.field(default_factory=dict)
    granularity: str = "digest"
    bytes_in: Optional[bytes] = None
    bytes_out: Optional[bytes] = None
    state_digest: Optional[bytes] = None
    #: pcap LINKTYPE of the frames (format 2); None = not stated, read as Ethernet
    link_type: Optional[int] = None
    #: frame length on the wire at entry (format 2); 0 = not stated
    wire_len: int = 0
    node_id: int = 0
    epoch: int = 0
    seq: int = 0
    format_version: int = FORMAT_VERSION

    @property
    def delay_ns(self) -> int:
        """t_out_ns - t_in_ns."""
        return self.t_out_ns - self.t_in_ns


@dataclasses.dataclass
class FlowTagMapRecord:
    """A FlowTag mapping: the flow before and after a rewriting function."""
    tag: int = 0
    tagging_node: int = 0
    service_path: int = 0
    time_ns: int = 0
    original: Optional[FlowKey] = None
    rewritten: Optional[FlowKey] = None
    node_id: int = 0
    epoch: int = 0
    seq: int = 0
    format_version: int = FORMAT_VERSION


@dataclasses.dataclass
class LossNotice:
    """Records the shim could not log."""
    count: int = 1
    reason: str = "unspecified"
    time_ns: int = 0
    node_id: int = 0
    epoch: int = 0
    seq: int = 0
    format_version: int = FORMAT_VERSION


@dataclasses.dataclass
class EpochStart:
    """A new key epoch begins."""
    time_ns: int = 0
    commitment: bytes = b""
    node_id: int = 0
    epoch: int = 0
    seq: int = 0
    format_version: int = FORMAT_VERSION


@dataclasses.dataclass
class Heartbeat:
    """The shim is alive: signed when nothing else was for a heartbeat
    interval (format 2)."""
    time_ns: int = 0
    node_id: int = 0
    epoch: int = 0
    seq: int = 0
    format_version: int = FORMAT_VERSION


@dataclasses.dataclass
class PeriodClose:
    """The end of a node's log for the billing period [period_start_ns,
    period_end_ns) (format 2)."""
    period_start_ns: int = 0
    period_end_ns: int = 0
    time_ns: int = 0
    node_id: int = 0
    epoch: int = 0
    seq: int = 0
    format_version: int = FORMAT_VERSION


Record = Union[PacketRecord, FlowTagMapRecord, LossNotice, EpochStart, Heartbeat, PeriodClose]
_TYPES = {PacketRecord: lib.VNFO_RECORD_PACKET, FlowTagMapRecord: lib.VNFO_RECORD_FLOWTAG_MAP,
          LossNotice: lib.VNFO_RECORD_LOSS_NOTICE, EpochStart: lib.VNFO_RECORD_EPOCH_START,
          Heartbeat: lib.VNFO_RECORD_HEARTBEAT, PeriodClose: lib.VNFO_RECORD_PERIOD_CLOSE}


def _fixed(value: bytes, size: int, what: str) -> bytes:
    value = bytes(value)
    if len(value) != size:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"record: {what} has {len(value)} bytes, expected {size}")
    return value


def _fill_packet(p, rec: PacketRecord, keep: list) -> None:
    p.hop, p.label, p.flowtag = rec.hop, rec.label, rec.flowtag
    p.digest_in = list(_fixed(rec.digest_in, DIGEST_BYTES, "digest_in"))
    p.digest_out = list(_fixed(rec.digest_out, DIGEST_BYTES, "digest_out"))
    p.verdict = _index(VERDICTS, rec.verdict, "verdict")
    p.t_in_ns, p.t_out_ns = rec.t_in_ns, rec.t_out_ns
    p.cpu_cycles, p.mem_bytes = rec.cpu_cycles, rec.mem_bytes
    if len(rec.counters) > lib.VNFO_RECORD_MAX_COUNTERS:
        raise_status(lib.VNFO_E_LIMIT_EXCEEDED,
                     message=f"record: {len(rec.counters)} counters, at most "
                             f"{lib.VNFO_RECORD_MAX_COUNTERS}")
    p.n_counters = len(rec.counters)
    for i, (name, value) in enumerate(rec.counters.items()):
        raw = ffi.new("char[]", name.encode())
        keep.append(raw)
        p.counters[i].name, p.counters[i].name_len = raw, len(raw) - 1
        p.counters[i].value = value
    p.granularity = _index(GRANULARITIES, rec.granularity, "granularity")
    for attr in ("bytes_in", "bytes_out"):
        data = getattr(rec, attr)
        if data is not None:
            buf = ffi.from_buffer("uint8_t[]", data)
            keep.append(buf)
            setattr(p, attr, buf)
            setattr(p, attr + "_len", len(buf))
    if rec.state_digest is not None:
        p.has_state_digest = 1
        p.state_digest = list(_fixed(rec.state_digest, lib.VNFO_RECORD_STATE_DIGEST_BYTES,
                                     "state_digest"))
    if rec.link_type is not None:
        if not 0 <= rec.link_type <= lib.VNFO_RECORD_MAX_LINK_TYPE:
            raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                         message=f"record: link_type {rec.link_type} outside 0..65535")
        p.has_link_type, p.link_type = 1, rec.link_type
    p.wire_len = rec.wire_len


def _to_c(rec: Record):
    """A vnfo_record for ``rec``, and the buffers it points into."""
    try:
        rtype = _TYPES[type(rec)]
    except KeyError:
        raise TypeError(f"not a vnfo record: {type(rec).__name__}") from None
    c = ffi.new("vnfo_record *")
    check(lib.vnfo_record_init(c, rtype))
    c.node_id, c.epoch, c.seq = rec.node_id, rec.epoch, rec.seq
    c.format_version = rec.format_version
    keep: List[Any] = []
    if isinstance(rec, PacketRecord):
        _fill_packet(c.u.packet, rec, keep)
    elif isinstance(rec, FlowTagMapRecord):
        m = c.u.flowtag_map
        m.tag, m.tagging_node, m.service_path, m.time_ns = (
            rec.tag, rec.tagging_node, rec.service_path, rec.time_ns)
        for attr in ("original", "rewritten"):
            key = getattr(rec, attr)
            if key is None:
                raise_status(lib.VNFO_E_INVALID_ARGUMENT, message=f"record: {attr} flow key missing")
            key._to_c(getattr(m, attr))
    elif isinstance(rec, LossNotice):
        n = c.u.loss_notice
        n.count, n.time_ns = rec.count, rec.time_ns
        n.reason = _index(LOSS_REASONS, rec.reason, "loss reason")
    elif isinstance(rec, Heartbeat):
        c.u.heartbeat.time_ns = rec.time_ns
    elif isinstance(rec, PeriodClose):
        pc = c.u.period_close
        pc.period_start_ns, pc.period_end_ns, pc.time_ns = (
            rec.period_start_ns, rec.period_end_ns, rec.time_ns)
    else:
        e = c.u.epoch_start
        e.time_ns = rec.time_ns
        buf = ffi.from_buffer("uint8_t[]", rec.commitment)
        keep.append(buf)
        e.commitment, e.commitment_len = buf, len(buf)
    return c, keep


def _bytes(ptr, n) -> Optional[bytes]:
    return bytes(ffi.buffer(ptr, n)) if ptr != ffi.NULL else None


def _from_c(c) -> Record:
    head = {"node_id": int(c.node_id), "epoch": int(c.epoch), "seq": int(c.seq),
            "format_version": int(c.format_version)}
    if c.type == lib.VNFO_RECORD_PACKET:
        p = c.u.packet
        counters = {ffi.unpack(p.counters[i].name, p.counters[i].name_len).decode():
                    int(p.counters[i].value) for i in range(p.n_counters)}
        return PacketRecord(
            hop=int(p.hop), label=int(p.label), flowtag=int(p.flowtag),
            digest_in=bytes(ffi.buffer(p.digest_in)), digest_out=bytes(ffi.buffer(p.digest_out)),
            verdict=VERDICTS[p.verdict], t_in_ns=int(p.t_in_ns), t_out_ns=int(p.t_out_ns),
            cpu_cycles=int(p.cpu_cycles), mem_bytes=int(p.mem_bytes), counters=counters,
            granularity=GRANULARITIES[p.granularity],
            bytes_in=_bytes(p.bytes_in, p.bytes_in_len), bytes_out=_bytes(p.bytes_out, p.bytes_out_len),
            state_digest=bytes(ffi.buffer(p.state_digest)) if p.has_state_digest else None,
            link_type=int(p.link_type) if p.has_link_type else None, wire_len=int(p.wire_len),
            **head)
    if c.type == lib.VNFO_RECORD_FLOWTAG_MAP:
        m = c.u.flowtag_map
        return FlowTagMapRecord(tag=int(m.tag), tagging_node=int(m.tagging_node),
                                service_path=int(m.service_path), time_ns=int(m.time_ns),
                                original=FlowKey._from_c(m.original),
                                rewritten=FlowKey._from_c(m.rewritten), **head)
    if c.type == lib.VNFO_RECORD_LOSS_NOTICE:
        n = c.u.loss_notice
        return LossNotice(count=int(n.count), reason=LOSS_REASONS[n.reason],
                          time_ns=int(n.time_ns), **head)
    if c.type == lib.VNFO_RECORD_HEARTBEAT:
        return Heartbeat(time_ns=int(c.u.heartbeat.time_ns), **head)
    if c.type == lib.VNFO_RECORD_PERIOD_CLOSE:
        pc = c.u.period_close
        return PeriodClose(period_start_ns=int(pc.period_start_ns),
                           period_end_ns=int(pc.period_end_ns), time_ns=int(pc.time_ns), **head)
    e = c.u.epoch_start
    return EpochStart(time_ns=int(e.time_ns), commitment=_bytes(e.commitment, e.commitment_len)
                      or b"", **head)


def _encode_c(c) -> bytes:
    size = ffi.new("size_t *")
    status = lib.vnfo_record_encoded_size(size, c)
    if status:
        raise_status(status, message="record: " + ffi.string(lib.vnfo_strerror(status)).decode()
                     + " (a field is out of range or inconsistent with the granularity)")
    out = ffi.new("uint8_t[]", max(size[0], 1))
    written = ffi.new("size_t *")
    check(lib.vnfo_record_encode(out, len(out), written, c))
    return bytes(ffi.buffer(out, written[0]))


def encode(rec: Record) -> bytes:
    """The canonical msgpack encoding of a record."""
    c, keep = _to_c(rec)
    data = _encode_c(c)
    del keep
    return data


def decode(data) -> Record:
    """Decode one record spanning exactly ``data`` (any buffer)."""
    buf = ffi.from_buffer("uint8_t[]", data)
    c = ffi.new("vnfo_record *")
    check(lib.vnfo_record_decode(c, buf, len(buf)))
    return _from_c(c)  # copies everything out of ``buf``


def to_json(rec: Record) -> Dict[str, Any]:
    """The library's JSON rendering of a record (as ``vnfo log dump --jsonl``)."""
    c, keep = _to_c(rec)
    needed = ffi.new("size_t *")
    out = ffi.new("char[]", 4096)
    status = lib.vnfo_record_to_json(out, len(out), needed, c)
    if status == lib.VNFO_E_BUFFER_TOO_SMALL:
        out = ffi.new("char[]", needed[0])
        status = lib.vnfo_record_to_json(out, len(out), needed, c)
    check(status)
    del keep
    return json.loads(ffi.string(out).decode())


# ---- tables -----------------------------------------------------------------

#: numpy dtype of a packet-record table: one typed column per field.
#: Digests are fixed 16-byte fields (``V16``: raw bytes, no NUL stripping).
PACKET_COLUMNS = (
    ("node_id", "u4"), ("epoch", "u8"), ("seq", "u8"), ("hop", "u4"), ("label", "u8"),
    ("flowtag", "u4"), ("verdict", "u1"), ("t_in_ns", "u8"), ("t_out_ns", "u8"),
    ("delay_ns", "i8"), ("cpu_cycles", "u8"), ("mem_bytes", "u8"),
    ("digest_in", "V16"), ("digest_out", "V16"),
)


def _packet_dtype():
    import numpy as np
    return np.dtype(list(PACKET_COLUMNS))


def __getattr__(name):  # PACKET_DTYPE without importing numpy at import time
    if name == "PACKET_DTYPE":
        return _packet_dtype()
    raise AttributeError(name)


def to_numpy(records: Iterable[Record]):
    """A numpy structured array (``PACKET_DTYPE``) of the packet records in
    ``records``; other record types are skipped.  ``verdict`` is the C value
    (0 forwarded, 1 dropped, 2 generated)."""
    import numpy as np
    rows = [(r.node_id, r.epoch, r.seq, r.hop, r.label, r.flowtag, VERDICTS.index(r.verdict),
             r.t_in_ns, r.t_out_ns, r.t_out_ns - r.t_in_ns, r.cpu_cycles, r.mem_bytes,
             r.digest_in, r.digest_out)
            for r in records if isinstance(r, PacketRecord)]
    return np.array(rows, dtype=_packet_dtype())


def to_pandas(records_or_array):
    """A DataFrame of packet records: typed integer columns, ``verdict`` as a
    categorical, digests as hex strings, plus a ``counter.<name>`` column for
    each vendor counter seen (when given records, not an array)."""
    import numpy as np
    import pandas as pd
    counters = None
    if isinstance(records_or_array, np.ndarray):
        arr = records_or_array
    else:
        recs = [r for r in records_or_array if isinstance(r, PacketRecord)]
        arr = to_numpy(recs)
        names = sorted({n for r in recs for n in r.counters})
        counters = {f"counter.{n}": pd.array([r.counters.get(n) for r in recs], dtype="UInt64")
                    for n in names}
    cols = {}
    for name, _ in PACKET_COLUMNS:
        col = arr[name]
        if name == "verdict":
            cols[name] = pd.Categorical.from_codes(col.astype("i1"), categories=list(VERDICTS))
        elif name.startswith("digest"):
            cols[name] = [bytes(v).hex() for v in col]
        else:
            cols[name] = col
    frame = pd.DataFrame(cols)
    if counters:
        frame = frame.assign(**counters)
    return frame
