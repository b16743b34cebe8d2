//! Reading envelopes and their content, shared by the verifier and the signer: a signature
//! from a file or memory normalised to DER while its embedded content is hashed (streaming),
//! detached content hashed from a file or memory, and an existing envelope opened for
//! co-signing.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::crypto::{self, DigestAlgorithm};
use crate::encoding::asn1::Tlv;
use crate::encoding::ber::{self, ContentSink};
use crate::encoding::{pem, sniff};
use crate::error::{Error, FileKind};

/// Content kept in memory while hashing, for the rare signatures that need the bytes
/// themselves (Ed25519 without signed attributes). Larger content is re-read from its file.
const KEEP_CONTENT: usize = 1 << 20;
/// Largest content kyso will hold in memory for a signature over the raw content.
pub(crate) const MAX_RAW_CONTENT: u64 = 64 << 20;

/// An envelope read for co-signing: its skeleton, and the digests of embedded content.
pub(crate) struct Envelope {
    pub der: Vec<u8>,
    pub content_len: Option<u64>,
    pub digests: HashMap<DigestAlgorithm, Vec<u8>>,
}

/// Read an existing envelope (a file, streaming, or bytes), hashing embedded content with the
/// algorithms the SignedData lists plus `extra`. `name` is what errors call it.
pub(crate) fn open_envelope(
    source: &SigSource<'_>,
    name: &str,
    extra: &[DigestAlgorithm],
) -> Result<Envelope, Error> {
    let mut sink = HashingSink {
        extra: extra.to_vec(),
        ..HashingSink::default()
    };
    let n = source.normalize(&mut sink).map_err(|e| match e {
        SourceError::Io(e) => e,
        SourceError::Format(detail) => Error::NotCms {
            path: name.to_string(),
            detail,
        },
    })?;
    let (digests, _) = sink.finish();
    Ok(Envelope {
        der: n.der,
        content_len: n.content_len,
        digests,
    })
}

/// Stream the embedded content of the envelope `source` to `w`.
pub(crate) fn copy_embedded_content(
    source: &SigSource<'_>,
    w: &mut dyn std::io::Write,
) -> io::Result<()> {
    source
        .normalize(&mut FnSink(|c: &[u8]| w.write_all(c)))
        .map(|_| ())
        .map_err(|e| match e {
            SourceError::Io(e) => io::Error::other(e.to_string()),
            SourceError::Format(m) => io::Error::other(m),
        })
}

/// A content sink that passes every chunk to a closure.
pub(crate) struct FnSink<F: FnMut(&[u8]) -> io::Result<()>>(F);

impl<F: FnMut(&[u8]) -> io::Result<()>> ContentSink for FnSink<F> {
    fn begin(&mut self, _: Option<&[u8]>) -> io::Result<()> {
        Ok(())
    }
    fn data(&mut self, c: &[u8]) -> io::Result<()> {
        (self.0)(c)
    }
}

