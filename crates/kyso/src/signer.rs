//! Building CAdES baseline B-B SignedData (RFC 5652 §5, ETSI EN 319 122-1 §6) by streaming the
//! content, and adding a parallel signature to an existing envelope without touching the bytes
//! of the signatures already there.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use crate::cms::builder::SignedDataParts;
use crate::cms::envelope::SigSource;
use crate::crypto::{self, DigestAlgorithm, SignatureScheme};
use crate::encoding::asn1::{self, tag};
use crate::encoding::oid;
use crate::encoding::time::Timestamp;
use crate::error::{Error, SigningRefusal};
use crate::keys::SigningKey;
use crate::report::Reason;

#[cfg(feature = "asic")]
mod asic;
pub(crate) mod pdf;
mod timestamping;
pub use pdf::{Certification, PdfSignOptions, PdfSigned, VisibleSignature};
pub use timestamping::Timestamper;

/// Configures a [`Signer`]; checks everything in [`SignerBuilder::build`]. Cheap to clone
/// (a token key shares its logged-in session): a long-running service keeps one configured
/// builder and builds a signer per request at that request's time (`kyso serve`, the C ABI),
/// so the certificate is judged at each signing time and no signer is shared mutably.
#[derive(Clone)]
pub struct SignerBuilder {
    key: SigningKey,
    digest: Option<DigestAlgorithm>,
    pss: bool,
    attached: bool,
    signing_time: Option<Timestamp>,
    now: Option<Timestamp>,
    timestamper: Option<Timestamper>,
}

/// Something worth telling the user about a signature that was made anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningWarning {
    /// The signed document is empty (zero bytes): almost always a wrong path or a file that
    /// was not written yet. The signature is valid, over no content.
    EmptyContent {
        /// The document.
        path: String,
    },
    /// No certificate that issued the signer's certificate is embedded (no `--chain`, or a
    /// chain of other CAs): a receiver who does not already hold that CA certificate cannot
    /// build the path and gets INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND. Reported once per
    /// signer by [`Signer::warnings`], not per file.
    ChainMissing {
        /// The signer's certificate subject.
        subject: String,
        /// Its issuer: the CA certificate that should be embedded.
        issuer: String,
    },
}

impl std::fmt::Display for SigningWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigningWarning::EmptyContent { path } => {
                write!(
                    f,
                    "{path} is empty (0 bytes); the signature covers no content"
                )
            }
            SigningWarning::ChainMissing { issuer, .. } => write!(
                f,
                "the signatures carry only the signer's certificate, not the CA certificate that \
                 issued it ('{issuer}'); a receiver who does not already have it will get \
                 INDETERMINATE (NO_CERTIFICATE_CHAIN_FOUND)"
            ),
        }
    }
}

impl SigningWarning {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SigningWarning::EmptyContent { .. } => "empty_content",
            SigningWarning::ChainMissing { .. } => "chain_missing",
        }
    }

    /// The warning in the given language (English is the `Display` text).
    pub fn message(&self, lang: crate::Lang) -> String {
        match (lang, self) {
            (crate::Lang::En, _) => self.to_string(),
            (crate::Lang::Vi, SigningWarning::EmptyContent { path }) => {
                format!("{path} là tệp rỗng (0 byte); chữ ký được tạo trên một nội dung rỗng")
            }
            (crate::Lang::Vi, SigningWarning::ChainMissing { issuer, .. }) => format!(
                "chữ ký số chỉ kèm chứng thư số của người ký, không kèm chứng thư số của tổ chức cấp ('{issuer}'); người nhận chưa có chứng thư số đó sẽ nhận kết quả INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND (chưa xác định được)"
            ),
        }
    }
}

/// Makes signatures with one key; reuse it for many files.
pub struct Signer {
    key: SigningKey,
    digest: DigestAlgorithm,
    scheme: SignatureScheme,
    attached: bool,
    signing_time: Timestamp,
    /// The caller's current time (for checking time-stamps).
    now: Timestamp,
    /// CAdES B-T: a signature-time-stamp from this TSA over each new signature value.
    timestamper: Option<Timestamper>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Signer({}, {})",
            self.key.cert.subject(),
            self.scheme.name()
        )
    }
}

