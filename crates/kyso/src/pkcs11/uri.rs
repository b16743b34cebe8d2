//! RFC 7512 `pkcs11:` URIs: which token, and which object on it.
//!
//! ```text
//! pk11-URI  = "pkcs11:" pk11-path [ "?" pk11-query ]        ; RFC 7512 §2.3
//! pk11-path = [ pk11-pattr *(";" pk11-pattr) ]
//! pk11-query = [ pk11-qattr *("&" pk11-qattr) ]
//! ```
//!
//! Values are percent-encoded (RFC 3986 §2.1); `id` is a byte string and is usually written
//! entirely percent-encoded (`id=%01%a2`). kyso fails closed: an attribute it does not know, a
//! repeated attribute or a malformed escape makes the URI invalid rather than silently matching
//! more than the user meant.

use std::fmt;

use super::TokenError;

/// The `type` path attribute (RFC 7512 §2.3): the class of the object (CKA_CLASS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectType {
    /// `type=private`: a private key (CKO_PRIVATE_KEY).
    Private,
    /// `type=public`: a public key (CKO_PUBLIC_KEY).
    Public,
    /// `type=cert`: a certificate (CKO_CERTIFICATE).
    Cert,
    /// `type=secret-key`: a secret key (CKO_SECRET_KEY); never usable for signing documents.
    SecretKey,
    /// `type=data`: a data object (CKO_DATA); never usable for signing documents.
    Data,
}

/// A parsed RFC 7512 PKCS#11 URI. Only the attributes that select a token and an object are
/// kept; the PIN is never taken from a URI (`pin-value` is refused, see [`Pkcs11Uri::parse`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token label (CK_TOKEN_INFO.label).
    pub token: Option<String>,
    /// `manufacturer`: the token manufacturer (CK_TOKEN_INFO.manufacturerID).
    pub manufacturer: Option<String>,
    /// `serial`: the token serial number (CK_TOKEN_INFO.serialNumber).
    pub serial: Option<String>,
    /// `model`: the token model (CK_TOKEN_INFO.model).
    pub model: Option<String>,
    /// `library-manufacturer` (CK_INFO.manufacturerID).
    pub library_manufacturer: Option<String>,
    /// `library-description` (CK_INFO.libraryDescription).
    pub library_description: Option<String>,
    /// `library-version` (`M` or `M.N`, CK_INFO.libraryVersion).
    pub library_version: Option<(u8, Option<u8>)>,
    /// `slot-id`: the decimal CK_SLOT_ID.
    pub slot_id: Option<u64>,
    /// `slot-description` (CK_SLOT_INFO.slotDescription).
    pub slot_description: Option<String>,
    /// `slot-manufacturer` (CK_SLOT_INFO.manufacturerID).
    pub slot_manufacturer: Option<String>,
    /// `object`: the object label (CKA_LABEL).
    pub object: Option<String>,
    /// `id`: the object identifier (CKA_ID), raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: the object class.
    pub object_type: Option<ObjectType>,
    /// `pin-source` query attribute: where to read the PIN from (a file path, or `file:` URI).
    pub pin_source: Option<String>,
    /// `module-path` query attribute: the PKCS#11 module to load.
    pub module_path: Option<String>,
    /// `module-name` query attribute: a module name without path or suffix (informative only).
    pub module_name: Option<String>,
}

