//! Certificate path building and validation (RFC 5280 §6), with reasons ranked so the user sees
//! the most specific one.
//!
//! What this validates, for a path from a trust anchor to the target: signatures, validity at
//! the validation time, name chaining (with AKI/SKI hints), basicConstraints cA and
//! pathLenConstraint, keyUsage keyCertSign, unknown critical extensions, the algorithm policy,
//! certificate policies (the valid_policy_tree, [`crate::path::cert_policies`]), name constraints
//! ([`crate::path::name_constraints`]), required extended key usages, and revocation from the CRLs
//! given ([`crate::revocation::crl`], §6.3). Path building is a bounded depth-first search over the pool:
//! every candidate issuer is tried, so loops, cross-certificates and decoys are handled, and
//! when every path fails the most specific reason is reported.

pub(crate) mod cert_policies;
pub(crate) mod name_constraints;
mod revocation_sources;

use serde::{Deserialize, Serialize};

use crate::encoding::time::Timestamp;
use crate::revocation::crl::{
    self, Crl, CrlProblem, RevocationMode, RevocationReason, RevocationStatus,
};
use crate::revocation::ocsp::OcspResponse;
use crate::x509::cert::{ku, Certificate, CertificateSummary};
use cert_policies::{CertPolicies, PolicyFailure, PolicyInputs, ANY_POLICY};
use name_constraints::NameConstraintFailure;

/// Longest path accepted, trust anchor excluded. Real government hierarchies are 2-4 deep; 8
/// intermediates is generous and bounds the search.
const MAX_PATH_LEN: usize = 9;
/// Signature checks (certificates and CRLs) allowed for one path search. webpki uses 100 for
/// certificates alone; CRL checking adds at most a few per certificate of a real path
/// (complete CRL, delta CRL, a CRL signer's own path), so 200 keeps the same order.
const MAX_SIGNATURE_CHECKS: usize = 200;
/// Candidate issuers looked at in one search, so a pool of hundreds of certificates with the
/// same name cannot make the search quadratic (webpki bounds its path-building calls too).
const MAX_CANDIDATES: usize = 1_000;
/// Nesting of CRL-signer path validations (§6.3.3 f: the CRL signer's own path, whose CRLs
/// may have a signer...). PKITS needs one level (separate CRL-signing keys); two is margin.
const MAX_CRL_SIGNER_DEPTH: u8 = 2;

/// Why a certificate path is not valid. Serialized with `code` equal to [`ChainError::code`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChainError {
    /// No trust anchor was configured.
    NoTrustAnchors,
    /// No certificate in the pool or the trust anchors issued this one.
    UnknownIssuer {
        /// The certificate whose issuer is missing.
        subject: String,
        /// The issuer name it points to.
        issuer: String,
    },
    /// A certificate's signature does not verify with its issuer's key.
    BadCertificateSignature {
        /// The certificate.
        subject: String,
    },
    /// A certificate expired before the validation time.
    #[serde(rename = "certificate_expired")]
    Expired {
        /// The certificate.
        subject: String,
        /// notAfter.
        not_after: Timestamp,
        /// The validation time.
        at: Timestamp,
        /// True for the signer's own certificate.
        end_entity: bool,
    },
    /// A certificate is not yet valid at the validation time.
    #[serde(rename = "certificate_not_yet_valid")]
    NotYetValid {
        /// The certificate.
        subject: String,
        /// notBefore.
        not_before: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// An issuing certificate is not a CA (basicConstraints, RFC 5280 §6.1.4 k).
    #[serde(rename = "issuer_not_ca")]
    NotCa {
        /// The certificate.
        subject: String,
    },
    /// An issuing certificate's keyUsage lacks keyCertSign (RFC 5280 §6.1.4 n).
    KeyCertSignMissing {
        /// The certificate.
        subject: String,
    },
    /// A CA's pathLenConstraint is exceeded (RFC 5280 §6.1.4 l, m).
    PathLenExceeded {
        /// The CA whose constraint is exceeded.
        subject: String,
    },
    /// A critical extension kyso does not process (RFC 5280 §6.1.4 o).
    UnknownCriticalExtension {
        /// The certificate.
        subject: String,
        /// The extension OID.
        oid: String,
    },
    /// A certificate in the path uses an algorithm or key that is too weak.
    #[serde(rename = "weak_certificate_algorithm")]
    WeakAlgorithm {
        /// The certificate.
        subject: String,
        /// What is too weak.
        detail: String,
    },
    /// The path search hit its work limit (hostile or badly built certificate pool).
    #[serde(rename = "path_search_budget_exceeded")]
    BudgetExceeded,
    /// A name of the certificate is outside what a CA above it permits, or inside what it
    /// excludes (RFC 5280 §4.2.1.10, §6.1.3 b, c).
    NameConstraintViolation {
        /// The certificate.
        subject: String,
        /// The name that is refused (`DNS:...`, `email:...`, `DirName:...`).
        name: String,
        /// The CA whose constraint refuses it.
        constrained_by: String,
        /// The excluded subtree, when the name is excluded (not merely not permitted).
        excluded_subtree: Option<String>,
    },
    /// A critical nameConstraints extension constrains a name form kyso cannot check
    /// (RFC 5280 §4.2.1.10: process it or reject).
    UnsupportedNameConstraint {
        /// The CA.
        subject: String,
        /// The name form.
        form: String,
    },
    /// Checking the certificate's names against a CA's name constraints would exceed the
    /// work bound (names × subtrees, see `name_constraints::MAX_CHECKS`).
    #[serde(rename = "too_many_name_constraint_checks")]
    TooManyNameChecks {
        /// The certificate.
        subject: String,
        /// The comparisons it would take.
        checks: usize,
    },
    /// No certificate policy acceptable to the user is valid for the path while an explicit
    /// policy is required (RFC 5280 §6.1.3 f, §6.1.5 g).
    NoAcceptablePolicy {
        /// The certificate at which the requirement failed.
        subject: String,
        /// The user-initial-policy-set (dotted OIDs; `2.5.29.32.0` is anyPolicy).
        initial_policies: Vec<String>,
    },
    /// A policyMappings extension maps to or from anyPolicy (RFC 5280 §6.1.4 a).
    AnyPolicyMapped {
        /// The CA.
        subject: String,
    },
    /// Policy processing grew past its bound (RFC 5280 §6.1; CVE-2023-0464 style input).
    PolicyTreeTooLarge {
        /// The certificate at which the bound was hit.
        subject: String,
    },
    /// The certificate's extended key usage does not allow a required purpose (RFC 5280
    /// §4.2.1.12; applied to CAs too, as OpenSSL and Chromium do).
    EkuNotAllowed {
        /// The certificate.
        subject: String,
        /// The required purpose (dotted OID).
        required: String,
    },
    /// The certificate breaks an RFC 5280 profile rule that makes it unusable on a path
    /// (negative serial, missing authorityKeyIdentifier, CA without subjectKeyIdentifier,
    /// malformed extension, ...).
    MalformedCertificate {
        /// The certificate.
        subject: String,
        /// The rule, with its RFC 5280 section.
        rule: String,
    },
    /// The certificate is listed on a valid CRL of its issuer (RFC 5280 §6.3.3).
    #[serde(rename = "certificate_revoked")]
    Revoked {
        /// The certificate.
        subject: String,
        /// Its serial number, hex.
        serial: String,
        /// reasonCode.
        reason: RevocationReason,
        /// revocationDate.
        revoked_at: Timestamp,
    },
    /// The certificate's revocation status could not be established while it is required.
    #[serde(rename = "revocation_status_unknown")]
    RevocationUnknown {
        /// The certificate.
        subject: String,
        /// Why.
        problem: CrlProblem,
    },
}

