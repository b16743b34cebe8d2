//! English messages.

use super::About;
use crate::error::FileKind;
use crate::path::ChainError;
use crate::report::{DocumentProblem, Reason, SkipReason};
use crate::revocation::crl::CrlProblem;

pub(super) fn reason(r: &Reason) -> String {
    use Reason::*;
    match r {
        Malformed { detail } => format!("malformed signature: {detail}"),
        MissingAttribute { attribute } => {
            format!("the required signed attribute {attribute} is missing (RFC 5652 §5.3)")
        }
        DuplicateAttribute { attribute } => {
            format!("the attribute {attribute} occurs more than once or has several values")
        }
        ContentTypeMismatch { attribute, econtent_type } => format!(
            "the content-type attribute ({attribute}) differs from the content type ({econtent_type})"
        ),
        DigestMismatch { algorithm, expected, computed } => format!(
            "the document was changed after signing, or is not the signed document: its {algorithm} digest is {computed} but the signed value is {expected}"
        ),
        SignatureInvalid { algorithm } => {
            format!("the {algorithm} signature value does not verify with the signer's public key")
        }
        UnsupportedAlgorithm { detail } => format!("unsupported algorithm: {detail}"),
        PolicyNotMet { policy, rule } => format!(
            "the signature does not meet the validation policy {policy}: {}",
            match rule.as_str() {
                "require_signed_attributes" => "it has no signed attributes (plain CMS), which the policy requires",
                "require_signing_certificate" => "it has no ESS signing-certificate(-v2) attribute binding the signer certificate, which the policy requires",
                other => other,
            }
        ),
        WeakAlgorithm { detail } => format!("algorithm or key too weak: {detail}"),
        SignerRevokedNoPoe { subject, serial, reason, revoked_at } => format!("the signer certificate '{subject}' (serial {serial}) was revoked at {revoked_at}, reason {reason}, and nothing proves the signature was made before that (a time-stamp from before then would)"),
        PdfByteRangeInvalid { detail } => format!("the PDF signature's byte range is not valid: {detail}"),
        PdfModifiedAfterSigning { revision, changes } => format!("revision {revision} of the PDF changed it after this signature in ways the signature does not allow: {}", changes.join("; ")),
        PdfSubFilterUnsupported { sub_filter } => format!("PDF signatures of type '{sub_filter}' are not supported, so this one is not verified"),
        PdfNotOneSignerInfo { count } => format!("a PDF signature must hold exactly one SignerInfo; this one has {count}"),
        PdfDocumentTimestampInvalid { detail, .. } => format!("the document time-stamp is not valid: {detail}"),
        WeakAlgorithmNoPoe { detail, reliable_until } => format!("{detail}, and nothing proves the signature existed before {reliable_until} (a time-stamp from before then would)"),
        SignerCertificateNotFound { signer_id } => {
            format!("the signer's certificate ({signer_id}) is not in the signature")
        }
        SigningCertificateMismatch { detail } => format!(
            "the signing-certificate attribute does not match the signer certificate: {detail}"
        ),
        ContentMissing { looked_for: Some(p) } => {
            format!("detached signature without its content: '{p}' does not exist")
        }
        ContentMissing { looked_for: None } => "detached signature without its content".into(),
        AsicReferenceMismatch { file, algorithm, expected, computed } => format!(
            "'{file}' in the container is not the file the signature's manifest lists: its {algorithm} digest is {computed}, the manifest gives {expected}"
        ),
        AsicReferenceMissing { file } => format!(
            "the signature's manifest lists '{file}', which is not in the container (removed after signing?)"
        ),
        AsicManifestInvalid { manifest, detail } => {
            format!("the manifest {manifest} cannot be used: {detail}")
        }
        KeyUsageNotAllowed { key_usage } => format!(
            "the certificate is not allowed to sign documents (keyUsage: {}; needs digitalSignature or nonRepudiation)",
            key_usage.join(", ")
        ),
        ExtendedKeyUsageNotAllowed { ext_key_usage } => format!(
            "the certificate is for other purposes (extendedKeyUsage: {}), not document signing",
            ext_key_usage.join(", ")
        ),
        Chain(e) => chain(e, About::Signature),
    }
}

/// `'A', 'B' and 3 more`.
fn anchors(list: &[String], count: usize) -> String {
    let mut s = list
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if count > list.len() {
        s.push_str(&format!(" and {} more", count - list.len()));
    }
    s
}

