//! The archive-time-stamp-v3 of CAdES B-LTA (ETSI EN 319 122-1 §5.5.3) and its
//! ats-hash-index-v3 (§5.5.2): what the archive time-stamp's message imprint is computed over.
//!
//! ```text
//! ATSHashIndexV3 ::= SEQUENCE {
//!   hashIndAlgorithm            AlgorithmIdentifier DEFAULT {algorithm id-sha256},
//!   certificatesHashIndex       SEQUENCE OF OCTET STRING,
//!   crlsHashIndex               SEQUENCE OF OCTET STRING,
//!   unsignedAttrValuesHashIndex SEQUENCE OF OCTET STRING }
//! ```
//!
//! The index holds the hash of each element of SignedData.certificates and .crls (its whole
//! encoding) and, for each value of each unsigned attribute of the SignerInfo, the hash of
//! the attribute type's encoding followed by that value's encoding, all as present when the
//! time-stamp is requested. The imprint is then the hash of the concatenation of the
//! eContentType's encoding, the hash of the signed content, the SignerInfo's fields version,
//! sid, digestAlgorithm, signedAttrs, signatureAlgorithm and signature as encoded, and the
//! index's DER.

use super::signed_data::{SignedData, SignerInfo};
use crate::crypto::DigestAlgorithm;
use crate::encoding::asn1::{self, tag, Tlv};
use crate::encoding::oid;

/// The ats-hash-index-v3 value (DER) for `si` of `sd` as they are now, hashed with `alg`
/// (the hashIndAlgorithm is omitted when it is the default SHA-256).
pub(crate) fn hash_index_v3(
    sd: &SignedData<'_>,
    si: &SignerInfo<'_>,
    alg: DigestAlgorithm,
) -> Vec<u8> {
    let hashes = |items: Vec<Vec<u8>>| {
        let octets: Vec<Vec<u8>> = items
            .iter()
            .map(|h| asn1::tlv(tag::OCTET_STRING, &[h]))
            .collect();
        let refs: Vec<&[u8]> = octets.iter().map(Vec::as_slice).collect();
        asn1::tlv(tag::SEQUENCE, &refs)
    };
    let certs = hashes(sd.certificates.iter().map(|t| alg.digest(t.raw)).collect());
    let crls = hashes(sd.crls.iter().map(|t| alg.digest(t.raw)).collect());
    let attrs = hashes(unsigned_value_hashes(si, alg));
    let mut parts: Vec<&[u8]> = Vec::with_capacity(4);
    let alg_id = alg.algorithm_identifier();
    if alg != DigestAlgorithm::Sha256 {
        parts.push(&alg_id);
    }
    parts.extend([certs.as_slice(), crls.as_slice(), attrs.as_slice()]);
    asn1::tlv(tag::SEQUENCE, &parts)
}

/// The hash of attrType || attrValue for every value of every unsigned attribute of `si`.
pub(crate) fn unsigned_value_hashes(si: &SignerInfo<'_>, alg: DigestAlgorithm) -> Vec<Vec<u8>> {
    let Some(u) = &si.unsigned_attrs else {
        return Vec::new();
    };
    u.list
        .iter()
        .flat_map(|a| {
            let ty = asn1::tlv(tag::OID, &[a.oid]);
            a.values.iter().map(move |v| {
                let mut input = ty.clone();
                input.extend_from_slice(v.raw);
                alg.digest(&input)
            })
        })
        .collect()
}

/// The data an archive-time-stamp-v3's imprint is the hash of, for `si` of `sd`, the signed
/// content's hash `content_hash` (with the time-stamp's algorithm) and the index `index`.
pub(crate) fn imprint_input(
    sd: &SignedData<'_>,
    si: &SignerInfo<'_>,
    content_hash: &[u8],
    index: &[u8],
) -> Result<Vec<u8>, asn1::Asn1Error> {
    let mut out = asn1::tlv(tag::OID, &[sd.econtent_type]);
    out.extend_from_slice(content_hash);
    let seq = Tlv::parse_exact(si.raw, "SignerInfo")?;
    let mut r = seq.reader();
    while !r.is_empty() {
        let t = r.read()?;
        if t.tag == tag::ctx_cons(1) {
            break; // unsignedAttrs: covered through the index
        }
        out.extend_from_slice(t.raw);
    }
    out.extend_from_slice(index);
    Ok(out)
}

/// What an ats-hash-index-v3 found in a token lists, read back.
pub(crate) struct HashIndex {
    pub(crate) algorithm: Option<DigestAlgorithm>,
    pub(crate) certificates: Vec<Vec<u8>>,
    pub(crate) crls: Vec<Vec<u8>>,
    pub(crate) unsigned_values: Vec<Vec<u8>>,
}

