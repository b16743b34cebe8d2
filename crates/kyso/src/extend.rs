//! Augmenting existing signatures to a higher CAdES baseline level (ETSI EN 319 122-1 §6):
//! B-T adds a signature-time-stamp to each SignerInfo that has no valid one (§5.3); B-LT adds
//! the certificates and revocation values of the signers' and TSAs' paths to the SignedData's
//! `certificates` and `crls` (§6.3; OCSP responses as RFC 5940 §4.1 other revocation info);
//! B-LTA then adds an archive-time-stamp-v3 (§5.5.3) to each SignerInfo.
//!
//! Signatures made by any tool are extended the same way. What a signature covers is never
//! touched: every SignerInfo keeps its bytes up to its signature value, and its existing
//! unsigned attributes in their order (a time-stamp is appended after them); existing
//! certificates and revocation values are copied byte for byte. A signature that does not
//! validate now is refused with the reason: time-stamping it would preserve a broken
//! signature. A signature already at B-T or B-LT is left as it is, so running `extend` again
//! changes nothing; B-LTA renews (a new archive time-stamp over the previous one).
//!
//! ASiC containers (extend/asic.rs): each `.p7s` is extended as above; an ASiC-E container at
//! B-LTA gets an ASiCArchiveManifest and its time-stamp token instead (EN 319 162-1 §A.7).

use std::io::Write;
use std::path::Path;

#[cfg(feature = "asic")]
mod asic;
mod pdf;

use crate::cms::archive;
use crate::cms::builder::{self, SignedDataParts};
use crate::cms::envelope::{self, SigSource};
use crate::crypto::DigestAlgorithm;
use crate::encoding::asn1::{self, tag};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::error::{Error, ExtendRefusal};
use crate::report::{DocumentReport, Indication, SignatureLevel, TimestampKind};
use crate::revocation::evidence::Value;
use crate::signer::Timestamper;
use crate::verifier::Verifier;

/// Extends signatures to B-T, B-LT or B-LTA. The verifier decides what is valid (anchors, policy)
/// and, with a [`crate::Fetcher`], fetches the revocation data B-LT embeds; the
/// [`Timestamper`] gets the signature-time-stamps.
///
/// ```no_run
/// # use kyso::{Extender, SignatureLevel, Timestamp, Verifier};
/// # fn demo(verifier: Verifier, tsa: kyso::Timestamper) -> Result<(), Box<dyn std::error::Error>> {
/// let extender = Extender::new(verifier, SignatureLevel::BLT, Timestamp::now())?.timestamper(tsa);
/// let (sig, doc) = (std::fs::read("a.pdf.p7s")?, std::fs::read("a.pdf")?);
/// let (extended, outcome) = extender.extend_bytes(&sig, Some(&doc))?;
/// if outcome.changed() {
///     std::fs::write("a.pdf.p7s.new", extended)?;
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Extender {
    verifier: Verifier,
    timestamper: Option<Timestamper>,
    level: SignatureLevel,
    now: Timestamp,
}

/// What extending did to one signature (SignerInfo).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtendedSignature {
    /// Position of the SignerInfo in the file (0-based).
    pub index: usize,
    /// The level the signature had.
    pub level_before: SignatureLevel,
    /// The level it has now.
    pub level_after: SignatureLevel,
    /// A signature-time-stamp was added.
    pub timestamp_added: bool,
    /// An archive-time-stamp-v3 was added (B-LTA, or its renewal).
    pub archive_timestamp_added: bool,
}

/// What extending did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtendOutcome {
    /// Each signature, in file order.
    pub signatures: Vec<ExtendedSignature>,
    /// Certificates added to the SignedData.
    pub certificates_added: usize,
    /// CRLs and OCSP responses added to the SignedData.
    pub revocation_values_added: usize,
}

impl ExtendOutcome {
    /// True when something was added; `false`: the file was already at the level and
    /// nothing was written.
    pub fn changed(&self) -> bool {
        self.certificates_added > 0
            || self.revocation_values_added > 0
            || self
                .signatures
                .iter()
                .any(|s| s.timestamp_added || s.archive_timestamp_added)
    }
}

impl Extender {
    /// An extender to `level` (B-T, B-LT or B-LTA), judging validity and getting validation data at
    /// `now` (kyso never reads the clock itself).
    pub fn new(verifier: Verifier, level: SignatureLevel, now: Timestamp) -> Result<Self, Error> {
        if !matches!(
            level,
            SignatureLevel::BT | SignatureLevel::BLT | SignatureLevel::BLTA
        ) {
            return Err(ExtendRefusal::UnsupportedLevel {
                level: level.as_str().to_string(),
            }
            .into());
        }
        Ok(Extender {
            verifier,
            timestamper: None,
            level,
            now,
        })
    }

