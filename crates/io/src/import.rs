//! The import driver: a data file into the store, all or nothing.
//!
//! A reader thread streams raw values through a bounded channel; the driver
//! resolves them against the model and puts them into one `StoreTx` in
//! batches. Every error is collected (the list is capped); at the end the
//! transaction is rolled back if there was any error or the run is a dry run,
//! and committed otherwise. A dry run therefore reports exactly what a real
//! run would do.
//!
//! The same cell (element, option, period, unit) twice in one file: the
//! later row wins, the earlier one counts as ignored, and the counts say what
//! happened to the cell relative to the store before the import.
//!
//! Comments: CSV and JSON rows state their comment (none when absent, as in
//! DHIS2). The wide workbook has no comment column, so its values keep the
//! comment stored for their cell.

use crate::error::{ImportError, IoError, file_label};
use crate::metadata::{MetadataFormat, read_metadata};
use crate::raw::{RawItem, RawSink};
use crate::resolve::{Resolver, ValueKey};
use chiso_core::metadata::Model;
use chiso_core::value::DataValue;
use chiso_store::{Actor, Counts, MetadataMode, PutOutcome, Store, StoreTx, ValueFilter};
use std::collections::HashMap;
use std::fs::File;
use std::ops::ControlFlow;
use std::path::Path;

/// Values put into the transaction at once.
pub const BATCH_SIZE: usize = 5_000;
/// Errors listed in a report; the rest are only counted.
pub const MAX_ERRORS: usize = 1_000;
/// Raw items sent from the reader thread at once.
const CHUNK: usize = 1_000;

/// A data-value file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataFormat {
    /// DHIS2 dataValueSets JSON.
    Json,
    /// DHIS2-style CSV.
    Csv,
    /// The wide spreadsheet, one sheet per period.
    Xlsx,
}

impl DataFormat {
    /// By extension: `.json`, `.csv`, `.xlsx`/`.xlsm`.
    pub fn from_path(path: &Path) -> Option<DataFormat> {
        match crate::extension(path).as_deref() {
            Some("json") => Some(DataFormat::Json),
            Some("csv") => Some(DataFormat::Csv),
            Some("xlsx" | "xlsm") => Some(DataFormat::Xlsx),
            _ => None,
        }
    }
}

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Metadata(MetadataFormat),
    DataValues(DataFormat),
    /// The registers (projects, budgets, tasks): YAML/JSON with their
    /// top-level keys, or the projects appendix workbook.
    Registers(crate::RegisterFormat),
}

/// Tells metadata, registers and data values apart: by extension, and by
/// the top-level keys for `.json` (`dataValues`, `dataSet`, `period`,
/// `orgUnit`... mean data values; `projects`, `recurrent_tasks`, `tasks`,
/// `progress_reports`, `state_budget`, `systems`, `dossiers`, `indices`, `assessments` registers;
/// anything else is metadata)
/// and `.yaml` (register keys, else metadata); a workbook whose first sheets
/// have a "Tên dự án" header is the projects appendix, any other one wide
/// data values. Reads no further than needed.
pub fn detect(path: &Path) -> Result<FileKind, IoError> {
    let file = file_label(path);
    match crate::extension(path).as_deref() {
        Some("yaml" | "yml") => {
            let f = File::open(path).map_err(|e| IoError::file(&file, e))?;
            Ok(match crate::registers::probe_yaml(f) {
                Some(true) => FileKind::Registers(crate::RegisterFormat::Yaml),
                _ => FileKind::Metadata(MetadataFormat::Yaml),
            })
        }
        Some("csv") => Ok(FileKind::DataValues(DataFormat::Csv)),
        Some("xlsx" | "xlsm") => Ok(if crate::register_xlsx::is_projects_workbook(path)? {
            FileKind::Registers(crate::RegisterFormat::ProjectsXlsx)
        } else {
            FileKind::DataValues(DataFormat::Xlsx)
        }),
        Some("json") => {
            let f = File::open(path).map_err(|e| IoError::file(&file, e))?;
            crate::dvs_json::probe_json(f, &file)
        }
        _ => Err(IoError::format(&file, "không nhận ra loại tệp (cần .yaml, .yml, .json, .csv hoặc .xlsx)")),
    }
}

