//! Report templates: the built-ins evaluated on the demo province, every
//! figure checked against the analytics engine.

use chiso_analytics::{AnalyticsEngine, DxItem, MemoryEngine};
use chiso_core::completeness::{ReportStatus, completeness};
use chiso_core::metadata::Model;
use chiso_core::number::{format_integer, format_percent, parse_number};
use chiso_core::period::{Period, WorkingCalendar};
use chiso_demo::Demo;
use chiso_report::builtin;
use chiso_report::document::{Block, Document};
use chiso_report::evaluate::{ReportError, ReportInput, change_phrase, evaluate, period_words};
use chiso_report::template::{BlockTemplate, Template};
use chrono::NaiveDate;
use std::sync::{Arc, OnceLock};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 11, 23)
}

struct Fixture {
    demo: Demo,
    engine: MemoryEngine,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let demo = chiso_demo::generate(today());
        let model = Arc::new(Model::new(demo.metadata.clone()).expect("demo model"));
        let engine = MemoryEngine::from_values(model, &demo.values);
        Fixture { demo, engine }
    })
}

fn input(period: &str) -> ReportInput<'static> {
    let f = fixture();
    let mut i = ReportInput::new(&f.engine, period.parse().unwrap(), today());
    i.submissions = &f.demo.submissions;
    i.narratives = &f.demo.narratives;
    i
}

/// The demo's registers (projects, budgets, tasks, systems and dossiers) of `today`.
fn demo_registers() -> &'static chiso_core::register::Registers {
    static R: OnceLock<chiso_core::register::Registers> = OnceLock::new();
    R.get_or_init(|| chiso_demo::registers(today()))
}

/// A built-in evaluated with the demo's registers (the monthly report's
/// security section draws on the dossiers).
fn run(name: &str, period: &str) -> Document {
    let mut i = input(period);
    i.registers = Some(demo_registers());
    evaluate(&builtin::get(name).unwrap(), &i).unwrap_or_else(|e| panic!("{e}"))
}

fn text(b: &Block) -> String {
    match b {
        Block::Paragraph { runs } => runs.iter().map(|r| r.text.as_str()).collect(),
        Block::Heading { number, text, .. } => format!("{number} {text}"),
        Block::List { items } => items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n"),
        Block::Table(t) => format!("[bảng {} cột, {} dòng]", t.columns.len(), t.rows.len()),
    }
}

fn value(code: &str, period: &str) -> Option<f64> {
    let e = &fixture().engine;
    let model = e.model();
    let root = model.tree().roots()[0];
    e.value(&DxItem::parse(code, model).unwrap(), root, &period.parse::<Period>().unwrap())
}

fn n(x: Option<f64>) -> String {
    format_integer(x.unwrap() as i64)
}

fn pct(x: Option<f64>) -> String {
    format_percent(x.unwrap(), 2)
}

/// The change phrase computed independently: sign word and the difference of the printed figures.
fn expect_change(now: Option<f64>, before: Option<f64>, decimals: i32, unit: &str, against: &str) -> String {
    let r = |x: f64| chiso_core::number::round_half_away(x, decimals);
    let diff = r(r(now.unwrap()) - r(before.unwrap()));
    let word = if diff > 0.0 {
        "tăng"
    } else if diff < 0.0 {
        "giảm"
    } else {
        return format!("bằng {against}");
    };
    format!("{word} {} {unit} so với {against}", chiso_core::number::format_auto(diff.abs(), decimals as usize))
}

fn paragraph_with(doc: &Document, needle: &str) -> String {
    let found: Vec<String> = doc.body.iter().map(text).filter(|t| t.contains(needle)).collect();
    assert_eq!(found.len(), 1, "one paragraph with {needle:?}: {found:?}");
    found[0].clone()
}

