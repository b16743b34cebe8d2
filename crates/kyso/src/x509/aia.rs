//! authorityInfoAccess (RFC 5280 §4.2.2.1): where a certificate's issuer can be downloaded,
//! for saying so when that issuer is missing.

use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::x509::cert::Certificate;

/// id-ad-caIssuers (RFC 5280 §4.2.2.1).
const CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

impl Certificate {
    /// The caIssuers URLs of the certificate's authorityInfoAccess extension (parsed on
    /// demand: only messages need them).
    pub(crate) fn ca_issuers_urls(&self) -> Vec<String> {
        let Ok((_, c)) = x509_parser::certificate::X509Certificate::from_der(self.der()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for ext in c.extensions() {
            if let ParsedExtension::AuthorityInfoAccess(aia) = ext.parsed_extension() {
                for d in &aia.accessdescs {
                    if d.access_method.to_id_string() == CA_ISSUERS {
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
