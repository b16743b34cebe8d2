//! OCSP on the command line (issue 10, first part): responses made by the real `openssl
//! ocsp`, embedded in a hand-built SignedData (RFC 5940 `id-ri-ocsp-response` in `crls`) or
//! given with `--ocsp FILE`, verified end to end by `kyso verify` and `kyso chain`.

mod common;
mod report_schema;

use std::path::Path;
use std::process::Output;

use common::*;
use kyso_testkit::cms::{self, CmsSpec, SignerSpec};
use kyso_testkit::ocsp::{
    index_line, openssl_respond, responder_spec, revocation_info_choice, Status,
};
use kyso_testkit::{CertSpec, CrlSpec, Issued, Pki};

struct Setup {
    pki: Pki,
    good: Issued,
    revoked: Issued,
    responder: Issued,
}

fn setup(d: &Path) -> Setup {
    let pki = Pki::new();
    pki.write(d);
    let good = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    let revoked = pki.leaf(CertSpec::ee("Trần Thị Bình"));
    let responder = pki.issue(&pki.sub, responder_spec("Sub CA OCSP", true));
    good.write(d, "good");
    revoked.write(d, "revoked");
    Setup {
        pki,
        good,
        revoked,
        responder,
    }
}

impl Setup {
    /// `openssl ocsp`'s answer about `leaf`, signed by `signer`, with `extra` arguments.
    fn response(&self, d: &Path, leaf: &Issued, signer: &Issued, extra: &[&str]) -> Vec<u8> {
        let work = d.join("responder");
        std::fs::create_dir_all(&work).unwrap();
        let index = [
            index_line(&self.good, Status::Valid),
            index_line(
                &self.revoked,
                Status::Revoked("260515000000Z", "keyCompromise"),
            ),
        ];
        let cert = kyso::Certificate::from_der(&leaf.cert_der()).unwrap();
        let issuer = kyso::Certificate::from_der(&self.pki.sub.cert_der()).unwrap();
        let req = kyso::OcspRequest::new(&cert, &issuer).unwrap();
        openssl_respond(&work, &index, &self.pki.sub, signer, &req.to_der(), extra)
    }

    /// A detached signature by `leaf` over `content.txt` with the sub CA embedded and
    /// `revocation` (RevocationInfoChoices) in `crls`.
    fn sign(&self, d: &Path, name: &str, leaf: &Issued, revocation: Vec<Vec<u8>>) {
        let content = "Quyết định số 10/QĐ-UBND".as_bytes();
        std::fs::write(d.join("content.txt"), content).unwrap();
        let spec = CmsSpec {
            signers: vec![SignerSpec::new(leaf)],
            certs: vec![leaf.clone(), self.pki.sub.clone()],
            attached: false,
            crls: revocation,
        };
        std::fs::write(d.join(name), cms::sign(content, &spec)).unwrap();
    }

    /// The root's CRL (so the sub CA has a status too), current at `at`.
    fn root_crl(&self, d: &Path, at: &str) {
        let t = kyso::Timestamp::parse_rfc3339(at).unwrap().unix();
        let iso = |x: i64| kyso::Timestamp::from_unix(x).to_string();
        let spec = CrlSpec::default().updates(&iso(t - 86_400), Some(&iso(t + 86_400)));
        std::fs::write(d.join("root.crl"), self.pki.crl(&self.pki.root, &spec)).unwrap();
    }
}

/// A minute after the response's thisUpdate (openssl stamps the real clock).
fn at_for(resp: &[u8]) -> String {
    let r = kyso::OcspResponse::from_der(resp).unwrap();
    kyso::Timestamp::from_unix(r.this_update().unwrap().unix() + 60).to_string()
}

fn verify(d: &Path, at: &str, extra: &[&str], sig: &str) -> (Output, serde_json::Value) {
    let mut args = vec![
        "verify",
        "--trust",
        "root.pem",
        "--content",
        "content.txt",
        "--at",
        at,
        "--json",
    ];
    args.extend_from_slice(extra);
    args.push(sig);
    let out = kyso(d, &args);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out, v)
}

/// `out` with the times of the revocation data on its "↳" lines masked: `openssl ocsp` stamps
/// the real clock, so producedAt, thisUpdate and nextUpdate change from run to run (the
/// revocation time, from the index file, does not).
fn stable_times(out: &Output) -> Output {
    const PREFIXES: [&str; 6] = [
        "produced ",
        "updated ",
        "next update ",
        "phản hồi lúc ",
        "cập nhật ",
        "lần cập nhật sau ",
    ];
    let text = stdout(out);
    let mut masked = String::new();
    for line in text.split_inclusive('\n') {
        if !line.contains('↳') {
            masked.push_str(line);
            continue;
        }
        let parts: Vec<String> = line
            .trim_end_matches('\n')
            .split(", ")
            .map(|seg| match PREFIXES.iter().find(|p| seg.starts_with(**p)) {
                Some(p) => format!("{p}<time>"),
                None => seg.to_string(),
            })
            .collect();
        masked.push_str(&parts.join(", "));
        masked.push('\n');
    }
    Output {
        status: out.status,
        stdout: masked.into_bytes(),
        stderr: out.stderr.clone(),
    }
}

