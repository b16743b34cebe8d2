//! Messages that say what happened and what to do, in English and Vietnamese (issue 12):
//! files of the wrong kind, junk given to verify, a missing issuer, `kyso chain` on a
//! certificate, a secret given on the command line, a stale CRL that revokes, NFC/NFD file
//! names, and every line of a run in the language asked for. Goldens hold stdout and stderr:
//! `UPDATE_GOLDEN=1 cargo test -p kyso-cli --test messages`.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Output;

use common::*;

/// Compare exit code, stdout and stderr with `testdata/golden/messages-<name>.txt`.
fn golden_all(name: &str, out: &Output) {
    let got = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        stdout(out),
        stderr(out)
    );
    let path = root()
        .join("testdata/golden")
        .join(format!("messages-{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(got, want, "output differs from {}", path.display());
}

/// Copy test PKI files into `dir` under their own names (so messages show short paths).
fn copy_pki(dir: &Path, names: &[&str]) {
    for n in names {
        std::fs::copy(pki(n), dir.join(n)).unwrap();
    }
}

fn both<'a>(args: &[&'a str]) -> [Vec<&'a str>; 2] {
    let mut vi = args.to_vec();
    vi.insert(1, "vi");
    vi.insert(1, "--lang");
    [args.to_vec(), vi]
}

#[test]
fn a_pem_certificate_given_as_p12_says_what_it_is_before_asking_a_password() {
    let d = tmpdir("msg-p12-pem");
    copy_pki(&d, &["signer-rsa.pem"]);
    std::fs::write(d.join("doc.txt"), b"x").unwrap();
    for (lang, args) in
        ["en", "vi"]
            .iter()
            .zip(both(&["sign", "--p12", "signer-rsa.pem", "doc.txt"]))
    {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        // No password was asked for (stdin is not a terminal: asking would have failed).
        assert!(
            !err.contains("Password") && !err.contains("Mật khẩu"),
            "{err}"
        );
        golden_all(&format!("p12-given-pem-{lang}"), &out);
    }
}

#[test]
fn a_p12_given_as_key_and_a_key_given_as_cert_say_what_to_give_instead() {
    let d = tmpdir("msg-key-p12");
    copy_pki(&d, &["signer-rsa.p12", "signer-rsa.pem", "signer-rsa.key"]);
    std::fs::write(d.join("doc.txt"), b"x").unwrap();
    for (lang, args) in ["en", "vi"].iter().zip(both(&[
        "sign",
        "--key",
        "signer-rsa.p12",
        "--cert",
        "signer-rsa.pem",
        "doc.txt",
    ])) {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(2));
        golden_all(&format!("key-given-p12-{lang}"), &out);
    }
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            "signer-rsa.key",
            "--cert",
            "signer-rsa.key",
            "doc.txt",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--cert signer-rsa.key: this is a PEM private key, not a certificate file")
            && err.contains("hint: a private key is not a certificate"),
        "{err}"
    );
    assert!(!d.join("doc.txt.p7s").exists());
}

