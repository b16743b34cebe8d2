//! # kyso: CMS / CAdES signatures for documents exchanged between agencies
//!
//! kyso ("ký số", digital signing) builds and verifies CMS SignedData (RFC 5652) at the ETSI
//! CAdES baseline B-B level, validates the signer's certificate path (RFC 5280 §6) and returns
//! a typed report with ETSI EN 319 102-1 indications.
//!
//! ## Quick start
//!
//! ```no_run
//! use kyso::{Certificate, SigningKey, Signer, Timestamp, Verifier};
//! # fn main() -> Result<(), kyso::Error> {
//! let now = Timestamp::now();
//! // Sign a file: detached signature, SHA-256, RSA PKCS#1 v1.5 (or ECDSA / Ed25519 by key).
//! let key = SigningKey::from_pkcs12(&std::fs::read("official.p12").unwrap(), b"secret")?;
//! let signer = Signer::new(key).signing_time(now).build()?;
//! signer.sign_file(std::path::Path::new("decision.pdf"), &mut std::fs::File::create("decision.pdf.p7s").unwrap())?;
//!
//! // Verify it against the root the agency trusts.
//! let roots = Certificate::load_all(&std::fs::read("root.pem").unwrap())?;
//! let report = Verifier::new().with_trust_anchors(roots)
//!     .verify_file("decision.pdf.p7s".as_ref(), None, now)?;
//! assert_eq!(report.indication, kyso::Indication::TotalPassed);
//! # Ok(()) }
//! ```
//!
//! ## Security considerations
//!
//! * A verdict is only as good as the trust anchors given. With none, nothing is TOTAL-PASSED.
//! * Revocation (CRL, OCSP) and signature time-stamps are **not checked** by this version; the
//!   report lists them as skipped. A revoked certificate is not detected.
//! * The signing-time attribute is a claim by the signer, not a proof of time: validation uses
//!   the validation time given by the caller.
//! * Certificate policies, name constraints and policy constraints are not processed yet; a
//!   path that carries them is rejected (fails closed) rather than accepted unchecked.
//! * [`Verifier::dangerous`] weakens the algorithm policy; the report then marks the check
//!   as skipped.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The library must not panic on input: unwrap/expect are for tests only (clippy.toml).
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod algorithm;
mod asn1;
mod ber;
mod cache;
mod cert;
mod chain;
mod error;
mod inspect;
mod key;
mod name;
mod oid;
mod pem;
mod report;
mod sign;
mod signed_data;
mod time;
mod verify;

pub use algorithm::{DigestAlgorithm, KeyInfo};
pub use cert::{Certificate, CertificateSummary};
pub use chain::{ChainError, ChainOutcome};
pub use error::Error;
pub use inspect::{
    inspect, inspect_pkcs12, CertificateDetails, Inspection, NameField, SignerDetails,
};
pub use key::SigningKey;
pub use name::{uid_label, UID_PREFIXES};
pub use report::{
    Check, CheckName, CheckResult, DocumentReport, Indication, Lang, Reason, Report,
    SignatureReport, SubIndication, Summary, SCHEMA,
};
pub use sign::{sign_detached, Signer, SignerBuilder};
pub use time::Timestamp;
pub use verify::{DangerousVerifierConfig, Verifier};

/// Build and validate the path of a certificate to the given trust anchors at `at`
/// (RFC 5280 §6), using `intermediates` to fill the gaps.
pub fn validate_chain(
    cert: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
) -> ChainOutcome {
    chain::build(
        cert,
        intermediates,
        anchors,
        at,
        &chain::ChainPolicy::default(),
    )
}

/// Verify a detached signature held in memory against trust anchors: the one-shot path.
/// Returns the report; use [`DocumentReport::indication`] for a yes/no answer, or
/// [`verify_detached_strict`] to fail closed.
pub fn verify_detached(
    signature: &[u8],
    content: &[u8],
    anchors: &[Certificate],
    at: Timestamp,
) -> DocumentReport {
    Verifier::new()
        .with_trust_anchors(anchors.iter().cloned())
        .verify_bytes(signature, Some(content), at)
}

/// Fail-closed helper: `Ok(report)` only when every signature is TOTAL-PASSED.
pub fn verify_detached_strict(
    signature: &[u8],
    content: &[u8],
    anchors: &[Certificate],
    at: Timestamp,
) -> Result<DocumentReport, DocumentReport> {
    let r = verify_detached(signature, content, anchors, at);
    if r.indication == Indication::TotalPassed {
        Ok(r)
    } else {
        Err(r)
    }
}
