//! examples/java/VerifyAndSign.java compiled with javac and run with JNA (Debian's
//! libjna-java; scripts/test.sh installs it, and this test fails, never skips, without it)
//! against the cdylib on the test PKI: it signs, verifies and prints the indication; a
//! tampered document gives TOTAL-FAILED.

mod common;

use std::path::Path;
use std::process::Command;

use common::Fixture;

const JNA: &str = "/usr/share/java/jna.jar";

#[test]
fn java_example_signs_and_verifies_through_jna() {
    assert!(
        Path::new(JNA).is_file(),
        "{JNA} is missing: run scripts/test.sh, which installs libjna-java, or `apt-get install libjna-java`"
    );
    let f = Fixture::new("java");
    let classes = f.path("classes");
    std::fs::create_dir_all(&classes).unwrap();
    common::run(
        Command::new("javac")
            .args(["-encoding", "UTF-8", "-cp", JNA, "-d"])
            .arg(&classes)
            .arg(common::crate_dir().join("examples/java/VerifyAndSign.java")),
    );
    let cp = format!("{JNA}:{}", classes.display());
    let out = common::run(
        Command::new("java")
            .args(["-cp", &cp])
            .arg(format!(
                "-Djna.library.path={}",
                common::lib_dir().display()
            ))
            .arg("VerifyAndSign")
            .arg(f.signer_json("signer"))
            .arg(f.verifier_json())
            .arg(f.path("cv.txt"))
            .arg(f.path("cv-tampered.txt")),
    );
    let want = format!(
        "kyso {}\ndetached: TOTAL-PASSED\ntampered: TOTAL-FAILED\nbad config: 3 bad_config\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(common::stdout(&out), want);
}
