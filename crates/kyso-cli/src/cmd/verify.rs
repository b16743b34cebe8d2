//! `kyso verify`.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::Args as ClapArgs;
use kyso::{CheckResult, DocumentReport, Indication, Lang, Summary};

use crate::advice::with_hint;
use crate::display;
use crate::exit;
use crate::output::{self, LangArg};
use crate::schema_v1;
use crate::sigfile;

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
    #[arg(long, value_name = "FILE", value_parser = crate::paths::input)]
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
    /// Show personal ID numbers (CCCD, CMND, passport, social insurance) in full in text
    /// output; by default they are masked (0351…234). JSON always has them in full.
    #[arg(long)]
    full_ids: bool,
    /// Language of the text report (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// List every document of a batch in the text report. By default a run over several
    /// files lists only those that are not TOTAL-PASSED, then the summary (JSON and JUnit
    /// always hold every document).
    #[arg(short, long)]
    verbose: bool,
    /// INSECURE: accept MD5/SHA-1 and RSA < 2048 / EC < 256 bits (reported as skipped):
    /// the legacy-archive policy's algorithm settings on top of --policy.
    #[arg(long)]
    insecure_legacy_crypto: bool,
    /// Validation policy: a built-in name (agency-default, legacy-archive) or a TOML file
    /// (README "Validation policies"). Default agency-default.
    #[arg(long, value_name = "FILE|NAME", default_value = "agency-default")]
    policy: String,
    /// Verify the folder DIR as one dossier (hồ sơ): every signature file and signed PDF in
    /// it, then a verdict per document: its signers in order with their roles, and what is
    /// missing or wrong (unsigned files, the organisation's signature missing or before the
    /// official's, a failed signature). The policy's `[dossier]` section says which files need
    /// which signatures. An ASiC container (X.asice) is a dossier too: its documents, each
    /// with the signatures that cover it; so is a ZIP file (X.zip), judged as its folder.
    #[arg(long, value_name = "DIR", value_parser = crate::paths::input, conflicts_with_all = ["inputs", "content"])]
    dossier: Option<PathBuf>,
    /// Verify only share K of N of the inputs (e.g. 2/4), for a batch spread over N machines
    /// or CI jobs given the same arguments: input i belongs to shard (i mod N) + 1. Join the
    /// JSON reports with `kyso report merge`.
    #[arg(long, value_name = "K/N", value_parser = kyso::batch::Shard::parse)]
    shard: Option<kyso::batch::Shard>,
    /// With --dossier: flag signatures made after TIME (RFC 3339, or a date: until the end of
    /// that day in the local time zone).
    #[arg(long, value_name = "TIME", value_parser = crate::display::parse_deadline)]
    deadline: Option<kyso::Timestamp>,
    /// With --dossier: also write a printable receipt of the verdict to FILE, HTML or PDF by
    /// its extension (.html, .pdf), in the run's language; an existing FILE is replaced only
    /// once the new receipt is complete.
    #[arg(long, value_name = "FILE", value_parser = super::dossier::receipt_file)]
    receipt: Option<PathBuf>,
    /// Signature files (.p7s, .p7m, .sig, signed .pdf) or directories searched recursively for
    /// them (a .sig found there that is not CMS, e.g. OpenPGP, or a PDF without a signature, is
    /// skipped with a note).
    // No NFC/NFD value parser here: a batch names thousands of files, and collect_inputs
    // already looks each one up; it tries the other normalization form only when that fails.
    #[arg(value_name = "SIG", required_unless_present = "dossier")]
    inputs: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<u8> {
    let format = if a.json { VerifyFormat::Json } else { a.format };
    let lang = output::lang(a.lang);
    if a.deadline.is_some() && a.dossier.is_none() {
        bail!(lang.pick(
            "--deadline applies to a dossier: add --dossier DIR",
            "--deadline chỉ dùng cho hồ sơ: thêm --dossier DIR"
        ));
    }
    // Checked here, not with clap's `requires`: --dossier conflicts with SIG, and clap lets a
    // requirement go missing when it conflicts with an argument given.
    if a.receipt.is_some() && a.dossier.is_none() {
        bail!(lang.pick(
            "--receipt is the receipt of a dossier: add --dossier DIR",
            "--receipt là biên nhận của hồ sơ: thêm --dossier DIR"
        ));
    }
    if let Some(dir) = &a.dossier {
        if format == VerifyFormat::Junit || a.schema == SchemaArg::V1 {
            bail!(lang.pick(
                "--dossier writes text or JSON kyso.verify/v2 (not JUnit, not --schema v1)",
                "--dossier chỉ xuất văn bản hoặc JSON kyso.verify/v2 (không JUnit, không --schema v1)"
            ));
        }
        if let Some(r) = &a.receipt {
            super::dossier::refuse_receipt_inside(dir, r, lang)?;
        }
        let verifier = a.certs.verifier(&a.policy, a.insecure_legacy_crypto)?;
        let options = super::dossier::Options {
            json: format == VerifyFormat::Json,
            lang,
            full_ids: a.full_ids,
            verbose: a.verbose,
            deadline: a.deadline,
            at: a.at.unwrap_or_else(kyso::Timestamp::now),
            receipt: a.receipt.clone(),
        };
        return super::dossier::run(&verifier, dir, &options);
    }
    let (mut inputs, skipped) = collect_inputs(&a.inputs)?;
    // A shard may be empty when there are fewer inputs than shards: not an error then.
    let found_any = !inputs.is_empty();
    if let Some(shard) = a.shard {
        let mut i = 0;
        inputs.retain(|_| {
            i += 1;
            shard.includes(i - 1)
        });
    }
    let files: Vec<PathBuf> = inputs.iter().map(|i| i.path.clone()).collect();
    note_skipped(&skipped, lang);
    if a.content.is_some() && files.len() != 1 {
        bail!(crate::tr!("content_one_signature", n = files.len()));
    }
    let verifier = a.certs.verifier(&a.policy, a.insecure_legacy_crypto)?;
    let policy_name = verifier.policy().id();
    let at = a.at.unwrap_or_else(kyso::Timestamp::now);
    let run = RunInfo::start(at, policy_name.name.clone());

    // In parallel across cores (kyso::batch): each worker verifies and renders its files; the
    // results are written in input order as soon as each one and all before it are done, so
    // memory stays flat however many files a run has.
    // A progress bar on a terminal, for text output only (never in JSON/JUnit or a pipe).
    let mut progress = crate::progress::Progress::new(
        crate::progress::wanted(
            std::io::stderr().is_terminal(),
            format != VerifyFormat::Text,
            files.len(),
        ),
        files.len(),
        lang.pick("verifying", "đang kiểm tra"),
    );
    let mut out = Emitter::new(format, a.schema, lang, run, &policy_name);
    // A batch lists the documents that did not pass, unless --verbose.
    out.hide_passed = files.len() > 1 && !a.verbose;
    let mut summary = Summary::default();
    let mut worst = None;
    let mut unreadable = 0usize;
    let interrupt = crate::interrupt::arm();
    let content = a.content.as_deref();
    let outcome = kyso::batch::Batch::new()
        .cancel_token(interrupt.token())
        .run(
            &inputs,
            kyso::VerifyContext::new,
            |ctx, _, input| {
                let f = &input.path;
                let started = std::time::Instant::now();
                let r = if let Some(e) = &input.error {
                    Err(e.clone())
                } else if f.as_os_str() == "-" {
                    verify_stdin(&verifier, content, at)
                } else {
                    // X.p7s's content X may be stored under the other Unicode form of its
                    // name (NFC/NFD): then it is named explicitly.
                    let mut r = verifier.verify_file_in(ctx, f, content, at);
                    // Only when the content beside X.p7s was missing: look for its name in
                    // the other Unicode normalization form (no file-system call per file
                    // otherwise).
                    if content.is_none() && r.as_ref().is_ok_and(content_missing) {
                        if let Some(beside) = content_beside(f) {
                            r = verifier.verify_file_in(ctx, f, Some(&beside), at);
                        }
                    }
                    r.map_err(|e| Unread {
                        en: e.message(Lang::En),
                        text: e.message(lang),
                    })
                };
                Rendered::new(format, a.schema, lang, a.full_ids, f, r, started.elapsed())
            },
            |done| {
                let r = done.output;
                match r.indication {
                    Some(i) => {
                        summary.total += 1;
                        match i {
                            Indication::TotalPassed => summary.passed += 1,
                            Indication::TotalFailed => summary.failed += 1,
                            Indication::Indeterminate => summary.indeterminate += 1,
                        }
                        worst = worst.max(Some(i));
                        if r.format_failure {
                            progress.suspend(|| foreign_format_hint(&files[done.index], lang));
                        }
                    }
                    None => unreadable += 1,
                }
                progress.suspend(|| out.document(r));
                progress.done();
            },
        );
    progress.finish();
    out.finish(&summary, unreadable, &skipped);
    // Nothing to verify at all (an empty directory, only other files): not a success.
    let nothing = !found_any;
    if nothing {
        eprintln!(
            "{}",
            lang.pick(
                "kyso: error: no signature file was found in the inputs (.p7s, .p7m, CMS .sig); nothing was verified",
                "kyso: lỗi: không tìm thấy tệp chữ ký nào (.p7s, .p7m, .sig dạng CMS); chưa kiểm tra tệp nào"
            )
        );
    }
    if format == VerifyFormat::Text && verifier.trust_anchors().is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "kyso: hint: no trust anchor was given, so no signature can be TOTAL-PASSED; pass the root certificate with --trust or set KYSO_TRUST",
                "kyso: gợi ý: chưa chỉ định chứng thư số gốc tin cậy nên không chữ ký nào có thể đạt TOTAL-PASSED (hợp lệ); hãy chỉ định chứng thư số gốc bằng --trust (hoặc biến môi trường KYSO_TRUST)"
            )
        );
    }
    // Interrupted (Ctrl-C, SIGTERM): what finished was reported; say what was not.
    if let Some(code) = interrupt.exit_code() {
        eprintln!(
            "{}",
            if lang == Lang::Vi {
                format!(
                    "kyso: đã dừng giữa chừng: đã kiểm tra {} trên {} tệp, còn {} tệp chưa được kiểm tra",
                    outcome.done,
                    files.len(),
                    outcome.not_done
                )
            } else {
                format!(
                    "kyso: interrupted: verified {} of {} files, {} not verified",
                    outcome.done,
                    files.len(),
                    outcome.not_done
                )
            }
        );
        return Ok(code);
    }
    Ok(match (unreadable > 0 || nothing, worst) {
        (true, _) => exit::USAGE,
        (_, Some(Indication::TotalFailed)) => exit::FAILED,
        (_, Some(Indication::Indeterminate)) => exit::INDETERMINATE,
        _ => exit::OK,
    })
}

