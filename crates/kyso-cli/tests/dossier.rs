//! `kyso verify --dossier DIR` (issue 15): a folder of documents judged together. Dossiers
//! built here with the test PKI: complete (official then organisation), the organisation's
//! signature missing, the wrong order, a tampered PDF, an unsigned scan (flagged, or allowed
//! by a policy), a signature without its content, a deadline; each verdict, flag and exit code,
//! in JSON (schema-checked) and in the Vietnamese text.

mod common;
mod report_schema;

use std::path::Path;

use common::*;

fn sign(dir: &Path, who: &str, args: &[&str]) {
    let (key, cert) = match who {
        "official" => ("signer-rsa.key", "signer-rsa.pem"),
        _ => ("org-rsa.key", "org-rsa.pem"),
    };
    let mut all = vec![
        "sign".to_string(),
        "--key".into(),
        pki(key),
        "--cert".into(),
        pki(cert),
        "--chain".into(),
        pki("sub-rsa.pem"),
    ];
    all.extend(args.iter().map(|s| s.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = kyso(dir, &all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn pdf(dir: &Path, name: &str) {
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), dir.join(name)).unwrap();
}

/// A complete dossier: a decision signed by the official then the organisation, and a
/// letter whose .p7s the official signed and the organisation co-signed.
fn complete(dir: &Path) {
    pdf(dir, "qd-15.pdf");
    sign(dir, "official", &["qd-15.pdf"]);
    sign(dir, "organisation", &["qd-15.pdf"]);
    std::fs::write(dir.join("cong-van.docx"), "Công văn số 12").unwrap();
    sign(dir, "official", &["cong-van.docx"]);
    sign(
        dir,
        "organisation",
        &["--add-to", "cong-van.docx.p7s", "cong-van.docx"],
    );
}

fn dossier(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["verify", "--format", "json", "--trust"];
    let root_ca = pki("root-rsa.pem");
    all.push(&root_ca);
    all.extend_from_slice(args);
    let o = kyso(dir, &all);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    (o.status.code(), v)
}

fn doc<'a>(v: &'a serde_json::Value, file: &str) -> &'a serde_json::Value {
    v["dossier"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in {:#}", v["dossier"]))
}

fn flags(v: &serde_json::Value, file: &str) -> Vec<String> {
    doc(v, file)["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_complete_dossier_passes_with_each_signer_in_order() {
    let d = tmpdir("dossier-complete");
    let ho_so = d.join("ho-so");
    std::fs::create_dir(&ho_so).unwrap();
    complete(&ho_so);
    let (code, v) = dossier(&d, &["--dossier", "ho-so"]);
    assert_eq!(code, Some(0), "{:#}", v["dossier"]);
    assert_eq!(v["dossier"]["indication"], "TOTAL-PASSED");
    assert_eq!(
        v["dossier"]["counts"],
        serde_json::json!({"documents": 2, "signed": 2, "unsigned": 0, "flagged": 0})
    );
    let qd = doc(&v, "qd-15.pdf");
    assert_eq!(qd["signature_files"], serde_json::json!(["qd-15.pdf"]));
    assert_eq!(qd["signers"][0]["name"], "Nguyễn Văn An");
    assert_eq!(qd["signers"][0]["role"]["role"], "person");
    assert_eq!(
        qd["signers"][0]["identifiers"],
        serde_json::json!(["CCCD:001085012345"])
    );
    assert_eq!(qd["signers"][1]["name"], "Sở Nội vụ tỉnh Hà Nam");
    assert_eq!(qd["signers"][1]["organisation"], "Sở Nội vụ tỉnh Hà Nam");
    assert_eq!(qd["signers"][1]["role"]["role"], "organisation");
    assert_eq!(qd["signing_order"]["verdict"], "official_then_organisation");
    // The PDF's /M is the claimed time; no time-stamp proves it.
    assert!(qd["signers"][0]["time"].is_string(), "{qd:#}");
    assert_eq!(qd["signers"][0]["time_proven"], false);
    let cv = doc(&v, "cong-van.docx");
    assert_eq!(
        cv["signature_files"],
        serde_json::json!(["cong-van.docx.p7s"])
    );
    assert_eq!(
        cv["signing_order"]["verdict"], "official_then_organisation",
        "{cv:#}"
    );
    // Each signer points at its signature in documents[].
    let (di, si) = (
        cv["signers"][1]["document_index"].as_u64().unwrap() as usize,
        cv["signers"][1]["signature_index"].as_u64().unwrap() as usize,
    );
    assert_eq!(v["documents"][di]["signature_file"], "cong-van.docx.p7s");
    assert!(v["documents"][di]["signatures"][si]["signer"]["subject"]
        .as_str()
        .unwrap()
        .contains("Sở Nội vụ"));

    // Without a trust anchor nothing is proven: INDETERMINATE, exit 3.
    let o = kyso(&d, &["verify", "--format", "json", "--dossier", "ho-so"]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));

    // The Vietnamese text.
    let o = kyso(
        &d,
        &[
            "verify",
            "--lang",
            "vi",
            "--trust",
            &pki("root-rsa.pem"),
            "--dossier",
            "ho-so",
        ],
    );
    let t = stdout(&o);
    assert!(
        t.contains("hồ sơ ho-so: TOTAL-PASSED (đầy đủ, hợp lệ)"),
        "{t}"
    );
    assert!(t.contains("✓ qd-15.pdf: Nguyễn Văn An (cá nhân, "), "{t}");
    assert!(
        t.contains(", sau đó Sở Nội vụ tỉnh Hà Nam (tổ chức, "),
        "{t}"
    );
    assert!(
        t.contains("2 tài liệu: 2 đã ký, 0 chưa ký, 0 cần xem lại"),
        "{t}"
    );
}

#[test]
fn every_problem_of_a_dossier_is_flagged_and_exits_1() {
    let d = tmpdir("dossier-problems");
    complete(&d);
    // The organisation's signature missing.
    pdf(&d, "to-trinh.pdf");
    sign(&d, "official", &["to-trinh.pdf"]);
    // The wrong order.
    pdf(&d, "sai-thu-tu.pdf");
    sign(&d, "organisation", &["sai-thu-tu.pdf"]);
    sign(&d, "official", &["sai-thu-tu.pdf"]);
    // Tampered after signing: one byte of the signed range.
    pdf(&d, "sua.pdf");
    sign(&d, "official", &["sua.pdf"]);
    sign(&d, "organisation", &["sua.pdf"]);
    let mut b = std::fs::read(d.join("sua.pdf")).unwrap();
    let at = b.windows(11).position(|w| w == b"Hello World").unwrap();
    b[at] = b'J';
    std::fs::write(d.join("sua.pdf"), b).unwrap();
    // An unsigned scan, an unsigned PDF and a signature whose content is gone.
    std::fs::write(d.join("cccd.jpg"), [0xff, 0xd8, 0xff, 0xe0]).unwrap();
    pdf(&d, "phu-luc.pdf");
    std::fs::write(d.join("mat.txt"), "x").unwrap();
    sign(&d, "official", &["mat.txt"]);
    std::fs::remove_file(d.join("mat.txt")).unwrap();

    let (code, v) = dossier(&d, &["--dossier", "."]);
    assert_eq!(code, Some(1), "{:#}", v["dossier"]);
    assert_eq!(v["dossier"]["indication"], "TOTAL-FAILED");
    assert!(flags(&v, "qd-15.pdf").is_empty());
    assert!(flags(&v, "cong-van.docx").is_empty());
    assert_eq!(
        flags(&v, "to-trinh.pdf"),
        ["missing_organisation_signature"]
    );
    assert_eq!(
        flags(&v, "sai-thu-tu.pdf"),
        ["organisation_before_official"]
    );
    assert_eq!(flags(&v, "sua.pdf"), ["failed_signature"]);
    assert_eq!(flags(&v, "cccd.jpg"), ["unsigned"]);
    assert_eq!(flags(&v, "phu-luc.pdf"), ["unsigned"]);
    assert!(doc(&v, "phu-luc.pdf")["signature_files"]
        .as_array()
        .unwrap()
        .is_empty());
    let lost = flags(&v, "mat.txt");
    assert!(lost.contains(&"content_missing".to_string()), "{lost:?}");
    assert_eq!(
        v["dossier"]["counts"],
        serde_json::json!({"documents": 8, "signed": 6, "unsigned": 2, "flagged": 6})
    );
    let t = stdout(&kyso(
        &d,
        &[
            "verify",
            "--lang",
            "vi",
            "--trust",
            &pki("root-rsa.pem"),
            "--dossier",
            ".",
        ],
    ));
    assert!(t.contains("✗ to-trinh.pdf: Nguyễn Văn An (cá nhân"), "{t}");
    assert!(t.contains("thiếu chữ ký của cơ quan, tổ chức"), "{t}");
    assert!(
        t.contains("cơ quan, tổ chức ký trước người có thẩm quyền"),
        "{t}"
    );
    assert!(t.contains("✗ cccd.jpg\n      chưa ký"), "{t}");

    // A policy that lets scans go unsigned and does not need the organisation on drafts.
    std::fs::write(
        d.join("policy.toml"),
        std::fs::read_to_string(root().join("crates/kyso/policies/agency-default.toml")).unwrap()
            + "\n[dossier]\nunsigned_allowed = [\"*.JPG\"]\norganisation_required = [\"*\"]\nofficial_required = [\"qd-*\"]\n",
    )
    .unwrap();
    let (_, v) = dossier(&d, &["--policy", "policy.toml", "--dossier", "."]);
    assert!(flags(&v, "cccd.jpg").is_empty());
    assert_eq!(flags(&v, "phu-luc.pdf"), ["unsigned"]);
    // A deadline before the signing: every signed document is late.
    let (code, v) = dossier(&d, &["--dossier", ".", "--deadline", "2020-01-01"]);
    assert_eq!(code, Some(1));
    assert_eq!(v["dossier"]["deadline"], "2020-01-01T16:59:59Z");
    assert_eq!(flags(&v, "qd-15.pdf"), ["signed_after_deadline"]);
    let (_, v) = dossier(
        &d,
        &["--dossier", ".", "--deadline", "2099-12-31T00:00:00Z"],
    );
    assert!(flags(&v, "qd-15.pdf").is_empty());
}

#[test]
fn dossier_usage_errors() {
    let d = tmpdir("dossier-usage");
    std::fs::write(d.join("a.txt"), "x").unwrap();
    // Not a folder.
    let o = kyso(&d, &["verify", "--dossier", "a.txt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a folder"), "{}", stderr(&o));
    // --deadline needs --dossier; --dossier takes no SIG.
    let o = kyso(&d, &["verify", "--deadline", "2026-01-01", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let o = kyso(&d, &["verify", "--dossier", ".", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let o = kyso(
        &d,
        &["verify", "--dossier", ".", "--json", "--schema", "v1"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not JUnit, not --schema v1"),
        "{}",
        stderr(&o)
    );
    // A bad pattern in the policy is refused when the policy is read.
    std::fs::write(
        d.join("bad.toml"),
        std::fs::read_to_string(root().join("crates/kyso/policies/agency-default.toml")).unwrap()
            + "\n[dossier]\nunsigned_allowed = [\"[\"]\n",
    )
    .unwrap();
    let o = kyso(&d, &["verify", "--policy", "bad.toml", "--dossier", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("pattern '['"), "{}", stderr(&o));
}
