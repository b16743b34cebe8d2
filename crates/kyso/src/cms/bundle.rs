//! Certificate files: PEM, DER and certs-only PKCS#7 (`.p7b`). A `.p7b` is a SignedData, so
//! the loader lives in the CMS layer, above the certificate parser.

use crate::cms::signed_data::certificates_of;
use crate::error::{Error, Expected, FileKind};
use crate::x509::cert::Certificate;

impl Certificate {
    /// Parse every certificate in a file: PEM (one or many), DER, or a certs-only PKCS#7
    /// (`.p7b`, DER or PEM).
    pub fn load_all(data: &[u8]) -> Result<Vec<Self>, Error> {
        if let Some(blocks) = crate::encoding::pem::blocks(data) {
            let mut out = Vec::new();
            for (label, der) in blocks? {
                match label.as_str() {
                    "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                        out.push(Certificate::from_der(&der)?)
                    }
                    "PKCS7" | "CMS" => out.extend(certificates_of(&der)?),
                    _ => {}
                }
            }
            if out.is_empty() {
                // Say what the file is (a PEM private key, a CSR...), not what it lacks.
                return Err(Error::WrongFileType {
                    expected: Expected::Certificate,
                    found: crate::encoding::sniff::sniff(data),
                });
            }
            return Ok(out);
        }
        match Certificate::from_der(data) {
            Ok(c) => Ok(vec![c]),
            Err(first) => certificates_of(data).map_err(|_| {
                let found = crate::encoding::sniff::sniff(data);
                if found.may_hold_certificates() || found == FileKind::Asn1 {
                    first
                } else {
                    Error::WrongFileType {
                        expected: Expected::Certificate,
                        found,
                    }
                }
            }),
        }
    }
}
