//! Feed arbitrary bytes to the visible signature block's builder
//! (crates/kyso/src/pdf/appearance): an input that starts with the PNG signature is the
//! block's image (beside three fixed lines), any other input is the block's text (its lines
//! split at '\n', invalid UTF-8 replaced), drawn into a rectangle whose size comes from the
//! input's length. Must never panic, hang or exhaust memory (the PNG limits: 8192 pixels a
//! side, 64 MiB decoded). Properties: on success the form is the first object, the objects
//! are numbered consecutively from the number given, and that number is advanced past them;
//! on an error it is left alone.
//!
//! The builder is crate-private, so the pdf module's source is compiled into this target, as
//! crates/kyso/tests/pdf_appearance.rs does.
#![no_main]

#[path = "../../crates/kyso/src/pdf/mod.rs"]
#[allow(dead_code, unreachable_pub)]
mod pdf;

use libfuzzer_sys::fuzz_target;
use pdf::{build_appearance, AppearanceSpec};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

fuzz_target!(|data: &[u8]| {
    let fixed = [
        "Ký bởi: NGUYỄN VĂN AN".to_string(),
        "Cơ quan: SỞ TƯ PHÁP TỈNH BẮC NINH".to_string(),
    ];
    let text: Vec<String>;
    let (lines, image): (&[String], Option<&[u8]>) = if data.starts_with(PNG) {
        (&fixed, Some(data))
    } else {
        text = String::from_utf8_lossy(data).split('\n').map(str::to_string).collect();
        (&text, None)
    };
    let spec = AppearanceSpec {
        width: 40.0 + (data.len() % 400) as f64,
        height: 10.0 + (data.len() % 90) as f64,
        lines,
        image,
    };
    let start = 1 + (data.len() as u32 % 1000);
    let mut next = start;
    match build_appearance(&spec, &mut next) {
        Ok(ap) => {
            assert_eq!(ap.form, start);
            for (i, (n, body)) in ap.objects.iter().enumerate() {
                assert_eq!(*n, start + i as u32);
                assert!(body.starts_with(b"<<"));
            }
            assert_eq!(next, start + ap.objects.len() as u32);
        }
        Err(_) => assert_eq!(next, start),
    }
});
