//! Unit tests on small PDFs written here byte by byte: every structure the reader supports,
//! and the hostile cases each limit is for.

use std::collections::BTreeMap;
use std::io::Write;

use super::*;

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Writes a PDF: objects, then cross-reference sections listing the objects written since
/// the previous one (an incremental update each time).
struct Pdf {
    buf: Vec<u8>,
    pending: BTreeMap<u32, usize>,
    last_xref: Option<usize>,
}

impl Pdf {
    fn new() -> Pdf {
        Pdf {
            buf: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            pending: BTreeMap::new(),
            last_xref: None,
        }
    }
    fn raw(&mut self, s: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(s);
        self
    }
    fn obj(&mut self, num: u32, body: &str) -> &mut Self {
        self.pending.insert(num, self.buf.len());
        let text = format!("{num} 0 obj\n{body}\nendobj\n");
        self.raw(text.as_bytes())
    }
    fn stream(&mut self, num: u32, dict: &str, data: &[u8]) -> &mut Self {
        self.pending.insert(num, self.buf.len());
        let head = format!("{num} 0 obj\n<< {dict} /Length {} >>\nstream\n", data.len());
        self.raw(head.as_bytes());
        self.raw(data);
        self.raw(b"\nendstream\nendobj\n")
    }
    /// A classic table of the pending objects (plus `free` numbers marked free), the trailer
    /// entries `trailer` and /Prev, then startxref and %%EOF.
    fn table(&mut self, trailer: &str, free: &[u32]) -> usize {
        let at = self.buf.len();
        let mut entries: BTreeMap<u32, String> = self
            .pending
            .iter()
            .map(|(&n, &o)| (n, format!("{o:010} 00000 n\r\n")))
            .collect();
        for &f in free {
            entries.insert(f, "0000000000 00001 f\r\n".to_string());
        }
        if self.last_xref.is_none() {
            entries.insert(0, "0000000000 65535 f\r\n".to_string());
        }
        let mut text = String::from("xref\n");
        for (n, e) in &entries {
            text.push_str(&format!("{n} 1\n{e}"));
        }
        let prev = self
            .last_xref
            .map(|p| format!(" /Prev {p}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "trailer\n<< {trailer}{prev} >>\nstartxref\n{at}\n%%EOF\n"
        ));
        self.raw(text.as_bytes());
        self.pending.clear();
        self.last_xref = Some(at);
        at
    }
    /// A cross-reference stream (object `num`) of the pending objects and `compressed`
    /// `(num, objstm, index)` entries, /W of 1, 4 and 2 bytes, PNG Up predictor.
    fn xref_stream(&mut self, num: u32, trailer: &str, compressed: &[(u32, u32, u32)]) -> usize {
        let at = self.buf.len();
        self.pending.insert(num, at);
        let mut rows: BTreeMap<u32, [u8; 7]> = BTreeMap::new();
        for (&n, &o) in &self.pending {
            let o = (o as u32).to_be_bytes();
            rows.insert(n, [1, o[0], o[1], o[2], o[3], 0, 0]);
        }
        for &(n, s, i) in compressed {
            let s = s.to_be_bytes();
            let i = (i as u16).to_be_bytes();
            rows.insert(n, [2, s[0], s[1], s[2], s[3], i[0], i[1]]);
        }
        let mut index = String::new();
        let mut raw = Vec::new();
        let mut prev_row = [0u8; 7];
        for (n, r) in &rows {
            index.push_str(&format!("{n} 1 "));
            raw.push(2); // PNG Up
            for (x, p) in r.iter().zip(prev_row.iter()) {
                raw.push(x.wrapping_sub(*p));
            }
            prev_row = *r;
        }
        let size = rows.keys().last().map_or(1, |n| n + 1);
        let prev = self
            .last_xref
            .map(|p| format!(" /Prev {p}"))
            .unwrap_or_default();
        let data = zlib(&raw);
        let head = format!(
            "{num} 0 obj\n<< /Type /XRef /Size {size} /W [1 4 2] /Index [{index}] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> {trailer}{prev} /Length {} >>\nstream\n",
            data.len()
        );
        self.raw(head.as_bytes());
        self.raw(&data);
        self.raw(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
        self.pending.clear();
        self.last_xref = Some(at);
        at
    }
    fn bytes(&self) -> Vec<u8> {
        self.buf.clone()
    }
}

fn objstm(objs: &[(u32, &str)]) -> (String, Vec<u8>) {
    let mut header = String::new();
    let mut body = String::new();
    for (n, o) in objs {
        header.push_str(&format!("{n} {} ", body.len()));
        body.push_str(o);
        body.push('\n');
    }
    let data = format!("{header}{body}");
    (
        format!(
            "/Type /ObjStm /N {} /First {} /Filter /FlateDecode",
            objs.len(),
            header.len()
        ),
        zlib(data.as_bytes()),
    )
}

const CONTENTS: &str = "<3082000102030405060708090a0b0c0d0e0f0000000000000000>";

/// A one-page document with a signed field (merged field and widget) in a classic table.
fn classic() -> Pdf {
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>")
        .obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        .obj(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        )
        .obj(
            4,
            "<< /FT /Sig /T (Signature1) /Type /Annot /Subtype /Widget /Rect [10 20 110.5 70] /P 3 0 R /V 5 0 R >>",
        )
        .obj(
            5,
            &format!("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 100 200 300] /Contents {CONTENTS} /M (D:20260301080000+07'00') /Reason <FEFF004B00FD> /Name (Nguy\\352n) >>"),
        );
    p.table("/Size 6 /Root 1 0 R", &[]);
    p
}

fn parse(b: &[u8]) -> std::result::Result<Document<'_>, PdfError> {
    Document::parse(b, &Limits::default())
}

