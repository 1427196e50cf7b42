//! The digital-transformation index through the public API: a hand-scored
//! three-unit group, ties, rank change, min–max bounds, the built-in national
//! template and merged units.

use chiso_core::Code;
use chiso_core::code::code;
use chiso_core::index::{
    Index, Level, NodeScore, Ranked, Rankings, Source, Succession, UnitInputs, UnitScores, builtin_provincial,
    merge_units, rank, rank_by, score,
};
use chiso_core::number::format_number;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// 100 points: pillar NT (40 points) with one main index HT (C1 measured
/// against a target, C2 assessed); pillar HD (60 points) shared by weight 2:1
/// between CQ (40: C3 lower-is-better target, C4 min–max) and KT (20: C5).
const SMALL: &str = r#"
code: DTI_THU
name: Bộ chỉ số thử
year: 2026
points: 100
nodes:
  - code: NT
    name: Nền tảng
    points: 40
    children:
      - code: HT
        name: Hạ tầng số
        points: 40
        children:
          - { code: C1, name: Tỷ lệ A, points: 20, scoring: { indicator: TL_A, target: 80 } }
          - { code: C2, name: Chấm điểm, points: 20, scoring: assessed }
  - code: HD
    name: Hoạt động
    points: 60
    children:
      - code: CQ
        name: Chính quyền số
        weight: 2
        children:
          - { code: C3, name: Tỷ lệ trễ hạn, points: 20, scoring: { indicator: TL_TRE, target: 2, lower_is_better: true } }
          - { code: C4, name: Số doanh nghiệp, points: 20, scoring: { element: DN.SO, min_max: true } }
      - code: KT
        name: Kinh tế số
        weight: 1
        children:
          - { code: C5, name: Tỷ lệ B, points: 20, scoring: { indicator: TL_B, target: 50 } }
"#;

fn small() -> Index {
    serde_yaml_ng::from_str(SMALL).unwrap()
}

fn group() -> BTreeMap<Code, UnitInputs> {
    let u = UnitInputs::default;
    BTreeMap::from([
        (
            code("A"),
            u().indicator("TL_A", 96.0)
                .assess("C2", 0.5, "Biên bản kiểm tra số 12")
                .indicator("TL_TRE", 1.0)
                .element("DN.SO", 10.0)
                .indicator("TL_B", 45.0),
        ),
        (
            code("B"),
            u().indicator("TL_A", 60.0)
                .assess("C2", 0.9, "Quyết định 15/QĐ-UBND")
                .indicator("TL_TRE", 4.0)
                .element("DN.SO", 30.0)
                .indicator("TL_B", 20.0),
        ),
        // C has no assessment for C2.
        (
            code("C"),
            u().indicator("TL_A", 40.0).indicator("TL_TRE", 2.5).element("DN.SO", 25.0).indicator("TL_B", 30.0),
        ),
    ])
}

fn node<'a>(s: &'a [UnitScores], unit: &str, node: &str) -> &'a NodeScore {
    &s.iter().find(|u| u.unit.as_str() == unit).unwrap().nodes[node]
}

