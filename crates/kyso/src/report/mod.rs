//! The validation report (schema `kyso.verify/v1`) with ETSI EN 319 102-1 indications.

mod chain;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::encoding::time::Timestamp;
use crate::path::ChainError;
use crate::x509::cert::CertificateSummary;

/// The schema name written in every JSON report.
pub const SCHEMA: &str = "kyso.verify/v1";

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
            SignerCertificate => lang.pick("signer certificate found", "tìm thấy chứng thư ký"),
            SigningCertificateReference => lang.pick(
                "signing-certificate attribute",
                "thuộc tính chứng thư ký (ESS)",
            ),
            SignedAttributes => lang.pick("signed attributes", "các thuộc tính được ký"),
            MessageDigest => lang.pick("document digest", "mã băm tài liệu"),
            Signature => lang.pick("signature value", "giá trị chữ ký"),
            AlgorithmPolicy => lang.pick("algorithm strength", "độ an toàn thuật toán"),
            CertificateChain => lang.pick(
                "certificate chain to a trust anchor",
                "chuỗi chứng thư đến gốc tin cậy",
            ),
            SignerKeyUsage => {
                lang.pick("certificate allowed for signing", "chứng thư được phép ký")
            }
            Revocation => lang.pick("revocation status", "trạng thái thu hồi"),
            Timestamp => lang.pick("signature time-stamp", "dấu thời gian"),
        }
    }
}

/// Why a check failed, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        attribute: &'static str,
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
    /// The certificate chain is not valid.
    Chain(ChainError),
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
            SignerCertificateNotFound { .. } | SigningCertificateMismatch { .. } => {
                SubIndication::NoSigningCertificateFound
            }
            ContentMissing { .. } => SubIndication::SignedDataNotFound,
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
            SignerCertificateNotFound { .. } => "signer_certificate_not_found",
            SigningCertificateMismatch { .. } => "signing_certificate_mismatch",
            ContentMissing { .. } => "content_missing",
            Chain(e) => e.code(),
            KeyUsageNotAllowed { .. } => "key_usage_not_allowed",
            ExtendedKeyUsageNotAllowed { .. } => "extended_key_usage_not_allowed",
        }
    }

    /// What happened and what to do, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        use Reason::*;
        let vi = lang == Lang::Vi;
        match self {
            Malformed { detail } => {
                if vi {
                    format!("cấu trúc chữ ký không hợp lệ: {detail}")
                } else {
                    format!("malformed signature: {detail}")
                }
            }
            MissingAttribute { attribute } => {
                if vi {
                    format!("thiếu thuộc tính được ký bắt buộc {attribute} (RFC 5652 §5.3)")
                } else {
                    format!("the required signed attribute {attribute} is missing (RFC 5652 §5.3)")
                }
            }
            DuplicateAttribute { attribute } => {
                if vi {
                    format!("thuộc tính {attribute} xuất hiện nhiều lần hoặc có nhiều giá trị")
                } else {
                    format!("the attribute {attribute} occurs more than once or has several values")
                }
            }
            ContentTypeMismatch { attribute, econtent_type } => {
                if vi {
                    format!("thuộc tính content-type ({attribute}) khác kiểu nội dung ({econtent_type})")
                } else {
                    format!("the content-type attribute ({attribute}) differs from the content type ({econtent_type})")
                }
            }
            DigestMismatch { algorithm, expected, computed } => {
                if vi {
                    format!("tài liệu đã bị thay đổi sau khi ký hoặc không phải tài liệu đã ký: mã băm {algorithm} tính được {computed}, giá trị đã ký {expected}; gợi ý: kiểm tra đúng tệp với --content")
                } else {
                    format!("the document was changed after signing, or is not the signed document: its {algorithm} digest is {computed} but the signed value is {expected}; hint: check you passed the right file with --content")
                }
            }
            SignatureInvalid { algorithm } => {
                if vi {
                    format!("giá trị chữ ký {algorithm} không khớp với khóa công khai của người ký")
                } else {
                    format!("the {algorithm} signature value does not verify with the signer's public key")
                }
            }
            UnsupportedAlgorithm { detail } => {
                if vi {
                    format!("thuật toán không được hỗ trợ: {detail}")
                } else {
                    format!("unsupported algorithm: {detail}")
                }
            }
            WeakAlgorithm { detail } => {
                if vi {
                    format!("thuật toán hoặc khóa quá yếu: {detail}")
                } else {
                    format!("algorithm or key too weak: {detail}")
                }
            }
            SignerCertificateNotFound { signer_id } => {
                if vi {
                    format!("không tìm thấy chứng thư của người ký ({signer_id}); gợi ý: cung cấp chứng thư bằng --intermediates")
                } else {
                    format!("the signer's certificate ({signer_id}) is not in the signature; hint: pass it with --intermediates")
                }
            }
            SigningCertificateMismatch { detail } => {
                if vi {
                    format!("thuộc tính signing-certificate không khớp chứng thư ký: {detail}")
                } else {
                    format!("the signing-certificate attribute does not match the signer certificate: {detail}")
                }
            }
            ContentMissing { looked_for } => match (vi, looked_for) {
                (false, Some(p)) => format!("detached signature without its content: '{p}' does not exist; hint: pass the signed file with --content"),
                (false, None) => "detached signature without its content; hint: pass the signed file with --content".into(),
                (true, Some(p)) => format!("chữ ký tách rời nhưng không có tài liệu: không có tệp '{p}'; gợi ý: chỉ định tệp đã ký bằng --content"),
                (true, None) => "chữ ký tách rời nhưng không có tài liệu; gợi ý: chỉ định tệp đã ký bằng --content".into(),
            },
            Chain(e) => e.message(lang),
            KeyUsageNotAllowed { key_usage } => {
                if vi {
                    format!("chứng thư không được phép ký tài liệu (keyUsage: {})", key_usage.join(", "))
                } else {
                    format!("the certificate is not allowed to sign documents (keyUsage: {}; needs digitalSignature or nonRepudiation)", key_usage.join(", "))
                }
            }
            ExtendedKeyUsageNotAllowed { ext_key_usage } => {
                if vi {
                    format!("chứng thư chỉ dùng cho mục đích khác (extendedKeyUsage: {}), không dùng để ký tài liệu", ext_key_usage.join(", "))
                } else {
                    format!("the certificate is for other purposes (extendedKeyUsage: {}), not document signing", ext_key_usage.join(", "))
                }
            }
        }
    }
}

