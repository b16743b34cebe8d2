//! The ETSI sub-indication, text and hint of each path validation error: the path layer's errors
//! are data only, and this is where they become part of the report.

use serde::{Deserialize, Serialize};

use crate::encoding::time::Timestamp;
use crate::path::{CertVerdict, ChainError, ChainOutcome};
use crate::report::{text, Hint, Lang, PolicyName, SubIndication};
use crate::revocation::crl::{CrlProblem, RevocationStatus};
use crate::x509::cert::CertificateSummary;

/// The schema identifier of [`ChainReport`] (`docs/schema/kyso.chain.v1.schema.json`).
pub const CHAIN_SCHEMA: &str = "kyso.chain/v1";

/// The outcome of validating one certificate's path as a document (`kyso chain --format
/// json`, schema [`CHAIN_SCHEMA`]): the verdict with its typed error, hint and ETSI
/// sub-indication, and every certificate of the path, end entity first, with its own verdict
/// and revocation status. Messages are English; [`ChainError::message`] renders others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChainReport {
    /// [`CHAIN_SCHEMA`] for reports kyso makes.
    pub schema: String,
    /// The time the path was validated at.
    pub validation_time: Timestamp,
    /// The validation policy whose revocation rules applied.
    pub validation_policy: PolicyName,
    /// True when a valid path to a trust anchor was found.
    pub valid: bool,
    /// Why the path is not valid (`None` when it is).
    pub error: Option<ChainError>,
    /// `error` in English.
    pub message: Option<String>,
    /// What the reader can do about `error`, as data.
    pub hint: Option<Hint>,
    /// ETSI EN 319 102-1 sub-indication of `error`.
    pub sub_indication: Option<SubIndication>,
    /// RFC 5280 §6.1.5 (g): the user-constrained policy set of a valid path.
    pub user_constrained_policies: Vec<String>,
    /// The path, end entity first; ends with the trust anchor when valid.
    pub path: Vec<ChainCertificate>,
    /// The named trust list (`--trust vn`...) whose anchor the valid path ends at, with its
    /// PKI; absent when the path is not valid or its anchor is in no named list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_list: Option<super::TrustListMatch>,
}

/// One certificate of a [`ChainReport`] path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChainCertificate {
    /// Subject, issuer, serial, validity and fingerprint.
    #[serde(flatten)]
    pub certificate: CertificateSummary,
    /// This certificate's verdict.
    pub verdict: CertVerdict,
    /// The verdict's error in English, when invalid.
    pub error: Option<String>,
    /// Its revocation status, as far as checked.
    pub revocation: RevocationStatus,
}

impl ChainReport {
    /// The report of `outcome`, validated at `validation_time` under `validation_policy`.
    pub fn new(
        outcome: &ChainOutcome,
        validation_time: Timestamp,
        validation_policy: PolicyName,
    ) -> Self {
        let path = outcome
            .path
            .iter()
            .zip(outcome.verdicts())
            .enumerate()
            .map(|(i, (c, verdict))| ChainCertificate {
                certificate: CertificateSummary::from(c),
                error: match &verdict {
                    CertVerdict::Invalid { error } => Some(error.certificate_message(Lang::En)),
                    _ => None,
                },
                verdict,
                revocation: outcome
                    .revocation
                    .get(i)
                    .cloned()
                    .unwrap_or(RevocationStatus::NotChecked),
            })
            .collect();
        let error = outcome.error.clone();
        ChainReport {
            schema: CHAIN_SCHEMA.into(),
            validation_time,
            validation_policy,
            valid: error.is_none(),
            message: error.as_ref().map(|e| e.certificate_message(Lang::En)),
            hint: error.as_ref().and_then(ChainError::hint),
            sub_indication: error.as_ref().map(ChainError::sub_indication),
            error,
            user_constrained_policies: outcome.user_constrained_policies.clone(),
            path,
            trust_list: None,
        }
    }
}

impl ChainError {
    /// ETSI EN 319 102-1 sub-indication.
    pub fn sub_indication(&self) -> SubIndication {
        use ChainError::*;
        match self {
            NoTrustAnchors | UnknownIssuer { .. } => SubIndication::NoCertificateChainFound,
            BadCertificateSignature { .. } | BudgetExceeded | MalformedCertificate { .. } => {
                SubIndication::CertificateChainGeneralFailure
            }
            Expired { .. } => SubIndication::OutOfBoundsNoPoe,
            NotYetValid { .. } => SubIndication::NotYetValid,
            NotCa { .. }
            | KeyCertSignMissing { .. }
            | PathLenExceeded { .. }
            | UnknownCriticalExtension { .. }
            | UnsupportedNameConstraint { .. }
            | NameConstraintViolation { .. }
            | NoAcceptablePolicy { .. }
            | AnyPolicyMapped { .. }
            | PolicyTreeTooLarge { .. }
            | TooManyNameChecks { .. }
            | EkuNotAllowed { .. } => SubIndication::ChainConstraintsFailure,
            WeakAlgorithm { .. } => SubIndication::CryptoConstraintsFailure,
            // ETSI EN 319 102-1 §5.2.6: REVOKED is TOTAL-FAILED; unknown status is
            // INDETERMINATE (TRY_LATER: revocation information may become available).
            Revoked { .. } => SubIndication::Revoked,
            RevocationUnknown { .. } => SubIndication::TryLater,
        }
    }

    /// What happened, in the given language (the message catalogue); what to do is
    /// [`ChainError::hint`].
    pub fn message(&self, lang: Lang) -> String {
        text::chain(self, lang, text::About::Signature)
    }

    /// What happened, for a certificate validated on its own (no signature involved, as in
    /// `kyso chain`): the same facts, without speaking of signers, signatures or time-stamps.
    pub fn certificate_message(&self, lang: Lang) -> String {
        text::chain(self, lang, text::About::Certificate)
    }

    /// What the reader can do about it, as data, when kyso knows.
    pub fn hint(&self) -> Option<Hint> {
        use ChainError::*;
        match self {
            NoTrustAnchors => Some(Hint::MissingTrustAnchor),
            UnknownIssuer {
                subject,
                self_signed: true,
                ..
            } => Some(Hint::MissingRoot {
                subject: subject.clone(),
            }),
            UnknownIssuer {
                subject,
                issuer,
                ca_issuers,
                ..
            } => Some(Hint::MissingIntermediate {
                subject: subject.clone(),
                issuer: issuer.clone(),
                ca_issuers: ca_issuers.clone(),
            }),
            NoAcceptablePolicy { .. } => Some(Hint::CheckPolicy),
            RevocationUnknown { problem, .. } => problem.hint(),
            _ => None,
        }
    }
}

impl CrlProblem {
    /// What the reader can do about it, as data, when kyso knows.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            CrlProblem::NoCrl
            | CrlProblem::NotLookedUp { .. }
            | CrlProblem::LookupFailed { .. } => Some(Hint::MissingCrl),
            CrlProblem::CrlExpired { .. } | CrlProblem::DeltaCrlExpired => Some(Hint::StaleCrl),
            _ => None,
        }
    }

    /// What happened, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        text::crl_problem(self, lang)
    }
}
