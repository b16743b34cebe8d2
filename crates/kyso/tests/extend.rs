//! `Extender` (CAdES B-T and B-LT augmentation) against real peers on loopback: `openssl ts
//! -reply` as the TSA, `openssl ocsp` as the responder, CRLs on another host. A B-B signature
//! extended to B-LT validates offline, with every status from embedded data, while the
//! services are unreachable; the signed bytes of the SignerInfo are unchanged; a second run
//! changes nothing and asks nobody; a broken signature is refused.
//!
//! PKI: root -> "LT Sub CA" (CDP crl-host/root.crl) -> the signer (OCSP ocsp-host/ocsp, CDP
//! crl-host/sub.crl) and the TSA (CDP crl-host/sub.crl).

use std::sync::Arc;
use std::time::Duration;

use kyso::{
    Certificate, Error, ExtendRefusal, Extender, FetchOptions, Fetcher, Indication, RevocationMode,
    RevocationSource, RevocationStatus, SignatureLevel, Signer, SigningKey, Timestamp, Timestamper,
    Verifier,
};
use kyso_testkit::der::{children, signed_parts};
use kyso_testkit::http::Fault;
use kyso_testkit::ltv::LtPki;
use kyso_testkit::tsa::Tsa;
use kyso_testkit::{CertSpec, Issued, Pki};

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("test certificate")
}

fn now() -> i64 {
    Timestamp::now().unix()
}

struct Fixture(LtPki);

impl std::ops::Deref for Fixture {
    type Target = LtPki;
    fn deref(&self) -> &LtPki {
        &self.0
    }
}

impl Fixture {
    fn new() -> Fixture {
        Fixture(LtPki::new())
    }

    fn verifier(&self) -> Verifier {
        Verifier::new()
            .with_trust_anchors([cert(&self.pki.root)])
            .with_revocation_mode(RevocationMode::Required)
    }

    fn online(&self) -> Verifier {
        let fetcher = Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(5))).unwrap();
        self.verifier().with_fetcher(Arc::new(fetcher))
    }

    fn timestamper(&self) -> Timestamper {
        self.stamper(&self.tsa)
    }

    /// A time-stamping client of `tsa` (this fixture's or an extra one).
    fn stamper(&self, tsa: &Tsa) -> Timestamper {
        let fetcher = Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(5))).unwrap();
        Timestamper::new(tsa.url(), Arc::new(fetcher), self.online())
    }

    /// For the renewal tests: the signer's and the first TSA's certificates expire 20 s from
    /// now (room for the first two extensions on a loaded CI machine, each asking the TSA,
    /// OCSP and CRLs); two archive TSAs, valid until 2030 and until 2040. Returns the
    /// fixture, the expiry and the two archive TSAs.
    fn expiring_soon() -> (Fixture, Timestamp, Tsa, Tsa) {
        let expiry = Timestamp::from_unix(now() + 20);
        let f = Fixture(LtPki::with_validity(
            "2026-01-01T00:00:00Z",
            &expiry.to_string(),
        ));
        let tsa1 = f.extra_tsa(
            "Kyso Archive TSA 1",
            "2026-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        );
        let tsa2 = f.extra_tsa(
            "Kyso Archive TSA 2",
            "2026-01-01T00:00:00Z",
            "2040-01-01T00:00:00Z",
        );
        (f, expiry, tsa1, tsa2)
    }

    /// January 1st of `year`, and an offline verifier with the CRLs it would fetch then
    /// (issued the day before, next update a month later).
    fn years_later(&self, year: i32) -> (Timestamp, Verifier) {
        let at = Timestamp::parse_rfc3339(&format!("{year}-01-01T00:00:00Z")).unwrap();
        let crl = |issuer: &Issued| {
            let this_update = format!("{}-12-31T00:00:00Z", year - 1);
            let next_update = format!("{year}-02-01T00:00:00Z");
            let spec = kyso_testkit::CrlSpec::default().updates(&this_update, Some(&next_update));
            kyso::Crl::from_der(&self.pki.crl(issuer, &spec)).unwrap()
        };
        let v = self
            .verifier()
            .with_revocation_mode(RevocationMode::Auto)
            .with_crls([crl(&self.sub), crl(&self.pki.root)]);
        (at, v)
    }

    /// The signer's key with its sub CA as chain.
    fn key(&self) -> SigningKey {
        SigningKey::from_key_and_cert(&self.leaf.key_pem(), None, cert(&self.leaf))
            .unwrap()
            .with_chain(vec![cert(&self.sub)])
    }

    fn sign_bb(&self, content: &[u8]) -> Vec<u8> {
        let t = Timestamp::from_unix(now());
        Signer::new(self.key())
            .signing_time(t)
            .now(t)
            .build()
            .unwrap()
            .sign_bytes(content)
            .unwrap()
    }
}

