//! The document-level line of a PDF's report: who signed, in which role and order. Decree
//! 30/2020 (Art. 13, Annex I) has an issued document signed first by the competent official
//! and then by the issuing organisation; a receiving agency checks both and their order.

use serde::{Deserialize, Serialize};

use super::{Indication, PdfSignatureKind, SignatureReport};
use crate::x509::role::SignerRole;

/// What the order of a document's signatures shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderVerdict {
    /// One or more officials signed, then the organisation, last.
    OfficialThenOrganisation,
    /// Only officials signed: the organisation's signature is missing.
    OfficialOnly,
    /// Only the organisation signed.
    OrganisationOnly,
    /// An official signed after the organisation.
    OrganisationBeforeOfficial,
    /// A signer's role could not be read from its certificate.
    RoleUnknown,
    /// No signature counts: every one failed.
    NoValidSignature,
}

impl OrderVerdict {
    /// Stable code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            OrderVerdict::OfficialThenOrganisation => "official_then_organisation",
            OrderVerdict::OfficialOnly => "official_only",
            OrderVerdict::OrganisationOnly => "organisation_only",
            OrderVerdict::OrganisationBeforeOfficial => "organisation_before_official",
            OrderVerdict::RoleUnknown => "role_unknown",
            OrderVerdict::NoValidSignature => "no_valid_signature",
        }
    }
}

/// One signature counted in the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderedSigner {
    /// Position in the document's `signatures`.
    pub signature: usize,
    /// The signer's role ([`SignatureReport::signer_role`]).
    pub role: SignerRole,
}

/// The signing order of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SigningOrder {
    /// The verdict.
    pub verdict: OrderVerdict,
    /// The signatures counted, in signing order: every signature (not document time-stamps)
    /// that is not TOTAL-FAILED. A failed signature signs nothing; an INDETERMINATE one is
    /// counted, and the document's indication says it is not proven.
    pub signers: Vec<OrderedSigner>,
}

impl SigningOrder {
    /// The order of a PDF's signatures, given in revision order (each later revision covers
    /// the earlier signatures, so this order is proven by the byte ranges, not claimed).
    /// `None` when the PDF has no signature (only document time-stamps).
    pub(crate) fn of_pdf(signatures: &[SignatureReport]) -> Option<SigningOrder> {
        let is_signature = |s: &SignatureReport| {
            s.pdf
                .as_ref()
                .is_some_and(|p| p.kind == PdfSignatureKind::Signature)
        };
        if !signatures.iter().any(is_signature) {
            return None;
        }
        Some(SigningOrder::of(
            signatures
                .iter()
                .enumerate()
                .filter(|(_, s)| is_signature(s)),
        ))
    }

    /// The order of `signatures`, given in signing order with their positions: those that are
    /// not TOTAL-FAILED count.
    pub(crate) fn of<'a>(
        signatures: impl Iterator<Item = (usize, &'a SignatureReport)>,
    ) -> SigningOrder {
        let signers: Vec<OrderedSigner> = signatures
            .filter(|(_, s)| s.indication != Indication::TotalFailed)
            .map(|(i, s)| OrderedSigner {
                signature: i,
                role: s
                    .signer_role
                    .as_ref()
                    .map_or(SignerRole::Unknown, |r| r.role),
            })
            .collect();
        SigningOrder {
            verdict: verdict(&signers),
            signers,
        }
    }
}

