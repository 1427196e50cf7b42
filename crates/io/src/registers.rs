//! Register files: the projects-and-budgets register, the task assignments
//! and the information systems with their security dossiers
//! (`chiso_core::register::Registers`) in YAML or JSON, as plain lists, and
//! the projects appendix workbook offices keep (see `register_xlsx`). The
//! format is documented in `crates/io/REGISTERS.md`; file → `Registers` →
//! file → `Registers` is lossless.
//!
//! A register file is told from a metadata file by its top-level keys
//! (`state_budget`, `projects`, `recurrent_tasks`, `tasks`,
//! `progress_reports`, `systems`, `dossiers`, `indices`, `assessments`). An import checks the registers against the stored
//! model (in `Merge` mode, the stored registers with the file merged in) and
//! saves them in one transaction, all or nothing.

use crate::error::{ImportError, IoError, file_label};
use crate::metadata::MetadataFormat;
use chiso_core::metadata::Model;
use chiso_core::register::Registers;
use chiso_store::{Actor, Counts, MetadataMode, Store};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;

/// The top-level keys of a register file.
pub const REGISTER_KEYS: [&str; 9] = [
    "state_budget",
    "projects",
    "recurrent_tasks",
    "tasks",
    "progress_reports",
    "systems",
    "dossiers",
    "indices",
    "assessments",
];

/// How a register file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterFormat {
    Yaml,
    Json,
    /// The projects appendix workbook (Phụ lục V layout): investment projects only.
    ProjectsXlsx,
}

impl RegisterFormat {
    /// By extension: `.yaml`/`.yml`, `.json` or `.xlsx`.
    pub fn from_path(path: &Path) -> Option<RegisterFormat> {
        match crate::extension(path).as_deref() {
            Some("yaml" | "yml") => Some(RegisterFormat::Yaml),
            Some("json") => Some(RegisterFormat::Json),
            Some("xlsx" | "xlsm") => Some(RegisterFormat::ProjectsXlsx),
            _ => None,
        }
    }
}

/// Whether a YAML file's first known top-level key is a register key (true)
/// or another key (false); `None` when it names no known key. Reads lines
/// until it knows.
pub(crate) fn probe_yaml(reader: impl Read) -> Option<bool> {
    for line in BufReader::new(reader).lines() {
        let Ok(line) = line else { return None };
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, _)) = line.split_once(':') else { continue };
        let key = key.trim().trim_matches(['"', '\'']);
        if REGISTER_KEYS.contains(&key) {
            return Some(true);
        }
        if crate::metadata::METADATA_KEYS.contains(&key) {
            return Some(false);
        }
    }
    None
}

/// Reads a register file (YAML or JSON; a projects workbook needs the model:
/// see [`read_registers_with`]). Errors name the file and, for syntax and
/// type errors, the line and column.
pub fn read_registers(path: &Path) -> Result<Registers, IoError> {
    let file = file_label(path);
    let format = match RegisterFormat::from_path(path) {
        Some(RegisterFormat::Yaml) => MetadataFormat::Yaml,
        Some(RegisterFormat::Json) => MetadataFormat::Json,
        _ => return Err(IoError::format(&file, "tệp sổ theo dõi phải có đuôi .yaml, .yml hoặc .json")),
    };
    let f = File::open(path).map_err(|e| IoError::file(&file, e))?;
    parse_registers(BufReader::new(f), format, &file)
}

/// Reads registers from any reader; `file` names it in errors.
pub fn parse_registers(reader: impl Read, format: MetadataFormat, file: &str) -> Result<Registers, IoError> {
    match format {
        MetadataFormat::Json => serde_json::from_reader(reader).map_err(|e| crate::dvs_json::syntax_error(file, e)),
        MetadataFormat::Yaml => serde_yaml_ng::from_reader(reader).map_err(|e| crate::metadata::yaml_error(file, e)),
    }
}

/// Reads a register file of any format: YAML, JSON, or the projects
/// workbook, whose units are found in `model` (by code or name). Every bad
/// cell of a workbook is listed in `IoError::Rows`.
pub fn read_registers_with(path: &Path, format: RegisterFormat, model: &Model) -> Result<Registers, IoError> {
    match format {
        RegisterFormat::Yaml | RegisterFormat::Json => read_registers(path),
        RegisterFormat::ProjectsXlsx => {
            let (projects, errors) = crate::register_xlsx::read_projects_xlsx(path, model)?;
            if !errors.is_empty() {
                return Err(IoError::Rows { file: file_label(path), errors });
            }
            Ok(Registers { projects, ..Registers::default() })
        }
    }
}

