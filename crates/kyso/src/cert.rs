//! X.509 certificates (RFC 5280), wrapped so that no parser type leaks into the public API.

use std::sync::Arc;

use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::algorithm::{DigestAlgorithm, KeyInfo};
use crate::asn1::{self, tag, Tlv};
use crate::error::Error;
use crate::time::Timestamp;
use crate::{name, oid};

/// keyUsage bits (RFC 5280 §4.2.1.3).
pub(crate) mod ku {
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub const NON_REPUDIATION: u16 = 1 << 1;
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    pub const NAMES: [&str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
}

/// An X.509 certificate with the fields kyso needs already decoded. Cheap to clone.
#[derive(Clone)]
pub struct Certificate(Arc<Inner>);

struct Inner {
    der: Vec<u8>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    serial: Vec<u8>,
    not_before: Timestamp,
    not_after: Timestamp,
    key: KeyInfo,
    public_key: PKey<Public>,
    x509: X509,
    key_usage: Option<u16>,
    ext_key_usage: Option<Vec<String>>,
    basic_constraints: Option<(bool, Option<u32>)>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    /// Critical extensions kyso does not process (RFC 5280 §4.2: must reject).
    unknown_critical: Vec<String>,
    /// Extensions whose processing belongs to full path validation, present in this certificate.
    constraints_present: Vec<&'static str>,
    signature_digest: Option<DigestAlgorithm>,
    signature_algorithm: String,
    sha256: [u8; 32],
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Certificate({})", self.subject())
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0.der == other.0.der
    }
}
impl Eq for Certificate {}

