"""FlowTags (include/vnfo/flowtag.h, docs/flowtags.md): tag tables of
header-rewriting middleboxes, tag carriers in packets, mapping events as
log records, and the verifier-side resolver.
"""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Sequence, Tuple

from ._ffi import check, ffi, lib, raise_status
from .packet import FlowKey, LinkType
from .record import FlowTagMapRecord, PacketRecord, _from_c, _to_c

__all__ = ["FlowTagTable", "Context", "Event", "Resolver", "Resolution", "CARRIERS",
           "carrier_write", "carrier_read", "nsh_tlv"]

CARRIERS = {"nsh-md1": lib.VNFO_FLOWTAG_CARRIER_NSH_MD1,
            "nsh-md2": lib.VNFO_FLOWTAG_CARRIER_NSH_MD2,
            "ipv6-flow-label": lib.VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL,
            "vlan": lib.VNFO_FLOWTAG_CARRIER_VLAN,
            "ipv4-dscp": lib.VNFO_FLOWTAG_CARRIER_IPV4_DSCP}
KINDS = ("none", "bind", "update", "expire")


def _key(key: FlowKey):
    c = ffi.new("vnfo_flow_key *")
    key._to_c(c)
    return c


@dataclasses.dataclass(frozen=True)
class Context:
    """What a table knows about one tag."""
    tag: int
    original: FlowKey
    rewritten: FlowKey
    node_id: int
    service_path_id: int
    epoch: int
    last_seen: int

    @classmethod
    def _from_c(cls, c) -> "Context":
        return cls(int(c.tag), FlowKey._from_c(c.original), FlowKey._from_c(c.rewritten),
                   int(c.node_id), int(c.service_path_id), int(c.epoch), int(c.last_seen))


@dataclasses.dataclass(frozen=True)
class Event:
    """A mapping event ("bind", "update", "expire" or "none") to log."""
    kind: str
    time: int
    context: Context

    @classmethod
    def _from_c(cls, e) -> "Event":
        return cls(KINDS[e.kind], int(e.time), Context._from_c(e.context))

    def _to_c(self):
        e = ffi.new("vnfo_flowtag_event *")
        e.kind, e.time = KINDS.index(self.kind), self.time
        c = self.context
        e.context.tag, e.context.node_id = c.tag, c.node_id
        e.context.service_path_id, e.context.epoch, e.context.last_seen = (
            c.service_path_id, c.epoch, c.last_seen)
        c.original._to_c(e.context.original)
        c.rewritten._to_c(e.context.rewritten)
        return e

    def to_record(self) -> FlowTagMapRecord:
        """The flowtag_map log record of this event (for a LogWriter)."""
        rec = ffi.new("vnfo_record *")
        check(lib.vnfo_flowtag_event_to_record(rec, self._to_c()))
        return _from_c(rec)

    @classmethod
    def from_record(cls, record: FlowTagMapRecord) -> "Event":
        c, keep = _to_c(record)
        e = ffi.new("vnfo_flowtag_event *")
        check(lib.vnfo_flowtag_event_from_record(e, c))
        return cls._from_c(e)


