//! Accounting (include/vnfo/account.h): mergeable accumulators of sampled
//! values and the statistical checks of bills, quantiles, minimality and
//! performance.
//!
//! An [`Accumulator`] is `Send` but not `Sync`: every account.h function on
//! it is "per handle", reads included (summaries sort the kept values).

use std::ptr;

use crate::error::{call, Result};
use crate::sys;

/// Result of a check (`vnfo_account_result`: verdict, method, reason,
/// estimate, interval, p-value, ...); plain data.
pub type CheckResult = sys::vnfo_account_result;
/// Summary statistics (`vnfo_account_summary`).
pub type Summary = sys::vnfo_account_summary;

/// Options of an [`Accumulator`].
#[derive(Clone, Copy, Debug)]
pub struct AccumulatorOptions {
    raw: sys::vnfo_account_acc_options,
}

impl AccumulatorOptions {
    /// Defaults for a resource id and scope id (caller-defined numbers).
    pub fn new(resource: u32, scope: u32) -> AccumulatorOptions {
        let mut raw = sys::vnfo_account_acc_options::default();
        let st = unsafe { sys::vnfo_account_acc_options_init(&mut raw, sys::VNFO_ACCOUNT_ACC_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        raw.resource = resource;
        raw.scope = scope;
        AccumulatorOptions { raw }
    }
    /// Values kept exactly before falling back to the sketch.
    pub fn max_values(mut self, n: u64) -> Self {
        self.raw.max_values = n;
        self
    }
    /// Sketch precision in bits.
    pub fn sketch_bits(mut self, bits: u32) -> Self {
        self.raw.sketch_bits = bits;
        self
    }
}

/// A mergeable accumulator of sampled values.
pub struct Accumulator {
    raw: ptr::NonNull<sys::vnfo_account_acc>,
}

unsafe impl Send for Accumulator {}

impl Accumulator {
    /// An empty accumulator.
    pub fn new(opts: &AccumulatorOptions) -> Result<Accumulator> {
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_account_acc_create(&mut raw, &opts.raw) })?;
        Ok(Accumulator { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// Restore a serialised accumulator.
    pub fn deserialize(data: &[u8]) -> Result<Accumulator> {
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_account_acc_deserialize(&mut raw, data.as_ptr(), data.len()) })?;
        Ok(Accumulator { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// Add one value.
    pub fn add(&mut self, value: u64) -> Result<()> {
        call(|| unsafe { sys::vnfo_account_acc_add(self.raw.as_ptr(), value) })
    }

    /// Add many values.
    pub fn add_many(&mut self, values: &[u64]) -> Result<()> {
        call(|| unsafe { sys::vnfo_account_acc_add_many(self.raw.as_ptr(), values.as_ptr(), values.len()) })
    }

    /// Merge another accumulator of the same resource and scope into this one.
    pub fn merge(&mut self, other: &Accumulator) -> Result<()> {
        call(|| unsafe { sys::vnfo_account_acc_merge(self.raw.as_ptr(), other.raw.as_ptr()) })
    }

    /// Values added.
    pub fn count(&self) -> u64 {
        unsafe { sys::vnfo_account_acc_count(self.raw.as_ptr()) }
    }

    /// (min, max) of the values added; (0, 0) when empty.
    pub fn min_max(&self) -> (u64, u64) {
        unsafe { (sys::vnfo_account_acc_min(self.raw.as_ptr()), sys::vnfo_account_acc_max(self.raw.as_ptr())) }
    }

    /// An exact power sum in decimal: Σx (`power` 1), Σx² (2) or Σx³ (3).
    pub fn sum_text(&self, power: u32) -> Result<String> {
        let mut buf = vec![0u8; sys::VNFO_ACCOUNT_SUM_TEXT_SIZE as usize];
        call(|| unsafe { sys::vnfo_account_acc_sum_text(buf.as_mut_ptr().cast(), buf.len(), self.raw.as_ptr(), power) })?;
        Ok(crate::key::c_buf_to_string(&buf))
    }

    /// The q-quantile of the values.
    pub fn quantile(&mut self, q: f64) -> Result<f64> {
        let mut out = 0.0;
        call(|| unsafe { sys::vnfo_account_acc_quantile(&mut out, self.raw.as_ptr(), q) })?;
        Ok(out)
    }

    /// n, min, max, sum, mean, spread and quantiles.
    pub fn summary(&mut self) -> Result<Summary> {
        let mut s = Summary { version: sys::VNFO_ACCOUNT_SUMMARY_VERSION, ..Summary::default() };
        call(|| unsafe { sys::vnfo_account_acc_summary(&mut s, self.raw.as_ptr()) })?;
        Ok(s)
    }

    /// The accumulator as bytes (to merge elsewhere).
    pub fn serialize(&mut self) -> Result<Vec<u8>> {
        let mut size = 0usize;
        call(|| unsafe { sys::vnfo_account_acc_serialized_size(&mut size, self.raw.as_ptr()) })?;
        let mut out = vec![0u8; size];
        let mut n = 0usize;
        call(|| unsafe { sys::vnfo_account_acc_serialize(out.as_mut_ptr(), out.len(), &mut n, self.raw.as_ptr()) })?;
        out.truncate(n);
        Ok(out)
    }
}

impl std::fmt::Debug for Accumulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Accumulator(n = {})", self.count())
    }
}

impl Drop for Accumulator {
    fn drop(&mut self) {
        unsafe { sys::vnfo_account_acc_free(self.raw.as_ptr()) }
    }
}

/// Options of the checks (`vnfo_account_options`).
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    raw: sys::vnfo_account_options,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        let mut raw = sys::vnfo_account_options::default();
        let st = unsafe { sys::vnfo_account_options_init(&mut raw, sys::VNFO_ACCOUNT_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        CheckOptions { raw }
    }
}

impl CheckOptions {
    /// Confidence level, strictly between 0 and 1.
    pub fn confidence(mut self, c: f64) -> Self {
        self.raw.confidence = c;
        self
    }
    /// Interval method (`sys::VNFO_ACCOUNT_METHOD_*`).
    pub fn method(mut self, m: u32) -> Self {
        self.raw.method = m;
        self
    }
    /// Largest possible per-packet value M (0: unknown).
    pub fn max_value(mut self, m: u64) -> Self {
        self.raw.max_value = m;
        self
    }
    /// Slack of minimality and performance checks: mode
    /// (`sys::VNFO_ACCOUNT_SLACK_*`), absolute and relative parts.
    pub fn slack(mut self, mode: u32, abs: f64, rel: f64) -> Self {
        self.raw.slack_mode = mode;
        self.raw.slack_abs = abs;
        self.raw.slack_rel = rel;
        self
    }
    /// Violation rate tolerated by minimality checks.
    pub fn tolerated_rate(mut self, r: f64) -> Self {
        self.raw.tolerated_rate = r;
        self
    }
}

fn new_result() -> CheckResult {
    let mut r = CheckResult::default();
    let st = unsafe { sys::vnfo_account_result_init(&mut r, sys::VNFO_ACCOUNT_RESULT_VERSION) };
    debug_assert_eq!(st, sys::VNFO_OK);
    r
}

/// Is the billed total consistent with the sampled values (sampling
/// probability p = num/den)?
pub fn total_check(acc: &Accumulator, billed: u64, p: (u64, u64), opts: &CheckOptions) -> Result<CheckResult> {
    let mut r = new_result();
    let p = sys::vnfo_rational { num: p.0, den: p.1 };
    call(|| unsafe { sys::vnfo_account_total_check(&mut r, acc.raw.as_ptr(), billed, p, &opts.raw) })?;
    Ok(r)
}

/// Is the billed packet count consistent with `sampled` packets seen?
pub fn count_check(sampled: u64, billed_packets: u64, p: (u64, u64), opts: &CheckOptions) -> Result<CheckResult> {
    let mut r = new_result();
    let p = sys::vnfo_rational { num: p.0, den: p.1 };
    call(|| unsafe { sys::vnfo_account_count_check(&mut r, sampled, billed_packets, p, &opts.raw) })?;
    Ok(r)
}

/// Is a billed q-quantile consistent with the sampled values?
pub fn quantile_check(acc: &mut Accumulator, q: f64, billed: u64, opts: &CheckOptions) -> Result<CheckResult> {
    let mut r = new_result();
    call(|| unsafe { sys::vnfo_account_quantile_check(&mut r, acc.raw.as_ptr(), q, billed, &opts.raw) })?;
    Ok(r)
}

/// Minimality from counts: `violations` of `checked` packets used more than
/// the reference plus slack.
pub fn minimality_check(checked: u64, violations: u64, opts: &CheckOptions) -> Result<CheckResult> {
    let mut r = new_result();
    call(|| unsafe { sys::vnfo_account_minimality_check(&mut r, checked, violations, &opts.raw) })?;
    Ok(r)
}

/// Minimality from (provider, reference) pairs; also returns the index of
/// the first violation, if any.
pub fn minimality_check_pairs(provider: &[u64], reference: &[u64], opts: &CheckOptions) -> Result<(CheckResult, Option<usize>)> {
    if provider.len() != reference.len() {
        return Err(crate::Error::invalid(format!(
            "{} provider values but {} reference values",
            provider.len(),
            reference.len()
        )));
    }
    let mut r = new_result();
    let mut first = usize::MAX;
    call(|| unsafe {
        sys::vnfo_account_minimality_check_pairs(&mut r, &mut first, provider.as_ptr(), reference.as_ptr(), provider.len(), &opts.raw)
    })?;
    Ok((r, if first < provider.len() { Some(first) } else { None }))
}

/// Does a delay statistic (`sys::VNFO_ACCOUNT_METRIC_*`) stay within slack
/// of the reference?
pub fn performance_check(acc: &mut Accumulator, metric: u32, reference: f64, opts: &CheckOptions) -> Result<CheckResult> {
    let mut r = new_result();
    call(|| unsafe { sys::vnfo_account_performance_check(&mut r, acc.raw.as_ptr(), metric, reference, &opts.raw) })?;
    Ok(r)
}

/// Name of a verdict ("consistent", "overcharged", ...).
pub fn verdict_name(verdict: u32) -> &'static str {
    unsafe { crate::static_str(sys::vnfo_account_verdict_name(verdict)) }
}
