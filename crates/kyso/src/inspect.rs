//! Inspection of certificates, bundles, PKCS#12 and CMS files, for people and for JSON.

use serde::Serialize;

use crate::cms::signed_data;
use crate::encoding::asn1::{self, tag, Reader, Tlv};
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::x509::cert::Certificate;
use crate::x509::general_name::GeneralName;
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
    /// The certificate's signature algorithm, named where kyso knows it
    /// (`sha256WithRSAEncryption`), else the dotted OID.
    pub signature_algorithm: String,
    /// The certificate's signature algorithm, dotted OID.
    pub signature_algorithm_oid: String,
    /// keyUsage names, when present.
    pub key_usage: Option<Vec<String>>,
    /// extendedKeyUsage, named where known (`emailProtection`, `msSmartcardLogin`), else the
    /// dotted OID, when present.
    pub extended_key_usage: Option<Vec<String>>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// Self-issued (subject = issuer).
    pub self_issued: bool,
    /// subjectAltName entries (RFC 5280 §4.2.1.6), rendered `email:...`, `DNS:...`, `URI:...`,
    /// `DirName:...`; empty when the extension is absent.
    pub subject_alt_names: Vec<String>,
    /// subjectKeyIdentifier (RFC 5280 §4.2.1.2), lowercase hex.
    pub subject_key_identifier: Option<String>,
    /// The keyIdentifier of authorityKeyIdentifier (RFC 5280 §4.2.1.1), lowercase hex: the
    /// subject key identifier of the issuer's certificate.
    pub authority_key_identifier: Option<String>,
    /// cRLDistributionPoints (RFC 5280 §4.2.1.13): where the CRLs covering this certificate
    /// are published; empty when the extension is absent.
    pub crl_distribution_points: Vec<CrlDistributionPoint>,
    /// OCSP responders from authorityInfoAccess (RFC 5280 §4.2.2.1, id-ad-ocsp); empty when
    /// there are none.
    pub ocsp_urls: Vec<String>,
    /// Where the issuer's certificate is published, from authorityInfoAccess (RFC 5280
    /// §4.2.2.1, id-ad-caIssuers); empty when there are none.
    pub ca_issuers_urls: Vec<String>,
    /// certificatePolicies (RFC 5280 §4.2.1.4), in certificate order; empty when absent.
    pub certificate_policies: Vec<CertificatePolicy>,
}

/// One cRLDistributionPoints entry (RFC 5280 §4.2.1.13).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CrlDistributionPoint {
    /// Where the CRL is: URIs as they are (`http://...`), other name forms rendered with
    /// their form (`DirName:CN=...`). A name relative to the CRL issuer is shown in full.
    pub names: Vec<String>,
    /// The revocation reasons this point covers (RFC 5280 ReasonFlags names); `None`: all.
    pub reasons: Option<Vec<String>>,
    /// The CRL issuer when it is not the certificate's issuer (an indirect CRL), rendered like
    /// `names`; empty otherwise.
    pub crl_issuer: Vec<String>,
}

/// One certificatePolicies entry (RFC 5280 §4.2.1.4).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CertificatePolicy {
    /// The policy OID, dotted.
    pub oid: String,
    /// Its name where kyso knows it (anyPolicy, ETSI EN 319 411-1/-2, CA/Browser Forum);
    /// `None` otherwise: kyso does not guess what a CA's own policy OID means.
    pub name: Option<String>,
    /// CPS pointer qualifiers (id-qt-cps): URIs of the certification practice statement.
    pub cps: Vec<String>,
    /// User notice qualifiers (id-qt-unotice): the explicit text, or the notice reference
    /// as `ORGANISATION #n`.
    pub user_notices: Vec<String>,
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
    /// Signature algorithm, named where kyso knows it (`rsaEncryption`,
    /// `ecdsa-with-SHA256`), else the dotted OID.
    pub signature_algorithm: String,
    /// Signature algorithm, dotted OID.
    pub signature_algorithm_oid: String,
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
        "1.3.6.1.5.5.7.3.5" => "ipsecEndSystem",
        "1.3.6.1.5.5.7.3.6" => "ipsecTunnel",
        "1.3.6.1.5.5.7.3.7" => "ipsecUser",
        "1.3.6.1.4.1.311.10.3.12" => "msDocumentSigning",
        "1.3.6.1.4.1.311.10.3.4" => "msEFS",
        "1.3.6.1.4.1.311.20.2.2" => "msSmartcardLogin",
        "1.2.840.113583.1.1.5" => "adobeAuthenticDocumentsTrust",
        _ => return o.to_string(),
    };
    n.to_string()
}

