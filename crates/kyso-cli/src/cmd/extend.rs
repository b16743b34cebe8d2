//! `kyso extend`: signatures augmented in place to CAdES B-T, B-LT or B-LTA (`kyso::Extender`
//! decides; this parses, calls it per file, writes atomically and reports).

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::Args as ClapArgs;
use serde::Serialize;

use crate::cmd::sign::Level;
use crate::exit;
use crate::output::{self, write_atomic_if, LangArg};

/// Arguments of `kyso extend`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// The level to reach: B-T (a signature-time-stamp on every signature that has no valid
    /// one), B-LT (B-T, and the certificates, CRLs and OCSP responses of the signers' and
    /// TSAs' paths embedded, so they validate offline) or B-LTA (B-LT and an
    /// archive-time-stamp-v3 over it all; on a B-LTA file, a new one over the previous: a
    /// renewal, with the validation data the previous one's TSA needs). An ASiC-E container
    /// at B-LTA: its signatures at B-LT, then META-INF/ASiCArchiveManifest.xml over every
    /// entry with its time-stamp META-INF/timestampN.tst (again: the previous manifest is
    /// renamed ASiCArchiveManifestK.xml and covered by the new one).
    #[arg(long, value_enum, value_name = "LEVEL")]
    level: Level,
    #[command(flatten)]
    tsa: output::TsaArgs,
    /// The trust anchors, helper certificates and revocation sources the signatures are
    /// validated with first: an invalid signature is never extended.
    #[command(flatten)]
    certs: output::TrustArgs,
    /// The signed content of a detached signature (default: X for X.p7s). One SIG only.
    #[arg(long, value_name = "FILE", value_parser = crate::paths::input)]
    content: Option<PathBuf>,
    /// Validation policy: a built-in name or a TOML file (as for `kyso verify`).
    #[arg(long, value_name = "FILE|NAME", default_value = "agency-default")]
    policy: String,
    /// Output format: text lines, or one JSON document (schema kyso.extend/v1) on stdout.
    #[arg(long, value_enum, default_value_t = output::Format::Text)]
    format: output::Format,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Signature files (.p7s, .p7m, .sig) or directories searched recursively for them.
    /// Each is replaced in place, atomically, only when something was added.
    #[arg(value_name = "SIG", required = true, value_parser = crate::paths::input)]
    inputs: Vec<PathBuf>,
}

/// The result of one file, as the JSON lists it.
#[derive(Serialize)]
struct FileResult {
    file: String,
    /// `extended`, `unchanged` (already at the level) or `failed`.
    result: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signatures: Vec<SignatureResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificates_added: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revocation_values_added: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorEntry>,
}

#[derive(Serialize)]
struct SignatureResult {
    index: usize,
    level_before: kyso::SignatureLevel,
    level_after: kyso::SignatureLevel,
    timestamp_added: bool,
    archive_timestamp_added: bool,
}

#[derive(Serialize)]
struct ErrorEntry {
    code: &'static str,
    message: String,
}

#[derive(Serialize, Default)]
struct Counts {
    total: usize,
    extended: usize,
    unchanged: usize,
    failed: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    level: &'static str,
    summary: &'a Counts,
    files: &'a [FileResult],
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    let level = a.level.kyso();
    if a.level == Level::BB {
        bail!(kyso::Error::from(kyso::ExtendRefusal::UnsupportedLevel {
            level: level.as_str().into()
        }));
    }
    let (inputs, skipped) = crate::cmd::verify::collect_inputs(&a.inputs)?;
    crate::cmd::verify::note_skipped(&skipped, lang);
    if a.content.is_some() && inputs.len() != 1 {
        bail!(crate::tr!("content_one_signature", n = inputs.len()));
    }
    let verifier = a.certs.verifier(&a.policy, false)?;
    let mut extender = kyso::Extender::new(verifier, level, kyso::Timestamp::now())?;
    if let Some(t) = a.tsa.timestamper(a.certs.net_timeout, a.certs.fetcher()?)? {
        extender = extender.timestamper(t);
    }
    let interrupt = crate::interrupt::arm();
    let mut counts = Counts::default();
    let mut results = Vec::with_capacity(inputs.len());
    let mut worst = exit::OK;
    let text = a.format == output::Format::Text;
    let outcome = kyso::batch::Batch::new()
        .cancel_token(interrupt.token())
        .run(
            &inputs,
            || (),
            |_, _, input| match &input.error {
                Some(e) => Err((exit::USAGE, "unreadable", e.text.clone())),
                None => extend_one(&extender, &input.path, a.content.as_deref(), lang),
            },
            |done| {
                let path = &inputs[done.index].path;
                counts.total += 1;
                let r = file_result(path, done.output, &mut counts, &mut worst);
                if text {
                    output::print(&text_line(&r));
                }
                results.push(r);
            },
        );
    if !text {
        let doc = Report {
            schema: "kyso.extend/v1",
            level: level.as_str(),
            summary: &counts,
            files: &results,
        };
        output::print(&format!("{}\n", output::json_nested(&doc, 0)));
    } else if counts.total > 1 {
        output::print(&format!(
            "{}\n",
            crate::tr!(
                "extend_summary",
                total = counts.total,
                extended = counts.extended,
                unchanged = counts.unchanged,
                failed = counts.failed
            )
        ));
    }
    if outcome.cancelled {
        return Ok(exit::USAGE);
    }
    Ok(worst)
}