impl SignerBuilder {
    /// Digest algorithm: SHA-256 by default (SHA-512 for Ed25519, RFC 8419 §3).
    pub fn digest(mut self, d: DigestAlgorithm) -> Self {
        self.digest = Some(d);
        self
    }
    /// Use RSASSA-PSS (RFC 4056) instead of PKCS#1 v1.5 for RSA keys.
    pub fn pss(mut self, yes: bool) -> Self {
        self.pss = yes;
        self
    }
    /// Embed the content (`.p7m`) instead of a detached signature (`.p7s`).
    pub fn attached(mut self, yes: bool) -> Self {
        self.attached = yes;
        self
    }
    /// The signing time written in the signing-time attribute and checked against the
    /// certificate's validity. Required: kyso never reads the clock itself.
    pub fn signing_time(mut self, t: Timestamp) -> Self {
        self.signing_time = Some(t);
        self
    }
    /// The real current time, at which the certificate must be valid too: a signing time in
    /// the past (or future) does not make an expired (or not yet valid) certificate usable.
    /// Defaults to the signing time, which is right when the signing time *is* now; pass it
    /// whenever the signing time comes from elsewhere. (kyso has no hidden clock: the caller
    /// reads it, e.g. with [`Timestamp::now`].)
    pub fn now(mut self, t: Timestamp) -> Self {
        self.now = Some(t);
        self
    }

    /// CAdES B-T (ETSI EN 319 122-1 §5.3): add a signature-time-stamp from this TSA to each
    /// new SignerInfo. A time-stamp that cannot be had or checked fails the signing; nothing
    /// is written.
    pub fn timestamper(mut self, t: Timestamper) -> Self {
        self.timestamper = Some(t);
        self
    }

    /// Check the key, certificate and options; refuse with a reason when they are not fit.
    pub fn build(self) -> Result<Signer, Error> {
        let refuse = |r: SigningRefusal| Err(Error::SigningRefused(r));
        let Some(at) = self.signing_time else {
            return refuse(SigningRefusal::NoSigningTime);
        };
        let cert = &self.key.cert;
        let subject = cert.subject();
        check_validity_at(cert, at, self.now.unwrap_or(at))?;
        if !self.key.token_kind_fits(&cert.key_info().kind) || !self.key.matches_certificate()? {
            return match self.key.token_label() {
                Some(token) => Err(crate::TokenError::KeyCertificateMismatch {
                    token: token.into(),
                    key: self.key.token_key_name().unwrap_or_default().into(),
                    subject,
                }
                .into()),
                None => refuse(SigningRefusal::KeyMismatch { subject }),
            };
        }
        if let Some(w) = cert.key_info().weakness() {
            return refuse(SigningRefusal::WeakKey {
                detail: w.to_string(),
                key: cert.key_info().to_string(),
            });
        }
        match crate::validation::signing_usage_problem(cert) {
            Some(Reason::KeyUsageNotAllowed { key_usage }) => {
                return refuse(SigningRefusal::KeyUsageNotAllowed { key_usage })
            }
            Some(Reason::ExtendedKeyUsageNotAllowed { ext_key_usage }) => {
                return refuse(SigningRefusal::ExtendedKeyUsageNotAllowed { ext_key_usage })
            }
            Some(other) => {
                return refuse(SigningRefusal::WeakKey {
                    detail: other.message(crate::Lang::En),
                    key: cert.key_info().to_string(),
                })
            }
            None => {}
        }
        let kind = cert.key_info().kind.as_str();
        if self.pss && kind != "rsa" {
            return refuse(SigningRefusal::PssNeedsRsa {
                key: cert.key_info().to_string(),
            });
        }
        let digest = match (kind, self.digest) {
            ("ed25519", None | Some(DigestAlgorithm::Sha512)) => DigestAlgorithm::Sha512,
            ("ed25519", Some(d)) => {
                return refuse(SigningRefusal::DigestNotAllowed {
                    digest: d.to_string(),
                    why: "Ed25519 signatures use SHA-512 in CMS (RFC 8419 §3)".into(),
                })
            }
            (_, None) => DigestAlgorithm::Sha256,
            (_, Some(d))
                if matches!(
                    d,
                    DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384 | DigestAlgorithm::Sha512
                ) =>
            {
                d
            }
            (_, Some(d)) => {
                return refuse(SigningRefusal::DigestNotAllowed {
                    digest: d.to_string(),
                    why: "only sha256, sha384 and sha512 are offered for signing".into(),
                })
            }
        };
        let scheme = match kind {
            "rsa" if self.pss => SignatureScheme::RsaPss {
                hash: digest,
                mgf1: digest,
                salt_len: digest.md().size() as u32,
            },
            "rsa" => SignatureScheme::RsaPkcs1(digest),
            "ec" => SignatureScheme::Ecdsa(digest),
            "ed25519" => SignatureScheme::Ed25519,
            other => {
                return refuse(SigningRefusal::UnsupportedKey {
                    kind: other.to_string(),
                })
            }
        };
        // A token key: the token must offer a mechanism for this scheme (checked once here,
        // not on the first file of a batch).
        self.key.check_scheme(&scheme)?;
        Ok(Signer {
            key: self.key,
            digest,
            scheme,
            attached: self.attached,
            signing_time: at,
            now: self.now.unwrap_or(at),
            timestamper: self.timestamper,
        })
    }
}

