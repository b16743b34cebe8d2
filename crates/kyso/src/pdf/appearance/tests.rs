//! Unit tests: the layout's numbers, every refusal, the subset font, the image planes and
//! the objects as the crate's own PDF reader reads them back. The rendering by real PDF tools
//! is in tests/pdf_appearance.rs.

use super::super::{Document, Limits, ObjRef, PdfError};
use super::font::{self, Text, BASE_FONT, FONT};
use super::image::{decode_png, MAX_SIDE};
use super::*;

/// The block the brief and issue 14 describe.
fn lines() -> Vec<String> {
    vec![
        "Ký bởi: NGUYỄN VĂN AN".to_string(),
        "Cơ quan: SỞ TƯ PHÁP TỈNH BẮC NINH".to_string(),
        "Thời gian ký: 02/12/2026 19:20:05 +07:00".to_string(),
    ]
}

const METRICS: Metrics = Metrics {
    ascent: 0.928,
    descent: 0.236,
};

/// A PNG from a pixel function, in the given colour type and bit depth.
fn png_image(
    width: u32,
    height: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    pixel: impl Fn(u32, u32) -> Vec<u8>,
) -> Vec<u8> {
    let mut data = Vec::new();
    for y in 0..height {
        for x in 0..width {
            data.extend(pixel(x, y));
        }
    }
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, width, height);
        e.set_color(color);
        e.set_depth(depth);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&data).unwrap();
    }
    out
}

/// A red disc on a transparent background, `size` pixels square.
fn red_disc(size: u32) -> Vec<u8> {
    let r = size as f64 / 2.0;
    png_image(
        size,
        size,
        png::ColorType::Rgba,
        png::BitDepth::Eight,
        |x, y| {
            let (dx, dy) = (x as f64 + 0.5 - r, y as f64 + 0.5 - r);
            if dx * dx + dy * dy <= r * r {
                vec![220, 20, 30, 255]
            } else {
                vec![0, 0, 0, 0]
            }
        },
    )
}

/// A PNG file holding only the signature and an IHDR chunk with the given header.
fn ihdr_only(width: u32, height: u32, depth: u8, color: u8) -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&width.to_be_bytes());
    chunk.extend_from_slice(&height.to_be_bytes());
    chunk.extend_from_slice(&[depth, color, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&chunk);
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

fn spec<'a>(
    width: f64,
    height: f64,
    lines: &'a [String],
    image: Option<&'a [u8]>,
) -> AppearanceSpec<'a> {
    AppearanceSpec {
        width,
        height,
        lines,
        image,
    }
}

fn build(spec: &AppearanceSpec<'_>) -> Result<AppearanceObjects> {
    let mut next = 10;
    build_appearance(spec, &mut next)
}

/// The objects in a one-revision PDF (no page: the reader only needs the catalog), read back
/// with the crate's reader.
fn as_pdf(objects: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut buf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = vec![(1u32, buf.len())];
    buf.extend_from_slice(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    for (n, body) in objects {
        offsets.push((*n, buf.len()));
        buf.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        buf.extend_from_slice(body);
        buf.extend_from_slice(b"\nendobj\n");
    }
    let size = offsets.iter().map(|(n, _)| n + 1).max().unwrap_or(2);
    let xref = buf.len();
    buf.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for n in 0..size {
        match offsets.iter().find(|(m, _)| *m == n) {
            Some((_, off)) => buf.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes()),
            None => buf.extend_from_slice(b"0000000000 65535 f\r\n"),
        }
    }
    buf.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    buf
}

fn text_of(spec: &AppearanceSpec<'_>) -> Text {
    Text::new(spec.lines).unwrap()
}

// ---- layout ----

