//! The command line as users expect it in batches (issue 12): `kyso sign DIR` (-r, skipped
//! and duplicate files, envelopes refused), the CA chain warning, standard input used once,
//! `kyso sign --format json` (schema kyso.sign/v1), batch output (failures and a summary;
//! everything with --verbose; no progress bytes when piped) and JUnit that validates against
//! the strict Ant/Jenkins schema.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Output;

use common::*;

/// `kyso sign` with the test signer's key and certificate, plus `extra`.
fn sign(dir: &Path, extra: &[&str]) -> Output {
    let (key, cert) = (pki("signer-rsa.key"), pki("signer-rsa.pem"));
    let mut args = vec!["sign", "--key", key.as_str(), "--cert", cert.as_str()];
    args.extend_from_slice(extra);
    kyso(dir, &args)
}

/// `kyso sign` with the CA chain embedded (no chain warning), plus `extra`.
fn sign_with_chain(dir: &Path, extra: &[&str]) -> Output {
    let chain = pki("chain-rsa.pem");
    let mut args = vec!["--chain", chain.as_str()];
    args.extend_from_slice(extra);
    sign(dir, &args)
}

fn write(dir: &Path, files: &[&str]) {
    for f in files {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, format!("văn bản {f}")).unwrap();
    }
}

/// Every file under `dir` (relative, sorted), to see exactly what a run wrote.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {}", stdout(out)))
}

