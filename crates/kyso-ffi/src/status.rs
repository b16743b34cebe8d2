//! Status codes and the thread-local last error.

use std::cell::RefCell;
use std::ffi::CString;

/// Success.
pub const KYSO_OK: i32 = 0;
/// A required pointer argument was NULL.
pub const KYSO_ERR_NULL_POINTER: i32 = 1;
/// An argument is unusable: a string that is not UTF-8, bytes that are not what the call
/// needs (not a CMS signature to co-sign, not a PDF to sign).
pub const KYSO_ERR_INVALID_ARGUMENT: i32 = 2;
/// The configuration JSON is not valid, names an unknown field, or a value is refused.
pub const KYSO_ERR_BAD_CONFIG: i32 = 3;
/// A file named in the configuration could not be read.
pub const KYSO_ERR_IO: i32 = 4;
/// A key, certificate or PKCS#12 file could not be loaded (wrong password, wrong kind of
/// file, damaged).
pub const KYSO_ERR_KEY: i32 = 5;
/// The PKCS#11 module or token failed or refused (wrong PIN, key not found, ...).
pub const KYSO_ERR_TOKEN: i32 = 6;
/// kyso refused to sign or signing failed (expired certificate, key not the certificate's,
/// a PDF that cannot take a signature, a time-stamp that could not be had); nothing was made.
pub const KYSO_ERR_SIGNING_FAILED: i32 = 7;
/// The verification could not run at all. A signature that does not verify is NOT this: it
/// is a report whose indication is TOTAL-FAILED, returned with KYSO_OK.
pub const KYSO_ERR_VERIFY_FAILED: i32 = 8;
/// kyso panicked (a bug); the panic was caught at the boundary and the call did nothing.
pub const KYSO_ERR_PANIC: i32 = 9;

/// An error on its way to the caller: its status code, the text for
/// `kyso_last_error_message`, and the library's stable code (`wrong_password`, ...).
#[derive(Debug)]
pub struct Failure {
    pub status: i32,
    pub message: String,
    pub code: &'static str,
}

impl Failure {
    pub fn new(status: i32, message: String) -> Self {
        let code = match status {
            KYSO_ERR_NULL_POINTER => "null_pointer",
            KYSO_ERR_INVALID_ARGUMENT => "invalid_argument",
            KYSO_ERR_BAD_CONFIG => "bad_config",
            KYSO_ERR_IO => "io",
            KYSO_ERR_PANIC => "panic",
            _ => "failed",
        };
        Failure {
            status,
            message,
            code,
        }
    }

    /// A library error: its message in `lang` (English is its Display) and the status of its
    /// kind.
    pub fn from_kyso(e: &kyso::Error, lang: kyso::Lang) -> Self {
        use kyso::Error as E;
        let status = match e {
            E::Io { .. } => KYSO_ERR_IO,
            E::Certificate(_)
            | E::Key(_)
            | E::PasswordRequired { .. }
            | E::WrongPassword { .. }
            | E::WrongFileType { .. }
            | E::LegacyPkcs12 { .. }
            | E::KeyFile(_) => KYSO_ERR_KEY,
            E::Token(_) => KYSO_ERR_TOKEN,
            E::NotCms { .. } | E::Format(_) => KYSO_ERR_INVALID_ARGUMENT,
            _ => KYSO_ERR_SIGNING_FAILED,
        };
        Failure {
            status,
            message: e.message(lang),
            code: e.code(),
        }
    }

    /// The same failure with `what` (the configuration field and file) before its message.
    pub fn prefixed(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

struct LastError {
    status: i32,
    message: CString,
    code: CString,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError {
        status: KYSO_OK,
        message: CString::default(),
        code: CString::default(),
    });
}

/// A C string of `s`; an interior NUL (never in kyso's messages, but a file name could hold
/// one on some systems) is replaced so that the text is not cut short.
pub fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{fffd}")).unwrap_or_default()
}

/// Record the outcome of a call on this thread and return its status.
pub fn record(r: Result<(), Failure>) -> i32 {
    let (status, message, code) = match r {
        Ok(()) => (KYSO_OK, CString::default(), CString::default()),
        Err(f) => (f.status, c_string(&f.message), c_string(f.code)),
    };
    LAST.with(|l| {
        *l.borrow_mut() = LastError {
            status,
            message,
            code,
        }
    });
    status
}

pub fn last_status() -> i32 {
    LAST.with(|l| l.borrow().status)
}

/// The last message's pointer: it stays valid until the next call records an outcome on
/// this thread (the CString lives in the thread-local until it is replaced).
pub fn last_message() -> *const std::ffi::c_char {
    LAST.with(|l| l.borrow().message.as_ptr())
}

pub fn last_code() -> *const std::ffi::c_char {
    LAST.with(|l| l.borrow().code.as_ptr())
}
