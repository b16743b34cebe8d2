//! OCSP (RFC 6960) against a real peer: requests built by kyso are answered by `openssl ocsp`
//! (index file, delegated responder certificate, or the CA key itself), and kyso validates
//! the responses: good, revoked with reason, unknown, stale, another certificate, an
//! unauthorised signer, a responder without id-kp-OCSPSigning, nonce mismatch, malformed
//! input; then the same responses as a revocation source of path validation.

use kyso::{
    Certificate, ChainError, ChainOptions, Crl, CrlProblem, DigestAlgorithm, OcspCertStatus,
    OcspOptions, OcspProblem, OcspRequest, OcspResponder, OcspResponse, RevocationDataKind,
    RevocationMode, RevocationReason, RevocationSource, RevocationStatus, Timestamp,
};
use kyso_testkit::ocsp::{index_line, openssl_respond, responder_spec, Status};
use kyso_testkit::{CertSpec, CrlSpec, Issued, Pki, TempDir};

/// What decided a good or revoked status: CRL or OCSP, and how it was given.
fn decided_by(s: &RevocationStatus) -> Option<(RevocationDataKind, RevocationSource)> {
    match s {
        RevocationStatus::Good { evidence, .. } | RevocationStatus::Revoked { evidence, .. } => {
            Some((evidence.kind, evidence.source))
        }
        _ => None,
    }
}

const BY_OCSP: Option<(RevocationDataKind, RevocationSource)> =
    Some((RevocationDataKind::Ocsp, RevocationSource::File));
const BY_CRL: Option<(RevocationDataKind, RevocationSource)> =
    Some((RevocationDataKind::Crl, RevocationSource::File));

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("test certificate")
}

struct Fixture {
    pki: Pki,
    good: Issued,
    revoked: Issued,
    absent: Issued,
    responder: Issued,
    dir: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let pki = Pki::new();
        let good = pki.leaf(CertSpec::ee("Good Signer"));
        let revoked = pki.leaf(CertSpec::ee("Revoked Signer"));
        let absent = pki.leaf(CertSpec::ee("Absent Signer"));
        let responder = pki.issue(&pki.sub, responder_spec("Sub CA OCSP Responder", true));
        Fixture {
            pki,
            good,
            revoked,
            absent,
            responder,
            dir: TempDir::new("ocsp"),
        }
    }

    fn index(&self) -> Vec<String> {
        vec![
            index_line(&self.good, Status::Valid),
            index_line(
                &self.revoked,
                Status::Revoked("260515000000Z", "keyCompromise"),
            ),
        ]
    }

    /// `openssl ocsp` answering kyso's request about `leaf`, signed by `signer`.
    fn respond(&self, request: &OcspRequest, signer: &Issued, extra: &[&str]) -> OcspResponse {
        let der = self.respond_der(request, signer, extra);
        OcspResponse::from_der(&der).expect("openssl's response parses")
    }

    fn respond_der(&self, request: &OcspRequest, signer: &Issued, extra: &[&str]) -> Vec<u8> {
        openssl_respond(
            self.dir.path(),
            &self.index(),
            &self.pki.sub,
            signer,
            &request.to_der(),
            extra,
        )
    }

    fn request(&self, leaf: &Issued) -> OcspRequest {
        OcspRequest::new(&cert(leaf), &cert(&self.pki.sub)).expect("request")
    }

    fn validate(
        &self,
        r: &OcspResponse,
        leaf: &Issued,
        opts: &OcspOptions,
    ) -> Result<kyso::OcspVerdict, OcspProblem> {
        r.validate(&cert(leaf), &cert(&self.pki.sub), opts)
    }
}

/// A minute after the response's thisUpdate: `openssl ocsp` stamps the real clock.
fn soon_after(r: &OcspResponse) -> Timestamp {
    Timestamp::from_unix(r.this_update().expect("thisUpdate").unix() + 60)
}

#[test]
fn good_from_a_delegated_responder_with_nocheck() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    let v = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .expect("valid response");
    assert_eq!(v.status, OcspCertStatus::Good);
    assert!(v.next_update.is_some());
    assert_eq!(
        v.responder,
        OcspResponder::Delegated {
            subject: cert(&f.responder).subject(),
            nocheck: true
        }
    );
}

#[test]
fn a_delegated_responder_without_nocheck_is_reported_as_not_checked() {
    let f = Fixture::new();
    let plain = f
        .pki
        .issue(&f.pki.sub, responder_spec("Plain Responder", false));
    let r = f.respond(&f.request(&f.good), &plain, &["-ndays", "1"]);
    let v = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .expect("valid response");
    assert!(matches!(
        v.responder,
        OcspResponder::Delegated { nocheck: false, .. }
    ));
}

