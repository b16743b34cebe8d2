//! Hostile ASiC containers (issue 15), each built here with Python's `zipfile` (and `zip -P`
//! for encryption) around manifests and signatures kyso makes with the test PKI: zip bombs,
//! a lying declared size, traversal, absolute, backslash and NUL names, duplicate entries
//! (also by case), too many entries, an encrypted entry, the mimetype not first or
//! compressed, a manifest naming an absent file or one file twice, a signature without a
//! manifest, a file nobody signed. Each is a clear failure with its code, never a panic or a
//! hang, never TOTAL-PASSED; the same container built properly passes, so every case fails
//! for its own reason.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use kyso::{DocumentReport, Indication, Signer, Verifier};

/// Build a ZIP at `out` from `entries` (name, data file, stored?), in order, with Python;
/// `patch` replaces one byte string by another in the finished file (names with a NUL).
fn zip(
    dir: &Path,
    out: &str,
    entries: &[(&str, &[u8], bool)],
    patch: Option<(&[u8], &[u8])>,
) -> Vec<u8> {
    let mut spec = Vec::new();
    for (i, (name, data, stored)) in entries.iter().enumerate() {
        let f = dir.join(format!("entry{i}"));
        std::fs::write(&f, data).unwrap();
        spec.push(serde_json::json!([name, f.display().to_string(), stored]));
    }
    let script = r#"
import json, sys, zipfile, warnings
warnings.simplefilter('ignore')
out, spec = sys.argv[1], json.loads(sys.argv[2])
with zipfile.ZipFile(out, 'w') as z:
    for name, path, stored in spec:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        z.writestr(info, open(path, 'rb').read())
"#;
    let path = dir.join(out);
    let o = Command::new("python3")
        .args([
            "-c",
            script,
            &path.display().to_string(),
            &serde_json::to_string(&spec).unwrap(),
        ])
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut bytes = read(&path);
    if let Some((from, to)) = patch {
        assert_eq!(from.len(), to.len());
        let mut i = 0;
        while let Some(at) = bytes[i..].windows(from.len()).position(|w| w == from) {
            bytes[i + at..i + at + from.len()].copy_from_slice(to);
            i += at + from.len();
        }
    }
    bytes
}

const ASICE: &[u8] = b"application/vnd.etsi.asic-e+zip";

fn signer() -> Signer {
    Signer::new(
        key_pair("signer-rsa.pem", "signer-rsa.key").with_chain(certs(&pki("chain-rsa.pem"))),
    )
    .signing_time(at())
    .now(at())
    .build()
    .unwrap()
}

fn verifier() -> Verifier {
    Verifier::new().with_trust_anchors([cert("root-rsa.pem")])
}

fn verify(bytes: &[u8]) -> DocumentReport {
    verifier().verify_asic_bytes("hostile.asice", bytes, at())
}

fn b64(d: &[u8]) -> String {
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys,base64;print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())",
            &hex(d),
        ])
        .output()
        .unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(d: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(d).to_vec()
}

/// An ASiCManifest for META-INF/signature001.p7s with the given references (URI, bytes).
fn manifest(refs: &[(&str, &[u8])]) -> Vec<u8> {
    let mut x = String::from(
        r#"<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><SigReference URI="META-INF/signature001.p7s"/>"#,
    );
    for (uri, data) in refs {
        x.push_str(&format!(
            r#"<DataObjectReference URI="{uri}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{}</ds:DigestValue></DataObjectReference>"#,
            b64(&sha256(data))
        ));
    }
    x.push_str("</ASiCManifest>");
    x.into_bytes()
}

fn codes(r: &DocumentReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .problems
        .iter()
        .map(|p| match p {
            kyso::DocumentProblem::AsicContainerInvalid { asic_code, .. } => asic_code.clone(),
            p => p.code().to_string(),
        })
        .collect();
    for s in &r.signatures {
        v.extend(s.failures().map(|(_, reason)| reason.code().to_string()));
    }
    v
}

fn refused(r: &DocumentReport, code: &str) {
    assert_ne!(
        r.indication,
        Indication::TotalPassed,
        "{code}: {:?}",
        r.messages
    );
    assert!(
        codes(r).iter().any(|c| c == code),
        "want {code}, got {:?} {:?}",
        codes(r),
        r.messages
    );
}