#[test]
fn short_lines_get_the_largest_font_size() {
    let l = Layout::new(300.0, 80.0, None, &[1.0, 2.0, 3.0], METRICS).unwrap();
    assert_eq!(l.font_size, MAX_FONT_SIZE);
    assert_eq!(l.image, None);
    assert_eq!(l.text_x, PADDING);
    // Baselines top to bottom, one line height apart, inside the rectangle.
    assert_eq!(l.baselines.len(), 3);
    for w in l.baselines.windows(2) {
        assert!((w[0] - w[1] - LEADING * 10.0).abs() < 1e-9);
    }
    // The lines' ink (ascent of the first to descent of the last) centred in the rectangle.
    let above = 80.0 - (l.baselines[0] + METRICS.ascent * 10.0);
    let below = l.baselines[2] - METRICS.descent * 10.0;
    assert!(
        above >= PADDING && (above - below).abs() < 1e-9,
        "{above} {below}"
    );
}

#[test]
fn the_font_size_shrinks_for_a_long_line() {
    let t = text_of(&spec(0.0, 0.0, &lines(), None));
    let widths = t.line_widths();
    let short = Layout::new(400.0, 60.0, None, &widths, METRICS).unwrap();
    assert_eq!(short.font_size, 10.0);
    let mut long = lines();
    long[1] = "Cơ quan: ỦY BAN NHÂN DÂN TỈNH BẮC NINH - SỞ TƯ PHÁP - PHÒNG CÔNG CHỨNG SỐ 1".into();
    let t = text_of(&spec(0.0, 0.0, &long, None));
    let widths = t.line_widths();
    let l = Layout::new(400.0, 60.0, None, &widths, METRICS).unwrap();
    assert!(
        l.font_size < 10.0 && l.font_size >= MIN_FONT_SIZE,
        "{}",
        l.font_size
    );
    // The widest line fits the text area, and 0.1 pt more would not.
    let widest = widths.iter().copied().fold(0.0, f64::max);
    assert!(widest * l.font_size <= l.text_area.width);
    assert!(widest * (l.font_size + 0.1) > l.text_area.width);
}

#[test]
fn the_font_size_shrinks_for_many_lines() {
    // 6 lines in 46 pt of height: 46 / (6 x 1.25) = 6.13, down to the tenth: 6.1 pt.
    let l = Layout::new(400.0, 50.0, None, &[1.0; 6], METRICS).unwrap();
    assert_eq!(l.font_size, 6.1);
    // 8 lines would need 3.6 pt: below the minimum.
    let need = Layout::new(400.0, 40.0, None, &[1.0; 8], METRICS).unwrap_err();
    assert_eq!(
        need,
        Need {
            width: 400,
            height: 44
        }
    );
}

#[test]
fn a_square_image_takes_the_height() {
    let l = Layout::new(240.0, 60.0, Some((100, 100)), &[10.0], METRICS).unwrap();
    let r = l.image.unwrap();
    assert_eq!((r.x, r.width, r.height), (PADDING, 56.0, 56.0));
    assert_eq!(r.y, PADDING);
    assert_eq!(l.text_x, PADDING + 56.0 + GAP);
    assert_eq!(l.text_area.width, 240.0 - PADDING - l.text_x);
}

#[test]
fn the_image_width_is_capped_at_40_percent() {
    // A 4:1 signature image in a 200 x 60 rectangle would be 224 pt wide at full height.
    let l = Layout::new(200.0, 60.0, Some((400, 100)), &[5.0], METRICS).unwrap();
    let r = l.image.unwrap();
    assert!((r.width - 80.0).abs() < 1e-9, "{r:?}");
    // Aspect ratio kept, centred vertically.
    assert!((r.height - 20.0).abs() < 1e-9, "{r:?}");
    assert!((r.y - 20.0).abs() < 1e-9, "{r:?}");
    assert!((l.text_x - (PADDING + 80.0 + GAP)).abs() < 1e-9);
}

