//! The block's text: characters to glyphs of the embedded DejaVu Sans, and the PDF font that
//! draws them, a Type0 font over a CIDFontType2 with a subset of the TrueType program
//! (ISO 32000-1 §9.6.4, §9.7.4-§9.7.6, §9.8, §9.9, §9.10.3).

use subsetter::GlyphRemapper;
use unicode_normalization::UnicodeNormalization;

use super::super::error::{PdfError, Result};
use super::{deflate, num, stream, Metrics, Numbers, MAX_LINES, MAX_LINE_BYTES, MAX_LINE_CHARS};

/// DejaVu Sans 2.37 (Debian fonts-dejavu-core; `assets/fonts/README.md` says where it came
/// from and `assets/fonts/LICENSE` is its licence).
pub(super) static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// Its PostScript name (the name table's ID 6), the /BaseFont after the subset tag.
pub(super) const BASE_FONT: &str = "DejaVuSans";

/// One glyph drawn: its CID (the glyph's id in the subset font) and its advance width in
/// thousandths of an em, the unit of /W (§9.7.4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Glyph {
    pub(crate) cid: u16,
    pub(super) width: u32,
}

/// A glyph of the full font the block uses, in CID order.
#[derive(Clone, Copy, Debug)]
pub(super) struct Used {
    /// Its id in the full font.
    pub(super) gid: u16,
    /// The first character drawn with it, what /ToUnicode maps it back to. (Were two
    /// characters of one block drawn with one glyph, the second would be extracted as the
    /// first; DejaVu Sans gives even look-alikes such as Đ U+0110 and Ð U+00D0 their own.)
    pub(super) ch: char,
    pub(super) width: u32,
}

/// The lines as glyphs, and the glyphs the subset must keep.
pub(crate) struct Text {
    pub(crate) lines: Vec<Vec<Glyph>>,
    /// `used[i]` has CID `i + 1` (CID 0 is .notdef).
    pub(super) used: Vec<Used>,
    /// Old glyph id to new, as the subsetter numbers the subset's glyphs.
    pub(super) remapper: GlyphRemapper,
    pub(super) metrics: Metrics,
}

pub(crate) fn face() -> Result<ttf_parser::Face<'static>> {
    ttf_parser::Face::parse(FONT, 0).map_err(|e| PdfError::AppearanceFont {
        what: format!("ttf-parser cannot read it: {e}"),
    })
}

impl Text {
    /// Normalise each line to NFC and map every character to a glyph of the font.
    pub(crate) fn new(lines: &[String]) -> Result<Text> {
        if lines.len() > MAX_LINES {
            return Err(PdfError::AppearanceTooManyLines {
                count: lines.len(),
                limit: MAX_LINES,
            });
        }
        let face = face()?;
        let per_em = f64::from(face.units_per_em().max(1));
        let mut remapper = GlyphRemapper::new();
        let mut used: Vec<Used> = Vec::new();
        let mut out = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            let number = i + 1;
            let too_long = |chars: usize| PdfError::AppearanceLineTooLong {
                line: number,
                chars,
                limit: MAX_LINE_CHARS,
            };
            if line.len() > MAX_LINE_BYTES {
                return Err(too_long(line.chars().count()));
            }
            // Vietnamese typed as base letter + combining marks (U+0300, U+0301, U+0303,
            // U+0309, U+0323, U+031B) composes to the precomposed letters (UAX #15).
            let chars: Vec<char> = line.nfc().collect();
            if chars.len() > MAX_LINE_CHARS {
                return Err(too_long(chars.len()));
            }
            let mut glyphs = Vec::with_capacity(chars.len());
            for ch in chars {
                let refuse = |why| PdfError::AppearanceCharacter {
                    line: number,
                    ch,
                    why,
                };
                if ch.is_control() {
                    return Err(refuse("is a control character"));
                }
                let gid = face
                    .glyph_index(ch)
                    .filter(|g| g.0 != 0)
                    .ok_or_else(|| refuse("has no glyph in the signature font (DejaVu Sans)"))?;
                let known = remapper.num_gids();
                let cid = remapper.remap(gid.0);
                if cid == known {
                    let advance = face.glyph_hor_advance(gid).unwrap_or(0);
                    used.push(Used {
                        gid: gid.0,
                        ch,
                        width: (f64::from(advance) * 1000.0 / per_em).round() as u32,
                    });
                }
                let width = used
                    .get(usize::from(cid).wrapping_sub(1))
                    .map_or(0, |u| u.width);
                glyphs.push(Glyph { cid, width });
            }
            out.push(glyphs);
        }
        Ok(Text {
            lines: out,
            used,
            remapper,
            metrics: Metrics {
                ascent: f64::from(face.ascender()) / per_em,
                descent: -f64::from(face.descender()) / per_em,
            },
        })
    }

    /// Each line's width at a font size of 1 pt.
    pub(super) fn line_widths(&self) -> Vec<f64> {
        self.lines
            .iter()
            .map(|l| l.iter().map(|g| f64::from(g.width)).sum::<f64>() / 1000.0)
            .collect()
    }
}

