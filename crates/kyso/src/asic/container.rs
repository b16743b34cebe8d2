//! Reading a container (EN 319 162-1 §4) into memory, within [`Limits`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Cursor, Read as _};

use crate::crypto::DigestAlgorithm;
use crate::error::AsicProblem;
use crate::report::AsicKind;

/// The bounds a container must keep. The defaults follow EU DSS's `SecureContainerHandler`
/// (dss-asic-common) where it has one, and kyso's PDF reader elsewhere.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The container file: 1 GiB, the PDF reader's bound (`pdf::Limits::max_file_size`); the
    /// container is read into memory.
    pub(crate) max_container_size: u64,
    /// Entries in the central directory: DSS's `maxAllowedFilesAmount` (1000). A dossier is
    /// tens of files.
    pub(crate) max_entries: u64,
    /// Bytes one entry may inflate to: 512 MiB, half the container bound (a scanned dossier
    /// file is tens of MiB).
    pub(crate) max_entry_size: u64,
    /// Bytes all entries together may inflate to: 1 GiB, the container bound (what kyso
    /// holds in memory for one container).
    pub(crate) max_total_size: u64,
    /// Inflated / compressed bytes per entry: DSS's `maxCompressionRatio` (100)...
    pub(crate) max_ratio: u64,
    /// ...checked once an entry has inflated past DSS's `threshold` (1 MB): small entries
    /// (an empty file, a manifest of repeated tags) compress well legitimately.
    pub(crate) ratio_threshold: u64,
    /// Bytes of an entry name: 1024, four times the 255 bytes a file-system name component
    /// takes (ext4, NTFS), for a few folders deep.
    pub(crate) max_name_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_container_size: 1 << 30,
            max_entries: 1000,
            max_entry_size: 512 << 20,
            max_total_size: 1 << 30,
            max_ratio: 100,
            ratio_threshold: 1_000_000,
            max_name_len: 1024,
        }
    }
}

/// One file of the container.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Its name (UTF-8, or CP437 when the UTF-8 flag is clear, APPNOTE Appendix D).
    pub(crate) name: String,
    /// Its inflated bytes.
    pub(crate) data: Vec<u8>,
}

/// A container read within bounds.
#[derive(Debug)]
pub(crate) struct Container {
    /// ASiC-S or ASiC-E, from the mimetype entry or, without one, from the content.
    pub(crate) kind: AsicKind,
    /// The entries in central-directory order, folders left out.
    pub(crate) entries: Vec<Entry>,
    /// Rules of §A.1 the mimetype entry breaks (not first, compressed, an extra field, not
    /// an ASiC type). The container is still read, so the signatures can be reported too;
    /// the verifier fails the document for them.
    pub(crate) layout: Vec<AsicProblem>,
    /// The digests computed so far, by entry index and algorithm (see [`Container::digest`]).
    digests: RefCell<HashMap<(usize, DigestAlgorithm), Vec<u8>>>,
    /// Each entry's index by name: manifests name up to a thousand files each, so a look-up
    /// must not scan the entries.
    by_name: HashMap<String, usize>,
}

/// A signature manifest of a container and what parsing it gave.
pub(crate) type ParsedManifest<'a> = (&'a Entry, Result<super::Manifest, String>);

impl Container {
    pub(crate) fn new(kind: AsicKind, entries: Vec<Entry>, layout: Vec<AsicProblem>) -> Self {
        let mut by_name = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            // The first of two equal names, as a scan would find (the reader refuses them).
            by_name.entry(e.name.clone()).or_insert(i);
        }
        Container {
            kind,
            entries,
            layout,
            digests: RefCell::default(),
            by_name,
        }
    }

    /// The `alg` digest of the entry named `name` (`None`: no such entry). Each entry is
    /// hashed at most once per algorithm, however many manifests list it and however often:
    /// a hostile manifest listing a 512 MiB entry a thousand times, or a thousand signatures
    /// over it, must cost one hash, not a thousand.
    pub(crate) fn digest(&self, name: &str, alg: DigestAlgorithm) -> Option<Vec<u8>> {
        let i = *self.by_name.get(name)?;
        let entry = self.entries.get(i)?;
        let mut cache = self.digests.borrow_mut();
        let d = cache
            .entry((i, alg))
            .or_insert_with(|| alg.digest(&entry.data));
        Some(d.clone())
    }

    /// The signature manifests (`META-INF/ASiCManifest*.xml`, §4.4.2), each parsed once for
    /// all the signatures that look theirs up: a container of many signatures and many large
    /// manifests must not cost their product.
    pub(crate) fn manifests(&self) -> Vec<ParsedManifest<'_>> {
        self.entries
            .iter()
            .filter(|e| is_manifest(&e.name))
            .map(|e| (e, super::parse_manifest(&e.data)))
            .collect()
    }

    /// The entry named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).and_then(|&i| self.entries.get(i))
    }

    /// The data objects: entries outside META-INF, the mimetype left out (EN 319 162-1 §4.2:
    /// META-INF holds the signatures and manifests; everything else is signed data).
    pub(crate) fn data_objects(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| e.name != "mimetype" && !is_meta_inf(&e.name))
    }
}