/// When and where a run happens, for the JUnit report.
pub(crate) struct RunInfo {
    /// The validation time (`--at`, default now).
    at: kyso::Timestamp,
    /// The validation policy's name.
    policy: String,
    /// The run's start, for the suite's `time`.
    started: std::time::Instant,
    /// The run's start as the JUnit schema writes it: ISO 8601 without a zone, here UTC.
    timestamp: String,
}

impl RunInfo {
    pub(crate) fn start(at: kyso::Timestamp, policy: String) -> Self {
        RunInfo {
            at,
            policy,
            started: std::time::Instant::now(),
            timestamp: jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%S")
                .to_string(),
        }
    }
}

/// Writes the report in the chosen format while documents arrive in order.
struct Emitter {
    out: output::Stdout,
    format: VerifyFormat,
    lang: Lang,
    run: RunInfo,
    /// Text: TOTAL-PASSED documents are counted, not shown (a batch without --verbose).
    hide_passed: bool,
    /// Text: how many were not shown.
    hidden: usize,
    /// JSON: documents written so far (for the separating commas).
    written: usize,
    /// JUnit: the test cases, written at the end because the counts come first.
    cases: String,
    /// Text on a terminal: each document is shown as soon as it is done (issue 9), not when
    /// the output buffer fills.
    live: bool,
}