#[test]
fn a_too_small_rectangle_says_how_large_it_must_be() {
    let t = text_of(&spec(0.0, 0.0, &lines(), None));
    let widths = t.line_widths();
    let need = Layout::new(20.0, 8.0, None, &widths, METRICS).unwrap_err();
    assert!(need.width > 20 && need.height > 8, "{need:?}");
    // The size it asks for is enough, and a point less in either direction is not.
    let (w, h) = (f64::from(need.width), f64::from(need.height));
    let l = Layout::new(w, h, None, &widths, METRICS).unwrap();
    assert!(l.font_size >= MIN_FONT_SIZE);
    assert!(Layout::new(w - 1.0, h, None, &widths, METRICS).is_err());
    assert!(Layout::new(w, h - 1.0, None, &widths, METRICS).is_err());

    // With a square image the width needed includes the image.
    let need_img = Layout::new(20.0, 8.0, Some((10, 10)), &widths, METRICS).unwrap_err();
    let (w, h) = (f64::from(need_img.width), f64::from(need_img.height));
    assert!(w > f64::from(need.width));
    assert!(Layout::new(w, h, Some((10, 10)), &widths, METRICS).is_ok());
    assert!(Layout::new(w - 1.0, h, Some((10, 10)), &widths, METRICS).is_err());

    // Through the API: the error names the rectangle and the size needed.
    let e = build(&spec(20.0, 8.0, &lines(), None)).unwrap_err();
    assert_eq!(
        e,
        PdfError::AppearanceTooSmall {
            size: "20 x 8".into(),
            min_font_size: 4,
            need_width: need.width,
            need_height: need.height,
        }
    );
    let msg = e.to_string();
    assert!(msg.contains("20 x 8 pt is too small"), "{msg}");
    assert!(
        msg.contains(&format!("at least {} pt wide", need.width)),
        "{msg}"
    );
}

#[test]
fn rectangles_that_are_not_sizes_are_refused() {
    for (w, h) in [
        (0.0, 50.0),
        (100.0, -1.0),
        (f64::NAN, 50.0),
        (100.0, f64::INFINITY),
        (20_000.0, 50.0),
    ] {
        let e = build(&spec(w, h, &lines(), None)).unwrap_err();
        assert!(
            matches!(e, PdfError::AppearanceRect { .. }),
            "{w} {h}: {e:?}"
        );
    }
}

// ---- text ----

#[test]
fn every_vietnamese_letter_has_a_glyph() {
    let lower = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ\
                 pqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
    let all: String = lower
        .chars()
        .chain(lower.chars().flat_map(char::to_uppercase))
        .collect();
    assert_eq!(all.chars().count(), 2 * 89);
    let face = font::face().unwrap();
    for c in all.chars() {
        assert!(
            face.glyph_index(c).is_some_and(|g| g.0 != 0),
            "no glyph for {c}"
        );
    }
    // And the whole set goes through Text (one line of 178 characters).
    let t = Text::new(&[all]).unwrap();
    assert_eq!(t.lines[0].len(), 178);
}

#[test]
fn decomposed_text_is_composed_first() {
    // "Ký bởi" typed as y + U+0301 (acute) and o + U+031B (horn) + U+0309 (hook above).
    let decomposed = ["Ky\u{301} bo\u{31b}\u{309}i".to_string()];
    let composed = ["Ký bởi".to_string()];
    let a = Text::new(&decomposed).unwrap();
    let b = Text::new(&composed).unwrap();
    assert_eq!(a.lines, b.lines);
    assert_eq!(a.lines[0].len(), 6);
    let chars: String = a.used.iter().map(|u| u.ch).collect();
    assert_eq!(chars, "Ký bởi");
}