#[test]
fn revoked_with_reason_and_time_signed_by_the_ca_itself() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.revoked), &f.pki.sub, &["-ndays", "1"]);
    let v = f
        .validate(&r, &f.revoked, &OcspOptions::new(soon_after(&r)))
        .expect("valid response");
    assert_eq!(v.responder, OcspResponder::IssuingCa);
    assert_eq!(
        v.status,
        OcspCertStatus::Revoked {
            reason: RevocationReason::KeyCompromise,
            revoked_at: Timestamp::parse_rfc3339("2026-05-15T00:00:00Z").unwrap(),
        }
    );
}

#[test]
fn unknown_certificate_responder_key_id_and_sha256_cert_id() {
    let f = Fixture::new();
    let req = OcspRequest::with_hash(&cert(&f.absent), &cert(&f.pki.sub), DigestAlgorithm::Sha256)
        .unwrap();
    let r = f.respond(&req, &f.responder, &["-ndays", "1", "-resp_key_id"]);
    let v = f
        .validate(&r, &f.absent, &OcspOptions::new(soon_after(&r)))
        .expect("valid response");
    assert_eq!(v.status, OcspCertStatus::Unknown);
}

#[test]
fn a_stale_response_is_refused_with_its_next_update() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    let at = Timestamp::from_unix(r.this_update().unwrap().unix() + 2 * 86_400);
    match f.validate(&r, &f.good, &OcspOptions::new(at)) {
        Err(OcspProblem::Expired { next_update, at: a }) => {
            assert!(next_update < at);
            assert_eq!(a, at);
        }
        other => panic!("{other:?}"),
    }
    // And one before thisUpdate is not yet valid.
    let before = Timestamp::from_unix(r.this_update().unwrap().unix() - 3600);
    assert!(matches!(
        f.validate(&r, &f.good, &OcspOptions::new(before)),
        Err(OcspProblem::NotYetValid { .. })
    ));
}

#[test]
fn without_next_update_only_up_to_the_maximum_age() {
    let f = Fixture::new();
    // No -ndays/-nmin: openssl omits nextUpdate.
    let r = f.respond(&f.request(&f.good), &f.responder, &[]);
    let t = r.this_update().unwrap().unix();
    let ok = f.validate(
        &r,
        &f.good,
        &OcspOptions::new(Timestamp::from_unix(t + 600)),
    );
    assert_eq!(ok.expect("fresh").next_update, None);
    let late = Timestamp::from_unix(t + kyso::DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE + 1);
    assert!(matches!(
        f.validate(&r, &f.good, &OcspOptions::new(late)),
        Err(OcspProblem::TooOld { max_age_seconds, .. })
            if max_age_seconds == kyso::DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE
    ));
    // The maximum age is an option.
    assert!(f
        .validate(&r, &f.good, &OcspOptions::new(late).max_age(86_400))
        .is_ok());
}

#[test]
fn a_response_about_another_certificate_establishes_nothing() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.revoked), &f.responder, &["-ndays", "1"]);
    let e = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .unwrap_err();
    assert_eq!(
        e,
        OcspProblem::NoMatchingResponse {
            serial: cert(&f.good).serial_hex()
        }
    );
    // The same serial under another issuer does not match either (issuer name/key hashes).
    let other = Pki::new();
    let e = r
        .validate(
            &cert(&f.revoked),
            &cert(&other.sub),
            &OcspOptions::new(soon_after(&r)),
        )
        .unwrap_err();
    assert_eq!(e.code(), "ocsp_no_matching_response");
}

