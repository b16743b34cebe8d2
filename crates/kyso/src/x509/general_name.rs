//! GeneralName (RFC 5280 §4.2.1.6) and the structures built from it that path validation
//! needs: subject alternative names, name constraints subtrees (§4.2.1.10), CRL distribution
//! points (§4.2.1.13) and issuing distribution points (§5.2.5). Parsed with kyso's own bounded
//! DER reader so that unsupported name forms are kept (a critical name constraint on a form
//! kyso cannot check must reject the path) and raw directory names can be compared per §7.1.
//!
//! ```text
//! GeneralName ::= CHOICE {
//!      otherName                       [0]     OtherName,
//!      rfc822Name                      [1]     IA5String,
//!      dNSName                         [2]     IA5String,
//!      x400Address                     [3]     ORAddress,
//!      directoryName                   [4]     Name,
//!      ediPartyName                    [5]     EDIPartyName,
//!      uniformResourceIdentifier       [6]     IA5String,
//!      iPAddress                       [7]     OCTET STRING,
//!      registeredID                    [8]     OBJECT IDENTIFIER }
//! ```

use crate::encoding::asn1::{self, tag, Reader, Tlv};

/// Names in one GeneralNames (and subtrees in one nameConstraints) are bounded so hostile
/// extensions cannot exhaust memory; real certificates carry a handful. 4096 admits the
/// Chromium "many-names" test certificate (about 1000 names of each form); the work of
/// checking names against constraints has its own budget (name_constraints.rs).
const MAX_NAMES: usize = 4_096;

/// One GeneralName, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GeneralName {
    /// rfc822Name.
    Email(String),
    /// dNSName.
    Dns(String),
    /// directoryName: the DER of the Name.
    Directory(Vec<u8>),
    /// uniformResourceIdentifier.
    Uri(String),
    /// iPAddress: 4 or 16 bytes in a SAN, 8 or 32 (address and mask) in a name constraint.
    Ip(Vec<u8>),
    /// otherName, x400Address, ediPartyName, registeredID: kept by their tag number.
    Other(u8),
}

impl GeneralName {
    /// The name form, for messages and "same form" tests.
    pub(crate) fn form(&self) -> &'static str {
        match self {
            GeneralName::Email(_) => "rfc822Name",
            GeneralName::Dns(_) => "dNSName",
            GeneralName::Directory(_) => "directoryName",
            GeneralName::Uri(_) => "uniformResourceIdentifier",
            GeneralName::Ip(_) => "iPAddress",
            GeneralName::Other(0) => "otherName",
            GeneralName::Other(3) => "x400Address",
            GeneralName::Other(5) => "ediPartyName",
            GeneralName::Other(8) => "registeredID",
            GeneralName::Other(_) => "unknown name form",
        }
    }

    /// Human rendering, for evidence in errors.
    pub(crate) fn render(&self) -> String {
        match self {
            GeneralName::Email(s) => format!("email:{s}"),
            GeneralName::Dns(s) => format!("DNS:{s}"),
            GeneralName::Directory(d) => format!("DirName:{}", crate::x509::name::render(d)),
            GeneralName::Uri(s) => format!("URI:{s}"),
            GeneralName::Ip(b) => format!("IP:{}", render_ip(b)),
            GeneralName::Other(_) => self.form().to_string(),
        }
    }

    fn parse(t: Tlv<'_>) -> asn1::Result<Self> {
        let text = |v: &[u8]| {
            std::str::from_utf8(v)
                .ok()
                .filter(|s| s.is_ascii())
                .map(str::to_string)
                .ok_or_else(|| asn1::Asn1Error {
                    what: "GeneralName: IA5String is not ASCII".into(),
                })
        };
        Ok(match t.tag {
            0x81 => GeneralName::Email(text(t.value)?),
            0x82 => GeneralName::Dns(text(t.value)?),
            0x86 => GeneralName::Uri(text(t.value)?),
            0x87 => GeneralName::Ip(t.value.to_vec()),
            0xa4 => {
                // [4] is EXPLICIT because Name is a CHOICE (RFC 5280 Appendix A.2).
                let inner = Tlv::parse_exact(t.value, "directoryName")?;
                GeneralName::Directory(inner.expect(tag::SEQUENCE, "directoryName")?.raw.to_vec())
            }
            0xa0 | 0xa3 | 0xa5 | 0x88 => GeneralName::Other(t.tag & 0x1f),
            _ => return asn1::err(format!("GeneralName: unexpected tag 0x{:02x}", t.tag)),
        })
    }
}

