//! The visible signature block (crates/kyso/src/pdf/appearance) judged by real PDF tools:
//! a one-page PDF written here whose page paints the block's form XObject, then
//!
//! * poppler's `pdftotext` gives back the Vietnamese lines exactly, in NFC, though one was
//!   given decomposed (the /ToUnicode CMap works);
//! * poppler's `pdffonts` lists one embedded, subset CID TrueType font with a ToUnicode map;
//! * poppler's `pdftoppm` renders the page: the seal's red where the image is, its
//!   transparent corners white (the soft mask works), dark text pixels right of it, and
//!   white everywhere outside the block;
//! * `qpdf --check` finds no errors and no warnings.
//!
//! The tools come from Debian's poppler-utils and qpdf, which scripts/test.sh installs; a
//! missing tool fails the test, it never skips. Set KYSO_APPEARANCE_PNG=path.png to keep a
//! 150 dpi rendering of the page for a person to look at.
//!
//! The builder is crate-private (the PDF signer that calls it is inside the library), so
//! this test compiles the pdf module's source on its own, as tests/pdf_reader.rs does.

#[path = "../src/pdf/mod.rs"]
#[allow(dead_code, unreachable_pub, clippy::all)]
mod pdf;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use pdf::{build_appearance, AppearanceSpec, Document, Limits};

/// The page, and where the block is on it (points, from the lower-left corner).
const PAGE: (f64, f64) = (400.0, 250.0);
const BLOCK: (f64, f64, f64, f64) = (100.0, 80.0, 240.0, 60.0);

/// The lines as they should come out of the PDF (NFC).
fn expected_lines() -> Vec<String> {
    vec![
        "Ký bởi: NGUYỄN VĂN AN".to_string(),
        "Cơ quan: SỞ TƯ PHÁP TỈNH BẮC NINH".to_string(),
        "Thời gian ký: 02/12/2026 19:20:05 +07:00".to_string(),
    ]
}

/// A seal: a red ring and a red centre disc, transparent between and around them, the
/// transparent pixels black (so a missing soft mask would show black, not white).
fn red_seal(size: u32) -> Vec<u8> {
    let r = f64::from(size) / 2.0;
    let mut data = Vec::new();
    for y in 0..size {
        for x in 0..size {
            let (dx, dy) = (f64::from(x) + 0.5 - r, f64::from(y) + 0.5 - r);
            let d = (dx * dx + dy * dy).sqrt() / r;
            if d <= 0.35 || (0.8..=1.0).contains(&d) {
                data.extend_from_slice(&[220, 20, 30, 255]);
            } else {
                data.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, size, size);
    e.set_color(png::ColorType::Rgba);
    e.set_depth(png::BitDepth::Eight);
    let mut w = e.write_header().unwrap();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

/// Writes the PDF once for all the tests: catalog, pages, one page whose content paints the
/// form at the block's place, then the appearance's objects.
fn block_pdf() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let mut lines = expected_lines();
        // The signer's name as some keyboards type it: base letters and combining marks.
        lines[0] = "Ky\u{301} bo\u{31b}\u{309}i: NGUYÊ\u{303}N VĂN AN".to_string();
        assert_ne!(lines[0], expected_lines()[0]);
        let seal = red_seal(200);
        let spec = AppearanceSpec {
            width: BLOCK.2,
            height: BLOCK.3,
            lines: &lines,
            image: Some(&seal),
        };
        let mut next = 5;
        let ap = build_appearance(&spec, &mut next).expect("the block builds");
        let content = format!("q 1 0 0 1 {} {} cm /Sig Do Q", BLOCK.0, BLOCK.1);
        let mut objects: Vec<(u32, Vec<u8>)> = vec![
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
            (
                3,
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                     /Resources << /XObject << /Sig {} 0 R >> >> /Contents 4 0 R >>",
                    PAGE.0, PAGE.1, ap.form
                )
                .into_bytes(),
            ),
            (
                4,
                format!(
                    "<< /Length {} >>\nstream\r\n{content}\r\nendstream",
                    content.len()
                )
                .into_bytes(),
            ),
        ];
        objects.extend(ap.objects);
        assert_eq!(next as usize, objects.len() + 1);

        let mut buf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (n, body) in &objects {
            assert_eq!(
                *n as usize,
                offsets.len() + 1,
                "objects are numbered 1, 2, ..."
            );
            offsets.push(buf.len());
            buf.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
            buf.extend_from_slice(body);
            buf.extend_from_slice(b"\nendobj\n");
        }
        let xref = buf.len();
        buf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", next).as_bytes());
        for off in offsets {
            buf.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
        }
        buf.extend_from_slice(
            format!("trailer\n<< /Size {next} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n")
                .as_bytes(),
        );
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf_appearance");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("block.pdf");
        std::fs::write(&path, buf).unwrap();
        path
    })
}

