//! ASiC containers raised to B-LT (issue 15): `Extender::extend_container` against the
//! testkit's loopback peers (`openssl ts -reply` as the TSA, `openssl ocsp` as the responder,
//! CRLs on another host). An ASiC-E container's signature becomes B-LT and validates offline
//! from what it embeds; the data objects and the manifest keep their bytes; a second run
//! changes nothing; B-LTA for ASiC-E then adds its archive manifest and time-stamp.

use std::sync::Arc;
use std::time::Duration;

use kyso::{
    Certificate, Extender, FetchOptions, Fetcher, Indication, RevocationMode, SignatureLevel,
    Signer, SigningKey, Timestamp, Timestamper, Verifier,
};
use kyso_testkit::ltv::LtPki;
use kyso_testkit::Issued;

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("test certificate")
}

fn now() -> Timestamp {
    Timestamp::now()
}

fn verifier(f: &LtPki) -> Verifier {
    Verifier::new()
        .with_trust_anchors([cert(&f.pki.root)])
        .with_revocation_mode(RevocationMode::Required)
}

fn online(f: &LtPki) -> Verifier {
    let fetcher = Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(5))).unwrap();
    verifier(f).with_fetcher(Arc::new(fetcher))
}

fn timestamper(f: &LtPki) -> Timestamper {
    let fetcher = Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(5))).unwrap();
    Timestamper::new(f.tsa.url(), Arc::new(fetcher), online(f))
}

fn signer(f: &LtPki) -> Signer {
    let key = SigningKey::from_key_and_cert(&f.leaf.key_pem(), None, cert(&f.leaf))
        .unwrap()
        .with_chain(vec![cert(&f.sub)]);
    Signer::new(key)
        .signing_time(now())
        .now(now())
        .build()
        .unwrap()
}

/// Every entry's name and inflated bytes, with Python's zipfile (a real reader).
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let dir = std::env::temp_dir().join(format!("kyso-asic-levels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("c.asice");
    std::fs::write(&f, bytes).unwrap();
    let o = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;[print(i.filename+'\\t'+z.read(i).hex()) for i in z.infolist()]",
            &f.display().to_string(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (n, h) = l.split_once('\t').unwrap();
            let b = (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect();
            (n.to_string(), b)
        })
        .collect()
}

#[test]
fn an_asic_e_container_extended_to_b_lt_validates_offline() {
    let f = LtPki::new();
    let files = vec![
        ("Quyết định số 15.pdf".to_string(), b"quyet dinh".to_vec()),
        ("to-trinh.txt".to_string(), b"to trinh".to_vec()),
    ];
    let container = signer(&f).sign_asic_e(&files).unwrap();
    // The same certificate cannot sign the container twice.
    assert!(matches!(
        signer(&f).add_to_asic(&container),
        Err(kyso::Error::SigningRefused(_))
    ));
    let extender = Extender::new(online(&f), SignatureLevel::BLT, now())
        .unwrap()
        .timestamper(timestamper(&f));
    let (lt, outcome) = extender.extend_container(&container).unwrap();
    assert!(outcome.changed());
    assert_eq!(outcome.signatures.len(), 1, "{outcome:?}");
    assert!(outcome
        .signatures
        .iter()
        .all(|s| s.level_after == SignatureLevel::BLT));
    // Only the .p7s entries changed; the documents and manifests are the same bytes.
    let (before, after) = (entries(&container), entries(&lt));
    assert_eq!(before.len(), after.len());
    for ((n1, b1), (n2, b2)) in before.iter().zip(&after) {
        assert_eq!(n1, n2);
        assert_eq!(b1 == b2, !n1.ends_with(".p7s"), "{n1}");
    }
    let at = Timestamp::from_unix(now().unix() + 300);
    let r = verifier(&f).verify_asic_bytes("lt.asice", &lt, at);
    assert_eq!(
        r.indication,
        Indication::TotalPassed,
        "{:?}",
        r.signatures.iter().map(|s| &s.messages).collect::<Vec<_>>()
    );
    assert!(r
        .signatures
        .iter()
        .all(|s| s.level == SignatureLevel::BLT && s.validation_data_embedded));
    // Again: nothing to do, nothing returned.
    let (again, outcome) = extender.extend_container(&lt).unwrap();
    assert!(!outcome.changed() && again.is_empty(), "{outcome:?}");
    // B-LTA for ASiC-E is an archive manifest and its time-stamp (EN 319 162-1 §A.7) over
    // the B-LT container, which then verifies at B-LTA (asic_lta.rs and extend.rs go further).
    let lta = Extender::new(online(&f), SignatureLevel::BLTA, now())
        .unwrap()
        .timestamper(timestamper(&f));
    let (archived, outcome) = lta.extend_container(&lt).unwrap();
    assert!(
        outcome.signatures.iter().all(|s| s.archive_timestamp_added),
        "{outcome:?}"
    );
    let r = online(&f).verify_asic_bytes("lta.asice", &archived, at);
    assert_eq!(r.indication, Indication::TotalPassed);
    assert!(r.signatures.iter().all(|s| s.level == SignatureLevel::BLTA));
}

/// ASiC-S keeps its long-term data inside the CMS (DSS's dss1984.asics does the same): B-LTA
/// is an archive-time-stamp-v3 in `signature.p7s` over the one document.
#[test]
fn an_asic_s_container_extended_to_b_lta_carries_its_archive_time_stamp() {
    let f = LtPki::new();
    let container = signer(&f)
        .sign_asic_s("Quyết định số 15.pdf", b"quyet dinh")
        .unwrap();
    let extender = Extender::new(online(&f), SignatureLevel::BLTA, now())
        .unwrap()
        .timestamper(timestamper(&f));
    let (lta, outcome) = extender.extend_container(&container).unwrap();
    assert!(outcome.changed());
    assert!(outcome.signatures[0].archive_timestamp_added, "{outcome:?}");
    let at = Timestamp::from_unix(now().unix() + 300);
    let r = verifier(&f).verify_asic_bytes("lta.asics", &lta, at);
    assert_eq!(
        r.indication,
        Indication::TotalPassed,
        "{:?}",
        r.signatures[0].messages
    );
    assert_eq!(r.signatures[0].level, SignatureLevel::BLTA);
}
