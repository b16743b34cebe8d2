//! Verification of every SignerInfo of a SignedData (RFC 5652 §5.6) with the chain validated
//! to trust anchors (RFC 5280 §6), producing a [`DocumentReport`].
//!
//! Revocation is checked against the OCSP responses and CRLs given with
//! [`Verifier::with_ocsp_responses`] and [`Verifier::with_crls`] and those embedded in the
//! signature's `crls` field (RFC 5652 §10.2.1, RFC 5940), with the same engine as path
//! validation; without any it is reported as skipped. Not checked yet, and reported as
//! skipped: signature time-stamps.

use std::path::Path;

use crate::cms::envelope::{
    ChunkBuffer, Content, Detached, HashingSink, SigBuffer, SigSource, SourceError,
};
use crate::cms::signed_data::{self, SignedData, SignerInfo};
use crate::crypto::{DigestAlgorithm, SchemeError, SignatureScheme, Signed};
use crate::encoding::asn1::tag;
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::path::{self, ChainError, ChainPolicy};
use crate::report::{
    Check, CheckName, CheckResult, DocumentProblem, DocumentReport, Indication, Reason,
    SignatureLevel, SignatureReport, SkipReason, TimestampReport,
};
use crate::revocation::crl::{Crl, RevocationMode, RevocationStatus};
use crate::revocation::fetch::FetchKind;
use crate::revocation::ocsp::OcspResponse;
use crate::validation::policy::{AlgorithmProblem, ValidationPolicy};
use crate::validation::{
    check_signed_attributes, check_signer_usage, check_signing_certificate, signature_outcome,
};
use crate::x509::cert::{Certificate, CertificateSummary};

#[cfg(feature = "asic")]
mod asic;
mod ltv;
mod pdf;
mod timestamp;
pub(crate) use ltv::ValidationData;
pub(crate) use pdf::{der_prefix, is_pdf};

/// What one document carries for path validation: its certificates, and the verifier's
/// chain policy with the document's embedded revocation data added.
#[derive(Clone, Copy)]
struct Embedded<'a> {
    certificates: &'a [Certificate],
    /// The document's own CRLs and OCSP responses (already in `policy`), passed on to its
    /// time-stamp tokens: a B-LT signature carries the validation data of the TSA's path in
    /// its own SignedData (ETSI EN 319 122-1 §6.3).
    crls: &'a [Crl],
    ocsp: &'a [OcspResponse],
    policy: &'a ChainPolicy,
    /// Time-stamps from outside the signature file that cover all of it (see
    /// `VerifyContext::covering`); empty for a signature on its own.
    covering: &'a [TimestampReport],
}

/// SignerInfos evaluated per document; more is hostile (each costs a signature check). The
/// clerical flow has two or three signers; 64 leaves ample room.
const MAX_SIGNERS: usize = 64;
/// Embedded certificates parsed per document. Real envelopes carry a chain or two (under 10);
/// thousands would only make every path search slower.
const MAX_CERTIFICATES: usize = 256;

/// True when the file starts with a PDF header.
fn file_is_pdf(path: &Path) -> Result<bool, Error> {
    use std::io::Read;
    let mut head = [0u8; 5];
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        // The CMS path reports a missing or unreadable file with its own wording.
        Err(_) => return Ok(false),
    };
    let n = f.read(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(pdf::is_pdf(&head[..n]))
}

/// Verifies signatures against a set of trust anchors.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    policy: ChainPolicy,
    /// The signature validation policy (default agency-default).
    validation: ValidationPolicy,
    /// A revocation mode the caller set explicitly; it wins over the policy's.
    revocation_override: Option<RevocationMode>,
    /// [`DangerousVerifierConfig::allow_legacy_crypto`] was called: kept across
    /// [`Verifier::with_policy`].
    legacy_forced: bool,
    /// Certificates embedded in the documents, parsed once per run (shared by clones).
    certificates: crate::x509::cache::CertificateCache,
    /// Trust anchors for time-stamp tokens, when not the signatures' own.
    tsa_anchors: Option<Vec<Certificate>>,
    /// The named lists the anchors came from (anchor SHA-256 fingerprint, the list), so a
    /// report can say which PKI a validated path ends in.
    trust_lists: Vec<(String, crate::report::TrustListMatch)>,
    /// The verifier for time-stamp tokens, made on first use from the settings above (the
    /// builder methods run before any verification).
    tsa: std::sync::OnceLock<Box<Verifier>>,
}

/// What one thread reuses from one verification to the next: the buffer a signature file is
/// read into and the one detached content is hashed through. Make one per worker thread and
/// pass it to [`Verifier::verify_file_in`]; [`crate::batch`] does this for you.
#[derive(Default)]
pub struct VerifyContext {
    sig: SigBuffer,
    chunk: ChunkBuffer,
    /// Time-stamps from outside the next signature file that cover all of it: an ASiC
    /// container's archive time-stamps over the `.p7s` (EN 319 162-1 Annex A.7), set by the
    /// container's verifier for each of its signatures.
    covering: Vec<TimestampReport>,
}

impl std::fmt::Debug for VerifyContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifyContext")
    }
}

impl VerifyContext {
    /// An empty context; its buffers grow on first use and are kept.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Options that weaken verification, asked for by name (see [`Verifier::dangerous`]).
pub struct DangerousVerifierConfig<'a>(&'a mut Verifier);

impl DangerousVerifierConfig<'_> {
    /// Accept MD5/SHA-1 digests and RSA/DSA keys below 2048 bits and EC keys below 256 bits:
    /// the `legacy-archive` policy's algorithm settings on top of the selected policy
    /// ([`ValidationPolicy::with_legacy_crypto`]). The algorithm-policy check is then
    /// reported as skipped, never as passed.
    pub fn allow_legacy_crypto(self) {
        self.0.legacy_forced = true;
        self.0.apply_policy();
    }
}

