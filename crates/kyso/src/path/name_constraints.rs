//! Name constraints (RFC 5280 §4.2.1.10, §6.1.3 b-c, §6.1.4 g).
//!
//! Instead of computing the intersection of permitted subtrees and the union of excluded ones
//! (§6.1.4 g), each certificate's names are checked against every constraining CA above it:
//! a name must lie in some permitted subtree of its form of every CA that constrains that
//! form, and in no excluded subtree. This is the same set of accepted names, without set
//! algebra on subtrees.

use crate::x509::general_name::{GeneralName, NameConstraints, Subtree};

/// Name/subtree comparisons allowed for one certificate against one CA's constraints.
/// Chromium (BoringSSL pki/verify_name_match / name_constraints) bounds the same work at
/// 2^20 comparisons; real certificates need a few dozen.
pub(crate) const MAX_CHECKS: usize = 1 << 20;

/// Why a name is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NameConstraintFailure {
    /// The name is outside the permitted subtrees of its form.
    NotPermitted { name: String },
    /// Checking would take more than [`MAX_CHECKS`] name/subtree comparisons.
    TooManyChecks { checks: usize },
    /// The name is inside an excluded subtree.
    Excluded { name: String, subtree: String },
    /// A name constraint uses a form kyso does not check (otherName, x400Address,
    /// ediPartyName, registeredID, or minimum/maximum set) and the certificate has a name of
    /// that form (§4.2.1.10: "If a name constraints extension that is marked as critical
    /// imposes constraints on a particular name form, and an instance of that name form
    /// appears in the subject field or subjectAltName extension of a subsequent certificate,
    /// then the application MUST either process the constraint or reject the certificate.";
    /// the extension MUST be critical, so kyso treats every one as critical).
    UnsupportedForm { form: &'static str },
}

/// The names of a certificate that constraints apply to: the subject (as a directoryName,
/// unless empty), subject emailAddress attributes as rfc822Name (§4.2.1.10: required when
/// there is no subjectAltName; kyso applies it always, as OpenSSL does), and the SANs.
pub(crate) fn names_of(subject_der: &[u8], sans: &[GeneralName]) -> Vec<GeneralName> {
    let mut out = Vec::new();
    let attrs = crate::x509::name::attributes(subject_der).unwrap_or_default();
    if !attrs.is_empty() {
        out.push(GeneralName::Directory(subject_der.to_vec()));
    }
    for a in attrs {
        if a.key == "emailAddress" {
            out.push(GeneralName::Email(a.value));
        }
    }
    out.extend(sans.iter().cloned());
    out
}

/// Check `names` against one CA's constraints.
pub(crate) fn check(
    nc: &NameConstraints,
    names: &[GeneralName],
) -> Result<(), NameConstraintFailure> {
    // Unsupported forms matter when a name of that form is present (§4.2.1.10).
    let all = nc.permitted.iter().flatten().chain(&nc.excluded);
    for st in all {
        let unsupported = matches!(st.base, GeneralName::Other(_)) || !st.supported;
        if unsupported && names.iter().any(|n| same_form(&st.base, n)) {
            return Err(NameConstraintFailure::UnsupportedForm {
                form: st.base.form(),
            });
        }
    }
    let subtrees = nc.permitted.as_ref().map_or(0, Vec::len) + nc.excluded.len();
    let checks = names.len().saturating_mul(subtrees);
    if checks > MAX_CHECKS {
        return Err(NameConstraintFailure::TooManyChecks { checks });
    }
    for name in names {
        for ex in &nc.excluded {
            if same_form(&ex.base, name) && within(&ex.base, name, true) {
                return Err(NameConstraintFailure::Excluded {
                    name: name.render(),
                    subtree: ex.base.render(),
                });
            }
        }
        if let Some(permitted) = &nc.permitted {
            let of_form: Vec<&Subtree> = permitted
                .iter()
                .filter(|p| same_form(&p.base, name))
                .collect();
            if !of_form.is_empty() && !of_form.iter().any(|p| within(&p.base, name, false)) {
                return Err(NameConstraintFailure::NotPermitted {
                    name: name.render(),
                });
            }
        }
    }
    Ok(())
}

fn same_form(a: &GeneralName, b: &GeneralName) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && match (a, b) {
            (GeneralName::Other(x), GeneralName::Other(y)) => x == y,
            _ => true,
        }
}

