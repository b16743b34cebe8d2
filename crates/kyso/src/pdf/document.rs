//! A parsed document: its revisions (ISO 32000-1 §7.5.6 incremental updates), each with its
//! cross-reference data, and lazy, bounded access to objects as of any revision.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use super::error::{PdfError, Result};
use super::filter;
use super::object::{Dict, ObjRef, Object, Stream, Value};
use super::syntax::{find_from, read_indirect, rfind, Parser};
use super::xref::{read_section, Budget, Entry, Section};
use super::Limits;

/// Where a revision's `%%EOF` marker is (§7.5.5: the last line of the file, and of each
/// incremental update, §7.5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EofMarker {
    /// Offset of the first `%` of `%%EOF`.
    pub(crate) marker: usize,
    /// Just after `%%EOF`.
    pub(crate) after: usize,
    /// After the end-of-line that follows it (CR, LF or CRLF), as writers count the revision;
    /// equal to `after` when none follows.
    pub(crate) after_eol: usize,
}

/// One revision: the original document or one incremental update (§7.5.6), in file order.
#[derive(Clone, Debug)]
pub(crate) struct Revision {
    /// The offset its cross-reference chain enters it by (`startxref` or /Prev).
    pub(crate) xref_offset: usize,
    /// Every cross-reference section it consists of: the one at `xref_offset`, a hybrid
    /// file's /XRefStm stream, and for a linearized original the first-page section.
    pub(crate) sections: Vec<usize>,
    /// Its trailer dictionary (a cross-reference stream's dictionary for a stream).
    pub(crate) trailer: Dict,
    /// The first `%%EOF` after its cross-reference data; `None` when the file has none there.
    pub(crate) eof: Option<EofMarker>,
    /// What its cross-reference sections say, object 0 (the free list's head) left out.
    pub(crate) entries: BTreeMap<u32, Entry>,
}

impl Revision {
    /// The objects this revision defines (in use, compressed, or marked free), as
    /// `(num, gen)` with the generation its entry gives.
    pub(crate) fn objects(&self) -> impl Iterator<Item = ObjRef> + '_ {
        self.entries
            .iter()
            .map(|(&num, e)| ObjRef::new(num, e.gen()))
    }
}

/// One object a revision defines, before and after it: the raw material for "what changed
/// after signing".
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Change {
    pub(crate) num: u32,
    /// The object as of the previous revision, with its reference; `None` if absent or free.
    pub(crate) before: Option<(ObjRef, Object)>,
    /// The object as this revision defines it; `None` if it marks the number free.
    pub(crate) after: Option<(ObjRef, Object)>,
}

/// A decoded object stream (§7.5.7).
struct ObjStm {
    data: Vec<u8>,
    /// `(object number, offset from /First)` pairs.
    pairs: Vec<(u32, usize)>,
    first: usize,
}

/// A PDF read for signature work. See the module documentation.
pub(crate) struct Document<'a> {
    bytes: &'a [u8],
    limits: Limits,
    version: String,
    revisions: Vec<Revision>,
    objstms: RefCell<HashMap<usize, Rc<ObjStm>>>,
    /// Offsets of the objects being read now, to catch a /Length or object stream cycle.
    reading: RefCell<HashSet<usize>>,
    decoded: Cell<u64>,
}

impl std::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("len", &self.bytes.len())
            .field("version", &self.version)
            .field("revisions", &self.revisions.len())
            .finish()
    }
}

/// `%PDF-x.y` at offset 0 (§7.5.2). A header further in would shift every offset, which a
/// verifier must not guess at, so it is refused with where it is.
fn header(bytes: &[u8]) -> Result<String> {
    let h = bytes.get(..8).unwrap_or_default();
    let ok = h.len() == 8
        && h.starts_with(b"%PDF-")
        && h.get(5).is_some_and(u8::is_ascii_digit)
        && h.get(6) == Some(&b'.')
        && h.get(7).is_some_and(u8::is_ascii_digit);
    if ok {
        return Ok(String::from_utf8_lossy(h.get(5..8).unwrap_or_default()).into_owned());
    }
    let head = bytes.get(..1024).unwrap_or(bytes);
    let what = match find_from(head, b"%PDF-", 0) {
        Some(at) => format!("the %PDF- header is at offset {at}, not 0 (offsets would be shifted)"),
        None => "no %PDF-x.y header at offset 0".to_string(),
    };
    Err(PdfError::NotPdf { what })
}

