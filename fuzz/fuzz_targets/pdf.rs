//! Feed arbitrary bytes to the bounded PDF reader (crates/kyso/src/pdf): `Document::parse`,
//! then everything the PDF verifier will ask of it: every signature field (newest revision
//! and each earlier one), the DSS, /Perms, the page tree, and every object of every revision
//! (decoded when it is a stream) with the per-revision changes. Must never panic, hang or
//! exhaust memory. Properties: a /Contents span is a string token of the input, and each
//! revision's %%EOF offsets point at `%%EOF` in the input.
//!
//! The reader's API is crate-private, so its source is compiled into this target, as the
//! corpus test (crates/kyso/tests/pdf_reader.rs) does.
#![no_main]

#[path = "../../crates/kyso/src/pdf/mod.rs"]
#[allow(dead_code, unreachable_pub)]
mod pdf;

use libfuzzer_sys::fuzz_target;
use pdf::{Document, Limits, ObjRef};

fuzz_target!(|data: &[u8]| {
    // The default limits, with the per-document decode total lowered from 256 to 64 MiB so a
    // stream bomb costs a fraction of a second per execution, not seconds.
    let limits = Limits {
        max_total_decoded: 64 << 20,
        ..Limits::default()
    };
    let Ok(doc) = Document::parse(data, &limits) else {
        return;
    };
    for r in doc.revisions() {
        if let Some(e) = r.eof {
            assert_eq!(data.get(e.marker..e.after), Some(&b"%%EOF"[..]));
            assert!(e.after <= e.after_eol && e.after_eol <= data.len());
        }
    }
    let check_fields = |fields: Vec<pdf::SignatureField>| {
        for f in fields {
            let Ok(s) = f.signature else { continue };
            if let Some(sp) = s.contents.and_then(|c| c.span) {
                let tok = data.get(sp.start..sp.end).expect("span inside the input");
                assert!(matches!(tok.first(), Some(b'<' | b'(')), "span is a string token");
            }
        }
    };
    if let Ok(fields) = doc.signature_fields() {
        check_fields(fields);
    }
    let _ = doc.dss();
    for rev in 0..doc.revisions().len() {
        let _ = doc.doc_mdp(rev);
        let _ = doc.pages(rev);
        if rev + 1 < doc.revisions().len() {
            if let Ok(fields) = doc.signature_fields_in(rev) {
                check_fields(fields);
            }
            let _ = doc.dss_in(rev);
        }
        let refs: Vec<ObjRef> = doc.revisions()[rev].objects().collect();
        for r in refs {
            if let Ok(Some(o)) = doc.get_in_revision(r, rev) {
                if let Some(s) = o.as_stream() {
                    let _ = doc.decode(s);
                }
            }
        }
        let _ = doc.changes(rev);
    }
});
