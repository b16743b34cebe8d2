//! The validation report (schema `kyso.verify/v2`) with ETSI EN 319 102-1 indications: the
//! contract programs read. Every failure and skip is a stable `code` with typed evidence, hints
//! are data, and human text comes from the message catalogue ([`text`]).

mod chain;
pub use chain::{ChainCertificate, ChainReport, CHAIN_SCHEMA};
mod asic;
mod pdf;
pub use asic::{AsicKind, AsicSignatureInfo};
pub use pdf::{PdfRevisionChanges, PdfSignatureInfo, PdfSignatureKind};
mod dossier;
pub use dossier::{DossierCounts, DossierDocument, DossierFlag, DossierReport, DossierSigner};
mod order;
pub use order::{OrderVerdict, OrderedSigner, SigningOrder};
mod timestamp;
mod trust_list;
pub use timestamp::{AsicTimestampInfo, TimestampKind, TimestampProblem, TimestampReport};
pub use trust_list::{TrustListMatch, TrustPki};
mod text;

pub use text::io_reason;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::encoding::time::Timestamp;
use crate::error::FileKind;
use crate::path::ChainError;
use crate::revocation::crl::RevocationStatus;
use crate::x509::cert::CertificateSummary;
use crate::x509::role::RoleDecision;

/// The schema name written in every JSON report.
pub const SCHEMA: &str = "kyso.verify/v2";

/// Language of human-readable text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Vietnamese (tiếng Việt).
    Vi,
}

impl Lang {
    /// Pick the text in this language.
    pub fn pick<'a>(self, en: &'a str, vi: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Vi => vi,
        }
    }
}

/// The main status indication (ETSI EN 319 102-1 §5.1.3, table 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Indication {
    /// Every check passed.
    #[serde(rename = "TOTAL-PASSED")]
    TotalPassed,
    /// The checks could not conclude (missing chain, weak algorithm, expired without proof...).
    #[serde(rename = "INDETERMINATE")]
    Indeterminate,
    /// The signature is proven invalid (broken format, wrong digest, bad signature value).
    #[serde(rename = "TOTAL-FAILED")]
    TotalFailed,
}

impl Indication {
    /// The ETSI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Indication::TotalPassed => "TOTAL-PASSED",
            Indication::TotalFailed => "TOTAL-FAILED",
            Indication::Indeterminate => "INDETERMINATE",
        }
    }
}

/// Sub-indications (ETSI EN 319 102-1 §5.1.3, table 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
#[allow(missing_docs)] // the names are the standard's; see table 5
pub enum SubIndication {
    FormatFailure,
    HashFailure,
    SigCryptoFailure,
    Revoked,
    SigConstraintsFailure,
    ChainConstraintsFailure,
    CertificateChainGeneralFailure,
    CryptoConstraintsFailure,
    Expired,
    NotYetValid,
    SignedDataNotFound,
    NoSigningCertificateFound,
    NoCertificateChainFound,
    RevokedNoPoe,
    OutOfBoundsNoPoe,
    CryptoConstraintsFailureNoPoe,
    TryLater,
    Generic,
}

impl SubIndication {
    /// The indication this sub-indication belongs to (table 5).
    pub fn indication(self) -> Indication {
        match self {
            Self::FormatFailure | Self::HashFailure | Self::SigCryptoFailure | Self::Revoked => {
                Indication::TotalFailed
            }
            _ => Indication::Indeterminate,
        }
    }

    /// The ETSI spelling.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Which of several failures is reported first: the ETSI validation order, TOTAL-FAILED
    /// reasons before INDETERMINATE ones.
    fn precedence(self) -> u8 {
        match self {
            Self::FormatFailure => 0,
            Self::HashFailure => 1,
            Self::SigCryptoFailure => 2,
            Self::Revoked => 3,
            Self::NoSigningCertificateFound => 4,
            Self::SignedDataNotFound => 5,
            Self::NoCertificateChainFound => 6,
            Self::CertificateChainGeneralFailure => 7,
            Self::ChainConstraintsFailure => 8,
            Self::SigConstraintsFailure => 9,
            Self::CryptoConstraintsFailure => 10,
            Self::CryptoConstraintsFailureNoPoe => 11,
            Self::OutOfBoundsNoPoe => 12,
            Self::Expired => 13,
            Self::NotYetValid => 14,
            Self::RevokedNoPoe => 15,
            Self::TryLater => 16,
            Self::Generic => 17,
        }
    }
}

/// The checks kyso performs on each SignerInfo, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckName {
    /// The SignerInfo and its algorithms are well formed and consistent.
    Format,
    /// The signer certificate is found and matches the SignerIdentifier.
    SignerCertificate,
    /// ESS signing-certificate(-v2) names the certificate used (RFC 5035).
    SigningCertificateReference,
    /// content-type and message-digest present once, signing-time well formed (RFC 5652 §11).
    SignedAttributes,
    /// The content's digest equals the message-digest attribute (RFC 5652 §5.4).
    MessageDigest,
    /// The signature value verifies with the signer's public key (RFC 5652 §5.6).
    Signature,
    /// Digest, signature algorithm and key size are allowed by the policy.
    AlgorithmPolicy,
    /// The certificate path to a trust anchor is valid at the validation time (RFC 5280 §6).
    CertificateChain,
    /// The signer certificate's key usage and extended key usage allow document signing.
    SignerKeyUsage,
    /// Revocation status of the chain (CRL/OCSP).
    Revocation,
    /// Signature time-stamp (CAdES B-T).
    Timestamp,
    /// A PDF signature's /ByteRange covers the file from its start to the end of a revision
    /// with exactly the /Contents string left out (ISO 32000-1 §12.8.1).
    PdfByteRange,
    /// What later revisions of a PDF changed is allowed for the signature (ISO 32000-1
    /// §12.8.2.2, DocMDP).
    PdfChanges,
    /// An ASiC signature's coverage (ETSI EN 319 162-1 §4.3, §4.4): the ASiCManifest it signs
    /// names it and lists every file once, and each listed file is present with its digest.
    AsicManifest,
}

