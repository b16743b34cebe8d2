//! Streaming BER to DER normalisation of a ContentInfo (X.690 §8 in, §10 out).
//!
//! Signatures in the field are often BER: indefinite lengths and chunked (constructed) OCTET
//! STRINGs, as `openssl cms -stream` writes them. kyso reads any input once, as a stream, and
//! produces the DER of the whole structure *except* the encapsulated content of a SignedData
//! (RFC 5652 §5.2, `eContent`), whose octets go to a caller-supplied sink instead. The result is
//! a small DER "skeleton" in the detached form, so memory does not grow with the content size.
//!
//! Work is bounded: nesting depth, the size of everything that is kept, and the number of
//! elements. Every failure says what was wrong.

use std::io::{self, Read};

use crate::encoding::asn1::{self, tag, Tlv};

/// Nesting deeper than this is rejected. The deepest legitimate CMS structure we know
/// (ContentInfo > SignedData > certificates > Certificate > extensions > a policy qualifier)
/// stays under 20 levels; 64 leaves room for odd producers and bounds recursion.
const MAX_DEPTH: usize = 64;

/// Everything kept in memory (certificates, CRLs, SignerInfos) together may not exceed this.
/// The largest real-world SignedData skeletons (long chains with embedded CRLs) are a few MiB.
pub(crate) const MAX_SKELETON: usize = 64 << 20;

/// Upper bound on the number of elements, so a file of millions of empty elements is refused
/// quickly instead of being walked.
const MAX_ELEMENTS: usize = 4_000_000;

/// What went wrong while normalising.
#[derive(Debug)]
pub(crate) enum NormalizeError {
    /// The bytes could not be read (not a format problem).
    Io(io::Error),
    /// The bytes are not a well-formed BER/DER ContentInfo.
    Format(String),
}

impl From<io::Error> for NormalizeError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            NormalizeError::Format(
                "the data ends in the middle of an element (truncated file?)".into(),
            )
        } else {
            NormalizeError::Io(e)
        }
    }
}

type Result<T> = std::result::Result<T, NormalizeError>;

fn format<T>(what: impl Into<String>) -> Result<T> {
    Err(NormalizeError::Format(what.into()))
}

/// The outcome of normalising one ContentInfo.
#[derive(Debug)]
pub(crate) struct Normalized {
    /// DER of the ContentInfo, with a SignedData's `eContent` removed.
    pub der: Vec<u8>,
    /// Length of the removed `eContent` (the content octets), when the SignedData had one.
    pub content_len: Option<u64>,
}

/// The child index path of `eContent`'s `[0] EXPLICIT` wrapper inside a ContentInfo holding a
/// SignedData: ContentInfo.content(1) > SignedData(0) > encapContentInfo(2) > eContent(1).
const ECONTENT_PATH: [usize; 4] = [1, 0, 2, 1];
/// Identifier octets of the elements enclosing it: ContentInfo, [0], SignedData, encapContentInfo.
const ECONTENT_TAGS: [u8; 4] = [
    tag::SEQUENCE,
    tag::ctx_cons(0),
    tag::SEQUENCE,
    tag::SEQUENCE,
];

/// SignedData.digestAlgorithms: ContentInfo.content(1) > SignedData(0) > digestAlgorithms(1).
const DIGEST_ALGORITHMS_PATH: [usize; 3] = [1, 0, 1];

/// DER contents octets of id-signedData (1.2.840.113549.1.7.2).
const ID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Receives the encapsulated content while it is read.
pub(crate) trait ContentSink {
    /// Called once, before the first octet, with the DER of the SignedData's digestAlgorithms
    /// SET (it precedes the content in the encoding), so hashers can be set up in one pass.
    fn begin(&mut self, digest_algorithms: Option<&[u8]>) -> io::Result<()>;
    /// The next octets of the content.
    fn data(&mut self, chunk: &[u8]) -> io::Result<()>;
}

/// A sink that drops the content.
pub(crate) struct Discard;