/// Why a check was not performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// A signature time-stamp is present but time-stamps are not validated in this version.
    TimestampNotValidated,
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
            NoTimestamp => "no_timestamp",
        }
    }

    /// Why, in the given language.
    pub fn message(self, lang: Lang) -> &'static str {
        use SkipReason::*;
        match self {
            NoSignedAttributes => lang.pick(
                "no signed attributes: the signature covers the content directly (RFC 5652 §5.4)",
                "không có thuộc tính được ký: chữ ký phủ trực tiếp lên nội dung (RFC 5652 §5.4)",
            ),
            SignerCertificateNotFound => lang.pick("the signer certificate was not found", "không tìm thấy chứng thư ký"),
            AlgorithmsUnusable => lang.pick("the algorithms are unusable (see the structure check)", "thuật toán không dùng được (xem kiểm tra cấu trúc)"),
            ContentUnavailable => lang.pick("the signed content is not available", "không có nội dung đã ký"),
            MessageDigestUnusable => lang.pick(
                "the message-digest attribute is unusable (see the signed attributes check)",
                "thuộc tính message-digest không dùng được (xem kiểm tra thuộc tính được ký)",
            ),
            UnsupportedDigest => lang.pick("the digest algorithm is not supported", "thuật toán băm không được hỗ trợ"),
            NoSigningCertificateAttribute => lang.pick(
                "no ESS signing-certificate attribute: the signature does not bind the signer certificate (not CAdES baseline)",
                "không có thuộc tính ESS signing-certificate: chữ ký không gắn với chứng thư ký (không đạt CAdES baseline)",
            ),
            LegacyCryptoAllowed => lang.pick(
                "legacy algorithms were allowed by an insecure option",
                "thuật toán cũ được cho phép bằng tùy chọn không an toàn",
            ),
            RevocationNotSupported => lang.pick(
                "revocation (CRL/OCSP) is not checked by this version of kyso; the certificates' revocation status is unknown",
                "phiên bản kyso này chưa kiểm tra thu hồi (CRL/OCSP); chưa rõ chứng thư có bị thu hồi hay không",
            ),
            NoRevocationData => lang.pick(
                "no CRL given covers every certificate of the path, so their revocation status is unknown; hint: pass the CAs' CRLs with --crl (and --revocation required to insist)",
                "không có CRL nào được cung cấp cho mọi chứng thư trong chuỗi nên chưa rõ trạng thái thu hồi; gợi ý: cung cấp CRL của CA bằng --crl",
            ),
            RevocationOff => lang.pick(
                "revocation checking was turned off (--revocation off)",
                "đã tắt kiểm tra thu hồi (--revocation off)",
            ),
            PathNotValid => lang.pick(
                "the certificate path is not valid, so revocation was not evaluated",
                "chuỗi chứng thư không hợp lệ nên chưa kiểm tra thu hồi",
            ),
            TimestampNotValidated => lang.pick(
                "a signature time-stamp is present but this version of kyso does not validate time-stamps; it was not relied on",
                "có dấu thời gian nhưng phiên bản kyso này chưa kiểm tra dấu thời gian; không dựa vào nó",
            ),
            NoTimestamp => lang.pick("no signature time-stamp (CAdES B-B level)", "không có dấu thời gian (mức CAdES B-B)"),
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
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
pub struct Check {
    /// Which check.
    pub check: CheckName,
    /// Its outcome.
    pub result: CheckResult,
}

impl Serialize for Check {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("check", &self.check)?;
        match &self.result {
            CheckResult::Passed => m.serialize_entry("result", "passed")?,
            CheckResult::Failed(r) => {
                m.serialize_entry("result", "failed")?;
                m.serialize_entry("sub_indication", &r.sub_indication())?;
                m.serialize_entry("reason", r.code())?;
                m.serialize_entry("message", &r.message(Lang::En))?;
            }
            CheckResult::Skipped(why) => {
                m.serialize_entry("result", "skipped")?;
                m.serialize_entry("reason", why.code())?;
                m.serialize_entry("message", &why.message(Lang::En))?;
            }
        }
        m.end()
    }
}

