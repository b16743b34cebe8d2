//! Digest and signature algorithms, and the algorithm policy (what is strong enough).
//!
//! Policy numbers follow ETSI TS 119 312 and the product contract: MD5 and SHA-1 digests, RSA
//! and DSA keys below 2048 bits and EC keys below 256 bits are not accepted for new signatures
//! and make verification INDETERMINATE (CRYPTO_CONSTRAINTS_FAILURE) unless the caller asks for
//! legacy algorithms by name.

use std::sync::OnceLock;

use openssl::hash::MessageDigest;
use openssl::md_ctx::MdCtx;
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Private, Public};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer, Verifier};
use serde::Serialize;

use crate::encoding::asn1::{self, tag, Tlv};
use crate::encoding::oid;
use crate::error::Error;

/// A message digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// MD5 (RFC 1321): broken, recognised only to be refused.
    Md5,
    /// SHA-1: broken for signatures, accepted only as legacy.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256, the default.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-224.
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
}

impl DigestAlgorithm {
    /// The short name used in reports and on the command line (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
            Self::Sha3_224 => "sha3-224",
            Self::Sha3_256 => "sha3-256",
            Self::Sha3_384 => "sha3-384",
            Self::Sha3_512 => "sha3-512",
        }
    }

    const ALL: [Self; 10] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
        Self::Sha3_224,
        Self::Sha3_256,
        Self::Sha3_384,
        Self::Sha3_512,
    ];

    /// Parse a short name (`sha256`, `SHA-256`).
    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.to_ascii_lowercase().replace(['-', '_'], "");
        Self::ALL
            .into_iter()
            .find(|d| d.name().replace('-', "") == n)
    }

    /// True for digests that are too weak for signatures (MD5, SHA-1).
    pub fn is_legacy(self) -> bool {
        matches!(self, Self::Md5 | Self::Sha1)
    }

    pub(crate) fn oid(self) -> &'static der::asn1::ObjectIdentifier {
        match self {
            Self::Md5 => &oid::MD5,
            Self::Sha1 => &oid::SHA1,
            Self::Sha224 => &oid::SHA224,
            Self::Sha256 => &oid::SHA256,
            Self::Sha384 => &oid::SHA384,
            Self::Sha512 => &oid::SHA512,
            Self::Sha3_224 => &oid::SHA3_224,
            Self::Sha3_256 => &oid::SHA3_256,
            Self::Sha3_384 => &oid::SHA3_384,
            Self::Sha3_512 => &oid::SHA3_512,
        }
    }

    pub(crate) fn from_oid(value: &[u8]) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.oid().as_bytes() == value)
    }

    pub(crate) fn md_ref(self) -> &'static openssl::md::MdRef {
        use openssl::md::Md;
        match self {
            Self::Md5 => Md::md5(),
            Self::Sha1 => Md::sha1(),
            Self::Sha224 => Md::sha224(),
            Self::Sha256 => Md::sha256(),
            Self::Sha384 => Md::sha384(),
            Self::Sha512 => Md::sha512(),
            Self::Sha3_224 => Md::sha3_224(),
            Self::Sha3_256 => Md::sha3_256(),
            Self::Sha3_384 => Md::sha3_384(),
            Self::Sha3_512 => Md::sha3_512(),
        }
    }

    pub(crate) fn md(self) -> MessageDigest {
        match self {
            Self::Md5 => MessageDigest::md5(),
            Self::Sha1 => MessageDigest::sha1(),
            Self::Sha224 => MessageDigest::sha224(),
            Self::Sha256 => MessageDigest::sha256(),
            Self::Sha384 => MessageDigest::sha384(),
            Self::Sha512 => MessageDigest::sha512(),
            Self::Sha3_224 => MessageDigest::sha3_224(),
            Self::Sha3_256 => MessageDigest::sha3_256(),
            Self::Sha3_384 => MessageDigest::sha3_384(),
            Self::Sha3_512 => MessageDigest::sha3_512(),
        }
    }

    /// The implementation from the default provider, fetched once per process. An implicitly
    /// fetched digest (`EVP_sha256()`) makes OpenSSL 3 look the algorithm up in its store at
    /// every `EVP_DigestInit`: that lookup was 3.4% of a 10,000-file batch verify, more than
    /// the hashing itself. Falls back to the implicit form if the fetch fails.
    pub(crate) fn fetched(self) -> &'static openssl::md::MdRef {
        static FETCHED: OnceLock<Vec<Option<openssl::md::Md>>> = OnceLock::new();
        let table = FETCHED.get_or_init(|| {
            Self::ALL
                .iter()
                .map(|d| openssl::md::Md::fetch(None, d.name(), None).ok())
                .collect()
        });
        Self::ALL
            .iter()
            .position(|d| *d == self)
            .and_then(|i| table[i].as_deref())
            .unwrap_or_else(|| self.md_ref())
    }

    /// A streaming hasher for this algorithm.
    pub(crate) fn hasher(self) -> Result<Hasher, openssl::error::ErrorStack> {
        Hasher::new(self)
    }

    /// Hash a byte string in one go.
    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        // OpenSSL only fails here on allocation failure or a disabled algorithm; an empty result
        // then never matches any expected digest, so the caller fails closed.
        self.try_digest(data).unwrap_or_default()
    }

    /// Hash a byte string in one go with this thread's reused digest context.
    pub(crate) fn try_digest(self, data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        thread_local! {
            static CTX: std::cell::RefCell<Option<MdCtx>> = const { std::cell::RefCell::new(None) };
        }
        CTX.with(|cell| {
            let Ok(mut slot) = cell.try_borrow_mut() else {
                return Hasher::new(self)?.finish();
            };
            let ctx = match slot.take() {
                Some(ctx) => slot.insert(ctx),
                None => slot.insert(MdCtx::new()?),
            };
            ctx.digest_init(self.fetched())?;
            ctx.digest_update(data)?;
            finish_into_vec(ctx)
        })
    }

    /// DER AlgorithmIdentifier with absent parameters (RFC 5754 §2: SHOULD omit them).
    pub(crate) fn algorithm_identifier(self) -> Vec<u8> {
        let oid = asn1::tlv(tag::OID, &[self.oid().as_bytes()]);
        asn1::tlv(tag::SEQUENCE, &[&oid])
    }
}

