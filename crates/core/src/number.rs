//! Vietnamese numbers: reading what staff type, writing what the office prints.
//!
//! Vietnamese documents write "1.205.780" (dot = thousands separator) and "92,12"
//! (comma = decimal mark). Figures also arrive in plain notation ("1205780",
//! "92.12") from spreadsheets and software exports. [`parse_number`] accepts both;
//! the `format_*` functions always write the Vietnamese form.
//!
//! # Reading rules ([`parse_number`])
//!
//! 1. Surrounding spaces are trimmed, then one trailing `%` (and the spaces
//!    before it): "92,12 %" reads as 92.12. The caller knows the value is a rate.
//! 2. An optional sign: `-`, `+` or the minus sign `−` (U+2212).
//! 3. **A comma is present**: it is the decimal mark (only one is allowed) and
//!    every dot before it is a thousands separator: "1.205.780,5" = 1205780.5,
//!    "92,12" = 92.12. No dot may follow the comma.
//! 4. **No comma, several dots**: all dots are thousands separators:
//!    "1.205.780" = 1205780.
//! 5. **No comma, a single dot**: it is a thousands separator when it is
//!    preceded by 1–3 digits not starting with `0` and followed by exactly three
//!    digits ("1.205" = 1205, "50.000" = 50000, as Vietnamese staff write them);
//!    otherwise it is a decimal point ("92.12", "0.125", "12345.678", "1.5").
//!    A value such as 1.205 (one point two) must therefore be typed "1,205".
//! 6. Thousands groups must be well formed: the first group has 1–3 digits and
//!    does not start with `0` (unless the number is a lone "0"), every later
//!    group has exactly 3 digits: "1.20.5" and "1.2345.678" are errors.
//! 7. A space, a non-breaking space (U+00A0), a narrow non-breaking space
//!    (U+202F) or a thin space (U+2009) between digit groups is a thousands
//!    separator too ("1 205 780", "1 205 780,5"), with the same group rules.
//!    Dots and spaces are not mixed in one number.
//! 8. Anything else is an error quoting the input: an empty string, letters,
//!    exponents ("1e3"), several commas ("1,205,780" is the English form and is
//!    refused rather than guessed).
//!
//! # Writing rules
//!
//! Dots group the thousands, a comma marks the decimals, a minus sign is a plain
//! `-`: "1.205.780", "92,12", "-0,5". Rounding is half away from zero **on the
//! decimal digits a person sees**: the value is first written with the shortest
//! digit string that reads back to the same `f64` (what Rust's `Display` gives),
//! then that string is rounded. So 0,125 → "0,13", 1,005 → "1,01" and
//! 92,115 → "92,12", as an office using a calculator expects, even though the
//! binary doubles behind them lie slightly below the half. A value that rounds to
//! zero is written without a sign ("0,00", never "-0,00"). Non-finite values
//! (NaN, ±∞) are written as "—".

use std::fmt;

use thiserror::Error;

/// Why a string is not a number. Every variant quotes the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberError {
    /// Nothing to read (only spaces, or only "%").
    #[error("chưa có số: \"{input}\"")]
    Empty { input: String },
    /// A character that has no place in a number.
    #[error("không phải số: \"{input}\" (ký tự '{ch}' không hợp lệ)")]
    InvalidChar { input: String, ch: char },
    /// Thousands groups of the wrong size ("1.20.5", "1.2345.6").
    #[error("nhóm hàng nghìn phải có đủ 3 chữ số: \"{input}\"")]
    BadGrouping { input: String },
    /// Separators in an impossible arrangement ("1,2,3", "1,5.2", "-", ",5").
    #[error("không đọc được số: \"{input}\"")]
    Malformed { input: String },
}

