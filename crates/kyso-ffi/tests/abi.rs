//! The C ABI called from Rust as extern "C" (the functions a C program links to): signing
//! every way, the report's schema, co-signing, PDFs, PKCS#12, the error contract and one
//! verifier shared by many threads.

mod common;
#[path = "../../kyso-cli/tests/report_schema/mod.rs"]
mod report_schema;

use std::ffi::CStr;

use common::abi::{self, indication, Signer, Verifier};
use common::Fixture;

#[test]
fn detached_and_attached_signatures_verify_and_the_report_is_kyso_verify_v2() {
    let f = Fixture::new("modes");
    let signer = Signer::new(&f.signer_json("signer")).unwrap();
    let verifier = Verifier::new(&f.verifier_json()).unwrap();
    let content = std::fs::read(f.path("cv.txt")).unwrap();
    let tampered = std::fs::read(f.path("cv-tampered.txt")).unwrap();

    let p7s = signer.detached(&content).unwrap();
    let report = verifier.verify(&p7s, Some(&content));
    report_schema::assert_conforms(&report);
    assert_eq!(report["schema"], "kyso.verify/v2");
    assert_eq!(report["policy"]["name"], "agency-default", "{report:#}");
    assert_eq!(indication(&report), "TOTAL-PASSED", "{report:#}");
    assert_eq!(report["summary"]["passed"], 1);

    let bad = verifier.verify(&p7s, Some(&tampered));
    report_schema::assert_conforms(&bad);
    assert_eq!(indication(&bad), "TOTAL-FAILED", "{bad:#}");
    // Not an error: the last error is clear after a report, whatever its verdict.
    assert_eq!(abi::last_error().0, 0);

    let p7m = signer.attached(&content).unwrap();
    let report = verifier.verify(&p7m, None);
    assert_eq!(indication(&report), "TOTAL-PASSED", "{report:#}");
    // openssl agrees that the .p7m holds the content.
    let dir = f.dir.path();
    std::fs::write(dir.join("cv.p7m"), &p7m).unwrap();
    let out = common::run(std::process::Command::new("openssl").args([
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        dir.join("cv.p7m").to_str().unwrap(),
        "-CAfile",
        dir.join("root.pem").to_str().unwrap(),
        "-purpose",
        "any",
    ]));
    assert_eq!(out.stdout, content);
}

#[test]
fn co_signing_adds_a_second_signer_and_keeps_the_first() {
    let f = Fixture::new("cosign");
    let first = Signer::new(&f.signer_json("signer")).unwrap();
    let second = Signer::new(&f.signer_json("second")).unwrap();
    let verifier = Verifier::new(&f.verifier_json()).unwrap();
    let content = std::fs::read(f.path("cv.txt")).unwrap();
    let p7s = first.detached(&content).unwrap();
    let both = second.cosign(&p7s, Some(&content)).unwrap();
    let report = verifier.verify(&both, Some(&content));
    report_schema::assert_conforms(&report);
    assert_eq!(indication(&report), "TOTAL-PASSED", "{report:#}");
    let sigs = report["documents"][0]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "{report:#}");
    // The same signer again is refused, with the library's code.
    let (status, message, code) = second.cosign(&both, Some(&content)).unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_SIGNING_FAILED);
    assert_eq!(code, "signing_refused_already_signed");
    assert!(message.contains("Trần Thị B"), "{message}");
    // An attached envelope carries its content: no content argument.
    let p7m = first.attached(&content).unwrap();
    let both = second.cosign(&p7m, None).unwrap();
    assert_eq!(indication(&verifier.verify(&both, None)), "TOTAL-PASSED");
}

#[test]
fn a_pdf_is_signed_by_incremental_update_and_verifies() {
    let f = Fixture::new("pdf");
    let signer = Signer::new(&f.signer_json("signer")).unwrap();
    let verifier = Verifier::new(&f.verifier_json()).unwrap();
    let pdf = std::fs::read(f.path("qd.pdf")).unwrap();
    let signed = signer
        .pdf(
            &pdf,
            Some(r#"{"reason": "Phê duyệt", "location": "Hà Nội"}"#),
        )
        .unwrap();
    assert!(
        signed.len() > pdf.len() && signed.starts_with(&pdf),
        "an incremental update"
    );
    let report = verifier.verify(&signed, None);
    report_schema::assert_conforms(&report);
    assert_eq!(indication(&report), "TOTAL-PASSED", "{report:#}");
    // qpdf reads the signed file as a whole PDF.
    std::fs::write(f.path("qd-signed.pdf"), &signed).unwrap();
    common::run(
        std::process::Command::new("qpdf")
            .arg("--check")
            .arg(f.path("qd-signed.pdf")),
    );
    // A word of the page's text changed inside the signed range: TOTAL-FAILED, not an error.
    let mut bad = signed.clone();
    let at = bad.windows(5).position(|w| w == b"Hello").unwrap();
    bad[at..at + 5].copy_from_slice(b"Jello");
    assert_eq!(indication(&verifier.verify(&bad, None)), "TOTAL-FAILED");
    // Bytes that are not a PDF are refused before signing.
    let (status, message, _) = signer.pdf(b"not a pdf", None).unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_INVALID_ARGUMENT);
    assert!(message.contains("not a PDF"), "{message}");
}

