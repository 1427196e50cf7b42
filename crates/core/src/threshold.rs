//! Targets' threshold phrases and stated results, as the office writes them.
//!
//! A plan's target is a Vietnamese sentence carrying a threshold: "Trên 60% cơ
//! quan nhà nước cấp tỉnh tham gia cung cấp dữ liệu mở", "Tỷ lệ ... đạt 80% trở
//! lên", "Hỗ trợ ít nhất 50 doanh nghiệp", "Đưa vào hoạt động Trung tâm chuyển đổi
//! số Tỉnh". [`parse_threshold`] reads the threshold out of such a phrase (or out
//! of the whole sentence when it holds a single figure); [`parse_outcome`] reads a
//! stated result ("99,21%", "Trên 85%", "1 cuộc", "Hoàn thành").
//!
//! # How a threshold phrase is read
//!
//! The phrase is compared case-insensitively, with Vietnamese letters written
//! either precomposed ("Unicode dựng sẵn") or with combining marks ("Unicode tổ
//! hợp"). Numbers are read by [`crate::number::parse_number`] ("01", "1.205",
//! "92,5").
//!
//! 1. **Figures.** Every number in the phrase is found, except numbers that are
//!    plainly not a threshold: parts of codes, dates and ranges written with `/` or
//!    `-` ("Chỉ thị số 14/CT-TTg", "24/7", "09/2023", "2021-2025"), numbers right
//!    after *số, năm, tháng, ngày, quý, tuần, mức, cấp, độ, đoạn, khóa, thứ, bản,
//!    đề án* unless followed by `%` ("dịch vụ công trực tuyến mức 4", "năm 2023",
//!    "cấp độ 3"), a year after a dash ("giai đoạn 2021 - 2025"), and digits glued
//!    to letters ("IPv6", "4G").
//! 2. **No figure**: the phrase is a **milestone** when it starts with one of the
//!    verbs in [`MILESTONE_VERBS`] ("Hoàn thành", "Công bố chính thức ...", "Đưa
//!    vào hoạt động ...", "Ban hành ..."); its label is the phrase, trimmed.
//!    Anything else ("nhiều hơn trước", "khoảng vài chục", "") is an error quoting
//!    the phrase: `không hiểu ngưỡng chỉ tiêu: "nhiều hơn trước"`.
//! 3. **Two figures or more** ("ít nhất 01 mô hình ...; ít nhất 02 mô hình ...")
//!    is an error asking to split the target into one target per figure.
//! 4. **One figure.** Its unit is what follows it: `%` or "phần trăm" → percent;
//!    "ngày" → days; a measurement unit among "ngày làm việc, giờ, phút, tuần,
//!    tháng, năm, triệu đồng, tỷ đồng, đồng, km, Mbps, Gbps" → other; otherwise a
//!    count, whose word is the known measure word that follows ("cuộc",
//!    "doanh nghiệp", "cán bộ", "mô hình", see [`COUNT_WORDS`]), or else the
//!    words up to the next punctuation or "trở lên" when they are at most three,
//!    or else none ("ít nhất 01").
//! 5. **The comparator** is read from the words just before the figure:
//!    - "≥", ">=", "ít nhất", "tối thiểu", "từ", "không dưới", "không thấp hơn",
//!      "không ít hơn" → at least;
//!    - ">", "trên", "hơn", "vượt", "cao hơn", "nhiều hơn" → more than;
//!    - "≤", "<=", "tối đa", "không quá", "không vượt quá", "nhiều nhất",
//!      "không cao hơn" → at most;
//!    - "<", "dưới", "ít hơn", "thấp hơn", "nhỏ hơn" → less than;
//!    - "khoảng", "gần", "xấp xỉ", "tăng", "giảm", "còn" → refused (an
//!      approximation or a change, not a level: write "tối đa 5%" rather than
//!      "giảm còn 5%");
//!    - anything else ("đạt", "cho", nothing at all) → *reach* the value, which is
//!      judged like "at least".
//!
//!    Then "trở lên" anywhere after the figure turns *reach* into *at least*
//!    ("đạt 80% trở lên", "cho 300 cán bộ, công chức, viên chức trở lên"), and
//!    "trở xuống" turns it into *at most*; a contradiction ("dưới 5% trở lên") is
//!    an error.
//!
//! # Writing a threshold back
//!
//! `Display` gives the office's phrase form, never mathematical symbols: "Từ 80%
//! trở lên", "Trên 60%", "Tối đa 10 ngày", "Dưới 5%", "100%" (reach), "Từ 01 cuộc
//! trở lên" (counts below ten take a leading zero, as plans write them), the label
//! for a milestone. Numbers are in Vietnamese format.
//!
//! # Serialization
//!
//! [`Threshold`] serializes as its `Display` phrase and deserializes by
//! [`parse_threshold`]; for every threshold [`parse_threshold`] produces, reading
//! back its phrase gives the same threshold (tested). A hand-built threshold whose
//! unit or milestone label `parse_threshold` would not produce (an unknown
//! [`Unit::Other`], a label that does not start with a milestone verb) does not
//! survive that trip: store a [`ThresholdPhrase`], which keeps the plan's wording
//! verbatim and serializes as exactly that wording.
//!
//! [`Outcome`] and [`Unit`] serialize structurally (an outcome may be a computed
//! figure with many decimals).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::number::{NumberError, format_auto, parse_number};

/// How a value compares with the threshold's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// ≥: "từ 80% trở lên", "ít nhất 01", "tối thiểu 80%".
    AtLeast,
    /// >: "trên 60%".
    MoreThan,
    /// ≤: "tối đa 10 ngày", "không quá 5%".
    AtMost,
    /// <: "dưới 5%".
    LessThan,
    /// Reaching the value: "đạt 50%", "100%", "cho 30%". Higher is better; judged
    /// like [`Comparator::AtLeast`].
    Reach,
}

impl Comparator {
    /// True for at least, more than and reach; false for at most and less than.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Comparator::AtLeast | Comparator::MoreThan | Comparator::Reach)
    }

    /// True for the strict comparators (more than, less than).
    pub fn is_strict(self) -> bool {
        matches!(self, Comparator::MoreThan | Comparator::LessThan)
    }

    /// Whether `value` satisfies the comparator against `target` (exact comparison).
    pub fn holds(self, value: f64, target: f64) -> bool {
        match self {
            Comparator::AtLeast | Comparator::Reach => value >= target,
            Comparator::MoreThan => value > target,
            Comparator::AtMost => value <= target,
            Comparator::LessThan => value < target,
        }
    }
}

