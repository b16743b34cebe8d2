//! Signatures inside a PDF (ISO 32000-1 §12.8; ETSI EN 319 142-1, PAdES): every filled
//! signature field, in the order of the revisions they sign, each checked for its byte range,
//! verified with the same CMS, chain, revocation and time-stamp code as a .p7s over exactly
//! the bytes that range names, and judged for what later revisions changed.
//!
//! Fail-closed on purpose: a later change this code does not recognise as one a signature
//! allows (a later signature, validation data, form filling or annotations where DocMDP
//! permits them, document metadata) is reported as not allowed, and the signature fails.

use super::{Detached, Embedded, Verifier, VerifyContext};
use crate::cms::envelope::SigSource;
use crate::encoding::time::Timestamp;
use crate::pdf::{Dict, Document, Limits, Object, SignatureDict, SignatureField, Value};
use crate::report::{
    Check, CheckName, CheckResult, DocumentProblem, DocumentReport, Indication, PdfRevisionChanges,
    PdfSignatureInfo, PdfSignatureKind, Reason, SignatureLevel, SignatureReport, SigningOrder,
    SkipReason, SubIndication, TimestampKind,
};
use crate::revocation::crl::Crl;
use crate::revocation::evidence::Origin;
use crate::revocation::ocsp::OcspResponse;

/// Signature fields verified per PDF; more is hostile (each costs a CMS verification).
const MAX_PDF_SIGNATURES: usize = 64;

/// True when `bytes` start like a PDF (ISO 32000-1 §7.5.2: the header is the first line).
pub(crate) fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

