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
//! // Validity is judged at the signing time and at `now` (the same here).
//! let signer = Signer::new(key).signing_time(now).now(now).build()?;
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
//! ## Signing with a USB token (PKCS#11)
//!
//! The key stays on the token; kyso logs in once and signs any number of files.
//!
//! ```no_run
//! use kyso::{Pkcs11Module, Pkcs11Uri, Signer, Timestamp};
//! # fn main() -> Result<(), kyso::Error> {
//! let module = Pkcs11Module::load("/usr/lib/softhsm/libsofthsm2.so")?;
//! let uri = Pkcs11Uri::parse("pkcs11:token=Nguyen%20Van%20An;id=%01")?;
//! let token = module.open(&uri)?;
//! // Tell the user what the token reports before asking for the PIN (count low, final try...).
//! println!("PIN state: {}", token.description().pin);
//! token.login(Some(b"123456"), false)?; // never retried; a wrong PIN says the state after it
//! let key = token.signing_key(&uri, None)?; // certificate and chain from the token
//! let signer = Signer::new(key).signing_time(Timestamp::now()).build()?;
//! let der = signer.sign_bytes(b"document")?;
//! # let _ = der; Ok(()) }
//! ```
//!
//! Every signature a token returns is verified with the certificate before it is written;
//! [`Token::login`] refuses a locked PIN and, unless confirmed, the final PIN try.
//!
//! ## Many files at once
//!
//! [`batch::Batch`] runs verification (or signing, or anything else) over many inputs on one
//! worker per core, delivers results in input order with bounded memory, and stops cleanly
//! when its [`batch::CancelToken`] is set; [`batch::verify_files`] is the verification
//! shortcut, with one [`VerifyContext`] per worker. `kyso verify DIR` and `kyso sign FILE...`
//! are built on it.
//!
//! ## Security considerations
//!
//! * A verdict is only as good as the trust anchors given. With none, nothing is TOTAL-PASSED.
//! * Revocation is checked from the OCSP responses (RFC 6960) and CRLs the caller gives
//!   ([`Verifier::with_ocsp_responses`], [`Verifier::with_crls`], [`ChainOptions::ocsp_responses`],
//!   [`ChainOptions::crls`]; RFC 5280 §6.3, delta and indirect CRLs included) and from those
//!   embedded in the signature (RFC 5652 §10.2.1, RFC 5940); a valid OCSP response decides
//!   first. kyso does not fetch either yet: without such data the revocation check is reported
//!   as skipped, and a revoked certificate is not detected. A delegated OCSP responder's own
//!   status is not checked unless its certificate carries id-pkix-ocsp-nocheck
//!   ([`OcspResponder::Delegated`]). Signature time-stamps are not checked.
//! * The signing-time attribute is a claim by the signer, not a proof of time: validation uses
//!   the validation time given by the caller.
//! * Path validation follows RFC 5280 §6.1 (certificate policies, policy mappings and
//!   constraints, name constraints, basic constraints, key usage, unknown critical
//!   extensions). The trust anchor is taken as name and key plus its basicConstraints,
//!   keyUsage, validity and name constraints; policy extensions in the anchor certificate are
//!   not applied. Name constraints on otherName, x400Address, ediPartyName and registeredID
//!   reject a certificate that carries a name of that form.
//! * [`Verifier::dangerous`] weakens the algorithm policy; the report then marks the check
//!   as skipped.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Everything `pub` is reachable from the root (flat re-exports), and every type a caller meets
// can be named (issue 8): what is not for callers is `pub(crate)`.
#![warn(unreachable_pub, unnameable_types)]
// The library must not panic on input: unwrap/expect are for tests only (clippy.toml).
#![warn(clippy::unwrap_used, clippy::expect_used)]

// Batches: many inputs verified or signed in parallel, results in input order, cancellable.
pub mod batch;
// Facades over the layers: a folder of documents and signatures judged together (hồ sơ);
// CAdES B-T and B-LT augmentation of existing signatures; the content of an attached signature,
// streamed out; named trust lists (the shipped Vietnamese anchors, installed updates).
mod dossier;
mod extend;
mod extract;
mod trust;

// Layers, each depending only on those listed before it (checked by scripts/check-layers.py):
#[cfg(feature = "asic")]
mod asic; // ASiC containers (ETSI EN 319 162-1): bounded ZIP reading, ASiCManifest, writing
mod cms; // RFC 5652 SignedData reading
mod crypto; // the one place that names openssl's algorithms: digests, signature schemes
mod encoding; // DER reader and writer, BER transcoder, PEM, OIDs, time
mod error; // kyso::Error, the aggregate of the phase errors
mod inspect;
mod keys; // private keys and the signature-backend trait
mod path; // RFC 5280 §6: path building and validation, policies, name constraints
mod pdf; // bounded PDF reader for signatures: revisions, objects, signature fields, DSS
#[cfg(feature = "pkcs11")]
mod pkcs11; // PKCS#11 tokens, a signature backend (feature "pkcs11")
mod receipt; // the printable receipt of a dossier's verdict (HTML, PDF)
mod report; // the report: types, codes and evidence, message catalogue
mod revocation; // CRL parsing and RFC 5280 §6.3 status (the path code supplies the signer check)
mod signer;
mod tsp; // RFC 3161 time-stamp requests, responses and tokens (parsing and building)
mod validation; // ETSI EN 319 102-1 checks of a SignerInfo
mod verifier;
mod x509; // certificates (parsed once), names, general names, the run-wide certificate cache