/// Parse the contents of a GeneralNames SEQUENCE (or an IMPLICIT-tagged one).
pub(crate) fn parse_names(mut r: Reader<'_>) -> asn1::Result<Vec<GeneralName>> {
    let mut out = Vec::new();
    while !r.is_empty() {
        if out.len() >= MAX_NAMES {
            return asn1::err("GeneralNames: too many names");
        }
        out.push(GeneralName::parse(r.read()?)?);
    }
    Ok(out)
}

/// subjectAltName / issuerAltName extension value (RFC 5280 §4.2.1.6).
pub(crate) fn parse_alt_names(ext_value: &[u8]) -> asn1::Result<Vec<GeneralName>> {
    let seq = Tlv::parse_exact(ext_value, "GeneralNames")?.expect(tag::SEQUENCE, "GeneralNames")?;
    parse_names(seq.reader())
}

/// One GeneralSubtree (RFC 5280 §4.2.1.10). minimum and maximum are not used ("minimum MUST
/// be zero, maximum MUST be absent"); a subtree carrying other values is kept as unsupported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subtree {
    pub base: GeneralName,
    /// False when minimum/maximum are set to values the profile forbids.
    pub supported: bool,
}

/// The nameConstraints extension.
///
/// ```text
/// NameConstraints ::= SEQUENCE {
///      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
///      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
/// GeneralSubtree ::= SEQUENCE {
///      base                    GeneralName,
///      minimum         [0]     BaseDistance DEFAULT 0,
///      maximum         [1]     BaseDistance OPTIONAL }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameConstraints {
    pub permitted: Option<Vec<Subtree>>,
    pub excluded: Vec<Subtree>,
    pub critical: bool,
}

pub(crate) fn parse_name_constraints(
    ext_value: &[u8],
    critical: bool,
) -> asn1::Result<NameConstraints> {
    let seq =
        Tlv::parse_exact(ext_value, "NameConstraints")?.expect(tag::SEQUENCE, "NameConstraints")?;
    let mut r = seq.reader();
    let subtrees = |t: Tlv<'_>| -> asn1::Result<Vec<Subtree>> {
        let mut out = Vec::new();
        let mut r = t.reader();
        while !r.is_empty() {
            if out.len() >= MAX_NAMES {
                return asn1::err("NameConstraints: too many subtrees");
            }
            let st = r.expect(tag::SEQUENCE, "GeneralSubtree")?;
            let mut s = st.reader();
            let base = GeneralName::parse(s.read()?)?;
            let mut supported = true;
            if let Some(min) = s.optional(tag::ctx_prim(0))? {
                supported &= min.value.iter().all(|b| *b == 0);
            }
            if s.optional(tag::ctx_prim(1))?.is_some() {
                supported = false;
            }
            s.finish("GeneralSubtree")?;
            out.push(Subtree { base, supported });
        }
        Ok(out)
    };
    let permitted = r.optional(tag::ctx_cons(0))?.map(subtrees).transpose()?;
    let excluded = r
        .optional(tag::ctx_cons(1))?
        .map(subtrees)
        .transpose()?
        .unwrap_or_default();
    r.finish("NameConstraints")?;
    // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where name constraints
    // is an empty sequence."
    if permitted.is_none() && excluded.is_empty() {
        return asn1::err("NameConstraints: empty sequence");
    }
    Ok(NameConstraints {
        permitted,
        excluded,
        critical,
    })
}

/// DistributionPointName (RFC 5280 §4.2.1.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DistributionPointName {
    FullName(Vec<GeneralName>),
    /// The DER of the RelativeDistinguishedName (a SET), to be appended to the CRL issuer's name.
    RelativeToIssuer(Vec<u8>),
}

impl DistributionPointName {
    fn parse(t: Tlv<'_>) -> asn1::Result<Self> {
        // distributionPoint [0] is EXPLICIT-like because DistributionPointName is a CHOICE.
        let inner = Tlv::parse_exact(t.value, "DistributionPointName")?;
        match inner.tag {
            0xa0 => Ok(DistributionPointName::FullName(parse_names(
                inner.reader(),
            )?)),
            0xa1 => Ok(DistributionPointName::RelativeToIssuer(asn1::tlv(
                tag::SET,
                &[inner.value],
            ))),
            t => asn1::err(format!("DistributionPointName: unexpected tag 0x{t:02x}")),
        }
    }

