//! What the C ABI costs per call: the same small detached .p7s verified through
//! `kyso_verify` (called from Rust as extern "C": pointers in, a C string out, freed) and
//! through kyso::Verifier with the report serialised to the same JSON directly. The ratio is
//! printed at the end. Not run in CI: `cargo bench -p kyso-ffi --bench overhead`.

use std::ffi::CString;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use kyso_testkit::{CertSpec, Pki, TempDir};

struct Setup {
    _dir: TempDir,
    config: CString,
    verifier: kyso::Verifier,
    sig: Vec<u8>,
    content: Vec<u8>,
    at: kyso::Timestamp,
}

fn setup() -> Setup {
    let dir = TempDir::new("ffi-bench");
    let pki = Pki::new();
    let root = pki.root.write(dir.path(), "root");
    let leaf = pki.leaf(CertSpec::ee("Nguyễn Văn A"));
    let key = kyso::SigningKey::from_key_and_cert(
        &leaf.key_pem(),
        None,
        kyso::Certificate::from_der(&leaf.cert_der()).unwrap(),
    )
    .unwrap()
    .with_chain([kyso::Certificate::from_der(&pki.sub.cert_der()).unwrap()]);
    let at = kyso::Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let content = b"Cong van so 15/UBND-VP\n".to_vec();
    let sig = kyso::Signer::new(key)
        .signing_time(at)
        .build()
        .unwrap()
        .sign_bytes(&content)
        .unwrap();
    let config = format!(
        "{{\"trust\": [{:?}], \"offline\": true, \"at\": \"2026-06-01T00:00:00Z\"}}",
        root.display().to_string()
    );
    let anchors = kyso::Certificate::load_all(&std::fs::read(&root).unwrap()).unwrap();
    let verifier = kyso::Verifier::new().with_trust_anchors(anchors);
    Setup {
        _dir: dir,
        config: CString::new(config).unwrap(),
        verifier,
        sig,
        content,
        at,
    }
}

fn through_abi(h: *const kyso_ffi::KysoVerifier, s: &Setup) -> usize {
    let mut out = std::ptr::null_mut();
    // SAFETY: a live handle, slices valid for their lengths, a writable out pointer.
    let rc = unsafe {
        kyso_ffi::kyso_verify(
            h,
            s.sig.as_ptr(),
            s.sig.len(),
            s.content.as_ptr(),
            s.content.len(),
            &mut out,
        )
    };
    assert_eq!(rc, 0);
    // SAFETY: the NUL-terminated report kyso returned, freed once below.
    let n = unsafe { std::ffi::CStr::from_ptr(out) }.to_bytes().len();
    // SAFETY: as above.
    unsafe { kyso_ffi::kyso_string_free(out) };
    n
}

fn direct(s: &Setup) -> usize {
    let doc = s.verifier.verify_bytes(&s.sig, Some(&s.content), s.at);
    kyso::Report::new(s.at, vec![doc])
        .with_policy(s.verifier.policy().id())
        .to_json()
        .len()
}

fn overhead(c: &mut Criterion) {
    let s = setup();
    let mut h = std::ptr::null_mut();
    // SAFETY: a C string and a writable out pointer.
    assert_eq!(
        unsafe { kyso_ffi::kyso_verifier_new(s.config.as_ptr(), &mut h) },
        0
    );
    // The same report either way (same length; the content is the same JSON).
    assert_eq!(through_abi(h, &s), direct(&s));
    let mut g = c.benchmark_group("verify_small_p7s");
    g.bench_function("c_abi", |b| b.iter(|| black_box(through_abi(h, &s))));
    g.bench_function("direct", |b| b.iter(|| black_box(direct(&s))));
    g.finish();

    // The ratio, measured once more here per call in alternating order (so that both see the
    // same machine: the 2 cores are shared), as the median of each.
    let rounds = 2000;
    let (mut abi, mut dir) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for i in 0..rounds {
        let one = |f: &dyn Fn() -> usize, into: &mut Vec<Duration>| {
            let t = Instant::now();
            black_box(f());
            into.push(t.elapsed());
        };
        if i % 2 == 0 {
            one(&|| through_abi(h, &s), &mut abi);
            one(&|| direct(&s), &mut dir);
        } else {
            one(&|| direct(&s), &mut dir);
            one(&|| through_abi(h, &s), &mut abi);
        }
    }
    abi.sort();
    dir.sort();
    let (a, d) = (abi[rounds / 2], dir[rounds / 2]);
    println!(
        "overhead: median c_abi {a:?}/call, direct {d:?}/call, ratio {:.3} ({rounds} calls each)",
        a.as_secs_f64() / d.as_secs_f64()
    );
    // SAFETY: the handle made above, freed once.
    unsafe { kyso_ffi::kyso_verifier_free(h) };
}

criterion_group!(benches, overhead);
criterion_main!(benches);
