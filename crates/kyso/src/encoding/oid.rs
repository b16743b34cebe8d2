//! Object identifiers kyso recognises, as DER contents octets for cheap comparison.

use der::asn1::ObjectIdentifier as Oid;

macro_rules! oids {
    ($($(#[$m:meta])* $name:ident = $dotted:literal;)*) => {
        $($(#[$m])* pub(crate) const $name: Oid = Oid::new_unwrap($dotted);)*
    };
}

oids! {
    // RFC 5652 §4, §5: content types.
    DATA = "1.2.840.113549.1.7.1";
    SIGNED_DATA = "1.2.840.113549.1.7.2";
    // RFC 5652 §11: attributes.
    CONTENT_TYPE = "1.2.840.113549.1.9.3";
    MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
    SIGNING_TIME = "1.2.840.113549.1.9.5";
    // RFC 5035 §3 / RFC 2634 §5.4: ESS signing-certificate (v1 and v2).
    SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12";
    SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";
    // RFC 3161 / ETSI EN 319 122-1: time-stamp attributes (recognised, checked by a later issue).
    SIGNATURE_TIME_STAMP = "1.2.840.113549.1.9.16.2.14";
    // ETSI EN 319 122-1 §5.5.2, §5.5.3: archive-time-stamp-v3 and its ats-hash-index-v3; the
    // earlier ats-hash-index of ETSI TS 101 733 (recognised, not validated).
    ARCHIVE_TIME_STAMP_V3 = "0.4.0.1733.2.4";
    ATS_HASH_INDEX_V3 = "0.4.0.19122.1.5";
    ATS_HASH_INDEX_V1 = "0.4.0.1733.2.5";
    // RFC 8017 / RFC 4055: RSA.
    RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    MD5_WITH_RSA = "1.2.840.113549.1.1.4";
    SHA1_WITH_RSA = "1.2.840.113549.1.1.5";
    RSASSA_PSS = "1.2.840.113549.1.1.10";
    SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    SHA384_WITH_RSA = "1.2.840.113549.1.1.12";
    SHA512_WITH_RSA = "1.2.840.113549.1.1.13";
    SHA224_WITH_RSA = "1.2.840.113549.1.1.14";
    MGF1 = "1.2.840.113549.1.1.8";
    // RFC 5758 / RFC 3279: ECDSA and DSA.
    EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    ECDSA_WITH_SHA1 = "1.2.840.10045.4.1";
    ECDSA_WITH_SHA224 = "1.2.840.10045.4.3.1";
    ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";
    ECDSA_WITH_SHA512 = "1.2.840.10045.4.3.4";
    DSA = "1.2.840.10040.4.1";
    DSA_WITH_SHA1 = "1.2.840.10040.4.3";
    DSA_WITH_SHA256 = "2.16.840.1.101.3.4.3.2";
    // RFC 8410 / RFC 8419: EdDSA.
    ED25519 = "1.3.101.112";
    // NIST / RFC 5754 digests.
    MD5 = "1.2.840.113549.2.5";
    SHA1 = "1.3.14.3.2.26";
    SHA224 = "2.16.840.1.101.3.4.2.4";
    SHA256 = "2.16.840.1.101.3.4.2.1";
    SHA384 = "2.16.840.1.101.3.4.2.2";
    SHA512 = "2.16.840.1.101.3.4.2.3";
    SHA3_224 = "2.16.840.1.101.3.4.2.7";
    SHA3_256 = "2.16.840.1.101.3.4.2.8";
    SHA3_384 = "2.16.840.1.101.3.4.2.9";
    SHA3_512 = "2.16.840.1.101.3.4.2.10";
    RSA_SHA3_224 = "2.16.840.1.101.3.4.3.13";
    RSA_SHA3_256 = "2.16.840.1.101.3.4.3.14";
    RSA_SHA3_384 = "2.16.840.1.101.3.4.3.15";
    RSA_SHA3_512 = "2.16.840.1.101.3.4.3.16";
    ECDSA_SHA3_256 = "2.16.840.1.101.3.4.3.10";
    // RFC 5280 §4.2.1.12: extended key usages.
    ANY_EKU = "2.5.29.37.0";
    EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    EKU_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    EKU_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
    EKU_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
    /// Microsoft "Document Signing" (1.3.6.1.4.1.311.10.3.12).
    EKU_MS_DOCUMENT_SIGNING = "1.3.6.1.4.1.311.10.3.12";
    /// RFC 9336 id-kp-documentSigning.
    EKU_DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36";
    // RFC 3739 §3.2.6 qcStatements; ETSI EN 319 412-5 §4.2.3 QcType and its types.
    QC_STATEMENTS = "1.3.6.1.5.5.7.1.3";
    QC_TYPE = "0.4.0.1862.1.6";
    /// Adobe Authentic Documents Trust document signing.
    EKU_ADOBE_DOCUMENT_SIGNING = "1.2.840.113583.1.1.5";
    /// RFC 8954 id-pkix-ocsp-nonce.
    OCSP_NONCE = "1.3.6.1.5.5.7.48.1.2";
    /// RFC 5940 §4.1 id-ri-ocsp-response: an OCSPResponse in RevocationInfoChoices.
    RI_OCSP_RESPONSE = "1.3.6.1.5.5.7.16.2";
}

/// The contents octets of an OID, for comparing with parsed values.
pub(crate) fn is(oid: &Oid, value: &[u8]) -> bool {
    oid.as_bytes() == value
}