pub(super) fn chain(e: &ChainError, about: About) -> String {
    use ChainError::*;
    let certificate_only = about == About::Certificate;
    match e {
        NoTrustAnchors => "no trust anchor was given, so the chain cannot be validated".into(),
        UnknownIssuer { subject, self_signed: true, trust_anchors, trust_anchor_count, .. } => {
            let mut s = format!("'{subject}' is a self-signed root certificate, and it is not among the trust anchors");
            if *trust_anchor_count > 0 {
                s.push_str(&format!(
                    " ({trust_anchor_count} loaded: {})",
                    anchors(trust_anchors, *trust_anchor_count)
                ));
            }
            s
        }
        UnknownIssuer { subject, issuer, ca_issuers, trust_anchors, trust_anchor_count, .. } => {
            let mut s = format!(
                "the issuer of '{subject}' is missing: no certificate of '{issuer}' is among the intermediates"
            );
            if *trust_anchor_count > 0 {
                s.push_str(&format!(
                    " or the {trust_anchor_count} trust anchor{} loaded ({})",
                    if *trust_anchor_count == 1 { "" } else { "s" },
                    anchors(trust_anchors, *trust_anchor_count)
                ));
            } else {
                s.push_str(" or the trust anchors");
            }
            if !ca_issuers.is_empty() {
                s.push_str(&format!(
                    "; the certificate says its issuer can be downloaded from {}",
                    ca_issuers.join(", ")
                ));
            }
            s
        }
        BadCertificateSignature { subject } if certificate_only => format!(
            "certificate '{subject}' does not verify with its issuer's key (not issued by that CA, or altered)"
        ),
        BadCertificateSignature { subject } => {
            format!("the signature on certificate '{subject}' does not verify with its issuer's key")
        }
        Expired { subject, not_after, at, end_entity: true } if certificate_only => format!(
            "certificate '{subject}' expired at {not_after}, before the validation time {at}"
        ),
        Expired { subject, not_after, at, end_entity: true } => format!(
            "the signer certificate '{subject}' expired at {not_after}, before the validation time {at}, and no time-stamp proves the signature existed earlier"
        ),
        Expired { subject, not_after, at, end_entity: false } => {
            format!("certificate '{subject}' expired at {not_after}, before the validation time {at}")
        }
        NotYetValid { subject, not_before, at } => format!(
            "certificate '{subject}' is not valid until {not_before}, after the validation time {at}"
        ),
        NotCa { subject } => format!(
            "'{subject}' issued a certificate but is not a CA (basicConstraints cA is not set)"
        ),
        KeyCertSignMissing { subject } => format!(
            "CA '{subject}' issued a certificate but its keyUsage does not include keyCertSign"
        ),
        PathLenExceeded { subject } => {
            format!("the path is longer than CA '{subject}' allows (pathLenConstraint)")
        }
        UnknownCriticalExtension { subject, oid } => {
            format!("certificate '{subject}' has a critical extension {oid} that kyso does not process")
        }
        WeakAlgorithm { subject, detail } => {
            format!("certificate '{subject}' uses a weak algorithm or key: {detail}")
        }
        BudgetExceeded => "the certificate pool made path building exceed its work limit (too many candidate issuers or loops)".into(),
        NameConstraintViolation { subject, name, constrained_by, excluded_subtree: Some(ex) } => format!(
            "certificate '{subject}' has the name {name}, which CA '{constrained_by}' excludes ({ex}) in its name constraints"
        ),
        NameConstraintViolation { subject, name, constrained_by, excluded_subtree: None } => format!(
            "certificate '{subject}' has the name {name}, which is outside what CA '{constrained_by}' permits in its name constraints"
        ),
        UnsupportedNameConstraint { subject, form } => format!(
            "CA '{subject}' has a critical name constraint on the {form} form, which kyso cannot check, so the path is rejected"
        ),
        NoAcceptablePolicy { subject, initial_policies } => format!(
            "no certificate policy acceptable to the user ({}) is valid along the path, and an explicit policy is required (failed at '{subject}')",
            initial_policies.join(", ")
        ),
        AnyPolicyMapped { subject } => format!(
            "CA '{subject}' has a policy mapping to or from anyPolicy, which RFC 5280 forbids"
        ),
        PolicyTreeTooLarge { subject } => format!(
            "certificate policy processing exceeded its bound at '{subject}' (hostile policy mappings?)"
        ),
        EkuNotAllowed { subject, required } => format!(
            "certificate '{subject}' does not allow the required extended key usage {required}"
        ),
        TooManyNameChecks { subject, checks } => format!(
            "checking the names of '{subject}' against name constraints would take {checks} comparisons, over kyso's bound (hostile certificate?)"
        ),
        MalformedCertificate { subject, rule } => {
            format!("certificate '{subject}' does not conform to RFC 5280 and is not used: {rule}")
        }
        Revoked { subject, serial, reason, revoked_at, stale_crl_next_update: None } => format!(
            "certificate '{subject}' (serial {serial}) was revoked at {revoked_at}, reason {reason}"
        ),
        Revoked { subject, serial, reason, revoked_at, stale_crl_next_update: Some(next) } => format!(
            "certificate '{subject}' (serial {serial}) is revoked (per a CRL whose nextUpdate {next} has passed): revoked at {revoked_at}, reason {reason}; a revocation is permanent, so a newer CRL would not change this"
        ),
        RevocationUnknown { subject, problem } => format!(
            "the revocation status of '{subject}' is unknown: {}",
            crl_problem(problem)
        ),
    }
}

