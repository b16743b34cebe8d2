//! `kyso sign`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;

use crate::exit;
use crate::output::{load_certs, write_atomic};
use crate::secret::{self, SecretSource};

/// Where the private key comes from.
#[derive(ClapArgs, Debug)]
#[group(required = true, multiple = true)]
pub struct KeySource {
    /// Private key file (PEM or DER; PKCS#8, encrypted PKCS#8, PKCS#1, SEC1). Needs --cert.
    #[arg(long, value_name = "FILE", requires = "cert", conflicts_with_all = ["p12", "pkcs11"])]
    pub key: Option<PathBuf>,
    /// The signer's certificate (PEM or DER): with --key, or with --pkcs11 to use this file
    /// instead of the certificate on the token.
    #[arg(long, value_name = "FILE", conflicts_with = "p12")]
    pub cert: Option<PathBuf>,
    /// PKCS#12 bundle (.p12/.pfx) with key, certificate and chain.
    #[arg(long, value_name = "FILE", conflicts_with = "pkcs11")]
    pub p12: Option<PathBuf>,
    /// Key on a PKCS#11 token, as an RFC 7512 URI ('pkcs11:token=...;object=...' or id=%01).
    /// The certificate (and chain) are read from the token unless --cert is given.
    #[arg(long, value_name = "URI")]
    pub pkcs11: Option<String>,
}

