//! Interoperability with the OpenSSL 3 CLI in both directions: `openssl cms -verify` accepts
//! what kyso signs (and co-signs), and kyso verifies what `openssl cms -sign` makes.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use kyso::{
    Certificate, CheckName, CheckResult, Error, Indication, Signer, SigningKey, SubIndication,
    Verifier,
};

const CONTENT: &str = "cong-van.txt";

fn trust() -> Vec<Certificate> {
    certs(&pki("trust.pem"))
}

fn verifier() -> Verifier {
    Verifier::new()
        .with_policy(common::plain_cms())
        .with_trust_anchors(trust())
}

fn rsa_key() -> SigningKey {
    key_pair("signer-rsa.pem", "signer-rsa.key").with_chain(certs(&pki("chain-rsa.pem")))
}

fn ec_key() -> SigningKey {
    key_pair("signer-ec.pem", "signer-ec.key").with_chain(certs(&pki("chain-ec.pem")))
}

fn ed25519_key() -> SigningKey {
    key_pair("signer-ed25519.pem", "signer-ed25519.key").with_chain(certs(&pki("chain-ec.pem")))
}

fn p12_key() -> SigningKey {
    SigningKey::from_pkcs12(&read(&pki("signer-rsa.p12")), b"kyso-test")
        .expect("open signer-rsa.p12")
}

fn org_key() -> SigningKey {
    key_pair("org-rsa.pem", "org-rsa.key").with_chain(certs(&pki("chain-rsa.pem")))
}

/// Sign `content` with kyso into `out` (a file).
fn kyso_sign(key: SigningKey, pss: bool, attached: bool, content: &Path, out: &Path) {
    let signer = Signer::new(key)
        .pss(pss)
        .attached(attached)
        .signing_time(at())
        .build()
        .expect("build signer");
    let mut f = std::fs::File::create(out).expect("create output");
    signer.sign_file(content, &mut f).expect("sign_file");
}

/// `openssl cms -verify` at the pinned time; `content` for detached signatures.
fn openssl_verify(sig: &Path, content: Option<&Path>) -> std::process::Output {
    let mut args: Vec<String> = vec!["cms", "-verify", "-binary", "-inform", "DER", "-in"]
        .into_iter()
        .map(String::from)
        .collect();
    args.push(p(sig));
    if let Some(c) = content {
        args.push("-content".into());
        args.push(p(c));
    }
    for a in [
        "-CAfile",
        &p(&pki("trust.pem")),
        "-purpose",
        "any",
        "-attime",
        PINNED_UNIX,
        "-out",
        "/dev/null",
    ] {
        args.push(a.to_string());
    }
    openssl(&args)
}