impl CheckName {
    /// Human name of the check.
    pub fn describe(self, lang: Lang) -> &'static str {
        use CheckName::*;
        match self {
            Format => lang.pick(
                "signature structure and algorithms",
                "cấu trúc chữ ký và thuật toán",
            ),
            SignerCertificate => lang.pick(
                "signer certificate found",
                "tìm thấy chứng thư số của người ký",
            ),
            SigningCertificateReference => lang.pick(
                "signing-certificate attribute",
                "thuộc tính ESS gắn chứng thư số của người ký",
            ),
            SignedAttributes => lang.pick("signed attributes", "các thuộc tính được ký"),
            MessageDigest => lang.pick("document digest", "giá trị băm của tài liệu"),
            Signature => lang.pick("signature value", "giá trị chữ ký"),
            AlgorithmPolicy => lang.pick("algorithm strength", "độ an toàn của thuật toán"),
            CertificateChain => lang.pick(
                "certificate chain to a trust anchor",
                "chuỗi chứng thư số đến chứng thư số gốc tin cậy",
            ),
            SignerKeyUsage => lang.pick(
                "certificate allowed for signing",
                "chứng thư số được phép dùng để ký",
            ),
            Revocation => lang.pick("revocation status", "trạng thái thu hồi"),
            Timestamp => lang.pick("signature time-stamp", "dấu thời gian"),
            PdfByteRange => lang.pick(
                "signed byte range of the PDF",
                "vùng dữ liệu được ký trong tệp PDF",
            ),
            PdfChanges => lang.pick("changes after signing", "thay đổi sau khi ký"),
            AsicManifest => lang.pick(
                "files of the container covered by the signature",
                "các tệp trong gói được chữ ký bao phủ",
            ),
        }
    }
}

/// Why a check failed, with its evidence. Serialized as an object whose `code` is
/// [`Reason::code`] and whose other keys are the evidence (a chain error's own code and
/// evidence, for [`Reason::Chain`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The structure is not what RFC 5652 requires.
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// A required signed attribute is absent.
    MissingAttribute {
        /// Attribute name (`content-type`).
        attribute: String,
    },
    /// An attribute occurs more than once, or has more than one value.
    DuplicateAttribute {
        /// Attribute name.
        attribute: String,
    },
    /// The content-type attribute differs from eContentType (RFC 5652 §11.1).
    ContentTypeMismatch {
        /// The attribute's value.
        attribute: String,
        /// encapContentInfo.eContentType.
        econtent_type: String,
    },
    /// The document's digest differs from the message-digest attribute.
    DigestMismatch {
        /// Digest algorithm.
        algorithm: String,
        /// The signed value (hex).
        expected: String,
        /// What the document hashes to (hex).
        computed: String,
    },
    /// The signature value does not verify.
    SignatureInvalid {
        /// Signature algorithm.
        algorithm: String,
    },
    /// The algorithm is unknown to kyso.
    UnsupportedAlgorithm {
        /// What was found.
        detail: String,
    },
    /// The algorithm or key is too weak under the policy.
    WeakAlgorithm {
        /// What is too weak.
        detail: String,
    },
    /// An algorithm the policy accepts only until `reliable_until` is judged at a later time
    /// and nothing proves the signature existed before that date (ETSI EN 319 102-1 §5.2.8,
    /// §5.6.2.5): INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE. A signature-time-stamp or
    /// an archive time-stamp from before that date would cure it.
    WeakAlgorithmNoPoe {
        /// What is too weak now.
        detail: String,
        /// Until when the policy held the algorithm reliable.
        reliable_until: Timestamp,
    },
    /// No certificate matches the SignerIdentifier.
    SignerCertificateNotFound {
        /// The identifier, rendered.
        signer_id: String,
    },
    /// The ESS signing-certificate attribute names another certificate.
    SigningCertificateMismatch {
        /// What differs.
        detail: String,
    },
    /// A detached signature was given without its content.
    ContentMissing {
        /// Where kyso looked, if anywhere.
        looked_for: Option<String>,
    },
    /// keyUsage lacks digitalSignature and nonRepudiation.
    KeyUsageNotAllowed {
        /// The bits that are set.
        key_usage: Vec<String>,
    },
    /// extendedKeyUsage does not allow document signing.
    ExtendedKeyUsageNotAllowed {
        /// The purposes listed.
        ext_key_usage: Vec<String>,
    },
    /// The signature does not meet a constraint of the validation policy (ETSI EN 319 102-1
    /// §5.2.8, signature acceptance validation): INDETERMINATE/SIG_CONSTRAINTS_FAILURE.
    PolicyNotMet {
        /// The policy's name.
        policy: String,
        /// The policy setting (`require_signed_attributes`, `require_signing_certificate`).
        rule: String,
    },
    /// The signer certificate is revoked and nothing proves the signature existed before the
    /// revocation date (ETSI EN 319 102-1 §5.2.6, §5.6.2.1): INDETERMINATE/REVOKED_NO_POE,
    /// since the signature may have been made while the certificate was good. A valid
    /// time-stamp from before that date makes it pass; one from after it, TOTAL-FAILED/REVOKED.
    SignerRevokedNoPoe {
        /// The signer certificate.
        subject: String,
        /// Its serial number, hex.
        serial: String,
        /// reasonCode.
        reason: crate::revocation::crl::RevocationReason,
        /// revocationDate.
        revoked_at: Timestamp,
    },
    /// A PDF signature's /ByteRange is not the file from offset 0 to the end of a revision
    /// with exactly the /Contents hex string left out (ISO 32000-1 §12.8.1): FORMAT_FAILURE.
    PdfByteRangeInvalid {
        /// What is wrong.
        detail: String,
    },
    /// A later revision of the PDF changed what the signature does not allow (ISO 32000-1
    /// §12.8.2.2; pages, content, other objects): FORMAT_FAILURE, as EU DSS judges it.
    PdfModifiedAfterSigning {
        /// The first revision (from 1) with such a change.
        revision: usize,
        /// Its changes that are not allowed.
        changes: Vec<String>,
    },
    /// A PDF signature kyso cannot verify (adbe.x509.rsa_sha1, adbe.pkcs7.sha1, or an
    /// unknown /SubFilter): never passed.
    PdfSubFilterUnsupported {
        /// The /SubFilter as written (empty when missing).
        sub_filter: String,
    },
    /// A PAdES signature's /Contents must hold one SignedData with exactly one SignerInfo
    /// (ETSI EN 319 142-1 §6.3): FORMAT_FAILURE.
    PdfNotOneSignerInfo {
        /// How many it has.
        count: usize,
    },
    /// A document time-stamp that does not validate (its token's own problem in `detail`).
    PdfDocumentTimestampInvalid {
        /// Why.
        detail: String,
        /// The time-stamp's sub-indication.
        sub_indication: SubIndication,
    },
    /// A file an ASiCManifest lists does not have the digest the manifest gives
    /// (EN 319 162-1 §A.4, DataObjectReference/DigestValue): HASH_FAILURE.
    AsicReferenceMismatch {
        /// The file in the container.
        file: String,
        /// The manifest's DigestMethod (`sha256`, or its URI when unknown).
        algorithm: String,
        /// The manifest's digest, hex.
        expected: String,
        /// The file's digest, hex.
        computed: String,
    },
    /// A file an ASiCManifest lists is not in the container: SIGNED_DATA_NOT_FOUND, as EU DSS
    /// judges a removed document.
    AsicReferenceMissing {
        /// The name the manifest gives.
        file: String,
    },
    /// The ASiCManifest a signature signs cannot be used (EN 319 162-1 §4.4.2, §A.4): not
    /// well-formed XML, no SigReference to this signature, a file listed twice, an unknown
    /// digest method, or no manifest at all: FORMAT_FAILURE.
    AsicManifestInvalid {
        /// The manifest (or the signature, when it has none).
        manifest: String,
        /// What is wrong.
        detail: String,
    },
    /// The certificate chain is not valid (serialized as the chain error itself: its code is
    /// one of [`ChainError::code`]).
    #[serde(untagged)]
    Chain(ChainError),
}

