//! Inputs found by the structure-aware fuzz targets (fuzz/README.md, issue 9), kept in
//! testdata/fuzz-regressions/ (see its README). Each runs through what its target does and
//! must hold the target's properties: no panic, and nothing whose signed bytes were changed
//! validates or is TOTAL-PASSED.
//!
//! * `cert-*.der`: `Certificate::from_der` + `validate_chain` to the test PKI: no panic, and
//!   not a valid path (every one has a changed tbsCertificate or signature value);
//! * `sattrs-*.bin`: `verify_bytes` with the content of `samples/cong-van.txt` and without
//!   content: no panic, and not TOTAL-PASSED (every one has changed signedAttrs or signature).

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::*;
use kyso::{Certificate, Indication, Verifier};

fn inputs(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let dir = testdata().join("fuzz-regressions");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read(&p),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn cert_regressions_hold() {
    let anchors = certs(&pki("trust.pem"));
    let inter: Vec<Certificate> = ["sub-rsa.pem", "sub-ec.pem", "subsub-rsa.pem"]
        .iter()
        .map(|n| cert(n))
        .collect();
    for (name, der) in inputs("cert-") {
        let r = catch_unwind(AssertUnwindSafe(|| {
            Certificate::from_der(&der)
                .ok()
                .map(|c| kyso::validate_chain(&c, &inter, &anchors, at()).is_valid())
        }))
        .unwrap_or_else(|_| panic!("{name}: panicked"));
        assert_ne!(r, Some(true), "{name}: a changed certificate validated");
    }
}

#[test]
fn signed_attrs_regressions_hold() {
    let v = Verifier::new().with_trust_anchors(certs(&pki("trust.pem")));
    let content = read(&sample("cong-van.txt"));
    for (name, sig) in inputs("sattrs-") {
        for c in [Some(content.as_slice()), None] {
            let r = catch_unwind(AssertUnwindSafe(|| v.verify_bytes(&sig, c, at())))
                .unwrap_or_else(|_| panic!("{name}: panicked"));
            assert_ne!(
                r.indication,
                Indication::TotalPassed,
                "{name} (content given: {}): changed signed bytes passed: {}",
                c.is_some(),
                brief(&r)
            );
        }
    }
}

/// A BER re-encoding of a sample's signed attributes (`fixture`) must get the original's
/// verdict and signing time: kyso re-encodes signedAttrs as DER before checking the signature
/// (RFC 5652 §5.4 signs the DER encoding), so what it reports is exactly what was signed.
/// Not a forgery (the signed attributes are the same), but the file bytes are malleable.
/// Pinned so that changing this decision (rejecting non-DER signedAttrs) is deliberate.
fn assert_same_verdict_as_original(original: &str, fixture: &str, content: Option<&str>) {
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
}

/// Found by `signed_attrs` on its first run (2026-12-01, after 303 runs):
/// `samples/cong-van.txt.p7s` with its signed attributes in the order messageDigest,
/// signingTime, contentType, signingCertificateV2 (DER order: contentType, signingTime,
/// messageDigest, ...), every attribute and the signature value byte for byte unchanged.
#[test]
fn reordered_signed_attributes_verify_as_the_der_original() {
    assert_same_verdict_as_original(
        "cong-van.txt.p7s",
        "accepted-reordered-attributes.p7s",
        Some("cong-van.txt"),
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
