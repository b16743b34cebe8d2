//! The ASiCManifest (ETSI EN 319 162-1 §A.4, namespace `http://uri.etsi.org/02918/v1.2.1#`):
//! which signature it belongs to (SigReference) and the data objects it covers, each with an
//! xmldsig DigestMethod and DigestValue (W3C XML Signature §4.4.3.3, §6.2).
//!
//! ```xml
//! <ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#">
//!   <SigReference URI="META-INF/signature001.p7s" MimeType="application/pkcs7-signature"/>
//!   <DataObjectReference URI="a.pdf" MimeType="application/octet-stream">
//!     <ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="...#sha256"/>
//!     <ds:DigestValue xmlns:ds="http://www.w3.org/2000/09/xmldsig#">base64</ds:DigestValue>
//!   </DataObjectReference>
//! </ASiCManifest>
//! ```

use crate::crypto::DigestAlgorithm;

const ASIC_NS: &str = "http://uri.etsi.org/02918/v1.2.1#";
const DS_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Manifests are a few KiB; DSS's own are under 2 KiB for three files. 4 MiB leaves room
/// for a thousand references and stops a parser from building a huge tree.
const MAX_MANIFEST: usize = 4 << 20;
/// References per manifest: the container's entry bound.
const MAX_REFERENCES: usize = 1000;

/// One DataObjectReference.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The URI, percent-decoded (RFC 3986 §2.1; DSS encodes names this way).
    pub(crate) uri: String,
    /// The digest algorithm, or the Algorithm URI kyso does not know.
    pub(crate) algorithm: Result<DigestAlgorithm, String>,
    /// The DigestValue, decoded.
    pub(crate) digest: Vec<u8>,
}

/// A parsed ASiCManifest (or ASiCArchiveManifest: same references).
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    /// SigReference/@URI, percent-decoded.
    pub(crate) sig_reference: Option<String>,
    /// The references in document order.
    pub(crate) references: Vec<Reference>,
}

/// Parse a manifest. `Err` says why it cannot be used (not well-formed, not an
/// ASiCManifest, a reference without a digest).
pub(crate) fn parse(xml: &[u8]) -> Result<Manifest, String> {
    if xml.len() > MAX_MANIFEST {
        return Err(format!(
            "it has {} bytes, more than the {MAX_MANIFEST} kyso reads",
            xml.len()
        ));
    }
    let text = std::str::from_utf8(xml).map_err(|e| format!("it is not UTF-8: {e}"))?;
    // roxmltree refuses DTDs with entity expansion beyond its own bounds ("billion laughs").
    let doc =
        roxmltree::Document::parse(text).map_err(|e| format!("it is not well-formed XML: {e}"))?;
    let root = doc.root_element();
    let tag = root.tag_name();
    if tag.namespace() != Some(ASIC_NS)
        || !(tag.name() == "ASiCManifest" || tag.name() == "ASiCArchiveManifest")
    {
        return Err(format!(
            "its root is {{{}}}{}, not {{{ASIC_NS}}}ASiCManifest",
            tag.namespace().unwrap_or(""),
            tag.name()
        ));
    }
    let mut sig_reference = None;
    let mut references = Vec::new();
    for child in root.children().filter(|n| n.is_element()) {
        if child.tag_name().namespace() != Some(ASIC_NS) {
            continue;
        }
        match child.tag_name().name() {
            "SigReference" => {
                sig_reference = child.attribute("URI").map(percent_decode);
            }
            "DataObjectReference" => {
                if references.len() >= MAX_REFERENCES {
                    return Err(format!("more than {MAX_REFERENCES} references"));
                }
                let uri = child
                    .attribute("URI")
                    .ok_or("a DataObjectReference has no URI")?;
                let ds = |name: &str| {
                    child.children().find(|n| {
                        n.tag_name().namespace() == Some(DS_NS) && n.tag_name().name() == name
                    })
                };
                let method = ds("DigestMethod")
                    .and_then(|n| n.attribute("Algorithm"))
                    .ok_or_else(|| format!("the reference to {uri} has no DigestMethod"))?;
                let value: String = ds("DigestValue")
                    .and_then(|n| n.text())
                    .ok_or_else(|| format!("the reference to {uri} has no DigestValue"))?
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect();
                let digest = openssl::base64::decode_block(&value)
                    .map_err(|_| format!("the DigestValue of {uri} is not base64"))?;
                references.push(Reference {
                    uri: percent_decode(uri),
                    algorithm: algorithm(method).ok_or_else(|| method.to_string()),
                    digest,
                });
            }
            _ => {}
        }
    }
    Ok(Manifest {
        sig_reference,
        references,
    })
}