impl Certificate {
    /// Parse one DER certificate; the bytes must hold exactly one.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let bad = |what: String| Error::Certificate(what);
        let (rest, c) = X509Certificate::from_der(der)
            .map_err(|e| bad(format!("not an X.509 certificate: {e}")))?;
        if !rest.is_empty() {
            return Err(bad(format!("{} bytes after the certificate", rest.len())));
        }
        let der = der.to_vec();
        let x509 = X509::from_der(&der)
            .map_err(|e| bad(format!("OpenSSL cannot load the certificate: {e}")))?;
        let public_key = PKey::public_key_from_der(c.public_key().raw)
            .map_err(|e| bad(format!("unsupported or malformed public key: {e}")))?;
        let mut key_usage = None;
        let mut ext_key_usage = None;
        let mut basic_constraints = None;
        let mut ski = None;
        let mut aki = None;
        let mut unknown_critical = Vec::new();
        let mut constraints_present = Vec::new();
        for ext in c.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::KeyUsage(k) => key_usage = Some(k.flags),
                ParsedExtension::ExtendedKeyUsage(e) => {
                    let mut list = Vec::new();
                    let known = [
                        (e.any, &oid::ANY_EKU),
                        (e.server_auth, &oid::EKU_SERVER_AUTH),
                        (e.client_auth, &oid::EKU_CLIENT_AUTH),
                        (e.code_signing, &oid::EKU_CODE_SIGNING),
                        (e.email_protection, &oid::EKU_EMAIL_PROTECTION),
                        (e.time_stamping, &oid::EKU_TIME_STAMPING),
                        (e.ocsp_signing, &oid::EKU_OCSP_SIGNING),
                    ];
                    list.extend(
                        known
                            .iter()
                            .filter(|(on, _)| *on)
                            .map(|(_, o)| o.to_string()),
                    );
                    list.extend(e.other.iter().map(|o| o.to_id_string()));
                    ext_key_usage = Some(list);
                }
                ParsedExtension::BasicConstraints(b) => {
                    basic_constraints = Some((b.ca, b.path_len_constraint))
                }
                ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    aki = a.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                ParsedExtension::NameConstraints(_) => constraints_present.push("name constraints"),
                ParsedExtension::PolicyConstraints(_) => {
                    constraints_present.push("policy constraints")
                }
                ParsedExtension::PolicyMappings(_) => constraints_present.push("policy mappings"),
                ParsedExtension::InhibitAnyPolicy(_) => {
                    constraints_present.push("inhibit anyPolicy")
                }
                ParsedExtension::SubjectAlternativeName(_)
                | ParsedExtension::IssuerAlternativeName(_)
                | ParsedExtension::CertificatePolicies(_)
                | ParsedExtension::CRLDistributionPoints(_)
                | ParsedExtension::AuthorityInfoAccess(_) => {}
                ParsedExtension::ParseError { .. } if ext.critical => {
                    return Err(bad(format!(
                        "critical extension {} is malformed",
                        ext.oid.to_id_string()
                    )));
                }
                _ if ext.critical => unknown_critical.push(ext.oid.to_id_string()),
                _ => {}
            }
        }
        let sig_oid = c.signature_algorithm.algorithm.as_bytes();
        let signature_digest = cert_signature_digest(&der);
        Ok(Certificate(Arc::new(Inner {
            subject_der: c.tbs_certificate.subject.as_raw().to_vec(),
            issuer_der: c.tbs_certificate.issuer.as_raw().to_vec(),
            serial: c.tbs_certificate.raw_serial().to_vec(),
            not_before: Timestamp::from_unix(c.validity().not_before.timestamp()),
            not_after: Timestamp::from_unix(c.validity().not_after.timestamp()),
            key: KeyInfo::of(&public_key),
            public_key,
            x509,
            key_usage,
            ext_key_usage,
            basic_constraints,
            ski,
            aki,
            unknown_critical,
            constraints_present,
            signature_digest,
            signature_algorithm: asn1::oid_to_string(sig_oid),
            sha256: Sha256::digest(&der).into(),
            der,
        })))
    }

    /// Parse every certificate in a file: PEM (one or many), DER, or a certs-only PKCS#7
    /// (`.p7b`, DER or PEM).
    pub fn load_all(data: &[u8]) -> Result<Vec<Self>, Error> {
        if let Some(blocks) = crate::pem::blocks(data) {
            let mut out = Vec::new();
            for (label, der) in blocks? {
                match label.as_str() {
                    "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                        out.push(Self::from_der(&der)?)
                    }
                    "PKCS7" | "CMS" => out.extend(crate::signed_data::certificates_of(&der)?),
                    _ => {}
                }
            }
            if out.is_empty() {
                return Err(Error::Certificate(
                    "the PEM file holds no CERTIFICATE block".into(),
                ));
            }
            return Ok(out);
        }
        match Self::from_der(data) {
            Ok(c) => Ok(vec![c]),
            Err(first) => crate::signed_data::certificates_of(data).map_err(|_| first),
        }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }
    /// Subject, RFC 4514 order (`CN=Nguyễn Văn An,O=...,C=VN`).
    pub fn subject(&self) -> String {
        name::render(&self.0.subject_der)
    }
    /// Issuer, RFC 4514 order.
    pub fn issuer(&self) -> String {
        name::render(&self.0.issuer_der)
    }
    /// The subject's common name (or the whole subject when it has none).
    pub fn common_name(&self) -> String {
        name::common_name(&self.0.subject_der)
    }
    /// Subject attributes in encoded order as (short name, value) pairs.
    pub fn subject_attributes(&self) -> Vec<(String, String)> {
        name::attributes(&self.0.subject_der)
            .map(|v| v.into_iter().map(|a| (a.key, a.value)).collect())
            .unwrap_or_default()
    }
    /// Serial number as lowercase hex of its DER contents.
    pub fn serial_hex(&self) -> String {
        hex::encode(&self.0.serial)
    }
    /// notBefore.
    pub fn not_before(&self) -> Timestamp {
        self.0.not_before
    }
    /// notAfter.
    pub fn not_after(&self) -> Timestamp {
        self.0.not_after
    }
    /// SHA-256 of the DER, lowercase hex.
    pub fn sha256_fingerprint(&self) -> String {
        hex::encode(self.0.sha256)
    }
    /// Public key family and size.
    pub fn key_info(&self) -> &KeyInfo {
        &self.0.key
    }
    /// keyUsage bit names, or `None` when the extension is absent.
    pub fn key_usage(&self) -> Option<Vec<&'static str>> {
        self.0.key_usage.map(|bits| {
            ku::NAMES
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, n)| *n)
                .collect()
        })
    }
    /// Extended key usage OIDs (dotted), or `None` when the extension is absent.
    pub fn extended_key_usage(&self) -> Option<&[String]> {
        self.0.ext_key_usage.as_deref()
    }
    /// basicConstraints cA.
    pub fn is_ca(&self) -> bool {
        matches!(self.0.basic_constraints, Some((true, _)))
    }
    /// The certificate's own signature algorithm (dotted OID).
    pub fn signature_algorithm(&self) -> &str {
        &self.0.signature_algorithm
    }
    /// True when subject and issuer are the same name.
    pub fn is_self_issued(&self) -> bool {
        name::names_match(&self.0.subject_der, &self.0.issuer_der)
    }

    pub(crate) fn subject_der(&self) -> &[u8] {
        &self.0.subject_der
    }
    pub(crate) fn issuer_der(&self) -> &[u8] {
        &self.0.issuer_der
    }
    pub(crate) fn serial(&self) -> &[u8] {
        &self.0.serial
    }
    pub(crate) fn public_key(&self) -> &PKey<Public> {
        &self.0.public_key
    }
    pub(crate) fn key_usage_bits(&self) -> Option<u16> {
        self.0.key_usage
    }
    pub(crate) fn path_len(&self) -> Option<u32> {
        self.0.basic_constraints.and_then(|b| b.1)
    }
    pub(crate) fn ski(&self) -> Option<&[u8]> {
        self.0.ski.as_deref()
    }
    pub(crate) fn aki(&self) -> Option<&[u8]> {
        self.0.aki.as_deref()
    }
    pub(crate) fn unknown_critical(&self) -> &[String] {
        &self.0.unknown_critical
    }
    pub(crate) fn constraints_present(&self) -> &[&'static str] {
        &self.0.constraints_present
    }
    pub(crate) fn signature_digest(&self) -> Option<DigestAlgorithm> {
        self.0.signature_digest
    }
    pub(crate) fn sha256(&self) -> &[u8; 32] {
        &self.0.sha256
    }

    /// Whether `issuer`'s key made this certificate's signature.
    pub(crate) fn signed_by(&self, issuer: &Certificate) -> bool {
        self.0.x509.verify(issuer.public_key()).unwrap_or(false)
    }

    /// Whether this certificate is the one named by an IssuerAndSerialNumber (RFC 5652 §10.2.4).
    pub(crate) fn matches_issuer_serial(&self, issuer: &[u8], serial: &[u8]) -> bool {
        self.0.serial == serial && name::names_match(&self.0.issuer_der, issuer)
    }

    /// A DER IssuerAndSerialNumber for this certificate (RFC 5652 §10.2.4).
    pub(crate) fn issuer_and_serial(&self) -> Vec<u8> {
        let serial = asn1::tlv(tag::INTEGER, &[&self.0.serial]);
        asn1::tlv(tag::SEQUENCE, &[&self.0.issuer_der, &serial])
    }
}

