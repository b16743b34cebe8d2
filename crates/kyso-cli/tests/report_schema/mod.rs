//! Every machine-readable report a CLI test produces is checked against its published schema,
//! so the schemas and what kyso writes cannot drift apart: verification reports against
//! docs/schema/kyso.verify.v2.schema.json, signing reports against
//! docs/schema/kyso.sign.v1.schema.json, path validation reports against
//! docs/schema/kyso.chain.v1.schema.json (JSON Schema draft 2020-12), and JUnit reports against
//! the strict Ant/Jenkins JUnit schema in tests/junit.xsd (with xmllint, never skipped).
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

fn read_schema(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schema")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the schema file is in the repository");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// Resolves the schemas' `$id`s (`urn:kyso:schema:kyso.verify:v2`) to the files of
/// docs/schema, so one schema can use another's definitions; nothing is fetched.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let id = uri.as_str();
        let file = id
            .strip_prefix("urn:kyso:schema:")
            .map(|rest| format!("{}.schema.json", rest.replace(':', ".")))
            .ok_or_else(|| format!("not a kyso schema: {id}"))?;
        Ok(read_schema(&file))
    }
}

fn load(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&read_schema(name))
        .expect("the schema is a valid draft 2020-12 schema")
}

fn chain_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| load("kyso.chain.v1.schema.json"))
}

/// The violations of kyso.chain/v1 in `report` (empty when it conforms).
pub fn chain_violations(report: &serde_json::Value) -> Vec<String> {
    violations(chain_validator(), report)
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| load("kyso.verify.v2.schema.json"))
}

fn sign_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| load("kyso.sign.v1.schema.json"))
}

fn violations(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Panics, naming each violation, unless `report` conforms to schema kyso.verify/v2.
pub fn assert_conforms(report: &serde_json::Value) {
    let errors = violations(validator(), report);
    assert!(
        errors.is_empty(),
        "the report does not conform to kyso.verify/v2:\n{}\n{report:#}",
        errors.join("\n")
    );
}

/// The violations of kyso.sign/v1 in `report` (empty when it conforms).
pub fn sign_violations(report: &serde_json::Value) -> Vec<String> {
    violations(sign_validator(), report)
}

/// Panics, naming each violation, unless `report` conforms to schema kyso.sign/v1.
pub fn assert_sign_conforms(report: &serde_json::Value) {
    let errors = sign_violations(report);
    assert!(
        errors.is_empty(),
        "the report does not conform to kyso.sign/v1:\n{}\n{report:#}",
        errors.join("\n")
    );
}

/// The strict JUnit schema (tests/junit.xsd).
pub fn junit_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit.xsd")
}

/// Validate `xml` with `xmllint --schema tests/junit.xsd`: `Ok` or xmllint's complaint.
/// Panics when xmllint is missing: scripts/test.sh installs it (libxml2-utils); these tests
/// are never skipped.
pub fn junit_validation(xml: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut child = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(junit_xsd())
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xmllint runs (apt-get install libxml2-utils; scripts/test.sh installs it)");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(xml)
        .expect("xmllint reads the report");
    let out = child.wait_with_output().expect("xmllint finishes");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Panics with xmllint's complaint unless `xml` is valid under the strict JUnit schema.
pub fn assert_junit_conforms(xml: &[u8]) {
    if let Err(e) = junit_validation(xml) {
        panic!(
            "the JUnit report does not validate against tests/junit.xsd:\n{e}\n{}",
            String::from_utf8_lossy(xml)
        );
    }
}

/// If `args` ask `kyso verify` for JSON, the output must be one v2 report that conforms
/// (`--schema v1` output is the legacy shape and is not checked here); JUnit output must
/// validate against the strict JUnit schema; `kyso sign --format json` must print one
/// kyso.sign/v1 report whenever the run started (every exit but 2, a usage error).
pub fn check_output(args: &[&str], out: &Output) {
    let json = args.contains(&"--json") || args.windows(2).any(|w| w == ["--format", "json"]);
    let junit = args.windows(2).any(|w| w == ["--format", "junit"]);
    match args.first() {
        Some(&"verify") if junit => assert_junit_conforms(&out.stdout),
        Some(&"verify") if json && !args.contains(&"v1") => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!("kyso verify --json printed no single JSON document: {e}")
            });
            assert_conforms(&v);
        }
        Some(&"chain") if json => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!("kyso chain --format json printed no single JSON document: {e}")
            });
            let errors = chain_violations(&v);
            assert!(
                errors.is_empty(),
                "the report does not conform to kyso.chain/v1:\n{}\n{v:#}",
                errors.join("\n")
            );
        }
        Some(&"sign") if json && (out.status.code() != Some(2) || !out.stdout.is_empty()) => {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "kyso sign --format json printed no single JSON document: {e}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            assert_sign_conforms(&v);
        }
        _ => {}
    }
}
