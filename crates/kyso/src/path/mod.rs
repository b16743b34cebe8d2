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
    /// No certificate in the pool or the trust anchors issued this one: its issuer is
    /// missing. The evidence says which anchors were loaded and where the issuer may be had.
    UnknownIssuer {
        /// The certificate whose issuer is missing.
        subject: String,
        /// The issuer name it points to.
        issuer: String,
        /// The certificate is self-signed: it is a root that is not among the trust anchors
        /// (rather than a certificate whose issuing CA is missing).
        #[serde(default)]
        self_signed: bool,
        /// caIssuers URLs of its authorityInfoAccess (RFC 5280 §4.2.2.1), where its issuer's
        /// certificate can be downloaded.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ca_issuers: Vec<String>,
        /// The subjects of the trust anchors that were loaded (the first
        /// [`ChainError::ANCHORS_LISTED`]; `trust_anchor_count` says how many there were).
        #[serde(default)]
        trust_anchors: Vec<String>,
        /// How many trust anchors were loaded.
        #[serde(default)]
        trust_anchor_count: usize,
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
        /// Set when the CRL that lists the certificate was past its nextUpdate at the
        /// validation time (its nextUpdate): revoked is still revoked, but the CRL is stale.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stale_crl_next_update: Option<Timestamp>,
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
    /// How many trust anchors [`ChainError::UnknownIssuer`] names (a trust store of hundreds
    /// would drown the message; the count says how many more there are).
    pub const ANCHORS_LISTED: usize = 10;

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
    /// Online look-ups of what the embedded and given data leave open (`None`: offline).
    pub(crate) fetcher: Option<std::sync::Arc<crate::revocation::fetch::Fetcher>>,
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
    /// Look up online what the given data leave open: OCSP from the certificate's
    /// authorityInfoAccess, CRLs from its cRLDistributionPoints, missing issuers from
    /// caIssuers (never trusted as anchors). Without a fetcher the validation is offline.
    pub fn fetcher(mut self, fetcher: std::sync::Arc<crate::revocation::fetch::Fetcher>) -> Self {
        self.policy.fetcher = Some(fetcher);
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
            return self.validate_or_record(path);
        }
        let mut found_any = false;
        for (cand, is_anchor) in self.candidate_issuers(&cur, path) {
            self.budget.candidates += 1;
            if self.budget.exhausted() {
                // The search is cut short: say so rather than report whichever attempt
                // happened to fail last (webpki treats its budget the same way).
                self.budget.stopped = true;
                return None;
            }
            found_any = true;
            if let Some(done) = self.try_issuer(path, &cur, cand, is_anchor) {
                return Some(done);
            }
        }
        if !found_any {
            self.record(ChainOutcome::failed(
                path.clone(),
                ChainError::UnknownIssuer {
                    subject: cur.subject(),
                    issuer: cur.issuer(),
                    self_signed: cur.is_self_issued(),
                    ca_issuers: cur.ca_issuers_urls(),
                    trust_anchors: self
                        .anchors
                        .iter()
                        .take(ChainError::ANCHORS_LISTED)
                        .map(Certificate::subject)
                        .collect(),
                    trust_anchor_count: self.anchors.len(),
                },
                Some(path.len() - 1),
            ));
        }
        None
    }

    /// The certificates that could have issued `cur` (RFC 5280 §6.1.3 a.4 name chaining, AKI
    /// and SKI agreeing), anchors first, then the pool, each with whether it is an anchor. A
    /// certificate already on the path is skipped (loops), and so is one with the same subject
    /// and key as one on the path (a cross-certificate back into the path would only repeat
    /// it).
    fn candidate_issuers(
        &self,
        cur: &Certificate,
        path: &[Certificate],
    ) -> Vec<(Certificate, bool)> {
        self.anchors
            .iter()
            .map(|c| (c.clone(), true))
            .chain(self.pool.iter().map(|c| (c.clone(), false)))
            .filter(|(c, _)| {
                could_issue(c, cur)
                    && !path.iter().any(|p| {
                        p == c
                            || (p.subject_der() == c.subject_der()
                                && p.public_key().public_eq(c.public_key()))
                    })
            })
            .collect()
    }

    /// Try `cand` as the issuer of `cur`, the last certificate of `path`: its key must verify
    /// `cur`'s signature (RFC 5280 §6.1.3 a.1), then the path ends (an anchor) or grows.
    fn try_issuer(
        &mut self,
        path: &mut Vec<Certificate>,
        cur: &Certificate,
        cand: Certificate,
        is_anchor: bool,
    ) -> Option<ChainOutcome> {
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
            return None;
        }
        path.push(cand);
        let result = if is_anchor {
            self.validate_or_record(path)
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
        result
    }

    /// Validate a path that reaches a trust anchor: the outcome when valid, else recorded.
    fn validate_or_record(&mut self, path: &[Certificate]) -> Option<ChainOutcome> {
        let outcome = self.validate(path);
        if outcome.is_valid() {
            return Some(outcome);
        }
        self.record(outcome);
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

    /// Validate a complete path (end entity first, trust anchor last) at the validation time:
    /// the steps of [`PathValidation::run`], then revocation (§6.3), which needs the rest of
    /// the path valid to find and trust CRL signers.
    fn validate(&mut self, path: &[Certificate]) -> ChainOutcome {
        let steps = PathValidation {
            path,
            at: self.at,
            policy: self.policy,
        };
        let user_constrained = match steps.run() {
            Ok(set) => set,
            Err((e, i)) => return ChainOutcome::failed(path.to_vec(), e, Some(i)),
        };
        let (revocation, failure) = self.check_revocation(path);
        if let Some((e, k)) = failure {
            let mut out = ChainOutcome::failed(path.to_vec(), e, Some(k));
            out.revocation = revocation;
            return out;
        }
        ChainOutcome {
            path: path.to_vec(),
            error: None,
            error_at: None,
            user_constrained_policies: user_constrained,
            revocation,
        }
    }

    /// Revocation (RFC 5280 §6.1.3 a.3, §6.3) of each certificate below the anchor, from the
    /// anchor down so a revoked CA is reported before its subordinates. Returns the statuses
    /// found and, when one fails the path, the error and the certificate's index.
    fn check_revocation(
        &mut self,
        path: &[Certificate],
    ) -> (Vec<RevocationStatus>, Option<(ChainError, usize)>) {
        let n = path.len();
        let mut revocation = vec![RevocationStatus::NotChecked; n];
        if self.policy.revocation != RevocationMode::Off {
            for k in (0..n - 1).rev() {
                let c = &path[k];
                let status = not_looked_up(c, self.status_from_all_sources(c, path));
                let failure = self.revocation_error(c, &status);
                revocation[k] = status;
                if let Some(e) = failure {
                    return (revocation, Some((e, k)));
                }
            }
        }
        (revocation, None)
    }

    fn revocation_error(&self, c: &Certificate, status: &RevocationStatus) -> Option<ChainError> {
        match status {
            RevocationStatus::Revoked {
                reason,
                revoked_at,
                stale_crl_next_update,
                ..
            } => Some(ChainError::Revoked {
                subject: c.subject(),
                serial: c.serial_hex(),
                reason: *reason,
                revoked_at: *revoked_at,
                stale_crl_next_update: *stale_crl_next_update,
            }),
            RevocationStatus::Unknown { problem } => {
                let required = match self.policy.revocation {
                    RevocationMode::Required => true,
                    // A certificate that names revocation services but whose status could
                    // not be established (not looked up, the look-up failed, what was
                    // fetched is unusable) is never passed in `auto`; nor one whose issuer's
                    // CRLs or an OCSP response about it were given but establish nothing.
                    RevocationMode::Auto => {
                        matches!(problem, CrlProblem::NotLookedUp { .. })
                            || !c.revocation_urls().is_empty()
                            || crl::issuer_has_crl(c, &self.policy.crls)
                            || self.policy.ocsp.iter().any(|r| r.mentions(c))
                    }
                    RevocationMode::Off => false,
                };
                required.then(|| ChainError::RevocationUnknown {
                    subject: c.subject(),
                    problem: problem.clone(),
                })
            }
            RevocationStatus::Good { .. } | RevocationStatus::NotChecked => None,
        }
    }

    /// §6.3.3 for one certificate of `path`, with the CRL signer found and validated
    /// (§6.3.3 f, g) by [`CrlSigners::check`].
    ///
    /// Trusted without a path of their own: the certificate's issuer and the CA certificates
    /// above it on this path (this validation establishes their chain), the anchor of this
    /// path, and the certificate itself when it is a CA or a CRL signer whose own path this is
    /// (PKITS 4.14.30: a CRL issuer whose status is on the CRL it signs). Never the target end
    /// entity: it signs no CRL about itself nor about the CAs above it.
    fn revocation_status(&mut self, cert: &Certificate, path: &[Certificate]) -> RevocationStatus {
        let at_cert = path.iter().position(|p| p == cert);
        // The certificate itself (when a CA) and everything above it.
        let trusted_on_path: Vec<Certificate> = at_cert
            .map(|i| &path[i..])
            .unwrap_or_default()
            .iter()
            .filter(|c| *c != cert || cert.is_ca() || self.leaf_is_crl_signer)
            .cloned()
            .collect();
        // §6.3.3 (f): "The trust anchor for the certification path MUST be the same as the
        // trust anchor used to validate the target certificate."
        let this_anchor: Vec<Certificate> = path.last().into_iter().cloned().collect();
        let (policy, at) = (self.policy, self.at);
        let mut signers = CrlSigners {
            issuer_on_path: at_cert.and_then(|i| path.get(i + 1)).cloned(),
            trusted_on_path,
            end_entity: path
                .first()
                .filter(|c| !c.is_ca() && !self.leaf_is_crl_signer)
                .cloned(),
            path,
            anchor: &this_anchor,
            all_anchors: self.anchors,
            pool: self.pool,
            at,
            depth: self.crl_depth,
            policy,
            budget: &mut *self.budget,
        };
        crl::status_of(cert, &policy.crls, at, &mut |crl: &Crl| signers.check(crl))
    }
}

