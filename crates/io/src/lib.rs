//! chiso-io: files in and out.
//!
//! It owns every file format chiso reads or writes: metadata bundles (YAML,
//! JSON), the registers (YAML, JSON, the projects appendix workbook), data values in DHIS2's exchange formats (dataValueSets JSON, CSV,
//! by code) and the "wide" spreadsheet offices keep (one sheet per period,
//! one row per unit, one column per element), with error messages that name
//! the file, line or cell and column. It also drives imports: a data file is
//! streamed, checked against the validated `Model` and written through one
//! `StoreTx`, all or nothing.
//!
//! Architecture invariant: no HTTP and no command-line parsing here (the web
//! and CLI shells call these functions); storage only through the
//! `chiso_store::Store` trait, never a concrete backend (tests excepted);
//! no figures are computed here (that is chiso-core and chiso-analytics).
//! Values are normalised by `ValueType::normalize`, the one place that
//! decides what "1.205.780" or "92,12" means.

mod csv_values;
mod dvs_json;
mod error;
mod export;
mod import;
mod metadata;
mod raw;
mod register_xlsx;
mod registers;
mod resolve;
mod xlsx;

pub use csv_values::{CSV_HEADER, CsvValueWriter, read_csv_values, write_csv};
pub use dvs_json::{JsonValueWriter, read_json_values, write_data_value_set_json};
pub use error::{ImportError, IoError, Location};
pub use export::{ValueWriter, value_text, write_all};
pub use import::{
    BATCH_SIZE, DataFormat, FileKind, ImportOptions, ImportReport, MAX_ERRORS, MetadataImportReport, ReadValues,
    detect, export_values, import_metadata, import_values, read_raw_values, read_values,
};
pub use metadata::{MetadataFormat, parse_metadata, read_metadata, write_metadata, write_metadata_file};
pub use raw::{Field, FieldLabels, RawCell, RawItem, RawSink, RawValue};
pub use register_xlsx::read_projects_xlsx;
pub use registers::{
    REGISTER_KEYS, RegisterFormat, RegistersImportReport, import_registers, merge_registers, parse_registers,
    read_registers, read_registers_with, write_registers, write_registers_file,
};
pub use resolve::{Resolver, ValueKey};
pub use xlsx::{cell_name, period_from_sheet_name, read_wide_xlsx, wide_xlsx_bytes, write_wide_xlsx};

/// The lower-cased extension of a path.
fn extension(path: &std::path::Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_lowercase())
}
