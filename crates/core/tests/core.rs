//! Cases from a provincial office, through the public API of chiso-core.

use chiso_core::Code;
use chiso_core::completeness::{ReportStatus, completeness, latest_due_period};
use chiso_core::evaluation::{Measured, Observation, evaluate_target};
use chiso_core::metadata::{Metadata, Model};
use chiso_core::period::{Period, WorkingCalendar};
use chiso_core::validate::check_values;
use chiso_core::value::{DataValue, Submission, SubmissionStatus};
use chiso_core::verdict::{Progress, Verdict};
use chrono::{NaiveDate, NaiveDateTime};

const META: &str = r##"
name: Tỉnh Thử
levels: [{ level: 1, name: Tỉnh }, { level: 2, name: Sở / Huyện }]
org_units:
  - { code: T, name: Tỉnh Thử }
  - { code: SO_A, name: Sở A, parent: T }
  - { code: SO_B, name: Sở B, parent: T }
  - { code: H_C, name: Huyện C, parent: T }
  - { code: H_D, name: Huyện D, parent: T, valid_to: 2025-06-30, successors: [H_C] }
unit_groups:
  - { code: SO, name: "Sở, ngành", members: [SO_A, SO_B] }
  - { code: HUYEN, name: UBND cấp huyện, members: [H_C, H_D] }
pillars: [{ code: CQ, name: Chính quyền số }, { code: ATTT, name: An toàn thông tin mạng }]
data_elements:
  - { code: HS_TN, name: Hồ sơ tiếp nhận, value_type: integer }
  - { code: HS_GQ, name: Hồ sơ đã giải quyết, value_type: integer }
  - { code: HS_DH, name: Hồ sơ đúng hạn, value_type: integer }
  - { code: HS_TH, name: Hồ sơ trễ hạn, value_type: integer }
  - { code: TL_TH_BC, name: Tỷ lệ trễ hạn tự báo cáo, value_type: percentage, aggregation: none }
  - { code: MAY_TINH, name: Máy tính có phần mềm diệt mã độc, value_type: integer, time_aggregation: last }
indicators:
  - { code: TL_DH, name: Tỷ lệ đúng hạn, numerator: "#{HS_DH}", denominator: "#{HS_GQ}" }
validation_rules:
  - { code: GQ_TN, name: GQ ≤ TN, left: "#{HS_GQ}", operator: "<=", right: "#{HS_TN}", importance: high, message: Giải quyết nhiều hơn tiếp nhận }
  - { code: DH_TH_GQ, name: ĐH + TH ≤ GQ, left: "#{HS_DH} + #{HS_TH}", operator: "<=", right: "#{HS_GQ}", importance: high, message: Đúng hạn cộng trễ hạn vượt số đã giải quyết }
  - { code: TL_TH, name: Tỷ lệ trễ hạn khớp, left: "#{TL_TH_BC}", operator: "==", right: "#{HS_TH} / #{HS_GQ} * 100", tolerance: 0.005, message: Tỷ lệ trễ hạn không khớp }
forms:
  - code: BC_THANG
    name: Báo cáo tháng
    period_type: Monthly
    cutoff: decree09
    due: { working_days_after: 2 }
    sections: [{ name: TTHC, elements: [HS_TN, HS_GQ, HS_DH, HS_TH, TL_TH_BC] }]
    unit_groups: [SO, HUYEN]
plans:
  - code: KH_2026
    year: 2026
    title: Kế hoạch chuyển đổi số năm 2026
    targets:
      - { code: CT1, pillar: CQ, name: Tỷ lệ hồ sơ đúng hạn, threshold: "đạt 95% trở lên", lead: [SO], evaluation: Cuối năm 2026, measure: { indicator: TL_DH } }
      - { code: CT2, pillar: ATTT, name: Diễn tập an toàn thông tin, threshold: "ít nhất 01 cuộc", lead: [SO_A], cooperating: [HUYEN], evaluation: Tháng 09/2026, results: [{ date: 2026-08-20, outcome: "1 cuộc" }] }
      - { code: CT3, pillar: ATTT, name: Công bố nền tảng, threshold: "Hoàn thành", lead: [SO_B], evaluation: Cuối năm 2026, results: [{ date: 2026-05-02, outcome: "Hoàn thành" }] }
"##;

fn model() -> Model {
    let meta: Metadata = serde_yaml_ng::from_str(META).unwrap();
    Model::new(meta).unwrap()
}

