//! `kyso`: sign and verify CMS / CAdES documents. Parses arguments, calls the `kyso` library,
//! prints, and picks the exit code (0 ok, 1 failed, 2 usage or unreadable input, 3 indeterminate).
#![forbid(unsafe_code)]

mod advice;
mod cmd;
mod output;
mod schema_v1;
mod secret;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes of the product contract.
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INDETERMINATE: u8 = 3;
}

#[derive(Parser)]
#[command(
    name = "kyso",
    version,
    about = "Ký số: sign and verify CMS/CAdES documents (RFC 5652, ETSI EN 319 122)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign files (CAdES B-B; detached .p7s by default, --attached for .p7m).
    Sign(cmd::sign::Args),
    /// Verify signatures and print a report (text or JSON, schema kyso.verify/v2).
    Verify(cmd::verify::Args),
    /// Show what a certificate, bundle, PKCS#12 or CMS file holds.
    Inspect(cmd::inspect::Args),
    /// Build and validate a certificate's path to the trust anchors, shown as a tree.
    Chain(cmd::chain::Args),
    /// PKCS#11 tokens: list modules' slots, tokens, PIN state, certificates and keys.
    Token(cmd::token::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Sign(a) => cmd::sign::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Inspect(a) => cmd::inspect::run(a),
        Command::Chain(a) => cmd::chain::run(a),
        Command::Token(a) => cmd::token::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            report_error(&e);
            ExitCode::from(exit::USAGE)
        }
    }
}

/// The stable code of the library error behind `e`, if it is one.
pub(crate) fn error_code(e: &anyhow::Error) -> Option<&'static str> {
    e.chain().find_map(|c| {
        c.downcast_ref::<kyso::Error>()
            .map(kyso::Error::code)
            .or_else(|| {
                c.downcast_ref::<kyso::TokenError>()
                    .map(kyso::TokenError::code)
            })
    })
}

/// Print an error with its causes, never `{:?}` (style: errors say what happened, then what to do).
pub(crate) fn report_error(e: &anyhow::Error) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "kyso: error: {e}");
    for cause in e.chain().skip(1) {
        let _ = write!(err, ": {cause}");
    }
    let _ = writeln!(err);
    // The library's errors carry a code; where a flag helps, say which.
    if let Some(hint) = error_code(e).and_then(advice::for_error) {
        let _ = writeln!(err, "kyso: hint: {hint}");
    }
}