/// Characters accepted as a thousands separator besides the dot.
fn is_space_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// Reads a number written the Vietnamese way or in plain notation.
/// See the module documentation for the exact rules.
///
/// ```
/// use chiso_core::number::parse_number;
/// assert_eq!(parse_number("1.205.780").unwrap(), 1_205_780.0);
/// assert_eq!(parse_number("92,12%").unwrap(), 92.12);
/// assert_eq!(parse_number("1.205").unwrap(), 1205.0);
/// assert_eq!(parse_number("92.12").unwrap(), 92.12);
/// assert!(parse_number("1.20.5").is_err());
/// ```
pub fn parse_number(s: &str) -> Result<f64, NumberError> {
    let input = s.to_string();
    let mut t = s.trim();
    if let Some(rest) = t.strip_suffix('%') {
        t = rest.trim_end();
    }
    if t.is_empty() {
        return Err(NumberError::Empty { input });
    }
    let (negative, body) = match t.chars().next() {
        Some('-') | Some('−') | Some('+') => {
            let first = t.chars().next().unwrap_or('+');
            (first != '+', &t[first.len_utf8()..])
        }
        _ => (false, t),
    };
    if body.is_empty() {
        return Err(NumberError::Malformed { input });
    }
    if let Some(ch) = body.chars().find(|c| !(c.is_ascii_digit() || *c == '.' || *c == ',' || is_space_separator(*c))) {
        return Err(NumberError::InvalidChar { input, ch });
    }

    let malformed = || NumberError::Malformed { input: input.clone() };

    let commas = body.matches(',').count();
    let (int_digits, frac_digits): (String, String) = if commas > 1 {
        return Err(malformed());
    } else if commas == 1 {
        let (int_part, frac_part) = body.split_once(',').ok_or_else(malformed)?;
        if frac_part.is_empty() || !frac_part.chars().all(|c| c.is_ascii_digit()) {
            return Err(malformed());
        }
        let int = read_grouped(int_part).map_err(|e| e.into_error(&input))?;
        (int, frac_part.to_string())
    } else {
        let dots = body.matches('.').count();
        if dots >= 2 {
            (read_grouped(body).map_err(|e| e.into_error(&input))?, String::new())
        } else if dots == 1 {
            let (left, right) = body.split_once('.').ok_or_else(malformed)?;
            let left_plain = !left.is_empty() && left.chars().all(|c| c.is_ascii_digit());
            let thousands = left_plain
                && left.len() <= 3
                && !left.starts_with('0')
                && right.len() == 3
                && right.chars().all(|c| c.is_ascii_digit());
            if thousands {
                (format!("{left}{right}"), String::new())
            } else {
                if right.is_empty() || !right.chars().all(|c| c.is_ascii_digit()) {
                    return Err(malformed());
                }
                let int = read_grouped(left).map_err(|e| e.into_error(&input))?;
                (int, right.to_string())
            }
        } else {
            (read_grouped(body).map_err(|e| e.into_error(&input))?, String::new())
        }
    };
    if int_digits.is_empty() {
        return Err(malformed());
    }
    let plain = if frac_digits.is_empty() { int_digits } else { format!("{int_digits}.{frac_digits}") };
    let value: f64 = plain.parse().map_err(|_| malformed())?;
    Ok(if negative { -value } else { value })
}

/// Why the integer part could not be read (turned into a [`NumberError`] by the caller).
enum GroupError {
    Malformed,
    BadGrouping,
}

impl GroupError {
    fn into_error(self, input: &str) -> NumberError {
        match self {
            GroupError::Malformed => NumberError::Malformed { input: input.to_string() },
            GroupError::BadGrouping => NumberError::BadGrouping { input: input.to_string() },
        }
    }
}

/// Reads an integer part that may use dots or spaces as thousands separators.
/// Returns its plain digits.
fn read_grouped(s: &str) -> Result<String, GroupError> {
    if s.is_empty() {
        return Err(GroupError::Malformed);
    }
    let has_dot = s.contains('.');
    let has_space = s.chars().any(is_space_separator);
    if has_dot && has_space {
        return Err(GroupError::Malformed);
    }
    if !has_dot && !has_space {
        return if s.chars().all(|c| c.is_ascii_digit()) { Ok(s.to_string()) } else { Err(GroupError::Malformed) };
    }
    let groups: Vec<&str> = if has_dot { s.split('.').collect() } else { s.split(is_space_separator).collect() };
    if groups.iter().any(|g| g.is_empty() || !g.chars().all(|c| c.is_ascii_digit())) {
        return Err(GroupError::Malformed);
    }
    let first = groups[0];
    if first.len() > 3 || first.starts_with('0') {
        return Err(GroupError::BadGrouping);
    }
    if groups[1..].iter().any(|g| g.len() != 3) {
        return Err(GroupError::BadGrouping);
    }
    Ok(groups.concat())
}

/// A decimal number as digit strings, the result of rounding.
struct Rounded {
    negative: bool,
    int: String,
    frac: String,
}

