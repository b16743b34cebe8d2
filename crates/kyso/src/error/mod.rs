//! Errors: "could not evaluate", as opposed to a verdict (a failed signature is a report).

mod token;

use std::path::Path;

pub use token::{PinState, TokenError};

/// Why kyso could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A certificate could not be parsed.
    #[error("certificate: {0}")]
    Certificate(String),
    /// A private key or PKCS#12 file could not be loaded.
    #[error("private key: {0}")]
    Key(String),
    /// The password does not open the key or PKCS#12 file.
    #[error("wrong password for {0} (or the file is damaged)")]
    WrongPassword(String),
    /// The input is not the structure that was expected (not CMS, truncated, ...).
    #[error("{0}")]
    Format(String),
    /// kyso refuses to sign, and says why.
    #[error("refusing to sign: {0}")]
    SigningRefused(String),
    /// The cryptographic library failed.
    #[error("cryptographic operation failed: {0}")]
    Crypto(String),
    /// A PKCS#11 module or token failed, or refused (wrong PIN, key not found, ...).
    #[error(transparent)]
    Token(#[from] TokenError),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl From<openssl::error::ErrorStack> for Error {
    fn from(e: openssl::error::ErrorStack) -> Self {
        Error::Crypto(e.to_string())
    }
}
