//! Judging a target's result, and telling early which targets are at risk.
//!
//! # The verdict ([`judge`])
//!
//! Plans judge each target **Vượt** (exceeded), **Đạt** (met) or **Chưa đạt**
//! (not met); before its evaluation time a target is **Đang thực hiện** (in
//! progress), which is the caller's call: [`judge`] never returns it.
//!
//! 1. Figures are compared at `decimals` places: the result and the threshold's
//!    value are both rounded half away from zero
//!    ([`crate::number::round_half_away`]) first, so 79,996% judged at 2
//!    decimals is 80,00% and meets "từ 80% trở lên".
//! 2. Higher-is-better comparators (at least, more than, reach): a result below
//!    the value is *not met*; equal to it is *met* (*not met* for "more than");
//!    strictly above it is *exceeded* — except that a threshold of 100% cannot be
//!    exceeded: reaching it is *met*.
//! 3. Lower-is-better comparators (at most, less than) mirror this: above the
//!    value *not met*; equal *met* (*not met* for "less than"); strictly below
//!    *exceeded* — except that a threshold of 0% cannot be undercut: reaching it is
//!    *met*.
//! 4. A result stated as a bound is judged on its worst case. "Trên 85%"
//!    (above 85) against "tối thiểu 80%": every value it allows is above 80, so
//!    *exceeded*; "Trên 95%" against "95% trở lên": *exceeded*; "Trên 85%" against
//!    "90%": it cannot be shown to be met, so *not met*. A lower bound ("Trên")
//!    never meets a lower-is-better threshold and an upper bound ("Dưới") never
//!    meets a higher-is-better one; "Dưới 5%" against "dưới 5%" or "tối đa 5%" is
//!    *exceeded*.
//! 5. A milestone is *met* when done, *not met* otherwise; a figure stated
//!    against a milestone is read as a completion rate (percent, or a bare
//!    number): 100 or more is *met*, anything else *not met*. A numeric threshold
//!    whose result is stated as "Hoàn thành" is *met*, "Chưa hoàn thành" *not
//!    met*.
//! 6. Units are not checked: a percent result against a count threshold is
//!    compared number to number. Making the indicator match its target is the
//!    caller's job.
//!
//! # At risk ([`measure_progress`])
//!
//! The method is Statistics Canada's progress measure as used by the Open SDG
//! platform, with a linear pace, as suits a target inside one year. With the
//! base value `y₀` at time `t₀`, the current value `y` at `t`, the target value
//! `y*` due at `t*`, and `d = +1` when higher is better, `-1` when lower is
//! better:
//!
//! ```text
//! observed pace  = d · (y  − y₀) / (t  − t₀)
//! required pace  = d · (y* − y₀) / (t* − t₀)
//! R              = observed pace / required pace
//! ```
//!
//! | condition | progress |
//! | --- | --- |
//! | the current value satisfies the threshold | [`Progress::Achieved`] (checked first) |
//! | a value or time is not finite, `t ≤ t₀` or `t* ≤ t₀` | [`Progress::Unknown`] |
//! | R ≥ 95 % | [`Progress::OnTrack`] |
//! | 60 % ≤ R < 95 % | [`Progress::NeedsAcceleration`] |
//! | 0 ≤ R < 60 % | [`Progress::Limited`] |
//! | R < 0 | [`Progress::Deterioration`] |
//!
//! Times are in any linear unit (the caller passes days); only their
//! differences matter.
//!
//! **Near the natural limit.** Open SDG scales its thresholds down when a
//! series sits close to a natural limit, so that a rate at 99,9 % is not
//! reported as stalling. chiso applies the same idea to targets set *at* the
//! limit: for a percent target of 100 % (higher is better) the required pace is
//! computed towards 99,5 % instead ([`pace_target`]), and towards 0,5 % for a
//! percent target of 0 % (lower is better). A current value already at or past
//! that pace target, without satisfying the threshold itself, is
//! [`Progress::OnTrack`]. So 99,9 % → 99,8 % against "100%" is on track, not a
//! deterioration.
//!
//! **When the base already satisfied the pace target** (the required pace is
//! zero or points the wrong way) R is undefined: a current value that moved
//! away from the target is [`Progress::Deterioration`], one that did not move is
//! [`Progress::Limited`]; `ratio` is `None`.
//!
//! A milestone is measured as a completion rate, in percent, towards 100 (no
//! natural-limit adjustment).
//!
//! "At risk" ([`Progress::at_risk`]) is limited progress or deterioration.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::number::round_half_away;
use crate::threshold::{Comparator, Outcome, Threshold, Unit};

