//! OCSP test fixtures: responder certificates, the `openssl ocsp` index file, responses made
//! by the real `openssl ocsp` (the one place in this kit that runs the OpenSSL CLI: interop
//! with a real responder is the point of those tests), and RFC 5940 RevocationInfoChoices for
//! embedding a response in a SignedData's `crls` field ([`crate::CmsSpec::crls`]).

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
/// `-resp_key_id`, `-rother FILE`, ...). Returns the DER response. Files go into `dir`.
pub fn openssl_respond(
    dir: &Path,
    index: &[String],
    ca: &Issued,
    signer: &Issued,
    request_der: &[u8],
    extra: &[&str],
) -> Vec<u8> {
    std::fs::write(dir.join("index.txt"), index.concat()).expect("write index");
    std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n").expect("write attr");
    ca.write(dir, "ocsp-ca");
    signer.write(dir, "ocsp-signer");
    std::fs::write(dir.join("req.der"), request_der).expect("write request");
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
        .expect("run openssl ocsp");
    assert!(
        out.status.success(),
        "openssl ocsp failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&resp).expect("openssl ocsp wrote no response")
}

/// A RevocationInfoChoice `other [1] IMPLICIT OtherRevocationInfoFormat` holding an OCSP
/// response (RFC 5940 §4.1, id-ri-ocsp-response), to put in [`crate::CmsSpec::crls`].
pub fn revocation_info_choice(response_der: &[u8]) -> Vec<u8> {
    let mut content = der::oid("1.3.6.1.5.5.7.16.2");
    content.extend_from_slice(response_der);
    der::tlv(0xa1, &content)
}
