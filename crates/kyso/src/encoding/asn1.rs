//! A small, bounded DER reader and writer (ITU-T X.690 §8 and §10).
//!
//! kyso parses CMS structures itself instead of decoding them into owned `cms` types, for three
//! reasons: the verifier needs the exact bytes of what was signed (signed attributes, each
//! SignerInfo, certificates), co-signing must copy existing SignerInfos byte for byte, and real
//! signatures carry encodings (unsorted SET OF, duplicate certificates, long serial numbers) that
//! a strict decoder rejects although OpenSSL accepts them. Input is first normalised from BER to
//! DER by [`crate::encoding::ber`], so this reader only accepts definite lengths.

use std::fmt;

/// Universal and context tags used by CMS, as the identifier octet.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const T61_STRING: u8 = 0x14;
    pub(crate) const IA5_STRING: u8 = 0x16;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const UNIVERSAL_STRING: u8 = 0x1c;
    pub(crate) const BMP_STRING: u8 = 0x1e;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// `[n]` constructed, context-specific.
    pub(crate) const fn ctx_cons(n: u8) -> u8 {
        0xa0 | n
    }
    /// `[n]` primitive, context-specific.
    pub(crate) const fn ctx_prim(n: u8) -> u8 {
        0x80 | n
    }
}

/// Why some bytes are not the DER that was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asn1Error {
    /// What was wrong, in words.
    pub what: String,
}

impl fmt::Display for Asn1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

pub(crate) type Result<T> = std::result::Result<T, Asn1Error>;

pub(crate) fn err<T>(what: impl Into<String>) -> Result<T> {
    Err(Asn1Error { what: what.into() })
}

/// One tag-length-value element borrowed from its encoding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (high tag numbers are folded into `0x1f | class`).
    pub tag: u8,
    /// The contents octets.
    pub value: &'a [u8],
    /// The whole element: identifier, length and contents.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Parse exactly one element that fills `data`.
    pub(crate) fn parse_exact(data: &'a [u8], what: &str) -> Result<Tlv<'a>> {
        let mut r = Reader::new(data);
        let tlv = r.read()?;
        if !r.is_empty() {
            return err(format!(
                "{what}: {} trailing bytes after the element",
                r.remaining()
            ));
        }
        Ok(tlv)
    }

    /// A reader over the contents of a constructed element.
    pub(crate) fn reader(&self) -> Reader<'a> {
        Reader::new(self.value)
    }

    /// Check the tag and return self.
    pub(crate) fn expect(self, tag: u8, what: &str) -> Result<Tlv<'a>> {
        if self.tag != tag {
            return err(format!(
                "{what}: expected tag 0x{tag:02x}, found 0x{:02x}",
                self.tag
            ));
        }
        Ok(self)
    }

    /// The value of a small non-negative INTEGER (versions, counts).
    pub(crate) fn small_uint(&self, what: &str) -> Result<u64> {
        if self.tag != tag::INTEGER || self.value.is_empty() || self.value.len() > 8 {
            return err(format!("{what}: not a small INTEGER"));
        }
        if self.value[0] & 0x80 != 0 {
            return err(format!("{what}: negative INTEGER"));
        }
        Ok(self
            .value
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }
}

/// Reads consecutive DER elements from a slice.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// The identifier octet of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Read the next element (X.690 §8.1: identifier, definite length, contents).
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>> {
        let start = self.pos;
        let data = self.data;
        let mut p = start;
        let first = *data.get(p).ok_or_else(|| Asn1Error {
            what: "unexpected end of data".into(),
        })?;
        p += 1;
        if first & 0x1f == 0x1f {
            // High tag number form (X.690 §8.1.2.4): skip the base-128 number, at most 4 octets.
            let mut n = 0;
            loop {
                let b = *data.get(p).ok_or_else(|| Asn1Error {
                    what: "truncated tag".into(),
                })?;
                p += 1;
                n += 1;
                if b & 0x80 == 0 {
                    break;
                }
                if n >= 4 {
                    return err("tag number too large");
                }
            }
        }
        let (len, len_octets) = read_length(&data[p..])?;
        p += len_octets;
        let end = p
            .checked_add(len)
            .filter(|e| *e <= data.len())
            .ok_or_else(|| Asn1Error {
                what: format!(
                    "element claims {len} bytes but only {} remain",
                    data.len() - p
                ),
            })?;
        let value = &data[p..end];
        if first == tag::OID {
            check_oid(value)?;
        }
        self.pos = end;
        Ok(Tlv {
            tag: first,
            value,
            raw: &data[start..end],
        })
    }

    /// Read the next element and check its tag.
    pub(crate) fn expect(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>> {
        self.read()?.expect(tag, what)
    }

    /// Read the next element only if it has this tag.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) {
            self.read().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fail unless everything was consumed.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            err(format!(
                "{what}: {} unexpected bytes at the end",
                self.remaining()
            ))
        }
    }
}

