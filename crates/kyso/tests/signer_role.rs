//! A signer's role (person or organisation) read from real Vietnamese certificates, from the
//! test PKI's and from certificates built here with a QcType statement (ETSI EN 319 412-5
//! §4.2.3) and ETSI policies: each with the evidence that decided it.

use kyso::{Certificate, RoleBasis, SignerRole};
use kyso_testkit::pki::{CertSpec, Pki};

fn load(path: &str) -> Certificate {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let bytes = std::fs::read(format!("{root}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
    let der = if bytes.starts_with(b"-----") {
        openssl::x509::X509::from_pem(&bytes)
            .unwrap()
            .to_der()
            .unwrap()
    } else {
        bytes
    };
    Certificate::from_der(&der).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn real_vietnamese_organisation_certificates_are_organisations() {
    let vn = "../shared/testdata-ext/vn-pki/end-entity";
    // VGCA (Ban Cơ yếu) agency certificates: CN=CỤC THUẾ, O=BỘ TÀI CHÍNH, no identifier.
    let d = load(&format!("{vn}/cuc-thue-bo-tai-chinh-2025.der")).role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::OrganisationWord)
    );
    assert_eq!(d.evidence, "CN=CỤC THUẾ (begins with 'cục')");
    let d = load(&format!("{vn}/tong-cuc-thue-bo-tai-chinh-2021.der")).role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::OrganisationWord)
    );
    assert!(d.evidence.contains("'tổng cục'"), "{}", d.evidence);
    // Viettel-CA company certificate: UID=MST:...
    let d = load(&format!("{vn}/viettel-retail-branch-2020.der")).role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::OrganisationIdentifier)
    );
    assert_eq!(d.evidence, "UID=MST:0104831030-091");
}

#[test]
fn the_test_pki_official_and_organisation() {
    let d = load("testdata/pki/signer-rsa.pem").role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Person, RoleBasis::PersonalIdentifier)
    );
    assert_eq!(d.evidence, "UID=CCCD:001085012345");
    let d = load("testdata/pki/bmp-rsa.pem").role();
    assert_eq!(d.role, SignerRole::Person, "{d:?}");
    let d = load("testdata/pki/org-rsa.pem").role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::OrganisationIdentifier)
    );
    assert_eq!(d.evidence, "UID=MST:0700123456");
}

/// DER of qcStatements with one QcType statement of `qc_type` (0.4.0.1862.1.6.N).
fn qc_statements(n: u8) -> Vec<u8> {
    let qc_type_oid = [0x06, 0x06, 0x04, 0x00, 0x8e, 0x46, 0x01, 0x06];
    let type_oid = [0x06, 0x07, 0x04, 0x00, 0x8e, 0x46, 0x01, 0x06, n];
    // QCStatement ::= SEQUENCE { statementId, statementInfo SEQUENCE OF OID }
    let info = [&[0x30, type_oid.len() as u8][..], &type_oid].concat();
    let st = [&qc_type_oid[..], &info].concat();
    // An id-etsi-qcs-QcCompliance statement first (0.4.0.1862.1.1), to be skipped.
    let compliance = [0x30, 0x08, 0x06, 0x06, 0x04, 0x00, 0x8e, 0x46, 0x01, 0x01];
    let st = [&[0x30, st.len() as u8][..], &st].concat();
    let all = [&compliance[..], &st].concat();
    [&[0x30, all.len() as u8][..], &all].concat()
}

#[test]
fn a_qc_type_statement_outranks_the_subject() {
    let pki = Pki::new();
    // A seal certificate whose subject carries a personal UID: the statement decides.
    let seal = pki.leaf(
        CertSpec::ee("Nguyễn Văn An")
            .vietnamese("Hà Nội", "Sở Tư pháp", "Nguyễn Văn An", "CCCD:001085012345")
            .extension("1.3.6.1.5.5.7.1.3", false, qc_statements(2)),
    );
    let d = Certificate::from_der(&seal.cert_der()).unwrap().role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::QcType)
    );
    assert_eq!(d.evidence, "QcType id-etsi-qct-eseal");
    let esign = pki.leaf(
        CertSpec::ee("Sở Tư pháp")
            .vietnamese("Hà Nội", "Sở Tư pháp", "Sở Tư pháp", "MST:0101234567")
            .extension("1.3.6.1.5.5.7.1.3", false, qc_statements(1)),
    );
    let d = Certificate::from_der(&esign.cert_der()).unwrap().role();
    assert_eq!((d.role, d.basis), (SignerRole::Person, RoleBasis::QcType));
    // No statement: the same subject gives the subject's answer, so the statement was read.
    let plain = pki.leaf(CertSpec::ee("Sở Tư pháp").vietnamese(
        "Hà Nội",
        "Sở Tư pháp",
        "Sở Tư pháp",
        "MST:0101234567",
    ));
    let d = Certificate::from_der(&plain.cert_der()).unwrap().role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::OrganisationIdentifier)
    );
    // A legal-person policy (QCP-l) decides when there is no statement.
    let legal = pki.leaf(
        CertSpec::ee("Nguyễn Văn An")
            .vietnamese("Hà Nội", "Sở Tư pháp", "Nguyễn Văn An", "CCCD:001085012345")
            .policy("0.4.0.194112.1.3"),
    );
    let d = Certificate::from_der(&legal.cert_der()).unwrap().role();
    assert_eq!(
        (d.role, d.basis),
        (SignerRole::Organisation, RoleBasis::CertificatePolicy)
    );
}

#[test]
fn a_malformed_critical_qc_statements_makes_the_certificate_unloadable() {
    let pki = Pki::new();
    let bad = pki.leaf(CertSpec::ee("Nguyễn Văn An").extension(
        "1.3.6.1.5.5.7.1.3",
        true,
        vec![0x30, 0x03, 0x06, 0x01],
    ));
    let Err(err) = Certificate::from_der(&bad.cert_der()) else {
        panic!("a malformed critical qcStatements was accepted");
    };
    assert!(err.to_string().contains("1.3.6.1.5.5.7.1.3"), "{err}");
}
