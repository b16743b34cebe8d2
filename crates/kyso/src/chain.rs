//! Certificate path building and validation (RFC 5280 §6), with reasons ranked so the user sees
//! the most specific one.
//!
//! What this validates: signatures along the path, validity at the validation time, issuer and
//! subject chaining (with AKI/SKI hints), basicConstraints cA, keyUsage keyCertSign,
//! pathLenConstraint, unknown critical extensions, and the algorithm policy for certificate
//! signatures and keys. What it does not do yet: certificate policies, name constraints and
//! policy constraints processing (a path that carries those extensions fails closed with
//! `UnsupportedConstraint`), and revocation (reported as a skipped check by the verifier).

use serde::Serialize;

use crate::cert::{ku, Certificate, CertificateSummary};
use crate::report::{Lang, SubIndication};
use crate::time::Timestamp;

/// Longest path accepted, trust anchor excluded. Real government hierarchies are 2-4 deep; 8
/// intermediates is generous and bounds the search.
const MAX_PATH_LEN: usize = 9;
/// Signature checks allowed for one path search; webpki uses 100 for the same purpose.
const MAX_SIGNATURE_CHECKS: usize = 100;
/// Candidate issuers looked at in one search, so a pool of hundreds of certificates with the
/// same name cannot make the search quadratic.
const MAX_CANDIDATES: usize = 1_000;

/// Why a certificate path is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChainError {
    /// No trust anchor was configured.
    NoTrustAnchors,
    /// No certificate in the pool or the trust anchors issued this one.
    UnknownIssuer {
        /// The certificate whose issuer is missing.
        subject: String,
        /// The issuer name it points to.
        issuer: String,
    },
    /// A certificate's signature does not verify with its issuer's key.
    BadCertificateSignature {
        /// The certificate.
        subject: String,
    },
    /// A certificate expired before the validation time.
    Expired {
        /// The certificate.
        subject: String,
        /// notAfter.
        not_after: Timestamp,
        /// The validation time.
        at: Timestamp,
        /// True for the signer's own certificate.
        end_entity: bool,
    },
    /// A certificate is not yet valid at the validation time.
    NotYetValid {
        /// The certificate.
        subject: String,
        /// notBefore.
        not_before: Timestamp,
        /// The validation time.
        at: Timestamp,
    },
    /// An issuing certificate is not a CA (basicConstraints, RFC 5280 §6.1.4 k).
    NotCa {
        /// The certificate.
        subject: String,
    },
    /// An issuing certificate's keyUsage lacks keyCertSign (RFC 5280 §6.1.4 n).
    KeyCertSignMissing {
        /// The certificate.
        subject: String,
    },
    /// A CA's pathLenConstraint is exceeded (RFC 5280 §6.1.4 l, m).
    PathLenExceeded {
        /// The CA whose constraint is exceeded.
        subject: String,
    },
    /// A critical extension kyso does not process (RFC 5280 §6.1.4 o).
    UnknownCriticalExtension {
        /// The certificate.
        subject: String,
        /// The extension OID.
        oid: String,
    },
    /// An extension whose processing kyso does not implement yet (fails closed).
    UnsupportedConstraint {
        /// The certificate.
        subject: String,
        /// Which extension.
        extension: String,
    },
    /// A certificate in the path uses an algorithm or key that is too weak.
    WeakAlgorithm {
        /// The certificate.
        subject: String,
        /// What is too weak.
        detail: String,
    },
    /// The path search hit its work limit (hostile or badly built certificate pool).
    BudgetExceeded,
}

impl ChainError {
    /// How specific the error is: when several paths fail, the highest rank is reported.
    fn rank(&self) -> u8 {
        use ChainError::*;
        match self {
            NoTrustAnchors => 0,
            UnknownIssuer { .. } => 1,
            BudgetExceeded => 2,
            BadCertificateSignature { .. } => 3,
            WeakAlgorithm { .. } => 4,
            NotCa { .. } | KeyCertSignMissing { .. } | PathLenExceeded { .. } => 5,
            UnknownCriticalExtension { .. } | UnsupportedConstraint { .. } => 6,
            Expired { .. } | NotYetValid { .. } => 7,
        }
    }

    /// ETSI EN 319 102-1 sub-indication.
    pub fn sub_indication(&self) -> SubIndication {
        use ChainError::*;
        match self {
            NoTrustAnchors | UnknownIssuer { .. } => SubIndication::NoCertificateChainFound,
            BadCertificateSignature { .. } | BudgetExceeded => {
                SubIndication::CertificateChainGeneralFailure
            }
            Expired { .. } => SubIndication::OutOfBoundsNoPoe,
            NotYetValid { .. } => SubIndication::NotYetValid,
            NotCa { .. }
            | KeyCertSignMissing { .. }
            | PathLenExceeded { .. }
            | UnknownCriticalExtension { .. }
            | UnsupportedConstraint { .. } => SubIndication::ChainConstraintsFailure,
            WeakAlgorithm { .. } => SubIndication::CryptoConstraintsFailure,
        }
    }