/// Streams the raw values of a data file into `sink`, in file order.
pub fn read_raw_values(path: &Path, format: DataFormat, model: &Model, sink: &mut RawSink<'_>) -> Result<(), IoError> {
    let file = file_label(path);
    match format {
        DataFormat::Xlsx => crate::xlsx::read_wide_xlsx(path, model, sink),
        DataFormat::Json | DataFormat::Csv => {
            let f = File::open(path).map_err(|e| IoError::file(&file, e))?;
            if format == DataFormat::Json {
                crate::dvs_json::read_json_values(f, &file, sink)
            } else {
                crate::csv_values::read_csv_values(f, &file, sink)
            }
        }
    }
}

/// A data file read and checked, without touching a store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadValues {
    /// In file order; duplicates are kept.
    pub values: Vec<DataValue>,
    pub errors: Vec<ImportError>,
    pub ignored: u64,
}

/// Reads and checks a whole data file into memory (previews, tests, small
/// files); the format comes from the extension when `None`.
pub fn read_values(model: &Model, path: &Path, format: Option<DataFormat>) -> Result<ReadValues, IoError> {
    let format = format_of(path, format)?;
    let resolver = Resolver::new(model, file_label(path));
    let mut out = ReadValues::default();
    read_raw_values(path, format, model, &mut |item| {
        match item {
            RawItem::Value(raw) => match resolver.resolve(raw) {
                Ok(v) => out.values.push(v),
                Err(e) => out.errors.push(e),
            },
            RawItem::Ignored(n) => out.ignored += n,
            RawItem::Error(e) => out.errors.push(e),
        }
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

fn format_of(path: &Path, format: Option<DataFormat>) -> Result<DataFormat, IoError> {
    format.or_else(|| DataFormat::from_path(path)).ok_or_else(|| {
        IoError::format(&file_label(path), "không nhận ra định dạng dữ liệu (cần .json, .csv hoặc .xlsx)")
    })
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Check and count, then roll back.
    pub dry_run: bool,
    /// By extension when `None`.
    pub format: Option<DataFormat>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    /// Values read from the file (rows, or non-empty cells), good or bad.
    pub read: u64,
    /// What happened (or, for a dry run or a failed import, would have
    /// happened) to the valid values: imported, updated, unchanged.
    pub counts: Counts,
    /// Empty values, and earlier rows overridden by a later row for the same cell.
    pub ignored: u64,
    /// The first `MAX_ERRORS` errors, in file order.
    pub errors: Vec<ImportError>,
    /// Errors beyond those listed.
    pub more_errors: u64,
    /// Whether the values were saved.
    pub committed: bool,
}

impl ImportReport {
    pub fn error_count(&self) -> u64 {
        self.errors.len() as u64 + self.more_errors
    }
}

/// Where a cell seen earlier in the file stands.
enum Seen {
    /// In the current batch, at this position.
    InBatch(usize),
    /// Already put; the net outcome counted for it so far.
    Put(PutOutcome),
}

/// The outcome of a cell put twice in one transaction, relative to the
/// store before it: new stays new; unchanged then X is X; updated stays
/// updated (changed back to the original value is also reported as updated).
fn combine(first: PutOutcome, second: PutOutcome) -> PutOutcome {
    match first {
        PutOutcome::Imported => PutOutcome::Imported,
        PutOutcome::Unchanged => second,
        PutOutcome::Updated => PutOutcome::Updated,
    }
}

fn uncount(c: &mut Counts, o: PutOutcome) {
    match o {
        PutOutcome::Imported => c.imported -= 1,
        PutOutcome::Updated => c.updated -= 1,
        PutOutcome::Unchanged => c.unchanged -= 1,
    }
}

struct Importer<'m> {
    resolver: Resolver<'m>,
    batch_size: usize,
    batch: Vec<DataValue>,
    keys: Vec<ValueKey>,
    /// For each batch entry, the outcome already counted for its cell.
    earlier: Vec<Option<PutOutcome>>,
    seen: HashMap<ValueKey, Seen>,
    /// Stored comments to keep, for formats without a comment column.
    kept_comments: HashMap<ValueKey, String>,
    report: ImportReport,
}

impl Importer<'_> {
    fn error(&mut self, e: ImportError) {
        if self.report.errors.len() < MAX_ERRORS {
            self.report.errors.push(e);
        } else {
            self.report.more_errors += 1;
        }
    }

    fn item(&mut self, item: RawItem) {
        match item {
            RawItem::Ignored(n) => {
                self.report.read += n;
                self.report.ignored += n;
            }
            RawItem::Error(e) => self.error(e),
            RawItem::Value(raw) => {
                self.report.read += 1;
                match self.resolver.resolve_keyed(raw) {
                    Err(e) => self.error(e),
                    Ok((value, key)) => self.value(value, key),
                }
            }
        }
    }

    fn value(&mut self, mut value: DataValue, key: ValueKey) {
        if value.comment.is_none() {
            value.comment = self.kept_comments.get(&key).cloned();
        }
        let earlier = match self.seen.get(&key) {
            Some(Seen::InBatch(i)) => {
                self.batch[*i] = value;
                self.report.ignored += 1;
                return;
            }
            Some(Seen::Put(o)) => {
                self.report.ignored += 1;
                Some(*o)
            }
            None => None,
        };
        self.seen.insert(key.clone(), Seen::InBatch(self.batch.len()));
        self.batch.push(value);
        self.keys.push(key);
        self.earlier.push(earlier);
    }

    async fn flush(&mut self, tx: &mut dyn StoreTx) -> Result<(), IoError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let outcomes = tx.put_values(&self.batch).await?;
        for ((key, earlier), now) in self.keys.drain(..).zip(self.earlier.drain(..)).zip(outcomes) {
            let net = match earlier {
                None => now,
                Some(first) => {
                    uncount(&mut self.report.counts, first);
                    combine(first, now)
                }
            };
            self.report.counts.add(net);
            self.seen.insert(key, Seen::Put(net));
        }
        self.batch.clear();
        Ok(())
    }
}

