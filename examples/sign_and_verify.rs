//! Sign the shipped sample document with the test PKI and verify it, through the library API.
//!
//! Run from the repository root: `cargo run -p kyso --example sign_and_verify`

use std::path::Path;

use kyso::{Certificate, CheckResult, Indication, Signer, SigningKey, Timestamp, Verifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pki = Path::new("testdata/pki");
    let document = Path::new("testdata/samples/cong-van.txt");

    // The official's key and certificate, with the intermediate CA to embed.
    let cert = Certificate::load_all(&std::fs::read(pki.join("signer-rsa.pem"))?)?.remove(0);
    let chain = Certificate::load_all(&std::fs::read(pki.join("chain-rsa.pem"))?)?;
    let key =
        SigningKey::from_key_and_cert(&std::fs::read(pki.join("signer-rsa.key"))?, None, cert)?
            .with_chain(chain);

    // No hidden clocks: the caller gives the signing time.
    let now = Timestamp::now();
    let signer = Signer::new(key).signing_time(now).build()?;
    let mut signature = Vec::new();
    signer.sign_file(document, &mut signature)?;
    println!(
        "signed {} ({} bytes of CMS)",
        document.display(),
        signature.len()
    );

    // Verify against the trust anchors, at a given validation time.
    let roots = Certificate::load_all(&std::fs::read(pki.join("trust.pem"))?)?;
    let report = Verifier::new().with_trust_anchors(roots).verify_bytes(
        &signature,
        Some(&std::fs::read(document)?),
        now,
    );
    println!("indication: {}", report.indication.as_str());
    for sig in &report.signatures {
        for check in &sig.checks {
            let result = match &check.result {
                CheckResult::Passed => "passed".to_string(),
                CheckResult::Failed(r) => format!("FAILED: {}", r.message(kyso::Lang::En)),
                CheckResult::Skipped(s) => format!("skipped: {}", s.message(kyso::Lang::En)),
                // The report types are non_exhaustive: later versions may add outcomes.
                _ => "other".to_string(),
            };
            println!("  {:?}: {result}", check.check);
        }
    }
    if report.indication != Indication::TotalPassed {
        return Err("the fresh signature did not verify".into());
    }
    Ok(())
}
