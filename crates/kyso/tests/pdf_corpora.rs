//! The staged PDF corpora (../shared/testdata-ext/dss-pades and pyhanko-pdf, with their
//! expected.tsv): every row with a definite verdict gets it from `kyso verify`. Trust is not
//! part of these verdicts (test PKIs), so what is compared is integrity: a `valid` row must
//! have every signature's byte range, digest, signature value and later changes pass and no
//! signature TOTAL-FAILED; a failing row (`invalid`, `invalid-coverage`, `partially-invalid`,
//! `modified-after-signing`, `malformed`, `no-signature`) must have the document TOTAL-FAILED.
//! Divergences are listed in tests/exceptions/pdf-corpora.txt with their reasons; a listed
//! row that agrees again fails the test, so the list stays honest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kyso::{CheckName, CheckResult, Indication, Timestamp, Verifier};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata-ext")
}

fn exceptions() -> BTreeMap<String, String> {
    let text = include_str!("exceptions/pdf-corpora.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, why) = l.split_once('\t').unwrap_or((l, ""));
            assert!(!why.trim().is_empty(), "exception without a reason: {l}");
            (file.to_string(), why.to_string())
        })
        .collect()
}

fn passed(s: &kyso::SignatureReport, check: CheckName) -> bool {
    s.checks
        .iter()
        .any(|c| c.check == check && c.result == CheckResult::Passed)
}

#[test]
fn staged_pdf_corpora_give_their_expected_verdicts() {
    let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let v = Verifier::new();
    let listed = exceptions();
    let mut agree = 0;
    let mut diverge = Vec::new();
    let mut stale = Vec::new();
    for set in ["dss-pades", "pyhanko-pdf"] {
        let dir = corpus().join(set);
        let tsv = std::fs::read_to_string(dir.join("expected.tsv")).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the shared corpora sit beside the repository)",
                dir.display()
            )
        });
        for line in tsv.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (file, expected) = (cols[0], cols[2]);
            let want_pass = match expected {
                "valid" => true,
                "invalid"
                | "invalid-coverage"
                | "partially-invalid"
                | "modified-after-signing"
                | "malformed"
                | "no-signature" => false,
                _ => continue, // indeterminate, invalid-policy, see-notes: no definite verdict
            };
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let r = v.verify_pdf_bytes(file, &bytes, at);
            let intact = !r.signatures.is_empty()
                && r.signatures.iter().all(|s| {
                    s.indication != Indication::TotalFailed
                        && passed(s, CheckName::PdfByteRange)
                        && passed(s, CheckName::PdfChanges)
                });
            let ok = if want_pass {
                intact
            } else {
                r.indication == Indication::TotalFailed
            };
            let key = format!("{set}/{file}");
            match (ok, listed.contains_key(&key)) {
                (true, false) => agree += 1,
                (true, true) => stale.push(key),
                (false, true) => {}
                (false, false) => {
                    let why: Vec<String> = r
                        .signatures
                        .iter()
                        .map(|s| {
                            format!(
                                "{:?} {:?} {:?}",
                                s.pdf.as_ref().map(|p| &p.field),
                                s.sub_indication,
                                s.messages
                            )
                        })
                        .chain(r.messages.clone())
                        .collect();
                    diverge.push(format!(
                        "{key} expected {expected}, got {:?}: {why:?}",
                        r.indication
                    ));
                }
            }
        }
    }
    assert!(
        diverge.is_empty(),
        "{} agree; unlisted divergences:\n{}",
        agree,
        diverge.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed as exceptions but now agree: {stale:?}"
    );
    assert!(agree >= 40, "only {agree} rows agree");
}

/// ETSI EN 319 142-1: a PAdES /Contents holds one SignerInfo. DSS's sample with two is
/// TOTAL-FAILED/FORMAT_FAILURE with `pdf_not_one_signer_info` (the corpus leaves its verdict
/// open, "see-notes", so it is checked here on its own).
#[test]
fn a_pdf_signature_with_two_signer_infos_is_a_format_failure() {
    let bytes = std::fs::read(corpus().join("dss-pades/pdf-double-signer-info.pdf")).unwrap();
    let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let r = Verifier::new().verify_pdf_bytes("pdf-double-signer-info.pdf", &bytes, at);
    let s = &r.signatures[0];
    assert_eq!(s.indication, Indication::TotalFailed);
    assert_eq!(s.sub_indication, Some(kyso::SubIndication::FormatFailure));
    assert!(
        s.failures()
            .any(|(_, reason)| reason.code() == "pdf_not_one_signer_info"),
        "{:?}",
        s.messages
    );
}

/// adbe.pkcs7.sha1 (ISO 32000-1 §12.8.3.3.1): the SignedData encapsulates the SHA-1 of the byte
/// range. DSS's sample verifies (signature value good, the digest it carries is the range's;
/// SHA-1 and the missing signed attributes are judged by the policy as for any signature);
/// with one byte of the range changed (the binary comment on line 2) the carried digest no
/// longer matches: a failed message-digest check (`digest_mismatch`).
#[test]
fn an_adbe_pkcs7_sha1_signature_is_checked_against_the_byte_range() {
    let bytes = std::fs::read(corpus().join("dss-pades/pkcs7_sha1.pdf")).unwrap();
    let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let v = Verifier::new();
    let r = v.verify_pdf_bytes("pkcs7_sha1.pdf", &bytes, at);
    let s = &r.signatures[0];
    assert_eq!(
        s.pdf.as_ref().unwrap().sub_filter.as_deref(),
        Some("adbe.pkcs7.sha1")
    );
    assert!(passed(s, CheckName::Signature), "{:?}", s.messages);
    assert!(
        !s.failures()
            .any(|(_, reason)| reason.code() == "digest_mismatch"
                || reason.code() == "pdf_sub_filter_unsupported"),
        "{:?}",
        s.messages
    );
    let mut tampered = bytes.clone();
    assert_eq!(&tampered[..10], b"%PDF-1.4\n%");
    tampered[11] ^= 0x01;
    let r = v.verify_pdf_bytes("pkcs7_sha1.pdf", &tampered, at);
    let s = &r.signatures[0];
    assert!(
        s.failures()
            .any(|(c, reason)| c == CheckName::MessageDigest && reason.code() == "digest_mismatch"),
        "{:?}",
        s.messages
    );
    assert_eq!(s.indication, Indication::TotalFailed);
}