impl Verifier {
    /// Verify every signature in a PDF held in memory (see the module documentation).
    pub fn verify_pdf_bytes(&self, name: &str, pdf: &[u8], at: Timestamp) -> DocumentReport {
        let name = name.to_string();
        let doc = match Document::parse(pdf, &Limits::default()) {
            Ok(d) => d,
            Err(e) => return unreadable(name, &e),
        };
        let mut fields = match doc.signature_fields() {
            Ok(f) => f,
            Err(e) => return unreadable(name, &e),
        };
        if fields.is_empty() {
            return DocumentReport::format_failure(name, DocumentProblem::PdfUnsigned);
        }
        if fields.len() > MAX_PDF_SIGNATURES {
            return DocumentReport::format_failure(
                name,
                DocumentProblem::TooManySigners {
                    count: fields.len(),
                    limit: MAX_PDF_SIGNATURES,
                },
            );
        }
        // Signing order is revision order (the revision each byte range ends at), not the
        // order of the fields in the form.
        fields.sort_by_key(|f| {
            (
                signed_revision(&doc, f).unwrap_or(usize::MAX),
                f.name.clone(),
            )
        });

        let dss = DssData::read(self, &doc);
        let embedded = Embedded {
            certificates: &dss.certificates,
            crls: &dss.crls,
            ocsp: &dss.ocsp,
            policy: &self.policy,
            covering: &[],
        };
        let mut ctx = VerifyContext::new();
        let mut signatures: Vec<SignatureReport> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| self.pdf_signature(&doc, f, i, &embedded, &mut ctx, at))
            .collect();
        // Past signature validation (ETSI EN 319 102-1 §5.6.2.4, §5.6.3) over the revisions:
        // a valid document time-stamp proves that every byte before it existed at its time
        // (PAdES B-LTA, EN 319 142-1 §5.4.3). A signature (or an older document time-stamp)
        // that fails now only for want of such a proof (an expired, revoked or weakened
        // certificate or algorithm) is validated again at the earliest time a later valid
        // document time-stamp proves, newest first so the time-stamps' own chain counts.
        let mut order: Vec<usize> = (0..signatures.len()).collect();
        order.sort_by_key(|&i| {
            std::cmp::Reverse(signatures[i].pdf.as_ref().and_then(|p| p.revision))
        });
        for i in order {
            if !needs_proof_of_existence(&signatures[i]) {
                continue;
            }
            let Some(rev) = signatures[i].pdf.as_ref().and_then(|p| p.revision) else {
                continue;
            };
            let Some(proof) = document_timestamp_proof(&signatures, rev) else {
                continue;
            };
            let mut again = self.pdf_signature(&doc, &fields[i], i, &embedded, &mut ctx, proof);
            if again.indication == Indication::TotalPassed {
                again.chain_validated_at = again.chain_validated_at.or(Some(proof));
                for t in &mut again.timestamps {
                    if t.kind == TimestampKind::DocumentTimeStamp {
                        t.validated_at = Some(proof);
                    }
                }
                signatures[i] = again;
            }
        }
        pades_levels(&mut signatures);
        let signing_order = SigningOrder::of_pdf(&signatures);
        let mut report = DocumentReport::new(name, None, signatures, Vec::new());
        report.signing_order = signing_order;
        report
    }

    fn pdf_signature(
        &self,
        doc: &Document<'_>,
        field: &SignatureField,
        index: usize,
        embedded: &Embedded<'_>,
        ctx: &mut VerifyContext,
        at: Timestamp,
    ) -> SignatureReport {
        let sig = match &field.signature {
            Ok(s) => s,
            Err(e) => {
                let reason = Reason::PdfByteRangeInvalid {
                    detail: format!("the signature dictionary cannot be read: {e}"),
                };
                return failed_signature(index, CheckName::PdfByteRange, reason, None);
            }
        };
        let rfc3161 = sig
            .sub_filter
            .as_ref()
            .is_some_and(|f| f.is("ETSI.RFC3161"));
        let kind = if rfc3161 || sig.ty.as_ref().is_some_and(|t| t.is("DocTimeStamp")) {
            PdfSignatureKind::DocumentTimeStamp
        } else {
            PdfSignatureKind::Signature
        };
        let sub_filter = sig.sub_filter.as_ref().map(|n| n.text());
        let range = check_byte_range(doc, field, sig);
        let revision = range.as_ref().ok().copied();
        let mut info = PdfSignatureInfo {
            field: field.name.clone(),
            kind,
            sub_filter: sub_filter.clone(),
            byte_range: sig.byte_range.clone().unwrap_or_default(),
            revision: revision.map(|r| r + 1),
            covers_whole_file: false,
            certification: certification(sig),
            claimed_signing_time: sig.m.clone(),
            reason: sig.reason.clone(),
            location: sig.location.clone(),
            name: sig.name.clone(),
            later_revisions: Vec::new(),
        };
        let rev = match range {
            Ok(r) => r,
            Err(detail) => {
                let reason = Reason::PdfByteRangeInvalid { detail };
                return failed_signature(index, CheckName::PdfByteRange, reason, Some(info));
            }
        };
        let Some((first, second)) = signed_parts(doc.bytes(), sig) else {
            let reason = Reason::PdfByteRangeInvalid {
                detail: "the byte range does not fit the file".into(),
            };
            return failed_signature(index, CheckName::PdfByteRange, reason, Some(info));
        };
        info.covers_whole_file = signed_end(sig) == Some(doc.bytes().len());
        let contents = sig
            .contents
            .as_ref()
            .map(|c| der_prefix(&c.bytes))
            .unwrap_or(&[]);

        let mut report = match (kind, sub_filter.as_deref()) {
            (PdfSignatureKind::Signature, Some("adbe.pkcs7.detached" | "ETSI.CAdES.detached")) => {
                let detached = Detached::Ranges(first, second);
                self.pdf_cms(ctx, &field.name, contents, detached, index, at, embedded)
            }
            (PdfSignatureKind::Signature, Some("adbe.pkcs7.sha1")) => {
                // ISO 32000-1 §12.8.3.3.1: the SignedData encapsulates the SHA-1 digest of the
                // byte range, and the signature covers that content.
                let mut s = self.pdf_cms(
                    ctx,
                    &field.name,
                    contents,
                    Detached::None,
                    index,
                    at,
                    embedded,
                );
                let mut encapsulated = Vec::new();
                let _ = crate::cms::envelope::copy_embedded_content(
                    &SigSource::Bytes(contents),
                    &mut encapsulated,
                );
                let computed = sha1_of(first, second);
                if encapsulated != computed {
                    push_failure(
                        &mut s,
                        CheckName::MessageDigest,
                        Reason::DigestMismatch {
                            algorithm: "sha1".into(),
                            expected: hex::encode(&encapsulated),
                            computed: hex::encode(&computed),
                        },
                    );
                }
                s
            }
            (PdfSignatureKind::DocumentTimeStamp, Some("ETSI.RFC3161")) => {
                // RFC 3161 tokens are checked against stamped bytes in memory (small for
                // a document time-stamp's revision is the whole file: copied once here).
                self.document_timestamp(contents, &[first, second].concat(), index, at, embedded)
            }
            _ => {
                let reason = Reason::PdfSubFilterUnsupported {
                    sub_filter: sub_filter.clone().unwrap_or_default(),
                };
                failed_signature(index, CheckName::Format, reason, None)
            }
        };
        report.checks.push(Check {
            check: CheckName::PdfByteRange,
            result: CheckResult::Passed,
        });
        let (mut later, mut not_allowed) = later_changes(doc, rev, info.certification);
        // Bytes after the last revision's end that belong to no revision: data appended
        // without an incremental update, which a repairing viewer may still show (shadow
        // attacks). Covered by no signature, so none may pass over them.
        if let Some(extra) = unsigned_tail(doc) {
            let revision = doc.revisions().len() + 1;
            let what = format!(
                "{extra} bytes after the end of the last revision (its %%EOF) belong to no revision"
            );
            not_allowed.get_or_insert(Reason::PdfModifiedAfterSigning {
                revision,
                changes: vec![what.clone()],
            });
            later.push(PdfRevisionChanges {
                revision,
                allowed: Vec::new(),
                not_allowed: vec![what],
            });
        }
        info.later_revisions = later;
        report.checks.push(Check {
            check: CheckName::PdfChanges,
            result: not_allowed.map_or(CheckResult::Passed, CheckResult::Failed),
        });
        report.pdf = Some(info);
        report.conclude();
        report
    }

    /// The CMS of a PDF signature, verified with the DSS as extra data; exactly one SignerInfo
    /// (EN 319 142-1).
    #[allow(clippy::too_many_arguments)]
    fn pdf_cms(
        &self,
        ctx: &mut VerifyContext,
        name: &str,
        contents: &[u8],
        detached: Detached<'_>,
        index: usize,
        at: Timestamp,
        embedded: &Embedded<'_>,
    ) -> SignatureReport {
        let doc_report = self
            .verify_source(
                ctx,
                name.to_string(),
                SigSource::Bytes(contents),
                detached,
                at,
                Some(embedded),
            )
            .unwrap_or_else(|e| {
                DocumentReport::format_failure(
                    name.to_string(),
                    DocumentProblem::Unreadable {
                        detail: e.to_string(),
                    },
                )
            });
        let count = doc_report.signatures.len();
        match doc_report.signatures.into_iter().next() {
            Some(mut s) if count == 1 => {
                s.index = index;
                s
            }
            Some(mut s) => {
                s.index = index;
                push_failure(
                    &mut s,
                    CheckName::Format,
                    Reason::PdfNotOneSignerInfo { count },
                );
                s
            }
            None => {
                let detail = doc_report.messages.join("; ");
                let reason = Reason::Malformed {
                    detail: format!("/Contents is not a CMS signature: {detail}"),
                };
                failed_signature(index, CheckName::Format, reason, None)
            }
        }
    }

    /// A document time-stamp (ISO 32000-2 §12.8.5): an RFC 3161 token whose imprint is the
    /// hash of the byte range, validated like a signature-time-stamp; the report entry is
    /// the TSA's signature, with the token's verdict as its time-stamp check. The DSS
    /// (`embedded`) serves the TSA's path as it serves the signers'.
    fn document_timestamp(
        &self,
        token: &[u8],
        signed: &[u8],
        index: usize,
        at: Timestamp,
        embedded: &Embedded<'_>,
    ) -> SignatureReport {
        let mut t = self.timestamp_report(
            crate::report::TimestampKind::DocumentTimeStamp,
            token,
            signed,
            at,
            Some(embedded),
        );
        let mut report = match t.token.take() {
            Some(s) => *s,
            None => failed_signature(
                index,
                CheckName::Format,
                Reason::Malformed {
                    detail: "the document time-stamp is not a time-stamp token".into(),
                },
                None,
            ),
        };
        report.index = index;
        // The entry is the TSA's signature over the TSTInfo; what makes it a proof for the
        // document is the imprint and the TSA rules, which the time-stamp check carries.
        report.checks.retain(|c| c.check != CheckName::Timestamp);
        report.checks.push(Check {
            check: CheckName::Timestamp,
            result: if t.is_valid() {
                CheckResult::Passed
            } else {
                CheckResult::Failed(Reason::PdfDocumentTimestampInvalid {
                    detail: t.problem.as_ref().map_or_else(
                        || "its token is not valid".into(),
                        |p| p.message(crate::report::Lang::En),
                    ),
                    sub_indication: t
                        .sub_indication
                        .unwrap_or(crate::report::SubIndication::Generic),
                })
            },
        });
        report.level = SignatureLevel::Cms;
        report.timestamps = vec![t];
        report
    }
}

