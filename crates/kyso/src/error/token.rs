//! PKCS#11 errors. They live here, not in the `pkcs11` module, so that `kyso::Error` (and
//! every layer that returns it) does not depend on the token code, which is an optional feature.

use serde::Serialize;

/// What went wrong with a PKCS#11 module or token; each message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The `pkcs11:` URI is malformed or asks for something kyso refuses.
    #[error("invalid PKCS#11 URI '{uri}': {reason}")]
    InvalidUri {
        /// The URI as given.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No module path was given.
    #[error("no PKCS#11 module was given; hint: name the token vendor's PKCS#11 library (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)")]
    NoModule,
    /// The module file does not exist.
    #[error("the PKCS#11 module {path} does not exist; hint: install the token's driver, or give the path of its PKCS#11 library (.so)")]
    ModuleNotFound {
        /// The path given.
        path: String,
    },
    /// The module exists but could not be loaded as a PKCS#11 library.
    #[error("the PKCS#11 module {path} could not be loaded: {reason}; hint: give the vendor's PKCS#11 library built for this machine (not its GUI program or a 32-bit build)")]
    ModuleNotLoadable {
        /// The path given.
        path: String,
        /// The loader's or the module's reason.
        reason: String,
    },
    /// C_Initialize failed.
    #[error("the PKCS#11 module {path} failed to start (C_Initialize: {rv}); hint: check the driver's configuration (for SoftHSM2, SOFTHSM2_CONF and its tokendir)")]
    ModuleInit {
        /// The module.
        path: String,
        /// The PKCS#11 return value.
        rv: String,
    },
    /// No slot holds a token.
    #[error("no token is present in any slot of {module}; hint: plug in the USB token, then check with `kyso token list`")]
    NoTokenPresent {
        /// The module.
        module: String,
    },
    /// Tokens are present but none matches the URI.
    #[error("no token matches {uri}; tokens present: {}; hint: copy the token label or serial from `kyso token list`", list(.available))]
    NoTokenMatches {
        /// The URI.
        uri: String,
        /// The tokens present (label, serial, slot).
        available: Vec<String>,
    },
    /// More than one token matches the URI.
    #[error("several tokens match {uri}: {}; hint: add token=, serial= or slot-id= to the URI", list(.candidates))]
    SeveralTokensMatch {
        /// The URI.
        uri: String,
        /// The matching tokens.
        candidates: Vec<String>,
    },
    /// The token reports that the user PIN is locked (CKF_USER_PIN_LOCKED).
    #[error("the user PIN of token '{token}' is locked: no login is possible; hint: unlock it with the security officer (SO) PIN or PUK in the token vendor's tool; kyso never tries a PIN on a locked token")]
    PinLocked {
        /// The token label.
        token: String,
    },
    /// The token reports that the next wrong PIN locks it, and the caller did not confirm.
    #[error("token '{token}' reports that the next wrong PIN locks it (CKF_USER_PIN_FINAL_TRY); not logging in without explicit confirmation; hint: make sure of the PIN, then confirm the final try explicitly")]
    FinalTryNotConfirmed {
        /// The token label.
        token: String,
    },
    /// C_Login returned CKR_PIN_INCORRECT.
    #[error("token '{token}' rejected the PIN (CKR_PIN_INCORRECT); the token now reports: {}; kyso does not retry a PIN: check it before running again", .after.map_or_else(|| "(its PIN state could not be read)".to_string(), |a| a.to_string()))]
    PinIncorrect {
        /// The token label.
        token: String,
        /// The PIN state the token reports after the failed attempt (`None` when it could
        /// not be read).
        after: Option<PinState>,
    },
    /// C_Login returned CKR_PIN_EXPIRED (or the token says the PIN must be changed).
    #[error("the PIN of token '{token}' has expired (CKR_PIN_EXPIRED); hint: change it with the token vendor's tool, then sign again")]
    PinExpired {
        /// The token label.
        token: String,
    },
    /// The PIN's length is outside what the token accepts; nothing was sent to the token.
    #[error("the PIN has {len} characters but token '{token}' accepts {min} to {max}; it was not sent to the token (no try used)")]
    PinLength {
        /// The token label.
        token: String,
        /// Length of the PIN given.
        len: usize,
        /// ulMinPinLen.
        min: usize,
        /// ulMaxPinLen.
        max: usize,
    },
    /// No private key matches the URI.
    #[error("no private key on token '{token}' matches {uri}; private keys on the token: {}; hint: pick one with object=LABEL or id=%HEX (see `kyso token list`)", list(.available))]
    KeyNotFound {
        /// The token label.
        token: String,
        /// The URI.
        uri: String,
        /// The private keys the token shows after login.
        available: Vec<String>,
    },
    /// Several private keys match the URI.
    #[error("several private keys on token '{token}' match {uri}: {}; hint: add object=LABEL or id=%HEX to the URI", list(.candidates))]
    SeveralKeysMatch {
        /// The token label.
        token: String,
        /// The URI.
        uri: String,
        /// The matching keys.
        candidates: Vec<String>,
    },
    /// The key's certificate is not on the token.
    #[error("no certificate for the key {key} was found on token '{token}' (none with the same CKA_ID or label); hint: give the certificate as a file")]
    CertificateNotFound {
        /// The token label.
        token: String,
        /// The key (label and id).
        key: String,
    },
    /// A certificate object on the token could not be parsed.
    #[error("the certificate {object} on token '{token}' is not a valid X.509 certificate: {reason}; hint: give the certificate as a file")]
    BadCertificate {
        /// The token label.
        token: String,
        /// The object (label and id).
        object: String,
        /// The parser's reason.
        reason: String,
    },
    /// The key on the token is not the key of the certificate.
    #[error("the key {key} on token '{token}' does not belong to the certificate '{subject}'; hint: select the key with the certificate's id (see `kyso token list`) or give the right certificate file")]
    KeyCertificateMismatch {
        /// The token label.
        token: String,
        /// The key (label and id).
        key: String,
        /// The certificate's subject.
        subject: String,
    },
    /// The key may not sign (CKA_SIGN false) or is of a type kyso cannot sign with.
    #[error("the key {key} on token '{token}' cannot sign documents: {reason}")]
    KeyCannotSign {
        /// The token label.
        token: String,
        /// The key (label and id).
        key: String,
        /// Why.
        reason: String,
    },
    /// The token does not offer a mechanism for the signature scheme.
    #[error("token '{token}' does not support {needed} for {scheme} signatures; hint: {hint}")]
    MechanismNotSupported {
        /// The token label.
        token: String,
        /// The mechanisms kyso can use for this scheme.
        needed: String,
        /// The signature scheme (`rsa-pss-sha256`).
        scheme: String,
        /// What to try instead.
        hint: String,
    },
    /// The token was removed or its session closed while in use.
    #[error("token '{token}' was removed or its session closed ({rv}); hint: plug it in again and run again (nothing further was signed)")]
    TokenRemoved {
        /// The token label.
        token: String,
        /// The PKCS#11 return value.
        rv: String,
    },
    /// Any other PKCS#11 failure.
    #[error("PKCS#11 {function} failed on token '{token}': {rv}")]
    Pkcs11 {
        /// The token label (empty before a token is chosen).
        token: String,
        /// The PKCS#11 function.
        function: String,
        /// The return value or reason.
        rv: String,
    },
}

