//! Interop with a second, independent CMS implementation: Bouncy Castle (Debian's
//! libbcpkix-java) through `kyso_testkit::bc::BcPeer`. kyso's signatures must verify in BC,
//! BC's CAdES B-B signatures must verify in kyso, tampering is caught by both, and kyso's
//! co-signature sits beside BC's without disturbing it.

mod common;
mod report_schema;

use common::*;
use kyso_testkit::bc::BcPeer;
use kyso_testkit::{CertSpec, Issued, KeyType, Pki};

const CONTENT: &[u8] = "Quyết định số 42/2026 về việc ký số\n".as_bytes();

/// A scratch dir with root.pem, sub.pem, chain.pem, the signer `an` (key type `kt`) and
/// doc.txt.
fn setup(name: &str, kt: KeyType) -> (TempDir, Pki, Issued) {
    let d = tmpdir(name);
    let pki = Pki::new();
    pki.write(&d);
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An").key_type(kt));
    leaf.write(&d, "an");
    std::fs::write(d.join("doc.txt"), CONTENT).unwrap();
    (d, pki, leaf)
}

/// `kyso verify --trust root.pem --format json FILE`: the exit code and the report.
fn kyso_verify(d: &TempDir, file: &str) -> (Option<i32>, serde_json::Value) {
    let out = kyso(
        d,
        &["verify", "--trust", "root.pem", "--format", "json", file],
    );
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&out), stderr(&out)));
    (out.status.code(), v)
}

fn signatures(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["documents"][0]["signatures"]
        .as_array()
        .expect("signatures")
}

#[test]
fn kyso_signatures_verify_in_bouncy_castle() {
    let bc = BcPeer::get();
    for (kt, tag) in [(KeyType::RSA2048, "rsa"), (KeyType::P256, "p256")] {
        let (d, _pki, _leaf) = setup(&format!("bc-kyso-signs-{tag}"), kt);
        for attached in [false, true] {
            let mut args = vec![
                "sign", "--key", "an.key", "--cert", "an.pem", "--chain", "sub.pem", "--force",
            ];
            if attached {
                args.push("--attached");
            }
            args.push("doc.txt");
            let out = kyso(&d, &args);
            assert_eq!(out.status.code(), Some(0), "{tag}: {}", stderr(&out));
            let (file, content) = if attached {
                ("doc.txt.p7m", None)
            } else {
                ("doc.txt.p7s", Some(CONTENT))
            };
            let sig = std::fs::read(d.join(file)).unwrap();
            let got = bc
                .verify(&sig, content)
                .unwrap_or_else(|e| panic!("{tag} {file}: BC rejects kyso's signature:\n{e}"));
            assert!(
                got.contains("signer 1: OK ") && got.contains("CN=Nguyễn Văn An"),
                "{tag} {file}: {got}"
            );
            assert!(!got.contains("signer 2"), "{tag} {file}: {got}");
            // The signer and the intermediate from --chain.
            assert!(got.contains("certificates: 2\n"), "{tag} {file}: {got}");
            assert!(got.contains("crls: 0\n"), "{tag} {file}: {got}");

            // The same peer rejects the signature over other content, so the OK above means
            // something.
            if !attached {
                let err = bc
                    .verify(&sig, Some(b"Quyet dinh so 43/2026\n"))
                    .expect_err("BC must reject a detached signature over other content");
                assert!(err.contains("signer 1: FAILED"), "{tag}: {err}");
            }
        }
    }
}

