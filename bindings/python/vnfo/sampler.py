"""Trajectory sampling (include/vnfo/sampler.h): keyed hash-based selection
of packets, 64-bit labels, key epochs and sampling key files.

``Sampler.decide(packet)`` decides one packet.  ``Sampler.decide_burst``
decides many packets held in ONE buffer-protocol object without copying
them: a 2-D ``uint8`` numpy array (one packet per row, with ``lengths`` when
rows are not full), or any buffer with byte ``offsets`` and ``lengths``.
The loop over the packets runs in C, in bursts of up to 256.
"""

from __future__ import annotations

import dataclasses
import fractions
import os
from typing import List, Optional, Sequence, Tuple, Union

from ._ffi import check, ffi, fspath, lib, raise_status
from ._optional import require
from .packet import FieldSet, LinkType

__all__ = ["Sampler", "Decision", "DECISION_DTYPE", "KEY_BYTES", "BURST_MAX",
           "generate_key", "load_key", "save_key", "key_commitment", "bob"]

KEY_BYTES = int(lib.vnfo_sampler_key_bytes())
BURST_MAX = int(lib.vnfo_sampler_burst_max())
HASHES = {"xxh3-64": lib.VNFO_SAMPLER_HASH_XXH3, "siphash-2-4": lib.VNFO_SAMPLER_HASH_SIPHASH,
          "bob": lib.VNFO_SAMPLER_HASH_BOB}

#: numpy dtype with the exact layout of ``vnfo_sampler_decision``: the C
#: burst writes straight into arrays of it.
DECISION_COLUMNS = [("hash", "<u8"), ("label", "<u8"), ("epoch", "<u8"), ("status", "<i4"),
                    ("selected", "u1"), ("reserved_", "V3")]


_DTYPE = None


def _decision_dtype():
    global _DTYPE
    if _DTYPE is None:
        np = require("numpy", "vnfo.sampler.DECISION_DTYPE (and decide_burst)", "numpy")
        dt = np.dtype(DECISION_COLUMNS)
        assert dt.itemsize == ffi.sizeof("vnfo_sampler_decision")
        _DTYPE = dt
    return _DTYPE


def __getattr__(name):  # DECISION_DTYPE without importing numpy at import time
    if name == "DECISION_DTYPE":
        return _decision_dtype()
    raise AttributeError(name)


def _is_rows(a) -> bool:
    flags = getattr(a, "flags", None)
    return (flags is not None and getattr(a, "ndim", 0) == 2 and a.dtype.char == "B"
            and flags.c_contiguous)


def _is_decisions(out, n: int) -> bool:
    return (getattr(out, "dtype", None) == _decision_dtype() and out.flags.c_contiguous
            and out.flags.writeable and len(out) >= n)


@dataclasses.dataclass(frozen=True)
class Decision:
    """One sampling decision."""
    selected: bool
    label: int
    hash: int
    epoch: int
    status: int

    def __bool__(self) -> bool:
        return self.selected


def _key_view(key) -> "ffi.CData":
    view = ffi.from_buffer("uint8_t[]", key)
    if len(view) != KEY_BYTES:
        raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                     message=f"sampling key: {len(view)} bytes, expected {KEY_BYTES}")
    return view


def generate_key() -> bytes:
    """A random 32-byte sampling master key."""
    out = ffi.new("uint8_t[]", KEY_BYTES)
    check(lib.vnfo_sampler_key_generate(out))
    return bytes(ffi.buffer(out))


def load_key(path) -> bytes:
    """Read a sampling key file (refused when group or others have any access to it)."""
    out = ffi.new("uint8_t[]", KEY_BYTES)
    check(lib.vnfo_sampler_key_load(out, fspath(path)), os.fsdecode(path))
    return bytes(ffi.buffer(out))


def save_key(key, path) -> None:
    """Write a sampling key file (mode 0600)."""
    check(lib.vnfo_sampler_key_save(_key_view(key), fspath(path)), os.fsdecode(path))


def key_commitment(key) -> str:
    """The published commitment to a key: "blake2b:<64 hex>"."""
    view = _key_view(key)
    out = ffi.new("char[]", lib.VNFO_SAMPLER_COMMITMENT_TEXT_SIZE)
    check(lib.vnfo_sampler_key_commitment_format(out, len(out), view, len(view)))
    return ffi.string(out).decode()


def bob(data, initval: int = 0) -> int:
    """The BOB hash of RFC 5475 Appendix A.2."""
    view = ffi.from_buffer("uint8_t[]", data)
    return int(lib.vnfo_sampler_bob(view, len(view), initval))


def _rational(rate) -> Tuple[int, int]:
    if isinstance(rate, str):
        r = ffi.new("vnfo_rational *")
        check(lib.vnfo_sampler_rate_parse(r, rate.encode()))
        return int(r.num), int(r.den)
    frac = fractions.Fraction(rate)
    if frac.denominator == 2**64:
        return frac.numerator, 0
    return frac.numerator, frac.denominator


def _to_fraction(r) -> fractions.Fraction:
    return fractions.Fraction(int(r.num), int(r.den) if r.den else 2**64)


