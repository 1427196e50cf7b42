//! The SQLite store.
//!
//! One database file in WAL mode: readers see the last committed state while
//! a `StoreTx` writes. Writes take SQLite's single write lock at `begin`
//! (`BEGIN IMMEDIATE`), so two writers queue (up to the 5 s busy timeout)
//! instead of failing halfway through.
//!
//! Schema (`migrations/sqlite/`, embedded in the binary):
//! - `metadata_object(kind, code, position, body)`: each metadata object as a
//!   JSON document; `position` keeps the list order, so `load_metadata`
//!   returns exactly what was saved. `setting('name')` holds the deployment name.
//! - key tables `org_unit`, `data_element`, `value_option` (id 0 = no option)
//!   and `period(iso, period_type, start_date, end_date)`: compact ids created
//!   on demand, independent of the metadata.
//! - `data_value`, `narrative`, `submission`, keyed by those ids; a
//!   submission also holds the office's last review.
//! - `account`, `session`, `api_token` (migration 2): who logs in.
//! - `audit`: every change of a value, narrative, submission status or
//!   account, written by the `StoreTx` that makes it, with its `Actor`, as
//!   text (codes and period identifiers), so it outlives the key tables.
//! - `report_template(name, version, body, author, created_at)` (migration
//!   3): every saved version of a report template, as YAML text.
//! - `register_object(kind, code, position, body)` (migration 4): the
//!   registers (projects, recurrent tasks, state budget, tasks, progress
//!   reports, information systems, security dossiers, indices and their
//!   assessments), each object a JSON document like `metadata_object`; kinds
//!   `state_budget`, `project`, `recurrent_task`, `task`, `progress_report`,
//!   `system`, `dossier`, `index` (code = the index's code) and `assessment`
//!   (code = "index|period|unit|component").
//!
//! Values are read without joins or `ORDER BY`, a batch of them as one row
//! of `string_agg` columns (see "Reading values" below); `string_agg` needs
//! SQLite 3.44 or later (sqlx bundles 3.51).
//!
//! The SQL is written to run unchanged on PostgreSQL wherever possible:
//! `$n` placeholders, `INSERT ... ON CONFLICT`, INTEGER and TEXT columns only.
//! SQLite-only statements are marked "SQLite:".

use crate::{
    Account, Actor, ApiToken, AuditEntry, AuditFilter, AuditSubject, Counts, MetadataMode, NewAccount, PutOutcome,
    Session, Store, StoreError, StoreTx, StoredTemplate, ValueFilter,
};
use async_trait::async_trait;
use chiso_core::Code;
use chiso_core::access::{Role, Scope};
use chiso_core::metadata::Metadata;
use chiso_core::period::Period;
use chiso_core::register::Registers;
use chiso_core::value::{DataValue, Narrative, Review, Submission, SubmissionStatus};
use chrono::NaiveDateTime;
use futures_util::TryStreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row, SqlSafeStr, Sqlite, Transaction};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Values written per statement by `put_values`: 512 rows × 9 parameters
/// stays below SQLite's (32 766) and PostgreSQL's (65 535) limits.
const VALUE_CHUNK: usize = 512;

/// Audit entries written per statement: 512 rows × 14 parameters, below
/// both limits as well.
const AUDIT_CHUNK: usize = 512;

/// The schema versions, embedded so the binary needs no files. A new
/// migration is a new file in `migrations/sqlite/` and a new entry here.
fn migrator() -> Migrator {
    Migrator::with_migrations(vec![
        Migration::new(
            1,
            "init".into(),
            MigrationType::Simple,
            include_str!("../migrations/sqlite/0001_init.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            2,
            "accounts_audit".into(),
            MigrationType::Simple,
            include_str!("../migrations/sqlite/0002_accounts_audit.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            3,
            "report_templates".into(),
            MigrationType::Simple,
            include_str!("../migrations/sqlite/0003_report_templates.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            4,
            "registers".into(),
            MigrationType::Simple,
            include_str!("../migrations/sqlite/0004_registers.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            5,
            "register_audit_index".into(),
            MigrationType::Simple,
            include_str!("../migrations/sqlite/0005_register_audit_index.sql").into_sql_str(),
            false,
        ),
    ])
}

/// The chiso store in a SQLite file (or in memory, for tests).
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// `READ_BATCH`, smaller in tests.
    read_batch: i64,
}

impl SqliteStore {
    /// Opens the database file, creating it if missing, and brings its
    /// schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .synchronous(SqliteSynchronous::Normal)
            // SQLite: a page cache of up to 32 MiB a connection instead of
            // 2 MiB, so that a large import (values, their indexes and the
            // audit trail's) does not keep re-reading pages: 100 000 values
            // and their audit entries (`bulk_import_of_100_000_values`) went
            // from ≈1,4 s to ≈1,15 s. Memory is taken only as pages are read.
            .pragma("cache_size", "-32768");
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        Self::migrated(pool).await
    }

    /// A fresh store that lives as long as the value (and its clones).
    ///
    /// It has a single connection, so a read made while a `StoreTx` of the
    /// same store is open waits for that transaction to end (made by the task
    /// that holds the transaction, it fails after the pool's 30 s timeout):
    /// commit first, then read. A file store has no such limit.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let options =
            SqliteConnectOptions::from_str("sqlite::memory:")?.busy_timeout(Duration::from_secs(5)).foreign_keys(true);
        // The database disappears with its last connection: keep exactly one.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Self::migrated(pool).await
    }

    async fn migrated(pool: SqlitePool) -> Result<Self, StoreError> {
        migrator().run(&pool).await?;
        Ok(SqliteStore { pool, read_batch: READ_BATCH })
    }

    /// Waits for open connections to finish and closes them.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

// ---------------------------------------------------------------------------
// Text forms of dates, times and enums

fn time_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

fn now_text() -> String {
    time_text(chrono::Local::now().naive_local())
}

fn corrupt(place: impl Into<String>, message: impl ToString) -> StoreError {
    StoreError::Corrupt { place: place.into(), message: message.to_string() }
}

fn parse_time(s: &str, place: &str) -> Result<NaiveDateTime, StoreError> {
    s.parse::<NaiveDateTime>().map_err(|e| corrupt(place, format!("thời điểm \"{s}\": {e}")))
}

fn parse_code(s: String, place: &str) -> Result<Code, StoreError> {
    Code::new(s).map_err(|e| corrupt(place, e))
}

fn status_text(s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::Draft => "draft",
        SubmissionStatus::Submitted => "submitted",
        SubmissionStatus::Returned => "returned",
        SubmissionStatus::Approved => "approved",
    }
}

fn parse_status(s: &str, place: &str) -> Result<SubmissionStatus, StoreError> {
    Ok(match s {
        "draft" => SubmissionStatus::Draft,
        "submitted" => SubmissionStatus::Submitted,
        "returned" => SubmissionStatus::Returned,
        "approved" => SubmissionStatus::Approved,
        _ => return Err(corrupt(place, format!("trạng thái \"{s}\" không xác định"))),
    })
}

/// Parses periods read back, once per distinct identifier.
#[derive(Default)]
struct PeriodCache(HashMap<String, Period>);

impl PeriodCache {
    fn get(&mut self, iso: String, place: &str) -> Result<Period, StoreError> {
        if let Some(p) = self.0.get(&iso) {
            return Ok(*p);
        }
        let p: Period = iso.parse().map_err(|e| corrupt(place, format!("kỳ \"{iso}\": {e}")))?;
        self.0.insert(iso, p);
        Ok(p)
    }
}

/// "$a, $a+1, ..., $a+n-1", advancing `next`.
fn placeholders(next: &mut usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('$');
        s.push_str(&next.to_string());
        *next += 1;
    }
    s
}

/// `n` rows of `width` parameters each, "(?, ?), (?, ?)", for the statements
/// that write or look up hundreds of values at once.
///
/// SQLite: anonymous `?` on purpose. Binding a numbered parameter (`$n`)
/// makes SQLite walk its list of parameter names, so a statement with
/// thousands of them binds in quadratic time: 100 000 values took 4 s to
/// write with `$n` and 1 s with `?`. PostgreSQL: use `$n` here.
fn bulk_rows(n: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    vec![row; n].join(", ")
}

// ---------------------------------------------------------------------------
// Metadata as documents

/// One metadata object as stored.
struct Doc {
    kind: &'static str,
    code: String,
    body: String,
}

/// (kind, code, old body, new body) of a written or deleted document.
type DocChange = (String, String, Option<String>, Option<String>);

/// The tables that hold JSON documents by kind and code.
#[derive(Clone, Copy)]
enum DocTable {
    Metadata,
    Register,
}

impl DocTable {
    fn name(self) -> &'static str {
        match self {
            DocTable::Metadata => "metadata_object",
            DocTable::Register => "register_object",
        }
    }
}

fn docs_of<T: Serialize>(
    out: &mut Vec<Doc>,
    kind: &'static str,
    items: &[T],
    code: impl Fn(&T) -> String,
) -> Result<(), StoreError> {
    for it in items {
        let code = code(it);
        let body = serde_json::to_string(it)
            .map_err(|e| StoreError::Invalid { place: format!("{kind}[{code}]"), message: e.to_string() })?;
        out.push(Doc { kind, code, body });
    }
    Ok(())
}

/// The objects of a bundle, each list in order.
fn documents(m: &Metadata) -> Result<Vec<Doc>, StoreError> {
    let mut d = Vec::new();
    docs_of(&mut d, "level", &m.levels, |x| x.level.to_string())?;
    docs_of(&mut d, "unit_kind", &m.unit_kinds, |x| x.code.to_string())?;
    docs_of(&mut d, "org_unit", &m.org_units, |x| x.code.to_string())?;
    docs_of(&mut d, "unit_group", &m.unit_groups, |x| x.code.to_string())?;
    docs_of(&mut d, "pillar", &m.pillars, |x| x.code.to_string())?;
    docs_of(&mut d, "disaggregation", &m.disaggregations, |x| x.code.to_string())?;
    docs_of(&mut d, "data_element", &m.data_elements, |x| x.code.to_string())?;
    docs_of(&mut d, "indicator", &m.indicators, |x| x.code.to_string())?;
    docs_of(&mut d, "constant", &m.constants, |x| x.code.to_string())?;
    docs_of(&mut d, "validation_rule", &m.validation_rules, |x| x.code.to_string())?;
    docs_of(&mut d, "form", &m.forms, |x| x.code.to_string())?;
    docs_of(&mut d, "plan", &m.plans, |x| x.code.to_string())?;
    unique_codes(&d, "gói siêu dữ liệu")?;
    Ok(d)
}