impl Emitter {
    fn new(
        format: VerifyFormat,
        schema: SchemaArg,
        lang: Lang,
        run: RunInfo,
        policy: &kyso::PolicyName,
    ) -> Self {
        let at = run.at;
        let mut out = output::Stdout::new();
        if format == VerifyFormat::Json {
            // The fields of kyso::Report, streamed: each document is serialized by serde as
            // it arrives, and "summary" follows "documents" so that it can be counted while
            // streaming (JSON objects are unordered).
            let name = match schema {
                SchemaArg::V1 => schema_v1::SCHEMA_V1,
                SchemaArg::V2 => kyso::SCHEMA,
            };
            // v2 names the validation policy; v1 stays exactly as it was.
            let policy = match schema {
                SchemaArg::V1 => String::new(),
                SchemaArg::V2 => format!(
                    "\n  \"policy\": {},",
                    serde_json::to_string(policy).unwrap_or_default()
                ),
            };
            let head = format!(
                "{{\n  \"schema\": \"{name}\",\n  \"validation_time\": \"{at}\",{policy}\n  \"documents\": [",
            );
            out.write(head.as_bytes());
        }
        Emitter {
            out,
            format,
            lang,
            run,
            hide_passed: false,
            hidden: 0,
            written: 0,
            cases: String::new(),
            live: format == VerifyFormat::Text && std::io::stdout().is_terminal(),
        }
    }

    /// Write one input's result, rendered on a worker, in order.
    fn document(&mut self, r: Rendered) {
        if let Some(e) = &r.error {
            eprint!("{e}");
        }
        match (self.format, r.indication) {
            (VerifyFormat::Junit, _) => self.cases.push_str(&r.text),
            (VerifyFormat::Text, None) => return,
            (VerifyFormat::Text, Some(Indication::TotalPassed)) if self.hide_passed => {
                self.hidden += 1;
                return;
            }
            (VerifyFormat::Text, _) => {
                self.out.write(r.text.as_bytes());
                if self.live {
                    self.out.flush();
                }
            }
            (VerifyFormat::Json, _) => {
                self.out.write(if self.written == 0 {
                    b"\n    "
                } else {
                    b",\n    "
                });
                self.out.write(r.text.as_bytes());
            }
        }
        if self.format == VerifyFormat::Json {
            self.written += 1;
        }
    }