    /// Where signature-time-stamps come from (needed unless every signature has a valid one).
    pub fn timestamper(mut self, t: Timestamper) -> Self {
        self.timestamper = Some(t);
        self
    }

    /// Extend the signature file `signature` (DER, BER or PEM); `content` is the signed file
    /// for a detached signature (`None`: `X` for `X.p7s`, or the embedded content). The new
    /// envelope (DER) is written to `out` only when [`ExtendOutcome::changed`].
    pub fn extend_file(
        &self,
        signature: &Path,
        content: Option<&Path>,
        out: &mut dyn Write,
    ) -> Result<ExtendOutcome, Error> {
        if content.is_none() && starts_as_pdf(signature) {
            let pdf = std::fs::read(signature).map_err(|e| Error::io(signature, e))?;
            return self.extend_pdf(&signature.display().to_string(), &pdf, out);
        }
        let report = self.verifier.verify_file(signature, content, self.now)?;
        let source = SigSource::File(signature.to_path_buf());
        // The detached content, for an archive time-stamp: the file the verifier used.
        let detached = content
            .map(Path::to_path_buf)
            .or_else(|| report.content_file.as_ref().map(std::path::PathBuf::from))
            .filter(|p| p != signature);
        let hash = |alg: DigestAlgorithm| -> Result<Vec<u8>, Error> {
            let p = detached.as_deref().ok_or_else(|| {
                Error::Format(format!(
                    "{}: the signed document is needed for an archive time-stamp",
                    signature.display()
                ))
            })?;
            envelope::hash_file_all(p, &[alg])?
                .remove(&alg)
                .ok_or_else(|| Error::Crypto(format!("could not compute the {alg} digest")))
        };
        self.extend(
            &source,
            &signature.display().to_string(),
            &report,
            &hash,
            out,
        )
    }

    /// [`Extender::extend_file`] in memory; returns the new envelope (empty when nothing
    /// changed) and what was done.
    pub fn extend_bytes(
        &self,
        signature: &[u8],
        content: Option<&[u8]>,
    ) -> Result<(Vec<u8>, ExtendOutcome), Error> {
        if content.is_none() && crate::verifier::is_pdf(signature) {
            let mut out = Vec::new();
            let outcome = self.extend_pdf("<memory>", signature, &mut out)?;
            return Ok((out, outcome));
        }
        let report = self.verifier.verify_bytes(signature, content, self.now);
        let mut out = Vec::new();
        let hash = |alg: DigestAlgorithm| -> Result<Vec<u8>, Error> {
            content.map(|c| alg.digest(c)).ok_or_else(|| {
                Error::Format("the signed document is needed for an archive time-stamp".into())
            })
        };
        let outcome = self.extend(
            &SigSource::Bytes(signature),
            "<memory>",
            &report,
            &hash,
            &mut out,
        )?;
        Ok((out, outcome))
    }

    /// The time-stamping service, which B-T and B-LTA need (refused without one).
    fn required_timestamper(&self) -> Result<&Timestamper, ExtendRefusal> {
        self.timestamper
            .as_ref()
            .ok_or_else(|| ExtendRefusal::NeedsTimestamper {
                level: self.level.as_str().to_string(),
            })
    }

    /// A broken signature is never extended; B-LT also needs a path and statuses that hold
    /// now, or there is nothing a later verifier could rely on.
    fn refuse_invalid(&self, report: &DocumentReport) -> Result<(), Error> {
        report
            .signatures
            .iter()
            .try_for_each(|s| self.refuse_signature(s))
    }

    /// [`Extender::refuse_invalid`] for one signature.
    fn refuse_signature(&self, s: &crate::report::SignatureReport) -> Result<(), Error> {
        let refuse = match s.indication {
            Indication::TotalFailed => true,
            Indication::Indeterminate => self.level != SignatureLevel::BT,
            _ => false,
        };
        if refuse {
            return Err(ExtendRefusal::SignatureNotValid {
                index: s.index,
                indication: s.indication.as_str().to_string(),
                sub_indication: s.sub_indication.map(|x| x.as_str()).unwrap_or_default(),
                detail: s.messages.join("; "),
            }
            .into());
        }
        Ok(())
    }

