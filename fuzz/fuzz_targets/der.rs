//! A small DER tree for the structure-aware mutators (`cert`, `signed_attrs`), and a raw TLV
//! walker (BER definite and indefinite lengths) that the targets use to check their
//! properties on the bytes exactly as given. Test code: no attempt at completeness (single
//! byte tags only), but it must not panic on any input.
#![allow(dead_code)]

/// One element. `len_override` replaces the length octets when encoding (a length mutation);
/// `trailer` is appended inside the contents, after the body (trailing bytes in an element).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub tag: u8,
    pub body: Body,
    pub len_override: Option<Vec<u8>>,
    pub trailer: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Prim(Vec<u8>),
    Cons(Vec<Node>),
    /// An OCTET STRING / BIT STRING whose contents are themselves DER (extnValue,
    /// subjectPublicKey, eContent): `prefix` is the BIT STRING's unused-bits octet.
    Encap {
        prefix: Vec<u8>,
        children: Vec<Node>,
    },
}

const MAX_DEPTH: usize = 40;

/// Read one definite-length header at `pos`: (tag, header length, content length).
pub fn header(d: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = *d.get(pos)?;
    if tag & 0x1f == 0x1f {
        return None; // high tag numbers: not used in what we mutate
    }
    let l0 = *d.get(pos + 1)? as usize;
    if l0 < 0x80 {
        return Some((tag, 2, l0));
    }
    let n = l0 & 0x7f;
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | *d.get(pos + 2 + i)? as usize;
    }
    Some((tag, 2 + n, len))
}

fn parse_seq(d: &[u8], depth: usize) -> Option<Vec<Node>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < d.len() {
        let (n, used) = parse_one(&d[pos..], depth)?;
        out.push(n);
        pos += used;
    }
    Some(out)
}

fn parse_one(d: &[u8], depth: usize) -> Option<(Node, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let (tag, h, len) = header(d, 0)?;
    let end = h.checked_add(len)?;
    let content = d.get(h..end)?;
    let body = if tag & 0x20 != 0 {
        Body::Cons(parse_seq(content, depth + 1)?)
    } else if tag == 0x04 && content.len() >= 2 && content[0] & 0x20 != 0 {
        match parse_seq(content, depth + 1) {
            Some(c) => Body::Encap {
                prefix: vec![],
                children: c,
            },
            None => Body::Prim(content.to_vec()),
        }
    } else if tag == 0x03 && content.len() >= 3 && content[0] == 0 && content[1] & 0x20 != 0 {
        match parse_seq(&content[1..], depth + 1) {
            Some(c) => Body::Encap {
                prefix: vec![0],
                children: c,
            },
            None => Body::Prim(content.to_vec()),
        }
    } else {
        Body::Prim(content.to_vec())
    };
    Some((
        Node {
            tag,
            body,
            len_override: None,
            trailer: vec![],
        },
        end,
    ))
}

/// Parse exactly one element covering all of `d`.
pub fn parse(d: &[u8]) -> Option<Node> {
    let (n, used) = parse_one(d, 0)?;
    (used == d.len()).then_some(n)
}

pub fn encode_len(n: usize, out: &mut Vec<u8>) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let b = n.to_be_bytes();
        let skip = b.iter().take_while(|&&x| x == 0).count();
        out.push(0x80 | (b.len() - skip) as u8);
        out.extend_from_slice(&b[skip..]);
    }
}

impl Node {
    pub fn content(&self) -> Vec<u8> {
        let mut c = Vec::new();
        match &self.body {
            Body::Prim(p) => c.extend_from_slice(p),
            Body::Cons(ch) => ch.iter().for_each(|n| n.encode(&mut c)),
            Body::Encap { prefix, children } => {
                c.extend_from_slice(prefix);
                children.iter().for_each(|n| n.encode(&mut c));
            }
        }
        c.extend_from_slice(&self.trailer);
        c
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        let c = self.content();
        out.push(self.tag);
        match &self.len_override {
            Some(l) => out.extend_from_slice(l),
            None => encode_len(c.len(), out),
        }
        out.extend_from_slice(&c);
    }

    pub fn to_der(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(&mut v);
        v
    }

    pub fn children(&self) -> Option<&Vec<Node>> {
        match &self.body {
            Body::Cons(c) | Body::Encap { children: c, .. } => Some(c),
            Body::Prim(_) => None,
        }
    }