    fn finish(mut self, sm: &Summary, unreadable: usize, skipped: &[Skipped]) {
        match self.format {
            VerifyFormat::Text => {
                let mut line = summary_line(sm, self.lang);
                if unreadable > 0 {
                    line.pop();
                    let _ = writeln!(
                        line,
                        "; {unreadable} {}",
                        self.lang.pick("could not be read", "không đọc được")
                    );
                }
                if !skipped.is_empty() {
                    line.pop();
                    let _ = writeln!(
                        line,
                        "; {} .sig {}",
                        skipped.len(),
                        self.lang
                            .pick("skipped (not CMS)", "bỏ qua (không phải CMS)")
                    );
                }
                if self.hidden > 0 {
                    let n = self.hidden;
                    let _ = writeln!(
                        line,
                        "{}",
                        match self.lang {
                            Lang::Vi =>
                                format!("(không liệt kê {n} tệp hợp lệ; thêm --verbose để xem)"),
                            Lang::En => format!(
                                "({n} passed document{} not listed; --verbose lists {})",
                                if n == 1 { "" } else { "s" },
                                if n == 1 { "it" } else { "them" }
                            ),
                        }
                    );
                }
                self.out.write(line.as_bytes())
            }
            VerifyFormat::Json => {
                // "skipped" only when some were: the report of a run without .sig files stays
                // exactly as before.
                let mut tail = String::from("\n  ],");
                if !skipped.is_empty() {
                    let list: Vec<serde_json::Value> = skipped
                        .iter()
                        .map(|s| {
                            serde_json::json!({
                                "file": s.path.display().to_string(),
                                "format": s.format.code(),
                                "reason": s.format.describe(Lang::En),
                            })
                        })
                        .collect();
                    let _ = write!(tail, "\n  \"skipped\": {},", output::json_nested(&list, 1));
                }
                let _ = write!(
                    tail,
                    "\n  \"summary\": {}\n}}\n",
                    output::json_nested(sm, 1)
                );
                self.out.write(tail.as_bytes())
            }
            VerifyFormat::Junit => {
                let skipped: Vec<(String, String)> = skipped
                    .iter()
                    .map(|s| {
                        (
                            s.path.display().to_string(),
                            s.format.describe(Lang::En).to_string(),
                        )
                    })
                    .collect();
                let x = junit_suite(&self.cases, sm, unreadable, &skipped, &self.run);
                self.out.write(x.as_bytes());
            }
        }
        self.out.flush();
    }
}

/// One input's result rendered on a batch worker: the bytes the main thread writes in order.
struct Rendered {
    /// The document's indication; `None` when the input could not be read.
    indication: Option<Indication>,
    /// Text: the report; JSON: the document, indented to sit in "documents"; JUnit: the test
    /// case (also for unreadable input).
    text: String,
    /// Unreadable input: the error line for stderr.
    error: Option<String>,
    /// FORMAT_FAILURE: the CLI may recognise a foreign format and say so.
    format_failure: bool,
}

impl Rendered {
    fn new(
        format: VerifyFormat,
        schema: SchemaArg,
        lang: Lang,
        full_ids: bool,
        file: &Path,
        r: Result<DocumentReport, Unread>,
        elapsed: std::time::Duration,
    ) -> Self {
        let d = match r {
            Ok(d) => d,
            Err(e) => {
                let text = match format {
                    VerifyFormat::Junit => format!(
                        "  <testcase classname=\"kyso.verify\" time=\"{}\" name=\"{}\"><error type=\"unreadable\" message=\"{}\"/></testcase>\n",
                        seconds(elapsed),
                        xml(&file.display().to_string()),
                        xml(&e.en)
                    ),
                    // An error entry in "documents", so that the report stays whole: the
                    // document problem `unreadable` (not counted in "summary").
                    VerifyFormat::Json => {
                        let d = DocumentReport::format_failure(
                            file.display().to_string(),
                            kyso::DocumentProblem::Unreadable {
                                detail: e.en.clone(),
                            },
                        );
                        match schema {
                            SchemaArg::V1 => output::json_nested(&schema_v1::Document::new(&d), 2),
                            SchemaArg::V2 => output::json_nested(&d, 2),
                        }
                    }
                    VerifyFormat::Text => String::new(),
                };
                return Rendered {
                    indication: None,
                    text,
                    error: Some(format!("kyso: {} {}\n", crate::tr!("error"), e.text)),
                    format_failure: false,
                };
            }
        };
        let text = match format {
            VerifyFormat::Text => render_document(&d, lang, full_ids),
            VerifyFormat::Json => {
                // Indented to sit inside "documents": [ ... ].
                match schema {
                    SchemaArg::V1 => output::json_nested(&schema_v1::Document::new(&d), 2),
                    SchemaArg::V2 => output::json_nested(&d, 2),
                }
            }
            VerifyFormat::Junit => junit_case(&d, elapsed),
        };
        Rendered {
            indication: Some(d.indication),
            format_failure: d.sub_indication == Some(kyso::SubIndication::FormatFailure),
            text,
            error: None,
        }
    }
}

/// One JUnit test case per signature file, with the time its verification took: TOTAL-FAILED
/// and INDETERMINATE are failures (with the sub-indication as their type: an INDETERMINATE
/// signature is not a passed test, kyso exits 3 for it); unreadable files are errors (see
/// `Emitter`).
pub(crate) fn junit_case(d: &DocumentReport, elapsed: std::time::Duration) -> String {
    let mut x = format!(
        "  <testcase classname=\"kyso.verify\" time=\"{}\" name=\"{}\"",
        seconds(elapsed),
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

/// The JUnit document around the test `cases`: the strict Ant/Jenkins JUnit schema
/// (JUnit.xsd): inside `<testsuites>` a suite has package and id; time, timestamp (no zone),
/// hostname, `<properties>`, `<system-out>` and `<system-err>` are required. `skipped` lists
/// (file, reason) of inputs that were not verified.
pub(crate) fn junit_suite(
    cases: &str,
    sm: &Summary,
    unreadable: usize,
    skipped: &[(String, String)],
    run: &RunInfo,
) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites>\n<testsuite name=\"kyso verify\" tests=\"{}\" failures=\"{}\" errors=\"{unreadable}\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\" package=\"kyso\" id=\"0\">",
        sm.total + unreadable + skipped.len(),
        sm.failed + sm.indeterminate,
        skipped.len(),
        seconds(run.started.elapsed()),
        run.timestamp,
        xml(&hostname())
    );
    let _ = writeln!(
        x,
        "  <properties>\n    <property name=\"validation_time\" value=\"{}\"/>\n    <property name=\"policy\" value=\"{}\"/>\n  </properties>",
        run.at,
        xml(&run.policy)
    );
    x.push_str(cases);
    for (file, why) in skipped {
        let _ = writeln!(
            x,
            "  <testcase classname=\"kyso.verify\" time=\"0\" name=\"{}\"><skipped message=\"{}\"/></testcase>",
            xml(file),
            xml(why)
        );
    }
    x.push_str("  <system-out/>\n  <system-err/>\n</testsuite>\n</testsuites>\n");
    x
}

