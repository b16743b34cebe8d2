//! Writing an incremental update (ISO 32000-1 §7.5.6): new and changed objects appended after
//! the original bytes, which are never touched, with a cross-reference section of the same kind
//! as the file's last one (a table, §7.5.4, or a stream, §7.5.8) whose /Prev chains to it.
//!
//! Objects are written from the reader's object model. Strings are always written in hex
//! (§7.3.4.3), which needs no escaping; names escape what §7.3.5 says must be (`#xx`). A
//! changed object keeps its number and generation; the reader's offsets of the original
//! objects stay valid because nothing before the update moves.

use std::fmt::Write as _;

use super::error::{PdfError, Result};
use super::object::{Dict, Name, ObjRef, Object, PdfString, Value};
use super::Document;

/// Append `o` in PDF syntax. Streams cannot be re-serialised from the model (their data is a
/// span of the original file): an error, as callers only rewrite dictionaries and arrays.
pub(crate) fn object(o: &Object, out: &mut Vec<u8>) -> Result<()> {
    match &o.value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Real(r) => out.extend_from_slice(real(*r).as_bytes()),
        Value::String(s) => hex_string(&s.bytes, out),
        Value::Name(n) => name(n, out),
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                object(x, out)?;
            }
            out.push(b']');
        }
        Value::Dict(d) => dict(d, out)?,
        Value::Stream(_) => {
            return Err(PdfError::structure(
                "a stream cannot be rewritten in an incremental update",
            ))
        }
        Value::Ref(r) => out.extend_from_slice(r.to_string().as_bytes()),
    }
    Ok(())
}

/// A dictionary, entries in their order (a duplicated key is written once, with the value the
/// reader gives it: the last).
pub(crate) fn dict(d: &Dict, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"<<");
    let mut written: Vec<&Name> = Vec::new();
    for (k, _) in &d.entries {
        if written.contains(&k) {
            continue;
        }
        written.push(k);
        let Some(v) = d.get(&k.text()) else { continue };
        name(k, out);
        out.push(b' ');
        object(v, out)?;
    }
    out.extend_from_slice(b">>");
    Ok(())
}