impl Reason {
    /// The ETSI sub-indication this reason leads to.
    pub fn sub_indication(&self) -> SubIndication {
        use Reason::*;
        match self {
            Malformed { .. }
            | MissingAttribute { .. }
            | DuplicateAttribute { .. }
            | ContentTypeMismatch { .. } => SubIndication::FormatFailure,
            DigestMismatch { .. } => SubIndication::HashFailure,
            SignatureInvalid { .. } => SubIndication::SigCryptoFailure,
            UnsupportedAlgorithm { .. } | WeakAlgorithm { .. } => {
                SubIndication::CryptoConstraintsFailure
            }
            WeakAlgorithmNoPoe { .. } => SubIndication::CryptoConstraintsFailureNoPoe,
            SignerRevokedNoPoe { .. } => SubIndication::RevokedNoPoe,
            PdfByteRangeInvalid { .. }
            | PdfModifiedAfterSigning { .. }
            | PdfSubFilterUnsupported { .. }
            | PdfNotOneSignerInfo { .. } => SubIndication::FormatFailure,
            PdfDocumentTimestampInvalid { sub_indication, .. } => *sub_indication,
            SignerCertificateNotFound { .. } | SigningCertificateMismatch { .. } => {
                SubIndication::NoSigningCertificateFound
            }
            ContentMissing { .. } | AsicReferenceMissing { .. } => {
                SubIndication::SignedDataNotFound
            }
            AsicReferenceMismatch { .. } => SubIndication::HashFailure,
            AsicManifestInvalid { .. } => SubIndication::FormatFailure,
            PolicyNotMet { .. } => SubIndication::SigConstraintsFailure,
            Chain(e) => e.sub_indication(),
            KeyUsageNotAllowed { .. } | ExtendedKeyUsageNotAllowed { .. } => {
                SubIndication::ChainConstraintsFailure
            }
        }
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        use Reason::*;
        match self {
            Malformed { .. } => "malformed",
            MissingAttribute { .. } => "missing_attribute",
            DuplicateAttribute { .. } => "duplicate_attribute",
            ContentTypeMismatch { .. } => "content_type_mismatch",
            DigestMismatch { .. } => "digest_mismatch",
            SignatureInvalid { .. } => "signature_invalid",
            UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            WeakAlgorithm { .. } => "weak_algorithm",
            WeakAlgorithmNoPoe { .. } => "weak_algorithm_no_poe",
            SignerRevokedNoPoe { .. } => "signer_revoked_no_poe",
            PdfByteRangeInvalid { .. } => "pdf_byte_range_invalid",
            PdfModifiedAfterSigning { .. } => "pdf_modified_after_signing",
            PdfSubFilterUnsupported { .. } => "pdf_sub_filter_unsupported",
            PdfNotOneSignerInfo { .. } => "pdf_not_one_signer_info",
            PdfDocumentTimestampInvalid { .. } => "pdf_document_timestamp_invalid",
            SignerCertificateNotFound { .. } => "signer_certificate_not_found",
            SigningCertificateMismatch { .. } => "signing_certificate_mismatch",
            ContentMissing { .. } => "content_missing",
            AsicReferenceMismatch { .. } => "asic_reference_mismatch",
            AsicReferenceMissing { .. } => "asic_reference_missing",
            AsicManifestInvalid { .. } => "asic_manifest_invalid",
            PolicyNotMet { .. } => "policy_not_met",
            Chain(e) => e.code(),
            KeyUsageNotAllowed { .. } => "key_usage_not_allowed",
            ExtendedKeyUsageNotAllowed { .. } => "extended_key_usage_not_allowed",
        }
    }