/// A streaming digest over the fetched implementation ([`DigestAlgorithm::fetched`]).
pub(crate) struct Hasher(MdCtx);

impl Hasher {
    pub(crate) fn new(alg: DigestAlgorithm) -> Result<Self, openssl::error::ErrorStack> {
        let mut ctx = MdCtx::new()?;
        ctx.digest_init(alg.fetched())?;
        Ok(Hasher(ctx))
    }

    pub(crate) fn update(&mut self, data: &[u8]) -> Result<(), openssl::error::ErrorStack> {
        self.0.digest_update(data)
    }

    /// The digest; the hasher is spent (update it again only after a new `Hasher::new`).
    pub(crate) fn finish(&mut self) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        finish_into_vec(&mut self.0)
    }
}

fn finish_into_vec(ctx: &mut MdCtx) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let mut out = vec![0u8; ctx.size()];
    let n = ctx.digest_final(&mut out)?;
    out.truncate(n);
    Ok(out)
}

impl std::fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed AlgorithmIdentifier (RFC 5280 §4.1.1.2).
#[derive(Clone, Copy)]
pub(crate) struct AlgorithmIdentifier<'a> {
    pub oid: &'a [u8],
    pub params: Option<Tlv<'a>>,
}

impl<'a> AlgorithmIdentifier<'a> {
    pub(crate) fn parse(tlv: Tlv<'a>, what: &str) -> asn1::Result<Self> {
        let tlv = tlv.expect(tag::SEQUENCE, what)?;
        let mut r = tlv.reader();
        let oid = r.expect(tag::OID, what)?.value;
        let params = if r.is_empty() { None } else { Some(r.read()?) };
        r.finish(what)?;
        Ok(AlgorithmIdentifier { oid, params })
    }

    pub(crate) fn dotted(&self) -> String {
        asn1::oid_to_string(self.oid)
    }
}

/// Why a SignerInfo's algorithms cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SchemeError {
    /// Known algorithms that contradict each other or malformed parameters.
    Inconsistent(String),
    /// An algorithm kyso does not implement.
    Unsupported(String),
}

/// How a signature value is computed, from the SignerInfo's algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureScheme {
    RsaPkcs1(DigestAlgorithm),
    RsaPss {
        hash: DigestAlgorithm,
        mgf1: DigestAlgorithm,
        salt_len: u32,
    },
    Ecdsa(DigestAlgorithm),
    Dsa(DigestAlgorithm),
    Ed25519,
}