/// Names of signature and public-key algorithm OIDs, as their RFCs spell them (RFC 8017,
/// RFC 4055, RFC 5758, RFC 3279, RFC 8410, NIST CSOR for SHA-3).
fn algorithm_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.2.1" => "ecPublicKey",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.1" => "dsa",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-sha256",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "2.16.840.1.101.3.4.3.9" => "id-ecdsa-with-sha3-224",
        "2.16.840.1.101.3.4.3.10" => "id-ecdsa-with-sha3-256",
        "2.16.840.1.101.3.4.3.11" => "id-ecdsa-with-sha3-384",
        "2.16.840.1.101.3.4.3.12" => "id-ecdsa-with-sha3-512",
        "2.16.840.1.101.3.4.3.13" => "id-rsassa-pkcs1-v1_5-with-sha3-224",
        "2.16.840.1.101.3.4.3.14" => "id-rsassa-pkcs1-v1_5-with-sha3-256",
        "2.16.840.1.101.3.4.3.15" => "id-rsassa-pkcs1-v1_5-with-sha3-384",
        "2.16.840.1.101.3.4.3.16" => "id-rsassa-pkcs1-v1_5-with-sha3-512",
        _ => return None,
    })
}

/// Names of certificate policy OIDs that have a public, standard meaning: anyPolicy (RFC 5280
/// §4.2.1.4), ETSI EN 319 411-1 §5.3 and EN 319 411-2 §5.3, and the CA/Browser Forum
/// reserved policies. The Vietnamese CAs' own policies (under 2.16.704, the Viet Nam country
/// arc) are left unnamed: their meanings are not published in a form kyso can cite.
fn policy_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "2.5.29.32.0" => "anyPolicy",
        "0.4.0.2042.1.1" => "ETSI NCP (normalized certificate policy)",
        "0.4.0.2042.1.2" => "ETSI NCP+ (normalized, secure device)",
        "0.4.0.2042.1.3" => "ETSI LCP (lightweight certificate policy)",
        "0.4.0.2042.1.4" => "ETSI EVCP (extended validation)",
        "0.4.0.2042.1.6" => "ETSI DVCP (domain validation)",
        "0.4.0.2042.1.7" => "ETSI OVCP (organisation validation)",
        "0.4.0.2042.1.8" => "ETSI IVCP (individual validation)",
        "0.4.0.194112.1.0" => "ETSI QCP-n (EU qualified, natural person)",
        "0.4.0.194112.1.1" => "ETSI QCP-l (EU qualified, legal person)",
        "0.4.0.194112.1.2" => "ETSI QCP-n-qscd (EU qualified, natural person, QSCD)",
        "0.4.0.194112.1.3" => "ETSI QCP-l-qscd (EU qualified, legal person, QSCD)",
        "0.4.0.194112.1.4" => "ETSI QCP-w (EU qualified website)",
        "2.23.140.1.1" => "CA/B Forum extended validation",
        "2.23.140.1.2.1" => "CA/B Forum domain validated",
        "2.23.140.1.2.2" => "CA/B Forum organization validated",
        "2.23.140.1.2.3" => "CA/B Forum individual validated",
        _ => return None,
    })
}

/// ReasonFlags named bits 1..8 (RFC 5280 §4.2.1.13; bit 0 is "unused").
const REASONS: [&str; 8] = [
    "keyCompromise",
    "cACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "privilegeWithdrawn",
    "aACompromise",
];

