//! PKCS#11 tokens (USB tokens, smart cards, HSMs): loading the vendor's module, finding the
//! token and key an RFC 7512 URI names, logging in once, and signing on the token.
//!
//! References: "PKCS #11 Cryptographic Token Interface Base Specification" v2.40 (and v3.0,
//! which keeps these parts unchanged) — cited as *PKCS#11 §x* — and "PKCS #11 Current
//! Mechanisms Specification" v2.40 — cited as *Mechanisms §x*.
//!
//! The private key never leaves the token: kyso hashes on the host and asks the token for the
//! raw signature primitive (CKM_RSA_PKCS over a DigestInfo, CKM_RSA_PKCS_PSS or CKM_ECDSA over
//! the digest), falling back to the hash-and-sign mechanisms (CKM_SHA256_RSA_PKCS, ...) when a
//! token offers only those. Every signature a token returns is checked against the signer's
//! certificate before it is written, so a wrong key or a faulty token never produces a file.

mod uri;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{
    Attribute, AttributeType, CertificateType, KeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::{AuthPin, RawAuthPin, Ulong};

use crate::crypto::{self, DigestAlgorithm, SignatureScheme};
use crate::encoding::asn1::{self, tag};
use crate::keys::{SignatureBackend, SigningKey};
use crate::x509::cert::Certificate;

use crate::error::{PinState, TokenError};
pub use uri::{ObjectType, Pkcs11Uri};

/// The PKCS#11 library's own description (C_GetInfo, PKCS#11 §5.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// The module file.
    pub path: PathBuf,
    /// libraryDescription.
    pub library_description: String,
    /// manufacturerID.
    pub manufacturer: String,
    /// libraryVersion (`2.6`).
    pub library_version: String,
    /// The Cryptoki version the library implements (`2.40`, `3.0`).
    pub cryptoki_version: String,
}

/// A token as CK_TOKEN_INFO describes it (PKCS#11 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenDescription {
    /// The slot it is in (CK_SLOT_ID).
    pub slot_id: u64,
    /// label.
    pub label: String,
    /// manufacturerID.
    pub manufacturer: String,
    /// model.
    pub model: String,
    /// serialNumber.
    pub serial: String,
    /// The user PIN state.
    pub pin: PinState,
    /// CKF_TOKEN_INITIALIZED.
    pub initialized: bool,
    /// CKF_LOGIN_REQUIRED.
    pub login_required: bool,
    /// CKF_PROTECTED_AUTHENTICATION_PATH: the PIN is entered on a PIN pad, not given by kyso.
    pub protected_authentication_path: bool,
    /// ulMinPinLen.
    pub min_pin_len: usize,
    /// ulMaxPinLen.
    pub max_pin_len: usize,
}

impl TokenDescription {
    fn short(&self) -> String {
        format!(
            "'{}' (serial {}, slot {})",
            self.label, self.serial, self.slot_id
        )
    }
}

/// A certificate object on a token.
#[derive(Debug, Clone)]
pub struct TokenCertificate {
    /// CKA_LABEL.
    pub label: String,
    /// CKA_ID (hex).
    pub id: String,
    /// The parsed certificate, or why it could not be parsed.
    pub certificate: Result<Certificate, String>,
}

/// A key object on a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenKeyDescription {
    /// `private` or `public`.
    pub class: &'static str,
    /// CKA_LABEL.
    pub label: String,
    /// CKA_ID (hex).
    pub id: String,
    /// `rsa`, `ec` or another CKA_KEY_TYPE name.
    pub kind: String,
    /// Size in bits (RSA modulus or EC field size), when the token shows it.
    pub bits: Option<u32>,
}

/// One slot of a module, with its token and the objects visible without login.
#[derive(Debug, Clone)]
pub struct SlotInventory {
    /// CK_SLOT_ID.
    pub slot_id: u64,
    /// slotDescription.
    pub description: String,
    /// manufacturerID of the slot.
    pub manufacturer: String,
    /// The token, when one is present.
    pub token: Option<TokenDescription>,
    /// Certificates on the token.
    pub certificates: Vec<TokenCertificate>,
    /// Keys on the token visible without login (private keys are usually private objects and
    /// so are not listed; their public keys are).
    pub keys: Vec<TokenKeyDescription>,
    /// Why the token's objects could not be read, if they could not.
    pub error: Option<String>,
}

/// A loaded and initialised PKCS#11 module. Cheap to clone.
///
/// A module stays loaded and initialised until the process ends: C_Finalize is not called,
/// because another part of the same process may still use the module (PKCS#11 §5.4 makes
/// initialisation process-wide), and loading the same path twice returns the same module.
#[derive(Clone)]
pub struct Pkcs11Module {
    ctx: Pkcs11,
    path: PathBuf,
}

impl std::fmt::Debug for Pkcs11Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pkcs11Module({})", self.path.display())
    }
}

type Registry = Mutex<Vec<(PathBuf, Pkcs11)>>;

fn registry() -> &'static Registry {
    static MODULES: OnceLock<Registry> = OnceLock::new();
    MODULES.get_or_init(|| Mutex::new(Vec::new()))
}

fn rv_of(e: &CkError) -> Option<RvError> {
    match e {
        CkError::Pkcs11(rv, _) => Some(*rv),
        _ => None,
    }
}

fn ck_name(e: &CkError) -> String {
    match e {
        CkError::Pkcs11(rv, _) => format!("{rv:?} ({rv})"),
        other => other.to_string(),
    }
}

