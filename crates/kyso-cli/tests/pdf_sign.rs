//! `kyso sign X.pdf` (PAdES, ISO 32000-1 §12.8, ETSI EN 319 142-1) checked by real peers:
//! pyHanko's CLI (`python3 -m pyhanko sign validate`, `adesverify`), poppler's `pdfsig` and
//! `qpdf --check` (all installed by scripts/test.sh). The original bytes stay a prefix of the
//! signed file; the Decree 30 flow (the official, then the organisation) passes in kyso and in
//! pyHanko; a repeated run never adds a duplicate; a failed run leaves the PDF as it was;
//! B-T, B-LT and B-LTA (signing and `kyso extend`) validate offline against the loopback
//! TSA, OCSP responder and CRL host of the testkit.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Command;

use common::*;
use kyso_testkit::ltv::LtPki;

fn run(dir: &Path, prog: &str, args: &[&str]) -> std::process::Output {
    Command::new(prog)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{prog}: {e} (scripts/test.sh installs it)"))
}

/// `pyhanko sign validate --executive-summary`: each signature's field and verdict
/// (`VALID`, `INVALID`...), in the order pyHanko lists them.
fn pyhanko_validate(dir: &Path, file: &str, root: &str) -> Vec<(String, String)> {
    let o = run(
        dir,
        "python3",
        &[
            "-m",
            "pyhanko",
            "sign",
            "validate",
            "--trust",
            root,
            "--trust-replace",
            "--no-revocation-check",
            "--executive-summary",
            file,
        ],
    );
    summary(&o)
}

fn summary(o: &std::process::Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split(':');
            let field = parts.next()?.to_string();
            let verdict = parts.next_back()?.to_string();
            Some((field, verdict))
        })
        .collect()
}

/// poppler's verdicts: one "Signature is Valid." line per good signature.
fn pdfsig_valid(dir: &Path, file: &str) -> usize {
    let o = run(dir, "pdfsig", &[file]);
    String::from_utf8_lossy(&o.stdout)
        .matches("Signature Validation: Signature is Valid.")
        .count()
}

