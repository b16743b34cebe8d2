//! Signing on a real PKCS#11 token (SoftHSM2): RSA PKCS#1 v1.5, RSA-PSS and ECDSA, attached,
//! detached and co-signed, each checked by `openssl cms -verify` and by kyso; the PIN rules;
//! one login for a batch; the failure messages.
//!
//! A PKCS#11 module is initialised once per process, and SoftHSM2 reads SOFTHSM2_CONF then, so
//! every test in this binary shares one fixture (created on first use).

mod softhsm;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kyso::{Indication, Pkcs11Module, Pkcs11Uri, Signer, Timestamp, TokenError, Verifier};
use softhsm::{SoftHsm, PIN, TOKEN, WRONG_PIN_TOKEN};

const TOKEN_URI: &str = "pkcs11:token=Kyso%20Test%20Token";

fn hsm() -> &'static SoftHsm {
    static HSM: OnceLock<SoftHsm> = OnceLock::new();
    HSM.get_or_init(|| {
        let h = SoftHsm::create("lib");
        // Set before the module is first loaded (in this OnceLock, so before any test can).
        std::env::set_var("SOFTHSM2_CONF", &h.conf);
        h
    })
}

fn module() -> Pkcs11Module {
    Pkcs11Module::load(&hsm().module).expect("SoftHSM2 loads")
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339(softhsm::AT).unwrap()
}

fn uri(s: &str) -> Pkcs11Uri {
    Pkcs11Uri::parse(s).unwrap()
}

fn logged_in(token_uri: &str) -> kyso::Token {
    let t = module().open(&uri(token_uri)).unwrap();
    t.login(Some(PIN.as_bytes()), false).unwrap();
    t
}

