//! Feed arbitrary bytes to the RFC 3161 parsers: TimeStampResp, and the token inside it (or
//! the bytes themselves) as a TimeStampToken, then validate what parses as a signature
//! time-stamp over a fixed value with the test PKI as anchors. Must never panic; a token
//! that validates must carry a real TSA's signature, which random bytes cannot, so any
//! valid report is reported.
#![no_main]

use kyso::{Certificate, TimeStampResponse, TimeStampToken, Timestamp, Verifier};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let root = Certificate::load_all(include_bytes!("../../testdata/pki/root-rsa.pem"))
            .expect("test PKI");
        Verifier::new().with_trust_anchors(root)
    })
}

fuzz_target!(|data: &[u8]| {
    let token = match TimeStampResponse::from_der(data) {
        Ok(r) => r.token,
        Err(_) => Some(data.to_vec()),
    };
    let Some(token) = token else {
        return;
    };
    if let Ok(t) = TimeStampToken::from_der(&token) {
        let _ = (t.tst_info(), t.imprint_algorithm(), t.imprint_matches(b"signature"));
    }
    let r = verifier().check_timestamp_token(&token, b"signature", Timestamp::from_unix(AT));
    assert!(!r.is_valid(), "random bytes validated as a time-stamp");
});
