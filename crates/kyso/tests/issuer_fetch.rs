//! Missing issuers downloaded from the caIssuers URL (RFC 5280 §4.2.2.1) of the certificate
//! whose issuer is missing, from a loopback HTTP server: the path is built, the downloaded
//! certificate is marked in the report, it is never taken as a trust anchor, and a batch asks
//! the server once per URL.

use std::sync::Arc;

use kyso::{
    Certificate, ChainError, ChainOptions, FetchOptions, Fetcher, RevocationMode, Timestamp,
};
use kyso_testkit::http::HttpServer;
use kyso_testkit::{CertSpec, Pki};

fn cert(der: &[u8]) -> Certificate {
    Certificate::from_der(der).unwrap()
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap()
}

fn fetcher() -> Arc<Fetcher> {
    Arc::new(Fetcher::new(FetchOptions::new().timeout(std::time::Duration::from_secs(5))).unwrap())
}

fn options(f: Option<Arc<Fetcher>>) -> ChainOptions {
    let o = ChainOptions::new(at()).revocation(RevocationMode::Off);
    match f {
        Some(f) => o.fetcher(f),
        None => o,
    }
}

#[test]
fn a_missing_intermediate_is_fetched_marked_and_counted_once() {
    let server = HttpServer::start();
    let pki = Pki::new();
    server.serve_cert("/sub.crt", pki.sub.cert_der());
    let url = server.url("/sub.crt");
    let leaf = cert(
        &pki.leaf(CertSpec::ee("Official").ca_issuers(&url))
            .cert_der(),
    );
    let root = cert(&pki.root.cert_der());

    // Offline: the issuer is missing, and the error names where it could be found.
    let offline =
        kyso::validate_chain_with(&leaf, &[], std::slice::from_ref(&root), &options(None));
    match &offline.error {
        Some(ChainError::UnknownIssuer { ca_issuers, .. }) => {
            assert_eq!(ca_issuers, std::slice::from_ref(&url))
        }
        other => panic!("expected unknown_issuer, got {other:?}"),
    }
    assert_eq!(server.requests(), 0, "no fetcher, no request");

    let f = fetcher();
    for _ in 0..20 {
        let out = kyso::validate_chain_with(
            &leaf,
            &[],
            std::slice::from_ref(&root),
            &options(Some(f.clone())),
        );
        assert!(out.is_valid(), "{:?}", out.error);
        assert_eq!(out.path.len(), 3);
        assert_eq!(out.path[1].fetched_from(), Some(url.as_str()));
        assert_eq!(
            out.summaries()[1].fetched_from.as_deref(),
            Some(url.as_str())
        );
        assert_eq!(out.summaries()[0].fetched_from, None, "the leaf was given");
    }
    assert_eq!(
        server.requests_for("/sub.crt"),
        1,
        "one download per URL per run"
    );
    assert_eq!(f.stats().requests, 1);
}

#[test]
fn a_fetched_self_signed_certificate_is_never_a_trust_anchor() {
    let server = HttpServer::start();
    let pki = Pki::new();
    let other = Pki::new();
    // The leaf points to a server that hands out the sub CA and another PKI's root; the
    // verifier trusts only that other root. The sub CA chains to pki.root, which is served
    // as well: it must not become trusted by being downloaded.
    let mut bundle = pki.sub.cert_pem();
    bundle.extend(pki.root.cert_pem());
    server.serve("/bundle.pem", "application/x-pem-file", bundle);
    let url = server.url("/bundle.pem");
    let leaf = cert(
        &pki.leaf(CertSpec::ee("Official").ca_issuers(&url))
            .cert_der(),
    );
    let f = fetcher();
    let out = kyso::validate_chain_with(
        &leaf,
        &[],
        &[cert(&other.root.cert_der())],
        &options(Some(f.clone())),
    );
    assert!(!out.is_valid(), "a downloaded root is not trusted");
    assert!(!out.error.as_ref().unwrap().is_revocation());
    // Control: with pki.root trusted, the same download completes the path.
    let out =
        kyso::validate_chain_with(&leaf, &[], &[cert(&pki.root.cert_der())], &options(Some(f)));
    assert!(out.is_valid(), "{:?}", out.error);
    assert_eq!(out.path[1].fetched_from(), Some(url.as_str()));
    assert_eq!(
        out.path[2].fetched_from(),
        None,
        "the anchor is the caller's"
    );
    assert_eq!(server.requests_for("/bundle.pem"), 1);
}

#[test]
fn an_unanswered_issuer_url_leaves_the_issuer_missing() {
    let server = HttpServer::start();
    let pki = Pki::new();
    let url = server.url("/missing.crt"); // 404
    let leaf = cert(
        &pki.leaf(CertSpec::ee("Official").ca_issuers(&url))
            .cert_der(),
    );
    let out = kyso::validate_chain_with(
        &leaf,
        &[],
        &[cert(&pki.root.cert_der())],
        &options(Some(fetcher())),
    );
    assert!(
        matches!(out.error, Some(ChainError::UnknownIssuer { .. })),
        "{:?}",
        out.error
    );
    assert_eq!(server.requests_for("/missing.crt"), 1);
}
