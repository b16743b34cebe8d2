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
use crate::encoding::pem;
use crate::error::Error;

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

/// Read an existing envelope from its file (streaming), hashing embedded content with the
/// algorithms the SignedData lists plus `extra`.
pub(crate) fn open_envelope(path: &Path, extra: &[DigestAlgorithm]) -> Result<Envelope, Error> {
    let mut sink = HashingSink {
        extra: extra.to_vec(),
        ..HashingSink::default()
    };
    let n = SigSource::File(path.to_path_buf())
        .normalize(&mut sink)
        .map_err(|e| match e {
            SourceError::Io(e) => e,
            SourceError::Format(detail) => Error::NotCms {
                path: path.display().to_string(),
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

/// Stream the embedded content of the envelope in `path` to `w`.
pub(crate) fn copy_embedded_content(path: &Path, w: &mut dyn std::io::Write) -> io::Result<()> {
    SigSource::File(path.to_path_buf())
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
    hashers: Vec<(DigestAlgorithm, openssl::hash::Hasher)>,
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
                    map.insert(*d, v.to_vec());
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
        digests: HashMap<DigestAlgorithm, Vec<u8>>,
        raw: Option<Vec<u8>>,
    },
    Bytes(&'a [u8]),
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
            digests: HashMap::new(),
            raw: None,
        }
    }
    pub(crate) fn bytes(b: &'a [u8]) -> Self {
        Content::Bytes(b)
    }

    /// Hash file content for all `algs` in one pass (embedded content was hashed while read).
    pub(crate) fn prefetch(&mut self, algs: &[DigestAlgorithm]) -> Result<(), Error> {
        if let Content::File { path, digests, raw } = self {
            let mut algs = algs.to_vec();
            algs.dedup();
            let mut sink = HashingSink::default();
            sink.start(&algs);
            let f = File::open(&*path).map_err(|e| Error::io(path, e))?;
            let mut r = BufReader::with_capacity(256 * 1024, f);
            loop {
                let buf = r.fill_buf().map_err(|e| Error::io(path, e))?;
                if buf.is_empty() {
                    break;
                }
                let n = buf.len();
                let _ = sink.data(buf);
                r.consume(n);
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
            Content::Bytes(b) => Ok(alg.digest(b)),
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
                    .map_err(|e| ContentError::Digest(e.to_string()))?
                    .to_vec();
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
            Content::Bytes(b) => Ok(b.to_vec()),
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
            Content::Bytes(b) => {
                f(b);
                Ok(())
            }
            Content::Missing(p) => Err(ContentError::Missing {
                looked_for: p.clone(),
            }),
        }
    }
}
