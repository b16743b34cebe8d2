//! ASiC-E at B-LTA (issue 15, ETSI EN 319 162-1 Annex A.7) against real peers: the testkit's
//! loopback TSA (`openssl ts -reply`), OCSP responder (`openssl ocsp`) and CRL host. `kyso sign
//! --asic-e --level B-LTA` and `kyso extend --level B-LTA` write META-INF/ASiCArchiveManifest.xml
//! over every entry but the mimetype, itself and its token, whose digests Python's hashlib
//! recomputes, and META-INF/timestampN.tst, which `openssl ts -verify` checks over the
//! manifest's bytes; `zip -T` and Python's `zipfile` accept the container, the mimetype first
//! and stored. A renewal renames the manifest ASiCArchiveManifestK.xml with its bytes (and its
//! token) unchanged and covers both; the organisation's later signature is covered too. A TSA
//! that is down, a changed document and a broken earlier archive leave the container as it was.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Command;

use common::*;
use kyso_testkit::ltv::LtPki;
use kyso_testkit::ocsp::Status;
use kyso_testkit::tsa::{openssl_ts_verify_with, Imprint, TsInput};
use kyso_testkit::CertSpec;

const DOCX: &str = "Tờ trình.docx";
const ARCHIVE: &str = "META-INF/ASiCArchiveManifest.xml";

/// The LT PKI's files in a new scratch directory: root.pem (the anchor), sub.pem, an.pem/an.key
/// (the official), org.pem/org.key (the organisation, OCSP good), and the two documents.
fn setup(name: &str) -> (LtPki, TempDir) {
    let lt = LtPki::new();
    let d = tmpdir(name);
    lt.pki.root.write(&d, "root");
    lt.sub.write(&d, "sub");
    lt.leaf.write(&d, "an");
    let org = lt.pki.issue(
        &lt.sub,
        CertSpec::ee("Sở Nội vụ tỉnh Hà Giang")
            .ocsp(lt.responder.url())
            .crl_dp(&lt.crl_host.url("/sub.crl")),
    );
    lt.responder.status(&org, Status::Valid);
    org.write(&d, "org");
    std::fs::write(d.join("a.pdf"), "%PDF-1.7 Quyết định\n".repeat(300)).unwrap();
    std::fs::write(d.join(DOCX), "Tờ trình số 15/TTr-SNV".as_bytes()).unwrap();
    (lt, d)
}

/// `kyso sign` by `who` (an or org) at `level` with the LT services, then `extra`.
fn sign(lt: &LtPki, dir: &Path, who: &str, level: &str, extra: &[&str]) -> std::process::Output {
    let url = lt.tsa.url();
    let (key, cert) = (format!("{who}.key"), format!("{who}.pem"));
    let mut args = vec![
        "sign",
        "--key",
        &key,
        "--cert",
        &cert,
        "--chain",
        "sub.pem",
        "--level",
        level,
        "--tsa",
        &url,
        "--tsa-trust",
        "root.pem",
        "--trust",
        "root.pem",
    ];
    args.extend_from_slice(extra);
    kyso(dir, &args)
}

