//! Hostile input: whatever the bytes, `verify_bytes` / `verify_file` return a TOTAL-FAILED
//! FORMAT_FAILURE report, quickly, without panicking.

mod common;

use std::time::{Duration, Instant};

use common::*;
use kyso::{DocumentReport, Indication, Signer, SubIndication, Verifier};

/// Generous for a debug build; a hostile input that takes longer is a denial of service.
const FAST: Duration = Duration::from_secs(3);

fn verifier() -> Verifier {
    // The small signatures embed the signer certificate only.
    Verifier::new()
        .with_trust_anchors(certs(&pki("trust.pem")))
        .with_intermediates(certs(&pki("chain-ec.pem")))
}

fn small_signature(attached: bool) -> Vec<u8> {
    let key = key_pair("signer-ec.pem", "signer-ec.key");
    let signer = Signer::new(key)
        .attached(attached)
        .signing_time(at())
        .build()
        .unwrap();
    signer.sign_bytes(b"hello").unwrap()
}

/// Verify in memory and through a file; both must be FORMAT_FAILURE, fast, and not panic.
fn assert_format_failure(what: &str, bytes: &[u8], dir: &TempDir) {
    let v = verifier();
    let t = Instant::now();
    let r = std::panic::catch_unwind(|| v.verify_bytes(bytes, Some(b"hello"), at()))
        .unwrap_or_else(|_| panic!("{what}: verify_bytes panicked"));
    assert!(
        t.elapsed() < FAST,
        "{what}: verify_bytes took {:?}",
        t.elapsed()
    );
    check_ff(what, &r);

    let f = dir.join("sig.bin");
    std::fs::write(&f, bytes).unwrap();
    let content = dir.join("content");
    std::fs::write(&content, b"hello").unwrap();
    let t = Instant::now();
    let r = std::panic::catch_unwind(|| v.verify_file(&f, Some(&content), at()))
        .unwrap_or_else(|_| panic!("{what}: verify_file panicked"))
        .unwrap_or_else(|e| panic!("{what}: verify_file gave Err({e}) for a readable file"));
    assert!(
        t.elapsed() < FAST,
        "{what}: verify_file took {:?}",
        t.elapsed()
    );
    check_ff(what, &r);
    // inspect must not panic either (it may return Err).
    let _ = std::panic::catch_unwind(|| kyso::inspect(bytes, at()))
        .unwrap_or_else(|_| panic!("{what}: inspect panicked"));
}

fn check_ff(what: &str, r: &DocumentReport) {
    assert_eq!(
        r.indication,
        Indication::TotalFailed,
        "{what}: {}",
        brief(r)
    );
    assert_eq!(
        r.sub_indication,
        Some(SubIndication::FormatFailure),
        "{what}: {}",
        brief(r)
    );
}

#[test]
fn control_small_signatures_pass() {
    for attached in [false, true] {
        let sig = small_signature(attached);
        let r = verifier().verify_bytes(&sig, (!attached).then_some(&b"hello"[..]), at());
        assert_eq!(r.indication, Indication::TotalPassed, "{}", brief(&r));
    }
}

#[test]
fn every_truncation_is_format_failure() {
    let dir = TempDir::new("trunc");
    for attached in [false, true] {
        let sig = small_signature(attached);
        for len in (0..sig.len()).step_by(7).chain([sig.len() - 1]) {
            assert_format_failure(
                &format!("prefix {len}/{} (attached {attached})", sig.len()),
                &sig[..len],
                &dir,
            );
        }
    }
}

#[test]
fn trailing_garbage_is_format_failure() {
    let dir = TempDir::new("trail");
    for attached in [false, true] {
        let sig = small_signature(attached);
        for tail in [
            &[0u8][..],
            &[0x00, 0x00],
            b"garbage",
            &[0x30, 0x00],
            &[0x04, 0x01, 0xff],
        ] {
            let mut s = sig.clone();
            s.extend_from_slice(tail);
            assert_format_failure(
                &format!("trailing {tail:?} (attached {attached})"),
                &s,
                &dir,
            );
        }
    }
}

