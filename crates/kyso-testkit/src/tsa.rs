//! An RFC 3161 time-stamping authority on loopback, for the time-stamp tests (issue 11).
//!
//! [`Tsa`] is a [`HttpServer`] with a POST route ([`PATH`], `/tsa`) that answers each
//! `application/timestamp-query` body with the reply of the **real `openssl ts -reply`**
//! (`application/timestamp-reply`), signed by a TSA certificate of [`TsaCerts`] that carries
//! the critical id-kp-timeStamping EKU as its only purpose (RFC 3161 §2.3). Like
//! [`crate::ocsp`], this module runs the OpenSSL CLI: interop with a real TSA is the point.
//! Each call runs in a fresh temporary directory (its own config and serial file), so
//! parallel requests do not share state; serial numbers come from one counter per [`Tsa`].
//!
//! [`Mode`] makes the TSA misbehave: a status rejection, a reply whose nonce or message
//! imprint differs from the request, a token signed with one of the bad TSA certificates, a
//! fixed genTime, a slow or a silent server. `openssl ts -reply` refuses to sign with a
//! certificate whose EKU is missing, not critical or not timeStamping alone ("invalid signer
//! certificate purpose"), so those tokens, and tokens with a fixed genTime (openssl always
//! stamps its clock's time), are built here by hand with the same fields as openssl's (see
//! [`Mode::SignedBy`]); the fixture's tests check that `openssl ts -verify` accepts a
//! hand-built token from the good certificate, so a hand-built token with a bad certificate
//! differs only by its certificate.
//!
//! The helpers build requests ([`query`]), make them with `openssl ts -query`
//! ([`openssl_ts_query`]), check tokens and replies with `openssl ts -verify`
//! ([`openssl_ts_verify`]) and print them with `openssl ts -reply -text`
//! ([`openssl_ts_text`]).
//!
//! ```
//! use kyso_testkit::cms::Digest;
//! use kyso_testkit::http::request;
//! use kyso_testkit::tsa::{self, Imprint, Mode, Tsa, TsInput};
//! use kyso_testkit::Pki;
//! use std::time::Duration;
//!
//! let pki = Pki::new();
//! let tsa = Tsa::start(&pki);
//! let digest = openssl::sha::sha256(b"signature value");
//! let q = tsa::query(Digest::Sha256, &digest, Some(&[0x4b, 0x59]), true);
//! let (status, reply) = request(&tsa.url(), "POST", &q, Duration::from_secs(5)).unwrap();
//! assert_eq!(status, 200);
//! assert!(tsa::openssl_ts_verify(TsInput::Reply(&reply), Imprint::Query(&q), &tsa.ca_file()));
//! tsa.set_mode(Mode::WrongNonce);
//! assert_eq!(tsa.requests(), 1);
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openssl::hash::{hash, MessageDigest};
use openssl::pkey::Id;

use crate::cms::Digest;
use crate::der;
use crate::http::{Fault, HttpServer};
use crate::pki::{oids, CertSpec, Issued, KeyType, Pki};
use crate::TempDir;

/// The route the TSA answers on.
pub const PATH: &str = "/tsa";
/// id-ct-TSTInfo (RFC 3161 §2.4.2), the eContentType of a time-stamp token.
pub const TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
/// The TSA's default policy (a private arc of the test PEN used elsewhere in the kit).
pub const POLICY: &str = "1.3.6.1.4.1.55555.3161.1";
/// A second policy the TSA accepts when a request asks for it (`other_policies`).
pub const OTHER_POLICY: &str = "1.3.6.1.4.1.55555.3161.2";
/// notAfter of the [`TsaCert::Expired`] certificate: before any genTime of the TSA's clock
/// (2026-12 on, when this was written) and before the pinned time 2026-06-01.
pub const EXPIRED_NOT_AFTER: &str = "2026-03-01T00:00:00Z";
/// The statusString of a [`Mode::Rejection`] reply.
pub const REJECTION_TEXT: &str = "kyso testkit TSA: request rejected";
/// The failInfo bit of a [`Mode::Rejection`] reply: badRequest (RFC 3161 §2.4.2).
pub const REJECTION_FAIL_INFO: u8 = 2;
/// The nonce [`Mode::WrongNonce`] adds to a request that has none.
pub const ADDED_NONCE: u64 = 0x4b59_534f;

/// The content type of a request.
pub const QUERY_TYPE: &str = "application/timestamp-query";
/// The content type of a reply.
pub const REPLY_TYPE: &str = "application/timestamp-reply";

/// PKIFailureInfo bits (RFC 3161 §2.4.2) the hand-built path uses when it refuses a request
/// the way `openssl ts -reply` does.
const BAD_ALG: u8 = 0;
const BAD_DATA_FORMAT: u8 = 5;
const UNACCEPTED_POLICY: u8 = 15;
const UNACCEPTED_EXTENSION: u8 = 16;

