//! The dossier verdict (hồ sơ): every document of a dossier with who signed it, in which role
//! and order, and what is wrong or missing (issue 15). The `dossier` object of a
//! `kyso.verify/v2` report made by `kyso verify --dossier`.

use serde::{Deserialize, Serialize};

use super::{Indication, Lang, SigningOrder, SubIndication};
use crate::encoding::time::Timestamp;
use crate::x509::role::RoleDecision;

/// Something a receiving desk must look at, for one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DossierFlag {
    /// No signature at all, and the policy does not allow that for this file.
    Unsigned,
    /// A signature is TOTAL-FAILED.
    FailedSignature,
    /// A signature is INDETERMINATE.
    IndeterminateSignature,
    /// Only an official signed: the organisation's signature that the policy requires (Decree
    /// 30/2020 for an issued document) is missing.
    MissingOrganisationSignature,
    /// Only the organisation signed, and the policy requires an official's signature too.
    MissingOfficialSignature,
    /// An official signed after the organisation.
    OrganisationBeforeOfficial,
    /// A signer's role is not in its certificate, so the required signatures cannot be
    /// checked.
    RoleUnknown,
    /// A signature was made after the deadline given (`--deadline`).
    SignedAfterDeadline,
    /// A signature file whose content is not in the dossier.
    ContentMissing,
}

impl DossierFlag {
    /// Stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            DossierFlag::Unsigned => "unsigned",
            DossierFlag::FailedSignature => "failed_signature",
            DossierFlag::IndeterminateSignature => "indeterminate_signature",
            DossierFlag::MissingOrganisationSignature => "missing_organisation_signature",
            DossierFlag::MissingOfficialSignature => "missing_official_signature",
            DossierFlag::OrganisationBeforeOfficial => "organisation_before_official",
            DossierFlag::RoleUnknown => "role_unknown",
            DossierFlag::SignedAfterDeadline => "signed_after_deadline",
            DossierFlag::ContentMissing => "content_missing",
        }
    }

    /// What the flag says, in words for the receiving desk: the one table the CLI's text
    /// report and the printable receipt ([`crate::receipt_html`]) share.
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            DossierFlag::Unsigned => lang.pick("not signed", "chưa ký"),
            DossierFlag::FailedSignature => {
                lang.pick("a signature failed", "có chữ ký không hợp lệ")
            }
            DossierFlag::IndeterminateSignature => lang.pick(
                "a signature could not be confirmed",
                "có chữ ký chưa xác định được",
            ),
            DossierFlag::MissingOrganisationSignature => lang.pick(
                "the organisation's signature is missing",
                "thiếu chữ ký của cơ quan, tổ chức",
            ),
            DossierFlag::MissingOfficialSignature => lang.pick(
                "the official's signature is missing",
                "thiếu chữ ký của người có thẩm quyền",
            ),
            DossierFlag::OrganisationBeforeOfficial => lang.pick(
                "the organisation signed before the official",
                "cơ quan, tổ chức ký trước người có thẩm quyền",
            ),
            DossierFlag::RoleUnknown => lang.pick(
                "a signer's role is not in its certificate",
                "chứng thư số không cho biết vai trò của người ký",
            ),
            DossierFlag::SignedAfterDeadline => {
                lang.pick("signed after the deadline", "ký sau thời hạn")
            }
            DossierFlag::ContentMissing => lang.pick(
                "the signed content is not in the dossier",
                "không có tài liệu được ký trong hồ sơ",
            ),
        }
    }

    /// What the flag makes of the dossier: INDETERMINATE for what cannot be decided
    /// (an indeterminate signature, an unknown role), TOTAL-FAILED for the rest.
    pub fn indication(self) -> Indication {
        match self {
            DossierFlag::IndeterminateSignature | DossierFlag::RoleUnknown => {
                Indication::Indeterminate
            }
            _ => Indication::TotalFailed,
        }
    }
}

/// One signer of a document, as the receiving desk reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DossierSigner {
    /// The signer certificate's common name.
    pub name: String,
    /// Its organisation (O), when it has one.
    pub organisation: Option<String>,
    /// Its Vietnamese identifiers (UID values such as `MST:0700123456`, `CCCD:001085012345`).
    pub identifiers: Vec<String>,
    /// Person or organisation, and why.
    pub role: RoleDecision,
    /// The signing time: the first valid time-stamp's (`time_proven`), else the time the
    /// signer claims (signing-time attribute or the PDF's /M).
    pub time: Option<Timestamp>,
    /// True when `time` is proven by a valid time-stamp.
    pub time_proven: bool,
    /// The signature's verdict.
    pub indication: Indication,
    /// Its sub-indication.
    pub sub_indication: Option<SubIndication>,
    /// The position of its report in the run's `documents`.
    pub document_index: usize,
    /// The position of the signature in that report's `signatures`.
    pub signature_index: usize,
}

/// One document of the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DossierDocument {
    /// The document, relative to the dossier (`/` separated): the content a detached
    /// signature signs, the PDF, or the `.p7m` for an attached signature.
    pub file: String,
    /// The files that carry its signatures (`cv.docx.p7s`; the PDF itself), relative too.
    pub signature_files: Vec<String>,
    /// The worst of its signatures' indications; absent when it has none.
    pub indication: Option<Indication>,
    /// Its signers in signing order (a PDF's revision order; for CMS, the time order).
    pub signers: Vec<DossierSigner>,
    /// The order of the signatures that did not fail.
    pub signing_order: Option<SigningOrder>,
    /// What the desk must look at, most serious first; empty when all is well.
    pub flags: Vec<DossierFlag>,
}

/// Counts over a dossier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DossierCounts {
    /// Documents.
    pub documents: usize,
    /// Documents with at least one signature.
    pub signed: usize,
    /// Documents without a signature.
    pub unsigned: usize,
    /// Documents with at least one flag.
    pub flagged: usize,
}

/// The verdict on a whole dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DossierReport {
    /// The dossier (the folder as given).
    pub path: String,
    /// TOTAL-PASSED when no document has a flag; TOTAL-FAILED when one has a failing flag;
    /// INDETERMINATE when the worst flags cannot be decided.
    pub indication: Indication,
    /// The deadline the signatures were held to (`--deadline`).
    pub deadline: Option<Timestamp>,
    /// Counts.
    pub counts: DossierCounts,
    /// Every document, in path order.
    pub documents: Vec<DossierDocument>,
}
