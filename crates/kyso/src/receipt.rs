//! The printable receipt of a dossier's verdict (biên nhận, issue 15): what the one-stop desk
//! prints or attaches after `kyso verify --dossier`. It says which dossier was checked, when
//! (Vietnam's time, +07:00), under which validation policy and against which trust anchors,
//! the verdict and its counts, then every document with every signature (signer, organisation,
//! role, identifiers, signing time and whether a time-stamp proves it, indication) and the
//! document's flags in the words of [`DossierFlag::describe`].
//!
//! Two renderings of one content ([`Receipt`]):
//!
//! * HTML ([`receipt_html`]): one self-contained file, inline print CSS for A4, no script and
//!   nothing fetched (no fonts, images or links), every text escaped: file names and
//!   certificate names are hostile input. Bidirectional-override characters (U+202E in
//!   `invoice\u{202E}fdp.exe`) are shown as U+FFFD, so a name reads as it is.
//! * PDF ([`receipt_pdf`]): a fresh PDF written here, A4 pages, text in the DejaVu Sans that
//!   draws the visible signature block (the same `Text`, subset and font objects:
//!   `pdf/appearance/font.rs`), so Vietnamese extracts exactly through its /ToUnicode; the
//!   table breaks across pages (its header repeated), each cell wrapped to its column by the
//!   font's advance widths, and cut with "…" past [`MAX_CELL_LINES`] lines.
//!
//! The receipt repeats the report; it decides nothing. Its verdict holds for the trust anchors
//! it lists at the time it shows.

use std::collections::HashMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use unicode_normalization::UnicodeNormalization;

use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::pdf::appearance::font::{self, Text};
use crate::pdf::appearance::{deflate, num, stream, Numbers, MAX_LINES, MAX_LINE_CHARS};
use crate::pdf::PdfError;
use crate::report::{
    DossierDocument, DossierFlag, DossierReport, DossierSigner, Indication, Lang, PolicySource,
    Report,
};
use crate::x509::cert::Certificate;
use crate::x509::name::uid_label;
use crate::x509::role::SignerRole;

/// The receipt of `report`'s dossier verdict as one HTML file, in `lang`, listing `anchors`
/// as the trust anchors used ([`crate::Verifier::trust_anchors`]); personal ID numbers
/// (CCCD, CMND, passport, social insurance) masked as `0010…345` unless `full_ids`.
///
/// A report without a dossier verdict (not made by [`crate::Verifier::verify_dossier`]) gives
/// a receipt that says so and lists no document; [`receipt_pdf`] refuses it.
pub fn receipt_html(
    report: &Report,
    anchors: &[Certificate],
    lang: Lang,
    full_ids: bool,
) -> String {
    html(&Receipt::new(report, anchors, lang, full_ids))
}

/// The receipt of `report`'s dossier verdict as a PDF (A4, as many pages as the table
/// needs), with the content of [`receipt_html`]. `Err` when the report has no dossier
/// verdict, or when the font cannot be embedded.
pub fn receipt_pdf(
    report: &Report,
    anchors: &[Certificate],
    lang: Lang,
    full_ids: bool,
) -> Result<Vec<u8>, Error> {
    if report.dossier.is_none() {
        return Err(Error::Format(
            "the report has no dossier verdict (Verifier::verify_dossier makes one): a receipt is of a dossier"
                .into(),
        ));
    }
    pdf(&Receipt::new(report, anchors, lang, full_ids)).map_err(|e| Error::Pdf(e.to_string()))
}

// ---------------------------------------------------------------------------------------
// The content, worded once for both renderings.

/// Everything the receipt shows, worded in its language.
struct Receipt {
    lang: Lang,
    title: String,
    /// The dossier, as the report names it.
    path: Option<String>,
    /// The validation time, the PDF's creation date.
    created: Timestamp,
    /// Dossier, time of the check, policy, deadline, verdict, counts.
    facts: Vec<Fact>,
    anchors_heading: String,
    anchors: Vec<Anchor>,
    /// What an empty anchor list means.
    no_anchors: String,
    documents_heading: String,
    /// Column headings: order, signer, role, signing time, result.
    columns: [String; 5],
    documents: Vec<Doc>,
    /// Said instead of the table when the report has no dossier verdict.
    no_dossier: Option<String>,
    note: String,
}

struct Fact {
    label: String,
    value: String,
    /// Set on the verdict's line, which takes the verdict's colour.
    verdict: Option<Indication>,
}

impl Fact {
    fn new(label: String, value: String) -> Fact {
        Fact {
            label,
            value,
            verdict: None,
        }
    }
}

struct Anchor {
    subject: String,
    fingerprint: String,
}

struct Doc {
    /// "✓ 1. qd-15.pdf" (✗ when it has flags, as the CLI marks it)
    heading: String,
    /// "chữ ký: TOTAL-PASSED (hợp lệ)", "không có chữ ký"
    status: String,
    indication: Option<Indication>,
    /// "Tệp chữ ký: cong-van.docx.p7s", when the signatures are not in the document itself.
    signature_files: Option<String>,
    signers: Vec<Sig>,
    /// "Cần xem lại: thiếu chữ ký của cơ quan, tổ chức", when it has flags.
    flags: Option<String>,
}

struct Sig {
    order: String,
    name: String,
    organisation: Option<String>,
    identifiers: Option<String>,
    role: String,
    time: String,
    time_note: Option<String>,
    indication: Indication,
    result: String,
    sub_indication: Option<String>,
}

