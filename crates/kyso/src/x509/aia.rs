//! authorityInfoAccess (RFC 5280 §4.2.2.1): where a certificate's issuer can be downloaded,
//! for saying so when that issuer is missing.

use crate::x509::cert::Certificate;

/// id-ad-caIssuers (RFC 5280 §4.2.2.1).
pub(crate) const CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";
/// id-ad-ocsp (RFC 5280 §4.2.2.1, RFC 6960 §3.1).
pub(crate) const OCSP: &str = "1.3.6.1.5.5.7.48.1";

impl Certificate {
    /// The caIssuers URLs of the certificate's authorityInfoAccess extension.
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
        self.authority_info_access()
            .iter()
            .filter(|(m, _)| m == method)
            .filter_map(|(_, location)| match location {
                crate::x509::general_name::GeneralName::Uri(u) => Some(u.clone()),
                _ => None,
            })
            .collect()
    }
}
