//! A small, bounded PDF reader for signature work (ISO 32000-1 §7.5, §12.7, §12.8).
//!
//! kyso reads PDFs itself instead of through a general PDF crate (lopdf, pdf), because a
//! signature verifier needs what those hide or repair:
//!
//! * exact byte offsets: where the /Contents hex string of each signature is (the hole in the
//!   /ByteRange), and where each revision's `%%EOF` is (what a /ByteRange must end at);
//! * the revisions themselves (§7.5.6): which objects each incremental update added, changed
//!   or freed, and any object as the document was when a revision was written, so later
//!   changes can be judged against what was signed;
//! * no repair: a wrong `startxref` or cross-reference offset is an error that names the
//!   offset; a reader that rebuilds the table by scanning would choose for the verifier which
//!   bytes were signed;
//! * hard bounds on hostile input ([`Limits`]): file size, objects, cross-reference sections
//!   and their /Prev loops, nesting, reference chains, decompressed bytes per stream and per
//!   document, form fields and /Kids depth, string and name lengths. Nothing panics, nothing
//!   loops without bound, nothing allocates what the input merely claims.
//!
//! What it reads: the header, classic cross-reference tables (§7.5.4) and trailers (§7.5.5),
//! cross-reference streams with FlateDecode and PNG predictors (§7.5.8), hybrid files
//! (/XRefStm, §7.5.8.4), object streams (§7.5.7), the interactive form's signature fields
//! (§12.7) and signature dictionaries (§12.8.1), /Perms (§12.8.4), the page tree (§7.7.3) and
//! the document security store (ISO 32000-2 §12.8.4.3). What it does not: encryption
//! (§7.6; an encrypted file's strings are read undecrypted), filters other than FlateDecode
//! (an "unsupported filter" error), content streams, fonts, rendering.
//!
//! The module uses nothing else of kyso, so the fuzz target and the corpus test can compile
//! it on its own.

// The verifier (verifier/pdf.rs) uses part of the reader; the page tree, /Perms and the
// per-revision field queries are for the signing and DocMDP work still to come, and the
// corpus test and fuzz target compile this module on its own (#[path]), where more is unused.
#![allow(dead_code, unused_imports)]

pub(crate) mod appearance; // writes the objects that draw a visible signature block
mod document;
mod error;
mod filter;
mod forms;
mod object;
pub(crate) mod sign;
mod syntax;
pub(crate) mod write;
mod xref;

pub(crate) use appearance::{build_appearance, AppearanceObjects, AppearanceSpec};
pub(crate) use document::{Change, Document, EofMarker, Revision};
pub(crate) use error::PdfError;
pub(crate) use forms::{
    Contents, Dss, DssItem, EmptySignatureField, FormFields, Page, SigReference, SignatureDict,
    SignatureField, Vri,
};
pub(crate) use object::{Dict, Name, ObjRef, Object, PdfString, Span, Stream, Value};
pub(crate) use xref::Entry;

/// Bounds on the work and memory one document may cost. The defaults accept every real
/// signed document seen (the DSS and pyHanko corpora, agency PDFs of a few hundred pages)
/// with a wide margin; each can be raised or lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Largest file read, in bytes: 1 GiB (scanned dossiers run to hundreds of MiB).
    pub(crate) max_file_size: u64,
    /// Cross-reference entries over all sections: 1,000,000 (a 10,000-page document has
    /// about 100,000 objects).
    pub(crate) max_objects: usize,
    /// Sections in the /Prev chain, /XRefStm ones included: 1,000 (one or two per
    /// incremental update; dossiers with dozens of signatures stay far below).
    pub(crate) max_xref_sections: usize,
    /// Nesting of arrays and dictionaries: 64 (Annex C of ISO 32000-1 gives 28 for
    /// q/Q nesting; real documents nest dictionaries under 10 deep).
    pub(crate) max_depth: usize,
    /// Indirect references followed in a row (and nested object reads: an indirect
    /// /Length, an object stream's own object): 32.
    pub(crate) max_ref_chain: usize,
    /// Decoded bytes of one stream: 64 MiB (an object stream or DSS entry is far smaller;
    /// page images, which the reader never decodes, are the large streams).
    pub(crate) max_stream_decoded: u64,
    /// Decoded bytes per document, all streams together: 256 MiB.
    pub(crate) max_total_decoded: u64,
    /// Form fields walked: 10,000.
    pub(crate) max_fields: usize,
    /// Depth of the /Kids trees (form fields, pages): 32 (PDF writers balance page trees
    /// about 10 wide, so 32 levels hold far more pages than a file can).
    pub(crate) max_kids_depth: usize,
    /// Decoded bytes of one string: 16 MiB (a /Contents placeholder with a B-LTA signature
    /// and its validation data is well under 1 MiB; Annex C suggests 32,767 for text).
    pub(crate) max_string_len: usize,
    /// Bytes of one name: 1,024 (PDF 1.7's Annex C limit is 127; PDF 2.0 dropped it).
    pub(crate) max_name_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 1 << 30,
            max_objects: 1_000_000,
            max_xref_sections: 1_000,
            max_depth: 64,
            max_ref_chain: 32,
            max_stream_decoded: 64 << 20,
            max_total_decoded: 256 << 20,
            max_fields: 10_000,
            max_kids_depth: 32,
            max_string_len: 16 << 20,
            max_name_len: 1_024,
        }
    }
}

#[cfg(test)]
mod tests;
