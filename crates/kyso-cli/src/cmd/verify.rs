//! `kyso verify`.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use kyso::{CheckResult, DocumentReport, Indication, Lang, Summary};

use crate::advice::with_hint;
use crate::exit;
use crate::output::{self, LangArg};
use crate::schema_v1;

/// `--format` values of `kyso verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum VerifyFormat {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document (schema kyso.verify/v2, or v1 with --schema v1) on stdout.
    Json,
    /// JUnit XML: one test case per signature file, for CI systems.
    Junit,
}

/// `--schema` values of `kyso verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaArg {
    /// kyso.verify/v1 (legacy: reasons as a code string and an English message).
    V1,
    /// kyso.verify/v2 (docs/schema/kyso.verify.v2.schema.json).
    V2,
}

/// Arguments of `kyso verify`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(flatten)]
    certs: output::TrustArgs,
    /// The signed content of a detached signature (default: X for X.p7s). One SIG only.
    #[arg(long, value_name = "FILE")]
    content: Option<PathBuf>,
    /// Validate as of this time (RFC 3339, e.g. 2026-01-31T12:00:00Z); default now.
    #[arg(long, value_name = "TIME", value_parser = super::parse_time)]
    at: Option<kyso::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    format: VerifyFormat,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
    /// JSON schema version: v2 (codes, evidence and hints as data), or the legacy v1.
    #[arg(long, value_enum, default_value_t = SchemaArg::V2)]
    schema: SchemaArg,
    /// Language of the text report (default from the locale).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// INSECURE: accept MD5/SHA-1 and RSA < 2048 / EC < 256 bits (reported as skipped).
    #[arg(long)]
    insecure_legacy_crypto: bool,
    /// Signature files (.p7s, .p7m) or directories searched recursively.
    #[arg(value_name = "SIG", required = true)]
    inputs: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<u8> {
    let format = if a.json { VerifyFormat::Json } else { a.format };
    let lang = output::lang(a.lang);
    let (anchors, intermediates) = a.certs.load()?;
    let files = collect_inputs(&a.inputs)?;
    if a.content.is_some() && files.len() != 1 {
        bail!(
            "--content names the content of one signature, but {} signature files were given",
            files.len()
        );
    }
    let mut verifier = kyso::Verifier::new()
        .with_trust_anchors(anchors.clone())
        .with_intermediates(intermediates)
        .with_crls(a.certs.load_crls()?)
        .with_revocation_mode(a.certs.revocation.into());
    if a.insecure_legacy_crypto {
        verifier.dangerous().allow_legacy_crypto();
    }
    let at = a.at.unwrap_or_else(kyso::Timestamp::now);

    // In parallel across cores. Results are printed in input order as soon as each one and
    // all before it are done, so memory stays flat however many files a run has.
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    // A progress line on a terminal, for text output only (never in JSON/JUnit or a pipe).
    let show_progress =
        format == VerifyFormat::Text && files.len() > 1 && std::io::stderr().is_terminal();
    let mut out = Emitter::new(format, a.schema, lang, at);
    let mut summary = Summary::default();
    let mut worst = None;
    let mut unreadable = 0usize;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<DocumentReport, String>)>();
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, files, verifier, content) = (&next, &files, &verifier, a.content.as_deref());
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                let r = if f.as_os_str() == "-" {
                    verify_stdin(verifier, content, at)
                } else {
                    verifier
                        .verify_file(f, content, at)
                        .map_err(|e| e.to_string())
                };
                if tx.send((i, r)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = std::collections::BTreeMap::new();
        let mut emitted = 0usize;
        let mut last_progress = std::time::Instant::now();
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&emitted) {
                match r {
                    Ok(d) => {
                        summary.total += 1;
                        match d.indication {
                            Indication::TotalPassed => summary.passed += 1,
                            Indication::TotalFailed => summary.failed += 1,
                            Indication::Indeterminate => summary.indeterminate += 1,
                        }
                        worst = worst.max(Some(d.indication));
                        out.document(&d);
                    }
                    Err(e) => {
                        eprintln!("kyso: error: {e}");
                        unreadable += 1;
                        out.unreadable(&files[emitted].display().to_string(), &e);
                    }
                }
                emitted += 1;
            }
            if show_progress && last_progress.elapsed().as_millis() >= 100 {
                last_progress = std::time::Instant::now();
                eprint!("\rkyso: verified {emitted}/{}", files.len());
            }
        }
        if show_progress {
            eprint!("\r\x1b[K");
        }
    });
    out.finish(&summary, unreadable);
    if format == VerifyFormat::Text && anchors.is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "kyso: hint: no trust anchor was given, so no signature can be TOTAL-PASSED; pass the root certificate with --trust or set KYSO_TRUST",
                "kyso: gợi ý: chưa chỉ định chứng thư gốc tin cậy nên không chữ ký nào đạt TOTAL-PASSED; dùng --trust hoặc biến KYSO_TRUST"
            )
        );
    }
    Ok(match (unreadable > 0, worst) {
        (true, _) => exit::USAGE,
        (_, Some(Indication::TotalFailed)) => exit::FAILED,
        (_, Some(Indication::Indeterminate)) => exit::INDETERMINATE,
        _ => exit::OK,
    })
}

