//! Trajectory sampling (include/vnfo/sampler.h): keyed selection, packet
//! labels, key epochs, bursts.
//!
//! A configured [`Sampler`] is immutable: it is `Send + Sync`, and its
//! decisions take `&self`, allocate nothing and write into caller slices.

use std::mem::MaybeUninit;
use std::path::Path;
use std::ptr;
use std::sync::atomic::{compiler_fence, Ordering};

use crate::error::{call, check_code, Error, Result, Status};
use crate::packet::{FieldSet, PacketView};
use crate::{c_path, c_string, sys};

/// Bytes of a sampling master key.
pub const KEY_BYTES: usize = sys::VNFO_SAMPLER_KEY_BYTES as usize;
/// Most packets one C burst call takes; [`Sampler::decide_burst`] splits
/// longer slices into bursts of this size.
pub const BURST_MAX: usize = sys::VNFO_SAMPLER_BURST_MAX as usize;

/// A 32-byte sampling master key, wiped when dropped.
pub struct SamplingKey([u8; KEY_BYTES]);

impl SamplingKey {
    /// A random key.
    pub fn generate() -> Result<SamplingKey> {
        crate::init()?;
        let mut k = SamplingKey([0; KEY_BYTES]);
        call(|| unsafe { sys::vnfo_sampler_key_generate(k.0.as_mut_ptr()) })?;
        Ok(k)
    }

    /// From raw bytes (the caller wipes its copy).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> SamplingKey {
        SamplingKey(bytes)
    }

    /// From 64 hexadecimal digits.
    pub fn parse(hex: &str) -> Result<SamplingKey> {
        let hex = c_string(hex)?;
        let mut k = SamplingKey([0; KEY_BYTES]);
        call(|| unsafe { sys::vnfo_sampler_key_parse(k.0.as_mut_ptr(), hex.as_ptr()) })?;
        Ok(k)
    }

    /// Read a key file ("vnfo-sampling-key:<64 hex>", mode 0600).
    pub fn load(path: impl AsRef<Path>) -> Result<SamplingKey> {
        let path = c_path(path.as_ref())?;
        let mut k = SamplingKey([0; KEY_BYTES]);
        call(|| unsafe { sys::vnfo_sampler_key_load(k.0.as_mut_ptr(), path.as_ptr()) })?;
        Ok(k)
    }

    /// Write a key file, mode 0600.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path(path.as_ref())?;
        call(|| unsafe { sys::vnfo_sampler_key_save(self.0.as_ptr(), path.as_ptr()) })
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    /// The commitment manifests publish, "blake2b:<64 hex>".
    pub fn commitment_text(&self) -> String {
        let mut buf = [0u8; sys::VNFO_SAMPLER_COMMITMENT_TEXT_SIZE as usize];
        let st = unsafe {
            sys::vnfo_sampler_key_commitment_format(buf.as_mut_ptr().cast(), buf.len(), self.0.as_ptr(), KEY_BYTES)
        };
        debug_assert_eq!(st, sys::VNFO_OK);
        crate::key::c_buf_to_string(&buf)
    }
}

impl std::fmt::Debug for SamplingKey {
    /// Never prints the key, only its public commitment.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SamplingKey({})", self.commitment_text())
    }
}

impl Drop for SamplingKey {
    fn drop(&mut self) {
        for b in self.0.iter_mut() {
            unsafe { ptr::write_volatile(b, 0) };
        }
        compiler_fence(Ordering::SeqCst);
    }
}

/// How a sampler selects packets (`vnfo_sampler_options`).
#[derive(Clone, Debug)]
pub struct SamplerOptions {
    raw: sys::vnfo_sampler_options,
    ranges: Vec<sys::vnfo_sampler_range>,
}

