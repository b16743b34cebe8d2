//! examples/python/kyso.py (ctypes) run with python3 against the cdylib on the test PKI: it
//! signs a document and a PDF, verifies both and prints the indications; a tampered document
//! gives TOTAL-FAILED, and a missing anchor file is an error with its status and code.

mod common;

use std::process::Command;

use common::Fixture;

#[test]
fn python_example_signs_and_verifies_through_ctypes() {
    let f = Fixture::new("python");
    let lib = common::lib_dir().join("libkyso_ffi.so");
    let out = common::run(
        Command::new("python3")
            .arg(common::crate_dir().join("examples/python/kyso.py"))
            .arg(&lib)
            .arg(f.signer_json("signer"))
            .arg(f.verifier_json())
            .arg(f.path("cv.txt"))
            .arg(f.path("qd.pdf"))
            .arg(f.path("cv-tampered.txt")),
    );
    let want = format!(
        "kyso {}\ndetached: TOTAL-PASSED\npdf: TOTAL-PASSED\ntampered: TOTAL-FAILED\nerror 4 io: /nonexistent/root.pem: file not found\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(common::stdout(&out), want);
}
