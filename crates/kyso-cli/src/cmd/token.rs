//! `kyso token list`: what a PKCS#11 module sees — slots, tokens, PIN state, certificates, keys.
//! Also the shared helpers `kyso sign --pkcs11` uses to find the module and log in.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, Subcommand};

use crate::exit;
use crate::output::{self, Format};

/// Arguments of `kyso token`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// List the module's slots, tokens (label, manufacturer, model, serial, PIN state) and the
    /// certificates and keys on each token that are readable without login.
    #[command(after_help = crate::help::after_help("kyso-token-list"))]
    List(ListArgs),
}

#[derive(ClapArgs, Debug)]
struct ListArgs {
    /// PKCS#11 module (the token vendor's .so); default: KYSO_PKCS11_MODULE.
    #[arg(long, value_name = "PATH", value_parser = crate::paths::input)]
    module: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Count "days left" from this time (RFC 3339) instead of now.
    #[arg(long, value_name = "TIME", value_parser = super::parse_time)]
    at: Option<kyso::Timestamp>,
    /// Language of the text output (default from the locale).
    #[arg(long, value_enum)]
    lang: Option<crate::output::LangArg>,
}

pub fn run(a: Args) -> Result<u8> {
    match a.command {
        TokenCommand::List(l) => list(l),
    }
}

impl Args {
    /// The `--lang` given to the subcommand, if any.
    pub fn lang(&self) -> Option<crate::output::LangArg> {
        match &self.command {
            TokenCommand::List(l) => l.lang,
        }
    }
}

/// The module to load: `--module`, then the URI's `module-path`, then `KYSO_PKCS11_MODULE`.
pub fn module_path(flag: Option<&PathBuf>, uri: Option<&kyso::Pkcs11Uri>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.clone());
    }
    if let Some(p) = uri.and_then(|u| u.module_path.as_ref()) {
        return Ok(PathBuf::from(p));
    }
    match std::env::var_os("KYSO_PKCS11_MODULE") {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => Err(kyso::TokenError::NoModule.into()),
    }
}

fn list(a: ListArgs) -> Result<u8> {
    let path = module_path(a.module.as_ref(), None)?;
    let module = kyso::Pkcs11Module::load(&path)?;
    let info = module.info()?;
    let slots = module.inventory()?;
    let at = a.at.unwrap_or_else(kyso::Timestamp::now);
    match a.format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema": "kyso.token-list/v1",
                "module": {
                    "path": info.path, "library_description": info.library_description,
                    "manufacturer": info.manufacturer, "library_version": info.library_version,
                    "cryptoki_version": info.cryptoki_version,
                },
                "slots": slots.iter().map(|s| slot_json(s, at)).collect::<Vec<_>>(),
            });
            output::print(&(serde_json::to_string_pretty(&doc)? + "\n"));
        }
        Format::Text => output::print(&slots_text(&info, &slots, at)),
    }
    Ok(exit::OK)
}

fn slot_json(s: &kyso::SlotInventory, at: kyso::Timestamp) -> serde_json::Value {
    let token = s.token.as_ref().map(|t| {
        serde_json::json!({
            "label": t.label, "manufacturer": t.manufacturer, "model": t.model,
            "serial": t.serial, "initialized": t.initialized,
            "login_required": t.login_required,
            "protected_authentication_path": t.protected_authentication_path,
            "pin": {
                "state": t.pin.code(), "count_low": t.pin.count_low,
                "final_try": t.pin.final_try, "locked": t.pin.locked,
                "to_be_changed": t.pin.to_be_changed, "message": t.pin.to_string(),
            },
            "certificates": s.certificates.iter().map(|c| match &c.certificate {
                Ok(cert) => serde_json::json!({
                    "label": c.label, "id": c.id, "uri": key_uri(&t.label, &c.id),
                    "subject": cert.subject(),
                    "issuer": cert.issuer(), "serial": cert.serial_hex(),
                    "not_before": cert.not_before(), "not_after": cert.not_after(),
                    "days_left": at.days_until(cert.not_after()),
                    "key": cert.key_info(), "is_ca": cert.is_ca(),
                    "sha256_fingerprint": cert.sha256_fingerprint(),
                }),
                Err(e) => serde_json::json!({"label": c.label, "id": c.id, "error": e}),
            }).collect::<Vec<_>>(),
            "keys": s.keys.iter().map(|k| serde_json::json!({
                "class": k.class, "label": k.label, "id": k.id, "type": k.kind, "bits": k.bits,
            })).collect::<Vec<_>>(),
        })
    });
    serde_json::json!({
        "slot_id": s.slot_id, "description": s.description, "manufacturer": s.manufacturer,
        "token": token, "error": s.error,
    })
}

