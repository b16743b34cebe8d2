//! Time-stamp validation against the EU DSS CAdES samples in ../shared/testdata-ext:
//! `dss-cades-ltv/` (T / LT / LTA, ATSv2 / ATSv3) and the time-stamp rows of `dss-cades/`.
//!
//! For each row: the main signature's integrity as DSS says, and the T level (every
//! signature-time-stamp's imprint matches and its token is intact, or at least one does not).
//! Each signature-time-stamp's imprint is also recomputed here, independently of kyso (the file
//! normalised to DER by `openssl cms -cmsout`, walked with the `der` crate, hashed with
//! OpenSSL), and kyso's ImprintMismatch must agree with it.
//!
//! What kyso does not validate yet (archive time-stamps, content-time-stamps, CAdES-C/X
//! time-stamps, counter-signatures, LT data) and the rows where kyso diverges on principle are
//! listed in tests/exceptions/dss-cades-ltv.txt; the exceptions helper fails when a listed
//! divergence no longer occurs, so the list stays honest. Trust is not part of these verdicts
//! (test PKIs, expired real PKIs): integrity is compared, never TOTAL-PASSED.

mod common;
mod exceptions;

use std::path::{Path, PathBuf};

use common::*;
use der::asn1::ObjectIdentifier;
use der::{Any, Decode, Reader, SliceReader, Tagged};
use kyso::{
    CheckName, CheckResult, DocumentReport, SignatureReport, TimestampKind, TimestampProblem,
    TimestampReport, Verifier,
};

/// One row of an expected.tsv: file, detached content, DSS verdict, and the rest of the row
/// (levels, assertion, cross-check notes) joined for the rules that read them.
struct Row {
    dir: &'static str,
    file: String,
    detached: String,
    expected: String,
    notes: String,
}

fn rows(dir: &'static str) -> Vec<Row> {
    let text = String::from_utf8(read(&ext().join(dir).join("expected.tsv"))).unwrap();
    let rows: Vec<Row> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 3, "{dir}/expected.tsv: short row {l:?}");
            Row {
                dir,
                file: cols[0].into(),
                detached: cols[1].into(),
                expected: cols[2].into(),
                notes: cols[3..].join(" | "),
            }
        })
        .collect();
    assert!(!rows.is_empty(), "{dir}/expected.tsv has rows");
    rows
}

/// The dss-cades rows about time-stamps (the brief's list; the other rows are B-level only and
/// are checked by corpora.rs).
const DSS_CADES_TST_ROWS: [&str; 5] = [
    "cades-t-copied-sigtst.p7m",
    "cades-t-duplicated-sigtst.p7m",
    "counterSig.p7m",
    "cades-b-copied-cnttst.p7m",
    "cades-two-sig-copied-tst.p7m",
];

/// Rows whose T level DSS says is NOT valid, and why (from each row's notes).
const T_NOT_VALID: [(&str, &str); 2] = [
    (
        "cades-t-copied-sigtst.p7m",
        "one signature-time-stamp copied from another signature: imprint not intact",
    ),
    (
        "cades-broken-sig-tst-and-ats-v3.cms",
        "signature-time-stamp imprint intact but its signature not intact",
    ),
];

// ---------------------------------------------------------------------------------------------
// Independent reading of the file: DER via `openssl cms -cmsout`, TLVs via `der`.

const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_SIG_TST: &str = "1.2.840.113549.1.9.16.2.14";
const OID_CONTENT_TST: &str = "1.2.840.113549.1.9.16.2.20";
const OID_ESC_TST: &str = "1.2.840.113549.1.9.16.2.25";
const OID_CERT_CRL_TST: &str = "1.2.840.113549.1.9.16.2.26";
const OID_ATS_V1: &str = "1.2.840.113549.1.9.16.2.27";
const OID_ATS_V2: &str = "1.2.840.113549.1.9.16.2.48";
const OID_ATS_V3: &str = "0.4.0.1733.2.4";
const OID_COUNTER_SIGNATURE: &str = "1.2.840.113549.1.9.6";
const OID_COMPLETE_REV_REFS: &str = "1.2.840.113549.1.9.16.2.22";
const OID_REVOCATION_VALUES: &str = "1.2.840.113549.1.9.16.2.24";

