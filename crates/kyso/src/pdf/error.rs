//! Why a PDF could not be read: one error type for the whole reader, each variant with the
//! offset or object it is about, so a report can say where the file is wrong.

use super::object::ObjRef;

/// A PDF the reader refuses, or a part of one it cannot read. Never a guess: a wrong offset
/// is reported, not repaired (a verifier must not choose which bytes were signed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum PdfError {
    /// The file is larger than [`super::Limits::max_file_size`].
    #[error("the PDF is {size} bytes, more than the limit of {limit}; raise Limits::max_file_size to read it")]
    FileTooLarge { size: u64, limit: u64 },
    /// No `%PDF-x.y` header at offset 0 (ISO 32000-1 §7.5.2).
    #[error("not a PDF: {what}")]
    NotPdf { what: String },
    /// No usable `startxref` near the end of the file (§7.5.5).
    #[error("no startxref: {what}; the file is truncated or not a PDF")]
    NoStartxref { what: String },
    /// A cross-reference offset (from `startxref`, /Prev or /XRefStm) that does not point at a
    /// cross-reference section. The file is not repaired.
    #[error("no cross-reference section at offset {offset} (from {from}): {what}")]
    BadXrefOffset {
        offset: u64,
        from: &'static str,
        what: String,
    },
    /// The /Prev chain visits one section twice (§7.5.6).
    #[error("the cross-reference chain loops: the section at offset {offset} is reached twice")]
    XrefLoop { offset: u64 },
    /// More cross-reference sections than [`super::Limits::max_xref_sections`].
    #[error("more than {limit} cross-reference sections in the /Prev chain")]
    TooManyXrefSections { limit: usize },
    /// More objects than [`super::Limits::max_objects`].
    #[error("more than {limit} objects in the cross-reference sections")]
    TooManyObjects { limit: usize },
    /// Bytes that are not PDF syntax where an object or keyword was expected.
    #[error("PDF syntax error at offset {offset}: {what}")]
    Syntax { offset: u64, what: String },
    /// The input ends inside an object or section.
    #[error("the PDF ends at offset {offset} inside {what}; the file is truncated")]
    Truncated { offset: u64, what: &'static str },
    /// Arrays and dictionaries nested deeper than [`super::Limits::max_depth`].
    #[error("objects nested more than {limit} deep at offset {offset}")]
    TooDeep { offset: u64, limit: usize },
    /// A string or name longer than its limit.
    #[error("{what} at offset {offset} is longer than the limit of {limit} bytes")]
    TooLong {
        offset: u64,
        what: &'static str,
        limit: usize,
    },
    /// An xref entry points at bytes that are not the object it names.
    #[error(
        "the cross-reference entry for object {reference} points at offset {offset}, where {found}"
    )]
    ObjectMismatch {
        reference: ObjRef,
        offset: u64,
        found: String,
    },
    /// An xref entry offset beyond the end of the file.
    #[error("the cross-reference entry for object {reference} points at offset {offset}, past the end of the file ({len} bytes)")]
    OffsetPastEnd {
        reference: ObjRef,
        offset: u64,
        len: u64,
    },
    /// Indirect references followed more than [`super::Limits::max_ref_chain`] deep.
    #[error("more than {limit} indirect references followed in a row from object {reference}")]
    RefChainTooLong { reference: ObjRef, limit: usize },
    /// An object whose resolution needs itself (a /Length or object stream cycle).
    #[error("object {reference} refers to itself while it is being read (reference cycle)")]
    RefCycle { reference: ObjRef },
    /// A stream whose /Length is missing, negative, not an integer or does not end at
    /// `endstream` (§7.3.8.1).
    #[error("the stream at offset {offset} has a bad /Length: {what}")]
    StreamLength { offset: u64, what: String },
    /// A filter the reader does not decode.
    #[error(
        "unsupported stream filter /{filter}: only FlateDecode (with PNG predictors) is decoded"
    )]
    UnsupportedFilter { filter: String },
    /// A stream whose data does not decode.
    #[error("the stream at offset {offset} does not decode: {what}")]
    Decode { offset: u64, what: String },
    /// Decoding would produce more than a stream or document limit allows.
    #[error(
        "decoding stops at the limit of {limit} bytes {what}; raise Limits::{field} to read it"
    )]
    DecodeLimit {
        limit: u64,
        what: &'static str,
        field: &'static str,
    },
    /// An object stream inside an object stream, or a stream inside one (§7.5.7).
    #[error("object stream {reference}: {what}")]
    BadObjectStream { reference: ObjRef, what: String },
    /// A structure (catalog, trailer, AcroForm, page tree, DSS, signature dictionary) whose
    /// entry has the wrong type.
    #[error("{what}")]
    BadStructure { what: String },
    /// More form fields than [`super::Limits::max_fields`].
    #[error("more than {limit} form fields in the AcroForm")]
    TooManyFields { limit: usize },
    /// /Kids nested deeper than [`super::Limits::max_kids_depth`], or a /Kids loop.
    #[error("the {tree} /Kids tree {what}")]
    BadTree { tree: &'static str, what: String },
    /// A revision index the document does not have.
    #[error("revision {index} does not exist: the document has {count}")]
    NoSuchRevision { index: usize, count: usize },
    // The visible signature block (appearance.rs): what was asked for that cannot be drawn.
    /// A signature rectangle whose width or height is not a positive number of points up to
    /// 14,400 (ISO 32000-1 Annex C's largest page).
    #[error("the signature rectangle {size} pt is not usable: width and height must be more than 0 and at most 14400 pt; give the rectangle as X,Y,W,H in points")]
    AppearanceRect { size: String },
    /// Text that does not fit the rectangle even at the smallest font size.
    #[error("the signature rectangle {size} pt is too small for the text at the smallest font size ({min_font_size} pt): make it at least {need_width} pt wide and {need_height} pt tall, or shorten the lines")]
    AppearanceTooSmall {
        size: String,
        min_font_size: u32,
        need_width: u32,
        need_height: u32,
    },
    /// More text lines than the block draws.
    #[error("the signature block has {count} lines of text, more than {limit}: shorten it")]
    AppearanceTooManyLines { count: usize, limit: usize },
    /// A text line longer than the block draws (counted after NFC normalisation).
    #[error(
        "line {line} of the signature block has {chars} characters, more than {limit}: shorten it"
    )]
    AppearanceLineTooLong {
        line: usize,
        chars: usize,
        limit: usize,
    },
    /// A character the block cannot draw: a control character, or one the embedded font has
    /// no glyph for (drawing the font's empty box instead would show the signer wrong text).
    #[error("line {line} of the signature block: the character {ch:?} (U+{code:04X}) {why}: remove or replace it", code = u32::from(*.ch))]
    AppearanceCharacter {
        line: usize,
        ch: char,
        why: &'static str,
    },
    /// No text and no image: nothing to draw.
    #[error("the signature block has no text and no image: give at least one line or an image")]
    AppearanceEmpty,
    /// Object numbers from `next` would run past the largest one.
    #[error("the signature appearance's objects cannot be numbered from {next}: object numbers start at 1 and must stay below 2^32")]
    AppearanceObjectNumber { next: u32 },
    /// The embedded font could not be read or subset (a bug in kyso, not in the input).
    #[error("the embedded signature font (DejaVu Sans) cannot be used: {what}; this is a bug in kyso, please report it")]
    AppearanceFont { what: String },
    /// The image does not start with the PNG signature (RFC 2083 §3.1).
    #[error("the image is not a PNG file (it does not start with the PNG signature): give a .png of the seal or signature")]
    ImageNotPng,
    /// A PNG that does not decode: truncated, a bad chunk CRC, bad compressed data.
    #[error("the PNG image cannot be decoded ({what}): the file is truncated or damaged; export it again as PNG")]
    ImageDamaged { what: String },
    /// A PNG larger than the block draws, refused from its header before anything is
    /// allocated.
    #[error("the PNG image is {width} x {height} pixels, {what}: scale it down (a seal needs no more than about 1000 x 1000)")]
    ImageTooLarge {
        width: u32,
        height: u32,
        what: &'static str,
    },
}

