//! The message catalogue: every code of the report rendered to human text from its evidence,
//! one module per language. The text says what happened; what to do is a [`Hint`] (data), which
//! each front end words for its own interface (the CLI names its flags).
//!
//! [`Hint`]: crate::report::Hint

mod en;
mod ocsp_vi;
mod vi;

use crate::path::ChainError;
use crate::report::{DocumentProblem, Lang, Reason, SkipReason};
use crate::revocation::crl::CrlProblem;

pub(crate) fn reason(r: &Reason, lang: Lang) -> String {
    match lang {
        Lang::En => en::reason(r),
        Lang::Vi => vi::reason(r),
    }
}

pub(crate) fn chain(e: &ChainError, lang: Lang) -> String {
    match lang {
        Lang::En => en::chain(e),
        Lang::Vi => vi::chain(e),
    }
}

pub(crate) fn crl_problem(p: &CrlProblem, lang: Lang) -> String {
    match lang {
        Lang::En => en::crl_problem(p),
        Lang::Vi => vi::crl_problem(p),
    }
}

pub(crate) fn skip(s: SkipReason, lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::skip(s),
        Lang::Vi => vi::skip(s),
    }
}

pub(crate) fn document(p: &DocumentProblem, lang: Lang) -> String {
    match lang {
        Lang::En => en::document(p),
        Lang::Vi => vi::document(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::time::Timestamp;
    use crate::report::Hint;
    use crate::revocation::crl::RevocationReason;

    fn s(x: &str) -> String {
        x.to_string()
    }

    fn crl_problems() -> Vec<CrlProblem> {
        let t = Timestamp::from_unix(1_700_000_000);
        vec![
            CrlProblem::NoCrl,
            CrlProblem::CrlExpired {
                next_update: t,
                at: t,
            },
            CrlProblem::CrlNotYetValid {
                this_update: t,
                at: t,
            },
            CrlProblem::CrlSignatureInvalid,
            CrlProblem::CrlSignerNotAllowed,
            CrlProblem::CrlSignerPathInvalid {
                error: s("unknown_issuer"),
            },
            CrlProblem::ReasonsNotCovered,
            CrlProblem::UnsupportedCriticalExtension { oid: s("1.2.3") },
            CrlProblem::NonConforming {
                detail: "negative cRLNumber".into(),
            },
            CrlProblem::DeltaCrlExpired,
            CrlProblem::BudgetExceeded,
            CrlProblem::Ocsp {
                problem: crate::revocation::ocsp::OcspProblem::Expired {
                    next_update: t,
                    at: t,
                },
            },
        ]
    }

    /// Every code the report can carry, with evidence.
    fn reasons() -> Vec<Reason> {
        let t = Timestamp::from_unix(1_700_000_000);
        let sub = || s("CN=Nguyễn Văn A");
        let mut chain = vec![
            ChainError::NoTrustAnchors,
            ChainError::UnknownIssuer {
                subject: sub(),
                issuer: s("CN=CA"),
            },
            ChainError::BadCertificateSignature { subject: sub() },
            ChainError::Expired {
                subject: sub(),
                not_after: t,
                at: t,
                end_entity: true,
            },
            ChainError::Expired {
                subject: sub(),
                not_after: t,
                at: t,
                end_entity: false,
            },
            ChainError::NotYetValid {
                subject: sub(),
                not_before: t,
                at: t,
            },
            ChainError::NotCa { subject: sub() },
            ChainError::KeyCertSignMissing { subject: sub() },
            ChainError::PathLenExceeded { subject: sub() },
            ChainError::UnknownCriticalExtension {
                subject: sub(),
                oid: s("1.2.3"),
            },
            ChainError::WeakAlgorithm {
                subject: sub(),
                detail: s("RSA-1024"),
            },
            ChainError::BudgetExceeded,
            ChainError::NameConstraintViolation {
                subject: sub(),
                name: s("DNS:a.vn"),
                constrained_by: s("CN=CA"),
                excluded_subtree: Some(s("DNS:vn")),
            },
            ChainError::NameConstraintViolation {
                subject: sub(),
                name: s("DNS:a.vn"),
                constrained_by: s("CN=CA"),
                excluded_subtree: None,
            },
            ChainError::UnsupportedNameConstraint {
                subject: sub(),
                form: s("x400Address"),
            },
            ChainError::TooManyNameChecks {
                subject: sub(),
                checks: 10_000,
            },
            ChainError::NoAcceptablePolicy {
                subject: sub(),
                initial_policies: vec![s("2.5.29.32.0")],
            },
            ChainError::AnyPolicyMapped { subject: sub() },
            ChainError::PolicyTreeTooLarge { subject: sub() },
            ChainError::EkuNotAllowed {
                subject: sub(),
                required: s("1.3.6.1.5.5.7.3.4"),
            },
            ChainError::MalformedCertificate {
                subject: sub(),
                rule: s("negative serial"),
            },
            ChainError::Revoked {
                subject: sub(),
                serial: s("01"),
                reason: RevocationReason::KeyCompromise,
                revoked_at: t,
            },
        ];
        chain.extend(
            crl_problems()
                .into_iter()
                .map(|problem| ChainError::RevocationUnknown {
                    subject: sub(),
                    problem,
                }),
        );
        let mut all = vec![
            Reason::Malformed {
                detail: s("truncated"),
            },
            Reason::MissingAttribute {
                attribute: s("content-type"),
            },
            Reason::DuplicateAttribute {
                attribute: s("message-digest"),
            },
            Reason::ContentTypeMismatch {
                attribute: s("1.2"),
                econtent_type: s("1.3"),
            },
            Reason::DigestMismatch {
                algorithm: s("sha256"),
                expected: s("aa"),
                computed: s("bb"),
            },
            Reason::SignatureInvalid {
                algorithm: s("rsa-pkcs1-sha256"),
            },
            Reason::UnsupportedAlgorithm { detail: s("1.2.3") },
            Reason::WeakAlgorithm { detail: s("sha1") },
            Reason::PolicyNotMet {
                policy: s("agency-default"),
                rule: s("require_signed_attributes"),
            },
            Reason::SignerCertificateNotFound {
                signer_id: s("serial 01"),
            },
            Reason::SigningCertificateMismatch { detail: s("hash") },
            Reason::ContentMissing {
                looked_for: Some(s("a.pdf")),
            },
            Reason::ContentMissing { looked_for: None },
            Reason::KeyUsageNotAllowed {
                key_usage: vec![s("keyEncipherment")],
            },
            Reason::ExtendedKeyUsageNotAllowed {
                ext_key_usage: vec![s("serverAuth")],
            },
        ];
        all.extend(chain.into_iter().map(Reason::Chain));
        all
    }

    const SKIPS: [SkipReason; 14] = [
        SkipReason::NoSignedAttributes,
        SkipReason::SignerCertificateNotFound,
        SkipReason::AlgorithmsUnusable,
        SkipReason::ContentUnavailable,
        SkipReason::MessageDigestUnusable,
        SkipReason::UnsupportedDigest,
        SkipReason::NoSigningCertificateAttribute,
        SkipReason::LegacyCryptoAllowed,
        SkipReason::RevocationNotSupported,
        SkipReason::NoRevocationData,
        SkipReason::RevocationOff,
        SkipReason::PathNotValid,
        SkipReason::TimestampNotValidated,
        SkipReason::NoTimestamp,
    ];

    fn documents() -> Vec<DocumentProblem> {
        vec![
            DocumentProblem::NotSignedData {
                detail: s("empty file"),
            },
            DocumentProblem::NoSignerInfo,
            DocumentProblem::TooManySigners {
                count: 300,
                limit: 256,
            },
            DocumentProblem::TooManyCertificates {
                count: 3000,
                limit: 2000,
            },
            DocumentProblem::GivenContentIdentical { given: s("a.txt") },
            DocumentProblem::GivenContentDiffers { given: s("b.txt") },
            DocumentProblem::SignedAttributesNotDer { signature: 1 },
            DocumentProblem::Unreadable {
                detail: s("truncated"),
            },
        ]
    }

    /// Both languages render every code, the texts differ, and none gives CLI flag advice
    /// (hints are data; the CLI words them).
    fn assert_both(code: &str, en: &str, vi: &str) {
        assert!(!en.trim().is_empty() && !vi.trim().is_empty(), "{code}");
        assert_ne!(en, vi, "{code}: the Vietnamese text is the English one");
        for t in [en, vi] {
            assert!(!t.contains(" --"), "{code}: names a CLI flag: {t}");
            assert!(!t.contains("hint:") && !t.contains("gợi ý"), "{code}: {t}");
        }
    }

    #[test]
    fn every_code_renders_in_english_and_vietnamese() {
        for r in reasons() {
            assert_both(r.code(), &reason(&r, Lang::En), &reason(&r, Lang::Vi));
        }
        for p in crl_problems() {
            assert_both(
                p.code(),
                &crl_problem(&p, Lang::En),
                &crl_problem(&p, Lang::Vi),
            );
        }
        for k in SKIPS {
            assert_both(k.code(), skip(k, Lang::En), skip(k, Lang::Vi));
        }
        for d in documents() {
            assert_both(d.code(), &document(&d, Lang::En), &document(&d, Lang::Vi));
        }
    }

    #[test]
    fn json_code_is_the_stable_code_and_round_trips() {
        for r in reasons() {
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(v["code"], r.code(), "{r:?}");
            assert_eq!(serde_json::from_value::<Reason>(v).unwrap(), r);
            if let Some(h) = r.hint() {
                let v = serde_json::to_value(&h).unwrap();
                assert_eq!(v["code"], h.code());
                assert_eq!(serde_json::from_value::<Hint>(v).unwrap(), h);
            }
        }
        for p in crl_problems() {
            assert_eq!(serde_json::to_value(&p).unwrap()["code"], p.code(), "{p:?}");
        }
        for k in SKIPS {
            let v = serde_json::to_value(k).unwrap();
            assert_eq!(v["code"], k.code());
            assert_eq!(serde_json::from_value::<SkipReason>(v).unwrap(), k);
        }
        for d in documents() {
            let v = serde_json::to_value(&d).unwrap();
            assert_eq!(v["code"], d.code());
            assert_eq!(serde_json::from_value::<DocumentProblem>(v).unwrap(), d);
        }
    }
}
