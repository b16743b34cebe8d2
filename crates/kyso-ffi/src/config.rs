//! The JSON configuration strings of the handles, turned into a [`kyso::Verifier`] and the
//! pieces of a [`kyso::Signer`]. Safe code only: the C boundary is in `lib.rs`.
//!
//! The fields mirror the flags of `kyso verify` and `kyso sign` (README "C ABI (kyso-ffi)"),
//! but each kind of input has its own field (`trust` files, `trust_lists` names) instead of
//! the CLI's guess from a value's spelling, and unknown fields are refused, so a typo in an
//! agency's configuration is an error and not a silently weaker verifier.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::status::{self, Failure};

/// `kyso_verifier_new`'s configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifierConfig {
    /// Trust anchors: PEM bundles, DER certificates or folders (files in a folder that hold
    /// no certificate are skipped, as `kyso verify --trust DIR` does).
    #[serde(default)]
    trust: Vec<PathBuf>,
    /// Shipped or installed trust lists: `vn`, `vn-gov`, `vn-public` ([`kyso::TrustList`]).
    #[serde(default)]
    trust_lists: Vec<String>,
    /// Certificates for building paths (not trusted).
    #[serde(default)]
    intermediates: Vec<PathBuf>,
    /// CRL files or folders.
    #[serde(default)]
    crls: Vec<PathBuf>,
    /// OCSP response files (DER) or folders.
    #[serde(default)]
    ocsp: Vec<PathBuf>,
    /// The validation time (RFC 3339); default: the time of each call.
    at: Option<String>,
    /// `required`, `auto` or `off`; default: the policy's (auto for agency-default).
    revocation: Option<String>,
    /// Never use the network (default false: OCSP, CRLs and issuers are fetched as `kyso
    /// verify` does).
    #[serde(default)]
    offline: bool,
    /// Seconds one download may take (default 10, as the CLI).
    net_timeout: Option<u64>,
    /// Keep downloaded CRLs and OCSP responses in this folder until their nextUpdate.
    cache_dir: Option<PathBuf>,
    /// A built-in validation policy name or a TOML file (default agency-default).
    policy: Option<String>,
    /// INSECURE: accept MD5/SHA-1 and short keys (reported as skipped, never passed).
    #[serde(default)]
    insecure_legacy_crypto: bool,
    /// Language of the error messages: `en` (default) or `vi`.
    lang: Option<String>,
}

/// A verifier configured once, and what each call needs besides it.
pub struct VerifierSetup {
    pub verifier: kyso::Verifier,
    pub at: Option<kyso::Timestamp>,
}

/// Parse a configuration document.
pub fn parse<'a, T: Deserialize<'a> + Default>(json: &'a str) -> Result<T, Failure> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(json)
        .map_err(|e| Failure::new(status::KYSO_ERR_BAD_CONFIG, format!("config: {e}")))
}

fn lang(s: Option<&str>) -> Result<kyso::Lang, Failure> {
    match s {
        None | Some("en") => Ok(kyso::Lang::En),
        Some("vi") => Ok(kyso::Lang::Vi),
        Some(other) => Err(bad(format!("lang: '{other}' is not en or vi"))),
    }
}

fn bad(message: String) -> Failure {
    Failure::new(status::KYSO_ERR_BAD_CONFIG, message)
}

fn time(field: &str, s: &str) -> Result<kyso::Timestamp, Failure> {
    kyso::Timestamp::parse_rfc3339(s).map_err(|e| bad(format!("{field}: {e}")))
}

/// The files of `p` in name order when it is a folder (not recursive), else `p`.
fn files_in(p: &Path) -> Result<Vec<PathBuf>, Failure> {
    if !p.is_dir() {
        return Ok(vec![p.to_path_buf()]);
    }
    let entries = std::fs::read_dir(p).map_err(|e| io(p, e))?;
    let mut v: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    Ok(v)
}

