//! OCSP (RFC 6960): request building, response parsing and response validation.
//!
//! Parsed with kyso's own bounded DER reader ([`crate::encoding::asn1`]) rather than the
//! `x509-ocsp` crate: validation needs the exact bytes of tbsResponseData (the signature is
//! over them, and re-encoding a decoded structure can change them), the same reader already
//! guards every CMS and CRL structure against hostile lengths, and keeping `der` decoder types
//! out lets a malformed response become one typed error instead of a decoder error tree.
//!
//! A response is parsed once ([`OcspResponse::from_der`]) and validated per certificate
//! ([`OcspResponse::validate`]): the CertID must name the certificate and its issuer
//! (§4.1.1), the signer must be the issuing CA itself or a responder certificate the CA
//! issued with id-kp-OCSPSigning (§4.2.2.2), the times must be fresh at the validation time
//! (§4.2.2.1), and a nonce sent must come back (RFC 8954). Every failure is an
//! [`OcspProblem`] carrying its evidence.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::crypto::{AlgorithmIdentifier, DigestAlgorithm, SignatureScheme, Signed};
use crate::encoding::asn1::{self, tag, Reader, Tlv};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::revocation::crl::RevocationReason;
use crate::revocation::evidence::{
    Origin, RevocationDataKind, RevocationEvidence, RevocationSource, Value,
};
use crate::x509::cert::{ku, Certificate};

/// Largest OCSP response read. Real responses are 1-10 KB (a signature, a certificate or two);
/// RFC 6960 sets no limit, 1 MiB leaves room for many SingleResponses and bounds hostile input.
pub const MAX_RESPONSE_SIZE: usize = 1 << 20;
/// SingleResponses read from one response. Responders answer for the certificates asked
/// about (one, sometimes a batch of a few dozen); 1,000 bounds the CertID hashing per check.
const MAX_SINGLE_RESPONSES: usize = 1000;
/// Certificates in `certs` [0]. A responder sends its own certificate and perhaps a chain;
/// 16 bounds the signature checks one response can cost.
const MAX_CERTS: usize = 16;
/// Extensions in one Extensions list; RFC 6960 defines six, 32 is generous.
const MAX_EXTENSIONS: usize = 32;

/// How long a response without nextUpdate is accepted after its thisUpdate, by default: one
/// hour. RFC 6960 §4.2.2.1: without nextUpdate "newer revocation information is available all
/// the time", so such a response is only as good as it is fresh; an hour lets a response
/// fetched for a batch serve that batch. Change it with [`OcspOptions::max_age`].
pub const DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE: i64 = 3600;

/// How far producedAt and thisUpdate may lie after the validation time, seconds: a responder
/// that signs on demand stamps its answer a moment after the run began, and clocks differ
/// (OpenSSL allows 5 minutes, `-validity_period`). RFC 6960 §4.2.2.1 leaves the
/// "sufficiently recent" judgement to the client; the response still has to be fresh.
pub(crate) const CLOCK_SKEW: i64 = 300;

const OID_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OID_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
const OID_CRL_ID: &str = "1.3.6.1.5.5.7.48.1.3";
const OID_PREFERRED_SIG: &str = "1.3.6.1.5.5.7.48.1.8";
const OID_EXTENDED_REVOKE: &str = "1.3.6.1.5.5.7.48.1.9";
/// id-pkix-ocsp-nocheck (§4.2.2.2.1).
const OID_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
const OID_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

/// OCSPResponseStatus (RFC 6960 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum OcspResponseStatus {
    /// successful (0): the response has valid confirmations.
    Successful,
    /// malformedRequest (1).
    MalformedRequest,
    /// internalError (2).
    InternalError,
    /// tryLater (3).
    TryLater,
    /// sigRequired (5).
    SigRequired,
    /// unauthorized (6).
    Unauthorized,
}

impl std::fmt::Display for OcspResponseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Successful => "successful",
            Self::MalformedRequest => "malformedRequest",
            Self::InternalError => "internalError",
            Self::TryLater => "tryLater",
            Self::SigRequired => "sigRequired",
            Self::Unauthorized => "unauthorized",
        })
    }
}

