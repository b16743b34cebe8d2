//! The document-level line of a PDF's report (issue 14): each signer's role read from its
//! certificate, and the order "the official, then the organisation" that Decree 30/2020 asks
//! of an issued document, in JSON and in the Vietnamese text, for the right order, the wrong
//! one, a missing organisation signature and a signer whose role the certificate does not say.

mod common;
mod report_schema;

use std::path::Path;

use common::*;
use kyso_testkit::pki::{CertSpec, Pki};

fn sign(dir: &Path, key: &str, cert: &str, file: &str) {
    let o = kyso(
        dir,
        &[
            "sign",
            "--key",
            key,
            "--cert",
            cert,
            "--chain",
            &pki("sub-rsa.pem"),
            file,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn official(dir: &Path, file: &str) {
    sign(dir, &pki("signer-rsa.key"), &pki("signer-rsa.pem"), file);
}

fn organisation(dir: &Path, file: &str) {
    sign(dir, &pki("org-rsa.key"), &pki("org-rsa.pem"), file);
}

fn report(dir: &Path, file: &str) -> serde_json::Value {
    let o = kyso(
        dir,
        &[
            "verify",
            "--format",
            "json",
            "--trust",
            &pki("root-rsa.pem"),
            file,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["documents"][0].clone()
}

fn text(dir: &Path, file: &str) -> String {
    let o = kyso(
        dir,
        &[
            "verify",
            "--lang",
            "vi",
            "--trust",
            &pki("root-rsa.pem"),
            file,
        ],
    );
    stdout(&o)
}

fn pdf(dir: &Path, name: &str) {
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), dir.join(name)).unwrap();
}

#[test]
fn the_official_then_the_organisation_is_the_decree_30_order() {
    let d = tmpdir("order-right");
    pdf(&d, "qd.pdf");
    official(&d, "qd.pdf");
    organisation(&d, "qd.pdf");
    let doc = report(&d, "qd.pdf");
    let sigs = doc["signatures"].as_array().unwrap();
    assert_eq!(sigs[0]["signer_role"]["role"], "person");
    assert_eq!(sigs[0]["signer_role"]["basis"], "personal_identifier");
    assert_eq!(sigs[0]["signer_role"]["evidence"], "UID=CCCD:001085012345");
    assert_eq!(sigs[1]["signer_role"]["role"], "organisation");
    assert_eq!(sigs[1]["signer_role"]["evidence"], "UID=MST:0700123456");
    assert_eq!(
        doc["signing_order"]["verdict"],
        "official_then_organisation"
    );
    assert_eq!(
        doc["signing_order"]["signers"],
        serde_json::json!([
            {"signature": 0, "role": "person"},
            {"signature": 1, "role": "organisation"}
        ])
    );
    let t = text(&d, "qd.pdf");
    assert!(
        t.contains(
            "thứ tự ký: Nguyễn Văn An (cá nhân), sau đó Sở Nội vụ tỉnh Hà Nam (tổ chức) — đúng thứ tự Nghị định 30/2020 quy định cho văn bản phát hành"
        ),
        "{t}"
    );
    // The personal ID in the evidence is masked in text, as in the signer line.
    assert!(
        t.contains("vai trò: cá nhân (người có thẩm quyền), theo UID=CCCD:0010…345"),
        "{t}"
    );
}

#[test]
fn the_organisation_first_and_a_missing_organisation_are_named() {
    let d = tmpdir("order-wrong");
    pdf(&d, "wrong.pdf");
    organisation(&d, "wrong.pdf");
    official(&d, "wrong.pdf");
    let doc = report(&d, "wrong.pdf");
    assert_eq!(
        doc["signing_order"]["verdict"],
        "organisation_before_official"
    );
    assert!(text(&d, "wrong.pdf").contains("có cá nhân ký sau cơ quan, tổ chức"));

    pdf(&d, "draft.pdf");
    official(&d, "draft.pdf");
    let doc = report(&d, "draft.pdf");
    assert_eq!(doc["signing_order"]["verdict"], "official_only");
    assert!(text(&d, "draft.pdf").contains("thiếu chữ ký của cơ quan, tổ chức"));

    pdf(&d, "seal.pdf");
    organisation(&d, "seal.pdf");
    assert_eq!(
        report(&d, "seal.pdf")["signing_order"]["verdict"],
        "organisation_only"
    );

    // A .p7s has no signing order: CMS SignerInfos are a SET, not a sequence.
    std::fs::write(d.join("cv.txt"), "Công văn").unwrap();
    official(&d, "cv.txt");
    let doc = report(&d, "cv.txt.p7s");
    assert!(doc.get("signing_order").is_none(), "{doc:#}");
    assert_eq!(doc["signatures"][0]["signer_role"]["role"], "person");
}

#[test]
fn a_signer_whose_certificate_does_not_say_makes_the_order_unknown() {
    let d = tmpdir("order-unknown");
    // A name and an organisation only: no identifier, no statement, no policy.
    let other = Pki::new();
    let leaf = other.leaf(CertSpec::ee("Lê Văn Cường").named("Sở Tư pháp", "Lê Văn Cường"));
    let cert = leaf.write(&d, "cuong");
    other.sub.write(&d, "other-sub");
    other.root.write(&d, "other-root");
    pdf(&d, "qd.pdf");
    official(&d, "qd.pdf");
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            "cuong.key",
            "--cert",
            cert.to_str().unwrap(),
            "--chain",
            "other-sub.pem",
            "qd.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = kyso(
        &d,
        &[
            "verify",
            "--format",
            "json",
            "--trust",
            &pki("root-rsa.pem"),
            "--trust",
            "other-root.pem",
            "qd.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let doc = &v["documents"][0];
    let sigs = doc["signatures"].as_array().unwrap();
    assert_eq!(sigs[1]["signer_role"]["role"], "unknown");
    assert_eq!(sigs[1]["signer_role"]["basis"], "no_evidence");
    assert_eq!(doc["signing_order"]["verdict"], "role_unknown");
}