impl Verifier {
    /// A verifier with no trust anchors: nothing can be TOTAL-PASSED until some are added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trust a named list ([`crate::TrustList`]): its anchors become trust anchors, its
    /// intermediates path-building helpers (never anchors), and a signature whose path ends
    /// at one of its anchors names the list and its PKI in the report
    /// ([`SignatureReport::trust_list`]).
    pub fn with_trust_list(mut self, list: &crate::trust::TrustList) -> Self {
        // `vn` is the union of vn-gov and vn-public: each anchor keeps its own list's name.
        for a in &list.anchors {
            let fingerprint = a.sha256_fingerprint();
            if !self.trust_lists.iter().any(|(f, _)| *f == fingerprint) {
                if let Some(m) = list.naming(a) {
                    self.trust_lists.push((fingerprint, m));
                }
            }
        }
        self.with_trust_anchors(list.anchors.iter().cloned())
            .with_intermediates(list.intermediates.iter().cloned())
    }

    /// Add trust anchors.
    pub fn with_trust_anchors(mut self, anchors: impl IntoIterator<Item = Certificate>) -> Self {
        for a in anchors {
            if !self.anchors.contains(&a) {
                self.anchors.push(a);
            }
        }
        self
    }

    /// Add certificates that may help build paths (not trusted by themselves).
    pub fn with_intermediates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.intermediates.extend(certs);
        self
    }

    /// CRLs to consult (RFC 5280 §6.3). With CRLs the revocation check is performed: a
    /// revoked certificate is TOTAL-FAILED (REVOKED), a required but unknown status is
    /// INDETERMINATE; without, the check is reported as skipped.
    pub fn with_crls(
        mut self,
        crls: impl IntoIterator<Item = crate::revocation::crl::Crl>,
    ) -> Self {
        self.policy.crls.extend(crls);
        self
    }

    /// OCSP responses to consult (RFC 6960), before the CRLs: a valid response about a
    /// certificate of the path decides its status. Responses embedded in the signature
    /// (RFC 5940) are consulted as well, without being given here.
    pub fn with_ocsp_responses(
        mut self,
        responses: impl IntoIterator<Item = crate::revocation::ocsp::OcspResponse>,
    ) -> Self {
        self.policy.ocsp.extend(responses);
        self
    }

    /// Trust anchors for time-stamp tokens (the TSAs' roots), instead of the signatures' own.
    pub fn with_tsa_trust_anchors(
        mut self,
        anchors: impl IntoIterator<Item = Certificate>,
    ) -> Self {
        self.tsa_anchors = Some(anchors.into_iter().collect());
        self
    }

    /// Look up online what the embedded and given revocation data leave open, and missing
    /// issuers (see [`crate::ChainOptions::fetcher`]). Share one fetcher across a run: it
    /// makes one request per distinct URL. Without one, verification is offline.
    pub fn with_fetcher(
        mut self,
        fetcher: std::sync::Arc<crate::revocation::fetch::Fetcher>,
    ) -> Self {
        self.policy.fetcher = Some(fetcher);
        self
    }

    /// How long after thisUpdate an OCSP response without nextUpdate is accepted, seconds
    /// (default [`crate::DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE`], an hour).
    pub fn with_ocsp_max_age(mut self, seconds: i64) -> Self {
        self.policy.ocsp_max_age = Some(seconds);
        self
    }

    /// How revocation is checked (default: the policy's, [`crate::RevocationMode::Auto`] for
    /// agency-default). Set here, it wins over the policy's.
    pub fn with_revocation_mode(mut self, mode: crate::revocation::crl::RevocationMode) -> Self {
        self.revocation_override = Some(mode);
        self.apply_policy();
        self
    }

    /// Judge signatures by `policy` (default [`ValidationPolicy::agency_default`]): signed
    /// attributes and the ESS binding required or not, digest algorithms (with end dates,
    /// judged at the validation time), key sizes and curves, the signer's EKUs, the
    /// revocation mode. Certificates of the path are judged by kyso's baseline (SHA-1/MD5
    /// certificate signatures and small keys refused) unless the policy is marked legacy.
    pub fn with_policy(mut self, policy: ValidationPolicy) -> Self {
        self.validation = policy;
        self.apply_policy();
        self
    }

    /// The trust anchors signatures are validated against.
    pub fn trust_anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// The policy signatures are judged by.
    pub fn policy(&self) -> &ValidationPolicy {
        &self.validation
    }

    fn apply_policy(&mut self) {
        if self.legacy_forced && !self.validation.legacy_crypto {
            self.validation = self.validation.clone().with_legacy_crypto();
        }
        self.policy.legacy_crypto = self.validation.legacy_crypto;
        self.policy.revocation = self
            .revocation_override
            .unwrap_or_else(|| self.validation.effective_revocation());
    }

    /// Options that make verification weaker.
    pub fn dangerous(&mut self) -> DangerousVerifierConfig<'_> {
        DangerousVerifierConfig(self)
    }

    /// Verify a signature file. Attached content is read from the file itself; for a detached
    /// signature the content is `content` or, when `None` and the file is `X.p7s` or `X.sig`,
    /// the file `X`.
    /// `Err` only when a named file cannot be read; every verdict is in the report.
    pub fn verify_file(
        &self,
        signature: &Path,
        content: Option<&Path>,
        at: Timestamp,
    ) -> Result<DocumentReport, Error> {
        self.verify_file_in(&mut VerifyContext::new(), signature, content, at)
    }

    /// [`Verifier::verify_file`] reusing a per-thread [`VerifyContext`], for many files in a row.
    pub fn verify_file_in(
        &self,
        ctx: &mut VerifyContext,
        signature: &Path,
        content: Option<&Path>,
        at: Timestamp,
    ) -> Result<DocumentReport, Error> {
        let name = signature.display().to_string();
        // An ASiC container (EN 319 162-1) carries its signatures and data objects inside.
        #[cfg(feature = "asic")]
        if content.is_none() && asic::is_asic_path(signature) {
            let limit = crate::asic::Limits::default().max_container_size;
            let size = std::fs::metadata(signature)
                .map_err(|e| Error::io(signature, e))?
                .len();
            if size > limit {
                let p = crate::error::AsicProblem::ContainerTooLarge { size, limit };
                return Ok(DocumentReport::format_failure(
                    name,
                    DocumentProblem::AsicContainerInvalid {
                        asic_code: p.code().into(),
                        detail: p.to_string(),
                    },
                ));
            }
            let bytes = std::fs::read(signature).map_err(|e| Error::io(signature, e))?;
            return Ok(self.verify_asic_bytes(&name, &bytes, at));
        }
        // A PDF carries its signatures inside (ISO 32000-1 §12.8): no separate content.
        if content.is_none() && file_is_pdf(signature)? {
            let limit = crate::pdf::Limits::default().max_file_size;
            let size = std::fs::metadata(signature)
                .map_err(|e| Error::io(signature, e))?
                .len();
            if size > limit {
                return Ok(DocumentReport::format_failure(
                    name,
                    DocumentProblem::PdfUnreadable {
                        pdf_code: "PDF_FILE_TOO_LARGE".into(),
                        detail: format!(
                            "the file has {size} bytes, more than the {limit} kyso reads"
                        ),
                    },
                ));
            }
            let bytes = std::fs::read(signature).map_err(|e| Error::io(signature, e))?;
            return Ok(self.verify_pdf_bytes(&name, &bytes, at));
        }
        let source = SigSource::File(signature.to_path_buf());
        let detached = match content {
            Some(p) => {
                std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
                Detached::File(p.to_path_buf(), true)
            }
            None => match signature.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("p7s") || e.eq_ignore_ascii_case("sig") => {
                    Detached::File(signature.with_extension(""), false)
                }
                _ => Detached::None,
            },
        };
        self.verify_source(ctx, name, source, detached, at, None)
    }

    /// Verify a signature held in memory (DER, BER or PEM), with detached content if any.
    pub fn verify_bytes(
        &self,
        signature: &[u8],
        content: Option<&[u8]>,
        at: Timestamp,
    ) -> DocumentReport {
        if content.is_none() && pdf::is_pdf(signature) {
            return self.verify_pdf_bytes("<memory>", signature, at);
        }
        let detached = content.map_or(Detached::None, Detached::Bytes);
        let source = SigSource::Bytes(signature);
        match self.verify_source(
            &mut VerifyContext::new(),
            "<memory>".into(),
            source,
            detached,
            at,
            None,
        ) {
            Ok(r) => r,
            Err(e) => DocumentReport::format_failure(
                "<memory>".into(),
                DocumentProblem::Unreadable {
                    detail: e.to_string(),
                },
            ),
        }
    }

    /// Read the envelope, open and hash the content once, evaluate every SignerInfo, and
    /// compare content given beside an attached signature with the embedded one.
    fn verify_source(
        &self,
        ctx: &mut VerifyContext,
        name: String,
        source: SigSource<'_>,
        detached: Detached<'_>,
        at: Timestamp,
        outer: Option<&Embedded<'_>>,
    ) -> Result<DocumentReport, Error> {
        let mut sink = HashingSink::default();
        let VerifyContext {
            sig,
            chunk,
            covering,
        } = ctx;
        let normalized = match source.read_with(sig, &mut sink) {
            Ok(n) => n,
            Err(SourceError::Io(e)) => return Err(e),
            Err(SourceError::Format(detail)) => {
                return Ok(DocumentReport::format_failure(
                    name,
                    DocumentProblem::NotSignedData {
                        detail,
                        found: Some(source.sniff()),
                    },
                ))
            }
        };
        let sd = match parse_within_limits(&normalized.der) {
            Ok(sd) => sd,
            Err(problem) => return Ok(DocumentReport::format_failure(name, problem)),
        };
        // Content given for a signature that embeds its own: it must be the embedded content,
        // or a script that publishes the given file would publish something nobody signed.
        let given_with_attached: Option<(String, Detached<'_>)> =
            match (&normalized.content_len, &detached) {
                (Some(_), Detached::File(p, true)) => {
                    Some((p.display().to_string(), Detached::File(p.clone(), true)))
                }
                (Some(_), Detached::Bytes(b)) => Some(("<memory>".into(), Detached::Bytes(b))),
                _ => None,
            };
        let (mut content, content_file) = match normalized.content_len {
            Some(_) => (Content::embedded(source, sink), Some(name.clone())),
            None => open_detached(detached)?,
        };
        // Hash the content once for every digest algorithm the signers use.
        let wanted: Vec<DigestAlgorithm> = sd
            .signer_infos
            .iter()
            .filter_map(|si| DigestAlgorithm::from_oid(si.digest_algorithm.oid))
            .collect();
        content.prefetch_with(&wanted, chunk)?;
        let mut embedded = self.embedded_certificates(&sd);
        // Revocation data the signature carries joins what the caller gave, for this document
        // (and for a time-stamp token, what the signature around it carries).
        let (mut embedded_crls, mut embedded_ocsp) = sd.revocation_info();
        if let Some(o) = outer {
            embedded.extend(
                o.certificates
                    .iter()
                    .filter(|c| !embedded.contains(c))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            embedded_crls.extend_from_slice(o.crls);
            embedded_ocsp.extend_from_slice(o.ocsp);
        }
        let doc_policy = if embedded_crls.is_empty() && embedded_ocsp.is_empty() {
            std::borrow::Cow::Borrowed(&self.policy)
        } else {
            let mut p = self.policy.clone();
            p.crls.extend(embedded_crls.iter().cloned());
            p.ocsp.extend(embedded_ocsp.iter().cloned());
            std::borrow::Cow::Owned(p)
        };
        let evidence = Embedded {
            certificates: &embedded,
            crls: &embedded_crls,
            ocsp: &embedded_ocsp,
            policy: &doc_policy,
            covering,
        };
        let mut problems = Vec::new();
        let mut signatures = Vec::with_capacity(sd.signer_infos.len());
        for (i, si) in sd.signer_infos.iter().enumerate() {
            let (report, verified_over_der_only) =
                self.verify_signer(&sd, si, i, &evidence, &mut content, at);
            if verified_over_der_only {
                // RFC 5652 §5.4 signs the DER encoding; the bytes as sent were not DER and did
                // not verify, their DER form did. Say so: the file was re-encoded after signing
                // or written by a non-conforming signer (issue 9).
                problems.push(DocumentProblem::SignedAttributesNotDer {
                    signature: report.index,
                });
            }
            signatures.push(report);
        }
        if let Some((shown, given)) = given_with_attached {
            let alg = wanted.first().copied().unwrap_or(DigestAlgorithm::Sha256);
            problems.push(compare_given_content(
                &mut content,
                shown,
                given,
                alg,
                &mut signatures,
            )?);
        }
        Ok(DocumentReport::new(
            name,
            content_file,
            signatures,
            problems,
        ))
    }

    /// Evaluate one SignerInfo (RFC 5652 §5.6): every check of the report in order, each in its
    /// own function below. Returns the report and whether the signature verified only over the
    /// DER re-encoding of its signed attributes.
    fn verify_signer(
        &self,
        sd: &SignedData<'_>,
        si: &SignerInfo<'_>,
        index: usize,
        embedded: &Embedded<'_>,
        content: &mut Content,
        at: Timestamp,
    ) -> (SignatureReport, bool) {
        let outer = embedded;
        let Embedded {
            certificates: embedded,
            policy,
            covering,
            ..
        } = *embedded;
        let mut checks: Vec<Check> = Vec::with_capacity(10);
        let mut push = |check: CheckName, result: CheckResult| checks.push(Check { check, result });

        let digest = DigestAlgorithm::from_oid(si.digest_algorithm.oid);
        let scheme = signature_scheme(si, digest);
        push(CheckName::Format, format_check(&scheme));

        let signer = self.find_signer(si, embedded);
        push(
            CheckName::SignerCertificate,
            signer_check(si, signer.as_ref()),
        );

        let level = signature_level(si);
        let mut timestamps = self.signature_timestamps(si, at, outer);
        let archive = {
            let mut hash = |alg: DigestAlgorithm| content.digest(alg).ok();
            self.archive_timestamps(sd, si, &mut hash, at, outer)
        };
        if !timestamps.iter().any(|t| t.is_valid()) {
            if let Some(again) = self
                .signature_timestamps_at_archive_time(si, &archive, outer, &timestamps)
                .or_else(|| self.signature_timestamps_at_container_time(si, covering, outer))
            {
                timestamps = again;
            }
        }
        // The earliest time a valid time-stamp proves the signature value existed at: a
        // signature-time-stamp's, or an archive time-stamp's (it covers the signature too),
        // in the signature or over its container's files.
        let signature_poe = timestamp::best_signature_time(&timestamps)
            .into_iter()
            .chain(timestamp::best_signature_time(&archive))
            .chain(timestamp::best_signature_time(covering))
            .min();
        let (algorithms, algorithms_at) =
            self.algorithm_policy_check(si, digest, &scheme, signer.as_ref(), at, signature_poe);
        push(
            CheckName::SigningCertificateReference,
            self.ess_check(si, level, signer.as_ref(), algorithms_at),
        );

        let attrs = self.signed_attributes_check(sd, si, content);
        push(CheckName::SignedAttributes, attrs.result);

        let content_digest = digest.map(|d| content.digest(d).map_err(Reason::from));
        push(
            CheckName::MessageDigest,
            message_digest_check(si, digest, content_digest.as_ref(), attrs.message_digest),
        );

        let (signature, verified_over_der_only) = signature_value_check(
            si,
            &scheme,
            signer.as_ref(),
            content_digest.as_ref(),
            content,
        );
        push(CheckName::Signature, signature);
        push(CheckName::AlgorithmPolicy, algorithms);

        let mut chain_validated_at = None;
        let (chain, revocation, (chain_summaries, chain_revocation), data_embedded) = match &signer
        {
            None => {
                let s = || CheckResult::Skipped(SkipReason::SignerCertificateNotFound);
                (s(), s(), (Vec::new(), Vec::new()), false)
            }
            Some(cert) => {
                let now = self.chain_checks(cert, embedded, at, policy);
                match (timestamp::best_signature_time(&timestamps), &now.0, &now.1) {
                    // ETSI EN 319 102-1 §5.5 (OUT_OF_BOUNDS_NO_POE): a certificate of the path
                    // expired before the validation time, but a valid signature-time-stamp
                    // proves the signature existed earlier: the path is validated at that
                    // time (its revocation data must then be good for that time too).
                    (
                        Some(poe),
                        CheckResult::Failed(Reason::Chain(ChainError::Expired { .. })),
                        _,
                    ) if poe < at => {
                        chain_validated_at = Some(poe);
                        self.chain_checks(cert, embedded, poe, policy)
                    }
                    // EN 319 102-1 §5.6.2.1 (REVOKED_NO_POE): the signer certificate is revoked
                    // now, but a valid signature-time-stamp proves the signature existed
                    // before the revocation date: it was made with a certificate that was not
                    // revoked then. Everything else of the path passed (the signer is checked
                    // last, from the anchor down); the revocation stays listed in the report.
                    // A revoked CA is not passed this way (its subordinates' status was not
                    // looked up).
                    (
                        Some(poe),
                        _,
                        CheckResult::Failed(Reason::Chain(ChainError::Revoked {
                            subject,
                            serial,
                            revoked_at,
                            ..
                        })),
                    ) if poe < *revoked_at
                        && *serial == cert.serial_hex()
                        && *subject == cert.subject() =>
                    {
                        chain_validated_at = Some(poe);
                        let (_, _, path, _) = now;
                        (CheckResult::Passed, CheckResult::Passed, path, false)
                    }
                    // §5.2.6 / §5.6.2.1: the signer certificate is revoked and no time-stamp
                    // proves anything: the signature may predate the revocation, so it is
                    // INDETERMINATE/REVOKED_NO_POE, not a failure. (With a proof from after
                    // the revocation it stays TOTAL-FAILED/REVOKED, issue 11's rule.)
                    (
                        None,
                        _,
                        CheckResult::Failed(Reason::Chain(ChainError::Revoked {
                            subject,
                            serial,
                            reason,
                            revoked_at,
                            ..
                        })),
                    ) if *serial == cert.serial_hex() && *subject == cert.subject() => {
                        let no_poe = Reason::SignerRevokedNoPoe {
                            subject: subject.clone(),
                            serial: serial.clone(),
                            reason: *reason,
                            revoked_at: *revoked_at,
                        };
                        let (chain, _, path, embedded) = now;
                        (chain, CheckResult::Failed(no_poe), path, embedded)
                    }
                    _ => now,
                }
            }
        };
        // The named list whose anchor the validated path ends at (never decided by names).
        let trust_list = match (&chain, chain_summaries.last()) {
            (CheckResult::Passed, Some(anchor)) => self
                .trust_lists
                .iter()
                .find(|(f, _)| *f == anchor.sha256_fingerprint)
                .map(|(_, m)| m.clone()),
            _ => None,
        };
        push(CheckName::CertificateChain, chain);
        push(
            CheckName::SignerKeyUsage,
            match &signer {
                None => CheckResult::Skipped(SkipReason::SignerCertificateNotFound),
                Some(cert) => check_signer_usage(cert, &self.validation),
            },
        );
        push(CheckName::Revocation, revocation);
        push(
            CheckName::Timestamp,
            timestamp::timestamp_check(&timestamps),
        );
        let level = signature_level_reached(level, &timestamps, data_embedded);
        // B-LTA: a valid archive time-stamp in the signature (EN 319 122-1 §5.5.3) or over
        // the container it is in (EN 319 162-1 Annex A.7).
        let archived = archive.iter().chain(covering).any(|t| t.is_valid());
        let level = match level {
            SignatureLevel::BLT if archived => SignatureLevel::BLTA,
            l => l,
        };
        timestamps.extend(archive);
        timestamps.extend(covering.iter().cloned());

        let digest_algorithm =
            digest.map_or_else(|| si.digest_algorithm.dotted(), |d| d.name().to_string());
        let signature_algorithm = match &scheme {
            Ok(s) => s.name(),
            Err(_) => si.signature_algorithm.dotted(),
        };
        let mut report = SignatureReport {
            index,
            indication: Indication::TotalFailed,
            sub_indication: None,
            signer: signer.as_ref().map(CertificateSummary::from),
            signer_role: signer.as_ref().map(Certificate::role),
            trust_list,
            signing_time: attrs.signing_time,
            digest_algorithm,
            signature_algorithm,
            level,
            checks,
            chain: chain_summaries,
            revocation: chain_revocation,
            chain_validated_at,
            algorithms_validated_at: (algorithms_at != at).then_some(algorithms_at),
            pdf: None,
            asic: None,
            validation_data_embedded: data_embedded,
            timestamps,
            messages: Vec::new(),
        };
        report.conclude();
        (report, verified_over_der_only)
    }

    /// The certificates a SignedData carries, parsed once per run (the run-wide cache);
    /// CHOICEs other than a plain certificate are skipped.
    fn embedded_certificates(&self, sd: &SignedData<'_>) -> Vec<Certificate> {
        sd.certificates
            .iter()
            .filter(|t| t.tag == tag::SEQUENCE)
            .filter_map(|t| self.certificates.parse(t.raw).ok())
            .collect()
    }

    /// RFC 5652 §5.6: "the signer's certificate ... identified by sid", looked up among the
    /// embedded certificates, then the given intermediates and anchors.
    fn find_signer(&self, si: &SignerInfo<'_>, embedded: &[Certificate]) -> Option<Certificate> {
        embedded
            .iter()
            .chain(&self.intermediates)
            .chain(&self.anchors)
            .find(|c| si.sid.matches(c))
            .cloned()
    }

    /// RFC 5035 §5.4: the ESS signing-certificate(-v2) attribute binds the certificate to the
    /// signature. Its absence makes a plain CMS signature (level CMS), which the policy may
    /// refuse (`require_signing_certificate`).
    fn ess_check(
        &self,
        si: &SignerInfo<'_>,
        level: SignatureLevel,
        signer: Option<&Certificate>,
        at: Timestamp,
    ) -> CheckResult {
        let vp = &self.validation;
        match (&si.signed_attrs, signer) {
            _ if level == SignatureLevel::Cms && vp.require_signing_certificate => {
                self.policy_not_met("require_signing_certificate")
            }
            (None, _) => CheckResult::Skipped(SkipReason::NoSignedAttributes),
            (Some(attrs), Some(cert)) => check_signing_certificate(attrs, cert, vp, at),
            (Some(_), None) => CheckResult::Skipped(SkipReason::SignerCertificateNotFound),
        }
    }

    /// RFC 5652 §5.3 and §11: the signed attributes (content-type, message-digest,
    /// signing-time), which the content-type rules make mandatory for non-id-data content.
    fn signed_attributes_check<'a>(
        &self,
        sd: &SignedData<'_>,
        si: &'a SignerInfo<'_>,
        content: &mut Content,
    ) -> SignedAttributesOutcome<'a> {
        let misplaced = misplaced_unsigned_attribute(si);
        let Some(attrs) = &si.signed_attrs else {
            let result = if !oid::is(&oid::DATA, sd.econtent_type) {
                CheckResult::Failed(Reason::Malformed {
                    detail: "signed attributes are required when the content type is not id-data (RFC 5652 §5.3)".into(),
                })
            } else if content_is_confusable(content) {
                CheckResult::Failed(Reason::Malformed {
                    detail: "the content is itself a DER SET of attributes with content-type and message-digest, and the signature has no signed attributes: it would also verify as a signature over those attributes (CMS EUF-CMA confusion, draft-vangeest-lamps-cms-euf-cma-signeddata)".into(),
                })
            } else if let Some(m) = misplaced {
                CheckResult::Failed(m)
            } else if self.validation.require_signed_attributes {
                self.policy_not_met("require_signed_attributes")
            } else {
                CheckResult::Skipped(SkipReason::NoSignedAttributes)
            };
            return SignedAttributesOutcome {
                result,
                message_digest: None,
                signing_time: None,
            };
        };
        match check_signed_attributes(attrs, sd.econtent_type) {
            Ok((md, st)) => SignedAttributesOutcome {
                result: misplaced.map_or(CheckResult::Passed, CheckResult::Failed),
                message_digest: Some(md),
                signing_time: st,
            },
            Err(r) => SignedAttributesOutcome {
                result: CheckResult::Failed(r),
                message_digest: None,
                signing_time: None,
            },
        }
    }

    /// The algorithm policy (product contract; ETSI TS 119 312), judged by the validation
    /// policy: digest, signature hash, RSA-PSS MGF1 hash (RFC 8017 §B.2.1: as much a part of
    /// the scheme as its message hash), the signing-certificate-v2 hash and the signer's key.
    /// A legacy policy's verdict is at best skipped, never passed. Returns the check and the
    /// time the algorithms were judged at (for the ESS check too).
    ///
    /// ETSI EN 319 102-1 §5.2.8 and §5.6.2.5: judged at the validation time; an algorithm the
    /// policy held reliable only until a date that has passed is still acceptable when `poe`
    /// (a valid time-stamp's time) proves the signature existed before that date, and every
    /// algorithm is then judged at `poe`. Without such a proof: CRYPTO_CONSTRAINTS_FAILURE_NO_POE;
    /// with a proof from after that date, or an algorithm never allowed:
    /// CRYPTO_CONSTRAINTS_FAILURE.
    fn algorithm_policy_check(
        &self,
        si: &SignerInfo<'_>,
        digest: Option<DigestAlgorithm>,
        scheme: &Result<SignatureScheme, SchemeError>,
        signer: Option<&Certificate>,
        at: Timestamp,
        poe: Option<Timestamp>,
    ) -> (CheckResult, Timestamp) {
        let vp = &self.validation;
        let signature_hash = scheme.as_ref().ok().and_then(SignatureScheme::hash);
        let mgf1_hash = match scheme {
            Ok(SignatureScheme::RsaPss { mgf1, .. }) => Some(*mgf1),
            _ => None,
        };
        let ess_hash = si
            .signed_attrs
            .as_ref()
            .and_then(crate::validation::signing_certificate_v2_digest);
        let problem_at = |t: Timestamp| {
            digest
                .into_iter()
                .chain(signature_hash)
                .chain(mgf1_hash)
                .chain(ess_hash)
                .find_map(|d| vp.digest_problem(d, t))
                .or_else(|| {
                    signer
                        .and_then(|c| vp.key_problem(c.key_info()))
                        .map(|detail| AlgorithmProblem {
                            detail,
                            reliable_until: None,
                        })
                })
        };
        let (problem, judged_at) = match problem_at(at) {
            Some(AlgorithmProblem {
                detail,
                reliable_until: Some(until),
            }) => match poe {
                Some(p) if p < until => (problem_at(p), p),
                Some(p) => {
                    let detail = format!("{detail}; the earliest time-stamp ({p}) is not earlier");
                    let problem = AlgorithmProblem {
                        detail,
                        reliable_until: None,
                    };
                    (Some(problem), at)
                }
                None => {
                    let reason = Reason::WeakAlgorithmNoPoe {
                        detail,
                        reliable_until: until,
                    };
                    return (CheckResult::Failed(reason), at);
                }
            },
            other => (other, at),
        };
        let result = match (problem, scheme) {
            (Some(p), _) => CheckResult::Failed(Reason::WeakAlgorithm { detail: p.detail }),
            (None, Err(_)) => CheckResult::Skipped(SkipReason::AlgorithmsUnusable),
            (None, Ok(_)) if vp.legacy_crypto => {
                CheckResult::Skipped(SkipReason::LegacyCryptoAllowed)
            }
            (None, Ok(_)) => CheckResult::Passed,
        };
        (result, judged_at)
    }

    /// RFC 5280 §6 (the certificate path) and §6.3 (revocation), from the same search: the
    /// chain check, the revocation check and the path shown in the report.
    fn chain_checks(
        &self,
        cert: &Certificate,
        embedded: &[Certificate],
        at: Timestamp,
        policy: &ChainPolicy,
    ) -> (
        CheckResult,
        CheckResult,
        (Vec<CertificateSummary>, Vec<RevocationStatus>),
        bool,
    ) {
        let pool: Vec<Certificate> = embedded
            .iter()
            .chain(&self.intermediates)
            .cloned()
            .collect();
        let outcome = build_path(cert, &pool, &self.anchors, at, policy);
        let (chain, revocation) = crate::validation::report_checks(&outcome, policy);
        let statuses = (0..outcome.path.len())
            .map(|i| {
                outcome
                    .revocation
                    .get(i)
                    .cloned()
                    .unwrap_or(RevocationStatus::NotChecked)
            })
            .collect();
        let data_embedded = outcome.is_valid() && validation_data_embedded(&outcome, embedded);
        (
            chain,
            revocation,
            (outcome.summaries(), statuses),
            data_embedded,
        )
    }

    fn policy_not_met(&self, rule: &str) -> CheckResult {
        CheckResult::Failed(Reason::PolicyNotMet {
            policy: self.validation.name.clone(),
            rule: rule.into(),
        })
    }
}

