//! The report as a contract (schema `kyso.verify/v2`): reports made by the library conform to
//! the published JSON Schema, read back into the same values, and the schema is strict enough
//! to reject a report that breaks it.

mod common;

use common::*;
use kyso::{DocumentReport, Indication, Report, Verifier};

fn schema() -> jsonschema::Validator {
    let path = testdata().join("../docs/schema/kyso.verify.v2.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&read(&path)).unwrap();
    jsonschema::validator_for(&schema).expect("a valid draft 2020-12 schema")
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Reports of several kinds: passed, tampered content, no trust anchor, missing content, not
/// CMS at all, and wrong time.
fn reports() -> Vec<DocumentReport> {
    let trust = certs(&pki("trust.pem"));
    let verifier = Verifier::new().with_trust_anchors(trust.clone());
    let sig = read(&sample("cong-van.txt.p7s"));
    let content = read(&sample("cong-van.txt"));
    let mut tampered = content.clone();
    tampered[3] ^= 1;
    let late = kyso::Timestamp::parse_rfc3339("2099-01-01T00:00:00Z").unwrap();
    vec![
        verifier
            .verify_file(&sample("cong-van.txt.p7s"), None, at())
            .unwrap(),
        verifier
            .verify_file(&sample("to-trinh.txt.p7m"), None, at())
            .unwrap(),
        verifier.verify_bytes(&sig, Some(&tampered), at()),
        Verifier::new().verify_bytes(&sig, Some(&content), at()),
        verifier.verify_bytes(&sig, None, at()),
        verifier.verify_bytes(&content, None, at()),
        verifier.verify_bytes(&sig, Some(&content), late),
    ]
}

#[test]
fn library_reports_conform_to_the_schema_and_round_trip() {
    let v = schema();
    let docs = reports();
    let kinds: Vec<Indication> = docs.iter().map(|d| d.indication).collect();
    assert!(kinds.contains(&Indication::TotalPassed));
    assert!(kinds.contains(&Indication::TotalFailed));
    assert!(kinds.contains(&Indication::Indeterminate));
    let report = Report::new(at(), docs);
    let json = serde_json::to_value(&report).unwrap();
    let errs = errors(&v, &json);
    assert!(errs.is_empty(), "{}\n{json:#}", errs.join("\n"));
    let back: Report = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, report, "the report reads back into the same values");
    assert_eq!(serde_json::to_value(&back).unwrap(), json);
    // The text form of the library's own serializer is the same document.
    let again: Report = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(again, report);
}

#[test]
fn every_document_and_signature_has_the_same_keys() {
    let json = serde_json::to_value(Report::new(at(), reports())).unwrap();
    let keys = |o: &serde_json::Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let docs = json["documents"].as_array().unwrap();
    let first = keys(&docs[0]);
    let sig_keys = keys(&docs[0]["signatures"][0]);
    let check_keys = keys(&docs[0]["signatures"][0]["checks"][0]);
    for d in docs {
        assert_eq!(keys(d), first);
        assert!(d["messages"].is_array() && d["problems"].is_array());
        for s in d["signatures"].as_array().unwrap() {
            assert_eq!(keys(s), sig_keys);
            for c in s["checks"].as_array().unwrap() {
                assert_eq!(keys(c), check_keys, "{c}");
            }
        }
    }
}

/// A change that makes a good report break the schema.
type Breaker = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn the_schema_rejects_broken_reports() {
    let v = schema();
    let good = serde_json::to_value(Report::new(at(), reports())).unwrap();
    let broken: Vec<(&str, Breaker)> = vec![
        (
            "unknown indication",
            Box::new(|j| j["documents"][0]["indication"] = "OK".into()),
        ),
        (
            "missing messages",
            Box::new(|j| {
                j["documents"][0]["signatures"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("messages");
            }),
        ),
        (
            "extra key",
            Box::new(|j| j["documents"][0]["extra"] = 1.into()),
        ),
        (
            "unknown reason code",
            Box::new(|j| {
                j["documents"][2]["signatures"][0]["checks"][4]["reason"]["code"] = "oops".into()
            }),
        ),
        (
            "evidence missing",
            Box::new(|j| {
                j["documents"][2]["signatures"][0]["checks"][4]["reason"]
                    .as_object_mut()
                    .unwrap()
                    .remove("computed");
            }),
        ),
        (
            "local time",
            Box::new(|j| j["validation_time"] = "2026-06-01T07:00:00+07:00".into()),
        ),
        (
            "passed with a reason",
            Box::new(|j| {
                j["documents"][0]["signatures"][0]["checks"][0]["reason"] =
                    serde_json::json!({"code": "no_timestamp"})
            }),
        ),
    ];
    assert!(errors(&v, &good).is_empty());
    for (what, f) in broken {
        let mut j = good.clone();
        f(&mut j);
        assert!(
            !errors(&v, &j).is_empty(),
            "the schema accepts a report with {what}"
        );
    }
}