fn check<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["documents"][0]["signatures"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap()
}

#[test]
fn an_embedded_good_ocsp_response_passes_the_revocation_check() {
    let d = tmpdir("ocsp-embedded-good");
    let s = setup(&d);
    let resp = s.response(&d, &s.good, &s.responder, &["-ndays", "1"]);
    let at = at_for(&resp);
    s.sign(&d, "good.p7s", &s.good, vec![revocation_info_choice(&resp)]);
    s.root_crl(&d, &at);
    let (out, v) = verify(
        &d,
        &at,
        &["--crl", "root.crl", "--revocation", "required"],
        "good.p7s",
    );
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(
        v["documents"][0]["signatures"][0]["indication"],
        "TOTAL-PASSED"
    );
    assert_eq!(check(&v, "revocation")["result"], "passed", "{v:#}");

    // Without the embedded response the same signature is not checked (auto) ...
    s.sign(&d, "bare.p7s", &s.good, vec![]);
    let (out, v) = verify(&d, &at, &["--crl", "root.crl"], "bare.p7s");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(check(&v, "revocation")["result"], "skipped");
    // ... and given as a file it is checked again.
    std::fs::write(d.join("good.ocsp"), &resp).unwrap();
    let (out, v) = verify(
        &d,
        &at,
        &[
            "--crl",
            "root.crl",
            "--ocsp",
            "good.ocsp",
            "--revocation",
            "required",
        ],
        "bare.p7s",
    );
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(check(&v, "revocation")["result"], "passed");
}

#[test]
fn an_embedded_revoked_ocsp_response_is_revoked_no_poe() {
    let d = tmpdir("ocsp-embedded-revoked");
    let s = setup(&d);
    let resp = s.response(&d, &s.revoked, &s.pki.sub, &["-ndays", "1"]);
    let at = at_for(&resp);
    s.sign(
        &d,
        "revoked.p7s",
        &s.revoked,
        vec![revocation_info_choice(&resp)],
    );
    // No time-stamp: the signature may predate the revocation (EN 319 102-1 §5.2.6).
    let (out, v) = verify(&d, &at, &[], "revoked.p7s");
    assert_eq!(out.status.code(), Some(3), "{v:#}");
    let sig = &v["documents"][0]["signatures"][0];
    assert_eq!(sig["indication"], "INDETERMINATE");
    assert_eq!(sig["sub_indication"], "REVOKED_NO_POE");
    let rev = check(&v, "revocation");
    assert_eq!(rev["result"], "failed");
    assert_eq!(rev["reason"]["code"], "signer_revoked_no_poe");
    assert_eq!(rev["reason"]["reason"], "keyCompromise");
    // The leaf's status says where it came from: the OCSP response in the signature.
    let leaf = &sig["revocation"][0];
    assert_eq!(leaf["status"], "revoked", "{sig:#}");
    assert_eq!(leaf["evidence"]["kind"], "ocsp");
    assert_eq!(leaf["evidence"]["source"], "embedded");
    assert_eq!(leaf["evidence"]["path"], serde_json::Value::Null);
    assert_eq!(
        leaf["evidence"]["issuer_or_responder"], "CN=Kyso Testkit Sub CA,O=Kyso Testkit,C=VN",
        "signed by the CA itself"
    );
    assert!(leaf["evidence"]["produced_at"].is_string());
    assert_eq!(
        sig["revocation"].as_array().unwrap().len(),
        3,
        "one per chain entry"
    );
    for lang in ["en", "vi"] {
        let out = kyso(
            &d,
            &[
                "verify",
                "--trust",
                "root.pem",
                "--content",
                "content.txt",
                "--at",
                &at,
                "--lang",
                lang,
                "revoked.p7s",
            ],
        );
        assert_eq!(out.status.code(), Some(3));
        golden(&format!("verify-ocsp-revoked-{lang}"), &stable_times(&out));
    }
}

