//! The index on the demo's figures: inputs straight from the engine (an
//! indicator is the ratio of the period's sums), assessments from the
//! registers, and the group's rankings with last year's for the change.

use chiso_analytics::index::{index_inputs, score_group, source_dx};
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