impl SignatureScheme {
    /// The name used in the report (`rsa-pkcs1-sha256`).
    pub(crate) fn name(&self) -> String {
        match self {
            Self::RsaPkcs1(d) => format!("rsa-pkcs1-{d}"),
            Self::RsaPss { hash, .. } => format!("rsa-pss-{hash}"),
            Self::Ecdsa(d) => format!("ecdsa-{d}"),
            Self::Dsa(d) => format!("dsa-{d}"),
            Self::Ed25519 => "ed25519".into(),
        }
    }

    /// The digest applied to the signed data by the signature primitive, if any.
    pub(crate) fn hash(&self) -> Option<DigestAlgorithm> {
        match *self {
            Self::RsaPkcs1(d) | Self::Ecdsa(d) | Self::Dsa(d) => Some(d),
            Self::RsaPss { hash, .. } => Some(hash),
            Self::Ed25519 => None,
        }
    }

    /// Work out the scheme from a SignerInfo's digestAlgorithm and signatureAlgorithm. RFC 5652
    /// §5.3 and RFC 5754 §3: the digest inside a combined OID must be the SignerInfo's digest.
    pub(crate) fn from_signer_info(
        digest: DigestAlgorithm,
        sig: &AlgorithmIdentifier<'_>,
    ) -> Result<Self, SchemeError> {
        let combined = |d: DigestAlgorithm, make: fn(DigestAlgorithm) -> Self| {
            if d == digest {
                Ok(make(d))
            } else {
                Err(SchemeError::Inconsistent(format!(
                    "the signature algorithm uses {d} but the SignerInfo's digest algorithm is {digest} (RFC 5754 §3 requires them to match)"
                )))
            }
        };
        let o = sig.oid;
        let is = |x: &der::asn1::ObjectIdentifier| oid::is(x, o);
        if is(&oid::RSA_ENCRYPTION) {
            return Ok(Self::RsaPkcs1(digest));
        }
        if is(&oid::EC_PUBLIC_KEY) {
            return Ok(Self::Ecdsa(digest));
        }
        if is(&oid::DSA) {
            return Ok(Self::Dsa(digest));
        }
        if is(&oid::ED25519) {
            // RFC 8419 §3: with Ed25519 the digestAlgorithm must be SHA-512.
            if digest != DigestAlgorithm::Sha512 {
                return Err(SchemeError::Inconsistent(format!(
                    "Ed25519 requires the SHA-512 digest algorithm (RFC 8419 §3), found {digest}"
                )));
            }
            return Ok(Self::Ed25519);
        }
        if is(&oid::RSASSA_PSS) {
            let (hash, mgf1, salt_len) =
                parse_pss_params(sig.params).map_err(SchemeError::Inconsistent)?;
            // RFC 4056 §3 only RECOMMENDS (SHOULD) that the PSS hash equal the SignerInfo's
            // digest algorithm: the content is bound by message-digest (digestAlgorithm) and the
            // signed attributes by the PSS hash. EU DSS accepts a mismatch (its DSS-1419 tests);
            // so does kyso, and the algorithm policy judges both hashes.
            return Ok(Self::RsaPss {
                hash,
                mgf1,
                salt_len,
            });
        }
        if let Some((d, make)) = combined_oid(o) {
            return combined(d, make);
        }
        Err(SchemeError::Unsupported(format!(
            "unsupported signature algorithm {}",
            sig.dotted()
        )))
    }

