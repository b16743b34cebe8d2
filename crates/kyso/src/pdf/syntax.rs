//! Lexical conventions and direct objects (ISO 32000-1 §7.2 and §7.3): a bounded recursive
//! parser over a byte slice, the file itself or a decoded object stream.

use super::error::{PdfError, Result};
use super::object::{Dict, Name, ObjRef, Object, PdfString, Span, Value};
use super::Limits;

/// White-space characters (§7.2.2, Table 1).
pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Delimiter characters (§7.2.2, Table 2).
pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// Reads objects from `data`, starting at `pos`. Offsets in errors are file offsets when
/// `base` is `Some` (the slice is the file), else offsets in the decoded stream.
pub(crate) struct Parser<'a, 'l> {
    data: &'a [u8],
    pub(crate) pos: usize,
    /// Whether `data` is the file: then objects get spans.
    in_file: bool,
    limits: &'l Limits,
}

impl<'a, 'l> Parser<'a, 'l> {
    pub(crate) fn new(data: &'a [u8], pos: usize, in_file: bool, limits: &'l Limits) -> Self {
        Parser {
            data,
            pos,
            in_file,
            limits,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.data.get(self.pos.saturating_add(ahead)).copied()
    }

    /// Skip white space and comments (§7.2.3).
    pub(crate) fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The run of regular characters at the current position (a number or keyword).
    fn regular_token(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        self.data.get(start..self.pos).unwrap_or_default()
    }

    /// After white space, the keyword `kw` (followed by a non-regular character or the end).
    pub(crate) fn keyword(&mut self, kw: &[u8]) -> bool {
        self.skip_ws();
        let save = self.pos;
        if self.regular_token() == kw {
            true
        } else {
            self.pos = save;
            false
        }
    }

    /// After white space, an unsigned integer token (for `N G obj`, xref tables).
    pub(crate) fn unsigned(&mut self) -> Option<u64> {
        self.skip_ws();
        let save = self.pos;
        let tok = self.regular_token();
        if !tok.is_empty() && tok.iter().all(u8::is_ascii_digit) && tok.len() <= 19 {
            if let Some(v) = std::str::from_utf8(tok).ok().and_then(|s| s.parse().ok()) {
                return Some(v);
            }
        }
        self.pos = save;
        None
    }

    fn err_at(&self, pos: usize, what: impl Into<String>) -> PdfError {
        PdfError::syntax(pos, what)
    }

    fn truncated(&self, what: &'static str) -> PdfError {
        PdfError::Truncated {
            offset: self.pos as u64,
            what,
        }
    }

    fn span(&self, start: usize) -> Option<Span> {
        self.in_file.then_some(Span {
            start,
            end: self.pos,
        })
    }

    /// One direct object (§7.3), references included; `depth` counts the enclosing arrays
    /// and dictionaries.
    pub(crate) fn object(&mut self, depth: usize) -> Result<Object> {
        self.skip_ws();
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(self.truncated("an object"));
        };
        let value = match b {
            b'[' | b'<' if self.peek_at(1) == Some(b'<') || b == b'[' => {
                if depth >= self.limits.max_depth {
                    return Err(PdfError::TooDeep {
                        offset: start as u64,
                        limit: self.limits.max_depth,
                    });
                }
                if b == b'[' {
                    self.pos += 1;
                    self.array(depth + 1)?
                } else {
                    self.pos += 2;
                    Value::Dict(self.dict_body(depth + 1)?)
                }
            }
            b'<' => {
                self.pos += 1;
                Value::String(self.hex_string(start)?)
            }
            b'(' => {
                self.pos += 1;
                Value::String(self.literal_string(start)?)
            }
            b'/' => {
                self.pos += 1;
                Value::Name(self.name(start)?)
            }
            b')' | b'>' | b']' | b'{' | b'}' => {
                return Err(self.err_at(start, format!("unexpected '{}'", char::from(b))));
            }
            _ => {
                let tok = self.regular_token();
                match tok {
                    b"true" => Value::Bool(true),
                    b"false" => Value::Bool(false),
                    b"null" => Value::Null,
                    _ => self.number_or_ref(start, tok)?,
                }
            }
        };
        Ok(Object::new(value, self.span(start)))
    }