/// The certificate must be valid at the signing time and at the real current time: a
/// backdated signing time must not revive an expired certificate (issue 9).
fn check_validity_at(
    cert: &crate::Certificate,
    at: Timestamp,
    now: Timestamp,
) -> Result<(), Error> {
    let subject = || cert.subject();
    for t in [at, now] {
        if t > cert.not_after() {
            return Err(Error::SigningRefused(SigningRefusal::CertificateExpired {
                subject: subject(),
                not_after: cert.not_after().to_string(),
                at: t.to_string(),
            }));
        }
        if t < cert.not_before() {
            return Err(Error::SigningRefused(
                SigningRefusal::CertificateNotYetValid {
                    subject: subject(),
                    not_before: cert.not_before().to_string(),
                    at: t.to_string(),
                },
            ));
        }
    }
    Ok(())
}

impl Signer {
    /// Never a second SignerInfo by this signer's certificate (issue 9): refused, so that a
    /// repeated run cannot duplicate a signature; the caller may treat it as done. One rule
    /// for envelopes, PDFs and containers.
    pub(crate) fn refuse_if_signed_by_me(
        &self,
        sd: &crate::cms::signed_data::SignedData<'_>,
    ) -> Result<(), Error> {
        if sd
            .signer_infos
            .iter()
            .any(|s| s.sid.matches(&self.key.cert))
        {
            return Err(Error::SigningRefused(SigningRefusal::AlreadySigned {
                subject: self.key.cert.subject(),
            }));
        }
        Ok(())
    }