/// Rounds of issuer downloads for one path: a leaf, up to three intermediates above it.
const MAX_ISSUER_FETCH_ROUNDS: usize = 4;
/// Certificates taken from one caIssuers answer (a certs-only PKCS#7 may hold several).
const MAX_CERTIFICATES_PER_ISSUER_URL: usize = 8;

/// RFC 5280 §6 path building, and with a fetcher in the policy, the issuers missing from the
/// signature and the caller's certificates downloaded from the caIssuers URL of the
/// certificate whose issuer is missing (§4.2.2.1: a DER certificate or a certs-only CMS;
/// kyso also reads PEM). Downloaded certificates only join the pool of intermediates, never
/// the trust anchors, and the report marks them (`fetched_from`).
pub(crate) fn build_path(
    cert: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
    policy: &ChainPolicy,
) -> crate::ChainOutcome {
    let mut outcome = path::build(cert, pool, anchors, at, policy);
    let Some(fetcher) = &policy.fetcher else {
        return outcome;
    };
    let mut pool = pool.to_vec();
    for _ in 0..MAX_ISSUER_FETCH_ROUNDS {
        let Some(ChainError::UnknownIssuer { ca_issuers, .. }) = &outcome.error else {
            break;
        };
        let mut added = false;
        for url in ca_issuers.iter().take(MAX_ISSUER_FETCH_ROUNDS) {
            let Ok(got) = fetcher.get(FetchKind::Certificates, url, &|_| None) else {
                continue;
            };
            let Ok(certs) = Certificate::load_all(&got.bytes) else {
                continue;
            };
            for c in certs.into_iter().take(MAX_CERTIFICATES_PER_ISSUER_URL) {
                if !pool.contains(&c) && !anchors.contains(&c) {
                    pool.push(c.fetched(url));
                    added = true;
                }
            }
        }
        if !added {
            break;
        }
        outcome = path::build(cert, &pool, anchors, at, policy);
    }
    outcome
}