/// A CMS (or time-stamp token) re-encoded as DER by OpenSSL (the DSS files are often BER).
fn to_der(what: &str, bytes: &[u8]) -> Vec<u8> {
    let dir = TempDir::new("dss-tst");
    let (inp, out) = (dir.join("in.cms"), dir.join("out.der"));
    std::fs::write(&inp, bytes).unwrap();
    let o = openssl([
        "cms",
        "-cmsout",
        "-inform",
        "DER",
        "-outform",
        "DER",
        "-in",
        &p(&inp),
        "-out",
        &p(&out),
    ]);
    assert!(
        o.status.success(),
        "{what}: openssl cms -cmsout could not re-encode it as DER (needed for the independent \
         cross-check): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    read(&out)
}

/// The TLVs inside a constructed value.
fn children(what: &str, any: &Any) -> Vec<Any> {
    let mut r = SliceReader::new(any.value()).unwrap();
    let mut out = Vec::new();
    while !r.is_finished() {
        out.push(
            r.decode::<Any>()
                .unwrap_or_else(|e| panic!("{what}: not DER after openssl: {e}")),
        );
    }
    out
}

fn tag(any: &Any) -> u8 {
    u8::from(any.tag())
}

fn oid(what: &str, any: &Any) -> String {
    ObjectIdentifier::from_bytes(any.value())
        .unwrap_or_else(|e| panic!("{what}: bad OID: {e}"))
        .to_string()
}

/// SignedData of a ContentInfo (DER).
fn signed_data(what: &str, der: &[u8]) -> Vec<Any> {
    let ci = Any::from_der(der).unwrap_or_else(|e| panic!("{what}: ContentInfo: {e}"));
    let ci = children(what, &ci);
    assert_eq!(
        oid(what, &ci[0]),
        OID_SIGNED_DATA,
        "{what}: not a SignedData"
    );
    let explicit = children(what, &ci[1]);
    children(what, &explicit[0])
}

/// Attributes (OID, values) of a [0]/[1] IMPLICIT SET OF Attribute.
fn attributes(what: &str, set: &Any) -> Vec<(String, Vec<Any>)> {
    children(what, set)
        .iter()
        .map(|a| {
            let a = children(what, a);
            (oid(what, &a[0]), children(what, &a[1]))
        })
        .collect()
}

/// One SignerInfo as read here.
struct Signer {
    signature: Vec<u8>,
    signed: Vec<(String, Vec<Any>)>,
    unsigned: Vec<(String, Vec<Any>)>,
}

impl Signer {
    fn read(what: &str, si: &Any) -> Signer {
        let f = children(what, si);
        let signature = f
            .iter()
            .find(|x| tag(x) == 0x04)
            .unwrap_or_else(|| panic!("{what}: SignerInfo without a signature OCTET STRING"))
            .value()
            .to_vec();
        let attrs = |t: u8| {
            f.iter()
                .find(|x| tag(x) == t)
                .map(|s| attributes(what, s))
                .unwrap_or_default()
        };
        Signer {
            signature,
            signed: attrs(0xA0),
            unsigned: attrs(0xA1),
        }
    }

    fn values<'a>(v: &'a [(String, Vec<Any>)], oid: &str) -> Vec<&'a Any> {
        v.iter()
            .filter(|(o, _)| o == oid)
            .flat_map(|(_, vals)| vals.iter())
            .collect()
    }

    fn count_unsigned(&self, oid: &str) -> usize {
        Self::values(&self.unsigned, oid).len()
    }
}

/// The top-level SignerInfos of a file.
fn signers(what: &str, file_bytes: &[u8]) -> Vec<Signer> {
    let sd = signed_data(what, &to_der(what, file_bytes));
    let infos = sd.last().expect("SignedData has fields");
    assert_eq!(tag(infos), 0x31, "{what}: signerInfos is not the last SET");
    children(what, infos)
        .iter()
        .map(|si| Signer::read(what, si))
        .collect()
}