    pub fn children_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.body {
            Body::Cons(c) | Body::Encap { children: c, .. } => Some(c),
            Body::Prim(_) => None,
        }
    }

    pub fn get(&self, path: &[usize]) -> Option<&Node> {
        let mut n = self;
        for &i in path {
            n = n.children()?.get(i)?;
        }
        Some(n)
    }

    pub fn get_mut(&mut self, path: &[usize]) -> Option<&mut Node> {
        let mut n = self;
        for &i in path {
            n = n.children_mut()?.get_mut(i)?;
        }
        Some(n)
    }

    /// Every node's path under `base` (base included), depth first.
    pub fn paths_under(&self, base: &[usize]) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        if let Some(n) = self.get(base) {
            let mut stack = vec![(base.to_vec(), n)];
            while let Some((p, n)) = stack.pop() {
                if let Some(ch) = n.children() {
                    for (i, c) in ch.iter().enumerate() {
                        let mut q = p.clone();
                        q.push(i);
                        stack.push((q, c));
                    }
                }
                out.push(p);
            }
        }
        out
    }
}

/// xorshift64*: deterministic from libFuzzer's seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u32) -> Self {
        Rng(0x9E37_79B9_7F4A_7C15 ^ (seed as u64).wrapping_mul(0x2545_F491_4F6C_DD1D) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> Option<&'a T> {
        if v.is_empty() {
            None
        } else {
            v.get(self.below(v.len()))
        }
    }
}

/// Tags worth switching to: the universal ones kyso reads, and context tags.
const TAGS: &[u8] = &[
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1e, 0x30, 0x31, 0x80,
    0x81, 0x82, 0x83, 0x86, 0x87, 0x88, 0xa0, 0xa1, 0xa2, 0xa3, 0x24, 0x23,
];

/// Interesting bytes for primitive contents.
const BYTES: &[u8] = &[0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, 0x30, 0x31, 0x06, 0x2a];

/// Pad an OID: insert 0x80 before a sub-identifier (a non-minimal encoding of the same OID).
pub fn pad_oid(content: &mut Vec<u8>, rng: &mut Rng) {
    let mut starts = vec![0];
    for (i, b) in content.iter().enumerate() {
        if b & 0x80 == 0 && i + 1 < content.len() {
            starts.push(i + 1);
        }
    }
    let at = *rng.pick(&starts).unwrap_or(&0);
    let n = 1 + rng.below(3);
    for _ in 0..n {
        content.insert(at.min(content.len()), 0x80);
    }
}

/// Change a time's encoding: UTCTime <-> GeneralizedTime, drop or add seconds, fractions,
/// offsets, or shift a digit.
pub fn mutate_time(n: &mut Node, rng: &mut Rng) {
    let Body::Prim(c) = &mut n.body else { return };
    let s: Vec<u8> = c.clone();
    match rng.below(8) {
        0 if n.tag == 0x17 && s.len() >= 2 => {
            // UTCTime -> GeneralizedTime, same instant
            let century: &[u8] = if s[0] < b'5' { b"20" } else { b"19" };
            *c = [century, &s[..]].concat();
            n.tag = 0x18;
        }
        0 if n.tag == 0x18 && s.len() >= 2 => {
            *c = s[2..].to_vec();
            n.tag = 0x17;
        }
        1 if s.last() == Some(&b'Z') => {
            // 'Z' -> '+0000' / '-0000'
            c.pop();
            c.extend_from_slice(if rng.chance(2) { b"+0000" } else { b"-0700" });
        }
        2 if s.len() > 3 => {
            // drop the seconds (YYMMDDhhmmZ is legal BER UTCTime, not DER)
            let z = c.pop();
            c.truncate(c.len() - 2);
            c.extend(z);
        }
        3 if s.last() == Some(&b'Z') => {
            c.pop();
            c.extend_from_slice(if rng.chance(2) { b".0Z" } else { b".123Z" });
        }
        4 if !s.is_empty() => {
            let i = rng.below(c.len());
            c[i] = b"0123456789Z+-."[rng.below(14)];
        }
        5 => n.tag = if n.tag == 0x17 { 0x18 } else { 0x17 }, // wrong tag for the format
        6 if s.last() == Some(&b'Z') => {
            c.pop(); // local time, no zone
        }
        _ => {
            // a year/month/day rollover
            if c.len() >= 6 {
                let i = rng.below(6);
                c[i] = b'9';
            }
        }
    }
}

