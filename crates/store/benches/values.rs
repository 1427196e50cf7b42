//! What reading the stored values costs: a SQLite file with ≈100 000 values
//! a year shaped like the demo province (24 elements, 4 of them with 3
//! options: 32 series; 19 periods; 150 units), whose ids are not in code
//! order, as in a real store; "demo" is one year, "ten_years" ten (≈900 000
//! values, read in several batches). Run: `cargo bench -p chiso-store`.

use chiso_core::Code;
use chiso_core::period::Period;
use chiso_core::value::DataValue;
use chiso_store::{SqliteStore, Store, ValueFilter};
use std::sync::OnceLock;
use tempfile::TempDir;
use tokio::runtime::Runtime;

static DEMO: OnceLock<Fixture> = OnceLock::new();
static TEN_YEARS: OnceLock<Fixture> = OnceLock::new();

fn main() {
    divan::main();
    // Statics are never dropped: remove their databases here.
    for fixture in [DEMO.get(), TEN_YEARS.get()].into_iter().flatten() {
        fixture.rt.block_on(fixture.store.close());
        let _ = std::fs::remove_dir_all(fixture.dir.path());
    }
}

struct Fixture {
    rt: Runtime,
    store: SqliteStore,
    count: u64,
    dir: TempDir,
}

fn code(s: String) -> Code {
    Code::new(s).unwrap()
}

/// The values of `years` years, in an order that gives the key tables ids
/// unlike code order.
fn values(years: usize) -> Vec<DataValue> {
    // 20 plain elements and 4 with 3 options each: 32 series.
    let elements: Vec<(Code, Vec<Option<Code>>)> = (0..24)
        .map(|i| {
            let e = code(format!("CT_{:02}", (i * 7) % 24));
            let options = if i % 6 == 5 {
                ["TRUC_TUYEN", "TRUC_TIEP", "BUU_CHINH"].map(|o| Some(code(o.into()))).to_vec()
            } else {
                vec![None]
            };
            (e, options)
        })
        .collect();
    // Each year's months (the latest first), quarters, half-years and itself.
    let mut periods: Vec<Period> = Vec::new();
    for year in (2027 - years..2027).rev() {
        let months = (1..=12).rev().map(|m| format!("{year}{m:02}"));
        let others = (1..=4).map(|q| format!("{year}Q{q}")).chain([format!("{year}S1"), format!("{year}S2")]);
        periods.extend(months.chain(others).chain([year.to_string()]).map(|p| p.parse::<Period>().unwrap()));
    }
    let units: Vec<Code> = (0..150).map(|u| code(format!("XA_{:03}", (u * 37) % 150))).collect();
    let at = "2026-11-20T08:30:00".parse().unwrap();
    let mut out = Vec::new();
    for (pi, period) in periods.iter().enumerate() {
        for (ui, unit) in units.iter().enumerate() {
            for (ei, (element, options)) in elements.iter().enumerate() {
                for option in options {
                    out.push(DataValue {
                        element: element.clone(),
                        period: *period,
                        unit: unit.clone(),
                        option: option.clone(),
                        value: ((pi * 31 + ui * 17 + ei * 7) % 5000).to_string(),
                        stored_by: Some(format!("nhap_lieu_{}", ui % 7)),
                        comment: (ui % 50 == 0).then(|| "số liệu ước tính".to_string()),
                        updated_at: (pi % 2 == 0).then_some(at),
                    });
                }
            }
        }
    }
    out
}

fn fixture(size: &str) -> &'static Fixture {
    let (cell, years) = match size {
        "demo" => (&DEMO, 1),
        "ten_years" => (&TEN_YEARS, 10),
        _ => unreachable!("unknown size {size}"),
    };
    cell.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let values = values(years);
        let store = rt.block_on(async {
            let store = SqliteStore::open(&dir.path().join("bench.db")).await.unwrap();
            let mut tx = store.begin().await.unwrap();
            for chunk in values.chunks(10_000) {
                tx.put_values(chunk).await.unwrap();
            }
            tx.commit().await.unwrap();
            store
        });
        let count = rt.block_on(store.count_values()).unwrap();
        Fixture { rt, store, count, dir }
    })
}

/// Every value streamed, as `chiso analytics` loads its engine.
#[divan::bench(sample_count = 10, args = ["demo", "ten_years"])]
fn for_each_value_all(bencher: divan::Bencher, size: &str) {
    let f = fixture(size);
    bencher.bench(|| {
        let mut n = 0u64;
        let read = f.rt.block_on(f.store.for_each_value(&ValueFilter::default(), &mut |v| {
            n += v.value.len() as u64 & 1;
        }));
        assert_eq!(read.unwrap(), f.count);
        n
    });
}

/// Every value collected.
#[divan::bench(sample_count = 10)]
fn values_all(bencher: divan::Bencher) {
    let f = fixture("demo");
    bencher.bench(|| {
        let all = f.rt.block_on(f.store.values(&ValueFilter::default())).unwrap();
        assert_eq!(all.len() as u64, f.count);
        all
    });
}

/// One element over one quarter (a filtered export).
#[divan::bench(sample_count = 20)]
fn values_filtered(bencher: divan::Bencher) {
    let f = fixture("demo");
    let filter = ValueFilter {
        elements: vec![code("CT_03".into())],
        periods: vec!["202607".parse().unwrap(), "202608".parse().unwrap(), "202609".parse().unwrap()],
        ..ValueFilter::default()
    };
    bencher.bench(|| f.rt.block_on(f.store.values(&filter)).unwrap().len());
}