fn io(p: &Path, e: std::io::Error) -> Failure {
    Failure::new(
        status::KYSO_ERR_IO,
        format!("{}: {}", p.display(), kyso::io_reason(&e, kyso::Lang::En)),
    )
}

fn read(p: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(p).map_err(|e| io(p, e))
}

/// Every certificate of the files given; in a folder, files that hold no certificate (keys,
/// READMEs) are skipped, as the CLI's `--trust DIR`.
fn certificates(
    field: &str,
    paths: &[PathBuf],
    lang: kyso::Lang,
) -> Result<Vec<kyso::Certificate>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        let folder = p.is_dir();
        for f in files_in(p)? {
            let data = read(&f)?;
            if folder && !kyso::sniff(&data).may_hold_certificates() {
                continue;
            }
            let certs = kyso::Certificate::load_all(&data).map_err(|e| {
                Failure::from_kyso(&e, lang).prefixed(&format!("{field} {}", f.display()))
            })?;
            out.extend(certs);
        }
    }
    Ok(out)
}

/// The trust list named `name`, the one in force (installed with `kyso trust update` when
/// newer than the shipped one), as `kyso verify --trust NAME` resolves it.
fn trust_list(name: &str) -> Result<kyso::TrustList, Failure> {
    let found = match kyso::TrustStore::from_env() {
        Some(s) => s.resolve(name),
        None => kyso::TrustList::builtin(name),
    };
    match found {
        Some(Ok(l)) => Ok(l),
        Some(Err(e)) => Err(Failure::from_kyso(&e, kyso::Lang::En)),
        None => Err(bad(format!(
            "trust_lists: no trust list is named '{name}' (shipped: {})",
            kyso::BUILTIN_TRUST_LISTS.join(", ")
        ))),
    }
}

impl VerifierConfig {
    /// The verifier this configuration describes.
    pub fn build(self) -> Result<VerifierSetup, Failure> {
        let lang = lang(self.lang.as_deref())?;
        let at = self.at.as_deref().map(|s| time("at", s)).transpose()?;
        let policy_name = self.policy.as_deref().unwrap_or("agency-default");
        let policy = kyso::ValidationPolicy::by_name_or_file(policy_name)
            .map_err(|e| bad(format!("policy {policy_name}: {e}")))?;
        let mode = match self.revocation.as_deref() {
            None => None,
            Some("required") => Some(kyso::RevocationMode::Required),
            Some("auto") => Some(kyso::RevocationMode::Auto),
            Some("off") => Some(kyso::RevocationMode::Off),
            Some(other) => {
                return Err(bad(format!(
                    "revocation: '{other}' is not required, auto or off"
                )))
            }
        };
        let mut verifier = kyso::Verifier::new().with_policy(policy);
        for name in &self.trust_lists {
            verifier = verifier.with_trust_list(&trust_list(name)?);
        }
        let mut crls = Vec::new();
        for p in &self.crls {
            for f in files_in(p)? {
                let shown = f.display().to_string();
                let loaded = kyso::Crl::load_all(&read(&f)?)
                    .map_err(|e| Failure::from_kyso(&e, lang).prefixed(&format!("crls {shown}")))?;
                crls.extend(loaded.into_iter().map(|c| c.with_file(shown.clone())));
            }
        }
        let mut ocsp = Vec::new();
        for p in &self.ocsp {
            for f in files_in(p)? {
                let shown = f.display().to_string();
                let r = kyso::OcspResponse::from_der(&read(&f)?)
                    .map_err(|e| Failure::from_kyso(&e, lang).prefixed(&format!("ocsp {shown}")))?;
                ocsp.push(r.with_file(shown));
            }
        }
        let mut verifier = verifier
            .with_trust_anchors(certificates("trust", &self.trust, lang)?)
            .with_intermediates(certificates("intermediates", &self.intermediates, lang)?)
            .with_crls(crls)
            .with_ocsp_responses(ocsp);
        if !self.offline && mode != Some(kyso::RevocationMode::Off) {
            verifier = verifier.with_fetcher(fetcher(self.net_timeout, self.cache_dir.as_deref())?);
        }
        if let Some(m) = mode {
            verifier = verifier.with_revocation_mode(m);
        }
        if self.insecure_legacy_crypto {
            verifier.dangerous().allow_legacy_crypto();
        }
        Ok(VerifierSetup { verifier, at })
    }
}

