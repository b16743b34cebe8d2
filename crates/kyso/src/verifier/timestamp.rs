//! Signature time-stamps (CAdES B-T, ETSI EN 319 122-1 §5.3) validated as ETSI EN 319 102-1
//! §5.4 says: the token is a signature by the TSA, so it goes through the same SignerInfo and
//! path code as any signature ([`Verifier::verify_bytes`] with the time-stamping policy),
//! then the RFC 3161 rules: the imprint is the hash of the signature value, one signer, a TSA
//! certificate for time-stamping only, genTime inside its validity.

use super::{Embedded, Verifier};
use crate::cms::archive;
use crate::cms::signed_data::{self, SignedData, SignerInfo};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::report::DocumentReport;
use crate::report::{Indication, TimestampKind, TimestampProblem, TimestampReport};
use crate::tsp::TimeStampToken;
use crate::x509::cert::Certificate;

/// Signature time-stamps validated per SignerInfo; real signatures carry one.
const MAX_TIMESTAMPS: usize = 4;
/// Archive time-stamps validated per SignerInfo: one per renewal, every few years for decades.
const MAX_ARCHIVE_TIMESTAMPS: usize = 16;

impl Verifier {
    /// The verifier for time-stamp tokens: the same anchors (or the TSA anchors), certificates,
    /// revocation sources and algorithm rules, with the signer required to be a TSA
    /// (id-kp-timeStamping) and to bind its certificate with an ESS attribute (RFC 3161 §2.4.2
    /// via RFC 5816).
    pub(super) fn tsa_verifier(&self) -> &Verifier {
        self.tsa.get_or_init(|| {
            let mut v = Verifier {
                anchors: self
                    .tsa_anchors
                    .clone()
                    .unwrap_or_else(|| self.anchors.clone()),
                intermediates: self.intermediates.clone(),
                policy: self.policy.clone(),
                validation: self.validation.clone(),
                revocation_override: self.revocation_override,
                legacy_forced: self.legacy_forced,
                certificates: self.certificates.clone(),
                tsa_anchors: None,
                trust_lists: self.trust_lists.clone(),
                tsa: Default::default(),
            };
            v.validation.signer_ekus = vec![oid::EKU_TIME_STAMPING.to_string()];
            v.validation.require_signed_attributes = true;
            v.validation.require_signing_certificate = true;
            Box::new(v)
        })
    }

    /// Every signature-time-stamp of `si`, validated at `at`.
    pub(super) fn signature_timestamps(
        &self,
        si: &SignerInfo<'_>,
        at: Timestamp,
        outer: &Embedded<'_>,
    ) -> Vec<TimestampReport> {
        signature_time_stamp_values(si)
            .into_iter()
            .map(|v| self.signature_timestamp_report(v, si, at, outer))
            .collect()
    }

    /// EN 319 102-1 §5.6.3 (past signature validation): when no signature-time-stamp of `si`
    /// validates now (`now` holds their reports), a valid archive time-stamp (in `archive`,
    /// validated now or down the archive chain) proves that the ones its ats-hash-index-v3
    /// covers existed at its genTime: those are validated again at that time; the others keep
    /// their report. `None` when that does not give a valid one.
    pub(super) fn signature_timestamps_at_archive_time(
        &self,
        si: &SignerInfo<'_>,
        archive: &[TimestampReport],
        outer: &Embedded<'_>,
        now: &[TimestampReport],
    ) -> Option<Vec<TimestampReport>> {
        let unsigned = si.unsigned_attrs.as_ref()?;
        let tokens: Vec<&[u8]> = unsigned
            .all(&oid::ARCHIVE_TIME_STAMP_V3)
            .into_iter()
            .flat_map(|a| a.values.iter().map(|v| v.raw))
            .take(MAX_ARCHIVE_TIMESTAMPS)
            .collect();
        // The earliest valid archive time-stamp; `archive` is in the same order as `tokens`.
        let (poe, index) = archive
            .iter()
            .zip(&tokens)
            .filter(|(r, _)| r.is_valid())
            .filter_map(|(r, t)| Some((r.gen_time?, covered_values(t)?)))
            .min_by_key(|(g, _)| *g)?;
        let values = signature_time_stamp_values(si);
        let mut again = Vec::with_capacity(values.len());
        for (value, current) in values.iter().zip(now) {
            if index.contains_signature_time_stamp(value) {
                let mut t = self.signature_timestamp_report(value, si, poe, outer);
                t.validated_at = Some(poe);
                again.push(t);
            } else {
                again.push(current.clone());
            }
        }
        again.iter().any(TimestampReport::is_valid).then_some(again)
    }