#[test]
fn a_b_b_signature_extended_to_b_lt_validates_offline_from_what_it_embeds() {
    let f = Fixture::new();
    let content = "Quyết định số 12/QĐ-UBND".as_bytes();
    let bb = f.sign_bb(content);
    let at = Timestamp::from_unix(now() + 300);

    let extender = Extender::new(f.online(), SignatureLevel::BLT, Timestamp::from_unix(now()))
        .unwrap()
        .timestamper(f.timestamper());
    let (lt, outcome) = extender.extend_bytes(&bb, Some(content)).unwrap();
    assert!(outcome.changed());
    assert_eq!(outcome.signatures.len(), 1);
    let s = &outcome.signatures[0];
    assert_eq!(
        (s.level_before, s.level_after, s.timestamp_added),
        (SignatureLevel::BB, SignatureLevel::BLT, true)
    );
    // The leaf's OCSP response, the sub CA's CRL (root.crl) and the TSA's CRL (sub.crl).
    assert_eq!(outcome.revocation_values_added, 3, "{outcome:?}");
    assert_eq!(f.tsa.requests(), 1);
    assert_eq!(signed_parts(&lt), signed_parts(&bb), "signed bytes changed");

    // Offline now, and with every service gone: TOTAL-PASSED at B-LT, every status embedded.
    let offline = f.verifier().verify_bytes(&lt, Some(content), at);
    let r = &offline.signatures[0];
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", r.messages);
    assert_eq!(r.level, SignatureLevel::BLT, "{r:#?}");
    assert!(r.validation_data_embedded);
    for status in &r.revocation[..r.revocation.len() - 1] {
        match status {
            RevocationStatus::Good { evidence, .. } => {
                assert_eq!(evidence.source, RevocationSource::Embedded, "{evidence:?}")
            }
            other => panic!("{other:?}"),
        }
    }
    let token = r.timestamps[0].token.as_ref().unwrap();
    assert!(token.validation_data_embedded, "{token:#?}");

    // The B-B original, offline, cannot be validated under `required`.
    let bare = f.verifier().verify_bytes(&bb, Some(content), at);
    assert_eq!(bare.signatures[0].indication, Indication::Indeterminate);
    assert_eq!(bare.signatures[0].level, SignatureLevel::BB);

    // A second run changes nothing: no time-stamp, no OCSP request. (The verification it
    // starts with is online under `required`, which checks the embedded good OCSP answer
    // against the CRL: that is the one request it makes.)
    let before = f.requests();
    let extender = Extender::new(f.online(), SignatureLevel::BLT, Timestamp::from_unix(now()))
        .unwrap()
        .timestamper(f.timestamper());
    let (again, outcome) = extender.extend_bytes(&lt, Some(content)).unwrap();
    assert!(!outcome.changed(), "{outcome:?}");
    assert!(again.is_empty());
    let after = f.requests();
    assert_eq!(
        (after.0, after.2),
        (before.0, before.2),
        "{before:?} -> {after:?}"
    );
}

#[test]
fn b_t_then_b_lt_keeps_the_first_time_stamp() {
    let f = Fixture::new();
    let content = b"cong van";
    let bb = f.sign_bb(content);
    let now_t = Timestamp::from_unix(now());
    let bt_ext = Extender::new(f.verifier(), SignatureLevel::BT, now_t)
        .unwrap()
        .timestamper(f.timestamper());
    let (bt, o) = bt_ext.extend_bytes(&bb, Some(content)).unwrap();
    assert_eq!(o.signatures[0].level_after, SignatureLevel::BT);
    assert_eq!(o.revocation_values_added, 0);
    assert_eq!(f.tsa.requests(), 1);
    let lt_ext = Extender::new(f.online(), SignatureLevel::BLT, now_t)
        .unwrap()
        .timestamper(f.timestamper());
    let (lt, o) = lt_ext.extend_bytes(&bt, Some(content)).unwrap();
    assert!(!o.signatures[0].timestamp_added);
    assert_eq!(f.tsa.requests(), 1, "the valid time-stamp is kept");
    assert_eq!(signed_parts(&lt), signed_parts(&bb));
    let r = f
        .verifier()
        .verify_bytes(&lt, Some(content), Timestamp::from_unix(now() + 300));
    assert_eq!(r.signatures[0].level, SignatureLevel::BLT, "{r:#?}");
    assert_eq!(r.signatures[0].timestamps.len(), 1);
}

