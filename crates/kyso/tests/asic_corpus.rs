//! The staged EU DSS ASiC corpus (../shared/testdata-ext/dss-asic-cades, with its
//! expected.tsv): every row with a definite verdict gets it from kyso. Trust is not part of
//! these verdicts (test PKIs; no anchors are given), so what is compared is integrity:
//!
//! * `valid`: every signature of the container is not TOTAL-FAILED (digest and signature
//!   value intact), its manifest references all pass (ASiC-E), no archived file changed;
//! * `invalid`, `partially-invalid`, `malformed`, `no-signature`: one of these fails;
//! * `indeterminate`: a signature is INDETERMINATE for want of its signer certificate or a
//!   signed file (what DSS reports), and none fails.
//!
//! The container's layout (EN 319 162-1 §A.1: the mimetype entry first and stored) is judged
//! apart: many DSS test containers put the mimetype last, which kyso fails as a format
//! failure of the whole container but which says nothing of the signatures' integrity. The
//! count is printed. Divergences are listed in tests/exceptions/dss-asic-cades.txt with their
//! reasons; a listed row that agrees again fails the test.

mod exceptions;

use kyso::{CheckName, CheckResult, DocumentReport, Indication, Timestamp, Verifier};

fn intact(r: &DocumentReport) -> bool {
    !r.signatures.is_empty()
        && r.signatures.iter().all(|s| {
            s.indication != Indication::TotalFailed
                && s.checks
                    .iter()
                    .filter(|c| c.check == CheckName::AsicManifest)
                    .all(|c| c.result == CheckResult::Passed)
        })
        && !r
            .problems
            .iter()
            .any(|p| p.code() == "asic_archive_reference_mismatch")
}

fn indeterminate(r: &DocumentReport) -> bool {
    r.signatures
        .iter()
        .all(|s| s.indication != Indication::TotalFailed)
        && r.signatures.iter().any(|s| {
            s.failures().any(|(_, reason)| {
                matches!(
                    reason.code(),
                    "signer_certificate_not_found" | "asic_reference_missing" | "content_missing"
                )
            })
        })
}

#[test]
fn staged_dss_asic_containers_give_their_expected_verdicts() {
    let dir = exceptions::suite_dir("dss-asic-cades");
    let tsv = std::fs::read_to_string(dir.join("expected.tsv")).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the shared corpora sit beside the repository)",
            dir.display()
        )
    });
    let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let v = Verifier::new();
    let mut tally = exceptions::Tally::new("dss-asic-cades");
    let mut layout = 0;
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, expected) = (cols[0], cols[2]);
        if expected == "see-notes" {
            tally.skip(file, "see-notes: the upstream test does not pin a verdict");
            continue;
        }
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let r = v.verify_asic_bytes(file, &bytes, at);
        if r.problems.iter().any(|p| {
            matches!(p, kyso::DocumentProblem::AsicContainerInvalid { asic_code, .. }
                if asic_code == "asic_mimetype_not_conforming")
        }) {
            layout += 1;
            assert_eq!(r.indication, Indication::TotalFailed, "{file}");
        }
        let ok = match expected {
            "valid" => intact(&r),
            "invalid" | "partially-invalid" | "malformed" | "no-signature" => !intact(&r),
            "indeterminate" => indeterminate(&r),
            other => panic!("{file}: unknown verdict {other}"),
        };
        if ok {
            tally.pass();
        } else {
            let why: Vec<String> = r
                .signatures
                .iter()
                .map(|s| format!("{:?} {:?} {:?}", s.indication, s.sub_indication, s.messages))
                .chain(r.messages.clone())
                .collect();
            tally.diverge(
                file,
                format!("expected {expected}, got {:?}: {why:?}", r.indication),
            );
        }
    }
    println!("dss-asic-cades: {layout} containers fail EN 319 162-1 §A.1 (mimetype placement)");
    assert!(tally.passed >= 12, "only {} rows agree", tally.passed);
    tally.conclude();
}

/// The DSS containers with archive manifests (EN 319 162-1 Annex A.7): every archive
/// time-stamp is read with its manifest, its imprint is over the manifest's bytes, and the
/// ones DSS finds broken are the ones kyso fails, for the file DSS names (expected.tsv's
/// notes). Trust is not judged (test PKIs): an intact one is at worst INDETERMINATE for its
/// TSA's path, never a hash, format or missing-file failure.
#[test]
fn dss_archive_manifests_fail_where_dss_says_and_only_there() {
    let dir = exceptions::suite_dir("dss-asic-cades");
    let at = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let v = Verifier::new();
    // (file, for each archive time-stamp in entry order: None when intact, or the problem
    // code and the file it names).
    type Case = (
        &'static str,
        &'static [Option<(&'static str, &'static str)>],
    );
    let cases: [Case; 6] = [
        (
            "asice-level-lta-with-custom-manifest-namespace.sce",
            &[None],
        ),
        ("dss1984.asice", &[None]),
        ("cades-duplicate-orphan-revocation.asice", &[None]),
        (
            "ASICE-CAdES-BpLTA-2-BpLTA-DSS5.4.asice",
            &[
                Some((
                    "timestamp_archive_reference_failed",
                    "META-INF/signature001.p7s",
                )),
                None,
            ],
        ),
        (
            "dss1421-broken.asice",
            &[Some((
                "timestamp_archive_reference_failed",
                "META-INF/signature001.p7s",
            ))],
        ),
        (
            "removed-doc.asice",
            &[Some(("timestamp_archive_reference_missing", "cacert.pem"))],
        ),
    ];
    for (file, expected) in cases {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let r = v.verify_asic_bytes(file, &bytes, at);
        let archives: Vec<&kyso::TimestampReport> = r.signatures[0]
            .timestamps
            .iter()
            .filter(|t| t.kind == kyso::TimestampKind::ContainerArchiveTimeStamp)
            .collect();
        assert_eq!(archives.len(), expected.len(), "{file}: {archives:#?}");
        for (t, want) in archives.iter().zip(expected) {
            let info = t
                .asic
                .as_ref()
                .expect("a container archive time-stamp says where");
            assert!(
                info.manifest.contains("ASiCArchiveManifest"),
                "{file}: {info:?}"
            );
            assert!(info.token_entry.ends_with(".tst"), "{file}: {info:?}");
            assert!(t.gen_time.is_some(), "{file}: the token is read");
            match (want, &t.problem) {
                (None, None) => assert!(t.is_valid()),
                (None, Some(p)) => assert_eq!(
                    p.code(),
                    "timestamp_token_not_valid",
                    "{file} {}: only its TSA's (untrusted) path may fail: {t:#?}",
                    info.manifest
                ),
                (Some((code, named)), Some(p)) => {
                    assert_eq!(p.code(), *code, "{file}: {p:?}");
                    assert!(format!("{p:?}").contains(named), "{file}: {p:?}");
                    assert!(!t.is_valid());
                }
                (Some(_), None) => panic!("{file}: {} should fail: {t:#?}", info.manifest),
            }
        }
        // The archive manifests and their tokens are verified, not listed as unchecked.
        for p in &r.problems {
            if let kyso::DocumentProblem::AsicEntryNotVerified { file: f } = p {
                assert!(
                    !f.contains("ASiCArchiveManifest") && !f.ends_with(".tst"),
                    "{file}: {f} reported unchecked"
                );
            }
        }
    }
}