/// The unit of a threshold or a result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A rate in percent: "80%".
    Percent,
    /// A number of things, with the measure word when one is written: "01 cuộc",
    /// "50 doanh nghiệp", "300 cán bộ", "ít nhất 01" (no word).
    Count { word: Option<String> },
    /// A number of days: "10 ngày".
    Days,
    /// Another measurement unit: "giờ", "ngày làm việc", "tỷ đồng".
    Other(String),
}

/// A target's threshold.
#[derive(Debug, Clone, PartialEq)]
pub enum Threshold {
    /// A figure to reach, exceed or stay under.
    Numeric { comparator: Comparator, value: f64, unit: Unit },
    /// Something to be done: "Công bố chính thức nền tảng dữ liệu số nông nghiệp".
    Milestone { label: String },
}

impl Threshold {
    /// The threshold's figure, `None` for a milestone.
    pub fn value(&self) -> Option<f64> {
        match self {
            Threshold::Numeric { value, .. } => Some(*value),
            Threshold::Milestone { .. } => None,
        }
    }

    /// The threshold's unit, `None` for a milestone.
    pub fn unit(&self) -> Option<&Unit> {
        match self {
            Threshold::Numeric { unit, .. } => Some(unit),
            Threshold::Milestone { .. } => None,
        }
    }

    /// The threshold's comparator, `None` for a milestone.
    pub fn comparator(&self) -> Option<Comparator> {
        match self {
            Threshold::Numeric { comparator, .. } => Some(*comparator),
            Threshold::Milestone { .. } => None,
        }
    }
}

/// A stated (or computed) result of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A figure: "99,21%", "320", "1 cuộc".
    Value(f64, Unit),
    /// Above a figure, exact value unknown: "Trên 85%".
    Above(f64, Unit),
    /// Below a figure, exact value unknown: "Dưới 5%".
    Below(f64, Unit),
    /// "Hoàn thành", "Đã hoàn thành", "Đã ban hành".
    Done,
    /// "Chưa hoàn thành", "Không hoàn thành", "Đang triển khai".
    NotDone,
}

impl Outcome {
    /// The figure stated, if any (the bound for [`Outcome::Above`] / [`Outcome::Below`]).
    pub fn value(&self) -> Option<f64> {
        match self {
            Outcome::Value(v, _) | Outcome::Above(v, _) | Outcome::Below(v, _) => Some(*v),
            Outcome::Done | Outcome::NotDone => None,
        }
    }
}

/// Why a threshold phrase or a stated result cannot be read. Every variant quotes it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThresholdError {
    /// No threshold could be read from the phrase.
    #[error("không hiểu ngưỡng chỉ tiêu: \"{phrase}\"")]
    Unparsed { phrase: String },
    /// The phrase states several figures: it holds several targets.
    #[error(
        "chỉ tiêu có nhiều ngưỡng ({}), cần tách thành các chỉ tiêu riêng: \"{phrase}\"",
        .numbers.join(", ")
    )]
    SeveralNumbers { phrase: String, numbers: Vec<String> },
    /// The phrase's figure is not a well-formed number.
    #[error("ngưỡng chỉ tiêu \"{phrase}\": {reason}")]
    BadNumber { phrase: String, reason: NumberError },
    /// No result could be read from the text.
    #[error("không hiểu kết quả thực hiện: \"{text}\"")]
    UnparsedOutcome { text: String },
}

// ------------------------------------------------------------ text folding

/// Vowels by tone: none, grave, acute, hook above, tilde, dot below.
const TONE_ROWS: [&str; 12] = [
    "aàáảãạ",
    "ăằắẳẵặ",
    "âầấẩẫậ",
    "eèéẻẽẹ",
    "êềếểễệ",
    "iìíỉĩị",
    "oòóỏõọ",
    "ôồốổỗộ",
    "ơờớởỡợ",
    "uùúủũụ",
    "ưừứửữự",
    "yỳýỷỹỵ",
];

fn tone_index(mark: char) -> Option<usize> {
    match mark {
        '\u{0300}' | '\u{0340}' => Some(1),
        '\u{0301}' | '\u{0341}' => Some(2),
        '\u{0309}' => Some(3),
        '\u{0303}' => Some(4),
        '\u{0323}' => Some(5),
        _ => None,
    }
}

/// (row, tone) of a lowercase Vietnamese vowel.
fn vowel_position(c: char) -> Option<(usize, usize)> {
    TONE_ROWS.iter().enumerate().find_map(|(r, row)| row.chars().position(|x| x == c).map(|t| (r, t)))
}

fn vowel_at(row: usize, tone: usize) -> Option<char> {
    TONE_ROWS.get(row).and_then(|r| r.chars().nth(tone))
}

/// Lowercases and composes Vietnamese letters written with combining marks, so
/// that "Unicode tổ hợp" text compares equal to precomposed text.
fn fold(s: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let composed = out.last().copied().and_then(|prev| {
            let (row, tone) = vowel_position(prev)?;
            if let Some(t) = tone_index(c) {
                return if tone == 0 { vowel_at(row, t) } else { None };
            }
            let new_row = match (row, c) {
                (0, '\u{0306}') => 1,
                (0, '\u{0302}') => 2,
                (3, '\u{0302}') => 4,
                (6, '\u{0302}') => 7,
                (6, '\u{031B}') => 8,
                (9, '\u{031B}') => 10,
                _ => return None,
            };
            vowel_at(new_row, tone)
        });
        match composed {
            Some(v) => {
                out.pop();
                out.push(v);
            }
            None => out.push(c),
        }
    }
    out.into_iter().collect()
}

const PUNCTUATION: &[char] =
    &[',', ';', ':', '.', '!', '?', '(', ')', '[', ']', '"', '\'', '“', '”', '‘', '’', '…', '-', '–', '—', '/'];

/// Words of a folded text, with surrounding punctuation removed.
fn words(s: &str) -> Vec<&str> {
    s.split(char::is_whitespace).map(|w| w.trim_matches(PUNCTUATION)).filter(|w| !w.is_empty()).collect()
}

fn ends_with_words(ws: &[&str], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    ws.len() >= p.len() && ws[ws.len() - p.len()..] == p[..]
}

fn starts_with_words(ws: &[&str], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    ws.len() >= p.len() && ws[..p.len()] == p[..]
}

