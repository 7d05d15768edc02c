//! FlowTags (include/vnfo/flowtag.h): the tag table of a node that rewrites
//! headers, tag carriers in packets, and the resolver the verifier uses.
//!
//! Thread rules map onto `&`/`&mut`: lookups, `consume` and serialisation
//! are "safe for concurrent readers" and take `&self`; binding, expiry and
//! release are "per handle" and take `&mut self`.  So [`FlowTagTable`] and
//! [`Resolver`] are `Send + Sync`.

use std::ptr;

use crate::error::{call, check_code, Result};
use crate::packet::FlowKey;
use crate::record::Record;
use crate::sys;

/// A tag binding (`vnfo_flowtag_context`).
pub type Context = sys::vnfo_flowtag_context;
/// A mapping event (`vnfo_flowtag_event`): bind, update or expire.
pub type Event = sys::vnfo_flowtag_event;
/// Table statistics (`vnfo_flowtag_stats`).
pub type Stats = sys::vnfo_flowtag_stats;
/// One hop of a chain for the resolver (`vnfo_flowtag_hop`).
pub type Hop = sys::vnfo_flowtag_hop;
/// What a node saw (`vnfo_flowtag_observation`).
pub type Observation = sys::vnfo_flowtag_observation;
/// The original flow of an observation (`vnfo_flowtag_resolution`).
pub type Resolution = sys::vnfo_flowtag_resolution;

/// Where a tag travels in a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Carrier {
    /// NSH MD type 1 context header.
    NshMd1 = sys::VNFO_FLOWTAG_CARRIER_NSH_MD1,
    /// NSH MD type 2 TLV.
    NshMd2 = sys::VNFO_FLOWTAG_CARRIER_NSH_MD2,
    /// The IPv6 flow label.
    Ipv6FlowLabel = sys::VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL,
    /// An 802.1Q VLAN id.
    Vlan = sys::VNFO_FLOWTAG_CARRIER_VLAN,
    /// The IPv4 DSCP bits.
    Ipv4Dscp = sys::VNFO_FLOWTAG_CARRIER_IPV4_DSCP,
}

impl Carrier {
    /// Bits the carrier holds.
    pub fn bits(self) -> u32 {
        unsafe { sys::vnfo_flowtag_carrier_bits(self as u32) }
    }

    /// Write `tag` (of a table `width` bits wide) into the carrier whose
    /// header starts at `offset` of `packet`, in place.  Hot path.
    #[inline]
    pub fn write(self, packet: &mut [u8], offset: usize, width: u32, tag: u32) -> Result<()> {
        check_code(unsafe {
            sys::vnfo_flowtag_carrier_write(packet.as_mut_ptr(), packet.len(), offset, self as u32, width, tag)
        })
    }

    /// Read the tag from the carrier at `offset`.  Hot path.
    #[inline]
    pub fn read(self, packet: &[u8], offset: usize, width: u32) -> Result<u32> {
        let mut tag = 0u32;
        check_code(unsafe {
            sys::vnfo_flowtag_carrier_read(&mut tag, packet.as_ptr(), packet.len(), offset, self as u32, width)
        })?;
        Ok(tag)
    }
}

/// The NSH MD type 2 TLV carrying `tag`.
pub fn nsh_tlv(tag: u32) -> Result<[u8; sys::VNFO_FLOWTAG_NSH_TLV_BYTES as usize]> {
    let mut out = [0u8; sys::VNFO_FLOWTAG_NSH_TLV_BYTES as usize];
    check_code(unsafe { sys::vnfo_flowtag_nsh_tlv_encode(out.as_mut_ptr(), out.len(), tag) })?;
    Ok(out)
}

/// Options of a [`FlowTagTable`].
#[derive(Clone, Copy, Debug)]
pub struct Options {
    raw: sys::vnfo_flowtag_options,
}