#[test]
fn a_pkcs12_signer_signs_and_a_wrong_password_is_a_key_error() {
    let f = Fixture::new("p12");
    let signer = Signer::new(&f.p12_json(common::P12_PASSWORD)).unwrap();
    let verifier = Verifier::new(&f.verifier_json()).unwrap();
    let content = std::fs::read(f.path("cv.txt")).unwrap();
    let p7s = signer.detached(&content).unwrap();
    assert_eq!(
        indication(&verifier.verify(&p7s, Some(&content))),
        "TOTAL-PASSED"
    );
    let (status, message, code) = Signer::new(&f.p12_json("sai")).map(|_| ()).unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_KEY);
    assert_eq!(code, "wrong_password");
    assert!(message.contains("wrong password"), "{message}");
}

#[test]
fn bad_configurations_are_errors_with_a_code_and_a_message() {
    let f = Fixture::new("errors");
    // Not JSON.
    let (status, message, code) = Verifier::new("{trust: ").map(|_| ()).unwrap_err();
    assert_eq!(
        (status, code.as_str()),
        (kyso_ffi::KYSO_ERR_BAD_CONFIG, "bad_config")
    );
    assert!(message.starts_with("config: "), "{message}");
    // A typo is refused, not ignored (a verifier without its anchors would be weaker).
    let (status, message, _) = Verifier::new(r#"{"trusts": ["root.pem"]}"#)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_BAD_CONFIG);
    assert!(message.contains("unknown field `trusts`"), "{message}");
    // A missing anchor file.
    let (status, message, code) = Verifier::new(r#"{"trust": ["/nonexistent/root.pem"]}"#)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_IO);
    assert_eq!(code, "io");
    assert!(
        message.contains("/nonexistent/root.pem: file not found"),
        "{message}"
    );
    // An unknown trust list.
    let (status, message, _) = Verifier::new(r#"{"trust_lists": ["vn-x"]}"#)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_BAD_CONFIG);
    assert!(message.contains("vn-gov"), "{message}");
    // The shipped lists load.
    Verifier::new(r#"{"trust_lists": ["vn"], "offline": true}"#).unwrap();
    // No key source; two key sources.
    let (status, message, _) = Signer::new("{}").map(|_| ()).unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_BAD_CONFIG);
    assert!(message.contains("one key source"), "{message}");
    // A key that is not the certificate's: refused when the handle is made.
    let mixed = format!(
        r#"{{"key": {:?}, "cert": {:?}}}"#,
        f.path("second.key").display().to_string(),
        f.path("signer.pem").display().to_string()
    );
    let (status, _, code) = Signer::new(&mixed).map(|_| ()).unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_SIGNING_FAILED);
    assert_eq!(code, "signing_refused_key_mismatch");
    // Vietnamese messages when asked for.
    let vi = format!(
        r#"{{"p12": {:?}, "password": "sai", "lang": "vi"}}"#,
        f.path("signer.p12").display().to_string()
    );
    let (_, message, code) = Signer::new(&vi).map(|_| ()).unwrap_err();
    assert_eq!(code, "wrong_password");
    assert!(message.contains("mật khẩu"), "{message}");
    // A success clears the last error.
    Verifier::new("").unwrap();
    assert_eq!(abi::last_error(), (0, String::new(), String::new()));
}

#[test]
fn null_pointers_and_invalid_utf8_are_errors_not_crashes() {
    let f = Fixture::new("null");
    let v = Verifier::new(&f.verifier_json()).unwrap();
    let mut report = std::ptr::null_mut();
    // SAFETY: NULL signature pointer with a length: the call must refuse it.
    let rc = unsafe {
        kyso_ffi::kyso_verify(v.0, std::ptr::null(), 10, std::ptr::null(), 0, &mut report)
    };
    assert_eq!(rc, kyso_ffi::KYSO_ERR_NULL_POINTER);
    assert!(report.is_null());
    assert_eq!(abi::last_error().1, "signature is NULL");
    // SAFETY: NULL handle.
    let rc = unsafe {
        kyso_ffi::kyso_verify(
            std::ptr::null(),
            b"x".as_ptr(),
            1,
            std::ptr::null(),
            0,
            &mut report,
        )
    };
    assert_eq!(rc, kyso_ffi::KYSO_ERR_NULL_POINTER);
    assert_eq!(abi::last_error().1, "verifier is NULL");
    // SAFETY: NULL out pointer.
    let rc = unsafe {
        kyso_ffi::kyso_verify(
            v.0,
            b"x".as_ptr(),
            1,
            std::ptr::null(),
            0,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, kyso_ffi::KYSO_ERR_NULL_POINTER);
    let mut h = std::ptr::null_mut();
    // SAFETY: NULL config.
    let rc = unsafe { kyso_ffi::kyso_verifier_new(std::ptr::null(), &mut h) };
    assert_eq!(rc, kyso_ffi::KYSO_ERR_NULL_POINTER);
    assert_eq!(abi::last_error().1, "config_json is NULL");
    // Invalid UTF-8 in the configuration.
    let bad = c"{\"trust\": [\"\xff\"]}";
    // SAFETY: a NUL-terminated string, writable out.
    let rc = unsafe { kyso_ffi::kyso_verifier_new(bad.as_ptr(), &mut h) };
    assert_eq!(rc, kyso_ffi::KYSO_ERR_INVALID_ARGUMENT);
    assert!(abi::last_error().1.contains("not UTF-8"));
    assert!(h.is_null());
    // Frees accept NULL.
    // SAFETY: NULL is documented as ignored.
    unsafe {
        kyso_ffi::kyso_string_free(std::ptr::null_mut());
        kyso_ffi::kyso_bytes_free(std::ptr::null_mut(), 5);
        kyso_ffi::kyso_verifier_free(std::ptr::null_mut());
        kyso_ffi::kyso_signer_free(std::ptr::null_mut());
    }
    // Garbage to verify is a report (FORMAT_FAILURE), not an error.
    let r = v.verify(b"garbage", None);
    report_schema::assert_conforms(&r);
    assert_eq!(indication(&r), "TOTAL-FAILED", "{r:#}");
    // The version.
    // SAFETY: a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(kyso_ffi::kyso_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn one_verifier_and_one_signer_are_shared_by_many_threads() {
    let f = Fixture::new("threads");
    let signer = Signer::new(&f.signer_json("signer")).unwrap();
    let verifier = Verifier::new(&f.verifier_json()).unwrap();
    let content = std::fs::read(f.path("cv.txt")).unwrap();
    let tampered = std::fs::read(f.path("cv-tampered.txt")).unwrap();
    let p7s = signer.detached(&content).unwrap();
    const THREADS: usize = 8;
    const EACH: usize = 25;
    let counts: Vec<(usize, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (signer, verifier, content, tampered, p7s) =
                    (&signer, &verifier, &content, &tampered, &p7s);
                s.spawn(move || {
                    let (mut passed, mut failed) = (0, 0);
                    for i in 0..EACH {
                        // Each thread signs too, with the shared signer.
                        let sig = if i % 5 == 0 {
                            signer.detached(content).unwrap()
                        } else {
                            p7s.clone()
                        };
                        let data = if (t + i) % 2 == 0 { content } else { tampered };
                        match indication(&verifier.verify(&sig, Some(data))) {
                            "TOTAL-PASSED" => passed += 1,
                            "TOTAL-FAILED" => failed += 1,
                            other => panic!("unexpected {other}"),
                        }
                    }
                    (passed, failed)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let passed: usize = counts.iter().map(|c| c.0).sum();
    let failed: usize = counts.iter().map(|c| c.1).sum();
    assert_eq!(passed + failed, THREADS * EACH);
    // Exactly the runs over the original content passed.
    let want: usize = (0..THREADS)
        .map(|t| (0..EACH).filter(|i| (t + i) % 2 == 0).count())
        .sum();
    assert_eq!(passed, want);
}

#[test]
fn a_signer_with_a_tsa_makes_b_t_signatures() {
    let f = Fixture::new("tsa");
    let tsa = kyso_testkit::tsa::Tsa::start(&f.pki);
    let config = serde_json::json!({
        "key": f.path("signer.key"),
        "cert": f.path("signer.pem"),
        "tsa": tsa.url(),
        "tsa_trust": [tsa.ca_file()],
    });
    let signer = Signer::new(&config.to_string()).unwrap();
    let verifier = Verifier::new(&f.verifier_json()).unwrap();
    let content = std::fs::read(f.path("cv.txt")).unwrap();
    let p7s = signer.detached(&content).unwrap();
    assert_eq!(tsa.requests(), 1);
    let report = verifier.verify(&p7s, Some(&content));
    report_schema::assert_conforms(&report);
    assert_eq!(indication(&report), "TOTAL-PASSED", "{report:#}");
    assert_eq!(
        report["documents"][0]["signatures"][0]["level"], "B-T",
        "{report:#}"
    );
    // A TSA that is down fails the call, and nothing is returned.
    tsa.set_mode(kyso_testkit::tsa::Mode::Down);
    let (status, message, _) = signer.detached(&content).unwrap_err();
    assert_eq!(status, kyso_ffi::KYSO_ERR_SIGNING_FAILED, "{message}");
}