/// Refuses two objects of one kind with one code ("mã bị trùng trong {whole}").
fn unique_codes(docs: &[Doc], whole: &str) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for doc in docs {
        if !seen.insert((doc.kind, doc.code.as_str())) {
            return Err(StoreError::Invalid {
                place: format!("{}[{}]", doc.kind, doc.code),
                message: format!("mã bị trùng trong {whole}"),
            });
        }
    }
    Ok(())
}

fn parse_doc<T: DeserializeOwned>(kind: &str, code: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt(format!("metadata_object {kind}[{code}]"), e))
}

fn add_doc(m: &mut Metadata, kind: &str, code: &str, body: &str) -> Result<(), StoreError> {
    match kind {
        "level" => m.levels.push(parse_doc(kind, code, body)?),
        "unit_kind" => m.unit_kinds.push(parse_doc(kind, code, body)?),
        "org_unit" => m.org_units.push(parse_doc(kind, code, body)?),
        "unit_group" => m.unit_groups.push(parse_doc(kind, code, body)?),
        "pillar" => m.pillars.push(parse_doc(kind, code, body)?),
        "disaggregation" => m.disaggregations.push(parse_doc(kind, code, body)?),
        "data_element" => m.data_elements.push(parse_doc(kind, code, body)?),
        "indicator" => m.indicators.push(parse_doc(kind, code, body)?),
        "constant" => m.constants.push(parse_doc(kind, code, body)?),
        "validation_rule" => m.validation_rules.push(parse_doc(kind, code, body)?),
        "form" => m.forms.push(parse_doc(kind, code, body)?),
        "plan" => m.plans.push(parse_doc(kind, code, body)?),
        _ => {
            return Err(corrupt(format!("metadata_object {kind}[{code}]"), "loại đối tượng không xác định"));
        }
    }
    Ok(())
}

/// The objects of the registers, each list in order; the code of a state
/// budget is its year, of a progress report "task|date|unit".
fn register_documents(r: &Registers) -> Result<Vec<Doc>, StoreError> {
    let mut d = Vec::new();
    docs_of(&mut d, "state_budget", &r.state_budget, |x| x.year.to_string())?;
    docs_of(&mut d, "project", &r.projects, |x| x.code.to_string())?;
    docs_of(&mut d, "recurrent_task", &r.recurrent_tasks, |x| x.code.to_string())?;
    docs_of(&mut d, "task", &r.tasks, |x| x.code.to_string())?;
    docs_of(&mut d, "progress_report", &r.progress_reports, |x| format!("{}|{}|{}", x.task, x.date, x.by))?;
    docs_of(&mut d, "system", &r.systems, |x| x.code.to_string())?;
    docs_of(&mut d, "dossier", &r.dossiers, |x| x.code.to_string())?;
    docs_of(&mut d, "index", &r.indices, |x| x.code.to_string())?;
    docs_of(&mut d, "assessment", &r.assessments, |x| x.key())?;
    unique_codes(&d, "sổ theo dõi")?;
    Ok(d)
}

fn parse_register_doc<T: DeserializeOwned>(kind: &str, code: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt(format!("register_object {kind}[{code}]"), e))
}