/// The report for one SignerInfo.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// Position of the SignerInfo in the file (0-based, file order).
    pub index: usize,
    /// The verdict.
    pub indication: Indication,
    /// The most relevant sub-indication, when not TOTAL-PASSED.
    pub sub_indication: Option<SubIndication>,
    /// The signer certificate, when found.
    pub signer: Option<CertificateSummary>,
    /// The claimed signing time (signing-time attribute), when present. Not a proof of time.
    pub signing_time: Option<Timestamp>,
    /// Digest algorithm name.
    pub digest_algorithm: String,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The certificate path, signer first, trust anchor last (as far as it was built).
    pub chain: Vec<CertificateSummary>,
    /// Human explanation of each failure, with a hint (English).
    pub messages: Vec<String>,
}

impl SignatureReport {
    /// Derive indication, sub-indication and messages from the checks.
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
#[derive(Debug, Clone, Serialize)]
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
    /// Document-level problems (not a SignedData, no signatures), in English.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

impl DocumentReport {
    /// A document that could not be read as a SignedData at all.
    pub fn format_failure(signature_file: String, message: String) -> Self {
        DocumentReport {
            signature_file,
            content_file: None,
            indication: Indication::TotalFailed,
            sub_indication: Some(SubIndication::FormatFailure),
            signatures: Vec::new(),
            messages: vec![message],
        }
    }

    pub(crate) fn conclude(&mut self) {
        if self.signatures.is_empty() {
            return;
        }
        let worst = self.signatures.iter().max_by_key(|s| s.indication);
        self.indication = worst.map_or(Indication::TotalFailed, |s| s.indication);
        self.sub_indication = worst.and_then(|s| s.sub_indication);
    }
}

/// Counts over a run.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
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

/// A whole verification run: the `kyso.verify/v1` document.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The time the signatures were validated at.
    pub validation_time: Timestamp,
    /// Counts.
    pub summary: Summary,
    /// One entry per input, in input order.
    pub documents: Vec<DocumentReport>,
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
            schema: SCHEMA,
            validation_time,
            summary,
            documents,
        }
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The worst indication over all documents (`None` for an empty run).
    pub fn worst(&self) -> Option<Indication> {
        self.documents.iter().map(|d| d.indication).max()
    }
}
