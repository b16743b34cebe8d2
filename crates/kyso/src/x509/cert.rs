//! X.509 certificates (RFC 5280), wrapped so that no parser type leaks into the public API.

use std::sync::{Arc, Mutex};

use openssl::pkey::{PKey, Public};
use openssl::x509::X509;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_parser::extensions::{
    CertificatePolicies, ExtendedKeyUsage, ParsedExtension, PolicyMappings, X509Extension,
};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::crypto::{DigestAlgorithm, KeyInfo};
use crate::encoding::asn1::{self, tag, Tlv};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::x509::general_name::{
    self, DistributionPoint, GeneralName, NameConstraints as GnNameConstraints,
};
use crate::x509::name;

/// keyUsage bits (RFC 5280 §4.2.1.3).
pub(crate) mod ku {
    pub(crate) const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub(crate) const NON_REPUDIATION: u16 = 1 << 1;
    pub(crate) const KEY_CERT_SIGN: u16 = 1 << 5;
    pub(crate) const CRL_SIGN: u16 = 1 << 6;
    pub(crate) const NAMES: [&str; 9] = [
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
    /// Subject and issuer rendered once: reports show them for every document of a batch.
    subject: String,
    issuer: String,
    /// name::match_key of subject and issuer: name chaining by plain equality.
    subject_key: Vec<u8>,
    issuer_key: Vec<u8>,
    /// SHA-256 fingerprints of issuers whose key verified this certificate's signature. The
    /// same certificate object serves a whole verification run (crate::x509::cache), so a batch
    /// checks each issuing signature once. Only successes are kept; a handful at most.
    verified_by: Mutex<Vec<[u8; 32]>>,
    /// The report's summary (hex serial and fingerprint), made on first use: a batch shows the
    /// same signer and CA certificates in every document.
    summary: std::sync::OnceLock<CertificateSummary>,
    /// The revocation services it names (`find_revocation_urls`), found on first use: a batch
    /// asks for every document.
    revocation_urls: std::sync::OnceLock<Vec<String>>,
    /// The caIssuers URL it was downloaded from, for a certificate kyso fetched to build a
    /// path (RFC 5280 §4.2.2.1); set once, right after parsing.
    fetched_from: std::sync::OnceLock<String>,
    serial: Vec<u8>,
    not_before: Timestamp,
    not_after: Timestamp,
    key: KeyInfo,
    public_key: PKey<Public>,
    x509: X509,
    extensions: Extensions,
    /// RFC 5280 profile rules this certificate breaks (each names its section).
    profile_flaws: Vec<&'static str>,
    /// Why the public key's parameters are invalid (RFC 8017 §3.1, RFC 5480 §2.2), checked
    /// once when the certificate is parsed.
    key_problem: Option<&'static str>,
    /// Version 3 (extensions allowed).
    v3: bool,
    /// Profile rules about its issuance, not applied when it is a trust anchor.
    issuance_flaws: Vec<&'static str>,
    signature_digest: Option<DigestAlgorithm>,
    signature_algorithm: String,
    sha256: [u8; 32],
}

/// The extensions kyso processes, decoded (RFC 5280 §4.2).
#[derive(Default)]
struct Extensions {
    key_usage: Option<u16>,
    ext_key_usage: Option<Vec<String>>,
    /// extendedKeyUsage is marked critical (RFC 3161 §2.3 requires it of a TSA).
    ext_key_usage_critical: bool,
    basic_constraints: Option<(bool, Option<u32>)>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    /// Critical extensions kyso does not process (RFC 5280 §4.2: must reject).
    unknown_critical: Vec<String>,
    /// certificatePolicies policy OIDs (dotted), RFC 5280 §4.2.1.4; qualifiers are ignored.
    policies: Option<Vec<String>>,
    /// policyMappings (issuerDomainPolicy, subjectDomainPolicy), RFC 5280 §4.2.1.5.
    policy_mappings: Option<Vec<(String, String)>>,
    /// policyConstraints (requireExplicitPolicy, inhibitPolicyMapping), RFC 5280 §4.2.1.11.
    policy_constraints: Option<(Option<u32>, Option<u32>)>,
    /// inhibitAnyPolicy SkipCerts, RFC 5280 §4.2.1.14.
    inhibit_any_policy: Option<u32>,
    /// nameConstraints, RFC 5280 §4.2.1.10.
    name_constraints: Option<GnNameConstraints>,
    /// subjectAltName, RFC 5280 §4.2.1.6 (empty when absent).
    subject_alt_names: Vec<GeneralName>,
    /// cRLDistributionPoints, RFC 5280 §4.2.1.13.
    crl_distribution_points: Option<Vec<DistributionPoint>>,
    /// authorityInfoAccess, RFC 5280 §4.2.2.1 (empty when absent).
    authority_info_access: Vec<general_name::AccessDescription>,
    /// The QcType statement's types (ETSI EN 319 412-5 §4.2.3: id-etsi-qct-esign, -eseal,
    /// -web), dotted; empty when the certificate has no qcStatements or no QcType.
    qc_types: Vec<String>,
}

/// How the extensions are encoded, as far as the profile checks ([`Profile`]) need it; not
/// kept after parsing.
#[derive(Default)]
struct ExtensionEncoding {
    /// The certificate has at least one extension (§4.1.2.9).
    any: bool,
    /// Some extension appears twice (§4.2).
    duplicate: bool,
    /// Some extnValue holds more than one DER value (§4.1).
    trailing_bytes: bool,
    /// A non-critical extension does not decode (§4.2, Appendix A).
    malformed_noncritical: bool,
    /// authorityKeyIdentifier: (critical, has keyIdentifier), when present (§4.2.1.1).
    aki: Option<(bool, bool)>,
    /// subjectAltName's criticality, when present (§4.2.1.6).
    san_critical: Option<bool>,
    /// subjectKeyIdentifier is critical (§4.2.1.2).
    ski_critical: bool,
    /// authorityInfoAccess is critical (§4.2.2.1).
    aia_critical: bool,
    /// extKeyUsage lists no purpose (§4.2.1.12).
    eku_empty: bool,
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
    ///
    /// A certificate that breaks an RFC 5280 profile rule (§4.1, §4.2) still loads; path
    /// validation refuses it when it is on a path.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
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
        let (extensions, encoding) = decode_extensions(&c)?;
        let subject = &c.tbs_certificate.subject;
        let key_problem = crate::crypto::key_parameter_problem(&public_key, true);
        let profile = Profile {
            cert: &c,
            der: &der,
            x509: &x509,
            public_key: &public_key,
            ext: &extensions,
            encoding: &encoding,
            v3: c.version().0 >= 2,
            is_ca: matches!(extensions.basic_constraints, Some((true, _))),
            self_issued: name::names_match(subject.as_raw(), c.tbs_certificate.issuer.as_raw()),
            subject_empty: subject.iter_attributes().next().is_none(),
        };
        let v3 = profile.v3;
        let flaws = profile.flaws(key_problem);
        let issuer_raw = c.tbs_certificate.issuer.as_raw();
        Ok(Certificate(Arc::new(Inner {
            subject: name::render(subject.as_raw()),
            issuer: name::render(issuer_raw),
            subject_key: name::match_key(subject.as_raw()),
            issuer_key: name::match_key(issuer_raw),
            verified_by: Mutex::new(Vec::new()),
            subject_der: subject.as_raw().to_vec(),
            issuer_der: issuer_raw.to_vec(),
            serial: c.tbs_certificate.raw_serial().to_vec(),
            not_before: Timestamp::from_unix(c.validity().not_before.timestamp()),
            not_after: Timestamp::from_unix(c.validity().not_after.timestamp()),
            key: KeyInfo::of(&public_key),
            public_key,
            x509,
            extensions,
            profile_flaws: flaws.profile,
            key_problem,
            v3,
            issuance_flaws: flaws.issuance,
            signature_digest: cert_signature_digest(&der),
            signature_algorithm: asn1::oid_to_string(c.signature_algorithm.algorithm.as_bytes()),
            sha256: Sha256::digest(&der).into(),
            summary: std::sync::OnceLock::new(),
            revocation_urls: std::sync::OnceLock::new(),
            fetched_from: std::sync::OnceLock::new(),
            der,
        })))
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }
    /// Subject, RFC 4514 order (`CN=Nguyễn Văn An,O=...,C=VN`).
    pub fn subject(&self) -> String {
        self.0.subject.clone()
    }
    /// Issuer, RFC 4514 order.
    pub fn issuer(&self) -> String {
        self.0.issuer.clone()
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
        self.0.extensions.key_usage.map(|bits| {
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
        self.0.extensions.ext_key_usage.as_deref()
    }
    /// True when extendedKeyUsage is present and critical.
    pub(crate) fn extended_key_usage_is_critical(&self) -> bool {
        self.0.extensions.ext_key_usage_critical
    }
    /// basicConstraints cA, in a version 3 certificate. RFC 5280 §6.1.4 (k): a version 1 or 2
    /// certificate is a CA only by out-of-band means (kyso: only as a trust anchor given by
    /// the caller), never through extensions it cannot legally carry (§4.1.2.9).
    pub fn is_ca(&self) -> bool {
        self.0.v3 && matches!(self.0.extensions.basic_constraints, Some((true, _)))
    }
    /// The certificate's own signature algorithm (dotted OID).
    pub fn signature_algorithm(&self) -> &str {
        &self.0.signature_algorithm
    }
    /// True when subject and issuer are the same name.
    pub fn is_self_issued(&self) -> bool {
        self.0.subject_key == self.0.issuer_key
    }

    /// Whether this certificate's subject matches `child`'s issuer name (RFC 5280 §7.1).
    pub(crate) fn subject_matches_issuer_of(&self, child: &Certificate) -> bool {
        self.0.subject_key == child.0.issuer_key
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
        self.0.extensions.key_usage
    }
    pub(crate) fn path_len(&self) -> Option<u32> {
        self.0.extensions.basic_constraints.and_then(|b| b.1)
    }
    pub(crate) fn ski(&self) -> Option<&[u8]> {
        self.0.extensions.ski.as_deref()
    }
    pub(crate) fn aki(&self) -> Option<&[u8]> {
        self.0.extensions.aki.as_deref()
    }
    pub(crate) fn unknown_critical(&self) -> &[String] {
        &self.0.extensions.unknown_critical
    }
    pub(crate) fn qc_types(&self) -> &[String] {
        &self.0.extensions.qc_types
    }
    pub(crate) fn policies(&self) -> Option<&[String]> {
        self.0.extensions.policies.as_deref()
    }
    pub(crate) fn policy_mappings(&self) -> Option<&[(String, String)]> {
        self.0.extensions.policy_mappings.as_deref()
    }
    pub(crate) fn policy_constraints(&self) -> Option<(Option<u32>, Option<u32>)> {
        self.0.extensions.policy_constraints
    }
    pub(crate) fn inhibit_any_policy(&self) -> Option<u32> {
        self.0.extensions.inhibit_any_policy
    }
    pub(crate) fn name_constraints(&self) -> Option<&GnNameConstraints> {
        self.0.extensions.name_constraints.as_ref()
    }
    pub(crate) fn subject_alt_names(&self) -> &[GeneralName] {
        &self.0.extensions.subject_alt_names
    }
    /// Verify a signature value with this certificate's key: the key's parameters were
    /// judged when the certificate was parsed, so an invalid key (an RSA exponent of 1, an EC
    /// point at infinity) is refused here without asking OpenSSL again.
    pub(crate) fn verify_signature(
        &self,
        scheme: &crate::crypto::SignatureScheme,
        signed: crate::crypto::Signed<'_>,
        signature: &[u8],
    ) -> Result<bool, String> {
        if let Some(problem) = self.0.key_problem {
            return Err(crate::crypto::invalid_key(problem));
        }
        crate::crypto::verify_signature_key_checked(scheme, &self.0.public_key, signed, signature)
    }
    pub(crate) fn profile_flaws(&self) -> &[&'static str] {
        &self.0.profile_flaws
    }
    pub(crate) fn is_v3(&self) -> bool {
        self.0.v3
    }
    pub(crate) fn issuance_flaws(&self) -> &[&'static str] {
        &self.0.issuance_flaws
    }
    pub(crate) fn crl_distribution_points(&self) -> Option<&[DistributionPoint]> {
        self.0.extensions.crl_distribution_points.as_deref()
    }
    pub(crate) fn authority_info_access(&self) -> &[general_name::AccessDescription] {
        &self.0.extensions.authority_info_access
    }
    pub(crate) fn signature_digest(&self) -> Option<DigestAlgorithm> {
        self.0.signature_digest
    }
    /// The OCSP and CRL URLs the certificate names (authorityInfoAccess OCSP, then
    /// cRLDistributionPoints URIs).
    pub(crate) fn revocation_urls(&self) -> &[String] {
        self.0
            .revocation_urls
            .get_or_init(|| self.find_revocation_urls())
    }

    /// Record that this (freshly parsed) certificate was downloaded from `url`.
    pub(crate) fn fetched(self, url: &str) -> Self {
        let _ = self.0.fetched_from.set(url.to_string());
        self
    }

    /// The URL kyso downloaded this certificate from, when it did.
    pub fn fetched_from(&self) -> Option<&str> {
        self.0.fetched_from.get().map(String::as_str)
    }

    pub(crate) fn sha256(&self) -> &[u8; 32] {
        &self.0.sha256
    }

    /// Whether `issuer`'s key made this certificate's signature.
    pub(crate) fn signed_by(&self, issuer: &Certificate) -> bool {
        let key = issuer.sha256();
        if self.0.verified_by.lock().is_ok_and(|v| v.contains(key)) {
            return true;
        }
        let ok = self.0.x509.verify(issuer.public_key()).unwrap_or(false);
        if ok {
            if let Ok(mut v) = self.0.verified_by.lock() {
                // A certificate has one issuer key (or a few, with cross-certificates); the
                // bound keeps hostile input from growing the list.
                if v.len() < 8 {
                    v.push(*key);
                }
            }
        }
        ok
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

/// A certificate that cannot be loaded.
fn bad(what: String) -> Error {
    Error::Certificate(what)
}

/// Decode every extension (RFC 5280 §4.2) and note how they are encoded. A malformed
/// extension kyso relies on, or a malformed critical one, makes the certificate unloadable.
fn decode_extensions(c: &X509Certificate<'_>) -> Result<(Extensions, ExtensionEncoding), Error> {
    let mut decoded = Extensions::default();
    let mut encoding = ExtensionEncoding::default();
    let mut seen: Vec<&[u8]> = Vec::new();
    for ext in c.extensions() {
        encoding.note_instance(ext, &mut seen);
        decoded.decode(ext, &mut encoding)?;
        encoding.note_criticality(ext);
    }
    Ok((decoded, encoding))
}

impl Extensions {
    /// Decode one extension into its field (RFC 5280 §4.2.1, §4.2.2). An extension kyso does
    /// not process is remembered when critical (§4.2: "MUST reject the certificate").
    fn decode(
        &mut self,
        ext: &X509Extension<'_>,
        encoding: &mut ExtensionEncoding,
    ) -> Result<(), Error> {
        match ext.parsed_extension() {
            ParsedExtension::KeyUsage(k) => self.key_usage = Some(k.flags),
            ParsedExtension::ExtendedKeyUsage(e) => {
                self.ext_key_usage = Some(eku_oids(e));
                self.ext_key_usage_critical = ext.critical;
            }
            ParsedExtension::BasicConstraints(b) => {
                self.basic_constraints = Some((b.ca, b.path_len_constraint))
            }
            ParsedExtension::SubjectKeyIdentifier(k) => self.ski = Some(k.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                self.aki = a.key_identifier.as_ref().map(|k| k.0.to_vec())
            }
            ParsedExtension::NameConstraints(_) => {
                self.name_constraints = Some(
                    general_name::parse_name_constraints(ext.value, ext.critical)
                        .map_err(|e| malformed(ext, e.what))?,
                )
            }
            ParsedExtension::PolicyConstraints(p) => {
                self.policy_constraints =
                    Some((p.require_explicit_policy, p.inhibit_policy_mapping))
            }
            ParsedExtension::PolicyMappings(m) => self.policy_mappings = Some(mapping_oids(m)),
            ParsedExtension::InhibitAnyPolicy(i) => self.inhibit_any_policy = Some(i.skip_certs),
            ParsedExtension::CertificatePolicies(p) => self.certificate_policies(ext, p),
            ParsedExtension::SubjectAlternativeName(_) => {
                self.subject_alt_names =
                    general_name::parse_alt_names(ext.value).map_err(|e| malformed(ext, e.what))?
            }
            ParsedExtension::CRLDistributionPoints(_) => {
                self.crl_distribution_points = Some(
                    general_name::parse_distribution_points(ext.value)
                        .map_err(|e| malformed(ext, e.what))?,
                )
            }
            ParsedExtension::AuthorityInfoAccess(_) => {
                self.authority_info_access = general_name::parse_access_descriptions(ext.value)
                    .map_err(|e| malformed(ext, e.what))?
            }
            ParsedExtension::IssuerAlternativeName(_) => {}
            ParsedExtension::ParseError { .. } if ext.critical => {
                return Err(bad(format!(
                    "critical extension {} is malformed",
                    ext.oid.to_id_string()
                )));
            }
            // A malformed non-critical extension is a flaw of the certificate, reported
            // when it is on a path (RFC 5280 §4.2: extensions are DER per Appendix A).
            ParsedExtension::ParseError { .. } => encoding.malformed_noncritical = true,
            _ if ext.oid.as_bytes() == oid::QC_STATEMENTS.as_bytes() => match qc_types(ext.value) {
                Ok(types) => self.qc_types = types,
                Err(e) if ext.critical => return Err(malformed(ext, e.what)),
                Err(_) => encoding.malformed_noncritical = true,
            },
            _ if ext.critical => self.unknown_critical.push(ext.oid.to_id_string()),
            _ => {}
        }
        Ok(())
    }

    /// certificatePolicies (RFC 5280 §4.2.1.4): the policy OIDs. A critical one must be
    /// interpretable "including the optional qualifier": kyso knows CPS and user notice.
    fn certificate_policies(&mut self, ext: &X509Extension<'_>, p: &CertificatePolicies<'_>) {
        let unknown_qualifier = p
            .iter()
            .flat_map(|i| i.policy_qualifiers.iter().flatten())
            .any(|q| {
                let id = q.policy_qualifier_id.to_id_string();
                id != "1.3.6.1.5.5.7.2.1" && id != "1.3.6.1.5.5.7.2.2"
            });
        if ext.critical && unknown_qualifier {
            self.unknown_critical.push(format!(
                "{} (unknown policy qualifier)",
                ext.oid.to_id_string()
            ));
        }
        self.policies = Some(p.iter().map(|i| i.policy_id.to_id_string()).collect())
    }
}

/// An extension kyso relies on that does not decode.
fn malformed(ext: &X509Extension<'_>, e: String) -> Error {
    bad(format!(
        "extension {} is malformed: {e}",
        ext.oid.to_id_string()
    ))
}

/// extKeyUsage purposes as dotted OIDs (RFC 5280 §4.2.1.12): the ones x509-parser names
/// first, then the others in encoded order.
/// The QcType statement of a qcStatements extension (RFC 3739 §3.2.6: `SEQUENCE OF
/// QCStatement { statementId, statementInfo ANY OPTIONAL }`; ETSI EN 319 412-5 §4.2.3: QcType's
/// statementInfo is `SEQUENCE OF OBJECT IDENTIFIER`). Other statements are skipped.
fn qc_types(value: &[u8]) -> crate::encoding::asn1::Result<Vec<String>> {
    use crate::encoding::asn1::{oid_to_string, tag, Tlv};
    let mut types = Vec::new();
    let statements =
        Tlv::parse_exact(value, "qcStatements")?.expect(tag::SEQUENCE, "qcStatements")?;
    let mut r = statements.reader();
    while !r.is_empty() {
        let st = r.expect(tag::SEQUENCE, "QCStatement")?;
        let mut f = st.reader();
        let id = f.expect(tag::OID, "statementId")?;
        if id.value != oid::QC_TYPE.as_bytes() {
            continue;
        }
        let list = f.expect(tag::SEQUENCE, "QcType")?;
        let mut l = list.reader();
        while !l.is_empty() {
            types.push(oid_to_string(l.expect(tag::OID, "QcType")?.value));
        }
    }
    Ok(types)
}

fn eku_oids(e: &ExtendedKeyUsage<'_>) -> Vec<String> {
    let known = [
        (e.any, &oid::ANY_EKU),
        (e.server_auth, &oid::EKU_SERVER_AUTH),
        (e.client_auth, &oid::EKU_CLIENT_AUTH),
        (e.code_signing, &oid::EKU_CODE_SIGNING),
        (e.email_protection, &oid::EKU_EMAIL_PROTECTION),
        (e.time_stamping, &oid::EKU_TIME_STAMPING),
        (e.ocsp_signing, &oid::EKU_OCSP_SIGNING),
    ];
    let mut list = Vec::new();
    list.extend(
        known
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, o)| o.to_string()),
    );
    list.extend(e.other.iter().map(|o| o.to_id_string()));
    list
}

/// policyMappings as (issuerDomainPolicy, subjectDomainPolicy) dotted OIDs (RFC 5280 §4.2.1.5).
fn mapping_oids(m: &PolicyMappings<'_>) -> Vec<(String, String)> {
    m.mappings
        .iter()
        .map(|m| {
            (
                m.issuer_domain_policy.to_id_string(),
                m.subject_domain_policy.to_id_string(),
            )
        })
        .collect()
}

impl ExtensionEncoding {
    /// One instance per extension (§4.2: "A certificate MUST NOT include more than one
    /// instance of a particular extension"; otherwise the copy a parser keeps decides, and two
    /// basicConstraints or extKeyUsage could make an end-entity certificate a CA or a document
    /// signer), and one DER value per extnValue (§4.1: bytes after it are ignored by the
    /// parsers and so must not be accepted).
    fn note_instance<'a>(&mut self, ext: &'a X509Extension<'_>, seen: &mut Vec<&'a [u8]>) {
        self.any = true;
        let ext_oid = ext.oid.as_bytes();
        if seen.contains(&ext_oid) {
            self.duplicate = true;
        }
        seen.push(ext_oid);
        if asn1::Tlv::parse_exact(ext.value, "extnValue").is_err() {
            self.trailing_bytes = true;
        }
    }

    /// The criticality and emptiness facts the profile checks judge (§4.2.1.1, §4.2.1.2,
    /// §4.2.1.6, §4.2.1.12, §4.2.2.1).
    fn note_criticality(&mut self, ext: &X509Extension<'_>) {
        match ext.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                self.aki = Some((ext.critical, a.key_identifier.is_some()))
            }
            ParsedExtension::SubjectAlternativeName(_) => self.san_critical = Some(ext.critical),
            ParsedExtension::SubjectKeyIdentifier(_) => self.ski_critical |= ext.critical,
            ParsedExtension::AuthorityInfoAccess(_) => self.aia_critical |= ext.critical,
            ParsedExtension::ExtendedKeyUsage(e) => {
                self.eku_empty = !e.any
                    && !e.server_auth
                    && !e.client_auth
                    && !e.code_signing
                    && !e.email_protection
                    && !e.time_stamping
                    && !e.ocsp_signing
                    && e.other.is_empty()
            }
            _ => {}
        }
    }
}