fn assert_openssl_accepts(sig: &Path, content: Option<&Path>) {
    let out = openssl_verify(sig, content);
    assert!(
        out.status.success(),
        "openssl cms -verify rejected {}: {}",
        sig.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn kyso_then_openssl(tag: &str, key: SigningKey, pss: bool, attached: bool) {
    let dir = TempDir::new(tag);
    let content = sample(CONTENT);
    let sig = dir.join(if attached { "sig.p7m" } else { "sig.p7s" });
    kyso_sign(key, pss, attached, &content, &sig);
    assert_openssl_accepts(&sig, if attached { None } else { Some(&content) });
    // And kyso agrees with itself.
    let report = verifier()
        .verify_file(&sig, if attached { None } else { Some(&content) }, at())
        .expect("verify_file");
    assert_eq!(
        report.indication,
        Indication::TotalPassed,
        "{}",
        brief(&report)
    );
    assert_complete(&report);
    // openssl must also notice a different document (the check is not vacuous).
    if !attached {
        let other = sample("to-trinh.txt");
        assert!(
            !openssl_verify(&sig, Some(&other)).status.success(),
            "openssl accepted the wrong content"
        );
    }
}

#[test]
fn openssl_verifies_kyso_rsa_pkcs1_detached() {
    kyso_then_openssl("rsa-det", rsa_key(), false, false);
}

#[test]
fn openssl_verifies_kyso_rsa_pkcs1_attached() {
    kyso_then_openssl("rsa-att", rsa_key(), false, true);
}

#[test]
fn openssl_verifies_kyso_rsa_pss_detached() {
    kyso_then_openssl("pss-det", rsa_key(), true, false);
}

#[test]
fn openssl_verifies_kyso_rsa_pss_attached() {
    kyso_then_openssl("pss-att", rsa_key(), true, true);
}

#[test]
fn openssl_verifies_kyso_ec_detached() {
    kyso_then_openssl("ec-det", ec_key(), false, false);
}

#[test]
fn openssl_verifies_kyso_ec_attached() {
    kyso_then_openssl("ec-att", ec_key(), false, true);
}

/// OpenSSL 3.0's `cms -verify` cannot verify any Ed25519 SignedData with signed attributes
/// (it asks the EdDSA provider for a SHA-512 pre-hash: "eddsa_digest_signverify_init:invalid
/// digest"); it fails the same way on the RFC 9216 reference example signedByCarlosEd25519.p7m.
/// So the Ed25519 signatures are checked piecewise with OpenSSL instead: `pkeyutl -verify
/// -rawin` on the DER signed attributes (RFC 8419 §3: Ed25519 signs the SET OF encoding,
/// RFC 5652 §5.4) and `dgst -sha512` for the message-digest attribute.
fn ed25519_piecewise_openssl_check(attached: bool) {
    let dir = TempDir::new(if attached { "ed-att" } else { "ed-det" });
    let content = sample(CONTENT);
    let sig = dir.join("sig.p7");
    kyso_sign(ed25519_key(), false, attached, &content, &sig);
    let der = read(&sig);
    // Parses for openssl.
    openssl_ok([
        "cms",
        "-cmsout",
        "-inform",
        "DER",
        "-in",
        &p(&sig),
        "-noout",
    ]);
    let (si, value) = signer_infos(&der).remove(0);
    assert_eq!(value.len(), 64, "Ed25519 signature");
    let signed_attrs = children(&si, 0)
        .into_iter()
        .find(|(s, _)| si[*s] == 0xA0)
        .map(|(s, e)| si[s..e].to_vec())
        .expect("signed attributes");
    let mut as_set = signed_attrs.clone();
    as_set[0] = 0x31;
    std::fs::write(dir.join("attrs.der"), &as_set).unwrap();
    std::fs::write(dir.join("sig.bin"), &value).unwrap();
    let pubkey = openssl_ok([
        "x509",
        "-in",
        &p(&pki("signer-ed25519.pem")),
        "-pubkey",
        "-noout",
    ])
    .stdout;
    std::fs::write(dir.join("pub.pem"), pubkey).unwrap();
    let verify = |attrs: &str| {
        openssl([
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            &p(&dir.join("pub.pem")),
            "-rawin",
            "-in",
            &p(&dir.join(attrs)),
            "-sigfile",
            &p(&dir.join("sig.bin")),
        ])
    };
    let out = verify("attrs.der");
    assert!(
        out.status.success(),
        "openssl pkeyutl rejects the Ed25519 signature: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Negative control: the [0] IMPLICIT encoding is not what is signed.
    std::fs::write(dir.join("attrs-a0.der"), &signed_attrs).unwrap();
    assert!(!verify("attrs-a0.der").status.success());
    // message-digest = SHA-512 of the content (RFC 8419 §3).
    let md = openssl_ok(["dgst", "-sha512", "-binary", &p(&content)]).stdout;
    assert_eq!(md.len(), 64);
    let mut want = vec![0x04, 0x40];
    want.extend_from_slice(&md);
    assert!(
        contains(&signed_attrs, &want),
        "message-digest attribute is SHA-512 of the content"
    );
    let report = verifier()
        .verify_file(&sig, if attached { None } else { Some(&content) }, at())
        .unwrap();
    assert_eq!(
        report.indication,
        Indication::TotalPassed,
        "{}",
        brief(&report)
    );
    assert_complete(&report);
}

#[test]
fn openssl_checks_kyso_ed25519_detached() {
    ed25519_piecewise_openssl_check(false);
}

#[test]
fn openssl_checks_kyso_ed25519_attached() {
    ed25519_piecewise_openssl_check(true);
}

#[test]
fn openssl_verifies_kyso_pkcs12_detached_and_attached() {
    let key = p12_key();
    assert_eq!(key.certificate(), &cert("signer-rsa.pem"));
    assert!(
        key.chain().contains(&cert("sub-rsa.pem")),
        "the p12 chain holds sub-rsa"
    );
    kyso_then_openssl("p12-det", key, false, false);
    kyso_then_openssl("p12-att", p12_key(), false, true);
    kyso_then_openssl("p12-pss", p12_key(), true, false);
}

#[test]
fn openssl_verifies_kyso_sign_bytes() {
    let dir = TempDir::new("bytes");
    let content = read(&sample(CONTENT));
    for attached in [false, true] {
        let signer = Signer::new(rsa_key())
            .attached(attached)
            .signing_time(at())
            .build()
            .unwrap();
        let der = signer.sign_bytes(&content).unwrap();
        let sig = dir.join("sig.der");
        std::fs::write(&sig, &der).unwrap();
        let c = dir.join("content");
        std::fs::write(&c, &content).unwrap();
        assert_openssl_accepts(&sig, if attached { None } else { Some(&c) });
    }
}

// ---------------------------------------------------------------------------------------------
// Co-signing.

fn first_signer_bytes(file: &Path) -> (Vec<u8>, Vec<u8>) {
    let der = read(file);
    let mut sis = signer_infos(&der);
    assert_eq!(sis.len(), 1);
    sis.remove(0)
}

fn cosign_and_check(attached: bool) {
    let dir = TempDir::new(if attached { "cosign-att" } else { "cosign-det" });
    let content = sample(CONTENT);
    let first = dir.join("first.p7");
    kyso_sign(rsa_key(), false, attached, &content, &first);
    let (old_si, old_sig) = first_signer_bytes(&first);

    let second = dir.join("second.p7");
    let signer = Signer::new(org_key())
        .attached(attached)
        .signing_time(at())
        .build()
        .unwrap();
    let mut out = std::fs::File::create(&second).unwrap();
    signer
        .add_to_file(
            &first,
            if attached { None } else { Some(&content) },
            &mut out,
        )
        .expect("add_to_file");
    drop(out);

    let content_arg = if attached {
        None
    } else {
        Some(content.as_path())
    };
    assert_openssl_accepts(&second, content_arg);

    let report = verifier().verify_file(&second, content_arg, at()).unwrap();
    assert_eq!(report.signatures.len(), 2, "{}", brief(&report));
    for s in &report.signatures {
        assert_eq!(s.indication, Indication::TotalPassed, "{}", brief(&report));
    }
    assert_eq!(report.indication, Indication::TotalPassed);
    assert_complete(&report);
    let mut fps: Vec<String> = report
        .signatures
        .iter()
        .map(|s| s.signer.as_ref().unwrap().sha256_fingerprint.clone())
        .collect();
    fps.sort();
    let mut want = vec![
        cert("signer-rsa.pem").sha256_fingerprint(),
        cert("org-rsa.pem").sha256_fingerprint(),
    ];
    want.sort();
    assert_eq!(fps, want, "both signers are reported");

    let new = read(&second);
    assert!(
        contains(&new, &old_sig),
        "the first signature value is unchanged in the co-signed file"
    );
    assert!(
        contains(&new, &old_si),
        "the first SignerInfo is copied byte for byte"
    );
    // signerInfos is a DER SET OF (X.690 §11.6), so the order follows the encodings; the old
    // SignerInfo must be one of the two elements, unchanged.
    let sis = signer_infos(&new);
    assert_eq!(sis.len(), 2);
    assert!(
        sis.iter().any(|(si, _)| *si == old_si),
        "the first SignerInfo is an element of the new set"
    );
    if attached {
        // The embedded content is still there, once.
        let c = read(&content);
        assert!(contains(&new, &c));
    }
}

#[test]
fn cosign_detached_openssl_and_kyso_accept() {
    cosign_and_check(false);
}

#[test]
fn cosign_attached_openssl_and_kyso_accept() {
    cosign_and_check(true);
}

#[test]
fn cosign_with_different_content_is_refused() {
    let dir = TempDir::new("cosign-wrong");
    let content = sample(CONTENT);
    let first = dir.join("first.p7s");
    kyso_sign(rsa_key(), false, false, &content, &first);
    let signer = Signer::new(org_key()).signing_time(at()).build().unwrap();
    let mut out = Vec::new();
    let err = signer
        .add_to_file(&first, Some(&sample("to-trinh.txt")), &mut out)
        .unwrap_err();
    assert!(matches!(err, Error::SigningRefused(_)), "{err:?}");
    // With a different digest the check must hold too (the existing signer used SHA-256).
    let signer = Signer::new(org_key())
        .digest(kyso::DigestAlgorithm::Sha384)
        .signing_time(at())
        .build()
        .unwrap();
    let err = signer
        .add_to_file(&first, Some(&sample("to-trinh.txt")), &mut Vec::new())
        .unwrap_err();
    assert!(matches!(err, Error::SigningRefused(_)), "{err:?}");
    // And without content at all for a detached envelope, nothing is written silently.
    assert!(signer.add_to_file(&first, None, &mut Vec::new()).is_err());
}

#[test]
fn cosign_sha384_over_sha256_openssl_accepts() {
    let dir = TempDir::new("cosign-384");
    let content = sample(CONTENT);
    let first = dir.join("first.p7s");
    kyso_sign(rsa_key(), false, false, &content, &first);
    let second = dir.join("second.p7s");
    let signer = Signer::new(ec_key())
        .digest(kyso::DigestAlgorithm::Sha384)
        .signing_time(at())
        .build()
        .unwrap();
    let mut out = std::fs::File::create(&second).unwrap();
    signer
        .add_to_file(&first, Some(&content), &mut out)
        .unwrap();
    drop(out);
    assert_openssl_accepts(&second, Some(&content));
    let report = verifier()
        .verify_file(&second, Some(&content), at())
        .unwrap();
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(
        report.indication,
        Indication::TotalPassed,
        "{}",
        brief(&report)
    );
}

// ---------------------------------------------------------------------------------------------
// OpenSSL signs, kyso verifies.

struct OsslSig {
    _dir: TempDir,
    sig: PathBuf,
    content: PathBuf,
    detached: bool,
}

fn openssl_sign(
    tag: &str,
    signer: &str,
    key: &str,
    chain: &str,
    extra: &[&str],
    detached: bool,
) -> OsslSig {
    let dir = TempDir::new(tag);
    let content = dir.join("content.txt");
    std::fs::copy(sample(CONTENT), &content).unwrap();
    let sig = dir.join("sig");
    let mut args: Vec<String> = ["cms", "-sign", "-binary", "-in"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(p(&content));
    for a in [
        "-signer",
        &p(&pki(signer)),
        "-inkey",
        &p(&pki(key)),
        "-certfile",
        &p(&pki(chain)),
        "-out",
        &p(&sig),
    ] {
        args.push(a.into());
    }
    if !extra.contains(&"-outform") {
        args.push("-outform".into());
        args.push("DER".into());
    }
    if !detached {
        args.push("-nodetach".into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    openssl_ok(&args);
    OsslSig {
        _dir: dir,
        sig,
        content,
        detached,
    }
}

fn kyso_verify(s: &OsslSig, content: Option<&Path>) -> kyso::DocumentReport {
    let content = if s.detached {
        Some(content.unwrap_or(&s.content))
    } else {
        None
    };
    verifier()
        .verify_file(&s.sig, content, at())
        .expect("verify_file")
}

fn assert_passes(s: &OsslSig) {
    let r = kyso_verify(s, None);
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
    assert_complete(&r);
    // Also in memory.
    let content = read(&s.content);
    let r = verifier().verify_bytes(
        &read(&s.sig),
        s.detached.then_some(content.as_slice()),
        at(),
    );
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
}

#[test]
fn kyso_verifies_openssl_rsa_detached() {
    assert_passes(&openssl_sign(
        "o-rsa-det",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &[],
        true,
    ));
}

#[test]
fn kyso_verifies_openssl_rsa_attached() {
    assert_passes(&openssl_sign(
        "o-rsa-att",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &[],
        false,
    ));
}

#[test]
fn kyso_verifies_openssl_rsa_pss() {
    let args = ["-keyopt", "rsa_padding_mode:pss"];
    assert_passes(&openssl_sign(
        "o-pss-det",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &args,
        true,
    ));
    assert_passes(&openssl_sign(
        "o-pss-att",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &args,
        false,
    ));
}

#[test]
fn kyso_verifies_openssl_ec() {
    assert_passes(&openssl_sign(
        "o-ec-det",
        "signer-ec.pem",
        "signer-ec.key",
        "sub-ec.pem",
        &[],
        true,
    ));
    assert_passes(&openssl_sign(
        "o-ec-att",
        "signer-ec.pem",
        "signer-ec.key",
        "sub-ec.pem",
        &[],
        false,
    ));
}

#[test]
fn kyso_verifies_openssl_ed25519_when_openssl_can_sign() {
    // OpenSSL 3.0 cannot make Ed25519 SignedData ("CMS_add1_signer:no default digest"; CMS
    // EdDSA came with OpenSSL 3.2). When the installed openssl can, kyso must verify it; the
    // RFC 9216 Ed25519 examples (tests/corpora.rs) cover third-party Ed25519 signatures.
    let dir = TempDir::new("o-ed");
    let sig = dir.join("sig");
    let out = openssl([
        "cms",
        "-sign",
        "-binary",
        "-in",
        &p(&sample(CONTENT)),
        "-signer",
        &p(&pki("signer-ed25519.pem")),
        "-inkey",
        &p(&pki("signer-ed25519.key")),
        "-certfile",
        &p(&pki("sub-ec.pem")),
        "-outform",
        "DER",
        "-out",
        &p(&sig),
    ]);
    if !out.status.success() {
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no default digest"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let r = verifier()
        .verify_file(&sig, Some(&sample(CONTENT)), at())
        .unwrap();
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
}

#[test]
fn kyso_verifies_openssl_nosmimecap() {
    assert_passes(&openssl_sign(
        "o-nocap",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-nosmimecap"],
        true,
    ));
}

#[test]
fn kyso_verifies_openssl_noattr() {
    // No signed attributes at all: the signature covers the content digest directly.
    let s = openssl_sign(
        "o-noattr",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-noattr"],
        true,
    );
    // Under the default policy (agency-default) plain CMS is not TOTAL-PASSED: the policy
    // requires signed attributes and the ESS binding (EN 319 102-1 §5.2.8), level CMS.
    let r = Verifier::new()
        .with_trust_anchors(trust())
        .verify_file(&s.sig, Some(&s.content), at())
        .unwrap();
    assert_eq!(r.indication, Indication::Indeterminate, "{}", brief(&r));
    assert_eq!(
        r.sub_indication,
        Some(kyso::SubIndication::SigConstraintsFailure)
    );
    assert_eq!(r.signatures[0].level, kyso::SignatureLevel::Cms);
    let failed: Vec<_> = r.signatures[0]
        .failures()
        .map(|(c, x)| (c, x.code()))
        .collect();
    assert!(
        failed.contains(&(kyso::CheckName::SignedAttributes, "policy_not_met")),
        "{failed:?}"
    );
    // Under a policy that allows plain CMS (and under legacy-archive) it passes.
    assert_passes(&s);
    let r = Verifier::new()
        .with_policy(kyso::ValidationPolicy::legacy_archive())
        .with_trust_anchors(trust())
        .verify_file(&s.sig, Some(&s.content), at())
        .unwrap();
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
    let s = openssl_sign(
        "o-noattr-ec",
        "signer-ec.pem",
        "signer-ec.key",
        "sub-ec.pem",
        &["-noattr"],
        false,
    );
    assert_passes(&s);
}

#[test]
fn kyso_verifies_openssl_stream_ber_indefinite() {
    let s = openssl_sign(
        "o-stream",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-stream"],
        false,
    );
    let der = read(&s.sig);
    // Indefinite length at the outer ContentInfo: 0x30 0x80.
    assert_eq!(
        &der[..2],
        &[0x30, 0x80],
        "openssl -stream writes BER indefinite lengths"
    );
    assert_passes(&s);
}

#[test]
fn kyso_verifies_openssl_pem() {
    let s = openssl_sign(
        "o-pem",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-outform", "PEM"],
        true,
    );
    assert!(
        read(&s.sig).starts_with(b"-----BEGIN CMS-----"),
        "PEM output"
    );
    assert_passes(&s);
    let s = openssl_sign(
        "o-pem-att",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-outform", "PEM"],
        false,
    );
    assert_passes(&s);
}

#[test]
fn kyso_verifies_openssl_sha384_sha512() {
    for md in ["sha384", "sha512"] {
        let s = openssl_sign(
            "o-md",
            "signer-ec.pem",
            "signer-ec.key",
            "sub-ec.pem",
            &["-md", md],
            true,
        );
        assert_passes(&s);
    }
}

#[test]
fn tampered_content_is_hash_failure() {
    for (tag, detached) in [("tamper-det", true), ("tamper-att", false)] {
        let s = openssl_sign(
            tag,
            "signer-rsa.pem",
            "signer-rsa.key",
            "sub-rsa.pem",
            &[],
            detached,
        );
        let original = read(&s.content);
        let r = if detached {
            let mut c = original.clone();
            c[10] ^= 0x01;
            std::fs::write(&s.content, &c).unwrap();
            kyso_verify(&s, None)
        } else {
            // Flip a byte of the embedded content inside the signature file.
            let mut der = read(&s.sig);
            let at_ = der
                .windows(original.len())
                .position(|w| w == original.as_slice())
                .expect("content embedded");
            der[at_ + 10] ^= 0x01;
            verifier().verify_bytes(&der, None, at())
        };
        assert_eq!(r.indication, Indication::TotalFailed, "{}", brief(&r));
        assert_eq!(
            r.sub_indication,
            Some(SubIndication::HashFailure),
            "{}",
            brief(&r)
        );
        assert!(matches!(
            check(&r.signatures[0], CheckName::MessageDigest),
            CheckResult::Failed(_)
        ));
    }
}

#[test]
fn tampered_signature_value_is_sig_crypto_failure() {
    for (tag, signer, key, chain, extra) in [
        (
            "badsig-rsa",
            "signer-rsa.pem",
            "signer-rsa.key",
            "sub-rsa.pem",
            &[][..],
        ),
        (
            "badsig-pss",
            "signer-rsa.pem",
            "signer-rsa.key",
            "sub-rsa.pem",
            &["-keyopt", "rsa_padding_mode:pss"][..],
        ),
        (
            "badsig-ec",
            "signer-ec.pem",
            "signer-ec.key",
            "sub-ec.pem",
            &[][..],
        ),
    ] {
        let s = openssl_sign(tag, signer, key, chain, extra, false);
        let mut der = read(&s.sig);
        let (_, sig_value) = signer_infos(&der).remove(0);
        let pos = der
            .windows(sig_value.len())
            .rposition(|w| w == sig_value.as_slice())
            .expect("signature value");
        der[pos + sig_value.len() / 2] ^= 0x40;
        let r = verifier().verify_bytes(&der, None, at());
        assert_eq!(
            r.indication,
            Indication::TotalFailed,
            "{tag}: {}",
            brief(&r)
        );
        assert_eq!(
            r.sub_indication,
            Some(SubIndication::SigCryptoFailure),
            "{tag}: {}",
            brief(&r)
        );
        assert!(matches!(
            check(&r.signatures[0], CheckName::Signature),
            CheckResult::Failed(_)
        ));
        assert_eq!(
            check(&r.signatures[0], CheckName::MessageDigest),
            &CheckResult::Passed
        );
    }
    // Flipping the very last byte of a DER file made by openssl (the end of the signature
    // value): it still parses, so the verdict is about the signature, not the format.
    let s = openssl_sign(
        "badsig-last",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &[],
        true,
    );
    let mut der = read(&s.sig);
    let n = der.len();
    der[n - 1] ^= 0x01;
    let r = verifier().verify_bytes(&der, Some(&read(&s.content)), at());
    assert_eq!(r.indication, Indication::TotalFailed, "{}", brief(&r));
    assert_ne!(
        r.sub_indication,
        Some(SubIndication::FormatFailure),
        "{}",
        brief(&r)
    );
    assert_eq!(
        r.sub_indication,
        Some(SubIndication::SigCryptoFailure),
        "{}",
        brief(&r)
    );
}

#[test]
fn kyso_signature_with_wrong_trust_is_not_passed_by_openssl_either() {
    // Sanity check of the harness: openssl rejects a kyso signature when the trust store does not
    // hold the root, so the positive results above are meaningful.
    let dir = TempDir::new("neg");
    let content = sample(CONTENT);
    let sig = dir.join("sig.p7s");
    kyso_sign(rsa_key(), false, false, &content, &sig);
    let out = openssl([
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        &p(&sig),
        "-content",
        &p(&content),
        "-CAfile",
        &p(&pki("other-root.pem")),
        "-purpose",
        "any",
        "-attime",
        PINNED_UNIX,
        "-out",
        "/dev/null",
    ]);
    assert!(!out.status.success());
}

// ---------------------------------------------------------------------------------------------
// Mixed: kyso co-signs what OpenSSL made, including BER and PEM envelopes.

#[test]
fn kyso_cosigns_openssl_envelopes() {
    for (tag, extra, detached) in [
        ("mix-det", &[][..], true),
        ("mix-stream", &["-stream"][..], false),
        ("mix-pem", &["-outform", "PEM"][..], false),
        ("mix-ec", &[][..], true),
    ] {
        let s = if tag == "mix-ec" {
            openssl_sign(
                tag,
                "signer-ec.pem",
                "signer-ec.key",
                "sub-ec.pem",
                extra,
                detached,
            )
        } else {
            openssl_sign(
                tag,
                "signer-rsa.pem",
                "signer-rsa.key",
                "sub-rsa.pem",
                extra,
                detached,
            )
        };
        let out = s.sig.with_extension("cosigned");
        let signer = Signer::new(org_key()).signing_time(at()).build().unwrap();
        let mut f = std::fs::File::create(&out).unwrap();
        signer
            .add_to_file(&s.sig, detached.then_some(s.content.as_path()), &mut f)
            .unwrap_or_else(|e| panic!("{tag}: add_to_file: {e}"));
        drop(f);
        // The output is DER: openssl reads it with -inform DER.
        assert_openssl_accepts(&out, detached.then_some(s.content.as_path()));
        let r = verifier()
            .verify_file(&out, detached.then_some(s.content.as_path()), at())
            .unwrap();
        assert_eq!(r.signatures.len(), 2, "{tag}");
        assert_eq!(
            r.indication,
            Indication::TotalPassed,
            "{tag}: {}",
            brief(&r)
        );
        // OpenSSL's signature value is carried over unchanged.
        let original = verifier()
            .verify_file(&s.sig, detached.then_some(s.content.as_path()), at())
            .unwrap();
        assert_eq!(original.indication, Indication::TotalPassed);
        let new = read(&out);
        let old_values: Vec<Vec<u8>> = if tag == "mix-pem" || tag == "mix-stream" {
            // Get the DER of the original through openssl to find its signature value.
            let der_path = s.sig.with_extension("der");
            let inform = if tag == "mix-pem" { "PEM" } else { "DER" };
            openssl_ok([
                "cms",
                "-cmsout",
                "-inform",
                inform,
                "-in",
                &p(&s.sig),
                "-outform",
                "DER",
                "-out",
                &p(&der_path),
            ]);
            signer_infos(&read(&der_path))
                .into_iter()
                .map(|(_, v)| v)
                .collect()
        } else {
            signer_infos(&read(&s.sig))
                .into_iter()
                .map(|(_, v)| v)
                .collect()
        };
        assert_eq!(old_values.len(), 1);
        assert!(
            contains(&new, &old_values[0]),
            "{tag}: the OpenSSL signature value is kept"
        );
    }
}

#[test]
fn cosigning_twice_gives_three_valid_signatures() {
    let dir = TempDir::new("cosign-3");
    let content = sample(CONTENT);
    let first = dir.join("1.p7m");
    kyso_sign(rsa_key(), false, true, &content, &first);
    let second = dir.join("2.p7m");
    let third = dir.join("3.p7m");
    let s2 = Signer::new(ec_key()).signing_time(at()).build().unwrap();
    s2.add_to_file(&first, None, &mut std::fs::File::create(&second).unwrap())
        .unwrap();
    let s3 = Signer::new(ed25519_key())
        .signing_time(at())
        .build()
        .unwrap();
    s3.add_to_file(&second, None, &mut std::fs::File::create(&third).unwrap())
        .unwrap();
    let r = verifier().verify_file(&third, None, at()).unwrap();
    assert_eq!(r.signatures.len(), 3, "{}", brief(&r));
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
    assert_complete(&r);
    // Both earlier signature values survive.
    let new = read(&third);
    for (_, v) in signer_infos(&read(&second)) {
        assert!(contains(&new, &v));
    }
    // digestAlgorithms lists SHA-256 and SHA-512 (Ed25519) once each.
    let sha256 = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    let explicit = children(&new, 0)[1].0;
    let sd = children(&new, explicit)[0].0;
    let (da_s, da_e) = children(&new, sd)[1];
    let algs = children(&new, da_s);
    assert_eq!(algs.len(), 2, "{:x?}", &new[da_s..da_e]);
    assert!(contains(&new[da_s..da_e], &sha256));
}

#[test]
fn p7s_next_to_its_content_is_found_and_report_carries_signing_time() {
    let dir = TempDir::new("sibling");
    let content = dir.join("cong-van.txt");
    std::fs::copy(sample(CONTENT), &content).unwrap();
    let sig = dir.join("cong-van.txt.p7s");
    kyso_sign(rsa_key(), false, false, &content, &sig);
    let r = verifier().verify_file(&sig, None, at()).unwrap();
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
    assert_eq!(r.signatures[0].signing_time, Some(at()));
    assert_eq!(r.signatures[0].digest_algorithm, "sha256");
    // Without the sibling the content is missing: SIGNED_DATA_NOT_FOUND, not a pass.
    std::fs::remove_file(&content).unwrap();
    let r = verifier().verify_file(&sig, None, at()).unwrap();
    assert_eq!(r.indication, Indication::Indeterminate, "{}", brief(&r));
    assert_eq!(r.sub_indication, Some(SubIndication::SignedDataNotFound));
}

#[test]
fn tampered_kyso_signatures_fail() {
    for (tag, key) in [
        ("t-ed", ed25519_key()),
        ("t-ec", ec_key()),
        ("t-pss", rsa_key()),
    ] {
        let pss = tag == "t-pss";
        let signer = Signer::new(key)
            .pss(pss)
            .attached(true)
            .signing_time(at())
            .build()
            .unwrap();
        let content = read(&sample(CONTENT));
        let mut der = signer.sign_bytes(&content).unwrap();
        let (_, value) = signer_infos(&der).remove(0);
        let pos = der
            .windows(value.len())
            .rposition(|w| w == value.as_slice())
            .unwrap();
        let last = pos + value.len() - 1;
        der[last] ^= 0x01;
        let r = verifier().verify_bytes(&der, None, at());
        assert_eq!(
            r.indication,
            Indication::TotalFailed,
            "{tag}: {}",
            brief(&r)
        );
        assert_eq!(
            r.sub_indication,
            Some(SubIndication::SigCryptoFailure),
            "{tag}: {}",
            brief(&r)
        );
        // openssl agrees (except Ed25519, which OpenSSL 3.0 CMS cannot verify at all).
        if tag != "t-ed" {
            let dir = TempDir::new(tag);
            let f = dir.join("sig.p7m");
            std::fs::write(&f, &der).unwrap();
            assert!(
                !openssl_verify(&f, None).status.success(),
                "{tag}: openssl accepted a tampered signature"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Content sizes and digests.

#[test]
fn openssl_verifies_kyso_sha384_sha512_and_pss() {
    let dir = TempDir::new("digests");
    let content = sample(CONTENT);
    for (i, (d, pss)) in [
        (kyso::DigestAlgorithm::Sha384, false),
        (kyso::DigestAlgorithm::Sha512, false),
        (kyso::DigestAlgorithm::Sha384, true),
        (kyso::DigestAlgorithm::Sha512, true),
    ]
    .into_iter()
    .enumerate()
    {
        let sig = dir.join(&format!("{i}.p7s"));
        let signer = Signer::new(rsa_key())
            .digest(d)
            .pss(pss)
            .signing_time(at())
            .build()
            .unwrap();
        signer
            .sign_file(&content, &mut std::fs::File::create(&sig).unwrap())
            .unwrap();
        assert_openssl_accepts(&sig, Some(&content));
        let r = verifier().verify_file(&sig, Some(&content), at()).unwrap();
        assert_eq!(
            r.indication,
            Indication::TotalPassed,
            "{d:?} pss={pss}: {}",
            brief(&r)
        );
    }
}

#[test]
fn empty_and_large_content_round_trip_with_openssl() {
    let dir = TempDir::new("sizes");
    let empty = dir.join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    // 3 MiB + 1: larger than what kyso keeps in memory while hashing embedded content.
    let large = dir.join("large.bin");
    let data: Vec<u8> = (0..(3usize << 20) + 1)
        .map(|i| (i * 7 + i / 251) as u8)
        .collect();
    std::fs::write(&large, &data).unwrap();
    for content in [&empty, &large] {
        for attached in [false, true] {
            for key in [rsa_key(), ed25519_key()] {
                let is_ed = key.certificate().key_info().kind.as_str() == "ed25519";
                let sig = dir.join("sig");
                kyso_sign(key, false, attached, content, &sig);
                if !is_ed {
                    assert_openssl_accepts(&sig, (!attached).then_some(content.as_path()));
                }
                let r = verifier()
                    .verify_file(&sig, (!attached).then_some(content.as_path()), at())
                    .unwrap();
                assert_eq!(
                    r.indication,
                    Indication::TotalPassed,
                    "{} attached={attached}: {}",
                    content.display(),
                    brief(&r)
                );
            }
        }
        // OpenSSL-made attached, streamed (BER, chunked OCTET STRING), without signed attributes:
        // kyso must hash the content itself. (`openssl cms -sign -stream` fails on empty input:
        // "Error writing CMS output".)
        if content == &empty {
            continue;
        }
        for extra in [&["-stream"][..], &["-stream", "-noattr"][..]] {
            let sig = dir.join("o.p7m");
            let mut args: Vec<String> = [
                "cms",
                "-sign",
                "-binary",
                "-nodetach",
                "-outform",
                "DER",
                "-in",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            args.push(p(content));
            for a in [
                "-signer",
                &p(&pki("signer-rsa.pem")),
                "-inkey",
                &p(&pki("signer-rsa.key")),
                "-certfile",
                &p(&pki("sub-rsa.pem")),
                "-out",
                &p(&sig),
            ] {
                args.push(a.into());
            }
            args.extend(extra.iter().map(|s| s.to_string()));
            openssl_ok(&args);
            let r = verifier().verify_file(&sig, None, at()).unwrap();
            assert_eq!(
                r.indication,
                Indication::TotalPassed,
                "{} {extra:?}: {}",
                content.display(),
                brief(&r)
            );
        }
    }
}

#[test]
fn kyso_verifies_openssl_keyid_and_nocerts() {
    // SignerIdentifier by subjectKeyIdentifier (RFC 5652 §5.3, SignerInfo version 3).
    assert_passes(&openssl_sign(
        "o-keyid",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-keyid"],
        true,
    ));
    assert_passes(&openssl_sign(
        "o-keyid-ec",
        "signer-ec.pem",
        "signer-ec.key",
        "sub-ec.pem",
        &["-keyid"],
        false,
    ));
    // No certificates embedded: the verifier is given them.
    let s = openssl_sign(
        "o-nocerts",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-nocerts"],
        true,
    );
    let r = kyso_verify(&s, None);
    assert_eq!(r.indication, Indication::Indeterminate, "{}", brief(&r));
    assert_eq!(
        r.sub_indication,
        Some(SubIndication::NoSigningCertificateFound),
        "{}",
        brief(&r)
    );
    let r = verifier()
        .with_intermediates([cert("signer-rsa.pem"), cert("sub-rsa.pem")])
        .verify_file(&s.sig, Some(&s.content), at())
        .unwrap();
    assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
}

#[test]
fn kyso_verifies_pem_variants() {
    let s = openssl_sign(
        "o-pemvar",
        "signer-rsa.pem",
        "signer-rsa.key",
        "sub-rsa.pem",
        &["-outform", "PEM"],
        false,
    );
    let pem = String::from_utf8(read(&s.sig)).unwrap();
    let crlf = pem.replace('\n', "\r\n");
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let pkcs7 = pem
        .replace("BEGIN CMS", "BEGIN PKCS7")
        .replace("END CMS", "END PKCS7");
    for (what, text) in [
        ("crlf", crlf),
        ("bare base64", body),
        ("PKCS7 label", pkcs7),
    ] {
        let r = verifier().verify_bytes(text.as_bytes(), None, at());
        assert_eq!(
            r.indication,
            Indication::TotalPassed,
            "{what}: {}",
            brief(&r)
        );
        let f = s.sig.with_extension("variant");
        std::fs::write(&f, text.as_bytes()).unwrap();
        let r = verifier().verify_file(&f, None, at()).unwrap();
        assert_eq!(
            r.indication,
            Indication::TotalPassed,
            "{what} (file): {}",
            brief(&r)
        );
    }
}

#[test]
fn cosign_in_memory_gives_the_bytes_cosigning_files_gives() {
    let dir = TempDir::new("cosign-bytes");
    let content = sample(CONTENT);
    let content_bytes = std::fs::read(&content).unwrap();
    let signer = Signer::new(org_key()).signing_time(at()).build().unwrap();
    for attached in [false, true] {
        let first = dir.join(if attached { "first.p7m" } else { "first.p7s" });
        kyso_sign(rsa_key(), false, attached, &content, &first);
        let given = (!attached).then_some(content.as_path());
        let mut from_file = Vec::new();
        signer.add_to_file(&first, given, &mut from_file).unwrap();
        let envelope = std::fs::read(&first).unwrap();
        let in_memory = signer
            .add_to_bytes(&envelope, (!attached).then_some(content_bytes.as_slice()))
            .unwrap();
        assert_eq!(in_memory, from_file, "attached: {attached}");
        // And the result is a good two-signer envelope for openssl.
        let second = dir.join(if attached { "second.p7m" } else { "second.p7s" });
        std::fs::write(&second, &in_memory).unwrap();
        assert_openssl_accepts(&second, given);
        // Co-signing it again in memory is refused, not duplicated.
        let err = signer
            .add_to_bytes(&in_memory, (!attached).then_some(content_bytes.as_slice()))
            .unwrap_err();
        assert!(matches!(err, Error::SigningRefused(_)), "{err:?}");
    }
    // Detached: another document is refused, and no document at all is an error.
    let first = std::fs::read(dir.join("first.p7s")).unwrap();
    let err = signer
        .add_to_bytes(&first, Some(b"another text"))
        .unwrap_err();
    assert!(matches!(err, Error::SigningRefused(_)), "{err:?}");
    assert!(signer.add_to_bytes(&first, None).is_err());
    assert!(signer.add_to_bytes(b"not an envelope", None).is_err());
}
