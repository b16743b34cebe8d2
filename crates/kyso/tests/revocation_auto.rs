//! `--revocation auto` on a certificate that names revocation services (issue 10): when no
//! CRL or OCSP response for it was embedded or given, its status is not established, and the
//! path is INDETERMINATE (TRY_LATER) with the URLs it names — never a pass with a skipped
//! check. A certificate that names no service stays a skipped check.

use kyso::{
    Certificate, ChainError, ChainOptions, Crl, CrlProblem, RevocationMode, RevocationStatus,
    SubIndication, Timestamp,
};
use kyso_testkit::{CertSpec, CrlSpec, Issued, Pki};

const OCSP_URL: &str = "http://ocsp.ca.example.vn/";
const CRL_URL: &str = "http://crl.ca.example.vn/sub.crl";

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).unwrap()
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap()
}

fn chain(pki: &Pki, leaf: &Issued, mode: RevocationMode, crls: &[Vec<u8>]) -> kyso::ChainOutcome {
    let opts = ChainOptions::new(at())
        .revocation(mode)
        .crls(crls.iter().map(|c| Crl::from_der(c).unwrap()));
    kyso::validate_chain_with(&cert(leaf), &[cert(&pki.sub)], &[cert(&pki.root)], &opts)
}

#[test]
fn a_certificate_naming_revocation_services_is_not_passed_unchecked() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Official").ocsp(OCSP_URL).crl_dp(CRL_URL));
    let out = chain(&pki, &leaf, RevocationMode::Auto, &[]);
    let Some(ChainError::RevocationUnknown { problem, .. }) = &out.error else {
        panic!("expected revocation_unknown, got {:?}", out.error);
    };
    assert_eq!(
        *problem,
        CrlProblem::NotLookedUp {
            urls: vec![OCSP_URL.into(), CRL_URL.into()]
        }
    );
    let e = out.error.as_ref().unwrap();
    assert_eq!(e.sub_indication(), SubIndication::TryLater);
    let text = e.message(kyso::Lang::En);
    assert!(text.contains(OCSP_URL) && text.contains(CRL_URL), "{text}");
    assert!(e.message(kyso::Lang::Vi).contains("không tải về qua mạng"));
    assert!(e.hint().is_some(), "the reader is told what to give");

    // Asked for no revocation checking: the path is valid (the check is reported skipped).
    assert!(chain(&pki, &leaf, RevocationMode::Off, &[]).is_valid());

    // With the CA's CRL given (and the root's, which covers the sub CA), the status is real.
    let sub_crl = pki.crl(&pki.sub, &CrlSpec::default());
    let root_crl = pki.crl(&pki.root, &CrlSpec::default());
    let out = chain(
        &pki,
        &leaf,
        RevocationMode::Auto,
        &[sub_crl.clone(), root_crl.clone()],
    );
    assert!(out.is_valid(), "{:?}", out.error);
    assert!(matches!(out.revocation[0], RevocationStatus::Good { .. }));

    // And a revoked one is revoked.
    let revoked_crl = pki.crl(
        &pki.sub,
        &CrlSpec::default().revoke(&leaf, "2026-05-10T00:00:00Z", Some(1)),
    );
    let out = chain(&pki, &leaf, RevocationMode::Auto, &[revoked_crl, root_crl]);
    assert!(
        matches!(out.error, Some(ChainError::Revoked { .. })),
        "{:?}",
        out.error
    );
}

#[test]
fn a_certificate_naming_no_service_stays_a_skipped_check() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Official"));
    let out = chain(&pki, &leaf, RevocationMode::Auto, &[]);
    assert!(out.is_valid(), "{:?}", out.error);
    assert!(!matches!(out.revocation[0], RevocationStatus::Good { .. }));
    // Only one service named is enough: an OCSP URL alone, or a CRL URL alone.
    for spec in [
        CertSpec::ee("OCSP only").ocsp(OCSP_URL),
        CertSpec::ee("CRL only").crl_dp(CRL_URL),
    ] {
        let leaf = pki.leaf(spec);
        assert!(!chain(&pki, &leaf, RevocationMode::Auto, &[]).is_valid());
    }
}