impl Receipt {
    fn new(report: &Report, anchors: &[Certificate], lang: Lang, full_ids: bool) -> Receipt {
        let pick = |en: &str, vi: &str| lang.pick(en, vi).to_string();
        let d = report.dossier.as_ref();
        let mut facts = Vec::new();
        if let Some(d) = d {
            facts.push(Fact::new(pick("Dossier", "Hồ sơ"), d.path.clone()));
        }
        facts.push(Fact::new(
            pick("Checked at", "Thời điểm kiểm tra"),
            vietnam_time(report.validation_time),
        ));
        let policy = match &report.policy {
            Some(p) => {
                let source = match p.source {
                    PolicySource::Builtin => lang.pick("built into kyso", "có sẵn trong kyso"),
                    _ => lang.pick("from a file", "từ tệp"),
                };
                format!("{} ({source})", p.name)
            }
            None => pick("not recorded", "không ghi nhận"),
        };
        facts.push(Fact::new(
            pick("Validation policy", "Chính sách kiểm tra"),
            policy,
        ));
        if let Some(deadline) = d.and_then(|d| d.deadline) {
            facts.push(Fact::new(
                pick("Signing deadline", "Thời hạn ký"),
                vietnam_time(deadline),
            ));
        }
        if let Some(d) = d {
            facts.push(Fact {
                label: pick("Verdict", "Kết luận"),
                value: format!(
                    "{} ({})",
                    d.indication.as_str(),
                    verdict_gloss(d.indication, lang)
                ),
                verdict: Some(d.indication),
            });
            facts.push(Fact::new(pick("Summary", "Tổng hợp"), counts(d, lang)));
        }
        Receipt {
            lang,
            title: pick(
                "Dossier signature check receipt",
                "BIÊN NHẬN KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ HỒ SƠ",
            ),
            path: d.map(|d| d.path.clone()),
            created: report.validation_time,
            facts,
            anchors_heading: pick("Trust anchors used", "Chứng thư số gốc tin cậy đã dùng"),
            anchors: anchors
                .iter()
                .map(|a| Anchor {
                    subject: a.subject(),
                    fingerprint: format!("SHA-256: {}", a.sha256_fingerprint()),
                })
                .collect(),
            no_anchors: pick(
                "None: no signature can be confirmed valid.",
                "Không có: không chữ ký nào có thể được xác nhận hợp lệ.",
            ),
            documents_heading: pick("Documents and signatures", "Tài liệu và chữ ký"),
            columns: [
                pick("Order", "Thứ tự"),
                pick("Signer", "Người ký"),
                pick("Role", "Vai trò"),
                pick("Signing time", "Thời điểm ký"),
                pick("Result", "Kết quả"),
            ],
            documents: d.map_or_else(Vec::new, |d| {
                d.documents
                    .iter()
                    .enumerate()
                    .map(|(i, doc)| Doc::new(i + 1, doc, lang, full_ids))
                    .collect()
            }),
            no_dossier: d.is_none().then(|| {
                pick(
                    "This report holds no dossier verdict: there is nothing to give a receipt for.",
                    "Báo cáo này không có kết luận về hồ sơ: không có gì để lập biên nhận.",
                )
            }),
            note: match lang {
                Lang::Vi => format!(
                    "Biên nhận do kyso {} lập từ kết quả kiểm tra chữ ký số; kết luận đúng với các chứng thư số gốc tin cậy nêu trên, tại thời điểm kiểm tra.",
                    env!("CARGO_PKG_VERSION")
                ),
                Lang::En => format!(
                    "Made by kyso {} from the signature check; the verdict holds for the trust anchors above, at the time of the check.",
                    env!("CARGO_PKG_VERSION")
                ),
            },
        }
    }
}

impl Doc {
    fn new(number: usize, d: &DossierDocument, lang: Lang, full_ids: bool) -> Doc {
        let status = match d.indication {
            Some(i) => format!(
                "{} {}{}",
                lang.pick("signatures:", "chữ ký:"),
                i.as_str(),
                signature_gloss(i, lang)
            ),
            None => lang.pick("no signature", "không có chữ ký").to_string(),
        };
        let elsewhere: Vec<&str> = d
            .signature_files
            .iter()
            .filter(|f| **f != d.file)
            .map(String::as_str)
            .collect();
        let signature_files = (!elsewhere.is_empty()).then(|| {
            let label = match (lang, elsewhere.len()) {
                (Lang::Vi, _) => "Tệp chữ ký",
                (_, 1) => "Signature file",
                _ => "Signature files",
            };
            format!("{label}: {}", elsewhere.join(", "))
        });
        let flags = (!d.flags.is_empty()).then(|| {
            let words: Vec<&str> = d
                .flags
                .iter()
                .map(|f: &DossierFlag| f.describe(lang))
                .collect();
            format!(
                "{}: {}",
                lang.pick("Needs a look", "Cần xem lại"),
                words.join("; ")
            )
        });
        Doc {
            heading: format!(
                "{} {number}. {}",
                if d.flags.is_empty() { '✓' } else { '✗' },
                d.file
            ),
            status,
            indication: d.indication,
            signature_files,
            signers: d
                .signers
                .iter()
                .enumerate()
                .map(|(i, s)| Sig::new(i + 1, s, lang, full_ids))
                .collect(),
            flags,
        }
    }
}

impl Sig {
    fn new(order: usize, s: &DossierSigner, lang: Lang, full_ids: bool) -> Sig {
        let role = match s.role.role {
            SignerRole::Person => lang.pick("official", "cá nhân"),
            SignerRole::Organisation => lang.pick("organisation", "tổ chức"),
            _ => lang.pick("role unknown", "chưa rõ vai trò"),
        };
        let ids: Vec<String> = s
            .identifiers
            .iter()
            .map(|v| identifier(v, full_ids))
            .collect();
        let (time, time_note) = match s.time {
            Some(t) => (
                vietnam_time(t),
                Some(
                    if s.time_proven {
                        lang.pick("time-stamped", "có dấu thời gian")
                    } else {
                        lang.pick("claimed", "theo khai báo")
                    }
                    .to_string(),
                ),
            ),
            None => (lang.pick("none", "không có").to_string(), None),
        };
        Sig {
            order: order.to_string(),
            name: s.name.clone(),
            organisation: s
                .organisation
                .clone()
                .filter(|o| !o.is_empty() && *o != s.name),
            identifiers: (!ids.is_empty()).then(|| ids.join(", ")),
            role: role.to_string(),
            time,
            time_note,
            indication: s.indication,
            result: format!(
                "{}{}",
                s.indication.as_str(),
                signature_gloss(s.indication, lang)
            ),
            sub_indication: s.sub_indication.map(|x| x.as_str()),
        }
    }
}

/// The dossier's verdict in words, as the CLI's text report says it.
fn verdict_gloss(i: Indication, lang: Lang) -> &'static str {
    match i {
        Indication::TotalPassed => lang.pick("complete", "đầy đủ, hợp lệ"),
        Indication::TotalFailed => lang.pick("needs action", "cần xử lý"),
        Indication::Indeterminate => lang.pick("not confirmed", "chưa xác định được"),
    }
}

/// What a signature's ETSI indication means, for officials reading Vietnamese (EN 319 102-1
/// §5.1.3); English readers get the standard's words alone.
fn signature_gloss(i: Indication, lang: Lang) -> &'static str {
    match (lang, i) {
        (Lang::Vi, Indication::TotalPassed) => " (hợp lệ)",
        (Lang::Vi, Indication::TotalFailed) => " (không hợp lệ)",
        (Lang::Vi, Indication::Indeterminate) => " (chưa xác định được)",
        _ => "",
    }
}