/// Which TSA certificate signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TsaCert {
    /// Under `pki.sub`; keyUsage digitalSignature+nonRepudiation; extendedKeyUsage
    /// timeStamping, critical, its only purpose. What RFC 3161 §2.3 asks.
    Good,
    /// As [`TsaCert::Good`] without extendedKeyUsage.
    NoEku,
    /// As [`TsaCert::Good`] with the extendedKeyUsage not marked critical.
    NonCriticalEku,
    /// As [`TsaCert::Good`] with a critical extendedKeyUsage timeStamping **and**
    /// codeSigning.
    ExtraPurpose,
    /// As [`TsaCert::Good`], valid 2025-06-01 .. [`EXPIRED_NOT_AFTER`]: expired at any
    /// genTime the TSA's clock gives and at the pinned time.
    Expired,
    /// A good TSA profile issued by an unrelated self-signed root
    /// ([`TsaCerts::other_root`]) that the test PKI does not know.
    OtherCa,
}

impl TsaCert {
    /// Every certificate, good first.
    pub const ALL: [TsaCert; 6] = [
        TsaCert::Good,
        TsaCert::NoEku,
        TsaCert::NonCriticalEku,
        TsaCert::ExtraPurpose,
        TsaCert::Expired,
        TsaCert::OtherCa,
    ];

    /// Whether `openssl ts -reply` signs with it (its purpose check accepts only a
    /// critical EKU with timeStamping alone); the others are signed by hand.
    pub fn openssl_signs(self) -> bool {
        matches!(self, TsaCert::Good | TsaCert::Expired | TsaCert::OtherCa)
    }

    /// The file stem used by [`TsaCerts::write`].
    pub fn name(self) -> &'static str {
        match self {
            TsaCert::Good => "tsa",
            TsaCert::NoEku => "tsa-no-eku",
            TsaCert::NonCriticalEku => "tsa-noncritical-eku",
            TsaCert::ExtraPurpose => "tsa-extra-purpose",
            TsaCert::Expired => "tsa-expired",
            TsaCert::OtherCa => "tsa-other-ca",
        }
    }
}

/// The TSA certificate profile: an end entity (CA:FALSE, keyUsage digitalSignature +
/// nonRepudiation, critical) with extendedKeyUsage id-kp-timeStamping, critical.
pub fn tsa_spec(cn: &str) -> CertSpec {
    CertSpec::ee(cn)
        .eku(&[oids::TIME_STAMPING])
        .eku_critical(true)
}

/// The TSA certificates: the good one and the variants for negative tests, with the CAs
/// above them.
#[derive(Debug, Clone)]
pub struct TsaCerts {
    /// [`TsaCert::Good`].
    pub good: Issued,
    /// [`TsaCert::NoEku`].
    pub no_eku: Issued,
    /// [`TsaCert::NonCriticalEku`].
    pub non_critical_eku: Issued,
    /// [`TsaCert::ExtraPurpose`].
    pub extra_purpose: Issued,
    /// [`TsaCert::Expired`].
    pub expired: Issued,
    /// [`TsaCert::OtherCa`].
    pub other_ca: Issued,
    /// The unrelated root that issued [`TsaCerts::other_ca`].
    pub other_root: Issued,
    /// The test PKI's intermediate, issuer of the others.
    pub sub: Issued,
    /// The test PKI's root.
    pub root: Issued,
}

impl TsaCerts {
    /// RSA-2048 TSA certificates under `pki.sub` (and the unrelated root).
    pub fn new(pki: &Pki) -> TsaCerts {
        TsaCerts::with_key_type(pki, KeyType::RSA2048)
    }

    /// The same with another key type (RSA or ECDSA; `openssl ts` cannot sign with
    /// Ed25519 through its PKCS#7 code, so neither does this kit).
    pub fn with_key_type(pki: &Pki, kt: KeyType) -> TsaCerts {
        assert!(kt != KeyType::Ed25519, "TSA keys are RSA or ECDSA");
        let spec = |cn: &str| tsa_spec(cn).key_type(kt);
        let other_root = pki.self_signed(CertSpec::ca("Kyso Testkit Unrelated Root CA"));
        TsaCerts {
            good: pki.leaf(spec("Kyso Testkit TSA")),
            no_eku: pki.leaf(spec("Kyso Testkit TSA (no EKU)").eku(&[])),
            non_critical_eku: pki
                .leaf(spec("Kyso Testkit TSA (non-critical EKU)").eku_critical(false)),
            extra_purpose: pki.leaf(
                spec("Kyso Testkit TSA (timeStamping and codeSigning)")
                    .eku(&[oids::TIME_STAMPING, oids::CODE_SIGNING]),
            ),
            expired: pki.leaf(
                spec("Kyso Testkit TSA (expired)")
                    .validity("2025-06-01T00:00:00Z", EXPIRED_NOT_AFTER),
            ),
            other_ca: pki.issue(&other_root, spec("Kyso Testkit TSA (unrelated CA)")),
            other_root,
            sub: pki.sub.clone(),
            root: pki.root.clone(),
        }
    }

    /// The certificate for `which`.
    pub fn get(&self, which: TsaCert) -> &Issued {
        match which {
            TsaCert::Good => &self.good,
            TsaCert::NoEku => &self.no_eku,
            TsaCert::NonCriticalEku => &self.non_critical_eku,
            TsaCert::ExtraPurpose => &self.extra_purpose,
            TsaCert::Expired => &self.expired,
            TsaCert::OtherCa => &self.other_ca,
        }
    }