/// Writes registers in the given format.
pub fn write_registers(reg: &Registers, mut out: impl Write, format: MetadataFormat) -> Result<(), IoError> {
    let out_err = |e: std::io::Error| IoError::file(crate::export::OUTPUT, e);
    match format {
        MetadataFormat::Json => {
            serde_json::to_writer_pretty(&mut out, reg).map_err(|e| out_err(e.into()))?;
            out.write_all(b"\n").map_err(out_err)?;
        }
        MetadataFormat::Yaml => serde_yaml_ng::to_writer(&mut out, reg)
            .map_err(|e| IoError::format(crate::export::OUTPUT, e.to_string()))?,
    }
    out.flush().map_err(out_err)
}

/// Writes registers to a file, the format coming from the extension.
pub fn write_registers_file(reg: &Registers, path: &Path) -> Result<(), IoError> {
    let file = file_label(path);
    let format = MetadataFormat::from_path(path)
        .ok_or_else(|| IoError::format(&file, "tệp sổ theo dõi phải có đuôi .yaml, .yml hoặc .json"))?;
    let f = File::create(path).map_err(|e| IoError::file(&file, e))?;
    write_registers(reg, BufWriter::new(f), format).map_err(|e| match e {
        IoError::File { source, .. } => IoError::file(&file, source),
        other => other,
    })
}

/// `base` with the objects of `part` put in by their code (progress reports
/// by task, date and unit; state budgets by year): a changed object keeps
/// its place, a new one goes last — what the store's `Merge` does.
pub fn merge_registers(mut base: Registers, part: Registers) -> Registers {
    fn merge<T, K: Eq + std::hash::Hash>(into: &mut Vec<T>, from: Vec<T>, key: impl Fn(&T) -> K) {
        let mut at: HashMap<K, usize> = into.iter().enumerate().map(|(i, x)| (key(x), i)).collect();
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
    merge(&mut base.state_budget, part.state_budget, |b| b.year);
    merge(&mut base.projects, part.projects, |p| p.code.clone());
    merge(&mut base.recurrent_tasks, part.recurrent_tasks, |t| t.code.clone());
    merge(&mut base.tasks, part.tasks, |t| t.code.clone());
    merge(&mut base.progress_reports, part.progress_reports, |r| (r.task.clone(), r.date, r.by.clone()));
    merge(&mut base.systems, part.systems, |s| s.code.clone());
    merge(&mut base.dossiers, part.dossiers, |d| d.code.clone());
    merge(&mut base.indices, part.indices, |i| i.code.clone());
    merge(&mut base.assessments, part.assessments, |a| a.key());
    base
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistersImportReport {
    /// As reported by the store's `save_registers`.
    pub counts: Counts,
    pub committed: bool,
}

/// Reads a register file, checks it with `Registers::validate` against the
/// stored model (in `Merge` mode, the stored registers with the file merged
/// in, so a file of progress reports may refer to stored tasks) and saves it
/// in one transaction, made by `actor`; a dry run rolls back. Every problem
/// is listed in `IoError::InvalidRegisters` (or, for a workbook's cells,
/// `IoError::Rows`), naming the file.
pub async fn import_registers(
    store: &dyn Store,
    actor: &Actor,
    model: &Model,
    path: &Path,
    format: RegisterFormat,
    mode: MetadataMode,
    dry_run: bool,
) -> Result<RegistersImportReport, IoError> {
    let file = file_label(path);
    let part = read_registers_with(path, format, model)?;
    let whole = match mode {
        MetadataMode::Replace => part.clone(),
        MetadataMode::Merge => merge_registers(store.load_registers().await?, part.clone()),
    };
    whole.validate(model).map_err(|errors| IoError::InvalidRegisters { file, errors })?;
    let mut tx = store.begin_as(actor).await?;
    let counts = tx.save_registers(&part, mode).await?;
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(RegistersImportReport { counts, committed: !dry_run })
}

/// The errors of a workbook, for messages: one per line.
pub(crate) fn rows_text(errors: &[ImportError]) -> String {
    errors.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n")
}
