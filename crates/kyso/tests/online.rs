//! Online revocation at the library level (issue 10): a batch of 1,000 signatures by 100
//! certificates of one CA, verified on the batch engine with one shared [`Verifier`] and
//! [`Fetcher`], asks the real `openssl ocsp` responder once per distinct certificate and each
//! CRL URL once (counted on the server and in [`FetchStats`]). The wall times of that batch
//! online, of the same batch with the responses embedded in the signatures or given to the
//! verifier, and of a run whose responder never answers are printed (not asserted).
//!
//! The OCSP responder and the CRLs are on two loopback servers (two hosts, as a CA usually
//! has): root -> "Batch Sub CA" (CDP crl-host/root.crl) -> 100 leaves (OCSP ocsp-host/ocsp,
//! CDP crl-host/sub.crl).

use std::sync::Arc;
use std::time::{Duration, Instant};

use kyso::batch::Batch;
use kyso::{
    Certificate, Crl, FetchOptions, FetchStats, Fetcher, Indication, OcspRequest, OcspResponse,
    RevocationMode, RevocationSource, RevocationStatus, SubIndication, Timestamp, Verifier,
};
use kyso_testkit::cms::{self, CmsSpec, SignerSpec};
use kyso_testkit::http::{Fault, HttpServer};
use kyso_testkit::ocsp::{responder_spec, revocation_info_choice, Status};
use kyso_testkit::responder::OcspResponder;
use kyso_testkit::{CertSpec, CrlSpec, Issued, KeyType, Pki};

const CERTIFICATES: usize = 100;
const SIGNATURES: usize = 1_000;
/// Worker threads of the batch: the CI machine has 2 cores.
const WORKERS: usize = 2;

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("test certificate")
}

fn now() -> i64 {
    Timestamp::now().unix()
}

/// A CRL current now that lists nobody.
fn current_crl(pki: &Pki, issuer: &Issued) -> Vec<u8> {
    let spec = CrlSpec {
        this_update: now() - 3600,
        next_update: Some(now() + 86_400),
        ..CrlSpec::default()
    };
    pki.crl(issuer, &spec)
}

struct Fixture {
    ocsp_host: HttpServer,
    crl_host: HttpServer,
    responder: OcspResponder,
    pki: Pki,
    sub: Issued,
    leaves: Vec<Issued>,
    /// (signature, content) pairs; signature `i` is by leaf `i % CERTIFICATES`.
    bare: Vec<(Vec<u8>, Vec<u8>)>,
}

fn content(i: usize) -> Vec<u8> {
    format!("Công văn số {i}/UBND-VP").into_bytes()
}

fn sign(f: &Fixture, i: usize, revocation: Vec<Vec<u8>>) -> (Vec<u8>, Vec<u8>) {
    let leaf = &f.leaves[i % CERTIFICATES];
    let body = content(i);
    let spec = CmsSpec {
        signers: vec![SignerSpec::new(leaf)],
        certs: vec![leaf.clone(), f.sub.clone()],
        attached: false,
        crls: revocation,
    };
    (cms::sign(&body, &spec), body)
}

impl Fixture {
    fn new() -> Fixture {
        let ocsp_host = HttpServer::start();
        let crl_host = HttpServer::start();
        let pki = Pki::new();
        let sub = pki.issue(
            &pki.root,
            CertSpec::ca("Kyso Batch Sub CA")
                .path_len(0)
                .crl_dp(&crl_host.url("/root.crl")),
        );
        let delegated = pki.issue(&sub, responder_spec("Kyso Batch OCSP", true));
        let responder = OcspResponder::mount(&ocsp_host, "/ocsp", &sub, &delegated);
        crl_host.serve_crl("/root.crl", current_crl(&pki, &pki.root));
        crl_host.serve_crl("/sub.crl", current_crl(&pki, &sub));
        let leaves: Vec<Issued> = (0..CERTIFICATES)
            .map(|i| {
                pki.issue(
                    &sub,
                    CertSpec::ee(&format!("Cán bộ {i:03}"))
                        .key_type(KeyType::P256)
                        .ocsp(responder.url())
                        .crl_dp(&crl_host.url("/sub.crl")),
                )
            })
            .collect();
        for l in &leaves {
            responder.status(l, Status::Valid);
        }
        let mut f = Fixture {
            ocsp_host,
            crl_host,
            responder,
            pki,
            sub,
            leaves,
            bare: Vec::new(),
        };
        f.bare = (0..SIGNATURES).map(|i| sign(&f, i, Vec::new())).collect();
        f
    }

