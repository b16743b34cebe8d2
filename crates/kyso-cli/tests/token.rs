//! `kyso sign --pkcs11` and `kyso token list` against a real SoftHSM2 token: signatures checked
//! with `openssl cms -verify` and `kyso verify`, PIN handling, one login per batch (counted
//! independently with OpenSC's pkcs11-spy), and the failure messages and exit codes.
//! Every test gets its own token directory, so PIN state never leaks between tests.

mod report_schema;
#[path = "../../kyso/tests/softhsm/mod.rs"]
mod softhsm;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use softhsm::{pki, SoftHsm, AT, TOKEN, WRONG_PIN_TOKEN};

const TOKEN_URI: &str = "pkcs11:token=Kyso%20Test%20Token";

fn kyso(hsm: &SoftHsm, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kyso"));
    c.args(args)
        .current_dir(dir)
        .env("SOFTHSM2_CONF", &hsm.conf)
        .env_remove("KYSO_PKCS11_MODULE")
        .env_remove("KYSO_TRUST")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("kyso runs");
    report_schema::check_output(args, &out);
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn workdir(hsm: &SoftHsm) -> PathBuf {
    let d = hsm.dir.join("work");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn module(hsm: &SoftHsm) -> String {
    hsm.module.to_str().unwrap().to_string()
}

fn kyso_verify(hsm: &SoftHsm, dir: &Path, sig: &Path, signatures: usize) {
    kyso_verify_content(hsm, dir, sig, None, signatures)
}

fn kyso_verify_content(
    hsm: &SoftHsm,
    dir: &Path,
    sig: &Path,
    content: Option<&Path>,
    signatures: usize,
) {
    let trust = pki("trust.pem");
    let mut args = vec!["verify", "--trust", trust.to_str().unwrap(), "--json"];
    if let Some(c) = content {
        args.extend(["--content", c.to_str().unwrap()]);
    }
    args.push(sig.to_str().unwrap());
    let out = kyso(hsm, dir, &args, &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let sigs = report["documents"][0]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), signatures, "{report:#}");
    assert!(sigs.iter().all(|s| s["indication"] == "TOTAL-PASSED"));
}

#[test]
fn sign_detached_attached_pss_ecdsa_and_cosign_through_the_cli() {
    let hsm = SoftHsm::create("cli-sign");
    let dir = workdir(&hsm);
    let pin = hsm.pin_file(softhsm::PIN);
    let pin_arg = format!("file:{}", pin.display());
    let m = module(&hsm);
    std::fs::write(dir.join("to-trinh.txt"), "Tờ trình số 7/TTr-STP".as_bytes()).unwrap();
    let content = dir.join("to-trinh.txt");
    // RSA PKCS#1 v1.5, detached, key and certificate and chain from the token.
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign",
            "--pkcs11",
            &format!("{TOKEN_URI};object=signer-rsa"),
            "--module",
            &m,
            "--pin",
            &pin_arg,
            "to-trinh.txt",
        ],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("the token reports its PIN state as: no wrong PIN reported"),
        "{err}"
    );
    assert!(
        err.contains("signed to-trinh.txt -> to-trinh.txt.p7s"),
        "{err}"
    );
    softhsm::openssl_verify(&dir.join("to-trinh.txt.p7s"), Some(&content));
    kyso_verify(&hsm, &dir, &dir.join("to-trinh.txt.p7s"), 1);

    // Co-sign as the organisation (id 03), module from KYSO_PKCS11_MODULE.
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign",
            "--pkcs11",
            "pkcs11:token=Kyso%20Test%20Token;id=%03",
            "--pin",
            &pin_arg,
            "--add-to",
            "to-trinh.txt.p7s",
            "to-trinh.txt",
        ],
        &[("KYSO_PKCS11_MODULE", &m)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    softhsm::openssl_verify(&dir.join("to-trinh.txt.p7s"), Some(&content));
    kyso_verify(&hsm, &dir, &dir.join("to-trinh.txt.p7s"), 2);

    // RSA-PSS, attached, PIN from an environment variable, module from the URI.
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign",
            "--pkcs11",
            &format!("{TOKEN_URI};object=signer-rsa?module-path={m}"),
            "--pss",
            "--attached",
            "--pin",
            "env:TOKEN_PIN",
            "-o",
            "pss.p7m",
            "to-trinh.txt",
        ],
        &[("TOKEN_PIN", softhsm::PIN)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    softhsm::openssl_verify(&dir.join("pss.p7m"), None);
    kyso_verify(&hsm, &dir, &dir.join("pss.p7m"), 1);

    // ECDSA with the certificate given as a file (--cert overrides the token's), PIN on stdin.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kyso"))
        .args([
            "sign",
            "--pkcs11",
            &format!("{TOKEN_URI};object=signer-ec"),
            "--module",
            &m,
            "--cert",
            pki("signer-ec.pem").to_str().unwrap(),
            "--chain",
            pki("chain-ec.pem").to_str().unwrap(),
            "--pin",
            "stdin",
            "-o",
            "ec.p7s",
            "to-trinh.txt",
        ])
        .current_dir(&dir)
        .env("SOFTHSM2_CONF", &hsm.conf)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", softhsm::PIN).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    softhsm::openssl_verify(&dir.join("ec.p7s"), Some(&content));
    kyso_verify_content(&hsm, &dir, &dir.join("ec.p7s"), Some(&content), 1);
}

