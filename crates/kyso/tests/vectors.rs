//! Table-driven verification vectors: every `testdata/vectors/*.toml` entry names how to build
//! the PKI and the signature with kyso-testkit (OpenSSL library only, no CLI) and the verdict
//! expected from kyso: indication, sub-indication, the first failing check and its reason code
//! (the stable parts of the report). Prints "vectors: N passed, M failed" and lists every
//! mismatch. testdata/README.md documents the format.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use kyso::{
    Certificate, CheckResult, Crl, RevocationMode, Signer, SigningKey, Timestamp, Verifier,
};
use kyso_testkit::cms::{self, CmsSpec, Digest, SignerSpec};
use kyso_testkit::{CertSpec, CrlSpec, Issued, KeyType, KeyUsage, Pki};
use serde::Deserialize;

const CONTENT: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nCông văn số 123/STP-HCTP về việc xác minh hồ sơ.\n";
const CHANGED: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nCông văn số 124/STP-HCTP về việc xác minh hồ sơ.\n";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    vector: Vec<Vector>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    name: String,
    #[allow(dead_code)]
    description: String,
    /// The intermediates below the root, top-down; the signer is issued by the last one.
    /// Absent: the shared `Kyso Testkit Sub CA` (pathlen:0).
    cas: Option<Vec<Ca>>,
    #[serde(default)]
    signer: Leaf,
    #[serde(default)]
    signature: Sig,
    crl: Option<CrlV>,
    #[serde(default)]
    verifier: Ver,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Ca {
    key: Option<String>,
    key_usage: Option<Vec<String>>,
    path_len: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Leaf {
    key: Option<String>,
    not_before: Option<String>,
    not_after: Option<String>,
    key_usage: Option<Vec<String>>,
    eku: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Sig {
    /// `kit` (kyso_testkit::cms::sign), `openssl` (OpenSSL's CMS_sign), `kyso` (kyso::Signer).
    tool: String,
    digest: Option<String>,
    signed_attrs: bool,
    attached: bool,
    /// `same`, `changed` or `none` (the detached content given to the verifier).
    content: String,
    /// `chain` (signer + intermediates), `signer` or `none`.
    embed: String,
    corrupt: bool,
    /// Co-signers (P-256, issued by the same CA), after the main signer.
    cosigners: Vec<Cosigner>,
}

impl Default for Sig {
    fn default() -> Self {
        Sig {
            tool: "kit".into(),
            digest: None,
            signed_attrs: true,
            attached: false,
            content: "same".into(),
            embed: "chain".into(),
            corrupt: false,
            cosigners: Vec::new(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Cosigner {
    #[serde(default)]
    corrupt: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CrlV {
    #[serde(default)]
    revoked: bool,
    reason: Option<String>,
    revoked_at: Option<String>,
    this_update: Option<String>,
    next_update: Option<String>,
    #[serde(default)]
    wrong_key: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Ver {
    /// `root`, `other` (an unrelated root) or `none`.
    anchor: String,
    /// Give the intermediates to the verifier.
    intermediates: bool,
    legacy_crypto: bool,
    /// A built-in validation policy by name; absent: agency-default without the ESS
    /// requirement, since the vectors are made with `openssl cms -sign` (no ESS attribute)
    /// and test other checks.
    policy: Option<String>,
    /// `auto`, `required`, `off`.
    revocation: Option<String>,
    at: Option<String>,
}

impl Default for Ver {
    fn default() -> Self {
        Ver {
            anchor: "root".into(),
            intermediates: false,
            legacy_crypto: false,
            policy: None,
            revocation: None,
            at: None,
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct Expect {
    indication: String,
    /// `none` or absent for no sub-indication.
    sub_indication: Option<String>,
    /// The first failed check of the signature (snake_case `CheckName`), if any.
    check: Option<String>,
    /// Its reason `code()`.
    code: Option<String>,
    /// Checks that must have passed.
    #[serde(default)]
    passed: Vec<String>,
    /// Checks that must have been skipped.
    #[serde(default)]
    skipped: Vec<String>,
    /// Per-signature expectations (co-signed documents), in SignerInfo order.
    signatures: Option<Vec<Expect>>,
}

fn shared() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::new)
}

fn key_type(s: &Option<String>, default: KeyType) -> KeyType {
    s.as_deref()
        .map(|k| KeyType::parse(k).unwrap_or_else(|| panic!("key type {k}")))
        .unwrap_or(default)
}

fn usages(v: &[String]) -> Vec<KeyUsage> {
    v.iter()
        .map(|k| KeyUsage::parse(k).unwrap_or_else(|| panic!("key usage {k}")))
        .collect()
}

fn kyso_cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("kyso reads the testkit certificate")
}

fn check_name(c: kyso::CheckName) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

struct Outcome {
    indication: String,
    sub_indication: String,
    sigs: Vec<SigOutcome>,
}

struct SigOutcome {
    indication: String,
    sub_indication: String,
    first_failed: Option<(String, String)>,
    passed: BTreeSet<String>,
    skipped: BTreeSet<String>,
    listed: Vec<String>,
}

fn run(v: &Vector) -> Outcome {
    let pki = shared();
    let cas: Vec<Issued> = match &v.cas {
        None => vec![pki.sub.clone()],
        Some(list) => {
            let mut out: Vec<Issued> = Vec::new();
            for (i, ca) in list.iter().enumerate() {
                let mut spec = CertSpec::ca(&format!("Kyso Vector CA {} {}", v.name, i + 1))
                    .key_type(key_type(&ca.key, KeyType::P256));
                if let Some(n) = ca.path_len {
                    spec = spec.path_len(n);
                }
                if let Some(ku) = &ca.key_usage {
                    spec = spec.key_usage(&usages(ku));
                }
                let issuer = out.last().unwrap_or(&pki.root).clone();
                out.push(pki.issue(&issuer, spec));
            }
            out
        }
    };
    let issuer = cas.last().expect("a CA").clone();
    let mut spec = CertSpec::ee("Nguyễn Văn An")
        .vietnamese(
            "Hà Nội",
            "Sở Tư pháp Hà Nội",
            "Nguyễn Văn An",
            "CCCD:001085012345",
        )
        .key_type(key_type(&v.signer.key, KeyType::RSA2048));
    if let (Some(a), Some(b)) = (&v.signer.not_before, &v.signer.not_after) {
        spec = spec.validity(a, b);
    }
    if let Some(ku) = &v.signer.key_usage {
        spec = spec.key_usage(&usages(ku));
    }
    if let Some(eku) = &v.signer.eku {
        let e: Vec<&str> = eku.iter().map(String::as_str).collect();
        spec = spec.eku(&e);
    }
    let leaf = pki.issue(&issuer, spec);

    let s = &v.signature;
    let embedded: Vec<Issued> = match s.embed.as_str() {
        "chain" => std::iter::once(leaf.clone())
            .chain(cas.iter().cloned())
            .collect(),
        "signer" => vec![leaf.clone()],
        "none" => Vec::new(),
        other => panic!("embed {other}"),
    };
    let content = CONTENT.as_bytes();
    let sig = match s.tool.as_str() {
        "kit" => {
            let mut main = SignerSpec::new(&leaf).signed_attrs(s.signed_attrs);
            if let Some(d) = &s.digest {
                main = main.digest(Digest::parse(d).unwrap_or_else(|| panic!("digest {d}")));
            }
            if s.corrupt {
                main = main.corrupt();
            }
            let mut signers = vec![main];
            let mut certs = embedded.clone();
            for (i, c) in s.cosigners.iter().enumerate() {
                let co = pki.issue(
                    &issuer,
                    CertSpec::ee(&format!("Đồng ký {}", i + 1)).key_type(KeyType::P256),
                );
                certs.push(co.clone());
                let mut sp = SignerSpec::new(&co);
                if c.corrupt {
                    sp = sp.corrupt();
                }
                signers.push(sp);
            }
            cms::sign(
                content,
                &CmsSpec {
                    signers,
                    certs,
                    attached: s.attached,
                    crls: Vec::new(),
                },
            )
        }
        "openssl" => {
            let extra: Vec<Issued> = embedded.iter().skip(1).cloned().collect();
            cms::openssl_sign(content, &leaf, &extra, s.attached, !s.signed_attrs)
        }
        "kyso" => {
            let key = SigningKey::from_key_and_cert(&leaf.key_pem(), None, kyso_cert(&leaf))
                .expect("kyso loads the key")
                .with_chain(cas.iter().map(kyso_cert));
            let at = Timestamp::parse_rfc3339(kyso_testkit::PINNED).expect("time");
            Signer::new(key)
                .signing_time(at)
                .attached(s.attached)
                .build()
                .expect("kyso signer builds")
                .sign_bytes(content)
                .expect("kyso signs")
        }
        other => panic!("tool {other}"),
    };

    let anchors: Vec<Certificate> = match v.verifier.anchor.as_str() {
        "root" => vec![kyso_cert(&pki.root)],
        "other" => {
            static OTHER: OnceLock<Issued> = OnceLock::new();
            let o = OTHER.get_or_init(|| {
                shared()
                    .self_signed(CertSpec::ca("Tổ chức Không liên quan").key_type(KeyType::P256))
            });
            vec![kyso_cert(o)]
        }
        "none" => Vec::new(),
        other => panic!("anchor {other}"),
    };
    let policy = match &v.verifier.policy {
        Some(name) => kyso::ValidationPolicy::builtin(name).expect("a built-in policy"),
        None => {
            let mut p = kyso::ValidationPolicy::agency_default();
            p.require_signing_certificate = false;
            p
        }
    };
    let mut verifier = Verifier::new()
        .with_policy(policy)
        .with_trust_anchors(anchors);
    if v.verifier.intermediates {
        verifier = verifier.with_intermediates(cas.iter().map(kyso_cert));
    }
    if let Some(c) = &v.crl {
        let mut cs = CrlSpec::default();
        if let Some(t) = &c.this_update {
            cs = cs.updates(t, c.next_update.as_deref());
        }
        if c.revoked {
            let reason = c
                .reason
                .as_deref()
                .map(|r| kyso_testkit::crl_reason(r).unwrap_or_else(|| panic!("reason {r}")));
            cs = cs.revoke(
                &leaf,
                c.revoked_at.as_deref().unwrap_or("2026-05-15T00:00:00Z"),
                reason,
            );
        }
        let der = if c.wrong_key {
            kyso_testkit::pki::crl(&issuer, &KeyType::P256.generate(), &cs)
        } else {
            pki.crl(&issuer, &cs)
        };
        verifier = verifier.with_crls([Crl::from_der(&der).expect("kyso reads the CRL")]);
    }
    if let Some(m) = &v.verifier.revocation {
        verifier = verifier.with_revocation_mode(match m.as_str() {
            "auto" => RevocationMode::Auto,
            "required" => RevocationMode::Required,
            "off" => RevocationMode::Off,
            other => panic!("revocation {other}"),
        });
    }
    if v.verifier.legacy_crypto {
        verifier.dangerous().allow_legacy_crypto();
    }
    let at = Timestamp::parse_rfc3339(v.verifier.at.as_deref().unwrap_or(kyso_testkit::PINNED))
        .expect("time");
    let detached = match s.content.as_str() {
        _ if s.attached => None,
        "same" => Some(CONTENT.as_bytes()),
        "changed" => Some(CHANGED.as_bytes()),
        "none" => None,
        other => panic!("content {other}"),
    };
    let r = verifier.verify_bytes(&sig, detached, at);
    let sub = |s: Option<kyso::SubIndication>| s.map_or("none".to_string(), |s| s.as_str());
    Outcome {
        indication: r.indication.as_str().to_string(),
        sub_indication: sub(r.sub_indication),
        sigs: r
            .signatures
            .iter()
            .map(|sig| SigOutcome {
                indication: sig.indication.as_str().to_string(),
                sub_indication: sub(sig.sub_indication),
                first_failed: sig.checks.iter().find_map(|c| match &c.result {
                    CheckResult::Failed(reason) => {
                        Some((check_name(c.check), reason.code().to_string()))
                    }
                    _ => None,
                }),
                passed: sig
                    .checks
                    .iter()
                    .filter(|c| c.result == CheckResult::Passed)
                    .map(|c| check_name(c.check))
                    .collect(),
                skipped: sig
                    .checks
                    .iter()
                    .filter(|c| matches!(c.result, CheckResult::Skipped(_)))
                    .map(|c| check_name(c.check))
                    .collect(),
                listed: sig.checks.iter().map(|c| check_name(c.check)).collect(),
            })
            .collect(),
    }
}

/// Compare one signature (or the document when `sig` is for signature 0 and `doc` is set).
fn compare(e: &Expect, ind: &str, sub_ind: &str, sig: Option<&SigOutcome>, out: &mut Vec<String>) {
    if e.indication != ind {
        out.push(format!("indication {ind}, expected {}", e.indication));
    }
    let want = e.sub_indication.as_deref().unwrap_or("none");
    if want != sub_ind {
        out.push(format!("sub_indication {sub_ind}, expected {want}"));
    }
    let Some(sig) = sig else {
        if e.check.is_some() || !e.passed.is_empty() {
            out.push("no signature in the report".into());
        }
        return;
    };
    let got = sig.first_failed.clone();
    match (&e.check, &e.code) {
        (Some(c), code) => match &got {
            Some((gc, gcode)) if gc == c && code.as_ref().is_none_or(|x| x == gcode) => {}
            other => out.push(format!(
                "first failed check {other:?}, expected ({c}, {})",
                code.as_deref().unwrap_or("any code")
            )),
        },
        (None, _) if e.indication == "TOTAL-PASSED" => {
            if let Some(g) = got {
                out.push(format!("failed check {g:?}, expected none"));
            }
        }
        _ => {}
    }
    for p in &e.passed {
        if !sig.passed.contains(p) {
            out.push(format!("check {p} did not pass"));
        }
    }
    for p in &e.skipped {
        if !sig.skipped.contains(p) {
            out.push(format!("check {p} was not skipped"));
        }
    }
    let unique: BTreeSet<_> = sig.listed.iter().collect();
    if unique.len() != sig.listed.len() || sig.listed.len() != 11 {
        out.push(format!("checks not listed exactly once: {:?}", sig.listed));
    }
}

#[test]
fn vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/vectors")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let only = std::env::var("KYSO_VECTOR").ok();
    let (mut passed, mut failures) = (0usize, Vec::new());
    let mut names = BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read vector file");
        let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for v in &file.vector {
            assert!(
                names.insert(v.name.clone()),
                "duplicate vector name {}",
                v.name
            );
            if only.as_ref().is_some_and(|o| o != &v.name) {
                continue;
            }
            let o = run(v);
            let mut problems = Vec::new();
            compare(
                &v.expect,
                &o.indication,
                &o.sub_indication,
                o.sigs.first(),
                &mut problems,
            );
            if let Some(per) = &v.expect.signatures {
                if per.len() != o.sigs.len() {
                    problems.push(format!(
                        "{} signatures, expected {}",
                        o.sigs.len(),
                        per.len()
                    ));
                }
                for (i, (e, s)) in per.iter().zip(&o.sigs).enumerate() {
                    let mut p = Vec::new();
                    compare(e, &s.indication, &s.sub_indication, Some(s), &mut p);
                    problems.extend(p.into_iter().map(|m| format!("signature #{i}: {m}")));
                }
            }
            if problems.is_empty() {
                passed += 1;
            } else {
                let file = f
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string();
                failures.push(format!("{file} {}: {}", v.name, problems.join("; ")));
            }
        }
    }
    println!("vectors: {passed} passed, {} failed", failures.len());
    for m in &failures {
        println!("  MISMATCH {m}");
    }
    assert!(
        failures.is_empty(),
        "{} vector(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if only.is_none() {
        assert!(passed >= 25, "only {passed} vectors");
    }
}