fn contains_words(ws: &[&str], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    ws.windows(p.len()).any(|w| w == &p[..])
}

// ------------------------------------------------------------ vocabularies

/// Verbs that open a milestone target (lowercase). A phrase without a figure that
/// starts with one of them is a [`Threshold::Milestone`].
pub const MILESTONE_VERBS: &[&str] = &[
    "hoàn thành",
    "hoàn thiện",
    "hoàn tất",
    "công bố",
    "đưa vào",
    "ban hành",
    "triển khai",
    "xây dựng",
    "thành lập",
    "phê duyệt",
    "khai trương",
    "vận hành",
    "tổ chức",
    "kết nối",
    "nâng cấp",
    "cập nhật",
    "số hóa",
    "số hoá",
    "ký kết",
    "trình",
    "thực hiện",
    "tích hợp",
    "đầu tư",
    "mua sắm",
    "lắp đặt",
    "hình thành",
    "duy trì",
    "bảo đảm",
    "đảm bảo",
    "chuyển đổi",
    "thí điểm",
    "cung cấp",
    "phát triển",
    "ứng dụng",
    "đánh giá",
    "rà soát",
    "sửa đổi",
    "bổ sung",
];

/// Measure words recognised after a count (lowercase); the longest match wins.
pub const COUNT_WORDS: &[&str] = &[
    "cuộc",
    "cuộc họp",
    "lần",
    "lượt",
    "người",
    "doanh nghiệp",
    "cán bộ",
    "công chức",
    "viên chức",
    "hộ",
    "hộ gia đình",
    "hồ sơ",
    "thủ tục",
    "hệ thống",
    "mô hình",
    "lĩnh vực",
    "tài khoản",
    "thiết bị",
    "máy tính",
    "camera",
    "xã",
    "phường",
    "huyện",
    "đơn vị",
    "cơ quan",
    "dịch vụ",
    "sản phẩm",
    "khóa",
    "khoá",
    "lớp",
    "buổi",
    "đợt",
    "nền tảng",
    "cơ sở dữ liệu",
    "học viên",
    "học sinh",
    "sinh viên",
    "giáo viên",
    "trường",
    "trạm",
    "ứng dụng",
    "phần mềm",
    "chương trình",
    "hội nghị",
    "hội thảo",
    "bài",
    "bài viết",
    "tin bài",
    "văn bản",
    "chữ ký số",
    "chứng thư số",
    "hợp tác xã",
    "cửa hàng",
    "tổ",
    "thành viên",
    "điểm",
    "nhiệm vụ",
    "dự án",
    "đề án",
    "kế hoạch",
    "báo cáo",
    "chỉ tiêu",
];

/// Measurement units (folded form, written form).
const OTHER_UNITS: &[(&str, &str)] = &[
    ("ngày làm việc", "ngày làm việc"),
    ("giờ", "giờ"),
    ("phút", "phút"),
    ("tuần", "tuần"),
    ("tháng", "tháng"),
    ("năm", "năm"),
    ("triệu đồng", "triệu đồng"),
    ("tỷ đồng", "tỷ đồng"),
    ("tỉ đồng", "tỷ đồng"),
    ("đồng", "đồng"),
    ("km", "km"),
    ("mbps", "Mbps"),
    ("gbps", "Gbps"),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Qualifier {
    Is(Comparator),
    Refused,
}

/// Words before the figure that set the comparator; longest match wins.
const QUALIFIERS: &[(&str, Qualifier)] = {
    use Comparator::*;
    use Qualifier::*;
    &[
        ("không vượt quá", Is(AtMost)),
        ("không quá", Is(AtMost)),
        ("không cao hơn", Is(AtMost)),
        ("không lớn hơn", Is(AtMost)),
        ("không nhiều hơn", Is(AtMost)),
        ("không vượt", Is(AtMost)),
        ("tối đa", Is(AtMost)),
        ("nhiều nhất", Is(AtMost)),
        ("cao nhất", Is(AtMost)),
        ("không dưới", Is(AtLeast)),
        ("không thấp hơn", Is(AtLeast)),
        ("không ít hơn", Is(AtLeast)),
        ("không nhỏ hơn", Is(AtLeast)),
        ("ít nhất", Is(AtLeast)),
        ("tối thiểu", Is(AtLeast)),
        ("thấp nhất", Is(AtLeast)),
        ("từ", Is(AtLeast)),
        ("trên", Is(MoreThan)),
        ("hơn", Is(MoreThan)),
        ("vượt", Is(MoreThan)),
        ("vượt quá", Is(MoreThan)),
        ("dưới", Is(LessThan)),
        ("ít hơn", Is(LessThan)),
        ("thấp hơn", Is(LessThan)),
        ("nhỏ hơn", Is(LessThan)),
        ("khoảng", Refused),
        ("khoảng chừng", Refused),
        ("chừng", Refused),
        ("gần", Refused),
        ("xấp xỉ", Refused),
        ("tăng", Refused),
        ("tăng thêm", Refused),
        ("giảm", Refused),
        ("giảm thêm", Refused),
        ("giảm xuống", Refused),
        ("còn", Refused),
        ("xuống", Refused),
    ]
};

/// Words after which a number is a code, a date or a level, not a threshold
/// (unless followed by `%`).
const NOT_A_FIGURE_AFTER: &[&str] =
    &["số", "năm", "tháng", "ngày", "quý", "tuần", "mức", "cấp", "độ", "đoạn", "khóa", "khoá", "thứ", "bản", "đề án"];

// ------------------------------------------------------------ figures

#[derive(Debug, Clone)]
struct Figure {
    /// Byte range in the folded text.
    start: usize,
    end: usize,
    text: String,
}

fn is_space_separator(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// Finds the figures of a folded text (see rule 1 of the module documentation).
fn figures(text: &str) -> Vec<Figure> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map(|(b, _)| *b).unwrap_or(text.len());
    let ch = |i: usize| chars.get(i).map(|(_, c)| *c);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let prev = if i > 0 { ch(i - 1) } else { None };
        if !c.is_ascii_digit() || prev.is_some_and(|p| p.is_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut start = i;
        let mut j = i;
        while j < chars.len() {
            let cj = chars[j].1;
            let next_digit = ch(j + 1).is_some_and(|n| n.is_ascii_digit());
            if cj.is_ascii_digit() || ((cj == '.' || cj == ',' || is_space_separator(cj)) && next_digit) {
                j += 1;
            } else {
                break;
            }
        }
        let after = ch(j);
        let after2 = ch(j + 1);
        // A sign: '-' preceded by nothing, a space or a comparison symbol.
        if let Some(p) = prev
            && (p == '-' || p == '−')
        {
            let before_sign = if i >= 2 { ch(i - 2) } else { None };
            if before_sign.is_none_or(|b| b.is_whitespace() || "≥≤<>=".contains(b)) {
                start = i - 1;
            }
        }
        let glued_to_letters = after.is_some_and(|a| a.is_alphabetic());
        let joined_after = matches!(after, Some('/'))
            || (matches!(after, Some('-') | Some('–')) && after2.is_some_and(|a| a.is_alphanumeric()));
        let joined_before = start == i
            && (matches!(prev, Some('/'))
                || (matches!(prev, Some('-') | Some('–')) && i >= 2 && ch(i - 2).is_some_and(|b| b.is_alphanumeric())));
        let figure_text: String = chars[start..j].iter().map(|(_, c)| *c).collect();
        let percent_follows = text[byte_at(j)..].trim_start().starts_with('%');
        let prefix = &text[..byte_at(start)];
        let prefix_words = words(prefix);
        let after_marker = !percent_follows && NOT_A_FIGURE_AFTER.iter().any(|w| ends_with_words(&prefix_words, w));
        let year_like = figure_text.len() == 4 && figure_text.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y));
        let year_after_dash = year_like && {
            let p = prefix.trim_end();
            p.ends_with('-') || p.ends_with('–') || p.ends_with("đến")
        };
        if !(glued_to_letters || joined_after || joined_before || after_marker || year_after_dash) {
            out.push(Figure { start: byte_at(start), end: byte_at(j), text: figure_text });
        }
        i = j.max(i + 1);
    }
    out
}