impl ChainError {
    /// How specific the error is: when several paths fail, the highest rank is reported.
    fn rank(&self) -> u8 {
        use ChainError::*;
        match self {
            NoTrustAnchors => 0,
            UnknownIssuer { .. } => 1,
            BudgetExceeded => 2,
            BadCertificateSignature { .. } => 3,
            WeakAlgorithm { .. } => 4,
            RevocationUnknown { .. } => 5,
            NotCa { .. } | KeyCertSignMissing { .. } | PathLenExceeded { .. } => 6,
            UnknownCriticalExtension { .. }
            | UnsupportedNameConstraint { .. }
            | MalformedCertificate { .. }
            | TooManyNameChecks { .. }
            | PolicyTreeTooLarge { .. } => 7,
            NameConstraintViolation { .. }
            | NoAcceptablePolicy { .. }
            | AnyPolicyMapped { .. }
            | EkuNotAllowed { .. } => 8,
            Expired { .. } | NotYetValid { .. } => 9,
            Revoked { .. } => 10,
        }
    }

    /// Stable code.
    pub fn code(&self) -> &'static str {
        use ChainError::*;
        match self {
            NoTrustAnchors => "no_trust_anchors",
            UnknownIssuer { .. } => "unknown_issuer",
            BadCertificateSignature { .. } => "bad_certificate_signature",
            Expired { .. } => "certificate_expired",
            NotYetValid { .. } => "certificate_not_yet_valid",
            NotCa { .. } => "issuer_not_ca",
            KeyCertSignMissing { .. } => "key_cert_sign_missing",
            PathLenExceeded { .. } => "path_len_exceeded",
            UnknownCriticalExtension { .. } => "unknown_critical_extension",
            WeakAlgorithm { .. } => "weak_certificate_algorithm",
            BudgetExceeded => "path_search_budget_exceeded",
            NameConstraintViolation { .. } => "name_constraint_violation",
            UnsupportedNameConstraint { .. } => "unsupported_name_constraint",
            NoAcceptablePolicy { .. } => "no_acceptable_policy",
            AnyPolicyMapped { .. } => "any_policy_mapped",
            PolicyTreeTooLarge { .. } => "policy_tree_too_large",
            EkuNotAllowed { .. } => "eku_not_allowed",
            Revoked { .. } => "certificate_revoked",
            MalformedCertificate { .. } => "malformed_certificate",
            TooManyNameChecks { .. } => "too_many_name_constraint_checks",
            RevocationUnknown { .. } => "revocation_status_unknown",
        }
    }
}

/// Inputs to path validation inside the library (what [`ChainOptions`] sets, plus the
/// verifier's dangerous switches).
#[derive(Debug, Clone, Default)]
pub(crate) struct ChainPolicy {
    /// Accept SHA-1/MD5 certificate signatures and keys below the minimum sizes.
    pub(crate) legacy_crypto: bool,
    /// user-initial-policy-set (RFC 5280 §6.1.1 c), dotted OIDs; empty means anyPolicy.
    pub(crate) initial_policies: Vec<String>,
    /// initial-explicit-policy (§6.1.1 f).
    pub(crate) require_explicit_policy: bool,
    /// initial-policy-mapping-inhibit (§6.1.1 e).
    pub(crate) inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit (§6.1.1 g).
    pub(crate) inhibit_any_policy: bool,
    /// Extended key usages every certificate of the path must allow (dotted OIDs).
    pub(crate) required_ekus: Vec<String>,
    /// CRLs to consult (§6.3).
    pub(crate) crls: Vec<Crl>,
    /// OCSP responses to consult first (RFC 6960), see [`revocation_sources`].
    pub(crate) ocsp: Vec<OcspResponse>,
    /// How long a response without nextUpdate is accepted, seconds (`None`: the default).
    pub(crate) ocsp_max_age: Option<i64>,
    /// How revocation is checked.
    pub(crate) revocation: RevocationMode,
    /// Apply the trust anchor's name constraints (RFC 5280 §6.1.1 allows the anchor
    /// information to carry them; OpenSSL and webpki apply them). Default on.
    pub(crate) skip_anchor_constraints: bool,
}