/// True for an entry of the META-INF folder (its name compared as EN 319 162-1 §4.2 writes it).
pub(crate) fn is_meta_inf(name: &str) -> bool {
    name.starts_with("META-INF/")
}

const ASICS: &str = "application/vnd.etsi.asic-s+zip";
const ASICE: &str = "application/vnd.etsi.asic-e+zip";

/// Read `bytes` as a container: the central directory checked against `limits`, every
/// entry inflated through a counting reader, names checked, the type decided.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Container, AsicProblem> {
    let (entries, layout, mimetype, comment) = read_entries(bytes, limits)?;
    let mut layout = layout;
    let kind = match mimetype {
        Some(m) => match media_type(&m) {
            Some(k) => k,
            None => {
                layout.push(AsicProblem::MimetypeNotConforming {
                    why: format!(
                        "it names {:?}, not {ASICS} or {ASICE}",
                        String::from_utf8_lossy(&m[..m.len().min(80)])
                    ),
                });
                kind_from_content(&entries, &comment)?
            }
        },
        None => kind_from_content(&entries, &comment)?,
    };
    Ok(Container::new(kind, entries, layout))
}

/// A plain ZIP file (a dossier sent as an archive), read with the same bounds and name rules
/// as a container; the mimetype rules do not apply.
pub(crate) fn read_zip(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, AsicProblem> {
    read_entries(bytes, limits).map(|(entries, ..)| entries)
}

type Entries = (Vec<Entry>, Vec<AsicProblem>, Option<Vec<u8>>, Vec<u8>);

/// The entries within bounds, the mimetype entry's layout problems and value, the comment.
fn read_entries(bytes: &[u8], limits: &Limits) -> Result<Entries, AsicProblem> {
    let size = bytes.len() as u64;
    if size > limits.max_container_size {
        return Err(AsicProblem::ContainerTooLarge {
            size,
            limit: limits.max_container_size,
        });
    }
    // APPNOTE §4.3.16: the end of central directory record gives the entry count; checked
    // before the zip crate allocates anything for the entries. It is also what shows
    // duplicate names: the crate keeps one entry per name.
    let declared = declared_entries(bytes)?;
    if declared > limits.max_entries {
        return Err(AsicProblem::TooManyEntries {
            count: declared,
            limit: limits.max_entries,
        });
    }
    let unreadable = |e: zip::result::ZipError| AsicProblem::ZipUnreadable {
        detail: e.to_string(),
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if (zip.len() as u64) < declared {
        // The crate keeps one entry per name: two records of the central directory shared
        // a name (the names it kept are unique, so which one is not known here).
        return Err(AsicProblem::DuplicateEntry {
            name: "(two records of the central directory)".into(),
        });
    }
    let mut names: Vec<String> = Vec::with_capacity(zip.len());
    let mut folded: Vec<String> = Vec::with_capacity(zip.len());
    let mut entries = Vec::with_capacity(zip.len());
    let mut layout = Vec::new();
    let mut total: u64 = 0;
    let mut mimetype: Option<Vec<u8>> = None;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(unreadable)?;
        let raw = f.name_raw().to_vec();
        let name = f.name().to_string();
        check_name(&raw, &name, limits)?;
        let fold = name.to_lowercase();
        if names.contains(&name) || folded.contains(&fold) {
            return Err(AsicProblem::DuplicateEntry { name });
        }
        names.push(name.clone());
        folded.push(fold);
        // APPNOTE §4.4.4 general purpose bit 0: encrypted.
        if f.encrypted() {
            return Err(AsicProblem::EncryptedEntry { name });
        }
        let method = f.compression();
        if method != zip::CompressionMethod::Stored && method != zip::CompressionMethod::Deflated {
            return Err(AsicProblem::ZipUnreadable {
                detail: format!(
                    "'{name}' uses compression method {method}; ASiC uses stored or deflate"
                ),
            });
        }
        if name == "mimetype" {
            // EN 319 162-1 §A.1: "the first file in the ZIP container", "not compressed",
            // "shall not contain an extra field" (the OpenDocument rule: a reader finds the
            // type at offset 38 of the file).
            if f.header_start() != 0 || i != 0 {
                layout.push(AsicProblem::MimetypeNotConforming {
                    why: "it is not the first entry of the container".into(),
                });
            }
            if method != zip::CompressionMethod::Stored {
                layout.push(AsicProblem::MimetypeNotConforming {
                    why: "it is compressed; it must be stored".into(),
                });
            }
            if local_extra_len(bytes, f.header_start()) != Some(0) {
                layout.push(AsicProblem::MimetypeNotConforming {
                    why: "its local header has an extra field".into(),
                });
            }
        }
        drop(f);
        if name.ends_with('/') {
            continue;
        }
        let mut f = zip.by_index(i).map_err(unreadable)?;
        let compressed = f.compressed_size();
        let data = inflate(&mut f, &name, compressed, limits, total)?;
        total += data.len() as u64;
        if name == "mimetype" {
            mimetype = Some(data.clone());
        }
        entries.push(Entry { name, data });
    }
    Ok((entries, layout, mimetype, zip.comment().to_vec()))
}

/// The mimetype's value. Trailing white space is tolerated (DSS reads
/// `application/vnd.etsi.asic-e+zip\r\n` as ASiC-E; its corpus has such a container).
fn media_type(m: &[u8]) -> Option<AsicKind> {
    match std::str::from_utf8(m).ok()?.trim_end() {
        ASICS => Some(AsicKind::Simple),
        ASICE => Some(AsicKind::Extended),
        _ => None,
    }
}

/// No (usable) mimetype: decided as EU DSS does (`ASiCUtils.getContainerType`): the ZIP
/// comment `mimetype=...` (EN 319 162-1 §A.1 allows it), then more than one data object at
/// the root is ASiC-E, then an ASiCManifest makes it ASiC-E, then one root data object ASiC-S.
fn kind_from_content(entries: &[Entry], comment: &[u8]) -> Result<AsicKind, AsicProblem> {
    if let Some(at) = comment.windows(9).position(|w| w == b"mimetype=") {
        if let Some(k) = media_type(&comment[at + 9..]) {
            return Ok(k);
        }
    }
    let roots = entries
        .iter()
        .filter(|e| e.name != "mimetype" && !e.name.contains('/'))
        .count();
    if roots > 1 || entries.iter().any(|e| is_manifest(&e.name)) {
        return Ok(AsicKind::Extended);
    }
    if roots == 1 {
        return Ok(AsicKind::Simple);
    }
    Err(AsicProblem::UnknownType {
        why: "no mimetype entry, no ASiC comment, no manifest and no data object at the root"
            .into(),
    })
}

/// A CAdES signature of a container: `META-INF/*signature*.p7s` (EN 319 162-1 §4.3.2,
/// §4.4.2; DSS takes any META-INF name containing "signature").
pub(crate) fn is_signature(name: &str) -> bool {
    name.strip_prefix("META-INF/")
        .is_some_and(|n| n.contains("signature") && n.to_ascii_lowercase().ends_with(".p7s"))
}

/// `META-INF/ASiCArchiveManifest*.xml` (EN 319 162-1 §A.7), the archive manifests.
pub(crate) fn is_archive_manifest(name: &str) -> bool {
    name.strip_prefix("META-INF/")
        .is_some_and(|n| n.starts_with("ASiCArchiveManifest") && n.ends_with(".xml"))
}

/// `META-INF/ASiCManifest*.xml` (EN 319 162-1 §4.4.2), the signature manifests.
pub(crate) fn is_manifest(name: &str) -> bool {
    name.strip_prefix("META-INF/")
        .is_some_and(|n| n.starts_with("ASiCManifest") && n.ends_with(".xml"))
}

/// Inflate one entry through a reader that stops one byte past each bound, so a lying
/// declared size or a bomb costs at most the bound.
fn inflate(
    f: &mut impl std::io::Read,
    name: &str,
    compressed: u64,
    limits: &Limits,
    total_before: u64,
) -> Result<Vec<u8>, AsicProblem> {
    let cap = limits
        .max_entry_size
        .min(limits.max_total_size.saturating_sub(total_before));
    let mut data = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let mut reader = f.take(cap + 1);
    loop {
        let n = reader
            .read(&mut chunk)
            .map_err(|e| AsicProblem::ZipUnreadable {
                detail: format!("'{name}': {e}"),
            })?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..n]);
        let len = data.len() as u64;
        if len > cap {
            let whole = cap == limits.max_entry_size;
            return Err(AsicProblem::EntryTooLarge {
                name: if whole { name.to_string() } else { "*".into() },
                limit: cap,
            });
        }
        if len > limits.ratio_threshold && len > compressed.saturating_mul(limits.max_ratio) {
            return Err(AsicProblem::CompressionRatio {
                name: name.to_string(),
                compressed,
                uncompressed: len,
                ratio: len / compressed.max(1),
                limit: limits.max_ratio,
            });
        }
    }
    Ok(data)
}

