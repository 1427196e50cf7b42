//! The engine on small provinces with real figures.

use chiso_analytics::{AnalyticsEngine, DxItem, MemoryEngine, Query};
use chiso_core::Code;
use chiso_core::metadata::{Metadata, Model};
use chiso_core::period::Period;
use chiso_core::value::DataValue;
use chrono::NaiveDate;
use std::sync::Arc;

const META: &str = r##"
name: Tỉnh Thử
levels: [{ level: 1, name: Tỉnh }, { level: 2, name: Cấp 2 }, { level: 3, name: Xã }]
org_units:
  - { code: T, name: Tỉnh }
  - { code: CAP_TINH, name: "Các sở, ngành", parent: T }
  - { code: CAP_HUYEN, name: Các huyện, parent: T }
  - { code: CAP_XA, name: Các xã, parent: T }
  - { code: H1, name: Huyện 1, parent: CAP_HUYEN }
  - { code: X1, name: Xã 1, parent: H1 }
  - { code: X2, name: Xã 2, parent: H1 }
unit_groups:
  - { code: XA, name: UBND cấp xã, members: [X1, X2] }
disaggregations:
  - code: KENH
    name: Kênh nộp
    options: [{ code: TRUC_TUYEN, name: Trực tuyến }, { code: TRUC_TIEP, name: Trực tiếp }]
data_elements:
  - { code: HS_TN, name: Hồ sơ tiếp nhận, value_type: integer, disaggregation: KENH }
  - { code: HS_ONLINE, name: Hồ sơ trực tuyến, value_type: integer }
  - { code: HS_TONG, name: Tổng hồ sơ, value_type: integer }
  - { code: MAY_TINH, name: Máy tính, value_type: integer, aggregation: sum, time_aggregation: last }
  - { code: DIEM, name: Điểm tự đánh giá, value_type: number, aggregation: average }
  - { code: GHI_CHU_SO, name: Số tự báo, value_type: number, aggregation: none }
indicators:
  - { code: TL_ONLINE, name: Tỷ lệ hồ sơ trực tuyến, numerator: "#{HS_ONLINE}", denominator: "#{HS_TONG}" }
  - { code: TL_KENH, name: Tỷ lệ trực tuyến theo kênh, numerator: "#{HS_TN.TRUC_TUYEN}", denominator: "#{HS_TN}" }
"##;

fn model() -> Arc<Model> {
    let meta: Metadata = serde_yaml_ng::from_str(META).unwrap();
    Arc::new(Model::new(meta).unwrap())
}

fn v(element: &str, option: Option<&str>, period: &str, unit: &str, value: f64) -> DataValue {
    DataValue {
        element: Code::new(element).unwrap(),
        period: period.parse().unwrap(),
        unit: Code::new(unit).unwrap(),
        option: option.map(|o| Code::new(o).unwrap()),
        value: value.to_string(),
        stored_by: None,
        comment: None,
        updated_at: None,
    }
}

fn el(code: &str) -> DxItem {
    DxItem::Element { code: Code::new(code).unwrap(), option: None }
}
fn ind(code: &str) -> DxItem {
    DxItem::Indicator(Code::new(code).unwrap())
}
fn pe(s: &str) -> Period {
    s.parse().unwrap()
}