/// RFC 5280 profile rules broken by one certificate, each naming its section.
struct Flaws {
    /// Rules a conforming CA follows (§4.1, §4.2), checked when the certificate is on a path.
    profile: Vec<&'static str>,
    /// Rules about how the certificate was issued (serial number, authorityKeyIdentifier):
    /// not applied to a trust anchor, which is an input of name and key (§6.1.1 d).
    issuance: Vec<&'static str>,
}

/// What the RFC 5280 profile checks (§4.1, §4.2) look at, gathered once per certificate.
struct Profile<'a> {
    cert: &'a X509Certificate<'a>,
    der: &'a [u8],
    x509: &'a X509,
    public_key: &'a PKey<Public>,
    ext: &'a Extensions,
    encoding: &'a ExtensionEncoding,
    /// Version 3 (§4.1.2.1).
    v3: bool,
    /// basicConstraints cA (§4.2.1.9).
    is_ca: bool,
    /// Subject and issuer are the same name.
    self_issued: bool,
    /// The subject is an empty sequence (§4.1.2.6).
    subject_empty: bool,
}

impl Profile<'_> {
    /// Every profile check, in the order their flaws are reported (a path names the first).
    /// `key_problem` is the public key's parameter check (RFC 8017 §3.1, RFC 5480 §2.2).
    fn flaws(&self, key_problem: Option<&'static str>) -> Flaws {
        let mut f = Flaws {
            profile: Vec::new(),
            issuance: Vec::new(),
        };
        self.serial_number(&mut f.issuance);
        self.extension_encoding(&mut f.profile);
        self.extensions_only_in_v3(&mut f.profile);
        f.profile.extend(key_problem);
        self.validity_encoding(&mut f.profile);
        self.authority_key_identifier(&mut f);
        self.self_signed_key_identifiers(&mut f.profile);
        if self.is_ca {
            self.ca_identifiers(&mut f.profile);
        } else {
            self.end_entity_ca_extensions(&mut f.profile);
        }
        self.name_constraints_form(&mut f.profile);
        self.non_critical_identifiers(&mut f.profile);
        self.eku_not_empty(&mut f.profile);
        self.empty_subject_alt_name(&mut f.profile);
        self.subject_alt_name_syntax(&mut f.profile);
        self.ec_named_curve(&mut f.profile);
        f
    }

    /// §4.1.2.2: the serial number is a positive INTEGER of at most 20 octets.
    fn serial_number(&self, issuance: &mut Vec<&'static str>) {
        // The INTEGER's own contents octets (x509-parser's raw_serial drops the sign).
        let serial_der = tbs_serial(self.der).unwrap_or_default();
        let serial: &[u8] = &serial_der;
        if serial.first().is_some_and(|b| b & 0x80 != 0) {
            issuance.push("the serial number is negative (§4.1.2.2: MUST be positive)");
        } else if serial.iter().all(|b| *b == 0) {
            issuance.push("the serial number is zero (§4.1.2.2: MUST be positive)");
        }
        if serial.len() > 20 && !(serial.len() == 21 && serial[0] == 0) {
            issuance.push("the serial number is longer than 20 octets (§4.1.2.2)");
        }
    }

    /// §4.2 and Appendix A: extensions are DER, once each, one value per extnValue (§4.1).
    fn extension_encoding(&self, flaws: &mut Vec<&'static str>) {
        if self.encoding.malformed_noncritical {
            flaws.push("an extension is malformed (§4.2, Appendix A)");
        }
        if self.encoding.duplicate {
            flaws.push("an extension appears more than once (§4.2: MUST NOT include more than one instance of a particular extension)");
        }
        if self.encoding.trailing_bytes {
            flaws.push("an extension value is not exactly one DER value (§4.1: extnValue holds the DER encoding of the extension)");
        }
    }

    /// §4.1.2.1, §4.1.2.9: extensions only in a version 3 certificate.
    fn extensions_only_in_v3(&self, flaws: &mut Vec<&'static str>) {
        if !self.v3 && self.encoding.any {
            flaws.push("a version 1 or 2 certificate carries extensions (§4.1.2.9: MUST only appear if the version is 3)");
        }
    }

    /// §4.1.2.5: both validity times are DER UTCTime or GeneralizedTime, whole seconds, `Z`.
    fn validity_encoding(&self, flaws: &mut Vec<&'static str>) {
        if !validity_times_ok(self.der) {
            flaws.push("a validity time is not a DER UTCTime or GeneralizedTime in whole seconds with Z (§4.1.2.5)");
        }
    }

    /// §4.2.1.1: authorityKeyIdentifier is non-critical, has keyIdentifier, and appears in
    /// every version 3 certificate that is not self-issued.
    fn authority_key_identifier(&self, f: &mut Flaws) {
        match self.encoding.aki {
            Some((true, _)) => f
                .profile
                .push("authorityKeyIdentifier is critical (§4.2.1.1: MUST be non-critical)"),
            Some((false, false)) => f.profile.push(
                "authorityKeyIdentifier lacks keyIdentifier (§4.2.1.1: MUST be included)",
            ),
            None if self.v3 && !self.self_issued => f.issuance.push(
                "authorityKeyIdentifier is missing (§4.2.1.1: MUST appear except in self-signed certificates)",
            ),
            _ => {}
        }
    }

    /// §4.2.1.1: a self-signed certificate's authorityKeyIdentifier names its own key. The
    /// signature is checked only when the identifiers differ.
    fn self_signed_key_identifiers(&self, flaws: &mut Vec<&'static str>) {
        if let (Some(a), Some(k)) = (&self.ext.aki, &self.ext.ski) {
            if self.self_issued && a != k && self.x509.verify(self.public_key).unwrap_or(false) {
                flaws.push(
                    "a self-signed certificate whose authorityKeyIdentifier differs from its own subjectKeyIdentifier (§4.2.1.1)",
                );
            }
        }
    }

    /// A CA certificate: §4.2.1.2 subjectKeyIdentifier present (version 3), §4.1.2.6 subject
    /// non-empty. basicConstraints and policyConstraints "MUST be critical" too (§4.2.1.9,
    /// §4.2.1.11), but NIST PKITS 4.6.4 and its policy rows require accepting non-critical
    /// ones, so they are not enforced.
    fn ca_identifiers(&self, flaws: &mut Vec<&'static str>) {
        if self.v3 && self.ext.ski.is_none() {
            flaws.push("a CA certificate without subjectKeyIdentifier (§4.2.1.2: MUST appear)");
        }
        if self.subject_empty {
            flaws.push("a CA certificate with an empty subject (§4.1.2.6: MUST be non-empty)");
        }
    }

    /// A certificate that is not a CA asserts neither keyCertSign (§4.2.1.3) nor
    /// nameConstraints (§4.2.1.10).
    fn end_entity_ca_extensions(&self, flaws: &mut Vec<&'static str>) {
        if self
            .ext
            .key_usage
            .is_some_and(|k| k & ku::KEY_CERT_SIGN != 0)
        {
            flaws.push("keyCertSign is asserted without basicConstraints cA (§4.2.1.3)");
        }
        if self.ext.name_constraints.is_some() {
            flaws.push("nameConstraints in a certificate that is not a CA (§4.2.1.10: MUST be used only in a CA certificate)");
        }
    }

    /// §4.2.1.10: nameConstraints is critical, permittedSubtrees is not empty, and a dNSName
    /// constraint has the host.example.com form.
    fn name_constraints_form(&self, flaws: &mut Vec<&'static str>) {
        let Some(nc) = &self.ext.name_constraints else {
            return;
        };
        if !nc.critical {
            flaws.push("nameConstraints is not critical (§4.2.1.10: MUST be critical)");
        }
        if nc.permitted.as_ref().is_some_and(Vec::is_empty) {
            flaws.push("nameConstraints has an empty permittedSubtrees (§4.2.1.10: GeneralSubtrees SIZE (1..MAX))");
        }
        if nc
            .permitted
            .iter()
            .flatten()
            .chain(&nc.excluded)
            .any(|st| matches!(&st.base, GeneralName::Dns(d) if d.starts_with('.')))
        {
            flaws.push(
                "a dNSName name constraint starts with a period (§4.2.1.10: host.example.com form)",
            );
        }
    }

    /// §4.2.1.2 subjectKeyIdentifier and §4.2.2.1 authorityInfoAccess are non-critical.
    fn non_critical_identifiers(&self, flaws: &mut Vec<&'static str>) {
        if self.encoding.ski_critical {
            flaws.push("subjectKeyIdentifier is critical (§4.2.1.2: MUST be non-critical)");
        }
        if self.encoding.aia_critical {
            flaws.push("authorityInfoAccess is critical (§4.2.2.1: MUST be non-critical)");
        }
    }

    /// §4.2.1.12: extKeyUsage is SIZE (1..MAX).
    fn eku_not_empty(&self, flaws: &mut Vec<&'static str>) {
        if self.encoding.eku_empty {
            flaws.push("extKeyUsage is empty (§4.2.1.12: SIZE (1..MAX))");
        }
    }

    /// §4.2.1.6: with an empty subject, the names are in a critical subjectAltName (a CA's
    /// empty subject is already refused by [`Profile::ca_identifiers`]).
    fn empty_subject_alt_name(&self, flaws: &mut Vec<&'static str>) {
        if self.subject_empty && self.encoding.san_critical == Some(false) {
            flaws.push("the subject is empty and subjectAltName is not critical (§4.2.1.6: MUST be critical)");
        }
        if self.subject_empty && self.encoding.san_critical.is_none() && !self.is_ca {
            flaws.push("the subject is empty and there is no subjectAltName (§4.2.1.6)");
        }
    }

    /// §4.2.1.6: subjectAltName entries are well-formed host names (RFC 1034 §3.5), mailboxes
    /// (RFC 5321 §4.1.2) and 4- or 16-octet addresses.
    fn subject_alt_name_syntax(&self, flaws: &mut Vec<&'static str>) {
        for n in &self.ext.subject_alt_names {
            match n {
                GeneralName::Dns(d) if !general_name::dns_name_syntax_ok(d) => {
                    flaws.push("a subjectAltName dNSName is not a valid host name (§4.2.1.6, RFC 1034 §3.5)")
                }
                GeneralName::Email(e) if !general_name::email_syntax_ok(e) => {
                    flaws.push("a subjectAltName rfc822Name is not a valid mailbox (§4.2.1.6, RFC 5321 §4.1.2)")
                }
                GeneralName::Ip(b) if b.len() != 4 && b.len() != 16 => {
                    flaws.push("a subjectAltName iPAddress is neither 4 nor 16 octets (§4.2.1.6)")
                }
                _ => {}
            }
        }
    }

    /// RFC 5480 §2.1.1: an EC key names its curve ("implicitCurve and specifiedCurve MUST NOT
    /// be used").
    fn ec_named_curve(&self, flaws: &mut Vec<&'static str>) {
        let spki = self.cert.public_key();
        if spki.algorithm.algorithm.to_id_string() == "1.2.840.10045.2.1"
            && spki
                .algorithm
                .parameters
                .as_ref()
                .is_none_or(|p| p.tag() != x509_parser::der_parser::asn1_rs::Tag::Oid)
        {
            flaws.push("an EC public key with explicit or implicit curve parameters (RFC 5480 §2.1.1: namedCurve only)");
        }
    }
}

