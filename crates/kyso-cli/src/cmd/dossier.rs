//! `kyso verify --dossier DIR`: the library judges the dossier
//! ([`kyso::Verifier::verify_dossier`]); this prints its verdict and picks the exit code.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use kyso::{DossierFlag, DossierReport, Indication, Lang, SignerRole};

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
}

pub fn run(verifier: &kyso::Verifier, dir: &Path, o: &Options) -> Result<u8> {
    let v = verifier
        .verify_dossier(dir, o.deadline, o.at)
        .map_err(|e| anyhow::anyhow!(e.message(o.lang)))?;
    let report = kyso::Report::new(o.at, v.documents)
        .with_policy(verifier.policy().id())
        .with_dossier(v.dossier);
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

fn flag_text(f: DossierFlag, lang: Lang) -> &'static str {
    match f {
        DossierFlag::Unsigned => lang.pick("not signed", "chưa ký"),
        DossierFlag::FailedSignature => lang.pick("a signature failed", "có chữ ký không hợp lệ"),
        DossierFlag::IndeterminateSignature => lang.pick(
            "a signature could not be confirmed",
            "có chữ ký chưa xác định được",
        ),
        DossierFlag::MissingOrganisationSignature => lang.pick(
            "the organisation's signature is missing",
            "thiếu chữ ký của cơ quan, tổ chức",
        ),
        DossierFlag::MissingOfficialSignature => lang.pick(
            "the official's signature is missing",
            "thiếu chữ ký của người có thẩm quyền",
        ),
        DossierFlag::OrganisationBeforeOfficial => lang.pick(
            "the organisation signed before the official",
            "cơ quan, tổ chức ký trước người có thẩm quyền",
        ),
        DossierFlag::RoleUnknown => lang.pick(
            "a signer's role is not in its certificate",
            "chứng thư số không cho biết vai trò của người ký",
        ),
        DossierFlag::SignedAfterDeadline => {
            lang.pick("signed after the deadline", "ký sau thời hạn")
        }
        DossierFlag::ContentMissing => lang.pick(
            "the signed content is not in the dossier",
            "không có tài liệu được ký trong hồ sơ",
        ),
        _ => lang.pick("needs a look", "cần xem lại"),
    }
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
            let flags: Vec<&str> = doc.flags.iter().map(|f| flag_text(*f, lang)).collect();
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
