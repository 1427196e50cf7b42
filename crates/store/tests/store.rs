//! The store story, told against every backend at hand.
//!
//! Each test is written against `&dyn Store` and run by `each_backend`: on a
//! fresh SQLite file in a temporary directory and, once chiso-store has a
//! PostgreSQL implementation, on the database named by `CHISO_TEST_PG`
//! (atuin's `tests-database` pattern). The figures are those of a provincial
//! report: 58.109 dossiers resolved in 08/2023, 53.531 on time, 629 late.

use chiso_core::Code;
use chiso_core::access::{Role, Scope};
use chiso_core::metadata::Metadata;
use chiso_core::period::Period;
use chiso_core::value::{DataValue, Narrative, Review, Submission, SubmissionStatus};
use chiso_store::{
    Account, Actor, AuditEntry, AuditFilter, AuditSubject, Counts, MetadataMode, NewAccount, PutOutcome, Session,
    SqliteStore, Store, StoreError, ValueFilter,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;
use std::future::Future;
use std::path::PathBuf;
use std::time::Instant;
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Backends

/// A store under test, and how to open it again.
struct Backend {
    store: Box<dyn Store>,
    place: Place,
}

enum Place {
    SqliteFile { path: PathBuf, _dir: TempDir },
}

impl Backend {
    async fn sqlite_file() -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("chiso.db");
        let store = SqliteStore::open(&path).await.expect("open sqlite");
        Backend { store: Box::new(store), place: Place::SqliteFile { path, _dir: dir } }
    }

    fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// Closes the store and opens the same database again.
    async fn reopen(&mut self) {
        match &self.place {
            Place::SqliteFile { path, .. } => {
                self.store = Box::new(SqliteStore::open(path).await.expect("reopen sqlite"));
            }
        }
    }
}

/// Runs `story` once per backend, each time on an empty database.
async fn each_backend<F, Fut>(story: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    story(Backend::sqlite_file().await).await;
    if std::env::var_os("CHISO_TEST_PG").is_some() {
        // Hook: open a fresh schema at that URL with the PostgreSQL store
        // and run `story` on it, once that store exists.
        eprintln!("CHISO_TEST_PG is set, but chiso-store has no PostgreSQL backend yet: skipped");
    }
}

// ---------------------------------------------------------------------------
// Fixtures

fn c(s: &str) -> Code {
    Code::new(s).expect("valid code")
}

fn p(s: &str) -> Period {
    s.parse().expect("valid period")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn at(s: &str) -> NaiveDateTime {
    s.parse().expect("valid timestamp")
}

fn value(element: &str, period: &str, unit: &str, v: &str) -> DataValue {
    DataValue {
        element: c(element),
        period: p(period),
        unit: c(unit),
        option: None,
        value: v.to_string(),
        stored_by: None,
        comment: None,
        updated_at: None,
    }
}

fn with_option(mut v: DataValue, option: &str) -> DataValue {
    v.option = Some(c(option));
    v
}

/// Values as compared: the store stamps `updated_at` when none is given.
fn unstamped(mut values: Vec<DataValue>) -> Vec<DataValue> {
    for v in &mut values {
        v.updated_at = None;
    }
    values
}

/// A province with a department, a district with two communes (one merged
/// into the other in 2025) and one object of every kind.
fn province() -> Metadata {
    serde_json::from_value(json!({
        "name": "Tỉnh Hà Tĩnh",
        "levels": [
            { "level": 1, "name": "Tỉnh" },
            { "level": 2, "name": "Sở, huyện" },
            { "level": 3, "name": "Xã" }
        ],
        "unit_kinds": [
            { "code": "SO", "name": "Sở, ban, ngành" },
            { "code": "HUYEN", "name": "UBND cấp huyện" },
            { "code": "XA", "name": "UBND cấp xã" }
        ],
        "org_units": [
            { "code": "TINH", "name": "Tỉnh Hà Tĩnh" },
            { "code": "SO_KHCN", "name": "Sở Khoa học và Công nghệ", "short_name": "Sở KH&CN", "parent": "TINH", "kind": "SO" },
            { "code": "H_CAN_LOC", "name": "UBND huyện Can Lộc", "parent": "TINH", "kind": "HUYEN", "valid_to": "2025-06-30" },
            { "code": "X_THIEN_LOC", "name": "UBND xã Thiên Lộc", "parent": "H_CAN_LOC", "kind": "XA", "valid_to": "2025-06-30", "successors": ["X_DONG_LOC"] },
            { "code": "X_DONG_LOC", "name": "UBND xã Đồng Lộc", "parent": "H_CAN_LOC", "kind": "XA", "valid_from": "2019-01-01" }
        ],
        "unit_groups": [
            { "code": "CAP_XA", "name": "UBND cấp xã", "members": ["X_THIEN_LOC", "X_DONG_LOC"] }
        ],
        "pillars": [
            { "code": "CQS", "name": "Chính quyền số" },
            { "code": "HTS", "name": "Hạ tầng số" }
        ],
        "disaggregations": [
            { "code": "CAP_HS", "name": "Cấp giải quyết", "options": [
                { "code": "CAP_TINH", "name": "Cấp tỉnh" },
                { "code": "CAP_HUYEN", "name": "Cấp huyện" },
                { "code": "CAP_XA", "name": "Cấp xã" }
            ] }
        ],
        "data_elements": [
            { "code": "HS_TIEP_NHAN", "name": "Số hồ sơ TTHC tiếp nhận", "value_type": "integer", "unit_of_measure": "hồ sơ", "disaggregation": "CAP_HS", "pillar": "CQS" },
            { "code": "HS_GIAI_QUYET", "name": "Số hồ sơ TTHC đã giải quyết", "value_type": "integer", "unit_of_measure": "hồ sơ", "pillar": "CQS" },
            { "code": "HS_DUNG_HAN", "name": "Số hồ sơ giải quyết đúng hạn", "value_type": "integer", "pillar": "CQS" },
            { "code": "HS_TRE_HAN", "name": "Số hồ sơ giải quyết trễ hạn", "value_type": "integer", "pillar": "CQS",
              "description": "Hồ sơ trả kết quả sau thời hạn quy định" },
            { "code": "TL_TRE_HAN_BC", "name": "Tỷ lệ trễ hạn theo báo cáo", "value_type": "percentage", "aggregation": "none" },
            { "code": "SO_MAY_TINH", "name": "Số máy tính", "short_name": "Máy tính", "value_type": "integer",
              "aggregation": "sum", "time_aggregation": "last", "pillar": "HTS" }
        ],
        "indicators": [
            { "code": "TL_DUNG_HAN", "name": "Tỷ lệ hồ sơ giải quyết đúng hạn",
              "numerator": "#{HS_DUNG_HAN}", "denominator": "#{HS_GIAI_QUYET}", "factor": 100.0, "decimals": 2,
              "unit_of_measure": "%", "pillar": "CQS" }
        ],
        "constants": [
            { "code": "DAN_SO", "name": "Dân số toàn tỉnh", "value": 1_323_000.0 },
            { "code": "HE_SO", "name": "Hệ số", "value": 0.1 + 0.2 }
        ],
        "validation_rules": [
            { "code": "DUNG_HAN_LE_GIAI_QUYET", "name": "Đúng hạn không vượt quá đã giải quyết",
              "left": "#{HS_DUNG_HAN}", "operator": "<=", "right": "#{HS_GIAI_QUYET}",
              "importance": "high", "message": "Số hồ sơ đúng hạn lớn hơn số đã giải quyết" },
            { "code": "TL_TRE_HAN_DUNG", "name": "Tỷ lệ trễ hạn đúng với số liệu",
              "left": "#{TL_TRE_HAN_BC}", "operator": "==", "right": "#{HS_TRE_HAN} / #{HS_GIAI_QUYET} * 100",
              "message": "Tỷ lệ trễ hạn không khớp: 629 / 58.109 = 1,08%", "tolerance": 0.005 }
        ],
        "forms": [
            { "code": "BC_THANG", "name": "Báo cáo chuyển đổi số hằng tháng", "period_type": "Monthly",
              "cutoff": "decree09", "due": { "day_of_month": { "day": 25, "months_after": 0 } },
              "sections": [ { "name": "Dịch vụ công", "elements": ["HS_TIEP_NHAN", "HS_GIAI_QUYET", "HS_DUNG_HAN", "HS_TRE_HAN", "TL_TRE_HAN_BC"] } ],
              "units": ["SO_KHCN"], "unit_groups": ["CAP_XA"] }
        ],
        "plans": [
            { "code": "KH_2023", "year": 2023, "number": "144/KH-UBND", "title": "Kế hoạch chuyển đổi số năm 2023",
              "issued_on": "2023-03-20",
              "targets": [
                  { "code": "CT_DUNG_HAN", "pillar": "CQS",
                    "name": "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 90% trở lên",
                    "threshold": "đạt 90% trở lên", "lead": ["SO_KHCN"], "cooperating": ["CAP_XA"],
                    "evaluation": "Cuối năm 2023", "measure": { "indicator": "TL_DUNG_HAN" },
                    "baseline": { "date": "2023-01-01", "value": 85.5 } },
                  { "code": "CT_DIEN_TAP", "pillar": "HTS", "name": "Tổ chức ít nhất 01 cuộc diễn tập",
                    "threshold": "ít nhất 01 cuộc", "lead": ["SO_KHCN"], "evaluation": "Quý III/2023",
                    "results": [ { "date": "2023-09-20", "outcome": "1", "note": "Diễn tập ngày 20/9" } ] }
              ] }
        ]
    }))
    .expect("the fixture is valid metadata")
}

const OBJECTS_IN_PROVINCE: u64 = 3 + 3 + 5 + 1 + 2 + 1 + 6 + 1 + 2 + 2 + 1 + 1;

/// The August 2023 figures of the one-stop shops.
fn august() -> Vec<DataValue> {
    vec![
        value("HS_GIAI_QUYET", "202308", "TINH", "58109"),
        value("HS_DUNG_HAN", "202308", "TINH", "53531"),
        value("HS_TRE_HAN", "202308", "TINH", "629"),
        value("TL_TRE_HAN_BC", "202308", "TINH", "0.01"),
        with_option(value("HS_TIEP_NHAN", "202308", "TINH", "104220"), "CAP_TINH"),
        with_option(value("HS_TIEP_NHAN", "202308", "TINH", "37367"), "CAP_HUYEN"),
        with_option(value("HS_TIEP_NHAN", "202308", "TINH", "152083"), "CAP_XA"),
    ]
}

async fn put(store: &dyn Store, values: &[DataValue]) -> Vec<PutOutcome> {
    let mut tx = store.begin().await.unwrap();
    let out = tx.put_values(values).await.unwrap();
    tx.commit().await.unwrap();
    out
}

async fn save(store: &dyn Store, meta: &Metadata, mode: MetadataMode) -> Counts {
    let mut tx = store.begin().await.unwrap();
    let counts = tx.save_metadata(meta, mode).await.unwrap();
    tx.commit().await.unwrap();
    counts
}

fn counts(imported: u64, updated: u64, unchanged: u64, deleted: u64) -> Counts {
    Counts { imported, updated, unchanged, deleted }
}

// ---------------------------------------------------------------------------
// Metadata

#[tokio::test]
async fn metadata_round_trip_is_lossless() {
    each_backend(|b| async move {
        let store = b.store();
        assert_eq!(store.load_metadata().await.unwrap(), Metadata::default(), "a new store is empty");
        let meta = province();
        assert_eq!(save(store, &meta, MetadataMode::Replace).await, counts(OBJECTS_IN_PROVINCE, 0, 0, 0));
        let back = store.load_metadata().await.unwrap();
        assert_eq!(back, meta);
        assert_eq!(back.constants[1].value.to_bits(), (0.1f64 + 0.2).to_bits(), "floats to the last bit");
        // Saving the same bundle again changes nothing.
        assert_eq!(save(store, &meta, MetadataMode::Replace).await, counts(0, 0, OBJECTS_IN_PROVINCE, 0));
        assert_eq!(save(store, &meta, MetadataMode::Merge).await, counts(0, 0, OBJECTS_IN_PROVINCE, 0));
    })
    .await;
}

#[tokio::test]
async fn merge_keeps_other_objects_and_replace_makes_the_store_the_bundle() {
    each_backend(|b| async move {
        let store = b.store();
        let meta = province();
        save(store, &meta, MetadataMode::Replace).await;

        // Merge: one element renamed, one new element, no name given.
        let mut renamed = meta.data_elements[1].clone();
        renamed.name = "Số hồ sơ đã giải quyết (cả kỳ)".into();
        let mut extra = meta.data_elements[0].clone();
        extra.code = c("HS_TRUC_TUYEN");
        extra.name = "Số hồ sơ trực tuyến".into();
        let bundle = Metadata { data_elements: vec![extra.clone(), renamed.clone()], ..Metadata::default() };
        assert_eq!(save(store, &bundle, MetadataMode::Merge).await, counts(1, 1, 0, 0));
        let mut want = meta.clone();
        want.data_elements[1] = renamed;
        want.data_elements.push(extra); // new objects come after the kept ones
        assert_eq!(store.load_metadata().await.unwrap(), want, "name and other objects kept");

        // Replace: the store becomes exactly the small bundle, in its order.
        let small = Metadata {
            name: None,
            pillars: vec![meta.pillars[1].clone(), meta.pillars[0].clone()],
            org_units: meta.org_units[..1].to_vec(),
            ..Metadata::default()
        };
        let deleted = OBJECTS_IN_PROVINCE + 1 - 3;
        assert_eq!(save(store, &small, MetadataMode::Replace).await, counts(0, 2, 1, deleted));
        assert_eq!(store.load_metadata().await.unwrap(), small);
    })
    .await;
}

#[tokio::test]
async fn a_bundle_with_a_code_twice_is_refused_by_kind_and_code() {
    each_backend(|b| async move {
        let store = b.store();
        let mut meta = province();
        meta.data_elements.push(meta.data_elements[1].clone());
        let mut tx = store.begin().await.unwrap();
        let err = tx.save_metadata(&meta, MetadataMode::Replace).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        assert!(err.to_string().contains("data_element[HS_GIAI_QUYET]"), "{err}");
    })
    .await;
}

// ---------------------------------------------------------------------------
// Values

#[tokio::test]
async fn put_values_says_imported_then_unchanged_then_updated() {
    each_backend(|b| async move {
        let store = b.store();
        let values = august();
        let n = values.len();
        assert_eq!(put(store, &values).await, vec![PutOutcome::Imported; n]);
        assert_eq!(put(store, &values).await, vec![PutOutcome::Unchanged; n]);

        // The stated late rate was wrong: 629 / 58.109 = 1,08%, not 0,01%.
        let mut fixed = values.clone();
        fixed[3].value = "1.08".into();
        fixed[2].comment = Some("Đã rà soát lại".into());
        fixed[0].stored_by = Some("nguyenvana".into()); // not a change of the figure
        let mut want = vec![PutOutcome::Unchanged; n];
        want[2] = PutOutcome::Updated;
        want[3] = PutOutcome::Updated;
        assert_eq!(put(store, &fixed).await, want);

        let mut stored = unstamped(store.values(&ValueFilter::default()).await.unwrap());
        let tl = stored.iter().find(|v| v.element.as_str() == "TL_TRE_HAN_BC").unwrap();
        assert_eq!(tl.value, "1.08");
        let late = stored.iter().find(|v| v.element.as_str() == "HS_TRE_HAN").unwrap();
        assert_eq!(late.comment.as_deref(), Some("Đã rà soát lại"));
        let resolved = stored.iter().find(|v| v.element.as_str() == "HS_GIAI_QUYET").unwrap();
        assert_eq!(resolved.value, "58109");
        assert_eq!(resolved.stored_by, None, "an unchanged value is not rewritten");
        assert_eq!(store.count_values().await.unwrap(), n as u64);

        // The same cell twice in one batch: the second is compared with the first.
        let twice =
            vec![value("HS_GIAI_QUYET", "202309", "TINH", "60000"), value("HS_GIAI_QUYET", "202309", "TINH", "60123")];
        assert_eq!(put(store, &twice).await, vec![PutOutcome::Imported, PutOutcome::Updated]);
        stored = store.values(&ValueFilter { periods: vec![p("202309")], ..ValueFilter::default() }).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].value, "60123");
    })
    .await;
}

