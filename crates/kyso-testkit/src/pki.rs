//! The test PKI: keys, certificates and CRLs built with the OpenSSL library.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time, Asn1Type};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509Builder, X509Extension, X509Name, X509NameBuilder, X509};

use crate::der;

/// Default CA validity (the same as testdata/gen.sh).
pub const CA_NOT_BEFORE: &str = "2025-01-01T00:00:00Z";
/// Default CA validity end.
pub const CA_NOT_AFTER: &str = "2045-12-31T00:00:00Z";
/// Default end-entity validity start.
pub const EE_NOT_BEFORE: &str = "2025-06-01T00:00:00Z";
/// Default end-entity validity end.
pub const EE_NOT_AFTER: &str = "2035-06-01T00:00:00Z";
/// The pinned validation time of the test PKI (testdata/README.md).
pub const PINNED: &str = "2026-06-01T00:00:00Z";

/// Well-known OIDs the builders take by name.
pub mod oids {
    /// id-kp-serverAuth.
    pub const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
    /// id-kp-clientAuth.
    pub const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
    /// id-kp-codeSigning.
    pub const CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
    /// id-kp-emailProtection.
    pub const EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
    /// id-kp-timeStamping.
    pub const TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
    /// id-kp-OCSPSigning.
    pub const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
    /// anyExtendedKeyUsage.
    pub const ANY_EKU: &str = "2.5.29.37.0";
    /// anyPolicy.
    pub const ANY_POLICY: &str = "2.5.29.32.0";
}

/// A key algorithm and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// RSA with the given modulus size (2048 and 3072 are the normal ones; 1024 is weak).
    Rsa(u32),
    /// ECDSA on P-256.
    P256,
    /// ECDSA on P-384.
    P384,
    /// Ed25519 (RFC 8032).
    Ed25519,
}

impl KeyType {
    /// RSA-2048.
    pub const RSA2048: KeyType = KeyType::Rsa(2048);
    /// RSA-3072.
    pub const RSA3072: KeyType = KeyType::Rsa(3072);

    /// Parse `rsa2048`, `rsa3072`, `rsa1024`, `p256`, `p384`, `ed25519`.
    pub fn parse(s: &str) -> Option<KeyType> {
        match s.to_ascii_lowercase().as_str() {
            "p256" | "p-256" => Some(KeyType::P256),
            "p384" | "p-384" => Some(KeyType::P384),
            "ed25519" => Some(KeyType::Ed25519),
            other => other
                .strip_prefix("rsa")
                .map(|b| b.trim_start_matches('-'))
                .and_then(|b| b.parse().ok())
                .map(KeyType::Rsa),
        }
    }

    /// A fresh private key of this type.
    pub fn generate(self) -> PKey<Private> {
        let k = match self {
            KeyType::Rsa(bits) => Rsa::generate(bits).and_then(PKey::from_rsa),
            KeyType::P256 | KeyType::P384 => {
                let nid = if self == KeyType::P256 {
                    Nid::X9_62_PRIME256V1
                } else {
                    Nid::SECP384R1
                };
                EcGroup::from_curve_name(nid)
                    .and_then(|g| EcKey::generate(&g))
                    .and_then(PKey::from_ec_key)
            }
            KeyType::Ed25519 => PKey::generate_ed25519(),
        };
        k.unwrap_or_else(|e| panic!("generate {self:?}: {e}"))
    }

    /// The type of an existing key.
    pub fn of(key: &PKey<Private>) -> KeyType {
        match key.id() {
            Id::RSA => KeyType::Rsa(key.bits()),
            Id::ED25519 => KeyType::Ed25519,
            Id::EC if key.bits() == 384 => KeyType::P384,
            _ => KeyType::P256,
        }
    }
}

/// Key usage bits (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum KeyUsage {
    DigitalSignature = 0,
    NonRepudiation = 1,
    KeyEncipherment = 2,
    DataEncipherment = 3,
    KeyAgreement = 4,
    KeyCertSign = 5,
    CrlSign = 6,
    EncipherOnly = 7,
    DecipherOnly = 8,
}

impl KeyUsage {
    /// Parse the RFC 5280 name (`digitalSignature`, `keyCertSign`, ...).
    pub fn parse(s: &str) -> Option<KeyUsage> {
        use KeyUsage::*;
        Some(match s {
            "digitalSignature" => DigitalSignature,
            "nonRepudiation" | "contentCommitment" => NonRepudiation,
            "keyEncipherment" => KeyEncipherment,
            "dataEncipherment" => DataEncipherment,
            "keyAgreement" => KeyAgreement,
            "keyCertSign" => KeyCertSign,
            "cRLSign" | "crlSign" => CrlSign,
            "encipherOnly" => EncipherOnly,
            "decipherOnly" => DecipherOnly,
            _ => return None,
        })
    }
}