/// The verdict on a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Vượt.
    Exceeded,
    /// Đạt.
    Met,
    /// Chưa đạt.
    NotMet,
    /// Đang thực hiện: before the evaluation time.
    InProgress,
}

impl Verdict {
    /// "Vượt", "Đạt", "Chưa đạt", "Đang thực hiện".
    pub fn label_vi(self) -> &'static str {
        match self {
            Verdict::Exceeded => "Vượt",
            Verdict::Met => "Đạt",
            Verdict::NotMet => "Chưa đạt",
            Verdict::InProgress => "Đang thực hiện",
        }
    }

    /// "Exceeded", "Met", "Not met", "In progress".
    pub fn label_en(self) -> &'static str {
        match self {
            Verdict::Exceeded => "Exceeded",
            Verdict::Met => "Met",
            Verdict::NotMet => "Not met",
            Verdict::InProgress => "In progress",
        }
    }

    /// Exceeded or met.
    pub fn is_reached(self) -> bool {
        matches!(self, Verdict::Exceeded | Verdict::Met)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// How many targets got each verdict, for sentences such as "vượt 13/15 chỉ
/// tiêu ... 06 chỉ tiêu vượt và 07 chỉ tiêu đạt".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictCounts {
    pub exceeded: usize,
    pub met: usize,
    pub not_met: usize,
    pub in_progress: usize,
}

impl VerdictCounts {
    /// Counts one more verdict.
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Exceeded => self.exceeded += 1,
            Verdict::Met => self.met += 1,
            Verdict::NotMet => self.not_met += 1,
            Verdict::InProgress => self.in_progress += 1,
        }
    }

    /// All targets counted.
    pub fn total(&self) -> usize {
        self.exceeded + self.met + self.not_met + self.in_progress
    }

    /// Targets exceeded or met.
    pub fn reached(&self) -> usize {
        self.exceeded + self.met
    }
}

impl FromIterator<Verdict> for VerdictCounts {
    fn from_iter<I: IntoIterator<Item = Verdict>>(iter: I) -> Self {
        let mut c = VerdictCounts::default();
        iter.into_iter().for_each(|v| c.add(v));
        c
    }
}

/// A bare number or a percent: what a figure against a milestone can mean.
fn completion_like(unit: &Unit) -> bool {
    matches!(unit, Unit::Percent | Unit::Count { word: None })
}

/// Judges a result against a threshold at `decimals` places; see the module
/// documentation for the rules. Never returns [`Verdict::InProgress`].
pub fn judge(threshold: &Threshold, outcome: &Outcome, decimals: u32) -> Verdict {
    let d = decimals.min(300) as i32;
    let r = |x: f64| round_half_away(x, d);
    let (comparator, target, unit) = match threshold {
        Threshold::Milestone { .. } => {
            return match outcome {
                Outcome::Done => Verdict::Met,
                Outcome::Value(v, u) | Outcome::Above(v, u) if completion_like(u) && r(*v) >= 100.0 => Verdict::Met,
                _ => Verdict::NotMet,
            };
        }
        Threshold::Numeric { comparator, value, unit } => (*comparator, r(*value), unit),
    };
    let higher = comparator.higher_is_better();
    // A 100 % (higher is better) or 0 % (lower is better) threshold cannot be beaten.
    let at_limit = *unit == Unit::Percent && ((higher && target >= 100.0) || (!higher && target <= 0.0));
    let exceeded = if at_limit { Verdict::Met } else { Verdict::Exceeded };
    match outcome {
        Outcome::Done => Verdict::Met,
        Outcome::NotDone => Verdict::NotMet,
        Outcome::Value(v, _) => {
            let v = r(*v);
            // `better`: how far the result is on the good side of the target.
            let better = if higher { v - target } else { target - v };
            if better > 0.0 {
                exceeded
            } else if better == 0.0 && !comparator.is_strict() {
                Verdict::Met
            } else {
                Verdict::NotMet
            }
        }
        Outcome::Above(b, _) => {
            if higher && r(*b) >= target {
                exceeded
            } else {
                Verdict::NotMet
            }
        }
        Outcome::Below(b, _) => {
            if !higher && r(*b) <= target {
                exceeded
            } else {
                Verdict::NotMet
            }
        }
    }
}