/// The offset after the last `startxref` (§7.5.5).
fn startxref(bytes: &[u8], limits: &Limits) -> Result<usize> {
    let Some(at) = rfind(bytes, b"startxref") else {
        return Err(PdfError::NoStartxref {
            what: "the keyword 'startxref' is not in the file".into(),
        });
    };
    let mut p = Parser::new(bytes, at + b"startxref".len(), true, limits);
    let off = p.unsigned().ok_or_else(|| PdfError::NoStartxref {
        what: format!("'startxref' at offset {at} is not followed by an offset"),
    })?;
    usize::try_from(off).map_err(|_| PdfError::BadXrefOffset {
        offset: off,
        from: "startxref",
        what: "too large".into(),
    })
}

/// How far after a section's trailer (or cross-reference stream) its `%%EOF` may be: room
/// for `startxref`, the offset, white space and a comment line. Bounding the search keeps a
/// file of many sections without markers from being scanned once per section.
const EOF_WINDOW: usize = 1024;

fn eof_after(bytes: &[u8], from: usize) -> Option<EofMarker> {
    let window = bytes.get(..from.saturating_add(EOF_WINDOW).min(bytes.len()))?;
    let marker = find_from(window, b"%%EOF", from)?;
    let after = marker + 5;
    let after_eol = match (bytes.get(after), bytes.get(after + 1)) {
        (Some(b'\r'), Some(b'\n')) => after + 2,
        (Some(b'\r' | b'\n'), _) => after + 1,
        _ => after,
    };
    Some(EofMarker {
        marker,
        after,
        after_eol,
    })
}