/// The xmldsig digest method URIs (XML Signature 1.1 §6.2, RFC 6931 §2.1).
fn algorithm(uri: &str) -> Option<DigestAlgorithm> {
    Some(match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => DigestAlgorithm::Sha1,
        "http://www.w3.org/2001/04/xmldsig-more#sha224" => DigestAlgorithm::Sha224,
        "http://www.w3.org/2001/04/xmlenc#sha256" => DigestAlgorithm::Sha256,
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => DigestAlgorithm::Sha384,
        "http://www.w3.org/2001/04/xmlenc#sha512" => DigestAlgorithm::Sha512,
        "http://www.w3.org/2007/05/xmldsig-more#sha3-224" => DigestAlgorithm::Sha3_224,
        "http://www.w3.org/2007/05/xmldsig-more#sha3-256" => DigestAlgorithm::Sha3_256,
        "http://www.w3.org/2007/05/xmldsig-more#sha3-384" => DigestAlgorithm::Sha3_384,
        "http://www.w3.org/2007/05/xmldsig-more#sha3-512" => DigestAlgorithm::Sha3_512,
        _ => return None,
    })
}

fn algorithm_uri(alg: DigestAlgorithm) -> &'static str {
    match alg {
        DigestAlgorithm::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
        DigestAlgorithm::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        _ => "http://www.w3.org/2001/04/xmlenc#sha256",
    }
}

/// RFC 3986 §2.1 percent-decoding; an invalid escape is kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// RFC 3986 §2.3: unreserved characters and "/" stay, every other byte of the UTF-8 name is
/// escaped (what DSS's `DSSUtils.encodeURI` writes: "Quyết định.pdf" becomes
/// "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf").
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~/".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// An ASiCManifest for `signature` covering `files` (name, digest) with `alg`
/// (EN 319 162-1 §A.4; the root element with the ETSI namespace as default).
pub(crate) fn write(signature: &str, files: &[(String, Vec<u8>)], alg: DigestAlgorithm) -> Vec<u8> {
    write_with(
        (signature, "application/pkcs7-signature"),
        files
            .iter()
            .map(|(name, digest)| (name.as_str(), "application/octet-stream", digest.as_slice())),
        alg,
    )
}

/// The MimeType of an RFC 3161 time-stamp token in a container: what an ASiCArchiveManifest's
/// SigReference names (EN 319 162-1 §A.7; DSS writes the same).
pub(crate) const TIMESTAMP_TOKEN: &str = "application/vnd.etsi.timestamp-token";

/// An ASiCArchiveManifest (EN 319 162-1 §A.7 item 1 b): an ASiCManifest element whose
/// SigReference is the archive time-stamp token `timestamp` and whose DataObjectReferences are
/// `entries` (name, MimeType, digest with `alg`): every entry of the container but the
/// mimetype, this manifest and its token.
pub(crate) fn write_archive(
    timestamp: &str,
    entries: &[(String, &str, Vec<u8>)],
    alg: DigestAlgorithm,
) -> Vec<u8> {
    write_with(
        (timestamp, TIMESTAMP_TOKEN),
        entries
            .iter()
            .map(|(name, mime, digest)| (name.as_str(), *mime, digest.as_slice())),
        alg,
    )
}

/// The MimeType an archive manifest gives an entry, as DSS writes them: the CAdES signature,
/// a manifest, a time-stamp token, else (a data object) `application/octet-stream` as the
/// signature manifests kyso writes say.
pub(crate) fn media_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".p7s") {
        "application/pkcs7-signature"
    } else if lower.ends_with(".xml") {
        "text/xml"
    } else if lower.ends_with(".tst") {
        TIMESTAMP_TOKEN
    } else {
        "application/octet-stream"
    }
}