class FlowTagTable:
    """The tag table of one header-rewriting middlebox."""

    __slots__ = ("_c", "__weakref__")

    def __init__(self, width_bits: int = 32, capacity: int = 65536, node_id: int = 0,
                 idle_timeout: int = 0, ipv6_capacity: Optional[int] = None) -> None:
        o = ffi.new("vnfo_flowtag_options *")
        check(lib.vnfo_flowtag_options_init(o, lib.VNFO_FLOWTAG_OPTIONS_VERSION))
        o.width_bits, o.capacity, o.node_id, o.idle_timeout = (
            width_bits, capacity, node_id, idle_timeout)
        if ipv6_capacity is not None:
            o.ipv6_capacity = ipv6_capacity
        out = ffi.new("vnfo_flowtag_table **")
        check(lib.vnfo_flowtag_table_create(out, o))
        self._c = ffi.gc(out[0], lib.vnfo_flowtag_table_free)

    @classmethod
    def deserialize(cls, data) -> "FlowTagTable":
        buf = ffi.from_buffer("uint8_t[]", data)
        out = ffi.new("vnfo_flowtag_table **")
        check(lib.vnfo_flowtag_table_deserialize(out, buf, len(buf)))
        t = cls.__new__(cls)
        t._c = ffi.gc(out[0], lib.vnfo_flowtag_table_free)
        return t

    def serialize(self) -> bytes:
        size = ffi.new("size_t *")
        check(lib.vnfo_flowtag_table_serialized_size(size, self._c))
        out = ffi.new("uint8_t[]", size[0])
        check(lib.vnfo_flowtag_table_serialize(out, len(out), size, self._c))
        return bytes(ffi.buffer(out, size[0]))

    def __reduce__(self):
        return (FlowTagTable.deserialize, (self.serialize(),))

    @property
    def stats(self) -> dict:
        s = ffi.new("vnfo_flowtag_stats *")
        check(lib.vnfo_flowtag_table_stats(s, self._c))
        return {"capacity": int(s.capacity), "live": int(s.live),
                "ipv6_capacity": int(s.ipv6_capacity), "ipv6_live": int(s.ipv6_live),
                "memory_bytes": int(s.memory_bytes)}

    @property
    def width_bits(self) -> int:
        o = ffi.new("vnfo_flowtag_options *")
        check(lib.vnfo_flowtag_table_options(o, self._c))
        return int(o.width_bits)

    def generate(self, original: FlowKey, rewritten: FlowKey, now: int,
                 service_path_id: int = 0, epoch: int = 0) -> Event:
        """Tag a packet's flow (reusing its tag); the event says whether a
        binding was created or changed ("bind"/"update": log it) or not."""
        e = ffi.new("vnfo_flowtag_event *")
        status = lib.vnfo_flowtag_generate(e, self._c, _key(original), _key(rewritten),
                                           service_path_id, epoch, now)
        if status:
            raise_status(status)
        return Event._from_c(e)

    def adopt(self, tag: int, original: FlowKey, rewritten: FlowKey, now: int,
              service_path_id: int = 0, epoch: int = 0) -> Event:
        """Bind an incoming tag assigned upstream."""
        e = ffi.new("vnfo_flowtag_event *")
        check(lib.vnfo_flowtag_adopt(e, self._c, tag, _key(original), _key(rewritten),
                                     service_path_id, epoch, now))
        return Event._from_c(e)

    def consume(self, tag: int) -> Context:
        """The flow a tag is bound to; ``vnfo.FlowTagError`` when unknown."""
        c = ffi.new("vnfo_flowtag_context *")
        status = lib.vnfo_flowtag_consume(c, self._c, tag)
        if status:
            raise_status(status, message=f"flowtag: tag {tag:#x} is not bound"
                         if status == lib.VNFO_E_FLOWTAG_UNKNOWN else None)
        return Context._from_c(c)

    def lookup(self, original: FlowKey) -> Context:
        c = ffi.new("vnfo_flowtag_context *")
        status = lib.vnfo_flowtag_lookup(c, self._c, _key(original))
        if status:
            raise_status(status, message="flowtag: flow has no tag"
                         if status == lib.VNFO_E_FLOWTAG_UNKNOWN else None)
        return Context._from_c(c)

    def __iter__(self):
        """The live bindings, in slot order (Context objects)."""
        c = ffi.new("vnfo_flowtag_context *")
        cursor = ffi.new("uint32_t *")
        while True:
            status = lib.vnfo_flowtag_table_next(c, self._c, cursor)
            if status == lib.VNFO_E_NOT_FOUND:
                return
            check(status)
            yield Context._from_c(c)

    def expire(self, now: int, max_events: int = 1024) -> List[Event]:
        """Expire idle bindings; the EXPIRE events to log."""
        out = ffi.new("vnfo_flowtag_event[]", max_events)
        n = ffi.new("size_t *")
        check(lib.vnfo_flowtag_table_expire(out, n, max_events, self._c, now))
        return [Event._from_c(out[i]) for i in range(n[0])]

    def release(self, tag: int, now: int) -> Event:
        e = ffi.new("vnfo_flowtag_event *")
        check(lib.vnfo_flowtag_release(e, self._c, tag, now))
        return Event._from_c(e)


