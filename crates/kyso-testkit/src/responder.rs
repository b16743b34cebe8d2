//! An OCSP responder route on [`HttpServer`] for the online revocation tests: each POSTed
//! request is answered by the real `openssl ocsp` (an index file, the CA the index is about,
//! a delegated responder certificate or the CA key itself, extra arguments such as `-ndays` or
//! `-nmin`), or, when a test needs what `openssl ocsp` cannot make (a nextUpdate in the past,
//! a wrong nonce), by a fixed or hand-built response ([`crate::ocsp::build_response`]).
//!
//! Start the server first, mount the responder, then issue the certificates whose AIA OCSP
//! URL is [`OcspResponder::url`] and add them to the index: the index, the signer, the
//! arguments and the kind of answer can all change while the server runs.
//!
//! `openssl ocsp` writes fixed file names, so each responder has its own directory and its
//! calls are serialised by its lock. The first request fails loudly when the openssl CLI is
//! missing: the responder answers HTTP 500 and [`OcspResponder::errors`] says why, and
//! [`OcspResponder::mount`] itself checks that `openssl` runs.

use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::der;
use crate::http::HttpServer;
use crate::ocsp::{index_line, try_openssl_respond, Status};
use crate::pki::Issued;
use crate::TempDir;

/// OID of the OCSP nonce extension (RFC 8954).
const OID_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";

/// A hand-built answer: the request DER in, the response DER out.
pub type BuildFn = Arc<dyn Fn(&[u8]) -> Vec<u8> + Send + Sync>;

/// How the responder answers.
#[derive(Clone)]
pub enum Answer {
    /// The real `openssl ocsp` over the request (the default).
    Openssl,
    /// These bytes, whatever the request.
    Fixed(Vec<u8>),
    /// What the closure makes of the request.
    Build(BuildFn),
}

/// What a request asked, as the responder read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// serialNumber contents octets of each CertID in the requestList.
    pub serials: Vec<Vec<u8>>,
    /// The nonce (RFC 8954: the OCTET STRING inside extnValue), when sent.
    pub nonce: Option<Vec<u8>>,
}

struct State {
    ca: Issued,
    signer: Issued,
    index: Vec<String>,
    extra: Vec<String>,
    answer: Answer,
    seen: Vec<SeenRequest>,
    errors: Vec<String>,
}

struct Inner {
    dir: TempDir,
    state: Mutex<State>,
}

/// The responder mounted on a server route. Cloning shares it.
#[derive(Clone)]
pub struct OcspResponder {
    inner: Arc<Inner>,
    url: String,
}

impl OcspResponder {
    /// Mount a responder on `path` of `server`, about certificates issued by `ca`, signing
    /// with `signer` (a delegated responder certificate issued by `ca`, or `ca` itself).
    /// Panics when the `openssl` CLI does not run: these tests need it.
    pub fn mount(server: &HttpServer, path: &str, ca: &Issued, signer: &Issued) -> OcspResponder {
        let v = Command::new("openssl").arg("version").output();
        assert!(
            v.as_ref().is_ok_and(|o| o.status.success()),
            "the online OCSP tests need the openssl CLI (apt-get install openssl): {v:?}"
        );
        let inner = Arc::new(Inner {
            dir: TempDir::new("ocsp-responder"),
            state: Mutex::new(State {
                ca: ca.clone(),
                signer: signer.clone(),
                index: Vec::new(),
                extra: vec!["-ndays".into(), "1".into()],
                answer: Answer::Openssl,
                seen: Vec::new(),
                errors: Vec::new(),
            }),
        });
        let handler = Arc::clone(&inner);
        server.post(path, move |body| respond(&handler, body));
        OcspResponder {
            inner,
            url: server.url(path),
        }
    }

    /// The URL to put in the certificates' authorityInfoAccess.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Add `cert` to the index with `status` (a certificate not in it is `unknown`).
    pub fn status(&self, cert: &Issued, status: Status<'_>) -> &Self {
        self.lock().index.push(index_line(cert, status));
        self
    }

    /// Sign with `signer` from now on.
    pub fn signer(&self, signer: &Issued) -> &Self {
        self.lock().signer = signer.clone();
        self
    }

    /// The extra `openssl ocsp` arguments (default `-ndays 1`, so responses carry a
    /// nextUpdate a day after thisUpdate).
    pub fn args(&self, extra: &[&str]) -> &Self {
        self.lock().extra = extra.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Answer with `answer` from now on.
    pub fn answer(&self, answer: Answer) -> &Self {
        self.lock().answer = answer;
        self
    }

    /// Answer every request with `der`.
    pub fn answer_fixed(&self, der: Vec<u8>) -> &Self {
        self.answer(Answer::Fixed(der))
    }

    /// Answer each request with what `f` makes of it.
    pub fn answer_with<F>(&self, f: F) -> &Self
    where
        F: Fn(&[u8]) -> Vec<u8> + Send + Sync + 'static,
    {
        self.answer(Answer::Build(Arc::new(f)))
    }

    /// The requests answered so far, in order (unparsable ones are listed with no serial).
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.lock().seen.clone()
    }

