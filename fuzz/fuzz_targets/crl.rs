//! Feed arbitrary bytes to the CRL parser (RFC 5280 §5) and look up, in whatever parses, the
//! revocation status of the test signer under the test sub CA at the pinned time and a year
//! later. Must never panic, loop or blow up memory: a CRL comes from a signature file or a
//! distribution point, so its bytes are untrusted.
#![no_main]

use kyso::{check_revocation, Certificate, Crl, Timestamp};
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
    // The PEM / concatenated-DER loader as well: `--crl FILE` goes through it.
    let _ = Crl::load_all(data);
    let Ok(crl) = Crl::from_der(data) else {
        return;
    };
    let _ = (
        crl.der().len(),
        crl.issuer(),
        crl.this_update(),
        crl.next_update(),
        crl.is_delta(),
        crl.len(),
        crl.is_empty(),
        format!("{crl:?}"),
    );
    let (leaf, issuer) = pair();
    let issuers = std::slice::from_ref(issuer);
    for at in [AT, AT + 365 * 86_400] {
        let at = Timestamp::from_unix(at);
        let _ = check_revocation(leaf, issuers, std::slice::from_ref(&crl), at);
        // The CRL twice: the newest-of-scope selection and delta matching see a pair.
        let _ = check_revocation(leaf, issuers, &[crl.clone(), crl.clone()], at);
    }
});