/// Why an OCSP response establishes nothing about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OcspProblem {
    /// The responder did not answer `successful` (§4.2.1).
    #[serde(rename = "ocsp_responder_error")]
    ResponderError {
        /// The responseStatus.
        status: OcspResponseStatus,
    },
    /// No SingleResponse's CertID names this certificate and issuer (§4.1.1).
    #[serde(rename = "ocsp_no_matching_response")]
    NoMatchingResponse {
        /// The certificate's serial number, hex.
        serial: String,
    },
    /// A CertID names the certificate only with a hash algorithm kyso does not compute.
    #[serde(rename = "ocsp_unsupported_cert_id_hash")]
    UnsupportedCertIdHash {
        /// The hashAlgorithm OID.
        oid: String,
    },
    /// The response is signed with an algorithm the algorithm policy refuses (SHA-1, MD5).
    #[serde(rename = "ocsp_weak_signature_algorithm")]
    WeakSignatureAlgorithm {
        /// The digest of the signature algorithm.
        algorithm: String,
    },
    /// Neither the issuing CA nor a certificate in the response is the responder the
    /// ResponderID names (§4.2.2.3).
    #[serde(rename = "ocsp_responder_unknown")]
    ResponderUnknown {
        /// The ResponderID: a name, or `key:` and the key hash in hex.
        responder: String,
    },
    /// The signature does not verify with the responder's key.
    #[serde(rename = "ocsp_signature_invalid")]
    SignatureInvalid,
    /// The responder certificate may not sign responses for this CA (§4.2.2.2).
    #[serde(rename = "ocsp_responder_not_authorized")]
    ResponderNotAuthorized {
        /// The responder certificate's subject.
        subject: String,
        /// Which rule it breaks.
        rule: ResponderRule,
    },
    /// The caller sent a nonce and the response does not echo it (RFC 8954 §2.1).
    #[serde(rename = "ocsp_nonce_mismatch")]
    NonceMismatch {
        /// The nonce sent, hex.
        sent: String,
        /// The nonce received, hex; `None` when the response has none.
        received: Option<String>,
    },
    /// thisUpdate (or producedAt) is after the validation time (§4.2.2.1).
    #[serde(rename = "ocsp_not_yet_valid")]
    NotYetValid {
        /// thisUpdate, or producedAt when that is the later one.
        this_update: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// nextUpdate is before the validation time: the response is stale (§4.2.2.1).
    #[serde(rename = "ocsp_response_expired")]
    Expired {
        /// nextUpdate.
        next_update: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// No nextUpdate and thisUpdate is older than the accepted maximum age.
    #[serde(rename = "ocsp_response_too_old")]
    TooOld {
        /// thisUpdate.
        this_update: Timestamp,
        /// The validation time.
        at: Timestamp,
        /// The maximum age, seconds.
        max_age_seconds: i64,
    },
    /// The responder answered `unknown`: it does not know the certificate (§2.2).
    #[serde(rename = "ocsp_certificate_unknown")]
    CertificateUnknown,
    /// The response has a critical extension kyso does not process.
    #[serde(rename = "ocsp_unsupported_critical_extension")]
    UnsupportedCriticalExtension {
        /// Its OID.
        oid: String,
    },
}

impl OcspProblem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        use OcspProblem::*;
        match self {
            ResponderError { .. } => "ocsp_responder_error",
            NoMatchingResponse { .. } => "ocsp_no_matching_response",
            UnsupportedCertIdHash { .. } => "ocsp_unsupported_cert_id_hash",
            WeakSignatureAlgorithm { .. } => "ocsp_weak_signature_algorithm",
            ResponderUnknown { .. } => "ocsp_responder_unknown",
            SignatureInvalid => "ocsp_signature_invalid",
            ResponderNotAuthorized { .. } => "ocsp_responder_not_authorized",
            NonceMismatch { .. } => "ocsp_nonce_mismatch",
            NotYetValid { .. } => "ocsp_not_yet_valid",
            Expired { .. } => "ocsp_response_expired",
            TooOld { .. } => "ocsp_response_too_old",
            CertificateUnknown => "ocsp_certificate_unknown",
            UnsupportedCriticalExtension { .. } => "ocsp_unsupported_critical_extension",
        }
    }

    /// In words (English).
    pub fn describe(&self) -> String {
        use OcspProblem::*;
        match self {
            ResponderError { status } => format!("the OCSP responder answered {status}"),
            NoMatchingResponse { serial } => format!(
                "the OCSP response is not about this certificate (serial {serial}) and its issuer"
            ),
            UnsupportedCertIdHash { oid } => {
                format!("the OCSP response identifies the certificate with hash {oid}, which kyso does not support")
            }
            WeakSignatureAlgorithm { algorithm } => format!(
                "the OCSP response is signed with {algorithm}, which the algorithm policy refuses"
            ),
            ResponderUnknown { responder } => format!(
                "the OCSP response was signed by {responder}, which is neither the issuing CA nor a certificate in the response"
            ),
            SignatureInvalid => "the OCSP response's signature does not verify".into(),
            ResponderNotAuthorized { subject, rule } => format!(
                "the OCSP responder '{subject}' may not answer for this CA: {} (RFC 6960 §4.2.2.2)",
                rule.describe()
            ),
            NonceMismatch { sent, received } => match received {
                Some(r) => format!("the OCSP response's nonce {r} is not the nonce sent ({sent})"),
                None => format!("the OCSP response does not echo the nonce sent ({sent})"),
            },
            NotYetValid { this_update, at } => format!(
                "the OCSP response was produced at {this_update}, after the validation time {at}"
            ),
            Expired { next_update, at } => format!(
                "the OCSP response is stale: its nextUpdate {next_update} is before the validation time {at}"
            ),
            TooOld { this_update, at, max_age_seconds } => format!(
                "the OCSP response has no nextUpdate and its thisUpdate {this_update} is more than {max_age_seconds} s before the validation time {at}"
            ),
            CertificateUnknown => "the OCSP responder does not know this certificate".into(),
            UnsupportedCriticalExtension { oid } => {
                format!("the OCSP response has a critical extension {oid} that kyso does not process")
            }
        }
    }

    /// Which problem to report when several responses were unusable: the most specific.
    pub(crate) fn rank(&self) -> u8 {
        use OcspProblem::*;
        match self {
            NoMatchingResponse { .. } => 0,
            UnsupportedCertIdHash { .. } => 1,
            ResponderError { .. } => 2,
            CertificateUnknown => 3,
            ResponderUnknown { .. } | SignatureInvalid => 4,
            NotYetValid { .. } | Expired { .. } | TooOld { .. } => 5,
            NonceMismatch { .. } => 6,
            WeakSignatureAlgorithm { .. } | UnsupportedCriticalExtension { .. } => 7,
            ResponderNotAuthorized { .. } => 8,
        }
    }
}

/// The rule of RFC 6960 §4.2.2.2 a delegated responder certificate breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponderRule {
    /// Not issued directly by the CA that issued the certificate in question.
    NotIssuedByCa,
    /// No id-kp-OCSPSigning in its extendedKeyUsage.
    NoOcspSigning,
    /// keyUsage present without digitalSignature (RFC 5280 §4.2.1.3).
    NoDigitalSignature,
    /// Not valid at the validation time.
    NotValidAtTime,
    /// Its certificate has a critical extension kyso does not process (RFC 5280 §4.2).
    UnknownCriticalExtension,
    /// Its certificate is signed with a digest the algorithm policy refuses (MD5, SHA-1).
    WeakCertificateSignature,
    /// Without id-pkix-ocsp-nocheck, its own certificate is revoked (§4.2.2.2.1).
    Revoked,
    /// Without id-pkix-ocsp-nocheck, its own status could not be established while
    /// revocation checking is required (§4.2.2.2.1).
    StatusUnknown,
}

impl ResponderRule {
    /// In words (English).
    pub fn describe(self) -> &'static str {
        match self {
            Self::NotIssuedByCa => {
                "its certificate was not issued by the CA that issued the certificate in question"
            }
            Self::NoOcspSigning => {
                "its certificate lacks the extended key usage id-kp-OCSPSigning"
            }
            Self::NoDigitalSignature => {
                "its certificate's keyUsage lacks digitalSignature (RFC 5280 §4.2.1.3)"
            }
            Self::NotValidAtTime => "its certificate is not valid at the validation time",
            Self::UnknownCriticalExtension => {
                "its certificate has a critical extension kyso does not process (RFC 5280 §4.2)"
            }
            Self::WeakCertificateSignature => {
                "its certificate is signed with a digest the algorithm policy refuses (MD5 or SHA-1)"
            }
            Self::Revoked => "its certificate has no id-pkix-ocsp-nocheck and is itself revoked",
            Self::StatusUnknown => {
                "its certificate has no id-pkix-ocsp-nocheck and its own revocation status is unknown"
            }
        }
    }
}

/// A certificate's status in an OCSP response (CertStatus, §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OcspCertStatus {
    /// good.
    Good,
    /// revoked.
    Revoked {
        /// revocationReason (unspecified when absent).
        reason: RevocationReason,
        /// revocationTime.
        revoked_at: Timestamp,
    },
    /// unknown.
    Unknown,
}