/// The downloader for OCSP, CRLs and issuers, bounded by `timeout` seconds per download.
fn fetcher(
    timeout: Option<u64>,
    cache_dir: Option<&Path>,
) -> Result<std::sync::Arc<kyso::Fetcher>, Failure> {
    let secs = timeout.unwrap_or(10);
    // The CLI's --net-timeout range: a download that may take longer than five minutes would
    // hold an agency's worker thread for as long.
    if !(1..=300).contains(&secs) {
        return Err(bad(format!("net_timeout: {secs} is not 1..=300 seconds")));
    }
    let mut o = kyso::FetchOptions::new().timeout(std::time::Duration::from_secs(secs));
    if let Some(d) = cache_dir {
        o = o.cache_dir(d);
    }
    let f = kyso::Fetcher::new(o).map_err(|e| Failure::from_kyso(&e, kyso::Lang::En))?;
    Ok(std::sync::Arc::new(f))
}

/// `kyso_signer_new`'s configuration: a key file and certificate, a PKCS#12 file, or a key
/// on a PKCS#11 token.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerConfig {
    /// Private key file (PEM or DER; PKCS#8, encrypted PKCS#8, PKCS#1, SEC1); needs `cert`.
    key: Option<PathBuf>,
    /// The signer's certificate; certificates after the first are chain.
    cert: Option<PathBuf>,
    /// PKCS#12 bundle with key, certificate and chain.
    p12: Option<PathBuf>,
    /// RFC 7512 URI of a key on a PKCS#11 token.
    pkcs11: Option<String>,
    /// The token vendor's PKCS#11 module; default the URI's module-path, then
    /// $KYSO_PKCS11_MODULE.
    module: Option<PathBuf>,
    /// Password of an encrypted key or PKCS#12 file.
    password: Option<String>,
    /// The token's user PIN.
    pin: Option<String>,
    /// Chain certificates to embed.
    #[serde(default)]
    chain: Vec<PathBuf>,
    /// `sha256` (default), `sha384` or `sha512`.
    digest: Option<String>,
    /// RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys).
    #[serde(default)]
    pss: bool,
    /// The signing time (RFC 3339); default: the time of each call.
    signing_time: Option<String>,
    /// CAdES B-T: an RFC 3161 time-stamping authority (HTTP POST) whose time-stamp over each
    /// signature is checked, then embedded; a time-stamp that cannot be had fails the call.
    tsa: Option<String>,
    /// Trust anchors for the TSA's certificate (needed with `tsa`).
    #[serde(default)]
    tsa_trust: Vec<PathBuf>,
    /// Ask the TSA for this policy (dotted OID).
    tsa_policy: Option<String>,
    /// Language of the error messages: `en` (default) or `vi`.
    lang: Option<String>,
}

/// A loaded key and its options, as the builder each signing call builds its
/// [`kyso::Signer`] from.
pub struct SignerSetup {
    pub builder: kyso::SignerBuilder,
    /// The token session the key lives in, kept open for the handle's life (one login):
    /// held, never read.
    #[allow(dead_code)]
    pub token: Option<kyso::Token>,
    pub signing_time: Option<kyso::Timestamp>,
    pub lang: kyso::Lang,
}

