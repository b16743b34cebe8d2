//! Feed arbitrary bytes to the PDF writer (crates/kyso/src/pdf/write.rs, sign.rs): for every
//! input the reader accepts, lay out the update that adds a document time-stamp (the same
//! code path as a signature, without a key) and the DSS update, and append them. Must never
//! panic, hang or exhaust memory. Properties: the original bytes are a prefix of the result,
//! the result parses with one more revision, the /ByteRange leaves out exactly the /Contents
//! string and reaches the end of the file, and the new field is among the signature fields.
#![no_main]

#[path = "../../crates/kyso/src/pdf/mod.rs"]
#[allow(dead_code, unreachable_pub)]
mod pdf;

use libfuzzer_sys::fuzz_target;
use pdf::sign::{prepare, prepare_dss, DssAdditions, NewSignature, SigKind};
use pdf::{Document, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_total_decoded: 64 << 20,
        ..Limits::default()
    };
    let Ok(doc) = Document::parse(data, &limits) else {
        return;
    };
    let sig = NewSignature {
        kind: SigKind::DocTimeStamp,
        field: None,
        placement: None,
        appearance: None,
        contents_len: 16,
        new_id: [7; 16],
    };
    if let Ok(mut p) = prepare(&doc, sig) {
        p.fill(&[0x30; 16]).expect("16 bytes fit a 16-byte placeholder");
        let [a, b, c, d] = p.byte_range();
        let mut file = data.to_vec();
        file.extend_from_slice(&p.update);
        assert_eq!(a, 0);
        assert_eq!(c + d, file.len());
        assert_eq!((file[b], file[c - 1]), (b'<', b'>'));
        // The reader may still refuse the result for what it refused in the original's
        // objects on demand (a broken page tree read lazily); when it parses, it must have
        // the new revision and field.
        if let Ok(new) = Document::parse(&file, &limits) {
            assert_eq!(new.revisions().len(), doc.revisions().len() + 1);
            if let Ok(fields) = new.signature_fields() {
                assert!(fields.iter().any(|f| f.name == p.field), "new field missing");
            }
        }
    }
    let add = DssAdditions {
        certs: vec![b"certificate".to_vec()],
        crls: Vec::new(),
        ocsps: Vec::new(),
    };
    if let Ok(Some((update, certs, _))) = prepare_dss(&doc, &add, [8; 16]) {
        assert!(certs <= 1);
        let mut file = data.to_vec();
        file.extend_from_slice(&update);
        if let Ok(new) = Document::parse(&file, &limits) {
            assert_eq!(new.revisions().len(), doc.revisions().len() + 1);
        }
    }
});