/// Who signed a valid response (§4.2.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum OcspResponder {
    /// The CA that issued the certificate.
    IssuingCa,
    /// A responder certificate issued by that CA with id-kp-OCSPSigning.
    Delegated {
        /// Its subject.
        subject: String,
        /// It carries id-pkix-ocsp-nocheck (§4.2.2.2.1), so its own status needs no check.
        /// Without it, [`OcspResponse::validate`] does not check the responder's own status
        /// (it has no CRLs): it says so here. Path validation does check it, with the CRLs it
        /// has ([`ResponderRule::Revoked`], [`ResponderRule::StatusUnknown`]).
        nocheck: bool,
    },
}

/// What a valid OCSP response says about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OcspVerdict {
    /// The certificate's status.
    pub status: OcspCertStatus,
    /// producedAt.
    pub produced_at: Timestamp,
    /// thisUpdate of the SingleResponse.
    pub this_update: Timestamp,
    /// nextUpdate of the SingleResponse, when present.
    pub next_update: Option<Timestamp>,
    /// Who signed the response.
    pub responder: OcspResponder,
    /// The delegated responder's certificate (from the response's `certs`), for a caller
    /// that checks its status ([`OcspResponder::Delegated`] without nocheck).
    pub responder_certificate: Option<Certificate>,
}

/// Validation inputs for [`OcspResponse::validate`]: the validation time, the nonce the
/// request carried and the maximum age of a response without nextUpdate.
#[derive(Debug, Clone)]
pub struct OcspOptions {
    at: Timestamp,
    nonce: Option<Vec<u8>>,
    max_age: i64,
    legacy_crypto: bool,
}

impl OcspOptions {
    /// Validate at `at`, no nonce expected, [`DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE`].
    pub fn new(at: Timestamp) -> Self {
        OcspOptions {
            at,
            nonce: None,
            max_age: DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE,
            legacy_crypto: false,
        }
    }
    /// The nonce the request carried: the response must echo it (RFC 8954 §2.1).
    pub fn nonce(mut self, nonce: impl Into<Vec<u8>>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }
    /// How long after thisUpdate a response without nextUpdate is accepted, seconds.
    pub fn max_age(mut self, seconds: i64) -> Self {
        self.max_age = seconds;
        self
    }
    pub(crate) fn legacy_crypto(mut self, on: bool) -> Self {
        self.legacy_crypto = on;
        self
    }
}

/// CertID (§4.1.1).
#[derive(Debug, Clone)]
struct CertId {
    /// `None` for a hash algorithm kyso does not compute; the OID is kept for the report.
    hash: Option<DigestAlgorithm>,
    hash_oid: String,
    issuer_name_hash: Vec<u8>,
    issuer_key_hash: Vec<u8>,
    serial: Vec<u8>,
}

#[derive(Debug, Clone)]
struct SingleResponse {
    cert_id: CertId,
    status: OcspCertStatus,
    this_update: Timestamp,
    next_update: Option<Timestamp>,
}

#[derive(Debug)]
enum ResponderId {
    ByName(Vec<u8>),
    ByKey(Vec<u8>),
}

#[derive(Debug)]
struct Basic {
    tbs: Vec<u8>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    responder_id: ResponderId,
    produced_at: Timestamp,
    responses: Vec<SingleResponse>,
    nonce: Option<Vec<u8>>,
    certs: Vec<Certificate>,
    /// A critical extension kyso does not process: the response must not be used.
    unsupported_critical: Option<String>,
}

#[derive(Debug)]
struct Inner {
    der: Vec<u8>,
    status: OcspResponseStatus,
    basic: Option<Basic>,
}

/// A DER OCSPResponse (RFC 6960 §4.2.1). Cheap to clone.
#[derive(Clone)]
pub struct OcspResponse(Arc<Inner>, Origin);

impl std::fmt::Debug for OcspResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.basic {
            Some(b) => write!(
                f,
                "OcspResponse({} responses, producedAt {})",
                b.responses.len(),
                b.produced_at
            ),
            None => write!(f, "OcspResponse({})", self.0.status),
        }
    }
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::Format(format!("OCSP response: {what}"))
}