/// A verdict that a proof of existence from before the trouble would turn into a pass
/// (EN 319 102-1 §5.6.2.4: REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE,
/// CRYPTO_CONSTRAINTS_FAILURE_NO_POE). Nothing else is retried: a wrong hash or signature, a
/// broken chain or an unknown status fails at any time.
fn needs_proof_of_existence(s: &SignatureReport) -> bool {
    s.indication == Indication::Indeterminate
        && matches!(
            s.sub_indication,
            Some(
                SubIndication::RevokedNoPoe
                    | SubIndication::OutOfBoundsNoPoe
                    | SubIndication::CryptoConstraintsFailureNoPoe
            )
        )
}

/// The earliest time a valid document time-stamp in a revision after `rev` proves.
fn document_timestamp_proof(signatures: &[SignatureReport], rev: usize) -> Option<Timestamp> {
    signatures
        .iter()
        .filter(|s| s.indication == Indication::TotalPassed)
        .filter(|s| {
            s.pdf.as_ref().is_some_and(|p| {
                p.kind == PdfSignatureKind::DocumentTimeStamp && p.revision.is_some_and(|r| r > rev)
            })
        })
        .filter_map(|s| s.timestamps.first().and_then(|t| t.gen_time))
        .min()
}

/// The PAdES baseline level of each signature (ETSI EN 319 142-1 §6): a valid document
/// time-stamp in a later revision makes it B-T (§6.3 Table 1: a signature-time-stamp or a
/// document time-stamp); B-LT when its path and that time-stamp's TSA path validated from what
/// the file carries (CMS and DSS, §5.4.2); B-LTA when a valid document time-stamp follows a
/// revision that added validation data (§5.4.3).
fn pades_levels(signatures: &mut [SignatureReport]) {
    let doc_ts: Vec<(usize, bool)> = signatures
        .iter()
        .filter(|s| {
            s.pdf
                .as_ref()
                .is_some_and(|p| p.kind == PdfSignatureKind::DocumentTimeStamp)
                && s.indication == Indication::TotalPassed
        })
        .filter_map(|s| Some((s.pdf.as_ref()?.revision?, s.validation_data_embedded)))
        .collect();
    for s in signatures.iter_mut() {
        let Some(pdf) = s.pdf.as_ref() else { continue };
        if pdf.kind != PdfSignatureKind::Signature || s.indication == Indication::TotalFailed {
            continue;
        }
        let Some(rev) = pdf.revision else { continue };
        let later: Vec<&(usize, bool)> = doc_ts.iter().filter(|(r, _)| *r > rev).collect();
        if s.level == SignatureLevel::BB && !later.is_empty() {
            s.level = if s.validation_data_embedded && later[0].1 {
                SignatureLevel::BLT
            } else {
                SignatureLevel::BT
            };
        }
        let data_revisions: Vec<usize> = pdf
            .later_revisions
            .iter()
            .filter(|r| r.allowed.iter().any(|a| a == "validation_data"))
            .map(|r| r.revision)
            .collect();
        let archived = later
            .iter()
            .any(|(r, _)| data_revisions.iter().any(|d| d < r));
        if s.level == SignatureLevel::BLT && archived {
            s.level = SignatureLevel::BLTA;
        }
    }
}