    /// Start configuring a signer for `key`.
    #[allow(clippy::new_ret_no_self)]
    pub fn new(key: SigningKey) -> SignerBuilder {
        SignerBuilder {
            key,
            digest: None,
            pss: false,
            attached: false,
            signing_time: None,
            now: None,
            timestamper: None,
        }
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &crate::Certificate {
        &self.key.cert
    }

    /// Warnings about every signature this signer makes, whatever the file: the CA
    /// certificate that issued the signer's certificate is not among the certificates to embed
    /// ([`SigningWarning::ChainMissing`]; add it with
    /// [`SigningKey::with_chain`](crate::SigningKey::with_chain)). A self-issued certificate
    /// needs no chain. Only the direct issuer is looked for: the root above an intermediate is
    /// the receiver's trust anchor and need not travel with the signature.
    pub fn warnings(&self) -> Vec<SigningWarning> {
        let cert = &self.key.cert;
        let issuer_embedded = self
            .key
            .chain
            .iter()
            .any(|c| c.subject_matches_issuer_of(cert));
        if cert.is_self_issued() || issuer_embedded {
            return Vec::new();
        }
        vec![SigningWarning::ChainMissing {
            subject: cert.subject(),
            issuer: cert.issuer(),
        }]
    }

    /// True when this signer embeds the content.
    pub fn is_attached(&self) -> bool {
        self.attached
    }

    /// True when `signature` already holds a signature by this signer's certificate over
    /// `content` whose digest and signature value verify (trust is not evaluated). Used to
    /// resume an interrupted batch without signing a file twice; any doubt answers `false`.
    pub fn has_signed(&self, content: &Path, signature: &Path) -> bool {
        use crate::report::{CheckName, CheckResult};
        let detached = (!self.attached).then_some(content);
        let Ok(report) = crate::Verifier::new().verify_file(signature, detached, self.signing_time)
        else {
            return false;
        };
        let mine = self.key.cert.sha256_fingerprint();
        let passed = |s: &crate::SignatureReport, c: CheckName| {
            s.checks
                .iter()
                .any(|k| k.check == c && k.result == CheckResult::Passed)
        };
        let signed = report.signatures.iter().any(|s| {
            s.signer
                .as_ref()
                .is_some_and(|c| c.sha256_fingerprint == mine)
                && passed(s, CheckName::MessageDigest)
                && passed(s, CheckName::Signature)
        });
        if !signed || !self.attached {
            return signed;
        }
        // Attached: the embedded content must also be this file's.
        let embedded = crate::cms::envelope::open_envelope(
            &SigSource::File(signature.to_path_buf()),
            &signature.display().to_string(),
            &[self.digest],
        )
        .ok();
        let own = hash_file(content, self.digest).ok();
        match (embedded, own) {
            (Some(e), Some(d)) => e.digests.get(&self.digest) == Some(&d),
            _ => false,
        }
    }

    /// Sign a file, streaming it (twice when attached: once to hash, once to embed; a file that
    /// changes in between is detected and refused). Writes DER to `out`. Returns the warnings
    /// about a signature that was made anyway (an empty document: [`SigningWarning`]).
    pub fn sign_file(
        &self,
        content: &Path,
        out: &mut dyn Write,
    ) -> Result<Vec<SigningWarning>, Error> {
        let len = std::fs::metadata(content)
            .map_err(|e| Error::io(content, e))?
            .len();
        let warnings = content_warnings(content, len);
        let digest = hash_file(content, self.digest)?;
        let parts = self.new_envelope(&digest, true)?;
        if !self.attached {
            parts
                .write(out, None)
                .map_err(|e| Error::io(Path::new("<output>"), e))?;
            return Ok(warnings);
        }
        let mut rehash = self.digest.hasher().map_err(crypto::openssl_error)?;
        let mut stream = |w: &mut dyn Write| -> std::io::Result<()> {
            let f = File::open(content)?;
            let mut r = BufReader::with_capacity(256 * 1024, f);
            let mut written = 0u64;
            loop {
                let buf = r.fill_buf()?;
                if buf.is_empty() {
                    break;
                }
                let n = buf.len().min((len - written) as usize);
                if n == 0 {
                    return Err(std::io::Error::other(
                        "the file grew while it was being signed",
                    ));
                }
                rehash.update(&buf[..n]).map_err(std::io::Error::other)?;
                w.write_all(&buf[..n])?;
                written += n as u64;
                r.consume(n);
            }
            if written != len {
                return Err(std::io::Error::other(
                    "the file shrank while it was being signed",
                ));
            }
            Ok(())
        };
        parts
            .write(out, Some((len, &mut stream)))
            .map_err(|e| Error::io(content, e))?;
        if rehash.finish().map_err(crypto::openssl_error)? != digest {
            return Err(Error::SigningRefused(SigningRefusal::ContentChanged {
                path: content.display().to_string(),
            }));
        }
        Ok(warnings)
    }

    /// Sign bytes in memory; returns the DER SignedData. An empty `content` is signed as it
    /// is: the caller holds the bytes and can warn (as [`SigningWarning::EmptyContent`]).
    pub fn sign_bytes(&self, content: &[u8]) -> Result<Vec<u8>, Error> {
        let digest = self.digest.digest(content);
        let parts = self.new_envelope(&digest, true)?;
        let mut out = Vec::new();
        let mut emit = |w: &mut dyn Write| w.write_all(content);
        let content_part = if self.attached {
            Some((
                content.len() as u64,
                &mut emit as &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
            ))
        } else {
            None
        };
        parts
            .write(&mut out, content_part)
            .map_err(|e| Error::io(Path::new("<memory>"), e))?;
        Ok(out)
    }

    /// Add this signer's SignerInfo to an existing envelope (co-signing, RFC 5652 §5.1: signers
    /// in parallel). The existing SignerInfos are copied byte for byte; the new signer's
    /// certificates join the set. For a detached envelope, `content` is the signed file; it must
    /// be the same document the existing signatures cover; an attached envelope (`.p7m`)
    /// carries its content, so `content` may be `None`. Refused with
    /// [`SigningRefusal::AlreadySigned`] when this signer's certificate already signed it.
    pub fn add_to_file(
        &self,
        existing: &Path,
        content: Option<&Path>,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        self.add_to(
            &SigSource::File(existing.to_path_buf()),
            &existing.display().to_string(),
            content.map(Given::File),
            out,
        )
    }

    /// [`Signer::add_to_file`] in memory: the existing envelope (DER, BER or PEM) and, for a
    /// detached one, the signed document as bytes; returns the new envelope (DER).
    pub fn add_to_bytes(&self, existing: &[u8], content: Option<&[u8]>) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.add_to(
            &SigSource::Bytes(existing),
            "<memory>",
            content.map(Given::Bytes),
            &mut out,
        )?;
        Ok(out)
    }

