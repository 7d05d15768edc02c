//! Black-box relations (include/vnfo/verify.h, docs/verify.md "Black-box
//! relations"): the reference of a stateful function given as Rust
//! closures that say which outputs are admissible, instead of one
//! function that computes the output.
//!
//! A [`Relation`] bundles a check closure (required), a flow closure and a
//! facts closure (both optional) and the names of its fact spaces, as
//! `vnfo_relation` does; give it to
//! [`Verifier::set_relation`](crate::Verifier::set_relation).
//!
//! Panics never unwind into C.  A panicking check is an
//! [`Inadmissible`](RelationVerdict::Inadmissible) verdict whose reason
//! is `check panicked: <message>` (a FAIL of `relation.<name>` naming the
//! record).  A panicking flow or facts closure gives the record no flow
//! or no facts, and [`Verifier::run`](crate::Verifier::run) then returns
//! an error (`VNFO_E_INVALID_ARGUMENT`) naming the closure, the record's
//! label and the panic's message: a report built on missing flows or facts
//! would claim a consistency nobody checked.

use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Result};
use crate::{c_string, sys};

/// Bytes of a flow key and of a fact's key and value, at most.
pub const KEY_BYTES: usize = sys::VNFO_RELATION_KEY_BYTES as usize;
/// Facts one record may state, at most.
pub const FACTS_MAX: usize = sys::VNFO_RELATION_FACTS_MAX as usize;

/// One sampled record as a relation sees it (`vnfo_relation_packet`);
/// valid during the closure's call only.
#[derive(Clone, Copy)]
pub struct RelationPacket<'p> {
    raw: &'p sys::vnfo_relation_packet,
}

/// # Safety
/// `p` and `len` come from the C verifier: NULL or `len` readable bytes.
unsafe fn bytes<'p>(p: *const u8, len: usize) -> &'p [u8] {
    if p.is_null() || len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p, len)
    }
}

impl<'p> RelationPacket<'p> {
    /// The packet's sampling label.
    pub fn label(&self) -> u64 {
        self.raw.label
    }
    /// When the function received it (its node's clock), in ns.
    pub fn t_in_ns(&self) -> u64 {
        self.raw.t_in_ns
    }
    /// pcap LINKTYPE of the input and output bytes.
    pub fn linktype(&self) -> u32 {
        self.raw.linktype
    }
    /// Whether the function forwarded it (false: dropped).
    pub fn forwarded(&self) -> bool {
        self.raw.forwarded != 0
    }
    /// The input packet, link layer included (`in` in C).
    pub fn input(&self) -> &'p [u8] {
        unsafe { bytes(self.raw.in_, self.raw.in_len) }
    }
    /// The forwarded packet as the record logged it; None when dropped or
    /// the record keeps no output bytes.
    pub fn output(&self) -> Option<&'p [u8]> {
        if self.raw.out.is_null() {
            None
        } else {
            Some(unsafe { bytes(self.raw.out, self.raw.out_len) })
        }
    }
    /// Whether [`input`](Self::input) is the whole packet (false: a header prefix).
    pub fn input_whole(&self) -> bool {
        self.raw.in_whole != 0
    }
    /// Whether [`output`](Self::output) is the whole packet (false: a header prefix).
    pub fn output_whole(&self) -> bool {
        self.raw.out_whole != 0
    }
}

impl std::fmt::Debug for RelationPacket<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelationPacket")
            .field("label", &format_args!("{:016x}", self.label()))
            .field("forwarded", &self.forwarded())
            .field("in_len", &self.raw.in_len)
            .field("out_len", &self.raw.out_len)
            .finish()
    }
}

/// Whether a logged output is admissible (`vnfo_relation_verdict`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RelationVerdict {
    /// Some state consistent with the sample explains it.
    Admissible,
    /// No state of the function explains it: a violation, with its reason
    /// (shown, escaped and cut to the library's limit, in the example of
    /// the record in `relation.<name>`; empty: "no state admits it").
    Inadmissible(String),
    /// The relation does not judge this packet (not IP, bytes missing).
    NotApplicable,
}

/// The flow a record belongs to and its place in it (what a flow closure
/// returns).
#[derive(Clone, Copy, Debug)]
pub struct Flow {
    key: [u8; KEY_BYTES],
    key_len: usize,
    order: u64,
}

impl Flow {
    /// A flow named by `key` (1 to [`KEY_BYTES`] bytes; None otherwise);
    /// the records of a flow are checked in increasing `order` (a TCP
    /// sequence number, a time).
    pub fn new(key: &[u8], order: u64) -> Option<Flow> {
        if key.is_empty() || key.len() > KEY_BYTES {
            return None;
        }
        let mut k = [0u8; KEY_BYTES];
        k[..key.len()].copy_from_slice(key);
        Some(Flow { key: k, key_len: key.len(), order })
    }
}

/// A fact about the function's state that one record shows
/// (`vnfo_relation_fact`).  Facts of one space and equal key must agree
/// while the earlier one holds (`hold_ns` after its record).
#[derive(Clone, Copy)]
pub struct Fact {
    raw: sys::vnfo_relation_fact,
}