/// `kyso extend --level B-LTA --format json` with the TSA at `tsa`.
fn extend_lta(dir: &Path, tsa: &str, container: &str) -> std::process::Output {
    kyso(
        dir,
        &[
            "extend",
            "--level",
            "B-LTA",
            "--tsa",
            tsa,
            "--tsa-trust",
            "root.pem",
            "--trust",
            "root.pem",
            "--format",
            "json",
            container,
        ],
    )
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// Python's view of `container`: `zipfile` reads every entry (testzip), the mimetype is first,
/// stored, without extra field; the archive manifest `manifest` names `tst` as its
/// SigReference, and each DataObjectReference's SHA-256 (hashlib) and MimeType match its
/// entry. Returns (every entry name, the names the manifest covers), in order.
fn python_check(
    dir: &Path,
    container: &str,
    manifest: &str,
    tst: &str,
) -> (Vec<String>, Vec<String>) {
    let out = python(
        dir,
        &format!(
            r#"
import zipfile, hashlib, base64, json, urllib.parse, xml.etree.ElementTree as ET
z = zipfile.ZipFile({container:?})
assert z.testzip() is None
first = z.infolist()[0]
assert first.filename == 'mimetype' and first.compress_type == 0 and first.extra == b''
assert z.read('mimetype') == b'application/vnd.etsi.asic-e+zip'
ns = {{'a': 'http://uri.etsi.org/02918/v1.2.1#', 'ds': 'http://www.w3.org/2000/09/xmldsig#'}}
m = ET.fromstring(z.read({manifest:?}))
assert m.tag == '{{http://uri.etsi.org/02918/v1.2.1#}}ASiCManifest', m.tag
s = m.find('a:SigReference', ns)
assert urllib.parse.unquote(s.get('URI')) == {tst:?}, s.get('URI')
assert s.get('MimeType') == 'application/vnd.etsi.timestamp-token'
def mime(n):
    if n.endswith('.p7s'): return 'application/pkcs7-signature'
    if n.endswith('.xml'): return 'text/xml'
    if n.endswith('.tst'): return 'application/vnd.etsi.timestamp-token'
    return 'application/octet-stream'
covered = []
for ref in m.findall('a:DataObjectReference', ns):
    name = urllib.parse.unquote(ref.get('URI'))
    assert ref.find('ds:DigestMethod', ns).get('Algorithm') == 'http://www.w3.org/2001/04/xmlenc#sha256'
    want = base64.b64decode(ref.find('ds:DigestValue', ns).text)
    assert hashlib.sha256(z.read(name)).digest() == want, name
    assert ref.get('MimeType') == mime(name), (name, ref.get('MimeType'))
    covered.append(name)
print(json.dumps([z.namelist(), covered]))
"#
        ),
    );
    serde_json::from_str(&out).unwrap()
}

/// The archive manifest `manifest` covers every entry but the mimetype, itself and `tst`.
fn assert_covers_all(dir: &Path, container: &str, manifest: &str, tst: &str) -> Vec<String> {
    let (names, covered) = python_check(dir, container, manifest, tst);
    let mut want: Vec<String> = names
        .into_iter()
        .filter(|n| n != "mimetype" && n != manifest && n != tst)
        .collect();
    let mut got = covered.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{manifest} must cover every other entry");
    covered
}

/// `openssl ts -verify -data MANIFEST -in TST -token_in -CAfile root.pem`: the token is over
/// the manifest's exact bytes.
fn assert_openssl_verifies(dir: &Path, container: &str, manifest: &str, tst: &str) {
    unzip_entry(dir, container, manifest, "m.xml");
    unzip_entry(dir, container, tst, "t.tst");
    let (m, t) = (
        std::fs::read(dir.join("m.xml")).unwrap(),
        std::fs::read(dir.join("t.tst")).unwrap(),
    );
    let sub = dir.join("sub.pem").display().to_string();
    openssl_ts_verify_with(
        TsInput::Token(&t),
        Imprint::Data(&m),
        &dir.join("root.pem"),
        &["-untrusted", &sub],
    )
    .unwrap_or_else(|e| panic!("openssl ts -verify {tst} over {manifest}: {e}"));
    // And not over other bytes: the check can fail.
    let mut other = m.clone();
    other.push(b' ');
    assert!(openssl_ts_verify_with(
        TsInput::Token(&t),
        Imprint::Data(&other),
        &dir.join("root.pem"),
        &["-untrusted", &sub],
    )
    .is_err());
}

fn zip_t(dir: &Path, container: &str) {
    let o = Command::new("zip")
        .args(["-T", container])
        .current_dir(dir)
        .output()
        .expect("zip (scripts/test.sh installs it)");
    assert!(o.status.success(), "zip -T: {}", stdout(&o));
}

/// The TSTInfo of a token as `openssl ts -reply -token_in -text` prints it.
fn tst_info(dir: &Path, token: &[u8]) -> String {
    let f = dir.join("info.tst");
    std::fs::write(&f, token).unwrap();
    let o = Command::new("openssl")
        .args(["ts", "-reply", "-token_in", "-text", "-in"])
        .arg(&f)
        .output()
        .expect("openssl");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("Time stamp:"), "{text}");
    text
}

fn entry(dir: &Path, container: &str, name: &str) -> Vec<u8> {
    unzip_entry(dir, container, name, "entry.bin");
    std::fs::read(dir.join("entry.bin")).unwrap()
}