/// Whether both validity times are DER times in whole seconds with `Z` (RFC 5280 §4.1.2.5):
/// x509-parser reads them leniently (fractions, trailing bytes).
fn validity_times_ok(der: &[u8]) -> bool {
    let times = || -> Option<bool> {
        let cert = Tlv::parse_exact(der, "Certificate").ok()?;
        let tbs = cert.reader().read().ok()?;
        let mut r = tbs.reader();
        r.optional(tag::ctx_cons(0)).ok()?;
        for _ in 0..3 {
            r.read().ok()?; // serialNumber, signature, issuer
        }
        let validity = r.expect(tag::SEQUENCE, "validity").ok()?;
        let mut v = validity.reader();
        let not_before = v.read().ok()?;
        let not_after = v.read().ok()?;
        Some(
            v.is_empty()
                && Timestamp::from_asn1_whole_seconds(not_before.tag, not_before.value).is_some()
                && Timestamp::from_asn1_whole_seconds(not_after.tag, not_after.value).is_some(),
        )
    };
    times().unwrap_or(false)
}

/// The contents octets of tbsCertificate.serialNumber (RFC 5280 §4.1.2.2).
fn tbs_serial(der: &[u8]) -> Option<Vec<u8>> {
    let cert = Tlv::parse_exact(der, "Certificate").ok()?;
    let tbs = cert.reader().read().ok()?;
    let mut r = tbs.reader();
    r.optional(tag::ctx_cons(0)).ok()?;
    let serial = r.read().ok()?;
    (serial.tag == tag::INTEGER).then(|| serial.value.to_vec())
}