/// A GeneralName for people: a URI as it is, other forms with their form prefix.
fn show_name(n: &GeneralName) -> String {
    match n {
        GeneralName::Uri(u) => u.clone(),
        other => other.render(),
    }
}

/// The extnValue of the certificate extension `oid` (RFC 5280 §4.1: tbsCertificate
/// `[3] EXPLICIT Extensions`). The certificate parsed already, so a structure that does not
/// read here is simply absent.
fn extension<'a>(der: &'a [u8], oid: &str) -> Option<&'a [u8]> {
    let cert = Tlv::parse_exact(der, "Certificate").ok()?;
    let tbs = cert.reader().read().ok()?;
    let mut fields = tbs.reader();
    while let Ok(field) = fields.read() {
        if field.tag != tag::ctx_cons(3) {
            continue;
        }
        let exts = Tlv::parse_exact(field.value, "Extensions").ok()?;
        let mut r = exts.reader();
        while let Ok(ext) = r.read() {
            let mut e = ext.reader();
            let id = e.expect(tag::OID, "extnID").ok()?;
            if asn1::oid_to_string(id.value) != oid {
                continue;
            }
            e.optional(0x01).ok()?; // critical BOOLEAN DEFAULT FALSE
            return Some(e.expect(tag::OCTET_STRING, "extnValue").ok()?.value);
        }
    }
    None
}

/// authorityInfoAccess (RFC 5280 §4.2.2.1, decoded with the certificate) as (OCSP,
/// caIssuers) locations, every kind of name shown.
fn authority_info_access(c: &Certificate) -> (Vec<String>, Vec<String>) {
    let of = |method: &str| {
        c.authority_info_access()
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, location)| show_name(location))
            .collect()
    };
    (of(crate::x509::aia::OCSP), of(crate::x509::aia::CA_ISSUERS))
}

/// certificatePolicies (RFC 5280 §4.2.1.4) with their CPS and user notice qualifiers.
///
/// ```text
/// PolicyInformation ::= SEQUENCE { policyIdentifier CertPolicyId,
///      policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
/// PolicyQualifierInfo ::= SEQUENCE { policyQualifierId PolicyQualifierId,
///      qualifier ANY DEFINED BY policyQualifierId }
/// CPSuri ::= IA5String
/// UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
/// NoticeReference ::= SEQUENCE { organization DisplayText, noticeNumbers SEQUENCE OF INTEGER }
/// ```
fn certificate_policies(der: &[u8]) -> Vec<CertificatePolicy> {
    let mut out = Vec::new();
    let Some(seq) =
        extension(der, "2.5.29.32").and_then(|v| Tlv::parse_exact(v, "certificatePolicies").ok())
    else {
        return out;
    };
    let mut r = seq.reader();
    while let Ok(info) = r.expect(tag::SEQUENCE, "PolicyInformation") {
        let mut i = info.reader();
        let Ok(id) = i.expect(tag::OID, "policyIdentifier") else {
            break;
        };
        let oid = asn1::oid_to_string(id.value);
        let mut policy = CertificatePolicy {
            name: policy_name(&oid).map(str::to_string),
            oid,
            cps: Vec::new(),
            user_notices: Vec::new(),
        };
        if let Ok(Some(quals)) = i.optional(tag::SEQUENCE) {
            let mut q = quals.reader();
            while let Ok(qual) = q.expect(tag::SEQUENCE, "PolicyQualifierInfo") {
                let mut qr = qual.reader();
                let Ok(qid) = qr.expect(tag::OID, "policyQualifierId") else {
                    break;
                };
                let Ok(value) = qr.read() else { break };
                match asn1::oid_to_string(qid.value).as_str() {
                    "1.3.6.1.5.5.7.2.1" => policy.cps.extend(name::decode_string(&value)),
                    "1.3.6.1.5.5.7.2.2" => policy.user_notices.extend(user_notice(value)),
                    _ => {}
                }
            }
        }
        out.push(policy);
    }
    out
}

