//! Structure-aware certificate target (issue 9). The custom mutator parses the input as a
//! DER tree and mutates it at the TLV level: replace / duplicate / drop / reorder elements,
//! change tags and lengths, trailing bytes inside an element (an extension's OCTET STRING in
//! particular), duplicated extensions, OIDs padded with 0x80, time encodings; with some
//! probability libFuzzer's byte-level mutator runs instead. The target parses the result with
//! `Certificate::from_der` and validates it with `validate_chain` against the test PKI.
//!
//! Properties: no panic; and a certificate whose path is valid must carry, byte for byte, the
//! tbsCertificate and signature value of one of the original test certificates (anything
//! else means an unsigned change was accepted).
#![no_main]

mod der;

use der::{Body, Node, Rng};
use kyso::{Certificate, Timestamp};
use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use std::sync::OnceLock;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

macro_rules! pki {
    ($($f:literal),*) => { &[$(include_bytes!(concat!("../../testdata/pki/", $f)) as &[u8]),*] };
}
/// The seed certificates (the seed corpus holds their DER, see seed.sh).
static ORIGINALS: &[&[u8]] = pki!(
    "signer-rsa.pem",
    "signer-ec.pem",
    "sub-rsa.pem",
    "sub-ec.pem",
    "root-rsa.pem",
    "root-ec.pem",
    "org-rsa.pem",
    "subsub-rsa.pem",
    "under-subsub.pem",
    "signer-p384.pem",
    "signer-ed25519.pem",
    "tls-rsa.pem",
    "bmp-rsa.pem",
    "expired-rsa.pem"
);
static INTERMEDIATES: &[&[u8]] = pki!("sub-rsa.pem", "sub-ec.pem", "subsub-rsa.pem");
static TRUST: &[u8] = include_bytes!("../../testdata/pki/trust.pem");

struct Ctx {
    originals: Vec<Vec<u8>>,
    trees: Vec<Node>,
    /// Every subtree of every original: material for "replace" and "insert".
    donors: Vec<Node>,
    /// (tbsCertificate DER, signature BIT STRING contents) of each original.
    signed: Vec<(Vec<u8>, Vec<u8>)>,
    intermediates: Vec<Certificate>,
    anchors: Vec<Certificate>,
}

fn load(pems: &[&[u8]]) -> Vec<Certificate> {
    pems.iter()
        .flat_map(|p| Certificate::load_all(p).unwrap_or_default())
        .collect()
}

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let originals: Vec<Vec<u8>> = load(ORIGINALS).iter().map(|c| c.der().to_vec()).collect();
        assert_eq!(
            originals.len(),
            ORIGINALS.len(),
            "test certificates failed to load"
        );
        let trees: Vec<Node> = originals
            .iter()
            .map(|d| der::parse(d).expect("DER"))
            .collect();
        let mut donors = Vec::new();
        for t in &trees {
            for p in t.paths_under(&[]) {
                donors.push(t.get(&p).expect("path").clone());
            }
        }
        let signed = originals.iter().filter_map(|d| signed_parts(d)).collect();
        Ctx {
            originals,
            trees,
            donors,
            signed,
            intermediates: load(INTERMEDIATES),
            anchors: Certificate::load_all(TRUST).unwrap_or_default(),
        }
    })
}

/// tbsCertificate (whole TLV) and signature contents, from the bytes as given.
fn signed_parts(d: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let ch = der::raw_children(d, 0)?;
    let tbs = der::raw_tlv(d, *ch.first()?, 1)?;
    let sig = der::raw_tlv(d, *ch.get(2)?, 1)?;
    Some((d[ch[0]..tbs.3].to_vec(), d[sig.1..sig.2].to_vec()))
}

fn child_with_tag(n: &Node, tag: u8) -> Option<usize> {
    n.children()?.iter().position(|c| c.tag == tag)
}

/// Path of the Extensions SEQUENCE: Certificate / tbs / [3] / SEQUENCE.
fn extensions_path(root: &Node) -> Option<Vec<usize>> {
    let tbs = root.get(&[0])?;
    let i = child_with_tag(tbs, 0xa3)?;
    root.get(&[0, i, 0])?.children()?;
    Some(vec![0, i, 0])
}

