//! `kyso`: sign and verify CMS / CAdES documents. Parses arguments, calls the `kyso` library,
//! prints, and picks the exit code (0 ok, 1 failed, 2 usage or unreadable input, 3 indeterminate).
#![forbid(unsafe_code)]

mod advice;
mod cmd;
mod display;
mod help;
mod interrupt;
mod msg;
mod output;
mod paths;
mod progress;
mod schema_v1;
mod secret;
mod sigfile;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

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
    about = "Ký số: sign and verify CMS/CAdES documents (RFC 5652, ETSI EN 319 122)",
    after_help = help::after_help("kyso")
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign files (CAdES B-B; detached .p7s by default, --attached for .p7m).
    #[command(after_help = help::after_help("kyso-sign"))]
    Sign(Box<cmd::sign::Args>),
    /// Verify signatures and print a report (text or JSON, schema kyso.verify/v2).
    #[command(after_help = help::after_help("kyso-verify"))]
    Verify(cmd::verify::Args),
    /// Extend signatures in place to CAdES B-T (a time-stamp) or B-LT (validation data).
    #[command(after_help = help::after_help("kyso-extend"))]
    Extend(cmd::extend::Args),
    /// Write the documents inside attached signatures (.p7m) to files (not verified).
    #[command(after_help = help::after_help("kyso-extract"))]
    Extract(cmd::extract::Args),
    /// Show what a certificate, bundle, PKCS#12 or CMS file holds.
    #[command(after_help = help::after_help("kyso-inspect"))]
    Inspect(cmd::inspect::Args),
    /// Build and validate a certificate's path to the trust anchors, shown as a tree.
    #[command(after_help = help::after_help("kyso-chain"))]
    Chain(cmd::chain::Args),
    /// Trust lists: the shipped Vietnamese anchors (vn-gov, vn-public, vn) and installed ones.
    #[command(after_help = help::after_help("kyso-trust"))]
    Trust(cmd::trust::Args),
    /// Reports: join the JSON reports of a batch's shards (merge).
    #[command(after_help = help::after_help("kyso-report"))]
    Report(cmd::report::Args),
    /// PKCS#11 tokens: list modules' slots, tokens, PIN state, certificates and keys.
    #[command(after_help = help::after_help("kyso-token"))]
    Token(cmd::token::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    #[command(after_help = help::after_help("kyso-completions"))]
    Completions(cmd::completions::Args),
    /// Write the man pages (kyso.1, kyso-sign.1, ...) into a directory.
    #[command(after_help = help::after_help("kyso-man"))]
    Man(cmd::man::Args),
    /// A local HTTP service: POST /verify (the JSON report), POST /sign (with a key given at start).
    #[command(after_help = help::after_help("kyso-serve"))]
    Serve(Box<cmd::serve::Args>),
}

impl Command {
    /// The `--lang` given to the command, if any.
    fn lang(&self) -> Option<output::LangArg> {
        match self {
            Command::Sign(a) => a.lang,
            Command::Verify(a) => a.lang,
            Command::Extend(a) => a.lang,
            Command::Extract(a) => a.lang,
            Command::Inspect(a) => a.lang,
            Command::Chain(a) => a.lang,
            Command::Token(a) => a.lang(),
            Command::Report(a) => a.lang(),
            Command::Trust(a) => a.lang(),
            Command::Completions(_) | Command::Man(_) => None,
            Command::Serve(a) => a.lang,
        }
    }
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
            // A secret given where its source was expected: kyso's own message, in the
            // run's language, and never the value (clap's usage errors stay English).
            let refused = crate::tr!("pass_not_a_source");
            if e.kind() == clap::error::ErrorKind::ValueValidation
                && e.to_string().contains(&refused)
            {
                eprintln!("kyso: {} {refused}", crate::tr!("error"));
                return ExitCode::from(exit::USAGE);
            }
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // One language for every line of the run: --lang, else the locale.
    msg::set_lang(output::lang(cli.command.lang()));
    let result = match cli.command {
        Command::Sign(a) => cmd::sign::run(*a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Extend(a) => cmd::extend::run(a),
        Command::Extract(a) => cmd::extract::run(a),
        Command::Inspect(a) => cmd::inspect::run(a),
        Command::Chain(a) => cmd::chain::run(a),
        Command::Token(a) => cmd::token::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Trust(a) => cmd::trust::run(a),
        Command::Completions(a) => cmd::completions::run(a, Cli::command()),
        Command::Man(a) => cmd::man::run(a, Cli::command()),
        Command::Serve(a) => cmd::serve::run(*a),
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
    let _ = err.write_all(error_text(e).as_bytes());
}

/// The lines [`report_error`] prints (the error and its causes, then a hint where a flag
/// helps), for rendering on a batch worker. Every part is in the run's language: the CLI's
/// own contexts come from its table, the library's errors from the library's catalogue
/// (`kyso::Error::message`), operating-system errors by their kind.
pub(crate) fn error_text(e: &anyhow::Error) -> String {
    use std::fmt::Write as _;
    let lang = msg::lang();
    let mut parts = Vec::new();
    for cause in e.chain() {
        if let Some(k) = cause.downcast_ref::<kyso::Error>() {
            // Its message includes its own source (the I/O reason, ...).
            parts.push(k.message(lang));
            break;
        }
        if let Some(t) = cause.downcast_ref::<kyso::TokenError>() {
            parts.push(t.message(lang));
            break;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            parts.push(kyso::io_reason(io, lang));
            break;
        }
        parts.push(cause.to_string());
    }
    let mut s = format!("kyso: {} {}\n", crate::tr!("error"), parts.join(": "));
    // The library's errors carry a code; where a flag helps, say which.
    if let Some(hint) = advice::for_anyhow(e, lang) {
        let _ = writeln!(s, "kyso: {} {hint}", crate::tr!("hint"));
    }
    s
}