fn value(element: &str, period: &str, unit: &str, v: &str) -> DataValue {
    DataValue {
        element: Code::new(element).unwrap(),
        period: period.parse().unwrap(),
        unit: Code::new(unit).unwrap(),
        option: None,
        value: v.into(),
        stored_by: None,
        comment: None,
        updated_at: None,
    }
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn the_stated_late_rate_of_the_august_report_is_caught() {
    // 58.109 resolved, 53.531 on time, 629 late, stated as "0,01%" (really 1,08%).
    let m = model();
    let values = [
        value("HS_TN", "202308", "SO_A", "80020"),
        value("HS_GQ", "202308", "SO_A", "58109"),
        value("HS_DH", "202308", "SO_A", "53531"),
        value("HS_TH", "202308", "SO_A", "629"),
        value("TL_TH_BC", "202308", "SO_A", "0.01"),
    ];
    let v = check_values(&m, None, &values);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule.as_str(), "TL_TH");
    assert_eq!(v[0].left, 0.01);
    assert_eq!(format!("{:.2}", v[0].right), "1.08");
    // Stated correctly (1,08 within the rounding of 1,0824...), nothing is reported.
    let mut fixed = values.to_vec();
    fixed[4] = value("TL_TH_BC", "202308", "SO_A", "1.08");
    assert!(check_values(&m, None, &fixed).is_empty());
}

#[test]
fn parts_larger_than_the_whole_are_violations() {
    let m = model();
    let values = [
        value("HS_TN", "202309", "H_C", "1200"),
        value("HS_GQ", "202309", "H_C", "1250"),
        value("HS_DH", "202309", "H_C", "1100"),
        value("HS_TH", "202309", "H_C", "200"),
    ];
    let mut rules: Vec<String> = check_values(&m, None, &values).into_iter().map(|v| v.rule.to_string()).collect();
    rules.sort();
    assert_eq!(rules, ["DH_TH_GQ", "GQ_TN"]);
}

#[test]
fn completeness_of_a_monthly_report() {
    // 202610 under Decree 09 runs 15/9–14/10/2026; due 2 working days later: Friday 16/10.
    let m = model();
    let form = m.form("BC_THANG").unwrap();
    let period: Period = "202610".parse().unwrap();
    let cal = WorkingCalendar::vietnam();
    let sub = |unit: &str, status, when: Option<&str>| Submission {
        form: Code::new("BC_THANG").unwrap(),
        period,
        unit: Code::new(unit).unwrap(),
        status,
        submitted_at: when.map(at),
        submitted_by: None,
        review: None,
    };
    let subs = [
        sub("SO_A", SubmissionStatus::Approved, Some("2026-10-15 09:30")),
        sub("SO_B", SubmissionStatus::Submitted, Some("2026-10-19 16:00")),
        sub("H_C", SubmissionStatus::Draft, None),
    ];
    let c = completeness(&m, form, &period, &subs, at("2026-11-23 08:00"), &cal);
    assert_eq!(c.due, NaiveDate::from_ymd_opt(2026, 10, 16).unwrap());
    // H_D closed in 2025: not expected any more.
    let status: Vec<(&str, ReportStatus, Option<i64>)> =
        c.units.iter().map(|u| (m.tree().unit(u.unit).code.as_str(), u.status, u.days_late)).collect();
    assert_eq!(
        status,
        [
            ("SO_A", ReportStatus::OnTime, None),
            ("SO_B", ReportStatus::Late, Some(3)),
            ("H_C", ReportStatus::Missing, Some(38))
        ]
    );
    let total = c.total();
    assert_eq!((total.expected, total.reported(), total.on_time), (3, 2, 1));
    assert_eq!(format!("{:.2}", total.reporting_rate().unwrap()), "66.67");
    assert_eq!(format!("{:.2}", total.on_time_rate().unwrap()), "33.33");
    // Before the deadline the draft is not yet due.
    let early = completeness(&m, form, &period, &subs, at("2026-10-15 12:00"), &cal);
    assert_eq!(early.units[2].status, ReportStatus::NotYetDue);
    // Rates count only reports due: the one not yet due does not lower them.
    let r = early.total();
    assert_eq!((r.expected, r.due(), r.reported()), (3, 2, 2));
    assert_eq!(r.reporting_rate(), Some(100.0));
    // On 23/11 the latest period whose deadline passed is 202611 (15/10–14/11, due 18/11).
    assert_eq!(latest_due_period(form, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), &cal).to_string(), "202611");
}