#[test]
fn monthly_dossier_figures_are_the_engines() {
    let doc = run("monthly", "202610");
    let got = paragraph_with(&doc, "hồ sơ thủ tục hành chính (");
    let recv = value("HS_TIEP_NHAN", "202610");
    let recv_before = value("HS_TIEP_NHAN", "202609");
    assert!(recv.unwrap() > 50_000.0 && recv_before.unwrap() > 50_000.0);
    let online_now = value("TL_HS_TRUC_TUYEN", "202610");
    let online_last_year = value("TL_HS_TRUC_TUYEN", "202510");
    let want = format!(
        "Trong tháng 10/2026, các cơ quan, đơn vị đã tiếp nhận {} hồ sơ thủ tục hành chính ({}), trong đó {} hồ sơ \
         trực tuyến (chiếm tỷ lệ {}, {}); đã giải quyết {} hồ sơ, trong đó giải quyết đúng hạn {} hồ sơ (đạt tỷ lệ {}), \
         trễ hạn {} hồ sơ (chiếm tỷ lệ {}). Số hồ sơ có kết quả giải quyết được số hóa là {} hồ sơ (đạt tỷ lệ {}); \
         thanh toán trực tuyến {} giao dịch phí, lệ phí (đạt tỷ lệ {} so với hồ sơ trực tuyến).",
        n(recv),
        expect_change(recv, recv_before, 0, "hồ sơ", "tháng trước"),
        n(value("HS_TIEP_NHAN.TRUC_TUYEN", "202610")),
        pct(online_now),
        expect_change(online_now, online_last_year, 2, "điểm phần trăm", "cùng kỳ năm trước"),
        n(value("HS_GIAI_QUYET", "202610")),
        n(value("HS_DUNG_HAN", "202610")),
        pct(value("TL_DUNG_HAN", "202610")),
        n(value("HS_TRE_HAN", "202610")),
        pct(value("TL_TRE_HAN", "202610")),
        n(value("HS_SO_HOA", "202610")),
        pct(value("TL_SO_HOA", "202610")),
        n(value("TT_TRUC_TUYEN", "202610")),
        pct(value("TL_THANH_TOAN_TT", "202610")),
    );
    assert_eq!(got, want);
    // The sign word follows the difference (received went up in the demo's October).
    let word = if recv > recv_before { "tăng" } else { "giảm" };
    assert!(got.contains(&format!(
        "({word} {} hồ sơ so với tháng trước)",
        n(Some((recv.unwrap() - recv_before.unwrap()).abs()))
    )));

    // Figures of other sections, and a value over the year so far.
    let hotline = paragraph_with(&doc, "Tổng đài 1022");
    assert!(hotline.contains(&format!(
        "{}/{} ý kiến phản ánh, kiến nghị của người dân, doanh nghiệp, đạt tỷ lệ {}.",
        n(value("PA_1022_XU_LY", "202610")),
        n(value("PA_1022_TIEP_NHAN", "202610")),
        pct(value("TL_XU_LY_1022", "202610"))
    )));
    let e = &fixture().engine;
    let model = e.model();
    let ytd = e.value_between(
        &DxItem::parse("DL_MO", model).unwrap(),
        model.tree().roots()[0],
        d(2026, 1, 1),
        d(2026, 10, 31),
    );
    let data = paragraph_with(&doc, "Về dữ liệu số");
    assert!(
        data.contains(&format!(
            "công bố {} bộ dữ liệu mở (lũy kế từ đầu năm {} bộ dữ liệu)",
            n(value("DL_MO", "202610")),
            n(ytd)
        )),
        "{data}"
    );
    let malware = paragraph_with(&doc, "lượt mã độc");
    assert!(malware.contains(&expect_change(
        value("MA_DOC", "202610"),
        value("MA_DOC", "202609"),
        0,
        "lượt",
        "tháng trước"
    )));

    assert_eq!(doc.summary, ["Tình hình triển khai chuyển đổi số của tỉnh Hòa Lâm", "tháng 10 năm 2026"]);
    assert_eq!(doc.letterhead.parent_body.as_deref(), Some("UBND TỈNH HÒA LÂM"));
    assert_eq!(doc.letterhead.number, "      /BC-SKHCN");
    assert_eq!(doc.letterhead.place, "Hòa Lâm");
}

#[test]
fn monthly_sections_are_numbered_by_depth() {
    let doc = run("monthly", "202610");
    let numbers: Vec<String> = doc
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, number, .. } => Some(format!("{level}:{number}")),
            _ => None,
        })
        .collect();
    let want = ["1:I.", "2:1.", "2:2.", "2:3.", "2:4.", "2:5.", "2:6.", "2:7.", "1:II.", "2:1.", "1:III.", "1:IV."];
    assert_eq!(numbers, want);
    let last = doc.body.iter().rev().find_map(|b| match b {
        Block::Heading { text, .. } => Some(text.clone()),
        _ => None,
    });
    // The last section reads the next month off the period.
    assert_eq!(last.as_deref(), Some("NHIỆM VỤ TRỌNG TÂM THÁNG 11/2026"));
    assert_eq!(chiso_report::evaluate::heading_number(3, 2, "1."), "1.2.");
    assert_eq!(chiso_report::evaluate::heading_number(4, 5, "1.2."), "đ)");
}

/// The paragraphs under the heading with this text, up to the next heading.
fn under<'d>(doc: &'d Document, heading: &str) -> Vec<&'d Block> {
    let at = doc
        .body
        .iter()
        .position(|b| matches!(b, Block::Heading { text, .. } if text == heading))
        .unwrap_or_else(|| panic!("heading {heading}"));
    doc.body[at + 1..].iter().take_while(|b| !matches!(b, Block::Heading { .. })).collect()
}

#[test]
fn narratives_are_gathered_with_each_unit_named() {
    let f = fixture();
    let doc = run("monthly", "202610");
    let tree = f.engine.model().tree();
    let p: Period = "202610".parse().unwrap();
    for (heading, section) in [("Khó khăn, vướng mắc", "KHO_KHAN"), ("ĐỀ XUẤT, KIẾN NGHỊ", "DE_XUAT")] {
        let mut want: Vec<(_, String, String)> = f
            .demo
            .narratives
            .iter()
            .filter(|n| n.form.as_str() == "BC_THANG" && n.period == p && n.section.as_str() == section)
            .map(|n| {
                let ix = tree.index(n.unit.as_str()).unwrap();
                (ix, format!("{}: ", tree.unit(ix).name), n.text.clone())
            })
            .collect();
        want.sort();
        assert!(want.len() >= 3, "the demo has {section} texts in 202610");
        let got: Vec<(String, String)> = under(&doc, heading)
            .into_iter()
            .filter_map(|b| match b {
                Block::Paragraph { runs } if runs.len() == 2 && runs[0].bold => {
                    Some((runs[0].text.clone(), runs[1].text.clone()))
                }
                _ => None,
            })
            .collect();
        let want: Vec<(String, String)> = want.into_iter().map(|(_, u, t)| (u, t)).collect();
        assert_eq!(got, want, "{section}");
    }
}

