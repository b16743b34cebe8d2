//! A PKI with everything a long-term (CAdES B-LT) signature needs online, on loopback: the
//! root -> "LT Sub CA" (CDP crl-host/root.crl) -> the signer "Nguyễn Văn An" (OCSP
//! ocsp-host/ocsp by a delegated responder with nocheck, CDP crl-host/sub.crl) and the TSA
//! "Kyso LT TSA" (CDP crl-host/sub.crl, answered by the real `openssl ts -reply`). The CRLs
//! are current and list nobody.

use crate::http::HttpServer;
use crate::ocsp::{responder_spec, Status};
use crate::responder::OcspResponder;
use crate::tsa::{tsa_spec, Tsa, TsaCerts};
use crate::{CertSpec, CrlSpec, Issued, Pki};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The servers, certificates and keys; dropping it stops the servers.
pub struct LtPki {
    /// The OCSP responder's host (path `/ocsp`).
    pub ocsp_host: HttpServer,
    /// The CRLs' host (`/root.crl`, `/sub.crl`).
    pub crl_host: HttpServer,
    /// The responder (the signer is `good` in its index).
    pub responder: OcspResponder,
    /// The TSA.
    pub tsa: Tsa,
    /// The root (the trust anchor) and the testkit's own intermediate (unused here).
    pub pki: Pki,
    /// "LT Sub CA", issuer of the signer, the TSA and the OCSP responder.
    pub sub: Issued,
    /// The signer.
    pub leaf: Issued,
}

/// A CRL current now that lists nobody.
pub fn crl(pki: &Pki, issuer: &Issued) -> Vec<u8> {
    let spec = CrlSpec {
        this_update: now() - 3600,
        next_update: Some(now() + 86_400),
        ..CrlSpec::default()
    };
    pki.crl(issuer, &spec)
}

impl LtPki {
    /// Start the servers and issue the certificates.
    #[allow(clippy::new_without_default)]
    pub fn new() -> LtPki {
        LtPki::build(None)
    }

    /// The same, with the signer's and the TSA's certificates valid only from `not_before`
    /// to `not_after` (RFC 3339), for validations after they expire.
    pub fn with_validity(not_before: &str, not_after: &str) -> LtPki {
        LtPki::build(Some((not_before, not_after)))
    }

    fn build(validity: Option<(&str, &str)>) -> LtPki {
        let valid = |spec: CertSpec| match validity {
            Some((from, to)) => spec.validity(from, to),
            None => spec,
        };
        let ocsp_host = HttpServer::start();
        let crl_host = HttpServer::start();
        let pki = Pki::new();
        let sub = pki.issue(
            &pki.root,
            CertSpec::ca("Kyso LT Sub CA")
                .path_len(0)
                .crl_dp(&crl_host.url("/root.crl")),
        );
        let delegated = pki.issue(&sub, responder_spec("Kyso LT OCSP", true));
        let responder = OcspResponder::mount(&ocsp_host, "/ocsp", &sub, &delegated);
        crl_host.serve_crl("/root.crl", crl(&pki, &pki.root));
        crl_host.serve_crl("/sub.crl", crl(&pki, &sub));
        let leaf = pki.issue(
            &sub,
            valid(CertSpec::ee("Nguyễn Văn An"))
                .ocsp(responder.url())
                .crl_dp(&crl_host.url("/sub.crl")),
        );
        responder.status(&leaf, Status::Valid);
        let good = pki.issue(
            &sub,
            valid(tsa_spec("Kyso LT TSA")).crl_dp(&crl_host.url("/sub.crl")),
        );
        let tsa = tsa_with(&pki, &sub, good);
        LtPki {
            ocsp_host,
            crl_host,
            responder,
            tsa,
            pki,
            sub,
            leaf,
        }
    }

    /// Requests so far: (OCSP, CRL, TSA).
    pub fn requests(&self) -> (usize, usize, usize) {
        (
            self.ocsp_host.requests(),
            self.crl_host.requests(),
            self.tsa.requests(),
        )
    }

    /// Another TSA under the same sub CA (CDP crl-host/sub.crl), its certificate valid from
    /// `not_before` to `not_after`: an archive time-stamp's TSA outliving the first one.
    pub fn extra_tsa(&self, cn: &str, not_before: &str, not_after: &str) -> Tsa {
        let good = self.pki.issue(
            &self.sub,
            tsa_spec(cn)
                .validity(not_before, not_after)
                .crl_dp(&self.crl_host.url("/sub.crl")),
        );
        tsa_with(&self.pki, &self.sub, good)
    }
}

/// A TSA answering with `good` (issued by `sub`): the negative-test variants are `good` too.
fn tsa_with(pki: &Pki, sub: &Issued, good: Issued) -> Tsa {
    Tsa::with_certs(TsaCerts {
        no_eku: good.clone(),
        non_critical_eku: good.clone(),
        extra_purpose: good.clone(),
        expired: good.clone(),
        other_ca: good.clone(),
        good,
        other_root: pki.self_signed(CertSpec::ca("Kyso LT Unrelated Root")),
        sub: sub.clone(),
        root: pki.root.clone(),
    })
}
