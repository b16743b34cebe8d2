//! Fetching revocation data and issuer certificates over HTTP: CRLs from a certificate's
//! cRLDistributionPoints (RFC 5280 §4.2.1.13), OCSP responses from its authorityInfoAccess
//! id-ad-ocsp responder (RFC 6960 §4.1, Appendix A.1: a POST of `application/ocsp-request`),
//! and issuer certificates from id-ad-caIssuers (RFC 5280 §4.2.2.1).
//!
//! A [`Fetcher`] is shared by every input and thread of a run. It makes one request per
//! distinct URL (per URL and CertID for OCSP); threads asking for the same one wait for that
//! single fetch and share its result, success or failure. A host that timed out or refused
//! the connection is not asked again in the same run, so a responder that never answers
//! costs one timeout per host, not one per certificate. With a cache directory, CRLs and OCSP
//! responses are kept on disk until their nextUpdate; what is read back is validated exactly
//! like what comes from the network (it establishes nothing by being cached), and a file that
//! does not parse is deleted and fetched again.
//!
//! Bounds on hostile or broken servers: a total time per request ([`DEFAULT_TIMEOUT`],
//! connect included), a size cap per kind of data, at most [`MAX_REDIRECTS`] redirects, http
//! and https only (ldap: and file: are refused as unsupported).

// Without the `http` feature the limits and the client settings have no user.
#![cfg_attr(not(feature = "http"), allow(dead_code))]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::crl::Crl;
use super::evidence::Origin;
use super::ocsp::OcspResponse;

/// Total time one request may take (DNS, connect, TLS, headers, body), by default.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed per request.
pub(crate) const MAX_REDIRECTS: u32 = 3;
/// Largest CRL accepted: national CAs publish CRLs of several MB; 64 MiB bounds the memory a
/// hostile server can make kyso use.
pub(crate) const MAX_CRL_BYTES: u64 = 64 << 20;
/// Largest OCSP response accepted (a response is a few KB).
pub(crate) const MAX_OCSP_BYTES: u64 = 1 << 20;
/// Largest caIssuers answer accepted (a certificate, or a few in a certs-only PKCS#7).
pub(crate) const MAX_CERT_BYTES: u64 = 1 << 20;
/// Distinct URLs one run fetches: a hostile batch cannot make kyso crawl without end.
pub(crate) const MAX_FETCHES_PER_RUN: usize = 10_000;

/// What is fetched; it sets the method, the size cap and whether the disk cache keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FetchKind {
    Crl,
    Ocsp,
    Certificates,
    /// An RFC 3161 time-stamp request (never memoised nor cached: each is unique).
    Timestamp,
}

impl FetchKind {
    fn limit(self) -> u64 {
        match self {
            FetchKind::Crl => MAX_CRL_BYTES,
            FetchKind::Ocsp => MAX_OCSP_BYTES,
            FetchKind::Certificates | FetchKind::Timestamp => MAX_CERT_BYTES,
        }
    }
    fn label(self) -> &'static str {
        match self {
            FetchKind::Crl => "crl",
            FetchKind::Ocsp => "ocsp",
            FetchKind::Certificates => "cert",
            FetchKind::Timestamp => "tsp",
        }
    }
    /// The request's Content-Type, for the kinds that POST.
    fn request_type(self) -> &'static str {
        match self {
            FetchKind::Timestamp => "application/timestamp-query",
            _ => "application/ocsp-request",
        }
    }
}