/// The digest inside a certificate's own signatureAlgorithm (RFC 5280 §4.1.1.2), for the
/// algorithm policy; `None` for Ed25519 and for algorithms kyso does not know.
fn cert_signature_digest(der: &[u8]) -> Option<DigestAlgorithm> {
    let cert = Tlv::parse_exact(der, "Certificate").ok()?;
    let mut r = cert.reader();
    r.read().ok()?;
    let alg =
        crate::crypto::AlgorithmIdentifier::parse(r.read().ok()?, "signatureAlgorithm").ok()?;
    crate::crypto::digest_of_signature_algorithm(&alg)
}

/// What a certificate-level report shows about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// The caIssuers URL kyso downloaded it from to build the path (absent when it came with
    /// the signature or the caller). A fetched certificate is never a trust anchor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_from: Option<String>,
}

impl From<&Certificate> for CertificateSummary {
    fn from(c: &Certificate) -> Self {
        c.0.summary
            .get_or_init(|| CertificateSummary {
                subject: c.subject(),
                issuer: c.issuer(),
                serial: c.serial_hex(),
                not_before: c.not_before(),
                not_after: c.not_after(),
                sha256_fingerprint: c.sha256_fingerprint(),
                fetched_from: c.fetched_from().map(str::to_string),
            })
            .clone()
    }
}