/// Names a file system could be tricked with are refused (APPNOTE §4.4.17.1: "MUST NOT
/// contain a drive or device letter, or a leading slash"; "/" separates folders, never "\").
fn check_name(raw: &[u8], name: &str, limits: &Limits) -> Result<(), AsicProblem> {
    let bad = |why: &str| {
        Err(AsicProblem::BadEntryName {
            name: String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned(),
            why: why.into(),
        })
    };
    if raw.is_empty() {
        return bad("it is empty");
    }
    if raw.len() > limits.max_name_len {
        return bad(&format!("it is longer than {} bytes", limits.max_name_len));
    }
    if raw.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return bad("it contains a NUL or control character");
    }
    if raw.contains(&b'\\') {
        return bad("it contains a backslash");
    }
    if raw[0] == b'/' || (raw.len() > 1 && raw[1] == b':') {
        return bad("it is an absolute path");
    }
    let parts: Vec<&str> = name.trim_end_matches('/').split('/').collect();
    if parts
        .iter()
        .any(|p| *p == ".." || *p == "." || p.is_empty())
    {
        return bad("it has an empty, '.' or '..' component (path traversal)");
    }
    Ok(())
}

/// The entry count of the end of central directory record (APPNOTE §4.3.16), found from the
/// end of the file (it may be followed by a comment of up to 65,535 bytes).
fn declared_entries(bytes: &[u8]) -> Result<u64, AsicProblem> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    let short = || AsicProblem::ZipUnreadable {
        detail: "no end of central directory record (not a ZIP file)".into(),
    };
    // The record is 22 bytes: a shorter file has none (found by asic_hostile's cases).
    if bytes.len() < 22 {
        return Err(short());
    }
    let min = bytes.len().saturating_sub(22 + 65_535);
    let end = bytes.len().saturating_sub(22);
    let at = (min..=end)
        .rev()
        .find(|&i| bytes.get(i..i + 4) == Some(&EOCD[..]))
        .ok_or_else(short)?;
    let total = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
    // 0xFFFF: the count is in the ZIP64 record; that many entries is over any bound anyway.
    Ok(if total == 0xFFFF {
        u64::MAX
    } else {
        u64::from(total)
    })
}

