//! Errors: why the service could not start ([`ServerError`]), and the JSON error answers of a
//! request ([`ErrorCode`]).

use std::net::SocketAddr;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why the service could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// Signing was configured on an address other than loopback without an API token.
    #[error("signing on {addr}, which is not a loopback address, needs an API token: anyone who reaches it could sign with the key")]
    SigningWithoutToken {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The API token is empty.
    #[error("the API token is empty")]
    EmptyToken,
    /// A concurrency limit of 0 would refuse every request.
    #[error("the concurrency limit must be at least 1")]
    NoConcurrency,
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The runtime or the listener failed.
    #[error("the server failed: {0}")]
    Runtime(std::io::Error),
}

impl ServerError {
    /// A stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::SigningWithoutToken { .. } => "signing_without_token",
            ServerError::EmptyToken => "empty_token",
            ServerError::NoConcurrency => "no_concurrency",
            ServerError::Bind { .. } => "bind_failed",
            ServerError::Runtime(_) => "server_failed",
        }
    }
}

/// The `code` of a JSON error answer; stable, and listed in the OpenAPI description's
/// `ErrorCode` schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the body is not a readable multipart/form-data form (RFC 7578).
    BadMultipart,
    /// 400: a required part is missing (`signature` for /verify, `content` for /sign).
    MissingPart,
    /// 400: a part the endpoint does not know, or one given twice.
    UnexpectedPart,
    /// 400: a query parameter is malformed (e.g. `at` is not an RFC 3339 time).
    BadParameter,
    /// 401: /sign without the right `Authorization: Bearer` token.
    Unauthorized,
    /// 404: no such endpoint.
    NotFound,
    /// 405: the endpoint exists, not with this method.
    MethodNotAllowed,
    /// 413: the request body is larger than the limit.
    PayloadTooLarge,
    /// 422: the library refused to sign (e.g. a damaged PDF, a certificate expired since start).
    SigningFailed,
    /// 501: /sign, but no key was configured at start.
    SigningNotConfigured,
    /// 503: the concurrency limit is reached; try again after `Retry-After` seconds.
    Busy,
    /// 504: the request took longer than the per-request timeout.
    Timeout,
    /// 500: the service failed (a bug).
    Internal,
}

impl ErrorCode {
    /// Every code, for the test that the OpenAPI description lists them all.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::BadMultipart,
        ErrorCode::MissingPart,
        ErrorCode::UnexpectedPart,
        ErrorCode::BadParameter,
        ErrorCode::Unauthorized,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::SigningFailed,
        ErrorCode::SigningNotConfigured,
        ErrorCode::Busy,
        ErrorCode::Timeout,
        ErrorCode::Internal,
    ];

    /// The code's text in the JSON answer.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadMultipart => "bad_multipart",
            ErrorCode::MissingPart => "missing_part",
            ErrorCode::UnexpectedPart => "unexpected_part",
            ErrorCode::BadParameter => "bad_parameter",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::SigningFailed => "signing_failed",
            ErrorCode::SigningNotConfigured => "signing_not_configured",
            ErrorCode::Busy => "busy",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::BadMultipart
            | ErrorCode::MissingPart
            | ErrorCode::UnexpectedPart
            | ErrorCode::BadParameter => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::SigningFailed => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::SigningNotConfigured => StatusCode::NOT_IMPLEMENTED,
            ErrorCode::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A JSON error answer.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The library's own code when it refused (`kyso::Error::code`).
    pub kyso_code: Option<&'static str>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            kyso_code: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = serde_json::json!({
            "code": self.code.as_str(),
            "message": self.message,
        });
        if let Some(k) = self.kyso_code {
            error["kyso_code"] = k.into();
        }
        let body = serde_json::json!({ "error": error }).to_string();
        let mut r = (
            self.code.status(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        match self.code {
            // RFC 9110 §10.2.3: when to try again.
            ErrorCode::Busy => {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            // RFC 6750 §3: the scheme the client must use.
            ErrorCode::Unauthorized => {
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"kyso\""),
                );
            }
            _ => {}
        }
        r
    }
}