fn workdir(name: &str) -> PathBuf {
    let d = hsm().dir.join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn verifier() -> Verifier {
    let roots =
        kyso::Certificate::load_all(&std::fs::read(softhsm::pki("trust.pem")).unwrap()).unwrap();
    Verifier::new().with_trust_anchors(roots)
}

fn kyso_verify(sig: &Path, content: Option<&Path>, signatures: usize) -> kyso::DocumentReport {
    let r = verifier().verify_file(sig, content, at()).unwrap();
    assert_eq!(
        r.indication,
        Indication::TotalPassed,
        "{}: {:#?}",
        sig.display(),
        r
    );
    assert_eq!(r.signatures.len(), signatures);
    r
}

/// Sign one document with `object` in each form, check both verifiers, and return the
/// signature algorithm names kyso reports.
fn sign_and_check(object: &str, pss: bool, name: &str) -> Vec<String> {
    let token = logged_in(TOKEN_URI);
    let object_uri = uri(&format!("pkcs11:object={object}"));
    let key = token.signing_key(&object_uri, None).unwrap();
    assert_eq!(key.token_label(), Some(TOKEN));
    // The chain came from the token: the sub CA certificate with the signer's issuer name.
    assert_eq!(key.chain().len(), 1, "chain read from the token");
    assert!(key.chain()[0].is_ca());
    let dir = workdir(name);
    let content = dir.join("cong-van.txt");
    std::fs::write(&content, "Công văn số 12/UBND-VP: ký bằng token".as_bytes()).unwrap();
    let mut algs = Vec::new();
    let mut first = Some(key);
    for attached in [false, true] {
        // A SigningKey moves into its Signer: take the key again from the same login.
        let k = first
            .take()
            .unwrap_or_else(|| token.signing_key(&object_uri, None).unwrap());
        let signer = Signer::new(k)
            .pss(pss)
            .attached(attached)
            .signing_time(at())
            .build()
            .unwrap();
        let out = dir.join(if attached {
            "cong-van.txt.p7m"
        } else {
            "cong-van.txt.p7s"
        });
        signer
            .sign_file(&content, &mut std::fs::File::create(&out).unwrap())
            .unwrap();
        softhsm::openssl_verify(&out, (!attached).then_some(content.as_path()));
        let r = kyso_verify(&out, (!attached).then_some(content.as_path()), 1);
        algs.push(r.signatures[0].signature_algorithm.clone());
    }
    assert_eq!(token.login_count(), 1);
    algs
}

#[test]
fn rsa_pkcs1_on_the_token_verifies_with_openssl_and_kyso() {
    let algs = sign_and_check("signer-rsa", false, "rsa");
    assert_eq!(algs, ["rsa-pkcs1-sha256", "rsa-pkcs1-sha256"]);
}

#[test]
fn rsa_pss_on_the_token_verifies_with_openssl_and_kyso() {
    let algs = sign_and_check("signer-rsa", true, "pss");
    assert_eq!(algs, ["rsa-pss-sha256", "rsa-pss-sha256"]);
}

#[test]
fn ecdsa_on_the_token_verifies_with_openssl_and_kyso() {
    let algs = sign_and_check("signer-ec", false, "ec");
    assert_eq!(algs, ["ecdsa-sha256", "ecdsa-sha256"]);
}

#[test]
fn sha384_and_sha512_digests_on_the_token() {
    let token = logged_in(TOKEN_URI);
    let dir = workdir("digests");
    for (object, digest, pss) in [
        ("signer-rsa", kyso::DigestAlgorithm::Sha384, false),
        ("signer-rsa", kyso::DigestAlgorithm::Sha512, true),
        ("signer-ec", kyso::DigestAlgorithm::Sha384, false),
    ] {
        let key = token
            .signing_key(&uri(&format!("pkcs11:object={object}")), None)
            .unwrap();
        let signer = Signer::new(key)
            .digest(digest)
            .pss(pss)
            .signing_time(at())
            .build()
            .unwrap();
        let content = dir.join("d.txt");
        std::fs::write(&content, b"noi dung").unwrap();
        let out = dir.join(format!("{object}-{digest}.p7s"));
        std::fs::write(&out, signer.sign_bytes(b"noi dung").unwrap()).unwrap();
        softhsm::openssl_verify(&out, Some(&content));
        kyso_verify(&out, Some(&content), 1);
    }
}

/// The official signs, then the organisation co-signs (both keys on the token); the first
/// SignerInfo is kept byte for byte and both verify.
#[test]
fn co_signing_with_two_token_keys() {
    let token = logged_in(TOKEN_URI);
    let dir = workdir("cosign");
    let content = dir.join("quyet-dinh.txt");
    std::fs::write(&content, "Quyết định số 5/QĐ-UBND".as_bytes()).unwrap();
    let first = dir.join("quyet-dinh.txt.p7s");
    let official = Signer::new(token.signing_key(&uri("pkcs11:id=%01"), None).unwrap())
        .signing_time(at())
        .build()
        .unwrap();
    official
        .sign_file(&content, &mut std::fs::File::create(&first).unwrap())
        .unwrap();
    let org = Signer::new(
        token
            .signing_key(&uri("pkcs11:object=org-rsa;type=cert"), None)
            .unwrap(),
    )
    .signing_time(at())
    .build()
    .unwrap();
    let both = dir.join("both.p7s");
    org.add_to_file(
        &first,
        Some(&content),
        &mut std::fs::File::create(&both).unwrap(),
    )
    .unwrap();
    softhsm::openssl_verify(&both, Some(&content));
    let r = kyso_verify(&both, Some(&content), 2);
    let subjects: Vec<String> = r
        .signatures
        .iter()
        .filter_map(|s| s.signer.as_ref().map(|c| c.subject.clone()))
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("Nguyễn Văn An")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("Sở Nội vụ")),
        "{subjects:?}"
    );
    // Attached co-signing too.
    let attached = dir.join("quyet-dinh.txt.p7m");
    let official = Signer::new(token.signing_key(&uri("pkcs11:id=%01"), None).unwrap())
        .attached(true)
        .signing_time(at())
        .build()
        .unwrap();
    official
        .sign_file(&content, &mut std::fs::File::create(&attached).unwrap())
        .unwrap();
    let both_attached = dir.join("both.p7m");
    org.add_to_file(
        &attached,
        None,
        &mut std::fs::File::create(&both_attached).unwrap(),
    )
    .unwrap();
    softhsm::openssl_verify(&both_attached, None);
    kyso_verify(&both_attached, None, 2);
    assert_eq!(token.login_count(), 1);
}