fn total(s: &[UnitScores], unit: &str) -> NodeScore {
    s.iter().find(|u| u.unit.as_str() == unit).unwrap().total
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn ranks(rows: &[Ranked]) -> Vec<(&str, u32)> {
    rows.iter().map(|r| (r.unit.as_str(), r.rank)).collect()
}

#[test]
fn small_index_validates_and_resolves_weights() {
    let idx = small();
    let flat = idx.flatten().unwrap();
    let max: BTreeMap<&str, (Level, f64)> =
        flat.iter().map(|f| (f.node.code.as_str(), (f.level, f.max_points))).collect();
    // HD's 60 points shared 2:1 → CQ 40, KT 20.
    assert_eq!(max["CQ"], (Level::Main, 40.0));
    assert_eq!(max["KT"], (Level::Main, 20.0));
    assert_eq!(max["NT"], (Level::Pillar, 40.0));
    assert_eq!(max["C4"], (Level::Component, 20.0));
    assert_eq!(idx.max_points(), 100.0);
    let sources: Vec<String> = idx.sources().iter().map(|s| s.to_string()).collect();
    assert_eq!(sources, ["elements[DN.SO]", "indicators[TL_A]", "indicators[TL_B]", "indicators[TL_TRE]"]);
    assert!(idx.sources().contains(&Source::Element(chiso_core::expr::ElementRef::option("DN", "SO"))));
}

/// Scored by hand:
///
/// | comp | rule                  | A                     | B                    | C                          |
/// |------|-----------------------|-----------------------|----------------------|----------------------------|
/// | C1   | TL_A/80, cap 1, ×20   | 96 → 1,2→1 → 20       | 60 → 0,75 → 15       | 40 → 0,5 → 10              |
/// | C2   | assessed ×20          | 0,5 → 10              | 0,9 → 18             | missing → 0                |
/// | HT=NT| /40                   | 30 → 0,75             | 33 → 0,825           | 10 → 0,25                  |
/// | C3   | 2/TL_TRE, cap 1, ×20  | 1 → 2→1 → 20          | 4 → 0,5 → 10         | 2,5 → 0,8 → 16             |
/// | C4   | min–max 10..30, ×20   | 10 → 0 → 0            | 30 → 1 → 20          | 25 → 15/20=0,75 → 15       |
/// | CQ   | /40                   | 20 → 0,5              | 30 → 0,75            | 31 → 0,775                 |
/// | C5   | TL_B/50, ×20          | 45 → 0,9 → 18         | 20 → 0,4 → 8         | 30 → 0,6 → 12              |
/// | KT   | /20                   | 18 → 0,9              | 8 → 0,4              | 12 → 0,6                   |
/// | HD   | /60                   | 38 → 0,6333           | 38 → 0,6333          | 43 → 0,7167                |
/// | total| /100                  | 68 → 0,6800           | 71 → 0,7100          | 53 → 0,5300                |
#[test]
fn three_units_scored_by_hand() {
    let s = score(&small(), &group()).unwrap();
    assert_eq!(s.len(), 3);
    let expect = [
        ("C1", [20.0, 15.0, 10.0]),
        ("C2", [10.0, 18.0, 0.0]),
        ("HT", [30.0, 33.0, 10.0]),
        ("NT", [30.0, 33.0, 10.0]),
        ("C3", [20.0, 10.0, 16.0]),
        ("C4", [0.0, 20.0, 15.0]),
        ("CQ", [20.0, 30.0, 31.0]),
        ("C5", [18.0, 8.0, 12.0]),
        ("KT", [18.0, 8.0, 12.0]),
        ("HD", [38.0, 38.0, 43.0]),
    ];
    for (n, pts) in expect {
        for (u, p) in ["A", "B", "C"].into_iter().zip(pts) {
            assert!(close(node(&s, u, n).points, p), "{u} {n}: {} ≠ {p}", node(&s, u, n).points);
        }
    }
    assert!(close(node(&s, "C", "C4").scale, 0.75));
    assert!(close(node(&s, "B", "HT").scale, 0.825));
    assert!(close(node(&s, "C", "CQ").scale, 0.775));
    assert!(close(node(&s, "C", "HD").scale, 43.0 / 60.0));
    assert_eq!(format_number(node(&s, "C", "HD").scale, 4), "0,7167");
    assert_eq!(format_number(node(&s, "A", "HD").scale, 4), "0,6333");
    let totals: Vec<(f64, String)> =
        ["A", "B", "C"].iter().map(|u| (total(&s, u).points, format_number(total(&s, u).scale, 4))).collect();
    assert_eq!(totals, [(68.0, "0,6800".into()), (71.0, "0,7100".into()), (53.0, "0,5300".into())]);
    assert_eq!(total(&s, "A").max_points, 100.0);
    // C's missing assessment scored 0 and is reported.
    assert_eq!(s.iter().find(|u| u.unit.as_str() == "C").unwrap().missing, [code("C2")]);
    assert!(s[0].missing.is_empty());
}

#[test]
fn ranks_overall_per_pillar_and_main_index_with_ties() {
    let idx = small();
    let r = rank(&idx, &score(&idx, &group()).unwrap());
    // Totals 0,68 / 0,71 / 0,53.
    assert_eq!(ranks(&r.overall), [("B", 1), ("A", 2), ("C", 3)]);
    assert_eq!(r.overall[0].scale, 0.71);
    // NT 0,75 / 0,825 / 0,25.
    assert_eq!(ranks(r.get(Some(&code("NT"))).unwrap()), [("B", 1), ("A", 2), ("C", 3)]);
    // HD: C 43 points; A and B 38 each share rank 2.
    assert_eq!(ranks(r.get(Some(&code("HD"))).unwrap()), [("C", 1), ("A", 2), ("B", 2)]);
    // CQ 0,5 / 0,75 / 0,775; KT 0,9 / 0,4 / 0,6.
    assert_eq!(ranks(&r.nodes[&code("CQ")]), [("C", 1), ("B", 2), ("A", 3)]);
    assert_eq!(ranks(&r.nodes[&code("KT")]), [("A", 1), ("C", 2), ("B", 3)]);
    // Pillars and main indices, not components.
    let keys: Vec<&str> = r.nodes.keys().map(|c| c.as_str()).collect();
    assert_eq!(keys, ["CQ", "HD", "HT", "KT", "NT"]);
}

fn unit(u: &str, scale: f64) -> UnitScores {
    UnitScores {
        unit: code(u),
        total: NodeScore { points: scale * 1000.0, max_points: 1000.0, scale },
        nodes: BTreeMap::new(),
        missing: Vec::new(),
    }
}

#[test]
fn ties_share_a_rank_and_skip_the_next() {
    let rows = rank_by(&[unit("P", 0.7), unit("Q", 0.8), unit("R", 0.9), unit("S", 0.8)], None);
    assert_eq!(ranks(&rows), [("R", 1), ("Q", 2), ("S", 2), ("P", 4)]);
    // Ranks compare the published 4-decimal value: 0,83404 and 0,83396 both show 0,8340.
    let rows = rank_by(&[unit("X", 0.83404), unit("Y", 0.83396), unit("Z", 0.8341)], None);
    assert_eq!(ranks(&rows), [("Z", 1), ("X", 2), ("Y", 2)]);
    assert_eq!(rows[1].scale, 0.834);
    // A node no unit has: empty ranking.
    assert!(rank_by(&[unit("X", 0.5)], Some(&code("NONE"))).is_empty());
}

#[test]
fn change_of_rank_since_the_previous_period() {
    let idx = small();
    let mut now = rank(&idx, &score(&idx, &group()).unwrap());
    // Last year: A 0,80 (1), C 0,60 (2), D 0,50 (3); B was not ranked.
    let previous =
        Rankings { overall: rank_by(&[unit("A", 0.8), unit("C", 0.6), unit("D", 0.5)], None), nodes: BTreeMap::new() };
    now.compare(&previous);
    let rows: Vec<(&str, u32, Option<u32>, Option<i32>)> =
        now.overall.iter().map(|r| (r.unit.as_str(), r.rank, r.previous_rank, r.change)).collect();
    // B new → none; A 1 → 2 = down 1; C 2 → 3 = down 1.
    assert_eq!(rows, [("B", 1, None, None), ("A", 2, Some(1), Some(-1)), ("C", 3, Some(2), Some(-1))]);
    let labels: Vec<(String, Option<String>)> =
        now.overall.iter().map(|r| (r.change_label(), r.change_phrase())).collect();
    assert_eq!(
        labels,
        [("mới".into(), None), ("▼1".into(), Some("giảm 1 bậc".into())), ("▼1".into(), Some("giảm 1 bậc".into()))]
    );
    // No previous ranking of HD: no change there.
    assert!(now.nodes[&code("HD")].iter().all(|r| r.change.is_none()));

    // Against itself with C moved up: C's HD rank 1 vs 2 before → +1.
    let mut before = rank(&idx, &score(&idx, &group()).unwrap());
    before
        .nodes
        .get_mut(&code("HD"))
        .unwrap()
        .iter_mut()
        .for_each(|r| r.rank = if r.unit.as_str() == "C" { 2 } else { 1 });
    let mut again = rank(&idx, &score(&idx, &group()).unwrap());
    again.compare(&before);
    let hd = &again.nodes[&code("HD")];
    assert_eq!(hd.iter().find(|r| r.unit.as_str() == "C").unwrap().change, Some(1));
    let c = hd.iter().find(|r| r.unit.as_str() == "C").unwrap();
    assert_eq!((c.change_label(), c.change_phrase()), ("▲1".into(), Some("tăng 1 bậc".into())));
    let same = Ranked { change: Some(0), ..c.clone() };
    assert_eq!((same.change_label(), same.change_phrase()), ("=".into(), Some("giữ nguyên thứ hạng".into())));
    assert_eq!(hd.iter().find(|r| r.unit.as_str() == "A").unwrap().change, Some(-1));
}

#[test]
fn bad_inputs_are_errors_with_places() {
    let mut g = group();
    g.insert(code("D"), UnitInputs::default().assess("C2", 1.5, "").indicator("TL_A", f64::NAN));
    let e = score(&small(), &g).unwrap_err();
    let places: Vec<&str> = e.0.iter().map(|e| e.place.as_str()).collect();
    assert_eq!(places, ["units[D].indicators[TL_A]", "units[D].assessed[C2]"]);
}

#[test]
fn invalid_definitions_list_every_place() {
    let bad = SMALL
        .replace("{ code: C5, name: Tỷ lệ B, points: 20,", "{ code: C5, name: Tỷ lệ B, points: 25,")
        .replace(
            "points: 20, scoring: { indicator: TL_A, target: 80 }",
            "points: 20, scoring: { indicator: TL_A, target: 0 }",
        )
        .replace("code: C3,", "code: C1,");
    let idx: Index = serde_yaml_ng::from_str(&bad).unwrap();
    let errs = idx.validate().unwrap_err();
    let got: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    let places: Vec<&str> = errs.0.iter().map(|e| e.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "index[DTI_THU].nodes[0].children[0].children[0].scoring.target",
            "index[DTI_THU].nodes[1].children[1].points",
            "index[DTI_THU].nodes[C1]",
        ],
        "{got:#?}"
    );
    assert_eq!(
        got[1],
        "index[DTI_THU].nodes[1].children[1].points: tổng điểm các thành phần là 25, khác điểm tối đa 20"
    );

    // A weight that is not positive: CQ gets no points (so its components no
    // longer fit) and the valid sibling KT takes all 60.
    let idx: Index = serde_yaml_ng::from_str(&SMALL.replace("weight: 2", "weight: 0")).unwrap();
    let errs = idx.validate().unwrap_err().0;
    let places: Vec<&str> = errs.iter().map(|e| e.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "index[DTI_THU].nodes[1].children[0].weight",
            "index[DTI_THU].nodes[1].children[0].points",
            "index[DTI_THU].nodes[1].children[1].points"
        ],
        "{errs:#?}"
    );

    // A main index scored directly, a pillar with no children, a component without scoring.
    let idx: Index = serde_yaml_ng::from_str(
        r#"{ code: X, name: X, year: 2026, nodes: [
             { code: P, name: P, points: 10, children: [
                 { code: M, name: M, points: 10, scoring: assessed, children: [ { code: K, name: K, points: 10 } ] } ] },
             { code: Q, name: Q, points: 0 } ] }"#,
    )
    .unwrap();
    let places: Vec<String> = idx.validate().unwrap_err().0.into_iter().map(|e| e.place).collect();
    assert_eq!(
        places,
        [
            "index[X].nodes[0].children[0].scoring",
            "index[X].nodes[0].children[0].children[0].scoring",
            "index[X].nodes[1].children"
        ]
    );

    // Weights with no total, and points with weights among siblings.
    let idx: Index = serde_yaml_ng::from_str(
        r#"{ code: X, name: X, year: 2026, nodes: [
             { code: P, name: P, weight: 1, children: [ { code: M, name: M, points: 0, children: [ { code: K, name: K, points: 0, scoring: assessed } ] } ] },
             { code: Q, name: Q, points: 0, children: [ { code: N, name: N, points: 0, children: [ { code: L, name: L, weight: 1, scoring: assessed } ] } ] } ] }"#,
    )
    .unwrap();
    let msgs: Vec<String> = idx.validate().unwrap_err().0.into_iter().map(|e| e.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(msgs[0].starts_with("index[X].nodes: các thành phần cùng cấp"), "{msgs:#?}");
    assert!(msgs[1].starts_with("index[X].nodes[0].weight: có trọng số nhưng cấp trên"), "{msgs:#?}");

    // File-level mistakes are refused while reading.
    for (text, needle) in [
        ("{ code: X, name: X, year: 2026, nodes: [], colour: red }", "unknown field"),
        ("{ code: X, name: X, year: 2026, nodes: [ { code: P, name: P, points: 1, scoring: guessed } ] }", ""),
        ("{ code: X, name: X, year: 2026, nodes: [ { code: P, name: P, points: 1, scoring: { indicator: I } } ] }", ""),
    ] {
        let e = serde_yaml_ng::from_str::<Index>(text).unwrap_err().to_string();
        assert!(e.contains(needle), "{e}");
    }
}

