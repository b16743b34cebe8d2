//! The incremental update that adds a signature to a PDF (ISO 32000-1 §12.8): a signature
//! dictionary with a /Contents placeholder and its /ByteRange, in a new signature field (or an
//! existing empty one) whose widget sits on a page, the form's /Fields and /SigFlags, and the
//! page's /Annots. The caller hashes the byte range, makes the CMS (or time-stamp token) and
//! puts it in the placeholder with [`Prepared::fill`]; nothing else in the file changes after
//! the digest is taken.
//!
//! The same update carries a document time-stamp (ETSI EN 319 142-1 §5.4.3: /Type
//! /DocTimeStamp, /SubFilter /ETSI.RFC3161).

use super::error::{PdfError, Result};
use super::object::{Dict, ObjRef, Object, Value};
use super::write::{self, array, int, n, reference, Update};
use super::Document;

/// What kind of signature dictionary to write.
pub(crate) enum SigKind<'s> {
    /// A PAdES signature (/SubFilter /ETSI.CAdES.detached, EN 319 142-1 §6.3), with its
    /// claimed signing time as /M (a PDF date, §7.9.4) and the optional text entries.
    Signature {
        m: &'s str,
        name: Option<&'s str>,
        reason: Option<&'s str>,
        location: Option<&'s str>,
        contact_info: Option<&'s str>,
        /// A certification signature's DocMDP permission (§12.8.2.2 Table 254: 1 no
        /// changes, 2 form filling and signing, 3 also annotations); `None`: an approval
        /// signature.
        certify: Option<u8>,
    },
    /// A document time-stamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161).
    DocTimeStamp,
}

/// Where a visible signature goes: a page (0-based) and a rectangle `[x1 y1 x2 y2]` in the
/// page's default user space (§12.5.2 /Rect).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placement {
    pub(crate) page: usize,
    pub(crate) rect: [f64; 4],
}

/// Draws a widget's appearance: given the box's width and height and the next free object
/// number, returns the form XObject's number and every object to write.
pub(crate) type AppearanceFn<'f> =
    dyn FnMut(f64, f64, &mut u32) -> Result<(u32, Vec<(u32, Vec<u8>)>)> + 'f;

/// The signature to add.
pub(crate) struct NewSignature<'s, 'f> {
    pub(crate) kind: SigKind<'s>,
    /// The field: an existing empty signature field of this name, else a new field of this
    /// name (default `Signature1`, `Signature2`... the first not taken).
    pub(crate) field: Option<&'s str>,
    /// A visible widget; `None`: an invisible one (/Rect [0 0 0 0]) on the first page, or the
    /// existing field's own widget.
    pub(crate) placement: Option<Placement>,
    pub(crate) appearance: Option<&'f mut AppearanceFn<'f>>,
    /// Bytes reserved for the CMS (the hex string holds twice as many digits).
    pub(crate) contents_len: usize,
    /// The second /ID string of the new trailer.
    pub(crate) new_id: [u8; 16],
}

/// The update laid out, with its byte range written and the placeholder still zeros.
pub(crate) struct Prepared {
    /// The bytes to append to the original file.
    pub(crate) update: Vec<u8>,
    /// The file's length before the update.
    pub(crate) base: usize,
    /// The /Contents hex string, `<` to after `>`, as offsets in the whole new file.
    pub(crate) hole: (usize, usize),
    /// The field's full name.
    pub(crate) field: String,
    /// Whether the field already existed (an empty field signed into).
    pub(crate) existing_field: bool,
}

impl Prepared {
    /// The /ByteRange: `[0 hole.0 hole.1 rest]`.
    pub(crate) fn byte_range(&self) -> [usize; 4] {
        let end = self.base + self.update.len();
        [0, self.hole.0, self.hole.1, end - self.hole.1]
    }

    /// The signed bytes after the original: the update up to the hole and after it.
    pub(crate) fn signed_update_parts(&self) -> (&[u8], &[u8]) {
        let a = self.hole.0 - self.base;
        let b = self.hole.1 - self.base;
        (&self.update[..a], &self.update[b..])
    }