/// Runs a tool; a missing one fails the test with what to do.
fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "{tool} is not installed (Debian poppler-utils / qpdf): run scripts/test.sh, which \
             installs it"
        ),
        Err(e) => panic!("{tool} could not be started: {e}"),
    }
}

fn run_ok(tool: &str, args: &[&str]) -> String {
    let out = run(tool, args);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn kyso_reads_the_file_back() {
    let bytes = std::fs::read(block_pdf()).unwrap();
    let doc = Document::parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(doc.pages(0).unwrap().len(), 1);
}

#[test]
fn pdftotext_extracts_the_lines_in_nfc() {
    let pdf = block_pdf().to_str().unwrap();
    let text = run_ok("pdftotext", &["-enc", "UTF-8", pdf, "-"]);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines, expected_lines(), "pdftotext gave {text:?}");
}

#[test]
fn pdffonts_lists_an_embedded_subset_cid_truetype_font() {
    let pdf = block_pdf().to_str().unwrap();
    let out = run_ok("pdffonts", &[pdf]);
    // name  type  encoding  emb sub uni  object ID
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{out}");
    let cols: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(
        cols[0].len() == 17 && cols[0].ends_with("+DejaVuSans"),
        "{out}"
    );
    assert_eq!(
        &cols[1..8],
        ["CID", "TrueType", "Identity-H", "yes", "yes", "yes", "6"],
        "{out}"
    );
}

