//! The message catalogue: every code of the report rendered to human text from its evidence,
//! one module per language. The text says what happened; what to do is a [`Hint`] (data), which
//! each front end words for its own interface (the CLI names its flags).
//!
//! [`Hint`]: crate::report::Hint

mod en;
mod ocsp_vi;
mod vi;

use crate::error::{Error, FileKind, PinState, SigningRefusal, TokenError};
use crate::path::ChainError;
use crate::report::{DocumentProblem, Lang, Reason, SkipReason};
use crate::revocation::crl::{CrlProblem, RevocationReason};

pub(crate) fn reason(r: &Reason, lang: Lang) -> String {
    match lang {
        Lang::En => en::reason(r),
        Lang::Vi => vi::reason(r),
    }
}

/// What a chain message is about: the certificate of a signature (verification), or a
/// certificate on its own (`kyso chain`), whose messages never speak of signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum About {
    Signature,
    Certificate,
}

pub(crate) fn chain(e: &ChainError, lang: Lang, about: About) -> String {
    match lang {
        Lang::En => en::chain(e, about),
        Lang::Vi => vi::chain(e, about),
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

// The errors' catalogue: English is each error's `Display` (written beside the variant, in
// the error layer), Vietnamese is here; the codes are [`Error::code`] and its parts.

impl Error {
    /// What went wrong, in the given language (English is the `Display` text). Agency
    /// software shows this to its users; programs branch on [`Error::code`].
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => vi::error(self),
        }
    }

    /// The reason of an [`Error::Io`] alone (without its path), in the given language:
    /// `file not found`, `không tìm thấy tệp`. `None` for other errors.
    pub fn io_reason(&self, lang: Lang) -> Option<String> {
        match self {
            Error::Io { source, .. } => Some(io_reason(source, lang)),
            _ => None,
        }
    }
}

/// The reason of an I/O error in the given language, by its kind (`file not found`,
/// `không tìm thấy tệp`), for front ends that read files themselves.
pub fn io_reason(e: &std::io::Error, lang: Lang) -> String {
    match lang {
        Lang::En => match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        },
        Lang::Vi => vi::io(e),
    }
}

impl SigningRefusal {
    /// Why signing was refused, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => vi::refusal(self),
        }
    }
}

impl TokenError {
    /// What went wrong with the token, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => vi::token(self),
        }
    }
}

impl PinState {
    /// The PIN state in words, in the given language (English is the `Display` text).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => vi::pin_state(self),
        }
    }
}

impl FileKind {
    /// What the file looks like, in words ("a PEM certificate", "chứng thư số dạng PEM").
    pub fn describe(&self, lang: Lang) -> String {
        match lang {
            Lang::En => en::file_kind(self),
            Lang::Vi => vi::file_kind(self),
        }
    }
}

