//! ASiC containers (issue 15, ETSI EN 319 162-1) against real peers: `kyso sign --asic-e`
//! and `--asic-s` give containers that `zip -T` and Python's `zipfile` accept, whose
//! signature `openssl cms -verify` checks over the manifest (ASiC-E) or the data object
//! (ASiC-S), whose manifest digests Python's hashlib recomputes, with a Vietnamese file name
//! kept in UTF-8; the organisation's later signature (`--add-to`) leaves the first entries
//! byte for byte and both verify; a failed `--add-to` leaves the container as it was; the JSON
//! report conforms to the schema and says which files each signature covers.

mod common;
mod report_schema;

use std::process::Command;

use common::*;

const NAME: &str = "Quyết định số 15.pdf";

fn sign_asic_e(d: &std::path::Path) {
    std::fs::write(d.join(NAME), "Quyết định về việc cấp phép\n".repeat(200)).unwrap();
    std::fs::write(d.join("to-trinh.txt"), "Tờ trình số 15/TTr-SNV\n").unwrap();
    let o = kyso(
        d,
        &[
            "sign",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "--chain",
            &pki("chain-rsa.pem"),
            "--asic-e",
            "ho-so.asice",
            NAME,
            "to-trinh.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn verify_json(d: &std::path::Path, container: &str) -> serde_json::Value {
    let o = kyso(
        d,
        &[
            "verify",
            "--offline",
            "--trust",
            &pki("root-rsa.pem"),
            "--json",
            container,
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", stdout(&o), stderr(&o));
    });
    report_schema::assert_conforms(&v);
    v
}

#[test]
fn an_asic_e_container_passes_zip_python_and_openssl_and_verifies() {
    let d = tmpdir("asic-e");
    sign_asic_e(&d);
    let o = Command::new("zip")
        .args(["-T", "ho-so.asice"])
        .current_dir(&d)
        .output()
        .expect("zip (scripts/test.sh installs it)");
    assert!(
        o.status.success(),
        "zip -T: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Python: testzip, the mimetype first and stored with no extra field, the UTF-8 flag on
    // the Vietnamese name, and every manifest digest recomputed with hashlib.
    let out = python(
        &d,
        r#"
import zipfile, hashlib, base64, urllib.parse, xml.etree.ElementTree as ET
z = zipfile.ZipFile('ho-so.asice')
assert z.testzip() is None
first = z.infolist()[0]
assert first.filename == 'mimetype' and first.compress_type == 0 and first.extra == b''
assert z.read('mimetype') == b'application/vnd.etsi.asic-e+zip'
raw = open('ho-so.asice', 'rb').read()
assert raw[30:38] == b'mimetype' and raw[38:69] == b'application/vnd.etsi.asic-e+zip'
info = z.getinfo('Quyết định số 15.pdf')
assert info.flag_bits & 0x800
ns = {'a': 'http://uri.etsi.org/02918/v1.2.1#', 'ds': 'http://www.w3.org/2000/09/xmldsig#'}
m = ET.fromstring(z.read('META-INF/ASiCManifest.xml'))
assert m.find('a:SigReference', ns).get('URI') == 'META-INF/signature.p7s'
n = 0
for ref in m.findall('a:DataObjectReference', ns):
    name = urllib.parse.unquote(ref.get('URI'))
    assert ref.find('ds:DigestMethod', ns).get('Algorithm') == 'http://www.w3.org/2001/04/xmlenc#sha256'
    want = base64.b64decode(ref.find('ds:DigestValue', ns).text)
    assert hashlib.sha256(z.read(name)).digest() == want, name
    n += 1
print(n)
"#,
    );
    assert_eq!(out.trim(), "2");
    unzip_entry(
        &d,
        "ho-so.asice",
        "META-INF/ASiCManifest.xml",
        "manifest.xml",
    );
    unzip_entry(&d, "ho-so.asice", "META-INF/signature.p7s", "signature.p7s");
    let o = Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "signature.p7s",
        ])
        .args(["-content", "manifest.xml", "-CAfile", &pki("root-rsa.pem")])
        .args(["-purpose", "any", "-out", "/dev/null"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = verify_json(&d, "ho-so.asice");
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED", "{v:#}");
    let asic = &v["documents"][0]["signatures"][0]["asic"];
    assert_eq!(asic["container"], "ASiC-E");
    assert_eq!(asic["manifest"], "META-INF/ASiCManifest.xml");
    assert_eq!(asic["covers"], serde_json::json!([NAME, "to-trinh.txt"]));
    // The container where a folder is verified is found too.
    let o = kyso(
        &d,
        &[
            "verify",
            "--offline",
            "--verbose",
            "--trust",
            &pki("root-rsa.pem"),
            ".",
        ],
    );
    assert!(
        stdout(&o).contains("ho-so.asice: TOTAL-PASSED"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_asic_s_container_is_checked_by_openssl_over_its_data_object() {
    let d = tmpdir("asic-s");
    std::fs::write(d.join(NAME), "Quyết định\n").unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "--chain",
            &pki("chain-rsa.pem"),
            "--asic-s",
            "qd.asics",
            NAME,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = Command::new("zip")
        .args(["-T", "qd.asics"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success());
    unzip_entry(&d, "qd.asics", "META-INF/signature.p7s", "signature.p7s");
    let o = Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "signature.p7s",
        ])
        .args(["-content", NAME, "-CAfile", &pki("root-rsa.pem")])
        .args(["-purpose", "any", "-out", "/dev/null"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = verify_json(&d, "qd.asics");
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED", "{v:#}");
    assert_eq!(
        v["documents"][0]["signatures"][0]["asic"]["container"],
        "ASiC-S"
    );
    // The organisation co-signs: a parallel SignerInfo in signature.p7s (EN 319 162-1 §4.3.2),
    // the official's kept, the document entry copied raw; both verify.
    let o = kyso(
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
            "qd.asics",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = verify_json(&d, "qd.asics");
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED", "{v:#}");
    assert_eq!(v["documents"][0]["signatures"].as_array().unwrap().len(), 2);
    unzip_entry(&d, "qd.asics", "META-INF/signature.p7s", "both.p7s");
    let o = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "both.p7s",
        ])
        .args(["-content", NAME, "-CAfile", &pki("root-rsa.pem")])
        .args(["-purpose", "any", "-out", "/dev/null"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Never over an existing container without --force.
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "--asic-s",
            "qd.asics",
            NAME,
        ],
    );
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn the_organisation_adds_its_signature_and_the_first_still_verifies() {
    let d = tmpdir("asic-add");
    sign_asic_e(&d);
    let before = std::fs::read(d.join("ho-so.asice")).unwrap();
    let o = kyso(
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
            "ho-so.asice",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = std::fs::read(d.join("ho-so.asice")).unwrap();
    // Raw copy: the first container's local entries are the new one's prefix, byte for byte
    // (the central directory, which followed them, is rewritten after the new entries).
    let zip = |b: &[u8]| -> usize {
        // Offset of the central directory (APPNOTE §4.3.16, EOCD offset 16).
        let at = b
            .windows(4)
            .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])
            .unwrap();
        u32::from_le_bytes(b[at + 16..at + 20].try_into().unwrap()) as usize
    };
    let cd = zip(&before);
    assert_eq!(&after[..cd], &before[..cd]);
    let o = Command::new("zip")
        .args(["-T", "ho-so.asice"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success());
    let v = verify_json(&d, "ho-so.asice");
    let doc = &v["documents"][0];
    assert_eq!(doc["indication"], "TOTAL-PASSED", "{v:#}");
    assert_eq!(doc["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(
        doc["signatures"][1]["asic"]["manifest"],
        "META-INF/ASiCManifest2.xml"
    );
    assert_eq!(
        doc["signatures"][1]["asic"]["signature_entry"],
        "META-INF/signature2.p7s"
    );
    unzip_entry(&d, "ho-so.asice", "META-INF/ASiCManifest.xml", "m1.xml");
    unzip_entry(&d, "ho-so.asice", "META-INF/signature.p7s", "s1.p7s");
    let o = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "s1.p7s",
        ])
        .args(["-content", "m1.xml", "-CAfile", &pki("root-rsa.pem")])
        .args(["-purpose", "any", "-out", "/dev/null"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The same certificate again: refused, and the container is left as it was.
    let signed = std::fs::read(d.join("ho-so.asice")).unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("org-rsa.key"),
            "--cert",
            &pki("org-rsa.pem"),
            "--add-to",
            "ho-so.asice",
        ],
    );
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("already signed"), "{}", stderr(&o));
    assert_eq!(std::fs::read(d.join("ho-so.asice")).unwrap(), signed);
    // A broken container: refused, nothing written.
    std::fs::write(d.join("broken.asice"), b"PK\x03\x04 not a zip").unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("org-rsa.key"),
            "--cert",
            &pki("org-rsa.pem"),
            "--add-to",
            "broken.asice",
        ],
    );
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read(d.join("broken.asice")).unwrap(),
        b"PK\x03\x04 not a zip"
    );
}

#[test]
fn extract_writes_the_documents_of_a_container_and_never_over_existing_files() {
    let d = tmpdir("asic-extract");
    sign_asic_e(&d);
    let o = kyso(&d, &["extract", "-o", "out", "ho-so.asice"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(d.join("out").join(NAME)).unwrap(),
        std::fs::read(d.join(NAME)).unwrap()
    );
    assert_eq!(
        std::fs::read(d.join("out/to-trinh.txt")).unwrap(),
        std::fs::read(d.join("to-trinh.txt")).unwrap()
    );
    assert!(!d.join("out/META-INF").exists() && !d.join("out/mimetype").exists());
    // Again: refused, the existing documents kept, exit 2.
    std::fs::write(d.join("out/to-trinh.txt"), "edited").unwrap();
    let o = kyso(&d, &["extract", "-o", "out", "ho-so.asice"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(d.join("out/to-trinh.txt")).unwrap(),
        b"edited"
    );
    // A container with a traversal name: refused by the library, nothing written outside.
    let o = Command::new("python3")
        .args([
            "-c",
            "import zipfile;z=zipfile.ZipFile('evil.asice','w');z.writestr('mimetype','application/vnd.etsi.asic-e+zip');z.writestr('../escaped.txt','x');z.close()",
        ])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = kyso(&d, &["extract", "-o", "x/y", "evil.asice"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("path traversal"), "{}", stderr(&o));
    assert!(!d.join("x/escaped.txt").exists() && !d.join("escaped.txt").exists());
    // Its report: TOTAL-FAILED / FORMAT_FAILURE with the container's code, in the schema.
    let o = kyso(&d, &["verify", "--offline", "--json", "evil.asice"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report_schema::assert_conforms(&v);
    let doc = &v["documents"][0];
    assert_eq!(doc["indication"], "TOTAL-FAILED");
    assert_eq!(doc["sub_indication"], "FORMAT_FAILURE");
    assert_eq!(doc["problems"][0]["code"], "asic_container_invalid");
    assert_eq!(doc["problems"][0]["asic_code"], "asic_bad_entry_name");
    // And in Vietnamese text.
    let o = kyso(&d, &["verify", "--offline", "--lang", "vi", "evil.asice"]);
    assert!(
        stdout(&o).contains("gói ASiC không hợp lệ"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_container_in_a_dossier_folder_is_one_document_with_its_signers_in_order() {
    let d = tmpdir("asic-dossier");
    sign_asic_e(&d);
    let o = kyso(
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
            "ho-so.asice",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::create_dir(d.join("dossier")).unwrap();
    std::fs::rename(d.join("ho-so.asice"), d.join("dossier/ho-so.asice")).unwrap();
    let o = kyso(
        &d,
        &[
            "verify",
            "--offline",
            "--trust",
            &pki("root-rsa.pem"),
            "--format",
            "json",
            "--dossier",
            "dossier",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report_schema::assert_conforms(&v);
    let doc = &v["dossier"]["documents"][0];
    assert_eq!(doc["file"], "ho-so.asice", "{v:#}");
    assert_eq!(doc["flags"], serde_json::json!([]), "{v:#}");
    let roles: Vec<&str> = doc["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(roles.len(), 2, "{doc:#}");
    assert_eq!(o.status.code(), Some(0), "{v:#}");
}

/// `--tsa` with a container: its signature is B-T (the testkit's loopback TSA, the real
/// `openssl ts -reply`); B-LTA without the validation data B-LT needs writes nothing.
#[test]
fn containers_are_signed_at_b_t_with_a_tsa() {
    use kyso_testkit::tsa::{Tsa, TsaCert};
    use kyso_testkit::{CertSpec, Pki};
    let d = tmpdir("asic-b-t");
    let dir = d.0.as_path();
    let pki = Pki::new();
    pki.write(dir);
    let tsa = Tsa::start(&pki);
    pki.leaf(CertSpec::ee("Nguyễn Văn An")).write(dir, "an");
    let tsa_root = tsa.trust_file(TsaCert::Good).display().to_string();
    std::fs::write(dir.join(NAME), "Quyết định").unwrap();
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
        ];
        args.extend_from_slice(extra);
        kyso(dir, &args)
    };
    let o = sign(&["--asic-e", "ho-so.asice", NAME]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(tsa.requests(), 1);
    let o = sign(&[
        "--level",
        "B-LTA",
        "--trust",
        "root.pem",
        "--asic-e",
        "lta.asice",
        NAME,
    ]);
    // B-LTA needs B-LT first: without revocation data for this PKI it fails, writing nothing
    // (B-LTA itself is tested in asic_lta.rs).
    assert_ne!(o.status.code(), Some(0));
    assert!(!dir.join("lta.asice").exists());
    let o = kyso(
        dir,
        &[
            "verify",
            "--offline",
            "--trust",
            "root.pem",
            "--json",
            "ho-so.asice",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report_schema::assert_conforms(&v);
    let s0 = &v["documents"][0]["signatures"][0];
    assert_eq!(s0["level"], "B-T", "{v:#}");
    assert_eq!(s0["timestamps"][0]["indication"], "TOTAL-PASSED", "{v:#}");
    // kyso extend on a B-B container: its signature gets the time-stamp, in place.
    let o = kyso(
        dir,
        &[
            "sign", "--key", "an.key", "--cert", "an.pem", "--chain", "sub.pem", "--asic-s",
            "bb.asics", NAME,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = kyso(
        dir,
        &[
            "extend",
            "--level",
            "B-T",
            "--tsa",
            &url,
            "--tsa-trust",
            &tsa_root,
            "--trust",
            "root.pem",
            "bb.asics",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = kyso(
        dir,
        &[
            "verify",
            "--offline",
            "--trust",
            "root.pem",
            "--json",
            "bb.asics",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["documents"][0]["signatures"][0]["level"], "B-T", "{v:#}");
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED", "{v:#}");
}

/// Every report on DSS's staged containers (broken references, removed documents, archive
/// manifests, time-stamp-only and malformed containers) conforms to the published schema, in
/// JSON and as JUnit.
#[test]
fn reports_on_the_dss_containers_conform_to_the_schema() {
    let d = tmpdir("asic-dss-schema");
    let dir = root().join("../shared/testdata-ext/dss-asic-cades");
    let o = kyso(
        &d,
        &["verify", "--offline", "--json", &dir.display().to_string()],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report_schema::assert_conforms(&v);
    let docs = v["documents"].as_array().unwrap();
    assert!(docs.len() >= 20, "{}", docs.len());
    let codes: Vec<&str> = docs
        .iter()
        .flat_map(|d| d["problems"].as_array().unwrap())
        .filter_map(|p| p["code"].as_str())
        .collect();
    for want in [
        "asic_container_invalid",
        "asic_archive_reference_mismatch",
        "asic_file_not_signed",
    ] {
        assert!(codes.contains(&want), "{want} not in {codes:?}");
    }
    // The archive manifests' time-stamps (EN 319 162-1 Annex A.7) are in the checked JSON,
    // intact and broken ones.
    let archive: Vec<&serde_json::Value> = docs
        .iter()
        .flat_map(|d| d["signatures"].as_array().unwrap())
        .flat_map(|s| s["timestamps"].as_array().unwrap())
        .filter(|t| t["kind"] == "container_archive_time_stamp")
        .collect();
    let problems: Vec<&str> = archive
        .iter()
        .filter_map(|t| t["problem"]["code"].as_str())
        .collect();
    for want in [
        "timestamp_archive_reference_failed",
        "timestamp_archive_reference_missing",
        "timestamp_token_not_valid",
    ] {
        assert!(problems.contains(&want), "{want} not in {problems:?}");
    }
    assert!(archive.iter().all(|t| t["asic"]["manifest"].is_string()));
    let o = kyso(
        &d,
        &[
            "verify",
            "--offline",
            "--format",
            "junit",
            &dir.display().to_string(),
        ],
    );
    report_schema::assert_junit_conforms(&o.stdout);
}

/// `--dossier X.asice`: the container is the dossier, each of its documents with the
/// signatures that cover it. The official's alone lacks the organisation's (exit 1, the flag
/// on every document); with the organisation's added the dossier is complete (exit 0), and
/// the receipt is written.
#[test]
fn a_container_given_as_the_dossier_is_judged_document_by_document() {
    let d = tmpdir("asic-as-dossier");
    sign_asic_e(&d);
    let root = pki("root-rsa.pem");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--offline",
            "--trust",
            &root,
            "--format",
            "json",
            "--dossier",
            "ho-so.asice",
        ];
        args.extend_from_slice(extra);
        let o = kyso(&d, &args);
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
        report_schema::assert_conforms(&v);
        (o.status.code(), v)
    };
    let (code, v) = run(&[]);
    assert_eq!(code, Some(1), "{v:#}");
    let docs = v["dossier"]["documents"].as_array().unwrap();
    let files: Vec<&str> = docs.iter().map(|x| x["file"].as_str().unwrap()).collect();
    assert_eq!(files, [NAME, "to-trinh.txt"]);
    for x in docs {
        assert_eq!(
            x["flags"],
            serde_json::json!(["missing_organisation_signature"]),
            "{x:#}"
        );
    }
    let o = kyso(
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
            "ho-so.asice",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (code, v) = run(&["--receipt", "bien-nhan.html"]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["dossier"]["indication"], "TOTAL-PASSED");
    for x in v["dossier"]["documents"].as_array().unwrap() {
        assert_eq!(x["signers"].as_array().unwrap().len(), 2, "{x:#}");
    }
    let html = std::fs::read_to_string(d.join("bien-nhan.html")).unwrap();
    assert!(html.contains("to-trinh.txt"), "{html}");
}

/// `--dossier X.zip`: a dossier sent as a plain ZIP file is judged as the folder it holds
/// (read with the container's bounds and name rules), the report naming the ZIP; a ZIP with a
/// traversal name is refused.
#[test]
fn a_zip_given_as_the_dossier_is_judged_as_its_folder() {
    let d = tmpdir("asic-zip-dossier");
    std::fs::write(d.join("cong-van.txt"), "Công văn số 15").unwrap();
    std::fs::write(d.join("scan.jpg"), "not signed").unwrap();
    for (key, cert) in [
        ("signer-rsa.key", "signer-rsa.pem"),
        ("org-rsa.key", "org-rsa.pem"),
    ] {
        let mut args = vec!["sign", "--key", &pki(key), "--cert", &pki(cert)]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        args.extend(["--chain".into(), pki("chain-rsa.pem")]);
        if key.starts_with("org") {
            args.extend(["--add-to".into(), "cong-van.txt.p7s".into()]);
        }
        args.push("cong-van.txt".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = kyso(&d, &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    python(
        &d,
        "import zipfile\nz=zipfile.ZipFile('ho-so.zip','w')\nfor f in ['cong-van.txt','cong-van.txt.p7s','scan.jpg']: z.write(f, 'ho-so/'+f)\nz.close()",
    );
    let o = kyso(
        &d,
        &[
            "verify",
            "--offline",
            "--trust",
            &pki("root-rsa.pem"),
            "--format",
            "json",
            "--dossier",
            "ho-so.zip",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    report_schema::assert_conforms(&v);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    assert_eq!(v["dossier"]["path"], "ho-so.zip");
    let docs = v["dossier"]["documents"].as_array().unwrap();
    let by = |f: &str| {
        docs.iter()
            .find(|x| x["file"] == f)
            .unwrap_or_else(|| panic!("{f}: {v:#}"))
    };
    assert_eq!(
        by("ho-so/cong-van.txt")["flags"],
        serde_json::json!([]),
        "{v:#}"
    );
    assert_eq!(
        by("ho-so/cong-van.txt")["signers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        by("ho-so/scan.jpg")["flags"],
        serde_json::json!(["unsigned"])
    );
    python(
        &d,
        "import zipfile\nz=zipfile.ZipFile('evil.zip','w')\nz.writestr('../x.txt','x')\nz.close()",
    );
    let o = kyso(&d, &["verify", "--offline", "--dossier", "evil.zip"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("path traversal"), "{}", stderr(&o));
}

/// The CLI's overwrite rules hold for containers: an existing container is replaced only
/// with --force, and one holding another signer's signatures only with --discard-signatures
/// too (else --add-to); a refusal leaves it as it was.
#[test]
fn an_existing_container_with_other_signatures_is_not_replaced_without_discard() {
    let d = tmpdir("asic-overwrite");
    sign_asic_e(&d);
    let before = std::fs::read(d.join("ho-so.asice")).unwrap();
    let org = |extra: &[&str]| {
        let key = pki("org-rsa.key");
        let cert = pki("org-rsa.pem");
        let mut args = vec!["sign", "--key", &key, "--cert", &cert];
        args.extend_from_slice(extra);
        args.extend(["--asic-e", "ho-so.asice", "to-trinh.txt"]);
        kyso(&d, &args)
    };
    for extra in [&[][..], &["--force"][..]] {
        let o = org(extra);
        assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stderr(&o).contains("Nguyễn Văn An"), "{}", stderr(&o));
        assert_eq!(std::fs::read(d.join("ho-so.asice")).unwrap(), before);
    }
    let o = org(&["--force", "--discard-signatures"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(std::fs::read(d.join("ho-so.asice")).unwrap(), before);
}

/// A folder of the container planted in DIR as a symbolic link to elsewhere: extract refuses
/// to write through it.
#[test]
fn extract_does_not_write_through_a_symbolic_link() {
    let d = tmpdir("asic-extract-link");
    let o = Command::new("python3")
        .args([
            "-c",
            "import zipfile;z=zipfile.ZipFile('c.asice','w');z.writestr('mimetype','application/vnd.etsi.asic-e+zip');z.writestr('docs/a.txt','x');z.writestr('b.txt','y');z.close()",
        ])
        .current_dir(&d)
        .output()
        .unwrap();
    assert!(o.status.success());
    std::fs::create_dir_all(d.join("out")).unwrap();
    std::fs::create_dir_all(d.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere"), d.join("out/docs")).unwrap();
    let o = kyso(&d, &["extract", "-o", "out", "c.asice"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(!d.join("elsewhere/a.txt").exists());
}