/// Writes the report in the chosen format while documents arrive in order.
struct Emitter {
    out: output::Stdout,
    format: VerifyFormat,
    schema: SchemaArg,
    lang: Lang,
    at: kyso::Timestamp,
    /// JSON: documents written so far (for the separating commas).
    written: usize,
    /// JUnit: the test cases, written at the end because the counts come first.
    cases: String,
}

impl Emitter {
    fn new(format: VerifyFormat, schema: SchemaArg, lang: Lang, at: kyso::Timestamp) -> Self {
        let mut out = output::Stdout::new();
        if format == VerifyFormat::Json {
            // The fields of kyso::Report, streamed: each document is serialized by serde as
            // it arrives, and "summary" follows "documents" so that it can be counted while
            // streaming (JSON objects are unordered).
            let name = match schema {
                SchemaArg::V1 => schema_v1::SCHEMA_V1,
                SchemaArg::V2 => kyso::SCHEMA,
            };
            let head = format!(
                "{{\n  \"schema\": \"{name}\",\n  \"validation_time\": \"{at}\",\n  \"documents\": [",
            );
            out.write(head.as_bytes());
        }
        Emitter {
            out,
            format,
            schema,
            lang,
            at,
            written: 0,
            cases: String::new(),
        }
    }

    fn document(&mut self, d: &DocumentReport) {
        match self.format {
            VerifyFormat::Text => self.out.write(render_document(d, self.lang).as_bytes()),
            VerifyFormat::Json => {
                let body = match self.schema {
                    SchemaArg::V1 => serde_json::to_vec_pretty(&schema_v1::Document::new(d)),
                    SchemaArg::V2 => serde_json::to_vec_pretty(d),
                }
                .unwrap_or_default();
                self.out.write(if self.written == 0 {
                    b"\n    "
                } else {
                    b",\n    "
                });
                // Indent the document to sit inside "documents": [ ... ].
                for (i, line) in body.split(|b| *b == b'\n').enumerate() {
                    if i > 0 {
                        self.out.write(b"\n    ");
                    }
                    self.out.write(line);
                }
            }
            VerifyFormat::Junit => self.cases.push_str(&junit_case(d)),
        }
        self.written += 1;
    }

    fn unreadable(&mut self, file: &str, error: &str) {
        if self.format == VerifyFormat::Junit {
            let _ = writeln!(
                self.cases,
                "  <testcase classname=\"kyso.verify\" name=\"{}\"><error message=\"{}\"/></testcase>",
                xml(file),
                xml(error)
            );
        }
    }

    fn finish(mut self, sm: &Summary, unreadable: usize) {
        match self.format {
            VerifyFormat::Text => self.out.write(summary_line(sm, self.lang).as_bytes()),
            VerifyFormat::Json => self.out.write(
                format!(
                    "\n  ],\n  \"summary\": {}\n}}\n",
                    serde_json::to_string_pretty(sm)
                        .unwrap_or_default()
                        .replace('\n', "\n  ")
                )
                .as_bytes(),
            ),
            VerifyFormat::Junit => {
                let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                let _ = writeln!(
                    x,
                    "<testsuites><testsuite name=\"kyso verify\" tests=\"{}\" failures=\"{}\" errors=\"{unreadable}\" timestamp=\"{}\">",
                    sm.total + unreadable,
                    sm.failed + sm.indeterminate,
                    self.at
                );
                x.push_str(&self.cases);
                x.push_str("</testsuite></testsuites>\n");
                self.out.write(x.as_bytes());
            }
        }
        self.out.flush();
    }
}

/// One JUnit test case per signature file: TOTAL-FAILED and INDETERMINATE are failures (with
/// the sub-indication as their type); unreadable files are errors (see `Emitter`).
fn junit_case(d: &DocumentReport) -> String {
    let mut x = format!(
        "  <testcase classname=\"kyso.verify\" name=\"{}\"",
        xml(&d.signature_file)
    );
    if d.indication == Indication::TotalPassed {
        x.push_str("/>\n");
        return x;
    }
    let kind = format!("{}{}", d.indication.as_str(), sub(d.sub_indication));
    let mut detail = d.messages.join("\n");
    for s in &d.signatures {
        for m in &s.messages {
            let _ = write!(detail, "\nsignature #{}: {m}", s.index);
        }
    }
    let _ = writeln!(
        x,
        "><failure type=\"{}\" message=\"{}\">{}</failure></testcase>",
        xml(d
            .sub_indication
            .map_or_else(|| d.indication.as_str().to_string(), |s| s.as_str())
            .as_str()),
        xml(&kind),
        xml(detail.trim())
    );
    x
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all (§2.2) are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A signature read from standard input (held in memory), with its content from a file.
fn verify_stdin(
    verifier: &kyso::Verifier,
    content: Option<&Path>,
    at: kyso::Timestamp,
) -> Result<DocumentReport, String> {
    let mut sig = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut sig)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let data = content
        .map(|p| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())))
        .transpose()?;
    let mut report = verifier.verify_bytes(&sig, data.as_deref(), at);
    report.signature_file = "-".into();
    if report.content_file.is_some() {
        report.content_file = Some(content.map_or_else(|| "-".into(), |p| p.display().to_string()));
    }
    Ok(report)
}

