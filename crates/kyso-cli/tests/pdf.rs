//! `kyso verify` on signed PDFs made by a real peer, pyHanko (installed by scripts/test.sh):
//! the Decree 30 flow (the official signs, then the organisation in a later revision) passes
//! with both signatures in signing order; a later revision that rotates a page, or adds an
//! annotation, fails both; a byte changed inside the signed range, an edited /ByteRange
//! and an unsigned PDF fail with their reasons; a folder skips unsigned PDFs with a note.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Command;

use common::*;

const AT: &str = "2026-06-01T00:00:00Z";

fn peer(dir: &Path, args: &[&str]) {
    let script = root().join("crates/kyso-cli/tests/peers/pyhanko_peer.py");
    let o = Command::new("python3")
        .arg(&script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "pyHanko {args:?} failed (scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// minimal.pdf signed by the official (field Official), then by the organisation.
fn decree_30_pdf(dir: &Path) {
    let minimal = root().join("testdata/pdf/minimal.pdf");
    std::fs::copy(minimal, dir.join("minimal.pdf")).unwrap();
    let chain = pki("sub-rsa.pem");
    let (k1, c1) = (pki("signer-rsa.key"), pki("signer-rsa.pem"));
    peer(
        dir,
        &[
            "sign",
            "minimal.pdf",
            "official.pdf",
            &k1,
            &c1,
            &chain,
            "Official",
        ],
    );
    let (k2, c2) = (pki("org-rsa.key"), pki("org-rsa.pem"));
    peer(
        dir,
        &[
            "sign",
            "official.pdf",
            "qd.pdf",
            &k2,
            &c2,
            &chain,
            "Organisation",
        ],
    );
}

fn verify_json(dir: &Path, file: &str) -> (Option<i32>, serde_json::Value) {
    let root_ca = pki("root-rsa.pem");
    let o = kyso(
        dir,
        &[
            "verify", "--trust", &root_ca, "--at", AT, "--format", "json", file,
        ],
    );
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    (o.status.code(), v)
}

fn check<'a>(sig: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    sig["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {sig:#}"))
}

#[test]
fn the_official_then_the_organisation_both_pass_in_signing_order() {
    let d = tmpdir("pdf-decree30");
    decree_30_pdf(&d);
    let (code, v) = verify_json(&d, "qd.pdf");
    assert_eq!(code, Some(0), "{v:#}");
    let sigs = v["documents"][0]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    let fields: Vec<&str> = sigs
        .iter()
        .map(|s| s["pdf"]["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Official", "Organisation"], "revision order");
    assert_eq!(sigs[0]["pdf"]["revision"], 2);
    assert_eq!(sigs[0]["pdf"]["covers_whole_file"], false);
    assert_eq!(
        sigs[0]["pdf"]["later_revisions"][0]["not_allowed"],
        serde_json::json!([])
    );
    assert_eq!(sigs[1]["pdf"]["revision"], 3);
    assert_eq!(sigs[1]["pdf"]["covers_whole_file"], true);
    assert_eq!(sigs[1]["pdf"]["reason"], "Ký duyệt");
    for s in sigs {
        assert_eq!(s["indication"], "TOTAL-PASSED", "{s:#}");
        assert_eq!(check(s, "pdf_byte_range")["result"], "passed");
        assert_eq!(check(s, "pdf_changes")["result"], "passed");
        assert_eq!(s["pdf"]["sub_filter"], "ETSI.CAdES.detached");
    }
    assert!(sigs[1]["signer"]["subject"]
        .as_str()
        .unwrap()
        .contains("Sở Nội vụ"));

    // The text report says where each signature sits, in both languages.
    let root_ca = pki("root-rsa.pem");
    for (lang, words) in [
        ("en", "signed: up to the end of revision 2"),
        ("vi", "phạm vi ký: đến hết lần cập nhật thứ 2"),
    ] {
        let o = kyso(
            &d,
            &[
                "verify", "--trust", &root_ca, "--at", AT, "--lang", lang, "qd.pdf",
            ],
        );
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains(words), "{words} in {}", stdout(&o));
    }
}

