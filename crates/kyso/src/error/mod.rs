//! Errors: "could not evaluate", as opposed to a verdict (a failed signature is a report).
//!
//! Every error has a stable [`Error::code`] for programs to branch on; the variants carry the
//! data a program needs (which file, why signing was refused) rather than only a sentence.

mod asic;
pub(crate) mod file_kind;
mod token;

use std::path::Path;

pub use asic::AsicProblem;
pub use file_kind::{Expected, FileKind};
pub use token::{PinState, TokenError};

/// Why kyso could not do what was asked.
///
/// | code | variant |
/// |---|---|
/// | `file_not_found`, `permission_denied`, `io` | [`Error::Io`] (by [`std::io::ErrorKind`]) |
/// | `certificate_invalid` | [`Error::Certificate`] |
/// | `key_invalid` | [`Error::Key`] |
/// | `password_required` | [`Error::PasswordRequired`] |
/// | `wrong_password` | [`Error::WrongPassword`] |
/// | `not_cms` | [`Error::NotCms`] |
/// | `wrong_file_type` | [`Error::WrongFileType`] |
/// | `pkcs12_legacy_encryption` | [`Error::LegacyPkcs12`] |
/// | `key_file_*` | [`Error::KeyFile`], see [`KeyFileProblem::code`] |
/// | `format` | [`Error::Format`] |
/// | `signing_refused_*` | [`Error::SigningRefused`], see [`SigningRefusal::code`] |
/// | `timestamp_*` | [`Error::Timestamp`], see [`TimestampFailure::code`] |
/// | `extend_refused_*` | [`Error::ExtendRefused`], see [`ExtendRefusal::code`] |
/// | `pdf` | [`Error::Pdf`] |
/// | `crypto` | [`Error::Crypto`] |
/// | `token_*` | [`Error::Token`], see [`TokenError::code`] |
/// | `asic_*` | [`Error::Asic`], see [`AsicProblem::code`] |
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's reason ([`std::io::Error::kind`] tells not-found apart).
        #[source]
        source: std::io::Error,
    },
    /// A certificate could not be parsed.
    #[error("certificate: {0}")]
    Certificate(String),
    /// A private key or PKCS#12 file could not be loaded.
    #[error("private key: {0}")]
    Key(String),
    /// The key or PKCS#12 file is encrypted and no password was given.
    #[error("{what} is encrypted; a password is needed to open it")]
    PasswordRequired {
        /// What needs the password (`the private key`).
        what: String,
    },
    /// The password does not open the key or PKCS#12 file.
    #[error("wrong password for {what} (or the file is damaged)")]
    WrongPassword {
        /// What the password was for (`the PKCS#12 file`).
        what: String,
    },
    /// The input is not a CMS SignedData at all.
    #[error("{path}: not a valid CMS/PKCS#7 SignedData: {detail}")]
    NotCms {
        /// The file.
        path: String,
        /// What the file looks like, or where decoding stopped.
        detail: String,
    },
    /// The input is not the structure that was expected (truncated, wrong PEM label, ...).
    #[error("{0}")]
    Format(String),
    /// The file is of another kind than the one expected (a certificate given as a PKCS#12
    /// file, a PKCS#12 file given as a private key, a PDF given as trust anchors, ...).
    #[error("this is {}, not {}", file_kind::describe_en(.found), file_kind::expected_en(*.expected))]
    WrongFileType {
        /// What the caller expected.
        expected: Expected,
        /// What the file looks like.
        found: FileKind,
    },
    /// A PKCS#12 file protected with a legacy algorithm (RC2-40, RC4: what old Windows and
    /// OpenSSL 1.x exports use) that OpenSSL 3 no longer offers without its legacy provider.
    #[error("the PKCS#12 file is encrypted with {algorithm}, a legacy algorithm OpenSSL 3 no longer opens; convert it once to AES with `openssl pkcs12 -legacy` (the README shows how)")]
    LegacyPkcs12 {
        /// The legacy algorithm (`RC2-40-CBC`, ...).
        algorithm: String,
    },
    /// A key or PKCS#12 file is of the right kind but unusable.
    #[error("{0}")]
    KeyFile(KeyFileProblem),
    /// kyso refuses to sign, and says why.
    #[error("refusing to sign: {0}")]
    SigningRefused(SigningRefusal),
    /// A time-stamp for the signature could not be obtained or cannot be relied on; the
    /// signature was not written.
    #[error(transparent)]
    Timestamp(TimestampFailure),
    /// kyso refuses to extend a signature (`extend`), and says why; nothing was written.
    #[error("refusing to extend: {0}")]
    ExtendRefused(ExtendRefusal),
    /// The PDF cannot be signed or extended as it is: unreadable, encrypted, or with a form
    /// that cannot take the signature; the message says what and what to do.
    #[error("{0}")]
    Pdf(String),
    /// The cryptographic library failed.
    #[error("cryptographic operation failed: {0}")]
    Crypto(String),
    /// A PKCS#11 module or token failed, or refused (wrong PIN, key not found, ...).
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A file is not an ASiC container kyso opens, or a container cannot be built as asked
    /// (ETSI EN 319 162-1).
    #[error("{path}: {problem}")]
    Asic {
        /// The container.
        path: String,
        /// What is wrong.
        problem: AsicProblem,
    },
}