/// X.690 §8.19.2 (BER, so DER too): an OBJECT IDENTIFIER has at least one subidentifier,
/// each "encoded in as few octets as possible" (its leading octet is never 0x80) and ending
/// with an octet whose high bit is clear. A padded OID would otherwise compare unequal to the
/// real one byte for byte while naming the same object for other decoders (a second
/// messageDigest attribute, a content type that is and is not id-data).
fn check_oid(value: &[u8]) -> Result<()> {
    if value.is_empty() {
        return err("an OBJECT IDENTIFIER is empty (X.690 §8.19.2)");
    }
    if value.last().is_some_and(|b| b & 0x80 != 0) {
        return err("an OBJECT IDENTIFIER ends inside a subidentifier (X.690 §8.19.2)");
    }
    let mut at_start = true;
    for b in value {
        if at_start && *b == 0x80 {
            return err(
                "an OBJECT IDENTIFIER subidentifier is not in its shortest form (X.690 §8.19.2: the leading octet shall not be 0x80)",
            );
        }
        at_start = b & 0x80 == 0;
    }
    Ok(())
}

/// Decode a definite length (X.690 §8.1.3); returns (length, octets used).
fn read_length(data: &[u8]) -> Result<(usize, usize)> {
    let first = *data.first().ok_or_else(|| Asn1Error {
        what: "truncated length".into(),
    })?;
    if first < 0x80 {
        return Ok((usize::from(first), 1));
    }
    if first == 0x80 {
        return err("indefinite length where DER was expected");
    }
    let n = usize::from(first & 0x7f);
    if n > 4 {
        // 4 length octets already allow 4 GiB elements; anything longer is hostile.
        return err(format!("length field of {n} octets is absurd"));
    }
    let bytes = data.get(1..=n).ok_or_else(|| Asn1Error {
        what: "truncated length".into(),
    })?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Ok((len, 1 + n))
}

/// Append a DER header (identifier and definite length) for `len` content octets.
pub(crate) fn write_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    write_length(out, len);
}

/// Append a DER definite length in the minimal form (X.690 §10.1).
pub(crate) fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (8 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Encode one element from a tag and its contents.
pub(crate) fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(len + 6);
    write_header(&mut out, tag, len);
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// Encode a DER SET OF from already-encoded elements: X.690 §11.6 orders the encodings as
/// octet strings, the shorter one padded with trailing zeros. Duplicates are kept.
pub(crate) fn set_of(mut elements: Vec<&[u8]>) -> Vec<u8> {
    elements.sort_by(|a, b| der_set_order(a, b));
    tlv(tag::SET, &elements)
}

fn der_set_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    let pad = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    (0..n)
        .map(|i| pad(a, i).cmp(&pad(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Render an OBJECT IDENTIFIER's contents octets in dotted form.
pub(crate) fn oid_to_string(value: &[u8]) -> String {
    match ::der::asn1::ObjectIdentifier::from_bytes(value) {
        Ok(oid) => oid.to_string(),
        Err(_) => format!("<invalid OID {}>", hex::encode(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_must_be_minimal() {
        // 2.5.4.3 (id-at-commonName) and the same OID padded with a 0x80 octet.
        let good = [0x06, 0x03, 0x55, 0x04, 0x03];
        assert!(Tlv::parse_exact(&good, "oid").is_ok());
        let padded = [0x06, 0x04, 0x55, 0x80, 0x04, 0x03];
        let e = Tlv::parse_exact(&padded, "oid").unwrap_err();
        assert!(e.what.contains("8.19.2"), "{e}");
        let padded_first = [0x06, 0x04, 0x80, 0x55, 0x04, 0x03];
        assert!(Tlv::parse_exact(&padded_first, "oid").is_err());
        let unterminated = [0x06, 0x02, 0x55, 0x84];
        assert!(Tlv::parse_exact(&unterminated, "oid").is_err());
        assert!(Tlv::parse_exact(&[0x06, 0x00], "oid").is_err());
        // The check applies inside constructed values read later, too.
        let seq = [0x30, 0x06, 0x06, 0x04, 0x55, 0x80, 0x04, 0x03];
        let t = Tlv::parse_exact(&seq, "seq").unwrap();
        assert!(t.reader().read().is_err());
    }

    #[test]
    fn reads_nested_elements_and_rejects_overlong_claims() {
        let data = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa];
        let seq = Tlv::parse_exact(&data, "t").unwrap();
        let mut r = seq.reader();
        assert_eq!(r.read().unwrap().small_uint("v").unwrap(), 5);
        assert_eq!(r.expect(tag::OCTET_STRING, "o").unwrap().value, &[0xaa]);
        r.finish("t").unwrap();

        let bad = [0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00];
        assert!(Tlv::parse_exact(&bad, "t")
            .unwrap_err()
            .what
            .contains("claims"));
        assert!(Tlv::parse_exact(&[0x30, 0x80, 0, 0], "t").is_err());
        assert!(Tlv::parse_exact(&[0x04, 0x01, 0x00, 0x00], "t")
            .unwrap_err()
            .what
            .contains("trailing"));
    }

    #[test]
    fn set_of_is_sorted_and_lengths_are_minimal() {
        let a = [0x04, 0x01, 0x02];
        let b = [0x04, 0x01, 0x01];
        assert_eq!(
            set_of(vec![&a, &b]),
            vec![0x31, 0x06, 0x04, 0x01, 0x01, 0x04, 0x01, 0x02]
        );
        let mut out = Vec::new();
        write_length(&mut out, 0x1234);
        assert_eq!(out, vec![0x82, 0x12, 0x34]);
    }
}
