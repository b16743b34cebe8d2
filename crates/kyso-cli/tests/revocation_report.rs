//! Issue 10, the report: every certificate's revocation status says where it came from — a
//! CRL embedded in the signature or a `--crl` file (named), its issuer, its thisUpdate and
//! nextUpdate — in JSON and in a text line in English and Vietnamese, for `verify` and `chain`.
//! The CRLs here have fixed times, so the goldens show the times as a person reads them
//! (local time, Asia/Ho_Chi_Minh in the tests).

mod common;
mod report_schema;

use std::path::Path;

use common::*;
use kyso_testkit::cms::{self, CmsSpec, SignerSpec};
use kyso_testkit::{CertSpec, CrlSpec, Issued, Pki};

/// The PKI written to `d`, a good and a revoked signer (keyCompromise on the sub CA's
/// `sub.crl`), and a detached signature by each over `content.txt` carrying the root's CRL.
fn setup(d: &Path) {
    let pki = Pki::new();
    pki.write(d);
    let good = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    let revoked = pki.leaf(CertSpec::ee("Trần Thị Bình"));
    good.write(d, "good");
    revoked.write(d, "revoked");
    let sub_crl = pki.crl(
        &pki.sub,
        &CrlSpec::default().revoke(&revoked, "2026-05-15T00:00:00Z", Some(1)),
    );
    std::fs::write(d.join("sub.crl"), sub_crl).unwrap();
    let root_crl = pki.crl(&pki.root, &CrlSpec::default());
    std::fs::write(d.join("root.crl"), &root_crl).unwrap();
    let content = "Quyết định số 10/QĐ-UBND".as_bytes();
    std::fs::write(d.join("content.txt"), content).unwrap();
    let sign = |leaf: &Issued, name: &str| {
        let spec = CmsSpec {
            signers: vec![SignerSpec::new(leaf)],
            certs: vec![leaf.clone(), pki.sub.clone()],
            attached: false,
            crls: vec![root_crl.clone()],
        };
        std::fs::write(d.join(name), cms::sign(content, &spec)).unwrap();
    };
    sign(&good, "good.p7s");
    sign(&revoked, "revoked.p7s");
}

