//! `kyso sign`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;

use crate::exit;
use crate::output::{coded, load_certs, write_atomic, write_atomic_if, Format};
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

/// How the key is opened and what signatures it makes: the options `kyso sign` and
/// `kyso serve` share.
#[derive(ClapArgs, Debug)]
pub struct KeyOptions {
    /// Password of the key or PKCS#12, or the token PIN: env:VAR, file:PATH, fd:N or stdin
    /// (else a prompt without echo). `--pin` is the same option.
    #[arg(long, visible_alias = "pin", value_name = "SOURCE", value_parser = crate::secret::SecretSourceParser)]
    pub pass: Option<SecretSource>,
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
    /// Digest algorithm.
    #[arg(long, value_name = "ALG", value_parser = ["sha256", "sha384", "sha512"])]
    digest: Option<String>,
    /// RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys).
    #[arg(long)]
    pss: bool,
}

impl KeyOptions {
    /// The key `key` names, with the chain, in a signer builder with the digest and padding
    /// asked for; the token the key lives on (its session, one login, stays open while the
    /// token lives); and the signing time, taken once the key is open (after any PIN was
    /// typed). The chain is read before any PIN is asked for.
    pub(crate) fn builder(
        &self,
        key: &KeySource,
    ) -> Result<(kyso::SignerBuilder, Option<kyso::Token>, kyso::Timestamp)> {
        let chain = load_certs(&self.chain, "--chain")?;
        let (signing_key, token) = open_key(
            key,
            self.pass.as_ref(),
            self.module.as_ref(),
            self.confirm_final_pin_try,
        )?;
        let now = kyso::Timestamp::now();
        let mut builder = kyso::Signer::new(signing_key.with_chain(chain))
            .pss(self.pss)
            .signing_time(now)
            .now(now);
        if let Some(d) = &self.digest {
            builder = builder.digest(
                kyso::DigestAlgorithm::from_name(d)
                    .with_context(|| crate::tr!("unknown_digest"))?,
            );
        }
        Ok((builder, token, now))
    }
}

/// Arguments of `kyso sign`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(flatten)]
    key: KeySource,
    #[command(flatten)]
    key_options: KeyOptions,
    /// Embed the content (FILE.p7m) instead of a detached signature (FILE.p7s).
    #[arg(long, conflicts_with = "detached")]
    attached: bool,
    /// For a PDF: make a detached FILE.pdf.p7s instead of signing inside the PDF.
    #[arg(long)]
    detached: bool,
    #[command(flatten)]
    pdf: PdfArgs,
    /// Add a parallel signature to this existing envelope (co-signing); it is replaced in
    /// place unless -o is given. The existing signatures are kept byte for byte. Repeatable:
    /// many envelopes are co-signed in one run with one key load (one PIN entry). The content
    /// of a detached X.p7s is X beside it unless FILEs are given (one per --add-to, in
    /// order); a .p7m carries its content. Refused when this certificate already signed the
    /// envelope (skipped with --resume).
    #[arg(long, value_name = "SIG", value_parser = crate::paths::input)]
    add_to: Vec<PathBuf>,
    /// Put the FILEs into a new ASiC-E container OUT (.asice or .sce; ETSI EN 319 162-1):
    /// their digests in META-INF/ASiCManifest.xml, a detached CAdES signature over it in
    /// META-INF/signature.p7s. Never over an existing OUT without --force. A later signer adds
    /// theirs with --add-to OUT.
    #[arg(long, value_name = "OUT", conflicts_with_all = ["asic_s", "add_to", "attached", "output", "recursive"])]
    asic_e: Option<PathBuf>,
    /// Put the one FILE into a new ASiC-S container OUT (.asics or .scs), signed by
    /// META-INF/signature.p7s.
    #[arg(long, value_name = "OUT", conflicts_with_all = ["asic_e", "add_to", "attached", "output", "recursive"])]
    asic_s: Option<PathBuf>,
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
    /// CAdES level: B-B; B-T (a signature-time-stamp from --tsa over each signature); B-LT
    /// (B-T, then the certificates, CRLs and OCSP responses that validate the signer's and
    /// the TSA's paths, validated with --trust and fetched as `kyso verify` does, embedded so
    /// the signature validates offline); B-LTA (B-LT and an archive time-stamp over it all;
    /// for an ASiC-E container, META-INF/ASiCArchiveManifest.xml over every entry and its
    /// time-stamp META-INF/timestampN.tst). Default: B-T with --tsa, else B-B.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<Level>,
    #[command(flatten)]
    pub tsa: crate::output::TsaArgs,
    /// For B-LT: the trust anchors, helper certificates and revocation sources the signer's
    /// path is validated with before its validation data is embedded.
    #[command(flatten)]
    pub trust: crate::output::TrustArgs,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<crate::output::LangArg>,
    /// Resume an interrupted batch: skip files whose output already holds a valid signature
    /// by this signer over the same content (anything else still needs --force); with
    /// --add-to, skip envelopes this certificate already signed.
    #[arg(long)]
    resume: bool,
    /// A folder given as FILE: sign the files in its subfolders too (never hidden folders,
    /// nor links to folders).
    #[arg(short, long, conflicts_with = "add_to")]
    recursive: bool,
    /// Output format: text lines on stderr, or one JSON document (schema kyso.sign/v1,
    /// docs/schema/kyso.sign.v1.schema.json) with every file's result on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List every file of a batch as it is signed or skipped (by default a batch of several
    /// files lists only failures and warnings, then the summary).
    #[arg(short, long)]
    verbose: bool,
    /// Files or folders to sign; `-` reads standard input. A PDF is signed inside (PAdES, an
    /// incremental update, in place unless -o), other files get FILE.p7s. A folder gives its files in sorted
    /// order (with -r, those of its subfolders too), leaving out existing signatures (.p7s,
    /// .p7m, .sig) and containers (.asice, .sce, .asics, .scs), hidden files and kyso's temporary files; a file reached twice is signed
    /// once. With --add-to: the signed documents of detached envelopes, one per --add-to
    /// (optional: X for X.p7s, none for .p7m).
    #[arg(value_name = "FILE", required_unless_present = "add_to", value_parser = crate::paths::input)]
    files: Vec<PathBuf>,
}

