//! Certificate revocation lists (RFC 5280 §5) and the revocation check of §6.3.
//!
//! [`Crl`] is kyso's own type: the parser (x509-parser) and the signature backend (OpenSSL)
//! stay inside. The check itself ([`status_of`]) implements §6.3.3: CRL scope (direct and
//! indirect CRLs, distribution points and the issuingDistributionPoint), reason coverage,
//! delta CRLs, and entry matching; finding and validating the CRL signer (§6.3.3 f, g) is the
//! caller's (the path builder's) job, passed in as a closure.

use std::sync::Arc;

use openssl::x509::X509Crl;
use serde::{Deserialize, Serialize};
use x509_parser::extensions::X509Extension;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::evidence::{Origin, RevocationDataKind, RevocationEvidence, RevocationSource, Value};
use crate::crypto::DigestAlgorithm;
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::x509::cert::Certificate;
use crate::x509::general_name::{
    self, same_name, DistributionPoint, GeneralName, IssuingDistributionPoint, ALL_REASONS,
};

/// Entries read from one CRL. Large national CAs publish CRLs with a few hundred thousand
/// entries; a million bounds memory on hostile input while leaving room for real ones.
const MAX_ENTRIES: usize = 1_000_000;

/// CRLReason (RFC 5280 §5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RevocationReason {
    /// unspecified (0), also used when the entry has no reasonCode.
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    /// certificateHold (6).
    CertificateHold,
    /// removeFromCRL (8): only meaningful in a delta CRL.
    RemoveFromCrl,
    /// privilegeWithdrawn (9).
    PrivilegeWithdrawn,
    /// aACompromise (10).
    AaCompromise,
}

impl RevocationReason {
    pub(crate) fn from_code(c: u8) -> Option<Self> {
        use RevocationReason::*;
        Some(match c {
            0 => Unspecified,
            1 => KeyCompromise,
            2 => CaCompromise,
            3 => AffiliationChanged,
            4 => Superseded,
            5 => CessationOfOperation,
            6 => CertificateHold,
            8 => RemoveFromCrl,
            9 => PrivilegeWithdrawn,
            10 => AaCompromise,
            _ => return None,
        })
    }
}

impl std::fmt::Display for RevocationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        f.write_str(&s)
    }
}

