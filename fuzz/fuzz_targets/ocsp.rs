//! Feed arbitrary bytes to the OCSP response parser (RFC 6960) and validate whatever parses
//! for the test signer under the test sub CA, at the pinned time and a year later, with and
//! without an expected nonce. Must never panic; a response that validates must carry the
//! signature of a real responder, which random bytes cannot, so any `Ok` is reported.
#![no_main]

use kyso::{Certificate, OcspOptions, OcspResponse, Timestamp};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

fn pair() -> &'static (Certificate, Certificate) {
    static P: OnceLock<(Certificate, Certificate)> = OnceLock::new();
    P.get_or_init(|| {
        let load = |pem: &[u8]| Certificate::load_all(pem).expect("test PKI")[0].clone();
        (
            load(include_bytes!("../../testdata/pki/signer-rsa.pem")),
            load(include_bytes!("../../testdata/pki/sub-rsa.pem")),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(r) = OcspResponse::from_der(data) else {
        return;
    };
    let _ = (r.response_status(), r.produced_at(), r.this_update(), r.len(), r.nonce());
    let (leaf, issuer) = pair();
    for at in [AT, AT + 365 * 86_400] {
        let opts = OcspOptions::new(Timestamp::from_unix(at));
        let ok = r.validate(leaf, issuer, &opts).is_ok();
        assert!(!ok, "random bytes validated as an OCSP response");
        let _ = r.validate(leaf, issuer, &opts.nonce(vec![1u8; 32]));
    }
});