fn unreadable(name: String, e: &crate::pdf::PdfError) -> DocumentReport {
    DocumentReport::format_failure(
        name,
        DocumentProblem::PdfUnreadable {
            pdf_code: e.code().to_string(),
            detail: e.to_string(),
        },
    )
}

/// A report for a PDF signature that could not be verified at all: one failed check.
fn failed_signature(
    index: usize,
    check: CheckName,
    reason: Reason,
    pdf: Option<PdfSignatureInfo>,
) -> SignatureReport {
    let mut s = SignatureReport::empty(index);
    s.checks.push(Check {
        check,
        result: CheckResult::Failed(reason),
    });
    s.checks.push(Check {
        check: CheckName::Signature,
        result: CheckResult::Skipped(SkipReason::AlgorithmsUnusable),
    });
    s.pdf = pdf;
    s.conclude();
    s
}

fn push_failure(s: &mut SignatureReport, check: CheckName, reason: Reason) {
    s.checks.push(Check {
        check,
        result: CheckResult::Failed(reason),
    });
    s.conclude();
}

/// The SignedData at the start of /Contents: the placeholder is padded with zeros after it
/// (ISO 32000-1 §12.8.1), and some writers use BER indefinite lengths (X.690 §8.1.3.6). A
/// value whose length cannot be read is passed whole, and the CMS reader says what is wrong.
pub(crate) fn der_prefix(contents: &[u8]) -> &[u8] {
    match ber_length(contents, 0) {
        Some(n) => &contents[..n],
        None => contents,
    }
}

/// The length of the BER TLV at the start of `data` (definite or indefinite, X.690 §8.1),
/// nested at most 64 deep; `None` when it is not one.
fn ber_length(data: &[u8], depth: usize) -> Option<usize> {
    if depth > 64 {
        return None;
    }
    let first = *data.first()?;
    let mut i = 1;
    if first & 0x1f == 0x1f {
        // High tag number: base-128 bytes, the last without bit 8.
        while *data.get(i)? & 0x80 != 0 {
            i += 1;
            if i > 6 {
                return None;
            }
        }
        i += 1;
    }
    let len_byte = *data.get(i)?;
    i += 1;
    if len_byte == 0x80 {
        // Indefinite: constructed contents up to the end-of-contents octets 00 00.
        if first & 0x20 == 0 {
            return None;
        }
        loop {
            let rest = data.get(i..)?;
            if rest.starts_with(&[0, 0]) {
                return Some(i + 2);
            }
            i = i.checked_add(ber_length(rest, depth + 1)?)?;
        }
    }
    let len = if len_byte & 0x80 == 0 {
        usize::from(len_byte)
    } else {
        let n = usize::from(len_byte & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for _ in 0..n {
            len = (len << 8) | usize::from(*data.get(i)?);
            i += 1;
        }
        len
    };
    let end = i.checked_add(len)?;
    (end <= data.len()).then_some(end)
}

/// SHA-1 over the two parts of a byte range (adbe.pkcs7.sha1); empty if OpenSSL fails, which
/// then fails the comparison.
fn sha1_of(first: &[u8], second: &[u8]) -> Vec<u8> {
    let Ok(mut h) = crate::crypto::DigestAlgorithm::Sha1.hasher() else {
        return Vec::new();
    };
    if [first, second].iter().any(|part| h.update(part).is_err()) {
        return Vec::new();
    }
    h.finish().map(|d| d.to_vec()).unwrap_or_default()
}

/// How many bytes follow the last revision's %%EOF line, when they are more than end-of-line
/// and padding (whitespace and NUL, which writers leave).
fn unsigned_tail(doc: &Document<'_>) -> Option<usize> {
    let end = doc.revisions().last()?.eof?.after;
    let tail = doc.bytes().get(end..)?;
    let junk = tail
        .iter()
        .any(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0c));
    junk.then_some(tail.len())
}