/// Why a certificate's revocation status could not be established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CrlProblem {
    /// No CRL given covers this certificate.
    NoCrl,
    /// The certificate names revocation services (cRLDistributionPoints, authorityInfoAccess
    /// OCSP) and no revocation data for it was embedded or given, and the run did not fetch
    /// (offline, or no [`crate::Fetcher`]). Under `auto` this is INDETERMINATE (TRY_LATER),
    /// never a pass.
    #[serde(rename = "revocation_not_looked_up")]
    NotLookedUp {
        /// The CRL and OCSP URLs the certificate names.
        urls: Vec<String>,
    },
    /// The status was looked up online and no URL the certificate names gave an answer
    /// (timeouts, refused connections, HTTP errors, unsupported schemes). INDETERMINATE
    /// (TRY_LATER): a later run may succeed.
    #[serde(rename = "revocation_lookup_failed")]
    LookupFailed {
        /// Each URL tried and why it gave nothing.
        failures: Vec<crate::revocation::fetch::FetchError>,
    },
    /// The only CRLs in scope are past their nextUpdate (RFC 5280 §5.1.2.5).
    CrlExpired {
        /// nextUpdate of the CRL.
        next_update: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// The CRL was issued after the validation time (thisUpdate, §5.1.2.4).
    CrlNotYetValid {
        /// thisUpdate of the CRL.
        this_update: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// No certificate of the CRL issuer verifies the CRL's signature (§6.3.3 g).
    CrlSignatureInvalid,
    /// The CRL signer's keyUsage lacks cRLSign (§4.2.1.3, §6.3.3 f).
    #[serde(rename = "crl_signer_lacks_crl_sign")]
    CrlSignerNotAllowed,
    /// The CRL signer's own path is not valid (§6.3.3 f).
    CrlSignerPathInvalid {
        /// The code of the signer's path error.
        error: String,
    },
    /// The CRLs in scope do not cover every revocation reason (§6.3.3 k: UNDETERMINED).
    #[serde(rename = "crl_reasons_not_covered")]
    ReasonsNotCovered,
    /// The CRL has a critical extension kyso does not process (§5.2: must not be used).
    #[serde(rename = "crl_unsupported_critical_extension")]
    UnsupportedCriticalExtension {
        /// Its OID.
        oid: String,
    },
    /// The CRL breaks a MUST of RFC 5280 §5 (missing or critical cRLNumber, ...).
    #[serde(rename = "crl_non_conforming")]
    NonConforming {
        /// What is wrong.
        detail: std::borrow::Cow<'static, str>,
    },
    /// An applicable delta CRL is stale, so the complete CRL alone cannot be relied on.
    DeltaCrlExpired,
    /// The work budget for CRL checks ran out.
    #[serde(rename = "crl_budget_exceeded")]
    BudgetExceeded,
    /// No CRL covers the certificate and the OCSP responses about it establish nothing
    /// (RFC 6960): the most specific reason among them.
    #[serde(rename = "ocsp_response_unusable")]
    Ocsp {
        /// Why.
        problem: crate::revocation::ocsp::OcspProblem,
    },
}

impl CrlProblem {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        use CrlProblem::*;
        match self {
            NoCrl => "no_crl",
            NotLookedUp { .. } => "revocation_not_looked_up",
            LookupFailed { .. } => "revocation_lookup_failed",
            CrlExpired { .. } => "crl_expired",
            CrlNotYetValid { .. } => "crl_not_yet_valid",
            CrlSignatureInvalid => "crl_signature_invalid",
            CrlSignerNotAllowed => "crl_signer_lacks_crl_sign",
            CrlSignerPathInvalid { .. } => "crl_signer_path_invalid",
            ReasonsNotCovered => "crl_reasons_not_covered",
            UnsupportedCriticalExtension { .. } => "crl_unsupported_critical_extension",
            NonConforming { .. } => "crl_non_conforming",
            DeltaCrlExpired => "delta_crl_expired",
            BudgetExceeded => "crl_budget_exceeded",
            Ocsp { .. } => "ocsp_response_unusable",
        }
    }

    /// In words (English; [`CrlProblem::message`] in either language).
    pub fn describe(&self) -> String {
        use CrlProblem::*;
        match self {
            NoCrl => "no CRL given covers it".into(),
            NotLookedUp { urls } => format!(
                "it names revocation services ({}) but no CRL or OCSP response for it was embedded or given, and this run did not fetch them (offline)",
                urls.join(", ")
            ),
            LookupFailed { failures } => format!(
                "looking its status up online failed: {}",
                failures
                    .iter()
                    .map(|f| f.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            CrlExpired { next_update, at } => {
                format!("the CRL's nextUpdate {next_update} is before the validation time {at}")
            }
            CrlNotYetValid { this_update, at } => {
                format!("the CRL was issued at {this_update}, after the validation time {at}")
            }
            CrlSignatureInvalid => {
                "the CRL's signature does not verify with any certificate of its issuer".into()
            }
            CrlSignerNotAllowed => "the CRL signer's keyUsage lacks cRLSign".into(),
            CrlSignerPathInvalid { error } => {
                format!("the CRL signer's own certificate path is not valid ({error})")
            }
            ReasonsNotCovered => {
                "the CRLs given cover only some revocation reasons (onlySomeReasons)".into()
            }
            UnsupportedCriticalExtension { oid } => {
                format!("the CRL has a critical extension {oid} that kyso does not process")
            }
            NonConforming { detail } => format!("the CRL does not conform to RFC 5280: {detail}"),
            DeltaCrlExpired => "the applicable delta CRL is past its nextUpdate".into(),
            BudgetExceeded => "too many CRLs or CRL signers to examine".into(),
            Ocsp { problem } => format!("no CRL covers it and {}", problem.describe()),
        }
    }

    /// Which problem to report when several CRLs were unusable: the most informative.
    fn rank(&self) -> u8 {
        use CrlProblem::*;
        match self {
            NoCrl | NotLookedUp { .. } | LookupFailed { .. } => 0,
            Ocsp { .. } => 1,
            ReasonsNotCovered => 1,
            BudgetExceeded => 2,
            CrlSignatureInvalid => 3,
            CrlNotYetValid { .. } | CrlExpired { .. } | DeltaCrlExpired => 4,
            CrlSignerNotAllowed | CrlSignerPathInvalid { .. } => 5,
            UnsupportedCriticalExtension { .. } | NonConforming { .. } => 6,
        }
    }
}

/// The revocation status of one certificate (RFC 5280 §6.3.3: UNREVOKED, a reason, or
/// UNDETERMINED).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Covered by a valid CRL, or a valid OCSP response says good.
    #[non_exhaustive]
    Good {
        /// The CRL or OCSP response that says so.
        evidence: RevocationEvidence,
    },
    /// Listed in a CRL, or a valid OCSP response says revoked.
    #[non_exhaustive]
    Revoked {
        /// reasonCode (unspecified when absent).
        reason: RevocationReason,
        /// revocationDate.
        revoked_at: Timestamp,
        /// Set when the CRL that lists the certificate was past its nextUpdate at the
        /// validation time (its nextUpdate). A later CRL cannot un-revoke a certificate
        /// (RFC 5280 §3.3: revocation is permanent, certificateHold aside), so the listing
        /// still decides.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stale_crl_next_update: Option<Timestamp>,
        /// The CRL or OCSP response that says so.
        evidence: RevocationEvidence,
    },
    /// Could not be established.
    Unknown {
        /// Why.
        problem: CrlProblem,
    },
    /// Not checked: the trust anchor, or revocation checking was off.
    NotChecked,
}

/// How revocation is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationMode {
    /// Every certificate of the path (trust anchor excepted) must have a known, good status.
    Required,
    /// A certificate whose issuer has a CRL among those given must have a good status; one
    /// whose issuer has none is left unknown without failing the path.
    #[default]
    Auto,
    /// No revocation checking.
    Off,
}

#[derive(Debug)]
struct Entry {
    serial: Vec<u8>,
    /// The certificate issuer the entry is about (§5.3.3); the CRL issuer when not indirect.
    issuer: Vec<u8>,
    revoked_at: Timestamp,
    reason: RevocationReason,
}

struct Inner {
    der: Vec<u8>,
    x509: X509Crl,
    issuer_der: Vec<u8>,
    this_update: Timestamp,
    next_update: Option<Timestamp>,
    number: Option<Vec<u8>>,
    delta_base: Option<Vec<u8>>,
    /// The authorityKeyIdentifier extension's value as encoded, for the §6.3.3 (c)(3)
    /// comparison of a delta CRL with its complete CRL.
    aki: Option<Vec<u8>>,
    /// The digest of signatureAlgorithm, judged by the caller's algorithm policy.
    signature_digest: Option<DigestAlgorithm>,
    idp: Option<IssuingDistributionPoint>,
    entries: Vec<Entry>,
    /// Set when the CRL must not be used (§5.2 unknown critical extension, non-conformance).
    problem: Option<CrlProblem>,
}

