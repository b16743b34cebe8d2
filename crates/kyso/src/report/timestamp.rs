//! What a signature time-stamp proves: an RFC 3161 token in the signature-time-stamp unsigned
//! attribute (ETSI EN 319 122-1 §5.3, CAdES B-T), validated by ETSI EN 319 102-1 §5.4: the
//! token is a signature by the TSA, checked like any signature ([`SignatureReport`]), plus the
//! RFC 3161 rules on what it time-stamps and who may issue it.

use serde::{Deserialize, Serialize};

use super::{Indication, Lang, SignatureReport, SubIndication};
use crate::encoding::time::Timestamp;
use crate::x509::cert::CertificateSummary;

/// The kind of time-stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimestampKind {
    /// id-aa-signatureTimeStampToken (RFC 3161 Appendix A, EN 319 122-1 §5.3): over the
    /// SignerInfo's signature value.
    SignatureTimeStamp,
    /// id-aa-ets-archiveTimestampV3 (EN 319 122-1 §5.5.3, CAdES B-LTA): over the signed
    /// content, the SignerInfo and, through its ats-hash-index-v3, the certificates,
    /// revocation values and unsigned attributes present when it was made.
    ArchiveTimeStampV3,
    /// A PDF document time-stamp (ISO 32000-2 §12.8.5, PAdES B-LTA): over the byte range of
    /// its revision.
    DocumentTimeStamp,
    /// An ASiC container's archive time-stamp (ETSI EN 319 162-1 Annex A.7): a token over an
    /// `ASiCArchiveManifest*.xml`, which lists the container's files (signatures, manifests,
    /// data objects, earlier archive manifests and tokens) with their digests.
    ContainerArchiveTimeStamp,
}

/// Why a time-stamp proves nothing, besides its own signature's problems (in `token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimestampProblem {
    /// The token is not a SignedData over a TSTInfo (RFC 3161 §2.4.2).
    #[serde(rename = "timestamp_malformed")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// The message imprint is not the hash of the signature value (RFC 3161 §2.4.2,
    /// EN 319 122-1 §5.3): the token time-stamps something else.
    #[serde(rename = "timestamp_imprint_mismatch")]
    ImprintMismatch,
    /// The message imprint's hash algorithm is one kyso does not compute.
    #[serde(rename = "timestamp_imprint_algorithm_unknown")]
    ImprintAlgorithmUnknown {
        /// Its OID.
        oid: String,
    },
    /// RFC 3161 §2.4.2: the token "MUST NOT contain any signatures other than the
    /// signature of the TSA".
    #[serde(rename = "timestamp_not_one_signer")]
    NotOneSigner {
        /// SignerInfos in the token.
        count: usize,
    },
    /// RFC 3161 §2.3: the TSA certificate "MUST contain only one instance of the extended
    /// key usage field extension ... with KeyPurposeID having value id-kp-timeStamping. This
    /// extension MUST be critical."
    #[serde(rename = "tsa_certificate_not_for_time_stamping")]
    TsaUsage {
        /// What is wrong: `no_eku`, `not_critical`, `other_purposes`.
        rule: String,
    },
    /// genTime is outside the TSA certificate's validity period.
    #[serde(rename = "timestamp_outside_tsa_validity")]
    OutsideTsaValidity {
        /// genTime.
        gen_time: Timestamp,
        /// The TSA certificate's notBefore.
        not_before: Timestamp,
        /// The TSA certificate's notAfter.
        not_after: Timestamp,
    },
    /// The token's signature, TSA certificate or path is not valid (see `token`).
    #[serde(rename = "timestamp_token_not_valid")]
    TokenNotValid,
    /// An archive time-stamp whose ats-hash-index-v3 is missing, unreadable, of an older
    /// kind, or lists an element the signature no longer holds (EN 319 122-1 §5.5.2).
    #[serde(rename = "timestamp_archive_index_invalid")]
    ArchiveIndex {
        /// What is wrong.
        detail: String,
    },
    /// A container archive time-stamp whose ASiCArchiveManifest cannot be used: not
    /// well-formed, no SigReference naming this token (EN 319 162-1 Annex A.7).
    #[serde(rename = "timestamp_archive_manifest_invalid")]
    ArchiveManifestInvalid {
        /// The manifest's entry.
        manifest: String,
        /// What is wrong.
        detail: String,
    },
    /// A file the ASiCArchiveManifest lists is listed twice, of an unknown digest method, or
    /// changed since the time-stamp: the token proves nothing about the files.
    #[serde(rename = "timestamp_archive_reference_failed")]
    ArchiveReferenceFailed {
        /// The manifest's entry.
        manifest: String,
        /// The file.
        file: String,
        /// What is wrong.
        detail: String,
    },
    /// A file the ASiCArchiveManifest lists is not in the container (removed since the
    /// time-stamp): what it proves cannot be checked.
    #[serde(rename = "timestamp_archive_reference_missing")]
    ArchiveReferenceMissing {
        /// The manifest's entry.
        manifest: String,
        /// The file.
        file: String,
    },
}

