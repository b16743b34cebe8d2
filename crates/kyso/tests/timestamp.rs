//! CAdES B-T against a real TSA on loopback (`openssl ts -reply` behind the testkit's HTTP
//! server): the token kyso asks for is checked before it is embedded, `openssl ts -verify`
//! accepts it, and verification reports it and uses its time as the proof of existence.

use std::sync::Arc;
use std::time::Duration;

use kyso::{
    Certificate, Crl, FetchOptions, Fetcher, Indication, SignatureLevel, Signer, SigningKey,
    Timestamp, Timestamper, Verifier,
};
use kyso_testkit::tsa::{Imprint, Mode, TsInput, Tsa, TsaCert};
use kyso_testkit::{CertSpec, Issued, Pki};

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).unwrap()
}

fn fetcher() -> Arc<Fetcher> {
    Arc::new(Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(5))).unwrap())
}

/// A client that trusts the TSA's root only (not the signers').
fn timestamper(tsa: &Tsa) -> Timestamper {
    let verifier = Verifier::new().with_trust_anchors([cert(tsa.certs().anchor(TsaCert::Good))]);
    Timestamper::new(tsa.url(), fetcher(), verifier)
}

fn signer(leaf: &Issued, pki: &Pki, t: Option<Timestamper>, now: Timestamp) -> Signer {
    let key = SigningKey::from_key_and_cert(&leaf.key_pem(), None, cert(leaf))
        .unwrap()
        .with_chain(vec![cert(&pki.sub)]);
    let mut b = Signer::new(key).signing_time(now).now(now);
    if let Some(t) = t {
        b = b.timestamper(t);
    }
    b.build().unwrap()
}

#[test]
fn a_b_t_signature_carries_a_checked_token_that_openssl_accepts() {
    let pki = Pki::new();
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    let now = Timestamp::now();
    let s = signer(&leaf, &pki, Some(timestamper(&tsa)), now);
    let sig = s.sign_bytes(b"quyet dinh").unwrap();
    assert_eq!(tsa.requests(), 1);

    let v = Verifier::new().with_trust_anchors([cert(&pki.root)]);
    let r = v.verify_bytes(&sig, Some(b"quyet dinh"), now);
    let s0 = &r.signatures[0];
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", s0.messages);
    assert_eq!(s0.level, SignatureLevel::BT, "{:#?}", s0.timestamps);
    assert_eq!(s0.timestamps.len(), 1);
    let ts = &s0.timestamps[0];
    assert!(ts.is_valid(), "{ts:?}");
    let gen = ts.gen_time.unwrap();
    assert!(
        (gen.unix() - now.unix()).abs() < 300,
        "genTime is the TSA's clock"
    );
    assert!(
        ts.tsa.as_ref().unwrap().subject.contains("TSA"),
        "{:?}",
        ts.tsa
    );

    // openssl ts -verify accepts the embedded token over the signature value.
    let token = embedded_token(&sig);
    let value = signature_value(&sig);
    assert!(kyso_testkit::tsa::openssl_ts_verify(
        TsInput::Token(&token),
        Imprint::Data(&value),
        &tsa.ca_file()
    ));
}

#[test]
fn a_misbehaving_tsa_fails_the_signing_with_its_reason() {
    let pki = Pki::new();
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Official"));
    let now = Timestamp::now();
    let s = signer(&leaf, &pki, Some(timestamper(&tsa)), now);
    for (mode, code) in [
        (Mode::Rejection, "timestamp_not_granted"),
        (Mode::WrongNonce, "timestamp_not_for_request"),
        (Mode::WrongImprint, "timestamp_not_for_request"),
        (Mode::SignedBy(TsaCert::NoEku), "timestamp_not_valid"),
        (
            Mode::SignedBy(TsaCert::NonCriticalEku),
            "timestamp_not_valid",
        ),
        (Mode::SignedBy(TsaCert::ExtraPurpose), "timestamp_not_valid"),
        (Mode::SignedBy(TsaCert::OtherCa), "timestamp_not_valid"),
        (Mode::Down, "timestamp_unreachable"),
    ] {
        tsa.set_mode(mode);
        match s.sign_bytes(b"x") {
            Err(e) => assert_eq!(e.code(), code, "{mode:?}: {e}"),
            Ok(_) => panic!("{mode:?}: signed with a bad time-stamp"),
        }
    }
}