impl SignerConfig {
    /// Load the key this configuration names.
    pub fn build(self) -> Result<SignerSetup, Failure> {
        let lang = lang(self.lang.as_deref())?;
        let signing_time = self
            .signing_time
            .as_deref()
            .map(|s| time("signing_time", s))
            .transpose()?;
        let digest = match self.digest.as_deref() {
            None => None,
            Some(d @ ("sha256" | "sha384" | "sha512")) => kyso::DigestAlgorithm::from_name(d),
            Some(other) => {
                return Err(bad(format!(
                    "digest: '{other}' is not sha256, sha384 or sha512"
                )))
            }
        };
        let chain = certificates("chain", &self.chain, lang)?;
        let sources = [
            self.key.is_some(),
            self.p12.is_some(),
            self.pkcs11.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(bad(
                "give one key source: \"key\" with \"cert\", \"p12\", or \"pkcs11\"".into(),
            ));
        }
        let key_error = |e: kyso::Error| Failure::from_kyso(&e, lang);
        let (key, token) = if let Some(p12) = &self.p12 {
            let data = read(p12)?;
            let pass = self.password.as_deref().unwrap_or("");
            let key = kyso::SigningKey::from_pkcs12(&data, pass.as_bytes())
                .map_err(|e| key_error(e).prefixed(&format!("p12 {}", p12.display())))?;
            (key, None)
        } else if let Some(uri) = &self.pkcs11 {
            let cert = match &self.cert {
                Some(c) => Some(leaf_and_rest(c, lang)?),
                None => None,
            };
            let (key, token) =
                open_token_key(uri, self.module.as_deref(), self.pin.as_deref(), cert, lang)?;
            (key, Some(token))
        } else {
            let key_file = self.key.as_deref().unwrap_or(Path::new(""));
            let Some(cert) = &self.cert else {
                return Err(bad(
                    "\"key\" needs \"cert\", the signer's certificate".into()
                ));
            };
            let (leaf, rest) = leaf_and_rest(cert, lang)?;
            let data = read(key_file)?;
            let key = kyso::SigningKey::from_key_and_cert(
                &data,
                self.password.as_deref().map(str::as_bytes),
                leaf,
            )
            .map_err(|e| key_error(e).prefixed(&format!("key {}", key_file.display())))?;
            (key.with_chain(rest), None)
        };
        let timestamper = match &self.tsa {
            None if !self.tsa_trust.is_empty() || self.tsa_policy.is_some() => {
                return Err(bad(
                    "tsa_trust and tsa_policy need \"tsa\", the TSA's URL".into()
                ))
            }
            None => None,
            Some(url) => {
                let anchors = certificates("tsa_trust", &self.tsa_trust, lang)?;
                if anchors.is_empty() {
                    return Err(bad(
                        "tsa: give the TSA certificate's trust anchors in \"tsa_trust\"".into(),
                    ));
                }
                let fetcher = fetcher(None, None)?;
                let verifier = kyso::Verifier::new()
                    .with_trust_anchors(anchors)
                    .with_fetcher(fetcher.clone());
                let mut t = kyso::Timestamper::new(url.clone(), fetcher, verifier);
                if let Some(p) = &self.tsa_policy {
                    t = t.policy(p.clone());
                }
                Some(t)
            }
        };
        let mut builder = kyso::Signer::new(key.with_chain(chain)).pss(self.pss);
        if let Some(d) = digest {
            builder = builder.digest(d);
        }
        if let Some(t) = timestamper {
            builder = builder.timestamper(t);
        }
        Ok(SignerSetup {
            builder,
            token,
            signing_time,
            lang,
        })
    }
}

/// The first certificate of the file and the others (chain).
fn leaf_and_rest(
    p: &Path,
    lang: kyso::Lang,
) -> Result<(kyso::Certificate, Vec<kyso::Certificate>), Failure> {
    let mut certs = certificates("cert", &[p.to_path_buf()], lang)?.into_iter();
    let leaf = certs
        .next()
        .ok_or_else(|| bad(format!("cert {}: no certificate in the file", p.display())))?;
    Ok((leaf, certs.collect()))
}

