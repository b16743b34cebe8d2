//! Stream filters (ISO 32000-1 §7.4): FlateDecode with the PNG predictors of §7.4.4.4, the
//! one filter cross-reference streams, object streams and signature data use in practice.
//! Output is capped before it is allocated.

use std::io::Read;

use super::error::{PdfError, Result};
use super::object::{Dict, Object, Value};

/// The filters and their parameters of a stream dictionary (§7.3.8.2: /Filter a name or an
/// array, /DecodeParms a dictionary, null or an array of them).
fn filters(dict: &Dict) -> Result<Vec<(String, Option<&Dict>)>> {
    let names: Vec<&Object> = match dict.get("Filter") {
        None => return Ok(Vec::new()),
        Some(o) => match &o.value {
            Value::Array(a) => a.iter().collect(),
            Value::Null => return Ok(Vec::new()),
            _ => vec![o],
        },
    };
    let params: Vec<Option<&Dict>> = match dict.get("DecodeParms").map(|o| &o.value) {
        Some(Value::Array(a)) => a.iter().map(Object::as_dict).collect(),
        Some(Value::Dict(d)) => vec![Some(d)],
        _ => Vec::new(),
    };
    names
        .iter()
        .enumerate()
        .map(|(i, o)| match o.as_name() {
            Some(n) => Ok((n.text(), params.get(i).copied().flatten())),
            None => Err(PdfError::structure(format!(
                "a stream's /Filter is {}, not a name",
                o.type_name()
            ))),
        })
        .collect()
}

/// Decode `raw` (the data of the stream at file offset `offset`) through its filters,
/// producing at most `limit` bytes. `limit_what` and `limit_field` name the limit in the
/// error when it is reached.
pub(crate) fn decode(
    raw: &[u8],
    dict: &Dict,
    offset: usize,
    limit: u64,
    limit_what: &'static str,
    limit_field: &'static str,
) -> Result<Vec<u8>> {
    let over = || PdfError::DecodeLimit {
        limit,
        what: limit_what,
        field: limit_field,
    };
    let mut data: Vec<u8> = Vec::new();
    let mut first = true;
    for (name, params) in filters(dict)? {
        let input: &[u8] = if first { raw } else { &data };
        let out = match name.as_str() {
            "FlateDecode" | "Fl" => {
                let inflated = inflate(input, offset, limit).map_err(|e| match e {
                    InflateError::Limit => over(),
                    InflateError::Corrupt(what) => PdfError::Decode {
                        offset: offset as u64,
                        what,
                    },
                })?;
                predict(inflated, params, offset)?
            }
            other => {
                return Err(PdfError::UnsupportedFilter {
                    filter: other.to_string(),
                })
            }
        };
        data = out;
        first = false;
    }
    if first {
        if raw.len() as u64 > limit {
            return Err(over());
        }
        data = raw.to_vec();
    }
    Ok(data)
}

enum InflateError {
    Limit,
    Corrupt(String),
}

/// zlib (RFC 1950) inflate, reading at most `limit + 1` bytes of output so a small stream that
/// inflates to gigabytes stops at the limit.
fn inflate(input: &[u8], _offset: usize, limit: u64) -> std::result::Result<Vec<u8>, InflateError> {
    let mut out = Vec::new();
    let mut dec = flate2::read::ZlibDecoder::new(input).take(limit.saturating_add(1));
    dec.read_to_end(&mut out)
        .map_err(|e| InflateError::Corrupt(format!("FlateDecode: {e}")))?;
    if out.len() as u64 > limit {
        return Err(InflateError::Limit);
    }
    Ok(out)
}

