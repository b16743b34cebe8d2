//! CRL selection, CRL signer and CRL shape rules (RFC 5280 §5, §6.3.3; docs/conformance.md
//! rows K-12, 5280-6.3.3-c, 5280-6.3.3-f, 5280-5.1.2.5-a, 5280-5.2-b/c). Each hostile input is
//! built with fresh keys by kyso-testkit, beside a control case from the same generator that
//! must pass.

use kyso::{Certificate, ChainError, ChainOptions, Crl, RevocationMode, Timestamp};
use kyso_testkit::{der, CertSpec, CrlSpec, Issued, KeyUsage, Pki, PINNED};

fn at() -> Timestamp {
    Timestamp::from_unix(der::parse_rfc3339(PINNED))
}

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("test certificate")
}

fn crl(der: Vec<u8>) -> Crl {
    Crl::from_der(&der).expect("test CRL")
}

/// What validating `leaf` under the test PKI with `crls` (plus an empty root CRL for the
/// sub CA) and `--revocation required` says: `Ok` for a valid path, else the error's code.
fn check(
    pki: &Pki,
    leaf: &Issued,
    extra_pool: &[&Issued],
    anchors: &[&Issued],
    crls: Vec<Crl>,
) -> Result<(), String> {
    let mut all = vec![crl(pki.crl(&pki.root, &CrlSpec::default()))];
    all.extend(crls);
    let pool: Vec<Certificate> = std::iter::once(&pki.sub)
        .chain(extra_pool.iter().copied())
        .map(cert)
        .collect();
    let anchors: Vec<Certificate> = std::iter::once(&pki.root)
        .chain(anchors.iter().copied())
        .map(cert)
        .collect();
    let opts = ChainOptions::new(at())
        .crls(all)
        .revocation(RevocationMode::Required);
    let out = kyso::validate_chain_with(&cert(leaf), &pool, &anchors, &opts);
    match out.error {
        None => Ok(()),
        Some(ChainError::RevocationUnknown { problem, .. }) => {
            Err(format!("unknown:{}", problem.code()))
        }
        Some(e) => Err(e.code().to_string()),
    }
}

fn revokes(leaf: &Issued) -> CrlSpec {
    CrlSpec::default().revoke(leaf, "2026-05-15T00:00:00Z", Some(1))
}

#[test]
fn an_older_current_crl_given_first_does_not_hide_a_newer_revocation() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let old = || crl(pki.crl(&pki.sub, &CrlSpec::default().number(Some(1))));
    let new = || {
        crl(pki.crl(
            &pki.sub,
            &revokes(&leaf)
                .number(Some(2))
                .updates("2026-05-20T00:00:00Z", Some("2026-07-20T00:00:00Z")),
        ))
    };
    // Control: the older CRL alone says good.
    assert_eq!(check(&pki, &leaf, &[], &[], vec![old()]), Ok(()));
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![old(), new()]),
        Err("certificate_revoked".into())
    );
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![new(), old()]),
        Err("certificate_revoked".into())
    );
    // Same cRLNumber: the later thisUpdate decides.
    let same_number_later = crl(pki.crl(
        &pki.sub,
        &revokes(&leaf)
            .number(Some(1))
            .updates("2026-05-20T00:00:00Z", Some("2026-07-20T00:00:00Z")),
    ));
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![old(), same_number_later]),
        Err("certificate_revoked".into())
    );
}

#[test]
fn a_delta_crl_numbered_like_its_complete_crl_cannot_unrevoke() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let complete = || crl(pki.crl(&pki.sub, &revokes(&leaf).number(Some(2))));
    let remove = |number: u64, base: u64| {
        crl(pki.crl(
            &pki.sub,
            &CrlSpec::default()
                .revoke(&leaf, "2026-05-15T00:00:00Z", Some(8))
                .number(Some(number))
                .delta_of(base)
                .updates("2026-05-20T00:00:00Z", Some("2026-07-20T00:00:00Z")),
        ))
    };
    // Control: a real later delta (#3 on base 2) with removeFromCRL un-revokes (§6.3.3 k).
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![complete(), remove(3, 2)]),
        Ok(())
    );
    // §5.2.4 (d): the delta's number must be above the complete CRL's.
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![complete(), remove(2, 1)]),
        Err("certificate_revoked".into())
    );
}