#[test]
fn a_character_without_a_glyph_is_named() {
    let lines = ["Ký bởi: AN".to_string(), "Cơ quan: 司法厅".to_string()];
    let e = Text::new(&lines).err().unwrap();
    assert_eq!(
        e,
        PdfError::AppearanceCharacter {
            line: 2,
            ch: '司',
            why: "has no glyph in the signature font (DejaVu Sans)"
        }
    );
    let msg = e.to_string();
    assert!(
        msg.contains("line 2") && msg.contains("'司' (U+53F8)"),
        "{msg}"
    );

    let tab = ["Ký\tbởi".to_string()];
    let e = build(&spec(200.0, 50.0, &tab, None)).unwrap_err();
    assert!(
        e.to_string()
            .contains("'\\t' (U+0009) is a control character"),
        "{e}"
    );
}

#[test]
fn too_much_text_is_refused() {
    let many = vec!["x".to_string(); MAX_LINES + 1];
    assert_eq!(
        build(&spec(400.0, 400.0, &many, None)).unwrap_err(),
        PdfError::AppearanceTooManyLines {
            count: 17,
            limit: 16
        }
    );
    let long = ["ư".repeat(MAX_LINE_CHARS + 1)];
    assert_eq!(
        build(&spec(14_000.0, 50.0, &long, None)).unwrap_err(),
        PdfError::AppearanceLineTooLong {
            line: 1,
            chars: 201,
            limit: 200
        }
    );
    // Counted after composition: 200 letters typed decomposed are 200 characters.
    let decomposed = ["u\u{31b}".repeat(MAX_LINE_CHARS)];
    assert!(Text::new(&decomposed).is_ok());
    // A line of megabytes is refused before it is normalised.
    let huge = ["a".repeat(1 << 20)];
    assert!(matches!(
        Text::new(&huge).err().unwrap(),
        PdfError::AppearanceLineTooLong { chars: 1048576, .. }
    ));
    assert_eq!(
        build(&spec(100.0, 50.0, &[], None)).unwrap_err(),
        PdfError::AppearanceEmpty
    );
    let blank = [String::new(), String::new()];
    assert_eq!(
        build(&spec(100.0, 50.0, &blank, None)).unwrap_err(),
        PdfError::AppearanceEmpty
    );
}

#[test]
fn the_subset_is_small_and_keeps_every_glyph_used() {
    let lines = lines();
    let t = Text::new(&lines).unwrap();
    let program = font::subset(&t).unwrap();
    // 740 KiB for the whole font; the block uses 38 glyphs.
    assert!(
        program.len() * 20 < FONT.len(),
        "subset {} of {}",
        program.len(),
        FONT.len()
    );
    let full = font::face().unwrap();
    let sub = ttf_parser::Face::parse(&program, 0).unwrap();
    assert_eq!(sub.units_per_em(), full.units_per_em());
    for line in &lines {
        for c in line.chars() {
            let old = full.glyph_index(c).unwrap();
            let new = ttf_parser::GlyphId(t.remapper.get(old.0).unwrap());
            // The CID written for c is the subset's glyph for c: same advance, same outline
            // box (a composite glyph's box is computed through its components).
            assert_eq!(
                sub.glyph_hor_advance(new),
                full.glyph_hor_advance(old),
                "{c}"
            );
            assert_eq!(
                sub.glyph_bounding_box(new),
                full.glyph_bounding_box(old),
                "{c}"
            );
            let cid = t.used.iter().position(|u| u.gid == old.0).unwrap() + 1;
            assert_eq!(usize::from(new.0), cid, "{c}");
        }
    }
}

#[test]
fn the_font_is_dejavu_sans() {
    let face = font::face().unwrap();
    let name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string());
    assert_eq!(name.as_deref(), Some(BASE_FONT));
}

#[test]
fn the_subset_tag_is_six_letters_and_follows_the_glyphs() {
    let a = Text::new(&["Ký bởi".to_string()]).unwrap();
    let b = Text::new(&["Cơ quan".to_string()]).unwrap();
    let (ta, tb) = (font::subset_tag(&a.used), font::subset_tag(&b.used));
    assert!(
        ta.len() == 6 && ta.bytes().all(|c| c.is_ascii_uppercase()),
        "{ta}"
    );
    assert_ne!(ta, tb);
    assert_eq!(
        ta,
        font::subset_tag(&Text::new(&["Ký bởi".to_string()]).unwrap().used)
    );
}

