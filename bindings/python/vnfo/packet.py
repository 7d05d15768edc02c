"""Packets: bounded parsing into a view, flow keys, invariant digests and the
field sets a sampling hash sees (include/vnfo/packet.h).

``Packet(data)`` parses without copying: the view points into ``data``
(bytes, bytearray, memoryview, a numpy row...), which the Packet keeps
alive.  Do not modify a mutable buffer while a Packet refers to it.
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
from typing import Union

from ._ffi import check, ffi, lib, raise_status

__all__ = ["LinkType", "Packet", "FieldSet", "FlowKey", "digest", "DIGEST_BYTES"]

DIGEST_BYTES = int(lib.vnfo_packet_digest_bytes())
FIELDS_MAX_BYTES = int(lib.vnfo_packet_fields_max_bytes())

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


class LinkType(enum.IntEnum):
    """pcap LINKTYPE numbers the parser reads."""
    ETHERNET = lib.VNFO_LINKTYPE_ETHERNET
    RAW = lib.VNFO_LINKTYPE_RAW
    LINUX_SLL = lib.VNFO_LINKTYPE_LINUX_SLL
    IPV4 = lib.VNFO_LINKTYPE_IPV4
    IPV6 = lib.VNFO_LINKTYPE_IPV6
    NULL = lib.VNFO_LINKTYPE_NULL
    PPP = lib.VNFO_LINKTYPE_PPP
    PPP_HDLC = lib.VNFO_LINKTYPE_PPP_HDLC
    C_HDLC = lib.VNFO_LINKTYPE_C_HDLC
    LOOP = lib.VNFO_LINKTYPE_LOOP
    NFLOG = lib.VNFO_LINKTYPE_NFLOG
    LINUX_SLL2 = lib.VNFO_LINKTYPE_LINUX_SLL2


class Flag(enum.IntFlag):
    """Flags of a parsed view."""
    FRAGMENT = lib.VNFO_PACKET_FRAGMENT
    LATER_FRAGMENT = lib.VNFO_PACKET_LATER_FRAGMENT
    HAS_L4 = lib.VNFO_PACKET_HAS_L4
    HAS_PORTS = lib.VNFO_PACKET_HAS_PORTS
    HAS_ICMP = lib.VNFO_PACKET_HAS_ICMP
    SNAPPED = lib.VNFO_PACKET_SNAPPED
    HAS_FRAG_HEADER = lib.VNFO_PACKET_HAS_FRAG_HEADER


@dataclasses.dataclass(frozen=True)
class FlowKey:
    """A transport 5-tuple (``vnfo_flow_key``)."""
    ip_version: int
    proto: int
    src: IPAddress
    dst: IPAddress
    src_port: int = 0
    dst_port: int = 0

    @classmethod
    def _from_c(cls, c) -> "FlowKey":
        width = 4 if c.ip_version == 4 else 16
        make = ipaddress.IPv4Address if width == 4 else ipaddress.IPv6Address
        return cls(int(c.ip_version), int(c.proto), make(bytes(ffi.buffer(c.src))[:width]),
                   make(bytes(ffi.buffer(c.dst))[:width]), int(c.src_port), int(c.dst_port))

    def _to_c(self, c) -> None:
        c.ip_version, c.proto = self.ip_version, self.proto
        c.src_port, c.dst_port = self.src_port, self.dst_port
        c.src = list(ipaddress.ip_address(self.src).packed.ljust(16, b"\0"))
        c.dst = list(ipaddress.ip_address(self.dst).packed.ljust(16, b"\0"))


def _view(data):
    return ffi.from_buffer("uint8_t[]", data)


def _parse_status_message(status: int, linktype: int) -> str:
    # The parser records no message (hot path): say what was parsed here.
    return f"packet (link type {int(linktype)}): {ffi.string(lib.vnfo_strerror(status)).decode()}"


class Packet:
    """A parsed packet.  Raises ``vnfo.PacketError`` when the bytes are not
    an IP packet the parser reads (``.status_name`` says why: NOT_IP,
    TRUNCATED, MALFORMED, UNSUPPORTED)."""

    __slots__ = ("_buf", "_v", "_data")

    def __init__(self, data, linktype: int = LinkType.ETHERNET) -> None:
        self._data = data
        self._buf = _view(data)
        self._v = ffi.new("vnfo_packet_view *")
        status = lib.vnfo_packet_parse(self._v, self._buf, len(self._buf), int(linktype))
        if status:
            raise_status(status, message=_parse_status_message(status, linktype))

    # --- decoded header fields
    @property
    def linktype(self) -> LinkType:
        return LinkType(self._v.linktype)

    @property
    def ip_version(self) -> int:
        return int(self._v.ip_version)

    @property
    def proto(self) -> int:
        return int(self._v.proto)

    @property
    def flags(self) -> Flag:
        return Flag(self._v.flags)

    @property
    def src_port(self):
        """Source port, or None without ports (ICMP, later fragments)."""
        return int(self._v.src_port) if self._v.flags & lib.VNFO_PACKET_HAS_PORTS else None

    @property
    def dst_port(self):
        return int(self._v.dst_port) if self._v.flags & lib.VNFO_PACKET_HAS_PORTS else None

    @property
    def vlan_tci(self) -> tuple:
        return tuple(int(self._v.vlan_tci[i]) for i in range(self._v.vlan_count))

    @property
    def offsets(self) -> dict:
        """Offsets into the captured bytes: l3, l3_end, l4, payload."""
        v = self._v
        return {"l3": int(v.l3_offset), "l3_end": int(v.l3_end), "l4": int(v.l4_offset),
                "payload": int(v.payload_offset)}

    @property
    def ip_length(self) -> int:
        return int(self._v.ip_length)

    @property
    def flow_key(self) -> FlowKey:
        out = ffi.new("vnfo_flow_key *")
        check(lib.vnfo_packet_flow_key(out, self._v))
        return FlowKey._from_c(out)

    def digest(self) -> bytes:
        """BLAKE2b-128 of the invariant view (hop-by-hop fields zeroed)."""
        out = ffi.new("uint8_t[]", DIGEST_BYTES)
        check(lib.vnfo_packet_view_digest(out, self._v))
        return bytes(ffi.buffer(out))

    def fields(self, fieldset: "FieldSet", flowtag: int = 0) -> bytes:
        """The bytes ``fieldset`` selects from this packet (what the sampler hashes)."""
        out = ffi.new("uint8_t[]", FIELDS_MAX_BYTES)
        n = ffi.new("size_t *")
        status = lib.vnfo_packet_fields_extract(out, len(out), n, self._v, fieldset._c, flowtag)
        if status:
            raise_status(status, message=_parse_status_message(status, self._v.linktype))
        return bytes(ffi.buffer(out, n[0]))

    def __len__(self) -> int:
        return int(self._v.len)

    def __repr__(self) -> str:
        k = self.flow_key
        return (f"<Packet IPv{k.ip_version} proto {k.proto} {k.src}:{k.src_port} -> "
                f"{k.dst}:{k.dst_port}, {len(self)} bytes>")


def digest(data, linktype: int = LinkType.ETHERNET) -> bytes:
    """``Packet(data, linktype).digest()`` without building the Packet."""
    buf = _view(data)
    out = ffi.new("uint8_t[]", DIGEST_BYTES)
    status = lib.vnfo_packet_digest(out, buf, len(buf), int(linktype))
    if status:
        raise_status(status, message=_parse_status_message(status, linktype))
    return bytes(ffi.buffer(out))


class FieldSet:
    """Which bytes of a packet the sampling hash sees.

    ``FieldSet("psamp")``, ``FieldSet("invariant")``, ``FieldSet("nat-safe")``
    or a comma-separated list of field names (``"ip.src,ip.dst,l4.sport"``),
    with ``payload_bytes`` and ``payload_offset``.  See docs/sampling.md.
    """

    __slots__ = ("_c", "spec")

    def __init__(self, spec: str = "psamp", payload_bytes: int = 8,
                 payload_offset: int = 0) -> None:
        self._c = ffi.new("vnfo_packet_fields *")
        check(lib.vnfo_packet_fields_init(self._c, lib.VNFO_PACKET_FIELDS_VERSION))
        check(lib.vnfo_packet_fields_parse(self._c, spec.encode()))
        self._c.payload_bytes = payload_bytes
        self._c.payload_offset = payload_offset
        check(lib.vnfo_packet_fields_check(self._c))
        self.spec = spec

    @property
    def payload_bytes(self) -> int:
        return int(self._c.payload_bytes)

    @property
    def payload_offset(self) -> int:
        return int(self._c.payload_offset)

    @property
    def uses_flowtag(self) -> bool:
        return bool(lib.vnfo_packet_fields_uses_flowtag(self._c))

    def __repr__(self) -> str:
        return (f"FieldSet({self.spec!r}, payload_bytes={self.payload_bytes}, "
                f"payload_offset={self.payload_offset})")

    def __reduce__(self):
        return (FieldSet, (self.spec, self.payload_bytes, self.payload_offset))