/// Why a fetch gave nothing usable. Data, no language: the report renders it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FetchError {
    /// Not an http: or https: URL (ldap:, file:, ...): kyso does not fetch it.
    UnsupportedScheme {
        /// The URL.
        url: String,
    },
    /// No answer within the time allowed.
    Timeout {
        /// The URL.
        url: String,
        /// The time allowed, seconds.
        seconds: u64,
    },
    /// The host could not be resolved or reached, or the connection failed.
    Unreachable {
        /// The URL.
        url: String,
        /// What the HTTP client said.
        detail: String,
    },
    /// The server answered with an HTTP error status.
    HttpStatus {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The answer was larger than kyso accepts for this kind of data.
    TooLarge {
        /// The URL.
        url: String,
        /// The cap, bytes.
        limit: u64,
    },
    /// The answer is not what was asked for (not a DER CRL, OCSP response or certificate),
    /// or no request could be made for the certificate.
    NotParsable {
        /// The URL.
        url: String,
        /// What is wrong.
        detail: String,
    },
    /// The same host timed out or refused earlier in this run; it is not asked again.
    HostFailedEarlier {
        /// The URL.
        url: String,
        /// host:port.
        host: String,
    },
    /// The run reached its cap of distinct downloads (10,000).
    TooManyFetches {
        /// The URL not fetched.
        url: String,
    },
    /// kyso was built without the `http` feature.
    NotBuiltIn {
        /// The URL.
        url: String,
    },
}

impl FetchError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::UnsupportedScheme { .. } => "unsupported_scheme",
            FetchError::Timeout { .. } => "timeout",
            FetchError::Unreachable { .. } => "unreachable",
            FetchError::HttpStatus { .. } => "http_status",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::NotParsable { .. } => "not_parsable",
            FetchError::HostFailedEarlier { .. } => "host_failed_earlier",
            FetchError::TooManyFetches { .. } => "too_many_fetches",
            FetchError::NotBuiltIn { .. } => "not_built_in",
        }
    }

    /// The URL it is about.
    pub fn url(&self) -> &str {
        match self {
            FetchError::UnsupportedScheme { url }
            | FetchError::Timeout { url, .. }
            | FetchError::Unreachable { url, .. }
            | FetchError::HttpStatus { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::NotParsable { url, .. }
            | FetchError::HostFailedEarlier { url, .. }
            | FetchError::TooManyFetches { url }
            | FetchError::NotBuiltIn { url } => url,
        }
    }

    /// In words (English; the report's text layer has Vietnamese).
    pub fn describe(&self) -> String {
        match self {
            FetchError::UnsupportedScheme { url } => {
                format!("{url}: only http and https URLs are fetched")
            }
            FetchError::Timeout { url, seconds } => {
                format!("{url}: no answer within {seconds} s")
            }
            FetchError::Unreachable { url, detail } => format!("{url}: unreachable ({detail})"),
            FetchError::HttpStatus { url, status } => format!("{url}: HTTP status {status}"),
            FetchError::TooLarge { url, limit } => {
                format!("{url}: the answer is larger than {limit} bytes")
            }
            FetchError::NotParsable { url, detail } => {
                format!("{url}: the answer cannot be used ({detail})")
            }
            FetchError::HostFailedEarlier { url, host } => {
                format!("{url}: {host} did not answer earlier in this run")
            }
            FetchError::TooManyFetches { url } => {
                format!("{url}: not fetched, the run reached {MAX_FETCHES_PER_RUN} downloads")
            }
            FetchError::NotBuiltIn { url } => {
                format!("{url}: this kyso was built without the http feature")
            }
        }
    }

    /// Failures that say the host is not answering at all.
    fn host_is_down(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout { .. } | FetchError::Unreachable { .. }
        )
    }
}

/// Where fetched bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FetchedFrom {
    /// Downloaded in this run.
    Network,
    /// Read from the disk cache file.
    Cache(PathBuf),
}

/// A successful fetch. Clones share the bytes and what was parsed from them, so a CRL
/// fetched once for a batch is parsed once, not once per document.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub(crate) bytes: Arc<Vec<u8>>,
    pub(crate) url: String,
    pub(crate) from: FetchedFrom,
    /// The OCSP nonce the request carried (RFC 8954), which the response must echo if it
    /// carries one.
    pub(crate) nonce: Option<Vec<u8>>,
    crl: Arc<OnceLock<Result<Crl, FetchError>>>,
    ocsp: Arc<OnceLock<Result<OcspResponse, FetchError>>>,
}