/// How a PDF is signed (PAdES, ISO 32000-1 §12.8): by default invisibly, in a new field.
#[derive(ClapArgs, Debug)]
#[command(next_help_heading = "PDF signatures")]
pub struct PdfArgs {
    /// A visible signature block on page PAGE (from 1) at X,Y (PDF points, 1/72 inch, from
    /// the page's lower-left corner), W wide and H high: e.g. 1:350,60,200,70. It shows the
    /// signer, the organisation and the signing time in Vietnamese (or --text).
    #[arg(long, value_name = "PAGE:X,Y,W,H", value_parser = parse_visible)]
    visible: Option<(usize, [f64; 4])>,
    /// Sign into the existing empty signature field NAME (its rectangle is the block), or
    /// name the new field NAME.
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    /// A PNG drawn at the block's left: the organisation's seal or a handwritten signature.
    #[arg(long, value_name = "PNG", value_parser = crate::paths::input)]
    image: Option<PathBuf>,
    /// The block's text lines instead of the default ones (repeatable, top to bottom).
    #[arg(long, value_name = "LINE")]
    text: Vec<String>,
    /// The signature's /Reason ("Phê duyệt", "Ban hành").
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// The signature's /Location ("Hà Nội").
    #[arg(long, value_name = "TEXT")]
    location: Option<String>,
    /// A certification signature (the issuing organisation's, first in the PDF): what later
    /// changes keep it valid. no-changes: none, not even a further signature;
    /// form-filling: filling in the form and further signatures; annotations: also comments.
    #[arg(long, value_enum, value_name = "ALLOWED")]
    certify: Option<CertifyArg>,
}

/// `--certify` values: the DocMDP permission (ISO 32000-1 §12.8.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum CertifyArg {
    /// DocMDP /P 1.
    NoChanges,
    /// DocMDP /P 2.
    FormFilling,
    /// DocMDP /P 3.
    Annotations,
}

impl CertifyArg {
    fn kyso(self) -> kyso::Certification {
        match self {
            CertifyArg::NoChanges => kyso::Certification::NoChanges,
            CertifyArg::FormFilling => kyso::Certification::FormFilling,
            CertifyArg::Annotations => kyso::Certification::Annotations,
        }
    }
}

fn parse_visible(s: &str) -> std::result::Result<(usize, [f64; 4]), String> {
    let bad = || format!("'{s}' is not PAGE:X,Y,W,H (e.g. 1:350,60,200,70)");
    let (page, rect) = s.split_once(':').ok_or_else(bad)?;
    let page: usize = page.trim().parse().map_err(|_| bad())?;
    let nums: Vec<f64> = rect
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| bad())?;
    let rect: [f64; 4] = nums.try_into().map_err(|_| bad())?;
    if page == 0 {
        return Err(format!("pages count from 1: '{s}'"));
    }
    if !rect.iter().all(|v| v.is_finite()) || rect[2] <= 0.0 || rect[3] <= 0.0 {
        return Err(format!("the width and height must be above 0: '{s}'"));
    }
    Ok((page, rect))
}

impl PdfArgs {
    /// The library's options, the image read.
    fn options(&self) -> Result<kyso::PdfSignOptions> {
        let mut o = kyso::PdfSignOptions::new();
        if let Some(f) = &self.field {
            o = o.field(f);
        }
        if let Some(r) = &self.reason {
            o = o.reason(r);
        }
        if let Some(l) = &self.location {
            o = o.location(l);
        }
        if let Some((page, rect)) = self.visible {
            o = o.visible(kyso::VisibleSignature::new(page, rect));
        } else if (self.image.is_some() || !self.text.is_empty()) && self.field.is_none() {
            bail!("--image and --text draw a visible signature block: give --visible PAGE:X,Y,W,H (or --field NAME of an empty signature field) too");
        }
        o = o.lines(self.text.clone());
        if let Some(c) = self.certify {
            o = o.certify(c.kyso());
        }
        if let Some(img) = &self.image {
            let png = std::fs::read(img)
                .with_context(|| crate::tr!("flag_file", flag = "--image", path = img.display()))?;
            o = o.image(png);
        }
        Ok(o)
    }

    fn given(&self) -> bool {
        self.visible.is_some()
            || self.field.is_some()
            || self.image.is_some()
            || !self.text.is_empty()
            || self.reason.is_some()
            || self.location.is_some()
            || self.certify.is_some()
    }
}

/// `--level` values (of `sign` and `extend`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// CAdES B-B: signed attributes with the ESS signing-certificate-v2.
    #[value(name = "B-B")]
    BB,
    /// CAdES B-T: B-B and a signature-time-stamp (needs --tsa).
    #[value(name = "B-T")]
    BT,
    /// CAdES B-LT: B-T and the validation data of the signer's and the TSA's paths.
    #[value(name = "B-LT")]
    Blt,
    /// CAdES B-LTA: B-LT and an archive-time-stamp-v3 over all of it (again on each run of
    /// `extend`: a renewal); an ASiC-E container gets an ASiCArchiveManifest and its
    /// time-stamp instead.
    #[value(name = "B-LTA")]
    Blta,
}

