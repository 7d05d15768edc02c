//! The verifier (include/vnfo/verify.h): logs of every chain node, the
//! manifest, references as Rust closures, and optionally the sampler and
//! the bill, in; a [`Report`] out.
//!
//! `Send` (its closures must be), not `Sync`: verify.h makes every call
//! "per handle".  The manifest, sampler and bill are borrowed for `'a`
//! ("must outlive the verifier").

use std::marker::PhantomData;
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::ptr;

use crate::bill::Bill;
use crate::error::{call, Result};
use crate::manifest::Manifest;
use crate::record::Record;
use crate::relation::{Installed, Relation};
use crate::report::Report;
use crate::sampler::Sampler;
use crate::{c_path, c_string, sys};

/// Resource use and state a reference reports for one packet
/// (`vnfo_reference_resources`, zeroed before each call).
pub type ReferenceResources = sys::vnfo_reference_resources;

/// What a reference did with a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// Forwarded: the first `n` bytes of the output buffer are the packet.
    Forward(usize),
    /// Dropped.
    Drop,
    /// Cannot process it (malformed, output buffer too small).
    Error,
}

type ReferenceFn<'a> = dyn FnMut(&[u8], &mut [u8], &mut ReferenceResources) -> Reference + Send + 'a;
type LinktypeReferenceFn<'a> = dyn FnMut(u32, &[u8], &mut [u8], &mut ReferenceResources) -> Reference + Send + 'a;

/// The C views of one reference call's buffers.
///
/// # Safety
/// The pointers are those the C verifier passed: valid for the call.
unsafe fn reference_buffers(
    input: *const u8,
    in_len: usize,
    out: *mut u8,
    out_cap: usize,
    res: *mut ReferenceResources,
    scratch: &mut ReferenceResources,
) -> (&[u8], &mut [u8], &mut ReferenceResources) {
    let input: &[u8] = if input.is_null() { &[] } else { std::slice::from_raw_parts(input, in_len) };
    let output: &mut [u8] = if out.is_null() { &mut [] } else { std::slice::from_raw_parts_mut(out, out_cap) };
    let res = if res.is_null() { scratch } else { &mut *res };
    (input, output, res)
}

/// The C verdict of a closure's outcome: a panic (`Err`), or a forwarded
/// length beyond the output buffer, is VNFO_REFERENCE_ERROR.
///
/// # Safety
/// `out_len` is NULL or valid for writing.
unsafe fn reference_verdict(outcome: std::thread::Result<Reference>, out_cap: usize, out_len: *mut usize) -> sys::vnfo_reference_verdict {
    match outcome {
        Ok(Reference::Forward(n)) if n <= out_cap && !out_len.is_null() => {
            *out_len = n;
            sys::VNFO_REFERENCE_FORWARD
        }
        Ok(Reference::Drop) => sys::VNFO_REFERENCE_DROP,
        _ => sys::VNFO_REFERENCE_ERROR,
    }
}