    /// The CA certificates above `which`, nearest first, root included: what the token
    /// embeds besides the signer (openssl's `certs`) and what its ESS
    /// signing-certificate-v2 lists after the signer.
    pub fn chain(&self, which: TsaCert) -> Vec<Issued> {
        match which {
            TsaCert::OtherCa => vec![self.other_root.clone()],
            _ => vec![self.sub.clone(), self.root.clone()],
        }
    }

    /// The root that anchors `which`.
    pub fn anchor(&self, which: TsaCert) -> &Issued {
        match which {
            TsaCert::OtherCa => &self.other_root,
            _ => &self.root,
        }
    }

    /// Write, for every [`TsaCert`], `<name>.pem`/`.der`/`.key`, `<name>-chain.pem`
    /// ([`TsaCerts::chain`]) and `<name>-bundle.pem` (the certificate and its chain), and
    /// `root.pem` and `other-root.pem` (the anchors) into `dir`.
    pub fn write(&self, dir: &Path) {
        for which in TsaCert::ALL {
            let cert = self.get(which);
            cert.write(dir, which.name());
            let chain: Vec<u8> = self
                .chain(which)
                .iter()
                .flat_map(|c| c.cert_pem())
                .collect();
            std::fs::write(dir.join(format!("{}-chain.pem", which.name())), &chain)
                .expect("write chain");
            let mut bundle = cert.cert_pem();
            bundle.extend(chain);
            std::fs::write(dir.join(format!("{}-bundle.pem", which.name())), bundle)
                .expect("write bundle");
        }
        self.root.write(dir, "root");
        self.other_root.write(dir, "other-root");
    }
}

/// How the TSA answers. Set with [`Tsa::set_mode`]; the default is [`Mode::Granted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// `openssl ts -reply` with [`TsaCert::Good`]: status granted, the request's imprint,
    /// nonce and policy (or [`POLICY`]), genTime from the clock, accuracy 1 s 500 ms 100 µs,
    /// ordering, the TSA name, ESS signing-certificate-v2 (SHA-256) over the signer and its
    /// chain, and the certificates when the request has certReq.
    #[default]
    Granted,
    /// A TimeStampResp with PKIStatus rejection (2), statusString [`REJECTION_TEXT`] and
    /// failInfo badRequest ([`REJECTION_FAIL_INFO`]); no token.
    Rejection,
    /// The request's nonce gets its lowest bit flipped before `openssl ts -reply` sees it
    /// (a request without a nonce gets [`ADDED_NONCE`]), so the granted reply carries
    /// another nonce than the one sent.
    WrongNonce,
    /// The last byte of the request's hashedMessage is flipped before `openssl ts -reply`
    /// sees it, so the granted reply's message imprint is not the one sent.
    WrongImprint,
    /// Sign with this certificate: by `openssl ts -reply` when it accepts the certificate
    /// ([`TsaCert::openssl_signs`]: Good, Expired, OtherCa), otherwise a hand-built token
    /// with the fields of [`Mode::Granted`] and genTime from the clock.
    SignedBy(TsaCert),
    /// A hand-built token (the fields of [`Mode::Granted`]) with this genTime (Unix
    /// seconds; also the signingTime attribute) signed by `cert`. With
    /// [`TsaCert::Expired`] and a genTime after [`EXPIRED_NOT_AFTER`], the certificate is
    /// expired at genTime whatever the clock says; with [`TsaCert::Good`], a genTime
    /// pinned for time-travel tests.
    AtTime {
        /// genTime, Unix seconds.
        gen_time: i64,
        /// The signer.
        cert: TsaCert,
    },
    /// A slow TSA: [`Fault::Delay`] of this long (at most [`crate::http::MAX_DELAY`]), then
    /// a [`Mode::Granted`] reply.
    Slow(Duration),
    /// A TSA that is down: [`Fault::Drop`], the connection is closed without an answer
    /// (for "nothing listens", use [`refused_url`]).
    Down,
}

struct Inner {
    dir: TempDir,
    certs: TsaCerts,
    mode: Mutex<Mode>,
    serial: AtomicU64,
}

/// The loopback TSA. Dropping it stops the server and removes its files.
pub struct Tsa {
    server: HttpServer,
    inner: Arc<Inner>,
}

impl Tsa {
    /// Make [`TsaCerts`] under `pki` and start the TSA.
    pub fn start(pki: &Pki) -> Tsa {
        Tsa::with_certs(TsaCerts::new(pki))
    }

    /// Start a TSA over existing certificates (to share key generation between tests).
    pub fn with_certs(certs: TsaCerts) -> Tsa {
        let dir = TempDir::new("tsa");
        certs.write(dir.path());
        let inner = Arc::new(Inner {
            dir,
            certs,
            mode: Mutex::new(Mode::Granted),
            serial: AtomicU64::new(1),
        });
        let server = HttpServer::start();
        let handler = Arc::clone(&inner);
        server.post(PATH, move |body| {
            let mode = *handler.mode.lock().expect("mode");
            match respond(&handler, mode, body) {
                Ok(reply) => (200, REPLY_TYPE.into(), reply),
                Err(e) => (500, "text/plain".into(), e.into_bytes()),
            }
        });
        Tsa { server, inner }
    }