#[test]
fn an_unusable_ocsp_response_is_indeterminate_under_required_and_says_why() {
    let d = tmpdir("ocsp-unusable");
    let s = setup(&d);
    // A responder certificate without id-kp-OCSPSigning.
    let not_responder = s.pki.leaf(CertSpec::ee("Not A Responder"));
    let resp = s.response(&d, &s.good, &not_responder, &["-ndays", "1"]);
    let at = at_for(&resp);
    std::fs::write(d.join("bad.ocsp"), &resp).unwrap();
    s.sign(&d, "good.p7s", &s.good, vec![]);
    s.root_crl(&d, &at);
    let (out, v) = verify(
        &d,
        &at,
        &[
            "--crl",
            "root.crl",
            "--ocsp",
            "bad.ocsp",
            "--revocation",
            "required",
        ],
        "good.p7s",
    );
    assert_eq!(out.status.code(), Some(3), "{v:#}");
    let rev = check(&v, "revocation");
    assert_eq!(
        rev["reason"]["code"], "revocation_status_unknown",
        "{rev:#}"
    );
    assert_eq!(rev["reason"]["problem"]["code"], "ocsp_response_unusable");
    // The sub CA's status came from the root's CRL file; the leaf's is unknown, without evidence.
    let statuses = &v["documents"][0]["signatures"][0]["revocation"];
    assert_eq!(statuses[0]["status"], "unknown");
    assert!(statuses[0].get("evidence").is_none());
    assert_eq!(statuses[1]["status"], "good");
    assert_eq!(statuses[1]["evidence"]["kind"], "crl");
    assert_eq!(statuses[1]["evidence"]["source"], "file");
    assert_eq!(statuses[1]["evidence"]["path"], "root.crl");
    assert_eq!(
        statuses[1]["evidence"]["produced_at"],
        serde_json::Value::Null
    );
    assert_eq!(
        rev["reason"]["problem"]["problem"]["code"],
        "ocsp_responder_not_authorized"
    );
    // The text says it in words, in both languages.
    let text = |lang: &str| {
        let out = kyso(
            &d,
            &[
                "verify",
                "--trust",
                "root.pem",
                "--content",
                "content.txt",
                "--at",
                &at,
                "--crl",
                "root.crl",
                "--ocsp",
                "bad.ocsp",
                "--revocation",
                "required",
                "--lang",
                lang,
                "good.p7s",
            ],
        );
        assert_eq!(out.status.code(), Some(3));
        golden(
            &format!("verify-ocsp-unauthorised-responder-{lang}"),
            &stable_times(&out),
        );
        stdout(&out)
    };
    let en = text("en");
    assert!(en.contains("id-kp-OCSPSigning"), "{en}");
    assert!(en.contains("OCSP responder"), "{en}");
    let vi = text("vi");
    assert!(vi.contains("máy chủ OCSP"), "{vi}");
    assert!(vi.contains("không được phép"), "{vi}");
}

#[test]
fn kyso_chain_takes_ocsp_files_too() {
    let d = tmpdir("ocsp-chain");
    let s = setup(&d);
    let resp = s.response(&d, &s.revoked, &s.responder, &["-ndays", "1"]);
    let at = at_for(&resp);
    std::fs::write(d.join("revoked.ocsp"), &resp).unwrap();
    let out = kyso(
        &d,
        &[
            "chain",
            "--trust",
            "root.pem",
            "--intermediates",
            "chain.pem",
            "--ocsp",
            "revoked.ocsp",
            "--at",
            &at,
            "--format",
            "json",
            "revoked.pem",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "certificate_revoked");
    assert_eq!(v["path"][0]["revocation"]["status"], "revoked");
    assert_eq!(v["path"][0]["revocation"]["reason"], "keyCompromise");
    let e = &v["path"][0]["revocation"]["evidence"];
    assert_eq!(e["kind"], "ocsp");
    assert_eq!(e["source"], "file");
    assert_eq!(e["path"], "revoked.ocsp");
    assert_eq!(
        e["issuer_or_responder"], "CN=Sub CA OCSP,O=Kyso Testkit,C=VN",
        "the delegated responder"
    );
}

#[test]
fn a_file_that_is_not_an_ocsp_response_is_a_clear_usage_error() {
    let d = tmpdir("ocsp-bad-file");
    let s = setup(&d);
    s.sign(&d, "good.p7s", &s.good, vec![]);
    std::fs::write(d.join("junk.ocsp"), b"<html>502 Bad Gateway</html>").unwrap();
    let out = kyso(
        &d,
        &[
            "verify",
            "--trust",
            "root.pem",
            "--content",
            "content.txt",
            "--at",
            AT,
            "--ocsp",
            "junk.ocsp",
            "good.p7s",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("junk.ocsp is not a DER OCSP response"),
        "{err}"
    );
    assert!(err.contains("-respout"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
