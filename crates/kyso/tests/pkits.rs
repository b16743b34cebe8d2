//! NIST PKITS v1.0.1 (RFC 5280 path validation conformance), every row of
//! `../shared/testdata-ext/pkits/expected.tsv`: the row's path, CRLs and initial policy
//! settings, trust anchor TrustAnchorRootCertificate, validation at 2011-04-15T00:00:00Z, CRL
//! checking required. A valid row must also give the expected user-constrained policy set.
//! Known divergences are listed in `tests/exceptions/pkits.txt`.

mod exceptions;

use kyso::{Certificate, ChainOptions, Crl, RevocationMode, Timestamp};

/// NIST-test-policy-N is 2.16.840.1.101.3.2.1.48.N (PKITS.pdf §3).
fn policy_oid(name: &str) -> String {
    match name.strip_prefix("NIST-test-policy-") {
        Some(n) => format!("2.16.840.1.101.3.2.1.48.{n}"),
        None if name == "anyPolicy" => "2.5.29.32.0".into(),
        None => panic!("unknown policy name {name}"),
    }
}

fn policy_set(field: &str) -> Vec<String> {
    if field == "(empty)" || field.is_empty() {
        return Vec::new();
    }
    let mut v: Vec<String> = field.split(',').map(policy_oid).collect();
    v.sort();
    v
}

#[test]
fn pkits() {
    let dir = exceptions::suite_dir("pkits");
    let tsv = std::fs::read_to_string(dir.join("expected.tsv")).expect("pkits/expected.tsv");
    let cert = |stem: &str| {
        let der = std::fs::read(dir.join("certs").join(format!("{stem}.crt")))
            .unwrap_or_else(|e| panic!("{stem}.crt: {e}"));
        Certificate::from_der(&der)
    };
    let at = Timestamp::parse_rfc3339("2011-04-15T00:00:00Z").unwrap();
    let mut tally = exceptions::Tally::new("pkits");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (c_id, c_exp, c_pol, c_expl, c_map, c_any, c_ucps, c_ta, c_path, c_crls) = (
        col("id"),
        col("expected"),
        col("initial_policy_set"),
        col("initial_explicit_policy"),
        col("initial_policy_mapping_inhibit"),
        col("initial_inhibit_any_policy"),
        col("user_constrained_policy_set"),
        col("trust_anchor"),
        col("path"),
        col("crls"),
    );
    let mut rows = 0;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        rows += 1;
        let f: Vec<&str> = line.split('\t').collect();
        let id = f[c_id];
        let expected_valid = match f[c_exp] {
            "valid" => true,
            "invalid" => false,
            other => panic!("{id}: expected = {other}"),
        };
        let anchor = cert(f[c_ta]).expect("trust anchor parses");
        // A certificate kyso refuses to parse makes the path invalid (malformed input).
        let mut path = Vec::new();
        let mut unparsable = None;
        for stem in f[c_path].split(',') {
            match cert(stem) {
                Ok(c) => path.push(c),
                Err(e) => unparsable = Some(format!("{stem}: {e}")),
            }
        }
        let mut crls = Vec::new();
        for stem in f[c_crls].split(',').filter(|s| !s.is_empty()) {
            let der = std::fs::read(dir.join("crls").join(format!("{stem}.crl")))
                .unwrap_or_else(|e| panic!("{stem}.crl: {e}"));
            match Crl::from_der(&der) {
                Ok(c) => crls.push(c),
                // An unparsable CRL is simply not available; the status then stays unknown.
                Err(e) => println!("  note {id}: CRL {stem} not loaded: {e}"),
            }
        }
        let mut opts = ChainOptions::new(at)
            .require_explicit_policy(f[c_expl] == "true")
            .inhibit_policy_mapping(f[c_map] == "true")
            .inhibit_any_policy(f[c_any] == "true")
            .crls(crls)
            .revocation(RevocationMode::Required);
        for p in f[c_pol].split(',').filter(|p| *p != "anyPolicy") {
            opts = opts.policy(policy_oid(p));
        }
        let (actual_valid, detail, ucps) = match unparsable {
            Some(e) => (false, format!("certificate not loaded: {e}"), Vec::new()),
            None => {
                let leaf = path.pop().expect("path has an end entity");
                let out = kyso::validate_chain_with(&leaf, &path, &[anchor], &opts);
                let detail = out
                    .error
                    .as_ref()
                    .map_or("valid".to_string(), |e| e.message(kyso::Lang::En));
                if std::env::var_os("KYSO_SUITE_VERBOSE").is_some() {
                    println!(
                        "  {id}\t{}\t{}",
                        f[c_exp],
                        out.error.as_ref().map_or("valid", |e| e.code())
                    );
                }
                let mut ucps = out.user_constrained_policies.clone();
                ucps.sort();
                (out.is_valid(), detail, ucps)
            }
        };
        if actual_valid != expected_valid {
            tally.diverge(
                id,
                format!(
                    "expected {}, kyso says {}",
                    f[c_exp],
                    if actual_valid { "valid".into() } else { detail }
                ),
            );
        } else if expected_valid && ucps != policy_set(f[c_ucps]) {
            tally.diverge(
                id,
                format!(
                    "valid as expected, but user-constrained policy set {:?} instead of {}",
                    ucps, f[c_ucps]
                ),
            );
        } else {
            tally.pass();
        }
    }
    assert_eq!(rows, 249, "expected.tsv should have 249 rows");
    tally.conclude();
}