#[test]
fn a_responder_not_issued_by_the_ca_is_not_authorised() {
    let f = Fixture::new();
    // A responder certificate with id-kp-OCSPSigning, but issued by the root, not the sub CA.
    let rogue = f
        .pki
        .issue(&f.pki.root, responder_spec("Root's Responder", true));
    let r = f.respond(&f.request(&f.good), &rogue, &["-ndays", "1"]);
    let e = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .unwrap_err();
    assert!(
        matches!(
            &e,
            OcspProblem::ResponderNotAuthorized {
                rule: kyso::ResponderRule::NotIssuedByCa,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_key_posing_as_the_ca_does_not_verify() {
    let f = Fixture::new();
    // A self-signed certificate with the sub CA's name but its own key.
    let impostor = f
        .pki
        .self_signed(CertSpec::ca("Kyso Testkit Sub CA").serial(0x7777));
    let r = f.respond(&f.request(&f.good), &impostor, &["-ndays", "1"]);
    assert_eq!(
        f.validate(&r, &f.good, &OcspOptions::new(soon_after(&r))),
        Err(OcspProblem::SignatureInvalid)
    );
    // Signed by a key nobody names at all: no such responder.
    let stranger = Pki::new();
    let r = f.respond(
        &f.request(&f.good),
        &stranger.sub,
        &["-ndays", "1", "-resp_no_certs"],
    );
    let e = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .unwrap_err();
    assert_eq!(e.code(), "ocsp_signature_invalid", "{e:?}");
}

#[test]
fn a_responder_without_ocsp_signing_is_not_authorised() {
    let f = Fixture::new();
    let no_eku = f.pki.leaf(CertSpec::ee("Not A Responder"));
    let r = f.respond(&f.request(&f.good), &no_eku, &["-ndays", "1"]);
    let e = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .unwrap_err();
    assert!(
        matches!(
            &e,
            OcspProblem::ResponderNotAuthorized {
                rule: kyso::ResponderRule::NoOcspSigning,
                ..
            }
        ),
        "{e:?}"
    );
    // And a responder certificate that is not sent cannot be found.
    let r = f.respond(
        &f.request(&f.good),
        &f.responder,
        &["-ndays", "1", "-resp_no_certs"],
    );
    let e = f
        .validate(&r, &f.good, &OcspOptions::new(soon_after(&r)))
        .unwrap_err();
    assert_eq!(e.code(), "ocsp_responder_unknown");
}

#[test]
fn the_nonce_sent_must_come_back() {
    let f = Fixture::new();
    let req = f.request(&f.good).random_nonce().unwrap();
    let sent = req.nonce_value().unwrap().to_vec();
    let r = f.respond(&req, &f.responder, &["-ndays", "1"]);
    assert_eq!(r.nonce(), Some(&sent[..]), "openssl echoes kyso's nonce");
    let at = soon_after(&r);
    assert!(f
        .validate(&r, &f.good, &OcspOptions::new(at).nonce(sent.clone()))
        .is_ok());
    let e = f
        .validate(&r, &f.good, &OcspOptions::new(at).nonce(vec![7u8; 32]))
        .unwrap_err();
    assert!(
        matches!(
            &e,
            OcspProblem::NonceMismatch {
                received: Some(_),
                ..
            }
        ),
        "{e:?}"
    );
    // A request without a nonce gets a response without one: expecting one fails.
    let r = f.respond(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    assert_eq!(r.nonce(), None);
    assert!(matches!(
        f.validate(&r, &f.good, &OcspOptions::new(at).nonce(sent)),
        Err(OcspProblem::NonceMismatch { received: None, .. })
    ));
    assert!(OcspRequest::new(&cert(&f.good), &cert(&f.pki.sub))
        .unwrap()
        .nonce(&[0u8; 33])
        .is_err());
}

#[test]
fn malformed_and_truncated_responses_are_errors_not_panics() {
    let f = Fixture::new();
    let der = f.respond_der(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    for n in 0..der.len() {
        assert!(OcspResponse::from_der(&der[..n]).is_err(), "prefix {n}");
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(OcspResponse::from_der(&trailing).is_err());
    // Every byte flipped: parse or fail, and whatever parses validates without panicking.
    let leaf = cert(&f.good);
    let sub = cert(&f.pki.sub);
    let at = soon_after(&OcspResponse::from_der(&der).unwrap());
    let mut accepted_bad_signature = 0;
    for i in 0..der.len() {
        let mut m = der.clone();
        m[i] ^= 0x41;
        if let Ok(r) = OcspResponse::from_der(&m) {
            if r.validate(&leaf, &sub, &OcspOptions::new(at)).is_ok() {
                accepted_bad_signature += 1;
            }
        }
    }
    // Every byte is covered: by the response's signature, the responder certificate's, or a
    // structural rule (signatureAlgorithm parameters must be NULL, RFC 4055 §5).
    assert_eq!(accepted_bad_signature, 0);
    let e = OcspResponse::from_der(b"not an OCSP response").unwrap_err();
    assert!(e.to_string().starts_with("OCSP response:"), "{e}");
}

#[test]
fn a_request_kyso_builds_is_what_openssl_reads() {
    let f = Fixture::new();
    let req = f.request(&f.good);
    let path = f.dir.join("kyso-req.der");
    std::fs::write(&path, req.to_der()).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["ocsp", "-reqin"])
        .arg(&path)
        .args(["-req_text", "-noverify"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Hash Algorithm: sha1"), "{text}");
    assert!(
        text.to_uppercase()
            .contains(&cert(&f.good).serial_hex().to_uppercase()),
        "{text}"
    );
}

// --- OCSP as a revocation source of path validation ---------------------------------

fn chain(
    f: &Fixture,
    leaf: &Issued,
    ocsp: Vec<OcspResponse>,
    crls: Vec<Vec<u8>>,
    at: Timestamp,
) -> kyso::ChainOutcome {
    let opts = ChainOptions::new(at)
        .ocsp_responses(ocsp)
        .crls(crls.iter().map(|c| Crl::from_der(c).unwrap()))
        .revocation(RevocationMode::Required);
    kyso::validate_chain_with(
        &cert(leaf),
        &[cert(&f.pki.sub)],
        &[cert(&f.pki.root)],
        &opts,
    )
}

/// The root's CRL (covering the sub CA), current around `at`.
fn root_crl(f: &Fixture, at: Timestamp) -> Vec<u8> {
    let day = 86_400;
    let iso = |t: i64| Timestamp::from_unix(t).to_string();
    let spec = CrlSpec::default().updates(&iso(at.unix() - day), Some(&iso(at.unix() + day)));
    f.pki.crl(&f.pki.root, &spec)
}

#[test]
fn a_good_ocsp_response_makes_the_path_revocation_checked() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    let at = soon_after(&r);
    let out = chain(&f, &f.good, vec![r], vec![root_crl(&f, at)], at);
    assert!(out.is_valid(), "{:?}", out.error);
    assert!(matches!(out.revocation[0], RevocationStatus::Good { .. }));
    assert!(matches!(out.revocation[1], RevocationStatus::Good { .. }));
    // The leaf's status is the OCSP response's, the sub CA's the root's CRL.
    assert_eq!(decided_by(&out.revocation[0]), BY_OCSP);
    assert_eq!(decided_by(&out.revocation[1]), BY_CRL);
    let RevocationStatus::Good { evidence, .. } = &out.revocation[0] else {
        unreachable!()
    };
    let sub = cert(&f.pki.sub);
    assert_eq!(evidence.issuer_or_responder, cert(&f.responder).subject());
    assert_ne!(evidence.issuer_or_responder, sub.subject());
    assert!(evidence.produced_at.is_some() && evidence.next_update.is_some());
    assert_eq!(
        evidence.path, None,
        "bytes given to the library name no file"
    );
    let RevocationStatus::Good { evidence, .. } = &out.revocation[1] else {
        unreachable!()
    };
    assert_eq!(evidence.issuer_or_responder, cert(&f.pki.root).subject());
    assert_eq!(evidence.produced_at, None, "a CRL has no producedAt");
}

#[test]
fn a_revoked_ocsp_response_fails_the_path() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.revoked), &f.responder, &["-ndays", "1"]);
    let at = soon_after(&r);
    let out = chain(&f, &f.revoked, vec![r], vec![root_crl(&f, at)], at);
    assert!(
        matches!(
            out.error,
            Some(ChainError::Revoked {
                reason: RevocationReason::KeyCompromise,
                ..
            })
        ),
        "{:?}",
        out.error
    );
}

#[test]
fn a_crl_that_revokes_wins_over_a_good_ocsp_response() {
    // A good response the signer embedded can still be fresh when a newer CRL lists the
    // certificate: revoked from any valid source wins.
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    let at = soon_after(&r);
    let day = 86_400;
    let iso = |t: i64| Timestamp::from_unix(t).to_string();
    let revoking = CrlSpec::default()
        .updates(&iso(at.unix() - day), Some(&iso(at.unix() + day)))
        .revoke(&f.good, &iso(at.unix() - 2 * day), Some(1));
    let sub_crl = f.pki.crl(&f.pki.sub, &revoking);
    let out = chain(
        &f,
        &f.good,
        vec![r.clone()],
        vec![sub_crl, root_crl(&f, at)],
        at,
    );
    assert!(
        matches!(out.error, Some(ChainError::Revoked { .. })),
        "{:?}",
        out.error
    );
    // The same response with a CRL that does not list it: good, decided by OCSP.
    let clean = CrlSpec::default().updates(&iso(at.unix() - day), Some(&iso(at.unix() + day)));
    let sub_crl = f.pki.crl(&f.pki.sub, &clean);
    let out = chain(&f, &f.good, vec![r], vec![sub_crl, root_crl(&f, at)], at);
    assert!(out.is_valid(), "{:?}", out.error);
}

#[test]
fn an_unusable_ocsp_response_falls_back_to_the_crl_or_is_reported() {
    let f = Fixture::new();
    let r = f.respond(&f.request(&f.good), &f.responder, &["-ndays", "1"]);
    let stale_at = Timestamp::from_unix(r.this_update().unwrap().unix() + 2 * 86_400);
    // No CRL for the leaf: the OCSP problem is the reason.
    let out = chain(
        &f,
        &f.good,
        vec![r.clone()],
        vec![root_crl(&f, stale_at)],
        stale_at,
    );
    match out.error {
        Some(ChainError::RevocationUnknown {
            problem: CrlProblem::Ocsp { problem },
            ..
        }) => assert_eq!(problem.code(), "ocsp_response_expired"),
        other => panic!("{other:?}"),
    }
    // A current CRL of the sub CA decides instead.
    let sub_crl = {
        let iso = |t: i64| Timestamp::from_unix(t).to_string();
        let spec = CrlSpec::default().updates(
            &iso(stale_at.unix() - 86_400),
            Some(&iso(stale_at.unix() + 86_400)),
        );
        f.pki.crl(&f.pki.sub, &spec)
    };
    let out = chain(
        &f,
        &f.good,
        vec![r],
        vec![root_crl(&f, stale_at), sub_crl],
        stale_at,
    );
    assert!(out.is_valid(), "{:?}", out.error);
    assert_eq!(
        decided_by(&out.revocation[0]),
        BY_CRL,
        "the CRL, not the stale response"
    );
}

#[test]
fn the_ocsp_problem_serialises_inside_the_revocation_status() {
    let p = CrlProblem::Ocsp {
        problem: OcspProblem::NonceMismatch {
            sent: "00".into(),
            received: None,
        },
    };
    let v = serde_json::to_value(RevocationStatus::Unknown { problem: p }).unwrap();
    assert_eq!(v["status"], "unknown");
    assert_eq!(v["problem"]["code"], "ocsp_response_unusable");
    assert_eq!(v["problem"]["problem"]["code"], "ocsp_nonce_mismatch");
}

// --- Responses built with the OpenSSL library at pinned times: each MUST of RFC 6960 -----

mod built {
    use super::*;
    use kyso_testkit::ocsp::{build_response, error_response, CertStatus, ResponseSpec, Single};
    use kyso_testkit::{der, KeyUsage, PINNED};

    fn t0() -> i64 {
        der::parse_rfc3339(PINNED)
    }
    fn at() -> Timestamp {
        Timestamp::from_unix(t0() + 3600)
    }

    struct Ca {
        pki: Pki,
        leaf: Issued,
        responder: Issued,
    }

    fn ca() -> Ca {
        let pki = Pki::new();
        let leaf = pki.leaf(CertSpec::ee("Leaf"));
        let responder = pki.issue(&pki.sub, responder_spec("Responder", true));
        Ca {
            pki,
            leaf,
            responder,
        }
    }

    impl Ca {
        fn single(&self, status: CertStatus) -> Single {
            Single::new(&self.leaf, &self.pki.sub, status, t0())
        }
        fn spec(&self, singles: Vec<Single>) -> ResponseSpec {
            ResponseSpec {
                singles,
                produced_at: t0(),
                certs: vec![self.responder.clone()],
                ..ResponseSpec::default()
            }
        }
        fn check(
            &self,
            spec: &ResponseSpec,
            signer: &Issued,
        ) -> Result<kyso::OcspVerdict, OcspProblem> {
            let r = OcspResponse::from_der(&build_response(spec, signer)).expect("parses");
            r.validate(
                &cert(&self.leaf),
                &cert(&self.pki.sub),
                &OcspOptions::new(at()),
            )
        }
        fn parse(&self, spec: &ResponseSpec) -> Result<OcspResponse, kyso::Error> {
            OcspResponse::from_der(&build_response(spec, &self.responder))
        }
    }

    #[test]
    fn control_good_by_name_and_by_key() {
        let c = ca();
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        assert_eq!(
            c.check(&spec, &c.responder).unwrap().status,
            OcspCertStatus::Good
        );
        spec.by_key = true;
        spec.version = Some(0);
        assert_eq!(
            c.check(&spec, &c.responder).unwrap().status,
            OcspCertStatus::Good
        );
        // Signed by the CA itself, no certificates.
        spec.certs.clear();
        let v = c.check(&spec, &c.pki.sub).unwrap();
        assert_eq!(v.responder, OcspResponder::IssuingCa);
        assert_eq!(v.produced_at, Timestamp::from_unix(t0()));
    }

    #[test]
    fn revoked_without_a_reason_is_unspecified_and_hold_is_revoked() {
        let c = ca();
        let spec = c.spec(vec![c.single(CertStatus::Revoked(t0() - 86_400, None))]);
        assert_eq!(
            c.check(&spec, &c.responder).unwrap().status,
            OcspCertStatus::Revoked {
                reason: RevocationReason::Unspecified,
                revoked_at: Timestamp::from_unix(t0() - 86_400)
            }
        );
        let spec = c.spec(vec![c.single(CertStatus::Revoked(t0() - 60, Some(6)))]);
        assert!(matches!(
            c.check(&spec, &c.responder).unwrap().status,
            OcspCertStatus::Revoked {
                reason: RevocationReason::CertificateHold,
                ..
            }
        ));
        // reason 7 is not a CRLReason.
        let spec = c.spec(vec![c.single(CertStatus::Revoked(t0() - 60, Some(7)))]);
        assert!(c.parse(&spec).is_err());
    }

    #[test]
    fn the_newest_fresh_single_response_decides() {
        let c = ca();
        let mut old = c.single(CertStatus::Good);
        old.this_update = t0() - 7200;
        let mut new = c.single(CertStatus::Revoked(t0() - 3600, Some(1)));
        new.this_update = t0() - 60;
        let spec = c.spec(vec![old.clone(), new.clone()]);
        assert!(matches!(
            c.check(&spec, &c.responder).unwrap().status,
            OcspCertStatus::Revoked { .. }
        ));
        let spec = c.spec(vec![new, old]);
        assert!(matches!(
            c.check(&spec, &c.responder).unwrap().status,
            OcspCertStatus::Revoked { .. }
        ));
    }

    /// BoringSSL's multiple_response_good_revoked and multiple_response: one signed response
    /// that says two things about the certificate at the same thisUpdate is taken at its most
    /// severe (revoked, then unknown), whatever the order of its SingleResponses.
    #[test]
    fn equally_new_single_responses_the_most_severe_decides() {
        let c = ca();
        let good = c.single(CertStatus::Good);
        let unknown = c.single(CertStatus::Unknown);
        let revoked = c.single(CertStatus::Revoked(t0() - 3600, Some(1)));
        for singles in [
            vec![good.clone(), revoked.clone()],
            vec![revoked.clone(), good.clone()],
            vec![good.clone(), unknown.clone(), revoked.clone()],
            vec![revoked.clone(), unknown.clone()],
        ] {
            let status = c.check(&c.spec(singles), &c.responder).unwrap().status;
            assert!(
                matches!(status, OcspCertStatus::Revoked { .. }),
                "{status:?}"
            );
        }
        for singles in [vec![good.clone(), unknown.clone()], vec![unknown, good]] {
            let status = c.check(&c.spec(singles), &c.responder).unwrap().status;
            assert_eq!(status, OcspCertStatus::Unknown);
        }
    }

    #[test]
    fn a_revocation_for_good_beats_a_newer_good_but_a_lifted_hold_does_not() {
        let c = ca();
        let older = |status| Single::new(&c.leaf, &c.pki.sub, status, t0() - 600);
        let newer_good = c.single(CertStatus::Good);
        let key_compromise = older(CertStatus::Revoked(t0() - 3600, Some(1)));
        let status = c
            .check(
                &c.spec(vec![newer_good.clone(), key_compromise]),
                &c.responder,
            )
            .unwrap()
            .status;
        assert!(
            matches!(status, OcspCertStatus::Revoked { .. }),
            "{status:?}"
        );
        // certificateHold (6) answered earlier, good answered later: the hold was lifted.
        let hold = older(CertStatus::Revoked(t0() - 3600, Some(6)));
        let status = c
            .check(&c.spec(vec![hold, newer_good]), &c.responder)
            .unwrap()
            .status;
        assert_eq!(status, OcspCertStatus::Good);
    }

    #[test]
    fn responder_errors_are_problems_with_their_status() {
        let r = OcspResponse::from_der(&error_response(3)).unwrap();
        let c = ca();
        assert_eq!(
            r.validate(&cert(&c.leaf), &cert(&c.pki.sub), &OcspOptions::new(at())),
            Err(OcspProblem::ResponderError {
                status: kyso::OcspResponseStatus::TryLater
            })
        );
        for (code, status) in [
            (1, kyso::OcspResponseStatus::MalformedRequest),
            (2, kyso::OcspResponseStatus::InternalError),
            (5, kyso::OcspResponseStatus::SigRequired),
            (6, kyso::OcspResponseStatus::Unauthorized),
        ] {
            let r = OcspResponse::from_der(&error_response(code)).unwrap();
            assert_eq!(r.response_status(), status);
        }
    }

    #[test]
    fn unknown_critical_extensions_make_the_response_unusable() {
        let c = ca();
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.extensions = vec![("1.2.3.4".into(), false, vec![0x05, 0x00])];
        assert!(
            c.check(&spec, &c.responder).is_ok(),
            "non-critical is ignored"
        );
        spec.extensions = vec![("1.2.3.4".into(), true, vec![0x05, 0x00])];
        assert_eq!(
            c.check(&spec, &c.responder),
            Err(OcspProblem::UnsupportedCriticalExtension {
                oid: "1.2.3.4".into()
            })
        );
        let mut single = c.single(CertStatus::Good);
        single.extensions = vec![("1.2.3.5".into(), true, vec![0x05, 0x00])];
        let spec = c.spec(vec![single]);
        assert_eq!(
            c.check(&spec, &c.responder).unwrap_err().code(),
            "ocsp_unsupported_critical_extension"
        );
        // A critical certificateIssuer (RFC 5280 §5.3.3) would make the entry about another
        // CA's certificate: kyso does not act on it, so the response is unusable; the same
        // extension non-critical is ignored.
        for (critical, usable) in [(true, false), (false, true)] {
            let mut single = c.single(CertStatus::Good);
            single.extensions = vec![("2.5.29.29".into(), critical, vec![0x30, 0x00])];
            let spec = c.spec(vec![single]);
            assert_eq!(
                c.check(&spec, &c.responder).is_ok(),
                usable,
                "critical: {critical}"
            );
        }
        // The same extension twice is malformed.
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.extensions = vec![
            ("1.2.3.4".into(), false, vec![0x05, 0x00]),
            ("1.2.3.4".into(), false, vec![0x05, 0x00]),
        ];
        assert!(c.parse(&spec).is_err());
    }

    #[test]
    fn a_sha1_signature_is_refused_by_the_algorithm_policy() {
        let c = ca();
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.sha1 = true;
        assert_eq!(
            c.check(&spec, &c.responder),
            Err(OcspProblem::WeakSignatureAlgorithm {
                algorithm: "sha1".into()
            })
        );
    }

    #[test]
    fn responder_certificate_rules() {
        let c = ca();
        // A critical extension kyso does not process refuses a responder as it refuses a
        // certificate of the path (RFC 5280 §4.2); non-critical, it is ignored.
        for (critical, refused) in [(true, true), (false, false)] {
            let odd = c.pki.issue(
                &c.pki.sub,
                responder_spec("Odd Extension Responder", true).extension(
                    "1.2.3.4.5",
                    critical,
                    vec![0x05, 0x00],
                ),
            );
            let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
            spec.certs = vec![odd.clone()];
            assert_eq!(
                matches!(
                    c.check(&spec, &odd),
                    Err(OcspProblem::ResponderNotAuthorized {
                        rule: kyso::ResponderRule::UnknownCriticalExtension,
                        ..
                    })
                ),
                refused,
                "critical: {critical}"
            );
        }
        let key_enc = c.pki.issue(
            &c.pki.sub,
            responder_spec("Key Encipherment Responder", true)
                .key_usage(&[KeyUsage::KeyEncipherment]),
        );
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.certs = vec![key_enc.clone()];
        assert!(matches!(
            c.check(&spec, &key_enc),
            Err(OcspProblem::ResponderNotAuthorized {
                rule: kyso::ResponderRule::NoDigitalSignature,
                ..
            })
        ));
        let expired = c.pki.issue(
            &c.pki.sub,
            responder_spec("Expired Responder", true)
                .validity("2025-06-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        );
        spec.certs = vec![expired.clone()];
        assert!(matches!(
            c.check(&spec, &expired),
            Err(OcspProblem::ResponderNotAuthorized {
                rule: kyso::ResponderRule::NotValidAtTime,
                ..
            })
        ));
    }

    #[test]
    fn produced_after_the_validation_time_is_not_yet_valid() {
        let c = ca();
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.produced_at = t0() + 7200;
        assert!(matches!(
            c.check(&spec, &c.responder),
            Err(OcspProblem::NotYetValid { .. })
        ));
    }

    #[test]
    fn structure_and_bounds() {
        let c = ca();
        // A CertID hash kyso does not compute.
        let mut s = c.single(CertStatus::Good);
        s.hash_oid = "1.2.3.4".into();
        assert_eq!(
            c.check(&c.spec(vec![s]), &c.responder),
            Err(OcspProblem::UnsupportedCertIdHash {
                oid: "1.2.3.4".into()
            })
        );
        // nextUpdate before thisUpdate.
        let mut s = c.single(CertStatus::Good);
        s.next_update = Some(t0() - 1);
        assert!(c.parse(&c.spec(vec![s])).is_err());
        // version v2 does not exist.
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.version = Some(1);
        assert!(c.parse(&spec).is_err());
        // 1,000 SingleResponses are read, 1,001 are refused.
        let many = |n: usize| c.spec(vec![c.single(CertStatus::Good); n]);
        assert_eq!(c.parse(&many(1000)).unwrap().len(), 1000);
        let e = c.parse(&many(1001)).unwrap_err().to_string();
        assert!(e.contains("more than 1000 SingleResponses"), "{e}");
        // 16 certificates, not 17.
        let mut spec = c.spec(vec![c.single(CertStatus::Good)]);
        spec.certs = vec![c.responder.clone(); 17];
        let e = c.parse(&spec).unwrap_err().to_string();
        assert!(e.contains("more than 16 certificates"), "{e}");
    }
}

mod responder_status {
    use super::*;

    fn opts(
        at: Timestamp,
        ocsp: Vec<OcspResponse>,
        crls: Vec<Vec<u8>>,
        mode: RevocationMode,
    ) -> ChainOptions {
        ChainOptions::new(at)
            .ocsp_responses(ocsp)
            .crls(crls.iter().map(|c| Crl::from_der(c).unwrap()))
            .revocation(mode)
    }

    fn run(f: &Fixture, leaf: &Issued, o: &ChainOptions) -> kyso::ChainOutcome {
        kyso::validate_chain_with(&cert(leaf), &[cert(&f.pki.sub)], &[cert(&f.pki.root)], o)
    }

    fn sub_crl(f: &Fixture, at: Timestamp, revoke: Option<&Issued>) -> Vec<u8> {
        let iso = |t: i64| Timestamp::from_unix(t).to_string();
        let mut spec =
            CrlSpec::default().updates(&iso(at.unix() - 86_400), Some(&iso(at.unix() + 86_400)));
        if let Some(r) = revoke {
            spec = spec.revoke(r, &iso(at.unix() - 3600), Some(1));
        }
        f.pki.crl(&f.pki.sub, &spec)
    }

    #[test]
    fn without_nocheck_an_unknown_responder_status_fails_only_when_required() {
        let f = Fixture::new();
        let plain = f
            .pki
            .issue(&f.pki.sub, responder_spec("Plain Responder", false));
        let r = f.respond(&f.request(&f.good), &plain, &["-ndays", "1"]);
        let at = soon_after(&r);
        let required = opts(
            at,
            vec![r.clone()],
            vec![root_crl(&f, at)],
            RevocationMode::Required,
        );
        match run(&f, &f.good, &required).error {
            Some(ChainError::RevocationUnknown {
                problem:
                    CrlProblem::Ocsp {
                        problem:
                            OcspProblem::ResponderNotAuthorized {
                                rule: kyso::ResponderRule::StatusUnknown,
                                ..
                            },
                    },
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        let auto = opts(at, vec![r], vec![root_crl(&f, at)], RevocationMode::Auto);
        let out = run(&f, &f.good, &auto);
        assert!(out.is_valid(), "{:?}", out.error);
        assert_eq!(decided_by(&out.revocation[0]), BY_OCSP);

        // Under auto too, a responder that names where its own status is published (a CRL
        // nobody gave) is judged as a path certificate would be: not believed unchecked.
        let pointing = f.pki.issue(
            &f.pki.sub,
            responder_spec("Pointing Responder", false).crl_dp("http://crl.ca.example.vn/sub.crl"),
        );
        let r = f.respond(&f.request(&f.good), &pointing, &["-ndays", "1"]);
        let at = soon_after(&r);
        let auto = opts(at, vec![r], vec![root_crl(&f, at)], RevocationMode::Auto);
        let out = run(&f, &f.good, &auto);
        assert!(
            !out.is_valid(),
            "an unchecked responder decided: {:?}",
            out.revocation
        );
    }

    #[test]
    fn without_nocheck_a_revoked_responder_is_not_believed() {
        let f = Fixture::new();
        let plain = f
            .pki
            .issue(&f.pki.sub, responder_spec("Plain Responder", false));
        // The responder says the revoked signer is revoked; its own certificate is on the sub
        // CA's CRL, which does not list the signer: the CRL decides.
        let r = f.respond(&f.request(&f.revoked), &plain, &["-ndays", "1"]);
        let at = soon_after(&r);
        let crls = vec![root_crl(&f, at), sub_crl(&f, at, Some(&plain))];
        let out = run(
            &f,
            &f.revoked,
            &opts(at, vec![r], crls.clone(), RevocationMode::Required),
        );
        assert!(out.is_valid(), "{:?}", out.error);
        assert_eq!(decided_by(&out.revocation[0]), BY_CRL, "the CRL decides");
        // Control: the same answer from a responder in good standing is believed.
        let plain_ok = f
            .pki
            .issue(&f.pki.sub, responder_spec("Good Responder", false));
        let r = f.respond(&f.request(&f.revoked), &plain_ok, &["-ndays", "1"]);
        let out = run(
            &f,
            &f.revoked,
            &opts(at, vec![r], crls, RevocationMode::Required),
        );
        assert!(
            matches!(out.error, Some(ChainError::Revoked { .. })),
            "{:?}",
            out.error
        );
    }
}

#[test]
fn requests_refuse_a_wrong_issuer_and_hashes_kyso_does_not_offer() {
    let f = Fixture::new();
    let leaf = cert(&f.good);
    let e = OcspRequest::new(&leaf, &cert(&f.pki.root))
        .unwrap_err()
        .to_string();
    assert!(e.contains("is not the issuer of"), "{e}");
    let e = OcspRequest::with_hash(&leaf, &cert(&f.pki.sub), DigestAlgorithm::Md5)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a CertID hash kyso offers"), "{e}");
    // SHA-256 and SHA-1 requests differ only in their CertID.
    let a = OcspRequest::new(&leaf, &cert(&f.pki.sub)).unwrap().to_der();
    let b = OcspRequest::with_hash(&leaf, &cert(&f.pki.sub), DigestAlgorithm::Sha256)
        .unwrap()
        .to_der();
    // Two 32-byte hashes instead of two 20-byte ones (+24), and a 9-byte OID instead of 5 (+4).
    assert_eq!(b.len() - a.len(), 28);
}