impl Default for SamplerOptions {
    /// siphash-2-4 over the psamp fields, rate 1/64, epoch 0.
    fn default() -> SamplerOptions {
        let mut raw = sys::vnfo_sampler_options::default();
        let st = unsafe { sys::vnfo_sampler_options_init(&mut raw, sys::VNFO_SAMPLER_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        SamplerOptions { raw, ranges: Vec::new() }
    }
}

impl SamplerOptions {
    /// Options the library filled (from a manifest); the ranges are copied.
    pub(crate) fn from_raw(mut raw: sys::vnfo_sampler_options) -> SamplerOptions {
        let ranges = if raw.nranges > 0 && !raw.ranges.is_null() {
            unsafe { std::slice::from_raw_parts(raw.ranges, raw.nranges) }.to_vec()
        } else {
            Vec::new()
        };
        raw.ranges = ptr::null();
        SamplerOptions { raw, ranges }
    }

    /// The hash by name: "xxh3-64", "siphash-2-4" or "bob".
    pub fn hash(mut self, name: &str) -> Result<SamplerOptions> {
        let name = c_string(name)?;
        call(|| unsafe { sys::vnfo_sampler_hash_parse(&mut self.raw.hash, name.as_ptr()) })?;
        Ok(self)
    }

    /// The hash by number (a `sys::VNFO_SAMPLER_HASH_*`; checked on create).
    pub fn hash_id(mut self, hash: u32) -> SamplerOptions {
        self.raw.hash = hash;
        self
    }

    /// Selection rate num/den (den 0 means 2^64); clears explicit ranges.
    pub fn rate(mut self, num: u64, den: u64) -> SamplerOptions {
        self.raw.rate = sys::vnfo_rational { num, den };
        self.ranges.clear();
        self
    }

    /// The rate as text: "1/64" or "3/2^10".
    pub fn rate_text(mut self, text: &str) -> Result<SamplerOptions> {
        let text = c_string(text)?;
        call(|| unsafe { sys::vnfo_sampler_rate_parse(&mut self.raw.rate, text.as_ptr()) })?;
        self.ranges.clear();
        Ok(self)
    }

    /// Explicit inclusive hash ranges instead of a rate.
    pub fn ranges(mut self, ranges: &[(u64, u64)]) -> SamplerOptions {
        self.ranges = ranges.iter().map(|&(lo, hi)| sys::vnfo_sampler_range { lo, hi }).collect();
        self
    }

    /// Ranges as text: "lo-hi[,lo-hi...]".
    pub fn ranges_text(mut self, text: &str) -> Result<SamplerOptions> {
        let text = c_string(text)?;
        let mut buf = [sys::vnfo_sampler_range::default(); sys::VNFO_SAMPLER_MAX_RANGES as usize];
        let mut n = 0usize;
        call(|| unsafe { sys::vnfo_sampler_ranges_parse(buf.as_mut_ptr(), buf.len(), &mut n, text.as_ptr()) })?;
        self.ranges = buf[..n].to_vec();
        Ok(self)
    }

    /// The bytes hashed.
    pub fn fields(mut self, fields: FieldSet) -> SamplerOptions {
        self.raw.fields = fields.0;
        self
    }

    /// The key epoch.
    pub fn epoch(mut self, epoch: u64) -> SamplerOptions {
        self.raw.epoch = epoch;
        self
    }

    /// A fixed BOB init value (PSAMP interop).
    pub fn bob_initval(mut self, initval: u32) -> SamplerOptions {
        self.raw.flags |= sys::VNFO_SAMPLER_BOB_FIXED_INITVAL;
        self.raw.bob_initval = initval;
        self
    }

    /// The options as the C struct, with `ranges` pointing into `self`.
    fn as_raw(&self) -> sys::vnfo_sampler_options {
        let mut raw = self.raw;
        raw.ranges = if self.ranges.is_empty() { ptr::null() } else { self.ranges.as_ptr() };
        raw.nranges = self.ranges.len();
        raw
    }
}

/// One sampling decision (`vnfo_sampler_decision`, same layout, so a
/// `&mut [Decision]` is handed to the C burst call as it is).
#[derive(Clone, Copy, Default)]
#[repr(transparent)]
pub struct Decision(sys::vnfo_sampler_decision);

impl Decision {
    /// The packet is to be logged.
    #[inline]
    pub fn selected(&self) -> bool {
        self.0.selected != 0
    }
    /// The packet label when selected, else 0.
    #[inline]
    pub fn label(&self) -> u64 {
        self.0.label
    }
    /// The selection hash (32-bit for bob).
    #[inline]
    pub fn hash(&self) -> u64 {
        self.0.hash
    }
    /// The key epoch of the decision.
    #[inline]
    pub fn epoch(&self) -> u64 {
        self.0.epoch
    }
    /// VNFO_OK, or why the packet could not be hashed (not IP, truncated,
    /// malformed, unsupported): such packets are not selected.
    #[inline]
    pub fn status_code(&self) -> Status {
        self.0.status as Status
    }
    /// [`status_code`](Decision::status_code) as a `Result`.
    pub fn status(&self) -> Result<()> {
        check_code(self.status_code())
    }
}

impl std::fmt::Debug for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decision")
            .field("selected", &self.selected())
            .field("label", &format_args!("{:016x}", self.label()))
            .field("hash", &format_args!("{:x}", self.hash()))
            .field("epoch", &self.epoch())
            .field("status", &unsafe { crate::static_str(sys::vnfo_status_name(self.status_code())) })
            .finish()
    }
}