/// Several files with one login: counted by kyso and, independently, by OpenSC's pkcs11-spy
/// sitting between kyso and SoftHSM2 and logging every PKCS#11 call. A file that cannot be
/// signed (a directory) is reported on its own; the others are signed.
#[test]
fn a_batch_logs_in_once_and_reports_each_file() {
    let hsm = SoftHsm::create("cli-batch");
    let dir = workdir(&hsm);
    let pin = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    let mut files = Vec::new();
    for i in 1..=4 {
        let f = format!("ho-so-{i}.txt");
        std::fs::write(dir.join(&f), format!("Hồ sơ số {i}")).unwrap();
        files.push(f);
    }
    // One file that cannot be signed (its output exists and is not a signature): the batch
    // goes on. (A folder would now be signed file by file: `kyso sign DIR`.)
    std::fs::write(dir.join("not-signed.txt"), "x").unwrap();
    std::fs::write(dir.join("not-signed.txt.p7s"), "not a signature").unwrap();
    files.insert(2, "not-signed.txt".into());
    let spy_log = hsm.dir.join("spy.log");
    let spy = softhsm::spy_module();
    let mut args = vec![
        "sign",
        "--pkcs11",
        "pkcs11:token=Kyso%20Test%20Token;object=signer-rsa",
        "--module",
        spy.to_str().unwrap(),
        "--pin",
        &pin,
        // Each file's line (a batch lists only failures without it).
        "--verbose",
    ];
    args.extend(files.iter().map(String::as_str));
    let out = kyso(
        &hsm,
        &dir,
        &args,
        &[
            ("PKCS11SPY", hsm.module.to_str().unwrap()),
            ("PKCS11SPY_OUTPUT", spy_log.to_str().unwrap()),
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "one file failed: {err}");
    for i in 1..=4 {
        assert!(
            err.contains(&format!("signed ho-so-{i}.txt -> ho-so-{i}.txt.p7s")),
            "{err}"
        );
        let sig = dir.join(format!("ho-so-{i}.txt.p7s"));
        softhsm::openssl_verify(&sig, Some(&dir.join(format!("ho-so-{i}.txt"))));
    }
    assert!(err.contains("not-signed.txt was not signed"), "{err}");
    assert!(
        err.contains("4 signed, 0 already signed, 1 failed"),
        "{err}"
    );
    assert!(
        err.contains("1 login(s) to token 'Kyso Test Token' for 5 file(s)"),
        "{err}"
    );
    let log = std::fs::read_to_string(&spy_log).expect("pkcs11-spy wrote its log");
    let logins = log.lines().filter(|l| l.contains("C_Login")).count();
    assert_eq!(logins, 1, "pkcs11-spy saw {logins} C_Login calls");
    let signs = log
        .lines()
        .filter(|l| l.contains("C_Sign") && !l.contains("C_SignInit"))
        .count();
    assert!(signs >= 4, "pkcs11-spy saw {signs} C_Sign calls");
    kyso_verify(&hsm, &dir, &dir.join("ho-so-1.txt.p7s"), 1);
}

#[test]
fn wrong_pin_is_reported_once_with_the_state_after_it() {
    let hsm = SoftHsm::create("cli-pin");
    let dir = workdir(&hsm);
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    let m = module(&hsm);
    let wrong = format!("file:{}", hsm.pin_file("999999").display());
    let uri = "pkcs11:token=Kyso%20Wrong%20PIN";
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign", "--pkcs11", uri, "--module", &m, "--pin", &wrong, "a.txt",
        ],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "token '{WRONG_PIN_TOKEN}' rejected the PIN (CKR_PIN_INCORRECT)"
        )),
        "{err}"
    );
    assert!(
        err.contains("count low (CKF_USER_PIN_COUNT_LOW)"),
        "state after the failure: {err}"
    );
    assert!(err.contains("kyso does not retry"), "{err}");
    assert!(!dir.join("a.txt.p7s").exists());
    // The next run says, before asking, how the token reports its PIN state.
    let right = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign", "--pkcs11", uri, "--module", &m, "--pin", &right, "a.txt",
        ],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("the token reports its PIN state as: count low"),
        "{err}"
    );
    // A PIN too short for the token never reaches it.
    let short = format!("file:{}", hsm.pin_file("12").display());
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign", "--pkcs11", uri, "--module", &m, "--pin", &short, "--force", "a.txt",
        ],
        &[],
    );
    assert!(
        text(&out.stderr).contains("it was not sent to the token"),
        "{}",
        text(&out.stderr)
    );
    // Without a PIN source and without a terminal: refused, with the hint.
    let out = kyso(
        &hsm,
        &dir,
        &["sign", "--pkcs11", uri, "--module", &m, "--force", "a.txt"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("PIN for token 'Kyso Wrong PIN' is needed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn clear_messages_for_module_token_key_and_uri_problems() {
    let hsm = SoftHsm::create("cli-errors");
    let dir = workdir(&hsm);
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    let m = module(&hsm);
    let pin = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    let run = |args: &[&str]| {
        let out = kyso(&hsm, &dir, args, &[]);
        (out.status.code(), text(&out.stderr))
    };
    let (code, err) = run(&[
        "sign",
        "--pkcs11",
        TOKEN_URI,
        "--module",
        "/nonexistent/libeToken.so",
        "--pin",
        &pin,
        "a.txt",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("the PKCS#11 module /nonexistent/libeToken.so does not exist"),
        "{err}"
    );
    let not_lib = pki("trust.pem");
    let (_, err) = run(&[
        "sign",
        "--pkcs11",
        TOKEN_URI,
        "--module",
        not_lib.to_str().unwrap(),
        "--pin",
        &pin,
        "a.txt",
    ]);
    assert!(err.contains("could not be loaded"), "{err}");
    let (code, err) = run(&["sign", "--pkcs11", TOKEN_URI, "--pin", &pin, "a.txt"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no PKCS#11 module was given") && err.contains("KYSO_PKCS11_MODULE"),
        "{err}"
    );
    let (_, err) = run(&[
        "sign",
        "--pkcs11",
        "pkcs11:token=USB%20Token%20Cua%20So",
        "--module",
        &m,
        "--pin",
        &pin,
        "a.txt",
    ]);
    assert!(
        err.contains("no token matches") && err.contains(TOKEN),
        "{err}"
    );
    let (_, err) = run(&[
        "sign",
        "--pkcs11",
        &format!("{TOKEN_URI};object=khong-co"),
        "--module",
        &m,
        "--pin",
        &pin,
        "a.txt",
    ]);
    assert!(
        err.contains("no private key on token 'Kyso Test Token' matches"),
        "{err}"
    );
    assert!(err.contains("'signer-ec' (id 02)"), "lists the keys: {err}");
    let (code, err) = run(&[
        "sign",
        "--pkcs11",
        &format!("{TOKEN_URI};object=signer-rsa"),
        "--cert",
        pki("org-rsa.pem").to_str().unwrap(),
        "--module",
        &m,
        "--pin",
        &pin,
        "a.txt",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("does not belong to the certificate"), "{err}");
    let (code, err) = run(&[
        "sign",
        "--pkcs11",
        &format!("{TOKEN_URI}?pin-value=123456"),
        "--module",
        &m,
        "a.txt",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("kyso never takes a secret from the command line"),
        "{err}"
    );
    // pin-source in the URI is honoured as a file.
    let pin_path = hsm.pin_file(softhsm::PIN);
    let (code, err) = run(&[
        "sign",
        "--pkcs11",
        &format!(
            "{TOKEN_URI};object=signer-ec?pin-source={}",
            pin_path.display()
        ),
        "--module",
        &m,
        "a.txt",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(dir.join("a.txt.p7s").metadata().unwrap().len() > 0);
}

#[test]
fn token_list_text_and_json() {
    let hsm = SoftHsm::create("cli-list");
    let dir = workdir(&hsm);
    let m = module(&hsm);
    let out = kyso(
        &hsm,
        &dir,
        &["token", "list", "--module", &m, "--at", AT],
        &[],
    );
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(s.contains("Implementation of PKCS11 (SoftHSM)"), "{s}");
    assert!(s.contains(&format!("Token '{TOKEN}'")), "{s}");
    assert!(s.contains("model SoftHSM v2"), "{s}");
    assert!(s.contains("PIN: no wrong PIN reported"), "{s}");
    assert!(s.contains("URI: pkcs11:token=Kyso%20Test%20Token"), "{s}");
    assert!(
        s.contains("id 01 'signer-rsa': UID=CCCD:001085012345,CN=Nguyễn Văn An"),
        "{s}"
    );
    assert!(
        s.contains("2025-06-01T00:00:00Z .. 2035-06-01T00:00:00Z (3287 days left)"),
        "{s}"
    );
    assert!(
        s.contains("public key id 02 'signer-ec': EC 256 bits"),
        "{s}"
    );
    assert!(
        s.contains("sign with: --pkcs11 'pkcs11:token=Kyso%20Test%20Token;id=%01'")
            && s.contains("token not initialised"),
        "SoftHSM2's spare slot: {s}"
    );

    // A wrong PIN, then the list shows the state the token reports.
    std::fs::write(dir.join("a.txt"), "a").unwrap();
    let wrong = format!("file:{}", hsm.pin_file("999999").display());
    let _ = kyso(
        &hsm,
        &dir,
        &[
            "sign",
            "--pkcs11",
            "pkcs11:token=Kyso%20Wrong%20PIN",
            "--module",
            &m,
            "--pin",
            &wrong,
            "a.txt",
        ],
        &[],
    );
    let out = kyso(
        &hsm,
        &dir,
        &["token", "list", "--format", "json", "--at", AT],
        &[("KYSO_PKCS11_MODULE", &m)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "kyso.token-list/v1");
    assert_eq!(doc["module"]["path"], m.as_str());
    let slots = doc["slots"].as_array().unwrap();
    let token = |label: &str| {
        slots
            .iter()
            .find(|s| s["token"]["label"] == label)
            .unwrap_or_else(|| panic!("{label} listed: {doc:#}"))["token"]
            .clone()
    };
    let main = token(TOKEN);
    assert_eq!(main["pin"]["state"], "ok");
    let certs = main["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 6);
    let signer = certs.iter().find(|c| c["id"] == "01").unwrap();
    assert!(signer["subject"]
        .as_str()
        .unwrap()
        .contains("Nguyễn Văn An"));
    assert_eq!(signer["days_left"], 3287);
    assert_eq!(signer["uri"], "pkcs11:token=Kyso%20Test%20Token;id=%01");
    assert_eq!(signer["not_after"], "2035-06-01T00:00:00Z");
    assert!(main["keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["id"] == "03" && k["type"] == "rsa" && k["bits"] == 2048));
    let wrong = token(WRONG_PIN_TOKEN);
    assert_eq!(wrong["pin"]["state"], "count_low");
    assert_eq!(wrong["pin"]["count_low"], true);
    assert_eq!(wrong["pin"]["final_try"], false);
    assert_eq!(wrong["pin"]["locked"], false);
}

/// Co-signing many envelopes (detached and attached) from a token: one login for all, a line
/// per envelope and a summary; openssl and kyso see two signatures in each (issue 9).
#[test]
fn add_to_many_envelopes_logs_in_once() {
    let hsm = SoftHsm::create("cli-add-to-many");
    let dir = workdir(&hsm);
    let pin = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    std::fs::write(dir.join("a.txt"), "Quyết định số 1").unwrap();
    std::fs::write(dir.join("b.txt"), "Quyết định số 2").unwrap();
    let sign = |args: &[&str]| {
        let (key, cert) = (pki("signer-rsa.key"), pki("signer-rsa.pem"));
        let (key, cert) = (key.to_str().unwrap(), cert.to_str().unwrap());
        let mut all = vec!["sign", "--key", key, "--cert", cert];
        all.extend_from_slice(args);
        let out = kyso(&hsm, &dir, &all, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    };
    sign(&["a.txt"]);
    sign(&["--attached", "b.txt"]);
    let spy_log = hsm.dir.join("spy-add-to.log");
    let spy = softhsm::spy_module();
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign",
            "--pkcs11",
            "pkcs11:token=Kyso%20Test%20Token;id=%03",
            "--module",
            spy.to_str().unwrap(),
            "--pin",
            &pin,
            "--add-to",
            "a.txt.p7s",
            "--add-to",
            "b.txt.p7m",
            "--verbose",
        ],
        &[
            ("PKCS11SPY", hsm.module.to_str().unwrap()),
            ("PKCS11SPY_OUTPUT", spy_log.to_str().unwrap()),
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("co-signed a.txt.p7s -> a.txt.p7s"), "{err}");
    assert!(err.contains("co-signed b.txt.p7m -> b.txt.p7m"), "{err}");
    assert!(
        err.contains("2 signed, 0 already signed, 0 failed"),
        "{err}"
    );
    assert!(
        err.contains("1 login(s) to token 'Kyso Test Token' for 2 file(s)"),
        "{err}"
    );
    let log = std::fs::read_to_string(&spy_log).expect("pkcs11-spy wrote its log");
    assert_eq!(log.lines().filter(|l| l.contains("C_Login")).count(), 1);
    softhsm::openssl_verify(&dir.join("a.txt.p7s"), Some(&dir.join("a.txt")));
    kyso_verify(&hsm, &dir, &dir.join("a.txt.p7s"), 2);
    kyso_verify(&hsm, &dir, &dir.join("b.txt.p7m"), 2);
}

/// The long-term levels with keys on a token: the loopback PKI's official and an organisation
/// (issued here, with the same OCSP and CRL services) are imported into SoftHSM2, two files are
/// signed at B-LTA in one batch (one login), one of them is co-signed at B-LT by the
/// organisation, and every signature validates offline from what it embeds.
#[test]
fn token_keys_sign_at_b_lta_and_co_sign_at_b_lt() {
    let lt = kyso_testkit::ltv::LtPki::new();
    let hsm = SoftHsm::create("cli-lta");
    let dir = workdir(&hsm);
    lt.pki.root.write(&dir, "root");
    lt.sub.write(&dir, "sub");
    lt.leaf.write(&dir, "an");
    hsm.import_key_file(TOKEN, &dir.join("an.key"), "lt-signer", "06");
    hsm.import_cert_file(TOKEN, &dir.join("an.pem"), "06", "lt-signer");
    let org = lt.pki.issue(
        &lt.sub,
        kyso_testkit::CertSpec::ee("UBND Tỉnh Kyso")
            .ocsp(lt.responder.url())
            .crl_dp(&lt.crl_host.url("/sub.crl")),
    );
    lt.responder.status(&org, kyso_testkit::ocsp::Status::Valid);
    org.write(&dir, "org");
    hsm.import_key_file(TOKEN, &dir.join("org.key"), "lt-org", "07");
    hsm.import_cert_file(TOKEN, &dir.join("org.pem"), "07", "lt-org");
    std::fs::write(dir.join("qd.txt"), "Quyết định số 9/QĐ-UBND".as_bytes()).unwrap();
    std::fs::write(dir.join("cv.txt"), "Công văn số 4/UBND".as_bytes()).unwrap();
    let pin = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    let (m, url) = (module(&hsm), lt.tsa.url());
    let sign = |id: &str, level: &str, extra: &[&str]| {
        let uri = format!("pkcs11:token=Kyso%20Test%20Token;id=%{id}");
        let mut args = vec![
            "sign",
            "--pkcs11",
            &uri,
            "--module",
            &m,
            "--pin",
            &pin,
            "--chain",
            "sub.pem",
            "--level",
            level,
            "--tsa",
            &url,
            "--tsa-trust",
            "root.pem",
            "--trust",
            "root.pem",
        ];
        args.extend_from_slice(extra);
        let out = kyso(&hsm, &dir, &args, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        err
    };
    let err = sign("06", "B-LTA", &["qd.txt", "cv.txt"]);
    assert!(
        err.contains("1 login(s) to token 'Kyso Test Token' for 2 file(s)"),
        "{err}"
    );
    sign("07", "B-LT", &["--add-to", "qd.txt.p7s"]);
    assert_eq!(
        lt.tsa.requests(),
        5,
        "two signature and two archive time-stamps, then one more"
    );

    for (sig, content, levels) in [
        // SignerInfos is a SET OF: DER order, not signing order.
        ("qd.txt.p7s", "qd.txt", &["B-LT", "B-LTA"][..]),
        ("cv.txt.p7s", "cv.txt", &["B-LTA"][..]),
    ] {
        softhsm::openssl_verify_with(
            &dir.join(sig),
            Some(&dir.join(content)),
            &dir.join("root.pem"),
        );
        let args = [
            "verify",
            "--trust",
            "root.pem",
            "--offline",
            "--revocation",
            "required",
            "--json",
            sig,
        ];
        let out = kyso(&hsm, &dir, &args, &[]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{report:#}");
        let sigs = report["documents"][0]["signatures"].as_array().unwrap();
        let mut got: Vec<&str> = sigs.iter().map(|s| s["level"].as_str().unwrap()).collect();
        got.sort_unstable();
        assert_eq!(got, levels, "{report:#}");
        for s in sigs {
            assert_eq!(s["indication"], "TOTAL-PASSED", "{s:#}");
            assert_eq!(s["validation_data_embedded"], true, "{s:#}");
        }
    }
}

#[test]
fn a_batch_of_pdfs_is_signed_inside_with_one_token_login() {
    let hsm = SoftHsm::create("cli-pdf");
    let dir = workdir(&hsm);
    let pin = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    let minimal = softhsm::root().join("testdata/pdf/minimal.pdf");
    let originals: Vec<Vec<u8>> = (1..=3)
        .map(|i| {
            let f = dir.join(format!("qd-{i}.pdf"));
            std::fs::copy(&minimal, &f).unwrap();
            std::fs::read(&f).unwrap()
        })
        .collect();
    let out = kyso(
        &hsm,
        &dir,
        &[
            "sign",
            "--pkcs11",
            "pkcs11:token=Kyso%20Test%20Token;object=signer-rsa",
            "--module",
            &module(&hsm),
            "--pin",
            &pin,
            "--verbose",
            "qd-1.pdf",
            "qd-2.pdf",
            "qd-3.pdf",
        ],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("1 login(s) to token 'Kyso Test Token' for 3 file(s)"),
        "{err}"
    );
    for (i, original) in (1..=3).zip(&originals) {
        assert!(
            err.contains(&format!("signed qd-{i}.pdf (signature field 'Signature1')")),
            "{err}"
        );
        let f = dir.join(format!("qd-{i}.pdf"));
        let signed = std::fs::read(&f).unwrap();
        assert!(signed.len() > original.len() && signed.starts_with(original));
        assert!(
            !dir.join(format!("qd-{i}.pdf.p7s")).exists(),
            "a PDF is signed inside, not beside"
        );
        kyso_verify(&hsm, &dir, &f, 1);
    }
}