    /// B-LTA (EN 319 122-1 §5.5.3): an archive-time-stamp-v3 on every SignerInfo of `parts`
    /// (whose certificates and crls are final), its ats-hash-index-v3 in the token's own
    /// unsigned attributes. `content_hash` hashes the signed content.
    fn archive(
        &self,
        parts: &mut SignedDataParts,
        content_hash: &dyn Fn(DigestAlgorithm) -> Result<Vec<u8>, Error>,
        name: &str,
    ) -> Result<(), Error> {
        let t = self.required_timestamper()?;
        let alg = t.hash_algorithm();
        let hash = content_hash(alg)?;
        // The SignedData as it is now (detached form: the content enters through its hash).
        let mut draft = Vec::new();
        parts
            .write(&mut draft, None)
            .map_err(|e| Error::io(Path::new("<memory>"), e))?;
        let sd = crate::cms::signed_data::parse(&draft)
            .map_err(|m| Error::Format(format!("{name}: {m}")))?;
        let bad =
            |e: crate::encoding::asn1::Asn1Error| Error::Format(format!("{name}: {}", e.what));
        let mut stamped = Vec::with_capacity(sd.signer_infos.len());
        for si in &sd.signer_infos {
            let index = archive::hash_index_v3(&sd, si, alg);
            let input = archive::imprint_input(&sd, si, &hash, &index).map_err(bad)?;
            let token = t.stamp(&input, self.now)?;
            let index_attr = builder::attribute(&oid::ATS_HASH_INDEX_V3, &index);
            let token = crate::tsp::with_unsigned_attribute(&token, &index_attr)?;
            let attr = builder::attribute(&oid::ARCHIVE_TIME_STAMP_V3, &token);
            stamped.push(builder::with_unsigned_attributes(si.raw, &[attr]).map_err(bad)?);
        }
        parts.signer_infos = stamped;
        Ok(())
    }