/// A configured sampler: immutable, holds the keys (wiped when dropped).
pub struct Sampler {
    raw: ptr::NonNull<sys::vnfo_sampler>,
}

// sampler.h: "A configured sampler is immutable: decisions take it const ...
// and may run from any number of threads at once."
unsafe impl Send for Sampler {}
unsafe impl Sync for Sampler {}

impl Sampler {
    /// A sampler for one key epoch; the key is copied.
    pub fn new(opts: &SamplerOptions, key: &SamplingKey) -> Result<Sampler> {
        crate::init()?;
        let raw_opts = opts.as_raw();
        let mut out = ptr::null_mut();
        call(|| unsafe { sys::vnfo_sampler_create(&mut out, &raw_opts, key.0.as_ptr(), KEY_BYTES) })?;
        Ok(Sampler { raw: ptr::NonNull::new(out).expect("VNFO_OK and NULL") })
    }

    /// The same sampler for another key epoch.
    pub fn rekey(&self, epoch: u64) -> Result<Sampler> {
        let mut out = ptr::null_mut();
        call(|| unsafe { sys::vnfo_sampler_rekey(&mut out, self.raw.as_ptr(), epoch) })?;
        Ok(Sampler { raw: ptr::NonNull::new(out).expect("VNFO_OK and NULL") })
    }

    /// The C handle, for raw `vnfo-sys` calls (valid while `self` lives).
    pub fn as_ptr(&self) -> *const sys::vnfo_sampler {
        self.raw.as_ptr()
    }

    /// The key epoch.
    pub fn epoch(&self) -> u64 {
        unsafe { sys::vnfo_sampler_epoch(self.raw.as_ptr()) }
    }

    /// The realised selection probability, exactly: (num, den), den 0
    /// meaning 2^64.
    pub fn probability(&self) -> (u64, u64) {
        let mut r = sys::vnfo_rational::default();
        let st = unsafe { sys::vnfo_sampler_probability(&mut r, self.raw.as_ptr()) };
        debug_assert_eq!(st, sys::VNFO_OK);
        (r.num, r.den)
    }

    /// The selection ranges in effect, sorted.
    pub fn ranges(&self) -> Vec<(u64, u64)> {
        let mut buf = [sys::vnfo_sampler_range::default(); sys::VNFO_SAMPLER_MAX_RANGES as usize];
        let mut n = 0usize;
        let st = unsafe { sys::vnfo_sampler_ranges(buf.as_mut_ptr(), buf.len(), &mut n, self.raw.as_ptr()) };
        debug_assert_eq!(st, sys::VNFO_OK);
        buf[..n].iter().map(|r| (r.lo, r.hi)).collect()
    }

    /// Decide one packet (0 for `flowtag` when it has none).  The
    /// decision's status tells packets that could not be hashed.
    #[inline]
    pub fn decide(&self, pkt: &[u8], linktype: u32, flowtag: u32) -> Decision {
        let mut d = Decision::default();
        unsafe { sys::vnfo_sampler_decide(&mut d.0, self.raw.as_ptr(), pkt.as_ptr(), pkt.len(), linktype, flowtag) };
        d
    }

    /// Decide a packet parsed before.
    #[inline]
    pub fn decide_view(&self, view: &PacketView<'_>, flowtag: u32) -> Decision {
        let mut d = Decision::default();
        unsafe { sys::vnfo_sampler_decide_view(&mut d.0, self.raw.as_ptr(), view.raw(), flowtag) };
        d
    }

    /// Decide a burst of packets of one link type into `out[..pkts.len()]`;
    /// returns how many were selected.  `flowtags`, when given, has one tag
    /// per packet.  Allocates nothing: packet pointers go to the C call from
    /// a stack array, in bursts of at most [`BURST_MAX`].
    pub fn decide_burst(
        &self,
        pkts: &[&[u8]],
        linktype: u32,
        flowtags: Option<&[u32]>,
        out: &mut [Decision],
    ) -> Result<usize> {
        check_burst_sizes(pkts.len(), flowtags, out.len())?;
        let mut selected = 0;
        for (i, chunk) in pkts.chunks(BURST_MAX).enumerate() {
            let base = i * BURST_MAX;
            let tags = flowtags.map(|t| &t[base..base + chunk.len()]);
            selected += self.burst(chunk.len(), |j| chunk[j], linktype, tags, &mut out[base..base + chunk.len()])?;
        }
        Ok(selected)
    }