/// An extended key usage OID from a name (`serverAuth`, `emailProtection`, ...) or dotted form.
pub fn eku_oid(s: &str) -> String {
    match s {
        "serverAuth" => oids::SERVER_AUTH,
        "clientAuth" => oids::CLIENT_AUTH,
        "codeSigning" => oids::CODE_SIGNING,
        "emailProtection" => oids::EMAIL_PROTECTION,
        "timeStamping" => oids::TIME_STAMPING,
        "OCSPSigning" => oids::OCSP_SIGNING,
        "anyExtendedKeyUsage" => oids::ANY_EKU,
        dotted => dotted,
    }
    .to_string()
}

/// A general name for SAN and name constraints: `dns:example.vn`, `email:a@b.vn`,
/// `uri:http://...`, or `dn:` is not supported (use the raw extension hook).
fn general_name(s: &str) -> Vec<u8> {
    if let Some(v) = s.strip_prefix("dns:") {
        der::ctx_prim(2, v.as_bytes())
    } else if let Some(v) = s.strip_prefix("email:") {
        der::ctx_prim(1, v.as_bytes())
    } else if let Some(v) = s.strip_prefix("uri:") {
        der::ctx_prim(6, v.as_bytes())
    } else {
        panic!("general name {s:?}: use dns:, email: or uri:")
    }
}

/// What a certificate should contain. Start from [`CertSpec::ca`] or [`CertSpec::ee`] and
/// change what the test is about.
#[derive(Debug, Clone)]
pub struct CertSpec {
    /// Subject attributes in DER order: (NID, value). Values are UTF8String, except
    /// countryName (PrintableString), as in testdata/gen.sh.
    pub subject: Vec<(Nid, String)>,
    /// Key type of the subject key (ignored when [`CertSpec::key`] is set).
    pub key_type: KeyType,
    /// Use this key instead of generating one.
    pub key: Option<PKey<Private>>,
    /// notBefore, Unix time.
    pub not_before: i64,
    /// notAfter, Unix time.
    pub not_after: i64,
    /// Serial number; `None` takes the next one of the [`Pki`].
    pub serial: Option<u64>,
    /// basicConstraints: `None` = absent, `Some((ca, path_len))`.
    pub basic_constraints: Option<(bool, Option<u32>)>,
    /// Mark basicConstraints critical.
    pub basic_constraints_critical: bool,
    /// keyUsage bits (`None` = absent); always critical.
    pub key_usage: Option<Vec<KeyUsage>>,
    /// extendedKeyUsage OIDs (`None` = absent).
    pub eku: Option<Vec<String>>,
    /// Mark extendedKeyUsage critical (RFC 3161 §2.3 requires it of a TSA certificate).
    pub eku_critical: bool,
    /// Name constraints: permitted and excluded general names (`dns:`, `email:`, `uri:`).
    pub name_constraints: Option<(Vec<String>, Vec<String>)>,
    /// certificatePolicies OIDs (empty = absent).
    pub policies: Vec<String>,
    /// cRLDistributionPoints URIs, as given (empty = absent).
    pub crl_dp: Vec<String>,
    /// AIA OCSP URIs, as given.
    pub ocsp: Vec<String>,
    /// AIA caIssuers URIs, as given.
    pub ca_issuers: Vec<String>,
    /// subjectAltName general names (`dns:`, `email:`, `uri:`).
    pub san: Vec<String>,
    /// Add subjectKeyIdentifier and (unless self-signed) authorityKeyIdentifier.
    pub key_ids: bool,
    /// Extra extensions: (OID, critical, DER value).
    pub extra: Vec<(String, bool, Vec<u8>)>,
}

impl CertSpec {
    fn base(cn: &str, not_before: &str, not_after: &str) -> CertSpec {
        CertSpec {
            subject: vec![
                (Nid::COUNTRYNAME, "VN".into()),
                (Nid::ORGANIZATIONNAME, "Kyso Testkit".into()),
                (Nid::COMMONNAME, cn.into()),
            ],
            key_type: KeyType::RSA2048,
            key: None,
            not_before: der::parse_rfc3339(not_before),
            not_after: der::parse_rfc3339(not_after),
            serial: None,
            basic_constraints: None,
            basic_constraints_critical: false,
            key_usage: None,
            eku: None,
            eku_critical: false,
            name_constraints: None,
            policies: Vec::new(),
            crl_dp: Vec::new(),
            ocsp: Vec::new(),
            ca_issuers: Vec::new(),
            san: Vec::new(),
            key_ids: true,
            extra: Vec::new(),
        }
    }

    /// The CA profile of testdata/gen.sh: CA:TRUE (critical), keyCertSign+cRLSign (critical),
    /// SKI/AKI, validity 2025-01-01 .. 2045-12-31.
    pub fn ca(cn: &str) -> CertSpec {
        let mut s = CertSpec::base(cn, CA_NOT_BEFORE, CA_NOT_AFTER);
        s.basic_constraints = Some((true, None));
        s.basic_constraints_critical = true;
        s.key_usage = Some(vec![KeyUsage::KeyCertSign, KeyUsage::CrlSign]);
        s
    }