/// Imports a data file into the store, all or nothing (see the module
/// documentation), the audit trail naming `actor` for every change.
/// `progress` is called with the number of values read so far.
pub async fn import_values(
    store: &dyn Store,
    actor: &Actor,
    model: &Model,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<ImportReport, IoError> {
    import_values_batched(store, actor, model, path, opts, progress, BATCH_SIZE).await
}

pub(crate) async fn import_values_batched(
    store: &dyn Store,
    actor: &Actor,
    model: &Model,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(u64) + Send),
    batch_size: usize,
) -> Result<ImportReport, IoError> {
    let format = format_of(path, opts.format)?;
    let file = file_label(path);
    if let Err(e) = std::fs::metadata(path) {
        return Err(IoError::file(&file, e));
    }
    let resolver = Resolver::new(model, file);
    // Read before the transaction opens: a store may serve reads and the
    // transaction on one connection.
    let kept_comments =
        if format == DataFormat::Xlsx { stored_comments(store, &resolver, path).await? } else { HashMap::new() };
    let (send, mut receive) = tokio::sync::mpsc::channel::<Vec<RawItem>>(4);
    let reader = {
        let path = path.to_path_buf();
        let model = model.clone();
        std::thread::spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK);
            let result = read_raw_values(&path, format, &model, &mut |item| {
                chunk.push(item);
                if chunk.len() >= CHUNK
                    && send.blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).is_err()
                {
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            });
            if !chunk.is_empty() {
                let _ = send.blocking_send(chunk);
            }
            result
        })
    };
    let mut imp = Importer {
        resolver,
        batch_size: batch_size.max(1),
        batch: Vec::new(),
        keys: Vec::new(),
        earlier: Vec::new(),
        seen: HashMap::new(),
        kept_comments,
        report: ImportReport::default(),
    };
    let mut tx = store.begin_as(actor).await?;
    while let Some(chunk) = receive.recv().await {
        for item in chunk {
            imp.item(item);
            if imp.batch.len() >= imp.batch_size {
                imp.flush(&mut *tx).await?;
            }
        }
        progress(imp.report.read);
    }
    // The channel is closed: the reader has finished.
    match reader.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tx.rollback().await?;
            return Err(e);
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
    imp.flush(&mut *tx).await?;
    let mut report = imp.report;
    if report.error_count() > 0 || opts.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        report.committed = true;
    }
    Ok(report)
}

