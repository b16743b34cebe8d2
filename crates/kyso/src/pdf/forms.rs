//! What signature verification reads from the document's structure: signature fields of the
//! interactive form (ISO 32000-1 §12.7) and their signature dictionaries (§12.8.1), the
//! catalog's /Perms (§12.8.4), the page tree (§7.7.3) and the document security store
//! (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4).

use std::collections::HashSet;

use super::document::Document;
use super::error::{PdfError, Result};
use super::object::{Dict, Name, ObjRef, Object, Span, Value};

/// A page of the page tree, in page order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Page {
    /// The page object's reference (`None` for a page written as a direct object).
    pub(crate) reference: Option<ObjRef>,
    pub(crate) dict: Dict,
}

/// The /Contents of a signature dictionary: the signature (a DER CMS, or a certificate-only
/// value for adbe.x509.rsa_sha1) and where its string token is in the file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Contents {
    pub(crate) bytes: Vec<u8>,
    /// The string token from `<` to `>` (or `(` to `)`); `None` when it was not parsed
    /// from the file itself (inside an object stream), which no signed PDF can have.
    pub(crate) span: Option<Span>,
    /// Written as a hexadecimal string (§12.8.1 requires it for /ByteRange signing).
    pub(crate) hex: bool,
    /// Reached through an indirect reference rather than written in the dictionary.
    pub(crate) indirect: bool,
}

/// One signature reference dictionary (§12.8.1, Table 253): DocMDP, UR3 or FieldMDP.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SigReference {
    pub(crate) transform_method: Option<Name>,
    /// DocMDP /TransformParams /P (§12.8.2.2, Table 254): 1, 2 or 3; absent means 2.
    pub(crate) p: Option<i64>,
    /// FieldMDP /TransformParams /Action and /Fields (§12.8.2.4).
    pub(crate) action: Option<Name>,
    pub(crate) fields: Vec<String>,
    pub(crate) digest_method: Option<Name>,
}

/// A signature dictionary (§12.8.1, Table 252) or document time-stamp dictionary
/// (ISO 32000-2 §12.8.5), read as written: nothing here is validated.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SignatureDict {
    /// `/Sig`, `/DocTimeStamp`, or missing (it is optional for /Sig).
    pub(crate) ty: Option<Name>,
    pub(crate) filter: Option<Name>,
    pub(crate) sub_filter: Option<Name>,
    /// The numbers as written; `None` when missing or not an array of integers.
    pub(crate) byte_range: Option<Vec<i64>>,
    pub(crate) contents: Option<Contents>,
    /// /M, the signing time the signer claims, as the raw date string (§7.9.4).
    pub(crate) m: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) contact_info: Option<String>,
    pub(crate) references: Vec<SigReference>,
    /// /Cert for adbe.x509.rsa_sha1: one certificate or a chain, DER.
    pub(crate) cert: Vec<Vec<u8>>,
    /// The dictionary itself, and its span in the file when it was parsed from there.
    pub(crate) dict: Dict,
    pub(crate) span: Option<Span>,
}

/// A filled signature field (/FT /Sig, possibly inherited, with a /V).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SignatureField {
    /// The fully qualified field name (§12.7.3.2): partial names joined with `.`.
    pub(crate) name: String,
    /// The field dictionary's reference, when it is indirect.
    pub(crate) field: Option<ObjRef>,
    /// The /V reference (`None` when the signature dictionary is direct).
    pub(crate) value_ref: Option<ObjRef>,
    /// The widget's /Rect, and its page index from 0, when the field has a widget.
    pub(crate) rect: Option<[f64; 4]>,
    pub(crate) page: Option<usize>,
    /// The first revision that defines `value_ref` (the revision the signature was made in).
    pub(crate) first_revision: Option<usize>,
    /// The signature dictionary, or why it could not be read.
    pub(crate) signature: std::result::Result<SignatureDict, PdfError>,
}

/// One certificate, CRL, OCSP response or time-stamp token of the DSS, decoded.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DssItem {
    pub(crate) reference: Option<ObjRef>,
    pub(crate) data: Vec<u8>,
}