fn slots_text(
    info: &kyso::ModuleInfo,
    slots: &[kyso::SlotInventory],
    at: kyso::Timestamp,
) -> String {
    use crate::tr;
    let lang = crate::msg::lang();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(
            "list_module",
            path = info.path.display(),
            description = info.library_description,
            manufacturer = info.manufacturer,
            version = info.library_version,
            cryptoki = info.cryptoki_version
        )
    );
    for s in slots {
        let _ = writeln!(
            o,
            "\n{}",
            tr!(
                "list_slot",
                id = s.slot_id,
                description = s.description,
                manufacturer = s.manufacturer
            )
        );
        let Some(t) = &s.token else {
            let _ = writeln!(o, "  {}", tr!("list_no_token"));
            continue;
        };
        if !t.initialized {
            let _ = writeln!(o, "  {}", tr!("list_not_initialised"));
            continue;
        }
        let _ = writeln!(
            o,
            "  {}",
            tr!(
                "list_token",
                label = t.label,
                manufacturer = t.manufacturer,
                model = t.model,
                serial = t.serial
            )
        );
        let _ = writeln!(o, "    {}", tr!("list_pin", state = t.pin.message(lang)));
        if t.protected_authentication_path {
            let _ = writeln!(o, "    {}", tr!("list_pin_pad"));
        }
        let pkcs11 = format!("pkcs11:token={}", kyso_uri_escape(&t.label));
        let _ = writeln!(o, "    URI: {pkcs11}");
        if let Some(e) = &s.error {
            let _ = writeln!(o, "    {}", tr!("list_objects_unreadable", error = e));
        }
        let _ = writeln!(
            o,
            "    {}",
            tr!("list_certificates", n = s.certificates.len())
        );
        for c in &s.certificates {
            match &c.certificate {
                Ok(cert) => {
                    let days = at.days_until(cert.not_after());
                    let left = if days >= 0 {
                        tr!("days_left", n = days)
                    } else {
                        tr!("expired_days_ago", n = -days)
                    };
                    let _ = writeln!(
                        o,
                        "      id {} '{}': {}\n        {}\n        {} .. {} ({left}), {}{}",
                        c.id,
                        c.label,
                        cert.subject(),
                        tr!("list_issuer", issuer = cert.issuer()),
                        cert.not_before(),
                        cert.not_after(),
                        cert.key_info(),
                        if cert.is_ca() { ", CA" } else { "" }
                    );
                    if !cert.is_ca() && !c.id.is_empty() {
                        let _ = writeln!(
                            o,
                            "        {}",
                            tr!("list_sign_with", uri = key_uri(&t.label, &c.id))
                        );
                    }
                }
                Err(e) => {
                    let _ = writeln!(
                        o,
                        "      id {} '{}': {}",
                        c.id,
                        c.label,
                        tr!("list_bad_certificate", error = e)
                    );
                }
            }
        }
        let _ = writeln!(o, "    {}", tr!("list_keys", n = s.keys.len()));
        for k in &s.keys {
            let bits = k.bits.map(|b| tr!("bits", n = b)).unwrap_or_default();
            let _ = writeln!(
                o,
                "      {}",
                tr!(
                    "list_key",
                    class = match (lang, k.class) {
                        (kyso::Lang::Vi, "private") => "bí mật",
                        (kyso::Lang::Vi, "public") => "công khai",
                        (_, c) => c,
                    },
                    id = k.id,
                    label = k.label,
                    kind = k.kind.to_uppercase(),
                    bits = bits
                )
            );
        }
    }
    o
}

/// The `--pkcs11` URI that selects the key with CKA_ID `id_hex` on token `label`.
fn key_uri(label: &str, id_hex: &str) -> String {
    kyso::Pkcs11Uri {
        token: Some(label.to_string()),
        id: hex_bytes(id_hex),
        ..Default::default()
    }
    .to_string()
}