/// RFC 5652 §5.1 SignedData, with kyso's bounds on hostile input: at least one SignerInfo, at
/// most [`MAX_SIGNERS`] of them and [`MAX_CERTIFICATES`] certificates.
fn parse_within_limits(der: &[u8]) -> Result<SignedData<'_>, DocumentProblem> {
    let sd = signed_data::parse(der).map_err(|detail| DocumentProblem::NotSignedData {
        detail,
        found: Some(crate::encoding::sniff::sniff(der)),
    })?;
    if sd.signer_infos.is_empty() {
        return Err(DocumentProblem::NoSignerInfo);
    }
    if sd.signer_infos.len() > MAX_SIGNERS {
        return Err(DocumentProblem::TooManySigners {
            count: sd.signer_infos.len(),
            limit: MAX_SIGNERS,
        });
    }
    if sd.certificates.len() > MAX_CERTIFICATES {
        return Err(DocumentProblem::TooManyCertificates {
            count: sd.certificates.len(),
            limit: MAX_CERTIFICATES,
        });
    }
    Ok(sd)
}

/// The content of a detached signature and the name the report shows for it. A file is
/// opened, not looked up first (one file-system walk per file in a batch); absent is a report
/// (the content is missing), any other failure to open is an I/O error.
fn open_detached(detached: Detached<'_>) -> Result<(Content<'_>, Option<String>), Error> {
    Ok(match detached {
        Detached::File(p, _) => match std::fs::File::open(&p) {
            Ok(f) => {
                let shown = p.display().to_string();
                (Content::opened(p, f), Some(shown))
            }
            Err(_) if !p.exists() => (Content::Missing(Some(p.display().to_string())), None),
            Err(e) => return Err(Error::io(&p, e)),
        },
        Detached::Bytes(b) => (Content::bytes(b), Some("<memory>".into())),
        Detached::Ranges(a, b) => (Content::parts(a, b), Some("<byte range>".into())),
        Detached::None => (Content::Missing(None), None),
    })
}