#[test]
fn to_unicode_maps_each_cid_back() {
    // DejaVu Sans has no Devanagari: refused, never drawn as a box.
    let t = Text::new(&["Aư क".to_string()]);
    assert!(matches!(
        t.err().unwrap(),
        PdfError::AppearanceCharacter { ch: 'क', .. }
    ));
    // Characters outside the BMP map to a UTF-16 surrogate pair.
    let t = Text::new(&["Aư Ạ😀".to_string()]).unwrap();
    let cmap = String::from_utf8(font::to_unicode_cmap(&t.used)).unwrap();
    assert!(
        cmap.contains(
            "5 beginbfchar\n<0001> <0041>\n<0002> <01B0>\n<0003> <0020>\n<0004> <1EA0>\n\
             <0005> <D83DDE00>\nendbfchar"
        ),
        "{cmap}"
    );
    // More than 100 glyphs: blocks of at most 100 entries.
    let many: String = ('a'..='z')
        .chain('A'..='Z')
        .chain("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ".chars())
        .collect();
    let upper: String = many.chars().flat_map(char::to_uppercase).collect();
    let t = Text::new(&[many, upper]).unwrap();
    assert!(t.used.len() > 100);
    let cmap = String::from_utf8(font::to_unicode_cmap(&t.used)).unwrap();
    assert!(cmap.contains("100 beginbfchar"));
    assert!(cmap.contains(&format!("{} beginbfchar", t.used.len() - 100)));
}

// ---- image ----

#[test]
fn not_a_png_is_refused() {
    for data in [
        &b""[..],
        b"GIF89a...",
        b"\x89PNG\r\n",
        &[0xff, 0xd8, 0xff, 0xe0][..],
    ] {
        assert_eq!(decode_png(data).unwrap_err(), PdfError::ImageNotPng);
    }
    let e = build(&spec(200.0, 50.0, &lines(), Some(b"%PDF-1.7"))).unwrap_err();
    assert!(e.to_string().contains("not a PNG file") && e.to_string().contains("give a .png"));
}

#[test]
fn a_truncated_png_is_refused() {
    let png = red_disc(64);
    for cut in [png.len() / 2, png.len() - 13, 20, 8] {
        let e = decode_png(&png[..cut]).unwrap_err();
        assert!(
            matches!(e, PdfError::ImageDamaged { .. }),
            "cut at {cut}: {e:?}"
        );
        assert!(e.to_string().contains("truncated or damaged"), "{e}");
    }
    // A flipped byte in the image data: the chunk's CRC no longer matches.
    let mut bad = png.clone();
    let idat = bad.windows(4).position(|w| w == b"IDAT").unwrap();
    bad[idat + 10] ^= 0x55;
    assert!(matches!(
        decode_png(&bad).unwrap_err(),
        PdfError::ImageDamaged { .. }
    ));
}

#[test]
fn a_too_large_png_is_refused_from_its_header() {
    // The files hold only an IHDR chunk: refused as too large, not as truncated, so the size
    // was judged before any pixel was read or allocated.
    let wide = decode_png(&ihdr_only(MAX_SIDE + 1, 10, 8, 2)).unwrap_err();
    assert_eq!(
        wide,
        PdfError::ImageTooLarge {
            width: 8193,
            height: 10,
            what: "more than 8192 pixels wide or tall"
        }
    );
    let tall = decode_png(&ihdr_only(1, u32::MAX >> 1, 8, 0)).unwrap_err();
    assert!(matches!(tall, PdfError::ImageTooLarge { .. }), "{tall:?}");
    // 8192 x 8192 RGBA is 256 MiB decoded; 4096 x 4096 RGBA is exactly the 64 MiB limit.
    let big = decode_png(&ihdr_only(8192, 8192, 8, 6)).unwrap_err();
    assert_eq!(
        big,
        PdfError::ImageTooLarge {
            width: 8192,
            height: 8192,
            what: "more than 64 MiB once decoded"
        }
    );
    let at_limit = decode_png(&ihdr_only(4096, 4096, 8, 6)).unwrap_err();
    assert!(
        matches!(at_limit, PdfError::ImageDamaged { .. }),
        "{at_limit:?}"
    );
    assert!(big.to_string().contains("8192 x 8192 pixels"));
}