impl Fact {
    /// A fact of `space`: `key` (1 to [`KEY_BYTES`] bytes) has `value` (0
    /// to [`KEY_BYTES`] bytes) for at least `hold_ns` after this record.
    /// None when a length is out of range.
    pub fn new(space: u32, key: &[u8], value: &[u8], hold_ns: u64) -> Option<Fact> {
        if key.is_empty() || key.len() > KEY_BYTES || value.len() > KEY_BYTES {
            return None;
        }
        let mut raw: sys::vnfo_relation_fact = unsafe { std::mem::zeroed() };
        raw.space = space;
        raw.key_len = key.len() as u32;
        raw.value_len = value.len() as u32;
        raw.hold_ns = hold_ns;
        raw.key[..key.len()].copy_from_slice(key);
        raw.value[..value.len()].copy_from_slice(value);
        Some(Fact { raw })
    }
    /// Its space.
    pub fn space(&self) -> u32 {
        self.raw.space
    }
    /// Its key.
    pub fn key(&self) -> &[u8] {
        &self.raw.key[..self.raw.key_len as usize]
    }
    /// Its value.
    pub fn value(&self) -> &[u8] {
        &self.raw.value[..self.raw.value_len as usize]
    }
    /// How long after its record it must keep holding, in ns.
    pub fn hold_ns(&self) -> u64 {
        self.raw.hold_ns
    }
}

impl std::fmt::Debug for Fact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fact")
            .field("space", &self.space())
            .field("key", &self.key())
            .field("value", &self.value())
            .field("hold_ns", &self.hold_ns())
            .finish()
    }
}

/// Where a facts closure puts a record's facts: the verifier's own array
/// of [`FACTS_MAX`] entries (nothing allocated).
pub struct Facts<'f> {
    slots: &'f mut [sys::vnfo_relation_fact],
    n: usize,
}

impl Facts<'_> {
    /// Add a fact; false (and nothing added) when [`FACTS_MAX`] are there.
    pub fn push(&mut self, fact: Fact) -> bool {
        match self.slots.get_mut(self.n) {
            Some(slot) => {
                *slot = fact.raw;
                self.n += 1;
                true
            }
            None => false,
        }
    }
    /// Facts added so far.
    pub fn len(&self) -> usize {
        self.n
    }
    /// Whether none was added.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

type CheckFn<'a> = dyn FnMut(&RelationPacket<'_>, Option<&RelationPacket<'_>>) -> RelationVerdict + Send + 'a;
type FlowFn<'a> = dyn FnMut(&RelationPacket<'_>) -> Option<Flow> + Send + 'a;
type FactsFn<'a> = dyn FnMut(&RelationPacket<'_>, &mut Facts<'_>) + Send + 'a;

/// A reference given as a relation (`vnfo_relation`): the customer's model
/// of a stateful function for black-box checking.
pub struct Relation<'a> {
    check: Box<CheckFn<'a>>,
    flow: Option<Box<FlowFn<'a>>>,
    facts: Option<Box<FactsFn<'a>>>,
    space_names: Vec<String>,
}

impl<'a> Relation<'a> {
    /// A relation that judges each record with `check`: the record, and
    /// the previous sampled record of its flow (None without a flow
    /// closure, or for the first of its flow).
    pub fn new<F>(check: F) -> Relation<'a>
    where
        F: FnMut(&RelationPacket<'_>, Option<&RelationPacket<'_>>) -> RelationVerdict + Send + 'a,
    {
        Relation { check: Box::new(check), flow: None, facts: None, space_names: Vec::new() }
    }
    /// The flow of each record and its order in the flow (None: the
    /// record belongs to no flow).
    pub fn flow<F>(mut self, flow: F) -> Self
    where
        F: FnMut(&RelationPacket<'_>) -> Option<Flow> + Send + 'a,
    {
        self.flow = Some(Box::new(flow));
        self
    }
    /// The facts each record shows about the function's state.
    pub fn facts<F>(mut self, facts: F) -> Self
    where
        F: FnMut(&RelationPacket<'_>, &mut Facts<'_>) + Send + 'a,
    {
        self.facts = Some(Box::new(facts));
        self
    }
    /// What a conflict in fact space `i` means, for the report
    /// ("one original flow, two rewritten tuples").
    pub fn space_names<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        self.space_names = names.iter().map(|s| s.as_ref().to_owned()).collect();
        self
    }
}

impl std::fmt::Debug for Relation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relation")
            .field("flow", &self.flow.is_some())
            .field("facts", &self.facts.is_some())
            .field("space_names", &self.space_names)
            .finish()
    }
}

/// A relation as the C verifier holds it: the closures, the C strings its
/// `vnfo_relation` points at, and the first panic of a flow or facts
/// closure.
pub(crate) struct Installed<'a> {
    name: String,
    rel: Relation<'a>,
    _names: Vec<CString>,
    name_ptrs: Vec<*const c_char>,
    panic: Option<String>,
}

