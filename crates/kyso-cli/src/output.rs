//! Writing outputs atomically: a temporary file beside the target, renamed into place, so a
//! failed run never truncates an existing file. Also stdout printing that tolerates a closed pipe.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Write `path` with `fill`, atomically. Refuses to replace an existing file unless `force`.
/// `-` writes to stdout.
pub fn write_atomic(
    path: &Path,
    force: bool,
    fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    write_atomic_if(path, force, &mut |w| fill(w).map(|()| true)).map(|_| ())
}

/// [`write_atomic`] where `fill` says whether there is anything to write: `false` leaves
/// `path` as it was (the temporary file is removed). Returns what `fill` said.
pub fn write_atomic_if(
    path: &Path,
    force: bool,
    fill: &mut dyn FnMut(&mut dyn Write) -> Result<bool>,
) -> Result<bool> {
    if path == Path::new("-") {
        let stdout = io::stdout();
        let mut lock = BufWriter::new(stdout.lock());
        let wrote = fill(&mut lock)?;
        lock.flush().with_context(|| crate::tr!("writing_stdout"))?;
        return Ok(wrote);
    }
    let replacing = path.exists();
    if !force && replacing {
        return Err(coded(
            "output_exists",
            crate::tr!("already_exists", path = path.display()),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // kyso::batch::TEMP_FILE_MARKER: a folder walk of `kyso sign DIR` never signs these.
    let tmp = dir.join(format!(
        ".{name}{}{}",
        kyso::batch::TEMP_FILE_MARKER,
        std::process::id()
    ));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .with_context(|| crate::tr!("cannot_create_temp", dir = dir.display()))?;
    // Known to the interrupt handler, which removes it if a second Ctrl-C exits mid-write.
    crate::interrupt::temp_file_created(&tmp);
    let result = (|| -> Result<bool> {
        let mut w = BufWriter::with_capacity(256 * 1024, file);
        if !fill(&mut w)? {
            drop(w);
            let _ = fs::remove_file(&tmp);
            return Ok(false);
        }
        let file: File = w
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| crate::tr!("writing_output"))?;
        // Replacing a file: its new content must be on disk before the rename, or a crash could
        // leave neither the old nor the new version. A new file loses nothing if a crash cuts
        // it short, so batches of new signatures skip the (costly) per-file flush.
        if replacing {
            file.sync_all()
                .with_context(|| crate::tr!("flushing_output"))?;
        }
        fs::rename(&tmp, path)
            .with_context(|| crate::tr!("cannot_move_output", path = path.display()))?;
        Ok(true)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    crate::interrupt::temp_file_gone(&tmp);
    result
}

/// An error whose kind a program can branch on: the `code` of a failed file in the JSON of
/// `kyso sign` (errors of the library carry their own, [`kyso::Error::code`]). Its text is
/// the message alone.
#[derive(Debug)]
pub struct CodedError {
    pub code: &'static str,
    message: String,
}

impl std::fmt::Display for CodedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CodedError {}

/// An [`anyhow::Error`] with a stable code (see [`CodedError`]).
pub fn coded(code: &'static str, message: String) -> anyhow::Error {
    anyhow::Error::new(CodedError { code, message })
}

/// Print to stdout; a closed pipe (e.g. `| head`) ends the program quietly.
pub fn print(text: &str) {
    let mut out = Stdout::new();
    out.write(text.as_bytes());
    out.flush();
}

/// Buffered standard output for long reports; a closed pipe ends the program quietly.
pub struct Stdout(BufWriter<io::Stdout>);

impl Stdout {
    pub fn new() -> Self {
        Stdout(BufWriter::with_capacity(64 * 1024, io::stdout()))
    }

    pub fn write(&mut self, bytes: &[u8]) {
        let r = self.0.write_all(bytes);
        Self::check(r);
    }

    pub fn flush(&mut self) {
        let r = self.0.flush();
        Self::check(r);
    }

    fn check(r: io::Result<()>) {
        if let Err(e) = r {
            if e.kind() == io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }
}

/// The language for human text: `--lang`, else the locale (LANGUAGE, LC_ALL, LC_MESSAGES,
/// LANG; vi* means Vietnamese: see [`crate::msg::from_locale`]).
pub fn lang(flag: Option<LangArg>) -> kyso::Lang {
    match flag {
        Some(LangArg::Vi) => kyso::Lang::Vi,
        Some(LangArg::En) => kyso::Lang::En,
        None => crate::msg::from_locale(),
    }
}

/// `--lang` values.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Tiếng Việt.
    Vi,
}

/// `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document on stdout.
    Json,
}

/// `p` itself, or the files of directory `p` in name order (not recursive).
fn files_in(p: &Path) -> Result<Vec<PathBuf>> {
    if !p.is_dir() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut v: Vec<PathBuf> = fs::read_dir(p)
        .with_context(|| crate::tr!("cannot_read_dir", path = p.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    Ok(v)
}

/// Load every certificate of the files given (PEM/DER/p7b; a directory: every file in it
/// that holds certificates, the others skipped with a note naming them).
pub fn load_certs(paths: &[PathBuf], what: &str) -> Result<Vec<kyso::Certificate>> {
    let mut out = Vec::new();
    for p in paths {
        let folder = p.is_dir();
        let mut skipped = Vec::new();
        for f in files_in(p)? {
            let data = fs::read(&f)
                .with_context(|| crate::tr!("flag_file", flag = what, path = f.display()))?;
            if folder {
                // A trust folder also holds READMEs, keys, PKCS#12 files: not certificates.
                let kind = kyso::sniff(&data);
                if !kind.may_hold_certificates() {
                    let name = f.file_name().map_or_else(
                        || f.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    skipped.push(crate::tr!(
                        "file_is",
                        path = name,
                        kind = kind.describe(crate::msg::lang())
                    ));
                    continue;
                }
            }
            let certs = kyso::Certificate::load_all(&data)
                .with_context(|| crate::tr!("flag_file", flag = what, path = f.display()))?;
            out.extend(certs);
        }
        if !skipped.is_empty() {
            eprintln!(
                "kyso: {} {}",
                crate::tr!("note"),
                crate::tr!(
                    "trust_skipped",
                    flag = what,
                    dir = p.display(),
                    files = skipped.join(", ")
                )
            );
        }
    }
    Ok(out)
}

/// Trust anchors and helper certificates, shared by `verify` and `chain`.
#[derive(clap::Args, Debug)]
pub struct TrustArgs {
    /// Trust anchors: PEM bundle, DER certificate or directory (files that are not
    /// certificates are skipped with a note), or a trust list: vn-gov (chữ ký số chuyên dùng
    /// công vụ), vn-public (chữ ký số công cộng), vn (both), or one installed with kyso trust
    /// update; repeatable. Default: $KYSO_TRUST.
    #[arg(long, value_name = "FILE", value_parser = crate::paths::input)]
    pub trust: Vec<PathBuf>,
    /// Extra certificates for building paths (not trusted); repeatable.
    #[arg(long, value_name = "FILE", value_parser = crate::paths::input)]
    pub intermediates: Vec<PathBuf>,
    /// CRLs to check revocation against (PEM or DER; a directory: every file in it); repeatable.
    #[arg(long, value_name = "FILE", value_parser = crate::paths::input)]
    pub crl: Vec<PathBuf>,
    /// OCSP responses (DER, RFC 6960; a directory: every file in it); repeatable. A valid
    /// response about a certificate decides its status before the CRLs.
    #[arg(long, value_name = "FILE")]
    pub ocsp: Vec<PathBuf>,
    /// Revocation checking: required (every certificate below the trust anchor needs a
    /// good status), auto (what is embedded or given and, online, what the certificate
    /// points to; a certificate that points to revocation services without a status found
    /// is INDETERMINATE), off.
    #[arg(long, value_enum, value_name = "MODE", default_value_t = RevocationArg::Auto)]
    pub revocation: RevocationArg,
    /// Never use the network: only embedded and given revocation data count (a certificate
    /// that names revocation services is then INDETERMINATE without them). Default: fetch
    /// OCSP, CRLs and missing issuers from the URLs in the certificates.
    #[arg(long, env = "KYSO_OFFLINE", value_parser = clap::builder::BoolishValueParser::new())]
    pub offline: bool,
    /// Seconds one download (OCSP response, CRL, issuer certificate) may take, connecting
    /// included. A host that does not answer is not asked again in the same run.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub net_timeout: u64,
    /// How long after its thisUpdate an OCSP response without nextUpdate is accepted.
    #[arg(long, value_name = "SECS", default_value_t = kyso::DEFAULT_MAX_AGE_WITHOUT_NEXT_UPDATE,
          value_parser = clap::value_parser!(i64).range(0..=31_536_000))]
    pub ocsp_max_age: i64,
    /// Send OCSP requests without a nonce (RFC 8954), for responders that refuse one.
    #[arg(long)]
    pub no_nonce: bool,
    /// Keep downloaded CRLs and OCSP responses in DIR until their nextUpdate, so that the
    /// next run over the same files asks the CA nothing. What is read back is validated
    /// like a download; a damaged file is replaced. Default: $KYSO_CACHE_DIR, else none.
    #[arg(long, value_name = "DIR", env = "KYSO_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// The time-stamping authority, shared by `sign` and `extend`.
#[derive(clap::Args, Debug)]
pub struct TsaArgs {
    /// RFC 3161 time-stamping authority (HTTP POST) for B-T and above. Each time-stamp is
    /// checked (status, nonce, imprint, the TSA's certificate and path) before it is
    /// embedded; one that cannot be had or checked fails that file.
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// Trust anchors for the TSA's certificate (PEM, DER or a folder); repeatable.
    /// Default: $KYSO_TRUST.
    #[arg(long, value_name = "FILE", requires = "tsa", value_parser = crate::paths::input)]
    pub tsa_trust: Vec<PathBuf>,
    /// Ask the TSA for this policy (dotted OID); a time-stamp under another is refused.
    #[arg(long, value_name = "OID", requires = "tsa")]
    pub tsa_policy: Option<String>,
    /// User name for a TSA that asks for HTTP basic credentials (https only, or loopback).
    #[arg(long, value_name = "NAME", requires = "tsa")]
    pub tsa_user: Option<String>,
    /// Where the TSA password comes from: env:VAR, file:PATH, fd:N or stdin (never the
    /// password itself; else a prompt without echo).
    #[arg(long, value_name = "SOURCE", requires = "tsa_user", value_parser = crate::secret::SecretSourceParser)]
    pub tsa_pass: Option<crate::secret::SecretSource>,
}

impl TsaArgs {
    /// The time-stamping client (`None` without --tsa), its requests bounded by `timeout`
    /// seconds; its TSA path is checked online when `fetcher` is given.
    pub fn timestamper(
        &self,
        timeout: u64,
        fetcher: Option<std::sync::Arc<kyso::Fetcher>>,
    ) -> Result<Option<kyso::Timestamper>> {
        let Some(url) = &self.tsa else {
            return Ok(None);
        };
        let anchors = trust_anchors(&self.tsa_trust)?;
        if anchors.is_empty() {
            anyhow::bail!(crate::tr!("tsa_needs_trust"));
        }
        let fetcher = match fetcher {
            Some(f) => f,
            None => std::sync::Arc::new(kyso::Fetcher::new(
                kyso::FetchOptions::new().timeout(std::time::Duration::from_secs(timeout)),
            )?),
        };
        let verifier = kyso::Verifier::new()
            .with_trust_anchors(anchors)
            .with_fetcher(fetcher.clone());
        let mut t = kyso::Timestamper::new(url.clone(), fetcher, verifier);
        if let Some(p) = &self.tsa_policy {
            t = t.policy(p.clone());
        }
        if let Some(user) = &self.tsa_user {
            let password = crate::secret::read(self.tsa_pass.as_ref(), "TSA password")?;
            t = t.basic_auth(user, &password)?;
        }
        Ok(Some(t))
    }
}

/// `--revocation` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RevocationArg {
    /// Every certificate below the trust anchor must have a known, good status.
    Required,
    /// Checked from embedded and given data and, unless --offline, from the URLs the
    /// certificates name; a certificate that names revocation services but has no status
    /// found is INDETERMINATE (TRY_LATER); one that names none is a skipped check.
    Auto,
    /// No revocation checking.
    Off,
}

impl From<RevocationArg> for kyso::RevocationMode {
    fn from(a: RevocationArg) -> Self {
        match a {
            RevocationArg::Required => kyso::RevocationMode::Required,
            RevocationArg::Auto => kyso::RevocationMode::Auto,
            RevocationArg::Off => kyso::RevocationMode::Off,
        }
    }
}

impl TrustArgs {
    /// The run-wide downloader, unless `--offline` or `--revocation off`.
    pub fn fetcher(&self) -> Result<Option<std::sync::Arc<kyso::Fetcher>>> {
        if self.offline || self.revocation == RevocationArg::Off {
            return Ok(None);
        }
        let mut o = kyso::FetchOptions::new()
            .timeout(std::time::Duration::from_secs(self.net_timeout))
            .nonce(!self.no_nonce);
        if let Some(d) = &self.cache_dir {
            o = o.cache_dir(d);
        }
        let shown = self.cache_dir.as_deref().unwrap_or(Path::new("")).display();
        let f = kyso::Fetcher::new(o).with_context(|| crate::tr!("cache_dir", path = shown))?;
        Ok(Some(std::sync::Arc::new(f)))
    }

    /// Load the `--crl` files.
    pub fn load_crls(&self) -> Result<Vec<kyso::Crl>> {
        let mut out = Vec::new();
        for p in &self.crl {
            for f in files_in(p)? {
                let data = fs::read(&f)
                    .with_context(|| crate::tr!("flag_file", flag = "--crl", path = f.display()))?;
                let shown = f.display().to_string();
                out.extend(
                    kyso::Crl::load_all(&data)
                        .with_context(|| crate::tr!("flag_file", flag = "--crl", path = &shown))?
                        .into_iter()
                        .map(|c| c.with_file(shown.clone())),
                );
            }
        }
        Ok(out)
    }

    /// Load the `--ocsp` files.
    pub fn load_ocsp(&self) -> Result<Vec<kyso::OcspResponse>> {
        let mut out = Vec::new();
        for p in &self.ocsp {
            for f in files_in(p)? {
                let data = fs::read(&f).with_context(|| {
                    crate::tr!("flag_file", flag = "--ocsp", path = f.display())
                })?;
                out.push(
                    kyso::OcspResponse::from_der(&data)
                        .with_context(|| crate::tr!("not_ocsp_response", path = f.display()))?
                        .with_file(f.display().to_string()),
                );
            }
        }
        Ok(out)
    }

    /// The verifier these flags describe, under the validation policy `policy` (a built-in
    /// name or a TOML file); `legacy`: --insecure-legacy-crypto.
    pub fn verifier(&self, policy: &str, legacy: bool) -> Result<kyso::Verifier> {
        // The lists' anchors and intermediates come with their names (with_trust_list).
        let (files, _) = trust_values(&self.trust);
        let anchors = load_certs(&files, "--trust")?;
        let intermediates = load_certs(&self.intermediates, "--intermediates")?;
        let policy = kyso::ValidationPolicy::by_name_or_file(policy)
            .with_context(|| format!("--policy {policy}"))?;
        let mut verifier = kyso::Verifier::new().with_policy(policy);
        for list in trust_lists(&self.trust)? {
            verifier = verifier.with_trust_list(&list);
        }
        let mut verifier = verifier
            .with_trust_anchors(anchors)
            .with_intermediates(intermediates)
            .with_crls(self.load_crls()?)
            .with_ocsp_responses(self.load_ocsp()?)
            .with_ocsp_max_age(self.ocsp_max_age);
        if let Some(f) = self.fetcher()? {
            verifier = verifier.with_fetcher(f);
        }
        // The policy's revocation mode, unless --revocation asks for another than auto.
        if self.revocation != RevocationArg::Auto {
            verifier = verifier.with_revocation_mode(self.revocation.into());
        }
        if legacy {
            verifier.dangerous().allow_legacy_crypto();
        }
        Ok(verifier)
    }

    /// Load (anchors, intermediates): the files', and the named trust lists' (whose
    /// intermediates are path-building helpers only).
    pub fn load(&self) -> Result<(Vec<kyso::Certificate>, Vec<kyso::Certificate>)> {
        let mut intermediates = load_certs(&self.intermediates, "--intermediates")?;
        for l in trust_lists(&self.trust)? {
            intermediates.extend(l.intermediates);
        }
        Ok((trust_anchors(&self.trust)?, intermediates))
    }
}

/// The `--trust` values, or `$KYSO_TRUST` when none is given (a value may list several,
/// separated by commas: `KYSO_TRUST=vn,agency-roots.pem`), split into files and names of
/// trust lists (`vn`, `vn-gov`, `vn-public`, or an installed list): a value that is no file
/// and is spelt like a list name is a list.
fn trust_values(flags: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut paths = flags.to_vec();
    if paths.is_empty() {
        if let Some(t) = std::env::var_os("KYSO_TRUST").filter(|t| !t.is_empty()) {
            for part in t.to_string_lossy().split(',').filter(|p| !p.is_empty()) {
                paths.push(crate::paths::resolve(Path::new(part)));
            }
        }
    }
    let is_list_name = |p: &Path| {
        !p.exists()
            && p.to_str().is_some_and(|s| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    };
    let (lists, files): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| is_list_name(p));
    (
        files,
        lists.into_iter().map(|p| p.display().to_string()).collect(),
    )
}

/// The trust lists named by `--trust` (or `$KYSO_TRUST`), each the one in force: installed
/// in the trust store (`kyso trust update`) when newer than the shipped one.
pub fn trust_lists(flags: &[PathBuf]) -> Result<Vec<kyso::TrustList>> {
    let (_, names) = trust_values(flags);
    let store = kyso::TrustStore::from_env();
    names
        .iter()
        .map(|n| {
            let found = match &store {
                Some(s) => s.resolve(n),
                None => kyso::TrustList::builtin(n),
            };
            match found {
                Some(l) => Ok(l?),
                None => anyhow::bail!(
                    "--trust {n}: no such file, and no trust list is named {n} (shipped: {}; installed ones: kyso trust list)",
                    kyso::BUILTIN_TRUST_LISTS.join(", ")
                ),
            }
        })
        .collect()
}

/// The trust anchors: `--trust` files and the anchors of the trust lists it names, or
/// `$KYSO_TRUST` when none is given.
pub fn trust_anchors(flags: &[PathBuf]) -> Result<Vec<kyso::Certificate>> {
    let (files, _) = trust_values(flags);
    let mut anchors = load_certs(&files, "--trust")?;
    for l in trust_lists(flags)? {
        anchors.extend(l.anchors);
    }
    Ok(anchors)
}

/// `value` as pretty JSON (two-space indent, as `serde_json::to_string_pretty`) whose lines
/// after the first start `depth` levels in, ready to sit inside an enclosing document. Written
/// in one pass: re-indenting a rendered string afterwards cost a batch verify 4% of its CPU.
pub fn json_nested<T: serde::Serialize + ?Sized>(value: &T, depth: usize) -> String {
    let mut out = Vec::with_capacity(8192);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested { depth, first: true });
    // Serialising kyso's report types cannot fail (no maps with non-string keys, no I/O).
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's pretty layout starting at a given depth.
struct Nested {
    depth: usize,
    /// No value written yet at the current level.
    first: bool,
}

impl Nested {
    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        const LINE: &[u8; 65] =
            b"\n                                                                ";
        let width = 1 + 2 * self.depth;
        if width <= LINE.len() {
            return w.write_all(&LINE[..width]);
        }
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, b: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.first = true;
        w.write_all(b)
    }
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, b: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if !self.first {
            self.newline(w)?;
        }
        self.first = false;
        w.write_all(b)
    }
    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.first = false;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.first = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::json_nested;

    #[test]
    fn nested_json_is_pretty_json_reindented() {
        let v = serde_json::json!({
            "a": [1, {"b": [], "c": {}}, [2, 3]],
            "d": {"e": null, "f": "x\ny"},
            "g": []
        });
        for depth in [0, 1, 2, 40] {
            let want = serde_json::to_string_pretty(&v)
                .unwrap()
                .replace('\n', &format!("\n{}", "  ".repeat(depth)));
            assert_eq!(json_nested(&v, depth), want, "depth {depth}");
        }
    }
}