/// The comments stored for the periods of a wide workbook's sheets.
async fn stored_comments(
    store: &dyn Store,
    resolver: &Resolver<'_>,
    path: &Path,
) -> Result<HashMap<ValueKey, String>, IoError> {
    let periods = crate::xlsx::sheet_periods(path)?;
    if periods.is_empty() {
        return Ok(HashMap::new());
    }
    let stored = store.values(&ValueFilter { periods, ..ValueFilter::default() }).await?;
    Ok(stored.into_iter().filter_map(|v| Some((resolver.key_of(&v)?, v.comment?))).collect())
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataImportReport {
    /// As reported by the store's `save_metadata`.
    pub counts: Counts,
    pub committed: bool,
}

/// Reads a metadata file, checks it with `Model::new` (in `Merge` mode, the
/// stored metadata with the file merged in, so a partial file may refer to
/// stored objects) and saves it in one transaction, made by `actor`; a dry
/// run rolls back. Every problem is listed in `IoError::InvalidMetadata`,
/// naming the file.
pub async fn import_metadata(
    store: &dyn Store,
    actor: &Actor,
    path: &Path,
    mode: MetadataMode,
    dry_run: bool,
) -> Result<MetadataImportReport, IoError> {
    let file = file_label(path);
    let bundle = read_metadata(path)?;
    let whole = match mode {
        MetadataMode::Replace => bundle.clone(),
        MetadataMode::Merge => store.load_metadata().await?.merge(bundle.clone()),
    };
    Model::new(whole).map_err(|errors| IoError::InvalidMetadata { file, errors })?;
    let mut tx = store.begin_as(actor).await?;
    let counts = tx.save_metadata(&bundle, mode).await?;
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(MetadataImportReport { counts, committed: !dry_run })
}

/// Exports stored values to a file in the given format (by extension when
/// `None`); returns how many values were written. CSV and JSON stream from
/// the store; XLSX collects the values first (a workbook is built whole).
pub async fn export_values(
    store: &dyn Store,
    model: &Model,
    filter: &ValueFilter,
    path: &Path,
    format: Option<DataFormat>,
) -> Result<u64, IoError> {
    let format = format_of(path, format)?;
    let file = file_label(path);
    let rename = |e: IoError| match e {
        IoError::File { source, .. } => IoError::file(&file, source),
        other => other,
    };
    if format == DataFormat::Xlsx {
        let values = store.values(filter).await?;
        crate::xlsx::write_wide_xlsx(model, &values, path)?;
        return Ok(values.len() as u64);
    }
    let out = std::io::BufWriter::new(File::create(path).map_err(|e| IoError::file(&file, e))?);
    let count = if format == DataFormat::Csv {
        stream_values(store, filter, crate::csv_values::CsvValueWriter::new(model, out).map_err(rename)?).await
    } else {
        stream_values(store, filter, crate::dvs_json::JsonValueWriter::new(model, out).map_err(rename)?).await
    };
    count.map_err(rename)
}

/// Streams the store's values through a writer without holding them all.
async fn stream_values<W: crate::export::ValueWriter + Send>(
    store: &dyn Store,
    filter: &ValueFilter,
    mut w: W,
) -> Result<u64, IoError> {
    let mut failed = None;
    store
        .for_each_value(filter, &mut |v| {
            if failed.is_none() {
                failed = w.write(&v).err();
            }
        })
        .await?;
    match failed {
        Some(e) => Err(e),
        None => w.finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chiso_store::SqliteStore;

    fn model() -> Model {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/metadata.yaml");
        Model::new(read_metadata(&path).unwrap()).unwrap()
    }

    /// Imports `rows` (CSV lines after the header) with each batch size and
    /// checks that the reports agree; returns the report and what is stored.
    async fn run(before: &str, rows: &str) -> (ImportReport, Vec<String>) {
        let model = model();
        let dir = tempfile::tempdir().unwrap();
        let header = "dataelement,period,orgunit,value\n";
        let first = dir.path().join("truoc.csv");
        std::fs::write(&first, format!("{header}{before}")).unwrap();
        let path = dir.path().join("trung.csv");
        std::fs::write(&path, format!("{header}{rows}")).unwrap();
        let mut results = Vec::new();
        for batch in [1, 2, BATCH_SIZE] {
            let store = SqliteStore::open_in_memory().await.unwrap();
            let opts = ImportOptions::default();
            if !before.is_empty() {
                import_values(&store, &Actor::system(), &model, &first, &opts, &mut |_| {}).await.unwrap();
            }
            let report = import_values_batched(&store, &Actor::system(), &model, &path, &opts, &mut |_| {}, batch)
                .await
                .unwrap();
            let stored: Vec<String> = store
                .values(&ValueFilter::default())
                .await
                .unwrap()
                .iter()
                .map(|v| format!("{} {} = {}", v.element, v.unit, v.value))
                .collect();
            results.push((report, stored));
        }
        assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:#?}");
        results.pop().unwrap()
    }

    fn counts(imported: u64, updated: u64, unchanged: u64) -> Counts {
        Counts { imported, updated, unchanged, deleted: 0 }
    }

    #[tokio::test]
    async fn the_later_row_wins_whatever_the_batches() {
        let (r, stored) = run("", "HS_TIEP_NHAN,202308,X_THIEN_LOC,1\nHS_TIEP_NHAN,202308,X_THUAN_THIEN,5\nHS_TIEP_NHAN,202308,X_THIEN_LOC,80.020\n").await;
        assert_eq!((r.counts, r.ignored), (counts(2, 0, 0), 1));
        assert_eq!(stored, ["HS_TIEP_NHAN X_THIEN_LOC = 80020", "HS_TIEP_NHAN X_THUAN_THIEN = 5"]);

        let before = "HS_TIEP_NHAN,202308,X_THIEN_LOC,7\n";
        // Unchanged, then changed: an update.
        let (r, stored) = run(
            before,
            "HS_TIEP_NHAN,202308,X_THIEN_LOC,7\nHS_TRE_HAN,202308,X_THIEN_LOC,1\nHS_TIEP_NHAN,202308,X_THIEN_LOC,8\n",
        )
        .await;
        assert_eq!((r.counts, r.ignored), (counts(1, 1, 0), 1));
        assert_eq!(stored[0], "HS_TIEP_NHAN X_THIEN_LOC = 8");
        // Changed, then set to the same again: still one update.
        let (r, _) = run(
            before,
            "HS_TIEP_NHAN,202308,X_THIEN_LOC,8\nHS_TRE_HAN,202308,X_THIEN_LOC,1\nHS_TIEP_NHAN,202308,X_THIEN_LOC,8\n",
        )
        .await;
        assert_eq!((r.counts, r.ignored), (counts(1, 1, 0), 1));
        // Unchanged twice: unchanged.
        let (r, _) = run(
            before,
            "HS_TIEP_NHAN,202308,X_THIEN_LOC,7\nHS_TRE_HAN,202308,X_THIEN_LOC,1\nHS_TIEP_NHAN,202308,X_THIEN_LOC,7\n",
        )
        .await;
        assert_eq!((r.counts, r.ignored), (counts(1, 0, 1), 1));
    }

    #[tokio::test]
    async fn progress_reports_rows_read() {
        let model = model();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nhieu.csv");
        let mut text = String::from("dataelement,period,orgunit,value\n");
        for m in 1..=12 {
            for _ in 0..250 {
                text.push_str(&format!("HS_TIEP_NHAN,2023{m:02},X_THIEN_LOC,{m}\n"));
            }
        }
        std::fs::write(&path, text).unwrap();
        let store = SqliteStore::open_in_memory().await.unwrap();
        let mut seen = Vec::new();
        let report =
            import_values(&store, &Actor::system(), &model, &path, &ImportOptions::default(), &mut |n| seen.push(n))
                .await
                .unwrap();
        assert_eq!(seen, [1000, 2000, 3000]);
        assert_eq!((report.read, report.counts.imported, report.ignored), (3000, 12, 2988));
    }
}
