//! How people read times and signers in text output: local time with its offset (JSON stays
//! UTC), the signer's name first with the masked ID number and the organisation, and `--at`
//! taking a plain date.

use jiff::tz::TimeZone;

/// The user's time zone: `TZ`, else the system's (`/etc/localtime`), else UTC; looked up
/// once per run (batch workers render thousands of reports).
pub fn local_zone() -> TimeZone {
    static ZONE: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(TimeZone::system).clone()
}

/// A time in the given zone, with its offset: `2026-11-28 02:39:17 +07:00`.
pub fn time_in(t: kyso::Timestamp, tz: &TimeZone) -> String {
    match jiff::Timestamp::from_second(t.unix()) {
        Ok(ts) => ts
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        Err(_) => t.to_string(),
    }
}

/// A time in the user's zone (see [`time_in`]).
pub fn local_time(t: kyso::Timestamp) -> String {
    time_in(t, &local_zone())
}

/// `--at`: an RFC 3339 time (`2026-06-01T12:00:00+07:00`), or a plain date (`2026-06-01`),
/// which means the start of that day in the user's time zone.
pub fn parse_at(s: &str) -> Result<kyso::Timestamp, String> {
    parse_at_in(s, &local_zone())
}

/// `--deadline`: an RFC 3339 time, or a plain date, which means the end of that day (its last
/// second) in the user's time zone.
pub fn parse_deadline(s: &str) -> Result<kyso::Timestamp, String> {
    let t = parse_at(s)?;
    if s.trim().len() == 10 {
        return Ok(kyso::Timestamp::from_unix(t.unix() + 86_399));
    }
    Ok(t)
}

fn parse_at_in(s: &str, tz: &TimeZone) -> Result<kyso::Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = kyso::Timestamp::parse_rfc3339(s) {
        return Ok(t);
    }
    let date: jiff::civil::Date = s.parse().map_err(|_| {
        format!("'{s}' is neither an RFC 3339 time such as 2026-01-31T12:00:00+07:00 nor a date such as 2026-01-31")
    })?;
    let start = date
        .to_zoned_datetime(tz.clone())
        .map_err(|e| format!("'{s}': {e}"))?;
    Ok(kyso::Timestamp::from_unix(start.timestamp().as_second()))
}

use kyso::rendered_attributes as rdn_values;

/// A personal ID number shown as its first four and last three digits (`0351…234`);
/// organisational codes (MST, MNS) are public and shown whole.
fn mask(prefix: &str, value: &str) -> String {
    let personal = matches!(prefix, "CCCD" | "CMND" | "HC" | "BHXH");
    let n = value.chars().count();
    if !personal || n <= 7 {
        return value.to_string();
    }
    let head: String = value.chars().take(4).collect();
    let tail: String = value.chars().skip(n - 3).collect();
    format!("{head}…{tail}")
}

/// The CN of an RFC 4514 name, or the whole name when it has none.
pub fn common_name(subject: &str) -> String {
    rdn_values(subject)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("CN"))
        .map_or_else(|| subject.to_string(), |(_, v)| v)
}

/// A signer's role as a person reads it, with the evidence (a personal ID in it masked unless
/// `full_ids`): `official (person), from UID=CCCD:0010…345` / `cá nhân (người có thẩm quyền),
/// "PKI: chữ ký số chuyên dùng công vụ (trust list vn-gov)": the PKI a validated path ends in.
pub fn trust_list_line(t: &kyso::TrustListMatch, lang: kyso::Lang) -> String {
    format!(
        "{} {} ({} {})",
        lang.pick("PKI:", "loại chữ ký số:"),
        t.pki.describe(lang),
        lang.pick("trust list", "danh sách tin cậy"),
        t.list
    )
}