    fn add_to(
        &self,
        existing: &SigSource<'_>,
        name: &str,
        content: Option<Given<'_>>,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        let source = crate::cms::envelope::open_envelope(existing, name, &[self.digest])?;
        let sd = crate::cms::signed_data::parse(&source.der)
            .map_err(|m| Error::Format(format!("{name}: {m}")))?;
        if sd.signer_infos.is_empty() {
            return Err(Error::Format(format!(
                "{name} holds no signature to add to"
            )));
        }
        self.refuse_if_signed_by_me(&sd)?;
        let attached = source.content_len.is_some();
        let digests = if attached {
            source.digests.clone()
        } else {
            let c = content.ok_or_else(|| {
                Error::Format(format!(
                    "{name} is a detached signature: give the signed document too"
                ))
            })?;
            let mut algs: Vec<DigestAlgorithm> = sd
                .signer_infos
                .iter()
                .filter_map(|s| DigestAlgorithm::from_oid(s.digest_algorithm.oid))
                .collect();
            algs.push(self.digest);
            algs.dedup();
            match c {
                Given::File(p) => crate::cms::envelope::hash_file_all(p, &algs)?,
                Given::Bytes(b) => algs.iter().map(|a| (*a, a.digest(b))).collect(),
            }
        };
        // Refuse to co-sign a different document than the one already signed.
        for s in &sd.signer_infos {
            let (Some(attrs), Some(d)) = (
                &s.signed_attrs,
                DigestAlgorithm::from_oid(s.digest_algorithm.oid),
            ) else {
                continue;
            };
            let md = attrs.all(&oid::MESSAGE_DIGEST);
            if let (Some(a), Some(computed)) = (md.first(), digests.get(&d)) {
                if a.values.first().map(|v| v.value) != Some(computed.as_slice()) {
                    return Err(Error::SigningRefused(SigningRefusal::DifferentDocument));
                }
            }
        }
        let own = digests.get(&self.digest).ok_or_else(|| {
            Error::Crypto(format!("could not compute the {} digest", self.digest))
        })?;
        let si = self.signer_info(own, sd.econtent_type, true)?;

        let mut digest_algorithms: Vec<Vec<u8>> = sd
            .digest_algorithms
            .iter()
            .map(|t| t.raw.to_vec())
            .collect();
        let ours = self.digest.oid().as_bytes();
        let listed = sd
            .digest_algorithms
            .iter()
            .any(|t| crypto::AlgorithmIdentifier::parse(*t, "digest").is_ok_and(|a| a.oid == ours));
        if !listed {
            digest_algorithms.push(self.digest.algorithm_identifier());
        }
        let mut certificates: Vec<Vec<u8>> =
            sd.certificates.iter().map(|t| t.raw.to_vec()).collect();
        for c in self.certificates() {
            if !certificates.contains(&c) {
                certificates.push(c);
            }
        }
        let mut signer_infos: Vec<Vec<u8>> =
            sd.signer_infos.iter().map(|s| s.raw.to_vec()).collect();
        signer_infos.push(si);
        let parts = SignedDataParts {
            version: sd.version.max(1),
            digest_algorithms,
            econtent_type: sd.econtent_type.to_vec(),
            certificates,
            crls: sd.crls.iter().map(|t| t.raw.to_vec()).collect(),
            signer_infos,
        };
        let io = |e| Error::io(Path::new("<output>"), e);
        match source.content_len {
            None => parts.write(out, None).map_err(io),
            Some(len) => {
                let mut stream =
                    |w: &mut dyn Write| crate::cms::envelope::copy_embedded_content(existing, w);
                parts.write(out, Some((len, &mut stream))).map_err(io)
            }
        }
    }