    /// DER AlgorithmIdentifier for signing (RFC 3370 §3.2, RFC 4056 §3, RFC 5753 §2.1.1, RFC 8419 §2.3).
    pub(crate) fn algorithm_identifier(&self) -> Vec<u8> {
        let oid_tlv = |o: &der::asn1::ObjectIdentifier| asn1::tlv(tag::OID, &[o.as_bytes()]);
        match *self {
            // rsaEncryption with NULL parameters, as OpenSSL and most CAdES producers write it.
            Self::RsaPkcs1(_) => asn1::tlv(
                tag::SEQUENCE,
                &[&oid_tlv(&oid::RSA_ENCRYPTION), &[tag::NULL, 0]],
            ),
            Self::RsaPss {
                hash,
                mgf1,
                salt_len,
            } => {
                let h = hash.algorithm_identifier();
                let mgf = asn1::tlv(
                    tag::SEQUENCE,
                    &[&oid_tlv(&oid::MGF1), &mgf1.algorithm_identifier()],
                );
                let salt = asn1::tlv(tag::INTEGER, &[&encode_uint(salt_len)]);
                let params = asn1::tlv(
                    tag::SEQUENCE,
                    &[
                        &asn1::tlv(tag::ctx_cons(0), &[&h]),
                        &asn1::tlv(tag::ctx_cons(1), &[&mgf]),
                        &asn1::tlv(tag::ctx_cons(2), &[&salt]),
                    ],
                );
                asn1::tlv(tag::SEQUENCE, &[&oid_tlv(&oid::RSASSA_PSS), &params])
            }
            Self::Ecdsa(d) => {
                let o = match d {
                    DigestAlgorithm::Sha384 => &oid::ECDSA_WITH_SHA384,
                    DigestAlgorithm::Sha512 => &oid::ECDSA_WITH_SHA512,
                    _ => &oid::ECDSA_WITH_SHA256,
                };
                asn1::tlv(tag::SEQUENCE, &[&oid_tlv(o)])
            }
            Self::Dsa(_) => asn1::tlv(tag::SEQUENCE, &[&oid_tlv(&oid::DSA_WITH_SHA256)]),
            Self::Ed25519 => asn1::tlv(tag::SEQUENCE, &[&oid_tlv(&oid::ED25519)]),
        }
    }
}

fn encode_uint(v: u32) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
    let mut out = bytes[skip..].to_vec();
    if out[0] & 0x80 != 0 {
        out.insert(0, 0);
    }
    out
}

/// RSASSA-PSS-params (RFC 4055 §3.1); defaults are SHA-1, MGF1-SHA-1 and salt 20.
fn parse_pss_params(
    params: Option<Tlv<'_>>,
) -> Result<(DigestAlgorithm, DigestAlgorithm, u32), String> {
    let bad = |e: asn1::Asn1Error| format!("malformed RSASSA-PSS parameters: {e}");
    let mut hash = DigestAlgorithm::Sha1;
    let mut mgf1 = DigestAlgorithm::Sha1;
    let mut salt = 20u32;
    let Some(p) = params else {
        return Ok((hash, mgf1, salt));
    };
    let p = p.expect(tag::SEQUENCE, "RSASSA-PSS-params").map_err(bad)?;
    let mut r = p.reader();
    let digest_of = |t: Tlv<'_>| -> Result<DigestAlgorithm, String> {
        let a = AlgorithmIdentifier::parse(t, "PSS hash").map_err(bad)?;
        DigestAlgorithm::from_oid(a.oid)
            .ok_or_else(|| format!("unsupported PSS hash {}", a.dotted()))
    };
    if let Some(t) = r.optional(tag::ctx_cons(0)).map_err(bad)? {
        hash = digest_of(Tlv::parse_exact(t.value, "PSS hash").map_err(bad)?)?;
    }
    if let Some(t) = r.optional(tag::ctx_cons(1)).map_err(bad)? {
        let a = AlgorithmIdentifier::parse(Tlv::parse_exact(t.value, "MGF").map_err(bad)?, "MGF")
            .map_err(bad)?;
        if !oid::is(&oid::MGF1, a.oid) {
            return Err(format!(
                "unsupported PSS mask generation function {}",
                a.dotted()
            ));
        }
        let inner = a
            .params
            .ok_or_else(|| "MGF1 without a hash algorithm".to_string())?;
        mgf1 = digest_of(inner)?;
    }
    if let Some(t) = r.optional(tag::ctx_cons(2)).map_err(bad)? {
        let v = Tlv::parse_exact(t.value, "PSS salt")
            .map_err(bad)?
            .small_uint("PSS salt")
            .map_err(bad)?;
        salt = u32::try_from(v).map_err(|_| "PSS salt length out of range".to_string())?;
    }
    if let Some(t) = r.optional(tag::ctx_cons(3)).map_err(bad)? {
        let v = Tlv::parse_exact(t.value, "PSS trailer")
            .map_err(bad)?
            .small_uint("PSS trailer")
            .map_err(bad)?;
        if v != 1 {
            return Err("RSASSA-PSS trailerField must be 1 (RFC 4055 §3.1)".into());
        }
    }
    r.finish("RSASSA-PSS-params").map_err(bad)?;
    Ok((hash, mgf1, salt))
}

