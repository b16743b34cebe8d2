//! Feed arbitrary bytes to `kyso::inspect` (CMS / certificate dump) and to the
//! certificate loader (PEM, DER, PKCS#7 certs-only). Must never panic.
#![no_main]

use kyso::{Certificate, Timestamp};
use libfuzzer_sys::fuzz_target;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

fuzz_target!(|data: &[u8]| {
    let _ = kyso::inspect(data, Timestamp::from_unix(AT));
    let _ = Certificate::load_all(data);
});
