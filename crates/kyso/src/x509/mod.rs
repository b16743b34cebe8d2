//! X.509 layer (RFC 5280 §4): certificates parsed once, distinguished names, general names and
//! the extensions built from them, and the run-wide certificate cache.

pub(crate) mod aia;
pub(crate) mod cache;
pub(crate) mod cert;
pub(crate) mod general_name;
pub(crate) mod name;
pub(crate) mod role;