const A: &[u8] = b"Don de nghi cap phep\n";
const B: &[u8] = b"To trinh so 15\n";

/// A well-formed ASiC-E of a.txt and b.txt, with a manifest over `refs` and its signature.
fn asice(dir: &Path, refs: &[(&str, &[u8])], order: &[&str], mimetype_stored: bool) -> Vec<u8> {
    let m = manifest(refs);
    let sig = signer().sign_bytes(&m).unwrap();
    let all: Vec<(&str, &[u8], bool)> = vec![
        ("mimetype", ASICE, mimetype_stored),
        ("a.txt", A, false),
        ("b.txt", B, false),
        ("META-INF/ASiCManifest.xml", &m, false),
        ("META-INF/signature001.p7s", &sig, false),
    ];
    let entries: Vec<(&str, &[u8], bool)> = order
        .iter()
        .map(|n| *all.iter().find(|e| e.0 == *n).unwrap())
        .collect();
    zip(dir, "c.asice", &entries, None)
}

const ORDER: [&str; 5] = [
    "mimetype",
    "a.txt",
    "b.txt",
    "META-INF/ASiCManifest.xml",
    "META-INF/signature001.p7s",
];

#[test]
fn the_well_formed_container_passes() {
    let d = TempDir::new("asic-ok");
    let r = verify(&asice(
        d.path(),
        &[("a.txt", A), ("b.txt", B)],
        &ORDER,
        true,
    ));
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", r.messages);
}

#[test]
fn mimetype_not_first_or_compressed_fails_the_container() {
    let d = TempDir::new("asic-mime");
    let mut last = ORDER.to_vec();
    last.rotate_left(1);
    let r = verify(&asice(d.path(), &[("a.txt", A), ("b.txt", B)], &last, true));
    refused(&r, "asic_mimetype_not_conforming");
    assert_eq!(r.indication, Indication::TotalFailed);
    // The signature itself is intact and still reported.
    assert_eq!(r.signatures.len(), 1);
    let r = verify(&asice(
        d.path(),
        &[("a.txt", A), ("b.txt", B)],
        &ORDER,
        false,
    ));
    refused(&r, "asic_mimetype_not_conforming");
}

#[test]
fn manifest_naming_an_absent_file_or_one_file_twice_fails() {
    let d = TempDir::new("asic-refs");
    let r = verify(&asice(
        d.path(),
        &[("a.txt", A), ("b.txt", B), ("c.txt", b"gone")],
        &ORDER,
        true,
    ));
    refused(&r, "asic_reference_missing");
    assert_eq!(r.indication, Indication::Indeterminate);
    let r = verify(&asice(
        d.path(),
        &[("a.txt", A), ("a.txt", A), ("b.txt", B)],
        &ORDER,
        true,
    ));
    refused(&r, "asic_manifest_invalid");
    assert_eq!(r.indication, Indication::TotalFailed);
    // A changed file: its digest no longer matches.
    let r = verify(&asice(
        d.path(),
        &[("a.txt", b"another text"), ("b.txt", B)],
        &ORDER,
        true,
    ));
    refused(&r, "asic_reference_mismatch");
    assert_eq!(r.indication, Indication::TotalFailed);
    // b.txt is in no manifest: nobody signed it.
    let r = verify(&asice(d.path(), &[("a.txt", A)], &ORDER, true));
    refused(&r, "asic_file_not_signed");
}

/// EN 319 162-1 §4.3.1: an ASiC-S holds one data object. A second file beside the signed one
/// fails the container (which of the two the signature is over is not for kyso to guess).
#[test]
fn an_asic_s_with_two_data_objects_fails() {
    let d = TempDir::new("asic-s-two");
    let sig = signer().sign_bytes(A).unwrap();
    let entries = |extra: bool| {
        let mut e: Vec<(&str, &[u8], bool)> = vec![
            ("mimetype", b"application/vnd.etsi.asic-s+zip", true),
            ("a.txt", A, false),
        ];
        if extra {
            e.push(("b.txt", B, false));
        }
        e.push(("META-INF/signature.p7s", &sig, false));
        e
    };
    let r = verify(&zip(d.path(), "c.asics", &entries(false), None));
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", codes(&r));
    let r = verify(&zip(d.path(), "c.asics", &entries(true), None));
    refused(&r, "asic_not_one_data_object");
    assert_eq!(r.indication, Indication::TotalFailed);
}

