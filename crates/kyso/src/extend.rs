//! Augmenting existing signatures to a higher CAdES baseline level (ETSI EN 319 122-1 §6):
//! B-T adds a signature-time-stamp to each SignerInfo that has no valid one (§5.3); B-LT adds
//! the certificates and revocation values of the signers' and TSAs' paths to the SignedData's
//! `certificates` and `crls` (§6.3; OCSP responses as RFC 5940 §4.1 other revocation info).
//!
//! Signatures made by any tool are extended the same way. What a signature covers is never
//! touched: every SignerInfo keeps its bytes up to its signature value, and its existing
//! unsigned attributes in their order (a time-stamp is appended after them); existing
//! certificates and revocation values are copied byte for byte. A signature that does not
//! validate now is refused with the reason: time-stamping it would preserve a broken
//! signature. A signature already at the level is left as it is, so running `extend` again
//! changes nothing.

use std::io::Write;
use std::path::Path;

use crate::cms::builder::{self, SignedDataParts};
use crate::cms::envelope::{self, SigSource};
use crate::encoding::asn1::{self, tag};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::error::{Error, ExtendRefusal};
use crate::report::{DocumentReport, Indication, SignatureLevel};
use crate::revocation::evidence::Value;
use crate::signer::Timestamper;
use crate::verifier::Verifier;

/// Extends signatures to B-T or B-LT. The verifier decides what is valid (anchors, policy)
/// and, with a [`crate::Fetcher`], fetches the revocation data B-LT embeds; the
/// [`Timestamper`] gets the signature-time-stamps.
///
/// ```no_run
/// # use kyso::{Extender, SignatureLevel, Timestamp, Verifier};
/// # fn demo(verifier: Verifier, tsa: kyso::Timestamper) -> Result<(), kyso::Error> {
/// let extender = Extender::new(verifier, SignatureLevel::BLT, Timestamp::now())?.timestamper(tsa);
/// let (extended, outcome) = extender.extend_bytes(&std::fs::read("a.pdf.p7s")?, Some(&std::fs::read("a.pdf")?))?;
/// assert!(outcome.changed());
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
            || self.signatures.iter().any(|s| s.timestamp_added)
    }
}

impl Extender {
    /// An extender to `level` (B-T or B-LT), judging validity and getting validation data at
    /// `now` (kyso never reads the clock itself).
    pub fn new(verifier: Verifier, level: SignatureLevel, now: Timestamp) -> Result<Self, Error> {
        if !matches!(level, SignatureLevel::BT | SignatureLevel::BLT) {
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
        let report = self.verifier.verify_file(signature, content, self.now)?;
        let source = SigSource::File(signature.to_path_buf());
        self.extend(&source, &signature.display().to_string(), &report, out)
    }

    /// [`Extender::extend_file`] in memory; returns the new envelope (empty when nothing
    /// changed) and what was done.
    pub fn extend_bytes(
        &self,
        signature: &[u8],
        content: Option<&[u8]>,
    ) -> Result<(Vec<u8>, ExtendOutcome), Error> {
        let report = self.verifier.verify_bytes(signature, content, self.now);
        let mut out = Vec::new();
        let outcome = self.extend(&SigSource::Bytes(signature), "<memory>", &report, &mut out)?;
        Ok((out, outcome))
    }

    fn extend(
        &self,
        source: &SigSource<'_>,
        name: &str,
        report: &DocumentReport,
        out: &mut dyn Write,
    ) -> Result<ExtendOutcome, Error> {
        if report.signatures.is_empty() {
            return Err(Error::NotCms {
                path: name.to_string(),
                detail: report.messages.join("; "),
            });
        }
        // A broken signature is never extended; B-LT also needs a path and statuses that
        // hold now, or there is nothing a later verifier could rely on.
        for s in &report.signatures {
            let refuse = match s.indication {
                Indication::TotalFailed => true,
                Indication::Indeterminate => self.level == SignatureLevel::BLT,
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
        }
        let env = envelope::open_envelope(source, name, &[])?;
        let sd = crate::cms::signed_data::parse(&env.der)
            .map_err(|m| Error::Format(format!("{name}: {m}")))?;

        let mut signer_infos = Vec::with_capacity(sd.signer_infos.len());
        let mut signatures = Vec::with_capacity(sd.signer_infos.len());
        let mut tokens: Vec<Vec<u8>> = Vec::new();
        for (si, r) in sd.signer_infos.iter().zip(&report.signatures) {
            let existing = r
                .timestamps
                .iter()
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
                    let t = self.timestamper.as_ref().ok_or_else(|| {
                        ExtendRefusal::NeedsTimestamper {
                            level: self.level.as_str().to_string(),
                        }
                    })?;
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
                level_after: if r.level == SignatureLevel::BLT {
                    SignatureLevel::BLT
                } else {
                    SignatureLevel::BT
                },
                timestamp_added: added,
            });
        }

        let mut certificates: Vec<Vec<u8>> =
            sd.certificates.iter().map(|t| t.raw.to_vec()).collect();
        let mut crls: Vec<Vec<u8>> = sd.crls.iter().map(|t| t.raw.to_vec()).collect();
        let (mut certificates_added, mut revocation_values_added) = (0, 0);
        let already_lt = report
            .signatures
            .iter()
            .all(|s| s.level == SignatureLevel::BLT);
        if self.level == SignatureLevel::BLT && !already_lt {
            let all: Vec<usize> = (0..sd.signer_infos.len()).collect();
            let data = self
                .verifier
                .validation_data(&sd, &all, &tokens, self.now)?;
            for c in &data.certificates {
                let der = c.der().to_vec();
                if !certificates.contains(&der) {
                    certificates.push(der);
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
                if !crls.contains(&der) {
                    crls.push(der);
                    revocation_values_added += 1;
                }
            }
            for s in &mut signatures {
                s.level_after = SignatureLevel::BLT;
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
        // RFC 5652 §5.1: version 5 when `crls` holds an other-format entry (an OCSP response).
        let other_crls = crls.iter().any(|c| c.first() == Some(&tag::ctx_cons(1)));
        let parts = SignedDataParts {
            version: if other_crls { 5 } else { sd.version },
            digest_algorithms: sd
                .digest_algorithms
                .iter()
                .map(|t| t.raw.to_vec())
                .collect(),
            econtent_type: sd.econtent_type.to_vec(),
            certificates,
            crls,
            signer_infos,
        };
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
