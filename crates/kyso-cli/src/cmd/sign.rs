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
    #[arg(long, value_name = "FILE", requires = "cert", conflicts_with_all = ["p12", "pkcs11"], value_parser = crate::paths::input)]
    pub key: Option<PathBuf>,
    /// The signer's certificate (PEM or DER): with --key, or with --pkcs11 to use this file
    /// instead of the certificate on the token.
    #[arg(long, value_name = "FILE", conflicts_with = "p12", value_parser = crate::paths::input)]
    pub cert: Option<PathBuf>,
    /// PKCS#12 bundle (.p12/.pfx) with key, certificate and chain.
    #[arg(long, value_name = "FILE", conflicts_with = "pkcs11", value_parser = crate::paths::input)]
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
    #[arg(long, visible_alias = "pin", value_name = "SOURCE", value_parser = crate::secret::SecretSourceParser)]
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
    #[arg(long, value_name = "FILE", value_parser = crate::paths::input)]
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
    /// place unless -o is given. The existing signatures are kept byte for byte. Repeatable:
    /// many envelopes are co-signed in one run with one key load (one PIN entry). The content
    /// of a detached X.p7s is X beside it unless FILEs are given (one per --add-to, in
    /// order); a .p7m carries its content. Refused when this certificate already signed the
    /// envelope (skipped with --resume).
    #[arg(long, value_name = "SIG", value_parser = crate::paths::input)]
    add_to: Vec<PathBuf>,
    /// Output file (only with one input); `-` writes to stdout.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Replace existing output files. An output that holds other signers' signatures is
    /// replaced only with --discard-signatures too (else use --add-to).
    #[arg(long)]
    force: bool,
    /// With --force: really discard the other signers' signatures in an existing output
    /// (they are lost; --add-to keeps them).
    #[arg(long, requires = "force")]
    discard_signatures: bool,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<crate::output::LangArg>,
    /// Resume an interrupted batch: skip files whose output already holds a valid signature
    /// by this signer over the same content (anything else still needs --force); with
    /// --add-to, skip envelopes this certificate already signed.
    #[arg(long)]
    resume: bool,
    /// Files to sign; `-` reads standard input. With --add-to: the signed documents of
    /// detached envelopes, one per --add-to (optional: X for X.p7s, none for .p7m).
    #[arg(value_name = "FILE", required_unless_present = "add_to", value_parser = crate::paths::input)]
    files: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<u8> {
    if a.files.len() > 1 && a.output.is_some() {
        bail!(crate::tr!("output_one_of_many", n = a.files.len()));
    }
    if a.add_to.len() > 1 && a.output.is_some() {
        bail!(crate::tr!("output_one_of_many_add_to", n = a.add_to.len()));
    }
    if !a.add_to.is_empty() && !a.files.is_empty() && a.files.len() != a.add_to.len() {
        bail!(crate::tr!(
            "add_to_count",
            n = a.add_to.len(),
            m = a.files.len()
        ));
    }
    for f in a.files.iter().chain(&a.add_to) {
        if f != Path::new("-") {
            std::fs::metadata(f).with_context(|| crate::tr!("cannot_read", path = f.display()))?;
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
    let now = kyso::Timestamp::now();
    let mut builder = kyso::Signer::new(key.with_chain(chain))
        .attached(a.attached)
        .pss(a.pss)
        .signing_time(now)
        .now(now);
    if let Some(d) = &a.digest {
        builder = builder.digest(
            kyso::DigestAlgorithm::from_name(d).with_context(|| crate::tr!("unknown_digest"))?,
        );
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
    // The batch items: files to sign, or (with --add-to) the envelopes to co-sign.
    let items = if a.add_to.is_empty() {
        &a.files
    } else {
        &a.add_to
    };
    let outcome = kyso::batch::Batch::new()
        .workers(workers)
        .cancel_token(interrupt.token())
        .run(
            items,
            || (),
            |_, i, f| {
                let r = if a.add_to.is_empty() {
                    sign_one(&a, &signer, f)
                } else {
                    add_one(&a, &signer, f, a.files.get(i).map(PathBuf::as_path))
                };
                let (f, shown) = (f.display(), |o: &PathBuf| o.display().to_string());
                match r {
                    Ok(Outcome::Signed(out, warnings)) => {
                        let mut line = String::new();
                        for w in &warnings {
                            line.push_str(&format!(
                                "kyso: {} {}\n",
                                crate::tr!("warning"),
                                w.message(lang)
                            ));
                        }
                        line.push_str(&match (vi, a.add_to.is_empty()) {
                            (true, true) => format!("kyso: đã ký {f} -> {}\n", shown(&out)),
                            (false, true) => format!("kyso: signed {f} -> {}\n", shown(&out)),
                            (true, false) => format!("kyso: đã ký thêm {f} -> {}\n", shown(&out)),
                            (false, false) => format!("kyso: co-signed {f} -> {}\n", shown(&out)),
                        });
                        (Done::Signed, line)
                    }
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
                        let what = crate::tr!("not_signed", file = f);
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
    if items.len() > 1 || interrupted.is_some() {
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
        let (n, label, files) = (t.login_count(), &t.description().label, items.len());
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
    Signed(PathBuf, Vec<kyso::SigningWarning>),
    AlreadySigned(PathBuf),
}

/// How one input ended, for the summary.
enum Done {
    Signed,
    Skipped,
    Failed,
}

/// Co-sign one envelope: `content` is its signed document (default: X for a detached X.p7s).
fn add_one(
    a: &Args,
    signer: &kyso::Signer,
    existing: &Path,
    content: Option<&Path>,
) -> Result<Outcome> {
    let out = a.output.clone().unwrap_or_else(|| existing.to_path_buf());
    let beside = existing.with_extension("");
    let content = match content {
        Some(c) => Some(c),
        // Only a detached envelope needs it; add_to_file says so when it is missing.
        None if beside.is_file() && !has_extension(existing, "p7m") => Some(beside.as_path()),
        None => None,
    };
    // Replacing the envelope we add to is the point of --add-to; other outputs need --force.
    let force = a.force || out == existing;
    let r = write_atomic(&out, force, &mut |w| {
        Ok(signer.add_to_file(existing, content, w)?)
    });
    match r {
        Ok(()) => Ok(Outcome::Signed(out, Vec::new())),
        Err(e) if a.resume && is_already_signed(&e) => Ok(Outcome::AlreadySigned(out)),
        Err(e) if is_already_signed(&e) => Err(e.context(crate::tr!("nothing_changed_resume"))),
        Err(e) => Err(e),
    }
}

fn is_already_signed(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<kyso::Error>(),
        Some(kyso::Error::SigningRefused(
            kyso::SigningRefusal::AlreadySigned { .. }
        ))
    )
}

fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext))
}

/// An existing output that is a signature envelope: refuse to overwrite it without --force,
/// and refuse --force alone when it holds other signers' signatures (issue 9).
fn check_existing_output(a: &Args, signer: &kyso::Signer, out: &Path) -> Result<()> {
    if out == Path::new("-") || !out.exists() {
        return Ok(());
    }
    let Some(signers) = envelope_signers(out) else {
        return Ok(()); // not a signature: write_atomic's --force rule applies
    };
    let me = signer.certificate().subject();
    let others: Vec<&String> = signers.iter().filter(|s| **s != me).collect();
    let names = |v: &[&String]| {
        v.iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !a.force && others.is_empty() {
        bail!(crate::tr!(
            "exists_own_signature",
            path = out.display(),
            me = me
        ));
    }
    if !a.force {
        bail!(crate::tr!(
            "exists_other_signatures",
            path = out.display(),
            n = signers.len(),
            others = names(&others)
        ));
    }
    if !others.is_empty() && !a.discard_signatures {
        bail!(crate::tr!(
            "force_would_discard",
            others = names(&others),
            path = out.display()
        ));
    }
    Ok(())
}

/// The signers (subjects, or identifiers) of the envelope at `path`, `None` when it is not one.
fn envelope_signers(path: &Path) -> Option<Vec<String>> {
    let data = std::fs::read(path).ok()?;
    match kyso::inspect(&data, kyso::Timestamp::now()).ok()? {
        kyso::Inspection::SignedData { signers, .. } if !signers.is_empty() => {
            Some(signers.into_iter().map(|s| s.signer).collect())
        }
        _ => None,
    }
}

fn sign_one(a: &Args, signer: &kyso::Signer, file: &Path) -> Result<Outcome> {
    let ext = if signer.is_attached() { "p7m" } else { "p7s" };
    if file == Path::new("-") {
        let out = a.output.clone().unwrap_or_else(|| PathBuf::from("-"));
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
            .with_context(|| crate::tr!("reading_stdin"))?;
        let warnings = if data.is_empty() {
            vec![kyso::SigningWarning::EmptyContent {
                path: "standard input".into(),
            }]
        } else {
            Vec::new()
        };
        check_existing_output(a, signer, &out)?;
        let sig = signer.sign_bytes(&data)?;
        write_atomic(&out, a.force, &mut |w| Ok(w.write_all(&sig)?))?;
        return Ok(Outcome::Signed(out, warnings));
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
    check_existing_output(a, signer, &out)?;
    let mut warnings = Vec::new();
    write_atomic(&out, a.force, &mut |w| {
        warnings = signer.sign_file(file, w)?;
        Ok(())
    })?;
    Ok(Outcome::Signed(out, warnings))
}

fn load_key(a: &Args) -> Result<kyso::SigningKey> {
    if let Some(p12) = &a.key.p12 {
        let flag = || crate::tr!("flag_file", flag = "--p12", path = p12.display());
        let data = std::fs::read(p12).with_context(flag)?;
        // Say that the file is not a PKCS#12 before asking for its password.
        kyso::SigningKey::check_pkcs12(&data).with_context(flag)?;
        let pass = secret::read(
            a.pass.as_ref(),
            &crate::tr!("prompt_password_for", path = p12.display()),
        )?;
        return kyso::SigningKey::from_pkcs12(&data, &pass).with_context(flag);
    }
    let (Some(key), Some(cert)) = (&a.key.key, &a.key.cert) else {
        bail!(crate::tr!("no_key_source"));
    };
    let flag = || crate::tr!("flag_file", flag = "--key", path = key.display());
    let key_data = std::fs::read(key).with_context(flag)?;
    let (leaf, certs) = load_cert_file(cert)?;
    let pass = if kyso::SigningKey::key_file_is_encrypted(&key_data) {
        Some(secret::read(
            a.pass.as_ref(),
            &crate::tr!("prompt_password_for", path = key.display()),
        )?)
    } else {
        None
    };
    // Extra certificates after the first in --cert are treated as chain.
    Ok(
        kyso::SigningKey::from_key_and_cert(&key_data, pass.as_deref(), leaf)
            .with_context(flag)?
            .with_chain(certs),
    )
}

/// The first certificate of `--cert` and the rest (treated as chain).
fn load_cert_file(cert: &Path) -> Result<(kyso::Certificate, Vec<kyso::Certificate>)> {
    let flag = || crate::tr!("flag_file", flag = "--cert", path = cert.display());
    let cert_data = std::fs::read(cert).with_context(flag)?;
    let certs = kyso::Certificate::load_all(&cert_data).with_context(flag)?;
    let mut certs = certs.into_iter();
    let leaf = certs
        .next()
        .with_context(|| crate::tr!("no_certificate_in", path = cert.display()))?;
    Ok((leaf, certs.collect()))
}