impl Pkcs11Module {
    /// Load and initialise the PKCS#11 module at `path` (C_GetFunctionList or C_GetInterface,
    /// then C_Initialize with OS locking, PKCS#11 §5.4).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, TokenError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(TokenError::ModuleNotFound { path: shown });
        }
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut reg = registry().lock().map_err(|_| TokenError::ModuleInit {
            path: shown.clone(),
            rv: "an earlier thread panicked while loading a module".into(),
        })?;
        if let Some((_, ctx)) = reg.iter().find(|(p, _)| *p == key) {
            return Ok(Pkcs11Module {
                ctx: ctx.clone(),
                path: path.to_path_buf(),
            });
        }
        let ctx = Pkcs11::new(path).map_err(|e| TokenError::ModuleNotLoadable {
            path: shown.clone(),
            reason: match &e {
                CkError::LibraryLoading(l) => l.to_string(),
                CkError::MissingSymbol(s) => {
                    format!("it has no {s} function, so it is not a PKCS#11 library")
                }
                other => other.to_string(),
            },
        })?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => {}
            // Another library in this process initialised it already: it is usable.
            Err(e) if rv_of(&e) == Some(RvError::CryptokiAlreadyInitialized) => {}
            Err(e) => {
                return Err(TokenError::ModuleInit {
                    path: shown,
                    rv: ck_name(&e),
                })
            }
        }
        reg.push((key, ctx.clone()));
        Ok(Pkcs11Module {
            ctx,
            path: path.to_path_buf(),
        })
    }

    /// The module file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, token: &str, function: &str, e: &CkError) -> TokenError {
        match rv_of(e) {
            Some(
                RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::SessionClosed
                | RvError::SessionHandleInvalid,
            ) => TokenError::TokenRemoved {
                token: token.into(),
                rv: ck_name(e),
            },
            _ => TokenError::Pkcs11 {
                token: token.into(),
                function: function.into(),
                rv: ck_name(e),
            },
        }
    }

    /// The library's description (C_GetInfo).
    pub fn info(&self) -> Result<ModuleInfo, TokenError> {
        let i = self
            .ctx
            .get_library_info()
            .map_err(|e| self.fail("", "C_GetInfo", &e))?;
        Ok(ModuleInfo {
            path: self.path.clone(),
            library_description: i.library_description().trim_end().to_string(),
            manufacturer: i.manufacturer_id().trim_end().to_string(),
            library_version: format!(
                "{}.{}",
                i.library_version().major(),
                i.library_version().minor()
            ),
            cryptoki_version: format!(
                "{}.{}",
                i.cryptoki_version().major(),
                i.cryptoki_version().minor()
            ),
        })
    }

    fn describe(&self, slot: Slot) -> Result<TokenDescription, TokenError> {
        let t = self
            .ctx
            .get_token_info(slot)
            .map_err(|e| self.fail("", "C_GetTokenInfo", &e))?;
        Ok(TokenDescription {
            slot_id: slot.id(),
            label: t.label().trim_end().to_string(),
            manufacturer: t.manufacturer_id().trim_end().to_string(),
            model: t.model().trim_end().to_string(),
            serial: t.serial_number().trim_end().to_string(),
            pin: PinState {
                count_low: t.user_pin_count_low(),
                final_try: t.user_pin_final_try(),
                locked: t.user_pin_locked(),
                to_be_changed: t.user_pin_to_be_changed(),
            },
            initialized: t.token_initialized(),
            login_required: t.login_required(),
            protected_authentication_path: t.protected_authentication_path(),
            min_pin_len: t.min_pin_length(),
            max_pin_len: t.max_pin_length(),
        })
    }

    /// Every slot, its token and the objects readable without login (for `kyso token list`).
    pub fn inventory(&self) -> Result<Vec<SlotInventory>, TokenError> {
        let slots = self
            .ctx
            .get_all_slots()
            .map_err(|e| self.fail("", "C_GetSlotList", &e))?;
        let mut out = Vec::new();
        for slot in slots {
            let info = self
                .ctx
                .get_slot_info(slot)
                .map_err(|e| self.fail("", "C_GetSlotInfo", &e))?;
            let mut inv = SlotInventory {
                slot_id: slot.id(),
                description: info.slot_description().trim_end().to_string(),
                manufacturer: info.manufacturer_id().trim_end().to_string(),
                token: None,
                certificates: Vec::new(),
                keys: Vec::new(),
                error: None,
            };
            if info.token_present() {
                match self.describe(slot) {
                    Ok(d) => {
                        if d.initialized {
                            if let Err(e) = self.read_objects(slot, &d.label, &mut inv) {
                                inv.error = Some(e.to_string());
                            }
                        }
                        inv.token = Some(d);
                    }
                    Err(e) => inv.error = Some(e.to_string()),
                }
            }
            out.push(inv);
        }
        Ok(out)
    }

    fn read_objects(
        &self,
        slot: Slot,
        label: &str,
        inv: &mut SlotInventory,
    ) -> Result<(), TokenError> {
        let session = self
            .ctx
            .open_ro_session(slot)
            .map_err(|e| self.fail(label, "C_OpenSession", &e))?;
        let s = Objects {
            session: &session,
            module: self,
            token: label,
        };
        inv.certificates = s.certificates()?;
        for (class, name) in [
            (ObjectClass::PRIVATE_KEY, "private"),
            (ObjectClass::PUBLIC_KEY, "public"),
        ] {
            for h in s.find(&[Attribute::Class(class)])? {
                let a = s.key_attributes(h)?;
                inv.keys.push(TokenKeyDescription {
                    class: name,
                    label: a.label.clone(),
                    id: hex::encode(&a.id),
                    kind: a.kind_name(),
                    bits: a.bits(),
                });
            }
        }
        Ok(())
    }

    /// Find the one token `uri` names and open a session on it (not logged in yet).
    pub fn open(&self, uri: &Pkcs11Uri) -> Result<Token, TokenError> {
        let info = self.info()?;
        let library_matches = uri
            .library_manufacturer
            .as_ref()
            .is_none_or(|m| *m == info.manufacturer)
            && uri
                .library_description
                .as_ref()
                .is_none_or(|d| *d == info.library_description)
            && uri.library_version.is_none_or(|(m, n)| {
                let v = format!("{m}.{}", n.unwrap_or(0));
                info.library_version == v
                    || (n.is_none() && info.library_version.starts_with(&format!("{m}.")))
            });
        let slots = self
            .ctx
            .get_slots_with_token()
            .map_err(|e| self.fail("", "C_GetSlotList", &e))?;
        let mut present = Vec::new();
        let mut matching = Vec::new();
        for slot in slots {
            let d = self.describe(slot)?;
            if !d.initialized {
                // CKF_TOKEN_INITIALIZED clear: it holds no keys yet (PKCS#11 §3.2).
                present.push(format!("an uninitialised token in slot {}", slot.id()));
                continue;
            }
            let sinfo = self
                .ctx
                .get_slot_info(slot)
                .map_err(|e| self.fail(&d.label, "C_GetSlotInfo", &e))?;
            let eq = |want: &Option<String>, have: &str| want.as_ref().is_none_or(|w| w == have);
            // RFC 7512 §2.5 (URI matching guidelines): every attribute present must match; absent ones
            // match anything.
            let matches = library_matches
                && eq(&uri.token, &d.label)
                && eq(&uri.manufacturer, &d.manufacturer)
                && eq(&uri.model, &d.model)
                && eq(&uri.serial, &d.serial)
                && uri.slot_id.is_none_or(|id| id == slot.id())
                && eq(&uri.slot_description, sinfo.slot_description().trim_end())
                && eq(&uri.slot_manufacturer, sinfo.manufacturer_id().trim_end());
            present.push(d.short());
            if matches {
                matching.push((slot, d));
            }
        }
        if present.is_empty() {
            return Err(TokenError::NoTokenPresent {
                module: self.path.display().to_string(),
            });
        }
        if matching.len() > 1 {
            return Err(TokenError::SeveralTokensMatch {
                uri: uri.to_string(),
                candidates: matching.iter().map(|(_, d)| d.short()).collect(),
            });
        }
        let Some((slot, description)) = matching.pop() else {
            return Err(TokenError::NoTokenMatches {
                uri: uri.to_string(),
                available: present,
            });
        };
        // A read-only session is enough to sign (PKCS#11 §5.6: C_Sign needs no R/W session).
        let session = self
            .ctx
            .open_ro_session(slot)
            .map_err(|e| self.fail(&description.label, "C_OpenSession", &e))?;
        Ok(Token {
            inner: Arc::new(TokenInner {
                session: Mutex::new(session),
                module: self.clone(),
                slot,
                description,
                logins: AtomicU32::new(0),
                signatures: AtomicU32::new(0),
            }),
        })
    }
}