#[test]
fn absurd_lengths_are_format_failure() {
    let dir = TempDir::new("len");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "4-byte max length",
            vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06, 0x09],
        ),
        (
            "8-byte length",
            vec![
                0x30, 0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01,
            ],
        ),
        (
            "9-byte length",
            vec![0x30, 0x89, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0x01],
        ),
        ("127-byte length", {
            let mut v = vec![0x30, 0xfe];
            v.extend(std::iter::repeat_n(0xff, 126));
            v
        }),
        ("reserved 0xff length", vec![0x30, 0xff, 0x00]),
        (
            "non-minimal long form",
            vec![0x30, 0x82, 0x00, 0x03, 0x02, 0x01, 0x01],
        ),
        ("length beyond end", vec![0x30, 0x10, 0x02, 0x01]),
        (
            "indefinite without end",
            vec![
                0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
            ],
        ),
        ("high tag number forever", {
            let mut v = vec![0x30, 0x80, 0x1f];
            v.extend(std::iter::repeat_n(0xff, 64));
            v
        }),
    ];
    for (what, bytes) in &cases {
        assert_format_failure(what, bytes, &dir);
    }
    // Inside a real signature: set each length byte we can find to a huge value.
    let sig = small_signature(true);
    let mut mutated = 0;
    for i in 1..sig.len() {
        if sig[i] & 0x80 != 0
            && (0x81..=0x84).contains(&sig[i])
            && matches!(sig[i - 1], 0x30 | 0x31 | 0x04 | 0xa0 | 0x02 | 0x06)
        {
            let mut s = sig.clone();
            let n = (s[i] & 0x7f) as usize;
            for b in s.iter_mut().skip(i + 1).take(n) {
                *b = 0xff;
            }
            mutated += 1;
            let v = verifier();
            let t = Instant::now();
            let r = std::panic::catch_unwind(|| v.verify_bytes(&s, None, at()))
                .unwrap_or_else(|_| panic!("inner length at {i}: panicked"));
            assert!(t.elapsed() < FAST);
            // The scan also hits look-alike bytes inside opaque values (a certificate's
            // signature, a key): those damage the certificate, which is INDETERMINATE
            // (NO_SIGNING_CERTIFICATE_FOUND), not TOTAL-FAILED. Never a pass.
            assert_ne!(
                r.indication,
                Indication::TotalPassed,
                "inner length at {i}: {}",
                brief(&r)
            );
        }
    }
    assert!(mutated > 3, "found length octets to mutate");
}

#[test]
fn deep_nesting_is_format_failure() {
    let dir = TempDir::new("deep");
    const DEPTH: usize = 10_000;
    // Indefinite-length SEQUENCEs, closed properly.
    let mut indefinite = Vec::new();
    for _ in 0..DEPTH {
        indefinite.extend_from_slice(&[0x30, 0x80]);
    }
    for _ in 0..DEPTH {
        indefinite.extend_from_slice(&[0x00, 0x00]);
    }
    assert_format_failure("10k indefinite SEQUENCEs", &indefinite, &dir);
    // Unclosed.
    assert_format_failure("10k unclosed SEQUENCEs", &indefinite[..DEPTH * 2], &dir);
    // Constructed [0] and OCTET STRING nesting (the eContent path).
    let mut ctx = vec![
        0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    for _ in 0..DEPTH {
        ctx.extend_from_slice(&[0xa0, 0x80]);
    }
    for _ in 0..DEPTH + 1 {
        ctx.extend_from_slice(&[0x00, 0x00]);
    }
    assert_format_failure("10k nested [0] in a SignedData", &ctx, &dir);
    let mut octets = vec![0x30, 0x80];
    for _ in 0..DEPTH {
        octets.extend_from_slice(&[0x24, 0x80]);
    }
    assert_format_failure("10k nested constructed OCTET STRINGs", &octets, &dir);
    // Definite-length nesting: each level's length covers the rest.
    let mut definite: Vec<u8> = vec![0x05, 0x00];
    for _ in 0..DEPTH {
        let len = definite.len();
        let mut head = vec![0x30];
        if len < 0x80 {
            head.push(len as u8);
        } else if len < 0x100 {
            head.extend_from_slice(&[0x81, len as u8]);
        } else if len < 0x10000 {
            head.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
        } else {
            head.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
        }
        head.extend_from_slice(&definite);
        definite = head;
    }
    assert_format_failure("10k definite SEQUENCEs", &definite, &dir);
}

#[test]
fn empty_and_tiny_inputs_are_format_failure() {
    let dir = TempDir::new("tiny");
    for (what, bytes) in [
        ("empty", &b""[..]),
        ("one zero", &[0u8][..]),
        ("0x30", &[0x30][..]),
        ("empty SEQUENCE", &[0x30, 0x00][..]),
        ("whitespace", &b"   \n\t"[..]),
        (
            "empty PEM",
            &b"-----BEGIN CMS-----\n-----END CMS-----\n"[..],
        ),
        (
            "bad PEM body",
            &b"-----BEGIN PKCS7-----\n!!!!\n-----END PKCS7-----\n"[..],
        ),
        ("PEM certificate only", &read(&pki("root-rsa.pem"))[..]),
        ("DER certificate", &read(&pki("root-rsa.der"))[..]),
        ("base64 of non-ASN.1", &b"aGVsbG8gd29ybGQ="[..]),
        ("text", &b"This is not a signature at all.\n"[..]),
        ("a certs-only p7b", &read(&pki("chain-rsa.p7b"))[..]),
    ] {
        assert_format_failure(what, bytes, &dir);
    }
}

/// xorshift64*: deterministic, dependency-free pseudo-random bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn random_bytes_are_format_failure() {
    let dir = TempDir::new("rand");
    let mut rng = Rng(0x6b79_736f_2d74_6573);
    for i in 0..300 {
        let n = (rng.next() % 2048) as usize;
        let mut b = rng.bytes(n);
        // Half of them start like a SEQUENCE so they get past the first-byte sniffing.
        if i % 2 == 0 && !b.is_empty() {
            b[0] = 0x30;
        }
        assert_format_failure(&format!("random #{i} ({n} bytes)"), &b, &dir);
    }
}