impl HashIndex {
    /// Parse an ATSHashIndexV3 value (DER). `algorithm` is `None` for a hash kyso does not
    /// compute.
    pub(crate) fn parse(der: &[u8]) -> asn1::Result<HashIndex> {
        let seq =
            Tlv::parse_exact(der, "ATSHashIndexV3")?.expect(tag::SEQUENCE, "ATSHashIndexV3")?;
        let mut r = seq.reader();
        let first = r.expect(tag::SEQUENCE, "ATSHashIndexV3 element")?;
        // An AlgorithmIdentifier starts with an OID; certificatesHashIndex with an OCTET
        // STRING (or is empty).
        let (algorithm, certificates) = if first.reader().peek_tag() == Some(tag::OID) {
            let o = first.reader().read()?;
            let certs = octets(r.expect(tag::SEQUENCE, "certificatesHashIndex")?)?;
            (DigestAlgorithm::from_oid(o.value), certs)
        } else {
            (Some(DigestAlgorithm::Sha256), octets(first)?)
        };
        let crls = octets(r.expect(tag::SEQUENCE, "crlsHashIndex")?)?;
        let unsigned_values = octets(r.expect(tag::SEQUENCE, "unsignedAttrValuesHashIndex")?)?;
        r.finish("ATSHashIndexV3")?;
        Ok(HashIndex {
            algorithm,
            certificates,
            crls,
            unsigned_values,
        })
    }

    /// True when the index covers `value` as a signature-time-stamp attribute value.
    pub(crate) fn contains_signature_time_stamp(&self, value: &[u8]) -> bool {
        self.contains_unsigned_value(&oid::SIGNATURE_TIME_STAMP, value)
    }

    /// True when the index covers `value` as an archive-time-stamp-v3 attribute value (an
    /// earlier archive time-stamp, renewed by this one).
    pub(crate) fn contains_archive_time_stamp(&self, value: &[u8]) -> bool {
        self.contains_unsigned_value(&oid::ARCHIVE_TIME_STAMP_V3, value)
    }

    /// EN 319 122-1 §5.5.2: each unsignedAttrValuesHashIndex entry is the hash of the
    /// attribute's type and one of its values, as encoded.
    fn contains_unsigned_value(&self, attr: &der::asn1::ObjectIdentifier, value: &[u8]) -> bool {
        let Some(alg) = self.algorithm else {
            return false;
        };
        let mut input = asn1::tlv(tag::OID, &[attr.as_bytes()]);
        input.extend_from_slice(value);
        self.unsigned_values.contains(&alg.digest(&input))
    }

    /// The first element the index lists that `sd` / `si` no longer hold: `None` when all are
    /// there (later additions are allowed: the index is what existed when it was made).
    pub(crate) fn missing(&self, sd: &SignedData<'_>, si: &SignerInfo<'_>) -> Option<&'static str> {
        let alg = self.algorithm?;
        let have =
            |items: Vec<Vec<u8>>, listed: &[Vec<u8>]| listed.iter().all(|h| items.contains(h));
        if !have(
            sd.certificates.iter().map(|t| alg.digest(t.raw)).collect(),
            &self.certificates,
        ) {
            return Some("certificates");
        }
        if !have(
            sd.crls.iter().map(|t| alg.digest(t.raw)).collect(),
            &self.crls,
        ) {
            return Some("crls");
        }
        if !have(unsigned_value_hashes(si, alg), &self.unsigned_values) {
            return Some("unsigned attributes");
        }
        None
    }
}

fn octets(t: Tlv<'_>) -> asn1::Result<Vec<Vec<u8>>> {
    let mut r = t.reader();
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(r.expect(tag::OCTET_STRING, "hash")?.value.to_vec());
    }
    Ok(out)
}

/// The ats-hash-index-v3 attribute's value in a token's SignerInfo, when it has one; `Err`
/// with the older index's name when the token carries the TS 101 733 one instead.
pub(crate) fn index_of_token<'a>(token_si: &SignerInfo<'a>) -> Result<&'a [u8], &'static str> {
    let u = token_si
        .unsigned_attrs
        .as_ref()
        .ok_or("no ats-hash-index")?;
    if let Some(v) = u
        .all(&oid::ATS_HASH_INDEX_V3)
        .first()
        .and_then(|a| a.values.first())
    {
        return Ok(v.raw);
    }
    if !u.all(&oid::ATS_HASH_INDEX_V1).is_empty() {
        return Err("an ats-hash-index of ETSI TS 101 733 (not v3)");
    }
    Err("no ats-hash-index-v3")
}
