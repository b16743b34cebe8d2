//! What the report says about a signature inside an ASiC container (ETSI EN 319 162-1).

use serde::{Deserialize, Serialize};

/// The two container types of EN 319 162-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AsicKind {
    /// ASiC-S (§4.3): one data object, `META-INF/signature.p7s` over it.
    #[serde(rename = "ASiC-S")]
    Simple,
    /// ASiC-E (§4.4): data objects listed in `META-INF/ASiCManifest*.xml`, each manifest
    /// signed by its `META-INF/signature*.p7s`.
    #[serde(rename = "ASiC-E")]
    Extended,
}

impl AsicKind {
    /// `ASiC-S` or `ASiC-E`.
    pub fn as_str(self) -> &'static str {
        match self {
            AsicKind::Simple => "ASiC-S",
            AsicKind::Extended => "ASiC-E",
        }
    }

    /// The media type of the `mimetype` entry (EN 319 162-1 §A.1).
    pub fn media_type(self) -> &'static str {
        match self {
            AsicKind::Simple => "application/vnd.etsi.asic-s+zip",
            AsicKind::Extended => "application/vnd.etsi.asic-e+zip",
        }
    }
}

/// Where a CAdES signature sits in its container and which files it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AsicSignatureInfo {
    /// The container type.
    pub container: AsicKind,
    /// The signature's entry (`META-INF/signature001.p7s`).
    pub signature_entry: String,
    /// The ASiCManifest it signs (ASiC-E); absent for ASiC-S.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// The data objects it covers, as named in the container: for ASiC-E the manifest's
    /// references (present with a matching digest or not: see the `asic_manifest` check).
    pub covers: Vec<String>,
}