/// theo UID=CCCD:0010…345`.
pub fn role_line(r: &kyso::RoleDecision, lang: kyso::Lang, full_ids: bool) -> String {
    let role = match r.role {
        kyso::SignerRole::Person => lang.pick("official (person)", "cá nhân (người có thẩm quyền)"),
        kyso::SignerRole::Organisation => lang.pick("organisation", "tổ chức (cơ quan)"),
        _ => lang.pick(
            "unknown: the certificate does not say whether it is a person or an organisation",
            "không xác định: chứng thư số không cho biết là cá nhân hay tổ chức",
        ),
    };
    if r.evidence.is_empty() {
        return role.to_string();
    }
    let evidence = match r.evidence.strip_prefix("UID=").and_then(kyso::uid_label) {
        Some((prefix, _, _, rest)) if !full_ids => format!("UID={prefix}:{}", mask(prefix, rest)),
        _ => r.evidence.clone(),
    };
    format!("{role}, {} {evidence}", lang.pick("from", "theo"))
}

/// The signer as a person reads it: name, ID numbers (personal ones masked unless
/// `full_ids`), organisation: `Trần Thị Hồng Nhung — CCCD 0011…345 — Sở Tư pháp`.
pub fn signer_line(subject: &str, full_ids: bool) -> String {
    let attrs = rdn_values(subject);
    let get = |k: &str| {
        attrs
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.clone())
    };
    let mut parts = Vec::new();
    if let Some(cn) = get("CN") {
        parts.push(cn);
    }
    for (k, v) in &attrs {
        if !k.eq_ignore_ascii_case("UID") {
            continue;
        }
        match kyso::uid_label(v) {
            Some((prefix, _, _, rest)) => {
                let shown = if full_ids {
                    rest.to_string()
                } else {
                    mask(prefix, rest)
                };
                parts.push(format!("{prefix} {shown}"));
            }
            None => parts.push(v.clone()),
        }
    }
    if let Some(o) = get("O") {
        if parts.first() != Some(&o) {
            parts.push(o);
        }
    }
    if parts.is_empty() {
        subject.to_string()
    } else {
        parts.join(" — ")
    }
}

/// Where a revocation status came from, as a person reads it: "per OCSP (response embedded in
/// the signature) from CN=…, produced …, updated …, next update …" / "theo CRL (tệp sub.crl)
/// của CN=…, cập nhật …, lần cập nhật sau …".
pub fn revocation_evidence(e: &kyso::RevocationEvidence, lang: kyso::Lang) -> String {
    use kyso::{RevocationDataKind as K, RevocationSource as S};
    let by = e.issuer_or_responder.clone();
    let path = e.path.clone().unwrap_or_default();
    let url = e.url.clone().unwrap_or_default();
    let mut s = match (e.kind, e.source, e.path.is_some()) {
        (K::Ocsp, S::Embedded, _) => crate::msg::render(lang, "rev_ocsp_embedded", &[("by", by)]),
        (K::Ocsp, S::Fetched, _) => {
            crate::msg::render(lang, "rev_ocsp_fetched", &[("by", by), ("url", url)])
        }
        (K::Ocsp, S::Cache, _) => crate::msg::render(
            lang,
            "rev_ocsp_cache",
            &[("by", by), ("url", url), ("path", path)],
        ),
        (K::Ocsp, _, true) => {
            crate::msg::render(lang, "rev_ocsp_file", &[("by", by), ("path", path)])
        }
        (K::Ocsp, _, false) => crate::msg::render(lang, "rev_ocsp_given", &[("by", by)]),
        (_, S::Embedded, _) => crate::msg::render(lang, "rev_crl_embedded", &[("by", by)]),
        (_, S::Fetched, _) => {
            crate::msg::render(lang, "rev_crl_fetched", &[("by", by), ("url", url)])
        }
        (_, S::Cache, _) => crate::msg::render(
            lang,
            "rev_crl_cache",
            &[("by", by), ("url", url), ("path", path)],
        ),
        (_, _, true) => crate::msg::render(lang, "rev_crl_file", &[("by", by), ("path", path)]),
        (_, _, false) => crate::msg::render(lang, "rev_crl_given", &[("by", by)]),
    };
    let mut add = |code: &str, t: kyso::Timestamp| {
        s.push_str(&crate::msg::render(lang, code, &[("time", local_time(t))]));
    };
    if let Some(t) = e.produced_at {
        add("rev_produced", t);
    }
    add("rev_updated", e.this_update);
    if let Some(t) = e.next_update {
        add("rev_next_update", t);
    }
    s
}