/// The Statistics Canada / Open SDG progress category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// The threshold is already satisfied.
    Achieved,
    /// R ≥ 95 %.
    OnTrack,
    /// 60 % ≤ R < 95 %.
    NeedsAcceleration,
    /// 0 ≤ R < 60 %.
    Limited,
    /// R < 0.
    Deterioration,
    /// Not enough data to tell.
    Unknown,
}

impl Progress {
    /// "Đã đạt", "Đúng tiến độ", "Cần đẩy nhanh", "Tiến triển chậm", "Đi xuống",
    /// "Chưa đủ dữ liệu".
    pub fn label_vi(self) -> &'static str {
        match self {
            Progress::Achieved => "Đã đạt",
            Progress::OnTrack => "Đúng tiến độ",
            Progress::NeedsAcceleration => "Cần đẩy nhanh",
            Progress::Limited => "Tiến triển chậm",
            Progress::Deterioration => "Đi xuống",
            Progress::Unknown => "Chưa đủ dữ liệu",
        }
    }

    /// Open SDG's English labels.
    pub fn label_en(self) -> &'static str {
        match self {
            Progress::Achieved => "Target achieved",
            Progress::OnTrack => "On track",
            Progress::NeedsAcceleration => "Progress made but acceleration needed",
            Progress::Limited => "Limited progress",
            Progress::Deterioration => "Deterioration",
            Progress::Unknown => "Not enough data",
        }
    }

    /// Limited progress or deterioration: the target may not be reached in time.
    pub fn at_risk(&self) -> bool {
        matches!(self, Progress::Limited | Progress::Deterioration)
    }

    /// The category of a pace ratio R.
    pub fn from_ratio(r: f64) -> Progress {
        if r.is_nan() {
            Progress::Unknown
        } else if r >= 0.95 {
            Progress::OnTrack
        } else if r >= 0.6 {
            Progress::NeedsAcceleration
        } else if r >= 0.0 {
            Progress::Limited
        } else {
            Progress::Deterioration
        }
    }
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// The progress of a target, with the figures it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressMeasure {
    pub progress: Progress,
    /// R, the observed pace over the required pace; `None` when undefined.
    pub ratio: Option<f64>,
    /// (time, value) at the base.
    pub base: (f64, f64),
    /// (time, value) now.
    pub current: (f64, f64),
    /// The threshold's value (100 for a milestone); the pace may be computed
    /// towards [`pace_target`] instead.
    pub target_value: f64,
    pub target_time: f64,
}

/// The value the required pace is computed towards: the threshold's value,
/// except 99,5 for a 100 % target (higher is better) and 0,5 for a 0 % target
/// (lower is better), and 100 for a milestone.
pub fn pace_target(threshold: &Threshold) -> f64 {
    match threshold {
        Threshold::Milestone { .. } => 100.0,
        Threshold::Numeric { comparator, value, unit } => {
            if *unit != Unit::Percent {
                *value
            } else if comparator.higher_is_better() && *value >= 100.0 {
                99.5
            } else if !comparator.higher_is_better() && *value <= 0.0 {
                0.5
            } else {
                *value
            }
        }
    }
}

