//! Golden tests of the `kyso` command line: output and exit codes of the product contract.
//! Refresh the golden files with `UPDATE_GOLDEN=1 cargo test -p kyso-cli --test cli`.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn verify_text_english_golden() {
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--lang",
            "en",
            "cong-van.txt.p7s",
        ],
    );
    golden("verify-cosigned-en", &out);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn verify_text_vietnamese_golden() {
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--lang",
            "vi",
            "to-trinh.txt.p7m",
        ],
    );
    golden("verify-attached-vi", &out);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn verify_json_golden_and_schema() {
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--json",
            "cong-van.txt.p7s",
            "to-trinh.txt.p7m",
        ],
    );
    golden("verify-json", &out);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("exactly one JSON document");
    assert_eq!(v["schema"], "kyso.verify/v2");
    assert_eq!(v["summary"]["total"], 2);
    assert_eq!(v["summary"]["passed"], 2);
    let sigs = v["documents"][0]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "both co-signatures are reported");
    for s in sigs {
        assert!(s["signing_time"].is_string());
        let checks = s["checks"].as_array().unwrap();
        let revocation = checks.iter().find(|c| c["check"] == "revocation").unwrap();
        assert_eq!(
            revocation["result"], "skipped",
            "a check not performed is never reported as passed"
        );
    }
}

/// `--schema v1` keeps printing the kyso.verify/v1 document for programs written against it.
#[test]
fn verify_json_schema_v1_is_unchanged() {
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--json",
            "--schema",
            "v1",
            "cong-van.txt.p7s",
            "to-trinh.txt.p7m",
        ],
    );
    golden("verify-json-v1", &out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "kyso.verify/v1");
}

/// Failures carry their code and typed evidence, hints are data, and the text output turns
/// the hint into advice naming the CLI's flags.
#[test]
fn verify_json_v2_failure_has_code_evidence_and_hint() {
    let d = tmpdir("tamper-json");
    std::fs::copy(
        samples().join("cong-van.txt.p7s"),
        d.join("cong-van.txt.p7s"),
    )
    .unwrap();
    let mut content = std::fs::read(samples().join("cong-van.txt")).unwrap();
    content[10] ^= 1;
    std::fs::write(d.join("cong-van.txt"), content).unwrap();
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            &pki("trust.pem"),
            "--at",
            AT,
            "--json",
            "cong-van.txt.p7s",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = v["documents"][0]["signatures"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "message_digest")
        .unwrap()
        .clone();
    assert_eq!(check["result"], "failed");
    assert_eq!(check["sub_indication"], "HASH_FAILURE");
    assert_eq!(check["reason"]["code"], "digest_mismatch");
    assert_eq!(check["reason"]["algorithm"], "sha256");
    assert_eq!(check["reason"]["expected"].as_str().unwrap().len(), 64);
    assert_ne!(check["reason"]["expected"], check["reason"]["computed"]);
    assert_eq!(check["hint"]["code"], "wrong_content");
    assert!(
        !check["message"].as_str().unwrap().contains("--"),
        "{check}"
    );
    // No trust anchor: the hint is data in JSON and flag advice in text.
    let out = kyso(
        &samples(),
        &["verify", "--at", AT, "--json", "cong-van.txt.p7s"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let chain = &v["documents"][0]["signatures"][0]["checks"][7];
    assert_eq!(chain["check"], "certificate_chain");
    assert_eq!(chain["reason"]["code"], "no_trust_anchors");
    assert_eq!(chain["hint"]["code"], "missing_trust_anchor");
    let out = kyso(&samples(), &["verify", "--at", AT, "cong-van.txt.p7s"]);
    assert!(stdout(&out).contains("hint: pass the root certificate with --trust"));
}

#[test]
fn tampered_content_fails_with_hash_failure_and_exit_1() {
    let d = tmpdir("tamper");
    std::fs::copy(
        samples().join("cong-van.txt.p7s"),
        d.join("cong-van.txt.p7s"),
    )
    .unwrap();
    let mut content = std::fs::read(samples().join("cong-van.txt")).unwrap();
    content[10] ^= 1;
    std::fs::write(d.join("cong-van.txt"), content).unwrap();
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            &pki("trust.pem"),
            "--at",
            AT,
            "cong-van.txt.p7s",
        ],
    );
    golden("verify-tampered", &out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("HASH_FAILURE"));
}