/// The unit following a figure, and the rest of the text after the unit sign.
fn read_unit(after: &str) -> (Unit, &str) {
    let trimmed = after.trim_start();
    if let Some(rest) = trimmed.strip_prefix('%') {
        return (Unit::Percent, rest);
    }
    // The head: the words up to the next punctuation, stopping at "trở".
    let head_end = trimmed.find([',', ';', '.', '(', ')', ':', '\n']).unwrap_or(trimmed.len());
    let mut head = words(&trimmed[..head_end]);
    if let Some(k) = head.iter().position(|w| *w == "trở") {
        head.truncate(k);
    }
    if starts_with_words(&head, "phần trăm") {
        return (Unit::Percent, trimmed);
    }
    if let Some((_, written)) =
        OTHER_UNITS.iter().filter(|(f, _)| starts_with_words(&head, f)).max_by_key(|(f, _)| f.len())
    {
        return (Unit::Other((*written).to_string()), trimmed);
    }
    if starts_with_words(&head, "ngày") {
        return (Unit::Days, trimmed);
    }
    if let Some(w) = COUNT_WORDS.iter().filter(|w| starts_with_words(&head, w)).max_by_key(|w| w.len()) {
        return (Unit::Count { word: Some((*w).to_string()) }, trimmed);
    }
    let word = (!head.is_empty() && head.len() <= 3 && head.iter().all(|w| w.chars().all(char::is_alphabetic)))
        .then(|| head.join(" "));
    (Unit::Count { word }, trimmed)
}

// ------------------------------------------------------------ parsing

/// Reads a target's threshold from its phrase (or its whole sentence when it
/// holds a single figure). See the module documentation for the rules.
///
/// ```
/// use chiso_core::threshold::{parse_threshold, Comparator, Threshold, Unit};
/// assert_eq!(
///     parse_threshold("đạt 80% trở lên").unwrap(),
///     Threshold::Numeric { comparator: Comparator::AtLeast, value: 80.0, unit: Unit::Percent }
/// );
/// assert!(parse_threshold("nhiều hơn trước").is_err());
/// ```
pub fn parse_threshold(phrase: &str) -> Result<Threshold, ThresholdError> {
    let unparsed = || ThresholdError::Unparsed { phrase: phrase.to_string() };
    let text = fold(phrase);
    let found = figures(&text);
    match found.len() {
        0 => {
            let ws = words(&text);
            if MILESTONE_VERBS.iter().any(|v| starts_with_words(&ws, v)) {
                Ok(Threshold::Milestone { label: phrase.trim().to_string() })
            } else {
                Err(unparsed())
            }
        }
        1 => {
            let fig = &found[0];
            let value = parse_number(&fig.text)
                .map_err(|reason| ThresholdError::BadNumber { phrase: phrase.to_string(), reason })?;
            let (unit, _) = read_unit(&text[fig.end..]);
            let base = match prefix_qualifier(&text[..fig.start]) {
                Some(Qualifier::Refused) => return Err(unparsed()),
                Some(Qualifier::Is(c)) => c,
                None => Comparator::Reach,
            };
            let after = words(&text[fig.end..]);
            let up = contains_words(&after, "trở lên");
            let down = contains_words(&after, "trở xuống");
            let comparator = match (up, down, base) {
                (true, true, _) => return Err(unparsed()),
                (true, false, Comparator::Reach | Comparator::AtLeast) => Comparator::AtLeast,
                (true, false, Comparator::MoreThan) => Comparator::MoreThan,
                (true, false, _) => return Err(unparsed()),
                (false, true, Comparator::Reach | Comparator::AtMost) => Comparator::AtMost,
                (false, true, Comparator::LessThan) => Comparator::LessThan,
                (false, true, _) => return Err(unparsed()),
                (false, false, c) => c,
            };
            Ok(Threshold::Numeric { comparator, value, unit })
        }
        _ => Err(ThresholdError::SeveralNumbers {
            phrase: phrase.to_string(),
            numbers: found.into_iter().map(|f| f.text).collect(),
        }),
    }
}

/// The qualifier ending `prefix` (symbols first, then words), if any.
fn prefix_qualifier(prefix: &str) -> Option<Qualifier> {
    let p = prefix.trim_end();
    for (sym, c) in [
        (">=", Comparator::AtLeast),
        ("=>", Comparator::AtLeast),
        ("≥", Comparator::AtLeast),
        ("⩾", Comparator::AtLeast),
        ("<=", Comparator::AtMost),
        ("=<", Comparator::AtMost),
        ("≤", Comparator::AtMost),
        ("⩽", Comparator::AtMost),
        (">", Comparator::MoreThan),
        ("<", Comparator::LessThan),
    ] {
        if p.ends_with(sym) {
            return Some(Qualifier::Is(c));
        }
    }
    let ws = words(p);
    QUALIFIERS
        .iter()
        .filter(|(w, _)| ends_with_words(&ws, w))
        .max_by_key(|(w, _)| w.split(' ').count())
        .map(|(_, q)| *q)
}