/// Does the token's message imprint equal hash(stamped) with the token's own hash algorithm?
/// None when the attribute value is not a ContentInfo SEQUENCE at all (Signature-C-DE_CRY-4
/// wraps its token in an OCTET STRING; DSS recognises no time-stamp there).
fn imprint_matches_independently(what: &str, token: &Any, stamped: &[u8]) -> Option<bool> {
    if tag(token) != 0x30 {
        return None;
    }
    let token_der = der::Encode::to_der(token).unwrap();
    let sd = signed_data(what, &to_der(what, &token_der));
    let encap = children(what, &sd[2]);
    let econtent = children(what, &encap[1]);
    let tst_info = Any::from_der(econtent[0].value())
        .unwrap_or_else(|e| panic!("{what}: TSTInfo is not DER: {e}"));
    let tst = children(what, &tst_info);
    let imprint = children(what, &tst[2]);
    let alg = oid(what, &children(what, &imprint[0])[0]);
    let nid = openssl::asn1::Asn1Object::from_str(&alg)
        .unwrap_or_else(|e| panic!("{what}: imprint algorithm {alg}: {e}"))
        .nid();
    let md = openssl::hash::MessageDigest::from_nid(nid)
        .unwrap_or_else(|| panic!("{what}: OpenSSL has no digest for {alg}"));
    let computed = openssl::hash::hash(md, stamped).unwrap();
    Some(&computed[..] == imprint[1].value())
}

// ---------------------------------------------------------------------------------------------
// Verdicts read from kyso's report.

fn passed(sig: &SignatureReport, name: CheckName) -> bool {
    sig.checks
        .iter()
        .any(|c| c.check == name && c.result == CheckResult::Passed)
}

/// The main signature's integrity: signature value verifies, and the content digest matches
/// (or there are no signed attributes to hold one, as in corpora.rs `integrity_passed`).
fn signature_intact(sig: &SignatureReport) -> bool {
    passed(sig, CheckName::Signature)
        && sig.checks.iter().any(|c| {
            c.check == CheckName::MessageDigest
                && matches!(c.result, CheckResult::Passed | CheckResult::Skipped(_))
        })
}

/// A signature-time-stamp whose imprint matches and whose token is intact: no problem other
/// than the chain/trust ones (TokenNotValid with an intact token signature, the TSA
/// certificate's usage or validity), and the token's signature, message-digest and signed
/// attributes checks passed.
fn token_intact(t: &TimestampReport) -> bool {
    let problem_ok = match &t.problem {
        None => true,
        Some(TimestampProblem::TokenNotValid)
        | Some(TimestampProblem::TsaUsage { .. })
        | Some(TimestampProblem::OutsideTsaValidity { .. }) => true,
        Some(_) => false,
    };
    problem_ok
        && t.token.as_deref().is_some_and(|tok| {
            passed(tok, CheckName::Signature)
                && passed(tok, CheckName::MessageDigest)
                && passed(tok, CheckName::SignedAttributes)
        })
}

fn describe_tst(t: &TimestampReport) -> String {
    let problem = t.problem.as_ref().map_or("-", TimestampProblem::code);
    let token = t.token.as_deref().map_or("no token".to_string(), |tok| {
        [
            CheckName::SignedAttributes,
            CheckName::MessageDigest,
            CheckName::Signature,
        ]
        .iter()
        .map(|n| {
            let r = tok.checks.iter().find(|c| c.check == *n).map(|c| &c.result);
            let s = match r {
                Some(CheckResult::Passed) => "ok",
                Some(CheckResult::Failed(_)) => "FAIL",
                Some(CheckResult::Skipped(_)) => "skip",
                Some(_) => "other",
                None => "none",
            };
            format!("{n:?}={s}")
        })
        .collect::<Vec<_>>()
        .join(",")
    });
    format!(
        "{} [{}] {}",
        if token_intact(t) { "intact" } else { "BROKEN" },
        problem,
        token
    )
}