struct TokenInner {
    // Declared before `module` so the session closes before the module handle goes.
    session: Mutex<Session>,
    module: Pkcs11Module,
    slot: Slot,
    description: TokenDescription,
    logins: AtomicU32,
    signatures: AtomicU32,
}

/// An open session on one token. Log in once with [`Token::login`], then take any number of
/// signing keys from it; they share the login.
#[derive(Clone)]
pub struct Token {
    inner: Arc<TokenInner>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({})", self.inner.description.short())
    }
}

impl Token {
    /// The token as it was described when it was opened.
    pub fn description(&self) -> &TokenDescription {
        &self.inner.description
    }

    fn label(&self) -> &str {
        &self.inner.description.label
    }

    /// The PIN state the token reports now (re-read from CK_TOKEN_INFO).
    pub fn pin_state(&self) -> Result<PinState, TokenError> {
        Ok(self.inner.module.describe(self.inner.slot)?.pin)
    }

    /// How many times C_Login was called through this token handle. kyso never retries a
    /// PIN, so a batch signed after one [`Token::login`] shows 1.
    pub fn login_count(&self) -> u32 {
        self.inner.logins.load(Ordering::SeqCst)
    }

    /// How many signatures (C_Sign) were asked of the token through this handle: one per
    /// signature made, plus one test signature when a key shows no public value to compare
    /// with its certificate (once per key and certificate).
    pub fn signature_count(&self) -> u32 {
        self.inner.signatures.load(Ordering::SeqCst)
    }

    /// Log in as the normal user, once (PKCS#11 §5.6, C_Login). `pin` is `None` for a
    /// token with a protected authentication path (a PIN pad), where the user types the PIN
    /// on the reader.
    ///
    /// Before sending anything, the PIN state is re-read: a locked PIN is refused
    /// ([`TokenError::PinLocked`]), and when the token reports that the next wrong PIN locks
    /// it, `final_try_confirmed` must be true ([`TokenError::FinalTryNotConfirmed`]). A PIN
    /// whose length the token does not accept is refused without using a try. A wrong PIN is
    /// never retried; the error carries the state the token reports after it.
    pub fn login(&self, pin: Option<&[u8]>, final_try_confirmed: bool) -> Result<(), TokenError> {
        let token = self.label().to_string();
        let d = self.inner.module.describe(self.inner.slot)?;
        check_pin_state(&token, d.pin, final_try_confirmed)?;
        if let Some(p) = pin {
            // ulMinPinLen/ulMaxPinLen (PKCS#11 §3.2) are in bytes. A module that fills them
            // with CK_UNAVAILABLE_INFORMATION (or nonsense) must not block every PIN: only
            // plausible bounds are enforced here; the token still judges the PIN itself.
            let min = if d.min_pin_len <= 1024 {
                d.min_pin_len
            } else {
                0
            };
            let max = if d.max_pin_len >= min && d.max_pin_len > 0 {
                d.max_pin_len
            } else {
                usize::MAX
            };
            if p.len() < min || p.len() > max {
                return Err(TokenError::PinLength {
                    token,
                    len: p.len(),
                    min: d.min_pin_len,
                    max: d.max_pin_len,
                });
            }
        }
        let session = self.inner.session.lock().map_err(|_| poisoned(&token))?;
        self.inner.logins.fetch_add(1, Ordering::SeqCst);
        let result = match pin {
            Some(p) => {
                session.login_with_raw(UserType::User, &RawAuthPin::new(Box::new(p.to_vec())))
            }
            None => session.login(UserType::User, None::<&AuthPin>),
        };
        drop(session);
        match result {
            Ok(()) => Ok(()),
            // PKCS#11 §5.6: login state is shared by all sessions of the application.
            Err(e) if rv_of(&e) == Some(RvError::UserAlreadyLoggedIn) => Ok(()),
            Err(e) => Err(match rv_of(&e) {
                Some(RvError::PinIncorrect) => TokenError::PinIncorrect {
                    after: self.pin_state().ok(),
                    token,
                },
                Some(RvError::PinLocked) => TokenError::PinLocked { token },
                Some(RvError::PinExpired) => TokenError::PinExpired { token },
                Some(RvError::PinLenRange) => TokenError::PinLength {
                    token,
                    len: pin.map_or(0, <[u8]>::len),
                    min: d.min_pin_len,
                    max: d.max_pin_len,
                },
                _ => self.inner.module.fail(&token, "C_Login", &e),
            }),
        }
    }