    fn verifier(&self) -> Verifier {
        Verifier::new()
            .with_trust_anchors([cert(&self.pki.root)])
            .with_revocation_mode(RevocationMode::Required)
    }

    /// The real responder's answer about each leaf, made without the server.
    fn responses(&self) -> Vec<Vec<u8>> {
        self.leaves
            .iter()
            .map(|l| {
                let req = OcspRequest::new(&cert(l), &cert(&self.sub)).unwrap();
                self.responder.openssl_answer(&req.to_der())
            })
            .collect()
    }
}

/// Verify `inputs` on the batch engine with `verifier`; every signature's report, in order,
/// and the wall time.
fn run(
    verifier: &Verifier,
    inputs: &[(Vec<u8>, Vec<u8>)],
    at: Timestamp,
) -> (Vec<kyso::SignatureReport>, Duration) {
    let start = Instant::now();
    let mut out = Vec::with_capacity(inputs.len());
    let outcome = Batch::new().workers(WORKERS).run(
        inputs,
        || (),
        |_, _, (sig, body)| verifier.verify_bytes(sig, Some(body), at),
        |done| {
            let mut doc = done.output;
            assert_eq!(doc.signatures.len(), 1, "{doc:?}");
            out.push(doc.signatures.remove(0));
        },
    );
    assert_eq!(outcome.done, inputs.len());
    (out, start.elapsed())
}

/// Every signature TOTAL-PASSED, its leaf and the sub CA good from `source`.
fn all_good(reports: &[kyso::SignatureReport], leaf_source: RevocationSource) {
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(
            r.indication,
            Indication::TotalPassed,
            "signature {i}: {r:?}"
        );
        match &r.revocation[0] {
            RevocationStatus::Good { evidence, .. } => {
                assert_eq!(evidence.source, leaf_source, "signature {i}: {evidence:?}");
                assert_eq!(evidence.kind, kyso::RevocationDataKind::Ocsp);
            }
            other => panic!("signature {i}: leaf {other:?}"),
        }
        assert!(
            matches!(&r.revocation[1], RevocationStatus::Good { .. }),
            "signature {i}: sub CA {:?}",
            r.revocation[1]
        );
    }
}

