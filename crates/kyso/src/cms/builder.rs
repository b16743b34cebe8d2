//! Writing a SignedData (RFC 5652 §5.1) from parts that are already DER: the signer's new
//! envelopes, co-signing and `extend` all write through [`SignedDataParts::write`], which
//! streams attached content and copies every existing part byte for byte.

use std::io::Write;

use crate::encoding::asn1::{self, tag, write_header, Tlv};
use crate::encoding::oid;

pub(crate) type ContentWriter<'a> = (
    u64,
    &'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
);

/// The pieces of a SignedData, each already DER-encoded.
pub(crate) struct SignedDataParts {
    pub(crate) version: u64,
    pub(crate) digest_algorithms: Vec<Vec<u8>>,
    pub(crate) econtent_type: Vec<u8>,
    pub(crate) certificates: Vec<Vec<u8>>,
    pub(crate) crls: Vec<Vec<u8>>,
    pub(crate) signer_infos: Vec<Vec<u8>>,
}

fn header_len(len: u64) -> u64 {
    let mut v = Vec::new();
    write_header(&mut v, 0, len as usize);
    v.len() as u64
}

impl SignedDataParts {
    /// RFC 5652 §5.1: version 5 when `crls` holds an other-format entry (an RFC 5940 OCSP
    /// response); else the version stays.
    pub(crate) fn settle_version(&mut self) {
        if self
            .crls
            .iter()
            .any(|c| c.first() == Some(&tag::ctx_cons(1)))
        {
            self.version = 5;
        }
    }

    /// The parts of an existing SignedData, each copied byte for byte: what augmenting it
    /// (new unsigned attributes, validation data) starts from.
    pub(crate) fn of(sd: &crate::cms::signed_data::SignedData<'_>) -> Self {
        let raw = |v: &[Tlv<'_>]| v.iter().map(|t| t.raw.to_vec()).collect();
        SignedDataParts {
            version: sd.version,
            digest_algorithms: raw(&sd.digest_algorithms),
            econtent_type: sd.econtent_type.to_vec(),
            certificates: raw(&sd.certificates),
            crls: raw(&sd.crls),
            signer_infos: sd.signer_infos.iter().map(|si| si.raw.to_vec()).collect(),
        }
    }

    /// Write the ContentInfo in DER with definite lengths; the content, when attached, is
    /// streamed between the prefix and the suffix so it is never held in memory.
    pub(crate) fn write(
        &self,
        out: &mut dyn Write,
        content: Option<ContentWriter<'_>>,
    ) -> std::io::Result<()> {
        fn refs(v: &[Vec<u8>]) -> Vec<&[u8]> {
            v.iter().map(Vec::as_slice).collect()
        }
        let version = asn1::tlv(tag::INTEGER, &[&[self.version as u8]]);
        let digests = asn1::set_of(refs(&self.digest_algorithms));
        let econtent_type = asn1::tlv(tag::OID, &[&self.econtent_type]);
        let mut suffix = Vec::new();
        if !self.certificates.is_empty() {
            let mut set = asn1::set_of(refs(&self.certificates));
            set[0] = tag::ctx_cons(0); // certificates [0] IMPLICIT CertificateSet
            suffix.extend_from_slice(&set);
        }
        if !self.crls.is_empty() {
            let mut set = asn1::set_of(refs(&self.crls));
            set[0] = tag::ctx_cons(1);
            suffix.extend_from_slice(&set);
        }
        suffix.extend_from_slice(&asn1::set_of(refs(&self.signer_infos)));

        let content_len = content.as_ref().map(|(l, _)| *l);
        // encapContentInfo: SEQUENCE { eContentType, [0] EXPLICIT OCTET STRING }
        let econtent_total = content_len.map(|l| {
            let octets = header_len(l) + l;
            header_len(octets) + octets
        });
        let encap_inner = econtent_type.len() as u64 + econtent_total.unwrap_or(0);
        let encap_total = header_len(encap_inner) + encap_inner;
        let sd_inner =
            version.len() as u64 + digests.len() as u64 + encap_total + suffix.len() as u64;
        let sd_total = header_len(sd_inner) + sd_inner;
        let signed_data_oid = asn1::tlv(tag::OID, &[oid::SIGNED_DATA.as_bytes()]);
        let ci_inner = signed_data_oid.len() as u64 + header_len(sd_total) + sd_total;

        let mut prefix = Vec::new();
        write_header(&mut prefix, tag::SEQUENCE, ci_inner as usize);
        prefix.extend_from_slice(&signed_data_oid);
        write_header(&mut prefix, tag::ctx_cons(0), sd_total as usize);
        write_header(&mut prefix, tag::SEQUENCE, sd_inner as usize);
        prefix.extend_from_slice(&version);
        prefix.extend_from_slice(&digests);
        write_header(&mut prefix, tag::SEQUENCE, encap_inner as usize);
        prefix.extend_from_slice(&econtent_type);
        match content {
            None => {
                out.write_all(&prefix)?;
            }
            Some((len, stream)) => {
                write_header(
                    &mut prefix,
                    tag::ctx_cons(0),
                    (header_len(len) + len) as usize,
                );
                write_header(&mut prefix, tag::OCTET_STRING, len as usize);
                out.write_all(&prefix)?;
                stream(out)?;
            }
        }
        out.write_all(&suffix)?;
        out.flush()
    }
}

/// `si` (a SignerInfo's encoding) with `added` unsigned attributes (each an encoded Attribute)
/// appended after the ones it has (RFC 5652 §5.3 unsignedAttrs [1] IMPLICIT). Everything the
/// signature covers, and every attribute already there, is copied byte for byte: the existing
/// order is kept, since archive time-stamps (ETSI EN 319 122-1 §5.5.3) hash the unsigned
/// attributes in their order of appearance.
pub(crate) fn with_unsigned_attributes(si: &[u8], added: &[Vec<u8>]) -> asn1::Result<Vec<u8>> {
    let seq = Tlv::parse_exact(si, "SignerInfo")?.expect(tag::SEQUENCE, "SignerInfo")?;
    let mut r = seq.reader();
    let mut head: Vec<&[u8]> = Vec::new();
    let mut unsigned: Vec<u8> = Vec::new();
    while !r.is_empty() {
        let t = r.read()?;
        if t.tag == tag::ctx_cons(1) && r.is_empty() {
            unsigned.extend_from_slice(t.value);
        } else {
            head.push(t.raw);
        }
    }
    for a in added {
        unsigned.extend_from_slice(a);
    }
    let attrs = asn1::tlv(tag::ctx_cons(1), &[&unsigned]);
    head.push(&attrs);
    Ok(asn1::tlv(tag::SEQUENCE, &head))
}

/// Attribute ::= SEQUENCE { attrType, attrValues SET OF } with one value (RFC 5652 §5.3).
pub(crate) fn attribute(o: &der::asn1::ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    asn1::tlv(
        tag::SEQUENCE,
        &[
            &asn1::tlv(tag::OID, &[o.as_bytes()]),
            &asn1::tlv(tag::SET, &[value]),
        ],
    )
}
