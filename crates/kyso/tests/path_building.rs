//! Path building on hostile and awkward pools: hundreds of CA certificates with the same name
//! (every one a candidate issuer of every other), signature loops, cross-certificates, and a
//! valid path hidden among decoys. The search must end with a clear error, within its budget.
//! Elapsed times are printed, not asserted (machines differ).

use std::time::Instant;

use kyso::{Certificate, ChainError, ChainOptions, Timestamp};
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

fn key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

/// A certificate `subject` issued by `issuer` (name, key, certificate for the AKI).
#[allow(clippy::too_many_arguments)] // a test helper: every field of the certificate, spelled out
fn cert(
    subject: &str,
    key: &PKey<Private>,
    issuer: &str,
    issuer_key: &PKey<Private>,
    issuer_cert: Option<&X509>,
    ca: bool,
    serial: u32,
    key_ids: bool,
) -> X509 {
    let name = |cn: &str| {
        let mut n = X509NameBuilder::new().unwrap();
        n.append_entry_by_text("CN", cn).unwrap();
        n.build()
    };
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(serial).unwrap()).unwrap())
        .unwrap();
    b.set_subject_name(&name(subject)).unwrap();
    b.set_issuer_name(&name(issuer)).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::from_str("20250101000000Z").unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str("20350101000000Z").unwrap())
        .unwrap();
    if ca {
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .unwrap(),
        )
        .unwrap();
    } else {
        b.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .build()
                .unwrap(),
        )
        .unwrap();
    }
    if key_ids {
        let ski = SubjectKeyIdentifier::new()
            .build(&b.x509v3_context(issuer_cert.map(|c| &**c), None))
            .unwrap();
        b.append_extension(ski).unwrap();
    }
    if let (Some(ic), true) = (issuer_cert, key_ids) {
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&b.x509v3_context(Some(&**ic), None))
            .unwrap();
        b.append_extension(aki).unwrap();
    }
    b.sign(issuer_key, MessageDigest::sha256()).unwrap();
    b.build()
}

fn k(x: &X509) -> Certificate {
    Certificate::from_der(&x.to_der().unwrap()).unwrap()
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap()
}

/// One real root, one real intermediate, a leaf under it.
struct Pki {
    root: X509,
    sub: X509,
    sub_key: PKey<Private>,
    leaf: X509,
}

fn pki() -> Pki {
    let root_key = key();
    let root = cert(
        "Real Root",
        &root_key,
        "Real Root",
        &root_key,
        None,
        true,
        1,
        true,
    );
    let sub_key = key();
    let sub = cert(
        "Hostile CA",
        &sub_key,
        "Real Root",
        &root_key,
        Some(&root),
        true,
        2,
        true,
    );
    let leaf_key = key();
    let leaf = cert(
        "Leaf",
        &leaf_key,
        "Hostile CA",
        &sub_key,
        Some(&sub),
        false,
        3,
        true,
    );
    Pki {
        root,
        sub,
        sub_key,
        leaf,
    }
}

/// `n` CA certificates all named "Hostile CA" (every one a candidate issuer of every other:
/// no SKI, so the leaf's AKI cannot prune them). Certificate i holds key i and is signed by
/// key i+1, the last by key 0: a signature ring, so following verified signatures loops.
/// Key 0 is `first_key`, the key that really signed the leaf.
fn hostile_ring(n: usize, first_key: &PKey<Private>) -> Vec<Certificate> {
    let mut keys: Vec<PKey<Private>> = vec![first_key.clone()];
    keys.extend((1..n).map(|_| key()));
    (0..n)
        .map(|i| {
            k(&cert(
                "Hostile CA",
                &keys[i],
                "Hostile CA",
                &keys[(i + 1) % n],
                None,
                true,
                100 + i as u32,
                false,
            ))
        })
        .collect()
}