/// A certificate revocation list (RFC 5280 §5). Cheap to clone.
///
/// A CRL that breaks a MUST of RFC 5280 §5 loads but is never used, so the status it would
/// give stays unknown ([`CrlProblem::NonConforming`]; under [`RevocationMode::Required`] the
/// path then fails as INDETERMINATE/TRY_LATER): no cRLNumber, no nextUpdate (§5.1.2.5: what a
/// client does then "is not specified"; kyso cannot tell when such a CRL stops being current),
/// a duplicate or padded CRL or entry extension, times not in whole seconds. Of the usable
/// CRLs of one scope (issuer and issuingDistributionPoint) the newest by cRLNumber, then
/// thisUpdate, decides; the same for delta CRLs.
#[derive(Clone)]
pub struct Crl(Arc<Inner>, Origin);

impl std::fmt::Debug for Crl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Crl({}, {})", self.issuer(), self.0.this_update)
    }
}

const OID_CRL_NUMBER: &str = "2.5.29.20";
const OID_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const OID_ISSUING_DP: &str = "2.5.29.28";
const OID_CERTIFICATE_ISSUER: &str = "2.5.29.29";
const OID_REASON_CODE: &str = "2.5.29.21";
const OID_INVALIDITY_DATE: &str = "2.5.29.24";
const OID_AKI: &str = "2.5.29.35";
const OID_ISSUER_ALT_NAME: &str = "2.5.29.18";
const OID_FRESHEST_CRL: &str = "2.5.29.46";

/// An INTEGER's contents as a big-endian magnitude without leading zeros, for comparison.
fn magnitude(v: &[u8]) -> Vec<u8> {
    let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
    v[start..].to_vec()
}

fn cmp_number(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Crl {
    /// Parse one DER CRL. A CRL that breaks a MUST of RFC 5280 §5 loads with its problem
    /// recorded (the last one found), so that the status it would give stays unknown.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let (rest, crl) = CertificateRevocationList::from_der(der)
            .map_err(|e| bad(format!("not an X.509 CRL: {e}")))?;
        if !rest.is_empty() {
            return Err(bad(format!("{} bytes after the CRL", rest.len())));
        }
        let x509 =
            X509Crl::from_der(der).map_err(|e| bad(format!("OpenSSL cannot load it: {e}")))?;
        let shape = crl_shape(der).map_err(|e| bad(e.what))?;
        let issuer_der = crl.issuer().as_raw().to_vec();
        let mut problem = extension_instance_problem(&crl);
        let CrlExtensions {
            number,
            delta_base,
            idp,
            aki,
        } = CrlExtensions::decode(&crl, &mut problem)?;
        if let Some(detail) = structure_problem(&crl, &shape, idp.as_ref()) {
            problem = Some(CrlProblem::NonConforming {
                detail: detail.into(),
            });
        }
        if number.is_none() && problem.is_none() {
            problem = Some(CrlProblem::NonConforming {
                detail: "cRLNumber is missing (§5.2.3)".into(),
            });
        }
        let indirect = idp.as_ref().is_some_and(|i| i.indirect);
        let entries = read_entries(&crl, &issuer_der, indirect, &mut problem)?;
        Ok(Crl(
            Arc::new(Inner {
                der: der.to_vec(),
                x509,
                issuer_der,
                this_update: time(crl.last_update()),
                next_update: crl.next_update().map(time),
                number,
                delta_base,
                aki,
                signature_digest: shape.signature_digest,
                idp,
                entries,
                problem,
            }),
            Origin::default(),
        ))
    }

    /// The same CRL, recorded as read from the file `path`: the report names the file as the
    /// source of a status it decides ([`RevocationEvidence::path`]).
    pub fn with_file(mut self, path: impl Into<String>) -> Self {
        self.1 = Origin::file(path.into());
        self
    }

    /// The same CRL, recorded as got from `origin` (embedded in the signature, fetched).
    pub(crate) fn with_origin(mut self, origin: Origin) -> Self {
        self.1 = origin;
        self
    }

    /// How kyso got this CRL.
    pub fn source(&self) -> RevocationSource {
        self.1.source
    }

    /// The evidence this CRL gives for a status it decides.
    pub(crate) fn evidence(&self) -> RevocationEvidence {
        let mut e = self.1.evidence(
            RevocationDataKind::Crl,
            self.issuer(),
            self.0.this_update,
            self.0.next_update,
            None,
        );
        e.values.0.push(Value::Crl(self.clone()));
        e
    }

    /// Parse every CRL in a file: PEM (`X509 CRL` blocks) or one DER CRL.
    pub fn load_all(data: &[u8]) -> Result<Vec<Self>, Error> {
        if let Some(blocks) = crate::encoding::pem::blocks(data) {
            let mut out = Vec::new();
            for (label, der) in blocks? {
                if label == "X509 CRL" {
                    out.push(Self::from_der(&der)?);
                }
            }
            if out.is_empty() {
                return Err(Error::WrongFileType {
                    expected: crate::error::Expected::Crl,
                    found: crate::encoding::sniff::sniff(data),
                });
            }
            return Ok(out);
        }
        let found = crate::encoding::sniff::sniff(data);
        if !matches!(
            found,
            crate::error::FileKind::Crl
                | crate::error::FileKind::Truncated { .. }
                | crate::error::FileKind::Asn1
        ) {
            return Err(Error::WrongFileType {
                expected: crate::error::Expected::Crl,
                found,
            });
        }
        Ok(vec![Self::from_der(data)?])
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }
    /// The CRL issuer, RFC 4514 order.
    pub fn issuer(&self) -> String {
        crate::x509::name::render(&self.0.issuer_der)
    }
    /// thisUpdate.
    pub fn this_update(&self) -> Timestamp {
        self.0.this_update
    }
    /// nextUpdate, when present.
    pub fn next_update(&self) -> Option<Timestamp> {
        self.0.next_update
    }
    /// True for a delta CRL (deltaCRLIndicator, §5.2.4).
    pub fn is_delta(&self) -> bool {
        self.0.delta_base.is_some()
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.entries.len()
    }
    /// True when no certificate is listed.
    pub fn is_empty(&self) -> bool {
        self.0.entries.is_empty()
    }

    pub(crate) fn issuer_der(&self) -> &[u8] {
        &self.0.issuer_der
    }

    /// The digest of the CRL's signature algorithm (`None` for Ed25519 and unknown ones).
    pub(crate) fn signature_digest(&self) -> Option<DigestAlgorithm> {
        self.0.signature_digest
    }

    /// Same CRL issuer and the same issuingDistributionPoint: CRLs of one scope, of which the
    /// newest usable one decides (RFC 5280 §5.2.3, §6.3.3).
    fn same_scope(&self, other: &Crl) -> bool {
        crate::x509::name::names_match(self.issuer_der(), other.issuer_der())
            && self.0.idp == other.0.idp
    }

    /// Newest first: the higher cRLNumber (§5.2.3: "monotonically increasing sequence
    /// number"), then the later thisUpdate.
    fn newest_first(a: &Crl, b: &Crl) -> std::cmp::Ordering {
        let n = |c: &Crl| c.0.number.clone().unwrap_or_default();
        cmp_number(&n(b), &n(a)).then_with(|| b.0.this_update.cmp(&a.0.this_update))
    }

    /// Whether `signer`'s key made this CRL's signature.
    pub(crate) fn signed_by(&self, signer: &Certificate) -> bool {
        self.0.x509.verify(signer.public_key()).unwrap_or(false)
    }

    /// Time validity (§6.3.3 a; §5.1.2.4, §5.1.2.5).
    fn time_problem(&self, at: Timestamp) -> Option<CrlProblem> {
        if at < self.0.this_update {
            return Some(CrlProblem::CrlNotYetValid {
                this_update: self.0.this_update,
                at,
            });
        }
        match self.0.next_update {
            Some(n) if at > n => Some(CrlProblem::CrlExpired { next_update: n, at }),
            _ => None,
        }
    }

    fn entry_for(&self, cert: &Certificate) -> Option<&Entry> {
        self.0.entries.iter().find(|e| {
            e.serial == cert.serial()
                && crate::x509::name::names_match(&e.issuer, cert.issuer_der())
        })
    }
}