/// The end of the byte range (c + d), when it is four non-negative numbers.
fn signed_end(sig: &SignatureDict) -> Option<usize> {
    match sig.byte_range.as_deref()? {
        [_, _, c, d] => usize::try_from(c.checked_add(*d)?).ok(),
        _ => None,
    }
}

/// The revision (from 0) a signature's /ByteRange ends at, as `signed_revision` would find it
/// if the range is sound; `None` otherwise.
fn signed_revision(doc: &Document<'_>, field: &SignatureField) -> Option<usize> {
    let sig = field.signature.as_ref().ok()?;
    let end = signed_end(sig)?;
    doc.revisions()
        .iter()
        .position(|r| r.eof.is_some_and(|e| e.after == end || e.after_eol == end))
}

/// ISO 32000-1 §12.8.1: the /ByteRange gives the exact bytes the digest is over: the whole
/// file of the signed revision except the /Contents hex string, delimiters included. The
/// checks: no key given twice in the signature dictionary, four non-negative integers,
/// starting at 0, the gap exactly the /Contents token, the end exactly a revision's end (its
/// %%EOF line), and that revision at or after the one that defines the signature. Returns
/// that revision (from 0) or why the range is not sound.
fn check_byte_range(
    doc: &Document<'_>,
    field: &SignatureField,
    sig: &SignatureDict,
) -> Result<usize, String> {
    if sig.dict.has_duplicate_keys() {
        return Err(
            "the signature dictionary names a key twice (a second /Contents or /ByteRange)".into(),
        );
    }
    let Some(br) = sig.byte_range.as_deref() else {
        return Err("/ByteRange is missing or not an array of integers".into());
    };
    let [a, b, c, d] = *br else {
        return Err(format!("/ByteRange has {} numbers, not 4", br.len()));
    };
    if [a, b, c, d].iter().any(|n| *n < 0) {
        return Err(format!(
            "/ByteRange [{a} {b} {c} {d}] has a negative number"
        ));
    }
    if a != 0 {
        return Err(format!(
            "/ByteRange starts at {a}, not at the start of the file"
        ));
    }
    let len = doc.bytes().len() as i64;
    let end = c.checked_add(d).unwrap_or(i64::MAX);
    if b > c || end > len {
        return Err(format!(
            "/ByteRange [{a} {b} {c} {d}] overlaps itself or goes past the end of the file ({len} bytes)"
        ));
    }
    let Some(contents) = &sig.contents else {
        return Err("/Contents is missing".into());
    };
    let Some(span) = contents.span else {
        return Err("/Contents is not in the file itself (inside an object stream)".into());
    };
    if !contents.hex || contents.indirect {
        return Err(
            "/Contents is not a hexadecimal string written in the signature dictionary".into(),
        );
    }
    if span.start as i64 != b || span.end as i64 != c {
        return Err(format!(
            "the gap of /ByteRange ({b}..{c}) is not exactly the /Contents string ({}..{})",
            span.start, span.end
        ));
    }
    let Some(rev) = signed_revision(doc, field) else {
        return Err(format!(
            "/ByteRange ends at {end}, which is not the end of any revision (each ends with %%EOF)"
        ));
    };
    if let Some(first) = field.first_revision {
        if first > rev {
            return Err(format!(
                "the signature dictionary was written in revision {}, after the revision its byte range covers",
                first + 1
            ));
        }
    }
    Ok(rev)
}

/// The two parts of the file the byte range names, in order.
fn signed_parts<'a>(file: &'a [u8], sig: &SignatureDict) -> Option<(&'a [u8], &'a [u8])> {
    let [a, b, c, d] = *sig.byte_range.as_deref()? else {
        return None;
    };
    let part = |from: i64, len: i64| {
        let from = usize::try_from(from).ok()?;
        let to = from.checked_add(usize::try_from(len).ok()?)?;
        file.get(from..to)
    };
    Some((part(a, b)?, part(c, d)?))
}

/// DocMDP /P of a certification signature (ISO 32000-1 §12.8.2.2): absent /P means 2.
fn certification(sig: &SignatureDict) -> Option<i64> {
    sig.references
        .iter()
        .find(|r| r.transform_method.as_ref().is_some_and(|m| m.is("DocMDP")))
        .map(|r| r.p.unwrap_or(2))
}

