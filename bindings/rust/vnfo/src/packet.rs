//! Packet parsing, flow keys, packet digests and field sets
//! (include/vnfo/packet.h).  Parsing and digests are hot-path calls: they
//! allocate nothing and their errors carry the status alone.

use std::marker::PhantomData;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{call, check_code, Result};
use crate::{c_string, sys};

/// pcap LINKTYPE_ETHERNET.
pub const LINKTYPE_ETHERNET: u32 = sys::VNFO_LINKTYPE_ETHERNET;
/// pcap LINKTYPE_RAW (IPv4 or IPv6).
pub const LINKTYPE_RAW: u32 = sys::VNFO_LINKTYPE_RAW;
/// pcap LINKTYPE_LINUX_SLL.
pub const LINKTYPE_LINUX_SLL: u32 = sys::VNFO_LINKTYPE_LINUX_SLL;
/// pcap LINKTYPE_IPV4.
pub const LINKTYPE_IPV4: u32 = sys::VNFO_LINKTYPE_IPV4;
/// pcap LINKTYPE_IPV6.
pub const LINKTYPE_IPV6: u32 = sys::VNFO_LINKTYPE_IPV6;

/// Bytes of a packet digest (BLAKE2b-128).
pub const DIGEST_BYTES: usize = sys::VNFO_PACKET_DIGEST_BYTES as usize;

/// A packet digest.
pub type Digest = [u8; DIGEST_BYTES];

/// A 5-tuple (`vnfo_flow_key`): addresses in network order, ports in host
/// order.
pub type FlowKey = sys::vnfo_flow_key;

/// A flow key from addresses, protocol and ports.
pub fn flow_key(src: IpAddr, dst: IpAddr, proto: u8, src_port: u16, dst_port: u16) -> FlowKey {
    fn put(addr: IpAddr, out: &mut [u8; 16]) -> u8 {
        match addr {
            IpAddr::V4(a) => {
                out[..4].copy_from_slice(&a.octets());
                4
            }
            IpAddr::V6(a) => {
                out.copy_from_slice(&a.octets());
                6
            }
        }
    }
    let mut k = FlowKey::default();
    k.ip_version = put(src, &mut k.src);
    put(dst, &mut k.dst);
    k.proto = proto;
    k.src_port = src_port;
    k.dst_port = dst_port;
    k
}

/// The addresses of a flow key.
pub fn flow_key_addrs(k: &FlowKey) -> (IpAddr, IpAddr) {
    let addr = |b: &[u8; 16]| -> IpAddr {
        if k.ip_version == 4 {
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(*b))
        }
    };
    (addr(&k.src), addr(&k.dst))
}

/// BLAKE2b-128 over the packet's invariant view (what log records carry).
#[inline]
pub fn digest(pkt: &[u8], linktype: u32) -> Result<Digest> {
    let mut out = [0u8; DIGEST_BYTES];
    check_code(unsafe { sys::vnfo_packet_digest(out.as_mut_ptr(), pkt.as_ptr(), pkt.len(), linktype) })?;
    Ok(out)
}

/// A parsed packet: offsets into the caller's bytes, which it borrows.
#[derive(Clone, Copy, Debug)]
pub struct PacketView<'a> {
    raw: sys::vnfo_packet_view,
    _bytes: PhantomData<&'a [u8]>,
}

impl<'a> PacketView<'a> {
    /// Parse a captured packet (bounded; allocates nothing).
    #[inline]
    pub fn parse(pkt: &'a [u8], linktype: u32) -> Result<PacketView<'a>> {
        let mut raw = sys::vnfo_packet_view::default();
        check_code(unsafe { sys::vnfo_packet_parse(&mut raw, pkt.as_ptr(), pkt.len(), linktype) })?;
        Ok(PacketView { raw, _bytes: PhantomData })
    }

    /// The decoded header fields and offsets (`vnfo_packet_view`).
    pub fn raw(&self) -> &sys::vnfo_packet_view {
        &self.raw
    }

    /// 4 or 6.
    pub fn ip_version(&self) -> u8 {
        self.raw.ip_version
    }

    /// Upper-layer protocol.
    pub fn proto(&self) -> u8 {
        self.raw.proto
    }

    /// Source and destination port, when the packet has them.
    pub fn ports(&self) -> Option<(u16, u16)> {
        if self.raw.flags & sys::VNFO_PACKET_HAS_PORTS != 0 {
            Some((self.raw.src_port, self.raw.dst_port))
        } else {
            None
        }
    }

    /// The VNFO_PACKET_* flags.
    pub fn flags(&self) -> u32 {
        self.raw.flags
    }

    /// The 5-tuple.
    pub fn flow_key(&self) -> FlowKey {
        let mut k = FlowKey::default();
        let st = unsafe { sys::vnfo_packet_flow_key(&mut k, &self.raw) };
        debug_assert_eq!(st, sys::VNFO_OK);
        k
    }

    /// The packet digest of the parsed packet.
    pub fn digest(&self) -> Result<Digest> {
        let mut out = [0u8; DIGEST_BYTES];
        check_code(unsafe { sys::vnfo_packet_view_digest(out.as_mut_ptr(), &self.raw) })?;
        Ok(out)
    }
}

/// Which bytes of a packet the sampling hash sees (`vnfo_packet_fields`).
#[derive(Clone, Copy, Debug)]
pub struct FieldSet(pub(crate) sys::vnfo_packet_fields);

impl Default for FieldSet {
    /// psamp with 8 payload bytes at offset 0.
    fn default() -> FieldSet {
        let mut raw = sys::vnfo_packet_fields::default();
        let st = unsafe { sys::vnfo_packet_fields_init(&mut raw, sys::VNFO_PACKET_FIELDS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        FieldSet(raw)
    }
}

impl FieldSet {
    /// "psamp", "invariant", "nat-safe" or a list of field names
    /// ("ip.src,ip.dst,l4.sport"); payload bytes and offset stay the defaults.
    pub fn parse(spec: &str) -> Result<FieldSet> {
        let mut f = FieldSet::default();
        let spec = c_string(spec)?;
        call(|| unsafe { sys::vnfo_packet_fields_parse(&mut f.0, spec.as_ptr()) })?;
        Ok(f)
    }

    /// Payload bytes hashed.
    pub fn payload_bytes(mut self, n: u32) -> FieldSet {
        self.0.payload_bytes = n;
        self
    }

    /// Where the payload bytes start.
    pub fn payload_offset(mut self, n: u32) -> FieldSet {
        self.0.payload_offset = n;
        self
    }

    /// Check the options (version, preset, payload ranges).
    pub fn check(&self) -> Result<()> {
        call(|| unsafe { sys::vnfo_packet_fields_check(&self.0) })
    }

    /// Whether the set reads the FlowTag.
    pub fn uses_flowtag(&self) -> bool {
        unsafe { sys::vnfo_packet_fields_uses_flowtag(&self.0) != 0 }
    }

    /// The bytes this field set selects from a parsed packet, written into
    /// `out` (VNFO_PACKET_FIELDS_MAX_BYTES always suffice); returns the length.
    pub fn extract(&self, out: &mut [u8], view: &PacketView<'_>, flowtag: u32) -> Result<usize> {
        let mut n = 0usize;
        check_code(unsafe {
            sys::vnfo_packet_fields_extract(out.as_mut_ptr(), out.len(), &mut n, &view.raw, &self.0, flowtag)
        })?;
        Ok(n)
    }
}
