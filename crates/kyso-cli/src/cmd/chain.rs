//! `kyso chain`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;
use kyso::{CertVerdict, ChainOptions, Lang, RevocationStatus};

use crate::advice::with_hint;
use crate::exit;
use crate::output::{self, Format, LangArg};

/// Arguments of `kyso chain`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(flatten)]
    certs: output::TrustArgs,
    /// Validate as of this time (RFC 3339); default now.
    #[arg(long, value_name = "TIME", value_parser = super::parse_time)]
    at: Option<kyso::Timestamp>,
    /// A policy of the initial policy set (dotted OID); repeatable. Default: anyPolicy.
    #[arg(long = "policy", value_name = "OID")]
    policies: Vec<String>,
    /// The path must be valid for at least one policy of the initial set (RFC 5280 §6.1.1 f).
    #[arg(long)]
    require_explicit_policy: bool,
    /// Policy mapping is not allowed (RFC 5280 §6.1.1 e).
    #[arg(long)]
    inhibit_policy_mapping: bool,
    /// anyPolicy in a certificate does not match every policy (RFC 5280 §6.1.1 g).
    #[arg(long)]
    inhibit_any_policy: bool,
    /// A required extended key usage: a dotted OID or serverAuth, clientAuth, codeSigning,
    /// emailProtection, timeStamping, OCSPSigning, documentSigning; repeatable.
    #[arg(long = "eku", value_name = "OID|NAME", value_parser = parse_eku)]
    ekus: Vec<String>,
    /// Validation policy (built-in name or TOML file; --policy here is the RFC 5280 policy
    /// set): its revocation mode applies unless --revocation names another than auto.
    #[arg(long, value_name = "FILE|NAME", default_value = "agency-default")]
    validation_policy: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Language of the text output.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// The certificate (PEM/DER; the first one of a bundle; further ones are used as intermediates).
    #[arg(value_name = "CERT", value_parser = crate::paths::input)]
    cert: PathBuf,
}

/// `--eku`: a name from RFC 5280 §4.2.1.12 / RFC 9336, or a dotted OID.
fn parse_eku(s: &str) -> Result<String, String> {
    const NAMES: [(&str, &str); 8] = [
        ("serverAuth", "1.3.6.1.5.5.7.3.1"),
        ("clientAuth", "1.3.6.1.5.5.7.3.2"),
        ("codeSigning", "1.3.6.1.5.5.7.3.3"),
        ("emailProtection", "1.3.6.1.5.5.7.3.4"),
        ("timeStamping", "1.3.6.1.5.5.7.3.8"),
        ("OCSPSigning", "1.3.6.1.5.5.7.3.9"),
        ("documentSigning", "1.3.6.1.5.5.7.3.36"),
        ("anyExtendedKeyUsage", "2.5.29.37.0"),
    ];
    if let Some((_, oid)) = NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
        return Ok((*oid).to_string());
    }
    if is_dotted_oid(s) {
        return Ok(s.to_string());
    }
    Err(format!(
        "'{s}' is neither a dotted OID nor one of: {}",
        NAMES.map(|(n, _)| n).join(", ")
    ))
}

fn is_dotted_oid(s: &str) -> bool {
    let arcs: Vec<&str> = s.split('.').collect();
    arcs.len() >= 2
        && arcs
            .iter()
            .all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
}