/// Options for [`crate::validate_chain_with`]: the RFC 5280 §6.1.1 inputs a caller may set,
/// the CRLs to consult and the validation time.
///
/// ```
/// # use kyso::{ChainOptions, RevocationMode, Timestamp};
/// let opts = ChainOptions::new(Timestamp::from_unix(1_700_000_000))
///     .policy("2.16.840.1.101.3.2.1.48.1")
///     .require_explicit_policy(true)
///     .revocation(RevocationMode::Required);
/// ```
#[derive(Debug, Clone)]
pub struct ChainOptions {
    pub(crate) at: Timestamp,
    pub(crate) policy: ChainPolicy,
}

impl ChainOptions {
    /// Defaults of RFC 5280 §6.1.1 (initial policy set anyPolicy, no flags), revocation
    /// [`RevocationMode::Auto`] with no CRL, validation at `at`.
    pub fn new(at: Timestamp) -> Self {
        ChainOptions {
            at,
            policy: ChainPolicy::default(),
        }
    }
    /// Add a policy (dotted OID) to the user-initial-policy-set (§6.1.1 c); without any, the
    /// set is {anyPolicy}.
    pub fn policy(mut self, oid: impl Into<String>) -> Self {
        self.policy.initial_policies.push(oid.into());
        self
    }
    /// initial-explicit-policy (§6.1.1 f): the path must be valid for a policy of the set.
    pub fn require_explicit_policy(mut self, on: bool) -> Self {
        self.policy.require_explicit_policy = on;
        self
    }
    /// initial-policy-mapping-inhibit (§6.1.1 e).
    pub fn inhibit_policy_mapping(mut self, on: bool) -> Self {
        self.policy.inhibit_policy_mapping = on;
        self
    }
    /// initial-any-policy-inhibit (§6.1.1 g).
    pub fn inhibit_any_policy(mut self, on: bool) -> Self {
        self.policy.inhibit_any_policy = on;
        self
    }
    /// Require an extended key usage (dotted OID) of every certificate that has the extension.
    pub fn eku(mut self, oid: impl Into<String>) -> Self {
        self.policy.required_ekus.push(oid.into());
        self
    }
    /// CRLs to consult.
    pub fn crls(mut self, crls: impl IntoIterator<Item = Crl>) -> Self {
        self.policy.crls.extend(crls);
        self
    }
    /// OCSP responses to consult (RFC 6960); a valid one decides before the CRLs.
    pub fn ocsp_responses(mut self, responses: impl IntoIterator<Item = OcspResponse>) -> Self {
        self.policy.ocsp.extend(responses);
        self
    }
    /// How long after thisUpdate an OCSP response without nextUpdate is accepted, seconds
    /// (default [`crate::DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE`]).
    pub fn ocsp_max_age(mut self, seconds: i64) -> Self {
        self.policy.ocsp_max_age = Some(seconds);
        self
    }
    /// How revocation is checked.
    pub fn revocation(mut self, mode: RevocationMode) -> Self {
        self.policy.revocation = mode;
        self
    }
    /// Ignore name constraints carried by the trust anchor certificate (RFC 5280 §6.1.1 leaves
    /// it to the application; by default kyso applies them).
    pub fn ignore_anchor_constraints(mut self, on: bool) -> Self {
        self.policy.skip_anchor_constraints = on;
        self
    }
    /// The validation time.
    pub fn time(&self) -> Timestamp {
        self.at
    }
}

/// The verdict on one certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CertVerdict {
    /// Every check on this certificate passed.
    Valid,
    /// This certificate failed a check.
    Invalid {
        /// Why.
        error: ChainError,
    },
    /// Not evaluated: validation stopped at another certificate first.
    NotEvaluated,
}

/// The outcome of building and validating a path for one certificate.
#[derive(Debug, Clone)]
pub struct ChainOutcome {
    /// The path, end entity first; ends with the trust anchor when `error` is `None`.
    pub path: Vec<Certificate>,
    /// `None` when the path is valid.
    pub error: Option<ChainError>,
    /// Index in `path` of the certificate the error is about, when it is about one.
    pub error_at: Option<usize>,
    /// The user-constrained policy set (RFC 5280 §6.1.5 g), dotted OIDs, for a valid path;
    /// `2.5.29.32.0` (anyPolicy) when every policy is acceptable.
    pub user_constrained_policies: Vec<String>,
    /// Revocation status of each certificate of `path` (same order), as far as checked.
    pub revocation: Vec<RevocationStatus>,
}

impl ChainOutcome {
    /// True when a valid path to a trust anchor was found.
    pub fn is_valid(&self) -> bool {
        self.error.is_none()
    }

    /// The path as report entries.
    pub fn summaries(&self) -> Vec<CertificateSummary> {
        self.path.iter().map(CertificateSummary::from).collect()
    }

    /// The verdict on each certificate of `path`, same order: certificates validated before
    /// the failure (closer to the trust anchor) are valid, the failing one carries the error,
    /// the ones below it were not evaluated.
    pub fn verdicts(&self) -> Vec<CertVerdict> {
        (0..self.path.len())
            .map(|i| match (&self.error, self.error_at) {
                (None, _) => CertVerdict::Valid,
                (Some(e), Some(at)) if at == i => CertVerdict::Invalid { error: e.clone() },
                (Some(_), Some(at)) if i > at => CertVerdict::Valid,
                _ => CertVerdict::NotEvaluated,
            })
            .collect()
    }