fn add_register_doc(r: &mut Registers, kind: &str, code: &str, body: &str) -> Result<(), StoreError> {
    match kind {
        "state_budget" => r.state_budget.push(parse_register_doc(kind, code, body)?),
        "project" => r.projects.push(parse_register_doc(kind, code, body)?),
        "recurrent_task" => r.recurrent_tasks.push(parse_register_doc(kind, code, body)?),
        "task" => r.tasks.push(parse_register_doc(kind, code, body)?),
        "progress_report" => r.progress_reports.push(parse_register_doc(kind, code, body)?),
        "system" => r.systems.push(parse_register_doc(kind, code, body)?),
        "dossier" => r.dossiers.push(parse_register_doc(kind, code, body)?),
        "index" => r.indices.push(parse_register_doc(kind, code, body)?),
        "assessment" => r.assessments.push(parse_register_doc(kind, code, body)?),
        _ => {
            return Err(corrupt(format!("register_object {kind}[{code}]"), "loại đối tượng không xác định"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Value filters

/// The WHERE clause (without the keyword; "1 = 1" when empty) on
/// `data_value`'s own columns, so SELECT and DELETE share it, and its
/// parameters, all text, numbered from `$1`.
fn filter_sql(f: &ValueFilter) -> (String, Vec<String>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut next = 1;
    if !f.elements.is_empty() {
        let ph = placeholders(&mut next, f.elements.len());
        conds.push(format!("element_id IN (SELECT id FROM data_element WHERE code IN ({ph}))"));
        args.extend(f.elements.iter().map(|c| c.to_string()));
    }
    if !f.units.is_empty() {
        let ph = placeholders(&mut next, f.units.len());
        conds.push(format!("unit_id IN (SELECT id FROM org_unit WHERE code IN ({ph}))"));
        args.extend(f.units.iter().map(|c| c.to_string()));
    }
    if !f.periods.is_empty() {
        let ph = placeholders(&mut next, f.periods.len());
        conds.push(format!("period_id IN (SELECT id FROM period WHERE iso IN ({ph}))"));
        args.extend(f.periods.iter().map(|p| p.to_string()));
    }
    if let Some((from, to)) = f.between {
        let (a, b) = (next, next + 1);
        conds.push(format!("period_id IN (SELECT id FROM period WHERE start_date >= ${a} AND end_date <= ${b})"));
        args.push(from.to_string());
        args.push(to.to_string());
    }
    if conds.is_empty() { ("1 = 1".into(), args) } else { (conds.join(" AND "), args) }
}

// ---------------------------------------------------------------------------
// Reading values
//
// `for_each_value` neither joins nor sorts in SQL, and does not fetch
// `data_value` row by row:
// - The key tables are small, so they are read whole (`ValueKeys`) and ids
//   are mapped back to codes here. Values are sorted here by the ranks of
//   their ids in code order, which is the order an `ORDER BY` on the codes
//   gives, at a fraction of SQLite's cost (no joins, no temporary b-tree).
// - sqlx-sqlite copies every column of every row into an allocation of its
//   own on its worker thread and sends the row over a channel, and the two
//   threads then take turns at SQLite's allocator lock: up to 1 µs a column,
//   most of the 7 µs a value used to cost. A batch of values comes back
//   instead as a single row of six `string_agg` columns, one item per value,
//   split here (`unpack`). SQLite computes that row in one pass over the table.
// Streaming the demo province (≈100 000 values) got 5-8 times faster
// (`cargo bench -p chiso-store`).
// PostgreSQL: its driver has neither cost, so plain rows (ids and columns,
// sorted here or by `ORDER BY` with the codes `COLLATE "C"`) may do; measure.
// If it packs too, each `string_agg` needs the same `ORDER BY` inside, as
// PostgreSQL does not promise to feed its aggregates the rows in one order.

/// Values read per batch, at most. A batch is sorted in memory, so this
/// bounds what a read holds. Batches are whole elements in code order: an
/// element with more values than this is a batch of its own.
const READ_BATCH: i64 = 200_000;

/// Separates the items of a packed column: the ASCII unit separator, which
/// no figure, name or comment holds. A batch whose text holds it anyway is
/// read row by row instead.
const PACK_SEP: char = '\u{1f}';

/// Ids below this are looked up in a vector (4 bytes an id), others in a map.
const DENSE_IDS: i32 = 1 << 20;

/// The ranks of a value's element, option, period and unit: sorting by them
/// gives the order of `Store::values`.
type Rank = (u32, u32, u32, u32);

/// The rank of each id of a key table. Ids are assigned in insertion order,
/// so they are small and a vector indexed by id is the usual case.
enum IdRanks {
    Dense(Vec<u32>),
    Sparse(HashMap<i32, u32>),
}

impl IdRanks {
    /// `ids` in rank order.
    fn new(ids: &[i32]) -> Self {
        if ids.iter().all(|id| (0..DENSE_IDS).contains(id)) {
            let mut ranks = vec![u32::MAX; ids.iter().max().map_or(0, |&id| id as usize + 1)];
            for (rank, &id) in ids.iter().enumerate() {
                ranks[id as usize] = rank as u32;
            }
            IdRanks::Dense(ranks)
        } else {
            IdRanks::Sparse(ids.iter().enumerate().map(|(rank, &id)| (id, rank as u32)).collect())
        }
    }

    fn get(&self, id: i32) -> Option<u32> {
        match self {
            IdRanks::Dense(ranks) => {
                usize::try_from(id).ok().and_then(|i| ranks.get(i)).copied().filter(|&r| r != u32::MAX)
            }
            IdRanks::Sparse(ranks) => ranks.get(&id).copied(),
        }
    }
}

/// One key table read whole, in the order values are returned by: codes in
/// byte order, periods by start date, end date and identifier. An id's rank
/// is its place in that order.
struct KeyMap<T> {
    /// Ids in rank order.
    ids: Vec<i32>,
    /// The code or period of each rank; or the stored text, which did not
    /// parse: an error only when a value refers to it.
    entries: Vec<Result<T, String>>,
    ranks: IdRanks,
}

impl<T> KeyMap<T> {
    /// `sql` selects (id, text) in rank order.
    async fn load(
        tx: &mut Transaction<'static, Sqlite>,
        sql: &'static str,
        parse: impl Fn(String) -> Result<T, String>,
    ) -> Result<Self, StoreError> {
        let rows = sqlx::query(sql).fetch_all(&mut **tx).await?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            ids.push(row.try_get(0)?);
            entries.push(parse(row.try_get(1)?));
        }
        let ranks = IdRanks::new(&ids);
        Ok(KeyMap { ids, entries, ranks })
    }

    fn rank(&self, id: i32, column: &str) -> Result<u32, StoreError> {
        self.ranks.get(id).ok_or_else(|| corrupt("data_value", format!("{column} {id} không tồn tại")))
    }

    fn entry(&self, rank: u32, column: &str) -> Result<&T, StoreError> {
        let i = rank as usize;
        self.entries[i]
            .as_ref()
            .map_err(|text| corrupt("data_value", format!("{column} {}: \"{text}\" không hợp lệ", self.ids[i])))
    }

    /// Bits the largest id needs; `None` if an id is negative.
    fn id_bits(&self) -> Option<u32> {
        let max = self.ids.iter().try_fold(0u32, |max, &id| u32::try_from(id).ok().map(|id| max.max(id)))?;
        Some(u32::BITS - max.leading_zeros())
    }
}

/// The key tables, read once per `for_each_value`.
struct ValueKeys {
    elements: KeyMap<Code>,
    /// Id 0, the empty code, is "no option".
    options: KeyMap<Option<Code>>,
    periods: KeyMap<Period>,
    units: KeyMap<Code>,
}

impl ValueKeys {
    async fn load(tx: &mut Transaction<'static, Sqlite>) -> Result<Self, StoreError> {
        fn code(s: String) -> Result<Code, String> {
            Code::new(s).map_err(|e| e.0)
        }
        Ok(ValueKeys {
            elements: KeyMap::load(tx, "SELECT id, code FROM data_element ORDER BY code", code).await?,
            options: KeyMap::load(tx, "SELECT id, code FROM value_option ORDER BY code", |s| {
                if s.is_empty() { Ok(None) } else { code(s).map(Some) }
            })
            .await?,
            periods: KeyMap::load(tx, "SELECT id, iso FROM period ORDER BY start_date, end_date, iso", |s| {
                s.parse().map_err(|_| s)
            })
            .await?,
            units: KeyMap::load(tx, "SELECT id, code FROM org_unit ORDER BY code", code).await?,
        })
    }

    /// The rank of a value's (element, option, period, unit) ids.
    fn rank(&self, [e, o, p, u]: [i32; 4]) -> Result<Rank, StoreError> {
        Ok((
            self.elements.rank(e, "element_id")?,
            self.options.rank(o, "option_id")?,
            self.periods.rank(p, "period_id")?,
            self.units.rank(u, "unit_id")?,
        ))
    }

    /// The value an item stands for.
    fn value<S: Into<String>>(&self, item: Item<S>) -> Result<DataValue, StoreError> {
        let (e, o, p, u) = item.rank;
        Ok(DataValue {
            element: self.elements.entry(e, "element_id")?.clone(),
            option: self.options.entry(o, "option_id")?.clone(),
            period: *self.periods.entry(p, "period_id")?,
            unit: self.units.entry(u, "unit_id")?.clone(),
            value: item.value.into(),
            stored_by: item.stored_by.map(Into::into),
            comment: item.comment.map(Into::into),
            updated_at: Some(item.updated_at),
        })
    }
}

/// How `packed_sql` packs a value's four ids into one integer:
/// ((element · 2^o + option) · 2^p + period) · 2^u + unit, each field as wide
/// as the largest id of its key table. The foreign keys of `data_value`
/// (enforced on every connection) keep its ids in the key tables, so no
/// field runs into the next.
#[derive(Clone, Copy)]
struct IdPacking {
    option_bits: u32,
    period_bits: u32,
    unit_bits: u32,
}

impl IdPacking {
    /// `None` when the ids do not fit in 63 bits, or one is negative.
    fn new(keys: &ValueKeys) -> Option<Self> {
        let (e, o) = (keys.elements.id_bits()?, keys.options.id_bits()?);
        let (p, u) = (keys.periods.id_bits()?, keys.units.id_bits()?);
        (e + o + p + u <= 63).then_some(IdPacking { option_bits: o, period_bits: p, unit_bits: u })
    }

    /// The factors 2^o, 2^p and 2^u, bound as parameters.
    fn factors(self) -> [i64; 3] {
        [1 << self.option_bits, 1 << self.period_bits, 1 << self.unit_bits]
    }

    /// (element, option, period, unit) ids.
    fn unpack(self, mut packed: u64) -> [i32; 4] {
        let mut field = |bits: u32| {
            let id = packed & ((1 << bits) - 1);
            packed >>= bits;
            id as i32
        };
        let u = field(self.unit_bits);
        let p = field(self.period_bits);
        let o = field(self.option_bits);
        [packed as i32, o, p, u]
    }
}

/// A value read, before its codes are looked up. Its text is borrowed from
/// a packed row (`&str`) or owned (`String`).
struct Item<S> {
    rank: Rank,
    value: S,
    stored_by: Option<S>,
    comment: Option<S>,
    updated_at: NaiveDateTime,
}

/// Parses `updated_at`, remembering the last one: values written together
/// share their time, and are stored next to each other.
#[derive(Default)]
struct TimeCache {
    text: String,
    time: Option<NaiveDateTime>,
}

impl TimeCache {
    fn get(&mut self, s: &str) -> Result<NaiveDateTime, StoreError> {
        match self.time {
            Some(t) if self.text == s => Ok(t),
            _ => {
                let t = parse_time(s, "data_value")?;
                self.text.clear();
                self.text.push_str(s);
                self.time = Some(t);
                Ok(t)
            }
        }
    }
}

/// `sql` with the filter's parameters bound, from `$1`.
fn query_with(sql: String, args: &[String], persistent: bool) -> Query<'static, Sqlite, SqliteArguments> {
    let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(persistent);
    for a in args {
        q = q.bind(a.clone());
    }
    q
}

/// Groups the elements that have values, (rank, id, count) in rank order,
/// into batches of consecutive elements of at most `limit` values.
fn batches(counts: &[(u32, i32, i64)], limit: i64) -> Vec<Vec<i32>> {
    let mut out: Vec<Vec<i32>> = Vec::new();
    let mut size = 0;
    for &(_, id, n) in counts {
        match out.last_mut() {
            Some(batch) if size + n <= limit => batch.push(id),
            _ => {
                out.push(vec![id]);
                size = 0;
            }
        }
        size += n;
    }
    out
}

/// The values of a batch as one row: their number, then per column the
/// items of all values joined by `PACK_SEP` (`$sep`; `$sep+1..$sep+3` are the
/// `IdPacking` factors). The aggregates of a query are fed the rows in one
/// order, so the n-th items of the columns are one value. `string_agg` skips
/// NULLs, so nullable text is prefixed with "=" and NULL is the empty item.
fn packed_sql(where_: &str, sep: usize) -> String {
    let (o, p, u) = (sep + 1, sep + 2, sep + 3);
    format!(
        "SELECT COUNT(*), \
         string_agg(CAST(((CAST(element_id AS BIGINT) * ${o} + option_id) * ${p} + period_id) * ${u} + unit_id AS TEXT), ${sep}), \
         string_agg(value, ${sep}), string_agg(COALESCE('=' || stored_by, ''), ${sep}), \
         string_agg(COALESCE('=' || comment, ''), ${sep}), string_agg(updated_at, ${sep}) \
         FROM data_value WHERE {where_}"
    )
}

/// Splits a row of `packed_sql` into items, in the order read; `None` when
/// some text held `PACK_SEP`, so that its items cannot be told apart.
fn unpack<'r>(
    row: &'r SqliteRow,
    packing: IdPacking,
    keys: &ValueKeys,
    times: &mut TimeCache,
) -> Result<Option<Vec<Item<&'r str>>>, StoreError> {
    let count: i64 = row.try_get(0)?;
    let Some(seps) = usize::try_from(count).ok().and_then(|n| n.checked_sub(1)) else {
        return Ok(Some(Vec::new()));
    };
    let mut columns = [""; 5];
    for (i, c) in columns.iter_mut().enumerate() {
        *c = row.try_get(i + 1)?;
    }
    if columns.iter().any(|c| c.bytes().filter(|&b| b == PACK_SEP as u8).count() != seps) {
        return Ok(None);
    }
    let mut parts = columns.map(|c| c.split(PACK_SEP));
    let mut items = Vec::with_capacity(seps + 1);
    for _ in 0..=seps {
        let [ids, value, stored_by, comment, at] = parts.each_mut().map(|p| p.next().unwrap_or_default());
        let ids: u64 = ids.parse().map_err(|_| corrupt("data_value", format!("khóa gộp \"{ids}\"")))?;
        items.push(Item {
            rank: keys.rank(packing.unpack(ids))?,
            value,
            stored_by: stored_by.strip_prefix('='),
            comment: comment.strip_prefix('='),
            updated_at: times.get(at)?,
        });
    }
    Ok(Some(items))
}

/// Hands `items` to `f` in rank order; returns how many.
fn emit<S: Into<String>>(
    mut items: Vec<Item<S>>,
    keys: &ValueKeys,
    f: &mut (dyn FnMut(DataValue) + Send),
) -> Result<u64, StoreError> {
    items.sort_unstable_by_key(|i| i.rank);
    let n = items.len() as u64;
    for item in items {
        f(keys.value(item)?);
    }
    Ok(n)
}

/// The values of an element batch, read one row at a time: for text that
/// holds `PACK_SEP` and ids that do not pack.
async fn read_rows(
    tx: &mut Transaction<'static, Sqlite>,
    query: Query<'static, Sqlite, SqliteArguments>,
    keys: &ValueKeys,
    times: &mut TimeCache,
) -> Result<Vec<Item<String>>, StoreError> {
    let mut items = Vec::new();
    let mut rows = query.fetch(&mut **tx);
    while let Some(row) = rows.try_next().await? {
        items.push(Item {
            rank: keys.rank([row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?])?,
            value: row.try_get(4)?,
            stored_by: row.try_get(5)?,
            comment: row.try_get(6)?,
            updated_at: times.get(row.try_get(7)?)?,
        });
    }
    Ok(items)
}

// ---------------------------------------------------------------------------
// Accounts, reviews and the audit trail

/// The columns `account_of` reads, in its order.
const ACCOUNT_COLUMNS: &str = "username, full_name, role, unit, include_descendants, active";

/// Audit entries listed when the filter sets no limit.
const DEFAULT_AUDIT_LIMIT: u32 = 200;

fn role_text(r: Role) -> &'static str {
    match r {
        Role::Admin => "admin",
        Role::Office => "office",
        Role::Reporter => "reporter",
        Role::Leader => "leader",
    }
}