    /// The `ee_sign` profile of testdata/gen.sh: CA:FALSE, digitalSignature+nonRepudiation
    /// (critical), EKU emailProtection, SKI/AKI, validity 2025-06-01 .. 2035-06-01.
    pub fn ee(cn: &str) -> CertSpec {
        let mut s = CertSpec::base(cn, EE_NOT_BEFORE, EE_NOT_AFTER);
        s.basic_constraints = Some((false, None));
        s.key_usage = Some(vec![KeyUsage::DigitalSignature, KeyUsage::NonRepudiation]);
        s.eku = Some(vec![oids::EMAIL_PROTECTION.into()]);
        s
    }

    /// A Vietnamese personal subject (UTF8String): C=VN, ST, O, CN, UID=CCCD:...
    pub fn vietnamese(mut self, st: &str, o: &str, cn: &str, uid: &str) -> CertSpec {
        self.subject = vec![
            (Nid::COUNTRYNAME, "VN".into()),
            (Nid::STATEORPROVINCENAME, st.into()),
            (Nid::ORGANIZATIONNAME, o.into()),
            (Nid::COMMONNAME, cn.into()),
            (Nid::USERID, uid.into()),
        ];
        self
    }

    /// A subject with no identifier (UTF8String): C=VN, O, CN. Neither a person's nor an
    /// organisation's certificate by its attributes.
    pub fn named(mut self, o: &str, cn: &str) -> CertSpec {
        self.subject = vec![
            (Nid::COUNTRYNAME, "VN".into()),
            (Nid::ORGANIZATIONNAME, o.into()),
            (Nid::COMMONNAME, cn.into()),
        ];
        self
    }

    /// Replace the subject.
    pub fn subject(mut self, attrs: &[(Nid, &str)]) -> CertSpec {
        self.subject = attrs.iter().map(|(n, v)| (*n, v.to_string())).collect();
        self
    }

    /// Key type.
    pub fn key_type(mut self, k: KeyType) -> CertSpec {
        self.key_type = k;
        self
    }

    /// Use an existing key.
    pub fn key(mut self, k: PKey<Private>) -> CertSpec {
        self.key = Some(k);
        self
    }

    /// Validity window, `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn validity(mut self, not_before: &str, not_after: &str) -> CertSpec {
        self.not_before = der::parse_rfc3339(not_before);
        self.not_after = der::parse_rfc3339(not_after);
        self
    }

    /// Serial number.
    pub fn serial(mut self, n: u64) -> CertSpec {
        self.serial = Some(n);
        self
    }

    /// Key usage (critical); an empty list removes the extension.
    pub fn key_usage(mut self, ku: &[KeyUsage]) -> CertSpec {
        self.key_usage = (!ku.is_empty()).then(|| ku.to_vec());
        self
    }

    /// Extended key usage by name or OID; an empty list removes the extension.
    pub fn eku(mut self, eku: &[&str]) -> CertSpec {
        self.eku = (!eku.is_empty()).then(|| eku.iter().map(|e| eku_oid(e)).collect());
        self
    }

    /// Mark extendedKeyUsage critical or not (it is non-critical unless asked).
    pub fn eku_critical(mut self, critical: bool) -> CertSpec {
        self.eku_critical = critical;
        self
    }

    /// basicConstraints CA:TRUE with a pathLenConstraint.
    pub fn path_len(mut self, n: u32) -> CertSpec {
        self.basic_constraints = Some((true, Some(n)));
        self.basic_constraints_critical = true;
        self
    }

    /// basicConstraints as given (`None` removes it).
    pub fn basic_constraints(
        mut self,
        bc: Option<(bool, Option<u32>)>,
        critical: bool,
    ) -> CertSpec {
        self.basic_constraints = bc;
        self.basic_constraints_critical = critical;
        self
    }

    /// Name constraints (critical).
    pub fn name_constraints(mut self, permitted: &[&str], excluded: &[&str]) -> CertSpec {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        self.name_constraints = Some((v(permitted), v(excluded)));
        self
    }

    /// Add a certificate policy OID.
    pub fn policy(mut self, oid: &str) -> CertSpec {
        self.policies.push(oid.into());
        self
    }

    /// Add a CRL distribution point URI.
    pub fn crl_dp(mut self, uri: &str) -> CertSpec {
        self.crl_dp.push(uri.into());
        self
    }

    /// Add an AIA OCSP URI.
    pub fn ocsp(mut self, uri: &str) -> CertSpec {
        self.ocsp.push(uri.into());
        self
    }

    /// Add an AIA caIssuers URI.
    pub fn ca_issuers(mut self, uri: &str) -> CertSpec {
        self.ca_issuers.push(uri.into());
        self
    }

    /// Add a subjectAltName (`dns:`, `email:`, `uri:`).
    pub fn san(mut self, name: &str) -> CertSpec {
        self.san.push(name.into());
        self
    }

    /// Add a raw extension.
    pub fn extension(mut self, oid: &str, critical: bool, value: Vec<u8>) -> CertSpec {
        self.extra.push((oid.into(), critical, value));
        self
    }
}

/// A certificate with its private key.
#[derive(Clone)]
pub struct Issued {
    /// The certificate.
    pub cert: X509,
    /// Its private key.
    pub key: PKey<Private>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Issued({})", self.common_name())
    }
}