/// The documents are protected by the manifest's digests: SHA-1 ones, under the default
/// policy (no SHA-1), fail the signature as a SHA-1 message digest would, though the
/// signature over the manifest is SHA-256.
#[test]
fn a_manifest_with_sha1_digests_fails_under_the_default_policy() {
    let d = TempDir::new("asic-sha1");
    let b64_sha1 = |data: &[u8]| b64(&openssl::sha::sha1(data));
    let m = format!(
        r#"<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><SigReference URI="META-INF/signature001.p7s"/><DataObjectReference URI="a.txt"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>{}</ds:DigestValue></DataObjectReference><DataObjectReference URI="b.txt"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>{}</ds:DigestValue></DataObjectReference></ASiCManifest>"#,
        b64_sha1(A),
        b64_sha1(B)
    )
    .into_bytes();
    let sig = signer().sign_bytes(&m).unwrap();
    let bytes = zip(
        d.path(),
        "c.asice",
        &[
            ("mimetype", ASICE, true),
            ("a.txt", A, false),
            ("b.txt", B, false),
            ("META-INF/ASiCManifest.xml", &m, false),
            ("META-INF/signature001.p7s", &sig, false),
        ],
        None,
    );
    let r = verify(&bytes);
    refused(&r, "weak_algorithm");
    // EN 319 102-1: INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE, as for the signature's own SHA-1.
    assert_eq!(r.indication, Indication::Indeterminate, "{:?}", codes(&r));
    // One failure for the algorithm, not one per file.
    assert_eq!(
        codes(&r).iter().filter(|c| *c == "weak_algorithm").count(),
        1
    );
    // The same container under a policy that allows SHA-1 passes: the digests match.
    let lenient = Verifier::new()
        .with_trust_anchors([cert("root-rsa.pem")])
        .with_policy(kyso::ValidationPolicy::builtin("legacy-archive").unwrap());
    let r = lenient.verify_asic_bytes("sha1.asice", &bytes, at());
    assert_eq!(r.indication, Indication::TotalPassed, "{:?}", codes(&r));
}

#[test]
fn a_signature_without_manifest_fails() {
    let d = TempDir::new("asic-nomanifest");
    let sig = signer().sign_bytes(A).unwrap();
    let bytes = zip(
        d.path(),
        "c.asice",
        &[
            ("mimetype", ASICE, true),
            ("a.txt", A, false),
            ("b.txt", B, false),
            ("META-INF/signature001.p7s", &sig, false),
        ],
        None,
    );
    refused(&verify(&bytes), "asic_manifest_invalid");
}

#[test]
fn traversal_absolute_backslash_and_nul_names_are_refused() {
    let d = TempDir::new("asic-names");
    for (name, patch) in [
        ("../evil.txt", None),
        ("a/../../evil.txt", None),
        ("/etc/passwd", None),
        ("C:/Windows/evil.txt", None),
        ("dir\\evil.txt", None),
        ("evilQ.txt", Some((&b"evilQ.txt"[..], &b"evil\0.txt"[..]))),
    ] {
        let bytes = zip(
            d.path(),
            "c.asice",
            &[("mimetype", ASICE, true), (name, A, false)],
            patch,
        );
        let r = verify(&bytes);
        refused(&r, "asic_bad_entry_name");
        assert!(r.signatures.is_empty(), "{name}");
    }
}

#[test]
fn duplicate_entries_are_refused() {
    let d = TempDir::new("asic-dup");
    let bytes = zip(
        d.path(),
        "c.asice",
        &[
            ("mimetype", ASICE, true),
            ("a.txt", A, false),
            ("a.txt", B, false),
        ],
        None,
    );
    refused(&verify(&bytes), "asic_duplicate_entry");
    let bytes = zip(
        d.path(),
        "c.asice",
        &[
            ("mimetype", ASICE, true),
            ("a.txt", A, false),
            ("A.TXT", B, false),
        ],
        None,
    );
    refused(&verify(&bytes), "asic_duplicate_entry");
}

