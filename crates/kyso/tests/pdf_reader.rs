//! The PDF reader (crates/kyso/src/pdf) on the staged PDF corpora
//! (../shared/testdata-ext/dss-pades and pyhanko-pdf, recursively): every file is read and
//! walked (signature fields, DSS, every object of every revision, the page trees) without a
//! panic; the number of filled signature fields equals expected.tsv's `n_sig_fields` where it
//! is a number, and poppler's `pdfsig` count; the divergences are listed below with their
//! reasons, and a listed divergence that no longer occurs fails the test.
//!
//! The reader's API is crate-private (the PDF verifier that uses it is inside the library),
//! so this test compiles the module's source on its own, as the fuzz target does.

#[path = "../src/pdf/mod.rs"]
#[allow(dead_code, unreachable_pub, clippy::all)]
mod pdf;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pdf::{Document, Limits};

fn ext() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata-ext")
}

/// Files whose count differs from expected.tsv, with the count kyso gives and why.
const TSV_EXCEPTIONS: &[(&str, usize, &str)] = &[(
    "dss-pades/pkcs7_sha1.pdf",
    2,
    "two filled /FT /Sig fields (Signature1 adbe.pkcs7.sha1, Signature2 adbe.pkcs7.detached); \
     DSS and pdfsig count 2 as well, pyHanko enumerates 1 (the dss-pades README says so)",
)];

/// Files whose count differs from pdfsig's, with kyso's count and why.
const PDFSIG_EXCEPTIONS: &[(&str, usize, &str)] = &[
    (
        "dss-pades/BadEncodedCMS.pdf",
        1,
        "the field has a /V signature dictionary whose /Contents is not a decodable CMS; pdfsig \
         then lists the field as 'not signed'. expected.tsv (pyHanko) counts 1, as kyso does; \
         judging the CMS is the verifier's job",
    ),
    (
        "dss-pades/pdf-spoofing-attack.pdf",
        1,
        "Sig2's /V is a signature dictionary (a spoofed copy: FORGED REASON) that pdfsig lists as \
         'not signed'; DSS reports 1 signature, as kyso counts; pyHanko cannot open the file",
    ),
];

/// Files the reader refuses, with the error code and why that is right.
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "dss-pades/pdf-signed-corrupted.pdf",
        "PDF_BAD_XREF_OFFSET",
        "startxref points one byte into the table's first entry, not at 'xref'; the file is \
         corrupted on purpose (DSS: ByteRange invalid; pyHanko cannot open it either). pdfsig \
         reconstructs the table and lists 1 signature: kyso does not repair",
    ),
    (
        "dss-pades/pades-5-signatures-and-1-document-timestamp.pdf",
        "PDF_BAD_XREF_OFFSET",
        "the last update's trailer says /Prev 0, which is the header, not a cross-reference \
         section, so the earlier revisions are unreachable; pyHanko fails (OSError) and DSS \
         finds no signature B-level valid. pdfsig reconstructs and lists 6: kyso does not repair",
    ),
];

fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pdfs(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

/// `file -> (n_sig_fields, expected)` from expected.tsv.
fn expected(dir: &Path) -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next().unwrap().to_string();
            let n = cols.next().unwrap_or("-").to_string();
            let verdict = cols.next().unwrap_or("").to_string();
            (file, (n, verdict))
        })
        .collect()
}

/// Signatures whose /Contents span and revision end were checked against their /ByteRange.
static OFFSETS_CHECKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What a file gave: the number of filled signature fields, or the error code.
type Outcome = Result<usize, String>;