    /// The names this distribution point name stands for; a relative name becomes the
    /// issuer's name with the RDN appended (RFC 5280 §4.2.1.13).
    pub(crate) fn names(&self, crl_issuer: &[u8]) -> Vec<GeneralName> {
        match self {
            DistributionPointName::FullName(n) => n.clone(),
            DistributionPointName::RelativeToIssuer(rdn) => {
                let contents = Tlv::parse_exact(crl_issuer, "Name")
                    .map(|t| t.value)
                    .unwrap_or_default();
                vec![GeneralName::Directory(asn1::tlv(
                    tag::SEQUENCE,
                    &[contents, rdn],
                ))]
            }
        }
    }
}

/// ReasonFlags as a bit mask: bit n is the n-th named bit of RFC 5280 §4.2.1.13
/// (1 keyCompromise .. 8 aACompromise; bit 0 "unused" is ignored).
pub(crate) const ALL_REASONS: u16 = 0x1fe;

fn parse_reason_flags(t: Tlv<'_>) -> asn1::Result<u16> {
    // BIT STRING: first octet is the count of unused bits; named bit 0 is the MSB of octet 1.
    let v = t.value;
    if v.is_empty() || v.len() > 3 {
        return asn1::err("ReasonFlags: bad length");
    }
    let mut mask = 0u16;
    for (i, byte) in v[1..].iter().enumerate() {
        for b in 0..8 {
            if byte & (0x80 >> b) != 0 {
                mask |= 1 << (i * 8 + b);
            }
        }
    }
    Ok(mask & ALL_REASONS)
}

/// One DistributionPoint of a certificate's cRLDistributionPoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DistributionPoint {
    pub name: Option<DistributionPointName>,
    /// ReasonFlags mask; `None` means all reasons.
    pub reasons: Option<u16>,
    pub crl_issuer: Option<Vec<GeneralName>>,
}

/// One AccessDescription of authorityInfoAccess (RFC 5280 §4.2.2.1): the accessMethod OID
/// (dotted) and the accessLocation.
pub(crate) type AccessDescription = (String, GeneralName);

/// authorityInfoAccess extension value (RFC 5280 §4.2.2.1).
///
/// ```text
/// AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
/// AccessDescription ::= SEQUENCE { accessMethod OBJECT IDENTIFIER, accessLocation GeneralName }
/// ```
pub(crate) fn parse_access_descriptions(ext_value: &[u8]) -> asn1::Result<Vec<AccessDescription>> {
    let seq = Tlv::parse_exact(ext_value, "AuthorityInfoAccess")?
        .expect(tag::SEQUENCE, "AuthorityInfoAccess")?;
    let mut r = seq.reader();
    let mut out = Vec::new();
    while !r.is_empty() {
        if out.len() >= MAX_NAMES {
            return asn1::err("AuthorityInfoAccess: too many access descriptions");
        }
        let mut d = r.expect(tag::SEQUENCE, "AccessDescription")?.reader();
        let method = d.expect(tag::OID, "accessMethod")?;
        let location = GeneralName::parse(d.read()?)?;
        d.finish("AccessDescription")?;
        out.push((asn1::oid_to_string(method.value), location));
    }
    Ok(out)
}

pub(crate) fn parse_distribution_points(ext_value: &[u8]) -> asn1::Result<Vec<DistributionPoint>> {
    let seq = Tlv::parse_exact(ext_value, "CRLDistributionPoints")?
        .expect(tag::SEQUENCE, "CRLDistributionPoints")?;
    let mut out = Vec::new();
    let mut r = seq.reader();
    while !r.is_empty() {
        if out.len() >= MAX_NAMES {
            return asn1::err("CRLDistributionPoints: too many points");
        }
        let dp = r.expect(tag::SEQUENCE, "DistributionPoint")?;
        let mut d = dp.reader();
        let name = d
            .optional(tag::ctx_cons(0))?
            .map(DistributionPointName::parse)
            .transpose()?;
        let reasons = d
            .optional(tag::ctx_prim(1))?
            .map(parse_reason_flags)
            .transpose()?;
        let crl_issuer = d
            .optional(tag::ctx_cons(2))?
            .map(|t| parse_names(t.reader()))
            .transpose()?;
        d.finish("DistributionPoint")?;
        out.push(DistributionPoint {
            name,
            reasons,
            crl_issuer,
        });
    }
    Ok(out)
}

/// issuingDistributionPoint (RFC 5280 §5.2.5).
///
/// ```text
/// IssuingDistributionPoint ::= SEQUENCE {
///      distributionPoint          [0] DistributionPointName OPTIONAL,
///      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
///      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
///      onlySomeReasons            [3] ReasonFlags OPTIONAL,
///      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
///      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IssuingDistributionPoint {
    pub name: Option<DistributionPointName>,
    pub only_user: bool,
    pub only_ca: bool,
    pub only_some_reasons: Option<u16>,
    pub indirect: bool,
    pub only_attribute: bool,
}