#[test]
fn late_units_are_the_completeness_librarys() {
    let f = fixture();
    let model = f.engine.model();
    let form = model.form("BC_THANG").unwrap();
    let p: Period = "202610".parse().unwrap();
    let now = today().and_hms_opt(23, 59, 59).unwrap();
    let c = completeness(model, form, &p, &f.demo.submissions, now, &WorkingCalendar::vietnam());
    let names =
        |s: ReportStatus| -> Vec<String> { c.with_status(s).map(|u| model.tree().unit(u.unit).name.clone()).collect() };
    let (late, missing) = (names(ReportStatus::Late), names(ReportStatus::Missing));
    assert_eq!((late.len(), missing.len()), (15, 5), "the CLI's figures for 202610");
    let doc = run("monthly", "202610");
    let lists: Vec<&Vec<String>> = under(&doc, "Công tác báo cáo")
        .into_iter()
        .filter_map(|b| match b {
            Block::List { items } => Some(items),
            _ => None,
        })
        .collect();
    assert_eq!(lists.len(), 2);
    let unit_of = |item: &String| item.split(" (").next().unwrap().to_string();
    assert_eq!(lists[0].iter().map(unit_of).collect::<Vec<_>>(), late);
    assert_eq!(lists[1].iter().map(unit_of).collect::<Vec<_>>(), missing);
    let report = paragraph_with(&doc, "hạn gửi ngày");
    assert!(report.contains("145/150 đơn vị đã gửi báo cáo (đạt 96,67%), trong đó 130 đơn vị gửi đúng hạn (đạt 86,67%), 15 đơn vị gửi trễ hạn; 5 đơn vị chưa gửi báo cáo."), "{report}");
    // The completeness table: totals equal the sum of the rows.
    let table = under(&doc, "Công tác báo cáo")
        .into_iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap();
    assert!(table.wrong_totals().is_empty(), "{:?}", table.wrong_totals());
    assert_eq!(table.rows.last().unwrap().cells[2].number(), Some(150.0));
}

#[test]
fn targets_appendix_and_at_risk_list_follow_the_plan_evaluation() {
    let f = fixture();
    let model = f.engine.model();
    let plan = model.plan("KH_CDS_2026").unwrap();
    let evals = chiso_analytics::targets::evaluate_plan(&f.engine, plan, d(2026, 10, 31));
    let doc = run("monthly", "202610");
    let table = match &doc.appendices[0].blocks[0] {
        Block::Table(t) => t,
        other => panic!("{other:?}"),
    };
    let items: Vec<_> = table.rows.iter().filter(|r| r.kind == chiso_report::document::RowKind::Item).collect();
    assert_eq!(items.len(), evals.len());
    for e in &evals {
        let row =
            items.iter().find(|r| r.cells[1] == chiso_report::document::Cell::Text(e.target.name.clone())).unwrap();
        assert_eq!(
            row.cells[2],
            chiso_report::document::Cell::Text(e.result_text.clone().unwrap_or_else(|| "—".into()))
        );
        assert_eq!(row.cells[3], chiso_report::document::Cell::Text(e.verdict_text(chiso_core::lang::Lang::Vi)));
    }
    let at_risk: Vec<&str> = evals.iter().filter(|e| e.at_risk).map(|e| e.target.name.trim_end_matches('.')).collect();
    let list = doc
        .body
        .iter()
        .find_map(|b| match b {
            Block::List { items } if items.iter().any(|i| i.contains("kết quả")) => Some(items),
            _ => None,
        })
        .unwrap();
    assert_eq!(list.len(), at_risk.len());
    for (item, name) in list.iter().zip(&at_risk) {
        assert!(item.starts_with(&format!("{name}: kết quả ")), "{item}");
    }
}

#[test]
fn weekly_changes_against_the_previous_week() {
    let doc = run("weekly", "2026SatW45");
    assert_eq!(doc.summary[1], "tuần từ 7/11 đến 13/11/2026");
    let vneid = paragraph_with(&doc, "định danh điện tử mức 2");
    let (now, before) = (value("VNEID_MUC2", "2026SatW45"), value("VNEID_MUC2", "2026SatW44"));
    assert_eq!(
        vneid,
        format!(
            "Đã kích hoạt mới {} tài khoản định danh điện tử mức 2 ({}).",
            n(now),
            expect_change(now, before, 0, "tài khoản", "tuần trước")
        )
    );
    let on_time = paragraph_with(&doc, "trễ hạn 5");
    let (r, rb) = (value("TL_TUAN_DUNG_HAN", "2026SatW45"), value("TL_TUAN_DUNG_HAN", "2026SatW44"));
    assert!(on_time.contains(&format!(
        "(đạt tỷ lệ {}, {})",
        pct(r),
        expect_change(r, rb, 2, "điểm phần trăm", "tuần trước")
    )));
    // The key-figures table: last week and this week across, engine figures in the cells.
    let table = doc
        .body
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        table.columns.iter().map(|c| c.title.as_str()).collect::<Vec<_>>()[1..],
        ["Tuần 44 (31/10–6/11/2026)", "Tuần 45 (7/11–13/11/2026)"]
    );
    let first = &table.rows[0];
    assert_eq!(first.cells[2], chiso_report::document::Cell::Text(n(value("TUAN_HS_TIEP_NHAN", "2026SatW45"))));
    // Every weekly report unit that has not reported is listed.
    let list = doc.body.iter().find_map(|b| match b {
        Block::List { items } => Some(items.len()),
        _ => None,
    });
    assert_eq!(list, Some(6));
}