/// Read `bytes` and walk everything a verifier would: the fields (count), the DSS, every
/// revision's changes (every object it defines, before and after) and its pages. For a file
/// whose signatures are all `valid`, also check the offsets against each /ByteRange: the
/// hole is exactly the /Contents token and the range ends at a revision's %%EOF (with or
/// without its end-of-line).
fn walk(bytes: &[u8], valid: bool) -> Outcome {
    let doc =
        Document::parse(bytes, &Limits::default()).map_err(|e| format!("{}: {e}", e.code()))?;
    let fields = doc
        .signature_fields()
        .map_err(|e| format!("{}: {e}", e.code()))?;
    for f in &fields {
        let Ok(s) = &f.signature else { continue };
        let Some(sp) = s.contents.as_ref().and_then(|c| c.span) else {
            continue;
        };
        let tok = &bytes[sp.start..sp.end];
        assert!(tok.starts_with(b"<") && tok.ends_with(b">") || tok.starts_with(b"("));
        if !valid {
            continue;
        }
        let br = s.byte_range.clone().unwrap_or_default();
        assert_eq!(br.len(), 4, "{}: /ByteRange {br:?}", f.name);
        assert_eq!(
            (br[1], br[2]),
            (sp.start as i64, sp.end as i64),
            "{}: hole vs /Contents",
            f.name
        );
        let end = (br[2] + br[3]) as usize;
        let at_eof = doc
            .revisions()
            .iter()
            .any(|r| r.eof.is_some_and(|e| e.after == end || e.after_eol == end));
        assert!(
            at_eof,
            "{}: /ByteRange ends at {end}, at no revision's %%EOF",
            f.name
        );
        OFFSETS_CHECKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let _ = doc.dss();
    for rev in 0..doc.revisions().len() {
        let _ = doc.changes(rev);
        let _ = doc.pages(rev);
        let _ = doc.signature_fields_in(rev);
    }
    Ok(fields.len())
}

/// The signatures pdfsig lists: its "Signature #N" blocks less those that say "The signature
/// form field is not signed." (pdfsig lists empty signature fields too).
fn pdfsig_count(path: &Path) -> Option<usize> {
    let out = Command::new("pdfsig")
        .arg("-nocert")
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let blocks = text.split("\nSignature #").skip(1);
    Some(blocks.filter(|b| !b.contains("is not signed")).count())
}

#[test]
fn staged_pdf_corpora() {
    let have_pdfsig = Command::new("pdfsig").arg("-v").output().is_ok();
    assert!(
        have_pdfsig,
        "pdfsig (Debian poppler-utils) is needed: scripts/test.sh installs it"
    );
    let mut problems = Vec::new();
    let (mut files, mut tsv_agree, mut tsv_listed, mut sig_agree, mut sig_listed, mut refused) =
        (0, 0, 0, 0, 0, 0);
    let mut seen_exceptions = Vec::new();
    for corpus in ["dss-pades", "pyhanko-pdf"] {
        let dir = ext().join(corpus);
        let want = expected(&dir);
        let mut list = Vec::new();
        pdfs(&dir, &mut list);
        assert!(!list.is_empty(), "{corpus} has PDFs");
        for path in list {
            files += 1;
            let rel = path
                .strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let key = format!("{corpus}/{rel}");
            let bytes = std::fs::read(&path).unwrap();
            let row = want.get(&rel);
            let valid = row.is_some_and(|(_, v)| v == "valid");
            let outcome = std::panic::catch_unwind(|| walk(&bytes, valid));
            let outcome = match outcome {
                Ok(o) => o,
                Err(_) => {
                    problems.push(format!("{key}: PANIC"));
                    continue;
                }
            };
            let n = match &outcome {
                Ok(n) => Some(*n),
                Err(e) => {
                    refused += 1;
                    match REFUSED.iter().find(|(f, _, _)| *f == key) {
                        Some((_, code, _)) if e.starts_with(code) => {
                            seen_exceptions.push(key.clone());
                        }
                        _ => problems.push(format!("{key}: refused, not listed: {e}")),
                    }
                    None
                }
            };
            if n.is_none() {
                continue;
            }
            let n = n.unwrap_or_default();
            println!("{key}: {n} signature fields");
            match row.map(|(n, _)| n.as_str()) {
                None => problems.push(format!("{key}: no row in expected.tsv")),
                Some("-") => {}
                Some(w) => {
                    let w: usize = w.parse().unwrap();
                    let listed = TSV_EXCEPTIONS.iter().find(|(f, _, _)| *f == key);
                    match listed {
                        _ if n == w && listed.is_none() => tsv_agree += 1,
                        Some((_, k, _)) if *k == n && n != w => {
                            tsv_listed += 1;
                            seen_exceptions.push(key.clone());
                        }
                        _ => problems.push(format!(
                            "{key}: {n} signature fields, expected.tsv says {w}{}",
                            if listed.is_some() {
                                " (listed exception is stale)"
                            } else {
                                ""
                            }
                        )),
                    }
                }
            }
            let ps = pdfsig_count(&path).unwrap();
            let listed = PDFSIG_EXCEPTIONS.iter().find(|(f, _, _)| *f == key);
            match listed {
                _ if n == ps && listed.is_none() => sig_agree += 1,
                Some((_, k, _)) if *k == n && n != ps => {
                    sig_listed += 1;
                    seen_exceptions.push(key.clone());
                }
                _ => problems.push(format!(
                    "{key}: {n} signature fields, pdfsig counts {ps}{}",
                    if listed.is_some() {
                        " (listed exception is stale)"
                    } else {
                        ""
                    }
                )),
            }
        }
    }
    println!(
        "pdf corpora: {files} files; expected.tsv: {tsv_agree} agree, {tsv_listed} listed divergences; \
         pdfsig: {sig_agree} agree, {sig_listed} listed divergences; {refused} refused; \
         {} signatures of `valid` files with /Contents span and %%EOF checked against /ByteRange",
        OFFSETS_CHECKED.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert!(OFFSETS_CHECKED.load(std::sync::atomic::Ordering::Relaxed) >= 40);
    for (f, _, _) in TSV_EXCEPTIONS.iter().chain(PDFSIG_EXCEPTIONS) {
        if !seen_exceptions.iter().any(|s| s == f) {
            problems.push(format!(
                "{f}: listed exception no longer applies (or the file is gone)"
            ));
        }
    }
    for (f, _, _) in REFUSED {
        if !seen_exceptions.iter().any(|s| s == f) {
            problems.push(format!("{f}: listed as refused but was read"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// qpdf's rewrites of minimal.pdf (testdata/pdf/README.md): a cross-reference stream with an
/// object stream, and linearized files, whose first-page section (at the start of the file,
/// newer in the /Prev chain) is read as part of the one original revision.
#[test]
fn qpdf_structures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pdf");
    let original = std::fs::read(ext().join("pyhanko-pdf/minimal.pdf")).unwrap();
    let original = Document::parse(&original, &Limits::default()).unwrap();
    let want_pages = original.pages(0).unwrap().len();
    assert_eq!(want_pages, 1);
    for (file, sections) in [
        ("minimal-objstm.pdf", 1),
        ("minimal-linearized.pdf", 2),
        ("minimal-linearized-objstm.pdf", 2),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let doc = Document::parse(&bytes, &Limits::default()).unwrap();
        assert_eq!(doc.revisions().len(), 1, "{file}");
        let rev = &doc.revisions()[0];
        assert_eq!(rev.sections.len(), sections, "{file}");
        assert_eq!(rev.eof.map(|e| e.after_eol), Some(bytes.len()), "{file}");
        let pages = doc.pages(0).unwrap();
        assert_eq!(pages.len(), want_pages, "{file}");
        let content = pages[0].dict.get("Contents").unwrap();
        let content = doc.resolve(content, 0).unwrap();
        let text = doc.decode(content.as_stream().unwrap()).unwrap();
        assert!(text.windows(5).any(|w| w == b"Hello"), "{file}: {text:?}");
        assert!(doc.signature_fields().unwrap().is_empty());
        for r in rev.objects() {
            doc.get(r).unwrap_or_else(|e| panic!("{file}: {r}: {e}"));
        }
    }
}