    fn failed(path: Vec<Certificate>, error: ChainError, error_at: Option<usize>) -> Self {
        let n = path.len();
        ChainOutcome {
            path,
            error: Some(error),
            error_at,
            user_constrained_policies: Vec::new(),
            revocation: vec![RevocationStatus::NotChecked; n],
        }
    }
}

/// Work done by one search (and its nested CRL-signer searches), shared so that nesting
/// cannot multiply the budget.
#[derive(Debug, Default)]
struct Budget {
    signature_checks: usize,
    candidates: usize,
    /// Set when a limit was hit: the search stops and reports [`ChainError::BudgetExceeded`].
    stopped: bool,
}

impl Budget {
    fn exhausted(&self) -> bool {
        self.candidates > MAX_CANDIDATES || self.signature_checks >= MAX_SIGNATURE_CHECKS
    }

    fn spend_signature(&mut self) -> bool {
        self.signature_checks += 1;
        self.signature_checks <= MAX_SIGNATURE_CHECKS
    }
}

struct Search<'a> {
    anchors: &'a [Certificate],
    pool: &'a [Certificate],
    at: Timestamp,
    policy: &'a ChainPolicy,
    budget: &'a mut Budget,
    crl_depth: u8,
    /// The path's leaf is a CRL signer whose own path is being validated (§6.3.3 f), not the
    /// target certificate: its status may be on a CRL it signs itself (PKITS 4.14.30).
    leaf_is_crl_signer: bool,
    best: Option<ChainOutcome>,
}

/// Build a path from `leaf` to one of `anchors` through `pool`, and validate it at `at`.
pub(crate) fn build(
    leaf: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
    policy: &ChainPolicy,
) -> ChainOutcome {
    let mut budget = Budget::default();
    build_nested(leaf, pool, anchors, at, policy, &mut budget, 0)
}

fn build_nested(
    leaf: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
    policy: &ChainPolicy,
    budget: &mut Budget,
    crl_depth: u8,
) -> ChainOutcome {
    if anchors.is_empty() {
        return ChainOutcome::failed(vec![leaf.clone()], ChainError::NoTrustAnchors, None);
    }
    let mut s = Search {
        anchors,
        pool,
        at,
        policy,
        budget,
        crl_depth,
        leaf_is_crl_signer: crl_depth > 0,
        best: None,
    };
    let mut path = vec![leaf.clone()];
    if let Some(done) = s.extend(&mut path) {
        return done;
    }
    if s.budget.stopped {
        let path = s.best.map_or_else(|| vec![leaf.clone()], |b| b.path);
        return ChainOutcome::failed(path, ChainError::BudgetExceeded, None);
    }
    s.best.unwrap_or_else(|| {
        ChainOutcome::failed(vec![leaf.clone()], ChainError::BudgetExceeded, None)
    })
}