class Sampler:
    """A configured, immutable sampler for one key epoch.

    Args:
        key: the 32-byte master key (any buffer).
        rate: selection rate: "1/64", "3/2^10", a Fraction or an int ratio
            (ignored when ``ranges`` is given).
        hash: "siphash-2-4" (default, a PRF), "xxh3-64" or "bob".
        fields: a ``FieldSet`` or its spec ("psamp", "nat-safe", ...).
        ranges: explicit inclusive hash ranges [(lo, hi), ...] or their text
            ("0-0xffff,0x20000-0x2ffff").
        epoch: the key epoch.
        bob_initval: a fixed BOB init value (PSAMP interop).
    """

    __slots__ = ("_c", "fields", "hash_name", "__weakref__")

    def __init__(self, key, rate: Union[str, fractions.Fraction, float] = "1/64", *,
                 hash: str = "siphash-2-4", fields: Union[FieldSet, str] = "psamp",
                 ranges: Union[None, str, Sequence[Tuple[int, int]]] = None, epoch: int = 0,
                 bob_initval: Optional[int] = None) -> None:
        opts = ffi.new("vnfo_sampler_options *")
        check(lib.vnfo_sampler_options_init(opts, lib.VNFO_SAMPLER_OPTIONS_VERSION))
        hid = ffi.new("uint32_t *")
        check(lib.vnfo_sampler_hash_parse(hid, hash.encode()))
        opts.hash = hid[0]
        self.fields = fields if isinstance(fields, FieldSet) else FieldSet(fields)
        opts.fields = self.fields._c[0]
        opts.rate.num, opts.rate.den = _rational(rate)
        keep = None
        if ranges is not None:
            keep = self._ranges(ranges)
            opts.ranges, opts.nranges = keep, len(keep)
        opts.epoch = epoch
        if bob_initval is not None:
            opts.flags |= lib.VNFO_SAMPLER_BOB_FIXED_INITVAL
            opts.bob_initval = bob_initval
        view = _key_view(key)
        out = ffi.new("vnfo_sampler **")
        check(lib.vnfo_sampler_create(out, opts, view, len(view)))
        self._c = ffi.gc(out[0], lib.vnfo_sampler_free)
        self.hash_name = hash

    @classmethod
    def _from_options(cls, opts, key_view, hash_name: str, fields_spec: str) -> "Sampler":
        out = ffi.new("vnfo_sampler **")
        check(lib.vnfo_sampler_create(out, opts, key_view, len(key_view)))
        s = cls.__new__(cls)
        s._c = ffi.gc(out[0], lib.vnfo_sampler_free)
        s.hash_name = hash_name
        s.fields = FieldSet.__new__(FieldSet)
        s.fields._c = ffi.new("vnfo_packet_fields *", opts.fields)
        s.fields.spec = fields_spec
        return s

    @staticmethod
    def _ranges(ranges):
        if isinstance(ranges, str):
            buf = ffi.new("vnfo_sampler_range[]", lib.VNFO_SAMPLER_MAX_RANGES)
            n = ffi.new("size_t *")
            check(lib.vnfo_sampler_ranges_parse(buf, len(buf), n, ranges.encode()))
            ranges = [(buf[i].lo, buf[i].hi) for i in range(n[0])]
        return ffi.new("vnfo_sampler_range[]", [tuple(r) for r in ranges])

    def rekey(self, epoch: int) -> "Sampler":
        """The same sampler in another key epoch."""
        out = ffi.new("vnfo_sampler **")
        check(lib.vnfo_sampler_rekey(out, self._c, epoch))
        s = Sampler.__new__(Sampler)
        s._c = ffi.gc(out[0], lib.vnfo_sampler_free)
        s.fields, s.hash_name = self.fields, self.hash_name
        return s

    @property
    def epoch(self) -> int:
        return int(lib.vnfo_sampler_epoch(self._c))

    @property
    def probability(self) -> fractions.Fraction:
        """The realised selection probability, exactly."""
        r = ffi.new("vnfo_rational *")
        check(lib.vnfo_sampler_probability(r, self._c))
        return _to_fraction(r)

    @property
    def ranges(self) -> List[Tuple[int, int]]:
        buf = ffi.new("vnfo_sampler_range[]", lib.VNFO_SAMPLER_MAX_RANGES)
        n = ffi.new("size_t *")
        check(lib.vnfo_sampler_ranges(buf, len(buf), n, self._c))
        return [(int(buf[i].lo), int(buf[i].hi)) for i in range(n[0])]

    def decide(self, packet, linktype: int = LinkType.ETHERNET, flowtag: int = 0) -> Decision:
        """Decide one packet.  Packets that cannot be hashed (not IP,
        truncated...) are not selected and carry their status; they do not
        raise, as a shim must keep going."""
        view = ffi.from_buffer("uint8_t[]", packet)
        d = ffi.new("vnfo_sampler_decision *")
        status = lib.vnfo_sampler_decide(d, self._c, view, len(view), int(linktype), flowtag)
        if status == lib.VNFO_E_INVALID_ARGUMENT:
            raise_status(status, message="sampler: invalid argument")
        return Decision(bool(d.selected), int(d.label), int(d.hash), int(d.epoch), int(status))

    def label(self, packet, linktype: int = LinkType.ETHERNET, flowtag: int = 0) -> int:
        """The 64-bit label of a packet, selected or not; raises
        ``vnfo.PacketError`` when the packet cannot be hashed."""
        view = ffi.from_buffer("uint8_t[]", packet)
        out = ffi.new("uint64_t *")
        status = lib.vnfo_sampler_label(out, self._c, view, len(view), int(linktype), flowtag)
        if status:
            raise_status(status, message="sampler label: "
                         + ffi.string(lib.vnfo_strerror(status)).decode())
        return int(out[0])

    def hash_bytes(self, data) -> int:
        """The selection hash of arbitrary bytes."""
        view = ffi.from_buffer("uint8_t[]", data)
        out = ffi.new("uint64_t *")
        check(lib.vnfo_sampler_hash_bytes(out, self._c, view, len(view)))
        return int(out[0])

    def decide_burst(self, packets, offsets=None, lengths=None, flowtags=None, *,
                     linktype: int = LinkType.ETHERNET, out=None, burst: int = BURST_MAX):
        """Decide many packets stored in one buffer, without copying them.

        ``packets`` is either a C-contiguous 2-D ``uint8`` array (one packet
        per row; ``lengths`` gives each packet's length when rows are padded)
        or any buffer with ``offsets`` and ``lengths`` (uint64 / uint32
        arrays, or sequences).  ``flowtags``: one uint32 per packet.  ``out``:
        a ``DECISION_DTYPE`` array to fill (reused across calls).

        Returns the decisions as a ``DECISION_DTYPE`` structured array
        (``["selected"]`` is the mask, ``["label"]`` the labels).
        """
        if (offsets is None and lengths is None and flowtags is None and out is not None
                and _is_rows(packets) and _is_decisions(out, len(packets))):
            # The per-burst path of a shim: a 2-D array into a reused output.
            n, stride = packets.shape
            status = lib.vnfo_py_decide_packets(
                ffi.from_buffer("vnfo_sampler_decision[]", out, True), ffi.NULL, self._c,
                ffi.from_buffer("uint8_t[]", packets), packets.nbytes, ffi.NULL, stride,
                ffi.NULL, stride, ffi.NULL, n, linktype, burst)
            if status:
                raise_status(status, message=f"decide_burst: invalid argument (burst must "
                                             f"be 1..{BURST_MAX})")
            return out[:n]
        np = require("numpy", "Sampler.decide_burst", "numpy")
        data = np.asarray(packets) if not isinstance(packets, (bytes, bytearray, memoryview)) \
            else packets
        stride = fixed_len = 0
        if offsets is None:
            if not (isinstance(data, np.ndarray) and data.ndim == 2 and data.dtype == np.uint8
                    and data.flags.c_contiguous):
                raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                             message="decide_burst: without offsets, packets must be a "
                                     "C-contiguous 2-D uint8 array")
            n, stride = data.shape
            fixed_len = stride
        else:
            offsets = np.ascontiguousarray(offsets, dtype=np.uint64)
            n = len(offsets)
            if lengths is None:
                raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                             message="decide_burst: offsets need lengths")
        if lengths is not None:
            lengths = np.ascontiguousarray(lengths, dtype=np.uint32)
            if len(lengths) != n:
                raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                             message=f"decide_burst: {len(lengths)} lengths for {n} packets")
        if flowtags is not None:
            flowtags = np.ascontiguousarray(flowtags, dtype=np.uint32)
            if len(flowtags) != n:
                raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                             message=f"decide_burst: {len(flowtags)} flowtags for {n} packets")
        if out is None:
            out = np.empty(n, dtype=_decision_dtype())
        elif out.dtype != _decision_dtype() or len(out) < n or not out.flags.c_contiguous:
            raise_status(lib.VNFO_E_INVALID_ARGUMENT,
                         message="decide_burst: out must be a contiguous DECISION_DTYPE array "
                                 f"of at least {n} decisions")
        base = ffi.from_buffer("uint8_t[]", data)
        status = lib.vnfo_py_decide_packets(
            ffi.from_buffer("vnfo_sampler_decision[]", out, require_writable=True), ffi.NULL,
            self._c, base, len(base),
            ffi.from_buffer("uint64_t[]", offsets) if offsets is not None else ffi.NULL, stride,
            ffi.from_buffer("uint32_t[]", lengths) if lengths is not None else ffi.NULL,
            fixed_len,
            ffi.from_buffer("uint32_t[]", flowtags) if flowtags is not None else ffi.NULL,
            n, int(linktype), burst)
        if status:
            raise_status(status, message=(
                "decide_burst: a packet (offset + length) lies outside the buffer"
                if status == lib.VNFO_E_LIMIT_EXCEEDED else
                f"decide_burst: invalid argument (burst must be 1..{BURST_MAX})"))
        return out[:n]

    def __repr__(self) -> str:
        return (f"<Sampler {self.hash_name} p={self.probability} epoch={self.epoch} "
                f"fields={self.fields.spec}>")