impl Pkcs11Uri {
    /// Parse a `pkcs11:` URI (RFC 7512). Refuses `pin-value`: secrets are never read from a
    /// command line or a configuration string (give the PIN from a secret source instead).
    pub fn parse(s: &str) -> Result<Self, TokenError> {
        let bad = |m: String| TokenError::InvalidUri {
            uri: s.to_string(),
            reason: m,
        };
        // RFC 7512 §2.3: the scheme name is case-insensitive (RFC 3986 §3.1).
        let rest = match s.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("pkcs11:") => &s[7..],
            _ => return Err(bad("it does not start with 'pkcs11:'".into())),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri::default();
        let mut seen: Vec<String> = Vec::new();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, raw) = attr
                .split_once('=')
                .ok_or_else(|| bad(format!("'{attr}' is not name=value")))?;
            if seen.iter().any(|n| n == name) {
                // RFC 7512 §2.3: a path attribute must not appear more than once.
                return Err(bad(format!("the attribute '{name}' appears twice")));
            }
            seen.push(name.to_string());
            let bytes = percent_decode(raw).map_err(&bad)?;
            let text = || {
                String::from_utf8(bytes.clone())
                    .map_err(|_| bad(format!("the value of '{name}' is not UTF-8")))
            };
            match name {
                "token" => uri.token = Some(text()?),
                "manufacturer" => uri.manufacturer = Some(text()?),
                "serial" => uri.serial = Some(text()?),
                "model" => uri.model = Some(text()?),
                "library-manufacturer" => uri.library_manufacturer = Some(text()?),
                "library-description" => uri.library_description = Some(text()?),
                "library-version" => {
                    let t = text()?;
                    let num = |x: &str| {
                        x.parse::<u8>()
                            .map_err(|_| bad(format!("library-version '{t}' is not M or M.N")))
                    };
                    uri.library_version = Some(match t.split_once('.') {
                        Some((m, n)) => (num(m)?, Some(num(n)?)),
                        None => (num(&t)?, None),
                    });
                }
                "slot-id" => {
                    let t = text()?;
                    uri.slot_id = Some(t.parse().map_err(|_| {
                        bad(format!("slot-id '{t}' is not a decimal number (RFC 7512 §2.3)"))
                    })?);
                }
                "slot-description" => uri.slot_description = Some(text()?),
                "slot-manufacturer" => uri.slot_manufacturer = Some(text()?),
                "object" => uri.object = Some(text()?),
                "id" => uri.id = Some(bytes),
                "type" => {
                    uri.object_type = Some(match text()?.as_str() {
                        "private" => ObjectType::Private,
                        "public" => ObjectType::Public,
                        "cert" => ObjectType::Cert,
                        "secret-key" => ObjectType::SecretKey,
                        "data" => ObjectType::Data,
                        other => {
                            return Err(bad(format!(
                                "type '{other}' is not one of public, private, cert, secret-key, data"
                            )))
                        }
                    })
                }
                other => {
                    return Err(bad(format!(
                        "unknown path attribute '{other}' (kyso knows token, manufacturer, serial, model, object, id, type, slot-id, slot-description, slot-manufacturer, library-manufacturer, library-description, library-version)"
                    )))
                }
            }
        }
        for attr in query.unwrap_or("").split('&').filter(|a| !a.is_empty()) {
            let (name, raw) = attr
                .split_once('=')
                .ok_or_else(|| bad(format!("'{attr}' is not name=value")))?;
            let value = String::from_utf8(percent_decode(raw).map_err(&bad)?)
                .map_err(|_| bad(format!("the value of '{name}' is not UTF-8")))?;
            let slot = match name {
                "pin-value" => {
                    return Err(bad(
                        "pin-value puts the PIN in the URI, where shell history and process lists can read it; kyso never takes a secret from the command line: give it from an environment variable, a file, a file descriptor or standard input, or with pin-source=FILE".into(),
                    ))
                }
                "pin-source" => &mut uri.pin_source,
                "module-path" => &mut uri.module_path,
                "module-name" => &mut uri.module_name,
                other => {
                    return Err(bad(format!(
                        "unknown query attribute '{other}' (kyso knows pin-source, module-path, module-name)"
                    )))
                }
            };
            if slot.is_some() {
                return Err(bad(format!("the attribute '{name}' appears twice")));
            }
            *slot = Some(value);
        }
        if matches!(
            uri.object_type,
            Some(ObjectType::SecretKey | ObjectType::Data)
        ) {
            return Err(bad(
                "documents are signed with a private key: use type=private (or type=cert to select the key by its certificate)".into(),
            ));
        }
        Ok(uri)
    }

    /// The file the `pin-source` attribute names: a path, or a `file:` URI (RFC 7512 §2.3
    /// leaves the form to the application; other schemes are refused).
    pub fn pin_source_path(&self) -> Result<Option<std::path::PathBuf>, TokenError> {
        let Some(src) = &self.pin_source else {
            return Ok(None);
        };
        let path = if let Some(p) = src.strip_prefix("file://") {
            p
        } else if let Some(p) = src.strip_prefix("file:") {
            p
        } else if src.contains(':') && !src.starts_with('/') && !src.starts_with('.') {
            return Err(TokenError::InvalidUri {
                uri: self.to_string(),
                reason: format!(
                    "pin-source '{src}' is not a file: kyso reads pin-source only from a file path or a file: URI"
                ),
            });
        } else {
            src.as_str()
        };
        Ok(Some(path.into()))
    }
}