/// The digest inside a certificate's own signatureAlgorithm (RFC 5280 §4.1.1.2), for the
/// algorithm policy; `None` for Ed25519 and for algorithms kyso does not know.
fn cert_signature_digest(der: &[u8]) -> Option<DigestAlgorithm> {
    let cert = Tlv::parse_exact(der, "Certificate").ok()?;
    let mut r = cert.reader();
    r.read().ok()?;
    let alg =
        crate::algorithm::AlgorithmIdentifier::parse(r.read().ok()?, "signatureAlgorithm").ok()?;
    crate::algorithm::digest_of_signature_algorithm(&alg)
}

/// What a certificate-level report shows about one certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Subject, RFC 4514 order.
    pub subject: String,
    /// Issuer, RFC 4514 order.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// notBefore.
    pub not_before: Timestamp,
    /// notAfter.
    pub not_after: Timestamp,
    /// SHA-256 fingerprint, hex.
    pub sha256_fingerprint: String,
}

impl From<&Certificate> for CertificateSummary {
    fn from(c: &Certificate) -> Self {
        CertificateSummary {
            subject: c.subject(),
            issuer: c.issuer(),
            serial: c.serial_hex(),
            not_before: c.not_before(),
            not_after: c.not_after(),
            sha256_fingerprint: c.sha256_fingerprint(),
        }
    }
}
