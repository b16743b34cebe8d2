//! A minimal DER writer (X.690 §10): just enough to build extensions, CRLs and CMS
//! SignedData by hand, so that tests control every byte (reason codes, SHA-1, no signed
//! attributes...) that the OpenSSL builders do not expose.

/// A tag and its contents, DER-encoded with a definite length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// SEQUENCE of already-encoded elements.
pub fn seq(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

/// SET OF already-encoded elements, sorted by their encodings as DER requires (§11.6).
pub fn set_of(items: &[Vec<u8>]) -> Vec<u8> {
    let mut v = items.to_vec();
    v.sort();
    tlv(0x31, &v.concat())
}

/// Context-specific constructed `[n]` (EXPLICIT tagging or IMPLICIT of a constructed type).
pub fn ctx(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

/// Context-specific primitive `[n]` (IMPLICIT of a primitive type, e.g. a GeneralName URI).
pub fn ctx_prim(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0x80 | n, content)
}

/// OBJECT IDENTIFIER from its dotted form. Panics on a malformed OID (test input).
pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|a| a.parse().unwrap_or_else(|_| panic!("bad OID {dotted}")))
        .collect();
    assert!(arcs.len() >= 2, "bad OID {dotted}");
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend_from_slice(&tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    tlv(0x06, &body)
}

/// INTEGER from big-endian unsigned magnitude bytes (a leading zero is added when needed).
pub fn uint(bytes: &[u8]) -> Vec<u8> {
    let skip = bytes
        .iter()
        .take_while(|b| **b == 0)
        .count()
        .min(bytes.len().saturating_sub(1));
    let mut b = bytes[skip..].to_vec();
    if b.is_empty() {
        b.push(0);
    }
    if b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    tlv(0x02, &b)
}

/// INTEGER from a small non-negative number.
pub fn int(v: u64) -> Vec<u8> {
    uint(&v.to_be_bytes())
}

/// ENUMERATED.
pub fn enumerated(v: u8) -> Vec<u8> {
    tlv(0x0a, &[v])
}

/// BOOLEAN.
pub fn boolean(v: bool) -> Vec<u8> {
    tlv(0x01, &[if v { 0xff } else { 0 }])
}

/// NULL.
pub fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}

/// OCTET STRING.
pub fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

/// BIT STRING with no unused bits.
pub fn bits(b: &[u8]) -> Vec<u8> {
    let mut c = vec![0];
    c.extend_from_slice(b);
    tlv(0x03, &c)
}

/// A named BIT STRING (X.680 §22.7: trailing zero bits removed) from bit positions.
pub fn named_bits(positions: &[u8]) -> Vec<u8> {
    let Some(max) = positions.iter().copied().max() else {
        return tlv(0x03, &[0]);
    };
    let nbytes = max as usize / 8 + 1;
    let mut b = vec![0u8; nbytes];
    for p in positions {
        b[*p as usize / 8] |= 0x80 >> (p % 8);
    }
    let unused = 7 - max % 8;
    let mut c = vec![unused];
    c.extend_from_slice(&b);
    tlv(0x03, &c)
}

/// UTF8String.
pub fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0c, s.as_bytes())
}

/// IA5String.
pub fn ia5(s: &str) -> Vec<u8> {
    tlv(0x16, s.as_bytes())
}

/// UTCTime (before 2050) or GeneralizedTime (RFC 5280 §4.1.2.5) from a Unix time.
pub fn time(unix: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = civil(unix);
    if (1950..2050).contains(&y) {
        let t = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100);
        tlv(0x17, t.as_bytes())
    } else {
        let t = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        tlv(0x18, t.as_bytes())
    }
}

/// GeneralizedTime (for CRL entry invalidityDate-like fields, always this form).
pub fn generalized_time(unix: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = civil(unix);
    tlv(
        0x18,
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z").as_bytes(),
    )
}

/// Unix time to (year, month, day, hour, minute, second), proleptic Gregorian, UTC.
fn civil(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}

/// Parse `YYYY-MM-DDTHH:MM:SSZ` (the only RFC 3339 form the kit uses) to a Unix time.
pub fn parse_rfc3339(s: &str) -> i64 {
    let bad = || panic!("time {s:?} is not YYYY-MM-DDTHH:MM:SSZ");
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        bad();
    }
    let n = |r: std::ops::Range<usize>| -> i64 { s[r].parse().unwrap_or_else(|_| bad()) };
    let (y, mo, d) = (n(0..4), n(5..7), n(8..10));
    let (h, mi, se) = (n(11..13), n(14..16), n(17..19));
    // days_from_civil.
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2.rem_euclid(400);
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + h * 3600 + mi * 60 + se
}

/// Split a DER element at the start of `der` into (tag, header length, content length).
pub fn header(der: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *der.first()?;
    let first = *der.get(1)? as usize;
    if first < 0x80 {
        return Some((tag, 2, first));
    }
    let n = first & 0x7f;
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *der.get(2 + i)? as usize;
    }
    Some((tag, 2 + n, len))
}

/// The encoded children of the constructed element at the start of `der` (as many as are
/// whole: a truncated or malformed element ends the list, it does not panic).
pub fn children(der: &[u8]) -> Vec<&[u8]> {
    let Some(mut rest) = header(der).and_then(|(_, h, len)| der.get(h..h + len)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Some(child) = header(rest).and_then(|(_, h2, l2)| rest.get(..h2 + l2)) {
        out.push(child);
        rest = &rest[child.len()..];
    }
    out
}

/// Each SignerInfo of the DER ContentInfo/SignedData `sig` without its `unsignedAttrs [1]`
/// (RFC 5652 §5.3): what a signature covers or identifies, which augmenting it (time-stamps,
/// archive time-stamps) must never change. Read by hand: the `cms` crate cannot decode an
/// RFC 5940 OCSP entry in `crls`.
pub fn signed_parts(sig: &[u8]) -> Vec<Vec<u8>> {
    let signed_data = children(children(sig)[1])[0];
    let signer_infos = *children(signed_data).last().expect("signerInfos");
    children(signer_infos)
        .into_iter()
        .map(|si| {
            children(si)
                .into_iter()
                .filter(|t| t[0] != 0xA1)
                .flatten()
                .copied()
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        let t = parse_rfc3339("2026-06-01T00:00:00Z");
        assert_eq!(t, 1_780_272_000);
        assert_eq!(time(t), tlv(0x17, b"260601000000Z"));
        assert_eq!(
            time(parse_rfc3339("2050-01-01T00:00:00Z")),
            tlv(0x18, b"20500101000000Z")
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
        assert_eq!(parse_rfc3339("2024-02-29T12:34:56Z") % 86_400, 45_296);
    }

    #[test]
    fn encodings() {
        assert_eq!(oid("2.5.29.19"), vec![6, 3, 0x55, 0x1d, 0x13]);
        assert_eq!(
            oid("1.2.840.113549"),
            vec![6, 6, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]
        );
        assert_eq!(int(0), vec![2, 1, 0]);
        assert_eq!(int(128), vec![2, 2, 0, 128]);
        // digitalSignature(0), nonRepudiation(1): 03 02 06 c0
        assert_eq!(named_bits(&[0, 1]), vec![3, 2, 6, 0xc0]);
        // keyCertSign(5), cRLSign(6): 03 02 01 06
        assert_eq!(named_bits(&[5, 6]), vec![3, 2, 1, 0x06]);
        let long = tlv(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[4, 0x82, 1, 44]);
        assert_eq!(children(&seq(&[int(1), int(2)])).len(), 2);
    }
}
