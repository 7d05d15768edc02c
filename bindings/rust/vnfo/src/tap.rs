//! The tap (include/vnfo/tap.h, docs/tap.md): a bump-in-the-wire shim for
//! black-box functions.  Frames entering the function (ingress) and leaving
//! it (egress) go in; `forwarded`, `dropped` and `generated` packet records,
//! paired by the sampler's label, and loss notices come out through a Rust
//! closure, usually into a [`LogWriter`](crate::LogWriter).
//!
//! `Send` (when the closure is) but not `Sync`: tap.h says "a tap is not
//! shared; one thread feeds it".  Different taps may run in different
//! threads and share one [`Sampler`], which each tap borrows.
//!
//! ```compile_fail
//! fn sync<T: Sync>() {}
//! sync::<vnfo::tap::Tap<'static, fn(&vnfo::Record<'_>) -> Result<(), ()>, ()>>();
//! ```
//! ```no_run
//! fn send<T: Send>() {}
//! send::<vnfo::tap::Tap<'static, fn(&vnfo::Record<'_>) -> Result<(), ()>, ()>>();
//! ```

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::error::{call, Error, Status};
use crate::record::Record;
use crate::sampler::Sampler;
use crate::sys;

/// Default pending-table capacity.
pub const DEFAULT_CAPACITY: u32 = sys::VNFO_TAP_DEFAULT_CAPACITY;
/// Largest pending-table capacity.
pub const MAX_CAPACITY: u32 = sys::VNFO_TAP_MAX_CAPACITY;
/// Default time an ingress frame waits for its egress: 1 s.
pub const DEFAULT_TIMEOUT_NS: u64 = sys::VNFO_TAP_DEFAULT_TIMEOUT_NS as u64;
/// Default room per pending frame at the `full` granularity.
pub const DEFAULT_FULL_BYTES: u32 = sys::VNFO_TAP_DEFAULT_FULL_BYTES;

/// The tap's counters since create (`vnfo_tap_stats`: ingress and egress
/// frames, undecidable, selected, forwarded, dropped, generated, overflow,
/// loss notices, pending, pending peak).
pub type TapStats = sys::vnfo_tap_stats;

/// How a tap pairs and records frames (`vnfo_tap_options` without the
/// callback, which [`Tap::new`] takes).  The library checks the values in
/// [`Tap::new`], with a message naming the bad one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TapOptions {
    /// The tapped function's position in the chain.
    pub hop: u32,
    /// How long an ingress frame waits for its egress before it is
    /// `dropped`, ns (non-zero).
    pub timeout_ns: u64,
    /// Pending selected ingress frames, 1..[`MAX_CAPACITY`]; size it from
    /// the selected rate times the timeout (docs/tap.md).
    pub capacity: u32,
    /// How much of each packet records keep: `sys::VNFO_GRANULARITY_DIGEST`,
    /// `_HEADERS` or `_FULL`.
    pub granularity: u32,
    /// At `full`: room kept per pending frame; a longer frame, or one
    /// captured short of its wire length, is recorded at `headers`.
    pub full_bytes: u32,
}

impl Default for TapOptions {
    /// `VNFO_TAP_OPTIONS_INIT`: hop 0, 1 s, 65536 frames, digests only.
    fn default() -> TapOptions {
        let mut raw = sys::vnfo_tap_options::default();
        let st = unsafe { sys::vnfo_tap_options_init(&mut raw, sys::VNFO_TAP_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        TapOptions {
            hop: raw.hop,
            timeout_ns: raw.timeout_ns,
            capacity: raw.capacity,
            granularity: raw.granularity,
            full_bytes: raw.full_bytes,
        }
    }
}

/// A failed tap call: the library refused it, or the emit closure failed
/// or panicked.  The tap's state stays consistent in every case (tap.h: a
/// record whose emission failed still counts as emitted).
#[derive(Debug)]
pub enum TapError<E> {
    /// The library's status and message (bad options, ...).
    Library(Error),
    /// The first error the emit closure returned during the call.  The tap
    /// went on handing it the call's other records.
    Emit(E),
    /// The emit closure panicked (with this message).  The panic did not
    /// cross the C frames; the closure is not called again, and every
    /// later call that has a record to emit fails with this error.
    EmitPanicked(String),
}

impl<E> From<Error> for TapError<E> {
    fn from(e: Error) -> TapError<E> {
        TapError::Library(e)
    }
}

impl<E: fmt::Display> fmt::Display for TapError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TapError::Library(e) => fmt::Display::fmt(e, f),
            TapError::Emit(e) => write!(f, "the tap's emit closure failed: {}", e),
            TapError::EmitPanicked(m) => write!(f, "the tap's emit closure panicked: {}", m),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for TapError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TapError::Library(e) => Some(e),
            TapError::Emit(e) => Some(e),
            TapError::EmitPanicked(_) => None,
        }
    }
}

