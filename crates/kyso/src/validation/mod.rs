//! Validation layer (ETSI EN 319 102-1): the checks of one SignerInfo, mapped to
//! indications and sub-indications.

pub(crate) mod policy;

use crate::cms::signed_data::Attributes;
use crate::crypto::{self, DigestAlgorithm, SignatureScheme};
use crate::encoding::asn1::{tag, Tlv};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::path::{ChainOutcome, ChainPolicy};
use crate::report::{CheckResult, Reason, SkipReason};
use crate::revocation::crl::{RevocationMode, RevocationStatus};
use crate::x509::cert::{ku, Certificate};

use policy::ValidationPolicy;

/// The verifier's `certificate_chain` and `revocation` checks from one outcome. The revocation
/// check passes only when every certificate below the anchor has a good status from a valid
/// CRL; revoked, or unknown where required, fails it; otherwise it is skipped with the reason
/// (never passed).
pub(crate) fn report_checks(
    outcome: &ChainOutcome,
    policy: &ChainPolicy,
) -> (CheckResult, CheckResult) {
    match &outcome.error {
        Some(e) if e.is_revocation() => (
            CheckResult::Passed,
            CheckResult::Failed(Reason::Chain(e.clone())),
        ),
        Some(e) => (
            CheckResult::Failed(Reason::Chain(e.clone())),
            CheckResult::Skipped(SkipReason::PathNotValid),
        ),
        None => {
            let n = outcome.path.len();
            let all_good = n > 1
                && outcome
                    .revocation
                    .iter()
                    .take(n - 1)
                    .all(|s| matches!(s, RevocationStatus::Good { .. }));
            let revocation = if all_good {
                CheckResult::Passed
            } else if policy.revocation == RevocationMode::Off {
                CheckResult::Skipped(SkipReason::RevocationOff)
            } else {
                CheckResult::Skipped(SkipReason::NoRevocationData)
            };
            (CheckResult::Passed, revocation)
        }
    }
}