    /// What happened, in the given language (from the message catalogue; no advice on how to
    /// call a program: see [`Reason::hint`]).
    pub fn message(&self, lang: Lang) -> String {
        text::reason(self, lang)
    }

    /// What the reader can do about it, as data, when kyso knows.
    pub fn hint(&self) -> Option<Hint> {
        use Reason::*;
        match self {
            DigestMismatch { .. } => Some(Hint::WrongContent),
            SignerCertificateNotFound { signer_id } => Some(Hint::MissingSignerCertificate {
                signer_id: signer_id.clone(),
            }),
            ContentMissing { looked_for } => Some(Hint::MissingContent {
                looked_for: looked_for.clone(),
            }),
            Chain(e) => e.hint(),
            _ => None,
        }
    }
}

/// Why a check was not performed. Serialized as `{"code": ...}` ([`SkipReason::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// No signed attributes: the signature covers the content directly (RFC 5652 §5.4).
    NoSignedAttributes,
    /// The check needs the signer certificate, which was not found.
    SignerCertificateNotFound,
    /// The check needs algorithms that are unknown or inconsistent.
    AlgorithmsUnusable,
    /// The check needs the content, which is not available.
    ContentUnavailable,
    /// The message-digest attribute is unusable (see the signed attributes check).
    MessageDigestUnusable,
    /// The digest algorithm is not supported.
    UnsupportedDigest,
    /// No ESS signing-certificate(-v2) attribute (not CAdES baseline).
    NoSigningCertificateAttribute,
    /// The caller allowed legacy algorithms (an insecure option).
    LegacyCryptoAllowed,
    /// Revocation checking is not implemented in this version (no longer produced: see
    /// [`SkipReason::NoRevocationData`] and [`SkipReason::RevocationOff`]).
    RevocationNotSupported,
    /// No CRL given covers every certificate of the path, so the status is not established
    /// (revocation mode auto).
    NoRevocationData,
    /// Revocation checking was turned off by the caller.
    RevocationOff,
    /// The certificate path is not valid, so revocation was not evaluated.
    PathNotValid,
    /// No longer produced: time-stamps are validated ([`SkipReason::TimestampNotValid`]).
    TimestampNotValidated,
    /// Signature time-stamps are present but none is valid (see `timestamps`): no proof of
    /// time; the signature is judged without one.
    TimestampNotValid,
    /// There is no signature time-stamp (CAdES B-B).
    NoTimestamp,
}

impl SkipReason {
    /// A stable machine-readable code.
    pub fn code(self) -> &'static str {
        use SkipReason::*;
        match self {
            NoSignedAttributes => "no_signed_attributes",
            SignerCertificateNotFound => "signer_certificate_not_found",
            AlgorithmsUnusable => "algorithms_unusable",
            ContentUnavailable => "content_unavailable",
            MessageDigestUnusable => "message_digest_unusable",
            UnsupportedDigest => "unsupported_digest",
            NoSigningCertificateAttribute => "no_signing_certificate_attribute",
            LegacyCryptoAllowed => "legacy_crypto_allowed",
            RevocationNotSupported => "revocation_not_supported",
            NoRevocationData => "no_revocation_data",
            RevocationOff => "revocation_off",
            PathNotValid => "path_not_valid",
            TimestampNotValidated => "timestamp_not_validated",
            TimestampNotValid => "timestamp_not_valid",
            NoTimestamp => "no_timestamp",
        }
    }

    /// Why, in the given language (from the message catalogue).
    pub fn message(self, lang: Lang) -> &'static str {
        text::skip(self, lang)
    }

    /// What the reader can do about it, as data, when kyso knows.
    pub fn hint(self) -> Option<Hint> {
        match self {
            SkipReason::NoRevocationData => Some(Hint::MissingCrl),
            _ => None,
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckResult {
    /// The check ran and passed.
    Passed,
    /// The check ran and failed.
    Failed(Reason),
    /// The check did not run, and why. A skipped check is never a pass.
    Skipped(SkipReason),
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// Which check.
    pub check: CheckName,
    /// Its outcome.
    pub result: CheckResult,
}

impl Check {
    /// A check and its outcome.
    pub fn new(check: CheckName, result: CheckResult) -> Self {
        Check { check, result }
    }
}

/// Schema v2: every check object has the same keys. `reason` is the failure's or skip's code
/// and evidence, `hint` what the reader can do (data), `message` the English text; all three
/// and `sub_indication` are null for a passed check.
impl Serialize for Check {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("check", &self.check)?;
        match &self.result {
            CheckResult::Passed => {
                m.serialize_entry("result", "passed")?;
                m.serialize_entry("sub_indication", &None::<SubIndication>)?;
                m.serialize_entry("reason", &None::<Reason>)?;
                m.serialize_entry("hint", &None::<Hint>)?;
                m.serialize_entry("message", &None::<String>)?;
            }
            CheckResult::Failed(r) => {
                m.serialize_entry("result", "failed")?;
                m.serialize_entry("sub_indication", &r.sub_indication())?;
                m.serialize_entry("reason", r)?;
                m.serialize_entry("hint", &r.hint())?;
                m.serialize_entry("message", &r.message(Lang::En))?;
            }
            CheckResult::Skipped(why) => {
                m.serialize_entry("result", "skipped")?;
                m.serialize_entry("sub_indication", &None::<SubIndication>)?;
                m.serialize_entry("reason", why)?;
                m.serialize_entry("hint", &why.hint())?;
                m.serialize_entry("message", why.message(Lang::En))?;
            }
        }
        m.end()
    }
}

/// Reads what [`Serialize`] writes; `sub_indication`, `hint` and `message` are derived from the
/// reason, so they are not read back.
impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Outcome {
            Passed,
            Failed,
            Skipped,
        }
        #[derive(Deserialize)]
        struct Wire {
            check: CheckName,
            result: Outcome,
            #[serde(default)]
            reason: Option<serde_json::Value>,
        }
        let w = Wire::deserialize(d)?;
        let reason = || {
            w.reason
                .clone()
                .ok_or_else(|| D::Error::missing_field("reason"))
        };
        let result = match w.result {
            Outcome::Passed => CheckResult::Passed,
            Outcome::Failed => {
                CheckResult::Failed(serde_json::from_value(reason()?).map_err(D::Error::custom)?)
            }
            Outcome::Skipped => {
                CheckResult::Skipped(serde_json::from_value(reason()?).map_err(D::Error::custom)?)
            }
        };
        Ok(Check {
            check: w.check,
            result,
        })
    }
}

