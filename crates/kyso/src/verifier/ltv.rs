//! The validation data of a CAdES B-LT signature (ETSI EN 319 122-1 §6.3): every certificate
//! and revocation value a verifier needs, offline, for the signer's path and for the path of
//! each signature-time-stamp's TSA. Gathered by validating those paths with the run's sources
//! (embedded, given, then online), keeping exactly the CRLs and OCSP responses that decided
//! each status, then checked: the same paths must validate again from that data alone.

use super::{build_path, Verifier};
use crate::cms::signed_data::{self, SignedData};
use crate::encoding::time::Timestamp;
use crate::error::ExtendRefusal;
use crate::path::ChainOutcome;
use crate::report::{Lang, Reason};
use crate::revocation::crl::RevocationStatus;
use crate::revocation::evidence::Value;
use crate::x509::cert::Certificate;

/// What a B-LT signature embeds: certificates (each once) and revocation values (each once).
#[derive(Default)]
pub(crate) struct ValidationData {
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) values: Vec<Value>,
}

/// One path to gather data for: its end entity, the pool to build it from, and the verifier
/// whose anchors and policy apply (the signature's, or the time-stamp verifier's).
struct Target<'v> {
    cert: Certificate,
    pool: Vec<Certificate>,
    verifier: &'v Verifier,
    /// The path already validated at an earlier proven time from what the signature embeds.
    proven: bool,
}

impl Verifier {
    /// The validation data for the SignerInfos `signers` (indexes) of `sd`, and for the TSAs
    /// of `tokens`, validated at `at` with what `sd` embeds and the verifier's sources.
    ///
    /// `proven` lists the SHA-256 fingerprints (hex) of end-entity certificates (signers,
    /// TSAs) whose paths the verifier validated at an earlier proven time from what `sd`
    /// embeds (an expired signer behind a valid time-stamp, a TSA behind a later archive
    /// time-stamp). When such a path no longer validates at `at`, nothing newer can be fetched
    /// for it and nothing more is needed: its data is in the signature already and the next
    /// archive time-stamp covers it (EN 319 122-1 §5.5.3 renewal). Any other path that does
    /// not validate refuses the extension.
    pub(crate) fn validation_data(
        &self,
        sd: &SignedData<'_>,
        signers: &[usize],
        tokens: &[Vec<u8>],
        at: Timestamp,
        proven: &[String],
    ) -> Result<ValidationData, ExtendRefusal> {
        let is_proven = |c: &Certificate| proven.contains(&c.sha256_fingerprint());
        let embedded = &self.embedded_certificates(sd);
        let (crls, ocsp) = sd.revocation_info();
        let mut policy = self.policy.clone();
        policy.crls.extend(crls);
        policy.ocsp.extend(ocsp);
        let policy = &policy;
        let signers: Vec<Certificate> = signers
            .iter()
            .filter_map(|&i| sd.signer_infos.get(i))
            .map(|si| {
                self.find_signer(si, embedded).ok_or_else(|| {
                    ExtendRefusal::ValidationDataIncomplete {
                        subject: si.sid.describe(),
                        detail: "the signer certificate is not in the signature".into(),
                    }
                })
            })
            .collect::<Result<_, _>>()?;
        let pool = |extra: &[Certificate], v: &Verifier| -> Vec<Certificate> {
            extra
                .iter()
                .chain(embedded)
                .chain(&v.intermediates)
                .cloned()
                .collect()
        };
        let mut targets: Vec<Target<'_>> = signers
            .into_iter()
            .map(|cert| Target {
                proven: is_proven(&cert),
                cert,
                pool: pool(&[], self),
                verifier: self,
            })
            .collect();
        let tsa = self.tsa_verifier();
        for token in tokens {
            let (cert, token_certs) =
                tsa.token_signer(token)
                    .ok_or_else(|| ExtendRefusal::ValidationDataIncomplete {
                        subject: "the time-stamping authority".into(),
                        detail: "the time-stamp token names no certificate kyso can find".into(),
                    })?;
            targets.push(Target {
                proven: is_proven(&cert),
                cert,
                pool: pool(&token_certs, tsa),
                verifier: tsa,
            });
        }

        let mut data = ValidationData::default();
        let mut skipped = vec![false; targets.len()];
        for (t, skip) in targets.iter().zip(&mut skipped) {
            // The time-stamp verifier's policy is the signature's (it is a clone), so the
            // document's embedded data and the run's fetcher serve both.
            let outcome = build_path(&t.cert, &t.pool, &t.verifier.anchors, at, policy);
            let mut one = ValidationData::default();
            match one.add(&outcome) {
                Ok(()) => data.merge(one),
                Err(_) if t.proven => *skip = true,
                Err(e) => return Err(e),
            }
        }

        // The check that makes it B-LT: offline, from the document and this data alone (no
        // fetcher, no intermediates given to the verifier), every path validates again.
        let mut offline = policy.clone();
        offline.fetcher = None;
        for v in &data.values {
            match v {
                Value::Crl(c) => offline.crls.push(c.clone()),
                Value::Ocsp(r) => offline.ocsp.push(r.clone()),
            }
        }
        for t in targets
            .iter()
            .zip(&skipped)
            .filter(|(_, s)| !**s)
            .map(|(t, _)| t)
        {
            let pool: Vec<Certificate> = t
                .pool
                .iter()
                .filter(|c| !t.verifier.intermediates.contains(c))
                .chain(&data.certificates)
                .cloned()
                .collect();
            let outcome = build_path(&t.cert, &pool, &t.verifier.anchors, at, &offline);
            ValidationData::default().add(&outcome)?;
        }
        Ok(data)
    }