pub(crate) fn signature_outcome(
    outcome: Result<bool, String>,
    scheme: &SignatureScheme,
) -> CheckResult {
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
pub(crate) fn check_signed_attributes<'a>(
    attrs: &Attributes<'a>,
    econtent_type: &[u8],
) -> Result<(&'a [u8], Option<Timestamp>), Reason> {
    let single = |o: &der::asn1::ObjectIdentifier,
                  name: &'static str,
                  required: bool|
     -> Result<Option<Tlv<'a>>, Reason> {
        let found = attrs.all(o);
        match found.as_slice() {
            [] if required => Err(Reason::MissingAttribute {
                attribute: name.into(),
            }),
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
    let ct = single(&oid::CONTENT_TYPE, "content-type", true)?.ok_or_else(|| {
        Reason::MissingAttribute {
            attribute: "content-type".into(),
        }
    })?;
    if ct.tag != tag::OID {
        return Err(Reason::Malformed {
            detail: "the content-type attribute value is not an OBJECT IDENTIFIER".into(),
        });
    }
    if ct.value != econtent_type {
        return Err(Reason::ContentTypeMismatch {
            attribute: crate::encoding::asn1::oid_to_string(ct.value),
            econtent_type: crate::encoding::asn1::oid_to_string(econtent_type),
        });
    }
    let md = single(&oid::MESSAGE_DIGEST, "message-digest", true)?.ok_or_else(|| {
        Reason::MissingAttribute {
            attribute: "message-digest".into(),
        }
    })?;
    if md.tag != tag::OCTET_STRING {
        return Err(Reason::Malformed {
            detail: "the message-digest attribute value is not an OCTET STRING".into(),
        });
    }
    let signing_time = match single(&oid::SIGNING_TIME, "signing-time", false)? {
        None => None,
        Some(t) => Some(Timestamp::from_asn1_profile(t.tag, t.value).ok_or_else(|| Reason::Malformed {
            detail: "the signing-time attribute is not a UTCTime (1950 to 2049) or GeneralizedTime (other years) in whole seconds with Z (RFC 5652 §11.3)".into(),
        })?),
    };
    Ok((md.value, signing_time))
}

/// ESS signing-certificate-v2 (RFC 5035 §3) and v1 (RFC 2634 §5.4): the first ESSCertID of
/// each attribute present must identify the signer certificate by hash (and issuer/serial
/// when present). RFC 5035 §5.4: when both are present, both are checked. The v2
/// hashAlgorithm is judged by the policy's digest list at the validation time; v1's hash is
/// SHA-1 by definition (RFC 2634) and identifies, it does not sign, so it is not.
/// Without either attribute the check is skipped, and the caller applies the policy.
pub(crate) fn check_signing_certificate(
    attrs: &Attributes<'_>,
    cert: &Certificate,
    policy: &ValidationPolicy,
    at: Timestamp,
) -> CheckResult {
    let present: Vec<(Option<Tlv<'_>>, bool)> = [
        (&oid::SIGNING_CERTIFICATE_V2, true),
        (&oid::SIGNING_CERTIFICATE, false),
    ]
    .into_iter()
    .filter_map(|(o, v2)| {
        attrs
            .all(o)
            .first()
            .map(|a| (a.values.first().copied(), v2))
    })
    .collect();
    if present.is_empty() {
        return CheckResult::Skipped(SkipReason::NoSigningCertificateAttribute);
    }
    for (value, v2) in present {
        let result = check_one_signing_certificate(value, v2, cert, policy, at);
        if result != CheckResult::Passed {
            return result;
        }
    }
    CheckResult::Passed
}

/// The hash algorithm of the signing-certificate-v2 attribute's first ESSCertID, when it has a
/// well-formed one: part of what the algorithm policy judges (its check is above).
pub(crate) fn signing_certificate_v2_digest(attrs: &Attributes<'_>) -> Option<DigestAlgorithm> {
    let value = *attrs
        .all(&oid::SIGNING_CERTIFICATE_V2)
        .first()?
        .values
        .first()?;
    parse_first_ess_cert_id(value, true)
        .ok()
        .map(|(alg, _, _)| alg)
}

fn check_one_signing_certificate(
    value: Option<Tlv<'_>>,
    v2: bool,
    cert: &Certificate,
    policy: &ValidationPolicy,
    at: Timestamp,
) -> CheckResult {
    let name = if v2 {
        "signing-certificate-v2"
    } else {
        "signing-certificate"
    };
    let mismatch = |detail: String| {
        CheckResult::Failed(Reason::SigningCertificateMismatch {
            detail: format!("{name}: {detail}"),
        })
    };
    let Some(value) = value else {
        return mismatch("the attribute has no value".into());
    };
    match parse_first_ess_cert_id(value, v2) {
        Err(e) => CheckResult::Failed(Reason::Malformed {
            detail: format!("{name} attribute: {e}"),
        }),
        Ok((alg, hash, issuer_serial)) => {
            if v2 {
                if let Some(problem) = policy.digest_problem(alg, at) {
                    return CheckResult::Failed(Reason::WeakAlgorithm {
                        detail: format!("{name} certificate hash: {}", problem.detail),
                    });
                }
            }
            // The certificate's SHA-256 is computed once at parse time; a batch signed by one
            // official would otherwise hash the same certificate for every document.
            let matches = match alg {
                DigestAlgorithm::Sha256 => cert.sha256().as_slice() == hash,
                _ => alg.digest(cert.der()) == hash,
            };
            if !matches {
                return mismatch(format!(
                    "the {alg} hash of the signer certificate differs from the one signed"
                ));
            }
            if let Some((issuer, serial)) = issuer_serial {
                if serial != cert.serial()
                    || !issuer
                        .iter()
                        .any(|n| crate::x509::name::names_match(n, cert.issuer_der()))
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

/// SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2),
/// policies SEQUENCE OF PolicyInformation OPTIONAL } (RFC 5035 §3, RFC 2634 §5.4). Every
/// level must be consumed exactly: trailing bytes are malformed, not ignored.
fn parse_first_ess_cert_id(
    value: Tlv<'_>,
    v2: bool,
) -> crate::encoding::asn1::Result<EssCertId<'_>> {
    let mut r = value.expect(tag::SEQUENCE, "SigningCertificate")?.reader();
    let mut certs = r.expect(tag::SEQUENCE, "certs")?.reader();
    let mut id = certs.expect(tag::SEQUENCE, "ESSCertID")?.reader();
    // The other ESSCertIDs name certificates of the path; only their framing is checked.
    while !certs.is_empty() {
        certs.expect(tag::SEQUENCE, "ESSCertID")?;
    }
    r.optional(tag::SEQUENCE)?;
    r.finish("SigningCertificate")?;
    let mut alg = if v2 {
        DigestAlgorithm::Sha256
    } else {
        DigestAlgorithm::Sha1
    };
    if v2 && id.peek_tag() == Some(tag::SEQUENCE) {
        let a = crypto::AlgorithmIdentifier::parse(id.read()?, "hashAlgorithm")?;
        alg = DigestAlgorithm::from_oid(a.oid).ok_or_else(|| crate::encoding::asn1::Asn1Error {
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
            ir.finish("IssuerSerial")?;
            Some((dirs, serial))
        }
    };
    id.finish("ESSCertID")?;
    Ok((alg, hash, issuer_serial))
}

/// keyUsage must allow digitalSignature or nonRepudiation; an extendedKeyUsage, if present,
/// must list one of the policy's `signer_ekus` (product contract).
pub(crate) fn check_signer_usage(cert: &Certificate, policy: &ValidationPolicy) -> CheckResult {
    usage_problem(cert, Some(&policy.signer_ekus)).map_or(CheckResult::Passed, CheckResult::Failed)
}

/// Why `cert` may not sign documents under the default policy, if it may not (signing uses
/// this; verification uses the selected policy's EKU list).
pub(crate) fn signing_usage_problem(cert: &Certificate) -> Option<Reason> {
    usage_problem(cert, None)
}

fn usage_problem(cert: &Certificate, ekus: Option<&[String]>) -> Option<Reason> {
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
        // Rendered once per run, not once per document (the certificate keeps dotted strings).
        static ALLOWED: std::sync::LazyLock<[String; 5]> = std::sync::LazyLock::new(|| {
            [
                oid::ANY_EKU,
                oid::EKU_EMAIL_PROTECTION,
                oid::EKU_DOCUMENT_SIGNING,
                oid::EKU_MS_DOCUMENT_SIGNING,
                oid::EKU_ADOBE_DOCUMENT_SIGNING,
            ]
            .map(|a| a.to_string())
        });
        let allowed: &[String] = ekus.unwrap_or(&ALLOWED[..]);
        if !eku.iter().any(|e| allowed.iter().any(|a| a == e)) {
            return Some(Reason::ExtendedKeyUsageNotAllowed {
                ext_key_usage: eku.to_vec(),
            });
        }
    }
    None
}

impl From<crate::cms::envelope::ContentError> for Reason {
    fn from(e: crate::cms::envelope::ContentError) -> Self {
        use crate::cms::envelope::ContentError;
        match e {
            ContentError::Missing { looked_for } => Reason::ContentMissing { looked_for },
            ContentError::Digest(detail) => Reason::UnsupportedAlgorithm { detail },
            ContentError::TooLargeForRawSignature { limit } => Reason::Malformed {
                detail: format!(
                    "the content is larger than {} MiB and the signature covers it directly (no signed attributes); kyso does not hold that much in memory",
                    limit >> 20
                ),
            },
            ContentError::Unreadable(e) => Reason::Malformed {
                detail: format!("the content could not be read again: {e}"),
            },
        }
    }
}