    /// The signing key `uri` names (object=, id=, type=), with its certificate (`cert`, or the
    /// certificate on the token with the same CKA_ID, then the same label) and the issuing
    /// certificates found on the token as the chain.
    pub fn signing_key(
        &self,
        uri: &Pkcs11Uri,
        cert: Option<Certificate>,
    ) -> Result<SigningKey, TokenError> {
        let token = self.label().to_string();
        let session = self.inner.session.lock().map_err(|_| poisoned(&token))?;
        let objs = Objects {
            session: &session,
            module: &self.inner.module,
            token: &token,
        };
        let mut template = Vec::new();
        if let Some(l) = &uri.object {
            template.push(Attribute::Label(l.as_bytes().to_vec()));
        }
        if let Some(id) = &uri.id {
            template.push(Attribute::Id(id.clone()));
        }
        // type=cert or type=public: the URI names a companion object; the private key is the
        // one with the same CKA_ID (the PKCS#11 §4.4 convention for linking key and cert).
        let mut keys = match uri.object_type {
            Some(ObjectType::Cert | ObjectType::Public) => {
                let class = if uri.object_type == Some(ObjectType::Cert) {
                    ObjectClass::CERTIFICATE
                } else {
                    ObjectClass::PUBLIC_KEY
                };
                let mut t = template.clone();
                t.push(Attribute::Class(class));
                let mut keys = Vec::new();
                for h in objs.find(&t)? {
                    let id = objs.id_of(h)?;
                    if !id.is_empty() {
                        keys.extend(objs.find(&[
                            Attribute::Class(ObjectClass::PRIVATE_KEY),
                            Attribute::Id(id),
                        ])?);
                    }
                }
                keys.dedup();
                keys
            }
            _ => {
                template.push(Attribute::Class(ObjectClass::PRIVATE_KEY));
                objs.find(&template)?
            }
        };
        let describe_all = |hs: &[ObjectHandle]| -> Result<Vec<String>, TokenError> {
            hs.iter()
                .map(|h| Ok(objs.key_attributes(*h)?.name()))
                .collect()
        };
        if keys.len() > 1 {
            return Err(TokenError::SeveralKeysMatch {
                token: token.clone(),
                uri: uri.to_string(),
                candidates: describe_all(&keys)?,
            });
        }
        let Some(handle) = keys.pop() else {
            let all = objs.find(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])?;
            return Err(TokenError::KeyNotFound {
                token: token.clone(),
                uri: uri.to_string(),
                available: describe_all(&all)?,
            });
        };
        let attrs = objs.key_attributes(handle)?;
        let key_name = attrs.name();
        let cannot = |reason: String| TokenError::KeyCannotSign {
            token: token.clone(),
            key: key_name.clone(),
            reason,
        };
        if attrs.always_authenticate {
            // PKCS#11 §4.9 (CKA_ALWAYS_AUTHENTICATE) and §5.6: such a key needs a
            // context-specific login between C_SignInit and every C_Sign, i.e. the user
            // authorises each signature; reusing one PIN for a whole batch would defeat that.
            return Err(cannot(
                "it asks for the PIN again before every signature (CKA_ALWAYS_AUTHENTICATE), which kyso does not support yet; use a signing key without that attribute".into(),
            ));
        }
        if attrs.sign == Some(false) {
            return Err(cannot(
                "its CKA_SIGN attribute is false (PKCS#11 §4.9: the key may not make signatures)"
                    .into(),
            ));
        }
        let kind = match attrs.kind {
            Some(KeyType::RSA) => TokenKeyKind::Rsa,
            Some(KeyType::EC) => TokenKeyKind::Ec,
            _ => {
                return Err(cannot(format!(
                    "it is a {} key; kyso signs with RSA and EC keys on tokens",
                    attrs.kind_name()
                )))
            }
        };
        let certs = objs.certificates()?;
        let cert = match cert {
            Some(c) => c,
            None => {
                let pick = certs
                    .iter()
                    .find(|c| !attrs.id.is_empty() && c.id == hex::encode(&attrs.id))
                    .or_else(|| {
                        certs
                            .iter()
                            .find(|c| !attrs.label.is_empty() && c.label == attrs.label)
                    })
                    .ok_or_else(|| TokenError::CertificateNotFound {
                        token: token.clone(),
                        key: key_name.clone(),
                    })?;
                pick.certificate
                    .clone()
                    .map_err(|reason| TokenError::BadCertificate {
                        token: token.clone(),
                        object: format!("'{}' (id {})", pick.label, pick.id),
                        reason,
                    })?
            }
        };
        // The chain: issuers found among the token's certificates, leaf upwards (RFC 5652
        // §5.1: the certificates field may hold any certificates useful for the path).
        let pool: Vec<Certificate> = certs
            .into_iter()
            .filter_map(|c| c.certificate.ok())
            .collect();
        let mut chain: Vec<Certificate> = Vec::new();
        let mut current = cert.clone();
        while !current.is_self_issued() && chain.len() < pool.len() {
            let Some(issuer) = pool.iter().find(|c| {
                c.subject_der() == current.issuer_der() && !chain.contains(c) && **c != cert
            }) else {
                break;
            };
            chain.push(issuer.clone());
            current = issuer.clone();
        }
        let public = objs.public_point(&attrs)?;
        let mechanisms = self
            .inner
            .module
            .ctx
            .get_mechanism_list(self.inner.slot)
            .unwrap_or_default();
        drop(session);
        let key = TokenKey {
            token: self.clone(),
            handle,
            name: key_name,
            kind,
            modulus: attrs.modulus.clone(),
            ec_point: public,
            always_authenticate: attrs.always_authenticate,
            mechanisms,
            matched: Mutex::default(),
        };
        Ok(SigningKey::from_backend(Box::new(key), cert, chain))
    }
}

fn poisoned(token: &str) -> TokenError {
    TokenError::Pkcs11 {
        token: token.into(),
        function: "session lock".into(),
        rv: "an earlier signing thread panicked".into(),
    }
}

/// The decision taken before a PIN is sent (PKCS#11 §3.2 CK_TOKEN_INFO flags): never try a
/// PIN on a locked token, and never spend the final try without the caller's confirmation.
pub(crate) fn check_pin_state(
    token: &str,
    state: PinState,
    final_try_confirmed: bool,
) -> Result<(), TokenError> {
    if state.locked {
        return Err(TokenError::PinLocked {
            token: token.into(),
        });
    }
    if state.final_try && !final_try_confirmed {
        return Err(TokenError::FinalTryNotConfirmed {
            token: token.into(),
        });
    }
    Ok(())
}

/// Object searches and attribute reads within one session.
struct Objects<'a> {
    session: &'a Session,
    module: &'a Pkcs11Module,
    token: &'a str,
}

/// The attributes of a key object kyso uses.
#[derive(Default)]
struct KeyAttributes {
    label: String,
    id: Vec<u8>,
    kind: Option<KeyType>,
    sign: Option<bool>,
    always_authenticate: bool,
    modulus: Option<Vec<u8>>,
    ec_params: Option<Vec<u8>>,
    ec_point: Option<Vec<u8>>,
}

