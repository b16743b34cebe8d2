//! Issue 10: the report records where each revocation status came from. An OCSP response and
//! a CRL embedded in the SignedData (`crls`, RFC 5940 for the OCSP response) are `embedded`; a
//! CRL or OCSP response the caller gives is `file`, with the file name when the caller says
//! it; each carries its issuer or responder and its update times.

use kyso::{
    Certificate, Crl, OcspRequest, OcspResponse, RevocationDataKind, RevocationEvidence,
    RevocationSource, RevocationStatus, SignatureReport, Timestamp, Verifier,
};
use kyso_testkit::cms::{self, CmsSpec, SignerSpec};
use kyso_testkit::ocsp::{
    index_line, openssl_respond, responder_spec, revocation_info_choice, Status,
};
use kyso_testkit::{CertSpec, CrlSpec, Issued, Pki, TempDir};

const CONTENT: &[u8] = b"Quyet dinh so 10/QD-UBND";

struct Fixture {
    pki: Pki,
    leaf: Issued,
    responder: Issued,
    dir: TempDir,
}

fn cert(i: &Issued) -> Certificate {
    Certificate::from_der(&i.cert_der()).expect("test certificate")
}

impl Fixture {
    fn new() -> Fixture {
        let pki = Pki::new();
        let leaf = pki.leaf(CertSpec::ee("Nguyen Van An"));
        let responder = pki.issue(&pki.sub, responder_spec("Sub CA OCSP Responder", true));
        Fixture {
            pki,
            leaf,
            responder,
            dir: TempDir::new("revocation-evidence"),
        }
    }

    /// `openssl ocsp`'s answer (good) about the leaf, by the delegated responder.
    fn ocsp_der(&self) -> Vec<u8> {
        let req = OcspRequest::new(&cert(&self.leaf), &cert(&self.pki.sub)).unwrap();
        openssl_respond(
            self.dir.path(),
            &[index_line(&self.leaf, Status::Valid)],
            &self.pki.sub,
            &self.responder,
            &req.to_der(),
            &["-ndays", "1"],
        )
    }

    /// `issuer`'s CRL, current around `at`, listing nobody.
    fn crl_der(&self, issuer: &Issued, at: Timestamp) -> Vec<u8> {
        let iso = |t: i64| Timestamp::from_unix(t).to_string();
        let spec =
            CrlSpec::default().updates(&iso(at.unix() - 86_400), Some(&iso(at.unix() + 86_400)));
        self.pki.crl(issuer, &spec)
    }

    /// A detached signature by the leaf with the sub CA and `revocation` embedded.
    fn sign(&self, revocation: Vec<Vec<u8>>) -> Vec<u8> {
        let spec = CmsSpec {
            signers: vec![SignerSpec::new(&self.leaf)],
            certs: vec![self.leaf.clone(), self.pki.sub.clone()],
            attached: false,
            crls: revocation,
        };
        cms::sign(CONTENT, &spec)
    }

    fn verify(&self, verifier: Verifier, signature: &[u8], at: Timestamp) -> SignatureReport {
        let report = verifier
            .with_trust_anchors([cert(&self.pki.root)])
            .verify_bytes(signature, Some(CONTENT), at);
        assert_eq!(report.signatures.len(), 1, "{report:?}");
        report.signatures[0].clone()
    }
}

fn evidence(s: &RevocationStatus) -> &RevocationEvidence {
    match s {
        RevocationStatus::Good { evidence, .. } => evidence,
        other => panic!("expected a good status, got {other:?}"),
    }
}