#[test]
fn classic_table_signature_field() {
    let b = classic().bytes();
    let doc = parse(&b).unwrap();
    assert_eq!(doc.version(), "1.7");
    assert_eq!(doc.revisions().len(), 1);
    let rev = &doc.revisions()[0];
    let eof = rev.eof.unwrap();
    assert_eq!(eof.after, b.len() - 1);
    assert_eq!(eof.after_eol, b.len());
    let objs: Vec<ObjRef> = rev.objects().collect();
    assert_eq!(objs.len(), 5, "{objs:?}");
    let fields = doc.signature_fields().unwrap();
    assert_eq!(fields.len(), 1);
    let f = &fields[0];
    assert_eq!(f.name, "Signature1");
    assert_eq!(f.value_ref, Some(ObjRef::new(5, 0)));
    assert_eq!(f.rect, Some([10.0, 20.0, 110.5, 70.0]));
    assert_eq!(f.page, Some(0));
    assert_eq!(f.first_revision, Some(0));
    let s = f.signature.as_ref().unwrap();
    assert!(s.ty.as_ref().unwrap().is("Sig"));
    assert!(s.sub_filter.as_ref().unwrap().is("ETSI.CAdES.detached"));
    assert_eq!(s.byte_range, Some(vec![0, 100, 200, 300]));
    let c = s.contents.as_ref().unwrap();
    assert_eq!(&c.bytes[..4], &[0x30, 0x82, 0x00, 0x01]);
    assert!(c.hex && !c.indirect);
    let span = c.span.unwrap();
    assert_eq!(&b[span.start..span.end], CONTENTS.as_bytes());
    assert_eq!(s.reason.as_deref(), Some("Ký"));
    assert_eq!(s.name.as_deref(), Some("Nguyên"));
    assert_eq!(s.m.as_deref(), Some("D:20260301080000+07'00'"));
    assert_eq!(doc.pages(0).unwrap().len(), 1);
    assert_eq!(doc.dss().unwrap(), None);
    assert_eq!(doc.doc_mdp(0).unwrap(), None);
}

