//! BoringSSL / Chromium certificate verifier test data, `../shared/testdata-ext/boringssl-pki`:
//! - `verify_certificate_chain_unittest/*/*.test`: the chain (target first, the last
//!   certificate the trust anchor when `last_cert_trust` says so), the time, the key purpose
//!   (as a required EKU), and the expected outcome (no `expected_errors` = valid) and, for
//!   valid chains, the user-constrained policy set;
//! - `crl_unittest/*.pem`: the target's revocation status from the CRL (file name prefix
//!   `good` / `revoked` / `bad` and `invalid` = unknown).
//!
//! Only valid/invalid (and good/revoked/unknown) are compared: Chromium's error texts are its
//! own. Trust modes and key purposes kyso has no equivalent of are skipped and counted.
//! Known divergences are listed in `tests/exceptions/boringssl-pki.txt`.

mod exceptions;

use std::path::Path;

use kyso::{Certificate, ChainOptions, Crl, RevocationMode, RevocationStatus, Timestamp};

/// `utc_time: DEFAULT` in the .test files: 2021-10-05T12:00:00Z (the notBefore of the
/// generated chains; BoringSSL's test helper substitutes this value).
const DEFAULT_TIME: &str = "211005120000Z";

/// YYMMDDHHMMSSZ (UTCTime form, as the .test files write it) to a Timestamp.
fn utc_time(v: &str) -> Timestamp {
    let v = if v == "DEFAULT" { DEFAULT_TIME } else { v };
    let d = |i: usize| &v[i..i + 2];
    let yy: i32 = d(0).parse().expect("year");
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    Timestamp::parse_rfc3339(&format!(
        "{year}-{}-{}T{}:{}:{}Z",
        d(2),
        d(4),
        d(6),
        d(8),
        d(10)
    ))
    .expect("utc_time")
}

/// PEM blocks of a file as (label, whole block text).
fn pem_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            cur = Some((label.to_string(), String::new()));
        } else if line.starts_with("-----END ") {
            if let Some(c) = cur.take() {
                out.push(c);
            }
        } else if let Some((_, body)) = cur.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

fn as_pem(label: &str, body: &str) -> String {
    format!("-----BEGIN {label}-----\n{body}-----END {label}-----\n")
}

fn chain_cases(tally: &mut exceptions::Tally) {
    let root = exceptions::suite_dir("boringssl-pki").join("verify_certificate_chain_unittest");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("verify_certificate_chain_unittest")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut tests: Vec<_> = std::fs::read_dir(&dir)
            .expect("case dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "test"))
            .collect();
        tests.sort();
        for t in tests {
            run_chain_test(tally, &root, &t);
        }
    }
}