    /// Stable code.
    pub fn code(&self) -> &'static str {
        use ChainError::*;
        match self {
            NoTrustAnchors => "no_trust_anchors",
            UnknownIssuer { .. } => "unknown_issuer",
            BadCertificateSignature { .. } => "bad_certificate_signature",
            Expired { .. } => "certificate_expired",
            NotYetValid { .. } => "certificate_not_yet_valid",
            NotCa { .. } => "issuer_not_ca",
            KeyCertSignMissing { .. } => "key_cert_sign_missing",
            PathLenExceeded { .. } => "path_len_exceeded",
            UnknownCriticalExtension { .. } => "unknown_critical_extension",
            UnsupportedConstraint { .. } => "unsupported_constraint",
            WeakAlgorithm { .. } => "weak_certificate_algorithm",
            BudgetExceeded => "path_search_budget_exceeded",
        }
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        use ChainError::*;
        let vi = lang == Lang::Vi;
        match self {
            NoTrustAnchors => if vi {
                "chưa có chứng thư gốc tin cậy nào; gợi ý: chỉ định bằng --trust hoặc biến KYSO_TRUST".into()
            } else {
                "no trust anchor was given, so the chain cannot be validated; hint: pass the root certificate with --trust (or set KYSO_TRUST)".into()
            },
            UnknownIssuer { subject, issuer } => if vi {
                format!("không tìm thấy chứng thư cấp cho '{subject}' (bên cấp '{issuer}'); gợi ý: thêm chứng thư trung gian bằng --intermediates hoặc gốc bằng --trust")
            } else {
                format!("no certificate issued '{subject}' (issuer '{issuer}') among the intermediates and trust anchors; hint: intermediate missing? pass it with --intermediates, or the root with --trust")
            },
            BadCertificateSignature { subject } => if vi {
                format!("chữ ký trên chứng thư '{subject}' không hợp lệ")
            } else {
                format!("the signature on certificate '{subject}' does not verify with its issuer's key")
            },
            Expired { subject, not_after, at, end_entity } => match (vi, end_entity) {
                (false, true) => format!("the signer certificate '{subject}' expired at {not_after}, before the validation time {at}, and no time-stamp proves the signature existed earlier"),
                (false, false) => format!("certificate '{subject}' expired at {not_after}, before the validation time {at}"),
                (true, _) => format!("chứng thư '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}"),
            },
            NotYetValid { subject, not_before, at } => if vi {
                format!("chứng thư '{subject}' chưa có hiệu lực (từ {not_before}) tại thời điểm kiểm tra {at}")
            } else {
                format!("certificate '{subject}' is not valid until {not_before}, after the validation time {at}")
            },
            NotCa { subject } => if vi {
                format!("'{subject}' không phải chứng thư CA (basicConstraints) nhưng đã cấp chứng thư khác")
            } else {
                format!("'{subject}' issued a certificate but is not a CA (basicConstraints cA is not set)")
            },
            KeyCertSignMissing { subject } => if vi {
                format!("CA '{subject}' không có quyền keyCertSign trong keyUsage")
            } else {
                format!("CA '{subject}' issued a certificate but its keyUsage does not include keyCertSign")
            },
            PathLenExceeded { subject } => if vi {
                format!("vượt quá giới hạn độ dài chuỗi (pathLenConstraint) của CA '{subject}'")
            } else {
                format!("the path is longer than CA '{subject}' allows (pathLenConstraint)")
            },
            UnknownCriticalExtension { subject, oid } => if vi {
                format!("chứng thư '{subject}' có phần mở rộng bắt buộc {oid} mà kyso không xử lý được")
            } else {
                format!("certificate '{subject}' has a critical extension {oid} that kyso does not process")
            },
            UnsupportedConstraint { subject, extension } => if vi {
                format!("chứng thư '{subject}' có {extension}; kyso chưa kiểm tra được ràng buộc này nên không thể kết luận")
            } else {
                format!("certificate '{subject}' carries {extension}, which kyso does not process yet; the path cannot be accepted")
            },
            WeakAlgorithm { subject, detail } => if vi {
                format!("chứng thư '{subject}' dùng thuật toán hoặc khóa yếu: {detail}")
            } else {
                format!("certificate '{subject}' uses a weak algorithm or key: {detail}")
            },
            BudgetExceeded => if vi {
                "quá nhiều ứng viên khi dựng chuỗi chứng thư; dừng tìm kiếm".into()
            } else {
                "the certificate pool made path building exceed its work limit (too many candidate issuers or loops)".into()
            },
        }
    }
}