    /// A fresh envelope (RFC 5652 §5.1 version 1: id-data content, v1 SignerInfo) holding
    /// this signer's SignerInfo over `digest`; `signing_time` as in `signer_info`.
    fn new_envelope(&self, digest: &[u8], signing_time: bool) -> Result<SignedDataParts, Error> {
        Ok(SignedDataParts {
            version: 1,
            digest_algorithms: vec![self.digest.algorithm_identifier()],
            econtent_type: oid::DATA.as_bytes().to_vec(),
            certificates: self.certificates(),
            crls: Vec::new(),
            signer_infos: vec![self.signer_info(digest, oid::DATA.as_bytes(), signing_time)?],
        })
    }

    fn certificates(&self) -> Vec<Vec<u8>> {
        std::iter::once(&self.key.cert)
            .chain(&self.key.chain)
            .map(|c| c.der().to_vec())
            .collect()
    }

    /// A SignerInfo with the CAdES B-B signed attributes (ETSI EN 319 122-1 §5.2):
    /// content-type, signing-time, message-digest and ESS signing-certificate-v2. PAdES leaves
    /// signing-time out (`signing_time` false; EN 319 142-1 §6.3: the time is the PDF's /M).
    fn signer_info(
        &self,
        content_digest: &[u8],
        econtent_type: &[u8],
        signing_time: bool,
    ) -> Result<Vec<u8>, Error> {
        use crate::cms::builder::attribute as attr;
        let cert = &self.key.cert;
        let ct = attr(&oid::CONTENT_TYPE, &asn1::tlv(tag::OID, &[econtent_type]));
        let st = attr(&oid::SIGNING_TIME, &self.signing_time.to_asn1());
        let md = attr(
            &oid::MESSAGE_DIGEST,
            &asn1::tlv(tag::OCTET_STRING, &[content_digest]),
        );
        // SigningCertificateV2 (RFC 5035 §3): ESSCertIDv2 with SHA-256 (the DEFAULT, so the
        // hashAlgorithm is omitted) and IssuerSerial { GeneralNames { directoryName }, serial }.
        let cert_hash = asn1::tlv(tag::OCTET_STRING, &[cert.sha256()]);
        let general_names = asn1::tlv(
            tag::SEQUENCE,
            &[&asn1::tlv(tag::ctx_cons(4), &[cert.issuer_der()])],
        );
        let issuer_serial = asn1::tlv(
            tag::SEQUENCE,
            &[&general_names, &asn1::tlv(tag::INTEGER, &[cert.serial()])],
        );
        let ess_cert_id = asn1::tlv(tag::SEQUENCE, &[&cert_hash, &issuer_serial]);
        let signing_cert = asn1::tlv(tag::SEQUENCE, &[&asn1::tlv(tag::SEQUENCE, &[&ess_cert_id])]);
        let sc = attr(&oid::SIGNING_CERTIFICATE_V2, &signing_cert);
        // RFC 5652 §5.4: the signature covers the DER of the attributes with the SET OF tag.
        let attrs: Vec<&[u8]> = if signing_time {
            vec![&ct, &st, &md, &sc]
        } else {
            vec![&ct, &md, &sc]
        };
        let signed_set = asn1::set_of(attrs);
        let signature = self.key.sign(&self.scheme, &signed_set)?;
        let mut signed_attrs = signed_set.clone();
        signed_attrs[0] = tag::ctx_cons(0); // [0] IMPLICIT SignedAttributes
                                            // EN 319 122-1 §5.3: the signature-time-stamp's imprint is the hash of the signature
                                            // value (the OCTET STRING's contents, RFC 3161 Appendix A).
        let unsigned_attrs = match &self.timestamper {
            Some(t) => {
                let token = t.stamp(&signature, self.now)?;
                let mut set = asn1::set_of(vec![&attr(&oid::SIGNATURE_TIME_STAMP, &token)]);
                set[0] = tag::ctx_cons(1); // [1] IMPLICIT UnsignedAttributes
                set
            }
            None => Vec::new(),
        };
        Ok(asn1::tlv(
            tag::SEQUENCE,
            &[
                &[tag::INTEGER, 1, 1], // version 1: sid is issuerAndSerialNumber (RFC 5652 §5.3)
                &cert.issuer_and_serial(),
                &self.digest.algorithm_identifier(),
                &signed_attrs,
                &self.scheme.algorithm_identifier(),
                &asn1::tlv(tag::OCTET_STRING, &[&signature]),
                &unsigned_attrs,
            ],
        ))
    }
}