#[test]
fn trust_files_of_the_wrong_kind_are_named_and_trust_folders_skip_them() {
    let d = tmpdir("msg-trust");
    copy_pki(&d, &["signer-rsa.p12", "root-rsa.pem"]);
    std::fs::copy(
        samples().join("cong-van.txt.p7s"),
        d.join("cong-van.txt.p7s"),
    )
    .unwrap();
    std::fs::copy(samples().join("cong-van.txt"), d.join("cong-van.txt")).unwrap();
    std::fs::write(d.join("README.md"), "# Chứng thư số gốc\n").unwrap();
    std::fs::write(d.join("policy.pdf"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    for (file, kind) in [
        (
            "signer-rsa.p12",
            "this is a PKCS#12 bundle (.p12/.pfx), not a certificate file",
        ),
        ("README.md", "this is a text file, not a certificate file"),
        (
            "policy.pdf",
            "this is a PDF document, not a certificate file",
        ),
    ] {
        let out = kyso(
            &d,
            &["verify", "--trust", file, "--at", AT, "cong-van.txt.p7s"],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("kyso: error: --trust {file}: {kind}")),
            "{err}"
        );
        assert!(
            !err.contains("OpenSSL") && !err.contains("Parsing Error"),
            "{err}"
        );
    }
    // The PKCS#12 file says how to get its certificates out.
    let out = kyso(
        &d,
        &["verify", "--trust", "signer-rsa.p12", "cong-van.txt.p7s"],
    );
    assert!(stderr(&out).contains("openssl pkcs12 -in FILE.p12 -nokeys"));
    // A folder: the certificate is used, the rest skipped with a note naming them.
    let roots = d.join("roots");
    std::fs::create_dir(&roots).unwrap();
    for f in ["signer-rsa.p12", "root-rsa.pem", "README.md", "policy.pdf"] {
        std::fs::copy(d.join(f), roots.join(f)).unwrap();
    }
    for (lang, args) in ["en", "vi"].iter().zip(both(&[
        "verify",
        "--trust",
        "roots",
        "--at",
        AT,
        "cong-van.txt.p7s",
    ])) {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        golden_all(&format!("trust-folder-{lang}"), &out);
    }
}

/// A PKCS#12 file as old Windows and OpenSSL 1.x export it (RC2-40): kyso says so and how to
/// convert it, and the conversion it gives really works.
#[test]
fn a_legacy_rc2_p12_says_how_to_convert_it_and_the_conversion_works() {
    let d = tmpdir("msg-legacy");
    copy_pki(&d, &["signer-rsa.pem", "signer-rsa.key"]);
    std::fs::write(d.join("doc.txt"), b"x").unwrap();
    let made = std::process::Command::new("openssl")
        .args([
            "pkcs12",
            "-export",
            "-legacy",
            "-in",
            "signer-rsa.pem",
            "-inkey",
            "signer-rsa.key",
            "-out",
            "old.p12",
            "-passout",
            "pass:MatKhau",
        ])
        .current_dir(&d)
        .status()
        .unwrap();
    assert!(made.success(), "openssl could not write a legacy PKCS#12");
    let env = [("P12_PASS", "MatKhau")];
    let args = [
        "sign",
        "--p12",
        "old.p12",
        "--pass",
        "env:P12_PASS",
        "doc.txt",
    ];
    for (lang, args) in ["en", "vi"].iter().zip(both(&args)) {
        let out = kyso_env(&d, &args, &env);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(!err.contains("evp") && !err.contains("error:0"), "{err}");
        golden_all(&format!("legacy-p12-{lang}"), &out);
    }
    // Run the hint's command line as given (OLD.p12 named), then sign with its output.
    let out = kyso_env(&d, &args, &env);
    let err = stderr(&out);
    let command = err
        .lines()
        .find_map(|l| l.split("then sign with new.p12: ").nth(1))
        .expect("the hint gives a command")
        .replace("OLD.p12", "old.p12");
    let run = std::process::Command::new("bash")
        .args(["-c", &command])
        .env("P12_PASS", "MatKhau")
        .current_dir(&d)
        .status()
        .unwrap();
    assert!(run.success(), "{command}");
    let out = kyso_env(
        &d,
        &[
            "sign",
            "--p12",
            "new.p12",
            "--pass",
            "env:P12_PASS",
            "doc.txt",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.join("doc.txt.p7s").exists());
}

#[test]
fn junk_given_to_verify_says_what_it_looks_like() {
    let d = tmpdir("msg-junk");
    std::fs::write(d.join("empty.p7s"), b"").unwrap();
    let sig = std::fs::read(samples().join("cong-van.txt.p7s")).unwrap();
    std::fs::write(d.join("cut.p7s"), &sig[..sig.len() / 3]).unwrap();
    std::fs::write(d.join("scan.p7s"), b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n").unwrap();
    std::fs::write(d.join("note.p7s"), "Kính gửi: Sở Tư pháp\n".as_bytes()).unwrap();
    std::fs::copy(pki("root-rsa.der"), d.join("root.p7s")).unwrap();
    let files = ["empty.p7s", "cut.p7s", "scan.p7s", "note.p7s", "root.p7s"];
    for (lang, mut args) in ["en", "vi"].iter().zip(both(&["verify", "--at", AT])) {
        args.extend(files);
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out);
        assert!(
            !text.contains("expected tag") && !text.contains("claims"),
            "{text}"
        );
        golden_all(&format!("junk-{lang}"), &out);
    }
    // JSON carries what the file looks like as data.
    let out = kyso(
        &d,
        &["verify", "--json", "--at", AT, "scan.p7s", "empty.p7s"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // A PDF is read as a PDF whatever its name (this one is only a header).
    assert_eq!(v["documents"][0]["problems"][0]["code"], "pdf_unreadable");
    assert_eq!(v["documents"][1]["problems"][0]["found"]["kind"], "empty");
}

#[test]
fn a_document_given_instead_of_its_signature_points_at_the_signature() {
    let d = tmpdir("msg-beside");
    std::fs::write(d.join("QĐ.pdf"), b"%PDF-1.7\n").unwrap();
    std::fs::write(d.join("QĐ.pdf.p7s"), b"x").unwrap();
    for (lang, args) in ["en", "vi"]
        .iter()
        .zip(both(&["verify", "--at", AT, "QĐ.pdf"]))
    {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(1));
        golden_all(&format!("signature-beside-{lang}"), &out);
    }
}

#[test]
fn a_missing_issuer_is_named_with_the_anchors_loaded_and_the_hint_fits_the_case() {
    let d = tmpdir("msg-issuer");
    copy_pki(&d, &["other-root.pem", "root-rsa.pem", "signer-rsa.pem"]);
    // The signer's CA is missing: an intermediate.
    for (lang, args) in ["en", "vi"].iter().zip(both(&[
        "chain",
        "--trust",
        "other-root.pem",
        "--at",
        AT,
        "signer-rsa.pem",
    ])) {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(3));
        golden_all(&format!("unknown-issuer-{lang}"), &out);
    }
    // A root that is not trusted: "self-signed", and the hint is about --trust.
    for (lang, args) in ["en", "vi"].iter().zip(both(&[
        "chain",
        "--trust",
        "other-root.pem",
        "--at",
        AT,
        "root-rsa.pem",
    ])) {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(3));
        golden_all(&format!("untrusted-root-{lang}"), &out);
    }
    // The evidence is data in JSON.
    let out = kyso(
        &d,
        &[
            "chain",
            "--format",
            "json",
            "--trust",
            "other-root.pem",
            "--at",
            AT,
            "root-rsa.pem",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "unknown_issuer");
    assert_eq!(v["error"]["self_signed"], true);
    assert_eq!(v["error"]["trust_anchor_count"], 1);
    assert!(v["error"]["trust_anchors"][0]
        .as_str()
        .unwrap()
        .contains("Unrelated Root"));
}

#[test]
fn kyso_chain_on_a_certificate_never_speaks_of_signatures() {
    let d = tmpdir("msg-chain-words");
    copy_pki(
        &d,
        &[
            "expired-rsa.pem",
            "signer-rsa.pem",
            "chain-rsa.pem",
            "trust.pem",
        ],
    );
    let cases: [&[&str]; 3] = [
        &[
            "chain",
            "--trust",
            "trust.pem",
            "--intermediates",
            "chain-rsa.pem",
            "--at",
            AT,
            "expired-rsa.pem",
        ],
        &[
            "chain",
            "--trust",
            "trust.pem",
            "--at",
            AT,
            "signer-rsa.pem",
        ],
        &["chain", "--at", AT, "signer-rsa.pem"],
    ];
    for case in cases {
        for args in both(case) {
            let out = kyso(&d, &args);
            assert_ne!(out.status.code(), Some(0));
            let all = (stdout(&out) + &stderr(&out)).to_lowercase();
            for word in [
                "signature",
                "signer",
                "signed",
                "time-stamp",
                "chữ ký",
                "người ký",
                "dấu thời gian",
            ] {
                assert!(!all.contains(word), "{args:?} says '{word}': {all}");
            }
        }
    }
}

#[test]
fn a_password_given_where_its_source_was_expected_is_refused_without_echoing_it() {
    let d = tmpdir("msg-pass");
    copy_pki(&d, &["signer-rsa.p12"]);
    std::fs::write(d.join("doc.txt"), b"x").unwrap();
    for (lang, args) in ["en", "vi"].iter().zip(both(&[
        "sign",
        "--p12",
        "signer-rsa.p12",
        "--pass",
        "MatKhau123",
        "doc.txt",
    ])) {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(!err.contains("MatKhau123"), "the secret was echoed: {err}");
        assert!(err.contains("env:") && err.contains("file:") && err.contains("prompt"));
        golden_all(&format!("pass-value-{lang}"), &out);
    }
    // The same for --pin and for inspect --pass.
    let out = kyso(&d, &["inspect", "--pass", "123456", "signer-rsa.p12"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("123456"));
}

#[test]
fn a_stale_crl_that_lists_the_certificate_says_revoked() {
    use kyso_testkit::{CertSpec, CrlSpec, Pki};
    let d = tmpdir("msg-stale-crl");
    let pki = Pki::new();
    pki.write(&d);
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    leaf.write(&d, "leaf");
    let stale = CrlSpec::default()
        .updates("2026-04-01T00:00:00Z", Some("2026-05-01T00:00:00Z"))
        .revoke(&leaf, "2026-03-15T00:00:00Z", Some(1));
    std::fs::write(d.join("sub.crl"), pki.crl(&pki.sub, &stale)).unwrap();
    std::fs::write(d.join("root.crl"), pki.crl(&pki.root, &CrlSpec::default())).unwrap();
    let base = [
        "chain",
        "--trust",
        "root.pem",
        "--intermediates",
        "sub.pem",
        "--crl",
        "sub.crl",
        "--crl",
        "root.crl",
        "--at",
        AT,
        "leaf.pem",
    ];
    for (lang, args) in ["en", "vi"].iter().zip(both(&base)) {
        let out = kyso(&d, &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("REVOKED") || text.contains("ĐÃ BỊ THU HỒI"),
            "{text}"
        );
        assert!(text.contains("2026-05-01"), "{text}");
        if *lang == "en" {
            assert!(
                text.contains("revoked (per a CRL whose nextUpdate"),
                "{text}"
            );
        }
    }
    let mut json = base.to_vec();
    json.splice(1..1, ["--format", "json"]);
    let out = kyso(&d, &json);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "certificate_revoked");
    assert_eq!(v["error"]["stale_crl_next_update"], "2026-05-01T00:00:00Z");
    assert_eq!(v["sub_indication"], "REVOKED");
}

#[test]
fn nfc_and_nfd_names_of_the_same_file_both_work() {
    let d = tmpdir("msg-nfc");
    copy_pki(
        &d,
        &[
            "signer-rsa.key",
            "signer-rsa.pem",
            "chain-rsa.pem",
            "trust.pem",
        ],
    );
    // Stored decomposed (as macOS writes it), typed precomposed (as keyboards type it).
    let nfd = "Ho\u{302}\u{300} so\u{31b}.txt";
    let nfc = "Hồ sơ.txt";
    assert_ne!(nfd.as_bytes(), nfc.as_bytes());
    std::fs::write(d.join(nfd), "Tờ trình".as_bytes()).unwrap();
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            "signer-rsa.key",
            "--cert",
            "signer-rsa.pem",
            "--chain",
            "chain-rsa.pem",
            nfc,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.join(format!("{nfd}.p7s")).exists());
    // And the reverse: the signature named in NFC finds its NFD content beside it.
    std::fs::rename(d.join(format!("{nfd}.p7s")), d.join(format!("{nfc}.p7s"))).unwrap();
    let out = kyso(
        &d,
        &["verify", "--trust", "trust.pem", &format!("{nfc}.p7s")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = kyso(
        &d,
        &["verify", "--trust", "trust.pem", &format!("{nfd}.p7s")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn every_line_of_a_run_follows_the_language() {
    let d = tmpdir("msg-lang");
    copy_pki(
        &d,
        &[
            "expired-rsa.key",
            "expired-rsa.pem",
            "signer-rsa.key",
            "signer-rsa.pem",
        ],
    );
    std::fs::write(d.join("doc.txt"), b"x").unwrap();
    std::fs::write(d.join("doc.txt.p7s"), b"x").unwrap();
    let vi = [("LANG", "vi_VN.UTF-8")];
    // Missing file, "already exists", signing refusal (expired): the error prefix, the
    // library's message and the hint are all Vietnamese.
    let missing = kyso_env(
        &d,
        &[
            "sign",
            "--key",
            "khong-co.key",
            "--cert",
            "signer-rsa.pem",
            "doc.txt",
        ],
        &vi,
    );
    let exists = kyso_env(
        &d,
        &[
            "sign",
            "--key",
            "signer-rsa.key",
            "--cert",
            "signer-rsa.pem",
            "doc.txt",
        ],
        &vi,
    );
    let expired = kyso_env(
        &d,
        &[
            "sign",
            "--key",
            "expired-rsa.key",
            "--cert",
            "expired-rsa.pem",
            "-o",
            "x.p7s",
            "doc.txt",
        ],
        &vi,
    );
    for (name, out) in [
        ("missing", &missing),
        ("exists", &exists),
        ("expired", &expired),
    ] {
        let err = stderr(out);
        assert!(
            err.starts_with("kyso: lỗi:") || err.contains("\nkyso: lỗi:"),
            "{name}: {err}"
        );
        assert!(
            !err.contains("error:") && !err.contains("No such file"),
            "{name}: {err}"
        );
    }
    golden_all("lang-vi-missing-file", &missing);
    golden_all("lang-vi-already-exists", &exists);
    assert!(
        stderr(&expired).contains("đã hết hạn"),
        "{}",
        stderr(&expired)
    );
    // LANGUAGE, LC_MESSAGES and LC_ALL choose too; LC_ALL=C turns LANGUAGE off.
    for env in [
        &[("LANG", "en_US.UTF-8"), ("LANGUAGE", "vi")][..],
        &[("LC_MESSAGES", "vi_VN.UTF-8")],
        &[("LC_ALL", "vi_VN.UTF-8")],
    ] {
        let out = kyso_env(&d, &["verify", "khong-co.p7s"], env);
        assert!(
            stderr(&out).contains("kyso: lỗi: không đọc được khong-co.p7s: không tìm thấy tệp"),
            "{env:?}: {}",
            stderr(&out)
        );
    }
    let out = kyso_env(
        &d,
        &["verify", "khong-co.p7s"],
        &[("LANGUAGE", "vi"), ("LC_ALL", "C")],
    );
    assert!(
        stderr(&out).contains("kyso: error: cannot read khong-co.p7s: file not found"),
        "{}",
        stderr(&out)
    );
    // --help stays English and says how to get Vietnamese.
    for cmd in ["sign", "verify", "inspect", "chain"] {
        let out = kyso(&d, &[cmd, "--help"]);
        let help = stdout(&out);
        assert!(
            help.contains("Vietnamese output:") && help.contains("--lang vi"),
            "{cmd}: {help}"
        );
    }
    let out = kyso(&d, &["token", "list", "--help"]);
    assert!(stdout(&out).contains("--lang"));
    // Token messages come from the library's catalogue, in the language of the run.
    let module = ["token", "list", "--module", "/khong-co/libtoken.so"];
    let vi_module = [
        "token",
        "list",
        "--lang",
        "vi",
        "--module",
        "/khong-co/libtoken.so",
    ];
    for args in [&module[..], &vi_module[..]] {
        let out = kyso(&d, args);
        assert_eq!(out.status.code(), Some(2));
        let want = if args.contains(&"vi") {
            "kyso: lỗi: không có mô-đun PKCS#11 /khong-co/libtoken.so"
        } else {
            "kyso: error: the PKCS#11 module /khong-co/libtoken.so does not exist"
        };
        assert!(stderr(&out).starts_with(want), "{}", stderr(&out));
    }
}

#[test]
fn inspect_numbers_from_one_and_an_unset_secret_variable_has_no_english_tail() {
    let out = kyso_env(
        &samples(),
        &["inspect", "--lang", "vi", "cong-van.txt.p7s"],
        &[],
    );
    let text = stdout(&out);
    assert!(text.contains("người ký #1:"), "{text}");
    assert!(text.contains("chứng thư số kèm theo #1"), "{text}");
    assert!(
        !text.contains("#0"),
        "text numbers from 1, like verify: {text}"
    );

    let d = tmpdir("unset-secret");
    std::fs::write(d.join("a.txt"), b"x").unwrap();
    // kyso_env cannot unset a variable; the variable must really be unset.
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kyso"));
    let out = c
        .args([
            "sign",
            "--lang",
            "vi",
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "env:KYSO_NO_SUCH_VARIABLE",
            "a.txt",
        ])
        .current_dir(&d)
        .env_remove("KYSO_NO_SUCH_VARIABLE")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("KYSO_NO_SUCH_VARIABLE"), "{err}");
    assert!(!err.contains("not found"), "no English tail: {err}");
    assert!(!d.join("a.txt.p7s").exists());
}

#[test]
fn inspect_on_junk_says_what_the_file_is_in_both_languages() {
    let d = tmpdir("inspect-junk");
    std::fs::write(d.join("notes.txt"), "Kính gửi Sở Tư pháp\n").unwrap();
    let der = std::fs::read(pki("signer-rsa.der")).unwrap();
    std::fs::write(d.join("cut.der"), &der[..100]).unwrap();
    for (lang, text, cut) in [
        (
            "en",
            "this is a text file, not a certificate",
            "truncated file (100 of the",
        ),
        (
            "vi",
            "đây là tệp văn bản, không phải chứng thư số",
            "tệp không đầy đủ (chỉ có 100 trên",
        ),
    ] {
        let out = kyso(&d, &["inspect", "--lang", lang, "notes.txt"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(text), "{lang}: {}", stderr(&out));
        let out = kyso(&d, &["inspect", "--lang", lang, "cut.der"]);
        assert!(stderr(&out).contains(cut), "{lang}: {}", stderr(&out));
        assert!(!stderr(&out).contains("not a certificate (PEM/DER), a PKCS#7"));
    }
}