impl OcspResponse {
    /// Parse one DER OCSPResponse. A response whose status is not `successful` parses (its
    /// [`OcspResponse::validate`] reports [`OcspProblem::ResponderError`]); a response that is
    /// not the RFC 6960 structure, is larger than [`MAX_RESPONSE_SIZE`] or holds more
    /// SingleResponses, certificates or extensions than kyso reads is an error.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        if der.len() > MAX_RESPONSE_SIZE {
            return Err(bad(format!(
                "{} bytes, more than the {MAX_RESPONSE_SIZE} kyso reads",
                der.len()
            )));
        }
        let (status, basic) = parse_response(der).map_err(|e| bad(e.what))?;
        Ok(OcspResponse(
            Arc::new(Inner {
                der: der.to_vec(),
                status,
                basic,
            }),
            Origin::default(),
        ))
    }

    /// The same response, recorded as read from the file `path`: the report names the file as
    /// the source of a status it decides ([`RevocationEvidence::path`]).
    pub fn with_file(mut self, path: impl Into<String>) -> Self {
        self.1 = Origin::file(path.into());
        self
    }

    /// The same response, recorded as got from `origin` (embedded in the signature, fetched).
    pub(crate) fn with_origin(mut self, origin: Origin) -> Self {
        self.1 = origin;
        self
    }

    /// How kyso got this response.
    pub fn source(&self) -> RevocationSource {
        self.1.source
    }

    /// The evidence of `verdict` (from this response's [`OcspResponse::validate`] for a
    /// certificate issued by `issuer`).
    pub(crate) fn evidence(
        &self,
        verdict: &OcspVerdict,
        issuer: &Certificate,
    ) -> RevocationEvidence {
        let responder = match &verdict.responder {
            OcspResponder::IssuingCa => issuer.subject(),
            OcspResponder::Delegated { subject, .. } => subject.clone(),
        };
        let mut e = self.1.evidence(
            RevocationDataKind::Ocsp,
            responder,
            verdict.this_update,
            verdict.next_update,
            Some(verdict.produced_at),
        );
        e.values.0.push(Value::Ocsp(self.clone()));
        e
    }

    /// The encoding it was parsed from.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// responseStatus.
    pub fn response_status(&self) -> OcspResponseStatus {
        self.0.status
    }

    /// producedAt, for a successful response.
    pub fn produced_at(&self) -> Option<Timestamp> {
        self.0.basic.as_ref().map(|b| b.produced_at)
    }

    /// thisUpdate of the first SingleResponse, for a successful response.
    pub fn this_update(&self) -> Option<Timestamp> {
        self.0
            .basic
            .as_ref()
            .and_then(|b| b.responses.first())
            .map(|r| r.this_update)
    }

    /// The earliest nextUpdate of its SingleResponses: until when the whole response holds
    /// (`None` when one has no nextUpdate).
    pub(crate) fn next_update(&self) -> Option<Timestamp> {
        let b = self.0.basic.as_ref()?;
        b.responses
            .iter()
            .map(|r| r.next_update)
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min()
    }

    /// Number of SingleResponses.
    pub fn len(&self) -> usize {
        self.0.basic.as_ref().map_or(0, |b| b.responses.len())
    }

    /// True when there is no SingleResponse.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The nonce the response carries (RFC 8954), if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.0.basic.as_ref().and_then(|b| b.nonce.as_deref())
    }

    /// Does a SingleResponse name `cert` by serial and issuer name hash? A cheap test for
    /// "this response is about the certificate" before [`OcspResponse::validate`].
    pub(crate) fn mentions(&self, cert: &Certificate) -> bool {
        let Some(b) = &self.0.basic else {
            return false;
        };
        b.responses.iter().any(|r| {
            r.cert_id.serial == cert.serial()
                && r.cert_id
                    .hash
                    .is_some_and(|h| h.digest(cert.issuer_der()) == r.cert_id.issuer_name_hash)
        })
    }

    /// Validate the response for `cert`, issued by `issuer`, under `options` (RFC 6960
    /// §3.2, §4.2.2): the status the responder gives, or why the response establishes nothing.
    ///
    /// Checked: responseStatus; a CertID matching the certificate's serial and the issuer's
    /// name and key hashes (any of SHA-1, SHA-256, SHA-384, SHA-512); the signature, by the
    /// issuer or by a certificate in the response that the issuer issued, with
    /// id-kp-OCSPSigning, keyUsage digitalSignature when keyUsage is present, valid at the
    /// validation time; the algorithm policy on the signature's digest; the nonce when one is
    /// expected; producedAt and thisUpdate not after the validation time, nextUpdate not before
    /// it (without nextUpdate: thisUpdate at most the maximum age before it); no unknown
    /// critical extension. Not checked: a delegated responder's own revocation status unless
    /// it carries id-pkix-ocsp-nocheck ([`OcspResponder::Delegated`] says which).
    pub fn validate(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        options: &OcspOptions,
    ) -> Result<OcspVerdict, OcspProblem> {
        let b = match (&self.0.basic, self.0.status) {
            (Some(b), OcspResponseStatus::Successful) => b,
            (_, status) => return Err(OcspProblem::ResponderError { status }),
        };
        if let Some(oid) = &b.unsupported_critical {
            return Err(OcspProblem::UnsupportedCriticalExtension { oid: oid.clone() });
        }
        // §4.1.1: the CertID names the issuer by the hashes of its name and key.
        let matching = matching_responses(b, cert, issuer)?;
        let (responder, responder_certificate) = authorise(b, issuer, options)?;
        if let Some(sent) = &options.nonce {
            if b.nonce.as_ref() != Some(sent) {
                return Err(OcspProblem::NonceMismatch {
                    sent: hex::encode(sent),
                    received: b.nonce.as_ref().map(hex::encode),
                });
            }
        }
        let at = options.at;
        if b.produced_at.unix() > at.unix() + CLOCK_SKEW {
            return Err(OcspProblem::NotYetValid {
                this_update: b.produced_at,
                at,
            });
        }
        // Of several fresh SingleResponses for the certificate: a revocation for good (any
        // reason but certificateHold) decides whatever its date, since such a certificate
        // never becomes good again (RFC 5280 §5.3.1); otherwise the newest decides (a hold
        // can be lifted), and of equally new ones the most severe: a response that says both
        // good and revoked at once is not taken at its kindest.
        let severity = |r: &SingleResponse| match r.status {
            OcspCertStatus::Good => 0,
            OcspCertStatus::Unknown => 1,
            OcspCertStatus::Revoked { .. } => 2,
        };
        let for_good = |r: &SingleResponse| {
            matches!(r.status, OcspCertStatus::Revoked { reason, .. }
                if reason != RevocationReason::CertificateHold)
        };
        let rank = |r: &SingleResponse| (for_good(r), r.this_update, severity(r));
        let mut best: Option<&SingleResponse> = None;
        let mut problem = None;
        for r in matching {
            match time_problem(r, at, options.max_age) {
                Some(p) => {
                    if problem.is_none() {
                        problem = Some(p);
                    }
                }
                None => {
                    if best.is_none_or(|x| rank(r) > rank(x)) {
                        best = Some(r);
                    }
                }
            }
        }
        let Some(r) = best else {
            return Err(problem.unwrap_or(OcspProblem::NoMatchingResponse {
                serial: cert.serial_hex(),
            }));
        };
        Ok(OcspVerdict {
            status: r.status,
            produced_at: b.produced_at,
            this_update: r.this_update,
            next_update: r.next_update,
            responder,
            responder_certificate,
        })
    }
}

/// §4.2.2.1: thisUpdate not after the validation time, nextUpdate not before it.
fn time_problem(r: &SingleResponse, at: Timestamp, max_age: i64) -> Option<OcspProblem> {
    if r.this_update.unix() > at.unix() + CLOCK_SKEW {
        return Some(OcspProblem::NotYetValid {
            this_update: r.this_update,
            at,
        });
    }
    match r.next_update {
        Some(n) if at > n => Some(OcspProblem::Expired { next_update: n, at }),
        Some(_) => None,
        None if at.unix() - r.this_update.unix() > max_age => Some(OcspProblem::TooOld {
            this_update: r.this_update,
            at,
            max_age_seconds: max_age,
        }),
        None => None,
    }
}

fn matching_responses<'a>(
    b: &'a Basic,
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Vec<&'a SingleResponse>, OcspProblem> {
    let no_match = || OcspProblem::NoMatchingResponse {
        serial: cert.serial_hex(),
    };
    if !issuer.subject_matches_issuer_of(cert) {
        return Err(no_match());
    }
    let key_bits = spki_key_bits(issuer.der()).ok_or_else(no_match)?;
    let mut unsupported = None;
    let mut out = Vec::new();
    for r in &b.responses {
        let id = &r.cert_id;
        if id.serial != cert.serial() {
            continue;
        }
        let Some(h) = id.hash else {
            unsupported = Some(id.hash_oid.clone());
            continue;
        };
        if h.digest(issuer.subject_der()) == id.issuer_name_hash
            && h.digest(key_bits) == id.issuer_key_hash
        {
            out.push(r);
        }
    }
    if out.is_empty() {
        return Err(match unsupported {
            Some(oid) => OcspProblem::UnsupportedCertIdHash { oid },
            None => no_match(),
        });
    }
    Ok(out)
}

