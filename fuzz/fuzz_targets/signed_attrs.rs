//! Structure-aware SignedAttributes target (issue 9). The custom mutator parses the input (a
//! CMS SignedData, seeded with testdata/samples/*.p7s, *.p7m) as a DER tree and mutates
//! mostly inside a SignerInfo's signedAttrs: duplicate an attribute or an attribute value,
//! change an attribute OID, change the signing-time encoding, reorder, drop, borrow an
//! attribute from another sample, retag or re-length the [0]; sometimes the signature value,
//! the algorithms or anything else in the file; sometimes libFuzzer's byte mutator.
//!
//! Properties: no panic; and a SignerInfo reported TOTAL-PASSED must carry, byte for byte,
//! the signedAttrs contents and the signature value of a SignerInfo of an original sample
//! (the bytes that were signed, and the signature over them).
#![no_main]

mod der;

use der::{Body, Node, Rng};
use kyso::{Certificate, DocumentReport, Indication, Timestamp, Verifier};
use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use std::sync::OnceLock;

/// The pinned validation time of the test data: 2026-06-01T00:00:00Z.
const AT: i64 = 1_780_272_000;

static P7S: &[u8] = include_bytes!("../../testdata/samples/cong-van.txt.p7s");
static P7M: &[u8] = include_bytes!("../../testdata/samples/to-trinh.txt.p7m");
/// The detached content of the .p7s.
static CONTENT: &[u8] = include_bytes!("../../testdata/samples/cong-van.txt");
static TRUST: &[u8] = include_bytes!("../../testdata/pki/trust.pem");

/// Attribute types to switch to: contentType, messageDigest, signingTime, countersignature,
/// signingCertificate, signingCertificateV2, cmsAlgorithmProtection, an unknown one.
const OIDS: &[&[u8]] = &[
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03],
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04],
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05],
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x06],
    &[
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0c,
    ],
    &[
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x2f,
    ],
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x34],
    &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x0c],
];

struct Ctx {
    trees: Vec<Node>,
    /// Every attribute of every original: material to borrow.
    attrs: Vec<Node>,
    donors: Vec<Node>,
    /// (signedAttrs contents, signature value) of every original SignerInfo.
    signed: Vec<(Option<Vec<u8>>, Vec<u8>)>,
    verifier: Verifier,
}

fn ctx() -> &'static Ctx {
    static CTX: OnceLock<Ctx> = OnceLock::new();
    CTX.get_or_init(|| {
        let verifier =
            Verifier::new().with_trust_anchors(Certificate::load_all(TRUST).unwrap_or_default());
        let at = Timestamp::from_unix(AT);
        // The setup is only useful if the originals pass.
        assert_eq!(
            verifier.verify_bytes(P7S, Some(CONTENT), at).indication,
            Indication::TotalPassed
        );
        assert_eq!(
            verifier.verify_bytes(P7M, None, at).indication,
            Indication::TotalPassed
        );
        let trees: Vec<Node> = [P7S, P7M]
            .iter()
            .map(|d| der::parse(d).expect("DER sample"))
            .collect();
        let mut attrs = Vec::new();
        let mut donors = Vec::new();
        for t in &trees {
            for si in signer_infos(t) {
                if let Some(a) = signed_attrs_idx(t, &si) {
                    let mut p = si.clone();
                    p.push(a);
                    attrs.extend(
                        t.get(&p)
                            .and_then(Node::children)
                            .cloned()
                            .unwrap_or_default(),
                    );
                    for q in t.paths_under(&p) {
                        donors.push(t.get(&q).expect("path").clone());
                    }
                }
            }
        }
        let signed = [P7S, P7M]
            .iter()
            .flat_map(|d| raw_signed(d).unwrap_or_default())
            .collect();
        Ctx {
            trees,
            attrs,
            donors,
            signed,
            verifier,
        }
    })
}

/// Paths of the SignerInfos: ContentInfo / [0] / SignedData / signerInfos (its last child).
fn signer_infos(root: &Node) -> Vec<Vec<usize>> {
    let Some(sd) = root.get(&[1, 0]).and_then(Node::children) else {
        return vec![];
    };
    let Some(last) = sd.len().checked_sub(1) else {
        return vec![];
    };
    let n = sd[last].children().map_or(0, Vec::len);
    (0..n).map(|j| vec![1, 0, last, j]).collect()
}

fn signed_attrs_idx(root: &Node, si: &[usize]) -> Option<usize> {
    root.get(si)?.children()?.iter().position(|c| c.tag == 0xa0)
}