/// A certificate's revocation status with its source, when one decided it (good or revoked);
/// `None` for a status that is unknown or not checked (the revocation check says why).
pub fn revocation_line(status: &kyso::RevocationStatus, lang: kyso::Lang) -> Option<String> {
    match status {
        kyso::RevocationStatus::Good { evidence, .. } => Some(crate::msg::render(
            lang,
            "rev_good",
            &[("per", revocation_evidence(evidence, lang))],
        )),
        kyso::RevocationStatus::Revoked {
            reason,
            revoked_at,
            stale_crl_next_update,
            evidence,
            ..
        } => {
            let mut line = crate::msg::render(
                lang,
                "rev_revoked",
                &[
                    ("time", local_time(*revoked_at)),
                    ("reason", reason.describe(lang)),
                    ("per", revocation_evidence(evidence, lang)),
                ],
            );
            if let Some(t) = stale_crl_next_update {
                line.push_str(&crate::msg::render(
                    lang,
                    "rev_stale",
                    &[("time", local_time(*t))],
                ));
            }
            Some(line)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_reads_name_first_with_masked_personal_ids() {
        let s = "UID=CCCD:035190001234,CN=Võ Thị Hạnh,O=Văn phòng UBND tỉnh Hà Nam,ST=Hà Nam,C=VN";
        assert_eq!(
            signer_line(s, false),
            "Võ Thị Hạnh — CCCD 0351…234 — Văn phòng UBND tỉnh Hà Nam"
        );
        assert_eq!(
            signer_line(s, true),
            "Võ Thị Hạnh — CCCD 035190001234 — Văn phòng UBND tỉnh Hà Nam"
        );
        // Organisations: the tax code and budget unit code are public, shown whole; the
        // organisation is not repeated when it is also the common name.
        let org = "UID=MNS:1234567,UID=MST:0700123456,CN=Sở Nội vụ tỉnh Hà Nam,O=Sở Nội vụ tỉnh Hà Nam,L=Phủ Lý,C=VN";
        assert_eq!(
            signer_line(org, false),
            "Sở Nội vụ tỉnh Hà Nam — MNS 1234567 — MST 0700123456"
        );
        // Escaped commas stay inside their value.
        assert_eq!(
            signer_line("CN=Nguyễn\\, Văn An,O=Bộ Tư pháp", false),
            "Nguyễn, Văn An — Bộ Tư pháp"
        );
    }

    #[test]
    fn times_show_the_zone_offset_and_dates_mean_local_midnight() {
        let hcm = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        let t = kyso::Timestamp::parse_rfc3339("2026-11-27T19:39:17Z").unwrap();
        assert_eq!(time_in(t, &hcm), "2026-11-28 02:39:17 +07:00");
        assert_eq!(time_in(t, &TimeZone::UTC), "2026-11-27 19:39:17 +00:00");
        let midnight = parse_at_in("2026-06-01", &hcm).unwrap();
        assert_eq!(midnight.to_string(), "2026-05-31T17:00:00Z");
        assert_eq!(
            parse_at_in("2026-06-01T00:00:00Z", &hcm)
                .unwrap()
                .to_string(),
            "2026-06-01T00:00:00Z"
        );
        assert!(parse_at_in("yesterday", &hcm).is_err());
        assert!(parse_at_in("2026-13-01", &hcm).is_err());
    }
}
