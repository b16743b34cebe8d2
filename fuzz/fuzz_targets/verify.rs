//! Feed arbitrary bytes to the verifier as a CMS signature: detached (with fixed content)
//! and with no content (attached, or detached-without-content). Must never panic.
#![no_main]

use kyso::{Timestamp, Verifier};
use libfuzzer_sys::fuzz_target;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

/// Trust the test PKI so that inputs carrying its certificates reach path building too.
static TRUST: &[u8] = include_bytes!("../../testdata/pki/trust.pem");

fuzz_target!(|data: &[u8]| {
    let at = Timestamp::from_unix(AT);
    static VERIFIER: std::sync::OnceLock<Verifier> = std::sync::OnceLock::new();
    let verifier = VERIFIER.get_or_init(|| {
        Verifier::new().with_trust_anchors(kyso::Certificate::load_all(TRUST).unwrap_or_default())
    });
    let _ = verifier.verify_bytes(data, Some(b"content"), at);
    let _ = verifier.verify_bytes(data, None, at);
});
