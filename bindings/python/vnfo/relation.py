"""Relations: references of stateful functions for black-box checking.

A stateful function's output is not a function of its input (a conntrack
firewall, a masquerading NAT, a stream IDS), so its reference is a relation
(docs/verify.md, "Black-box relations"), given as Python callables:

- ``check(packet, prev)``: is the logged output admissible given the input
  and some state consistent with the sample?  ``packet`` is a
  ``RelationPacket``; ``prev`` the previous sampled packet of its flow (in
  the order ``flow`` gives) or None.  Return True (admissible), False or a
  reason string (inadmissible), or None (not judged).
- ``flow(packet)`` (optional): ``(key_bytes, order)`` of the packet's flow,
  or None.
- ``facts(packet)`` (optional): facts about the state the record shows, an
  iterable of ``Fact(space, key, value, hold_ns)``; facts of one space and
  key must agree while the earlier one holds.

An exception raised by a callable is kept in ``Relation.errors`` (the
packet counts as not judged) and re-raised by ``Verifier.run()``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple

from ._ffi import ffi, lib

__all__ = ["Relation", "RelationPacket", "Fact", "ADMISSIBLE", "INADMISSIBLE", "NOT_APPLICABLE"]

ADMISSIBLE = lib.VNFO_RELATION_ADMISSIBLE
INADMISSIBLE = lib.VNFO_RELATION_INADMISSIBLE
NOT_APPLICABLE = lib.VNFO_RELATION_NOT_APPLICABLE
KEY_BYTES = int(lib.VNFO_RELATION_KEY_BYTES)
FACTS_MAX = int(lib.VNFO_RELATION_FACTS_MAX)


@dataclasses.dataclass(frozen=True)
class RelationPacket:
    """One sampled record as a relation sees it (bytes are copies)."""
    label: int
    t_in_ns: int
    linktype: int
    forwarded: bool
    input: bytes
    output: Optional[bytes]
    input_whole: bool
    output_whole: bool

    @classmethod
    def _from_c(cls, p) -> "RelationPacket":
        return cls(label=int(p.label), t_in_ns=int(p.t_in_ns), linktype=int(p.linktype),
                   forwarded=bool(p.forwarded),
                   input=bytes(ffi.buffer(getattr(p, "in"), p.in_len)) if p.in_len else b"",
                   output=bytes(ffi.buffer(p.out, p.out_len)) if p.out != ffi.NULL else None,
                   input_whole=bool(p.in_whole), output_whole=bool(p.out_whole))


@dataclasses.dataclass(frozen=True)
class Fact:
    """A fact about the function's state: within ``space``, facts with an
    equal ``key`` must have equal values while the earlier holds
    (``hold_ns`` after its packet)."""
    space: int
    key: bytes
    value: bytes = b""
    hold_ns: int = 0


class Relation:
    """Python callables packaged as a ``vnfo_relation`` plus context."""

    def __init__(self, check: Callable[[RelationPacket, Optional[RelationPacket]], Any],
                 flow: Optional[Callable[[RelationPacket], Optional[Tuple[bytes, int]]]] = None,
                 facts: Optional[Callable[[RelationPacket], Iterable[Fact]]] = None,
                 space_names: Sequence[str] = ()) -> None:
        if not callable(check):
            raise TypeError("a relation's check must be callable")
        for name, f in (("flow", flow), ("facts", facts)):
            if f is not None and not callable(f):
                raise TypeError(f"a relation's {name} must be callable or None")
        self.check, self.flow, self.facts = check, flow, facts
        self.errors: List[BaseException] = []
        self._handle = ffi.new_handle(self)
        self._names = [ffi.new("char[]", n.encode()) for n in space_names]
        self._name_ptrs = ffi.new("const char *[]", self._names or [ffi.NULL])
        self._c = ffi.new("vnfo_relation *")
        self._c.version = lib.VNFO_RELATION_VERSION
        self._c.check = lib.vnfo_py_relation_check
        self._c.flow = lib.vnfo_py_relation_flow if flow else ffi.NULL
        self._c.facts = lib.vnfo_py_relation_facts if facts else ffi.NULL
        self._c.space_names = self._name_ptrs if self._names else ffi.NULL
        self._c.n_space_names = len(self._names)

    @property
    def c_relation(self):
        """The ``vnfo_relation *`` (the verifier copies it)."""
        return self._c

    @property
    def c_context(self):
        """The ``void *ctx`` that leads back to this object."""
        return self._handle

    def _check(self, p, prev, why, why_cap) -> int:
        result = self.check(RelationPacket._from_c(p),
                            RelationPacket._from_c(prev) if prev != ffi.NULL else None)
        if result is None:
            return NOT_APPLICABLE
        if result is True:
            return ADMISSIBLE
        if result is False or isinstance(result, str):
            reason = (result or "").encode()[: max(int(why_cap) - 1, 0)] if result else b""
            if reason:
                ffi.memmove(why, reason + b"\0", len(reason) + 1)
            return INADMISSIBLE
        raise TypeError(f"a relation's check returned {type(result).__name__}: "
                        "expected True, False, a reason string or None")

    def _flow(self, p, key, key_len, order) -> None:
        got = self.flow(RelationPacket._from_c(p))
        if got is None:
            return
        k, o = got
        k = bytes(k)
        if not 0 < len(k) <= KEY_BYTES:
            raise ValueError(f"a flow key of {len(k)} bytes (1 to {KEY_BYTES})")
        ffi.memmove(key, k, len(k))
        key_len[0] = len(k)
        order[0] = int(o) & 0xFFFFFFFFFFFFFFFF

    def _facts(self, p, out) -> int:
        facts = list(self.facts(RelationPacket._from_c(p)))
        if len(facts) > FACTS_MAX:
            raise ValueError(f"{len(facts)} facts from one record (at most {FACTS_MAX})")
        for i, f in enumerate(facts):
            key, value = bytes(f.key), bytes(f.value)
            if not 0 < len(key) <= KEY_BYTES or len(value) > KEY_BYTES:
                raise ValueError(f"a fact's key has 1 to {KEY_BYTES} bytes and its value at most "
                                 f"{KEY_BYTES} (got {len(key)} and {len(value)})")
            c = out[i]
            c.space, c.hold_ns = int(f.space), int(f.hold_ns)
            c.key_len, c.value_len = len(key), len(value)
            ffi.memmove(c.key, key, len(key))
            if value:
                ffi.memmove(c.value, value, len(value))
        return len(facts)


@ffi.def_extern(error=NOT_APPLICABLE)
def vnfo_py_relation_check(ctx, p, prev, why, why_cap):
    rel: Relation = ffi.from_handle(ctx)
    try:
        return rel._check(p, prev, why, why_cap)
    except BaseException as exc:  # noqa: BLE001 - re-raised after the run
        rel.errors.append(exc)
        return NOT_APPLICABLE


@ffi.def_extern()
def vnfo_py_relation_flow(ctx, p, key, key_len, order):
    rel: Relation = ffi.from_handle(ctx)
    try:
        rel._flow(p, key, key_len, order)
    except BaseException as exc:  # noqa: BLE001
        key_len[0] = 0
        rel.errors.append(exc)


@ffi.def_extern(error=0)
def vnfo_py_relation_facts(ctx, p, facts):
    rel: Relation = ffi.from_handle(ctx)
    try:
        return rel._facts(p, facts)
    except BaseException as exc:  # noqa: BLE001
        rel.errors.append(exc)
        return 0