#[test]
fn a_bad_placeholder_names_its_place_and_call() {
    let mut t = builtin::get("monthly").unwrap();
    t.sections[0].sections[1].blocks[0] = BlockTemplate::Text("Tiếp nhận {{ value('HS_XYZ') | num }} hồ sơ.".into());
    let err = evaluate(&t, &input("202610")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ReportError::At { .. }), "{err:?}");
    assert!(msg.starts_with("sections[0].sections[1].blocks[0].text: (dòng 1)"), "{msg}");
    assert!(msg.contains("value(\"HS_XYZ\")") && msg.contains("không phải chỉ tiêu dữ liệu hay chỉ số"), "{msg}");

    // An undefined name, a bad keyword, a wrong period type.
    t.sections[0].sections[1].blocks[0] = BlockTemplate::Text("{{ valeu('HS_TIEP_NHAN') }}".into());
    let msg = evaluate(&t, &input("202610")).unwrap_err().to_string();
    assert!(msg.starts_with("sections[0].sections[1].blocks[0].text:") && msg.contains("valeu"), "{msg}");
    t.sections[0].sections[1].blocks[0] = BlockTemplate::Text("{{ change('HS_TIEP_NHAN', 'yesterday') }}".into());
    let msg = evaluate(&t, &input("202610")).unwrap_err().to_string();
    assert!(msg.contains("so sánh \"yesterday\" không hợp lệ"), "{msg}");
    let msg = evaluate(&builtin::get("monthly").unwrap(), &input("2026Q3")).unwrap_err().to_string();
    assert!(msg.contains("dành cho kỳ Monthly"), "{msg}");
}

#[test]
fn templates_round_trip_and_refuse_mistakes() {
    for t in builtin::all() {
        let yaml = t.to_yaml();
        assert_eq!(Template::from_yaml(&yaml).unwrap(), t, "{}", t.name);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(Template::from_json(&json).unwrap(), t, "{}", t.name);
        t.check_model(fixture().engine.model()).unwrap();
    }
    assert_eq!(builtin::NAMES, ["weekly", "monthly", "plan-appendices"]);

    let typo = builtin::MONTHLY_YAML.replacen("recipients:", "recipient:", 1);
    let e = Template::from_yaml(&typo).unwrap_err().to_string();
    assert!(e.contains("recipient"), "{e}");
    let two = builtin::WEEKLY_YAML.replacen(
        "- list:\n          name: late_or_missing_units\n",
        "- { list: { name: late_units }, text: x }\n      - list:\n          name: late_or_missing_units\n",
        1,
    );
    let e = Template::from_yaml(&two).unwrap_err().to_string();
    assert!(e.contains("đúng một trong text, list, table, narratives"), "{e}");

    let mut t = builtin::get("monthly").unwrap();
    t.sections[1].blocks[0] = BlockTemplate::Text("{% if %}".into());
    t.sections[0].sections[6].blocks[1] = BlockTemplate::Table(chiso_report::template::TableSpec {
        kind: chiso_report::template::TableKind::Completeness,
        caption: None,
        unit_note: None,
        dx: Some("HS_TIEP_NHAN".into()),
        pe: None,
        ou: None,
        across: None,
        plan: None,
        only: None,
        by_pillar: false,
        form: None,
        year: None,
        layout: None,
        unit_level: None,
        shape: None,
        include: None,
        index: None,
        group: None,
        node: None,
    });
    let errs = t.check().unwrap_err();
    let places: Vec<&str> = errs.0.iter().map(|e| e.place.as_str()).collect();
    assert_eq!(places, ["sections[0].sections[6].blocks[1].table.dx", "sections[1].blocks[0].text"], "{errs}");
    assert!(errs.to_string().contains("sections[1].blocks[0].text: lỗi cú pháp mẫu ở dòng 1"), "{errs}");

    let mut t = builtin::get("weekly").unwrap();
    t.sections[2].sections[0].blocks[0] = BlockTemplate::Narratives(chiso_report::template::NarrativesSpec {
        section: chiso_core::Code::new("KHO_KHAN_X").unwrap(),
        form: None,
        empty: None,
    });
    let errs = t.check_model(fixture().engine.model()).unwrap_err().to_string();
    assert!(errs.contains("sections[2].sections[0].blocks[0].narratives.section: biểu mẫu BC_TUAN không có phần thuyết minh KHO_KHAN_X"), "{errs}");
}

#[test]
fn period_words_are_vietnamese() {
    let w = |p: &str, s: &str| period_words(&p.parse().unwrap(), s).unwrap();
    assert_eq!(w("202308", "long"), "tháng 8 năm 2023");
    assert_eq!(w("202308", "until"), "đến tháng 8/2023");
    assert_eq!(w("202308", "label"), "tháng 8/2023");
    assert_eq!(w("2026SatW46", "long"), "tuần từ 14/11 đến 20/11/2026");
    assert_eq!(w("2026SunW46", "long"), "tuần từ 15/11 đến 21/11/2026");
    assert_eq!(w("2026SatW1", "long"), "tuần từ 3/1 đến 9/1/2026");
    assert_eq!(w("2025W1", "long"), "tuần từ 30/12/2024 đến 5/1/2025");
    assert_eq!(w("2023Q3", "long"), "quý III năm 2023");
    assert_eq!(w("2023", "long"), "năm 2023");
    assert_eq!(w("2023S1", "long"), "6 tháng đầu năm 2023");
    assert!(period_words(&"2023".parse().unwrap(), "short").is_err());
}