/// signer-p384 is a private key object alone: the token shows no public value to compare,
/// so the builder proves the match with a test signature checked against the certificate,
/// once per key and certificate: signers built again from the same key (as the service and
/// the C ABI build one per request) ask the token for no further test signature.
#[test]
fn key_without_public_values_is_matched_by_a_test_signature() {
    let token = logged_in(TOKEN_URI);
    let key = token
        .signing_key(&uri("pkcs11:object=signer-p384"), None)
        .unwrap();
    let before = token.signature_count();
    let builder = Signer::new(key)
        .digest(kyso::DigestAlgorithm::Sha384)
        .signing_time(at());
    let signer = builder.clone().build().unwrap();
    assert_eq!(token.signature_count(), before + 1, "one test signature");
    for _ in 0..3 {
        builder.clone().build().unwrap();
    }
    assert_eq!(
        token.signature_count(),
        before + 1,
        "the match is remembered"
    );
    let dir = workdir("p384");
    let content = dir.join("p384.txt");
    std::fs::write(&content, b"P-384").unwrap();
    let out = dir.join("p384.txt.p7s");
    signer
        .sign_file(&content, &mut std::fs::File::create(&out).unwrap())
        .unwrap();
    assert_eq!(token.signature_count(), before + 2, "and one signature");
    softhsm::openssl_verify(&out, Some(&content));
    let r = kyso_verify(&out, Some(&content), 1);
    assert_eq!(r.signatures[0].signature_algorithm, "ecdsa-sha384");
    // The same key with another EC certificate: the test signature does not verify.
    let other = kyso::Certificate::load_all(&std::fs::read(softhsm::pki("signer-ec.pem")).unwrap())
        .unwrap();
    let key = token
        .signing_key(&uri("pkcs11:object=signer-p384"), Some(other[0].clone()))
        .unwrap();
    let e = Signer::new(key).signing_time(at()).build().unwrap_err();
    assert!(
        matches!(
            e,
            kyso::Error::Token(TokenError::KeyCertificateMismatch { .. })
        ),
        "{e}"
    );
}

#[test]
fn signing_keys_can_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<kyso::SigningKey>();
    send_sync::<kyso::Signer>();
    send_sync::<kyso::Token>();
}

#[test]
fn a_batch_of_files_uses_one_login() {
    let token = logged_in(TOKEN_URI);
    let signer = Signer::new(
        token
            .signing_key(&uri("pkcs11:object=signer-ec"), None)
            .unwrap(),
    )
    .signing_time(at())
    .build()
    .unwrap();
    let dir = workdir("batch");
    for i in 0..6 {
        let content = dir.join(format!("van-ban-{i}.txt"));
        std::fs::write(&content, format!("Văn bản số {i}")).unwrap();
        let out = dir.join(format!("van-ban-{i}.txt.p7s"));
        signer
            .sign_file(&content, &mut std::fs::File::create(&out).unwrap())
            .unwrap();
        softhsm::openssl_verify(&out, Some(&content));
        kyso_verify(&out, Some(&content), 1);
    }
    assert_eq!(token.login_count(), 1, "six files, one C_Login");
}

