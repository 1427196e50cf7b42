//! The demo's promises: valid metadata, the expected shape, clean values,
//! determinism, and the story (late units, a few violations, target verdicts).

use super::*;
use chiso_core::completeness::{ReportStatus, completeness};
use chiso_core::element::Aggregation;
use chiso_core::evaluation::{Measured, Observation, TargetEvaluation, evaluate_target};
use chiso_core::expr::{ElementRef, MissingValues};
use chiso_core::metadata::Model;
use chiso_core::period::{Period, PeriodType, WorkingCalendar};
use chiso_core::plan::{Measure, Plan};
use chiso_core::validate::check_values;
use chiso_core::value::SubmissionStatus;
use chiso_core::verdict::Verdict;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

fn today() -> NaiveDate {
    default_today()
}

/// One demo for all tests (generation is deterministic).
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| generate(today()))
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::new(demo().metadata.clone()).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn metadata_is_a_valid_model() {
    let m = model();
    assert_eq!(m.metadata().name.as_deref(), Some("Tỉnh Hòa Lâm"));
    assert_eq!(m.tree().max_level(), 3);
    assert_eq!(m.metadata().levels.len(), 3);
}

#[test]
fn three_levels_of_units() {
    let m = model();
    let tree = m.tree();
    let root = tree.index(PROVINCE).unwrap();
    assert_eq!(tree.roots(), &[root]);
    let kind = |k: &str| tree.units().iter().filter(|u| u.kind.as_ref().is_some_and(|c| c.as_str() == k)).count();
    let (depts, districts, communes) = (kind("so_nganh"), kind("huyen"), kind("xa"));
    assert!((18..=22).contains(&depts), "{depts} departments");
    assert_eq!(districts, 10);
    assert_eq!(communes, 120);
    assert_eq!(tree.at_level(3, None).len(), 120);
    for g in ["SO_NGANH", "UBND_HUYEN", "UBND_XA"] {
        assert!(m.group_members(g).is_some_and(|x| !x.is_empty()), "{g}");
    }
    assert_eq!(m.group_members("UBND_XA").unwrap().len(), 120);
    // Unique names, and every commune under a district.
    let names: BTreeSet<&str> = tree.units().iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names.len(), tree.len());
    for ix in tree.at_level(3, None) {
        assert_eq!(tree.unit(tree.parent(ix).unwrap()).kind.as_ref().unwrap().as_str(), "huyen");
    }
    // The old Sở TT&TT rolls up into the coordinating office.
    let tttt = tree.index("SO_TTTT").unwrap();
    assert_eq!(tree.final_successors(tttt), vec![tree.index(COORDINATOR).unwrap()]);
    assert_eq!(m.metadata().pillars.len(), 10);
}

#[test]
fn values_name_existing_things_and_are_normalised() {
    let m = model();
    let tree = m.tree();
    let mut cells = BTreeSet::new();
    for v in &demo().values {
        let e = m.element(v.element.as_str()).unwrap_or_else(|| panic!("element {}", v.element));
        assert!(tree.index(v.unit.as_str()).is_some(), "unit {}", v.unit);
        match (&v.option, m.element_disaggregation(v.element.as_str())) {
            (Some(o), Some(d)) => {
                assert!(d.options.iter().any(|x| x.code == *o), "{} {o}", v.element)
            }
            (None, None) => {}
            other => panic!("{}: option/disaggregation mismatch {other:?}", v.element),
        }
        assert_eq!(e.value_type.normalize(&v.value).as_deref(), Ok(v.value.as_str()), "{} {}", v.element, v.value);
        // Each value belongs to a form of its period type.
        let form = m.metadata().forms.iter().find(|f| f.elements().any(|x| *x == v.element)).unwrap();
        assert_eq!(form.period_type, v.period.period_type(), "{}", v.element);
        assert!(cells.insert((v.element.clone(), v.option.clone(), v.period, v.unit.clone())), "duplicate {v:?}");
    }
    // Values only where a submission (draft included) exists.
    let subs: BTreeSet<(&str, Period)> = demo().submissions.iter().map(|s| (s.unit.as_str(), s.period)).collect();
    assert!(demo().values.iter().all(|v| subs.contains(&(v.unit.as_str(), v.period))));
}

