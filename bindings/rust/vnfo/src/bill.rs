//! Provider bills (include/vnfo/bill.h, docs/bill.md).

use std::path::Path;
use std::ptr;

use crate::error::{call, Result};
use crate::{c_path, c_string, owned_str, sys};

/// A parsed bill: immutable, `Send + Sync`.
pub struct Bill {
    raw: ptr::NonNull<sys::vnfo_bill>,
}

unsafe impl Send for Bill {}
unsafe impl Sync for Bill {}

impl Bill {
    /// Parse a bill's JSON text; `name` names it in messages.
    pub fn parse(text: &str, name: &str) -> Result<Bill> {
        let name = c_string(name)?;
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_bill_parse(&mut raw, text.as_ptr().cast(), text.len(), name.as_ptr()) })?;
        Ok(Bill { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    /// Read and parse a bill file.
    pub fn load(path: impl AsRef<Path>) -> Result<Bill> {
        let path = c_path(path.as_ref())?;
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_bill_load(&mut raw, path.as_ptr()) })?;
        Ok(Bill { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL") })
    }

    pub(crate) fn as_ptr(&self) -> *const sys::vnfo_bill {
        self.raw.as_ptr()
    }

    /// The manifest id the bill names.
    pub fn manifest_id(&self) -> String {
        unsafe { owned_str(sys::vnfo_bill_manifest_id(self.raw.as_ptr())) }
    }

    /// A billed total: of the whole chain (`function` None) or of one
    /// chain function.  VNFO_E_NOT_FOUND when the bill does not list it.
    pub fn total(&self, function: Option<&str>, resource: &str) -> Result<u64> {
        let function = match function {
            Some(f) => Some(c_string(f)?),
            None => None,
        };
        let resource = c_string(resource)?;
        let fptr = function.as_ref().map_or(ptr::null(), |f| f.as_ptr());
        let mut out = 0u64;
        call(|| unsafe { sys::vnfo_bill_total(&mut out, self.raw.as_ptr(), fptr, resource.as_ptr()) })?;
        Ok(out)
    }
}

impl std::fmt::Debug for Bill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bill({:?})", self.manifest_id())
    }
}

impl Drop for Bill {
    fn drop(&mut self) {
        unsafe { sys::vnfo_bill_free(self.raw.as_ptr()) }
    }
}
