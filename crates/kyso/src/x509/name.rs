//! Distinguished names rendered for people (RFC 4514 order), with Vietnamese text decoded
//! correctly from UTF8String, BMPString and the other X.520 string types.

use crate::encoding::asn1::{self, tag, Tlv};

/// UID prefixes used by Vietnamese CAs and what they identify (product contract).
pub const UID_PREFIXES: [(&str, &str, &str); 6] = [
    ("MST", "tax code", "mã số thuế"),
    ("CCCD", "citizen ID", "căn cước công dân"),
    ("CMND", "old ID card", "chứng minh nhân dân"),
    ("HC", "passport", "hộ chiếu"),
    ("BHXH", "social insurance", "bảo hiểm xã hội"),
    ("MNS", "budget unit code", "mã đơn vị quan hệ ngân sách"),
];

/// Short names for the attribute types seen in Vietnamese and EU certificates.
fn short_name(oid: &[u8]) -> Option<&'static str> {
    use der::asn1::ObjectIdentifier as Oid;
    const NAMES: [(Oid, &str); 17] = [
        (Oid::new_unwrap("2.5.4.3"), "CN"),
        (Oid::new_unwrap("2.5.4.4"), "SN"),
        (Oid::new_unwrap("2.5.4.5"), "serialNumber"),
        (Oid::new_unwrap("2.5.4.6"), "C"),
        (Oid::new_unwrap("2.5.4.7"), "L"),
        (Oid::new_unwrap("2.5.4.8"), "ST"),
        (Oid::new_unwrap("2.5.4.9"), "street"),
        (Oid::new_unwrap("2.5.4.10"), "O"),
        (Oid::new_unwrap("2.5.4.11"), "OU"),
        (Oid::new_unwrap("2.5.4.12"), "title"),
        (Oid::new_unwrap("2.5.4.42"), "GN"),
        (Oid::new_unwrap("2.5.4.97"), "organizationIdentifier"),
        (Oid::new_unwrap("0.9.2342.19200300.100.1.1"), "UID"),
        (Oid::new_unwrap("0.9.2342.19200300.100.1.25"), "DC"),
        (Oid::new_unwrap("1.2.840.113549.1.9.1"), "emailAddress"),
        (Oid::new_unwrap("2.5.4.46"), "dnQualifier"),
        (Oid::new_unwrap("2.5.4.65"), "pseudonym"),
    ];
    NAMES
        .iter()
        .find(|(o, _)| o.as_bytes() == oid)
        .map(|(_, n)| *n)
}

/// Decode an X.520 directory string to text. BMPString is UTF-16BE, UniversalString UTF-32BE,
/// T61String is treated as Latin-1 (what producers actually put there).
pub(crate) fn decode_string(t: &Tlv<'_>) -> Option<String> {
    match t.tag {
        tag::UTF8_STRING | tag::PRINTABLE_STRING | tag::IA5_STRING | 0x1a /* VisibleString */ | 0x12 /* NumericString */ => {
            std::str::from_utf8(t.value).ok().map(str::to_string)
        }
        tag::BMP_STRING => {
            if t.value.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = t.value.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).ok()
        }
        tag::UNIVERSAL_STRING => {
            if t.value.len() % 4 != 0 {
                return None;
            }
            t.value
                .chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        tag::T61_STRING => Some(t.value.iter().map(|b| char::from(*b)).collect()),
        _ => None,
    }
}

/// One attribute of a name, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameAttribute {
    pub key: String,
    pub value: String,
}

/// Decode a DER Name into attributes in encoded order (most general first).
pub(crate) fn attributes(name_der: &[u8]) -> asn1::Result<Vec<NameAttribute>> {
    let name = Tlv::parse_exact(name_der, "Name")?.expect(tag::SEQUENCE, "Name")?;
    let mut out = Vec::new();
    let mut rdns = name.reader();
    while !rdns.is_empty() {
        let rdn = rdns.expect(tag::SET, "RelativeDistinguishedName")?;
        let mut atvs = rdn.reader();
        while !atvs.is_empty() {
            let atv = atvs.expect(tag::SEQUENCE, "AttributeTypeAndValue")?;
            let mut r = atv.reader();
            let oid = r.expect(tag::OID, "attribute type")?.value;
            let value = r.read()?;
            let key = short_name(oid)
                .map(str::to_string)
                .unwrap_or_else(|| asn1::oid_to_string(oid));
            let value =
                decode_string(&value).unwrap_or_else(|| format!("#{}", hex::encode(value.raw)));
            out.push(NameAttribute { key, value });
        }
    }
    Ok(out)
}

