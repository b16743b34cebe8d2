//! Private key sources: key files (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1; PEM or DER) with
//! a certificate, PKCS#12 bundles, and keys that stay on a PKCS#11 token.

use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};

use crate::crypto::{self, SignatureScheme};
use crate::error::TokenError;
use crate::error::{Error, Expected, FileKind, KeyFileProblem};
use crate::x509::cert::Certificate;

/// A private key kyso does not hold: a PKCS#11 token, and in time a remote signer or a
/// callback through the C ABI. Each backend is a peer of the in-memory key: [`SigningKey`]
/// asks it to sign and checks every answer against the certificate.
pub(crate) trait SignatureBackend: Send + Sync + std::fmt::Debug {
    /// The label of the device the key stays on (a token label), for messages.
    fn device_label(&self) -> &str;
    /// The key's own name on the device (label and id), for messages.
    fn key_name(&self) -> &str;
    /// False when the device's key type is not the certificate's key family (`cert_kind` as
    /// [`crate::KeyInfo::kind`] names it: `rsa`, `ec`, ...).
    fn kind_fits(&self, cert_kind: &str) -> bool;
    /// Whether the key is the certificate's.
    fn matches(&self, cert: &Certificate) -> Result<bool, Error>;
    /// Refuse early when the device cannot make `scheme` signatures.
    fn check_scheme(&self, scheme: &SignatureScheme) -> Result<(), Error>;
    /// Sign `msg` with `scheme`; the value in the form CMS carries.
    fn sign_raw(&self, scheme: &SignatureScheme, msg: &[u8]) -> Result<Vec<u8>, Error>;
}

/// The legacy password-based encryption a PKCS#12 file uses, if any: the PKCS#12 PBE ids
/// (RFC 7292 Appendix C) for RC2 and RC4 and the PKCS#5 v1.5 DES schemes (RFC 8018 §6.1), which
/// OpenSSL 3 moved to its legacy provider. Their OIDs are found in the DER (the encrypted bags'
/// AlgorithmIdentifiers are not themselves encrypted).
fn legacy_pkcs12_algorithm(der: &[u8]) -> Option<&'static str> {
    const LEGACY: [(&[u8], &str); 6] = [
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x06],
            "RC2-40-CBC",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x05],
            "RC2-128-CBC",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x02],
            "RC4-40",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x01],
            "RC4-128",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03],
            "DES-CBC (PBES1, MD5)",
        ),
        (
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0a],
            "DES-CBC (PBES1, SHA-1)",
        ),
    ];
    LEGACY.iter().find_map(|(oid, name)| {
        let mut tlv = vec![0x06, oid.len() as u8];
        tlv.extend_from_slice(oid);
        der.windows(tlv.len()).any(|w| w == tlv).then_some(*name)
    })
}

/// A private key with its certificate and the chain to send along. The key is either held in
/// memory (key file, PKCS#12) or stays on a PKCS#11 token ([`crate::Token::signing_key`]);
/// signing works the same way for both. A clone shares the key (an in-memory key's reference
/// count, a token's open session): a long-lived handle builds a [`crate::Signer`] per signing
/// time from one loaded key, with one PIN entry.
#[derive(Clone)]
pub struct SigningKey {
    backend: Backend,
    pub(crate) cert: Certificate,
    pub(crate) chain: Vec<Certificate>,
}

/// Where the private key lives.
#[derive(Clone)]
enum Backend {
    Memory(PKey<Private>),
    // Without the "pkcs11" feature no backend exists yet (the C ABI's callback will be one).
    #[cfg_attr(not(feature = "pkcs11"), allow(dead_code))]
    External(std::sync::Arc<dyn SignatureBackend>),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.backend {
            Backend::Memory(_) => write!(f, "SigningKey({})", self.cert.subject()),
            Backend::External(t) => write!(f, "SigningKey({}, {t:?})", self.cert.subject()),
        }
    }
}

