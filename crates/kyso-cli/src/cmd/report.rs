//! `kyso report merge`: join the JSON reports of shards (`kyso verify --shard K/N`) into one
//! ([`kyso::Report::merge`]), as JSON or JUnit, with the exit code of the whole batch.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, Subcommand};

use crate::exit;
use crate::output::{self, LangArg};

/// Arguments of `kyso report`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Subcommand, Debug)]
enum ReportCommand {
    /// Join kyso.verify/v2 JSON reports (the shards of one batch) into one, the summary
    /// counted again; exit codes as for verify, over the whole batch.
    Merge(MergeArgs),
}

/// `--format` of `kyso report merge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
enum MergeFormat {
    /// One kyso.verify/v2 JSON document.
    #[default]
    Json,
    /// JUnit XML: one test case per signature file of every shard.
    Junit,
}

#[derive(ClapArgs, Debug)]
struct MergeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = MergeFormat::Json)]
    format: MergeFormat,
    /// Write the merged report to FILE (atomically; `-` or no -o: stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// The JSON reports (`kyso verify --format json --shard K/N` of each shard).
    #[arg(value_name = "REPORT", required = true, value_parser = crate::paths::input)]
    reports: Vec<PathBuf>,
}

impl Args {
    /// The `--lang` given, if any.
    pub fn lang(&self) -> Option<LangArg> {
        match &self.command {
            ReportCommand::Merge(m) => m.lang,
        }
    }
}

pub fn run(a: Args) -> Result<u8> {
    match a.command {
        ReportCommand::Merge(m) => merge(m),
    }
}

fn merge(m: MergeArgs) -> Result<u8> {
    let mut parts = Vec::new();
    for f in &m.reports {
        let text =
            std::fs::read(f).with_context(|| crate::tr!("cannot_read", path = f.display()))?;
        let r: kyso::Report = serde_json::from_slice(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a kyso.verify/v2 JSON report ({e}); write one with kyso verify --format json",
                f.display()
            )
        })?;
        parts.push(r);
    }
    let times: std::collections::BTreeSet<i64> =
        parts.iter().map(|p| p.validation_time.unix()).collect();
    let merged = kyso::Report::merge(parts).map_err(|e| anyhow::anyhow!(e))?;
    if times.len() > 1 {
        eprintln!(
            "kyso: note: the reports were validated at {} different times; the merged report says the earliest, {} (pass the same --at to every shard)",
            times.len(),
            merged.validation_time
        );
    }
    let text = match m.format {
        MergeFormat::Json => merged.to_json() + "\n",
        MergeFormat::Junit => {
            let policy = merged
                .policy
                .as_ref()
                .map_or_else(String::new, |p| p.name.clone());
            let run = super::verify::RunInfo::start(merged.validation_time, policy);
            let cases: String = merged
                .documents
                .iter()
                .map(|d| super::verify::junit_case(d, std::time::Duration::ZERO))
                .collect();
            let skipped: Vec<(String, String)> = merged
                .skipped
                .iter()
                .map(|s| (s.file.clone(), s.reason.clone()))
                .collect();
            super::verify::junit_suite(&cases, &merged.summary, 0, &skipped, &run)
        }
    };
    match &m.output {
        Some(p) if p.as_os_str() != "-" => {
            output::write_atomic(p, m.force, &mut |w| Ok(w.write_all(text.as_bytes())?))?
        }
        _ => output::print(&text),
    }
    if merged.documents.is_empty() && merged.skipped.is_empty() {
        bail!("the reports hold no document");
    }
    Ok(match merged.worst() {
        Some(kyso::Indication::TotalFailed) => exit::FAILED,
        Some(kyso::Indication::Indeterminate) => exit::INDETERMINATE,
        _ => exit::OK,
    })
}
