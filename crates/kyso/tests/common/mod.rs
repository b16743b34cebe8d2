//! Helpers shared by the integration tests: paths to the test PKI and corpora, the pinned
//! validation time, temporary directories and the system `openssl` CLI.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use kyso::{
    Certificate, CheckName, CheckResult, DocumentReport, SignatureReport, SigningKey, Timestamp,
};

/// The pinned validation time of the test PKI (testdata/README.md).
pub const PINNED: &str = "2026-06-01T00:00:00Z";
/// The same instant as a Unix time, for `openssl -attime`.
pub const PINNED_UNIX: &str = "1780272000";

pub fn at() -> Timestamp {
    Timestamp::parse_rfc3339(PINNED).expect("pinned time parses")
}

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

pub fn pki(name: &str) -> PathBuf {
    testdata().join("pki").join(name)
}

pub fn sample(name: &str) -> PathBuf {
    testdata().join("samples").join(name)
}

pub fn ext() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata-ext")
}

pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

pub fn certs(p: &Path) -> Vec<Certificate> {
    Certificate::load_all(&read(p)).unwrap_or_else(|e| panic!("load {}: {e}", p.display()))
}

pub fn cert(name: &str) -> Certificate {
    let mut v = certs(&pki(name));
    assert_eq!(v.len(), 1, "{name} holds one certificate");
    v.remove(0)
}

/// `name.pem` with `name.key` (or the given key file).
pub fn key_pair(cert_name: &str, key_name: &str) -> SigningKey {
    SigningKey::from_key_and_cert(&read(&pki(key_name)), None, cert(cert_name))
        .unwrap_or_else(|e| panic!("load {key_name} for {cert_name}: {e}"))
}

/// A fresh, unique, empty directory under the system temp dir; removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p =
            std::env::temp_dir().join(format!("kyso-it-{tag}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run `openssl` with the arguments; returns the output (never panics on failure).
pub fn openssl<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl CLI runs")
}

/// Run `openssl` and assert it succeeded.
pub fn openssl_ok<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let out = openssl(&args);
    assert!(
        out.status.success(),
        "openssl {:?} failed: {}{}",
        args,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn p(path: &Path) -> String {
    path.display().to_string()
}

/// The result of a named check in a signature report.
pub fn check(sig: &SignatureReport, name: CheckName) -> &CheckResult {
    &sig.checks
        .iter()
        .find(|c| c.check == name)
        .unwrap_or_else(|| panic!("check {name:?} missing: {sig:#?}"))
        .result
}

pub const ALL_CHECKS: [CheckName; 11] = [
    CheckName::Format,
    CheckName::SignerCertificate,
    CheckName::SigningCertificateReference,
    CheckName::SignedAttributes,
    CheckName::MessageDigest,
    CheckName::Signature,
    CheckName::AlgorithmPolicy,
    CheckName::CertificateChain,
    CheckName::SignerKeyUsage,
    CheckName::Revocation,
    CheckName::Timestamp,
];

/// Every check is listed exactly once; revocation and time-stamp are skipped, never passed.
pub fn assert_complete(report: &DocumentReport) {
    assert!(!report.signatures.is_empty(), "no signatures: {report:#?}");
    for sig in &report.signatures {
        for name in ALL_CHECKS {
            let n = sig.checks.iter().filter(|c| c.check == name).count();
            assert_eq!(n, 1, "check {name:?} listed {n} times: {sig:#?}");
        }
        assert!(
            matches!(check(sig, CheckName::Revocation), CheckResult::Skipped(_)),
            "{sig:#?}"
        );
        assert!(
            matches!(check(sig, CheckName::Timestamp), CheckResult::Skipped(_)),
            "{sig:#?}"
        );
    }
}

/// Describe a report compactly for assertion messages.
pub fn brief(r: &DocumentReport) -> String {
    let mut s = format!("{:?}/{:?} {:?}", r.indication, r.sub_indication, r.messages);
    for sig in &r.signatures {
        s.push_str(&format!(
            "\n  #{} {:?}/{:?}",
            sig.index, sig.indication, sig.sub_indication
        ));
        for c in &sig.checks {
            s.push_str(&format!("\n    {:?}: {:?}", c.check, c.result));
        }
    }
    s
}

/// Is `needle` a contiguous sub-slice of `hay`?
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Minimal DER walker for tests: (tag, header length, content length) at `pos`.
pub fn tlv_at(der: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = *der.get(pos)?;
    let first = *der.get(pos + 1)? as usize;
    if first < 0x80 {
        return Some((tag, 2, first));
    }
    let n = first & 0x7f;
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *der.get(pos + 2 + i)? as usize;
    }
    Some((tag, 2 + n, len))
}

/// The children (start, end) of the constructed DER element starting at `pos`.
pub fn children(der: &[u8], pos: usize) -> Vec<(usize, usize)> {
    let (_, h, len) = tlv_at(der, pos).expect("tlv");
    let mut out = Vec::new();
    let mut i = pos + h;
    let end = pos + h + len;
    while i < end {
        let (_, h2, l2) = tlv_at(der, i).expect("child tlv");
        out.push((i, i + h2 + l2));
        i += h2 + l2;
    }
    out
}

/// The SignerInfos (raw DER) and each one's signature value (the OCTET STRING contents) of a
/// DER ContentInfo(SignedData) with definite lengths.
pub fn signer_infos(der: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    // ContentInfo SEQUENCE { OID, [0] { SignedData SEQUENCE { ..., signerInfos SET } } }
    let ci = children(der, 0);
    let explicit = ci[1].0;
    let sd_pos = children(der, explicit)[0].0;
    let sd = children(der, sd_pos);
    let (set_start, _) = *sd.last().expect("signerInfos");
    assert_eq!(
        der[set_start], 0x31,
        "last SignedData field is the signerInfos SET"
    );
    children(der, set_start)
        .into_iter()
        .map(|(s, e)| {
            let fields = children(der, s);
            // signature OCTET STRING: the field after signatureAlgorithm; the last OCTET STRING.
            let (fs, fe) = *fields
                .iter()
                .rev()
                .find(|(fs, _)| der[*fs] == 0x04)
                .expect("signature value");
            let (_, h, _) = tlv_at(der, fs).expect("tlv");
            (der[s..e].to_vec(), der[fs + h..fe].to_vec())
        })
        .collect()
}

/// agency-default without the ESS signing-certificate(-v2) requirement: for suites whose
/// signatures come from `openssl cms -sign` or third-party corpora (no ESS attribute) and
/// test other checks (chain, usage, integrity). The ESS rule itself is tested in
/// tests/signature_policy.rs under the real default.
#[allow(dead_code)]
pub fn ess_optional() -> kyso::ValidationPolicy {
    let mut p = kyso::ValidationPolicy::agency_default();
    p.require_signing_certificate = false;
    p
}

/// agency-default allowing plain CMS (no signed attributes, no ESS): for interop with
/// `openssl cms -sign` and third-party corpora, which test parsing and cryptography. The
/// EUF-CMA confusion check still applies under it.
#[allow(dead_code)]
pub fn plain_cms() -> kyso::ValidationPolicy {
    let mut p = ess_optional();
    p.require_signed_attributes = false;
    p
}
