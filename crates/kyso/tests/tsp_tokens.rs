//! Real RFC 3161 tokens and responses from `../shared/testdata-ext/tsp-tokens` (Sectigo, via
//! OpenSSL's test data; D-Trust, Disig, SK and Nowina tokens via EU DSS), against the
//! expectations in its `expected.tsv`: every one parses, its message imprint matches the data
//! the corpus names (and not other data), and the signature and TSA path are judged as the
//! corpus says where it gives the anchors. The TSA certificates have expired, so tokens are
//! validated at their own genTime, with revocation off (the corpus carries no revocation data
//! for those years).

use std::path::PathBuf;

use kyso::{
    Certificate, CheckName, CheckResult, RevocationMode, TimeStampResponse, TimeStampToken,
    TimestampReport, Verifier,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata-ext/tsp-tokens")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name))
        .unwrap_or_else(|e| panic!("{name}: {e} (the corpus must be beside the repository)"))
}

fn certs(name: &str) -> Vec<Certificate> {
    Certificate::load_all(&read(name)).unwrap()
}

fn token(name: &str) -> TimeStampToken {
    TimeStampToken::from_der(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check_at_gen_time(v: &Verifier, t: &TimeStampToken, stamped: &[u8]) -> TimestampReport {
    v.check_timestamp_token(t.der(), stamped, t.tst_info().gen_time)
}

fn signature_check(r: &TimestampReport) -> CheckResult {
    r.token
        .as_ref()
        .unwrap()
        .checks
        .iter()
        .find(|c| c.check == CheckName::Signature)
        .unwrap()
        .result
        .clone()
}

/// The hashedMessage of a TimeStampReq: the OCTET STRING of its MessageImprint.
fn query_imprint(q: &[u8]) -> Vec<u8> {
    let at = q
        .windows(2)
        .rposition(|w| w == [0x04, 0x20])
        .expect("a 32-byte hashedMessage");
    q[at + 2..at + 34].to_vec()
}

#[test]
fn sectigo_response_validates_through_the_chain_the_corpus_names() {
    let resp = TimeStampResponse::from_der(&read("openssl/sectigo-all-zero.tsr")).unwrap();
    let t = TimeStampToken::from_der(resp.token.as_ref().unwrap()).unwrap();
    assert_eq!(t.tst_info().policy, "1.3.6.1.4.1.6449.2.1.1");
    assert_eq!(
        t.tst_info().hashed_message,
        hex::encode(query_imprint(&read("openssl/all-zero.tsq")))
    );
    let base = || {
        Verifier::new()
            .with_intermediates(certs("openssl/sectigo-time-stamping-ca.pem"))
            .with_revocation_mode(RevocationMode::Off)
    };
    // The imprint is over the query's hash: check the token directly against what the TSA
    // signed, i.e. validate with the stamped data being irrelevant (imprint checked above).
    let v3 = base().with_tsa_trust_anchors(certs("openssl/user-trust-ca.pem"));
    let r = v3.check_timestamp_token(t.der(), &[], t.tst_info().gen_time);
    // The only problem may be the imprint (kyso was not given the stamped bytes, only their
    // hash); the signature, ESS binding and the 3-element path must be good.
    let s = r.token.as_ref().unwrap();
    assert_eq!(
        s.indication,
        kyso::Indication::TotalPassed,
        "{:?}",
        s.messages
    );
    assert_eq!(s.chain.len(), 3);

    // 4 elements through the cross-certificate to Comodo AAA.
    let v4 = base()
        .with_intermediates(certs("openssl/user-trust-ca-aaa.pem"))
        .with_tsa_trust_anchors(certs("openssl/comodo-aaa.pem"));
    let r = v4.check_timestamp_token(t.der(), &[], t.tst_info().gen_time);
    let s = r.token.as_ref().unwrap();
    assert_eq!(
        s.indication,
        kyso::Indication::TotalPassed,
        "{:?}",
        s.messages
    );
    assert_eq!(s.chain.len(), 4);

    // Without the cross-certificate no path reaches Comodo AAA.
    let v = base().with_tsa_trust_anchors(certs("openssl/comodo-aaa.pem"));
    let r = v.check_timestamp_token(t.der(), &[], t.tst_info().gen_time);
    assert!(!r.is_valid());
    assert_eq!(
        r.token.as_ref().unwrap().sub_indication,
        Some(kyso::SubIndication::NoCertificateChainFound)
    );
}

#[test]
fn dss_tokens_parse_their_imprints_match_and_their_signatures_are_intact() {
    let hello = read("dss/hello-world-no-newline.txt");
    let v = Verifier::new().with_revocation_mode(RevocationMode::Off);

    // SHA-512 imprint of "Hello world"; certificates inside: the signature verifies (no
    // anchor for that TSA is in the corpus, so the path is not found).
    let t = token("dss/dss-eeTSTwithCerts.tst");
    assert!(t.imprint_matches(&hello));
    assert!(!t.imprint_matches(b"Hello world!"));
    let r = check_at_gen_time(&v, &t, &hello);
    assert_eq!(signature_check(&r), CheckResult::Passed, "{r:?}");
    assert!(!r.is_valid(), "no trust anchor was given");

    // Without certificates: the signer is not found until its certificate is supplied.
    let t = token("dss/dss-eeTSTwithoutCerts.tst");
    assert!(t.imprint_matches(&hello));
    let r = check_at_gen_time(&v, &t, &hello);
    assert!(
        matches!(signature_check(&r), CheckResult::Skipped(_)),
        "{r:?}"
    );
    let with_cert = Verifier::new()
        .with_revocation_mode(RevocationMode::Off)
        .with_intermediates(certs("dss/dss-ee-tsu.cer"));
    let r = check_at_gen_time(&with_cert, &t, &hello);
    assert_eq!(signature_check(&r), CheckResult::Passed, "{r:?}");

    // The ASiC archive time-stamp: over the manifest bytes, not over [1, 2, 3].
    let t = token("dss/dss-archive_timestamp.tst");
    assert!(t.imprint_matches(&read("dss/dss-archive_timestamp.tst.timestamped-data.bin")));
    assert!(!t.imprint_matches(&[1, 2, 3]));

    // Real D-Trust and Disig tokens (Disig carries its TSA certificate twice) and one with an
    // OCSP response in its crls field: each parses and its signature is intact.
    for name in [
        "dss/d-trust.tsr",
        "dss/disig.tst",
        "dss/tst_with_broken_ocsp.tst",
    ] {
        let t = token(name);
        assert_eq!(
            t.imprint_algorithm(),
            Some(kyso::DigestAlgorithm::Sha256),
            "{name}"
        );
        let r = check_at_gen_time(&v, &t, &[]);
        assert_eq!(signature_check(&r), CheckResult::Passed, "{name}: {r:?}");
    }

    // Ed25519-signed, SHA-1 imprint of "Hello world": parses and the imprint matches (the
    // SHA-1 imprint is refused by the algorithm policy when validated, as for any SHA-1).
    let t = token("dss/dss-ed25519.tst");
    assert!(t.imprint_matches(b"Hello world"));
}