#[test]
fn an_embedded_ocsp_response_and_an_embedded_crl_are_embedded_evidence() {
    let f = Fixture::new();
    let ocsp = f.ocsp_der();
    let parsed = OcspResponse::from_der(&ocsp).unwrap();
    let at = Timestamp::from_unix(parsed.this_update().unwrap().unix() + 60);
    let sig = f.sign(vec![
        revocation_info_choice(&ocsp),
        f.crl_der(&f.pki.root, at),
    ]);
    let s = f.verify(Verifier::new(), &sig, at);
    assert_eq!(s.chain.len(), 3, "{s:?}");
    assert_eq!(
        s.revocation.len(),
        s.chain.len(),
        "one status per chain entry"
    );

    let leaf = evidence(&s.revocation[0]);
    assert_eq!(leaf.kind, RevocationDataKind::Ocsp);
    assert_eq!(leaf.source, RevocationSource::Embedded);
    assert_eq!(leaf.path, None);
    assert_eq!(leaf.issuer_or_responder, cert(&f.responder).subject());
    assert_eq!(leaf.produced_at, parsed.produced_at());
    assert_eq!(Some(leaf.this_update), parsed.this_update());
    assert!(
        leaf.next_update.is_some(),
        "openssl -ndays 1 sets nextUpdate"
    );

    let sub = evidence(&s.revocation[1]);
    assert_eq!(sub.kind, RevocationDataKind::Crl);
    assert_eq!(sub.source, RevocationSource::Embedded);
    assert_eq!(sub.issuer_or_responder, cert(&f.pki.root).subject());
    assert_eq!(sub.this_update.unix(), at.unix() - 86_400);
    assert_eq!(sub.next_update.map(|t| t.unix()), Some(at.unix() + 86_400));
    assert_eq!(sub.produced_at, None);

    assert_eq!(
        s.revocation[2],
        RevocationStatus::NotChecked,
        "the trust anchor"
    );
}

#[test]
fn a_crl_file_is_file_evidence_with_its_name_beside_an_embedded_crl() {
    let f = Fixture::new();
    let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let sig = f.sign(vec![f.crl_der(&f.pki.root, at)]);
    let given = Crl::load_all(&f.crl_der(&f.pki.sub, at))
        .unwrap()
        .into_iter()
        .map(|c| c.with_file("sub.crl"));
    let s = f.verify(Verifier::new().with_crls(given), &sig, at);

    let leaf = evidence(&s.revocation[0]);
    assert_eq!(leaf.kind, RevocationDataKind::Crl);
    assert_eq!(leaf.source, RevocationSource::File);
    assert_eq!(leaf.path.as_deref(), Some("sub.crl"));
    assert_eq!(leaf.issuer_or_responder, cert(&f.pki.sub).subject());

    let sub = evidence(&s.revocation[1]);
    assert_eq!(sub.source, RevocationSource::Embedded);

    // The same CRL given as bytes, without a file name: still `file`, no path.
    let bytes = Crl::load_all(&f.crl_der(&f.pki.sub, at)).unwrap();
    let s = f.verify(Verifier::new().with_crls(bytes), &sig, at);
    let leaf = evidence(&s.revocation[0]);
    assert_eq!(
        (leaf.source, leaf.path.as_deref()),
        (RevocationSource::File, None)
    );
}

#[test]
fn an_ocsp_file_is_file_evidence_and_the_json_carries_every_field() {
    let f = Fixture::new();
    let ocsp = OcspResponse::from_der(&f.ocsp_der())
        .unwrap()
        .with_file("leaf.ocsp");
    assert_eq!(ocsp.source(), RevocationSource::File);
    let at = Timestamp::from_unix(ocsp.this_update().unwrap().unix() + 60);
    let sig = f.sign(vec![f.crl_der(&f.pki.root, at)]);
    let s = f.verify(Verifier::new().with_ocsp_responses([ocsp]), &sig, at);
    let leaf = evidence(&s.revocation[0]);
    assert_eq!(leaf.kind, RevocationDataKind::Ocsp);
    assert_eq!(leaf.path.as_deref(), Some("leaf.ocsp"));

    let v = serde_json::to_value(&s.revocation[0]).unwrap();
    assert_eq!(v["status"], "good");
    let e = &v["evidence"];
    assert_eq!(e["kind"], "ocsp");
    assert_eq!(e["source"], "file");
    assert_eq!(e["path"], "leaf.ocsp");
    for key in [
        "issuer_or_responder",
        "this_update",
        "next_update",
        "produced_at",
    ] {
        assert!(e[key].is_string(), "{key} in {e}");
    }
    // Read back, the status is the same.
    let back: RevocationStatus = serde_json::from_value(v).unwrap();
    assert_eq!(back, s.revocation[0]);
}