proptest::proptest! {
    #[test]
    fn change_phrase_sign_and_magnitude(a in 0i64..5_000_000, b in 0i64..5_000_000, ra in 0u32..10_000, rb in 0u32..10_000) {
        // Counts: the magnitude is |a − b| exactly, with the sign word of a − b.
        let s = change_phrase(Some(a as f64), Some(b as f64), 0, "tài khoản", "tuần trước");
        if a == b {
            proptest::prop_assert_eq!(s, "bằng tuần trước");
        } else {
            let word = if a > b { "tăng " } else { "giảm " };
            proptest::prop_assert!(s.starts_with(word), "{}", s);
            let rest = s.strip_prefix(word).unwrap().strip_suffix(" tài khoản so với tuần trước").unwrap();
            proptest::prop_assert_eq!(parse_number(rest).unwrap(), (a - b).abs() as f64);
            proptest::prop_assert_eq!(rest, format_integer((a - b).abs()));
        }
        // Rates with 2 decimals, in percentage points: the difference of the printed figures.
        let (x, y) = (f64::from(ra) / 100.0, f64::from(rb) / 100.0);
        let s = change_phrase(Some(x), Some(y), 2, "điểm phần trăm", "cùng kỳ năm trước");
        if ra == rb {
            proptest::prop_assert_eq!(s, "bằng cùng kỳ năm trước");
        } else {
            let word = if ra > rb { "tăng " } else { "giảm " };
            proptest::prop_assert!(s.starts_with(word), "{}", s);
            let rest = s.strip_prefix(word).unwrap().strip_suffix(" điểm phần trăm so với cùng kỳ năm trước").unwrap();
            let got = parse_number(rest).unwrap();
            proptest::prop_assert!((got - f64::from(ra.abs_diff(rb)) / 100.0).abs() < 1e-9, "{} vs {} {}", rest, ra, rb);
        }
    }
}

// ----- plan-appendices: the registers' appendices ---------------------------------------

mod plan_appendices {
    use super::*;
    use chiso_core::register::budget::{self, lines_of_year, summary};
    use chiso_core::register::task::{counts, statuses};
    use chiso_core::register::{BudgetKind, Money, Registers};
    use chiso_report::document::{Cell, RowKind, Table};
    use std::io::Cursor;
    use std::path::Path;
    use std::process::Command;

