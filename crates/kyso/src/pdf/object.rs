//! The object model (ISO 32000-1 §7.3): the eight basic types plus references, each value
//! owned, each direct object of the file with the byte span it was parsed from.

use std::fmt;

/// Bytes `start..end` of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
}

/// An indirect reference `num gen R` (§7.3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ObjRef {
    pub(crate) num: u32,
    pub(crate) gen: u16,
}

impl ObjRef {
    pub(crate) const fn new(num: u32, gen: u16) -> ObjRef {
        ObjRef { num, gen }
    }
}

impl fmt::Display for ObjRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} R", self.num, self.gen)
    }
}

/// A string object (§7.3.4): the decoded bytes, and whether it was written in hex.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PdfString {
    pub(crate) bytes: Vec<u8>,
    pub(crate) hex: bool,
}

impl PdfString {
    /// The string as a text string (§7.9.2.2): UTF-16BE when it starts with the byte order
    /// mark FE FF, UTF-8 when it starts with EF BB BF (PDF 2.0), PDFDocEncoding otherwise
    /// (read as Latin-1, which differs only in a few punctuation code points).
    pub(crate) fn text(&self) -> String {
        text_string(&self.bytes)
    }
}

pub(crate) fn text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                u16::from_be_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = b.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| char::from(c)).collect()
    }
}

/// A name (§7.3.5), `#xx` escapes decoded, without the slash.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Name(pub(crate) Vec<u8>);

impl Name {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub(crate) fn is(&self, s: &str) -> bool {
        self.0 == s.as_bytes()
    }
    /// The name as text, bytes outside UTF-8 replaced.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

/// A dictionary (§7.3.7), entries in file order. A key written twice: [`Dict::get`] returns
/// the last value, as pdf.js and pyHanko read it; [`Dict::has_duplicate_keys`] tells.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Dict {
    pub(crate) entries: Vec<(Name, Object)>,
}

impl Dict {
    pub(crate) fn get(&self, key: &str) -> Option<&Object> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k.is(key))
            .map(|(_, v)| v)
    }
    /// The value of `key` when it is a name.
    pub(crate) fn name(&self, key: &str) -> Option<&Name> {
        self.get(key).and_then(Object::as_name)
    }
    /// The value of `key` when it is an integer.
    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Object::as_int)
    }
    pub(crate) fn has_duplicate_keys(&self) -> bool {
        let mut keys: Vec<&Name> = self.entries.iter().map(|(k, _)| k).collect();
        keys.sort();
        keys.windows(2).any(|w| w[0] == w[1])
    }
    /// Whether /Type is `ty`.
    pub(crate) fn is_type(&self, ty: &str) -> bool {
        self.name("Type").is_some_and(|n| n.is(ty))
    }
}

/// A stream (§7.3.8): its dictionary and where its raw (still encoded) data is in the file.
/// Streams are never inside object streams (§7.5.7), so the data always has a file span.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stream {
    pub(crate) dict: Dict,
    pub(crate) data: Span,
}

/// The value of an object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    String(PdfString),
    Name(Name),
    Array(Vec<Object>),
    Dict(Dict),
    Stream(Stream),
    Ref(ObjRef),
}

/// An object and, when it was parsed from the file itself (not from a decoded object
/// stream), the bytes it was parsed from: for a string, from `(` or `<` to `)` or `>`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Object {
    pub(crate) value: Value,
    pub(crate) span: Option<Span>,
}

impl Object {
    pub(crate) const NULL: Object = Object {
        value: Value::Null,
        span: None,
    };

    pub(crate) fn new(value: Value, span: Option<Span>) -> Object {
        Object { value, span }
    }
    pub(crate) fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    pub(crate) fn as_int(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
    /// An integer or a real, as a real (rectangles, §7.9.5).
    pub(crate) fn as_number(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Real(r) => Some(r),
            _ => None,
        }
    }
    pub(crate) fn as_name(&self) -> Option<&Name> {
        match &self.value {
            Value::Name(n) => Some(n),
            _ => None,
        }
    }
    pub(crate) fn as_string(&self) -> Option<&PdfString> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn as_array(&self) -> Option<&[Object]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The dictionary of a dictionary or of a stream.
    pub(crate) fn as_dict(&self) -> Option<&Dict> {
        match &self.value {
            Value::Dict(d) => Some(d),
            Value::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }
    pub(crate) fn as_stream(&self) -> Option<&Stream> {
        match &self.value {
            Value::Stream(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn as_ref(&self) -> Option<ObjRef> {
        match self.value {
            Value::Ref(r) => Some(r),
            _ => None,
        }
    }
    /// The type's name, for error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Real(_) => "a real",
            Value::String(_) => "a string",
            Value::Name(_) => "a name",
            Value::Array(_) => "an array",
            Value::Dict(_) => "a dictionary",
            Value::Stream(_) => "a stream",
            Value::Ref(_) => "a reference",
        }
    }
}
