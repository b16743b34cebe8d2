//! authorityInfoAccess (RFC 5280 §4.2.2.1): where a certificate's issuer can be downloaded,
//! for saying so when that issuer is missing.

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::x509::cert::Certificate;

/// id-ad-caIssuers (RFC 5280 §4.2.2.1).
const CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";
/// id-ad-ocsp (RFC 5280 §4.2.2.1, RFC 6960 §3.1).
const OCSP: &str = "1.3.6.1.5.5.7.48.1";

impl Certificate {
    /// The caIssuers URLs of the certificate's authorityInfoAccess extension (parsed on
    /// demand: only messages need them).
    pub(crate) fn ca_issuers_urls(&self) -> Vec<String> {
        self.access_urls(CA_ISSUERS)
    }

    /// The revocation services the certificate names: its authorityInfoAccess OCSP URLs
    /// (RFC 6960 §3.1), then the URIs of its cRLDistributionPoints (RFC 5280 §4.2.1.13).
    pub(crate) fn find_revocation_urls(&self) -> Vec<String> {
        let mut out = self.ocsp_urls();
        out.extend(self.crl_urls());
        out
    }

    /// The authorityInfoAccess id-ad-ocsp URLs (RFC 6960 §3.1).
    pub(crate) fn ocsp_urls(&self) -> Vec<String> {
        self.access_urls(OCSP)
    }

    /// The URIs of the fullName of each cRLDistributionPoint (RFC 5280 §4.2.1.13).
    pub(crate) fn crl_urls(&self) -> Vec<String> {
        use crate::x509::general_name::{DistributionPointName, GeneralName as Name};
        let mut out = Vec::new();
        for dp in self.crl_distribution_points().unwrap_or_default() {
            if let Some(DistributionPointName::FullName(names)) = &dp.name {
                for n in names {
                    if let Name::Uri(u) = n {
                        out.push(u.clone());
                    }
                }
            }
        }
        out
    }

    fn access_urls(&self, method: &str) -> Vec<String> {
        let Ok((_, c)) = x509_parser::certificate::X509Certificate::from_der(self.der()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for ext in c.extensions() {
            if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
                for d in &aia.accessdescs {
                    if d.access_method.to_id_string() == method {
                        if let GeneralName::URI(u) = &d.access_location {
                            out.push((*u).to_string());
                        }
                    }
                }
            }
        }
        out
    }
}