impl Fetched {
    fn new(bytes: Vec<u8>, url: &str, from: FetchedFrom, nonce: Option<Vec<u8>>) -> Self {
        Fetched {
            bytes: Arc::new(bytes),
            url: url.to_string(),
            from,
            nonce,
            crl: Arc::default(),
            ocsp: Arc::default(),
        }
    }

    /// How the data is recorded in the evidence: fetched, or read from the cache file.
    fn origin(&self) -> Origin {
        match &self.from {
            FetchedFrom::Network => Origin::fetched(&self.url, None),
            FetchedFrom::Cache(p) => Origin::fetched(&self.url, Some(p)),
        }
    }

    fn not_parsable(&self, e: crate::error::Error) -> FetchError {
        FetchError::NotParsable {
            url: self.url.clone(),
            detail: e.to_string(),
        }
    }

    /// The bytes as a CRL, parsed on first use.
    pub(crate) fn crl(&self) -> Result<Crl, FetchError> {
        self.crl
            .get_or_init(|| {
                Crl::from_der(&self.bytes)
                    .map(|c| c.with_origin(self.origin()))
                    .map_err(|e| self.not_parsable(e))
            })
            .clone()
    }

    /// The bytes as an OCSP response, parsed on first use.
    pub(crate) fn ocsp_response(&self) -> Result<OcspResponse, FetchError> {
        self.ocsp
            .get_or_init(|| {
                OcspResponse::from_der(&self.bytes)
                    .map(|r| r.with_origin(self.origin()))
                    .map_err(|e| self.not_parsable(e))
            })
            .clone()
    }
}

/// A cached CRL holds until its nextUpdate.
pub(crate) fn crl_valid_until(bytes: &[u8]) -> Option<i64> {
    Crl::from_der(bytes)
        .ok()
        .and_then(|c| c.next_update())
        .map(|t| t.unix())
}

/// A cached OCSP response holds until the earliest nextUpdate of its answers.
pub(crate) fn ocsp_valid_until(bytes: &[u8]) -> Option<i64> {
    OcspResponse::from_der(bytes)
        .ok()
        .and_then(|r| r.next_update())
        .map(|t| t.unix())
}

type Outcome = Result<Fetched, FetchError>;

/// Settings of a [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetchOptions {
    timeout: Duration,
    nonce: bool,
    cache_dir: Option<PathBuf>,
    user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: DEFAULT_TIMEOUT,
            nonce: true,
            cache_dir: None,
            user_agent: concat!("kyso/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl FetchOptions {
    /// 10 s per request, a nonce in OCSP requests, no disk cache. Fixed bounds: 3 redirects,
    /// answers up to 64 MiB for a CRL and 1 MiB for an OCSP response or certificates.
    pub fn new() -> Self {
        Self::default()
    }
    /// Total time one request may take.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    /// Send a nonce in OCSP requests (RFC 8954; default on). Some responders reject it.
    pub fn nonce(mut self, on: bool) -> Self {
        self.nonce = on;
        self
    }
    /// Keep CRLs and OCSP responses in `dir` until their nextUpdate (default: no disk cache).
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }
    /// The `User-Agent` header (default `kyso/VERSION`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }
}

/// Counters of one [`Fetcher`], for reports and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchStats {
    /// Requests sent over the network.
    pub requests: usize,
    /// Answers read from the disk cache instead.
    pub cache_hits: usize,
    /// Requests (or cache look-ups) that failed.
    pub failures: usize,
}