/// What the reader can do about a failure or skip: data, so that each front end words it for
/// its own interface (the CLI names its flags; agency software its own settings). Serialized as
/// an object whose `code` is [`Hint::code`], with the details as further keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Hint {
    /// A detached signature's content is needed: give the signed file.
    MissingContent {
        /// Where kyso looked, if anywhere.
        looked_for: Option<String>,
    },
    /// The content given may not be the signed document: check it is the right file.
    WrongContent,
    /// No trust anchor was configured: give the root certificate.
    MissingTrustAnchor,
    /// The issuer of `subject` is missing: give the intermediate certificate, or the root.
    MissingIntermediate {
        /// The certificate whose issuer is missing.
        subject: String,
        /// The issuer name it points to.
        issuer: String,
        /// Where the issuer's certificate can be downloaded (caIssuers URLs), if the
        /// certificate says.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ca_issuers: Vec<String>,
    },
    /// `subject` is a self-signed root that is not among the trust anchors: trust it (after
    /// checking its fingerprint with its owner) if it is the right root.
    MissingRoot {
        /// The root's subject.
        subject: String,
    },
    /// The signer's certificate is not in the signature: give it.
    MissingSignerCertificate {
        /// The SignerIdentifier, rendered.
        signer_id: String,
    },
    /// No CRL covers the path: give the CAs' CRLs (and require revocation to insist).
    MissingCrl,
    /// The CRL is past its nextUpdate: fetch a current one.
    StaleCrl,
    /// No acceptable certificate policy: check the required policies and the CAs' policies.
    CheckPolicy,
}

impl Hint {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Hint::MissingContent { .. } => "missing_content",
            Hint::WrongContent => "wrong_content",
            Hint::MissingTrustAnchor => "missing_trust_anchor",
            Hint::MissingIntermediate { .. } => "missing_intermediate",
            Hint::MissingRoot { .. } => "missing_root",
            Hint::MissingSignerCertificate { .. } => "missing_signer_certificate",
            Hint::MissingCrl => "missing_crl",
            Hint::StaleCrl => "stale_crl",
            Hint::CheckPolicy => "check_policy",
        }
    }
}

