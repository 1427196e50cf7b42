//! `Code`: the stable identifier of every metadata object (unit, element,
//! indicator, form, plan, target...). Codes are what files, URLs and the
//! analytics dimensions use, so they are validated once, here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated code: 1–64 characters from letters, digits, `_`, `-` and `.`
/// is NOT allowed (it separates an element from its disaggregation option in
/// expressions and in `dx` dimensions).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã không hợp lệ: \"{0}\" (chỉ gồm chữ cái không dấu, chữ số, '_' và '-', tối đa 64 ký tự)")]
pub struct CodeError(pub String);

impl Code {
    pub fn new(s: impl Into<String>) -> Result<Self, CodeError> {
        let s = s.into();
        let ok = !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if ok { Ok(Code(s)) } else { Err(CodeError(s)) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        Code::new(s)
    }
}
impl TryFrom<&str> for Code {
    type Error = CodeError;
    fn try_from(s: &str) -> Result<Self, CodeError> {
        Code::new(s)
    }
}
impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}
impl std::str::FromStr for Code {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Code::new(s)
    }
}
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::borrow::Borrow<str> for Code {
    fn borrow(&self) -> &str {
        &self.0
    }
}
impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Shorthand for tests and fixtures: panics on an invalid literal.
pub fn code(s: &str) -> Code {
    Code::new(s).unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn codes() {
        for ok in ["SO_TTTT", "X-01", "a1"] {
            assert!(Code::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "A.B", "Sở", "x;y", &"a".repeat(65)] {
            assert!(Code::new(bad).is_err(), "{bad}");
        }
    }
}