fn run_chain_test(tally: &mut exceptions::Tally, root: &Path, t: &Path) {
    let id = t
        .strip_prefix(root)
        .expect("under root")
        .display()
        .to_string();
    let text = std::fs::read_to_string(t).expect(".test");
    let mut kv = std::collections::BTreeMap::new();
    let mut errors = String::new();
    let mut in_errors = false;
    for line in text.lines() {
        if in_errors {
            errors.push_str(line);
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k == "expected_errors" {
                in_errors = true;
                continue;
            }
            kv.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    // WARNING lines do not make a chain invalid; ERROR lines do.
    let expect_valid = !errors.contains("ERROR:");
    let trust = kv.get("last_cert_trust").map_or("", String::as_str);
    let purpose = kv.get("key_purpose").map_or("", String::as_str);
    let eku = match purpose {
        "ANY_EKU" => None,
        "SERVER_AUTH" => Some("1.3.6.1.5.5.7.3.1"),
        "CLIENT_AUTH" => Some("1.3.6.1.5.5.7.3.2"),
        _ => {
            tally.skip(
                &id,
                "key_purpose kyso has no equivalent of (Chromium *_STRICT, C2PA, MLS)",
            );
            return;
        }
    };
    let anchor_is_last = match trust {
        // kyso always checks the anchor certificate's validity and applies its name
        // constraints and basicConstraints; the "_WITH_CONSTRAINTS" modes are closest, and
        // plain TRUSTED_ANCHOR cases where that matters are listed as exceptions.
        "TRUSTED_ANCHOR"
        | "TRUSTED_ANCHOR_WITH_EXPIRATION"
        | "TRUSTED_ANCHOR_WITH_CONSTRAINTS"
        | "TRUSTED_ANCHOR_WITH_EXPIRATION_AND_CONSTRAINTS" => true,
        "UNSPECIFIED" | "DISTRUSTED" => false,
        _ => {
            tally.skip(
                &id,
                "last_cert_trust mode kyso has no equivalent of (trusted leaf, anchor constraints options)",
            );
            return;
        }
    };
    if kv.contains_key("digest_policy") {
        tally.skip(&id, "digest_policy option (Chromium-specific)");
        return;
    }
    let chain_file = t
        .parent()
        .expect("dir")
        .join(kv.get("chain").expect("chain"));
    let pem = std::fs::read_to_string(&chain_file).expect("chain pem");
    let mut certs = Vec::new();
    for (label, body) in pem_blocks(&pem) {
        if label == "CERTIFICATE" {
            match Certificate::load_all(as_pem(&label, &body).as_bytes()) {
                Ok(mut c) => certs.append(&mut c),
                Err(e) => {
                    // A certificate kyso refuses to parse makes the chain invalid.
                    if expect_valid {
                        tally.diverge(&id, format!("expected valid, certificate not loaded: {e}"));
                    } else {
                        tally.pass();
                    }
                    return;
                }
            }
        }
    }
    let at = utc_time(kv.get("utc_time").map_or("DEFAULT", String::as_str));
    let leaf = certs.remove(0);
    let anchors = if anchor_is_last {
        if certs.is_empty() {
            // The target itself is the anchor.
            vec![leaf.clone()]
        } else {
            certs.pop().into_iter().collect()
        }
    } else {
        Vec::new()
    };
    let mut opts = ChainOptions::new(at).revocation(RevocationMode::Off);
    if let Some(e) = eku {
        opts = opts.eku(e);
    }
    let out = kyso::validate_chain_with(&leaf, &certs, &anchors, &opts);
    let detail = out
        .error
        .as_ref()
        .map_or("valid".into(), |e| e.message(kyso::Lang::En));
    if out.is_valid() != expect_valid {
        tally.diverge(
            &id,
            format!(
                "expected {}, kyso: {detail}",
                if expect_valid { "valid" } else { "invalid" }
            ),
        );
        return;
    }
    if let (true, Some(want)) = (expect_valid, kv.get("expected_user_constrained_policy_set")) {
        let mut want: Vec<String> = want
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        want.sort();
        let mut got = out.user_constrained_policies.clone();
        got.sort();
        if want != got {
            tally.diverge(
                &id,
                format!("valid, but user-constrained policy set {got:?} instead of {want:?}"),
            );
            return;
        }
    }
    tally.pass();
}

fn crl_cases(tally: &mut exceptions::Tally) {
    let root = exceptions::suite_dir("boringssl-pki").join("crl_unittest");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("crl_unittest")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    files.sort();
    // Chromium's crl_unittest verifies at 2017-03-09 (a week after the CRLs' thisUpdate).
    let at = Timestamp::parse_rfc3339("2017-03-09T00:00:00Z").expect("time");
    for f in files {
        let name = f.file_name().expect("name").to_string_lossy().to_string();
        let id = format!("crl_unittest/{name}");
        let expected = if name.starts_with("good") {
            "good"
        } else if name.starts_with("revoked") {
            "revoked"
        } else {
            "unknown"
        };
        let text = std::fs::read_to_string(&f).expect("pem");
        let mut target = None;
        let mut cas = Vec::new();
        let mut crls = Vec::new();
        let mut load_error = None;
        for (label, body) in pem_blocks(&text) {
            match label.as_str() {
                "CERTIFICATE" => {
                    target = Certificate::load_all(as_pem("CERTIFICATE", &body).as_bytes())
                        .ok()
                        .and_then(|mut v| v.pop())
                }
                l if l.starts_with("CA CERTIFICATE") => cas.extend(
                    Certificate::load_all(as_pem("CERTIFICATE", &body).as_bytes())
                        .unwrap_or_default(),
                ),
                "CRL" => match Crl::load_all(as_pem("X509 CRL", &body).as_bytes()) {
                    Ok(v) => crls.extend(v),
                    Err(e) => load_error = Some(e.to_string()),
                },
                _ => {}
            }
        }
        let Some(target) = target else {
            tally.diverge(&id, "target certificate not loaded".into());
            continue;
        };
        let Some(issuer) = cas.first().cloned() else {
            tally.diverge(&id, "issuer certificate not loaded".into());
            continue;
        };
        let _ = issuer;
        // The revocation engine alone (Chromium's CheckCRL takes the issuer as given).
        let status = kyso::check_revocation(&target, &cas, &crls, at);
        let got = match (&status, &load_error) {
            (_, Some(_)) => "unknown",
            (RevocationStatus::Good { .. }, _) => "good",
            (RevocationStatus::Revoked { .. }, _) => "revoked",
            (RevocationStatus::Unknown { .. }, _) => "unknown",
            _ => "not checked",
        };
        if got == expected {
            tally.pass();
        } else {
            let why = match (&status, &load_error) {
                (_, Some(e)) => format!("CRL not loaded: {e}"),
                (RevocationStatus::Unknown { problem }, _) => problem.describe(),
                _ => String::new(),
            };
            tally.diverge(&id, format!("expected {expected}, kyso says {got} {why}"));
        }
    }
}

#[test]
fn boringssl_pki() {
    let mut tally = exceptions::Tally::new("boringssl-pki");
    chain_cases(&mut tally);
    crl_cases(&mut tally);
    tally.conclude();
}