#[test]
fn targets_before_and_after_their_evaluation_time() {
    let m = model();
    let plan = m.plan("KH_2026").unwrap();
    let d = |y, mo, day| NaiveDate::from_ymd_opt(y, mo, day).unwrap();
    let t = |c: &str| plan.targets.iter().find(|t| t.code.as_str() == c).unwrap();
    // A rate rising from 80% (January) to 84% by October, aiming at 95% by year end: too slow.
    let measured = Measured {
        base: Some(Observation { date: d(2026, 1, 31), value: 80.0 }),
        current: Some(Observation { date: d(2026, 10, 31), value: 84.0 }),
    };
    let e = evaluate_target(plan, t("CT1"), d(2026, 11, 23), measured, 2);
    assert_eq!(e.verdict, Verdict::InProgress);
    assert!(e.at_risk);
    assert_eq!(e.progress.as_ref().unwrap().progress, Progress::Limited);
    assert_eq!(e.result_text.as_deref(), Some("84,00%"));
    // After the evaluation time the same figure is judged.
    let e = evaluate_target(plan, t("CT1"), d(2027, 1, 5), measured, 2);
    assert_eq!(e.verdict, Verdict::NotMet);
    // A drill held in August, judged after September: Đạt, on "1 cuộc".
    let e = evaluate_target(plan, t("CT2"), d(2026, 11, 23), Measured::default(), 2);
    assert_eq!((e.verdict, e.result_text.as_deref()), (Verdict::Met, Some("1 cuộc")));
    // A milestone done before its deadline is settled early.
    let e = evaluate_target(plan, t("CT3"), d(2026, 6, 1), Measured::default(), 2);
    assert_eq!(e.verdict, Verdict::Met);
    // No result at the evaluation time: Chưa đạt, with the reason.
    let e = evaluate_target(plan, t("CT1"), d(2027, 1, 5), Measured::default(), 2);
    assert_eq!(e.verdict, Verdict::NotMet);
    assert!(e.note.unwrap().contains("không có số liệu"));
}

#[test]
fn metadata_errors_name_their_place() {
    let bad = META.replace("lead: [SO_A]", "lead: [SO_X]").replace("#{HS_DH} + #{HS_TH}", "#{HS_DH} + #{HS_KHONG}");
    let meta: Metadata = serde_yaml_ng::from_str(&bad).unwrap();
    let errs = Model::new(meta).unwrap_err().to_string();
    assert!(
        errs.contains("plans[KH_2026].targets[CT2].lead/cooperating: đơn vị hoặc nhóm SO_X không tồn tại"),
        "{errs}"
    );
    assert!(errs.contains("validation_rules[DH_TH_GQ].left: chỉ tiêu dữ liệu #{HS_KHONG} không tồn tại"), "{errs}");
    assert!(errs.starts_with("siêu dữ liệu có 2 lỗi"), "{errs}");
}

#[test]
fn a_threshold_phrase_that_cannot_be_read_is_an_error_quoting_it() {
    let bad = META.replace("threshold: \"Hoàn thành\"", "threshold: \"nhiều hơn trước\"");
    let err = serde_yaml_ng::from_str::<Metadata>(&bad).unwrap_err().to_string();
    assert!(err.contains("nhiều hơn trước"), "{err}");
}

#[test]
fn metadata_round_trips_through_yaml_and_json() {
    let meta: Metadata = serde_yaml_ng::from_str(META).unwrap();
    let yaml = serde_yaml_ng::to_string(&meta).unwrap();
    assert!(!yaml.contains('!'), "no YAML tags in files people edit:\n{yaml}");
    assert_eq!(serde_yaml_ng::from_str::<Metadata>(&yaml).unwrap(), meta);
    let json = serde_json::to_string(&meta).unwrap();
    assert_eq!(serde_json::from_str::<Metadata>(&json).unwrap(), meta);
}

mod props {
    use chiso_core::threshold::{Outcome, Unit, parse_threshold};
    use chiso_core::verdict::{Verdict, judge};
    use proptest::prelude::*;

    fn rank(v: Verdict) -> u8 {
        match v {
            Verdict::NotMet => 0,
            Verdict::Met => 1,
            Verdict::Exceeded => 2,
            Verdict::InProgress => unreachable!("judge never answers in progress"),
        }
    }

    proptest! {
        /// A better result never gets a worse verdict: higher for "đạt X% trở lên",
        /// lower for "dưới X%" and "không quá X ngày".
        #[test]
        fn a_better_result_never_gets_a_worse_verdict(
            target in 1u32..100, a in 0u32..10_000, b in 0u32..10_000, phrase in 0usize..6,
        ) {
            let phrases = [
                format!("đạt {target}% trở lên"),
                format!("Trên {target}%"),
                format!("tối thiểu {target}%"),
                format!("dưới {target}%"),
                format!("không quá {target} ngày"),
                format!("ít nhất {target} doanh nghiệp"),
            ];
            let t = parse_threshold(&phrases[phrase]).unwrap();
            let higher_is_better = phrase < 3 || phrase == 5;
            let (a, b) = (f64::from(a) / 100.0, f64::from(b) / 100.0);
            let (worse, better) = if (a <= b) == higher_is_better { (a, b) } else { (b, a) };
            let unit = t.unit().cloned().unwrap_or(Unit::Percent);
            let vw = judge(&t, &Outcome::Value(worse, unit.clone()), 2);
            let vb = judge(&t, &Outcome::Value(better, unit), 2);
            prop_assert!(rank(vw) <= rank(vb), "{} : {worse} → {vw:?}, {better} → {vb:?}", phrases[phrase]);
        }
    }
}
