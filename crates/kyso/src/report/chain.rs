//! The ETSI sub-indication, text and hint of each path validation error: the path layer's errors
//! are data only, and this is where they become part of the report.

use crate::path::ChainError;
use crate::report::{text, Hint, Lang, SubIndication};
use crate::revocation::crl::CrlProblem;

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
            CrlProblem::NoCrl => Some(Hint::MissingCrl),
            CrlProblem::CrlExpired { .. } | CrlProblem::DeltaCrlExpired => Some(Hint::StaleCrl),
            _ => None,
        }
    }

    /// What happened, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        text::crl_problem(self, lang)
    }
}
