//! `kyso extract` (issue 15): the document inside a `.p7m` written out byte for byte, from
//! DER, BER (openssl's indefinite-length, streamed) and PEM envelopes; refusals that leave
//! the files as they were (an existing document, a detached signature, a file that is not
//! CMS), each with its message.

mod common;
mod report_schema;

use std::process::Command;

use common::*;

#[test]
fn the_content_of_der_ber_and_pem_envelopes_comes_out_byte_for_byte() {
    let d = tmpdir("extract-ok");
    let text = "Tờ trình số 15/TTr-SNV\n".repeat(5000);
    std::fs::write(d.join("to-trinh.txt"), &text).unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--attached",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "to-trinh.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // openssl's BER (indefinite lengths, the content in chunks) and PEM.
    for (out, form) in [("ber.p7m", "DER"), ("pem.p7m", "PEM")] {
        let o = Command::new("openssl")
            .args([
                "cms",
                "-sign",
                "-stream",
                "-nodetach",
                "-binary",
                "-in",
                "to-trinh.txt",
            ])
            .args([
                "-signer",
                &pki("signer-rsa.pem"),
                "-inkey",
                &pki("signer-rsa.key"),
            ])
            .args(["-outform", form, "-out", out])
            .current_dir(&d)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = kyso(
        &d,
        &[
            "extract",
            "-o",
            "out",
            "to-trinh.txt.p7m",
            "ber.p7m",
            "pem.p7m",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the signature was not checked"),
        "{}",
        stdout(&o)
    );
    for f in ["to-trinh.txt", "ber", "pem"] {
        assert_eq!(
            std::fs::read_to_string(d.join("out").join(f)).unwrap(),
            text,
            "{f}"
        );
    }
    // Beside the envelope by default: the original is there, so it is refused, then replaced
    // with --force (same bytes).
    let o = kyso(&d, &["extract", "--lang", "en", "to-trinh.txt.p7m"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let o = kyso(&d, &["extract", "--force", "to-trinh.txt.p7m"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(d.join("to-trinh.txt")).unwrap(),
        text
    );
}

#[test]
fn refusals_write_nothing_and_say_why() {
    let d = tmpdir("extract-refused");
    std::fs::write(d.join("cv.docx"), "Công văn").unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "cv.docx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(d.join("note.p7m"), "not a signature").unwrap();
    std::fs::write(d.join("keep"), "an existing file").unwrap();
    let o = kyso(
        &d,
        &[
            "extract",
            "--lang",
            "vi",
            "-o",
            "out",
            "cv.docx.p7s",
            "note.p7m",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("là chữ ký tách rời, không chứa tài liệu"), "{e}");
    assert!(e.contains("note.p7m"), "{e}");
    // Nothing was left behind, not even a temporary file.
    let left: Vec<_> = std::fs::read_dir(d.join("out")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // A failed extraction over an existing file with --force keeps the file.
    std::fs::copy(d.join("note.p7m"), d.join("keep.p7m")).unwrap();
    let o = kyso(&d, &["extract", "--force", "keep.p7m"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("keep")).unwrap(),
        "an existing file"
    );
}