pub(super) fn crl_problem(p: &CrlProblem) -> String {
    p.describe()
}

pub(super) fn skip(s: SkipReason) -> &'static str {
    use SkipReason::*;
    match s {
        NoSignedAttributes => {
            "no signed attributes: the signature covers the content directly (RFC 5652 §5.4)"
        }
        SignerCertificateNotFound => "the signer certificate was not found",
        AlgorithmsUnusable => "the algorithms are unusable (see the structure check)",
        ContentUnavailable => "the signed content is not available",
        MessageDigestUnusable => {
            "the message-digest attribute is unusable (see the signed attributes check)"
        }
        UnsupportedDigest => "the digest algorithm is not supported",
        NoSigningCertificateAttribute => "no ESS signing-certificate attribute: the signature does not bind the signer certificate (not CAdES baseline)",
        LegacyCryptoAllowed => "legacy algorithms were allowed by an insecure option",
        RevocationNotSupported => "revocation (CRL/OCSP) is not checked by this version of kyso; the certificates' revocation status is unknown",
        NoRevocationData => "no CRL given covers every certificate of the path, so their revocation status is unknown",
        RevocationOff => "revocation checking was turned off",
        PathNotValid => "the certificate path is not valid, so revocation was not evaluated",
        TimestampNotValid => "the signature time-stamps present are not valid (see the time-stamps), so they prove no time",
        TimestampNotValidated => "a signature time-stamp is present but this version of kyso does not validate time-stamps; it was not relied on",
        NoTimestamp => "no signature time-stamp (CAdES B-B level)",
    }
}

pub(super) fn document(p: &DocumentProblem) -> String {
    use DocumentProblem::*;
    match p {
        NotSignedData { detail, found } => match found {
            None | Some(FileKind::SignedData) => {
                format!("not a valid CMS/PKCS#7 SignedData: {detail}")
            }
            Some(FileKind::Empty) => "the file is empty: it holds no signature".into(),
            Some(FileKind::Truncated { length, declared }) => format!(
                "the file is truncated: it has {length} of the {declared} bytes its header declares (an incomplete download or copy?)"
            ),
            Some(k @ (FileKind::Asn1 | FileKind::Unknown)) => format!(
                "not a CMS/PKCS#7 signature: the file is {} ({detail})",
                file_kind(k)
            ),
            Some(k) => format!("this is {}, not a CMS/PKCS#7 signature", file_kind(k)),
        },
        PdfUnreadable { pdf_code, detail } => format!("the PDF cannot be read ({pdf_code}): {detail}"),
        PdfUnsigned => "the PDF has no signature (no filled signature field)".into(),
        AsicContainerInvalid { asic_code, detail } => {
            format!("the ASiC container is not valid ({asic_code}): {detail}")
        }
        AsicFileNotSigned { file } => {
            format!("'{file}' is in the container but no signature covers it")
        }
        AsicArchiveReferenceMismatch { manifest, file } => format!(
            "the archive manifest {manifest} protects '{file}', which has changed or been removed since it was archived"
        ),
        AsicEntryNotVerified { file } => {
            format!("{file} is not verified by kyso (XAdES signatures, container time-stamps and archive time-stamps that cover no signature are not checked)")
        }
        NoSignerInfo => "the SignedData has no SignerInfo: it carries certificates only (a .p7b bundle?), not a signature".into(),
        TooManySigners { count, limit } => {
            format!("{count} SignerInfos: more than the {limit} kyso evaluates in one document")
        }
        TooManyCertificates { count, limit } => format!(
            "{count} embedded certificates: more than the {limit} kyso accepts in one signature"
        ),
        GivenContentIdentical { given } => format!(
            "the signature embeds its content; the separately given content {given} is identical to it"
        ),
        SignedAttributesNotDer { signature } => format!(
            "signature {}: its signed attributes are not in DER order as sent; the signature verifies over their DER encoding (RFC 5652 §5.4), so what is shown is what was signed, but the file was re-encoded after signing or made by a non-conforming signer",
            signature + 1
        ),
        GivenContentDiffers { given } => format!(
            "the signature embeds its content, and the separately given content {given} differs from it: {given} is not what was signed"
        ),
        Unreadable { detail } => format!("the signature could not be read: {detail}"),
    }
}

/// What a file looks like, in words.
pub(super) fn file_kind(k: &FileKind) -> String {
    crate::error::file_kind::describe_en(k)
}