/// A real without an exponent (§7.3.3 has none): Rust's shortest round-trip form.
fn real(r: f64) -> String {
    let s = format!("{r}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

pub(crate) fn hex_string(b: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(b.len() * 2 + 2);
    out.push(b'<');
    for &c in b {
        out.push(HEX[usize::from(c >> 4)]);
        out.push(HEX[usize::from(c & 15)]);
    }
    out.push(b'>');
}

/// A text string's bytes (§7.9.2.2): PDFDocEncoding when it is printable ASCII, else UTF-16BE
/// with its byte order mark.
pub(crate) fn text_bytes(s: &str) -> Vec<u8> {
    if s.bytes().all(|c| (0x20..0x7f).contains(&c)) {
        return s.as_bytes().to_vec();
    }
    let mut b = vec![0xfe, 0xff];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    b
}

/// A text string, written in hex.
pub(crate) fn text_string(s: &str, out: &mut Vec<u8>) {
    hex_string(&text_bytes(s), out);
}

/// A name (§7.3.5): bytes outside `!`..`~`, `#` and the delimiters written as `#xx`.
pub(crate) fn name(n: &Name, out: &mut Vec<u8>) {
    out.push(b'/');
    for &c in n.as_bytes() {
        if (0x21..0x7f).contains(&c) && !b"#()<>[]{}/%".contains(&c) {
            out.push(c);
        } else {
            out.extend_from_slice(format!("#{c:02X}").as_bytes());
        }
    }
}

/// Shorthands for building dictionaries.
pub(crate) fn n(s: &str) -> Object {
    Object::new(Value::Name(Name(s.as_bytes().to_vec())), None)
}
pub(crate) fn int(i: i64) -> Object {
    Object::new(Value::Int(i), None)
}
pub(crate) fn reference(r: ObjRef) -> Object {
    Object::new(Value::Ref(r), None)
}
pub(crate) fn array(items: Vec<Object>) -> Object {
    Object::new(Value::Array(items), None)
}
pub(crate) fn string(b: &[u8]) -> Object {
    Object::new(
        Value::String(PdfString {
            bytes: b.to_vec(),
            hex: true,
        }),
        None,
    )
}

impl Dict {
    /// Set `key` (replacing every entry of that key, keeping the first one's place).
    pub(crate) fn set(&mut self, key: &str, v: Object) {
        match self.entries.iter().position(|(k, _)| k.is(key)) {
            Some(i) => {
                self.entries[i].1 = v;
                let mut j = 0;
                self.entries.retain(|(k, _)| {
                    j += 1;
                    j - 1 <= i || !k.is(key)
                });
            }
            None => self.entries.push((Name(key.as_bytes().to_vec()), v)),
        }
    }
}

/// An incremental update being built over `doc`: objects with their numbers, then
/// [`Update::finish`] lays them out with the cross-reference section and trailer.
pub(crate) struct Update<'d, 'a> {
    doc: &'d Document<'a>,
    next: u32,
    objects: Vec<(ObjRef, Vec<u8>)>,
}

/// The laid-out update: its bytes (to append to the original file) and where each object
/// starts in them.
pub(crate) struct Written {
    pub(crate) bytes: Vec<u8>,
    /// `(object, offset in bytes of its body, just after "N G obj\n")`.
    pub(crate) bodies: Vec<(ObjRef, usize)>,
}

impl<'d, 'a> Update<'d, 'a> {
    /// A new update over `doc`. Refused for an encrypted document (§7.6: new strings would
    /// have to be encrypted, and a signature over an encrypted file is out of kyso's scope).
    pub(crate) fn new(doc: &'d Document<'a>) -> Result<Self> {
        let last = doc.last_revision();
        // §7.5.5, §7.5.6: every revision ends with %%EOF and the newest ends the file. A
        // section without its marker would take the update's marker as its own when the file
        // is read again, merging revisions; so would a newest revision that ends before an
        // older one (a damaged chain).
        let ends: Vec<Option<usize>> = doc
            .revisions()
            .iter()
            .map(|r| r.eof.map(|e| e.marker))
            .collect();
        let newest = ends.get(last).copied().flatten();
        if ends.iter().any(Option::is_none) || newest < ends.iter().copied().flatten().max() {
            return Err(PdfError::structure(
                "the PDF's revisions do not each end with %%EOF, the newest at the end of the \
                 file (the file is truncated or damaged); repair a copy (e.g. qpdf in.pdf \
                 out.pdf), check it, and sign that",
            ));
        }
        let trailer = doc.trailer(last)?;
        if trailer.get("Encrypt").is_some() {
            return Err(PdfError::structure(
                "the PDF is encrypted (its trailer has /Encrypt); kyso does not sign encrypted \
                 PDFs: save an unencrypted copy and sign that",
            ));
        }
        // The next free number: past /Size and past every number any revision uses.
        let size = doc
            .revisions()
            .iter()
            .filter_map(|r| r.trailer.int("Size"))
            .max()
            .unwrap_or(1);
        let used = doc
            .revisions()
            .iter()
            .filter_map(|r| r.entries.keys().next_back().copied())
            .max()
            .unwrap_or(0);
        let next = u32::try_from(size.max(1))
            .unwrap_or(u32::MAX)
            .max(used.saturating_add(1));
        Ok(Update {
            doc,
            next,
            objects: Vec::new(),
        })
    }

    /// A number for a new object (generation 0).
    pub(crate) fn alloc(&mut self) -> ObjRef {
        let r = ObjRef::new(self.next, 0);
        self.next += 1;
        r
    }

    /// The next number [`Update::alloc`] would give, for builders that number their own.
    pub(crate) fn next_num(&mut self) -> &mut u32 {
        &mut self.next
    }

    /// Write object `r` with `body` (a dictionary, array, or `<<...>>stream...endstream`).
    /// Writing a number twice keeps the last body.
    pub(crate) fn put(&mut self, r: ObjRef, body: Vec<u8>) {
        self.objects.retain(|(x, _)| x.num != r.num);
        self.objects.push((r, body));
    }

    /// Write object `r` as the dictionary `d`.
    pub(crate) fn put_dict(&mut self, r: ObjRef, d: &Dict) -> Result<()> {
        let mut body = Vec::new();
        dict(d, &mut body)?;
        self.put(r, body);
        Ok(())
    }

    /// Lay the update out after the original's `base` bytes: a newline if the file does not
    /// end with one, the objects, the cross-reference section (a stream if the file's last
    /// section is one, else a table), the trailer with /Prev, `startxref` and `%%EOF`.
    /// `new_id` is the second /ID string (§14.4.1: the first stays the original's, the
    /// second changes with each update), 16 bytes the caller makes unique.
    pub(crate) fn finish(mut self, new_id: &[u8]) -> Result<Written> {
        let original = self.doc.bytes();
        let last = self.doc.last_revision();
        let old = self.doc.trailer(last)?.clone();
        let prev = self.doc.revisions()[last].xref_offset;
        let stream_xref = !original
            .get(prev..)
            .unwrap_or_default()
            .starts_with(b"xref");
        let mut bytes = Vec::new();
        if !matches!(original.last(), Some(b'\n' | b'\r')) {
            bytes.push(b'\n');
        }
        let base = original.len();
        let mut offsets: Vec<(ObjRef, usize)> = Vec::new();
        let mut bodies = Vec::new();
        let mut objects = std::mem::take(&mut self.objects);
        objects.sort_by_key(|(r, _)| r.num);
        for (r, body) in &objects {
            offsets.push((*r, base + bytes.len()));
            writeln!(Buf(&mut bytes), "{} {} obj", r.num, r.gen).ok();
            bodies.push((*r, bytes.len()));
            bytes.extend_from_slice(body);
            bytes.extend_from_slice(b"\nendobj\n");
        }
        // The trailer (§7.5.5): what the last one had that still applies, /Prev to it.
        let mut trailer = Dict::default();
        for key in ["Root", "Info"] {
            if let Some(v) = old.get(key) {
                trailer.set(key, v.clone());
            }
        }
        let first_id = old
            .get("ID")
            .and_then(Object::as_array)
            .and_then(|a| a.first())
            .and_then(Object::as_string)
            .map(|s| s.bytes.clone());
        trailer.set(
            "ID",
            array(vec![
                string(first_id.as_deref().unwrap_or(new_id)),
                string(new_id),
            ]),
        );
        trailer.set("Prev", int(prev as i64));
        let xref_at = base + bytes.len();
        if stream_xref {
            let me = self.alloc();
            offsets.push((me, xref_at));
            trailer.set("Size", int(i64::from(self.next)));
            let data = xref_stream_data(&offsets);
            trailer.set("Type", n("XRef"));
            trailer.set("W", array(vec![int(1), int(8), int(2)]));
            trailer.set("Index", array(index(&offsets)));
            trailer.set("Length", int(data.len() as i64));
            writeln!(Buf(&mut bytes), "{} 0 obj", me.num).ok();
            dict(&trailer, &mut bytes)?;
            bytes.extend_from_slice(b"\nstream\r\n");
            bytes.extend_from_slice(&data);
            bytes.extend_from_slice(b"\r\nendstream\nendobj\n");
        } else {
            trailer.set("Size", int(i64::from(self.next)));
            bytes.extend_from_slice(b"xref\n");
            let mut sorted = offsets.clone();
            sorted.sort_by_key(|(r, _)| r.num);
            for run in runs(&sorted) {
                writeln!(Buf(&mut bytes), "{} {}", run[0].0.num, run.len()).ok();
                for (r, off) in run {
                    // Exactly 20 bytes per entry (§7.5.4).
                    write!(Buf(&mut bytes), "{off:010} {:05} n\r\n", r.gen).ok();
                }
            }
            bytes.extend_from_slice(b"trailer\n");
            dict(&trailer, &mut bytes)?;
            bytes.push(b'\n');
        }
        write!(Buf(&mut bytes), "startxref\n{xref_at}\n%%EOF\n").ok();
        Ok(Written { bytes, bodies })
    }
}

/// Runs of consecutive object numbers (cross-reference subsections, §7.5.4).
fn runs(sorted: &[(ObjRef, usize)]) -> Vec<&[(ObjRef, usize)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || sorted[i].0.num != sorted[i - 1].0.num + 1 {
            out.push(&sorted[start..i]);
            start = i;
        }
    }
    out
}

fn index(offsets: &[(ObjRef, usize)]) -> Vec<Object> {
    let mut sorted = offsets.to_vec();
    sorted.sort_by_key(|(r, _)| r.num);
    runs(&sorted)
        .into_iter()
        .flat_map(|run| [int(i64::from(run[0].0.num)), int(run.len() as i64)])
        .collect()
}

/// Type-1 entries (§7.5.8.3, Table 18) with /W [1 8 2], in /Index order.
fn xref_stream_data(offsets: &[(ObjRef, usize)]) -> Vec<u8> {
    let mut sorted = offsets.to_vec();
    sorted.sort_by_key(|(r, _)| r.num);
    let mut data = Vec::with_capacity(sorted.len() * 11);
    for (r, off) in sorted {
        data.push(1);
        data.extend_from_slice(&(off as u64).to_be_bytes());
        data.extend_from_slice(&r.gen.to_be_bytes());
    }
    data
}

/// `write!` into a byte vector.
struct Buf<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Buf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::sign::{prepare, NewSignature, SigKind};
    use crate::pdf::{Limits, Stream};

    fn testdata(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/pdf")
            .join(name);
        std::fs::read(p).unwrap()
    }

    fn written(o: &Object) -> String {
        let mut out = Vec::new();
        object(o, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn names_strings_and_reals_are_written_so_the_reader_reads_them_back() {
        let name = Object::new(Value::Name(Name(b"A B#/(x)\xc3\xa9".to_vec())), None);
        assert_eq!(written(&name), "/A#20B#23#2F#28x#29#C3#A9");
        assert_eq!(written(&string(b"a)b\\")), "<6129625C>");
        assert_eq!(written(&Object::new(Value::Real(595.276), None)), "595.276");
        assert_eq!(written(&Object::new(Value::Real(2.0), None)), "2.0");
        assert_eq!(
            written(&Object::new(Value::Real(0.000_000_1), None)),
            "0.0000001"
        );
        let mut t = Vec::new();
        text_string("Ký", &mut t);
        assert_eq!(t, b"<FEFF004B00FD>");
        let stream = Object::new(
            Value::Stream(Stream {
                dict: Dict::default(),
                data: crate::pdf::Span { start: 0, end: 0 },
            }),
            None,
        );
        assert!(object(&stream, &mut Vec::new()).is_err());
        // What was written parses to the same values.
        let mut d = Dict::default();
        d.set("N", name.clone());
        d.set("R", Object::new(Value::Real(595.276), None));
        d.set("S", string(b"a)b\\"));
        let mut body = b"%PDF-1.7\n1 0 obj\n".to_vec();
        dict(&d, &mut body).unwrap();
        body.extend_from_slice(b"\nendobj\n");
        let at = body.len();
        body.extend_from_slice(
            format!(
                "xref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<</Size 2/Root 1 0 R>>\nstartxref\n{at}\n%%EOF\n"
            )
            .as_bytes(),
        );
        let doc = Document::parse(&body, &Limits::default()).unwrap();
        let back = doc.get(ObjRef::new(1, 0)).unwrap().unwrap();
        let back = back.as_dict().unwrap();
        assert_eq!(back.get("N").unwrap().value, name.value);
        assert_eq!(back.get("R").unwrap().as_number(), Some(595.276));
        assert_eq!(back.get("S").unwrap().as_string().unwrap().bytes, b"a)b\\");
    }

    /// Found by the pdf_update fuzz target: without its %%EOF the last revision would take
    /// the update's marker as its own and the two revisions would read as one.
    #[test]
    fn a_pdf_without_its_final_eof_marker_is_not_updated() {
        let original = testdata("minimal.pdf");
        let at = original.windows(5).rposition(|w| w == b"%%EOF").unwrap();
        let cut = &original[..at];
        let doc = Document::parse(cut, &Limits::default()).unwrap();
        let e = Update::new(&doc).err().expect("refused");
        assert!(e.to_string().contains("do not each end with %%EOF"), "{e}");
    }

    #[test]
    fn set_replaces_every_entry_of_a_key_in_the_first_ones_place() {
        let mut d = Dict::default();
        d.set("A", int(1));
        d.set("B", int(2));
        d.entries.push((Name(b"A".to_vec()), int(3)));
        d.set("A", int(4));
        let keys: Vec<String> = d.entries.iter().map(|(k, _)| k.text()).collect();
        assert_eq!(keys, ["A", "B"]);
        assert_eq!(d.int("A"), Some(4));
    }

    /// An update over each kind of cross-reference section: the file parses with one more
    /// revision, of the same kind, chained to the old one, the new object readable.
    #[test]
    fn an_update_chains_to_the_last_section_with_one_of_the_same_kind() {
        for (name, stream) in [
            ("minimal.pdf", false),
            ("minimal-objstm.pdf", true),
            ("minimal-linearized.pdf", false),
            ("minimal-linearized-objstm.pdf", true),
        ] {
            let original = testdata(name);
            let doc = Document::parse(&original, &Limits::default()).unwrap();
            let revisions = doc.revisions().len();
            let mut up = Update::new(&doc).unwrap();
            let r = up.alloc();
            let mut d = Dict::default();
            d.set("Kyso", int(7));
            up.put_dict(r, &d).unwrap();
            let w = up.finish(&[9; 16]).unwrap();
            let mut file = original.clone();
            file.extend_from_slice(&w.bytes);
            let new = Document::parse(&file, &Limits::default()).unwrap();
            assert_eq!(new.revisions().len(), revisions + 1, "{name}");
            let last = new.revisions().last().unwrap();
            assert_eq!(
                file[last.xref_offset..].starts_with(b"xref"),
                !stream,
                "{name}"
            );
            let got = new.get(r).unwrap().unwrap();
            assert_eq!(got.as_dict().unwrap().int("Kyso"), Some(7), "{name}");
            // Every object of the original is still reachable (a linearized file's
            // first-page section included).
            for rev in doc.revisions() {
                for o in rev.objects() {
                    assert!(new.get(o).unwrap().is_some(), "{name}: {o} lost");
                }
            }
            let id = new.trailer(new.last_revision()).unwrap().get("ID").unwrap();
            assert_eq!(
                id.as_array().unwrap()[1].as_string().unwrap().bytes,
                [9; 16]
            );
        }
    }

    /// The byte range leaves out exactly the /Contents hex string and reaches the end of the
    /// file; a CMS too large for the placeholder is refused with the size it needs.
    #[test]
    fn a_signature_placeholder_is_exactly_the_hole_in_the_byte_range() {
        let original = testdata("minimal.pdf");
        let doc = Document::parse(&original, &Limits::default()).unwrap();
        let mut p = prepare(
            &doc,
            NewSignature {
                kind: SigKind::DocTimeStamp,
                field: None,
                placement: None,
                appearance: None,
                contents_len: 64,
                new_id: [1; 16],
            },
        )
        .unwrap();
        assert_eq!(p.field, "DocumentTimestamp1");
        assert_eq!(p.fill(&[0xab; 65]), Err(65));
        p.fill(&[0xab; 64]).unwrap();
        let mut file = original.clone();
        file.extend_from_slice(&p.update);
        let [a, b, c, d] = p.byte_range();
        assert_eq!(a, 0);
        assert_eq!(c + d, file.len());
        assert_eq!(file[b], b'<');
        assert_eq!(file[c - 1], b'>');
        assert_eq!(&file[b + 1..b + 3], b"AB");
        let new = Document::parse(&file, &Limits::default()).unwrap();
        let fields = new.signature_fields().unwrap();
        assert_eq!(fields.len(), 1);
        let sig = fields[0].signature.as_ref().unwrap();
        assert_eq!(
            sig.byte_range.as_deref(),
            Some(&[a as i64, b as i64, c as i64, d as i64][..])
        );
        assert_eq!(sig.contents.as_ref().unwrap().bytes, [0xab; 64]);
        assert!(sig.ty.as_ref().unwrap().is("DocTimeStamp"));
    }
}