impl Issued {
    /// DER certificate.
    pub fn cert_der(&self) -> Vec<u8> {
        self.cert.to_der().expect("certificate DER")
    }
    /// PEM certificate.
    pub fn cert_pem(&self) -> Vec<u8> {
        self.cert.to_pem().expect("certificate PEM")
    }
    /// PKCS#8 PEM private key (unencrypted).
    pub fn key_pem(&self) -> Vec<u8> {
        self.key.private_key_to_pem_pkcs8().expect("key PEM")
    }
    /// PKCS#8 DER private key (unencrypted).
    pub fn key_der(&self) -> Vec<u8> {
        self.key.private_key_to_pkcs8().expect("key DER")
    }
    /// The key type.
    pub fn key_type(&self) -> KeyType {
        KeyType::of(&self.key)
    }
    /// Serial number, big-endian magnitude.
    pub fn serial(&self) -> Vec<u8> {
        self.cert.serial_number().to_bn().expect("serial").to_vec()
    }
    /// The subject name, DER.
    pub fn subject_der(&self) -> Vec<u8> {
        self.cert.subject_name().to_der().expect("name DER")
    }
    /// The first commonName.
    pub fn common_name(&self) -> String {
        self.cert
            .subject_name()
            .entries_by_nid(Nid::COMMONNAME)
            .next()
            .and_then(|e| e.data().to_string().ok())
            .unwrap_or_default()
    }
    /// The key identifier (SHA-1 of the subjectPublicKey bits, RFC 5280 §4.2.1.2 method 1).
    pub fn key_id(&self) -> Vec<u8> {
        key_id(&self.key)
    }
    /// Write `<name>.pem`, `<name>.der` and `<name>.key` (PKCS#8 PEM) into `dir`; returns the
    /// PEM certificate path.
    pub fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let pem = dir.join(format!("{name}.pem"));
        std::fs::write(&pem, self.cert_pem()).expect("write cert");
        std::fs::write(dir.join(format!("{name}.der")), self.cert_der()).expect("write der");
        std::fs::write(dir.join(format!("{name}.key")), self.key_pem()).expect("write key");
        pem
    }
}

fn key_id(key: &PKey<Private>) -> Vec<u8> {
    let spki = key.public_key_to_der().expect("SPKI");
    let parts = der::children(&spki);
    let bits = parts[1];
    let (_, h, _) = der::header(bits).expect("bit string");
    openssl::sha::sha1(&bits[h + 1..]).to_vec()
}

/// The digest the issuer signs with, and the AlgorithmIdentifier (DER) for it.
pub(crate) fn sig_alg(key: &PKey<Private>) -> (Option<MessageDigest>, Vec<u8>) {
    match KeyType::of(key) {
        KeyType::Rsa(_) => (
            Some(MessageDigest::sha256()),
            der::seq(&[der::oid("1.2.840.113549.1.1.11"), der::null()]),
        ),
        KeyType::P256 => (
            Some(MessageDigest::sha256()),
            der::seq(&[der::oid("1.2.840.10045.4.3.2")]),
        ),
        KeyType::P384 => (
            Some(MessageDigest::sha384()),
            der::seq(&[der::oid("1.2.840.10045.4.3.3")]),
        ),
        KeyType::Ed25519 => (None, der::seq(&[der::oid("1.3.101.112")])),
    }
}

/// Sign `data` with `key`: with `md` (RSA PKCS#1 v1.5 / ECDSA) or pure Ed25519 (`None`).
pub fn sign_raw(key: &PKey<Private>, md: Option<MessageDigest>, data: &[u8]) -> Vec<u8> {
    let r = match md {
        Some(md) if key.id() != Id::ED25519 => openssl::sign::Signer::new(md, key)
            .and_then(|mut s| s.update(data).and_then(|_| s.sign_to_vec())),
        _ => openssl::sign::Signer::new_without_digest(key)
            .and_then(|mut s| s.sign_oneshot_to_vec(data)),
    };
    r.expect("sign")
}

fn name(spec: &CertSpec) -> X509Name {
    let mut b = X509NameBuilder::new().expect("name");
    for (nid, v) in &spec.subject {
        let ty = if *nid == Nid::COUNTRYNAME {
            Asn1Type::PRINTABLESTRING
        } else {
            Asn1Type::UTF8STRING
        };
        b.append_entry_by_nid_with_type(*nid, v, ty)
            .unwrap_or_else(|e| panic!("name {nid:?}={v}: {e}"));
    }
    b.build()
}

fn extension(oid: &str, critical: bool, value: &[u8]) -> X509Extension {
    let o = Asn1Object::from_str(oid).expect("OID");
    let v = Asn1OctetString::new_from_bytes(value).expect("octets");
    X509Extension::new_from_der(&o, critical, &v).expect("extension")
}