    /// The TSA's URL (`http://127.0.0.1:PORT/tsa`).
    pub fn url(&self) -> String {
        self.server.url(PATH)
    }

    /// Change how the TSA answers from the next request on.
    pub fn set_mode(&self, mode: Mode) -> &Self {
        *self.inner.mode.lock().expect("mode") = mode;
        let fault = match mode {
            Mode::Slow(d) => Fault::Delay(d),
            Mode::Down => Fault::Drop,
            _ => Fault::None,
        };
        self.server.fault(PATH, fault);
        self
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        *self.inner.mode.lock().expect("mode")
    }

    /// Requests received on [`PATH`] so far (dropped ones included).
    pub fn requests(&self) -> usize {
        self.server.requests_for(PATH)
    }

    /// The HTTP server, for its log or more routes (a CRL or OCSP responder beside the TSA).
    pub fn server(&self) -> &HttpServer {
        &self.server
    }

    /// The certificates.
    pub fn certs(&self) -> &TsaCerts {
        &self.inner.certs
    }

    /// PEM file of the test PKI's root: the CA file for `openssl ts -verify` and the trust
    /// anchor of every TSA certificate but [`TsaCert::OtherCa`].
    pub fn ca_file(&self) -> PathBuf {
        self.inner.dir.join("root.pem")
    }

    /// PEM file of the root that anchors `which`.
    pub fn trust_file(&self, which: TsaCert) -> PathBuf {
        match which {
            TsaCert::OtherCa => self.inner.dir.join("other-root.pem"),
            _ => self.ca_file(),
        }
    }

    /// PEM file of the TSA certificate `which`.
    pub fn cert_file(&self, which: TsaCert) -> PathBuf {
        self.inner.dir.join(&format!("{}.pem", which.name()))
    }

    /// PEM file of the TSA certificate `which` and the CAs above it, root included (for
    /// `openssl ts -verify -untrusted` when a token carries no certificates).
    pub fn bundle_file(&self, which: TsaCert) -> PathBuf {
        self.inner.dir.join(&format!("{}-bundle.pem", which.name()))
    }

    /// What the TSA would answer to `query` in the current mode, without HTTP (the slow
    /// and down modes answer as [`Mode::Granted`] here). A query that is not a
    /// TimeStampReq gets a rejection with failInfo badDataFormat, as from openssl; `Err`
    /// carries openssl's message when `openssl ts -reply` itself fails (HTTP 500 on the
    /// route).
    pub fn reply_to(&self, query: &[u8]) -> Result<Vec<u8>, String> {
        respond(&self.inner, self.mode(), query)
    }

    /// Run `openssl ts -reply` over `query` with `signer`, whatever the mode. `Err` holds
    /// openssl's message: it refuses the certificates whose EKU is not critical
    /// timeStamping alone ("invalid signer certificate purpose").
    pub fn openssl_reply(&self, signer: TsaCert, query: &[u8]) -> Result<Vec<u8>, String> {
        openssl_reply(&self.inner, signer, query)
    }
}