/// Hash a file with several algorithms in one streaming pass.
pub(crate) fn hash_file_all(
    path: &Path,
    algs: &[DigestAlgorithm],
) -> Result<HashMap<DigestAlgorithm, Vec<u8>>, Error> {
    let mut c = Content::file(path.to_path_buf());
    c.prefetch(algs)?;
    match c {
        Content::File { digests, .. } => Ok(digests),
        _ => Ok(HashMap::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading signatures and content.

pub(crate) enum Detached<'a> {
    None,
    /// A content file; the flag is true when the caller named it (false: derived from `X.p7s`).
    File(PathBuf, bool),
    Bytes(&'a [u8]),
    /// A PDF signature's byte range: the bytes before and after /Contents, hashed as one.
    Ranges(&'a [u8], &'a [u8]),
}

/// Where a signature is read from. A file is not opened until it is read: a missing or
/// unreadable file is then an I/O error, and a batch does not pay for the file system twice.
pub(crate) enum SigSource<'a> {
    File(PathBuf),
    Bytes(&'a [u8]),
}

pub(crate) enum SourceError {
    Io(Error),
    Format(String),
}

impl SigSource<'_> {
    /// What the signature file looks like (for saying so when it is not a signature).
    pub(crate) fn sniff(&self) -> FileKind {
        match self {
            SigSource::Bytes(b) => sniff::sniff(b),
            SigSource::File(p) => {
                let mut head = Vec::with_capacity(sniff::HEAD);
                let total = File::open(p).and_then(|f| {
                    let total = f.metadata()?.len();
                    f.take(sniff::HEAD as u64).read_to_end(&mut head)?;
                    Ok(total)
                });
                match total {
                    Ok(t) => sniff::sniff_prefix(&head, usize::try_from(t).unwrap_or(usize::MAX)),
                    Err(_) => FileKind::Unknown,
                }
            }
        }
    }

    /// Normalise the signature, streaming any embedded content into `sink`.
    pub(crate) fn normalize(
        &self,
        sink: &mut dyn ContentSink,
    ) -> Result<ber::Normalized, SourceError> {
        match self {
            SigSource::Bytes(b) => normalize_bytes(b, sink),
            SigSource::File(p) => {
                let io_err = |e| SourceError::Io(Error::io(p, e));
                let f = File::open(p).map_err(io_err)?;
                let mut r = BufReader::with_capacity(256 * 1024, f);
                let first = r.fill_buf().map_err(io_err)?.first().copied();
                if first == Some(0x30) {
                    return ber::normalize(&mut r, sink).map_err(|e| match e {
                        ber::NormalizeError::Io(e) => SourceError::Io(Error::io(p, e)),
                        ber::NormalizeError::Format(m) => SourceError::Format(m),
                    });
                }
                // Text: PEM or bare base64. Bounded, since it must be decoded in memory.
                let mut data = Vec::new();
                r.take(pem::MAX_PEM as u64 + 1)
                    .read_to_end(&mut data)
                    .map_err(io_err)?;
                normalize_bytes(&data, sink)
            }
        }
    }
}

/// Signatures up to this size are read whole into a reused buffer and, when already DER,
/// parsed in place ([`ber::borrow_if_der`]); larger ones stream through the transcoder, so a
/// worker holds at most this much of a signature however large an attached content is.
const WHOLE_READ: usize = 2 << 20;
/// Read size for content hashing: large enough for few system calls on big files.
const CHUNK: usize = 256 * 1024;

/// The buffer a worker reads signature files into, reused from one file to the next.
#[derive(Default)]
pub(crate) struct SigBuffer(Vec<u8>);

/// The buffer a worker hashes detached content through, reused from one file to the next.
#[derive(Default)]
pub(crate) struct ChunkBuffer(Vec<u8>);

impl ChunkBuffer {
    /// A page-aligned window of [`CHUNK`] bytes. The kernel copies file pages (page-aligned)
    /// into it; with a destination a few bytes past a page boundary, as a large allocation
    /// from malloc is, the copy hits 4K aliasing and runs at a third of its speed (measured:
    /// 1 GiB detached verify 1.5 s instead of 1.0 s).
    fn get(&mut self) -> &mut [u8] {
        const PAGE: usize = 4096;
        if self.0.len() < CHUNK + PAGE {
            self.0.resize(CHUNK + PAGE, 0);
        }
        let off = (PAGE - self.0.as_ptr() as usize % PAGE) % PAGE;
        &mut self.0[off..off + CHUNK]
    }
}

/// A signature read into a skeleton; the DER borrows the reader's buffer when it could.
pub(crate) struct Skeleton<'b> {
    pub der: std::borrow::Cow<'b, [u8]>,
    pub content_len: Option<u64>,
}

impl From<ber::Normalized> for Skeleton<'_> {
    fn from(n: ber::Normalized) -> Self {
        Skeleton {
            der: std::borrow::Cow::Owned(n.der),
            content_len: n.content_len,
        }
    }
}

