//! `kyso serve`: a local HTTP service over the kyso library, for agency software that cannot
//! link it (PHP, C#, Java...): `POST /verify` answers the JSON report `kyso verify --format
//! json` prints (schema kyso.verify/v2), `POST /sign` signs with the key configured at start,
//! `GET /health` and `GET /openapi.json` (docs/openapi/kyso-serve.json) describe it.
//!
//! The service decides nothing about validity: every verdict comes from [`kyso::Verifier`],
//! every signature from [`kyso::Signer`]. What it adds is the HTTP part and its limits: a
//! request body cap (413), a per-request timeout (504), a concurrency limit that answers 503
//! at once instead of queueing, a time limit on request heads and a cap on open connections, an API token for signing, and graceful shutdown on SIGINT and
//! SIGTERM. Errors are JSON, `{"error": {"code": "...", "message": "..."}}`, with the codes of
//! [`ErrorCode`].
//!
//! Security considerations: a client never sends a key; signing is off unless a key was
//! configured, and on an address other than loopback it needs an API token ([`Config::check`]).
//! Verification and signing run on tokio's blocking pool; a request that times out is answered
//! at once, but its work runs to the end and keeps its slot of the concurrency limit until then,
//! so the limit always bounds the work in progress.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use error::{ErrorCode, ServerError};
pub use routes::{Route, ROUTES};

/// The OpenAPI 3.1 description of the service, served at `GET /openapi.json`.
pub const OPENAPI: &str = include_str!("../../../docs/openapi/kyso-serve.json");

/// The port `kyso serve` listens on when `--listen` names none.
pub const DEFAULT_PORT: u16 = 8765;

/// Default request body cap: 64 MiB, room for a scanned multi-page PDF of an agency document
/// and its signature; the whole body is held in memory while it is verified.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// Default per-request timeout. Verifying with online revocation may wait for a CA's OCSP
/// responder and CRL server (each download is bounded by `--net-timeout`, 10 s by default),
/// so this leaves room for a few of them.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How the service listens and what it allows.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address to bind (port 0: any free port; the bound one goes to `on_bound`).
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes; a larger one is answered 413.
    pub max_body: usize,
    /// Time a request may take, its upload included; a slower one is answered 504.
    pub timeout: Duration,
    /// Requests to /verify and /sign in progress at once; one more is answered 503 at once.
    pub concurrency: usize,
    /// When set, `POST /sign` needs `Authorization: Bearer <token>`.
    pub api_token: Option<String>,
}

impl Config {
    /// A configuration for `listen` with the default limits and no API token; the
    /// concurrency limit is twice the machine's cores.
    pub fn new(listen: SocketAddr) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config {
            listen,
            max_body: DEFAULT_MAX_BODY,
            timeout: DEFAULT_TIMEOUT,
            concurrency: 2 * cores,
            api_token: None,
        }
    }

    /// Refuse configurations that would expose a key: signing on an address other than
    /// loopback without an API token, or an empty token.
    pub fn check(&self, signing: bool) -> Result<(), ServerError> {
        if self.api_token.as_deref().is_some_and(str::is_empty) {
            return Err(ServerError::EmptyToken);
        }
        if signing && !self.listen.ip().is_loopback() && self.api_token.is_none() {
            return Err(ServerError::SigningWithoutToken { addr: self.listen });
        }
        if self.concurrency == 0 {
            return Err(ServerError::NoConcurrency);
        }
        Ok(())
    }
}

/// What the service works with: one verifier shared by every request (so its revocation
/// cache and downloads are shared), and optionally a signer.
pub struct Service {
    verifier: kyso::Verifier,
    /// Each request builds its signer from this at its own time (the certificate judged at
    /// that time); a token key shares its session, which signs one request at a time.
    signer: Option<kyso::SignerBuilder>,
    pdf: kyso::PdfSignOptions,
}

impl Service {
    /// A service that verifies with `verifier` and does not sign.
    pub fn new(verifier: kyso::Verifier) -> Self {
        Service {
            verifier,
            signer: None,
            pdf: kyso::PdfSignOptions::new(),
        }
    }

    /// Sign `POST /sign` requests with signers built from `signer` (its key loaded, its PIN
    /// given, at start; checked once by building it now), each at the time of its request;
    /// PDFs are signed inside with `pdf`'s options.
    pub fn with_signer(
        mut self,
        signer: kyso::SignerBuilder,
        pdf: kyso::PdfSignOptions,
    ) -> Result<Self, kyso::Error> {
        let now = kyso::Timestamp::now();
        signer.clone().signing_time(now).now(now).build()?;
        self.signer = Some(signer);
        self.pdf = pdf;
        Ok(self)
    }

    /// Whether `POST /sign` is available.
    pub fn signing(&self) -> bool {
        self.signer.is_some()
    }
}

/// Serve until SIGINT or SIGTERM, then let the requests in progress finish and return.
/// `on_bound` is called with the address bound (useful with port 0) before the first request
/// is accepted.
pub fn run(
    config: Config,
    service: Service,
    on_bound: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    config.check(service.signing())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kyso-serve")
        .build()
        .map_err(ServerError::Runtime)?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| ServerError::Bind {
                addr: config.listen,
                source: e,
            })?;
        let bound = listener.local_addr().map_err(ServerError::Runtime)?;
        on_bound(bound);
        let header_timeout = config.timeout.min(HEADER_TIMEOUT);
        let app = routes::router(Arc::new(routes::State::new(config, service)));
        serve(listener, app, header_timeout).await;
        Ok(())
    });
    // Work of timed-out requests may still run on the blocking pool: give it a moment.
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

/// Time a client has to send a request head (line and headers) once it starts one, or the
/// next one on a kept-alive connection: a head is a few hundred bytes, so a client slower than
/// this holds a connection to hold it (slowloris). The request timeout applies when shorter.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Open connections at most; more are closed as soon as accepted. Each costs a task and its
/// buffers; the concurrency limit bounds the work, this bounds the idle and slow ones. Far
/// above what a local service's clients open (the load test uses 64).
const MAX_CONNECTIONS: usize = 1024;

/// Accept connections until a shutdown signal, then close the listener and let each
/// connection finish the request in progress (hyper's graceful shutdown) before returning.
async fn serve(listener: tokio::net::TcpListener, app: axum::Router, header_timeout: Duration) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut signal = std::pin::pin!(shutdown_signal());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    // No new connections from here on.
    drop(listener);
    graceful.shutdown().await;
}

/// SIGINT (Ctrl-C) or SIGTERM (systemd, Kubernetes, `kill`).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