/// Measures a target's progress from a base observation to the current one; see
/// the module documentation.
pub fn measure_progress(
    threshold: &Threshold,
    base_time: f64,
    base_value: f64,
    current_time: f64,
    current_value: f64,
    target_time: f64,
) -> ProgressMeasure {
    let (comparator, target_value) = match threshold {
        Threshold::Milestone { .. } => (Comparator::Reach, 100.0),
        Threshold::Numeric { comparator, value, .. } => (*comparator, *value),
    };
    let mut m = ProgressMeasure {
        progress: Progress::Unknown,
        ratio: None,
        base: (base_time, base_value),
        current: (current_time, current_value),
        target_value,
        target_time,
    };
    let pace = pace_target(threshold);
    let dir = if comparator.higher_is_better() { 1.0 } else { -1.0 };
    let times_ok = [base_time, current_time, target_time, base_value].iter().all(|x| x.is_finite())
        && current_time > base_time
        && target_time > base_time;
    let observed = dir * (current_value - base_value) / (current_time - base_time);
    let required = dir * (pace - base_value) / (target_time - base_time);
    let ratio = (times_ok && required > 0.0 && current_value.is_finite())
        .then(|| observed / required)
        .filter(|r| r.is_finite());
    if current_value.is_finite() && comparator.holds(current_value, target_value) {
        m.progress = Progress::Achieved;
        m.ratio = ratio;
        return m;
    }
    if !times_ok || !current_value.is_finite() {
        return m;
    }
    let past_pace_target = dir * (current_value - pace);
    let reached = if comparator.is_strict() { past_pace_target > 0.0 } else { past_pace_target >= 0.0 };
    m.ratio = ratio;
    m.progress = if reached {
        Progress::OnTrack
    } else if let Some(r) = ratio {
        Progress::from_ratio(r)
    } else if observed < 0.0 {
        Progress::Deterioration
    } else {
        Progress::Limited
    };
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threshold::{parse_outcome, parse_threshold};

    /// Phụ lục I of the example plan (examples/004_*.txt): the 15 targets of 2022,
    /// their threshold phrase as extracted from each sentence, the stated result,
    /// and the verdict the office gave.
    const GOLDEN: [(u32, &str, &str, &str, Verdict); 15] = [
        (
            1,
            "100% cơ quan nhà nước cấp tỉnh, UBND cấp huyện, cấp xã kết nối mạng truyền số liệu chuyên dùng.",
            "100%",
            "100%",
            Verdict::Met,
        ),
        (
            2,
            "100% thủ tục hành chính có đủ điều kiện được cung cấp dịch vụ công trực tuyến mức 4.",
            "100%",
            "100%",
            Verdict::Met,
        ),
        (
            3,
            "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ đạt 80% trở lên.",
            "đạt 80% trở lên",
            "99,21%",
            Verdict::Exceeded,
        ),
        (4, "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 50%.", "đạt 50%", "25,94%", Verdict::NotMet),
        (
            5,
            "Tỷ lệ báo cáo của các cơ quan hành chính nhà nước được thực hiện trực tuyến đạt 50%.",
            "đạt 50%",
            "100%",
            Verdict::Exceeded,
        ),
        (
            6,
            "Tỷ lệ cơ quan nhà nước cung cấp dữ liệu mở đầy đủ theo danh mục đạt 50% (trừ dữ liệu thuộc lĩnh vực an ninh, quốc phòng).",
            "đạt 50%",
            "20%",
            Verdict::NotMet,
        ),
        (
            7,
            "Tỷ lệ họp trực tuyến trên tổng số cuộc họp có từ 02 cấp trở lên của các cơ quan nhà nước đạt tối thiểu 80%.",
            "đạt tối thiểu 80%",
            "Trên 85%",
            Verdict::Exceeded,
        ),
        (
            8,
            "Mỗi sở, ngành, đăng ký thực hiện ít nhất 01 mô hình chuyển đổi số tiêu biểu; mỗi huyện, thành phố đăng ký thực hiện ít nhất 02 mô hình chuyển đổi số tiêu biểu.",
            "100%",
            "100%",
            Verdict::Met,
        ),
        (
            9,
            "Đưa vào hoạt động Trung tâm chuyển đổi số Tỉnh, triển khai ứng dụng nền tảng số nông nghiệp.",
            "Đưa vào hoạt động Trung tâm chuyển đổi số Tỉnh, triển khai ứng dụng nền tảng số nông nghiệp",
            "Hoàn thành",
            Verdict::Met,
        ),
        (
            10,
            "Tổ chức bồi dưỡng nâng cao nhận thức về chuyển đổi số cho 30% cán bộ, công chức trên địa bàn Tỉnh.",
            "cho 30%",
            "Trên 50%",
            Verdict::Exceeded,
        ),
        (
            11,
            "Tỷ lệ máy tính cài đặt phần mềm phòng chống mã độc theo Chỉ thị số 14/CT-TTg đạt 95% trở lên.",
            "đạt 95% trở lên",
            "Trên 95%",
            Verdict::Exceeded,
        ),
        (
            12,
            "100% hệ thống mạng LAN cơ quan nhà nước cấp tỉnh, Ủy ban nhân dân cấp huyện được xác định cấp độ an toàn thông tin.",
            "100%",
            "100%",
            Verdict::Met,
        ),
        (
            13,
            "100% hệ thống thông tin dùng chung của tỉnh được giám sát 24/7 và đánh giá an toàn thông tin định kỳ hằng năm.",
            "100%",
            "100%",
            Verdict::Met,
        ),
        (
            14,
            "Tổ chức tập huấn công tác bảo đảm an toàn thông tin cơ bản cho 300 cán bộ, công chức, viên chức trở lên.",
            "cho 300 cán bộ, công chức, viên chức trở lên",
            "320",
            Verdict::Exceeded,
        ),
        (
            15,
            "Tổ chức ít nhất 01 cuộc diễn tập an toàn thông tin. Trong đó, có nội dung diễn tập thực chiến.",
            "ít nhất 01 cuộc",
            "1 cuộc",
            Verdict::Met,
        ),
    ];

    #[test]
    fn golden_case_appendix_i_of_2022() {
        let mut verdicts = Vec::new();
        for (row, _, phrase, result, want) in GOLDEN {
            let t = parse_threshold(phrase).unwrap_or_else(|e| panic!("row {row}: {e}"));
            let o = parse_outcome(result).unwrap_or_else(|e| panic!("row {row}: {e}"));
            let got = judge(&t, &o, 2);
            assert_eq!(got, want, "row {row}: {phrase:?} with result {result:?}");
            verdicts.push(got);
        }
        let counts: VerdictCounts = verdicts.into_iter().collect();
        assert_eq!(counts, VerdictCounts { exceeded: 6, met: 7, not_met: 2, in_progress: 0 });
        assert_eq!(counts.reached(), 13);
        assert_eq!(counts.total(), 15);
    }

    #[test]
    fn golden_sentences_give_the_same_threshold_as_their_phrases() {
        for (row, sentence, phrase, _, _) in GOLDEN {
            match row {
                // Row 7 also states "từ 02 cấp"; row 8 holds two targets (01 and 02
                // models) and was judged on the share of units: both need a phrase.
                7 | 8 => assert!(parse_threshold(sentence).is_err(), "row {row}"),
                9 => assert!(matches!(parse_threshold(sentence), Ok(Threshold::Milestone { .. }))),
                _ => assert_eq!(parse_threshold(sentence).unwrap(), parse_threshold(phrase).unwrap(), "row {row}"),
            }
        }
    }

    fn t(phrase: &str) -> Threshold {
        parse_threshold(phrase).unwrap()
    }

    fn o(result: &str) -> Outcome {
        parse_outcome(result).unwrap()
    }

    #[test]
    fn judges_values_against_each_comparator() {
        use Verdict::*;
        let table: &[(&str, &str, u32, Verdict)] = &[
            ("từ 80% trở lên", "79,99%", 2, NotMet),
            ("từ 80% trở lên", "80%", 2, Met),
            ("từ 80% trở lên", "80,01%", 2, Exceeded),
            ("từ 80% trở lên", "79,996%", 2, Met),
            ("từ 80% trở lên", "80,004%", 2, Met),
            ("từ 80% trở lên", "80,005%", 2, Exceeded),
            ("từ 80% trở lên", "80,4%", 0, Met),
            ("trên 60%", "60%", 2, NotMet),
            ("trên 60%", "60,01%", 2, Exceeded),
            ("trên 60%", "59%", 2, NotMet),
            ("100%", "100%", 2, Met),
            ("100%", "99,99%", 2, NotMet),
            ("100%", "99,996%", 2, Met),
            ("100%", "101%", 2, Met),
            ("tối đa 10 ngày", "10 ngày", 0, Met),
            ("tối đa 10 ngày", "11 ngày", 0, NotMet),
            ("tối đa 10 ngày", "7 ngày", 0, Exceeded),
            ("dưới 5%", "5%", 2, NotMet),
            ("dưới 5%", "4,9%", 2, Exceeded),
            ("dưới 5%", "6%", 2, NotMet),
            ("tối đa 0%", "0%", 2, Met),
            ("tối đa 0%", "0,01%", 2, NotMet),
            ("ít nhất 50 doanh nghiệp", "49", 0, NotMet),
            ("ít nhất 50 doanh nghiệp", "50", 0, Met),
            ("ít nhất 50 doanh nghiệp", "51 doanh nghiệp", 0, Exceeded),
            // bounds, judged on their worst case
            ("tối thiểu 80%", "Trên 85%", 2, Exceeded),
            ("95% trở lên", "Trên 95%", 2, Exceeded),
            ("90%", "Trên 85%", 2, NotMet),
            ("trên 85%", "Trên 85%", 2, Exceeded),
            ("100%", "Trên 100%", 2, Met),
            ("từ 80% trở lên", "Dưới 90%", 2, NotMet),
            ("dưới 5%", "Dưới 5%", 2, Exceeded),
            ("tối đa 5%", "Dưới 4%", 2, Exceeded),
            ("tối đa 5%", "Dưới 6%", 2, NotMet),
            ("tối đa 5%", "Trên 1%", 2, NotMet),
            // milestones and done / not done
            ("Hoàn thành", "Hoàn thành", 2, Met),
            ("Ban hành", "Đã ban hành", 2, Met),
            ("Hoàn thành", "Chưa hoàn thành", 2, NotMet),
            ("Hoàn thành", "100%", 2, Met),
            ("Hoàn thành", "100", 2, Met),
            ("Hoàn thành", "80%", 2, NotMet),
            ("Hoàn thành", "1 cuộc", 2, NotMet),
            ("100%", "Hoàn thành", 2, Met),
            ("100%", "Chưa hoàn thành", 2, NotMet),
        ];
        for (phrase, result, decimals, want) in table {
            assert_eq!(
                judge(&t(phrase), &o(result), *decimals),
                *want,
                "{phrase:?} with {result:?} at {decimals} decimals"
            );
        }
        // units are the caller's problem: numbers are compared anyway
        assert_eq!(judge(&t("ít nhất 50 doanh nghiệp"), &o("60%"), 2), Verdict::Exceeded);
    }

    #[test]
    fn verdict_labels_and_serde() {
        assert_eq!(Verdict::Exceeded.label_vi(), "Vượt");
        assert_eq!(Verdict::Met.label_vi(), "Đạt");
        assert_eq!(Verdict::NotMet.label_vi(), "Chưa đạt");
        assert_eq!(Verdict::InProgress.label_vi(), "Đang thực hiện");
        assert_eq!(Verdict::NotMet.label_en(), "Not met");
        assert_eq!(Verdict::Met.to_string(), "Đạt");
        assert_eq!(serde_json::to_string(&Verdict::NotMet).unwrap(), "\"not_met\"");
        assert_eq!(serde_json::from_str::<Verdict>("\"in_progress\"").unwrap(), Verdict::InProgress);
        assert_eq!(serde_json::to_string(&Progress::NeedsAcceleration).unwrap(), "\"needs_acceleration\"");
        let labels: Vec<&str> = [
            Progress::Achieved,
            Progress::OnTrack,
            Progress::NeedsAcceleration,
            Progress::Limited,
            Progress::Deterioration,
            Progress::Unknown,
        ]
        .iter()
        .map(|p| p.label_vi())
        .collect();
        assert_eq!(
            labels,
            ["Đã đạt", "Đúng tiến độ", "Cần đẩy nhanh", "Tiến triển chậm", "Đi xuống", "Chưa đủ dữ liệu"]
        );
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn progress_of_a_rate_in_the_first_half_year() {
        let target = t("đạt 80% trở lên");
        // days: 1 January = 0, mid-year = 182,5, 31 December = 365
        let m = measure_progress(&target, 0.0, 40.0, 182.5, 55.0, 365.0);
        assert_eq!(m.progress, Progress::NeedsAcceleration);
        assert!(close(m.ratio, 0.75), "{:?}", m.ratio);
        assert!(!m.progress.at_risk());
        assert_eq!(m.base, (0.0, 40.0));
        assert_eq!(m.current, (182.5, 55.0));
        assert_eq!(m.target_value, 80.0);
        assert_eq!(m.target_time, 365.0);

        let m = measure_progress(&target, 0.0, 40.0, 182.5, 42.0, 365.0);
        assert_eq!(m.progress, Progress::Limited);
        assert!(close(m.ratio, 0.1), "{:?}", m.ratio);
        assert!(m.progress.at_risk());

        let m = measure_progress(&target, 0.0, 40.0, 182.5, 38.0, 365.0);
        assert_eq!(m.progress, Progress::Deterioration);
        assert!(close(m.ratio, -0.1), "{:?}", m.ratio);
        assert!(m.progress.at_risk());

        let m = measure_progress(&target, 0.0, 40.0, 182.5, 85.0, 365.0);
        assert_eq!(m.progress, Progress::Achieved);
        assert!(!m.progress.at_risk());
    }

    #[test]
    fn progress_category_boundaries() {
        let target = t("đạt 80% trở lên");
        let p = |cur: f64| measure_progress(&target, 0.0, 40.0, 0.5, cur, 1.0).progress;
        assert_eq!(p(59.0), Progress::OnTrack); // R = 0,95
        assert_eq!(p(58.9), Progress::NeedsAcceleration);
        assert_eq!(p(52.0), Progress::NeedsAcceleration); // R = 0,6
        assert_eq!(p(51.9), Progress::Limited);
        assert_eq!(p(40.0), Progress::Limited); // R = 0
        assert_eq!(p(39.9), Progress::Deterioration);
        assert_eq!(p(80.0), Progress::Achieved);
        assert_eq!(Progress::from_ratio(f64::NAN), Progress::Unknown);
    }

    #[test]
    fn progress_when_lower_is_better() {
        // late dossiers 10 % → 6 % by mid-year, target ≤ 5 % by year end
        let target = t("không quá 5%");
        let m = measure_progress(&target, 0.0, 10.0, 182.5, 6.0, 365.0);
        assert_eq!(m.progress, Progress::OnTrack);
        assert!(close(m.ratio, 1.6), "{:?}", m.ratio);
        let m = measure_progress(&target, 0.0, 10.0, 182.5, 12.0, 365.0);
        assert_eq!(m.progress, Progress::Deterioration);
        let m = measure_progress(&target, 0.0, 10.0, 182.5, 5.0, 365.0);
        assert_eq!(m.progress, Progress::Achieved);
        // strictly less than: 5 % is not yet achieved
        let m = measure_progress(&t("dưới 5%"), 0.0, 10.0, 182.5, 5.0, 365.0);
        assert_eq!(m.progress, Progress::OnTrack);
        assert!(close(m.ratio, 2.0), "{:?}", m.ratio);
    }

    #[test]
    fn progress_near_the_natural_limit() {
        let full = t("100%");
        assert_eq!(pace_target(&full), 99.5);
        // a series hovering at 99,9 % is not flagged
        let m = measure_progress(&full, 0.0, 99.9, 182.5, 99.8, 365.0);
        assert_eq!(m.progress, Progress::OnTrack);
        assert!(!m.progress.at_risk());
        assert_eq!(m.target_value, 100.0);
        let m = measure_progress(&full, 0.0, 99.9, 182.5, 99.9, 365.0);
        assert_eq!(m.progress, Progress::OnTrack);
        // but falling below 99,5 % from above is a deterioration
        let m = measure_progress(&full, 0.0, 99.8, 182.5, 98.0, 365.0);
        assert_eq!(m.progress, Progress::Deterioration);
        assert_eq!(m.ratio, None);
        // far from the limit, the pace is computed towards 99,5
        let m = measure_progress(&full, 0.0, 60.0, 182.5, 79.75, 365.0);
        assert!(close(m.ratio, 1.0), "{:?}", m.ratio);
        assert_eq!(m.progress, Progress::OnTrack);
        let m = measure_progress(&full, 0.0, 60.0, 182.5, 100.0, 365.0);
        assert_eq!(m.progress, Progress::Achieved);
        // 0 % targets, lower is better
        let zero = t("tối đa 0%");
        assert_eq!(pace_target(&zero), 0.5);
        let m = measure_progress(&zero, 0.0, 2.0, 182.5, 0.4, 365.0);
        assert_eq!(m.progress, Progress::OnTrack);
        // other targets are not adjusted
        assert_eq!(pace_target(&t("đạt 80%")), 80.0);
        assert_eq!(pace_target(&t("ít nhất 100 doanh nghiệp")), 100.0);
    }

    #[test]
    fn progress_edge_cases() {
        let target = t("đạt 80% trở lên");
        // no elapsed time, or missing values
        let m = measure_progress(&target, 10.0, 40.0, 10.0, 50.0, 365.0);
        assert_eq!(m.progress, Progress::Unknown);
        assert_eq!(m.ratio, None);
        let m = measure_progress(&target, 10.0, 40.0, 5.0, 50.0, 365.0);
        assert_eq!(m.progress, Progress::Unknown);
        let m = measure_progress(&target, 0.0, f64::NAN, 100.0, 50.0, 365.0);
        assert_eq!(m.progress, Progress::Unknown);
        let m = measure_progress(&target, 0.0, 40.0, 100.0, f64::NAN, 365.0);
        assert_eq!(m.progress, Progress::Unknown);
        let m = measure_progress(&target, 0.0, 40.0, 100.0, 50.0, 0.0);
        assert_eq!(m.progress, Progress::Unknown);
        // a single observation that already satisfies the target
        let m = measure_progress(&target, 10.0, 90.0, 10.0, 90.0, 365.0);
        assert_eq!(m.progress, Progress::Achieved);
        // the base satisfied the target, the current value does not
        let m = measure_progress(&target, 0.0, 85.0, 100.0, 78.0, 365.0);
        assert_eq!(m.progress, Progress::Deterioration);
        assert_eq!(m.ratio, None);
        // stuck exactly on a strict threshold
        let m = measure_progress(&t("trên 60%"), 0.0, 60.0, 100.0, 60.0, 365.0);
        assert_eq!(m.progress, Progress::Limited);
        // a milestone measured as a completion rate
        let m = measure_progress(&t("Hoàn thành"), 0.0, 0.0, 0.5, 50.0, 1.0);
        assert_eq!(m.progress, Progress::OnTrack);
        assert!(close(m.ratio, 1.0));
        assert_eq!(m.target_value, 100.0);
        let m = measure_progress(&t("Hoàn thành"), 0.0, 0.0, 0.5, 10.0, 1.0);
        assert_eq!(m.progress, Progress::Limited);
        // counts
        let m = measure_progress(&t("ít nhất 50 doanh nghiệp"), 0.0, 0.0, 0.5, 20.0, 1.0);
        assert_eq!(m.progress, Progress::NeedsAcceleration);
        assert!(close(m.ratio, 0.8));
    }
}
