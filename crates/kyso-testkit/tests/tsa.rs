//! The loopback TSA: real `openssl ts -reply` tokens that `openssl ts -verify` accepts, and
//! each misbehaving mode producing what it says, read back with `openssl ts -reply -text`.
//! These tests need the openssl CLI and fail without it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use kyso_testkit::cms::Digest;
use kyso_testkit::der;
use kyso_testkit::http::request;
use kyso_testkit::tsa::{
    self, openssl_ts_query, openssl_ts_text, openssl_ts_verify, openssl_ts_verify_with, Imprint,
    Mode, TsInput, Tsa, TsaCert, TsaCerts,
};
use kyso_testkit::{KeyType, Pki, PINNED};

const T: Duration = Duration::from_secs(10);
const DATA: &[u8] = "Quyết định số 42/QĐ-UBND".as_bytes();

/// One PKI and one set of TSA certificates for the whole binary (key generation is the slow
/// part); each test starts its own TSA over them.
fn certs() -> &'static TsaCerts {
    static CERTS: OnceLock<TsaCerts> = OnceLock::new();
    CERTS.get_or_init(|| TsaCerts::new(&Pki::new()))
}

fn start() -> Tsa {
    Tsa::with_certs(certs().clone())
}

fn post(tsa: &Tsa, query: &[u8]) -> Vec<u8> {
    let (status, body) = request(&tsa.url(), "POST", query, T).expect("POST to the TSA");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    body
}

/// The value after `label` on its line of `openssl ts -text` output.
fn field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {label:?} in\n{text}"))
}

/// The nonce of a TimeStampReq as openssl prints it (`0x` and upper-case hex of its bytes,
/// without leading zero bytes: a leading zero nibble is kept, `0x0FBD…`).
fn query_nonce(query: &[u8]) -> String {
    let nonce = der::children(query)
        .into_iter()
        .skip(2)
        .find(|i| i[0] == 0x02)
        .expect("query has a nonce");
    let hex: String = nonce[2..]
        .iter()
        .skip_while(|b| **b == 0)
        .map(|b| format!("{b:02X}"))
        .collect();
    format!("0x{hex}")
}

#[test]
fn openssl_query_gets_a_token_openssl_verifies() {
    let tsa = start();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    // Over a plain TcpStream, to see the headers.
    let addr = tsa.server().addr();
    let mut s = TcpStream::connect_timeout(&addr, T).unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    write!(
        s,
        "POST /tsa HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/timestamp-query\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        q.len()
    )
    .unwrap();
    s.write_all(&q).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains("Content-Type: application/timestamp-reply"),
        "{head}"
    );
    let reply = raw[split + 4..].to_vec();
    assert_eq!(tsa.requests(), 1);
    assert_eq!(tsa::reply_status(&reply), Some(0));

    let ca = tsa.ca_file();
    assert!(openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &ca
    ));
    assert!(openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Data(DATA),
        &ca
    ));
    let token = tsa::reply_token(&reply).unwrap();
    let digest = tsa::digest(Digest::Sha256, DATA);
    assert!(openssl_ts_verify(
        TsInput::Token(&token),
        Imprint::Digest(&digest),
        &ca
    ));
    // Negative controls: other data, and a CA file that does not anchor the TSA.
    assert!(!openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Data(b"other"),
        &ca
    ));
    let other = tsa.trust_file(TsaCert::OtherCa);
    assert!(!openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &other
    ));

    let text = openssl_ts_text(TsInput::Reply(&reply));
    assert_eq!(field(&text, "Status:"), "Granted.");
    assert_eq!(field(&text, "Policy OID:"), tsa::POLICY);
    assert_eq!(field(&text, "Hash Algorithm:"), "sha256");
    assert_eq!(field(&text, "Nonce:"), query_nonce(&q));
    assert_eq!(field(&text, "Ordering:"), "yes");
    assert_eq!(
        field(&text, "Accuracy:"),
        "0x01 seconds, 0x01F4 millis, 0x64 micros"
    );
    assert_eq!(
        field(&text, "TSA:"),
        "DirName:/C=VN/O=Kyso Testkit/CN=Kyso Testkit TSA"
    );
    // The TSTInfo the token carries is the one printed.
    let tst = tsa::token_tst_info(&token).unwrap();
    assert!(tst.windows(digest.len()).any(|w| w == digest.as_slice()));
}