type Make = fn(DigestAlgorithm) -> SignatureScheme;

/// Signature OIDs that name their digest (RFC 3279, RFC 4055, RFC 5758, NIST CSOR).
fn combined_oid(o: &[u8]) -> Option<(DigestAlgorithm, Make)> {
    use DigestAlgorithm as D;
    use SignatureScheme as S;
    let table: [(&der::asn1::ObjectIdentifier, DigestAlgorithm, Make); 18] = [
        (&oid::MD5_WITH_RSA, D::Md5, S::RsaPkcs1),
        (&oid::SHA1_WITH_RSA, D::Sha1, S::RsaPkcs1),
        (&oid::SHA224_WITH_RSA, D::Sha224, S::RsaPkcs1),
        (&oid::SHA256_WITH_RSA, D::Sha256, S::RsaPkcs1),
        (&oid::SHA384_WITH_RSA, D::Sha384, S::RsaPkcs1),
        (&oid::SHA512_WITH_RSA, D::Sha512, S::RsaPkcs1),
        (&oid::RSA_SHA3_224, D::Sha3_224, S::RsaPkcs1),
        (&oid::RSA_SHA3_256, D::Sha3_256, S::RsaPkcs1),
        (&oid::RSA_SHA3_384, D::Sha3_384, S::RsaPkcs1),
        (&oid::RSA_SHA3_512, D::Sha3_512, S::RsaPkcs1),
        (&oid::ECDSA_WITH_SHA1, D::Sha1, S::Ecdsa),
        (&oid::ECDSA_WITH_SHA224, D::Sha224, S::Ecdsa),
        (&oid::ECDSA_WITH_SHA256, D::Sha256, S::Ecdsa),
        (&oid::ECDSA_WITH_SHA384, D::Sha384, S::Ecdsa),
        (&oid::ECDSA_WITH_SHA512, D::Sha512, S::Ecdsa),
        (&oid::ECDSA_SHA3_256, D::Sha3_256, S::Ecdsa),
        (&oid::DSA_WITH_SHA1, D::Sha1, S::Dsa),
        (&oid::DSA_WITH_SHA256, D::Sha256, S::Dsa),
    ];
    table
        .into_iter()
        .find(|(id, _, _)| oid::is(id, o))
        .map(|(_, d, m)| (d, m))
}

/// The digest a certificate or CRL signature algorithm uses, where it names one.
pub(crate) fn digest_of_signature_algorithm(
    alg: &AlgorithmIdentifier<'_>,
) -> Option<DigestAlgorithm> {
    if oid::is(&oid::RSASSA_PSS, alg.oid) {
        return parse_pss_params(alg.params).ok().map(|p| p.0);
    }
    combined_oid(alg.oid).map(|(d, _)| d)
}

/// A public key's family and strength, for reports and policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// `rsa`, `ec`, `ed25519`, `ed448`, `dsa` or `unknown`.
    pub kind: String,
    /// Key size in bits (modulus size for RSA/DSA, field size for EC).
    pub bits: u32,
    /// EC curve name, where there is one (`prime256v1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
}

impl KeyInfo {
    pub(crate) fn of(pkey: &PKey<Public>) -> Self {
        let (kind, curve) = match pkey.id() {
            Id::RSA | Id::RSA_PSS => ("rsa", None),
            Id::EC => {
                let curve = pkey
                    .ec_key()
                    .ok()
                    .and_then(|k| k.group().curve_name())
                    .and_then(|n| n.short_name().ok().map(str::to_string));
                ("ec", curve)
            }
            Id::ED25519 => ("ed25519", None),
            Id::ED448 => ("ed448", None),
            Id::DSA => ("dsa", None),
            _ => ("unknown", None),
        };
        KeyInfo {
            kind: kind.into(),
            bits: pkey.bits(),
            curve,
        }
    }