/// What each revision after `rev` changed, and the first change the signature does not allow.
fn later_changes(
    doc: &Document<'_>,
    rev: usize,
    certification: Option<i64>,
) -> (Vec<PdfRevisionChanges>, Option<Reason>) {
    let mut out = Vec::new();
    let mut first_bad = None;
    for later in rev + 1..doc.revisions().len() {
        let (allowed, not_allowed) = match classify_revision(doc, later, certification) {
            Ok(x) => x,
            Err(e) => (
                Vec::new(),
                vec![format!("the revision cannot be read: {e}")],
            ),
        };
        if first_bad.is_none() && !not_allowed.is_empty() {
            first_bad = Some(Reason::PdfModifiedAfterSigning {
                revision: later + 1,
                changes: not_allowed.clone(),
            });
        }
        out.push(PdfRevisionChanges {
            revision: later + 1,
            allowed,
            not_allowed,
        });
    }
    (out, first_bad)
}

/// The change kinds of revision `rev` against `rev - 1` (ISO 32000-1 §12.8.2.2 Table 254:
/// /P 1 no changes; 2 form filling and signing; 3 also annotations; ETSI EN 319 142-1 §5.4:
/// DSS and document time-stamps are always allowed). Without DocMDP, annotations are allowed
/// too. Every object the revision redefines is looked at; new objects only matter through
/// the ones that refer to them.
fn classify_revision(
    doc: &Document<'_>,
    rev: usize,
    certification: Option<i64>,
) -> Result<(Vec<String>, Vec<String>), crate::pdf::PdfError> {
    let mut allowed: Vec<String> = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    let mut allow = |k: &str| {
        if !allowed.iter().any(|a| a == k) {
            allowed.push(k.to_string());
        }
    };
    let bytes = doc.bytes();
    let prev = rev - 1;
    let root = |r: usize| {
        doc.trailer(r)
            .ok()
            .and_then(|t| t.get("Root").and_then(Object::as_ref))
    };
    let info = |r: usize| {
        doc.trailer(r)
            .ok()
            .and_then(|t| t.get("Info").and_then(Object::as_ref))
    };
    if root(rev) != root(prev) {
        bad.push("the document catalog was replaced".into());
    }
    // Annotations other than a new signature's widget only under DocMDP /P 3 (as pyHanko
    // judges an approval signature: an added annotation can draw over the signed page).
    let metadata = |r: usize| {
        let catalog = doc.get_in_revision(root(r)?, r).ok()??;
        dict(&catalog)?.get("Metadata").and_then(Object::as_ref)
    };
    let annotations_ok = certification == Some(3);
    let form_ok = certification.is_none_or(|p| p >= 2);
    // The form's signature fields and widgets as of this revision, read once for all its changes.
    let widgets = signature_widgets(doc, rev);
    for change in doc.changes(rev)? {
        let (Some((before_ref, before)), Some((_, after))) = (&change.before, &change.after) else {
            if change.before.is_some() {
                bad.push(format!("object {} was deleted", change.num));
            }
            continue;
        };
        if same(bytes, before, after) {
            continue;
        }
        let (Some(b), Some(a)) = (dict(before), dict(after)) else {
            // A stream or array redefined: allowed only as the XMP metadata or a /Fields,
            // /Annots array that only grows.
            match (array(before), array(after)) {
                (Some(old), Some(new))
                    if grows(bytes, old, new)
                        && new[old.len()..]
                            .iter()
                            .all(|r| is_signature_widget(doc, r, rev, &widgets)) =>
                {
                    // An indirect /Annots or /Fields array that only gains signatures.
                    allow("signature_added");
                }
                _ if is_metadata(before) && Some(*before_ref) == metadata(prev) => {
                    allow("metadata")
                }
                _ => bad.push(format!("object {} changed", change.num)),
            }
            continue;
        };
        let changed = changed_keys(bytes, b, a);
        let only = |keys: &[&str]| changed.iter().all(|k| keys.contains(&k.as_str()));
        if Some(*before_ref) == root(prev) {
            if only(&["AcroForm", "DSS", "Extensions", "Metadata", "Version"]) {
                allow(if changed.iter().any(|k| k == "DSS") {
                    "validation_data"
                } else {
                    "signature_added"
                });
            } else {
                bad.push(format!("the catalog changed: /{}", changed.join(", /")));
            }
        } else if Some(*before_ref) == info(prev) {
            // The document information dictionary (§14.3.3). An indirect /Extensions
            // dictionary changed in place is not allowed: other objects may refer to it.
            allow("metadata");
        } else if b.is_type("Page") {
            let empty: &[Object] = &[];
            let added = match (b.get("Annots"), a.get("Annots")) {
                (None, Some(n)) => n.as_array().map(|n| n.to_vec()),
                (Some(o), Some(n)) => match (o.as_array(), n.as_array()) {
                    (Some(o), Some(n)) if grows(bytes, o, n) => Some(n[o.len()..].to_vec()),
                    _ => None,
                },
                _ => Some(empty.to_vec()),
            };
            let widgets = added
                .as_deref()
                .is_some_and(|x| x.iter().all(|r| is_signature_widget(doc, r, rev, &widgets)));
            if only(&["Annots"]) && widgets {
                allow("signature_added");
            } else if only(&["Annots"]) && added.is_some() && annotations_ok {
                allow("annotations");
            } else {
                bad.push(format!(
                    "page object {} changed: /{}",
                    change.num,
                    changed.join(", /")
                ));
            }
        } else if is_field(b) {
            // A field's value filled in (/V), its appearance updated: form filling, or a
            // signature into an empty signature field.
            let sig_field = b.name("FT").is_some_and(|n| n.is("Sig"));
            // Signing an empty signature field also sets its widget's flags (/F, e.g. print).
            let signing = sig_field && b.get("V").is_none() && only(&["V", "AP", "AS", "MK", "F"]);
            if signing || only(&["V", "AP", "AS", "MK"]) {
                if signing {
                    allow("signature_added");
                } else if form_ok && !sig_field {
                    allow("form_filling");
                } else {
                    bad.push(format!(
                        "field object {} changed: /{}",
                        change.num,
                        changed.join(", /")
                    ));
                }
            } else {
                bad.push(format!(
                    "field object {} changed: /{}",
                    change.num,
                    changed.join(", /")
                ));
            }
        } else if is_acroform(b) {
            if only(&["Fields", "SigFlags", "DR", "DA", "NeedAppearances"]) {
                allow("signature_added");
            } else {
                bad.push(format!("the form changed: /{}", changed.join(", /")));
            }
        } else if b.get("VRI").is_some() || b.get("OCSPs").is_some() || b.get("CRLs").is_some() {
            allow("validation_data");
        } else {
            let ty = b.name("Type").map(|n| n.text()).unwrap_or_default();
            bad.push(format!(
                "object {} {ty} changed: /{}",
                change.num,
                changed.join(", /")
            ));
        }
    }
    // ISO 32000-1 §12.8.2.2 Table 254, /P 1: "No changes to the document shall be
    // permitted". A later signature is a change; validation data and document time-stamps
    // (ETSI EN 319 142-1 §5.4) are not counted, as pyHanko counts them (LTA updates).
    if certification == Some(1) {
        for name in signatures_added(doc, rev)? {
            bad.push(format!(
                "a signature was added in field '{name}', which the certification signature \
                 does not allow (DocMDP /P 1: no changes)"
            ));
        }
    }
    Ok((allowed, bad))
}