impl<'a> SigSource<'a> {
    /// Read the signature like [`SigSource::normalize`], but into `bufs`: DER input is parsed
    /// in place and its embedded content hashed as a slice; anything else (BER, PEM, large
    /// files) goes through the transcoder exactly as before.
    pub(crate) fn read_with<'b>(
        &self,
        bufs: &'b mut SigBuffer,
        sink: &mut dyn ContentSink,
    ) -> Result<Skeleton<'b>, SourceError>
    where
        'a: 'b,
    {
        let data: &'b [u8] = match self {
            SigSource::Bytes(b) => b,
            SigSource::File(p) => {
                let io_err = |e| SourceError::Io(Error::io(p, e));
                let mut f = File::open(p).map_err(io_err)?;
                bufs.0.clear();
                (&mut f)
                    .take(WHOLE_READ as u64 + 1)
                    .read_to_end(&mut bufs.0)
                    .map_err(io_err)?;
                if bufs.0.len() > WHOLE_READ {
                    return stream_rest(p, &bufs.0, f, sink);
                }
                &bufs.0
            }
        };
        if let Some(b) = ber::borrow_if_der(data) {
            if let Some(content) = b.content {
                // Same order of calls as the transcoder makes: begin, then the octets.
                sink.begin(b.digest_algorithms)
                    .and_then(|()| sink.data(content))
                    .map_err(|e| SourceError::Format(e.to_string()))?;
            }
            return Ok(Skeleton {
                der: b.der,
                content_len: b.content.map(|c| c.len() as u64),
            });
        }
        normalize_bytes(data, sink).map(Skeleton::from)
    }
}

/// A file larger than [`WHOLE_READ`]: its first bytes are in `head`, the rest still in `f`.
fn stream_rest<'b>(
    p: &Path,
    head: &[u8],
    f: File,
    sink: &mut dyn ContentSink,
) -> Result<Skeleton<'b>, SourceError> {
    let io_err = |e| SourceError::Io(Error::io(p, e));
    if head.first() == Some(&0x30) {
        let mut r = head.chain(BufReader::with_capacity(CHUNK, f));
        return ber::normalize(&mut r, sink)
            .map(Skeleton::from)
            .map_err(|e| match e {
                ber::NormalizeError::Io(e) => SourceError::Io(Error::io(p, e)),
                ber::NormalizeError::Format(m) => SourceError::Format(m),
            });
    }
    // Text: PEM or bare base64, bounded as in [`SigSource::normalize`].
    let mut data = head.to_vec();
    f.take((pem::MAX_PEM + 1 - head.len().min(pem::MAX_PEM + 1)) as u64)
        .read_to_end(&mut data)
        .map_err(io_err)?;
    normalize_bytes(&data, sink).map(Skeleton::from)
}

pub(crate) fn normalize_bytes(
    data: &[u8],
    sink: &mut dyn ContentSink,
) -> Result<ber::Normalized, SourceError> {
    let decoded;
    let der: &[u8] = if data.first() == Some(&0x30) {
        data
    } else if let Some(blocks) = pem::blocks(data) {
        let blocks = blocks.map_err(|e| SourceError::Format(e.to_string()))?;
        decoded = blocks
            .into_iter()
            .find(|(l, _)| matches!(l.as_str(), "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA"))
            .map(|(_, d)| d)
            .ok_or_else(|| {
                SourceError::Format("the PEM file holds no PKCS7 or CMS block".into())
            })?;
        &decoded
    } else {
        let text: String = String::from_utf8_lossy(data).split_whitespace().collect();
        decoded = openssl::base64::decode_block(&text).map_err(|_| {
            SourceError::Format("the file is neither DER/BER, PEM nor base64 (its first byte is not an ASN.1 SEQUENCE)".into())
        })?;
        if decoded.first() != Some(&0x30) {
            return Err(SourceError::Format(
                "the base64 text does not decode to an ASN.1 SEQUENCE".into(),
            ));
        }
        &decoded
    };
    ber::normalize(&mut &der[..], sink).map_err(|e| match e {
        ber::NormalizeError::Io(e) => SourceError::Format(e.to_string()),
        ber::NormalizeError::Format(m) => SourceError::Format(m),
    })
}

/// Hashes embedded content while the signature is read, for the digests the SignedData lists.
#[derive(Default)]
pub(crate) struct HashingSink {
    /// Algorithms to compute besides those the SignedData lists.
    extra: Vec<DigestAlgorithm>,
    hashers: Vec<(DigestAlgorithm, crypto::Hasher)>,
    kept: Vec<u8>,
    overflow: bool,
    failed: bool,
}

