//! Verification of every SignerInfo of a SignedData (RFC 5652 §5.6) with the chain validated
//! to trust anchors (RFC 5280 §6), producing a [`DocumentReport`].
//!
//! Revocation is checked against the CRLs given with [`Verifier::with_crls`] (same engine as
//! path validation); without CRLs it is reported as skipped. Not checked yet, and reported as
//! skipped: OCSP, CRLs embedded in the signature, and signature time-stamps.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::algorithm::{self, DigestAlgorithm, SchemeError, SignatureScheme, Signed};
use crate::asn1::{tag, Tlv};
use crate::ber::{self, ContentSink};
use crate::cert::{ku, Certificate, CertificateSummary};
use crate::chain::{self, ChainPolicy};
use crate::error::Error;
use crate::report::{
    Check, CheckName, CheckResult, DocumentReport, Indication, Reason, SignatureReport, SkipReason,
};
use crate::signed_data::{self, Attributes, SignedData, SignerInfo};
use crate::time::Timestamp;
use crate::{oid, pem};

/// Content kept in memory while hashing, for the rare signatures that need the bytes
/// themselves (Ed25519 without signed attributes). Larger content is re-read from its file.
const KEEP_CONTENT: usize = 1 << 20;
/// Largest content kyso will hold in memory for a signature over the raw content.
const MAX_RAW_CONTENT: u64 = 64 << 20;
/// SignerInfos evaluated per document; more is hostile (each costs a signature check). The
/// clerical flow has two or three signers; 64 leaves ample room.
const MAX_SIGNERS: usize = 64;
/// Embedded certificates parsed per document. Real envelopes carry a chain or two (under 10);
/// thousands would only make every path search slower.
const MAX_CERTIFICATES: usize = 256;

/// Verifies signatures against a set of trust anchors.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    policy: ChainPolicy,
    /// Certificates embedded in the documents, parsed once per run (shared by clones).
    certificates: crate::cache::CertificateCache,
}

/// Options that weaken verification, asked for by name (see [`Verifier::dangerous`]).
pub struct DangerousVerifierConfig<'a>(&'a mut Verifier);

impl DangerousVerifierConfig<'_> {
    /// Accept MD5/SHA-1 digests and RSA/DSA keys below 2048 bits and EC keys below 256 bits.
    /// The algorithm-policy check is then reported as skipped, never as passed.
    pub fn allow_legacy_crypto(self) {
        self.0.policy.legacy_crypto = true;
    }
}