/// A duration in seconds, as JUnit writes it (xs:decimal, millisecond precision).
fn seconds(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The name of this machine for the JUnit `hostname` (required by the schema): the kernel's
/// (Linux), else HOSTNAME or COMPUTERNAME (Windows), else `localhost` as the schema says.
fn hostname() -> String {
    let from_file = |p: &str| std::fs::read_to_string(p).ok();
    let from_env = |v: &str| std::env::var(v).ok();
    [
        from_file("/proc/sys/kernel/hostname"),
        from_file("/etc/hostname"),
        from_env("HOSTNAME"),
        from_env("COMPUTERNAME"),
    ]
    .into_iter()
    .flatten()
    .map(|h| h.trim().to_string())
    .find(|h| !h.is_empty() && !h.chars().any(char::is_whitespace))
    .unwrap_or_else(|| "localhost".into())
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
) -> Result<DocumentReport, Unread> {
    let mut sig = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut sig).map_err(|e| Unread::io("-", &e))?;
    let data = content
        .map(|p| std::fs::read(p).map_err(|e| Unread::io(&p.display().to_string(), &e)))
        .transpose()?;
    let mut report = verifier.verify_bytes(&sig, data.as_deref(), at);
    report.signature_file = "-".into();
    if report.content_file.is_some() {
        report.content_file = Some(content.map_or_else(|| "-".into(), |p| p.display().to_string()));
    }
    Ok(report)
}

/// A `.sig` file found in a directory that is not CMS.
/// Say on stderr which files found in folders were left out, and what they are.
pub(crate) fn note_skipped(skipped: &[Skipped], lang: Lang) {
    for s in skipped {
        eprintln!(
            "kyso: {} {}: {}",
            lang.pick("note: skipped", "ghi chú: bỏ qua"),
            s.path.display(),
            s.format.describe(lang)
        );
    }
}

pub(crate) struct Skipped {
    pub(crate) path: PathBuf,
    pub(crate) format: sigfile::Format,
}

/// For a file that is not CMS at all, say what it is when kyso recognises it (stderr), and
/// where its signature is when `X.p7s` or `X.p7m` lies beside it (a document given instead of
/// its signature).
fn foreign_format_hint(file: &Path, lang: Lang) {
    if file.as_os_str() == "-" {
        return;
    }
    for ext in ["p7s", "p7m", "sig"] {
        let mut sig = file.as_os_str().to_owned();
        sig.push(".");
        sig.push(ext);
        let sig = PathBuf::from(sig);
        if sig.is_file() {
            eprintln!(
                "kyso: {} {}",
                crate::tr!("hint"),
                crate::tr!(
                    "signature_beside",
                    file = file.display(),
                    sig = sig.display()
                )
            );
            return;
        }
    }
    if let Some(f @ (sigfile::Format::OpenPgp | sigfile::Format::Ssh | sigfile::Format::Minisign)) =
        sigfile::sniff_file(file)
    {
        eprintln!(
            "kyso: {} {}: {}",
            lang.pick("hint:", "gợi ý:"),
            file.display(),
            f.describe(lang)
        );
    }
}

/// Why an input could not be read: in English (JSON, JUnit) and in the run's language.
#[derive(Clone, Debug)]
pub(crate) struct Unread {
    en: String,
    pub(crate) text: String,
}

impl Unread {
    /// A message of the CLI's table, in both.
    fn msg(code: &str, args: &[(&str, String)]) -> Self {
        Unread {
            en: crate::msg::render(Lang::En, code, args),
            text: crate::msg::render(crate::msg::lang(), code, args),
        }
    }

    /// `cannot read PATH: REASON`.
    fn io(path: &str, e: &std::io::Error) -> Self {
        let both = |l| {
            crate::msg::render(
                l,
                "cannot_read_because",
                &[
                    ("path", path.to_string()),
                    ("reason", kyso::io_reason(e, l)),
                ],
            )
        };
        Unread {
            en: both(Lang::En),
            text: both(crate::msg::lang()),
        }
    }
}