/// Expand directories (recursively, `.p7s` and `.p7m`, sorted) and check files exist.
fn collect_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        bail!("standard input (-) can be given only once");
    }
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(p.clone());
            continue;
        }
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, 0)?;
            found.sort();
            if found.is_empty() {
                eprintln!("kyso: warning: no .p7s or .p7m files under {}", p.display());
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    // Deeper trees than this are almost certainly a symlink loop.
    if depth > 32 {
        bail!("{} is nested more than 32 directories deep", dir.display());
    }
    for e in std::fs::read_dir(dir)
        .with_context(|| format!("cannot read directory {}", dir.display()))?
    {
        let e = e?;
        let ft = e.file_type()?;
        let p = e.path();
        if ft.is_dir() {
            walk(&p, out, depth + 1)?;
        } else if p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("p7s") || x.eq_ignore_ascii_case("p7m"))
        {
            out.push(p);
        }
    }
    Ok(())
}

fn mark(r: &CheckResult) -> &'static str {
    match r {
        CheckResult::Passed => "✓",
        CheckResult::Failed(_) => "✗",
        _ => "-",
    }
}

/// The text report: per document, per signature, every check performed.
fn render_document(d: &DocumentReport, lang: Lang) -> String {
    let mut s = String::new();
    {
        let _ = writeln!(
            s,
            "{}: {}{}",
            d.signature_file,
            d.indication.as_str(),
            sub(d.sub_indication)
        );
        if let Some(c) = &d.content_file {
            if c != &d.signature_file {
                let _ = writeln!(s, "  {} {}", lang.pick("content:", "nội dung:"), c);
            }
        }
        for p in &d.problems {
            let _ = writeln!(s, "  {}", p.message(lang));
        }
        for sig in &d.signatures {
            let who = sig.signer.as_ref().map_or_else(
                || lang.pick("unknown signer", "không rõ người ký").to_string(),
                |c| c.subject.clone(),
            );
            let _ = writeln!(
                s,
                "  {} #{}: {}{} — {}",
                lang.pick("signature", "chữ ký"),
                sig.index,
                sig.indication.as_str(),
                sub(sig.sub_indication),
                who
            );
            if let Some(t) = sig.signing_time {
                let _ = writeln!(
                    s,
                    "    {} {} ({})",
                    lang.pick("signing time (claimed):", "thời điểm ký (khai báo):"),
                    t,
                    lang.pick("not a proof of time", "không phải bằng chứng thời gian")
                );
            }
            let _ = writeln!(
                s,
                "    {} {}, {}",
                lang.pick("algorithms:", "thuật toán:"),
                sig.digest_algorithm,
                sig.signature_algorithm
            );
            for c in &sig.checks {
                let detail = match &c.result {
                    CheckResult::Failed(r) => {
                        format!(": {}", with_hint(r.message(lang), r.hint(), lang))
                    }
                    CheckResult::Skipped(why) => {
                        let why = with_hint(why.message(lang).to_string(), why.hint(), lang);
                        format!(" ({}: {why})", lang.pick("skipped", "bỏ qua"))
                    }
                    _ => String::new(),
                };
                let _ = writeln!(
                    s,
                    "    {} {}{}",
                    mark(&c.result),
                    c.check.describe(lang),
                    detail
                );
            }
            if !sig.chain.is_empty() {
                let _ = writeln!(s, "    {}", lang.pick("chain:", "chuỗi chứng thư:"));
                for (i, c) in sig.chain.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "      {}{} ({} .. {})",
                        "  ".repeat(i),
                        c.subject,
                        c.not_before,
                        c.not_after
                    );
                }
            }
        }
    }
    s
}

/// The closing line of the text report.
fn summary_line(sm: &Summary, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!(
            "{} tệp: {} hợp lệ, {} không hợp lệ, {} chưa xác định\n",
            sm.total, sm.passed, sm.failed, sm.indeterminate
        ),
        Lang::En => format!(
            "{} document{}: {} passed, {} failed, {} indeterminate\n",
            sm.total,
            if sm.total == 1 { "" } else { "s" },
            sm.passed,
            sm.failed,
            sm.indeterminate
        ),
    }
}

fn sub(s: Option<kyso::SubIndication>) -> String {
    s.map(|s| format!(" / {}", s.as_str())).unwrap_or_default()
}
