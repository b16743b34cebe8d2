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

/// The attributes of an RFC 4514 name (`UID=CCCD:0351\,x,CN=An`), most specific first, with
/// escapes undone.
fn rdn_values(subject: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    let mut parts = Vec::new();
    for ch in subject.chars() {
        match (escaped, ch) {
            (true, c) => {
                cur.push(c);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, ',' | '+') => parts.push(std::mem::take(&mut cur)),
            (false, c) => cur.push(c),
        }
    }
    parts.push(cur);
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

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