fn respond(inner: &Inner, mode: Mode, query: &[u8]) -> Result<Vec<u8>, String> {
    match mode {
        Mode::Granted | Mode::Slow(_) | Mode::Down => openssl_reply(inner, TsaCert::Good, query),
        Mode::Rejection => Ok(rejection(2, REJECTION_TEXT, REJECTION_FAIL_INFO)),
        // A query that cannot be altered is passed on as it is: openssl rejects it.
        Mode::WrongNonce => openssl_reply(
            inner,
            TsaCert::Good,
            &alter_nonce(query).unwrap_or_else(|_| query.to_vec()),
        ),
        Mode::WrongImprint => openssl_reply(
            inner,
            TsaCert::Good,
            &alter_imprint(query).unwrap_or_else(|_| query.to_vec()),
        ),
        Mode::SignedBy(c) if c.openssl_signs() => openssl_reply(inner, c, query),
        Mode::SignedBy(c) => hand_built(inner, c, now(), query),
        Mode::AtTime { gen_time, cert } => hand_built(inner, cert, gen_time, query),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The `openssl ts -reply` configuration for `signer`, files in `base`, serial file `serial`.
fn openssl_config(base: &Path, signer: TsaCert, serial: &Path) -> String {
    let f = |suffix: &str| {
        base.join(format!("{}{suffix}", signer.name()))
            .display()
            .to_string()
    };
    format!(
        "[ tsa ]\n\
         default_tsa = tsa_config\n\
         [ tsa_config ]\n\
         serial = {serial}\n\
         crypto_device = builtin\n\
         signer_cert = {cert}\n\
         certs = {chain}\n\
         signer_key = {key}\n\
         signer_digest = sha256\n\
         default_policy = {POLICY}\n\
         other_policies = {OTHER_POLICY}\n\
         digests = sha1, sha256, sha384, sha512\n\
         accuracy = secs:1, millisecs:500, microsecs:100\n\
         clock_precision_digits = 0\n\
         ordering = yes\n\
         tsa_name = yes\n\
         ess_cert_id_chain = yes\n\
         ess_cert_id_alg = sha256\n",
        serial = serial.display(),
        cert = f(".pem"),
        chain = f("-chain.pem"),
        key = f(".key"),
    )
}

/// Run `openssl ts -reply` over `query` in a fresh directory.
fn openssl_reply(inner: &Inner, signer: TsaCert, query: &[u8]) -> Result<Vec<u8>, String> {
    let call = TempDir::new("tsa-call");
    let serial = call.join("serial");
    let n = inner.serial.fetch_add(1, Ordering::SeqCst);
    // openssl reads the serial file (hex), increments it, and stamps the new value.
    std::fs::write(&serial, format!("{n:016X}\n")).expect("write serial");
    let config = call.join("tsa.cnf");
    std::fs::write(&config, openssl_config(inner.dir.path(), signer, &serial))
        .expect("write config");
    std::fs::write(call.join("query.tsq"), query).expect("write query");
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(&config)
        .args(["-queryfile", "query.tsq", "-out", "reply.tsr"])
        .current_dir(call.path())
        .output()
        .expect("run openssl ts -reply (is the openssl CLI installed?)");
    if !out.status.success() {
        return Err(format!(
            "openssl ts -reply failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::read(call.join("reply.tsr")).map_err(|e| format!("openssl wrote no reply: {e}"))
}

/// A TimeStampResp with only a PKIStatusInfo (RFC 3161 §2.4.2):
///
/// ```text
/// TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
/// PKIStatusInfo ::= SEQUENCE { status PKIStatus, statusString PKIFreeText OPTIONAL,
///                              failInfo PKIFailureInfo OPTIONAL }
/// ```
pub fn rejection(status: u64, text: &str, fail_info: u8) -> Vec<u8> {
    der::seq(&[der::seq(&[
        der::int(status),
        der::seq(&[der::utf8(text)]),
        der::named_bits(&[fail_info]),
    ])])
}

/// The parts of a TimeStampReq (RFC 3161 §2.4.1) the hand-built path needs.
struct ParsedQuery {
    imprint: Vec<u8>,
    digest_oid: Vec<u8>,
    digest_len: usize,
    policy: Option<Vec<u8>>,
    nonce: Option<Vec<u8>>,
    cert_req: bool,
    extensions: bool,
}

fn parse_query(query: &[u8]) -> Result<ParsedQuery, String> {
    let bad = |what: &str| format!("not a TimeStampReq: {what}");
    let (tag, h, len) = der::header(query).ok_or_else(|| bad("no DER header"))?;
    if tag != 0x30 || h + len != query.len() {
        return Err(bad("not one SEQUENCE"));
    }
    let items = der::children(query);
    if items.len() < 2 || items[0] != der::int(1).as_slice() || items[1][0] != 0x30 {
        return Err(bad("version 1 and a MessageImprint expected"));
    }
    let imprint = items[1];
    let parts = der::children(imprint);
    if parts.len() != 2 || parts[0][0] != 0x30 || parts[1][0] != 0x04 {
        return Err(bad("MessageImprint"));
    }
    let alg = der::children(parts[0]);
    let digest_oid = alg.first().ok_or_else(|| bad("hashAlgorithm"))?.to_vec();
    let (_, _, dlen) = der::header(parts[1]).ok_or_else(|| bad("hashedMessage"))?;
    let mut q = ParsedQuery {
        imprint: imprint.to_vec(),
        digest_oid,
        digest_len: dlen,
        policy: None,
        nonce: None,
        cert_req: false,
        extensions: false,
    };
    for item in &items[2..] {
        match item[0] {
            0x06 => q.policy = Some(item.to_vec()),
            0x02 => q.nonce = Some(item.to_vec()),
            0x01 => q.cert_req = item.get(2).is_some_and(|b| *b != 0),
            0xa0 => q.extensions = true,
            t => return Err(bad(&format!("unexpected tag {t:#04x}"))),
        }
    }
    Ok(q)
}

/// The request with its nonce's lowest bit flipped, or with [`ADDED_NONCE`] added.
fn alter_nonce(query: &[u8]) -> Result<Vec<u8>, String> {
    parse_query(query)?;
    let mut items: Vec<Vec<u8>> = der::children(query).iter().map(|i| i.to_vec()).collect();
    match items.iter().skip(2).position(|i| i[0] == 0x02) {
        Some(p) => {
            let nonce = &mut items[p + 2];
            let last = nonce.len() - 1;
            // Flipping bit 0 of the last byte keeps the INTEGER minimal and its sign.
            nonce[last] ^= 0x01;
        }
        None => {
            // After the reqPolicy if there is one (TimeStampReq field order).
            let at = if items.get(2).is_some_and(|i| i[0] == 0x06) {
                3
            } else {
                2
            };
            items.insert(at, der::int(ADDED_NONCE));
        }
    }
    Ok(der::seq(&items))
}

/// The request with the last byte of its hashedMessage flipped.
fn alter_imprint(query: &[u8]) -> Result<Vec<u8>, String> {
    parse_query(query)?;
    let mut items: Vec<Vec<u8>> = der::children(query).iter().map(|i| i.to_vec()).collect();
    let parts = der::children(&items[1]);
    let (_, h, _) = der::header(parts[1]).ok_or("hashedMessage")?;
    let mut digest = parts[1][h..].to_vec();
    if let Some(last) = digest.last_mut() {
        *last ^= 0xff;
    } else {
        digest.push(0);
    }
    items[1] = der::seq(&[parts[0].to_vec(), der::octets(&digest)]);
    Ok(der::seq(&items))
}

/// OID and output length of the digests the TSA accepts (its `digests` line).
fn digest_params(d: Digest) -> (&'static str, usize, MessageDigest) {
    match d {
        Digest::Sha1 => ("1.3.14.3.2.26", 20, MessageDigest::sha1()),
        Digest::Sha256 => ("2.16.840.1.101.3.4.2.1", 32, MessageDigest::sha256()),
        Digest::Sha384 => ("2.16.840.1.101.3.4.2.2", 48, MessageDigest::sha384()),
        Digest::Sha512 => ("2.16.840.1.101.3.4.2.3", 64, MessageDigest::sha512()),
    }
}

fn attr(oid: &str, value: Vec<u8>) -> Vec<u8> {
    der::seq(&[der::oid(oid), der::set_of(&[value])])
}

/// ESSCertIDv2 with the default hashAlgorithm SHA-256 left out (RFC 5035 §4), and
/// issuerSerial when asked: openssl writes it for the chain certificates, not the signer.
fn ess_cert_id_v2(cert: &Issued, issuer_serial: bool) -> Vec<u8> {
    let mut f = vec![der::octets(&openssl::sha::sha256(&cert.cert_der()))];
    if issuer_serial {
        let issuer = cert.cert.issuer_name().to_der().expect("issuer DER");
        f.push(der::seq(&[
            der::seq(&[der::ctx(4, &issuer)]),
            der::uint(&cert.serial()),
        ]));
    }
    der::seq(&f)
}

/// A time-stamp token and reply built here, with the fields `openssl ts -reply` writes
/// (compare `openssl asn1parse` of both), for signers openssl refuses and fixed genTimes.
fn hand_built(
    inner: &Inner,
    which: TsaCert,
    gen_time: i64,
    query: &[u8],
) -> Result<Vec<u8>, String> {
    // Refuse what `openssl ts -reply` refuses (ts_rsp_sign.c), with its texts and failInfo
    // bits.
    let Ok(q) = parse_query(query) else {
        return Ok(rejection(
            2,
            "Bad request format or system error.",
            BAD_DATA_FORMAT,
        ));
    };
    let digest = [Digest::Sha1, Digest::Sha256, Digest::Sha384, Digest::Sha512]
        .into_iter()
        .find(|d| der::oid(digest_params(*d).0) == q.digest_oid);
    let Some(digest) = digest else {
        return Ok(rejection(
            2,
            "Message digest algorithm is not supported.",
            BAD_ALG,
        ));
    };
    if digest_params(digest).1 != q.digest_len {
        return Ok(rejection(2, "Bad message digest.", BAD_DATA_FORMAT));
    }
    let policy = match q.policy {
        None => der::oid(POLICY),
        Some(p) if p == der::oid(POLICY) || p == der::oid(OTHER_POLICY) => p,
        Some(_) => {
            return Ok(rejection(
                2,
                "Requested policy is not supported.",
                UNACCEPTED_POLICY,
            ))
        }
    };
    if q.extensions {
        return Ok(rejection(2, "Unsupported extension.", UNACCEPTED_EXTENSION));
    }
    let signer = inner.certs.get(which);
    let chain = inner.certs.chain(which);
    let serial = inner.serial.fetch_add(1, Ordering::SeqCst);

    // TSTInfo (RFC 3161 §2.4.2); the module has IMPLICIT TAGS, and [0] GeneralName is
    // explicit because GeneralName is a CHOICE.
    let mut tst = vec![
        der::int(1),
        policy,
        q.imprint.clone(),
        der::int(serial),
        der::generalized_time(gen_time),
        // Accuracy { seconds 1, millis [0] 500, micros [1] 100 }, as the config's line.
        der::seq(&[
            der::int(1),
            der::ctx_prim(0, &der::int(500)[2..]),
            der::ctx_prim(1, &der::int(100)[2..]),
        ]),
        der::boolean(true),
    ];
    if let Some(n) = q.nonce {
        tst.push(n);
    }
    tst.push(der::ctx(0, &der::ctx(4, &signer.subject_der())));
    let tst = der::seq(&tst);

    let digest_alg = der::seq(&[der::oid("2.16.840.1.101.3.4.2.1"), der::null()]);
    let mut ids = vec![ess_cert_id_v2(signer, false)];
    ids.extend(chain.iter().map(|c| ess_cert_id_v2(c, true)));
    let attrs = der::set_of(&[
        attr("1.2.840.113549.1.9.3", der::oid(TST_INFO)),
        attr("1.2.840.113549.1.9.5", der::time(gen_time)),
        attr(
            "1.2.840.113549.1.9.4",
            der::octets(&hash(MessageDigest::sha256(), &tst).expect("sha256")),
        ),
        attr("1.2.840.113549.1.9.16.2.47", der::seq(&[der::seq(&ids)])),
    ]);
    let signature = crate::pki::sign_raw(&signer.key, Some(MessageDigest::sha256()), &attrs);
    // openssl's PKCS#7 signer writes rsaEncryption as the signature algorithm for RSA.
    let sig_alg = match signer.key.id() {
        Id::RSA => der::seq(&[der::oid("1.2.840.113549.1.1.1"), der::null()]),
        _ => der::seq(&[der::oid("1.2.840.10045.4.3.2")]),
    };
    let mut signed_attrs = attrs;
    signed_attrs[0] = 0xa0;
    let signer_info = der::seq(&[
        der::int(1),
        der::seq(&[
            signer.cert.issuer_name().to_der().expect("issuer DER"),
            der::uint(&signer.serial()),
        ]),
        digest_alg.clone(),
        signed_attrs,
        sig_alg,
        der::octets(&signature),
    ]);
    // SignedData version 3: eContentType is not id-data (RFC 5652 §5.1).
    let mut sd = vec![
        der::int(3),
        der::set_of(&[digest_alg]),
        der::seq(&[der::oid(TST_INFO), der::ctx(0, &der::octets(&tst))]),
    ];
    if q.cert_req {
        let mut certs = signer.cert_der();
        for c in &chain {
            certs.extend(c.cert_der());
        }
        sd.push(der::ctx(0, &certs));
    }
    sd.push(der::set_of(&[signer_info]));
    let token = der::seq(&[
        der::oid("1.2.840.113549.1.7.2"),
        der::ctx(0, &der::seq(&sd)),
    ]);
    Ok(der::seq(&[der::seq(&[der::int(0)]), token]))
}

/// A TimeStampReq (RFC 3161 §2.4.1) for `digest` made with `digest_alg`, with `nonce`
/// (big-endian magnitude) and certReq, and no policy. The hashAlgorithm carries NULL
/// parameters, as `openssl ts -query` writes it.
pub fn query(digest_alg: Digest, digest: &[u8], nonce: Option<&[u8]>, cert_req: bool) -> Vec<u8> {
    query_with_policy(digest_alg, digest, nonce, cert_req, None)
}

/// [`query`] with a reqPolicy.
///
/// ```text
/// TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint,
///   reqPolicy TSAPolicyId OPTIONAL, nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE,
///   extensions [0] IMPLICIT Extensions OPTIONAL }
/// ```
pub fn query_with_policy(
    digest_alg: Digest,
    digest: &[u8],
    nonce: Option<&[u8]>,
    cert_req: bool,
    policy: Option<&str>,
) -> Vec<u8> {
    let (oid, _, _) = digest_params(digest_alg);
    let mut f = vec![
        der::int(1),
        der::seq(&[der::seq(&[der::oid(oid), der::null()]), der::octets(digest)]),
    ];
    if let Some(p) = policy {
        f.push(der::oid(p));
    }
    if let Some(n) = nonce {
        f.push(der::uint(n));
    }
    // DEFAULT FALSE is left out in DER (X.690 §11.5).
    if cert_req {
        f.push(der::boolean(true));
    }
    der::seq(&f)
}

/// The digest of `data` with `d`.
pub fn digest(d: Digest, data: &[u8]) -> Vec<u8> {
    hash(digest_params(d).2, data).expect("digest").to_vec()
}

/// The PKIStatus of a TimeStampResp (0 granted, 1 grantedWithMods, 2 rejection, ...).
pub fn reply_status(reply: &[u8]) -> Option<u64> {
    let top = der::children(reply);
    let status = der::children(top.first()?);
    let int = status.first()?;
    let (tag, h, len) = der::header(int)?;
    (tag == 0x02 && len <= 8).then(|| int[h..h + len].iter().fold(0u64, |a, b| a << 8 | *b as u64))
}

/// The timeStampToken (a ContentInfo) of a TimeStampResp, if it has one.
pub fn reply_token(reply: &[u8]) -> Option<Vec<u8>> {
    der::children(reply).get(1).map(|t| t.to_vec())
}

/// The TSTInfo DER inside a time-stamp token (the eContent of its SignedData).
pub fn token_tst_info(token: &[u8]) -> Option<Vec<u8>> {
    let ci = der::children(token);
    let sd = der::children(ci.get(1)?);
    let sd = der::children(sd.first()?);
    let eci = der::children(sd.get(2)?);
    let explicit = der::children(eci.get(1)?);
    let octets = explicit.first()?;
    let (_, h, len) = der::header(octets)?;
    Some(octets[h..h + len].to_vec())
}

/// A URL on 127.0.0.1 where nothing listens (a port just bound and released): a TSA that
/// refuses connections.
pub fn refused_url(path: &str) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    drop(l);
    format!("http://{addr}{path}")
}

/// What `openssl ts -verify` reads.
#[derive(Debug, Clone, Copy)]
pub enum TsInput<'a> {
    /// A whole TimeStampResp (`-in`).
    Reply(&'a [u8]),
    /// A bare token, the ContentInfo (`-in ... -token_in`).
    Token(&'a [u8]),
}

/// What `openssl ts -verify` checks the token against.
#[derive(Debug, Clone, Copy)]
pub enum Imprint<'a> {
    /// The time-stamped data (`-data`): openssl hashes it with the token's algorithm.
    Data(&'a [u8]),
    /// The digest (`-digest HEX`).
    Digest(&'a [u8]),
    /// The request (`-queryfile`): imprint, nonce and policy must match it.
    Query(&'a [u8]),
}

/// `openssl ts -verify` of `input` against `imprint`, trusting `ca_file` (PEM): true when
/// openssl prints `Verification: OK`. Verification is at the current time.
pub fn openssl_ts_verify(input: TsInput<'_>, imprint: Imprint<'_>, ca_file: &Path) -> bool {
    openssl_ts_verify_with(input, imprint, ca_file, &[]).is_ok()
}

/// [`openssl_ts_verify`] with more arguments (`-untrusted FILE`, `-attime UNIX`, ...):
/// `Ok(stdout)` when it passes, `Err(stdout and stderr)` when it does not.
pub fn openssl_ts_verify_with(
    input: TsInput<'_>,
    imprint: Imprint<'_>,
    ca_file: &Path,
    extra: &[&str],
) -> Result<String, String> {
    let dir = TempDir::new("ts-verify");
    let mut cmd = Command::new("openssl");
    cmd.args(["ts", "-verify", "-in", "in.der"])
        .current_dir(dir.path());
    let bytes = match input {
        TsInput::Reply(b) => b,
        TsInput::Token(b) => {
            cmd.arg("-token_in");
            b
        }
    };
    std::fs::write(dir.join("in.der"), bytes).expect("write input");
    match imprint {
        Imprint::Data(d) => {
            std::fs::write(dir.join("data.bin"), d).expect("write data");
            cmd.args(["-data", "data.bin"]);
        }
        Imprint::Digest(d) => {
            let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
            cmd.args(["-digest", &hex]);
        }
        Imprint::Query(q) => {
            std::fs::write(dir.join("query.tsq"), q).expect("write query");
            cmd.args(["-queryfile", "query.tsq"]);
        }
    }
    cmd.arg("-CAfile").arg(ca_file).args(extra);
    let out = cmd
        .output()
        .expect("run openssl ts -verify (is the openssl CLI installed?)");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    if out.status.success() && stdout.contains("Verification: OK") {
        Ok(stdout)
    } else {
        Err(format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// `openssl ts -reply -in X -text` (with `-token_in` for a token): the reply as openssl
/// prints it ("Status: Granted.", "Nonce: 0x...", "Time stamp: ...", ...). Panics when
/// openssl cannot read it.
pub fn openssl_ts_text(input: TsInput<'_>) -> String {
    let dir = TempDir::new("ts-text");
    let mut cmd = Command::new("openssl");
    cmd.args(["ts", "-reply", "-in", "in.der", "-text"])
        .current_dir(dir.path());
    let bytes = match input {
        TsInput::Reply(b) => b,
        TsInput::Token(b) => {
            cmd.arg("-token_in");
            b
        }
    };
    std::fs::write(dir.join("in.der"), bytes).expect("write input");
    let out = cmd
        .output()
        .expect("run openssl ts -reply -text (is the openssl CLI installed?)");
    assert!(
        out.status.success(),
        "openssl ts -reply -text failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `openssl ts -query` over `data`: a TimeStampReq with `digest`, a random 64-bit nonce
/// unless `nonce` is false, certReq when `cert_req`, and `-tspolicy` when given.
pub fn openssl_ts_query(
    data: &[u8],
    digest: Digest,
    nonce: bool,
    cert_req: bool,
    policy: Option<&str>,
) -> Vec<u8> {
    let dir = TempDir::new("ts-query");
    std::fs::write(dir.join("data.bin"), data).expect("write data");
    let alg = match digest {
        Digest::Sha1 => "-sha1",
        Digest::Sha256 => "-sha256",
        Digest::Sha384 => "-sha384",
        Digest::Sha512 => "-sha512",
    };
    let mut cmd = Command::new("openssl");
    cmd.args([
        "ts",
        "-query",
        "-data",
        "data.bin",
        alg,
        "-out",
        "query.tsq",
    ])
    .current_dir(dir.path());
    if !nonce {
        cmd.arg("-no_nonce");
    }
    if cert_req {
        cmd.arg("-cert");
    }
    if let Some(p) = policy {
        cmd.args(["-tspolicy", p]);
    }
    let out = cmd
        .output()
        .expect("run openssl ts -query (is the openssl CLI installed?)");
    assert!(
        out.status.success(),
        "openssl ts -query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.join("query.tsq")).expect("openssl wrote no query")
}