type Extended = std::result::Result<kyso::ExtendOutcome, (u8, &'static str, String)>;

/// Extend one file in place; the error is (exit code, code, message).
fn extend_one(
    x: &kyso::Extender,
    sig: &Path,
    content: Option<&Path>,
    lang: kyso::Lang,
) -> Extended {
    let mut outcome = None;
    let container = ["asice", "sce", "asics", "scs"]
        .iter()
        .any(|e| crate::paths::has_extension(sig, e));
    let r = write_atomic_if(sig, true, &mut |w| {
        let o = if container && content.is_none() {
            // ASiC (EN 319 162-1): each signature of the container, the other entries raw.
            let bytes = std::fs::read(sig)?;
            let (out, o) = x.extend_container(&bytes)?;
            w.write_all(&out)?;
            o
        } else {
            x.extend_file(sig, content, w)?
        };
        let changed = o.changed();
        outcome = Some(o);
        Ok(changed)
    });
    match (r, outcome) {
        (Ok(_), Some(o)) => Ok(o),
        (Ok(_), None) => Err((exit::USAGE, "io", String::new())),
        (Err(e), _) => {
            let (code, message) = match e.downcast_ref::<kyso::Error>() {
                Some(k) => (k.code(), k.message(lang)),
                None => ("io", format!("{e:#}")),
            };
            Err((exit_code(e.downcast_ref::<kyso::Error>()), code, message))
        }
    }
}

/// 1 for a signature that is TOTAL-FAILED or a container archive that no longer holds, 3 for
/// what may work later (an INDETERMINATE
/// signature, validation data or a TSA that could not be had), 2 for the rest.
fn exit_code(e: Option<&kyso::Error>) -> u8 {
    match e {
        Some(kyso::Error::ExtendRefused(kyso::ExtendRefusal::SignatureNotValid {
            indication,
            ..
        })) if indication == "TOTAL-FAILED" => exit::FAILED,
        Some(kyso::Error::ExtendRefused(kyso::ExtendRefusal::ArchiveBroken { .. })) => exit::FAILED,
        Some(kyso::Error::ExtendRefused(
            kyso::ExtendRefusal::NeedsTimestamper { .. }
            | kyso::ExtendRefusal::UnsupportedLevel { .. },
        )) => exit::USAGE,
        Some(kyso::Error::ExtendRefused(_) | kyso::Error::Timestamp(_)) => exit::INDETERMINATE,
        _ => exit::USAGE,
    }
}

fn file_result(path: &Path, r: Extended, counts: &mut Counts, worst: &mut u8) -> FileResult {
    let file = path.display().to_string();
    match r {
        Ok(o) => {
            let changed = o.changed();
            if changed {
                counts.extended += 1;
            } else {
                counts.unchanged += 1;
            }
            FileResult {
                file,
                result: if changed { "extended" } else { "unchanged" },
                signatures: o
                    .signatures
                    .iter()
                    .map(|s| SignatureResult {
                        index: s.index,
                        level_before: s.level_before,
                        level_after: s.level_after,
                        timestamp_added: s.timestamp_added,
                        archive_timestamp_added: s.archive_timestamp_added,
                    })
                    .collect(),
                certificates_added: Some(o.certificates_added),
                revocation_values_added: Some(o.revocation_values_added),
                error: None,
            }
        }
        Err((exit_code, code, message)) => {
            counts.failed += 1;
            // The worst outcome decides: 1 over 3 over 0, and 2 over everything.
            *worst = match (*worst, exit_code) {
                (exit::USAGE, _) | (_, exit::USAGE) => exit::USAGE,
                (exit::FAILED, _) | (_, exit::FAILED) => exit::FAILED,
                _ => exit::INDETERMINATE,
            };
            FileResult {
                file,
                result: "failed",
                signatures: Vec::new(),
                certificates_added: None,
                revocation_values_added: None,
                error: Some(ErrorEntry { code, message }),
            }
        }
    }
}

fn text_line(r: &FileResult) -> String {
    let levels = |f: fn(&SignatureResult) -> kyso::SignatureLevel| {
        let mut v: Vec<&str> = r.signatures.iter().map(|s| f(s).as_str()).collect();
        v.dedup();
        v.join("/")
    };
    let line = match (r.result, &r.error) {
        ("failed", Some(e)) => crate::tr!("extend_failed", file = &r.file, why = &e.message),
        ("unchanged", _) => crate::tr!(
            "extend_unchanged",
            file = &r.file,
            level = levels(|s| s.level_after)
        ),
        _ => crate::tr!(
            "extend_done",
            file = &r.file,
            from = levels(|s| s.level_before),
            to = levels(|s| s.level_after),
            stamps = r
                .signatures
                .iter()
                .map(|s| usize::from(s.timestamp_added) + usize::from(s.archive_timestamp_added))
                .sum::<usize>(),
            certs = r.certificates_added.unwrap_or(0),
            values = r.revocation_values_added.unwrap_or(0)
        ),
    };
    format!("kyso: {line}\n")
}