/// §4.2.2.2: the signer is the CA that issued the certificate, or a certificate that CA
/// issued directly with id-kp-OCSPSigning. §4.2.2.3: the ResponderID names the signer.
fn authorise(
    b: &Basic,
    issuer: &Certificate,
    options: &OcspOptions,
) -> Result<(OcspResponder, Option<Certificate>), OcspProblem> {
    let alg = Tlv::parse_exact(&b.signature_algorithm, "signatureAlgorithm")
        .and_then(|t| AlgorithmIdentifier::parse(t, "signatureAlgorithm"))
        .map_err(|_| OcspProblem::SignatureInvalid)?;
    let digest = crate::crypto::digest_of_signature_algorithm(&alg);
    if let Some(d) = digest.filter(|d| d.is_legacy() && !options.legacy_crypto) {
        return Err(OcspProblem::WeakSignatureAlgorithm {
            algorithm: d.to_string(),
        });
    }
    let scheme = if oid::is(&oid::ED25519, alg.oid) {
        SignatureScheme::from_signer_info(DigestAlgorithm::Sha512, &alg)
    } else {
        match digest {
            Some(d) => SignatureScheme::from_signer_info(d, &alg),
            None => return Err(OcspProblem::SignatureInvalid),
        }
    }
    .map_err(|_| OcspProblem::SignatureInvalid)?;
    let names = |c: &Certificate| match &b.responder_id {
        ResponderId::ByName(n) => crate::x509::name::names_match(n, c.subject_der()),
        ResponderId::ByKey(k) => {
            spki_key_bits(c.der()).is_some_and(|bits| DigestAlgorithm::Sha1.digest(bits) == *k)
        }
    };
    let verifies = |c: &Certificate| {
        c.verify_signature(&scheme, Signed::Message(&b.tbs), &b.signature)
            .unwrap_or(false)
    };
    if names(issuer) {
        return if verifies(issuer) {
            Ok((OcspResponder::IssuingCa, None))
        } else {
            Err(OcspProblem::SignatureInvalid)
        };
    }
    let Some(responder) = b.certs.iter().find(|c| names(c)) else {
        return Err(OcspProblem::ResponderUnknown {
            responder: match &b.responder_id {
                ResponderId::ByName(n) => format!("'{}'", crate::x509::name::render(n)),
                ResponderId::ByKey(k) => format!("key:{}", hex::encode(k)),
            },
        });
    };
    if !verifies(responder) {
        return Err(OcspProblem::SignatureInvalid);
    }
    let refuse = |rule: ResponderRule| OcspProblem::ResponderNotAuthorized {
        subject: responder.subject(),
        rule,
    };
    // "issued directly by the CA that is identified in the request".
    if !issuer.subject_matches_issuer_of(responder) || !responder.signed_by(issuer) {
        return Err(refuse(ResponderRule::NotIssuedByCa));
    }
    // "MUST ... include a value of id-kp-OCSPSigning in an extended key usage extension".
    if !responder
        .extended_key_usage()
        .is_some_and(|e| e.iter().any(|o| o == OID_OCSP_SIGNING))
    {
        return Err(refuse(ResponderRule::NoOcspSigning));
    }
    if responder
        .key_usage_bits()
        .is_some_and(|k| k & ku::DIGITAL_SIGNATURE == 0)
    {
        return Err(refuse(ResponderRule::NoDigitalSignature));
    }
    let at = options.at;
    if at < responder.not_before() || at > responder.not_after() {
        return Err(refuse(ResponderRule::NotValidAtTime));
    }
    // The checks path validation makes on every certificate it accepts (RFC 5280 §4.2,
    // §6.1.3; the product's algorithm policy), which a responder's certificate does not go
    // through.
    if !responder.unknown_critical().is_empty() {
        return Err(refuse(ResponderRule::UnknownCriticalExtension));
    }
    if !options.legacy_crypto
        && responder
            .signature_digest()
            .is_none_or(DigestAlgorithm::is_legacy)
    {
        return Err(refuse(ResponderRule::WeakCertificateSignature));
    }
    Ok((
        OcspResponder::Delegated {
            subject: responder.subject(),
            nocheck: has_extension(responder.der(), OID_NOCHECK),
        },
        Some(responder.clone()),
    ))
}

/// ```text
/// OCSPResponse ::= SEQUENCE {
///    responseStatus         OCSPResponseStatus,
///    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
/// ResponseBytes ::=       SEQUENCE {
///    responseType   OBJECT IDENTIFIER,
///    response       OCTET STRING }
/// ```
fn parse_response(der: &[u8]) -> asn1::Result<(OcspResponseStatus, Option<Basic>)> {
    let top = Tlv::parse_exact(der, "OCSPResponse")?.expect(tag::SEQUENCE, "OCSPResponse")?;
    let mut r = top.reader();
    let st = r.expect(ENUMERATED, "responseStatus")?;
    let status = match st.value {
        [0] => OcspResponseStatus::Successful,
        [1] => OcspResponseStatus::MalformedRequest,
        [2] => OcspResponseStatus::InternalError,
        [3] => OcspResponseStatus::TryLater,
        [5] => OcspResponseStatus::SigRequired,
        [6] => OcspResponseStatus::Unauthorized,
        v => return asn1::err(format!("responseStatus {} is not defined", hex::encode(v))),
    };
    let bytes = r.optional(tag::ctx_cons(0))?;
    r.finish("OCSPResponse")?;
    let Some(bytes) = bytes else {
        if status == OcspResponseStatus::Successful {
            return asn1::err("responseStatus is successful but responseBytes is missing");
        }
        return Ok((status, None));
    };
    if status != OcspResponseStatus::Successful {
        // §4.2.1: "the response bytes ... are not set" for an error status; what they would
        // say is ignored.
        return Ok((status, None));
    }
    let rb =
        Tlv::parse_exact(bytes.value, "ResponseBytes")?.expect(tag::SEQUENCE, "ResponseBytes")?;
    let mut br = rb.reader();
    let ty = br.expect(tag::OID, "responseType")?;
    let body = br.expect(tag::OCTET_STRING, "response")?;
    br.finish("ResponseBytes")?;
    if asn1::oid_to_string(ty.value) != OID_BASIC {
        return asn1::err(format!(
            "responseType {} is not id-pkix-ocsp-basic, the only type RFC 6960 defines",
            asn1::oid_to_string(ty.value)
        ));
    }
    Ok((status, Some(parse_basic(body.value)?)))
}

const ENUMERATED: u8 = 0x0a;
const BOOLEAN: u8 = 0x01;
const BIT_STRING: u8 = 0x03;

