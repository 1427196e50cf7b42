//! What the writers share: how a stored value is written so that reading it
//! back gives the same value.

use crate::error::IoError;
use chiso_core::element::ValueType;
use chiso_core::metadata::Model;
use chiso_core::value::DataValue;
use std::borrow::Cow;

/// How writer errors name their destination (writers get a `Write`, not a path).
pub(crate) const OUTPUT: &str = "tệp xuất";

/// The stored value as text for CSV and JSON. Stored numbers use `.` as the
/// decimal point, but Vietnamese notation, which the readers accept, takes a
/// single dot followed by exactly three digits ("1.205") as a thousands
/// separator. Such a number gets a trailing zero ("1.2050"), which both
/// DHIS2 and chiso read as 1.205.
pub fn value_text<'v>(model: &Model, v: &'v DataValue) -> Cow<'v, str> {
    let numeric = model
        .element(v.element.as_str())
        .is_some_and(|e| matches!(e.value_type, ValueType::Number | ValueType::Percentage));
    if numeric && dot_reads_as_thousands(&v.value) {
        Cow::Owned(format!("{}0", v.value))
    } else {
        Cow::Borrowed(&v.value)
    }
}

/// "1.205", "-100.125": 1–3 digits not starting with 0, one dot, three digits.
fn dot_reads_as_thousands(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some((int, frac)) = s.split_once('.') else {
        return false;
    };
    (1..=3).contains(&int.len())
        && !int.starts_with('0')
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() == 3
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A streaming writer of data values: CSV or dataValueSets JSON.
pub trait ValueWriter {
    fn write(&mut self, v: &DataValue) -> Result<(), IoError>;
    /// Closes the output; the number of values written.
    fn finish(self) -> Result<u64, IoError>;
}

/// Writes every value through `w`.
pub fn write_all<'a, W: ValueWriter>(
    mut w: W,
    values: impl IntoIterator<Item = &'a DataValue>,
) -> Result<u64, IoError> {
    for v in values {
        w.write(v)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_core::number::parse_number;

    #[test]
    fn ambiguous_decimals_get_a_trailing_zero() {
        for (stored, ambiguous) in [
            ("1.205", true),
            ("-100.125", true),
            ("0.125", false),
            ("92.12", false),
            ("1205", false),
            ("12345.678", false),
            ("1.2345", false),
        ] {
            assert_eq!(dot_reads_as_thousands(stored), ambiguous, "{stored}");
            let written = if ambiguous { format!("{stored}0") } else { stored.to_string() };
            assert_eq!(parse_number(&written).unwrap(), stored.parse::<f64>().unwrap(), "{stored}");
        }
    }
}
