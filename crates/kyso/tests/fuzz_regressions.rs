//! Inputs found by the structure-aware fuzz targets (fuzz/README.md, issue 9), kept in
//! testdata/fuzz-regressions/ (see its README), each pinned by a test of its own.

mod common;

use common::*;
use kyso::{DocumentProblem, Indication, Verifier};

/// A BER re-encoding of a sample's signed attributes (`fixture`) gets the original's verdict
/// and signing time: the signature is over the DER encoding (RFC 5652 §5.4), so what kyso
/// reports is exactly what was signed. Not a forgery, but the file bytes are malleable: when
/// the attributes as sent are out of DER order the report says so (`signed_attributes_not_der`;
/// non-minimal lengths are normalised by the BER reader before, and are not reported).
/// Returns the re-encoded file's report.
fn assert_same_verdict_as_original(
    original: &str,
    fixture: &str,
    content: Option<&str>,
) -> kyso::DocumentReport {
    let v = Verifier::new().with_trust_anchors(certs(&pki("trust.pem")));
    let content = content.map(|c| read(&sample(c)));
    let original = read(&sample(original));
    let ber = read(&testdata().join("fuzz-regressions").join(fixture));
    assert_eq!(
        signer_infos(&original)[0].1,
        signer_infos(&ber)[0].1,
        "stale {fixture}: samples/ were regenerated, re-make it from the new sample"
    );
    assert_ne!(original, ber);
    let a = v.verify_bytes(&original, content.as_deref(), at());
    let b = v.verify_bytes(&ber, content.as_deref(), at());
    assert_eq!(a.indication, Indication::TotalPassed, "{}", brief(&a));
    assert_eq!(b.indication, a.indication, "{fixture}: {}", brief(&b));
    assert_eq!(b.signatures[0].signing_time, a.signatures[0].signing_time);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    b
}

/// Found by `signed_attrs` on its first run (2026-12-01, after 303 runs):
/// `samples/cong-van.txt.p7s` with its signed attributes in the order messageDigest,
/// signingTime, contentType, signingCertificateV2 (DER order: contentType, signingTime,
/// messageDigest, ...), every attribute and the signature value byte for byte unchanged.
#[test]
fn reordered_signed_attributes_verify_as_the_der_original_and_are_reported() {
    let r = assert_same_verdict_as_original(
        "cong-van.txt.p7s",
        "accepted-reordered-attributes.p7s",
        Some("cong-van.txt"),
    );
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(p, DocumentProblem::SignedAttributesNotDer { signature: 0 })),
        "{:?}",
        r.problems
    );
}

/// Found by `signed_attrs` on its second run (2026-12-01, after 4,496 runs): `samples/to-trinh.txt.p7m` with
/// the contentType attribute's SEQUENCE length written `82 00 18` instead of `18` (BER, not
/// DER); nothing else changed but the enclosing lengths.
#[test]
fn non_minimal_length_in_signed_attributes_verifies_as_the_der_original() {
    assert_same_verdict_as_original(
        "to-trinh.txt.p7m",
        "accepted-nonminimal-length-attribute.p7m",
        None,
    );
}

/// Made by hand after a 25-minute run of the `asic` target (2026-12-03) found nothing: ten
/// one-byte `META-INF/signatureK.p7s` and ten 1 MB ASiCManifests (one big comment each,
/// deflated to about 1 KB). Each signature used to parse every manifest again, so the cost
/// was signatures × manifests × manifest size (17 s for this file, hours for the 1000-entry
/// bound); manifests are now parsed once per container. What is asserted is the verdict:
/// every one-byte signature is a failed entry, the container fails. (No time is asserted: the
/// CI run's length is the guard.)
#[cfg(feature = "asic")]
#[test]
fn many_signatures_over_many_large_manifests_are_each_judged_once() {
    let bytes = read(
        &testdata()
            .join("fuzz-regressions")
            .join("asic-many-signatures-many-large-manifests.asice"),
    );
    let r = Verifier::new().verify_asic_bytes("many.asice", &bytes, at());
    assert_eq!(r.indication, Indication::TotalFailed, "{}", brief(&r));
    assert_eq!(r.signatures.len(), 10, "{}", brief(&r));
    assert!(r
        .signatures
        .iter()
        .all(|s| s.indication == Indication::TotalFailed));
}
