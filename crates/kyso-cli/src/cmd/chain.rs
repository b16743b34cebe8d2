//! `kyso chain`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;

use crate::exit;
use crate::output::{self, Format, LangArg};

/// Arguments of `kyso chain`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(flatten)]
    certs: output::TrustArgs,
    /// Validate as of this time (RFC 3339); default now.
    #[arg(long, value_name = "TIME", value_parser = super::parse_time)]
    at: Option<kyso::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Language of the text output.
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// The certificate (PEM/DER; the first one of a bundle; further ones are used as intermediates).
    #[arg(value_name = "CERT")]
    cert: PathBuf,
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    let (anchors, intermediates) = a.certs.load()?;
    let mut pool = intermediates;
    let data =
        std::fs::read(&a.cert).with_context(|| format!("cannot read {}", a.cert.display()))?;
    let mut certs = kyso::Certificate::load_all(&data)
        .with_context(|| format!("{} is not a certificate", a.cert.display()))?
        .into_iter();
    let leaf = certs.next().context("no certificate found")?;
    pool.extend(certs);
    let at = a.at.unwrap_or_else(kyso::Timestamp::now);
    let outcome = kyso::validate_chain(&leaf, &pool, &anchors, at);
    match a.format {
        Format::Json => {
            let path: Vec<serde_json::Value> = outcome
                .path
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    serde_json::json!({
                        "subject": c.subject(), "issuer": c.issuer(), "serial": c.serial_hex(),
                        "not_before": c.not_before(), "not_after": c.not_after(),
                        "sha256_fingerprint": c.sha256_fingerprint(),
                        "error": (outcome.error_at == Some(i)).then(|| outcome.error.as_ref().map(|e| e.message(kyso::Lang::En))).flatten(),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "schema": "kyso.chain/v1",
                "validation_time": at,
                "valid": outcome.is_valid(),
                "error": outcome.error,
                "message": outcome.error.as_ref().map(|e| e.message(kyso::Lang::En)),
                "sub_indication": outcome.error.as_ref().map(|e| e.sub_indication()),
                "path": path,
            });
            output::print(&(serde_json::to_string_pretty(&doc)? + "\n"));
        }
        Format::Text => {
            let mut s = String::new();
            // Trust anchor at the top, the certificate at the bottom.
            for (depth, (i, c)) in outcome.path.iter().enumerate().rev().enumerate() {
                let verdict = match (&outcome.error, outcome.error_at) {
                    (Some(e), Some(at_i)) if at_i == i => format!("✗ {}", e.message(lang)),
                    (Some(_), _) => "·".to_string(),
                    (None, _) => "✓".to_string(),
                };
                let indent = "   ".repeat(depth);
                let branch = if depth == 0 { "" } else { "└─ " };
                let _ = writeln!(
                    s,
                    "{indent}{branch}{} [{} .. {}] {verdict}",
                    c.subject(),
                    c.not_before(),
                    c.not_after()
                );
            }
            match &outcome.error {
                None => {
                    let _ = writeln!(s, "{}", lang.pick("path valid", "chuỗi hợp lệ"));
                }
                Some(e) => {
                    if outcome.error_at.is_none() {
                        let _ = writeln!(s, "✗ {}", e.message(lang));
                    }
                    let _ = writeln!(
                        s,
                        "{} ({})",
                        lang.pick("path NOT valid", "chuỗi KHÔNG hợp lệ"),
                        e.sub_indication().as_str()
                    );
                }
            }
            output::print(&s);
        }
    }
    Ok(if outcome.is_valid() {
        exit::OK
    } else {
        exit::FAILED
    })
}