impl RevocationReason {
    /// The reasonCode in words (Vietnamese) or by its RFC 5280 name (English).
    pub fn describe(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => vi::revocation_reason(*self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::time::Timestamp;
    use crate::report::Hint;

    fn s(x: &str) -> String {
        x.to_string()
    }

    fn crl_problems() -> Vec<CrlProblem> {
        let t = Timestamp::from_unix(1_700_000_000);
        vec![
            CrlProblem::NoCrl,
            CrlProblem::NotLookedUp {
                urls: vec![s("http://ca.example.vn/ca.crl")],
            },
            CrlProblem::LookupFailed {
                failures: vec![
                    crate::FetchError::Timeout {
                        url: s("http://ocsp.ca.example.vn"),
                        seconds: 10,
                    },
                    crate::FetchError::HttpStatus {
                        url: s("http://ca.example.vn/ca.crl"),
                        status: 404,
                    },
                ],
            },
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
                self_signed: false,
                ca_issuers: vec![s("http://ca.example.vn/ca.crt")],
                trust_anchors: vec![s("CN=Root")],
                trust_anchor_count: 12,
            },
            ChainError::UnknownIssuer {
                subject: sub(),
                issuer: sub(),
                self_signed: true,
                ca_issuers: Vec::new(),
                trust_anchors: Vec::new(),
                trust_anchor_count: 0,
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
                stale_crl_next_update: None,
            },
            ChainError::Revoked {
                subject: sub(),
                serial: s("01"),
                reason: RevocationReason::Superseded,
                revoked_at: t,
                stale_crl_next_update: Some(t),
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
            Reason::SignerRevokedNoPoe {
                subject: s("CN=An"),
                serial: s("01"),
                reason: crate::revocation::crl::RevocationReason::KeyCompromise,
                revoked_at: Timestamp::parse_rfc3339("2026-01-01T00:00:00Z").unwrap(),
            },
            Reason::PdfByteRangeInvalid { detail: s("gap") },
            Reason::PdfModifiedAfterSigning {
                revision: 2,
                changes: vec![s("page 1 replaced")],
            },
            Reason::PdfSubFilterUnsupported {
                sub_filter: s("adbe.x509.rsa_sha1"),
            },
            Reason::PdfNotOneSignerInfo { count: 2 },
            Reason::PdfDocumentTimestampInvalid {
                detail: s("imprint"),
                sub_indication: crate::report::SubIndication::HashFailure,
            },
            Reason::WeakAlgorithmNoPoe {
                detail: s("sha224 digest is allowed by the policy p only until 2028-01-01"),
                reliable_until: Timestamp::parse_rfc3339("2028-01-01T00:00:00Z").unwrap(),
            },
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
            Reason::AsicReferenceMismatch {
                file: s("a.pdf"),
                algorithm: s("sha256"),
                expected: s("aa"),
                computed: s("bb"),
            },
            Reason::AsicReferenceMissing { file: s("a.pdf") },
            Reason::AsicManifestInvalid {
                manifest: s("META-INF/ASiCManifest.xml"),
                detail: s("not well-formed"),
            },
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
                detail: s("expected tag 0x06"),
                found: None,
            },
            DocumentProblem::NotSignedData {
                detail: s("expected tag 0x06"),
                found: Some(FileKind::Pdf),
            },
            DocumentProblem::NotSignedData {
                detail: s("x"),
                found: Some(FileKind::Empty),
            },
            DocumentProblem::NotSignedData {
                detail: s("x"),
                found: Some(FileKind::Truncated {
                    length: 20,
                    declared: 500,
                }),
            },
            DocumentProblem::NotSignedData {
                detail: s("x"),
                found: Some(FileKind::Unknown),
            },
            DocumentProblem::NoSignerInfo,
            DocumentProblem::PdfUnreadable {
                pdf_code: s("PDF_NO_STARTXREF"),
                detail: s("no startxref"),
            },
            DocumentProblem::PdfUnsigned,
            DocumentProblem::AsicContainerInvalid {
                asic_code: s("asic_duplicate_entry"),
                detail: s("two entries are named \"a.txt\""),
            },
            DocumentProblem::AsicFileNotSigned {
                file: s("scan.pdf"),
            },
            DocumentProblem::AsicArchiveReferenceMismatch {
                manifest: s("META-INF/ASiCArchiveManifest.xml"),
                file: s("META-INF/signature001.p7s"),
            },
            DocumentProblem::AsicEntryNotVerified {
                file: s("META-INF/timestamp001.tst"),
            },
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

    fn errors() -> Vec<Error> {
        use crate::error::{Expected, KeyFileProblem};
        let io = |k| Error::Io {
            path: s("a.pem"),
            source: std::io::Error::from(k),
        };
        let mut all = vec![
            io(std::io::ErrorKind::NotFound),
            io(std::io::ErrorKind::PermissionDenied),
            io(std::io::ErrorKind::Other),
            Error::Certificate(s("3 bytes after the certificate")),
            Error::Key(s("x")),
            Error::PasswordRequired {
                what: s("the private key"),
            },
            Error::WrongPassword {
                what: s("the PKCS#12 file"),
            },
            Error::NotCms {
                path: s("a.p7s"),
                detail: s("x"),
            },
            Error::Format(s("x")),
            Error::LegacyPkcs12 {
                algorithm: s("RC2-40-CBC"),
            },
            Error::Crypto(s("x")),
        ];
        let kinds = [
            FileKind::Empty,
            FileKind::Pem {
                label: s("CERTIFICATE"),
            },
            FileKind::Pem {
                label: s("PRIVATE KEY"),
            },
            FileKind::Pem {
                label: s("ENCRYPTED PRIVATE KEY"),
            },
            FileKind::Pem {
                label: s("PUBLIC KEY"),
            },
            FileKind::Pem {
                label: s("CERTIFICATE REQUEST"),
            },
            FileKind::Pem {
                label: s("X509 CRL"),
            },
            FileKind::Pem { label: s("PKCS7") },
            FileKind::Pem { label: s("PKCS12") },
            FileKind::Pem {
                label: s("OPENSSH PRIVATE KEY"),
            },
            FileKind::Certificate,
            FileKind::Crl,
            FileKind::Pkcs12,
            FileKind::SignedData,
            FileKind::OtherCms {
                content_type: s("1.2.840.113549.1.7.3"),
            },
            FileKind::PrivateKey,
            FileKind::EncryptedPrivateKey,
            FileKind::Truncated {
                length: 1,
                declared: 2,
            },
            FileKind::Asn1,
            FileKind::Pdf,
            FileKind::Zip,
            FileKind::Text,
            FileKind::Unknown,
        ];
        let expected = [
            Expected::Certificate,
            Expected::PrivateKey,
            Expected::Pkcs12,
            Expected::Signature,
            Expected::Crl,
            Expected::Inspectable,
        ];
        for (i, found) in kinds.into_iter().enumerate() {
            all.push(Error::WrongFileType {
                expected: expected[i % expected.len()],
                found,
            });
        }
        all.extend(
            [
                KeyFileProblem::KeyUnreadable,
                KeyFileProblem::Pkcs12Unreadable,
                KeyFileProblem::Pkcs12PasswordNotUtf8,
                KeyFileProblem::Pkcs12NoKey,
                KeyFileProblem::Pkcs12NoCertificate,
            ]
            .map(Error::KeyFile),
        );
        let t = s("2026-01-01T00:00:00Z");
        let sub = || s("CN=Nguyễn Văn A");
        all.extend(
            [
                SigningRefusal::NoSigningTime,
                SigningRefusal::CertificateExpired {
                    subject: sub(),
                    not_after: t.clone(),
                    at: t.clone(),
                },
                SigningRefusal::CertificateNotYetValid {
                    subject: sub(),
                    not_before: t.clone(),
                    at: t.clone(),
                },
                SigningRefusal::KeyMismatch { subject: sub() },
                SigningRefusal::WeakKey {
                    detail: s("RSA key of 1024 bits is below the 2048-bit minimum"),
                    key: s("RSA 1024 bits"),
                },
                SigningRefusal::KeyUsageNotAllowed {
                    key_usage: vec![s("keyEncipherment")],
                },
                SigningRefusal::ExtendedKeyUsageNotAllowed {
                    ext_key_usage: vec![s("serverAuth")],
                },
                SigningRefusal::PssNeedsRsa { key: s("EC P-256") },
                SigningRefusal::DigestNotAllowed {
                    digest: s("sha1"),
                    why: s("only sha256, sha384 and sha512 are offered for signing"),
                },
                SigningRefusal::DigestNotAllowed {
                    digest: s("sha256"),
                    why: s("Ed25519 signatures use SHA-512 in CMS (RFC 8419 §3)"),
                },
                SigningRefusal::UnsupportedKey { kind: s("dsa") },
                SigningRefusal::ContentChanged { path: s("a.pdf") },
                SigningRefusal::DifferentDocument,
                SigningRefusal::AlreadySigned { subject: sub() },
            ]
            .map(Error::SigningRefused),
        );
        let url = || s("http://tsa.ca.gov.vn");
        all.extend(
            [
                crate::error::TimestampFailure::Unreachable {
                    url: url(),
                    detail: s("timeout"),
                },
                crate::error::TimestampFailure::NotGranted {
                    url: url(),
                    status: s("rejection, bad_alg"),
                    text: s("no"),
                },
                crate::error::TimestampFailure::Malformed {
                    url: url(),
                    detail: s("x"),
                },
                crate::error::TimestampFailure::NotForRequest {
                    url: url(),
                    what: s("nonce"),
                },
                crate::error::TimestampFailure::NotValid {
                    url: url(),
                    detail: s("x"),
                },
            ]
            .map(Error::Timestamp),
        );
        all.extend(
            [
                crate::error::ExtendRefusal::SignatureNotValid {
                    index: 0,
                    indication: s("TOTAL-FAILED"),
                    sub_indication: s("HASH_FAILURE"),
                    detail: s("x"),
                },
                crate::error::ExtendRefusal::NeedsTimestamper { level: s("B-T") },
                crate::error::ExtendRefusal::ValidationDataIncomplete {
                    subject: sub(),
                    detail: s("x"),
                },
                crate::error::ExtendRefusal::UnsupportedLevel { level: s("B-B") },
                crate::error::ExtendRefusal::ArchiveBroken {
                    manifest: s("META-INF/ASiCArchiveManifest.xml"),
                    detail: s("x"),
                },
            ]
            .map(Error::ExtendRefused),
        );
        let tok = || s("Nguyen Van An");
        let pin = PinState {
            count_low: true,
            ..PinState::default()
        };
        all.extend(
            [
                TokenError::InvalidUri {
                    uri: s("pkcs11:x"),
                    reason: s("x"),
                },
                TokenError::NoModule,
                TokenError::ModuleNotFound { path: s("/x.so") },
                TokenError::ModuleNotLoadable {
                    path: s("/x.so"),
                    reason: s("x"),
                },
                TokenError::ModuleInit {
                    path: s("/x.so"),
                    rv: s("CKR_GENERAL_ERROR"),
                },
                TokenError::NoTokenPresent { module: s("/x.so") },
                TokenError::NoTokenMatches {
                    uri: s("pkcs11:"),
                    available: vec![],
                },
                TokenError::SeveralTokensMatch {
                    uri: s("pkcs11:"),
                    candidates: vec![s("a"), s("b")],
                },
                TokenError::PinLocked { token: tok() },
                TokenError::FinalTryNotConfirmed { token: tok() },
                TokenError::PinIncorrect {
                    token: tok(),
                    after: Some(pin),
                },
                TokenError::PinIncorrect {
                    token: tok(),
                    after: None,
                },
                TokenError::PinExpired { token: tok() },
                TokenError::PinLength {
                    token: tok(),
                    len: 2,
                    min: 4,
                    max: 8,
                },
                TokenError::KeyNotFound {
                    token: tok(),
                    uri: s("pkcs11:"),
                    available: vec![],
                },
                TokenError::SeveralKeysMatch {
                    token: tok(),
                    uri: s("pkcs11:"),
                    candidates: vec![],
                },
                TokenError::CertificateNotFound {
                    token: tok(),
                    key: s("k"),
                },
                TokenError::BadCertificate {
                    token: tok(),
                    object: s("o"),
                    reason: s("x"),
                },
                TokenError::KeyCertificateMismatch {
                    token: tok(),
                    key: s("k"),
                    subject: sub(),
                },
                TokenError::KeyCannotSign {
                    token: tok(),
                    key: s("k"),
                    reason: s("x"),
                },
                TokenError::MechanismNotSupported {
                    token: tok(),
                    needed: s("CKM_RSA_PKCS_PSS"),
                    scheme: s("rsa-pss-sha256"),
                    hint: s("x"),
                },
                TokenError::TokenRemoved {
                    token: tok(),
                    rv: s("CKR_DEVICE_REMOVED"),
                },
                TokenError::Pkcs11 {
                    token: tok(),
                    function: s("C_Sign"),
                    rv: s("CKR_GENERAL_ERROR"),
                },
            ]
            .map(Error::Token),
        );
        all
    }

    /// The library's errors (what agency software shows its users) in both languages: never
    /// empty, never the English text in the Vietnamese catalogue, never a `Debug` form.
    #[test]
    fn every_error_code_renders_in_english_and_vietnamese() {
        let mut codes = std::collections::BTreeSet::new();
        for e in errors() {
            let (en, vi) = (e.message(Lang::En), e.message(Lang::Vi));
            assert!(
                !en.trim().is_empty() && !vi.trim().is_empty(),
                "{}",
                e.code()
            );
            assert_ne!(
                en,
                vi,
                "{}: the Vietnamese text is the English one",
                e.code()
            );
            for t in [&en, &vi] {
                assert!(
                    !t.contains("Error {") && !t.contains("Some("),
                    "{}: {t}",
                    e.code()
                );
            }
            codes.insert(e.code());
        }
        // Every code of the table on kyso::Error (a new variant must be added above).
        assert_eq!(codes.len(), 62, "{codes:?}");
        let states = [
            PinState::default(),
            PinState {
                count_low: true,
                ..PinState::default()
            },
            PinState {
                final_try: true,
                to_be_changed: true,
                ..PinState::default()
            },
            PinState {
                locked: true,
                ..PinState::default()
            },
        ];
        for p in states {
            assert_ne!(p.message(Lang::En), p.message(Lang::Vi), "{}", p.code());
        }
        use RevocationReason::*;
        for r in [
            Unspecified,
            KeyCompromise,
            CaCompromise,
            AffiliationChanged,
            Superseded,
            CessationOfOperation,
            CertificateHold,
            RemoveFromCrl,
            PrivilegeWithdrawn,
            AaCompromise,
        ] {
            assert_ne!(r.describe(Lang::En), r.describe(Lang::Vi));
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