#[tokio::test]
async fn values_round_trip_with_their_stamps() {
    each_backend(|b| async move {
        let store = b.store();
        let mut v = value("HS_GIAI_QUYET", "202308", "X_DONG_LOC", "312");
        v.stored_by = Some("can_bo_xa".into());
        v.comment = Some("Số liệu từ Hệ thống thông tin giải quyết TTHC".into());
        v.updated_at = Some(at("2023-08-14T16:45:03.250"));
        put(store, std::slice::from_ref(&v)).await;
        assert_eq!(store.values(&ValueFilter::default()).await.unwrap(), vec![v.clone()]);

        // Without a stamp the store puts the time of writing.
        let before = chrono::Local::now().naive_local() - chrono::Duration::seconds(1);
        put(store, &[value("HS_GIAI_QUYET", "202309", "X_DONG_LOC", "298")]).await;
        let got = store.values(&ValueFilter { periods: vec![p("202309")], ..ValueFilter::default() }).await.unwrap();
        assert!(got[0].updated_at.unwrap() >= before, "{:?}", got[0].updated_at);
    })
    .await;
}

#[tokio::test]
async fn a_rolled_back_or_dropped_transaction_leaves_nothing() {
    each_backend(|b| async move {
        let store = b.store();
        let narrative = Narrative {
            form: c("BC_THANG"),
            period: p("202308"),
            unit: c("TINH"),
            section: c("KET_QUA"),
            text: "Kết quả".into(),
        };

        let mut tx = store.begin().await.unwrap();
        tx.save_metadata(&province(), MetadataMode::Replace).await.unwrap();
        tx.put_values(&august()).await.unwrap();
        tx.put_narratives(std::slice::from_ref(&narrative)).await.unwrap();
        // Readers do not see a transaction that is still open.
        assert_eq!(store.count_values().await.unwrap(), 0);
        assert_eq!(store.load_metadata().await.unwrap(), Metadata::default());
        tx.rollback().await.unwrap();
        assert_eq!(store.count_values().await.unwrap(), 0);
        assert_eq!(store.load_metadata().await.unwrap(), Metadata::default());
        assert!(store.narratives(None, None).await.unwrap().is_empty());

        {
            let mut tx = store.begin().await.unwrap();
            tx.put_values(&august()).await.unwrap();
            tx.save_metadata(&province(), MetadataMode::Merge).await.unwrap();
            // dropped here without commit
        }
        assert_eq!(store.count_values().await.unwrap(), 0);
        assert_eq!(store.load_metadata().await.unwrap(), Metadata::default());

        // And the store still takes a committed write afterwards.
        assert_eq!(put(store, &august()).await, vec![PutOutcome::Imported; august().len()]);
    })
    .await;
}

#[tokio::test]
async fn a_second_writer_waits_for_the_first() {
    each_backend(|b| async move {
        let store = b.store();
        let mut first = store.begin().await.unwrap();
        first.put_values(&august()).await.unwrap();
        let september = vec![value("HS_GIAI_QUYET", "202309", "TINH", "60123")];
        let start = Instant::now();
        let pause = std::time::Duration::from_millis(300);
        let ((), second_began) = tokio::join!(
            async {
                tokio::time::sleep(pause).await;
                first.commit().await.unwrap();
            },
            async {
                let mut second = store.begin().await.unwrap();
                let began = Instant::now();
                assert_eq!(second.put_values(&september).await.unwrap(), [PutOutcome::Imported]);
                second.commit().await.unwrap();
                began
            }
        );
        assert!(second_began - start >= pause, "the second transaction began once the first ended");
        assert_eq!(store.count_values().await.unwrap(), august().len() as u64 + 1);
    })
    .await;
}