#[test]
fn zip_bombs_are_stopped_while_inflating() {
    let d = TempDir::new("asic-bomb");
    // 64 MiB of zeros deflate to about 64 KiB: a ratio of 1000, refused once 1 MB is out.
    let zeros = vec![0u8; 64 << 20];
    let bytes = zip(
        d.path(),
        "c.asice",
        &[("mimetype", ASICE, true), ("a.txt", &zeros, false)],
        None,
    );
    refused(&verify(&bytes), "asic_compression_ratio");
    // A declared size that lies (a few bytes claimed, the data much larger; and the other
    // way round): kyso counts what inflates, the crate checks the sizes and CRC; never valid.
    let text: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let good = zip(
        d.path(),
        "c.asice",
        &[("mimetype", ASICE, true), ("a.txt", &text, false)],
        None,
    );
    for declared in [16u32, 0xFFFF_FFF0] {
        let mut bytes = good.clone();
        // The central directory record of a.txt: uncompressed size at offset 24.
        let cd = bytes
            .windows(4)
            .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        bytes[cd + 24..cd + 28].copy_from_slice(&declared.to_le_bytes());
        let r = verify(&bytes);
        assert_ne!(r.indication, Indication::TotalPassed, "{:?}", r.messages);
        assert!(r.signatures.is_empty());
    }
}

/// A large file that many manifests list, or one manifest lists many times: 40 signatures
/// each with its own manifest over a 32 MiB file, and an archive manifest listing it 1000
/// times (the reference bound). Each listing used to hash the file again (over a thousand
/// hashes of 32 MiB here; at the container bounds, 512 MiB a thousand times: hours); a
/// container's entries are now hashed at most once per algorithm. What is asserted is the
/// verdict: every signature valid, the archive manifest (whose token is absent) reported as
/// not verified. No time is asserted: the CI run's length is the guard.
#[test]
fn a_large_file_listed_many_times_is_judged_once() {
    let d = TempDir::new("asic-relisted");
    let big: Vec<u8> = (0..(32u32 << 20) / 4)
        .flat_map(|i| i.to_le_bytes())
        .collect();
    let digest = b64(&sha256(&big));
    let reference = format!(
        r#"<DataObjectReference URI="big.bin"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{digest}</ds:DigestValue></DataObjectReference>"#
    );
    let manifest = |sig: &str, root: &str, times: usize| {
        format!(
            r#"<{root} xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><SigReference URI="{sig}"/>{}</{root}>"#,
            reference.repeat(times)
        )
        .into_bytes()
    };
    let s = signer();
    let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 1..=40 {
        let m = manifest(&format!("META-INF/signature{i}.p7s"), "ASiCManifest", 1);
        let sig = s.sign_bytes(&m).unwrap();
        owned.push((format!("META-INF/ASiCManifest{i}.xml"), m));
        owned.push((format!("META-INF/signature{i}.p7s"), sig));
    }
    owned.push((
        "META-INF/ASiCArchiveManifest.xml".into(),
        manifest("META-INF/timestamp.tst", "ASiCArchiveManifest", 1000),
    ));
    let mut entries: Vec<(&str, &[u8], bool)> =
        vec![("mimetype", ASICE, true), ("big.bin", &big, true)];
    entries.extend(owned.iter().map(|(n, b)| (n.as_str(), b.as_slice(), false)));
    let r = verify(&zip(d.path(), "c.asice", &entries, None));
    assert_eq!(r.signatures.len(), 40, "{:?}", r.messages);
    assert!(
        r.signatures
            .iter()
            .all(|s| s.indication == Indication::TotalPassed),
        "{:?}",
        codes(&r)
    );
    assert!(
        r.problems.iter().any(|p| matches!(p,
            kyso::DocumentProblem::AsicEntryNotVerified { file } if file == "META-INF/ASiCArchiveManifest.xml")),
        "{:?}",
        codes(&r)
    );
}

