//! One function per subcommand. Each opens the store, asks the libraries and
//! hands a `Report` to `output`.

use crate::output::{Report, headers};
use crate::{Cli, Command, DataFormat, ExportWhat, Format, Lang, MetaFormat, ReadOpts, TemplateWhat};
use anyhow::{Context, Result, bail};
use chiso_analytics::targets::evaluate_plan;
use chiso_analytics::{AnalyticsEngine, MemoryEngine, PeItem, Query};
use chiso_core::Code;
use chiso_core::completeness::{Rates, ReportStatus, completeness, latest_due_period};
use chiso_core::evaluation::TargetEvaluation;
use chiso_core::metadata::Model;
use chiso_core::number::{format_auto, format_integer, format_number};
use chiso_core::orgunit::UnitIx;
use chiso_core::period::{Period, WorkingCalendar};
use chiso_core::validate::check_values;
use chiso_core::value::DataValue;
use chiso_store::{Actor, MetadataMode, SqliteStore, Store, ValueFilter};
use chrono::{Local, NaiveDate};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

mod analytics;
mod completeness;
mod demo;
mod dossiers;
mod files;
mod index;
mod projects;
mod report;
mod serve;
mod targets;
mod tasks;
mod validate;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let lang = cli.lang;
    let store = SqliteStore::open(&cli.db)
        .await
        .with_context(|| format!("không mở được cơ sở dữ liệu {}", cli.db.display()))?;
    match cli.command {
        Command::Init { metadata } => {
            if let Some(path) = metadata {
                let actor = cli_actor("init", &path);
                let report = chiso_io::import_metadata(&store, &actor, &path, MetadataMode::Merge, false).await?;
                println!("{}", files::metadata_report_text(lang, &path, &report));
            }
            println!("{} {}", lang.t("Cơ sở dữ liệu sẵn sàng:", "Database ready:"), cli.db.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { file, dry_run, replace } => files::import(&store, lang, &file, dry_run, replace).await,
        Command::Export { what } => files::export(&store, what).await.map(|_| ExitCode::SUCCESS),
        Command::Analytics(args) => analytics::analytics(&store, lang, &args).await,
        Command::Validate { rule, pe, ou, opts } => validate::validate(&store, lang, rule, pe, ou, &opts).await,
        Command::Targets { plan, opts } => targets::targets(&store, lang, plan, &opts).await,
        Command::Completeness { form, pe, units, opts } => {
            completeness::completeness_cmd(&store, lang, form, pe, units, &opts).await
        }
        Command::Projects { year, by, unit, appendix, opts } => {
            projects::projects(&store, lang, year, by, unit, appendix, &opts).await
        }
        Command::Tasks { status, unit, opts } => tasks::tasks(&store, lang, status, unit, &opts).await,
        Command::Dossiers { status, unit, by, opts } => dossiers::dossiers(&store, lang, status, unit, by, &opts).await,
        Command::Index { index, pe, group, node, opts } => {
            index::index(&store, lang, index, pe, group, node, &opts).await
        }
        Command::Report(args) => report::report(&store, &args).await,
        Command::Template { what } => match what {
            TemplateWhat::List { format } => report::template_list(&store, lang, format).await,
            TemplateWhat::Export { name, out } => report::template_export(&store, &name, out.as_deref()).await,
            TemplateWhat::Import { file, name } => report::template_import(&store, &file, name.as_deref()).await,
        },
        Command::Demo { today } => {
            demo::demo(&store, lang, today.unwrap_or_else(|| Local::now().date_naive())).await?;
            demo::print_accounts(&store, lang).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { addr, demo, today, secure_cookies } => {
            serve::serve(store, lang, addr, demo, today, secure_cookies).await
        }
    }
}

/// Who the audit trail says changed data from the command line: the login
/// user (`$USER`, else "cli"), through "cli <command> <file name>".
fn cli_actor(command: &str, file: &std::path::Path) -> Actor {
    let user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "cli".into());
    let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    Actor::new(user, format!("cli {command} {name}"))
}

fn today(opts: &ReadOpts) -> NaiveDate {
    opts.today.unwrap_or_else(|| Local::now().date_naive())
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(ProgressStyle::with_template("{spinner} {msg} {human_pos}").expect("valid template"));
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// The stored metadata, validated.
async fn load_model(store: &dyn Store) -> Result<Arc<Model>> {
    let meta = store.load_metadata().await?;
    Ok(Arc::new(Model::new(meta).context("siêu dữ liệu trong cơ sở dữ liệu không hợp lệ")?))
}

/// Streams the values matching `filter` to `f`, showing progress.
async fn stream_values(store: &dyn Store, filter: &ValueFilter, f: &mut (dyn FnMut(DataValue) + Send)) -> Result<u64> {
    let pb = spinner("Đang đọc số liệu");
    let mut n = 0u64;
    let read = store
        .for_each_value(filter, &mut |v| {
            f(v);
            n += 1;
            if n.is_multiple_of(10_000) {
                pb.set_position(n);
            }
        })
        .await?;
    pb.finish_and_clear();
    Ok(read)
}

/// The analytics engine over the stored values, filled as they stream in.
async fn load_engine(store: &dyn Store, model: Arc<Model>) -> Result<MemoryEngine> {
    let mut engine = MemoryEngine::new(model);
    stream_values(store, &ValueFilter::default(), &mut |v| engine.add(&v)).await?;
    engine.finish();
    Ok(engine)
}

/// A store filter for the values that fall in any of `periods` (by the core's
/// containment rule, checked again after loading): their overall date range,
/// widened by a week so that weeks straddling its edges are read too.
fn periods_filter(periods: &[Period]) -> ValueFilter {
    let start = periods.iter().map(Period::start).min();
    let end = periods.iter().map(Period::end).max();
    let between = start.zip(end).map(|(s, e)| (s - chrono::Days::new(6), e + chrono::Days::new(6)));
    ValueFilter { between, ..ValueFilter::default() }
}

/// "202308;THIS_YEAR" → concrete periods.
fn resolve_periods(model: &Model, s: &str, today: NaiveDate) -> Result<Vec<Period>> {
    let q = Query {
        pe: s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(PeItem::parse).collect::<Result<_, _>>()?,
        ..Query::default()
    };
    Ok(q.periods(today, model.week_start()))
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{}%", format_number(v, 2))).unwrap_or_else(|| "—".into())
}