#[test]
fn the_newest_delta_crl_decides() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let complete = || crl(pki.crl(&pki.sub, &CrlSpec::default().number(Some(2))));
    let empty_delta = || crl(pki.crl(&pki.sub, &CrlSpec::default().number(Some(3)).delta_of(2)));
    let revoking_delta = crl(pki.crl(
        &pki.sub,
        &revokes(&leaf)
            .number(Some(4))
            .delta_of(2)
            .updates("2026-05-20T00:00:00Z", Some("2026-07-20T00:00:00Z")),
    ));
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![complete(), empty_delta()]),
        Ok(())
    );
    assert_eq!(
        check(
            &pki,
            &leaf,
            &[],
            &[],
            vec![complete(), empty_delta(), revoking_delta]
        ),
        Err("certificate_revoked".into())
    );
}

#[test]
fn a_delta_crl_with_another_authority_key_identifier_is_not_applied() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let complete = || crl(pki.crl(&pki.sub, &revokes(&leaf).number(Some(2))));
    let remove = |key_id: bool| {
        let spec = CrlSpec::default()
            .key_id(key_id)
            .revoke(&leaf, "2026-05-15T00:00:00Z", Some(8))
            .number(Some(3))
            .delta_of(2);
        crl(pki.crl(&pki.sub, &spec))
    };
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![complete(), remove(true)]),
        Ok(())
    );
    // §6.3.3 (c)(3): no AKI on the delta, one on the complete CRL: not the same authority.
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![complete(), remove(false)]),
        Err("certificate_revoked".into())
    );
}

#[test]
fn a_same_named_ca_under_another_trusted_root_signs_no_crl_for_this_path() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let other_root = pki.self_signed(CertSpec::ca("Other Root CA"));
    let twin = pki.issue(&other_root, CertSpec::ca("Kyso Testkit Sub CA"));
    let real = || crl(pki.crl(&pki.sub, &revokes(&leaf)));
    let hidden = || crl(pki.crl(&twin, &CrlSpec::default().number(Some(100))));
    // The other root's CRL, so that the twin's own path is valid under `required` (E15).
    let other_root_crl = || crl(pki.crl(&other_root, &CrlSpec::default()));
    // Control: the twin's CRL is good for a certificate the twin issued (same generator).
    let twin_leaf = pki.issue(&twin, CertSpec::ee("Twin Signer"));
    let mut crls = vec![hidden(), crl(pki.crl(&other_root, &CrlSpec::default()))];
    crls.push(crl(pki.crl(&pki.root, &CrlSpec::default())));
    let opts = ChainOptions::new(at())
        .crls(crls)
        .revocation(RevocationMode::Required);
    let out = kyso::validate_chain_with(
        &cert(&twin_leaf),
        &[cert(&twin)],
        &[cert(&other_root)],
        &opts,
    );
    assert!(out.error.is_none(), "{:?}", out.error);
    // §6.3.3 (f): the CRL signer's path must end at this path's anchor.
    assert_eq!(
        check(
            &pki,
            &leaf,
            &[&twin],
            &[&other_root],
            vec![hidden(), other_root_crl(), real()]
        ),
        Err("certificate_revoked".into())
    );
    assert_eq!(
        check(
            &pki,
            &leaf,
            &[&twin],
            &[&other_root],
            vec![hidden(), other_root_crl()]
        ),
        Err("unknown:crl_signer_path_invalid".into())
    );
}

#[test]
fn an_end_entity_never_signs_a_crl_about_itself() {
    let pki = Pki::new();
    // Subject equal to its CA's name, no keyUsage: before, it vouched for itself.
    let mut spec = CertSpec::ee("Kyso Testkit Sub CA");
    spec.key_usage = None;
    let leaf = pki.leaf(spec);
    let own = || crl(pki.crl(&leaf, &CrlSpec::default().number(Some(999))));
    let real = || crl(pki.crl(&pki.sub, &revokes(&leaf)));
    let real_good = crl(pki.crl(&pki.sub, &CrlSpec::default()));
    assert_eq!(check(&pki, &leaf, &[], &[], vec![real_good]), Ok(()));
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![own(), real()]),
        Err("certificate_revoked".into())
    );
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![own()]),
        Err("unknown:crl_signer_lacks_crl_sign".into())
    );
}