/// Render a DER Name as an RFC 4514 string (most specific first: `CN=...,O=...,C=VN`).
pub(crate) fn render(name_der: &[u8]) -> String {
    match attributes(name_der) {
        Ok(attrs) => attrs
            .iter()
            .rev()
            .map(|a| format!("{}={}", a.key, escape(&a.value)))
            .collect::<Vec<_>>()
            .join(","),
        Err(_) => format!("#{}", hex::encode(name_der)),
    }
}

/// The common name, or the whole rendered name when there is none.
pub(crate) fn common_name(name_der: &[u8]) -> String {
    attributes(name_der)
        .ok()
        .and_then(|a| a.into_iter().rev().find(|a| a.key == "CN").map(|a| a.value))
        .unwrap_or_else(|| render(name_der))
}

/// RFC 4514 §2.4 escaping.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i + 1 == v.chars().count() && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The attributes of a name as kyso renders it (RFC 4514: `UID=CCCD:0351\\,x,CN=An`), most
/// specific first, with the escapes undone: what a report's `subject` holds, read back.
pub fn rendered_attributes(subject: &str) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for ch in subject.chars() {
        match (escaped, ch) {
            (true, c) => {
                cur.push(c);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, ',' | '+') => parts.push(std::mem::take(&mut cur)),
            (false, c) => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .filter_map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// Split a UID value such as `CCCD:001085012345` into its labelled prefix.
pub fn uid_label(value: &str) -> Option<(&'static str, &'static str, &'static str, &str)> {
    let (prefix, rest) = value.split_once(':')?;
    let p = prefix.trim().to_ascii_uppercase();
    UID_PREFIXES
        .iter()
        .find(|(k, _, _)| *k == p)
        .map(|(k, en, vi)| (*k, *en, *vi, rest.trim()))
}

/// Compare two DER Names. Byte equality first; otherwise the RFC 5280 §7.1 comparison in its
/// common form: same attributes in the same order, values equal after case folding and
/// whitespace compression.
pub(crate) fn names_match(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    // Path building compares names constantly; this walks both encodings without building
    // strings, and decodes and folds a value only when its bytes differ.
    match (rdns(a), rdns(b)) {
        (Some(x), Some(y)) => rdn_sequences_match(&x, &y, false),
        _ => false,
    }
}

/// True when the RDNs of `prefix` match the first RDNs of `name` (RFC 5280 §4.2.1.10
/// directoryName constraints, compared per §7.1).
pub(crate) fn name_has_prefix(prefix: &[u8], name: &[u8]) -> bool {
    match (rdns(prefix), rdns(name)) {
        (Some(x), Some(y)) => rdn_sequences_match(&x, &y, true),
        _ => false,
    }
}

/// RFC 5280 §7.1: names match RDN by RDN; two RDNs match when they have the same number of
/// attributes and each attribute of one matches an attribute of the other (an RDN is a SET,
/// so order within it does not matter, but one multi-valued RDN never matches several
/// single-valued ones).
fn rdn_sequences_match(x: &[Rdn<'_>], y: &[Rdn<'_>], prefix: bool) -> bool {
    let lengths_ok = if prefix {
        x.len() <= y.len()
    } else {
        x.len() == y.len()
    };
    lengths_ok
        && x.iter().zip(y).all(|(p, q)| {
            p.len() == q.len()
                && p.iter().all(|a| q.iter().any(|b| attributes_match(a, b)))
                && q.iter().all(|b| p.iter().any(|a| attributes_match(a, b)))
        })
}

fn attributes_match((ox, vx): &(&[u8], Tlv<'_>), (oy, vy): &(&[u8], Tlv<'_>)) -> bool {
    ox == oy
        && (vx.raw == vy.raw
            || matches!((decode_string(vx), decode_string(vy)),
                (Some(p), Some(q)) if fold(&p) == fold(&q)))
}

/// A byte string that is equal for two names exactly when [`names_match`] says they match:
/// RDN by RDN, each RDN's attributes as a sorted set of (type, value) with the value decoded
/// and folded (raw bytes when it cannot be decoded). Certificates compute it once, so path
/// building compares names by equality.
pub(crate) fn match_key(name_der: &[u8]) -> Vec<u8> {
    let Some(rdns) = rdns(name_der) else {
        // Not a parsable Name: only the identical encoding matches (as in names_match).
        let mut k = vec![0xff];
        k.extend_from_slice(name_der);
        return k;
    };
    fn push(k: &mut Vec<u8>, bytes: &[u8]) {
        k.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        k.extend_from_slice(bytes);
    }
    let mut k = Vec::with_capacity(name_der.len() + 8 * rdns.len());
    for rdn in rdns {
        let mut attrs: Vec<Vec<u8>> = rdn
            .iter()
            .map(|(oid, value)| {
                let mut a = Vec::new();
                push(&mut a, oid);
                match decode_string(value) {
                    Some(text) => push(&mut a, fold(&text).as_bytes()),
                    // Undecodable values match only byte for byte; mark them apart from text.
                    None => {
                        push(&mut a, &[0xff]);
                        push(&mut a, value.raw);
                    }
                }
                a
            })
            .collect();
        attrs.sort();
        k.extend_from_slice(&(attrs.len() as u32).to_be_bytes());
        for a in attrs {
            push(&mut k, &a);
        }
    }
    k
}

/// One RDN's (type OID, value) pairs, borrowed.
type Rdn<'a> = Vec<(&'a [u8], Tlv<'a>)>;

/// The RDNs of a DER Name in encoded order, borrowed.
fn rdns(name_der: &[u8]) -> Option<Vec<Rdn<'_>>> {
    let name = Tlv::parse_exact(name_der, "Name")
        .ok()?
        .expect(tag::SEQUENCE, "Name")
        .ok()?;
    let mut out = Vec::with_capacity(8);
    let mut rdns = name.reader();
    while !rdns.is_empty() {
        let mut atvs = rdns.expect(tag::SET, "RDN").ok()?.reader();
        let mut rdn = Vec::with_capacity(1);
        while !atvs.is_empty() {
            let mut r = atvs
                .expect(tag::SEQUENCE, "AttributeTypeAndValue")
                .ok()?
                .reader();
            let oid = r.expect(tag::OID, "attribute type").ok()?.value;
            rdn.push((oid, r.read().ok()?));
            if !r.is_empty() {
                return None;
            }
        }
        // X.501: a RelativeDistinguishedName is SET SIZE (1..MAX).
        if rdn.is_empty() {
            return None;
        }
        out.push(rdn);
    }
    Some(out)
}

/// RFC 4518-style comparison form: whitespace compressed, case folded.
pub(crate) fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Name from RDNs, each a list of (OID bytes, UTF8String value).
    fn name_rdns(rdns: &[&[(&[u8], &str)]]) -> Vec<u8> {
        let rdn_ders: Vec<Vec<u8>> = rdns
            .iter()
            .map(|rdn| {
                let atvs: Vec<Vec<u8>> = rdn
                    .iter()
                    .map(|(oid, v)| {
                        asn1::tlv(
                            tag::SEQUENCE,
                            &[
                                &asn1::tlv(tag::OID, &[oid]),
                                &asn1::tlv(tag::UTF8_STRING, &[v.as_bytes()]),
                            ],
                        )
                    })
                    .collect();
                asn1::tlv(
                    tag::SET,
                    &atvs.iter().map(Vec::as_slice).collect::<Vec<_>>(),
                )
            })
            .collect();
        asn1::tlv(
            tag::SEQUENCE,
            &rdn_ders.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        )
    }

    #[test]
    fn names_compare_rdn_by_rdn() {
        const O: &[u8] = &[0x55, 0x04, 0x0a];
        const CN: &[u8] = &[0x55, 0x04, 0x03];
        // One multi-valued RDN {O, CN} against two single-valued RDNs O, CN (RFC 5280 §7.1).
        let multi = name_rdns(&[&[(O, "Bộ Tư pháp"), (CN, "An")]]);
        let single = name_rdns(&[&[(O, "Bộ Tư pháp")], &[(CN, "An")]]);
        assert!(!names_match(&multi, &single));
        assert!(!names_match(&single, &multi));
        assert_ne!(match_key(&multi), match_key(&single));
        // Order inside an RDN does not matter (it is a SET); case and spaces are folded.
        let swapped = name_rdns(&[&[(CN, "an"), (O, "Bộ  Tư pháp")]]);
        assert!(names_match(&multi, &swapped));
        assert_eq!(match_key(&multi), match_key(&swapped));
        // Prefix matching for directoryName constraints is per RDN, too.
        let longer = name_rdns(&[&[(O, "Bộ Tư pháp")], &[(CN, "An")], &[(CN, "B")]]);
        assert!(name_has_prefix(&single, &longer));
        assert!(!name_has_prefix(&multi, &longer));
        let o_only = name_rdns(&[&[(O, "Bộ Tư pháp")]]);
        assert!(name_has_prefix(&o_only, &single));
        assert!(!name_has_prefix(&o_only, &multi));
    }

    fn name(attrs: &[(&str, u8, &[u8])]) -> Vec<u8> {
        let rdns: Vec<Vec<u8>> = attrs
            .iter()
            .map(|(oid, t, v)| {
                let o = der::asn1::ObjectIdentifier::new_unwrap(oid);
                let atv = asn1::tlv(
                    tag::SEQUENCE,
                    &[&asn1::tlv(tag::OID, &[o.as_bytes()]), &asn1::tlv(*t, &[v])],
                );
                asn1::tlv(tag::SET, &[&atv])
            })
            .collect();
        let parts: Vec<&[u8]> = rdns.iter().map(|r| r.as_slice()).collect();
        asn1::tlv(tag::SEQUENCE, &parts)
    }

    #[test]
    fn vietnamese_names_render_from_utf8_and_bmp() {
        let bmp: Vec<u8> = "Đặng Thị Giang"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let n = name(&[
            ("2.5.4.6", tag::PRINTABLE_STRING, b"VN"),
            (
                "2.5.4.10",
                tag::UTF8_STRING,
                "Sở Tư pháp, Hà Nội".as_bytes(),
            ),
            ("2.5.4.3", tag::BMP_STRING, &bmp),
            (
                "0.9.2342.19200300.100.1.1",
                tag::UTF8_STRING,
                b"CCCD:001085012345",
            ),
        ]);
        assert_eq!(
            render(&n),
            "UID=CCCD:001085012345,CN=Đặng Thị Giang,O=Sở Tư pháp\\, Hà Nội,C=VN"
        );
        assert_eq!(common_name(&n), "Đặng Thị Giang");
        assert_eq!(
            rendered_attributes(&render(&n)),
            vec![
                ("UID".to_string(), "CCCD:001085012345".to_string()),
                ("CN".to_string(), "Đặng Thị Giang".to_string()),
                ("O".to_string(), "Sở Tư pháp, Hà Nội".to_string()),
                ("C".to_string(), "VN".to_string()),
            ]
        );
        assert_eq!(
            uid_label("CCCD:001085012345").map(|l| l.1),
            Some("citizen ID")
        );
        assert_eq!(uid_label("XYZ:1"), None);
    }

    #[test]
    fn names_match_ignoring_case_and_spaces_but_not_order() {
        let a = name(&[("2.5.4.3", tag::UTF8_STRING, b"Nguyen  Van A")]);
        let b = name(&[("2.5.4.3", tag::PRINTABLE_STRING, b"nguyen van a")]);
        let c = name(&[("2.5.4.3", tag::UTF8_STRING, b"Nguyen Van B")]);
        assert!(names_match(&a, &b));
        assert!(!names_match(&a, &c));
    }
}