impl fmt::Display for Pkcs11Uri {
    /// The URI again, in RFC 7512 form (values percent-encoded, `id` fully encoded).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        let mut text = |n: &str, v: &Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{n}={}", percent_encode(v.as_bytes(), false)));
            }
        };
        text("library-manufacturer", &self.library_manufacturer);
        text("library-description", &self.library_description);
        text("slot-manufacturer", &self.slot_manufacturer);
        text("slot-description", &self.slot_description);
        text("manufacturer", &self.manufacturer);
        text("model", &self.model);
        text("serial", &self.serial);
        text("token", &self.token);
        text("object", &self.object);
        if let Some((m, n)) = self.library_version {
            parts.push(match n {
                Some(n) => format!("library-version={m}.{n}"),
                None => format!("library-version={m}"),
            });
        }
        if let Some(s) = self.slot_id {
            parts.push(format!("slot-id={s}"));
        }
        if let Some(id) = &self.id {
            parts.push(format!("id={}", percent_encode(id, true)));
        }
        if let Some(t) = self.object_type {
            parts.push(format!(
                "type={}",
                match t {
                    ObjectType::Private => "private",
                    ObjectType::Public => "public",
                    ObjectType::Cert => "cert",
                    ObjectType::SecretKey => "secret-key",
                    ObjectType::Data => "data",
                }
            ));
        }
        write!(f, "pkcs11:{}", parts.join(";"))?;
        let mut query: Vec<String> = Vec::new();
        for (n, v) in [
            ("pin-source", &self.pin_source),
            ("module-name", &self.module_name),
            ("module-path", &self.module_path),
        ] {
            if let Some(v) = v {
                query.push(format!("{n}={}", percent_encode(v.as_bytes(), false)));
            }
        }
        if !query.is_empty() {
            write!(f, "?{}", query.join("&"))?;
        }
        Ok(())
    }
}

/// RFC 3986 §2.1 percent-decoding. A `%` not followed by two hex digits is an error.
fn percent_decode(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent-escape at '{}'", &s[i..]))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Percent-encode everything outside RFC 7512's `pk11-pchar` unreserved set; `all` encodes
/// every byte (the usual form for `id`).
pub(crate) fn percent_encode(v: &[u8], all: bool) -> String {
    let mut out = String::new();
    for &c in v {
        let keep =
            !all && (c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'&'));
        if keep {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_rfc_examples_and_ours() {
        // RFC 7512 §3 examples (adapted).
        let u = Pkcs11Uri::parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=",
        )
        .unwrap();
        assert_eq!(u.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(u.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(u.model.as_deref(), Some("1.0"));
        assert_eq!(u.serial.as_deref(), Some(""));
        assert_eq!(u.object_type, Some(ObjectType::Cert));
        assert_eq!(
            u.id.as_deref(),
            Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
        );
        let u = Pkcs11Uri::parse("pkcs11:slot-id=3;object=k%C3%BD%20s%E1%BB%91?pin-source=file:/run/pin&module-path=/usr/lib/softhsm/libsofthsm2.so").unwrap();
        assert_eq!(u.slot_id, Some(3));
        assert_eq!(u.object.as_deref(), Some("ký số"));
        assert_eq!(
            u.pin_source_path().unwrap().unwrap(),
            std::path::PathBuf::from("/run/pin")
        );
        assert_eq!(
            u.module_path.as_deref(),
            Some("/usr/lib/softhsm/libsofthsm2.so")
        );
        assert_eq!(Pkcs11Uri::parse("PKCS11:").unwrap(), Pkcs11Uri::default());
        assert_eq!(
            Pkcs11Uri::parse("pkcs11:library-version=2.6")
                .unwrap()
                .library_version,
            Some((2, Some(6)))
        );
    }

    #[test]
    fn display_round_trips() {
        let s = "pkcs11:token=Kyso%20Test;object=signer%20rsa;slot-id=7;id=%01%02;type=private?pin-source=%2Frun%2Fpin";
        let u = Pkcs11Uri::parse(s).unwrap();
        assert_eq!(Pkcs11Uri::parse(&u.to_string()).unwrap(), u);
    }

    #[test]
    fn refuses_what_it_must() {
        let err = |s: &str| Pkcs11Uri::parse(s).unwrap_err().to_string();
        assert!(err("pkcs11:token=a?pin-value=1234").contains("never takes a secret"));
        assert!(err("file:/x").contains("does not start with 'pkcs11:'"));
        assert!(err("pkcs11:token=a;token=b").contains("appears twice"));
        assert!(err("pkcs11:tokne=a").contains("unknown path attribute 'tokne'"));
        assert!(err("pkcs11:id=%zz").contains("bad percent-escape"));
        assert!(err("pkcs11:id=%0").contains("bad percent-escape"));
        assert!(err("pkcs11:slot-id=abc").contains("not a decimal"));
        assert!(err("pkcs11:type=secret-key").contains("private key"));
        assert!(err("pkcs11:type=blob").contains("not one of"));
        assert!(err("pkcs11:object").contains("not name=value"));
        let u = Pkcs11Uri::parse("pkcs11:?pin-source=https://x/pin").unwrap();
        assert!(u.pin_source_path().is_err());
    }
}
