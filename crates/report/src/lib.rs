//! chiso-report: the official report documents.
//!
//! Templates (data, editable by the office) are evaluated against the
//! analytics engine into a `document::Document`; renderers write it as DOCX
//! in the legal format of Nghị định 30/2020/NĐ-CP, as HTML for the preview,
//! and its tables as XLSX with formulas for totals.

pub mod builtin;
pub mod document;
pub mod docx;
pub mod evaluate;
pub mod html;
pub mod template;
pub mod xlsx;