/// What [`Crl::from_der`] checks in the raw encoding.
struct Shape {
    /// The version INTEGER when present (1 = v2).
    version: Option<u64>,
    empty_revoked_list: bool,
    same_signature_algorithm: bool,
    /// thisUpdate, nextUpdate and every revocationDate are DER times in whole seconds
    /// (x509-parser reads them leniently).
    whole_second_times: bool,
    signature_digest: Option<DigestAlgorithm>,
}

/// A CRL that cannot be loaded.
fn bad(m: String) -> Error {
    Error::Format(format!("CRL: {m}"))
}

fn time(t: x509_parser::time::ASN1Time) -> Timestamp {
    Timestamp::from_unix(t.timestamp())
}

/// §5.2 (by reference to §4.2): "A certificate \[CRL\] MUST NOT include more than one instance
/// of a particular extension"; an extnValue must hold exactly one DER value. The same for
/// entry extensions (§5.3); a problem in an entry is reported over one in the CRL's own
/// extensions, the last entry's over earlier ones.
fn extension_instance_problem(crl: &CertificateRevocationList<'_>) -> Option<CrlProblem> {
    let mut problem = extension_problem(crl.extensions()).map(|detail| CrlProblem::NonConforming {
        detail: format!("CRL {detail}").into(),
    });
    for rc in crl.iter_revoked_certificates() {
        if let Some(detail) = extension_problem(rc.extensions()) {
            problem = Some(CrlProblem::NonConforming {
                detail: format!("CRL entry {detail}").into(),
            });
        }
    }
    problem
}

/// The CRL extensions kyso processes (RFC 5280 §5.2).
struct CrlExtensions {
    /// cRLNumber (§5.2.3), as a magnitude.
    number: Option<Vec<u8>>,
    /// deltaCRLIndicator's BaseCRLNumber (§5.2.4), as a magnitude.
    delta_base: Option<Vec<u8>>,
    /// issuingDistributionPoint (§5.2.5).
    idp: Option<IssuingDistributionPoint>,
    /// authorityKeyIdentifier's value as encoded (§5.2.1).
    aki: Option<Vec<u8>>,
}