/// The fields whose signature (not a document time-stamp) revision `rev` adds.
fn signatures_added(doc: &Document<'_>, rev: usize) -> Result<Vec<String>, crate::pdf::PdfError> {
    let before: Vec<_> = doc
        .signature_fields_in(rev - 1)?
        .into_iter()
        .map(|f| (f.name, f.value_ref))
        .collect();
    Ok(doc
        .signature_fields_in(rev)?
        .into_iter()
        .filter(|f| {
            !before
                .iter()
                .any(|(n, r)| *n == f.name && *r == f.value_ref)
        })
        .filter(|f| match &f.signature {
            Ok(sig) => {
                !(sig.ty.as_ref().is_some_and(|t| t.is("DocTimeStamp"))
                    || sig
                        .sub_filter
                        .as_ref()
                        .is_some_and(|t| t.is("ETSI.RFC3161")))
            }
            Err(_) => true,
        })
        .map(|f| f.name)
        .collect())
}

fn dict(o: &Object) -> Option<&Dict> {
    match &o.value {
        Value::Dict(d) => Some(d),
        _ => None,
    }
}

fn array(o: &Object) -> Option<&[Object]> {
    o.as_array()
}

fn is_metadata(o: &Object) -> bool {
    matches!(&o.value, Value::Stream(s) if s.dict.is_type("Metadata"))
}

/// A reference (or direct dictionary) to a widget of a signature field, as of revision
/// `rev`: /FT /Sig on it (a merged field and widget) or on its /Parent, or listed in the /Kids
/// of a signature field of the form (`widgets`, from [`signature_widgets`]: a widget without
/// /Parent, which writers produce).
fn is_signature_widget(
    doc: &Document<'_>,
    o: &Object,
    rev: usize,
    widgets: &[crate::pdf::ObjRef],
) -> bool {
    if let Some(r) = o.as_ref() {
        if widgets.contains(&r) {
            return true;
        }
    }
    let Ok(o) = doc.resolve(o, rev) else {
        return false;
    };
    let Some(d) = dict(&o) else {
        return false;
    };
    let sig = |d: &Dict| d.name("FT").is_some_and(|n| n.is("Sig"));
    let widget = d.name("Subtype").is_some_and(|s| s.is("Widget"));
    let parent_sig = || {
        d.get("Parent")
            .and_then(|p| doc.resolve(p, rev).ok())
            .is_some_and(|p| dict(&p).is_some_and(sig))
    };
    (sig(d) && (widget || d.get("Subtype").is_none())) || (widget && parent_sig())
}