impl ContentSink for Discard {
    fn begin(&mut self, _: Option<&[u8]>) -> io::Result<()> {
        Ok(())
    }
    fn data(&mut self, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Normalise one ContentInfo read from `input`; the eContent octets of a SignedData are passed
/// to `sink` in order. Bytes after the ContentInfo are an error.
pub(crate) fn normalize(input: &mut dyn Read, sink: &mut dyn ContentSink) -> Result<Normalized> {
    let mut t = Transcoder {
        input: Counting {
            inner: input,
            pos: 0,
        },
        digest_algorithms: None,
        kept: 0,
        elements: 0,
        sink,
        content_len: None,
        signed_data: false,
        buf: vec![0u8; 64 * 1024],
    };
    let header = match t.header()? {
        Some(h) => h,
        None => return format("the input is empty"),
    };
    if header.tag != [tag::SEQUENCE] {
        return format(format!(
            "the input does not start with a DER SEQUENCE (first byte 0x{:02x}); it is not a CMS/PKCS#7 ContentInfo",
            header.tag[0]
        ));
    }
    let mut path = Vec::with_capacity(8);
    let der = t.element(header, &mut path, &[])?.unwrap_or_default();
    let mut probe = [0u8; 1];
    if t.input.read(&mut probe)? != 0 {
        return format("trailing bytes after the ContentInfo: the file has extra data at its end");
    }
    Ok(Normalized {
        der,
        content_len: t.content_len,
    })
}

struct Header {
    /// Identifier octets (one, or more for high tag numbers).
    tag: Vec<u8>,
    /// `None` for the indefinite form.
    len: Option<u64>,
}

impl Header {
    fn constructed(&self) -> bool {
        self.tag[0] & 0x20 != 0
    }
    fn is_eoc(&self) -> bool {
        self.tag == [0] && self.len == Some(0)
    }
}

struct Transcoder<'a> {
    input: Counting<'a>,
    kept: usize,
    elements: usize,
    sink: &'a mut dyn ContentSink,
    /// DER of SignedData.digestAlgorithms, kept for [`ContentSink::begin`].
    digest_algorithms: Option<Vec<u8>>,
    content_len: Option<u64>,
    signed_data: bool,
    buf: Vec<u8>,
}

/// A reader that knows how many octets it has delivered, so definite lengths can be checked.
struct Counting<'a> {
    inner: &'a mut dyn Read,
    pos: u64,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Transcoder<'_> {
    fn byte(&mut self) -> Result<Option<u8>> {
        let mut b = [0u8; 1];
        loop {
            match self.input.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(b[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn need_byte(&mut self) -> Result<u8> {
        match self.byte()? {
            Some(b) => Ok(b),
            None => format("the data ends in the middle of an element header (truncated file?)"),
        }
    }

    /// Read an identifier and length (X.690 §8.1.2, §8.1.3); `None` at a clean end of input.
    fn header(&mut self) -> Result<Option<Header>> {
        let Some(first) = self.byte()? else {
            return Ok(None);
        };
        self.elements += 1;
        if self.elements > MAX_ELEMENTS {
            return format(format!(
                "more than {MAX_ELEMENTS} ASN.1 elements: refusing to continue"
            ));
        }
        let mut tag = vec![first];
        if first & 0x1f == 0x1f {
            loop {
                let b = self.need_byte()?;
                tag.push(b);
                if b & 0x80 == 0 {
                    break;
                }
                if tag.len() > 5 {
                    return format("an ASN.1 tag number is too large");
                }
            }
        }
        let l = self.need_byte()?;
        let len = if l < 0x80 {
            Some(u64::from(l))
        } else if l == 0x80 {
            None
        } else {
            let n = l & 0x7f;
            if n > 8 {
                return format(format!("an ASN.1 length field of {n} octets is absurd"));
            }
            let mut v = 0u64;
            for _ in 0..n {
                v = (v << 8) | u64::from(self.need_byte()?);
            }
            Some(v)
        };
        Ok(Some(Header { tag, len }))
    }

    /// Transcode one element whose header was read; returns its DER, or `None` for the removed
    /// eContent. `parents` holds the first identifier octet of each element along `path`.
    fn element(
        &mut self,
        h: Header,
        path: &mut Vec<usize>,
        parents: &[u8],
    ) -> Result<Option<Vec<u8>>> {
        if path.len() >= MAX_DEPTH {
            return format(format!(
                "ASN.1 nesting deeper than {MAX_DEPTH} levels: refusing hostile input"
            ));
        }
        if !h.constructed() {
            let Some(len) = h.len else {
                return format(
                    "a primitive ASN.1 element uses the indefinite length form (X.690 §8.1.3.2)",
                );
            };
            let value = self.keep(len)?;
            // The first element of a ContentInfo is its contentType (RFC 5652 §3).
            if path.as_slice() == [0] {
                self.signed_data = h.tag == [tag::OID] && value == ID_SIGNED_DATA;
            }
            return Ok(Some(encode(&h.tag, &value)));
        }
        if self.signed_data
            && path.as_slice() == ECONTENT_PATH
            && parents == ECONTENT_TAGS
            && h.tag == [tag::ctx_cons(0)]
        {
            self.stream_econtent(h)?;
            return Ok(None);
        }
        let mut children: Vec<u8> = Vec::new();
        let start = self.input.pos;
        let mut index = 0usize;
        let mut parent_tags = parents.to_vec();
        parent_tags.push(h.tag[0]);
        loop {
            if let Some(len) = h.len {
                let used = self.input.pos - start;
                if used == len {
                    break;
                }
                if used > len {
                    return format("an ASN.1 element is longer than the element that contains it");
                }
            }
            let Some(child) = self.header()? else {
                return format("the data ends inside a constructed element (truncated file?)");
            };
            if child.is_eoc() {
                if h.len.is_none() {
                    break;
                }
                return format("an end-of-contents marker inside a definite-length element");
            }
            path.push(index);
            let out = self.element(child, path, &parent_tags)?;
            path.pop();
            if let Some(bytes) = out {
                children.extend_from_slice(&bytes);
            }
            index += 1;
        }
        // A constructed OCTET STRING (X.690 §8.7.3) becomes one primitive OCTET STRING in DER.
        if h.tag == [0x24] {
            let mut value = Vec::with_capacity(children.len());
            let mut r = crate::encoding::asn1::Reader::new(&children);
            while !r.is_empty() {
                let part = r.read().map_err(|e| NormalizeError::Format(e.what))?;
                if part.tag != tag::OCTET_STRING {
                    return format(
                        "a constructed OCTET STRING holds something other than OCTET STRINGs",
                    );
                }
                value.extend_from_slice(part.value);
            }
            return Ok(Some(encode(&[tag::OCTET_STRING], &value)));
        }
        let out = encode(&h.tag, &children);
        if self.signed_data && path.as_slice() == DIGEST_ALGORITHMS_PATH && h.tag == [tag::SET] {
            self.digest_algorithms = Some(out.clone());
        }
        Ok(Some(out))
    }

    /// Keep `len` contents octets, bounded by the skeleton budget.
    fn keep(&mut self, len: u64) -> Result<Vec<u8>> {
        let room = (MAX_SKELETON - self.kept) as u64;
        if len > room {
            return format(format!(
                "an ASN.1 element claims {len} bytes, more than the {} MiB kyso keeps in memory for a signature's structure",
                MAX_SKELETON >> 20
            ));
        }
        let len = len as usize;
        self.kept += len;
        let mut value = vec![0u8; len];
        self.input.read_exact(&mut value)?;
        Ok(value)
    }

    /// Pass the eContent OCTET STRING (primitive, or constructed in chunks) to the sink.
    fn stream_econtent(&mut self, wrapper: Header) -> Result<()> {
        self.sink
            .begin(self.digest_algorithms.as_deref())
            .map_err(NormalizeError::Io)?;
        let start = self.input.pos;
        let Some(inner) = self.header()? else {
            return format("the encapsulated content is truncated");
        };
        let mut total = 0u64;
        self.stream_octets(inner, &mut total, 0)?;
        match wrapper.len {
            Some(len) if len != self.input.pos - start => {
                return format("the eContent [0] wrapper length does not match its OCTET STRING");
            }
            Some(_) => {}
            None => {
                let Some(eoc) = self.header()? else {
                    return format("the encapsulated content is truncated");
                };
                if !eoc.is_eoc() {
                    return format("eContent [0] holds more than one OCTET STRING");
                }
            }
        }
        self.content_len = Some(total);
        Ok(())
    }

    /// Stream an OCTET STRING's octets to the sink.
    fn stream_octets(&mut self, h: Header, total: &mut u64, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return format("chunked content nested too deeply");
        }
        match (h.tag.as_slice(), h.len) {
            ([0x04], Some(len)) => {
                let mut left = len;
                let mut chunk = std::mem::take(&mut self.buf);
                let mut res = Ok(());
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if let Err(e) = self.input.read_exact(&mut chunk[..n]) {
                        res = Err(e.into());
                        break;
                    }
                    if let Err(e) = self.sink.data(&chunk[..n]) {
                        res = Err(NormalizeError::Io(e));
                        break;
                    }
                    left -= n as u64;
                }
                self.buf = chunk;
                res?;
                *total += len;
            }
            ([0x24], len) => {
                let start = self.input.pos;
                loop {
                    if let Some(l) = len {
                        let used = self.input.pos - start;
                        if used == l {
                            break;
                        }
                        if used > l {
                            return format("a content chunk overruns its enclosing OCTET STRING");
                        }
                    }
                    let Some(part) = self.header()? else {
                        return format("the encapsulated content is truncated");
                    };
                    if part.is_eoc() {
                        if len.is_none() {
                            break;
                        }
                        return format(
                            "an end-of-contents marker inside a definite-length OCTET STRING",
                        );
                    }
                    self.stream_octets(part, total, depth + 1)?;
                }
            }
            _ => return format("the encapsulated content is not an OCTET STRING (RFC 5652 §5.2)"),
        }
        Ok(())
    }
}

/// A ContentInfo that is already in the form [`normalize`] produces, read without copying.
#[derive(Debug)]
pub(crate) struct Borrowed<'a> {
    /// The DER skeleton: the input itself, or (attached content) the input without `eContent`.
    pub der: std::borrow::Cow<'a, [u8]>,
    /// The contents octets of the `eContent` OCTET STRING, when the SignedData has one.
    pub content: Option<&'a [u8]>,
    /// The DER of SignedData.digestAlgorithms, for [`ContentSink::begin`].
    pub digest_algorithms: Option<&'a [u8]>,
}

/// Elements the DER check walks before handing the input to the transcoder instead; real
/// signatures have a few hundred, and the transcoder applies [`MAX_ELEMENTS`] with its message.
const FAST_MAX_ELEMENTS: usize = 100_000;

/// The DER fast path: when `data` is a ContentInfo that [`normalize`] would reproduce octet
/// for octet (definite, minimal lengths; no constructed OCTET STRING; low tag numbers; nothing
/// after it; within the depth bound), return it borrowed, with a SignedData's eContent located
/// so that it can be hashed in place. `None` means "not known to be DER": the caller runs the
/// transcoder, which also produces every error message, so both paths give the same results.
pub(crate) fn borrow_if_der(data: &[u8]) -> Option<Borrowed<'_>> {
    use crate::encoding::asn1::Reader;
    if data.first() != Some(&tag::SEQUENCE) {
        return None;
    }
    let mut elements = 0usize;
    let (_, _, end) = canonical(data, 0, 0, &mut elements)?;
    if end != data.len() {
        return None;
    }
    // Locate eContent along ECONTENT_PATH, as the transcoder does (tags in ECONTENT_TAGS).
    let ci = Reader::new(data).read().ok()?;
    let mut r = ci.reader();
    let content_type = r.read().ok()?;
    let signed_data = content_type.tag == tag::OID && content_type.value == ID_SIGNED_DATA;
    let borrowed = |digest_algorithms| {
        Some(Borrowed {
            der: std::borrow::Cow::Borrowed(data),
            content: None,
            digest_algorithms,
        })
    };
    if !signed_data {
        return borrowed(None);
    }
    let Ok(explicit) = r.read() else {
        return borrowed(None);
    };
    if explicit.tag != tag::ctx_cons(0) {
        return borrowed(None);
    }
    let mut er = explicit.reader();
    let Ok(sd) = er.read() else {
        return borrowed(None);
    };
    if sd.tag != tag::SEQUENCE {
        return borrowed(None);
    }
    let mut sr = sd.reader();
    let mut children = Vec::with_capacity(6);
    while let Ok(t) = sr.read() {
        children.push(t);
    }
    let digest_algorithms = children
        .get(DIGEST_ALGORITHMS_PATH[2])
        .filter(|t| t.tag == tag::SET)
        .map(|t| t.raw);
    let Some(encap) = children
        .get(ECONTENT_PATH[2])
        .filter(|t| t.tag == tag::SEQUENCE)
    else {
        return borrowed(digest_algorithms);
    };
    let mut cr = encap.reader();
    let Ok(econtent_type) = cr.read() else {
        return borrowed(digest_algorithms);
    };
    let Ok(wrapper) = cr.read() else {
        return borrowed(digest_algorithms);
    };
    if wrapper.tag != tag::ctx_cons(0) {
        return borrowed(digest_algorithms);
    }
    // eContent [0] EXPLICIT OCTET STRING: exactly one primitive OCTET STRING (anything else
    // is an error the transcoder words).
    let octets = Tlv::parse_exact(wrapper.value, "eContent").ok()?;
    if octets.tag != tag::OCTET_STRING {
        return None;
    }
    // The skeleton without eContent: the four enclosing elements re-encoded around the rest.
    let mut rest_of_encap: Vec<&[u8]> = vec![econtent_type.raw];
    while let Ok(t) = cr.read() {
        rest_of_encap.push(t.raw);
    }
    let encap_der = asn1::tlv(tag::SEQUENCE, &rest_of_encap);
    let sd_parts: Vec<&[u8]> = children
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i == ECONTENT_PATH[2] {
                encap_der.as_slice()
            } else {
                t.raw
            }
        })
        .collect();
    let sd_der = asn1::tlv(tag::SEQUENCE, &sd_parts);
    let mut ci_parts: Vec<&[u8]> = vec![content_type.raw];
    let mut explicit_parts: Vec<&[u8]> = vec![&sd_der];
    while let Ok(t) = er.read() {
        explicit_parts.push(t.raw);
    }
    let explicit_der = asn1::tlv(tag::ctx_cons(0), &explicit_parts);
    ci_parts.push(&explicit_der);
    while let Ok(t) = r.read() {
        ci_parts.push(t.raw);
    }
    Some(Borrowed {
        der: std::borrow::Cow::Owned(asn1::tlv(tag::SEQUENCE, &ci_parts)),
        content: Some(octets.value),
        digest_algorithms,
    })
}

