//! Parsing a SignedData (RFC 5652 §5) from the DER skeleton produced by [`crate::encoding::ber`].
//! Every part keeps its exact bytes, so verification and co-signing work on what is there.

use std::io::Read;

use crate::crypto::AlgorithmIdentifier;
use crate::encoding::asn1::{self, tag, Tlv};
use crate::encoding::ber;
use crate::encoding::oid;
use crate::error::Error;
use crate::revocation::evidence::Origin;
use crate::x509::cert::Certificate;

/// SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] IMPLICIT RevocationInfoChoices
///   OPTIONAL, signerInfos } (RFC 5652 §5.1)
pub(crate) struct SignedData<'a> {
    pub version: u64,
    pub digest_algorithms: Vec<Tlv<'a>>,
    pub econtent_type: &'a [u8],
    pub certificates: Vec<Tlv<'a>>,
    pub crls: Vec<Tlv<'a>>,
    pub signer_infos: Vec<SignerInfo<'a>>,
}

/// SignerIdentifier (RFC 5652 §5.3).
#[derive(Clone, Copy)]
pub(crate) enum SignerId<'a> {
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
    SubjectKeyId(&'a [u8]),
}

impl SignerId<'_> {
    pub(crate) fn describe(&self) -> String {
        match self {
            SignerId::IssuerSerial { issuer, serial } => {
                format!(
                    "issuer '{}', serial {}",
                    crate::x509::name::render(issuer),
                    hex::encode(serial)
                )
            }
            SignerId::SubjectKeyId(k) => format!("subject key identifier {}", hex::encode(k)),
        }
    }

    pub(crate) fn matches(&self, c: &Certificate) -> bool {
        match self {
            SignerId::IssuerSerial { issuer, serial } => c.matches_issuer_serial(issuer, serial),
            SignerId::SubjectKeyId(k) => c.ski() == Some(*k),
        }
    }
}

/// SignerInfo (RFC 5652 §5.3).
pub(crate) struct SignerInfo<'a> {
    pub raw: &'a [u8],
    pub sid: SignerId<'a>,
    pub digest_algorithm: AlgorithmIdentifier<'a>,
    pub signed_attrs: Option<Attributes<'a>>,
    pub signature_algorithm: AlgorithmIdentifier<'a>,
    pub signature: &'a [u8],
    pub unsigned_attrs: Option<Attributes<'a>>,
}

/// A SET OF Attribute held in an IMPLICIT [n] (RFC 5652 §5.3).
pub(crate) struct Attributes<'a> {
    /// Contents octets of the [n] element: the encoded attributes in file order.
    pub contents: &'a [u8],
    pub list: Vec<Attribute<'a>>,
}

/// Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
pub(crate) struct Attribute<'a> {
    pub raw: &'a [u8],
    pub oid: &'a [u8],
    pub values: Vec<Tlv<'a>>,
}

impl<'a> Attributes<'a> {
    fn parse(t: Tlv<'a>) -> asn1::Result<Self> {
        let mut list = Vec::new();
        let mut r = t.reader();
        while !r.is_empty() {
            let a = r.expect(tag::SEQUENCE, "Attribute")?;
            let mut ar = a.reader();
            let oid = ar.expect(tag::OID, "attribute type")?.value;
            let set = ar.expect(tag::SET, "attribute values")?;
            ar.finish("Attribute")?;
            let mut values = Vec::new();
            let mut vr = set.reader();
            while !vr.is_empty() {
                values.push(vr.read()?);
            }
            list.push(Attribute {
                raw: a.raw,
                oid,
                values,
            });
        }
        Ok(Attributes {
            contents: t.value,
            list,
        })
    }

    /// Every attribute of this type.
    pub(crate) fn all(&self, o: &der::asn1::ObjectIdentifier) -> Vec<&Attribute<'a>> {
        self.list.iter().filter(|a| oid::is(o, a.oid)).collect()
    }

    /// The encodings the signature may cover (RFC 5652 §5.4): the attributes as sent with the
    /// EXPLICIT SET OF tag and, when that differs, their DER (sorted) form, which is what
    /// OpenSSL re-encodes before verifying.
    pub(crate) fn signed_encodings(&self) -> Vec<Vec<u8>> {
        let as_sent = asn1::tlv(tag::SET, &[self.contents]);
        let sorted = asn1::set_of(self.list.iter().map(|a| a.raw).collect());
        if sorted == as_sent {
            vec![as_sent]
        } else {
            vec![as_sent, sorted]
        }
    }
}

