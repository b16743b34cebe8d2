//! Who a certificate speaks for: a person (the competent official who signs, "cá nhân") or an
//! organisation (the issuing agency's seal, "tổ chức"). Decree 30/2020 has an issued document
//! signed first by the official and then by the organisation, so a verifier that reports the
//! order needs each signer's role.
//!
//! The role is read from the certificate alone, from the strongest evidence it carries, and
//! the report says which evidence decided it:
//!
//! 1. the QcType statement (ETSI EN 319 412-5 §4.2.3): id-etsi-qct-esign is a natural person's
//!    signature, id-etsi-qct-eseal a legal person's seal;
//! 2. an ETSI certificate policy for natural or legal persons (EN 319 411-2 §5.3: QCP-n,
//!    QCP-n-qscd, QCP-l, QCP-l-qscd);
//! 3. a personal identifier in the subject: a Vietnamese UID of a person (CCCD, CMND, HC,
//!    BHXH), an ETSI natural-person serialNumber (EN 319 412-1 §5.1.3: PAS, IDC, PNO, TAX,
//!    TIN), a given name, surname or pseudonym (EN 319 412-2 §4.2.4);
//! 4. an organisation identifier with no personal one: organizationIdentifier (EN 319 412-1
//!    §5.1.4), or a Vietnamese UID of an organisation (MST tax code, MNS budget-unit code);
//! 5. the common name is the organisation's name (CN equals O or an OU);
//! 6. the common name begins with a word that names a Vietnamese agency or company ("Sở",
//!    "Cục", "Ủy ban", "Công ty", ...): a Vietnamese personal name begins with a family name,
//!    never with one of these words. The weakest evidence; the report names the word.
//!
//! Nothing else (not the issuer, not key usage) is guessed from. When no rule applies the role
//! is `unknown`, and a report that needs it says so instead of choosing.

use serde::{Deserialize, Serialize};

use super::cert::Certificate;
use super::name;

/// A signer's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SignerRole {
    /// A natural person: the official who signs (chữ ký cá nhân).
    Person,
    /// A legal person: the organisation's seal (chữ ký tổ chức, cơ quan).
    Organisation,
    /// The certificate does not say.
    Unknown,
}

impl SignerRole {
    /// Stable code: `person`, `organisation`, `unknown`.
    pub fn code(self) -> &'static str {
        match self {
            SignerRole::Person => "person",
            SignerRole::Organisation => "organisation",
            SignerRole::Unknown => "unknown",
        }
    }
}

/// Which evidence decided a role (the numbered rules of this module, strongest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoleBasis {
    /// The QcType statement (ETSI EN 319 412-5 §4.2.3).
    QcType,
    /// An ETSI natural- or legal-person certificate policy (EN 319 411-2 §5.3).
    CertificatePolicy,
    /// A personal identifier or name attribute in the subject.
    PersonalIdentifier,
    /// An organisation identifier in the subject, with no personal one.
    OrganisationIdentifier,
    /// The common name is the organisation's name.
    CommonNameIsOrganisation,
    /// The common name begins with a word naming an agency or company.
    OrganisationWord,
    /// No evidence either way.
    NoEvidence,
}

/// A certificate's role, with the evidence that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoleDecision {
    /// Person, organisation or unknown.
    pub role: SignerRole,
    /// The rule that decided it.
    pub basis: RoleBasis,
    /// The attribute, statement or policy it was read from (`UID=CCCD:001085012345`,
    /// `QcType id-etsi-qct-eseal`, `CN=O=Sở Nội vụ tỉnh Hà Nam`), empty for `no_evidence`.
    pub evidence: String,
}

