//! Points in time: validation time, signing time, certificate validity.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A point in time, to the second, in UTC. kyso never reads the clock itself: callers pass
/// the validation or signing time (the CLI passes "now" unless `--at` is given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn from_unix(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// The current time of the system clock.
    pub fn now() -> Self {
        Timestamp(OffsetDateTime::now_utc().unix_timestamp())
    }

    /// Parse RFC 3339 (`2026-01-31T12:00:00Z`, `2026-01-31T19:00:00+07:00`).
    pub fn parse_rfc3339(s: &str) -> Result<Self, String> {
        OffsetDateTime::parse(s.trim(), &Rfc3339)
            .map(|t| Timestamp(t.unix_timestamp()))
            .map_err(|e| {
                format!("'{s}' is not an RFC 3339 time such as 2026-01-31T12:00:00Z ({e})")
            })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(self) -> i64 {
        self.0
    }

    pub(crate) fn datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Timestamp) -> i64 {
        (later.0 - self.0).div_euclid(86_400)
    }

    /// Parse a DER UTCTime or GeneralizedTime in whole seconds with `Z` (RFC 5280 §4.1.2.5.2:
    /// "MUST NOT include fractional seconds"), either type for any year: certificate validity
    /// as NIST PKITS 4.2.4 requires a path validator to accept it (a GeneralizedTime before
    /// 2050 is the issuing CA's error, not a malformed encoding).
    pub(crate) fn from_asn1_whole_seconds(tag: u8, value: &[u8]) -> Option<Self> {
        Self::parse_der_time(tag, value, false)
    }

    /// Parse a DER GeneralizedTime that may carry a fraction of a second (RFC 3161 §2.4.2
    /// genTime); the fraction is dropped.
    pub(crate) fn from_generalized_time_with_fraction(value: &[u8]) -> Option<Self> {
        Self::parse_der_time(crate::encoding::asn1::tag::GENERALIZED_TIME, value, true)
    }

    /// Parse a time as RFC 5280 §4.1.2.5 (certificate validity) and RFC 5652 §11.3
    /// (signing-time) require it: UTCTime for 1950..2049, GeneralizedTime only outside those
    /// years, always in seconds with `Z` and never with fractional seconds ("MUST NOT").
    pub(crate) fn from_asn1_profile(tag: u8, value: &[u8]) -> Option<Self> {
        let t = Self::parse_der_time(tag, value, false)?;
        let year = t.datetime().year();
        if tag == crate::encoding::asn1::tag::GENERALIZED_TIME && (1950..2050).contains(&year) {
            return None;
        }
        Some(t)
    }

    /// Parse a DER UTCTime or GeneralizedTime (X.690 §11.8: `YYMMDDHHMMSSZ`, years 50..99
    /// meaning 19xx as RFC 5280 §4.1.2.5.1 says; §11.7: `YYYYMMDDHHMMSS[.f]Z`, the fraction,
    /// when allowed, without trailing zeros and kept to the second). Anything else, trailing
    /// bytes included, is `None`.
    fn parse_der_time(tag: u8, value: &[u8], allow_fraction: bool) -> Option<Self> {
        let s = std::str::from_utf8(value).ok()?;
        let body = s.strip_suffix('Z')?;
        let (year, rest) = match tag {
            crate::encoding::asn1::tag::UTC_TIME => {
                if body.len() != 12 {
                    return None;
                }
                let yy: i32 = digits(body.get(0..2)?)?;
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, body.get(2..)?)
            }
            crate::encoding::asn1::tag::GENERALIZED_TIME => {
                let (whole, fraction) = match body.split_once('.') {
                    Some((w, f)) => (w, Some(f)),
                    None => (body, None),
                };
                if let Some(f) = fraction {
                    // X.690 §11.7.3/4: "." then at least one digit, no trailing zero.
                    if !allow_fraction
                        || f.is_empty()
                        || f.ends_with('0')
                        || !f.bytes().all(|b| b.is_ascii_digit())
                    {
                        return None;
                    }
                }
                if whole.len() != 14 {
                    return None;
                }
                (digits(whole.get(0..4)?)?, whole.get(4..)?)
            }
            _ => return None,
        };
        let p = |i: usize| digits::<u8>(rest.get(i..i + 2)?);
        let date =
            time::Date::from_calendar_date(year, time::Month::try_from(p(0)?).ok()?, p(2)?).ok()?;
        let t = time::Time::from_hms(p(4)?, p(6)?, p(8)?).ok()?;
        Some(Timestamp(date.with_time(t).assume_utc().unix_timestamp()))
    }

    /// DER UTCTime for years 1950..2049, GeneralizedTime otherwise (RFC 5652 §11.3).
    pub(crate) fn to_asn1(self) -> Vec<u8> {
        let t = self.datetime();
        let y = t.year();
        let body = format!(
            "{:02}{:02}{:02}{:02}{:02}Z",
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        if (1950..2050).contains(&y) {
            crate::encoding::asn1::tlv(
                crate::encoding::asn1::tag::UTC_TIME,
                &[format!("{:02}{body}", y % 100).as_bytes()],
            )
        } else {
            crate::encoding::asn1::tlv(
                crate::encoding::asn1::tag::GENERALIZED_TIME,
                &[format!("{y:04}{body}").as_bytes()],
            )
        }
    }
}

fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.datetime().format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// RFC 3339, as written by [`Serialize`] (any offset is accepted and kept as the instant).
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::asn1::tag;

    #[test]
    fn asn1_times_round_trip_and_reject_garbage() {
        let t = Timestamp::parse_rfc3339("2026-06-01T07:00:00+07:00").unwrap();
        assert_eq!(t.to_string(), "2026-06-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_asn1_profile(tag::UTC_TIME, b"260601000000Z"),
            Some(t)
        );
        assert_eq!(
            Timestamp::from_asn1_profile(tag::GENERALIZED_TIME, b"20510601000000Z"),
            Timestamp::parse_rfc3339("2051-06-01T00:00:00Z").ok()
        );
        assert_eq!(
            Timestamp::from_asn1_profile(tag::UTC_TIME, b"491231235959Z")
                .unwrap()
                .datetime()
                .year(),
            2049
        );
        assert_eq!(
            Timestamp::from_asn1_profile(tag::UTC_TIME, b"500101000000Z")
                .unwrap()
                .datetime()
                .year(),
            1950
        );
        assert_eq!(
            Timestamp::from_asn1_profile(tag::UTC_TIME, b"261301000000Z"),
            None
        );
        assert_eq!(
            Timestamp::from_asn1_profile(tag::UTC_TIME, b"2606010000Z"),
            None
        );
        assert_eq!(
            Timestamp::from_asn1_profile(tag::OCTET_STRING, b"260601000000Z"),
            None
        );
        let utc = t.to_asn1();
        assert_eq!(utc[0], tag::UTC_TIME);
        assert_eq!(&utc[2..], b"260601000000Z");
        assert_eq!(
            Timestamp::parse_rfc3339("2060-01-01T00:00:00Z")
                .unwrap()
                .to_asn1()[0],
            tag::GENERALIZED_TIME
        );
        assert!(Timestamp::parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn asn1_times_are_strict() {
        let g = tag::GENERALIZED_TIME;
        let u = tag::UTC_TIME;
        // Trailing garbage, fractions in UTCTime, missing seconds, offsets: never.
        for bad in [
            &b"260601000000.5Z"[..],
            b"260601000000Zjunk",
            b"260601000000.5Zjunk",
            b"2606010000Z",
            b"260601000000+0700",
            b"260601000000",
        ] {
            assert_eq!(
                Timestamp::parse_der_time(u, bad, true),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        for bad in [
            &b"20260601000000.Z"[..],
            b"20260601000000.50Z",
            b"20260601000000,5Z",
            b"20260601000000.5xZ",
            b"20260601000000.5Zjunk",
            b"202606010000Z",
        ] {
            assert_eq!(
                Timestamp::parse_der_time(g, bad, true),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // DER allows a GeneralizedTime fraction (RFC 3161 genTime uses it) ...
        assert!(Timestamp::parse_der_time(g, b"20260601000000.25Z", true).is_some());
        // ... RFC 5280 §4.1.2.5.2 and RFC 5652 §11.3 do not, nor GeneralizedTime for 1950..2049.
        assert_eq!(Timestamp::from_asn1_profile(g, b"20260601000000.25Z"), None);
        assert_eq!(Timestamp::from_asn1_profile(g, b"20260601000000Z"), None);
        assert!(Timestamp::from_asn1_profile(g, b"20500101000000Z").is_some());
        assert!(Timestamp::from_asn1_profile(g, b"19491231235959Z").is_some());
        assert!(Timestamp::from_asn1_profile(u, b"260601000000Z").is_some());
    }
}
