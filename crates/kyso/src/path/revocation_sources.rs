//! Revocation status from every source: OCSP responses (RFC 6960) and CRLs (RFC 5280 §6.3),
//! embedded in the signature or given by the caller, then, when those leave the status open
//! and the run has a [`Fetcher`], fetched from the URLs the certificate names: OCSP first
//! (authorityInfoAccess id-ad-ocsp), the CRL distribution points as the fallback, and both
//! under `required` (a good OCSP answer is then checked against the CRL too).
//!
//! Revoked from any valid source wins; otherwise a valid OCSP response or CRL saying good
//! decides; when nothing decides, the most specific problem is what the report gives: data
//! that was got but could not be used says why, and only when no URL answered at all is the
//! status "lookup failed" (TRY_LATER).

use std::sync::Arc;

use super::Search;
use crate::revocation::crl::{Crl, CrlProblem, RevocationMode, RevocationStatus};
use crate::revocation::fetch::{
    crl_valid_until, ocsp_valid_until, FetchError, FetchKind, Fetched, Fetcher,
};
use crate::revocation::ocsp::{
    OcspCertStatus, OcspOptions, OcspProblem, OcspRequest, OcspResponder, OcspResponse,
    OcspVerdict, ResponderRule,
};
use crate::x509::cert::Certificate;

/// OCSP responses validated for one certificate. Each costs a signature check or two; a
/// certificate has one or two responses (embedded and given); 16 bounds hostile input.
const MAX_RESPONSES_PER_CERTIFICATE: usize = 16;
/// URLs of each kind tried per certificate: real certificates name one or two; a hostile
/// one naming hundreds costs no more than this.
const MAX_URLS_PER_CERTIFICATE: usize = 4;