#[test]
fn the_kit_query_is_byte_for_byte_openssls() {
    for (alg, cert_req) in [(Digest::Sha256, true), (Digest::Sha512, false)] {
        let theirs = openssl_ts_query(DATA, alg, true, cert_req, None);
        let nonce = der::children(&theirs)[2][2..].to_vec();
        let ours = tsa::query(alg, &tsa::digest(alg, DATA), Some(&nonce), cert_req);
        assert_eq!(ours, theirs, "{alg:?} certReq={cert_req}");
    }
    let theirs = openssl_ts_query(DATA, Digest::Sha384, false, false, Some(tsa::OTHER_POLICY));
    let ours = tsa::query_with_policy(
        Digest::Sha384,
        &tsa::digest(Digest::Sha384, DATA),
        None,
        false,
        Some(tsa::OTHER_POLICY),
    );
    assert_eq!(ours, theirs);
}

#[test]
fn parallel_requests_get_distinct_serials() {
    let tsa = std::sync::Arc::new(start());
    let threads: Vec<_> = (0..6u8)
        .map(|i| {
            let tsa = std::sync::Arc::clone(&tsa);
            std::thread::spawn(move || {
                let digest = tsa::digest(Digest::Sha256, &[i]);
                let q = tsa::query(Digest::Sha256, &digest, Some(&[i + 1, 0x55]), true);
                let reply = post(&tsa, &q);
                assert!(openssl_ts_verify(
                    TsInput::Reply(&reply),
                    Imprint::Query(&q),
                    &tsa.ca_file()
                ));
                field(&openssl_ts_text(TsInput::Reply(&reply)), "Serial number:").to_string()
            })
        })
        .collect();
    let mut serials: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), 6, "{serials:?}");
    assert_eq!(tsa.requests(), 6);
}

#[test]
fn certificate_request_and_policy() {
    let tsa = start();
    let digest = tsa::digest(Digest::Sha256, DATA);
    // Without certReq the token carries no certificates: openssl needs the TSA certificate.
    let q = tsa::query(Digest::Sha256, &digest, Some(&[7; 8]), false);
    let reply = post(&tsa, &q);
    let ca = tsa.ca_file();
    assert!(!openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &ca
    ));
    let good = tsa.bundle_file(TsaCert::Good);
    let untrusted = ["-untrusted", good.to_str().unwrap()];
    openssl_ts_verify_with(TsInput::Reply(&reply), Imprint::Query(&q), &ca, &untrusted).unwrap();
    // The second policy is granted when asked for; an unknown one is rejected by openssl.
    let q = tsa::query_with_policy(Digest::Sha256, &digest, None, true, Some(tsa::OTHER_POLICY));
    let text = openssl_ts_text(TsInput::Reply(&post(&tsa, &q)));
    assert_eq!(field(&text, "Policy OID:"), tsa::OTHER_POLICY);
    assert_eq!(field(&text, "Nonce:"), "unspecified");
    let q = tsa::query_with_policy(Digest::Sha256, &digest, None, true, Some("1.2.3.4"));
    let reply = post(&tsa, &q);
    assert_eq!(tsa::reply_status(&reply), Some(2));
    // A TimeStampReq of version 9: openssl answers with a rejection.
    let reply = post(&tsa, b"\x30\x03\x02\x01\x09");
    let text = openssl_ts_text(TsInput::Reply(&reply));
    assert_eq!(field(&text, "Status:"), "Rejected.");
    assert_eq!(
        field(&text, "Failure info:"),
        "the data submitted has the wrong format"
    );
    // Not DER at all: the same, in every mode that answers with a token.
    for mode in [
        Mode::Granted,
        Mode::WrongNonce,
        Mode::WrongImprint,
        Mode::SignedBy(TsaCert::NoEku),
        Mode::AtTime {
            gen_time: der::parse_rfc3339(PINNED),
            cert: TsaCert::Good,
        },
    ] {
        tsa.set_mode(mode);
        let text = openssl_ts_text(TsInput::Reply(&post(&tsa, b"not a query")));
        assert_eq!(
            field(&text, "Status description:"),
            "Bad request format or system error.",
            "{mode:?}"
        );
        assert_eq!(
            field(&text, "Failure info:"),
            "the data submitted has the wrong format",
            "{mode:?}"
        );
    }
}

