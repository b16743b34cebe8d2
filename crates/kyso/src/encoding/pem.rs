//! PEM (RFC 7468) decoding, with no foreign types in the interface.

use crate::error::Error;

/// A PEM block: its label and the decoded DER.
pub(crate) type Block = (String, Vec<u8>);

/// Most PEM files kyso meets are small; a bundle larger than this is refused instead of decoded.
pub(crate) const MAX_PEM: usize = 256 << 20;

/// If `data` looks like PEM, its blocks as (label, DER). `None` when it is not PEM at all.
pub(crate) fn blocks(data: &[u8]) -> Option<Result<Vec<Block>, Error>> {
    if data.first() == Some(&0x30) || !contains(data, b"-----BEGIN ") {
        return None;
    }
    Some(parse(data))
}

/// `der` as a PEM block labelled `label`, 64 base64 characters a line (RFC 7468 §2).
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = openssl::base64::encode_block(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|w| w == needle)
}

fn parse(data: &[u8]) -> Result<Vec<Block>, Error> {
    if data.len() > MAX_PEM {
        return Err(Error::Format(format!(
            "PEM input larger than {} MiB",
            MAX_PEM >> 20
        )));
    }
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut b64 = String::new();
        let mut closed = false;
        for l in lines.by_ref() {
            let l = l.trim();
            if l == end {
                closed = true;
                break;
            }
            // RFC 1421 headers (Proc-Type, DEK-Info) are not base64.
            if !l.contains(':') {
                b64.push_str(l);
            }
        }
        if !closed {
            return Err(Error::Format(format!(
                "PEM block '{label}' has no END line (truncated file?)"
            )));
        }
        let der = openssl::base64::decode_block(&b64)
            .map_err(|_| Error::Format(format!("PEM block '{label}' is not valid base64")))?;
        out.push((label.to_string(), der));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_blocks_and_reports_truncation() {
        let pem = b"junk\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
        let b = blocks(pem).unwrap().unwrap();
        assert_eq!(b, vec![("CERTIFICATE".to_string(), vec![0x30, 0x00])]);
        assert!(blocks(b"\x30\x00").is_none());
        assert!(blocks(b"-----BEGIN X-----\nMAA=\n").unwrap().is_err());
    }
}