/// Log in to the token the URI names and find its key, as `kyso sign --pkcs11` does; but
/// never asks anything: the PIN comes from the configuration or the URI's pin-source, and a
/// token one wrong PIN away from locking is refused (there is nobody to confirm the try).
fn open_token_key(
    uri_text: &str,
    module: Option<&Path>,
    pin: Option<&str>,
    cert: Option<(kyso::Certificate, Vec<kyso::Certificate>)>,
    lang: kyso::Lang,
) -> Result<(kyso::SigningKey, kyso::Token), Failure> {
    let token_error = |e: kyso::TokenError| Failure::from_kyso(&kyso::Error::from(e), lang);
    let uri = kyso::Pkcs11Uri::parse(uri_text).map_err(token_error)?;
    let path = match (module, &uri.module_path) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => PathBuf::from(p),
        (None, None) => match std::env::var_os("KYSO_PKCS11_MODULE") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => return Err(token_error(kyso::TokenError::NoModule)),
        },
    };
    let module = kyso::Pkcs11Module::load(&path).map_err(token_error)?;
    let token = module.open(&uri).map_err(token_error)?;
    let from_uri = uri.pin_source_path().map_err(token_error)?;
    let pin: Option<Vec<u8>> = match (pin, from_uri) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "pin: the URI names a pin-source too; give the PIN once".into(),
            ))
        }
        (Some(p), None) => Some(p.as_bytes().to_vec()),
        (None, Some(f)) => {
            let text = read(&f)?;
            // A PIN file ends with a newline, as written by `echo`.
            let text = text.strip_suffix(b"\n").unwrap_or(&text).to_vec();
            Some(text)
        }
        (None, None) => None,
    };
    let protected = token.description().protected_authentication_path;
    if pin.is_none() && !protected {
        return Err(bad("pin: the token needs its user PIN (\"pin\")".into()));
    }
    token.login(pin.as_deref(), false).map_err(token_error)?;
    let (cert, extra) = match cert {
        Some((leaf, rest)) => (Some(leaf), rest),
        None => (None, Vec::new()),
    };
    let key = token
        .signing_key(&uri, cert)
        .map_err(token_error)?
        .with_chain(extra);
    Ok((key, token))
}

/// `kyso_sign_pdf`'s options (all optional): where and how the signature appears.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfConfig {
    /// Sign into this existing empty signature field, or name the new field so.
    field: Option<String>,
    /// /Reason.
    reason: Option<String>,
    /// /Location.
    location: Option<String>,
    /// /ContactInfo.
    contact_info: Option<String>,
    /// A visible block: page (from 1) and [x, y, width, height] in PDF points.
    visible: Option<Visible>,
    /// The block's text lines instead of the default ones.
    #[serde(default)]
    lines: Vec<String>,
    /// A PNG file drawn at the block's left (a seal, a handwritten signature).
    image: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Visible {
    page: usize,
    rect: [f64; 4],
}

impl PdfConfig {
    /// The library's options.
    pub fn build(self) -> Result<kyso::PdfSignOptions, Failure> {
        let mut o = kyso::PdfSignOptions::new();
        if let Some(f) = self.field {
            o = o.field(f);
        }
        if let Some(r) = self.reason {
            o = o.reason(r);
        }
        if let Some(l) = self.location {
            o = o.location(l);
        }
        if let Some(c) = self.contact_info {
            o = o.contact_info(c);
        }
        if let Some(v) = self.visible {
            let r = v.rect;
            if v.page == 0 || !r.iter().all(|x| x.is_finite()) || r[2] <= 0.0 || r[3] <= 0.0 {
                return Err(bad(
                    "visible: page counts from 1, and the width and height must be above 0".into(),
                ));
            }
            o = o.visible(kyso::VisibleSignature::new(v.page, r));
        }
        o = o.lines(self.lines);
        if let Some(img) = &self.image {
            o = o.image(read(img)?);
        }
        Ok(o)
    }
}