#[test]
fn hundreds_of_same_name_cas_in_a_loop_fail_fast_with_a_clear_error() {
    let p = pki();
    // The leaf's real issuer certificate is absent; 400 decoys with its issuer's name are
    // present, one of them holding the real issuer's key, all in a signature ring: the leaf
    // verifies under that decoy, which verifies under the next, and so on around the ring.
    let pool = hostile_ring(400, &p.sub_key);
    let anchors = [k(&p.root)];
    let start = Instant::now();
    let out = kyso::validate_chain_with(&k(&p.leaf), &pool, &anchors, &ChainOptions::new(at()));
    let elapsed = start.elapsed();
    let err = out.error.clone().expect("no valid path exists");
    println!(
        "hostile pool: 400 same-name CAs in a loop: {} after {:?}: {}",
        err.code(),
        elapsed,
        err.message(kyso::Lang::En)
    );
    assert!(matches!(err, ChainError::BudgetExceeded), "{err:?}");
    assert!(!out.is_valid());
}

#[test]
fn mutual_cross_certificates_do_not_loop() {
    // A <-> B cross-certified, leaf under A, no path to the anchor: the search must stop.
    let (ka, kb) = (key(), key());
    let a_self = cert("CA A", &ka, "CA A", &ka, None, true, 1, true);
    let b_self = cert("CA B", &kb, "CA B", &kb, None, true, 2, true);
    let a_by_b = cert("CA A", &ka, "CA B", &kb, Some(&b_self), true, 3, true);
    let b_by_a = cert("CA B", &kb, "CA A", &ka, Some(&a_self), true, 4, true);
    let leaf = cert("Leaf", &key(), "CA A", &ka, Some(&a_self), false, 5, true);
    let other_root_key = key();
    let other_root = cert(
        "Other Root",
        &other_root_key,
        "Other Root",
        &other_root_key,
        None,
        true,
        6,
        true,
    );
    let pool = [k(&a_by_b), k(&b_by_a)];
    let start = Instant::now();
    let out = kyso::validate_chain_with(
        &k(&leaf),
        &pool,
        &[k(&other_root)],
        &ChainOptions::new(at()),
    );
    println!(
        "cross-certificate loop: {:?} after {:?}",
        out.error.as_ref().map(ChainError::code),
        start.elapsed()
    );
    assert!(
        matches!(out.error, Some(ChainError::UnknownIssuer { .. })),
        "{:?}",
        out.error
    );
    // With B's self-signed certificate trusted, the path leaf -> A (by B) -> B is found
    // through the cross-certificate.
    let out = kyso::validate_chain_with(&k(&leaf), &pool, &[k(&b_self)], &ChainOptions::new(at()));
    assert!(out.is_valid(), "{:?}", out.error);
    assert_eq!(out.path.len(), 3);
}

#[test]
fn the_valid_path_is_found_among_decoys_and_reported_with_verdicts() {
    let p = pki();
    // 20 same-name decoys before the real intermediate: within budget, the search finds it.
    let mut pool = hostile_ring(20, &p.sub_key);
    pool.push(k(&p.sub));
    let start = Instant::now();
    let out =
        kyso::validate_chain_with(&k(&p.leaf), &pool, &[k(&p.root)], &ChainOptions::new(at()));
    println!(
        "20 decoys + real path: valid={} after {:?}",
        out.is_valid(),
        start.elapsed()
    );
    assert!(out.is_valid(), "{:?}", out.error);
    assert_eq!(out.path.len(), 3);
    assert!(out
        .verdicts()
        .iter()
        .all(|v| *v == kyso::CertVerdict::Valid));
    // Without the real intermediate the most specific reason is shown, at the leaf.
    pool.pop();
    let out =
        kyso::validate_chain_with(&k(&p.leaf), &pool, &[k(&p.root)], &ChainOptions::new(at()));
    let err = out.error.expect("invalid");
    println!("20 decoys, no real path: {}", err.message(kyso::Lang::En));
    // The ring is signed in a loop with no way to "Real Root": every attempt ends at a
    // decoy whose issuer is another decoy, until the budget or the depth limit stops it.
    assert!(
        matches!(
            err,
            ChainError::BudgetExceeded
                | ChainError::BadCertificateSignature { .. }
                | ChainError::UnknownIssuer { .. }
        ),
        "{err:?}"
    );
}

mod common;