/// Per SignerInfo in file order, from the raw bytes (BER allowed): the signedAttrs contents
/// (None when absent) and the signature contents. None when the walk fails.
fn raw_signed(d: &[u8]) -> Option<Vec<(Option<Vec<u8>>, Vec<u8>)>> {
    let ci = der::raw_children(d, 0)?;
    let sd = *der::raw_children(d, *ci.get(1)?)?.first()?;
    let sis = *der::raw_children(d, sd)?.last()?;
    let mut out = Vec::new();
    for si in der::raw_children(d, sis)? {
        let mut attrs = None;
        let mut sig = None;
        for f in der::raw_children(d, si)? {
            let (tag, s, e, _) = der::raw_tlv(d, f, 1)?;
            match tag {
                0xa0 if attrs.is_none() && sig.is_none() => attrs = Some(d[s..e].to_vec()),
                0x04 if sig.is_none() => sig = Some(d[s..e].to_vec()),
                _ => {}
            }
        }
        out.push((attrs, sig?));
    }
    Some(out)
}

fn node(tag: u8, content: &[u8]) -> Node {
    Node {
        tag,
        body: Body::Prim(content.to_vec()),
        len_override: None,
        trailer: vec![],
    }
}

fn mutate_sig(root: &mut Node, rng: &mut Rng, c: &Ctx) {
    let sis = signer_infos(root);
    let Some(si) = rng.pick(&sis).cloned() else {
        if let Some(p) = rng.pick(&root.paths_under(&[])).cloned() {
            der::mutate_at(root, &p, rng, &c.donors);
        }
        return;
    };
    let op = rng.below(20);
    let Some(ai) = signed_attrs_idx(root, &si).filter(|_| op < 15) else {
        // outside signedAttrs: the SignerInfo's other fields, or anywhere in the file
        let base = if rng.chance(3) { vec![] } else { si.clone() };
        let all = root.paths_under(&base);
        if rng.chance(3) {
            // the signature value itself
            let sig = root
                .get(&si)
                .and_then(Node::children)
                .and_then(|ch| ch.iter().position(|n| n.tag == 0x04));
            if let Some(s) = sig {
                let mut p = si.clone();
                p.push(s);
                if let Some(Node {
                    body: Body::Prim(v),
                    ..
                }) = root.get_mut(&p)
                {
                    if !v.is_empty() {
                        let i = rng.below(v.len());
                        v[i] ^= 1 << rng.below(8);
                    }
                }
                return;
            }
        }
        if let Some(p) = rng.pick(&all).cloned() {
            der::mutate_at(root, &p, rng, &c.donors);
        }
        return;
    };
    let mut ap = si.clone();
    ap.push(ai);
    let Some(attrs) = root.get_mut(&ap) else {
        return;
    };
    match op {
        0 | 1 => {
            // the [0] itself: retag (explicit SET tag, constructed SET), odd lengths, trailer
            match rng.below(3) {
                0 => attrs.tag = *rng.pick(&[0x31u8, 0x30, 0x80, 0xa1]).expect("tags"),
                1 => {
                    let n = attrs.content().len();
                    let mut l = vec![0x83];
                    l.extend_from_slice(&(n as u32).to_be_bytes()[1..]);
                    attrs.len_override = Some(l);
                }
                _ => attrs.trailer.extend_from_slice(&[0x00, 0x00]),
            }
            return;
        }
        _ => {}
    }
    let Some(list) = attrs.children_mut() else {
        return;
    };
    if list.is_empty() {
        if let Some(a) = rng.pick(&c.attrs) {
            list.push(a.clone());
        }
        return;
    }
    let i = rng.below(list.len());
    match op {
        2 | 3 => {
            // duplicate an attribute (identical, anywhere in the SET)
            let a = list[i].clone();
            list.insert(rng.below(list.len() + 1), a);
        }
        4 | 5 => {
            // change an attribute's OID
            if let Some(oid) = list[i].children_mut().and_then(|ch| ch.first_mut()) {
                match rng.below(3) {
                    0 => *oid = node(0x06, rng.pick(OIDS).expect("oids")),
                    1 => {
                        if let Body::Prim(v) = &mut oid.body {
                            if let Some(b) = v.last_mut() {
                                *b ^= 1 << rng.below(7);
                            }
                        }
                    }
                    _ => {
                        if let Body::Prim(v) = &mut oid.body {
                            der::pad_oid(v, rng);
                        }
                    }
                }
            }
        }
        6 | 7 => {
            // change a time's encoding (signing-time and any other time in the attributes)
            let times: Vec<_> = root
                .paths_under(&ap)
                .into_iter()
                .filter(|p| root.get(p).is_some_and(|n| n.tag == 0x17 || n.tag == 0x18))
                .collect();
            if let Some(p) = rng.pick(&times) {
                if let Some(n) = root.get_mut(p) {
                    der::mutate_time(n, rng);
                }
            }
        }
        8 | 9 => {
            // reorder: swap two attributes, rotate, or reverse
            match rng.below(3) {
                0 => {
                    let j = rng.below(list.len());
                    list.swap(i, j);
                }
                1 => list.rotate_left(1),
                _ => list.reverse(),
            }
        }
        10 => {
            list.remove(i);
        }
        11 => {
            // a second value in the attribute's SET OF values (e.g. two message digests)
            if let Some(vals) = list[i]
                .children_mut()
                .and_then(|ch| ch.get_mut(1))
                .and_then(Node::children_mut)
            {
                if let Some(v) = vals.first().cloned() {
                    let mut v2 = v.clone();
                    if rng.chance(2) {
                        if let Body::Prim(b) = &mut v2.body {
                            if let Some(x) = b.last_mut() {
                                *x ^= 1;
                            }
                        }
                    }
                    vals.insert(rng.below(2), v2);
                }
            }
        }
        12 => {
            // an attribute from a sample
            if let Some(a) = rng.pick(&c.attrs) {
                list.insert(rng.below(list.len() + 1), a.clone());
            }
        }
        _ => {
            // a generic TLV mutation inside signedAttrs
            let sub = root.paths_under(&ap);
            if let Some(p) = rng.pick(&sub).cloned() {
                der::mutate_at(root, &p, rng, &c.donors);
            }
        }
    }
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng::new(seed);
    if rng.chance(8) {
        return fuzzer_mutate(data, size, max_size);
    }
    let c = ctx();
    let mut root = match der::parse(&data[..size]) {
        Some(r) => r,
        None if rng.chance(2) => rng.pick(&c.trees).expect("trees").clone(),
        None => return fuzzer_mutate(data, size, max_size),
    };
    for _ in 0..1 + rng.below(2) {
        mutate_sig(&mut root, &mut rng, c);
    }
    let out = root.to_der();
    if out.len() > max_size {
        return fuzzer_mutate(data, size, max_size);
    }
    data[..out.len()].copy_from_slice(&out);
    out.len()
});