#[test]
fn qpdf_check_finds_no_errors() {
    let pdf = block_pdf().to_str().unwrap();
    let out = run("qpdf", &["--check", pdf]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit status 0: no errors and no warnings (3 would be warnings).
    assert!(
        out.status.success(),
        "qpdf --check: {}\n{stdout}{stderr}",
        out.status
    );
    assert!(
        stdout.contains("No syntax or stream encoding errors found"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("WARNING") && !stderr.contains("WARNING"),
        "{stdout}{stderr}"
    );
}

/// The page rendered at 72 dpi (one pixel per point): width, height, RGB rows top first.
fn render(pdf: &Path) -> (usize, usize, Vec<u8>) {
    let dir = pdf.parent().unwrap();
    let base = dir.join("page72");
    run_ok(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "72",
            "-singlefile",
            pdf.to_str().unwrap(),
            base.to_str().unwrap(),
        ],
    );
    let file = std::fs::File::open(dir.join("page72.png")).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

#[test]
fn pdftoppm_shows_the_seal_and_the_text_inside_the_block_only() {
    let pdf = block_pdf();
    let (w, h, px) = render(pdf);
    assert_eq!((w, h), (PAGE.0 as usize, PAGE.1 as usize));
    // The pixel whose lower-left corner is page point (x, y).
    let at = |x: f64, y: f64| -> [u8; 3] {
        let (col, row) = (x as usize, h - 1 - y as usize);
        let i = (row * w + col) * 3;
        [px[i], px[i + 1], px[i + 2]]
    };
    let red = |p: [u8; 3]| p[0] > 170 && p[1] < 90 && p[2] < 90;
    let white = |p: [u8; 3]| p.iter().all(|&c| c >= 245);
    let dark = |p: [u8; 3]| p.iter().all(|&c| c < 110);
    let (bx, by, bw, bh) = BLOCK;

    // The seal: scaled to the block's height less 2 pt padding (56 pt across, radius 28), at
    // its left. Its centre disc (radius 9.8 pt) and its ring (22.4 to 28 pt) red; between
    // them and in its corners transparent, so white.
    let (cx, cy) = (bx + 2.0 + 28.0, by + bh / 2.0);
    for dx in -5..=5 {
        for dy in -5..=5 {
            let p = at(cx + f64::from(dx), cy + f64::from(dy));
            assert!(
                red(p),
                "seal centre pixel at {dx},{dy} from the centre is {p:?}"
            );
        }
    }
    for (dx, dy) in [(-25.0, 0.0), (24.0, 0.0), (0.0, -25.0), (0.0, 24.0)] {
        let p = at(cx + dx, cy + dy);
        assert!(
            red(p),
            "seal ring pixel at {dx},{dy} from the centre is {p:?}"
        );
    }
    for (dx, dy) in [
        (-16.0, 0.0),
        (15.0, 0.0),
        (0.0, -16.0),
        (0.0, 15.0),
        (-27.0, -27.0),
        (26.0, 26.0),
        (-27.0, 26.0),
    ] {
        let p = at(cx + dx, cy + dy);
        assert!(
            white(p),
            "transparent seal pixel at {dx},{dy} from the centre is {p:?}"
        );
    }

    // The text: right of the seal, dark pixels and no red ones.
    let (mut dark_px, mut red_px) = (0, 0);
    for y in (by as usize)..((by + bh) as usize) {
        for x in ((bx + 62.0) as usize)..((bx + bw) as usize) {
            let p = at(x as f64, y as f64);
            dark_px += usize::from(dark(p));
            red_px += usize::from(red(p));
        }
    }
    assert!(dark_px > 300, "only {dark_px} dark pixels in the text area");
    assert_eq!(red_px, 0);
    // Three lines: dark pixels in three separate bands of rows.
    let row_dark =
        |y: usize| ((bx + 62.0) as usize..(bx + bw) as usize).any(|x| dark(at(x as f64, y as f64)));
    let rows: Vec<bool> = ((by as usize)..((by + bh) as usize))
        .map(row_dark)
        .collect();
    let bands = rows.windows(2).filter(|w| w[1] && !w[0]).count() + usize::from(rows[0]);
    assert_eq!(bands, 3, "{rows:?}");
    // The lines centred vertically: as much space above the first one's ink as below the
    // last one's, within 3 pt (accents above the capitals and the descenders of y and g
    // make the ink a little uneven).
    let first = rows.iter().position(|&d| d).unwrap();
    let last = rows.iter().rposition(|&d| d).unwrap();
    let (below, above) = (first, rows.len() - 1 - last);
    assert!(
        below.abs_diff(above) <= 3,
        "{below} pt free below the text, {above} above"
    );
    // Nothing drawn in the 2 pt padding at the block's top and bottom: no line is clipped.
    let edge = rows.len() - 2;
    assert!(
        !rows[..2].iter().chain(&rows[edge..]).any(|&d| d),
        "{rows:?}"
    );

    // Outside the block (a pixel of margin for anti-aliasing): white.
    for row in 0..h {
        for col in 0..w {
            let (x, y) = (col as f64, (h - 1 - row) as f64);
            let inside = x >= bx - 1.0 && x < bx + bw + 1.0 && y >= by - 1.0 && y < by + bh + 1.0;
            if !inside {
                let i = (row * w + col) * 3;
                assert!(
                    white([px[i], px[i + 1], px[i + 2]]),
                    "pixel {col},{row} outside the block"
                );
            }
        }
    }

    if let Some(keep) = std::env::var_os("KYSO_APPEARANCE_PNG") {
        let keep = PathBuf::from(keep);
        let base = keep.with_extension("");
        run_ok(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "150",
                "-singlefile",
                pdf.to_str().unwrap(),
                base.to_str().unwrap(),
            ],
        );
        assert!(keep.exists(), "{} was not written", keep.display());
    }
}