/// Finding and validating the signer of a CRL about one certificate of a path (RFC 5280
/// §6.3.3 f, g); see [`Search::revocation_status`] for who is trusted without a path.
struct CrlSigners<'s> {
    /// The certificate's issuer on the path.
    issuer_on_path: Option<Certificate>,
    /// Certificates trusted as CRL signers without a path of their own.
    trusted_on_path: Vec<Certificate>,
    /// The path's target when it is an end entity: never a CRL signer.
    end_entity: Option<Certificate>,
    path: &'s [Certificate],
    /// The path's own trust anchor, where a signer's path must end (§6.3.3 f).
    anchor: &'s [Certificate],
    all_anchors: &'s [Certificate],
    pool: &'s [Certificate],
    at: Timestamp,
    depth: u8,
    policy: &'s ChainPolicy,
    budget: &'s mut Budget,
}

/// What one candidate CRL signer turned out to be.
enum SignerVerdict {
    /// It signed the CRL and may: the CRL can be used.
    Accepted,
    /// Its key does not verify the CRL.
    NotSigner,
    /// It signed the CRL but cannot be relied on; the problem replaces the one so far.
    Refused(CrlProblem),
    /// The signature budget ran out.
    OutOfBudget,
}

impl CrlSigners<'_> {
    /// `Ok` when some certificate of the CRL issuer's name may sign CRLs, verifies the CRL
    /// and has a valid path; else the last reason a candidate was refused.
    fn check(&mut self, crl: &Crl) -> Result<(), CrlProblem> {
        self.crl_algorithm_policy(crl)?;
        let mut problem = CrlProblem::CrlSignatureInvalid;
        let candidates: Vec<Certificate> = self
            .issuer_on_path
            .iter()
            .chain(self.path.iter())
            .chain(self.all_anchors.iter())
            .chain(self.pool.iter())
            .filter(|c| crate::x509::name::names_match(c.subject_der(), crl.issuer_der()))
            .cloned()
            .collect();
        let mut seen: Vec<&Certificate> = Vec::new();
        for cand in &candidates {
            if seen.contains(&cand) {
                continue;
            }
            seen.push(cand);
            match self.judge(cand, crl) {
                SignerVerdict::Accepted => return Ok(()),
                SignerVerdict::NotSigner => {}
                SignerVerdict::Refused(p) => problem = p,
                SignerVerdict::OutOfBudget => return Err(CrlProblem::BudgetExceeded),
            }
        }
        Err(problem)
    }

    /// The CRL's signature algorithm is judged like a certificate's
    /// ([`PathValidation::algorithm_policy`]): MD5 and SHA-1 establish nothing unless legacy
    /// crypto was asked for.
    fn crl_algorithm_policy(&self, crl: &Crl) -> Result<(), CrlProblem> {
        if !self.policy.legacy_crypto {
            if let Some(d) = crl.signature_digest().filter(|d| d.is_legacy()) {
                return Err(CrlProblem::NonConforming {
                    detail: format!(
                        "signed with {d}, which the algorithm policy refuses (legacy crypto not allowed)"
                    )
                    .into(),
                });
            }
        }
        Ok(())
    }

    /// One candidate: not the end entity, its key verifies the CRL (§6.3.3 g), cRLSign
    /// (§6.3.3 f), then trusted on this path or given a valid path of its own.
    fn judge(&mut self, cand: &Certificate, crl: &Crl) -> SignerVerdict {
        if self.end_entity.as_ref() == Some(cand) {
            return SignerVerdict::Refused(CrlProblem::CrlSignerNotAllowed);
        }
        if !self.budget.spend_signature() {
            return SignerVerdict::OutOfBudget;
        }
        if !crl.signed_by(cand) {
            return SignerVerdict::NotSigner;
        }
        // §6.3.3 (f): "verify that the cRLSign bit is set" when keyUsage is present.
        // A signer other than the certificate's issuer must show the cRLSign bit: its
        // authority to sign CRLs cannot be implied by having issued the certificate.
        let is_issuer = Some(cand) == self.issuer_on_path.as_ref();
        let crl_sign = cand.key_usage_bits().map(|k| k & ku::CRL_SIGN != 0);
        if crl_sign == Some(false) || (!is_issuer && crl_sign.is_none()) {
            return SignerVerdict::Refused(CrlProblem::CrlSignerNotAllowed);
        }
        if is_issuer || self.trusted_on_path.iter().any(|p| p == cand) {
            return SignerVerdict::Accepted;
        }
        if self.depth >= MAX_CRL_SIGNER_DEPTH {
            return SignerVerdict::Refused(CrlProblem::BudgetExceeded);
        }
        self.signer_path(cand)
    }

    /// The signer's own path, to this path's anchor, with its own revocation checked;
    /// policies do not apply to it (§6.3.3 f).
    fn signer_path(&mut self, cand: &Certificate) -> SignerVerdict {
        let signer_policy = ChainPolicy {
            initial_policies: Vec::new(),
            require_explicit_policy: false,
            inhibit_policy_mapping: false,
            inhibit_any_policy: false,
            required_ekus: Vec::new(),
            ..self.policy.clone()
        };
        let out = build_nested(
            cand,
            self.pool,
            self.anchor,
            self.at,
            &signer_policy,
            self.budget,
            self.depth + 1,
        );
        match out.error {
            None => SignerVerdict::Accepted,
            Some(e) => SignerVerdict::Refused(CrlProblem::CrlSignerPathInvalid {
                error: e.code().to_string(),
            }),
        }
    }
}