/// Why kyso refuses to sign (the product contract: no signature that verifiers will reject).
/// Times are RFC 3339 UTC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningRefusal {
    /// No signing time was given (kyso never reads the clock itself).
    #[error("no signing time was given")]
    NoSigningTime,
    /// The certificate expired before the signing time or before the current time (see
    /// [`SignerBuilder::now`](crate::SignerBuilder::now)).
    #[error("the certificate '{subject}' expired on {not_after}; sign with a valid certificate")]
    CertificateExpired {
        /// The signer certificate.
        subject: String,
        /// Its notAfter.
        not_after: String,
        /// The time at which it was judged (the signing time or the current time).
        at: String,
    },
    /// The certificate is not valid yet at the signing time or at the current time.
    #[error("the certificate '{subject}' is not valid before {not_before}")]
    CertificateNotYetValid {
        /// The signer certificate.
        subject: String,
        /// Its notBefore.
        not_before: String,
        /// The time at which it was judged (the signing time or the current time).
        at: String,
    },
    /// The private key does not belong to the certificate.
    #[error("the private key does not belong to the certificate '{subject}'")]
    KeyMismatch {
        /// The certificate.
        subject: String,
    },
    /// The key is weaker than the algorithm policy allows (RSA < 2048, EC < 256 bits).
    #[error("{detail}; such signatures are rejected by verifiers")]
    WeakKey {
        /// What is too weak.
        detail: String,
        /// The key (`RSA 1024 bits`, `EC secp224r1 (224 bits)`).
        key: String,
    },
    /// keyUsage allows neither digitalSignature nor nonRepudiation.
    #[error("the certificate is not allowed to sign documents (keyUsage: {}; needs digitalSignature or nonRepudiation)", key_usage.join(", "))]
    KeyUsageNotAllowed {
        /// The bits that are set.
        key_usage: Vec<String>,
    },
    /// extendedKeyUsage does not allow document signing.
    #[error("the certificate is for other purposes (extendedKeyUsage: {}), not document signing", ext_key_usage.join(", "))]
    ExtendedKeyUsageNotAllowed {
        /// The purposes listed.
        ext_key_usage: Vec<String>,
    },
    /// RSA-PSS was asked for with a key that is not RSA.
    #[error("RSA-PSS needs an RSA key; this key is {key}")]
    PssNeedsRsa {
        /// The key.
        key: String,
    },
    /// The digest cannot be used with this key or is not offered for signing.
    #[error("{digest} cannot be used here: {why}")]
    DigestNotAllowed {
        /// The digest asked for.
        digest: String,
        /// Why (Ed25519 uses SHA-512 in CMS, RFC 8419 §3; only SHA-2 is offered).
        why: String,
    },
    /// The key type cannot sign.
    #[error("{kind} keys are not supported for signing")]
    UnsupportedKey {
        /// The key type.
        kind: String,
    },
    /// The content changed while it was being signed.
    #[error("{path} changed while it was being signed; the output is not valid, sign again")]
    ContentChanged {
        /// The content file.
        path: String,
    },
    /// Co-signing: the document is not the one the existing signature covers.
    #[error(
        "the document differs from the one the existing signature covers; co-sign the same file"
    )]
    DifferentDocument,
    /// A certification signature of the PDF allows no changes (DocMDP /P 1, ISO 32000-1
    /// §12.8.2.2): a further signature would break it.
    #[error("the PDF was certified by the signature in field '{field}' with no changes allowed (DocMDP /P 1); a further signature would invalidate it")]
    PdfNoChangesAllowed {
        /// The certification signature's field.
        field: String,
    },
    /// A certification signature asked for on a PDF that is already signed: it must be the
    /// first signature of the document (ISO 32000-1 §12.8.2.2.1).
    #[error("the PDF already has {signatures} signature(s); a certification signature (--certify) must be the first one, so sign without it to add an approval signature")]
    PdfCertifyNotFirst {
        /// Signatures already in the PDF.
        signatures: usize,
    },
    /// Co-signing: this signer's certificate already signed the envelope; a second
    /// SignerInfo by the same certificate would only duplicate it.
    #[error("'{subject}' already signed this envelope or PDF; it is not signed twice")]
    AlreadySigned {
        /// The signer certificate.
        subject: String,
    },
}

