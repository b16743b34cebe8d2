//! Vietnamese trust lists (issue 13): `--trust vn|vn-gov|vn-public` over the staged real
//! certificates (the two hierarchies are disjoint; intermediates come from the list, never as
//! anchors), the report naming the list a validated path ends in, and `kyso trust update`
//! (a plain list only when confirmed, a signed bundle only from a publisher the list in force
//! names, never an older version) and `kyso trust list`.

mod common;
mod report_schema;

use std::path::Path;

use common::*;

fn vn(f: &str) -> String {
    root()
        .join("../shared/testdata-ext/vn-pki")
        .join(f)
        .display()
        .to_string()
}

/// `kyso chain` of `cert` at `at` (revocation off: the real CAs' CRLs are not reachable here).
fn chain(d: &Path, trust: &str, cert: &str, at: &str) -> serde_json::Value {
    let o = kyso(
        d,
        &[
            "chain",
            "--format",
            "json",
            "--revocation",
            "off",
            "--offline",
            "--trust",
            trust,
            "--at",
            at,
            &vn(cert),
        ],
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)))
}

#[test]
fn the_staged_real_chains_validate_through_the_shipped_lists_and_only_their_own() {
    let d = tmpdir("trust-vn");
    // (certificate, time, list that validates it, list that must not)
    let cases = [
        (
            "end-entity/cuc-thue-bo-tai-chinh-2025.der",
            "2025-06-01T00:00:00Z",
            "vn-gov",
            "vn-public",
        ),
        (
            "end-entity/tong-cuc-thue-bo-tai-chinh-2021.der",
            "2024-06-01T00:00:00Z",
            "vn-gov",
            "vn-public",
        ),
        (
            "intermediates/vnpt-ca-sha2-2024.der",
            "2026-12-01T00:00:00Z",
            "vn-public",
            "vn-gov",
        ),
        (
            "intermediates/viettel-ca-rs-2022.der",
            "2026-12-01T00:00:00Z",
            "vn-public",
            "vn-gov",
        ),
        (
            "intermediates/fastca-sha256-2020.der",
            "2025-06-01T00:00:00Z",
            "vn-public",
            "vn-gov",
        ),
    ];
    for (cert, at, good, bad) in cases {
        for list in [good, "vn"] {
            let v = chain(&d, list, cert, at);
            assert_eq!(v["valid"], true, "{cert} under {list}: {v:#}");
            // The list and PKI are named by the anchor the path ends at, also under `vn`.
            let pki = if good == "vn-gov" {
                "government"
            } else {
                "public"
            };
            assert_eq!(v["trust_list"]["list"], good, "{cert} under {list}: {v:#}");
            assert_eq!(v["trust_list"]["pki"], pki, "{cert} under {list}: {v:#}");
        }
        let v = chain(&d, bad, cert, at);
        assert_eq!(v["valid"], false, "{cert} under {bad}: {v:#}");
        assert!(v.get("trust_list").is_none(), "{cert} under {bad}: {v:#}");
    }
    // The text says it too, in the run's language.
    let o = kyso(
        &d,
        &[
            "chain",
            "--lang",
            "vi",
            "--revocation",
            "off",
            "--offline",
            "--trust",
            "vn",
            "--at",
            "2025-06-01T00:00:00Z",
            &vn("end-entity/cuc-thue-bo-tai-chinh-2025.der"),
        ],
    );
    assert!(
        stdout(&o)
            .contains("loại chữ ký số: chữ ký số chuyên dùng công vụ (danh sách tin cậy vn-gov)"),
        "{}",
        stdout(&o)
    );
    // Expired at the time asked: the list does not make it valid.
    let v = chain(
        &d,
        "vn",
        "end-entity/tong-cuc-thue-bo-tai-chinh-2021.der",
        "2026-12-01T00:00:00Z",
    );
    assert_eq!(v["valid"], false, "{v:#}");
    // An intermediate of the list is never an anchor: the state-agency CA alone does not
    // validate without its root (a list made of it as an "anchor" would).
    let o = kyso(
        &d,
        &[
            "chain",
            "--format",
            "json",
            "--revocation",
            "off",
            "--offline",
            "--intermediates",
            &vn("intermediates/vgca-ca-co-quan-nha-nuoc-g2.der"),
            "--at",
            "2025-06-01T00:00:00Z",
            &vn("end-entity/cuc-thue-bo-tai-chinh-2025.der"),
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    // An unknown name is a usage error that lists the shipped ones.
    let o = kyso(
        &d,
        &[
            "chain",
            "--trust",
            "vn-xyz",
            &vn("roots/vgca-rootca-g2.der"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no trust list is named vn-xyz (shipped: vn-gov, vn-public, vn"),
        "{}",
        stderr(&o)
    );
}

fn sha256_of_pem(path: &str) -> String {
    let pem = std::fs::read(path).unwrap();
    let der = kyso::Certificate::load_all(&pem).unwrap();
    der[0].sha256_fingerprint()
}

fn list_toml(name: &str, version: &str, publishers: &[String]) -> String {
    let entry = |f: &str| {
        format!(
            "sha256 = \"{}\"\npem = \"\"\"\n{}\"\"\"\n",
            sha256_of_pem(&pki(f)),
            std::fs::read_to_string(pki(f)).unwrap()
        )
    };
    format!(
        "name = \"{name}\"\nversion = \"{version}\"\npki = \"other\"\ndescription = \"kyso test PKI\"\npublishers = [{}]\n\n[[anchors]]\n{}\n[[intermediates]]\n{}",
        publishers.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", "),
        entry("root-rsa.pem"),
        entry("sub-rsa.pem"),
    )
}

fn trust(d: &Path, store: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["trust", "--lang", "en"];
    all.extend_from_slice(args);
    kyso_env(d, &all, &[("KYSO_TRUST_DIR", store.to_str().unwrap())])
}

#[test]
fn lists_are_installed_only_when_confirmed_or_signed_by_a_publisher() {
    let d = tmpdir("trust-update");
    let store = d.join("store");
    let org = sha256_of_pem(&pki("org-rsa.pem"));
    std::fs::write(
        d.join("v1.toml"),
        list_toml("kyso-test", "2026-01-01", &[org]),
    )
    .unwrap();
    // Plain, not confirmed (no terminal, no --yes): refused, fingerprints shown.
    let o = trust(&d, &store, &["update", "v1.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&sha256_of_pem(&pki("root-rsa.pem"))),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("run again with --yes"),
        "{}",
        stderr(&o)
    );
    assert!(!store.join("kyso-test.toml").exists());
    let o = trust(&d, &store, &["update", "--yes", "v1.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("installed trust list kyso-test 2026-01-01 (confirmed)"),
        "{}",
        stdout(&o)
    );
    // The same version again: not newer.
    let o = trust(&d, &store, &["update", "--yes", "v1.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not newer"), "{}", stderr(&o));

    // The report names the installed list the path ends in.
    std::fs::write(d.join("cv.txt"), "Công văn").unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--key",
            &pki("signer-rsa.key"),
            "--cert",
            &pki("signer-rsa.pem"),
            "--chain",
            &pki("sub-rsa.pem"),
            "cv.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let env = [("KYSO_TRUST_DIR", store.to_str().unwrap())];
    let o = kyso_env(
        &d,
        &[
            "verify",
            "--format",
            "json",
            "--trust",
            "kyso-test",
            "cv.txt.p7s",
        ],
        &env,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["documents"][0]["signatures"][0]["trust_list"],
        serde_json::json!({"list": "kyso-test", "pki": "other"})
    );
    // A file anchor names no list.
    let o = kyso(
        &d,
        &[
            "verify",
            "--format",
            "json",
            "--trust",
            &pki("root-rsa.pem"),
            "cv.txt.p7s",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["documents"][0]["signatures"][0]
        .get("trust_list")
        .is_none());

    // A signed bundle from the publisher the list in force names: installed, no question.
    std::fs::write(d.join("v2.toml"), list_toml("kyso-test", "2026-06-01", &[])).unwrap();
    for (who, key, cert) in [
        ("org", "org-rsa.key", "org-rsa.pem"),
        ("official", "signer-rsa.key", "signer-rsa.pem"),
    ] {
        let out = format!("v2-{who}.p7m");
        let o = kyso(
            &d,
            &[
                "sign",
                "--attached",
                "--key",
                &pki(key),
                "--cert",
                &pki(cert),
                "--chain",
                &pki("sub-rsa.pem"),
                "-o",
                &out,
                "v2.toml",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    // Signed by someone else under the same root: refused.
    let o = trust(&d, &store, &["update", "v2-official.p7m"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("who is not a publisher of the list kyso-test"),
        "{}",
        stderr(&o)
    );
    let o = trust(&d, &store, &["update", "v2-org.p7m"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!(
            "signed by its publisher {}",
            sha256_of_pem(&pki("org-rsa.pem"))
        )),
        "{}",
        stdout(&o)
    );
    // v2 names no publisher: a signed v3 is refused, whoever signs it.
    std::fs::write(d.join("v3.toml"), list_toml("kyso-test", "2026-09-01", &[])).unwrap();
    let o = kyso(
        &d,
        &[
            "sign",
            "--attached",
            "--key",
            &pki("org-rsa.key"),
            "--cert",
            &pki("org-rsa.pem"),
            "-o",
            "v3.p7m",
            "v3.toml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = trust(&d, &store, &["update", "v3.p7m"]);
    assert_eq!(o.status.code(), Some(2));

    // `trust list` shows the shipped lists and the installed one.
    let o = trust(&d, &store, &["list"]);
    let t = stdout(&o);
    assert!(t.contains("vn-gov 2026-12-02 (shipped)"), "{t}");
    assert!(
        t.contains("SHA-256 f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8"),
        "{t}"
    );
    assert!(t.contains("kyso-test 2026-06-01 (installed"), "{t}");
    // An installed file edited by hand (its pin no longer matches) is refused, not trusted.
    let f = store.join("kyso-test.toml");
    let text = std::fs::read_to_string(&f).unwrap();
    let root_fp = sha256_of_pem(&pki("root-rsa.pem"));
    std::fs::write(&f, text.replacen(&root_fp, &"0".repeat(64), 1)).unwrap();
    let o = kyso_env(&d, &["verify", "--trust", "kyso-test", "cv.txt.p7s"], &env);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("but the list pins 0000"),
        "{}",
        stderr(&o)
    );
}