/// One complete path under validation (RFC 5280 §6.1), end entity first and trust anchor
/// last, with the §6.1.1 inputs. Each step returns the first failure it finds, with the index
/// in `path` of the certificate it is about.
///
/// The steps run one after the other over the whole path rather than certificate by
/// certificate as §6.1.3 and §6.1.4 are written: the result is the same for a valid path, and
/// for an invalid one the order of the steps decides which failure is reported (an expired
/// or unknown-critical certificate before a profile flaw, a profile flaw before a name or
/// policy violation). Signatures (§6.1.3 a.1) and name chaining (a.4) were checked while the
/// path was built ([`Search::try_issuer`], [`could_issue`]); revocation (a.3) comes last
/// ([`Search::check_revocation`]).
struct PathValidation<'p> {
    path: &'p [Certificate],
    /// The validation time (§6.1.1 b).
    at: Timestamp,
    policy: &'p ChainPolicy,
}

/// A failed step: the error and the index in the path of the certificate it is about.
type StepFailure = (ChainError, usize);

impl PathValidation<'_> {
    /// The steps that need no CRL, in the order their failures are reported; the
    /// user-constrained policy set (§6.1.5 g) when they all pass.
    fn run(&self) -> Result<Vec<String>, StepFailure> {
        for (i, c) in self.path.iter().enumerate() {
            self.basic_certificate_checks(i, c).map_err(|e| (e, i))?;
        }
        // After the CA checks, so "not a CA" is reported rather than the
        // keyCertSign-without-cA rule it also breaks.
        self.profile_rules()?;
        self.max_path_length()?;
        self.name_constraints()?;
        let user_constrained = self.certificate_policies()?;
        self.required_ekus()?;
        Ok(user_constrained)
    }

    /// What is checked on certificate `i` alone, the anchor included: validity, critical
    /// extensions, the algorithm policy, and, for an issuing certificate, that it is a CA.
    fn basic_certificate_checks(&self, i: usize, c: &Certificate) -> Result<(), ChainError> {
        self.validity(i, c)?;
        critical_extensions(c)?;
        if !self.policy.legacy_crypto {
            self.algorithm_policy(i, c)?;
        }
        if i > 0 {
            self.issuing_ca(i, c)?;
        }
        Ok(())
    }

    /// §6.1.3 (a)(2): the validation time is within the certificate's validity. The anchor
    /// is checked too, as OpenSSL does: an expired root is a configuration problem the user
    /// must see.
    fn validity(&self, i: usize, c: &Certificate) -> Result<(), ChainError> {
        let at = self.at;
        if at > c.not_after() {
            return Err(ChainError::Expired {
                subject: c.subject(),
                not_after: c.not_after(),
                at,
                end_entity: i == 0,
            });
        }
        if at < c.not_before() {
            return Err(ChainError::NotYetValid {
                subject: c.subject(),
                not_before: c.not_before(),
                at,
            });
        }
        Ok(())
    }

    /// The algorithm policy on the working public key and the certificate's signature (not
    /// an RFC 5280 step: §6.1.3 a.1 only needs the signature to verify). DSA keys are refused:
    /// FIPS 186-5 (2023) withdrew DSA for new signatures and no current CA uses it. The
    /// anchor's self-signature is not relied on (§6.1), so not judged.
    fn algorithm_policy(&self, i: usize, c: &Certificate) -> Result<(), ChainError> {
        let dsa = (c.key_info().kind == "dsa")
            .then(|| "DSA keys are not accepted (FIPS 186-5 withdrew DSA)".to_string());
        if let Some(w) = c.key_info().weakness().or(dsa) {
            return Err(ChainError::WeakAlgorithm {
                subject: c.subject(),
                detail: w,
            });
        }
        if i + 1 == self.path.len() {
            return Ok(());
        }
        // An allow-list, not a deny-list: a signature algorithm kyso cannot name
        // (1.3.14.3.2.29 is SHA-1 with RSA under an old OID, which OpenSSL verifies) is not
        // judged strong by default.
        let judged = match c.signature_digest() {
            Some(d) if d.is_legacy() => Some(format!("signed with {d}")),
            Some(_) => None,
            None if is_pure_eddsa(c.signature_algorithm()) => None,
            None => Some(format!(
                "signed with an algorithm the policy does not know ({})",
                c.signature_algorithm()
            )),
        };
        match judged {
            Some(detail) => Err(ChainError::WeakAlgorithm {
                subject: c.subject(),
                detail,
            }),
            None => Ok(()),
        }
    }

    /// §6.1.4 (k) basicConstraints cA and (n) keyUsage keyCertSign, for an issuing
    /// certificate. A version 1 trust anchor without extensions is accepted as §6.1.1 (d)
    /// allows.
    fn issuing_ca(&self, i: usize, c: &Certificate) -> Result<(), ChainError> {
        let is_v1_anchor = i == self.path.len() - 1
            && c.key_usage_bits().is_none()
            && !c.is_ca()
            && c.is_self_issued();
        if !c.is_ca() && !is_v1_anchor {
            return Err(ChainError::NotCa {
                subject: c.subject(),
            });
        }
        if c.key_usage_bits()
            .is_some_and(|k| k & ku::KEY_CERT_SIGN == 0)
        {
            return Err(ChainError::KeyCertSignMissing {
                subject: c.subject(),
            });
        }
        Ok(())
    }

    /// The RFC 5280 profile rules (§4.1, §4.2) each certificate was checked against when it
    /// was parsed; the issuance rules do not apply to a trust anchor (§6.1.1 d).
    fn profile_rules(&self) -> Result<(), StepFailure> {
        let n = self.path.len();
        for (i, c) in self.path.iter().enumerate() {
            let anchor_only = i + 1 == n && n > 1;
            let issuance = if anchor_only { &[] } else { c.issuance_flaws() };
            if let Some(rule) = c.profile_flaws().iter().chain(issuance).next() {
                let e = ChainError::MalformedCertificate {
                    subject: c.subject(),
                    rule: (*rule).to_string(),
                };
                return Err((e, i));
            }
        }
        Ok(())
    }

    /// §6.1.4 (l), (m): max_path_length, from the anchor's pathLenConstraint down.
    /// Self-issued intermediates do not count (§6.1.4 l).
    fn max_path_length(&self) -> Result<(), StepFailure> {
        let path = self.path;
        let n = path.len();
        let mut max_path_length: Option<u32> = path[n - 1].path_len();
        for i in (1..n - 1).rev() {
            let c = &path[i];
            if !c.is_self_issued() {
                match max_path_length {
                    Some(0) => {
                        let e = ChainError::PathLenExceeded {
                            subject: path[i + 1].subject(),
                        };
                        return Err((e, i + 1));
                    }
                    Some(r) => max_path_length = Some(r - 1),
                    None => {}
                }
            }
            if let Some(p) = c.path_len() {
                max_path_length = Some(max_path_length.map_or(p, |r| r.min(p)));
            }
        }
        Ok(())
    }

    /// §6.1.3 (b), (c) with §6.1.4 (g): each certificate's names against every constraining
    /// CA above it (the permitted_subtrees and excluded_subtrees of §6.1.2 are those CAs'
    /// constraints together). A self-issued intermediate is exempt (§6.1.3 b: "unless
    /// certificate i is self-issued and is not the final certificate in the path"). The
    /// anchor's constraints apply unless the caller turned them off (§6.1.1).
    fn name_constraints(&self) -> Result<(), StepFailure> {
        let path = self.path;
        let n = path.len();
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
                    return Err((name_constraint_error(f, c, ca), k));
                }
            }
        }
        Ok(())
    }

    /// §6.1.3 (d)-(f), §6.1.4 (a), (b), (h)-(j), §6.1.5 (a), (b), (g): the valid_policy_tree
    /// ([`cert_policies::process`]), certificate 1 (issued by the anchor) first. Returns the
    /// user-constrained policy set.
    fn certificate_policies(&self) -> Result<Vec<String>, StepFailure> {
        let path = self.path;
        let n = path.len();
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
        match cert_policies::process(&certs, &inputs) {
            Ok(o) => Ok(o.user_constrained),
            Err(f) => Err(self.policy_error(f)),
        }
    }

    /// A policy failure as the chain error about the certificate it happened at.
    fn policy_error(&self, f: PolicyFailure) -> StepFailure {
        let n = self.path.len();
        // `index` counts from certificate 1; path index = n - 2 - index.
        let path_index = |index: usize| n.saturating_sub(2).saturating_sub(index);
        let (e, i) = match f {
            PolicyFailure::NoAcceptablePolicy { index } => {
                let i = path_index(index);
                let initial = if self.policy.initial_policies.is_empty() {
                    vec![ANY_POLICY.to_string()]
                } else {
                    self.policy.initial_policies.clone()
                };
                let e = ChainError::NoAcceptablePolicy {
                    subject: self.path[i].subject(),
                    initial_policies: initial,
                };
                (e, i)
            }
            PolicyFailure::AnyPolicyMapped { index } => {
                let i = path_index(index);
                let subject = self.path[i].subject();
                (ChainError::AnyPolicyMapped { subject }, i)
            }
            PolicyFailure::TreeTooLarge { index } => {
                let i = path_index(index);
                let subject = self.path[i].subject();
                (ChainError::PolicyTreeTooLarge { subject }, i)
            }
        };
        (e, i)
    }

    /// Required extended key usages (§4.2.1.12): every certificate below the anchor that
    /// carries the extension must list the purpose or anyExtendedKeyUsage.
    fn required_ekus(&self) -> Result<(), StepFailure> {
        let n = self.path.len();
        for req in &self.policy.required_ekus {
            for (i, c) in self.path[..n - 1].iter().enumerate() {
                if let Some(ekus) = c.extended_key_usage() {
                    if !ekus.iter().any(|e| e == req || e == "2.5.29.37.0") {
                        let e = ChainError::EkuNotAllowed {
                            subject: c.subject(),
                            required: req.clone(),
                        };
                        return Err((e, i));
                    }
                }
            }
        }
        Ok(())
    }
}

