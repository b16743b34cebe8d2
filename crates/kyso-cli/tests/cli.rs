//! Golden tests of the `kyso` command line: output and exit codes of the product contract.
//! Refresh the golden files with `UPDATE_GOLDEN=1 cargo test -p kyso-cli --test cli`.

mod report_schema;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AT: &str = "2026-06-01T00:00:00Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn kyso(dir: &Path, args: &[&str]) -> Output {
    kyso_env(dir, args, &[])
}

fn kyso_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kyso"));
    c.args(args)
        .current_dir(dir)
        .env_remove("KYSO_TRUST")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("kyso runs");
    report_schema::check_output(args, &out);
    out
}

fn samples() -> PathBuf {
    root().join("testdata/samples")
}

/// A scratch directory removed when the test ends (pass or fail).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

fn tmpdir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("kyso-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

fn pki(f: &str) -> String {
    root().join("testdata/pki").join(f).display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Compare stdout and the exit code with `testdata/golden/<name>.txt`.
fn golden(name: &str, out: &Output) {
    let got = format!(
        "exit: {}\n--- stdout\n{}",
        out.status.code().unwrap_or(-1),
        stdout(out)
    );
    let path = root().join("testdata/golden").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        got,
        want,
        "output differs from {}; stderr: {}",
        path.display(),
        stderr(out)
    );
}

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
    assert_eq!(out.status.code(), Some(1));
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
    assert_eq!(out.status.code(), Some(1));
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
    let out = sign(&["--resume", "a.txt", "b.txt", "c.txt", "d.txt"]);
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
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("extended key usage"),
        "{}",
        stdout(&out)
    );
    // The test PKI asserts no policy: requiring an explicit policy must fail the path.
    assert_eq!(run(&["--require-explicit-policy"]).status.code(), Some(1));
    let out = run(&["--format", "json", "--revocation", "required"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no CRL given, revocation required: not valid"
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
            "sign", "--lang", "vi", "--key", &key, "--cert", &cert, "a.txt", "b.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("đã ký a.txt -> a.txt.p7s"), "{err}");
    assert!(
        err.contains("2 tệp đã ký, 0 tệp đã ký từ trước, 0 tệp lỗi"),
        "{err}"
    );
}
