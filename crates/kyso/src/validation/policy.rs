//! The signature validation policy (ETSI EN 319 102-1 §5.2.8 "signature acceptance
//! validation"): which constraints a signature must meet beyond being cryptographically
//! valid, as a named TOML document. Two profiles ship with kyso: `agency-default` (the
//! default) and `legacy-archive`.

use std::path::Path;

use serde::Deserialize;

use crate::crypto::{DigestAlgorithm, KeyInfo};
use crate::encoding::time::Timestamp;
use crate::report::{PolicyName, PolicySource};
use crate::revocation::crl::RevocationMode;

const AGENCY_DEFAULT: &str = include_str!("../../policies/agency-default.toml");
const LEGACY_ARCHIVE: &str = include_str!("../../policies/legacy-archive.toml");

/// A digest algorithm the policy allows, optionally only until a date (ETSI TS 119 312 style:
/// judged at the validation time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DigestRule {
    /// The algorithm.
    pub algorithm: DigestAlgorithm,
    /// Allowed before this time only; `None`: no end date.
    pub until: Option<Timestamp>,
}

/// Why an algorithm is not acceptable at a time (ETSI EN 319 102-1 §5.2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AlgorithmProblem {
    /// What is too weak, for the report.
    pub detail: String,
    /// The algorithm was reliable before this time (a dated rule of the policy): a proof that
    /// the signature existed earlier cures the problem (§5.6.2.5). `None`: never acceptable.
    pub reliable_until: Option<Timestamp>,
}

/// Why a policy document could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read the policy file {path}: {detail}")]
    Unreadable {
        /// The file.
        path: String,
        /// The operating system's reason.
        detail: String,
    },
    /// The document is not a valid policy.
    #[error("invalid validation policy: {detail}")]
    Invalid {
        /// What is wrong (TOML syntax, an unknown key, an unknown algorithm name).
        detail: String,
    },
    /// No shipped profile has this name.
    #[error("no built-in validation policy is named '{name}' (built-in: agency-default, legacy-archive)")]
    UnknownName {
        /// The name asked for.
        name: String,
    },
}

/// The constraints a signature must meet to be TOTAL-PASSED, beyond a valid signature value
/// and certificate path (ETSI EN 319 102-1 §5.2.8). Select one with
/// [`crate::Verifier::with_policy`]; the default is [`ValidationPolicy::agency_default`].
///
/// ```
/// let policy = kyso::ValidationPolicy::builtin("legacy-archive").unwrap();
/// assert!(!policy.require_signed_attributes);
/// let verifier = kyso::Verifier::new().with_policy(policy);
/// # let _ = verifier;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationPolicy {
    /// The policy's name, shown in reports.
    pub name: String,
    /// Built-in or from a file.
    pub source: PolicySource,
    /// One line saying what the policy is for.
    pub description: String,
    /// A signature without signed attributes (plain CMS, RFC 5652 §5.4) is
    /// INDETERMINATE/SIG_CONSTRAINTS_FAILURE when true.
    pub require_signed_attributes: bool,
    /// A signature without an ESS signing-certificate(-v2) attribute (RFC 5035) is
    /// INDETERMINATE/SIG_CONSTRAINTS_FAILURE when true.
    pub require_signing_certificate: bool,
    /// extendedKeyUsage values (dotted OIDs) of which the signer certificate must list one,
    /// when it has the extension.
    pub signer_ekus: Vec<String>,
    /// The profile is below the agency baseline: the algorithm check is then reported as
    /// skipped (never passed) when the rules below are met, and certificate signatures with
    /// SHA-1/MD5 or small keys are accepted on the path.
    pub legacy_crypto: bool,
    /// Digest algorithms allowed for the signature, the ESS certificate hash and the
    /// signature scheme's own hash.
    pub digests: Vec<DigestRule>,
    /// Minimum RSA modulus size.
    pub rsa_min_bits: u32,
    /// Minimum DSA key size.
    pub dsa_min_bits: u32,
    /// Minimum EC field size.
    pub ec_min_bits: u32,
    /// Named curves allowed (OpenSSL short names); `*` allows any named curve.
    pub ec_curves: Vec<String>,
    /// How revocation is checked (a caller's explicit mode replaces it).
    pub revocation: RevocationMode,
    /// When false, an unknown revocation status is not acceptable: the mode becomes
    /// [`RevocationMode::Required`] unless it is [`RevocationMode::Off`].
    pub unknown_status_acceptable: bool,
    /// Which documents of a dossier need which signatures (`kyso verify --dossier`).
    pub dossier: DossierRules,
}