/// §6.1.4 (o) for a CA, §6.1.5 (f) for the target: no critical extension kyso does not
/// process. The anchor certificate too: kyso cannot tell what its issuer meant to restrict.
fn critical_extensions(c: &Certificate) -> Result<(), ChainError> {
    match c.unknown_critical().first() {
        Some(oid) => Err(ChainError::UnknownCriticalExtension {
            subject: c.subject(),
            oid: oid.clone(),
        }),
        None => Ok(()),
    }
}

/// A name constraint failure of certificate `c` under `ca`'s nameConstraints.
fn name_constraint_error(
    f: NameConstraintFailure,
    c: &Certificate,
    ca: &Certificate,
) -> ChainError {
    match f {
        NameConstraintFailure::UnsupportedForm { form } => ChainError::UnsupportedNameConstraint {
            subject: ca.subject(),
            form: form.to_string(),
        },
        NameConstraintFailure::TooManyChecks { checks } => ChainError::TooManyNameChecks {
            subject: c.subject(),
            checks,
        },
        NameConstraintFailure::NotPermitted { name } => ChainError::NameConstraintViolation {
            subject: c.subject(),
            name,
            constrained_by: ca.subject(),
            excluded_subtree: None,
        },
        NameConstraintFailure::Excluded { name, subtree } => ChainError::NameConstraintViolation {
            subject: c.subject(),
            name,
            constrained_by: ca.subject(),
            excluded_subtree: Some(subtree),
        },
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

/// No revocation data at all for a certificate that names where to find it (CRL distribution
/// points, an OCSP responder): say so, with the URLs, instead of "no CRL".
fn not_looked_up(c: &Certificate, status: RevocationStatus) -> RevocationStatus {
    match status {
        RevocationStatus::Unknown {
            problem: CrlProblem::NoCrl,
        } if !c.revocation_urls().is_empty() => RevocationStatus::Unknown {
            problem: CrlProblem::NotLookedUp {
                urls: c.revocation_urls().to_vec(),
            },
        },
        other => other,
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
                self_signed: false,
                ca_issuers: Vec::new(),
                trust_anchors: Vec::new(),
                trust_anchor_count: 0,
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
                stale_crl_next_update: None,
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