#[test]
fn builtin_template_validates_and_sums_to_1000() {
    let idx = builtin_provincial();
    let flat = idx.flatten().unwrap();
    assert_eq!(idx.max_points(), 1000.0);
    let mains: Vec<(&str, f64)> =
        flat.iter().filter(|f| f.level == Level::Main).map(|f| (f.node.name.as_str(), f.max_points)).collect();
    assert_eq!(
        mains,
        [
            ("Nhận thức số", 100.0),
            ("Thể chế số", 100.0),
            ("Hạ tầng số", 100.0),
            ("Nhân lực số", 100.0),
            ("An toàn thông tin mạng", 100.0),
            ("Đô thị thông minh", 0.0),
            ("Chính quyền số", 200.0),
            ("Kinh tế số", 150.0),
            ("Xã hội số", 150.0),
        ]
    );
    let pillars: f64 = flat.iter().filter(|f| f.level == Level::Pillar).map(|f| f.max_points).sum();
    let components: f64 = flat.iter().filter(|f| f.level == Level::Component).map(|f| f.max_points).sum();
    assert_eq!((pillars, components), (1000.0, 1000.0));
    for f in flat.iter().filter(|f| f.level == Level::Main) {
        let n = f.node.children.len();
        assert!((2..=4).contains(&n), "{}: {n}", f.node.code);
    }
    // It survives a round trip through YAML.
    let back: Index = serde_yaml_ng::from_str(&serde_yaml_ng::to_string(&idx).unwrap()).unwrap();
    assert_eq!(back, idx);

    // A unit meeting every target and fully assessed scores 1000 points = 1,0000;
    // the unscored smart-city index still shows its mean value (0,5 and 1 → 0,75).
    let mut full = UnitInputs::default();
    for f in flat.iter().filter(|f| f.level == Level::Component) {
        full.assessed.insert(f.node.code.clone(), chiso_core::index::Assessment { score: 1.0, evidence: "x".into() });
    }
    full.assessed.get_mut(&code("DT_IOC")).unwrap().score = 0.5;
    for s in idx.sources() {
        match s {
            Source::Element(e) => full.elements.insert(e, 100.0),
            Source::Indicator(c) if c.as_str() == "TL_TRE_HAN" => full.indicators.insert(c, 1.0),
            Source::Indicator(c) => full.indicators.insert(c, 100.0),
        };
    }
    let s = score(&idx, &BTreeMap::from([(code("TINH"), full)])).unwrap();
    assert_eq!((s[0].total.points, format_number(s[0].total.scale, 4)), (1000.0, "1,0000".to_string()));
    let dt = s[0].nodes[&code("DO_THI")];
    assert_eq!((dt.points, dt.max_points, dt.scale), (0.0, 0.0, 0.75));
    assert!(s[0].missing.is_empty());
}