pub use crypto::{DigestAlgorithm, KeyInfo};
pub use dossier::{VerifiedDossier, MAX_DOSSIER_FILES};
pub use encoding::time::Timestamp;
pub use error::{
    AsicProblem, Error, Expected, ExtendRefusal, FileKind, KeyFileProblem, PinState,
    SigningRefusal, TimestampFailure, TokenError,
};
pub use extend::{ExtendOutcome, ExtendedSignature, Extender};
#[cfg(feature = "asic")]
pub use extract::extract_container;
pub use extract::extract_content;
pub use inspect::{
    inspect, inspect_pkcs12, CertificateDetails, CertificatePolicy, CrlDistributionPoint,
    Inspection, NameField, SignerDetails,
};
pub use keys::SigningKey;
pub use path::{CertVerdict, ChainError, ChainOptions, ChainOutcome};
#[cfg(feature = "pkcs11")]
pub use pkcs11::{
    ModuleInfo, ObjectType, Pkcs11Module, Pkcs11Uri, SlotInventory, Token, TokenCertificate,
    TokenDescription, TokenKeyDescription,
};
pub use receipt::{receipt_html, receipt_pdf};
pub use report::{
    io_reason, Check, CheckName, CheckResult, DocumentProblem, DocumentReport, Hint, Indication,
    Lang, PdfRevisionChanges, PdfSignatureInfo, PdfSignatureKind, PolicyName, PolicySource, Reason,
    Report, SignatureLevel, SignatureReport, SkipReason, SkippedInput, SubIndication, Summary,
    SCHEMA,
};
pub use report::{AsicKind, AsicSignatureInfo};
pub use report::{AsicTimestampInfo, TimestampKind, TimestampProblem, TimestampReport};
pub use report::{ChainCertificate, ChainReport, CHAIN_SCHEMA};
pub use report::{
    DossierCounts, DossierDocument, DossierFlag, DossierReport, DossierSigner, OrderVerdict,
    OrderedSigner, SigningOrder,
};
pub use report::{TrustListMatch, TrustPki};
pub use revocation::crl::{Crl, CrlProblem, RevocationMode, RevocationReason, RevocationStatus};
pub use revocation::evidence::{RevocationDataKind, RevocationEvidence, RevocationSource};
pub use revocation::fetch::{FetchError, FetchOptions, FetchStats, Fetcher};
pub use revocation::ocsp::{
    OcspCertStatus, OcspOptions, OcspProblem, OcspRequest, OcspResponder, OcspResponse,
    OcspResponseStatus, OcspVerdict, ResponderRule, DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE,
    MAX_RESPONSE_SIZE,
};
pub use signer::{
    sign_detached, Certification, PdfSignOptions, PdfSigned, Signer, SignerBuilder, SigningWarning,
    Timestamper, VisibleSignature,
};
pub use trust::{TrustList, TrustListSource, TrustStore, UpdateCheck, BUILTIN_TRUST_LISTS};
pub use tsp::{PkiStatus, TimeStampRequest, TimeStampResponse, TimeStampToken, TstInfo};
pub use validation::policy::{DigestRule, DossierRules, PolicyError, ValidationPolicy};
pub use verifier::{DangerousVerifierConfig, Verifier, VerifyContext};
pub use x509::cert::{Certificate, CertificateSummary};
pub use x509::name::{rendered_attributes, uid_label, UID_PREFIXES};
pub use x509::role::{RoleBasis, RoleDecision, SignerRole};

/// What a file holds, from its first bytes (certificate, PKCS#12, private key, CMS, PDF,
/// text, empty, truncated, ...): for saying what a file is when it is not what was expected.
/// Only the outer structure is looked at; nothing is validated.
pub fn sniff(data: &[u8]) -> FileKind {
    encoding::sniff::sniff(data)
}

/// Build and validate the path of a certificate to the given trust anchors at `at`
/// (RFC 5280 §6), using `intermediates` to fill the gaps.
pub fn validate_chain(
    cert: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
) -> ChainOutcome {
    validate_chain_with(cert, intermediates, anchors, &ChainOptions::new(at))
}

/// Build and validate the path of a certificate (RFC 5280 §6) with the given options: the
/// initial policy set and flags (§6.1.1), required extended key usages, CRLs and revocation
/// mode (§6.3), validation time. The outcome carries the path, each certificate's verdict,
/// the user-constrained policy set and the revocation statuses.
pub fn validate_chain_with(
    cert: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    options: &ChainOptions,
) -> ChainOutcome {
    verifier::build_path(cert, intermediates, anchors, options.at, &options.policy)
}

/// The revocation status of `cert` from `crls` at `at` (RFC 5280 §6.3), for a caller that
/// has validated the path already: `issuers` are trusted as the certificate's issuer (first)
/// and as CRL signers; the CRLs' scope, validity, signature, cRLSign, delta CRLs and reason
/// coverage are checked, the issuers' own paths are not.
pub fn check_revocation(
    cert: &Certificate,
    issuers: &[Certificate],
    crls: &[Crl],
    at: Timestamp,
) -> RevocationStatus {
    path::revocation_of(cert, issuers, crls, at)
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
// The Err is the full report on purpose (the caller wants to know why), once per call.
#[allow(clippy::result_large_err)]
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