impl SigningKey {
    /// True when the key file is encrypted and so needs a password.
    pub fn key_file_is_encrypted(data: &[u8]) -> bool {
        match crate::encoding::pem::blocks(data) {
            Some(Ok(blocks)) => {
                blocks.iter().any(|(l, _)| l == "ENCRYPTED PRIVATE KEY")
                    || String::from_utf8_lossy(data).contains("Proc-Type: 4,ENCRYPTED")
            }
            Some(Err(_)) => false,
            // DER: an EncryptedPrivateKeyInfo starts with an AlgorithmIdentifier SEQUENCE where
            // a PrivateKeyInfo starts with an INTEGER version.
            None => {
                let first_child = match data {
                    [0x30, l, rest @ ..] if *l < 0x80 => rest.first(),
                    [0x30, l, rest @ ..] => rest.get(usize::from(*l & 0x7f)),
                    _ => None,
                };
                first_child == Some(&0x30)
                    && PKey::private_key_from_der(data).is_err()
                    && PKey::private_key_from_pkcs8_passphrase(data, b"").is_err()
            }
        }
    }

    /// Load a private key (PEM or DER; PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) for `cert`.
    pub fn from_key_and_cert(
        key: &[u8],
        password: Option<&[u8]>,
        cert: Certificate,
    ) -> Result<Self, Error> {
        let encrypted = Self::key_file_is_encrypted(key);
        let parsed = match (crate::encoding::pem::blocks(key).is_some(), password) {
            (true, Some(p)) => PKey::private_key_from_pem_passphrase(key, p),
            (true, None) => PKey::private_key_from_pem(key),
            (false, Some(p)) if encrypted => PKey::private_key_from_pkcs8_passphrase(key, p),
            (false, _) => PKey::private_key_from_der(key),
        };
        let key = match parsed {
            Ok(k) => k,
            Err(_) if encrypted && password.is_some() => {
                return Err(Error::WrongPassword {
                    what: "the private key".into(),
                })
            }
            Err(_) if encrypted => {
                return Err(Error::PasswordRequired {
                    what: "the private key".into(),
                })
            }
            // Say what the file is rather than what OpenSSL could not parse (no library error
            // strings reach the user).
            Err(_) => {
                let found = crate::encoding::sniff::sniff(key);
                return Err(if found.is_private_key() {
                    Error::KeyFile(KeyFileProblem::KeyUnreadable)
                } else {
                    Error::WrongFileType {
                        expected: Expected::PrivateKey,
                        found,
                    }
                });
            }
        };
        Ok(SigningKey {
            backend: Backend::Memory(key),
            cert,
            chain: Vec::new(),
        })
    }

    /// [`Error::WrongFileType`] unless `data` is a PKCS#12 file: for checking before asking
    /// the user for its password.
    pub fn check_pkcs12(data: &[u8]) -> Result<(), Error> {
        let found = crate::encoding::sniff::sniff(data);
        if found == FileKind::Pkcs12 {
            Ok(())
        } else {
            Err(Error::WrongFileType {
                expected: Expected::Pkcs12,
                found,
            })
        }
    }

    /// Load a PKCS#12 (`.p12`/`.pfx`) bundle: key, certificate and the CA certificates in it.
    pub fn from_pkcs12(der: &[u8], password: &[u8]) -> Result<Self, Error> {
        Self::check_pkcs12(der)?;
        let p12 =
            Pkcs12::from_der(der).map_err(|_| Error::KeyFile(KeyFileProblem::Pkcs12Unreadable))?;
        let pass = std::str::from_utf8(password)
            .map_err(|_| Error::KeyFile(KeyFileProblem::Pkcs12PasswordNotUtf8))?;
        let parsed = match p12.parse2(pass) {
            Ok(p) => p,
            Err(e) => {
                let text = e.to_string();
                if text.contains("mac verify") || text.contains("MAC") {
                    return Err(Error::WrongPassword {
                        what: "the PKCS#12 file".into(),
                    });
                }
                // The password was right (the MAC verified): what OpenSSL 3 cannot do is
                // decrypt the bags, which old exports protect with RC2 or RC4.
                if let Some(algorithm) = legacy_pkcs12_algorithm(der) {
                    return Err(Error::LegacyPkcs12 {
                        algorithm: algorithm.into(),
                    });
                }
                return Err(Error::KeyFile(KeyFileProblem::Pkcs12Unreadable));
            }
        };
        let key = parsed
            .pkey
            .ok_or(Error::KeyFile(KeyFileProblem::Pkcs12NoKey))?;
        let x509 = parsed
            .cert
            .ok_or(Error::KeyFile(KeyFileProblem::Pkcs12NoCertificate))?;
        let cert = Certificate::from_der(&x509.to_der().map_err(crypto::openssl_error)?)?;
        let mut chain = Vec::new();
        if let Some(stack) = parsed.ca {
            for c in stack {
                let c = Certificate::from_der(&c.to_der().map_err(crypto::openssl_error)?)?;
                if c != cert {
                    chain.push(c);
                }
            }
        }
        Ok(SigningKey {
            backend: Backend::Memory(key),
            cert,
            chain,
        })
    }