/// `kyso verify --revocation required` (online: the newest archive time-stamp's TSA status
/// is looked up, as for CAdES B-LTA; the signatures' own data is embedded): exit 0, and each
/// signature's level.
fn verify_levels(dir: &Path, container: &str) -> Vec<String> {
    let o = kyso(
        dir,
        &[
            "verify",
            "--trust",
            "root.pem",
            "--revocation",
            "required",
            "--format",
            "json",
            container,
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    v["documents"][0]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["level"].as_str().unwrap().to_string())
        .collect()
}

/// Every signature is B-LTA: B-LT in its .p7s and covered by a valid container archive
/// time-stamp (the verifier's EN 319 162-1 Annex A.7 check).
fn assert_b_lta(levels: &[String], n: usize) {
    assert_eq!(levels.len(), n, "{levels:?}");
    for l in levels {
        assert_eq!(l, "B-LTA", "{levels:?}");
    }
}

#[test]
fn sign_asic_e_at_b_lta_writes_an_archive_manifest_over_every_entry_and_its_time_stamp() {
    let (lt, d) = setup("asic-lta-sign");
    let o = sign(
        &lt,
        &d,
        "an",
        "B-LTA",
        &["--asic-e", "out.asice", "a.pdf", DOCX],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The signature-time-stamp and the archive time-stamp.
    assert_eq!(lt.tsa.requests(), 2);
    zip_t(&d, "out.asice");
    let tst = "META-INF/timestamp1.tst";
    let covered = assert_covers_all(&d, "out.asice", ARCHIVE, tst);
    assert_eq!(
        covered,
        [
            "a.pdf",
            DOCX,
            "META-INF/ASiCManifest.xml",
            "META-INF/signature.p7s"
        ]
    );
    assert_openssl_verifies(&d, "out.asice", ARCHIVE, tst);
    // The signature was extended to B-LT inside its .p7s before the manifest was made.
    assert_b_lta(&verify_levels(&d, "out.asice"), 1);
}

#[test]
fn extend_to_b_lta_twice_renames_the_first_archive_manifest_and_covers_both() {
    let (lt, d) = setup("asic-lta-renew");
    let o = sign(
        &lt,
        &d,
        "an",
        "B-LT",
        &["--asic-e", "out.asice", "a.pdf", DOCX],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let url = lt.tsa.url();
    let o = extend_lta(&d, &url, "out.asice");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let j = json(&o);
    assert_eq!(j["files"][0]["result"], "extended", "{j:#}");
    let s0 = &j["files"][0]["signatures"][0];
    assert_eq!(s0["level_after"], "B-LTA", "{j:#}");
    assert_eq!(s0["archive_timestamp_added"], true, "{j:#}");
    let first = assert_covers_all(&d, "out.asice", ARCHIVE, "META-INF/timestamp1.tst");
    assert_eq!(first.len(), 4, "{first:?}");
    assert_openssl_verifies(&d, "out.asice", ARCHIVE, "META-INF/timestamp1.tst");
    let (m1, t1, sig) = (
        entry(&d, "out.asice", ARCHIVE),
        entry(&d, "out.asice", "META-INF/timestamp1.tst"),
        entry(&d, "out.asice", "META-INF/signature.p7s"),
    );

    let o = extend_lta(&d, &url, "out.asice");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    zip_t(&d, "out.asice");
    let renamed = "META-INF/ASiCArchiveManifest1.xml";
    assert_eq!(
        entry(&d, "out.asice", renamed),
        m1,
        "renamed with its bytes"
    );
    // The first token gained its TSA's validation data (EN 319 162-1 §A.7 item 2, as DSS
    // does), its TSTInfo unchanged: it still verifies over the renamed manifest below.
    let t1_now = entry(&d, "out.asice", "META-INF/timestamp1.tst");
    assert!(
        t1_now.len() > t1.len(),
        "no validation data added to the token"
    );
    assert_eq!(tst_info(&d, &t1_now), tst_info(&d, &t1));
    assert_eq!(entry(&d, "out.asice", "META-INF/signature.p7s"), sig);
    let second = assert_covers_all(&d, "out.asice", ARCHIVE, "META-INF/timestamp2.tst");
    for n in [renamed, "META-INF/timestamp1.tst", "META-INF/signature.p7s"] {
        assert!(second.iter().any(|c| c == n), "{n} not in {second:?}");
    }
    // The renamed manifest still covers what it covered, and both tokens verify.
    let (_, still) = python_check(&d, "out.asice", renamed, "META-INF/timestamp1.tst");
    assert_eq!(still, first);
    assert_openssl_verifies(&d, "out.asice", renamed, "META-INF/timestamp1.tst");
    assert_openssl_verifies(&d, "out.asice", ARCHIVE, "META-INF/timestamp2.tst");
    assert_b_lta(&verify_levels(&d, "out.asice"), 1);
}

#[test]
fn the_organisations_later_signature_is_covered_by_the_renewed_archive() {
    let (lt, d) = setup("asic-lta-add");
    let o = sign(
        &lt,
        &d,
        "an",
        "B-LTA",
        &["--asic-e", "out.asice", "a.pdf", DOCX],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = sign(&lt, &d, "org", "B-LT", &["--add-to", "out.asice"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = extend_lta(&d, &lt.tsa.url(), "out.asice");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let j = json(&o);
    let sigs = j["files"][0]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "{j:#}");
    assert!(
        sigs.iter().all(|s| s["archive_timestamp_added"] == true),
        "{j:#}"
    );
    let covered = assert_covers_all(&d, "out.asice", ARCHIVE, "META-INF/timestamp2.tst");
    for n in [
        "META-INF/signature.p7s",
        "META-INF/signature2.p7s",
        "META-INF/ASiCManifest.xml",
        "META-INF/ASiCManifest2.xml",
        "META-INF/ASiCArchiveManifest1.xml",
        "META-INF/timestamp1.tst",
    ] {
        assert!(covered.iter().any(|c| c == n), "{n} not in {covered:?}");
    }
    assert_openssl_verifies(&d, "out.asice", ARCHIVE, "META-INF/timestamp2.tst");
    assert_b_lta(&verify_levels(&d, "out.asice"), 2);

    // The organisation's signature removed with its manifest: the official's still verifies,
    // but the archive proves both existed, so the container fails instead of passing as if
    // only the official had signed.
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys,zipfile\n\
             src=zipfile.ZipFile(sys.argv[1]); out=zipfile.ZipFile(sys.argv[2],'w')\n\
             for i in src.infolist():\n\
             \x20   if i.filename not in ('META-INF/signature2.p7s','META-INF/ASiCManifest2.xml'): out.writestr(i, src.read(i))\n\
             out.close()\n",
        ])
        .arg(d.join("out.asice"))
        .arg(d.join("cut.asice"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let o = kyso(
        &d,
        &[
            "verify",
            "--trust",
            "root.pem",
            "--format",
            "json",
            "cut.asice",
        ],
    );
    let v = json(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let doc = &v["documents"][0];
    assert_eq!(doc["sub_indication"], "HASH_FAILURE", "{v:#}");
    let problems: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert!(
        problems.contains(&"asic_archive_reference_mismatch"),
        "{problems:?}"
    );
    assert_eq!(doc["signatures"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(doc["signatures"][0]["indication"], "TOTAL-PASSED", "{v:#}");
}

#[test]
fn a_tsa_that_is_down_or_a_broken_container_leaves_the_container_as_it_was() {
    let (lt, d) = setup("asic-lta-refused");
    let o = sign(
        &lt,
        &d,
        "an",
        "B-LT",
        &["--asic-e", "out.asice", "a.pdf", DOCX],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read(d.join("out.asice")).unwrap();
    // The TSA refuses connections.
    let down = kyso_testkit::tsa::refused_url("/tsa");
    let o = extend_lta(&d, &down, "out.asice");
    assert_ne!(o.status.code(), Some(0), "{}", stdout(&o));
    let j = json(&o);
    let message = j["files"][0]["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains(&down) || message.contains("time-stamp"),
        "{j:#}"
    );
    assert_eq!(std::fs::read(d.join("out.asice")).unwrap(), before);

    // A document changed after signing: the signature no longer covers the container.
    python(
        &d,
        r#"
import zipfile
src = zipfile.ZipFile('out.asice')
dst = zipfile.ZipFile('changed.asice', 'w')
for i in src.infolist():
    data = src.read(i.filename)
    if i.filename == 'a.pdf':
        data = data.replace(b'Quy', b'Qux', 1)
    dst.writestr(i, data)
dst.close()
"#,
    );
    let changed = std::fs::read(d.join("changed.asice")).unwrap();
    let requests = lt.tsa.requests();
    let o = extend_lta(&d, &lt.tsa.url(), "changed.asice");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let j = json(&o);
    assert_eq!(
        j["files"][0]["error"]["code"], "extend_refused_signature_not_valid",
        "{j:#}"
    );
    assert!(
        j["files"][0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a.pdf"),
        "{j:#}"
    );
    assert_eq!(std::fs::read(d.join("changed.asice")).unwrap(), changed);
    assert_eq!(lt.tsa.requests(), requests, "nothing time-stamped");

    // DSS's container whose first archive manifest no longer matches signature001.p7s: kyso
    // does not renew a broken archive.
    let dss =
        root().join("../shared/testdata-ext/dss-asic-cades/ASICE-CAdES-BpLTA-2-BpLTA-DSS5.4.asice");
    std::fs::copy(&dss, d.join("dss.asice")).unwrap();
    let o = extend_lta(&d, &lt.tsa.url(), "dss.asice");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let j = json(&o);
    assert_eq!(
        j["files"][0]["error"]["code"], "extend_refused_archive_broken",
        "{j:#}"
    );
    let message = j["files"][0]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("ASiCArchiveManifest1.xml") && message.contains("signature001.p7s"),
        "{j:#}"
    );
    assert_eq!(
        std::fs::read(d.join("dss.asice")).unwrap(),
        std::fs::read(&dss).unwrap()
    );
    assert_eq!(lt.tsa.requests(), requests);
}