impl ContentSink for HashingSink {
    fn begin(&mut self, digest_algorithms: Option<&[u8]>) -> io::Result<()> {
        let mut algs: Vec<DigestAlgorithm> = self.extra.clone();
        if let Some(der) = digest_algorithms {
            if let Ok(set) = Tlv::parse_exact(der, "digestAlgorithms") {
                let mut r = set.reader();
                while let Ok(t) = r.read() {
                    if let Ok(a) = crypto::AlgorithmIdentifier::parse(t, "digest") {
                        if let Some(d) = DigestAlgorithm::from_oid(a.oid) {
                            if !algs.contains(&d) && algs.len() < 8 {
                                algs.push(d);
                            }
                        }
                    }
                }
            }
        }
        self.start(&algs);
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        for (_, h) in &mut self.hashers {
            if h.update(chunk).is_err() {
                self.failed = true;
            }
        }
        if !self.overflow {
            if self.kept.len() + chunk.len() <= KEEP_CONTENT {
                self.kept.extend_from_slice(chunk);
            } else {
                self.overflow = true;
                self.kept = Vec::new();
            }
        }
        Ok(())
    }
}

impl HashingSink {
    pub(crate) fn start(&mut self, algs: &[DigestAlgorithm]) {
        let mut algs = algs.to_vec();
        algs.dedup();
        self.hashers = algs
            .iter()
            .filter_map(|d| d.hasher().ok().map(|h| (*d, h)))
            .collect();
        if self.hashers.len() != algs.len() {
            self.failed = true;
        }
    }

    pub(crate) fn finish(mut self) -> (HashMap<DigestAlgorithm, Vec<u8>>, Option<Vec<u8>>) {
        let mut map = HashMap::new();
        if !self.failed {
            for (d, h) in &mut self.hashers {
                if let Ok(v) = h.finish() {
                    map.insert(*d, v);
                }
            }
        }
        (map, (!self.overflow).then_some(self.kept))
    }
}

/// Why the signed content could not be hashed or read.
#[derive(Debug)]
pub(crate) enum ContentError {
    /// A detached signature without its content; where kyso looked, if anywhere.
    Missing { looked_for: Option<String> },
    /// The digest could not be computed (algorithm unavailable in the crypto library).
    Digest(String),
    /// The signature covers the raw content (no signed attributes) and the content is larger
    /// than `limit` bytes, more than kyso holds in memory.
    TooLargeForRawSignature { limit: u64 },
    /// The content could not be read a second time.
    Unreadable(String),
}

/// Where the signed content is, with digests computed so far.
pub(crate) enum Content<'a> {
    Embedded {
        source: SigSource<'a>,
        digests: HashMap<DigestAlgorithm, Vec<u8>>,
        raw: Option<Vec<u8>>,
    },
    File {
        path: PathBuf,
        /// The file, when the caller opened it already (so it is not looked up twice).
        opened: Option<File>,
        digests: HashMap<DigestAlgorithm, Vec<u8>>,
        raw: Option<Vec<u8>>,
    },
    /// Bytes in memory, in one or two parts (a PDF byte range: before and after /Contents).
    Bytes(&'a [u8], &'a [u8]),
    Missing(Option<String>),
}

impl<'a> Content<'a> {
    pub(crate) fn embedded(source: SigSource<'a>, sink: HashingSink) -> Self {
        let (digests, raw) = sink.finish();
        Content::Embedded {
            source,
            digests,
            raw,
        }
    }
    pub(crate) fn file(path: PathBuf) -> Self {
        Content::File {
            path,
            opened: None,
            digests: HashMap::new(),
            raw: None,
        }
    }

    /// Detached content in a file the caller has just opened.
    pub(crate) fn opened(path: PathBuf, file: File) -> Self {
        Content::File {
            path,
            opened: Some(file),
            digests: HashMap::new(),
            raw: None,
        }
    }
    pub(crate) fn bytes(b: &'a [u8]) -> Self {
        Content::Bytes(b, &[])
    }

