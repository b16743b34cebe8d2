//! The appearance of a visible signature: the PDF objects that draw a signature block (the
//! signer's name, organisation and signing time, an optional PNG of a seal or handwritten
//! signature) inside the rectangle of a signature field's widget.
//!
//! A signature field (ISO 32000-1 §12.7.4.5) is shown through its widget annotation's
//! appearance stream (§12.5.5): the normal appearance `/AP << /N form >>` is a form XObject
//! (§8.10) whose /BBox is the widget's rectangle moved to the origin. [`build_appearance`]
//! returns that form and every object it needs, numbered for the signer's incremental update:
//!
//! * the text: a Type0 font with the Identity-H encoding over a CIDFontType2 descendant
//!   (§9.7.4, §9.7.5) whose /CIDToGIDMap is /Identity, its /W widths (§9.7.4.3) for the glyphs
//!   drawn, a font descriptor (§9.8) with the glyphs as a subset TrueType program in
//!   /FontFile2 (§9.9), named with a six-letter subset tag (§9.6.4), and a /ToUnicode CMap
//!   (§9.10.3) so the text can be searched and copied. The font is DejaVu Sans, embedded in
//!   kyso (`assets/fonts/`), so nothing is needed at run time and every Vietnamese letter is
//!   there; text is normalised to NFC first (Vietnamese typed with combining tone marks
//!   becomes the precomposed letters), and a character the font lacks is an error that names
//!   it, never an empty box;
//! * the image: an image XObject (§8.9.5) in /DeviceRGB or /DeviceGray, 8 bits per
//!   component, FlateDecode, with a soft mask (/SMask, §11.6.5.3) for the PNG's alpha channel
//!   or transparent colour, so a seal's background stays transparent;
//! * the layout: the image at the left, scaled to the rectangle's height with its aspect
//!   ratio kept and at most 40% of the width; the lines to its right, one per entry, at the
//!   largest font size up to 10 pt that fits the widest line and all lines (4 pt at least,
//!   below that an error that says how large the rectangle must be).
//!
//! Text is drawn glyph by glyph with the font's advance widths: no kerning, ligatures or
//! complex shaping, which Vietnamese in precomposed form does not need.
//!
//! Hostile or careless input is bounded ([`MAX_LINES`], [`MAX_LINE_CHARS`], the PNG limits in
//! `image.rs`): nothing here panics or allocates what the input merely claims.

pub(crate) mod font;
mod image;
#[cfg(test)]
mod tests;

use super::error::{PdfError, Result};

/// Text lines a block draws: 16. A block has three or four (signer, organisation, time,
/// perhaps a reason or location); more would be unreadable at 4 pt in a real rectangle.
pub(crate) const MAX_LINES: usize = 16;
/// Characters in one line, after NFC normalisation: 200, several times the longest agency
/// name ("Cơ quan: ỦY BAN NHÂN DÂN ..." runs to about 80).
pub(crate) const MAX_LINE_CHARS: usize = 200;
/// Bytes of one line before normalisation: 200 characters of up to three code points each
/// (a base letter, a horn or breve, a tone mark) of up to 4 bytes, rounded up.
const MAX_LINE_BYTES: usize = 4096;

/// Font sizes in points: the largest (a signature block is small print beside the body
/// text, usually 13-14 pt in Decree 30 documents) and the smallest that stays legible when
/// printed.
const MAX_FONT_SIZE: f64 = 10.0;
const MIN_FONT_SIZE: f64 = 4.0;
/// Space kept free along the rectangle's edges, and between the image and the text, in pt.
const PADDING: f64 = 2.0;
const GAP: f64 = 3.0;
/// Distance between baselines, as a multiple of the font size (DejaVu Sans's ascender and
/// descender span 1.16 em; the rest is space between lines).
const LEADING: f64 = 1.25;
/// The image takes at most this share of the rectangle's width.
const IMAGE_MAX_SHARE: f64 = 0.4;
/// The largest width or height of a rectangle: ISO 32000-1 Annex C's largest page,
/// 14,400 units (200 in).
const MAX_RECT: f64 = 14_400.0;

/// What the block shows. Rectangle size in PDF points (1/72 in).
pub(crate) struct AppearanceSpec<'a> {
    pub(crate) width: f64,
    pub(crate) height: f64,
    /// Text lines, top to bottom, UTF-8 (Vietnamese: "Ký bởi: NGUYỄN VĂN AN",
    /// "Cơ quan: SỞ TƯ PHÁP TỈNH BẮC NINH", "Thời gian ký: 02/12/2026 19:20:05 +07:00").
    pub(crate) lines: &'a [String],
    /// A PNG (seal, handwritten signature), drawn at the left, aspect ratio kept.
    pub(crate) image: Option<&'a [u8]>,
}

/// The objects to write into the PDF's incremental update.
#[derive(Debug)]
pub(crate) struct AppearanceObjects {
    /// Object number of the form XObject that is the widget's /AP << /N ... >>.
    pub(crate) form: u32,
    /// Every new object: (object number, the bytes that go between "N 0 obj\n" and
    /// "\nendobj\n" — a dictionary or a complete `<<...>>\nstream\r\n...\r\nendstream`).
    pub(crate) objects: Vec<(u32, Vec<u8>)>,
}