impl CrlExtensions {
    /// Decode the CRL's extensions. A malformed cRLNumber, deltaCRLIndicator or
    /// issuingDistributionPoint makes the CRL unloadable; a critical extension kyso does not
    /// process makes it unusable (§5.2: "MUST reject").
    fn decode(
        crl: &CertificateRevocationList<'_>,
        problem: &mut Option<CrlProblem>,
    ) -> Result<Self, Error> {
        let mut out = CrlExtensions {
            number: None,
            delta_base: None,
            idp: None,
            aki: None,
        };
        for ext in crl.extensions() {
            let oid = ext.oid.to_id_string();
            match oid.as_str() {
                OID_CRL_NUMBER => out.number = Some(crl_number(ext, true, problem)?),
                OID_DELTA_CRL_INDICATOR => out.delta_base = Some(crl_number(ext, false, problem)?),
                OID_ISSUING_DP => {
                    out.idp = Some(
                        general_name::parse_issuing_distribution_point(ext.value)
                            .map_err(|e| bad(e.what))?,
                    )
                }
                OID_AKI => out.aki = Some(ext.value.to_vec()),
                OID_ISSUER_ALT_NAME | OID_FRESHEST_CRL => {}
                _ if ext.critical => {
                    *problem = Some(CrlProblem::UnsupportedCriticalExtension { oid });
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// cRLNumber (§5.2.3) or deltaCRLIndicator's BaseCRLNumber (§5.2.4): a non-negative
/// INTEGER, returned as a magnitude. A cRLNumber (`is_crl_number`) is non-critical: §5.2.3,
/// "CRL issuers conforming to this profile MUST include this extension ... marked as
/// non-critical".
fn crl_number(
    ext: &X509Extension<'_>,
    is_crl_number: bool,
    problem: &mut Option<CrlProblem>,
) -> Result<Vec<u8>, Error> {
    let v = crate::encoding::asn1::Tlv::parse_exact(ext.value, "CRLNumber")
        .and_then(|t| t.expect(crate::encoding::asn1::tag::INTEGER, "CRLNumber"))
        .map_err(|e| bad(e.what))?;
    if v.value.first().is_some_and(|b| b & 0x80 != 0) {
        *problem = Some(CrlProblem::NonConforming {
            detail: "negative cRLNumber".into(),
        });
    }
    if is_crl_number && ext.critical {
        *problem = Some(CrlProblem::NonConforming {
            detail: "cRLNumber is marked critical".into(),
        });
    }
    Ok(magnitude(v.value))
}

/// §5.1: the structure a conforming CRL has; a CRL that breaks it is not used. The first
/// rule broken, in words with its section.
fn structure_problem(
    crl: &CertificateRevocationList<'_>,
    shape: &Shape,
    idp: Option<&IssuingDistributionPoint>,
) -> Option<&'static str> {
    let has_extensions = !crl.extensions().is_empty()
        || crl
            .iter_revoked_certificates()
            .any(|r| !r.extensions().is_empty());
    if shape.version.is_some_and(|v| v != 1) {
        Some("version is present but not v2 (§5.1.2.1)")
    } else if shape.version.is_none() && has_extensions {
        Some("a v1 CRL carries extensions (§5.1.2.1: version MUST be v2)")
    } else if shape.empty_revoked_list {
        Some("revokedCertificates is present but empty (§5.1.2.6: MUST be absent)")
    } else if !shape.whole_second_times {
        Some("thisUpdate, nextUpdate or a revocationDate is not a DER time in whole seconds with Z (§5.1.2.4, §5.1.2.5, §5.1.2.6)")
    } else if crl.next_update().is_none() {
        // §5.1.2.5: "Conforming CRL issuers MUST include the nextUpdate field in all
        // CRLs." What a client does with one that lacks it "is not specified"; kyso does
        // not use it, since nothing says when it stops being current (a CRL from years
        // ago would otherwise establish "good" today).
        Some("nextUpdate is missing (§5.1.2.5: conforming CRL issuers MUST include it)")
    } else if !shape.same_signature_algorithm {
        Some("signatureAlgorithm differs from tbsCertList.signature (§5.1.1.2)")
    } else if idp.is_some_and(|i| *i == IssuingDistributionPoint::default()) {
        Some("issuingDistributionPoint is an empty sequence (§5.2.5)")
    } else if idp.is_some_and(|i| {
        u8::from(i.only_user) + u8::from(i.only_ca) + u8::from(i.only_attribute) > 1
    }) {
        Some("issuingDistributionPoint asserts more than one onlyContains* (§5.2.5)")
    } else {
        None
    }
}

/// The revokedCertificates entries (§5.1.2.6, §5.3), at most [`MAX_ENTRIES`]. In an indirect
/// CRL, each entry is about the issuer its certificateIssuer names, or the previous entry's
/// (§5.3.3); otherwise about the CRL issuer.
fn read_entries(
    crl: &CertificateRevocationList<'_>,
    issuer_der: &[u8],
    indirect: bool,
    problem: &mut Option<CrlProblem>,
) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::new();
    let mut current_issuer = issuer_der.to_vec();
    for rc in crl.iter_revoked_certificates() {
        if entries.len() >= MAX_ENTRIES {
            return Err(bad(format!("more than {MAX_ENTRIES} entries")));
        }
        let mut reason = RevocationReason::Unspecified;
        for ext in rc.extensions() {
            let oid = ext.oid.to_id_string();
            match oid.as_str() {
                OID_REASON_CODE => reason = reason_code(ext)?,
                OID_CERTIFICATE_ISSUER if indirect => {
                    if let Some(d) = certificate_issuer(ext)? {
                        current_issuer = d;
                    }
                }
                OID_INVALIDITY_DATE => {}
                _ if ext.critical => {
                    // §5.3: an unrecognised critical entry extension makes the CRL unusable.
                    *problem = Some(CrlProblem::UnsupportedCriticalExtension { oid });
                }
                _ => {}
            }
        }
        entries.push(Entry {
            serial: rc.raw_serial().to_vec(),
            issuer: current_issuer.clone(),
            revoked_at: time(rc.revocation_date),
            reason,
        });
    }
    Ok(entries)
}

/// reasonCode (§5.3.1): an ENUMERATED of one octet naming a known CRLReason.
fn reason_code(ext: &X509Extension<'_>) -> Result<RevocationReason, Error> {
    let v =
        crate::encoding::asn1::Tlv::parse_exact(ext.value, "CRLReason").map_err(|e| bad(e.what))?;
    v.value
        .first()
        .and_then(|c| RevocationReason::from_code(*c))
        .filter(|_| v.value.len() == 1 && v.tag == 0x0a)
        .ok_or_else(|| bad("bad reasonCode".into()))
}

/// certificateIssuer (§5.3.3): the directory name it holds, which applies to this entry and
/// the following ones.
fn certificate_issuer(ext: &X509Extension<'_>) -> Result<Option<Vec<u8>>, Error> {
    let names = general_name::parse_alt_names(ext.value).map_err(|e| bad(e.what))?;
    Ok(names.into_iter().find_map(|n| match n {
        GeneralName::Directory(d) => Some(d),
        _ => None,
    }))
}

/// A duplicated extension or an extnValue that is not exactly one DER value, in words.
fn extension_problem(exts: &[x509_parser::extensions::X509Extension<'_>]) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for ext in exts {
        let oid = ext.oid.to_id_string();
        if seen.contains(&oid) {
            return Some(format!(
                "extension {oid} appears twice (§5.2, §5.3: MUST NOT include more than one instance)"
            ));
        }
        if crate::encoding::asn1::Tlv::parse_exact(ext.value, "extnValue").is_err() {
            return Some(format!(
                "extension {oid}: extnValue is not exactly one DER value (trailing bytes)"
            ));
        }
        seen.push(oid);
    }
    None
}

/// ```text
/// CertificateList  ::=  SEQUENCE  {
///      tbsCertList          TBSCertList,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
/// TBSCertList  ::=  SEQUENCE  {
///      version                 Version OPTIONAL, -- if present, MUST be v2
///      signature               AlgorithmIdentifier,
///      issuer                  Name,
///      thisUpdate              Time,
///      nextUpdate              Time OPTIONAL,
///      revokedCertificates     SEQUENCE OF SEQUENCE { ... } OPTIONAL,
///      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
/// ```
fn crl_shape(der: &[u8]) -> crate::encoding::asn1::Result<Shape> {
    use crate::encoding::asn1::{tag, Tlv};
    let list =
        Tlv::parse_exact(der, "CertificateList")?.expect(tag::SEQUENCE, "CertificateList")?;
    let mut r = list.reader();
    let tbs = r.expect(tag::SEQUENCE, "TBSCertList")?;
    let outer_alg = r.expect(tag::SEQUENCE, "signatureAlgorithm")?;
    let mut t = tbs.reader();
    let version = t
        .optional(tag::INTEGER)?
        .map(|v| v.small_uint("version"))
        .transpose()?;
    let inner_alg = t.expect(tag::SEQUENCE, "signature")?;
    t.read()?; // issuer
    let whole = |t: &Tlv<'_>| Timestamp::from_asn1_whole_seconds(t.tag, t.value).is_some();
    let mut whole_second_times = whole(&t.read()?); // thisUpdate
    let mut empty_revoked_list = false;
    while !t.is_empty() {
        let e = t.read()?;
        if e.tag == tag::UTC_TIME || e.tag == tag::GENERALIZED_TIME {
            whole_second_times &= whole(&e); // nextUpdate
        } else if e.tag == tag::SEQUENCE {
            empty_revoked_list |= e.value.is_empty();
            let mut entries = e.reader();
            while !entries.is_empty() {
                let mut entry = entries
                    .expect(tag::SEQUENCE, "revokedCertificate")?
                    .reader();
                entry.read()?; // userCertificate
                whole_second_times &= whole(&entry.read()?); // revocationDate
            }
        }
    }
    let signature_digest =
        crate::crypto::AlgorithmIdentifier::parse(outer_alg, "signatureAlgorithm")
            .ok()
            .and_then(|a| crate::crypto::digest_of_signature_algorithm(&a));
    Ok(Shape {
        version,
        empty_revoked_list,
        same_signature_algorithm: inner_alg.raw == outer_alg.raw,
        whole_second_times,
        signature_digest,
    })
}

/// Checks a CRL's signer (§6.3.3 f, g): `Ok` when some certificate of the CRL issuer that may
/// sign CRLs verifies the signature and has a valid path.
pub(crate) type SignerCheck<'a> = dyn FnMut(&Crl) -> Result<(), CrlProblem> + 'a;

/// The revocation status of `cert` from `crls` at `at` (RFC 5280 §6.3.3).
pub(crate) fn status_of(
    cert: &Certificate,
    crls: &[Crl],
    at: Timestamp,
    signer_ok: &mut SignerCheck<'_>,
) -> RevocationStatus {
    // §6.3.3: a certificate without cRLDistributionPoints is covered by its issuer's CRLs
    // with no distribution point name and all reasons.
    let implicit = [DistributionPoint {
        name: None,
        reasons: None,
        crl_issuer: None,
    }];
    let dps: &[DistributionPoint] = cert.crl_distribution_points().unwrap_or(&implicit);
    let mut check = RevocationCheck {
        cert,
        crls,
        at,
        reasons_mask: 0,
        best_problem: CrlProblem::NoCrl,
        used: Vec::new(),
    };
    for dp in dps {
        if let Some(revoked) = check.distribution_point(dp, signer_ok) {
            return revoked;
        }
    }
    check.verdict()
}

/// The state of one §6.3.3 check: reasons_mask of §6.3.2 (b), and why the CRLs not used
/// could not be (for an UNDETERMINED status).
struct RevocationCheck<'c> {
    cert: &'c Certificate,
    crls: &'c [Crl],
    at: Timestamp,
    /// reasons_mask (§6.3.2 b): the reasons covered by the CRLs used so far.
    reasons_mask: u16,
    /// The most informative problem ([`CrlProblem::rank`]) of a CRL that could not be used.
    best_problem: CrlProblem,
    /// The complete CRLs used so far: a CRL of the same scope as one of them is older (they
    /// are tried newest first) and must not decide, whatever order the caller gave them in.
    used: Vec<&'c Crl>,
}

impl<'c> RevocationCheck<'c> {
    fn note(&mut self, p: CrlProblem) {
        if p.rank() > self.best_problem.rank() {
            self.best_problem = p;
        }
    }

    /// The complete CRLs in scope through distribution point `dp` (§6.3.3 b), newest first:
    /// of the CRLs of one scope (issuer and distribution point) the newest usable one decides
    /// (§5.2.3), as an older one that is still current would otherwise hide a later
    /// revocation. `Some` when one lists the certificate.
    fn distribution_point(
        &mut self,
        dp: &DistributionPoint,
        signer_ok: &mut SignerCheck<'_>,
    ) -> Option<RevocationStatus> {
        let cert = self.cert;
        let mut complete: Vec<(&'c Crl, u16)> = self
            .crls
            .iter()
            .filter(|c| !c.is_delta())
            .filter_map(|c| scope(cert, dp, c).map(|m| (c, m)))
            .collect();
        complete.sort_by(|a, b| Crl::newest_first(a.0, b.0));
        for (crl, interim) in complete {
            if self.reasons_mask == ALL_REASONS {
                break;
            }
            if self.used.iter().any(|u| u.same_scope(crl)) {
                continue;
            }
            // §6.3.3 (e): the CRL must add a reason not yet covered.
            if interim & !self.reasons_mask == 0 {
                continue;
            }
            if let Some(revoked) = self.complete_crl(crl, interim, signer_ok) {
                return Some(revoked);
            }
        }
        None
    }

    /// One complete CRL with interim reasons mask `interim` (§6.3.3 d): usable (§5, a, f, g),
    /// its delta CRL when there is one (c), then the entries (i, j). `Some` when the
    /// certificate is listed, by a current CRL or by a stale one ([`stale_listing`]).
    fn complete_crl(
        &mut self,
        crl: &'c Crl,
        interim: u16,
        signer_ok: &mut SignerCheck<'_>,
    ) -> Option<RevocationStatus> {
        // §5: a CRL that breaks a MUST is never used.
        if let Some(p) = &crl.0.problem {
            self.note(p.clone());
            return None;
        }
        // (a): current at the validation time.
        if let Some(p) = crl.time_problem(self.at) {
            if let Some(revoked) = stale_listing(crl, self.cert, &p, signer_ok) {
                return Some(revoked);
            }
            self.note(p);
            return None;
        }
        // (f), (g): a valid signer.
        if let Err(p) = signer_ok(crl) {
            self.note(p);
            return None;
        }
        self.used.push(crl);
        let delta = match self.applicable_delta(crl, signer_ok) {
            Ok(delta) => delta,
            Err(p) => {
                self.note(p);
                return None;
            }
        };
        self.reasons_mask |= interim;
        listed(self.cert, crl, delta)
    }

    /// §6.3.3 (c): the delta CRL for `crl`, the newest usable one (§5.2.4: "the one with the
    /// latest value in thisUpdate"; numbers rise with it). `Ok(None)` when there is none;
    /// `Err` when every one is stale or its signer not valid, so `crl` cannot be relied on.
    fn applicable_delta(
        &self,
        crl: &Crl,
        signer_ok: &mut SignerCheck<'_>,
    ) -> Result<Option<&'c Crl>, CrlProblem> {
        let mut deltas: Vec<&'c Crl> = self.crls.iter().filter(|d| is_delta_of(d, crl)).collect();
        if deltas.is_empty() {
            return Ok(None);
        }
        deltas.sort_by(|a, b| Crl::newest_first(a, b));
        let mut last = CrlProblem::DeltaCrlExpired;
        for d in deltas {
            if d.0.problem.is_some() {
                continue;
            }
            if d.time_problem(self.at).is_some() {
                last = CrlProblem::DeltaCrlExpired;
                continue;
            }
            match signer_ok(d) {
                Ok(()) => return Ok(Some(d)),
                Err(p) => last = p,
            }
        }
        Err(last)
    }

    /// §6.3.3 (k), (l): UNREVOKED when every reason is covered, else UNDETERMINED with the
    /// most informative problem.
    fn verdict(self) -> RevocationStatus {
        if let (ALL_REASONS, Some(crl)) = (self.reasons_mask, self.used.first()) {
            return RevocationStatus::Good {
                evidence: crl.evidence(),
            };
        }
        let problem = if self.reasons_mask != 0 && self.best_problem == CrlProblem::NoCrl {
            CrlProblem::ReasonsNotCovered
        } else {
            self.best_problem
        };
        RevocationStatus::Unknown { problem }
    }
}

/// §6.3.3 (c): `d` is a delta CRL for `crl`: same issuer, same issuingDistributionPoint and
/// (c)(3) the same authorityKeyIdentifier; §5.2.4: its BaseCRLNumber not above the complete
/// CRL's number, and (d) its own number above it.
fn is_delta_of(d: &Crl, crl: &Crl) -> bool {
    d.0.delta_base.as_ref().is_some_and(|base| {
        crate::x509::name::names_match(d.issuer_der(), crl.issuer_der())
            && d.0.idp == crl.0.idp
            && d.0.aki == crl.0.aki
            && crl.0.number.as_ref().is_some_and(|n| {
                cmp_number(base, n).is_le()
                    && d.0
                        .number
                        .as_ref()
                        .is_some_and(|dn| cmp_number(dn, n).is_gt())
            })
    })
}

/// §6.3.3 (i): the delta CRL first, where removeFromCRL means UNREVOKED (k); (j) then the
/// complete CRL, where removeFromCRL has no meaning (§5.3.1). `Some` when listed.
fn listed(cert: &Certificate, crl: &Crl, delta: Option<&Crl>) -> Option<RevocationStatus> {
    let revoked = |e: &Entry, by: &Crl| RevocationStatus::Revoked {
        reason: e.reason,
        revoked_at: e.revoked_at,
        stale_crl_next_update: None,
        evidence: by.evidence(),
    };
    if let Some((e, d)) = delta.and_then(|d| d.entry_for(cert).map(|e| (e, d))) {
        return (e.reason != RevocationReason::RemoveFromCrl).then(|| revoked(e, d));
    }
    crl.entry_for(cert)
        .filter(|e| e.reason != RevocationReason::RemoveFromCrl)
        .map(|e| revoked(e, crl))
}

/// A CRL past its nextUpdate cannot say a certificate is good, but one whose signer checks
/// out still proves a revocation: revocation is permanent (RFC 5280 §3.3), so a certificate it
/// lists as revoked stays revoked, whatever newer CRLs are missing. certificateHold is the
/// exception (it may have been released since) and stays unknown, as does removeFromCRL.
fn stale_listing(
    crl: &Crl,
    cert: &Certificate,
    problem: &CrlProblem,
    signer_ok: &mut SignerCheck<'_>,
) -> Option<RevocationStatus> {
    let CrlProblem::CrlExpired { next_update, .. } = problem else {
        return None;
    };
    let e = crl.entry_for(cert)?;
    if matches!(
        e.reason,
        RevocationReason::CertificateHold | RevocationReason::RemoveFromCrl
    ) || crl.is_delta()
    {
        return None;
    }
    signer_ok(crl).ok()?;
    Some(RevocationStatus::Revoked {
        reason: e.reason,
        revoked_at: e.revoked_at,
        stale_crl_next_update: Some(*next_update),
        evidence: crl.evidence(),
    })
}

/// Does any CRL claim to come from `cert`'s issuer (for [`RevocationMode::Auto`])?
pub(crate) fn issuer_has_crl(cert: &Certificate, crls: &[Crl]) -> bool {
    crls.iter().any(|c| {
        crate::x509::name::names_match(c.issuer_der(), cert.issuer_der())
            || cert.crl_distribution_points().is_some_and(|dps| {
                dps.iter().any(|dp| {
                    dp.crl_issuer.as_ref().is_some_and(|ns| {
                        ns.contains(&GeneralName::Directory(c.issuer_der().to_vec()))
                    })
                })
            })
    })
}

/// Is `crl` in scope for `cert` through distribution point `dp` (§6.3.3 b)? Returns the
/// interim reasons mask (§6.3.3 d) when it is.
fn scope(cert: &Certificate, dp: &DistributionPoint, crl: &Crl) -> Option<u16> {
    let idp = crl.0.idp.as_ref();
    let direct = crate::x509::name::names_match(crl.issuer_der(), cert.issuer_der());
    let crl_issuer_name = GeneralName::Directory(crl.issuer_der().to_vec());
    // (b)(1): the CRL issuer.
    match &dp.crl_issuer {
        Some(names) => {
            if !names.iter().any(|n| same_name(n, &crl_issuer_name)) {
                return None;
            }
            if !direct && !idp.is_some_and(|i| i.indirect) {
                return None;
            }
        }
        None => {
            if !direct {
                return None;
            }
        }
    }
    // (b)(2): the issuingDistributionPoint.
    if let Some(idp) = idp {
        if let Some(idp_name) = &idp.name {
            let idp_names = idp_name.names(crl.issuer_der());
            let dp_names: Vec<GeneralName> = match (&dp.name, &dp.crl_issuer) {
                (Some(n), issuer) => {
                    let base = issuer
                        .iter()
                        .flatten()
                        .find_map(|g| match g {
                            GeneralName::Directory(d) => Some(d.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| cert.issuer_der().to_vec());
                    n.names(&base)
                }
                (None, Some(issuer)) => issuer.clone(),
                (None, None) => Vec::new(),
            };
            if !idp_names
                .iter()
                .any(|a| dp_names.iter().any(|b| same_name(a, b)))
            {
                return None;
            }
        }
        // onlyContainsUserCerts: the certificate must not be a CA; onlyContainsCACerts: it
        // must be one; attribute-certificate CRLs never apply (§6.3.3 b.2.iii-v).
        // A version 1 or 2 certificate has no basicConstraints and may be a CA (§6.1.4 k says
        // such CAs are recognised out of band), so a user-certificates-only CRL does not cover
        // it either (Chromium does the same).
        let maybe_ca = cert.is_ca() || !cert.is_v3();
        if (idp.only_user && maybe_ca) || (idp.only_ca && !cert.is_ca()) || idp.only_attribute {
            return None;
        }
    }
    let dp_reasons = dp.reasons.unwrap_or(ALL_REASONS);
    let idp_reasons = idp.and_then(|i| i.only_some_reasons).unwrap_or(ALL_REASONS);
    Some(dp_reasons & idp_reasons)
}