/// The classic document, then an update that adds a document time-stamp field under a
/// parent field (inherited /FT, a widget kid), changes the catalog and marks object 9 free.
fn updated() -> Pdf {
    let mut p = classic();
    p.obj(
        1,
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 6 0 R] >> /Perms << /DocMDP 5 0 R >> >>",
    )
    .obj(6, "<< /T (org) /FT /Sig /Kids [7 0 R] >>")
    .obj(7, "<< /T <FEFF0063006800E1> /Parent 6 0 R /V 8 0 R /Kids [10 0 R] >>")
    .obj(10, "<< /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /Parent 7 0 R /P 3 0 R >>")
    .obj(
        8,
        "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /ByteRange [0 1 2 3] /Contents <00> /Reference [<< /TransformMethod /DocMDP /TransformParams << /P 2 /V /1.2 >> >>] >>",
    );
    p.table("/Size 11 /Root 1 0 R", &[9]);
    p
}

#[test]
fn incremental_update_revisions_and_changes() {
    let b = updated().bytes();
    let doc = parse(&b).unwrap();
    assert_eq!(doc.revisions().len(), 2);
    let (r0, r1) = (&doc.revisions()[0], &doc.revisions()[1]);
    assert!(r0.eof.unwrap().after_eol < r1.eof.unwrap().marker);
    assert_eq!(r1.eof.unwrap().after_eol, b.len());
    assert_eq!(&b[r0.eof.unwrap().marker..r0.eof.unwrap().after], b"%%EOF");
    let defined: Vec<u32> = r1.objects().map(|r| r.num).collect();
    assert_eq!(defined, vec![1, 6, 7, 8, 9, 10]);
    assert_eq!(r1.entries.get(&9), Some(&Entry::Free { gen: 1 }));
    // Revision 0 knows one field, the newest two, with the full name of the kid.
    assert_eq!(doc.signature_fields_in(0).unwrap().len(), 1);
    let fields = doc.signature_fields().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["Signature1", "org.chá"]);
    let ts = &fields[1];
    assert_eq!(ts.first_revision, Some(1));
    assert_eq!(ts.page, Some(0));
    let sd = ts.signature.as_ref().unwrap();
    assert!(sd.ty.as_ref().unwrap().is("DocTimeStamp"));
    assert_eq!(sd.references.len(), 1);
    assert_eq!(sd.references[0].p, Some(2));
    assert!(sd.references[0]
        .transform_method
        .as_ref()
        .unwrap()
        .is("DocMDP"));
    assert_eq!(doc.doc_mdp(1).unwrap(), Some(ObjRef::new(5, 0)));
    // Object 1 as of each revision.
    let old = doc.get_in_revision(ObjRef::new(1, 0), 0).unwrap().unwrap();
    let new = doc.get(ObjRef::new(1, 0)).unwrap().unwrap();
    assert!(old.as_dict().unwrap().get("Perms").is_none());
    assert!(new.as_dict().unwrap().get("Perms").is_some());
    assert_eq!(doc.get_in_revision(ObjRef::new(8, 0), 0).unwrap(), None);
    let changes = doc.changes(1).unwrap();
    assert_eq!(changes.len(), 6);
    let c1 = changes.iter().find(|c| c.num == 1).unwrap();
    assert_eq!(c1.before.as_ref().unwrap().1, old);
    assert_eq!(c1.after.as_ref().unwrap().1, new);
    let c8 = changes.iter().find(|c| c.num == 8).unwrap();
    assert!(c8.before.is_none() && c8.after.is_some());
    let c9 = changes.iter().find(|c| c.num == 9).unwrap();
    assert!(c9.before.is_none() && c9.after.is_none());
    assert!(doc.changes(0).unwrap().is_empty());
    assert_eq!(doc.changes(2).unwrap_err().code(), "PDF_NO_SUCH_REVISION");
}