/// The signature fields of the form as of `rev` and their direct /Kids (bounded by the
/// reader's field limit).
fn signature_widgets(doc: &Document<'_>, rev: usize) -> Vec<crate::pdf::ObjRef> {
    let mut out = Vec::new();
    let Ok(catalog) = doc.catalog(rev) else {
        return out;
    };
    let Ok(Some(form)) = doc.dict_of(&catalog, "AcroForm", rev, "the catalog's") else {
        return out;
    };
    let Ok(Some(fields)) = doc.entry_of(&form, "Fields", rev) else {
        return out;
    };
    let limit = doc.limits().max_fields;
    for f in fields.as_array().unwrap_or_default().iter().take(limit) {
        let Some(r) = f.as_ref() else { continue };
        let Ok(field) = doc.resolve(f, rev) else {
            continue;
        };
        let Some(d) = dict(&field) else { continue };
        if !d.name("FT").is_some_and(|n| n.is("Sig")) {
            continue;
        }
        out.push(r);
        if let Ok(Some(kids)) = doc.entry_of(d, "Kids", rev) {
            out.extend(
                kids.as_array()
                    .unwrap_or_default()
                    .iter()
                    .take(limit)
                    .filter_map(Object::as_ref),
            );
        }
    }
    out
}

fn is_field(d: &Dict) -> bool {
    d.get("FT").is_some() || d.get("T").is_some() && d.get("Parent").is_some()
}

fn is_acroform(d: &Dict) -> bool {
    d.get("Fields").is_some()
}

/// The keys whose values differ (added, removed or changed).
fn changed_keys(bytes: &[u8], a: &Dict, b: &Dict) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for (k, v) in &a.entries {
        let same_value = b.get(&k.text()).is_some_and(|w| same(bytes, v, w));
        if !same_value && !keys.contains(&k.text()) {
            keys.push(k.text());
        }
    }
    for (k, _) in &b.entries {
        if a.get(&k.text()).is_none() && !keys.contains(&k.text()) {
            keys.push(k.text());
        }
    }
    keys
}

/// `new` keeps every element of `old` in order and adds at the end.
fn grows(bytes: &[u8], old: &[Object], new: &[Object]) -> bool {
    new.len() >= old.len() && old.iter().zip(new).all(|(a, b)| same(bytes, a, b))
}

/// Structural equality, ignoring where the objects sit in the file; streams compare their
/// dictionaries and their raw data.
fn same(bytes: &[u8], a: &Object, b: &Object) -> bool {
    match (&a.value, &b.value) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(bytes, p, q))
        }
        (Value::Dict(x), Value::Dict(y)) => same_dict(bytes, x, y),
        (Value::Stream(x), Value::Stream(y)) => {
            same_dict(bytes, &x.dict, &y.dict)
                && bytes.get(x.data.start..x.data.end) == bytes.get(y.data.start..y.data.end)
        }
        (Value::String(x), Value::String(y)) => x.bytes == y.bytes,
        (x, y) => x == y,
    }
}

fn same_dict(bytes: &[u8], x: &Dict, y: &Dict) -> bool {
    x.entries.len() == y.entries.len()
        && x.entries
            .iter()
            .all(|(k, v)| y.get(&k.text()).is_some_and(|w| same(bytes, v, w)))
}

/// The DSS's certificates, CRLs and OCSP responses (ETSI EN 319 142-1 §5.4.2), parsed; what
/// does not parse is left out (the DSS is unsigned data: it can only help a path validate).
struct DssData {
    certificates: Vec<crate::x509::cert::Certificate>,
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponse>,
}

impl DssData {
    fn read(v: &Verifier, doc: &Document<'_>) -> DssData {
        let mut out = DssData {
            certificates: Vec::new(),
            crls: Vec::new(),
            ocsp: Vec::new(),
        };
        let Ok(Some(dss)) = doc.dss() else {
            return out;
        };
        let certs = dss
            .certs
            .iter()
            .chain(dss.vri.iter().flat_map(|x| &x.certs));
        for c in certs.take(super::MAX_CERTIFICATES) {
            if let Ok(c) = v.certificates.parse(&c.data) {
                if !out.certificates.contains(&c) {
                    out.certificates.push(c);
                }
            }
        }
        for c in dss
            .crls
            .iter()
            .chain(dss.vri.iter().flat_map(|x| &x.crls))
            .take(256)
        {
            // The DSS is part of the document: its data is embedded data (a PAdES B-LT
            // signature's validation data, EN 319 142-1 §5.4.2).
            if let Ok(c) = Crl::from_der(&c.data) {
                out.crls.push(c.with_origin(Origin::embedded()));
            }
        }
        for o in dss
            .ocsps
            .iter()
            .chain(dss.vri.iter().flat_map(|x| &x.ocsps))
            .take(256)
        {
            if let Ok(o) = OcspResponse::from_der(&o.data) {
                out.ocsp.push(o.with_origin(Origin::embedded()));
            }
        }
        out
    }
}