#[test]
fn random_mutations_of_a_valid_signature_never_panic_or_pass() {
    // Not necessarily FORMAT_FAILURE (a flipped bit in the certificate is a chain failure, in the
    // signature value a crypto failure), but never a panic and never TOTAL-PASSED.
    // Ed25519 with a pinned signing time: the same bytes on every run, so a failure reproduces.
    let key = key_pair("signer-ed25519.pem", "signer-ed25519.key");
    let sig = Signer::new(key)
        .attached(true)
        .signing_time(at())
        .build()
        .unwrap()
        .sign_bytes(b"hello")
        .unwrap();
    // The SignerIdentifier of the one SignerInfo: its second field.
    let sid = {
        let (si, _) = signer_infos(&sig).remove(0);
        let start = sig
            .windows(si.len())
            .position(|w| w == si.as_slice())
            .unwrap();
        let f = children(&si, 0)[1];
        (start + f.0, start + f.1)
    };
    // The contents of SignedData.digestAlgorithms (after the SET header).
    let digest_algs = {
        let explicit = children(&sig, 0)[1].0;
        let sd = children(&sig, explicit)[0].0;
        let (start, end) = children(&sig, sd)[1];
        assert_eq!(sig[start], 0x31);
        (start + tlv_at(&sig, start).unwrap().1, end)
    };
    let version = {
        let explicit = children(&sig, 0)[1].0;
        let sd = children(&sig, explicit)[0].0;
        let (start, end) = children(&sig, sd)[0];
        assert_eq!((sig[start], end - start), (0x02, 3), "version INTEGER");
        start + 2
    };
    let mut rng = Rng(42);
    let v = verifier();
    assert_eq!(
        v.verify_bytes(&sig, None, at()).indication,
        Indication::TotalPassed
    );
    for i in 0..1500 {
        let mut s = sig.clone();
        let flips = 1 + (rng.next() % 4) as usize;
        for _ in 0..flips {
            let pos = (rng.next() as usize) % s.len();
            let bit = 1u8 << (rng.next() % 8);
            s[pos] ^= bit;
        }
        if s == sig {
            continue;
        }
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| v.verify_bytes(&s, None, at()))
            .unwrap_or_else(|_| panic!("mutation #{i} panicked"));
        assert!(t.elapsed() < FAST, "mutation #{i} took {:?}", t.elapsed());
        if r.indication == Indication::TotalPassed {
            // The only bytes a flip may touch and still pass are unsigned hints: the
            // SignedData version value (RFC 5652 §5.1: derived from the contents, not a
            // security property), the contents of SignedData.digestAlgorithms (RFC 5652 §5.1: a list "to facilitate one-pass
            // signature verification"; each SignerInfo names its own digest), and the
            // SignerIdentifier (RFC 5652 §5.3) when the change is an ASCII case change in the
            // issuer name, since names compare case-insensitively (RFC 5280 §7.1, RFC 4518
            // §2.3). Everything else in this small file is signed or structural.
            let diff: Vec<usize> = (0..s.len()).filter(|&k| s[k] != sig[k]).collect();
            let benign = diff.iter().all(|&k| {
                (digest_algs.0..digest_algs.1).contains(&k)
                    || k == version
                    || ((sid.0..sid.1).contains(&k)
                        && sig[k].is_ascii_alphabetic()
                        && s[k] == sig[k] ^ 0x20)
            });
            assert!(
                benign,
                "mutation #{i} {:x?} of {} passed: {}",
                diff.iter().map(|&k| (k, sig[k], s[k])).collect::<Vec<_>>(),
                hex_dump(&sig),
                brief(&r)
            );
        }
    }
}

fn hex_dump(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