fn revocation_text(s: &RevocationStatus, lang: Lang) -> Option<String> {
    let vi = lang == Lang::Vi;
    match s {
        RevocationStatus::Good { .. } | RevocationStatus::Revoked { .. } => {
            crate::display::revocation_line(s, lang)
        }
        RevocationStatus::Unknown { problem } => Some(if vi {
            format!(
                "trạng thái thu hồi: chưa xác định được ({})",
                problem.message(lang)
            )
        } else {
            format!("revocation: unknown ({})", problem.message(lang))
        }),
        _ => None,
    }
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    let (anchors, intermediates) = a.certs.load()?;
    let lists = output::trust_lists(&a.certs.trust)?;
    let crls = a.certs.load_crls()?;
    let ocsp = a.certs.load_ocsp()?;
    let fetcher = a.certs.fetcher()?;
    let online = fetcher.is_some();
    // Revocation lines are shown when revocation was asked about (CRLs, OCSP responses or
    // --revocation required) or something was looked up online.
    let mut show_revocation = !crls.is_empty()
        || !ocsp.is_empty()
        || a.certs.revocation == output::RevocationArg::Required;
    for p in &a.policies {
        if !is_dotted_oid(p) {
            bail!(crate::tr!("policy_not_oid", policy = p));
        }
    }
    let vpolicy = kyso::ValidationPolicy::by_name_or_file(&a.validation_policy)
        .with_context(|| format!("--validation-policy {}", a.validation_policy))?;
    let revocation = if a.certs.revocation == output::RevocationArg::Auto {
        vpolicy.effective_revocation()
    } else {
        a.certs.revocation.into()
    };
    let mut pool = intermediates;
    let data = std::fs::read(&a.cert)
        .with_context(|| crate::tr!("cannot_read", path = a.cert.display()))?;
    let mut certs = kyso::Certificate::load_all(&data)
        .with_context(|| a.cert.display().to_string())?
        .into_iter();
    let leaf = certs
        .next()
        .with_context(|| crate::tr!("no_certificate_found"))?;
    pool.extend(certs);
    let at = a.at.unwrap_or_else(kyso::Timestamp::now);
    let mut opts = ChainOptions::new(at)
        .require_explicit_policy(a.require_explicit_policy)
        .inhibit_policy_mapping(a.inhibit_policy_mapping)
        .inhibit_any_policy(a.inhibit_any_policy)
        .crls(crls)
        .ocsp_responses(ocsp)
        .ocsp_max_age(a.certs.ocsp_max_age)
        .revocation(revocation);
    if let Some(f) = fetcher {
        opts = opts.fetcher(f);
    }
    for p in &a.policies {
        opts = opts.policy(p.clone());
    }
    for e in &a.ekus {
        opts = opts.eku(e.clone());
    }
    let outcome = kyso::validate_chain_with(&leaf, &pool, &anchors, &opts);
    show_revocation |= online
        && outcome.revocation.iter().any(|s| {
            !matches!(
                s,
                kyso::RevocationStatus::NotChecked
                    | kyso::RevocationStatus::Unknown {
                        problem: kyso::CrlProblem::NoCrl
                    }
            )
        });
    let verdicts = outcome.verdicts();
    let policy_asked = !a.policies.is_empty() || a.require_explicit_policy;
    let report =
        kyso::ChainReport::new(&outcome, at, vpolicy.id()).with_trust_lists(&outcome, &lists);
    match a.format {
        Format::Json => {
            output::print(&(output::json_nested(&report, 0) + "\n"));
        }
        Format::Text => {
            let mut s = String::new();
            // Trust anchor at the top, the certificate at the bottom.
            for (depth, (i, c)) in outcome.path.iter().enumerate().rev().enumerate() {
                let verdict = match &verdicts[i] {
                    CertVerdict::Invalid { error } => {
                        format!(
                            "✗ {}",
                            with_hint(error.certificate_message(lang), error.hint(), lang)
                        )
                    }
                    CertVerdict::NotEvaluated => "·".to_string(),
                    _ if outcome.error.is_some() && outcome.error_at.is_none() => "·".to_string(),
                    _ => "✓".to_string(),
                };
                let indent = "   ".repeat(depth);
                let branch = if depth == 0 { "" } else { "└─ " };
                let _ = writeln!(
                    s,
                    "{indent}{branch}{} [{} .. {}] {verdict}",
                    c.subject(),
                    c.not_before(),
                    c.not_after()
                );
                if let Some(url) = c.fetched_from() {
                    let pad = if depth == 0 { "" } else { "   " };
                    let line =
                        crate::msg::render(lang, "cert_fetched", &[("url", url.to_string())]);
                    let _ = writeln!(s, "{indent}{pad}   {line}");
                }
                if let Some(r) = outcome
                    .revocation
                    .get(i)
                    .filter(|_| show_revocation)
                    .and_then(|r| revocation_text(r, lang))
                {
                    let pad = if depth == 0 { "" } else { "   " };
                    let _ = writeln!(s, "{indent}{pad}   {r}");
                }
            }
            match &outcome.error {
                None => {
                    if policy_asked || !outcome.user_constrained_policies.is_empty() {
                        let set = if outcome.user_constrained_policies.is_empty() {
                            lang.pick("(none)", "(không có)").to_string()
                        } else {
                            outcome.user_constrained_policies.join(", ")
                        };
                        let _ = writeln!(
                            s,
                            "{}: {set}",
                            lang.pick("valid policies", "chính sách chứng thư số hợp lệ")
                        );
                    }
                    let _ = writeln!(
                        s,
                        "{}",
                        lang.pick("path valid", "chuỗi chứng thư số hợp lệ")
                    );
                    if let Some(t) = &report.trust_list {
                        let _ = writeln!(s, "{}", crate::display::trust_list_line(t, lang));
                    }
                }
                Some(e) => {
                    if outcome.error_at.is_none() {
                        let _ = writeln!(
                            s,
                            "✗ {}",
                            with_hint(e.certificate_message(lang), e.hint(), lang)
                        );
                    }
                    let _ = writeln!(
                        s,
                        "{} ({})",
                        lang.pick("path NOT valid", "chuỗi chứng thư số KHÔNG hợp lệ"),
                        e.sub_indication().as_str()
                    );
                }
            }
            output::print(&s);
        }
    }
    // The same exit codes as verify: 1 for a path that fails, 3 for one that cannot be
    // established yet (a missing issuer, an unknown revocation status, ...).
    Ok(match &outcome.error {
        None => exit::OK,
        Some(e) if e.sub_indication().indication() == kyso::Indication::Indeterminate => {
            exit::INDETERMINATE
        }
        Some(_) => exit::FAILED,
    })
}
