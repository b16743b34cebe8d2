//! Where a revocation status came from: the CRL or OCSP response that decided it, how kyso got
//! it (embedded in the signature, or a file the caller gave) and what it says about its own
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

/// How kyso got the revocation data. Data fetched online (and from a cache) will add values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationSource {
    /// Carried by the signature (SignedData `crls`: a CRL or an RFC 5940 OCSP response).
    Embedded,
    /// Given by the caller (`--crl FILE`, `--ocsp FILE`, or bytes passed to the library).
    #[default]
    File,
}

/// The origin of one CRL or OCSP response, kept with it until it decides a status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) source: RevocationSource,
    /// The file it was read from, when the caller said.
    pub(crate) path: Option<String>,
}

impl Origin {
    /// Read from the file `path`.
    pub(crate) fn file(path: String) -> Self {
        Origin {
            source: RevocationSource::File,
            path: Some(path),
        }
    }

    /// Carried by the signature (RFC 5652 §10.2.1, RFC 5940).
    pub(crate) fn embedded() -> Self {
        Origin {
            source: RevocationSource::Embedded,
            path: None,
        }
    }
}

/// The CRL or OCSP response that gave a good or revoked status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RevocationEvidence {
    /// CRL or OCSP.
    pub kind: RevocationDataKind,
    /// Embedded in the signature, or given as a file.
    pub source: RevocationSource,
    /// The file it was read from (`source` file, when known).
    pub path: Option<String>,
    /// The CRL's issuer, or the OCSP responder: the delegated responder certificate's subject,
    /// or the issuing CA's when the CA signed the response itself.
    pub issuer_or_responder: String,
    /// The CRL's thisUpdate, or the OCSP SingleResponse's thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate, when the data has one.
    pub next_update: Option<Timestamp>,
    /// The OCSP response's producedAt (`None` for a CRL).
    pub produced_at: Option<Timestamp>,
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
            issuer_or_responder,
            this_update,
            next_update,
            produced_at,
        }
    }
}