/// The extra field length of the local file header at `offset` (APPNOTE §4.3.7, offset 28).
fn local_extra_len(bytes: &[u8], offset: u64) -> Option<u16> {
    let o = usize::try_from(offset).ok()?;
    let h = bytes.get(o..o + 30)?;
    (h[..4] == [0x50, 0x4b, 0x03, 0x04]).then(|| u16::from_le_bytes([h[28], h[29]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let data: Vec<(String, &[u8])> = entries.iter().map(|(n, d)| (n.to_string(), *d)).collect();
        crate::asic::build(AsicKind::Extended, &data, &[]).unwrap()
    }

    #[test]
    fn an_entry_or_the_total_past_its_bound_is_refused_while_inflating() {
        let text: Vec<u8> = (0..5000u32).flat_map(|i| i.to_le_bytes()).collect();
        let bytes = container(&[("a.bin", &text), ("b.bin", &text)]);
        let limits = Limits {
            max_entry_size: 19_999,
            ..Limits::default()
        };
        match read(&bytes, &limits) {
            Err(AsicProblem::EntryTooLarge { name, limit }) => {
                assert_eq!((name.as_str(), limit), ("a.bin", 19_999));
            }
            other => panic!("{other:?}"),
        }
        let limits = Limits {
            max_total_size: 30_000,
            ..Limits::default()
        };
        match read(&bytes, &limits) {
            Err(AsicProblem::EntryTooLarge { name, .. }) => assert_eq!(name, "*"),
            other => panic!("{other:?}"),
        }
        let c = read(&bytes, &Limits::default()).unwrap();
        assert_eq!(c.kind, AsicKind::Extended);
        assert!(c.layout.is_empty(), "{:?}", c.layout);
        assert_eq!(c.data_objects().count(), 2);
    }

    #[test]
    fn without_mimetype_the_type_comes_from_the_content() {
        let one = [Entry {
            name: "a.pdf".into(),
            data: vec![],
        }];
        assert_eq!(kind_from_content(&one, b"").unwrap(), AsicKind::Simple);
        assert_eq!(
            kind_from_content(&one, b"mimetype=application/vnd.etsi.asic-e+zip").unwrap(),
            AsicKind::Extended
        );
        assert!(kind_from_content(&[], b"").is_err());
    }
}