/// Apply one generic TLV mutation to the node at `path` (or its parent, for sibling
/// operations). Returns false when the operation did not apply.
pub fn mutate_at(root: &mut Node, path: &[usize], rng: &mut Rng, donors: &[Node]) -> bool {
    let op = rng.below(13);
    if op <= 3 && !path.is_empty() {
        // sibling operations: replace, duplicate, drop, swap
        let (parent_path, idx) = (&path[..path.len() - 1], path[path.len() - 1]);
        let Some(parent) = root.get_mut(parent_path) else {
            return false;
        };
        let Some(ch) = parent.children_mut() else {
            return false;
        };
        if idx >= ch.len() {
            return false;
        }
        match op {
            0 => {
                if let Some(d) = rng.pick(donors) {
                    ch[idx] = d.clone();
                } else {
                    return false;
                }
            }
            1 => {
                let c = ch[idx].clone();
                let times = if rng.chance(8) { 2 + rng.below(30) } else { 1 };
                for _ in 0..times {
                    ch.insert(idx, c.clone());
                }
            }
            2 => {
                ch.remove(idx);
            }
            _ => {
                let j = rng.below(ch.len());
                ch.swap(idx, j);
            }
        }
        return true;
    }
    let Some(n) = root.get_mut(path) else {
        return false;
    };
    match op {
        4 => {
            n.tag = if rng.chance(3) {
                n.tag ^ 0x20
            } else {
                *rng.pick(TAGS).unwrap_or(&0x30)
            };
        }
        5 => {
            let real = n.content().len();
            let mut l = Vec::new();
            match rng.below(6) {
                0 => encode_len(real + 1 + rng.below(3), &mut l),
                1 => encode_len(real.saturating_sub(1 + rng.below(3)), &mut l),
                2 => l.push(0x80), // indefinite on a definite body
                3 => {
                    // non-minimal
                    l.push(0x82);
                    l.extend_from_slice(&(real as u16).to_be_bytes());
                }
                4 => l.extend_from_slice(&[0x84, 0xff, 0xff, 0xff, 0xf0]),
                _ => l.push(0xff),
            }
            n.len_override = Some(l);
        }
        6 => {
            let k = 1 + rng.below(4);
            for _ in 0..k {
                n.trailer.push(*rng.pick(BYTES).unwrap_or(&0));
            }
            if rng.chance(2) {
                n.trailer = vec![0x05, 0x00]; // a well-formed trailing NULL
            }
        }
        7 if n.tag == 0x06 => {
            if let Body::Prim(c) = &mut n.body {
                pad_oid(c, rng);
            }
        }
        8 if n.tag == 0x17 || n.tag == 0x18 => mutate_time(n, rng),
        _ => match &mut n.body {
            Body::Prim(c) => match rng.below(5) {
                0 if !c.is_empty() => {
                    let i = rng.below(c.len());
                    c[i] ^= 1 << rng.below(8);
                }
                1 if !c.is_empty() => {
                    let i = rng.below(c.len());
                    c[i] = *rng.pick(BYTES).unwrap_or(&0);
                }
                2 => c.truncate(rng.below(c.len() + 1)),
                3 => {
                    let at = rng.below(c.len() + 1);
                    c.insert(at, *rng.pick(BYTES).unwrap_or(&0));
                }
                _ => c.clear(),
            },
            Body::Cons(ch) | Body::Encap { children: ch, .. } => {
                if let Some(d) = rng.pick(donors) {
                    let at = rng.below(ch.len() + 1);
                    ch.insert(at, d.clone());
                } else {
                    ch.clear();
                }
            }
        },
    }
    true
}

/// Raw TLV walking on the exact input bytes (BER: definite or indefinite lengths), for the
/// targets' property checks. Returns the element at `pos`: (tag, contents start, contents
/// end, element end).
pub fn raw_tlv(d: &[u8], pos: usize, depth: usize) -> Option<(u8, usize, usize, usize)> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *d.get(pos)?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let l0 = *d.get(pos + 1)?;
    if l0 == 0x80 {
        if tag & 0x20 == 0 {
            return None;
        }
        let start = pos + 2;
        let mut p = start;
        loop {
            if d.get(p..p + 2)? == [0, 0] {
                return Some((tag, start, p, p + 2));
            }
            p = raw_tlv(d, p, depth + 1)?.3;
        }
    }
    let (_, h, len) = header(d, pos)?;
    let start = pos + h;
    let end = start.checked_add(len)?;
    (end <= d.len()).then_some((tag, start, end, end))
}

/// The children of the constructed element at `pos`, as positions.
pub fn raw_children(d: &[u8], pos: usize) -> Option<Vec<usize>> {
    let (tag, start, end, _) = raw_tlv(d, pos, 0)?;
    if tag & 0x20 == 0 {
        return None;
    }
    let mut out = Vec::new();
    let mut p = start;
    while p < end {
        out.push(p);
        p = raw_tlv(d, p, 1)?.3;
    }
    (p == end).then_some(out)
}