    /// Why this key is too weak under the default policy, if it is.
    pub fn weakness(&self) -> Option<String> {
        match self.kind.as_str() {
            "rsa" | "dsa" if self.bits < 2048 => Some(format!(
                "{} key of {} bits is below the 2048-bit minimum",
                self.kind.to_uppercase(),
                self.bits
            )),
            "ec" if self.bits < 256 => Some(format!(
                "EC key of {} bits is below the 256-bit minimum",
                self.bits
            )),
            "ec" if !self
                .curve
                .as_deref()
                .is_some_and(|c| ALLOWED_CURVES.contains(&c)) =>
            {
                Some(format!(
                    "EC curve {} is not one the policy allows ({})",
                    self.curve.as_deref().unwrap_or("(unnamed)"),
                    ALLOWED_CURVES.join(", ")
                ))
            }
            "unknown" => Some("unsupported public key type".into()),
            _ => None,
        }
    }
}

impl std::fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.kind[..], &self.curve) {
            ("ec", Some(c)) => write!(f, "EC {} ({} bits)", c, self.bits),
            ("ed25519", _) => f.write_str("Ed25519"),
            (k, _) => write!(f, "{} {} bits", k.to_uppercase(), self.bits),
        }
    }
}

/// Curves the policy allows for EC keys (ETSI TS 119 312 §6.2.2 names these for ECDSA):
/// NIST P-256, P-384, P-521 and the Brainpool curves of the same sizes, by OpenSSL short name.
pub(crate) const ALLOWED_CURVES: [&str; 6] = [
    "prime256v1",
    "secp384r1",
    "secp521r1",
    "brainpoolP256r1",
    "brainpoolP384r1",
    "brainpoolP512r1",
];

/// Why a public key's parameters are invalid, whatever the policy: a key with such parameters
/// "verifies" values made without any private key. RFC 8017 §3.1: the RSA public exponent e
/// is odd with 3 <= e <= n - 1 (e = 1 makes every value its own signature).
/// `thorough` adds OpenSSL's full EC key check (point on the curve and of the group's order,
/// a scalar multiplication): done once per certificate when it is parsed, not per signature.
pub(crate) fn key_parameter_problem(key: &PKey<Public>, thorough: bool) -> Option<&'static str> {
    if let Ok(rsa) = key.rsa() {
        let e = rsa.e();
        let three = openssl::bn::BigNum::from_u32(3).ok()?;
        if e.is_negative() || e < &*three || !e.is_bit_set(0) || e >= rsa.n() {
            return Some(
                "an RSA public key whose exponent is not odd with 3 <= e <= n - 1 (RFC 8017 §3.1)",
            );
        }
    }
    // RFC 5480 §2.2 / SEC 1 §3.2.2.1: the EC public point is on the curve and is not the
    // point at infinity (which "verifies" forged ECDSA values).
    // OpenSSL 3 loads the point at infinity but cannot export it as an EC_KEY.
    if key.id() == Id::EC {
        let valid = key.ec_key().is_ok_and(|ec| {
            !ec.public_key().is_infinity(ec.group()) && (!thorough || ec.check_key().is_ok())
        });
        if !valid {
            return Some("an EC public key that is not a valid point of its curve (RFC 5480 §2.2)");
        }
    }
    None
}

