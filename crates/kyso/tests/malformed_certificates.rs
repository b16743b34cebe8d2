//! Certificates that break a MUST of RFC 5280 / RFC 8017 / X.690, each built here with fresh
//! keys (docs/conformance.md lists the rule each test proves). Every one must make the path
//! invalid; the control case with the same builder must validate, so a failure is never an
//! artefact of the generator.

use kyso::{Certificate, ChainError, Timestamp};
use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use openssl::x509::{X509Builder, X509Extension, X509NameBuilder, X509};

fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

fn name(cn: &str) -> openssl::x509::X509Name {
    let mut n = X509NameBuilder::new().unwrap();
    n.append_entry_by_text("O", "Bộ Tư pháp").unwrap();
    n.append_entry_by_text("CN", cn).unwrap();
    n.build()
}

/// What to do to the certificate being built.
#[derive(Clone, Copy, PartialEq)]
enum Twist {
    None,
    /// Version 1 (no extensions may appear, yet basicConstraints cA is added).
    Version1WithExtensions,
    /// basicConstraints twice (second copy says cA).
    DuplicateBasicConstraints,
    /// extendedKeyUsage twice (serverAuth, then emailProtection).
    DuplicateEku,
    /// keyUsage whose extnValue has a byte after the BIT STRING.
    TrailingBytesInKeyUsage,
    /// subjectKeyIdentifier marked critical.
    CriticalSki,
}

fn build(
    subject: &str,
    key: &PKey<Public>,
    issuer: &str,
    issuer_key: &PKey<Private>,
    ca: bool,
    twist: Twist,
) -> X509 {
    let mut b = X509Builder::new().unwrap();
    let version = if twist == Twist::Version1WithExtensions {
        0
    } else {
        2
    };
    b.set_version(version).unwrap();
    let serial = BigNum::from_u32(rand_serial()).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&serial).unwrap())
        .unwrap();
    b.set_subject_name(&name(subject)).unwrap();
    b.set_issuer_name(&name(issuer)).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::from_str("250101000000Z").unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str("350101000000Z").unwrap())
        .unwrap();
    match twist {
        Twist::DuplicateBasicConstraints => {
            b.append_extension(BasicConstraints::new().critical().build().unwrap())
                .unwrap();
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
        }
        _ if ca => {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
        }
        _ => {}
    }
    if twist == Twist::TrailingBytesInKeyUsage {
        // KeyUsage ::= BIT STRING { digitalSignature (0) }, then one stray byte.
        let value = Asn1OctetString::new_from_bytes(&[0x03, 0x02, 0x07, 0x80, 0x00]).unwrap();
        let oid = Asn1Object::from_str("2.5.29.15").unwrap();
        b.append_extension(X509Extension::new_from_der(&oid, true, &value).unwrap())
            .unwrap();
    } else if ca || twist == Twist::DuplicateBasicConstraints {
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
                .non_repudiation()
                .build()
                .unwrap(),
        )
        .unwrap();
    }
    if twist == Twist::DuplicateEku {
        b.append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
            .unwrap();
        b.append_extension(ExtendedKeyUsage::new().email_protection().build().unwrap())
            .unwrap();
    }
    // Key identifiers (§4.2.1.1, §4.2.1.2): SHA-1 of the SubjectPublicKeyInfo, as raw DER.
    let key_id = |k: &[u8]| openssl::sha::sha1(k);
    let ski = key_id(&key.public_key_to_der().unwrap());
    let aki = key_id(&issuer_key.public_key_to_der().unwrap());
    let mut ski_der = vec![0x04, 20];
    ski_der.extend_from_slice(&ski);
    let mut aki_der = vec![0x30, 22, 0x80, 20];
    aki_der.extend_from_slice(&aki);
    for (oid, der) in [("2.5.29.14", ski_der), ("2.5.29.35", aki_der)] {
        let critical = oid == "2.5.29.14" && twist == Twist::CriticalSki;
        let oid = Asn1Object::from_str(oid).unwrap();
        let value = Asn1OctetString::new_from_bytes(&der).unwrap();
        b.append_extension(X509Extension::new_from_der(&oid, critical, &value).unwrap())
            .unwrap();
    }
    b.sign(issuer_key, MessageDigest::sha256()).unwrap();
    b.build()
}

fn rand_serial() -> u32 {
    let mut b = [0u8; 4];
    openssl::rand::rand_bytes(&mut b).unwrap();
    u32::from_be_bytes(b) >> 1 | 1
}

fn public(k: &PKey<Private>) -> PKey<Public> {
    PKey::public_key_from_der(&k.public_key_to_der().unwrap()).unwrap()
}

