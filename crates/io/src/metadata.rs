//! Metadata files: YAML (`.yaml`, `.yml`) or JSON (`.json`), the `Metadata`
//! bundle of chiso-core as plain lists. The format is documented in
//! `crates/io/METADATA.md`; file → `Metadata` → file → `Metadata` is lossless.

use crate::error::{IoError, file_label};
use chiso_core::metadata::Metadata;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// The top-level keys of a metadata file.
pub(crate) const METADATA_KEYS: [&str; 13] = [
    "name",
    "levels",
    "unit_kinds",
    "org_units",
    "unit_groups",
    "pillars",
    "disaggregations",
    "data_elements",
    "indicators",
    "constants",
    "validation_rules",
    "forms",
    "plans",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetadataFormat {
    Yaml,
    Json,
}

impl MetadataFormat {
    /// By extension: `.yaml`/`.yml` or `.json`.
    pub fn from_path(path: &Path) -> Option<MetadataFormat> {
        match crate::extension(path).as_deref() {
            Some("yaml" | "yml") => Some(MetadataFormat::Yaml),
            Some("json") => Some(MetadataFormat::Json),
            _ => None,
        }
    }
}

/// Reads a metadata file; the format comes from the extension. Errors name
/// the file and, for syntax and type errors, the line and column.
pub fn read_metadata(path: &Path) -> Result<Metadata, IoError> {
    let file = file_label(path);
    let format = MetadataFormat::from_path(path)
        .ok_or_else(|| IoError::format(&file, "tệp siêu dữ liệu phải có đuôi .yaml, .yml hoặc .json"))?;
    let f = File::open(path).map_err(|e| IoError::file(&file, e))?;
    parse_metadata(BufReader::new(f), format, &file)
}

/// Reads metadata from any reader; `file` names it in errors.
pub fn parse_metadata(reader: impl Read, format: MetadataFormat, file: &str) -> Result<Metadata, IoError> {
    match format {
        MetadataFormat::Json => serde_json::from_reader(reader).map_err(|e| crate::dvs_json::syntax_error(file, e)),
        MetadataFormat::Yaml => serde_yaml_ng::from_reader(reader).map_err(|e| yaml_error(file, e)),
    }
}

pub(crate) fn yaml_error(file: &str, e: serde_yaml_ng::Error) -> IoError {
    let message = e.to_string();
    match e.location() {
        Some(loc) => {
            // serde_yaml_ng appends " at line L column C"; the location is shown once.
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            IoError::Syntax { file: file.to_string(), line: loc.line(), column: Some(loc.column()), message }
        }
        None => IoError::format(file, message),
    }
}

/// Writes metadata in the given format.
pub fn write_metadata(meta: &Metadata, mut out: impl Write, format: MetadataFormat) -> Result<(), IoError> {
    let out_err = |e: std::io::Error| IoError::file(crate::export::OUTPUT, e);
    match format {
        MetadataFormat::Json => {
            serde_json::to_writer_pretty(&mut out, meta).map_err(|e| out_err(e.into()))?;
            out.write_all(b"\n").map_err(out_err)?;
        }
        MetadataFormat::Yaml => serde_yaml_ng::to_writer(&mut out, meta)
            .map_err(|e| IoError::format(crate::export::OUTPUT, e.to_string()))?,
    }
    out.flush().map_err(out_err)
}

/// Writes metadata to a file, the format coming from the extension.
pub fn write_metadata_file(meta: &Metadata, path: &Path) -> Result<(), IoError> {
    let file = file_label(path);
    let format = MetadataFormat::from_path(path)
        .ok_or_else(|| IoError::format(&file, "tệp siêu dữ liệu phải có đuôi .yaml, .yml hoặc .json"))?;
    let f = File::create(path).map_err(|e| IoError::file(&file, e))?;
    write_metadata(meta, BufWriter::new(f), format).map_err(|e| match e {
        IoError::File { source, .. } => IoError::file(&file, source),
        other => other,
    })
}