impl Search<'_> {
    /// Depth-first search; returns the first valid path. Failed attempts are kept in `best`.
    fn extend(&mut self, path: &mut Vec<Certificate>) -> Option<ChainOutcome> {
        if self.budget.stopped {
            return None;
        }
        let cur = path.last()?.clone();
        // A certificate that is itself a trust anchor ends the path (RFC 5280 §6.1: the anchor
        // is an input, not part of the validated path).
        if self.anchors.iter().any(|a| a == &cur) {
            let outcome = self.validate(path);
            if outcome.is_valid() {
                return Some(outcome);
            }
            self.record(outcome);
            return None;
        }
        let mut found_any = false;
        // Anchors first, then the pool; a certificate already on the path is skipped (loops),
        // and so is one with the same subject and key as one on the path (a cross-certificate
        // back into the path would only repeat it).
        let candidates: Vec<(Certificate, bool)> = self
            .anchors
            .iter()
            .map(|c| (c.clone(), true))
            .chain(self.pool.iter().map(|c| (c.clone(), false)))
            .filter(|(c, _)| {
                could_issue(c, &cur)
                    && !path.iter().any(|p| {
                        p == c
                            || (p.subject_der() == c.subject_der()
                                && p.public_key().public_eq(c.public_key()))
                    })
            })
            .collect();
        for (cand, is_anchor) in candidates {
            self.budget.candidates += 1;
            if self.budget.exhausted() {
                // The search is cut short: say so rather than report whichever attempt
                // happened to fail last (webpki treats its budget the same way).
                self.budget.stopped = true;
                return None;
            }
            found_any = true;
            self.budget.spend_signature();
            if !cur.signed_by(&cand) {
                let mut p = path.clone();
                p.push(cand);
                let at = p.len() - 2;
                self.record(ChainOutcome::failed(
                    p,
                    ChainError::BadCertificateSignature {
                        subject: cur.subject(),
                    },
                    Some(at),
                ));
                continue;
            }
            path.push(cand);
            let result = if is_anchor {
                let outcome = self.validate(path);
                if outcome.is_valid() {
                    Some(outcome)
                } else {
                    self.record(outcome);
                    None
                }
            } else if path.len() > MAX_PATH_LEN {
                self.record(ChainOutcome::failed(
                    path.clone(),
                    ChainError::BudgetExceeded,
                    None,
                ));
                None
            } else {
                self.extend(path)
            };
            path.pop();
            if result.is_some() {
                return result;
            }
        }
        if !found_any {
            self.record(ChainOutcome::failed(
                path.clone(),
                ChainError::UnknownIssuer {
                    subject: cur.subject(),
                    issuer: cur.issuer(),
                },
                Some(path.len() - 1),
            ));
        }
        None
    }

    fn record(&mut self, outcome: ChainOutcome) {
        let better = match (&self.best, &outcome.error) {
            (None, _) => true,
            (Some(b), Some(e)) => {
                let br = b.error.as_ref().map_or(u8::MAX, ChainError::rank);
                e.rank() > br || (e.rank() == br && outcome.path.len() > b.path.len())
            }
            (Some(_), None) => true,
        };
        if better {
            self.best = Some(outcome);
        }
    }

    /// Validate a complete path (end entity first, trust anchor last) at the validation time.
    fn validate(&mut self, path: &[Certificate]) -> ChainOutcome {
        let fail = |e: ChainError, i: usize| ChainOutcome::failed(path.to_vec(), e, Some(i));
        let n = path.len();
        let at = self.at;
        for (i, c) in path.iter().enumerate() {
            // Validity (RFC 5280 §6.1.3 a.2). The anchor is checked too, as OpenSSL does: an
            // expired root is a configuration problem the user must see.
            if at > c.not_after() {
                return fail(
                    ChainError::Expired {
                        subject: c.subject(),
                        not_after: c.not_after(),
                        at,
                        end_entity: i == 0,
                    },
                    i,
                );
            }
            if at < c.not_before() {
                return fail(
                    ChainError::NotYetValid {
                        subject: c.subject(),
                        not_before: c.not_before(),
                        at,
                    },
                    i,
                );
            }
            // Unknown critical extensions (§6.1.4 o for CAs, §6.1.5 f for the target). The
            // anchor certificate too: kyso cannot tell what its issuer meant to restrict.
            if let Some(oid) = c.unknown_critical().first() {
                return fail(
                    ChainError::UnknownCriticalExtension {
                        subject: c.subject(),
                        oid: oid.clone(),
                    },
                    i,
                );
            }
            if !self.policy.legacy_crypto {
                // DSA: FIPS 186-5 (2023) withdrew it for new signatures; no current CA uses it.
                let dsa = (c.key_info().kind == "dsa")
                    .then(|| "DSA keys are not accepted (FIPS 186-5 withdrew DSA)".to_string());
                if let Some(w) = c.key_info().weakness().or(dsa) {
                    return fail(
                        ChainError::WeakAlgorithm {
                            subject: c.subject(),
                            detail: w,
                        },
                        i,
                    );
                }
                // The anchor's self-signature is not relied on (RFC 5280 §6.1), so not judged.
                if i + 1 < n {
                    // An allow-list, not a deny-list: a signature algorithm kyso cannot name
                    // (1.3.14.3.2.29 is SHA-1 with RSA under an old OID, which OpenSSL
                    // verifies) is not judged strong by default.
                    let judged = match c.signature_digest() {
                        Some(d) if d.is_legacy() => Some(format!("signed with {d}")),
                        Some(_) => None,
                        None if is_pure_eddsa(c.signature_algorithm()) => None,
                        None => Some(format!(
                            "signed with an algorithm the policy does not know ({})",
                            c.signature_algorithm()
                        )),
                    };
                    if let Some(detail) = judged {
                        return fail(
                            ChainError::WeakAlgorithm {
                                subject: c.subject(),
                                detail,
                            },
                            i,
                        );
                    }
                }
            }
            if i > 0 {
                // Issuing certificates: RFC 5280 §6.1.4 (k) cA, (n) keyCertSign. A version 1
                // trust anchor without extensions is accepted as RFC 5280 §6.1.1 (d) allows.
                let is_v1_anchor =
                    i == n - 1 && c.key_usage_bits().is_none() && !c.is_ca() && c.is_self_issued();
                if !c.is_ca() && !is_v1_anchor {
                    return fail(
                        ChainError::NotCa {
                            subject: c.subject(),
                        },
                        i,
                    );
                }
                if c.key_usage_bits()
                    .is_some_and(|k| k & ku::KEY_CERT_SIGN == 0)
                {
                    return fail(
                        ChainError::KeyCertSignMissing {
                            subject: c.subject(),
                        },
                        i,
                    );
                }
            }
        }
        // RFC 5280 profile rules (after the CA checks above, so "not a CA" is reported
        // rather than the keyCertSign-without-cA rule it also breaks).
        for (i, c) in path.iter().enumerate() {
            let anchor_only = i + 1 == n && n > 1;
            let issuance = if anchor_only { &[] } else { c.issuance_flaws() };
            if let Some(rule) = c.profile_flaws().iter().chain(issuance).next() {
                return fail(
                    ChainError::MalformedCertificate {
                        subject: c.subject(),
                        rule: (*rule).to_string(),
                    },
                    i,
                );
            }
        }
        // pathLenConstraint (RFC 5280 §6.1.4 l, m), walking from the anchor down. Self-issued
        // intermediates do not count.
        let mut remaining: Option<u32> = path[n - 1].path_len();
        for i in (1..n - 1).rev() {
            let c = &path[i];
            if !c.is_self_issued() {
                match remaining {
                    Some(0) => {
                        return fail(
                            ChainError::PathLenExceeded {
                                subject: path[i + 1].subject(),
                            },
                            i + 1,
                        )
                    }
                    Some(r) => remaining = Some(r - 1),
                    None => {}
                }
            }
            if let Some(p) = c.path_len() {
                remaining = Some(remaining.map_or(p, |r| r.min(p)));
            }
        }
        // Name constraints (§6.1.3 b, c; §6.1.4 g): each certificate's names against every
        // constraining CA above it. A self-issued intermediate is exempt (§6.1.3 b: "unless
        // certificate i is self-issued and is not the final certificate in the path").
        let top = if self.policy.skip_anchor_constraints {
            n - 1
        } else {
            n
        };
        for k in (0..n - 1).rev() {
            let c = &path[k];
            if k != 0 && c.is_self_issued() {
                continue;
            }
            // Most paths carry no name constraints: collect the names only when a CA above
            // constrains them (they were 2.7% of a batch verify).
            if path[k + 1..top]
                .iter()
                .all(|ca| ca.name_constraints().is_none())
            {
                continue;
            }
            let names = name_constraints::names_of(c.subject_der(), c.subject_alt_names());
            for ca in &path[k + 1..top] {
                let Some(nc) = ca.name_constraints() else {
                    continue;
                };
                if let Err(f) = name_constraints::check(nc, &names) {
                    let e = match f {
                        NameConstraintFailure::UnsupportedForm { form } => {
                            ChainError::UnsupportedNameConstraint {
                                subject: ca.subject(),
                                form: form.to_string(),
                            }
                        }
                        NameConstraintFailure::TooManyChecks { checks } => {
                            ChainError::TooManyNameChecks {
                                subject: c.subject(),
                                checks,
                            }
                        }
                        NameConstraintFailure::NotPermitted { name } => {
                            ChainError::NameConstraintViolation {
                                subject: c.subject(),
                                name,
                                constrained_by: ca.subject(),
                                excluded_subtree: None,
                            }
                        }
                        NameConstraintFailure::Excluded { name, subtree } => {
                            ChainError::NameConstraintViolation {
                                subject: c.subject(),
                                name,
                                constrained_by: ca.subject(),
                                excluded_subtree: Some(subtree),
                            }
                        }
                    };
                    return fail(e, k);
                }
            }
        }
        // Certificate policies (§6.1.2-§6.1.5), certificate 1 (issued by the anchor) first.
        let certs: Vec<CertPolicies<'_>> = path[..n - 1]
            .iter()
            .rev()
            .map(|c| CertPolicies {
                policies: c.policies(),
                mappings: c.policy_mappings(),
                constraints: c.policy_constraints(),
                inhibit_any: c.inhibit_any_policy(),
                self_issued: c.is_self_issued(),
            })
            .collect();
        let inputs = PolicyInputs {
            initial: &self.policy.initial_policies,
            require_explicit: self.policy.require_explicit_policy,
            inhibit_mapping: self.policy.inhibit_policy_mapping,
            inhibit_any: self.policy.inhibit_any_policy,
        };
        // `index` counts from certificate 1; path index = n - 2 - index.
        let path_index = |index: usize| n.saturating_sub(2).saturating_sub(index);
        let user_constrained = match cert_policies::process(&certs, &inputs) {
            Ok(o) => o.user_constrained,
            Err(PolicyFailure::NoAcceptablePolicy { index }) => {
                let i = path_index(index);
                let initial = if self.policy.initial_policies.is_empty() {
                    vec![ANY_POLICY.to_string()]
                } else {
                    self.policy.initial_policies.clone()
                };
                return fail(
                    ChainError::NoAcceptablePolicy {
                        subject: path[i].subject(),
                        initial_policies: initial,
                    },
                    i,
                );
            }
            Err(PolicyFailure::AnyPolicyMapped { index }) => {
                let i = path_index(index);
                return fail(
                    ChainError::AnyPolicyMapped {
                        subject: path[i].subject(),
                    },
                    i,
                );
            }
            Err(PolicyFailure::TreeTooLarge { index }) => {
                let i = path_index(index);
                return fail(
                    ChainError::PolicyTreeTooLarge {
                        subject: path[i].subject(),
                    },
                    i,
                );
            }
        };
        // Required extended key usages (§4.2.1.12): every certificate below the anchor that
        // carries the extension must list the purpose or anyExtendedKeyUsage.
        for req in &self.policy.required_ekus {
            for (i, c) in path[..n - 1].iter().enumerate() {
                if let Some(ekus) = c.extended_key_usage() {
                    if !ekus.iter().any(|e| e == req || e == "2.5.29.37.0") {
                        return fail(
                            ChainError::EkuNotAllowed {
                                subject: c.subject(),
                                required: req.clone(),
                            },
                            i,
                        );
                    }
                }
            }
        }
        // Revocation (§6.3), from the anchor down so a revoked CA is reported before its
        // subordinates.
        let mut revocation = vec![RevocationStatus::NotChecked; n];
        if self.policy.revocation != RevocationMode::Off {
            for k in (0..n - 1).rev() {
                let c = &path[k];
                let status = self.status_from_all_sources(c, path);
                if let Some(e) = self.revocation_error(c, &status) {
                    let mut out = fail(e, k);
                    revocation[k] = status;
                    out.revocation = revocation;
                    return out;
                }
                revocation[k] = status;
            }
        }
        ChainOutcome {
            path: path.to_vec(),
            error: None,
            error_at: None,
            user_constrained_policies: user_constrained,
            revocation,
        }
    }

    fn revocation_error(&self, c: &Certificate, status: &RevocationStatus) -> Option<ChainError> {
        match status {
            RevocationStatus::Revoked { reason, revoked_at } => Some(ChainError::Revoked {
                subject: c.subject(),
                serial: c.serial_hex(),
                reason: *reason,
                revoked_at: *revoked_at,
            }),
            RevocationStatus::Unknown { problem } => {
                let required = match self.policy.revocation {
                    RevocationMode::Required => true,
                    RevocationMode::Auto => {
                        crl::issuer_has_crl(c, &self.policy.crls)
                            || self.policy.ocsp.iter().any(|r| r.mentions(c))
                    }
                    RevocationMode::Off => false,
                };
                required.then(|| ChainError::RevocationUnknown {
                    subject: c.subject(),
                    problem: problem.clone(),
                })
            }
            RevocationStatus::Good | RevocationStatus::NotChecked => None,
        }
    }

    /// §6.3.3 for one certificate of `path`, with the CRL signer found and validated
    /// (§6.3.3 f, g): a certificate of the CRL issuer's name, allowed to sign CRLs, whose key
    /// verifies the CRL and whose own path is valid and ends at this path's trust anchor.
    ///
    /// Trusted without a path of their own: the certificate's issuer and the CA certificates
    /// above it on this path (this validation establishes their chain), the anchor of this
    /// path, and the certificate itself when it is a CA or a CRL signer whose own path this is
    /// (PKITS 4.14.30: a CRL issuer whose status is on the CRL it signs). Never the target end
    /// entity: it signs no CRL about itself nor about the CAs above it.
    fn revocation_status(&mut self, cert: &Certificate, path: &[Certificate]) -> RevocationStatus {
        let crls = self.policy.crls.clone();
        let at_cert = path.iter().position(|p| p == cert);
        let issuer_on_path = at_cert.and_then(|i| path.get(i + 1)).cloned();
        // The certificate itself (when a CA) and everything above it.
        let trusted_on_path: Vec<Certificate> = at_cert
            .map(|i| &path[i..])
            .unwrap_or_default()
            .iter()
            .filter(|c| *c != cert || cert.is_ca() || self.leaf_is_crl_signer)
            .cloned()
            .collect();
        let end_entity = path
            .first()
            .filter(|c| !c.is_ca() && !self.leaf_is_crl_signer)
            .cloned();
        // §6.3.3 (f): "The trust anchor for the certification path MUST be the same as the
        // trust anchor used to validate the target certificate."
        let this_anchor: Vec<Certificate> = path.last().into_iter().cloned().collect();
        let anchors: &[Certificate] = &this_anchor;
        let all_anchors = self.anchors;
        let pool = self.pool;
        let at = self.at;
        let depth = self.crl_depth;
        let policy = self.policy;
        let budget: &mut Budget = &mut *self.budget;
        let mut signer_ok = |crl: &Crl| -> Result<(), CrlProblem> {
            // The CRL's signature algorithm is judged like a certificate's (`validate`): MD5
            // and SHA-1 establish nothing unless legacy crypto was asked for.
            if !policy.legacy_crypto {
                if let Some(d) = crl.signature_digest().filter(|d| d.is_legacy()) {
                    return Err(CrlProblem::NonConforming {
                        detail: format!(
                            "signed with {d}, which the algorithm policy refuses (legacy crypto not allowed)"
                        )
                        .into(),
                    });
                }
            }
            let mut problem = CrlProblem::CrlSignatureInvalid;
            let candidates: Vec<Certificate> = issuer_on_path
                .iter()
                .chain(path.iter())
                .chain(all_anchors.iter())
                .chain(pool.iter())
                .filter(|c| crate::x509::name::names_match(c.subject_der(), crl.issuer_der()))
                .cloned()
                .collect();
            let mut seen: Vec<&Certificate> = Vec::new();
            for cand in &candidates {
                if seen.contains(&cand) {
                    continue;
                }
                seen.push(cand);
                if end_entity.as_ref() == Some(cand) {
                    problem = CrlProblem::CrlSignerNotAllowed;
                    continue;
                }
                if !budget.spend_signature() {
                    return Err(CrlProblem::BudgetExceeded);
                }
                if !crl.signed_by(cand) {
                    continue;
                }
                // §6.3.3 (f): "verify that the cRLSign bit is set" when keyUsage is present.
                // A signer other than the certificate's issuer must show the cRLSign bit: its
                // authority to sign CRLs cannot be implied by having issued the certificate.
                let is_issuer = Some(cand) == issuer_on_path.as_ref();
                let crl_sign = cand.key_usage_bits().map(|k| k & ku::CRL_SIGN != 0);
                if crl_sign == Some(false) || (!is_issuer && crl_sign.is_none()) {
                    problem = CrlProblem::CrlSignerNotAllowed;
                    continue;
                }
                let trusted = is_issuer || trusted_on_path.iter().any(|p| p == cand);
                if trusted {
                    return Ok(());
                }
                if depth >= MAX_CRL_SIGNER_DEPTH {
                    problem = CrlProblem::BudgetExceeded;
                    continue;
                }
                // The signer's own path, to this path's anchor, with its own revocation
                // checked; policies do not apply to it.
                let signer_policy = ChainPolicy {
                    initial_policies: Vec::new(),
                    require_explicit_policy: false,
                    inhibit_policy_mapping: false,
                    inhibit_any_policy: false,
                    required_ekus: Vec::new(),
                    ..policy.clone()
                };
                let out = build_nested(cand, pool, anchors, at, &signer_policy, budget, depth + 1);
                match out.error {
                    None => return Ok(()),
                    Some(e) => {
                        problem = CrlProblem::CrlSignerPathInvalid {
                            error: e.code().to_string(),
                        }
                    }
                }
            }
            Err(problem)
        };
        crl::status_of(cert, &crls, at, &mut signer_ok)
    }
}