impl TimestampProblem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            TimestampProblem::Malformed { .. } => "timestamp_malformed",
            TimestampProblem::ImprintMismatch => "timestamp_imprint_mismatch",
            TimestampProblem::ImprintAlgorithmUnknown { .. } => {
                "timestamp_imprint_algorithm_unknown"
            }
            TimestampProblem::NotOneSigner { .. } => "timestamp_not_one_signer",
            TimestampProblem::TsaUsage { .. } => "tsa_certificate_not_for_time_stamping",
            TimestampProblem::OutsideTsaValidity { .. } => "timestamp_outside_tsa_validity",
            TimestampProblem::TokenNotValid => "timestamp_token_not_valid",
            TimestampProblem::ArchiveIndex { .. } => "timestamp_archive_index_invalid",
            TimestampProblem::ArchiveManifestInvalid { .. } => "timestamp_archive_manifest_invalid",
            TimestampProblem::ArchiveReferenceFailed { .. } => "timestamp_archive_reference_failed",
            TimestampProblem::ArchiveReferenceMissing { .. } => {
                "timestamp_archive_reference_missing"
            }
        }
    }

    /// The ETSI EN 319 102-1 sub-indication of a time-stamp with this problem (for
    /// [`TimestampProblem::TokenNotValid`], the token's own).
    pub fn sub_indication(&self) -> SubIndication {
        match self {
            TimestampProblem::Malformed { .. } | TimestampProblem::NotOneSigner { .. } => {
                SubIndication::FormatFailure
            }
            TimestampProblem::ImprintMismatch => SubIndication::HashFailure,
            TimestampProblem::ImprintAlgorithmUnknown { .. } => {
                SubIndication::CryptoConstraintsFailure
            }
            TimestampProblem::TsaUsage { .. } => SubIndication::ChainConstraintsFailure,
            TimestampProblem::OutsideTsaValidity { .. } => SubIndication::OutOfBoundsNoPoe,
            TimestampProblem::TokenNotValid => SubIndication::Generic,
            TimestampProblem::ArchiveIndex { .. }
            | TimestampProblem::ArchiveReferenceFailed { .. } => SubIndication::HashFailure,
            TimestampProblem::ArchiveManifestInvalid { .. } => SubIndication::FormatFailure,
            TimestampProblem::ArchiveReferenceMissing { .. } => SubIndication::SignedDataNotFound,
        }
    }

    /// What happened, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        use TimestampProblem::*;
        let vi = lang == Lang::Vi;
        match self {
            Malformed { detail } if vi => format!("dấu thời gian không đúng cấu trúc: {detail}"),
            Malformed { detail } => format!("the time-stamp token is malformed: {detail}"),
            ImprintMismatch if vi => {
                "dấu thời gian không gắn với chữ ký này (giá trị băm trong dấu thời gian khác giá trị băm của chữ ký)".into()
            }
            ImprintMismatch => {
                "the time-stamp is not over this signature (its message imprint differs from the hash of the signature value)".into()
            }
            ImprintAlgorithmUnknown { oid } if vi => {
                format!("dấu thời gian dùng thuật toán băm {oid} mà kyso không hỗ trợ")
            }
            ImprintAlgorithmUnknown { oid } => {
                format!("the time-stamp's hash algorithm {oid} is not one kyso computes")
            }
            NotOneSigner { count } if vi => format!(
                "dấu thời gian có {count} chữ ký; RFC 3161 chỉ cho phép một chữ ký của tổ chức cấp dấu thời gian"
            ),
            NotOneSigner { count } => format!(
                "the time-stamp token holds {count} signatures; RFC 3161 allows only the TSA's"
            ),
            TsaUsage { rule } if vi => format!(
                "chứng thư số của tổ chức cấp dấu thời gian không chỉ dành cho cấp dấu thời gian (extendedKeyUsage id-kp-timeStamping, critical, duy nhất; RFC 3161 §2.3): {}",
                tsa_rule(rule, true)
            ),
            TsaUsage { rule } => format!(
                "the TSA certificate is not a time-stamping certificate (RFC 3161 §2.3 asks for a critical extendedKeyUsage with id-kp-timeStamping only): {}",
                tsa_rule(rule, false)
            ),
            OutsideTsaValidity {
                gen_time,
                not_before,
                not_after,
            } if vi => format!(
                "thời điểm ghi trong dấu thời gian {gen_time} nằm ngoài thời hạn hiệu lực của chứng thư số tổ chức cấp dấu thời gian ({not_before} .. {not_after})"
            ),
            OutsideTsaValidity {
                gen_time,
                not_before,
                not_after,
            } => format!(
                "the time-stamp's genTime {gen_time} is outside the TSA certificate's validity ({not_before} .. {not_after})"
            ),
            ArchiveIndex { detail } if vi => format!(
                "dấu thời gian lưu trữ không kiểm tra được phần dữ liệu nó bảo vệ (ats-hash-index-v3): {detail}"
            ),
            ArchiveIndex { detail } => format!(
                "the archive time-stamp's ats-hash-index-v3 cannot be checked: {detail}"
            ),
            ArchiveManifestInvalid { manifest, detail } if vi => format!(
                "không đọc được {manifest}, bảng kê lưu trữ của dấu thời gian này: {detail}"
            ),
            ArchiveManifestInvalid { manifest, detail } => format!(
                "{manifest}, the archive manifest this time-stamp is over, cannot be used: {detail}"
            ),
            ArchiveReferenceFailed {
                manifest,
                file,
                detail,
            } if vi => format!(
                "tệp {file} trong bảng kê lưu trữ {manifest} không khớp ({detail}): dấu thời gian lưu trữ không chứng minh được gì về các tệp"
            ),
            ArchiveReferenceFailed {
                manifest,
                file,
                detail,
            } => format!(
                "{file}, listed in the archive manifest {manifest}, does not match ({detail}): the archive time-stamp proves nothing about the files"
            ),
            ArchiveReferenceMissing { manifest, file } if vi => format!(
                "tệp {file} có trong bảng kê lưu trữ {manifest} nhưng không còn trong gói"
            ),
            ArchiveReferenceMissing { manifest, file } => format!(
                "{file}, listed in the archive manifest {manifest}, is not in the container"
            ),
            TokenNotValid if vi => "chữ ký của tổ chức cấp dấu thời gian không hợp lệ".into(),
            TokenNotValid => "the TSA's signature on the time-stamp is not valid".into(),
        }
    }
}

