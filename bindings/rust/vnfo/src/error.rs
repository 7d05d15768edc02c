//! The error type: a libvnfo status, its name and the library's message.

use std::fmt;
use std::sync::Arc;

use crate::sys;

/// A libvnfo status code (`vnfo_status`); compare with the `sys::VNFO_E_*`
/// constants.
pub type Status = sys::vnfo_status;

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Where in a manifest (or other JSON input) an error is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Line, 1-based.
    pub line: u64,
    /// Column, 1-based, in characters.
    pub column: u64,
    /// JSON path such as `chain[1].node_id`; empty when there is none.
    pub path: String,
}

/// A failed libvnfo call.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", self.display_text())]
pub struct Error {
    status: Status,
    name: &'static str,
    message: String,
    location: Option<Location>,
    #[source]
    io: Option<Arc<std::io::Error>>,
}

impl Error {
    /// The error of a call that just returned `status`, with the message it
    /// recorded on this thread (read before any other libvnfo call).
    pub(crate) fn last(status: Status) -> Error {
        let recorded = unsafe { sys::vnfo_error_status() } == status;
        let message = if recorded {
            unsafe { crate::owned_str(sys::vnfo_error_message()) }
        } else {
            String::new()
        };
        Error { message, ..Error::code(status) }
    }

    /// An error the binding itself finds, with its message (a closure that
    /// panicked under a C callback).
    pub(crate) fn binding(status: Status, message: String) -> Error {
        Error { message, ..Error::code(status) }
    }

    /// The error of a hot-path call: they record no message.
    pub(crate) fn code(status: Status) -> Error {
        Error {
            status,
            name: unsafe { crate::static_str(sys::vnfo_status_name(status)) },
            message: String::new(),
            location: None,
            io: None,
        }
    }

    /// A bad argument caught on the Rust side, before calling the library.
    pub(crate) fn invalid(message: String) -> Error {
        Error { message, ..Error::code(sys::VNFO_E_INVALID_ARGUMENT) }
    }

    pub(crate) fn with_location(mut self, location: Location) -> Error {
        self.location = Some(location);
        self
    }

    pub(crate) fn with_io(mut self, io: std::io::Error) -> Error {
        if self.message.is_empty() {
            self.message = io.to_string();
        } else {
            self.message = format!("{} ({})", self.message, io);
        }
        self.io = Some(Arc::new(io));
        self
    }

    /// The status, e.g. `sys::VNFO_E_KEY_FORMAT`.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The status name, e.g. `"VNFO_E_KEY_FORMAT"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The library's message naming the place (file, record, JSON path with
    /// line and column); empty for hot-path calls, which record none.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line, column and JSON path of a manifest error, when it has one.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The status's description from `vnfo_strerror()`.
    pub fn description(&self) -> &'static str {
        unsafe { crate::static_str(sys::vnfo_strerror(self.status)) }
    }

    fn display_text(&self) -> String {
        if self.message.is_empty() {
            self.description().to_string()
        } else {
            format!("{}: {}", self.name, self.message)
        }
    }
}

impl PartialEq<Status> for Error {
    fn eq(&self, status: &Status) -> bool {
        self.status == *status
    }
}

/// Ok for VNFO_OK, else the error with this thread's recorded message.
pub(crate) fn check(status: Status) -> Result<()> {
    if status == sys::VNFO_OK {
        Ok(())
    } else {
        Err(Error::last(status))
    }
}

/// Ok for VNFO_OK, else the bare status (hot paths record no message).
#[inline]
pub(crate) fn check_code(status: Status) -> Result<()> {
    if status == sys::VNFO_OK {
        Ok(())
    } else {
        Err(Error::code(status))
    }
}

/// Calls `f` with this thread's error record cleared, so a message left by
/// an earlier failure is never reported for this one.
pub(crate) fn call(f: impl FnOnce() -> Status) -> Result<()> {
    unsafe { sys::vnfo_error_clear() };
    check(f())
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        Ok(())
    }
}