#[test]
fn no_trust_anchor_is_indeterminate_exit_3_with_hint() {
    let out = kyso(&samples(), &["verify", "--at", AT, "cong-van.txt.p7s"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("NO_CERTIFICATE_CHAIN_FOUND"));
    assert!(stderr(&out).contains("--trust"));
}

#[test]
fn not_cms_is_format_failure_exit_1() {
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--content",
            "cong-van.txt",
            "cong-van.txt",
        ],
    );
    golden("verify-not-cms", &out);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn missing_input_is_exit_2_naming_the_file() {
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "does-not-exist.p7s",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does-not-exist.p7s"));
    let out = kyso(&samples(), &["verify", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn directory_inputs_are_searched_and_reported_in_order() {
    let out = kyso(
        &root().join("testdata"),
        &[
            "verify",
            "--trust",
            "pki/trust.pem",
            "--at",
            AT,
            "--json",
            "samples",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["signature_file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec!["samples/cong-van.txt.p7s", "samples/to-trinh.txt.p7m"]
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn sign_batch_then_verify_and_outputs_are_never_clobbered() {
    let d = tmpdir("batch");
    for n in ["a.txt", "b.txt", "c.txt"] {
        std::fs::write(d.join(n), format!("văn bản {n}")).unwrap();
    }
    let (key, cert) = (pki("signer-rsa.key"), pki("signer-rsa.pem"));
    let sign = |extra: &[&str]| {
        let mut args = vec!["sign", "--key", key.as_str(), "--cert", cert.as_str()];
        args.extend_from_slice(extra);
        kyso(&d, &args)
    };
    let out = sign(&["a.txt", "b.txt", "c.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = std::fs::read(d.join("a.txt.p7s")).unwrap();
    // An existing output is not overwritten without --force, and is left intact.
    let out = sign(&["a.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--force"));
    assert_eq!(std::fs::read(d.join("a.txt.p7s")).unwrap(), before);
    // A failed run (wrong password) does not touch the existing output either.
    let enc = pki("signer-rsa.enc.key");
    let out = kyso_env(
        &d,
        &[
            "sign",
            "--key",
            &enc,
            "--cert",
            &cert,
            "--pass",
            "env:KYSO_T_PW",
            "--force",
            "a.txt",
        ],
        &[("KYSO_T_PW", "wrong")],
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("wrong password"), "{}", stderr(&out));
    assert_eq!(std::fs::read(d.join("a.txt.p7s")).unwrap(), before);
    let leftovers = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("kyso-tmp"))
        .count();
    assert_eq!(leftovers, 0, "temporary files left behind");
    // -o with several inputs is a usage error.
    let out = sign(&["-o", "x.p7s", "a.txt", "b.txt"]);
    assert_eq!(out.status.code(), Some(2));
    // The right password works, and all three verify in one run.
    let out = kyso_env(
        &d,
        &[
            "sign",
            "--key",
            &enc,
            "--cert",
            &cert,
            "--pass",
            "env:KYSO_T_PW",
            "--force",
            "a.txt",
        ],
        &[("KYSO_T_PW", "kyso-test")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            &pki("trust.pem"),
            "--intermediates",
            &pki("chain-rsa.pem"),
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("3 documents: 3 passed"));
}

#[test]
fn passwords_are_never_taken_from_the_command_line() {
    let out = kyso(
        &samples(),
        &[
            "sign",
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "kyso-test",
            "cong-van.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("env:VAR"));
}

#[test]
fn refusals_say_why() {
    let d = tmpdir("refuse");
    std::fs::write(d.join("x.txt"), "x").unwrap();
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("expired-rsa.key"),
            "--cert",
            &pki("expired-rsa.pem"),
            "x.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("expired"));
    assert!(!d.join("x.txt.p7s").exists());
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("org-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "x.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not belong"));
}

#[test]
fn inspect_renders_vietnamese_names_and_uid_labels() {
    let out = kyso(&root(), &["inspect", "--lang", "vi", &pki("bmp-rsa.pem")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("CN=Đặng Thị Giang"), "{text}");
    assert!(text.contains("UID=HC:B1234567 (hộ chiếu)"), "{text}");
    assert!(text.contains("SHA-256: "));
    let out = kyso(
        &samples(),
        &["inspect", "--format", "json", "cong-van.txt.p7s"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let content = &v["files"][0]["content"];
    assert_eq!(content["kind"], "signed_data");
    assert_eq!(content["signers"].as_array().unwrap().len(), 2);
    assert!(content["signers"][0]["signed_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "signing-certificate-v2"));
}

#[test]
fn chain_tree_shows_the_failing_certificate_and_hint() {
    let (root_ca, sub) = (pki("root-rsa.pem"), pki("sub-rsa.pem"));
    let out = kyso(
        &root(),
        &[
            "chain",
            "--trust",
            &root_ca,
            "--intermediates",
            &sub,
            "--at",
            AT,
            &pki("signer-rsa.pem"),
        ],
    );
    golden("chain-valid", &out);
    assert_eq!(out.status.code(), Some(0));
    let out = kyso(
        &root(),
        &[
            "chain",
            "--trust",
            &root_ca,
            "--at",
            AT,
            &pki("signer-rsa.pem"),
        ],
    );
    assert_eq!(out.status.code(), Some(3)); // INDETERMINATE: the exit code verify gives
    assert!(stdout(&out).contains("--intermediates"));
    let out = kyso(
        &root(),
        &[
            "chain",
            "--trust",
            &root_ca,
            "--intermediates",
            &sub,
            "--intermediates",
            &pki("subsub-rsa.pem"),
            "--at",
            AT,
            &pki("under-subsub.pem"),
        ],
    );
    assert_eq!(out.status.code(), Some(3)); // CHAIN_CONSTRAINTS_FAILURE is INDETERMINATE
    assert!(stdout(&out).contains("pathLenConstraint"));
}

#[test]
fn verify_reads_a_signature_from_stdin() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |sig: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kyso"))
            .args([
                "verify",
                "--trust",
                "../pki/trust.pem",
                "--at",
                AT,
                "--json",
                "--content",
                "cong-van.txt",
                "-",
            ])
            .current_dir(samples())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(sig).unwrap();
        child.wait_with_output().unwrap()
    };
    let sig = std::fs::read(samples().join("cong-van.txt.p7s")).unwrap();
    let out = run(&sig);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report_schema::assert_conforms(&v);
    assert_eq!(v["documents"][0]["signature_file"], "-");
    assert_eq!(v["documents"][0]["content_file"], "cong-van.txt");
    let out = run(&sig[..sig.len() / 2]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a truncated signature on stdin is TOTAL-FAILED"
    );
}

#[test]
fn junit_report_has_one_case_per_file_and_marks_failures() {
    let out = kyso(
        &root().join("testdata"),
        &[
            "verify",
            "--trust",
            "pki/trust.pem",
            "--at",
            AT,
            "--format",
            "junit",
            "samples",
            "pki/chain-rsa.p7b",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let x = stdout(&out);
    assert!(x.starts_with("<?xml"), "{x}");
    assert!(x.contains(r#"tests="3" failures="1" errors="0""#), "{x}");
    assert_eq!(x.matches("<testcase ").count(), 3);
    assert!(
        x.contains(r#"name="pki/chain-rsa.p7b"><failure type="FORMAT_FAILURE""#),
        "{x}"
    );
    // No progress line when stderr is not a terminal.
    assert!(!stderr(&out).contains("verified"), "{}", stderr(&out));
}

#[test]
fn resume_skips_what_is_signed_and_redoes_nothing_else_silently() {
    let d = tmpdir("resume");
    for n in ["a.txt", "b.txt", "c.txt", "d.txt"] {
        std::fs::write(d.join(n), format!("tài liệu {n}")).unwrap();
    }
    let (key, cert) = (pki("signer-rsa.key"), pki("signer-rsa.pem"));
    let sign = |extra: &[&str]| {
        let mut args = vec!["sign", "--key", key.as_str(), "--cert", cert.as_str()];
        args.extend_from_slice(extra);
        kyso(&d, &args)
    };
    // An "interrupted" batch: a and b were signed, c's signature is another file's, d not done.
    assert_eq!(sign(&["a.txt", "b.txt", "c.txt"]).status.code(), Some(0));
    std::fs::copy(d.join("a.txt.p7s"), d.join("c.txt.p7s")).unwrap();
    let a_before = std::fs::read(d.join("a.txt.p7s")).unwrap();
    // --verbose: a batch lists signed and skipped files only when asked.
    let out = sign(&["--resume", "--verbose", "a.txt", "b.txt", "c.txt", "d.txt"]);
    let err = stderr(&out);
    assert!(err.contains("a.txt is already signed"), "{err}");
    assert!(err.contains("b.txt is already signed"), "{err}");
    assert!(err.contains("signed d.txt"), "{err}");
    // c.txt.p7s does not sign c.txt: not skipped, and not overwritten without --force.
    assert!(err.contains("c.txt.p7s already exists"), "{err}");
    assert!(
        err.contains("1 signed, 2 already signed, 1 failed"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(d.join("a.txt.p7s")).unwrap(),
        a_before,
        "a signed file is not re-signed"
    );
    // With --force the wrong one is redone; then everything verifies.
    assert_eq!(
        sign(&["--resume", "--force", "c.txt"]).status.code(),
        Some(0)
    );
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            &pki("trust.pem"),
            "--intermediates",
            &pki("chain-rsa.pem"),
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn chain_options_and_required_revocation_have_their_exit_codes() {
    let (trust, chain) = (pki("trust.pem"), pki("chain-rsa.pem"));
    let signer = pki("signer-rsa.pem");
    let base = [
        "chain",
        "--trust",
        trust.as_str(),
        "--intermediates",
        chain.as_str(),
        "--at",
        AT,
    ];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        args.push(&signer);
        kyso(&root(), &args)
    };
    assert_eq!(run(&["--eku", "emailProtection"]).status.code(), Some(0));
    let out = run(&["--eku", "serverAuth"]);
    assert_eq!(out.status.code(), Some(3)); // INDETERMINATE: the exit code verify gives
    assert!(
        stdout(&out).contains("extended key usage"),
        "{}",
        stdout(&out)
    );
    // The test PKI asserts no policy: requiring an explicit policy must fail the path.
    assert_eq!(run(&["--require-explicit-policy"]).status.code(), Some(3));
    let out = run(&["--format", "json", "--revocation", "required"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "no CRL given, revocation required: INDETERMINATE (TRY_LATER), as verify"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    // verify: unknown revocation under --revocation required is INDETERMINATE (exit 3).
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--revocation",
            "required",
            "to-trinh.txt.p7m",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("TRY_LATER"));
}

#[test]
fn sign_reports_in_vietnamese_with_lang_vi() {
    let d = tmpdir("sign-vi");
    std::fs::write(d.join("a.txt"), "quyết định").unwrap();
    std::fs::write(d.join("b.txt"), "tờ trình").unwrap();
    let (key, cert) = (pki("signer-rsa.key"), pki("signer-rsa.pem"));
    let out = kyso(
        &d,
        &[
            "sign",
            "--lang",
            "vi",
            "--verbose",
            "--key",
            &key,
            "--cert",
            &cert,
            "a.txt",
            "b.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("đã ký a.txt -> a.txt.p7s"), "{err}");
    assert!(
        err.contains("2 tệp đã ký, 0 tệp đã ký từ trước, 0 tệp không ký được"),
        "{err}"
    );
}

#[test]
fn attached_signature_with_a_different_content_file_fails_exit_1() {
    // `--content` naming another file than the one embedded: HASH_FAILURE, never a pass
    // with a note (a script would publish the given file as signed).
    let d = tmpdir("attached-content");
    std::fs::write(d.join("other.txt"), "not the signed text").unwrap();
    let p7m = samples().join("to-trinh.txt.p7m");
    let run = |content: &Path| {
        kyso(
            &d,
            &[
                "verify",
                "--trust",
                &pki("trust.pem"),
                "--at",
                AT,
                "--content",
                content.to_str().unwrap(),
                p7m.to_str().unwrap(),
            ],
        )
    };
    let out = run(&d.join("other.txt"));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("HASH_FAILURE"), "{}", stdout(&out));
    let out = run(&samples().join("to-trinh.txt"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// Real Vietnamese certificates (`../shared/testdata-ext/vn-pki` beside the repository; its
/// README and certs.tsv give their provenance and the values below, checked with
/// `openssl x509 -text`).
fn vn_pki(f: &str) -> String {
    root()
        .join("../shared/testdata-ext/vn-pki")
        .join(f)
        .display()
        .to_string()
}

fn inspect_json(files: &[&str]) -> serde_json::Value {
    let mut args = vec!["inspect", "--format", "json"];
    args.extend_from_slice(files);
    let out = kyso(&root(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn inspect_shows_revocation_pointers_policies_and_key_ids_of_real_certificates() {
    let leaf = vn_pki("end-entity/cuc-thue-bo-tai-chinh-2025.der");
    let out = kyso(&root(), &["inspect", "--lang", "en", &leaf]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for want in [
        "signature algorithm: sha256WithRSAEncryption (1.2.840.113549.1.1.11)",
        "extendedKeyUsage: clientAuth, emailProtection, msSmartcardLogin",
        "subjectAltName: email:cthsm@gdt.gov.vn",
        "subjectKeyIdentifier: 25642f9c8e4d55b6bb12754ff04f1ce37591646c",
        "authorityKeyIdentifier: 50becfa0bdea0f9f4e9128a32aeb7ceef02fc8ba",
        "cRLDistributionPoints:\n      http://ca.gov.vn/pki/pub/crl/cpcag2.crl\n",
        "OCSP: http://ocsp.ca.gov.vn\n",
        "caIssuers: http://ca.gov.vn/pki/pub/crt/cpcag2.crt\n",
        // The VGCA policy has no published meaning kyso can cite: dotted, with its CPS.
        "certificatePolicies:\n      2.16.704.1.1.1.1.1\n        CPS: https://ca.gov.vn/pki/pub/policies/CP\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    let vi = stdout(&kyso(&root(), &["inspect", "--lang", "vi", &leaf]));
    assert!(
        vi.contains("thuật toán ký: sha256WithRSAEncryption"),
        "{vi}"
    );
    // No English left in the Vietnamese lines: the key size is in "bit".
    assert!(vi.contains(" bit\n") && !vi.contains(" bits"), "{vi}");

    let ca = vn_pki("intermediates/vgca-ca-co-quan-nha-nuoc-g2.der");
    let viettel = vn_pki("end-entity/viettel-retail-branch-2020.der");
    let fastca = vn_pki("intermediates/fastca-sha256-2020.der");
    let v = inspect_json(&[&leaf, &ca, &viettel, &fastca]);
    let cert = |i: usize| v["files"][i]["content"]["certificates"][0].clone();
    let (leaf, ca, viettel, fastca) = (cert(0), cert(1), cert(2), cert(3));
    assert_eq!(
        leaf["ocsp_urls"],
        serde_json::json!(["http://ocsp.ca.gov.vn"])
    );
    assert_eq!(
        leaf["ca_issuers_urls"],
        serde_json::json!(["http://ca.gov.vn/pki/pub/crt/cpcag2.crt"])
    );
    assert_eq!(
        leaf["crl_distribution_points"],
        serde_json::json!([{"names": ["http://ca.gov.vn/pki/pub/crl/cpcag2.crl"],
                            "reasons": null, "crl_issuer": []}])
    );
    assert_eq!(
        leaf["certificate_policies"],
        serde_json::json!([{"oid": "2.16.704.1.1.1.1.1", "name": null,
                            "cps": ["https://ca.gov.vn/pki/pub/policies/CP"], "user_notices": []}])
    );
    assert_eq!(leaf["signature_algorithm_oid"], "1.2.840.113549.1.1.11");
    // The leaf's authority key id is its issuing CA's subject key id.
    assert_eq!(
        leaf["authority_key_identifier"],
        ca["subject_key_identifier"]
    );
    assert_eq!(
        ca["ocsp_urls"],
        serde_json::json!(["http://ocsp.ca.gov.vn/"])
    );
    // Viettel: OCSP without caIssuers, a CRL point naming its CRL issuer, SHA-1 signature.
    assert_eq!(
        viettel["ocsp_urls"],
        serde_json::json!(["http://ocsp.viettel-ca.vn"])
    );
    assert_eq!(viettel["ca_issuers_urls"], serde_json::json!([]));
    assert_eq!(
        viettel["crl_distribution_points"][0]["names"],
        serde_json::json!(["http://crl.viettel-ca.vn/Viettel-CA-v3.crl"])
    );
    assert_eq!(
        viettel["crl_distribution_points"][0]["crl_issuer"],
        serde_json::json!(["DirName:C=VN,L=Hà Nội,O=Viettel Group,CN=Viettel-CA"])
    );
    assert_eq!(viettel["signature_algorithm"], "sha1WithRSAEncryption");
    assert_eq!(viettel["certificate_policies"], serde_json::json!([]));
    // FastCA (national root hierarchy): caIssuers without OCSP.
    assert_eq!(fastca["ocsp_urls"], serde_json::json!([]));
    assert_eq!(
        fastca["ca_issuers_urls"],
        serde_json::json!(["https://rootca.gov.vn/crt/vnrca256.p7b"])
    );
    assert_eq!(
        fastca["authority_key_identifier"],
        "7ef087edb1b89dfb08836fa416fdf1b8ac629b01"
    );

    // The test PKI: key identifiers chain (values change when gen.sh is re-run), and
    // certificates without revocation pointers say so with empty lists.
    let v = inspect_json(&[&pki("signer-rsa.pem"), &pki("sub-rsa.pem")]);
    let (signer, sub) = (
        &v["files"][0]["content"]["certificates"][0],
        &v["files"][1]["content"]["certificates"][0],
    );
    assert!(signer["authority_key_identifier"].is_string());
    assert_eq!(
        signer["authority_key_identifier"],
        sub["subject_key_identifier"]
    );
    assert_eq!(signer["crl_distribution_points"], serde_json::json!([]));
    assert_eq!(signer["ocsp_urls"], serde_json::json!([]));
    assert_eq!(
        signer["extended_key_usage"],
        serde_json::json!(["emailProtection"])
    );
}

#[test]
fn inspect_names_standard_policies_and_decodes_user_notices() {
    // A certificate made here with the openssl CLI: ETSI policies, a CPS and a UTF-8 user
    // notice (the test PKI has no certificatePolicies).
    let d = tmpdir("inspect-policies");
    std::fs::write(
        d.join("req.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\nutf8 = yes\n\
         [dn]\nCN = Policy Test\n\
         [ext]\nbasicConstraints = CA:FALSE\n\
         certificatePolicies = 0.4.0.2042.1.1, @qcp, 1.2.3.4.5\n\
         [qcp]\npolicyIdentifier = 0.4.0.194112.1.2\nCPS.1 = https://ca.example.invalid/cps\n\
         userNotice.1 = @notice\n\
         [notice]\nexplicitText = \"UTF8:Chữ ký số chuyên dùng\"\n",
    )
    .unwrap();
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-days",
            "30",
            "-config",
            "req.cnf",
        ])
        .current_dir(&d)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", stderr(&made));
    let c = d.join("c.pem").display().to_string();
    let v = inspect_json(&[&c]);
    let cert = &v["files"][0]["content"]["certificates"][0];
    assert_eq!(cert["signature_algorithm"], "ecdsa-with-SHA256");
    assert_eq!(
        cert["certificate_policies"],
        serde_json::json!([
            {"oid": "0.4.0.2042.1.1", "name": "ETSI NCP (normalized certificate policy)",
             "cps": [], "user_notices": []},
            {"oid": "0.4.0.194112.1.2",
             "name": "ETSI QCP-n-qscd (EU qualified, natural person, QSCD)",
             "cps": ["https://ca.example.invalid/cps"],
             "user_notices": ["Chữ ký số chuyên dùng"]},
            {"oid": "1.2.3.4.5", "name": null, "cps": [], "user_notices": []},
        ])
    );
    let text = stdout(&kyso(&root(), &["inspect", "--lang", "en", &c]));
    assert!(
        text.contains(
            "      0.4.0.194112.1.2 — ETSI QCP-n-qscd (EU qualified, natural person, QSCD)\n        CPS: https://ca.example.invalid/cps\n        notice: Chữ ký số chuyên dùng\n"
        ),
        "{text}"
    );
}

const COMMANDS: [&str; 8] = [
    "sign",
    "verify",
    "inspect",
    "chain",
    "token",
    "completions",
    "man",
    "serve",
];

#[test]
fn completions_for_every_shell_offer_the_subcommands_and_their_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = kyso(&root(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.len() > 1000,
            "{shell}: a {}-byte script",
            script.len()
        );
        for c in COMMANDS {
            assert!(script.contains(c), "{shell}: {c} is not offered");
        }
        // Flags of subcommands, nested ones included.
        for flag in ["add-to", "trust", "revocation", "module"] {
            assert!(script.contains(flag), "{shell}: --{flag} is not offered");
        }
    }
    let out = kyso(&root(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("possible values: bash, elvish, fish, powershell, zsh"));
}

#[test]
fn bash_completion_completes_subcommands_and_flags() {
    let out = kyso(&root(), &["completions", "bash"]);
    let d = tmpdir("bash-completion");
    std::fs::write(d.join("kyso.bash"), &out.stdout).unwrap();
    let run = Command::new("bash")
        .arg("-c")
        .arg(
            "source ./kyso.bash; COMP_WORDS=(kyso ver); COMP_CWORD=1; _kyso kyso ver kyso; \
             echo \"${COMPREPLY[*]}\"; COMP_WORDS=(kyso sign --add); COMP_CWORD=2; \
             _kyso kyso --add sign; echo \"${COMPREPLY[*]}\"",
        )
        .current_dir(&d)
        .output()
        .expect("bash runs");
    assert_eq!(stdout(&run), "verify\n--add-to\n", "{}", stderr(&run));
}

#[test]
fn man_writes_one_page_per_command_and_never_overwrites_without_force() {
    let d = tmpdir("man");
    let dir = d.join("share/man/man1"); // created by kyso
    let dir_s = dir.display().to_string();
    let out = kyso(&d, &["man", &dir_s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "kyso-chain.1",
            "kyso-completions.1",
            "kyso-extend.1",
            "kyso-extract.1",
            "kyso-inspect.1",
            "kyso-man.1",
            "kyso-report-merge.1",
            "kyso-report.1",
            "kyso-serve.1",
            "kyso-sign.1",
            "kyso-token-list.1",
            "kyso-token.1",
            "kyso-trust-export.1",
            "kyso-trust-list.1",
            "kyso-trust-update.1",
            "kyso-trust.1",
            "kyso-verify.1",
            "kyso.1"
        ]
    );
    let sign = std::fs::read_to_string(dir.join("kyso-sign.1")).unwrap();
    assert!(sign.starts_with(".ie \\n(.g .ds Aq"), "{sign}");
    assert!(sign.contains(".TH kyso-sign 1"), "{sign}");
    assert!(sign.contains(".SH EXAMPLES"), "{sign}");
    assert!(sign.contains("kyso sign \\-\\-p12 org.p12"), "{sign}");
    // One roff preamble per page, not one per section.
    assert_eq!(sign.matches(".ds Aq").count(), 2, "{sign}");
    let top = std::fs::read_to_string(dir.join("kyso.1")).unwrap();
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH LANGUAGE",
        "LANG=vi_VN.UTF\\-8",
    ] {
        assert!(top.contains(section), "kyso.1 lacks {section}");
    }

    // Existing pages: refused as a whole, nothing touched or added.
    std::fs::write(dir.join("kyso.1"), "local edit").unwrap();
    std::fs::remove_file(dir.join("kyso-man.1")).unwrap();
    let out = kyso(&d, &["man", &dir_s]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("kyso.1") && err.contains("pass --force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("kyso.1")).unwrap(),
        "local edit"
    );
    assert!(!dir.join("kyso-man.1").exists());

    let out = kyso(&d, &["man", "--force", &dir_s]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(dir.join("kyso.1"))
        .unwrap()
        .contains(".TH kyso 1"));
    assert!(dir.join("kyso-man.1").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("kyso-tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // A file where the directory should be: an error naming it, exit 2.
    std::fs::write(d.join("file"), "x").unwrap();
    let out = kyso(&d, &["man", "file/man1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("file/man1"), "{}", stderr(&out));
}

/// The example lines of a command's `--help` (the lines after "Examples:" that are commands).
fn help_examples(args: &[&str]) -> Vec<String> {
    let out = kyso(&root(), args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
        .split("\nExamples:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{args:?}: no Examples section"))
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_help_has_examples_of_its_own_command() {
    let mut paths: Vec<Vec<&str>> = vec![vec![]];
    paths.extend(COMMANDS.iter().map(|c| vec![*c]));
    paths.push(vec!["token", "list"]);
    for path in paths {
        for flag in ["--help", "-h"] {
            let mut args = path.clone();
            args.push(flag);
            let examples = help_examples(&args);
            let own = format!("kyso {}", path.join(" "));
            assert!(
                examples.iter().any(|e| e.contains(own.trim_end())),
                "`kyso {}` has no example of itself: {examples:?}",
                args.join(" ")
            );
        }
    }
    let out = kyso(&root(), &["--help"]);
    let top = stdout(&out);
    assert!(top.contains("Vietnamese output:"), "{top}");
    assert!(
        top.contains("--lang vi") && top.contains("LANG=vi_VN.UTF-8"),
        "{top}"
    );
    assert!(top.contains("Exit status:"), "{top}");
}

/// The examples of `--help` are real: run the file-based ones in order, in a scratch directory
/// holding files of the names they use (test PKI and the real VGCA chain), with `sh`.
#[test]
fn help_examples_run_and_succeed() {
    let d = tmpdir("help-examples");
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join(from), d.join(to)).unwrap();
    };
    copy("testdata/pki/signer-rsa.key", "official.key");
    copy("testdata/pki/signer-rsa.pem", "official.pem");
    copy("testdata/pki/chain-rsa.pem", "ca-chain.pem");
    copy("testdata/pki/signer-rsa.p12", "official.p12");
    copy("testdata/pki/org-rsa.p12", "org.p12");
    copy("testdata/pki/trust.pem", "roots.pem");
    let chain = [pki("signer-rsa.pem"), pki("chain-rsa.pem")]
        .map(|p| std::fs::read_to_string(p).unwrap())
        .concat();
    std::fs::write(d.join("official-chain.pem"), chain).unwrap();
    // PDFs are signed inside; other files get a .p7s.
    copy("testdata/pdf/minimal.pdf", "decision.pdf");
    copy("testdata/pdf/minimal.pdf", "qd.pdf");
    copy("testdata/pdf/minimal.pdf", "letter.pdf");
    copy("testdata/pdf/minimal.pdf", "form.pdf");
    copy("testdata/pdf/seal.png", "seal.png");
    std::fs::write(d.join("cong-van.docx"), "Công văn số 15/UBND").unwrap();
    std::fs::write(d.join("cv.docx"), "Công văn số 16/UBND").unwrap();
    std::fs::create_dir_all(d.join("dossier")).unwrap();
    std::fs::create_dir_all(d.join("archive")).unwrap();
    for f in ["a.pdf", "b.pdf"] {
        copy("testdata/pdf/minimal.pdf", &format!("dossier/{f}"));
    }
    std::fs::write(d.join("dossier/a.txt"), "Tờ trình").unwrap();
    // The dossier example's folder: a decision signed by the official, then the organisation.
    std::fs::create_dir_all(d.join("ho-so")).unwrap();
    copy("testdata/pdf/minimal.pdf", "ho-so/qd.pdf");
    for p12 in ["official.p12", "org.p12"] {
        let o = kyso_env(
            &d,
            &["sign", "--p12", p12, "--pass", "env:P", "ho-so/qd.pdf"],
            &[("P", "kyso-test")],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for f in ["cong-van.txt", "cong-van.txt.p7s", "to-trinh.txt.p7m"] {
        copy(&format!("testdata/samples/{f}"), &format!("archive/{f}"));
    }
    // The VGCA policy example: the VGCA root, and the tax department's certificate with its CA.
    std::fs::copy(vn_pki("roots/vgca-rootca-g2.der"), d.join("vgca-g2.der")).unwrap();
    let mut pem = String::new();
    for f in [
        "end-entity/cuc-thue-bo-tai-chinh-2025.der",
        "intermediates/vgca-ca-co-quan-nha-nuoc-g2.der",
    ] {
        let out = Command::new("openssl")
            .args(["x509", "-inform", "DER", "-in", &vn_pki(f)])
            .output()
            .expect("openssl runs");
        pem.push_str(&stdout(&out));
    }
    std::fs::write(d.join("chain.pem"), pem).unwrap();

    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kyso")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for cmd in ["sign", "verify", "extract", "report", "inspect", "chain"] {
        for line in help_examples(&[cmd, "--help"]) {
            // A token needs SoftHSM (tests/token.rs signs on one); the test PKI has no CRLs.
            if line.contains("--pkcs11") || line.contains("--crl") {
                continue;
            }
            let out = Command::new("sh")
                .arg("-c")
                .arg(&line)
                .current_dir(&d)
                .env("PATH", &path)
                .env("P12_PASS", "kyso-test")
                .env("ORG_PASS", "kyso-test")
                .env("LANG", "C")
                .env_remove("LC_ALL")
                .env_remove("KYSO_TRUST")
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "`{line}` failed:\n{}{}",
                stdout(&out),
                stderr(&out)
            );
            ran += 1;
        }
    }
    assert!(ran >= 16, "only {ran} examples ran");
    // What the sign examples promised: an official's signature co-signed by the organisation,
    // an attached envelope, a resumable batch, PSS, a signature made from stdin, and PDFs
    // signed inside (the organisation's with a visible block).
    let v = inspect_json(&[&d.join("cong-van.docx.p7s").display().to_string()]);
    assert_eq!(
        v["files"][0]["content"]["signers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The batch co-signature: a detached and an attached envelope, two signers each.
    for f in ["dossier/a.txt.p7s", "cv.docx.p7m"] {
        let v = inspect_json(&[&d.join(f).display().to_string()]);
        let signers = v["files"][0]["content"]["signers"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(signers, 2, "{f}: {v}");
    }
    for f in ["cv.docx.p7m", "pss.p7s", "signature.p7s"] {
        assert!(d.join(f).exists(), "{f} was not written");
    }
    // What the report examples promised: the shard's part joined into a valid JUnit file.
    let junit = std::fs::read(d.join("merged-junit.xml")).unwrap();
    report_schema::assert_junit_conforms(&junit);
    assert!(String::from_utf8_lossy(&junit).contains("testcase"));
    // What the extract examples promised: the documents, byte for byte.
    assert_eq!(
        std::fs::read(d.join("received/cv.docx")).unwrap(),
        std::fs::read(d.join("cv.docx")).unwrap()
    );
    assert_eq!(
        std::fs::read(d.join("extracted/to-trinh.txt")).unwrap(),
        std::fs::read(root().join("testdata/samples/to-trinh.txt")).unwrap()
    );
    // The standard-input example: letter.pdf signed inside, to signed.pdf.
    assert!(std::fs::read(d.join("signed.pdf"))
        .unwrap()
        .starts_with(&std::fs::read(d.join("letter.pdf")).unwrap()));
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            "roots.pem",
            "--format",
            "json",
            "form.pdf",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["documents"][0]["signatures"][0]["pdf"]["certification"], 2,
        "{v:#}"
    );
    for f in [
        "decision.pdf",
        "qd.pdf",
        "signed.pdf",
        "dossier/a.pdf",
        "dossier/b.pdf",
    ] {
        assert!(!d.join(format!("{f}.p7s")).exists(), "{f}: signed beside");
        let out = kyso(
            &d,
            &["verify", "--trust", "roots.pem", "--format", "json", f],
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let sigs = v["documents"][0]["signatures"].as_array().unwrap();
        assert_eq!(sigs.len(), 1, "{f}: {v:#}");
        assert_eq!(sigs[0]["indication"], "TOTAL-PASSED", "{f}: {v:#}");
    }
}

/// A detached OpenPGP signature of "release" made with `gpg --detach-sign` and a throwaway
/// Ed25519 key (packet tag 2, old format: first byte 0x88).
const GPG_SIG: &str =
    "887504001608001d162104542a9ba5940fe23cb9dbe3edd22f96788342fe0805026b0f4bc8000a\
0910d22f96788342fe08d7e400ff554c3fe793efdf2658c6cf238dade37d261cb5a44f2a15e4527218a4d8e089450\
0fe274a7f9ac4e5f193f6a32dff8e0971763268d1549eaf83e5108c805ad0397f02";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn verify_picks_up_cms_sig_files_and_skips_other_signature_formats() {
    let d = tmpdir("sig-files");
    let dir = d.join("archive");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let s = samples();
    std::fs::copy(s.join("cong-van.txt"), dir.join("cong-van.txt")).unwrap();
    // Detached: the content of X.sig is X, as for X.p7s.
    std::fs::copy(s.join("cong-van.txt.p7s"), dir.join("cong-van.txt.sig")).unwrap();
    std::fs::copy(s.join("to-trinh.txt.p7m"), dir.join("sub/to-trinh.sig")).unwrap();
    std::fs::write(dir.join("release.tar.gz.sig"), unhex(GPG_SIG)).unwrap();
    std::fs::write(
        dir.join("notes.txt.sig"),
        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTk=\n-----END SSH SIGNATURE-----\n",
    )
    .unwrap();
    let trust = pki("trust.pem");
    let args = [
        "verify",
        "--trust",
        &trust,
        "--at",
        AT,
        "--lang",
        "en",
        "--verbose",
    ];

    let out = kyso(&d, &[&args[..], &["archive"]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(
        text.contains("archive/cong-van.txt.sig: TOTAL-PASSED"),
        "{text}"
    );
    assert!(text.contains("content: archive/cong-van.txt\n"), "{text}");
    assert!(
        text.contains("archive/sub/to-trinh.sig: TOTAL-PASSED"),
        "{text}"
    );
    assert!(
        text.contains("2 documents: 2 passed, 0 failed, 0 indeterminate; 2 .sig skipped (not CMS)"),
        "{text}"
    );
    assert!(
        err.contains("kyso: note: skipped archive/release.tar.gz.sig: an OpenPGP signature, not CMS (check it with gpg --verify)"),
        "{err}"
    );
    assert!(
        err.contains("archive/notes.txt.sig: an SSH signature"),
        "{err}"
    );

    let out = kyso(&d, &[&args[..], &["--json", "archive"]].concat());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["total"], 2);
    assert_eq!(
        v["skipped"],
        serde_json::json!([
            {"file": "archive/notes.txt.sig", "format": "ssh",
             "reason": "an SSH signature, not CMS (check it with ssh-keygen -Y verify)"},
            {"file": "archive/release.tar.gz.sig", "format": "openpgp",
             "reason": "an OpenPGP signature, not CMS (check it with gpg --verify)"},
        ])
    );

    let out = kyso(&d, &[&args[..], &["--format", "junit", "archive"]].concat());
    let junit = stdout(&out);
    assert!(
        junit.contains("tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"2\""),
        "{junit}"
    );
    assert!(
        junit.contains(
            "name=\"archive/release.tar.gz.sig\"><skipped message=\"an OpenPGP signature"
        ),
        "{junit}"
    );

    // A damaged CMS .sig is not skipped: it is reported, and fails the run.
    let p7s = std::fs::read(s.join("cong-van.txt.p7s")).unwrap();
    std::fs::write(dir.join("broken.sig"), &p7s[..40]).unwrap();
    let out = kyso(&d, &[&args[..], &["archive"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("archive/broken.sig: TOTAL-FAILED / FORMAT_FAILURE"),
        "{}",
        stdout(&out)
    );

    // Named on the command line, a non-CMS .sig is verified (FORMAT_FAILURE, as the product
    // contract says of any file that is not a SignedData) and the hint says what it is.
    let out = kyso(&d, &[&args[..], &["archive/release.tar.gz.sig"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FORMAT_FAILURE"));
    assert!(
        stderr(&out).contains("hint: archive/release.tar.gz.sig: an OpenPGP signature, not CMS"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ctrl_c_ends_a_sign_batch_cleanly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // Enough files that the batch is still running when the first result line appears (a
    // 2-core machine signs about a thousand a second); the test holds either way: interrupted
    // (most of the time) or finished before the signal arrived.
    const N: usize = 4000;
    let dir = tmpdir("interrupt");
    let mut names = Vec::with_capacity(N);
    for i in 0..N {
        let name = format!("d{i:05}");
        std::fs::write(dir.join(&name), [b'x'; 512]).unwrap();
        names.push(name);
    }
    let pki = root().join("testdata/pki");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kyso"))
        .arg("sign")
        .arg("--key")
        .arg(pki.join("signer-rsa.key"))
        .arg("--cert")
        .arg(pki.join("signer-rsa.pem"))
        .arg("--chain")
        .arg(pki.join("chain-rsa.pem"))
        // Each file's line, so that the first one shows the batch has started.
        .arg("--verbose")
        .args(&names)
        .current_dir(&dir)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(first.contains("signed"), "{first}");
    let started = std::time::Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "kyso took {:?} to stop after SIGINT",
        started.elapsed()
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kyso-tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    let signed = names
        .iter()
        .filter(|n| dir.join(format!("{n}.p7s")).exists())
        .count();
    if kill.success() && status.code() != Some(0) {
        // Interrupted: exit 130 (128 + SIGINT), a summary that says so, fewer than all done.
        assert_eq!(status.code(), Some(130), "{rest}");
        assert!(rest.contains("interrupted"), "{rest}");
        let summary = format!("kyso: {signed} signed, 0 already signed, 0 failed");
        assert!(rest.contains(&summary), "expected '{summary}' in:\n{rest}");
        assert!(signed < N, "{rest}");
    } else {
        // The batch finished before the signal: everything is signed.
        assert_eq!(signed, N, "{rest}");
    }
    // Every output that exists is a whole signature.
    let out = kyso(
        &dir,
        &[
            "verify",
            "--trust",
            pki.join("trust.pem").to_str().unwrap(),
            "--at",
            AT,
            ".",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn text_shows_local_time_masked_ids_unless_asked_and_at_takes_a_date() {
    let args = |extra: &[&'static str]| {
        let mut v = vec!["verify", "--lang", "vi", "--at", "2026-06-01"];
        v.extend_from_slice(extra);
        v.push("to-trinh.txt.p7m");
        v
    };
    let trust = pki("trust.pem");
    let run = |extra: &[&'static str], tz: &str| {
        let mut a = args(extra);
        a.splice(1..1, ["--trust", trust.as_str()]);
        kyso_env(&samples(), &a, &[("TZ", tz)])
    };
    let out = run(&[], "Asia/Ho_Chi_Minh");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("chữ ký thứ 1: TOTAL-PASSED (hợp lệ) — Võ Thị Hạnh — CCCD 0351…234"),
        "{text}"
    );
    assert!(!text.contains("— CCCD 035190001234"), "{text}");
    assert!(text.contains("2026-11-28 02:39:17 +07:00"), "{text}");
    let out = run(&["--full-ids"], "UTC");
    let text = stdout(&out);
    assert!(text.contains("— CCCD 035190001234 —"), "{text}");
    assert!(text.contains("2026-11-27 19:39:17 +00:00"), "{text}");
    // JSON keeps UTC and the full subject whatever the zone.
    let mut a = args(&["--json"]);
    a.splice(1..1, ["--trust", trust.as_str()]);
    let out = kyso_env(&samples(), &a, &[("TZ", "Asia/Ho_Chi_Minh")]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["validation_time"], "2026-05-31T17:00:00Z",
        "--at 2026-06-01 is local midnight"
    );
    assert!(v["documents"][0]["signatures"][0]["signer"]["subject"]
        .as_str()
        .unwrap()
        .contains("CCCD:035190001234"));
}

/// `kyso sign` over an envelope other people signed: who signed it, `--add-to` as the way
/// forward, and `--force` alone refused; nothing is changed by the refused runs (issue 9).
#[test]
fn sign_over_a_cosigned_envelope_names_the_signers_and_needs_discard_signatures() {
    let d = tmpdir("cosigned-envelope");
    std::fs::write(d.join("a.txt"), "quyết định").unwrap();
    let run = |who: &str, extra: &[&str]| {
        let (key, cert) = (pki(&format!("{who}.key")), pki(&format!("{who}.pem")));
        let mut args = vec!["sign", "--key", key.as_str(), "--cert", cert.as_str()];
        args.extend_from_slice(extra);
        kyso(&d, &args)
    };
    assert_eq!(run("signer-rsa", &["a.txt"]).status.code(), Some(0));
    let out = run("org-rsa", &["--add-to", "a.txt.p7s"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cosigned = std::fs::read(d.join("a.txt.p7s")).unwrap();

    // Without --force: names the other signer, points to --add-to, does not offer --force.
    let out = run("signer-rsa", &["a.txt"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Sở Nội vụ tỉnh Hà Nam"), "{err}");
    assert!(err.contains("--add-to a.txt.p7s"), "{err}");
    assert!(!err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(d.join("a.txt.p7s")).unwrap(), cosigned);

    // --force alone refuses to discard other signers' signatures.
    let out = run("signer-rsa", &["--force", "a.txt"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--discard-signatures"), "{err}");
    assert!(err.contains("Sở Nội vụ tỉnh Hà Nam"), "{err}");
    assert_eq!(std::fs::read(d.join("a.txt.p7s")).unwrap(), cosigned);

    // The confirmation flag alone is a usage error.
    let out = run("signer-rsa", &["--discard-signatures", "a.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // Both flags: replaced by one signature.
    let out = run("signer-rsa", &["--force", "--discard-signatures", "a.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = kyso(&d, &["inspect", "a.txt.p7s"]);
    assert!(!stdout(&out).contains("Sở Nội vụ"), "{}", stdout(&out));
}

/// `--add-to` over many envelopes (detached and attached, no content argument) in one run;
/// a second co-signature by the same certificate is refused, or skipped with --resume.
#[test]
fn add_to_many_envelopes_refuses_duplicates_and_resumes() {
    let d = tmpdir("add-to-many");
    std::fs::write(d.join("a.txt"), "tờ trình").unwrap();
    std::fs::write(d.join("b.txt"), "công văn").unwrap();
    let run = |who: &str, extra: &[&str]| {
        let (key, cert) = (pki(&format!("{who}.key")), pki(&format!("{who}.pem")));
        let mut args = vec!["sign", "--key", key.as_str(), "--cert", cert.as_str()];
        args.extend_from_slice(extra);
        kyso(&d, &args)
    };
    assert_eq!(run("signer-rsa", &["a.txt"]).status.code(), Some(0));
    assert_eq!(
        run("signer-rsa", &["--attached", "b.txt"]).status.code(),
        Some(0)
    );
    let add = ["--add-to", "a.txt.p7s", "--add-to", "b.txt.p7m"];
    let out = run("org-rsa", &[&add[..], &["--verbose"]].concat());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("co-signed a.txt.p7s"), "{err}");
    assert!(err.contains("co-signed b.txt.p7m"), "{err}");
    assert!(
        err.contains("2 signed, 0 already signed, 0 failed"),
        "{err}"
    );
    let a = std::fs::read(d.join("a.txt.p7s")).unwrap();
    let b = std::fs::read(d.join("b.txt.p7m")).unwrap();

    // Again: refused per file, never duplicated, nothing changed.
    let out = run("org-rsa", &add);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("already signed this envelope"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    assert!(
        err.contains("0 signed, 0 already signed, 2 failed"),
        "{err}"
    );
    // The first signer too: its certificate is already in the envelope.
    let out = run("signer-rsa", &["--add-to", "a.txt.p7s"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read(d.join("a.txt.p7s")).unwrap(), a);
    assert_eq!(std::fs::read(d.join("b.txt.p7m")).unwrap(), b);

    // With --resume: skipped, exit 0.
    let out = run("org-rsa", &["--resume", add[0], add[1], add[2], add[3]]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("0 signed, 2 already signed, 0 failed"),
        "{err}"
    );

    // FILEs, when given, pair with --add-to one to one.
    let out = run("org-rsa", &["--add-to", "a.txt.p7s", "a.txt", "b.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // Both envelopes verify with exactly two signatures each.
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            &pki("trust.pem"),
            "--intermediates",
            &pki("chain-rsa.pem"),
            "--format",
            "json",
            "a.txt.p7s",
            "b.txt.p7m",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for doc in v["documents"].as_array().unwrap() {
        assert_eq!(doc["signatures"].as_array().unwrap().len(), 2, "{doc}");
    }
}

/// Signing an empty document works but warns (issue 9).
#[test]
fn signing_an_empty_document_warns() {
    let d = tmpdir("empty-doc");
    std::fs::write(d.join("empty.txt"), "").unwrap();
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "empty.txt",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: empty.txt is empty (0 bytes)"),
        "{err}"
    );
    assert!(d.join("empty.txt.p7s").exists());
}

/// One missing input and a dangling symbolic link among good ones: the whole report is still
/// written, with an error entry for each, in every format, and the exit code is 2 (issue 9).
#[test]
fn unreadable_inputs_are_error_entries_in_every_format_and_exit_2() {
    let d = tmpdir("unreadable-inputs");
    let sub = d.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    for f in ["cong-van.txt", "cong-van.txt.p7s"] {
        std::fs::copy(samples().join(f), sub.join(f)).unwrap();
    }
    std::os::unix::fs::symlink(d.join("nowhere.p7s"), sub.join("gone.p7s")).unwrap();
    let run = |format: &str| {
        kyso(
            &d,
            &[
                "verify",
                "--trust",
                &pki("trust.pem"),
                "--intermediates",
                &pki("chain-rsa.pem"),
                "--at",
                AT,
                "--format",
                format,
                "sub",
                "missing.p7s",
            ],
        )
    };
    // JSON (validated against the schema by `kyso()`): three entries, two of them errors.
    let out = run("json");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3, "{v}");
    let problem = |name: &str| {
        let doc = docs
            .iter()
            .find(|d| d["signature_file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no entry for {name}: {v}"));
        doc["problems"][0]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(problem("gone.p7s"), "unreadable");
    assert_eq!(problem("missing.p7s"), "unreadable");
    assert_eq!(problem("cong-van.txt.p7s"), "");
    assert_eq!(v["summary"]["passed"], 1, "{v}");
    // JUnit: the same two as errors.
    let out = run("junit");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let x = stdout(&out);
    assert!(x.contains("errors=\"2\""), "{x}");
    for name in ["gone.p7s\"><error", "missing.p7s\"><error"] {
        assert!(x.contains(name), "{name} in {x}");
    }
    // Text: each named on stderr, counted in the summary line.
    let out = run("text");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(e.contains("gone.p7s") && e.contains("dangling"), "{e}");
    assert!(e.contains("missing.p7s"), "{e}");
    assert!(o.contains("1 passed"), "{o}");
    assert!(o.contains("2 could not be read"), "{o}");
}

/// A run that finds no signature file at all says so and exits 2, in every format.
#[test]
fn verify_finding_no_signature_file_is_exit_2() {
    let d = tmpdir("no-signatures");
    std::fs::create_dir_all(d.join("empty")).unwrap();
    std::fs::create_dir_all(d.join("docs")).unwrap();
    std::fs::write(d.join("docs/notes.txt"), "không có chữ ký").unwrap();
    for dir in ["empty", "docs"] {
        for format in ["text", "json", "junit"] {
            let out = kyso(&d, &["verify", "--format", format, dir]);
            assert_eq!(out.status.code(), Some(2), "{dir} {format}");
            assert!(
                stderr(&out).contains("no signature file was found"),
                "{dir} {format}: {}",
                stderr(&out)
            );
        }
    }
}

/// `--policy NAME|FILE` selects the validation policy, which the JSON report names; an
/// unknown name is a usage error; `kyso chain --validation-policy` names it too.
#[test]
fn verify_policy_flag_names_the_policy_in_the_report() {
    let d = tmpdir("policy-flag");
    let custom = d.0.join("strict.toml");
    let text = std::fs::read_to_string(root().join("crates/kyso/policies/agency-default.toml"))
        .unwrap()
        .replace("name = \"agency-default\"", "name = \"strict-ministry\"");
    std::fs::write(&custom, text).unwrap();
    for (policy, name, source) in [
        ("legacy-archive", "legacy-archive", "builtin"),
        (custom.to_str().unwrap(), "strict-ministry", "file"),
    ] {
        let args = [
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--at",
            AT,
            "--json",
            "--policy",
            policy,
            "cong-van.txt.p7s",
        ];
        let out = kyso(&samples(), &args);
        report_schema::check_output(&args, &out);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["policy"]["name"], name);
        assert_eq!(v["policy"]["source"], source);
        let sig = &v["documents"][0]["signatures"][0];
        assert_eq!(sig["level"], "B-B");
        let alg = sig["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "algorithm_policy")
            .unwrap();
        let want = if name == "legacy-archive" {
            "skipped"
        } else {
            "passed"
        };
        assert_eq!(
            alg["result"], want,
            "a legacy profile never reports the algorithms passed"
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let out = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            "../pki/trust.pem",
            "--policy",
            "lax",
            "cong-van.txt.p7s",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no built-in validation policy is named 'lax'"),
        "{}",
        stderr(&out)
    );
    let out = kyso(
        &root().join("testdata/pki"),
        &[
            "chain",
            "--trust",
            "trust.pem",
            "--intermediates",
            "chain-rsa.pem",
            "--at",
            AT,
            "--format",
            "json",
            "--validation-policy",
            "legacy-archive",
            "signer-rsa.pem",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["validation_policy"]["name"], "legacy-archive");
}

#[test]
fn chain_json_is_the_library_report_and_conforms_to_its_schema() {
    use kyso_testkit::pki::{CertSpec, CrlSpec, Pki};
    let d = tmpdir("chain-json");
    let pki = Pki::new();
    pki.write(&d);
    let good = pki.leaf(CertSpec::ee("Good Signer"));
    let revoked = pki.leaf(CertSpec::ee("Revoked Signer"));
    good.write(&d, "good");
    revoked.write(&d, "revoked");
    let crl = pki.crl(
        &pki.sub,
        &CrlSpec::default().revoke(&revoked, "2026-05-15T00:00:00Z", Some(1)),
    );
    std::fs::write(d.join("sub.crl"), crl).unwrap();
    let root_crl = pki.crl(&pki.root, &CrlSpec::default());
    std::fs::write(d.join("root.crl"), root_crl).unwrap();
    // Each run's JSON is checked against docs/schema/kyso.chain.v1.schema.json by `kyso`.
    let chain = |trust: &str, cert: &str| {
        let out = kyso(
            &d,
            &[
                "chain",
                "--trust",
                trust,
                "--intermediates",
                "chain.pem",
                "--crl",
                "sub.crl",
                "--crl",
                "root.crl",
                "--at",
                AT,
                "--format",
                "json",
                cert,
            ],
        );
        let report: kyso::ChainReport = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("a kyso::ChainReport: {e}\n{}", stdout(&out)));
        // Read back and written again, it is the same document.
        let again: serde_json::Value = serde_json::to_value(&report).unwrap();
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(again, printed);
        (out.status.code(), report, printed)
    };

    let (code, r, _) = chain("root.pem", "good.pem");
    assert_eq!(code, Some(0));
    assert!(r.valid && r.error.is_none() && r.hint.is_none());
    assert_eq!(r.path.len(), 3, "leaf, intermediate, root");
    assert!(
        matches!(&r.path[0].revocation, kyso::RevocationStatus::Good { evidence, .. }
            if evidence.kind == kyso::RevocationDataKind::Crl
                && evidence.source == kyso::RevocationSource::File
                && evidence.path.as_deref() == Some("sub.crl")),
        "{:?}",
        r.path[0].revocation
    );
    assert!(r.path.iter().all(|c| c.verdict == kyso::CertVerdict::Valid));

    let (code, r, v) = chain("root.pem", "revoked.pem");
    assert_eq!(code, Some(1));
    assert_eq!(v["error"]["code"], "certificate_revoked");
    assert_eq!(v["path"][0]["revocation"]["status"], "revoked");
    assert_eq!(v["path"][0]["revocation"]["reason"], "keyCompromise");
    assert_eq!(r.sub_indication, Some(kyso::SubIndication::Revoked));

    // The issuing CA is not given (its own chain is the trust anchor): evidence and hint.
    let (code, r, v) = chain("good.pem", "revoked.pem");
    assert_eq!(code, Some(3)); // INDETERMINATE: the exit code verify gives
    assert!(!r.valid);
    assert!(v["hint"]["code"].is_string(), "{v:#}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));

    // The schema is strict: an unknown key or a made-up revocation status is refused.
    let (_, _, mut v) = chain("root.pem", "good.pem");
    assert!(report_schema::chain_violations(&v).is_empty());
    v["path"][0]["revocation"] = serde_json::json!({"status": "fine"});
    assert!(!report_schema::chain_violations(&v).is_empty());
    let (_, _, mut v) = chain("root.pem", "good.pem");
    v["surprise"] = serde_json::json!(1);
    assert!(!report_schema::chain_violations(&v).is_empty());
    let (_, _, mut v) = chain("root.pem", "revoked.pem");
    v["error"]["code"] = serde_json::json!("no_such_code");
    assert!(!report_schema::chain_violations(&v).is_empty());
}