fn counts(d: &DossierReport, lang: Lang) -> String {
    let c = d.counts;
    match lang {
        Lang::Vi => format!(
            "{} tài liệu: {} đã ký, {} chưa ký, {} cần xem lại",
            c.documents, c.signed, c.unsigned, c.flagged
        ),
        Lang::En => format!(
            "{} documents: {} signed, {} unsigned, {} need a look",
            c.documents, c.signed, c.unsigned, c.flagged
        ),
    }
}

/// A time as the desk reads it, in Vietnam's time (UTC+7 all year, no daylight saving, so no
/// time-zone database is needed): `2026-12-02 09:15:40 +07:00`.
fn vietnam_time(t: Timestamp) -> String {
    const OFFSET: i64 = 7 * 3600;
    match t
        .unix()
        .checked_add(OFFSET)
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
    {
        Some(d) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} +07:00",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        ),
        None => t.to_string(),
    }
}

/// A UID value as the CLI shows it: `CCCD 0010…345` (a personal number, its first four and
/// last three digits unless `full`), `MST 0700123456` (organisational codes are public).
fn identifier(value: &str, full: bool) -> String {
    let Some((prefix, _, _, rest)) = uid_label(value) else {
        return value.to_string();
    };
    let personal = matches!(prefix, "CCCD" | "CMND" | "HC" | "BHXH");
    let n = rest.chars().count();
    if full || !personal || n <= 7 {
        return format!("{prefix} {rest}");
    }
    let head: String = rest.chars().take(4).collect();
    let tail: String = rest.chars().skip(n - 3).collect();
    format!("{prefix} {head}…{tail}")
}

/// Characters that reorder the text around them (UAX #9 explicit formatting characters): a
/// name carrying one would read otherwise than it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

// ---------------------------------------------------------------------------------------
// HTML

/// `s` as HTML text: the five special characters as references, control and bidi characters
/// as U+FFFD (line breaks and tabs as spaces).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn class_of(i: Option<Indication>) -> &'static str {
    match i {
        Some(Indication::TotalPassed) => "passed",
        Some(Indication::TotalFailed) => "failed",
        Some(Indication::Indeterminate) => "indeterminate",
        None => "none",
    }
}

