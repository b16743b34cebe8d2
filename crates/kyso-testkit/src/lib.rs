//! # kyso-testkit: test fixtures for kyso (not published)
//!
//! Everything here uses the OpenSSL *library* (the `openssl` crate), never the `openssl` CLI,
//! so the tests built on it run on a machine without external tools. The real-CLI interop
//! tests stay in `crates/kyso/tests/interop_openssl.rs`.
//!
//! * [`Pki`]: a root and an intermediate CA (the testdata/gen.sh profiles), and
//!   [`CertSpec`] for any certificate under them: key type (RSA-2048/3072 or any size,
//!   P-256, P-384, Ed25519), fixed validity dates, keyUsage, EKU, basicConstraints and
//!   pathLen, name constraints, policies, CRL distribution points, AIA OCSP / caIssuers URLs
//!   (as given strings), Vietnamese UTF8String subjects. [`CrlSpec`] makes CRLs (revoked
//!   serials with reason and time, thisUpdate/nextUpdate, cRLNumber); [`pki::crl`] can sign
//!   one with the wrong key.
//! * [`cms`]: SignedData by hand ([`cms::sign`]: SHA-1, no signed attributes, several
//!   signers with a bad one, attached or detached) or by OpenSSL's CMS code
//!   ([`cms::openssl_sign`], what `openssl cms -sign` makes).
//! * [`http::HttpServer`]: a loopback HTTP/1.1 server with fixed GET responses, POST
//!   handlers (OCSP / TSA responders plug in here), request counts, delays and dropped
//!   connections. It stops when dropped and never waits unboundedly.
//! * [`ocsp`]: delegated responder certificates, `openssl ocsp` index lines and responses
//!   made by the real `openssl ocsp` (the exception to the library-only rule above: those
//!   tests are about a real responder), RFC 5940 OCSP entries for a SignedData's `crls`.
//! * [`tsa`]: an RFC 3161 TSA on loopback ([`tsa::Tsa`]) answering with the real
//!   `openssl ts -reply` (the CLI again, for the same reason), TSA certificates with and
//!   without the critical timeStamping EKU, misbehaving modes (rejection, wrong nonce or
//!   imprint, bad signer, fixed genTime, slow, down), and request / `openssl ts -verify`
//!   helpers.
//! * [`responder::OcspResponder`]: an OCSP responder route on the HTTP server that answers
//!   each POSTed request with the real `openssl ocsp` (index, delegated responder or the CA
//!   key, `-ndays`/`-nmin`), or with a fixed or hand-built response; it records what each
//!   request asked (serials, nonce).
//! * [`TempDir`] for writing PEM/DER files.
//!
//! ```
//! use kyso_testkit::{CertSpec, CrlSpec, KeyType, Pki};
//! let pki = Pki::new();
//! let leaf = pki.leaf(
//!     CertSpec::ee("Nguyễn Văn An")
//!         .key_type(KeyType::P256)
//!         .crl_dp("http://127.0.0.1:8080/sub.crl"),
//! );
//! let crl = pki.crl(&pki.sub, &CrlSpec::default().revoke(&leaf, "2026-05-15T00:00:00Z", Some(1)));
//! assert!(!crl.is_empty());
//! ```
//!
//! The vectors in `testdata/vectors/*.toml` are run by `crates/kyso/tests/vectors.rs` with
//! this kit; testdata/README.md describes their format.

pub mod bc;
pub mod cms;
pub mod der;
pub mod http;
pub mod ltv;
pub mod ocsp;
pub mod pki;
pub mod responder;
mod tempdir;
pub mod tsa;

pub use pki::{crl_reason, eku_oid, CertSpec, CrlSpec, Issued, KeyType, KeyUsage, Pki, PINNED};
pub use tempdir::TempDir;