#[test]
fn rejection() {
    let tsa = start();
    tsa.set_mode(Mode::Rejection);
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    let reply = post(&tsa, &q);
    assert_eq!(tsa::reply_status(&reply), Some(2));
    assert_eq!(tsa::reply_token(&reply), None);
    let text = openssl_ts_text(TsInput::Reply(&reply));
    assert_eq!(field(&text, "Status:"), "Rejected.");
    assert_eq!(field(&text, "Status description:"), tsa::REJECTION_TEXT);
    // badRequest, in openssl's words.
    assert_eq!(
        field(&text, "Failure info:"),
        "transaction not permitted or supported"
    );
    assert!(text.contains("Not included."), "{text}");
    assert!(!openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &tsa.ca_file()
    ));
    // Back to normal.
    tsa.set_mode(Mode::Granted);
    assert_eq!(tsa::reply_status(&post(&tsa, &q)), Some(0));
}

#[test]
fn wrong_nonce() {
    let tsa = start();
    tsa.set_mode(Mode::WrongNonce);
    let ca = tsa.ca_file();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    let reply = post(&tsa, &q);
    let text = openssl_ts_text(TsInput::Reply(&reply));
    let sent = query_nonce(&q);
    let got = field(&text, "Nonce:");
    assert_ne!(got, sent);
    // Only the lowest bit differs.
    let n = |s: &str| u128::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
    assert_eq!(n(got) ^ n(&sent), 1, "{got} vs {sent}");
    // openssl refuses it against the request, accepts it against the data alone.
    let err =
        openssl_ts_verify_with(TsInput::Reply(&reply), Imprint::Query(&q), &ca, &[]).unwrap_err();
    assert!(err.contains("nonce mismatch"), "{err}");
    assert!(openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Data(DATA),
        &ca
    ));
    // A request without a nonce gets one.
    let q = openssl_ts_query(DATA, Digest::Sha256, false, true, None);
    let text = openssl_ts_text(TsInput::Reply(&post(&tsa, &q)));
    assert_eq!(field(&text, "Nonce:"), format!("0x{:X}", tsa::ADDED_NONCE));
}

#[test]
fn wrong_imprint() {
    let tsa = start();
    tsa.set_mode(Mode::WrongImprint);
    let ca = tsa.ca_file();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    let reply = post(&tsa, &q);
    let token = tsa::reply_token(&reply).unwrap();
    let digest = tsa::digest(Digest::Sha256, DATA);
    let err =
        openssl_ts_verify_with(TsInput::Reply(&reply), Imprint::Query(&q), &ca, &[]).unwrap_err();
    assert!(err.contains("message imprint mismatch"), "{err}");
    assert!(!openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Data(DATA),
        &ca
    ));
    // The token is otherwise sound: it verifies against the altered digest, and the nonce
    // is the one sent.
    let mut altered = digest.clone();
    *altered.last_mut().unwrap() ^= 0xff;
    assert!(openssl_ts_verify(
        TsInput::Token(&token),
        Imprint::Digest(&altered),
        &ca
    ));
    let text = openssl_ts_text(TsInput::Reply(&reply));
    assert_eq!(field(&text, "Nonce:"), query_nonce(&q));
}

#[test]
fn openssl_refuses_to_sign_without_the_critical_eku_alone() {
    let tsa = start();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    for which in TsaCert::ALL {
        let r = tsa.openssl_reply(which, &q);
        if which.openssl_signs() {
            let reply = r.unwrap_or_else(|e| panic!("{which:?}: {e}"));
            assert_eq!(tsa::reply_status(&reply), Some(0), "{which:?}");
        } else {
            let e = r.unwrap_err();
            assert!(
                e.contains("invalid signer certificate purpose"),
                "{which:?}: {e}"
            );
        }
    }
}

/// The TSTInfo lines of `openssl ts -text` but the serial number and the time.
fn tst_lines(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.starts_with("TST info:"))
        .filter(|l| !l.starts_with("Serial number:") && !l.starts_with("Time stamp:"))
        .map(String::from)
        .collect()
}