#[test]
fn generation_is_deterministic() {
    let again = generate(today());
    assert!(again == *demo());
    // A later day keeps the figures of periods closed well before.
    let later = generate(NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
    let key = |v: &DataValue| (v.element.clone(), v.option.clone(), v.period, v.unit.clone());
    let early: HashMap<_, _> = demo()
        .values
        .iter()
        .filter(|v| v.period.end() < NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
        .map(|v| (key(v), v.value.clone()))
        .collect();
    let same = later.values.iter().filter(|v| early.get(&key(v)) == Some(&v.value)).count();
    assert_eq!(same, early.len());
}

#[test]
fn data_covers_two_years_with_weekly_and_monthly_forms() {
    let m = model();
    let weekly = m.form(WEEKLY_FORM).unwrap();
    let monthly = m.form(MONTHLY_FORM).unwrap();
    assert!(weekly.period_type.is_weekly());
    assert_eq!(monthly.period_type, PeriodType::Monthly);
    let periods: BTreeSet<Period> = demo().values.iter().map(|v| v.period).collect();
    let first = periods.iter().next().unwrap();
    assert!(first.start() <= NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), "{first}");
    assert!(periods.contains(&"202511".parse().unwrap()));
    assert!(periods.contains(&"202611".parse().unwrap()), "the current month, partly reported");
    assert!(!periods.contains(&"202612".parse().unwrap()));
    assert!(periods.contains(&"2026SatW46".parse().unwrap()), "14–20/11, due 24/11, partly reported");
    assert!(!periods.contains(&"2026SatW47".parse().unwrap()), "the week in progress");
    // Magnitudes: a commune tens to hundreds of dossiers a month, a district thousands.
    let received = |unit: &str| -> f64 {
        demo()
            .values
            .iter()
            .filter(|v| {
                v.unit.as_str() == unit && v.element.as_str() == "HS_TIEP_NHAN" && v.period == "202603".parse().unwrap()
            })
            .map(|v| v.numeric().unwrap())
            .sum()
    };
    assert!((1500.0..10_000.0).contains(&received("TP_HOA_LAM")));
    let commune = m.tree().at_level(3, None)[0];
    let c = received(m.tree().unit(commune).code.as_str());
    assert!((10.0..800.0).contains(&c), "{c}");
}

fn statuses() -> HashMap<SubmissionStatus, usize> {
    let mut out = HashMap::new();
    for s in &demo().submissions {
        *out.entry(s.status).or_insert(0) += 1;
    }
    out
}

#[test]
fn submissions_have_every_status() {
    let st = statuses();
    for s in
        [SubmissionStatus::Draft, SubmissionStatus::Submitted, SubmissionStatus::Returned, SubmissionStatus::Approved]
    {
        assert!(st.get(&s).copied().unwrap_or(0) > 0, "{s:?}: {st:?}");
    }
    assert!(st[&SubmissionStatus::Approved] > st[&SubmissionStatus::Submitted]);
    for s in &demo().submissions {
        assert_eq!(s.submitted_at.is_some(), s.status != SubmissionStatus::Draft, "{s:?}");
        assert!(s.submitted_at.is_none_or(|t| t.date() < today()));
        assert!(s.submitted_by.as_deref().is_some_and(|b| b.contains('.') && b.is_ascii()));
    }
}

/// Reports due before `today`, by unit: (expected, late, missing).
fn timeliness() -> BTreeMap<String, (u32, u32, u32)> {
    let mut out: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    for ((unit, _), (e, l, m)) in timeliness_by_year() {
        let x = out.entry(unit).or_default();
        *x = (x.0 + e, x.1 + l, x.2 + m);
    }
    out
}

/// Reports due before `today`, by unit and year: (expected, late, missing).
fn timeliness_by_year() -> BTreeMap<(String, i32), (u32, u32, u32)> {
    let m = model();
    let cal = WorkingCalendar::vietnam();
    let now = today().and_hms_opt(8, 0, 0).unwrap();
    let mut out: BTreeMap<(String, i32), (u32, u32, u32)> = BTreeMap::new();
    for form in &m.metadata().forms {
        let periods: BTreeSet<Period> =
            demo().submissions.iter().filter(|s| s.form == form.code).map(|s| s.period).collect();
        for p in periods {
            let c = completeness(m, form, &p, &demo().submissions, now, &cal);
            if c.due >= today() {
                continue;
            }
            for u in &c.units {
                let e = out.entry((m.tree().unit(u.unit).code.to_string(), p.period_year())).or_default();
                e.0 += 1;
                e.1 += u32::from(u.status == ReportStatus::Late);
                e.2 += u32::from(u.status == ReportStatus::Missing);
            }
        }
    }
    out
}

#[test]
fn lateness_concentrates_in_a_few_units() {
    let t = timeliness();
    let (expected, late, missing) = t.values().fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    assert!(late > 0 && missing > 0);
    let rate = |u: &str| {
        let (e, l, m) = t[u];
        f64::from(l + m) / f64::from(e)
    };
    let overall = f64::from(late + missing) / f64::from(expected);
    assert!(overall < 0.15, "{overall}");
    for u in ["SO_XD", "THANH_TRA", "H_SUOI_MAY", "BCH_QS"] {
        assert!(rate(u) > 0.4, "{u}: {}", rate(u));
    }
    assert!(rate("SO_TC") < 0.1);
    // Thị xã Bình Sơn mended its ways this year.
    let by_year = timeliness_by_year();
    let bad = |y: i32| {
        let (e, l, m) = by_year[&("TX_BINH_SON".to_string(), y)];
        f64::from(l + m) / f64::from(e)
    };
    assert!(bad(2025) > 0.4 && bad(2026) < 0.2, "{} → {}", bad(2025), bad(2026));
    // The worst ten units carry a large share of the late and missing reports.
    let mut worst: Vec<u32> = t.values().map(|(_, l, m)| l + m).collect();
    worst.sort_unstable_by(|a, b| b.cmp(a));
    let top: u32 = worst.iter().take(10).sum();
    assert!(f64::from(top) > 0.3 * f64::from(late + missing), "{top} of {}", late + missing);
}

#[test]
fn validation_finds_a_few_violations() {
    let m = model();
    let v = check_values(m, None, &demo().values);
    let unit_periods: BTreeSet<(&str, Period)> = demo().values.iter().map(|v| (v.unit.as_str(), v.period)).collect();
    let bad: BTreeSet<(&str, Period)> = v.iter().map(|x| (x.unit.as_str(), x.period)).collect();
    assert!(!v.is_empty());
    assert!((bad.len() as f64) < 0.02 * unit_periods.len() as f64, "{} of {}", bad.len(), unit_periods.len());
    // The scripted ones.
    let has = |rule: &str, unit: &str, period: &str| {
        v.iter().any(|x| x.rule.as_str() == rule && x.unit.as_str() == unit && x.period == period.parse().unwrap())
    };
    assert!(has("TL_TRE_HAN_KHOP", "SO_YT", "202608"));
    assert!(has("DH_TH_LE_GQ", "H_VINH_XUAN", "202610"));
    let returned: Vec<_> = demo().submissions.iter().filter(|s| s.status == SubmissionStatus::Returned).collect();
    assert!(returned.iter().any(|s| s.unit.as_str() == "H_VINH_XUAN" && s.period == "202610".parse().unwrap()));
    assert!(returned.iter().any(|s| s.unit.as_str() == "SO_NNMT" && s.period.period_type().is_weekly()));
}

#[test]
fn narratives_for_departments_and_districts() {
    let m = model();
    let n = &demo().narratives;
    assert!(n.len() > 300);
    let monthly = m.form(MONTHLY_FORM).unwrap();
    let sections: BTreeSet<&str> = monthly.narratives.iter().map(|s| s.code.as_str()).collect();
    for x in n {
        assert!(sections.contains(x.section.as_str()));
        let kind = m.tree().get(x.unit.as_str()).unwrap().kind.as_ref().unwrap().as_str();
        assert!(kind == "so_nganh" || kind == "huyen");
        assert!(!x.text.is_empty() && !x.text.contains('{'));
    }
    let distinct: BTreeSet<&str> = n.iter().map(|x| x.text.as_str()).collect();
    assert!(distinct.len() > n.len() / 3, "varied texts");
}

#[test]
fn plans_cover_every_pillar() {
    let m = model();
    let cur = m.plan("KH_CDS_2026").unwrap();
    assert_eq!(cur.title, "Kế hoạch chuyển đổi số tỉnh Hòa Lâm năm 2026");
    assert_eq!(cur.number.as_deref(), Some("45/KH-UBND"));
    assert!(cur.targets.len() >= 30);
    let pillars: BTreeSet<&str> = cur.targets.iter().map(|t| t.pillar.as_str()).collect();
    assert_eq!(pillars.len(), 10);
    let measured = cur.targets.iter().filter(|t| t.measure != Measure::Manual).count();
    assert!(measured * 3 >= cur.targets.len() && measured * 3 <= cur.targets.len() * 2, "{measured}");
    let prev = m.plan("KH_CDS_2025").unwrap();
    assert_eq!(prev.targets.len(), 15);
}

// ------------------------------------------------------------------ story
//
// A small stand-in for the analytics engine: a target's value is the plan
// year's figure so far for the province (ratio of sums; stocks take each
// unit's latest value), as of the last month with data.

fn anchor(p: &Period) -> NaiveDate {
    if p.period_type().is_weekly() { p.start() + chrono::Days::new(3) } else { p.start() }
}

/// The demo's values by element.
fn by_element() -> &'static HashMap<&'static str, Vec<&'static DataValue>> {
    static INDEX: OnceLock<HashMap<&'static str, Vec<&'static DataValue>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut out: HashMap<&str, Vec<&DataValue>> = HashMap::new();
        for v in &demo().values {
            out.entry(v.element.as_str()).or_default().push(v);
        }
        out
    })
}

