//! Building containers (EN 319 162-1 §4.3, §4.4; §A.1 for the mimetype entry) and adding
//! entries to one with the existing entries copied raw (a later signature, §4.4.3).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::error::AsicProblem;
use crate::report::AsicKind;

fn zip_failed(e: impl std::fmt::Display) -> AsicProblem {
    AsicProblem::ZipUnreadable {
        detail: e.to_string(),
    }
}

/// A container of `kind`: the mimetype entry first, stored, without extra field (§A.1),
/// then `data` (the data objects at the root, deflated) and `meta` (META-INF entries). The
/// zip crate sets the UTF-8 flag (APPNOTE §4.4.4 bit 11) for a name that is not ASCII.
pub(crate) fn build(
    kind: AsicKind,
    data: &[(String, &[u8])],
    meta: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, AsicProblem> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    w.start_file("mimetype", stored).map_err(zip_failed)?;
    w.write_all(kind.media_type().as_bytes())
        .map_err(zip_failed)?;
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false);
    for (name, bytes) in data {
        storable(name)?;
        w.start_file(name.as_str(), deflated).map_err(zip_failed)?;
        w.write_all(bytes).map_err(zip_failed)?;
    }
    for (name, bytes) in meta {
        w.start_file(name.as_str(), deflated).map_err(zip_failed)?;
        w.write_all(bytes).map_err(zip_failed)?;
    }
    Ok(w.finish().map_err(zip_failed)?.into_inner())
}

/// `existing` with `meta` added at the end: every existing entry copied raw (its local
/// header, compressed bytes and central directory record as they are; no recompression), so
/// the first signature's manifest and data objects keep their bytes.
pub(crate) fn add_entries(
    existing: &[u8],
    meta: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, AsicProblem> {
    edit(
        existing,
        &Edits {
            add: meta,
            ..Edits::default()
        },
    )
}

/// What [`edit`] does to a container.
#[derive(Default)]
pub(crate) struct Edits<'a> {
    /// Entries renamed (old name, new name), their bytes copied raw: an earlier
    /// ASiCArchiveManifest.xml becomes ASiCArchiveManifestK.xml (EN 319 162-1 §A.7 item 2).
    pub(crate) rename: &'a [(String, String)],
    /// Entries written anew (deflated) at their place in the order.
    pub(crate) replace: &'a [(String, Vec<u8>)],
    /// Entries added at the end (deflated); a name the container has (after the renames) is
    /// refused.
    pub(crate) add: &'a [(String, Vec<u8>)],
}

/// `existing` with `edits` applied; every entry they do not name is copied raw (local header,
/// compressed bytes, central directory record), the mimetype first as it was, the ZIP comment
/// kept.
pub(crate) fn edit(existing: &[u8], edits: &Edits<'_>) -> Result<Vec<u8>, AsicProblem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(existing)).map_err(zip_failed)?;
    let grow: usize = edits
        .replace
        .iter()
        .chain(edits.add)
        .map(|(_, b)| b.len())
        .sum();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(
        existing.len() + grow + 4096,
    )));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut names = Vec::with_capacity(zip.len() + edits.add.len());
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(zip_failed)?;
        let name = f.name().to_string();
        if let Some((_, bytes)) = edits.replace.iter().find(|(n, _)| *n == name) {
            drop(f);
            w.start_file(name.as_str(), deflated).map_err(zip_failed)?;
            w.write_all(bytes).map_err(zip_failed)?;
            names.push(name);
        } else if let Some((_, to)) = edits.rename.iter().find(|(n, _)| *n == name) {
            w.raw_copy_file_rename(f, to).map_err(zip_failed)?;
            names.push(to.clone());
        } else {
            w.raw_copy_file(f).map_err(zip_failed)?;
            names.push(name);
        }
    }
    for (name, bytes) in edits.add {
        // The reader refuses names that differ only in case (container.rs): so does the writer.
        if names
            .iter()
            .any(|n| n.to_lowercase() == name.to_lowercase())
        {
            return Err(AsicProblem::DuplicateEntry { name: name.clone() });
        }
        w.start_file(name.as_str(), deflated).map_err(zip_failed)?;
        w.write_all(bytes).map_err(zip_failed)?;
        names.push(name.clone());
    }
    if !zip.comment().is_empty() {
        w.set_raw_comment(zip.comment().to_vec().into_boxed_slice());
    }
    Ok(w.finish().map_err(zip_failed)?.into_inner())
}

/// The names kyso's reader would refuse are refused when building too.
fn storable(name: &str) -> Result<(), AsicProblem> {
    let why = if name.is_empty() {
        Some("the name is empty")
    } else if name == "mimetype" || name.starts_with("META-INF/") || name.starts_with("META-INF\\")
    {
        Some("the name is reserved for the container (EN 319 162-1 §4.2)")
    } else if name.contains('/') || name.contains('\\') {
        Some("data objects are stored at the container's root by their file name")
    } else if name.bytes().any(|b| b < 0x20 || b == 0x7f) || name == "." || name == ".." {
        Some("the name has a control character or is '.' or '..'")
    } else {
        None
    };
    match why {
        Some(why) => Err(AsicProblem::CannotStore {
            name: name.to_string(),
            why: why.into(),
        }),
        None => Ok(()),
    }
}

/// `existing` with the entries named in `replace` written anew (deflated, at the same place
/// in the order) and every other entry copied raw: an extended signature replaces its own
/// `.p7s`, and the data objects, manifests and other signatures keep their bytes.
pub(crate) fn replace_entries(
    existing: &[u8],
    replace: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, AsicProblem> {
    edit(
        existing,
        &Edits {
            replace,
            ..Edits::default()
        },
    )
}