fn tsa_rule(rule: &str, vi: bool) -> &'static str {
    match (rule, vi) {
        ("no_eku", false) => "it has no extendedKeyUsage",
        ("no_eku", true) => "không có extendedKeyUsage",
        ("not_critical", false) => "its extendedKeyUsage is not critical",
        ("not_critical", true) => "extendedKeyUsage không được đánh dấu critical",
        (_, false) => "its extendedKeyUsage allows other purposes or lacks id-kp-timeStamping",
        (_, true) => "extendedKeyUsage có mục đích khác hoặc thiếu id-kp-timeStamping",
    }
}

/// One time-stamp of a signature and what it proves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimestampReport {
    /// Which time-stamp.
    pub kind: TimestampKind,
    /// The time the TSA vouches for (TSTInfo genTime), when the token could be read.
    pub gen_time: Option<Timestamp>,
    /// The TSA policy (dotted OID).
    pub policy: Option<String>,
    /// TSTInfo serialNumber, hex.
    pub serial: Option<String>,
    /// The TSA certificate.
    pub tsa: Option<CertificateSummary>,
    /// TOTAL-PASSED when the time-stamp proves its genTime.
    pub indication: Indication,
    /// Why not, when it does not.
    pub sub_indication: Option<SubIndication>,
    /// The RFC 3161 problem, when there is one.
    pub problem: Option<TimestampProblem>,
    /// The token's own signature, checked like any signature (its checks, chain and
    /// revocation), when the token could be read.
    pub token: Option<Box<SignatureReport>>,
    /// Set when the time-stamp was validated at an earlier time than the validation time:
    /// the genTime of a valid archive time-stamp that covers it (ETSI EN 319 102-1 §5.6.3),
    /// because it no longer validates now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validated_at: Option<Timestamp>,
    /// For a container archive time-stamp: its token's entry, its manifest and the files
    /// that manifest lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asic: Option<AsicTimestampInfo>,
}

/// Where a container archive time-stamp sits (ETSI EN 319 162-1 Annex A.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AsicTimestampInfo {
    /// The token's entry (`META-INF/timestamp001.tst`).
    pub token_entry: String,
    /// The ASiCArchiveManifest it is over.
    pub manifest: String,
    /// The files the manifest lists, as named in the container; in a signature's report, those
    /// of that signature (its `.p7s`, its ASiCManifest and the files that manifest lists, or
    /// the ASiC-S data object), which keeps every report the size of its own signature.
    pub covers: Vec<String>,
}

impl TimestampReport {
    /// True when it proves that the signature existed at `gen_time`.
    pub fn is_valid(&self) -> bool {
        self.indication == Indication::TotalPassed && self.problem.is_none()
    }
}