/// The status the C callback returns when the closure failed; the tap
/// returns it unchanged, and the failure itself is in [`Emit::first`].
const EMIT_FAILED: Status = sys::VNFO_E_IO;

/// The closure and what went wrong in it.
struct Emit<F, E> {
    f: F,
    /// The first failure of the current call.
    first: Option<TapError<E>>,
    /// Set by a panic: the closure is not called again.
    panicked: Option<String>,
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a non-string panic payload".to_string()
    }
}

/// Hands one record of the C tap to the closure, borrowed (the record's
/// packet bytes point into the tap and the frame, valid for this call).
/// A panic must not cross the C frames: it is caught and poisons the tap.
unsafe extern "C" fn emit_call<F, E>(ctx: *mut c_void, rec: *const sys::vnfo_record) -> sys::vnfo_status
where
    F: FnMut(&Record<'_>) -> Result<(), E>,
{
    let emit = &mut *(ctx as *mut Emit<F, E>);
    if emit.panicked.is_some() || rec.is_null() {
        return EMIT_FAILED;
    }
    let record = Record::from_raw_ref(&*rec);
    let failure = match catch_unwind(AssertUnwindSafe(|| (emit.f)(record))) {
        Ok(Ok(())) => return sys::VNFO_OK,
        Ok(Err(e)) => TapError::Emit(e),
        Err(payload) => {
            let message = panic_message(&*payload);
            // Dropping a payload can itself panic; keep it from unwinding here.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            emit.panicked = Some(message.clone());
            TapError::EmitPanicked(message)
        }
    };
    if emit.first.is_none() {
        emit.first = Some(failure);
    }
    EMIT_FAILED
}

/// A tap over one black-box function.  Owns the C tap and the emit closure;
/// borrows the sampler for `'s`.
///
/// The emit closure receives each completed record, borrowed for the call
/// (copy out what must outlive it); the log writer fills node id, epoch and
/// sequence number.  To write heartbeats or a period close between frames
/// with the same writer, share it with the closure (a `RefCell`, or a
/// `Mutex` when the tap moves to another thread).
///
/// Dropping a tap records what is still pending, as [`finish`](Tap::finish)
/// does, and ignores an error; call `finish` to see it.
pub struct Tap<'s, F, E>
where
    F: FnMut(&Record<'_>) -> Result<(), E>,
{
    raw: ptr::NonNull<sys::vnfo_tap>,
    emit: *mut Emit<F, E>,
    _sampler: PhantomData<&'s Sampler>,
}

// tap.h: one thread feeds a tap, and different taps may run in different
// threads; the closure (and an error it returns) moves with the tap.
unsafe impl<F, E> Send for Tap<'_, F, E>
where
    F: FnMut(&Record<'_>) -> Result<(), E> + Send,
    E: Send,
{
}

impl<'s, F, E> Tap<'s, F, E>
where
    F: FnMut(&Record<'_>) -> Result<(), E>,
{
    /// A tap deciding frames with `sampler` (the manifest's) and handing
    /// records to `emit`.  Allocates its pending table once, here.
    pub fn new(opts: &TapOptions, sampler: &'s Sampler, emit: F) -> crate::Result<Tap<'s, F, E>> {
        crate::init()?;
        let emit = Box::into_raw(Box::new(Emit { f: emit, first: None, panicked: None }));
        let mut raw_opts = sys::vnfo_tap_options::default();
        unsafe { sys::vnfo_tap_options_init(&mut raw_opts, sys::VNFO_TAP_OPTIONS_VERSION) };
        raw_opts.hop = opts.hop;
        raw_opts.timeout_ns = opts.timeout_ns;
        raw_opts.capacity = opts.capacity;
        raw_opts.granularity = opts.granularity;
        raw_opts.full_bytes = opts.full_bytes;
        raw_opts.emit = Some(emit_call::<F, E>);
        raw_opts.emit_ctx = emit.cast();
        let mut raw = ptr::null_mut();
        if let Err(e) = call(|| unsafe { sys::vnfo_tap_create(&mut raw, &raw_opts, sampler.as_ptr()) }) {
            drop(unsafe { Box::from_raw(emit) });
            return Err(e);
        }
        Ok(Tap { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL"), emit, _sampler: PhantomData })
    }

    /// The result of a call that may have run the closure.
    fn result(&mut self, status: Status) -> Result<(), TapError<E>> {
        let emit = unsafe { &mut *self.emit };
        if let Some(failure) = emit.first.take() {
            return Err(failure);
        }
        if status == sys::VNFO_OK {
            return Ok(());
        }
        match &emit.panicked {
            Some(message) if status == EMIT_FAILED => Err(TapError::EmitPanicked(message.clone())),
            _ => Err(TapError::Library(Error::last(status))),
        }
    }

    /// A frame entering the function, captured at `t_ns`: decided, and
    /// remembered when selected; pending frames older than the timeout are
    /// first recorded as `dropped`.  `wire_len` is the frame's length on
    /// the wire (0: its captured length); `linktype` a `LINKTYPE_*`.  A
    /// frame the sampler cannot hash is counted (`undecidable`), not an
    /// error.  Allocates nothing.
    #[inline]
    pub fn ingress(&mut self, frame: &[u8], wire_len: u32, linktype: u32, t_ns: u64) -> Result<(), TapError<E>> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_tap_ingress(self.raw.as_ptr(), frame.as_ptr(), frame.len(), wire_len, linktype, t_ns) };
        self.result(st)
    }

    /// A frame leaving the function at `t_ns`: when selected, paired with
    /// the oldest pending ingress frame of its label (`forwarded`) or, when
    /// there is none, recorded as `generated`.  Arguments as
    /// [`ingress`](Tap::ingress).  Allocates nothing.
    #[inline]
    pub fn egress(&mut self, frame: &[u8], wire_len: u32, linktype: u32, t_ns: u64) -> Result<(), TapError<E>> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_tap_egress(self.raw.as_ptr(), frame.as_ptr(), frame.len(), wire_len, linktype, t_ns) };
        self.result(st)
    }

    /// Record pending frames older than the timeout at `now_ns` as
    /// `dropped`, and any overflow or capture loss not yet reported as a
    /// loss notice.  Call it when the capture is idle.
    pub fn expire(&mut self, now_ns: u64) -> Result<(), TapError<E>> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_tap_expire(self.raw.as_ptr(), now_ns) };
        self.result(st)
    }

    /// End of both streams: every pending frame becomes `dropped`, any
    /// unreported loss a loss notice.  The tap stays usable.
    pub fn finish(&mut self) -> Result<(), TapError<E>> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_tap_finish(self.raw.as_ptr()) };
        self.result(st)
    }

    /// Add frames lost before they reached the tap (the kernel's capture
    /// drops); they leave as a loss notice (reason `queue_overflow`) at the
    /// next [`expire`](Tap::expire) or [`finish`](Tap::finish).
    pub fn add_capture_loss(&mut self, frames: u64) -> crate::Result<()> {
        call(|| unsafe { sys::vnfo_tap_add_capture_loss(self.raw.as_ptr(), frames) })
    }

    /// The tap's counters.
    pub fn stats(&self) -> TapStats {
        let mut out = TapStats::default();
        let st = unsafe { sys::vnfo_tap_stats_get(&mut out, self.raw.as_ptr()) };
        debug_assert_eq!(st, sys::VNFO_OK);
        out
    }
}

impl<F, E> fmt::Debug for Tap<'_, F, E>
where
    F: FnMut(&Record<'_>) -> Result<(), E>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.stats();
        f.debug_struct("Tap")
            .field("ingress_frames", &s.ingress_frames)
            .field("egress_frames", &s.egress_frames)
            .field("pending", &s.pending)
            .finish()
    }
}

impl<F, E> Drop for Tap<'_, F, E>
where
    F: FnMut(&Record<'_>) -> Result<(), E>,
{
    fn drop(&mut self) {
        // Record what is pending (the closure may still run), then free the
        // tap before the closure it points at.
        let _ = self.finish();
        unsafe {
            sys::vnfo_tap_free(self.raw.as_ptr());
            drop(Box::from_raw(self.emit));
        }
    }
}