impl ChainPolicy {
    pub(crate) fn ocsp_max_age(&self) -> i64 {
        self.ocsp_max_age
            .unwrap_or(crate::revocation::ocsp::DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE)
    }
}

impl ChainError {
    /// True for the revocation verdicts ([`ChainError::Revoked`],
    /// [`ChainError::RevocationUnknown`]): the path is otherwise valid.
    pub fn is_revocation(&self) -> bool {
        matches!(
            self,
            ChainError::Revoked { .. } | ChainError::RevocationUnknown { .. }
        )
    }
}

/// The revocation status of `cert` from `crls` at `at` (RFC 5280 §6.3.3), with `issuers`
/// trusted as the certificate's issuer and CRL signers (their own paths are not validated).
/// For callers that validated the path already, or only hold the issuer.
pub(crate) fn revocation_of(
    cert: &Certificate,
    issuers: &[Certificate],
    crls: &[Crl],
    at: Timestamp,
) -> RevocationStatus {
    if issuers.is_empty() {
        return RevocationStatus::Unknown {
            problem: CrlProblem::NoCrl,
        };
    }
    let policy = ChainPolicy {
        crls: crls.to_vec(),
        revocation: RevocationMode::Required,
        ..ChainPolicy::default()
    };
    let mut budget = Budget::default();
    let mut s = Search {
        anchors: issuers,
        pool: &[],
        at,
        policy: &policy,
        budget: &mut budget,
        // Signers must be among `issuers`: no nested path building.
        crl_depth: MAX_CRL_SIGNER_DEPTH,
        leaf_is_crl_signer: false,
        best: None,
    };
    // The issuers stand above the certificate as on a path, so each one is trusted as a
    // CRL signer without a path of its own.
    let path: Vec<Certificate> = std::iter::once(cert.clone())
        .chain(issuers.iter().cloned())
        .collect();
    s.revocation_status(cert, &path)
}