fn files_of(v: &serde_json::Value) -> Vec<(String, String)> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["input"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn sign_dir_signs_its_documents_in_order_and_leaves_out_signatures_hidden_and_temp_files() {
    let d = tmpdir("ux-sign-dir");
    write(
        &d,
        &[
            "hoso/b.txt",
            "hoso/a.pdf",
            "hoso/cu.pdf.p7s",
            "hoso/cu.doc.p7m",
            "hoso/gpg.sig",
            "hoso/.ghi-chu.txt",
            "hoso/.a.pdf.p7s.kyso-tmp-4242",
            "hoso/.git/config",
            "hoso/phu-luc/c.txt",
            "hoso/phu-luc/sau/d.txt",
        ],
    );
    let before = tree(&d);
    // Not recursive: the folder's own documents, and a note about the subfolder.
    let out = sign_with_chain(&d, &["hoso"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "kyso: note: 1 subfolder(s) not signed (pass -r to sign the files inside them too)"
        ),
        "{err}"
    );
    assert!(
        err.contains("kyso: 2 signed, 0 already signed, 0 failed"),
        "{err}"
    );
    let mut want = before.clone();
    want.extend(["hoso/a.pdf.p7s".into(), "hoso/b.txt.p7s".into()]);
    want.sort();
    assert_eq!(tree(&d), want, "only a.pdf and b.txt are signed");

    // -r: the subfolders too, never hidden folders; in sorted order (JSON lists them).
    let out = sign_with_chain(&d, &["-r", "--resume", "--format", "json", "hoso"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        files_of(&v),
        [
            ("hoso/a.pdf".into(), "skipped".into()),
            ("hoso/b.txt".into(), "skipped".into()),
            ("hoso/phu-luc/c.txt".into(), "signed".into()),
            ("hoso/phu-luc/sau/d.txt".into(), "signed".into()),
        ]
    );
    let mut want2 = want.clone();
    want2.extend([
        "hoso/phu-luc/c.txt.p7s".into(),
        "hoso/phu-luc/sau/d.txt.p7s".into(),
    ]);
    want2.sort();
    assert_eq!(tree(&d), want2);
    // Everything signed verifies.
    let out = kyso(
        &d,
        &["verify", "--trust", &pki("trust.pem"), "--json", "hoso"],
    );
    let v = json(&out);
    // cu.pdf.p7s and cu.doc.p7m are junk; the four kyso wrote pass.
    let passed: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["indication"] == "TOTAL-PASSED")
        .map(|d| d["signature_file"].as_str().unwrap())
        .collect();
    assert_eq!(
        passed,
        [
            "hoso/a.pdf.p7s",
            "hoso/b.txt.p7s",
            "hoso/phu-luc/c.txt.p7s",
            "hoso/phu-luc/sau/d.txt.p7s"
        ]
    );

    // --verbose names each file left out, with the reason.
    let out = sign_with_chain(&d, &["--resume", "--verbose", "hoso"]);
    let err = stderr(&out);
    for line in [
        "kyso: skipped hoso/cu.pdf.p7s: an existing signature",
        "kyso: skipped hoso/gpg.sig: an existing signature",
        "kyso: skipped hoso/.ghi-chu.txt: hidden",
        "kyso: skipped hoso/.git: hidden",
        "kyso: skipped hoso/.a.pdf.p7s.kyso-tmp-4242: a temporary file of kyso",
        "kyso: skipped hoso/phu-luc: a subfolder (pass -r to sign inside it)",
        "kyso: hoso/a.pdf is already signed in hoso/a.pdf.p7s (--resume)",
    ] {
        assert!(err.contains(line), "{line} in:\n{err}");
    }
    // In Vietnamese.
    let out = sign_with_chain(&d, &["--lang", "vi", "--resume", "--verbose", "hoso"]);
    let err = stderr(&out);
    for line in [
        "kyso: bỏ qua hoso/cu.pdf.p7s: đã là chữ ký số",
        "kyso: bỏ qua hoso/.ghi-chu.txt: tệp ẩn",
        "kyso: bỏ qua hoso/.a.pdf.p7s.kyso-tmp-4242: tệp tạm của kyso",
        "kyso: bỏ qua hoso/phu-luc: thư mục con (thêm -r để ký bên trong)",
        "kyso: 0 tệp đã ký, 2 tệp đã ký từ trước, 0 tệp không ký được",
    ] {
        assert!(err.contains(line), "{line} in:\n{err}");
    }
    let out = sign_with_chain(&d, &["--lang", "vi", "--resume", "hoso"]);
    assert!(
        stderr(&out)
            .contains("kyso: ghi chú: không ký 1 thư mục con (thêm -r để ký cả các tệp bên trong)"),
        "{}",
        stderr(&out)
    );

    // A folder with nothing to sign is a usage error, not a silent success.
    std::fs::create_dir_all(d.join("rong")).unwrap();
    write(&d, &["rong/x.txt.p7s"]);
    let out = sign_with_chain(&d, &["rong"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to sign"), "{}", stderr(&out));
    let out = sign_with_chain(&d, &["--lang", "vi", "rong"]);
    assert!(
        stderr(&out).contains("không có tệp nào để ký"),
        "{}",
        stderr(&out)
    );
    // -o names one output: refused when a folder gives several files.
    let out = sign_with_chain(&d, &["-o", "x.p7s", "hoso"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("-o names one output but 2 files"));
}

#[test]
fn the_same_file_given_twice_or_through_two_paths_is_signed_once() {
    let d = tmpdir("ux-dup");
    write(&d, &["hs/a.txt", "hs/b.txt"]);
    std::os::unix::fs::symlink(d.join("hs/b.txt"), d.join("lien-ket.txt")).unwrap();
    let out = sign_with_chain(
        &d,
        &[
            "--format",
            "json",
            "hs/a.txt",
            "./hs/a.txt",
            "hs",
            "lien-ket.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        files_of(&v),
        [
            ("hs/a.txt".into(), "signed".into()),
            ("hs/b.txt".into(), "signed".into())
        ]
    );
    assert_eq!(v["summary"]["total"], 2);
    let err = stderr(&out);
    for note in [
        "kyso: note: ./hs/a.txt is the same file as hs/a.txt; it is signed once",
        "kyso: note: hs/a.txt is the same file as hs/a.txt; it is signed once",
        "kyso: note: lien-ket.txt is the same file as hs/b.txt; it is signed once",
    ] {
        assert!(err.contains(note), "{note} in:\n{err}");
    }
    assert_eq!(
        tree(&d),
        [
            "hs/a.txt",
            "hs/a.txt.p7s",
            "hs/b.txt",
            "hs/b.txt.p7s",
            "lien-ket.txt"
        ]
    );
    // In Vietnamese.
    let out = sign_with_chain(&d, &["--lang", "vi", "--resume", "hs/a.txt", "./hs/a.txt"]);
    assert!(
        stderr(&out)
            .contains("kyso: ghi chú: ./hs/a.txt là cùng một tệp với hs/a.txt; chỉ ký một lần"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn signing_an_envelope_by_mistake_asks_whether_add_to_was_meant_and_writes_nothing() {
    let d = tmpdir("ux-envelope");
    write(&d, &["a.txt", "b.txt"]);
    assert_eq!(sign_with_chain(&d, &["a.txt"]).status.code(), Some(0));
    let before = tree(&d);
    let out = sign_with_chain(&d, &["b.txt", "a.txt.p7s"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("a.txt.p7s: already a signature (.p7s/.p7m), not a document to sign; nothing was signed"),
        "{err}"
    );
    assert!(err.contains("did you mean --add-to?"), "{err}");
    assert!(err.contains("--add-to a.txt.p7s"), "{err}");
    assert_eq!(tree(&d), before, "nothing was written, b.txt neither");
    // Upper case and attached envelopes too, in Vietnamese.
    std::fs::copy(d.join("a.txt.p7s"), d.join("c.P7M")).unwrap();
    let out = sign_with_chain(&d, &["--lang", "vi", "c.P7M"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "c.P7M đã là chữ ký số (.p7s/.p7m), không phải tài liệu cần ký; chưa ký tệp nào"
        ),
        "{err}"
    );
    assert!(err.contains("có phải bạn muốn dùng --add-to?"), "{err}");
    // What the hint says works.
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("org-rsa.key"),
            "--cert",
            &pki("org-rsa.pem"),
            "--chain",
            &pki("chain-rsa.pem"),
            "--add-to",
            "a.txt.p7s",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_signature_without_the_ca_chain_is_warned_about_once_with_the_fix() {
    let d = tmpdir("ux-chain");
    write(&d, &["a.txt", "b.txt", "c.txt"]);
    let out = sign(&d, &["a.txt", "b.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("kyso: warning: ").count(),
        1,
        "once per run: {err}"
    );
    assert!(
        err.contains("kyso: warning: the signatures carry only the signer's certificate, not the CA certificate that issued it ('CN=Kyso Test Sub CA RSA,O=Kyso Test,C=VN'); a receiver who does not already have it will get INDETERMINATE (NO_CERTIFICATE_CHAIN_FOUND)"),
        "{err}"
    );
    assert!(
        err.contains("kyso: hint: embed the CA certificate with --chain FILE"),
        "{err}"
    );
    // What it warns about is true: with only the root, the receiver cannot build the path...
    let trust = pki("trust.pem");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust", trust.as_str()];
        args.extend_from_slice(extra);
        kyso(&d, &args).status.code()
    };
    assert_eq!(verify(&["a.txt.p7s"]), Some(3));
    // ...and the fix the hint names makes it TOTAL-PASSED.
    let out = sign_with_chain(&d, &["c.txt"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(verify(&["c.txt.p7s"]), Some(0));
    // In JSON, a run-wide warning; in Vietnamese, the officials' terms.
    let out = sign(&d, &["--force", "--format", "json", "a.txt"]);
    let v = json(&out);
    assert_eq!(v["warnings"][0]["code"], "chain_missing", "{v}");
    let out = sign(&d, &["--force", "--lang", "vi", "b.txt"]);
    let err = stderr(&out);
    assert!(
        err.contains("kyso: cảnh báo: chữ ký số chỉ kèm chứng thư số của người ký, không kèm chứng thư số của tổ chức cấp ('CN=Kyso Test Sub CA RSA,O=Kyso Test,C=VN'); người nhận chưa có chứng thư số đó sẽ nhận kết quả INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND (chưa xác định được)"),
        "{err}"
    );
    assert!(
        err.contains("kyso: gợi ý: kèm chứng thư số của CA bằng --chain TỆP"),
        "{err}"
    );
    // A PKCS#12 file that holds the chain embeds it: no warning.
    let out = kyso_env(
        &d,
        &[
            "sign",
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "env:KYSO_T_PW",
            "--force",
            "a.txt",
        ],
        &[("KYSO_T_PW", "kyso-test")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn standard_input_is_read_once_so_pass_stdin_with_content_from_stdin_is_refused() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let d = tmpdir("ux-stdin");
    let enc = pki("signer-rsa.enc.key");
    let cert = pki("signer-rsa.pem");
    let run = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kyso"))
            .args(["sign", "--key", &enc, "--cert", &cert])
            .args(args)
            .current_dir(&d)
            .env("LANG", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The password, then the content, as a user piping both would.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"kyso-test\nnoi dung\n");
        child.wait_with_output().unwrap()
    };
    for pass in ["stdin", "fd:0"] {
        let out = run(&["--pass", pass, "-o", "out.p7s", "-"]);
        assert_eq!(out.status.code(), Some(2), "{pass}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("--pass stdin and the content - both read standard input, which can be read only once; nothing was signed"),
            "{err}"
        );
        assert!(err.contains("--pass env:VAR, file:PATH or fd:N"), "{err}");
    }
    let out = run(&["--lang", "vi", "--pass", "stdin", "-o", "out.p7s", "-"]);
    assert!(
        stderr(&out).contains("--pass stdin và nội dung - đều đọc từ đầu vào chuẩn"),
        "{}",
        stderr(&out)
    );
    assert!(tree(&d).is_empty(), "nothing written: {:?}", tree(&d));
    // Either one alone is fine.
    std::fs::write(d.join("a.txt"), "x").unwrap();
    let out = run(&["--pass", "stdin", "a.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // JSON goes to stdout, so the signature of stdin cannot: refused up front.
    let key = pki("signer-rsa.key");
    let out = kyso(
        &d,
        &[
            "sign", "--key", &key, "--cert", &cert, "--format", "json", "-",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("write the signature to a file with -o FILE"));
    assert!(out.stdout.is_empty());
}

#[test]
fn sign_json_reports_every_file_and_conforms_to_the_published_schema() {
    let d = tmpdir("ux-sign-json");
    write(&d, &["a.txt", "b.txt", "c.txt"]);
    std::fs::write(d.join("rong.txt"), "").unwrap();
    assert_eq!(sign_with_chain(&d, &["a.txt"]).status.code(), Some(0));
    std::fs::write(d.join("c.txt.p7s"), "not a signature").unwrap();
    // a: already signed (--resume), b: signed, c: its output exists (failed), rong: empty.
    let out = sign_with_chain(
        &d,
        &[
            "--resume", "--format", "json", "a.txt", "b.txt", "c.txt", "rong.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    report_schema::assert_sign_conforms(&v);
    assert_eq!(v["schema"], "kyso.sign/v1");
    assert_eq!(v["mode"], "sign");
    assert_eq!(v["interrupted"], false);
    assert_eq!(
        v["summary"],
        serde_json::json!({"total": 4, "signed": 2, "skipped": 1, "failed": 1, "not_done": 0})
    );
    let f = &v["files"];
    assert_eq!(f[0]["status"], "skipped");
    assert_eq!(f[0]["reason"], "already_signed");
    assert_eq!(f[0]["output"], "a.txt.p7s");
    assert_eq!(f[1]["status"], "signed");
    assert_eq!(f[1]["output"], "b.txt.p7s");
    assert!(f[1]["signer"]["subject"]
        .as_str()
        .unwrap()
        .contains("CN=Nguyễn Văn An"));
    assert_eq!(f[2]["status"], "failed");
    assert_eq!(f[2]["signer"], serde_json::Value::Null);
    assert_eq!(f[2]["error"]["code"], "output_exists");
    assert_eq!(
        f[2]["error"]["message"],
        "c.txt.p7s already exists; pass --force to replace it"
    );
    assert_eq!(f[3]["warnings"][0]["code"], "empty_content");
    // Failures and warnings still reach stderr; nothing but the JSON is on stdout.
    let err = stderr(&out);
    assert!(err.contains("c.txt was not signed"), "{err}");
    assert!(err.contains("rong.txt is empty"), "{err}");
    assert!(
        !err.contains("signed, "),
        "no text summary in JSON mode: {err}"
    );
    // The schema is strict: an extra key or a missing one is a violation.
    let mut extra = v.clone();
    extra["files"][1]["note"] = "x".into();
    assert!(!report_schema::sign_violations(&extra).is_empty());
    let mut missing = v.clone();
    missing["summary"]
        .as_object_mut()
        .unwrap()
        .remove("not_done");
    assert!(!report_schema::sign_violations(&missing).is_empty());
    let mut wrong = v.clone();
    wrong["files"][2]["signer"] = f[1]["signer"].clone();
    assert!(!report_schema::sign_violations(&wrong).is_empty());

    // Co-signing (--add-to) reports in the same shape.
    let org = (pki("org-rsa.key"), pki("org-rsa.pem"), pki("chain-rsa.pem"));
    let args = [
        "sign",
        "--key",
        &org.0,
        "--cert",
        &org.1,
        "--chain",
        &org.2,
        "--format",
        "json",
        "--add-to",
        "a.txt.p7s",
        "--add-to",
        "b.txt.p7s",
    ];
    let out = kyso(&d, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["mode"], "add_to");
    assert_eq!(
        files_of(&v),
        [
            ("a.txt.p7s".into(), "signed".into()),
            ("b.txt.p7s".into(), "signed".into())
        ]
    );
    let out = kyso(&d, &args);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json(&out)["files"][0]["error"]["code"],
        "signing_refused_already_signed"
    );

    // A signer refused before any file (expired certificate): every file is reported failed.
    let out = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("expired-rsa.key"),
            "--cert",
            &pki("expired-rsa.pem"),
            "--format",
            "json",
            "b.txt",
            "c.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["summary"]["failed"], 2);
    assert_eq!(
        v["files"][1]["error"]["code"],
        "signing_refused_certificate_expired"
    );

    // Text stays as it was: nothing on stdout, the lines on stderr.
    write(&d, &["moi.txt"]);
    let out = sign_with_chain(&d, &["moi.txt"]);
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out), "kyso: signed moi.txt -> moi.txt.p7s\n");
}

/// A batch lists what did not go well, then the summary; --verbose lists everything. The
/// verify text of a batch is a golden file in both languages.
#[test]
fn a_batch_shows_failures_and_a_summary_and_verbose_shows_every_file() {
    let d = tmpdir("ux-batch-text");
    let arc = d.join("luu-tru");
    std::fs::create_dir_all(&arc).unwrap();
    let s = samples();
    for (from, to) in [
        ("cong-van.txt", "cong-van.txt"),
        ("cong-van.txt.p7s", "cong-van.txt.p7s"),
        ("cong-van.txt", "ban-sao.txt"),
        ("cong-van.txt.p7s", "ban-sao.txt.p7s"),
        ("to-trinh.txt.p7m", "to-trinh.txt.p7m"),
    ] {
        std::fs::copy(s.join(from), arc.join(to)).unwrap();
    }
    // cong-van.txt is altered: HASH_FAILURE.
    let mut content = std::fs::read(arc.join("cong-van.txt")).unwrap();
    content[10] ^= 1;
    std::fs::write(arc.join("cong-van.txt"), content).unwrap();
    let trust = pki("trust.pem");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust", trust.as_str(), "--at", AT];
        args.extend_from_slice(extra);
        kyso(&d, &args)
    };
    let out = verify(&["luu-tru"]);
    assert_eq!(out.status.code(), Some(1));
    golden("verify-batch-en", &out);
    let text = stdout(&out);
    assert!(text.contains("luu-tru/cong-van.txt.p7s: TOTAL-FAILED / HASH_FAILURE"));
    assert!(!text.contains("ban-sao.txt.p7s"), "{text}");
    assert!(text.contains("3 documents: 2 passed, 1 failed, 0 indeterminate\n(2 passed documents not listed; --verbose lists them)\n"), "{text}");
    let out = verify(&["--lang", "vi", "luu-tru"]);
    golden("verify-batch-vi", &out);
    assert!(stdout(&out).contains("(không liệt kê 2 tệp hợp lệ; thêm --verbose để xem)"));
    let out = verify(&["--verbose", "luu-tru"]);
    let text = stdout(&out);
    assert!(
        text.contains("luu-tru/ban-sao.txt.p7s: TOTAL-PASSED"),
        "{text}"
    );
    assert!(
        text.contains("luu-tru/to-trinh.txt.p7m: TOTAL-PASSED"),
        "{text}"
    );
    assert!(!text.contains("not listed"), "{text}");
    // One file is always shown whole; JSON always lists every document.
    let out = verify(&["luu-tru/ban-sao.txt.p7s"]);
    assert!(stdout(&out).contains("ban-sao.txt.p7s: TOTAL-PASSED"));
    let out = verify(&["--json", "luu-tru"]);
    assert_eq!(json(&out)["documents"].as_array().unwrap().len(), 3);

    // Signing: one failure shown, the signed files only counted, unless --verbose.
    write(&d, &["ky/a.txt", "ky/b.txt", "ky/c.txt"]);
    std::fs::write(d.join("ky/b.txt.p7s"), "x").unwrap();
    let out = sign_with_chain(&d, &["ky/a.txt", "ky/b.txt", "ky/c.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "kyso: error: ky/b.txt was not signed: ky/b.txt.p7s already exists; pass --force to replace it\n\
         kyso: 2 signed, 0 already signed, 1 failed\n"
    );
    std::fs::remove_file(d.join("ky/a.txt.p7s")).unwrap();
    let out = sign_with_chain(&d, &["--verbose", "--lang", "vi", "ky/a.txt", "ky/b.txt"]);
    let err = stderr(&out);
    assert!(
        err.contains("kyso: đã ký ky/a.txt -> ky/a.txt.p7s\n"),
        "{err}"
    );
    assert!(err.contains("ky/b.txt chưa được ký"), "{err}");
    assert!(
        err.contains("kyso: 1 tệp đã ký, 0 tệp đã ký từ trước, 1 tệp không ký được"),
        "{err}"
    );
}

/// Piped output never carries progress bytes: no carriage return redrawing a line, no
/// terminal escape sequence, in any format (the bar itself is for terminals only; see
/// progress::wanted, tested as a unit).
#[test]
fn piped_batches_carry_no_progress_bar_bytes() {
    let d = tmpdir("ux-piped");
    let names: Vec<String> = (0..120).map(|i| format!("d/tai-lieu-{i:03}.txt")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    write(&d, &refs);
    let trust = pki("trust.pem");
    let runs = [
        sign_with_chain(&d, &["--verbose", "d"]),
        sign_with_chain(&d, &["--resume", "--format", "json", "d"]),
        kyso(&d, &["verify", "--trust", &trust, "--verbose", "d"]),
        kyso(&d, &["verify", "--trust", &trust, "d"]),
        kyso(&d, &["verify", "--trust", &trust, "--json", "d"]),
        kyso(&d, &["verify", "--trust", &trust, "--format", "junit", "d"]),
    ];
    for out in &runs {
        assert!(
            matches!(out.status.code(), Some(0)),
            "{}{}",
            stdout(out),
            stderr(out)
        );
        for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !bytes.iter().any(|b| *b == b'\r' || *b == 0x1b),
                "progress bytes on {what}: {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    assert_eq!(
        stderr(&runs[0]).matches("kyso: signed ").count(),
        120,
        "--verbose lists every file"
    );
    assert!(stderr(&runs[0]).ends_with("kyso: 120 signed, 0 already signed, 0 failed\n"));
    assert!(stdout(&runs[3]).contains("120 documents: 120 passed"));
}

/// The JUnit report carries time (per test case and suite, seconds), timestamp (the run's
/// start, ISO 8601) and hostname, and validates against the strict JUnit schema; an
/// INDETERMINATE signature counts as a failure.
#[test]
fn junit_has_time_timestamp_hostname_and_validates_against_the_strict_schema() {
    let d = tmpdir("ux-junit");
    let arc = d.join("arc");
    std::fs::create_dir_all(&arc).unwrap();
    let s = samples();
    for f in ["cong-van.txt", "cong-van.txt.p7s", "to-trinh.txt.p7m"] {
        std::fs::copy(s.join(f), arc.join(f)).unwrap();
    }
    std::fs::write(arc.join("hong.p7s"), "not a signature").unwrap();
    // Signed without the CA chain: INDETERMINATE for a receiver with only the root.
    std::fs::write(arc.join("khac.txt"), "văn bản").unwrap();
    let out = sign(&d, &["arc/khac.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = jiff::Timestamp::now();
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            &pki("trust.pem"),
            "--at",
            AT,
            "--format",
            "junit",
            "arc",
            "arc/missing.p7s",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let x = stdout(&out);
    report_schema::assert_junit_conforms(x.as_bytes());
    // The suite: counts, time, timestamp of the run's start (UTC, no zone), hostname.
    let attr = |tag: &str, name: &str| -> String {
        let start = x.find(&format!("<{tag} ")).unwrap();
        let el = &x[start..start + x[start..].find('>').unwrap()];
        let key = format!(" {name}=\"");
        let at = el.find(&key).unwrap_or_else(|| panic!("no {name} in {el}")) + key.len();
        el[at..at + el[at..].find('"').unwrap()].to_string()
    };
    assert_eq!(attr("testsuite", "tests"), "5");
    assert_eq!(attr("testsuite", "failures"), "2", "failed + indeterminate");
    assert_eq!(attr("testsuite", "errors"), "1");
    assert!(attr("testsuite", "time").parse::<f64>().unwrap() >= 0.0);
    let ts = attr("testsuite", "timestamp");
    let started: jiff::Timestamp = format!("{ts}Z").parse().unwrap();
    let drift = started.duration_since(before).as_secs().abs();
    assert!(
        drift <= 60,
        "timestamp {ts} is not the run's start ({before})"
    );
    assert!(!attr("testsuite", "hostname").is_empty());
    assert!(
        x.contains(&format!(
            "<property name=\"validation_time\" value=\"{AT}\"/>"
        )),
        "{x}"
    );
    assert!(x.contains("<property name=\"policy\" value=\"agency-default\"/>"));
    // Every test case has its time.
    let cases = x.matches("<testcase ").count();
    assert_eq!(cases, 5);
    assert_eq!(
        x.matches("<testcase classname=\"kyso.verify\" time=\"")
            .count(),
        cases
    );
    // INDETERMINATE is a failure whose type is the sub-indication.
    assert!(
        x.contains("name=\"arc/khac.txt.p7s\"><failure type=\"NO_CERTIFICATE_CHAIN_FOUND\" message=\"INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND\""),
        "{x}"
    );
    assert!(
        x.contains("name=\"arc/hong.p7s\"><failure type=\"FORMAT_FAILURE\""),
        "{x}"
    );
    assert!(
        x.contains("name=\"arc/missing.p7s\"><error type=\"unreadable\""),
        "{x}"
    );
    // The schema is strict: what kyso wrote before (no time, a zoned timestamp, no
    // hostname) is rejected.
    let no_time = x.replacen(" time=\"", " tiem=\"", 2);
    assert!(report_schema::junit_validation(no_time.as_bytes()).is_err());
    let zoned = x.replace(
        &format!("timestamp=\"{ts}\""),
        &format!("timestamp=\"{ts}Z\""),
    );
    assert!(report_schema::junit_validation(zoned.as_bytes()).is_err());
    let no_host = x.replace(" hostname=\"", " host=\"");
    assert!(report_schema::junit_validation(no_host.as_bytes()).is_err());
}
