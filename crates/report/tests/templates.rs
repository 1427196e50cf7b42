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

fn run(name: &str, period: &str) -> Document {
    evaluate(&builtin::get(name).unwrap(), &input(period)).unwrap_or_else(|e| panic!("{e}"))
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
    assert_eq!(builtin::NAMES, ["weekly", "monthly"]);

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
