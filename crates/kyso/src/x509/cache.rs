//! Caches shared by the documents of one verification run: a batch of thousands of files
//! usually carries the same few signer and CA certificates, and parsing a certificate with
//! OpenSSL 3 takes global locks that dominate the cost of verifying a small file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::x509::cert::Certificate;

/// Certificates kept per run. A batch rarely has more than a few hundred distinct signers;
/// past this the cache is emptied and refilled, so memory stays bounded whatever the input.
const MAX_CERTIFICATES: usize = 4096;

/// Parsed certificates by the SHA-256 of their DER. Cloning shares the cache.
#[derive(Clone, Default)]
pub(crate) struct CertificateCache {
    map: Arc<Mutex<HashMap<[u8; 32], Certificate>>>,
}

impl std::fmt::Debug for CertificateCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CertificateCache")
    }
}

impl CertificateCache {
    /// The certificate for `der`, parsed at most once per run.
    pub(crate) fn parse(&self, der: &[u8]) -> Result<Certificate, Error> {
        let key: [u8; 32] = Sha256::digest(der).into();
        if let Some(c) = self.map.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(c);
        }
        // Parse outside the lock so other threads are not held up.
        let cert = Certificate::from_der(der)?;
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= MAX_CERTIFICATES {
                m.clear();
            }
            m.insert(key, cert.clone());
        }
        Ok(cert)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_once_and_returns_the_same_certificate() {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/pki/signer-rsa.pem"
        ))
        .unwrap();
        let der = Certificate::load_all(&pem).unwrap()[0].der().to_vec();
        let cache = CertificateCache::default();
        let a = cache.parse(&der).unwrap();
        let b = cache.clone().parse(&der).unwrap();
        assert_eq!(a, b);
        assert_eq!(cache.map.lock().unwrap().len(), 1);
        assert!(
            cache.parse(b"\x30\x00").is_err(),
            "garbage is not cached as a certificate"
        );
        assert_eq!(cache.map.lock().unwrap().len(), 1);
    }
}