fn hex_bytes(h: &str) -> Option<Vec<u8>> {
    (0..h.len())
        .step_by(2)
        .map(|i| h.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

fn kyso_uri_escape(label: &str) -> String {
    kyso::Pkcs11Uri {
        token: Some(label.to_string()),
        ..Default::default()
    }
    .to_string()
    .trim_start_matches("pkcs11:token=")
    .to_string()
}

/// Decide, before a PIN is asked for, whether the final try may be spent: `--confirm-final-pin-try`,
/// or "yes" typed at a terminal. Without either, refuse (never lock a token by default).
pub fn confirm_final_try(
    token: &kyso::TokenDescription,
    flag: bool,
    can_ask: bool,
    ask: &mut dyn FnMut() -> Result<String>,
) -> Result<bool> {
    if !token.pin.final_try || token.pin.locked {
        return Ok(false);
    }
    eprintln!(
        "kyso: {}",
        crate::tr!("final_try_warning", token = token.label)
    );
    if flag {
        eprintln!("kyso: {}", crate::tr!("final_try_flag"));
        return Ok(true);
    }
    if !can_ask {
        return Err(kyso::TokenError::FinalTryNotConfirmed {
            token: token.label.clone(),
        }
        .into());
    }
    let answer = ask()?;
    let answer = answer.trim().to_lowercase();
    // "có" is yes in Vietnamese; typed precomposed or decomposed.
    let co = unicode_normalization::UnicodeNormalization::nfc(answer.as_str()).collect::<String>();
    if answer == "yes" || co == "có" {
        Ok(true)
    } else {
        bail!(crate::tr!("final_try_refused"))
    }
}

/// Open the token a `--pkcs11` URI names, report its PIN state, log in once and take the key.
pub fn open_signing_key(
    uri_text: &str,
    module: Option<&PathBuf>,
    pass: Option<&crate::secret::SecretSource>,
    cert: Option<kyso::Certificate>,
    extra_chain: Vec<kyso::Certificate>,
    confirm: bool,
) -> Result<(kyso::SigningKey, kyso::Token)> {
    let uri = kyso::Pkcs11Uri::parse(uri_text)?;
    let path = module_path(module, Some(&uri))?;
    let module = kyso::Pkcs11Module::load(&path)?;
    let token = module.open(&uri)?;
    let d = token.description().clone();
    eprintln!(
        "kyso: {}",
        crate::tr!(
            "token_found",
            label = d.label,
            manufacturer = d.manufacturer,
            model = d.model,
            serial = d.serial,
            slot = d.slot_id,
            module = path.display()
        )
    );
    eprintln!(
        "kyso: {}",
        crate::tr!("token_pin_state", state = d.pin.message(crate::msg::lang()))
    );
    if d.pin.locked {
        return Err(kyso::TokenError::PinLocked { token: d.label }.into());
    }
    let from_uri = uri.pin_source_path()?;
    let source = match (pass, from_uri) {
        (Some(_), Some(_)) => {
            bail!(crate::tr!("pin_given_twice"))
        }
        (Some(s), None) => Some(s.clone()),
        (None, Some(p)) => Some(crate::secret::SecretSource::File(
            p.to_string_lossy().into_owned(),
        )),
        (None, None) => None,
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let can_ask = interactive && !matches!(source, Some(crate::secret::SecretSource::Stdin));
    let confirmed = confirm_final_try(&d, confirm, can_ask, &mut || {
        eprint!("kyso: {}", crate::tr!("final_try_ask"));
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .with_context(|| crate::tr!("cannot_read_confirmation"))?;
        Ok(line)
    })?;
    if d.protected_authentication_path && source.is_none() {
        eprintln!("kyso: {}", crate::tr!("pin_pad"));
        token.login(None, confirmed)?;
    } else {
        let pin = crate::secret::read(source.as_ref(), &crate::tr!("prompt_pin", token = d.label))?;
        token.login(Some(&pin), confirmed)?;
    }
    eprintln!("kyso: {}", crate::tr!("logged_in", token = d.label));
    let key = token.signing_key(&uri, cert)?.with_chain(extra_chain);
    Ok((key, token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(pin: kyso::PinState) -> kyso::TokenDescription {
        kyso::TokenDescription {
            slot_id: 0,
            label: "t".into(),
            manufacturer: "m".into(),
            model: "x".into(),
            serial: "1".into(),
            pin,
            initialized: true,
            login_required: true,
            protected_authentication_path: false,
            min_pin_len: 4,
            max_pin_len: 255,
        }
    }

    /// Synthetic CK_TOKEN_INFO flags (SoftHSM2 never reports final try or locked): the
    /// decision before a PIN is asked for.
    #[test]
    fn final_try_needs_explicit_confirmation() {
        let fin = kyso::PinState {
            count_low: true,
            final_try: true,
            ..Default::default()
        };
        let mut never = || -> Result<String> { panic!("must not ask") };
        // Not final try: nothing to confirm, nothing asked.
        assert!(
            !confirm_final_try(&token(kyso::PinState::default()), false, true, &mut never).unwrap()
        );
        // Script without the flag: refused with the hint.
        let e = confirm_final_try(&token(fin), false, false, &mut never).unwrap_err();
        let hint = crate::advice::for_anyhow(&e, kyso::Lang::En);
        assert!(
            hint.is_some_and(|h| h.contains("--confirm-final-pin-try")),
            "{e}"
        );
        // The flag confirms.
        assert!(confirm_final_try(&token(fin), true, false, &mut never).unwrap());
        // At a terminal: only "yes" confirms.
        assert!(confirm_final_try(&token(fin), false, true, &mut || Ok("yes\n".into())).unwrap());
        assert!(confirm_final_try(&token(fin), false, true, &mut || Ok("có\n".into())).unwrap());
        assert!(confirm_final_try(&token(fin), false, true, &mut || Ok("y\n".into())).is_err());
        assert!(confirm_final_try(&token(fin), false, true, &mut || Ok(String::new())).is_err());
    }
}