/// The subset font program: the glyphs `text` uses (plus .notdef and the components of
/// composite glyphs), renumbered as `text.remapper` says, with no cmap (the PDF's CIDs are
/// its glyph ids).
pub(super) fn subset(text: &Text) -> Result<Vec<u8>> {
    subsetter::subset(FONT, 0, &text.remapper).map_err(|e| PdfError::AppearanceFont {
        what: format!("subsetting failed: {e}"),
    })
}

/// Write the font's objects: the Type0 font (returned, for the form's /Resources), its
/// CIDFontType2 descendant, the font descriptor, the subset program and the /ToUnicode CMap.
pub(crate) fn write_font(
    text: &Text,
    numbers: &mut Numbers,
    objects: &mut Vec<(u32, Vec<u8>)>,
) -> Result<u32> {
    let face = face()?;
    let program = subset(text)?;
    let name = format!("{}+{BASE_FONT}", subset_tag(&text.used));
    let type0 = numbers.take()?;
    let cid_font = numbers.take()?;
    let descriptor = numbers.take()?;
    let file = numbers.take()?;
    let to_unicode = numbers.take()?;

    // §9.7.6.1: a Type0 font with Identity-H maps each 2-byte code to the same CID.
    objects.push((
        type0,
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
             /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
        )
        .into_bytes(),
    ));
    // §9.7.4: the CIDs are the subset's glyph ids (/CIDToGIDMap /Identity), so /W lists
    // the used glyphs' widths from CID 1 on.
    let widths: Vec<String> = text.used.iter().map(|u| u.width.to_string()).collect();
    objects.push((
        cid_font,
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor {descriptor} 0 R /DW 1000 /W [1 [{}]] /CIDToGIDMap /Identity >>",
            widths.join(" ")
        )
        .into_bytes(),
    ));
    // §9.8: metrics in thousandths of an em. Flags 4 (Symbolic): the font has glyphs outside
    // the Adobe standard Latin set, as every Vietnamese letter with a tone mark is. TrueType
    // has no stem width; 80 is the usual stand-in for a regular weight.
    let per_em = f64::from(face.units_per_em().max(1));
    let scale = |v: i16| num((f64::from(v) * 1000.0 / per_em).round());
    let bbox = face.global_bounding_box();
    let cap_height = face.capital_height().unwrap_or(face.ascender());
    objects.push((
        descriptor,
        format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 4 /FontBBox [{} {} {} {}] \
             /ItalicAngle {} /Ascent {} /Descent {} /CapHeight {} /StemV 80 \
             /FontFile2 {file} 0 R >>",
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
            num(f64::from(face.italic_angle())),
            scale(face.ascender()),
            scale(face.descender()),
            scale(cap_height),
        )
        .into_bytes(),
    ));
    // §9.9: /Length1 is the length of the program before compression.
    objects.push((
        file,
        stream(
            &format!("/Length1 {} /Filter /FlateDecode", program.len()),
            &deflate(&program)?,
        ),
    ));
    objects.push((to_unicode, stream("", &to_unicode_cmap(&text.used))));
    Ok(type0)
}

/// The subset tag of §9.6.4: six upper-case letters, here derived from the glyphs kept
/// (FNV-1a), so the same block gives the same bytes and different subsets in one document
/// get different names.
pub(super) fn subset_tag(used: &[Used]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for u in used {
        for b in u.gid.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (h % 26) as u8);
            h /= 26;
            c
        })
        .collect()
}

/// A ToUnicode CMap (§9.10.3; Adobe Technical Note #5411): each CID back to its character in
/// UTF-16BE, at most 100 entries per bfchar block.
pub(super) fn to_unicode_cmap(used: &[Used]) -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(usize, char)> = used
        .iter()
        .enumerate()
        .map(|(i, u)| (i + 1, u.ch))
        .collect();
    for block in entries.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", block.len()));
        for (cid, ch) in block {
            let mut units = [0u16; 2];
            let utf16: String = ch
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            s.push_str(&format!("<{cid:04X}> <{utf16}>\n"));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend");
    s.into_bytes()
}
