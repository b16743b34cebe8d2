//! Inspection of certificates, bundles, PKCS#12 and CMS files, for people and for JSON.

use serde::Serialize;

use crate::cms::signed_data;
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::x509::cert::Certificate;
use crate::x509::name;

/// What a file holds.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Inspection {
    /// One or more certificates (PEM, DER, or a certs-only `.p7b`).
    Certificates {
        /// Each certificate.
        certificates: Vec<CertificateDetails>,
    },
    /// A SignedData with signatures.
    SignedData {
        /// Whether the content is embedded.
        attached: bool,
        /// Content length when attached.
        content_length: Option<u64>,
        /// eContentType (dotted).
        content_type: String,
        /// Each SignerInfo, in file order.
        signers: Vec<SignerDetails>,
        /// Embedded certificates.
        certificates: Vec<CertificateDetails>,
        /// Number of embedded CRLs / revocation entries.
        crls: usize,
    },
    /// A PKCS#12 file (contents need the password; only the structure is shown).
    Pkcs12 {
        /// What kyso can say without the password.
        note: String,
    },
}

/// Certificate details for inspection.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateDetails {
    /// Subject, RFC 4514.
    pub subject: String,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// Subject attributes with labels for the Vietnamese UID prefixes.
    pub subject_attributes: Vec<NameField>,
    /// Serial, hex.
    pub serial: String,
    /// notBefore.
    pub not_before: Timestamp,
    /// notAfter.
    pub not_after: Timestamp,
    /// Days from `at` to notAfter (negative when expired).
    pub days_left: i64,
    /// SHA-256 fingerprint, hex.
    pub sha256_fingerprint: String,
    /// SHA-1 fingerprint, hex (what Windows and token tools show as "thumbprint").
    pub sha1_fingerprint: String,
    /// Key type and size.
    pub key: crate::KeyInfo,
    /// keyUsage names, when present.
    pub key_usage: Option<Vec<String>>,
    /// extendedKeyUsage, named where known, when present.
    pub extended_key_usage: Option<Vec<String>>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// Self-issued (subject = issuer).
    pub self_issued: bool,
}

/// One subject attribute.
#[derive(Debug, Clone, Serialize)]
pub struct NameField {
    /// Short name (`CN`, `UID`).
    pub key: String,
    /// Value as text.
    pub value: String,
    /// For UID values with a known prefix: what it identifies (English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Same, in Vietnamese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_vi: Option<String>,
}

/// One SignerInfo, as found (not verified).
#[derive(Debug, Clone, Serialize)]
pub struct SignerDetails {
    /// Position in the file.
    pub index: usize,
    /// The signer certificate's subject when it is embedded, else the identifier.
    pub signer: String,
    /// Digest algorithm (name or OID).
    pub digest_algorithm: String,
    /// Signature algorithm (OID).
    pub signature_algorithm: String,
    /// signing-time, when present.
    pub signing_time: Option<Timestamp>,
    /// Signed attribute types (named where known).
    pub signed_attributes: Vec<String>,
    /// Unsigned attribute types.
    pub unsigned_attributes: Vec<String>,
}

fn eku_name(o: &str) -> String {
    let n = match o {
        "2.5.29.37.0" => "anyExtendedKeyUsage",
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        "1.3.6.1.5.5.7.3.36" => "documentSigning",
        "1.3.6.1.4.1.311.10.3.12" => "msDocumentSigning",
        _ => return o.to_string(),
    };
    n.to_string()
}

fn attr_name(o: &[u8]) -> String {
    let d = crate::encoding::asn1::oid_to_string(o);
    let n = match d.as_str() {
        "1.2.840.113549.1.9.3" => "content-type",
        "1.2.840.113549.1.9.4" => "message-digest",
        "1.2.840.113549.1.9.5" => "signing-time",
        "1.2.840.113549.1.9.6" => "countersignature",
        "1.2.840.113549.1.9.15" => "smime-capabilities",
        "1.2.840.113549.1.9.16.2.12" => "signing-certificate",
        "1.2.840.113549.1.9.16.2.47" => "signing-certificate-v2",
        "1.2.840.113549.1.9.16.2.14" => "signature-time-stamp",
        "1.2.840.113549.1.9.16.2.20" => "content-time-stamp",
        "1.2.840.113549.1.9.16.2.4" => "content-hints",
        "1.2.840.113549.1.9.52" => "cms-algorithm-protection",
        _ => return d,
    };
    n.to_string()
}