/// Resolved dossiers of two communes and the province over months, a
/// quarter and the year.
fn year_of_figures() -> Vec<DataValue> {
    let mut vs = Vec::new();
    for (unit, base) in [("TINH", 58000), ("X_DONG_LOC", 300), ("X_THIEN_LOC", 120)] {
        for month in ["202307", "202308", "202309"] {
            vs.push(value("HS_GIAI_QUYET", month, unit, &(base + month[4..].parse::<i32>().unwrap()).to_string()));
        }
        vs.push(value("HS_GIAI_QUYET", "2023Q3", unit, &(3 * base + 24).to_string()));
        vs.push(value("HS_GIAI_QUYET", "2023", unit, &(12 * base).to_string()));
        vs.push(value("HS_TRE_HAN", "202308", unit, "7"));
    }
    vs.push(with_option(value("HS_TIEP_NHAN", "202308", "TINH", "152083"), "CAP_XA"));
    vs.push(with_option(value("HS_TIEP_NHAN", "202308", "TINH", "104220"), "CAP_TINH"));
    vs.push(value("HS_TIEP_NHAN", "202308", "TINH", "293670"));
    vs
}

fn keys(values: &[DataValue]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            format!(
                "{}{} {} {}",
                v.element,
                v.option.as_ref().map(|o| format!(".{o}")).unwrap_or_default(),
                v.period,
                v.unit
            )
        })
        .collect()
}

#[tokio::test]
async fn filters_are_anded_and_results_ordered() {
    each_backend(|b| async move {
        let store = b.store();
        let all = year_of_figures();
        put(store, &all).await;
        let got = |f: ValueFilter| async move { keys(&store.values(&f).await.unwrap()) };

        let everything = got(ValueFilter::default()).await;
        assert_eq!(everything.len(), all.len());
        // Element, option (none first), period start (the longer period after
        // the shorter one starting the same day), unit.
        assert_eq!(
            everything[..8],
            [
                "HS_GIAI_QUYET 2023 TINH",
                "HS_GIAI_QUYET 2023 X_DONG_LOC",
                "HS_GIAI_QUYET 2023 X_THIEN_LOC",
                "HS_GIAI_QUYET 202307 TINH",
                "HS_GIAI_QUYET 202307 X_DONG_LOC",
                "HS_GIAI_QUYET 202307 X_THIEN_LOC",
                "HS_GIAI_QUYET 2023Q3 TINH",
                "HS_GIAI_QUYET 2023Q3 X_DONG_LOC",
            ]
        );
        assert_eq!(
            everything[everything.len() - 6..],
            [
                "HS_TIEP_NHAN 202308 TINH",
                "HS_TIEP_NHAN.CAP_TINH 202308 TINH",
                "HS_TIEP_NHAN.CAP_XA 202308 TINH",
                "HS_TRE_HAN 202308 TINH",
                "HS_TRE_HAN 202308 X_DONG_LOC",
                "HS_TRE_HAN 202308 X_THIEN_LOC",
            ]
        );

        let communes = vec![c("X_DONG_LOC"), c("X_THIEN_LOC")];
        assert_eq!(
            got(ValueFilter { elements: vec![c("HS_TRE_HAN")], units: communes.clone(), ..ValueFilter::default() })
                .await,
            ["HS_TRE_HAN 202308 X_DONG_LOC", "HS_TRE_HAN 202308 X_THIEN_LOC"]
        );
        assert_eq!(
            got(ValueFilter {
                periods: vec![p("202308"), p("2023")],
                units: vec![c("X_THIEN_LOC")],
                ..ValueFilter::default()
            })
            .await,
            ["HS_GIAI_QUYET 2023 X_THIEN_LOC", "HS_GIAI_QUYET 202308 X_THIEN_LOC", "HS_TRE_HAN 202308 X_THIEN_LOC"]
        );
        // Within the third quarter: its months and the quarter, not the year.
        let q3 = Some((d(2023, 7, 1), d(2023, 9, 30)));
        assert_eq!(
            got(ValueFilter {
                between: q3,
                units: vec![c("TINH")],
                elements: vec![c("HS_GIAI_QUYET")],
                ..ValueFilter::default()
            })
            .await,
            [
                "HS_GIAI_QUYET 202307 TINH",
                "HS_GIAI_QUYET 2023Q3 TINH",
                "HS_GIAI_QUYET 202308 TINH",
                "HS_GIAI_QUYET 202309 TINH"
            ]
        );
        assert_eq!(
            got(ValueFilter { between: Some((d(2023, 8, 1), d(2023, 8, 31))), ..ValueFilter::default() }).await.len(),
            3 + 3 + 3
        );
        assert!(got(ValueFilter { elements: vec![c("KHONG_CO")], ..ValueFilter::default() }).await.is_empty());
        assert!(got(ValueFilter { periods: vec![p("2022")], ..ValueFilter::default() }).await.is_empty());

        // Streaming sees the same rows in the same order.
        let mut streamed = Vec::new();
        let n = store.for_each_value(&ValueFilter::default(), &mut |v| streamed.push(v)).await.unwrap();
        assert_eq!(n as usize, all.len());
        assert_eq!(keys(&streamed), everything);

        // Deleting uses the same filter.
        let mut tx = store.begin().await.unwrap();
        let gone =
            tx.delete_values(&ValueFilter { units: communes, between: q3, ..ValueFilter::default() }).await.unwrap();
        assert_eq!(gone, 2 * (3 + 1 + 1));
        tx.commit().await.unwrap();
        assert_eq!(store.count_values().await.unwrap(), all.len() as u64 - gone);
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.delete_values(&ValueFilter::default()).await.unwrap(), all.len() as u64 - gone);
        tx.commit().await.unwrap();
        assert_eq!(store.count_values().await.unwrap(), 0);
    })
    .await;
}

/// Values whose codes and periods are first met against their order, so
/// the store's ids for them run backwards; with every kind of text, and
/// with or without the ASCII unit separator in some of it.
fn against_the_order(unit_separators: bool) -> Vec<DataValue> {
    let sep = if unit_separators { '\u{1f}' } else { '|' };
    let mut out = Vec::new();
    for (i, period) in ["2024", "202412", "2024Q4", "202410", "2023"].into_iter().enumerate() {
        for unit in ["X_THIEN_LOC", "X_DONG_LOC", "TINH"] {
            for (element, options) in
                [("HS_TRE_HAN", &[][..]), ("HS_TIEP_NHAN", &["TRUC_TUYEN", "CAP_XA"][..]), ("HS_GIAI_QUYET", &[][..])]
            {
                for option in options.iter().map(|o| Some(c(o))).chain([None]) {
                    let n = out.len();
                    out.push(DataValue {
                        element: c(element),
                        period: p(period),
                        unit: c(unit),
                        option,
                        value: ["58109".into(), String::new(), "1.5".into(), format!("7{sep}"), " 8 ".into()][n % 5]
                            .clone(),
                        stored_by: [None, Some(String::new()), Some("=".into()), Some(format!("a{sep}b"))][n % 4]
                            .clone(),
                        comment: [None, Some("ước tính,\ncó xuống dòng"), Some("")][n % 3].map(str::to_string),
                        updated_at: Some(at(&format!("2024-12-0{}T10:30:00.125", i + 1))),
                    });
                }
            }
        }
    }
    out
}

/// The order of `Store::values`: element, option (none first), period
/// start, then end, then identifier, unit.
fn in_store_order(mut values: Vec<DataValue>) -> Vec<DataValue> {
    values.sort_by_key(|v| {
        let option = v.option.as_ref().map_or(String::new(), |o| o.to_string());
        (v.element.clone(), option, v.period.start(), v.period.end(), v.period.to_string(), v.unit.clone())
    });
    values
}

#[tokio::test]
async fn values_come_back_in_code_order_whatever_their_ids() {
    for unit_separators in [false, true] {
        each_backend(|b| async move { code_order_story(b.store(), against_the_order(unit_separators)).await }).await;
    }
}

/// Reads return `written` in the documented order, not in the store's.
async fn code_order_story(store: &dyn Store, written: Vec<DataValue>) {
    put(store, &written).await;
    let expected = in_store_order(written);
    assert_eq!(store.values(&ValueFilter::default()).await.unwrap(), expected);
    let mut streamed = Vec::new();
    let n = store.for_each_value(&ValueFilter::default(), &mut |v| streamed.push(v)).await.unwrap();
    assert_eq!((n as usize, &streamed), (expected.len(), &expected));

    let filter = ValueFilter {
        elements: vec![c("HS_TIEP_NHAN"), c("HS_TRE_HAN")],
        units: vec![c("TINH")],
        ..ValueFilter::default()
    };
    let some: Vec<DataValue> = expected
        .iter()
        .filter(|v| v.element.as_str() != "HS_GIAI_QUYET" && v.unit.as_str() == "TINH")
        .cloned()
        .collect();
    assert_eq!(some.len(), 5 * 4);
    assert_eq!(store.values(&filter).await.unwrap(), some);
}

#[tokio::test]
async fn reopening_keeps_everything() {
    each_backend(|mut b| async move {
        let meta = province();
        save(b.store(), &meta, MetadataMode::Replace).await;
        put(b.store(), &year_of_figures()).await;
        let submission = Submission {
            form: c("BC_THANG"),
            period: p("202308"),
            unit: c("SO_KHCN"),
            status: SubmissionStatus::Submitted,
            submitted_at: Some(at("2023-08-24T09:00:00")),
            submitted_by: Some("so_khcn".into()),
            review: None,
        };
        let mut tx = b.store().begin().await.unwrap();
        tx.put_submissions(std::slice::from_ref(&submission)).await.unwrap();
        tx.commit().await.unwrap();
        let values = b.store().values(&ValueFilter::default()).await.unwrap();

        b.reopen().await;
        assert_eq!(b.store().load_metadata().await.unwrap(), meta);
        assert_eq!(b.store().values(&ValueFilter::default()).await.unwrap(), values);
        assert_eq!(b.store().submissions(None, &[]).await.unwrap(), vec![submission]);
        // Ids of codes and periods carry on after a reopen.
        assert_eq!(put(b.store(), &year_of_figures()).await, vec![PutOutcome::Unchanged; values.len()]);
    })
    .await;
}