fn verify_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "verify",
        "--trust",
        "root.pem",
        "--content",
        "content.txt",
        "--crl",
        "sub.crl",
        "--at",
        AT,
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn verify_json_gives_each_chain_certificate_its_status_and_source() {
    let d = tmpdir("revreport-verify-json");
    setup(&d);
    let json = |sig: &str, code: i32| {
        let out = kyso(&d, &verify_args(&["--json", sig]));
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = json("good.p7s", 0);
    let good = &v["documents"][0]["signatures"][0];
    assert_eq!(good["indication"], "TOTAL-PASSED", "{good:#}");
    let statuses = good["revocation"].as_array().unwrap();
    assert_eq!(statuses.len(), good["chain"].as_array().unwrap().len());
    assert_eq!(statuses[0]["status"], "good");
    assert_eq!(
        statuses[0]["evidence"],
        serde_json::json!({
            "kind": "crl",
            "source": "file",
            "path": "sub.crl",
            "issuer_or_responder": "CN=Kyso Testkit Sub CA,O=Kyso Testkit,C=VN",
            "this_update": "2026-05-01T00:00:00Z",
            "next_update": "2026-07-01T00:00:00Z",
            "produced_at": null,
        })
    );
    // The sub CA's status is from the root's CRL the signature carries.
    assert_eq!(statuses[1]["status"], "good");
    assert_eq!(statuses[1]["evidence"]["source"], "embedded");
    assert_eq!(statuses[1]["evidence"]["path"], serde_json::Value::Null);
    assert_eq!(
        statuses[1]["evidence"]["issuer_or_responder"],
        "CN=Kyso Testkit Root CA,O=Kyso Testkit,C=VN"
    );
    assert_eq!(statuses[2], serde_json::json!({"status": "not_checked"}));

    let v = json("revoked.p7s", 3);
    let revoked = &v["documents"][0]["signatures"][0];
    assert_eq!(revoked["sub_indication"], "REVOKED_NO_POE");
    let leaf = &revoked["revocation"][0];
    assert_eq!(leaf["status"], "revoked");
    assert_eq!(leaf["reason"], "keyCompromise");
    assert_eq!(leaf["revoked_at"], "2026-05-15T00:00:00Z");
    assert_eq!(leaf["evidence"]["path"], "sub.crl");
}

#[test]
fn verify_text_says_where_each_status_came_from_in_both_languages() {
    let d = tmpdir("revreport-verify-text");
    setup(&d);
    for lang in ["en", "vi"] {
        let mut text = String::new();
        for (sig, code) in [("good", 0), ("revoked", 3)] {
            let out = kyso(&d, &verify_args(&["--lang", lang, &format!("{sig}.p7s")]));
            assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
            golden(&format!("verify-revocation-{sig}-{lang}"), &out);
            text.push_str(&stdout(&out));
        }
        let (good, revoked, embedded) = if lang == "vi" {
            (
                "trạng thái thu hồi: chưa bị thu hồi, theo CRL (tệp sub.crl) của CN=Kyso Testkit Sub CA,O=Kyso Testkit,C=VN, cập nhật 2026-05-01 07:00:00 +07:00, lần cập nhật sau 2026-07-01 07:00:00 +07:00",
                "trạng thái thu hồi: ĐÃ BỊ THU HỒI lúc 2026-05-15 07:00:00 +07:00, lý do: lộ khóa bí mật (keyCompromise), theo CRL (tệp sub.crl)",
                "theo CRL (kèm trong chữ ký) của CN=Kyso Testkit Root CA",
            )
        } else {
            (
                "revocation: good, per CRL (file sub.crl) from CN=Kyso Testkit Sub CA,O=Kyso Testkit,C=VN, updated 2026-05-01 07:00:00 +07:00, next update 2026-07-01 07:00:00 +07:00",
                "revocation: REVOKED at 2026-05-15 07:00:00 +07:00, reason: keyCompromise, per CRL (file sub.crl)",
                "per CRL (embedded in the signature) from CN=Kyso Testkit Root CA",
            )
        };
        for want in [good, revoked, embedded] {
            assert!(text.contains(want), "{want}\nnot in:\n{text}");
        }
    }
}

#[test]
fn chain_text_and_json_say_where_each_status_came_from() {
    let d = tmpdir("revreport-chain");
    setup(&d);
    let chain = |extra: &[&str]| {
        let mut a = vec![
            "chain",
            "--trust",
            "root.pem",
            "--intermediates",
            "chain.pem",
            "--crl",
            "sub.crl",
            "--crl",
            "root.crl",
            "--at",
            AT,
        ];
        a.extend_from_slice(extra);
        kyso(&d, &a)
    };
    for lang in ["en", "vi"] {
        for cert in ["good", "revoked"] {
            let out = chain(&["--lang", lang, &format!("{cert}.pem")]);
            let want = if cert == "good" { 0 } else { 1 };
            assert_eq!(out.status.code(), Some(want), "{}", stderr(&out));
            golden(&format!("chain-revocation-{cert}-{lang}"), &out);
        }
    }
    let out = chain(&["--format", "json", "good.pem"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v["path"][1]["revocation"]["evidence"];
    assert_eq!(e["kind"], "crl");
    assert_eq!(e["source"], "file");
    assert_eq!(
        e["path"], "root.crl",
        "the sub CA's status is from the root's CRL file"
    );
    assert_eq!(v["path"][2]["revocation"]["status"], "not_checked");
}

#[test]
fn a_revocation_listed_by_a_stale_crl_says_the_crl_is_stale() {
    let d = tmpdir("revreport-stale");
    // The sub CA's CRL, past its nextUpdate at AT, still lists the revoked signer.
    let pki = Pki::new();
    pki.write(&d);
    let revoked = pki.leaf(CertSpec::ee("Trần Thị Bình"));
    revoked.write(&d, "revoked");
    let stale = CrlSpec::default()
        .updates("2026-05-01T00:00:00Z", Some("2026-05-20T00:00:00Z"))
        .revoke(&revoked, "2026-05-15T00:00:00Z", Some(1));
    std::fs::write(d.join("stale.crl"), pki.crl(&pki.sub, &stale)).unwrap();
    std::fs::write(d.join("root.crl"), pki.crl(&pki.root, &CrlSpec::default())).unwrap();
    for (lang, want) in [
        (
            "en",
            "per CRL (file stale.crl) from CN=Kyso Testkit Sub CA,O=Kyso Testkit,C=VN, updated 2026-05-01 07:00:00 +07:00, next update 2026-05-20 07:00:00 +07:00 (that CRL's next update, 2026-05-20 07:00:00 +07:00, has passed, but a revoked certificate stays revoked)",
        ),
        (
            "vi",
            "theo CRL (tệp stale.crl) của CN=Kyso Testkit Sub CA,O=Kyso Testkit,C=VN, cập nhật 2026-05-01 07:00:00 +07:00, lần cập nhật sau 2026-05-20 07:00:00 +07:00 (CRL này đã quá hạn cập nhật từ 2026-05-20 07:00:00 +07:00, nhưng chứng thư số đã bị thu hồi thì không có hiệu lực trở lại)",
        ),
    ] {
        let out = kyso(
            &d,
            &[
                "chain",
                "--trust",
                "root.pem",
                "--intermediates",
                "chain.pem",
                "--crl",
                "stale.crl",
                "--crl",
                "root.crl",
                "--at",
                AT,
                "--lang",
                lang,
                "revoked.pem",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stdout(&out).contains(want), "{want}\nnot in:\n{}", stdout(&out));
    }
}