/// Check the element at `data[at..]` (and everything inside it) is in the transcoder's output
/// form; returns (identifier, contents start, end). `None` on anything else.
fn canonical(
    data: &[u8],
    at: usize,
    depth: usize,
    elements: &mut usize,
) -> Option<(u8, usize, usize)> {
    *elements += 1;
    if depth + 1 >= MAX_DEPTH || *elements > FAST_MAX_ELEMENTS {
        return None;
    }
    let id = *data.get(at)?;
    // High tag numbers, end-of-contents octets and constructed OCTET STRINGs are left to the
    // transcoder (the last two are errors or get rewritten there).
    if id & 0x1f == 0x1f || id == 0 || id == 0x24 {
        return None;
    }
    let l = *data.get(at + 1)?;
    let (len, start) = if l < 0x80 {
        (usize::from(l), at + 2)
    } else {
        let n = usize::from(l & 0x7f);
        // Indefinite (n == 0) or longer than 4 octets: not ours.
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = data.get(at + 2..at + 2 + n)?;
        // X.690 §10.1: the minimal number of octets, and the long form only from 128 on.
        if bytes[0] == 0 {
            return None;
        }
        let len = bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
        if len < 0x80 {
            return None;
        }
        (len, at + 2 + n)
    };
    let end = start.checked_add(len).filter(|e| *e <= data.len())?;
    if id & 0x20 != 0 {
        let mut p = start;
        while p < end {
            let (_, _, e) = canonical(&data[..end], p, depth + 1, elements)?;
            p = e;
        }
    }
    Some((id, start, end))
}