fn write_with<'a>(
    (sig_uri, sig_type): (&str, &str),
    refs: impl Iterator<Item = (&'a str, &'a str, &'a [u8])>,
    alg: DigestAlgorithm,
) -> Vec<u8> {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>");
    x.push_str(&format!(
        "<ASiCManifest xmlns=\"{ASIC_NS}\" xmlns:ds=\"{DS_NS}\">"
    ));
    x.push_str(&format!(
        "<SigReference MimeType=\"{sig_type}\" URI=\"{}\"/>",
        percent_encode(sig_uri)
    ));
    for (name, mime, digest) in refs {
        x.push_str(&format!(
            "<DataObjectReference MimeType=\"{mime}\" URI=\"{}\"><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{}</ds:DigestValue></DataObjectReference>",
            percent_encode(name),
            algorithm_uri(alg),
            openssl::base64::encode_block(digest)
        ));
    }
    x.push_str("</ASiCManifest>");
    x.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_manifest_reads_back_with_vietnamese_names() {
        let files = vec![("Quyết định số 15.pdf".to_string(), vec![1u8; 32])];
        let xml = write("META-INF/signature001.p7s", &files, DigestAlgorithm::Sha256);
        let m = parse(&xml).unwrap();
        assert_eq!(
            m.sig_reference.as_deref(),
            Some("META-INF/signature001.p7s")
        );
        assert_eq!(m.references[0].uri, "Quyết định số 15.pdf");
        assert_eq!(m.references[0].digest, vec![1u8; 32]);
        assert!(std::str::from_utf8(&xml)
            .unwrap()
            .contains("Quy%E1%BA%BFt%20"));
    }

    #[test]
    fn the_signature_manifest_keeps_its_bytes_and_an_archive_manifest_reads_back() {
        let files = vec![("a.pdf".to_string(), vec![7u8; 32])];
        let xml = write("META-INF/signature.p7s", &files, DigestAlgorithm::Sha256);
        assert_eq!(
            std::str::from_utf8(&xml).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?><ASiCManifest xmlns=\"http://uri.etsi.org/02918/v1.2.1#\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><SigReference MimeType=\"application/pkcs7-signature\" URI=\"META-INF/signature.p7s\"/><DataObjectReference MimeType=\"application/octet-stream\" URI=\"a.pdf\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=</ds:DigestValue></DataObjectReference></ASiCManifest>"
        );
        let entries: Vec<(String, &str, Vec<u8>)> = [
            "a.pdf",
            "META-INF/signature.p7s",
            "META-INF/ASiCManifest.xml",
            "META-INF/timestamp1.tst",
        ]
        .iter()
        .map(|n| (n.to_string(), media_type(n), vec![1u8; 32]))
        .collect();
        let xml = write_archive("META-INF/timestamp2.tst", &entries, DigestAlgorithm::Sha256);
        let text = std::str::from_utf8(&xml).unwrap();
        assert!(text.contains("<SigReference MimeType=\"application/vnd.etsi.timestamp-token\" URI=\"META-INF/timestamp2.tst\"/>"), "{text}");
        for mime in [
            "application/octet-stream",
            "application/pkcs7-signature",
            "text/xml",
            TIMESTAMP_TOKEN,
        ] {
            assert!(text.contains(&format!("MimeType=\"{mime}\"")), "{mime}");
        }
        let m = parse(&xml).unwrap();
        assert_eq!(m.sig_reference.as_deref(), Some("META-INF/timestamp2.tst"));
        let uris: Vec<&str> = m.references.iter().map(|r| r.uri.as_str()).collect();
        assert_eq!(
            uris,
            [
                "a.pdf",
                "META-INF/signature.p7s",
                "META-INF/ASiCManifest.xml",
                "META-INF/timestamp1.tst"
            ]
        );
    }

    #[test]
    fn a_manifest_that_is_not_xml_is_refused() {
        assert!(parse(b"<a").is_err());
        assert!(parse(b"<ASiCManifest/>").is_err());
    }
}