fn verdict(signers: &[OrderedSigner]) -> OrderVerdict {
    use SignerRole::*;
    if signers.is_empty() {
        return OrderVerdict::NoValidSignature;
    }
    if signers.iter().any(|s| s.role == Unknown) {
        return OrderVerdict::RoleUnknown;
    }
    let first_org = signers.iter().position(|s| s.role == Organisation);
    let person = |s: &&OrderedSigner| s.role == Person;
    match first_org {
        None => OrderVerdict::OfficialOnly,
        Some(k) if signers[k..].iter().any(|s| person(&s)) => {
            OrderVerdict::OrganisationBeforeOfficial
        }
        Some(0) => OrderVerdict::OrganisationOnly,
        Some(_) => OrderVerdict::OfficialThenOrganisation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(roles: &[SignerRole]) -> OrderVerdict {
        let signers: Vec<OrderedSigner> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| OrderedSigner {
                signature: i,
                role: *r,
            })
            .collect();
        verdict(&signers)
    }

    fn report(
        kind: PdfSignatureKind,
        indication: Indication,
        role: Option<SignerRole>,
    ) -> SignatureReport {
        let mut s = SignatureReport::empty(0);
        s.indication = indication;
        s.signer_role = role.map(|role| crate::x509::role::RoleDecision {
            role,
            basis: crate::x509::role::RoleBasis::NoEvidence,
            evidence: String::new(),
        });
        s.pdf = Some(super::super::PdfSignatureInfo {
            field: "f".into(),
            kind,
            sub_filter: None,
            byte_range: Vec::new(),
            revision: None,
            covers_whole_file: false,
            certification: None,
            claimed_signing_time: None,
            reason: None,
            location: None,
            name: None,
            later_revisions: Vec::new(),
        });
        s
    }

    #[test]
    fn failed_signatures_and_document_time_stamps_do_not_count() {
        use Indication::*;
        use PdfSignatureKind::*;
        use SignerRole::*;
        let sigs = [
            report(Signature, TotalPassed, Some(Person)),
            // A failed organisation signature: the organisation has not signed.
            report(Signature, TotalFailed, Some(Organisation)),
            report(DocumentTimeStamp, TotalPassed, None),
        ];
        let o = SigningOrder::of_pdf(&sigs).unwrap();
        assert_eq!(o.verdict, OrderVerdict::OfficialOnly);
        assert_eq!(o.signers.len(), 1);
        assert_eq!(o.signers[0].signature, 0);
        // An indeterminate signature counts (its indication says it is not proven).
        let sigs = [
            report(Signature, Indeterminate, Some(Person)),
            report(Signature, TotalPassed, Some(Organisation)),
        ];
        assert_eq!(
            SigningOrder::of_pdf(&sigs).unwrap().verdict,
            OrderVerdict::OfficialThenOrganisation
        );
        // No signer certificate: the role is unknown.
        let sigs = [report(Signature, Indeterminate, None)];
        assert_eq!(
            SigningOrder::of_pdf(&sigs).unwrap().verdict,
            OrderVerdict::RoleUnknown
        );
        let sigs = [report(Signature, TotalFailed, Some(Person))];
        assert_eq!(
            SigningOrder::of_pdf(&sigs).unwrap().verdict,
            OrderVerdict::NoValidSignature
        );
        // Only document time-stamps: no signing order at all.
        assert!(SigningOrder::of_pdf(&[report(DocumentTimeStamp, TotalPassed, None)]).is_none());
    }

    #[test]
    fn verdicts() {
        use OrderVerdict::*;
        use SignerRole::*;
        assert_eq!(order(&[Person, Organisation]), OfficialThenOrganisation);
        assert_eq!(
            order(&[Person, Person, Organisation]),
            OfficialThenOrganisation
        );
        assert_eq!(
            order(&[Person, Organisation, Organisation]),
            OfficialThenOrganisation
        );
        assert_eq!(order(&[Person]), OfficialOnly);
        assert_eq!(order(&[Organisation]), OrganisationOnly);
        assert_eq!(order(&[Organisation, Person]), OrganisationBeforeOfficial);
        assert_eq!(
            order(&[Person, Organisation, Person]),
            OrganisationBeforeOfficial
        );
        assert_eq!(order(&[Person, Unknown]), RoleUnknown);
        assert_eq!(order(&[]), NoValidSignature);
    }
}