/// The run-wide HTTP client and cache for revocation data and issuer certificates; share
/// one (in an `Arc`) between every verification of a run. See the module documentation.
pub struct Fetcher {
    options: FetchOptions,
    /// The client. Its connection pool is behind locks of its own and a panic in a request
    /// leaves nothing half-updated that kyso reads, so a `Verifier` stays unwind-safe.
    #[cfg(feature = "http")]
    agent: std::panic::AssertUnwindSafe<ureq::Agent>,
    slots: Mutex<HashMap<String, Arc<OnceLock<Outcome>>>>,
    down_hosts: Mutex<std::collections::HashSet<String>>,
    /// Per host: whether its first request got an answer (see [`Fetcher::send`]).
    first_contact: Mutex<HashMap<String, Arc<OnceLock<bool>>>>,
    requests: AtomicUsize,
    cache_hits: AtomicUsize,
    failures: AtomicUsize,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("options", &self.options)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Fetcher {
    /// A fetcher with these settings. With a cache directory, it is created when missing.
    pub fn new(options: FetchOptions) -> Result<Fetcher, crate::error::Error> {
        if let Some(dir) = &options.cache_dir {
            std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
        }
        Ok(Fetcher {
            #[cfg(feature = "http")]
            agent: std::panic::AssertUnwindSafe(agent(&options)),
            options,
            slots: Mutex::new(HashMap::new()),
            down_hosts: Mutex::new(Default::default()),
            first_contact: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
            cache_hits: AtomicUsize::new(0),
            failures: AtomicUsize::new(0),
        })
    }

    /// What this fetcher has done so far.
    pub fn stats(&self) -> FetchStats {
        FetchStats {
            requests: self.requests.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }

    /// GET a CRL or certificates; `valid_until` reads a cached answer's nextUpdate (unix
    /// seconds), `None` when the bytes do not parse (the file is then replaced).
    pub(crate) fn get(
        &self,
        kind: FetchKind,
        url: &str,
        valid_until: &dyn Fn(&[u8]) -> Option<i64>,
    ) -> Outcome {
        let key = format!("GET {url}");
        self.once(&key, || {
            self.cached_or(kind, &key, url, valid_until, || {
                self.send(kind, url, None, None).map(|b| (b, None))
            })
        })
    }

    /// POST an OCSP request (`request` builds the DER with or without a nonce) for `cert_id`
    /// (the DER CertID: the cache key with the URL).
    pub(crate) fn post_ocsp(
        &self,
        url: &str,
        cert_id: &[u8],
        request: &dyn Fn(bool) -> (Vec<u8>, Option<Vec<u8>>),
        valid_until: &dyn Fn(&[u8]) -> Option<i64>,
    ) -> Outcome {
        let key = format!("POST {url} {}", hex::encode(cert_id));
        self.once(&key, || {
            self.cached_or(FetchKind::Ocsp, &key, url, valid_until, || {
                let (body, nonce) = request(self.options.nonce);
                self.send(FetchKind::Ocsp, url, Some(&body), None)
                    .map(|b| (b, nonce))
            })
        })
    }

    /// POST an RFC 3161 TimeStampReq (RFC 3161 §3.4: `application/timestamp-query`) and
    /// return the TimeStampResp bytes. Not memoised: every request has its own imprint and
    /// nonce; the run-wide bounds (timeout, size cap, dead hosts) apply. `authorization` is
    /// an HTTP Authorization header value (a TSA that asks for credentials).
    pub(crate) fn post_timestamp(
        &self,
        url: &str,
        request: &[u8],
        authorization: Option<&str>,
    ) -> Result<Vec<u8>, FetchError> {
        let out = self.send(FetchKind::Timestamp, url, Some(request), authorization);
        if out.is_err() {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
        out
    }

    /// Single flight: the first caller of `key` runs `f`; the others wait for its result.
    fn once(&self, key: &str, f: impl FnOnce() -> Outcome) -> Outcome {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(s) = slots.get(key) {
                s.clone()
            } else if slots.len() >= MAX_FETCHES_PER_RUN {
                return Err(FetchError::TooManyFetches {
                    url: key.split(' ').nth(1).unwrap_or_default().to_string(),
                });
            } else {
                let s = Arc::new(OnceLock::new());
                slots.insert(key.to_string(), s.clone());
                s
            }
        };
        let out = slot.get_or_init(f).clone();
        out
    }

    /// The disk cache's answer when fresh, else `fetch` (and keep what it got).
    fn cached_or(
        &self,
        kind: FetchKind,
        key: &str,
        url: &str,
        valid_until: &dyn Fn(&[u8]) -> Option<i64>,
        fetch: impl FnOnce() -> Result<(Vec<u8>, Option<Vec<u8>>), FetchError>,
    ) -> Outcome {
        let file = self.cache_file(kind, key);
        if let Some(path) = &file {
            if let Some(bytes) = read_fresh(path, valid_until) {
                self.cache_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(Fetched::new(
                    bytes,
                    url,
                    FetchedFrom::Cache(path.clone()),
                    None,
                ));
            }
        }
        match fetch() {
            Ok((bytes, nonce)) => {
                if let Some(path) = &file {
                    // Only data that says until when it holds is kept; a failed write only
                    // costs a download next time.
                    if valid_until(&bytes).is_some() {
                        let _ = write_atomically(path, &bytes);
                    }
                }
                Ok(Fetched::new(bytes, url, FetchedFrom::Network, nonce))
            }
            Err(e) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    fn cache_file(&self, kind: FetchKind, key: &str) -> Option<PathBuf> {
        if matches!(kind, FetchKind::Certificates | FetchKind::Timestamp) {
            return None;
        }
        let dir = self.options.cache_dir.as_ref()?;
        let name = hex::encode(crate::crypto::DigestAlgorithm::Sha256.digest(key.as_bytes()));
        Some(dir.join(format!("{}-{}.der", kind.label(), &name[..32])))
    }

    /// One request over the network, with every bound applied.
    fn send(
        &self,
        kind: FetchKind,
        url: &str,
        body: Option<&[u8]>,
        authorization: Option<&str>,
    ) -> Result<Vec<u8>, FetchError> {
        let host = host_of(url).ok_or_else(|| FetchError::UnsupportedScheme {
            url: url.to_string(),
        })?;
        if self
            .down_hosts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&host)
        {
            return Err(FetchError::HostFailedEarlier {
                url: url.to_string(),
                host,
            });
        }
        // The first request to a host goes alone: threads asking the same host meanwhile
        // wait for it, so a host that never answers is asked once per run, not once per
        // worker thread. Once it answered, requests to it run in parallel.
        let gate = Arc::clone(
            self.first_contact
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(host.clone())
                .or_default(),
        );
        let mut first = None;
        let up = *gate.get_or_init(|| {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let out = self.http(kind, url, body, authorization);
            let up = !matches!(&out, Err(e) if e.host_is_down());
            first = Some(out);
            up
        });
        let out = match first {
            Some(out) => out,
            None if !up => {
                return Err(FetchError::HostFailedEarlier {
                    url: url.to_string(),
                    host,
                })
            }
            None => {
                self.requests.fetch_add(1, Ordering::Relaxed);
                self.http(kind, url, body, authorization)
            }
        };
        if let Err(e) = &out {
            if e.host_is_down() {
                self.down_hosts
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(host);
            }
        }
        out
    }

    #[cfg(feature = "http")]
    fn http(
        &self,
        kind: FetchKind,
        url: &str,
        body: Option<&[u8]>,
        authorization: Option<&str>,
    ) -> Result<Vec<u8>, FetchError> {
        let result = match body {
            Some(b) => {
                let mut post = self
                    .agent
                    .post(url)
                    .header("Content-Type", kind.request_type());
                if let Some(a) = authorization {
                    post = post.header("Authorization", a);
                }
                post.send(b)
            }
            None => self.agent.get(url).call(),
        };
        let mut response = result.map_err(|e| self.client_error(url, kind, e))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::HttpStatus {
                url: url.to_string(),
                status,
            });
        }
        response
            .body_mut()
            .with_config()
            .limit(kind.limit())
            .read_to_vec()
            .map_err(|e| self.client_error(url, kind, e))
    }

    #[cfg(not(feature = "http"))]
    fn http(
        &self,
        _kind: FetchKind,
        url: &str,
        _body: Option<&[u8]>,
        _authorization: Option<&str>,
    ) -> Result<Vec<u8>, FetchError> {
        Err(FetchError::NotBuiltIn {
            url: url.to_string(),
        })
    }

    #[cfg(feature = "http")]
    fn client_error(&self, url: &str, kind: FetchKind, e: ureq::Error) -> FetchError {
        let url = url.to_string();
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout {
                url,
                seconds: self.options.timeout.as_secs().max(1),
            },
            ureq::Error::StatusCode(status) => FetchError::HttpStatus { url, status },
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                url,
                limit: kind.limit(),
            },
            ureq::Error::BadUri(_) | ureq::Error::RequireHttpsOnly(_) => {
                FetchError::UnsupportedScheme { url }
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                FetchError::Timeout {
                    url,
                    seconds: self.options.timeout.as_secs().max(1),
                }
            }
            other => FetchError::Unreachable {
                url,
                detail: other.to_string(),
            },
        }
    }
}

