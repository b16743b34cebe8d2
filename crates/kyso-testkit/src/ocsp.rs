//! OCSP test fixtures: responder certificates, the `openssl ocsp` index file, responses made
//! by the real `openssl ocsp` (the one place in this kit that runs the OpenSSL CLI: interop
//! with a real responder is the point of those tests), and RFC 5940 RevocationInfoChoices for
//! embedding a response in a SignedData's `crls` field ([`crate::cms::CmsSpec::crls`]).

use std::path::Path;
use std::process::Command;

use crate::der;
use crate::pki::{oids, CertSpec, Issued};

/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
pub const NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";

/// A delegated responder certificate profile: an end entity with digitalSignature and
/// id-kp-OCSPSigning, and id-pkix-ocsp-nocheck unless `nocheck` is false.
pub fn responder_spec(cn: &str, nocheck: bool) -> CertSpec {
    let s = CertSpec::ee(cn).eku(&[oids::OCSP_SIGNING]);
    if nocheck {
        s.extension(NOCHECK, false, der::null())
    } else {
        s
    }
}

/// How a certificate appears in the responder's index.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// `V`: valid.
    Valid,
    /// `R`: revoked at the time (`YYMMDDHHMMSSZ`) for the reason (`keyCompromise`, ...).
    Revoked(&'a str, &'a str),
}

/// One line of an `openssl ca` database (index.txt), as `openssl ocsp -index` reads it.
pub fn index_line(cert: &Issued, status: Status<'_>) -> String {
    let bytes = cert.serial();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let serial: String = bytes[start..].iter().map(|b| format!("{b:02X}")).collect();
    let (flag, revoked) = match status {
        Status::Valid => ("V", String::new()),
        Status::Revoked(at, reason) => ("R", format!("{at},{reason}")),
    };
    format!(
        "{flag}\t351231000000Z\t{revoked}\t{serial}\tunknown\t/CN={}\n",
        cert.common_name()
    )
}