impl KeyAttributes {
    fn name(&self) -> String {
        format!("'{}' (id {})", self.label, hex::encode(&self.id))
    }
    fn kind_name(&self) -> String {
        match self.kind {
            Some(KeyType::RSA) => "rsa".into(),
            Some(KeyType::EC) => "ec".into(),
            Some(KeyType::EC_EDWARDS) => "eddsa".into(),
            Some(k) => k.to_string(),
            None => "unknown".into(),
        }
    }
    fn bits(&self) -> Option<u32> {
        if let Some(m) = &self.modulus {
            let m = strip_zeros(m);
            let lead = m.first().map_or(0, |b| 8 - b.leading_zeros());
            return Some(((m.len().saturating_sub(1)) * 8) as u32 + lead);
        }
        self.ec_params.as_deref().and_then(curve_bits)
    }
}

/// Field size of the named curves kyso signs with (RFC 5480 §2.1.1.1 OIDs, DER-encoded as
/// CKA_EC_PARAMS holds them).
fn curve_bits(params: &[u8]) -> Option<u32> {
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    const P521: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
    match params {
        p if p == P256 => Some(256),
        p if p == P384 => Some(384),
        p if p == P521 => Some(521),
        _ => None,
    }
}

fn strip_zeros(v: &[u8]) -> &[u8] {
    let skip = v.iter().take_while(|b| **b == 0).count();
    &v[skip..]
}

