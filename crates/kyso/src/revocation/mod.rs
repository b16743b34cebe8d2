//! Revocation layer: CRLs (RFC 5280 §5) and the §6.3 status algorithm, OCSP (RFC 6960), and
//! the evidence of where a status came from. The caller (path validation) supplies the check
//! of a CRL signer's own path, so this layer sits below `path`.

pub(crate) mod crl;
pub(crate) mod evidence;
pub(crate) mod fetch;
pub(crate) mod ocsp;