#[test]
fn hand_built_tokens_match_openssls_and_verify() {
    let tsa = start();
    let ca = tsa.ca_file();
    let pinned = der::parse_rfc3339(PINNED);
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    let real = openssl_ts_text(TsInput::Reply(&post(&tsa, &q)));
    tsa.set_mode(Mode::AtTime {
        gen_time: pinned,
        cert: TsaCert::Good,
    });
    let reply = post(&tsa, &q);
    let text = openssl_ts_text(TsInput::Reply(&reply));
    assert_eq!(field(&text, "Time stamp:"), "Jun  1 00:00:00 2026 GMT");
    assert_eq!(tst_lines(&text), tst_lines(&real));
    assert!(openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &ca
    ));
    // Without certReq: no certificates, as openssl does.
    let q = openssl_ts_query(DATA, Digest::Sha512, true, false, None);
    let reply = post(&tsa, &q);
    assert!(!openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &ca
    ));
    let good = tsa.bundle_file(TsaCert::Good);
    let untrusted = ["-untrusted", good.to_str().unwrap()];
    openssl_ts_verify_with(TsInput::Reply(&reply), Imprint::Query(&q), &ca, &untrusted).unwrap();
    assert_eq!(
        field(&openssl_ts_text(TsInput::Reply(&reply)), "Hash Algorithm:"),
        "sha512"
    );
    // What openssl would refuse, the hand-built path refuses with the same status.
    let bad = tsa::query_with_policy(Digest::Sha256, &[0; 32], None, true, Some("1.2.3.4"));
    assert_eq!(tsa::reply_status(&post(&tsa, &bad)), Some(2));
    assert_eq!(
        field(
            &openssl_ts_text(TsInput::Reply(&post(&tsa, &bad))),
            "Failure info:"
        ),
        "the requested TSA policy is not supported by the TSA"
    );
}

/// OpenSSL's CMS_verify of a token at the current time, trusting the PKI's root, for any
/// purpose.
fn cms_verify_any_purpose(token: &[u8], certs: &TsaCerts) -> Result<(), String> {
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use openssl::x509::store::X509StoreBuilder;
    use openssl::x509::X509PurposeId;
    let mut cms = CmsContentInfo::from_der(token).map_err(|e| e.to_string())?;
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(certs.root.cert.clone()).unwrap();
    store.set_purpose(X509PurposeId::ANY).unwrap();
    let store = store.build();
    let mut out = Vec::new();
    cms.verify(None, Some(&store), None, Some(&mut out), CMSOptions::BINARY)
        .map_err(|e| e.to_string())?;
    // The content is the TSTInfo.
    if out == tsa::token_tst_info(token).unwrap() {
        Ok(())
    } else {
        Err("CMS content is not the TSTInfo".into())
    }
}

#[test]
fn bad_purpose_certificates_fail_only_on_purpose() {
    let tsa = start();
    let ca = tsa.ca_file();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    for which in [
        TsaCert::NoEku,
        TsaCert::NonCriticalEku,
        TsaCert::ExtraPurpose,
    ] {
        tsa.set_mode(Mode::SignedBy(which));
        let reply = post(&tsa, &q);
        let text = openssl_ts_text(TsInput::Reply(&reply));
        assert_eq!(field(&text, "Status:"), "Granted.", "{which:?}");
        assert_eq!(
            field(&text, "TSA:"),
            format!(
                "DirName:/C=VN/O=Kyso Testkit/CN={}",
                tsa.certs().get(which).common_name()
            )
        );
        let err = openssl_ts_verify_with(TsInput::Reply(&reply), Imprint::Query(&q), &ca, &[])
            .unwrap_err();
        assert!(
            err.contains("unsuitable certificate purpose"),
            "{which:?}: {err}"
        );
        // `openssl ts -verify` cannot lift its purpose check; OpenSSL's CMS verifier with
        // any purpose accepts the token's signature and chain, and the ESS
        // signing-certificate-v2 names the signer (the same code makes the good hand-built
        // token that `openssl ts -verify` accepts), so the certificate's purpose is all
        // that is wrong.
        let token = tsa::reply_token(&reply).unwrap();
        cms_verify_any_purpose(&token, tsa.certs()).unwrap_or_else(|e| panic!("{which:?}: {e}"));
        let cert_hash = openssl::sha::sha256(&tsa.certs().get(which).cert_der());
        assert!(
            token.windows(32).any(|w| w == cert_hash),
            "{which:?}: ESS cert hash"
        );
    }
    // What the certificates hold.
    let text = |c: TsaCert| String::from_utf8(tsa.certs().get(c).cert.to_text().unwrap()).unwrap();
    let eku = "X509v3 Extended Key Usage: critical\n                Time Stamping\n";
    assert!(text(TsaCert::Good).contains(eku), "{}", text(TsaCert::Good));
    assert!(!text(TsaCert::NoEku).contains("Extended Key Usage"));
    assert!(text(TsaCert::NonCriticalEku).contains("X509v3 Extended Key Usage: \n"));
    assert!(text(TsaCert::ExtraPurpose).contains("Time Stamping, Code Signing"));
}