fn mutate_cert(root: &mut Node, rng: &mut Rng, c: &Ctx) {
    let all = root.paths_under(&[]);
    match rng.below(10) {
        0..=2 => {
            if let Some(p) = rng.pick(&all).cloned() {
                der::mutate_at(root, &p, rng, &c.donors);
            }
        }
        3..=6 => {
            let Some(ep) = extensions_path(root) else {
                if let Some(p) = rng.pick(&all).cloned() {
                    der::mutate_at(root, &p, rng, &c.donors);
                }
                return;
            };
            let exts = root
                .get_mut(&ep)
                .and_then(Node::children_mut)
                .expect("extensions");
            if exts.is_empty() {
                return;
            }
            let i = rng.below(exts.len());
            match rng.below(6) {
                0 => {
                    // duplicate an extension (same or another position)
                    let e = exts[i].clone();
                    let at = rng.below(exts.len() + 1);
                    exts.insert(at, e);
                }
                1 => {
                    // trailing bytes inside the extnValue OCTET STRING
                    if let Some(v) = exts[i].children_mut().and_then(|ch| ch.last_mut()) {
                        let junk: &[&[u8]] = &[
                            &[0x00],
                            &[0x05, 0x00],
                            &[0x30, 0x00],
                            &[0xff, 0xff],
                            &[0x04, 0x01, 0x00],
                        ];
                        v.trailer.extend_from_slice(rng.pick(junk).expect("junk"));
                    }
                }
                2 => {
                    // pad the extnID with 0x80
                    if let Some(Node {
                        body: Body::Prim(oid),
                        ..
                    }) = exts[i].children_mut().and_then(|ch| ch.first_mut())
                    {
                        der::pad_oid(oid, rng);
                    }
                }
                3 => {
                    // toggle criticality
                    if let Some(ch) = exts[i].children_mut() {
                        if ch.len() == 3 {
                            ch.remove(1);
                        } else if ch.len() == 2 {
                            let b = Node {
                                tag: 0x01,
                                body: Body::Prim(vec![if rng.chance(4) { 0x00 } else { 0xff }]),
                                len_override: None,
                                trailer: vec![],
                            };
                            ch.insert(1, b);
                        }
                    }
                }
                4 => {
                    // an extension from another certificate
                    let t = rng.pick(&c.trees).expect("trees");
                    if let Some(e) = extensions_path(t)
                        .and_then(|p| t.get(&p))
                        .and_then(Node::children)
                    {
                        if let Some(e) = rng.pick(e) {
                            exts.insert(rng.below(exts.len() + 1), e.clone());
                        }
                    }
                }
                _ => {
                    // a generic mutation inside one extension
                    let mut p = ep.clone();
                    p.push(i);
                    let sub = root.paths_under(&p);
                    if let Some(q) = rng.pick(&sub).cloned() {
                        der::mutate_at(root, &q, rng, &c.donors);
                    }
                }
            }
        }
        7 => {
            // pad some OID
            let oids: Vec<_> = all
                .iter()
                .filter(|p| root.get(p).is_some_and(|n| n.tag == 0x06))
                .cloned()
                .collect();
            if let Some(p) = rng.pick(&oids) {
                if let Some(Node {
                    body: Body::Prim(c),
                    ..
                }) = root.get_mut(p)
                {
                    der::pad_oid(c, rng);
                }
            }
        }
        _ => {
            // validity times and other times
            let times: Vec<_> = all
                .iter()
                .filter(|p| root.get(p).is_some_and(|n| n.tag == 0x17 || n.tag == 0x18))
                .cloned()
                .collect();
            if let Some(p) = rng.pick(&times) {
                if let Some(n) = root.get_mut(p) {
                    der::mutate_time(n, rng);
                }
            }
        }
    }
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng::new(seed);
    if rng.chance(6) {
        return fuzzer_mutate(data, size, max_size);
    }
    let c = ctx();
    let mut root = match der::parse(&data[..size]) {
        Some(r) => r,
        None if rng.chance(2) => rng.pick(&c.trees).expect("trees").clone(),
        None => return fuzzer_mutate(data, size, max_size),
    };
    for _ in 0..1 + rng.below(3) {
        mutate_cert(&mut root, &mut rng, c);
    }
    let out = root.to_der();
    if out.len() > max_size {
        return fuzzer_mutate(data, size, max_size);
    }
    data[..out.len()].copy_from_slice(&out);
    out.len()
});

fuzz_target!(|data: &[u8]| {
    let c = ctx();
    let Ok(cert) = Certificate::from_der(data) else {
        return;
    };
    // The accessors a caller (and the report) use.
    let _ = (
        cert.subject(),
        cert.issuer(),
        cert.serial_hex(),
        cert.key_usage(),
        cert.is_ca(),
    );
    let _ = (
        cert.extended_key_usage(),
        cert.is_self_issued(),
        cert.signature_algorithm(),
    );
    let out = kyso::validate_chain(
        &cert,
        &c.intermediates,
        &c.anchors,
        Timestamp::from_unix(AT),
    );
    let _ = out.verdicts();
    if out.is_valid() {
        let parts = signed_parts(data);
        assert!(
            parts.as_ref().is_some_and(|p| c.signed.contains(p)),
            "valid path for a certificate whose tbsCertificate or signature differs from every original ({} bytes, original: {})",
            data.len(),
            c.originals.iter().any(|o| o == data)
        );
    }
});