/// True when `content` is a DER SET OF Attribute holding content-type and message-digest:
/// what a signature over signed attributes covers. A signature without signed attributes
/// over such content is also a valid signature over someone's signed attributes, so it
/// could be replayed as that (the CMS EUF-CMA confusion,
/// draft-vangeest-lamps-cms-euf-cma-signeddata), and is refused.
pub(crate) fn looks_like_signed_attributes(content: &[u8]) -> bool {
    if content.first() != Some(&tag::SET) {
        return false;
    }
    let Ok(t) = Tlv::parse_exact(content, "SignedAttributes") else {
        return false;
    };
    let Ok(attrs) = Attributes::parse(t) else {
        return false;
    };
    !attrs.all(&oid::CONTENT_TYPE).is_empty() && !attrs.all(&oid::MESSAGE_DIGEST).is_empty()
}

/// Parse a ContentInfo (DER) that must hold a SignedData.
pub(crate) fn parse(der: &[u8]) -> Result<SignedData<'_>, String> {
    parse_inner(der).map_err(|e| e.what)
}

fn parse_inner(der: &[u8]) -> asn1::Result<SignedData<'_>> {
    let ci = Tlv::parse_exact(der, "ContentInfo")?.expect(tag::SEQUENCE, "ContentInfo")?;
    let mut r = ci.reader();
    let ctype = r.expect(tag::OID, "ContentInfo contentType")?.value;
    if !oid::is(&oid::SIGNED_DATA, ctype) {
        return asn1::err(format!(
            "the ContentInfo holds {} ({}), not a SignedData: there is no signature to verify",
            content_type_name(ctype),
            asn1::oid_to_string(ctype)
        ));
    }
    let explicit = r.expect(tag::ctx_cons(0), "ContentInfo content")?;
    r.finish("ContentInfo")?;
    let sd = Tlv::parse_exact(explicit.value, "SignedData")?.expect(tag::SEQUENCE, "SignedData")?;
    let mut r = sd.reader();
    let version = r
        .expect(tag::INTEGER, "SignedData version")?
        .small_uint("SignedData version")?;
    let mut digest_algorithms = Vec::new();
    let mut dr = r.expect(tag::SET, "digestAlgorithms")?.reader();
    while !dr.is_empty() {
        digest_algorithms.push(dr.expect(tag::SEQUENCE, "DigestAlgorithmIdentifier")?);
    }
    let encap = r.expect(tag::SEQUENCE, "encapContentInfo")?;
    let mut er = encap.reader();
    let econtent_type = er.expect(tag::OID, "eContentType")?.value;
    // The skeleton never holds eContent: ber::normalize removed it (attached content is streamed).
    er.finish("encapContentInfo")?;
    let certificates = match r.optional(tag::ctx_cons(0))? {
        Some(t) => elements(t)?,
        None => Vec::new(),
    };
    let crls = match r.optional(tag::ctx_cons(1))? {
        Some(t) => elements(t)?,
        None => Vec::new(),
    };
    let set = r.expect(tag::SET, "signerInfos")?;
    r.finish("SignedData")?;
    let mut signer_infos = Vec::new();
    let mut sr = set.reader();
    while !sr.is_empty() {
        signer_infos.push(parse_signer_info(sr.read()?)?);
    }
    Ok(SignedData {
        version,
        digest_algorithms,
        econtent_type,
        certificates,
        crls,
        signer_infos,
    })
}

/// Revocation entries read from one SignedData's `crls` field. Signers embed the CRLs and
/// OCSP responses of their path (a handful); 256 bounds the parsing on hostile input.
const MAX_REVOCATION_INFO: usize = 256;

impl SignedData<'_> {
    /// The revocation data embedded in `crls` (RFC 5652 §10.2.1 RevocationInfoChoices): CRLs,
    /// and OCSP responses in `other` [1] with format id-ri-ocsp-response (RFC 5940 §4.1). The
    /// field is not signed, so an entry kyso cannot parse, or of another format, is ignored
    /// rather than failing the document: it could only ever add evidence, never remove it.
    pub(crate) fn revocation_info(
        &self,
    ) -> (
        Vec<crate::revocation::crl::Crl>,
        Vec<crate::revocation::ocsp::OcspResponse>,
    ) {
        let mut crls = Vec::new();
        let mut ocsp = Vec::new();
        for t in self.crls.iter().take(MAX_REVOCATION_INFO) {
            if t.tag == tag::SEQUENCE {
                if let Ok(c) = crate::revocation::crl::Crl::from_der(t.raw) {
                    crls.push(c.with_origin(Origin::embedded()));
                }
            } else if t.tag == tag::ctx_cons(1) {
                // OtherRevocationInfoFormat ::= SEQUENCE { otherRevInfoFormat OBJECT
                //   IDENTIFIER, otherRevInfo ANY DEFINED BY otherRevInfoFormat }, IMPLICIT [1].
                let mut r = t.reader();
                let (Ok(format), Ok(info)) = (r.expect(tag::OID, "otherRevInfoFormat"), r.read())
                else {
                    continue;
                };
                if r.is_empty() && oid::is(&oid::RI_OCSP_RESPONSE, format.value) {
                    if let Ok(o) = crate::revocation::ocsp::OcspResponse::from_der(info.raw) {
                        ocsp.push(o.with_origin(Origin::embedded()));
                    }
                }
            }
        }
        (crls, ocsp)
    }
}