fn extensions(
    spec: &CertSpec,
    subject_kid: &[u8],
    issuer_kid: Option<&[u8]>,
) -> Vec<X509Extension> {
    let mut out = Vec::new();
    if let Some((ca, pl)) = spec.basic_constraints {
        let mut f = Vec::new();
        if ca {
            f.push(der::boolean(true));
        }
        if let Some(n) = pl {
            f.push(der::int(n.into()));
        }
        out.push(extension(
            "2.5.29.19",
            spec.basic_constraints_critical,
            &der::seq(&f),
        ));
    }
    if let Some(ku) = &spec.key_usage {
        let bits: Vec<u8> = ku.iter().map(|k| *k as u8).collect();
        out.push(extension("2.5.29.15", true, &der::named_bits(&bits)));
    }
    if let Some(eku) = &spec.eku {
        let v: Vec<_> = eku.iter().map(|o| der::oid(o)).collect();
        out.push(extension("2.5.29.37", spec.eku_critical, &der::seq(&v)));
    }
    if spec.key_ids {
        out.push(extension("2.5.29.14", false, &der::octets(subject_kid)));
        if let Some(k) = issuer_kid {
            out.push(extension(
                "2.5.29.35",
                false,
                &der::seq(&[der::ctx_prim(0, k)]),
            ));
        }
    }
    if !spec.san.is_empty() {
        let v: Vec<_> = spec.san.iter().map(|s| general_name(s)).collect();
        out.push(extension("2.5.29.17", false, &der::seq(&v)));
    }
    if let Some((permitted, excluded)) = &spec.name_constraints {
        let subtrees = |names: &[String]| -> Vec<u8> {
            names
                .iter()
                .map(|n| der::seq(&[general_name(n)]))
                .collect::<Vec<_>>()
                .concat()
        };
        let mut f = Vec::new();
        if !permitted.is_empty() {
            f.push(der::ctx(0, &subtrees(permitted)));
        }
        if !excluded.is_empty() {
            f.push(der::ctx(1, &subtrees(excluded)));
        }
        out.push(extension("2.5.29.30", true, &der::seq(&f)));
    }
    if !spec.policies.is_empty() {
        let v: Vec<_> = spec
            .policies
            .iter()
            .map(|p| der::seq(&[der::oid(p)]))
            .collect();
        out.push(extension("2.5.29.32", false, &der::seq(&v)));
    }
    if !spec.crl_dp.is_empty() {
        let v: Vec<_> = spec
            .crl_dp
            .iter()
            .map(|u| der::seq(&[der::ctx(0, &der::ctx(0, &der::ctx_prim(6, u.as_bytes())))]))
            .collect();
        out.push(extension("2.5.29.31", false, &der::seq(&v)));
    }
    if !spec.ocsp.is_empty() || !spec.ca_issuers.is_empty() {
        let mut v = Vec::new();
        for u in &spec.ocsp {
            v.push(der::seq(&[
                der::oid("1.3.6.1.5.5.7.48.1"),
                der::ctx_prim(6, u.as_bytes()),
            ]));
        }
        for u in &spec.ca_issuers {
            v.push(der::seq(&[
                der::oid("1.3.6.1.5.5.7.48.2"),
                der::ctx_prim(6, u.as_bytes()),
            ]));
        }
        out.push(extension("1.3.6.1.5.5.7.1.1", false, &der::seq(&v)));
    }
    for (oid, crit, value) in &spec.extra {
        out.push(extension(oid, *crit, value));
    }
    out
}

/// Revoked entry of a CRL.
#[derive(Debug, Clone)]
pub struct Revoked {
    /// Serial number (big-endian magnitude).
    pub serial: Vec<u8>,
    /// revocationDate, Unix time.
    pub at: i64,
    /// CRLReason code (RFC 5280 §5.3.1): 0 unspecified, 1 keyCompromise, 2 cACompromise,
    /// 3 affiliationChanged, 4 superseded, 5 cessationOfOperation, 6 certificateHold,
    /// 8 removeFromCRL, 9 privilegeWithdrawn, 10 aACompromise; `None` = no reasonCode.
    pub reason: Option<u8>,
}

/// What a CRL should contain.
#[derive(Debug, Clone)]
pub struct CrlSpec {
    /// thisUpdate, Unix time.
    pub this_update: i64,
    /// nextUpdate (`None` = absent).
    pub next_update: Option<i64>,
    /// cRLNumber (`None` = absent).
    pub number: Option<u64>,
    /// Revoked certificates.
    pub revoked: Vec<Revoked>,
    /// Add authorityKeyIdentifier.
    pub key_id: bool,
    /// Make it a delta CRL: deltaCRLIndicator with this BaseCRLNumber (RFC 5280 §5.2.4).
    pub delta_base: Option<u64>,
    /// Further CRL extensions `(oid, critical, extnValue contents)`, appended as given (a
    /// repeated OID makes a duplicate).
    pub extensions: Vec<(String, bool, Vec<u8>)>,
    /// Extensions added to every entry, the same way.
    pub entry_extensions: Vec<(String, bool, Vec<u8>)>,
    /// Sign an RSA CRL with SHA-1 (sha1WithRSAEncryption) instead of SHA-256.
    pub sha1: bool,
    /// Encode thisUpdate with these bytes (a whole TLV) instead of `this_update`.
    pub raw_this_update: Option<Vec<u8>>,
}