#[test]
fn bouncy_castle_b_b_signatures_pass_in_kyso() {
    let bc = BcPeer::get();
    for (kt, tag) in [(KeyType::RSA2048, "rsa"), (KeyType::P256, "p256")] {
        let (d, pki, leaf) = setup(&format!("bc-bc-signs-{tag}"), kt);
        for attached in [false, true] {
            let (sig, file) = if attached {
                let s = bc.sign_attached(
                    &leaf.key_pem(),
                    &leaf.cert_pem(),
                    &pki.sub.cert_pem(),
                    CONTENT,
                );
                (s, "doc.txt.p7m")
            } else {
                let s = bc.sign_detached(
                    &leaf.key_pem(),
                    &leaf.cert_pem(),
                    &pki.sub.cert_pem(),
                    CONTENT,
                );
                (s, "doc.txt.p7s")
            };
            // BC agrees with itself before kyso is asked.
            let content = if attached { None } else { Some(CONTENT) };
            let own = bc
                .verify(&sig, content)
                .unwrap_or_else(|e| panic!("{tag} {file}: {e}"));
            assert!(own.contains("signer 1: OK "), "{own}");
            assert!(own.contains("certificates: 2\n"), "{own}");
            std::fs::write(d.join(file), &sig).unwrap();

            let (code, v) = kyso_verify(&d, file);
            assert_eq!(code, Some(0), "{tag} {file}: {v:#}");
            let sigs = signatures(&v);
            assert_eq!(sigs.len(), 1, "{tag} {file}: {v:#}");
            assert_eq!(sigs[0]["indication"], "TOTAL-PASSED", "{tag} {file}: {v:#}");
            assert_eq!(sigs[0]["level"], "B-B", "{tag} {file}: {v:#}");
            assert!(
                sigs[0]["signer"]["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains("Nguyễn Văn An")),
                "{tag} {file}: {v:#}"
            );
            std::fs::remove_file(d.join(file)).unwrap();
        }
    }
}

#[test]
fn altered_content_fails_in_kyso_and_in_bouncy_castle() {
    let bc = BcPeer::get();
    let (d, pki, leaf) = setup("bc-altered", KeyType::RSA2048);
    let altered = String::from_utf8(CONTENT.to_vec())
        .unwrap()
        .replace("42/2026", "43/2026")
        .into_bytes();
    let altered = altered.as_slice();
    assert_ne!(altered, CONTENT);

    // Detached: the document beside the signature was changed after signing.
    let sig = bc.sign_detached(
        &leaf.key_pem(),
        &leaf.cert_pem(),
        &pki.sub.cert_pem(),
        CONTENT,
    );
    std::fs::write(d.join("doc.txt.p7s"), &sig).unwrap();
    std::fs::write(d.join("doc.txt"), altered).unwrap();
    let (code, v) = kyso_verify(&d, "doc.txt.p7s");
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(signatures(&v)[0]["indication"], "TOTAL-FAILED", "{v:#}");
    let err = bc
        .verify(&sig, Some(altered))
        .expect_err("BC must reject altered content");
    assert!(err.contains("signer 1: FAILED"), "{err}");
    std::fs::remove_file(d.join("doc.txt.p7s")).unwrap();

    // Attached: one byte of the embedded content changed ("42" -> "43").
    let mut sig = bc.sign_attached(
        &leaf.key_pem(),
        &leaf.cert_pem(),
        &pki.sub.cert_pem(),
        CONTENT,
    );
    let at = sig
        .windows(CONTENT.len())
        .position(|w| w == CONTENT)
        .expect("the content is inside the attached signature");
    let digit = at + CONTENT.iter().position(|&b| b == b'2').unwrap();
    assert_eq!(sig[digit], b'2');
    sig[digit] = b'3';
    std::fs::write(d.join("doc.txt.p7m"), &sig).unwrap();
    let (code, v) = kyso_verify(&d, "doc.txt.p7m");
    assert_eq!(code, Some(1), "{v:#}");
    assert_eq!(signatures(&v)[0]["indication"], "TOTAL-FAILED", "{v:#}");
    let err = bc
        .verify(&sig, None)
        .expect_err("BC must reject altered content");
    assert!(err.contains("signer 1: FAILED"), "{err}");
}

#[test]
fn kyso_co_signs_a_bouncy_castle_signature() {
    let bc = BcPeer::get();
    let (d, pki, an) = setup("bc-cosign", KeyType::RSA2048);
    let binh = pki.leaf(CertSpec::ee("Trần Thị Bình").key_type(KeyType::P256));
    binh.write(&d, "binh");
    for attached in [false, true] {
        let (sig, file) = if attached {
            let s = bc.sign_attached(&an.key_pem(), &an.cert_pem(), &pki.sub.cert_pem(), CONTENT);
            (s, "doc.txt.p7m")
        } else {
            let s = bc.sign_detached(&an.key_pem(), &an.cert_pem(), &pki.sub.cert_pem(), CONTENT);
            (s, "doc.txt.p7s")
        };
        std::fs::write(d.join(file), &sig).unwrap();
        let out = kyso(
            &d,
            &[
                "sign", "--key", "binh.key", "--cert", "binh.pem", "--chain", "sub.pem",
                "--add-to", file,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
        let both = std::fs::read(d.join(file)).unwrap();
        assert_ne!(both, sig, "{file}: --add-to left the envelope unchanged");

        let content = if attached { None } else { Some(CONTENT) };
        let got = bc
            .verify(&both, content)
            .unwrap_or_else(|e| panic!("{file}: BC rejects the co-signed envelope:\n{e}"));
        // Both signers, in whatever order the SET OF SignerInfo holds them.
        let ok: Vec<&str> = got.lines().filter(|l| l.contains(": OK ")).collect();
        assert_eq!(ok.len(), 2, "{file}: {got}");
        for name in ["CN=Nguyễn Văn An", "CN=Trần Thị Bình"] {
            assert_eq!(
                ok.iter().filter(|l| l.ends_with(name)).count(),
                1,
                "{file}: {name}: {got}"
            );
        }
        // an, sub, binh: the shared intermediate is not embedded twice.
        assert!(got.contains("certificates: 3\n"), "{file}: {got}");

        let (code, v) = kyso_verify(&d, file);
        assert_eq!(code, Some(0), "{file}: {v:#}");
        let sigs = signatures(&v);
        assert_eq!(sigs.len(), 2, "{file}: {v:#}");
        for s in sigs {
            assert_eq!(s["indication"], "TOTAL-PASSED", "{file}: {v:#}");
            assert_eq!(s["level"], "B-B", "{file}: {v:#}");
        }
        std::fs::remove_file(d.join(file)).unwrap();
    }
}
