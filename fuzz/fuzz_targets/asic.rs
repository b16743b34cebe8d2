//! Feed arbitrary bytes to the verifier as an ASiC container (ETSI EN 319 162-1): the bounded
//! ZIP reader, the ASiCManifest parser and the CMS verification behind them. Must never panic
//! nor allocate past the container bounds. Seed with ../shared/testdata-ext/dss-asic-cades.
#![no_main]

use kyso::{Timestamp, Verifier};
use libfuzzer_sys::fuzz_target;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

fuzz_target!(|data: &[u8]| {
    static VERIFIER: std::sync::OnceLock<Verifier> = std::sync::OnceLock::new();
    let verifier = VERIFIER.get_or_init(Verifier::new);
    let _ = verifier.verify_asic_bytes("fuzz.asice", data, Timestamp::from_unix(AT));
});