/// Content given beside an attached signature: identical to the embedded content is noted;
/// different fails the message-digest check of every signature (what was given is not what
/// was signed).
fn compare_given_content(
    content: &mut Content,
    shown: String,
    given: Detached<'_>,
    alg: DigestAlgorithm,
    signatures: &mut [SignatureReport],
) -> Result<DocumentProblem, Error> {
    let embedded_digest = content.digest(alg).map_err(Reason::from);
    let given_digest = match given {
        Detached::File(p, _) => crate::cms::envelope::hash_file_all(&p, &[alg])?
            .remove(&alg)
            .unwrap_or_default(),
        Detached::Bytes(b) => alg.digest(b),
        Detached::Ranges(..) | Detached::None => Vec::new(),
    };
    if matches!(&embedded_digest, Ok(d) if *d == given_digest) {
        return Ok(DocumentProblem::GivenContentIdentical { given: shown });
    }
    let expected = embedded_digest.map(hex::encode).unwrap_or_default();
    for sig in signatures {
        sig.checks.push(Check {
            check: CheckName::MessageDigest,
            result: CheckResult::Failed(Reason::DigestMismatch {
                algorithm: alg.to_string(),
                expected: expected.clone(),
                computed: hex::encode(&given_digest),
            }),
        });
        sig.conclude();
    }
    Ok(DocumentProblem::GivenContentDiffers { given: shown })
}