/// The message of a caught panic.
fn panic_message(e: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = e.downcast_ref::<&str>() {
        s
    } else if let Some(s) = e.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

/// Copies `why` into the C reason buffer, cut at a character boundary and
/// terminated.
///
/// # Safety
/// `buf` is NULL or `cap` writable bytes.
unsafe fn write_reason(buf: *mut c_char, cap: usize, why: &str) {
    if buf.is_null() || cap == 0 {
        return;
    }
    let mut n = why.len().min(cap - 1);
    while !why.is_char_boundary(n) {
        n -= 1;
    }
    std::ptr::copy_nonoverlapping(why.as_ptr(), buf as *mut u8, n);
    *buf.add(n) = 0;
}

unsafe extern "C" fn check_call(
    ctx: *mut c_void,
    p: *const sys::vnfo_relation_packet,
    prev: *const sys::vnfo_relation_packet,
    why: *mut c_char,
    why_cap: usize,
) -> sys::vnfo_relation_verdict {
    let inst = &mut *(ctx as *mut Installed<'static>);
    let p = RelationPacket { raw: &*p };
    let prev = if prev.is_null() { None } else { Some(RelationPacket { raw: &*prev }) };
    let check = &mut inst.rel.check;
    let verdict = match catch_unwind(AssertUnwindSafe(|| check(&p, prev.as_ref()))) {
        Ok(v) => v,
        Err(e) => RelationVerdict::Inadmissible(format!("check panicked: {}", panic_message(&*e))),
    };
    match verdict {
        RelationVerdict::Admissible => sys::VNFO_RELATION_ADMISSIBLE,
        RelationVerdict::NotApplicable => sys::VNFO_RELATION_NOT_APPLICABLE,
        RelationVerdict::Inadmissible(reason) => {
            write_reason(why, why_cap, &reason);
            sys::VNFO_RELATION_INADMISSIBLE
        }
    }
}

unsafe extern "C" fn flow_call(
    ctx: *mut c_void,
    p: *const sys::vnfo_relation_packet,
    key: *mut u8,
    key_len: *mut usize,
    order: *mut u64,
) {
    let inst = &mut *(ctx as *mut Installed<'static>);
    let p = RelationPacket { raw: &*p };
    let flow = inst.rel.flow.as_mut().expect("flow_call set only with a flow closure");
    let got = match catch_unwind(AssertUnwindSafe(|| flow(&p))) {
        Ok(f) => f,
        Err(e) => {
            if inst.panic.is_none() {
                inst.panic = Some(format!("flow closure panicked on label {:016x}: {}", p.label(), panic_message(&*e)));
            }
            None
        }
    };
    match got {
        Some(f) => {
            std::ptr::copy_nonoverlapping(f.key.as_ptr(), key, f.key_len);
            *key_len = f.key_len;
            *order = f.order;
        }
        None => *key_len = 0,
    }
}

unsafe extern "C" fn facts_call(
    ctx: *mut c_void,
    p: *const sys::vnfo_relation_packet,
    facts: *mut sys::vnfo_relation_fact,
) -> usize {
    let inst = &mut *(ctx as *mut Installed<'static>);
    let p = RelationPacket { raw: &*p };
    let mut sink = Facts { slots: std::slice::from_raw_parts_mut(facts, FACTS_MAX), n: 0 };
    let f = inst.rel.facts.as_mut().expect("facts_call set only with a facts closure");
    match catch_unwind(AssertUnwindSafe(|| f(&p, &mut sink))) {
        Ok(()) => sink.n,
        Err(e) => {
            if inst.panic.is_none() {
                inst.panic = Some(format!("facts closure panicked on label {:016x}: {}", p.label(), panic_message(&*e)));
            }
            0
        }
    }
}

impl<'a> Installed<'a> {
    /// Boxed so the C context pointer stays put.
    pub(crate) fn new(name: &str, rel: Relation<'a>) -> Result<Box<Installed<'a>>> {
        let names = rel.space_names.iter().map(|s| c_string(s)).collect::<Result<Vec<_>>>()?;
        let name_ptrs = names.iter().map(|s| s.as_ptr()).collect();
        Ok(Box::new(Installed { name: name.to_owned(), rel, _names: names, name_ptrs, panic: None }))
    }

    /// The `vnfo_relation` for the C verifier, valid while `self` lives.
    pub(crate) fn raw(&self) -> sys::vnfo_relation {
        sys::vnfo_relation {
            version: sys::VNFO_RELATION_VERSION,
            check: Some(check_call),
            flow: if self.rel.flow.is_some() { Some(flow_call) } else { None },
            facts: if self.rel.facts.is_some() { Some(facts_call) } else { None },
            space_names: if self.name_ptrs.is_empty() { std::ptr::null() } else { self.name_ptrs.as_ptr() },
            n_space_names: self.name_ptrs.len() as u32,
        }
    }

    /// The error of the first flow or facts panic, if any (cleared).
    pub(crate) fn take_panic(&mut self) -> Option<Error> {
        self.panic.take().map(|m| Error::binding(sys::VNFO_E_INVALID_ARGUMENT, format!("relation {}: {}", self.name, m)))
    }
}
