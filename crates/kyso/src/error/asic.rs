//! Why a file cannot be read, or written, as an ASiC container (ETSI EN 319 162-1): data only,
//! no language beyond the English of `Display` (the report's catalogue has the Vietnamese).

use serde::{Deserialize, Serialize};

/// A container kyso refuses to open or build, with the evidence. Each variant has a stable
/// [`AsicProblem::code`] (`asic_...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "asic_code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AsicProblem {
    /// Not a ZIP archive kyso can read (PKWARE APPNOTE §4.3): no end of central directory, a
    /// broken header, an unsupported compression method.
    #[error("not a readable ZIP container: {detail}")]
    ZipUnreadable {
        /// Where reading stopped.
        detail: String,
    },
    /// The container file is larger than kyso reads.
    #[error("the container has {size} bytes, more than the {limit} kyso reads")]
    ContainerTooLarge {
        /// Its size.
        size: u64,
        /// kyso's bound.
        limit: u64,
    },
    /// More entries than kyso accepts.
    #[error("the container has {count} entries, more than the {limit} kyso accepts")]
    TooManyEntries {
        /// Entries declared in the central directory.
        count: u64,
        /// kyso's bound.
        limit: u64,
    },
    /// An entry (or all entries together) decompresses to more than kyso accepts. Sizes are
    /// counted while decompressing: the declared sizes are not trusted.
    #[error("'{name}' decompresses to more than {limit} bytes (a zip bomb?)")]
    EntryTooLarge {
        /// The entry (or `*` for the total).
        name: String,
        /// kyso's bound.
        limit: u64,
    },
    /// An entry decompresses to more than `ratio` times its compressed size.
    #[error("'{name}' expands {ratio} times ({compressed} to more than {uncompressed} bytes), more than the {limit} kyso accepts (a zip bomb?)")]
    CompressionRatio {
        /// The entry.
        name: String,
        /// Its compressed size.
        compressed: u64,
        /// What was decompressed when the ratio was exceeded.
        uncompressed: u64,
        /// The ratio reached.
        ratio: u64,
        /// kyso's bound.
        limit: u64,
    },
    /// An entry name kyso refuses: `..`, absolute, a backslash, a NUL or control character,
    /// empty, too long (a path traversal or a name no file system keeps).
    #[error("entry name {name:?} is refused: {why}")]
    BadEntryName {
        /// The name as read (lossy UTF-8).
        name: String,
        /// Why.
        why: String,
    },
    /// Two entries with the same name (or names equal ignoring case, which collide on
    /// Windows and macOS file systems).
    #[error("two entries are named {name:?}; a container names each file once")]
    DuplicateEntry {
        /// The name.
        name: String,
    },
    /// An encrypted entry (APPNOTE §4.4.4 bit 0): ASiC containers are not encrypted.
    #[error("entry '{name}' is encrypted; kyso does not open encrypted containers")]
    EncryptedEntry {
        /// The entry.
        name: String,
    },
    /// The `mimetype` entry is not the first entry, is compressed, has an extra field, or
    /// names a type that is not ASiC (EN 319 162-1 §A.1).
    #[error("the mimetype entry does not follow EN 319 162-1 §A.1: {why}")]
    MimetypeNotConforming {
        /// What is wrong.
        why: String,
    },
    /// Neither the mimetype entry nor the content says whether this is ASiC-S or ASiC-E.
    #[error("the container type cannot be decided: {why}")]
    UnknownType {
        /// Why.
        why: String,
    },
    /// The container holds no CAdES signature (`META-INF/*.p7s`).
    #[error("the container holds no CAdES signature (META-INF/*signature*.p7s)")]
    NoSignature,
    /// An ASiC-S container must hold exactly one data object at its root (EN 319 162-1 §4.3.1).
    #[error("an ASiC-S container holds exactly one data object, this one has {count}")]
    NotOneDataObject {
        /// Data objects found.
        count: usize,
    },
    /// More signatures (SignerInfos, in all the `.p7s` entries together) than kyso verifies in
    /// one container.
    #[error(
        "the container holds more than {limit} signatures, the most kyso verifies in one container"
    )]
    TooManySignatures {
        /// The bound.
        limit: usize,
    },
    /// Building a container: a file name that cannot be stored (see [`AsicProblem::BadEntryName`]).
    #[error("cannot put {name:?} in a container: {why}")]
    CannotStore {
        /// The name.
        name: String,
        /// Why.
        why: String,
    },
}

impl AsicProblem {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        use AsicProblem::*;
        match self {
            ZipUnreadable { .. } => "asic_zip_unreadable",
            ContainerTooLarge { .. } => "asic_container_too_large",
            TooManyEntries { .. } => "asic_too_many_entries",
            EntryTooLarge { .. } => "asic_entry_too_large",
            CompressionRatio { .. } => "asic_compression_ratio",
            BadEntryName { .. } => "asic_bad_entry_name",
            DuplicateEntry { .. } => "asic_duplicate_entry",
            EncryptedEntry { .. } => "asic_encrypted_entry",
            MimetypeNotConforming { .. } => "asic_mimetype_not_conforming",
            UnknownType { .. } => "asic_unknown_type",
            NoSignature => "asic_no_signature",
            NotOneDataObject { .. } => "asic_not_one_data_object",
            TooManySignatures { .. } => "asic_too_many_signatures",
            CannotStore { .. } => "asic_cannot_store",
        }
    }
}
