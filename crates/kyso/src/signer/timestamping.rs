//! The RFC 3161 client a signer uses for CAdES B-T (ETSI EN 319 122-1 §5.3): ask the TSA for
//! a token over the new signature value, and check the answer before it is embedded (RFC
//! 3161 §2.4.2: status granted, the nonce sent, the imprint asked for, the policy asked for;
//! the token's signature and TSA certificate through [`crate::Verifier`]).

use std::sync::Arc;

use crate::crypto::DigestAlgorithm;
use crate::encoding::time::Timestamp;
use crate::error::{Error, TimestampFailure};
use crate::report::Lang;
use crate::revocation::fetch::Fetcher;
use crate::tsp::{PkiStatus, TimeStampRequest, TimeStampResponse, TimeStampToken};
use crate::verifier::Verifier;

/// Gets time-stamps from one TSA and checks them. Cheap to clone; share one per run.
#[derive(Debug, Clone)]
pub struct Timestamper {
    url: String,
    fetcher: Arc<Fetcher>,
    verifier: Arc<Verifier>,
    policy: Option<String>,
    hash: DigestAlgorithm,
    authorization: Option<Credentials>,
}

/// An HTTP Authorization header value; never shown (`Debug` prints a placeholder).
#[derive(Clone)]
struct Credentials(String);

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<credentials>")
    }
}

impl Timestamper {
    /// Time-stamps from the TSA at `url` (HTTP POST, RFC 3161 §3.4), fetched through
    /// `fetcher` (its timeout and size caps apply), checked by `verifier` (its trust anchors
    /// must reach the TSA's certificate; see [`Verifier::with_tsa_trust_anchors`]).
    pub fn new(url: impl Into<String>, fetcher: Arc<Fetcher>, verifier: Verifier) -> Self {
        Timestamper {
            url: url.into(),
            fetcher,
            verifier: Arc::new(verifier),
            policy: None,
            hash: DigestAlgorithm::Sha256,
            authorization: None,
        }
    }

    /// Send HTTP basic credentials (RFC 7617) with every request, for a TSA that asks for
    /// them. Refused over plain `http://` to anything but the loopback interface: the
    /// password would cross the network in the clear.
    pub fn basic_auth(mut self, user: &str, password: &[u8]) -> Result<Self, Error> {
        let plain = self
            .url
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"));
        let host = self.url.get(7..).unwrap_or_default();
        let loopback = ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| {
            host.starts_with(h) && matches!(host.as_bytes().get(h.len()), None | Some(b':' | b'/'))
        });
        if plain && !loopback {
            return Err(Error::Format(format!(
                "{}: HTTP basic credentials are sent only over https:// (or to the loopback interface), never in the clear",
                self.url
            )));
        }
        if user.contains(':') {
            return Err(Error::Format(
                "the TSA user name may not contain ':' (RFC 7617 §2)".into(),
            ));
        }
        let mut pair = user.as_bytes().to_vec();
        pair.push(b':');
        pair.extend_from_slice(password);
        self.authorization = Some(Credentials(format!(
            "Basic {}",
            openssl::base64::encode_block(&pair)
        )));
        Ok(self)
    }

    /// Ask for this TSA policy (dotted OID); a token under another policy is refused.
    pub fn policy(mut self, oid: impl Into<String>) -> Self {
        self.policy = Some(oid.into());
        self
    }

    /// The TSA URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The hash algorithm of the message imprints it asks for.
    pub(crate) fn hash_algorithm(&self) -> crate::crypto::DigestAlgorithm {
        self.hash
    }

    /// A checked time-stamp token (DER) over `data` (for B-T, the SignerInfo's signature
    /// value), valid at `at`.
    pub fn stamp(&self, data: &[u8], at: Timestamp) -> Result<Vec<u8>, Error> {
        let url = || self.url.clone();
        let mut request = TimeStampRequest::for_data(self.hash, data).random_nonce()?;
        if let Some(p) = &self.policy {
            request = request.policy(p.clone());
        }
        let body = self
            .fetcher
            .post_timestamp(
                &self.url,
                &request.to_der()?,
                self.authorization.as_ref().map(|c| c.0.as_str()),
            )
            .map_err(|e| {
                Error::Timestamp(TimestampFailure::Unreachable {
                    url: url(),
                    detail: e.describe(),
                })
            })?;
        let response = TimeStampResponse::from_der(&body).map_err(|e| {
            Error::Timestamp(TimestampFailure::Malformed {
                url: url(),
                detail: e.to_string(),
            })
        })?;
        let Some(token_der) = response.token.filter(|_| {
            matches!(
                response.status,
                PkiStatus::Granted | PkiStatus::GrantedWithMods
            )
        }) else {
            let mut status = serde_json::to_value(response.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            for f in &response.fail_info {
                status.push_str(", ");
                status.push_str(f);
            }
            return Err(Error::Timestamp(TimestampFailure::NotGranted {
                url: url(),
                status,
                text: response.status_text.join("; "),
            }));
        };
        let token = TimeStampToken::from_der(&token_der).map_err(|e| {
            Error::Timestamp(TimestampFailure::Malformed {
                url: url(),
                detail: e.to_string(),
            })
        })?;
        let info = token.tst_info();
        let differs = |what: &str| {
            Err(Error::Timestamp(TimestampFailure::NotForRequest {
                url: url(),
                what: what.into(),
            }))
        };
        // RFC 3161 §2.4.2: the nonce "MUST be present ... with the same value" when the
        // request had one; the imprint is the one asked for; the policy, when asked.
        if info.nonce.as_deref() != request.nonce_value().map(hex::encode).as_deref() {
            return differs("nonce");
        }
        if !token.imprint_matches(data) {
            return differs("message imprint");
        }
        if self.policy.as_ref().is_some_and(|p| *p != info.policy) {
            return differs("policy");
        }
        let report = self.verifier.check_timestamp_token(&token_der, data, at);
        if !report.is_valid() {
            let detail = report
                .problem
                .as_ref()
                .map(|p| match (p, report.token.as_deref()) {
                    (crate::report::TimestampProblem::TokenNotValid, Some(s)) => {
                        s.messages.join("; ")
                    }
                    (p, _) => p.message(Lang::En),
                })
                .unwrap_or_default();
            return Err(Error::Timestamp(TimestampFailure::NotValid {
                url: url(),
                detail,
            }));
        }
        Ok(token_der)
    }
}
