//! `chiso`: the command line over the store, the importers and the analytics
//! engine. A thin shell: it parses arguments, opens the store, calls the
//! libraries and prints their answers as a table, CSV or JSON.

mod commands;
mod output;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "chiso", version, about = "chiso — theo dõi chuyển đổi số của tỉnh bằng số liệu")]
pub struct Cli {
    /// SQLite database file.
    #[arg(long, global = true, env = "CHISO_DB", default_value = "chiso.db")]
    pub db: PathBuf,
    /// Language of headers and messages.
    #[arg(long, global = true, value_enum, env = "CHISO_LANG", default_value = "vi")]
    pub lang: Lang,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn t<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        self.core().pick(vi, en)
    }
    pub fn core(self) -> chiso_core::lang::Lang {
        match self {
            Lang::Vi => chiso_core::lang::Lang::Vi,
            Lang::En => chiso_core::lang::Lang::En,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(Args, Clone, Debug)]
pub struct ReadOpts {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The day relative periods and deadlines are counted from (YYYY-MM-DD; default: today).
    #[arg(long)]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create (or upgrade) the database; optionally load a metadata file.
    Init {
        #[arg(long)]
        metadata: Option<PathBuf>,
    },
    /// Import a metadata file (.yaml/.json) or data values (dataValueSets .json, .csv, wide .xlsx).
    Import {
        file: PathBuf,
        /// Check and count, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// For metadata: replace everything stored instead of merging.
        #[arg(long)]
        replace: bool,
    },
    /// Export metadata or data values.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Query figures: data (dx) × periods (pe) × units (ou), DHIS2 syntax.
    Analytics {
        /// Elements (CODE or CODE.OPTION) and indicators, separated by ';'.
        #[arg(long)]
        dx: String,
        /// Periods (202308, 2023Q3, 2024SatW35...) or relative ones (THIS_YEAR, LAST_12_MONTHS...).
        #[arg(long)]
        pe: String,
        /// Units: CODE, LEVEL-n, CHILDREN-CODE, OU_GROUP-CODE.
        #[arg(long)]
        ou: String,
        /// Split elements by their disaggregation options.
        #[arg(long)]
        co: bool,
        /// Show cells without a value too.
        #[arg(long)]
        empty: bool,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Run validation rules and list every violation.
    Validate {
        /// Rule codes (';'-separated); all rules when absent.
        #[arg(long)]
        rule: Option<String>,
        /// Periods (';'-separated, fixed or relative); all data when absent.
        #[arg(long)]
        pe: Option<String>,
        /// Only this unit and the units below it.
        #[arg(long)]
        ou: Option<String>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Evaluate a plan's targets (the latest plan when none is named).
    Targets {
        #[arg(long)]
        plan: Option<String>,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Who reported, on time, late or not at all.
    Completeness {
        /// A form code; every form when absent.
        #[arg(long)]
        form: Option<String>,
        /// Periods (';'-separated, fixed or relative: 202610, THIS_YEAR, LAST_12_WEEKS);
        /// each form's latest due period when absent. Several periods are added up.
        #[arg(long)]
        pe: Option<String>,
        /// List every unit instead of the rates by parent unit.
        #[arg(long)]
        units: bool,
        #[command(flatten)]
        opts: ReadOpts,
    },
    /// Load the demo province (replaces what the database holds).
    Demo {
        /// The demo's "today" (default: today).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
pub enum ExportWhat {
    /// All metadata, as YAML (default) or JSON.
    Metadata {
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "yaml")]
        format: MetaFormat,
    },
    /// Data values as dataValueSets JSON, CSV or wide XLSX.
    Data {
        #[arg(long, short)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "json")]
        format: DataFormat,
        /// Only these elements (';'-separated).
        #[arg(long)]
        dx: Option<String>,
        /// Only these periods (';'-separated, fixed or relative).
        #[arg(long)]
        pe: Option<String>,
        /// Only these units (';'-separated).
        #[arg(long)]
        ou: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MetaFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DataFormat {
    Json,
    Csv,
    Xlsx,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match rt.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