#[test]
fn a_broken_or_unverifiable_signature_is_refused_with_its_reason() {
    let f = Fixture::new();
    let bb = f.sign_bb(b"original");
    let e = Extender::new(f.online(), SignatureLevel::BT, Timestamp::from_unix(now()))
        .unwrap()
        .timestamper(f.timestamper())
        .extend_bytes(&bb, Some(b"tampered"))
        .unwrap_err();
    match &e {
        Error::ExtendRefused(ExtendRefusal::SignatureNotValid {
            indication,
            sub_indication,
            ..
        }) => {
            assert_eq!(indication, "TOTAL-FAILED");
            assert_eq!(sub_indication, "HASH_FAILURE");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.code(), "extend_refused_signature_not_valid");
    assert_eq!(f.tsa.requests(), 0, "nothing is time-stamped");

    // B-LT without a time-stamping authority: refused, not a half-extended file.
    let e = Extender::new(f.online(), SignatureLevel::BLT, Timestamp::from_unix(now()))
        .unwrap()
        .extend_bytes(&bb, Some(b"original"))
        .unwrap_err();
    assert_eq!(e.code(), "extend_refused_needs_tsa", "{e}");

    // B-LT when the revocation services are down: the data cannot be gathered.
    f.ocsp_host.fault("/ocsp", Fault::Drop);
    f.crl_host.fault("/sub.crl", Fault::Drop);
    f.crl_host.fault("/root.crl", Fault::Drop);
    let e = Extender::new(f.online(), SignatureLevel::BLT, Timestamp::from_unix(now()))
        .unwrap()
        .timestamper(f.timestamper())
        .extend_bytes(&bb, Some(b"original"))
        .unwrap_err();
    assert_eq!(e.code(), "extend_refused_signature_not_valid", "{e}");
    assert!(
        Extender::new(f.online(), SignatureLevel::BB, Timestamp::from_unix(now())).is_err(),
        "B-B is not a level to extend to"
    );
}

#[test]
fn b_lt_is_refused_when_a_certificate_names_no_revocation_service() {
    // The plain test PKI: no CRL distribution points, no OCSP. The path validates (auto),
    // but there is no status to embed, so the signature cannot be made B-LT.
    let pki = Pki::new();
    let tsa = Tsa::start(&pki);
    let leaf = pki.leaf(CertSpec::ee("Trần Thị Bình"));
    let key = SigningKey::from_key_and_cert(&leaf.key_pem(), None, cert(&leaf))
        .unwrap()
        .with_chain(vec![cert(&pki.sub)]);
    let t = Timestamp::from_unix(now());
    let bb = Signer::new(key)
        .signing_time(t)
        .now(t)
        .build()
        .unwrap()
        .sign_bytes(b"x")
        .unwrap();
    let verifier = Verifier::new().with_trust_anchors([cert(&pki.root)]);
    let fetcher = Arc::new(Fetcher::new(FetchOptions::new()).unwrap());
    let stamper = Timestamper::new(tsa.url(), fetcher, verifier.clone());
    let e = Extender::new(verifier, SignatureLevel::BLT, t)
        .unwrap()
        .timestamper(stamper)
        .extend_bytes(&bb, Some(b"x"))
        .unwrap_err();
    match &e {
        Error::ExtendRefused(ExtendRefusal::ValidationDataIncomplete { subject, detail }) => {
            assert!(subject.contains("Trần Thị Bình"), "{subject}");
            assert!(detail.contains("names no CRL or OCSP service"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

/// The issue's batch: 1,000 B-B signatures by one signer extended to B-LT on the batch engine
/// with one shared fetcher: one time-stamp request per signature, one request per distinct
/// revocation URL. The sizes of B-B, B-T, B-LT and B-LTA of the same document and the wall
/// time are printed (not asserted).
#[test]
fn extending_1000_signatures_asks_the_tsa_once_each_and_each_url_once() {
    const N: usize = 1_000;
    let f = Fixture::new();
    let contents: Vec<Vec<u8>> = (0..N)
        .map(|i| format!("Công văn số {i}/UBND-VP").into_bytes())
        .collect();
    let signed: Vec<(Vec<u8>, &[u8])> = contents
        .iter()
        .map(|c| (f.sign_bb(c), c.as_slice()))
        .collect();
    let fetcher =
        Arc::new(Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(5))).unwrap());
    let online = f.verifier().with_fetcher(Arc::clone(&fetcher));
    let stamper = Timestamper::new(f.tsa.url(), Arc::clone(&fetcher), online.clone());
    let extender = Extender::new(online, SignatureLevel::BLT, Timestamp::from_unix(now()))
        .unwrap()
        .timestamper(stamper);
    let start = std::time::Instant::now();
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(N);
    let outcome = kyso::batch::Batch::new().workers(2).run(
        &signed,
        || (),
        |_, _, (sig, content)| extender.extend_bytes(sig, Some(content)),
        |done| out.push(done.output.expect("extended").0),
    );
    let elapsed = start.elapsed();
    assert_eq!(outcome.done, N);
    // The peer in the same run: the same number of bare time-stamp requests to the same TSA
    // (what extending cannot avoid), on the same two workers.
    let bare = Timestamper::new(
        f.tsa.url(),
        Arc::clone(&fetcher),
        f.verifier().with_fetcher(Arc::clone(&fetcher)),
    );
    let start = std::time::Instant::now();
    let tsa_only = kyso::batch::Batch::new().workers(2).run(
        &signed,
        || (),
        |_, _, (sig, _)| bare.stamp(sig, Timestamp::from_unix(now())).map(|_| ()),
        |done| done.output.expect("a time-stamp"),
    );
    let tsa_elapsed = start.elapsed();
    assert_eq!(tsa_only.done, N);
    let (ocsp, crl, tsa) = f.requests();
    assert_eq!(
        tsa,
        2 * N,
        "one time-stamp per signature (and the bare requests)"
    );
    assert_eq!(ocsp, 1, "one OCSP request for the one signer");
    assert_eq!(crl, 2, "root.crl and sub.crl, once each");
    let at = Timestamp::from_unix(now() + 300);
    for (i, lt) in out.iter().enumerate().step_by(97) {
        let r = f.verifier().verify_bytes(lt, Some(&contents[i]), at);
        assert_eq!(r.signatures[0].level, SignatureLevel::BLT, "signature {i}");
    }
    // Sizes of one document at each level (the B-T one is made from the same B-B).
    let (bb, content) = &signed[0];
    let bt = Extender::new(
        f.verifier(),
        SignatureLevel::BT,
        Timestamp::from_unix(now()),
    )
    .unwrap()
    .timestamper(f.timestamper())
    .extend_bytes(bb, Some(content))
    .unwrap()
    .0;
    let lta = Extender::new(
        f.online(),
        SignatureLevel::BLTA,
        Timestamp::from_unix(now()),
    )
    .unwrap()
    .timestamper(f.timestamper())
    .extend_bytes(&out[0], Some(content))
    .unwrap()
    .0;
    eprintln!(
        "extended {N} signatures to B-LT in {elapsed:?} ({:.1} ms each, 2 workers); {N} bare time-stamp requests to the same TSA: {tsa_elapsed:?} (extend / TSA alone = {:.2}); sizes: B-B {} B, B-T {} B, B-LT {} B, B-LTA {} B",
        elapsed.as_secs_f64() * 1000.0 / N as f64,
        elapsed.as_secs_f64() / tsa_elapsed.as_secs_f64(),
        bb.len(),
        bt.len(),
        out[0].len(),
        lta.len()
    );
}

#[test]
fn b_lta_adds_an_archive_time_stamp_that_covers_the_validation_data_and_renews() {
    let f = Fixture::new();
    let content = "Hồ sơ lưu trữ".as_bytes();
    let bb = f.sign_bb(content);
    let at = Timestamp::from_unix(now() + 300);
    let extender = || {
        Extender::new(
            f.online(),
            SignatureLevel::BLTA,
            Timestamp::from_unix(now()),
        )
        .unwrap()
        .timestamper(f.timestamper())
    };
    let (lta, o) = extender().extend_bytes(&bb, Some(content)).unwrap();
    let s = &o.signatures[0];
    assert!(s.timestamp_added && s.archive_timestamp_added, "{o:?}");
    assert_eq!(s.level_after, SignatureLevel::BLTA);
    assert_eq!(
        f.tsa.requests(),
        2,
        "signature-time-stamp and archive time-stamp"
    );
    assert_eq!(signed_parts(&lta), signed_parts(&bb));

    let archive = |r: &kyso::SignatureReport| -> Vec<kyso::TimestampReport> {
        r.timestamps
            .iter()
            .filter(|t| t.kind == kyso::TimestampKind::ArchiveTimeStampV3)
            .cloned()
            .collect()
    };
    let r = f.verifier().verify_bytes(&lta, Some(content), at);
    let s0 = &r.signatures[0];
    assert_eq!(s0.indication, Indication::TotalPassed, "{:?}", s0.messages);
    assert_eq!(s0.level, SignatureLevel::BLTA, "{s0:#?}");
    let a = archive(s0);
    assert_eq!(a.len(), 1);
    assert!(a[0].is_valid(), "{:?}", a[0]);
    // The content is part of what the archive time-stamp covers.
    let other = f.verifier().verify_bytes(&lta, Some(b"khac"), at);
    assert!(!archive(&other.signatures[0])[0].is_valid());

    // Renewal: a second archive time-stamp over the first; both stay valid.
    let (renewed, o) = extender().extend_bytes(&lta, Some(content)).unwrap();
    assert!(o.signatures[0].archive_timestamp_added);
    assert!(!o.signatures[0].timestamp_added);
    let r = f.verifier().verify_bytes(&renewed, Some(content), at);
    let a = archive(&r.signatures[0]);
    assert_eq!(a.len(), 2);
    assert!(a.iter().all(|t| t.is_valid()), "{a:#?}");
    assert_eq!(r.signatures[0].level, SignatureLevel::BLTA);

    // Remove one revocation value the archive time-stamps cover: their index no longer
    // holds, the level falls back, and the reason is given.
    let stripped = drop_first_crl(&renewed);
    let r = f.verifier().verify_bytes(&stripped, Some(content), at);
    let a = archive(&r.signatures[0]);
    assert!(a.iter().all(|t| !t.is_valid()));
    assert_eq!(
        a[0].problem.as_ref().map(|p| p.code()),
        Some("timestamp_archive_index_invalid"),
        "{:?}",
        a[0]
    );
    assert_ne!(r.signatures[0].level, SignatureLevel::BLTA);
}

/// `sig` without the first entry of SignedData.crls (lengths re-encoded).
fn drop_first_crl(sig: &[u8]) -> Vec<u8> {
    use kyso_testkit::der::{seq, tlv};
    let ci = children(sig);
    let sd_explicit = ci[1];
    let sd = children(sd_explicit)[0];
    let items: Vec<Vec<u8>> = children(sd)
        .into_iter()
        .map(|t| {
            if t[0] == 0xA1 {
                let rest: Vec<u8> = children(t)[1..].concat();
                tlv(0xA1, &rest)
            } else {
                t.to_vec()
            }
        })
        .collect();
    let new_sd = seq(&items);
    seq(&[ci[0].to_vec(), tlv(0xA0, &new_sd)])
}

/// Years later, everything has expired but the archive time-stamp's TSA: the archive
/// time-stamp proves the signature-time-stamp existed when its TSA was valid (EN 319 102-1
/// §5.6.3), which proves the signature existed when its certificate was valid; each is
/// validated at that time with the data the file carries. Without the archive time-stamp
/// the same signature is INDETERMINATE.
#[test]
fn b_lta_validates_after_the_signer_and_the_first_tsa_expired() {
    let lt = LtPki::with_validity("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z");
    let f = Fixture(lt);
    let archive_tsa = f.extra_tsa(
        "Kyso LT Archive TSA",
        "2026-01-01T00:00:00Z",
        "2040-01-01T00:00:00Z",
    );
    let content = b"luu tru 30 nam";
    let bb = f.sign_bb(content);
    let now_t = Timestamp::from_unix(now());
    let (blt, _) = Extender::new(f.online(), SignatureLevel::BLT, now_t)
        .unwrap()
        .timestamper(f.timestamper())
        .extend_bytes(&bb, Some(content))
        .unwrap();
    let archive_stamper = f.stamper(&archive_tsa);
    let (blta, _) = Extender::new(f.online(), SignatureLevel::BLTA, now_t)
        .unwrap()
        .timestamper(archive_stamper)
        .extend_bytes(&blt, Some(content))
        .unwrap();

    // 2030: the signer's and the first TSA's certificates expired in 2027. The verifier has
    // CRLs current in 2030 (what it would fetch then) and no network.
    let (at, v) = f.years_later(2030);

    let r = v.verify_bytes(&blta, Some(content), at);
    let s0 = &r.signatures[0];
    assert_eq!(
        s0.indication,
        Indication::TotalPassed,
        "{:?} {:#?}",
        s0.messages,
        s0.timestamps
    );
    assert_eq!(s0.level, SignatureLevel::BLTA);
    let (sig_ts, ats) = (&s0.timestamps[0], &s0.timestamps[1]);
    assert_eq!(sig_ts.kind, kyso::TimestampKind::SignatureTimeStamp);
    assert!(sig_ts.is_valid());
    assert_eq!(
        sig_ts.validated_at, ats.gen_time,
        "validated at the archive time-stamp's time"
    );
    assert_eq!(s0.chain_validated_at, sig_ts.gen_time);

    let r = v.verify_bytes(&blt, Some(content), at);
    assert_eq!(
        r.signatures[0].indication,
        Indication::Indeterminate,
        "{:?}",
        r.signatures[0].messages
    );
}

/// Two signers in parallel (the official, then the organisation co-signing): extending to
/// B-LTA time-stamps and archives each SignerInfo, and both validate offline at B-LTA.
#[test]
fn a_co_signed_envelope_is_extended_signer_by_signer() {
    let f = Fixture::new();
    let content = "Quyết định có hai chữ ký".as_bytes();
    let org = f.pki.issue(
        &f.sub,
        CertSpec::ee("Ủy ban nhân dân tỉnh Hà Nam")
            .ocsp(f.responder.url())
            .crl_dp(&f.crl_host.url("/sub.crl")),
    );
    f.responder.status(&org, kyso_testkit::ocsp::Status::Valid);
    let key = SigningKey::from_key_and_cert(&org.key_pem(), None, cert(&org))
        .unwrap()
        .with_chain(vec![cert(&f.sub)]);
    let t = Timestamp::from_unix(now());
    let co = Signer::new(key)
        .signing_time(t)
        .now(t)
        .build()
        .unwrap()
        .add_to_bytes(&f.sign_bb(content), Some(content))
        .unwrap();
    let (lta, o) = Extender::new(f.online(), SignatureLevel::BLTA, t)
        .unwrap()
        .timestamper(f.timestamper())
        .extend_bytes(&co, Some(content))
        .unwrap();
    assert_eq!(o.signatures.len(), 2);
    assert!(o
        .signatures
        .iter()
        .all(|s| s.timestamp_added && s.archive_timestamp_added));
    assert_eq!(
        f.tsa.requests(),
        4,
        "two signature and two archive time-stamps"
    );
    assert_eq!(signed_parts(&lta), signed_parts(&co));
    let r = f
        .verifier()
        .verify_bytes(&lta, Some(content), Timestamp::from_unix(now() + 300));
    assert_eq!(r.signatures.len(), 2);
    for s in &r.signatures {
        assert_eq!(s.indication, Indication::TotalPassed, "{:?}", s.messages);
        assert_eq!(s.level, SignatureLevel::BLTA);
    }
}

/// A chain of archive time-stamps (EN 319 102-1 §5.6.3): the first TSA's and the signer's
/// certificates expire seconds after signing; the first archive time-stamp is made before
/// that, the renewal after it. Years later, when the first archive TSA has expired too, the
/// renewal proves the first archive time-stamp, which proves the signature-time-stamp, which
/// proves the signature: TOTAL-PASSED. The renewal alone could not (it is later than the
/// first TSA's expiry), so this fails without the chain.
#[test]
fn a_renewed_archive_time_stamp_carries_the_proof_down_the_chain() {
    let (f, expiry, tsa1, tsa2) = Fixture::expiring_soon();
    let content = b"ho so luu tru";
    let bb = f.sign_bb(content);
    let extend = |sig: &[u8], level, tsa: Timestamper| {
        let t = Timestamp::from_unix(now());
        Extender::new(f.online(), level, t)
            .unwrap()
            .timestamper(tsa)
            .extend_bytes(sig, Some(content))
            .unwrap()
            .0
    };
    let blt = extend(&bb, SignatureLevel::BLT, f.timestamper());
    let lta1 = extend(&blt, SignatureLevel::BLTA, f.stamper(&tsa1));
    wait_past(expiry);
    // The signer and the first TSA have expired: the renewal validates the signature through
    // the first archive time-stamp.
    let lta2 = extend(&lta1, SignatureLevel::BLTA, f.stamper(&tsa2));

    let (at, v) = f.years_later(2035);
    let r = v.verify_bytes(&lta2, Some(content), at);
    let s0 = &r.signatures[0];
    assert_eq!(
        s0.indication,
        Indication::TotalPassed,
        "{:?} {:#?}",
        s0.messages,
        s0.timestamps
    );
    assert_eq!(s0.level, SignatureLevel::BLTA);
    let kinds: Vec<_> = s0.timestamps.iter().map(|t| t.kind).collect();
    use kyso::TimestampKind::{ArchiveTimeStampV3 as Ats, SignatureTimeStamp as Sts};
    assert_eq!(kinds, [Sts, Ats, Ats]);
    let (sig_ts, ats1, ats2) = (&s0.timestamps[0], &s0.timestamps[1], &s0.timestamps[2]);
    assert!(ats2.is_valid() && ats2.validated_at.is_none(), "{ats2:#?}");
    assert!(ats1.is_valid(), "{ats1:#?}");
    assert_eq!(ats1.validated_at, ats2.gen_time, "ATS 1 proven by ATS 2");
    assert!(sig_ts.is_valid(), "{sig_ts:#?}");
    assert_eq!(
        sig_ts.validated_at, ats1.gen_time,
        "the time-stamp proven by ATS 1"
    );
    assert_eq!(s0.chain_validated_at, sig_ts.gen_time);
    assert!(
        ats2.gen_time.unwrap() > expiry,
        "the renewal is later than the first TSA's expiry"
    );

    // The first archive time-stamp removed: the renewal alone proves too late a time.
    let r = v.verify_bytes(&lta1, Some(content), at);
    assert_eq!(r.signatures[0].indication, Indication::Indeterminate);
}

/// The same for a PDF (PAdES B-LTA, EN 319 142-1 §5.4.3): signed at B-B, extended to B-LT (a
/// document time-stamp by the first TSA, then the DSS) and to B-LTA (a document time-stamp by
/// the archive TSA, and its data). In 2030 the signer's and the first TSA's certificates
/// have expired: the archive time-stamp proves the first one existed when its TSA was valid,
/// which proves the signature existed when its certificate was; each revision is validated
/// at that time with the DSS. The B-LT file alone is INDETERMINATE then.
#[test]
fn a_pdf_at_b_lta_validates_after_the_signer_and_the_first_tsa_expired() {
    let lt = LtPki::with_validity("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z");
    let f = Fixture(lt);
    let archive_tsa = f.extra_tsa(
        "Kyso LT Archive TSA",
        "2026-01-01T00:00:00Z",
        "2040-01-01T00:00:00Z",
    );
    let pdf = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pdf/minimal.pdf"),
    )
    .unwrap();
    let now_t = Timestamp::from_unix(now());
    let mut bb = Vec::new();
    Signer::new(f.key())
        .signing_time(now_t)
        .now(now_t)
        .build()
        .unwrap()
        .sign_pdf(&pdf, &kyso::PdfSignOptions::new(), &mut bb)
        .unwrap();
    let mut blt = Vec::new();
    Extender::new(f.online(), SignatureLevel::BLT, now_t)
        .unwrap()
        .timestamper(f.timestamper())
        .extend_pdf("a.pdf", &bb, &mut blt)
        .unwrap();
    let archive_stamper = f.stamper(&archive_tsa);
    let mut blta = Vec::new();
    Extender::new(f.online(), SignatureLevel::BLTA, now_t)
        .unwrap()
        .timestamper(archive_stamper)
        .extend_pdf("a.pdf", &blt, &mut blta)
        .unwrap();
    assert!(blta.starts_with(&blt) && blt.starts_with(&bb));

    let (at, v) = f.years_later(2030);
    let r = v.verify_pdf_bytes("a.pdf", &blta, at);
    let s = &r.signatures;
    assert_eq!(
        s.len(),
        3,
        "signature, B-T and archive document time-stamps"
    );
    for x in s {
        assert_eq!(x.indication, Indication::TotalPassed, "{:?}", x.messages);
    }
    let first_ts = s[1].timestamps[0].gen_time;
    let archive_ts = s[2].timestamps[0].gen_time;
    assert_eq!(s[1].timestamps[0].validated_at, archive_ts);
    assert_eq!(s[0].chain_validated_at, first_ts);
    assert_eq!(s[0].level, SignatureLevel::BLTA);
    assert!(s[2].timestamps[0].validated_at.is_none(), "valid now");

    let r = v.verify_pdf_bytes("a.pdf", &blt, at);
    assert_eq!(
        r.signatures[0].indication,
        Indication::Indeterminate,
        "{:?}",
        r.signatures[0].messages
    );
}

/// The same for an ASiC-E container (EN 319 162-1 §A.7): signed, extended to B-LT, then to
/// B-LTA by the archive TSA (an ASiCArchiveManifest over every entry and its token). In 2030
/// the signer's and the first TSA's certificates have expired: the container archive
/// time-stamp proves the signature file existed in 2026, so its signature-time-stamp is
/// validated then, and the signature at that one's time: TOTAL-PASSED, B-LTA. The B-LT
/// container alone is INDETERMINATE then; a container whose archive manifest was changed
/// after its time-stamp gets no proof from it.
#[cfg(feature = "asic")]
#[test]
fn an_asic_e_container_at_b_lta_validates_after_the_signer_and_the_first_tsa_expired() {
    let lt = LtPki::with_validity("2026-01-01T00:00:00Z", "2027-06-01T00:00:00Z");
    let f = Fixture(lt);
    let archive_tsa = f.extra_tsa(
        "Kyso LT Archive TSA",
        "2026-01-01T00:00:00Z",
        "2040-01-01T00:00:00Z",
    );
    let now_t = Timestamp::from_unix(now());
    let files = vec![
        (
            "Quyết định 15.pdf".to_string(),
            b"%PDF-1.7 quyet dinh".to_vec(),
        ),
        (
            "Tờ trình.txt".to_string(),
            "Tờ trình số 15".as_bytes().to_vec(),
        ),
    ];
    let bb = Signer::new(f.key())
        .signing_time(now_t)
        .now(now_t)
        .build()
        .unwrap()
        .sign_asic_e(&files)
        .unwrap();
    let (blt, _) = Extender::new(f.online(), SignatureLevel::BLT, now_t)
        .unwrap()
        .timestamper(f.timestamper())
        .extend_container(&bb)
        .unwrap();
    let archive_stamper = f.stamper(&archive_tsa);
    let (blta, outcome) = Extender::new(f.online(), SignatureLevel::BLTA, now_t)
        .unwrap()
        .timestamper(archive_stamper)
        .extend_container(&blt)
        .unwrap();
    assert!(outcome.signatures.iter().all(|s| s.archive_timestamp_added));

    let (at, v) = f.years_later(2030);
    let r = v.verify_asic_bytes("ho-so.asice", &blta, at);
    assert_eq!(r.indication, Indication::TotalPassed, "{:#?}", r.signatures);
    let s = &r.signatures[0];
    assert_eq!(s.level, SignatureLevel::BLTA);
    use kyso::TimestampKind::{ContainerArchiveTimeStamp as Cats, SignatureTimeStamp as Sts};
    let kinds: Vec<_> = s.timestamps.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [Sts, Cats]);
    let (sig_ts, archive) = (&s.timestamps[0], &s.timestamps[1]);
    assert!(
        archive.is_valid() && archive.validated_at.is_none(),
        "{archive:#?}"
    );
    let info = archive.asic.as_ref().unwrap();
    assert_eq!(info.manifest, "META-INF/ASiCArchiveManifest.xml");
    for name in [
        "META-INF/signature.p7s",
        "META-INF/ASiCManifest.xml",
        "Tờ trình.txt",
    ] {
        assert!(info.covers.iter().any(|c| c == name), "{name}: {info:?}");
    }
    assert!(sig_ts.is_valid(), "{sig_ts:#?}");
    assert_eq!(
        sig_ts.validated_at, archive.gen_time,
        "proven by the archive"
    );
    assert_eq!(s.chain_validated_at, sig_ts.gen_time);

    // Without the archive time-stamp nothing proves a time before the expiry.
    let r = v.verify_asic_bytes("ho-so.asice", &blt, at);
    assert_eq!(r.signatures[0].indication, Indication::Indeterminate);

    // A valid archive time-stamp over a manifest that lists the signature file alone proves
    // nothing for it: §A.7 archives every entry, and the signature's manifest and documents
    // must be proven with it.
    let sig = read_entry(&blt, "META-INF/signature.p7s");
    let digest = {
        use sha2::Digest as _;
        openssl::base64::encode_block(&sha2::Sha256::digest(&sig))
    };
    let partial = format!(
        r#"<ASiCArchiveManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><SigReference URI="META-INF/timestamp1.tst" MimeType="application/vnd.etsi.timestamp-token"/><DataObjectReference URI="META-INF/signature.p7s"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{digest}</ds:DigestValue></DataObjectReference></ASiCArchiveManifest>"#
    )
    .into_bytes();
    let token = f.stamper(&archive_tsa).stamp(&partial, now_t).unwrap();
    let signature_only = add_entries(
        &blt,
        &[
            ("META-INF/ASiCArchiveManifest.xml", &partial),
            ("META-INF/timestamp1.tst", &token),
        ],
    );
    let r = v.verify_asic_bytes("ho-so.asice", &signature_only, at);
    let s = &r.signatures[0];
    assert_eq!(
        s.indication,
        Indication::Indeterminate,
        "{:#?}",
        s.timestamps
    );
    assert!(
        s.timestamps.iter().all(|t| t.kind != Cats),
        "{:#?}",
        s.timestamps
    );
    // Reported with no signature, the archive is listed as not verified, not dropped.
    assert!(
        r.problems.iter().any(|p| matches!(p,
            kyso::DocumentProblem::AsicEntryNotVerified { file } if file == "META-INF/ASiCArchiveManifest.xml")),
        "{:?}",
        r.problems
    );

    // The archive manifest changed after its time-stamp (one byte appended): the token's
    // imprint no longer matches, so it proves nothing and the signature is INDETERMINATE.
    let tampered = rewrite_entry(&blta, "META-INF/ASiCArchiveManifest.xml", |m| m.push(b' '));
    let r = v.verify_asic_bytes("ho-so.asice", &tampered, at);
    let s = &r.signatures[0];
    assert_eq!(
        s.indication,
        Indication::Indeterminate,
        "{:#?}",
        s.timestamps
    );
    let archive = s.timestamps.iter().find(|t| t.kind == Cats).unwrap();
    assert_eq!(
        archive.problem.as_ref().map(|p| p.code()),
        Some("timestamp_imprint_mismatch")
    );
}

/// The chain of archive time-stamps for an ASiC-E container (EN 319 162-1 §A.7 item 2), as
/// for CAdES above: the signer and the first TSA expire seconds after signing, the first
/// container archive time-stamp is made before that, the renewal after it. The renewal adds
/// the first archive TSA's validation data to the first token (its certificates and the CRL
/// that gave its status, in the token's SignedData, as DSS does), and the renewal's manifest
/// covers that token. In 2035, offline, when the first archive TSA has expired too, the
/// renewal proves the first archive time-stamp at its own time, which proves
/// the signature-time-stamp, which proves the signature: TOTAL-PASSED, B-LTA. (Before, the
/// renewal itself was refused: the expired signature was judged without the container's
/// archive time-stamps.)
#[cfg(feature = "asic")]
#[test]
fn a_renewed_container_archive_time_stamp_carries_the_proof_down_the_chain() {
    let (f, expiry, tsa1, tsa2) = Fixture::expiring_soon();
    let files = vec![("Hồ sơ lưu trữ.txt".to_string(), b"ho so luu tru".to_vec())];
    let t = Timestamp::from_unix(now());
    let bb = Signer::new(f.key())
        .signing_time(t)
        .now(t)
        .build()
        .unwrap()
        .sign_asic_e(&files)
        .unwrap();
    let extend = |c: &[u8], level, tsa: Timestamper| {
        let t = Timestamp::from_unix(now());
        Extender::new(f.online(), level, t)
            .unwrap()
            .timestamper(tsa)
            .extend_container(c)
            .unwrap()
            .0
    };
    let blt = extend(&bb, SignatureLevel::BLT, f.timestamper());
    let lta1 = extend(&blt, SignatureLevel::BLTA, f.stamper(&tsa1));
    wait_past(expiry);
    let lta2 = extend(&lta1, SignatureLevel::BLTA, f.stamper(&tsa2));

    let (at, v) = f.years_later(2035);
    let r = v.verify_asic_bytes("ho-so.asice", &lta2, at);
    let s = &r.signatures[0];
    assert_eq!(
        r.indication,
        Indication::TotalPassed,
        "{:?} {:#?}",
        s.messages,
        s.timestamps
    );
    assert_eq!(s.level, SignatureLevel::BLTA);
    use kyso::TimestampKind::{ContainerArchiveTimeStamp as Cats, SignatureTimeStamp as Sts};
    let kinds: Vec<_> = s.timestamps.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [Sts, Cats, Cats]);
    let by_manifest = |m: &str| {
        s.timestamps
            .iter()
            .find(|t| t.asic.as_ref().is_some_and(|a| a.manifest == m))
            .unwrap_or_else(|| panic!("{m}: {:#?}", s.timestamps))
    };
    let first = by_manifest("META-INF/ASiCArchiveManifest1.xml");
    let renewal = by_manifest("META-INF/ASiCArchiveManifest.xml");
    assert!(
        renewal.is_valid() && renewal.validated_at.is_none(),
        "{renewal:#?}"
    );
    assert!(first.is_valid(), "{first:#?}");
    assert_eq!(
        first.validated_at, renewal.gen_time,
        "proven by the renewal"
    );
    let sig_ts = &s.timestamps[0];
    assert!(sig_ts.is_valid(), "{sig_ts:#?}");
    assert_eq!(sig_ts.validated_at, first.gen_time, "proven by the first");
    assert_eq!(s.chain_validated_at, sig_ts.gen_time);
    assert!(
        renewal.gen_time.unwrap() > expiry,
        "renewed after the expiry"
    );

    // The renewal put the first archive TSA's data in the first token's own SignedData: a
    // crls field ([1]) the token did not have when it was made, and its TSTInfo unchanged.
    let token = &first.asic.as_ref().unwrap().token_entry;
    let (before, after) = (read_entry(&lta1, token), read_entry(&lta2, token));
    let fields = |t: &[u8]| -> Vec<u8> {
        let content = children(t).get(1).map(|c| children(c)).unwrap_or_default();
        content
            .first()
            .map(|sd| children(sd).iter().map(|f| f[0]).collect())
            .unwrap_or_default()
    };
    assert!(fields(&after).contains(&0xA1), "no crls in {token}");
    assert!(!fields(&before).contains(&0xA1), "{token} had crls already");
    let tst_info = |t: &[u8]| {
        kyso::TimeStampToken::from_der(t)
            .unwrap()
            .tst_info()
            .clone()
    };
    assert_eq!(tst_info(&after), tst_info(&before));
}

/// The bytes of the entry `name` of a ZIP, read with Python's `zipfile`.
fn read_entry(container: &[u8], name: &str) -> Vec<u8> {
    let dir = scratch("read-entry");
    let input = dir.join("in.zip");
    std::fs::write(&input, container).unwrap();
    let read = std::process::Command::new("python3")
        .args(["-c", "import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))"])
        .arg(&input)
        .arg(name)
        .output()
        .unwrap();
    assert!(read.status.success(), "{read:?}");
    let _ = std::fs::remove_dir_all(&dir);
    read.stdout
}

/// The ZIP with `entries` (name, bytes) added at its end, with Python's `zipfile`.
fn add_entries(container: &[u8], entries: &[(&str, &[u8])]) -> Vec<u8> {
    let dir = scratch("add-entries");
    let path = dir.join("c.zip");
    std::fs::write(&path, container).unwrap();
    for (i, (name, data)) in entries.iter().enumerate() {
        let f = dir.join(format!("e{i}"));
        std::fs::write(&f, data).unwrap();
        let o = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys,zipfile; zipfile.ZipFile(sys.argv[1],'a').write(sys.argv[2], sys.argv[3])",
            ])
            .arg(&path)
            .arg(&f)
            .arg(name)
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
    }
    let out = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// Wait until a second past `expiry`, which must still be ahead (else the steps before took
