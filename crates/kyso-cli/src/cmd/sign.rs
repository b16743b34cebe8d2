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
    #[arg(long, value_name = "FILE", requires = "cert", conflicts_with = "p12")]
    pub key: Option<PathBuf>,
    /// The signer's certificate (PEM or DER), with --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// PKCS#12 bundle (.p12/.pfx) with key, certificate and chain.
    #[arg(long, value_name = "FILE")]
    pub p12: Option<PathBuf>,
}

/// Arguments of `kyso sign`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(flatten)]
    key: KeySource,
    /// Password of the key or PKCS#12: env:VAR, file:PATH, fd:N or stdin (else a prompt).
    #[arg(long, value_name = "SOURCE")]
    pass: Option<SecretSource>,
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
    let key = load_key(&a)?;
    let chain = load_certs(&a.chain, "--chain")?;
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
    // One key load for the whole batch; each file reports its own result.
    let mut failed = 0;
    for f in &a.files {
        match sign_one(&a, &signer, f) {
            Ok(out) => eprintln!("kyso: signed {} -> {}", f.display(), out.display()),
            Err(e) => {
                failed += 1;
                crate::report_error(&e.context(format!("{} was not signed", f.display())));
            }
        }
    }
    if a.files.len() > 1 {
        eprintln!("kyso: {} signed, {} failed", a.files.len() - failed, failed);
    }
    Ok(if failed == 0 { exit::OK } else { exit::FAILED })
}

fn sign_one(a: &Args, signer: &kyso::Signer, file: &Path) -> Result<PathBuf> {
    if let Some(existing) = &a.add_to {
        let out = a.output.clone().unwrap_or_else(|| existing.clone());
        // Replacing the envelope we add to is the point of --add-to; other outputs need --force.
        let force = a.force || out == *existing;
        write_atomic(&out, force, &mut |w| {
            Ok(signer.add_to_file(existing, Some(file), w)?)
        })?;
        return Ok(out);
    }
    let ext = if signer.is_attached() { "p7m" } else { "p7s" };
    if file == Path::new("-") {
        let out = a.output.clone().unwrap_or_else(|| PathBuf::from("-"));
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
            .context("reading standard input")?;
        let sig = signer.sign_bytes(&data)?;
        write_atomic(&out, a.force, &mut |w| Ok(w.write_all(&sig)?))?;
        return Ok(out);
    }
    let out = a.output.clone().unwrap_or_else(|| {
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(ext);
        PathBuf::from(name)
    });
    write_atomic(&out, a.force, &mut |w| Ok(signer.sign_file(file, w)?))?;
    Ok(out)
}

fn load_key(a: &Args) -> Result<kyso::SigningKey> {
    if let Some(p12) = &a.key.p12 {
        let data = std::fs::read(p12).with_context(|| format!("cannot read {}", p12.display()))?;
        let pass = secret::read(a.pass.as_ref(), &format!("Password for {}", p12.display()))?;
        return Ok(kyso::SigningKey::from_pkcs12(&data, &pass)?);
    }
    let (Some(key), Some(cert)) = (&a.key.key, &a.key.cert) else {
        bail!("give --key FILE --cert FILE, or --p12 FILE");
    };
    let key_data = std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?;
    let cert_data =
        std::fs::read(cert).with_context(|| format!("cannot read {}", cert.display()))?;
    let certs = kyso::Certificate::load_all(&cert_data)
        .with_context(|| format!("{} is not a certificate", cert.display()))?;
    let mut certs = certs.into_iter();
    let leaf = certs.next().context("no certificate in --cert")?;
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
