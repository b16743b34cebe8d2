//! `kyso serve`: the local HTTP service (crates/kyso-server). The verifier is built from the
//! flags of `kyso verify`, the optional signer from those of `kyso sign`; the server only
//! carries requests to them.

use std::net::SocketAddr;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;

use crate::exit;
use crate::output::{self, LangArg};
use crate::secret::{self, SecretSource};

/// Arguments of `kyso serve`.
#[derive(ClapArgs, Debug)]
// The key flags of `kyso sign`, here optional: without them the service only verifies.
#[command(mut_group("KeySource", |g| g.required(false)))]
pub struct Args {
    /// Address and port to listen on. Loopback by default; another address is served only
    /// when named here (with a warning), and signing there needs --api-token. Port 0 picks a
    /// free port; the line `kyso: listening on http://ADDR:PORT` on stdout says which.
    #[arg(long, value_name = "ADDR:PORT", default_value_t = SocketAddr::from(([127, 0, 0, 1], kyso_server::DEFAULT_PORT)))]
    listen: SocketAddr,
    /// Largest request body accepted, in MiB (413 above it).
    #[arg(long, value_name = "MIB", default_value_t = (kyso_server::DEFAULT_MAX_BODY >> 20) as u64,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_body: u64,
    /// Seconds a request may take, its upload included (504 after it).
    #[arg(long, value_name = "SECS", default_value_t = kyso_server::DEFAULT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// Requests to /verify and /sign served at once; one more is answered 503 with
    /// Retry-After at once, not queued. Default: twice the number of cores.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=4096))]
    concurrency: Option<u64>,
    /// Where the API token that POST /sign requires (Authorization: Bearer TOKEN) comes
    /// from: env:VAR, file:PATH or fd:N (never the token itself).
    #[arg(long, value_name = "SOURCE", value_parser = crate::secret::SecretSourceParser)]
    api_token: Option<SecretSource>,
    #[command(flatten)]
    certs: output::TrustArgs,
    /// Validation policy: a built-in name (agency-default, legacy-archive) or a TOML file.
    #[arg(long, value_name = "FILE|NAME", default_value = "agency-default")]
    policy: String,
    /// INSECURE: accept MD5/SHA-1 and RSA < 2048 / EC < 256 bits (reported as skipped).
    #[arg(long)]
    insecure_legacy_crypto: bool,
    /// The signing key for POST /sign, as in `kyso sign`; without one the service only
    /// verifies. Loaded (and its PIN given) once, at start.
    #[command(flatten)]
    key: Option<super::sign::KeySource>,
    #[command(flatten)]
    key_options: super::sign::KeyOptions,
    /// A time-stamp from --tsa over each signature (CAdES B-T).
    #[command(flatten)]
    tsa: output::TsaArgs,
    /// Language of the messages (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    let verifier = a.certs.verifier(&a.policy, a.insecure_legacy_crypto)?;
    if verifier.trust_anchors().is_empty() {
        eprintln!(
            "kyso: {} {}",
            crate::tr!("warning"),
            lang.pick(
                "no trust anchor was given (--trust or KYSO_TRUST), so no signature can be TOTAL-PASSED",
                "chưa chỉ định chứng thư số gốc tin cậy (--trust hoặc KYSO_TRUST) nên không chữ ký nào có thể đạt TOTAL-PASSED"
            )
        );
    }
    let mut config = kyso_server::Config::new(a.listen);
    config.max_body = (a.max_body as usize) << 20;
    config.timeout = std::time::Duration::from_secs(a.timeout);
    if let Some(n) = a.concurrency {
        config.concurrency = n as usize;
    }
    if let Some(src) = &a.api_token {
        // Standard input may be the PIN's (--pass stdin); a prompt is no place for a token.
        if matches!(src, SecretSource::Prompt | SecretSource::Stdin) {
            bail!("--api-token: give the token with env:VAR, file:PATH or fd:N");
        }
        let t = secret::read(Some(src), "API token")?;
        let t = String::from_utf8(t).context("--api-token: the token is not UTF-8 text")?;
        config.api_token = Some(t.trim().to_string());
    }
    let mut service = kyso_server::Service::new(verifier);
    // Kept open while the service runs (a token's session).
    let mut _token = None;
    if let Some(k) = &a.key {
        // Refused before the PIN is asked for.
        config.check(true)?;
        let (mut builder, token, _) = a.key_options.builder(k)?;
        _token = token;
        if let Some(t) = a.tsa.timestamper(a.certs.net_timeout, a.certs.fetcher()?)? {
            builder = builder.timestamper(t);
        }
        // Built once now to refuse a bad key or certificate at start and show its warnings;
        // each request builds its own signer from `builder` at its time.
        for w in builder.clone().build()?.warnings() {
            eprintln!("kyso: {} {}", crate::tr!("warning"), w.message(lang));
        }
        service = service.with_signer(builder, kyso::PdfSignOptions::new())?;
    }
    if !a.listen.ip().is_loopback() {
        eprintln!(
            "kyso: {} {}",
            crate::tr!("warning"),
            lang.pick(
                &format!("listening on {}, which is not a loopback address: other machines can reach this service", a.listen),
                &format!("đang lắng nghe trên {}, không phải địa chỉ loopback: máy khác có thể truy cập dịch vụ này", a.listen),
            )
        );
    }
    let signing = service.signing();
    kyso_server::run(config, service, |addr| {
        // One parseable line on stdout (tests and scripts read the port from it).
        output::print(&format!("kyso: listening on http://{addr}\n"));
        eprintln!(
            "kyso: {}",
            if signing {
                lang.pick(
                    "POST /verify, POST /sign, GET /health, GET /openapi.json; Ctrl-C stops",
                    "POST /verify, POST /sign, GET /health, GET /openapi.json; Ctrl-C để dừng",
                )
            } else {
                lang.pick(
                    "POST /verify, GET /health, GET /openapi.json (no key: no signing); Ctrl-C stops",
                    "POST /verify, GET /health, GET /openapi.json (không có khóa: không ký); Ctrl-C để dừng",
                )
            }
        );
    })?;
    eprintln!("kyso: {}", lang.pick("stopped", "đã dừng"));
    Ok(exit::OK)
}
