//! Revocation status from every source the caller gave: OCSP responses (RFC 6960) and CRLs
//! (RFC 5280 §6.3). Revoked from any valid source wins; otherwise a valid OCSP response saying
//! good decides; a response that is unusable, or says unknown, leaves the decision to the
//! CRLs, and when no CRL covers the certificate either, the OCSP problem is what the report
//! gives.

use super::Search;
use crate::revocation::crl::{CrlProblem, RevocationStatus};
use crate::revocation::ocsp::{
    OcspCertStatus, OcspOptions, OcspProblem, OcspResponder, OcspResponse, OcspVerdict,
    ResponderRule,
};
use crate::x509::cert::Certificate;

/// OCSP responses validated for one certificate. Each costs a signature check or two; a
/// certificate has one or two responses (embedded and given); 16 bounds hostile input.
const MAX_RESPONSES_PER_CERTIFICATE: usize = 16;

impl Search<'_> {
    /// The status of `cert` (on `path`) from the OCSP responses and the CRLs of the policy.
    pub(super) fn status_from_all_sources(
        &mut self,
        cert: &Certificate,
        path: &[Certificate],
    ) -> RevocationStatus {
        let mut ocsp_problem: Option<OcspProblem> = None;
        let mut ocsp_decided: Option<RevocationStatus> = None;
        let issuer = path
            .iter()
            .position(|p| p == cert)
            .and_then(|i| path.get(i + 1))
            .cloned();
        if let Some(issuer) = issuer.filter(|_| !self.policy.ocsp.is_empty()) {
            let responses: Vec<OcspResponse> = self
                .policy
                .ocsp
                .iter()
                .filter(|r| r.mentions(cert))
                .take(MAX_RESPONSES_PER_CERTIFICATE)
                .cloned()
                .collect();
            let options = OcspOptions::new(self.at)
                .max_age(self.policy.ocsp_max_age())
                .legacy_crypto(self.policy.legacy_crypto);
            for r in responses {
                if !self.budget.spend_signature() {
                    break;
                }
                let problem = match r
                    .validate(cert, &issuer, &options)
                    .and_then(|v| self.responder_checked(v, path, cert))
                {
                    Ok(v) => match v.status {
                        OcspCertStatus::Good => {
                            ocsp_decided = Some(RevocationStatus::Good {
                                evidence: r.evidence(&v, &issuer),
                            });
                            break;
                        }
                        OcspCertStatus::Revoked { reason, revoked_at } => {
                            return RevocationStatus::Revoked {
                                reason,
                                revoked_at,
                                stale_crl_next_update: None,
                                evidence: r.evidence(&v, &issuer),
                            }
                        }
                        OcspCertStatus::Unknown => OcspProblem::CertificateUnknown,
                    },
                    Err(p) => p,
                };
                if ocsp_problem
                    .as_ref()
                    .is_none_or(|b| problem.rank() > b.rank())
                {
                    ocsp_problem = Some(problem);
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

    /// RFC 6960 §4.2.2.2.1: a delegated responder without id-pkix-ocsp-nocheck has its own
    /// status checked, from the CRLs (its path is `cert`'s from the issuer up). Revoked: the
    /// response is not used. Unknown: not used when a certificate of the path with that
    /// status would fail (`required`; under `auto`, when the responder names revocation
    /// services or its issuer's CRLs were given).
    fn responder_checked(
        &mut self,
        v: OcspVerdict,
        path: &[Certificate],
        cert: &Certificate,
    ) -> Result<OcspVerdict, OcspProblem> {
        let (
            OcspResponder::Delegated {
                nocheck: false,
                subject,
            },
            Some(responder),
        ) = (&v.responder, &v.responder_certificate)
        else {
            return Ok(v);
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
        let status = super::not_looked_up(
            responder,
            self.revocation_status(responder, &responder_path),
        );
        match status {
            RevocationStatus::Revoked { .. } => Err(refuse(ResponderRule::Revoked)),
            RevocationStatus::Unknown { .. }
                if self.revocation_error(responder, &status).is_some() =>
            {
                Err(refuse(ResponderRule::StatusUnknown))
            }
            _ => Ok(v),
        }
    }
}