/// Is `name` inside the subtree `base`? `excluding` is true when testing an excluded subtree:
/// names kyso cannot interpret are then treated as inside (fail closed), and for permitted
/// subtrees as outside.
fn within(base: &GeneralName, name: &GeneralName, excluding: bool) -> bool {
    match (base, name) {
        (GeneralName::Dns(c), GeneralName::Dns(n)) => match n.strip_prefix("*.") {
            // A wildcard name stands for every name one label below its base (RFC 6125
            // §6.4.3). For an excluded subtree it is inside when any name it stands for is
            // (CVE-2025-61727); for a permitted subtree, when all of them are.
            Some(base) if excluding => {
                dns_within(c, base)
                    || c.trim_end_matches('.')
                        .split_once('.')
                        .is_some_and(|(_, parent)| parent.eq_ignore_ascii_case(base))
            }
            Some(base) => dns_within(c, base),
            None => dns_within(c, n),
        },
        (GeneralName::Email(c), GeneralName::Email(n)) => email_within(c, n),
        (GeneralName::Uri(c), GeneralName::Uri(n)) => match uri_host(n) {
            Some(h) => host_within(c, &h),
            None => excluding,
        },
        (GeneralName::Ip(c), GeneralName::Ip(n)) => ip_within(c, n),
        (GeneralName::Directory(c), GeneralName::Directory(n)) => dn_within(c, n),
        _ => excluding,
    }
}

/// dNSName: "any DNS name that can be constructed by simply adding zero or more labels to the
/// left-hand side of the name satisfies the name constraint" (§4.2.1.10). A leading period
/// (a common extension) means subdomains only.
fn dns_within(constraint: &str, name: &str) -> bool {
    let c = constraint.trim_end_matches('.').to_ascii_lowercase();
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    if c.is_empty() {
        return true;
    }
    if let Some(stripped) = c.strip_prefix('.') {
        return n.ends_with(&format!(".{stripped}"));
    }
    n == c || n.ends_with(&format!(".{c}"))
}

/// rfc822Name: a mailbox, a host ("all mailboxes on that host") or a domain with a leading
/// period ("any host in that domain"), §4.2.1.10.
fn email_within(constraint: &str, name: &str) -> bool {
    let Some((local, host)) = name.rsplit_once('@') else {
        return false;
    };
    if let Some((cl, ch)) = constraint.rsplit_once('@') {
        return cl == local && ch.eq_ignore_ascii_case(host);
    }
    host_within(constraint, host)
}

/// A host against a host-or-.domain constraint (URIs and mail hosts, §4.2.1.10).
fn host_within(constraint: &str, host: &str) -> bool {
    let c = constraint.to_ascii_lowercase();
    let h = host.to_ascii_lowercase();
    if c.starts_with('.') {
        h.ends_with(&c)
    } else {
        h == c
    }
}

/// The host of a URI (`scheme://[userinfo@]host[:port]/...`); `None` when it has none
/// (§4.2.1.10: the constraint applies to the host part).
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return None;
    }
    let host = host_port.split(':').next()?;
    (!host.is_empty()).then(|| host.to_string())
}

/// iPAddress: the constraint is an address and a mask of twice the address length (§4.2.1.10).
fn ip_within(constraint: &[u8], addr: &[u8]) -> bool {
    if constraint.len() != addr.len() * 2 {
        return false;
    }
    let (net, mask) = constraint.split_at(addr.len());
    addr.iter()
        .zip(net)
        .zip(mask)
        .all(|((a, n), m)| a & m == n & m)
}

/// directoryName: the constraint's RDNs are a prefix of the name's (§4.2.1.10, compared per
/// §7.1).
fn dn_within(constraint: &[u8], name: &[u8]) -> bool {
    crate::x509::name::name_has_prefix(constraint, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_email_uri_ip_rules() {
        assert!(dns_within("example.com", "a.example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("example.com", "badexample.com"));
        assert!(!dns_within(".example.com", "example.com"));
        assert!(email_within("example.com", "a@example.com"));
        assert!(!email_within("example.com", "a@x.example.com"));
        assert!(email_within(".example.com", "a@x.example.com"));
        assert!(email_within("a@example.com", "a@EXAMPLE.com"));
        assert_eq!(
            uri_host("http://u@host.test:80/x").as_deref(),
            Some("host.test")
        );
        assert_eq!(uri_host("urn:x"), None);
        assert!(ip_within(&[10, 0, 0, 0, 255, 0, 0, 0], &[10, 1, 2, 3]));
        assert!(!ip_within(&[10, 0, 0, 0, 255, 0, 0, 0], &[11, 1, 2, 3]));
        assert!(!ip_within(&[10, 0, 0, 0, 255, 0, 0, 0], &[0; 16]));
    }
}