impl CertificateDetails {
    /// Details of `c`, with days left counted from `at`.
    pub fn of(c: &Certificate, at: Timestamp) -> Self {
        let subject_attributes = c
            .subject_attributes()
            .into_iter()
            .map(|(key, value)| {
                let label = if key == "UID" {
                    name::uid_label(&value)
                } else {
                    None
                };
                NameField {
                    label_en: label.map(|l| l.1.to_string()),
                    label_vi: label.map(|l| l.2.to_string()),
                    key,
                    value,
                }
            })
            .collect();
        CertificateDetails {
            subject: c.subject(),
            issuer: c.issuer(),
            subject_attributes,
            serial: c.serial_hex(),
            not_before: c.not_before(),
            not_after: c.not_after(),
            days_left: at.days_until(c.not_after()),
            sha256_fingerprint: c.sha256_fingerprint(),
            sha1_fingerprint: hex::encode(crate::DigestAlgorithm::Sha1.digest(c.der())),
            key: c.key_info().clone(),
            key_usage: c
                .key_usage()
                .map(|v| v.into_iter().map(str::to_string).collect()),
            extended_key_usage: c
                .extended_key_usage()
                .map(|v| v.iter().map(|o| eku_name(o)).collect()),
            is_ca: c.is_ca(),
            self_issued: c.is_self_issued(),
        }
    }
}

/// Work out what `data` is and describe it. `at` is used for "days left".
pub fn inspect(data: &[u8], at: Timestamp) -> Result<Inspection, Error> {
    // CMS first (a .p7b with signers is a signature), then certificates, then PKCS#12.
    if let Ok(n) = signed_data::skeleton_of(data) {
        if let Ok(sd) = signed_data::parse(&n.der) {
            let certs: Vec<Certificate> = sd
                .certificates
                .iter()
                .filter(|t| t.tag == crate::encoding::asn1::tag::SEQUENCE)
                .filter_map(|t| Certificate::from_der(t.raw).ok())
                .collect();
            if sd.signer_infos.is_empty() {
                return Ok(Inspection::Certificates {
                    certificates: certs
                        .iter()
                        .map(|c| CertificateDetails::of(c, at))
                        .collect(),
                });
            }
            let signers = sd
                .signer_infos
                .iter()
                .enumerate()
                .map(|(index, si)| {
                    let signer = certs
                        .iter()
                        .find(|c| si.sid.matches(c))
                        .map_or_else(|| si.sid.describe(), Certificate::subject);
                    let signing_time = si.signed_attrs.as_ref().and_then(|a| {
                        a.all(&crate::encoding::oid::SIGNING_TIME)
                            .first()
                            .and_then(|a| a.values.first())
                            .and_then(|v| Timestamp::from_asn1(v.tag, v.value))
                    });
                    SignerDetails {
                        index,
                        signer,
                        digest_algorithm: crate::DigestAlgorithm::from_oid(si.digest_algorithm.oid)
                            .map_or_else(|| si.digest_algorithm.dotted(), |d| d.name().to_string()),
                        signature_algorithm: si.signature_algorithm.dotted(),
                        signing_time,
                        signed_attributes: si
                            .signed_attrs
                            .as_ref()
                            .map(|a| a.list.iter().map(|x| attr_name(x.oid)).collect())
                            .unwrap_or_default(),
                        unsigned_attributes: si
                            .unsigned_attrs
                            .as_ref()
                            .map(|a| a.list.iter().map(|x| attr_name(x.oid)).collect())
                            .unwrap_or_default(),
                    }
                })
                .collect();
            return Ok(Inspection::SignedData {
                attached: n.content_len.is_some(),
                content_length: n.content_len,
                content_type: crate::encoding::asn1::oid_to_string(sd.econtent_type),
                signers,
                certificates: certs
                    .iter()
                    .map(|c| CertificateDetails::of(c, at))
                    .collect(),
                crls: sd.crls.len(),
            });
        }
    }
    if let Ok(certs) = Certificate::load_all(data) {
        return Ok(Inspection::Certificates {
            certificates: certs
                .iter()
                .map(|c| CertificateDetails::of(c, at))
                .collect(),
        });
    }
    if openssl::pkcs12::Pkcs12::from_der(data).is_ok() {
        return Ok(Inspection::Pkcs12 {
            note: "a PKCS#12 bundle; its key and certificates are encrypted (give its password to open it)".into(),
        });
    }
    Err(Error::Format(
        "not a certificate (PEM/DER), a PKCS#7/CMS file or a PKCS#12 bundle".into(),
    ))
}

/// Inspect a PKCS#12 bundle with its password: the certificates inside.
pub fn inspect_pkcs12(data: &[u8], password: &[u8], at: Timestamp) -> Result<Inspection, Error> {
    let key = crate::SigningKey::from_pkcs12(data, password)?;
    let certs: Vec<CertificateDetails> = std::iter::once(key.certificate())
        .chain(key.chain())
        .map(|c| CertificateDetails::of(c, at))
        .collect();
    Ok(Inspection::Certificates {
        certificates: certs,
    })
}
