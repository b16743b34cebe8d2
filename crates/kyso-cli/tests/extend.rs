//! `kyso extend` and `kyso sign --level B-LT` end to end, against the testkit's loopback
//! services (the real `openssl ts -reply` TSA, the real `openssl ocsp` responder, CRLs on a
//! second host): signatures made by the `openssl` CLI (`cms -sign -cades`: B-B) are extended in place without changing
//! their signed bytes, `openssl cms -verify` still accepts them, and `kyso verify --offline
//! --revocation required` passes them at B-LT; a second run changes nothing; a broken
//! signature is refused and left as it was.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Command;

use common::*;
use kyso_testkit::der::signed_parts;
use kyso_testkit::ltv::LtPki;

/// The PKI files in `dir`: root.pem (anchor), sub.pem (LT Sub CA), an.pem/an.key (signer).
fn write_pki(lt: &LtPki, dir: &Path) {
    lt.pki.root.write(dir, "root");
    lt.sub.write(dir, "sub");
    lt.leaf.write(dir, "an");
}

fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl CLI (apt-get install openssl)")
}

fn extend_args<'a>(lt_url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "extend",
        "--level",
        "B-LT",
        "--trust",
        "root.pem",
        "--tsa",
        lt_url,
        "--tsa-trust",
        "root.pem",
    ];
    v.extend_from_slice(extra);
    v
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn verify_offline(dir: &Path, sig: &str) -> serde_json::Value {
    let v = kyso(
        dir,
        &[
            "verify",
            "--trust",
            "root.pem",
            "--offline",
            "--revocation",
            "required",
            "--format",
            "json",
            sig,
        ],
    );
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    json(&v)
}