/// What a signature value is computed over.
pub(crate) enum Signed<'a> {
    /// The message itself (signed attributes, or content for Ed25519).
    Message(&'a [u8]),
    /// A precomputed digest of the message (content without signed attributes, RSA/ECDSA/DSA).
    Digest(&'a [u8]),
}

fn key_fits(scheme: &SignatureScheme, id: Id) -> bool {
    matches!(
        (scheme, id),
        (SignatureScheme::RsaPkcs1(_), Id::RSA)
            | (SignatureScheme::RsaPss { .. }, Id::RSA | Id::RSA_PSS)
            | (SignatureScheme::Ecdsa(_), Id::EC)
            | (SignatureScheme::Dsa(_), Id::DSA)
            | (SignatureScheme::Ed25519, Id::ED25519)
    )
}

/// Verify a signature value. `Ok(false)` means "does not verify"; `Err` means the key and the
/// algorithm do not fit together.
pub(crate) fn verify_signature(
    scheme: &SignatureScheme,
    key: &PKey<Public>,
    signed: Signed<'_>,
    signature: &[u8],
) -> Result<bool, String> {
    if let Some(problem) = key_parameter_problem(key, false) {
        return Err(invalid_key(problem));
    }
    verify_signature_key_checked(scheme, key, signed, signature)
}

/// The error for a key whose parameters are invalid (see [`key_parameter_problem`]).
pub(crate) fn invalid_key(problem: &str) -> String {
    format!("the signer's key is invalid: {problem}")
}

/// [`verify_signature`] for a key whose parameters the caller has already checked: a parsed
/// certificate checks them once ([`crate::x509::cert::Certificate::verify_signature`]), so a
/// batch does not make OpenSSL 3 export the key for every signature.
pub(crate) fn verify_signature_key_checked(
    scheme: &SignatureScheme,
    key: &PKey<Public>,
    signed: Signed<'_>,
    signature: &[u8],
) -> Result<bool, String> {
    if !key_fits(scheme, key.id()) {
        return Err(format!(
            "the signer's {} key cannot make {} signatures",
            KeyInfo::of(key).kind,
            scheme.name()
        ));
    }
    let result = match signed {
        Signed::Message(msg) => verify_message(scheme, key, msg, signature),
        Signed::Digest(digest) => verify_digest_cached(scheme, key, digest, signature),
    };
    // OpenSSL reports a malformed signature value (bad DER in an ECDSA signature, wrong
    // length) as an error; for the verifier both mean "does not verify".
    Ok(result.unwrap_or(false))
}

/// Verification contexts kept per thread, at most. A batch's files are mostly signed by a few
/// keys (an official and the organisation); four covers that without holding many keys.
const CACHED_CONTEXTS: usize = 4;

/// A verification context configured for a key and scheme (see `CONTEXTS`).
type CachedContext = (PKey<Public>, SignatureScheme, PkeyCtx<Public>);

thread_local! {
    /// Configured verification contexts (key, scheme) of this thread, most recent last.
    /// Setting one up costs OpenSSL 3 more than the RSA-2048 verification itself (algorithm
    /// fetches, key export to the provider); a context can verify any number of signatures.
    /// The entry holds a reference to its key, so a key's address cannot be reused by another
    /// key while it is cached: comparing addresses is comparing keys.
    static CONTEXTS: std::cell::RefCell<Vec<CachedContext>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Verify a signature over `digest` with this thread's cached context for (key, scheme).
fn verify_digest_cached(
    scheme: &SignatureScheme,
    key: &PKey<Public>,
    digest: &[u8],
    sig: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    CONTEXTS.with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            return verify_digest(scheme, key, digest, sig);
        };
        let hit = cache
            .iter()
            .position(|(k, s, _)| std::ptr::eq::<PKeyRef<Public>>(&**k, &**key) && s == scheme);
        let i = match hit {
            Some(i) => i,
            None => {
                let mut ctx = PkeyCtx::new(key)?;
                ctx.verify_init()?;
                configure(&mut ctx, scheme)?;
                if cache.len() == CACHED_CONTEXTS {
                    cache.remove(0);
                }
                cache.push((key.clone(), *scheme, ctx));
                cache.len() - 1
            }
        };
        cache[i].2.verify(digest, sig)
    })
}

fn verify_message(
    scheme: &SignatureScheme,
    key: &PKey<Public>,
    msg: &[u8],
    sig: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    // Hash-then-verify is what EVP_DigestVerify does for these schemes (RFC 8017 §8.2.2 and
    // §8.1.2 hash the message first; so do ECDSA and DSA), with a context that is reused.
    if let (Some(d), false) = (scheme.hash(), matches!(scheme, SignatureScheme::Ed25519)) {
        let digest = d.try_digest(msg)?;
        return verify_digest_cached(scheme, key, &digest, sig);
    }
    let mut v = match scheme.hash() {
        Some(d) => Verifier::new(d.md(), key)?,
        None => Verifier::new_without_digest(key)?,
    };
    if let SignatureScheme::RsaPss { mgf1, salt_len, .. } = scheme {
        v.set_rsa_padding(Padding::PKCS1_PSS)?;
        v.set_rsa_mgf1_md(mgf1.md())?;
        v.set_rsa_pss_saltlen(RsaPssSaltlen::custom(*salt_len as i32))?;
    }
    v.verify_oneshot(sig, msg)
}

fn verify_digest(
    scheme: &SignatureScheme,
    key: &PKey<Public>,
    digest: &[u8],
    sig: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    let mut ctx = PkeyCtx::new(key)?;
    ctx.verify_init()?;
    configure(&mut ctx, scheme)?;
    ctx.verify(digest, sig)
}

