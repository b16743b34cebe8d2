//! What the report says about a signature inside a PDF (ISO 32000-1 §12.8, ETSI EN 319 142-1).

use serde::{Deserialize, Serialize};

/// A signature dictionary's kind (ISO 32000-1 §12.8.1; ISO 32000-2 §12.8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PdfSignatureKind {
    /// /Type /Sig (or no /Type): a CMS signature over the byte range.
    Signature,
    /// /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161: a time-stamp token over the byte range.
    DocumentTimeStamp,
}

/// What one later revision (incremental update) did, judged for one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PdfRevisionChanges {
    /// The revision, from 1 (the original document).
    pub revision: usize,
    /// Changes the signature allows: `signature_added` (a later signature or document
    /// time-stamp with its field and widget), `validation_data` (the DSS), `form_filling`,
    /// `annotations`, `metadata` (the document information dictionary or XMP metadata).
    pub allowed: Vec<String>,
    /// Changes it does not allow, each named (the object and what changed).
    pub not_allowed: Vec<String>,
}

/// Where a signature sits in its PDF and what happened to the document after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PdfSignatureInfo {
    /// The signature field's fully qualified name.
    pub field: String,
    /// Signature or document time-stamp.
    pub kind: PdfSignatureKind,
    /// /SubFilter as written.
    pub sub_filter: Option<String>,
    /// The /ByteRange as written.
    pub byte_range: Vec<i64>,
    /// The revision (from 1) whose end the byte range reaches, when it reaches one.
    pub revision: Option<usize>,
    /// True when the byte range reaches the end of the file (nothing was added after it).
    pub covers_whole_file: bool,
    /// The DocMDP permission of a certification signature (1, 2 or 3; ISO 32000-1 §12.8.2.2).
    pub certification: Option<i64>,
    /// /M: the signing time the signer claims (a PDF date string, not a proof of time).
    pub claimed_signing_time: Option<String>,
    /// /Reason.
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// /Name.
    pub name: Option<String>,
    /// Each revision after the signed one, with what it changed.
    pub later_revisions: Vec<PdfRevisionChanges>,
}
