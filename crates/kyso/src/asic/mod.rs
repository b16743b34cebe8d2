//! ASiC containers (ETSI EN 319 162-1) with CAdES signatures: reading a ZIP container within
//! bounds, the ASiCManifest (§A.4) read and written, the ASiCArchiveManifest (§A.7) written,
//! and containers built and edited.
//!
//! The ZIP format is PKWARE's APPNOTE.TXT (6.3.x); the `zip` crate decompresses and writes, and
//! every rule that guards kyso against a hostile container is checked here, before and while
//! decompressing: entry count, per-entry and total sizes counted from the bytes actually
//! inflated (a declared size is a claim), the compression ratio, names (no traversal, no
//! duplicates), no encryption. Verifying the signatures is the verifier's (verifier/asic.rs).

pub(crate) mod container;
mod manifest;
mod writer;

pub(crate) use container::{read, read_zip, Container, Limits};
pub(crate) use manifest::{
    media_type, parse as parse_manifest, write as write_manifest, write_archive, Manifest,
};
pub(crate) use writer::{add_entries, build, edit, replace_entries, Edits};