impl<'a> Document<'a> {
    /// Read the header, the last `startxref` and the whole cross-reference chain: tables,
    /// streams, hybrid /XRefStm sections (§7.5.8.4), /Prev links (§7.5.6). Objects are read
    /// later, on demand.
    pub(crate) fn parse(bytes: &'a [u8], limits: &Limits) -> Result<Document<'a>> {
        if bytes.len() as u64 > limits.max_file_size {
            return Err(PdfError::FileTooLarge {
                size: bytes.len() as u64,
                limit: limits.max_file_size,
            });
        }
        let version = header(bytes)?;
        let mut offset = startxref(bytes, limits)?;
        let mut from = "startxref";
        let mut visited = HashSet::new();
        let mut budget = Budget {
            objects: 0,
            decoded: 0,
        };
        let mut chain: Vec<(Section, Vec<usize>)> = Vec::new();
        let mut sections = 0usize;
        let mut visit = |offset: usize, sections: &mut usize| -> Result<()> {
            if !visited.insert(offset) {
                return Err(PdfError::XrefLoop {
                    offset: offset as u64,
                });
            }
            *sections += 1;
            if *sections > limits.max_xref_sections {
                return Err(PdfError::TooManyXrefSections {
                    limit: limits.max_xref_sections,
                });
            }
            Ok(())
        };
        loop {
            visit(offset, &mut sections)?;
            let mut section = read_section(bytes, offset, from, limits, &mut budget)?;
            let mut offsets = vec![offset];
            if !section.is_stream {
                if let Some(xs) = section.trailer.get("XRefStm") {
                    // §7.5.8.4: a hybrid file's table lists the objects every reader must
                    // see; the stream adds those in object streams. Table entries in use win,
                    // stream entries replace free or missing ones.
                    let xs = xs
                        .as_int()
                        .and_then(|x| usize::try_from(x).ok())
                        .ok_or_else(|| PdfError::BadXrefOffset {
                            offset: offset as u64,
                            from: "/XRefStm",
                            what: "the trailer's /XRefStm is not a non-negative integer".into(),
                        })?;
                    visit(xs, &mut sections)?;
                    let hybrid = read_section(bytes, xs, "/XRefStm", limits, &mut budget)?;
                    if !hybrid.is_stream {
                        return Err(PdfError::BadXrefOffset {
                            offset: xs as u64,
                            from: "/XRefStm",
                            what: "a table, not a cross-reference stream".into(),
                        });
                    }
                    for (num, e) in hybrid.entries {
                        let slot = section.entries.entry(num).or_insert(e);
                        if matches!(slot, Entry::Free { .. }) {
                            *slot = e;
                        }
                    }
                    section.end = section.end.max(hybrid.end);
                    offsets.push(xs);
                }
            }
            let prev = match section.trailer.get("Prev") {
                None => None,
                Some(o) => Some(
                    o.as_int()
                        .and_then(|x| usize::try_from(x).ok())
                        .ok_or_else(|| PdfError::BadXrefOffset {
                            offset: offset as u64,
                            from: "/Prev",
                            what: format!(
                                "the trailer's /Prev is {}, not a non-negative integer",
                                o.type_name()
                            ),
                        })?,
                ),
            };
            chain.push((section, offsets));
            match prev {
                Some(p) => {
                    offset = p;
                    from = "/Prev";
                }
                None => break,
            }
        }
        // Oldest first. A section whose %%EOF is not after the previous revision's (the
        // first-page section of a linearized file, Annex F, which sits at the start of the
        // file but is newer in the chain) belongs to that revision.
        let mut revisions: Vec<Revision> = Vec::new();
        for (section, offsets) in chain.into_iter().rev() {
            let eof = eof_after(bytes, section.end);
            let mut entries = section.entries;
            entries.remove(&0);
            if let Some(last) = revisions.last_mut() {
                let merge = match (last.eof, eof) {
                    (Some(a), Some(b)) => b.marker <= a.marker,
                    _ => false,
                };
                if merge {
                    last.entries.extend(entries);
                    last.sections.extend(offsets);
                    last.trailer = section.trailer;
                    // The chain enters the revision by the newer section (an update's /Prev
                    // must name it, or the first-page objects are lost).
                    last.xref_offset = section.offset;
                    continue;
                }
            }
            revisions.push(Revision {
                xref_offset: section.offset,
                sections: offsets,
                trailer: section.trailer,
                eof,
                entries,
            });
        }
        Ok(Document {
            bytes,
            limits: limits.clone(),
            version,
            revisions,
            objstms: RefCell::new(HashMap::new()),
            reading: RefCell::new(HashSet::new()),
            decoded: Cell::new(budget.decoded),
        })
    }

    /// The whole file.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The header's version, `"1.7"` for `%PDF-1.7`.
    pub(crate) fn version(&self) -> &str {
        &self.version
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The revisions in file order: 0 is the original document, the last is the newest.
    pub(crate) fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The index of the newest revision.
    pub(crate) fn last_revision(&self) -> usize {
        self.revisions.len().saturating_sub(1)
    }

    fn check_rev(&self, rev: usize) -> Result<()> {
        if rev >= self.revisions.len() {
            return Err(PdfError::NoSuchRevision {
                index: rev,
                count: self.revisions.len(),
            });
        }
        Ok(())
    }

    /// The trailer of revision `rev`.
    pub(crate) fn trailer(&self, rev: usize) -> Result<&Dict> {
        self.check_rev(rev)?;
        self.revisions
            .get(rev)
            .map(|r| &r.trailer)
            .ok_or(PdfError::NoSuchRevision {
                index: rev,
                count: self.revisions.len(),
            })
    }

    /// The entry for `num` as of revision `rev` and the revision that holds it.
    pub(crate) fn entry(&self, num: u32, rev: usize) -> Option<(Entry, usize)> {
        let top = rev.min(self.last_revision());
        (0..=top)
            .rev()
            .find_map(|i| self.revisions.get(i)?.entries.get(&num).map(|e| (*e, i)))
    }

    /// The first revision that defines `r` in use (the revision a signature dictionary was
    /// written in).
    pub(crate) fn first_definition(&self, r: ObjRef) -> Option<usize> {
        self.revisions.iter().position(|rev| {
            rev.entries
                .get(&r.num)
                .is_some_and(|e| !matches!(e, Entry::Free { .. }) && e.gen() == r.gen)
        })
    }

    /// The object `r` in the newest revision; `None` when it is free or not defined (a
    /// reference to it reads as null, §7.3.10).
    pub(crate) fn get(&self, r: ObjRef) -> Result<Option<Object>> {
        self.get_in_revision(r, self.last_revision())
    }

    /// The object `r` as of revision `rev`: the document as it was when that revision was
    /// written.
    pub(crate) fn get_in_revision(&self, r: ObjRef, rev: usize) -> Result<Option<Object>> {
        self.check_rev(rev)?;
        self.get_at(r, rev, 0)
    }

    fn get_at(&self, r: ObjRef, rev: usize, depth: usize) -> Result<Option<Object>> {
        if depth > self.limits.max_ref_chain {
            return Err(PdfError::RefChainTooLong {
                reference: r,
                limit: self.limits.max_ref_chain,
            });
        }
        let Some((entry, holder)) = self.entry(r.num, rev) else {
            return Ok(None);
        };
        if entry.gen() != r.gen {
            // A reference whose generation is not the entry's is to an object that does
            // not exist (§7.3.10).
            return Ok(None);
        }
        match entry {
            Entry::Free { .. } => Ok(None),
            Entry::InFile { offset, .. } => self.read_at(offset, r, rev, depth).map(Some),
            Entry::InStream { stream, index } => self
                .read_compressed(stream, index, r, holder, depth)
                .map(Some),
        }
    }

    /// The indirect object at `offset`, which the cross-reference data says is `r`.
    fn read_at(&self, offset: usize, r: ObjRef, rev: usize, depth: usize) -> Result<Object> {
        if offset >= self.bytes.len() {
            return Err(PdfError::OffsetPastEnd {
                reference: r,
                offset: offset as u64,
                len: self.bytes.len() as u64,
            });
        }
        if !self.reading.borrow_mut().insert(offset) {
            return Err(PdfError::RefCycle { reference: r });
        }
        let result = self.read_at_inner(offset, r, rev, depth);
        self.reading.borrow_mut().remove(&offset);
        result
    }

    fn read_at_inner(&self, offset: usize, r: ObjRef, rev: usize, depth: usize) -> Result<Object> {
        let mut length = |o: &Object| -> Result<i64> {
            let value = match o.as_ref() {
                Some(lr) => self.get_at(lr, rev, depth + 1)?.unwrap_or(Object::NULL),
                None => o.clone(),
            };
            value.as_int().ok_or_else(|| PdfError::StreamLength {
                offset: offset as u64,
                what: format!("/Length is {}, not an integer", value.type_name()),
            })
        };
        let ind =
            read_indirect(self.bytes, offset, &self.limits, &mut length).map_err(|e| match e {
                PdfError::Syntax { offset: o, what } if o == offset as u64 => {
                    PdfError::ObjectMismatch {
                        reference: r,
                        offset: o,
                        found: what,
                    }
                }
                e => e,
            })?;
        if ind.reference != r {
            return Err(PdfError::ObjectMismatch {
                reference: r,
                offset: offset as u64,
                found: format!("object {} begins", ind.reference),
            });
        }
        Ok(ind.object)
    }

    /// Object `index` of object stream `stream` (§7.5.7), which should be `r`.
    fn read_compressed(
        &self,
        stream: u32,
        index: u32,
        r: ObjRef,
        rev: usize,
        depth: usize,
    ) -> Result<Object> {
        let sref = ObjRef::new(stream, 0);
        let bad = |what: String| PdfError::BadObjectStream {
            reference: sref,
            what,
        };
        let offset = match self.entry(stream, rev) {
            Some((Entry::InFile { offset, gen: 0 }, _)) => offset,
            Some((Entry::InStream { .. }, _)) => {
                return Err(bad(format!(
                    "it holds object {r} but is itself in an object stream, which §7.5.7 forbids"
                )))
            }
            _ => return Err(bad(format!("it holds object {r} but is not in use"))),
        };
        let cached = self.objstms.borrow().get(&offset).cloned();
        let objstm = match cached {
            Some(o) => o,
            None => {
                let o = Rc::new(self.load_objstm(offset, sref, rev, depth)?);
                self.objstms.borrow_mut().insert(offset, o.clone());
                o
            }
        };
        let (num, off) = objstm.pairs.get(index as usize).copied().ok_or_else(|| {
            bad(format!(
                "object {r} is entry {index}, but it has {}",
                objstm.pairs.len()
            ))
        })?;
        if num != r.num {
            return Err(bad(format!(
                "entry {index} is object {num}, not {} as the cross-reference stream says",
                r.num
            )));
        }
        let at = objstm.first.saturating_add(off);
        if at >= objstm.data.len() {
            return Err(bad(format!(
                "object {num}'s offset is past the stream's end"
            )));
        }
        let mut p = Parser::new(&objstm.data, at, false, &self.limits);
        let obj = p.object(0).map_err(|e| bad(format!("object {num}: {e}")))?;
        if obj.as_dict().is_some() && p.keyword(b"stream") {
            return Err(bad(format!(
                "object {num} is a stream, which cannot be in an object stream"
            )));
        }
        Ok(obj)
    }

    fn load_objstm(&self, offset: usize, sref: ObjRef, rev: usize, depth: usize) -> Result<ObjStm> {
        let bad = |what: String| PdfError::BadObjectStream {
            reference: sref,
            what,
        };
        let obj = self.read_at(offset, sref, rev, depth + 1)?;
        let Some(stream) = obj.as_stream() else {
            return Err(bad(format!("it is {}, not a stream", obj.type_name())));
        };
        if !stream.dict.is_type("ObjStm") {
            return Err(bad("it lacks /Type /ObjStm".into()));
        }
        let n = stream
            .dict
            .int("N")
            .filter(|&n| n >= 0)
            .ok_or_else(|| bad("no valid /N".into()))?;
        let first = stream
            .dict
            .int("First")
            .and_then(|f| usize::try_from(f).ok())
            .ok_or_else(|| bad("no valid /First".into()))?;
        if n as u64 > self.limits.max_objects as u64 {
            return Err(PdfError::TooManyObjects {
                limit: self.limits.max_objects,
            });
        }
        let data = self.decode(stream)?;
        let mut p = Parser::new(&data, 0, false, &self.limits);
        let mut pairs = Vec::new();
        for i in 0..n {
            match (p.unsigned(), p.unsigned()) {
                (Some(num), Some(off)) if p.pos <= first => {
                    let num =
                        u32::try_from(num).map_err(|_| bad("object number too large".into()))?;
                    pairs.push((num, usize::try_from(off).unwrap_or(usize::MAX)));
                }
                _ => {
                    return Err(bad(format!(
                        "pair {i} of /N {n} in its header is not 'num offset' before /First"
                    )))
                }
            }
        }
        Ok(ObjStm { data, pairs, first })
    }

    /// The decoded data of a stream, within the per-stream and per-document limits.
    pub(crate) fn decode(&self, stream: &Stream) -> Result<Vec<u8>> {
        let raw = self
            .bytes
            .get(stream.data.start..stream.data.end)
            .unwrap_or_default();
        let left = self
            .limits
            .max_total_decoded
            .saturating_sub(self.decoded.get());
        let (limit, what, field) = if left < self.limits.max_stream_decoded {
            (left, "for the whole document", "max_total_decoded")
        } else {
            (
                self.limits.max_stream_decoded,
                "for one stream",
                "max_stream_decoded",
            )
        };
        let out = filter::decode(raw, &stream.dict, stream.data.start, limit, what, field)?;
        self.decoded.set(self.decoded.get() + out.len() as u64);
        Ok(out)
    }

    /// Follow references from `o` as of revision `rev` until a direct object (null for a
    /// free or undefined object); a cycle or a chain over the limit is an error.
    pub(crate) fn resolve(&self, o: &Object, rev: usize) -> Result<Object> {
        self.check_rev(rev)?;
        let mut cur = o.clone();
        let mut seen: Vec<ObjRef> = Vec::new();
        while let Some(r) = cur.as_ref() {
            if seen.contains(&r) {
                return Err(PdfError::RefCycle { reference: r });
            }
            if seen.len() >= self.limits.max_ref_chain {
                return Err(PdfError::RefChainTooLong {
                    reference: seen.first().copied().unwrap_or(r),
                    limit: self.limits.max_ref_chain,
                });
            }
            seen.push(r);
            cur = self.get_at(r, rev, 0)?.unwrap_or(Object::NULL);
        }
        Ok(cur)
    }

    /// `dict[key]` resolved as of `rev`; `None` when missing or null.
    pub(crate) fn entry_of(&self, dict: &Dict, key: &str, rev: usize) -> Result<Option<Object>> {
        match dict.get(key) {
            None => Ok(None),
            Some(o) => {
                let v = self.resolve(o, rev)?;
                Ok((!v.is_null()).then_some(v))
            }
        }
    }

    /// `dict[key]` resolved as of `rev` when it is a dictionary (or a stream's); an error
    /// naming `what` when it is something else.
    pub(crate) fn dict_of(
        &self,
        dict: &Dict,
        key: &str,
        rev: usize,
        what: &str,
    ) -> Result<Option<Dict>> {
        match self.entry_of(dict, key, rev)? {
            None => Ok(None),
            Some(Object {
                value: Value::Dict(d),
                ..
            }) => Ok(Some(d)),
            Some(Object {
                value: Value::Stream(s),
                ..
            }) => Ok(Some(s.dict)),
            Some(o) => Err(PdfError::structure(format!(
                "{what} /{key} is {}, not a dictionary",
                o.type_name()
            ))),
        }
    }

    /// The document catalog (§7.7.2) of revision `rev`, from its trailer's /Root.
    pub(crate) fn catalog(&self, rev: usize) -> Result<Dict> {
        let trailer = self.trailer(rev)?.clone();
        self.dict_of(&trailer, "Root", rev, "the trailer's")?
            .ok_or_else(|| {
                PdfError::structure(format!(
                    "revision {rev}'s trailer has no /Root (document catalog)"
                ))
            })
    }

    /// For revision `rev` (from 1), every object it defines, as of revision `rev - 1` and as
    /// of `rev` (§7.5.6). Revision 0 changes nothing: it is the original.
    pub(crate) fn changes(&self, rev: usize) -> Result<Vec<Change>> {
        self.check_rev(rev)?;
        if rev == 0 {
            return Ok(Vec::new());
        }
        let Some(revision) = self.revisions.get(rev) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (&num, entry) in &revision.entries {
            let after = match entry {
                Entry::Free { .. } => None,
                e => {
                    let r = ObjRef::new(num, e.gen());
                    self.get_at(r, rev, 0)?.map(|o| (r, o))
                }
            };
            let before = match self.entry(num, rev - 1) {
                None | Some((Entry::Free { .. }, _)) => None,
                Some((e, _)) => {
                    let r = ObjRef::new(num, e.gen());
                    self.get_at(r, rev - 1, 0)?.map(|o| (r, o))
                }
            };
            out.push(Change { num, before, after });
        }
        Ok(out)
    }
}
