//! The endpoints and the limits around them.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, Query, Request};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Router};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{ApiError, ErrorCode};
use crate::{Config, Service};

/// One endpoint of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The HTTP method.
    pub method: &'static str,
    /// The path.
    pub path: &'static str,
}

/// Every endpoint the router serves; the router is built from this list, and a test checks
/// it against the OpenAPI description both ways.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/health",
    },
    Route {
        method: "GET",
        path: "/openapi.json",
    },
    Route {
        method: "POST",
        path: "/verify",
    },
    Route {
        method: "POST",
        path: "/sign",
    },
];

/// Shared by every request.
pub(crate) struct State {
    config: Config,
    service: Service,
    /// The concurrency limit of /verify and /sign.
    slots: Arc<Semaphore>,
}

impl State {
    pub fn new(config: Config, service: Service) -> Self {
        let slots = Arc::new(Semaphore::new(config.concurrency));
        State {
            config,
            service,
            slots,
        }
    }
}

type Shared = Arc<State>;

/// A request's place in the concurrency limit, held until its work on the blocking pool ends
/// (even when the answer went out earlier, on a timeout).
#[derive(Clone)]
struct Slot(#[allow(dead_code)] Option<Arc<OwnedSemaphorePermit>>);

pub(crate) fn router(state: Shared) -> Router {
    let mut r = Router::new();
    for route in ROUTES {
        let handler: MethodRouter<Shared> = match (route.method, route.path) {
            ("GET", "/health") => get(health),
            ("GET", "/openapi.json") => get(openapi),
            ("POST", "/verify") => post(verify),
            ("POST", "/sign") => post(sign),
            _ => unreachable!("ROUTES names a route the router has no handler for"),
        };
        r = r.route(route.path, handler.fallback(method_not_allowed));
    }
    let max_body = state.config.max_body;
    r.fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        // Bodies read by the multipart extractor stop at the cap (a chunked upload has no
        // Content-Length to check first).
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// The limits: the concurrency slot (503 at once when none is free), the body cap by
/// Content-Length (413 before the body is read), and the per-request timeout (504).
async fn guard(
    axum::extract::State(s): axum::extract::State<Shared>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let limited = path == "/verify" || path == "/sign";
    if !limited {
        return next.run(req).await;
    }
    let permit = match s.slots.clone().try_acquire_owned() {
        Ok(p) => Arc::new(p),
        Err(_) => {
            return ApiError::new(
                ErrorCode::Busy,
                format!(
                    "{} requests are in progress, the limit; try again shortly",
                    s.config.concurrency
                ),
            )
            .into_response()
        }
    };
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = length.filter(|&n| n > s.config.max_body as u64) {
        return too_large(n, s.config.max_body);
    }
    req.extensions_mut().insert(Slot(Some(permit)));
    match tokio::time::timeout(s.config.timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            ErrorCode::Timeout,
            format!(
                "the request took longer than {} s, the limit",
                s.config.timeout.as_secs_f64()
            ),
        )
        .into_response(),
    }
}

fn too_large(n: u64, max: usize) -> Response {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("the request body has {n} bytes, more than the {max} accepted"),
    )
    .into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "no such endpoint (see GET /openapi.json)",
    )
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed here (see GET /openapi.json)"),
    )
}

async fn health(axum::extract::State(s): axum::extract::State<Shared>) -> Response {
    axum::Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "signing": s.service.signing(),
    }))
    .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}

/// The parts of a form, by name, each read whole (the body cap bounds them all).
struct Form {
    parts: Vec<(String, Option<String>, Vec<u8>)>,
}

impl Form {
    /// Read the form, refusing parts not in `allowed` and parts given twice.
    async fn read(
        multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
        allowed: &[&str],
        max_body: usize,
    ) -> Result<Form, ApiError> {
        let mut multipart = multipart.map_err(|e| {
            ApiError::new(
                ErrorCode::BadMultipart,
                format!("the body must be multipart/form-data (RFC 7578): {e}"),
            )
        })?;
        let mut parts: Vec<(String, Option<String>, Vec<u8>)> = Vec::new();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e, max_body)),
            };
            let name = field.name().unwrap_or_default().to_string();
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::new(
                    ErrorCode::UnexpectedPart,
                    format!(
                        "unknown part '{name}': this endpoint takes {}",
                        allowed.join(", ")
                    ),
                ));
            }
            if parts.iter().any(|(n, _, _)| *n == name) {
                return Err(ApiError::new(
                    ErrorCode::UnexpectedPart,
                    format!("the part '{name}' is given twice"),
                ));
            }
            let file_name = field.file_name().map(str::to_string);
            let data = field
                .bytes()
                .await
                .map_err(|e| multipart_error(e, max_body))?;
            parts.push((name, file_name, data.to_vec()));
        }
        Ok(Form { parts })
    }

    /// Take the part `name`: its file name and bytes.
    fn take(&mut self, name: &str) -> Option<(Option<String>, Vec<u8>)> {
        let i = self.parts.iter().position(|(n, _, _)| n == name)?;
        let (_, f, d) = self.parts.swap_remove(i);
        Some((f, d))
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError, max_body: usize) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than the {max_body} bytes accepted"),
        );
    }
    ApiError::new(
        ErrorCode::BadMultipart,
        format!(
            "the multipart/form-data body cannot be read: {}",
            e.body_text()
        ),
    )
}