/// Ed25519 and Ed448 (RFC 8410 §3): their signature algorithm names no separate digest.
fn is_pure_eddsa(signature_algorithm: &str) -> bool {
    matches!(signature_algorithm, "1.3.101.112" | "1.3.101.113")
}

/// Could `issuer` have issued `child`? Names must chain (RFC 5280 §6.1.3 a.4); when both carry
/// key identifiers they must agree (RFC 5280 §4.2.1.1), which prunes cross-certificates early.
fn could_issue(issuer: &Certificate, child: &Certificate) -> bool {
    if !issuer.subject_matches_issuer_of(child) {
        return false;
    }
    match (child.aki(), issuer.ski()) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Lang;

    #[test]
    fn json_code_is_the_stable_code() {
        let t = Timestamp::from_unix(0);
        let all = [
            ChainError::NoTrustAnchors,
            ChainError::UnknownIssuer {
                subject: String::new(),
                issuer: String::new(),
            },
            ChainError::BadCertificateSignature {
                subject: String::new(),
            },
            ChainError::Expired {
                subject: String::new(),
                not_after: t,
                at: t,
                end_entity: true,
            },
            ChainError::NotYetValid {
                subject: String::new(),
                not_before: t,
                at: t,
            },
            ChainError::NotCa {
                subject: String::new(),
            },
            ChainError::KeyCertSignMissing {
                subject: String::new(),
            },
            ChainError::PathLenExceeded {
                subject: String::new(),
            },
            ChainError::UnknownCriticalExtension {
                subject: String::new(),
                oid: String::new(),
            },
            ChainError::WeakAlgorithm {
                subject: String::new(),
                detail: String::new(),
            },
            ChainError::BudgetExceeded,
            ChainError::NameConstraintViolation {
                subject: String::new(),
                name: String::new(),
                constrained_by: String::new(),
                excluded_subtree: None,
            },
            ChainError::UnsupportedNameConstraint {
                subject: String::new(),
                form: String::new(),
            },
            ChainError::TooManyNameChecks {
                subject: String::new(),
                checks: 0,
            },
            ChainError::NoAcceptablePolicy {
                subject: String::new(),
                initial_policies: Vec::new(),
            },
            ChainError::AnyPolicyMapped {
                subject: String::new(),
            },
            ChainError::PolicyTreeTooLarge {
                subject: String::new(),
            },
            ChainError::EkuNotAllowed {
                subject: String::new(),
                required: String::new(),
            },
            ChainError::MalformedCertificate {
                subject: String::new(),
                rule: String::new(),
            },
            ChainError::Revoked {
                subject: String::new(),
                serial: String::new(),
                reason: RevocationReason::KeyCompromise,
                revoked_at: t,
            },
            ChainError::RevocationUnknown {
                subject: String::new(),
                problem: CrlProblem::NoCrl,
            },
        ];
        for e in all {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], e.code(), "{e:?}");
            assert!(!e.message(Lang::En).is_empty() && !e.message(Lang::Vi).is_empty());
        }
    }

    /// The CRL's signature digest is judged by the same switch as certificates': a SHA-1 CRL
    /// is refused by default and used when legacy crypto is allowed (the control).
    #[test]
    fn a_sha1_crl_counts_only_with_legacy_crypto() {
        use kyso_testkit::{CertSpec, CrlSpec, Pki};
        let pki = Pki::new();
        let leaf = pki.leaf(CertSpec::ee("Signer"));
        let c = |i: &kyso_testkit::Issued| Certificate::from_der(&i.cert_der()).unwrap();
        let spec = CrlSpec::default().sha1();
        let crls = vec![
            Crl::from_der(&pki.crl(&pki.sub, &spec)).unwrap(),
            Crl::from_der(&pki.crl(&pki.root, &CrlSpec::default())).unwrap(),
        ];
        let at = Timestamp::from_unix(kyso_testkit::der::parse_rfc3339(kyso_testkit::PINNED));
        let run = |legacy_crypto: bool| {
            let policy = ChainPolicy {
                legacy_crypto,
                crls: crls.clone(),
                revocation: RevocationMode::Required,
                ..ChainPolicy::default()
            };
            build(&c(&leaf), &[c(&pki.sub)], &[c(&pki.root)], at, &policy).error
        };
        assert_eq!(run(true), None);
        assert!(
            matches!(
                run(false),
                Some(ChainError::RevocationUnknown {
                    problem: CrlProblem::NonConforming { .. },
                    ..
                })
            ),
            "{:?}",
            run(false)
        );
    }
}