/// UID prefixes of a natural person (see `name::UID_PREFIXES`).
const PERSON_UIDS: [&str; 4] = ["CCCD", "CMND", "HC", "BHXH"];
/// UID prefixes of an organisation.
const ORGANISATION_UIDS: [&str; 2] = ["MST", "MNS"];
/// ETSI EN 319 412-1 §5.1.3 natural-person identity types (the serialNumber's first three
/// letters, then the country and a hyphen: `PNOVN-...`).
const PERSON_SERIAL_TYPES: [&str; 5] = ["PAS", "IDC", "PNO", "TAX", "TIN"];
/// Words a Vietnamese agency's or company's name begins with, compared case-folded and as
/// whole words. A Vietnamese personal name begins with the family name, none of which is one
/// of these.
const ORGANISATION_WORDS: [&str; 30] = [
    "bộ",
    "sở",
    "cục",
    "tổng cục",
    "chi cục",
    "vụ",
    "ban",
    "ủy ban",
    "uỷ ban",
    "ubnd",
    "hội đồng",
    "văn phòng",
    "phòng",
    "trung tâm",
    "viện",
    "tòa án",
    "toà án",
    "kho bạc",
    "bảo hiểm xã hội",
    "trường",
    "bệnh viện",
    "đại học",
    "công ty",
    "chi nhánh",
    "tập đoàn",
    "tổng công ty",
    "ngân hàng",
    "hợp tác xã",
    "doanh nghiệp",
    "cơ quan",
];

impl Certificate {
    /// Whether this certificate speaks for a person or an organisation, and why: read from
    /// its QcType statement, ETSI policy or subject attributes, strongest evidence first
    /// (see [`RoleBasis`]).
    pub fn role(&self) -> RoleDecision {
        decide(
            self.qc_types(),
            self.policies().unwrap_or_default(),
            &self.subject_attributes(),
        )
    }
}

fn decision(role: SignerRole, basis: RoleBasis, evidence: String) -> RoleDecision {
    RoleDecision {
        role,
        basis,
        evidence,
    }
}