impl Verifier {
    /// A verifier with no trust anchors: nothing can be TOTAL-PASSED until some are added.
    pub fn new() -> Self {
        Self::default()
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
    pub fn with_crls(mut self, crls: impl IntoIterator<Item = crate::crl::Crl>) -> Self {
        self.policy.crls.extend(crls);
        self
    }

    /// How revocation is checked (default [`crate::RevocationMode::Auto`]).
    pub fn with_revocation_mode(mut self, mode: crate::crl::RevocationMode) -> Self {
        self.policy.revocation = mode;
        self
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
        let name = signature.display().to_string();
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
        self.verify_source(name, source, detached, at)
    }

    /// Verify a signature held in memory (DER, BER or PEM), with detached content if any.
    pub fn verify_bytes(
        &self,
        signature: &[u8],
        content: Option<&[u8]>,
        at: Timestamp,
    ) -> DocumentReport {
        let detached = content.map_or(Detached::None, Detached::Bytes);
        let source = SigSource::Bytes(signature);
        match self.verify_source("<memory>".into(), source, detached, at) {
            Ok(r) => r,
            Err(e) => DocumentReport::format_failure("<memory>".into(), e.to_string()),
        }
    }

    fn verify_source(
        &self,
        name: String,
        source: SigSource<'_>,
        detached: Detached<'_>,
        at: Timestamp,
    ) -> Result<DocumentReport, Error> {
        let mut sink = HashingSink::default();
        let normalized = match source.normalize(&mut sink) {
            Ok(n) => n,
            Err(SourceError::Io(e)) => return Err(e),
            Err(SourceError::Format(m)) => {
                return Ok(DocumentReport::format_failure(name, not_cms(&m)))
            }
        };
        let sd = match signed_data::parse(&normalized.der) {
            Ok(sd) => sd,
            Err(m) => return Ok(DocumentReport::format_failure(name, not_cms(&m))),
        };
        if sd.signer_infos.is_empty() {
            return Ok(DocumentReport::format_failure(
                name,
                "the SignedData has no SignerInfo: it carries certificates only (a .p7b bundle?), not a signature".into(),
            ));
        }
        if sd.signer_infos.len() > MAX_SIGNERS {
            return Ok(DocumentReport::format_failure(
                name,
                format!(
                    "{} SignerInfos: more than the {MAX_SIGNERS} kyso evaluates in one document",
                    sd.signer_infos.len()
                ),
            ));
        }
        // Content given for a signature that embeds its own: say it was not used, rather than
        // let the caller believe the given file was checked.
        let mut messages = Vec::new();
        if normalized.content_len.is_some() {
            if let Detached::File(p, true) = &detached {
                messages.push(format!(
                    "the signature embeds its content; the separately given content {} was not used",
                    p.display()
                ));
            }
        }
        let (mut content, content_file) = match normalized.content_len {
            Some(_) => (Content::embedded(source, sink), Some(name.clone())),
            None => match detached {
                Detached::File(p, _) if p.exists() => {
                    let shown = p.display().to_string();
                    (Content::file(p), Some(shown))
                }
                Detached::File(p, _) => (Content::Missing(Some(p.display().to_string())), None),
                Detached::Bytes(b) => (Content::bytes(b), Some("<memory>".into())),
                Detached::None => (Content::Missing(None), None),
            },
        };
        // Hash the content once for every digest algorithm the signers use.
        let wanted: Vec<DigestAlgorithm> = sd
            .signer_infos
            .iter()
            .filter_map(|si| DigestAlgorithm::from_oid(si.digest_algorithm.oid))
            .collect();
        content.prefetch(&wanted)?;
        if sd.certificates.len() > MAX_CERTIFICATES {
            return Ok(DocumentReport::format_failure(
                name,
                format!(
                    "{} embedded certificates: more than the {MAX_CERTIFICATES} kyso accepts in one signature",
                    sd.certificates.len()
                ),
            ));
        }
        let embedded: Vec<Certificate> = sd
            .certificates
            .iter()
            .filter(|t| t.tag == tag::SEQUENCE)
            .filter_map(|t| self.certificates.parse(t.raw).ok())
            .collect();
        let signatures = sd
            .signer_infos
            .iter()
            .enumerate()
            .map(|(i, si)| self.verify_signer(&sd, si, i, &embedded, &mut content, at))
            .collect();
        let mut doc = DocumentReport {
            signature_file: name,
            content_file,
            indication: Indication::TotalFailed,
            sub_indication: None,
            signatures,
            messages,
        };
        doc.conclude();
        Ok(doc)
    }

    fn verify_signer(
        &self,
        sd: &SignedData<'_>,
        si: &SignerInfo<'_>,
        index: usize,
        embedded: &[Certificate],
        content: &mut Content,
        at: Timestamp,
    ) -> SignatureReport {
        let mut checks: Vec<Check> = Vec::new();
        let mut push = |check: CheckName, result: CheckResult| checks.push(Check { check, result });
        let skip = CheckResult::Skipped;

        // Algorithms (RFC 5652 §5.3, RFC 5754).
        let digest = DigestAlgorithm::from_oid(si.digest_algorithm.oid);
        let scheme = match digest {
            None => Err(SchemeError::Unsupported(format!(
                "unsupported digest algorithm {}",
                si.digest_algorithm.dotted()
            ))),
            Some(d) => SignatureScheme::from_signer_info(d, &si.signature_algorithm),
        };
        let digest_name =
            digest.map_or_else(|| si.digest_algorithm.dotted(), |d| d.name().to_string());
        let signature_algorithm = match &scheme {
            Ok(s) => s.name(),
            Err(_) => si.signature_algorithm.dotted(),
        };
        match &scheme {
            Ok(_) => push(CheckName::Format, CheckResult::Passed),
            Err(SchemeError::Inconsistent(m)) => push(
                CheckName::Format,
                CheckResult::Failed(Reason::Malformed { detail: m.clone() }),
            ),
            Err(SchemeError::Unsupported(m)) => push(
                CheckName::Format,
                CheckResult::Failed(Reason::UnsupportedAlgorithm { detail: m.clone() }),
            ),
        }

        // The signer certificate (RFC 5652 §5.6: "the signer's certificate ... identified by sid").
        let signer = embedded
            .iter()
            .chain(&self.intermediates)
            .chain(&self.anchors)
            .find(|c| si.sid.matches(c))
            .cloned();
        match &signer {
            Some(_) => push(CheckName::SignerCertificate, CheckResult::Passed),
            None => push(
                CheckName::SignerCertificate,
                CheckResult::Failed(Reason::SignerCertificateNotFound {
                    signer_id: si.sid.describe(),
                }),
            ),
        }

        // ESS signing-certificate(-v2): the signature binds the certificate (RFC 5035 §5.4).
        let ess = match (&si.signed_attrs, &signer) {
            (None, _) => skip(SkipReason::NoSignedAttributes),
            (Some(attrs), Some(cert)) => check_signing_certificate(attrs, cert),
            (Some(_), None) => skip(SkipReason::SignerCertificateNotFound),
        };
        push(CheckName::SigningCertificateReference, ess);

        // Signed attributes (RFC 5652 §5.3, §11).
        let mut signing_time = None;
        let mut message_digest: Option<&[u8]> = None;
        // RFC 5652 §11.1, §11.2, §11.3: content-type, message-digest and signing-time "MUST NOT
        // be an unsigned attribute".
        let misplaced = si.unsigned_attrs.as_ref().and_then(|u| {
            [
                (&oid::CONTENT_TYPE, "content-type"),
                (&oid::MESSAGE_DIGEST, "message-digest"),
                (&oid::SIGNING_TIME, "signing-time"),
            ]
            .into_iter()
            .find(|(o, _)| !u.all(o).is_empty())
            .map(|(_, name)| Reason::Malformed {
                detail: format!("the {name} attribute is an unsigned attribute; RFC 5652 §11 requires it to be signed"),
            })
        });
        match &si.signed_attrs {
            Some(attrs) => match check_signed_attributes(attrs, sd.econtent_type) {
                Ok((md, st)) => {
                    message_digest = Some(md);
                    signing_time = st;
                    push(
                        CheckName::SignedAttributes,
                        misplaced.map_or(CheckResult::Passed, CheckResult::Failed),
                    );
                }
                Err(r) => push(CheckName::SignedAttributes, CheckResult::Failed(r)),
            },
            None if !oid::is(&oid::DATA, sd.econtent_type) => push(
                CheckName::SignedAttributes,
                CheckResult::Failed(Reason::Malformed {
                    detail: "signed attributes are required when the content type is not id-data (RFC 5652 §5.3)".into(),
                }),
            ),
            None => push(
                CheckName::SignedAttributes,
                misplaced.map_or(skip(SkipReason::NoSignedAttributes), CheckResult::Failed),
            ),
        }

        // Message digest (RFC 5652 §5.4) and the content digest for attribute-less signatures.
        let content_digest = digest.map(|d| content.digest(d));
        match (&si.signed_attrs, digest, &content_digest) {
            (_, _, Some(Err(reason))) => push(
                CheckName::MessageDigest,
                CheckResult::Failed(reason.clone()),
            ),
            (Some(_), Some(d), Some(Ok(computed))) => match message_digest {
                Some(expected) if expected == computed.as_slice() => {
                    push(CheckName::MessageDigest, CheckResult::Passed)
                }
                Some(expected) => push(
                    CheckName::MessageDigest,
                    CheckResult::Failed(Reason::DigestMismatch {
                        algorithm: d.name().into(),
                        expected: hex::encode(expected),
                        computed: hex::encode(computed),
                    }),
                ),
                None => push(
                    CheckName::MessageDigest,
                    skip(SkipReason::MessageDigestUnusable),
                ),
            },
            (None, Some(_), Some(Ok(_))) => push(
                CheckName::MessageDigest,
                skip(SkipReason::NoSignedAttributes),
            ),
            _ => push(
                CheckName::MessageDigest,
                skip(SkipReason::UnsupportedDigest),
            ),
        }

        // The signature value (RFC 5652 §5.6).
        let sig_result = match (&scheme, &signer) {
            (Err(_), _) => skip(SkipReason::AlgorithmsUnusable),
            (_, None) => skip(SkipReason::SignerCertificateNotFound),
            (Ok(scheme), Some(cert)) => match &si.signed_attrs {
                Some(attrs) => {
                    let encodings = attrs.signed_encodings();
                    let mut outcome = Ok(false);
                    for enc in &encodings {
                        outcome = algorithm::verify_signature(
                            scheme,
                            cert.public_key(),
                            Signed::Message(enc),
                            si.signature,
                        );
                        if !matches!(outcome, Ok(false)) {
                            break;
                        }
                    }
                    signature_outcome(outcome, scheme)
                }
                None => match (scheme, &content_digest) {
                    (_, Some(Err(_))) | (_, None) => skip(SkipReason::ContentUnavailable),
                    (SignatureScheme::Ed25519, _) => match content.raw() {
                        Ok(raw) => signature_outcome(
                            algorithm::verify_signature(
                                scheme,
                                cert.public_key(),
                                Signed::Message(&raw),
                                si.signature,
                            ),
                            scheme,
                        ),
                        Err(r) => CheckResult::Failed(r),
                    },
                    (_, Some(Ok(d))) => signature_outcome(
                        algorithm::verify_signature(
                            scheme,
                            cert.public_key(),
                            Signed::Digest(d),
                            si.signature,
                        ),
                        scheme,
                    ),
                },
            },
        };
        push(CheckName::Signature, sig_result);

        // Algorithm policy (product contract; ETSI TS 119 312).
        let policy = if self.policy.legacy_crypto {
            skip(SkipReason::LegacyCryptoAllowed)
        } else {
            let signature_hash = scheme.as_ref().ok().and_then(SignatureScheme::hash);
            let weak = digest
                .into_iter()
                .chain(signature_hash)
                .find(|d| d.is_legacy())
                .map(|d| format!("{d} digest"))
                .or_else(|| signer.as_ref().and_then(|c| c.key_info().weakness()));
            match (weak, &scheme) {
                (Some(w), _) => CheckResult::Failed(Reason::WeakAlgorithm { detail: w }),
                (None, Err(_)) => skip(SkipReason::AlgorithmsUnusable),
                (None, Ok(_)) => CheckResult::Passed,
            }
        };
        push(CheckName::AlgorithmPolicy, policy);

        // Certificate path (RFC 5280 §6) and revocation (§6.3) from the same search.
        let mut chain_summaries = Vec::new();
        let mut revocation = None;
        match &signer {
            None => push(
                CheckName::CertificateChain,
                skip(SkipReason::SignerCertificateNotFound),
            ),
            Some(cert) => {
                let pool: Vec<Certificate> = embedded
                    .iter()
                    .chain(&self.intermediates)
                    .cloned()
                    .collect();
                let outcome = chain::build(cert, &pool, &self.anchors, at, &self.policy);
                chain_summaries = outcome.summaries();
                let (chain_check, revocation_check) = chain::report_checks(&outcome, &self.policy);
                push(CheckName::CertificateChain, chain_check);
                revocation = Some(revocation_check);
            }
        }

        // Document-signing usage of the signer certificate (product contract).
        match &signer {
            None => push(
                CheckName::SignerKeyUsage,
                skip(SkipReason::SignerCertificateNotFound),
            ),
            Some(cert) => push(CheckName::SignerKeyUsage, check_signer_usage(cert)),
        }

        push(
            CheckName::Revocation,
            revocation.unwrap_or(skip(SkipReason::SignerCertificateNotFound)),
        );
        let has_tst = si
            .unsigned_attrs
            .as_ref()
            .is_some_and(|u| !u.all(&oid::SIGNATURE_TIME_STAMP).is_empty());
        push(
            CheckName::Timestamp,
            skip(if has_tst {
                SkipReason::TimestampNotValidated
            } else {
                SkipReason::NoTimestamp
            }),
        );

        let mut report = SignatureReport {
            index,
            indication: Indication::TotalFailed,
            sub_indication: None,
            signer: signer.as_ref().map(CertificateSummary::from),
            signing_time,
            digest_algorithm: digest_name,
            signature_algorithm,
            checks,
            chain: chain_summaries,
            messages: Vec::new(),
        };
        report.conclude();
        report
    }
}

fn not_cms(m: &str) -> String {
    format!("not a valid CMS/PKCS#7 SignedData: {m}")
}

fn signature_outcome(outcome: Result<bool, String>, scheme: &SignatureScheme) -> CheckResult {
    match outcome {
        Ok(true) => CheckResult::Passed,
        Ok(false) => CheckResult::Failed(Reason::SignatureInvalid {
            algorithm: scheme.name(),
        }),
        Err(m) => CheckResult::Failed(Reason::Malformed { detail: m }),
    }
}

/// RFC 5652 §5.3 and §11: content-type and message-digest exactly once with one value each,
/// content-type equal to eContentType, signing-time (if any) once and well formed.
fn check_signed_attributes<'a>(
    attrs: &Attributes<'a>,
    econtent_type: &[u8],
) -> Result<(&'a [u8], Option<Timestamp>), Reason> {
    let single = |o: &der::asn1::ObjectIdentifier,
                  name: &'static str,
                  required: bool|
     -> Result<Option<Tlv<'a>>, Reason> {
        let found = attrs.all(o);
        match found.as_slice() {
            [] if required => Err(Reason::MissingAttribute { attribute: name }),
            [] => Ok(None),
            [a] if a.values.len() == 1 => Ok(Some(a.values[0])),
            _ => Err(Reason::DuplicateAttribute {
                attribute: name.into(),
            }),
        }
    };
    for (o, name) in [
        (&oid::SIGNING_CERTIFICATE, "signing-certificate"),
        (&oid::SIGNING_CERTIFICATE_V2, "signing-certificate-v2"),
    ] {
        single(o, name, false)?;
    }
    let ct = single(&oid::CONTENT_TYPE, "content-type", true)?.ok_or(Reason::MissingAttribute {
        attribute: "content-type",
    })?;
    if ct.tag != tag::OID {
        return Err(Reason::Malformed {
            detail: "the content-type attribute value is not an OBJECT IDENTIFIER".into(),
        });
    }
    if ct.value != econtent_type {
        return Err(Reason::ContentTypeMismatch {
            attribute: crate::asn1::oid_to_string(ct.value),
            econtent_type: crate::asn1::oid_to_string(econtent_type),
        });
    }
    let md =
        single(&oid::MESSAGE_DIGEST, "message-digest", true)?.ok_or(Reason::MissingAttribute {
            attribute: "message-digest",
        })?;
    if md.tag != tag::OCTET_STRING {
        return Err(Reason::Malformed {
            detail: "the message-digest attribute value is not an OCTET STRING".into(),
        });
    }
    let signing_time = match single(&oid::SIGNING_TIME, "signing-time", false)? {
        None => None,
        Some(t) => Some(Timestamp::from_asn1(t.tag, t.value).ok_or_else(|| Reason::Malformed {
            detail: "the signing-time attribute is not a valid UTCTime or GeneralizedTime (RFC 5652 §11.3)".into(),
        })?),
    };
    Ok((md.value, signing_time))
}

