//! Cross-reference sections: classic tables (ISO 32000-1 §7.5.4) with their trailers (§7.5.5)
//! and cross-reference streams (§7.5.8), read exactly where an offset says, never searched for.

use std::collections::BTreeMap;

use super::error::{PdfError, Result};
use super::filter;
use super::object::{Dict, Object, Value};
use super::syntax::{read_indirect, Parser};
use super::Limits;

/// Where an object is, as one cross-reference entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A free entry (`f`, or type 0): the object does not exist; `gen` is the generation the
    /// entry gives (the next one to use).
    Free { gen: u16 },
    /// In use (`n`, or type 1): `num gen obj` at byte `offset` of the file.
    InFile { offset: usize, gen: u16 },
    /// Compressed (type 2): object number `index` of the object stream `stream` (§7.5.7);
    /// its generation is 0.
    InStream { stream: u32, index: u32 },
}

impl Entry {
    /// The generation the entry defines.
    pub(crate) fn gen(&self) -> u16 {
        match *self {
            Entry::Free { gen } | Entry::InFile { gen, .. } => gen,
            Entry::InStream { .. } => 0,
        }
    }
}

/// One cross-reference section and its trailer (for a stream, the stream's dictionary).
#[derive(Clone, Debug)]
pub(crate) struct Section {
    /// Where it starts (what `startxref`, /Prev or /XRefStm gave).
    pub(crate) offset: usize,
    /// A cross-reference stream rather than a table.
    pub(crate) is_stream: bool,
    pub(crate) trailer: Dict,
    pub(crate) entries: BTreeMap<u32, Entry>,
    /// Just after the trailer dictionary, or after the stream's `endobj`.
    pub(crate) end: usize,
}

/// Counts what a document's sections hold against the limits.
pub(crate) struct Budget {
    pub(crate) objects: usize,
    pub(crate) decoded: u64,
}

impl Budget {
    fn add_object(&mut self, limits: &Limits) -> Result<()> {
        self.objects += 1;
        if self.objects > limits.max_objects {
            return Err(PdfError::TooManyObjects {
                limit: limits.max_objects,
            });
        }
        Ok(())
    }
}

fn bad(offset: usize, from: &'static str, what: impl Into<String>) -> PdfError {
    PdfError::BadXrefOffset {
        offset: offset as u64,
        from,
        what: what.into(),
    }
}

/// Read the section at `offset`: a table when `xref` is there, else a cross-reference stream.
pub(crate) fn read_section(
    bytes: &[u8],
    offset: usize,
    from: &'static str,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Section> {
    if offset >= bytes.len() {
        return Err(bad(
            offset,
            from,
            format!(
                "the offset is past the end of the file ({} bytes)",
                bytes.len()
            ),
        ));
    }
    let mut p = Parser::new(bytes, offset, true, limits);
    if p.keyword(b"xref") {
        read_table(bytes, offset, p, from, limits, budget)
    } else {
        read_stream(bytes, offset, from, limits, budget)
    }
}

/// A classic table (§7.5.4): subsections `first count` of `offset gen n|f` entries, then
/// `trailer` and its dictionary. Entries are read token by token, so the common deviations
/// in end-of-line bytes do not matter; their values are taken as written.
fn read_table(
    bytes: &[u8],
    offset: usize,
    mut p: Parser<'_, '_>,
    from: &'static str,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Section> {
    let mut entries = BTreeMap::new();
    loop {
        if p.keyword(b"trailer") {
            break;
        }
        let at = p.pos;
        let (Some(first), Some(count)) = (p.unsigned(), p.unsigned()) else {
            p.skip_ws();
            if p.pos >= bytes.len() {
                return Err(PdfError::Truncated {
                    offset: p.pos as u64,
                    what: "a cross-reference table",
                });
            }
            return Err(PdfError::syntax(
                at,
                "expected a subsection 'first count' or 'trailer' in the cross-reference table",
            ));
        };
        for i in 0..count {
            let at = p.pos;
            let (Some(off), Some(gen)) = (p.unsigned(), p.unsigned()) else {
                return Err(PdfError::syntax(
                    at,
                    format!("cross-reference entry {i} of subsection {first} {count} is not 'offset gen n|f'"),
                ));
            };
            let in_use = if p.keyword(b"n") {
                true
            } else if p.keyword(b"f") {
                false
            } else {
                return Err(PdfError::syntax(
                    p.pos,
                    "a cross-reference entry must end with 'n' or 'f'",
                ));
            };
            budget.add_object(limits)?;
            let num = first
                .checked_add(i)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| PdfError::syntax(at, "object number too large"))?;
            let gen = u16::try_from(gen)
                .map_err(|_| PdfError::syntax(at, format!("generation {gen} is over 65535")))?;
            let entry = if in_use {
                let offset =
                    usize::try_from(off).map_err(|_| PdfError::syntax(at, "offset too large"))?;
                Entry::InFile { offset, gen }
            } else {
                Entry::Free { gen }
            };
            // Within one section the first entry for a number counts.
            entries.entry(num).or_insert(entry);
        }
    }
    p.skip_ws();
    let at = p.pos;
    let trailer = match p.object(0) {
        Ok(Object {
            value: Value::Dict(d),
            ..
        }) => d,
        Ok(o) => {
            return Err(PdfError::syntax(
                at,
                format!("the trailer is {}, not a dictionary", o.type_name()),
            ))
        }
        Err(e) => return Err(e),
    };
    let _ = from;
    Ok(Section {
        offset,
        is_stream: false,
        trailer,
        entries,
        end: p.pos,
    })
}

