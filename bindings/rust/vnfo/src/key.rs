//! Ed25519 node and party keys (include/vnfo/key.h).

use std::fmt;
use std::path::Path;
use std::ptr;

use crate::error::{call, Result};
use crate::{c_path, c_string, sys};

/// Bytes of an Ed25519 signature.
pub const SIGNATURE_BYTES: usize = sys::VNFO_KEY_SIGNATURE_BYTES as usize;

/// A secret signing key (opaque; wiped when dropped).
///
/// `Send + Sync`: signing and deriving the public key only read the key
/// ("safe" in key.h).
pub struct SigningKey {
    raw: ptr::NonNull<sys::vnfo_signing_key>,
}

unsafe impl Send for SigningKey {}
unsafe impl Sync for SigningKey {}

impl SigningKey {
    /// A fresh random key.
    pub fn generate() -> Result<SigningKey> {
        crate::init()?;
        let mut out = ptr::null_mut();
        call(|| unsafe { sys::vnfo_signing_key_generate(&mut out) })?;
        Ok(SigningKey::from_raw(out))
    }

    /// The key of a 32-byte seed (deterministic, for tests and provisioning).
    pub fn from_seed(seed: &[u8; 32]) -> Result<SigningKey> {
        crate::init()?;
        let mut out = ptr::null_mut();
        call(|| unsafe { sys::vnfo_signing_key_from_seed(&mut out, seed.as_ptr()) })?;
        Ok(SigningKey::from_raw(out))
    }

    /// Read a secret key file (refused when group or others may read it).
    pub fn load(path: impl AsRef<Path>) -> Result<SigningKey> {
        crate::init()?;
        let path = c_path(path.as_ref())?;
        let mut out = ptr::null_mut();
        call(|| unsafe { sys::vnfo_signing_key_load(&mut out, path.as_ptr()) })?;
        Ok(SigningKey::from_raw(out))
    }

    fn from_raw(p: *mut sys::vnfo_signing_key) -> SigningKey {
        SigningKey { raw: ptr::NonNull::new(p).expect("libvnfo returned VNFO_OK and NULL") }
    }

    /// Write the key to a file, mode 0600.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path(path.as_ref())?;
        call(|| unsafe { sys::vnfo_signing_key_save(self.raw.as_ptr(), path.as_ptr()) })
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        let mut out = sys::vnfo_public_key::default();
        let st = unsafe { sys::vnfo_signing_key_public(&mut out, self.raw.as_ptr()) };
        debug_assert_eq!(st, sys::VNFO_OK);
        PublicKey(out)
    }

    /// Sign a message.
    pub fn sign(&self, msg: &[u8]) -> Result<[u8; SIGNATURE_BYTES]> {
        let mut sig = [0u8; SIGNATURE_BYTES];
        call(|| unsafe {
            sys::vnfo_signing_key_sign(sig.as_mut_ptr(), self.raw.as_ptr(), msg.as_ptr(), msg.len())
        })?;
        Ok(sig)
    }

    pub(crate) fn as_ptr(&self) -> *const sys::vnfo_signing_key {
        self.raw.as_ptr()
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        unsafe { sys::vnfo_signing_key_free(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public {})", self.public_key())
    }
}

/// An Ed25519 public key (plain bytes).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct PublicKey(pub(crate) sys::vnfo_public_key);

impl PublicKey {
    /// From its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> PublicKey {
        PublicKey(sys::vnfo_public_key { bytes })
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0.bytes
    }

    /// Parse the text form `ed25519:<base64>`.
    pub fn parse(text: &str) -> Result<PublicKey> {
        let text = c_string(text)?;
        let mut out = sys::vnfo_public_key::default();
        call(|| unsafe { sys::vnfo_public_key_parse(&mut out, text.as_ptr()) })?;
        Ok(PublicKey(out))
    }

    /// Read a public key file.
    pub fn load(path: impl AsRef<Path>) -> Result<PublicKey> {
        let path = c_path(path.as_ref())?;
        let mut out = sys::vnfo_public_key::default();
        call(|| unsafe { sys::vnfo_public_key_load(&mut out, path.as_ptr()) })?;
        Ok(PublicKey(out))
    }

    /// Write a public key file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path(path.as_ref())?;
        call(|| unsafe { sys::vnfo_public_key_save(&self.0, path.as_ptr()) })
    }

    /// Check a signature of `msg`.
    pub fn verify(&self, msg: &[u8], sig: &[u8; SIGNATURE_BYTES]) -> Result<()> {
        call(|| unsafe { sys::vnfo_public_key_verify(&self.0, msg.as_ptr(), msg.len(), sig.as_ptr()) })
    }

    /// The short fingerprint shown in reports.
    pub fn fingerprint(&self) -> String {
        let mut buf = [0u8; sys::VNFO_KEY_FINGERPRINT_SIZE as usize];
        let st = unsafe { sys::vnfo_public_key_fingerprint(buf.as_mut_ptr().cast(), buf.len(), &self.0) };
        debug_assert_eq!(st, sys::VNFO_OK);
        c_buf_to_string(&buf)
    }
}

pub(crate) fn c_buf_to_string(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        unsafe { sys::vnfo_public_key_equal(&self.0, &other.0) != 0 }
    }
}
impl Eq for PublicKey {}

impl fmt::Display for PublicKey {
    /// The text form `ed25519:<base64>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; sys::VNFO_KEY_PUBLIC_TEXT_SIZE as usize];
        let st = unsafe { sys::vnfo_public_key_format(buf.as_mut_ptr().cast(), buf.len(), &self.0) };
        debug_assert_eq!(st, sys::VNFO_OK);
        f.write_str(&c_buf_to_string(&buf))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self)
    }
}
