//! What a `.sig` file holds, from its first bytes. `.sig` is also the usual name of OpenPGP
//! (`gpg --detach-sign`), SSH (`ssh-keygen -Y sign`), minisign and signify signatures, so
//! `kyso verify DIR` verifies a `.sig` only when it is CMS and reports the others as skipped:
//! they are not signatures kyso can judge, and not failures of the document.

use kyso::Lang;

/// How many leading bytes `sniff` needs (PEM or base64 may follow a few lines of whitespace).
pub const HEAD: usize = 4096;

/// The format of a signature file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A CMS / PKCS#7 ContentInfo of type signedData (DER, BER, PEM or base64).
    Cms,
    /// OpenPGP (RFC 9580): a binary signature packet or an ASCII-armoured signature.
    OpenPgp,
    /// An SSH signature (`ssh-keygen -Y sign`, PROTOCOL.sshsig).
    Ssh,
    /// minisign or signify (both start with an "untrusted comment:" line).
    Minisign,
    /// ASN.1 DER/BER, but not a SignedData (a certificate, say).
    OtherAsn1,
    /// A PDF with no signature in it (no /ByteRange anywhere, ISO 32000-1 §12.8.1).
    UnsignedPdf,
    /// Nothing kyso recognises.
    Unknown,
}

impl Format {
    /// Stable name for JSON and JUnit.
    pub fn code(self) -> &'static str {
        match self {
            Format::Cms => "cms",
            Format::OpenPgp => "openpgp",
            Format::Ssh => "ssh",
            Format::Minisign => "minisign",
            Format::OtherAsn1 => "asn1-not-signed-data",
            Format::UnsignedPdf => "pdf-unsigned",
            Format::Unknown => "unknown",
        }
    }

    /// "an OpenPGP signature, not CMS (check it with gpg --verify)".
    pub fn describe(self, lang: Lang) -> String {
        let (what, tool) = match self {
            Format::Cms => return lang.pick("a CMS signature", "chữ ký CMS").into(),
            Format::UnsignedPdf => {
                return lang
                    .pick("a PDF without a signature", "tệp PDF không có chữ ký số")
                    .into()
            }
            Format::OpenPgp => (
                lang.pick("an OpenPGP signature", "chữ ký OpenPGP"),
                Some("gpg --verify"),
            ),
            Format::Ssh => (
                lang.pick("an SSH signature", "chữ ký SSH"),
                Some("ssh-keygen -Y verify"),
            ),
            Format::Minisign => (
                lang.pick("a minisign/signify signature", "chữ ký minisign/signify"),
                Some("minisign -V"),
            ),
            Format::OtherAsn1 => (
                lang.pick(
                    "ASN.1 data that is not a SignedData",
                    "dữ liệu ASN.1 không phải SignedData",
                ),
                None,
            ),
            Format::Unknown => (
                lang.pick("not recognised", "không nhận dạng được định dạng"),
                None,
            ),
        };
        let mut s = format!("{what}, {}", lang.pick("not CMS", "không phải CMS"));
        if let Some(t) = tool {
            s.push_str(&format!(
                " ({} {t})",
                lang.pick("check it with", "kiểm tra bằng")
            ));
        }
        s
    }
}

/// The DER contents octets of id-signedData, 1.2.840.113549.1.7.2 (RFC 5652 §5.1).
const SIGNED_DATA_OID: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];