impl Level {
    /// The library's name for it.
    pub fn kyso(self) -> kyso::SignatureLevel {
        match self {
            Level::BB => kyso::SignatureLevel::BB,
            Level::BT => kyso::SignatureLevel::BT,
            Level::Blt => kyso::SignatureLevel::BLT,
            Level::Blta => kyso::SignatureLevel::BLTA,
        }
    }
}

/// The level asked for: --level, else B-T with --tsa, else B-B.
fn level(a: &Args) -> Level {
    a.level.unwrap_or(if a.tsa.tsa.is_some() {
        Level::BT
    } else {
        Level::BB
    })
}

/// The time-stamping client for B-T and B-LT, and for B-LT the extender that adds the
/// validation data once a file is signed.
fn level_tools(a: &Args) -> Result<(Option<kyso::Timestamper>, Option<kyso::Extender>)> {
    let level = level(a);
    if level == Level::BB {
        return Ok((None, None));
    }
    let fetcher = a.trust.fetcher()?;
    let Some(t) = a.tsa.timestamper(a.trust.net_timeout, fetcher)? else {
        bail!(crate::tr!("level_needs_tsa", level = level.kyso().as_str()));
    };
    if level == Level::BT {
        return Ok((Some(t), None));
    }
    let verifier = a.trust.verifier("agency-default", false)?;
    if verifier.trust_anchors().is_empty() {
        bail!(crate::tr!("lt_needs_trust"));
    }
    let extender =
        kyso::Extender::new(verifier, level.kyso(), kyso::Timestamp::now())?.timestamper(t.clone());
    Ok((Some(t), Some(extender)))
}

