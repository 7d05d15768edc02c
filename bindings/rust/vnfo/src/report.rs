//! Verification reports (include/vnfo/report.h): verdicts with evidence,
//! rendered as JSON (docs/REPORT.md, returned as `serde_json::Value`) or
//! text.
//!
//! A [`Report`] is `Send + Sync`: reading it is "safe while no thread
//! modifies the report", and modifying it takes `&mut self`.

use std::ptr;

use crate::error::{call, Error, Result};
use crate::{c_string, owned_str, sys};

/// Verdict: pass.
pub const PASS: u32 = sys::VNFO_REPORT_PASS;
/// Verdict: fail.
pub const FAIL: u32 = sys::VNFO_REPORT_FAIL;
/// Verdict: inconclusive.
pub const INCONCLUSIVE: u32 = sys::VNFO_REPORT_INCONCLUSIVE;
/// Verdict: error.
pub const ERROR: u32 = sys::VNFO_REPORT_ERROR;

/// A report.
pub struct Report {
    raw: ptr::NonNull<sys::vnfo_report>,
}

unsafe impl Send for Report {}
unsafe impl Sync for Report {}

/// One entry of a report, read out.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Check name, e.g. "integrity.log.ids".
    pub name: String,
    /// `sys::VNFO_REPORT_FUNCTIONALITY`, `_PERFORMANCE`, `_ACCOUNTING` or `_INTEGRITY`.
    pub category: u32,
    /// [`PASS`], [`FAIL`], [`INCONCLUSIVE`] or [`ERROR`].
    pub verdict: u32,
    /// One-line summary.
    pub summary: String,
    /// Example labels kept.
    pub examples: Vec<u64>,
}

impl Report {
    /// An empty report (for tools that build their own).
    pub fn new() -> Result<Report> {
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_report_create(&mut raw) })?;
        Ok(Report { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    pub(crate) fn from_raw(raw: *mut sys::vnfo_report) -> Report {
        Report { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") }
    }

    /// Set a subject field ("manifest", "period", ...).
    pub fn set_subject(&mut self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (c_string(key)?, c_string(value)?);
        call(|| unsafe { sys::vnfo_report_subject_set(self.raw.as_ptr(), key.as_ptr(), value.as_ptr()) })
    }

    /// Add an entry with a verdict and summary (category a
    /// `sys::VNFO_REPORT_*` category).
    pub fn add_entry(&mut self, name: &str, category: u32, verdict: u32, summary: &str) -> Result<()> {
        let (name, summary) = (c_string(name)?, c_string(summary)?);
        let mut entry = ptr::null_mut();
        call(|| unsafe {
            sys::vnfo_report_entry_add(&mut entry, self.raw.as_ptr(), name.as_ptr(), category, verdict, summary.as_ptr())
        })
    }

    /// The overall verdict: the worst of the entries.
    pub fn overall(&self) -> u32 {
        unsafe { sys::vnfo_report_overall(self.raw.as_ptr()) }
    }

    /// Name of a verdict: "pass", "fail", "inconclusive", "error".
    pub fn verdict_name(verdict: u32) -> &'static str {
        unsafe { crate::static_str(sys::vnfo_report_verdict_name(verdict)) }
    }

    /// The process exit code of `vnfo verify` for the overall verdict.
    pub fn exit_code(&self) -> i32 {
        unsafe { sys::vnfo_report_verdict_exit_code(self.overall()) }
    }

    /// Every entry.
    pub fn entries(&self) -> Vec<Entry> {
        let n = unsafe { sys::vnfo_report_entry_count(self.raw.as_ptr()) };
        (0..n)
            .map(|i| unsafe { read_entry(sys::vnfo_report_entry_at(self.raw.as_ptr(), i)) })
            .collect()
    }

    /// The entry named `name`.
    pub fn entry(&self, name: &str) -> Option<Entry> {
        let name = c_string(name).ok()?;
        let e = unsafe { sys::vnfo_report_entry_find(self.raw.as_ptr(), name.as_ptr()) };
        if e.is_null() {
            None
        } else {
            Some(unsafe { read_entry(e) })
        }
    }

    /// A numeric evidence value of an entry.
    pub fn evidence_number(&self, entry: &str, key: &str) -> Result<f64> {
        let (name, key) = (c_string(entry)?, c_string(key)?);
        let e = unsafe { sys::vnfo_report_entry_find(self.raw.as_ptr(), name.as_ptr()) };
        if e.is_null() {
            return Err(Error::code(sys::VNFO_E_NOT_FOUND));
        }
        let mut out = 0.0;
        call(|| unsafe { sys::vnfo_report_evidence_number(&mut out, e, key.as_ptr()) })?;
        Ok(out)
    }

    /// The JSON rendering (docs/REPORT.md), as text.
    pub fn to_json_string(&self) -> Result<String> {
        self.render(sys::vnfo_report_render_json, sys::VNFO_REPORT_JSON_COMPACT)
    }

    /// The JSON rendering as a `serde_json::Value`.
    pub fn to_json(&self) -> Result<serde_json::Value> {
        let text = self.to_json_string()?;
        serde_json::from_str(&text).map_err(|e| Error::invalid(format!("report JSON: {}", e)))
    }

    /// The text rendering (`verbose` lists every entry and its evidence).
    pub fn to_text(&self, verbose: bool) -> Result<String> {
        self.render(sys::vnfo_report_render_text, if verbose { sys::VNFO_REPORT_TEXT_VERBOSE } else { 0 })
    }

    fn render(
        &self,
        f: unsafe extern "C" fn(*mut std::os::raw::c_char, usize, *mut usize, *const sys::vnfo_report, u32) -> sys::vnfo_status,
        flags: u32,
    ) -> Result<String> {
        let mut needed = 0usize;
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { f(ptr::null_mut(), 0, &mut needed, self.raw.as_ptr(), flags) };
        if st != sys::VNFO_OK && st != sys::VNFO_E_BUFFER_TOO_SMALL {
            return Err(Error::last(st));
        }
        let mut buf = vec![0u8; needed.max(1)];
        call(|| unsafe { f(buf.as_mut_ptr().cast(), buf.len(), ptr::null_mut(), self.raw.as_ptr(), flags) })?;
        Ok(crate::key::c_buf_to_string(&buf))
    }
}

unsafe fn read_entry(e: *const sys::vnfo_report_entry) -> Entry {
    let total = sys::vnfo_report_entry_examples_total(e);
    let mut examples = Vec::new();
    for i in 0..total as usize {
        let mut label = 0u64;
        if sys::vnfo_report_entry_example_at(&mut label, e, i) != sys::VNFO_OK {
            break; // only the first max_examples are kept
        }
        examples.push(label);
    }
    Entry {
        name: owned_str(sys::vnfo_report_entry_name(e)),
        category: sys::vnfo_report_entry_category(e),
        verdict: sys::vnfo_report_entry_verdict(e),
        summary: owned_str(sys::vnfo_report_entry_summary(e)),
        examples,
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        unsafe { sys::vnfo_report_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Report({}, {} entries)", Report::verdict_name(self.overall()), unsafe {
            sys::vnfo_report_entry_count(self.raw.as_ptr())
        })
    }
}