/// Catalog, pages, field and signature dictionary in an object stream, found through a
/// cross-reference stream with a PNG predictor.
fn xref_stream_doc() -> Vec<u8> {
    let mut p = Pdf::new();
    let (d, data) = objstm(&[
        (1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>"),
        (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (4, "<< /Fields [5 0 R] >>"),
        (
            5,
            "<< /FT /Sig /T (A) /V 6 0 R /Kids [<< /Subtype /Widget /Rect [1 2 3 4] >>] >>",
        ),
    ]);
    p.stream(10, &d, &data);
    p.obj(3, "<< /Type /Page /Parent 2 0 R >>");
    p.obj(
        6,
        &format!("<< /Type /Sig /ByteRange [0 1 2 3] /Contents {CONTENTS} >>"),
    );
    p.xref_stream(
        11,
        "/Root 1 0 R",
        &[(1, 10, 0), (2, 10, 1), (4, 10, 2), (5, 10, 3)],
    );
    p.bytes()
}

#[test]
fn xref_stream_and_object_stream() {
    let b = xref_stream_doc();
    let doc = parse(&b).unwrap();
    assert_eq!(doc.revisions().len(), 1);
    assert_eq!(
        doc.revisions()[0].entries.get(&4),
        Some(&Entry::InStream {
            stream: 10,
            index: 2
        })
    );
    let cat = doc.get(ObjRef::new(1, 0)).unwrap().unwrap();
    assert!(cat.as_dict().unwrap().is_type("Catalog"));
    assert_eq!(
        cat.span, None,
        "objects in object streams have no file span"
    );
    // The compressed object has generation 0: another generation is no object.
    assert_eq!(doc.get(ObjRef::new(1, 1)).unwrap(), None);
    let fields = doc.signature_fields().unwrap();
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].rect, Some([1.0, 2.0, 3.0, 4.0]));
    let c = fields[0]
        .signature
        .as_ref()
        .unwrap()
        .contents
        .clone()
        .unwrap();
    let span = c.span.unwrap();
    assert_eq!(&b[span.start..span.end], CONTENTS.as_bytes());
    assert_eq!(doc.pages(0).unwrap().len(), 1);
}

