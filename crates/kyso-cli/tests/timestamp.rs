//! `kyso sign --tsa` (CAdES B-T) and `kyso verify` of the result, end to end against the
//! testkit's loopback TSA (the real `openssl ts -reply`).

mod common;
mod report_schema;

use common::*;
use kyso_testkit::tsa::{Mode, Tsa, TsaCert};
use kyso_testkit::{CertSpec, Pki};

#[test]
fn sign_with_a_tsa_gives_b_t_that_verify_reports_in_both_languages() {
    let d = tmpdir("tsa-b-t");
    let pki = Pki::new();
    pki.write(d.0.as_path());
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    leaf.write(d.0.as_path(), "an");
    let tsa_root = tsa.trust_file(TsaCert::Good).display().to_string();
    std::fs::write(d.0.as_path().join("doc.txt"), b"quyet dinh").unwrap();
    let url = tsa.url();
    let sign = |extra: &[&str]| {
        let mut args = vec![
            "sign",
            "--key",
            "an.key",
            "--cert",
            "an.pem",
            "--chain",
            "sub.pem",
            "--tsa",
            &url,
            "--tsa-trust",
            &tsa_root,
            "--force",
        ];
        args.extend_from_slice(extra);
        args.push("doc.txt");
        kyso(d.0.as_path(), &args)
    };
    let out = sign(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(tsa.requests(), 1);

    let v = kyso(
        d.0.as_path(),
        &[
            "verify",
            "--trust",
            "root.pem",
            "--format",
            "json",
            "doc.txt.p7s",
        ],
    );
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    let j: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let s0 = &j["documents"][0]["signatures"][0];
    assert_eq!(s0["level"], "B-T");
    assert_eq!(s0["timestamps"][0]["indication"], "TOTAL-PASSED");
    let check = s0["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "timestamp")
        .unwrap();
    assert_eq!(check["result"], "passed");

    for (lang, words) in [
        ("en", "time-stamp: the signature existed at"),
        ("vi", "dấu thời gian: chữ ký đã tồn tại lúc"),
    ] {
        let t = kyso(
            d.0.as_path(),
            &[
                "verify",
                "--trust",
                "root.pem",
                "--lang",
                lang,
                "doc.txt.p7s",
            ],
        );
        assert!(stdout(&t).contains(words), "{lang}: {}", stdout(&t));
    }

    // A TSA that refuses: the file is not signed, the old signature stays, exit 1.
    let before = std::fs::read(d.0.as_path().join("doc.txt.p7s")).unwrap();
    tsa.set_mode(Mode::Rejection);
    let out = sign(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("refused the request"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(d.0.as_path().join("doc.txt.p7s")).unwrap(),
        before
    );

    // --level B-T without --tsa is a usage mistake with the way out; --tsa without a trust
    // anchor for the TSA is refused before anything is signed.
    let out = kyso(
        d.0.as_path(),
        &[
            "sign", "--key", "an.key", "--cert", "an.pem", "--level", "B-T", "--force", "doc.txt",
        ],
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("--tsa URL"), "{}", stderr(&out));
    let out = kyso(
        d.0.as_path(),
        &[
            "sign", "--key", "an.key", "--cert", "an.pem", "--tsa", &url, "--force", "doc.txt",
        ],
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("--tsa-trust"), "{}", stderr(&out));
}

/// A TSA that asks for HTTP basic credentials: the password comes from a secret source
/// (never argv) and reaches the TSA as RFC 7617 credentials; over plain http to anything but
/// loopback, kyso refuses to send them and signs nothing.
#[test]
fn tsa_credentials_come_from_a_secret_source_and_never_go_in_the_clear() {
    let d = tmpdir("tsa-basic-auth");
    let pki = Pki::new();
    pki.write(d.0.as_path());
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    leaf.write(d.0.as_path(), "an");
    let tsa_root = tsa.trust_file(TsaCert::Good).display().to_string();
    std::fs::write(d.0.as_path().join("doc.txt"), b"quyet dinh").unwrap();
    let sign = |url: &str| {
        kyso_env(
            d.0.as_path(),
            &[
                "sign",
                "--key",
                "an.key",
                "--cert",
                "an.pem",
                "--tsa",
                url,
                "--tsa-trust",
                &tsa_root,
                "--tsa-user",
                "vanthu",
                "--tsa-pass",
                "env:KYSO_TSA_PW",
                "--force",
                "doc.txt",
            ],
            &[("KYSO_TSA_PW", "mật-khẩu")],
        )
    };
    let out = sign(&tsa.url());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let seen: Vec<Option<String>> = tsa
        .server()
        .log()
        .into_iter()
        .map(|r| r.authorization)
        .collect();
    // base64("vanthu:mật-khẩu") in UTF-8 (RFC 7617), computed with Python's base64.
    assert_eq!(
        seen,
        [Some("Basic dmFudGh1Om3huq10LWto4bqpdQ==".to_string())]
    );

    let before = tsa.requests();
    let out = sign("http://tsa.example.vn/tsa");
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("never in the clear"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("mật-khẩu"),
        "the password is never shown"
    );
    assert_eq!(tsa.requests(), before);
}
