//! One function per subcommand. Each opens the store, asks the libraries and
//! hands a `Report` to `output`.

use crate::output::{Report, headers};
use crate::{Cli, Command, DataFormat, ExportWhat, Format, Lang, MetaFormat, ReadOpts};
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
use chiso_store::{MetadataMode, SqliteStore, Store, ValueFilter};
use chrono::{Local, NaiveDate};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let lang = cli.lang;
    let store = SqliteStore::open(&cli.db)
        .await
        .with_context(|| format!("không mở được cơ sở dữ liệu {}", cli.db.display()))?;
    match cli.command {
        Command::Init { metadata } => {
            if let Some(path) = metadata {
                let report = chiso_io::import_metadata(&store, &path, MetadataMode::Merge, false).await?;
                println!("{}", metadata_report_text(lang, &path, &report));
            }
            println!("{} {}", lang.t("Cơ sở dữ liệu sẵn sàng:", "Database ready:"), cli.db.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { file, dry_run, replace } => import(&store, lang, &file, dry_run, replace).await,
        Command::Export { what } => export(&store, what).await.map(|_| ExitCode::SUCCESS),
        Command::Analytics { dx, pe, ou, co, empty, opts } => {
            let model = load_model(&store).await?;
            let engine = load_engine(&store, model.clone()).await?;
            let mut q = Query::from_lists(&model, &dx, &pe, &ou)?;
            q.by_option = co;
            q.include_empty = empty;
            let grid = engine.query(&q, today(&opts))?;
            if opts.format == Format::Csv {
                crate::output::write_stdout(&grid.to_csv(&model))?;
                return Ok(ExitCode::SUCCESS);
            }
            let rows = grid.rows(&model);
            let report = Report {
                headers: vec![
                    lang.t("Dữ liệu", "Data").into(),
                    lang.t("Kỳ", "Period").into(),
                    lang.t("Đơn vị", "Unit").into(),
                    lang.t("Giá trị", "Value").into(),
                ],
                rows: rows
                    .iter()
                    .map(|r| {
                        let pe = if lang == Lang::Vi { r.period_name.clone() } else { r.period.clone() };
                        vec![r.dx_name.clone(), pe, r.unit_name.clone(), r.value_text.clone()]
                    })
                    .collect(),
                numeric: vec![3],
                json: grid.to_dhis2_json(&model),
                footer: vec![format!("{} {}", format_integer(rows.len() as i64), lang.t("ô số liệu", "cells"))],
            };
            report.print(opts.format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { rule, pe, ou, opts } => validate(&store, lang, rule, pe, ou, &opts).await,
        Command::Targets { plan, opts } => targets(&store, lang, plan, &opts).await,
        Command::Completeness { form, pe, units, opts } => completeness_cmd(&store, lang, form, pe, units, &opts).await,
        Command::Demo { today } => demo(&store, lang, today.unwrap_or_else(|| Local::now().date_naive())).await,
    }
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

async fn import(
    store: &SqliteStore,
    lang: Lang,
    file: &std::path::Path,
    dry_run: bool,
    replace: bool,
) -> Result<ExitCode> {
    match chiso_io::detect(file)? {
        chiso_io::FileKind::Metadata(_) => {
            let mode = if replace { MetadataMode::Replace } else { MetadataMode::Merge };
            let report = chiso_io::import_metadata(store, file, mode, dry_run).await?;
            println!("{}", metadata_report_text(lang, file, &report));
            Ok(ExitCode::SUCCESS)
        }
        chiso_io::FileKind::DataValues(format) => {
            let model = load_model(store).await?;
            let pb = spinner(lang.t("Đang nhập", "Importing"));
            let opts = chiso_io::ImportOptions { dry_run, format: Some(format) };
            let report = chiso_io::import_values(store, &model, file, &opts, &mut |n| pb.set_position(n)).await?;
            pb.finish_and_clear();
            print!("{}", import_report_text(lang, file, &report));
            Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

async fn export(store: &SqliteStore, what: ExportWhat) -> Result<()> {
    match what {
        ExportWhat::Metadata { out, format } => {
            let meta = store.load_metadata().await?;
            match out {
                // The file's extension decides its format.
                Some(path) => chiso_io::write_metadata_file(&meta, &path)?,
                None => {
                    let format = match format {
                        MetaFormat::Yaml => chiso_io::MetadataFormat::Yaml,
                        MetaFormat::Json => chiso_io::MetadataFormat::Json,
                    };
                    chiso_io::write_metadata(&meta, std::io::stdout().lock(), format)?
                }
            }
        }
        ExportWhat::Data { out, format, dx, pe, ou } => {
            let model = load_model(store).await?;
            let codes = |s: &Option<String>| -> Result<Vec<Code>> {
                s.as_deref()
                    .unwrap_or("")
                    .split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(|x| Code::new(x).map_err(Into::into))
                    .collect()
            };
            let periods = match &pe {
                None => Vec::new(),
                Some(s) => resolve_periods(&model, s, Local::now().date_naive())?,
            };
            // Values whose period falls within the periods asked (202308;2026Q3...).
            let between =
                periods_filter(&periods).between.map(|(s, e)| (s + chrono::Days::new(6), e - chrono::Days::new(6)));
            let filter = ValueFilter { elements: codes(&dx)?, units: codes(&ou)?, periods: Vec::new(), between };
            let format = match format {
                DataFormat::Json => chiso_io::DataFormat::Json,
                DataFormat::Csv => chiso_io::DataFormat::Csv,
                DataFormat::Xlsx => chiso_io::DataFormat::Xlsx,
            };
            let n = match out {
                Some(path) => chiso_io::export_values(store, &model, &filter, &path, Some(format)).await?,
                None => {
                    let values = store.values(&filter).await?;
                    let stdout = std::io::stdout().lock();
                    match format {
                        chiso_io::DataFormat::Json => chiso_io::write_data_value_set_json(&model, &values, stdout)?,
                        chiso_io::DataFormat::Csv => chiso_io::write_csv(&model, &values, stdout)?,
                        _ => bail!("xuất XLSX cần --out TỆP.xlsx"),
                    }
                }
            };
            eprintln!("Đã xuất {} giá trị.", format_integer(n as i64));
        }
    }
    Ok(())
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

async fn validate(
    store: &SqliteStore,
    lang: Lang,
    rule: Option<String>,
    pe: Option<String>,
    ou: Option<String>,
    opts: &ReadOpts,
) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let periods = match &pe {
        Some(s) => resolve_periods(&model, s, today(opts))?,
        None => Vec::new(),
    };
    let mut values = Vec::new();
    stream_values(store, &periods_filter(&periods), &mut |v| values.push(v)).await?;
    if !periods.is_empty() {
        values.retain(|v| periods.iter().any(|p| p.contains(&v.period)));
    }
    if let Some(u) = &ou {
        let tree = model.tree();
        let root = tree.index(u).with_context(|| format!("đơn vị {u} không tồn tại"))?;
        values.retain(|v| tree.index(v.unit.as_str()).is_some_and(|ix| tree.is_descendant_or_self(ix, root)));
    }
    let all = &model.metadata().validation_rules;
    let chosen: Vec<_> = match &rule {
        None => all.iter().collect(),
        Some(s) => s
            .split(';')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|c| {
                all.iter().find(|r| r.code.as_str() == c).with_context(|| format!("quy tắc kiểm tra {c} không tồn tại"))
            })
            .collect::<Result<_>>()?,
    };
    let violations = check_values(&model, Some(&chosen), &values);
    let tree = model.tree();
    let rule_of = |c: &Code| all.iter().find(|r| &r.code == c).expect("violation of a known rule");
    let rows: Vec<Vec<String>> = violations
        .iter()
        .map(|v| {
            let r = rule_of(&v.rule);
            vec![
                r.code.to_string(),
                r.importance.label_vi().to_string(),
                tree.get(v.unit.as_str()).map_or(v.unit.to_string(), |u| u.name.clone()),
                v.period.label_vi(),
                format!("{} {} {}", format_auto(v.left, 2), r.operator.symbol(), format_auto(v.right, 2)),
                r.message.clone(),
            ]
        })
        .collect();
    let json = json!(violations.iter().map(|v| {
        let r = rule_of(&v.rule);
        json!({"rule": v.rule, "importance": r.importance, "unit": v.unit, "period": v.period.to_string(), "left": v.left, "operator": r.operator.symbol(), "right": v.right, "message": r.message})
    }).collect::<Vec<_>>());
    let errors = violations.iter().filter(|v| v.importance.is_error()).count();
    Report {
        headers: headers(
            lang,
            &[
                ("Quy tắc", "Rule"),
                ("Mức", "Importance"),
                ("Đơn vị", "Unit"),
                ("Kỳ", "Period"),
                ("Vế trái ⋄ vế phải", "Left ⋄ right"),
                ("Thông báo", "Message"),
            ],
        ),
        rows,
        numeric: vec![],
        json,
        footer: vec![format!(
            "{} {} ({} {}), {} {}",
            format_integer(violations.len() as i64),
            lang.t("vi phạm", "violations"),
            format_integer(errors as i64),
            lang.t("lỗi", "errors"),
            format_integer(values.len() as i64),
            lang.t("giá trị đã kiểm tra", "values checked")
        )],
    }
    .print(opts.format)?;
    Ok(if violations.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

async fn targets(store: &SqliteStore, lang: Lang, plan: Option<String>, opts: &ReadOpts) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let plan = match &plan {
        Some(c) => model.plan(c).with_context(|| format!("kế hoạch {c} không tồn tại"))?,
        None => model.latest_plan().context("chưa có kế hoạch nào")?,
    }
    .clone();
    let engine = load_engine(store, model.clone()).await?;
    let evals = evaluate_plan(&engine, &plan, today(opts));
    let rows: Vec<Vec<String>> = evals.iter().map(|e| target_row(&model, lang, e)).collect();
    let mut footer = vec![format!("{} — {}", plan.title, plan.number.clone().unwrap_or_default())];
    footer.push(chiso_analytics::targets::summary_vi(&evals));
    Report {
        headers: headers(
            lang,
            &[
                ("Mã", "Code"),
                ("Trụ cột", "Pillar"),
                ("Chỉ tiêu", "Target"),
                ("Ngưỡng", "Threshold"),
                ("Kết quả", "Result"),
                ("Đánh giá", "Verdict"),
                ("Tiến độ", "Progress"),
                ("Chủ trì", "Lead"),
                ("Thời điểm đánh giá", "Evaluated"),
            ],
        ),
        rows,
        numeric: vec![4],
        json: serde_json::to_value(&evals)?,
        footer,
    }
    .print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}

fn target_row(model: &Model, lang: Lang, e: &TargetEvaluation) -> Vec<String> {
    let t = &e.target;
    vec![
        t.code.to_string(),
        model.pillar_name(t.pillar.as_str()).unwrap_or(t.pillar.as_str()).to_string(),
        t.name.clone(),
        t.threshold.to_string(),
        e.result_text.clone().unwrap_or_else(|| "—".into()),
        e.verdict_text(lang.core()),
        e.progress_text(lang.core()),
        t.lead.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; "),
        t.evaluation.to_string(),
    ]
}

async fn completeness_cmd(
    store: &SqliteStore,
    lang: Lang,
    form: Option<String>,
    pe: Option<String>,
    list_units: bool,
    opts: &ReadOpts,
) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let today = today(opts);
    let now = Local::now().naive_local().min(today.and_hms_opt(23, 59, 59).expect("valid time"));
    let cal = WorkingCalendar::vietnam();
    let forms: Vec<_> = match &form {
        Some(c) => vec![model.form(c).with_context(|| format!("biểu mẫu {c} không tồn tại"))?],
        None => model.metadata().forms.iter().collect(),
    };
    let asked = match &pe {
        Some(s) => resolve_periods(&model, s, today)?,
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    let mut json_out = Vec::new();
    let mut footer = Vec::new();
    let tree = model.tree();
    for f in forms {
        // The form's own periods within those asked (the months of THIS_YEAR...), started by today.
        let periods: Vec<Period> = if asked.is_empty() {
            vec![latest_due_period(f, today, &cal)]
        } else {
            let mut ps: Vec<Period> = asked
                .iter()
                .flat_map(|p| if p.period_type() == f.period_type { vec![*p] } else { p.periods_within(f.period_type) })
                .filter(|p| p.start() <= today)
                .collect();
            ps.sort();
            ps.dedup();
            ps
        };
        let (Some(first), Some(last)) = (periods.first(), periods.last()) else { continue };
        let span =
            if first == last { first.label_vi() } else { format!("{} – {}", first.label_vi(), last.label_vi()) };
        let span_id = if first == last { first.to_string() } else { format!("{first}..{last}") };
        let subs = store.submissions(Some(&f.code), &periods).await?;
        let mut total = Rates::default();
        let mut by_parent: BTreeMap<Option<UnitIx>, Rates> = BTreeMap::new();
        let mut by_unit: BTreeMap<UnitIx, Rates> = BTreeMap::new();
        let mut single = None;
        for p in &periods {
            let c = completeness(&model, f, p, &subs, now, &cal);
            total.merge(&c.total());
            for (parent, r) in c.by_parent(&model) {
                by_parent.entry(parent).or_default().merge(&r);
            }
            for u in &c.units {
                by_unit.entry(u.unit).or_default().add(u.status);
            }
            if periods.len() == 1 {
                single = Some(c);
            }
        }
        let due = single
            .as_ref()
            .map(|c| format!(" ({} {})", lang.t("hạn", "due"), c.due.format("%d/%m/%Y")))
            .unwrap_or_default();
        footer.push(format!(
            "{} — {span}{due}: {} {}/{} ({}), {} {} ({}), {} {}, {} {}",
            f.name,
            lang.t("đã báo cáo", "reported"),
            format_integer(i64::from(total.reported())),
            format_integer(i64::from(total.expected)),
            pct(total.reporting_rate()),
            lang.t("đúng hạn", "on time"),
            format_integer(i64::from(total.on_time)),
            pct(total.on_time_rate()),
            lang.t("trễ hạn", "late"),
            format_integer(i64::from(total.late)),
            lang.t("chưa báo cáo", "missing"),
            format_integer(i64::from(total.missing)),
        ));
        match (&single, list_units) {
            (Some(c), true) => {
                for u in &c.units {
                    rows.push(vec![
                        f.code.to_string(),
                        span_id.clone(),
                        tree.unit(u.unit).name.clone(),
                        if lang == Lang::Vi { u.status.label_vi() } else { u.status.label_en() }.to_string(),
                        u.submitted_at.map(|t| t.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default(),
                        u.days_late.map(|d| d.to_string()).unwrap_or_default(),
                    ]);
                }
            }
            (None, true) => {
                for (u, r) in &by_unit {
                    rows.push(rates_row(f.code.as_str(), &span_id, &tree.unit(*u).name, r));
                }
            }
            (_, false) => {
                for (parent, r) in &by_parent {
                    let name = parent.map_or_else(|| "—".to_string(), |p| tree.unit(p).name.clone());
                    rows.push(rates_row(f.code.as_str(), &span_id, &name, r));
                }
            }
        }
        let late: Vec<String> = single
            .iter()
            .flat_map(|c| c.with_status(ReportStatus::Late).chain(c.with_status(ReportStatus::Missing)))
            .map(|u| tree.unit(u.unit).name.clone())
            .collect();
        json_out.push(json!({
            "form": f.code, "periods": periods.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "due": single.as_ref().map(|c| c.due), "total": total,
            "reportingRate": total.reporting_rate(), "onTimeRate": total.on_time_rate(),
            "byParent": by_parent.iter().map(|(p, r)| json!({"parent": p.map(|p| tree.unit(p).code.clone()), "rates": r})).collect::<Vec<_>>(),
            "units": match &single {
                Some(c) => c.units.iter().map(|u| json!({"unit": tree.unit(u.unit).code, "status": u.status, "submittedAt": u.submitted_at, "daysLate": u.days_late})).collect::<Vec<_>>(),
                None => by_unit.iter().map(|(u, r)| json!({"unit": tree.unit(*u).code, "rates": r})).collect(),
            },
            "lateOrMissing": late,
        }));
    }
    let single_units = list_units && rows.first().is_some_and(|r| r.len() == 6);
    let headers: Vec<String> = if single_units {
        headers(
            lang,
            &[
                ("Biểu mẫu", "Form"),
                ("Kỳ", "Period"),
                ("Đơn vị", "Unit"),
                ("Tình trạng", "Status"),
                ("Gửi lúc", "Submitted"),
                ("Số ngày trễ", "Days late"),
            ],
        )
    } else {
        let unit = if list_units { ("Đơn vị", "Unit") } else { ("Đơn vị cấp trên", "Parent unit") };
        headers(
            lang,
            &[
                ("Biểu mẫu", "Form"),
                ("Kỳ", "Period"),
                unit,
                ("Phải báo cáo", "Expected"),
                ("Đã báo cáo", "Reported"),
                ("Đúng hạn", "On time"),
                ("Trễ hạn", "Late"),
                ("Chưa báo cáo", "Missing"),
                ("Tỷ lệ báo cáo", "Reporting rate"),
                ("Tỷ lệ đúng hạn", "On-time rate"),
            ],
        )
    };
    let numeric = if single_units { vec![5] } else { (3..10).collect() };
    Report { headers, rows, numeric, json: json!(json_out), footer }.print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}

fn rates_row(form: &str, period: &str, unit: &str, r: &Rates) -> Vec<String> {
    vec![
        form.to_string(),
        period.to_string(),
        unit.to_string(),
        format_integer(i64::from(r.expected)),
        format_integer(i64::from(r.reported())),
        format_integer(i64::from(r.on_time)),
        format_integer(i64::from(r.late)),
        format_integer(i64::from(r.missing)),
        pct(r.reporting_rate()),
        pct(r.on_time_rate()),
    ]
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{}%", format_number(v, 2))).unwrap_or_else(|| "—".into())
}

async fn demo(store: &SqliteStore, lang: Lang, today: NaiveDate) -> Result<ExitCode> {
    let pb = spinner(lang.t("Đang tạo tỉnh mẫu", "Generating the demo province"));
    let demo = chiso_demo::generate(today);
    pb.finish_and_clear();
    let total = demo.values.len() as u64;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {human_pos}/{human_len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(lang.t("Đang ghi số liệu", "Writing values").to_string());
    let mut tx = store.begin().await?;
    tx.save_metadata(&demo.metadata, MetadataMode::Replace).await?;
    tx.delete_values(&ValueFilter::default()).await?;
    for chunk in demo.values.chunks(5_000) {
        tx.put_values(chunk).await?;
        bar.inc(chunk.len() as u64);
    }
    tx.put_narratives(&demo.narratives).await?;
    tx.put_submissions(&demo.submissions).await?;
    tx.commit().await?;
    bar.finish_and_clear();
    let m = &demo.metadata;
    println!(
        "{}: {} — {} {}, {} {}, {} {}, {} {}, {} {}, {} {}.",
        lang.t("Đã nạp tỉnh mẫu", "Demo province loaded"),
        m.name.clone().unwrap_or_default(),
        format_integer(m.org_units.len() as i64),
        lang.t("đơn vị", "units"),
        m.forms.len(),
        lang.t("biểu mẫu", "forms"),
        m.data_elements.len(),
        lang.t("chỉ tiêu dữ liệu", "data elements"),
        m.indicators.len(),
        lang.t("chỉ số", "indicators"),
        format_integer(total as i64),
        lang.t("giá trị", "values"),
        m.plans.iter().map(|p| p.targets.len()).sum::<usize>(),
        lang.t("chỉ tiêu kế hoạch", "plan targets"),
    );
    println!("{}", lang.t("Thử: chiso targets | chiso completeness | chiso validate | chiso analytics --dx TL_DUNG_HAN --pe LAST_12_MONTHS --ou LEVEL-2", "Try: chiso targets | chiso completeness | chiso validate | chiso analytics --dx TL_DUNG_HAN --pe LAST_12_MONTHS --ou LEVEL-2"));
    Ok(ExitCode::SUCCESS)
}

fn metadata_report_text(lang: Lang, file: &std::path::Path, r: &chiso_io::MetadataImportReport) -> String {
    let c = &r.counts;
    let head = if r.committed {
        lang.t("Đã nhập siêu dữ liệu", "Metadata imported")
    } else {
        lang.t("Chạy thử (chưa ghi)", "Dry run (nothing written)")
    };
    format!(
        "{head} {}: {} {}, {} {}, {} {}{}",
        file.display(),
        format_integer(c.imported as i64),
        lang.t("mới", "new"),
        format_integer(c.updated as i64),
        lang.t("cập nhật", "updated"),
        format_integer(c.unchanged as i64),
        lang.t("không đổi", "unchanged"),
        if c.deleted > 0 {
            format!(", {} {}", format_integer(c.deleted as i64), lang.t("xóa", "deleted"))
        } else {
            String::new()
        }
    )
}

fn import_report_text(lang: Lang, file: &std::path::Path, r: &chiso_io::ImportReport) -> String {
    let c = &r.counts;
    let mut out = String::new();
    if r.errors.is_empty() {
        let head = if r.committed {
            lang.t("Đã nhập", "Imported")
        } else {
            lang.t("Chạy thử (chưa ghi)", "Dry run (nothing written)")
        };
        out.push_str(&format!(
            "{head} {}: {} {} — {} {}, {} {}, {} {}, {} {}\n",
            file.display(),
            format_integer(r.read as i64),
            lang.t("giá trị đọc được", "values read"),
            format_integer(c.imported as i64),
            lang.t("mới", "imported"),
            format_integer(c.updated as i64),
            lang.t("cập nhật", "updated"),
            format_integer(c.unchanged as i64),
            lang.t("không đổi", "unchanged"),
            format_integer(r.ignored as i64),
            lang.t("bỏ qua", "ignored"),
        ));
    } else {
        out.push_str(&format!(
            "{} {}: {} {}.\n",
            lang.t("KHÔNG nhập giá trị nào vì tệp có lỗi", "Nothing imported: the file has errors"),
            file.display(),
            format_integer(r.read as i64),
            lang.t("giá trị đọc được", "values read"),
        ));
    }
    if !r.errors.is_empty() {
        out.push_str(&format!("{} {}:\n", format_integer(r.error_count() as i64), lang.t("lỗi", "errors")));
        for e in &r.errors {
            out.push_str(&format!("  - {e}\n"));
        }
        let more = r.error_count() - r.errors.len() as u64;
        if more > 0 {
            out.push_str(&format!("  ... {} {}\n", format_integer(more as i64), lang.t("lỗi khác", "more errors")));
        }
    }
    out
}
