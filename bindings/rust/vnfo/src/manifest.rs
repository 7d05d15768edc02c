//! The verification manifest (include/vnfo/manifest.h).  Parse errors carry
//! the line, column and JSON path ([`Error::location`](crate::Error::location)).

use std::path::Path;
use std::ptr;

use crate::error::{call, Error, Location, Result};
use crate::key::{PublicKey, SigningKey};
use crate::sampler::{SamplerOptions, SamplingKey, KEY_BYTES};
use crate::{c_path, c_string, owned_str, static_str, sys};

/// Bytes of a manifest digest.
pub const DIGEST_BYTES: usize = sys::VNFO_MANIFEST_DIGEST_BYTES as usize;
/// Bytes of a party signature.
pub const SIGNATURE_BYTES: usize = sys::VNFO_MANIFEST_SIGNATURE_BYTES as usize;

/// A parsed, validated manifest: immutable, `Send + Sync` (manifest.h: the
/// accessors only read it).
pub struct Manifest {
    raw: ptr::NonNull<sys::vnfo_manifest>,
}

unsafe impl Send for Manifest {}
unsafe impl Sync for Manifest {}

/// One function of the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEntry {
    /// Unique name.
    pub name: String,
    /// The function it runs (names a reference implementation).
    pub function: String,
    /// The node id its log carries.
    pub node_id: u32,
    /// `sys::VNFO_MANIFEST_MODIFY_*`.
    pub may_modify: u32,
    /// Whether it may drop packets.
    pub may_drop: bool,
    /// The node's public key.
    pub public_key: PublicKey,
}

/// The error of a failed parse or load, with the place it recorded.
fn parse_error(status: sys::vnfo_status) -> Error {
    let err = Error::last(status);
    let line = unsafe { sys::vnfo_manifest_error_line() } as u64;
    if line == 0 {
        return err;
    }
    err.with_location(Location {
        line,
        column: unsafe { sys::vnfo_manifest_error_column() } as u64,
        path: unsafe { owned_str(sys::vnfo_manifest_error_path()) },
    })
}