/// What the signed-attributes check passes on: its verdict, the message-digest value and the
/// signing time.
struct SignedAttributesOutcome<'a> {
    result: CheckResult,
    message_digest: Option<&'a [u8]>,
    signing_time: Option<Timestamp>,
}

/// RFC 5652 §5.3, RFC 5754: the digest and signature algorithms, consistent with each other.
fn signature_scheme(
    si: &SignerInfo<'_>,
    digest: Option<DigestAlgorithm>,
) -> Result<SignatureScheme, SchemeError> {
    match digest {
        None => Err(SchemeError::Unsupported(format!(
            "unsupported digest algorithm {}",
            si.digest_algorithm.dotted()
        ))),
        Some(d) => SignatureScheme::from_signer_info(d, &si.signature_algorithm),
    }
}

fn format_check(scheme: &Result<SignatureScheme, SchemeError>) -> CheckResult {
    match scheme {
        Ok(_) => CheckResult::Passed,
        Err(SchemeError::Inconsistent(m)) => {
            CheckResult::Failed(Reason::Malformed { detail: m.clone() })
        }
        Err(SchemeError::Unsupported(m)) => {
            CheckResult::Failed(Reason::UnsupportedAlgorithm { detail: m.clone() })
        }
    }
}

fn signer_check(si: &SignerInfo<'_>, signer: Option<&Certificate>) -> CheckResult {
    match signer {
        Some(_) => CheckResult::Passed,
        None => CheckResult::Failed(Reason::SignerCertificateNotFound {
            signer_id: si.sid.describe(),
        }),
    }
}