/// CRLs made with `openssl ca -gencrl` for the test PKI: the sub CA's CRL (revoking the
/// signer when `revoke_signer`) and the root's empty CRL, both current at the pinned time.
fn test_pki_crls(dir: &common::TempDir, revoke_signer: bool) -> Vec<kyso::Crl> {
    let mut crls = Vec::new();
    for (ca, key, revoked) in [
        ("sub-rsa.pem", "sub-rsa.key", revoke_signer),
        ("root-rsa.pem", "root-rsa.key", false),
    ] {
        let sub = dir.join(ca);
        std::fs::create_dir_all(&sub).unwrap();
        let index = sub.join("index.txt");
        // index.txt line: status, expiry, revocation date[,reason], serial, file, subject.
        let line = if revoked {
            "R\t350601000000Z\t260401000000Z,keyCompromise\t4EBC36AA93EC0C781AC1578C7051B97A49FF5648\tunknown\t/CN=signer\n"
        } else {
            ""
        };
        std::fs::write(&index, line).unwrap();
        std::fs::write(sub.join("crlnumber"), "01\n").unwrap();
        let cnf = sub.join("ca.cnf");
        std::fs::write(
            &cnf,
            format!(
                "[ca]\ndefault_ca=d\n[d]\ndatabase={}\ncrlnumber={}\ndefault_md=sha256\ncrl_extensions=e\n[e]\nauthorityKeyIdentifier=keyid\n",
                index.display(),
                sub.join("crlnumber").display()
            ),
        )
        .unwrap();
        let out = sub.join("crl.pem");
        common::openssl_ok([
            "ca",
            "-gencrl",
            "-config",
            &common::p(&cnf),
            "-cert",
            &common::p(&common::pki(ca)),
            "-keyfile",
            &common::p(&common::pki(key)),
            "-crl_lastupdate",
            "20260501000000Z",
            "-crl_nextupdate",
            "20260701000000Z",
            "-out",
            &common::p(&out),
        ]);
        crls.extend(kyso::Crl::load_all(&std::fs::read(&out).unwrap()).unwrap());
    }
    crls
}

#[test]
fn verifier_checks_revocation_with_the_same_engine() {
    use kyso::{CheckName, CheckResult, Indication, RevocationMode, SubIndication, Verifier};
    let dir = common::TempDir::new("crl");
    let content = b"Quyet dinh so 1/QD";
    let sig = kyso::sign_detached(
        common::key_pair("signer-rsa.pem", "signer-rsa.key"),
        content,
        common::at(),
    )
    .unwrap();
    let base = || {
        Verifier::new()
            .with_trust_anchors([common::cert("root-rsa.pem")])
            .with_intermediates([common::cert("sub-rsa.pem")])
    };
    let revocation = |v: &Verifier| {
        let r = v.verify_bytes(&sig, Some(content), common::at());
        let s = &r.signatures[0];
        (
            s.indication,
            s.sub_indication,
            common::check(s, CheckName::Revocation).clone(),
        )
    };
    // No CRL, mode Auto: the check is skipped, never passed.
    let (ind, _, check) = revocation(&base());
    assert_eq!(ind, Indication::TotalPassed);
    assert!(matches!(check, CheckResult::Skipped(_)), "{check:?}");
    // CRLs that do not list the signer: passed.
    let (ind, _, check) = revocation(&base().with_crls(test_pki_crls(&dir, false)));
    assert_eq!(ind, Indication::TotalPassed);
    assert_eq!(check, CheckResult::Passed);
    // The sub CA's CRL lists the signer, no time-stamp: INDETERMINATE / REVOKED_NO_POE
    // (ETSI EN 319 102-1 §5.2.6: the signature may predate the revocation).
    let dir2 = common::TempDir::new("crl-revoked");
    let (ind, sub, check) = revocation(&base().with_crls(test_pki_crls(&dir2, true)));
    assert_eq!(ind, Indication::Indeterminate);
    assert_eq!(sub, Some(SubIndication::RevokedNoPoe));
    assert!(matches!(check, CheckResult::Failed(_)), "{check:?}");
    // Required with no CRL: INDETERMINATE, never passed.
    let (ind, sub, check) = revocation(&base().with_revocation_mode(RevocationMode::Required));
    assert_eq!(ind, Indication::Indeterminate);
    assert_eq!(sub, Some(SubIndication::TryLater));
    assert!(matches!(check, CheckResult::Failed(_)), "{check:?}");
}
