//! `kyso verify --dossier DIR`: the library judges the dossier
//! ([`kyso::Verifier::verify_dossier`]); this prints its verdict, writes its receipt
//! (`--receipt`, [`kyso::receipt_html`], [`kyso::receipt_pdf`]) and picks the exit code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kyso::{DossierReport, Indication, Lang, SignerRole};

use crate::display;
use crate::exit;
use crate::output;

/// What the run prints.
pub struct Options {
    pub json: bool,
    pub lang: Lang,
    pub full_ids: bool,
    pub verbose: bool,
    pub deadline: Option<kyso::Timestamp>,
    pub at: kyso::Timestamp,
    /// `--receipt FILE`: its extension was checked by [`receipt_file`].
    pub receipt: Option<PathBuf>,
}

/// `--receipt`: HTML or PDF, said by the extension.
pub fn receipt_file(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    match receipt_kind(&p) {
        Some(_) => Ok(p),
        None => Err(format!(
            "'{s}': a receipt is written as HTML or PDF by its extension: name it FILE.html or FILE.pdf"
        )),
    }
}

/// A receipt written inside the dossier would be one of its documents at the next check (an
/// unsigned file): refused, before anything is verified. Files are not told apart by what
/// they claim to be: a file that says it is a receipt could hide an unsigned document.
pub fn refuse_receipt_inside(dir: &Path, receipt: &Path, lang: Lang) -> Result<()> {
    let parent = match receipt.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (Ok(dir), Ok(parent)) = (dir.canonicalize(), parent.canonicalize()) else {
        // A missing dossier folder is reported by the verification; a missing receipt
        // folder by the write.
        return Ok(());
    };
    if parent.starts_with(&dir) {
        let (r, d) = (receipt.display(), dir.display());
        anyhow::bail!(match lang {
            Lang::Vi => format!(
                "--receipt {r} nằm trong thư mục hồ sơ {d}: lần kiểm tra sau nó sẽ bị tính là một tài liệu chưa ký của hồ sơ\ngợi ý: ghi biên nhận ra ngoài thư mục hồ sơ (ví dụ --receipt bien-nhan.pdf)"
            ),
            _ => format!(
                "--receipt {r} is inside the dossier {d}: it would count as an unsigned document of the dossier at the next check\nhint: write the receipt beside the dossier folder (e.g. --receipt bien-nhan.pdf)"
            ),
        });
    }
    Ok(())
}

/// True for a PDF receipt, false for HTML; `None` for any other extension.
fn receipt_kind(p: &Path) -> Option<bool> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Some(true),
        "html" | "htm" => Some(false),
        _ => None,
    }
}

/// Write the receipt of `report` to `path`, atomically: a run that fails leaves an earlier
/// receipt as it was.
fn write_receipt(
    report: &kyso::Report,
    anchors: &[kyso::Certificate],
    path: &Path,
    o: &Options,
) -> Result<()> {
    let bytes = if receipt_kind(path) == Some(true) {
        kyso::receipt_pdf(report, anchors, o.lang, o.full_ids)
            .map_err(|e| anyhow::anyhow!(e.message(o.lang)))?
    } else {
        kyso::receipt_html(report, anchors, o.lang, o.full_ids).into_bytes()
    };
    output::write_atomic(path, true, &mut |w| {
        w.write_all(&bytes).context(crate::tr!("writing_output"))
    })?;
    eprintln!(
        "kyso: {} {}",
        o.lang.pick("receipt written:", "đã ghi biên nhận:"),
        path.display()
    );
    Ok(())
}

pub fn run(verifier: &kyso::Verifier, dir: &Path, o: &Options) -> Result<u8> {
    let v = verifier
        .verify_dossier(dir, o.deadline, o.at)
        .map_err(|e| anyhow::anyhow!(e.message(o.lang)))?;
    let report = kyso::Report::new(o.at, v.documents)
        .with_policy(verifier.policy().id())
        .with_dossier(v.dossier);
    if let Some(path) = &o.receipt {
        write_receipt(&report, verifier.trust_anchors(), path, o)?;
    }
    let mut out = output::Stdout::new();
    if o.json {
        out.write(report.to_json().as_bytes());
        out.write(b"\n");
    } else {
        let mut s = String::new();
        // The reports of the files that need a look (all with --verbose), then the verdict.
        for d in &report.documents {
            if o.verbose || d.indication != Indication::TotalPassed {
                s.push_str(&super::verify::render_document(d, o.lang, o.full_ids));
            }
        }
        if let Some(d) = &report.dossier {
            s.push_str(&render(d, o.lang));
        }
        out.write(s.as_bytes());
    }
    out.flush();
    Ok(match report.worst() {
        Some(Indication::TotalFailed) => exit::FAILED,
        Some(Indication::Indeterminate) => exit::INDETERMINATE,
        _ => exit::OK,
    })
}

fn gloss(i: Indication, lang: Lang) -> &'static str {
    match i {
        Indication::TotalPassed => lang.pick("complete", "đầy đủ, hợp lệ"),
        Indication::TotalFailed => lang.pick("needs action", "cần xử lý"),
        Indication::Indeterminate => lang.pick("not confirmed", "chưa xác định được"),
    }
}

/// The verdict block: one line per document, its signers in order, then its flags.
fn render(d: &DossierReport, lang: Lang) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {}: {} ({})",
        lang.pick("dossier", "hồ sơ"),
        d.path,
        d.indication.as_str(),
        gloss(d.indication, lang)
    );
    for doc in &d.documents {
        let mark = if doc.flags.is_empty() { "✓" } else { "✗" };
        let signers: Vec<String> = doc
            .signers
            .iter()
            .map(|g| {
                let role = match g.role.role {
                    SignerRole::Person => lang.pick("official", "cá nhân"),
                    SignerRole::Organisation => lang.pick("organisation", "tổ chức"),
                    _ => lang.pick("role unknown", "chưa rõ vai trò"),
                };
                let time = g.time.map_or_else(String::new, |t| {
                    let proven = if g.time_proven {
                        ""
                    } else {
                        lang.pick(", claimed", ", theo khai báo")
                    };
                    format!(", {}{proven}", display::local_time(t))
                });
                format!("{} ({role}{time}) {}", g.name, g.indication.as_str())
            })
            .collect();
        let who = if signers.is_empty() {
            String::new()
        } else {
            format!(": {}", signers.join(lang.pick(", then ", ", sau đó ")))
        };
        let _ = writeln!(s, "  {mark} {}{who}", doc.file);
        if !doc.flags.is_empty() {
            let flags: Vec<&str> = doc.flags.iter().map(|f| f.describe(lang)).collect();
            let _ = writeln!(s, "      {}", flags.join("; "));
        }
    }
    let c = d.counts;
    let _ = writeln!(
        s,
        "{}",
        match lang {
            Lang::Vi => format!(
                "{} tài liệu: {} đã ký, {} chưa ký, {} cần xem lại",
                c.documents, c.signed, c.unsigned, c.flagged
            ),
            _ => format!(
                "{} documents: {} signed, {} unsigned, {} need a look",
                c.documents, c.signed, c.unsigned, c.flagged
            ),
        }
    );
    s
}
