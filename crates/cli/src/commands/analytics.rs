//! `chiso analytics`: a grid of figures from the engine, DHIS2 dimension syntax.

use super::*;
use crate::{Across, AnalyticsArgs};
use chiso_analytics::Dim;

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
    let period_label = |p: &Period| if lang == Lang::Vi { p.label_vi() } else { p.to_string() };
    let across = match args.columns {
        Some(Across::Pe) => Some(Dim::Pe),
        Some(Across::Ou) => Some(Dim::Ou),
        Some(Across::Dx) => Some(Dim::Dx),
        Some(Across::None) => None,
        None => (grid.periods.len() > 1).then_some(Dim::Pe),
    };
    let cells = grid.cells.iter().filter(|c| c.value.is_some()).count();
    let footer = vec![format!("{} {}", format_integer(cells as i64), lang.t("ô số liệu", "cells"))];
    let json = grid.to_dhis2_json(&model);
    let report = match across.filter(|_| opts.format == Format::Table) {
        Some(dim) => {
            let pivot = grid.pivot(&model, dim, period_label);
            let mut headers: Vec<String> = pivot.row_dims.iter().map(|d| dim_header(lang, *d)).collect();
            let first = headers.len();
            headers.extend(pivot.columns.iter().cloned());
            let numeric = (first..headers.len()).collect();
            let rows = pivot.rows.into_iter().map(|(mut labels, cells)| {
                labels.extend(cells);
                labels
            });
            Report { headers, rows: rows.collect(), numeric, json, footer }
        }
        None => {
            let rows = grid
                .rows(&model)
                .into_iter()
                .map(|r| {
                    let pe = if lang == Lang::Vi { r.period_name } else { r.period };
                    vec![r.dx_name, pe, r.unit_name, r.value_text]
                })
                .collect();
            let headers = [Dim::Dx, Dim::Pe, Dim::Ou]
                .iter()
                .map(|d| dim_header(lang, *d))
                .chain([lang.t("Giá trị", "Value").to_string()]);
            Report { headers: headers.collect(), rows, numeric: vec![3], json, footer }
        }
    };
    report.print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}

fn dim_header(lang: Lang, d: Dim) -> String {
    match d {
        Dim::Dx => lang.t("Dữ liệu", "Data"),
        Dim::Pe => lang.t("Kỳ", "Period"),
        Dim::Ou => lang.t("Đơn vị", "Unit"),
    }
    .to_string()
}
