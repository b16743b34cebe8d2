//! CAdES B-T against a real TSA on loopback (`openssl ts -reply` behind the testkit's HTTP
//! server): the token kyso asks for is checked before it is embedded, `openssl ts -verify`
//! accepts it, and verification reports it and uses its time as the proof of existence.

use std::sync::Arc;
use std::time::Duration;

use kyso::{
    Certificate, FetchOptions, Fetcher, Indication, SignatureLevel, Signer, SigningKey, Timestamp,
    Timestamper, Verifier,
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

/// The DER of the first signature-time-stamp token in a signature made by kyso.
fn embedded_token(sig: &[u8]) -> Vec<u8> {
    let (start, len) = token_span(sig);
    sig[start..start + len].to_vec()
}

/// The same signature with its token replaced by `token` (same length: tokens of one TSA
/// differ in length only by their serial; the test retries rather than re-encode).
fn swap_token(sig: &[u8], token: &[u8]) -> Vec<u8> {
    let (start, len) = token_span(sig);
    assert_eq!(
        len,
        token.len(),
        "tokens of the same TSA have the same length"
    );
    let mut out = sig.to_vec();
    out[start..start + len].copy_from_slice(token);
    out
}

/// Offset and length of the token: the value of the attribute with OID
/// 1.2.840.113549.1.9.16.2.14.
fn token_span(sig: &[u8]) -> (usize, usize) {
    let oid = [
        0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0e,
    ];
    let at = sig
        .windows(oid.len())
        .position(|w| w == oid)
        .expect("a signature-time-stamp attribute");
    // SET { ContentInfo }
    let set = at + oid.len();
    let (_, set_hdr) = tlv_len(&sig[set..]);
    let ci = set + set_hdr;
    let (ci_len, ci_hdr) = tlv_len(&sig[ci..]);
    (ci, ci_hdr + ci_len)
}

/// (content length, header length) of the TLV at the start of `b`.
fn tlv_len(b: &[u8]) -> (usize, usize) {
    match b[1] {
        n if n < 0x80 => (n as usize, 2),
        0x81 => (b[2] as usize, 3),
        0x82 => (((b[2] as usize) << 8) | b[3] as usize, 4),
        other => panic!("length form {other:#x}"),
    }
}

/// The SignerInfo's signature value (the OCTET STRING just before the [1] unsigned attrs).
fn signature_value(sig: &[u8]) -> Vec<u8> {
    let (start, _) = token_span(sig);
    // Walk back: ... OCTET STRING signature, [1] { SEQUENCE { OID, SET { token } } }
    // Find the last OCTET STRING that ends where the [1] begins.
    let unsigned = (0..start)
        .rev()
        .find(|&i| {
            sig[i] == 0xa1 && {
                let (l, h) = tlv_len(&sig[i..]);
                i + h + l >= start + 1 && sig.get(i + h) == Some(&0x30)
            }
        })
        .expect("[1] unsigned attributes");
    let os = (0..unsigned)
        .rev()
        .find(|&i| {
            sig[i] == 0x04 && {
                let (l, h) = tlv_len(&sig[i..]);
                i + h + l == unsigned
            }
        })
        .expect("signature OCTET STRING");
    let (l, h) = tlv_len(&sig[os..]);
    sig[os + h..os + h + l].to_vec()
}