/// A and B (scored above) merge into AB: its earlier index is the mean of
/// their main indices: HT (30 + 33)/2 = 31,5; CQ (20 + 30)/2 = 25;
/// KT (18 + 8)/2 = 13 → NT 31,5 (0,7875), HD 38 (0,6333), total 69,5 = 0,6950.
#[test]
fn merged_units_take_the_mean_of_their_predecessors() {
    let idx = small();
    let before = score(&idx, &group()).unwrap();
    let links = [Succession { successor: code("AB"), predecessors: vec![code("A"), code("B"), code("GONE")] }];
    let merged = merge_units(&idx, &before, &links, &[]).unwrap();
    let units: Vec<&str> = merged.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(units, ["C", "AB"]);
    let ab = &merged[1];
    let got: Vec<(&str, f64)> =
        ["HT", "CQ", "KT", "NT", "HD"].iter().map(|n| (*n, ab.nodes[&code(n)].points)).collect();
    assert_eq!(got, [("HT", 31.5), ("CQ", 25.0), ("KT", 13.0), ("NT", 31.5), ("HD", 38.0)]);
    assert!(close(ab.nodes[&code("HT")].scale, 0.7875));
    assert!(close(ab.nodes[&code("CQ")].scale, 0.625));
    assert_eq!((ab.total.points, format_number(ab.total.scale, 4)), (69.5, "0,6950".to_string()));
    // Components are not carried over.
    assert!(!ab.nodes.contains_key(&code("C1")));
    // Ranked against C last period (0,53): AB first.
    assert_eq!(ranks(&rank(&idx, &merged).overall), [("AB", 1), ("C", 2)]);

    // The office's own figure overrides the mean.
    let own = unit("AB", 0.5);
    let merged = merge_units(&idx, &before, &links, std::slice::from_ref(&own)).unwrap();
    assert_eq!(merged[1], own);

    // No predecessor scored: no row.
    let links = [Succession { successor: code("EF"), predecessors: vec![code("E"), code("F")] }];
    assert_eq!(merge_units(&idx, &before, &links, &[]).unwrap(), before);
}