/// One-shot: a detached CAdES B-B signature of `content` (DER), SHA-256.
pub fn sign_detached(
    key: SigningKey,
    content: &[u8],
    signing_time: Timestamp,
) -> Result<Vec<u8>, Error> {
    Signer::new(key)
        .signing_time(signing_time)
        .build()?
        .sign_bytes(content)
}

fn content_warnings(content: &Path, len: u64) -> Vec<SigningWarning> {
    if len == 0 {
        vec![SigningWarning::EmptyContent {
            path: content.display().to_string(),
        }]
    } else {
        Vec::new()
    }
}

fn hash_file(path: &Path, d: DigestAlgorithm) -> Result<Vec<u8>, Error> {
    let all = crate::cms::envelope::hash_file_all(path, &[d])?;
    all.get(&d)
        .cloned()
        .ok_or_else(|| Error::Crypto(format!("could not compute the {d} digest")))
}

/// The signed document given to [`Signer::add_to_file`] / [`Signer::add_to_bytes`].
enum Given<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

#[cfg(test)]
mod tests {
    use super::*;
    use cms::content_info::ContentInfo;
    use cms::signed_data::{SignedData, SignerIdentifier};
    use der::{Decode, Encode};

    fn key(name: &str) -> SigningKey {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pki");
        let cert =
            crate::Certificate::load_all(&std::fs::read(dir.join(format!("{name}.pem"))).unwrap())
                .unwrap();
        let k = std::fs::read(dir.join(format!("{name}.key"))).unwrap();
        SigningKey::from_key_and_cert(&k, None, cert[0].clone()).unwrap()
    }

    /// What kyso writes must be strict DER that an independent decoder (RustCrypto `cms`)
    /// accepts and re-encodes to the same bytes, with the CAdES B-B attributes present.
    #[test]
    fn output_is_strict_der_with_cades_attributes() {
        let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        for (name, attached) in [
            ("signer-rsa", false),
            ("signer-ec", true),
            ("signer-ed25519", false),
        ] {
            let signer = Signer::new(key(name))
                .attached(attached)
                .signing_time(at)
                .build()
                .unwrap();
            let der = signer.sign_bytes(b"noi dung").unwrap();
            let ci = ContentInfo::from_der(&der).expect("strict DER ContentInfo");
            assert_eq!(
                ci.to_der().unwrap(),
                der,
                "{name}: re-encoding differs, so the output is not DER"
            );
            let sd: SignedData = ci.content.decode_as().unwrap();
            assert_eq!(sd.encap_content_info.econtent.is_some(), attached);
            let si = sd.signer_infos.0.iter().next().unwrap();
            assert!(matches!(si.sid, SignerIdentifier::IssuerAndSerialNumber(_)));
            let types: Vec<String> = si
                .signed_attrs
                .as_ref()
                .unwrap()
                .iter()
                .map(|a| a.oid.to_string())
                .collect();
            for want in [
                oid::CONTENT_TYPE,
                oid::MESSAGE_DIGEST,
                oid::SIGNING_TIME,
                oid::SIGNING_CERTIFICATE_V2,
            ] {
                assert!(types.contains(&want.to_string()), "{name}: missing {want}");
            }
        }
    }

    /// A signer whose issuing CA is not embedded is warned about once (the receiver gets
    /// INDETERMINATE without it); with the sub CA in the chain, or with the chain of another
    /// CA only, the warning is gone or stays.
    #[test]
    fn a_missing_issuer_certificate_is_warned_about() {
        let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        let pki = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pki");
        let load = |f: &str| crate::Certificate::load_all(&std::fs::read(pki.join(f)).unwrap());
        let warnings = |chain: Vec<crate::Certificate>| {
            Signer::new(key("signer-rsa").with_chain(chain))
                .signing_time(at)
                .build()
                .unwrap()
                .warnings()
        };
        let bare = warnings(Vec::new());
        assert_eq!(bare.len(), 1, "{bare:?}");
        assert_eq!(bare[0].code(), "chain_missing");
        match &bare[0] {
            SigningWarning::ChainMissing { issuer, .. } => {
                assert!(issuer.contains("Kyso Test Sub CA RSA"), "{issuer}")
            }
            other => panic!("{other:?}"),
        }
        assert!(bare[0].to_string().contains("INDETERMINATE"));
        assert!(warnings(load("chain-rsa.pem").unwrap()).is_empty());
        // Only the root: the sub CA that issued the signer is still missing.
        assert_eq!(warnings(load("root-rsa.pem").unwrap()).len(), 1);
        // A self-signed signing certificate has no CA to embed.
        let own = kyso_testkit::Pki::new().self_signed(kyso_testkit::CertSpec::ee("Tự ký"));
        let cert = crate::Certificate::from_der(&own.cert_der()).unwrap();
        let k = SigningKey::from_key_and_cert(&own.key_pem(), None, cert).unwrap();
        let signer = Signer::new(k).signing_time(at).build().unwrap();
        assert!(signer.warnings().is_empty());
    }