    fn registers() -> &'static Registers {
        static R: OnceLock<Registers> = OnceLock::new();
        R.get_or_init(|| chiso_demo::registers(today()))
    }

    fn document() -> &'static Document {
        static D: OnceLock<Document> = OnceLock::new();
        D.get_or_init(|| {
            let mut i = input("2026");
            i.registers = Some(registers());
            i.number = Some("85".into());
            i.date = Some(d(2026, 11, 25));
            evaluate(&builtin::get("plan-appendices").unwrap(), &i).unwrap_or_else(|e| panic!("{e}"))
        })
    }

    fn appendix_table(doc: &'static Document, title_start: &str) -> &'static Table {
        let a = doc.appendices.iter().find(|a| a.title.starts_with(title_start)).unwrap_or_else(|| {
            panic!("{title_start}: {:?}", doc.appendices.iter().map(|a| &a.title).collect::<Vec<_>>())
        });
        match a.blocks.as_slice() {
            [Block::Table(t)] => t,
            other => panic!("one table in {}: {other:?}", a.label),
        }
    }

    fn column(t: &Table, title: &str) -> usize {
        t.columns.iter().position(|c| c.title == title).unwrap_or_else(|| panic!("column {title}"))
    }

    fn total_row(t: &Table) -> &chiso_report::document::Row {
        let totals: Vec<_> = t.rows.iter().filter(|r| r.kind == RowKind::Total).collect();
        assert_eq!(totals.len(), 1);
        totals[0]
    }

    fn kind_total(kind: BudgetKind) -> Money {
        let lines: Vec<_> = lines_of_year(registers(), 2026).into_iter().filter(|l| l.kind == kind).collect();
        budget::total(&lines)
    }

    #[test]
    fn appendices_follow_the_example_plan_and_every_total_adds_up() {
        let doc = document();
        let labels: Vec<&str> = doc.appendices.iter().map(|a| a.label.as_str()).collect();
        // Next year's recurrent tasks are not in the register yet: that appendix is left out
        // (the index rankings of departments and districts are VI and VII).
        assert_eq!(
            labels,
            ["Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục IV", "Phụ lục V", "Phụ lục VI", "Phụ lục VII"]
        );
        assert!(doc.appendices.iter().all(|a| a.landscape));
        assert_eq!(doc.kind, "BÁO CÁO");
        let tables: Vec<&Table> = doc
            .body
            .iter()
            .chain(doc.appendices.iter().flat_map(|a| a.blocks.iter()))
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 7);
        for t in &tables {
            assert!(t.wrong_totals().is_empty(), "{:?}: {:?}", t.columns[1].title, t.wrong_totals());
        }

        // Phụ lục II: projects of 2026 with the capital of 2025 and 2026, by unit.
        let ii = appendix_table(doc, "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM 2026");
        assert_eq!(ii.unit_note.as_deref(), Some("ĐVT: Triệu đồng"));
        let pi = kind_total(BudgetKind::PublicInvestment);
        assert_eq!(pi, Money::million(185_400));
        let c = column(ii, "Vốn bố trí năm 2026");
        assert_eq!(total_row(ii).cells[c], Cell::Number(pi.as_million()));
        assert_eq!(ii.rows[0].kind, RowKind::Total);
        let groups = ii.rows.iter().filter(|r| r.kind == RowKind::Group).count();
        assert!(groups >= 5, "{groups} units");
        assert_eq!(ii.rows[1].cells[0], Cell::Text("I".into()));
        assert_eq!(ii.rows[1].cells[1], Cell::Text("SỞ KHOA HỌC VÀ CÔNG NGHỆ".into()));

        // Phụ lục III: recurrent spending of 2026, by unit.
        let iii =
            appendix_table(doc, "DANH MỤC CÁC NHIỆM VỤ CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN CHI THƯỜNG XUYÊN NĂM 2026");
        let rec = kind_total(BudgetKind::Recurrent);
        assert_eq!(rec, Money::million(45_100));
        assert_eq!(total_row(iii).cells[column(iii, "Kinh phí bố trí")], Cell::Number(rec.as_million()));
        assert_eq!(iii.rows.iter().filter(|r| r.kind == RowKind::Item).count(), 23);

        // Phụ lục V: next year's projects, as the register allocates them.
        let v = appendix_table(doc, "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM 2027");
        let next: Vec<_> =
            lines_of_year(registers(), 2027).into_iter().filter(|l| l.kind == BudgetKind::PublicInvestment).collect();
        assert_eq!(total_row(v).cells[column(v, "Vốn năm 2027")], Cell::Number(budget::total(&next).as_million()));
    }

    #[test]
    fn the_body_states_the_budget_and_the_tasks_as_the_core_does() {
        let doc = document();
        let reg = registers();
        let sentence = summary(reg, 2026).sentence();
        assert!(sentence.starts_with("Tổng kinh phí: 230,5 tỷ đồng."), "{sentence}");
        let budget = paragraph_with(doc, "Tổng kinh phí:");
        assert!(budget.starts_with(&sentence), "{budget}");
        assert!(budget.contains("chiếm 1,56% tổng chi ngân sách địa phương năm 2026"), "{budget}");
        assert!(paragraph_with(doc, "- Vốn đầu tư công:").contains("185,4 tỷ đồng"));
        assert!(paragraph_with(doc, "Năm 2027, dự kiến bố trí").contains("Phụ lục V"));

        let st: Vec<_> = statuses(reg, today()).into_iter().filter(|s| s.task.year == 2026).collect();
        let tasks = counts(&st).sentence();
        assert!(paragraph_with(doc, "Giao ").starts_with(&tasks));
        assert!(tasks.starts_with("Giao 26 nhiệm vụ: đã hoàn thành 7"), "{tasks}");

        let list = |heading: &str| -> Vec<String> {
            match under(doc, heading).as_slice() {
                [Block::List { items }] => items.clone(),
                other => panic!("{heading}: {other:?}"),
            }
        };
        let overdue = list("Nhiệm vụ quá hạn");
        assert_eq!(overdue.len(), 3);
        assert!(overdue[0].starts_with("Tham mưu HĐND tỉnh ban hành Nghị quyết"), "{}", overdue[0]);
        assert!(overdue[0].contains("thời hạn: Tháng 07/2026; đã thực hiện 70%"), "{}", overdue[0]);
        let at_risk = list("Nhiệm vụ có nguy cơ không hoàn thành đúng hạn");
        assert_eq!(at_risk.len(), 5);
        assert!(at_risk.iter().any(|i| i.contains("30%; chậm lựa chọn nhà thầu")), "{at_risk:?}");
    }

    #[test]
    fn the_assignment_table_has_every_target_and_task_with_unit_names() {
        let doc = document();
        let model = fixture().engine.model();
        let plan = model.plan("KH_CDS_2026").unwrap();
        let t = appendix_table(doc, "PHÂN CÔNG THEO DÕI");
        let headers: Vec<&str> = t.columns.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(headers, ["STT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời điểm đánh giá"]);
        let items: Vec<_> = t.rows.iter().filter(|r| r.kind == RowKind::Item).collect();
        // Tasks serving a target are that target's row; the others have their own.
        let tasks: Vec<_> = registers().tasks.iter().filter(|x| x.year == 2026 && x.target.is_none()).collect();
        assert_eq!(tasks.len(), 7);
        assert_eq!(items.len(), plan.targets.len() + tasks.len());
        let names = |codes: &[chiso_core::Code]| {
            codes.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; ")
        };
        let row = |name: &str| {
            let found: Vec<_> = items.iter().filter(|r| r.cells[1] == Cell::Text(name.into())).collect();
            assert!(!found.is_empty(), "{name}");
            found[0]
        };
        for target in &plan.targets {
            let r = row(&target.name);
            assert_eq!(r.cells[2], Cell::Text(names(&target.lead)), "{}", target.code);
            assert_eq!(r.cells[4], Cell::Text(target.evaluation.phrase().to_string()), "{}", target.code);
        }
        for task in &tasks {
            assert_eq!(row(&task.name).cells[2], Cell::Text(names(&task.lead)), "{}", task.code);
        }
        // Lead units by their Vietnamese names, not their codes.
        let khcn = model.party_name("SO_KHCN");
        assert!(khcn.starts_with("Sở "), "{khcn}");
        assert!(items.iter().any(|r| r.cells[2] == Cell::Text(khcn.clone())));
        assert!(items.iter().all(|r| !matches!(&r.cells[2], Cell::Text(s) if s.contains("SO_"))));
        // Grouped by pillar, no figures.
        assert!(t.rows.iter().all(|r| matches!(r.kind, RowKind::Item | RowKind::Group)));
    }

    #[test]
    fn the_ranking_appendices_and_sentence_are_the_index_rankings() {
        use chiso_analytics::index::rank_group;
        let reg = registers();
        let engine = &fixture().engine;
        let ix = reg.index("DTI_2026").unwrap();
        let doc = document();
        let model = engine.model();
        let name = |c: &chiso_core::Code| model.tree().get(c.as_str()).unwrap().name.clone();
        let mut leaders = Vec::new();
        for (group, title) in [("SO_NGANH", "CÁC SỞ, BAN, NGÀNH"), ("UBND_HUYEN", "UBND CÁC HUYỆN")] {
            let want = rank_group(engine, reg, ix, Period::year(2026).unwrap(), group).unwrap();
            let ranked = want.ranked(None).unwrap();
            let t = appendix_table(doc, &format!("KẾT QUẢ XẾP HẠNG MỨC ĐỘ CHUYỂN ĐỔI SỐ {title}"));
            assert_eq!(t.rows.len(), ranked.len());
            let (points, value, change) = (column(t, "Điểm"), column(t, "Giá trị (0–1)"), column(t, "So với năm 2025"));
            for (row, r) in t.rows.iter().zip(ranked) {
                assert_eq!(row.cells[0], Cell::Text(r.rank.to_string()));
                assert_eq!(row.cells[1], Cell::Text(name(&r.unit)));
                assert_eq!(row.cells[points].number(), Some(r.points));
                assert_eq!(row.cells[value].number(), Some(r.scale));
                assert_eq!(row.cells[change], Cell::Text(r.change_label()));
            }
            // One column per pillar between the value and the change.
            assert_eq!(change - value - 1, ix.nodes.len());
            leaders.push((name(&ranked[0].unit), ranked[0].scale, name(&ranked.last().unwrap().unit)));
        }
        let p = paragraph_with(doc, "khối sở, ban, ngành là");
        let num = |x: f64| chiso_core::number::format_number(x, 4);
        for (first, value, last) in &leaders {
            assert!(p.contains(&format!("{first} (giá trị {})", num(*value))), "{p}");
            assert!(p.contains(last.as_str()), "{p}");
        }
        println!("{p}");
    }

    #[test]
    fn index_rank_says_where_a_unit_stands_and_refuses_what_does_not_exist() {
        use chiso_analytics::index::rank_group;
        let reg = registers();
        let engine = &fixture().engine;
        let ix = reg.index("DTI_2026").unwrap();
        let want = rank_group(engine, reg, ix, Period::year(2026).unwrap(), "UBND_HUYEN").unwrap();
        let an_phu = want.ranked(None).unwrap().iter().find(|r| r.unit.as_str() == "H_AN_PHU").unwrap();
        let cq = want.ranked(Some(&chiso_core::Code::new("CHINH_QUYEN").unwrap())).unwrap();
        let cq_rank = cq.iter().find(|r| r.unit.as_str() == "H_AN_PHU").unwrap().rank;
        let with = |text: &str| {
            let src = builtin::source("plan-appendices")
                .unwrap()
                .replace("preamble:\n", &format!("preamble:\n  - text: \"{text}\"\n"));
            let mut i = input("2026");
            i.registers = Some(reg);
            evaluate(&Template::from_yaml(&src).unwrap(), &i)
        };
        let doc = with("{{ index_rank('H_AN_PHU').sentence }}. {{ index_rank('H_AN_PHU', node='CHINH_QUYEN').rank }}")
            .unwrap();
        let first = paragraph_with(&doc, "Huyện An Phú xếp thứ");
        let mut sentence = format!(
            "Huyện An Phú xếp thứ {}/{} trong nhóm UBND cấp huyện, giá trị {} ({}/1.000 điểm)",
            an_phu.rank,
            want.ranked(None).unwrap().len(),
            chiso_core::number::format_number(an_phu.scale, 4),
            chiso_core::number::format_auto(an_phu.points, 1),
        );
        if let Some(p) = an_phu.change_phrase() {
            sentence.push_str(&format!(", {p} so với năm 2025"));
        }
        assert_eq!(first, format!("{sentence}. {cq_rank}"));
        let e = with("{{ index_rank('H_AN_PHU', node='KHONG_CO') }}").unwrap_err().to_string();
        assert!(e.contains("index_rank(\"H_AN_PHU\", node=\"KHONG_CO\"): bộ chỉ số DTI_2026 không có trụ cột hay chỉ số chính KHONG_CO"), "{e}");
        let e = with("{{ index_rank() }}").unwrap_err().to_string();
        assert!(e.contains("không thuộc nhóm so sánh nào"), "{e}");
        let e = with("{{ index_ranking(group='NHOM_X') }}").unwrap_err().to_string();
        assert!(e.contains("nhóm đơn vị NHOM_X không tồn tại"), "{e}");
    }

    #[test]
    fn without_registers_the_error_names_the_place() {
        let e = evaluate(&builtin::get("plan-appendices").unwrap(), &input("2026")).unwrap_err();
        let ReportError::At { place, message } = &e else { panic!("{e:?}") };
        assert!(place.starts_with("sections[1].blocks[0].text"), "{place}");
        assert!(message.contains("budget(): mẫu cần sổ theo dõi dự án, kinh phí và nhiệm vụ"), "{message}");
        // A table alone names the table.
        let t = Template::from_yaml(
            &builtin::source("weekly")
                .unwrap()
                .replace("preamble:\n", "preamble:\n  - table: { kind: recurrent, layout: by_unit }\n"),
        )
        .unwrap();
        let e = evaluate(&t, &input("2026SatW45")).unwrap_err().to_string();
        assert!(e.starts_with("preamble[0].table: mẫu cần sổ theo dõi"), "{e}");
    }

    #[test]
    fn register_table_options_are_checked_with_their_place() {
        let base = builtin::source("plan-appendices").unwrap();
        let bad = base
            .replace("shape: plan, year: NEXT_YEAR }", "shape: plan, year: NEXT_YEARS }")
            .replace("layout: by_unit, year: NEXT_YEAR }", "layout: by_unit, year: NEXT_YEAR, shape: results }");
        let e = Template::from_yaml(&bad).unwrap_err().to_string();
        assert!(e.contains("appendices[4].blocks[0].table.year: năm \"NEXT_YEARS\" không hợp lệ"), "{e}");
        assert!(e.contains("appendices[5].blocks[0].table.shape: trường shape không dùng cho bảng recurrent"), "{e}");
        let bad = base.replace("{ kind: assignments }", "{ kind: assignments, layout: by_unit }");
        let e = Template::from_yaml(&bad).unwrap_err().to_string();
        assert!(e.contains("table.layout: trường layout không dùng cho bảng assignments"), "{e}");
    }

    #[test]
    fn docx_passes_the_nd30_checker_and_xlsx_sums_the_totals() {
        let doc = document();
        let bytes = chiso_report::docx::to_docx(doc).unwrap();
        let checker = Path::new("/work/shared/tools/check-nd30-docx");
        if checker.exists() {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("plan-appendices.docx");
            std::fs::write(&file, &bytes).unwrap();
            match Command::new("python3").arg(checker).arg(&file).arg("--verbose").output() {
                Ok(out) => {
                    let stdout = String::from_utf8_lossy(&out.stdout);
                    assert!(out.status.success() && stdout.contains(" 0 failed"), "{stdout}");
                }
                Err(e) => eprintln!("note: python3 not available ({e}); skipped"),
            }
        } else {
            eprintln!("note: {} not found; skipped", checker.display());
        }

        use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
        let xlsx = chiso_report::xlsx::tables_to_xlsx(doc).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
        assert_eq!(
            wb.sheet_names(),
            ["Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục IV", "Phụ lục V", "Phụ lục VI", "Phụ lục VII"]
        );
        let ii = appendix_table(doc, "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM 2026");
        let col = column(ii, "Vốn bố trí năm 2026") as u32;
        let formulas = wb.worksheet_formula("Phụ lục II").unwrap();
        let values = wb.worksheet_range("Phụ lục II").unwrap();
        let first = chiso_report::xlsx::FIRST_DATA_ROW;
        for (i, r) in ii.rows.iter().enumerate() {
            let at = (first + i as u32, col);
            let f = formulas.get_value(at).cloned().unwrap_or_default();
            if r.kind == RowKind::Item {
                assert!(f.is_empty(), "row {i}: {f}");
            } else {
                assert!(f.starts_with("SUM("), "row {i}: {f:?}");
            }
        }
        // The total row (first) sums to the register's figure.
        assert_eq!(values.get_value((first, col)).cloned(), Some(Data::Float(185_400.0)));
        let f = formulas.get_value((first, col)).cloned().unwrap_or_default();
        assert!(f.contains(','), "the total skips the group rows: {f}");
    }
}