    fn number_or_ref(&mut self, start: usize, tok: &[u8]) -> Result<Value> {
        let text = std::str::from_utf8(tok).unwrap_or("");
        if tok.is_empty() || !tok.iter().all(|c| c.is_ascii_digit() || b"+-.".contains(c)) {
            let shown = String::from_utf8_lossy(tok.get(..tok.len().min(32)).unwrap_or(tok));
            return Err(self.err_at(start, format!("expected an object, found '{shown}'")));
        }
        if let Ok(i) = text.parse::<i64>() {
            // `num gen R` (§7.3.10): look ahead without consuming unless it matches.
            if i >= 0 && !text.starts_with('+') {
                let save = self.pos;
                if let Some(gen) = self.unsigned() {
                    if self.keyword(b"R") {
                        let num = u32::try_from(i).map_err(|_| {
                            self.err_at(start, format!("object number {i} is too large"))
                        })?;
                        let gen = u16::try_from(gen).map_err(|_| {
                            self.err_at(start, format!("generation {gen} is too large"))
                        })?;
                        return Ok(Value::Ref(ObjRef::new(num, gen)));
                    }
                }
                self.pos = save;
            }
            return Ok(Value::Int(i));
        }
        // Reals (§7.3.3): digits with one period and an optional sign; no exponent.
        let digits = text.trim_start_matches(['+', '-']);
        let ok = text.len() - digits.len() <= 1
            && digits.chars().filter(|&c| c == '.').count() <= 1
            && digits.chars().any(|c| c.is_ascii_digit())
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
        match (ok, text.parse::<f64>()) {
            (true, Ok(r)) if r.is_finite() => Ok(Value::Real(r)),
            _ => Err(self.err_at(start, format!("'{text}' is not a number"))),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.truncated("an array")),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(_) => items.push(self.object(depth)?),
            }
        }
    }

    /// The entries of a dictionary after `<<`, up to and including `>>` (§7.3.7).
    pub(crate) fn dict_body(&mut self, depth: usize) -> Result<Dict> {
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            let at = self.pos;
            match self.peek() {
                None => return Err(self.truncated("a dictionary")),
                Some(b'>') if self.peek_at(1) == Some(b'>') => {
                    self.pos += 2;
                    return Ok(Dict { entries });
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.name(at)?;
                    self.skip_ws();
                    if self.peek() == Some(b'>') && self.peek_at(1) == Some(b'>') {
                        return Err(self.err_at(at, format!("dictionary key /{key} has no value")));
                    }
                    let value = self.object(depth)?;
                    entries.push((key, value));
                }
                Some(_) => {
                    return Err(self.err_at(at, "expected a name as dictionary key or '>>'"));
                }
            }
        }
    }

    /// A name after its `/` (§7.3.5): `#xx` escapes decoded.
    fn name(&mut self, start: usize) -> Result<Name> {
        let raw = self.regular_token();
        if raw.len() > self.limits.max_name_len {
            return Err(PdfError::TooLong {
                offset: start as u64,
                what: "a name",
                limit: self.limits.max_name_len,
            });
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while let Some(&c) = raw.get(i) {
            if c == b'#' {
                let hex = raw.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok())
                });
                if let Some(v) = hex {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(c);
            i += 1;
        }
        Ok(Name(out))
    }

    fn check_len(&self, start: usize, len: usize) -> Result<()> {
        if len > self.limits.max_string_len {
            return Err(PdfError::TooLong {
                offset: start as u64,
                what: "a string",
                limit: self.limits.max_string_len,
            });
        }
        Ok(())
    }

    /// A hexadecimal string after its `<` (§7.3.4.3): white space ignored, a final odd digit
    /// completed with 0.
    fn hex_string(&mut self, start: usize) -> Result<PdfString> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.truncated("a hexadecimal string"));
            };
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if is_whitespace(c) {
                continue;
            }
            let Some(v) = char::from(c).to_digit(16) else {
                return Err(self.err_at(
                    self.pos - 1,
                    format!(
                        "'{}' in a hexadecimal string",
                        char::from(c).escape_default()
                    ),
                ));
            };
            let v = v as u8;
            match high.take() {
                None => high = Some(v),
                Some(h) => {
                    out.push(h << 4 | v);
                    self.check_len(start, out.len())?;
                }
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(PdfString {
            bytes: out,
            hex: true,
        })
    }

    /// A literal string after its `(` (§7.3.4.2): balanced parentheses, escapes, line
    /// continuations, end-of-line markers read as LF.
    fn literal_string(&mut self, start: usize) -> Result<PdfString> {
        let mut out = Vec::new();
        let mut open = 0usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.truncated("a literal string"));
            };
            self.pos += 1;
            match c {
                b'(' => {
                    open += 1;
                    out.push(c);
                }
                b')' => {
                    if open == 0 {
                        break;
                    }
                    open -= 1;
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.truncated("a literal string"));
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(c),
            }
            self.check_len(start, out.len())?;
        }
        Ok(PdfString {
            bytes: out,
            hex: false,
        })
    }
}