    /// Put `der` (the CMS or token) in the placeholder, zero-padded. `Err(needed)` with the
    /// size needed when it does not fit.
    pub(crate) fn fill(&mut self, der: &[u8]) -> std::result::Result<(), usize> {
        let a = self.hole.0 - self.base + 1;
        let b = self.hole.1 - self.base - 1;
        if der.len() * 2 > b - a {
            return Err(der.len());
        }
        let mut hex = Vec::with_capacity(der.len() * 2 + 2);
        write::hex_string(der, &mut hex);
        self.update[a..a + der.len() * 2].copy_from_slice(&hex[1..hex.len() - 1]);
        Ok(())
    }
}

/// Width of the /ByteRange's number slot: four numbers of up to 10 digits and the spaces.
const BYTE_RANGE_SLOT: usize = 4 * 11;

/// Lay out the update that adds `sig` to `doc`.
pub(crate) fn prepare(doc: &Document<'_>, mut sig: NewSignature<'_, '_>) -> Result<Prepared> {
    let rev = doc.last_revision();
    let mut up = Update::new(doc)?;
    let catalog_ref = doc
        .trailer(rev)?
        .get("Root")
        .and_then(Object::as_ref)
        .ok_or_else(|| PdfError::structure("the trailer's /Root is not a reference"))?;
    let mut catalog = doc.catalog(rev)?;
    let mut catalog_changed = false;
    let form = doc.form_fields()?;

    // The signature dictionary: everything but /ByteRange and /Contents is known now.
    let sig_ref = up.alloc();
    let mut body = b"<</Type".to_vec();
    match &sig.kind {
        SigKind::Signature {
            m,
            name,
            reason,
            location,
            contact_info,
            certify,
        } => {
            body.extend_from_slice(b"/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M");
            write::text_string(m, &mut body);
            for (key, v) in [
                ("Name", name),
                ("Reason", reason),
                ("Location", location),
                ("ContactInfo", contact_info),
            ] {
                if let Some(v) = v {
                    body.push(b'/');
                    body.extend_from_slice(key.as_bytes());
                    write::text_string(v, &mut body);
                }
            }
            if let Some(p) = certify {
                // The signature reference dictionary (§12.8.1 Table 253) with the DocMDP
                // transform (§12.8.2.2, Table 254: /V /1.2), and the catalog's /Perms
                // /DocMDP naming this signature dictionary (§12.8.4 Table 258).
                if doc.doc_mdp(rev)?.is_some() {
                    return Err(PdfError::structure(
                        "the PDF is already certified (its catalog's /Perms has /DocMDP)",
                    ));
                }
                body.extend_from_slice(
                    format!(
                        "/Reference[<</Type/SigRef/TransformMethod/DocMDP/TransformParams\
                         <</Type/TransformParams/P {p}/V/1.2>>>>]"
                    )
                    .as_bytes(),
                );
                let mut perms = doc
                    .dict_of(&catalog, "Perms", rev, "the catalog's")?
                    .unwrap_or_default();
                perms.set("DocMDP", reference(sig_ref));
                catalog.set("Perms", Object::new(Value::Dict(perms), None));
                catalog_changed = true;
            }
        }
        SigKind::DocTimeStamp => {
            body.extend_from_slice(b"/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161")
        }
    }
    body.extend_from_slice(b"/ByteRange[");
    let range_at = body.len();
    body.extend(std::iter::repeat_n(b' ', BYTE_RANGE_SLOT));
    body.extend_from_slice(b"]/Contents");
    let hole_at = body.len();
    body.push(b'<');
    body.extend(std::iter::repeat_n(b'0', sig.contents_len * 2));
    body.extend_from_slice(b">>>");
    up.put(sig_ref, body);

    // The field: an existing empty one, or a new one merged with its widget (§12.7.4.5).
    let existing = match sig.field {
        Some(name) => form.empty.iter().find(|f| f.name == name),
        None => None,
    };
    if let Some(name) = sig.field {
        if existing.is_none() && form.names.iter().any(|n| n == name) {
            return Err(PdfError::structure(format!(
                "the PDF already has a field named '{name}' that is not an empty signature \
                 field; choose another name"
            )));
        }
    }
    let field_name = match sig.field {
        Some(name) => name.to_string(),
        None => (1..)
            .map(|i| match sig.kind {
                SigKind::Signature { .. } => format!("Signature{i}"),
                SigKind::DocTimeStamp => format!("DocumentTimestamp{i}"),
            })
            .find(|c| !form.names.contains(c))
            .unwrap_or_default(),
    };
    let pages = doc.pages(rev)?;
    if let Some(f) = existing {
        let field_ref = f
            .field
            .ok_or_else(|| PdfError::structure("the signature field is not an indirect object"))?;
        if f.widgets > 0 {
            return Err(PdfError::structure(format!(
                "the signature field '{}' has separate widget annotations; kyso signs only \
                 fields merged with their widget",
                f.name
            )));
        }
        let mut d = f.dict.clone();
        d.set("V", reference(sig_ref));
        d.set("F", int(132));
        let rect = match doc.entry_of(&d, "Rect", rev)? {
            Some(r) => rect_of(&r),
            None => None,
        };
        if let (Some([x1, y1, x2, y2]), Some(draw)) = (rect, sig.appearance.as_mut()) {
            let (w, h) = ((x2 - x1).abs(), (y2 - y1).abs());
            if w > 0.0 && h > 0.0 {
                let form_obj = appearance(&mut up, draw, w, h)?;
                d.set("AP", ap(form_obj));
            }
        }
        up.put_dict(field_ref, &d)?;
    } else {
        let placement = sig.placement.unwrap_or(Placement {
            page: 0,
            rect: [0.0; 4],
        });
        let page = pages.get(placement.page).ok_or_else(|| {
            PdfError::structure(format!(
                "the PDF has {} page(s); there is no page {}",
                pages.len(),
                placement.page + 1
            ))
        })?;
        let page_ref = page
            .reference
            .ok_or_else(|| PdfError::structure("the page is not an indirect object"))?;
        let [x1, y1, x2, y2] = placement.rect;
        let (w, h) = (x2 - x1, y2 - y1);
        let form_obj = match (sig.appearance.as_mut(), w > 0.0 && h > 0.0) {
            (Some(draw), true) => appearance(&mut up, draw, w, h)?,
            _ => empty_appearance(&mut up, w.max(0.0), h.max(0.0))?,
        };
        let widget_ref = up.alloc();
        let mut wd = Dict::default();
        wd.set("Type", n("Annot"));
        wd.set("Subtype", n("Widget"));
        wd.set("FT", n("Sig"));
        wd.set("T", text(&field_name));
        wd.set("V", reference(sig_ref));
        wd.set(
            "Rect",
            array(placement.rect.iter().map(|v| real(*v)).collect()),
        );
        // Print and Locked (§12.5.3 Table 165).
        wd.set("F", int(132));
        wd.set("P", reference(page_ref));
        wd.set("AP", ap(form_obj));
        up.put_dict(widget_ref, &wd)?;
        add_to_array(
            doc,
            &mut up,
            page_ref,
            page.dict.clone(),
            "Annots",
            widget_ref,
            rev,
        )?;
        // The form: /Fields gains the field, /SigFlags 3 (SignaturesExist, AppendOnly).
        match catalog.get("AcroForm").cloned() {
            None => {
                let form_ref = up.alloc();
                let mut fd = Dict::default();
                fd.set("Fields", array(vec![reference(widget_ref)]));
                fd.set("SigFlags", int(3));
                up.put_dict(form_ref, &fd)?;
                catalog.set("AcroForm", reference(form_ref));
                catalog_changed = true;
            }
            Some(Object {
                value: Value::Ref(form_ref),
                ..
            }) => {
                let fd = doc
                    .get_in_revision(form_ref, rev)?
                    .and_then(|o| o.as_dict().cloned())
                    .ok_or_else(|| PdfError::structure("the /AcroForm is not a dictionary"))?;
                let fd = with_field(doc, &mut up, fd, widget_ref, rev)?;
                up.put_dict(form_ref, &fd)?;
            }
            Some(Object {
                value: Value::Dict(fd),
                ..
            }) => {
                let fd = with_field(doc, &mut up, fd, widget_ref, rev)?;
                catalog.set("AcroForm", Object::new(Value::Dict(fd), None));
                catalog_changed = true;
            }
            Some(_) => return Err(PdfError::structure("the /AcroForm is not a dictionary")),
        }
    }

    if catalog_changed {
        up.put_dict(catalog_ref, &catalog)?;
    }
    let written = up.finish(&sig.new_id)?;
    let base = doc.bytes().len();
    let body_at = written
        .bodies
        .iter()
        .find(|(r, _)| *r == sig_ref)
        .map(|(_, at)| *at)
        .ok_or_else(|| PdfError::structure("the signature dictionary was not written"))?;
    let mut update = written.bytes;
    let hole = (
        base + body_at + hole_at,
        base + body_at + hole_at + sig.contents_len * 2 + 2,
    );
    let mut prepared = Prepared {
        update: Vec::new(),
        base,
        hole,
        field: field_name,
        existing_field: existing.is_some(),
    };
    // Offsets past 10 digits cannot be written in the slot (the reader's 1 GiB limit is far
    // below that).
    let end = base + update.len();
    let range = format!("0 {} {} {}", hole.0, hole.1, end - hole.1);
    if range.len() > BYTE_RANGE_SLOT {
        return Err(PdfError::structure("the PDF is too large to sign"));
    }
    let at = body_at + range_at;
    update[at..at + range.len()].copy_from_slice(range.as_bytes());
    prepared.update = update;
    Ok(prepared)
}

