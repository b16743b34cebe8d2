//! Secrets (passwords, PINs) never come from the command line itself: `--pass env:VAR`,
//! `file:PATH`, `fd:N`, `stdin`, or a prompt without echo when a terminal is attached.

use std::io::{IsTerminal, Read};

use anyhow::{bail, Context, Result};

/// Where a secret comes from.
#[derive(Clone, Debug)]
pub enum SecretSource {
    Env(String),
    File(String),
    Fd(u32),
    Stdin,
}

impl std::str::FromStr for SecretSource {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.split_once(':') {
            Some(("env", v)) if !v.is_empty() => Ok(SecretSource::Env(v.into())),
            Some(("file", p)) if !p.is_empty() => Ok(SecretSource::File(p.into())),
            Some(("fd", n)) => n.parse().map(SecretSource::Fd).map_err(|_| format!("'{n}' is not a file descriptor number")),
            None if s == "stdin" => Ok(SecretSource::Stdin),
            _ => Err("expected env:VAR, file:PATH, fd:N or stdin (a password itself is never accepted on the command line)".into()),
        }
    }
}

/// Read the secret; a trailing newline is not part of it.
pub fn read(source: Option<&SecretSource>, prompt: &str) -> Result<Vec<u8>> {
    let raw = match source {
        Some(SecretSource::Env(v)) => std::env::var(v)
            .with_context(|| format!("the environment variable {v} is not set"))?
            .into_bytes(),
        Some(SecretSource::File(p)) => {
            std::fs::read(p).with_context(|| format!("cannot read the password file {p}"))?
        }
        Some(SecretSource::Fd(n)) => {
            let mut v = Vec::new();
            std::fs::File::open(format!("/dev/fd/{n}"))
                .and_then(|mut f| f.read_to_end(&mut v))
                .with_context(|| format!("cannot read the password from file descriptor {n}"))?;
            v
        }
        Some(SecretSource::Stdin) => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            line.into_bytes()
        }
        None => {
            if !std::io::stdin().is_terminal() {
                bail!("{prompt} is needed; give it with --pass (or --pin) env:VAR, file:PATH, fd:N or stdin");
            }
            rpassword::prompt_password(format!("{prompt}: "))
                .context("cannot read the password from the terminal")?
                .into_bytes()
        }
    };
    let mut s = raw;
    while matches!(s.last(), Some(b'\n' | b'\r')) {
        s.pop();
    }
    Ok(s)
}