impl Default for CrlSpec {
    /// thisUpdate 2026-05-01, nextUpdate 2026-07-01 (fresh at the pinned time), cRLNumber 1.
    fn default() -> Self {
        CrlSpec {
            this_update: der::parse_rfc3339("2026-05-01T00:00:00Z"),
            next_update: Some(der::parse_rfc3339("2026-07-01T00:00:00Z")),
            number: Some(1),
            revoked: Vec::new(),
            key_id: true,
            delta_base: None,
            extensions: Vec::new(),
            entry_extensions: Vec::new(),
            sha1: false,
            raw_this_update: None,
        }
    }
}

impl CrlSpec {
    /// Revoke `cert` at `at` (`YYYY-MM-DDTHH:MM:SSZ`) with a reason code.
    pub fn revoke(mut self, cert: &Issued, at: &str, reason: Option<u8>) -> CrlSpec {
        self.revoked.push(Revoked {
            serial: cert.serial(),
            at: der::parse_rfc3339(at),
            reason,
        });
        self
    }
    /// thisUpdate / nextUpdate.
    pub fn updates(mut self, this_update: &str, next_update: Option<&str>) -> CrlSpec {
        self.this_update = der::parse_rfc3339(this_update);
        self.next_update = next_update.map(der::parse_rfc3339);
        self
    }
    /// cRLNumber.
    pub fn number(mut self, n: Option<u64>) -> CrlSpec {
        self.number = n;
        self
    }
    /// Make it a delta CRL on base `base` (deltaCRLIndicator).
    pub fn delta_of(mut self, base: u64) -> CrlSpec {
        self.delta_base = Some(base);
        self
    }
    /// Append a CRL extension (`value`: the contents of extnValue).
    pub fn extension(mut self, oid: &str, critical: bool, value: Vec<u8>) -> CrlSpec {
        self.extensions.push((oid.into(), critical, value));
        self
    }
    /// Sign an RSA CRL with SHA-1 (sha1WithRSAEncryption).
    pub fn sha1(mut self) -> CrlSpec {
        self.sha1 = true;
        self
    }
    /// Encode thisUpdate as the TLV `raw` (a malformed time, say).
    pub fn raw_this_update(mut self, raw: Vec<u8>) -> CrlSpec {
        self.raw_this_update = Some(raw);
        self
    }
    /// Add authorityKeyIdentifier or not.
    pub fn key_id(mut self, on: bool) -> CrlSpec {
        self.key_id = on;
        self
    }
    /// Append an extension to every entry.
    pub fn entry_extension(mut self, oid: &str, critical: bool, value: Vec<u8>) -> CrlSpec {
        self.entry_extensions.push((oid.into(), critical, value));
        self
    }
}

/// Parse a CRLReason name (`keyCompromise`, ...) to its code.
pub fn crl_reason(name: &str) -> Option<u8> {
    Some(match name {
        "unspecified" => 0,
        "keyCompromise" => 1,
        "cACompromise" => 2,
        "affiliationChanged" => 3,
        "superseded" => 4,
        "cessationOfOperation" => 5,
        "certificateHold" => 6,
        "removeFromCRL" => 8,
        "privilegeWithdrawn" => 9,
        "aACompromise" => 10,
        _ => return None,
    })
}

/// A test PKI: a root CA and an intermediate CA (pathlen:0) under it, both RSA-2048 with
/// the profile of testdata/gen.sh, and a serial counter for everything issued.
pub struct Pki {
    /// Self-signed root, `CN=Kyso Testkit Root CA`.
    pub root: Issued,
    /// Intermediate under the root, `CN=Kyso Testkit Sub CA`, pathlen:0.
    pub sub: Issued,
    serial: AtomicU64,
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}

impl Pki {
    /// Root and intermediate, RSA-2048.
    pub fn new() -> Pki {
        Pki::with_key_types(KeyType::RSA2048, KeyType::RSA2048)
    }

    /// Root and intermediate with the given key types.
    pub fn with_key_types(root: KeyType, sub: KeyType) -> Pki {
        let serial = AtomicU64::new(0x1000);
        let root = self_signed_with(&serial, CertSpec::ca("Kyso Testkit Root CA").key_type(root));
        let sub_spec = CertSpec::ca("Kyso Testkit Sub CA")
            .key_type(sub)
            .path_len(0);
        let sub = issue_with(&serial, &root, sub_spec);
        Pki { root, sub, serial }
    }

    /// A self-signed certificate (a root) from `spec`.
    pub fn self_signed(&self, spec: CertSpec) -> Issued {
        self_signed_with(&self.serial, spec)
    }

    /// Issue a certificate from `spec`, signed by `issuer`.
    pub fn issue(&self, issuer: &Issued, spec: CertSpec) -> Issued {
        issue_with(&self.serial, issuer, spec)
    }

    /// Issue an end-entity certificate under the intermediate.
    pub fn leaf(&self, spec: CertSpec) -> Issued {
        self.issue(&self.sub, spec)
    }