    /// A backdated signing time does not make an expired certificate usable, nor a
    /// post-dated one a not-yet-valid certificate: validity is judged at `now` as well.
    #[test]
    fn validity_is_judged_at_now_as_well_as_at_the_signing_time() {
        let t = |s: &str| Timestamp::parse_rfc3339(s).unwrap();
        // expired-rsa is valid 2020-01-01 .. 2021-01-01; notyet-rsa 2040-01-01 .. 2045-01-01.
        let backdated = Signer::new(key("expired-rsa"))
            .signing_time(t("2020-06-01T00:00:00Z"))
            .now(t("2026-06-01T00:00:00Z"))
            .build();
        match backdated {
            Err(Error::SigningRefused(SigningRefusal::CertificateExpired { at, .. })) => {
                assert_eq!(at, "2026-06-01T00:00:00Z")
            }
            other => panic!("expected CertificateExpired, got {other:?}"),
        }
        let postdated = Signer::new(key("notyet-rsa"))
            .signing_time(t("2041-01-01T00:00:00Z"))
            .now(t("2026-06-01T00:00:00Z"))
            .build();
        assert!(matches!(
            postdated,
            Err(Error::SigningRefused(
                SigningRefusal::CertificateNotYetValid { .. }
            ))
        ));
        // Without `now`, the signing time is taken as now (valid then: accepted).
        assert!(Signer::new(key("expired-rsa"))
            .signing_time(t("2020-06-01T00:00:00Z"))
            .build()
            .is_ok());
        // Valid at both: accepted.
        assert!(Signer::new(key("signer-rsa"))
            .signing_time(t("2026-05-01T00:00:00Z"))
            .now(t("2026-06-01T00:00:00Z"))
            .build()
            .is_ok());
    }

    /// `now` only gates the build: the bytes signed are those of the signing time alone, so
    /// output stays identical for the same inputs and signing time.
    #[test]
    fn now_does_not_change_the_signature_bytes() {
        let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        let later = Timestamp::parse_rfc3339("2026-06-02T00:00:00Z").unwrap();
        let a = Signer::new(key("signer-rsa"))
            .signing_time(at)
            .build()
            .unwrap();
        let b = Signer::new(key("signer-rsa"))
            .signing_time(at)
            .now(later)
            .build()
            .unwrap();
        assert_eq!(a.sign_bytes(b"x").unwrap(), b.sign_bytes(b"x").unwrap());
    }

    /// An empty file is signed with a warning; co-signing twice with one certificate is
    /// refused, and the envelope written is not touched.
    #[test]
    fn empty_content_warns_and_a_second_cosignature_is_refused() {
        let dir = std::env::temp_dir().join(format!("kyso-signer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (doc, sig) = (dir.join("empty.txt"), dir.join("empty.txt.p7s"));
        std::fs::write(&doc, b"").unwrap();
        let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        let signer = Signer::new(key("signer-rsa"))
            .signing_time(at)
            .build()
            .unwrap();
        let mut out = Vec::new();
        let warnings = signer.sign_file(&doc, &mut out).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code(), "empty_content");
        std::fs::write(&sig, &out).unwrap();
        let mut again = Vec::new();
        match signer.add_to_file(&sig, Some(&doc), &mut again) {
            Err(Error::SigningRefused(r @ SigningRefusal::AlreadySigned { .. })) => {
                assert_eq!(r.code(), "signing_refused_already_signed")
            }
            other => panic!("expected AlreadySigned, got {other:?}"),
        }
        assert!(again.is_empty());
        let org = Signer::new(key("org-rsa"))
            .signing_time(at)
            .build()
            .unwrap();
        let mut cosigned = Vec::new();
        org.add_to_file(&sig, Some(&doc), &mut cosigned).unwrap();
        std::fs::write(&sig, &cosigned).unwrap();
        assert!(org.add_to_file(&sig, Some(&doc), &mut Vec::new()).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