/// A /VRI entry: validation data for one signature, keyed by the upper-case hex SHA-1 of its
/// /Contents (ETSI EN 319 142-1 §5.4.2.3).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Vri {
    pub(crate) key: String,
    pub(crate) certs: Vec<DssItem>,
    pub(crate) crls: Vec<DssItem>,
    pub(crate) ocsps: Vec<DssItem>,
    /// /TU, the time the data was gathered (a date string).
    pub(crate) tu: Option<String>,
    /// /TS, a time-stamp token over the signature.
    pub(crate) ts: Option<DssItem>,
}

/// The document security store.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Dss {
    pub(crate) certs: Vec<DssItem>,
    pub(crate) crls: Vec<DssItem>,
    pub(crate) ocsps: Vec<DssItem>,
    pub(crate) vri: Vec<Vri>,
}

fn text(o: &Object) -> Option<String> {
    match &o.value {
        Value::String(s) => Some(s.text()),
        Value::Name(n) => Some(n.text()),
        _ => None,
    }
}

impl Document<'_> {
    /// The pages of revision `rev` in order (§7.7.3.2), the tree walked depth-bounded
    /// ([`super::Limits::max_kids_depth`]) with loops refused.
    pub(crate) fn pages(&self, rev: usize) -> Result<Vec<Page>> {
        let catalog = self.catalog(rev)?;
        let Some(root) = catalog.get("Pages") else {
            return Ok(Vec::new());
        };
        let mut pages = Vec::new();
        let mut seen = HashSet::new();
        self.page_node(root, rev, 0, &mut seen, &mut pages)?;
        Ok(pages)
    }

    fn page_node(
        &self,
        node: &Object,
        rev: usize,
        depth: usize,
        seen: &mut HashSet<ObjRef>,
        pages: &mut Vec<Page>,
    ) -> Result<()> {
        let tree = "page tree";
        if depth > self.limits().max_kids_depth {
            return Err(PdfError::BadTree {
                tree,
                what: format!("is more than {} levels deep", self.limits().max_kids_depth),
            });
        }
        let reference = node.as_ref();
        if let Some(r) = reference {
            if !seen.insert(r) {
                return Err(PdfError::BadTree {
                    tree,
                    what: format!("reaches {r} twice (a loop or a shared node)"),
                });
            }
        }
        let dict = match self.resolve(node, rev)?.value {
            Value::Dict(d) => d,
            Value::Null => return Ok(()),
            _ => {
                return Err(PdfError::BadTree {
                    tree,
                    what: "has a node that is not a dictionary".into(),
                })
            }
        };
        let kids = if dict.is_type("Page") {
            None
        } else {
            self.entry_of(&dict, "Kids", rev)?
        };
        match kids {
            None => {
                if pages.len() >= self.limits().max_objects {
                    return Err(PdfError::TooManyObjects {
                        limit: self.limits().max_objects,
                    });
                }
                pages.push(Page { reference, dict });
            }
            Some(kids) => {
                let Some(kids) = kids.as_array() else {
                    return Err(PdfError::BadTree {
                        tree,
                        what: "has a /Kids that is not an array".into(),
                    });
                };
                for kid in kids {
                    self.page_node(kid, rev, depth + 1, seen, pages)?;
                }
            }
        }
        Ok(())
    }

    /// The catalog's /Perms /DocMDP reference (§12.8.4), the certification signature.
    pub(crate) fn doc_mdp(&self, rev: usize) -> Result<Option<ObjRef>> {
        let catalog = self.catalog(rev)?;
        let perms = self.dict_of(&catalog, "Perms", rev, "the catalog's")?;
        Ok(perms.and_then(|p| p.get("DocMDP").and_then(Object::as_ref)))
    }

    /// Every filled signature field of the newest revision.
    pub(crate) fn signature_fields(&self) -> Result<Vec<SignatureField>> {
        self.signature_fields_in(self.last_revision())
    }

    /// Every filled signature field as of revision `rev`: the catalog's /AcroForm /Fields
    /// and their /Kids (§12.7.3.1), depth-bounded, each field visited once, at most
    /// [`super::Limits::max_fields`] fields.
    pub(crate) fn signature_fields_in(&self, rev: usize) -> Result<Vec<SignatureField>> {
        Ok(self.walk_fields(rev)?.out)
    }

    /// The newest revision's field names and empty signature fields.
    pub(crate) fn form_fields(&self) -> Result<FormFields> {
        let w = self.walk_fields(self.last_revision())?;
        Ok(FormFields {
            names: w.names,
            empty: w.empty,
            signed: w.out.len(),
        })
    }

    fn walk_fields(&self, rev: usize) -> Result<Walk> {
        let mut walk = Walk {
            seen: HashSet::new(),
            count: 0,
            out: Vec::new(),
            pages: None,
            names: Vec::new(),
            empty: Vec::new(),
        };
        let catalog = self.catalog(rev)?;
        let Some(form) = self.dict_of(&catalog, "AcroForm", rev, "the catalog's")? else {
            return Ok(walk);
        };
        let fields = match self.entry_of(&form, "Fields", rev)? {
            None => return Ok(walk),
            Some(Object {
                value: Value::Array(a),
                ..
            }) => a,
            Some(o) => {
                return Err(PdfError::structure(format!(
                    "the AcroForm's /Fields is {}, not an array",
                    o.type_name()
                )))
            }
        };
        for f in &fields {
            self.field_node(f, rev, "", None, 0, &mut walk)?;
        }
        Ok(walk)
    }

    fn field_node(
        &self,
        node: &Object,
        rev: usize,
        parent: &str,
        inherited_ft: Option<&Name>,
        depth: usize,
        walk: &mut Walk,
    ) -> Result<()> {
        let tree = "form field";
        if depth > self.limits().max_kids_depth {
            return Err(PdfError::BadTree {
                tree,
                what: format!("is more than {} levels deep", self.limits().max_kids_depth),
            });
        }
        let field_ref = node.as_ref();
        if let Some(r) = field_ref {
            if !walk.seen.insert(r) {
                // A field listed twice, or a /Kids loop: visit it once.
                return Ok(());
            }
        }
        walk.count += 1;
        if walk.count > self.limits().max_fields {
            return Err(PdfError::TooManyFields {
                limit: self.limits().max_fields,
            });
        }
        let Some(dict) = self.resolve(node, rev)?.as_dict().cloned() else {
            return Ok(());
        };
        let name = match self.entry_of(&dict, "T", rev)?.as_ref().and_then(text) {
            Some(t) if parent.is_empty() => t,
            Some(t) => format!("{parent}.{t}"),
            None => parent.to_string(),
        };
        let ft_own = self
            .entry_of(&dict, "FT", rev)?
            .and_then(|o| o.as_name().cloned());
        let ft = ft_own.as_ref().or(inherited_ft);
        // Kids with /T are fields; kids without are its widget annotations (§12.7.3.1).
        let mut widgets: Vec<(Option<ObjRef>, Dict)> = Vec::new();
        if let Some(kids) = self.entry_of(&dict, "Kids", rev)? {
            let Some(kids) = kids.as_array() else {
                return Err(PdfError::BadTree {
                    tree,
                    what: format!("field '{name}' has a /Kids that is not an array"),
                });
            };
            for kid in kids {
                let kd = self.resolve(kid, rev)?;
                let Some(kd) = kd.as_dict() else { continue };
                if kd.get("T").is_some() {
                    self.field_node(kid, rev, &name, ft, depth + 1, walk)?;
                } else {
                    widgets.push((kid.as_ref(), kd.clone()));
                }
            }
        }
        walk.names.push(name.clone());
        if !ft.is_some_and(|f| f.is("Sig")) {
            return Ok(());
        }
        let v = match dict.get("V") {
            Some(v) if !self.resolve(v, rev)?.is_null() => v,
            _ => {
                walk.empty.push(EmptySignatureField {
                    name,
                    field: field_ref,
                    dict,
                    widgets: widgets.len(),
                });
                return Ok(());
            }
        };
        let value_ref = v.as_ref();
        // The widget: the field itself when merged with it, else its first widget kid.
        let widget =
            if dict.get("Rect").is_some() || dict.name("Subtype").is_some_and(|s| s.is("Widget")) {
                Some((field_ref, dict.clone()))
            } else {
                widgets.into_iter().next()
            };
        let (rect, page) = match &widget {
            None => (None, None),
            Some((wref, wd)) => (self.rect(wd, rev)?, self.widget_page(*wref, wd, rev, walk)),
        };
        walk.out.push(SignatureField {
            name,
            field: field_ref,
            value_ref,
            rect,
            page,
            first_revision: value_ref.and_then(|r| self.first_definition(r)),
            signature: self.signature_dict(v, rev),
        });
        Ok(())
    }

    fn rect(&self, d: &Dict, rev: usize) -> Result<Option<[f64; 4]>> {
        let Some(r) = self.entry_of(d, "Rect", rev)? else {
            return Ok(None);
        };
        let nums: Vec<f64> = r
            .as_array()
            .unwrap_or_default()
            .iter()
            .filter_map(Object::as_number)
            .collect();
        Ok(<[f64; 4]>::try_from(nums).ok())
    }

    /// The page of a widget: its /P, else the page whose /Annots lists it. Best effort: a
    /// broken page tree gives `None`, not an error (the signature is still there).
    fn widget_page(
        &self,
        wref: Option<ObjRef>,
        wd: &Dict,
        rev: usize,
        walk: &mut Walk,
    ) -> Option<usize> {
        if walk.pages.is_none() {
            walk.pages = Some(self.pages(rev).unwrap_or_default());
        }
        let pages = walk.pages.as_ref()?;
        if let Some(p) = wd.get("P").and_then(Object::as_ref) {
            if let Some(i) = pages.iter().position(|pg| pg.reference == Some(p)) {
                return Some(i);
            }
        }
        let wref = wref?;
        pages.iter().position(|pg| {
            self.entry_of(&pg.dict, "Annots", rev)
                .ok()
                .flatten()
                .and_then(|a| {
                    a.as_array()
                        .map(|a| a.iter().any(|x| x.as_ref() == Some(wref)))
                })
                .unwrap_or(false)
        })
    }

    /// Read the signature dictionary that `v` (a field's /V) is or refers to.
    pub(crate) fn signature_dict(&self, v: &Object, rev: usize) -> Result<SignatureDict> {
        let obj = self.resolve(v, rev)?;
        let Some(dict) = obj.as_dict().cloned() else {
            return Err(PdfError::structure(format!(
                "a signature field's /V is {}, not a signature dictionary",
                obj.type_name()
            )));
        };
        let name = |k: &str| -> Result<Option<Name>> {
            Ok(self
                .entry_of(&dict, k, rev)?
                .and_then(|o| o.as_name().cloned()))
        };
        let string = |k: &str| -> Result<Option<String>> {
            Ok(self.entry_of(&dict, k, rev)?.as_ref().and_then(text))
        };
        let byte_range = self.entry_of(&dict, "ByteRange", rev)?.and_then(|o| {
            let a = o.as_array()?;
            let v: Vec<i64> = a.iter().filter_map(Object::as_int).collect();
            (v.len() == a.len()).then_some(v)
        });
        let contents = match dict.get("Contents") {
            None => None,
            Some(raw) => {
                let indirect = raw.as_ref().is_some();
                let o = self.resolve(raw, rev)?;
                match &o.value {
                    Value::String(s) => Some(Contents {
                        bytes: s.bytes.clone(),
                        span: o.span,
                        hex: s.hex,
                        indirect,
                    }),
                    _ => None,
                }
            }
        };
        let mut references = Vec::new();
        if let Some(refs) = self.entry_of(&dict, "Reference", rev)? {
            for r in refs.as_array().unwrap_or_default() {
                let Some(rd) = self.resolve(r, rev)?.as_dict().cloned() else {
                    continue;
                };
                let params =
                    self.dict_of(&rd, "TransformParams", rev, "a signature reference's")?;
                let (p, action, fields) = match &params {
                    None => (None, None, Vec::new()),
                    Some(tp) => {
                        let p = self.entry_of(tp, "P", rev)?.and_then(|o| o.as_int());
                        let action = self
                            .entry_of(tp, "Action", rev)?
                            .and_then(|o| o.as_name().cloned());
                        let mut fields = Vec::new();
                        if let Some(fs) = self.entry_of(tp, "Fields", rev)? {
                            for f in fs.as_array().unwrap_or_default() {
                                if let Some(t) = text(&self.resolve(f, rev)?) {
                                    fields.push(t);
                                }
                            }
                        }
                        (p, action, fields)
                    }
                };
                references.push(SigReference {
                    transform_method: self
                        .entry_of(&rd, "TransformMethod", rev)?
                        .and_then(|o| o.as_name().cloned()),
                    p,
                    action,
                    fields,
                    digest_method: self
                        .entry_of(&rd, "DigestMethod", rev)?
                        .and_then(|o| o.as_name().cloned()),
                });
            }
        }
        let mut cert = Vec::new();
        if let Some(c) = self.entry_of(&dict, "Cert", rev)? {
            match &c.value {
                Value::String(s) => cert.push(s.bytes.clone()),
                Value::Array(a) => {
                    for x in a {
                        if let Some(s) = self.resolve(x, rev)?.as_string() {
                            cert.push(s.bytes.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(SignatureDict {
            ty: name("Type")?,
            filter: name("Filter")?,
            sub_filter: name("SubFilter")?,
            byte_range,
            contents,
            m: string("M")?,
            reason: string("Reason")?,
            location: string("Location")?,
            name: string("Name")?,
            contact_info: string("ContactInfo")?,
            references,
            cert,
            span: obj.span,
            dict,
        })
    }

    /// The document security store of the newest revision.
    pub(crate) fn dss(&self) -> Result<Option<Dss>> {
        self.dss_in(self.last_revision())
    }

    /// The catalog's /DSS as of revision `rev`: /Certs, /CRLs, /OCSPs (arrays of streams,
    /// decoded within the limits) and /VRI.
    pub(crate) fn dss_in(&self, rev: usize) -> Result<Option<Dss>> {
        let catalog = self.catalog(rev)?;
        let Some(d) = self.dict_of(&catalog, "DSS", rev, "the catalog's")? else {
            return Ok(None);
        };
        let mut dss = Dss {
            certs: self.dss_streams(&d, "Certs", rev)?,
            crls: self.dss_streams(&d, "CRLs", rev)?,
            ocsps: self.dss_streams(&d, "OCSPs", rev)?,
            vri: Vec::new(),
        };
        if let Some(vri) = self.dict_of(&d, "VRI", rev, "the DSS's")? {
            for (key, v) in &vri.entries {
                let Some(e) = self.resolve(v, rev)?.as_dict().cloned() else {
                    continue;
                };
                let ts = match e.get("TS") {
                    None => None,
                    Some(t) => Some(self.dss_item(t, rev, "/VRI /TS")?),
                };
                dss.vri.push(Vri {
                    key: key.text(),
                    certs: self.dss_streams(&e, "Cert", rev)?,
                    crls: self.dss_streams(&e, "CRL", rev)?,
                    ocsps: self.dss_streams(&e, "OCSP", rev)?,
                    tu: self.entry_of(&e, "TU", rev)?.as_ref().and_then(text),
                    ts,
                });
            }
        }
        Ok(Some(dss))
    }

    fn dss_streams(&self, d: &Dict, key: &str, rev: usize) -> Result<Vec<DssItem>> {
        let Some(a) = self.entry_of(d, key, rev)? else {
            return Ok(Vec::new());
        };
        let Some(a) = a.as_array() else {
            return Err(PdfError::structure(format!(
                "the DSS's /{key} is {}, not an array of streams",
                a.type_name()
            )));
        };
        a.iter().map(|x| self.dss_item(x, rev, key)).collect()
    }

    fn dss_item(&self, x: &Object, rev: usize, key: &str) -> Result<DssItem> {
        let o = self.resolve(x, rev)?;
        let Some(s) = o.as_stream() else {
            return Err(PdfError::structure(format!(
                "an entry of the DSS's /{key} is {}, not a stream",
                o.type_name()
            )));
        };
        Ok(DssItem {
            reference: x.as_ref(),
            data: self.decode(s)?,
        })
    }
}

struct Walk {
    seen: HashSet<ObjRef>,
    count: usize,
    out: Vec<SignatureField>,
    pages: Option<Vec<Page>>,
    /// Every field's full name, and the signature fields without a value.
    names: Vec<String>,
    empty: Vec<EmptySignatureField>,
}

/// A signature field with no signature yet (§12.7.4.5), to be signed into.
#[derive(Clone, Debug)]
pub(crate) struct EmptySignatureField {
    pub(crate) name: String,
    pub(crate) field: Option<ObjRef>,
    pub(crate) dict: Dict,
    /// Its widget kids (when the field is not merged with its widget).
    pub(crate) widgets: usize,
}

/// The form's fields, for adding a signature: every full name, and the empty signature fields.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormFields {
    pub(crate) names: Vec<String>,
    pub(crate) empty: Vec<EmptySignatureField>,
    pub(crate) signed: usize,
}