    /// The same for time-stamps from outside the signature that cover all of its file (an
    /// ASiC container's archive time-stamps, EN 319 162-1 Annex A.7): the earliest valid one
    /// proves that every signature-time-stamp of `si` existed at its genTime.
    pub(super) fn signature_timestamps_at_container_time(
        &self,
        si: &SignerInfo<'_>,
        container: &[TimestampReport],
        outer: &Embedded<'_>,
    ) -> Option<Vec<TimestampReport>> {
        let poe = best_signature_time(container)?;
        let again: Vec<TimestampReport> = signature_time_stamp_values(si)
            .into_iter()
            .map(|value| TimestampReport {
                validated_at: Some(poe),
                ..self.signature_timestamp_report(value, si, poe, outer)
            })
            .collect();
        again.iter().any(TimestampReport::is_valid).then_some(again)
    }

    fn signature_timestamp_report(
        &self,
        value: &[u8],
        si: &SignerInfo<'_>,
        at: Timestamp,
        outer: &Embedded<'_>,
    ) -> TimestampReport {
        self.timestamp_report(
            TimestampKind::SignatureTimeStamp,
            value,
            si.signature,
            at,
            Some(outer),
        )
    }

    /// Every archive-time-stamp-v3 of `si` (EN 319 122-1 §5.5.3), validated at `at`: its
    /// ats-hash-index-v3 must list only what `sd` and `si` still hold, and its imprint must be
    /// the hash of the archive data built with that index. `content_hash` gives the signed
    /// content's hash for an algorithm.
    pub(super) fn archive_timestamps(
        &self,
        sd: &SignedData<'_>,
        si: &SignerInfo<'_>,
        content_hash: &mut dyn FnMut(crate::crypto::DigestAlgorithm) -> Option<Vec<u8>>,
        at: Timestamp,
        outer: &Embedded<'_>,
    ) -> Vec<TimestampReport> {
        let Some(unsigned) = &si.unsigned_attrs else {
            return Vec::new();
        };
        let kind = TimestampKind::ArchiveTimeStampV3;
        let tokens: Vec<&[u8]> = unsigned
            .all(&oid::ARCHIVE_TIME_STAMP_V3)
            .into_iter()
            .flat_map(|a| a.values.iter().map(|v| v.raw))
            .take(MAX_ARCHIVE_TIMESTAMPS)
            .collect();
        let mut report_at =
            |raw: &[u8], t: Timestamp| match archive_input(sd, si, raw, content_hash) {
                Ok(input) => self.timestamp_report(kind, raw, &input, t, Some(outer)),
                Err(detail) => {
                    // Still read and checked, so the report shows whose token it is.
                    let out = self.timestamp_report(kind, raw, &[], t, Some(outer));
                    failed(out, TimestampProblem::ArchiveIndex { detail })
                }
            };
        let mut reports: Vec<TimestampReport> =
            tokens.iter().map(|raw| report_at(raw, at)).collect();
        let indexes: Vec<Option<archive::HashIndex>> =
            tokens.iter().map(|raw| covered_values(raw)).collect();
        prove_down_the_chain(
            &mut reports,
            |j, i| {
                indexes[j]
                    .as_ref()
                    .is_some_and(|x| x.contains_archive_time_stamp(tokens[i]))
            },
            |i, t| report_at(tokens[i], t),
        );
        reports
    }

    /// One time-stamp token over `stamped` (the bytes it must have time-stamped), at `at`.
    pub fn check_timestamp_token(
        &self,
        token: &[u8],
        stamped: &[u8],
        at: Timestamp,
    ) -> TimestampReport {
        self.timestamp_report(TimestampKind::SignatureTimeStamp, token, stamped, at, None)
    }

