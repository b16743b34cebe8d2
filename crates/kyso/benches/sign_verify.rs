//! Criterion benchmarks: detached signing and verification of a 1 KiB document with RSA-2048
//! and P-256, and the hashing throughput of verifying a detached signature over 64 MiB.
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

criterion_group!(benches, bench_sign_verify, bench_hashing);
criterion_main!(benches);
