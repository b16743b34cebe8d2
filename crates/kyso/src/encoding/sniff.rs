//! What a file holds, from its first bytes: enough to say "this is a PKCS#12 bundle, not a
//! certificate" or "this is a PDF, not a signature" instead of where a decoder stopped. Only
//! the outer structure is looked at (tags and lengths of the first few elements, RFC 5280,
//! RFC 5652, RFC 7292, RFC 5208/5958, RFC 8017, RFC 5915 shapes), never decoded further.

use crate::error::FileKind;

/// Bytes of a file worth looking at (PEM may follow a few lines of text, as in the output of
/// `openssl pkcs12 -nokeys`).
pub(crate) const HEAD: usize = 8192;

/// id-data, id-signedData and their siblings: 1.2.840.113549.1.7.x (RFC 5652 §4-§8).
const PKCS7_ARC: [u8; 8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/// Classify `data` (the whole file: a truncated one is told by its length).
pub(crate) fn sniff(data: &[u8]) -> FileKind {
    sniff_prefix(data, data.len())
}

/// Classify a file of `total` bytes from its first bytes `data` (at least [`HEAD`] of them
/// when the file has that many).
pub(crate) fn sniff_prefix(data: &[u8], total: usize) -> FileKind {
    if total == 0 {
        return FileKind::Empty;
    }
    if data.first() == Some(&0x30) {
        return der(data, total);
    }
    let head = &data[..data.len().min(HEAD)];
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    // PDF: "%PDF-" within the first 1024 bytes (ISO 32000-1 §7.5.2 allows junk before it).
    if find(&text[..text.len().min(1024)], b"%PDF-").is_some() {
        return FileKind::Pdf;
    }
    if text.starts_with(b"PK\x03\x04") || text.starts_with(b"PK\x05\x06") {
        return FileKind::Zip;
    }
    if let Some(at) = find(text, b"-----BEGIN ") {
        let rest = &text[at + 11..];
        if let Some(end) = find(rest, b"-----") {
            if let Ok(label) = std::str::from_utf8(&rest[..end]) {
                return FileKind::Pem {
                    label: label.trim().to_string(),
                };
            }
        }
    }
    if looks_like_text(text) {
        return FileKind::Text;
    }
    FileKind::Unknown
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// UTF-8 (a character cut at the end of the head is fine), no NUL, and almost only printable
/// characters and whitespace.
fn looks_like_text(t: &[u8]) -> bool {
    let valid = match std::str::from_utf8(t) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => match std::str::from_utf8(&t[..e.valid_up_to()]) {
            Ok(s) => s,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    let total = valid.chars().count();
    let control = valid
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    total > 0 && !valid.contains('\0') && control * 50 <= total
}

/// One element's header: (tag, header length, content length; `None` when indefinite).
fn header(d: &[u8]) -> Option<(u8, usize, Option<usize>)> {
    let tag = *d.first()?;
    if tag & 0x1f == 0x1f {
        return None; // high tag numbers do not occur in the shapes looked for
    }
    let l = *d.get(1)?;
    if l < 0x80 {
        return Some((tag, 2, Some(usize::from(l))));
    }
    if l == 0x80 {
        return Some((tag, 2, None));
    }
    let n = usize::from(l & 0x7f);
    if n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = len << 8 | usize::from(*d.get(2 + i)?);
    }
    Some((tag, 2 + n, Some(len)))
}

/// The elements at the start of a constructed element's contents (as many as are there,
/// at most `max`): (tag, contents), each cut to what `d` holds.
fn children(d: &[u8], max: usize) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let mut p = 0;
    while out.len() < max && p < d.len() {
        let Some((tag, h, len)) = header(&d[p..]) else {
            break;
        };
        let start = p + h;
        let end = len.map_or(d.len(), |l| (start + l).min(d.len()));
        if start > d.len() {
            break;
        }
        out.push((tag, &d[start..end]));
        if len.is_none() {
            break; // indefinite: its end is not known without decoding it
        }
        p = end;
    }
    out
}

fn der(data: &[u8], total: usize) -> FileKind {
    let Some((_, h, len)) = header(data) else {
        return FileKind::Asn1;
    };
    if let Some(len) = len {
        if h + len > total {
            return FileKind::Truncated {
                length: total,
                declared: h + len,
            };
        }
    }
    let body = &data[h.min(data.len())..];
    let body = len.map_or(body, |l| &body[..l.min(body.len())]);
    let top = children(body, 3);
    const SEQ: u8 = 0x30;
    const INT: u8 = 0x02;
    const OCTETS: u8 = 0x04;
    const OID: u8 = 0x06;
    let oid_is = |v: &[u8], last: u8| v.len() == 9 && v[..8] == PKCS7_ARC && v[8] == last;
    match top.as_slice() {
        // ContentInfo ::= SEQUENCE { contentType OID, [0] EXPLICIT content } (RFC 5652 §3).
        [(OID, oid), ..] if oid_is(oid, 2) => FileKind::SignedData,
        [(OID, oid), ..] if oid.len() == 9 && oid[..8] == PKCS7_ARC => FileKind::OtherCms {
            content_type: crate::encoding::asn1::oid_to_string(oid),
        },
        // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData } (RFC 7292 §4).
        [(INT, [3]), (SEQ, auth), ..] if matches!(children(auth, 1).first(), Some((OID, o)) if oid_is(o, 1) || oid_is(o, 2)) => {
            FileKind::Pkcs12
        }
        // PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958): version, algorithm, key.
        [(INT, [0 | 1]), (SEQ, _), (OCTETS, _)] => FileKind::PrivateKey,
        // RSAPrivateKey (RFC 8017 A.1.2): version 0, then modulus and exponents.
        [(INT, [0]), (INT, _), (INT, _)] => FileKind::PrivateKey,
        // ECPrivateKey (RFC 5915 §3): version 1, privateKey OCTET STRING.
        [(INT, [1]), (OCTETS, _), ..] => FileKind::PrivateKey,
        // EncryptedPrivateKeyInfo (RFC 5208 §6): AlgorithmIdentifier, encryptedData.
        [(SEQ, alg), (OCTETS, _)] if matches!(children(alg, 1).first(), Some((OID, _))) => {
            FileKind::EncryptedPrivateKey
        }
        // Certificate / CertificateList ::= SEQUENCE { tbs SEQUENCE, algorithm, signature }.
        [(SEQ, tbs), (SEQ, _), ..] => {
            let t = children(tbs, 5);
            let time = |tag: u8| tag == 0x17 || tag == 0x18;
            match t.as_slice() {
                // tbsCertificate v2/v3: [0] EXPLICIT version first (RFC 5280 §4.1).
                [(0xa0, _), ..] => FileKind::Certificate,
                // v1 certificate: serial, signature, issuer, validity SEQUENCE.
                [(INT, _), (SEQ, _), (SEQ, _), (SEQ, _), ..] => FileKind::Certificate,
                // v2 CRL: version, signature, issuer, thisUpdate (RFC 5280 §5.1).
                [(INT, _), (SEQ, _), (SEQ, _), (t, _), ..] if time(*t) => FileKind::Crl,
                // v1 CRL: no version.
                [(SEQ, _), (SEQ, _), (t, _), ..] if time(*t) => FileKind::Crl,
                _ => FileKind::Asn1,
            }
        }
        _ => FileKind::Asn1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_usual_files_apart() {
        assert_eq!(sniff(b""), FileKind::Empty);
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            FileKind::Pdf
        );
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x06\x00"), FileKind::Zip);
        assert_eq!(sniff("# Hồ sơ\n\nREADME\n".as_bytes()), FileKind::Text);
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), FileKind::Unknown);
        assert_eq!(
            sniff(b"Bag Attributes\n    localKeyID: 01\n-----BEGIN CERTIFICATE-----\nMII"),
            FileKind::Pem {
                label: "CERTIFICATE".into()
            }
        );
        // SEQUENCE claiming 0x100 bytes, 4 present.
        assert_eq!(
            sniff(&[0x30, 0x82, 0x01, 0x00, 0x30, 0x82]),
            FileKind::Truncated {
                length: 6,
                declared: 260
            }
        );
        // ContentInfo, indefinite length, id-signedData / id-envelopedData.
        let mut ci = vec![0x30, 0x80, 0x06, 0x09];
        ci.extend_from_slice(&PKCS7_ARC);
        ci.extend_from_slice(&[0x02, 0xa0, 0x80]);
        assert_eq!(sniff(&ci), FileKind::SignedData);
        ci[12] = 3;
        assert_eq!(
            sniff(&ci),
            FileKind::OtherCms {
                content_type: "1.2.840.113549.1.7.3".into()
            }
        );
        // RSAPrivateKey and ECPrivateKey shapes.
        assert_eq!(
            sniff(&[0x30, 0x09, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03]),
            FileKind::PrivateKey
        );
        assert_eq!(
            sniff(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0xaa]),
            FileKind::PrivateKey
        );
        assert_eq!(sniff(&[0x30, 0x03, 0x02, 0x01, 0x07]), FileKind::Asn1);
    }

    /// The test PKI's real files (testdata/README.md says how each was made).
    #[test]
    fn tells_the_test_pki_files_apart() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
        let kind = |f: &str| sniff(&std::fs::read(dir.join(f)).unwrap());
        assert_eq!(kind("pki/signer-rsa.der"), FileKind::Certificate);
        assert_eq!(kind("pki/root-rsa.der"), FileKind::Certificate);
        assert_eq!(kind("pki/signer-rsa.p12"), FileKind::Pkcs12);
        assert_eq!(kind("pki/signer-rsa.key.der"), FileKind::PrivateKey);
        assert_eq!(kind("samples/cong-van.txt.p7s"), FileKind::SignedData);
        assert_eq!(kind("samples/cong-van.txt"), FileKind::Text);
        assert_eq!(
            kind("pki/signer-rsa.pem"),
            FileKind::Pem {
                label: "CERTIFICATE".into()
            }
        );
        assert!(kind("pki/signer-rsa.enc.key").is_private_key());
        let der = std::fs::read(dir.join("pki/signer-rsa.der")).unwrap();
        assert!(matches!(
            sniff(&der[..100]),
            FileKind::Truncated { length: 100, .. }
        ));
    }
}