/// A problem of the signature file as a whole (not of one SignerInfo), with its evidence.
/// Serialized as an object whose `code` is [`DocumentProblem::code`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentProblem {
    /// The file is not a CMS SignedData (FORMAT_FAILURE).
    NotSignedData {
        /// Where decoding stopped.
        detail: String,
        /// What the file looks like instead ([`crate::sniff`]): a PDF, a certificate, empty,
        /// truncated, text...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        found: Option<FileKind>,
    },
    /// A SignedData without any SignerInfo (a certificate bundle; FORMAT_FAILURE).
    NoSignerInfo,
    /// More SignerInfos than kyso evaluates in one document (FORMAT_FAILURE).
    TooManySigners {
        /// SignerInfos in the file.
        count: usize,
        /// kyso's bound.
        limit: usize,
    },
    /// More embedded certificates than kyso accepts (FORMAT_FAILURE).
    TooManyCertificates {
        /// Certificates in the file.
        count: usize,
        /// kyso's bound.
        limit: usize,
    },
    /// Not a failure: the signature embeds its content and the content given separately is
    /// identical to it.
    GivenContentIdentical {
        /// The content that was given.
        given: String,
    },
    /// The signature embeds its content and the content given separately differs from it:
    /// the given content is not what was signed (every signature's message-digest check
    /// fails with HASH_FAILURE).
    GivenContentDiffers {
        /// The content that was given.
        given: String,
    },
    /// Not a failure by itself: a signature's signed attributes as sent are not in DER order,
    /// and the signature verifies over their DER encoding (what RFC 5652 §5.4 signs), not over
    /// the bytes as sent. What is reported is what was signed, but the file was re-encoded
    /// after signing or written by a non-conforming signer.
    SignedAttributesNotDer {
        /// The signature's index (0-based, as in `signatures`).
        signature: usize,
    },
    /// The signature could not be read (FORMAT_FAILURE).
    Unreadable {
        /// Why.
        detail: String,
    },
    /// The PDF could not be read as a PDF (FORMAT_FAILURE): its structure is broken, or it
    /// exceeds a bound kyso puts on hostile input.
    PdfUnreadable {
        /// The reader's stable code (`PDF_BAD_XREF_OFFSET`, ...).
        pdf_code: String,
        /// What is wrong.
        detail: String,
    },
    /// The PDF has no filled signature field (FORMAT_FAILURE: nothing to verify).
    PdfUnsigned,
    /// The ASiC container cannot be opened, or breaks a rule of its structure
    /// (EN 319 162-1 §4, §A.1; FORMAT_FAILURE): the code is [`crate::AsicProblem::code`].
    AsicContainerInvalid {
        /// [`crate::AsicProblem::code`] (`asic_mimetype_not_conforming`, ...).
        asic_code: String,
        /// What is wrong.
        detail: String,
    },
    /// A data object of the container that no signature covers: the container holds a file
    /// nobody signed (the document is at best INDETERMINATE, SIG_CONSTRAINTS_FAILURE).
    AsicFileNotSigned {
        /// The file.
        file: String,
    },
    /// A file an ASiCArchiveManifest lists does not have the digest it gives, or is gone (and
    /// no signature manifest lists it), and no later valid archive time-stamp covers it again
    /// (EN 319 162-1 §A.7): what the archive time-stamp protects changed (HASH_FAILURE).
    AsicArchiveReferenceMismatch {
        /// The archive manifest.
        manifest: String,
        /// The file.
        file: String,
    },
    /// Not a failure by itself: an entry of META-INF that kyso does not verify (an archive
    /// manifest's time-stamp, a XAdES signature, a container time-stamp).
    AsicEntryNotVerified {
        /// The entry.
        file: String,
    },
}

impl DocumentProblem {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        use DocumentProblem::*;
        match self {
            NotSignedData { .. } => "not_signed_data",
            NoSignerInfo => "no_signer_info",
            TooManySigners { .. } => "too_many_signers",
            TooManyCertificates { .. } => "too_many_certificates",
            GivenContentIdentical { .. } => "given_content_identical",
            GivenContentDiffers { .. } => "given_content_differs",
            SignedAttributesNotDer { .. } => "signed_attributes_not_der",
            Unreadable { .. } => "unreadable",
            PdfUnreadable { .. } => "pdf_unreadable",
            PdfUnsigned => "pdf_unsigned",
            AsicContainerInvalid { .. } => "asic_container_invalid",
            AsicFileNotSigned { .. } => "asic_file_not_signed",
            AsicArchiveReferenceMismatch { .. } => "asic_archive_reference_mismatch",
            AsicEntryNotVerified { .. } => "asic_entry_not_verified",
        }
    }

    /// What happened, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        text::document(self, lang)
    }
}

/// Where a [`crate::ValidationPolicy`] came from, as named in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PolicySource {
    /// A profile shipped with kyso ([`crate::ValidationPolicy::builtin`]).
    Builtin,
    /// A file given by the caller ([`crate::ValidationPolicy::load`], [`crate::ValidationPolicy::from_toml`]).
    File,
}

/// The policy a report was made under: `{"name": ..., "source": "builtin"|"file"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyName {
    /// The policy's `name`.
    pub name: String,
    /// Where it came from.
    pub source: PolicySource,
}

/// The CAdES level a SignerInfo reaches (ETSI EN 319 122-1 §6): `CMS` for a plain RFC 5652
/// signature (no signed attributes, or no ESS signing-certificate(-v2) binding), then `B-B`,
/// `B-T`, `B-LT`, `B-LTA`, each including the one before (ordered so). B-B says what was
/// found; B-T and above count only valid time-stamps and validation data that validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SignatureLevel {
    /// Plain CMS: no signed attributes, or no signing-certificate(-v2) attribute.
    #[serde(rename = "CMS")]
    Cms,
    /// CAdES B-B: signed content-type, message-digest and signing-certificate(-v2).
    #[serde(rename = "B-B")]
    BB,
    /// CAdES B-T: B-B with a valid signature-time-stamp (ETSI EN 319 122-1 §5.3).
    #[serde(rename = "B-T")]
    BT,
    /// CAdES B-LT: B-T whose signer and TSA paths validate from the certificates and
    /// revocation data embedded in the SignedData (ETSI EN 319 122-1 §6.3): `validation_data_embedded`
    /// holds for the signature and for its valid signature-time-stamp's token.
    #[serde(rename = "B-LT")]
    BLT,
    /// CAdES B-LTA: B-LT with a valid archive-time-stamp-v3 (ETSI EN 319 122-1 §6.4).
    #[serde(rename = "B-LTA")]
    BLTA,
}

impl SignatureLevel {
    /// The name used in the report: `CMS`, `B-B`, `B-T`, `B-LT`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureLevel::Cms => "CMS",
            SignatureLevel::BB => "B-B",
            SignatureLevel::BT => "B-T",
            SignatureLevel::BLT => "B-LT",
            SignatureLevel::BLTA => "B-LTA",
        }
    }
}