#[test]
fn the_province_rate_is_the_ratio_of_sums_not_the_mean_of_rates() {
    // Online dossiers by administrative level, 2023 (DOMAIN.md).
    let m = model();
    let values = [
        v("HS_ONLINE", None, "2023", "CAP_TINH", 104_220.0),
        v("HS_TONG", None, "2023", "CAP_TINH", 156_903.0),
        v("HS_ONLINE", None, "2023", "CAP_HUYEN", 37_367.0),
        v("HS_TONG", None, "2023", "CAP_HUYEN", 43_266.0),
        v("HS_ONLINE", None, "2023", "CAP_XA", 152_083.0),
        v("HS_TONG", None, "2023", "CAP_XA", 207_426.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let t = m.tree();
    let rate = |u: &str| e.value(&ind("TL_ONLINE"), t.index(u).unwrap(), &pe("2023")).map(|x| format!("{x:.2}"));
    assert_eq!(rate("CAP_TINH").as_deref(), Some("66.42"));
    assert_eq!(rate("CAP_HUYEN").as_deref(), Some("86.37"));
    assert_eq!(rate("CAP_XA").as_deref(), Some("73.32"));
    assert_eq!(rate("T").as_deref(), Some("72.05"));
    assert_eq!(e.value(&el("HS_TONG"), t.index("T").unwrap(), &pe("2023")), Some(407_595.0));
}

#[test]
fn months_add_up_to_quarters_and_stocks_take_the_last_month() {
    let m = model();
    let values = [
        v("HS_TONG", None, "202307", "X1", 100.0),
        v("HS_TONG", None, "202308", "X1", 120.0),
        v("HS_TONG", None, "202309", "X1", 130.0),
        v("HS_TONG", None, "202308", "X2", 50.0),
        v("MAY_TINH", None, "202307", "X1", 20.0),
        v("MAY_TINH", None, "202309", "X1", 24.0),
        v("MAY_TINH", None, "202308", "X2", 10.0),
        v("DIEM", None, "202308", "X1", 80.0),
        v("DIEM", None, "202308", "X2", 60.0),
        v("GHI_CHU_SO", None, "202308", "X1", 7.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let t = m.tree();
    let h1 = t.index("H1").unwrap();
    assert_eq!(e.value(&el("HS_TONG"), h1, &pe("2023Q3")), Some(400.0));
    assert_eq!(e.value(&el("HS_TONG"), h1, &pe("202308")), Some(170.0));
    assert_eq!(e.value(&el("HS_TONG"), h1, &pe("2023Q2")), None);
    // Stock: each commune's last month in the quarter, then summed over communes.
    assert_eq!(e.value(&el("MAY_TINH"), h1, &pe("2023Q3")), Some(34.0));
    assert_eq!(e.value(&el("DIEM"), h1, &pe("202308")), Some(70.0));
    // Not aggregated: only where and when reported.
    assert_eq!(e.value(&el("GHI_CHU_SO"), t.index("X1").unwrap(), &pe("202308")), Some(7.0));
    assert_eq!(e.value(&el("GHI_CHU_SO"), h1, &pe("202308")), None);
    assert_eq!(e.value(&el("GHI_CHU_SO"), t.index("X1").unwrap(), &pe("2023Q3")), None);
}

#[test]
fn weeks_roll_into_the_month_holding_their_fourth_day() {
    let m = model();
    // Saturday weeks: 2024SatW35 = 24/8–30/8 (in August), SatW36 = 31/8–6/9 (4th day 3/9: September).
    let values = [v("HS_TONG", None, "2024SatW35", "X1", 10.0), v("HS_TONG", None, "2024SatW36", "X1", 20.0)];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let x1 = m.tree().index("X1").unwrap();
    assert_eq!(e.value(&el("HS_TONG"), x1, &pe("202408")), Some(10.0));
    assert_eq!(e.value(&el("HS_TONG"), x1, &pe("202409")), Some(20.0));
    assert_eq!(e.value(&el("HS_TONG"), x1, &pe("2024")), Some(30.0));
}

#[test]
fn disaggregation_options_add_up_to_the_total() {
    let m = model();
    let values = [
        v("HS_TN", Some("TRUC_TUYEN"), "202308", "X1", 30.0),
        v("HS_TN", Some("TRUC_TIEP"), "202308", "X1", 70.0),
        v("HS_TN", Some("TRUC_TUYEN"), "202308", "X2", 45.0),
        v("HS_TN", Some("TRUC_TIEP"), "202308", "X2", 55.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let h1 = m.tree().index("H1").unwrap();
    assert_eq!(e.value(&el("HS_TN"), h1, &pe("202308")), Some(200.0));
    let online = DxItem::Element { code: Code::new("HS_TN").unwrap(), option: Some(Code::new("TRUC_TUYEN").unwrap()) };
    assert_eq!(e.value(&online, h1, &pe("202308")), Some(75.0));
    assert_eq!(e.value(&ind("TL_KENH"), h1, &pe("202308")), Some(37.5));
}

#[test]
fn queries_in_dhis2_syntax() {
    let m = model();
    let values = [
        v("HS_TONG", None, "202307", "X1", 100.0),
        v("HS_TONG", None, "202308", "X2", 50.0),
        v("HS_TN", Some("TRUC_TUYEN"), "202308", "X1", 30.0),
        v("HS_TN", Some("TRUC_TIEP"), "202308", "X1", 70.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let today = NaiveDate::from_ymd_opt(2023, 9, 10).unwrap();
    // Communes sit at level 4 here; LEVEL-4 beside H1 = its two communes. LAST_3_MONTHS before September = 06, 07, 08.
    let q = Query::from_lists(&m, "HS_TONG", "LAST_3_MONTHS", "H1;LEVEL-4").unwrap();
    let g = e.query(&q, today).unwrap();
    let cells: Vec<(String, String, f64)> =
        g.rows(&m).into_iter().map(|r| (r.period, r.unit, r.value.unwrap())).collect();
    assert_eq!(cells, vec![("202307".into(), "X1".into(), 100.0), ("202308".into(), "X2".into(), 50.0)]);
    // Groups and children name the same communes.
    let by_group = Query::from_lists(&m, "HS_TONG", "2023Q3", "OU_GROUP-XA").unwrap();
    let by_children = Query::from_lists(&m, "HS_TONG", "2023Q3", "CHILDREN-H1").unwrap();
    assert_eq!(e.query(&by_group, today).unwrap().cells, e.query(&by_children, today).unwrap().cells);
    // co splits a disaggregated element into its options.
    let mut q = Query::from_dimensions(&m, ["dx:HS_TN", "pe:202308", "ou:X1"]).unwrap();
    q.by_option = true;
    let ids: Vec<String> =
        e.query(&q, today).unwrap().rows(&m).into_iter().map(|r| format!("{}={}", r.dx, r.value_text)).collect();
    assert_eq!(ids, vec!["HS_TN.TRUC_TUYEN=30", "HS_TN.TRUC_TIEP=70"]);
    // DHIS2 JSON rows carry codes and plain values.
    let json = e.query(&Query::from_lists(&m, "HS_TONG", "2023Q3", "H1").unwrap(), today).unwrap().to_dhis2_json(&m);
    assert_eq!(json["rows"][0], serde_json::json!(["HS_TONG", "2023Q3", "H1", "150"]));
    assert_eq!(json["metaData"]["items"]["2023Q3"]["name"], "Quý III/2023");
}

#[test]
fn bad_dimensions_are_named() {
    let m = model();
    let err = |dx: &str, pe: &str, ou: &str| Query::from_lists(&m, dx, pe, ou).unwrap_err().to_string();
    assert!(err("KHONG_CO", "2023", "T").contains("\"KHONG_CO\""));
    assert!(err("HS_TN.BUU_DIEN", "2023", "T").contains("BUU_DIEN"));
    assert!(err("HS_TONG", "2023Q5", "T").contains("\"2023Q5\""));
    assert!(err("HS_TONG", "2023", "LEVEL-x").contains("LEVEL-x"));
    assert!(err("HS_TONG", "", "T").contains("pe"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The province's total equals the sum of its children's totals, for any values.
        #[test]
        fn hierarchy_sums(xs in prop::collection::vec((0usize..4, 1u32..13, 0u32..10_000), 0..60)) {
            let m = model();
            let units = ["CAP_TINH", "CAP_XA", "X1", "X2"];
            let mut seen = std::collections::HashSet::new();
            let values: Vec<DataValue> = xs.into_iter()
                .filter(|(u, mo, _)| seen.insert((*u, *mo)))
                .map(|(u, mo, x)| v("HS_TONG", None, &format!("2023{mo:02}"), units[u], f64::from(x)))
                .collect();
            let e = MemoryEngine::from_values(m.clone(), &values);
            let t = m.tree();
            let root = t.index("T").unwrap();
            let year = pe("2023");
            let total: f64 = values.iter().map(|v| v.numeric().unwrap()).sum();
            let got = e.value(&el("HS_TONG"), root, &year).unwrap_or(0.0);
            prop_assert_eq!(got, total);
            let by_children: f64 = t.children(root).iter().filter_map(|&c| e.value(&el("HS_TONG"), c, &year)).sum();
            prop_assert_eq!(by_children, total);
            let by_quarters: f64 = (1..=4).filter_map(|q| e.value(&el("HS_TONG"), root, &pe(&format!("2023Q{q}")))).sum();
            prop_assert_eq!(by_quarters, total);
        }

        /// Writing values one by one into a built engine (new cells, changed
        /// cells, cleared cells) answers as an engine built from the final values.
        #[test]
        fn upserts_equal_a_rebuild(
            first in prop::collection::vec((0usize..5, 1u32..13, 0usize..3, 0u32..1000), 0..40),
            edits in prop::collection::vec((0usize..5, 1u32..13, 0usize..3, prop::option::of(0u32..1000)), 0..40),
        ) {
            let m = model();
            let units = ["CAP_TINH", "CAP_XA", "X1", "X2", "H1"];
            let opts = [None, Some("TRUC_TUYEN"), Some("TRUC_TIEP")];
            let cell = |u: usize, mo: u32, o: usize, x: f64| v("HS_TN", opts[o], &format!("2023{mo:02}"), units[u], x);
            let mut cells = std::collections::BTreeMap::new();
            for (u, mo, o, x) in first {
                cells.insert((u, mo, o), f64::from(x));
            }
            let start: Vec<DataValue> = cells.iter().map(|(&(u, mo, o), &x)| cell(u, mo, o, x)).collect();
            let mut e = MemoryEngine::from_values(m.clone(), &start);
            for (u, mo, o, x) in edits {
                let mut value = cell(u, mo, o, 0.0);
                match x {
                    Some(x) => { cells.insert((u, mo, o), f64::from(x)); value.value = x.to_string(); }
                    None => { cells.remove(&(u, mo, o)); value.value = String::new(); }
                }
                e.upsert(&value);
            }
            let end: Vec<DataValue> = cells.iter().map(|(&(u, mo, o), &x)| cell(u, mo, o, x)).collect();
            let rebuilt = MemoryEngine::from_values(m.clone(), &end);
            prop_assert_eq!(e.len(), rebuilt.len());
            let t = m.tree();
            for unit in ["T", "H1", "X1", "CAP_TINH"] {
                let ix = t.index(unit).unwrap();
                for p in ["2023", "2023Q2", "202305"] {
                    for dx in [el("HS_TN"), DxItem::Element { code: Code::new("HS_TN").unwrap(), option: Some(Code::new("TRUC_TUYEN").unwrap()) }, ind("TL_KENH")] {
                        prop_assert_eq!(e.value(&dx, ix, &pe(p)), rebuilt.value(&dx, ix, &pe(p)), "{} {} {:?}", unit, p, dx);
                    }
                }
            }
        }
    }
}

#[test]
fn a_merged_communes_stock_passes_to_its_successor() {
    // X0 closed at the end of July 2023 and merged into X1: its devices are X1's from then on.
    let meta = META.replace(
        "  - { code: X2, name: Xã 2, parent: H1 }",
        "  - { code: X2, name: Xã 2, parent: H1 }\n  - { code: X0, name: Xã cũ, parent: H1, valid_to: 2023-07-31, successors: [X1] }",
    );
    let m = Arc::new(Model::new(serde_yaml_ng::from_str(&meta).unwrap()).unwrap());
    let values = [
        v("MAY_TINH", None, "202307", "X0", 5.0),
        v("MAY_TINH", None, "202307", "X1", 20.0),
        v("MAY_TINH", None, "202309", "X1", 25.0),
        v("HS_TONG", None, "202307", "X0", 40.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let h1 = m.tree().index("H1").unwrap();
    assert_eq!(e.value(&el("MAY_TINH"), h1, &pe("202307")), Some(25.0), "in July both communes count");
    assert_eq!(e.value(&el("MAY_TINH"), h1, &pe("2023Q3")), Some(25.0), "at the end of Q3 only X1's stock");
    assert_eq!(e.value(&el("HS_TONG"), h1, &pe("2023Q3")), Some(40.0), "flows of a closed unit still count");
}

#[test]
fn the_year_so_far_is_a_span_of_days() {
    let m = model();
    let values = [
        v("HS_ONLINE", None, "202301", "X1", 30.0),
        v("HS_TONG", None, "202301", "X1", 100.0),
        v("HS_ONLINE", None, "202302", "X1", 70.0),
        v("HS_TONG", None, "202302", "X1", 100.0),
        v("HS_ONLINE", None, "202303", "X1", 0.0),
        v("HS_TONG", None, "202303", "X1", 100.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let t = m.tree().index("T").unwrap();
    let d = |mo, day| NaiveDate::from_ymd_opt(2023, mo, day).unwrap();
    assert_eq!(e.value_between(&ind("TL_ONLINE"), t, d(1, 1), d(2, 28)), Some(50.0));
    assert_eq!(e.value_between(&el("HS_TONG"), t, d(1, 1), d(3, 15)), Some(200.0), "March is not over by the 15th");
    assert_eq!(e.value_between(&el("HS_TONG"), t, d(1, 1), d(3, 31)), e.value(&el("HS_TONG"), t, &pe("2023Q1")));
}

#[test]
fn a_grid_laid_out_with_months_across() {
    let m = model();
    let values = [
        v("HS_TONG", None, "202307", "X1", 100.0),
        v("HS_TONG", None, "202308", "X1", 1205780.0),
        v("HS_TONG", None, "202308", "X2", 50.0),
    ];
    let e = MemoryEngine::from_values(m.clone(), &values);
    let q = Query::from_lists(&m, "HS_TONG", "202307;202308;202309", "X1;X2").unwrap();
    let g = e.query(&q, NaiveDate::from_ymd_opt(2023, 10, 1).unwrap()).unwrap();
    let p = g.pivot(&m, chiso_analytics::Dim::Pe, |p| p.label_vi());
    assert_eq!(p.columns, ["Tháng 7/2023", "Tháng 8/2023", "Tháng 9/2023"]);
    let rows: Vec<Vec<String>> = p
        .rows
        .into_iter()
        .map(|(mut l, c)| {
            l.extend(c);
            l
        })
        .collect();
    assert_eq!(
        rows,
        [
            ["Tổng hồ sơ", "Xã 1", "100", "1.205.780", ""].map(String::from).to_vec(),
            ["Tổng hồ sơ", "Xã 2", "", "50", ""].map(String::from).to_vec(),
        ]
    );
}