/// Build the objects, numbering them from `*next_num` (incremented past the last one used).
///
/// The form XObject comes first (`form == *next_num` on entry), then the font's five objects
/// (when there is text) and the image's one or two (when there is an image). On an error
/// `*next_num` is left unchanged. The output depends only on the spec: the same block gives
/// the same bytes, subset tag included.
pub(crate) fn build_appearance(
    spec: &AppearanceSpec<'_>,
    next_num: &mut u32,
) -> Result<AppearanceObjects> {
    let size = format!("{} x {}", num(spec.width), num(spec.height));
    let usable = |v: f64| v > 0.0 && v <= MAX_RECT; // false for NaN
    if !usable(spec.width) || !usable(spec.height) {
        return Err(PdfError::AppearanceRect { size });
    }
    let text = font::Text::new(spec.lines)?;
    let image = spec.image.map(image::decode_png).transpose()?;
    // Lines that are all empty draw nothing: no font is written for them.
    let has_text = !text.used.is_empty();
    if !has_text && image.is_none() {
        return Err(PdfError::AppearanceEmpty);
    }
    let widths = text.line_widths();
    let layout = Layout::new(
        spec.width,
        spec.height,
        image.as_ref().map(|i| (i.width, i.height)),
        if has_text { &widths } else { &[] },
        text.metrics,
    )
    .map_err(|need| PdfError::AppearanceTooSmall {
        size,
        min_font_size: MIN_FONT_SIZE as u32,
        need_width: need.width,
        need_height: need.height,
    })?;

    let mut numbers = Numbers { next: *next_num };
    let form = numbers.take()?;
    let mut objects = Vec::new();
    let font = if !has_text {
        None
    } else {
        Some(font::write_font(&text, &mut numbers, &mut objects)?)
    };
    let picture = match &image {
        Some(img) => Some(image::write_image(img, &mut numbers, &mut objects)?),
        None => None,
    };

    let content = content_stream(&layout, &text);
    let mut resources = String::new();
    if let Some(f) = font {
        resources.push_str(&format!("/Font << /F1 {f} 0 R >> "));
    }
    if let Some(i) = picture {
        resources.push_str(&format!("/XObject << /Im1 {i} 0 R >> "));
    }
    let dict = format!(
        "/Type /XObject /Subtype /Form /FormType 1 /BBox [0 0 {} {}] /Resources << {resources}>>",
        num(spec.width),
        num(spec.height)
    );
    objects.insert(0, (form, stream(&dict, &content)));
    *next_num = numbers.next;
    Ok(AppearanceObjects { form, objects })
}

/// Hands out consecutive object numbers.
pub(crate) struct Numbers {
    pub(crate) next: u32,
}

impl Numbers {
    pub(crate) fn take(&mut self) -> Result<u32> {
        let n = self.next;
        if n == 0 {
            return Err(PdfError::AppearanceObjectNumber { next: n });
        }
        self.next = n
            .checked_add(1)
            .ok_or(PdfError::AppearanceObjectNumber { next: n })?;
        Ok(n)
    }
}

/// A rectangle in the form's space, in points from its lower-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) width: f64,
    pub(super) height: f64,
}

/// Where things go in the block.
#[derive(Debug)]
pub(super) struct Layout {
    /// The font size in points (0 when there is no text).
    pub(super) font_size: f64,
    /// Where the image is drawn.
    pub(super) image: Option<Rect>,
    /// The space the text may use.
    pub(super) text_area: Rect,
    /// The x of every line's start and each line's baseline y, top line first.
    pub(super) text_x: f64,
    pub(super) baselines: Vec<f64>,
}

/// The smallest rectangle, in whole points, in which the text fits at [`MIN_FONT_SIZE`].
#[derive(Debug, PartialEq)]
pub(super) struct Need {
    pub(super) width: u32,
    pub(super) height: u32,
}

/// The font's vertical metrics, in em: ascent above and descent below the baseline (both
/// positive).
#[derive(Clone, Copy, Debug)]
pub(super) struct Metrics {
    pub(super) ascent: f64,
    pub(super) descent: f64,
}

