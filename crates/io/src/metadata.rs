//! Metadata files: YAML (`.yaml`, `.yml`) or JSON (`.json`), the `Metadata`
//! bundle of chiso-core as plain lists. The format is documented in
//! `crates/io/METADATA.md`; file → `Metadata` → file → `Metadata` is lossless.

use crate::error::{IoError, file_label};
use chiso_core::metadata::Metadata;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

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
    let format = MetadataFormat::from_path(path).ok_or_else(|| {
        IoError::format(
            &file,
            "tệp siêu dữ liệu phải có đuôi .yaml, .yml hoặc .json",
        )
    })?;
    let f = File::open(path).map_err(|e| IoError::file(&file, e))?;
    parse_metadata(BufReader::new(f), format, &file)
}

/// Reads metadata from any reader; `file` names it in errors.
pub fn parse_metadata(
    reader: impl Read,
    format: MetadataFormat,
    file: &str,
) -> Result<Metadata, IoError> {
    match format {
        MetadataFormat::Json => {
            serde_json::from_reader(reader).map_err(|e| crate::dvs_json::syntax_error(file, e))
        }
        MetadataFormat::Yaml => serde_yaml_ng::from_reader(reader).map_err(|e| yaml_error(file, e)),
    }
}

fn yaml_error(file: &str, e: serde_yaml_ng::Error) -> IoError {
    let message = e.to_string();
    match e.location() {
        Some(loc) => {
            // serde_yaml_ng appends " at line L column C"; the location is shown once.
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            IoError::Syntax {
                file: file.to_string(),
                line: loc.line(),
                column: Some(loc.column()),
                message,
            }
        }
        None => IoError::format(file, message),
    }
}

/// Writes metadata in the given format.
pub fn write_metadata(
    meta: &Metadata,
    mut out: impl Write,
    format: MetadataFormat,
) -> Result<(), IoError> {
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
    let format = MetadataFormat::from_path(path).ok_or_else(|| {
        IoError::format(
            &file,
            "tệp siêu dữ liệu phải có đuôi .yaml, .yml hoặc .json",
        )
    })?;
    let f = File::create(path).map_err(|e| IoError::file(&file, e))?;
    write_metadata(meta, BufWriter::new(f), format).map_err(|e| match e {
        IoError::File { source, .. } => IoError::file(&file, source),
        other => other,
    })
}

/// `base` with the objects of `bundle` merged in by code: an object with a
/// code already present replaces it in place, a new one is appended; levels
/// go by their number and the deployment name is replaced when the bundle
/// has one. This is what `MetadataMode::Merge` stores, so a partial bundle
/// (new communes under an existing district) can be validated before saving.
pub fn merge_metadata(mut base: Metadata, bundle: Metadata) -> Metadata {
    fn merge<T, K: Eq + std::hash::Hash>(into: &mut Vec<T>, from: Vec<T>, key: impl Fn(&T) -> K) {
        let mut at: std::collections::HashMap<K, usize> =
            into.iter().enumerate().map(|(i, x)| (key(x), i)).collect();
        for item in from {
            match at.get(&key(&item)) {
                Some(&i) => into[i] = item,
                None => {
                    at.insert(key(&item), into.len());
                    into.push(item);
                }
            }
        }
    }
    if bundle.name.is_some() {
        base.name = bundle.name;
    }
    merge(&mut base.levels, bundle.levels, |l| l.level);
    merge(&mut base.unit_kinds, bundle.unit_kinds, |x| x.code.clone());
    merge(&mut base.org_units, bundle.org_units, |x| x.code.clone());
    merge(&mut base.unit_groups, bundle.unit_groups, |x| {
        x.code.clone()
    });
    merge(&mut base.pillars, bundle.pillars, |x| x.code.clone());
    merge(&mut base.disaggregations, bundle.disaggregations, |x| {
        x.code.clone()
    });
    merge(&mut base.data_elements, bundle.data_elements, |x| {
        x.code.clone()
    });
    merge(&mut base.indicators, bundle.indicators, |x| x.code.clone());
    merge(&mut base.constants, bundle.constants, |x| x.code.clone());
    merge(&mut base.validation_rules, bundle.validation_rules, |x| {
        x.code.clone()
    });
    merge(&mut base.forms, bundle.forms, |x| x.code.clone());
    merge(&mut base.plans, bundle.plans, |x| x.code.clone());
    base
}