/// RFC 1847 multipart/signed: (the first body part as signed, in canonical CRLF form; the
/// base64 text of the signature part).
fn smime_parts(eml: &str) -> Option<(Vec<u8>, String)> {
    let boundary = eml
        .split("boundary=\"")
        .nth(1)?
        .split('"')
        .next()?
        .to_string();
    let delim = format!("--{boundary}");
    let lines: Vec<&str> = eml.lines().map(|l| l.trim_end_matches('\r')).collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(&delim))
        .map(|(i, _)| i)
        .collect();
    let (a, b) = (*starts.first()?, *starts.get(1)?);
    let content = lines[a + 1..b].join("\r\n").into_bytes();
    let end = starts.get(2).copied().unwrap_or(lines.len());
    let sig_part = &lines[b + 1..end];
    let body_at = sig_part.iter().position(|l| l.is_empty())?;
    let b64 = sig_part[body_at + 1..].concat();
    Some((content, b64))
}

/// The CMS variant of PKITS: each row's S/MIME message (signed by the row's end entity) is
/// verified by `kyso::Verifier` with the row's path as intermediates, its CRLs, revocation
/// required, at 2011-04-15: TOTAL-PASSED exactly for the valid rows. The Verifier applies the
/// RFC 5280 default initial settings, so rows with other settings are skipped (counted).
#[test]
fn pkits_cms() {
    let dir = exceptions::suite_dir("pkits");
    let tsv = std::fs::read_to_string(dir.join("expected.tsv")).expect("pkits/expected.tsv");
    let at = Timestamp::parse_rfc3339("2011-04-15T00:00:00Z").unwrap();
    let mut tally = exceptions::Tally::new("pkits-cms");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let id = f[col("id")];
        let smime = f[col("smime")];
        if smime.is_empty() {
            tally.skip(id, "no S/MIME message for this row");
            continue;
        }
        let defaults = f[col("initial_policy_set")] == "anyPolicy"
            && f[col("initial_explicit_policy")] == "false"
            && f[col("initial_policy_mapping_inhibit")] == "false"
            && f[col("initial_inhibit_any_policy")] == "false";
        if !defaults {
            tally.skip(
                id,
                "non-default initial policy settings (Verifier uses the RFC 5280 defaults)",
            );
            continue;
        }
        let expected_valid = f[col("expected")] == "valid";
        let load = |stem: &str| {
            Certificate::from_der(
                &std::fs::read(dir.join("certs").join(format!("{stem}.crt"))).unwrap(),
            )
        };
        let anchor = load(f[col("trust_anchor")]).unwrap();
        let path: Vec<Certificate> = f[col("path")]
            .split(',')
            .filter_map(|s| load(s).ok())
            .collect();
        let crls: Vec<Crl> = f[col("crls")]
            .split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| {
                Crl::from_der(&std::fs::read(dir.join("crls").join(format!("{s}.crl"))).unwrap())
                    .ok()
            })
            .collect();
        let eml = std::fs::read_to_string(dir.join("smime").join(smime)).expect("eml");
        let Some((content, b64)) = smime_parts(&eml) else {
            tally.diverge(id, "S/MIME message not understood by the harness".into());
            continue;
        };
        let report = kyso::Verifier::new()
            .with_policy(ess_optional_pkits())
            .with_trust_anchors([anchor])
            .with_intermediates(path)
            .with_crls(crls)
            .with_revocation_mode(RevocationMode::Required)
            .verify_bytes(b64.as_bytes(), Some(&content), at);
        let passed = report.indication == kyso::Indication::TotalPassed;
        if passed == expected_valid {
            tally.pass();
        } else {
            let why = report
                .signatures
                .first()
                .map(|s| s.messages.join("; "))
                .unwrap_or_default();
            tally.diverge(
                id,
                format!(
                    "expected {}, kyso verify: {:?} {:?} {why}",
                    f[col("expected")],
                    report.indication,
                    report.sub_indication
                ),
            );
        }
    }
    tally.conclude();
}

/// PKITS signed messages carry no ESS signing-certificate attribute; they test the path.
fn ess_optional_pkits() -> kyso::ValidationPolicy {
    let mut p = kyso::ValidationPolicy::agency_default();
    p.require_signing_certificate = false;
    p
}