/// Rounds `x` half away from zero at `decimals` places (negative: tens,
/// hundreds...) on its shortest decimal representation. `x` must be finite.
fn round_decimal(x: f64, decimals: i32) -> Rounded {
    let repr = format!("{}", x.abs());
    let (int_repr, frac_repr) = repr.split_once('.').unwrap_or((repr.as_str(), ""));
    let int_repr = int_repr.trim_start_matches('0');
    let mut digits: Vec<u8> = int_repr.bytes().chain(frac_repr.bytes()).map(|b| b - b'0').collect();
    let mut point = int_repr.len() as i64;
    let keep = point + i64::from(decimals);
    let mut kept: Vec<u8> = if keep < 0 {
        Vec::new()
    } else {
        let keep = keep as usize;
        let round_up = digits.get(keep).is_some_and(|d| *d >= 5);
        digits.truncate(keep);
        digits.resize(keep, 0);
        if round_up {
            let mut i = keep;
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    point += 1;
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        digits
    };
    // Integer digits: the first `point` kept digits, padded with zeros when
    // rounding to tens or more dropped some of them.
    let point = point.max(0) as usize;
    if kept.len() < point {
        kept.resize(point, 0);
    }
    let int: String = kept[..point].iter().map(|d| char::from(b'0' + d)).collect();
    let mut frac: String = kept[point..].iter().map(|d| char::from(b'0' + d)).collect();
    let want = decimals.max(0) as usize;
    while frac.len() < want {
        frac.push('0');
    }
    frac.truncate(want);
    let int = if int.is_empty() { "0".to_string() } else { int.trim_start_matches('0').to_string() };
    let int = if int.is_empty() { "0".to_string() } else { int };
    let zero = int == "0" && frac.chars().all(|c| c == '0');
    Rounded { negative: x < 0.0 && !zero, int, frac }
}

/// Rounds half away from zero at `decimals` places on the decimal digits a person
/// sees (see the module documentation): `round_half_away(1.005, 2) == 1.01`.
/// Negative `decimals` round to tens, hundreds...: `round_half_away(1250.0, -2) == 1300.0`.
/// Non-finite values are returned unchanged.
pub fn round_half_away(x: f64, decimals: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let decimals = decimals.clamp(-308, 300);
    let r = round_decimal(x, decimals);
    let plain = if r.frac.is_empty() { r.int } else { format!("{}.{}", r.int, r.frac) };
    let v: f64 = plain.parse().unwrap_or(x);
    if r.negative { -v } else { v }
}

/// Puts a dot between every group of three digits: "1205780" → "1.205.780".
fn group_thousands(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

const NOT_A_NUMBER: &str = "—";

/// Writes `x` with exactly `decimals` decimals, Vietnamese style:
/// `format_number(1205780.0, 0) == "1.205.780"`, `format_number(92.115, 2) == "92,12"`,
/// `format_number(-0.5, 1) == "-0,5"`.
/// Roman numerals, as official documents number their parts: 4 → "IV".
pub fn roman(n: usize) -> String {
    const R: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let (mut n, mut s) = (n, String::new());
    for (v, r) in R {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

pub fn format_number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return NOT_A_NUMBER.to_string();
    }
    let r = round_decimal(x, decimals.min(300) as i32);
    let mut out = String::new();
    if r.negative {
        out.push('-');
    }
    out.push_str(&group_thousands(&r.int));
    if !r.frac.is_empty() {
        out.push(',');
        out.push_str(&r.frac);
    }
    out
}

/// [`format_number`] followed by "%": `format_percent(92.12, 2) == "92,12%"`.
pub fn format_percent(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return NOT_A_NUMBER.to_string();
    }
    format!("{}%", format_number(x, decimals))
}

/// Writes an integer with thousands dots: `format_integer(-1205780) == "-1.205.780"`.
pub fn format_integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let grouped = group_thousands(&digits);
    if n < 0 { format!("-{grouped}") } else { grouped }
}

/// Writes `x` with at most `max_decimals` decimals and no trailing zeros:
/// `format_auto(1.50, 2) == "1,5"`, `format_auto(3.0, 2) == "3"`,
/// `format_auto(92.125, 2) == "92,13"`.
pub fn format_auto(x: f64, max_decimals: usize) -> String {
    let s = format_number(x, max_decimals);
    if s.contains(',') { s.trim_end_matches('0').trim_end_matches(',').to_string() } else { s }
}