/// Arguments of `kyso sign`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(flatten)]
    key: KeySource,
    /// Password of the key or PKCS#12, or the token PIN: env:VAR, file:PATH, fd:N or stdin
    /// (else a prompt without echo). `--pin` is the same option.
    #[arg(long, visible_alias = "pin", value_name = "SOURCE")]
    pass: Option<SecretSource>,
    /// PKCS#11 module (the token vendor's .so) for --pkcs11; default: the URI's module-path,
    /// then KYSO_PKCS11_MODULE.
    #[arg(long, value_name = "PATH", requires = "pkcs11")]
    module: Option<PathBuf>,
    /// When the token reports that the next wrong PIN locks it, try the PIN anyway (for
    /// scripts; at a terminal kyso asks instead).
    #[arg(long, requires = "pkcs11")]
    confirm_final_pin_try: bool,
    /// Chain certificates to embed (PEM bundle, DER, .p7b); repeatable.
    #[arg(long, value_name = "FILE")]
    chain: Vec<PathBuf>,
    /// Embed the content (FILE.p7m) instead of a detached signature (FILE.p7s).
    #[arg(long)]
    attached: bool,
    /// Digest algorithm.
    #[arg(long, value_name = "ALG", value_parser = ["sha256", "sha384", "sha512"])]
    digest: Option<String>,
    /// RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys).
    #[arg(long)]
    pss: bool,
    /// Add a parallel signature to this existing envelope (co-signing); it is replaced in
    /// place unless -o is given. The existing signatures are kept byte for byte.
    #[arg(long, value_name = "SIG")]
    add_to: Option<PathBuf>,
    /// Output file (only with one input); `-` writes to stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Replace existing output files.
    #[arg(long)]
    force: bool,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    lang: Option<crate::output::LangArg>,
    /// Resume an interrupted batch: skip files whose output already holds a valid signature
    /// by this signer over the same content (anything else still needs --force).
    #[arg(long, conflicts_with = "add_to")]
    resume: bool,
    /// Files to sign; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<u8> {
    if a.files.len() > 1 && a.output.is_some() {
        bail!(
            "-o names one output but {} files were given; drop -o to write FILE.p7s beside each",
            a.files.len()
        );
    }
    if a.add_to.is_some() && a.files.len() != 1 {
        bail!("--add-to co-signs one document; give exactly one FILE");
    }
    for f in &a.files {
        if f != Path::new("-") {
            std::fs::metadata(f).with_context(|| format!("cannot read {}", f.display()))?;
        }
    }
    let chain = load_certs(&a.chain, "--chain")?;
    // A token: one login for the whole batch (the session stays open while `token` lives).
    let (key, token) = match &a.key.pkcs11 {
        Some(uri) => {
            let (cert, extra) = match &a.key.cert {
                Some(c) => {
                    let (leaf, rest) = load_cert_file(c)?;
                    (Some(leaf), rest)
                }
                None => (None, Vec::new()),
            };
            let (key, token) = crate::cmd::token::open_signing_key(
                uri,
                a.module.as_ref(),
                a.pass.as_ref(),
                cert,
                extra,
                a.confirm_final_pin_try,
            )?;
            (key, Some(token))
        }
        None => (load_key(&a)?, None),
    };
    let mut builder = kyso::Signer::new(key.with_chain(chain))
        .attached(a.attached)
        .pss(a.pss)
        .signing_time(kyso::Timestamp::now());
    if let Some(d) = &a.digest {
        builder = builder.digest(kyso::DigestAlgorithm::from_name(d).context("unknown digest")?);
    }
    let signer = match builder.build() {
        Ok(s) => s,
        Err(e) => {
            crate::report_error(&anyhow::Error::new(e));
            return Ok(exit::FAILED);
        }
    };
    // One key load for the whole batch. Keys in memory sign on one worker per core (more
    // workers only spin on the output directory's lock: measured with scripts/bench.sh); a
    // token session signs one file at a time. Each file's line is rendered on its worker and
    // printed in input order as soon as it and those before it are done.
    let workers = if token.is_some() {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let lang = crate::output::lang(a.lang);
    let vi = lang == kyso::Lang::Vi;
    let interrupt = crate::interrupt::arm();
    let (mut failed, mut skipped) = (0, 0);
    let outcome = kyso::batch::Batch::new()
        .workers(workers)
        .cancel_token(interrupt.token())
        .run(
            &a.files,
            || (),
            |_, _, f| {
                let r = sign_one(&a, &signer, f);
                let (f, shown) = (f.display(), |o: &PathBuf| o.display().to_string());
                match r {
                    Ok(Outcome::Signed(out)) if vi => (
                        Done::Signed,
                        format!("kyso: đã ký {f} -> {}\n", shown(&out)),
                    ),
                    Ok(Outcome::Signed(out)) => (
                        Done::Signed,
                        format!("kyso: signed {f} -> {}\n", shown(&out)),
                    ),
                    Ok(Outcome::AlreadySigned(out)) if vi => (
                        Done::Skipped,
                        format!("kyso: {f} đã được ký trong {} (--resume)\n", shown(&out)),
                    ),
                    Ok(Outcome::AlreadySigned(out)) => (
                        Done::Skipped,
                        format!(
                            "kyso: {f} is already signed in {} (--resume)\n",
                            shown(&out)
                        ),
                    ),
                    Err(e) => {
                        let what = if vi {
                            format!("{f} chưa được ký")
                        } else {
                            format!("{f} was not signed")
                        };
                        (Done::Failed, crate::error_text(&e.context(what)))
                    }
                }
            },
            |done| {
                let (kind, line) = done.output;
                match kind {
                    Done::Signed => {}
                    Done::Skipped => skipped += 1,
                    Done::Failed => failed += 1,
                }
                let mut err = std::io::stderr().lock();
                let _ = std::io::Write::write_all(&mut err, line.as_bytes());
            },
        );
    let signed = outcome.done - failed - skipped;
    // A signal that came while the last files finished still counts as an interruption.
    let interrupted = interrupt.exit_code();
    if a.files.len() > 1 || interrupted.is_some() {
        if vi {
            eprintln!("kyso: {signed} tệp đã ký, {skipped} tệp đã ký từ trước, {failed} tệp lỗi");
        } else {
            eprintln!("kyso: {signed} signed, {skipped} already signed, {failed} failed");
        }
    }
    if interrupted.is_some() {
        if vi {
            eprintln!(
                "kyso: bị ngắt: {} tệp chưa được ký (không để lại tệp dở dang); chạy lại với --resume để ký tiếp",
                outcome.not_done
            );
        } else {
            eprintln!(
                "kyso: interrupted: {} file(s) not signed (no partial output was left); run again with --resume to continue",
                outcome.not_done
            );
        }
    }
    if let Some(t) = &token {
        let (n, label, files) = (t.login_count(), &t.description().label, a.files.len());
        if vi {
            eprintln!("kyso: đăng nhập token '{label}' {n} lần cho {files} tệp");
        } else {
            eprintln!("kyso: {n} login(s) to token '{label}' for {files} file(s)");
        }
    }
    if let Some(code) = interrupted {
        return Ok(code);
    }
    Ok(if failed == 0 { exit::OK } else { exit::FAILED })
}

