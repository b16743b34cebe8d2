//! `kyso verify --dossier DIR --receipt FILE` (issue 15): the printable receipt of a
//! dossier's verdict. A dossier built here with the test PKI (a PDF signed by the official
//! then the organisation, one the organisation has not signed, an unsigned scan) gives:
//!
//! * an HTML receipt whose visible text is the golden `testdata/golden/receipt-{vi,en}.txt`
//!   (regenerate with `UPDATE_GOLDEN=1`), with nothing to fetch and hostile names escaped,
//!   printed by headless Chromium to a page that poppler rasterises: ink where the title is;
//! * a PDF receipt that `qpdf --check` passes, whose text `pdftotext` extracts exactly
//!   (Vietnamese through the font's /ToUnicode) and which `pdftoppm` renders with text;
//!   sixty documents take several pages, each file named once;
//! * an earlier receipt kept when the run fails before writing.
//!
//! Chromium, qpdf and poppler are installed by `scripts/test.sh`; a missing one fails the
//! test, it never skips. The pages are checked as PGM (what `pdftoppm -gray` writes): this
//! crate's tests have no PNG decoder.

mod common;
mod report_schema;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// The validation time of every run here, so the receipt's "checked at" is stable; after
/// the signing (now) and inside the test certificates' validity (to 2035).
const CHECKED_AT: &str = "2034-01-02T03:04:05Z";
/// The same time as the receipt shows it (Vietnam's time).
const CHECKED_AT_SHOWN: &str = "2034-01-02 10:04:05 +07:00";
const TITLE_VI: &str = "BIÊN NHẬN KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ HỒ SƠ";