fn k(x: &X509) -> Certificate {
    Certificate::from_der(&x.to_der().unwrap()).unwrap()
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap()
}

/// Root -> intermediate (twisted as asked) -> leaf; or root -> leaf (twisted) when the twist
/// is for an end-entity certificate. Returns the chain error, `None` when the path is valid.
fn validate(twist_intermediate: Twist, twist_leaf: Twist) -> Option<ChainError> {
    let root_key = ec_key();
    let root = build(
        "Root",
        &public(&root_key),
        "Root",
        &root_key,
        true,
        Twist::None,
    );
    let sub_key = ec_key();
    let sub = build(
        "Sub CA",
        &public(&sub_key),
        "Root",
        &root_key,
        true,
        twist_intermediate,
    );
    let leaf_key = ec_key();
    let leaf = build(
        "Nguyễn Văn An",
        &public(&leaf_key),
        "Sub CA",
        &sub_key,
        false,
        twist_leaf,
    );
    kyso::validate_chain(&k(&leaf), &[k(&sub)], &[k(&root)], at()).error
}

fn malformed_rule(e: Option<ChainError>) -> String {
    match e {
        Some(ChainError::MalformedCertificate { rule, .. }) => rule,
        other => panic!("expected a malformed-certificate error, got {other:?}"),
    }
}

#[test]
fn the_generator_makes_valid_paths() {
    assert_eq!(validate(Twist::None, Twist::None), None);
}

#[test]
fn duplicate_extensions_are_rejected() {
    // RFC 5280 §4.2: "MUST NOT include more than one instance of a particular extension".
    let rule = malformed_rule(validate(Twist::None, Twist::DuplicateEku));
    assert!(rule.contains("more than once"), "{rule}");
    let rule = malformed_rule(validate(Twist::DuplicateBasicConstraints, Twist::None));
    assert!(rule.contains("more than once"), "{rule}");
}

#[test]
fn trailing_bytes_inside_an_extension_value_are_rejected() {
    let rule = malformed_rule(validate(Twist::None, Twist::TrailingBytesInKeyUsage));
    assert!(rule.contains("exactly one DER value"), "{rule}");
}

#[test]
fn a_version_1_certificate_is_never_an_intermediate_ca() {
    // RFC 5280 §4.1.2.9 (extensions only in v3) and §6.1.4 (k) (v1/v2 CAs only out of band).
    let e = validate(Twist::Version1WithExtensions, Twist::None);
    match e {
        Some(ChainError::NotCa { .. }) | Some(ChainError::MalformedCertificate { .. }) => {}
        other => panic!("a v1 intermediate was accepted: {other:?}"),
    }
    let sub_key = ec_key();
    let v1 = build(
        "Sub CA",
        &public(&sub_key),
        "Root",
        &ec_key(),
        true,
        Twist::Version1WithExtensions,
    );
    assert!(
        !k(&v1).is_ca(),
        "basicConstraints in a v1 certificate was honoured"
    );
}

#[test]
fn an_rsa_key_with_exponent_one_is_rejected() {
    // RFC 8017 §3.1: 3 <= e <= n - 1, e odd. With e = 1 every value is its own signature.
    let real = Rsa::generate(2048).unwrap();
    let n = real.n().to_owned().unwrap();
    for e in [1u32, 65536] {
        let bad = Rsa::from_public_components(n.to_owned().unwrap(), BigNum::from_u32(e).unwrap())
            .unwrap();
        let bad = PKey::from_rsa(bad).unwrap();
        let root_key = ec_key();
        let root = build(
            "Root",
            &public(&root_key),
            "Root",
            &root_key,
            true,
            Twist::None,
        );
        let leaf = build("Forger", &bad, "Root", &root_key, false, Twist::None);
        let rule = malformed_rule(kyso::validate_chain(&k(&leaf), &[], &[k(&root)], at()).error);
        assert!(rule.contains("RFC 8017"), "e = {e}: {rule}");
    }
}