/// Words that state a result is done (at the start of the text).
const DONE_WORDS: &[&str] = &["hoàn thành", "hoàn tất", "xong", "đã"];
/// Words that state a result is not done (at the start of the text).
const NOT_DONE_WORDS: &[&str] = &["chưa", "không", "đang"];

/// Reads a stated result: "100%", "99,21%", "Trên 85%", "Dưới 5%", "320",
/// "1 cuộc", "Hoàn thành" / "Đã hoàn thành" / "Đã ban hành" (done),
/// "Chưa hoàn thành" / "Không hoàn thành" / "Đang triển khai" (not done).
///
/// A result starting with a negation ("chưa", "không", "đang") is not done; one
/// starting with a completion word ("hoàn thành", "hoàn tất", "xong", "đã") or,
/// when it holds no figure, with a milestone verb is done. Otherwise it must hold
/// exactly one figure, preceded by nothing, "đạt", "được" or "là" (a value), by
/// "trên", "hơn", "vượt" or ">" (a lower bound), or by "dưới", "chưa đến" or "<"
/// (an upper bound). "80% trở lên" and approximations are refused.
pub fn parse_outcome(s: &str) -> Result<Outcome, ThresholdError> {
    let err = || ThresholdError::UnparsedOutcome { text: s.to_string() };
    let text = fold(s);
    let ws = words(&text);
    if ws.is_empty() {
        return Err(err());
    }
    if NOT_DONE_WORDS.iter().any(|w| starts_with_words(&ws, w)) {
        return Ok(Outcome::NotDone);
    }
    if DONE_WORDS.iter().any(|w| starts_with_words(&ws, w)) {
        return Ok(Outcome::Done);
    }
    let found = figures(&text);
    if found.is_empty() && MILESTONE_VERBS.iter().any(|v| starts_with_words(&ws, v)) {
        return Ok(Outcome::Done);
    }
    let [fig] = &found[..] else {
        return Err(err());
    };
    let value = parse_number(&fig.text).map_err(|_| err())?;
    let (unit, _) = read_unit(&text[fig.end..]);
    let after = words(&text[fig.end..]);
    if contains_words(&after, "trở lên") || contains_words(&after, "trở xuống") {
        return Err(err());
    }
    let prefix = text[..fig.start].trim_end();
    let pw = words(prefix);
    if prefix.ends_with('>') && !prefix.ends_with(">=") {
        return Ok(Outcome::Above(value, unit));
    }
    if prefix.ends_with('<') {
        return Ok(Outcome::Below(value, unit));
    }
    let is = |list: &[&str]| list.iter().any(|w| ends_with_words(&pw, w));
    if pw.is_empty() || (pw.len() == 1 && is(&["đạt", "được", "là"])) {
        Ok(Outcome::Value(value, unit))
    } else if pw.len() <= 2 && is(&["trên", "hơn", "vượt", "đạt trên"]) {
        Ok(Outcome::Above(value, unit))
    } else if pw.len() <= 2 && is(&["dưới", "chưa đến", "chưa tới"]) {
        Ok(Outcome::Below(value, unit))
    } else {
        Err(err())
    }
}

// ------------------------------------------------------------ display

/// A figure with its unit, Vietnamese style. `leading_zero` writes counts below
/// ten as plans do ("01 cuộc").
fn figure_with_unit(value: f64, unit: &Unit, leading_zero: bool) -> String {
    let num = || format_auto(value, 10);
    match unit {
        Unit::Percent => format!("{}%", num()),
        Unit::Count { word } => {
            let n = if leading_zero && value.fract() == 0.0 && (1.0..10.0).contains(&value) {
                format!("{:02}", value as i64)
            } else {
                num()
            };
            match word {
                Some(w) => format!("{n} {w}"),
                None => n,
            }
        }
        Unit::Days => format!("{} ngày", num()),
        Unit::Other(u) => format!("{} {u}", num()),
    }
}

impl fmt::Display for Unit {
    /// The unit as written after a figure: "%", "cuộc", "ngày", "giờ" (empty for a
    /// count without a word).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Percent => f.write_str("%"),
            Unit::Count { word } => f.write_str(word.as_deref().unwrap_or("")),
            Unit::Days => f.write_str("ngày"),
            Unit::Other(u) => f.write_str(u),
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Milestone { label } => f.write_str(label),
            Threshold::Numeric { comparator, value, unit } => {
                let x = figure_with_unit(*value, unit, true);
                match comparator {
                    Comparator::AtLeast => write!(f, "Từ {x} trở lên"),
                    Comparator::MoreThan => write!(f, "Trên {x}"),
                    Comparator::AtMost => write!(f, "Tối đa {x}"),
                    Comparator::LessThan => write!(f, "Dưới {x}"),
                    Comparator::Reach => f.write_str(&x),
                }
            }
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Value(v, u) => f.write_str(&figure_with_unit(*v, u, false)),
            Outcome::Above(v, u) => write!(f, "Trên {}", figure_with_unit(*v, u, false)),
            Outcome::Below(v, u) => write!(f, "Dưới {}", figure_with_unit(*v, u, false)),
            Outcome::Done => f.write_str("Hoàn thành"),
            Outcome::NotDone => f.write_str("Chưa hoàn thành"),
        }
    }
}

impl std::str::FromStr for Threshold {
    type Err = ThresholdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_threshold(s)
    }
}

impl std::str::FromStr for Outcome {
    type Err = ThresholdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_outcome(s)
    }
}

impl Serialize for Threshold {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        parse_threshold(&s).map_err(serde::de::Error::custom)
    }
}

/// A plan's threshold phrase, verbatim, with the threshold read from it.
/// Serializes as the phrase; reading it back parses it again, so nothing is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdPhrase {
    phrase: String,
    threshold: Threshold,
}

impl ThresholdPhrase {
    /// Reads the phrase ([`parse_threshold`]) and keeps it as written.
    pub fn parse(phrase: &str) -> Result<Self, ThresholdError> {
        Ok(ThresholdPhrase { threshold: parse_threshold(phrase)?, phrase: phrase.to_string() })
    }