impl TokenError {
    /// A stable machine-readable code, `token_` and the variant in snake_case
    /// (`token_pin_incorrect`, `token_pin_locked`, `token_key_not_found`, ...).
    pub fn code(&self) -> &'static str {
        use TokenError::*;
        match self {
            InvalidUri { .. } => "token_invalid_uri",
            NoModule => "token_no_module",
            ModuleNotFound { .. } => "token_module_not_found",
            ModuleNotLoadable { .. } => "token_module_not_loadable",
            ModuleInit { .. } => "token_module_init",
            NoTokenPresent { .. } => "token_no_token_present",
            NoTokenMatches { .. } => "token_no_token_matches",
            SeveralTokensMatch { .. } => "token_several_tokens_match",
            PinLocked { .. } => "token_pin_locked",
            FinalTryNotConfirmed { .. } => "token_final_try_not_confirmed",
            PinIncorrect { .. } => "token_pin_incorrect",
            PinExpired { .. } => "token_pin_expired",
            PinLength { .. } => "token_pin_length",
            KeyNotFound { .. } => "token_key_not_found",
            SeveralKeysMatch { .. } => "token_several_keys_match",
            CertificateNotFound { .. } => "token_certificate_not_found",
            BadCertificate { .. } => "token_bad_certificate",
            KeyCertificateMismatch { .. } => "token_key_certificate_mismatch",
            KeyCannotSign { .. } => "token_key_cannot_sign",
            MechanismNotSupported { .. } => "token_mechanism_not_supported",
            TokenRemoved { .. } => "token_token_removed",
            Pkcs11 { .. } => "token_pkcs11",
        }
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The user PIN state a token reports in CK_TOKEN_INFO.flags (PKCS#11 §3.2, Table 8). Tokens
/// are not required to report these flags: "no wrong PIN reported" is what the token says,
/// not a guarantee.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PinState {
    /// CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since the last successful login.
    pub count_low: bool,
    /// CKF_USER_PIN_FINAL_TRY: the next wrong PIN locks the token.
    pub final_try: bool,
    /// CKF_USER_PIN_LOCKED: the PIN is locked; no login is possible.
    pub locked: bool,
    /// CKF_USER_PIN_TO_BE_CHANGED: the PIN is the initial one or has expired.
    pub to_be_changed: bool,
}

impl PinState {
    /// A stable code for reports: `locked`, `final_try`, `count_low` or `ok`.
    pub fn code(&self) -> &'static str {
        if self.locked {
            "locked"
        } else if self.final_try {
            "final_try"
        } else if self.count_low {
            "count_low"
        } else {
            "ok"
        }
    }
}

impl std::fmt::Display for PinState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.locked {
            "PIN locked (CKF_USER_PIN_LOCKED): no login is possible"
        } else if self.final_try {
            "final try (CKF_USER_PIN_FINAL_TRY): the next wrong PIN locks the token"
        } else if self.count_low {
            "count low (CKF_USER_PIN_COUNT_LOW): a wrong PIN was entered since the last successful login"
        } else {
            "no wrong PIN reported"
        })?;
        if self.to_be_changed {
            f.write_str("; the PIN must be changed (CKF_USER_PIN_TO_BE_CHANGED)")?;
        }
        Ok(())
    }
}