/// ESS signing-certificate-v2 (RFC 5035 §3) or v1 (RFC 2634 §5.4): the first ESSCertID must
/// identify the signer certificate by hash (and issuer/serial when present).
fn check_signing_certificate(attrs: &Attributes<'_>, cert: &Certificate) -> CheckResult {
    let (value, v2) = if let Some(a) = attrs.all(&oid::SIGNING_CERTIFICATE_V2).first() {
        (a.values.first().copied(), true)
    } else if let Some(a) = attrs.all(&oid::SIGNING_CERTIFICATE).first() {
        (a.values.first().copied(), false)
    } else {
        return CheckResult::Skipped(SkipReason::NoSigningCertificateAttribute);
    };
    let mismatch =
        |detail: String| CheckResult::Failed(Reason::SigningCertificateMismatch { detail });
    let Some(value) = value else {
        return mismatch("the attribute has no value".into());
    };
    match parse_first_ess_cert_id(value, v2) {
        Err(e) => CheckResult::Failed(Reason::Malformed {
            detail: format!("signing-certificate attribute: {e}"),
        }),
        Ok((alg, hash, issuer_serial)) => {
            if alg.digest(cert.der()) != hash {
                return mismatch(format!(
                    "the {alg} hash of the signer certificate differs from the one signed"
                ));
            }
            if let Some((issuer, serial)) = issuer_serial {
                if serial != cert.serial()
                    || !issuer
                        .iter()
                        .any(|n| crate::name::names_match(n, cert.issuer_der()))
                {
                    return mismatch(
                        "the issuer and serial number signed differ from the signer certificate's"
                            .into(),
                    );
                }
            }
            CheckResult::Passed
        }
    }
}