/// Undo a /Predictor (§7.4.4.4, Table 8): 1 none, 10 to 15 PNG (each row says its own
/// algorithm, RFC 2083 §6); 2 (TIFF) is refused as unsupported.
fn predict(data: Vec<u8>, params: Option<&Dict>, offset: usize) -> Result<Vec<u8>> {
    let Some(p) = params else { return Ok(data) };
    let predictor = p.int("Predictor").unwrap_or(1);
    if predictor == 1 {
        return Ok(data);
    }
    if !(10..=15).contains(&predictor) {
        return Err(PdfError::UnsupportedFilter {
            filter: format!("FlateDecode with /Predictor {predictor}"),
        });
    }
    let bad = |what: String| PdfError::Decode {
        offset: offset as u64,
        what,
    };
    let get = |k: &str, default: i64, max: i64| -> Result<usize> {
        let v = p.int(k).unwrap_or(default);
        if !(1..=max).contains(&v) {
            return Err(bad(format!(
                "/DecodeParms /{k} {v} is out of range 1..{max}"
            )));
        }
        Ok(v as usize)
    };
    let colors = get("Colors", 1, 32)?;
    let bpc = get("BitsPerComponent", 8, 16)?;
    let columns = get("Columns", 1, 1 << 24)?;
    let bpp = (colors * bpc).div_ceil(8);
    // A row longer than the data is one short row: never allocate more than the data.
    let row = (colors * bpc * columns).div_ceil(8).min(data.len().max(1));
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    let mut cur = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let Some((&kind, bytes)) = chunk.split_first() else {
            break;
        };
        // A short last row is decoded as far as it goes, as zlib-based readers do.
        cur.iter_mut().for_each(|b| *b = 0);
        for (i, &x) in bytes.iter().enumerate() {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = match kind {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => x.wrapping_add(paeth(a, b, c)),
                k => return Err(bad(format!("PNG row filter type {k} (0 to 4 exist)"))),
            };
        }
        out.extend_from_slice(cur.get(..bytes.len()).unwrap_or_default());
        std::mem::swap(&mut prev, &mut cur);
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[cfg(test)]
mod tests {
    use super::super::object::Name;
    use super::*;

    fn dict(entries: Vec<(&str, Value)>) -> Dict {
        Dict {
            entries: entries
                .into_iter()
                .map(|(k, v)| (Name(k.as_bytes().to_vec()), Object::new(v, None)))
                .collect(),
        }
    }

    fn flate() -> Value {
        Value::Name(Name(b"FlateDecode".to_vec()))
    }

    #[test]
    fn flate_round_trip_and_bomb() {
        let d = dict(vec![("Filter", flate())]);
        let z = zlib(b"hello hello hello");
        assert_eq!(
            decode(&z, &d, 0, 100, "", "").unwrap(),
            b"hello hello hello"
        );
        // 16 MiB of zeros compress to about 16 KiB; the limit stops the inflate at 1 MiB.
        let bomb = zlib(&vec![0u8; 16 << 20]);
        assert!(bomb.len() < 64 << 10);
        let e = decode(&bomb, &d, 0, 1 << 20, "per stream", "max_stream_decoded").unwrap_err();
        assert_eq!(e.code(), "PDF_DECODE_LIMIT", "{e}");
        let e = decode(b"not zlib", &d, 7, 100, "", "").unwrap_err();
        assert_eq!(e.code(), "PDF_DECODE");
    }

    #[test]
    fn unsupported_filters_say_so() {
        let d = dict(vec![("Filter", Value::Name(Name(b"LZWDecode".to_vec())))]);
        let e = decode(b"x", &d, 0, 100, "", "").unwrap_err();
        assert_eq!(e.code(), "PDF_UNSUPPORTED_FILTER");
        assert!(e.to_string().contains("LZWDecode"), "{e}");
    }

    #[test]
    fn png_up_predictor() {
        // Two rows of 3 columns: row 1 "None" [1 2 3], row 2 "Up" [1 1 1] -> [2 3 4].
        let rows = [0u8, 1, 2, 3, 2, 1, 1, 1];
        let parms = dict(vec![
            ("Predictor", Value::Int(12)),
            ("Columns", Value::Int(3)),
        ]);
        let d = dict(vec![
            ("Filter", flate()),
            ("DecodeParms", Value::Dict(parms)),
        ]);
        assert_eq!(
            decode(&zlib(&rows), &d, 0, 100, "", "").unwrap(),
            vec![1, 2, 3, 2, 3, 4]
        );
        let parms = dict(vec![("Predictor", Value::Int(2))]);
        let d = dict(vec![
            ("Filter", flate()),
            ("DecodeParms", Value::Dict(parms)),
        ]);
        assert_eq!(
            decode(&zlib(&rows), &d, 0, 100, "", "").unwrap_err().code(),
            "PDF_UNSUPPORTED_FILTER"
        );
    }
}