def carrier_write(packet: bytearray, carrier: str, tag: int, width: int,
                  offset: Optional[int] = None) -> None:
    """Write a tag into a packet in place (a writable buffer).  ``offset``
    is where the carrier's header starts (default: 0 for VLAN and NSH, 14,
    after Ethernet, for the flow label and DSCP)."""
    buf = ffi.from_buffer("uint8_t[]", packet, require_writable=True)
    check(lib.vnfo_flowtag_carrier_write(buf, len(buf), _offset(carrier, offset),
                                         CARRIERS[carrier], width, tag))


def carrier_read(packet, carrier: str, width: int, offset: Optional[int] = None) -> int:
    """The tag a packet carries (0 when untagged)."""
    buf = ffi.from_buffer("uint8_t[]", packet)
    out = ffi.new("uint32_t *")
    check(lib.vnfo_flowtag_carrier_read(out, buf, len(buf), _offset(carrier, offset),
                                        CARRIERS[carrier], width))
    return int(out[0])


def _offset(carrier: str, offset: Optional[int]) -> int:
    if offset is not None:
        return offset
    return 14 if carrier in ("ipv6-flow-label", "ipv4-dscp") else 0


def nsh_tlv(tag: int) -> bytes:
    """The NSH MD type 2 TLV that carries a tag."""
    out = ffi.new("uint8_t[]", lib.vnfo_flowtag_nsh_tlv_bytes())
    check(lib.vnfo_flowtag_nsh_tlv_encode(out, len(out), tag))
    return bytes(ffi.buffer(out))


@dataclasses.dataclass(frozen=True)
class Resolution:
    """Where a packet record's flow came from."""
    status: int
    original: FlowKey
    position: int
    rewrites: int
    tagging_node: int
    service_path_id: int
    offender_node: int

    @property
    def ok(self) -> bool:
        return self.status == 0


class Resolver:
    """Resolves packet records to their original flows along a chain, from
    the logged mapping records (verifier side)."""

    __slots__ = ("_c", "__weakref__")

    def __init__(self, chain: Sequence[Tuple[int, bool]]) -> None:
        """``chain``: (node_id, may_modify_headers) in chain order."""
        hops = ffi.new("vnfo_flowtag_hop[]", [(n, int(m)) for n, m in chain])
        out = ffi.new("vnfo_flowtag_resolver **")
        check(lib.vnfo_flowtag_resolver_create(out, hops, len(hops)))
        self._c = ffi.gc(out[0], lib.vnfo_flowtag_resolver_free)

    def add(self, mapping) -> None:
        """Add a mapping (an Event, or a FlowTagMapRecord as logged, whose
        node_id names the tagging node); conflicts and forbidden rewrites
        raise ``vnfo.FlowTagError`` (the mapping is still kept)."""
        if isinstance(mapping, FlowTagMapRecord):
            mapping = Event.from_record(mapping)
        check(lib.vnfo_flowtag_resolver_add(self._c, mapping._to_c()))

    def resolve(self, record: PacketRecord, linktype: int = LinkType.ETHERNET) -> Resolution:
        """Resolve one packet record (never raises for a failed resolution:
        ``Resolution.status`` says why)."""
        c, keep = _to_c(record)
        obs = ffi.new("vnfo_flowtag_observation *")
        check(lib.vnfo_flowtag_observation_from_record(obs, c, int(linktype)))
        r = ffi.new("vnfo_flowtag_resolution *")
        status = lib.vnfo_flowtag_resolver_resolve(r, self._c, obs)
        if status == lib.VNFO_E_INVALID_ARGUMENT:
            check(status)
        return Resolution(int(status), FlowKey._from_c(r.original), int(r.position),
                          int(r.rewrites), int(r.tagging_node), int(r.service_path_id),
                          int(r.offender_node))