// ----- the security-level dossiers in the monthly report ---------------------------------

mod dossiers {
    use super::*;
    use chiso_core::register::DossierState;
    use chiso_core::register::security::{counts, counts_by_unit, standings};
    use chiso_report::document::{Cell, RowKind, Table};

    fn tables(doc: &Document) -> Vec<&Table> {
        doc.body
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_monthly_security_section_says_the_cores_sentence_on_the_periods_end() {
        let doc = run("monthly", "202610");
        // The report on October, made on 23/11/2026, counts the dossiers as of 31/10/2026.
        let end = d(2026, 10, 31);
        let st = standings(demo_registers(), end);
        let c = counts(&st);
        let sentence = c.sentence();
        let p = paragraph_with(&doc, "hồ sơ đề xuất cấp độ an toàn thông tin");
        assert!(p.contains(&format!("tính đến ngày 31/10/2026: {sentence}.")), "{p}\nwant: {sentence}");
        // The day matters: on 23/11/2026 the register says something else.
        let later = counts(&standings(demo_registers(), today()));
        assert_ne!(later, c, "the demo's dossiers move between 31/10 and 23/11");
        assert!(!p.contains(&later.sentence()), "{p}");
        assert_eq!(c.dossiers, c.approved + c.pending + c.returned);

        // The returned ones, each "system — unit — what is missing".
        let returned: Vec<_> = st.iter().filter(|s| s.state == DossierState::Returned).collect();
        assert_eq!(returned.len(), c.returned);
        assert!(!returned.is_empty(), "the demo has dossiers to complete on 31/10/2026");
        let items: Vec<String> = under(&doc, "Phát triển hạ tầng số, bảo đảm an toàn thông tin mạng")
            .into_iter()
            .filter_map(|b| match b {
                Block::List { items } => Some(items.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(items.len(), returned.len(), "{items:?}");
        for (item, s) in items.iter().zip(&returned) {
            let name = &s.system.unwrap().name;
            let missing = s.missing.unwrap().trim_end_matches('.');
            assert!(item.starts_with(&format!("{name} — ")) && item.ends_with(&format!(" — {missing}")), "{item}");
        }
    }

    #[test]
    fn the_dossier_table_counts_by_unit_and_its_total_adds_up() {
        let doc = run("monthly", "202610");
        let t = tables(&doc)
            .into_iter()
            .find(|t| t.caption.as_deref().is_some_and(|c| c.starts_with("Hồ sơ đề xuất cấp độ")))
            .expect("the dossier table");
        assert!(t.wrong_totals().is_empty(), "{:?}", t.wrong_totals());
        let st = standings(demo_registers(), d(2026, 10, 31));
        let by_unit = counts_by_unit(&st);
        let items: Vec<_> = t.rows.iter().filter(|r| r.kind == RowKind::Item).collect();
        assert_eq!(items.len(), by_unit.len());
        let total = t.rows.last().unwrap();
        assert_eq!(total.kind, RowKind::Total);
        let c = counts(&st);
        let nums: Vec<f64> = total.cells.iter().filter_map(Cell::number).collect();
        assert_eq!(nums, [c.dossiers, c.approved, c.pending, c.returned].map(|x| x as f64));
        // The number of unit rows is the sentence's number of units.
        assert_eq!(items.len(), c.units);
        println!("202610: {} — {} unit rows, total {:?}", c.sentence(), items.len(), nums);
    }

    #[test]
    fn dossier_functions_need_the_registers() {
        let e = evaluate(&builtin::get("monthly").unwrap(), &input("202610")).unwrap_err().to_string();
        assert!(e.contains("dossier_summary(): mẫu cần sổ theo dõi"), "{e}");
    }
}