#[test]
fn hybrid_file_reads_the_xrefstm_entries() {
    let mut p = Pdf::new();
    let (d, data) = objstm(&[(2, "<< /Type /Pages /Kids [] /Count 0 >>")]);
    p.stream(10, &d, &data);
    p.obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
    // The stream part: object 2 compressed. Written first, then the table that points at it.
    let offsets = p.pending.clone();
    p.pending.clear();
    let xs = p.xref_stream(11, "", &[(2, 10, 0)]);
    // Remove the startxref/%%EOF the stream writer added: a hybrid file has one at the end.
    let tail = format!("startxref\n{xs}\n%%EOF\n");
    p.buf.truncate(p.buf.len() - tail.len());
    p.last_xref = None;
    p.pending = offsets;
    // The table marks object 2 free, as hybrid writers do for readers of PDF 1.4.
    p.table(&format!("/Size 12 /Root 1 0 R /XRefStm {xs}"), &[2]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    assert_eq!(doc.revisions().len(), 1);
    assert_eq!(doc.revisions()[0].sections.len(), 2);
    let pages = doc.get(ObjRef::new(2, 0)).unwrap().unwrap();
    assert!(pages.as_dict().unwrap().is_type("Pages"));
    assert!(doc.pages(0).unwrap().is_empty());
}

#[test]
fn dss_streams_and_vri() {
    let mut p = classic();
    p.obj(
        1,
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> /DSS 20 0 R >>",
    )
    .obj(
        20,
        "<< /Certs [21 0 R] /OCSPs 24 0 R /CRLs [] /VRI << /0A1B << /Cert [21 0 R] /TU (D:2026) /TS 22 0 R >> >> >>",
    )
    .stream(21, "/Filter /FlateDecode", &zlib(b"certificate DER"))
    .stream(22, "", b"token")
    .stream(23, "", b"ocsp")
    .obj(24, "[23 0 R]");
    p.table("/Size 25 /Root 1 0 R", &[]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    let dss = doc.dss().unwrap().unwrap();
    assert_eq!(dss.certs.len(), 1);
    assert_eq!(dss.certs[0].data, b"certificate DER");
    assert_eq!(dss.certs[0].reference, Some(ObjRef::new(21, 0)));
    assert_eq!(dss.ocsps[0].data, b"ocsp");
    assert!(dss.crls.is_empty());
    assert_eq!(dss.vri.len(), 1);
    assert_eq!(dss.vri[0].key, "0A1B");
    assert_eq!(dss.vri[0].ts.as_ref().unwrap().data, b"token");
    assert_eq!(dss.vri[0].tu.as_deref(), Some("D:2026"));
    assert_eq!(doc.dss_in(0).unwrap(), None);
}

#[test]
fn indirect_length_is_resolved_and_wrong_length_refused() {
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog >>");
    p.pending.insert(2, p.buf.len());
    p.raw(b"2 0 obj\n<< /Length 3 0 R >>\nstream\nabcdef\nendstream\nendobj\n");
    p.obj(3, "6");
    p.pending.insert(4, p.buf.len());
    p.raw(b"4 0 obj\n<< /Length 4 >>\nstream\nabcdef\nendstream\nendobj\n");
    p.pending.insert(5, p.buf.len());
    p.raw(b"5 0 obj\n<< /Length 5 0 R >>\nstream\nabcdef\nendstream\nendobj\n");
    p.pending.insert(6, p.buf.len());
    p.raw(b"6 0 obj\n<< /Length 99999 >>\nstream\nabcdef\nendstream\nendobj\n");
    p.table("/Size 7 /Root 1 0 R", &[]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    let s = doc.get(ObjRef::new(2, 0)).unwrap().unwrap();
    assert_eq!(doc.decode(s.as_stream().unwrap()).unwrap(), b"abcdef");
    let e = doc.get(ObjRef::new(4, 0)).unwrap_err();
    assert_eq!(e.code(), "PDF_STREAM_LENGTH", "{e}");
    // /Length 5 0 R inside object 5: reading 5 needs 5.
    let e = doc.get(ObjRef::new(5, 0)).unwrap_err();
    assert_eq!(e.code(), "PDF_REF_CYCLE", "{e}");
    let e = doc.get(ObjRef::new(6, 0)).unwrap_err();
    assert_eq!(e.code(), "PDF_STREAM_LENGTH", "{e}");
    assert!(e.to_string().contains("past the end"), "{e}");
}

#[test]
fn reference_cycle_and_chain() {
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog /AcroForm 2 0 R >>")
        .obj(2, "3 0 R")
        .obj(3, "2 0 R");
    for n in 4..50 {
        p.obj(n, &format!("{} 0 R", n + 1));
    }
    p.obj(50, "<< >>");
    p.table("/Size 51 /Root 1 0 R", &[]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    let e = doc.signature_fields().unwrap_err();
    assert_eq!(e.code(), "PDF_REF_CYCLE", "{e}");
    let e = doc
        .resolve(&Object::new(Value::Ref(ObjRef::new(4, 0)), None), 0)
        .unwrap_err();
    assert_eq!(e.code(), "PDF_REF_CHAIN_TOO_LONG", "{e}");
    assert!(doc
        .resolve(&Object::new(Value::Ref(ObjRef::new(40, 0)), None), 0)
        .unwrap()
        .as_dict()
        .is_some());
}

#[test]
fn xref_loop_via_prev_is_refused() {
    let mut p = classic();
    // An update whose /Prev points at itself.
    p.obj(9, "null");
    let at = p.buf.len();
    p.last_xref = Some(at);
    p.table("/Size 10 /Root 1 0 R", &[]);
    let b = p.bytes();
    let e = parse(&b).unwrap_err();
    assert_eq!(e.code(), "PDF_XREF_LOOP", "{e}");
    assert!(e.to_string().contains(&at.to_string()), "{e}");
    // Two sections pointing at each other: the original's trailer patched, same length.
    let mut p = classic();
    p.obj(9, "null");
    let second = p.table("/Size 10 /Root 1 0 R", &[]);
    let mut b = p.bytes();
    let needle = b"<< /Size 6 /Root 1 0 R >>";
    let pos = b.windows(needle.len()).position(|w| w == needle).unwrap();
    let patched = format!(
        "{:<width$}>>",
        format!("<< /Prev {second}"),
        width = needle.len() - 2
    );
    assert_eq!(patched.len(), needle.len());
    b.splice(pos..pos + needle.len(), patched.bytes());
    let e = parse(&b).unwrap_err();
    assert_eq!(e.code(), "PDF_XREF_LOOP", "{e}");
}

#[test]
fn too_many_sections_and_objects() {
    let mut p = classic();
    for n in 0..5 {
        p.obj(100 + n, "null");
        p.table("/Size 200 /Root 1 0 R", &[]);
    }
    let b = p.bytes();
    assert_eq!(parse(&b).unwrap().revisions().len(), 6);
    let limits = Limits {
        max_xref_sections: 5,
        ..Limits::default()
    };
    let e = Document::parse(&b, &limits).unwrap_err();
    assert_eq!(e.code(), "PDF_TOO_MANY_XREF_SECTIONS");
    let limits = Limits {
        max_objects: 8,
        ..Limits::default()
    };
    let e = Document::parse(&b, &limits).unwrap_err();
    assert_eq!(e.code(), "PDF_TOO_MANY_OBJECTS");
    // An xref stream claiming a huge /Size is refused before anything is allocated.
    let mut b = xref_stream_doc();
    let needle = b"/Size 12 ";
    let pos = b.windows(needle.len()).position(|w| w == needle).unwrap();
    b.splice(
        pos..pos + needle.len(),
        b"/Size 9999999999 ".iter().copied(),
    );
    let e = parse(&b).unwrap_err();
    assert!(
        e.code() == "PDF_TOO_MANY_OBJECTS" || e.code() == "PDF_STREAM_LENGTH",
        "{e}"
    );
}

#[test]
fn flate_bomb_stops_at_the_limits() {
    let mut p = classic();
    let bomb = zlib(&vec![b'A'; 8 << 20]);
    p.obj(
        1,
        "<< /Type /Catalog /Pages 2 0 R /DSS << /Certs [20 0 R 20 0 R 20 0 R] >> >>",
    )
    .stream(20, "/Filter /FlateDecode", &bomb);
    p.table("/Size 21 /Root 1 0 R", &[]);
    let b = p.bytes();
    assert!(b.len() < 100_000);
    let per_stream = Limits {
        max_stream_decoded: 1 << 20,
        ..Limits::default()
    };
    let doc = Document::parse(&b, &per_stream).unwrap();
    let e = doc.dss().unwrap_err();
    assert_eq!(e.code(), "PDF_DECODE_LIMIT");
    assert!(e.to_string().contains("max_stream_decoded"), "{e}");
    let total = Limits {
        max_total_decoded: 20 << 20,
        ..Limits::default()
    };
    let doc = Document::parse(&b, &total).unwrap();
    let e = doc.dss().unwrap_err();
    assert_eq!(e.code(), "PDF_DECODE_LIMIT");
    assert!(e.to_string().contains("max_total_decoded"), "{e}");
    assert_eq!(parse(&b).unwrap().dss().unwrap().unwrap().certs.len(), 3);
}

#[test]
fn depth_bomb_in_an_object() {
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog /AcroForm 2 0 R >>");
    p.obj(
        2,
        &format!(
            "<< /Fields {}1{} >>",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    p.table("/Size 3 /Root 1 0 R", &[]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    assert_eq!(doc.signature_fields().unwrap_err().code(), "PDF_TOO_DEEP");
}

#[test]
fn kids_loops_and_depth() {
    let mut p = Pdf::new();
    p.obj(
        1,
        "<< /Type /Catalog /AcroForm << /Fields [2 0 R 2 0 R] >> /Pages 10 0 R >>",
    )
    .obj(2, "<< /T (a) /FT /Sig /Kids [3 0 R] >>")
    .obj(3, "<< /T (b) /Kids [2 0 R 4 0 R] >>")
    .obj(4, "<< /T (c) /V << /Type /Sig >> >>")
    .obj(10, "<< /Type /Pages /Kids [11 0 R] >>")
    .obj(11, "<< /Type /Pages /Kids [10 0 R] >>");
    p.table("/Size 12 /Root 1 0 R", &[]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    let fields = doc.signature_fields().unwrap();
    assert_eq!(fields.len(), 1, "each field visited once");
    assert_eq!(fields[0].name, "a.b.c");
    assert_eq!(fields[0].value_ref, None);
    assert_eq!(doc.pages(0).unwrap_err().code(), "PDF_BAD_TREE");
    // A field tree deeper than the limit.
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog /AcroForm << /Fields [2 0 R] >> >>");
    for n in 2..50 {
        p.obj(n, &format!("<< /T (f{n}) /Kids [{} 0 R] >>", n + 1));
    }
    p.obj(50, "<< /T (last) >>");
    p.table("/Size 51 /Root 1 0 R", &[]);
    let b = p.bytes();
    let e = parse(&b).unwrap().signature_fields().unwrap_err();
    assert_eq!(e.code(), "PDF_BAD_TREE", "{e}");
    let limits = Limits {
        max_fields: 10,
        max_kids_depth: 100,
        ..Limits::default()
    };
    let e = Document::parse(&b, &limits)
        .unwrap()
        .signature_fields()
        .unwrap_err();
    assert_eq!(e.code(), "PDF_TOO_MANY_FIELDS", "{e}");
}

#[test]
fn wrong_offsets_are_errors_naming_them() {
    let b = classic().bytes();
    // startxref past the end.
    let at = b.windows(9).rposition(|w| w == b"startxref").unwrap();
    let mut c = b[..at].to_vec();
    c.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    let e = parse(&c).unwrap_err();
    assert_eq!(e.code(), "PDF_BAD_XREF_OFFSET");
    assert!(e.to_string().contains("999999"), "{e}");
    // startxref off by a few bytes: not repaired.
    let xref = parse(&b).unwrap().revisions()[0].xref_offset;
    let mut c = b[..at].to_vec();
    c.extend_from_slice(format!("startxref\n{}\n%%EOF\n", xref + 3).as_bytes());
    let e = parse(&c).unwrap_err();
    assert_eq!(e.code(), "PDF_BAD_XREF_OFFSET", "{e}");
    assert!(e.to_string().contains(&(xref + 3).to_string()), "{e}");
    // An entry past the end, and one pointing at the wrong object.
    let mut p = Pdf::new();
    p.obj(1, "<< /Type /Catalog >>");
    p.pending.insert(2, 99_999);
    let one = p.pending[&1];
    p.pending.insert(3, one);
    p.table("/Size 4 /Root 1 0 R", &[]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    let e = doc.get(ObjRef::new(2, 0)).unwrap_err();
    assert_eq!(e.code(), "PDF_OFFSET_PAST_END");
    assert!(e.to_string().contains("99999"), "{e}");
    let e = doc.get(ObjRef::new(3, 0)).unwrap_err();
    assert_eq!(e.code(), "PDF_OBJECT_MISMATCH", "{e}");
    // No startxref, no header, header not at 0, too large.
    assert_eq!(
        parse(b"%PDF-1.4\n1 0 obj null endobj").unwrap_err().code(),
        "PDF_NO_STARTXREF"
    );
    assert_eq!(parse(b"hello").unwrap_err().code(), "PDF_NOT_PDF");
    let e = parse(b"junk\n%PDF-1.4\n").unwrap_err();
    assert!(e.to_string().contains("offset 5"), "{e}");
    let limits = Limits {
        max_file_size: 10,
        ..Limits::default()
    };
    assert_eq!(
        Document::parse(&b, &limits).unwrap_err().code(),
        "PDF_FILE_TOO_LARGE"
    );
}

#[test]
fn object_stream_inside_object_stream_is_refused() {
    let mut p = Pdf::new();
    let (d, data) = objstm(&[(1, "<< /Type /Catalog >>")]);
    p.stream(10, &d, &data);
    // Object 12 claims to be in object stream 1, which is itself compressed.
    p.xref_stream(11, "/Root 1 0 R", &[(1, 10, 0), (12, 1, 0)]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    assert!(doc.get(ObjRef::new(1, 0)).unwrap().is_some());
    let e = doc.get(ObjRef::new(12, 0)).unwrap_err();
    assert_eq!(e.code(), "PDF_BAD_OBJECT_STREAM");
    assert!(e.to_string().contains("§7.5.7"), "{e}");
    // An entry index beyond the stream's /N, or naming another object.
    let mut p = Pdf::new();
    p.stream(10, &d, &data);
    p.xref_stream(11, "/Root 1 0 R", &[(1, 10, 5), (2, 10, 0)]);
    let b = p.bytes();
    let doc = parse(&b).unwrap();
    assert_eq!(
        doc.get(ObjRef::new(1, 0)).unwrap_err().code(),
        "PDF_BAD_OBJECT_STREAM"
    );
    assert_eq!(
        doc.get(ObjRef::new(2, 0)).unwrap_err().code(),
        "PDF_BAD_OBJECT_STREAM"
    );
}

/// Every walk the verifier does, errors allowed, panics not.
fn walk(b: &[u8]) {
    let Ok(doc) = parse(b) else { return };
    let _ = doc.signature_fields();
    let _ = doc.dss();
    for rev in 0..doc.revisions().len() {
        let _ = doc.changes(rev);
        let _ = doc.pages(rev);
    }
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    for b in [classic().bytes(), updated().bytes(), xref_stream_doc()] {
        for cut in 0..b.len() {
            walk(&b[..cut]);
        }
        for i in (0..b.len()).step_by(3) {
            for x in [b'0', b'<', b'[', b'(', b' ', 0xff] {
                let mut c = b.clone();
                c[i] = x;
                walk(&c);
            }
        }
    }
    // Cut inside the update's trailer: the last startxref left is the original's, and the
    // prefix reads as the original document (which is what it is).
    let b = updated().bytes();
    let doc = parse(&b[..b.len() - 30]).unwrap();
    assert_eq!(doc.revisions().len(), 1);
    assert_eq!(doc.signature_fields().unwrap().len(), 1);
}

#[test]
fn linearized_first_page_section_joins_the_original() {
    // Main section at the end, first-page section at the start with /Prev to it, as in
    // Annex F; startxref points at the first-page section.
    let mut b: Vec<u8> = b"%PDF-1.7\n".to_vec();
    let lin = b.len();
    b.extend_from_slice(b"1 0 obj\n<< /Linearized 1 >>\nendobj\n");
    let first_xref = b.len();
    let fp_tail_placeholder = "xref\n1 1\n0000000009 00000 n\r\ntrailer\n<< /Size 3 /Root 2 0 R /Prev 0000000000 >>\nstartxref\n0\n%%EOF\n";
    b.extend_from_slice(fp_tail_placeholder.as_bytes());
    let cat = b.len();
    b.extend_from_slice(b"2 0 obj\n<< /Type /Catalog >>\nendobj\n");
    let main = b.len();
    b.extend_from_slice(
        format!("xref\n0 1\n0000000000 65535 f\r\n2 1\n{cat:010} 00000 n\r\ntrailer\n<< /Size 3 >>\nstartxref\n{first_xref}\n%%EOF\n")
            .as_bytes(),
    );
    let s = String::from_utf8(b.clone())
        .unwrap()
        .replace("/Prev 0000000000", &format!("/Prev {main:010}"));
    let b = s.into_bytes();
    assert_eq!(lin, 9);
    let doc = parse(&b).unwrap();
    assert_eq!(doc.revisions().len(), 1);
    let r = &doc.revisions()[0];
    assert_eq!(r.sections.len(), 2);
    assert_eq!(r.eof.unwrap().after_eol, b.len());
    assert!(doc.catalog(0).unwrap().is_type("Catalog"));
}

#[test]
fn eof_markers_with_and_without_end_of_line() {
    let b = classic().bytes();
    let base = b.len() - b"%%EOF\n".len();
    let mut crlf = b[..base].to_vec();
    crlf.extend_from_slice(b"%%EOF\r\n");
    let e = parse(&crlf).unwrap().revisions()[0].eof.unwrap();
    assert_eq!((e.marker, e.after, e.after_eol), (base, base + 5, base + 7));
    let bare = b[..base + 5].to_vec();
    let e = parse(&bare).unwrap().revisions()[0].eof.unwrap();
    assert_eq!(e.after, e.after_eol);
    // No marker at all: the revision is read, its eof is None (the verifier decides).
    let none = b[..base].to_vec();
    assert_eq!(parse(&none).unwrap().revisions()[0].eof, None);
    // A marker further than the window after the trailer is not this revision's.
    let mut far = b[..base].to_vec();
    far.extend_from_slice(&vec![b' '; 2000]);
    far.extend_from_slice(b"%%EOF\n");
    assert_eq!(parse(&far).unwrap().revisions()[0].eof, None);
}