    /// What went wrong running `openssl ocsp` (each such request was answered HTTP 500).
    pub fn errors(&self) -> Vec<String> {
        self.lock().errors.clone()
    }

    /// What `openssl ocsp` answers to `request` now (with the current index, signer and
    /// arguments), without going through the server: for fixed answers made by the real
    /// responder about some other request.
    pub fn openssl_answer(&self, request: &[u8]) -> Vec<u8> {
        let st = self.lock();
        run_openssl(&self.inner, &st, request).unwrap_or_else(|e| panic!("{e}"))
    }
}

fn run_openssl(inner: &Inner, st: &State, body: &[u8]) -> Result<Vec<u8>, String> {
    let extra: Vec<&str> = st.extra.iter().map(String::as_str).collect();
    try_openssl_respond(
        inner.dir.path(),
        &st.index,
        &st.ca,
        &st.signer,
        body,
        &extra,
    )
}

fn respond(inner: &Inner, body: &[u8]) -> (u16, String, Vec<u8>) {
    // The lock is held through the openssl run: its files have fixed names in `dir`.
    let mut st = inner.state.lock().unwrap_or_else(|p| p.into_inner());
    st.seen.push(parse_request(body));
    let out = match st.answer.clone() {
        Answer::Openssl => run_openssl(inner, &st, body),
        Answer::Fixed(b) => Ok(b),
        Answer::Build(f) => Ok(f(body)),
    };
    match out {
        Ok(der) => (200, "application/ocsp-response".into(), der),
        Err(e) => {
            st.errors.push(e.clone());
            (500, "text/plain".into(), e.into_bytes())
        }
    }
}

/// Read the serial numbers and the nonce of a DER OCSPRequest (RFC 6960 §4.1.1):
///
/// ```text
/// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT ... }
/// TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
///                            requestorName [1] EXPLICIT GeneralName OPTIONAL,
///                            requestList SEQUENCE OF Request,
///                            requestExtensions [2] EXPLICIT Extensions OPTIONAL }
/// Request     ::= SEQUENCE { reqCert CertID, ... }
/// CertID      ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
/// ```
pub fn parse_request(der_bytes: &[u8]) -> SeenRequest {
    let mut seen = SeenRequest {
        serials: Vec::new(),
        nonce: None,
    };
    let Some(tbs) = der::children(der_bytes).first().copied() else {
        return seen;
    };
    for part in der::children(tbs) {
        match part.first() {
            Some(0x30) => {
                for request in der::children(part) {
                    let cert_id = der::children(request);
                    if let Some(serial) = cert_id
                        .first()
                        .and_then(|c| der::children(c).get(3).copied())
                    {
                        seen.serials.push(contents(serial).to_vec());
                    }
                }
            }
            Some(0xa2) => {
                let exts = der::children(part);
                for ext in exts.first().map(|e| der::children(e)).unwrap_or_default() {
                    let f = der::children(ext);
                    if f.first().copied() == Some(der::oid(OID_NONCE).as_slice()) {
                        // extnValue OCTET STRING { Nonce OCTET STRING }
                        if let Some(value) = f.last() {
                            let inner = contents(value);
                            seen.nonce = Some(if inner.first() == Some(&0x04) {
                                contents(inner).to_vec()
                            } else {
                                inner.to_vec()
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    seen
}

fn contents(tlv: &[u8]) -> &[u8] {
    match der::header(tlv) {
        Some((_, h, len)) if h + len <= tlv.len() => &tlv[h..h + len],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_serials_and_nonce_of_a_request() {
        let cert_id = der::seq(&[
            der::seq(&[der::oid("1.3.14.3.2.26"), der::null()]),
            der::octets(&[1; 20]),
            der::octets(&[2; 20]),
            der::tlv(0x02, &[0x10, 0x05]),
        ]);
        let list = der::seq(&[der::seq(&[cert_id])]);
        let nonce_ext = der::seq(&[der::oid(OID_NONCE), der::octets(&der::octets(&[7; 32]))]);
        let exts = der::ctx(2, &der::seq(&[nonce_ext]));
        let req = der::seq(&[der::seq(&[list.clone(), exts])]);
        let seen = parse_request(&req);
        assert_eq!(seen.serials, vec![vec![0x10, 0x05]]);
        assert_eq!(seen.nonce, Some(vec![7; 32]));
        let bare = der::seq(&[der::seq(&[list])]);
        assert_eq!(parse_request(&bare).nonce, None);
        assert_eq!(parse_request(b"junk").serials.len(), 0);
    }
}
