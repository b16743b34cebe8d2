//! Every verification report a CLI test produces is checked against the published JSON Schema
//! (docs/schema/kyso.verify.v2.schema.json), so the schema and the JSON cannot drift apart.

use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/schema/kyso.verify.v2.schema.json");
        let text = std::fs::read_to_string(&path).expect("the schema file is in the repository");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::validator_for(&schema).expect("the schema is a valid draft 2020-12 schema")
    })
}

/// Panics, naming each violation, unless `report` conforms to schema kyso.verify/v2.
pub fn assert_conforms(report: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the report does not conform to kyso.verify/v2:\n{}\n{report:#}",
        errors.join("\n")
    );
}

/// If `args` ask `kyso verify` for JSON, the output must be one v2 report that conforms
/// (`--schema v1` output is the legacy shape and is not checked here).
pub fn check_output(args: &[&str], out: &Output) {
    let json = args.contains(&"--json") || args.windows(2).any(|w| w == ["--format", "json"]);
    if args.first() != Some(&"verify") || !json || args.contains(&"v1") {
        return;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("kyso verify --json printed no single JSON document: {e}"));
    assert_conforms(&v);
}