/// Calls a reference closure for the C verifier.  A panic must not cross
/// the C frames.
unsafe extern "C" fn reference_call(
    ctx: *mut c_void,
    input: *const u8,
    in_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    res: *mut ReferenceResources,
) -> sys::vnfo_reference_verdict {
    let f = &mut *(ctx as *mut Box<ReferenceFn<'static>>);
    let mut scratch = ReferenceResources::default();
    let (input, output, res) = reference_buffers(input, in_len, out, out_cap, res, &mut scratch);
    reference_verdict(catch_unwind(AssertUnwindSafe(|| f(input, output, res))), out_cap, out_len)
}

/// Calls a link-type-aware reference closure for the C verifier.
unsafe extern "C" fn reference_linktype_call(
    ctx: *mut c_void,
    linktype: u32,
    input: *const u8,
    in_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    res: *mut ReferenceResources,
) -> sys::vnfo_reference_verdict {
    let f = &mut *(ctx as *mut Box<LinktypeReferenceFn<'static>>);
    let mut scratch = ReferenceResources::default();
    let (input, output, res) = reference_buffers(input, in_len, out, out_cap, res, &mut scratch);
    reference_verdict(catch_unwind(AssertUnwindSafe(|| f(linktype, input, output, res))), out_cap, out_len)
}

/// Options of a [`Verifier`] (`vnfo_verify_options`).
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions {
    raw: sys::vnfo_verify_options,
}

impl Default for VerifyOptions {
    /// Ethernet packet bytes, no snapshots, 8 examples, references at 2 GHz.
    fn default() -> VerifyOptions {
        let mut raw = sys::vnfo_verify_options::default();
        let st = unsafe { sys::vnfo_verify_options_init(&mut raw, sys::VNFO_VERIFY_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        VerifyOptions { raw }
    }
}

impl VerifyOptions {
    /// pcap link type of logged packet bytes.
    pub fn linktype(mut self, linktype: u32) -> Self {
        self.raw.linktype = linktype;
        self
    }
    /// Compare logged state digests in replays.
    pub fn snapshot(mut self, on: bool) -> Self {
        self.raw.snapshot = on as _;
        self
    }
    /// Example labels kept per check.
    pub fn max_examples(mut self, n: u32) -> Self {
        self.raw.max_examples = n;
        self
    }
    /// Clock that turns a reference's cycles into its delay.
    pub fn reference_ghz(mut self, ghz: f64) -> Self {
        self.raw.reference_ghz = ghz;
        self
    }
}

/// A verifier of one manifest's chain.
pub struct Verifier<'a> {
    raw: ptr::NonNull<sys::vnfo_verifier>,
    // Boxed twice: the C side holds a thin pointer to the inner box, which
    // must not move when the Vec grows; kept until drop because the C
    // verifier may call any of them until it is freed.
    #[allow(clippy::vec_box)]
    references: Vec<Box<Box<ReferenceFn<'a>>>>,
    #[allow(clippy::vec_box)]
    linktype_references: Vec<Box<Box<LinktypeReferenceFn<'a>>>>,
    // Boxed: the C side holds a pointer to each; kept until drop, a
    // replaced one too (the C verifier forgets it, the box may not move).
    #[allow(clippy::vec_box)]
    relations: Vec<Box<Installed<'a>>>,
    _borrows: PhantomData<&'a Manifest>,
}

unsafe impl Send for Verifier<'_> {}

impl<'a> Verifier<'a> {
    /// A verifier for `manifest`.
    pub fn new(manifest: &'a Manifest, opts: &VerifyOptions) -> Result<Verifier<'a>> {
        crate::init()?;
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_verifier_create(&mut raw, manifest.as_ptr(), &opts.raw) })?;
        Ok(Verifier { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL"), references: Vec::new(), linktype_references: Vec::new(), relations: Vec::new(), _borrows: PhantomData })
    }

    /// Give the reference implementation of the chain entry `name`: a
    /// closure from the input packet to a verdict, writing a forwarded
    /// packet into the output buffer and its resource use into the
    /// resources.
    pub fn set_reference<F>(&mut self, name: &str, f: F) -> Result<()>
    where
        F: FnMut(&[u8], &mut [u8], &mut ReferenceResources) -> Reference + Send + 'a,
    {
        let name = c_string(name)?;
        let mut boxed: Box<Box<ReferenceFn<'a>>> = Box::new(Box::new(f));
        let ctx = &mut *boxed as *mut Box<ReferenceFn<'a>> as *mut c_void;
        call(|| unsafe { sys::vnfo_verifier_reference_set(self.raw.as_ptr(), name.as_ptr(), Some(reference_call), ctx) })?;
        self.references.push(boxed);
        Ok(())
    }

    /// Give the reference implementation of the chain entry `name` as a
    /// closure that is told each packet's link type: the record's
    /// (format 2), or [`VerifyOptions::linktype`] for a record that states
    /// none.  Replaces a reference given with
    /// [`set_reference`](Verifier::set_reference), which reads frames of
    /// the options' link type only (records of another link type are not
    /// replayed through it: `other_link_type` in the check's evidence).
    pub fn set_reference_linktype<F>(&mut self, name: &str, f: F) -> Result<()>
    where
        F: FnMut(u32, &[u8], &mut [u8], &mut ReferenceResources) -> Reference + Send + 'a,
    {
        let name = c_string(name)?;
        let mut boxed: Box<Box<LinktypeReferenceFn<'a>>> = Box::new(Box::new(f));
        let ctx = &mut *boxed as *mut Box<LinktypeReferenceFn<'a>> as *mut c_void;
        call(|| unsafe {
            sys::vnfo_verifier_reference_linktype_set(self.raw.as_ptr(), name.as_ptr(), Some(reference_linktype_call), ctx)
        })?;
        self.linktype_references.push(boxed);
        Ok(())
    }

    /// Give the chain entry `name` its reference as a [`Relation`]
    /// (black-box checking of a stateful function), checked as
    /// `relation.<name>`; independent of a reference given with
    /// [`set_reference`](Verifier::set_reference).  Replaces an earlier
    /// relation of `name`.  Panics in its closures never reach C: see
    /// [`crate::relation`].
    pub fn set_relation(&mut self, name: &str, relation: Relation<'a>) -> Result<()> {
        let c_name = c_string(name)?;
        let mut inst = Installed::new(name, relation)?;
        let raw = inst.raw();
        let ctx = &mut *inst as *mut Installed<'a> as *mut c_void;
        call(|| unsafe { sys::vnfo_verifier_relation_set(self.raw.as_ptr(), c_name.as_ptr(), &raw, ctx) })?;
        self.relations.push(inst);
        Ok(())
    }

    /// Take the relation away from the chain entry `name`.
    pub fn remove_relation(&mut self, name: &str) -> Result<()> {
        let name = c_string(name)?;
        call(|| unsafe { sys::vnfo_verifier_relation_set(self.raw.as_ptr(), name.as_ptr(), ptr::null(), ptr::null_mut()) })
    }

    /// Threads for batch verification, record decoding and sorting
    /// (`vnfo_verifier_threads_set`): 1 for the calling thread alone, 0 for
    /// one per online CPU (the default), at most
    /// [`sys::VNFO_VERIFY_THREADS_MAX`].  The report is the same for any
    /// number; references and relations are called from the thread that
    /// calls [`Verifier::run`] only.
    pub fn set_threads(&mut self, threads: u32) -> Result<()> {
        call(|| unsafe { sys::vnfo_verifier_threads_set(self.raw.as_ptr(), threads) })
    }

    /// Add the log of chain entry `name` from memory (the verifier copies
    /// what it needs); `source` names it in messages.
    pub fn add_log(&mut self, name: &str, data: &[u8], source: &str) -> Result<()> {
        let (name, source) = (c_string(name)?, c_string(source)?);
        call(|| unsafe { sys::vnfo_verifier_log_add(self.raw.as_ptr(), name.as_ptr(), data.as_ptr(), data.len(), source.as_ptr()) })
    }

    /// Add the log file of chain entry `name`.
    pub fn add_log_file(&mut self, name: &str, path: impl AsRef<Path>) -> Result<()> {
        let (name, path) = (c_string(name)?, c_path(path.as_ref())?);
        call(|| unsafe { sys::vnfo_verifier_log_add_file(self.raw.as_ptr(), name.as_ptr(), path.as_ptr()) })
    }

    /// Add a log file of a node outside the chain (reported as foreign).
    pub fn add_foreign_log_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path(path.as_ref())?;
        call(|| unsafe { sys::vnfo_verifier_foreign_log_add_file(self.raw.as_ptr(), path.as_ptr()) })
    }

    /// Add one record (already authenticated by the caller).
    pub fn add_record(&mut self, rec: &Record<'_>) -> Result<()> {
        call(|| unsafe { sys::vnfo_verifier_record_add(self.raw.as_ptr(), rec.raw()) })
    }

    /// The sampler, to check that exactly the selected packets were logged.
    pub fn set_sampler(&mut self, sampler: &'a Sampler) -> Result<()> {
        call(|| unsafe { sys::vnfo_verifier_sampler_set(self.raw.as_ptr(), sampler.as_ptr()) })
    }

    /// The provider's bill, for the accounting checks.
    pub fn set_bill(&mut self, bill: &'a Bill) -> Result<()> {
        call(|| unsafe { sys::vnfo_verifier_bill_set(self.raw.as_ptr(), bill.as_ptr()) })
    }

    /// Run every check.  An error too when a relation's flow or facts
    /// closure panicked (see [`crate::relation`]).
    pub fn run(&mut self) -> Result<Report> {
        let mut out = ptr::null_mut();
        let status = call(|| unsafe { sys::vnfo_verifier_run(&mut out, self.raw.as_ptr()) });
        let report = status.map(|()| Report::from_raw(out));
        let mut panicked = None;
        for r in &mut self.relations {
            let p = r.take_panic();
            panicked = panicked.or(p);
        }
        match panicked {
            Some(e) => Err(e),
            None => report,
        }
    }
}

impl std::fmt::Debug for Verifier<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Verifier({} references, {} relations)", self.references.len() + self.linktype_references.len(), self.relations.len())
    }
}

impl Drop for Verifier<'_> {
    fn drop(&mut self) {
        // Free the verifier before the closures it points at.
        unsafe { sys::vnfo_verifier_free(self.raw.as_ptr()) }
        self.references.clear();
        self.linktype_references.clear();
        self.relations.clear();
    }
}