impl SigningRefusal {
    /// A stable machine-readable code, `signing_refused_` and the reason.
    pub fn code(&self) -> &'static str {
        use SigningRefusal::*;
        match self {
            NoSigningTime => "signing_refused_no_signing_time",
            CertificateExpired { .. } => "signing_refused_certificate_expired",
            CertificateNotYetValid { .. } => "signing_refused_certificate_not_yet_valid",
            KeyMismatch { .. } => "signing_refused_key_mismatch",
            WeakKey { .. } => "signing_refused_weak_key",
            KeyUsageNotAllowed { .. } => "signing_refused_key_usage",
            ExtendedKeyUsageNotAllowed { .. } => "signing_refused_extended_key_usage",
            PssNeedsRsa { .. } => "signing_refused_pss_needs_rsa",
            DigestNotAllowed { .. } => "signing_refused_digest_not_allowed",
            UnsupportedKey { .. } => "signing_refused_unsupported_key",
            ContentChanged { .. } => "signing_refused_content_changed",
            DifferentDocument => "signing_refused_different_document",
            AlreadySigned { .. } => "signing_refused_already_signed",
            PdfNoChangesAllowed { .. } => "signing_refused_pdf_no_changes_allowed",
            PdfCertifyNotFirst { .. } => "signing_refused_pdf_certify_not_first",
        }
    }
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// A stable machine-readable code (snake_case; the table on [`Error`] lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => "file_not_found",
                std::io::ErrorKind::PermissionDenied => "permission_denied",
                _ => "io",
            },
            Error::Certificate(_) => "certificate_invalid",
            Error::Key(_) => "key_invalid",
            Error::PasswordRequired { .. } => "password_required",
            Error::WrongPassword { .. } => "wrong_password",
            Error::NotCms { .. } => "not_cms",
            Error::Format(_) => "format",
            Error::WrongFileType { .. } => "wrong_file_type",
            Error::LegacyPkcs12 { .. } => "pkcs12_legacy_encryption",
            Error::KeyFile(p) => p.code(),
            Error::SigningRefused(r) => r.code(),
            Error::Timestamp(t) => t.code(),
            Error::ExtendRefused(r) => r.code(),
            Error::Pdf(_) => "pdf",
            Error::Crypto(_) => "crypto",
            Error::Token(t) => t.code(),
            Error::Asic { problem, .. } => problem.code(),
        }
    }
}

/// Why a time-stamp (RFC 3161) for a new signature could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampFailure {
    /// The TSA did not answer (network, timeout, HTTP error).
    #[error("the time-stamping authority {url} could not be reached: {detail}")]
    Unreachable {
        /// The TSA URL.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// The TSA answered with a status other than granted (RFC 3161 §2.4.2).
    #[error("the time-stamping authority {url} refused the request: {status}{}", if text.is_empty() { String::new() } else { format!(" ({text})") })]
    NotGranted {
        /// The TSA URL.
        url: String,
        /// PKIStatus and failInfo names.
        status: String,
        /// The TSA's statusString.
        text: String,
    },
    /// The answer is not a TimeStampResp, or its token is not a time-stamp token.
    #[error("the time-stamping authority {url} answered with something that is not a time-stamp response: {detail}")]
    Malformed {
        /// The TSA URL.
        url: String,
        /// What is wrong.
        detail: String,
    },
    /// The token does not answer kyso's request: another nonce, imprint or policy.
    #[error("the time-stamp from {url} does not answer kyso's request: its {what} differs")]
    NotForRequest {
        /// The TSA URL.
        url: String,
        /// `nonce`, `message imprint` or `policy`.
        what: String,
    },
    /// The token's signature, TSA certificate or path is not valid.
    #[error("the time-stamp from {url} cannot be relied on: {detail}")]
    NotValid {
        /// The TSA URL.
        url: String,
        /// Why (the time-stamp validation's reason).
        detail: String,
    },
}

impl TimestampFailure {
    /// A stable machine-readable code, `timestamp_` and the reason.
    pub fn code(&self) -> &'static str {
        match self {
            TimestampFailure::Unreachable { .. } => "timestamp_unreachable",
            TimestampFailure::NotGranted { .. } => "timestamp_not_granted",
            TimestampFailure::Malformed { .. } => "timestamp_malformed_response",
            TimestampFailure::NotForRequest { .. } => "timestamp_not_for_request",
            TimestampFailure::NotValid { .. } => "timestamp_not_valid",
        }
    }
}