    /// A CRL issued by `issuer` (DER), signed with SHA-256 (or Ed25519).
    pub fn crl(&self, issuer: &Issued, spec: &CrlSpec) -> Vec<u8> {
        crl(issuer, &issuer.key, spec)
    }

    /// Write root.pem, sub.pem (with .der and .key) and chain.pem (sub + root) into `dir`.
    pub fn write(&self, dir: &Path) {
        self.root.write(dir, "root");
        self.sub.write(dir, "sub");
        let mut chain = self.sub.cert_pem();
        chain.extend(self.root.cert_pem());
        std::fs::write(dir.join("chain.pem"), chain).expect("write chain");
    }
}

fn self_signed_with(serial: &AtomicU64, spec: CertSpec) -> Issued {
    let key = spec.key.clone().unwrap_or_else(|| spec.key_type.generate());
    build(serial, &spec, key.clone(), None, &key)
}

fn issue_with(serial: &AtomicU64, issuer: &Issued, spec: CertSpec) -> Issued {
    let key = spec.key.clone().unwrap_or_else(|| spec.key_type.generate());
    build(serial, &spec, key, Some(issuer), &issuer.key)
}

fn build(
    serial: &AtomicU64,
    spec: &CertSpec,
    key: PKey<Private>,
    issuer: Option<&Issued>,
    signing_key: &PKey<Private>,
) -> Issued {
    let mut b = X509Builder::new().expect("builder");
    b.set_version(2).expect("version");
    let n = spec
        .serial
        .unwrap_or_else(|| serial.fetch_add(1, Ordering::SeqCst));
    let bn = BigNum::from_slice(&n.to_be_bytes()).expect("bn");
    b.set_serial_number(&Asn1Integer::from_bn(&bn).expect("serial"))
        .expect("serial");
    let subject = name(spec);
    b.set_subject_name(&subject).expect("subject");
    match issuer {
        Some(i) => b.set_issuer_name(i.cert.subject_name()),
        None => b.set_issuer_name(&subject),
    }
    .expect("issuer");
    b.set_pubkey(&key).expect("pubkey");
    b.set_not_before(&Asn1Time::from_unix(spec.not_before).expect("time"))
        .expect("notBefore");
    b.set_not_after(&Asn1Time::from_unix(spec.not_after).expect("time"))
        .expect("notAfter");
    let skid = key_id(&key);
    let akid = issuer.map(|i| i.key_id());
    for e in extensions(spec, &skid, akid.as_deref()) {
        b.append_extension(e).expect("extension");
    }
    let md = sig_alg(signing_key).0.unwrap_or_else(MessageDigest::null);
    b.sign(signing_key, md).expect("sign certificate");
    Issued {
        cert: b.build(),
        key,
    }
}