/// ```text
/// BasicOCSPResponse       ::= SEQUENCE {
///    tbsResponseData      ResponseData,
///    signatureAlgorithm   AlgorithmIdentifier,
///    signature            BIT STRING,
///    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ResponseData ::= SEQUENCE {
///    version              [0] EXPLICIT Version DEFAULT v1,
///    responderID              ResponderID,
///    producedAt               GeneralizedTime,
///    responses                SEQUENCE OF SingleResponse,
///    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
/// ResponderID ::= CHOICE {
///    byName   [1] Name,
///    byKey    [2] KeyHash }
/// ```
fn parse_basic(der: &[u8]) -> asn1::Result<Basic> {
    let basic =
        Tlv::parse_exact(der, "BasicOCSPResponse")?.expect(tag::SEQUENCE, "BasicOCSPResponse")?;
    let mut r = basic.reader();
    let tbs = r.expect(tag::SEQUENCE, "tbsResponseData")?;
    let alg = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
    let sig = r.expect(BIT_STRING, "signature")?;
    let certs_tlv = r.optional(tag::ctx_cons(0))?;
    r.finish("BasicOCSPResponse")?;
    // RFC 4055 §5 / RFC 5758 §3.2: parameters NULL (RSA) or absent (ECDSA, EdDSA); only
    // RSASSA-PSS has real ones. signatureAlgorithm is outside what is signed, so anything else
    // there would be a second, unauthenticated reading of the response.
    let sig_alg = AlgorithmIdentifier::parse(alg, "signatureAlgorithm")?;
    if !oid::is(&oid::RSASSA_PSS, sig_alg.oid)
        && sig_alg
            .params
            .is_some_and(|p| p.tag != tag::NULL || !p.value.is_empty())
    {
        return asn1::err(
            "signatureAlgorithm: parameters must be NULL or absent (RFC 4055 §5, RFC 5758 §3.2)",
        );
    }
    let signature = match sig.value.split_first() {
        Some((0, rest)) => rest.to_vec(),
        _ => return asn1::err("signature: a BIT STRING with unused bits"),
    };
    let mut certs = Vec::new();
    if let Some(c) = certs_tlv {
        let seq = Tlv::parse_exact(c.value, "certs")?.expect(tag::SEQUENCE, "certs")?;
        let mut cr = seq.reader();
        while !cr.is_empty() {
            if certs.len() == MAX_CERTS {
                return asn1::err(format!("more than {MAX_CERTS} certificates"));
            }
            let t = cr.expect(tag::SEQUENCE, "Certificate")?;
            let cert = Certificate::from_der(t.raw).map_err(|e| asn1::Asn1Error {
                what: format!("a certificate in certs: {e}"),
            })?;
            certs.push(cert);
        }
    }
    let mut t = tbs.reader();
    if let Some(v) = t.optional(tag::ctx_cons(0))? {
        let n = Tlv::parse_exact(v.value, "version")?.small_uint("version")?;
        if n != 0 {
            return asn1::err(format!("version {} is not v1", n + 1));
        }
    }
    let rid = t.read()?;
    let responder_id = if rid.tag == tag::ctx_cons(1) {
        let name = Tlv::parse_exact(rid.value, "byName")?.expect(tag::SEQUENCE, "byName")?;
        ResponderId::ByName(name.raw.to_vec())
    } else if rid.tag == tag::ctx_cons(2) {
        let key = Tlv::parse_exact(rid.value, "byKey")?.expect(tag::OCTET_STRING, "byKey")?;
        // KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
        if key.value.len() != 20 {
            return asn1::err("byKey: a KeyHash is a 20-byte SHA-1 hash");
        }
        ResponderId::ByKey(key.value.to_vec())
    } else {
        return asn1::err(format!("responderID has unexpected tag 0x{:02x}", rid.tag));
    };
    let produced_at = time(t.expect(tag::GENERALIZED_TIME, "producedAt")?, "producedAt")?;
    let list = t.expect(tag::SEQUENCE, "responses")?;
    let mut unsupported_critical = None;
    let mut nonce = None;
    if let Some(e) = t.optional(tag::ctx_cons(1))? {
        for ext in extensions(e)? {
            match ext.oid.as_str() {
                OID_NONCE => nonce = Some(nonce_value(ext.value)),
                OID_EXTENDED_REVOKE | OID_PREFERRED_SIG | OID_CRL_ID => {}
                _ if ext.critical => unsupported_critical = Some(ext.oid),
                _ => {}
            }
        }
    }
    t.finish("ResponseData")?;
    let mut responses = Vec::new();
    let mut lr = list.reader();
    while !lr.is_empty() {
        if responses.len() == MAX_SINGLE_RESPONSES {
            return asn1::err(format!("more than {MAX_SINGLE_RESPONSES} SingleResponses"));
        }
        let (single, critical) = parse_single(lr.read()?)?;
        if unsupported_critical.is_none() {
            unsupported_critical = critical;
        }
        responses.push(single);
    }
    Ok(Basic {
        tbs: tbs.raw.to_vec(),
        signature_algorithm: alg.raw.to_vec(),
        signature,
        responder_id,
        produced_at,
        responses,
        nonce,
        certs,
        unsupported_critical,
    })
}

/// RFC 8954 §2.1: `Nonce ::= OCTET STRING(SIZE(1..32))` inside extnValue. RFC 2560
/// responders sometimes put the bare bytes in extnValue; those are compared as they are.
fn nonce_value(ext_value: &[u8]) -> Vec<u8> {
    match Tlv::parse_exact(ext_value, "nonce") {
        Ok(t) if t.tag == tag::OCTET_STRING => t.value.to_vec(),
        _ => ext_value.to_vec(),
    }
}

