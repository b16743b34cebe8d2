//! A signer on a real SoftHSM2 token (the fixture of crates/kyso/tests/softhsm): the handle
//! logs in once, signs several documents through the C ABI, and the signatures verify; a
//! wrong PIN is a token error with the library's code.

mod common;
#[path = "../../kyso/tests/softhsm/mod.rs"]
mod softhsm;

use common::abi::{indication, Signer, Verifier};

#[test]
fn a_token_signer_signs_through_the_c_abi() {
    let hsm = softhsm::SoftHsm::create("ffi");
    // SoftHSM2 finds its tokens through SOFTHSM2_CONF; this binary's only test sets it.
    std::env::set_var("SOFTHSM2_CONF", &hsm.conf);
    let config = |token: &str, pin: &str| {
        serde_json::json!({
            "pkcs11": format!("pkcs11:token={};object=signer-rsa", token.replace(' ', "%20")),
            "module": hsm.module,
            "pin": pin,
        })
        .to_string()
    };
    let signer = Signer::new(&config(softhsm::TOKEN, softhsm::PIN)).unwrap();
    let trust = softhsm::pki("trust.pem");
    let verifier = Verifier::new(
        &serde_json::json!({"trust": [trust], "offline": true, "at": softhsm::AT}).to_string(),
    )
    .unwrap();
    for doc in [&b"Quyet dinh 1"[..], b"Quyet dinh 2", b"Quyet dinh 3"] {
        let p7s = signer.detached(doc).unwrap();
        let report = verifier.verify(&p7s, Some(doc));
        assert_eq!(indication(&report), "TOTAL-PASSED", "{report:#}");
        assert_eq!(
            indication(&verifier.verify(&p7s, Some(b"other"))),
            "TOTAL-FAILED"
        );
    }
    let (status, message, code) = Signer::new(&config(softhsm::WRONG_PIN_TOKEN, "000000"))
        .map(|_| ())
        .unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_TOKEN, "{message}");
    assert!(code.starts_with("token_"), "{code}: {message}");
    assert!(message.contains("PIN"), "{message}");
}
