//! `kyso man DIR`: one roff man page per command and subcommand (kyso.1, kyso-sign.1,
//! kyso-token-list.1, ...), generated with clap_mangen from the command line's definition,
//! with the EXAMPLES and other sections of `--help`. Each page is written atomically, and
//! existing pages are only replaced with --force, like every output of kyso.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use clap_mangen::roff::{roman, Roff};
use clap_mangen::Man;

use crate::exit;
use crate::output::write_atomic;

/// Arguments of `kyso man`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// Replace pages that already exist.
    #[arg(long)]
    force: bool,
    /// The directory to write the pages into (created if missing), e.g. ~/.local/share/man/man1.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

pub fn run(a: Args, cli: clap::Command) -> Result<u8> {
    let pages = pages(cli)?;
    // All or nothing: refuse before writing anything, so a refusal leaves no mix of versions.
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    if !a.force {
        let existing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| a.dir.join(n).exists())
            .collect();
        if !existing.is_empty() {
            bail!(crate::tr!(
                "man_pages_exist",
                dir = a.dir.display(),
                files = existing.join(", ")
            ));
        }
    }
    std::fs::create_dir_all(&a.dir)
        .with_context(|| crate::tr!("cannot_create_dir", path = a.dir.display()))?;
    for (name, page) in &pages {
        write_atomic(&a.dir.join(name), a.force, &mut |w| Ok(w.write_all(page)?))?;
    }
    eprintln!(
        "{}",
        crate::tr!(
            "man_pages_written",
            count = pages.len(),
            dir = a.dir.display(),
            files = names.join(", ")
        )
    );
    Ok(exit::OK)
}

/// (file name, roff text) of every page: the command, then each visible subcommand, depth first.
fn pages(cli: clap::Command) -> Result<Vec<(String, Vec<u8>)>> {
    // `help` is not a command of its own here; building sets the names (kyso-sign, ...).
    let mut cli = cli.disable_help_subcommand(true);
    cli.build();
    let mut out = Vec::new();
    collect(&cli, &mut out)?;
    Ok(out)
}

fn collect(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    out.push(page(cmd).with_context(|| crate::tr!("rendering_man"))?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, out)?;
    }
    Ok(())
}

/// One page: clap_mangen's NAME, SYNOPSIS, DESCRIPTION, OPTIONS and SUBCOMMANDS, then the
/// EXAMPLES and further sections of our help, SEE ALSO and VERSION.
fn page(cmd: &clap::Command) -> std::io::Result<(String, Vec<u8>)> {
    let man = Man::new(cmd.clone())
        .source(format!("kyso {}", env!("CARGO_PKG_VERSION")))
        .manual("kyso manual");
    let name = man.get_filename();
    let title = name.trim_end_matches(".1").to_string();
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    // Each section renders with the roff preamble (the apostrophe string); keep the first only.
    let preamble = Roff::new().render();
    let mut section = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| -> std::io::Result<()> {
        let mut s = Vec::new();
        f(&mut s)?;
        buf.extend_from_slice(s.strip_prefix(preamble.as_bytes()).unwrap_or(&s));
        Ok(())
    };
    section(&|w| man.render_name_section(w))?;
    section(&|w| man.render_synopsis_section(w))?;
    section(&|w| man.render_description_section(w))?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        section(&|w| man.render_options_section(w))?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        section(&|w| man.render_subcommands_section(w))?;
    }
    let mut roff = Roff::new();
    if let Some(h) = crate::help::of(&title) {
        roff.control("SH", ["EXAMPLES"]);
        for e in h.examples {
            if !e.what.is_empty() {
                roff.control("PP", []);
                roff.text([roman(e.what)]);
            }
            roff.control("RS", ["4"]);
            roff.control("nf", []);
            roff.text([roman(e.run)]);
            roff.control("fi", []);
            roff.control("RE", []);
        }
        for (_, heading, text) in h.sections {
            roff.control("SH", [*heading]);
            // Filled (long lines wrap), but each line of the help text starts a new line.
            for line in text.lines() {
                roff.text([roman(line)]);
                roff.control("br", []);
            }
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let see_also = if title == "kyso" {
        "kyso-sign(1), kyso-verify(1), kyso-inspect(1), kyso-chain(1), openssl-cms(1)".to_string()
    } else {
        let parent = title.rsplit_once('-').map_or("kyso", |(p, _)| p);
        format!("{parent}(1)")
    };
    roff.text([roman(see_also)]);
    section(&|w| roff.to_writer(w))?;
    if cmd.get_version().is_some() {
        section(&|w| man.render_version_section(w))?;
    }
    Ok((name, buf))
}
