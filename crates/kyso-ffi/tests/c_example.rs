//! examples/c/verify_and_sign.c compiled with `cc` against include/kyso.h, linked to the
//! cdylib and, separately, to the staticlib, then run on the test PKI: it signs, verifies and
//! prints the indications; a tampered document gives TOTAL-FAILED. Under valgrind, the run
//! has no memory error and leaks nothing (what kyso returns, the example frees).

mod common;

use std::path::Path;
use std::process::Command;

use common::Fixture;

/// Compile the example; `link` are the arguments that bring in kyso.
fn compile(out: &Path, link: &[String]) {
    let src = common::crate_dir().join("examples/c/verify_and_sign.c");
    let include = common::crate_dir().join("include");
    common::run(
        Command::new("cc")
            .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-o"])
            .arg(out)
            .arg(&src)
            .arg("-I")
            .arg(&include)
            .args(link),
    );
}

fn check_run(exe: &Path, f: &Fixture, env_lib: Option<&Path>) {
    let mut cmd = Command::new(exe);
    cmd.arg(f.signer_json("signer"))
        .arg(f.verifier_json())
        .arg(f.path("cv.txt"))
        .arg(f.path("cv-tampered.txt"));
    if let Some(dir) = env_lib {
        cmd.env("LD_LIBRARY_PATH", dir);
    }
    let out = common::stdout(&common::run(&mut cmd));
    let want = format!(
        "kyso {}\ndetached: TOTAL-PASSED\nattached: TOTAL-PASSED\ntampered: TOTAL-FAILED\nbad config: config: invalid type: integer `1`, expected a sequence at line 1 column 11\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(out, want);
}

#[test]
fn c_example_linked_to_the_shared_library() {
    let f = Fixture::new("c-shared");
    let lib = common::lib_dir();
    let exe = f.path("verify_and_sign");
    compile(
        &exe,
        &[
            format!("-L{}", lib.display()),
            "-lkyso_ffi".into(),
            format!("-Wl,-rpath,{}", lib.display()),
        ],
    );
    check_run(&exe, &f, Some(&lib));
}

#[test]
fn c_example_linked_to_the_static_library() {
    let f = Fixture::new("c-static");
    let lib = common::lib_dir().join("libkyso_ffi.a");
    assert!(lib.is_file(), "{} was not built", lib.display());
    let exe = f.path("verify_and_sign-static");
    // What `cargo rustc -p kyso-ffi --crate-type staticlib -- --print native-static-libs`
    // prints on Linux: OpenSSL (libssl, libcrypto) and the C runtime's libraries.
    let mut link = vec![lib.display().to_string()];
    for l in [
        "ssl", "crypto", "gcc_s", "util", "rt", "pthread", "m", "dl", "c",
    ] {
        link.push(format!("-l{l}"));
    }
    compile(&exe, &link);
    // No kyso shared library anywhere it could be found: the program carries kyso.
    let ldd = common::stdout(&common::run(Command::new("ldd").arg(&exe)));
    assert!(!ldd.contains("kyso"), "{ldd}");
    check_run(&exe, &f, None);
}

#[test]
fn c_example_under_valgrind_has_no_memory_error_and_no_leak() {
    let f = Fixture::new("c-valgrind");
    let lib = common::lib_dir();
    let exe = f.path("verify_and_sign");
    compile(
        &exe,
        &[
            format!("-L{}", lib.display()),
            "-lkyso_ffi".into(),
            format!("-Wl,-rpath,{}", lib.display()),
        ],
    );
    // Definitely lost blocks only: statics made once (x509-parser's extension table, the
    // thread-local last error) are still reachable when the program exits.
    let out = Command::new("valgrind")
        .args([
            "-q",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--show-leak-kinds=definite",
            "--error-exitcode=99",
        ])
        .arg(&exe)
        .arg(f.signer_json("signer"))
        .arg(f.verifier_json())
        .arg(f.path("cv.txt"))
        .arg(f.path("cv-tampered.txt"))
        .output()
        .expect("valgrind runs (scripts/test.sh installs it)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "valgrind: {}\n{stderr}", out.status);
    assert!(!stderr.contains("definitely lost"), "{stderr}");
    assert!(common::stdout(&out).contains("tampered: TOTAL-FAILED"));
}