#[test]
fn transparent_png_gets_a_soft_mask() {
    let img = decode_png(&red_disc(32)).unwrap();
    assert_eq!((img.width, img.height, img.gray), (32, 32, false));
    assert_eq!(img.color.len(), 32 * 32 * 3);
    let alpha = img.alpha.as_ref().unwrap();
    assert_eq!(alpha[0], 0); // a corner, outside the disc
    assert_eq!(alpha[16 * 32 + 16], 255); // the centre
    assert_eq!(&img.color[(16 * 32 + 16) * 3..][..3], &[220, 20, 30]);
}

#[test]
fn opaque_palette_gray_and_16_bit_pngs_become_8_bit() {
    // RGB, 8 bits, opaque: no soft mask.
    let rgb = png_image(4, 2, png::ColorType::Rgb, png::BitDepth::Eight, |x, _| {
        vec![x as u8 * 60, 0, 0]
    });
    let img = decode_png(&rgb).unwrap();
    assert!(img.alpha.is_none() && !img.gray);
    assert_eq!(&img.color[..6], &[0, 0, 0, 60, 0, 0]);
    // RGBA but every pixel opaque: no soft mask either.
    let opaque = png_image(3, 3, png::ColorType::Rgba, png::BitDepth::Eight, |_, _| {
        vec![1, 2, 3, 255]
    });
    assert!(decode_png(&opaque).unwrap().alpha.is_none());
    // 16-bit gray + alpha: the high bytes.
    let g16 = png_image(
        2,
        1,
        png::ColorType::GrayscaleAlpha,
        png::BitDepth::Sixteen,
        |x, _| vec![0x12 + x as u8, 0x34, 0x80, 0x00],
    );
    let img = decode_png(&g16).unwrap();
    assert!(img.gray);
    assert_eq!(img.color, vec![0x12, 0x13]);
    assert_eq!(img.alpha, Some(vec![0x80, 0x80]));
    // A 2-bit palette image with a transparent entry (tRNS): RGB plus alpha.
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, 4, 1);
        e.set_color(png::ColorType::Indexed);
        e.set_depth(png::BitDepth::Two);
        e.set_palette(vec![255, 255, 255, 200, 0, 0, 0, 0, 200]);
        e.set_trns(vec![0]);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[0b00_01_10_01]).unwrap();
    }
    let img = decode_png(&out).unwrap();
    assert_eq!(
        img.color,
        vec![255, 255, 255, 200, 0, 0, 0, 0, 200, 200, 0, 0]
    );
    assert_eq!(img.alpha, Some(vec![0, 255, 255, 255]));
}

// ---- the objects ----