    fn extend(
        &self,
        source: &SigSource<'_>,
        name: &str,
        report: &DocumentReport,
        detached_hash: &dyn Fn(DigestAlgorithm) -> Result<Vec<u8>, Error>,
        out: &mut dyn Write,
    ) -> Result<ExtendOutcome, Error> {
        if report.signatures.is_empty() {
            return Err(Error::NotCms {
                path: name.to_string(),
                detail: report.messages.join("; "),
            });
        }
        self.refuse_invalid(report)?;
        let archive_alg = self.timestamper.as_ref().map(Timestamper::hash_algorithm);
        let env = envelope::open_envelope(source, name, archive_alg.as_slice())?;
        let sd = crate::cms::signed_data::parse(&env.der)
            .map_err(|m| Error::Format(format!("{name}: {m}")))?;

        let mut signer_infos = Vec::with_capacity(sd.signer_infos.len());
        let mut signatures = Vec::with_capacity(sd.signer_infos.len());
        let mut tokens: Vec<Vec<u8>> = Vec::new();
        for (si, r) in sd.signer_infos.iter().zip(&report.signatures) {
            let existing = r
                .timestamps
                .iter()
                .filter(|t| t.kind == TimestampKind::SignatureTimeStamp)
                .zip(si.unsigned_attrs.iter().flat_map(|u| {
                    u.all(&oid::SIGNATURE_TIME_STAMP)
                        .into_iter()
                        .flat_map(|a| a.values.iter())
                }))
                .filter(|(t, _)| t.is_valid())
                .map(|(_, v)| v.raw.to_vec())
                .next();
            let (raw, added) = match existing {
                Some(token) => {
                    tokens.push(token);
                    (si.raw.to_vec(), false)
                }
                None => {
                    let t = self.required_timestamper()?;
                    // EN 319 122-1 §5.3: the imprint is the hash of the signature value.
                    let token = t.stamp(si.signature, self.now)?;
                    let attr = builder::attribute(&oid::SIGNATURE_TIME_STAMP, &token);
                    tokens.push(token);
                    let raw = builder::with_unsigned_attributes(si.raw, &[attr])
                        .map_err(|e| Error::Format(format!("{name}: {}", e.what)))?;
                    (raw, true)
                }
            };
            signer_infos.push(raw);
            signatures.push(ExtendedSignature {
                index: r.index,
                level_before: r.level,
                level_after: r.level.max(SignatureLevel::BT),
                timestamp_added: added,
                archive_timestamp_added: false,
            });
        }

        let mut parts = SignedDataParts::of(&sd);
        parts.signer_infos = signer_infos;
        let (mut certificates_added, mut revocation_values_added) = (0, 0);
        let already_lt = report
            .signatures
            .iter()
            .all(|s| s.level == SignatureLevel::BLT);
        // B-LTA gathers the data every time: a renewal adds what the previous archive
        // time-stamps' TSAs need.
        if self.level == SignatureLevel::BLTA {
            for si in &sd.signer_infos {
                if let Some(u) = &si.unsigned_attrs {
                    for a in u.all(&oid::ARCHIVE_TIME_STAMP_V3) {
                        tokens.extend(a.values.iter().map(|v| v.raw.to_vec()));
                    }
                }
            }
        }
        let needs_data = match self.level {
            SignatureLevel::BLT => !already_lt,
            level => level == SignatureLevel::BLTA,
        };
        if needs_data {
            let all: Vec<usize> = (0..sd.signer_infos.len()).collect();
            let data = self.verifier.validation_data(
                &sd,
                &all,
                &tokens,
                self.now,
                &proven_paths(report),
            )?;
            (certificates_added, revocation_values_added) = embed(&data, &mut parts);
            for s in &mut signatures {
                s.level_after = s.level_after.max(SignatureLevel::BLT);
            }
        }
        parts.settle_version();
        if self.level == SignatureLevel::BLTA {
            let content_hash =
                |alg: DigestAlgorithm| match env.content_len {
                    Some(_) => env.digests.get(&alg).cloned().ok_or_else(|| {
                        Error::Crypto(format!("could not compute the {alg} digest"))
                    }),
                    None => detached_hash(alg),
                };
            self.archive(&mut parts, &content_hash, name)?;
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
        if !outcome.changed() {
            return Ok(outcome);
        }
        let io = |e| Error::io(Path::new("<output>"), e);
        match env.content_len {
            None => parts.write(out, None).map_err(io)?,
            Some(len) => {
                let mut stream = |w: &mut dyn Write| envelope::copy_embedded_content(source, w);
                parts.write(out, Some((len, &mut stream))).map_err(io)?
            }
        }
        Ok(outcome)
    }
}

/// Add `data` to a SignedData's `certificates` and `crls` (DER), each value once; an OCSP
/// response goes in as RFC 5940 §4.1 says (the caller then settles the version). Returns
/// how many certificates and revocation values were added.
fn embed(data: &crate::verifier::ValidationData, parts: &mut SignedDataParts) -> (usize, usize) {
    let (mut certificates_added, mut values_added) = (0, 0);
    for c in &data.certificates {
        let der = c.der().to_vec();
        if !parts.certificates.contains(&der) {
            parts.certificates.push(der);
            certificates_added += 1;
        }
    }
    for v in &data.values {
        let der = match v {
            Value::Crl(c) => c.der().to_vec(),
            // RFC 5940 §4.1: OtherRevocationInfoFormat { id-ri-ocsp-response,
            // OCSPResponse } in RevocationInfoChoice other [1] IMPLICIT.
            Value::Ocsp(r) => asn1::tlv(
                tag::ctx_cons(1),
                &[
                    &asn1::tlv(tag::OID, &[oid::RI_OCSP_RESPONSE.as_bytes()]),
                    r.der(),
                ],
            ),
        };
        if !parts.crls.contains(&der) {
            parts.crls.push(der);
            values_added += 1;
        }
    }
    (certificates_added, values_added)
}

/// Whether the file starts with `%PDF-` (a PDF is extended by incremental updates).
fn starts_as_pdf(path: &Path) -> bool {
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && crate::verifier::is_pdf(&head)
}

/// The end-entity certificates (SHA-256 fingerprints) whose paths `report` validated at an
/// earlier proven time from what the signature embeds: signers behind a valid time-stamp,
/// TSAs behind a later archive time-stamp (see `Verifier::validation_data`).
fn proven_paths(report: &DocumentReport) -> Vec<String> {
    let mut out = Vec::new();
    for s in &report.signatures {
        if s.chain_validated_at.is_some() && s.validation_data_embedded {
            out.extend(s.signer.as_ref().map(|c| c.sha256_fingerprint.clone()));
        }
        for t in &s.timestamps {
            let embedded = t.token.as_ref().is_some_and(|r| r.validation_data_embedded);
            if t.is_valid() && t.validated_at.is_some() && embedded {
                out.extend(t.tsa.as_ref().map(|c| c.sha256_fingerprint.clone()));
            }
        }
    }
    out
}