/// longer than the test allows for).
fn wait_past(expiry: Timestamp) {
    assert!(
        now() < expiry.unix(),
        "the first steps took too long for this test"
    );
    while now() <= expiry.unix() + 1 {
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A new folder of its own under the temporary folder (tests run in parallel threads).
fn scratch(tag: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("kyso-{tag}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `container` with the entry `name` rewritten by `edit` (Python's zipfile, the other
/// entries as they were).
#[cfg(feature = "asic")]
fn rewrite_entry(container: &[u8], name: &str, edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let dir = scratch("rewrite");
    let (input, output, entry) = (dir.join("in.zip"), dir.join("out.zip"), dir.join("entry"));
    std::fs::write(&input, container).unwrap();
    let mut data = read_entry(container, name);
    edit(&mut data);
    std::fs::write(&entry, &data).unwrap();
    let script = "import sys,zipfile\n\
        src=zipfile.ZipFile(sys.argv[1]); out=zipfile.ZipFile(sys.argv[2],'w')\n\
        for i in src.infolist():\n\
        \x20   data=open(sys.argv[4],'rb').read() if i.filename==sys.argv[3] else src.read(i)\n\
        \x20   out.writestr(i,data)\n\
        out.close()\n";
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&input)
        .arg(&output)
        .arg(name)
        .arg(&entry)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let out = std::fs::read(&output).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out
}