#[test]
fn objects_are_numbered_from_next_num_form_first() {
    let lines = lines();
    let disc = red_disc(40);
    let mut next = 7;
    let out = build_appearance(&spec(240.0, 60.0, &lines, Some(&disc)), &mut next).unwrap();
    assert_eq!(out.form, 7);
    // Form, 5 font objects, image and soft mask.
    let nums: Vec<u32> = out.objects.iter().map(|(n, _)| *n).collect();
    assert_eq!(nums, (7..15).collect::<Vec<_>>());
    assert_eq!(next, 15);

    // Text only: form and font. Image only: form and image (opaque: no mask).
    let mut next = 1;
    let out = build_appearance(&spec(240.0, 60.0, &lines, None), &mut next).unwrap();
    assert_eq!((out.objects.len(), next), (6, 7));
    let opaque = png_image(2, 2, png::ColorType::Rgb, png::BitDepth::Eight, |_, _| {
        vec![9, 9, 9]
    });
    let out = build_appearance(&spec(240.0, 60.0, &[], Some(&opaque)), &mut next).unwrap();
    assert_eq!((out.form, out.objects.len(), next), (7, 2, 9));
    // Blank lines beside an image: no font either, and no text object.
    let blank = [String::new()];
    let out = build_appearance(&spec(240.0, 60.0, &blank, Some(&opaque)), &mut next).unwrap();
    assert_eq!((out.form, out.objects.len(), next), (9, 2, 11));
    let form = String::from_utf8_lossy(&out.objects[0].1);
    assert!(!form.contains("/Font") && !form.contains("BT"), "{form}");

    // Errors leave next_num alone; numbers past u32::MAX and 0 are refused.
    let mut next = 5;
    assert!(build_appearance(&spec(20.0, 8.0, &lines, None), &mut next).is_err());
    assert_eq!(next, 5);
    let mut next = u32::MAX - 2;
    let e = build_appearance(&spec(240.0, 60.0, &lines, None), &mut next).unwrap_err();
    assert!(
        matches!(e, PdfError::AppearanceObjectNumber { .. }),
        "{e:?}"
    );
    let mut next = 0;
    assert!(build_appearance(&spec(240.0, 60.0, &lines, None), &mut next).is_err());
}

#[test]
fn the_same_block_gives_the_same_bytes() {
    let lines = lines();
    let disc = red_disc(40);
    let a = build(&spec(240.0, 60.0, &lines, Some(&disc))).unwrap();
    let b = build(&spec(240.0, 60.0, &lines, Some(&disc))).unwrap();
    assert_eq!(a.objects, b.objects);
}