fn encode(tag: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + tag.len() + 5);
    out.extend_from_slice(tag);
    crate::encoding::asn1::write_length(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(Vec<u8>, Option<Vec<u8>>);
    impl ContentSink for Collect {
        fn begin(&mut self, d: Option<&[u8]>) -> io::Result<()> {
            self.1 = d.map(<[u8]>::to_vec);
            Ok(())
        }
        fn data(&mut self, c: &[u8]) -> io::Result<()> {
            self.0.extend_from_slice(c);
            Ok(())
        }
    }

    fn run(data: &[u8]) -> (Result<Normalized>, Vec<u8>) {
        let mut sink = Collect(Vec::new(), None);
        let mut input: &[u8] = data;
        let r = normalize(&mut input, &mut sink);
        if r.is_ok() && sink.1.is_none() && !sink.0.is_empty() {
            panic!("begin() was not called before the content");
        }
        (r, sink.0)
    }

    #[test]
    fn indefinite_chunked_signed_data_is_normalised_and_content_streamed() {
        // ContentInfo { signedData, [0] { SignedData { INTEGER 1, SET {}, SEQ { id-data, [0] { OCTET STRING (chunked "ab","c") } } } } }
        let mut d = vec![0x30, 0x80, 0x06, 0x09];
        d.extend_from_slice(ID_SIGNED_DATA);
        d.extend_from_slice(&[0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x31, 0x00]);
        d.extend_from_slice(&[
            0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
        ]);
        d.extend_from_slice(&[
            0xa0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0,
        ]);
        d.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        let (r, content) = run(&d);
        let n = r.unwrap();
        assert_eq!(content, b"abc");
        assert_eq!(n.content_len, Some(3));
        // Detached skeleton in DER: encapContentInfo keeps only its eContentType.
        let mut want = vec![0x30, 0x21, 0x06, 0x09];
        want.extend_from_slice(ID_SIGNED_DATA);
        want.extend_from_slice(&[
            0xa0, 0x14, 0x30, 0x12, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b, 0x06, 0x09,
        ]);
        want.extend_from_slice(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
        assert_eq!(n.der, want);
    }

    /// DER of a ContentInfo { signedData, SignedData { 1, {}, { id-data, [0] OCTET STRING } } }.
    fn der_signed_data(content: &[u8]) -> Vec<u8> {
        let t = |tag, parts: &[&[u8]]| asn1::tlv(tag, parts);
        let id_data = t(
            tag::OID,
            &[&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]],
        );
        let econtent = t(tag::ctx_cons(0), &[&t(tag::OCTET_STRING, &[content])]);
        let encap = t(tag::SEQUENCE, &[&id_data, &econtent]);
        let sd = t(
            tag::SEQUENCE,
            &[
                &[0x02, 0x01, 0x01],
                &t(tag::SET, &[]),
                &encap,
                &t(tag::SET, &[]),
            ],
        );
        t(
            tag::SEQUENCE,
            &[
                &t(tag::OID, &[ID_SIGNED_DATA]),
                &t(tag::ctx_cons(0), &[&sd]),
            ],
        )
    }

    #[test]
    fn der_fast_path_matches_the_transcoder_octet_for_octet() {
        for content in [&b""[..], b"abc", &[7u8; 300], &[1u8; 70_000]] {
            let der = der_signed_data(content);
            let (n, streamed) = run(&der);
            let n = n.unwrap();
            let b = borrow_if_der(&der).expect("DER input takes the fast path");
            assert_eq!(&*b.der, n.der.as_slice());
            assert_eq!(b.content, Some(content));
            assert_eq!(streamed, content);
            assert_eq!(n.content_len, Some(content.len() as u64));
            // The skeleton itself (no eContent) is DER too, and is borrowed as it is.
            let again = borrow_if_der(&n.der).expect("a skeleton is DER");
            assert!(matches!(again.der, std::borrow::Cow::Borrowed(_)));
            assert_eq!(again.content, None);
        }
    }

    #[test]
    fn non_der_input_is_left_to_the_transcoder() {
        let der = der_signed_data(b"abc");
        // Indefinite lengths (the test above builds the same SignedData in BER).
        let mut ber = vec![0x30, 0x80];
        ber.extend_from_slice(&der[2..]);
        ber.extend_from_slice(&[0, 0]);
        assert!(borrow_if_der(&ber).is_none());
        assert!(run(&ber).0.is_ok());
        // A non-minimal length: DER forbids it (X.690 §10.1); the transcoder rewrites it.
        let mut long = vec![0x30, 0x81, der[1]];
        long.extend_from_slice(&der[2..]);
        assert!(borrow_if_der(&long).is_none());
        assert_eq!(run(&long).0.unwrap().der, run(&der).0.unwrap().der);
        // Trailing bytes and truncation: the transcoder words the error.
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(borrow_if_der(&trailing).is_none());
        assert!(borrow_if_der(&der[..der.len() - 1]).is_none());
    }

    #[test]
    fn hostile_inputs_are_refused_with_a_reason() {
        let msg = |d: &[u8]| match run(d).0 {
            Err(NormalizeError::Format(m)) => m,
            other => panic!("expected a format error, got {other:?}"),
        };
        assert!(msg(&[]).contains("empty"));
        assert!(msg(&[0x04, 0x00]).contains("SEQUENCE"));
        assert!(msg(&[0x30, 0x03, 0x02, 0x01]).contains("truncated"));
        assert!(msg(&[0x30, 0x00, 0x00]).contains("trailing"));
        assert!(
            msg(&[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x04, 0x84, 0x7f, 0xff, 0xff, 0xf0])
                .contains("claims")
        );
        let mut deep = Vec::new();
        for _ in 0..200 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        assert!(msg(&deep).contains("nesting"));
        assert!(
            msg(&[0x30, 0x03, 0x02, 0x02, 0x01]).contains("longer")
                || msg(&[0x30, 0x03, 0x02, 0x02, 0x01]).contains("truncated")
        );
    }
}