impl PdfError {
    /// A stable, machine-readable code for reports and tests.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            PdfError::FileTooLarge { .. } => "PDF_FILE_TOO_LARGE",
            PdfError::NotPdf { .. } => "PDF_NOT_PDF",
            PdfError::NoStartxref { .. } => "PDF_NO_STARTXREF",
            PdfError::BadXrefOffset { .. } => "PDF_BAD_XREF_OFFSET",
            PdfError::XrefLoop { .. } => "PDF_XREF_LOOP",
            PdfError::TooManyXrefSections { .. } => "PDF_TOO_MANY_XREF_SECTIONS",
            PdfError::TooManyObjects { .. } => "PDF_TOO_MANY_OBJECTS",
            PdfError::Syntax { .. } => "PDF_SYNTAX",
            PdfError::Truncated { .. } => "PDF_TRUNCATED",
            PdfError::TooDeep { .. } => "PDF_TOO_DEEP",
            PdfError::TooLong { .. } => "PDF_TOO_LONG",
            PdfError::ObjectMismatch { .. } => "PDF_OBJECT_MISMATCH",
            PdfError::OffsetPastEnd { .. } => "PDF_OFFSET_PAST_END",
            PdfError::RefChainTooLong { .. } => "PDF_REF_CHAIN_TOO_LONG",
            PdfError::RefCycle { .. } => "PDF_REF_CYCLE",
            PdfError::StreamLength { .. } => "PDF_STREAM_LENGTH",
            PdfError::UnsupportedFilter { .. } => "PDF_UNSUPPORTED_FILTER",
            PdfError::Decode { .. } => "PDF_DECODE",
            PdfError::DecodeLimit { .. } => "PDF_DECODE_LIMIT",
            PdfError::BadObjectStream { .. } => "PDF_BAD_OBJECT_STREAM",
            PdfError::BadStructure { .. } => "PDF_BAD_STRUCTURE",
            PdfError::TooManyFields { .. } => "PDF_TOO_MANY_FIELDS",
            PdfError::BadTree { .. } => "PDF_BAD_TREE",
            PdfError::NoSuchRevision { .. } => "PDF_NO_SUCH_REVISION",
            PdfError::AppearanceRect { .. } => "PDF_APPEARANCE_RECT",
            PdfError::AppearanceTooSmall { .. } => "PDF_APPEARANCE_TOO_SMALL",
            PdfError::AppearanceTooManyLines { .. } => "PDF_APPEARANCE_TOO_MANY_LINES",
            PdfError::AppearanceLineTooLong { .. } => "PDF_APPEARANCE_LINE_TOO_LONG",
            PdfError::AppearanceCharacter { .. } => "PDF_APPEARANCE_CHARACTER",
            PdfError::AppearanceEmpty => "PDF_APPEARANCE_EMPTY",
            PdfError::AppearanceObjectNumber { .. } => "PDF_APPEARANCE_OBJECT_NUMBER",
            PdfError::AppearanceFont { .. } => "PDF_APPEARANCE_FONT",
            PdfError::ImageNotPng => "PDF_IMAGE_NOT_PNG",
            PdfError::ImageDamaged { .. } => "PDF_IMAGE_DAMAGED",
            PdfError::ImageTooLarge { .. } => "PDF_IMAGE_TOO_LARGE",
        }
    }

    pub(crate) fn syntax(offset: usize, what: impl Into<String>) -> PdfError {
        PdfError::Syntax {
            offset: offset as u64,
            what: what.into(),
        }
    }

    pub(crate) fn structure(what: impl Into<String>) -> PdfError {
        PdfError::BadStructure { what: what.into() }
    }
}

pub(crate) type Result<T> = std::result::Result<T, PdfError>;