#[test]
fn the_objects_read_back_as_the_pdf_structures() {
    let lines = lines();
    let disc = red_disc(40);
    let out = build(&spec(240.0, 60.0, &lines, Some(&disc))).unwrap();
    let pdf = as_pdf(&out.objects);
    let doc = Document::parse(&pdf, &Limits::default()).unwrap();
    let get = |n: u32| doc.get(ObjRef::new(n, 0)).unwrap().unwrap();
    let dict_ref = |d: &super::super::Dict, k: &str| d.get(k).and_then(|o| o.as_ref()).unwrap().num;

    // The form XObject (§8.10): its box is the rectangle, its resources name F1 and Im1.
    let form = get(out.form);
    let fd = form.as_dict().unwrap();
    assert!(fd.is_type("XObject") && fd.name("Subtype").unwrap().is("Form"));
    let bbox: Vec<f64> = fd
        .get("BBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_number().unwrap())
        .collect();
    assert_eq!(bbox, [0.0, 0.0, 240.0, 60.0]);
    let res = fd.get("Resources").unwrap().as_dict().unwrap();
    let font_num = dict_ref(res.get("Font").unwrap().as_dict().unwrap(), "F1");
    let image_num = dict_ref(res.get("XObject").unwrap().as_dict().unwrap(), "Im1");
    let content = String::from_utf8(doc.decode(form.as_stream().unwrap()).unwrap()).unwrap();
    assert!(
        content.starts_with("q\nq 56 0 0 56 2 2 cm /Im1 Do Q\nBT\n/F1 "),
        "{content}"
    );
    // One Tj per line, each a hex string of 2-byte CIDs as long as the line.
    let tjs: Vec<&str> = content.lines().filter(|l| l.ends_with("> Tj")).collect();
    assert_eq!(tjs.len(), 3);
    for (tj, line) in tjs.iter().zip(&lines) {
        let hex = tj.trim_start_matches('<').trim_end_matches("> Tj");
        assert_eq!(hex.len(), 4 * line.chars().count(), "{tj}");
    }

    // The Type0 font and its descendant (§9.7).
    let t0 = get(font_num);
    let t0 = t0.as_dict().unwrap();
    assert!(t0.name("Subtype").unwrap().is("Type0"));
    assert!(t0.name("Encoding").unwrap().is("Identity-H"));
    let base = t0.name("BaseFont").unwrap().text();
    assert!(
        base.ends_with("+DejaVuSans") && base.len() == 7 + BASE_FONT.len(),
        "{base}"
    );
    let cid_num = t0.get("DescendantFonts").unwrap().as_array().unwrap()[0]
        .as_ref()
        .unwrap()
        .num;
    let cid = get(cid_num);
    let cid = cid.as_dict().unwrap();
    assert!(cid.name("Subtype").unwrap().is("CIDFontType2"));
    assert!(cid.name("CIDToGIDMap").unwrap().is("Identity"));
    assert_eq!(cid.name("BaseFont").unwrap().text(), base);
    let w = cid.get("W").unwrap().as_array().unwrap();
    assert_eq!(w[0].as_int(), Some(1));
    let t = Text::new(&lines).unwrap();
    let widths: Vec<i64> = w[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_int().unwrap())
        .collect();
    assert_eq!(
        widths,
        t.used
            .iter()
            .map(|u| i64::from(u.width))
            .collect::<Vec<_>>()
    );

    // The descriptor and the embedded subset program (§9.8, §9.9).
    let fdesc = get(dict_ref(cid, "FontDescriptor"));
    let fdesc = fdesc.as_dict().unwrap();
    assert_eq!(fdesc.name("FontName").unwrap().text(), base);
    let file = get(dict_ref(fdesc, "FontFile2"));
    let program = doc.decode(file.as_stream().unwrap()).unwrap();
    assert_eq!(
        file.as_dict().unwrap().int("Length1"),
        Some(program.len() as i64)
    );
    let sub = ttf_parser::Face::parse(&program, 0).unwrap();
    assert_eq!(
        sub.number_of_glyphs() as usize,
        font::subset(&t)
            .map(|p| ttf_parser::Face::parse(&p, 0).unwrap().number_of_glyphs() as usize)
            .unwrap()
    );

    // The /ToUnicode CMap maps every CID back (§9.10.3).
    let tu = get(dict_ref(t0, "ToUnicode"));
    let cmap = String::from_utf8(doc.decode(tu.as_stream().unwrap()).unwrap()).unwrap();
    assert!(cmap.contains(&format!("{} beginbfchar", t.used.len())));

    // The image and its soft mask (§8.9.5, §11.6.5.3).
    let im = get(image_num);
    let imd = im.as_dict().unwrap();
    assert!(imd.name("Subtype").unwrap().is("Image"));
    assert!(imd.name("ColorSpace").unwrap().is("DeviceRGB"));
    assert_eq!(
        (
            imd.int("Width"),
            imd.int("Height"),
            imd.int("BitsPerComponent")
        ),
        (Some(40), Some(40), Some(8))
    );
    assert_eq!(
        doc.decode(im.as_stream().unwrap()).unwrap().len(),
        40 * 40 * 3
    );
    let mask = get(dict_ref(imd, "SMask"));
    assert!(mask
        .as_dict()
        .unwrap()
        .name("ColorSpace")
        .unwrap()
        .is("DeviceGray"));
    assert_eq!(
        doc.decode(mask.as_stream().unwrap()).unwrap().len(),
        40 * 40
    );
}

#[test]
fn numbers_are_pdf_reals() {
    assert_eq!(num(10.0), "10");
    assert_eq!(num(0.5), "0.5");
    assert_eq!(num(-0.0001), "0");
    assert_eq!(num(123.4567), "123.457");
    assert_eq!(num(1e-12), "0");
    assert_eq!(num(f64::NAN), "0");
    assert_eq!(num(14400.0), "14400");
}