/// A cross-reference stream (§7.5.8): an indirect stream object with /Type /XRef whose
/// dictionary entries are direct (§7.5.8.2), /W field widths, /Index subsections.
fn read_stream(
    bytes: &[u8],
    offset: usize,
    from: &'static str,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Section> {
    let mut direct = |o: &Object| match o.value {
        Value::Int(i) => Ok(i),
        _ => Err(PdfError::StreamLength {
            offset: offset as u64,
            what: format!(
                "/Length of a cross-reference stream is {}; it must be a direct integer (§7.5.8.2)",
                o.type_name()
            ),
        }),
    };
    let ind = match read_indirect(bytes, offset, limits, &mut direct) {
        Ok(i) => i,
        Err(e @ PdfError::StreamLength { .. }) => return Err(e),
        Err(e) => {
            return Err(bad(
                offset,
                from,
                format!("neither 'xref' nor a cross-reference stream: {e}"),
            ))
        }
    };
    let Some(stream) = ind.object.as_stream() else {
        return Err(bad(
            offset,
            from,
            format!(
                "object {} there is {}, not a cross-reference stream",
                ind.reference,
                ind.object.type_name()
            ),
        ));
    };
    let dict = &stream.dict;
    if !dict.is_type("XRef") {
        return Err(bad(
            offset,
            from,
            format!(
                "object {} there is a stream without /Type /XRef",
                ind.reference
            ),
        ));
    }
    let sbad = |what: String| {
        PdfError::structure(format!("cross-reference stream at offset {offset}: {what}"))
    };
    let size = dict
        .int("Size")
        .filter(|&s| s >= 0)
        .ok_or_else(|| sbad("no valid /Size".into()))?;
    if size as u64 > limits.max_objects as u64 {
        return Err(PdfError::TooManyObjects {
            limit: limits.max_objects,
        });
    }
    let w: Vec<usize> = dict
        .get("W")
        .and_then(Object::as_array)
        .map(|a| a.iter().filter_map(Object::as_int).collect::<Vec<_>>())
        .filter(|v| v.len() == 3 && v.iter().all(|&x| (0..=8).contains(&x)))
        .ok_or_else(|| sbad("/W must be an array of three integers 0 to 8".into()))?
        .into_iter()
        .map(|x| x as usize)
        .collect();
    let row: usize = w.iter().sum();
    if row == 0 {
        return Err(sbad("/W is [0 0 0]".into()));
    }
    let index: Vec<(u64, u64)> = match dict.get("Index") {
        None => vec![(0, size as u64)],
        Some(o) => {
            let a = o
                .as_array()
                .ok_or_else(|| sbad("/Index is not an array".into()))?;
            let nums: Vec<i64> = a.iter().filter_map(Object::as_int).collect();
            if nums.len() != a.len() || nums.len() % 2 != 0 || nums.iter().any(|&x| x < 0) {
                return Err(sbad("/Index must be pairs of non-negative integers".into()));
            }
            nums.chunks(2).map(|c| (c[0] as u64, c[1] as u64)).collect()
        }
    };
    let raw = bytes
        .get(stream.data.start..stream.data.end)
        .unwrap_or_default();
    let limit = limits
        .max_stream_decoded
        .min(limits.max_total_decoded.saturating_sub(budget.decoded));
    let data = filter::decode(
        raw,
        dict,
        offset,
        limit,
        "for a cross-reference stream",
        "max_stream_decoded",
    )?;
    budget.decoded += data.len() as u64;
    let field = |chunk: &[u8], from: usize, width: usize| -> u64 {
        chunk
            .get(from..from + width)
            .unwrap_or_default()
            .iter()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b))
    };
    let mut entries = BTreeMap::new();
    let mut rows = data.chunks_exact(row);
    for (first, count) in index {
        let needed = count.saturating_mul(row as u64);
        if needed > (rows.len() * row) as u64 {
            return Err(sbad(format!(
                "/Index asks for {count} entries from {first}, more than its data holds"
            )));
        }
        for i in 0..count {
            let Some(chunk) = rows.next() else { break };
            budget.add_object(limits)?;
            let num =
                u32::try_from(first + i).map_err(|_| sbad("object number too large".into()))?;
            // §7.5.8.3: a missing type field means type 1.
            let ty = if w[0] == 0 { 1 } else { field(chunk, 0, w[0]) };
            let f2 = field(chunk, w[0], w[1]);
            let f3 = field(chunk, w[0] + w[1], w[2]);
            let entry = match ty {
                0 => Entry::Free {
                    gen: u16::try_from(f3).unwrap_or(u16::MAX),
                },
                1 => Entry::InFile {
                    offset: usize::try_from(f2).map_err(|_| sbad("offset too large".into()))?,
                    gen: u16::try_from(f3).map_err(|_| {
                        sbad(format!("generation {f3} of object {num} is over 65535"))
                    })?,
                },
                2 => Entry::InStream {
                    stream: u32::try_from(f2)
                        .map_err(|_| sbad(format!("object stream number {f2} too large")))?,
                    index: u32::try_from(f3)
                        .map_err(|_| sbad(format!("object stream index {f3} too large")))?,
                },
                // Other types are reserved: a reference to them is a reference to null.
                _ => continue,
            };
            entries.entry(num).or_insert(entry);
        }
    }
    Ok(Section {
        offset,
        is_stream: true,
        trailer: dict.clone(),
        entries,
        end: ind.end,
    })
}