#[test]
fn a_certificate_on_a_policy_curve_outside_the_list_is_weak() {
    let group = EcGroup::from_curve_name(Nid::SECP256K1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let root_key = ec_key();
    let leaf = build("K1", &public(&key), "Root", &root_key, false, Twist::None);
    let c = k(&leaf);
    let weakness = c
        .key_info()
        .weakness()
        .expect("secp256k1 must not be allowed");
    assert!(weakness.contains("secp256k1"), "{weakness}");
}

/// A DER TLV header for `len` content octets.
fn header(tag: u8, len: usize) -> Vec<u8> {
    let mut h = vec![tag];
    if len < 0x80 {
        h.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        h.push(0x80 | bytes.len() as u8);
        h.extend(bytes);
    }
    h
}

/// The (start, header length, total length) of the element at `pos`.
fn element(der: &[u8], pos: usize) -> (usize, usize) {
    let first = der[pos + 1];
    let (hl, len) = if first < 0x80 {
        (2, first as usize)
    } else {
        let n = (first & 0x7f) as usize;
        let len = der[pos + 2..pos + 2 + n]
            .iter()
            .fold(0usize, |a, b| (a << 8) | *b as usize);
        (2 + n, len)
    };
    (hl, hl + len)
}

#[test]
fn a_certificate_signed_with_an_unknown_algorithm_oid_is_not_trusted() {
    // SHA-1 with RSA under its old OIW identifier 1.3.14.3.2.29, which kyso's policy cannot
    // name but OpenSSL verifies: the policy is an allow-list, so the path must not validate.
    let root_rsa = Rsa::generate(2048).unwrap();
    let root_key = PKey::from_rsa(root_rsa).unwrap();
    let root = build(
        "Root",
        &public(&root_key),
        "Root",
        &root_key,
        true,
        Twist::None,
    );
    let leaf_key = ec_key();
    let leaf = build(
        "Signer",
        &public(&leaf_key),
        "Root",
        &root_key,
        false,
        Twist::None,
    );
    let der = leaf.to_der().unwrap();
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
    let (outer_hl, _) = element(&der, 0);
    let tbs_start = outer_hl;
    let (tbs_hl, tbs_len) = element(&der, tbs_start);
    let tbs = &der[tbs_start..tbs_start + tbs_len];
    // Replace the AlgorithmIdentifier inside the TBS (after [0] version and serialNumber).
    let mut p = tbs_hl;
    for _ in 0..2 {
        p += element(tbs, p).1;
    }
    let (_, alg_len) = element(tbs, p);
    let oiw_sha1_rsa: &[u8] = &[
        0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1d, 0x05, 0x00,
    ];
    let mut body = tbs[tbs_hl..p].to_vec();
    body.extend_from_slice(oiw_sha1_rsa);
    body.extend_from_slice(&tbs[p + alg_len..]);
    let mut new_tbs = header(0x30, body.len());
    new_tbs.extend(body);
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha1(), &root_key).unwrap();
    let sig = signer.sign_oneshot_to_vec(&new_tbs).unwrap();
    let mut bits = vec![0u8];
    bits.extend(sig);
    let mut cert_body = new_tbs;
    cert_body.extend_from_slice(oiw_sha1_rsa);
    cert_body.extend(header(0x03, bits.len()));
    cert_body.extend(bits);
    let mut cert = header(0x30, cert_body.len());
    cert.extend(cert_body);
    // OpenSSL accepts the re-signed certificate's signature: the rejection below is policy.
    let reparsed = X509::from_der(&cert).unwrap();
    assert!(
        reparsed.verify(&root_key).unwrap(),
        "the hand-made signature must verify"
    );
    let leaf = Certificate::from_der(&cert).unwrap();
    assert_eq!(leaf.signature_algorithm(), "1.3.14.3.2.29");
    match kyso::validate_chain(&leaf, &[], &[k(&root)], at()).error {
        Some(ChainError::WeakAlgorithm { detail, .. }) => {
            assert!(detail.contains("1.3.14.3.2.29"), "{detail}")
        }
        other => panic!("an unknown signature algorithm was trusted: {other:?}"),
    }
    // Control: the same root and leaf as OpenSSL signed them (SHA-256) validate.
    assert_eq!(
        kyso::validate_chain(
            &k(&build(
                "Signer",
                &public(&leaf_key),
                "Root",
                &root_key,
                false,
                Twist::None
            )),
            &[],
            &[k(&root)],
            at()
        )
        .error,
        None
    );
}

#[test]
fn a_critical_subject_key_identifier_is_rejected() {
    // RFC 5280 §4.2.1.2: "Conforming CAs MUST mark this extension as non-critical."
    let root_key = ec_key();
    let root = build(
        "Root",
        &public(&root_key),
        "Root",
        &root_key,
        true,
        Twist::None,
    );
    let leaf_key = ec_key();
    let leaf = build(
        "Signer",
        &public(&leaf_key),
        "Root",
        &root_key,
        false,
        Twist::CriticalSki,
    );
    let rule = malformed_rule(kyso::validate_chain(&k(&leaf), &[], &[k(&root)], at()).error);
    assert!(rule.contains("§4.2.1.2"), "{rule}");
}