// ---------------------------------------------------------------------------
// Narratives and submissions

#[tokio::test]
async fn narratives_round_trip() {
    each_backend(|b| async move {
        let store = b.store();
        let n = |period: &str, unit: &str, section: &str, text: &str| Narrative {
            form: c("BC_THANG"),
            period: p(period),
            unit: c(unit),
            section: c(section),
            text: text.to_string(),
        };
        let items = vec![
            n("202308", "TINH", "KHO_KHAN", "Một số đơn vị, địa phương thực hiện báo cáo chưa kịp thời."),
            n("202308", "TINH", "KET_QUA", "Giải quyết 58.109 hồ sơ, trong đó 53.531 hồ sơ đúng hạn (92,12%)."),
            n("202307", "X_DONG_LOC", "DE_XUAT", "Đề nghị bổ sung máy tính cho bộ phận một cửa."),
        ];
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.put_narratives(&items).await.unwrap(), vec![PutOutcome::Imported; 3]);
        tx.commit().await.unwrap();

        // Ordered by form, period, unit, section.
        let all = store.narratives(None, None).await.unwrap();
        assert_eq!(all, vec![items[2].clone(), items[1].clone(), items[0].clone()]);
        assert_eq!(
            store.narratives(Some(&c("BC_THANG")), Some(&p("202308"))).await.unwrap(),
            vec![items[1].clone(), items[0].clone()]
        );
        assert!(store.narratives(Some(&c("BC_QUY")), None).await.unwrap().is_empty());
        assert!(store.narratives(None, Some(&p("202309"))).await.unwrap().is_empty());

        let mut edited = items.clone();
        edited[0].text.push_str(" Đã nhắc nhở.");
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.put_narratives(&edited).await.unwrap(),
            [PutOutcome::Updated, PutOutcome::Unchanged, PutOutcome::Unchanged]
        );
        tx.commit().await.unwrap();
        assert_eq!(store.narratives(None, Some(&p("202308"))).await.unwrap()[1], edited[0]);
    })
    .await;
}

#[tokio::test]
async fn submissions_round_trip() {
    each_backend(|b| async move {
        let store = b.store();
        let s = |form: &str, period: &str, unit: &str, status, when: Option<&str>| Submission {
            form: c(form),
            period: p(period),
            unit: c(unit),
            status,
            submitted_at: when.map(at),
            submitted_by: when.map(|_| format!("nguoi_gui_{unit}").to_lowercase()),
            review: None,
        };
        let items = vec![
            s("BC_THANG", "202308", "X_THIEN_LOC", SubmissionStatus::Draft, None),
            s("BC_THANG", "202308", "SO_KHCN", SubmissionStatus::Submitted, Some("2023-08-24T08:30:00")),
            s("BC_THANG", "202307", "SO_KHCN", SubmissionStatus::Approved, Some("2023-07-20T15:10:42.5")),
            s("BC_QUY", "2023Q3", "SO_KHCN", SubmissionStatus::Returned, Some("2023-09-06T10:00:00")),
        ];
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.put_submissions(&items).await.unwrap(), vec![PutOutcome::Imported; 4]);
        tx.commit().await.unwrap();

        let all = store.submissions(None, &[]).await.unwrap();
        assert_eq!(all, vec![items[3].clone(), items[2].clone(), items[1].clone(), items[0].clone()]);
        assert_eq!(
            store.submissions(Some(&c("BC_THANG")), &[p("202308")]).await.unwrap(),
            vec![items[1].clone(), items[0].clone()]
        );
        assert_eq!(
            store.submissions(None, &[p("202307"), p("2023Q3")]).await.unwrap(),
            vec![items[3].clone(), items[2].clone()]
        );
        assert_eq!(store.submissions(Some(&c("BC_QUY")), &[p("202308")]).await.unwrap(), vec![]);

        // The commune sends its report; the department's is unchanged.
        let mut sent = items[0].clone();
        sent.status = SubmissionStatus::Submitted;
        sent.submitted_at = Some(at("2023-08-26T07:00:00"));
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.put_submissions(&[sent.clone(), items[1].clone()]).await.unwrap(),
            [PutOutcome::Updated, PutOutcome::Unchanged]
        );
        tx.commit().await.unwrap();
        assert_eq!(store.submissions(None, &[p("202308")]).await.unwrap(), vec![items[1].clone(), sent]);
    })
    .await;
}

// ---------------------------------------------------------------------------
// Accounts, sessions and API tokens

const HASH_AN: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$4b2VtYWYzZGVmYWNlMTIzNDU2Nzg";
const HASH_BINH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bXVvaW11b2k$ZGVhZGJlZWZjYWZlYmFiZTAwMTEyMg";

fn account(username: &str, full_name: &str, role: Role, unit: Option<&str>) -> Account {
    Account {
        username: username.into(),
        full_name: full_name.into(),
        scope: Scope { role, unit: unit.map(c), include_descendants: false },
        active: true,
    }
}

/// The coordinating office and a commune reporter.
fn office() -> Account {
    account("vp_dieuphoi", "Nguyễn Văn An", Role::Office, None)
}

fn reporter() -> Account {
    account("xa_thienloc", "Lê Thị Bình", Role::Reporter, Some("X_THIEN_LOC"))
}