pub(crate) fn parse_issuing_distribution_point(
    ext_value: &[u8],
) -> asn1::Result<IssuingDistributionPoint> {
    let seq = Tlv::parse_exact(ext_value, "IssuingDistributionPoint")?
        .expect(tag::SEQUENCE, "IssuingDistributionPoint")?;
    let mut r = seq.reader();
    let boolean = |t: Option<Tlv<'_>>| t.is_some_and(|t| t.value.first().is_some_and(|b| *b != 0));
    let name = r
        .optional(tag::ctx_cons(0))?
        .map(DistributionPointName::parse)
        .transpose()?;
    let only_user = boolean(r.optional(tag::ctx_prim(1))?);
    let only_ca = boolean(r.optional(tag::ctx_prim(2))?);
    let only_some_reasons = r
        .optional(tag::ctx_prim(3))?
        .map(parse_reason_flags)
        .transpose()?;
    let indirect = boolean(r.optional(tag::ctx_prim(4))?);
    let only_attribute = boolean(r.optional(tag::ctx_prim(5))?);
    r.finish("IssuingDistributionPoint")?;
    Ok(IssuingDistributionPoint {
        name,
        only_user,
        only_ca,
        only_some_reasons,
        indirect,
        only_attribute,
    })
}

/// Do two GeneralNames name the same thing? Directory names compare per RFC 5280 §7.1, DNS
/// names ignoring ASCII case, URIs per §7.4 (scheme and host ignoring case, the rest exactly),
/// other forms exactly.
pub(crate) fn same_name(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::Directory(x), GeneralName::Directory(y)) => {
            crate::x509::name::names_match(x, y)
        }
        (GeneralName::Dns(x), GeneralName::Dns(y)) => x.eq_ignore_ascii_case(y),
        (GeneralName::Uri(x), GeneralName::Uri(y)) => uri_key(x) == uri_key(y),
        _ => a == b,
    }
}

/// A dNSName in preferred name syntax (RFC 1034 §3.5, RFC 1123 §2.1), with an optional
/// left-most `*` label (RFC 6125 wildcard): letters, digits and hyphens, labels of 1 to 63
/// octets not starting or ending with a hyphen, 253 octets at most.
pub(crate) fn dns_name_syntax_ok(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    name.split('.').enumerate().all(|(i, label)| {
        (i == 0 && label == "*")
            || (!label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    })
}

/// An rfc822Name mailbox (RFC 5321 §4.1.2 Mailbox, ASCII): exactly one `@`, a non-empty
/// local part without spaces or brackets, and a host in DNS syntax.
pub(crate) fn email_syntax_ok(addr: &str) -> bool {
    let Some((local, host)) = addr.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && local
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>[]:;,\\\"".contains(&b))
        && dns_name_syntax_ok(host)
        && !host.starts_with('*')
}

/// A URI with its scheme and authority lowercased (RFC 5280 §7.4, RFC 3986 §6.2.2.1).
fn uri_key(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(cut);
            format!(
                "{}://{}{tail}",
                scheme.to_ascii_lowercase(),
                authority.to_ascii_lowercase()
            )
        }
        None => uri.to_string(),
    }
}

pub(crate) fn render_ip(b: &[u8]) -> String {
    match b.len() {
        4 => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
        8 => format!(
            "{}.{}.{}.{}/{}.{}.{}.{}",
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
        ),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => hex::encode(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_mailbox_syntax() {
        assert!(dns_name_syntax_ok("a-b.example.com"));
        assert!(dns_name_syntax_ok("*.example.com"));
        assert!(!dns_name_syntax_ok("a_b.example.com"));
        assert!(!dns_name_syntax_ok("-a.example.com"));
        assert!(!dns_name_syntax_ok("a.*.example.com"));
        assert!(!dns_name_syntax_ok(""));
        assert!(email_syntax_ok("nguyen.van.an@hanoi.gov.vn"));
        assert!(!email_syntax_ok("a@b@c.vn"));
        assert!(!email_syntax_ok("no-at-sign.vn"));
        assert!(!email_syntax_ok("a b@c.vn"));
    }

    #[test]
    fn reason_flags_bits() {
        // [1] BIT STRING, 7 unused bits, 0x40: named bit 1, keyCompromise.
        let t = Tlv::parse_exact(&[0x83, 0x02, 0x07, 0x40], "r").unwrap();
        assert_eq!(parse_reason_flags(t).unwrap(), 1 << 1);
    }
}