/// An indirect object read from the file (§7.3.10): `num gen obj`, the object, and for a
/// stream its data span (§7.3.8.1).
pub(crate) struct Indirect {
    pub(crate) reference: ObjRef,
    pub(crate) object: Object,
    /// Just after `endobj` (or after the object or `endstream` when `endobj` is missing).
    pub(crate) end: usize,
}

/// Read the indirect object at `offset` of the file `bytes`. `length` turns the stream's
/// /Length value into a number (the caller resolves an indirect one, or refuses it where the
/// specification requires a direct value). The object's span is its value's: for a stream,
/// from `<<` to the end of `endstream`.
pub(crate) fn read_indirect(
    bytes: &[u8],
    offset: usize,
    limits: &Limits,
    length: &mut dyn FnMut(&Object) -> Result<i64>,
) -> Result<Indirect> {
    let mut p = Parser::new(bytes, offset, true, limits);
    let num = p.unsigned();
    let gen = p.unsigned();
    let (Some(num), Some(gen), true) = (num, gen, p.keyword(b"obj")) else {
        let shown: String = bytes
            .get(offset..bytes.len().min(offset.saturating_add(20)))
            .unwrap_or_default()
            .iter()
            .map(|&c| {
                if (0x20..0x7f).contains(&c) {
                    char::from(c)
                } else {
                    '.'
                }
            })
            .collect();
        return Err(PdfError::syntax(
            offset,
            format!("expected 'N G obj', found '{shown}'"),
        ));
    };
    let (Ok(num), Ok(gen)) = (u32::try_from(num), u16::try_from(gen)) else {
        return Err(PdfError::syntax(
            offset,
            "object number or generation too large",
        ));
    };
    let reference = ObjRef::new(num, gen);
    let mut object = p.object(0)?;
    let after_object = p.pos;
    if let Value::Dict(dict) = &object.value {
        if p.keyword(b"stream") {
            // §7.3.8.1: `stream` is followed by CRLF or LF (a lone CR is read as an EOL too).
            match p.peek() {
                Some(b'\r') if p.peek_at(1) == Some(b'\n') => p.pos += 2,
                Some(b'\n' | b'\r') => p.pos += 1,
                _ => {
                    return Err(PdfError::syntax(
                        p.pos,
                        "the 'stream' keyword is not followed by an end-of-line",
                    ))
                }
            }
            let start = p.pos;
            let Some(len_obj) = dict.get("Length") else {
                return Err(PdfError::StreamLength {
                    offset: offset as u64,
                    what: "no /Length entry".into(),
                });
            };
            let len = length(len_obj)?;
            let end = usize::try_from(len)
                .ok()
                .and_then(|l| start.checked_add(l))
                .filter(|&e| e <= bytes.len())
                .ok_or_else(|| PdfError::StreamLength {
                    offset: offset as u64,
                    what: format!(
                        "/Length {len} from offset {start} goes past the end of the file ({} bytes)",
                        bytes.len()
                    ),
                })?;
            p.pos = end;
            if !p.keyword(b"endstream") {
                return Err(PdfError::StreamLength {
                    offset: offset as u64,
                    what: format!("/Length {len} does not end at 'endstream' (offset {end})"),
                });
            }
            let data = Span { start, end };
            let dict = dict.clone();
            let span = object.span.map(|s| Span {
                start: s.start,
                end: p.pos,
            });
            object = Object::new(Value::Stream(super::object::Stream { dict, data }), span);
        }
    }
    let end = if p.keyword(b"endobj") {
        p.pos
    } else {
        after_object.max(p.pos)
    };
    Ok(Indirect {
        reference,
        object,
        end,
    })
}