/// True when `outcome`'s path can be validated again from what the document carries: every
/// certificate below the anchor is embedded and has its revocation status from embedded data.
/// ETSI EN 319 122-1 §6.3 (B-LT): the certificates and revocation data needed to validate the
/// signature. A certificate that names no revocation service has no status to embed, so a
/// path through it is not B-LT (as EU DSS judges it): nothing would show, years later, that
/// it was not revoked.
fn validation_data_embedded(outcome: &crate::ChainOutcome, embedded: &[Certificate]) -> bool {
    let below_anchor = outcome.path.len().saturating_sub(1);
    outcome.path[..below_anchor]
        .iter()
        .enumerate()
        .all(|(i, c)| {
            let status_embedded = match outcome.revocation.get(i) {
                Some(
                    RevocationStatus::Good { evidence }
                    | RevocationStatus::Revoked { evidence, .. },
                ) => evidence.source == crate::revocation::evidence::RevocationSource::Embedded,
                _ => false,
            };
            embedded.contains(c) && status_embedded
        })
}

/// The CAdES level reached (ETSI EN 319 122-1 §6): B-T with a valid signature-time-stamp
/// (§5.3), B-LT when the signer's path and that time-stamp's TSA path are validated from
/// embedded data alone (§6.3).
fn signature_level_reached(
    level: SignatureLevel,
    timestamps: &[crate::report::TimestampReport],
    data_embedded: bool,
) -> SignatureLevel {
    let Some(ts) = timestamps.iter().find(|t| t.is_valid()) else {
        return level;
    };
    if level != SignatureLevel::BB {
        return level;
    }
    let tsa_embedded = ts
        .token
        .as_ref()
        .is_some_and(|t| t.validation_data_embedded);
    if data_embedded && tsa_embedded {
        SignatureLevel::BLT
    } else {
        SignatureLevel::BT
    }
}