/// ```text
/// SingleResponse ::= SEQUENCE {
///    certID                       CertID,
///    certStatus                   CertStatus,
///    thisUpdate                   GeneralizedTime,
///    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
/// CertStatus ::= CHOICE {
///    good        [0]     IMPLICIT NULL,
///    revoked     [1]     IMPLICIT RevokedInfo,
///    unknown     [2]     IMPLICIT UnknownInfo }
/// RevokedInfo ::= SEQUENCE {
///    revocationTime              GeneralizedTime,
///    revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
/// ```
/// Returns the response and the OID of an unknown critical extension, if any.
fn parse_single(t: Tlv<'_>) -> asn1::Result<(SingleResponse, Option<String>)> {
    let t = t.expect(tag::SEQUENCE, "SingleResponse")?;
    let mut r = t.reader();
    let cert_id = parse_cert_id(r.expect(tag::SEQUENCE, "certID")?)?;
    let st = r.read()?;
    let status = match st.tag {
        0x80 if st.value.is_empty() => OcspCertStatus::Good,
        0x82 if st.value.is_empty() => OcspCertStatus::Unknown,
        0xa1 => {
            let mut ri = st.reader();
            let revoked_at = time(
                ri.expect(tag::GENERALIZED_TIME, "revocationTime")?,
                "revocationTime",
            )?;
            let reason = match ri.optional(tag::ctx_cons(0))? {
                Some(e) => {
                    let code = Tlv::parse_exact(e.value, "revocationReason")?
                        .expect(ENUMERATED, "revocationReason")?;
                    match code.value {
                        [c] => RevocationReason::from_code(*c).ok_or_else(|| asn1::Asn1Error {
                            what: format!("revocationReason {c} is not a CRLReason"),
                        })?,
                        _ => return asn1::err("revocationReason is not a CRLReason"),
                    }
                }
                None => RevocationReason::Unspecified,
            };
            ri.finish("RevokedInfo")?;
            OcspCertStatus::Revoked { reason, revoked_at }
        }
        other => return asn1::err(format!("certStatus has unexpected tag 0x{other:02x}")),
    };
    let this_update = time(r.expect(tag::GENERALIZED_TIME, "thisUpdate")?, "thisUpdate")?;
    let next_update = match r.optional(tag::ctx_cons(0))? {
        Some(n) => Some(time(
            Tlv::parse_exact(n.value, "nextUpdate")?.expect(tag::GENERALIZED_TIME, "nextUpdate")?,
            "nextUpdate",
        )?),
        None => None,
    };
    // kyso acts on no singleExtension, so a critical one makes the response unusable
    // (RFC 5280 §4.2 as RFC 6960 §4.4 applies it): a critical certificateIssuer, for one,
    // says the entry is about another CA's certificate.
    let mut critical = None;
    if let Some(e) = r.optional(tag::ctx_cons(1))? {
        for ext in extensions(e)? {
            if ext.critical {
                critical = Some(ext.oid);
            }
        }
    }
    r.finish("SingleResponse")?;
    if next_update.is_some_and(|n| n < this_update) {
        return asn1::err("nextUpdate is before thisUpdate");
    }
    Ok((
        SingleResponse {
            cert_id,
            status,
            this_update,
            next_update,
        },
        critical,
    ))
}

/// ```text
/// CertID ::= SEQUENCE {
///    hashAlgorithm       AlgorithmIdentifier,
///    issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///    issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///    serialNumber        CertificateSerialNumber }
/// ```
fn parse_cert_id(t: Tlv<'_>) -> asn1::Result<CertId> {
    let mut r = t.reader();
    let alg = AlgorithmIdentifier::parse(r.read()?, "hashAlgorithm")?;
    let name = r.expect(tag::OCTET_STRING, "issuerNameHash")?;
    let key = r.expect(tag::OCTET_STRING, "issuerKeyHash")?;
    let serial = r.expect(tag::INTEGER, "serialNumber")?;
    r.finish("CertID")?;
    Ok(CertId {
        hash: DigestAlgorithm::from_oid(alg.oid),
        hash_oid: alg.dotted(),
        issuer_name_hash: name.value.to_vec(),
        issuer_key_hash: key.value.to_vec(),
        serial: serial.value.to_vec(),
    })
}

struct Extension<'a> {
    oid: String,
    critical: bool,
    value: &'a [u8],
}

/// `[n] EXPLICIT Extensions`: `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`.
fn extensions<'a>(wrapper: Tlv<'a>) -> asn1::Result<Vec<Extension<'a>>> {
    let seq = Tlv::parse_exact(wrapper.value, "Extensions")?.expect(tag::SEQUENCE, "Extensions")?;
    let mut r = seq.reader();
    let mut out: Vec<Extension<'a>> = Vec::new();
    while !r.is_empty() {
        if out.len() == MAX_EXTENSIONS {
            return asn1::err(format!("more than {MAX_EXTENSIONS} extensions"));
        }
        let e = r.expect(tag::SEQUENCE, "Extension")?;
        let mut er = e.reader();
        let oid = asn1::oid_to_string(er.expect(tag::OID, "extnID")?.value);
        let critical = match er.optional(BOOLEAN)? {
            Some(b) => b.value == [0xff],
            None => false,
        };
        let value = er.expect(tag::OCTET_STRING, "extnValue")?.value;
        er.finish("Extension")?;
        if out.iter().any(|x| x.oid == oid) {
            return asn1::err(format!("extension {oid} appears twice"));
        }
        out.push(Extension {
            oid,
            critical,
            value,
        });
    }
    Ok(out)
}

fn time(t: Tlv<'_>, what: &str) -> asn1::Result<Timestamp> {
    Timestamp::from_asn1_whole_seconds(t.tag, t.value).ok_or_else(|| asn1::Asn1Error {
        what: format!("{what} is not a GeneralizedTime in whole seconds with Z"),
    })
}

/// The tbsCertificate fields up to subjectPublicKeyInfo, and what follows.
fn tbs_fields(cert_der: &[u8]) -> Option<Reader<'_>> {
    let cert = Tlv::parse_exact(cert_der, "Certificate").ok()?;
    let tbs = cert.reader().expect(tag::SEQUENCE, "tbsCertificate").ok()?;
    let mut r = tbs.reader();
    r.optional(tag::ctx_cons(0)).ok()?; // version
    for _ in 0..5 {
        r.read().ok()?; // serialNumber, signature, issuer, validity, subject
    }
    Some(r)
}

/// The subjectPublicKey BIT STRING's contents without the unused-bits octet: what
/// issuerKeyHash and ResponderID byKey hash (§4.1.1: "excluding the tag and length fields").
fn spki_key_bits(cert_der: &[u8]) -> Option<&[u8]> {
    let mut r = tbs_fields(cert_der)?;
    let spki = r.expect(tag::SEQUENCE, "subjectPublicKeyInfo").ok()?;
    let mut s = spki.reader();
    s.read().ok()?;
    let bits = s.expect(BIT_STRING, "subjectPublicKey").ok()?;
    bits.value.get(1..)
}

/// Whether the certificate carries an extension (any criticality).
fn has_extension(cert_der: &[u8], wanted: &str) -> bool {
    let found = || -> Option<bool> {
        let mut r = tbs_fields(cert_der)?;
        r.read().ok()?; // subjectPublicKeyInfo
        while let Some(t) = r.peek_tag() {
            let el = r.read().ok()?;
            if t == tag::ctx_cons(3) {
                let seq = Tlv::parse_exact(el.value, "extensions").ok()?;
                let mut er = seq.reader();
                while !er.is_empty() {
                    let e = er.read().ok()?;
                    let id = e.reader().expect(tag::OID, "extnID").ok()?;
                    if asn1::oid_to_string(id.value) == wanted {
                        return Some(true);
                    }
                }
            }
        }
        Some(false)
    };
    found().unwrap_or(false)
}