fn element_value(r: &ElementRef, from: NaiveDate, to: NaiveDate) -> Option<f64> {
    type Memo = std::sync::Mutex<HashMap<(ElementRef, NaiveDate, NaiveDate), Option<f64>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    let key = (r.clone(), from, to);
    if let Some(x) = memo.lock().unwrap().get(&key) {
        return *x;
    }
    let x = element_value_uncached(r, from, to);
    memo.lock().unwrap().insert(key, x);
    x
}

fn element_value_uncached(r: &ElementRef, from: NaiveDate, to: NaiveDate) -> Option<f64> {
    let m = model();
    let rule = m.element(&r.element)?.time_rule();
    let mut latest: HashMap<&str, (Period, f64)> = HashMap::new();
    let mut by_option: HashMap<(&str, Period), f64> = HashMap::new();
    let mut sum = None::<f64>;
    for v in by_element().get(r.element.as_str()).into_iter().flatten() {
        if r.option.as_deref().is_some_and(|o| v.option.as_ref().is_none_or(|x| x.as_str() != o)) {
            continue;
        }
        let a = anchor(&v.period);
        if a < from || a > to {
            continue;
        }
        let x = v.numeric()?;
        *sum.get_or_insert(0.0) += x;
        *by_option.entry((v.unit.as_str(), v.period)).or_insert(0.0) += x;
    }
    if rule == Aggregation::Last {
        for ((u, p), x) in by_option {
            let e = latest.entry(u).or_insert((p, x));
            if p > e.0 {
                *e = (p, x);
            }
        }
        return (!latest.is_empty()).then(|| latest.values().map(|(_, x)| x).sum());
    }
    sum
}

