//! What a file holds, as far as its first bytes tell ([`crate::sniff`]), and what a caller
//! expected it to hold: the evidence of "wrong file" errors and of junk-input reports. The
//! types live in the error layer so that [`crate::Error`] can carry them; the sniffer itself is
//! in the encoding layer.

use serde::{Deserialize, Serialize};

/// What a file looks like. Serialized as `{"kind": ...}` with the evidence as further keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileKind {
    /// Zero bytes.
    Empty,
    /// PEM text (RFC 7468); `label` is its first block's (`CERTIFICATE`, `PRIVATE KEY`, ...).
    Pem {
        /// The label of the first `-----BEGIN ...-----` line.
        label: String,
    },
    /// A DER X.509 certificate.
    Certificate,
    /// A DER X.509 CRL.
    Crl,
    /// A PKCS#12 bundle (`.p12`, `.pfx`; RFC 7292).
    Pkcs12,
    /// A CMS / PKCS#7 SignedData (a signature, or a `.p7b` certificate bundle).
    SignedData,
    /// A CMS ContentInfo of another type (enveloped, digested, ... data).
    OtherCms {
        /// The content type (dotted OID).
        content_type: String,
    },
    /// A DER private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
    PrivateKey,
    /// A DER encrypted PKCS#8 private key (EncryptedPrivateKeyInfo).
    EncryptedPrivateKey,
    /// DER whose first element claims more bytes than the file has.
    Truncated {
        /// Bytes in the file.
        length: usize,
        /// Bytes its first element claims (header included).
        declared: usize,
    },
    /// ASN.1 DER of some other structure.
    Asn1,
    /// A PDF document.
    Pdf,
    /// A ZIP archive (also .docx, .xlsx, .odt and ASiC containers).
    Zip,
    /// Plain text (UTF-8).
    Text,
    /// Nothing kyso recognises.
    Unknown,
}

impl FileKind {
    /// A stable machine-readable code (the `kind` of the JSON form).
    pub fn code(&self) -> &'static str {
        use FileKind::*;
        match self {
            Empty => "empty",
            Pem { .. } => "pem",
            Certificate => "certificate",
            Crl => "crl",
            Pkcs12 => "pkcs12",
            SignedData => "signed_data",
            OtherCms { .. } => "other_cms",
            PrivateKey => "private_key",
            EncryptedPrivateKey => "encrypted_private_key",
            Truncated { .. } => "truncated",
            Asn1 => "asn1",
            Pdf => "pdf",
            Zip => "zip",
            Text => "text",
            Unknown => "unknown",
        }
    }

    /// True when a file of this kind can hold certificates kyso loads (PEM certificates,
    /// DER certificates, `.p7b` bundles).
    pub fn may_hold_certificates(&self) -> bool {
        match self {
            FileKind::Certificate | FileKind::SignedData => true,
            FileKind::Pem { label } => matches!(
                label.as_str(),
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" | "PKCS7" | "CMS"
            ),
            _ => false,
        }
    }

    /// True when a file of this kind holds a private key (PEM or DER).
    pub fn is_private_key(&self) -> bool {
        match self {
            FileKind::PrivateKey | FileKind::EncryptedPrivateKey => true,
            FileKind::Pem { label } => label.ends_with("PRIVATE KEY"),
            _ => false,
        }
    }
}

/// What a caller expected a file to hold, for [`crate::Error::WrongFileType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Expected {
    /// One or more certificates (PEM, DER or `.p7b`).
    Certificate,
    /// A private key (PKCS#8, PKCS#1 or SEC1; PEM or DER).
    PrivateKey,
    /// A PKCS#12 bundle.
    Pkcs12,
    /// A CMS signature.
    Signature,
    /// A CRL.
    Crl,
}

/// [`FileKind`] in English words ("a PEM certificate"), for [`crate::Error`]'s `Display`; the
/// message catalogue has both languages.
pub(crate) fn describe_en(k: &FileKind) -> String {
    use FileKind::*;
    match k {
        Empty => "an empty file".into(),
        Pem { label } => match label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                "a PEM certificate".into()
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => "a PEM private key".into(),
            "ENCRYPTED PRIVATE KEY" => "an encrypted PEM private key".into(),
            "PUBLIC KEY" | "RSA PUBLIC KEY" => "a PEM public key".into(),
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                "a PEM certificate request (CSR)".into()
            }
            "X509 CRL" => "a PEM CRL".into(),
            "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA" => "a PEM CMS/PKCS#7 file".into(),
            "PKCS12" => "a PEM-wrapped PKCS#12 file".into(),
            other => format!("a PEM file ({other})"),
        },
        Certificate => "a DER certificate".into(),
        Crl => "a DER CRL".into(),
        Pkcs12 => "a PKCS#12 bundle (.p12/.pfx)".into(),
        SignedData => "a CMS/PKCS#7 SignedData (a signature or .p7b bundle)".into(),
        OtherCms { content_type } => format!("CMS data of another type ({content_type})"),
        PrivateKey => "a DER private key".into(),
        EncryptedPrivateKey => "an encrypted DER private key".into(),
        Truncated { length, declared } => {
            format!("a truncated file ({length} of the {declared} bytes its header declares)")
        }
        Asn1 => "ASN.1 data of an unknown structure".into(),
        Pdf => "a PDF document".into(),
        Zip => "a ZIP archive (or .docx/.xlsx/.odt)".into(),
        Text => "a text file".into(),
        Unknown => "a file of an unknown type".into(),
    }
}

/// [`Expected`] in English words, for [`crate::Error`]'s `Display`.
pub(crate) fn expected_en(e: Expected) -> &'static str {
    match e {
        Expected::Certificate => "a certificate file (PEM, DER or .p7b)",
        Expected::PrivateKey => "a private key file (PKCS#8, PKCS#1 or SEC1, PEM or DER)",
        Expected::Pkcs12 => "a PKCS#12 file (.p12/.pfx)",
        Expected::Signature => "a CMS/PKCS#7 signature (.p7s/.p7m)",
        Expected::Crl => "a CRL file (PEM or DER)",
    }
}