impl Manifest {
    /// Parse and validate JSON text; `name` names it in messages.
    pub fn parse(text: &str, name: &str) -> Result<Manifest> {
        let name = c_string(name)?;
        let mut raw = ptr::null_mut();
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_manifest_parse(&mut raw, text.as_ptr().cast(), text.len(), name.as_ptr()) };
        if st != sys::VNFO_OK {
            return Err(parse_error(st));
        }
        Ok(Manifest { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// Read, parse and validate a manifest file.
    pub fn load(path: impl AsRef<Path>) -> Result<Manifest> {
        let path = c_path(path.as_ref())?;
        let mut raw = ptr::null_mut();
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_manifest_load(&mut raw, path.as_ptr()) };
        if st != sys::VNFO_OK {
            return Err(parse_error(st));
        }
        Ok(Manifest { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// A commented manifest that passes validation, as a starting point.
    pub fn template() -> &'static str {
        unsafe { static_str(sys::vnfo_manifest_template()) }
    }

    pub(crate) fn as_ptr(&self) -> *const sys::vnfo_manifest {
        self.raw.as_ptr()
    }

    /// The manifest digest logs and signatures name.
    pub fn digest(&self) -> [u8; DIGEST_BYTES] {
        let mut out = [0u8; DIGEST_BYTES];
        let st = unsafe { sys::vnfo_manifest_digest_compute(out.as_mut_ptr(), self.raw.as_ptr()) };
        debug_assert_eq!(st, sys::VNFO_OK);
        out
    }

    /// Its "id".
    pub fn id(&self) -> String {
        unsafe { owned_str(sys::vnfo_manifest_id(self.raw.as_ptr())) }
    }

    /// Schema version it declares.
    pub fn version(&self) -> u32 {
        unsafe { sys::vnfo_manifest_version(self.raw.as_ptr()) }
    }

    /// The chain, in packet order.
    pub fn chain(&self) -> Vec<ChainEntry> {
        let m = self.raw.as_ptr();
        let n = unsafe { sys::vnfo_manifest_chain_count(m) };
        (0..n)
            .map(|i| unsafe {
                let mut key = sys::vnfo_public_key::default();
                sys::vnfo_manifest_chain_public_key(&mut key, m, i);
                ChainEntry {
                    name: owned_str(sys::vnfo_manifest_chain_name(m, i)),
                    function: owned_str(sys::vnfo_manifest_chain_function(m, i)),
                    node_id: sys::vnfo_manifest_chain_node_id(m, i),
                    may_modify: sys::vnfo_manifest_chain_may_modify(m, i),
                    may_drop: sys::vnfo_manifest_chain_may_drop(m, i) != 0,
                    public_key: PublicKey(key),
                }
            })
            .collect()
    }

    /// Index of the chain entry named `name`.
    pub fn chain_find(&self, name: &str) -> Result<usize> {
        let name = c_string(name)?;
        let mut i = 0usize;
        call(|| unsafe { sys::vnfo_manifest_chain_find(&mut i, self.raw.as_ptr(), name.as_ptr()) })?;
        Ok(i)
    }

    /// The sampling rate (num, den; den 0 meaning 2^64).
    pub fn sampling_rate(&self) -> (u64, u64) {
        let r = unsafe { sys::vnfo_manifest_sampling_rate(self.raw.as_ptr()) };
        (r.num, r.den)
    }

    /// The sampling key id.
    pub fn sampling_key_id(&self) -> String {
        unsafe { owned_str(sys::vnfo_manifest_sampling_key_id(self.raw.as_ptr())) }
    }

    /// The key epoch at a Unix time.
    pub fn sampling_epoch_at(&self, unix_seconds: i64) -> Result<u64> {
        let mut e = 0u64;
        call(|| unsafe { sys::vnfo_manifest_sampling_epoch_at(&mut e, self.raw.as_ptr(), unix_seconds) })?;
        Ok(e)
    }

    /// Sampler options of this manifest, after checking `key` against its
    /// key commitment (VNFO_E_MANIFEST_KEY_MISMATCH otherwise).
    pub fn sampler_options(&self, key: &SamplingKey) -> Result<SamplerOptions> {
        let mut raw = sys::vnfo_sampler_options::default();
        unsafe { sys::vnfo_sampler_options_init(&mut raw, sys::VNFO_SAMPLER_OPTIONS_VERSION) };
        call(|| unsafe { sys::vnfo_manifest_sampler_options(&mut raw, self.raw.as_ptr(), key.as_bytes().as_ptr(), KEY_BYTES) })?;
        Ok(SamplerOptions::from_raw(raw))
    }

    /// Records per log batch.
    pub fn logging_batch_records(&self) -> u32 {
        unsafe { sys::vnfo_manifest_logging_batch_records(self.raw.as_ptr()) }
    }

    /// `logging.heartbeat_ms`: the longest a shim may go without signing a
    /// batch ([`LogWriter::heartbeat`](crate::LogWriter::heartbeat) when
    /// nothing else closed one), 1..86400000 ms; `None` when the manifest
    /// does not name it (then logs need neither heartbeats nor a period
    /// close).
    pub fn logging_heartbeat_ms(&self) -> Option<u32> {
        match unsafe { sys::vnfo_manifest_logging_heartbeat_ms(self.raw.as_ptr()) } {
            0 => None,
            ms => Some(ms),
        }
    }

    /// Whether the chain uses FlowTags, and if so their carrier
    /// (`sys::VNFO_MANIFEST_CARRIER_*`) and width.
    pub fn flowtags(&self) -> Option<(u32, u32)> {
        let m = self.raw.as_ptr();
        unsafe {
            if sys::vnfo_manifest_has_flowtags(m) != 0 {
                Some((sys::vnfo_manifest_flowtags_carrier(m), sys::vnfo_manifest_flowtags_bits(m)))
            } else {
                None
            }
        }
    }

    /// The billing period, Unix seconds [start, end).
    pub fn billing_period(&self) -> (i64, i64) {
        unsafe { (sys::vnfo_manifest_billing_start(self.raw.as_ptr()), sys::vnfo_manifest_billing_end(self.raw.as_ptr())) }
    }

    /// The confidence level of every statistical check.
    pub fn verification_confidence(&self) -> f64 {
        unsafe { sys::vnfo_manifest_verification_confidence(self.raw.as_ptr()) }
    }

    /// A party's signature over the manifest digest
    /// (`sys::VNFO_MANIFEST_PARTY_CUSTOMER` or `_PROVIDER`).
    pub fn sign(&self, party: u32, key: &SigningKey) -> Result<[u8; SIGNATURE_BYTES]> {
        let mut sig = [0u8; SIGNATURE_BYTES];
        call(|| unsafe { sys::vnfo_manifest_sign(sig.as_mut_ptr(), self.raw.as_ptr(), party, key.as_ptr()) })?;
        Ok(sig)
    }

    /// Check a party's signature against the key the manifest lists for it.
    pub fn signature_verify(&self, party: u32, sig: &[u8; SIGNATURE_BYTES]) -> Result<()> {
        call(|| unsafe { sys::vnfo_manifest_signature_verify(self.raw.as_ptr(), party, sig.as_ptr()) })
    }
}

impl Drop for Manifest {
    fn drop(&mut self) {
        unsafe { sys::vnfo_manifest_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Manifest({:?})", self.id())
    }
}