pub fn run(a: Args) -> Result<u8> {
    let lang = crate::output::lang(a.lang);
    let vi = lang == kyso::Lang::Vi;
    let json = a.format == Format::Json;
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
    refuse_stdin_twice(&a, vi)?;
    for f in a.files.iter().chain(&a.add_to) {
        if f != Path::new("-") {
            std::fs::metadata(f).with_context(|| crate::tr!("cannot_read", path = f.display()))?;
        }
    }
    // The batch items: files to sign (folders expanded), or (with --add-to) the envelopes.
    let items = if a.add_to.is_empty() {
        select(&a, vi)?
    } else {
        a.add_to.clone()
    };
    if items.len() > 1 && a.output.is_some() {
        bail!(crate::tr!("output_one_of_many", n = items.len()));
    }
    let pdf_options = a.pdf.options()?;
    // A token: one login for the whole batch (the session stays open while `token` lives).
    let (builder, token, now) = a.key_options.builder(&a.key)?;
    let mut builder = builder.attached(a.attached);
    let (stamper, extender) = level_tools(&a)?;
    if let Some(t) = stamper {
        builder = builder.timestamper(t);
    }
    let signer = match builder.build() {
        Ok(s) => s,
        Err(e) => {
            let e = anyhow::Error::new(e);
            crate::report_error(&e);
            // JSON: every file is reported, as not signed for this reason.
            if json {
                let mut r = SignReport::start(&a, now, &[]);
                let failure = Err(e);
                for f in &items {
                    r.file(&json_entry(f, &planned_output(&a, f), &failure, None));
                }
                let counts = Counts {
                    total: items.len(),
                    signed: 0,
                    skipped: 0,
                    failed: items.len(),
                    not_done: 0,
                };
                r.finish(&counts, false);
            }
            return Ok(exit::FAILED);
        }
    };
    // Warnings about every signature of this run (a CA chain that is not embedded): once.
    let run_warnings = signer.warnings();
    for w in &run_warnings {
        eprint!("{}", run_warning_text(w, lang));
    }
    if a.asic_e.is_some() || a.asic_s.is_some() || a.add_to.iter().any(|p| is_container(p)) {
        return sign_containers(&a, &signer, extender.as_ref(), vi);
    }
    // One key load for the whole batch. Keys in memory sign on one worker per core (more
    // workers only spin on the output directory's lock: measured with scripts/bench.sh); a
    // token session signs one file at a time. Each file's line is rendered on its worker and
    // printed in input order as soon as it and those before it are done.
    let workers = if token.is_some() {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    let interrupt = crate::interrupt::arm();
    let (mut failed, mut skipped) = (0, 0);
    // A batch shows each file only with --verbose (failures and warnings always); one file
    // always says what was written.
    let show_each = items.len() == 1 || a.verbose;
    let who = kyso::CertificateSummary::from(signer.certificate());
    let mut report = json.then(|| SignReport::start(&a, now, &run_warnings));
    let mut progress = crate::progress::Progress::new(
        crate::progress::wanted(std::io::stderr().is_terminal(), json, items.len()),
        items.len(),
        if vi { "đang ký" } else { "signing" },
    );
    let outcome = kyso::batch::Batch::new()
        .workers(workers)
        .cancel_token(interrupt.token())
        .run(
            &items,
            || (),
            |_, i, f| {
                let (r, content) = if a.add_to.is_empty() {
                    let inside = signs_inside_pdf(&a, f);
                    (
                        sign_one(&a, &signer, &pdf_options, f),
                        (!a.attached && !inside).then_some(f.as_path()),
                    )
                } else {
                    let content = a.files.get(i).map(PathBuf::as_path);
                    (add_one(&a, &signer, f, content), content)
                };
                let r = match (&extender, r) {
                    (Some(x), Ok(Outcome::Signed(out, w))) => {
                        to_long_term(x, &out, content).map(|()| Outcome::Signed(out, w))
                    }
                    (Some(x), Ok(Outcome::SignedPdf(out, d))) => {
                        to_long_term(x, &out, None).map(|()| Outcome::SignedPdf(out, d))
                    }
                    (_, r) => r,
                };
                let planned = planned_output(&a, f);
                let entry = json.then(|| json_entry(f, &planned, &r, Some(&who)));
                let (f, shown) = (f.display(), |o: &PathBuf| o.display().to_string());
                let (kind, line) = match r {
                    Ok(Outcome::Signed(out, warnings)) => {
                        let mut line = String::new();
                        for w in &warnings {
                            line.push_str(&format!(
                                "kyso: {} {}\n",
                                crate::tr!("warning"),
                                w.message(lang)
                            ));
                        }
                        if show_each && !json {
                            line.push_str(&match (vi, a.add_to.is_empty()) {
                                (true, true) => format!("kyso: đã ký {f} -> {}\n", shown(&out)),
                                (false, true) => format!("kyso: signed {f} -> {}\n", shown(&out)),
                                (true, false) => {
                                    format!("kyso: đã ký thêm {f} -> {}\n", shown(&out))
                                }
                                (false, false) => {
                                    format!("kyso: co-signed {f} -> {}\n", shown(&out))
                                }
                            });
                        }
                        (Done::Signed, line)
                    }
                    Ok(Outcome::SignedPdf(out, d)) => {
                        let line = if !show_each || json {
                            String::new()
                        } else {
                            pdf_line(&f.to_string(), &shown(&out), &d, vi)
                        };
                        (Done::Signed, line)
                    }
                    Ok(Outcome::AlreadySigned(_)) if !show_each || json => {
                        (Done::Skipped, String::new())
                    }
                    Ok(Outcome::AlreadySigned(out)) if vi => (
                        Done::Skipped,
                        format!(
                            "kyso: {f} đã có chữ ký của bạn trong {} (--resume)\n",
                            shown(&out)
                        ),
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
                };
                (kind, line, entry)
            },
            |done| {
                let (kind, line, entry) = done.output;
                match kind {
                    Done::Signed => {}
                    Done::Skipped => skipped += 1,
                    Done::Failed => failed += 1,
                }
                progress.eprint(&line);
                if let (Some(r), Some(entry)) = (report.as_mut(), entry) {
                    r.file(&entry);
                }
                progress.done();
            },
        );
    progress.finish();
    let signed = outcome.done - failed - skipped;
    // A signal that came while the last files finished still counts as an interruption.
    let interrupted = interrupt.exit_code();
    if let Some(r) = report {
        r.finish(
            &Counts {
                total: items.len(),
                signed,
                skipped,
                failed,
                not_done: outcome.not_done,
            },
            interrupted.is_some(),
        );
    } else if items.len() > 1 || interrupted.is_some() {
        if vi {
            eprintln!("kyso: {signed} tệp đã ký, {skipped} tệp đã ký từ trước, {failed} tệp không ký được");
        } else {
            eprintln!("kyso: {signed} signed, {skipped} already signed, {failed} failed");
        }
    }
    if interrupted.is_some() {
        if vi {
            eprintln!(
                "kyso: đã dừng giữa chừng: còn {} tệp chưa được ký (không để lại tệp ký dở); chạy lại lệnh với --resume để ký tiếp",
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
            eprintln!("kyso: đã đăng nhập token '{label}' {n} lần để ký {files} tệp");
        } else {
            eprintln!("kyso: {n} login(s) to token '{label}' for {files} file(s)");
        }
    }
    if let Some(code) = interrupted {
        return Ok(code);
    }
    Ok(if failed == 0 { exit::OK } else { exit::FAILED })
}

/// Standard input can be read once: as the content (`-`) or for the password (`--pass
/// stdin`, `fd:0`), not both. Refused before anything is read.
fn refuse_stdin_twice(a: &Args, vi: bool) -> Result<()> {
    let content = a.files.iter().any(|f| f == Path::new("-"));
    let pass = matches!(
        a.key_options.pass,
        Some(SecretSource::Stdin | SecretSource::Fd(0))
    );
    if content && pass {
        bail!(
            "{}",
            if vi {
                "--pass stdin và nội dung - đều đọc từ đầu vào chuẩn, mà đầu vào chuẩn chỉ đọc được một lần; chưa ký tệp nào\ngợi ý: cung cấp mật khẩu qua --pass env:TÊN_BIẾN, file:ĐƯỜNG_DẪN hoặc fd:N, hoặc ký tài liệu từ một tệp"
            } else {
                "--pass stdin and the content - both read standard input, which can be read only once; nothing was signed\nhint: give the password with --pass env:VAR, file:PATH or fd:N, or sign the content from a file"
            }
        );
    }
    // JSON goes to standard output: the signature cannot go there too.
    let to_stdout = a.output.as_deref() == Some(Path::new("-"))
        || (content && a.output.is_none() && a.add_to.is_empty());
    if a.format == Format::Json && to_stdout {
        bail!(
            "{}",
            if vi {
                "--format json in báo cáo ra đầu ra chuẩn nên không thể ghi chữ ký số ra đó; chưa ký tệp nào\ngợi ý: ghi chữ ký số vào tệp bằng -o TỆP"
            } else {
                "--format json prints its report on standard output, so the signature cannot be written there; nothing was signed\nhint: write the signature to a file with -o FILE"
            }
        );
    }
    Ok(())
}

/// The files to sign: folders expanded (kyso::batch::select_files_to_sign), with notes on
/// what was left out. Refuses signature envelopes named as documents, and a run with
/// nothing to sign.
fn select(a: &Args, vi: bool) -> Result<Vec<PathBuf>> {
    use kyso::batch::FileSkip;
    let opts = kyso::batch::SelectOptions::new().recursive(a.recursive);
    let sel = kyso::batch::select_files_to_sign(&a.files, opts)?;
    if !sel.envelopes.is_empty() {
        let names: Vec<String> = sel
            .envelopes
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let adds: Vec<String> = sel
            .envelopes
            .iter()
            .map(|p| format!("--add-to {}", p.display()))
            .collect();
        let (names, adds) = (names.join(", "), adds.join(" "));
        if vi {
            bail!("{names} đã là chữ ký số (.p7s/.p7m), không phải tài liệu cần ký; chưa ký tệp nào\ngợi ý: có phải bạn muốn dùng --add-to? Để ký thêm bên cạnh các chữ ký đã có: kyso sign ... {adds}");
        }
        bail!("{names}: already a signature (.p7s/.p7m), not a document to sign; nothing was signed\nhint: did you mean --add-to? To add your signature beside the ones it holds: kyso sign ... {adds}");
    }
    for d in &sel.duplicates {
        let (p, same) = (d.path.display(), d.same_as.display());
        if vi {
            eprintln!("kyso: ghi chú: {p} là cùng một tệp với {same}; chỉ ký một lần");
        } else {
            eprintln!("kyso: note: {p} is the same file as {same}; it is signed once");
        }
    }
    let mut subfolders = 0;
    for s in &sel.skipped {
        let p = s.path.display();
        match &s.why {
            FileSkip::Subfolder => subfolders += 1,
            FileSkip::Unreadable { detail } if vi => {
                eprintln!("kyso: cảnh báo: bỏ qua {p}: không đọc được: {detail}")
            }
            FileSkip::Unreadable { .. } => eprintln!("kyso: warning: skipped {p}: {}", s.why),
            _ => {}
        }
        if a.verbose && !matches!(s.why, FileSkip::Unreadable { .. }) {
            if vi {
                eprintln!("kyso: bỏ qua {p}: {}", skip_vi(&s.why));
            } else {
                eprintln!("kyso: skipped {p}: {}", s.why);
            }
        }
    }
    if subfolders > 0 && !a.verbose {
        if vi {
            eprintln!("kyso: ghi chú: không ký {subfolders} thư mục con (thêm -r để ký cả các tệp bên trong)");
        } else {
            eprintln!("kyso: note: {subfolders} subfolder(s) not signed (pass -r to sign the files inside them too)");
        }
    }
    if sel.files.is_empty() {
        if vi {
            bail!("không có tệp nào để ký: các thư mục đã chỉ định không chứa tài liệu nào (kyso không ký tệp chữ ký số đã có, tệp ẩn và tệp tạm)");
        }
        bail!("nothing to sign: the folders given hold no document (existing signatures, hidden and temporary files are never signed)");
    }
    Ok(sel.files)
}

/// Why a file in a folder was not signed, in Vietnamese.
fn skip_vi(why: &kyso::batch::FileSkip) -> String {
    use kyso::batch::FileSkip;
    match why {
        FileSkip::Signature => "đã là chữ ký số".into(),
        FileSkip::Hidden => "tệp ẩn".into(),
        FileSkip::TemporaryFile => "tệp tạm của kyso".into(),
        FileSkip::Subfolder => "thư mục con (thêm -r để ký bên trong)".into(),
        FileSkip::LinkToFolder => "liên kết tới thư mục (không ký theo liên kết)".into(),
        FileSkip::NotAFile => "không phải tệp thông thường".into(),
        FileSkip::Unreadable { detail } => format!("không đọc được: {detail}"),
        other => other.to_string(),
    }
}

/// The stderr lines of a warning about every signature of the run, with what to do. The
/// warning's text is the library's ([`kyso::SigningWarning::message`]).
fn run_warning_text(w: &kyso::SigningWarning, lang: kyso::Lang) -> String {
    let mut s = format!("kyso: {} {}\n", crate::tr!("warning"), w.message(lang));
    if let kyso::SigningWarning::ChainMissing { .. } = w {
        s.push_str(&format!(
            "kyso: {} {}\n",
            crate::tr!("hint"),
            crate::tr!("chain_missing_hint")
        ));
    }
    s
}

/// The output a file's signature goes to (known before signing, for the JSON report).
fn planned_output(a: &Args, item: &Path) -> PathBuf {
    if let Some(o) = &a.output {
        return o.clone();
    }
    if !a.add_to.is_empty() {
        return item.to_path_buf();
    }
    if item == Path::new("-") {
        return PathBuf::from("-");
    }
    if signs_inside_pdf(a, item) {
        return item.to_path_buf();
    }
    let mut name = item.as_os_str().to_owned();
    name.push(if a.attached { ".p7m" } else { ".p7s" });
    PathBuf::from(name)
}

/// The stable code of a failed file: the library's, the CLI's, else `io` or `failed`.
fn failure_code(e: &anyhow::Error) -> &'static str {
    if let Some(code) = crate::error_code(e) {
        return code;
    }
    if let Some(c) = e
        .chain()
        .find_map(|c| c.downcast_ref::<crate::output::CodedError>())
    {
        return c.code;
    }
    if e.chain().any(|c| c.is::<std::io::Error>()) {
        return "io";
    }
    "failed"
}

/// A warning in the kyso.sign/v1 report.
#[derive(serde::Serialize)]
struct WarningEntry {
    code: &'static str,
    message: String,
}

impl From<&kyso::SigningWarning> for WarningEntry {
    fn from(w: &kyso::SigningWarning) -> Self {
        WarningEntry {
            code: w.code(),
            message: w.to_string(),
        }
    }
}

/// Why a file was not signed, in the kyso.sign/v1 report.
#[derive(serde::Serialize)]
struct ErrorEntry {
    code: &'static str,
    message: String,
}

/// One file of the kyso.sign/v1 report (docs/schema/kyso.sign.v1.schema.json): every key is
/// always there, null where the status has none.
#[derive(serde::Serialize)]
struct FileEntry<'a> {
    input: String,
    output: String,
    status: &'static str,
    signer: Option<&'a kyso::CertificateSummary>,
    warnings: Vec<WarningEntry>,
    reason: Option<&'static str>,
    error: Option<ErrorEntry>,
}

/// One file's entry of the kyso.sign/v1 report, indented to sit in "files".
fn json_entry(
    input: &Path,
    output: &Path,
    r: &Result<Outcome>,
    who: Option<&kyso::CertificateSummary>,
) -> String {
    let mut e = FileEntry {
        input: input.display().to_string(),
        output: output.display().to_string(),
        status: "signed",
        signer: who,
        warnings: Vec::new(),
        reason: None,
        error: None,
    };
    match r {
        Ok(Outcome::Signed(_, w)) => e.warnings = w.iter().map(WarningEntry::from).collect(),
        Ok(Outcome::SignedPdf(..)) => {}
        Ok(Outcome::AlreadySigned(_)) => {
            e.status = "skipped";
            e.reason = Some("already_signed");
        }
        Err(err) => {
            let mut message = err.to_string();
            for cause in err.chain().skip(1) {
                message.push_str(": ");
                message.push_str(&cause.to_string());
            }
            e.status = "failed";
            e.signer = None;
            e.error = Some(ErrorEntry {
                code: failure_code(err),
                message,
            });
        }
    }
    serde_json::to_string_pretty(&e)
        .unwrap_or_default()
        .replace('\n', "\n    ")
}

/// The counts of a signing run.
#[derive(serde::Serialize)]
struct Counts {
    total: usize,
    signed: usize,
    skipped: usize,
    failed: usize,
    not_done: usize,
}

/// `kyso sign --format json`: one kyso.sign/v1 document on stdout, the files streamed in
/// input order as they are done (memory stays flat however many files a run has).
struct SignReport {
    out: crate::output::Stdout,
    written: usize,
}

impl SignReport {
    fn start(a: &Args, at: kyso::Timestamp, warnings: &[kyso::SigningWarning]) -> Self {
        let mut out = crate::output::Stdout::new();
        let warnings: Vec<WarningEntry> = warnings.iter().map(WarningEntry::from).collect();
        let warnings = serde_json::to_string_pretty(&warnings)
            .unwrap_or_default()
            .replace('\n', "\n  ");
        let mode = if a.add_to.is_empty() {
            "sign"
        } else {
            "add_to"
        };
        let head = format!(
            "{{\n  \"schema\": \"{SIGN_SCHEMA}\",\n  \"signing_time\": \"{at}\",\n  \"mode\": \"{mode}\",\n  \"warnings\": {warnings},\n  \"files\": ["
        );
        out.write(head.as_bytes());
        SignReport { out, written: 0 }
    }

    fn file(&mut self, entry: &str) {
        self.out.write(if self.written == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        self.out.write(entry.as_bytes());
        self.written += 1;
    }

    fn finish(mut self, c: &Counts, interrupted: bool) {
        let summary = serde_json::to_string_pretty(c)
            .unwrap_or_default()
            .replace('\n', "\n  ");
        let close = if self.written == 0 { "]" } else { "\n  ]" };
        let tail =
            format!("{close},\n  \"summary\": {summary},\n  \"interrupted\": {interrupted}\n}}\n");
        self.out.write(tail.as_bytes());
        self.out.flush();
    }
}

/// The schema name of `kyso sign --format json` (docs/schema/kyso.sign.v1.schema.json).
pub const SIGN_SCHEMA: &str = "kyso.sign/v1";

/// What happened to one input.
enum Outcome {
    Signed(PathBuf, Vec<kyso::SigningWarning>),
    /// A signature added inside a PDF.
    SignedPdf(PathBuf, kyso::PdfSigned),
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
    let out = planned_output(a, existing);
    let beside = existing.with_extension("");
    let content = match content {
        Some(c) => Some(c),
        // Only a detached envelope needs it; add_to_file says so when it is missing.
        None if beside.is_file() && !crate::paths::has_extension(existing, "p7m") => {
            Some(beside.as_path())
        }
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

/// The line for a PDF signed inside: which field, and that earlier signatures were kept.
fn pdf_line(file: &str, out: &str, d: &kyso::PdfSigned, vi: bool) -> String {
    let to = if out == file {
        String::new()
    } else {
        format!(" -> {out}")
    };
    let (field, n) = (&d.field, d.earlier_signatures);
    if let Some(c) = d.certification {
        let (p, allowed_vi, allowed_en) = match c {
            kyso::Certification::NoChanges => {
                (1, "không cho phép thay đổi nào", "no changes allowed")
            }
            kyso::Certification::FormFilling => (
                2,
                "cho phép điền biểu mẫu và ký thêm",
                "form filling and further signatures allowed",
            ),
            _ => (
                3,
                "cho phép điền biểu mẫu, ký thêm và ghi chú",
                "form filling, further signatures and annotations allowed",
            ),
        };
        return if vi {
            format!("kyso: đã ký chứng thực {file}{to} (trường chữ ký '{field}'; {allowed_vi}, DocMDP /P {p})\n")
        } else {
            format!("kyso: certified {file}{to} (signature field '{field}'; {allowed_en}, DocMDP /P {p})\n")
        };
    }
    match (vi, n) {
        (true, 0) => format!("kyso: đã ký {file}{to} (trường chữ ký '{field}')\n"),
        (false, 0) => format!("kyso: signed {file}{to} (signature field '{field}')\n"),
        (true, n) => format!(
            "kyso: đã ký thêm vào {file}{to} (trường chữ ký '{field}'); {n} chữ ký đã có trong tệp được giữ nguyên\n"
        ),
        (false, n) => format!(
            "kyso: added a signature to {file}{to} (signature field '{field}'); the {n} signature(s) it already had are kept\n"
        ),
    }
}

/// B-LT: the B-T signature just written at `out` gets its validation data, in place. When
/// that fails the B-T signature stays (it is valid); the error says how to finish later.
fn to_long_term(x: &kyso::Extender, out: &Path, content: Option<&Path>) -> Result<()> {
    if out == Path::new("-") {
        bail!(crate::tr!("lt_not_to_stdout"));
    }
    write_atomic_if(out, true, &mut |w| {
        Ok(x.extend_file(out, content, w)?.changed())
    })
    .map(|_| ())
    .with_context(|| crate::tr!("lt_left_at_bt", path = out.display()))
}

fn is_already_signed(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<kyso::Error>(),
        Some(kyso::Error::SigningRefused(
            kyso::SigningRefusal::AlreadySigned { .. }
        ))
    )
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
        return Err(coded(
            "output_exists",
            crate::tr!("exists_own_signature", path = out.display(), me = me),
        ));
    }
    if !a.force {
        return Err(coded(
            "output_has_signatures",
            crate::tr!(
                "exists_other_signatures",
                path = out.display(),
                n = signers.len(),
                others = names(&others)
            ),
        ));
    }
    if !others.is_empty() && !a.discard_signatures {
        return Err(coded(
            "output_has_signatures",
            crate::tr!(
                "force_would_discard",
                others = names(&others),
                path = out.display()
            ),
        ));
    }
    Ok(())
}

/// The signers (subjects, or identifiers) of the envelope at `path`, `None` when it is not one.
fn envelope_signers(path: &Path) -> Option<Vec<String>> {
    let data = std::fs::read(path).ok()?;
    if is_container(path) {
        // An ASiC container's signers: every SignerInfo of its signatures, by subject.
        let r = kyso::Verifier::new().verify_asic_bytes("", &data, kyso::Timestamp::now());
        let signers: Vec<String> = r
            .signatures
            .iter()
            .filter_map(|s| s.signer.as_ref().map(|c| c.subject.clone()))
            .collect();
        return (!signers.is_empty()).then_some(signers);
    }
    match kyso::inspect(&data, kyso::Timestamp::now()).ok()? {
        kyso::Inspection::SignedData { signers, .. } if !signers.is_empty() => {
            Some(signers.into_iter().map(|s| s.signer).collect())
        }
        _ => None,
    }
}

/// A PDF file is signed inside (PAdES) unless --attached or --detached asks for an envelope
/// (standard input is looked at when it is read, in `sign_one`).
fn signs_inside_pdf(a: &Args, file: &Path) -> bool {
    if a.attached || a.detached || file == Path::new("-") {
        return false;
    }
    let mut head = [0u8; 5];
    std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"%PDF-"
}

/// Add a PAdES signature to a PDF: in place (atomically) unless -o names another file.
fn sign_pdf(
    a: &Args,
    signer: &kyso::Signer,
    options: &kyso::PdfSignOptions,
    file: &Path,
) -> Result<Outcome> {
    let out = planned_output(a, file);
    let mut done = None;
    let r = write_atomic(&out, a.force || out == file, &mut |w| {
        done = Some(signer.sign_pdf_file(file, options, w)?);
        Ok(())
    });
    match (r, done) {
        (Ok(()), Some(d)) => Ok(Outcome::SignedPdf(out, d)),
        (Ok(()), None) => bail!("internal error: the PDF was not signed"),
        (Err(e), _) if a.resume && is_already_signed(&e) => Ok(Outcome::AlreadySigned(out)),
        (Err(e), _) if is_already_signed(&e) => {
            Err(e.context(crate::tr!("nothing_changed_resume")))
        }
        (Err(e), _) => Err(e),
    }
}

fn sign_one(
    a: &Args,
    signer: &kyso::Signer,
    pdf: &kyso::PdfSignOptions,
    file: &Path,
) -> Result<Outcome> {
    if signs_inside_pdf(a, file) {
        return sign_pdf(a, signer, pdf, file);
    }
    let stdin = if file == Path::new("-") {
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
            .with_context(|| crate::tr!("reading_stdin"))?;
        Some(data)
    } else {
        None
    };
    if let Some(data) = stdin.as_deref().filter(|d| d.starts_with(b"%PDF-")) {
        if !a.attached && !a.detached {
            // A PDF on standard input is signed inside, as a PDF file is: the signed PDF
            // (the input's bytes, then the update) goes to -o, by default standard output.
            let out = planned_output(a, file);
            let mut done = None;
            write_atomic(&out, a.force, &mut |w| {
                done = Some(signer.sign_pdf(data, pdf, w)?);
                Ok(())
            })?;
            let d = done.context("internal error: the PDF was not signed")?;
            return Ok(Outcome::SignedPdf(out, d));
        }
    }
    if a.pdf.given() {
        bail!(
            "{} is not a PDF (or --attached/--detached asks for a .p7m/.p7s): the PDF options \
             (--visible, --field, --image, --text, --reason, --location) apply to PDFs signed inside",
            file.display()
        );
    }
    let out = planned_output(a, file);
    if let Some(data) = stdin {
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

/// The key the flags name, and the token it lives on (the session stays open while the
/// token lives).
fn open_key(
    key: &KeySource,
    pass: Option<&SecretSource>,
    module: Option<&PathBuf>,
    confirm_final_pin_try: bool,
) -> Result<(kyso::SigningKey, Option<kyso::Token>)> {
    match &key.pkcs11 {
        Some(uri) => {
            let (cert, extra) = match &key.cert {
                Some(c) => {
                    let (leaf, rest) = load_cert_file(c)?;
                    (Some(leaf), rest)
                }
                None => (None, Vec::new()),
            };
            let (key, token) = crate::cmd::token::open_signing_key(
                uri,
                module,
                pass,
                cert,
                extra,
                confirm_final_pin_try,
            )?;
            Ok((key, Some(token)))
        }
        None => Ok((load_key(key, pass)?, None)),
    }
}

fn load_key(k: &KeySource, pass: Option<&SecretSource>) -> Result<kyso::SigningKey> {
    if let Some(p12) = &k.p12 {
        let flag = || crate::tr!("flag_file", flag = "--p12", path = p12.display());
        let data = std::fs::read(p12).with_context(flag)?;
        // Say that the file is not a PKCS#12 before asking for its password.
        kyso::SigningKey::check_pkcs12(&data).with_context(flag)?;
        let pass = secret::read(
            pass,
            &crate::tr!("prompt_password_for", path = p12.display()),
        )?;
        return kyso::SigningKey::from_pkcs12(&data, &pass).with_context(flag);
    }
    let (Some(key), Some(cert)) = (&k.key, &k.cert) else {
        bail!(crate::tr!("no_key_source"));
    };
    let flag = || crate::tr!("flag_file", flag = "--key", path = key.display());
    let key_data = std::fs::read(key).with_context(flag)?;
    let (leaf, certs) = load_cert_file(cert)?;
    let pass = if kyso::SigningKey::key_file_is_encrypted(&key_data) {
        Some(secret::read(
            pass,
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

/// An ASiC container, by its extension (EN 319 162-1 §4.3.1, §4.4.1).
fn is_container(p: &Path) -> bool {
    ["asice", "sce", "asics", "scs"]
        .iter()
        .any(|x| crate::paths::has_extension(p, x))
}

/// `--asic-e OUT FILE...`, `--asic-s OUT FILE`, `--add-to X.asice`: the container built (or
/// extended) in memory by the library and written atomically; nothing is written when any
/// step fails, so an existing container stays as it was.
fn sign_containers(
    a: &Args,
    signer: &kyso::Signer,
    extender: Option<&kyso::Extender>,
    vi: bool,
) -> Result<u8> {
    // B-LT and B-LTA: the new signatures get their validation data (and an ASiC-E container
    // its archive manifest and time-stamp) before the container is written, so a failure
    // writes nothing.
    let long_term = |bytes: Vec<u8>| -> Result<Vec<u8>> {
        match extender {
            None => Ok(bytes),
            Some(x) => {
                let (out, outcome) = x.extend_container(&bytes)?;
                Ok(if outcome.changed() { out } else { bytes })
            }
        }
    };
    if !a.add_to.is_empty() {
        if let Some(p) = a.add_to.iter().find(|p| !is_container(p)) {
            bail!(
                "{}: --add-to takes either ASiC containers or CMS envelopes in one run, not both",
                p.display()
            );
        }
        if !a.files.is_empty() {
            bail!("--add-to X.asice signs the files already in the container: give no FILE");
        }
        for c in &a.add_to {
            let bytes =
                std::fs::read(c).with_context(|| crate::tr!("cannot_read", path = c.display()))?;
            let out = signer
                .add_to_asic(&bytes)
                .map_err(|e| anyhow::Error::new(e).context(c.display().to_string()))?;
            let out = long_term(out)?;
            write_atomic(c, true, &mut |w| Ok(w.write_all(&out)?))?;
            eprintln!(
                "{}",
                if vi {
                    format!(
                        "{}: đã thêm chữ ký (các chữ ký trước được giữ nguyên)",
                        c.display()
                    )
                } else {
                    format!(
                        "{}: signature added (the earlier signatures are kept as they were)",
                        c.display()
                    )
                }
            );
        }
        return Ok(exit::OK);
    }
    let (out, extended) = match (&a.asic_e, &a.asic_s) {
        (Some(o), _) => (o, true),
        (None, Some(o)) => (o, false),
        (None, None) => unreachable!("sign_containers is called for a container"),
    };
    if !extended && a.files.len() != 1 {
        bail!(
            "--asic-s puts one file in the container; {} were given (use --asic-e for several)",
            a.files.len()
        );
    }
    let mut files = Vec::with_capacity(a.files.len());
    for f in &a.files {
        if f == Path::new("-") || f.is_dir() {
            bail!(
                "{}: a container holds files; give each file by name",
                f.display()
            );
        }
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data =
            std::fs::read(f).with_context(|| crate::tr!("cannot_read", path = f.display()))?;
        files.push((name, data));
    }
    // The CLI's overwrite rules for an existing output: --force, and --discard-signatures
    // when it holds other signers' signatures (--add-to keeps them),
    // checked before anything is signed or time-stamped.
    check_existing_output(a, signer, out)?;
    let bytes = long_term(if extended {
        signer.sign_asic_e(&files)?
    } else {
        signer.sign_asic_s(&files[0].0, &files[0].1)?
    })?;
    write_atomic(out, a.force, &mut |w| Ok(w.write_all(&bytes)?))?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!(
        "{}",
        if vi {
            format!(
                "{}: đã ký {} tệp trong gói: {}",
                out.display(),
                names.len(),
                names.join(", ")
            )
        } else {
            format!(
                "{}: {} file(s) signed in the container: {}",
                out.display(),
                names.len(),
                names.join(", ")
            )
        }
    );
    Ok(exit::OK)
}