/// Print-friendly A4: black on white, thin rules, a document's rows kept on one page where
/// they fit, the table's heading repeated on every page; only fonts the machine has.
const CSS: &str = "\
@page { size: A4; margin: 14mm 15mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #000; }
body { margin: 0 auto; max-width: 180mm; padding: 6mm 0; font: 10pt/1.35 \"DejaVu Sans\", \"Noto Sans\", \"Liberation Sans\", Arial, sans-serif; }
h1 { font-size: 14pt; text-align: center; margin: 0 0 5mm; letter-spacing: 0.02em; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm; overflow-wrap: anywhere; }
.facts th { width: 48mm; font-weight: bold; }
.facts td, .facts th { border-bottom: 0.3pt solid #bbb; }
.docs { font-size: 9pt; }
.docs th, .docs td { border: 0.5pt solid #666; }
.docs thead th { background: #ddd; }
.docs thead { display: table-header-group; }
.docs tbody { break-inside: avoid; page-break-inside: avoid; }
.docs .doc th { background: #eee; font-weight: bold; }
.docs .doc .status { font-weight: normal; }
.docs td.order { width: 12mm; text-align: center; }
.docs td.role { width: 21mm; }
.docs td.time { width: 45mm; white-space: nowrap; }
.docs td.result { width: 42mm; }
.sub, .org, .ids, .files { display: block; color: #333; }
.files { font-weight: normal; font-size: 8.5pt; }
.flags td { color: #900; }
.passed { color: #060; }
.failed { color: #900; }
.indeterminate { color: #950; }
.anchors li { margin-bottom: 1.5mm; }
.fp { display: block; font-family: \"DejaVu Sans Mono\", \"Liberation Mono\", monospace; font-size: 8pt; overflow-wrap: anywhere; }
.note { margin-top: 6mm; font-size: 8.5pt; color: #333; }
@media print { body { max-width: none; padding: 0; } }
";

fn html(r: &Receipt) -> String {
    let mut s = String::with_capacity(8192 + r.documents.len() * 1024);
    let lang = match r.lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    };
    let path = r
        .path
        .as_ref()
        .map_or_else(String::new, |p| format!(" — {}", escape(p)));
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"kyso {}\">\n<title>{}{path}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<table class=\"facts\">\n",
        env!("CARGO_PKG_VERSION"),
        escape(&r.title),
        escape(&r.title),
    );
    for f in &r.facts {
        let class = f.verdict.map_or_else(String::new, |v| {
            format!(" class=\"verdict {}\"", class_of(Some(v)))
        });
        let _ = writeln!(
            s,
            "<tr{class}><th>{}</th><td>{}</td></tr>",
            escape(&f.label),
            escape(&f.value)
        );
    }
    let _ = writeln!(
        s,
        "</table>\n<h2>{} ({})</h2>",
        escape(&r.anchors_heading),
        r.anchors.len()
    );
    if r.anchors.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", escape(&r.no_anchors));
    } else {
        s.push_str("<ol class=\"anchors\">\n");
        for a in &r.anchors {
            let _ = writeln!(
                s,
                "<li>{}<span class=\"fp\">{}</span></li>",
                escape(&a.subject),
                escape(&a.fingerprint)
            );
        }
        s.push_str("</ol>\n");
    }
    if let Some(why) = &r.no_dossier {
        let _ = writeln!(s, "<p>{}</p>", escape(why));
    } else {
        let _ = write!(
            s,
            "<h2>{}</h2>\n<table class=\"docs\">\n<thead><tr>",
            escape(&r.documents_heading)
        );
        for c in &r.columns {
            let _ = write!(s, "<th>{}</th>", escape(c));
        }
        s.push_str("</tr></thead>\n");
        for d in &r.documents {
            html_document(&mut s, d);
        }
        s.push_str("</table>\n");
    }
    let _ = write!(
        s,
        "<p class=\"note\">{}</p>\n</main>\n</body>\n</html>\n",
        escape(&r.note)
    );
    s
}

fn html_document(s: &mut String, d: &Doc) {
    let files = d.signature_files.as_ref().map_or_else(String::new, |f| {
        format!("<span class=\"files\">{}</span>", escape(f))
    });
    let _ = writeln!(
        s,
        "<tbody>\n<tr class=\"doc\"><th colspan=\"5\">{} — <span class=\"status {}\">{}</span>{files}</th></tr>",
        escape(&d.heading),
        class_of(d.indication),
        escape(&d.status),
    );
    for g in &d.signers {
        let span = |class: &str, v: &Option<String>| {
            v.as_ref().map_or_else(String::new, |v| {
                format!("<span class=\"{class}\">{}</span>", escape(v))
            })
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"order\">{}</td><td>{}{}{}</td><td class=\"role\">{}</td>\
             <td class=\"time\">{}{}</td><td class=\"result {}\">{}{}</td></tr>",
            escape(&g.order),
            escape(&g.name),
            span("org", &g.organisation),
            span("ids", &g.identifiers),
            escape(&g.role),
            escape(&g.time),
            span("sub", &g.time_note),
            class_of(Some(g.indication)),
            escape(&g.result),
            span("sub", &g.sub_indication),
        );
    }
    if let Some(f) = &d.flags {
        let _ = writeln!(
            s,
            "<tr class=\"flags\"><td colspan=\"5\">{}</td></tr>",
            escape(f)
        );
    }
    s.push_str("</tbody>\n");
}

// ---------------------------------------------------------------------------------------
// PDF

/// A4 in points: 210 mm x 297 mm (ISO 216).
const PAGE_WIDTH: f64 = 595.276;
const PAGE_HEIGHT: f64 = 841.89;
/// 15 mm all round, what printers of the desk's A4 reach.
const MARGIN: f64 = 42.52;
/// The band at the foot of each page for its number.
const FOOTER: f64 = 18.0;
const WIDTH: f64 = PAGE_WIDTH - 2.0 * MARGIN;
/// Font sizes in points: the title, the facts and headings, the table.
const TITLE_SIZE: f64 = 13.0;
const BODY_SIZE: f64 = 9.0;
const TABLE_SIZE: f64 = 8.0;
/// Distance between baselines, as a multiple of the font size.
const LEADING: f64 = 1.25;
/// Space inside a table cell, in points.
const PAD: f64 = 3.0;
/// Lines of one table cell or heading: past them the last line ends with "…". A signer's
/// name, organisation and identifiers take three; a hostile certificate name cannot make a
/// row taller than a page.
const MAX_CELL_LINES: usize = 6;
/// The widths of the table's columns (order, signer, role, signing time, result), in points;
/// the time (`2026-12-02 09:15:40 +07:00`, 125 pt at 8 pt) fits on one line.
const COLUMNS: [f64; 5] = [
    34.0,
    168.0,
    62.0,
    134.0,
    WIDTH - 34.0 - 168.0 - 62.0 - 134.0,
];
/// Distinct characters one receipt draws: the font's text holds [`MAX_LINES`] lines of
/// [`MAX_LINE_CHARS`] characters, and each character is followed by a space there (so none
/// composes with its neighbour). A receipt in Vietnamese needs about 120; further ones are
/// drawn as U+FFFD.
const MAX_DISTINCT_CHARS: usize = MAX_LINES * MAX_LINE_CHARS / 2;
/// The label column of the facts at the top.
const LABEL_WIDTH: f64 = 130.0;

type Color = (f64, f64, f64);
const BLACK: Color = (0.0, 0.0, 0.0);
const GREY: Color = (0.3, 0.3, 0.3);
const RED: Color = (0.6, 0.0, 0.0);
const GREEN: Color = (0.0, 0.4, 0.0);
const AMBER: Color = (0.55, 0.33, 0.0);

fn color_of(i: Option<Indication>) -> Color {
    match i {
        Some(Indication::TotalPassed) => GREEN,
        Some(Indication::TotalFailed) => RED,
        Some(Indication::Indeterminate) => AMBER,
        None => BLACK,
    }
}

/// The characters the receipt draws, with their advance widths: what the layout measures.
struct Chars {
    face: ttf_parser::Face<'static>,
    per_em: f64,
    /// Advance width in em, per character drawn so far.
    widths: HashMap<char, f64>,
    /// The characters drawn, in first-use order.
    order: Vec<char>,
    /// What stands for a character that cannot be drawn: U+FFFD, or `?` in a font without it.
    replacement: char,
    /// The font's ascent above and descent below the baseline, in em.
    ascent: f64,
    descent: f64,
}

impl Chars {
    fn new() -> Result<Chars, PdfError> {
        let face = font::face()?;
        let per_em = f64::from(face.units_per_em().max(1));
        let has = |c: char| face.glyph_index(c).is_some_and(|g| g.0 != 0);
        let replacement = if has('\u{FFFD}') { '\u{FFFD}' } else { '?' };
        let ascent = f64::from(face.ascender()) / per_em;
        let descent = -f64::from(face.descender()) / per_em;
        let mut c = Chars {
            face,
            per_em,
            widths: HashMap::new(),
            order: Vec::new(),
            replacement,
            ascent,
            descent,
        };
        for ch in [' ', '?', '…', replacement] {
            c.admit(ch);
        }
        Ok(c)
    }

    /// Take `ch` into the set when the font draws it and there is room; false otherwise.
    fn admit(&mut self, ch: char) -> bool {
        if self.widths.contains_key(&ch) {
            return true;
        }
        if self.order.len() >= MAX_DISTINCT_CHARS || ch.is_control() || is_bidi_control(ch) {
            return false;
        }
        let Some(gid) = self.face.glyph_index(ch).filter(|g| g.0 != 0) else {
            return false;
        };
        // As `Text::new` measures it, so the layout and the /W widths agree.
        let advance = self.face.glyph_hor_advance(gid).unwrap_or(0);
        let width = (f64::from(advance) * 1000.0 / self.per_em).round() / 1000.0;
        self.widths.insert(ch, width);
        self.order.push(ch);
        true
    }

    /// `s` as it will be drawn: NFC (as `Text::new` normalises), line breaks and tabs as
    /// spaces, every character the font cannot draw (or past the budget) as the replacement.
    fn clean(&mut self, s: &str) -> String {
        s.nfc()
            .map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c if self.admit(c) => c,
                _ => self.replacement,
            })
            .collect()
    }

    /// The width of a cleaned string at `size` points.
    fn width(&self, s: &str, size: f64) -> f64 {
        s.chars()
            .map(|c| self.widths.get(&c).copied().unwrap_or(0.0))
            .sum::<f64>()
            * size
    }

    /// `s` (cleaned) cut to `width` at `size`, ending with "…" when it had to be cut.
    fn truncate(&self, s: &str, width: f64, size: f64) -> String {
        if self.width(s, size) <= width {
            return s.to_string();
        }
        let room = width - self.width("…", size);
        let mut out = String::new();
        let mut used = 0.0;
        for c in s.chars() {
            let w = self.widths.get(&c).copied().unwrap_or(0.0) * size;
            if used + w > room {
                break;
            }
            used += w;
            out.push(c);
        }
        let kept = out.trim_end().len();
        out.truncate(kept);
        out.push('…');
        out
    }

    /// `s` (raw) cleaned and broken into lines of at most `width` at `size`: at spaces
    /// (dropped), after `/ _ - , ;` (kept), and inside a word too long for a line; at most
    /// `max_lines`, the last cut with "…" when more would follow.
    fn wrap(&mut self, s: &str, width: f64, size: f64, max_lines: usize) -> Vec<String> {
        let s = self.clean(s);
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        for piece in pieces(&s) {
            let w = self.width(piece, size);
            let fits = line_width + w <= width;
            if !fits && !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
                line.clear();
                line_width = 0.0;
            }
            let piece = if line.is_empty() {
                piece.trim_start()
            } else {
                piece
            };
            let w = self.width(piece, size);
            if line_width + w <= width {
                line.push_str(piece);
                line_width += w;
                continue;
            }
            // A word wider than a line: broken where the line is full.
            for c in piece.chars() {
                let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                if line_width + cw > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += cw;
            }
        }
        if !line.trim().is_empty() || lines.is_empty() {
            lines.push(line.trim_end().to_string());
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                // Room for "…" after what is kept.
                let cut = self.truncate(&format!("{last}…"), width, size);
                *last = if cut.ends_with("……") {
                    cut.trim_end_matches('…').to_string() + "…"
                } else {
                    cut
                };
            }
        }
        lines
    }
}

/// `s` split where a line may break: each piece is a run of spaces followed by a word that
/// ends after one of `/ _ - , ;` or before the next space.
fn pieces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c == ' ' && in_word {
            out.push(&s[start..i]);
            start = i;
            in_word = false;
        } else if c != ' ' {
            in_word = true;
        }
        if matches!(c, '/' | '_' | '-' | ',' | ';') && in_word {
            let end = i + c.len_utf8();
            out.push(&s[start..end]);
            start = end;
            in_word = false;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// What a block draws, placed from its top-left corner (y grows downwards).
enum Op {
    /// One line of text, its baseline `y` below the block's top.
    Text {
        x: f64,
        y: f64,
        size: f64,
        bold: bool,
        color: Color,
        text: String,
    },
    /// A filled rectangle in a grey level.
    Fill {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        gray: f64,
    },
    /// A rectangle's outline.
    Frame { x: f64, y: f64, w: f64, h: f64 },
}

/// A piece of the page that is never split: a title, a fact, a table row.
struct Block {
    height: f64,
    /// Space after it.
    gap: f64,
    ops: Vec<Op>,
    /// A row of the documents table: a page it starts gets the table's heading first.
    in_table: bool,
    /// Goes on the page of the block after it (a document's heading and its first row).
    keep_with_next: bool,
}

impl Block {
    fn new(height: f64) -> Block {
        Block {
            height,
            gap: 0.0,
            ops: Vec::new(),
            in_table: false,
            keep_with_next: false,
        }
    }
}

/// Lines of text from `y`, one below the other, as ops; returns the height they take.
#[allow(clippy::too_many_arguments)]
fn lines_at(
    ops: &mut Vec<Op>,
    chars: &Chars,
    lines: &[String],
    x: f64,
    y: f64,
    size: f64,
    bold: bool,
    color: Color,
) -> f64 {
    let step = size * LEADING;
    // The glyphs' ascent and descent centred in each line's height.
    let first = (step - (chars.ascent + chars.descent) * size) / 2.0 + chars.ascent * size;
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        ops.push(Op::Text {
            x,
            y: y + first + step * i as f64,
            size,
            bold,
            color,
            text: l.clone(),
        });
    }
    step * lines.len() as f64
}

/// A paragraph across the page's width.
fn paragraph(chars: &mut Chars, text: &str, size: f64, bold: bool, color: Color) -> Block {
    let lines = chars.wrap(text, WIDTH, size, MAX_CELL_LINES);
    let mut b = Block::new(0.0);
    b.height = lines_at(&mut b.ops, chars, &lines, 0.0, 0.0, size, bold, color);
    b
}

/// One cell's content: paragraphs, each with its size, weight and colour.
struct Cell<'a> {
    parts: Vec<(&'a str, f64, bool, Color)>,
}

/// A cell's paragraph laid out: its lines, size, weight and colour.
type Lines = (Vec<String>, f64, bool, Color);

/// A table row over `widths`: every cell wrapped to its column, framed, the row as tall as
/// its tallest cell; `fill` shades it (a heading).
fn row(chars: &mut Chars, cells: &[Cell<'_>], widths: &[f64], fill: Option<f64>) -> Block {
    let mut laid: Vec<Vec<Lines>> = Vec::new();
    let mut height: f64 = 0.0;
    for (cell, w) in cells.iter().zip(widths) {
        let inner = (w - 2.0 * PAD).max(1.0);
        let mut budget = MAX_CELL_LINES;
        let mut parts = Vec::new();
        let mut h = 0.0;
        for (text, size, bold, color) in &cell.parts {
            if budget == 0 {
                break;
            }
            let lines = chars.wrap(text, inner, *size, budget);
            budget -= lines.len().min(budget);
            h += lines.len() as f64 * size * LEADING;
            parts.push((lines, *size, *bold, *color));
        }
        height = height.max(h + 2.0 * PAD);
        laid.push(parts);
    }
    let mut b = Block::new(height);
    let mut x = 0.0;
    for (parts, w) in laid.iter().zip(widths) {
        if let Some(gray) = fill {
            b.ops.push(Op::Fill {
                x,
                y: 0.0,
                w: *w,
                h: height,
                gray,
            });
        }
        b.ops.push(Op::Frame {
            x,
            y: 0.0,
            w: *w,
            h: height,
        });
        let mut y = PAD;
        for (lines, size, bold, color) in parts {
            y += lines_at(&mut b.ops, chars, lines, x + PAD, y, *size, *bold, *color);
        }
        x += w;
    }
    b.in_table = true;
    b
}

/// The receipt as blocks, top to bottom; the table's heading row separately (repeated on
/// every page the table reaches).
fn blocks(r: &Receipt, chars: &mut Chars) -> (Vec<Block>, Block) {
    let mut out = Vec::new();
    let mut title = Block::new(0.0);
    let lines = chars.wrap(&r.title, WIDTH, TITLE_SIZE, 3);
    for l in &lines {
        let w = chars.width(l, TITLE_SIZE);
        let y = title.height;
        title.height += lines_at(
            &mut title.ops,
            chars,
            std::slice::from_ref(l),
            ((WIDTH - w) / 2.0).max(0.0),
            y,
            TITLE_SIZE,
            true,
            BLACK,
        );
    }
    title.gap = 10.0;
    out.push(title);

    for f in &r.facts {
        let color = f.verdict.map_or(BLACK, |v| color_of(Some(v)));
        let label = chars.wrap(&f.label, LABEL_WIDTH - 6.0, BODY_SIZE, 2);
        let value = chars.wrap(&f.value, WIDTH - LABEL_WIDTH, BODY_SIZE, MAX_CELL_LINES);
        let mut b = Block::new(0.0);
        let h1 = lines_at(&mut b.ops, chars, &label, 0.0, 0.0, BODY_SIZE, true, BLACK);
        let bold = f.verdict.is_some();
        let h2 = lines_at(
            &mut b.ops,
            chars,
            &value,
            LABEL_WIDTH,
            0.0,
            BODY_SIZE,
            bold,
            color,
        );
        b.height = h1.max(h2);
        b.gap = 1.5;
        out.push(b);
    }

    let mut h = paragraph(
        chars,
        &format!("{} ({})", r.anchors_heading, r.anchors.len()),
        BODY_SIZE + 1.0,
        true,
        BLACK,
    );
    h.gap = 3.0;
    h.keep_with_next = true;
    if let Some(b) = out.last_mut() {
        b.gap = 10.0;
    }
    out.push(h);
    if r.anchors.is_empty() {
        out.push(paragraph(chars, &r.no_anchors, BODY_SIZE, false, BLACK));
    }
    for (i, a) in r.anchors.iter().enumerate() {
        let mut b = Block::new(0.0);
        let subject = chars.wrap(&format!("{}. {}", i + 1, a.subject), WIDTH, TABLE_SIZE, 3);
        let fp = chars.wrap(&a.fingerprint, WIDTH - 10.0, TABLE_SIZE, 2);
        let h1 = lines_at(
            &mut b.ops, chars, &subject, 0.0, 0.0, TABLE_SIZE, false, BLACK,
        );
        let h2 = lines_at(&mut b.ops, chars, &fp, 10.0, h1, TABLE_SIZE, false, GREY);
        b.height = h1 + h2;
        b.gap = 3.0;
        out.push(b);
    }
    if let Some(b) = out.last_mut() {
        b.gap = 10.0;
    }

    let header_cells: Vec<Cell<'_>> = r
        .columns
        .iter()
        .map(|c| Cell {
            parts: vec![(c.as_str(), TABLE_SIZE, true, BLACK)],
        })
        .collect();
    let header = row(chars, &header_cells, &COLUMNS, Some(0.85));

    if let Some(why) = &r.no_dossier {
        out.push(paragraph(chars, why, BODY_SIZE, false, BLACK));
    } else {
        let mut h = paragraph(chars, &r.documents_heading, BODY_SIZE + 1.0, true, BLACK);
        h.gap = 3.0;
        h.keep_with_next = true;
        out.push(h);
        // The first row of the table comes with its heading row; later pages get it again.
        let mut first = true;
        for d in &r.documents {
            let heading = format!("{} — {}", d.heading, d.status);
            let mut parts = vec![(heading.as_str(), BODY_SIZE, true, BLACK)];
            if let Some(f) = &d.signature_files {
                parts.push((f.as_str(), TABLE_SIZE, false, GREY));
            }
            let mut b = row(chars, &[Cell { parts }], &[WIDTH], Some(0.93));
            b.keep_with_next = !d.signers.is_empty() || d.flags.is_some();
            if first {
                let mut header = row(chars, &header_cells, &COLUMNS, Some(0.85));
                header.keep_with_next = true;
                out.push(header);
                first = false;
            }
            out.push(b);
            for g in &d.signers {
                let mut signer = vec![(g.name.as_str(), TABLE_SIZE, false, BLACK)];
                for v in [&g.organisation, &g.identifiers].into_iter().flatten() {
                    signer.push((v.as_str(), TABLE_SIZE, false, GREY));
                }
                let mut time = vec![(g.time.as_str(), TABLE_SIZE, false, BLACK)];
                if let Some(n) = &g.time_note {
                    time.push((n.as_str(), TABLE_SIZE, false, GREY));
                }
                let color = color_of(Some(g.indication));
                let mut result = vec![(g.result.as_str(), TABLE_SIZE, false, color)];
                if let Some(sub) = &g.sub_indication {
                    result.push((sub.as_str(), TABLE_SIZE, false, color));
                }
                let cells = [
                    Cell {
                        parts: vec![(g.order.as_str(), TABLE_SIZE, false, BLACK)],
                    },
                    Cell { parts: signer },
                    Cell {
                        parts: vec![(g.role.as_str(), TABLE_SIZE, false, BLACK)],
                    },
                    Cell { parts: time },
                    Cell { parts: result },
                ];
                out.push(row(chars, &cells, &COLUMNS, None));
            }
            if let Some(f) = &d.flags {
                out.push(row(
                    chars,
                    &[Cell {
                        parts: vec![(f.as_str(), TABLE_SIZE, false, RED)],
                    }],
                    &[WIDTH],
                    None,
                ));
            }
        }
        if let Some(b) = out.last_mut() {
            b.gap = 10.0;
        }
    }
    let mut note = paragraph(chars, &r.note, TABLE_SIZE, false, GREY);
    note.in_table = false;
    out.push(note);
    (out, header)
}

/// The blocks on pages: each placed whole (a block taller than a page, which the line limits
/// rule out, would be placed anyway, cut at the foot); a table row that starts a page comes
/// after the table's heading.
fn paginate<'a>(blocks: &'a [Block], header: &'a Block) -> Vec<Vec<(f64, &'a Block)>> {
    let bottom = PAGE_HEIGHT - MARGIN - FOOTER;
    let mut pages: Vec<Vec<(f64, &Block)>> = vec![Vec::new()];
    let mut y = MARGIN;
    let mut fresh = true;
    for (i, b) in blocks.iter().enumerate() {
        // With the blocks it is kept with (a short chain: heading, table heading, row).
        let mut need = b.height;
        let mut j = i;
        while blocks[j].keep_with_next && j < i + 3 {
            let Some(next) = blocks.get(j + 1) else { break };
            need += blocks[j].gap + next.height;
            j += 1;
        }
        if y + need > bottom && !fresh {
            pages.push(Vec::new());
            y = MARGIN;
            let continues_table = i > 0 && blocks[i - 1].in_table;
            if b.in_table && continues_table {
                if let Some(page) = pages.last_mut() {
                    page.push((y, header));
                }
                y += header.height;
            }
        }
        if let Some(page) = pages.last_mut() {
            page.push((y, b));
        }
        fresh = false;
        y += b.height + b.gap;
    }
    pages
}

/// The content stream of one page.
fn page_content(
    placed: &[(f64, &Block)],
    footer: &[Op],
    cids: &HashMap<char, u16>,
    fallback: u16,
) -> Vec<u8> {
    let mut s = String::new();
    let mut draw = |op: &Op, top: f64| {
        match op {
            Op::Fill { x, y, w, h, gray } => {
                let _ = writeln!(
                    s,
                    "{} g {} {} {} {} re f",
                    num(*gray),
                    num(MARGIN + x),
                    num(PAGE_HEIGHT - top - y - h),
                    num(*w),
                    num(*h)
                );
            }
            Op::Frame { x, y, w, h } => {
                let _ = writeln!(
                    s,
                    "0.4 G 0.5 w {} {} {} {} re S",
                    num(MARGIN + x),
                    num(PAGE_HEIGHT - top - y - h),
                    num(*w),
                    num(*h)
                );
            }
            Op::Text {
                x,
                y,
                size,
                bold,
                color,
                text,
            } => {
                let (r, g, b) = color;
                let rgb = format!("{} {} {}", num(*r), num(*g), num(*b));
                // Bold without a bold font: the glyphs filled and stroked (render mode 2)
                // with a thin outline.
                let mode = if *bold {
                    format!("{rgb} RG 0.3 w 2 Tr")
                } else {
                    "0 Tr".to_string()
                };
                let hex: String = text
                    .chars()
                    .map(|c| format!("{:04X}", cids.get(&c).copied().unwrap_or(fallback)))
                    .collect();
                let _ = writeln!(
                    s,
                    "BT /F1 {} Tf {rgb} rg {mode} 1 0 0 1 {} {} Tm <{hex}> Tj ET",
                    num(*size),
                    num(MARGIN + x),
                    num(PAGE_HEIGHT - top - y)
                );
            }
        }
    };
    for (top, b) in placed {
        for op in &b.ops {
            draw(op, *top);
        }
    }
    for op in footer {
        draw(op, PAGE_HEIGHT - MARGIN - FOOTER);
    }
    s.into_bytes()
}

/// A PDF text string (§7.9.2.2): UTF-16BE with its byte order mark, in hex.
fn text_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
    out
}

/// A PDF date (§7.9.4) in Vietnam's time.
fn pdf_date(t: Timestamp) -> String {
    let v = vietnam_time(t);
    let digits: String = v.chars().take(19).filter(char::is_ascii_digit).collect();
    if digits.len() == 14 {
        format!("(D:{digits}+07'00')")
    } else {
        "(D:19700101000000Z)".into()
    }
}

fn pdf(r: &Receipt) -> Result<Vec<u8>, PdfError> {
    let mut chars = Chars::new()?;
    let (blocks, header) = blocks(r, &mut chars);
    let pages = paginate(&blocks, &header);
    let total = pages.len();
    let footers: Vec<Vec<Op>> = (1..=total)
        .map(|n| {
            let label = match r.lang {
                Lang::Vi => format!("Trang {n}/{total}"),
                Lang::En => format!("Page {n} of {total}"),
            };
            let label = chars.clean(&label);
            let w = chars.width(&label, TABLE_SIZE);
            let mut ops = Vec::new();
            lines_at(
                &mut ops,
                &chars,
                &[label],
                WIDTH - w,
                FOOTER - TABLE_SIZE * LEADING,
                TABLE_SIZE,
                false,
                GREY,
            );
            ops
        })
        .collect();

    // The font: one text of every character drawn, each followed by a space (nothing
    // composes across a space under NFC), which `Text::new` maps to glyphs in order.
    let chunks: Vec<&[char]> = chars.order.chunks(MAX_LINE_CHARS / 2).collect();
    let alphabet: Vec<String> = chunks
        .iter()
        .map(|c| c.iter().flat_map(|&ch| [ch, ' ']).collect())
        .collect();
    let text = Text::new(&alphabet)?;
    let mut cids: HashMap<char, u16> = HashMap::new();
    for (chunk, glyphs) in chunks.iter().zip(&text.lines) {
        if glyphs.len() != chunk.len() * 2 {
            return Err(PdfError::AppearanceFont {
                what: "the receipt's characters did not map one to one to glyphs".into(),
            });
        }
        for (k, ch) in chunk.iter().enumerate() {
            cids.insert(*ch, glyphs[2 * k].cid);
        }
    }
    let fallback = cids.get(&chars.replacement).copied().unwrap_or(0);

    // 1 the catalog, 2 the page tree, 3 the document information, then the font's objects,
    // then each page and its content stream.
    let mut numbers = Numbers { next: 4 };
    let mut objects: Vec<(u32, Vec<u8>)> = Vec::new();
    let font = font::write_font(&text, &mut numbers, &mut objects)?;
    let mut kids = Vec::with_capacity(total);
    for (placed, footer) in pages.iter().zip(&footers) {
        let page = numbers.take()?;
        let content = numbers.take()?;
        kids.push(format!("{page} 0 R"));
        objects.push((
            page,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                 /Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>",
                num(PAGE_WIDTH),
                num(PAGE_HEIGHT)
            )
            .into_bytes(),
        ));
        let data = page_content(placed, footer, &cids, fallback);
        objects.push((content, stream("/Filter /FlateDecode", &deflate(&data)?)));
    }
    let lang = match r.lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    };
    objects.push((
        1,
        format!("<< /Type /Catalog /Pages 2 0 R /Lang ({lang}) >>").into_bytes(),
    ));
    objects.push((
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {total} >>",
            kids.join(" ")
        )
        .into_bytes(),
    ));
    let title = match &r.path {
        Some(path) => format!("{} — {path}", r.title),
        None => r.title.clone(),
    };
    let created = r.created;
    objects.push((
        3,
        format!(
            "<< /Title {} /Producer (kyso {}) /CreationDate {} >>",
            text_string(&title),
            env!("CARGO_PKG_VERSION"),
            pdf_date(created)
        )
        .into_bytes(),
    ));
    objects.sort_by_key(|(n, _)| *n);
    Ok(file(&objects))
}

/// The file (§7.5): header, the objects numbered 1..n in order, the cross-reference table,
/// the trailer.
fn file(objects: &[(u32, Vec<u8>)]) -> Vec<u8> {
    // The second line's bytes above 127 tell transfer programs the file is binary (§7.5.2).
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (n, body) in objects {
        offsets.push(out.len());
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let id = hex::encode(&Sha256::digest(&out)[..16]);
    let xref = out.len();
    let size = objects.len() + 1;
    let mut x = format!("xref\n0 {size}\n0000000000 65535 f \n");
    for o in &offsets {
        let _ = writeln!(x, "{o:010} 00000 n ");
    }
    let _ = write!(
        x,
        "trailer\n<< /Size {size} /Root 1 0 R /Info 3 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n"
    );
    out.extend_from_slice(x.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{DossierCounts, SubIndication};
    use crate::x509::role::{RoleBasis, RoleDecision};

    fn signer(name: &str, ids: &[&str], role: SignerRole) -> DossierSigner {
        DossierSigner {
            name: name.into(),
            organisation: Some("Sở Tư pháp Hà Nội".into()),
            identifiers: ids.iter().map(|s| s.to_string()).collect(),
            role: RoleDecision {
                role,
                basis: RoleBasis::NoEvidence,
                evidence: String::new(),
            },
            time: Some(Timestamp::from_unix(1_796_264_140)),
            time_proven: false,
            indication: Indication::TotalFailed,
            sub_indication: Some(SubIndication::HashFailure),
            document_index: 0,
            signature_index: 0,
        }
    }

    fn report(files: &[&str]) -> Report {
        let documents: Vec<DossierDocument> = files
            .iter()
            .map(|f| DossierDocument {
                file: f.to_string(),
                signature_files: vec![format!("{f}.p7s")],
                indication: Some(Indication::TotalFailed),
                signers: vec![signer(
                    "Nguyễn Văn An",
                    &["CCCD:001085012345", "MST:0700123456"],
                    SignerRole::Person,
                )],
                signing_order: None,
                flags: vec![
                    DossierFlag::FailedSignature,
                    DossierFlag::SignedAfterDeadline,
                ],
            })
            .collect();
        Report::new(Timestamp::from_unix(1_796_264_140), Vec::new()).with_dossier(DossierReport {
            path: "ho-so".into(),
            indication: Indication::TotalFailed,
            deadline: None,
            counts: DossierCounts {
                documents: documents.len(),
                signed: documents.len(),
                unsigned: 0,
                flagged: documents.len(),
            },
            documents,
        })
    }

    #[test]
    fn hostile_names_are_escaped() {
        let r = report(&[
            "<script>alert('x')</script>&\"q\".txt",
            "hoa-don\u{202E}fdp.exe",
        ]);
        let h = receipt_html(&r, &[], Lang::Vi, false);
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;.txt"));
        assert!(h.contains("hoa-don\u{FFFD}fdp.exe"), "{h}");
        assert!(!h.contains('\u{202E}'));
        assert_eq!(escape("a\u{0}b\nc"), "a\u{FFFD}b c");
        assert!(!h.contains("http:") && !h.contains("https:") && !h.contains("src="));
    }

    #[test]
    fn personal_ids_are_masked_unless_asked() {
        assert_eq!(identifier("CCCD:001085012345", false), "CCCD 0010…345");
        assert_eq!(identifier("CCCD:001085012345", true), "CCCD 001085012345");
        assert_eq!(identifier("MST:0700123456", false), "MST 0700123456");
        assert_eq!(identifier("something", false), "something");
        let h = receipt_html(&report(&["a.txt"]), &[], Lang::Vi, false);
        assert!(h.contains("CCCD 0010…345, MST 0700123456"), "{h}");
        assert!(!h.contains("001085012345"));
    }

    #[test]
    fn times_are_in_vietnam_time() {
        assert_eq!(
            vietnam_time(Timestamp::from_unix(1_796_264_140)),
            "2026-12-03 09:15:40 +07:00"
        );
        assert_eq!(
            pdf_date(Timestamp::from_unix(1_796_264_140)),
            "(D:20261203091540+07'00')"
        );
        // Out of range: the UTC form, no panic.
        assert!(!vietnam_time(Timestamp::from_unix(i64::MAX)).is_empty());
    }

    #[test]
    fn lines_are_cut_with_an_ellipsis_to_the_width() {
        let mut c = Chars::new().unwrap();
        let s = c.clean("Ủy ban nhân dân tỉnh Hà Nam, Sở Nội vụ, Phòng Văn thư");
        let full = c.width(&s, 8.0);
        assert_eq!(c.truncate(&s, full + 0.01, 8.0), s);
        for width in [20.0, 60.0, full - 1.0] {
            let t = c.truncate(&s, width, 8.0);
            assert!(t.ends_with('…'), "{t}");
            assert!(c.width(&t, 8.0) <= width + 1e-9, "{t} at {width}");
            assert!(s.starts_with(t.trim_end_matches('…')), "{t}");
        }
        // Wrapped at spaces, each line within the width, at most the lines asked for.
        let lines = c.wrap(&s, 100.0, 8.0, 10);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), s);
        for l in &lines {
            assert!(c.width(l, 8.0) <= 100.0 + 1e-9, "{l}");
        }
        let two = c.wrap(&s, 100.0, 8.0, 2);
        assert_eq!(two.len(), 2);
        assert!(two[1].ends_with('…') && c.width(&two[1], 8.0) <= 100.0 + 1e-9);
        // A word longer than the line is broken inside.
        let long = "a".repeat(300);
        let parts = c.wrap(&long, 50.0, 8.0, 100);
        assert_eq!(parts.concat(), long);
        assert!(parts.iter().all(|l| c.width(l, 8.0) <= 50.0 + 1e-9));
    }

    #[test]
    fn characters_the_font_lacks_are_replaced() {
        let mut c = Chars::new().unwrap();
        // Decomposed Vietnamese composes; CJK (not in DejaVu Sans) and controls are replaced.
        assert_eq!(
            c.clean("Nguye\u{0302}\u{0303}n 漢\u{7}"),
            "Nguyễn \u{FFFD}\u{FFFD}"
        );
    }

    #[test]
    fn a_pdf_is_written_and_a_report_without_dossier_is_refused() {
        let files: Vec<String> = (0..80).map(|i| format!("tai-lieu-{i:02}.pdf")).collect();
        let names: Vec<&str> = files.iter().map(String::as_str).collect();
        let pdf = receipt_pdf(&report(&names), &[], Lang::Vi, false).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Type /Pages"), "{text}");
        let count: usize = text
            .split("/Count ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count > 1, "{count} pages");
        // The same report gives the same bytes.
        assert_eq!(
            pdf,
            receipt_pdf(&report(&names), &[], Lang::Vi, false).unwrap()
        );
        let none = Report::new(Timestamp::from_unix(0), Vec::new());
        assert!(receipt_pdf(&none, &[], Lang::En, false).is_err());
        let h = receipt_html(&none, &[], Lang::En, false);
        assert!(h.contains("holds no dossier verdict"), "{h}");
    }

    #[test]
    fn pieces_break_after_separators() {
        assert_eq!(
            pieces("TOTAL-FAILED / HASH_FAILURE x"),
            ["TOTAL-", "FAILED", " /", " HASH_", "FAILURE", " x"]
        );
    }
}