const MINMAX: &str = r#"
code: MM
name: Min-max
year: 2026
nodes:
  - code: P
    name: P
    points: 30
    children:
      - code: M
        name: M
        points: 30
        children:
          - { code: UP, name: Cao là tốt, points: 10, scoring: { element: X, min_max: true } }
          - { code: DOWN, name: Thấp là tốt, points: 10, scoring: { element: X, min_max: true, lower_is_better: true } }
          - { code: TGT, name: Mục tiêu, points: 10, scoring: { element: X, target: 50 } }
"#;

proptest! {
    #[test]
    fn normalised_scores_stay_within_bounds(values in prop::collection::vec(-1e6f64..1e6, 1..8)) {
        let idx: Index = serde_yaml_ng::from_str(MINMAX).unwrap();
        let group: BTreeMap<Code, UnitInputs> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (code(&format!("U{i}")), UnitInputs::default().element("X", *v)))
            .collect();
        let s = score(&idx, &group).unwrap();
        let hi = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
        for (u, v) in s.iter().zip(&values) {
            for n in u.nodes.values().chain([&u.total]) {
                prop_assert!((0.0..=1.0).contains(&n.scale), "{n:?}");
                prop_assert!(n.points >= 0.0 && n.points <= n.max_points + 1e-9, "{n:?}");
            }
            let up = u.nodes[&code("UP")].scale;
            let down = u.nodes[&code("DOWN")].scale;
            // The best unit gets 1 on a min–max component; the worst 0 when they differ.
            if *v == hi { prop_assert_eq!(up, 1.0); }
            if *v == lo { prop_assert_eq!(down, 1.0); }
            if *v == lo && hi > lo { prop_assert_eq!(up, 0.0); }
            if *v == hi && hi > lo { prop_assert_eq!(down, 0.0); }
            prop_assert!((up + down - 1.0).abs() < 1e-9 || hi == lo);
        }
    }
}