fn elements(t: Tlv<'_>) -> asn1::Result<Vec<Tlv<'_>>> {
    let mut r = t.reader();
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(r.read()?);
    }
    Ok(out)
}

pub(crate) fn parse_signer_info(t: Tlv<'_>) -> asn1::Result<SignerInfo<'_>> {
    let t = t.expect(tag::SEQUENCE, "SignerInfo")?;
    let mut r = t.reader();
    let version = r
        .expect(tag::INTEGER, "SignerInfo version")?
        .small_uint("SignerInfo version")?;
    let sid_tlv = r.read()?;
    let sid = match sid_tlv.tag {
        tag::SEQUENCE => {
            let mut ir = sid_tlv.reader();
            let issuer = ir.expect(tag::SEQUENCE, "issuer Name")?.raw;
            let serial = ir.expect(tag::INTEGER, "serialNumber")?.value;
            ir.finish("IssuerAndSerialNumber")?;
            SignerId::IssuerSerial { issuer, serial }
        }
        t if t == tag::ctx_prim(0) => SignerId::SubjectKeyId(sid_tlv.value),
        other => return asn1::err(format!("SignerIdentifier has unexpected tag 0x{other:02x}")),
    };
    // RFC 5652 §5.3 ties version 1 to issuerAndSerialNumber and 3 to subjectKeyIdentifier;
    // OpenSSL does not enforce it and the mismatch does not weaken anything, so neither do we.
    let _ = version;
    let digest_algorithm = AlgorithmIdentifier::parse(r.read()?, "digestAlgorithm")?;
    let signed_attrs = r
        .optional(tag::ctx_cons(0))?
        .map(Attributes::parse)
        .transpose()?;
    let signature_algorithm = AlgorithmIdentifier::parse(r.read()?, "signatureAlgorithm")?;
    let signature = r.expect(tag::OCTET_STRING, "signature")?.value;
    let unsigned_attrs = r
        .optional(tag::ctx_cons(1))?
        .map(Attributes::parse)
        .transpose()?;
    r.finish("SignerInfo")?;
    Ok(SignerInfo {
        raw: t.raw,
        sid,
        digest_algorithm,
        signed_attrs,
        signature_algorithm,
        signature,
        unsigned_attrs,
    })
}

/// A readable name for the CMS content types people confuse with SignedData.
pub(crate) fn content_type_name(o: &[u8]) -> &'static str {
    match asn1::oid_to_string(o).as_str() {
        "1.2.840.113549.1.7.1" => "plain data",
        "1.2.840.113549.1.7.2" => "SignedData",
        "1.2.840.113549.1.7.3" => "EnvelopedData (encrypted, RFC 5652 §6)",
        "1.2.840.113549.1.7.5" => "DigestedData (RFC 5652 §7)",
        "1.2.840.113549.1.7.6" => "EncryptedData (RFC 5652 §8)",
        "1.2.840.113549.1.9.16.1.2" => "AuthenticatedData (RFC 5652 §9)",
        "1.2.840.113549.1.9.16.1.4" => "a time-stamp token info (RFC 3161)",
        _ => "an unknown content type",
    }
}

/// Normalise a whole in-memory input (PEM or BER/DER) to a DER skeleton, discarding content.
pub(crate) fn skeleton_of(data: &[u8]) -> Result<ber::Normalized, Error> {
    let der_input;
    let bytes = match crate::encoding::pem::blocks(data) {
        Some(blocks) => {
            let blocks = blocks?;
            der_input = blocks
                .into_iter()
                .find(|(l, _)| matches!(l.as_str(), "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA"))
                .map(|(_, d)| d)
                .ok_or_else(|| Error::Format("the PEM file holds no PKCS7 or CMS block".into()))?;
            &der_input[..]
        }
        None => data,
    };
    normalize_reader(&mut &bytes[..], &mut crate::encoding::ber::Discard)
}

/// Normalise from a reader, mapping the error kinds.
pub(crate) fn normalize_reader(
    input: &mut dyn Read,
    sink: &mut dyn ber::ContentSink,
) -> Result<ber::Normalized, Error> {
    ber::normalize(input, sink).map_err(|e| match e {
        ber::NormalizeError::Io(e) => Error::Format(format!("read error: {e}")),
        ber::NormalizeError::Format(m) => Error::Format(m),
    })
}

/// The plain certificates embedded in a SignedData (a `.p7b` bundle, or a signature).
pub(crate) fn certificates_of(data: &[u8]) -> Result<Vec<Certificate>, Error> {
    let n = skeleton_of(data)?;
    let sd = parse(&n.der).map_err(Error::Format)?;
    sd.certificates
        .iter()
        .filter(|t| t.tag == tag::SEQUENCE)
        .map(|t| Certificate::from_der(t.raw))
        .collect()
}
