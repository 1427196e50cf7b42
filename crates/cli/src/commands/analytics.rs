//! `chiso analytics`: a grid of figures from the engine, DHIS2 dimension syntax.

use super::*;
use crate::AnalyticsArgs;

pub(super) async fn analytics(store: &SqliteStore, lang: Lang, args: &AnalyticsArgs) -> Result<ExitCode> {
    let opts = &args.opts;
    let model = load_model(store).await?;
    let engine = load_engine(store, model.clone()).await?;
    let mut q = Query::from_lists(&model, &args.dx, &args.pe, &args.ou)?;
    q.by_option = args.co;
    q.include_empty = args.empty;
    let grid = engine.query(&q, today(opts))?;
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
