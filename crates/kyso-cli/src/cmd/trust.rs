//! `kyso trust`: the named trust lists (shipped and installed), and installing a newer one
//! from a file an administrator got offline. The library checks the file
//! ([`kyso::TrustStore::check_update`]); this shows it, asks, and installs.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args as ClapArgs, Subcommand};
use kyso::{Lang, TrustList, TrustListSource, TrustStore, UpdateCheck};

use crate::exit;
use crate::output::{self, LangArg};

/// Arguments of `kyso trust`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: TrustCommand,
    /// Language of the output (default from the locale).
    #[arg(long, value_enum, global = true)]
    lang: Option<LangArg>,
}

#[derive(Subcommand, Debug)]
enum TrustCommand {
    /// Show the trust lists: shipped and installed, which one is in force, each anchor's
    /// subject and SHA-256.
    List,
    /// Install a newer trust list from FILE: a signed bundle (a .p7m of the list, signed by a
    /// publisher the list in force names) installs after its signature verifies; a plain
    /// list file shows every fingerprint and installs only when confirmed (--yes).
    Update(UpdateArgs),
    /// Write a trust list in force as a list file (the format `update` reads).
    Export(ExportArgs),
}

#[derive(ClapArgs, Debug)]
struct UpdateArgs {
    /// Install a plain (unsigned) list without asking, after checking the fingerprints shown
    /// against those the issuer published.
    #[arg(long)]
    yes: bool,
    /// The list file or signed bundle.
    #[arg(value_name = "FILE", value_parser = crate::paths::input)]
    file: PathBuf,
}

#[derive(ClapArgs, Debug)]
struct ExportArgs {
    /// The list: vn-gov, vn-public, or an installed one.
    #[arg(value_name = "NAME")]
    name: String,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl Args {
    /// The `--lang` given, if any.
    pub fn lang(&self) -> Option<LangArg> {
        self.lang
    }
}

fn store() -> Result<TrustStore> {
    TrustStore::from_env().ok_or_else(|| {
        anyhow::anyhow!("no folder for installed trust lists: set KYSO_TRUST_DIR (or HOME)")
    })
}

fn describe(l: &TrustList, lang: Lang) -> String {
    let mut s = format!(
        "{} {} ({}) — {}\n",
        l.name,
        l.version,
        match &l.source {
            TrustListSource::Builtin => lang.pick("shipped", "có sẵn").to_string(),
            TrustListSource::Installed(p) =>
                format!("{} {}", lang.pick("installed", "đã cài"), p.display()),
            _ => String::new(),
        },
        l.pki.describe(lang)
    );
    for a in &l.anchors {
        s.push_str(&format!(
            "  {} {}\n    SHA-256 {}\n",
            lang.pick("anchor:", "chứng thư số gốc:"),
            a.subject(),
            a.sha256_fingerprint()
        ));
    }
    for c in &l.intermediates {
        s.push_str(&format!(
            "  {} {}\n    SHA-256 {}\n",
            lang.pick(
                "intermediate (path building only):",
                "CA trung gian (chỉ để dựng chuỗi):"
            ),
            c.subject(),
            c.sha256_fingerprint()
        ));
    }
    s
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    match a.command {
        TrustCommand::List => {
            let store = store()?;
            let mut s = String::new();
            for name in ["vn-gov", "vn-public"] {
                if let Some(l) = store.resolve(name) {
                    s.push_str(&describe(&l?, lang));
                }
            }
            for l in store.installed()? {
                if !["vn-gov", "vn-public"].contains(&l.name.as_str()) {
                    s.push_str(&describe(&l, lang));
                }
            }
            s.push_str(lang.pick(
                "vn: vn-gov and vn-public together\n",
                "vn: cả vn-gov và vn-public\n",
            ));
            output::print(&s);
            Ok(exit::OK)
        }
        TrustCommand::Export(e) => {
            let list = store()?
                .resolve(&e.name)
                .ok_or_else(|| anyhow::anyhow!("no trust list is named {}", e.name))??;
            let text = list.to_toml();
            match e.output {
                Some(p) => {
                    output::write_atomic(&p, false, &mut |w| Ok(w.write_all(text.as_bytes())?))?
                }
                None => output::print(&text),
            }
            Ok(exit::OK)
        }
        TrustCommand::Update(u) => {
            let store = store()?;
            let (list, check) = store
                .check_update(&u.file, kyso::Timestamp::now())
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            eprint!("{}", describe(&list, lang));
            if check == UpdateCheck::Confirmed && !u.yes {
                let question = lang.pick(
                    "This list is not signed. Compare each SHA-256 above with the one its issuer published (on paper or its web site). Install it? [y/N] ",
                    "Danh sách này không được ký. Hãy so từng SHA-256 ở trên với giá trị do cơ quan phát hành công bố (văn bản giấy hoặc trang web). Cài đặt? [y/N] ",
                );
                if !std::io::stdin().is_terminal() {
                    bail!(lang.pick(
                        "an unsigned list is installed only when confirmed: check the fingerprints shown and run again with --yes",
                        "danh sách không được ký chỉ được cài khi được xác nhận: kiểm tra các dấu vân tay ở trên rồi chạy lại với --yes"
                    ));
                }
                eprint!("{question}");
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "yes" | "có" | "c") {
                    eprintln!("{}", lang.pick("nothing was installed", "chưa cài đặt gì"));
                    return Ok(exit::FAILED);
                }
            }
            let path = store
                .install(&list)
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            let how = match &check {
                UpdateCheck::Signed { signer } => match lang {
                    Lang::Vi => format!("chữ ký của nhà phát hành {signer} hợp lệ"),
                    _ => format!("signed by its publisher {signer}"),
                },
                _ => lang.pick("confirmed", "đã xác nhận").to_string(),
            };
            output::print(&match lang {
                Lang::Vi => format!(
                    "đã cài danh sách tin cậy {} {} ({how}) vào {}\n",
                    list.name,
                    list.version,
                    path.display()
                ),
                _ => format!(
                    "installed trust list {} {} ({how}) as {}\n",
                    list.name,
                    list.version,
                    path.display()
                ),
            });
            Ok(exit::OK)
        }
    }
}