    /// The phrase as written in the plan.
    pub fn phrase(&self) -> &str {
        &self.phrase
    }

    /// The threshold read from it.
    pub fn threshold(&self) -> &Threshold {
        &self.threshold
    }

    /// The threshold read from it, by value.
    pub fn into_threshold(self) -> Threshold {
        self.threshold
    }
}

impl fmt::Display for ThresholdPhrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.phrase)
    }
}

impl std::str::FromStr for ThresholdPhrase {
    type Err = ThresholdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ThresholdPhrase::parse(s)
    }
}

impl Serialize for ThresholdPhrase {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.phrase)
    }
}

impl<'de> Deserialize<'de> for ThresholdPhrase {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        ThresholdPhrase::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Comparator::*;
    use proptest::prelude::*;

    fn num(comparator: Comparator, value: f64, unit: Unit) -> Threshold {
        Threshold::Numeric { comparator, value, unit }
    }

    fn count(word: Option<&str>) -> Unit {
        Unit::Count { word: word.map(str::to_string) }
    }

    fn milestone(label: &str) -> Threshold {
        Threshold::Milestone { label: label.to_string() }
    }

    #[test]
    fn reads_the_phrases_of_the_plans() {
        let pct = || Unit::Percent;
        let cases: Vec<(&str, Threshold)> = vec![
            ("100%", num(Reach, 100.0, pct())),
            ("Trên 60%", num(MoreThan, 60.0, pct())),
            ("trên 60 %", num(MoreThan, 60.0, pct())),
            ("TRÊN 60%", num(MoreThan, 60.0, pct())),
            ("đạt 80% trở lên", num(AtLeast, 80.0, pct())),
            ("80% trở lên", num(AtLeast, 80.0, pct())),
            ("tối thiểu 80%", num(AtLeast, 80.0, pct())),
            ("đạt tối thiểu 80%", num(AtLeast, 80.0, pct())),
            ("ít nhất 01", num(AtLeast, 1.0, count(None))),
            ("ít nhất 01 cuộc", num(AtLeast, 1.0, count(Some("cuộc")))),
            ("Hỗ trợ ít nhất 50 doanh nghiệp", num(AtLeast, 50.0, count(Some("doanh nghiệp")))),
            (
                "Tổ chức tập huấn cho 300 cán bộ, công chức, viên chức trở lên",
                num(AtLeast, 300.0, count(Some("cán bộ"))),
            ),
            ("đạt 50%", num(Reach, 50.0, pct())),
            ("cho 30%", num(Reach, 30.0, pct())),
            ("dưới 5%", num(LessThan, 5.0, pct())),
            ("không quá 10 ngày", num(AtMost, 10.0, Unit::Days)),
            ("tối đa 10 ngày", num(AtMost, 10.0, Unit::Days)),
            ("không vượt quá 5%", num(AtMost, 5.0, pct())),
            ("từ 90% trở lên", num(AtLeast, 90.0, pct())),
            ("≥ 80%", num(AtLeast, 80.0, pct())),
            (">= 80%", num(AtLeast, 80.0, pct())),
            ("≥80%", num(AtLeast, 80.0, pct())),
            ("> 60%", num(MoreThan, 60.0, pct())),
            ("< 5%", num(LessThan, 5.0, pct())),
            ("≤ 5%", num(AtMost, 5.0, pct())),
            ("5% trở xuống", num(AtMost, 5.0, pct())),
            ("dưới 5% trở xuống", num(LessThan, 5.0, pct())),
            ("không dưới 70%", num(AtLeast, 70.0, pct())),
            ("không ít hơn 3 lần", num(AtLeast, 3.0, count(Some("lần")))),
            ("ít hơn 3 lần", num(LessThan, 3.0, count(Some("lần")))),
            ("hơn 1.000 tài khoản", num(MoreThan, 1000.0, count(Some("tài khoản")))),
            ("đạt 92,5%", num(Reach, 92.5, pct())),
            ("60 phần trăm", num(Reach, 60.0, pct())),
            ("tối đa 4 giờ", num(AtMost, 4.0, Unit::Other("giờ".into()))),
            ("không quá 3 ngày làm việc", num(AtMost, 3.0, Unit::Other("ngày làm việc".into()))),
            ("ít nhất 5 xe", num(AtLeast, 5.0, count(Some("xe")))),
            ("đạt 1.205.780", num(Reach, 1_205_780.0, count(None))),
            ("Hoàn thành", milestone("Hoàn thành")),
            ("Công bố chính thức", milestone("Công bố chính thức")),
            ("Đưa vào hoạt động", milestone("Đưa vào hoạt động")),
            ("Ban hành", milestone("Ban hành")),
            ("  Ban hành  ", milestone("Ban hành")),
            (
                "Công bố chính thức nền tảng dữ liệu số nông nghiệp",
                milestone("Công bố chính thức nền tảng dữ liệu số nông nghiệp"),
            ),
            // written with combining marks ("Unicode tổ hợp")
            ("T\u{0072}e\u{0302}n 60%", num(MoreThan, 60.0, pct())),
            ("i\u{0301}t nha\u{0302}\u{0301}t 01 cuo\u{0302}\u{0323}c", num(AtLeast, 1.0, count(Some("cuộc")))),
            ("HOA\u{0300}N THA\u{0300}NH", milestone("HOA\u{0300}N THA\u{0300}NH")),
        ];
        for (phrase, want) in cases {
            assert_eq!(parse_threshold(phrase).as_ref(), Ok(&want), "{phrase:?}");
        }
    }

