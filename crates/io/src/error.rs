//! Errors: `IoError` when a file cannot be processed at all, `ImportError`
//! for one bad row, cell or column of a data file (collected, never fatal).

use chiso_core::metadata::MetadataErrors;
use chiso_core::register::RegisterErrors;
use chiso_store::StoreError;
use std::fmt;

/// A file could not be read, parsed, written or saved as a whole.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// Opening, reading or writing the file failed.
    #[error("{file}: {source}")]
    File {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid YAML/JSON/CSV at this place.
    #[error("{file} dòng {line}{}: {message}", column.map(|c| format!(", cột {c}")).unwrap_or_default())]
    Syntax { file: String, line: usize, column: Option<usize>, message: String },
    /// The metadata parses but is inconsistent; every problem is listed.
    #[error("{file}: {errors}")]
    InvalidMetadata { file: String, errors: MetadataErrors },
    /// The registers parse but are inconsistent with the model; every problem is listed.
    #[error("{file}: {errors}")]
    InvalidRegisters { file: String, errors: RegisterErrors },
    /// Rows or cells of a workbook that cannot be read; every one is listed.
    #[error("{file}: {} lỗi:\n{}", errors.len(), crate::registers::rows_text(errors))]
    Rows { file: String, errors: Vec<ImportError> },
    /// The file is not of a kind or layout chiso reads or writes.
    #[error("{file}: {message}")]
    Format { file: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IoError {
    pub(crate) fn file(file: &str, source: std::io::Error) -> IoError {
        IoError::File { file: file.to_string(), source }
    }
    pub(crate) fn format(file: &str, message: impl Into<String>) -> IoError {
        IoError::Format { file: file.to_string(), message: message.into() }
    }
}

/// Where in a data file a problem is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// CSV: the 1-based line in the file.
    Line(u64),
    /// dataValueSets JSON: the 1-based position in `dataValues`.
    Item(u64),
    /// XLSX: a cell ("C7") of a sheet.
    Cell { sheet: String, cell: String },
    /// XLSX: a whole sheet.
    Sheet(String),
    /// The file as a whole, or one of its top-level fields.
    File,
}

/// One rejected row, cell or column of a data file. Reads like
/// `data.csv dòng 7, cột value: giá trị "12,5" không hợp lệ cho kiểu số nguyên: phải là số nguyên`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The file name as given (without its folder).
    pub file: String,
    pub location: Location,
    /// The column header (CSV, XLSX) or field name (JSON) at fault; empty
    /// when the row as a whole is.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        let column = match &self.location {
            Location::Line(n) => {
                write!(f, " dòng {n}")?;
                ", cột "
            }
            Location::Item(n) => {
                write!(f, " dataValues[{n}]")?;
                "."
            }
            Location::Cell { sheet, cell } => {
                write!(f, " trang \"{sheet}\" ô {cell}")?;
                ", cột "
            }
            Location::Sheet(sheet) => {
                write!(f, " trang \"{sheet}\"")?;
                ", cột "
            }
            Location::File => ", trường ",
        };
        if !self.field.is_empty() {
            write!(f, "{column}{}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The file name to show in messages: the last path component.
pub(crate) fn file_label(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(location: Location, field: &str) -> String {
        ImportError { file: "data.csv".into(), location, field: field.into(), message: "lỗi".into() }.to_string()
    }

    #[test]
    fn messages_name_the_place() {
        let cases = [
            (Location::Line(7), "value", "data.csv dòng 7, cột value: lỗi"),
            (Location::Item(17), "orgUnit", "data.csv dataValues[17].orgUnit: lỗi"),
            (
                Location::Cell { sheet: "202308".into(), cell: "C7".into() },
                "HS_TIEP_NHAN",
                "data.csv trang \"202308\" ô C7, cột HS_TIEP_NHAN: lỗi",
            ),
            (Location::Sheet("Tháng 13".into()), "", "data.csv trang \"Tháng 13\": lỗi"),
            (Location::File, "period", "data.csv, trường period: lỗi"),
            (Location::Line(3), "", "data.csv dòng 3: lỗi"),
        ];
        for (loc, field, want) in cases {
            assert_eq!(err(loc, field), want);
        }
    }
}
