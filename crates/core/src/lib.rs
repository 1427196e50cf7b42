//! chiso-core: the pure domain core of chiso.
//!
//! It owns the words of the domain — org units and their tree, periods, data
//! elements, indicators and their expressions, validation rules, report forms,
//! plans, targets and their verdicts — and the arithmetic on them: aggregation
//! over units and time, ratio-of-sums indicators, rule checks, completeness.
//!
//! Architecture invariant: this crate does no I/O, has no async, and knows
//! nothing of SQL, HTTP, files or the command line. Everything here is a
//! function of its arguments, so every shell (store, analytics, io, web, CLI,
//! documents) computes the same figure the same way.

pub mod access;
pub mod aggregate;
pub mod code;
pub mod completeness;
pub mod element;
pub mod evaluation;
pub mod expr;
pub mod form;
pub mod index;
pub mod indicator;
pub mod lang;
pub mod metadata;
pub mod number;
pub mod orgunit;
pub mod period;
pub mod plan;
pub mod register;
pub mod rule;
pub mod threshold;
pub mod validate;
pub mod value;
pub mod verdict;
pub mod workflow;

pub use code::Code;