/// Why kyso refuses to extend a signature to a higher CAdES level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtendRefusal {
    /// A signature of the file does not validate now: time-stamping or archiving it would
    /// only preserve a broken signature.
    #[error("signature {index} is {indication}{}: {detail}", if sub_indication.is_empty() { String::new() } else { format!(" ({sub_indication})") })]
    SignatureNotValid {
        /// The SignerInfo (0-based, file order).
        index: usize,
        /// Its indication (`TOTAL-FAILED`, `INDETERMINATE`).
        indication: String,
        /// Its sub-indication, or empty.
        sub_indication: String,
        /// The report's explanation.
        detail: String,
    },
    /// The level asks for a signature-time-stamp and no time-stamping authority was given.
    #[error("{level} needs a signature-time-stamp: give a time-stamping authority (--tsa URL)")]
    NeedsTimestamper {
        /// The level asked for.
        level: String,
    },
    /// The certificates and revocation data that would let the signature validate offline
    /// could not all be gathered.
    #[error("the validation data for '{subject}' could not be gathered: {detail}")]
    ValidationDataIncomplete {
        /// The certificate whose path or status is missing.
        subject: String,
        /// What is missing.
        detail: String,
    },
    /// An earlier archive of the ASiC-E container no longer holds (EN 319 162-1 §A.7): a file
    /// its ASiCArchiveManifest lists has changed or gone, or its time-stamp token is missing.
    /// Renewing would only time-stamp a broken archive.
    #[error(
        "{manifest}: {detail}; renewing would time-stamp a broken archive (EN 319 162-1 §A.7)"
    )]
    ArchiveBroken {
        /// The archive manifest's entry name.
        manifest: String,
        /// What no longer holds.
        detail: String,
    },
    /// A level `extend` does not produce.
    #[error("kyso extends signatures to B-T, B-LT or B-LTA, not {level}")]
    UnsupportedLevel {
        /// The level asked for.
        level: String,
    },
}

impl ExtendRefusal {
    /// A stable machine-readable code, `extend_refused_` and the reason.
    pub fn code(&self) -> &'static str {
        match self {
            ExtendRefusal::SignatureNotValid { .. } => "extend_refused_signature_not_valid",
            ExtendRefusal::NeedsTimestamper { .. } => "extend_refused_needs_tsa",
            ExtendRefusal::ValidationDataIncomplete { .. } => {
                "extend_refused_validation_data_incomplete"
            }
            ExtendRefusal::UnsupportedLevel { .. } => "extend_refused_unsupported_level",
            ExtendRefusal::ArchiveBroken { .. } => "extend_refused_archive_broken",
        }
    }
}

impl From<ExtendRefusal> for Error {
    fn from(r: ExtendRefusal) -> Self {
        Error::ExtendRefused(r)
    }
}

/// Why a private key or PKCS#12 file of the right kind cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileProblem {
    /// It looks like a private key, but OpenSSL cannot read it (damaged, or an unsupported
    /// algorithm).
    #[error("the private key file cannot be read (damaged, or a key type kyso does not support)")]
    KeyUnreadable,
    /// The PKCS#12 structure cannot be read (damaged).
    #[error("the PKCS#12 file cannot be read (damaged or incomplete)")]
    Pkcs12Unreadable,
    /// The PKCS#12 password is not UTF-8 text.
    #[error("the PKCS#12 password must be UTF-8 text")]
    Pkcs12PasswordNotUtf8,
    /// The PKCS#12 file opened but holds no private key.
    #[error("the PKCS#12 file holds no private key (a certificate-only export?)")]
    Pkcs12NoKey,
    /// The PKCS#12 file opened but holds no certificate.
    #[error("the PKCS#12 file holds no certificate")]
    Pkcs12NoCertificate,
}

impl KeyFileProblem {
    /// A stable machine-readable code, `key_file_` and the reason.
    pub fn code(&self) -> &'static str {
        match self {
            KeyFileProblem::KeyUnreadable => "key_file_unreadable",
            KeyFileProblem::Pkcs12Unreadable => "key_file_pkcs12_unreadable",
            KeyFileProblem::Pkcs12PasswordNotUtf8 => "key_file_pkcs12_password_not_utf8",
            KeyFileProblem::Pkcs12NoKey => "key_file_pkcs12_no_key",
            KeyFileProblem::Pkcs12NoCertificate => "key_file_pkcs12_no_certificate",
        }
    }
}

impl From<SigningRefusal> for Error {
    fn from(r: SigningRefusal) -> Self {
        Error::SigningRefused(r)
    }
}
