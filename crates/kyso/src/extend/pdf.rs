//! Augmenting the signatures of a PDF (ETSI EN 319 142-1 §5.4, §6): each level is one more
//! incremental update, so every earlier byte (and every signature over it) stays as it was.
//!
//! * B-T: a signature whose CMS has no signature-time-stamp gets a document time-stamp after
//!   it (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161; §6.3 Table 1 accepts either as the
//!   B-T time-stamp). The CMS itself is never rewritten: it sits in a revision already signed.
//! * B-LT: the certificates, CRLs and OCSP responses that validate every signer's and TSA's
//!   path go into the document security store (/DSS, §5.4.2.2), checked to validate offline.
//! * B-LTA: B-LT, then a document time-stamp over the whole file, DSS included (§5.4.3), and
//!   that time-stamp's own validation data in a last DSS update, so the file validates
//!   offline; run again later, it adds a new time-stamp and its data (renewal).

use std::io::Write;

use super::{proven_paths, ExtendOutcome, ExtendedSignature, Extender};
use crate::encoding::oid;
use crate::error::Error;
use crate::pdf::sign::{self, DssAdditions, NewSignature, SigKind};
use crate::pdf::{Document, Limits};
use crate::report::{PdfSignatureKind, SignatureLevel};
use crate::revocation::evidence::Value;
use crate::signer::pdf::{pdf_error, update_id};

/// Bytes reserved for a document time-stamp token (with its TSA's certificates).
const DOC_TIMESTAMP_SPACE: usize = 16 * 1024;

impl Extender {
    /// Extend the signatures of the PDF `pdf` to the extender's level. The original bytes
    /// and the new revisions are written to `out` only when [`ExtendOutcome::changed`].
    pub fn extend_pdf(
        &self,
        name: &str,
        pdf: &[u8],
        out: &mut dyn Write,
    ) -> Result<ExtendOutcome, Error> {
        let report = self.verifier.verify_pdf_bytes(name, pdf, self.now);
        if report.signatures.is_empty() {
            return Err(Error::Pdf(format!(
                "{name}: no signature to extend: {}",
                report.messages.join("; ")
            )));
        }
        self.refuse_invalid(&report)?;
        let is_doc_ts = |s: &crate::SignatureReport| {
            s.pdf
                .as_ref()
                .is_some_and(|p| p.kind == PdfSignatureKind::DocumentTimeStamp)
        };
        let mut signatures: Vec<ExtendedSignature> = report
            .signatures
            .iter()
            .filter(|s| !is_doc_ts(s))
            // The verifier's PAdES level: B-T with a signature-time-stamp or a later valid
            // document time-stamp.
            .map(|s| ExtendedSignature {
                index: s.index,
                level_before: s.level,
                level_after: s.level.max(SignatureLevel::BT),
                timestamp_added: false,
                archive_timestamp_added: false,
            })
            .collect();
        if signatures.is_empty() {
            return Err(Error::Pdf(format!(
                "{name}: the PDF holds only document time-stamps, no signature to extend"
            )));
        }
        // Every path (signers', TSAs' of the valid time-stamps, document time-stamps') already
        // validated from what the file carries: B-LT has nothing to add.
        let data_complete = report.signatures.iter().all(|s| {
            s.validation_data_embedded
                && s.timestamps
                    .iter()
                    .filter(|t| t.is_valid())
                    .all(|t| t.token.as_ref().is_none_or(|r| r.validation_data_embedded))
        });
        let mut file = pdf.to_vec();
        let needs_t = signatures
            .iter()
            .any(|s| s.level_before < SignatureLevel::BT);
        if needs_t {
            self.append_document_timestamp(&mut file)?;
            for s in signatures
                .iter_mut()
                .filter(|s| s.level_before < SignatureLevel::BT)
            {
                s.timestamp_added = true;
            }
        }
        let (mut certificates_added, mut revocation_values_added) = (0, 0);
        let mut add_dss = |file: &mut Vec<u8>| -> Result<(), Error> {
            let additions = self.pdf_validation_data(file, &report)?;
            let doc = Document::parse(file, &Limits::default()).map_err(pdf_error)?;
            if let Some((update, c, v)) = sign::prepare_dss(
                &doc,
                &additions,
                update_id(file, &self.now.unix().to_be_bytes()),
            )
            .map_err(pdf_error)?
            {
                certificates_added += c;
                revocation_values_added += v;
                file.extend_from_slice(&update);
            }
            Ok(())
        };
        if self.level == SignatureLevel::BLTA
            || (self.level == SignatureLevel::BLT && (needs_t || !data_complete))
        {
            add_dss(&mut file)?;
            for s in &mut signatures {
                s.level_after = s.level_after.max(SignatureLevel::BLT);
            }
        }
        if self.level == SignatureLevel::BLTA {
            self.append_document_timestamp(&mut file)?;
            // The new time-stamp's own validation data after it, so the file validates
            // offline now; the next renewal's time-stamp covers it.
            add_dss(&mut file)?;
            for s in &mut signatures {
                s.level_after = SignatureLevel::BLTA;
                s.archive_timestamp_added = true;
            }
        }
        let outcome = ExtendOutcome {
            signatures,
            certificates_added,
            revocation_values_added,
        };
        if outcome.changed() {
            out.write_all(&file)
                .map_err(|e| Error::io(std::path::Path::new("<output>"), e))?;
        }
        Ok(outcome)
    }

