//! Secrets (passwords, PINs) never come from the command line itself: `--pass env:VAR`,
//! `file:PATH`, `fd:N`, `stdin`, `prompt`, or a prompt without echo when a terminal is attached.
//! A value that is none of these (most likely the password itself) is refused without being
//! repeated: clap's own error would print it back.

use std::io::{IsTerminal, Read};

use anyhow::{bail, Context, Result};

/// Where a secret comes from.
#[derive(Clone, Debug)]
pub enum SecretSource {
    Env(String),
    File(String),
    Fd(u32),
    Stdin,
    /// Ask on the terminal (what happens anyway when no source is given).
    Prompt,
}

impl std::str::FromStr for SecretSource {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.split_once(':') {
            Some(("env", v)) if !v.is_empty() => Ok(SecretSource::Env(v.into())),
            Some(("file", p)) if !p.is_empty() => Ok(SecretSource::File(p.into())),
            Some(("fd", n)) => n
                .parse()
                .map(SecretSource::Fd)
                .map_err(|_| format!("'{n}' is not a file descriptor number")),
            None if s == "stdin" => Ok(SecretSource::Stdin),
            None if s == "prompt" => Ok(SecretSource::Prompt),
            _ => Err(crate::tr!("pass_not_a_source")),
        }
    }
}

/// The clap value parser of `--pass`/`--pin`: its error never shows the value.
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretSourceParser;

impl clap::builder::TypedValueParser for SecretSourceParser {
    type Value = SecretSource;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<SecretSource, clap::Error> {
        value
            .to_str()
            .ok_or(())
            .and_then(|v| v.parse().map_err(|_| ()))
            .map_err(|()| {
                let mut cmd = cmd.clone();
                cmd.error(
                    clap::error::ErrorKind::ValueValidation,
                    crate::tr!("pass_not_a_source"),
                )
            })
    }
}

/// Read the secret; a trailing newline is not part of it.
pub fn read(source: Option<&SecretSource>, prompt: &str) -> Result<Vec<u8>> {
    let raw = match source {
        // The message says it all; std's "environment variable not found" would only add an
        // English tail to a Vietnamese line.
        Some(SecretSource::Env(v)) => std::env::var(v)
            .map_err(|_| anyhow::anyhow!(crate::tr!("secret_env_not_set", var = v)))?
            .into_bytes(),
        Some(SecretSource::File(p)) => {
            std::fs::read(p).with_context(|| crate::tr!("secret_file_unreadable", path = p))?
        }
        Some(SecretSource::Fd(n)) => {
            let mut v = Vec::new();
            std::fs::File::open(format!("/dev/fd/{n}"))
                .and_then(|mut f| f.read_to_end(&mut v))
                .with_context(|| crate::tr!("secret_fd_unreadable", fd = n))?;
            v
        }
        Some(SecretSource::Stdin) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .with_context(|| crate::tr!("secret_stdin_unreadable"))?;
            line.into_bytes()
        }
        None | Some(SecretSource::Prompt) => {
            if !std::io::stdin().is_terminal() {
                bail!(crate::tr!("secret_needed", what = prompt));
            }
            rpassword::prompt_password(format!("{prompt}: "))
                .with_context(|| crate::tr!("secret_terminal_unreadable"))?
                .into_bytes()
        }
    };
    let mut s = raw;
    while matches!(s.last(), Some(b'\n' | b'\r')) {
        s.pop();
    }
    Ok(s)
}