    /// A time-stamp token's signer certificate and the certificates the token carries.
    fn token_signer(&self, token: &[u8]) -> Option<(Certificate, Vec<Certificate>)> {
        let normalized = signed_data::skeleton_of(token).ok()?;
        let sd = signed_data::parse(&normalized.der).ok()?;
        let certs = self.embedded_certificates(&sd);
        let signer = self.find_signer(sd.signer_infos.first()?, &certs)?;
        Some((signer, certs))
    }
}

impl ValidationData {
    fn merge(&mut self, other: ValidationData) {
        for c in other.certificates {
            if !self.certificates.contains(&c) {
                self.certificates.push(c);
            }
        }
        for v in other.values {
            if !self.values.iter().any(|w| w.der() == v.der()) {
                self.values.push(v);
            }
        }
    }

    /// Add a validated path's certificates and the values behind its statuses; a path that
    /// does not validate, or a certificate below the anchor without a good status from a CRL
    /// or OCSP response, leaves nothing a verifier could rely on later.
    fn add(&mut self, outcome: &ChainOutcome) -> Result<(), ExtendRefusal> {
        let incomplete =
            |c: &Certificate, detail: String| ExtendRefusal::ValidationDataIncomplete {
                subject: c.subject(),
                detail,
            };
        if let Some(e) = &outcome.error {
            let at = outcome.error_at.unwrap_or(0);
            let c = outcome.path.get(at).or(outcome.path.first());
            let detail = Reason::Chain(e.clone()).message(Lang::En);
            return Err(match c {
                Some(c) => incomplete(c, detail),
                None => ExtendRefusal::ValidationDataIncomplete {
                    subject: String::new(),
                    detail,
                },
            });
        }
        for c in &outcome.path {
            if !self.certificates.contains(c) {
                self.certificates.push(c.clone());
            }
        }
        let below_anchor = outcome.path.len().saturating_sub(1);
        for (i, c) in outcome.path[..below_anchor].iter().enumerate() {
            match outcome.revocation.get(i) {
                Some(RevocationStatus::Good { evidence }) => {
                    for v in &evidence.values.0 {
                        if !self.values.iter().any(|w| w.der() == v.der()) {
                            self.values.push(v.clone());
                        }
                    }
                }
                Some(RevocationStatus::Revoked { .. }) => {
                    return Err(incomplete(c, "the certificate is revoked".into()))
                }
                _ if c.revocation_urls().is_empty() => {
                    return Err(incomplete(
                        c,
                        "the certificate names no CRL or OCSP service, so there is no revocation status to embed".into(),
                    ))
                }
                _ => {
                    return Err(incomplete(
                        c,
                        "its revocation status could not be established (no CRL or OCSP response that says good)".into(),
                    ))
                }
            }
        }
        Ok(())
    }
}