    /// A document time-stamp over the whole of `file`, appended as a new revision.
    fn append_document_timestamp(&self, file: &mut Vec<u8>) -> Result<(), Error> {
        let t = self.required_timestamper()?;
        let mut space = DOC_TIMESTAMP_SPACE;
        for _ in 0..2 {
            let doc = Document::parse(file, &Limits::default()).map_err(pdf_error)?;
            let mut prepared = sign::prepare(
                &doc,
                NewSignature {
                    kind: SigKind::DocTimeStamp,
                    field: None,
                    placement: None,
                    appearance: None,
                    contents_len: space,
                    new_id: update_id(file, &self.now.unix().to_be_bytes()),
                },
            )
            .map_err(pdf_error)?;
            let (a, b) = prepared.signed_update_parts();
            let stamped = [file.as_slice(), a, b].concat();
            let token = t.stamp(&stamped, self.now)?;
            match prepared.fill(&token) {
                Ok(()) => {
                    file.extend_from_slice(&prepared.update);
                    return Ok(());
                }
                Err(needed) => space = needed + 1024,
            }
        }
        Err(Error::Crypto(
            "the document time-stamp did not fit the space reserved for it".into(),
        ))
    }

    /// The certificates and revocation values of every signer's and TSA's path (signature-
    /// and document time-stamps), less the certificates the signatures already carry.
    fn pdf_validation_data(
        &self,
        file: &[u8],
        report: &crate::DocumentReport,
    ) -> Result<DssAdditions, Error> {
        let doc = Document::parse(file, &Limits::default()).map_err(pdf_error)?;
        let mut cms: Vec<Vec<u8>> = Vec::new();
        let mut doc_tokens: Vec<Vec<u8>> = Vec::new();
        for f in doc.signature_fields().map_err(pdf_error)? {
            let Ok(sig) = &f.signature else { continue };
            let Some(c) = &sig.contents else { continue };
            let der = crate::verifier::der_prefix(&c.bytes).to_vec();
            if sig
                .sub_filter
                .as_ref()
                .is_some_and(|s| s.is("ETSI.RFC3161"))
            {
                doc_tokens.push(der);
            } else {
                cms.push(der);
            }
        }
        let proven = proven_paths(report);
        let mut add = DssAdditions::default();
        let mut carried: Vec<Vec<u8>> = Vec::new();
        for (i, der) in cms.iter().enumerate() {
            let sd = crate::cms::signed_data::parse(der)
                .map_err(|m| Error::Format(format!("a PDF signature's CMS: {m}")))?;
            carried.extend(sd.certificates.iter().map(|t| t.raw.to_vec()));
            let mut tokens: Vec<Vec<u8>> = sd
                .signer_infos
                .iter()
                .filter_map(|si| si.unsigned_attrs.as_ref())
                .flat_map(|u| {
                    u.all(&oid::SIGNATURE_TIME_STAMP)
                        .into_iter()
                        .flat_map(|a| a.values.iter().map(|v| v.raw.to_vec()))
                        .collect::<Vec<_>>()
                })
                .collect();
            if i == 0 {
                tokens.extend(doc_tokens.iter().cloned());
            }
            let all: Vec<usize> = (0..sd.signer_infos.len()).collect();
            let data = self
                .verifier
                .validation_data(&sd, &all, &tokens, self.now, &proven)?;
            for c in &data.certificates {
                let der = c.der().to_vec();
                if !carried.contains(&der) && !add.certs.contains(&der) {
                    add.certs.push(der);
                }
            }
            for v in &data.values {
                let (list, der) = match v {
                    Value::Crl(c) => (&mut add.crls, c.der().to_vec()),
                    Value::Ocsp(r) => (&mut add.ocsps, r.der().to_vec()),
                };
                if !list.contains(&der) {
                    list.push(der);
                }
            }
        }
        Ok(add)
    }
}