/// A UserNotice as text: the explicit text, else the notice reference.
fn user_notice(t: Tlv<'_>) -> Option<String> {
    let mut r = Reader::new(t.value);
    let mut reference = None;
    if let Ok(Some(nr)) = r.optional(tag::SEQUENCE) {
        let mut n = nr.reader();
        let org = n.read().ok().and_then(|o| name::decode_string(&o));
        let numbers: Vec<String> = n
            .expect(tag::SEQUENCE, "noticeNumbers")
            .map(|s| {
                let mut nums = s.reader();
                std::iter::from_fn(|| nums.read().ok())
                    .filter_map(|i| i.small_uint("noticeNumber").ok())
                    .map(|i| format!("#{i}"))
                    .collect()
            })
            .unwrap_or_default();
        reference = org.map(|o| format!("{o} {}", numbers.join(" ")).trim_end().to_string());
    }
    let text = r.read().ok().and_then(|t| name::decode_string(&t));
    text.or(reference)
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
        let (ocsp_urls, ca_issuers_urls) = authority_info_access(c);
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
            signature_algorithm: algorithm_name(c.signature_algorithm())
                .map_or_else(|| c.signature_algorithm().to_string(), str::to_string),
            signature_algorithm_oid: c.signature_algorithm().to_string(),
            key_usage: c
                .key_usage()
                .map(|v| v.into_iter().map(str::to_string).collect()),
            extended_key_usage: c
                .extended_key_usage()
                .map(|v| v.iter().map(|o| eku_name(o)).collect()),
            is_ca: c.is_ca(),
            self_issued: c.is_self_issued(),
            subject_alt_names: c.subject_alt_names().iter().map(show_name).collect(),
            subject_key_identifier: c.ski().map(hex::encode),
            authority_key_identifier: c.aki().map(hex::encode),
            crl_distribution_points: c
                .crl_distribution_points()
                .unwrap_or_default()
                .iter()
                .map(|dp| {
                    let crl_issuer = dp.crl_issuer.clone().unwrap_or_default();
                    // A relative name extends the CRL issuer's name: the cRLIssuer directory
                    // name when there is one, else the certificate's issuer (§4.2.1.13).
                    let issuer_der = crl_issuer
                        .iter()
                        .find_map(|n| match n {
                            GeneralName::Directory(d) => Some(d.as_slice()),
                            _ => None,
                        })
                        .unwrap_or(c.issuer_der());
                    CrlDistributionPoint {
                        names: dp
                            .name
                            .as_ref()
                            .map(|n| n.names(issuer_der).iter().map(show_name).collect())
                            .unwrap_or_default(),
                        reasons: dp.reasons.map(|mask| {
                            (0..REASONS.len())
                                .filter(|i| mask & (1 << (i + 1)) != 0)
                                .map(|i| REASONS[i].to_string())
                                .collect()
                        }),
                        crl_issuer: crl_issuer.iter().map(show_name).collect(),
                    }
                })
                .collect(),
            ocsp_urls,
            ca_issuers_urls,
            certificate_policies: certificate_policies(c.der()),
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
                            .and_then(|v| Timestamp::from_asn1_profile(v.tag, v.value))
                    });
                    SignerDetails {
                        index,
                        signer,
                        digest_algorithm: crate::DigestAlgorithm::from_oid(si.digest_algorithm.oid)
                            .map_or_else(|| si.digest_algorithm.dotted(), |d| d.name().to_string()),
                        signature_algorithm: algorithm_name(&si.signature_algorithm.dotted())
                            .map_or_else(|| si.signature_algorithm.dotted(), str::to_string),
                        signature_algorithm_oid: si.signature_algorithm.dotted(),
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
    Err(Error::WrongFileType {
        expected: crate::error::file_kind::Expected::Inspectable,
        found: crate::encoding::sniff::sniff(data),
    })
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
