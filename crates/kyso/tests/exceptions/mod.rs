//! Shared by the third-party suite harnesses (pkits.rs, x509_limbo.rs, boringssl_pki.rs): the
//! exceptions file (`<suite>.txt` beside this file: one known divergence per line,
//! `id<TAB>reason`, `#` comments) and the pass / fail / skip tally.
//!
//! A harness fails when a case diverges without being listed, and also when a listed case no
//! longer diverges, so the exceptions file stays honest.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

/// `../shared/testdata-ext/<suite>` beside the repository.
pub fn suite_dir(suite: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/testdata-ext")
        .join(suite)
}

/// Counts for one suite run.
#[derive(Default)]
pub struct Tally {
    suite: String,
    pub passed: usize,
    /// id -> what kyso did instead.
    pub diverged: BTreeMap<String, String>,
    /// reason -> ids skipped for it.
    pub skipped: BTreeMap<String, Vec<String>>,
}

impl Tally {
    pub fn new(suite: &str) -> Self {
        Tally {
            suite: suite.into(),
            ..Default::default()
        }
    }

    pub fn pass(&mut self) {
        self.passed += 1;
    }

    pub fn diverge(&mut self, id: &str, detail: String) {
        self.diverged.insert(id.to_string(), detail);
    }

    pub fn skip(&mut self, id: &str, why: &str) {
        self.skipped
            .entry(why.to_string())
            .or_default()
            .push(id.to_string());
    }

    /// Print the counts and check the divergences against the exceptions file.
    pub fn conclude(self) {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/exceptions")
            .join(format!("{}.txt", self.suite));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut listed: BTreeMap<String, String> = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, reason) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{}: line without a TAB: {line}", file.display()));
            assert!(
                !reason.trim().is_empty(),
                "{}: {id} has no reason",
                file.display()
            );
            listed.insert(id.to_string(), reason.to_string());
        }
        let skipped: usize = self.skipped.values().map(Vec::len).sum();
        println!(
            "{}: {} passed, {} diverged ({} listed as known exceptions), {} skipped",
            self.suite,
            self.passed,
            self.diverged.len(),
            self.diverged
                .keys()
                .filter(|k| listed.contains_key(*k))
                .count(),
            skipped
        );
        for (why, ids) in &self.skipped {
            println!("  skipped {:>4}  {why}", ids.len());
        }
        let mut problems = Vec::new();
        for (id, detail) in &self.diverged {
            match listed.get(id) {
                Some(reason) => println!("  known   {id}: {detail} [exception: {reason}]"),
                None => {
                    println!("  DIVERGE {id}: {detail}");
                    problems.push(format!("{id}: {detail}"));
                }
            }
        }
        for id in listed.keys() {
            if !self.diverged.contains_key(id) {
                println!("  STALE   {id}: listed in the exceptions file but no longer diverges");
                problems.push(format!("{id}: stale exception"));
            }
        }
        assert!(
            problems.is_empty(),
            "{}: {} unexplained divergence(s) or stale exception(s):\n{}",
            self.suite,
            problems.len(),
            problems.join("\n")
        );
    }
}