/// Inputs to path validation.
#[derive(Debug, Clone, Default)]
pub struct ChainPolicy {
    /// Accept SHA-1/MD5 certificate signatures and keys below the minimum sizes.
    pub(crate) legacy_crypto: bool,
}

/// The outcome of building and validating a path for one certificate.
#[derive(Debug, Clone)]
pub struct ChainOutcome {
    /// The path, end entity first; ends with the trust anchor when `error` is `None`.
    pub path: Vec<Certificate>,
    /// `None` when the path is valid.
    pub error: Option<ChainError>,
    /// Index in `path` of the certificate the error is about, when it is about one.
    pub error_at: Option<usize>,
}

impl ChainOutcome {
    /// True when a valid path to a trust anchor was found.
    pub fn is_valid(&self) -> bool {
        self.error.is_none()
    }

    /// The path as report entries.
    pub fn summaries(&self) -> Vec<CertificateSummary> {
        self.path.iter().map(CertificateSummary::from).collect()
    }
}

struct Search<'a> {
    anchors: &'a [Certificate],
    pool: &'a [Certificate],
    at: Timestamp,
    policy: &'a ChainPolicy,
    signature_checks: usize,
    candidates: usize,
    best: Option<ChainOutcome>,
}

/// Build a path from `leaf` to one of `anchors` through `pool`, and validate it at `at`.
pub(crate) fn build(
    leaf: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
    policy: &ChainPolicy,
) -> ChainOutcome {
    if anchors.is_empty() {
        return ChainOutcome {
            path: vec![leaf.clone()],
            error: Some(ChainError::NoTrustAnchors),
            error_at: None,
        };
    }
    let mut s = Search {
        anchors,
        pool,
        at,
        policy,
        signature_checks: 0,
        candidates: 0,
        best: None,
    };
    let mut path = vec![leaf.clone()];
    if let Some(done) = s.extend(&mut path) {
        return done;
    }
    s.best.unwrap_or(ChainOutcome {
        path: vec![leaf.clone()],
        error: Some(ChainError::BudgetExceeded),
        error_at: None,
    })
}