    /// `outer`: what the signature around the token carries (certificates, CRLs, OCSP
    /// responses), which a B-LT signature provides for the TSA's path.
    pub(super) fn timestamp_report(
        &self,
        kind: TimestampKind,
        der: &[u8],
        stamped: &[u8],
        at: Timestamp,
        outer: Option<&Embedded<'_>>,
    ) -> TimestampReport {
        let mut out = TimestampReport {
            kind,
            gen_time: None,
            policy: None,
            serial: None,
            tsa: None,
            indication: Indication::TotalFailed,
            sub_indication: None,
            problem: None,
            token: None,
            validated_at: None,
            asic: None,
        };
        let token = match TimeStampToken::from_der(der) {
            Ok(t) => t,
            Err(e) => {
                return failed(
                    out,
                    TimestampProblem::Malformed {
                        detail: e.to_string(),
                    },
                )
            }
        };
        let info = token.tst_info();
        out.gen_time = Some(info.gen_time);
        out.policy = Some(info.policy.clone());
        out.serial = Some(info.serial.clone());
        let report = self.tsa_verifier().verify_token(der, at, outer);
        let count = report.signatures.len();
        let mut signatures = report.signatures.into_iter();
        let Some(signature) = signatures.next() else {
            // Not a SignedData the verifier can read: say why, not "0 signers".
            let detail = report.messages.join("; ");
            return failed(out, TimestampProblem::Malformed { detail });
        };
        out.tsa = signature.signer.clone();
        let problem = if count != 1 {
            Some(TimestampProblem::NotOneSigner { count })
        } else if token.imprint_algorithm().is_none() {
            Some(TimestampProblem::ImprintAlgorithmUnknown {
                oid: info.hash_algorithm.clone(),
            })
        } else if !token.imprint_matches(stamped) {
            Some(TimestampProblem::ImprintMismatch)
        } else {
            self.tsa_certificate(der)
                .and_then(|c| tsa_certificate_problem(&c, info.gen_time))
        };
        let (indication, sub_indication) = (signature.indication, signature.sub_indication);
        out.token = Some(Box::new(signature));
        match problem {
            Some(p) => failed(out, p),
            None if indication != Indication::TotalPassed => {
                out.indication = indication;
                out.sub_indication = sub_indication;
                out.problem = Some(TimestampProblem::TokenNotValid);
                out
            }
            None => {
                out.indication = Indication::TotalPassed;
                out
            }
        }
    }

    /// [`Verifier::verify_bytes`] for a token, with the outer signature's data.
    fn verify_token(
        &self,
        der: &[u8],
        at: Timestamp,
        outer: Option<&Embedded<'_>>,
    ) -> DocumentReport {
        let name = "<time-stamp token>".to_string();
        let source = crate::cms::envelope::SigSource::Bytes(der);
        let mut ctx = super::VerifyContext::new();
        match self.verify_source(
            &mut ctx,
            name.clone(),
            source,
            super::Detached::None,
            at,
            outer,
        ) {
            Ok(r) => r,
            Err(e) => DocumentReport::format_failure(
                name,
                crate::report::DocumentProblem::Unreadable {
                    detail: e.to_string(),
                },
            ),
        }
    }

    /// The token's signer certificate (embedded in the token, or among the verifier's). The
    /// token may be BER (OpenSSL's CMS writer uses indefinite lengths): read its DER form.
    fn tsa_certificate(&self, der: &[u8]) -> Option<Certificate> {
        let normalized = signed_data::skeleton_of(der).ok()?;
        let sd = signed_data::parse(&normalized.der).ok()?;
        let si = sd.signer_infos.first()?;
        self.find_signer(si, &self.embedded_certificates(&sd))
    }
}

/// EN 319 102-1 §5.6.3 (past signature validation) applied to a chain of archive
/// time-stamps: one that does not validate now (its TSA's certificate has expired since, say)
/// is validated again, by `again(i, time)`, at the time of a valid later one that covers it
/// (`covers(j, i)`: a renewal), and so on down the chain. Each token is tried at most once
/// per covering time, so the work stays within the square of the number of tokens.
pub(super) fn prove_down_the_chain(
    reports: &mut [TimestampReport],
    covers: impl Fn(usize, usize) -> bool,
    mut again: impl FnMut(usize, Timestamp) -> TimestampReport,
) {
    let n = reports.len();
    let mut tried: Vec<(usize, Timestamp)> = Vec::new();
    loop {
        let next = (0..n).filter(|&i| !reports[i].is_valid()).find_map(|i| {
            let proof = (0..n)
                .filter(|&j| j != i && reports[j].is_valid() && covers(j, i))
                .filter_map(|j| reports[j].gen_time)
                .min()?;
            (!tried.contains(&(i, proof))).then_some((i, proof))
        });
        let Some((i, proof)) = next else {
            break;
        };
        tried.push((i, proof));
        let report = again(i, proof);
        if report.is_valid() {
            reports[i] = TimestampReport {
                validated_at: Some(proof),
                ..report
            };
        }
    }
}

