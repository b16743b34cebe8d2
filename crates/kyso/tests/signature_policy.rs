//! The validation policy's signature constraints (issue 9): plain CMS and the ESS binding
//! under agency-default and relaxed policies, the level reported, and the CMS EUF-CMA
//! confusion refused under every policy. Fresh keys from kyso-testkit.

use kyso::{
    Certificate, CheckName, DocumentReport, Indication, SignatureLevel, SubIndication, Timestamp,
    ValidationPolicy, Verifier,
};
use kyso_testkit::cms::{sign, CmsSpec, SignerSpec};
use kyso_testkit::{CertSpec, Pki};

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap()
}

fn cert(i: &kyso_testkit::Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).unwrap()
}

fn verify(
    pki: &Pki,
    policy: Option<ValidationPolicy>,
    sig: &[u8],
    content: Option<&[u8]>,
) -> DocumentReport {
    let mut v = Verifier::new()
        .with_trust_anchors([cert(&pki.root)])
        .with_intermediates([cert(&pki.sub)]);
    if let Some(p) = policy {
        v = v.with_policy(p);
    }
    v.verify_bytes(sig, content, at())
}

fn plain_cms_policy() -> ValidationPolicy {
    let mut p = ValidationPolicy::agency_default();
    p.require_signed_attributes = false;
    p.require_signing_certificate = false;
    p
}

fn spec(pki: &Pki, signer: SignerSpec, attached: bool) -> CmsSpec {
    CmsSpec {
        certs: vec![signer.signer.clone(), pki.sub.clone()],
        signers: vec![signer],
        attached,
        ..CmsSpec::default()
    }
}

fn failed(r: &DocumentReport) -> Vec<(CheckName, &'static str)> {
    r.signatures[0]
        .failures()
        .map(|(c, x)| (c, x.code()))
        .collect()
}

#[test]
fn baseline_b_b_passes_under_the_default_policy() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    let sig = sign(b"doc", &spec(&pki, SignerSpec::new(&leaf), false));
    let r = verify(&pki, None, &sig, Some(b"doc"));
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", failed(&r));
    assert_eq!(r.signatures[0].level, SignatureLevel::BB);
}

#[test]
fn plain_cms_is_sig_constraints_failure_by_default_and_passes_when_allowed() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    for attached in [false, true] {
        let sig = sign(
            b"doc",
            &spec(&pki, SignerSpec::new(&leaf).signed_attrs(false), attached),
        );
        let content: Option<&[u8]> = if attached { None } else { Some(b"doc") };
        let r = verify(&pki, None, &sig, content);
        assert_eq!(r.indication, Indication::Indeterminate);
        assert_eq!(r.sub_indication, Some(SubIndication::SigConstraintsFailure));
        assert_eq!(r.signatures[0].level, SignatureLevel::Cms);
        assert!(failed(&r).contains(&(CheckName::SignedAttributes, "policy_not_met")));
        assert!(failed(&r).contains(&(CheckName::SigningCertificateReference, "policy_not_met")));
        let r = verify(&pki, Some(plain_cms_policy()), &sig, content);
        assert_eq!(r.indication, Indication::TotalPassed, "{:?}", failed(&r));
        let r = verify(
            &pki,
            Some(ValidationPolicy::legacy_archive()),
            &sig,
            content,
        );
        assert_eq!(r.indication, Indication::TotalPassed, "{:?}", failed(&r));
    }
}

#[test]
fn signed_attributes_without_ess_fail_the_default_policy() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    let mut s = SignerSpec::new(&leaf);
    s.ess = false;
    let sig = sign(b"doc", &spec(&pki, s, false));
    let r = verify(&pki, None, &sig, Some(b"doc"));
    assert_eq!(r.sub_indication, Some(SubIndication::SigConstraintsFailure));
    assert_eq!(
        failed(&r),
        vec![(CheckName::SigningCertificateReference, "policy_not_met")]
    );
    assert_eq!(r.signatures[0].level, SignatureLevel::Cms);
    let r = verify(&pki, Some(plain_cms_policy()), &sig, Some(b"doc"));
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", failed(&r));
}

/// A DER SET OF Attribute with content-type (id-data) and message-digest: what a signature
/// over signed attributes covers.
fn signed_attributes_set() -> Vec<u8> {
    let mut ct = vec![
        0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03,
    ];
    ct.extend([
        0x31, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ]);
    let mut md = vec![
        0x30, 0x2f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
    ];
    md.extend([0x31, 0x22, 0x04, 0x20]);
    md.extend([0x5a; 32]);
    let mut set = vec![0x31, (ct.len() + md.len()) as u8];
    set.extend(ct);
    set.extend(md);
    set
}