/// The report says the detached content was not found.
fn content_missing(d: &kyso::DocumentReport) -> bool {
    d.signatures.iter().any(|s| {
        s.checks.iter().any(|c| {
            matches!(
                c.result,
                kyso::CheckResult::Failed(kyso::Reason::ContentMissing { .. })
            )
        })
    })
}

/// The content of a detached `X.p7s` when `X` itself does not exist but the same name in
/// another Unicode normalization form does.
fn content_beside(sig: &Path) -> Option<PathBuf> {
    let beside = sig.with_extension("");
    if sig.extension().is_none() || beside.exists() {
        return None;
    }
    let found = crate::paths::resolve(&beside);
    (found != beside && found.is_file()).then_some(found)
}

/// One input to verify; `error` when it could not be read at all (reported as an error
/// entry in every format, and exit 2).
pub(crate) struct Input {
    pub(crate) path: PathBuf,
    pub(crate) error: Option<Unread>,
}

impl Input {
    fn ok(path: PathBuf) -> Self {
        Input { path, error: None }
    }
}

/// Expand directories (recursively: `.p7s`, `.p7m`, and `.sig` files that hold CMS; sorted)
/// and check that files exist. Files named on the command line are always verified; one that
/// is missing or unreadable, like an unreadable directory or a dangling symbolic link found
/// in one, becomes an error entry so that the rest of the run is still reported.
pub(crate) fn collect_inputs(inputs: &[PathBuf]) -> Result<(Vec<Input>, Vec<Skipped>)> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    if inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        bail!(crate::tr!("stdin_once"));
    }
    for p in inputs {
        if p.as_os_str() == "-" {
            out.push(Input::ok(p.clone()));
            continue;
        }
        // The name as typed; else the same name in the other Unicode normalization form.
        let resolved;
        let (p, found) = match std::fs::metadata(p) {
            Ok(m) => (p, Ok(m)),
            Err(e) => {
                resolved = crate::paths::resolve(p);
                match std::fs::metadata(&resolved) {
                    Ok(m) if resolved != *p => (&resolved, Ok(m)),
                    _ => (p, Err(e)),
                }
            }
        };
        let meta = match found {
            Ok(m) => m,
            Err(e) => {
                out.push(Input {
                    path: p.clone(),
                    error: Some(Unread::io(&p.display().to_string(), &e)),
                });
                continue;
            }
        };
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, 0)?;
            found.sort_by(|a, b| a.path.cmp(&b.path));
            // `.sig` is also what gpg, ssh-keygen, minisign and signify write: verify only
            // CMS ones (an unreadable file stays in, so that its error is reported).
            let before = skipped.len();
            found.retain(|f| {
                // A PDF without a signature in a folder is a document, often beside its own
                // .p7s: it is left out with a note, not failed.
                if f.error.is_none()
                    && crate::paths::has_extension(&f.path, "pdf")
                    && sigfile::pdf_is_unsigned(&f.path)
                {
                    skipped.push(Skipped {
                        path: f.path.clone(),
                        format: sigfile::Format::UnsignedPdf,
                    });
                    return false;
                }
                if f.error.is_some() || !crate::paths::has_extension(&f.path, "sig") {
                    return true;
                }
                match sigfile::sniff_file(&f.path) {
                    Some(sigfile::Format::Cms) | None => true,
                    Some(format) => {
                        skipped.push(Skipped {
                            path: f.path.clone(),
                            format,
                        });
                        false
                    }
                }
            });
            if found.is_empty() && skipped.len() == before {
                eprintln!(
                    "kyso: {} {}",
                    crate::tr!("warning"),
                    crate::tr!("no_signature_files_under", path = p.display())
                );
            }
            out.extend(found);
        } else {
            out.push(Input::ok(p.clone()));
        }
    }
    Ok((out, skipped))
}