    #[test]
    fn reads_whole_target_sentences_with_one_figure() {
        let pct = || Unit::Percent;
        let cases: Vec<(&str, Threshold)> = vec![
            (
                "100% thủ tục hành chính có đủ điều kiện được cung cấp dịch vụ công trực tuyến mức 4.",
                num(Reach, 100.0, pct()),
            ),
            (
                "Tỷ lệ máy tính cài đặt phần mềm phòng chống mã độc theo Chỉ thị số 14/CT-TTg đạt 95% trở lên.",
                num(AtLeast, 95.0, pct()),
            ),
            (
                "100% hệ thống thông tin dùng chung của tỉnh được giám sát 24/7 và đánh giá an toàn thông tin định kỳ hằng năm.",
                num(Reach, 100.0, pct()),
            ),
            (
                "Tổ chức bồi dưỡng nâng cao nhận thức về chuyển đổi số cho 30% cán bộ, công chức trên địa bàn Tỉnh.",
                num(Reach, 30.0, pct()),
            ),
            (
                "Tổ chức ít nhất 01 cuộc diễn tập an toàn thông tin. Trong đó, có nội dung diễn tập thực chiến.",
                num(AtLeast, 1.0, count(Some("cuộc"))),
            ),
            (
                "Tỷ lệ cơ quan nhà nước cung cấp dữ liệu mở đầy đủ theo danh mục đạt 50% (trừ dữ liệu thuộc lĩnh vực an ninh, quốc phòng).",
                num(Reach, 50.0, pct()),
            ),
            (
                "Trên 60% cơ quan nhà nước cấp tỉnh tham gia cung cấp dữ liệu mở phục vụ người dân và phát triển kinh tế - xã hội",
                num(MoreThan, 60.0, pct()),
            ),
            (
                "Mỗi ngành thực hiện chuyển đổi số ít nhất 01 lĩnh vực theo chức năng, nhiệm vụ được giao",
                num(AtLeast, 1.0, count(Some("lĩnh vực"))),
            ),
            (
                "Hỗ trợ ít nhất 50 doanh nghiệp vừa và nhỏ trải nghiệm các nền tảng chuyên đổi số",
                num(AtLeast, 50.0, count(Some("doanh nghiệp"))),
            ),
            (
                "Xây dựng Cơ sở dữ liệu hộ tịch điện tử giai đoạn 2023 - 2024",
                milestone("Xây dựng Cơ sở dữ liệu hộ tịch điện tử giai đoạn 2023 - 2024"),
            ),
            ("Hệ thống thông tin hoạt động 2021-2025 đạt 99,5% thời gian", num(Reach, 99.5, pct())),
            (
                "Đưa vào hoạt động Trung tâm chuyển đổi số Tỉnh, triển khai ứng dụng nền tảng số nông nghiệp.",
                milestone(
                    "Đưa vào hoạt động Trung tâm chuyển đổi số Tỉnh, triển khai ứng dụng nền tảng số nông nghiệp.",
                ),
            ),
            ("Phủ sóng 4G đạt 98%", num(Reach, 98.0, pct())),
        ];
        for (phrase, want) in cases {
            assert_eq!(parse_threshold(phrase).as_ref(), Ok(&want), "{phrase:?}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read_and_quotes_it() {
        let cases: &[(&str, &str)] = &[
            ("nhiều hơn trước", "không hiểu ngưỡng chỉ tiêu: \"nhiều hơn trước\""),
            ("khoảng vài chục", "không hiểu ngưỡng chỉ tiêu: \"khoảng vài chục\""),
            ("", "không hiểu ngưỡng chỉ tiêu: \"\""),
            ("khoảng 50%", "không hiểu ngưỡng chỉ tiêu: \"khoảng 50%\""),
            ("giảm còn 5%", "không hiểu ngưỡng chỉ tiêu: \"giảm còn 5%\""),
            ("dưới 5% trở lên", "không hiểu ngưỡng chỉ tiêu: \"dưới 5% trở lên\""),
            ("Chưa hoàn thành", "không hiểu ngưỡng chỉ tiêu: \"Chưa hoàn thành\""),
            (
                "ít nhất 01 ... ít nhất 02",
                "chỉ tiêu có nhiều ngưỡng (01, 02), cần tách thành các chỉ tiêu riêng: \"ít nhất 01 ... ít nhất 02\"",
            ),
            (
                "Mỗi sở, ngành, đăng ký thực hiện ít nhất 01 mô hình chuyển đổi số tiêu biểu; mỗi huyện, thành phố đăng ký thực hiện ít nhất 02 mô hình chuyển đổi số tiêu biểu.",
                "chỉ tiêu có nhiều ngưỡng (01, 02), cần tách thành các chỉ tiêu riêng: \"Mỗi sở, ngành, đăng ký thực hiện ít nhất 01 mô hình chuyển đổi số tiêu biểu; mỗi huyện, thành phố đăng ký thực hiện ít nhất 02 mô hình chuyển đổi số tiêu biểu.\"",
            ),
            (
                "Trên 90% hồ sơ công việc cấp tỉnh, 80% hồ sơ công việc cấp huyện và 60% hồ sơ công việc cấp xã",
                "chỉ tiêu có nhiều ngưỡng (90, 80, 60), cần tách thành các chỉ tiêu riêng: \"Trên 90% hồ sơ công việc cấp tỉnh, 80% hồ sơ công việc cấp huyện và 60% hồ sơ công việc cấp xã\"",
            ),
            (
                "đạt 1.20.5 hồ sơ",
                "ngưỡng chỉ tiêu \"đạt 1.20.5 hồ sơ\": nhóm hàng nghìn phải có đủ 3 chữ số: \"1.20.5\"",
            ),
        ];
        for (phrase, msg) in cases {
            let err = parse_threshold(phrase).expect_err(phrase);
            assert_eq!(err.to_string(), *msg, "{phrase:?}");
        }
    }

    #[test]
    fn writes_the_office_phrase_form() {
        let cases: &[(&str, &str)] = &[
            ("≥ 80%", "Từ 80% trở lên"),
            ("đạt 80% trở lên", "Từ 80% trở lên"),
            ("> 60%", "Trên 60%"),
            ("dưới 5%", "Dưới 5%"),
            ("không quá 10 ngày", "Tối đa 10 ngày"),
            ("100%", "100%"),
            ("đạt 92,5%", "92,5%"),
            ("ít nhất 01 cuộc", "Từ 01 cuộc trở lên"),
            ("ít nhất 1", "Từ 01 trở lên"),
            ("Tổ chức tập huấn cho 300 cán bộ, công chức, viên chức trở lên", "Từ 300 cán bộ trở lên"),
            ("hơn 1205 tài khoản", "Trên 1.205 tài khoản"),
            ("Hoàn thành", "Hoàn thành"),
            ("tối đa 4 giờ", "Tối đa 4 giờ"),
        ];
        for (phrase, shown) in cases {
            assert_eq!(parse_threshold(phrase).unwrap().to_string(), *shown, "{phrase:?}");
        }
    }

    #[test]
    fn reads_stated_results() {
        let pct = || Unit::Percent;
        let cases: Vec<(&str, Outcome)> = vec![
            ("100%", Outcome::Value(100.0, pct())),
            ("99,21%", Outcome::Value(99.21, pct())),
            ("25,94%", Outcome::Value(25.94, pct())),
            ("Trên 85%", Outcome::Above(85.0, pct())),
            ("Trên 50%", Outcome::Above(50.0, pct())),
            ("> 50%", Outcome::Above(50.0, pct())),
            ("Dưới 5%", Outcome::Below(5.0, pct())),
            ("320", Outcome::Value(320.0, count(None))),
            ("1 cuộc", Outcome::Value(1.0, count(Some("cuộc")))),
            ("320 người", Outcome::Value(320.0, count(Some("người")))),
            ("đạt 1.205 hồ sơ", Outcome::Value(1205.0, count(Some("hồ sơ")))),
            ("5 ngày", Outcome::Value(5.0, Unit::Days)),
            ("Hoàn thành", Outcome::Done),
            ("Đã hoàn thành", Outcome::Done),
            ("hoàn thành.", Outcome::Done),
            ("Đã ban hành", Outcome::Done),
            ("Đưa vào hoạt động", Outcome::Done),
            ("Hoàn thành 100%", Outcome::Done),
            ("Chưa hoàn thành", Outcome::NotDone),
            ("Không hoàn thành", Outcome::NotDone),
            ("Đang triển khai", Outcome::NotDone),
        ];
        for (text, want) in cases {
            assert_eq!(parse_outcome(text).as_ref(), Ok(&want), "{text:?}");
        }
        for bad in ["", "khoảng 50%", "80% trở lên", "50% và 60%", "nhiều", "≥ 80%"] {
            let err = parse_outcome(bad).expect_err(bad);
            assert_eq!(err.to_string(), format!("không hiểu kết quả thực hiện: \"{bad}\""));
        }
    }

    #[test]
    fn writes_results() {
        let cases: &[(&str, &str)] = &[
            ("99,21%", "99,21%"),
            ("Trên 85%", "Trên 85%"),
            ("Dưới 5%", "Dưới 5%"),
            ("320", "320"),
            ("1 cuộc", "1 cuộc"),
            ("1205 người", "1.205 người"),
            ("Đã hoàn thành", "Hoàn thành"),
            ("Chưa hoàn thành", "Chưa hoàn thành"),
        ];
        for (text, shown) in cases {
            let o = parse_outcome(text).unwrap();
            assert_eq!(o.to_string(), *shown, "{text:?}");
            assert_eq!(parse_outcome(shown).unwrap(), o, "{shown:?} reads back");
        }
        let o = Outcome::Value(72.049_7, Unit::Percent);
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(json, r#"{"value":[72.0497,"percent"]}"#);
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), o);
    }

    #[test]
    fn serializes_as_phrases() {
        let t = parse_threshold("đạt 80% trở lên").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"Từ 80% trở lên\"");
        let back: Threshold = serde_json::from_str("\"Từ 80% trở lên\"").unwrap();
        assert_eq!(back, t);

        let sentence =
            "Tổ chức tập huấn công tác bảo đảm an toàn thông tin cơ bản cho 300 cán bộ, công chức, viên chức trở lên.";
        let p = ThresholdPhrase::parse(sentence).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, serde_json::to_string(sentence).unwrap());
        let back: ThresholdPhrase = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.phrase(), sentence);
        assert_eq!(back.to_string(), sentence);
        assert_eq!(back.threshold(), &num(AtLeast, 300.0, count(Some("cán bộ"))));

        let err = serde_json::from_str::<Threshold>("\"nhiều hơn trước\"").unwrap_err();
        assert!(err.to_string().contains("không hiểu ngưỡng chỉ tiêu"), "{err}");
        let err = serde_json::from_str::<ThresholdPhrase>("\"\"").unwrap_err();
        assert!(err.to_string().contains("không hiểu ngưỡng chỉ tiêu"), "{err}");
    }

    #[test]
    fn folds_combining_marks_and_case() {
        assert_eq!(fold("Đ\u{1EA0}T"), "đạt");
        assert_eq!(fold("Va\u{0323}\u{0302}y"), "vậy");
        assert_eq!(fold("Va\u{0302}\u{0323}y"), "vậy");
        assert_eq!(fold("O\u{031B}\u{0300}"), "ờ");
        assert_eq!(fold("U\u{031B}\u{0301}"), "ứ");
        assert_eq!(fold("a\u{0306}\u{0301}"), "ắ");
        assert_eq!(fold("x\u{0301}"), "x\u{0301}");
    }

    // ---------------------------------------------------- property tests

    fn arb_phrase() -> impl Strategy<Value = String> {
        let qualifier = prop_oneof![
            Just(""),
            Just("đạt "),
            Just("cho "),
            Just("trên "),
            Just("dưới "),
            Just("ít nhất "),
            Just("tối thiểu "),
            Just("tối đa "),
            Just("không quá "),
            Just("từ "),
            Just("≥ "),
            Just("< "),
        ];
        let unit = prop_oneof![
            Just("%"),
            Just(""),
            Just(" cuộc"),
            Just(" doanh nghiệp"),
            Just(" cán bộ"),
            Just(" ngày"),
            Just(" giờ"),
            Just(" xe tải"),
        ];
        let tail = prop_oneof![Just(""), Just(" trở lên")];
        let value = prop_oneof![
            (0u32..10_000_000).prop_map(|n| crate::number::format_number(n as f64, 0)),
            (0u32..100_000).prop_map(|n| crate::number::format_number(n as f64 / 100.0, 2)),
            (0u32..10).prop_map(|n| format!("{n:02}")),
        ];
        (qualifier, value, unit, tail).prop_map(|(q, v, u, t)| format!("{q}{v}{u}{t}"))
    }

    proptest! {
        #[test]
        fn a_threshold_reads_back_from_its_phrase_form(phrase in arb_phrase()) {
            // Contradictory combinations ("dưới 5% trở lên") are refused; the rest
            // must survive Display → parse unchanged.
            if let Ok(t) = parse_threshold(&phrase) {
                let shown = t.to_string();
                prop_assert_eq!(parse_threshold(&shown), Ok(t.clone()), "{} → {}", phrase, shown);
                let json = serde_json::to_string(&t).unwrap();
                prop_assert_eq!(serde_json::from_str::<Threshold>(&json).unwrap(), t);
                let p = ThresholdPhrase::parse(&phrase).unwrap();
                let json = serde_json::to_string(&p).unwrap();
                prop_assert_eq!(serde_json::from_str::<ThresholdPhrase>(&json).unwrap(), p);
            }
        }
    }
}
