//! The index on the demo's figures: inputs straight from the engine (an
//! indicator is the ratio of the period's sums), assessments from the
//! registers, and the group's rankings with last year's for the change.

use chiso_analytics::index::{index_inputs, open_members, score_group, source_dx, successions};
use chiso_analytics::{AnalyticsEngine, DxItem, MemoryEngine};
use chiso_core::Code;
use chiso_core::metadata::Model;
use chiso_core::period::Period;
use std::sync::Arc;

#[test]
fn the_demo_districts_inputs_come_from_the_engine_and_rank_with_change() {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let demo = chiso_demo::generate(day);
    let model = Arc::new(Model::new(demo.metadata).unwrap());
    let engine = MemoryEngine::from_values(model.clone(), &demo.values);
    let reg = chiso_demo::registers(day);
    reg.validate(&model).unwrap_or_else(|e| panic!("{e}"));
    let ix = reg.index("DTI_2026").unwrap();
    let pe = Period::year(2026).unwrap();
    let units = model.group_members("UBND_HUYEN").unwrap().to_vec();
    let inputs = index_inputs(&engine, ix, &units, &pe, &reg.assessments);
    assert_eq!(inputs.len(), units.len());
    let an_phu = &inputs[&Code::new("H_AN_PHU").unwrap()];
    // Every source has a value and every assessed component a score.
    assert_eq!(an_phu.elements.len() + an_phu.indicators.len(), ix.sources().len());
    assert!(!an_phu.assessed.is_empty());
    // TL_DUNG_HAN is the ratio of the year's sums, not a mean of months.
    let u = model.tree().index("H_AN_PHU").unwrap();
    let sum = |e: &str| engine.value(&DxItem::Element { code: Code::new(e).unwrap(), option: None }, u, &pe).unwrap();
    let want = 100.0 * sum("HS_DUNG_HAN") / sum("HS_GIAI_QUYET");
    let got = an_phu.indicators[&Code::new("TL_DUNG_HAN").unwrap()];
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    for s in ix.sources() {
        assert!(source_dx(&s).is_some(), "{s}");
    }
    let g =
        score_group(&engine, ix, &units, &pe, &reg.assessments, Some((reg.index("DTI_2025").unwrap(), &pe.previous())))
            .unwrap();
    let overall = &g.rankings.overall;
    assert_eq!(overall.len(), units.len());
    assert_eq!(overall.iter().map(|r| r.rank).collect::<Vec<_>>(), (1..=units.len() as u32).collect::<Vec<_>>());
    assert!(overall.iter().all(|r| (0.0..=1.0).contains(&r.scale) && r.previous_rank.is_some()));
    assert_eq!(overall.iter().map(|r| r.change.unwrap()).sum::<i32>(), 0);
    assert_eq!(g.rankings.nodes.len(), ix.pillars_and_mains().len());
}

/// The demo's districts with Huyện Suối Mây merged into Huyện Ngọc Lâm on
/// 1/7/2026: the engine and registers of 23/11/2026.
fn merged_demo() -> (Arc<Model>, MemoryEngine, chiso_core::register::Registers) {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut demo = chiso_demo::generate(day);
    let u = demo.metadata.org_units.iter_mut().find(|u| u.code.as_str() == "H_SUOI_MAY").unwrap();
    u.valid_to = chrono::NaiveDate::from_ymd_opt(2026, 6, 30);
    u.successors = vec![Code::new("H_NGOC_LAM").unwrap()];
    let model = Arc::new(Model::new(demo.metadata).unwrap());
    let engine = MemoryEngine::from_values(model.clone(), &demo.values);
    (model, engine, chiso_demo::registers(day))
}

#[test]
fn a_merged_district_is_compared_with_the_mean_of_its_predecessors_last_year() {
    use chiso_core::index::{MergedHistory, Succession, score};
    let (model, engine, reg) = merged_demo();
    let tree = model.tree();
    let members = model.group_members("UBND_HUYEN").unwrap();
    let (pe, pp) = (Period::year(2026).unwrap(), Period::year(2025).unwrap());
    let code = |s: &str| Code::new(s).unwrap();
    let now = open_members(tree, members, &pe);
    assert_eq!(now.len(), members.len() - 1, "Suối Mây is closed at the end of 2026");
    assert_eq!(
        successions(tree, &now, &pe, &pp),
        vec![Succession { successor: code("H_NGOC_LAM"), predecessors: vec![code("H_NGOC_LAM"), code("H_SUOI_MAY")] }]
    );
    // Nothing merged between 2026 and 2027.
    assert!(successions(tree, &now, &Period::year(2027).unwrap(), &pe).is_empty());

    let (ix, prev) = (reg.index("DTI_2026").unwrap(), reg.index("DTI_2025").unwrap());
    let g = score_group(&engine, ix, members, &pe, &reg.assessments, Some((prev, &pp))).unwrap();
    assert!(g.unit(&code("H_SUOI_MAY")).is_none());
    assert_eq!(g.rankings.overall.len(), now.len());

    // Last year both districts were open and scored on their own.
    let then = score(prev, &index_inputs(&engine, prev, members, &pp, &reg.assessments)).unwrap();
    let total = |u: &str| then.iter().find(|s| s.unit.as_str() == u).unwrap().total;
    let (ngoc_lam, suoi_may) = (total("H_NGOC_LAM"), total("H_SUOI_MAY"));
    assert_ne!(ngoc_lam.points, suoi_may.points);
    // The restated total is the mean of the two (the sum of the means of the main indices).
    let restated = (ngoc_lam.points + suoi_may.points) / 2.0 / prev.max_points();
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let rank_among = |value: f64, others: &mut dyn Iterator<Item = f64>| {
        1 + others.filter(|&v| round(v) > round(value)).count() as u32
    };
    let others = |skip: &[&str]| {
        then.iter().filter(|s| !skip.contains(&s.unit.as_str())).map(|s| s.total.scale).collect::<Vec<_>>()
    };
    let mean_rank = rank_among(restated, &mut others(&["H_NGOC_LAM", "H_SUOI_MAY"]).into_iter());
    let got = g.rankings.overall.iter().find(|r| r.unit.as_str() == "H_NGOC_LAM").unwrap();
    assert_eq!(got.previous_rank, Some(mean_rank));
    assert_eq!(got.change, Some(mean_rank as i32 - got.rank as i32));

    // The office may say otherwise: its own index of last year, ranked among all that were open then.
    let mut own = prev.clone();
    own.merged_history = MergedHistory::OwnOnly;
    let g = score_group(&engine, ix, members, &pe, &reg.assessments, Some((&own, &pp))).unwrap();
    let own_rank = rank_among(ngoc_lam.scale, &mut others(&["H_NGOC_LAM"]).into_iter());
    let got = g.rankings.overall.iter().find(|r| r.unit.as_str() == "H_NGOC_LAM").unwrap();
    assert_eq!(got.previous_rank, Some(own_rank));
}