fn parse_role(s: &str, place: &str) -> Result<Role, StoreError> {
    Ok(match s {
        "admin" => Role::Admin,
        "office" => Role::Office,
        "reporter" => Role::Reporter,
        "leader" => Role::Leader,
        _ => return Err(corrupt(place, format!("vai trò \"{s}\" không xác định"))),
    })
}

/// A flag as stored: INTEGER 0 or 1 (a bool would bind as BOOLEAN on PostgreSQL).
fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// A row that starts with `ACCOUNT_COLUMNS`.
fn account_of(row: &SqliteRow) -> Result<Account, StoreError> {
    let username: String = row.try_get(0)?;
    let place = format!("account[{username}]");
    let role: String = row.try_get(2)?;
    let unit: Option<String> = row.try_get(3)?;
    let (below, active): (i64, i64) = (row.try_get(4)?, row.try_get(5)?);
    Ok(Account {
        full_name: row.try_get(1)?,
        scope: Scope {
            role: parse_role(&role, &place)?,
            unit: unit.map(|u| parse_code(u, &place)).transpose()?,
            include_descendants: below != 0,
        },
        active: active != 0,
        username,
    })
}

/// What the audit trail says of an account: "Nguyễn Văn An; reporter;
/// X_THIEN_LOC; active". Never its password.
fn account_description(a: &Account) -> String {
    let mut parts = vec![a.full_name.clone(), role_text(a.scope.role).to_string()];
    if let Some(unit) = &a.scope.unit {
        parts.push(if a.scope.include_descendants { format!("{unit} and below") } else { unit.to_string() });
    }
    parts.push(if a.active { "active" } else { "inactive" }.to_string());
    parts.join("; ")
}

/// The review columns of a submission: none, or by and at together.
fn review_of(
    by: Option<String>,
    at: Option<String>,
    comment: Option<String>,
    place: &str,
) -> Result<Option<Review>, StoreError> {
    match (by, at) {
        (Some(by), Some(at)) => Ok(Some(Review { by, at: parse_time(&at, place)?, comment })),
        (None, None) if comment.is_none() => Ok(None),
        _ => Err(corrupt(place, "thông tin duyệt báo cáo thiếu người duyệt hoặc thời điểm duyệt")),
    }
}

/// An audit entry to write; the transaction adds the time and its actor.
/// The subject columns set depend on `kind` (see migration 0002).
#[derive(Default)]
struct AuditRow {
    kind: &'static str,
    element: Option<String>,
    option: Option<String>,
    form: Option<String>,
    section: Option<String>,
    period: Option<String>,
    unit: Option<String>,
    account: Option<String>,
    old: Option<String>,
    new: Option<String>,
    comment: Option<String>,
}

impl AuditRow {
    fn account(username: &str, old: Option<String>, new: Option<String>) -> Self {
        AuditRow { kind: "account", account: Some(username.to_string()), old, new, ..AuditRow::default() }
    }
}

/// The columns an audit entry is written to, after at, username and route.
const AUDIT_INSERT: &str = "INSERT INTO audit (at, username, route, kind, element, option, form, section, period, unit, account, old, new, comment)";

/// A row of the `audit` query in `Store::audit`.
fn audit_entry(row: &SqliteRow, periods: &mut PeriodCache) -> Result<AuditEntry, StoreError> {
    let id: i64 = row.try_get(0)?;
    let place = format!("audit[{id}]");
    let at: String = row.try_get(1)?;
    let kind: String = row.try_get(4)?;
    let text = |i: usize| -> Result<Option<String>, StoreError> { Ok(row.try_get(i)?) };
    let required = |i: usize, column: &str| -> Result<String, StoreError> {
        text(i)?.ok_or_else(|| corrupt(&place, format!("thiếu {column} cho loại \"{kind}\"")))
    };
    let code = |i: usize, column: &str| parse_code(required(i, column)?, &place);
    let mut period = |i: usize| -> Result<Period, StoreError> { periods.get(required(i, "period")?, &place) };
    let subject = match kind.as_str() {
        "value" => AuditSubject::Value {
            element: code(5, "element")?,
            option: text(6)?.map(|o| parse_code(o, &place)).transpose()?,
            period: period(9)?,
            unit: code(10, "unit")?,
        },
        "narrative" => AuditSubject::Narrative {
            form: code(7, "form")?,
            section: code(8, "section")?,
            period: period(9)?,
            unit: code(10, "unit")?,
        },
        "submission" => {
            AuditSubject::Submission { form: code(7, "form")?, period: period(9)?, unit: code(10, "unit")? }
        }
        "account" => AuditSubject::Account { username: required(11, "account")? },
        "template" => AuditSubject::Template { name: required(15, "template")? },
        "register" => {
            AuditSubject::Register { kind: required(16, "register_kind")?, code: required(17, "register_code")? }
        }
        _ => return Err(corrupt(&place, format!("loại \"{kind}\" không xác định"))),
    };
    Ok(AuditEntry {
        id,
        at: parse_time(&at, &place)?,
        username: row.try_get(2)?,
        route: row.try_get(3)?,
        subject,
        old: text(12)?,
        new: text(13)?,
        comment: text(14)?,
    })
}

// ---------------------------------------------------------------------------
// Reads

