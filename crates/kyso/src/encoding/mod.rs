//! Encoding layer: bytes to structures and back. Depends on nothing else in kyso.

pub(crate) mod asn1;
pub(crate) mod ber;
pub(crate) mod oid;
pub(crate) mod pem;
pub(crate) mod sniff;
pub(crate) mod time;