/// The serialized kind of each time-stamp kyso reports (snake_case, as in the JSON report).
fn kinds(sig: &SignatureReport) -> Vec<String> {
    sig.timestamps
        .iter()
        .map(|t| {
            serde_json::to_value(t.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect()
}

/// Does any object key of the JSON report contain `needle` (a future counter-signature
/// report)? Keys only: file names such as counterSig.p7m are values.
fn has_key_containing(v: &serde_json::Value, needle: &str) -> bool {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .any(|(k, v)| k.contains(needle) || has_key_containing(v, needle)),
        serde_json::Value::Array(a) => a.iter().any(|v| has_key_containing(v, needle)),
        _ => false,
    }
}

fn sig_tsts(sig: &SignatureReport) -> Vec<&TimestampReport> {
    sig.timestamps
        .iter()
        .filter(|t| t.kind == TimestampKind::SignatureTimeStamp)
        .collect()
}

// ---------------------------------------------------------------------------------------------

/// The level expectation of a row about what kyso does not validate yet.
fn a_level_expected(row: &Row) -> Option<bool> {
    let n = &row.notes;
    if n.contains("A not valid") || n.contains("A NOT valid") {
        Some(false)
    } else if row.expected == "see-notes" {
        None
    } else {
        Some(true)
    }
}

fn check_row(row: &Row, v: &Verifier, tally: &mut exceptions::Tally, table: &mut Vec<String>) {
    let base = ext().join(row.dir);
    let path = base.join(&row.file);
    let content: Option<PathBuf> = (!row.detached.is_empty()).then(|| base.join(&row.detached));
    let id = if row.detached.is_empty() && row.file == "dss-2011/cades-tstv2-detached.p7s" {
        format!("{}(no content)", row.file)
    } else {
        row.file.clone()
    };
    let what = format!("{}/{id} (expected {})", row.dir, row.expected);
    let r: DocumentReport = v
        .verify_file(&path, content.as_deref(), at())
        .unwrap_or_else(|e| panic!("{what}: verify_file: {e}"));
    assert!(
        !r.signatures.is_empty(),
        "{what}: no signature: {}",
        brief(&r)
    );
    assert_ne!(
        r.indication,
        kyso::Indication::TotalPassed,
        "{what}: TOTAL-PASSED without any trust anchor: {}",
        brief(&r)
    );
    let indep = signers(&what, &read(&path));
    assert_eq!(
        indep.len(),
        r.signatures.len(),
        "{what}: kyso reports {} signatures, the file has {} SignerInfos",
        r.signatures.len(),
        indep.len()
    );

    // Main signature(s): integrity as DSS says.
    let intact: Vec<bool> = r.signatures.iter().map(signature_intact).collect();
    let main_ok = intact.iter().all(|&b| b);
    let main_expected = match row.expected.as_str() {
        "valid" | "partially-invalid" => Some(true),
        "invalid" => Some(false),
        // DSS: INDETERMINATE because the detached content was not given: nothing is intact.
        "indeterminate" => None,
        // See the notes: DE_CRY-4 is NOT intact for DSS (signedAttrs not DER), the DSS-1220
        // files verify with openssl (crosscheck column).
        _ if row.file == "Signature-C-DE_CRY-4.p7m" => Some(false),
        _ => Some(true),
    };
    let main_note = match main_expected {
        Some(exp) => {
            if main_ok == exp {
                tally.pass();
            } else {
                tally.diverge(
                    &id,
                    format!(
                        "main signature: DSS says {}, kyso says {}: {}",
                        if exp { "intact" } else { "not intact" },
                        if main_ok { "intact" } else { "not intact" },
                        brief(&r).replace('\n', " ")
                    ),
                );
            }
            format!(
                "exp {} / kyso {}",
                if exp { "intact" } else { "broken" },
                if main_ok { "intact" } else { "broken" }
            )
        }
        None => {
            // Detached content not given: the digest cannot have been checked.
            for s in &r.signatures {
                assert_ne!(
                    s.checks
                        .iter()
                        .find(|c| c.check == CheckName::MessageDigest)
                        .map(|c| &c.result),
                    Some(&CheckResult::Passed),
                    "{what}: message digest passed without the content"
                );
            }
            tally.pass();
            format!("exp indeterminate / kyso {:?}", r.indication)
        }
    };

    // Signature-time-stamps: independent imprint check, then the T-level verdict.
    let mut tst_notes = Vec::new();
    let mut all_tsts_ok = true;
    let mut n_tsts = 0;
    let mut unreadable = 0;
    for (i, (sig, si)) in r.signatures.iter().zip(&indep).enumerate() {
        let tokens = Signer::values(&si.unsigned, OID_SIG_TST);
        let reported = sig_tsts(sig);
        assert_eq!(
            reported.len(),
            tokens.len().min(4),
            "{what}: signer {i}: kyso reports {} signature-time-stamps, the file has {}",
            reported.len(),
            tokens.len()
        );
        for (j, (t, tok)) in reported.iter().zip(&tokens).enumerate() {
            n_tsts += 1;
            let mine = imprint_matches_independently(
                &format!("{what} signer {i} tst {j}"),
                tok,
                &si.signature,
            );
            let kyso_mismatch = t.problem == Some(TimestampProblem::ImprintMismatch);
            let Some(mine) = mine else {
                // Not a token: kyso must say malformed, and this time-stamp proves nothing.
                assert!(
                    matches!(t.problem, Some(TimestampProblem::Malformed { .. })),
                    "{what}: signer {i} tst {j} is not a ContentInfo, kyso says {:?}",
                    t.problem
                );
                unreadable += 1;
                tst_notes.push(format!("s{i}t{j}: not a token, kyso malformed"));
                continue;
            };
            assert_eq!(
                !mine,
                kyso_mismatch,
                "{what}: signer {i} tst {j}: imprint recomputed here {}, kyso problem {:?}",
                if mine { "matches" } else { "differs" },
                t.problem
            );
            let ok = !kyso_mismatch && token_intact(t);
            all_tsts_ok &= ok;
            tst_notes.push(format!(
                "s{i}t{j}: imprint {} {}",
                if mine { "ok" } else { "MISMATCH" },
                describe_tst(t)
            ));
        }
    }
    let t_not_valid = T_NOT_VALID.iter().find(|(f, _)| *f == row.file);
    let t_expected = if let Some((_, why)) = t_not_valid {
        Some((false, *why))
    } else if n_tsts > 0 && unreadable == 0 {
        Some((true, "signature-time-stamps intact"))
    } else {
        // No signature-time-stamp, or none DSS recognises (each asserted malformed above).
        None
    };
    let t_note = match t_expected {
        Some((exp, why)) => {
            if all_tsts_ok == exp {
                tally.pass();
            } else {
                tally.diverge(
                    &format!("{id}#T"),
                    format!(
                        "T level: DSS says {} ({why}), kyso: {}",
                        if exp { "valid" } else { "not valid" },
                        tst_notes.join("; ")
                    ),
                );
            }
            format!(
                "T exp {} / kyso {}",
                if exp { "valid" } else { "NOT valid" },
                if all_tsts_ok { "valid" } else { "NOT valid" }
            )
        }
        None => "no sig-tst".to_string(),
    };

    // What kyso does not validate yet: each kind present, an id of its own. It diverges while
    // kyso reports none of that kind; once it reports them, it must agree with DSS's verdict.
    let count = |f: &dyn Fn(&Signer) -> usize| indep.iter().map(f).sum::<usize>();
    let reported_kinds: Vec<String> = r.signatures.iter().flat_map(kinds).collect();
    let ats = count(&|s| {
        s.count_unsigned(OID_ATS_V1) + s.count_unsigned(OID_ATS_V2) + s.count_unsigned(OID_ATS_V3)
    });
    let mut todo = Vec::new();
    if ats > 0 {
        let archive: Vec<&TimestampReport> = r
            .signatures
            .iter()
            .flat_map(|s| s.timestamps.iter().zip(kinds(s)))
            .filter(|(_, k)| k.contains("archive"))
            .map(|(t, _)| t)
            .collect();
        let exp = a_level_expected(row);
        let agrees = archive.len() == ats
            && exp.is_none_or(|e| archive.iter().all(|t| t.is_valid() || token_intact(t)) == e);
        todo.push(format!("{ats} ATS (A exp {exp:?})"));
        if agrees {
            tally.pass();
        } else {
            tally.diverge(
                &format!("{id}#A"),
                format!(
                    "{ats} archive time-stamp(s) in the file, kyso reports {} (kinds {reported_kinds:?})",
                    archive.len()
                ),
            );
        }
    }
    let content_tsts: usize = count(&|s| Signer::values(&s.signed, OID_CONTENT_TST).len());
    if content_tsts > 0 {
        let reported = reported_kinds
            .iter()
            .filter(|k| k.contains("content"))
            .count();
        todo.push(format!("{content_tsts} content-tst"));
        if reported == content_tsts {
            tally.pass();
        } else {
            tally.diverge(
                &format!("{id}#content-tst"),
                format!(
                    "{content_tsts} content-time-stamp(s) in the file, kyso reports {reported}"
                ),
            );
        }
    }
    let cades_c_tsts =
        count(&|s| s.count_unsigned(OID_ESC_TST) + s.count_unsigned(OID_CERT_CRL_TST));
    let ltv_attrs = count(&|s| {
        s.count_unsigned(OID_COMPLETE_REV_REFS) + s.count_unsigned(OID_REVOCATION_VALUES)
    });
    if cades_c_tsts > 0 || ltv_attrs > 0 || row.notes.contains("revocation") {
        // LT data: kyso's levels stop at B-T; a later level (B-LT, B-LTA) makes this stale.
        let levels: Vec<String> = r
            .signatures
            .iter()
            .map(|s| {
                serde_json::to_value(s.level)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect();
        todo.push(format!(
            "LT ({cades_c_tsts} CAdES-C/X tst, {ltv_attrs} refs/values)"
        ));
        if levels.iter().any(|l| l.contains("LT")) {
            tally.pass();
        } else {
            tally.diverge(
                &format!("{id}#LT"),
                format!(
                    "LT data ({cades_c_tsts} CAdES-C/X time-stamps, {ltv_attrs} revocation refs/values \
                     attributes, DSS: {}) not validated; kyso levels {levels:?}",
                    row.notes.split(" | ").next().unwrap_or("")
                ),
            );
        }
    }
    let counter = count(&|s| s.count_unsigned(OID_COUNTER_SIGNATURE));
    if counter > 0 {
        let json = serde_json::to_value(&r).unwrap_or_default();
        todo.push(format!("{counter} counter-sig"));
        if has_key_containing(&json, "counter") {
            tally.pass();
        } else {
            tally.diverge(
                &format!("{id}#counter-signature"),
                format!("{counter} counter-signature(s) in the file, kyso reports none"),
            );
        }
    }

    table.push(format!(
        "{:<55} {:<18} main: {:<28} {:<24} [{}] {}",
        format!("{}/{id}", row.dir),
        row.expected,
        main_note,
        t_note,
        tst_notes.join("; "),
        todo.join(", ")
    ));
}

#[test]
fn dss_timestamp_rows() {
    let v = Verifier::new().with_policy(common::plain_cms());
    let mut tally = exceptions::Tally::new("dss-cades-ltv");
    let mut table = Vec::new();
    let ltv = rows("dss-cades-ltv");
    assert!(ltv.len() >= 23, "dss-cades-ltv has its 23 rows");
    let cades: Vec<Row> = rows("dss-cades")
        .into_iter()
        .filter(|r| DSS_CADES_TST_ROWS.contains(&r.file.as_str()))
        .collect();
    assert_eq!(
        cades.len(),
        DSS_CADES_TST_ROWS.len(),
        "dss-cades time-stamp rows"
    );
    for row in ltv.iter().chain(&cades) {
        check_row(row, &v, &mut tally, &mut table);
    }
    for line in &table {
        println!("{line}");
    }
    tally.conclude();
}

// ---------------------------------------------------------------------------------------------
// No panics on any file of either folder.

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn dss_folders_do_not_panic() {
    let v = Verifier::new().with_policy(common::plain_cms());
    let mut files = Vec::new();
    for dir in ["dss-cades-ltv", "dss-cades"] {
        walk(&ext().join(dir), &mut files);
    }
    files.sort();
    assert!(
        files.len() > 40,
        "both folders are staged: {} files",
        files.len()
    );
    let mut panics = Vec::new();
    for f in &files {
        let data = read(f);
        let ok = std::panic::catch_unwind(|| {
            let _ = v.verify_file(f, None, at());
            let _ = v.verify_bytes(&data, None, at());
            let _ = kyso::inspect(&data, at());
        });
        if ok.is_err() {
            panics.push(f.display().to_string());
        }
    }
    assert!(panics.is_empty(), "panicked on: {panics:#?}");
}