#[async_trait]
impl Store for SqliteStore {
    async fn begin_as(&self, actor: &Actor) -> Result<Box<dyn StoreTx>, StoreError> {
        // SQLite: take the write lock now, so the transaction never fails
        // with SQLITE_BUSY between its reads and its writes. PostgreSQL: BEGIN.
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Box::new(SqliteTx { tx, ids: IdCache::default(), actor: actor.clone() }))
    }

    async fn load_metadata(&self) -> Result<Metadata, StoreError> {
        let mut m = Metadata {
            name: sqlx::query_scalar("SELECT value FROM setting WHERE key = 'name'").fetch_optional(&self.pool).await?,
            ..Metadata::default()
        };
        let rows = sqlx::query("SELECT kind, code, body FROM metadata_object ORDER BY kind, position, code")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let (kind, code, body): (String, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            add_doc(&mut m, &kind, &code, &body)?;
        }
        Ok(m)
    }

    async fn values(&self, filter: &ValueFilter) -> Result<Vec<DataValue>, StoreError> {
        let mut out = Vec::new();
        self.for_each_value(filter, &mut |v| out.push(v)).await?;
        Ok(out)
    }

    async fn for_each_value(
        &self,
        filter: &ValueFilter,
        f: &mut (dyn FnMut(DataValue) + Send),
    ) -> Result<u64, StoreError> {
        let (cond, args) = filter_sql(filter);
        // One snapshot for all the statements (PostgreSQL: REPEATABLE READ),
        // so that no value refers to a key created after the keys were read.
        let mut tx = self.pool.begin().await?;
        let keys = ValueKeys::load(&mut tx).await?;
        let mut counts = Vec::new();
        let sql = format!("SELECT element_id, COUNT(*) FROM data_value WHERE {cond} GROUP BY element_id");
        for row in query_with(sql, &args, args.is_empty()).fetch_all(&mut *tx).await? {
            let id = row.try_get(0)?;
            counts.push((keys.elements.rank(id, "element_id")?, id, row.try_get(1)?));
        }
        counts.sort_unstable();
        let batches = batches(&counts, self.read_batch);
        let packing = IdPacking::new(&keys);
        let mut times = TimeCache::default();
        let mut n = 0;
        for batch in &batches {
            let where_ = if batches.len() == 1 {
                cond.clone()
            } else {
                // Integers read from the database: safe to inline.
                let ids: Vec<String> = batch.iter().map(|id| id.to_string()).collect();
                format!("{cond} AND element_id IN ({})", ids.join(", "))
            };
            let persistent = batches.len() == 1 && args.is_empty();
            if let Some(packing) = packing {
                let mut q =
                    query_with(packed_sql(&where_, args.len() + 1), &args, persistent).bind(PACK_SEP.to_string());
                for factor in packing.factors() {
                    q = q.bind(factor);
                }
                let row = q.fetch_one(&mut *tx).await?;
                if let Some(items) = unpack(&row, packing, &keys, &mut times)? {
                    n += emit(items, &keys, f)?;
                    continue;
                }
            }
            let sql = format!(
                "SELECT element_id, option_id, period_id, unit_id, value, stored_by, comment, updated_at \
                 FROM data_value WHERE {where_}"
            );
            let items = read_rows(&mut tx, query_with(sql, &args, persistent), &keys, &mut times).await?;
            n += emit(items, &keys, f)?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn count_values(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM data_value").fetch_one(&self.pool).await?;
        Ok(n as u64)
    }

    async fn narratives(&self, form: Option<&Code>, period: Option<&Period>) -> Result<Vec<Narrative>, StoreError> {
        const P: &str = "narrative";
        let rows = sqlx::query(
            "SELECT n.form, p.iso, u.code, n.section, n.body FROM narrative n \
             JOIN period p ON p.id = n.period_id JOIN org_unit u ON u.id = n.unit_id \
             WHERE ($1 IS NULL OR n.form = $1) AND ($2 IS NULL OR p.iso = $2) \
             ORDER BY n.form, p.start_date, p.end_date, p.iso, u.code, n.section",
        )
        .bind(form.map(|c| c.as_str()))
        .bind(period.map(|p| p.to_string()))
        .fetch_all(&self.pool)
        .await?;
        let mut periods = PeriodCache::default();
        rows.iter()
            .map(|row| {
                Ok(Narrative {
                    form: parse_code(row.try_get(0)?, P)?,
                    period: periods.get(row.try_get(1)?, P)?,
                    unit: parse_code(row.try_get(2)?, P)?,
                    section: parse_code(row.try_get(3)?, P)?,
                    text: row.try_get(4)?,
                })
            })
            .collect()
    }

    async fn submissions(&self, form: Option<&Code>, periods: &[Period]) -> Result<Vec<Submission>, StoreError> {
        const P: &str = "submission";
        let mut next = 2;
        let period_cond = if periods.is_empty() {
            String::new()
        } else {
            format!(" AND p.iso IN ({})", placeholders(&mut next, periods.len()))
        };
        let sql = format!(
            "SELECT s.form, p.iso, u.code, s.status, s.submitted_at, s.submitted_by, \
             s.reviewed_by, s.reviewed_at, s.review_comment FROM submission s \
             JOIN period p ON p.id = s.period_id JOIN org_unit u ON u.id = s.unit_id \
             WHERE ($1 IS NULL OR s.form = $1){period_cond} \
             ORDER BY s.form, p.start_date, p.end_date, p.iso, u.code"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(periods.is_empty()).bind(form.map(|c| c.as_str()));
        for p in periods {
            q = q.bind(p.to_string());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut cache = PeriodCache::default();
        rows.iter()
            .map(|row| {
                let status: String = row.try_get(3)?;
                let at: Option<String> = row.try_get(4)?;
                Ok(Submission {
                    form: parse_code(row.try_get(0)?, P)?,
                    period: cache.get(row.try_get(1)?, P)?,
                    unit: parse_code(row.try_get(2)?, P)?,
                    status: parse_status(&status, P)?,
                    submitted_at: at.map(|t| parse_time(&t, P)).transpose()?,
                    submitted_by: row.try_get(5)?,
                    review: review_of(row.try_get(6)?, row.try_get(7)?, row.try_get(8)?, P)?,
                })
            })
            .collect()
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY username");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(account_of).collect()
    }

    async fn account(&self, username: &str) -> Result<Option<(Account, String)>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM account WHERE username = $1");
        let row = sqlx::query(AssertSqlSafe(sql)).bind(username).fetch_optional(&self.pool).await?;
        row.map(|row| Ok((account_of(&row)?, row.try_get(6)?))).transpose()
    }

    async fn session(&self, token_hash: &str, now: NaiveDateTime) -> Result<Option<Session>, StoreError> {
        const P: &str = "session";
        let row = sqlx::query(
            "SELECT token_hash, username, created_at, expires_at, csrf FROM session \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(time_text(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (created, expires): (String, String) = (row.try_get(2)?, row.try_get(3)?);
        Ok(Some(Session {
            token_hash: row.try_get(0)?,
            username: row.try_get(1)?,
            created_at: parse_time(&created, P)?,
            expires_at: parse_time(&expires, P)?,
            csrf: row.try_get(4)?,
        }))
    }

    async fn api_token_account(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT username FROM api_token WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn api_tokens(&self, username: &str) -> Result<Vec<ApiToken>, StoreError> {
        const P: &str = "api_token";
        let rows = sqlx::query(
            "SELECT id, name, created_at, last_used_at FROM api_token WHERE username = $1 ORDER BY id DESC",
        )
        .bind(username)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let (created, used): (String, Option<String>) = (row.try_get(2)?, row.try_get(3)?);
                Ok(ApiToken {
                    id: row.try_get(0)?,
                    name: row.try_get(1)?,
                    created_at: parse_time(&created, P)?,
                    last_used_at: used.map(|t| parse_time(&t, P)).transpose()?,
                })
            })
            .collect()
    }

    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut eq = |column: &str, value: Option<String>, op: &str| {
            if let Some(v) = value {
                args.push(v);
                conds.push(format!("{column} {op} ${}", args.len()));
            }
        };
        eq("username", filter.username.clone(), "=");
        eq("unit", filter.unit.as_ref().map(Code::to_string), "=");
        eq("period", filter.period.as_ref().map(Period::to_string), "=");
        eq("element", filter.element.as_ref().map(Code::to_string), "=");
        eq("form", filter.form.as_ref().map(Code::to_string), "=");
        eq("kind", filter.kind.clone(), "=");
        eq("register_kind", filter.register_kind.clone(), "=");
        eq("register_code", filter.register_code.clone(), "=");
        eq("at", filter.since.map(time_text), ">=");
        eq("at", filter.until.map(time_text), "<");
        let where_ = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
        let n = args.len();
        let sql = format!(
            "SELECT id, at, username, route, kind, element, option, form, section, period, unit, account, old, new, comment, \
             template, register_kind, register_code FROM audit {where_} ORDER BY id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let limit = if filter.limit == 0 { DEFAULT_AUDIT_LIMIT } else { filter.limit };
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for a in args {
            q = q.bind(a);
        }
        let rows = q.bind(i64::from(limit)).bind(i64::from(filter.offset)).fetch_all(&self.pool).await?;
        let mut periods = PeriodCache::default();
        rows.iter().map(|row| audit_entry(row, &mut periods)).collect()
    }

    async fn report_templates(&self) -> Result<Vec<StoredTemplate>, StoreError> {
        let sql = format!(
            "SELECT {TEMPLATE_COLUMNS} FROM report_template t \
             WHERE version = (SELECT max(version) FROM report_template l WHERE l.name = t.name) ORDER BY name"
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(template_of).collect()
    }

    async fn report_template(&self, name: &str, version: Option<u32>) -> Result<Option<StoredTemplate>, StoreError> {
        let sql = format!(
            "SELECT {TEMPLATE_COLUMNS} FROM report_template WHERE name = $1 AND ($2 IS NULL OR version = $2) \
             ORDER BY version DESC LIMIT 1"
        );
        let row =
            sqlx::query(AssertSqlSafe(sql)).bind(name).bind(version.map(i64::from)).fetch_optional(&self.pool).await?;
        row.as_ref().map(template_of).transpose()
    }

    async fn report_template_versions(&self, name: &str) -> Result<Vec<StoredTemplate>, StoreError> {
        let sql = format!("SELECT {TEMPLATE_COLUMNS} FROM report_template WHERE name = $1 ORDER BY version DESC");
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(name).fetch_all(&self.pool).await?;
        rows.iter().map(template_of).collect()
    }

    async fn load_registers(&self) -> Result<Registers, StoreError> {
        let rows = sqlx::query("SELECT kind, code, body FROM register_object ORDER BY kind, position, code")
            .fetch_all(&self.pool)
            .await?;
        let mut r = Registers::default();
        for row in rows {
            let (kind, code, body): (String, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            add_register_doc(&mut r, &kind, &code, &body)?;
        }
        Ok(r)
    }
}

/// The columns `template_of` reads, in its order.
const TEMPLATE_COLUMNS: &str = "name, version, body, author, created_at";

/// A row that starts with `TEMPLATE_COLUMNS`.
fn template_of(row: &SqliteRow) -> Result<StoredTemplate, StoreError> {
    let name: String = row.try_get(0)?;
    let version: i64 = row.try_get(1)?;
    let place = format!("report_template[{name}, {version}]");
    let created: String = row.try_get(4)?;
    Ok(StoredTemplate {
        version: u32::try_from(version).map_err(|_| corrupt(&place, format!("phiên bản {version} không hợp lệ")))?,
        body: row.try_get(2)?,
        author: row.try_get(3)?,
        created_at: parse_time(&created, &place)?,
        name,
    })
}

// ---------------------------------------------------------------------------
// Writes

/// Ids of codes and periods already looked up in this transaction. It dies
/// with the transaction, so a rollback cannot leave a stale id behind.
#[derive(Default)]
struct IdCache {
    units: HashMap<String, i32>,
    elements: HashMap<String, i32>,
    options: HashMap<String, i32>,
    periods: HashMap<Period, i32>,
}

#[derive(Clone, Copy)]
enum KeyTable {
    Unit,
    Element,
    Option,
}

impl KeyTable {
    fn insert_sql(self) -> &'static str {
        match self {
            KeyTable::Unit => "INSERT INTO org_unit (code) VALUES ($1) ON CONFLICT (code) DO NOTHING",
            KeyTable::Element => "INSERT INTO data_element (code) VALUES ($1) ON CONFLICT (code) DO NOTHING",
            KeyTable::Option => "INSERT INTO value_option (code) VALUES ($1) ON CONFLICT (code) DO NOTHING",
        }
    }
    fn select_sql(self) -> &'static str {
        match self {
            KeyTable::Unit => "SELECT id FROM org_unit WHERE code = $1",
            KeyTable::Element => "SELECT id FROM data_element WHERE code = $1",
            KeyTable::Option => "SELECT id FROM value_option WHERE code = $1",
        }
    }
}

/// (element_id, option_id, period_id, unit_id)
type ValueKey = (i32, i32, i32, i32);

struct SqliteTx {
    tx: Transaction<'static, Sqlite>,
    ids: IdCache,
    /// Who the audit trail says made the changes.
    actor: Actor,
}

async fn code_id(
    tx: &mut Transaction<'static, Sqlite>,
    cache: &mut HashMap<String, i32>,
    table: KeyTable,
    code: &str,
) -> Result<i32, StoreError> {
    if let Some(&id) = cache.get(code) {
        return Ok(id);
    }
    // Look first, insert only when missing: on PostgreSQL a conflicting
    // insert would use up a number of the id sequence.
    let select = || sqlx::query_scalar::<_, i32>(table.select_sql()).bind(code);
    let id = match select().fetch_optional(&mut **tx).await? {
        Some(id) => id,
        None => {
            sqlx::query(table.insert_sql()).bind(code).execute(&mut **tx).await?;
            select().fetch_one(&mut **tx).await?
        }
    };
    cache.insert(code.to_string(), id);
    Ok(id)
}

async fn period_id(
    tx: &mut Transaction<'static, Sqlite>,
    cache: &mut HashMap<Period, i32>,
    period: &Period,
) -> Result<i32, StoreError> {
    if let Some(&id) = cache.get(period) {
        return Ok(id);
    }
    let iso = period.to_string();
    let select = || sqlx::query_scalar::<_, i32>("SELECT id FROM period WHERE iso = $1").bind(iso.as_str());
    let id = match select().fetch_optional(&mut **tx).await? {
        Some(id) => id,
        None => {
            sqlx::query(
                "INSERT INTO period (iso, period_type, start_date, end_date) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (iso) DO NOTHING",
            )
            .bind(iso.as_str())
            .bind(period.period_type().name())
            .bind(period.start().to_string())
            .bind(period.end().to_string())
            .execute(&mut **tx)
            .await?;
            select().fetch_one(&mut **tx).await?
        }
    };
    cache.insert(*period, id);
    Ok(id)
}

impl SqliteTx {
    /// Writes JSON documents by (kind, code) into `table`, keeping each
    /// kind's list order in `position`: `Merge` creates or replaces the
    /// documents given and appends new ones after the kept ones, `Replace`
    /// makes the table exactly `docs`. Returns the counts and every change
    /// as (kind, code, old body, new body), deletions last, in code order.
    async fn save_documents(
        &mut self,
        table: DocTable,
        docs: &[Doc],
        mode: MetadataMode,
    ) -> Result<(Counts, Vec<DocChange>), StoreError> {
        let name = table.name();
        let now = now_text();
        let mut stored: HashMap<(String, String), (i64, String)> = HashMap::new();
        let mut next_position: HashMap<String, i64> = HashMap::new();
        {
            let sql = format!("SELECT kind, code, position, body FROM {name}");
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *self.tx);
            while let Some(row) = rows.try_next().await? {
                let (kind, code, position, body): (String, String, i64, String) =
                    (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
                let n = next_position.entry(kind.clone()).or_insert(0);
                *n = (*n).max(position + 1);
                stored.insert((kind, code), (position, body));
            }
        }
        let mut counts = Counts::default();
        let mut changes: Vec<DocChange> = Vec::new();
        let mut index_in_kind: HashMap<&str, i64> = HashMap::new();
        let mut kept: HashSet<(&str, &str)> = HashSet::with_capacity(docs.len());
        let upsert = format!(
            "INSERT INTO {name} (kind, code, position, body, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind, code) DO UPDATE SET position = excluded.position, body = excluded.body, \
             updated_at = excluded.updated_at"
        );
        for doc in docs {
            let i = index_in_kind.entry(doc.kind).or_insert(0);
            let list_position = *i;
            *i += 1;
            kept.insert((doc.kind, doc.code.as_str()));
            let (position, outcome, old) = match stored.get(&(doc.kind.to_string(), doc.code.clone())) {
                None => {
                    // Merge appends new objects after the kept ones.
                    let position = match mode {
                        MetadataMode::Replace => list_position,
                        MetadataMode::Merge => {
                            let n = next_position.entry(doc.kind.to_string()).or_insert(0);
                            *n += 1;
                            *n - 1
                        }
                    };
                    (position, PutOutcome::Imported, None)
                }
                Some((old_position, old_body)) => {
                    let position = match mode {
                        MetadataMode::Replace => list_position,
                        MetadataMode::Merge => *old_position,
                    };
                    if *old_body == doc.body && *old_position == position {
                        counts.add(PutOutcome::Unchanged);
                        continue;
                    }
                    (position, PutOutcome::Updated, Some(old_body.clone()))
                }
            };
            sqlx::query(AssertSqlSafe(upsert.clone()))
                .bind(doc.kind)
                .bind(&doc.code)
                .bind(position)
                .bind(&doc.body)
                .bind(&now)
                .execute(&mut *self.tx)
                .await?;
            counts.add(outcome);
            changes.push((doc.kind.to_string(), doc.code.clone(), old, Some(doc.body.clone())));
        }
        if mode == MetadataMode::Replace {
            let mut gone: Vec<&(String, String)> =
                stored.keys().filter(|(k, c)| !kept.contains(&(k.as_str(), c.as_str()))).collect();
            gone.sort();
            let delete = format!("DELETE FROM {name} WHERE kind = $1 AND code = $2");
            for key in gone {
                let ((kind, code), (_, body)) = (key, &stored[key]);
                sqlx::query(AssertSqlSafe(delete.clone())).bind(kind).bind(code).execute(&mut *self.tx).await?;
                counts.deleted += 1;
                changes.push((kind.clone(), code.clone(), Some(body.clone()), None));
            }
        }
        Ok((counts, changes))
    }
    async fn unit_id(&mut self, code: &Code) -> Result<i32, StoreError> {
        code_id(&mut self.tx, &mut self.ids.units, KeyTable::Unit, code.as_str()).await
    }
    async fn period_id(&mut self, p: &Period) -> Result<i32, StoreError> {
        period_id(&mut self.tx, &mut self.ids.periods, p).await
    }

    async fn value_key(&mut self, v: &DataValue) -> Result<ValueKey, StoreError> {
        let e = code_id(&mut self.tx, &mut self.ids.elements, KeyTable::Element, v.element.as_str()).await?;
        let o = match &v.option {
            None => 0,
            Some(o) => code_id(&mut self.tx, &mut self.ids.options, KeyTable::Option, o.as_str()).await?,
        };
        let p = self.period_id(&v.period).await?;
        let u = self.unit_id(&v.unit).await?;
        Ok((e, o, p, u))
    }

    /// The stored (value, comment) of each key that has one.
    async fn stored_values(
        &mut self,
        keys: &[ValueKey],
    ) -> Result<HashMap<ValueKey, (String, Option<String>)>, StoreError> {
        let mut found = HashMap::with_capacity(keys.len());
        if keys.is_empty() {
            return Ok(found);
        }
        let sql = format!(
            "WITH k (e, o, p, u) AS (VALUES {}) SELECT d.element_id, d.option_id, d.period_id, d.unit_id, d.value, d.comment FROM k \
             JOIN data_value d ON d.element_id = k.e AND d.option_id = k.o AND d.period_id = k.p AND d.unit_id = k.u",
            bulk_rows(keys.len(), 4)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for &(e, o, p, u) in keys {
            q = q.bind(e).bind(o).bind(p).bind(u);
        }
        let mut rows = q.fetch(&mut *self.tx);
        while let Some(row) = rows.try_next().await? {
            let key: ValueKey = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
            found.insert(key, (row.try_get(4)?, row.try_get(5)?));
        }
        Ok(found)
    }

    /// Writes audit entries as made now by the transaction's actor, in
    /// multi-row statements.
    async fn write_audit(&mut self, rows: &[AuditRow]) -> Result<(), StoreError> {
        let at = now_text();
        for chunk in rows.chunks(AUDIT_CHUNK) {
            let sql = format!("{AUDIT_INSERT} VALUES {}", bulk_rows(chunk.len(), 14));
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(at.as_str())
                    .bind(self.actor.username.as_str())
                    .bind(self.actor.route.as_str())
                    .bind(r.kind)
                    .bind(r.element.as_deref())
                    .bind(r.option.as_deref())
                    .bind(r.form.as_deref())
                    .bind(r.section.as_deref())
                    .bind(r.period.as_deref())
                    .bind(r.unit.as_deref())
                    .bind(r.account.as_deref())
                    .bind(r.old.as_deref())
                    .bind(r.new.as_deref())
                    .bind(r.comment.as_deref());
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Writes the audit entries of values put: (value, its old text). The
    /// bulk of the audit trail, so its statement is lean: the time and actor
    /// are bound once and the other subject columns are constants.
    /// SQLite: anonymous `?` (see `bulk_rows`); the VALUES columns are named
    /// column1, column2... on both SQLite and PostgreSQL.
    async fn write_value_audit(&mut self, rows: &[(&DataValue, Option<&str>)]) -> Result<(), StoreError> {
        let at = now_text();
        for chunk in rows.chunks(AUDIT_CHUNK) {
            let sql = format!(
                "{AUDIT_INSERT} SELECT ?, ?, ?, 'value', column1, column2, NULL, NULL, column3, column4, NULL, \
                 column5, column6, column7 FROM (VALUES {})",
                bulk_rows(chunk.len(), 7)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql))
                .bind(at.as_str())
                .bind(self.actor.username.as_str())
                .bind(self.actor.route.as_str());
            for &(v, old) in chunk {
                q = q
                    .bind(v.element.as_str())
                    .bind(v.option.as_ref().map(Code::as_str))
                    .bind(v.period.to_string())
                    .bind(v.unit.as_str())
                    .bind(old)
                    .bind(v.value.as_str())
                    .bind(v.comment.as_deref());
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// The stored account, or `Invalid` when there is none.
    async fn existing_account(&mut self, username: &str) -> Result<Account, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE username = $1");
        match sqlx::query(AssertSqlSafe(sql)).bind(username).fetch_optional(&mut *self.tx).await? {
            Some(row) => account_of(&row),
            None => Err(StoreError::Invalid {
                place: format!("account[{username}]"),
                message: "không có tài khoản với tên đăng nhập này".into(),
            }),
        }
    }

    async fn upsert_values(&mut self, rows: &[(ValueKey, &DataValue)], now: &str) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO data_value (element_id, option_id, period_id, unit_id, value, stored_by, comment, created_at, updated_at) \
             VALUES {} ON CONFLICT (element_id, option_id, period_id, unit_id) DO UPDATE SET \
             value = excluded.value, stored_by = excluded.stored_by, comment = excluded.comment, updated_at = excluded.updated_at",
            bulk_rows(rows.len(), 9)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for &((e, o, p, u), v) in rows {
            let updated = v.updated_at.map(time_text).unwrap_or_else(|| now.to_string());
            q = q
                .bind(e)
                .bind(o)
                .bind(p)
                .bind(u)
                .bind(v.value.as_str())
                .bind(v.stored_by.as_deref())
                .bind(v.comment.as_deref())
                .bind(now)
                .bind(updated);
        }
        q.execute(&mut *self.tx).await?;
        Ok(())
    }
}

#[async_trait]
impl StoreTx for SqliteTx {
    async fn save_metadata(&mut self, meta: &Metadata, mode: MetadataMode) -> Result<Counts, StoreError> {
        let (counts, _) = self.save_documents(DocTable::Metadata, &documents(meta)?, mode).await?;
        match (&meta.name, mode) {
            (Some(name), _) => {
                sqlx::query("INSERT INTO setting (key, value) VALUES ('name', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind(name)
                    .execute(&mut *self.tx)
                    .await?;
            }
            (None, MetadataMode::Replace) => {
                sqlx::query("DELETE FROM setting WHERE key = 'name'").execute(&mut *self.tx).await?;
            }
            (None, MetadataMode::Merge) => {}
        }
        Ok(counts)
    }

    async fn put_values(&mut self, values: &[DataValue]) -> Result<Vec<PutOutcome>, StoreError> {
        let now = now_text();
        let mut out = Vec::with_capacity(values.len());
        for chunk in values.chunks(VALUE_CHUNK) {
            let mut keys = Vec::with_capacity(chunk.len());
            for v in chunk {
                keys.push(self.value_key(v).await?);
            }
            let mut distinct = keys.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let stored = self.stored_values(&distinct).await?;
            // A key met twice in the chunk is compared with its earlier
            // occurrence and written once, with its last value.
            let mut pending: HashMap<ValueKey, usize> = HashMap::new();
            let mut writes: Vec<(ValueKey, &DataValue)> = Vec::new();
            // One entry per change, a key met twice recording both steps.
            let mut audit = Vec::new();
            for (v, &key) in chunk.iter().zip(&keys) {
                let current = match pending.get(&key) {
                    Some(&i) => {
                        let earlier: &DataValue = writes[i].1;
                        Some((earlier.value.as_str(), earlier.comment.as_deref()))
                    }
                    None => stored.get(&key).map(|(val, com)| (val.as_str(), com.as_deref())),
                };
                let outcome = match current {
                    None => PutOutcome::Imported,
                    Some((val, com)) if val == v.value && com == v.comment.as_deref() => PutOutcome::Unchanged,
                    Some(_) => PutOutcome::Updated,
                };
                if outcome != PutOutcome::Unchanged {
                    audit.push((v, current.map(|(val, _)| val)));
                    match pending.get(&key) {
                        Some(&i) => writes[i].1 = v,
                        None => {
                            pending.insert(key, writes.len());
                            writes.push((key, v));
                        }
                    }
                }
                out.push(outcome);
            }
            self.upsert_values(&writes, &now).await?;
            self.write_value_audit(&audit).await?;
        }
        Ok(out)
    }

    async fn delete_values(&mut self, filter: &ValueFilter) -> Result<u64, StoreError> {
        let (cond, args) = filter_sql(filter);
        // The audit entries first, in one statement, while the values exist;
        // in the order of `Store::values`. `cond` names only columns of
        // `data_value`, which the key tables do not have.
        let n = args.len();
        let (at, user, route) = (n + 1, n + 2, n + 3);
        let sql = format!(
            "{AUDIT_INSERT} SELECT ${at}, ${user}, ${route}, 'value', e.code, NULLIF(o.code, ''), NULL, NULL, p.iso, u.code, \
             NULL, d.value, NULL, NULL FROM data_value d \
             JOIN data_element e ON e.id = d.element_id JOIN value_option o ON o.id = d.option_id \
             JOIN period p ON p.id = d.period_id JOIN org_unit u ON u.id = d.unit_id \
             WHERE {cond} ORDER BY e.code, o.code, p.start_date, p.end_date, p.iso, u.code"
        );
        query_with(sql, &args, false)
            .bind(now_text())
            .bind(self.actor.username.clone())
            .bind(self.actor.route.clone())
            .execute(&mut *self.tx)
            .await?;
        let mut q = sqlx::query(AssertSqlSafe(format!("DELETE FROM data_value WHERE {cond}"))).persistent(false);
        for a in args {
            q = q.bind(a);
        }
        Ok(q.execute(&mut *self.tx).await?.rows_affected())
    }

    async fn put_narratives(&mut self, items: &[Narrative]) -> Result<Vec<PutOutcome>, StoreError> {
        let now = now_text();
        let mut out = Vec::with_capacity(items.len());
        let mut audit = Vec::new();
        for n in items {
            let p = self.period_id(&n.period).await?;
            let u = self.unit_id(&n.unit).await?;
            let old: Option<String> = sqlx::query_scalar(
                "SELECT body FROM narrative WHERE form = $1 AND period_id = $2 AND unit_id = $3 AND section = $4",
            )
            .bind(n.form.as_str())
            .bind(p)
            .bind(u)
            .bind(n.section.as_str())
            .fetch_optional(&mut *self.tx)
            .await?;
            let outcome = match &old {
                None => PutOutcome::Imported,
                Some(t) if *t == n.text => PutOutcome::Unchanged,
                Some(_) => PutOutcome::Updated,
            };
            if outcome != PutOutcome::Unchanged {
                sqlx::query(
                    "INSERT INTO narrative (form, period_id, unit_id, section, body, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (form, period_id, unit_id, section) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                )
                .bind(n.form.as_str())
                .bind(p)
                .bind(u)
                .bind(n.section.as_str())
                .bind(n.text.as_str())
                .bind(&now)
                .execute(&mut *self.tx)
                .await?;
                audit.push(AuditRow {
                    kind: "narrative",
                    form: Some(n.form.to_string()),
                    section: Some(n.section.to_string()),
                    period: Some(n.period.to_string()),
                    unit: Some(n.unit.to_string()),
                    old,
                    new: Some(n.text.clone()),
                    ..AuditRow::default()
                });
            }
            out.push(outcome);
        }
        self.write_audit(&audit).await?;
        Ok(out)
    }

    async fn put_submissions(&mut self, items: &[Submission]) -> Result<Vec<PutOutcome>, StoreError> {
        const P: &str = "submission";
        let now = now_text();
        let mut out = Vec::with_capacity(items.len());
        let mut audit = Vec::new();
        for s in items {
            let p = self.period_id(&s.period).await?;
            let u = self.unit_id(&s.unit).await?;
            let old = sqlx::query(
                "SELECT status, submitted_at, submitted_by, reviewed_by, reviewed_at, review_comment FROM submission \
                 WHERE form = $1 AND period_id = $2 AND unit_id = $3",
            )
            .bind(s.form.as_str())
            .bind(p)
            .bind(u)
            .fetch_optional(&mut *self.tx)
            .await?;
            // The stored status, and whether the status or review changed.
            let (outcome, old_status, decided) = match old {
                None => (PutOutcome::Imported, None, true),
                Some(row) => {
                    let (status, old_at, by): (String, Option<String>, Option<String>) =
                        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                    let old_at = old_at.map(|t| parse_time(&t, P)).transpose()?;
                    let review = review_of(row.try_get(3)?, row.try_get(4)?, row.try_get(5)?, P)?;
                    let decided = status != status_text(s.status) || review != s.review;
                    let outcome = if decided || old_at != s.submitted_at || by != s.submitted_by {
                        PutOutcome::Updated
                    } else {
                        PutOutcome::Unchanged
                    };
                    (outcome, Some(status), decided)
                }
            };
            if outcome != PutOutcome::Unchanged {
                let review = s.review.as_ref();
                sqlx::query(
                    "INSERT INTO submission (form, period_id, unit_id, status, submitted_at, submitted_by, \
                     reviewed_by, reviewed_at, review_comment, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (form, period_id, unit_id) DO UPDATE SET status = excluded.status, \
                     submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, \
                     reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, \
                     review_comment = excluded.review_comment, updated_at = excluded.updated_at",
                )
                .bind(s.form.as_str())
                .bind(p)
                .bind(u)
                .bind(status_text(s.status))
                .bind(s.submitted_at.map(time_text))
                .bind(s.submitted_by.as_deref())
                .bind(review.map(|r| r.by.as_str()))
                .bind(review.map(|r| time_text(r.at)))
                .bind(review.and_then(|r| r.comment.as_deref()))
                .bind(&now)
                .execute(&mut *self.tx)
                .await?;
            }
            // A new submission, a new status or a new review decision is
            // audited; a changed submission time or sender alone is not.
            if decided {
                audit.push(AuditRow {
                    kind: "submission",
                    form: Some(s.form.to_string()),
                    period: Some(s.period.to_string()),
                    unit: Some(s.unit.to_string()),
                    old: old_status,
                    new: Some(status_text(s.status).to_string()),
                    comment: s.review.as_ref().and_then(|r| r.comment.clone()),
                    ..AuditRow::default()
                });
            }
            out.push(outcome);
        }
        self.write_audit(&audit).await?;
        Ok(out)
    }

    async fn create_account(&mut self, account: &NewAccount) -> Result<(), StoreError> {
        let a = &account.account;
        let place = || format!("account[{}]", a.username);
        if a.username.trim().is_empty() {
            return Err(StoreError::Invalid { place: place(), message: "tên đăng nhập trống".into() });
        }
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM account WHERE username = $1")
            .bind(a.username.as_str())
            .fetch_optional(&mut *self.tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Invalid {
                place: place(), message: "tên đăng nhập đã được dùng".into()
            });
        }
        let now = now_text();
        sqlx::query(
            "INSERT INTO account (username, full_name, role, unit, include_descendants, active, password_hash, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(a.username.as_str())
        .bind(a.full_name.as_str())
        .bind(role_text(a.scope.role))
        .bind(a.scope.unit.as_ref().map(Code::as_str))
        .bind(flag(a.scope.include_descendants))
        .bind(flag(a.active))
        .bind(account.password_hash.as_str())
        .bind(&now)
        .execute(&mut *self.tx)
        .await?;
        self.write_audit(&[AuditRow::account(&a.username, None, Some(account_description(a)))]).await
    }

    async fn update_account(&mut self, account: &Account) -> Result<PutOutcome, StoreError> {
        let old = self.existing_account(&account.username).await?;
        if old == *account {
            return Ok(PutOutcome::Unchanged);
        }
        sqlx::query(
            "UPDATE account SET full_name = $2, role = $3, unit = $4, include_descendants = $5, active = $6, \
             updated_at = $7 WHERE username = $1",
        )
        .bind(account.username.as_str())
        .bind(account.full_name.as_str())
        .bind(role_text(account.scope.role))
        .bind(account.scope.unit.as_ref().map(Code::as_str))
        .bind(flag(account.scope.include_descendants))
        .bind(flag(account.active))
        .bind(now_text())
        .execute(&mut *self.tx)
        .await?;
        let row =
            AuditRow::account(&account.username, Some(account_description(&old)), Some(account_description(account)));
        self.write_audit(&[row]).await?;
        Ok(PutOutcome::Updated)
    }

    async fn set_password(&mut self, username: &str, password_hash: &str) -> Result<(), StoreError> {
        self.existing_account(username).await?;
        sqlx::query("UPDATE account SET password_hash = $2, updated_at = $3 WHERE username = $1")
            .bind(username)
            .bind(password_hash)
            .bind(now_text())
            .execute(&mut *self.tx)
            .await?;
        self.write_audit(&[AuditRow::account(username, None, Some("password changed".into()))]).await
    }

    async fn create_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self.existing_account(&session.username).await?;
        sqlx::query(
            "INSERT INTO session (token_hash, username, created_at, expires_at, csrf) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session.token_hash.as_str())
        .bind(session.username.as_str())
        .bind(time_text(session.created_at))
        .bind(time_text(session.expires_at))
        .bind(session.csrf.as_str())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM session WHERE token_hash = $1").bind(token_hash).execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn delete_sessions_of(&mut self, username: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM session WHERE username = $1").bind(username).execute(&mut *self.tx).await?;
        Ok(done.rows_affected())
    }

    async fn create_api_token(&mut self, username: &str, name: &str, token_hash: &str) -> Result<i64, StoreError> {
        self.existing_account(username).await?;
        // SQLite 3.35+ and PostgreSQL both have RETURNING.
        let id = sqlx::query_scalar(
            "INSERT INTO api_token (username, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(username)
        .bind(name)
        .bind(token_hash)
        .bind(now_text())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    async fn delete_api_token(&mut self, username: &str, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM api_token WHERE username = $1 AND id = $2")
            .bind(username)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn save_report_template(&mut self, name: &str, body: &str) -> Result<u32, StoreError> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid {
                place: "report_template".into(),
                message: "tên mẫu báo cáo trống".into(),
            });
        }
        let latest: Option<(i64, String)> =
            sqlx::query_as("SELECT version, body FROM report_template WHERE name = $1 ORDER BY version DESC LIMIT 1")
                .bind(name)
                .fetch_optional(&mut *self.tx)
                .await?;
        let old = match latest {
            Some((version, old_body)) if old_body == body => {
                return u32::try_from(version).map_err(|_| {
                    corrupt(format!("report_template[{name}, {version}]"), format!("phiên bản {version} không hợp lệ"))
                });
            }
            Some((version, _)) => Some(version),
            None => None,
        };
        let version = old.map_or(1, |v| v + 1);
        let now = now_text();
        sqlx::query(
            "INSERT INTO report_template (name, version, body, author, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(name)
        .bind(version)
        .bind(body)
        .bind(self.actor.username.as_str())
        .bind(&now)
        .execute(&mut *self.tx)
        .await?;
        // The template's name has a column of its own (migration 3), outside `AuditRow`.
        sqlx::query(
            "INSERT INTO audit (at, username, route, kind, template, old, new) VALUES ($1, $2, $3, 'template', $4, $5, $6)",
        )
        .bind(&now)
        .bind(self.actor.username.as_str())
        .bind(self.actor.route.as_str())
        .bind(name)
        .bind(old.map(|v| v.to_string()))
        .bind(version.to_string())
        .execute(&mut *self.tx)
        .await?;
        u32::try_from(version).map_err(|_| corrupt(format!("report_template[{name}]"), "quá nhiều phiên bản"))
    }

    async fn save_registers(&mut self, registers: &Registers, mode: MetadataMode) -> Result<Counts, StoreError> {
        let (counts, changes) = self.save_documents(DocTable::Register, &register_documents(registers)?, mode).await?;
        self.audit_register_changes(changes).await?;
        Ok(counts)
    }

    async fn delete_registers(&mut self, registers: &Registers) -> Result<u64, StoreError> {
        let mut changes: Vec<DocChange> = Vec::new();
        for doc in register_documents(registers)? {
            let old: Option<(String,)> =
                sqlx::query_as("DELETE FROM register_object WHERE kind = $1 AND code = $2 RETURNING body")
                    .bind(doc.kind)
                    .bind(&doc.code)
                    .fetch_optional(&mut *self.tx)
                    .await?;
            if let Some((body,)) = old {
                changes.push((doc.kind.to_string(), doc.code, Some(body), None));
            }
        }
        let n = changes.len() as u64;
        self.audit_register_changes(changes).await?;
        Ok(n)
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl SqliteTx {
    /// One audit row (kind "register") per created, changed or deleted object.
    async fn audit_register_changes(&mut self, changes: Vec<DocChange>) -> Result<(), StoreError> {
        let now = now_text();
        // The register object has columns of its own (migration 4), outside `AuditRow`.
        for (kind, code, old, new) in changes {
            sqlx::query(
                "INSERT INTO audit (at, username, route, kind, register_kind, register_code, old, new) \
                 VALUES ($1, $2, $3, 'register', $4, $5, $6, $7)",
            )
            .bind(&now)
            .bind(self.actor.username.as_str())
            .bind(self.actor.route.as_str())
            .bind(kind)
            .bind(code)
            .bind(old)
            .bind(new)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Code {
        Code::new(s).unwrap()
    }

    #[test]
    fn batches_are_whole_elements_in_rank_order() {
        // (rank, id, count)
        let counts = [(0, 7, 3), (1, 2, 3), (2, 9, 5), (3, 1, 1)];
        assert_eq!(batches(&counts, 6), vec![vec![7, 2], vec![9, 1]]);
        assert_eq!(batches(&counts, 100), vec![vec![7, 2, 9, 1]]);
        // An element above the limit is a batch of its own.
        assert_eq!(batches(&[(0, 1, 2), (1, 2, 9), (2, 3, 2)], 6), vec![vec![1], vec![2], vec![3]]);
        assert!(batches(&[], 6).is_empty());
    }

    #[test]
    fn id_ranks_dense_and_sparse() {
        let dense = IdRanks::new(&[3, 1, 0]);
        assert!(matches!(dense, IdRanks::Dense(_)));
        assert_eq!([0, 1, 2, 3, 4, -1].map(|id| dense.get(id)), [Some(2), Some(1), None, Some(0), None, None]);
        let sparse = IdRanks::new(&[5, -2, DENSE_IDS]);
        assert!(matches!(sparse, IdRanks::Sparse(_)));
        assert_eq!([5, -2, DENSE_IDS, 0].map(|id| sparse.get(id)), [Some(0), Some(1), Some(2), None]);
    }

    #[test]
    fn id_packing_round_trips() {
        let packing = IdPacking { option_bits: 0, period_bits: 7, unit_bits: 31 };
        for ids in [[1, 0, 1, 1], [5, 0, 127, i32::MAX], [i32::MAX >> 25, 0, 64, 0]] {
            let [f_o, f_p, f_u] = packing.factors().map(|f| f as u64);
            let packed = ((ids[0] as u64 * f_o + ids[1] as u64) * f_p + ids[2] as u64) * f_u + ids[3] as u64;
            assert_eq!(packing.unpack(packed), ids);
        }
    }

    /// Values whose key ids run against code order, some of their text
    /// holding the separator of packed columns.
    fn figures() -> Vec<DataValue> {
        let at: NaiveDateTime = "2026-11-20T08:30:00.25".parse().unwrap();
        let mut out = Vec::new();
        for (i, period) in ["2026Q1", "202603", "202601", "2025"].into_iter().enumerate() {
            for unit in ["XA_C", "XA_B", "XA_A"] {
                for element in ["CT_E", "CT_D", "CT_C", "CT_B", "CT_A"] {
                    for option in [None, Some("TRUC_TUYEN"), Some("TRUC_TIEP")] {
                        if option.is_some() && element != "CT_C" {
                            continue;
                        }
                        let n = out.len();
                        out.push(DataValue {
                            element: c(element),
                            period: period.parse().unwrap(),
                            unit: c(unit),
                            option: option.map(c),
                            value: if element == "CT_D" && n % 4 == 0 { format!("{n}\u{1f}") } else { n.to_string() },
                            stored_by: [None, Some(""), Some("="), Some("nhập liệu")][n % 4].map(str::to_string),
                            comment: (n % 5 == 0).then(|| "ghi chú,\ncó xuống dòng".to_string()),
                            updated_at: Some(at + chrono::Duration::seconds(i as i64)),
                        });
                    }
                }
            }
        }
        out
    }

    /// The order of `Store::values`, computed here.
    fn sorted(mut values: Vec<DataValue>) -> Vec<DataValue> {
        values.sort_by_key(|v| {
            let option = v.option.as_ref().map_or(String::new(), |o| o.to_string());
            (v.element.clone(), option, v.period.start(), v.period.end(), v.period.to_string(), v.unit.clone())
        });
        values
    }

    #[tokio::test]
    async fn a_read_in_batches_is_a_read_in_one() {
        let store = SqliteStore::open_in_memory().await.unwrap();
        let written = figures();
        let mut tx = store.begin().await.unwrap();
        tx.put_values(&written).await.unwrap();
        tx.commit().await.unwrap();
        let all = ValueFilter::default();
        let expected = sorted(written.clone());
        assert_eq!(store.values(&all).await.unwrap(), expected);
        let units = ValueFilter { units: vec![c("XA_B"), c("XA_C")], ..ValueFilter::default() };
        let some: Vec<DataValue> = expected.iter().filter(|v| v.unit.as_str() != "XA_A").cloned().collect();
        // CT_C has 3 × 12 values, the others 12: batches of one to all elements;
        // CT_D's text holds the separator, so its batch is read row by row.
        for limit in [1, 12, 24, 36, 48, 1000] {
            let store = SqliteStore { read_batch: limit, ..store.clone() };
            assert_eq!(store.values(&all).await.unwrap(), expected, "batches of {limit}");
            assert_eq!(store.values(&units).await.unwrap(), some, "batches of {limit}");
            let mut streamed = Vec::new();
            let n = store.for_each_value(&all, &mut |v| streamed.push(v)).await.unwrap();
            assert_eq!((n as usize, streamed), (expected.len(), expected.clone()));
        }
    }
}