type EssCertId<'a> = (DigestAlgorithm, &'a [u8], Option<(Vec<&'a [u8]>, &'a [u8])>);

fn parse_first_ess_cert_id(value: Tlv<'_>, v2: bool) -> crate::asn1::Result<EssCertId<'_>> {
    let mut r = value.expect(tag::SEQUENCE, "SigningCertificate")?.reader();
    let mut certs = r.expect(tag::SEQUENCE, "certs")?.reader();
    let mut id = certs.expect(tag::SEQUENCE, "ESSCertID")?.reader();
    let mut alg = if v2 {
        DigestAlgorithm::Sha256
    } else {
        DigestAlgorithm::Sha1
    };
    if v2 && id.peek_tag() == Some(tag::SEQUENCE) {
        let a = algorithm::AlgorithmIdentifier::parse(id.read()?, "hashAlgorithm")?;
        alg = DigestAlgorithm::from_oid(a.oid).ok_or_else(|| crate::asn1::Asn1Error {
            what: format!("unknown hash {}", a.dotted()),
        })?;
    }
    let hash = id.expect(tag::OCTET_STRING, "certHash")?.value;
    let issuer_serial = match id.optional(tag::SEQUENCE)? {
        None => None,
        Some(is) => {
            let mut ir = is.reader();
            let names = ir.expect(tag::SEQUENCE, "GeneralNames")?;
            let mut nr = names.reader();
            let mut dirs = Vec::new();
            while !nr.is_empty() {
                let gn = nr.read()?;
                // directoryName [4] EXPLICIT Name (RFC 5280 §4.2.1.6).
                if gn.tag == tag::ctx_cons(4) {
                    dirs.push(gn.value);
                }
            }
            let serial = ir.expect(tag::INTEGER, "serialNumber")?.value;
            Some((dirs, serial))
        }
    };
    Ok((alg, hash, issuer_serial))
}

/// keyUsage must allow digitalSignature or nonRepudiation; an extendedKeyUsage, if present,
/// must allow document signing, email protection or any purpose (product contract).
fn check_signer_usage(cert: &Certificate) -> CheckResult {
    signing_usage_problem(cert).map_or(CheckResult::Passed, CheckResult::Failed)
}

/// Why `cert` may not sign documents, if it may not (shared by signing and verification).
pub(crate) fn signing_usage_problem(cert: &Certificate) -> Option<Reason> {
    if let Some(bits) = cert.key_usage_bits() {
        if bits & (ku::DIGITAL_SIGNATURE | ku::NON_REPUDIATION) == 0 {
            return Some(Reason::KeyUsageNotAllowed {
                key_usage: cert
                    .key_usage()
                    .unwrap_or_default()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            });
        }
    }
    if let Some(eku) = cert.extended_key_usage() {
        let allowed = [
            oid::ANY_EKU,
            oid::EKU_EMAIL_PROTECTION,
            oid::EKU_DOCUMENT_SIGNING,
            oid::EKU_MS_DOCUMENT_SIGNING,
            oid::EKU_ADOBE_DOCUMENT_SIGNING,
        ];
        if !eku
            .iter()
            .any(|e| allowed.iter().any(|a| a.to_string() == *e))
        {
            return Some(Reason::ExtendedKeyUsageNotAllowed {
                ext_key_usage: eku.to_vec(),
            });
        }
    }
    None
}

/// An envelope read for co-signing: its skeleton, and the digests of embedded content.
pub(crate) struct Envelope {
    pub der: Vec<u8>,
    pub content_len: Option<u64>,
    pub digests: HashMap<DigestAlgorithm, Vec<u8>>,
}

/// Read an existing envelope from its file (streaming), hashing embedded content with the
/// algorithms the SignedData lists plus `extra`.
pub(crate) fn open_envelope(path: &Path, extra: &[DigestAlgorithm]) -> Result<Envelope, Error> {
    let mut sink = HashingSink {
        extra: extra.to_vec(),
        ..HashingSink::default()
    };
    let n = SigSource::File(path.to_path_buf())
        .normalize(&mut sink)
        .map_err(|e| match e {
            SourceError::Io(e) => e,
            SourceError::Format(m) => Error::Format(format!("{}: {}", path.display(), not_cms(&m))),
        })?;
    let (digests, _) = sink.finish();
    Ok(Envelope {
        der: n.der,
        content_len: n.content_len,
        digests,
    })
}

/// Stream the embedded content of the envelope in `path` to `w`.
pub(crate) fn copy_embedded_content(path: &Path, w: &mut dyn std::io::Write) -> io::Result<()> {
    SigSource::File(path.to_path_buf())
        .normalize(&mut FnSink(|c: &[u8]| w.write_all(c)))
        .map(|_| ())
        .map_err(|e| match e {
            SourceError::Io(e) => io::Error::other(e.to_string()),
            SourceError::Format(m) => io::Error::other(m),
        })
}

/// A content sink that passes every chunk to a closure.
struct FnSink<F: FnMut(&[u8]) -> io::Result<()>>(F);

impl<F: FnMut(&[u8]) -> io::Result<()>> ContentSink for FnSink<F> {
    fn begin(&mut self, _: Option<&[u8]>) -> io::Result<()> {
        Ok(())
    }
    fn data(&mut self, c: &[u8]) -> io::Result<()> {
        (self.0)(c)
    }
}

/// Hash a file with several algorithms in one streaming pass.
pub(crate) fn hash_file_all(
    path: &Path,
    algs: &[DigestAlgorithm],
) -> Result<HashMap<DigestAlgorithm, Vec<u8>>, Error> {
    let mut c = Content::file(path.to_path_buf());
    c.prefetch(algs)?;
    match c {
        Content::File { digests, .. } => Ok(digests),
        _ => Ok(HashMap::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading signatures and content.

enum Detached<'a> {
    None,
    /// A content file; the flag is true when the caller named it (false: derived from `X.p7s`).
    File(PathBuf, bool),
    Bytes(&'a [u8]),
}

/// Where a signature is read from. A file is not opened until it is read: a missing or
/// unreadable file is then an I/O error, and a batch does not pay for the file system twice.
enum SigSource<'a> {
    File(PathBuf),
    Bytes(&'a [u8]),
}

enum SourceError {
    Io(Error),
    Format(String),
}

impl SigSource<'_> {
    /// Normalise the signature, streaming any embedded content into `sink`.
    fn normalize(&self, sink: &mut dyn ContentSink) -> Result<ber::Normalized, SourceError> {
        match self {
            SigSource::Bytes(b) => normalize_bytes(b, sink),
            SigSource::File(p) => {
                let io_err = |e| SourceError::Io(Error::io(p, e));
                let f = File::open(p).map_err(io_err)?;
                let mut r = BufReader::with_capacity(256 * 1024, f);
                let first = r.fill_buf().map_err(io_err)?.first().copied();
                if first == Some(0x30) {
                    return ber::normalize(&mut r, sink).map_err(|e| match e {
                        ber::NormalizeError::Io(e) => SourceError::Io(Error::io(p, e)),
                        ber::NormalizeError::Format(m) => SourceError::Format(m),
                    });
                }
                // Text: PEM or bare base64. Bounded, since it must be decoded in memory.
                let mut data = Vec::new();
                r.take(pem::MAX_PEM as u64 + 1)
                    .read_to_end(&mut data)
                    .map_err(io_err)?;
                normalize_bytes(&data, sink)
            }
        }
    }
}

fn normalize_bytes(
    data: &[u8],
    sink: &mut dyn ContentSink,
) -> Result<ber::Normalized, SourceError> {
    let decoded;
    let der: &[u8] = if data.first() == Some(&0x30) {
        data
    } else if let Some(blocks) = pem::blocks(data) {
        let blocks = blocks.map_err(|e| SourceError::Format(e.to_string()))?;
        decoded = blocks
            .into_iter()
            .find(|(l, _)| matches!(l.as_str(), "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA"))
            .map(|(_, d)| d)
            .ok_or_else(|| {
                SourceError::Format("the PEM file holds no PKCS7 or CMS block".into())
            })?;
        &decoded
    } else {
        let text: String = String::from_utf8_lossy(data).split_whitespace().collect();
        decoded = openssl::base64::decode_block(&text).map_err(|_| {
            SourceError::Format("the file is neither DER/BER, PEM nor base64 (its first byte is not an ASN.1 SEQUENCE)".into())
        })?;
        if decoded.first() != Some(&0x30) {
            return Err(SourceError::Format(
                "the base64 text does not decode to an ASN.1 SEQUENCE".into(),
            ));
        }
        &decoded
    };
    ber::normalize(&mut &der[..], sink).map_err(|e| match e {
        ber::NormalizeError::Io(e) => SourceError::Format(e.to_string()),
        ber::NormalizeError::Format(m) => SourceError::Format(m),
    })
}

/// Hashes embedded content while the signature is read, for the digests the SignedData lists.
#[derive(Default)]
struct HashingSink {
    /// Algorithms to compute besides those the SignedData lists.
    extra: Vec<DigestAlgorithm>,
    hashers: Vec<(DigestAlgorithm, openssl::hash::Hasher)>,
    kept: Vec<u8>,
    overflow: bool,
    failed: bool,
}

impl ContentSink for HashingSink {
    fn begin(&mut self, digest_algorithms: Option<&[u8]>) -> io::Result<()> {
        let mut algs: Vec<DigestAlgorithm> = self.extra.clone();
        if let Some(der) = digest_algorithms {
            if let Ok(set) = Tlv::parse_exact(der, "digestAlgorithms") {
                let mut r = set.reader();
                while let Ok(t) = r.read() {
                    if let Ok(a) = algorithm::AlgorithmIdentifier::parse(t, "digest") {
                        if let Some(d) = DigestAlgorithm::from_oid(a.oid) {
                            if !algs.contains(&d) && algs.len() < 8 {
                                algs.push(d);
                            }
                        }
                    }
                }
            }
        }
        self.start(&algs);
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        for (_, h) in &mut self.hashers {
            if h.update(chunk).is_err() {
                self.failed = true;
            }
        }
        if !self.overflow {
            if self.kept.len() + chunk.len() <= KEEP_CONTENT {
                self.kept.extend_from_slice(chunk);
            } else {
                self.overflow = true;
                self.kept = Vec::new();
            }
        }
        Ok(())
    }
}

impl HashingSink {
    fn start(&mut self, algs: &[DigestAlgorithm]) {
        let mut algs = algs.to_vec();
        algs.dedup();
        self.hashers = algs
            .iter()
            .filter_map(|d| d.hasher().ok().map(|h| (*d, h)))
            .collect();
        if self.hashers.len() != algs.len() {
            self.failed = true;
        }
    }

    fn finish(mut self) -> (HashMap<DigestAlgorithm, Vec<u8>>, Option<Vec<u8>>) {
        let mut map = HashMap::new();
        if !self.failed {
            for (d, h) in &mut self.hashers {
                if let Ok(v) = h.finish() {
                    map.insert(*d, v.to_vec());
                }
            }
        }
        (map, (!self.overflow).then_some(self.kept))
    }
}

/// Where the signed content is, with digests computed so far.
enum Content<'a> {
    Embedded {
        source: SigSource<'a>,
        digests: HashMap<DigestAlgorithm, Vec<u8>>,
        raw: Option<Vec<u8>>,
    },
    File {
        path: PathBuf,
        digests: HashMap<DigestAlgorithm, Vec<u8>>,
        raw: Option<Vec<u8>>,
    },
    Bytes(&'a [u8]),
    Missing(Option<String>),
}

impl<'a> Content<'a> {
    fn embedded(source: SigSource<'a>, sink: HashingSink) -> Self {
        let (digests, raw) = sink.finish();
        Content::Embedded {
            source,
            digests,
            raw,
        }
    }
    fn file(path: PathBuf) -> Self {
        Content::File {
            path,
            digests: HashMap::new(),
            raw: None,
        }
    }
    fn bytes(b: &'a [u8]) -> Self {
        Content::Bytes(b)
    }

    /// Hash file content for all `algs` in one pass (embedded content was hashed while read).
    fn prefetch(&mut self, algs: &[DigestAlgorithm]) -> Result<(), Error> {
        if let Content::File { path, digests, raw } = self {
            let mut algs = algs.to_vec();
            algs.dedup();
            let mut sink = HashingSink::default();
            sink.start(&algs);
            let f = File::open(&*path).map_err(|e| Error::io(path, e))?;
            let mut r = BufReader::with_capacity(256 * 1024, f);
            loop {
                let buf = r.fill_buf().map_err(|e| Error::io(path, e))?;
                if buf.is_empty() {
                    break;
                }
                let n = buf.len();
                let _ = sink.data(buf);
                r.consume(n);
            }
            let (d, k) = sink.finish();
            *digests = d;
            *raw = k;
        }
        Ok(())
    }

    fn digest(&mut self, alg: DigestAlgorithm) -> Result<Vec<u8>, Reason> {
        match self {
            Content::Missing(p) => Err(Reason::ContentMissing {
                looked_for: p.clone(),
            }),
            Content::Bytes(b) => Ok(alg.digest(b)),
            Content::Embedded { digests, .. } | Content::File { digests, .. } => {
                if let Some(d) = digests.get(&alg) {
                    return Ok(d.clone());
                }
                // A digest not listed in digestAlgorithms: hash once more.
                let mut h = alg.hasher().map_err(|e| Reason::UnsupportedAlgorithm {
                    detail: e.to_string(),
                })?;
                self.for_each_chunk(&mut |c| {
                    let _ = h.update(c);
                })?;
                let d = h
                    .finish()
                    .map_err(|e| Reason::UnsupportedAlgorithm {
                        detail: e.to_string(),
                    })?
                    .to_vec();
                if let Content::Embedded { digests, .. } | Content::File { digests, .. } = self {
                    digests.insert(alg, d.clone());
                }
                Ok(d)
            }
        }
    }

    /// The content bytes (bounded), for signatures over the raw content.
    fn raw(&mut self) -> Result<Vec<u8>, Reason> {
        match self {
            Content::Missing(p) => Err(Reason::ContentMissing {
                looked_for: p.clone(),
            }),
            Content::Bytes(b) => Ok(b.to_vec()),
            Content::Embedded { raw: Some(r), .. } | Content::File { raw: Some(r), .. } => {
                Ok(r.clone())
            }
            _ => {
                let mut out = Vec::new();
                let mut too_big = false;
                self.for_each_chunk(&mut |c| {
                    if (out.len() + c.len()) as u64 > MAX_RAW_CONTENT {
                        too_big = true;
                    } else {
                        out.extend_from_slice(c);
                    }
                })?;
                if too_big {
                    return Err(Reason::Malformed {
                        detail: format!(
                            "the content is larger than {} MiB and the signature covers it directly (no signed attributes); kyso does not hold that much in memory",
                            MAX_RAW_CONTENT >> 20
                        ),
                    });
                }
                Ok(out)
            }
        }
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) -> Result<(), Reason> {
        let unreadable = |e: String| Reason::Malformed {
            detail: format!("the content could not be read again: {e}"),
        };
        match self {
            Content::Embedded { source, .. } => source
                .normalize(&mut FnSink(|c: &[u8]| {
                    f(c);
                    Ok(())
                }))
                .map(|_| ())
                .map_err(|e| match e {
                    SourceError::Io(e) => unreadable(e.to_string()),
                    SourceError::Format(m) => unreadable(m),
                }),
            Content::File { path, .. } => {
                let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
                let mut r = BufReader::with_capacity(256 * 1024, file);
                loop {
                    let buf = r.fill_buf().map_err(|e| unreadable(e.to_string()))?;
                    if buf.is_empty() {
                        return Ok(());
                    }
                    let n = buf.len();
                    f(buf);
                    r.consume(n);
                }
            }
            Content::Bytes(b) => {
                f(b);
                Ok(())
            }
            Content::Missing(p) => Err(Reason::ContentMissing {
                looked_for: p.clone(),
            }),
        }
    }
}