impl Layout {
    /// Lay out a `width` x `height` block with an image of `image` pixels and lines
    /// `line_widths` em wide (their advance widths at a 1 pt font size).
    pub(super) fn new(
        width: f64,
        height: f64,
        image: Option<(u32, u32)>,
        line_widths: &[f64],
        metrics: Metrics,
    ) -> std::result::Result<Layout, Need> {
        let inner_height = height - 2.0 * PADDING;
        // The image's width per point of height.
        let aspect = image.map(|(w, h)| f64::from(w) / f64::from(h.max(1)));
        let image_rect = aspect.map(|a| {
            let h = inner_height.max(0.0);
            let w = (a * h).min(IMAGE_MAX_SHARE * width);
            let h = if a > 0.0 { w / a } else { 0.0 };
            Rect {
                x: PADDING,
                y: (height - h) / 2.0,
                width: w,
                height: h,
            }
        });
        let text_x = match image_rect {
            Some(r) => PADDING + r.width + GAP,
            None => PADDING,
        };
        let text_area = Rect {
            x: text_x,
            y: PADDING,
            width: width - PADDING - text_x,
            height: inner_height,
        };
        let lines = line_widths.len() as f64;
        let widest = line_widths.iter().copied().fold(0.0, f64::max);
        let fits = |size: f64| {
            size >= MIN_FONT_SIZE
                && widest * size <= text_area.width + 1e-9
                && lines * LEADING * size <= text_area.height + 1e-9
        };
        let mut font_size = 0.0;
        if !line_widths.is_empty() {
            let by_width = if widest > 0.0 {
                text_area.width / widest
            } else {
                MAX_FONT_SIZE
            };
            let by_height = text_area.height / (lines * LEADING);
            // Down to a tenth of a point, so the numbers in the content stream stay short.
            font_size = (by_width.min(by_height).min(MAX_FONT_SIZE) * 10.0 + 1e-9).floor() / 10.0;
            if !fits(font_size) {
                return Err(Layout::need(width, height, aspect, widest, lines));
            }
        } else if inner_height <= 0.0 || width <= 2.0 * PADDING {
            return Err(Layout::need(width, height, aspect, 0.0, 0.0));
        }
        // The lines as one block, centred vertically in the text area; each baseline placed
        // so the glyphs' ascent and descent sit in the middle of their line's height.
        let block = lines * LEADING * font_size;
        let top = height - PADDING - (text_area.height - block) / 2.0;
        let first = (LEADING + metrics.ascent - metrics.descent) / 2.0;
        let baselines = (0..line_widths.len())
            .map(|i| top - font_size * (LEADING * i as f64 + first))
            .collect();
        Ok(Layout {
            font_size,
            image: image_rect,
            text_area,
            text_x,
            baselines,
        })
    }

    /// The smallest rectangle that holds `lines` lines `widest` em wide at the minimum font
    /// size beside an image of `aspect` (width / height).
    fn need(width: f64, height: f64, aspect: Option<f64>, widest: f64, lines: f64) -> Need {
        let text_height = MIN_FONT_SIZE * LEADING * lines;
        let need_height = (text_height + 2.0 * PADDING)
            .max(height)
            .max(2.0 * PADDING + 1.0);
        let text_width = (MIN_FONT_SIZE * widest).max(1.0);
        let need_width = match aspect {
            None => text_width + 2.0 * PADDING,
            Some(a) => {
                // The image is min(a * H, 40% of the width) wide, so the text gets
                // max(w - a * H, 60% of w) - padding - gap: enough when either is.
                let t = text_width + 2.0 * PADDING + GAP;
                (t + a * (need_height - 2.0 * PADDING)).min(t / (1.0 - IMAGE_MAX_SHARE))
            }
        }
        .max(width);
        // Whole points, rounded up (less a hair, so float noise in an exact size does not
        // ask for a point more).
        let up = |v: f64| (v - 1e-6).ceil().min(f64::from(u32::MAX)) as u32;
        Need {
            width: up(need_width),
            height: up(need_height),
        }
    }
}

/// The form's content stream (§8.10.1): the image, then the text, each in its own q/Q.
fn content_stream(layout: &Layout, text: &font::Text) -> Vec<u8> {
    let mut s = String::from("q\n");
    if let Some(r) = layout.image {
        s.push_str(&format!(
            "q {} 0 0 {} {} {} cm /Im1 Do Q\n",
            num(r.width),
            num(r.height),
            num(r.x),
            num(r.y)
        ));
    }
    if !text.used.is_empty() {
        s.push_str(&format!("BT\n/F1 {} Tf\n0 g\n", num(layout.font_size)));
        for (line, y) in text.lines.iter().zip(&layout.baselines) {
            if line.is_empty() {
                continue;
            }
            s.push_str(&format!("1 0 0 1 {} {} Tm\n<", num(layout.text_x), num(*y)));
            for g in line {
                s.push_str(&format!("{:04X}", g.cid));
            }
            s.push_str("> Tj\n");
        }
        s.push_str("ET\n");
    }
    s.push('Q');
    s.into_bytes()
}

/// A stream object's bytes: the dictionary entries plus /Length, then the data (§7.3.8.1).
pub(crate) fn stream(entries: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {entries} /Length {} >>\nstream\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\nendstream");
    out
}

/// zlib-compressed bytes (RFC 1950), what FlateDecode decodes (§7.4.4).
pub(crate) fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data)
        .and_then(|()| z.finish())
        .map_err(|e| PdfError::structure(format!("compressing a stream in memory failed: {e}")))
}

/// A number as a PDF real (§7.3.3): at most three decimals, no exponent, no trailing zeros.
pub(crate) fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "-0" | "" => "0".to_string(),
        s => s.to_string(),
    }
}