fn configure<T: HasPublic>(
    ctx: &mut PkeyCtx<T>,
    scheme: &SignatureScheme,
) -> Result<(), openssl::error::ErrorStack> {
    match scheme {
        SignatureScheme::RsaPkcs1(d) => {
            ctx.set_rsa_padding(Padding::PKCS1)?;
            ctx.set_signature_md(d.md_ref())?;
        }
        SignatureScheme::RsaPss {
            hash,
            mgf1,
            salt_len,
        } => {
            ctx.set_rsa_padding(Padding::PKCS1_PSS)?;
            ctx.set_signature_md(hash.md_ref())?;
            ctx.set_rsa_mgf1_md(mgf1.md_ref())?;
            ctx.set_rsa_pss_saltlen(RsaPssSaltlen::custom(*salt_len as i32))?;
        }
        SignatureScheme::Ecdsa(d) | SignatureScheme::Dsa(d) => ctx.set_signature_md(d.md_ref())?,
        SignatureScheme::Ed25519 => {}
    }
    Ok(())
}

/// Sign a message with a private key held in memory.
pub(crate) fn sign_message(
    scheme: &SignatureScheme,
    key: &PKeyRef<Private>,
    msg: &[u8],
) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let mut s = match scheme.hash() {
        Some(d) => Signer::new(d.md(), key)?,
        None => Signer::new_without_digest(key)?,
    };
    if let SignatureScheme::RsaPss { mgf1, salt_len, .. } = scheme {
        s.set_rsa_padding(Padding::PKCS1_PSS)?;
        s.set_rsa_mgf1_md(mgf1.md())?;
        s.set_rsa_pss_saltlen(RsaPssSaltlen::custom(*salt_len as i32))?;
    }
    s.sign_oneshot_to_vec(msg)
}

/// An OpenSSL failure as a kyso error. Crate-private on purpose: openssl types stay out of the
/// public API (no `From<ErrorStack> for Error`), so the backend can change.
pub(crate) fn openssl_error(e: openssl::error::ErrorStack) -> Error {
    Error::Crypto(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_point_at_infinity_is_refused() {
        // SubjectPublicKeyInfo { ecPublicKey, prime256v1 } with the point 0x00 (infinity).
        let spki = [
            0x30, 0x19, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x02, 0x00, 0x00,
        ];
        if let Ok(key) = PKey::public_key_from_der(&spki) {
            assert!(
                key_parameter_problem(&key, true).is_some()
                    && key_parameter_problem(&key, false).is_some()
            );
        }
        // A real key passes.
        let group =
            openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
        let k = openssl::ec::EcKey::generate(&group).unwrap();
        let public =
            PKey::public_key_from_der(&PKey::from_ec_key(k).unwrap().public_key_to_der().unwrap())
                .unwrap();
        assert_eq!(key_parameter_problem(&public, true), None);
    }

    /// With e = 1 an RSA "signature" is the EMSA-PKCS1-v1_5 encoding itself, computable by
    /// anyone; OpenSSL's verify accepts it, so kyso must refuse the key (RFC 8017 §3.1).
    #[test]
    fn rsa_exponent_one_forgery_is_refused() {
        let n = openssl::rsa::Rsa::generate(2048)
            .unwrap()
            .n()
            .to_owned()
            .unwrap();
        let one = openssl::bn::BigNum::from_u32(1).unwrap();
        let rsa = openssl::rsa::Rsa::from_public_components(n, one).unwrap();
        let key = PKey::from_rsa(rsa).unwrap();
        let msg = b"signed attributes nobody signed";
        // EM = 0x00 0x01 FF.. 0x00 || DigestInfo(SHA-256, H(msg)) (RFC 8017 §9.2).
        let mut t = vec![
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        t.extend_from_slice(&DigestAlgorithm::Sha256.digest(msg));
        let mut em = vec![0x00, 0x01];
        em.resize(256 - t.len() - 1, 0xff);
        em.push(0x00);
        em.extend_from_slice(&t);
        let scheme = SignatureScheme::RsaPkcs1(DigestAlgorithm::Sha256);
        // The forgery is real: the crypto library alone accepts it ...
        assert_eq!(verify_message(&scheme, &key, msg, &em).ok(), Some(true));
        // ... kyso does not.
        let r = verify_signature(&scheme, &key, Signed::Message(msg), &em);
        assert!(r.as_ref().is_err_and(|e| e.contains("RFC 8017")), "{r:?}");
    }
}
