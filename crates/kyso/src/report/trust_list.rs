//! Which PKI a signer belongs to, as the report names it (the named trust lists of
//! [`crate::TrustList`]).

use serde::{Deserialize, Serialize};

/// Which Vietnamese PKI a list's anchors head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrustPki {
    /// The government's own hierarchy (Ban Cơ yếu Chính phủ, RootCA chuyên dùng Chính phủ):
    /// "chữ ký số chuyên dùng công vụ" (Decree 68/2024).
    Government,
    /// The licensed public CAs under the Vietnam National Root CA: "chữ ký số công cộng".
    Public,
    /// Another hierarchy (an installed list of an agency's own).
    Other,
}

impl TrustPki {
    /// The PKI's name, in English or Vietnamese.
    pub fn describe(self, lang: super::Lang) -> &'static str {
        match self {
            TrustPki::Government => lang.pick(
                "government-use digital signature (chữ ký số chuyên dùng công vụ)",
                "chữ ký số chuyên dùng công vụ",
            ),
            TrustPki::Public => lang.pick(
                "public digital signature (chữ ký số công cộng)",
                "chữ ký số công cộng",
            ),
            TrustPki::Other => lang.pick("another PKI", "hệ thống chứng thực khác"),
        }
    }
}

/// The list a validated path ended in, as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrustListMatch {
    /// The list's name.
    pub list: String,
    /// Its PKI.
    pub pki: TrustPki,
}