impl Default for Options {
    /// 24-bit tags, 65536 flows, any IPv6, node 0, no expiry.
    fn default() -> Options {
        let mut raw = sys::vnfo_flowtag_options::default();
        let st = unsafe { sys::vnfo_flowtag_options_init(&mut raw, sys::VNFO_FLOWTAG_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        Options { raw }
    }
}

impl Options {
    /// Tag width: 6, 12, 20, 24 or 32 bits.
    pub fn width_bits(mut self, bits: u32) -> Self {
        self.raw.width_bits = bits;
        self
    }
    /// Live flows at most.
    pub fn capacity(mut self, n: u32) -> Self {
        self.raw.capacity = n;
        self
    }
    /// Live IPv6 flows at most.
    pub fn ipv6_capacity(mut self, n: u32) -> Self {
        self.raw.ipv6_capacity = n;
        self
    }
    /// The tagging node.
    pub fn node_id(mut self, id: u32) -> Self {
        self.raw.node_id = id;
        self
    }
    /// Idle time after which a flow expires (caller's unit); 0 = never.
    pub fn idle_timeout(mut self, t: u64) -> Self {
        self.raw.idle_timeout = t;
        self
    }
}

/// A FlowTag table.
pub struct FlowTagTable {
    raw: ptr::NonNull<sys::vnfo_flowtag_table>,
}

unsafe impl Send for FlowTagTable {}
unsafe impl Sync for FlowTagTable {}

impl FlowTagTable {
    /// An empty table; all its memory is allocated here.
    pub fn new(opts: &Options) -> Result<FlowTagTable> {
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_flowtag_table_create(&mut raw, &opts.raw) })?;
        Ok(FlowTagTable { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// Restore a table serialised by [`serialize`](FlowTagTable::serialize).
    pub fn deserialize(data: &[u8]) -> Result<FlowTagTable> {
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_flowtag_table_deserialize(&mut raw, data.as_ptr(), data.len()) })?;
        Ok(FlowTagTable { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// The options in effect.
    pub fn options(&self) -> Options {
        let mut raw = sys::vnfo_flowtag_options::default();
        unsafe { sys::vnfo_flowtag_table_options(&mut raw, self.raw.as_ptr()) };
        Options { raw }
    }

    /// Capacity, live flows and memory.
    pub fn stats(&self) -> Stats {
        let mut s = Stats::default();
        unsafe { sys::vnfo_flowtag_table_stats(&mut s, self.raw.as_ptr()) };
        s
    }

    /// The tag of a flow: bound now (event BIND), or refreshed (UPDATE).
    #[inline]
    pub fn generate(&mut self, original: &FlowKey, rewritten: &FlowKey, service_path_id: u32, epoch: u32, now: u64) -> Result<Event> {
        let mut ev = Event::default();
        call(|| unsafe {
            sys::vnfo_flowtag_generate(&mut ev, self.raw.as_ptr(), original, rewritten, service_path_id, epoch, now)
        })?;
        Ok(ev)
    }

    /// Bind a tag another node chose (a node downstream of the tagger).
    pub fn adopt(&mut self, tag: u32, original: &FlowKey, rewritten: &FlowKey, service_path_id: u32, epoch: u32, now: u64) -> Result<Event> {
        let mut ev = Event::default();
        call(|| unsafe {
            sys::vnfo_flowtag_adopt(&mut ev, self.raw.as_ptr(), tag, original, rewritten, service_path_id, epoch, now)
        })?;
        Ok(ev)
    }

    /// The binding of a tag read from a packet.  Hot path.
    #[inline]
    pub fn consume(&self, tag: u32) -> Result<Context> {
        let mut c = Context::default();
        check_code(unsafe { sys::vnfo_flowtag_consume(&mut c, self.raw.as_ptr(), tag) })?;
        Ok(c)
    }

    /// The binding of an original flow.  Hot path.
    #[inline]
    pub fn lookup(&self, original: &FlowKey) -> Result<Context> {
        let mut c = Context::default();
        check_code(unsafe { sys::vnfo_flowtag_lookup(&mut c, self.raw.as_ptr(), original) })?;
        Ok(c)
    }

    /// Every live binding.
    pub fn contexts(&self) -> Vec<Context> {
        let mut out = Vec::new();
        let mut cursor = 0u32;
        loop {
            let mut c = Context::default();
            if unsafe { sys::vnfo_flowtag_table_next(&mut c, self.raw.as_ptr(), &mut cursor) } != sys::VNFO_OK {
                return out;
            }
            out.push(c);
        }
    }

    /// Expire flows idle at `now`, at most `out.len()`; returns the EXPIRE
    /// events written into `out`.
    pub fn expire<'e>(&mut self, now: u64, out: &'e mut [Event]) -> Result<&'e [Event]> {
        let mut n = 0usize;
        call(|| unsafe { sys::vnfo_flowtag_table_expire(out.as_mut_ptr(), &mut n, out.len(), self.raw.as_ptr(), now) })?;
        Ok(&out[..n])
    }

    /// Unbind a tag now (the flow ended).
    pub fn release(&mut self, tag: u32, now: u64) -> Result<Event> {
        let mut ev = Event::default();
        call(|| unsafe { sys::vnfo_flowtag_release(&mut ev, self.raw.as_ptr(), tag, now) })?;
        Ok(ev)
    }

    /// The table as bytes (to survive a restart).
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let mut size = 0usize;
        call(|| unsafe { sys::vnfo_flowtag_table_serialized_size(&mut size, self.raw.as_ptr()) })?;
        let mut out = vec![0u8; size];
        let mut n = 0usize;
        call(|| unsafe { sys::vnfo_flowtag_table_serialize(out.as_mut_ptr(), out.len(), &mut n, self.raw.as_ptr()) })?;
        out.truncate(n);
        Ok(out)
    }
}

impl std::fmt::Debug for FlowTagTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FlowTagTable({:?})", self.stats())
    }
}

