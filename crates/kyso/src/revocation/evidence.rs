//! Where a revocation status came from: the CRL or OCSP response that decided it, how kyso got
//! it (embedded in the signature, a file the caller gave, fetched from a URL the certificate
//! names, or read from the disk cache of earlier fetches) and what it says about its own
//! freshness, so that a report can show a status a person can check.

use serde::{Deserialize, Serialize};

use crate::encoding::time::Timestamp;

/// The kind of revocation data that decided a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationDataKind {
    /// A certificate revocation list (RFC 5280 §5).
    Crl,
    /// An OCSP response (RFC 6960).
    Ocsp,
}

/// How kyso got the revocation data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationSource {
    /// Carried by the signature (SignedData `crls`: a CRL or an RFC 5940 OCSP response).
    Embedded,
    /// Given by the caller (`--crl FILE`, `--ocsp FILE`, or bytes passed to the library).
    #[default]
    File,
    /// Downloaded in this run from the URL the certificate names (cRLDistributionPoints,
    /// authorityInfoAccess OCSP).
    Fetched,
    /// Read from the disk cache (`--cache-dir`) of an earlier download from that URL, still
    /// before its nextUpdate. It was validated like fetched data.
    Cache,
}

/// The origin of one CRL or OCSP response, kept with it until it decides a status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) source: RevocationSource,
    /// The file it was read from, when the caller said, or the cache file.
    pub(crate) path: Option<String>,
    /// The URL it was downloaded from (fetched and cache).
    pub(crate) url: Option<String>,
}

impl Origin {
    /// Read from the file `path`.
    pub(crate) fn file(path: String) -> Self {
        Origin {
            source: RevocationSource::File,
            path: Some(path),
            url: None,
        }
    }

    /// Downloaded from `url`, in this run or (with the cache file's path) earlier.
    pub(crate) fn fetched(url: &str, cache_file: Option<&std::path::Path>) -> Self {
        Origin {
            source: if cache_file.is_some() {
                RevocationSource::Cache
            } else {
                RevocationSource::Fetched
            },
            path: cache_file.map(|p| p.display().to_string()),
            url: Some(url.to_string()),
        }
    }

    /// Carried by the signature (RFC 5652 §10.2.1, RFC 5940).
    pub(crate) fn embedded() -> Self {
        Origin {
            source: RevocationSource::Embedded,
            path: None,
            url: None,
        }
    }
}

/// The CRL or OCSP response that gave a good or revoked status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RevocationEvidence {
    /// CRL or OCSP.
    pub kind: RevocationDataKind,
    /// Embedded in the signature, given as a file, fetched, or read from the cache.
    pub source: RevocationSource,
    /// The file it was read from (`source` file, when known; the cache file for `cache`).
    pub path: Option<String>,
    /// The URL it was downloaded from (`source` fetched or cache).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The CRL's issuer, or the OCSP responder: the delegated responder certificate's subject,
    /// or the issuing CA's when the CA signed the response itself.
    pub issuer_or_responder: String,
    /// The CRL's thisUpdate, or the OCSP SingleResponse's thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate, when the data has one.
    pub next_update: Option<Timestamp>,
    /// The OCSP response's producedAt (`None` for a CRL).
    pub produced_at: Option<Timestamp>,
    /// The data itself, for a signer that embeds it (CAdES B-LT); not part of the report.
    #[serde(skip)]
    pub(crate) values: Values,
}

/// The CRLs and OCSP responses behind one status: the one that decided it, then what that one
/// relied on (a delegated OCSP responder's CRL). Carried with the evidence so that `extend`
/// embeds exactly what validated the path (ETSI EN 319 122-1 §6.3, B-LT), without a second
/// look-up. Not part of the report: equal whatever it holds, never serialized.
#[derive(Clone, Default)]
pub(crate) struct Values(pub(crate) Vec<Value>);

/// One encoded revocation value.
#[derive(Clone)]
pub(crate) enum Value {
    Crl(crate::revocation::crl::Crl),
    Ocsp(crate::revocation::ocsp::OcspResponse),
}

impl Value {
    /// The encoding, as embedded.
    pub(crate) fn der(&self) -> &[u8] {
        match self {
            Value::Crl(c) => c.der(),
            Value::Ocsp(r) => r.der(),
        }
    }
}

impl PartialEq for Values {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Values {}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} value(s)", self.0.len())
    }
}

impl Origin {
    pub(crate) fn evidence(
        &self,
        kind: RevocationDataKind,
        issuer_or_responder: String,
        this_update: Timestamp,
        next_update: Option<Timestamp>,
        produced_at: Option<Timestamp>,
    ) -> RevocationEvidence {
        RevocationEvidence {
            kind,
            source: self.source,
            path: self.path.clone(),
            url: self.url.clone(),
            issuer_or_responder,
            this_update,
            next_update,
            produced_at,
            values: Values::default(),
        }
    }
}
