//! Safe Rust API of libvnfo: trajectory sampling, packet digests, signed
//! logs, FlowTags, manifests, accounting checks, the verifier and the tap
//! for black-box functions.
//!
//! Each opaque libvnfo handle is an owning type that frees it on `Drop`;
//! every fallible call returns [`Result<T>`](Result) with an [`Error`] that
//! carries the status, its name and the library's message.  `Send` and
//! `Sync` follow the thread rules of the headers (docs/rust.md has the
//! table).  The per-packet calls ([`Sampler::decide`],
//! [`Sampler::decide_burst`], [`packet::digest`], the FlowTag carriers,
//! [`LogWriter::append`], [`Tap::ingress`] and [`Tap::egress`]) take and
//! fill caller slices and allocate nothing.
//!
//! Call [`init`] once before anything that signs, verifies or draws random
//! numbers; the constructors that need it call it themselves.
//!
//! The handles the headers make "per handle" are not `Sync`; these must not
//! compile:
//!
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<vnfo::LogWriter<'static, Vec<u8>>>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<vnfo::LogReader<'static>>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<vnfo::account::Accumulator>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<vnfo::Verifier<'static>>();
//! ```
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<vnfo::Tap<'static, fn(&vnfo::Record<'_>) -> Result<(), vnfo::Error>, vnfo::Error>>();
//! ```
//!
//! while the same check on the shared types does, and all of them are `Send`:
//!
//! ```no_run
//! fn sync<T: Send + Sync>() {}
//! sync::<vnfo::Sampler>();
//! sync::<vnfo::Manifest>();
//! sync::<vnfo::flowtag::FlowTagTable>();
//! sync::<vnfo::Report>();
//! fn send<T: Send>() {}
//! send::<vnfo::LogWriter<'static, Vec<u8>>>();
//! send::<vnfo::LogReader<'static>>();
//! send::<vnfo::account::Accumulator>();
//! send::<vnfo::Verifier<'static>>();
//! send::<vnfo::Tap<'static, fn(&vnfo::Record<'_>) -> Result<(), vnfo::Error>, vnfo::Error>>();
//! ```

pub use vnfo_sys as sys;

mod error;
pub mod account;
pub mod bill;
pub mod flowtag;
pub mod key;
pub mod log;
pub mod manifest;
pub mod packet;
pub mod record;
pub mod relation;
pub mod report;
pub mod sampler;
pub mod tap;
pub mod verify;

pub use error::{Error, Location, Result, Status};
pub use key::{PublicKey, SigningKey};
pub use log::{LogReader, LogReaderOptions, LogWriter, LogWriterOptions};
pub use manifest::Manifest;
pub use record::Record;
pub use report::Report;
pub use sampler::{Decision, Sampler, SamplerOptions};
pub use tap::{Tap, TapError, TapOptions};
pub use verify::Verifier;

use std::ffi::CStr;
use std::os::raw::c_char;

/// Initialise the library (libsodium included).  Idempotent and thread-safe.
pub fn init() -> Result<()> {
    error::check(unsafe { sys::vnfo_init() })
}

/// The run-time library version, "MAJOR.MINOR.PATCH".
pub fn version() -> &'static str {
    unsafe { static_str(sys::vnfo_version_string()) }
}

/// A static C string of the library (names, versions) as `&'static str`.
///
/// # Safety
/// `p` is NULL or points at a NUL-terminated string that lives forever.
pub(crate) unsafe fn static_str(p: *const c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    CStr::from_ptr(p).to_str().unwrap_or("")
}

/// A C string the library owns, copied out.
///
/// # Safety
/// `p` is NULL or a valid NUL-terminated string for the duration of the call.
pub(crate) unsafe fn owned_str(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    CStr::from_ptr(p).to_string_lossy().into_owned()
}

/// A Rust string as a C string; an interior NUL is an invalid argument.
pub(crate) fn c_string(s: &str) -> Result<std::ffi::CString> {
    std::ffi::CString::new(s).map_err(|_| {
        Error::invalid(format!("{:?}: contains a NUL byte", s))
    })
}

/// A path as a C string.
pub(crate) fn c_path(p: &std::path::Path) -> Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(p.as_os_str().as_bytes())
        .map_err(|_| Error::invalid(format!("{}: contains a NUL byte", p.display())))
}