    /// Content in two parts, hashed as one (a PDF's byte range, ISO 32000-1 §12.8.1).
    pub(crate) fn parts(a: &'a [u8], b: &'a [u8]) -> Self {
        Content::Bytes(a, b)
    }

    /// Hash file content for all `algs` in one pass (embedded content was hashed while read).
    pub(crate) fn prefetch(&mut self, algs: &[DigestAlgorithm]) -> Result<(), Error> {
        self.prefetch_with(algs, &mut ChunkBuffer::default())
    }

    /// [`Content::prefetch`] reading through a worker's reused buffer.
    pub(crate) fn prefetch_with(
        &mut self,
        algs: &[DigestAlgorithm],
        bufs: &mut ChunkBuffer,
    ) -> Result<(), Error> {
        if let Content::File {
            path,
            opened,
            digests,
            raw,
        } = self
        {
            let mut algs = algs.to_vec();
            algs.dedup();
            let mut sink = HashingSink::default();
            sink.start(&algs);
            let mut f = match opened.take() {
                Some(f) => f,
                None => File::open(&*path).map_err(|e| Error::io(path, e))?,
            };
            let buf = bufs.get();
            loop {
                let n = match f.read(buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(path, e)),
                };
                let _ = sink.data(&buf[..n]);
            }
            let (d, k) = sink.finish();
            *digests = d;
            *raw = k;
        }
        Ok(())
    }

    pub(crate) fn digest(&mut self, alg: DigestAlgorithm) -> Result<Vec<u8>, ContentError> {
        match self {
            Content::Missing(p) => Err(ContentError::Missing {
                looked_for: p.clone(),
            }),
            Content::Bytes(b, []) => Ok(alg.digest(b)),
            Content::Bytes(a, b) => {
                let digest_error = |e: String| ContentError::Digest(e);
                let mut h = alg.hasher().map_err(|e| digest_error(e.to_string()))?;
                h.update(a).map_err(|e| digest_error(e.to_string()))?;
                h.update(b).map_err(|e| digest_error(e.to_string()))?;
                h.finish().map_err(|e| digest_error(e.to_string()))
            }
            Content::Embedded { digests, .. } | Content::File { digests, .. } => {
                if let Some(d) = digests.get(&alg) {
                    return Ok(d.clone());
                }
                // A digest not listed in digestAlgorithms: hash once more.
                let mut h = alg
                    .hasher()
                    .map_err(|e| ContentError::Digest(e.to_string()))?;
                self.for_each_chunk(&mut |c| {
                    let _ = h.update(c);
                })?;
                let d = h
                    .finish()
                    .map_err(|e| ContentError::Digest(e.to_string()))?;
                if let Content::Embedded { digests, .. } | Content::File { digests, .. } = self {
                    digests.insert(alg, d.clone());
                }
                Ok(d)
            }
        }
    }

    /// The content bytes (bounded), for signatures over the raw content.
    pub(crate) fn raw(&mut self) -> Result<Vec<u8>, ContentError> {
        match self {
            Content::Missing(p) => Err(ContentError::Missing {
                looked_for: p.clone(),
            }),
            Content::Bytes(a, b) => Ok([*a, *b].concat()),
            Content::Embedded { raw: Some(r), .. } | Content::File { raw: Some(r), .. } => {
                Ok(r.clone())
            }
            _ => {
                let mut out = Vec::new();
                let mut too_big = false;
                self.for_each_chunk(&mut |c| {
                    if (out.len() + c.len()) as u64 > MAX_RAW_CONTENT {
                        too_big = true;
                    } else {
                        out.extend_from_slice(c);
                    }
                })?;
                if too_big {
                    return Err(ContentError::TooLargeForRawSignature {
                        limit: MAX_RAW_CONTENT,
                    });
                }
                Ok(out)
            }
        }
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[u8])) -> Result<(), ContentError> {
        let unreadable = ContentError::Unreadable;
        match self {
            Content::Embedded { source, .. } => source
                .normalize(&mut FnSink(|c: &[u8]| {
                    f(c);
                    Ok(())
                }))
                .map(|_| ())
                .map_err(|e| match e {
                    SourceError::Io(e) => unreadable(e.to_string()),
                    SourceError::Format(m) => unreadable(m),
                }),
            Content::File { path, .. } => {
                let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
                let mut r = BufReader::with_capacity(256 * 1024, file);
                loop {
                    let buf = r.fill_buf().map_err(|e| unreadable(e.to_string()))?;
                    if buf.is_empty() {
                        return Ok(());
                    }
                    let n = buf.len();
                    f(buf);
                    r.consume(n);
                }
            }
            Content::Bytes(a, b) => {
                f(a);
                if !b.is_empty() {
                    f(b);
                }
                Ok(())
            }
            Content::Missing(p) => Err(ContentError::Missing {
                looked_for: p.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::encoding::asn1::{self, Reader};
    use crate::{Certificate, Signer, SigningKey, Timestamp, Verifier};

    fn pki(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pki");
        std::fs::read(p.join(name)).unwrap()
    }

    /// Re-encode DER as BER the way `openssl cms -stream` writes it: every constructed element
    /// with an indefinite length, and OCTET STRINGs longer than `chunk` split into pieces.
    fn to_ber(der: &[u8], chunk: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut r = Reader::new(der);
        while !r.is_empty() {
            let t = r.read().unwrap();
            if t.tag & 0x20 != 0 {
                out.extend_from_slice(&[t.tag, 0x80]);
                out.extend_from_slice(&to_ber(t.value, chunk));
                out.extend_from_slice(&[0, 0]);
            } else if t.tag == asn1::tag::OCTET_STRING && t.value.len() > chunk {
                out.extend_from_slice(&[0x24, 0x80]);
                for piece in t.value.chunks(chunk) {
                    out.extend_from_slice(&asn1::tlv(asn1::tag::OCTET_STRING, &[piece]));
                }
                out.extend_from_slice(&[0, 0]);
            } else {
                out.extend_from_slice(t.raw);
            }
        }
        out
    }

    #[test]
    fn der_fast_path_and_transcoder_give_the_same_verdict() {
        let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        let key = || {
            let leaf = Certificate::load_all(&pki("signer-rsa.pem"))
                .unwrap()
                .remove(0);
            let chain = Certificate::load_all(&pki("chain-rsa.pem")).unwrap();
            SigningKey::from_key_and_cert(&pki("signer-rsa.key"), None, leaf)
                .unwrap()
                .with_chain(chain)
        };
        let anchors = Certificate::load_all(&pki("trust.pem")).unwrap();
        let verifier = Verifier::new().with_trust_anchors(anchors);
        let content = vec![b'x'; 5000];
        for attached in [true, false] {
            let signer = Signer::new(key())
                .attached(attached)
                .signing_time(at)
                .build()
                .unwrap();
            let der = signer.sign_bytes(&content).unwrap();
            assert!(crate::encoding::ber::borrow_if_der(&der).is_some());
            let ber = to_ber(&der, 1000);
            assert!(crate::encoding::ber::borrow_if_der(&ber).is_none());
            let detached = (!attached).then_some(content.as_slice());
            let json = |sig: &[u8]| {
                serde_json::to_string(&verifier.verify_bytes(sig, detached, at)).unwrap()
            };
            let (fast, slow) = (json(&der), json(&ber));
            assert!(fast.contains("TOTAL-PASSED"), "{fast}");
            assert_eq!(fast, slow);
            // A changed content byte fails the same way on both paths.
            let mut bad = content.clone();
            bad[10] ^= 1;
            let tampered = if attached {
                let pos = der.windows(100).position(|w| w == &content[..100]).unwrap();
                let mut d = der.clone();
                d[pos + 10] ^= 1;
                d
            } else {
                der.clone()
            };
            let report = |sig: &[u8]| {
                let c = (!attached).then_some(bad.as_slice());
                serde_json::to_string(&verifier.verify_bytes(sig, c, at)).unwrap()
            };
            let (fast, slow) = (report(&tampered), report(&to_ber(&tampered, 1000)));
            assert!(fast.contains("HASH_FAILURE"), "{fast}");
            assert_eq!(fast, slow);
        }
    }
}