impl Search<'_> {
    /// The status of `cert` (on `path`) from the OCSP responses and the CRLs of the policy,
    /// then online when those leave it open.
    pub(super) fn status_from_all_sources(
        &mut self,
        cert: &Certificate,
        path: &[Certificate],
    ) -> RevocationStatus {
        let issuer = path
            .iter()
            .position(|p| p == cert)
            .and_then(|i| path.get(i + 1))
            .cloned();
        let status = self.status_offline(cert, path, issuer.as_ref());
        match (&self.policy.fetcher, &status) {
            (Some(f), RevocationStatus::Unknown { problem }) => {
                let f = Arc::clone(f);
                self.status_online(&f, cert, path, issuer.as_ref(), problem.clone())
            }
            (Some(f), RevocationStatus::Good { evidence })
                if self.policy.revocation == RevocationMode::Required
                    && evidence.kind == crate::revocation::evidence::RevocationDataKind::Ocsp =>
            {
                // `required` asks for certainty: a good OCSP answer is checked against the
                // CRL the certificate names as well, and revoked there wins.
                let f = Arc::clone(f);
                match self.crls_online(&f, cert, path, &mut Vec::new()) {
                    Some(revoked @ RevocationStatus::Revoked { .. }) => revoked,
                    _ => status,
                }
            }
            _ => status,
        }
    }

    /// The status from the embedded and given data alone.
    fn status_offline(
        &mut self,
        cert: &Certificate,
        path: &[Certificate],
        issuer: Option<&Certificate>,
    ) -> RevocationStatus {
        let mut ocsp_problem: Option<OcspProblem> = None;
        let mut ocsp_decided: Option<RevocationStatus> = None;
        if let Some(issuer) = issuer.filter(|_| !self.policy.ocsp.is_empty()) {
            let responses: Vec<OcspResponse> = self
                .policy
                .ocsp
                .iter()
                .filter(|r| r.mentions(cert))
                .take(MAX_RESPONSES_PER_CERTIFICATE)
                .cloned()
                .collect();
            for r in responses {
                if !self.budget.spend_signature() {
                    break;
                }
                match self.judge_ocsp(&r, cert, issuer, path, None) {
                    Ok(revoked @ RevocationStatus::Revoked { .. }) => return revoked,
                    Ok(good) => {
                        ocsp_decided = Some(good);
                        break;
                    }
                    Err(problem) => keep_worst(&mut ocsp_problem, problem),
                }
            }
        }
        // The CRLs are consulted even after a good OCSP answer: a response the signer
        // embedded can still be fresh when a newer CRL lists the certificate, and revoked
        // from any valid source wins over good.
        match (
            self.revocation_status(cert, path),
            ocsp_decided,
            ocsp_problem,
        ) {
            (revoked @ RevocationStatus::Revoked { .. }, _, _) => revoked,
            (_, Some(good), _) => good,
            (
                RevocationStatus::Unknown {
                    problem: CrlProblem::NoCrl,
                },
                None,
                Some(p),
            ) => RevocationStatus::Unknown {
                problem: CrlProblem::Ocsp { problem: p },
            },
            (s, _, _) => s,
        }
    }

    /// One OCSP response about `cert`: good or revoked when it is valid (RFC 6960 §3.2,
    /// §4.2.2.2) and its responder may be relied on, else why not. `nonce` is what the
    /// request carried, for a response fetched in this run (RFC 8954 §2.1). The caller has
    /// spent the signature check on the budget.
    fn judge_ocsp(
        &mut self,
        r: &OcspResponse,
        cert: &Certificate,
        issuer: &Certificate,
        path: &[Certificate],
        nonce: Option<&[u8]>,
    ) -> Result<RevocationStatus, OcspProblem> {
        let mut options = OcspOptions::new(self.at)
            .max_age(self.policy.ocsp_max_age())
            .legacy_crypto(self.policy.legacy_crypto);
        if let Some(n) = nonce {
            options = options.nonce(n);
        }
        let (v, responder_status) = r
            .validate(cert, issuer, &options)
            .and_then(|v| self.responder_checked(v, path, cert))?;
        // The evidence carries the response and what the responder's status rested on.
        let evidence = || {
            let mut e = r.evidence(&v, issuer);
            if let Some(
                RevocationStatus::Good { evidence } | RevocationStatus::Revoked { evidence, .. },
            ) = &responder_status
            {
                e.values.0.extend(evidence.values.0.iter().cloned());
            }
            e
        };
        match v.status {
            OcspCertStatus::Good => Ok(RevocationStatus::Good {
                evidence: evidence(),
            }),
            OcspCertStatus::Revoked { reason, revoked_at } => Ok(RevocationStatus::Revoked {
                reason,
                revoked_at,
                stale_crl_next_update: None,
                evidence: evidence(),
            }),
            OcspCertStatus::Unknown => Err(OcspProblem::CertificateUnknown),
        }
    }

    /// What the certificate's OCSP responders and CRL distribution points say, when the
    /// embedded and given data said `offline` (a problem).
    fn status_online(
        &mut self,
        fetcher: &Fetcher,
        cert: &Certificate,
        path: &[Certificate],
        issuer: Option<&Certificate>,
        offline: CrlProblem,
    ) -> RevocationStatus {
        let mut failures: Vec<FetchError> = Vec::new();
        let mut ocsp_problem: Option<OcspProblem> = None;
        if let Some(issuer) = issuer {
            for url in cert.ocsp_urls().iter().take(MAX_URLS_PER_CERTIFICATE) {
                let response = fetch_ocsp(fetcher, url, cert, issuer)
                    .and_then(|f| Ok((f.ocsp_response()?, f.nonce)));
                let (r, sent_nonce) = match response {
                    Ok(x) => x,
                    Err(e) => {
                        failures.push(e);
                        continue;
                    }
                };
                if !self.budget.spend_signature() {
                    break;
                }
                // RFC 8954 §2.1: a nonce the response carries must be the one sent. A
                // response without one is accepted (responders that serve pre-produced
                // responses do not echo it, and OpenSSL's client accepts that too); its
                // freshness is still judged by thisUpdate and nextUpdate.
                let expect = sent_nonce.filter(|_| r.nonce().is_some());
                match self.judge_ocsp(&r, cert, issuer, path, expect.as_deref()) {
                    Ok(revoked @ RevocationStatus::Revoked { .. }) => return revoked,
                    Ok(good) => {
                        if self.policy.revocation != RevocationMode::Required {
                            return good;
                        }
                        return match self.crls_online(fetcher, cert, path, &mut failures) {
                            Some(revoked @ RevocationStatus::Revoked { .. }) => revoked,
                            _ => good,
                        };
                    }
                    Err(p) => keep_worst(&mut ocsp_problem, p),
                }
            }
        }
        let crl_status = self.crls_online(fetcher, cert, path, &mut failures);
        match crl_status {
            Some(s @ (RevocationStatus::Revoked { .. } | RevocationStatus::Good { .. })) => s,
            // Data was got but is unusable: that problem is more useful than the failures.
            Some(RevocationStatus::Unknown { problem })
                if !matches!(problem, CrlProblem::NoCrl | CrlProblem::NotLookedUp { .. }) =>
            {
                RevocationStatus::Unknown { problem }
            }
            _ => match ocsp_problem {
                Some(problem) => RevocationStatus::Unknown {
                    problem: CrlProblem::Ocsp { problem },
                },
                None if !failures.is_empty() => RevocationStatus::Unknown {
                    problem: CrlProblem::LookupFailed { failures },
                },
                None => RevocationStatus::Unknown { problem: offline },
            },
        }
    }

    /// The status from the CRLs at the certificate's distribution points, with the embedded
    /// and given ones (a delta given as a file may complete a fetched base). `None` when no
    /// CRL could be fetched; failures are added to `failures`.
    fn crls_online(
        &mut self,
        fetcher: &Fetcher,
        cert: &Certificate,
        path: &[Certificate],
        failures: &mut Vec<FetchError>,
    ) -> Option<RevocationStatus> {
        let mut crls: Vec<Crl> = Vec::new();
        for url in cert.crl_urls().iter().take(MAX_URLS_PER_CERTIFICATE) {
            match fetcher
                .get(FetchKind::Crl, url, &crl_valid_until)
                .and_then(|f| f.crl())
            {
                Ok(c) => crls.push(c),
                Err(e) => failures.push(e),
            }
        }
        if crls.is_empty() {
            return None;
        }
        let mut policy = self.policy.clone();
        policy.crls.extend(crls);
        let mut with_fetched = Search {
            anchors: self.anchors,
            pool: self.pool,
            at: self.at,
            policy: &policy,
            budget: &mut *self.budget,
            crl_depth: self.crl_depth,
            leaf_is_crl_signer: self.leaf_is_crl_signer,
            best: None,
        };
        Some(with_fetched.revocation_status(cert, path))
    }

    /// RFC 6960 §4.2.2.2.1: a delegated responder without id-pkix-ocsp-nocheck has its own
    /// status checked, from the CRLs embedded, given or (online) at its distribution points
    /// (its path is `cert`'s from the issuer up). Revoked: the
    /// response is not used. Unknown: not used when a certificate of the path with that
    /// status would fail (`required`; under `auto`, when the responder names revocation
    /// services or its issuer's CRLs were given).
    /// Returns the verdict and the responder's own status when it was checked.
    fn responder_checked(
        &mut self,
        v: OcspVerdict,
        path: &[Certificate],
        cert: &Certificate,
    ) -> Result<(OcspVerdict, Option<RevocationStatus>), OcspProblem> {
        let (
            OcspResponder::Delegated {
                nocheck: false,
                subject,
            },
            Some(responder),
        ) = (&v.responder, &v.responder_certificate)
        else {
            return Ok((v, None));
        };
        let above = path
            .iter()
            .position(|p| p == cert)
            .map_or(path.len(), |i| i + 1);
        let responder_path: Vec<Certificate> = std::iter::once(responder.clone())
            .chain(path[above..].iter().cloned())
            .collect();
        let refuse = |rule| OcspProblem::ResponderNotAuthorized {
            subject: subject.clone(),
            rule,
        };
        // The responder's own status is judged as a certificate of the path would be
        // (`revocation_error`): under `auto`, unknown is refused when the responder names
        // revocation services or its issuer's CRLs were given.
        let mut status = self.revocation_status(responder, &responder_path);
        if let (Some(f), RevocationStatus::Unknown { .. }) = (&self.policy.fetcher, &status) {
            // Online, the responder's CRL is fetched like any certificate's (not its OCSP:
            // a responder vouching for itself proves nothing).
            let f = Arc::clone(f);
            if let Some(s) = self.crls_online(&f, responder, &responder_path, &mut Vec::new()) {
                status = s;
            }
        }
        let status = super::not_looked_up(responder, status);
        match status {
            RevocationStatus::Revoked { .. } => Err(refuse(ResponderRule::Revoked)),
            RevocationStatus::Unknown { .. }
                if self.revocation_error(responder, &status).is_some() =>
            {
                Err(refuse(ResponderRule::StatusUnknown))
            }
            _ => Ok((v, Some(status))),
        }
    }
}

/// Keep the most specific OCSP problem.
fn keep_worst(worst: &mut Option<OcspProblem>, problem: OcspProblem) {
    if worst.as_ref().is_none_or(|b| problem.rank() > b.rank()) {
        *worst = Some(problem);
    }
}

/// POST a request about `cert` to `url` (RFC 6960 Appendix A.1), SHA-1 CertID as §4.1.1
/// implies and responders expect; a fresh nonce unless the run was told not to send one.
fn fetch_ocsp(
    fetcher: &Fetcher,
    url: &str,
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Fetched, FetchError> {
    let request = OcspRequest::new(cert, issuer).map_err(|e| FetchError::NotParsable {
        url: url.to_string(),
        detail: e.to_string(),
    })?;
    let build = |nonce: bool| {
        let r = if nonce {
            request
                .clone()
                .random_nonce()
                .unwrap_or_else(|_| request.clone())
        } else {
            request.clone()
        };
        (r.to_der(), r.nonce_value().map(<[u8]>::to_vec))
    };
    fetcher.post_ocsp(url, request.cert_id_der(), &build, &ocsp_valid_until)
}