fn measure_value(measure: &Measure, from: NaiveDate, to: NaiveDate) -> Option<f64> {
    let m = model();
    let none = |_: &str| None;
    match measure {
        Measure::Indicator(c) => {
            let i = m.indicator(c.as_str())?;
            let n = i.numerator.eval(&|r| element_value(r, from, to), &none, MissingValues::SkipIfAnyMissing)?;
            let d = i.denominator.eval(&|r| element_value(r, from, to), &none, MissingValues::SkipIfAnyMissing)?;
            i.value(Some(n), Some(d))
        }
        Measure::Element(c) => element_value(&ElementRef::total(c.as_str()), from, to),
        Measure::Manual => None,
    }
}

/// How far the figures go for a target whose evaluation time has passed.
#[derive(Clone, Copy, PartialEq)]
enum Upto {
    /// The year so far as of the last month with data (what chiso-analytics does today).
    LastData,
    /// The year up to the evaluation time.
    Deadline,
}

fn evaluate(plan: &Plan) -> Vec<TargetEvaluation> {
    evaluate_upto(plan, Upto::LastData)
}

fn evaluate_upto(plan: &Plan, upto: Upto) -> Vec<TargetEvaluation> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    plan.targets
        .iter()
        .map(|t| {
            let mut measured = Measured::default();
            if t.measure != Measure::Manual {
                let jan1 = d(plan.year, 1, 1);
                let deadline = t.evaluation.deadline(plan.year);
                let cut = if upto == Upto::Deadline && deadline < today() { deadline } else { today() };
                let months: Vec<Period> = (1..=12).map(|mo| Period::month(plan.year, mo).unwrap()).filter(|p| p.start() <= cut).collect();
                let with_data: Vec<(Period, f64)> = months.iter().filter_map(|p| measure_value(&t.measure, p.start(), p.end()).map(|v| (*p, v))).collect();
                if let Some(&(last, _)) = with_data.last() {
                    let as_of = last.end().min(today());
                    measured.current = measure_value(&t.measure, jan1, last.end()).map(|value| Observation { date: as_of, value });
                    let cumulative = matches!(&t.measure, Measure::Element(c) if model().element(c.as_str()).unwrap().time_rule() == Aggregation::Sum);
                    measured.base = if cumulative {
                        Some(Observation { date: jan1.pred_opt().unwrap(), value: 0.0 })
                    } else {
                        with_data.first().map(|&(p, v)| Observation { date: p.end(), value: v })
                    };
                }
            }
            evaluate_target(plan, t, today(), measured, 2)
        })
        .collect()
}