/// An OCSPRequest (RFC 6960 §4.1.1) for one certificate: CertID with SHA-1 by default (what
/// §4.1.1's profile implies and most responders index by; RFC 5019 §2.1.1 requires it of
/// lightweight responders), SHA-256 when asked; an optional nonce (RFC 8954). Unsigned.
///
/// ```text
/// OCSPRequest ::= SEQUENCE {
///    tbsRequest                  TBSRequest,
///    optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
/// TBSRequest ::= SEQUENCE {
///    version             [0]     EXPLICIT Version DEFAULT v1,
///    requestorName       [1]     EXPLICIT GeneralName OPTIONAL,
///    requestList                 SEQUENCE OF Request,
///    requestExtensions   [2]     EXPLICIT Extensions OPTIONAL }
/// Request ::= SEQUENCE {
///    reqCert                     CertID,
///    singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Debug, Clone)]
pub struct OcspRequest {
    cert_id: Vec<u8>,
    nonce: Option<Vec<u8>>,
}

impl OcspRequest {
    /// A request about `cert`, issued by `issuer`, with a SHA-1 CertID and no nonce.
    pub fn new(cert: &Certificate, issuer: &Certificate) -> Result<Self, Error> {
        Self::with_hash(cert, issuer, DigestAlgorithm::Sha1)
    }

    /// A request whose CertID uses `hash` (SHA-1, SHA-256, SHA-384 or SHA-512).
    pub fn with_hash(
        cert: &Certificate,
        issuer: &Certificate,
        hash: DigestAlgorithm,
    ) -> Result<Self, Error> {
        if !issuer.subject_matches_issuer_of(cert) {
            return Err(Error::Format(format!(
                "OCSP request: '{}' is not the issuer of '{}'",
                issuer.subject(),
                cert.subject()
            )));
        }
        if !matches!(
            hash,
            DigestAlgorithm::Sha1
                | DigestAlgorithm::Sha256
                | DigestAlgorithm::Sha384
                | DigestAlgorithm::Sha512
        ) {
            return Err(Error::Format(format!(
                "OCSP request: {hash} is not a CertID hash kyso offers (sha1, sha256, sha384, sha512)"
            )));
        }
        let key = spki_key_bits(issuer.der()).ok_or_else(|| {
            Error::Format("OCSP request: the issuer's public key cannot be read".into())
        })?;
        // hashAlgorithm with NULL parameters, as OpenSSL and most clients write it.
        let oid_tlv = asn1::tlv(tag::OID, &[hash.oid().as_bytes()]);
        let alg = asn1::tlv(tag::SEQUENCE, &[&oid_tlv, &[tag::NULL, 0]]);
        let cert_id = asn1::tlv(
            tag::SEQUENCE,
            &[
                &alg,
                &asn1::tlv(tag::OCTET_STRING, &[&hash.digest(issuer.subject_der())]),
                &asn1::tlv(tag::OCTET_STRING, &[&hash.digest(key)]),
                &asn1::tlv(tag::INTEGER, &[cert.serial()]),
            ],
        );
        Ok(OcspRequest {
            cert_id,
            nonce: None,
        })
    }

    /// Send this nonce (RFC 8954 §2.1: 1 to 32 bytes; 32 recommended).
    pub fn nonce(mut self, nonce: &[u8]) -> Result<Self, Error> {
        if nonce.is_empty() || nonce.len() > 32 {
            return Err(Error::Format(format!(
                "OCSP request: a nonce has 1 to 32 bytes (RFC 8954 §2.1), not {}",
                nonce.len()
            )));
        }
        self.nonce = Some(nonce.to_vec());
        Ok(self)
    }

    /// Send a fresh random 32-byte nonce; [`OcspRequest::nonce_value`] gives it back for
    /// [`OcspOptions::nonce`].
    pub fn random_nonce(self) -> Result<Self, Error> {
        let mut n = [0u8; 32];
        openssl::rand::rand_bytes(&mut n).map_err(crate::crypto::openssl_error)?;
        self.nonce(&n)
    }

    /// The DER CertID the request asks about.
    pub(crate) fn cert_id_der(&self) -> &[u8] {
        &self.cert_id
    }

    /// The nonce this request carries.
    pub fn nonce_value(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }

    /// The DER OCSPRequest.
    pub fn to_der(&self) -> Vec<u8> {
        let request = asn1::tlv(tag::SEQUENCE, &[&self.cert_id]);
        let list = asn1::tlv(tag::SEQUENCE, &[&request]);
        let mut tbs_parts: Vec<Vec<u8>> = vec![list];
        if let Some(n) = &self.nonce {
            let ext = asn1::tlv(
                tag::SEQUENCE,
                &[
                    &asn1::tlv(tag::OID, &[crate::encoding::oid::OCSP_NONCE.as_bytes()]),
                    &asn1::tlv(tag::OCTET_STRING, &[&asn1::tlv(tag::OCTET_STRING, &[n])]),
                ],
            );
            let exts = asn1::tlv(tag::SEQUENCE, &[&ext]);
            tbs_parts.push(asn1::tlv(tag::ctx_cons(2), &[&exts]));
        }
        let refs: Vec<&[u8]> = tbs_parts.iter().map(Vec::as_slice).collect();
        let tbs = asn1::tlv(tag::SEQUENCE, &refs);
        asn1::tlv(tag::SEQUENCE, &[&tbs])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_prefixes_and_flipped_bytes_never_panic() {
        // A minimal successful-looking shell; every prefix and every single-byte change of it
        // must parse or fail cleanly.
        let shell = hex::decode(
            "3029 0a0100 a024 3022 06092b0601050507300101 0415 3013 3011 a1003003 180f3230323630363031303030303030 5a"
                .replace(' ', ""),
        )
        .unwrap_or_default();
        for n in 0..shell.len() {
            let _ = OcspResponse::from_der(&shell[..n]);
        }
        for i in 0..shell.len() {
            for b in [0x00, 0x80, 0xff, 0x30, 0x84] {
                let mut m = shell.clone();
                m[i] = b;
                let _ = OcspResponse::from_der(&m);
            }
        }
        assert!(OcspResponse::from_der(&[]).is_err());
        assert!(OcspResponse::from_der(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
    }

    #[test]
    fn error_statuses_parse_and_validate_as_responder_errors() {
        // OCSPResponse { responseStatus tryLater }
        let r = OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x03]).unwrap();
        assert_eq!(r.response_status(), OcspResponseStatus::TryLater);
        assert!(r.is_empty());
        // successful without responseBytes is not an OCSP response.
        assert!(OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x00]).is_err());
        // responseStatus 4 is not defined.
        assert!(OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x04]).is_err());
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = vec![0u8; MAX_RESPONSE_SIZE + 1];
        let e = OcspResponse::from_der(&big).unwrap_err().to_string();
        assert!(e.contains("more than"), "{e}");
    }
}