/// The HTTP client: every bound of the module documentation; proxies from `ALL_PROXY`,
/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (ureq's default).
#[cfg(feature = "http")]
fn agent(options: &FetchOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(MAX_REDIRECTS)
        // Status codes are judged here, so that a 404 is a FetchError with its code.
        .http_status_as_error(false)
        .user_agent(options.user_agent.as_str())
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .provider(ureq::tls::TlsProvider::NativeTls)
                .build(),
        )
        .build()
        .into()
}

/// `host:port` of an http or https URL; `None` for any other scheme.
fn host_of(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let (rest, port) = if lower.starts_with("http://") {
        (&url[7..], 80)
    } else if lower.starts_with("https://") {
        (&url[8..], 443)
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    if authority.is_empty() {
        return None;
    }
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !authority.ends_with(']');
    Some(if has_port {
        authority.to_ascii_lowercase()
    } else {
        format!("{}:{port}", authority.to_ascii_lowercase())
    })
}

/// A cache file's bytes when they parse and hold past now; a file that does not parse is
/// removed (it will be replaced by the next download).
fn read_fresh(path: &Path, valid_until: &dyn Fn(&[u8]) -> Option<i64>) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    match valid_until(&bytes) {
        Some(until) if until > crate::encoding::time::Timestamp::now().unix() => Some(bytes),
        Some(_) => None,
        None => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

/// Write through a temporary file in the same directory and rename it into place, so a
/// reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_reads_http_and_https_only() {
        assert_eq!(
            host_of("http://ca.gov.vn/a.crl").as_deref(),
            Some("ca.gov.vn:80")
        );
        assert_eq!(
            host_of("HTTPS://Ca.Gov.VN:8443/x?y").as_deref(),
            Some("ca.gov.vn:8443")
        );
        assert_eq!(
            host_of("http://127.0.0.1:9/").as_deref(),
            Some("127.0.0.1:9")
        );
        assert_eq!(host_of("http://[::1]/ocsp").as_deref(), Some("[::1]:80"));
        assert_eq!(host_of("ldap://ldap.ca.vn/cn=x"), None);
        assert_eq!(host_of("file:///etc/passwd"), None);
        assert_eq!(host_of("http:///nohost"), None);
    }

    #[test]
    fn unsupported_scheme_is_refused_without_a_request() {
        let f = Fetcher::new(FetchOptions::new()).unwrap();
        let e = f
            .get(FetchKind::Crl, "ldap://ldap.ca.vn/cn=CA", &|_| None)
            .unwrap_err();
        assert_eq!(e.code(), "unsupported_scheme");
        let e = f
            .get(FetchKind::Crl, "file:///etc/passwd", &|_| None)
            .unwrap_err();
        assert_eq!(e.code(), "unsupported_scheme");
        assert_eq!(f.stats().requests, 0);
    }

    #[test]
    fn a_corrupted_cache_file_is_removed_not_trusted() {
        let dir = std::env::temp_dir().join(format!("kyso-fetch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("crl-x.der");
        std::fs::write(&p, b"garbage").unwrap();
        assert!(read_fresh(&p, &|_| None).is_none());
        assert!(!p.exists(), "the corrupted file is deleted");
        std::fs::write(&p, b"stale").unwrap();
        assert!(
            read_fresh(&p, &|_| Some(0)).is_none(),
            "past nextUpdate: refetched"
        );
        assert!(p.exists(), "a stale file is kept until replaced");
        assert_eq!(
            read_fresh(&p, &|_| Some(i64::MAX)).as_deref(),
            Some(&b"stale"[..])
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