/// B-B when an ESS signing-certificate(-v2) attribute is present (ETSI EN 319 122-1 §5.2.2.3),
/// plain CMS otherwise.
fn signature_level(si: &SignerInfo<'_>) -> SignatureLevel {
    let has_ess = si.signed_attrs.as_ref().is_some_and(|a| {
        !a.all(&oid::SIGNING_CERTIFICATE_V2).is_empty()
            || !a.all(&oid::SIGNING_CERTIFICATE).is_empty()
    });
    if has_ess {
        SignatureLevel::BB
    } else {
        SignatureLevel::Cms
    }
}

/// RFC 5652 §11.1, §11.2, §11.3: content-type, message-digest and signing-time "MUST NOT be
/// an unsigned attribute".
fn misplaced_unsigned_attribute(si: &SignerInfo<'_>) -> Option<Reason> {
    let unsigned = si.unsigned_attrs.as_ref()?;
    [
        (&oid::CONTENT_TYPE, "content-type"),
        (&oid::MESSAGE_DIGEST, "message-digest"),
        (&oid::SIGNING_TIME, "signing-time"),
    ]
    .into_iter()
    .find(|(o, _)| !unsigned.all(o).is_empty())
    .map(|(_, name)| Reason::Malformed {
        detail: format!(
            "the {name} attribute is an unsigned attribute; RFC 5652 §11 requires it to be signed"
        ),
    })
}

/// Content that is itself a SignedAttributes SET makes an attribute-less signature also a
/// signature over someone's signed attributes (CMS EUF-CMA confusion): refused under every
/// policy. Plain CMS is rare, so reading the content again is cheap in practice; content too
/// large to hold is not such a SET (those are small).
fn content_is_confusable(content: &mut Content) -> bool {
    content
        .raw()
        .is_ok_and(|raw| signed_data::looks_like_signed_attributes(&raw))
}

/// RFC 5652 §5.4: the message-digest attribute equals the digest of the content.
fn message_digest_check(
    si: &SignerInfo<'_>,
    digest: Option<DigestAlgorithm>,
    content_digest: Option<&Result<Vec<u8>, Reason>>,
    message_digest: Option<&[u8]>,
) -> CheckResult {
    match (&si.signed_attrs, digest, content_digest) {
        (_, _, Some(Err(reason))) => CheckResult::Failed(reason.clone()),
        (Some(_), Some(d), Some(Ok(computed))) => match message_digest {
            Some(expected) if expected == computed.as_slice() => CheckResult::Passed,
            Some(expected) => CheckResult::Failed(Reason::DigestMismatch {
                algorithm: d.name().into(),
                expected: hex::encode(expected),
                computed: hex::encode(computed),
            }),
            None => CheckResult::Skipped(SkipReason::MessageDigestUnusable),
        },
        (None, Some(_), Some(Ok(_))) => CheckResult::Skipped(SkipReason::NoSignedAttributes),
        _ => CheckResult::Skipped(SkipReason::UnsupportedDigest),
    }
}

/// RFC 5652 §5.6: the signature value over the DER signed attributes (§5.4: the bytes as sent
/// first, then their DER re-encoding, which is reported), or over the content digest when
/// there are none (Ed25519, RFC 8419 §3.1: over the content itself). The flag says the
/// signature verified only over the DER re-encoding.
fn signature_value_check(
    si: &SignerInfo<'_>,
    scheme: &Result<SignatureScheme, SchemeError>,
    signer: Option<&Certificate>,
    content_digest: Option<&Result<Vec<u8>, Reason>>,
    content: &mut Content,
) -> (CheckResult, bool) {
    let (scheme, cert) = match (scheme, signer) {
        (Err(_), _) => return (CheckResult::Skipped(SkipReason::AlgorithmsUnusable), false),
        (_, None) => {
            return (
                CheckResult::Skipped(SkipReason::SignerCertificateNotFound),
                false,
            )
        }
        (Ok(scheme), Some(cert)) => (scheme, cert),
    };
    if let Some(attrs) = &si.signed_attrs {
        let mut outcome = Ok(false);
        let mut der_only = false;
        for (k, enc) in attrs.signed_encodings().iter().enumerate() {
            outcome = cert.verify_signature(scheme, Signed::Message(enc), si.signature);
            if !matches!(outcome, Ok(false)) {
                der_only = k > 0 && matches!(outcome, Ok(true));
                break;
            }
        }
        return (signature_outcome(outcome, scheme), der_only);
    }
    let result = match (scheme, content_digest) {
        (_, Some(Err(_))) | (_, None) => CheckResult::Skipped(SkipReason::ContentUnavailable),
        (SignatureScheme::Ed25519, _) => match content.raw() {
            Ok(raw) => signature_outcome(
                cert.verify_signature(scheme, Signed::Message(&raw), si.signature),
                scheme,
            ),
            Err(r) => CheckResult::Failed(r.into()),
        },
        (_, Some(Ok(d))) => signature_outcome(
            cert.verify_signature(scheme, Signed::Digest(d), si.signature),
            scheme,
        ),
    };
    (result, false)
}