impl Drop for FlowTagTable {
    fn drop(&mut self) {
        unsafe { sys::vnfo_flowtag_table_free(self.raw.as_ptr()) }
    }
}

/// A mapping event as a log record (FLOWTAG_MAP).
pub fn event_to_record(ev: &Event) -> Result<Record<'static>> {
    let mut raw = sys::vnfo_record::default();
    call(|| unsafe { sys::vnfo_flowtag_event_to_record(&mut raw, ev) })?;
    Ok(Record::from_raw_static(raw))
}

/// The mapping event of a FLOWTAG_MAP record.
pub fn event_from_record(rec: &Record<'_>) -> Result<Event> {
    let mut ev = Event::default();
    call(|| unsafe { sys::vnfo_flowtag_event_from_record(&mut ev, rec.raw()) })?;
    Ok(ev)
}

/// Follows tags back to original flows over a chain (the verifier's side).
pub struct Resolver {
    raw: ptr::NonNull<sys::vnfo_flowtag_resolver>,
}

unsafe impl Send for Resolver {}
unsafe impl Sync for Resolver {}

impl Resolver {
    /// A resolver for a chain of hops.
    pub fn new(chain: &[Hop]) -> Result<Resolver> {
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_flowtag_resolver_create(&mut raw, chain.as_ptr(), chain.len()) })?;
        Ok(Resolver { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// Add a mapping event from a tagging node's log.
    pub fn add(&mut self, ev: &Event) -> Result<()> {
        call(|| unsafe { sys::vnfo_flowtag_resolver_add(self.raw.as_ptr(), ev) })
    }

    /// The original flow of an observation.
    pub fn resolve(&self, obs: &Observation) -> Result<Resolution> {
        let mut r = Resolution::default();
        call(|| unsafe { sys::vnfo_flowtag_resolver_resolve(&mut r, self.raw.as_ptr(), obs) })?;
        Ok(r)
    }
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

impl Drop for Resolver {
    fn drop(&mut self) {
        unsafe { sys::vnfo_flowtag_resolver_free(self.raw.as_ptr()) }
    }
}
