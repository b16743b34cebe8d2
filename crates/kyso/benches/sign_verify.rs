//! Criterion benchmarks: detached signing and verification of a 1 KiB document with RSA-2048
//! and P-256, the hashing throughput of verifying a detached signature over 64 MiB, and a
//! batch verification of 1,000 signature files on disk (`kyso::batch::verify_files`).
//!
//! ```sh
//! cargo bench -p kyso --bench sign_verify              # full run (a few minutes on 2 cores)
//! cargo bench -p kyso --bench sign_verify -- --quick   # rough numbers, faster
//! cargo bench -p kyso --bench sign_verify -- verify/   # only the benchmarks matching a filter
//! ```
//!
//! Keys and certificates come from `testdata/pki`; everything is validated at the pinned test
//! time 2026-06-01T00:00:00Z so the results do not depend on the clock.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kyso::{Certificate, Indication, Signer, SigningKey, Timestamp, Verifier};

/// The pinned validation (and signing) time of the test data.
const AT: &str = "2026-06-01T00:00:00Z";
/// The small document signed and verified by the per-signature benchmarks.
const SMALL_LEN: usize = 1024;
/// The large in-memory document used for the hashing-throughput benchmark.
const BIG_LEN: usize = 64 * 1024 * 1024;

fn pki(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/pki")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    let p = pki(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339(AT).expect("pinned time parses")
}

/// A deterministic, incompressible-looking document of `len` bytes (xorshift64).
fn document(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A detached signer for `signer-<alg>` (key + certificate), with `chain-<alg>.pem` attached.
fn signer(alg: &str) -> Signer {
    let cert = Certificate::load_all(&read(&format!("signer-{alg}.pem")))
        .expect("signer certificate")
        .remove(0);
    let chain = Certificate::load_all(&read(&format!("chain-{alg}.pem"))).expect("chain");
    let key = SigningKey::from_key_and_cert(&read(&format!("signer-{alg}.key")), None, cert)
        .expect("signing key")
        .with_chain(chain);
    Signer::new(key).signing_time(at()).build().expect("signer")
}

/// A verifier trusting `trust.pem`, with `chain-<alg>.pem` as extra intermediates.
fn verifier(alg: &str) -> Verifier {
    let anchors = Certificate::load_all(&read("trust.pem")).expect("trust anchors");
    let chain = Certificate::load_all(&read(&format!("chain-{alg}.pem"))).expect("chain");
    Verifier::new()
        .with_trust_anchors(anchors)
        .with_intermediates(chain)
}

fn bench_sign_verify(c: &mut Criterion) {
    let doc = document(SMALL_LEN);
    let at = at();
    for (alg, label) in [("rsa", "rsa2048"), ("ec", "p256")] {
        let s = signer(alg);
        let v = verifier(alg);
        let sig = s.sign_bytes(&doc).expect("sign");
        // A benchmark of a failing verification would measure the wrong thing.
        let report = v.verify_bytes(&sig, Some(&doc), at);
        assert_eq!(
            report.indication,
            Indication::TotalPassed,
            "{label}: {report:?}"
        );

        let mut g = c.benchmark_group("sign_detached_1KiB");
        g.sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        g.throughput(Throughput::Elements(1));
        g.bench_function(label, |b| {
            b.iter(|| s.sign_bytes(black_box(&doc)).expect("sign"))
        });
        g.finish();

        let mut g = c.benchmark_group("verify_detached_1KiB");
        g.sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        g.throughput(Throughput::Elements(1));
        g.bench_function(label, |b| {
            b.iter(|| {
                v.verify_bytes(black_box(&sig), Some(black_box(&doc)), at)
                    .indication
            })
        });
        g.finish();
    }
}

fn bench_hashing(c: &mut Criterion) {
    let doc = document(BIG_LEN);
    let at = at();
    let s = signer("rsa");
    let v = verifier("rsa");
    let sig = s.sign_bytes(&doc).expect("sign");
    let report = v.verify_bytes(&sig, Some(&doc), at);
    assert_eq!(report.indication, Indication::TotalPassed, "{report:?}");

    let mut g = c.benchmark_group("verify_detached_64MiB");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Bytes(BIG_LEN as u64));
    g.bench_function("rsa2048_sha256", |b| {
        b.iter(|| {
            v.verify_bytes(black_box(&sig), Some(black_box(&doc)), at)
                .indication
        })
    });
    g.finish();
}

/// Files in the batch benchmark: enough to keep every worker busy through several chunks.
const BATCH_FILES: usize = 1000;

/// `kyso::batch::verify_files` over 1,000 detached RSA-2048 signatures of 1 KiB files on disk,
/// one worker per core, results delivered in order: the library side of `kyso verify DIR`.
fn bench_batch_verify(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("kyso-bench-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("bench directory");
    let s = signer("rsa");
    let v = verifier("rsa");
    let at = at();
    let mut files = Vec::with_capacity(BATCH_FILES);
    for i in 0..BATCH_FILES {
        let mut doc = document(SMALL_LEN);
        doc[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let content = dir.join(format!("f{i:05}"));
        std::fs::write(&content, &doc).expect("content");
        let sig = dir.join(format!("f{i:05}.p7s"));
        std::fs::write(&sig, s.sign_bytes(&doc).expect("sign")).expect("signature");
        files.push(sig);
    }
    let batch = kyso::batch::Batch::new();
    let run = || {
        let mut passed = 0usize;
        kyso::batch::verify_files(
            &batch,
            &v,
            &files,
            None,
            at,
            |_, r| {
                r.map(|d| d.indication == Indication::TotalPassed)
                    .unwrap_or(false)
            },
            |d| passed += usize::from(d.output),
        );
        passed
    };
    assert_eq!(run(), BATCH_FILES, "every file verifies");

    let mut g = c.benchmark_group("batch_verify_1000_files");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(BATCH_FILES as u64));
    g.bench_function("rsa2048_1KiB", |b| b.iter(run));
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(
    benches,
    bench_sign_verify,
    bench_hashing,
    bench_batch_verify
);
criterion_main!(benches);