    /// [`decide_burst`](Sampler::decide_burst) over packets stored back to
    /// back in one buffer: packet `i` is `buf[bounds[i]..bounds[i + 1]]`, so
    /// `bounds` has one entry more than there are packets.
    pub fn decide_burst_contiguous(
        &self,
        buf: &[u8],
        bounds: &[usize],
        linktype: u32,
        flowtags: Option<&[u32]>,
        out: &mut [Decision],
    ) -> Result<usize> {
        let n = bounds.len().saturating_sub(1);
        check_burst_sizes(n, flowtags, out.len())?;
        for (i, w) in bounds.windows(2).enumerate() {
            if w[0] > w[1] || w[1] > buf.len() {
                return Err(Error::invalid(format!(
                    "bounds[{}..={}] = {}..{} is not inside the {}-byte buffer",
                    i,
                    i + 1,
                    w[0],
                    w[1],
                    buf.len()
                )));
            }
        }
        let mut selected = 0;
        let mut base = 0;
        while base < n {
            let len = (n - base).min(BURST_MAX);
            let tags = flowtags.map(|t| &t[base..base + len]);
            let b = &bounds[base..];
            // Safe: every bounds window was checked above.
            selected += self.burst(len, |j| unsafe { buf.get_unchecked(b[j]..b[j + 1]) }, linktype, tags,
                                   &mut out[base..base + len])?;
            base += len;
        }
        Ok(selected)
    }

    /// One C burst of `n <= BURST_MAX` packets, `packet(j)` giving each.
    #[inline]
    fn burst<'p>(
        &self,
        n: usize,
        packet: impl Fn(usize) -> &'p [u8],
        linktype: u32,
        flowtags: Option<&[u32]>,
        out: &mut [Decision],
    ) -> Result<usize> {
        // Uninitialised stack arrays: only the first n entries are written
        // and read, and zeroing 3 KiB per burst would cost more than the
        // marshalling itself.
        let mut ptrs: [MaybeUninit<*const u8>; BURST_MAX] = unsafe { MaybeUninit::uninit().assume_init() };
        let mut lens: [MaybeUninit<u32>; BURST_MAX] = unsafe { MaybeUninit::uninit().assume_init() };
        for j in 0..n {
            let p = packet(j);
            if p.len() > u32::MAX as usize {
                return Err(Error::invalid(format!("packet {} is longer than 4 GiB", j)));
            }
            ptrs[j] = MaybeUninit::new(p.as_ptr());
            lens[j] = MaybeUninit::new(p.len() as u32);
        }
        let mut selected = 0usize;
        let st = unsafe {
            sys::vnfo_sampler_decide_burst(
                out.as_mut_ptr().cast(),
                &mut selected,
                self.raw.as_ptr(),
                ptrs.as_ptr().cast(),
                lens.as_ptr().cast(),
                flowtags.map_or(ptr::null(), |t| t.as_ptr()),
                n,
                linktype,
            )
        };
        check_code(st)?;
        Ok(selected)
    }

    /// The label of a packet whether or not it is selected.
    pub fn label(&self, pkt: &[u8], linktype: u32, flowtag: u32) -> Result<u64> {
        let mut out = 0u64;
        check_code(unsafe { sys::vnfo_sampler_label(&mut out, self.raw.as_ptr(), pkt.as_ptr(), pkt.len(), linktype, flowtag) })?;
        Ok(out)
    }

    /// The selection hash of arbitrary bytes.
    pub fn hash_bytes(&self, data: &[u8]) -> u64 {
        let mut out = 0u64;
        let st = unsafe { sys::vnfo_sampler_hash_bytes(&mut out, self.raw.as_ptr(), data.as_ptr(), data.len()) };
        debug_assert_eq!(st, sys::VNFO_OK);
        out
    }
}

fn check_burst_sizes(n: usize, flowtags: Option<&[u32]>, out_len: usize) -> Result<()> {
    if out_len < n {
        return Err(Error::invalid(format!("{} packets but room for {} decisions", n, out_len)));
    }
    match flowtags {
        Some(t) if t.len() != n => Err(Error::invalid(format!("{} packets but {} flowtags", n, t.len()))),
        _ => Ok(()),
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        unsafe { sys::vnfo_sampler_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sampler").field("epoch", &self.epoch()).field("probability", &self.probability()).finish()
    }
}

/// The BOB hash of RFC 5475 Appendix A.2.
pub fn bob(data: &[u8], initval: u32) -> u32 {
    unsafe { sys::vnfo_sampler_bob(data.as_ptr(), data.len(), initval) }
}