/// The position of the last occurrence of `needle` in `hay` at or after `from`.
pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

/// The position of the first occurrence of `needle` in `hay` at or after `from`.
pub(crate) fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let tail = hay.get(from..)?;
    if needle.is_empty() || tail.len() < needle.len() {
        return None;
    }
    tail.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Object> {
        let limits = Limits::default();
        Parser::new(s.as_bytes(), 0, true, &limits).object(0)
    }

    #[test]
    fn scalars_and_references() {
        assert_eq!(parse("42").unwrap().value, Value::Int(42));
        assert_eq!(parse("-.5").unwrap().value, Value::Real(-0.5));
        assert_eq!(parse("4.").unwrap().value, Value::Real(4.0));
        assert_eq!(parse("true").unwrap().value, Value::Bool(true));
        assert_eq!(parse("null").unwrap().value, Value::Null);
        assert_eq!(
            parse("12 0 R").unwrap().value,
            Value::Ref(ObjRef::new(12, 0))
        );
        // Two integers that are not a reference stay two integers.
        let o = parse("[1 2 3 0 R 4]").unwrap();
        let a = o.as_array().unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(a[2].value, Value::Ref(ObjRef::new(3, 0)));
        assert!(parse("1.2.3").is_err());
        assert!(parse("abc").is_err());
    }

    #[test]
    fn strings_names_and_spans() {
        let o =
            parse("<< /Contents <30 82 0A f> /N (a\\(b\\)\\101\\\n(c)) /K#20x 1 /T <> >>").unwrap();
        let d = o.as_dict().unwrap();
        let c = d.get("Contents").unwrap();
        assert_eq!(c.as_string().unwrap().bytes, vec![0x30, 0x82, 0x0a, 0xf0]);
        assert_eq!(c.span, Some(Span { start: 13, end: 25 }));
        assert_eq!(d.get("N").unwrap().as_string().unwrap().bytes, b"a(b)A(c)");
        assert!(d.get("K x").is_some());
        assert_eq!(o.span, Some(Span { start: 0, end: 64 }));
        assert!(parse("<12 zz>").is_err());
        assert!(parse("(unterminated").is_err());
        assert!(parse("<< /A >>").is_err());
        assert!(parse("<< /A 1").is_err());
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let o = parse("<< /A 1 /A 2 >>").unwrap();
        let d = o.as_dict().unwrap();
        assert_eq!(d.int("A"), Some(2));
        assert!(d.has_duplicate_keys());
    }

    #[test]
    fn nesting_bomb_is_refused() {
        let deep = "[".repeat(100_000);
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.code(), "PDF_TOO_DEEP", "{e}");
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(&ok).is_ok());
        let over = format!("{}1{}", "<< /A ".repeat(65), ">>".repeat(65));
        assert_eq!(parse(&over).unwrap_err().code(), "PDF_TOO_DEEP");
    }

    #[test]
    fn long_strings_and_names_are_refused() {
        let limits = Limits {
            max_string_len: 4,
            max_name_len: 3,
            ..Limits::default()
        };
        let p = |s: &str| Parser::new(s.as_bytes(), 0, true, &limits).object(0);
        assert!(p("(abcd)").is_ok());
        assert_eq!(p("(abcde)").unwrap_err().code(), "PDF_TOO_LONG");
        assert_eq!(p("<0102030405>").unwrap_err().code(), "PDF_TOO_LONG");
        assert_eq!(p("/Abcd").unwrap_err().code(), "PDF_TOO_LONG");
    }

    #[test]
    fn text_strings() {
        use super::super::object::text_string;
        assert_eq!(text_string(b"\xfe\xff\x00A\x1e\xa1"), "A\u{1ea1}");
        assert_eq!(text_string(b"Ng\xe0y"), "Ngày");
        assert_eq!(text_string(b"\xef\xbb\xbfK\xc3\xbd"), "Ký");
    }
}