#[test]
fn an_expired_signer_certificate_passes_with_a_time_stamp_from_before_its_expiry() {
    let pki = Pki::new();
    let tsa = Tsa::start(&pki);
    // The official's certificate is valid until 2027-01-01; the signature is verified in 2030.
    let leaf =
        pki.leaf(CertSpec::ee("Official").validity("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    let now = Timestamp::now();
    let later = Timestamp::parse_rfc3339("2030-06-01T00:00:00Z").unwrap();
    let v = Verifier::new().with_trust_anchors([cert(&pki.root)]);

    let plain = signer(&leaf, &pki, None, now).sign_bytes(b"doc").unwrap();
    let r = v.verify_bytes(&plain, Some(b"doc"), later);
    assert_eq!(r.indication, Indication::Indeterminate);
    assert_eq!(
        r.sub_indication,
        Some(kyso::SubIndication::OutOfBoundsNoPoe)
    );

    let stamped = signer(&leaf, &pki, Some(timestamper(&tsa)), now)
        .sign_bytes(b"doc")
        .unwrap();
    let r = v.verify_bytes(&stamped, Some(b"doc"), later);
    let s0 = &r.signatures[0];
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", s0.messages);
    assert_eq!(s0.chain_validated_at, s0.timestamps[0].gen_time);

    // A time-stamp over another signature proves nothing: INDETERMINATE as without one.
    let other = signer(&leaf, &pki, Some(timestamper(&tsa)), now)
        .sign_bytes(b"other")
        .unwrap();
    let swapped = swap_token(&stamped, &embedded_token(&other));
    let r = v.verify_bytes(&swapped, Some(b"doc"), later);
    let s0 = &r.signatures[0];
    assert_eq!(r.indication, Indication::Indeterminate);
    assert_eq!(
        s0.timestamps[0].problem.as_ref().map(|p| p.code()),
        Some("timestamp_imprint_mismatch")
    );
    assert_eq!(s0.chain_validated_at, None);
}

/// The first SignerInfo of a DER signature, read by the RustCrypto `cms` crate (an
/// independent decoder).
fn signer_info(sig: &[u8]) -> cms::signed_data::SignerInfo {
    use cms::content_info::ContentInfo;
    use der::Decode;
    let ci = ContentInfo::from_der(sig).expect("DER ContentInfo");
    let sd: cms::signed_data::SignedData = ci.content.decode_as().expect("SignedData");
    sd.signer_infos.0.get(0).cloned().expect("a SignerInfo")
}

/// The DER of the signature-time-stamp token (id-aa-signatureTimeStampToken).
fn embedded_token(sig: &[u8]) -> Vec<u8> {
    use der::Encode;
    let si = signer_info(sig);
    let attrs = si.unsigned_attrs.expect("unsigned attributes");
    let a = attrs
        .iter()
        .find(|a| a.oid.to_string() == "1.2.840.113549.1.9.16.2.14")
        .expect("a signature-time-stamp attribute");
    a.values.get(0).expect("one value").to_der().unwrap()
}

/// The signature value the token must time-stamp.
fn signature_value(sig: &[u8]) -> Vec<u8> {
    signer_info(sig).signature.as_bytes().to_vec()
}

/// The same signature with its token replaced by `token` of the same length (tokens of one
/// TSA differ only in serial and time, which have fixed lengths here).
fn swap_token(sig: &[u8], token: &[u8]) -> Vec<u8> {
    let old = embedded_token(sig);
    assert_eq!(
        old.len(),
        token.len(),
        "tokens of the same TSA have the same length"
    );
    let at = sig
        .windows(old.len())
        .position(|w| w == old.as_slice())
        .expect("the token's bytes in the signature");
    let mut out = sig.to_vec();
    out[at..at + old.len()].copy_from_slice(token);
    out
}

/// EN 319 102-1 §5.6.2.1: a signer revoked after the time-stamp's time is TOTAL-PASSED with
/// the revocation listed; revoked before it, or with no time-stamp, TOTAL-FAILED (REVOKED).
#[test]
fn a_revoked_signer_passes_with_an_earlier_time_stamp_fails_with_a_later_one_else_no_poe() {
    let pki = Pki::new();
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Official"));
    let now = Timestamp::now();
    let fmt = |t: i64| {
        let t = Timestamp::from_unix(t);
        t.to_string()
    };
    let stamped = signer(&leaf, &pki, Some(timestamper(&tsa)), now)
        .sign_bytes(b"doc")
        .unwrap();
    let plain = signer(&leaf, &pki, None, now).sign_bytes(b"doc").unwrap();
    // Validated 10 minutes from now, with a CRL issued 5 minutes from now.
    let at = Timestamp::from_unix(now.unix() + 600);
    let crl = |revoked_at: i64| {
        let spec = kyso_testkit::CrlSpec {
            this_update: now.unix() + 300,
            next_update: Some(now.unix() + 86_400),
            ..Default::default()
        }
        .revoke(&leaf, &fmt(revoked_at), Some(1));
        Crl::from_der(&pki.crl(&pki.sub, &spec)).unwrap()
    };
    let verifier = |c: Crl| {
        Verifier::new()
            .with_trust_anchors([cert(&pki.root)])
            .with_crls([c])
    };

    // Revoked two minutes after the time-stamp: the signature existed before.
    let v = verifier(crl(now.unix() + 120));
    let r = v.verify_bytes(&stamped, Some(b"doc"), at);
    let s0 = &r.signatures[0];
    assert_eq!(
        r.indication,
        Indication::TotalPassed,
        "{:?} {:#?}",
        s0.messages,
        s0.timestamps
    );
    assert_eq!(s0.chain_validated_at, s0.timestamps[0].gen_time);
    assert!(
        matches!(s0.revocation[0], kyso::RevocationStatus::Revoked { .. }),
        "the revocation is listed: {:?}",
        s0.revocation[0]
    );
    // Without the time-stamp nothing proves the signature predates the revocation, nor that
    // it was made after it: INDETERMINATE/REVOKED_NO_POE (EN 319 102-1 §5.2.6).
    let r = v.verify_bytes(&plain, Some(b"doc"), at);
    assert_eq!(r.indication, Indication::Indeterminate);
    assert_eq!(r.sub_indication, Some(kyso::SubIndication::RevokedNoPoe));
    let (_, reason) = r.signatures[0].failures().next().unwrap();
    assert_eq!(reason.code(), "signer_revoked_no_poe");

    // Revoked an hour before the time-stamp: TOTAL-FAILED, time-stamp or not.
    let v = verifier(crl(now.unix() - 3600));
    let r = v.verify_bytes(&stamped, Some(b"doc"), at);
    assert_eq!(r.indication, Indication::TotalFailed);
    assert_eq!(r.sub_indication, Some(kyso::SubIndication::Revoked));
    assert_eq!(r.signatures[0].chain_validated_at, None);
}

/// The agency-default policy, with SHA-384 allowed only until `until` (a dated rule, as ETSI
/// TS 119 312 dates algorithms).
fn sha384_until(until: Timestamp) -> kyso::ValidationPolicy {
    let text = include_str!("../policies/agency-default.toml").replace(
        "{ name = \"sha384\" }",
        &format!("{{ name = \"sha384\", until = \"{until}\" }}"),
    );
    kyso::ValidationPolicy::from_toml(&text).unwrap()
}

fn algorithm_check(s: &kyso::SignatureReport) -> &kyso::CheckResult {
    &s.checks
        .iter()
        .find(|c| c.check == kyso::CheckName::AlgorithmPolicy)
        .unwrap()
        .result
}

/// ETSI EN 319 102-1 §5.2.8 / §5.6.2.5: an algorithm that was reliable only until a date that
/// has passed. A SHA-384 signature judged after SHA-384's (fictitious) end date: without a
/// time-stamp INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE_NO_POE; with a SHA-256 time-stamp from
/// before the date it passes, the algorithms judged at the time-stamp's time; with one from
/// after the date CRYPTO_CONSTRAINTS_FAILURE; never allowed at all CRYPTO_CONSTRAINTS_FAILURE.
#[test]
fn an_algorithm_that_became_weak_later_needs_a_proof_of_existence_from_before() {
    use kyso::{CheckResult, Reason, SubIndication};
    let pki = Pki::new();
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An"));
    let now = Timestamp::now();
    let sign = |t: Option<Timestamper>| {
        let key = SigningKey::from_key_and_cert(&leaf.key_pem(), None, cert(&leaf))
            .unwrap()
            .with_chain(vec![cert(&pki.sub)]);
        let mut b = Signer::new(key)
            .digest(kyso::DigestAlgorithm::Sha384)
            .signing_time(now)
            .now(now);
        if let Some(t) = t {
            b = b.timestamper(t);
        }
        b.build().unwrap().sign_bytes(b"quyet dinh").unwrap()
    };
    let (bb, bt) = (sign(None), sign(Some(timestamper(&tsa))));
    let until = Timestamp::from_unix(now.unix() + 3600);
    let later = Timestamp::from_unix(now.unix() + 7200);
    let verify = |sig: &[u8], policy: kyso::ValidationPolicy, at: Timestamp| {
        Verifier::new()
            .with_trust_anchors([cert(&pki.root)])
            .with_policy(policy)
            .verify_bytes(sig, Some(b"quyet dinh"), at)
    };

    // Before the end date both pass, judged at the validation time.
    for sig in [&bb, &bt] {
        let r = verify(sig, sha384_until(until), now);
        assert_eq!(
            r.indication,
            Indication::TotalPassed,
            "{:?}",
            r.signatures[0].messages
        );
        assert_eq!(r.signatures[0].algorithms_validated_at, None);
    }

    // After it, B-B has no proof of existence.
    let r = verify(&bb, sha384_until(until), later);
    let s = &r.signatures[0];
    assert_eq!(r.indication, Indication::Indeterminate);
    assert_eq!(
        s.sub_indication,
        Some(SubIndication::CryptoConstraintsFailureNoPoe)
    );
    match algorithm_check(s) {
        CheckResult::Failed(Reason::WeakAlgorithmNoPoe {
            detail,
            reliable_until,
        }) => {
            assert_eq!(*reliable_until, until);
            assert!(detail.contains("sha384"), "{detail}");
        }
        other => panic!("{other:?}"),
    }

    // B-T: the time-stamp (SHA-256, still reliable) proves the signature existed before.
    let r = verify(&bt, sha384_until(until), later);
    let s = &r.signatures[0];
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", s.messages);
    assert_eq!(algorithm_check(s), &CheckResult::Passed);
    assert!(s.timestamps[0].is_valid());
    assert_eq!(s.algorithms_validated_at, s.timestamps[0].gen_time);

    // The end date before the time-stamp: the proof comes too late.
    let r = verify(
        &bt,
        sha384_until(Timestamp::from_unix(now.unix() - 3600)),
        later,
    );
    let s = &r.signatures[0];
    assert_eq!(
        s.sub_indication,
        Some(SubIndication::CryptoConstraintsFailure),
        "{:?}",
        s.messages
    );
    assert_eq!(s.algorithms_validated_at, None);

    // Never allowed: a time-stamp changes nothing.
    let text =
        include_str!("../policies/agency-default.toml").replace("{ name = \"sha384\" }, ", "");
    let r = verify(&bt, kyso::ValidationPolicy::from_toml(&text).unwrap(), now);
    assert_eq!(
        r.signatures[0].sub_indication,
        Some(SubIndication::CryptoConstraintsFailure)
    );
}