fn decide(qc_types: &[String], policies: &[String], subject: &[(String, String)]) -> RoleDecision {
    use RoleBasis::*;
    use SignerRole::*;
    // Rule 1: ETSI EN 319 412-5 §4.2.3.
    for t in qc_types {
        match t.as_str() {
            "0.4.0.1862.1.6.1" => {
                return decision(Person, QcType, "QcType id-etsi-qct-esign".into())
            }
            "0.4.0.1862.1.6.2" => {
                return decision(Organisation, QcType, "QcType id-etsi-qct-eseal".into())
            }
            _ => {}
        }
    }
    // Rule 2: ETSI EN 319 411-2 §5.3.
    for p in policies {
        match p.as_str() {
            "0.4.0.194112.1.0" | "0.4.0.194112.1.2" => {
                return decision(Person, CertificatePolicy, format!("policy {p} (QCP-n)"))
            }
            "0.4.0.194112.1.1" | "0.4.0.194112.1.3" => {
                return decision(
                    Organisation,
                    CertificatePolicy,
                    format!("policy {p} (QCP-l)"),
                )
            }
            _ => {}
        }
    }
    let attr = |k: &str, v: &str| format!("{k}={v}");
    // Rule 3: a personal identifier.
    for (k, v) in subject {
        let personal = match k.as_str() {
            "UID" => name::uid_label(v).is_some_and(|l| PERSON_UIDS.contains(&l.0)),
            "serialNumber" => PERSON_SERIAL_TYPES
                .iter()
                .any(|t| v.len() > 5 && v.starts_with(t) && v.as_bytes().get(5) == Some(&b'-')),
            "GN" | "SN" | "pseudonym" => true,
            _ => false,
        };
        if personal {
            return decision(Person, PersonalIdentifier, attr(k, v));
        }
    }
    // Rule 4: an organisation identifier.
    for (k, v) in subject {
        let organisational = match k.as_str() {
            "UID" => name::uid_label(v).is_some_and(|l| ORGANISATION_UIDS.contains(&l.0)),
            "organizationIdentifier" => true,
            _ => false,
        };
        if organisational {
            return decision(Organisation, OrganisationIdentifier, attr(k, v));
        }
    }
    let Some((_, cn)) = subject.iter().find(|(k, _)| k == "CN") else {
        return decision(Unknown, NoEvidence, String::new());
    };
    // Rule 5: the common name is the organisation's name.
    let folded = name::fold(cn);
    if let Some((k, _)) = subject
        .iter()
        .find(|(k, v)| (k == "O" || k == "OU") && name::fold(v) == folded)
    {
        return decision(
            Organisation,
            CommonNameIsOrganisation,
            format!("CN={k}={cn}"),
        );
    }
    // Rule 6: the common name begins with an organisation word.
    if let Some(word) = ORGANISATION_WORDS.iter().find(|w| {
        folded
            .strip_prefix(**w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    }) {
        return decision(
            Organisation,
            OrganisationWord,
            format!("CN={cn} (begins with '{word}')"),
        );
    }
    decision(Unknown, NoEvidence, String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn role_of(pairs: &[(&str, &str)]) -> (SignerRole, RoleBasis) {
        let d = decide(&[], &[], &subject(pairs));
        (d.role, d.basis)
    }

    #[test]
    fn the_strongest_evidence_decides() {
        // An eseal statement wins over a personal UID in the subject.
        let d = decide(
            &["0.4.0.1862.1.6.2".into()],
            &["0.4.0.194112.1.0".into()],
            &subject(&[("CN", "Nguyễn Văn An"), ("UID", "CCCD:001085012345")]),
        );
        assert_eq!(
            (d.role, d.basis),
            (SignerRole::Organisation, RoleBasis::QcType)
        );
        // A QCP-n policy wins over an MST.
        let d = decide(
            &[],
            &["0.4.0.194112.1.2".into()],
            &subject(&[("UID", "MST:0101")]),
        );
        assert_eq!(
            (d.role, d.basis),
            (SignerRole::Person, RoleBasis::CertificatePolicy)
        );
        // A personal UID wins over the company's MST (an employee's certificate).
        let d = decide(
            &[],
            &[],
            &subject(&[
                ("UID", "MST:0104831030"),
                ("UID", "CMND:012345678"),
                ("CN", "Trần Thị Bình"),
            ]),
        );
        assert_eq!(
            (d.role, d.basis),
            (SignerRole::Person, RoleBasis::PersonalIdentifier)
        );
        assert_eq!(d.evidence, "UID=CMND:012345678");
    }

    #[test]
    fn subject_rules() {
        use RoleBasis::*;
        use SignerRole::*;
        assert_eq!(
            role_of(&[("serialNumber", "PNOVN-001085012345")]),
            (Person, PersonalIdentifier)
        );
        // A serialNumber without the ETSI type prefix says nothing.
        assert_eq!(role_of(&[("serialNumber", "12345")]).0, Unknown);
        assert_eq!(
            role_of(&[("GN", "An"), ("SN", "Nguyễn")]),
            (Person, PersonalIdentifier)
        );
        assert_eq!(
            role_of(&[("organizationIdentifier", "VATVN-0101234567")]),
            (Organisation, OrganisationIdentifier)
        );
        assert_eq!(
            role_of(&[
                ("O", "Sở Nội vụ tỉnh Hà Nam"),
                ("CN", "SỞ NỘI VỤ  tỉnh Hà Nam")
            ]),
            (Organisation, CommonNameIsOrganisation)
        );
        assert_eq!(
            role_of(&[("O", "BỘ TÀI CHÍNH"), ("CN", "CỤC THUẾ")]),
            (Organisation, OrganisationWord)
        );
        // A whole word only: "Bội" is not "Bộ", "Banh" not "Ban".
        assert_eq!(
            role_of(&[("O", "Sở Y tế"), ("CN", "Bội Văn Nam")]).0,
            Unknown
        );
        assert_eq!(
            role_of(&[("O", "Sở Y tế"), ("CN", "Banh Thị Lan")]).0,
            Unknown
        );
        // A personal name under an organisation, with no identifier: not guessed.
        assert_eq!(
            role_of(&[("O", "Sở Tư pháp"), ("CN", "Nguyễn Văn An")]),
            (Unknown, NoEvidence)
        );
        assert_eq!(role_of(&[]), (Unknown, NoEvidence));
    }
}