/// Classify a file from its first bytes (up to [`HEAD`]).
pub fn sniff(head: &[u8]) -> Format {
    match head.first() {
        Some(0x30) => return asn1(head),
        // OpenPGP packet tag 2 (Signature): old format 0b10_0010_xx, new format 0xc2 (RFC 9580 §4.2).
        Some(0x88..=0x8b | 0xc2) => return Format::OpenPgp,
        _ => {}
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let text = &text[start.unwrap_or(text.len())..];
    let armour = [
        (&b"-----BEGIN PKCS7-----"[..], Format::Cms),
        (b"-----BEGIN CMS-----", Format::Cms),
        (b"-----BEGIN PKCS #7 SIGNED DATA-----", Format::Cms),
        (b"-----BEGIN PGP SIGNATURE-----", Format::OpenPgp),
        (b"-----BEGIN PGP SIGNED MESSAGE-----", Format::OpenPgp),
        (b"-----BEGIN SSH SIGNATURE-----", Format::Ssh),
        (b"untrusted comment:", Format::Minisign),
    ];
    if let Some((_, f)) = armour.iter().find(|(p, _)| text.starts_with(p)) {
        return *f;
    }
    // Bare base64 of a DER SEQUENCE starts with "M" (0x30 = 001100 00...).
    if text.first() == Some(&b'M') {
        let der = base64_prefix(text, 24);
        if der.first() == Some(&0x30) {
            return asn1(&der);
        }
    }
    Format::Unknown
}

/// A ContentInfo starts SEQUENCE, length (short, long or indefinite), OBJECT IDENTIFIER.
fn asn1(der: &[u8]) -> Format {
    let len_octets = match der.get(1) {
        Some(&b) if b <= 0x80 => 1,
        Some(&b) if (0x81..=0x84).contains(&b) => 1 + usize::from(b & 0x7f),
        _ => return Format::OtherAsn1,
    };
    let oid = der.get(1 + len_octets..1 + len_octets + 2 + SIGNED_DATA_OID.len());
    match oid {
        Some(o) if o[..2] == [0x06, 0x09] && o[2..] == SIGNED_DATA_OID => Format::Cms,
        _ => Format::OtherAsn1,
    }
}

/// Decode up to `n` bytes from the start of base64 text (RFC 4648, whitespace skipped).
fn base64_prefix(text: &[u8], n: usize) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::with_capacity(n));
    for c in text.iter().copied().filter(|c| !c.is_ascii_whitespace()) {
        let Some(v) = value(c) else { break };
        acc = (acc << 6 | u32::from(v)) & 0xfff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            if out.len() == n {
                break;
            }
        }
    }
    out
}

/// Classify the file at `path` (`None` when it cannot be read: let verification report that).
pub fn sniff_file(path: &std::path::Path) -> Option<Format> {
    use std::io::Read;
    let mut head = Vec::with_capacity(HEAD);
    std::fs::File::open(path)
        .and_then(|f| f.take(HEAD as u64).read_to_end(&mut head))
        .ok()?;
    Some(sniff(&head))
}

/// True when the PDF at `path` holds no /ByteRange anywhere, so no signature (a signature
/// dictionary's /ByteRange must be in the file itself for its /Contents hole to exist). Read
/// in 1 MiB chunks; an unreadable file is not called unsigned (its error gets reported).
pub fn pdf_is_unsigned(path: &std::path::Path) -> bool {
    use std::io::Read;
    const NEEDLE: &[u8] = b"/ByteRange";
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => n,
            Err(_) => return false,
        };
        carry.extend_from_slice(&buf[..n]);
        if carry.windows(NEEDLE.len()).any(|w| w == NEEDLE) {
            return false;
        }
        let keep = carry.len().saturating_sub(NEEDLE.len() - 1);
        carry.drain(..keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_cms_from_other_signature_formats() {
        let cms_der = [
            0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
        ];
        assert_eq!(sniff(&cms_der), Format::Cms);
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend_from_slice(&cms_der[2..]);
        assert_eq!(sniff(&long), Format::Cms);
        // id-data instead of id-signedData, and a certificate (SEQUENCE, SEQUENCE).
        let mut data = cms_der;
        data[12] = 0x01;
        assert_eq!(sniff(&data), Format::OtherAsn1);
        assert_eq!(
            sniff(&[0x30, 0x82, 0x01, 0x00, 0x30, 0x82]),
            Format::OtherAsn1
        );
        assert_eq!(sniff(b"\n-----BEGIN PKCS7-----\nMIA..."), Format::Cms);
        // "MIAGCSqGSIb3DQEHAqCA" is base64 of 30 80 06 09 2a 86 48 86 f7 0d 01 07 02 a0 80.
        assert_eq!(sniff(b"MIAGCSqG\r\nSIb3DQEHAqCA"), Format::Cms);
        assert_eq!(sniff(b"MIIBCgKCAQEA"), Format::OtherAsn1);
        assert_eq!(sniff(&[0x89, 0x01, 0x33, 0x04]), Format::OpenPgp);
        assert_eq!(sniff(&[0xc2, 0xc0, 0x73]), Format::OpenPgp);
        assert_eq!(sniff(b"-----BEGIN PGP SIGNATURE-----\n"), Format::OpenPgp);
        assert_eq!(sniff(b"-----BEGIN SSH SIGNATURE-----\n"), Format::Ssh);
        assert_eq!(
            sniff(b"untrusted comment: signature from minisign"),
            Format::Minisign
        );
        assert_eq!(sniff(b"hello"), Format::Unknown);
        assert_eq!(sniff(b""), Format::Unknown);
        assert_eq!(sniff(&[0x30]), Format::OtherAsn1);
    }
}
