//! `kyso extract`: write the content of attached signatures (`.p7m`) to files, atomically.
//! The library streams the content out ([`kyso::extract_content`]); nothing is verified here.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args as ClapArgs;
use kyso::Lang;

use crate::exit;
use crate::output::{self, LangArg};

/// Arguments of `kyso extract`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// Write the documents into DIR (created if missing) instead of beside each envelope.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Replace a document that already exists (by default it is kept and the file refused).
    #[arg(long)]
    force: bool,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Attached signatures (.p7m): X.p7m gives X. ASiC containers (.asice, .sce, .asics,
    /// .scs): their documents go into DIR, or a folder X beside X.asice.
    #[arg(value_name = "FILE", required = true, value_parser = crate::paths::input)]
    files: Vec<PathBuf>,
}

/// Where the content of `envelope` goes: X.p7m gives X, any other name gets `.content`.
fn target(envelope: &Path, dir: Option<&Path>) -> PathBuf {
    let name = envelope.file_name().map(PathBuf::from).unwrap_or_default();
    let is_p7m = envelope
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("p7m"));
    let name = if is_p7m {
        name.with_extension("")
    } else {
        PathBuf::from(format!("{}.content", name.display()))
    };
    match dir {
        Some(d) => d.join(name),
        None => envelope.with_file_name(name),
    }
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    if let Some(d) = &a.output {
        std::fs::create_dir_all(d)
            .map_err(|e| anyhow::anyhow!("{}: {}", d.display(), kyso::io_reason(&e, lang)))?;
    }
    let mut failed = 0usize;
    for f in &a.files {
        if ["asice", "sce", "asics", "scs"]
            .iter()
            .any(|x| crate::paths::has_extension(f, x))
        {
            if let Err(e) = container(&a, f, lang) {
                failed += 1;
                eprintln!("kyso: {} {e:#}", crate::tr!("error"));
            }
            continue;
        }
        let out = target(f, a.output.as_deref());
        let mut length = None;
        let mut error = None;
        let written =
            output::write_atomic_if(&out, a.force, &mut |w| match kyso::extract_content(f, w) {
                Ok(n) => {
                    length = n;
                    Ok(n.is_some())
                }
                Err(e) => {
                    let m = e.message(lang);
                    error = Some(m.clone());
                    Err(anyhow::anyhow!(m))
                }
            });
        let line = match (written, length, error) {
            (Ok(true), Some(n), _) => {
                output::print(&match lang {
                    Lang::Vi => format!(
                        "đã lấy {} ({n} byte) từ {}; chưa kiểm tra chữ ký: chạy kyso verify {}\n",
                        out.display(),
                        f.display(),
                        f.display()
                    ),
                    _ => format!(
                        "extracted {} ({n} bytes) from {}; the signature was not checked: run kyso verify {}\n",
                        out.display(),
                        f.display(),
                        f.display()
                    ),
                });
                continue;
            }
            (Ok(_), _, _) => match lang {
                Lang::Vi => format!(
                    "{} là chữ ký tách rời, không chứa tài liệu; tài liệu được ký là tệp đi kèm",
                    f.display()
                ),
                _ => format!(
                    "{} is a detached signature with no content inside; the signed document is a separate file",
                    f.display()
                ),
            },
            (Err(_), _, Some(m)) => m,
            (Err(e), _, None) => crate::error_text(&e).trim_end().trim_start_matches("kyso: ").to_string(),
        };
        failed += 1;
        eprintln!("kyso: {} {line}", crate::tr!("error"));
    }
    Ok(if failed > 0 { exit::USAGE } else { exit::OK })
}

/// A container's documents written into the output folder (or X beside X.asice), each
/// atomically and never over an existing file without --force: every target is checked
/// before the first is written, so a refusal writes nothing.
fn container(a: &Args, f: &Path, lang: Lang) -> Result<()> {
    let objects = kyso::extract_container(f).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let dir = match &a.output {
        Some(d) => d.clone(),
        None => f.with_extension(""),
    };
    if !a.force {
        if let Some((name, _)) = objects.iter().find(|(n, _)| dir.join(n).exists()) {
            anyhow::bail!(crate::tr!(
                "already_exists",
                path = dir.join(name).display()
            ));
        }
    }
    // The library refused names with '..', absolute paths and backslashes: each name stays
    // inside `dir`, unless a folder on the way is a symbolic link (planted to redirect the
    // write): refused, before anything is written.
    for (name, _) in &objects {
        let out = dir.join(name);
        let mut on_the_way = dir.clone();
        for part in Path::new(name)
            .parent()
            .into_iter()
            .flat_map(Path::components)
        {
            on_the_way.push(part);
            if std::fs::symlink_metadata(&on_the_way).is_ok_and(|m| m.file_type().is_symlink()) {
                anyhow::bail!(
                    "{}: a symbolic link on the way to {}; kyso does not write through it",
                    on_the_way.display(),
                    out.display()
                );
            }
        }
    }
    for (name, data) in &objects {
        let out = dir.join(name);
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                anyhow::anyhow!("{}: {}", parent.display(), kyso::io_reason(&e, lang))
            })?;
        }
        output::write_atomic(&out, a.force, &mut |w| {
            Ok(std::io::Write::write_all(w, data)?)
        })?;
        output::print(&match lang {
            Lang::Vi => format!(
                "đã lấy {} ({} byte) từ {}; chưa kiểm tra chữ ký: chạy kyso verify {}\n",
                out.display(),
                data.len(),
                f.display(),
                f.display()
            ),
            _ => format!(
                "extracted {} ({} bytes) from {}; the signatures were not checked: run kyso verify {}\n",
                out.display(),
                data.len(),
                f.display(),
                f.display()
            ),
        });
    }
    Ok(())
}