fn qpdf_clean(dir: &Path, file: &str) {
    let o = run(dir, "qpdf", &["--check", file]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.contains("No syntax or stream encoding errors"),
        "qpdf --check {file}: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn verify(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["verify", "--format", "json"];
    all.extend_from_slice(args);
    let o = kyso(dir, &all);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    (o.status.code(), v)
}

fn signatures(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["documents"][0]["signatures"].as_array().unwrap()
}

/// The /Contents of signature `i` (from the report's byte range), without its zero padding.
fn contents(pdf: &[u8], sig: &serde_json::Value) -> Vec<u8> {
    let br: Vec<usize> = sig["pdf"]["byte_range"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let hex = std::str::from_utf8(&pdf[br[1] + 1..br[2] - 1]).unwrap();
    let mut der: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    // DER: the outer SEQUENCE's length says where the padding starts.
    let len = match der[1] {
        n if n < 0x80 => 2 + n as usize,
        0x82 => 4 + (usize::from(der[2]) << 8 | usize::from(der[3])),
        0x83 => 5 + (usize::from(der[2]) << 16 | usize::from(der[3]) << 8 | usize::from(der[4])),
        n => panic!("length form {n:#x}"),
    };
    der.truncate(len);
    der
}

fn key_file(role: &str) -> [String; 6] {
    let (key, cert) = match role {
        "official" => ("signer-rsa.key", "signer-rsa.pem"),
        _ => ("org-rsa.key", "org-rsa.pem"),
    };
    [
        "--key".into(),
        pki(key),
        "--cert".into(),
        pki(cert),
        "--chain".into(),
        pki("sub-rsa.pem"),
    ]
}

fn sign(dir: &Path, role: &str, extra: &[&str]) -> std::process::Output {
    let keys = key_file(role);
    let mut args: Vec<&str> = vec!["sign", "--lang", "en"];
    args.extend(keys.iter().map(String::as_str));
    args.extend_from_slice(extra);
    kyso(dir, &args)
}

#[test]
fn a_kyso_signature_keeps_the_original_bytes_and_pyhanko_pdfsig_and_qpdf_accept_it() {
    let d = tmpdir("pdf-sign-bb");
    let root_ca = pki("root-rsa.pem");
    // Cross-reference tables, streams with object streams, and linearized files (whose
    // first-page section the update must chain to).
    for name in [
        "minimal.pdf",
        "minimal-objstm.pdf",
        "minimal-linearized.pdf",
        "minimal-linearized-objstm.pdf",
    ] {
        let original = std::fs::read(root().join("testdata/pdf").join(name)).unwrap();
        std::fs::write(d.join(name), &original).unwrap();
        let o = sign(&d, "official", &[name]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("signed {name} (signature field 'Signature1')")),
            "{}",
            stderr(&o)
        );
        let signed = std::fs::read(d.join(name)).unwrap();
        assert!(
            signed.len() > original.len() && signed.starts_with(&original),
            "{name}: the original bytes are not a prefix of the signed file"
        );

        let (code, v) = verify(&d, &["--trust", &root_ca, name]);
        assert_eq!(code, Some(0), "{name}: {v:#}");
        let s = &signatures(&v)[0];
        assert_eq!(s["indication"], "TOTAL-PASSED", "{s:#}");
        assert_eq!(s["pdf"]["sub_filter"], "ETSI.CAdES.detached");
        assert_eq!(s["pdf"]["covers_whole_file"], true);
        assert!(
            s["pdf"]["claimed_signing_time"]
                .as_str()
                .is_some_and(|m| m.starts_with("D:20")),
            "/M: {s:#}"
        );

        assert_eq!(
            pyhanko_validate(&d, name, &root_ca),
            vec![("Signature1".to_string(), "VALID".to_string())],
            "{name}: pyHanko"
        );
        assert_eq!(pdfsig_valid(&d, name), 1, "{name}: pdfsig");
        qpdf_clean(&d, name);

        // EN 319 142-1 §6.3: no signing-time attribute (the time is /M), an ESS
        // signing-certificate-v2, content-type id-data; the CMS carries no content.
        std::fs::write(d.join("cms.der"), contents(&signed, s)).unwrap();
        let o = run(
            &d,
            "openssl",
            &[
                "cms", "-cmsout", "-print", "-inform", "DER", "-in", "cms.der",
            ],
        );
        let printed = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(!printed.contains("signingTime"), "{printed}");
        assert!(
            printed.contains("id-smime-aa-signingCertificateV2"),
            "{printed}"
        );
        assert!(printed.contains("contentType"), "{printed}");
        assert!(printed.contains("eContent: <ABSENT>"), "{printed}");
    }
}

#[test]
fn the_official_then_the_organisation_sign_with_kyso_and_both_signatures_stay_valid() {
    let d = tmpdir("pdf-sign-decree30");
    let root_ca = pki("root-rsa.pem");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("qd.pdf")).unwrap();
    let o = sign(&d, "official", &["--reason", "Ký duyệt", "qd.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after_official = std::fs::read(d.join("qd.pdf")).unwrap();
    // The organisation signs the same file later, from its PKCS#12.
    let o = kyso_env(
        &d,
        &[
            "sign",
            "--lang",
            "en",
            "--p12",
            &pki("org-rsa.p12"),
            "--pass",
            "env:KYSO_TEST_PASS",
            "--chain",
            &pki("sub-rsa.pem"),
            "--location",
            "Hà Nam",
            "qd.pdf",
        ],
        &[("KYSO_TEST_PASS", "kyso-test")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "added a signature to qd.pdf (signature field 'Signature2'); the 1 signature(s) it already had are kept"
        ),
        "{}",
        stderr(&o)
    );
    let both = std::fs::read(d.join("qd.pdf")).unwrap();
    assert!(both.starts_with(&after_official));

    let (code, v) = verify(&d, &["--trust", &root_ca, "qd.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
    let s = signatures(&v);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0]["pdf"]["field"], "Signature1");
    assert_eq!(s[0]["pdf"]["reason"], "Ký duyệt");
    assert_eq!(s[1]["pdf"]["field"], "Signature2");
    assert_eq!(s[1]["pdf"]["location"], "Hà Nam");
    assert!(s[1]["signer"]["subject"]
        .as_str()
        .unwrap()
        .contains("Sở Nội vụ"));
    for x in s {
        assert_eq!(x["indication"], "TOTAL-PASSED", "{x:#}");
    }
    // What the organisation's revision did, as the official's signature sees it.
    assert_eq!(
        s[0]["pdf"]["later_revisions"][0]["allowed"],
        serde_json::json!(["signature_added"]),
        "{:#}",
        s[0]["pdf"]
    );
    assert_eq!(
        pyhanko_validate(&d, "qd.pdf", &root_ca),
        vec![
            ("Signature1".to_string(), "VALID".to_string()),
            ("Signature2".to_string(), "VALID".to_string())
        ]
    );
    assert_eq!(pdfsig_valid(&d, "qd.pdf"), 2);
    qpdf_clean(&d, "qd.pdf");

    // The organisation again: refused, nothing written; with --resume: skipped.
    let o = sign(&d, "organisation", &["qd.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("already signed this envelope or PDF"),
        "{}",
        stderr(&o)
    );
    let o = sign(&d, "organisation", &["--resume", "qd.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("already signed"), "{}", stderr(&o));
    assert_eq!(std::fs::read(d.join("qd.pdf")).unwrap(), both);
}

#[test]
fn kyso_co_signs_a_pdf_that_pyhanko_signed_and_writes_elsewhere_with_o() {
    let d = tmpdir("pdf-sign-after-pyhanko");
    let root_ca = pki("root-rsa.pem");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("in.pdf")).unwrap();
    let script = root().join("crates/kyso-cli/tests/peers/pyhanko_peer.py");
    let o = run(
        &d,
        "python3",
        &[
            script.to_str().unwrap(),
            "sign",
            "in.pdf",
            "official.pdf",
            &pki("signer-rsa.key"),
            &pki("signer-rsa.pem"),
            &pki("sub-rsa.pem"),
            "Official",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let by_pyhanko = std::fs::read(d.join("official.pdf")).unwrap();
    let o = sign(
        &d,
        "organisation",
        &["--field", "Organisation", "-o", "qd.pdf", "official.pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(d.join("official.pdf")).unwrap(), by_pyhanko);
    let (code, v) = verify(&d, &["--trust", &root_ca, "qd.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
    let names: Vec<&str> = signatures(&v)
        .iter()
        .map(|s| s["pdf"]["field"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Official", "Organisation"]);
    assert_eq!(
        pyhanko_validate(&d, "qd.pdf", &root_ca),
        vec![
            ("Official".to_string(), "VALID".to_string()),
            ("Organisation".to_string(), "VALID".to_string())
        ]
    );
    assert_eq!(pdfsig_valid(&d, "qd.pdf"), 2);
    // -o onto an existing file needs --force.
    let o = sign(&d, "official", &["-o", "qd.pdf", "in.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn a_failed_pdf_signing_leaves_the_file_as_it_was() {
    let d = tmpdir("pdf-sign-fail");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("a.pdf")).unwrap();
    let before = std::fs::read(d.join("a.pdf")).unwrap();
    // A page the document does not have.
    let o = sign(&d, "official", &["--visible", "9:10,10,100,40", "a.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the PDF has 1 page(s); there is no page 9"),
        "{}",
        stderr(&o)
    );
    // A malformed rectangle never reaches the PDF.
    let o = sign(&d, "official", &["--visible", "1:10,10,0,40", "a.pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // Truncated: not read as a PDF, nothing written.
    std::fs::write(d.join("cut.pdf"), &before[..before.len() / 2]).unwrap();
    let o = sign(&d, "official", &["cut.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cut.pdf"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(d.join("cut.pdf")).unwrap(),
        &before[..before.len() / 2]
    );
    assert_eq!(std::fs::read(d.join("a.pdf")).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&*d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "temporary files left: {names:?}");
}

#[test]
fn a_page_appended_after_a_kyso_signature_fails_it() {
    let d = tmpdir("pdf-sign-append");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("a.pdf")).unwrap();
    let o = sign(&d, "official", &["a.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let script = root().join("crates/kyso-cli/tests/peers/pyhanko_peer.py");
    let o = run(
        &d,
        "python3",
        &[script.to_str().unwrap(), "append-page", "a.pdf", "b.pdf"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, v) = verify(&d, &["--trust", &pki("root-rsa.pem"), "b.pdf"]);
    assert_eq!(code, Some(1), "{v:#}");
    let s = &signatures(&v)[0];
    assert_eq!(s["indication"], "TOTAL-FAILED");
    let changes = s["pdf"]["later_revisions"][0]["not_allowed"][0]
        .as_str()
        .unwrap();
    assert!(
        changes.contains("Pages changed: /Kids, /Count"),
        "{changes}"
    );
    // pyHanko agrees that the signature no longer holds for the document.
    let verdicts = pyhanko_validate(&d, "b.pdf", &pki("root-rsa.pem"));
    assert_eq!(verdicts.len(), 1);
    assert_ne!(verdicts[0].1, "VALID", "{verdicts:?}");
}

/// The LtPki's files in `dir`: root.pem (anchor), sub.pem, an.pem/an.key (the signer).
fn lt_files(lt: &LtPki, dir: &Path) {
    lt.pki.root.write(dir, "root");
    lt.sub.write(dir, "sub");
    lt.leaf.write(dir, "an");
}

fn lt_sign(dir: &Path, url: &str, level: &str, file: &str) -> std::process::Output {
    kyso(
        dir,
        &[
            "sign",
            "--lang",
            "en",
            "--key",
            "an.key",
            "--cert",
            "an.pem",
            "--chain",
            "sub.pem",
            "--level",
            level,
            "--tsa",
            url,
            "--tsa-trust",
            "root.pem",
            "--trust",
            "root.pem",
            file,
        ],
    )
}

fn verify_offline(dir: &Path, file: &str) -> serde_json::Value {
    let (code, v) = verify(
        dir,
        &[
            "--trust",
            "root.pem",
            "--offline",
            "--revocation",
            "required",
            file,
        ],
    );
    assert_eq!(code, Some(0), "{file}: {v:#}");
    v
}

fn pyhanko_ades(dir: &Path, file: &str) -> Vec<(String, String)> {
    let o = run(
        dir,
        "python3",
        &[
            "-m",
            "pyhanko",
            "sign",
            "adesverify",
            "--trust",
            "root.pem",
            "--trust-replace",
            "--executive-summary",
            file,
        ],
    );
    summary(&o)
}

#[test]
fn pdfs_signed_at_b_t_b_lt_and_b_lta_validate_offline_in_kyso_and_in_pyhanko() {
    let lt = LtPki::new();
    let d = tmpdir("pdf-sign-levels");
    lt_files(&lt, &d);
    let url = lt.tsa.url();
    for level in ["B-T", "B-LT", "B-LTA"] {
        let f = format!("{level}.pdf");
        std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join(&f)).unwrap();
        let o = lt_sign(&d, &url, level, &f);
        assert_eq!(o.status.code(), Some(0), "{level}: {}", stderr(&o));
        let s = signatures(&if level == "B-T" {
            verify(&d, &["--trust", "root.pem", &f]).1
        } else {
            verify_offline(&d, &f)
        })
        .clone();
        assert_eq!(s[0]["indication"], "TOTAL-PASSED", "{level}: {:#}", s[0]);
        assert_eq!(s[0]["timestamps"][0]["kind"], "signature_time_stamp");
        assert_eq!(s[0]["level"], level, "{:#}", s[0]);
        match level {
            "B-T" => assert_eq!(s.len(), 1),
            "B-LT" => {
                assert_eq!(s.len(), 1);
                assert_eq!(
                    s[0]["pdf"]["later_revisions"][0]["allowed"],
                    serde_json::json!(["validation_data"])
                );
            }
            _ => {
                assert_eq!(s.len(), 2, "{s:#?}");
                assert_eq!(s[1]["pdf"]["kind"], "document_time_stamp");
                assert_eq!(s[1]["indication"], "TOTAL-PASSED", "{:#}", s[1]);
            }
        }
        qpdf_clean(&d, &f);
        // poppler checks CAdES signatures; it leaves document time-stamps "not yet verified".
        let o = run(&d, "pdfsig", &[&f]);
        assert_eq!(
            pdfsig_valid(&d, &f),
            1,
            "{level}: pdfsig: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        let ades = pyhanko_ades(&d, &f);
        assert!(
            !ades.is_empty() && ades.iter().all(|(_, v)| v == "VALID"),
            "{level}: pyHanko adesverify: {ades:?}"
        );
    }
}

#[test]
fn kyso_extend_takes_a_pdf_from_b_b_to_b_lta_by_incremental_updates() {
    let lt = LtPki::new();
    let d = tmpdir("pdf-extend");
    lt_files(&lt, &d);
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("a.pdf")).unwrap();
    let o = kyso(
        &d,
        &[
            "sign", "--key", "an.key", "--cert", "an.pem", "--chain", "sub.pem", "a.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bb = std::fs::read(d.join("a.pdf")).unwrap();
    let url = lt.tsa.url();
    let extend = |level: &str| {
        kyso(
            &d,
            &[
                "extend",
                "--level",
                level,
                "--trust",
                "root.pem",
                "--tsa",
                &url,
                "--tsa-trust",
                "root.pem",
                "--format",
                "json",
                "a.pdf",
            ],
        )
    };
    let o = extend("B-LTA");
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &j["files"][0];
    assert_eq!(f["result"], "extended", "{f:#}");
    assert_eq!(f["signatures"][0]["level_after"], "B-LTA");
    assert_eq!(f["signatures"][0]["timestamp_added"], true);
    assert!(f["revocation_values_added"].as_u64().unwrap() >= 2, "{f:#}");
    let lta = std::fs::read(d.join("a.pdf")).unwrap();
    assert!(lta.starts_with(&bb), "the B-B revision was rewritten");
    // B-T by a document time-stamp, then the DSS, then the archive document time-stamp.
    let v = verify_offline(&d, "a.pdf");
    let s = signatures(&v);
    assert_eq!(s.len(), 3, "{s:#?}");
    assert_eq!(s[0]["indication"], "TOTAL-PASSED");
    assert_eq!(s[0]["level"], "B-LTA", "{:#}", s[0]);
    assert_eq!(
        s[0]["pdf"]["later_revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["allowed"][0].as_str().unwrap())
            .collect::<Vec<_>>(),
        // (The archive time-stamp's TSA is the first one's: its data is in the DSS already.)
        ["signature_added", "validation_data", "signature_added"]
    );
    for t in &s[1..] {
        assert_eq!(t["pdf"]["kind"], "document_time_stamp");
        assert_eq!(t["indication"], "TOTAL-PASSED", "{t:#}");
    }
    qpdf_clean(&d, "a.pdf");
    let ades = pyhanko_ades(&d, "a.pdf");
    assert!(
        !ades.is_empty() && ades.iter().all(|(_, v)| v == "VALID"),
        "pyHanko adesverify: {ades:?}"
    );
    // B-LT again: the DSS already holds what the paths need; nothing is written.
    let requests = lt.tsa.requests();
    let o = extend("B-LT");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["files"][0]["result"], "unchanged", "{j:#}");
    assert_eq!(std::fs::read(d.join("a.pdf")).unwrap(), lta);
    assert_eq!(lt.tsa.requests(), requests);
}

/// A page rendered by poppler (`pdftoppm -r 72`: one pixel per point), as RGB rows.
struct Page {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Page {
    fn render(dir: &Path, file: &str) -> Page {
        let o = run(
            dir,
            "pdftoppm",
            &["-r", "72", "-f", "1", "-l", "1", file, "page"],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ppm = std::fs::read(dir.join("page-1.ppm")).unwrap();
        // P6 <w> <h> <max>\n then the pixels.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while ppm[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !ppm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&ppm[start..at]).into_owned());
        }
        assert_eq!(fields[0], "P6");
        let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        Page {
            width,
            height,
            rgb: ppm[at + 1..].to_vec(),
        }
    }

    /// Pixels in the box (points from the page's lower-left corner) matching `f`.
    fn count(&self, [x1, y1, x2, y2]: [usize; 4], f: impl Fn(u8, u8, u8) -> bool) -> usize {
        let mut n = 0;
        for y in (self.height - y2)..(self.height - y1) {
            for x in x1..x2.min(self.width) {
                let p = &self.rgb[(y * self.width + x) * 3..][..3];
                n += usize::from(f(p[0], p[1], p[2]));
            }
        }
        n
    }
}

fn red(r: u8, g: u8, b: u8) -> bool {
    r > 150 && g < 90 && b < 90
}

fn dark(r: u8, g: u8, b: u8) -> bool {
    r < 100 && g < 100 && b < 100
}

fn not_white(r: u8, g: u8, b: u8) -> bool {
    r < 250 || g < 250 || b < 250
}

#[test]
fn a_visible_block_with_the_seal_is_drawn_where_asked_and_reads_in_vietnamese() {
    let d = tmpdir("pdf-sign-visible");
    let root_ca = pki("root-rsa.pem");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("qd.pdf")).unwrap();
    std::fs::copy(root().join("testdata/pdf/seal.png"), d.join("seal.png")).unwrap();
    // The page is 300 x 144 pt; "Hello World" sits at its lower left.
    let blank = Page::render(&d, "qd.pdf");
    assert_eq!((blank.width, blank.height), (300, 144));
    let block = [20, 40, 290, 130];
    assert_eq!(blank.count(block, not_white), 0, "the area is blank before");
    let o = sign(
        &d,
        "organisation",
        &[
            "--visible",
            "1:20,40,270,90",
            "--image",
            "seal.png",
            "qd.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let page = Page::render(&d, "qd.pdf");
    // The seal at the left: its height is the block's (90 pt), so at most 90 pt wide.
    let seal = [20, 40, 110, 130];
    let text = [112, 40, 290, 130];
    assert!(page.count(seal, red) > 300, "no red seal in {seal:?}");
    assert_eq!(page.count(text, red), 0, "red outside the seal");
    assert!(page.count(text, dark) > 200, "no text in {text:?}");
    // Nothing drawn outside the block (the strip above it, and right of it).
    assert_eq!(page.count([0, 131, 300, 144], not_white), 0);
    assert_eq!(page.count([291, 40, 300, 130], not_white), 0);

    // The text is real text in an embedded subset font: extracted as typed.
    let o = run(&d, "pdftotext", &["-layout", "qd.pdf", "-"]);
    let extracted = String::from_utf8_lossy(&o.stdout);
    for line in [
        "Ký bởi: Sở Nội vụ tỉnh Hà Nam",
        "Cơ quan: Sở Nội vụ tỉnh Hà Nam",
        "Thời gian ký:",
    ] {
        assert!(extracted.contains(line), "{line:?} not in {extracted:?}");
    }
    let o = run(&d, "pdffonts", &["qd.pdf"]);
    let fonts = String::from_utf8_lossy(&o.stdout);
    let dejavu = fonts
        .lines()
        .find(|l| l.contains("DejaVuSans"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(dejavu.contains("CID TrueType"), "{dejavu}");
    // pdffonts' columns: emb sub uni (yes yes yes).
    assert!(dejavu.contains("yes yes yes"), "{dejavu}");

    assert_eq!(
        pyhanko_validate(&d, "qd.pdf", &root_ca),
        vec![("Signature1".to_string(), "VALID".to_string())]
    );
    assert_eq!(pdfsig_valid(&d, "qd.pdf"), 1);
    qpdf_clean(&d, "qd.pdf");
    let (code, v) = verify(&d, &["--trust", &root_ca, "qd.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
}

#[test]
fn an_empty_signature_field_made_by_pyhanko_is_signed_into_with_its_rectangle() {
    let d = tmpdir("pdf-sign-field");
    let root_ca = pki("root-rsa.pem");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("in.pdf")).unwrap();
    let o = run(
        &d,
        "python3",
        &[
            "-m",
            "pyhanko",
            "sign",
            "addfields",
            "--field",
            "1/150,40,290,100/KyDuyet",
            "in.pdf",
            "form.pdf",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // --text draws a block: it needs --visible, or an existing field's rectangle.
    let o = sign(&d, "official", &["--text", "Đã ký", "form.pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = sign(
        &d,
        "official",
        &[
            "--field",
            "KyDuyet",
            "--text",
            "Đã ký: Nguyễn Văn An",
            "form.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&d, "pdftotext", &["form.pdf", "-"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Đã ký: Nguyễn Văn An"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let (code, v) = verify(&d, &["--trust", &root_ca, "form.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
    let s = signatures(&v);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["pdf"]["field"], "KyDuyet");
    let page = Page::render(&d, "form.pdf");
    assert!(
        page.count([150, 40, 290, 100], dark) > 100,
        "the lines are drawn in the field"
    );
    assert_eq!(page.count([0, 110, 300, 144], not_white), 0);
    assert_eq!(
        pyhanko_validate(&d, "form.pdf", &root_ca),
        vec![("KyDuyet".to_string(), "VALID".to_string())]
    );
    qpdf_clean(&d, "form.pdf");
    // A name that is taken by a field that is not an empty signature field is refused.
    let o = sign(&d, "organisation", &["--field", "KyDuyet", "form.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// A second /Contents in the signature dictionary (a reader taking the first would verify
/// other bytes than the one taking the last): written into the padding of kyso's own
/// /ByteRange slot, so no offset moves. Refused as an invalid byte range.
#[test]
fn a_second_contents_in_the_signature_dictionary_fails() {
    let d = tmpdir("pdf-sign-second-contents");
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("a.pdf")).unwrap();
    let o = sign(&d, "official", &["a.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut pdf = std::fs::read(d.join("a.pdf")).unwrap();
    let at = pdf.windows(11).position(|w| w == b"/ByteRange[").unwrap() + 11;
    let end = at + pdf[at..].iter().position(|&c| c == b']').unwrap();
    let numbers = String::from_utf8(pdf[at..end].to_vec()).unwrap();
    let forged = format!("{}]/Contents<00>/X[", numbers.trim_end());
    assert!(forged.len() <= end - at, "no room in the slot");
    let slot = format!("{forged:<width$}", width = end - at);
    pdf[at..end].copy_from_slice(slot.as_bytes());
    std::fs::write(d.join("b.pdf"), &pdf).unwrap();
    let (code, v) = verify(&d, &["--trust", &pki("root-rsa.pem"), "b.pdf"]);
    assert_eq!(code, Some(1), "{v:#}");
    let s = &signatures(&v)[0];
    let c = s["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "pdf_byte_range")
        .unwrap();
    assert_eq!(c["reason"]["code"], "pdf_byte_range_invalid", "{c:#}");
    assert!(
        c["message"].as_str().unwrap().contains("a key twice"),
        "{c:#}"
    );
}

/// The pyHanko peer's `op` on `args` in `dir`: its stdout; panics with its stderr when it
/// fails.
fn peer_out(dir: &Path, op: &str, args: &[&str]) -> String {
    let script = root().join("crates/kyso-cli/tests/peers/pyhanko_peer.py");
    let mut all = vec![script.to_str().unwrap(), op];
    all.extend_from_slice(args);
    let o = run(dir, "python3", &all);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{op}: {err}");
    stdout(&o)
}

fn peer(dir: &Path, op: &str, args: &[&str]) {
    peer_out(dir, op, args);
}

/// The verdict of signature `i` and the not-allowed changes the report gives for it.
fn changes_of(v: &serde_json::Value, i: usize) -> (String, String) {
    let s = &signatures(v)[i];
    (
        s["indication"].as_str().unwrap().to_string(),
        s["pdf"]["later_revisions"].to_string(),
    )
}

#[test]
fn a_certification_signature_keeps_only_the_changes_it_allows() {
    let d = tmpdir("pdf-certify");
    let root_ca = pki("root-rsa.pem");
    let original = std::fs::read(root().join("testdata/pdf/minimal.pdf")).unwrap();
    for name in ["p1.pdf", "p2.pdf", "p3.pdf"] {
        std::fs::write(d.join(name), &original).unwrap();
    }
    for (name, level, p, words) in [
        ("p1.pdf", "no-changes", 1, "no changes allowed"),
        (
            "p2.pdf",
            "form-filling",
            2,
            "form filling and further signatures allowed",
        ),
        ("p3.pdf", "annotations", 3, "annotations allowed"),
    ] {
        let o = sign(&d, "organisation", &["--certify", level, name]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("certified {name} (signature field 'Signature1'; "))
                && stderr(&o).contains(&format!("{words}, DocMDP /P {p})")),
            "{}",
            stderr(&o)
        );
        let signed = std::fs::read(d.join(name)).unwrap();
        assert!(signed.starts_with(&original));
        let (code, v) = verify(&d, &["--trust", &root_ca, name]);
        assert_eq!(code, Some(0), "{name}: {v:#}");
        assert_eq!(signatures(&v)[0]["pdf"]["certification"], p, "{v:#}");
        // pyHanko reads the same certification (/Perms /DocMDP) and judges it valid.
        assert_eq!(
            peer_out(&d, "docmdp", &[name]).trim(),
            p.to_string(),
            "pyHanko on {name}"
        );
        assert_eq!(
            pyhanko_validate(&d, name, &root_ca),
            vec![("Signature1".to_string(), "VALID".to_string())]
        );
        assert_eq!(pdfsig_valid(&d, name), 1, "pdfsig {name}");
        qpdf_clean(&d, name);
    }

    // /P 2: the official's further signature keeps the certification valid, in kyso and
    // pyHanko; a comment (annotation) added afterwards does not.
    let o = sign(&d, "official", &["--field", "Official", "p2.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (code, v) = verify(&d, &["--trust", &root_ca, "p2.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        pyhanko_validate(&d, "p2.pdf", &root_ca),
        vec![
            ("Signature1".to_string(), "VALID".to_string()),
            ("Official".to_string(), "VALID".to_string())
        ]
    );
    peer(&d, "annotate", &["p2.pdf", "p2-annotated.pdf"]);
    let (code, v) = verify(&d, &["--trust", &root_ca, "p2-annotated.pdf"]);
    assert_eq!(code, Some(1), "{v:#}");
    let (indication, later) = changes_of(&v, 0);
    assert_eq!(indication, "TOTAL-FAILED", "{v:#}");
    assert!(later.contains("page object"), "{later}");

    // /P 3: the same comment is allowed.
    peer(&d, "annotate", &["p3.pdf", "p3-annotated.pdf"]);
    let (code, v) = verify(&d, &["--trust", &root_ca, "p3-annotated.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
    assert!(changes_of(&v, 0).1.contains("annotations"), "{v:#}");

    // /P 1: kyso refuses a further signature and leaves the file as it was; a tool that
    // signs past the lock makes the certification fail in kyso, as in pyHanko.
    let before = std::fs::read(d.join("p1.pdf")).unwrap();
    let o = sign(&d, "official", &["--format", "json", "p1.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("signing_refused_pdf_no_changes_allowed"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(d.join("p1.pdf")).unwrap(), before);
    peer(
        &d,
        "sign-past-lock",
        &[
            "p1.pdf",
            "p1-cosigned.pdf",
            &pki("signer-rsa.key"),
            &pki("signer-rsa.pem"),
            &pki("sub-rsa.pem"),
            "Official",
        ],
    );
    let (code, v) = verify(&d, &["--trust", &root_ca, "p1-cosigned.pdf"]);
    assert_eq!(code, Some(1), "{v:#}");
    let (indication, later) = changes_of(&v, 0);
    assert_eq!(indication, "TOTAL-FAILED", "{v:#}");
    assert!(
        later.contains("a signature was added in field 'Official'"),
        "{later}"
    );
    assert_eq!(changes_of(&v, 1).0, "TOTAL-PASSED", "{v:#}");
    let py = pyhanko_validate(&d, "p1-cosigned.pdf", &root_ca);
    assert_eq!(py[0].0, "Signature1");
    assert_ne!(py[0].1, "VALID", "pyHanko: {py:?}");

    // A certification must be the first signature: refused on a signed PDF, nothing written.
    std::fs::write(d.join("approved.pdf"), &original).unwrap();
    let o = sign(&d, "official", &["approved.pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read(d.join("approved.pdf")).unwrap();
    let o = sign(
        &d,
        "organisation",
        &[
            "--certify",
            "form-filling",
            "--field",
            "Late",
            "approved.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a certification signature (--certify) must be the first one"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(d.join("approved.pdf")).unwrap(), before);
}

#[test]
fn a_pdf_on_standard_input_is_signed_inside_and_written_to_standard_output() {
    let d = tmpdir("pdf-sign-stdin");
    let root_ca = pki("root-rsa.pem");
    let original = std::fs::read(root().join("testdata/pdf/minimal.pdf")).unwrap();
    let keys = key_file("official");
    let mut args: Vec<&str> = vec!["sign", "--lang", "en"];
    args.extend(keys.iter().map(String::as_str));
    args.push("-");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kyso"))
        .args(&args)
        .current_dir(&d)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &original).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout.len() > original.len() && o.stdout.starts_with(&original),
        "stdout is not the PDF with an update: {} bytes",
        o.stdout.len()
    );
    std::fs::write(d.join("signed.pdf"), &o.stdout).unwrap();
    let (code, v) = verify(&d, &["--trust", &root_ca, "signed.pdf"]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(signatures(&v)[0]["pdf"]["covers_whole_file"], true, "{v:#}");
    assert_eq!(pdfsig_valid(&d, "signed.pdf"), 1);
}