/// A CRL naming `issuer` as its issuer, signed with `signing_key` (pass another key to make a
/// CRL whose signature does not verify).
pub fn crl(issuer: &Issued, signing_key: &PKey<Private>, spec: &CrlSpec) -> Vec<u8> {
    let (md, alg) = if spec.sha1 {
        (
            Some(MessageDigest::sha1()),
            der::seq(&[der::oid("1.2.840.113549.1.1.5"), der::null()]),
        )
    } else {
        sig_alg(signing_key)
    };
    let ext = |(oid, crit, v): &(String, bool, Vec<u8>)| {
        let mut e = vec![der::oid(oid)];
        if *crit {
            e.push(der::boolean(true));
        }
        e.push(der::octets(v));
        der::seq(&e)
    };
    let mut tbs = vec![
        der::int(1),
        alg.clone(),
        issuer.subject_der(),
        spec.raw_this_update
            .clone()
            .unwrap_or_else(|| der::time(spec.this_update)),
    ];
    if let Some(n) = spec.next_update {
        tbs.push(der::time(n));
    }
    if !spec.revoked.is_empty() {
        let entries: Vec<_> = spec
            .revoked
            .iter()
            .map(|r| {
                let mut e = vec![der::uint(&r.serial), der::time(r.at)];
                let mut exts = Vec::new();
                if let Some(code) = r.reason {
                    exts.push(der::seq(&[
                        der::oid("2.5.29.21"),
                        der::octets(&der::enumerated(code)),
                    ]));
                }
                exts.extend(spec.entry_extensions.iter().map(ext));
                if !exts.is_empty() {
                    e.push(der::seq(&exts));
                }
                der::seq(&e)
            })
            .collect();
        tbs.push(der::seq(&entries));
    }
    let mut exts = Vec::new();
    if spec.key_id {
        let aki = der::seq(&[der::ctx_prim(0, &issuer.key_id())]);
        exts.push(der::seq(&[der::oid("2.5.29.35"), der::octets(&aki)]));
    }
    if let Some(n) = spec.number {
        exts.push(der::seq(&[
            der::oid("2.5.29.20"),
            der::octets(&der::int(n)),
        ]));
    }
    if let Some(base) = spec.delta_base {
        exts.push(der::seq(&[
            der::oid("2.5.29.27"),
            der::boolean(true),
            der::octets(&der::int(base)),
        ]));
    }
    exts.extend(spec.extensions.iter().map(ext));
    if !exts.is_empty() {
        tbs.push(der::ctx(0, &der::seq(&exts)));
    }
    let tbs = der::seq(&tbs);
    let sig = sign_raw(signing_key, md, &tbs);
    der::seq(&[tbs, alg, der::bits(&sig)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ssl::SslFiletype;
    use openssl::stack::Stack;
    use openssl::x509::store::{X509Lookup, X509StoreBuilder};
    use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
    use openssl::x509::{X509Crl, X509StoreContext};

    fn verify(pki: &Pki, leaf: &Issued, crl: Option<&[u8]>) -> Result<(), String> {
        let mut store = X509StoreBuilder::new().unwrap();
        store.add_cert(pki.root.cert.clone()).unwrap();
        let mut param = X509VerifyParam::new().unwrap();
        param.set_time(der::parse_rfc3339(PINNED));
        let dir = crate::TempDir::new("crl");
        if let Some(c) = crl {
            let pem = X509Crl::from_der(c).unwrap().to_pem().unwrap();
            let f = dir.join("crl.pem");
            std::fs::write(&f, pem).unwrap();
            let lookup = store.add_lookup(X509Lookup::file()).unwrap();
            lookup.load_crl_file(&f, SslFiletype::PEM).unwrap();
            param.set_flags(X509VerifyFlags::CRL_CHECK).unwrap();
        }
        store.set_param(&param).unwrap();
        let store = store.build();
        let mut chain = Stack::new().unwrap();
        chain.push(pki.sub.cert.clone()).unwrap();
        let mut ctx = X509StoreContext::new().unwrap();
        ctx.init(&store, &leaf.cert, &chain, |c| {
            Ok(if c.verify_cert()? {
                Ok(())
            } else {
                Err(c.error().to_string())
            })
        })
        .unwrap()
    }

    #[test]
    fn openssl_accepts_the_pki_and_sees_the_revocation() {
        let pki = Pki::new();
        for kt in [
            KeyType::P256,
            KeyType::P384,
            KeyType::Ed25519,
            KeyType::RSA2048,
        ] {
            let leaf = pki.leaf(
                CertSpec::ee("Nguyễn Văn An")
                    .vietnamese(
                        "Hà Nội",
                        "Sở Tư pháp Hà Nội",
                        "Nguyễn Văn An",
                        "CCCD:001085012345",
                    )
                    .key_type(kt)
                    .crl_dp("http://127.0.0.1:1/sub.crl")
                    .ocsp("http://127.0.0.1:1/ocsp")
                    .policy("1.3.6.1.4.1.55555.1"),
            );
            assert_eq!(leaf.key_type(), kt);
            verify(&pki, &leaf, None).unwrap_or_else(|e| panic!("{kt:?}: {e}"));
            assert_eq!(leaf.common_name(), "Nguyễn Văn An");
        }
        let leaf = pki.leaf(CertSpec::ee("Trần Thị Bình"));
        let good = pki.crl(&pki.sub, &CrlSpec::default());
        verify(&pki, &leaf, Some(&good)).unwrap();
        let revoked = pki.crl(
            &pki.sub,
            &CrlSpec::default().revoke(&leaf, "2026-05-15T00:00:00Z", Some(1)),
        );
        let e = verify(&pki, &leaf, Some(&revoked)).unwrap_err();
        assert!(e.contains("revoked"), "{e}");
        let crl = X509Crl::from_der(&revoked).unwrap();
        assert_eq!(crl.get_revoked().unwrap().len(), 1);
        // Signed by the wrong key: openssl rejects the CRL.
        let other = KeyType::RSA2048.generate();
        let bad = crl_fn(&pki.sub, &other);
        assert!(verify(&pki, &leaf, Some(&bad)).is_err());
    }

    fn crl_fn(issuer: &Issued, key: &PKey<Private>) -> Vec<u8> {
        crl(issuer, key, &CrlSpec::default())
    }

    #[test]
    fn expired_and_constraints_are_encoded() {
        let pki = Pki::with_key_types(KeyType::P256, KeyType::P256);
        let expired = pki.leaf(
            CertSpec::ee("Hết hạn")
                .key_type(KeyType::P256)
                .validity("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"),
        );
        assert!(verify(&pki, &expired, None)
            .unwrap_err()
            .contains("expired"));
        let nc = CertSpec::ca("NC").name_constraints(&["dns:.gov.vn"], &["email:x@y.vn"]);
        let ca = pki.issue(&pki.root, nc.key_type(KeyType::P256));
        let text = String::from_utf8(ca.cert.to_text().unwrap()).unwrap();
        assert!(
            text.contains("Permitted") && text.contains(".gov.vn"),
            "{text}"
        );
        assert_eq!(KeyType::parse("rsa3072"), Some(KeyType::RSA3072));
        assert_eq!(KeyType::parse("ed25519"), Some(KeyType::Ed25519));
    }
}