/// What happened to one input.
enum Outcome {
    Signed(PathBuf),
    AlreadySigned(PathBuf),
}

/// How one input ended, for the summary.
enum Done {
    Signed,
    Skipped,
    Failed,
}

fn sign_one(a: &Args, signer: &kyso::Signer, file: &Path) -> Result<Outcome> {
    if let Some(existing) = &a.add_to {
        let out = a.output.clone().unwrap_or_else(|| existing.clone());
        // Replacing the envelope we add to is the point of --add-to; other outputs need --force.
        let force = a.force || out == *existing;
        write_atomic(&out, force, &mut |w| {
            Ok(signer.add_to_file(existing, Some(file), w)?)
        })?;
        return Ok(Outcome::Signed(out));
    }
    let ext = if signer.is_attached() { "p7m" } else { "p7s" };
    if file == Path::new("-") {
        let out = a.output.clone().unwrap_or_else(|| PathBuf::from("-"));
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
            .context("reading standard input")?;
        let sig = signer.sign_bytes(&data)?;
        write_atomic(&out, a.force, &mut |w| Ok(w.write_all(&sig)?))?;
        return Ok(Outcome::Signed(out));
    }
    let out = a.output.clone().unwrap_or_else(|| {
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(ext);
        PathBuf::from(name)
    });
    if a.resume && out.exists() && signer.has_signed(file, &out) {
        return Ok(Outcome::AlreadySigned(out));
    }
    write_atomic(&out, a.force, &mut |w| Ok(signer.sign_file(file, w)?))?;
    Ok(Outcome::Signed(out))
}

fn load_key(a: &Args) -> Result<kyso::SigningKey> {
    if let Some(p12) = &a.key.p12 {
        let data = std::fs::read(p12).with_context(|| format!("cannot read {}", p12.display()))?;
        let pass = secret::read(a.pass.as_ref(), &format!("Password for {}", p12.display()))?;
        return Ok(kyso::SigningKey::from_pkcs12(&data, &pass)?);
    }
    let (Some(key), Some(cert)) = (&a.key.key, &a.key.cert) else {
        bail!("give --key FILE --cert FILE, --p12 FILE or --pkcs11 URI");
    };
    let key_data = std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?;
    let (leaf, certs) = load_cert_file(cert)?;
    let pass = if kyso::SigningKey::key_file_is_encrypted(&key_data) {
        Some(secret::read(
            a.pass.as_ref(),
            &format!("Password for {}", key.display()),
        )?)
    } else {
        None
    };
    // Extra certificates after the first in --cert are treated as chain.
    Ok(kyso::SigningKey::from_key_and_cert(&key_data, pass.as_deref(), leaf)?.with_chain(certs))
}

/// The first certificate of `--cert` and the rest (treated as chain).
fn load_cert_file(cert: &Path) -> Result<(kyso::Certificate, Vec<kyso::Certificate>)> {
    let cert_data =
        std::fs::read(cert).with_context(|| format!("cannot read {}", cert.display()))?;
    let certs = kyso::Certificate::load_all(&cert_data)
        .with_context(|| format!("{} is not a certificate", cert.display()))?;
    let mut certs = certs.into_iter();
    let leaf = certs.next().context("no certificate in --cert")?;
    Ok((leaf, certs.collect()))
}