/// More signature entries than kyso verifies in one container (64): refused before any is
/// verified (each signature's report carries the archive time-stamps that cover it, so the
/// count bounds the report); 64 are verified.
#[test]
fn too_many_signatures_are_refused() {
    let d = TempDir::new("asic-many-sigs");
    let names: Vec<String> = (1..=65)
        .map(|i| format!("META-INF/signature{i}.p7s"))
        .collect();
    let build = |n: usize| {
        let mut entries: Vec<(&str, &[u8], bool)> =
            vec![("mimetype", ASICE, true), ("a.txt", A, true)];
        entries.extend(names[..n].iter().map(|n| (n.as_str(), &b"x"[..], true)));
        zip(d.path(), "c.asice", &entries, None)
    };
    let r = verify(&build(65));
    refused(&r, "asic_too_many_signatures");
    assert!(r.signatures.is_empty());
    let r = verify(&build(64));
    assert_eq!(r.signatures.len(), 64, "{:?}", codes(&r));
}

#[test]
fn too_many_entries_are_refused_before_reading_them() {
    let d = TempDir::new("asic-many");
    let names: Vec<String> = (0..1001).map(|i| format!("f{i}.txt")).collect();
    let mut entries: Vec<(&str, &[u8], bool)> = vec![("mimetype", ASICE, true)];
    entries.extend(names.iter().map(|n| (n.as_str(), &b"x"[..], true)));
    refused(
        &verify(&zip(d.path(), "c.asice", &entries, None)),
        "asic_too_many_entries",
    );
}

#[test]
fn encrypted_entries_are_refused() {
    let d = TempDir::new("asic-enc");
    std::fs::write(d.join("mimetype"), ASICE).unwrap();
    std::fs::write(d.join("a.txt"), A).unwrap();
    let o = Command::new("zip")
        .args(["-q", "-0", "-X", "c.asice", "mimetype"])
        .current_dir(d.path())
        .output()
        .expect("zip (scripts/test.sh installs it)");
    assert!(o.status.success());
    let o = Command::new("zip")
        .args(["-q", "-X", "-P", "secret", "c.asice", "a.txt"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    refused(&verify(&read(&d.join("c.asice"))), "asic_encrypted_entry");
}

#[test]
fn what_is_not_a_zip_is_refused() {
    for bytes in [
        &b""[..],
        b"PK\x03\x04",
        b"not a zip at all",
        &[0x50, 0x4b, 0x05, 0x06, 0, 0],
    ] {
        let r = verify(bytes);
        refused(&r, "asic_zip_unreadable");
    }
}

/// A poor man's fuzzer, deterministic: 4,000 mutations (bytes flipped, runs zeroed or set
/// to 0xFF, truncations, bytes inserted) of a container kyso signed and of DSS's, each read
/// and verified. None may panic; a mutated container that still passes has its
/// documents unchanged.
#[test]
fn mutated_containers_never_panic() {
    let d = TempDir::new("asic-mutate");
    let ours = asice(d.path(), &[("a.txt", A), ("b.txt", B)], &ORDER, true);
    let dss = read(&ext().join("dss-asic-cades/onefile-ok.asics"));
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let v = verifier();
    let mut passed_unchanged_data = 0;
    for round in 0..4000 {
        let base = if round % 2 == 0 { &ours } else { &dss };
        let mut m = base.clone();
        let pos = (next() as usize) % m.len();
        match next() % 5 {
            0 => m[pos] ^= 1 << (next() % 8),
            1 => m[pos..(pos + 8).min(base.len())].fill(0),
            2 => m[pos..(pos + 4).min(base.len())].fill(0xff),
            3 => m.truncate(pos),
            _ => m.insert(pos, next() as u8),
        }
        let r = v.verify_asic_bytes("mutated.asice", &m, at());
        if r.indication == Indication::TotalPassed {
            // Only a change outside what is signed may leave it valid (a date field, an
            // unused header byte): the documents read from it must be the originals.
            let f = d.join("mutated.asice");
            std::fs::write(&f, &m).unwrap();
            let docs = kyso::extract_container(&f).unwrap();
            assert_eq!(
                docs,
                vec![
                    ("a.txt".to_string(), A.to_vec()),
                    ("b.txt".to_string(), B.to_vec())
                ],
                "round {round}"
            );
            passed_unchanged_data += 1;
        }
    }
    println!(
        "{passed_unchanged_data} of 4000 mutations left the container valid (outside the signed bytes)"
    );
}