fn walk(dir: &Path, out: &mut Vec<Input>, depth: usize) -> Result<()> {
    // Deeper trees than this are almost certainly a symlink loop.
    if depth > 32 {
        bail!(crate::tr!("nested_too_deep", path = dir.display()));
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(Input {
                path: dir.to_path_buf(),
                error: Some(Unread::io(&dir.display().to_string(), &e)),
            });
            return Ok(());
        }
    };
    for e in entries {
        let e = e?;
        let ft = e.file_type()?;
        let p = e.path();
        if ft.is_dir() {
            walk(&p, out, depth + 1)?;
        } else if ["p7s", "p7m", "sig", "pdf", "asice", "sce", "asics", "scs"]
            .iter()
            .any(|x| crate::paths::has_extension(&p, x))
        {
            // A symbolic link whose target is gone is named like a signature: report it.
            let error = (ft.is_symlink() && std::fs::metadata(&p).is_err())
                .then(|| Unread::msg("dangling_link", &[("path", p.display().to_string())]));
            out.push(Input { path: p, error });
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
/// What an ETSI indication means, for officials reading Vietnamese (EN 319 102-1 §5.1.3);
/// English readers get the standard's words alone.
fn gloss(i: Indication, lang: Lang) -> &'static str {
    match (lang, i) {
        (Lang::Vi, Indication::TotalPassed) => " (hợp lệ)",
        (Lang::Vi, Indication::TotalFailed) => " (không hợp lệ)",
        (Lang::Vi, Indication::Indeterminate) => " (chưa xác định được)",
        _ => "",
    }
}

pub(crate) fn render_document(d: &DocumentReport, lang: Lang, full_ids: bool) -> String {
    let mut s = String::new();
    {
        let _ = writeln!(
            s,
            "{}: {}{}{}",
            d.signature_file,
            d.indication.as_str(),
            sub(d.sub_indication),
            gloss(d.indication, lang)
        );
        if let Some(c) = &d.content_file {
            if c != &d.signature_file {
                let _ = writeln!(s, "  {} {}", lang.pick("content:", "tài liệu:"), c);
            }
        }
        for p in &d.problems {
            let _ = writeln!(s, "  {}", p.message(lang));
        }
        if let Some(o) = &d.signing_order {
            let _ = writeln!(s, "  {}", order_line(d, o, lang));
        }
        for sig in &d.signatures {
            let who = sig.signer.as_ref().map_or_else(
                || {
                    lang.pick("unknown signer", "không xác định được người ký")
                        .to_string()
                },
                |c| display::signer_line(&c.subject, full_ids),
            );
            // Numbered from 1 for people ("chữ ký thứ 1"); JSON keeps the 0-based index.
            let _ = writeln!(
                s,
                "  {} {}: {}{}{} — {}",
                lang.pick("signature", "chữ ký thứ"),
                sig.index + 1,
                sig.indication.as_str(),
                sub(sig.sub_indication),
                gloss(sig.indication, lang),
                who
            );
            if let Some(c) = &sig.signer {
                let _ = writeln!(s, "    {} {}", lang.pick("subject:", "chủ thể:"), c.subject);
            }
            if let Some(t) = &sig.trust_list {
                let _ = writeln!(s, "    {}", display::trust_list_line(t, lang));
            }
            if let Some(r) = &sig.signer_role {
                let _ = writeln!(
                    s,
                    "    {} {}",
                    lang.pick("role:", "vai trò:"),
                    display::role_line(r, lang, full_ids)
                );
            }
            if let Some(p) = &sig.pdf {
                pdf_lines(&mut s, p, lang);
            }
            if let Some(a) = &sig.asic {
                asic_lines(&mut s, a, lang);
            }
            if let Some(t) = sig.signing_time {
                let _ = writeln!(
                    s,
                    "    {} {} ({})",
                    lang.pick("signing time (claimed):", "thời điểm ký (theo khai báo):"),
                    display::local_time(t),
                    lang.pick(
                        "not a proof of time",
                        "chưa được bảo đảm bằng dấu thời gian"
                    )
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
            for t in &sig.timestamps {
                let tsa = t
                    .tsa
                    .as_ref()
                    .map_or_else(String::new, |c| c.subject.clone());
                let time = t.gen_time.map_or_else(String::new, display::local_time);
                let why = || {
                    t.problem
                        .as_ref()
                        .map_or_else(String::new, |p| p.message(lang))
                };
                if let Some(a) = &t.asic {
                    let key = if t.is_valid() {
                        "container_archive_valid"
                    } else {
                        "container_archive_invalid"
                    };
                    let line = crate::msg::render(
                        lang,
                        key,
                        &[
                            ("token", a.token_entry.clone()),
                            ("manifest", a.manifest.clone()),
                            ("count", a.covers.len().to_string()),
                            ("time", time),
                            ("tsa", tsa),
                            ("why", why()),
                        ],
                    );
                    let _ = writeln!(s, "    {line}");
                    continue;
                }
                let line = match &t.problem {
                    None if t.is_valid() => {
                        crate::msg::render(lang, "timestamp_valid", &[("time", time), ("tsa", tsa)])
                    }
                    problem => crate::msg::render(
                        lang,
                        "timestamp_invalid",
                        &[
                            ("time", time),
                            (
                                "why",
                                problem
                                    .as_ref()
                                    .map_or_else(String::new, |p| p.message(lang)),
                            ),
                        ],
                    ),
                };
                let _ = writeln!(s, "    {line}");
            }
            for (key, t) in [
                ("chain_validated_at", sig.chain_validated_at),
                ("algorithms_validated_at", sig.algorithms_validated_at),
            ] {
                if let Some(t) = t {
                    let line = crate::msg::render(lang, key, &[("time", display::local_time(t))]);
                    let _ = writeln!(s, "    {line}");
                }
            }
            if !sig.chain.is_empty() {
                let _ = writeln!(s, "    {}", lang.pick("chain:", "chuỗi chứng thư số:"));
                for (i, c) in sig.chain.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "      {}{} ({} .. {})",
                        "  ".repeat(i),
                        c.subject,
                        display::local_time(c.not_before),
                        display::local_time(c.not_after)
                    );
                    if let Some(url) = &c.fetched_from {
                        let line =
                            crate::msg::render(lang, "cert_fetched", &[("url", url.clone())]);
                        let _ = writeln!(s, "      {}  ↳ {line}", "  ".repeat(i));
                    }
                    if let Some(r) = sig
                        .revocation
                        .get(i)
                        .and_then(|r| display::revocation_line(r, lang))
                    {
                        let _ = writeln!(s, "      {}  ↳ {r}", "  ".repeat(i));
                    }
                }
            }
        }
    }
    s
}

/// The document's signing order (Decree 30/2020: the official, then the organisation), with
/// the signers' names: "signing order: Nguyễn Văn An (official), then Sở Nội vụ tỉnh Hà Nam
/// (organisation), as Decree 30/2020 requires".
fn order_line(d: &DocumentReport, o: &kyso::SigningOrder, lang: Lang) -> String {
    use kyso::{OrderVerdict as V, SignerRole};
    let names: Vec<String> = o
        .signers
        .iter()
        .map(|s| {
            let name = d.signatures[s.signature]
                .signer
                .as_ref()
                .map_or_else(|| "?".to_string(), |c| display::common_name(&c.subject));
            let role = match s.role {
                SignerRole::Person => lang.pick("official", "cá nhân"),
                SignerRole::Organisation => lang.pick("organisation", "tổ chức"),
                _ => lang.pick("role unknown", "chưa rõ vai trò"),
            };
            format!("{name} ({role})")
        })
        .collect();
    let sequence = names.join(lang.pick(", then ", ", sau đó "));
    let (en, vi) = match o.verdict {
        V::OfficialThenOrganisation => (
            "as Decree 30/2020 requires of an issued document",
            "đúng thứ tự Nghị định 30/2020 quy định cho văn bản phát hành",
        ),
        V::OfficialOnly => (
            "the organisation's signature is missing (Decree 30/2020)",
            "thiếu chữ ký của cơ quan, tổ chức (Nghị định 30/2020)",
        ),
        V::OrganisationOnly => (
            "signed by the organisation only, without an official's signature",
            "chỉ có chữ ký của cơ quan, tổ chức, không có chữ ký của người có thẩm quyền",
        ),
        V::OrganisationBeforeOfficial => (
            "an official signed after the organisation: Decree 30/2020 has the official sign first",
            "có cá nhân ký sau cơ quan, tổ chức: Nghị định 30/2020 quy định người có thẩm quyền ký trước",
        ),
        V::RoleUnknown => (
            "a signer's role is not in its certificate, so the order cannot be judged",
            "chứng thư số không cho biết vai trò của một người ký nên không đánh giá được thứ tự",
        ),
        _ => (
            "no signature counts: every one failed",
            "không có chữ ký nào hợp lệ",
        ),
    };
    let label = lang.pick("signing order:", "thứ tự ký:");
    if sequence.is_empty() {
        format!("{label} {}", lang.pick(en, vi))
    } else {
        format!("{label} {sequence} — {}", lang.pick(en, vi))
    }
}

/// The closing line of the text report.
fn summary_line(sm: &Summary, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!(
            "{} tệp: {} hợp lệ, {} không hợp lệ, {} chưa xác định được\n",
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

/// Where a PDF signature sits and what later revisions did (text report).
fn pdf_lines(s: &mut String, p: &kyso::PdfSignatureInfo, lang: Lang) {
    use std::fmt::Write as _;
    let kind = match p.kind {
        kyso::PdfSignatureKind::DocumentTimeStamp => {
            lang.pick(" (document time-stamp)", " (dấu thời gian của tài liệu)")
        }
        _ => "",
    };
    let _ = writeln!(
        s,
        "    {} {}{kind}, {} {}",
        lang.pick("PDF field:", "trường chữ ký PDF:"),
        p.field,
        lang.pick("SubFilter", "SubFilter"),
        p.sub_filter.as_deref().unwrap_or("-")
    );
    let coverage = match (p.revision, p.covers_whole_file) {
        (_, true) => lang.pick("the whole file", "toàn bộ tệp").to_string(),
        (Some(r), false) => match lang {
            Lang::Vi => format!("đến hết lần cập nhật thứ {r}"),
            _ => format!("up to the end of revision {r}"),
        },
        (None, _) => lang
            .pick("not a sound byte range", "vùng ký không hợp lệ")
            .to_string(),
    };
    let _ = writeln!(s, "    {} {coverage}", lang.pick("signed:", "phạm vi ký:"));
    for r in &p.later_revisions {
        let mut what: Vec<String> = r.allowed.clone();
        what.extend(r.not_allowed.iter().map(|x| format!("✗ {x}")));
        let _ = writeln!(
            s,
            "    {} {}: {}",
            lang.pick("later revision", "lần cập nhật sau, thứ"),
            r.revision,
            if what.is_empty() {
                lang.pick("nothing changed", "không thay đổi gì")
                    .to_string()
            } else {
                what.join(", ")
            }
        );
    }
}

/// Where a signature sits in its ASiC container and the files it covers.
fn asic_lines(s: &mut String, a: &kyso::AsicSignatureInfo, lang: Lang) {
    let over = match &a.manifest {
        Some(m) => format!(" {} {m}", lang.pick("over", "ký trên bản kê")),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "    {} {}, {}{over}",
        lang.pick("container:", "gói:"),
        a.container.as_str(),
        a.signature_entry
    );
    let _ = writeln!(
        s,
        "    {} {}",
        lang.pick("covers:", "bao phủ các tệp:"),
        if a.covers.is_empty() {
            lang.pick("(none)", "(không có)").to_string()
        } else {
            a.covers.join(", ")
        }
    );
}