/// The report for one SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SignatureReport {
    /// Position of the SignerInfo in the file (0-based, file order).
    pub index: usize,
    /// The verdict.
    pub indication: Indication,
    /// The most relevant sub-indication, when not TOTAL-PASSED.
    pub sub_indication: Option<SubIndication>,
    /// The signer certificate, when found.
    pub signer: Option<CertificateSummary>,
    /// Whether the signer certificate speaks for a person or an organisation, and the
    /// evidence that decided it ([`crate::Certificate::role`]); absent when no signer
    /// certificate was found and for document time-stamps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_role: Option<RoleDecision>,
    /// The named trust list (and so the PKI: government-use or public) whose anchor the
    /// validated path ends at ([`crate::Verifier::with_trust_list`]); absent when the path
    /// did not validate or its anchor is in no named list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_list: Option<TrustListMatch>,
    /// The claimed signing time (signing-time attribute), when present. Not a proof of time.
    pub signing_time: Option<Timestamp>,
    /// Digest algorithm name.
    pub digest_algorithm: String,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// `CMS` or `B-B`.
    pub level: SignatureLevel,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The certificate path, signer first, trust anchor last (as far as it was built).
    pub chain: Vec<CertificateSummary>,
    /// The revocation status of each certificate of `chain`, in the same order, with the CRL
    /// or OCSP response that gave it ([`RevocationStatus::Good`], [`RevocationStatus::Revoked`]).
    #[serde(default)]
    pub revocation: Vec<RevocationStatus>,
    /// The time the path was judged at when it was not the validation time: the
    /// best-signature-time a valid signature-time-stamp proves (ETSI EN 319 102-1 §5.5), used
    /// because a certificate of the path had expired by the validation time, or because the
    /// signer certificate was revoked after that time (§5.6.2.1; the revocation stays in
    /// `revocation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_validated_at: Option<Timestamp>,
    /// The time the algorithms were judged at when it was not the validation time: an
    /// algorithm the policy holds reliable only until a date that has passed, accepted because
    /// a valid time-stamp proves the signature existed before that date (ETSI EN 319 102-1
    /// §5.2.8 with §5.6.2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithms_validated_at: Option<Timestamp>,
    /// For a signature inside a PDF: its field, byte range and the later revisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<PdfSignatureInfo>,
    /// For a signature in an ASiC container: its entry, the manifest it signs and the files
    /// it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asic: Option<AsicSignatureInfo>,
    /// True when `chain` validated from what the document carries: every certificate below the
    /// anchor is embedded and its revocation status came from embedded data. Such a path
    /// validates again offline (B-LT).
    #[serde(default)]
    pub validation_data_embedded: bool,
    /// The signature's time-stamps, each validated (the first valid one is the proof of
    /// existence the report uses).
    #[serde(default)]
    pub timestamps: Vec<TimestampReport>,
    /// Human explanation of each failure (English; the codes and evidence are in `checks`).
    pub messages: Vec<String>,
}

impl SignatureReport {
    /// Derive indication, sub-indication and messages from the checks.
    /// A report with no checks yet, for a signature kyso could not evaluate at all.
    pub(crate) fn empty(index: usize) -> SignatureReport {
        SignatureReport {
            index,
            indication: Indication::TotalFailed,
            sub_indication: None,
            signer: None,
            signer_role: None,
            trust_list: None,
            signing_time: None,
            digest_algorithm: String::new(),
            signature_algorithm: String::new(),
            level: SignatureLevel::Cms,
            checks: Vec::new(),
            chain: Vec::new(),
            revocation: Vec::new(),
            chain_validated_at: None,
            algorithms_validated_at: None,
            pdf: None,
            asic: None,
            validation_data_embedded: false,
            timestamps: Vec::new(),
            messages: Vec::new(),
        }
    }

    pub(crate) fn conclude(&mut self) {
        let worst = self
            .checks
            .iter()
            .filter_map(|c| match &c.result {
                CheckResult::Failed(r) => Some(r),
                _ => None,
            })
            .min_by_key(|r| {
                (
                    std::cmp::Reverse(r.sub_indication().indication()),
                    r.sub_indication().precedence(),
                )
            });
        self.sub_indication = worst.map(Reason::sub_indication);
        self.indication = self
            .sub_indication
            .map_or(Indication::TotalPassed, SubIndication::indication);
        self.messages = self
            .checks
            .iter()
            .filter_map(|c| match &c.result {
                CheckResult::Failed(r) => Some(r.message(Lang::En)),
                _ => None,
            })
            .collect();
    }

    /// The failed checks' reasons.
    pub fn failures(&self) -> impl Iterator<Item = (CheckName, &Reason)> {
        self.checks.iter().filter_map(|c| match &c.result {
            CheckResult::Failed(r) => Some((c.check, r)),
            _ => None,
        })
    }
}

/// The report for one signature file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentReport {
    /// The signature file.
    pub signature_file: String,
    /// The content that was checked (the signature file itself when attached).
    pub content_file: Option<String>,
    /// Worst of the signatures' indications.
    pub indication: Indication,
    /// The sub-indication of the worst signature, or of the document itself.
    pub sub_indication: Option<SubIndication>,
    /// One report per SignerInfo, in file order.
    pub signatures: Vec<SignatureReport>,
    /// Document-level problems and notes (not a SignedData, no signatures, content not used),
    /// with their codes and evidence; empty when there are none.
    pub problems: Vec<DocumentProblem>,
    /// The problems in English, one per entry of `problems`.
    pub messages: Vec<String>,
    /// For a PDF: who signed in which order, official then organisation (Decree 30/2020);
    /// absent for other documents and for a PDF without signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_order: Option<SigningOrder>,
}

impl DocumentReport {
    /// A document that could not be read as a SignedData at all.
    pub fn format_failure(signature_file: String, problem: DocumentProblem) -> Self {
        DocumentReport {
            signature_file,
            content_file: None,
            indication: Indication::TotalFailed,
            sub_indication: Some(SubIndication::FormatFailure),
            signatures: Vec::new(),
            messages: vec![problem.message(Lang::En)],
            problems: vec![problem],
            signing_order: None,
        }
    }

