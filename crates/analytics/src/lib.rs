//! chiso-analytics: the one query engine behind every figure chiso shows.
//!
//! It owns the analytics dimensions (`dx` data, `pe` periods, `ou` units, in
//! DHIS2's syntax), the `AnalyticsEngine` trait that answers them, the first
//! engine (`MemoryEngine`), the grid's output forms (table rows, CSV, DHIS2
//! JSON), and the evaluation of a plan's targets on the engine's figures.
//!
//! Architecture invariant: pure computation over a `Model` and data values
//! handed to it. No SQL, no files, no HTTP: shells load the data (from the
//! store) and render the answers. The CLI, the web pages, the API and the
//! documents all ask this engine, so a figure is computed one way only.

pub mod engine;
pub mod grid;
pub mod index;
pub mod query;
pub mod targets;

pub use engine::{AnalyticsEngine, Cell, Grid, MemoryEngine};
pub use grid::{Dim, Pivot};
pub use query::{DxItem, OuItem, PeItem, Query, QueryError};