/// Which documents of a dossier need which signatures: each list holds file-name patterns
/// (`*` any run of characters, `?` one, `[...]` a class; case-insensitive), matched against
/// the file's name, or against its path within the dossier when the pattern has a `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DossierRules {
    /// Documents that may go unsigned (scans of paper, photos). Default: none.
    pub unsigned_allowed: Vec<String>,
    /// Documents that need the organisation's signature (Decree 30/2020: an issued document
    /// is signed by the official, then by the organisation). Default: every document.
    pub organisation_required: Vec<String>,
    /// Documents that need an official's signature before the organisation's. Default:
    /// none (a copy certified by the organisation alone is acceptable).
    pub official_required: Vec<String>,
}

impl Default for DossierRules {
    fn default() -> Self {
        DossierRules {
            unsigned_allowed: Vec::new(),
            organisation_required: vec!["*".into()],
            official_required: Vec::new(),
        }
    }
}

impl Default for ValidationPolicy {
    fn default() -> Self {
        Self::agency_default()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    name: String,
    #[serde(default)]
    description: String,
    signature: SignatureDoc,
    algorithms: AlgorithmsDoc,
    #[serde(default)]
    revocation: RevocationDoc,
    #[serde(default)]
    dossier: DossierDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DossierDoc {
    #[serde(default)]
    unsigned_allowed: Vec<String>,
    #[serde(default = "every_file")]
    organisation_required: Vec<String>,
    #[serde(default)]
    official_required: Vec<String>,
}

fn every_file() -> Vec<String> {
    vec!["*".into()]
}

impl Default for DossierDoc {
    fn default() -> Self {
        let d = DossierRules::default();
        DossierDoc {
            unsigned_allowed: d.unsigned_allowed,
            organisation_required: d.organisation_required,
            official_required: d.official_required,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureDoc {
    require_signed_attributes: bool,
    require_signing_certificate: bool,
    signer_ekus: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlgorithmsDoc {
    #[serde(default)]
    legacy: bool,
    digests: Vec<DigestDoc>,
    rsa_min_bits: u32,
    dsa_min_bits: u32,
    ec_min_bits: u32,
    ec_curves: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DigestDoc {
    name: String,
    until: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevocationDoc {
    mode: String,
    unknown_status_acceptable: bool,
}

impl Default for RevocationDoc {
    fn default() -> Self {
        RevocationDoc {
            mode: "auto".into(),
            unknown_status_acceptable: true,
        }
    }
}

/// `2016-01-01` (midnight UTC) or a full RFC 3339 time.
fn parse_until(s: &str) -> Result<Timestamp, String> {
    if s.len() == 10 {
        Timestamp::parse_rfc3339(&format!("{s}T00:00:00Z"))
    } else {
        Timestamp::parse_rfc3339(s)
    }
}

impl ValidationPolicy {
    /// The default profile for documents exchanged between agencies
    /// (`policies/agency-default.toml`).
    pub fn agency_default() -> Self {
        // The shipped file is tested (validation::policy::tests), so this cannot fail.
        Self::parse(AGENCY_DEFAULT, PolicySource::Builtin)
            .unwrap_or_else(|e| unreachable!("the shipped agency-default policy is invalid: {e}"))
    }

    /// The relaxed profile for legacy archives (`policies/legacy-archive.toml`): plain CMS,
    /// SHA-1, small keys; its algorithm check is reported as skipped.
    pub fn legacy_archive() -> Self {
        Self::parse(LEGACY_ARCHIVE, PolicySource::Builtin)
            .unwrap_or_else(|e| unreachable!("the shipped legacy-archive policy is invalid: {e}"))
    }

    /// A shipped profile by name: `agency-default` or `legacy-archive`.
    pub fn builtin(name: &str) -> Option<Self> {
        match name {
            "agency-default" => Some(Self::agency_default()),
            "legacy-archive" => Some(Self::legacy_archive()),
            _ => None,
        }
    }

    /// A policy from a TOML document (README "Validation policies"); every key is required
    /// except `description`, `algorithms.legacy`, `[revocation]` and `[dossier]`, and unknown keys are
    /// refused so that a misspelt constraint is not silently ignored.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        Self::parse(text, PolicySource::File)
    }

    /// A policy file.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Unreadable {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_toml(&text)
    }

    /// A shipped profile's name, or else a file: what `--policy NAME|FILE` takes.
    pub fn by_name_or_file(arg: &str) -> Result<Self, PolicyError> {
        if let Some(p) = Self::builtin(arg) {
            return Ok(p);
        }
        let path = Path::new(arg);
        if path.exists() || arg.contains(['/', '\\', '.']) {
            return Self::load(path);
        }
        Err(PolicyError::UnknownName { name: arg.into() })
    }

    fn parse(text: &str, source: PolicySource) -> Result<Self, PolicyError> {
        let invalid = |detail: String| PolicyError::Invalid { detail };
        let doc: Doc = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut digests = Vec::new();
        for d in doc.algorithms.digests {
            let algorithm = DigestAlgorithm::from_name(&d.name)
                .ok_or_else(|| invalid(format!("unknown digest algorithm '{}'", d.name)))?;
            let until = match d.until {
                None => None,
                Some(u) => Some(parse_until(&u).map_err(|e| invalid(format!("{}: {e}", d.name)))?),
            };
            digests.push(DigestRule { algorithm, until });
        }
        let revocation = match doc.revocation.mode.as_str() {
            "auto" => RevocationMode::Auto,
            "required" => RevocationMode::Required,
            "off" => RevocationMode::Off,
            m => {
                return Err(invalid(format!(
                    "revocation.mode '{m}' is not one of auto, required, off"
                )))
            }
        };
        for e in &doc.signature.signer_ekus {
            if e.split('.').count() < 2
                || !e
                    .split('.')
                    .all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(invalid(format!("signer_ekus: '{e}' is not a dotted OID")));
            }
        }
        for p in doc
            .dossier
            .unsigned_allowed
            .iter()
            .chain(&doc.dossier.organisation_required)
            .chain(&doc.dossier.official_required)
        {
            globset::Glob::new(p).map_err(|e| invalid(format!("dossier: pattern '{p}': {e}")))?;
        }
        Ok(ValidationPolicy {
            name: doc.name,
            source,
            description: doc.description,
            require_signed_attributes: doc.signature.require_signed_attributes,
            require_signing_certificate: doc.signature.require_signing_certificate,
            signer_ekus: doc.signature.signer_ekus,
            legacy_crypto: doc.algorithms.legacy,
            digests,
            rsa_min_bits: doc.algorithms.rsa_min_bits,
            dsa_min_bits: doc.algorithms.dsa_min_bits,
            ec_min_bits: doc.algorithms.ec_min_bits,
            ec_curves: doc.algorithms.ec_curves,
            revocation,
            unknown_status_acceptable: doc.revocation.unknown_status_acceptable,
            dossier: DossierRules {
                unsigned_allowed: doc.dossier.unsigned_allowed,
                organisation_required: doc.dossier.organisation_required,
                official_required: doc.dossier.official_required,
            },
        })
    }

    /// Name and source, for reports.
    pub fn id(&self) -> PolicyName {
        PolicyName {
            name: self.name.clone(),
            source: self.source,
        }
    }

    /// This policy with the legacy profile's algorithm settings (what
    /// `--insecure-legacy-crypto` and [`crate::DangerousVerifierConfig::allow_legacy_crypto`]
    /// select); the signature constraints are kept.
    pub fn with_legacy_crypto(mut self) -> Self {
        let legacy = Self::legacy_archive();
        self.legacy_crypto = true;
        self.digests = legacy.digests;
        self.rsa_min_bits = legacy.rsa_min_bits;
        self.dsa_min_bits = legacy.dsa_min_bits;
        self.ec_min_bits = legacy.ec_min_bits;
        self.ec_curves = legacy.ec_curves;
        self
    }

    /// The revocation mode the policy asks for.
    pub fn effective_revocation(&self) -> RevocationMode {
        match self.revocation {
            RevocationMode::Off => RevocationMode::Off,
            _ if !self.unknown_status_acceptable => RevocationMode::Required,
            m => m,
        }
    }

    /// Why `digest` is not allowed at `at`, if it is not.
    pub(crate) fn digest_problem(
        &self,
        digest: DigestAlgorithm,
        at: Timestamp,
    ) -> Option<AlgorithmProblem> {
        match self.digests.iter().find(|r| r.algorithm == digest) {
            None => Some(AlgorithmProblem {
                detail: format!("{digest} digest is not allowed by the policy {}", self.name),
                reliable_until: None,
            }),
            Some(DigestRule {
                until: Some(end), ..
            }) if at >= *end => Some(AlgorithmProblem {
                detail: format!(
                    "{digest} digest is allowed by the policy {} only until {end}",
                    self.name
                ),
                reliable_until: Some(*end),
            }),
            Some(_) => None,
        }
    }

    /// Why `key` is too weak under this policy, if it is.
    pub(crate) fn key_problem(&self, key: &KeyInfo) -> Option<String> {
        let any_curve = self.ec_curves.iter().any(|c| c == "*");
        match key.kind.as_str() {
            "rsa" if key.bits < self.rsa_min_bits => Some(format!(
                "RSA key of {} bits is below the {}-bit minimum",
                key.bits, self.rsa_min_bits
            )),
            "dsa" if key.bits < self.dsa_min_bits => Some(format!(
                "DSA key of {} bits is below the {}-bit minimum",
                key.bits, self.dsa_min_bits
            )),
            "ec" if key.bits < self.ec_min_bits => Some(format!(
                "EC key of {} bits is below the {}-bit minimum",
                key.bits, self.ec_min_bits
            )),
            "ec" if !any_curve
                && !key
                    .curve
                    .as_deref()
                    .is_some_and(|c| self.ec_curves.iter().any(|a| a == c)) =>
            {
                Some(format!(
                    "EC curve {} is not one the policy allows ({})",
                    key.curve.as_deref().unwrap_or("(unnamed)"),
                    self.ec_curves.join(", ")
                ))
            }
            "ec" if key.curve.is_none() => Some("EC key without a named curve".into()),
            "unknown" => Some("unsupported public key type".into()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_parse() {
        let d = ValidationPolicy::agency_default();
        assert_eq!(d.name, "agency-default");
        assert!(d.require_signed_attributes && d.require_signing_certificate);
        assert!(!d.legacy_crypto);
        assert_eq!(
            d.ec_curves,
            crate::crypto::ALLOWED_CURVES.map(str::to_string).to_vec(),
            "the default curves are the ones key checks elsewhere use"
        );
        let l = ValidationPolicy::legacy_archive();
        assert!(l.legacy_crypto && !l.require_signed_attributes);
        assert_eq!(l.source, PolicySource::Builtin);
    }

    #[test]
    fn digest_end_date_is_judged_at_the_validation_time() {
        let p = ValidationPolicy::from_toml(&AGENCY_DEFAULT.replace(
            "{ name = \"sha224\" }",
            "{ name = \"sha1\", until = \"2016-01-01\" }, { name = \"sha224\" }",
        ))
        .unwrap();
        assert_eq!(p.source, PolicySource::File);
        let before = Timestamp::parse_rfc3339("2015-12-31T23:59:59Z").unwrap();
        let after = Timestamp::parse_rfc3339("2016-01-01T00:00:00Z").unwrap();
        assert_eq!(p.digest_problem(DigestAlgorithm::Sha1, before), None);
        let dated = p.digest_problem(DigestAlgorithm::Sha1, after).unwrap();
        assert!(dated.detail.contains("only until"), "{dated:?}");
        assert_eq!(dated.reliable_until, Some(after));
        let never = p.digest_problem(DigestAlgorithm::Md5, before).unwrap();
        assert_eq!(never.reliable_until, None);
    }

    #[test]
    fn unknown_keys_and_names_are_refused() {
        let e = ValidationPolicy::from_toml(
            &AGENCY_DEFAULT.replace("require_signed_attributes", "require_signed_atributes"),
        )
        .unwrap_err();
        assert!(matches!(e, PolicyError::Invalid { .. }), "{e}");
        let e = ValidationPolicy::from_toml(&AGENCY_DEFAULT.replace("\"sha384\"", "\"sha385\""))
            .unwrap_err();
        assert!(e.to_string().contains("sha385"), "{e}");
        assert!(matches!(
            ValidationPolicy::by_name_or_file("strict"),
            Err(PolicyError::UnknownName { .. })
        ));
    }

    #[test]
    fn unknown_status_not_acceptable_means_required() {
        let mut p = ValidationPolicy::agency_default();
        assert_eq!(p.effective_revocation(), RevocationMode::Auto);
        p.unknown_status_acceptable = false;
        assert_eq!(p.effective_revocation(), RevocationMode::Required);
    }
}
