//! `kyso verify --format json --schema v1`: the `kyso.verify/v1` document, for programs written
//! against it. It is derived from the library's v2 report: v1 checks carry the reason's code as
//! a string and an English message with the CLI's advice; the evidence and hint objects of v2
//! are not in it. New programs should read v2.

use kyso::{CertificateSummary, CheckName, CheckResult, DocumentReport, Lang, SignatureReport};
use kyso::{Indication, SubIndication, Timestamp};
use serde::Serialize;

use crate::advice::with_hint;

/// The schema name of the legacy document.
pub const SCHEMA_V1: &str = "kyso.verify/v1";

/// One document of a v1 report.
#[derive(Serialize)]
pub struct Document<'a> {
    signature_file: &'a str,
    content_file: &'a Option<String>,
    indication: Indication,
    sub_indication: Option<SubIndication>,
    signatures: Vec<Signature<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    messages: &'a [String],
}

#[derive(Serialize)]
struct Signature<'a> {
    index: usize,
    indication: Indication,
    sub_indication: Option<SubIndication>,
    signer: &'a Option<CertificateSummary>,
    signing_time: Option<Timestamp>,
    digest_algorithm: &'a str,
    signature_algorithm: &'a str,
    checks: Vec<Check>,
    chain: &'a [CertificateSummary],
    messages: Vec<String>,
}

#[derive(Serialize)]
struct Check {
    check: CheckName,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_indication: Option<SubIndication>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

impl<'a> Document<'a> {
    /// The v1 view of a library report.
    pub fn new(d: &'a DocumentReport) -> Self {
        Document {
            signature_file: &d.signature_file,
            content_file: &d.content_file,
            indication: d.indication,
            sub_indication: d.sub_indication,
            signatures: d.signatures.iter().map(signature).collect(),
            messages: &d.messages,
        }
    }
}

fn signature(s: &SignatureReport) -> Signature<'_> {
    let mut messages = Vec::new();
    let checks = s
        .checks
        .iter()
        .map(|c| match &c.result {
            CheckResult::Failed(r) => {
                let message = with_hint(r.message(Lang::En), r.hint(), Lang::En);
                messages.push(message.clone());
                Check {
                    check: c.check,
                    result: "failed",
                    sub_indication: Some(r.sub_indication()),
                    reason: Some(r.code()),
                    message: Some(message),
                }
            }
            CheckResult::Skipped(why) => Check {
                check: c.check,
                result: "skipped",
                sub_indication: None,
                reason: Some(why.code()),
                message: Some(with_hint(
                    why.message(Lang::En).to_string(),
                    why.hint(),
                    Lang::En,
                )),
            },
            _ => Check {
                check: c.check,
                result: "passed",
                sub_indication: None,
                reason: None,
                message: None,
            },
        })
        .collect();
    Signature {
        index: s.index,
        indication: s.indication,
        sub_indication: s.sub_indication,
        signer: &s.signer,
        signing_time: s.signing_time,
        digest_algorithm: &s.digest_algorithm,
        signature_algorithm: &s.signature_algorithm,
        checks,
        chain: &s.chain,
        messages,
    }
}