impl Objects<'_> {
    fn fail(&self, function: &str, e: &CkError) -> TokenError {
        self.module.fail(self.token, function, e)
    }

    fn find(&self, template: &[Attribute]) -> Result<Vec<ObjectHandle>, TokenError> {
        self.session
            .find_objects(template)
            .map_err(|e| self.fail("C_FindObjects", &e))
    }

    fn id_of(&self, h: ObjectHandle) -> Result<Vec<u8>, TokenError> {
        Ok(self.key_attributes(h)?.id)
    }

    fn key_attributes(&self, h: ObjectHandle) -> Result<KeyAttributes, TokenError> {
        let attrs = self
            .session
            .get_attributes(
                h,
                &[
                    AttributeType::Label,
                    AttributeType::Id,
                    AttributeType::KeyType,
                    AttributeType::Sign,
                    AttributeType::AlwaysAuthenticate,
                    AttributeType::Modulus,
                    AttributeType::EcParams,
                    AttributeType::EcPoint,
                ],
            )
            .map_err(|e| self.fail("C_GetAttributeValue", &e))?;
        let mut k = KeyAttributes::default();
        for a in attrs {
            match a {
                Attribute::Label(l) => k.label = String::from_utf8_lossy(&l).into_owned(),
                Attribute::Id(i) => k.id = i,
                Attribute::KeyType(t) => k.kind = Some(t),
                Attribute::Sign(s) => k.sign = Some(s),
                Attribute::AlwaysAuthenticate(b) => k.always_authenticate = b,
                Attribute::Modulus(m) => k.modulus = Some(m),
                Attribute::EcParams(p) => k.ec_params = Some(p),
                Attribute::EcPoint(p) => k.ec_point = Some(p),
                _ => {}
            }
        }
        Ok(k)
    }

    /// The EC public point of the key: from the private key object itself when the token shows
    /// it, else from the public key object with the same CKA_ID.
    fn public_point(&self, key: &KeyAttributes) -> Result<Option<Vec<u8>>, TokenError> {
        if key.kind != Some(KeyType::EC) {
            return Ok(None);
        }
        if let Some(p) = &key.ec_point {
            return Ok(Some(p.clone()));
        }
        if key.id.is_empty() {
            return Ok(None);
        }
        for h in self.find(&[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(key.id.clone()),
        ])? {
            if let Some(p) = self.key_attributes(h)?.ec_point {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }

    fn certificates(&self) -> Result<Vec<TokenCertificate>, TokenError> {
        let mut out = Vec::new();
        for h in self.find(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
        ])? {
            let attrs = self
                .session
                .get_attributes(
                    h,
                    &[
                        AttributeType::Label,
                        AttributeType::Id,
                        AttributeType::Value,
                    ],
                )
                .map_err(|e| self.fail("C_GetAttributeValue", &e))?;
            let mut c = TokenCertificate {
                label: String::new(),
                id: String::new(),
                certificate: Err("the token returned no CKA_VALUE".into()),
            };
            for a in attrs {
                match a {
                    Attribute::Label(l) => c.label = String::from_utf8_lossy(&l).into_owned(),
                    Attribute::Id(i) => c.id = hex::encode(i),
                    Attribute::Value(v) => {
                        c.certificate = Certificate::from_der(&v).map_err(|e| e.to_string())
                    }
                    _ => {}
                }
            }
            out.push(c);
        }
        Ok(out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKeyKind {
    Rsa,
    Ec,
}

/// A private key that stays on a token.
pub(crate) struct TokenKey {
    token: Token,
    handle: ObjectHandle,
    name: String,
    kind: TokenKeyKind,
    modulus: Option<Vec<u8>>,
    ec_point: Option<Vec<u8>>,
    always_authenticate: bool,
    mechanisms: Vec<MechanismType>,
    /// Certificates (DER) a test signature already matched or not (see
    /// [`TokenKey::matches`]): a signer built per request (the service, the C ABI) must not
    /// cost a token signature each time.
    matched: Mutex<Vec<(Vec<u8>, bool)>>,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenKey({} on {})", self.name, self.token.label())
    }
}

/// How one signature is asked of the token.
enum Plan {
    /// Hash on the host, the token applies the primitive to `input(digest)`.
    OverDigest(Mechanism<'static>, fn(DigestAlgorithm, &[u8]) -> Vec<u8>),
    /// The token hashes the message itself.
    OverMessage(Mechanism<'static>),
}

fn digest_only(_: DigestAlgorithm, d: &[u8]) -> Vec<u8> {
    d.to_vec()
}

/// DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
/// (RFC 8017 §9.2 step 2), with NULL parameters as the note 1 encodings show: CKM_RSA_PKCS
/// (Mechanisms §2.1.6) only pads, so the caller supplies the DigestInfo.
fn digest_info(d: DigestAlgorithm, digest: &[u8]) -> Vec<u8> {
    let alg = asn1::tlv(
        tag::SEQUENCE,
        &[&asn1::tlv(tag::OID, &[d.oid().as_bytes()]), &[tag::NULL, 0]],
    );
    asn1::tlv(
        tag::SEQUENCE,
        &[&alg, &asn1::tlv(tag::OCTET_STRING, &[digest])],
    )
}

impl SignatureBackend for TokenKey {
    fn device_label(&self) -> &str {
        self.token.label()
    }
    fn key_name(&self) -> &str {
        &self.name
    }
    fn kind_fits(&self, cert_kind: &str) -> bool {
        matches!(
            (self.kind, cert_kind),
            (TokenKeyKind::Rsa, "rsa") | (TokenKeyKind::Ec, "ec")
        )
    }
    fn matches(&self, cert: &Certificate) -> Result<bool, crate::error::Error> {
        TokenKey::matches(self, cert)
    }
    fn check_scheme(&self, scheme: &SignatureScheme) -> Result<(), crate::error::Error> {
        Ok(TokenKey::check_scheme(self, scheme)?)
    }
    fn sign_raw(
        &self,
        scheme: &SignatureScheme,
        msg: &[u8],
    ) -> Result<Vec<u8>, crate::error::Error> {
        Ok(TokenKey::sign_raw(self, scheme, msg)?)
    }
}

impl TokenKey {
    fn plan(&self, scheme: &SignatureScheme) -> Result<Plan, TokenError> {
        plan(scheme, self.kind, &self.mechanisms, self.token.label())
    }

    /// Check, before signing anything, that the token can make `scheme` signatures.
    pub(crate) fn check_scheme(&self, scheme: &SignatureScheme) -> Result<(), TokenError> {
        self.plan(scheme).map(|_| ())
    }

    /// Whether the key is the certificate's: compared from the public values the token shows
    /// (CKA_MODULUS, CKA_EC_POINT); when it shows none, a test signature decides.
    pub(crate) fn matches(&self, cert: &Certificate) -> Result<bool, crate::error::Error> {
        let pk = cert.public_key();
        match self.kind {
            TokenKeyKind::Rsa => {
                if let (Some(m), Ok(rsa)) = (&self.modulus, pk.rsa()) {
                    return Ok(strip_zeros(m) == strip_zeros(&rsa.n().to_vec()));
                }
            }
            TokenKeyKind::Ec => {
                if let (Some(p), Ok(ec)) = (&self.ec_point, pk.ec_key()) {
                    let mut ctx =
                        openssl::bn::BigNumContext::new().map_err(crate::crypto::openssl_error)?;
                    let want = ec
                        .public_key()
                        .to_bytes(
                            ec.group(),
                            openssl::ec::PointConversionForm::UNCOMPRESSED,
                            &mut ctx,
                        )
                        .map_err(crate::crypto::openssl_error)?;
                    // PKCS#11 §4.x: CKA_EC_POINT is the DER of an ECPoint OCTET STRING; some
                    // tokens return the raw point. Accept both forms.
                    let raw = asn1::Tlv::parse_exact(p, "CKA_EC_POINT")
                        .ok()
                        .filter(|t| t.tag == tag::OCTET_STRING)
                        .map_or(p.as_slice(), |t| t.value);
                    return Ok(raw == want.as_slice());
                }
            }
        }
        let der = cert.der();
        let known = |m: &[(Vec<u8>, bool)]| m.iter().find(|(c, _)| c == der).map(|(_, ok)| *ok);
        let lock_failed = || poisoned(self.token.label());
        if let Some(ok) = known(&self.matched.lock().map_err(|_| lock_failed())?) {
            return Ok(ok);
        }
        let scheme = match self.kind {
            TokenKeyKind::Rsa => SignatureScheme::RsaPkcs1(DigestAlgorithm::Sha256),
            TokenKeyKind::Ec => SignatureScheme::Ecdsa(DigestAlgorithm::Sha256),
        };
        let probe = b"kyso: does this token key belong to the certificate?";
        let sig = self.sign_raw(&scheme, probe)?;
        let ok = crypto::verify_signature(&scheme, pk, crypto::Signed::Message(probe), &sig)
            .map_err(crate::error::Error::Crypto)?;
        let mut m = self.matched.lock().map_err(|_| lock_failed())?;
        // A key is used with one certificate, rarely a few: the memory stays small.
        if m.len() >= 8 {
            m.clear();
        }
        m.push((der.to_vec(), ok));
        Ok(ok)
    }

    /// Sign `msg` on the token (C_SignInit + C_Sign, PKCS#11 §5.11); the value is returned in
    /// the form CMS carries (ECDSA as a DER Ecdsa-Sig-Value).
    pub(crate) fn sign_raw(
        &self,
        scheme: &SignatureScheme,
        msg: &[u8],
    ) -> Result<Vec<u8>, TokenError> {
        let token = self.token.label().to_string();
        let plan = self.plan(scheme)?;
        let (mechanism, input) = match plan {
            Plan::OverDigest(m, wrap) => {
                let d = scheme.hash().unwrap_or(DigestAlgorithm::Sha256);
                (m, wrap(d, &d.digest(msg)))
            }
            Plan::OverMessage(m) => (m, msg.to_vec()),
        };
        let mech_name = mechanism.mechanism_type().to_string();
        let session = self
            .token
            .inner
            .session
            .lock()
            .map_err(|_| poisoned(&token))?;
        self.token.inner.signatures.fetch_add(1, Ordering::SeqCst);
        let raw = session
            .sign(&mechanism, self.handle, &input)
            .map_err(|e| match rv_of(&e) {
                Some(RvError::MechanismInvalid | RvError::MechanismParamInvalid) => {
                    TokenError::MechanismNotSupported {
                        token: token.clone(),
                        needed: mech_name.clone(),
                        scheme: scheme.name(),
                        hint: "sign with RSA PKCS#1 v1.5 instead of RSA-PSS, or with another digest".into(),
                    }
                }
                Some(RvError::UserNotLoggedIn) if self.always_authenticate => {
                    TokenError::KeyCannotSign {
                        token: token.clone(),
                        key: self.name.clone(),
                        reason: "the key asks for the PIN again before every signature (CKA_ALWAYS_AUTHENTICATE), which kyso does not support yet".into(),
                    }
                }
                Some(RvError::KeyFunctionNotPermitted) => TokenError::KeyCannotSign {
                    token: token.clone(),
                    key: self.name.clone(),
                    reason: format!("the token does not allow {mech_name} with it (CKR_KEY_FUNCTION_NOT_PERMITTED)"),
                },
                Some(RvError::PinExpired) => TokenError::PinExpired {
                    token: token.clone(),
                },
                _ => self.token.inner.module.fail(&token, "C_Sign", &e),
            })?;
        drop(session);
        match self.kind {
            TokenKeyKind::Rsa => Ok(raw),
            TokenKeyKind::Ec => ecdsa_der(&raw).ok_or_else(|| TokenError::Pkcs11 {
                token,
                function: "C_Sign".into(),
                rv: format!(
                    "the token returned a {}-byte ECDSA signature, not r || s of equal halves",
                    raw.len()
                ),
            }),
        }
    }
}

/// Choose how the token makes a `scheme` signature with a `kind` key, given the mechanisms it
/// lists (C_GetMechanismList; an empty list is given the benefit of the doubt: C_SignInit then
/// says CKR_MECHANISM_INVALID, which is reported the same way). The raw primitives over a
/// host-computed digest come first, the hash-and-sign mechanisms second.
fn plan(
    scheme: &SignatureScheme,
    kind: TokenKeyKind,
    mechanisms: &[MechanismType],
    token: &str,
) -> Result<Plan, TokenError> {
    let offers = |m: MechanismType| mechanisms.is_empty() || mechanisms.contains(&m);
    use DigestAlgorithm as D;
    let pss = |d: DigestAlgorithm| -> Option<PkcsPssParams> {
        let (hash_alg, mgf) = match d {
            D::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
            D::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
            D::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
            _ => return None,
        };
        Some(PkcsPssParams {
            hash_alg,
            mgf,
            // Salt length = hash length (RFC 4055 §3.1 recommendation, what kyso writes in
            // the RSASSA-PSS-params).
            s_len: Ulong::new(d.md().size() as _),
        })
    };
    let unsupported = |needed: String, hint: &str| TokenError::MechanismNotSupported {
        token: token.into(),
        needed,
        scheme: scheme.name(),
        hint: hint.into(),
    };
    match (*scheme, kind) {
        (SignatureScheme::RsaPkcs1(d), TokenKeyKind::Rsa) => {
            let combined = match d {
                D::Sha256 => Some((MechanismType::SHA256_RSA_PKCS, Mechanism::Sha256RsaPkcs)),
                D::Sha384 => Some((MechanismType::SHA384_RSA_PKCS, Mechanism::Sha384RsaPkcs)),
                D::Sha512 => Some((MechanismType::SHA512_RSA_PKCS, Mechanism::Sha512RsaPkcs)),
                _ => None,
            };
            if offers(MechanismType::RSA_PKCS) {
                return Ok(Plan::OverDigest(Mechanism::RsaPkcs, digest_info));
            }
            if let Some((_, m)) = combined.filter(|(t, _)| offers(*t)) {
                return Ok(Plan::OverMessage(m));
            }
            Err(unsupported(
                format!("CKM_RSA_PKCS or CKM_{}_RSA_PKCS", d.name().to_uppercase()),
                "try another digest; check the mechanisms with the vendor's tool",
            ))
        }
        (
            SignatureScheme::RsaPss {
                hash,
                mgf1,
                salt_len,
            },
            TokenKeyKind::Rsa,
        ) if hash == mgf1 && salt_len as usize == hash.md().size() => {
            let params = pss(hash).ok_or_else(|| {
                unsupported(format!("RSA-PSS with {hash}"), "use sha256, sha384 or sha512")
            })?;
            if offers(MechanismType::RSA_PKCS_PSS) {
                return Ok(Plan::OverDigest(Mechanism::RsaPkcsPss(params), digest_only));
            }
            let combined = match hash {
                D::Sha256 => Some((MechanismType::SHA256_RSA_PKCS_PSS, Mechanism::Sha256RsaPkcsPss(params))),
                D::Sha384 => Some((MechanismType::SHA384_RSA_PKCS_PSS, Mechanism::Sha384RsaPkcsPss(params))),
                D::Sha512 => Some((MechanismType::SHA512_RSA_PKCS_PSS, Mechanism::Sha512RsaPkcsPss(params))),
                _ => None,
            };
            if let Some((_, m)) = combined.filter(|(t, _)| offers(*t)) {
                return Ok(Plan::OverMessage(m));
            }
            Err(unsupported(
                format!(
                    "CKM_RSA_PKCS_PSS or CKM_{}_RSA_PKCS_PSS",
                    hash.name().to_uppercase()
                ),
                "sign with RSA PKCS#1 v1.5 instead of RSA-PSS; many USB tokens implement only that",
            ))
        }
        (SignatureScheme::Ecdsa(d), TokenKeyKind::Ec) => {
            if offers(MechanismType::ECDSA) {
                return Ok(Plan::OverDigest(Mechanism::Ecdsa, digest_only));
            }
            let combined = match d {
                D::Sha256 => Some((MechanismType::ECDSA_SHA256, Mechanism::EcdsaSha256)),
                D::Sha384 => Some((MechanismType::ECDSA_SHA384, Mechanism::EcdsaSha384)),
                D::Sha512 => Some((MechanismType::ECDSA_SHA512, Mechanism::EcdsaSha512)),
                _ => None,
            };
            if let Some((_, m)) = combined.filter(|(t, _)| offers(*t)) {
                return Ok(Plan::OverMessage(m));
            }
            Err(unsupported(
                format!("CKM_ECDSA or CKM_ECDSA_{}", d.name().to_uppercase()),
                "try another digest",
            ))
        }
        _ => Err(unsupported(
            scheme.name(),
            "kyso signs on tokens with RSA PKCS#1 v1.5, RSA-PSS (salt = hash length, MGF1 with the same hash) and ECDSA",
        )),
    }
}

/// Mechanisms §2.3.1: a CKM_ECDSA signature is r || s, each as long as the order's byte
/// length. CMS (RFC 5753 §2.1.1) carries the RFC 3279 §2.2.3 Ecdsa-Sig-Value ::= SEQUENCE {
/// r INTEGER, s INTEGER }.
fn ecdsa_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || raw.len() % 2 != 0 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let int = |v: &[u8]| {
        let v = strip_zeros(v);
        let mut body = Vec::with_capacity(v.len() + 1);
        if v.first().is_none_or(|b| b & 0x80 != 0) {
            body.push(0); // a positive INTEGER (or zero) needs a leading 0x00 (X.690 §8.3.2)
        }
        body.extend_from_slice(v);
        asn1::tlv(tag::INTEGER, &[&body])
    };
    Some(asn1::tlv(tag::SEQUENCE, &[&int(r), &int(s)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_state_decisions_and_messages() {
        let ok = PinState::default();
        assert_eq!(ok.code(), "ok");
        assert!(check_pin_state("t", ok, false).is_ok());
        let low = PinState {
            count_low: true,
            ..ok
        };
        assert_eq!(low.code(), "count_low");
        assert!(low.to_string().contains("CKF_USER_PIN_COUNT_LOW"));
        assert!(check_pin_state("t", low, false).is_ok());
        let fin = PinState {
            count_low: true,
            final_try: true,
            ..ok
        };
        assert_eq!(fin.code(), "final_try");
        assert!(fin.to_string().contains("next wrong PIN locks"));
        let e = check_pin_state("t", fin, false).unwrap_err();
        assert!(matches!(e, TokenError::FinalTryNotConfirmed { .. }));
        assert_eq!(e.code(), "token_final_try_not_confirmed");
        assert!(e.to_string().contains("confirm the final try"));
        assert!(check_pin_state("t", fin, true).is_ok());
        let locked = PinState {
            locked: true,
            final_try: true,
            ..ok
        };
        assert_eq!(locked.code(), "locked");
        // Confirmation never unlocks a locked token.
        let e = check_pin_state("t", locked, true).unwrap_err();
        assert!(matches!(e, TokenError::PinLocked { .. }));
        assert!(e.to_string().contains("SO"));
        let change = PinState {
            to_be_changed: true,
            ..ok
        };
        assert!(change.to_string().contains("must be changed"));
        let wrong = TokenError::PinIncorrect {
            token: "t".into(),
            after: Some(fin),
        };
        assert!(wrong.to_string().contains("final try"));
        assert!(wrong.to_string().contains("does not retry"));
    }

    /// Mechanism choice with synthetic mechanism lists (SoftHSM2 offers everything).
    #[test]
    fn mechanism_choice_and_refusals() {
        use DigestAlgorithm as D;
        let kind = |p: Result<Plan, TokenError>| match p {
            Ok(Plan::OverDigest(m, _)) => format!("digest:{}", m.mechanism_type()),
            Ok(Plan::OverMessage(m)) => format!("message:{}", m.mechanism_type()),
            Err(e) => format!("error:{e}"),
        };
        let pss = SignatureScheme::RsaPss {
            hash: D::Sha256,
            mgf1: D::Sha256,
            salt_len: 32,
        };
        let pkcs1 = SignatureScheme::RsaPkcs1(D::Sha256);
        let rsa = TokenKeyKind::Rsa;
        // The raw primitive first; the hash-and-sign mechanism when it is all there is.
        assert_eq!(
            kind(plan(
                &pkcs1,
                rsa,
                &[MechanismType::RSA_PKCS, MechanismType::SHA256_RSA_PKCS],
                "t"
            )),
            "digest:CKM_RSA_PKCS"
        );
        assert_eq!(
            kind(plan(&pkcs1, rsa, &[MechanismType::SHA256_RSA_PKCS], "t")),
            "message:CKM_SHA256_RSA_PKCS"
        );
        assert_eq!(
            kind(plan(&pss, rsa, &[MechanismType::SHA256_RSA_PKCS_PSS], "t")),
            "message:CKM_SHA256_RSA_PKCS_PSS"
        );
        // A token with PKCS#1 v1.5 only: PSS is refused before anything is signed, with a hint.
        let e = kind(plan(&pss, rsa, &[MechanismType::RSA_PKCS], "eToken"));
        assert!(
            e.contains("token 'eToken' does not support CKM_RSA_PKCS_PSS"),
            "{e}"
        );
        assert!(e.contains("instead of RSA-PSS"), "{e}");
        // ECDSA: CKM_ECDSA over the digest, or the matching CKM_ECDSA_SHAxxx only.
        let ec = TokenKeyKind::Ec;
        assert_eq!(
            kind(plan(
                &SignatureScheme::Ecdsa(D::Sha256),
                ec,
                &[MechanismType::ECDSA],
                "t"
            )),
            "digest:CKM_ECDSA"
        );
        let e = kind(plan(
            &SignatureScheme::Ecdsa(D::Sha384),
            ec,
            &[MechanismType::ECDSA_SHA256],
            "t",
        ));
        assert!(e.contains("CKM_ECDSA or CKM_ECDSA_SHA384"), "{e}");
        // Schemes kyso does not do on tokens.
        let e = kind(plan(&SignatureScheme::Ed25519, ec, &[], "t"));
        assert!(e.starts_with("error:"), "{e}");
        let odd_pss = SignatureScheme::RsaPss {
            hash: D::Sha256,
            mgf1: D::Sha256,
            salt_len: 20,
        };
        assert!(kind(plan(&odd_pss, rsa, &[], "t")).starts_with("error:"));
    }

    #[test]
    fn ecdsa_raw_to_der() {
        // r with the high bit set gains a 0x00; s with leading zeros loses them.
        let mut raw = vec![0x80; 32];
        raw.extend(std::iter::repeat_n(0, 31));
        raw.push(0x05);
        let der = ecdsa_der(&raw).unwrap();
        let sig = openssl::ecdsa::EcdsaSig::from_der(&der).unwrap();
        assert_eq!(sig.r().to_vec(), vec![0x80; 32]);
        assert_eq!(sig.s().to_vec(), vec![0x05]);
        assert_eq!(sig.to_der().unwrap(), der);
        assert!(ecdsa_der(&[1, 2, 3]).is_none());
        assert!(ecdsa_der(&[]).is_none());
    }

    #[test]
    fn digest_info_matches_rfc8017_prefix() {
        let di = digest_info(DigestAlgorithm::Sha256, &[0u8; 32]);
        let prefix = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        assert_eq!(&di[..prefix.len()], &prefix);
        assert_eq!(di.len(), prefix.len() + 32);
    }

    #[test]
    fn module_errors_are_specific() {
        let e = Pkcs11Module::load("/nonexistent/libvendor.so").unwrap_err();
        assert!(matches!(e, TokenError::ModuleNotFound { .. }), "{e}");
        assert_eq!(e.code(), "token_module_not_found");
        // A file that is not a shared library at all.
        let dir = std::env::temp_dir().join(format!("kyso-notlib-{}", std::process::id()));
        std::fs::write(&dir, b"not a library").unwrap();
        let e = Pkcs11Module::load(&dir).unwrap_err();
        let _ = std::fs::remove_file(&dir);
        assert!(matches!(e, TokenError::ModuleNotLoadable { .. }), "{e}");
    }
}