/// Run `work` on the blocking pool, keeping the request's concurrency slot until it ends.
async fn blocking<T: Send + 'static>(
    slot: Slot,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the work failed: {e}")))
}

/// Query parameters of `POST /verify`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyQuery {
    /// Validation time, RFC 3339; default now.
    at: Option<String>,
}

async fn verify(
    axum::extract::State(s): axum::extract::State<Shared>,
    Extension(slot): Extension<Slot>,
    query: Result<Query<VerifyQuery>, axum::extract::rejection::QueryRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::new(ErrorCode::BadParameter, e.body_text()))?;
    let at = match &q.at {
        Some(t) => kyso::Timestamp::parse_rfc3339(t).map_err(|e| {
            ApiError::new(
                ErrorCode::BadParameter,
                format!("at: '{t}' is not an RFC 3339 time such as 2026-06-01T00:00:00Z: {e}"),
            )
        })?,
        None => kyso::Timestamp::now(),
    };
    let mut form = Form::read(multipart, &["signature", "content"], s.config.max_body).await?;
    let Some((name, signature)) = form.take("signature") else {
        return Err(ApiError::new(
            ErrorCode::MissingPart,
            "the form needs a 'signature' part: the .p7s, .p7m or signed PDF (and, for a detached signature, a 'content' part)",
        ));
    };
    let (content_name, content) = form.take("content").unzip();
    let shared = s.clone();
    let report = blocking(slot, move || {
        let v = &shared.service.verifier;
        let mut d = v.verify_bytes(&signature, content.as_deref(), at);
        // The report names the files as the client sent them (the form's filename).
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            d.signature_file = n;
        }
        if let (Some(c), Some(n)) = (&mut d.content_file, content_name.flatten()) {
            if c == "<memory>" && !n.is_empty() {
                *c = n;
            }
        }
        kyso::Report::new(at, vec![d]).with_policy(v.policy().id())
    })
    .await?;
    Ok(axum::Json(report).into_response())
}

/// Query parameters of `POST /sign`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SignQuery {
    /// A .p7m or a .p7s whatever the document; default: a PDF inside, else a .p7s.
    envelope: Option<Envelope>,
}

#[derive(serde::Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Envelope {
    Attached,
    Detached,
}

/// `Authorization: Bearer <token>` (RFC 6750 §2.1), compared in constant time.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    // Unequal lengths answer at once: that tells the length, not the token.
    given.as_bytes().ct_eq(token.as_bytes()).into()
}

async fn sign(
    axum::extract::State(s): axum::extract::State<Shared>,
    Extension(slot): Extension<Slot>,
    headers: HeaderMap,
    query: Result<Query<SignQuery>, axum::extract::rejection::QueryRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    if !s.service.signing() {
        return Err(ApiError::new(
            ErrorCode::SigningNotConfigured,
            "this service was started without a key: start kyso serve with --key/--cert, --p12 or --pkcs11 to sign",
        ));
    }
    if let Some(token) = &s.config.api_token {
        if !authorized(&headers, token) {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "signing needs the API token: Authorization: Bearer <token>",
            ));
        }
    }
    let Query(q) = query.map_err(|e| ApiError::new(ErrorCode::BadParameter, e.body_text()))?;
    let mut form = Form::read(multipart, &["content"], s.config.max_body).await?;
    let Some((_, content)) = form.take("content") else {
        return Err(ApiError::new(
            ErrorCode::MissingPart,
            "the form needs a 'content' part: the document to sign",
        ));
    };
    let shared = s.clone();
    let signed = blocking(slot, move || {
        // A PDF is signed inside (PAdES, ISO 32000-1 §12.8) unless an envelope is asked for,
        // as `kyso sign` does.
        let inside = q.envelope.is_none() && content.starts_with(b"%PDF-");
        let attached = q.envelope == Some(Envelope::Attached);
        let Some(signer) = &shared.service.signer else {
            unreachable!("checked above");
        };
        let now = kyso::Timestamp::now();
        let signer = signer
            .clone()
            .signing_time(now)
            .now(now)
            .attached(attached)
            .build()?;
        if inside {
            let mut out = Vec::with_capacity(content.len() + 64 * 1024);
            signer.sign_pdf(&content, &shared.service.pdf, &mut out)?;
            return Ok(("application/pdf", out));
        }
        let sig = signer.sign_bytes(&content)?;
        Ok(if attached {
            ("application/pkcs7-mime; smime-type=signed-data", sig)
        } else {
            ("application/pkcs7-signature", sig)
        })
    })
    .await?;
    match signed {
        Ok((media_type, bytes)) => {
            Ok(([(header::CONTENT_TYPE, media_type)], bytes).into_response())
        }
        Err(e) => {
            let e: kyso::Error = e;
            Err(ApiError {
                code: ErrorCode::SigningFailed,
                message: e.message(kyso::Lang::En),
                kyso_code: Some(e.code()),
            })
        }
    }
}
