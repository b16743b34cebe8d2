//! CMS layer (RFC 5652): SignedData and SignerInfo read as borrowed views over exact bytes.

pub(crate) mod archive;
pub(crate) mod builder;
mod bundle;
pub(crate) mod envelope;
pub(crate) mod signed_data;