/// Run `openssl ocsp` as a responder over one request: `index` lines, the CA the index is
/// about, the responder certificate and key that sign, `extra` arguments (`-ndays 1`,
/// `-resp_key_id`, `-rother FILE`, ...). Returns the DER response. Files go into `dir`
/// (fixed names: serialise calls that share a directory). Panics when openssl fails.
pub fn openssl_respond(
    dir: &Path,
    index: &[String],
    ca: &Issued,
    signer: &Issued,
    request_der: &[u8],
    extra: &[&str],
) -> Vec<u8> {
    try_openssl_respond(dir, index, ca, signer, request_der, extra)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// [`openssl_respond`] returning what went wrong instead of panicking (for responders that
/// run on a server thread, where a panic would only drop the connection).
pub fn try_openssl_respond(
    dir: &Path,
    index: &[String],
    ca: &Issued,
    signer: &Issued,
    request_der: &[u8],
    extra: &[&str],
) -> Result<Vec<u8>, String> {
    let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
    std::fs::write(dir.join("index.txt"), index.concat()).map_err(|e| io("write index", e))?;
    std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n")
        .map_err(|e| io("write attr", e))?;
    ca.write(dir, "ocsp-ca");
    signer.write(dir, "ocsp-signer");
    std::fs::write(dir.join("req.der"), request_der).map_err(|e| io("write request", e))?;
    let resp = dir.join("resp.der");
    let _ = std::fs::remove_file(&resp);
    let out = Command::new("openssl")
        .arg("ocsp")
        .args(["-index", "index.txt", "-CA", "ocsp-ca.pem"])
        .args(["-rsigner", "ocsp-signer.pem", "-rkey", "ocsp-signer.key"])
        .args(["-reqin", "req.der", "-respout", "resp.der"])
        .args(extra)
        .current_dir(dir)
        .output()
        .map_err(|e| io("run openssl ocsp (is the openssl CLI installed?)", e))?;
    if !out.status.success() {
        return Err(format!(
            "openssl ocsp failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    std::fs::read(&resp).map_err(|e| io("openssl ocsp wrote no response", e))
}

/// A RevocationInfoChoice `other [1] IMPLICIT OtherRevocationInfoFormat` holding an OCSP
/// response (RFC 5940 §4.1, id-ri-ocsp-response), to put in [`crate::cms::CmsSpec::crls`].
pub fn revocation_info_choice(response_der: &[u8]) -> Vec<u8> {
    let mut content = der::oid("1.3.6.1.5.5.7.16.2");
    content.extend_from_slice(response_der);
    der::tlv(0xa1, &content)
}

/// certStatus of one SingleResponse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    /// good.
    Good,
    /// revoked at (Unix time), with a CRLReason code or none.
    Revoked(i64, Option<u8>),
    /// unknown.
    Unknown,
}

/// One SingleResponse to write (SHA-1 CertID unless changed).
#[derive(Debug, Clone)]
pub struct Single {
    /// hashAlgorithm OID of the CertID.
    pub hash_oid: String,
    /// issuerNameHash.
    pub issuer_name_hash: Vec<u8>,
    /// issuerKeyHash.
    pub issuer_key_hash: Vec<u8>,
    /// serialNumber contents octets.
    pub serial: Vec<u8>,
    /// certStatus.
    pub status: CertStatus,
    /// thisUpdate, Unix time.
    pub this_update: i64,
    /// nextUpdate, Unix time.
    pub next_update: Option<i64>,
    /// singleExtensions: (OID, critical, extnValue contents).
    pub extensions: Vec<(String, bool, Vec<u8>)>,
}

impl Single {
    /// A SHA-1 CertID for `cert` issued by `issuer`, valid one day from `this_update`.
    pub fn new(cert: &Issued, issuer: &Issued, status: CertStatus, this_update: i64) -> Single {
        Single {
            hash_oid: "1.3.14.3.2.26".into(),
            issuer_name_hash: openssl::sha::sha1(&issuer.subject_der()).to_vec(),
            issuer_key_hash: issuer.key_id(),
            serial: cert.serial(),
            status,
            this_update,
            next_update: Some(this_update + 86_400),
            extensions: Vec::new(),
        }
    }
}

/// A BasicOCSPResponse to build with the OpenSSL library (times, extensions, counts and
/// signers the `openssl ocsp` command does not let a test choose).
#[derive(Debug, Clone, Default)]
pub struct ResponseSpec {
    /// The SingleResponses.
    pub singles: Vec<Single>,
    /// producedAt, Unix time.
    pub produced_at: i64,
    /// ResponderID byKey instead of byName.
    pub by_key: bool,
    /// A nonce extension (RFC 8954) with this value.
    pub nonce: Option<Vec<u8>>,
    /// More responseExtensions: (OID, critical, extnValue contents).
    pub extensions: Vec<(String, bool, Vec<u8>)>,
    /// Certificates in `certs` (the delegated responder's).
    pub certs: Vec<Issued>,
    /// Sign with SHA-1 (sha1WithRSAEncryption) instead of SHA-256.
    pub sha1: bool,
    /// Write this version (0 = v1, written explicitly although DEFAULT).
    pub version: Option<u64>,
}

fn extensions(list: &[(String, bool, Vec<u8>)]) -> Vec<u8> {
    der::seq(
        &list
            .iter()
            .map(|(oid, critical, value)| {
                let mut e = vec![der::oid(oid)];
                if *critical {
                    e.push(der::boolean(true));
                }
                e.push(der::octets(value));
                der::seq(&e)
            })
            .collect::<Vec<_>>(),
    )
}

/// A DER OCSPResponse (successful, id-pkix-ocsp-basic) signed by `signer`.
pub fn build_response(spec: &ResponseSpec, signer: &Issued) -> Vec<u8> {
    let singles: Vec<Vec<u8>> = spec
        .singles
        .iter()
        .map(|s| {
            let cert_id = der::seq(&[
                der::seq(&[der::oid(&s.hash_oid), der::null()]),
                der::octets(&s.issuer_name_hash),
                der::octets(&s.issuer_key_hash),
                der::tlv(0x02, &s.serial),
            ]);
            let status = match s.status {
                CertStatus::Good => vec![0x80, 0x00],
                CertStatus::Unknown => vec![0x82, 0x00],
                CertStatus::Revoked(at, reason) => {
                    let mut r = der::generalized_time(at);
                    if let Some(code) = reason {
                        r.extend(der::ctx(0, &der::enumerated(code)));
                    }
                    der::tlv(0xa1, &r)
                }
            };
            let mut f = vec![cert_id, status, der::generalized_time(s.this_update)];
            if let Some(n) = s.next_update {
                f.push(der::ctx(0, &der::generalized_time(n)));
            }
            if !s.extensions.is_empty() {
                f.push(der::ctx(1, &extensions(&s.extensions)));
            }
            der::seq(&f)
        })
        .collect();
    let mut tbs = Vec::new();
    if let Some(v) = spec.version {
        tbs.push(der::ctx(0, &der::int(v)));
    }
    tbs.push(if spec.by_key {
        der::ctx(2, &der::octets(&signer.key_id()))
    } else {
        der::ctx(1, &signer.subject_der())
    });
    tbs.push(der::generalized_time(spec.produced_at));
    tbs.push(der::seq(&singles));
    let mut exts = spec.extensions.clone();
    if let Some(n) = &spec.nonce {
        exts.push(("1.3.6.1.5.5.7.48.1.2".into(), false, der::octets(n)));
    }
    if !exts.is_empty() {
        tbs.push(der::ctx(1, &extensions(&exts)));
    }
    let tbs = der::seq(&tbs);
    let (md, alg) = if spec.sha1 {
        (
            Some(openssl::hash::MessageDigest::sha1()),
            der::seq(&[der::oid("1.2.840.113549.1.1.5"), der::null()]),
        )
    } else {
        crate::pki::sig_alg(&signer.key)
    };
    let sig = crate::pki::sign_raw(&signer.key, md, &tbs);
    let mut basic = vec![tbs, alg, der::bits(&sig)];
    if !spec.certs.is_empty() {
        let certs: Vec<Vec<u8>> = spec.certs.iter().map(|c| c.cert_der()).collect();
        basic.push(der::ctx(0, &der::seq(&certs)));
    }
    let basic = der::seq(&basic);
    der::seq(&[
        der::enumerated(0),
        der::ctx(
            0,
            &der::seq(&[der::oid("1.3.6.1.5.5.7.48.1.1"), der::octets(&basic)]),
        ),
    ])
}

/// An OCSPResponse with an error status and no responseBytes (`3` = tryLater).
pub fn error_response(status: u8) -> Vec<u8> {
    der::seq(&[der::enumerated(status)])
}