/// SoftHSM2 reports CKF_USER_PIN_COUNT_LOW after a wrong PIN and clears it after a good
/// login; it never reports final try or locked (those are unit-tested with synthetic flags).
#[test]
fn wrong_pin_is_reported_with_the_state_after_it_and_not_retried() {
    let m = module();
    let t = m.open(&uri("pkcs11:token=Kyso%20Wrong%20PIN")).unwrap();
    assert_eq!(t.description().label, WRONG_PIN_TOKEN);
    assert_eq!(t.pin_state().unwrap(), kyso::PinState::default());
    let e = t.login(Some(b"654321"), false).unwrap_err();
    match &e {
        TokenError::PinIncorrect { token, after } => {
            assert_eq!(token, WRONG_PIN_TOKEN);
            let after = after.expect("SoftHSM2 reports its flags after a failed login");
            assert!(
                after.count_low,
                "SoftHSM2 sets CKF_USER_PIN_COUNT_LOW: {after:?}"
            );
            assert!(!after.locked && !after.final_try);
        }
        other => panic!("expected PinIncorrect, got {other}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains("count low") && msg.contains("does not retry"),
        "{msg}"
    );
    assert_eq!(t.login_count(), 1, "one attempt, no automatic retry");
    assert_eq!(t.pin_state().unwrap().code(), "count_low");
    // A PIN shorter than the token's minimum is refused without using a try.
    let e = t.login(Some(b"12"), false).unwrap_err();
    assert!(matches!(e, TokenError::PinLength { .. }), "{e}");
    assert_eq!(t.login_count(), 1, "nothing was sent to the token");
    // The right PIN clears the flag.
    t.login(Some(PIN.as_bytes()), false).unwrap();
    assert_eq!(t.pin_state().unwrap(), kyso::PinState::default());
}

#[test]
fn failures_say_what_is_wrong() {
    let m = module();
    // No token matching.
    let e = m.open(&uri("pkcs11:token=Khong%20co")).unwrap_err();
    assert!(matches!(e, TokenError::NoTokenMatches { .. }), "{e}");
    assert!(
        e.to_string().contains(TOKEN),
        "lists the tokens present: {e}"
    );
    // Both test tokens are SoftHSM v2: a URI that does not pick one is refused.
    let e = m.open(&uri("pkcs11:model=SoftHSM%20v2")).unwrap_err();
    assert!(matches!(e, TokenError::SeveralTokensMatch { .. }), "{e}");
    // Key not found, listing what is there.
    let t = logged_in(TOKEN_URI);
    let e = t
        .signing_key(&uri("pkcs11:object=khong-co"), None)
        .unwrap_err();
    assert!(matches!(e, TokenError::KeyNotFound { .. }), "{e}");
    assert!(e.to_string().contains("'org-rsa' (id 03)"), "{e}");
    // Several keys match: the URI must pick one.
    let e = t.signing_key(&uri("pkcs11:"), None).unwrap_err();
    assert!(matches!(e, TokenError::SeveralKeysMatch { .. }), "{e}");
    // A certificate that is not the key's: refused by the builder, before any signing.
    let org =
        kyso::Certificate::load_all(&std::fs::read(softhsm::pki("org-rsa.pem")).unwrap()).unwrap();
    let key = t
        .signing_key(&uri("pkcs11:object=signer-rsa"), Some(org[0].clone()))
        .unwrap();
    let e = Signer::new(key).signing_time(at()).build().unwrap_err();
    assert!(
        matches!(
            e,
            kyso::Error::Token(TokenError::KeyCertificateMismatch { .. })
        ),
        "{e}"
    );
    // An EC key with an RSA certificate: also a mismatch.
    let key = t
        .signing_key(&uri("pkcs11:object=signer-ec"), Some(org[0].clone()))
        .unwrap();
    let e = Signer::new(key).signing_time(at()).build().unwrap_err();
    assert!(e.to_string().contains("does not belong"), "{e}");
    // PSS asked of an EC key: refused by the builder.
    let key = t
        .signing_key(&uri("pkcs11:object=signer-ec"), None)
        .unwrap();
    let e = Signer::new(key)
        .pss(true)
        .signing_time(at())
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("RSA-PSS needs an RSA key"), "{e}");
    // A key that wants the PIN before every signature is refused with the reason.
    let e = t
        .signing_key(&uri("pkcs11:object=always-auth"), None)
        .unwrap_err();
    assert!(matches!(e, TokenError::KeyCannotSign { .. }), "{e}");
    assert!(e.to_string().contains("CKA_ALWAYS_AUTHENTICATE"), "{e}");
    // Module not found / not loadable.
    let e = Pkcs11Module::load("/nonexistent/libeToken.so").unwrap_err();
    assert!(matches!(e, TokenError::ModuleNotFound { .. }), "{e}");
    let e = Pkcs11Module::load(softhsm::pki("trust.pem")).unwrap_err();
    assert!(matches!(e, TokenError::ModuleNotLoadable { .. }), "{e}");
}

#[test]
fn inventory_lists_tokens_certificates_and_keys() {
    let m = module();
    let info = m.info().unwrap();
    assert!(info.manufacturer.contains("SoftHSM"), "{info:?}");
    let slots = m.inventory().unwrap();
    let main = slots
        .iter()
        .find(|s| s.token.as_ref().is_some_and(|t| t.label == TOKEN))
        .expect("the test token is listed");
    let t = main.token.as_ref().unwrap();
    assert_eq!(t.model, "SoftHSM v2");
    assert!(!t.serial.is_empty());
    assert_eq!(main.certificates.len(), 6);
    let signer = main
        .certificates
        .iter()
        .find(|c| c.id == "01")
        .and_then(|c| c.certificate.as_ref().ok())
        .unwrap();
    assert!(signer.subject().contains("Nguyễn Văn An"));
    // Public keys are visible without login; the private keys are private objects.
    let mut public: Vec<(String, String, Option<u32>)> = main
        .keys
        .iter()
        .filter(|k| k.class == "public")
        .map(|k| (k.id.clone(), k.kind.clone(), k.bits))
        .collect();
    public.sort();
    assert_eq!(
        public,
        [
            ("01".into(), "rsa".into(), Some(2048)),
            ("02".into(), "ec".into(), Some(256)),
            ("03".into(), "rsa".into(), Some(2048)),
        ]
    );
}