#[test]
fn a_page_rotated_or_an_annotation_added_after_signing_fails() {
    let d = tmpdir("pdf-later-changes");
    decree_30_pdf(&d);
    peer(&d, &["rotate", "qd.pdf", "rotated.pdf"]);
    let (code, v) = verify_json(&d, "rotated.pdf");
    assert_eq!(code, Some(1), "{v:#}");
    for s in v["documents"][0]["signatures"].as_array().unwrap() {
        assert_eq!(s["indication"], "TOTAL-FAILED");
        assert_eq!(s["sub_indication"], "FORMAT_FAILURE");
        let c = check(s, "pdf_changes");
        assert_eq!(c["reason"]["code"], "pdf_modified_after_signing");
        assert_eq!(c["reason"]["revision"], 4);
        assert!(
            c["reason"]["changes"][0]
                .as_str()
                .unwrap()
                .contains("/Rotate"),
            "{c:#}"
        );
        // The signature itself is intact: only what came after it is not allowed.
        assert_eq!(check(s, "signature")["result"], "passed");
    }

    // A text annotation added to the signed page: not a later signature, no DocMDP /P 3, so
    // not allowed (an annotation can draw over what was signed; pyHanko judges it the same).
    peer(&d, &["annotate", "qd.pdf", "annotated.pdf"]);
    let (code, v) = verify_json(&d, "annotated.pdf");
    assert_eq!(code, Some(1), "{v:#}");
    let last = &v["documents"][0]["signatures"][1]["pdf"]["later_revisions"][0];
    assert_eq!(last["revision"], 4);
    assert!(
        !last["not_allowed"].as_array().unwrap().is_empty(),
        "{last:#}"
    );
    // The organisation's signature still shows what its own revision added: a signature, and
    // pyHanko's /Info update (its ModDate changes only when the two signings fall in
    // different seconds, so "metadata" may be absent).
    let first = &v["documents"][0]["signatures"][0]["pdf"]["later_revisions"][0];
    let allowed: Vec<&str> = first["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(allowed[0], "signature_added", "{first:#}");
    assert!(allowed[1..].iter().all(|a| *a == "metadata"), "{first:#}");
    assert!(
        first["not_allowed"].as_array().unwrap().is_empty(),
        "{first:#}"
    );
}

#[test]
fn tampered_bytes_an_edited_byte_range_and_an_unsigned_pdf_fail_with_their_reason() {
    let d = tmpdir("pdf-tamper");
    decree_30_pdf(&d);
    let signed = std::fs::read(d.join("official.pdf")).unwrap();

    // One byte inside the signed range (the header's version digit): the digest differs.
    let mut flipped = signed.clone();
    assert_eq!(&flipped[..7], b"%PDF-1.");
    flipped[7] = if flipped[7] == b'4' { b'5' } else { b'4' };
    std::fs::write(d.join("flipped.pdf"), &flipped).unwrap();
    let (code, v) = verify_json(&d, "flipped.pdf");
    assert_eq!(code, Some(1), "{v:#}");
    let s = &v["documents"][0]["signatures"][0];
    assert_eq!(s["sub_indication"], "HASH_FAILURE", "{s:#}");

    // /ByteRange starting at 1 instead of 0 (same length, so the file still parses).
    let text = b"/ByteRange [0 ";
    let at = signed
        .windows(text.len())
        .position(|w| w == text)
        .expect("a /ByteRange");
    let mut edited = signed.clone();
    edited[at + text.len() - 2] = b'1';
    std::fs::write(d.join("edited.pdf"), &edited).unwrap();
    let (code, v) = verify_json(&d, "edited.pdf");
    assert_eq!(code, Some(1), "{v:#}");
    let c = check(&v["documents"][0]["signatures"][0], "pdf_byte_range");
    assert_eq!(c["reason"]["code"], "pdf_byte_range_invalid", "{c:#}");

    // Given explicitly, an unsigned PDF fails; in a folder it is skipped with a note.
    let (code, v) = verify_json(&d, "minimal.pdf");
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(v["documents"][0]["problems"][0]["code"], "pdf_unsigned");
    std::fs::create_dir(d.join("folder")).unwrap();
    std::fs::copy(d.join("minimal.pdf"), d.join("folder/scan.pdf")).unwrap();
    std::fs::copy(d.join("qd.pdf"), d.join("folder/qd.pdf")).unwrap();
    let root_ca = pki("root-rsa.pem");
    let o = kyso(&d, &["verify", "--trust", &root_ca, "--at", AT, "folder"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("scan.pdf: a PDF without a signature"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("1 document: 1 passed"),
        "{}",
        stdout(&o)
    );
}

/// Hostile variants of a valid two-signature PDF, through the library: every truncation and
/// every sampled one-byte change outside the /Contents strings gives a report (no panic) and
/// never TOTAL-PASSED.
#[test]
fn truncated_or_altered_signed_pdfs_never_pass() {
    let d = tmpdir("pdf-hostile");
    decree_30_pdf(&d);
    let good = std::fs::read(d.join("qd.pdf")).unwrap();
    let anchor = kyso::Certificate::from_der(&std::fs::read(pki("root-rsa.der")).unwrap()).unwrap();
    let v = kyso::Verifier::new().with_trust_anchors([anchor]);
    let at = kyso::Timestamp::parse_rfc3339(AT).unwrap();
    let passes =
        |b: &[u8]| v.verify_pdf_bytes("x.pdf", b, at).indication == kyso::Indication::TotalPassed;
    assert!(passes(&good), "the unaltered file passes");
    // The /Contents hex strings are the only unsigned bytes: find them from the byte ranges.
    let report = v.verify_pdf_bytes("qd.pdf", &good, at);
    let gaps: Vec<(usize, usize)> = report
        .signatures
        .iter()
        .map(|s| {
            let br = &s.pdf.as_ref().unwrap().byte_range;
            (br[1] as usize, br[2] as usize)
        })
        .collect();
    for len in (0..good.len()).step_by(211) {
        assert!(!passes(&good[..len]), "a prefix of {len} bytes passed");
    }
    for at_byte in (0..good.len()).step_by(97) {
        if gaps.iter().any(|&(b, c)| (b..c).contains(&at_byte)) {
            continue;
        }
        let mut bad = good.clone();
        bad[at_byte] ^= 0x01;
        assert!(!passes(&bad), "a change at byte {at_byte} passed");
    }
}