/// The signedAttrs contents made DER: each attribute re-encoded with minimal lengths, the
/// attributes sorted as DER sorts a SET OF.
fn canonical(g: &(Option<Vec<u8>>, Vec<u8>)) -> (Option<Vec<u8>>, Vec<u8>) {
    let attrs = g.0.as_ref().and_then(|a| {
        let mut els = Vec::new();
        let mut p = 0;
        while p < a.len() {
            let end = der::raw_tlv(a, p, 1)?.3;
            // re-encoded with minimal definite lengths (the harness's DER tree)
            els.push(der::parse(&a[p..end])?.to_der());
            p = end;
        }
        els.sort();
        Some(els.concat())
    });
    (attrs.or_else(|| g.0.clone()), g.1.clone())
}

fn check(c: &Ctx, data: &[u8], r: &DocumentReport, what: &str) {
    let passed: Vec<usize> = r
        .signatures
        .iter()
        .filter(|s| s.indication == Indication::TotalPassed)
        .map(|s| s.index)
        .collect();
    if passed.is_empty() {
        return;
    }
    let raw = raw_signed(data);
    for i in passed {
        let got = raw.as_ref().and_then(|v| v.get(i));
        if got.is_some_and(|g| !c.signed.contains(g) && c.signed.contains(&canonical(g))) {
            // Known and accepted (testdata/fuzz-regressions/README.md): the same attributes in
            // a BER encoding (another order than DER's, non-minimal lengths). kyso re-encodes
            // signedAttrs as DER before checking the signature, so the verdict is about
            // exactly what was signed.
            return;
        }
        assert!(
            got.is_some_and(|g| c.signed.contains(g)),
            "{what}: SignerInfo #{i} is TOTAL-PASSED but its signedAttrs or signature differ from every original (harness walk ok: {})",
            raw.is_some()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let c = ctx();
    let at = Timestamp::from_unix(AT);
    let r = c.verifier.verify_bytes(data, Some(CONTENT), at);
    check(c, data, &r, "detached");
    let r = c.verifier.verify_bytes(data, None, at);
    check(c, data, &r, "attached");
});
