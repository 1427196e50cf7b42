//! What a figure costs on the demo province (≈100 000 values) and on the same
//! province with ten years of data (≈1 000 000). Run: `cargo bench -p chiso-analytics`.

use chiso_analytics::{AnalyticsEngine, DxItem, MemoryEngine, Query};
use chiso_core::Code;
use chiso_core::metadata::Model;
use chiso_core::period::Period;
use chiso_core::value::DataValue;
use chrono::NaiveDate;
use std::sync::{Arc, OnceLock};

fn main() {
    divan::main();
}

const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

/// The demo, and the demo's values copied back over `years` earlier years.
fn engine(years: i32) -> MemoryEngine {
    let demo = chiso_demo::generate(today());
    let model = Arc::new(Model::new(demo.metadata).unwrap());
    let mut values: Vec<DataValue> = Vec::with_capacity(demo.values.len() * (years as usize + 1));
    for back in 0..=years {
        for v in &demo.values {
            let mut v = v.clone();
            let mut p: Period = v.period;
            for _ in 0..back {
                p = p.same_period_last_year();
            }
            v.period = p;
            values.push(v);
        }
    }
    MemoryEngine::from_values(model, &values)
}

fn small() -> &'static MemoryEngine {
    static E: OnceLock<MemoryEngine> = OnceLock::new();
    E.get_or_init(|| engine(0))
}

fn large() -> &'static MemoryEngine {
    static E: OnceLock<MemoryEngine> = OnceLock::new();
    E.get_or_init(|| engine(9))
}

fn root_year(e: &MemoryEngine, dx: &DxItem) -> Option<f64> {
    let root = e.model().tree().roots()[0];
    e.value(dx, root, &"2026".parse().unwrap())
}

#[divan::bench(args = ["demo", "ten_years"])]
fn element_province_year(bencher: divan::Bencher, size: &str) {
    let e = if size == "demo" { small() } else { large() };
    let dx = DxItem::Element { code: Code::new("HS_GIAI_QUYET").unwrap(), option: None };
    bencher.bench(|| root_year(e, &dx));
}

#[divan::bench(args = ["demo", "ten_years"])]
fn indicator_province_year(bencher: divan::Bencher, size: &str) {
    let e = if size == "demo" { small() } else { large() };
    let dx = DxItem::Indicator(Code::new("TL_DUNG_HAN").unwrap());
    bencher.bench(|| root_year(e, &dx));
}

/// A dashboard table: an indicator for every district and department, 12 months.
#[divan::bench(args = ["demo", "ten_years"])]
fn indicator_level2_last_12_months(bencher: divan::Bencher, size: &str) {
    let e = if size == "demo" { small() } else { large() };
    let q = Query::from_lists(e.model(), "TL_DUNG_HAN", "LAST_12_MONTHS", "LEVEL-2").unwrap();
    bencher.bench(|| e.query(&q, today()).unwrap().cells.len());
}

/// Building the engine from values (what `chiso analytics` pays on start).
#[divan::bench(sample_count = 5)]
fn load_demo(bencher: divan::Bencher) {
    let demo = chiso_demo::generate(today());
    let model = Arc::new(Model::new(demo.metadata).unwrap());
    bencher.bench(|| MemoryEngine::from_values(model.clone(), &demo.values).len());
}