#[test]
fn openssl_signatures_extended_to_b_lt_keep_their_signed_bytes_and_validate_offline() {
    let lt = LtPki::new();
    let d = tmpdir("extend-openssl");
    let dir = d.0.as_path();
    write_pki(&lt, dir);
    std::fs::create_dir(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/cv.txt"), "Công văn 15/UBND".as_bytes()).unwrap();
    // Detached (.p7s) and attached (.p7m), by OpenSSL's CMS code.
    for (out, extra) in [("in/cv.txt.p7s", None), ("in/cv.p7m", Some("-nodetach"))] {
        let mut args = vec![
            "cms",
            "-sign",
            "-cades",
            "-binary",
            "-in",
            "in/cv.txt",
            "-signer",
            "an.pem",
            "-inkey",
            "an.key",
            "-certfile",
            "sub.pem",
            "-outform",
            "DER",
            "-out",
            out,
        ];
        args.extend(extra);
        let o = openssl(dir, &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let before: Vec<Vec<u8>> = ["in/cv.txt.p7s", "in/cv.p7m"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();

    let url = lt.tsa.url();
    let o = kyso(dir, &extend_args(&url, &["--format", "json", "in"]));
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let j = json(&o);
    assert_eq!(j["schema"], "kyso.extend/v1");
    assert_eq!(j["summary"]["extended"], 2, "{j:#}");
    for f in j["files"].as_array().unwrap() {
        assert_eq!(f["result"], "extended", "{f:#}");
        assert_eq!(f["signatures"][0]["level_after"], "B-LT");
        assert_eq!(f["signatures"][0]["timestamp_added"], true);
        assert_eq!(f["revocation_values_added"], 3, "{f:#}");
    }
    assert_eq!(lt.tsa.requests(), 2, "one time-stamp per signature");

    for (f, old) in ["in/cv.txt.p7s", "in/cv.p7m"].iter().zip(&before) {
        let new = std::fs::read(dir.join(f)).unwrap();
        assert_eq!(
            signed_parts(&new),
            signed_parts(old),
            "{f}: signed bytes changed"
        );
        // OpenSSL still verifies it (its own path building, the TSA's CRL among the crls).
        let mut args = vec!["cms", "-verify", "-binary", "-inform", "DER", "-in", f];
        args.extend([
            "-CAfile",
            "root.pem",
            "-out",
            "/dev/null",
            "-purpose",
            "any",
        ]);
        if f.ends_with(".p7s") {
            args.extend(["-content", "in/cv.txt"]);
        }
        let v = openssl(dir, &args);
        assert!(
            v.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&v.stderr)
        );
        // kyso, offline, every status required: B-LT from what the file carries.
        let r = verify_offline(dir, f);
        let s0 = &r["documents"][0]["signatures"][0];
        assert_eq!(s0["level"], "B-LT", "{s0:#}");
        assert_eq!(s0["validation_data_embedded"], true);
    }

    // Again: nothing changes, nothing is asked of the TSA, the files are untouched.
    let after: Vec<Vec<u8>> = ["in/cv.txt.p7s", "in/cv.p7m"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    let o = kyso(dir, &extend_args(&url, &["--lang", "en", "in"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("is already B-LT: unchanged"),
        "{}",
        stdout(&o)
    );
    assert_eq!(lt.tsa.requests(), 2);
    for (f, a) in ["in/cv.txt.p7s", "in/cv.p7m"].iter().zip(&after) {
        assert_eq!(&std::fs::read(dir.join(f)).unwrap(), a, "{f} was rewritten");
    }
}

#[test]
fn a_broken_signature_is_refused_and_left_as_it_was() {
    let lt = LtPki::new();
    let d = tmpdir("extend-broken");
    let dir = d.0.as_path();
    write_pki(&lt, dir);
    std::fs::write(dir.join("a.txt"), b"ban goc").unwrap();
    let o = openssl(
        dir,
        &[
            "cms",
            "-sign",
            "-cades",
            "-binary",
            "-in",
            "a.txt",
            "-signer",
            "an.pem",
            "-inkey",
            "an.key",
            "-certfile",
            "sub.pem",
            "-outform",
            "DER",
            "-out",
            "a.txt.p7s",
        ],
    );
    assert!(o.status.success());
    std::fs::write(dir.join("a.txt"), b"ban da sua").unwrap();
    let before = std::fs::read(dir.join("a.txt.p7s")).unwrap();
    let url = lt.tsa.url();
    let o = kyso(dir, &extend_args(&url, &["--lang", "vi", "a.txt.p7s"]));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("không nâng cấp a.txt.p7s (tệp giữ nguyên)"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(dir.join("a.txt.p7s")).unwrap(), before);
    assert_eq!(lt.tsa.requests(), 0);
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // B-T without a TSA is a usage error.
    let o = kyso(
        dir,
        &[
            "extend",
            "--level",
            "B-T",
            "--trust",
            "root.pem",
            "--format",
            "json",
            "a.txt.p7s",
        ],
    );
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn sign_at_b_lt_gives_a_signature_that_validates_offline() {
    let lt = LtPki::new();
    let d = tmpdir("sign-b-lt");
    let dir = d.0.as_path();
    write_pki(&lt, dir);
    std::fs::write(dir.join("qd.txt"), "Quyết định 7/QĐ".as_bytes()).unwrap();
    let url = lt.tsa.url();
    let o = kyso(
        dir,
        &[
            "sign",
            "--key",
            "an.key",
            "--cert",
            "an.pem",
            "--chain",
            "sub.pem",
            "--level",
            "B-LT",
            "--tsa",
            &url,
            "--tsa-trust",
            "root.pem",
            "--trust",
            "root.pem",
            "qd.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(lt.tsa.requests(), 1);
    let r = verify_offline(dir, "qd.txt.p7s");
    assert_eq!(r["documents"][0]["signatures"][0]["level"], "B-LT");

    // Without --trust, B-LT cannot validate the signer's path first: refused up front.
    let o = kyso(
        dir,
        &[
            "sign",
            "--key",
            "an.key",
            "--cert",
            "an.pem",
            "--level",
            "B-LT",
            "--tsa",
            &url,
            "--tsa-trust",
            "root.pem",
            "-o",
            "other.p7s",
            "qd.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--trust"), "{}", stderr(&o));
    assert!(!dir.join("other.p7s").exists());
}

#[test]
fn b_lta_from_the_command_line_validates_offline_and_openssl_still_verifies() {
    let lt = LtPki::new();
    let d = tmpdir("extend-b-lta");
    let dir = d.0.as_path();
    write_pki(&lt, dir);
    std::fs::write(dir.join("hs.txt"), "Hồ sơ 9".as_bytes()).unwrap();
    let url = lt.tsa.url();
    let o = kyso(
        dir,
        &[
            "sign",
            "--key",
            "an.key",
            "--cert",
            "an.pem",
            "--chain",
            "sub.pem",
            "--level",
            "B-LTA",
            "--tsa",
            &url,
            "--tsa-trust",
            "root.pem",
            "--trust",
            "root.pem",
            "hs.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = verify_offline(dir, "hs.txt.p7s");
    let s0 = &r["documents"][0]["signatures"][0];
    assert_eq!(s0["level"], "B-LTA", "{s0:#}");
    // Renewal from the command line: a second archive time-stamp.
    let mut args = extend_args(&url, &["--format", "json", "hs.txt.p7s"]);
    args[2] = "B-LTA";
    let o = kyso(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        json(&o)["files"][0]["signatures"][0]["archive_timestamp_added"],
        true
    );
    let r = verify_offline(dir, "hs.txt.p7s");
    let kinds: Vec<&str> = r["documents"][0]["signatures"][0]["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "signature_time_stamp",
            "archive_time_stamp_v3",
            "archive_time_stamp_v3"
        ]
    );
    let v = openssl(
        dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "hs.txt.p7s",
            "-content",
            "hs.txt",
            "-CAfile",
            "root.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    );
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

/// Signatures made by Bouncy Castle (Debian's libbcpkix-java), detached and attached,
/// extended to B-LTA by `kyso extend`: their SignerInfo keeps its signed bytes, Bouncy Castle
/// still verifies them (and sees the time-stamps and the validation data), kyso passes them
/// offline at B-LTA.
#[test]
fn bouncy_castle_signatures_extended_keep_their_signer_bytes_and_verify_in_both() {
    let lt = LtPki::new();
    let d = tmpdir("extend-bc");
    let dir = d.0.as_path();
    write_pki(&lt, dir);
    let bc = kyso_testkit::bc::BcPeer::get();
    let content = "Tờ trình 3/TTr".as_bytes();
    std::fs::write(dir.join("tt.txt"), content).unwrap();
    let (key, cert, chain) = (lt.leaf.key_pem(), lt.leaf.cert_pem(), lt.sub.cert_pem());
    std::fs::write(
        dir.join("tt.txt.p7s"),
        bc.sign_detached(&key, &cert, &chain, content),
    )
    .unwrap();
    std::fs::write(
        dir.join("tt.p7m"),
        bc.sign_attached(&key, &cert, &chain, content),
    )
    .unwrap();
    let before: Vec<Vec<u8>> = ["tt.txt.p7s", "tt.p7m"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();

    let url = lt.tsa.url();
    let mut args = extend_args(&url, &["tt.txt.p7s", "tt.p7m"]);
    args[2] = "B-LTA";
    let o = kyso(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));

    for (f, old) in ["tt.txt.p7s", "tt.p7m"].iter().zip(&before) {
        let new = std::fs::read(dir.join(f)).unwrap();
        assert_eq!(
            signed_parts(&new),
            signed_parts(old),
            "{f}: signed bytes changed"
        );
        let detached = f.ends_with(".p7s").then_some(content);
        let seen = bc
            .verify(&new, detached)
            .unwrap_or_else(|e| panic!("{f}: Bouncy Castle rejects the extended file: {e}"));
        // signature-time-stamp and archive-time-stamp-v3 as unsigned attributes; the OCSP
        // response in crls.
        assert!(seen.contains("1.2.840.113549.1.9.16.2.14"), "{f}: {seen}");
        assert!(seen.contains("0.4.0.1733.2.4"), "{f}: {seen}");
        assert!(seen.contains("ocsp responses: 1"), "{f}: {seen}");
        let r = verify_offline(dir, f);
        assert_eq!(r["documents"][0]["signatures"][0]["level"], "B-LTA", "{f}");
    }
}