impl Search<'_> {
    /// Depth-first search; returns the first valid path. Failed attempts are kept in `best`.
    fn extend(&mut self, path: &mut Vec<Certificate>) -> Option<ChainOutcome> {
        let cur = path.last()?.clone();
        // A certificate that is itself a trust anchor ends the path (RFC 5280 §6.1: the anchor
        // is an input, not part of the validated path).
        if self.anchors.iter().any(|a| a == &cur) {
            let outcome = self.validate(path);
            if outcome.is_valid() {
                return Some(outcome);
            }
            self.record(outcome);
            return None;
        }
        let mut found_any = false;
        let candidates: Vec<(Certificate, bool)> = self
            .anchors
            .iter()
            .map(|c| (c.clone(), true))
            .chain(self.pool.iter().map(|c| (c.clone(), false)))
            .filter(|(c, _)| could_issue(c, &cur) && !path.contains(c))
            .collect();
        for (cand, is_anchor) in candidates {
            self.candidates += 1;
            if self.candidates > MAX_CANDIDATES || self.signature_checks >= MAX_SIGNATURE_CHECKS {
                self.record(ChainOutcome {
                    path: path.clone(),
                    error: Some(ChainError::BudgetExceeded),
                    error_at: None,
                });
                return None;
            }
            found_any = true;
            self.signature_checks += 1;
            if !cur.signed_by(&cand) {
                let mut p = path.clone();
                p.push(cand);
                let at = p.len() - 2;
                self.record(ChainOutcome {
                    path: p,
                    error: Some(ChainError::BadCertificateSignature {
                        subject: cur.subject(),
                    }),
                    error_at: Some(at),
                });
                continue;
            }
            path.push(cand);
            let result = if is_anchor {
                let outcome = self.validate(path);
                if outcome.is_valid() {
                    Some(outcome)
                } else {
                    self.record(outcome);
                    None
                }
            } else if path.len() > MAX_PATH_LEN {
                self.record(ChainOutcome {
                    path: path.clone(),
                    error: Some(ChainError::BudgetExceeded),
                    error_at: None,
                });
                None
            } else {
                self.extend(path)
            };
            path.pop();
            if result.is_some() {
                return result;
            }
        }
        if !found_any {
            self.record(ChainOutcome {
                path: path.clone(),
                error: Some(ChainError::UnknownIssuer {
                    subject: cur.subject(),
                    issuer: cur.issuer(),
                }),
                error_at: Some(path.len() - 1),
            });
        }
        None
    }

    fn record(&mut self, outcome: ChainOutcome) {
        let better = match (&self.best, &outcome.error) {
            (None, _) => true,
            (Some(b), Some(e)) => {
                let br = b.error.as_ref().map_or(u8::MAX, ChainError::rank);
                e.rank() > br || (e.rank() == br && outcome.path.len() > b.path.len())
            }
            (Some(_), None) => true,
        };
        if better {
            self.best = Some(outcome);
        }
    }

    /// Validate a complete path (end entity first, trust anchor last) at the validation time.
    fn validate(&self, path: &[Certificate]) -> ChainOutcome {
        let fail = |e: ChainError, i: usize| ChainOutcome {
            path: path.to_vec(),
            error: Some(e),
            error_at: Some(i),
        };
        let n = path.len();
        let at = self.at;
        for (i, c) in path.iter().enumerate() {
            // Validity (RFC 5280 §6.1.3 a.2). The anchor is checked too, as OpenSSL does: an
            // expired root is a configuration problem the user must see.
            if at > c.not_after() {
                return fail(
                    ChainError::Expired {
                        subject: c.subject(),
                        not_after: c.not_after(),
                        at,
                        end_entity: i == 0,
                    },
                    i,
                );
            }
            if at < c.not_before() {
                return fail(
                    ChainError::NotYetValid {
                        subject: c.subject(),
                        not_before: c.not_before(),
                        at,
                    },
                    i,
                );
            }
            if let Some(oid) = c.unknown_critical().first() {
                return fail(
                    ChainError::UnknownCriticalExtension {
                        subject: c.subject(),
                        oid: oid.clone(),
                    },
                    i,
                );
            }
            if let Some(ext) = c.constraints_present().first() {
                return fail(
                    ChainError::UnsupportedConstraint {
                        subject: c.subject(),
                        extension: (*ext).to_string(),
                    },
                    i,
                );
            }
            if !self.policy.legacy_crypto {
                if let Some(w) = c.key_info().weakness() {
                    return fail(
                        ChainError::WeakAlgorithm {
                            subject: c.subject(),
                            detail: w,
                        },
                        i,
                    );
                }
                // The anchor's self-signature is not relied on (RFC 5280 §6.1), so not judged.
                if i + 1 < n {
                    if let Some(d) = c.signature_digest().filter(|d| d.is_legacy()) {
                        return fail(
                            ChainError::WeakAlgorithm {
                                subject: c.subject(),
                                detail: format!("signed with {d}"),
                            },
                            i,
                        );
                    }
                }
            }
            if i > 0 {
                // Issuing certificates: RFC 5280 §6.1.4 (k) cA, (n) keyCertSign. A version 1
                // trust anchor without extensions is accepted as RFC 5280 §6.1.1 (d) allows.
                let is_v1_anchor =
                    i == n - 1 && c.key_usage_bits().is_none() && !c.is_ca() && c.is_self_issued();
                if !c.is_ca() && !is_v1_anchor {
                    return fail(
                        ChainError::NotCa {
                            subject: c.subject(),
                        },
                        i,
                    );
                }
                if c.key_usage_bits()
                    .is_some_and(|k| k & ku::KEY_CERT_SIGN == 0)
                {
                    return fail(
                        ChainError::KeyCertSignMissing {
                            subject: c.subject(),
                        },
                        i,
                    );
                }
            }
        }
        // pathLenConstraint (RFC 5280 §6.1.4 l, m), walking from the anchor down. Self-issued
        // intermediates do not count.
        let mut remaining: Option<u32> = path[n - 1].path_len();
        for i in (1..n - 1).rev() {
            let c = &path[i];
            if !c.is_self_issued() {
                match remaining {
                    Some(0) => {
                        return fail(
                            ChainError::PathLenExceeded {
                                subject: path[i + 1].subject(),
                            },
                            i + 1,
                        )
                    }
                    Some(r) => remaining = Some(r - 1),
                    None => {}
                }
            }
            if let Some(p) = c.path_len() {
                remaining = Some(remaining.map_or(p, |r| r.min(p)));
            }
        }
        ChainOutcome {
            path: path.to_vec(),
            error: None,
            error_at: None,
        }
    }
}

/// Could `issuer` have issued `child`? Names must chain (RFC 5280 §6.1.3 a.4); when both carry
/// key identifiers they must agree (RFC 5280 §4.2.1.1), which prunes cross-certificates early.
fn could_issue(issuer: &Certificate, child: &Certificate) -> bool {
    if !crate::name::names_match(issuer.subject_der(), child.issuer_der()) {
        return false;
    }
    match (child.aki(), issuer.ski()) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}