fn count(evals: &[TargetEvaluation], v: Verdict) -> usize {
    evals.iter().filter(|e| e.verdict == v).count()
}

fn show(evals: &[TargetEvaluation]) -> String {
    evals
        .iter()
        .map(|e| {
            format!(
                "{} {:<14} {:<10} {:>10} {} {}",
                e.target.code,
                e.target.evaluation.phrase(),
                e.target.threshold.phrase(),
                e.result_text.clone().unwrap_or_default(),
                e.verdict_text(chiso_core::lang::Lang::Vi),
                e.progress_text(chiso_core::lang::Lang::Vi)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn last_years_plan_gives_six_exceeded_seven_met_two_missed() {
    let m = model();
    let evals = evaluate(m.plan("KH_CDS_2025").unwrap());
    let got = (count(&evals, Verdict::Exceeded), count(&evals, Verdict::Met), count(&evals, Verdict::NotMet));
    assert_eq!(got, (6, 7, 2), "\n{}", show(&evals));
}

#[test]
fn verdicts_do_not_hang_on_how_far_the_figures_go() {
    for plan in &model().metadata().plans {
        let a: Vec<Verdict> = evaluate_upto(plan, Upto::LastData).iter().map(|e| e.verdict).collect();
        let b = evaluate_upto(plan, Upto::Deadline);
        assert_eq!(a, b.iter().map(|e| e.verdict).collect::<Vec<_>>(), "{}\n{}", plan.code, show(&b));
    }
}

#[test]
fn this_years_plan_mixes_verdicts_and_flags_risks() {
    let m = model();
    let evals = evaluate(m.plan("KH_CDS_2026").unwrap());
    let text = show(&evals);
    assert!(count(&evals, Verdict::Exceeded) >= 3, "\n{text}");
    assert!(count(&evals, Verdict::Met) >= 3, "\n{text}");
    assert!(count(&evals, Verdict::NotMet) >= 2, "\n{text}");
    assert!(count(&evals, Verdict::InProgress) >= 10, "\n{text}");
    let at_risk: BTreeSet<&str> = evals.iter().filter(|e| e.at_risk).map(|e| e.target.name.as_str()).collect();
    assert!((2..=5).contains(&at_risk.len()), "\n{text}");
    for name in ["Trên 75% hồ sơ", "bồi dưỡng kỹ năng số đạt 80%", "trễ hạn dưới 2%"] {
        assert!(at_risk.iter().any(|n| n.contains(name)), "{name} should be at risk\n{text}");
    }
    let measured_in_progress_fine = evals
        .iter()
        .filter(|e| {
            e.verdict == Verdict::InProgress
                && e.target.measure != Measure::Manual
                && !e.at_risk
                && e.progress.is_some()
        })
        .count();
    assert!(measured_in_progress_fine >= 4, "\n{text}");
}

/// `cargo test -p chiso-demo --release -- --ignored --nocapture story` prints the story.
#[test]
#[ignore]
fn story() {
    let m = model();
    let d = demo();
    eprintln!("values {} narratives {} submissions {:?}", d.values.len(), d.narratives.len(), statuses());
    for plan in &m.metadata().plans {
        eprintln!("\n{} ({} targets)\n{}", plan.code, plan.targets.len(), show(&evaluate(plan)));
    }
    let mut t: Vec<(String, (u32, u32, u32))> = timeliness().into_iter().collect();
    t.sort_by_key(|(_, (e, l, mi))| std::cmp::Reverse((l + mi) * 1000 / e));
    eprintln!("\nworst reporters (expected, late, missing):");
    for (u, x) in t.iter().take(15) {
        eprintln!("  {u:<16} {x:?}");
    }
    let v = check_values(m, None, &d.values);
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &v {
        *by_rule.entry(x.rule.as_str()).or_default() += 1;
    }
    eprintln!("\nviolations {}: {by_rule:?}", v.len());
    for ind in &m.metadata().indicators {
        let mut line = format!("{:<20}", ind.code);
        for (y, mo) in [(2025, 1), (2025, 6), (2025, 12), (2026, 1), (2026, 6), (2026, 10), (2026, 11)] {
            let p = Period::month(y, mo).unwrap();
            let x = measure_value(&Measure::Indicator(ind.code.clone()), p.start(), p.end());
            line.push_str(&format!(" {y}-{mo:02}:{:>6.2}", x.unwrap_or(f64::NAN)));
        }
        eprintln!("{line}");
    }
    let mut line = String::from("dossiers received by month:");
    for y in [2025, 2026] {
        for mo in 1..=12 {
            let p = Period::month(y, mo).unwrap();
            if let Some(x) = element_value(&ElementRef::total("HS_TIEP_NHAN"), p.start(), p.end()) {
                line.push_str(&format!(" {y}-{mo:02}:{x}"));
            }
        }
    }
    eprintln!("{line}");
    let start = std::time::Instant::now();
    let _ = generate(today());
    eprintln!("generate: {:?}", start.elapsed());
}

#[test]
fn other_days_give_a_valid_demo() {
    for (y, m, d) in [(2025, 2, 3), (2027, 7, 1)] {
        let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let demo = generate(day);
        let model = Model::new(demo.metadata.clone()).unwrap_or_else(|e| panic!("{day}: {e}"));
        assert!(!demo.values.is_empty(), "{day}");
        assert!(demo.submissions.iter().all(|s| s.submitted_at.is_none_or(|t| t.date() < day)));
        assert!(model.plan(&format!("KH_CDS_{y}")).is_some() && model.plan(&format!("KH_CDS_{}", y - 1)).is_some());
        let v = check_values(&model, None, &demo.values);
        assert!(v.len() < demo.submissions.len() / 50, "{day}: {} violations", v.len());
    }
}
