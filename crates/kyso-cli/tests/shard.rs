//! Batches beyond one machine (issue 13): `kyso verify --shard K/N` verifies a deterministic
//! share of the inputs and `kyso report merge` joins the shards' JSON reports into the report
//! of the whole batch (as JSON or JUnit), with its exit code. The round trip is checked
//! against one unsharded run over the same folder.

mod common;
mod report_schema;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

/// A folder of 11 signatures: 9 valid, one tampered (TOTAL-FAILED), one whose content is
/// missing (INDETERMINATE), in two subfolders.
fn batch(d: &Path) {
    for sub in ["a", "b"] {
        std::fs::create_dir_all(d.join("archive").join(sub)).unwrap();
    }
    for i in 0..11 {
        let sub = if i % 2 == 0 { "a" } else { "b" };
        let f = d.join(format!("archive/{sub}/cv-{i:02}.txt"));
        std::fs::write(&f, format!("Công văn số {i}")).unwrap();
        let o = kyso(
            d,
            &[
                "sign",
                "--key",
                &pki("signer-rsa.key"),
                "--cert",
                &pki("signer-rsa.pem"),
                "--chain",
                &pki("sub-rsa.pem"),
                f.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    std::fs::write(d.join("archive/a/cv-04.txt"), "sửa").unwrap();
    std::fs::remove_file(d.join("archive/b/cv-07.txt")).unwrap();
}

fn verify(d: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value, Vec<u8>) {
    let root_ca = pki("root-rsa.pem");
    let mut args = vec![
        "verify",
        "--format",
        "json",
        "--trust",
        &root_ca,
        "--at",
        "2026-06-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    args.push("archive");
    let o = kyso(d, &args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    (o.status.code(), v, o.stdout)
}

fn verdicts(v: &serde_json::Value) -> BTreeMap<String, String> {
    v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["signature_file"].as_str().unwrap().to_string(),
                d["indication"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn three_shards_merged_give_the_whole_batch() {
    let d = tmpdir("shard-merge");
    batch(&d);
    let (whole_code, whole, _) = verify(&d, &[]);
    assert_eq!(whole_code, Some(1));
    assert_eq!(whole["summary"]["total"], 11);
    let mut seen = BTreeMap::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let (_, part, bytes) = verify(&d, &["--shard", &shard]);
        let n = part["documents"].as_array().unwrap().len();
        assert!((3..=4).contains(&n), "shard {shard}: {n} documents");
        for (file, verdict) in verdicts(&part) {
            assert!(
                seen.insert(file.clone(), verdict).is_none(),
                "{file} in two shards"
            );
        }
        std::fs::write(d.join(format!("part-{k}.json")), bytes).unwrap();
    }
    assert_eq!(
        seen,
        verdicts(&whole),
        "the shards cover the batch exactly once"
    );

    let o = kyso(
        &d,
        &[
            "report",
            "merge",
            "part-3.json",
            "part-1.json",
            "part-2.json",
        ],
    );
    assert_eq!(o.status.code(), whole_code, "{}", stderr(&o));
    let merged: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report_schema::assert_conforms(&merged);
    assert_eq!(merged["summary"], whole["summary"]);
    assert_eq!(merged["policy"], whole["policy"]);
    assert_eq!(merged["validation_time"], "2026-06-01T00:00:00Z");
    assert_eq!(verdicts(&merged), verdicts(&whole));
    // The documents in the order the parts were given: part 3's first.
    assert_eq!(
        merged["documents"][0]["signature_file"],
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(d.join("part-3.json")).unwrap())
            .unwrap()["documents"][0]["signature_file"]
    );

    // JUnit for the CI, written atomically, never over an existing file.
    let o = kyso(
        &d,
        &[
            "report",
            "merge",
            "--format",
            "junit",
            "-o",
            "junit.xml",
            "part-1.json",
            "part-2.json",
            "part-3.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    report_schema::assert_junit_conforms(junit.as_bytes());
    assert!(junit.contains("tests=\"11\" failures=\"2\""), "{junit}");
    let o = kyso(
        &d,
        &[
            "report",
            "merge",
            "--format",
            "junit",
            "-o",
            "junit.xml",
            "part-1.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(d.join("junit.xml")).unwrap(), junit);
}

#[test]
fn an_empty_shard_passes_and_bad_parts_are_refused() {
    let d = tmpdir("shard-refused");
    batch(&d);
    // More shards than inputs: the last ones are empty, which is not an error.
    let (code, v, _) = verify(&d, &["--shard", "12/12"]);
    assert_eq!(code, Some(0));
    assert_eq!(v["summary"]["total"], 0);
    let o = kyso(&d, &["verify", "--shard", "0/3", "archive"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("K counts from 1 to N"),
        "{}",
        stderr(&o)
    );

    let (_, _, a) = verify(&d, &["--shard", "1/2"]);
    let (_, _, b) = verify(&d, &["--shard", "2/2", "--policy", "legacy-archive"]);
    std::fs::write(d.join("a.json"), a).unwrap();
    std::fs::write(d.join("b.json"), b).unwrap();
    let o = kyso(&d, &["report", "merge", "a.json", "b.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("another policy (legacy-archive)"),
        "{}",
        stderr(&o)
    );
    std::fs::write(d.join("c.json"), "{\"schema\": \"kyso.verify/v2\"}").unwrap();
    let o = kyso(&d, &["report", "merge", "a.json", "c.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("c.json: not a kyso.verify/v2 JSON report"),
        "{}",
        stderr(&o)
    );
    // Different validation times are merged at the earliest, with a note.
    let (_, _, later) = {
        let root_ca = pki("root-rsa.pem");
        let o = kyso(
            &d,
            &[
                "verify",
                "--json",
                "--trust",
                &root_ca,
                "--at",
                "2026-07-01T00:00:00Z",
                "--shard",
                "2/2",
                "archive",
            ],
        );
        (o.status.code(), (), o.stdout)
    };
    std::fs::write(d.join("later.json"), later).unwrap();
    let o = kyso(&d, &["report", "merge", "a.json", "later.json"]);
    assert!(
        stderr(&o).contains("validated at 2 different times"),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["validation_time"], "2026-06-01T00:00:00Z");
}