/// An amount held in millions of đồng, stated in billions as plan texts do:
/// `format_billion_vnd(105_240.0) == "105,24 tỷ đồng"`. At most two decimals,
/// trailing zeros dropped ("12,4 tỷ đồng", "100 tỷ đồng").
pub fn format_billion_vnd(million: f64) -> String {
    if !million.is_finite() {
        return NOT_A_NUMBER.to_string();
    }
    format!("{} tỷ đồng", format_auto(million / 1000.0, 2))
}

/// A number that displays in Vietnamese format with a fixed number of decimals;
/// handy inside `format!`: `format!("{}", Vn(92.12, 2)) == "92,12"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vn(pub f64, pub usize);

impl fmt::Display for Vn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_number(self.0, self.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_vietnamese_and_plain_forms() {
        let cases: &[(&str, f64)] = &[
            ("1.205.780", 1_205_780.0),
            ("92,12", 92.12),
            ("1.205.780,5", 1_205_780.5),
            ("-3,5", -3.5),
            ("1205780", 1_205_780.0),
            ("92.12", 92.12),
            ("1.205", 1205.0),
            ("50.000", 50_000.0),
            ("0.125", 0.125),
            ("12345.678", 12345.678),
            ("1.5", 1.5),
            ("1.2345", 1.2345),
            ("99,21%", 99.21),
            ("  92,12 % ", 92.12),
            ("100%", 100.0),
            ("01", 1.0),
            ("0", 0.0),
            ("0,5", 0.5),
            ("+7", 7.0),
            ("−2,5", -2.5),
            ("1 205 780", 1_205_780.0),
            ("1\u{00A0}205\u{00A0}780", 1_205_780.0),
            ("1\u{202F}205,75", 1205.75),
            ("1\u{2009}205", 1205.0),
            ("104.220", 104_220.0),
            ("407.595", 407_595.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s).unwrap(), *want, "parsing {s:?}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read_and_quotes_it() {
        let cases: &[(&str, &str)] = &[
            ("", "chưa có số: \"\""),
            ("   ", "chưa có số: \"   \""),
            ("%", "chưa có số: \"%\""),
            ("1.20.5", "nhóm hàng nghìn phải có đủ 3 chữ số: \"1.20.5\""),
            ("1.2345.678", "nhóm hàng nghìn phải có đủ 3 chữ số: \"1.2345.678\""),
            ("1234.567.890", "nhóm hàng nghìn phải có đủ 3 chữ số: \"1234.567.890\""),
            ("0.205.780", "nhóm hàng nghìn phải có đủ 3 chữ số: \"0.205.780\""),
            ("12 34", "nhóm hàng nghìn phải có đủ 3 chữ số: \"12 34\""),
            ("1e3", "không phải số: \"1e3\" (ký tự 'e' không hợp lệ)"),
            ("abc", "không phải số: \"abc\" (ký tự 'a' không hợp lệ)"),
            ("1,205,780", "không đọc được số: \"1,205,780\""),
            ("1,5.2", "không đọc được số: \"1,5.2\""),
            ("-", "không đọc được số: \"-\""),
            (",5", "không đọc được số: \",5\""),
            ("5.", "không đọc được số: \"5.\""),
            ("1.205,", "không đọc được số: \"1.205,\""),
            ("1.205 780", "không đọc được số: \"1.205 780\""),
        ];
        for (s, msg) in cases {
            let err = parse_number(s).expect_err(s);
            assert_eq!(err.to_string(), *msg, "message for {s:?}");
        }
    }

    #[test]
    fn formats_vietnamese_style() {
        assert_eq!(format_number(1_205_780.0, 0), "1.205.780");
        assert_eq!(format_number(92.12, 2), "92,12");
        assert_eq!(format_number(-0.5, 1), "-0,5");
        assert_eq!(format_number(0.0, 2), "0,00");
        assert_eq!(format_number(-0.001, 2), "0,00");
        assert_eq!(format_number(999.0, 0), "999");
        assert_eq!(format_number(1000.0, 0), "1.000");
        assert_eq!(format_number(-1_205_780.25, 1), "-1.205.780,3");
        assert_eq!(format_number(1e21, 0), "1.000.000.000.000.000.000.000");
        assert_eq!(format_number(0.0000001, 7), "0,0000001");
        assert_eq!(format_number(f64::NAN, 2), "—");
        assert_eq!(format_percent(92.12, 2), "92,12%");
        assert_eq!(format_percent(72.0497, 2), "72,05%");
        assert_eq!(format_integer(1_205_780), "1.205.780");
        assert_eq!(format_integer(-58_109), "-58.109");
        assert_eq!(format_integer(0), "0");
        assert_eq!(format_integer(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(format_auto(1.5, 2), "1,5");
        assert_eq!(format_auto(3.0, 2), "3");
        assert_eq!(format_auto(2.999, 2), "3");
        assert_eq!(format_auto(-0.001, 2), "0");
        assert_eq!(format_auto(1200.0, 2), "1.200");
    }

    #[test]
    fn rounds_half_away_from_zero_on_the_visible_digits() {
        assert_eq!(format_number(92.115, 2), "92,12");
        assert_eq!(format_number(0.125, 2), "0,13");
        assert_eq!(format_number(1.005, 2), "1,01");
        assert_eq!(format_number(2.675, 2), "2,68");
        assert_eq!(format_number(-0.125, 2), "-0,13");
        assert_eq!(format_number(0.5, 0), "1");
        assert_eq!(format_number(-0.5, 0), "-1");
        assert_eq!(format_number(2.5, 0), "3");
        assert_eq!(format_number(9.995, 2), "10,00");
        assert_eq!(format_number(999_999.5, 0), "1.000.000");
        assert_eq!(format_number(0.004, 2), "0,00");
        assert_eq!(format_number(0.005, 2), "0,01");
        // 629 / 58.109: the stated "0,01%" in the example report was wrong.
        assert_eq!(format_percent(629.0 / 58_109.0 * 100.0, 2), "1,08%");
        assert_eq!(format_percent(53_531.0 / 58_109.0 * 100.0, 2), "92,12%");
        assert_eq!(format_percent(293_670.0 / 407_595.0 * 100.0, 2), "72,05%");
        assert_eq!(round_half_away(1.005, 2), 1.01);
        assert_eq!(round_half_away(0.125, 2), 0.13);
        assert_eq!(round_half_away(-2.5, 0), -3.0);
        assert_eq!(round_half_away(1250.0, -2), 1300.0);
        assert_eq!(round_half_away(1249.0, -2), 1200.0);
        assert_eq!(round_half_away(49.0, -2), 0.0);
        assert_eq!(round_half_away(51.0, -2), 100.0);
        assert_eq!(round_half_away(12.0, -5), 0.0);
        assert_eq!(round_half_away(99.21, 0), 99.0);
        assert!(round_half_away(f64::NAN, 2).is_nan());
    }

    #[test]
    fn billions_of_dong() {
        assert_eq!(format_billion_vnd(105_240.0), "105,24 tỷ đồng");
        assert_eq!(format_billion_vnd(75_152.0), "75,15 tỷ đồng");
        assert_eq!(format_billion_vnd(30_088.0), "30,09 tỷ đồng");
        assert_eq!(format_billion_vnd(12_400.0), "12,4 tỷ đồng");
        assert_eq!(format_billion_vnd(100_000.0), "100 tỷ đồng");
        assert_eq!(format_billion_vnd(1_205_780.0), "1.205,78 tỷ đồng");
        assert_eq!(format!("{}", Vn(92.115, 2)), "92,12");
    }

    proptest! {
        #[test]
        fn integers_round_trip(n in -9_000_000_000_000_000i64..9_000_000_000_000_000i64) {
            let s = format_number(n as f64, 0);
            prop_assert_eq!(parse_number(&s).unwrap(), n as f64, "{}", s);
            prop_assert_eq!(format_integer(n), s);
        }

        #[test]
        fn two_decimal_values_round_trip(cents in -10_000_000_000_000i64..10_000_000_000_000i64) {
            let x = cents as f64 / 100.0;
            let s = format_number(x, 2);
            prop_assert_eq!(parse_number(&s).unwrap(), x, "{}", s);
            let p = format_percent(x, 2);
            prop_assert_eq!(parse_number(&p).unwrap(), x, "{}", p);
        }

        #[test]
        fn auto_format_round_trips(cents in -1_000_000_000_000i64..1_000_000_000_000i64) {
            let x = cents as f64 / 100.0;
            let s = format_auto(x, 2);
            prop_assert_eq!(parse_number(&s).unwrap(), x, "{}", s);
        }
    }
}