    /// Add chain certificates to embed in signatures (duplicates are dropped).
    pub fn with_chain(mut self, chain: impl IntoIterator<Item = Certificate>) -> Self {
        for c in chain {
            if c != self.cert && !self.chain.contains(&c) {
                self.chain.push(c);
            }
        }
        self
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.cert
    }

    /// The chain certificates that will be embedded.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The label of the token the key stays on, or `None` for a key held in memory.
    pub fn token_label(&self) -> Option<&str> {
        match &self.backend {
            Backend::Memory(_) => None,
            Backend::External(t) => Some(t.device_label()),
        }
    }

    /// The token key's label and id, for messages.
    pub(crate) fn token_key_name(&self) -> Option<&str> {
        match &self.backend {
            Backend::Memory(_) => None,
            Backend::External(t) => Some(t.key_name()),
        }
    }

    #[cfg_attr(not(feature = "pkcs11"), allow(dead_code))]
    pub(crate) fn from_backend(
        key: Box<dyn SignatureBackend>,
        cert: Certificate,
        chain: Vec<Certificate>,
    ) -> Self {
        SigningKey {
            backend: Backend::External(std::sync::Arc::from(key)),
            cert,
            chain: Vec::new(),
        }
        .with_chain(chain)
    }

    /// False when a token key's type (CKA_KEY_TYPE) is not the certificate's key family
    /// (`cert_kind` as [`crate::KeyInfo::kind`] names it); always true for keys in memory,
    /// whose match is checked by comparing public keys.
    pub(crate) fn token_kind_fits(&self, cert_kind: &str) -> bool {
        match &self.backend {
            Backend::Memory(_) => true,
            Backend::External(t) => t.kind_fits(cert_kind),
        }
    }

    /// Whether the private key belongs to the certificate.
    pub(crate) fn matches_certificate(&self) -> Result<bool, Error> {
        match &self.backend {
            Backend::Memory(k) => Ok(k.public_eq(self.cert.public_key())),
            Backend::External(t) => t.matches(&self.cert),
        }
    }

    /// Refuse early when the key cannot make `scheme` signatures (a token without the
    /// mechanism), so a batch fails before its first file rather than on it.
    pub(crate) fn check_scheme(&self, scheme: &SignatureScheme) -> Result<(), Error> {
        match &self.backend {
            Backend::Memory(_) => Ok(()),
            Backend::External(t) => t.check_scheme(scheme),
        }
    }

    /// Sign `msg` (the DER of the signed attributes) with `scheme`.
    pub(crate) fn sign(&self, scheme: &SignatureScheme, msg: &[u8]) -> Result<Vec<u8>, Error> {
        match &self.backend {
            Backend::Memory(k) => {
                crypto::sign_message(scheme, k, msg).map_err(crypto::openssl_error)
            }
            Backend::External(t) => {
                let sig = t.sign_raw(scheme, msg)?;
                // A token signs blind: check its answer with the certificate before it goes
                // into a file, so a wrong key or a faulty token never yields a bad signature.
                let ok = crypto::verify_signature(
                    scheme,
                    self.cert.public_key(),
                    crypto::Signed::Message(msg),
                    &sig,
                )
                .map_err(Error::Crypto)?;
                if !ok {
                    return Err(TokenError::KeyCertificateMismatch {
                        token: t.device_label().into(),
                        key: t.key_name().into(),
                        subject: self.cert.subject(),
                    }
                    .into());
                }
                Ok(sig)
            }
        }
    }
}