async fn create_accounts(store: &dyn Store, accounts: &[(Account, &str)]) {
    let mut tx = store.begin().await.unwrap();
    for (a, hash) in accounts {
        tx.create_account(&NewAccount { account: a.clone(), password_hash: hash.to_string() }).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// An audit entry without its id and time: (actor, route, subject, old, new, comment).
type Change = (String, String, AuditSubject, Option<String>, Option<String>, Option<String>);

fn change(e: &AuditEntry) -> Change {
    (e.username.clone(), e.route.clone(), e.subject.clone(), e.old.clone(), e.new.clone(), e.comment.clone())
}

async fn changes(store: &dyn Store, filter: AuditFilter) -> Vec<Change> {
    store.audit(&filter).await.unwrap().iter().map(change).collect()
}

fn by(actor: &Actor, subject: AuditSubject, old: Option<&str>, new: Option<&str>, comment: Option<&str>) -> Change {
    let s = |x: Option<&str>| x.map(str::to_string);
    (actor.username.clone(), actor.route.clone(), subject, s(old), s(new), s(comment))
}

fn value_subject(element: &str, option: Option<&str>, period: &str, unit: &str) -> AuditSubject {
    AuditSubject::Value { element: c(element), option: option.map(c), period: p(period), unit: c(unit) }
}

#[tokio::test]
async fn accounts_are_created_once_updated_and_keep_their_password_apart() {
    each_backend(|b| async move {
        let store = b.store();
        create_accounts(store, &[(reporter(), HASH_BINH), (office(), HASH_AN)]).await;
        // By username, whatever the order of creation.
        assert_eq!(store.accounts().await.unwrap(), vec![office(), reporter()]);
        assert_eq!(store.account("xa_thienloc").await.unwrap(), Some((reporter(), HASH_BINH.to_string())));
        assert_eq!(store.account("xa_dongloc").await.unwrap(), None);

        // A username is taken once; the failed transaction changes nothing.
        let mut tx = store.begin().await.unwrap();
        let twin = NewAccount {
            account: account("vp_dieuphoi", "Trần Văn Cường", Role::Admin, None),
            password_hash: HASH_BINH.into(),
        };
        let err = tx.create_account(&twin).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        assert!(err.to_string().contains("account[vp_dieuphoi]"), "{err}");
        tx.rollback().await.unwrap();
        assert_eq!(store.account("vp_dieuphoi").await.unwrap(), Some((office(), HASH_AN.to_string())));

        // The commune is merged: the reporter is deactivated, then given the district.
        let admin = Actor::new("quantri", "web");
        let mut moved = reporter();
        moved.scope.unit = Some(c("H_CAN_LOC"));
        moved.scope.include_descendants = true;
        moved.active = false;
        let mut tx = store.begin_as(&admin).await.unwrap();
        assert_eq!(tx.update_account(&moved).await.unwrap(), PutOutcome::Updated);
        assert_eq!(tx.update_account(&moved).await.unwrap(), PutOutcome::Unchanged);
        let err = tx.update_account(&account("xa_dongloc", "Phạm Văn Dũng", Role::Reporter, Some("X_DONG_LOC"))).await;
        assert!(matches!(err, Err(StoreError::Invalid { .. })), "{err:?}");
        tx.set_password("xa_thienloc", HASH_AN).await.unwrap();
        assert!(matches!(tx.set_password("xa_dongloc", HASH_AN).await, Err(StoreError::Invalid { .. })));
        tx.commit().await.unwrap();
        // An inactive account is still returned: the caller refuses the login.
        assert_eq!(store.account("xa_thienloc").await.unwrap(), Some((moved.clone(), HASH_AN.to_string())));
        assert_eq!(store.accounts().await.unwrap(), vec![office(), moved]);

        // The trail describes the accounts, never their password.
        let system = Actor::system();
        let subject = |u: &str| AuditSubject::Account { username: u.into() };
        let trail = changes(store, AuditFilter { kind: Some("account".into()), ..AuditFilter::default() }).await;
        assert_eq!(
            trail,
            vec![
                by(&admin, subject("xa_thienloc"), None, Some("password changed"), None),
                by(
                    &admin,
                    subject("xa_thienloc"),
                    Some("Lê Thị Bình; reporter; X_THIEN_LOC; active"),
                    Some("Lê Thị Bình; reporter; H_CAN_LOC and below; inactive"),
                    None
                ),
                by(&system, subject("vp_dieuphoi"), None, Some("Nguyễn Văn An; office; active"), None),
                by(&system, subject("xa_thienloc"), None, Some("Lê Thị Bình; reporter; X_THIEN_LOC; active"), None),
            ]
        );
        let all = store.audit(&AuditFilter::default()).await.unwrap();
        assert!(
            all.iter().all(|e| ![&e.old, &e.new].iter().any(|t| t.as_deref().is_some_and(|t| t.contains("argon2"))))
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_live_until_they_expire_or_end() {
    each_backend(|b| async move {
        let store = b.store();
        create_accounts(store, &[(office(), HASH_AN), (reporter(), HASH_BINH)]).await;
        let session = |hash: &str, user: &str, created: &str, expires: &str| Session {
            token_hash: hash.into(),
            username: user.into(),
            created_at: at(created),
            expires_at: at(expires),
            csrf: format!("csrf-{hash}"),
        };
        let monday = session("a1f3", "xa_thienloc", "2026-03-02T07:45:10.5", "2026-03-02T19:45:10.5");
        let tuesday = session("b7c2", "xa_thienloc", "2026-03-03T08:01:00", "2026-03-03T20:01:00");
        let office_s = session("c9d4", "vp_dieuphoi", "2026-03-03T08:30:00", "2026-03-03T20:30:00");
        let mut tx = store.begin().await.unwrap();
        for s in [&monday, &tuesday, &office_s] {
            tx.create_session(s).await.unwrap();
        }
        let ghost = session("d0e5", "xa_dongloc", "2026-03-03T09:00:00", "2026-03-03T21:00:00");
        assert!(matches!(tx.create_session(&ghost).await, Err(StoreError::Invalid { .. })));
        tx.commit().await.unwrap();

        assert_eq!(store.session("a1f3", at("2026-03-02T12:00:00")).await.unwrap(), Some(monday.clone()));
        assert_eq!(store.session("a1f3", at("2026-03-02T19:45:10.499")).await.unwrap(), Some(monday));
        // Expired at its expiry time, and after.
        assert_eq!(store.session("a1f3", at("2026-03-02T19:45:10.5")).await.unwrap(), None);
        assert_eq!(store.session("a1f3", at("2026-03-03T08:00:00")).await.unwrap(), None);
        assert_eq!(store.session("ffff", at("2026-03-02T12:00:00")).await.unwrap(), None);

        let noon = at("2026-03-03T12:00:00");
        let mut tx = store.begin().await.unwrap();
        tx.delete_session("c9d4").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.session("c9d4", noon).await.unwrap(), None);
        assert_eq!(store.session("b7c2", noon).await.unwrap(), Some(tuesday));

        // A password change ends both of the reporter's sessions, expired or not.
        let mut tx = store.begin().await.unwrap();
        tx.create_session(&office_s).await.unwrap();
        assert_eq!(tx.delete_sessions_of("xa_thienloc").await.unwrap(), 2);
        assert_eq!(tx.delete_sessions_of("xa_thienloc").await.unwrap(), 0);
        tx.commit().await.unwrap();
        assert_eq!(store.session("b7c2", noon).await.unwrap(), None);
        assert_eq!(store.session("c9d4", noon).await.unwrap(), Some(office_s));
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_listed_looked_up_and_revoked() {
    each_backend(|b| async move {
        let store = b.store();
        create_accounts(store, &[(office(), HASH_AN), (reporter(), HASH_BINH)]).await;
        let before = chrono::Local::now().naive_local() - chrono::Duration::seconds(1);
        let mut tx = store.begin().await.unwrap();
        let excel = tx.create_api_token("vp_dieuphoi", "Bảng tính tổng hợp", "5e88489d").await.unwrap();
        let sync = tx.create_api_token("vp_dieuphoi", "Đồng bộ LGSP", "9a0364b9").await.unwrap();
        let commune = tx.create_api_token("xa_thienloc", "Nhập liệu xã", "c4ca4238").await.unwrap();
        assert!(matches!(
            tx.create_api_token("xa_dongloc", "Không có", "eccbc87e").await,
            Err(StoreError::Invalid { .. })
        ));
        tx.commit().await.unwrap();
        assert!(excel < sync && sync < commune, "{excel} {sync} {commune}");

        // Newest first, without their secret.
        let tokens = store.api_tokens("vp_dieuphoi").await.unwrap();
        let listed: Vec<(i64, &str, Option<chrono::NaiveDateTime>)> =
            tokens.iter().map(|t| (t.id, t.name.as_str(), t.last_used_at)).collect();
        assert_eq!(listed, vec![(sync, "Đồng bộ LGSP", None), (excel, "Bảng tính tổng hợp", None)]);
        assert!(tokens.iter().all(|t| t.created_at >= before));
        assert_eq!(store.api_token_account("9a0364b9").await.unwrap().as_deref(), Some("vp_dieuphoi"));
        assert_eq!(store.api_token_account("c4ca4238").await.unwrap().as_deref(), Some("xa_thienloc"));
        assert_eq!(store.api_token_account("00000000").await.unwrap(), None);

        // An account revokes only its own tokens.
        let mut tx = store.begin().await.unwrap();
        assert!(!tx.delete_api_token("xa_thienloc", excel).await.unwrap());
        assert!(tx.delete_api_token("vp_dieuphoi", excel).await.unwrap());
        assert!(!tx.delete_api_token("vp_dieuphoi", excel).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(store.api_token_account("5e88489d").await.unwrap(), None);
        assert_eq!(store.api_tokens("vp_dieuphoi").await.unwrap().iter().map(|t| t.id).collect::<Vec<_>>(), [sync]);
        assert_eq!(store.api_tokens("xa_thienloc").await.unwrap().len(), 1);
    })
    .await;
}

// ---------------------------------------------------------------------------
// The audit trail

#[tokio::test]
async fn audit_records_each_value_inserted_updated_and_deleted() {
    each_backend(|b| async move {
        let store = b.store();
        let office = Actor::new("vp_dieuphoi", "import bc_thang_08.xlsx");
        let mut tx = store.begin_as(&office).await.unwrap();
        tx.put_values(&august()).await.unwrap();
        tx.commit().await.unwrap();
        let imported: Vec<Change> = august()
            .iter()
            .rev()
            .map(|v| {
                let subject = value_subject(v.element.as_str(), v.option.as_ref().map(Code::as_str), "202308", "TINH");
                by(&office, subject, None, Some(&v.value), None)
            })
            .collect();
        assert_eq!(changes(store, AuditFilter::default()).await, imported);

        // One figure corrected with an explanation; the others are unchanged
        // and leave no entry.
        let clerk = Actor::new("xa_thienloc", "web");
        let mut fixed = august();
        fixed[2].value = "631".into();
        fixed[2].comment = Some("Bổ sung 2 hồ sơ trễ hạn của xã Đồng Lộc".into());
        let mut tx = store.begin_as(&clerk).await.unwrap();
        tx.put_values(&fixed).await.unwrap();
        // Deleting the breakdown by level records each value removed.
        let breakdown = ValueFilter { elements: vec![c("HS_TIEP_NHAN")], ..ValueFilter::default() };
        assert_eq!(tx.delete_values(&breakdown).await.unwrap(), 3);
        tx.commit().await.unwrap();

        let trail = changes(store, AuditFilter::default()).await;
        assert_eq!(trail.len(), 7 + 1 + 3);
        assert_eq!(
            trail[..4],
            [
                by(&clerk, value_subject("HS_TIEP_NHAN", Some("CAP_XA"), "202308", "TINH"), Some("152083"), None, None),
                by(
                    &clerk,
                    value_subject("HS_TIEP_NHAN", Some("CAP_TINH"), "202308", "TINH"),
                    Some("104220"),
                    None,
                    None
                ),
                by(
                    &clerk,
                    value_subject("HS_TIEP_NHAN", Some("CAP_HUYEN"), "202308", "TINH"),
                    Some("37367"),
                    None,
                    None
                ),
                by(
                    &clerk,
                    value_subject("HS_TRE_HAN", None, "202308", "TINH"),
                    Some("629"),
                    Some("631"),
                    Some("Bổ sung 2 hồ sơ trễ hạn của xã Đồng Lộc")
                ),
            ]
        );
        assert_eq!(trail[4..], imported[..]);

        // The same cell twice in one batch: both steps are recorded.
        let twice =
            vec![value("HS_GIAI_QUYET", "202309", "TINH", "60000"), value("HS_GIAI_QUYET", "202309", "TINH", "60123")];
        put(store, &twice).await;
        let system = Actor::system();
        let september = value_subject("HS_GIAI_QUYET", None, "202309", "TINH");
        assert_eq!(
            changes(store, AuditFilter { limit: 2, ..AuditFilter::default() }).await,
            [
                by(&system, september.clone(), Some("60000"), Some("60123"), None),
                by(&system, september, None, Some("60000"), None),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn audit_records_narratives_and_review_decisions() {
    each_backend(|b| async move {
        let store = b.store();
        let commune = Actor::new("xa_thienloc", "web");
        let office = Actor::new("vp_dieuphoi", "web");
        let mut narrative = Narrative {
            form: c("BC_THANG"),
            period: p("202308"),
            unit: c("X_THIEN_LOC"),
            section: c("KHO_KHAN"),
            text: "Đường truyền Internet tại bộ phận một cửa chập chờn.".into(),
        };
        let mut report = Submission {
            form: c("BC_THANG"),
            period: p("202308"),
            unit: c("X_THIEN_LOC"),
            status: SubmissionStatus::Draft,
            submitted_at: None,
            submitted_by: None,
            review: None,
        };
        let mut tx = store.begin_as(&commune).await.unwrap();
        tx.put_narratives(std::slice::from_ref(&narrative)).await.unwrap();
        tx.put_submissions(std::slice::from_ref(&report)).await.unwrap();
        // Unchanged: no entry.
        assert_eq!(tx.put_narratives(std::slice::from_ref(&narrative)).await.unwrap(), [PutOutcome::Unchanged]);
        narrative.text.push_str(" Đã đề nghị VNPT khắc phục.");
        tx.put_narratives(std::slice::from_ref(&narrative)).await.unwrap();
        report.status = SubmissionStatus::Submitted;
        report.submitted_at = Some(at("2023-09-05T16:20:00"));
        report.submitted_by = Some("xa_thienloc".into());
        assert_eq!(tx.put_submissions(std::slice::from_ref(&report)).await.unwrap(), [PutOutcome::Updated]);
        tx.commit().await.unwrap();

        // The office returns the report with a reason.
        let reason = "Thiếu số hồ sơ trễ hạn; đề nghị bổ sung trước ngày 08/9.";
        report.status = SubmissionStatus::Returned;
        report.review =
            Some(Review { by: "vp_dieuphoi".into(), at: at("2023-09-06T10:15:30"), comment: Some(reason.into()) });
        let mut tx = store.begin_as(&office).await.unwrap();
        assert_eq!(tx.put_submissions(std::slice::from_ref(&report)).await.unwrap(), [PutOutcome::Updated]);
        assert_eq!(tx.put_submissions(std::slice::from_ref(&report)).await.unwrap(), [PutOutcome::Unchanged]);
        tx.commit().await.unwrap();
        assert_eq!(store.submissions(None, &[]).await.unwrap(), vec![report.clone()]);

        // A new reason alone is a change, and is recorded; a new sending
        // time alone is a change, but not a decision, and is not.
        let mut tx = store.begin_as(&office).await.unwrap();
        let reworded = "Thiếu số hồ sơ trễ hạn tháng 8.";
        report.review.as_mut().unwrap().comment = Some(reworded.into());
        assert_eq!(tx.put_submissions(std::slice::from_ref(&report)).await.unwrap(), [PutOutcome::Updated]);
        report.submitted_at = Some(at("2023-09-05T16:21:00"));
        assert_eq!(tx.put_submissions(std::slice::from_ref(&report)).await.unwrap(), [PutOutcome::Updated]);
        tx.commit().await.unwrap();
        assert_eq!(store.submissions(Some(&c("BC_THANG")), &[p("202308")]).await.unwrap(), vec![report]);

        let section = AuditSubject::Narrative {
            form: c("BC_THANG"),
            section: c("KHO_KHAN"),
            period: p("202308"),
            unit: c("X_THIEN_LOC"),
        };
        let sub = AuditSubject::Submission { form: c("BC_THANG"), period: p("202308"), unit: c("X_THIEN_LOC") };
        assert_eq!(
            changes(store, AuditFilter::default()).await,
            vec![
                by(&office, sub.clone(), Some("returned"), Some("returned"), Some(reworded)),
                by(&office, sub.clone(), Some("submitted"), Some("returned"), Some(reason)),
                by(&commune, sub.clone(), Some("draft"), Some("submitted"), None),
                by(
                    &commune,
                    section.clone(),
                    Some("Đường truyền Internet tại bộ phận một cửa chập chờn."),
                    Some("Đường truyền Internet tại bộ phận một cửa chập chờn. Đã đề nghị VNPT khắc phục."),
                    None
                ),
                by(&commune, sub, None, Some("draft"), None),
                by(&commune, section, None, Some("Đường truyền Internet tại bộ phận một cửa chập chờn."), None),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_no_audit_entry() {
    each_backend(|b| async move {
        let store = b.store();
        let mut tx = store.begin_as(&Actor::new("vp_dieuphoi", "web")).await.unwrap();
        tx.put_values(&august()).await.unwrap();
        tx.delete_values(&ValueFilter { elements: vec![c("HS_TRE_HAN")], ..ValueFilter::default() }).await.unwrap();
        tx.create_account(&NewAccount { account: reporter(), password_hash: HASH_BINH.into() }).await.unwrap();
        tx.set_password("xa_thienloc", HASH_AN).await.unwrap();
        tx.rollback().await.unwrap();
        {
            let mut tx = store.begin().await.unwrap();
            tx.put_values(&august()).await.unwrap();
            // dropped without commit
        }
        assert_eq!(store.audit(&AuditFilter::default()).await.unwrap(), vec![]);
        assert_eq!(store.accounts().await.unwrap(), vec![]);
        assert_eq!(store.count_values().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn audit_filters_are_anded_newest_first_and_paged() {
    each_backend(|b| async move {
        let store = b.store();
        let commune = Actor::new("xa_thienloc", "web");
        let office = Actor::new("vp_dieuphoi", "api");
        let mut tx = store.begin_as(&commune).await.unwrap();
        tx.put_values(&[
            value("HS_GIAI_QUYET", "202307", "X_THIEN_LOC", "287"),
            value("HS_TRE_HAN", "202307", "X_THIEN_LOC", "4"),
            value("HS_GIAI_QUYET", "202308", "X_THIEN_LOC", "312"),
            value("HS_TRE_HAN", "202308", "X_THIEN_LOC", "3"),
        ])
        .await
        .unwrap();
        tx.put_submissions(&[Submission {
            form: c("BC_THANG"),
            period: p("202308"),
            unit: c("X_THIEN_LOC"),
            status: SubmissionStatus::Submitted,
            submitted_at: Some(at("2023-09-05T16:20:00")),
            submitted_by: Some("xa_thienloc".into()),
            review: None,
        }])
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Later, so that entries differ in time.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let mut tx = store.begin_as(&office).await.unwrap();
        tx.put_values(&[
            value("HS_GIAI_QUYET", "202308", "TINH", "58109"),
            value("HS_GIAI_QUYET", "202308", "X_THIEN_LOC", "321"),
        ])
        .await
        .unwrap();
        tx.put_narratives(&[Narrative {
            form: c("BC_THANG"),
            period: p("202308"),
            unit: c("TINH"),
            section: c("KET_QUA"),
            text: "Giải quyết 58.109 hồ sơ, trong đó 53.531 hồ sơ đúng hạn (92,12%).".into(),
        }])
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let all = store.audit(&AuditFilter::default()).await.unwrap();
        assert_eq!(all.len(), 8);
        assert!(all.windows(2).all(|w| w[0].id > w[1].id && w[0].at >= w[1].at), "newest first");
        // What each filter keeps, as positions in the newest-first list:
        // 0 narrative TINH, 1 X_THIEN_LOC 08 312→321, 2 TINH value, 3 submission,
        // 4-7 the commune's four values (HS_TRE_HAN 08, HS_GIAI_QUYET 08, HS_TRE_HAN 07, HS_GIAI_QUYET 07).
        let ids = |positions: &[usize]| positions.iter().map(|&i| all[i].id).collect::<Vec<_>>();
        let found =
            |f: AuditFilter| async move { store.audit(&f).await.unwrap().iter().map(|e| e.id).collect::<Vec<_>>() };
        let f = AuditFilter::default;
        assert_eq!(found(AuditFilter { unit: Some(c("X_THIEN_LOC")), ..f() }).await, ids(&[1, 3, 4, 5, 6, 7]));
        assert_eq!(
            found(AuditFilter { unit: Some(c("X_THIEN_LOC")), period: Some(p("202308")), ..f() }).await,
            ids(&[1, 3, 4, 5])
        );
        assert_eq!(found(AuditFilter { element: Some(c("HS_GIAI_QUYET")), ..f() }).await, ids(&[1, 2, 5, 7]));
        assert_eq!(found(AuditFilter { period: Some(p("202307")), ..f() }).await, ids(&[6, 7]));
        assert_eq!(found(AuditFilter { username: Some("vp_dieuphoi".into()), ..f() }).await, ids(&[0, 1, 2]));
        assert_eq!(found(AuditFilter { kind: Some("submission".into()), ..f() }).await, ids(&[3]));
        assert_eq!(found(AuditFilter { form: Some(c("BC_THANG")), ..f() }).await, ids(&[0, 3]));
        assert_eq!(
            found(AuditFilter {
                username: Some("xa_thienloc".into()),
                kind: Some("value".into()),
                element: Some(c("HS_TRE_HAN")),
                ..f()
            })
            .await,
            ids(&[4, 6])
        );
        assert_eq!(found(AuditFilter { unit: Some(c("X_DONG_LOC")), ..f() }).await, ids(&[]));
        // Time: since is inclusive, until exclusive.
        let later = all[2].at;
        assert_eq!(found(AuditFilter { since: Some(later), ..f() }).await, ids(&[0, 1, 2]));
        assert_eq!(found(AuditFilter { until: Some(later), ..f() }).await, ids(&[3, 4, 5, 6, 7]));
        // Pages.
        assert_eq!(found(AuditFilter { limit: 3, ..f() }).await, ids(&[0, 1, 2]));
        assert_eq!(found(AuditFilter { limit: 3, offset: 3, ..f() }).await, ids(&[3, 4, 5]));
        assert_eq!(found(AuditFilter { limit: 3, offset: 6, ..f() }).await, ids(&[6, 7]));
        assert_eq!(found(AuditFilter { unit: Some(c("X_THIEN_LOC")), limit: 2, offset: 1, ..f() }).await, ids(&[3, 4]));

        // Without a limit, at most 200.
        let many: Vec<DataValue> =
            (0..250).map(|i| value("HS_TIEP_NHAN", "202309", &format!("XA_{i:03}"), &(i * 7).to_string())).collect();
        put(store, &many).await;
        let newest = store.audit(&AuditFilter::default()).await.unwrap();
        assert_eq!(newest.len(), 200);
        assert_eq!(newest[0].new.as_deref(), Some("1743"));
        assert_eq!(store.audit(&AuditFilter { limit: 1000, ..f() }).await.unwrap().len(), 258);
    })
    .await;
}

// ---------------------------------------------------------------------------
// Volume

/// 100 000 figures: 250 communes × 40 elements × 10 months, in one
/// transaction, then the same again (all unchanged).
#[tokio::test]
async fn bulk_import_of_100_000_values() {
    each_backend(|b| async move {
        let store = b.store();
        let mut values = Vec::with_capacity(100_000);
        for month in 1..=10 {
            let period = Period::month(2023, month).unwrap();
            for e in 0..40 {
                let element = c(&format!("CT_{e:02}"));
                for u in 0..250 {
                    values.push(DataValue {
                        element: element.clone(),
                        period,
                        unit: c(&format!("XA_{u:03}")),
                        option: None,
                        value: ((u * 37 + e * 11 + month as usize) % 1000).to_string(),
                        stored_by: Some("nhap_lieu".into()),
                        comment: None,
                        updated_at: None,
                    });
                }
            }
        }
        let started = Instant::now();
        let out = put(store, &values).await;
        let first = started.elapsed();
        assert_eq!(out.len(), 100_000);
        assert!(out.iter().all(|o| *o == PutOutcome::Imported));
        assert_eq!(store.count_values().await.unwrap(), 100_000);

        let started = Instant::now();
        let out = put(store, &values).await;
        let again = started.elapsed();
        assert!(out.iter().all(|o| *o == PutOutcome::Unchanged));

        let started = Instant::now();
        let mut n = 0u64;
        store.for_each_value(&ValueFilter::default(), &mut |_| n += 1).await.unwrap();
        let read = started.elapsed();
        assert_eq!(n, 100_000);
        eprintln!("100 000 values: import {first:.2?}, re-import (unchanged) {again:.2?}, read back {read:.2?}");
    })
    .await;
}

// ---------------------------------------------------------------------------
// SQLite only

#[tokio::test]
async fn sqlite_in_memory_works_like_a_file() {
    let store = SqliteStore::open_in_memory().await.unwrap();
    let store: &dyn Store = &store;
    save(store, &province(), MetadataMode::Replace).await;
    assert_eq!(put(store, &august()).await, vec![PutOutcome::Imported; august().len()]);
    assert_eq!(store.load_metadata().await.unwrap(), province());
    assert_eq!(unstamped(store.values(&ValueFilter::default()).await.unwrap()).len(), august().len());
    // Two in-memory stores are two databases.
    let other = SqliteStore::open_in_memory().await.unwrap();
    assert_eq!(other.count_values().await.unwrap(), 0);
}

#[tokio::test]
async fn sqlite_corrupt_metadata_names_kind_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chiso.db");
    let store = SqliteStore::open(&path).await.unwrap();
    save(&store, &province(), MetadataMode::Replace).await;
    store.close().await;

    let pool = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path)).await.unwrap();
    sqlx::query("UPDATE metadata_object SET body = '{\"code\": \"HS_TRE_HAN\"' WHERE kind = 'data_element' AND code = 'HS_TRE_HAN'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let store = SqliteStore::open(&path).await.unwrap();
    let err = store.load_metadata().await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("data_element[HS_TRE_HAN]"), "{err}");
}

#[tokio::test]
async fn sqlite_reads_values_whatever_their_ids() {
    // Key rows written by another program, with ids the store would not
    // choose: far apart (beyond a lookup table by id), so large that a
    // value's four ids no longer fit in one integer, or negative.
    let far_apart = ["INSERT INTO org_unit (id, code) VALUES (3000000, 'TINH')"];
    let too_large = [
        "INSERT INTO data_element (id, code) VALUES (2000000000, 'HS_TRE_HAN')",
        "INSERT INTO value_option (id, code) VALUES (1900000000, 'CAP_XA')",
        "INSERT INTO org_unit (id, code) VALUES (2100000000, 'TINH')",
    ];
    let negative = ["INSERT INTO data_element (id, code) VALUES (-5, 'HS_GIAI_QUYET')"];
    for keys in [&far_apart[..], &too_large[..], &negative[..]] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiso.db");
        let store = SqliteStore::open(&path).await.unwrap();
        let pool =
            sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&path)).await.unwrap();
        for &sql in keys {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
        // Without the unit separator in text, which is read another way.
        let written = against_the_order(false);
        put(&store, &written).await;
        assert_eq!(store.values(&ValueFilter::default()).await.unwrap(), in_store_order(written), "{keys:?}");
    }
}

#[tokio::test]
async fn sqlite_open_creates_the_file_and_its_directory_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moi.db");
    assert!(!path.exists());
    SqliteStore::open(&path).await.unwrap().close().await;
    assert!(path.exists());
    // Opening again runs no migration twice.
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.count_values().await.unwrap(), 0);
    assert!(SqliteStore::open(&dir.path().join("khong_co/chiso.db")).await.is_err());
}

// ---------------------------------------------------------------------------
// Report templates

#[tokio::test]
async fn report_templates_are_versioned_by_name_with_their_author() {
    each_backend(|b| async move {
        let store = b.store();
        assert_eq!(store.report_templates().await.unwrap(), vec![]);
        assert_eq!(store.report_template("monthly", None).await.unwrap(), None);

        let office = Actor::new("vp_dieuphoi", "cli");
        let first = "name: monthly\ntitle: Báo cáo tháng\n";
        let second = "name: monthly\ntitle: Báo cáo tháng tình hình chuyển đổi số\n";
        let mut tx = store.begin_as(&office).await.unwrap();
        assert_eq!(tx.save_report_template("monthly", first).await.unwrap(), 1);
        assert_eq!(tx.save_report_template("monthly", second).await.unwrap(), 2);
        // The latest body again: no new version.
        assert_eq!(tx.save_report_template("monthly", second).await.unwrap(), 2);
        tx.commit().await.unwrap();
        let editor = Actor::new("xa_thienloc", "web");
        let mut tx = store.begin_as(&editor).await.unwrap();
        assert_eq!(tx.save_report_template("weekly", "name: weekly\n").await.unwrap(), 1);
        assert_eq!(tx.save_report_template("monthly", second).await.unwrap(), 2);
        assert!(matches!(tx.save_report_template(" ", first).await, Err(StoreError::Invalid { .. })));
        tx.commit().await.unwrap();

        let versions = store.report_template_versions("monthly").await.unwrap();
        let brief: Vec<(u32, &str, &str)> =
            versions.iter().map(|t| (t.version, t.body.as_str(), t.author.as_str())).collect();
        assert_eq!(brief, vec![(2, second, "vp_dieuphoi"), (1, first, "vp_dieuphoi")]);
        assert!(versions.iter().all(|t| t.name == "monthly"));
        assert!(versions[0].created_at >= versions[1].created_at);

        // The latest, or the version asked for.
        assert_eq!(store.report_template("monthly", None).await.unwrap().as_ref(), Some(&versions[0]));
        assert_eq!(store.report_template("monthly", Some(1)).await.unwrap().as_ref(), Some(&versions[1]));
        assert_eq!(store.report_template("monthly", Some(3)).await.unwrap(), None);
        assert_eq!(store.report_template_versions("yearly").await.unwrap(), vec![]);

        // The latest version of each name, by name.
        let latest: Vec<(String, u32, String)> =
            store.report_templates().await.unwrap().into_iter().map(|t| (t.name, t.version, t.author)).collect();
        assert_eq!(
            latest,
            vec![("monthly".into(), 2, "vp_dieuphoi".into()), ("weekly".into(), 1, "xa_thienloc".into())]
        );

        // One audit entry per new version, with its author and route.
        let subject = |n: &str| AuditSubject::Template { name: n.into() };
        let trail = changes(store, AuditFilter { kind: Some("template".into()), ..AuditFilter::default() }).await;
        assert_eq!(
            trail,
            vec![
                by(&editor, subject("weekly"), None, Some("1"), None),
                by(&office, subject("monthly"), Some("1"), Some("2"), None),
                by(&office, subject("monthly"), None, Some("1"), None),
            ]
        );
        let by_editor = changes(store, AuditFilter { username: Some("xa_thienloc".into()), ..AuditFilter::default() });
        assert_eq!(by_editor.await.len(), 1);

        // A rolled-back save leaves neither a version nor an audit entry.
        let mut tx = store.begin_as(&office).await.unwrap();
        assert_eq!(tx.save_report_template("monthly", "name: monthly\n").await.unwrap(), 3);
        tx.rollback().await.unwrap();
        assert_eq!(store.report_template_versions("monthly").await.unwrap().len(), 2);
        assert_eq!(store.audit(&AuditFilter::default()).await.unwrap().len(), 3);

        // Versions survive reopening.
        let mut b = b;
        b.reopen().await;
        assert_eq!(b.store().report_template("monthly", None).await.unwrap().map(|t| t.version), Some(2));
    })
    .await;
}

// ---------------------------------------------------------------------------
// Registers

/// The demo province's registers as of 23/11/2026.
fn demo_registers() -> chiso_core::register::Registers {
    chiso_demo::registers(d(2026, 11, 23))
}

fn register_objects(r: &chiso_core::register::Registers) -> u64 {
    (r.state_budget.len()
        + r.projects.len()
        + r.recurrent_tasks.len()
        + r.tasks.len()
        + r.progress_reports.len()
        + r.systems.len()
        + r.dossiers.len()
        + r.indices.len()
        + r.assessments.len()) as u64
}

async fn save_registers(store: &dyn Store, r: &chiso_core::register::Registers, mode: MetadataMode) -> Counts {
    let mut tx = store.begin_as(&Actor::new("vp_kehoach", "cli")).await.unwrap();
    let n = tx.save_registers(r, mode).await.unwrap();
    tx.commit().await.unwrap();
    n
}

fn register_subject(kind: &str, code: &str) -> AuditSubject {
    AuditSubject::Register { kind: kind.into(), code: code.into() }
}

fn register_filter() -> AuditFilter {
    AuditFilter { kind: Some("register".into()), limit: 10_000, ..AuditFilter::default() }
}

#[tokio::test]
async fn registers_round_trip_in_order_and_survive_reopening() {
    each_backend(|mut b| async move {
        assert_eq!(b.store().load_registers().await.unwrap(), chiso_core::register::Registers::default());
        let reg = demo_registers();
        assert!(reg.projects.len() > 3 && reg.tasks.len() == 26 && !reg.progress_reports.is_empty());
        let n = register_objects(&reg);
        assert_eq!(save_registers(b.store(), &reg, MetadataMode::Replace).await, counts(n, 0, 0, 0));
        assert_eq!(b.store().load_registers().await.unwrap(), reg);
        b.reopen().await;
        assert_eq!(b.store().load_registers().await.unwrap(), reg);
        // The same registers again change nothing, in either mode.
        assert_eq!(save_registers(b.store(), &reg, MetadataMode::Replace).await, counts(0, 0, n, 0));
        assert_eq!(save_registers(b.store(), &reg, MetadataMode::Merge).await, counts(0, 0, n, 0));
        // The 2026 totals come back exact: 185.400 + 45.100 million.
        let back = b.store().load_registers().await.unwrap();
        let s = chiso_core::register::budget::summary(&back, 2026);
        assert_eq!(s.public_investment, chiso_core::register::Money::million(185_400));
        assert_eq!(s.recurrent, chiso_core::register::Money::million(45_100));
    })
    .await;
}

#[tokio::test]
async fn systems_and_dossiers_round_trip_and_are_audited_by_kind() {
    use chiso_core::register::security::{counts as dossier_counts, standings};
    each_backend(|mut b| async move {
        let reg = demo_registers();
        assert!(reg.systems.len() >= 30 && reg.dossiers.len() >= 30, "{} {}", reg.systems.len(), reg.dossiers.len());
        let part = chiso_core::register::Registers {
            systems: reg.systems.clone(),
            dossiers: reg.dossiers.clone(),
            ..Default::default()
        };
        let n = (part.systems.len() + part.dossiers.len()) as u64;
        assert_eq!(save_registers(b.store(), &part, MetadataMode::Replace).await, counts(n, 0, 0, 0));
        b.reopen().await;
        let back = b.store().load_registers().await.unwrap();
        assert_eq!(back, part);
        let as_of = d(2026, 11, 23);
        assert_eq!(dossier_counts(&standings(&back, as_of)), dossier_counts(&standings(&reg, as_of)));
        let audited = changes(b.store(), register_filter()).await;
        let (s0, d0) = (part.systems[0].code.as_str(), part.dossiers[0].code.as_str());
        assert!(audited.iter().any(|c| c.2 == register_subject("system", s0)), "{s0}");
        assert!(audited.iter().any(|c| c.2 == register_subject("dossier", d0)), "{d0}");
        // A dossier's new step is one update.
        let mut changed = part.clone();
        changed.dossiers[0].note = Some("Đã bổ sung hồ sơ".into());
        assert_eq!(save_registers(b.store(), &changed, MetadataMode::Merge).await, counts(0, 1, n - 1, 0));
        assert_eq!(b.store().load_registers().await.unwrap().dossiers[0], changed.dossiers[0]);
    })
    .await;
}

#[tokio::test]
async fn registers_merge_keeps_others_and_replace_makes_the_store_the_registers() {
    each_backend(|b| async move {
        let store = b.store();
        let reg = demo_registers();
        let n = register_objects(&reg);
        save_registers(store, &reg, MetadataMode::Replace).await;

        // Merge: one project changed, one task new, the rest untouched.
        let mut part = chiso_core::register::Registers::default();
        let mut p0 = reg.projects[0].clone();
        p0.note = Some("Đã điều chỉnh tổng mức đầu tư".into());
        part.projects.push(p0.clone());
        part.projects.push(reg.projects[1].clone());
        let mut extra = reg.tasks[0].clone();
        extra.code = c("NV99");
        extra.name = "Nhiệm vụ bổ sung".into();
        part.tasks.push(extra.clone());
        assert_eq!(save_registers(store, &part, MetadataMode::Merge).await, counts(1, 1, 1, 0));
        let merged = store.load_registers().await.unwrap();
        assert_eq!(merged.projects.len(), reg.projects.len());
        assert_eq!(merged.projects[0], p0, "a changed object keeps its place");
        assert_eq!(merged.tasks.len(), reg.tasks.len() + 1);
        assert_eq!(merged.tasks.last(), Some(&extra), "a new object goes after the kept ones");
        assert_eq!(merged.progress_reports, reg.progress_reports);

        // Replace: exactly `part`, in its order (NV99 moves to the front of
        // the tasks: updated); everything else is deleted.
        let deleted = n + 1 - 3;
        assert_eq!(save_registers(store, &part, MetadataMode::Replace).await, counts(0, 1, 2, deleted));
        assert_eq!(store.load_registers().await.unwrap(), part);

        // Two objects of a kind with one code are refused, naming kind and code.
        let mut twice = part.clone();
        twice.tasks.push(extra.clone());
        let mut tx = store.begin().await.unwrap();
        match tx.save_registers(&twice, MetadataMode::Merge).await {
            Err(StoreError::Invalid { place, .. }) => assert_eq!(place, "task[NV99]"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        tx.rollback().await.unwrap();
        assert_eq!(store.load_registers().await.unwrap(), part);
    })
    .await;
}

#[tokio::test]
async fn registers_changes_are_audited_by_kind_and_code() {
    each_backend(|b| async move {
        let store = b.store();
        let actor = Actor::new("vp_kehoach", "cli");
        let reg = demo_registers();
        let n = register_objects(&reg);
        save_registers(store, &reg, MetadataMode::Replace).await;
        let created = changes(store, register_filter()).await;
        assert_eq!(created.len() as u64, n);
        assert!(created.iter().all(|c| c.0 == "vp_kehoach" && c.1 == "cli" && c.3.is_none() && c.4.is_some()));
        let r0 = &reg.progress_reports[0];
        let report_code = format!("{}|{}|{}", r0.task, r0.date, r0.by);
        assert!(created.iter().any(|c| c.2 == register_subject("progress_report", &report_code)), "{report_code}");
        let year = reg.state_budget[0].year.to_string();
        assert!(created.iter().any(|c| c.2 == register_subject("state_budget", &year)));
        assert!(created.iter().any(|c| c.2 == register_subject("index", "DTI_2026")));
        let a0 = reg.assessments[0].key();
        assert!(a0.starts_with("DTI_2025|2025|") && created.iter().any(|c| c.2 == register_subject("assessment", &a0)));

        // An unchanged save writes no entry.
        save_registers(store, &reg, MetadataMode::Merge).await;
        assert_eq!(changes(store, register_filter()).await.len() as u64, n);

        // A change records the old and new documents; a deletion the old one.
        let mut changed = reg.clone();
        changed.projects[0].note = Some("Giảm vốn".into());
        let gone = changed.tasks.pop().unwrap();
        save_registers(store, &changed, MetadataMode::Replace).await;
        let latest = changes(store, AuditFilter { limit: 2, ..register_filter() }).await;
        let old_p = serde_json::to_string(&reg.projects[0]).unwrap();
        let new_p = serde_json::to_string(&changed.projects[0]).unwrap();
        let old_t = serde_json::to_string(&gone).unwrap();
        let mut want = vec![
            by(&actor, register_subject("task", gone.code.as_str()), Some(&old_t), None, None),
            by(&actor, register_subject("project", reg.projects[0].code.as_str()), Some(&old_p), Some(&new_p), None),
        ];
        let mut got = latest;
        got.sort_by(|a, b| format!("{:?}", a.2).cmp(&format!("{:?}", b.2)));
        want.sort_by(|a, b| format!("{:?}", a.2).cmp(&format!("{:?}", b.2)));
        assert_eq!(got, want);
        // The entry serialises with its register kind beside the entry kind.
        let e = &store.audit(&AuditFilter { limit: 1, ..register_filter() }).await.unwrap()[0];
        let j = serde_json::to_value(e).unwrap();
        assert_eq!(j["subject"]["kind"], json!("register"));
        assert!(j["subject"]["register_kind"].is_string());
    })
    .await;
}

#[tokio::test]
async fn registers_rolled_back_leave_nothing() {
    each_backend(|b| async move {
        let store = b.store();
        let reg = demo_registers();
        let mut tx = store.begin().await.unwrap();
        tx.save_registers(&reg, MetadataMode::Replace).await.unwrap();
        tx.rollback().await.unwrap();
        {
            let mut tx = store.begin().await.unwrap();
            tx.save_registers(&reg, MetadataMode::Merge).await.unwrap();
            // dropped without commit
        }
        assert_eq!(store.load_registers().await.unwrap(), chiso_core::register::Registers::default());
        assert_eq!(store.audit(&register_filter()).await.unwrap(), vec![]);
    })
    .await;
}

#[tokio::test]
async fn deleting_register_objects_is_audited_and_one_objects_history_is_found_by_its_key() {
    each_backend(|b| async move {
        let store = b.store();
        let reg = demo_registers();
        save_registers(store, &reg, MetadataMode::Replace).await;

        // A dossier changed, then deleted together with a key nobody stored.
        let mut d0 = reg.dossiers[0].clone();
        d0.note = Some("Bổ sung phương án".into());
        let one = chiso_core::register::Registers { dossiers: vec![d0.clone()], ..Default::default() };
        save_registers(store, &one, MetadataMode::Merge).await;
        let mut ghost = reg.dossiers[1].clone();
        ghost.code = c("HS_KHONG_CO");
        let gone = chiso_core::register::Registers { dossiers: vec![d0.clone(), ghost], ..Default::default() };
        let actor = Actor::new("vp_kehoach", "web");
        let mut tx = store.begin_as(&actor).await.unwrap();
        assert_eq!(tx.delete_registers(&gone).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let left = store.load_registers().await.unwrap();
        assert_eq!(left.dossiers.len(), reg.dossiers.len() - 1);
        assert!(left.dossiers.iter().all(|d| d.code != d0.code));
        assert_eq!(left.projects, reg.projects, "other kinds untouched");

        // The object's history, newest first: deleted (old, no new), changed, created.
        let code = d0.code.to_string();
        let history = store
            .audit(&AuditFilter {
                register_kind: Some("dossier".into()),
                register_code: Some(code.clone()),
                ..register_filter()
            })
            .await
            .unwrap();
        assert_eq!(history.len(), 3);
        assert!(history.iter().all(|e| e.subject == register_subject("dossier", &code)));
        assert_eq!((history[0].username.as_str(), history[0].route.as_str()), ("vp_kehoach", "web"));
        assert!(history[0].new.is_none());
        assert_eq!(history[0].old, history[1].new);
        assert!(history[1].new.as_deref().unwrap().contains("Bổ sung phương án"));
        assert!(history[2].old.is_none());
    })
    .await;
}