fn sign(dir: &Path, who: &str, files: &[&str]) {
    let (key, cert) = match who {
        "official" => ("signer-rsa.key", "signer-rsa.pem"),
        _ => ("org-rsa.key", "org-rsa.pem"),
    };
    let mut args = vec![
        "sign".to_string(),
        "--key".into(),
        pki(key),
        "--cert".into(),
        pki(cert),
        "--chain".into(),
        pki("sub-rsa.pem"),
    ];
    args.extend(files.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = kyso(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn pdf(dir: &Path, name: &str) {
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), dir.join(name)).unwrap();
}

/// The dossier of the brief: `qd-15.pdf` complete (official, then organisation),
/// `to-trinh.pdf` without the organisation's signature, `cccd.jpg` an unsigned scan.
fn dossier(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    pdf(dir, "qd-15.pdf");
    pdf(dir, "to-trinh.pdf");
    sign(dir, "official", &["qd-15.pdf", "to-trinh.pdf"]);
    sign(dir, "organisation", &["qd-15.pdf"]);
    std::fs::write(dir.join("cccd.jpg"), [0xff, 0xd8, 0xff, 0xe0]).unwrap();
}

/// `kyso verify --trust root --at CHECKED_AT --dossier DIR` plus `args`.
fn verify(dir: &Path, dossier: &str, args: &[&str]) -> std::process::Output {
    let root_ca = pki("root-rsa.pem");
    let mut all = vec![
        "verify",
        "--trust",
        &root_ca,
        "--at",
        CHECKED_AT,
        "--dossier",
        dossier,
    ];
    all.extend_from_slice(args);
    kyso(dir, &all)
}

/// The text a reader sees in an HTML receipt: the body without its tags, a line per table
/// row, heading, paragraph or list item, ` | ` between a row's cells, entities decoded,
/// whitespace collapsed.
fn visible_text(html: &str) -> String {
    let body = html
        .split_once("<body>")
        .map_or(html, |(_, b)| b)
        .split("</body>")
        .next()
        .unwrap_or_default();
    let mut s = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        s.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        let block = ["</tr", "</p", "</h1", "</h2", "</li", "</thead", "<br"]
            .iter()
            .any(|b| tag.starts_with(b));
        let cell = tag.starts_with("</td") || tag.starts_with("</th");
        s.push(match (block, cell) {
            (true, _) => '\n',
            (_, true) => CELL_END,
            _ => ' ',
        });
        rest = &rest[close..];
    }
    s.push_str(rest);
    let s = s
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    s.lines()
        .map(|l| {
            l.split(CELL_END)
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Where a table cell ends, in [`visible_text`]'s working text.
const CELL_END: char = '\u{1}';

/// What changes from run to run, replaced: the signing times (the test signs now) and the
/// version of kyso that made the receipt.
fn stable(text: &str) -> String {
    let version = format!("kyso {}", env!("CARGO_PKG_VERSION"));
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    // "2026-12-02 09:15:40 +07:00": 26 characters, digits where the pattern has 'd'.
    let pattern: Vec<char> = "dddd-dd-dd dd:dd:dd +07:00".chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let candidate = chars.get(i..i + pattern.len());
        let is_time = candidate.is_some_and(|c| {
            c.iter().zip(&pattern).all(|(x, p)| match p {
                'd' => x.is_ascii_digit(),
                p => x == p,
            })
        });
        if is_time {
            let t: String = chars[i..i + pattern.len()].iter().collect();
            out.push_str(if t == CHECKED_AT_SHOWN {
                CHECKED_AT_SHOWN
            } else {
                "<signing time>"
            });
            i += pattern.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out.replace(&version, "kyso <version>")
}

/// Compare `got` with `testdata/golden/<name>.txt` (written instead with UPDATE_GOLDEN=1).
fn golden_text(name: &str, got: &str) {
    let path = root().join("testdata/golden").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        got,
        want,
        "the receipt's text differs from {}",
        path.display()
    );
}

/// Run `cmd`, killing it after `limit`; panics with its stderr when it fails.
fn run_tool(mut cmd: Command, limit: Duration) -> std::process::Output {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e} (scripts/test.sh installs it)"));
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{what} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The headless Chromium of this machine: the Debian package chromium-headless-shell, or
/// chromium.
fn chromium() -> PathBuf {
    let names = [
        "chromium-headless-shell",
        "chromium",
        "chromium-browser",
        "headless_shell",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "no headless Chromium ({}) on PATH; scripts/test.sh installs chromium-headless-shell",
        names.join(", ")
    );
}

/// A grey page as poppler writes it (PGM, P5, 8 bits).
struct Page {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Page {
    /// Page `n` of `pdf` at `dpi`, rendered by `pdftoppm -gray`.
    fn render(pdf: &Path, n: usize, dpi: u32) -> Page {
        let out = pdf.with_extension(format!("page{n}"));
        let mut c = Command::new("pdftoppm");
        c.args(["-gray", "-singlefile", "-r", &dpi.to_string()])
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(pdf)
            .arg(&out);
        run_tool(c, Duration::from_secs(60));
        let data = std::fs::read(out.with_extension(format!("page{n}.pgm"))).unwrap();
        // "P5\n<width> <height>\n255\n" then the pixels, a byte each.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while data[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !data[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
        }
        assert_eq!(fields[0], "P5");
        assert_eq!(fields[3], "255");
        let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = data[at + 1..].to_vec();
        assert_eq!(pixels.len(), width * height);
        Page {
            width,
            height,
            pixels,
        }
    }

    /// Dark pixels (ink) in the band between `top` and `bottom` (fractions of the height)
    /// and `left`..`right` (of the width).
    fn ink(&self, top: f64, bottom: f64, left: f64, right: f64) -> usize {
        let rows = (self.height as f64 * top) as usize..(self.height as f64 * bottom) as usize;
        let cols = (self.width as f64 * left) as usize..(self.width as f64 * right) as usize;
        rows.flat_map(|y| cols.clone().map(move |x| (x, y)))
            .filter(|(x, y)| self.pixels[y * self.width + x] < 128)
            .count()
    }

    /// The share of the page that is paper (near white).
    fn paper(&self) -> f64 {
        self.pixels.iter().filter(|p| **p > 230).count() as f64 / self.pixels.len() as f64
    }
}

fn pdftotext(pdf: &Path) -> String {
    let mut c = Command::new("pdftotext");
    c.args(["-enc", "UTF-8"]).arg(pdf).arg("-");
    String::from_utf8(run_tool(c, Duration::from_secs(60)).stdout).unwrap()
}

#[test]
fn the_html_receipt_reads_as_the_golden_text_and_fetches_nothing() {
    let d = tmpdir("receipt-html");
    dossier(&d.join("ho-so"));
    let plain = verify(&d, "ho-so", &["--lang", "vi"]);
    let o = verify(
        &d,
        "ho-so",
        &["--lang", "vi", "--receipt", "bien-nhan.html"],
    );
    // The dossier needs action: exit 1, the receipt written all the same, stdout unchanged.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&plain));
    assert!(stderr(&o).contains("bien-nhan.html"), "{}", stderr(&o));
    let html = std::fs::read_to_string(d.join("bien-nhan.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"),
        "{html}"
    );
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for external in [
        "http:", "https:", "src=", "<script", "<link", "url(", "@import",
    ] {
        assert!(!html.contains(external), "{external} in the receipt");
    }
    let text = stable(&visible_text(&html));
    golden_text("receipt-vi", &text);
    // What the golden holds, said again where it matters to the desk.
    for line in [
        TITLE_VI,
        "Thời điểm kiểm tra | 2034-01-02 10:04:05 +07:00",
        "Chính sách kiểm tra | agency-default (có sẵn trong kyso)",
        "Kết luận | TOTAL-FAILED (cần xử lý)",
        "CN=Kyso Test Root CA RSA,O=Kyso Test,C=VN",
        "Cần xem lại: thiếu chữ ký của cơ quan, tổ chức",
        "Cần xem lại: chưa ký",
        "CCCD 0010…345",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    assert!(!text.contains("001085012345"), "{text}");
    // The root's fingerprint, as openssl computes it.
    let fp = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(pki("root-rsa.pem"))
        .output()
        .unwrap();
    let fp = String::from_utf8_lossy(&fp.stdout)
        .split('=')
        .nth(1)
        .unwrap()
        .trim()
        .replace(':', "")
        .to_lowercase();
    assert!(text.contains(&format!("SHA-256: {fp}")), "{fp}\n{text}");

    // In English, and with the personal numbers in full when asked.
    let o = verify(
        &d,
        "ho-so",
        &["--lang", "en", "--full-ids", "--receipt", "receipt.htm"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = std::fs::read_to_string(d.join("receipt.htm")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let text = stable(&visible_text(&html));
    assert!(text.contains("CCCD 001085012345"), "{text}");
    golden_text("receipt-en", &text);
}

#[test]
fn a_hostile_file_name_is_escaped_in_the_html_receipt() {
    let d = tmpdir("receipt-hostile");
    let ho_so = d.join("ho-so");
    std::fs::create_dir(&ho_so).unwrap();
    std::fs::write(ho_so.join("<script>alert(1)<\\script>&.txt"), "x").unwrap();
    std::fs::write(ho_so.join("hoa-don\u{202E}fdp.exe"), "x").unwrap();
    let o = verify(&d, "ho-so", &["--lang", "vi", "--receipt", "r.html"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = std::fs::read_to_string(d.join("r.html")).unwrap();
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;\\script&gt;&amp;.txt"),
        "{html}"
    );
    // A right-to-left override would show the name reversed: it is shown as U+FFFD.
    assert!(!html.contains('\u{202E}'));
    assert!(html.contains("hoa-don\u{FFFD}fdp.exe"), "{html}");
    // The PDF draws them as text too.
    let o = verify(&d, "ho-so", &["--lang", "vi", "--receipt", "r.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = pdftotext(&d.join("r.pdf"));
    assert!(text.contains("<script>alert(1)<\\script>&.txt"), "{text}");
}

#[test]
fn chromium_prints_the_html_receipt_with_ink_where_the_title_is() {
    let d = tmpdir("receipt-chromium");
    dossier(&d.join("ho-so"));
    let o = verify(&d, "ho-so", &["--lang", "vi", "--receipt", "r.html"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let printed = d.join("printed.pdf");
    let mut c = Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", d.join("profile").display()))
    .arg(format!("--print-to-pdf={}", printed.display()))
    .arg(format!("file://{}", d.join("r.html").display()));
    run_tool(c, Duration::from_secs(120));
    // Chromium laid the text out with the machine's fonts: it reads back as written.
    let text = pdftotext(&printed);
    assert!(text.contains(TITLE_VI), "{text}");
    assert!(text.contains("thiếu chữ ký của cơ quan, tổ chức"), "{text}");
    let page = Page::render(&printed, 1, 72);
    // A4 at 72 dpi.
    assert!((590..=600).contains(&page.width), "{}", page.width);
    assert!((838..=846).contains(&page.height), "{}", page.height);
    // Mostly paper, with ink: not blank, not black.
    let paper = page.paper();
    assert!((0.6..0.995).contains(&paper), "paper {paper}");
    // The title: centred, in the first band below the top margin (14 mm of 297).
    let title = page.ink(0.045, 0.085, 0.15, 0.85);
    assert!(title > 300, "{title} dark pixels where the title is");
    // Left and right of it, at the same height, the margin stays blank.
    assert_eq!(page.ink(0.045, 0.085, 0.0, 0.05), 0);
    assert_eq!(page.ink(0.045, 0.085, 0.95, 1.0), 0);
    // The table, further down, has ink too (rules and text).
    assert!(page.ink(0.35, 0.7, 0.05, 0.95) > 1000);
}

#[test]
fn the_pdf_receipt_is_sound_extracts_exactly_and_renders() {
    let d = tmpdir("receipt-pdf");
    dossier(&d.join("ho-so"));
    let plain = verify(&d, "ho-so", &["--format", "json"]);
    let o = verify(
        &d,
        "ho-so",
        &[
            "--format",
            "json",
            "--lang",
            "vi",
            "--receipt",
            "bien-nhan.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&plain));
    let file = d.join("bien-nhan.pdf");
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{said}");
    assert!(
        said.contains("No syntax or stream encoding errors found"),
        "{said}"
    );
    assert!(!said.contains("WARNING"), "{said}");

    let text = pdftotext(&file);
    for want in [
        TITLE_VI,
        "qd-15.pdf",
        "to-trinh.pdf",
        "cccd.jpg",
        "thiếu chữ ký của cơ quan, tổ chức",
        "chưa ký",
        "Nguyễn Văn An",
        "Sở Nội vụ tỉnh Hà Nam",
        "MNS 1234567, MST 0700123456",
        "CCCD 0010…345",
        CHECKED_AT_SHOWN,
        "TOTAL-FAILED (cần xử lý)",
        "Trang 1/1",
    ] {
        assert!(text.contains(want), "{want} not in\n{text}");
    }
    let page = Page::render(&file, 1, 72);
    assert!((594..=596).contains(&page.width) && (841..=843).contains(&page.height));
    let paper = page.paper();
    assert!((0.6..0.995).contains(&paper), "paper {paper}");
    // The title sits below the 15 mm margin, centred.
    assert!(page.ink(0.05, 0.07, 0.2, 0.8) > 300);
    assert_eq!(page.ink(0.05, 0.07, 0.0, 0.07), 0);
    assert!(page.ink(0.3, 0.6, 0.07, 0.93) > 1000);
}

#[test]
fn sixty_documents_take_several_pages_each_named_once() {
    let d = tmpdir("receipt-long");
    let ho_so = d.join("ho-so");
    std::fs::create_dir(&ho_so).unwrap();
    let names: Vec<String> = (1..=60).map(|i| format!("tai-lieu-{i:02}.pdf")).collect();
    for n in &names {
        pdf(&ho_so, n);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    sign(&ho_so, "official", &refs);
    let o = verify(&d, "ho-so", &["--lang", "vi", "--receipt", "r.pdf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let file = d.join("r.pdf");
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let text = pdftotext(&file);
    // pdftotext ends every page with a form feed.
    let pages = text.matches('\u{c}').count();
    assert!(pages > 1, "{pages} pages");
    for n in &names {
        assert_eq!(text.matches(n.as_str()).count(), 1, "{n} in\n{text}");
    }
    // The table's heading starts every page it reaches.
    assert_eq!(text.matches("Người ký").count(), pages, "{text}");
    assert!(text.contains(&format!("Trang {pages}/{pages}")), "{text}");
    assert_eq!(
        text.matches("thiếu chữ ký của cơ quan, tổ chức").count(),
        60
    );
    // The last page renders too.
    let last = Page::render(&file, pages, 50);
    assert!(last.ink(0.0, 1.0, 0.0, 1.0) > 100);

    // The HTML receipt names each once too.
    let o = verify(&d, "ho-so", &["--lang", "vi", "--receipt", "r.html"]);
    assert_eq!(o.status.code(), Some(1));
    let html = std::fs::read_to_string(d.join("r.html")).unwrap();
    for n in &names {
        assert_eq!(html.matches(n.as_str()).count(), 1, "{n}");
    }
}

#[test]
fn an_earlier_receipt_survives_a_run_that_fails_before_writing() {
    let d = tmpdir("receipt-keep");
    dossier(&d.join("ho-so"));
    std::fs::write(d.join("a.txt"), "not a folder").unwrap();
    for receipt in ["r.pdf", "r.html"] {
        std::fs::write(d.join(receipt), "the earlier receipt").unwrap();
        // The dossier cannot be read: exit 2, the earlier receipt as it was.
        let o = verify(&d, "a.txt", &["--receipt", receipt]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("not a folder"), "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(d.join(receipt)).unwrap(),
            "the earlier receipt"
        );
        // A run that completes replaces it.
        let o = verify(&d, "ho-so", &["--receipt", receipt]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let new = std::fs::read(d.join(receipt)).unwrap();
        assert!(new.starts_with(b"%PDF-") || new.starts_with(b"<!DOCTYPE html>"));
    }
    // No temporary file is left beside them.
    let left: Vec<String> = std::fs::read_dir(&*d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // Usage errors: another extension, or without --dossier; nothing written.
    let o = verify(&d, "ho-so", &["--receipt", "r.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("FILE.html or FILE.pdf"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("r.txt").exists());
    let o = kyso(&d, &["verify", "--receipt", "x.pdf", "ho-so/qd-15.pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--dossier"), "{}", stderr(&o));
    assert!(!d.join("x.pdf").exists());
}

#[test]
fn a_receipt_inside_the_dossier_is_refused_before_anything_is_written() {
    let d = tmpdir("receipt-inside");
    dossier(&d.join("ho-so"));
    let before: Vec<_> = std::fs::read_dir(d.join("ho-so"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for inside in ["ho-so/bien-nhan.pdf", "ho-so/../ho-so/r.html"] {
        let o = verify(&d, "ho-so", &["--lang", "en", "--receipt", inside]);
        assert_eq!(o.status.code(), Some(2), "{inside}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is inside the dossier")
                && stderr(&o).contains("hint: write the receipt beside the dossier folder"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }
    let after: Vec<_> = std::fs::read_dir(d.join("ho-so"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing written into the dossier");
    // Beside the dossier it is written, and the next check of the dossier is unchanged.
    let first = verify(&d, "ho-so", &["--lang", "en", "--format", "json"]);
    let o = verify(&d, "ho-so", &["--lang", "en", "--receipt", "bien-nhan.pdf"]);
    assert_eq!(o.status.code(), first.status.code(), "{}", stderr(&o));
    assert!(d.join("bien-nhan.pdf").is_file());
    let again = verify(&d, "ho-so", &["--lang", "en", "--format", "json"]);
    assert_eq!(stdout(&again), stdout(&first));
}