/// The validation data to add to the document security store (ETSI EN 319 142-1 §5.4.2.2,
/// ISO 32000-2 §12.8.4.3): DER certificates, CRLs and OCSP responses (OCSPResponse).
#[derive(Default)]
pub(crate) struct DssAdditions {
    pub(crate) certs: Vec<Vec<u8>>,
    pub(crate) crls: Vec<Vec<u8>>,
    pub(crate) ocsps: Vec<Vec<u8>>,
}

/// The update that adds `add` to the DSS: a new /DSS dictionary holding the existing entries
/// (their references kept, /VRI as it was) and a stream per new item, and the catalog's /DSS
/// pointing at it. Items already in the DSS are not added twice. Returns the update and how
/// many certificates and revocation values it adds; `None` when every item is already there.
pub(crate) fn prepare_dss(
    doc: &Document<'_>,
    add: &DssAdditions,
    new_id: [u8; 16],
) -> Result<Option<(Vec<u8>, usize, usize)>> {
    let rev = doc.last_revision();
    let catalog_ref = doc
        .trailer(rev)?
        .get("Root")
        .and_then(Object::as_ref)
        .ok_or_else(|| PdfError::structure("the trailer's /Root is not a reference"))?;
    let mut catalog = doc.catalog(rev)?;
    let old = doc.dss_in(rev)?;
    let old_dict = doc.dict_of(&catalog, "DSS", rev, "the catalog's")?;
    let mut up = Update::new(doc)?;
    let mut dss = Dict::default();
    dss.set("Type", n("DSS"));
    let mut added = [0usize; 3];
    for (k, (key, items, have)) in [
        ("Certs", &add.certs, old.as_ref().map(|d| &d.certs)),
        ("CRLs", &add.crls, old.as_ref().map(|d| &d.crls)),
        ("OCSPs", &add.ocsps, old.as_ref().map(|d| &d.ocsps)),
    ]
    .into_iter()
    .enumerate()
    {
        let mut refs: Vec<Object> = match &old_dict {
            Some(d) => doc
                .entry_of(d, key, rev)?
                .and_then(|a| a.as_array().map(<[Object]>::to_vec))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let mut present: Vec<&[u8]> = have
            .map(|v| v.iter().map(|i| i.data.as_slice()).collect())
            .unwrap_or_default();
        for item in items {
            if present.contains(&item.as_slice()) {
                continue;
            }
            present.push(item);
            let r = up.alloc();
            let mut body = format!("<</Length {}>>\nstream\r\n", item.len()).into_bytes();
            body.extend_from_slice(item);
            body.extend_from_slice(b"\r\nendstream");
            up.put(r, body);
            refs.push(reference(r));
            added[k] += 1;
        }
        if !refs.is_empty() {
            dss.set(key, array(refs));
        }
    }
    if added == [0; 3] {
        return Ok(None);
    }
    if let Some(vri) = old_dict.as_ref().and_then(|d| d.get("VRI")) {
        dss.set("VRI", vri.clone());
    }
    let dss_ref = up.alloc();
    up.put_dict(dss_ref, &dss)?;
    catalog.set("DSS", reference(dss_ref));
    up.put_dict(catalog_ref, &catalog)?;
    Ok(Some((
        up.finish(&new_id)?.bytes,
        added[0],
        added[1] + added[2],
    )))
}

/// `<</N form>>`: the normal appearance (§12.5.5).
fn ap(form: ObjRef) -> Object {
    let mut d = Dict::default();
    d.set("N", reference(form));
    Object::new(Value::Dict(d), None)
}

fn appearance(
    up: &mut Update<'_, '_>,
    draw: &mut AppearanceFn<'_>,
    w: f64,
    h: f64,
) -> Result<ObjRef> {
    let (form, objects) = draw(w, h, up.next_num())?;
    for (num, body) in objects {
        up.put(ObjRef::new(num, 0), body);
    }
    Ok(ObjRef::new(form, 0))
}

/// An empty form XObject for an invisible widget (PDF/A and ISO 32000-2 §12.7.4.5 want every
/// widget to have an appearance).
fn empty_appearance(up: &mut Update<'_, '_>, w: f64, h: f64) -> Result<ObjRef> {
    let r = up.alloc();
    let mut d = Dict::default();
    d.set("Type", n("XObject"));
    d.set("Subtype", n("Form"));
    d.set("BBox", array(vec![int(0), int(0), real(w), real(h)]));
    d.set("Length", int(0));
    let mut body = Vec::new();
    write::dict(&d, &mut body)?;
    body.extend_from_slice(b"\nstream\r\n\r\nendstream");
    up.put(r, body);
    Ok(r)
}

/// The form dictionary with `field` added to /Fields and /SigFlags 3.
fn with_field(
    doc: &Document<'_>,
    up: &mut Update<'_, '_>,
    mut fd: Dict,
    field: ObjRef,
    rev: usize,
) -> Result<Dict> {
    fd.set("SigFlags", int(3));
    append(doc, up, &mut fd, "Fields", field, rev, "the form's")?;
    Ok(fd)
}

/// `owner[key]` (an array, direct or indirect, or absent) gains `item`; the owner or the
/// array object is rewritten.
fn add_to_array(
    doc: &Document<'_>,
    up: &mut Update<'_, '_>,
    owner_ref: ObjRef,
    mut owner: Dict,
    key: &str,
    item: ObjRef,
    rev: usize,
) -> Result<()> {
    if append(doc, up, &mut owner, key, item, rev, "the page's")? {
        up.put_dict(owner_ref, &owner)?;
    }
    Ok(())
}

/// Append `item` to the array `dict[key]`: an indirect array is rewritten as its own object
/// (`false`: `dict` is unchanged); a direct or absent one is set in `dict` (`true`: the caller
/// rewrites `dict`'s object).
fn append(
    doc: &Document<'_>,
    up: &mut Update<'_, '_>,
    dict: &mut Dict,
    key: &str,
    item: ObjRef,
    rev: usize,
    whose: &str,
) -> Result<bool> {
    let not_array = || PdfError::structure(format!("{whose} /{key} is not an array"));
    match dict.get(key).cloned() {
        Some(Object {
            value: Value::Ref(r),
            ..
        }) => {
            let mut items = doc
                .get_in_revision(r, rev)?
                .and_then(|o| o.as_array().map(<[Object]>::to_vec))
                .ok_or_else(not_array)?;
            items.push(reference(item));
            let mut body = Vec::new();
            write::object(&array(items), &mut body)?;
            up.put(r, body);
            Ok(false)
        }
        Some(Object {
            value: Value::Array(mut items),
            ..
        }) => {
            items.push(reference(item));
            dict.set(key, array(items));
            Ok(true)
        }
        None => {
            dict.set(key, array(vec![reference(item)]));
            Ok(true)
        }
        Some(_) => Err(not_array()),
    }
}

fn rect_of(o: &Object) -> Option<[f64; 4]> {
    let nums: Vec<f64> = o.as_array()?.iter().filter_map(Object::as_number).collect();
    <[f64; 4]>::try_from(nums).ok()
}

fn real(v: f64) -> Object {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        int(v as i64)
    } else {
        Object::new(Value::Real(v), None)
    }
}

fn text(s: &str) -> Object {
    write::string(&write::text_bytes(s))
}