#[test]
fn a_crl_signer_other_than_the_issuer_needs_crl_sign_in_key_usage() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    // Another certificate with the sub CA's name and a new key, under the same root (key
    // rollover, §6.3.3 f): not the leaf's issuer, so it must show cRLSign.
    let signer = |ku: Option<Vec<KeyUsage>>| {
        let mut spec = CertSpec::ca("Kyso Testkit Sub CA");
        spec.key_usage = ku;
        pki.issue(&pki.root, spec)
    };
    let crl_by = |s: &Issued| crl(pki.crl(s, &CrlSpec::default()));
    let with = signer(Some(vec![KeyUsage::KeyCertSign, KeyUsage::CrlSign]));
    assert_eq!(
        check(&pki, &leaf, &[&with], &[], vec![crl_by(&with)]),
        Ok(())
    );
    let without = signer(None);
    assert_eq!(
        check(&pki, &leaf, &[&without], &[], vec![crl_by(&without)]),
        Err("unknown:crl_signer_lacks_crl_sign".into())
    );
}

#[test]
fn a_crl_without_next_update_is_not_used() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let with = crl(pki.crl(&pki.sub, &CrlSpec::default()));
    assert_eq!(check(&pki, &leaf, &[], &[], vec![with]), Ok(()));
    let without = crl(pki.crl(
        &pki.sub,
        &CrlSpec::default().updates("2020-01-01T00:00:00Z", None),
    ));
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![without]),
        Err("unknown:crl_non_conforming".into())
    );
}

const PRIVATE_OID: &str = "1.3.6.1.4.1.55555.1";

#[test]
fn duplicate_or_padded_crl_extensions_make_the_crl_unusable() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let other = pki.leaf(CertSpec::ee("Other"));
    let run = |spec: CrlSpec| check(&pki, &leaf, &[], &[], vec![crl(pki.crl(&pki.sub, &spec))]);
    let bad = Err("unknown:crl_non_conforming".to_string());
    // Controls: one instance of an unknown non-critical extension, in the CRL and an entry.
    assert_eq!(
        run(CrlSpec::default().extension(PRIVATE_OID, false, der::null())),
        Ok(())
    );
    let entry = || revokes(&other);
    assert_eq!(
        run(entry().entry_extension(PRIVATE_OID, false, der::null())),
        Ok(())
    );
    // Two cRLNumbers (the second would claim a newer CRL).
    assert_eq!(
        run(CrlSpec::default().extension("2.5.29.20", false, der::int(7))),
        bad
    );
    assert_eq!(
        run(CrlSpec::default()
            .extension(PRIVATE_OID, false, der::null())
            .extension(PRIVATE_OID, false, der::null())),
        bad
    );
    // Trailing bytes after the extension value.
    let mut padded = der::null();
    padded.extend(der::null());
    assert_eq!(
        run(CrlSpec::default().extension(PRIVATE_OID, false, padded.clone())),
        bad
    );
    // Entry extensions: a duplicate, and padding.
    assert_eq!(
        run(entry()
            .entry_extension(PRIVATE_OID, false, der::null())
            .entry_extension(PRIVATE_OID, false, der::null())),
        bad
    );
    assert_eq!(
        run(entry().entry_extension(PRIVATE_OID, false, padded)),
        bad
    );
}

#[test]
fn crl_times_must_be_whole_second_der_times() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let with_this_update =
        |raw: Vec<u8>| pki.crl(&pki.sub, &CrlSpec::default().raw_this_update(raw));
    let good = with_this_update(der::tlv(0x17, b"260501000000Z"));
    assert_eq!(check(&pki, &leaf, &[], &[], vec![crl(good)]), Ok(()));
    let mut loaded = 0;
    for raw in [
        der::tlv(0x18, b"20260501000000.5Z"),
        der::tlv(0x17, b"2605010000Z"),
        der::tlv(0x17, b"260501000000+0000"),
    ] {
        // The parser may refuse it outright; if it loads, it must not be used.
        if let Ok(c) = Crl::from_der(&with_this_update(raw.clone())) {
            loaded += 1;
            assert_eq!(
                check(&pki, &leaf, &[], &[], vec![c]),
                Err("unknown:crl_non_conforming".into()),
                "{raw:02x?}"
            );
        }
    }
    // x509-parser reads the fractional GeneralizedTime leniently, so this is not vacuous.
    assert!(
        loaded >= 1,
        "no malformed time loaded: the test checks nothing"
    );
}

#[test]
fn a_sha1_signed_crl_does_not_establish_good() {
    let pki = Pki::new();
    let leaf = pki.leaf(CertSpec::ee("Signer"));
    let spec = CrlSpec::default();
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![crl(pki.crl(&pki.sub, &spec))]),
        Ok(())
    );
    let spec = spec.sha1();
    assert_eq!(
        check(&pki, &leaf, &[], &[], vec![crl(pki.crl(&pki.sub, &spec))]),
        Err("unknown:crl_non_conforming".into())
    );
}