#[test]
fn unrelated_ca_verifies_only_under_its_own_root() {
    let tsa = start();
    tsa.set_mode(Mode::SignedBy(TsaCert::OtherCa));
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    let reply = post(&tsa, &q);
    let err = openssl_ts_verify_with(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &tsa.ca_file(),
        &[],
    )
    .unwrap_err();
    // The token embeds the unrelated root, which the CA file does not hold.
    assert!(
        err.contains("self-signed certificate in certificate chain"),
        "{err}"
    );
    let own = tsa.trust_file(TsaCert::OtherCa);
    assert!(openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &own
    ));
}

#[test]
fn expired_at_gen_time() {
    let tsa = start();
    let ca = tsa.ca_file();
    let not_after = der::parse_rfc3339(tsa::EXPIRED_NOT_AFTER);
    let before = (not_after - 86_400).to_string();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    // By openssl, genTime from the clock; by hand, genTime pinned after the expiry.
    for mode in [
        Mode::SignedBy(TsaCert::Expired),
        Mode::AtTime {
            gen_time: der::parse_rfc3339(PINNED),
            cert: TsaCert::Expired,
        },
    ] {
        tsa.set_mode(mode);
        let reply = post(&tsa, &q);
        let text = openssl_ts_text(TsInput::Reply(&reply));
        let gen_time = openssl_time(field(&text, "Time stamp:"));
        assert!(gen_time > not_after, "{mode:?}: genTime {gen_time}");
        let cert_not_after = openssl::asn1::Asn1Time::from_unix(not_after).unwrap();
        assert_eq!(
            tsa.certs()
                .expired
                .cert
                .not_after()
                .compare(&cert_not_after)
                .unwrap(),
            std::cmp::Ordering::Equal
        );
        let err = openssl_ts_verify_with(TsInput::Reply(&reply), Imprint::Query(&q), &ca, &[])
            .unwrap_err();
        assert!(err.contains("certificate has expired"), "{mode:?}: {err}");
        // Validated at a time inside its validity, the token is fine.
        openssl_ts_verify_with(
            TsInput::Reply(&reply),
            Imprint::Query(&q),
            &ca,
            &["-attime", &before],
        )
        .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
    }
}

/// `Jun  1 00:00:00 2026 GMT` (how openssl prints a time) to a Unix time.
fn openssl_time(s: &str) -> i64 {
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let p: Vec<&str> = s.split_whitespace().collect();
    let [mon, day, hms, year, "GMT"] = p[..] else {
        panic!("time {s:?}");
    };
    let m = months.iter().position(|x| *x == mon).unwrap() + 1;
    let d: u32 = day.parse().unwrap();
    der::parse_rfc3339(&format!("{year}-{m:02}-{d:02}T{hms}Z"))
}

#[test]
fn slow_and_down() {
    let tsa = start();
    let q = openssl_ts_query(DATA, Digest::Sha256, true, true, None);
    tsa.set_mode(Mode::Slow(Duration::from_millis(1500)));
    let start = Instant::now();
    let r = request(&tsa.url(), "POST", &q, Duration::from_millis(300));
    assert!(r.is_err(), "{r:?}");
    assert!(start.elapsed() < Duration::from_millis(1200));
    // A patient client gets a good token after the delay.
    let start = Instant::now();
    let reply = post(&tsa, &q);
    assert!(start.elapsed() >= Duration::from_millis(1500));
    assert!(openssl_ts_verify(
        TsInput::Reply(&reply),
        Imprint::Query(&q),
        &tsa.ca_file()
    ));

    tsa.set_mode(Mode::Down);
    let r = request(&tsa.url(), "POST", &q, T);
    assert!(r.is_err(), "{r:?}");
    assert_eq!(tsa.requests(), 3);
    tsa.set_mode(Mode::Granted);
    assert_eq!(tsa::reply_status(&post(&tsa, &q)), Some(0));

    let refused = tsa::refused_url(tsa::PATH);
    let e = request(&refused, "POST", &q, T).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
}

#[test]
fn ecdsa_tsa() {
    let pki = Pki::with_key_types(KeyType::P256, KeyType::P256);
    let tsa = Tsa::with_certs(TsaCerts::with_key_type(&pki, KeyType::P256));
    let q = openssl_ts_query(DATA, Digest::Sha384, true, true, None);
    for mode in [
        Mode::Granted,
        Mode::AtTime {
            gen_time: der::parse_rfc3339(PINNED),
            cert: TsaCert::Good,
        },
    ] {
        tsa.set_mode(mode);
        let reply = post(&tsa, &q);
        assert!(
            openssl_ts_verify(TsInput::Reply(&reply), Imprint::Query(&q), &tsa.ca_file()),
            "{mode:?}"
        );
        assert_eq!(tsa.certs().good.key_type(), KeyType::P256);
    }
}