/// The signature-time-stamp attribute values of `si` (at most MAX_TIMESTAMPS), as encoded.
fn signature_time_stamp_values<'a>(si: &SignerInfo<'a>) -> Vec<&'a [u8]> {
    let Some(unsigned) = &si.unsigned_attrs else {
        return Vec::new();
    };
    unsigned
        .all(&oid::SIGNATURE_TIME_STAMP)
        .into_iter()
        .flat_map(|a| a.values.iter().map(|v| v.raw))
        .take(MAX_TIMESTAMPS)
        .collect()
}

/// The unsigned attribute values an archive time-stamp token's ats-hash-index-v3 covers.
fn covered_values(token: &[u8]) -> Option<archive::HashIndex> {
    let normalized = signed_data::skeleton_of(token).ok()?;
    let token_sd = signed_data::parse(&normalized.der).ok()?;
    let index_der = archive::index_of_token(token_sd.signer_infos.first()?).ok()?;
    archive::HashIndex::parse(index_der).ok()
}

/// The data an archive time-stamp `token` of `si` must be over, or why it cannot be built.
fn archive_input(
    sd: &SignedData<'_>,
    si: &SignerInfo<'_>,
    token: &[u8],
    content_hash: &mut dyn FnMut(crate::crypto::DigestAlgorithm) -> Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let alg = TimeStampToken::from_der(token)
        .map_err(|e| e.to_string())?
        .imprint_algorithm()
        .ok_or("the time-stamp's hash algorithm is not one kyso computes")?;
    let normalized = signed_data::skeleton_of(token).map_err(|e| e.to_string())?;
    let token_sd = signed_data::parse(&normalized.der)?;
    let token_si = token_sd
        .signer_infos
        .first()
        .ok_or("the token has no SignerInfo")?;
    let index_der = archive::index_of_token(token_si)?;
    let index = archive::HashIndex::parse(index_der).map_err(|e| e.what)?;
    if index.algorithm.is_none() {
        return Err("its hashIndAlgorithm is not one kyso computes".into());
    }
    if let Some(what) = index.missing(sd, si) {
        return Err(format!(
            "it lists {what} that the signature no longer holds (removed or changed after the archive time-stamp)"
        ));
    }
    let hash = content_hash(alg).ok_or("the signed content is not available")?;
    archive::imprint_input(sd, si, &hash, index_der).map_err(|e| e.what)
}

pub(super) fn failed(mut out: TimestampReport, p: TimestampProblem) -> TimestampReport {
    let sub = p.sub_indication();
    out.indication = sub.indication();
    out.sub_indication = Some(sub);
    out.problem = Some(p);
    out
}

/// RFC 3161 §2.3: "The corresponding certificate MUST contain only one instance of the
/// extended key usage field extension as defined in [RFC2459] Section 4.2.1.13 with
/// KeyPurposeID having value: id-kp-timeStamping. This extension MUST be critical." And the
/// TSA's certificate must have been valid when it signed (genTime within its validity).
fn tsa_certificate_problem(c: &Certificate, gen_time: Timestamp) -> Option<TimestampProblem> {
    let rule = match c.extended_key_usage() {
        None => Some("no_eku"),
        Some(_) if !c.extended_key_usage_is_critical() => Some("not_critical"),
        Some(eku) if eku != [oid::EKU_TIME_STAMPING.to_string()] => Some("other_purposes"),
        Some(_) => None,
    };
    if let Some(rule) = rule {
        return Some(TimestampProblem::TsaUsage { rule: rule.into() });
    }
    if gen_time < c.not_before() || gen_time > c.not_after() {
        return Some(TimestampProblem::OutsideTsaValidity {
            gen_time,
            not_before: c.not_before(),
            not_after: c.not_after(),
        });
    }
    None
}

/// The timestamp check of the report: passed when a time-stamp proves the signature's
/// existence, skipped (never passed) when there is none or none is valid.
pub(super) fn timestamp_check(timestamps: &[TimestampReport]) -> crate::report::CheckResult {
    use crate::report::{CheckResult, SkipReason};
    if timestamps.iter().any(TimestampReport::is_valid) {
        CheckResult::Passed
    } else if timestamps.is_empty() {
        CheckResult::Skipped(SkipReason::NoTimestamp)
    } else {
        CheckResult::Skipped(SkipReason::TimestampNotValid)
    }
}

/// The proof of existence the time-stamps give: the earliest genTime of a valid one
/// (EN 319 102-1 §5.5: the best-signature-time).
pub(super) fn best_signature_time(timestamps: &[TimestampReport]) -> Option<Timestamp> {
    timestamps
        .iter()
        .filter(|t| t.is_valid())
        .filter_map(|t| t.gen_time)
        .min()
}