    /// A report for `signature_file` from its signatures' reports (in file order) and any
    /// document-level notes; the indication is the worst of the signatures'.
    pub(crate) fn new(
        signature_file: String,
        content_file: Option<String>,
        signatures: Vec<SignatureReport>,
        problems: Vec<DocumentProblem>,
    ) -> Self {
        let mut doc = DocumentReport {
            signature_file,
            content_file,
            indication: Indication::TotalFailed,
            sub_indication: None,
            signatures,
            messages: problems.iter().map(|p| p.message(Lang::En)).collect(),
            problems,
            signing_order: None,
        };
        doc.conclude();
        doc
    }

    fn conclude(&mut self) {
        if self.signatures.is_empty() {
            return;
        }
        let worst = self.signatures.iter().max_by_key(|s| s.indication);
        self.indication = worst.map_or(Indication::TotalFailed, |s| s.indication);
        self.sub_indication = worst.and_then(|s| s.sub_indication);
    }
}

/// An input a run found but did not verify (it is not a CMS signature, or a PDF without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SkippedInput {
    /// The file.
    pub file: String,
    /// What it is: `openpgp`, `ssh`, `minisign`, `asn1-not-signed-data`, `pdf-unsigned`,
    /// `unknown`.
    pub format: String,
    /// Why it was skipped (English).
    pub reason: String,
}

/// Counts over a run.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// Documents.
    pub total: usize,
    /// TOTAL-PASSED documents.
    pub passed: usize,
    /// TOTAL-FAILED documents.
    pub failed: usize,
    /// INDETERMINATE documents.
    pub indeterminate: usize,
}

/// A whole verification run: the `kyso.verify/v2` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// [`SCHEMA`] for reports kyso makes.
    pub schema: String,
    /// The time the signatures were validated at.
    pub validation_time: Timestamp,
    /// The validation policy the signatures were judged by, when the caller named it
    /// ([`Report::with_policy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyName>,
    /// Counts.
    pub summary: Summary,
    /// One entry per input, in input order.
    pub documents: Vec<DocumentReport>,
    /// Inputs found in folders that were not verified and are not counted in `summary` (a
    /// `.sig` that is OpenPGP, SSH or minisign; an unsigned PDF); empty for most runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedInput>,
    /// The verdict on the whole dossier, for `kyso verify --dossier`
    /// ([`crate::Verifier::verify_dossier`]); `documents` then holds its files' reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier: Option<DossierReport>,
}

impl Report {
    /// Gather document reports into a run report.
    pub fn new(validation_time: Timestamp, documents: Vec<DocumentReport>) -> Self {
        let mut summary = Summary {
            total: documents.len(),
            ..Summary::default()
        };
        for d in &documents {
            match d.indication {
                Indication::TotalPassed => summary.passed += 1,
                Indication::TotalFailed => summary.failed += 1,
                Indication::Indeterminate => summary.indeterminate += 1,
            }
        }
        Report {
            schema: SCHEMA.to_string(),
            validation_time,
            policy: None,
            summary,
            documents,
            skipped: Vec::new(),
            dossier: None,
        }
    }

    /// Name the validation policy in the report.
    pub fn with_policy(mut self, policy: PolicyName) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// Join the reports of runs over parts of one set of inputs (`kyso verify --shard K/N` on
    /// several machines) into one: the documents and skipped inputs in the order the parts
    /// are given, the summary counted again. The parts must use the same schema and
    /// validation policy; the validation time is the earliest of theirs (pin it with
    /// `--at` so every part validates at the same time). A dossier's report is not a part
    /// of anything and is refused.
    pub fn merge(parts: Vec<Report>) -> Result<Report, String> {
        let Some(first) = parts.first() else {
            return Err("no report to merge".into());
        };
        let policy = first.policy.clone();
        let mut at = first.validation_time;
        let mut documents = Vec::new();
        let mut skipped = Vec::new();
        for (i, p) in parts.into_iter().enumerate() {
            if p.schema != SCHEMA {
                return Err(format!(
                    "report {} has schema {}; only {SCHEMA} reports merge",
                    i + 1,
                    p.schema
                ));
            }
            if p.policy != policy {
                return Err(format!(
                    "report {} was validated under another policy ({}) than report 1 ({})",
                    i + 1,
                    p.policy.as_ref().map_or("none", |x| x.name.as_str()),
                    policy.as_ref().map_or("none", |x| x.name.as_str())
                ));
            }
            if p.dossier.is_some() {
                return Err(format!(
                    "report {} is a dossier's verdict, which is not a part of a batch",
                    i + 1
                ));
            }
            if p.validation_time.unix() < at.unix() {
                at = p.validation_time;
            }
            documents.extend(p.documents);
            // Each shard finds the same skipped files in the folders it walks: listed once.
            for x in p.skipped {
                if !skipped.iter().any(|y: &SkippedInput| y.file == x.file) {
                    skipped.push(x);
                }
            }
        }
        let mut merged = Report::new(at, documents);
        merged.policy = policy;
        merged.skipped = skipped;
        Ok(merged)
    }

    /// Add the dossier's verdict.
    pub fn with_dossier(mut self, dossier: DossierReport) -> Self {
        self.dossier = Some(dossier);
        self
    }

    /// The worst indication over all documents and the dossier's verdict (`None` for an
    /// empty run).
    pub fn worst(&self) -> Option<Indication> {
        self.documents
            .iter()
            .map(|d| d.indication)
            .chain(self.dossier.as_ref().map(|d| d.indication))
            .max()
    }
}