#[test]
fn a_batch_of_1000_signatures_asks_once_per_certificate_and_once_per_crl_url() {
    let setup = Instant::now();
    let f = Fixture::new();
    eprintln!(
        "set-up: {CERTIFICATES} certificates, {SIGNATURES} signatures in {:?}",
        setup.elapsed()
    );
    // openssl stamps producedAt when it answers, after any validation time taken before the
    // run: validating a few minutes ahead keeps these verdicts independent of that (see
    // crates/kyso-cli/tests/online.rs, a_response_produced_after_the_run_started_is_accepted).
    let at = Timestamp::from_unix(now() + 300);

    // Online: one shared fetcher for the whole batch.
    let fetcher = Arc::new(
        Fetcher::new(FetchOptions::new().timeout(Duration::from_secs(10))).expect("fetcher"),
    );
    let verifier = f.verifier().with_fetcher(Arc::clone(&fetcher));
    let (reports, online) = run(&verifier, &f.bare, at);
    all_good(&reports, RevocationSource::Fetched);
    assert_eq!(
        f.ocsp_host.requests_for("/ocsp"),
        CERTIFICATES,
        "one OCSP request per distinct certificate"
    );
    let mut asked: Vec<Vec<u8>> = f
        .responder
        .seen()
        .into_iter()
        .flat_map(|s| s.serials)
        .collect();
    asked.sort();
    asked.dedup();
    assert_eq!(
        asked.len(),
        CERTIFICATES,
        "each certificate asked about once"
    );
    // required: every good OCSP answer is checked against the leaf's CRL, one URL for all.
    assert_eq!(f.crl_host.requests_for("/sub.crl"), 1);
    assert_eq!(f.crl_host.requests_for("/root.crl"), 1);
    assert_eq!(f.crl_host.requests(), 2);
    assert_eq!(
        fetcher.stats(),
        FetchStats {
            requests: CERTIFICATES + 2,
            cache_hits: 0,
            failures: 0,
        }
    );
    assert_eq!(f.responder.errors(), Vec::<String>::new());

    // The same batch again with the same fetcher: everything is known, nothing is asked.
    let (reports, again) = run(&verifier, &f.bare, at);
    all_good(&reports, RevocationSource::Fetched);
    assert_eq!(
        f.ocsp_host.requests() + f.crl_host.requests(),
        CERTIFICATES + 2
    );

    // Embedded: each signature carries its leaf's OCSP response and the root's CRL
    // (RFC 5940 in `crls`); no fetcher.
    let responses = f.responses();
    let root_crl = current_crl(&f.pki, &f.pki.root);
    let embedded: Vec<(Vec<u8>, Vec<u8>)> = (0..SIGNATURES)
        .map(|i| {
            let ocsp = revocation_info_choice(&responses[i % CERTIFICATES]);
            sign(&f, i, vec![ocsp, root_crl.clone()])
        })
        .collect();
    let (reports, offline_embedded) = run(&f.verifier(), &embedded, at);
    all_good(&reports, RevocationSource::Embedded);

    // Given: the bare signatures with the responses and the CRLs given to the verifier.
    let given = f
        .verifier()
        .with_ocsp_responses(
            responses
                .iter()
                .map(|r| OcspResponse::from_der(r).expect("openssl's response parses")),
        )
        .with_crls([
            Crl::from_der(&root_crl).unwrap(),
            Crl::from_der(&current_crl(&f.pki, &f.sub)).unwrap(),
        ]);
    let (reports, offline_given) = run(&given, &f.bare, at);
    all_good(&reports, RevocationSource::File);
    assert_eq!(
        f.ocsp_host.requests() + f.crl_host.requests(),
        CERTIFICATES + 2,
        "the offline runs asked nothing"
    );

    // A responder that never answers, and the leaves' CRL hanging too: every signature is
    // INDETERMINATE (TRY_LATER), the responder host is asked once, the CRL URL once.
    f.ocsp_host
        .fault("/ocsp", Fault::Delay(Duration::from_secs(30)));
    f.crl_host
        .fault("/sub.crl", Fault::Delay(Duration::from_secs(30)));
    let timeout = Duration::from_secs(1);
    let silent = Arc::new(Fetcher::new(FetchOptions::new().timeout(timeout)).unwrap());
    let (reports, never) = run(&f.verifier().with_fetcher(Arc::clone(&silent)), &f.bare, at);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(
            r.indication,
            Indication::Indeterminate,
            "signature {i}: {r:?}"
        );
        assert_eq!(
            r.sub_indication,
            Some(SubIndication::TryLater),
            "signature {i}"
        );
    }
    assert_eq!(f.ocsp_host.requests_for("/ocsp"), CERTIFICATES + 1);
    assert_eq!(f.crl_host.requests_for("/sub.crl"), 2);
    assert_eq!(f.crl_host.requests_for("/root.crl"), 2);
    assert_eq!(
        silent.stats(),
        FetchStats {
            requests: 3,
            cache_hits: 0,
            // One per distinct request: 100 CertIDs (a timeout, then host_failed_earlier)
            // and the leaves' CRL URL.
            failures: CERTIFICATES + 1,
        }
    );

    eprintln!(
        "{SIGNATURES} signatures by {CERTIFICATES} certificates on {WORKERS} workers: \
         online {online:?} ({} OCSP + 2 CRL requests), online again with the same fetcher \
         {again:?} (0 requests), responses embedded {offline_embedded:?}, responses given \
         {offline_given:?}, responder and CRL never answering ({timeout:?} timeout) {never:?}",
        CERTIFICATES
    );
}