#[test]
fn plain_cms_over_a_signed_attributes_set_is_refused_attached_and_detached() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    let content = signed_attributes_set();
    for attached in [false, true] {
        let sig = sign(
            &content,
            &spec(&pki, SignerSpec::new(&leaf).signed_attrs(false), attached),
        );
        let c: Option<&[u8]> = if attached { None } else { Some(&content) };
        for policy in [plain_cms_policy(), ValidationPolicy::legacy_archive()] {
            let r = verify(&pki, Some(policy), &sig, c);
            assert_eq!(r.indication, Indication::TotalFailed, "attached {attached}");
            assert_eq!(r.sub_indication, Some(SubIndication::FormatFailure));
            assert!(failed(&r).contains(&(CheckName::SignedAttributes, "malformed")));
        }
    }
}

#[test]
fn insecure_legacy_crypto_keeps_the_signature_constraints_and_skips_the_algorithm_check() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    let sig = sign(b"doc", &spec(&pki, SignerSpec::new(&leaf), false));
    let mut v = Verifier::new()
        .with_trust_anchors([cert(&pki.root)])
        .with_intermediates([cert(&pki.sub)]);
    v.dangerous().allow_legacy_crypto();
    let r = v.verify_bytes(&sig, Some(b"doc"), at());
    assert_eq!(r.indication, Indication::TotalPassed);
    let alg = r.signatures[0]
        .checks
        .iter()
        .find(|c| c.check == CheckName::AlgorithmPolicy)
        .unwrap();
    assert!(matches!(
        alg.result,
        kyso::CheckResult::Skipped(kyso::SkipReason::LegacyCryptoAllowed)
    ));
    assert!(
        v.policy().require_signed_attributes,
        "only the crypto settings change"
    );
}

/// ESS (RFC 5035 §5.4): every signing-certificate attribute present is checked, its hash
/// algorithm is judged by the policy, and trailing bytes are malformed. Each case differs from
/// the passing baseline in that one attribute only.
#[test]
fn every_ess_attribute_is_checked_and_judged() {
    use kyso_testkit::der;
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    let other = pki.leaf(CertSpec::ee("Trần Thị B"));
    let ess_v2 = |hash_alg: Option<Vec<u8>>, cert_hash: Vec<u8>, trailing: bool| {
        let mut id = Vec::new();
        if let Some(a) = hash_alg {
            id.push(a);
        }
        id.push(der::octets(&cert_hash));
        let mut outer = vec![der::seq(&[der::seq(&id)])];
        if trailing {
            outer.push(der::null());
        }
        der::seq(&outer)
    };
    let run = |s: SignerSpec| {
        let sig = sign(b"doc", &spec(&pki, s, false));
        verify(&pki, None, &sig, Some(b"doc"))
    };
    let sha256_of = |i: &kyso_testkit::Issued| openssl::sha::sha256(&i.cert_der()).to_vec();
    let sha1_of = |i: &kyso_testkit::Issued| openssl::sha::sha1(&i.cert_der()).to_vec();

    // Control: the same explicit construction, correct, passes.
    let mut ok = SignerSpec::new(&leaf);
    ok.ess_v2_value = Some(ess_v2(None, sha256_of(&leaf), false));
    let r = run(ok);
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", failed(&r));

    // A correct v2 beside a v1 (SigningCertificate, SHA-1) naming another certificate.
    let mut both = SignerSpec::new(&leaf);
    let v1 = der::seq(&[
        der::oid("1.2.840.113549.1.9.16.2.12"),
        der::set_of(&[der::seq(&[der::seq(&[der::seq(&[der::octets(
            &sha1_of(&other),
        )])])])]),
    ]);
    both.extra_signed_attrs.push(v1);
    let r = run(both);
    assert_ne!(
        r.indication,
        Indication::TotalPassed,
        "a v1 naming another certificate passed"
    );
    assert!(
        failed(&r)
            .iter()
            .any(|(c, _)| *c == CheckName::SigningCertificateReference),
        "{:?}",
        failed(&r)
    );

    // v2 with SHA-1 as its hashAlgorithm (the hash itself correct): not allowed by default.
    let mut weak = SignerSpec::new(&leaf);
    let sha1_alg = der::seq(&[der::oid("1.3.14.3.2.26")]);
    weak.ess_v2_value = Some(ess_v2(Some(sha1_alg), sha1_of(&leaf), false));
    let r = run(weak);
    assert_ne!(
        r.indication,
        Indication::TotalPassed,
        "an ESS binding by SHA-1 passed"
    );

    // Trailing bytes after the certs sequence.
    let mut trailing = SignerSpec::new(&leaf);
    trailing.ess_v2_value = Some(ess_v2(None, sha256_of(&leaf), true));
    let r = run(trailing);
    assert_ne!(
        r.indication,
        Indication::TotalPassed,
        "trailing ESS bytes were accepted"
    );
}
