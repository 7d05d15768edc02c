"""Reference implementations written in Python, for the verifier.

The customer's reference f̂ of a function is any Python callable taking the
input packet (a read-only ``memoryview`` of the frame, link layer included)
and returning:

- ``None``: the reference drops the packet;
- a bytes-like object: the reference forwards this packet;
- a ``Result``: the packet (or None) plus the resources the reference would
  use (cycles, memory, alerts) and, in snapshot mode, a 32-byte state digest.

``Reference(callable)`` wraps it for the C verifier through one C
trampoline (cffi ``extern "Python"``).  Frames are of the verifier's
``linktype`` (Ethernet by default); records of another link type are not
replayed through it.  ``Reference(callable, linktype_aware=True)`` calls
``callable(packet, linktype)`` with each record's own link type instead
(docs/verify.md, "Link types and wire lengths").  An exception raised by the callable
makes that packet's replay an ERROR (never a silent pass) and is kept in
``Reference.errors``; the verifier re-raises the first one after the run.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, List, Optional

from ._ffi import ffi, lib

__all__ = ["Result", "Reference", "FORWARD", "DROP", "ERROR"]

FORWARD = lib.VNFO_REFERENCE_FORWARD
DROP = lib.VNFO_REFERENCE_DROP
ERROR = lib.VNFO_REFERENCE_ERROR
STATE_BYTES = int(lib.VNFO_REFERENCE_STATE_BYTES)


@dataclasses.dataclass
class Result:
    """What a reference did with a packet, and what it cost."""
    packet: Optional[bytes] = None
    cpu_cycles: int = 0
    mem_bytes: int = 0
    alerts: int = 0
    state_digest: Optional[bytes] = None


class Reference:
    """A Python callable packaged as a ``vnfo_reference_fn`` plus context."""

    def __init__(self, func: Callable[..., Any], linktype_aware: bool = False) -> None:
        if not callable(func):
            raise TypeError("a reference must be callable")
        self.func = func
        self.linktype_aware = linktype_aware
        self.errors: List[BaseException] = []
        self.calls = 0
        self._handle = ffi.new_handle(self)  # keeps the ctx pointer valid

    @property
    def c_function(self):
        """The C function pointer (the shared trampoline)."""
        return lib.vnfo_py_reference_linktype if self.linktype_aware else lib.vnfo_py_reference

    @property
    def c_context(self):
        """The ``void *ctx`` that leads back to this object."""
        return self._handle

    def _call(self, packet: memoryview, out, out_cap, out_len, res, linktype=None) -> int:
        self.calls += 1
        result = self.func(packet, linktype) if self.linktype_aware else self.func(packet)
        if not isinstance(result, Result):
            result = Result(packet=result)
        res.cpu_cycles, res.mem_bytes, res.alerts = (
            result.cpu_cycles, result.mem_bytes, result.alerts)
        if result.state_digest is not None:
            digest = bytes(result.state_digest)
            if len(digest) != STATE_BYTES:
                raise ValueError(f"state digest of {len(digest)} bytes, expected {STATE_BYTES}")
            res.has_state = 1
            ffi.memmove(res.state_digest, digest, STATE_BYTES)
        if result.packet is None:
            return DROP
        pkt = ffi.from_buffer("uint8_t[]", result.packet)
        if len(pkt) > out_cap:
            raise ValueError(f"reference output of {len(pkt)} bytes exceeds the "
                             f"{out_cap}-byte buffer")
        ffi.memmove(out, pkt, len(pkt))
        out_len[0] = len(pkt)
        return FORWARD

    def __call__(self, packet, linktype: int = 1) -> Result:
        """Run the reference once through the C trampoline (for tests and
        notebooks): returns the Result the verifier would see."""
        data = ffi.from_buffer("uint8_t[]", packet)
        out = ffi.new("uint8_t[]", 65536)
        out_len = ffi.new("size_t *")
        res = ffi.new("vnfo_reference_resources *")
        before = len(self.errors)
        if self.linktype_aware:
            verdict = lib.vnfo_py_reference_linktype(self._handle, linktype, data, len(data), out,
                                                     len(out), out_len, res)
        else:
            verdict = lib.vnfo_py_reference(self._handle, data, len(data), out, len(out), out_len, res)
        if len(self.errors) > before:
            raise self.errors[-1]
        if verdict == ERROR:
            raise RuntimeError("reference returned ERROR")
        return Result(packet=bytes(ffi.buffer(out, out_len[0])) if verdict == FORWARD else None,
                      cpu_cycles=int(res.cpu_cycles), mem_bytes=int(res.mem_bytes),
                      alerts=int(res.alerts),
                      state_digest=bytes(ffi.buffer(res.state_digest)) if res.has_state else None)


@ffi.def_extern(error=ERROR)
def vnfo_py_reference(ctx, data_in, in_len, out, out_cap, out_len, res):
    ref: Reference = ffi.from_handle(ctx)
    # A read-only view of the C bytes, valid during the call only.
    packet = memoryview(ffi.buffer(data_in, in_len)).toreadonly() if in_len else memoryview(b"")
    try:
        return ref._call(packet, out, out_cap, out_len, res)
    except BaseException as exc:  # noqa: BLE001 - re-raised after the run
        ref.errors.append(exc)
        return ERROR
    finally:
        packet.release()


@ffi.def_extern(error=ERROR)
def vnfo_py_reference_linktype(ctx, linktype, data_in, in_len, out, out_cap, out_len, res):
    ref: Reference = ffi.from_handle(ctx)
    packet = memoryview(ffi.buffer(data_in, in_len)).toreadonly() if in_len else memoryview(b"")
    try:
        return ref._call(packet, out, out_cap, out_len, res, int(linktype))
    except BaseException as exc:  # noqa: BLE001 - re-raised after the run
        ref.errors.append(exc)
        return ERROR
    finally:
        packet.release()
