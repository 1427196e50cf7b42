//! `chiso projects`: the projects-and-budgets register — the projects and
//! recurrent tasks with their money for a year, totals by unit, source,
//! pillar or year, and the plan appendices (Phụ lục II/V, III/VI) with their
//! totals checked.

use super::*;
use crate::{Appendix as AppendixKind, ProjectsBy};
use chiso_core::register::budget::{self, BudgetLine};
use chiso_core::register::{Appendix, BudgetKind, Layout, Money, Registers};

pub(super) async fn projects(
    store: &SqliteStore,
    lang: Lang,
    year: Option<i32>,
    by: Option<ProjectsBy>,
    unit: Option<String>,
    appendix: Option<AppendixKind>,
    opts: &ReadOpts,
) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let reg = store.load_registers().await?;
    let as_of = today(opts);
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&as_of));
    let within = unit_filter(&model, unit.as_deref())?;
    let reg = match &within {
        None => reg,
        Some(keep) => Registers {
            projects: reg.projects.into_iter().filter(|p| keep(&p.unit)).collect(),
            recurrent_tasks: reg.recurrent_tasks.into_iter().filter(|t| keep(&t.unit)).collect(),
            ..reg
        },
    };
    if let Some(kind) = appendix {
        let table = match kind {
            AppendixKind::Investment => budget::investment_appendix(&reg, &model, year, Layout::flat()),
            AppendixKind::Recurrent => budget::recurrent_appendix(&reg, &model, year, Layout::by_unit(2)),
            AppendixKind::Budget => budget::budget_appendix(&reg, &model, year, Some(2)),
        };
        return appendix_report(lang, &table)?.print(opts.format).map(|_| ExitCode::SUCCESS);
    }
    let summary = budget::summary(&reg, year);
    let mut footer = vec![summary_sentence(&summary)];
    let disbursed = budget::disbursed(&reg, year, as_of, None);
    if !summary.total.is_zero() {
        footer.push(format!(
            "Đã giải ngân đến ngày {}: {} triệu đồng ({}).",
            as_of.format("%d/%m/%Y"),
            disbursed,
            pct(budget::disbursement_rate(&reg, year, as_of, None))
        ));
    }
    let report = match by {
        Some(by) => by_report(lang, &model, &reg, year, by, footer)?,
        None => list_report(lang, &model, &reg, year, as_of, &summary, footer)?,
    };
    report.print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}

/// "Tổng kinh phí năm 2026: 230,5 tỷ đồng. Trong đó: ..." and the share of
/// the province's state budget when the register has it.
fn summary_sentence(s: &budget::BudgetSummary) -> String {
    let sentence = s.sentence();
    let mut out = match sentence.strip_prefix("Tổng kinh phí:") {
        Some(rest) => format!("Tổng kinh phí năm {}:{rest}", s.year),
        None => sentence,
    };
    if let (Some(share), Some(b)) = (s.share, s.state_budget) {
        out.push_str(&format!(
            " Bằng {} tổng chi ngân sách nhà nước của tỉnh ({}).",
            pct(Some(share)),
            b.billion_text()
        ));
    }
    out
}

/// Keeps the units within `code`'s subtree; `None` keeps all.
type Keep = Box<dyn Fn(&Code) -> bool>;

fn unit_filter(model: &Arc<Model>, code: Option<&str>) -> Result<Option<Keep>> {
    let Some(code) = code else { return Ok(None) };
    let tree = model.tree();
    let ix = tree.index(code).with_context(|| format!("đơn vị {code} không tồn tại"))?;
    let range = tree.subtree(ix);
    let model = model.clone();
    Ok(Some(Box::new(move |u: &Code| model.tree().index(u.as_str()).is_some_and(|i| range.contains(&i)))))
}

fn unit_label(model: &Model, code: &Code) -> String {
    model.tree().index(code.as_str()).map(|i| model.tree().unit(i).name.clone()).unwrap_or_else(|| code.to_string())
}

fn list_report(
    lang: Lang,
    model: &Model,
    reg: &Registers,
    year: i32,
    as_of: NaiveDate,
    summary: &budget::BudgetSummary,
    footer: Vec<String>,
) -> Result<Report> {
    let mut rows = Vec::new();
    let mut items = Vec::new();
    let rate = |paid: Money, of: Money| pct(paid.percent_of(of));
    for p in reg.projects.iter().filter(|p| !p.allocated_in(year).is_zero()) {
        let allocated = p.allocated_in(year);
        let paid = p.disbursed_in(year, as_of);
        let sources = budget::sources_text(&p.allocation_by_source(year));
        rows.push(vec![
            p.code.to_string(),
            p.kind.label_vi().to_string(),
            p.name.clone(),
            unit_label(model, &p.unit),
            sources.clone(),
            allocated.to_string(),
            paid.to_string(),
            rate(paid, allocated),
        ]);
        items.push(json!({
            "code": p.code, "kind": p.kind, "project": true, "name": p.name, "unit": p.unit,
            "pillar": p.pillar, "sources": sources, "allocated": allocated, "disbursed": paid,
            "total_investment": p.total_investment, "period": p.period.to_string(), "status": p.status,
        }));
    }
    for t in reg.recurrent_tasks.iter().filter(|t| t.year == year) {
        let paid = t.disbursed(as_of);
        let parts: Vec<_> = t.by_source().into_iter().collect();
        let sources = budget::sources_text(&parts.iter().map(|(s, m)| (Some(s), *m)).collect::<Vec<_>>());
        let sources = match &t.budget_line {
            Some(l) => format!("{sources} ({l})"),
            None => sources,
        };
        rows.push(vec![
            t.code.to_string(),
            BudgetKind::Recurrent.label_vi().to_string(),
            t.name.clone(),
            unit_label(model, &t.unit),
            sources.clone(),
            t.amount.to_string(),
            paid.to_string(),
            rate(paid, t.amount),
        ]);
        items.push(json!({
            "code": t.code, "kind": BudgetKind::Recurrent, "project": false, "name": t.name, "unit": t.unit,
            "pillar": t.pillar, "sources": sources, "allocated": t.amount, "disbursed": paid,
            "budget_line": t.budget_line,
        }));
    }
    let disbursed = budget::disbursed(reg, year, as_of, None);
    rows.push(vec![
        String::new(),
        String::new(),
        lang.t("TỔNG CỘNG", "TOTAL").to_string(),
        String::new(),
        String::new(),
        summary.total.to_string(),
        disbursed.to_string(),
        rate(disbursed, summary.total),
    ]);
    Ok(Report {
        headers: headers(
            lang,
            &[
                ("Mã", "Code"),
                ("Loại", "Kind"),
                ("Dự án / nhiệm vụ", "Project / task"),
                ("Đơn vị thực hiện", "Unit"),
                ("Nguồn vốn", "Source"),
                (&format!("Bố trí năm {year} (triệu đồng)"), &format!("Allocated {year} (million VND)")),
                ("Giải ngân (triệu đồng)", "Disbursed (million VND)"),
                ("Tỷ lệ", "Rate"),
            ],
        ),
        rows,
        numeric: vec![5, 6, 7],
        json: json!({
            "year": year,
            "as_of": as_of,
            "summary": summary,
            "sentence": footer.first(),
            "disbursed": disbursed,
            "items": items,
        }),
        footer,
    })
}

fn by_report(
    lang: Lang,
    model: &Model,
    reg: &Registers,
    year: i32,
    by: ProjectsBy,
    footer: Vec<String>,
) -> Result<Report> {
    let all = budget::budget_lines(reg);
    let lines: Vec<BudgetLine<'_>> = match by {
        ProjectsBy::Year => all,
        _ => all.into_iter().filter(|l| l.year == year).collect(),
    };
    let total = budget::total(&lines);
    let groups: Vec<(String, String, Money)> = match by {
        ProjectsBy::Unit => {
            budget::totals_by_unit(&lines).into_iter().map(|(c, m)| (c.to_string(), unit_label(model, &c), m)).collect()
        }
        ProjectsBy::Source => budget::totals_by_source(&lines)
            .into_iter()
            .map(|(s, m)| match s {
                Some(s) => (s.label().to_string(), s.name_vi().to_string(), m),
                None => (String::new(), "Chưa rõ nguồn".into(), m),
            })
            .collect(),
        ProjectsBy::Pillar => budget::totals_by_pillar(&lines)
            .into_iter()
            .map(|(p, m)| match p {
                Some(p) => (p.to_string(), model.pillar_name(p.as_str()).unwrap_or(p.as_str()).to_string(), m),
                None => (String::new(), "Chưa gắn trụ cột".into(), m),
            })
            .collect(),
        ProjectsBy::Year => {
            budget::totals_by_year(&lines).into_iter().map(|(y, m)| (y.to_string(), format!("Năm {y}"), m)).collect()
        }
    };
    let mut rows: Vec<Vec<String>> =
        groups.iter().map(|(c, n, m)| vec![c.clone(), n.clone(), m.to_string(), pct(m.percent_of(total))]).collect();
    rows.push(vec![String::new(), lang.t("TỔNG CỘNG", "TOTAL").into(), total.to_string(), pct(Some(100.0))]);
    let first = match by {
        ProjectsBy::Unit => ("Đơn vị", "Unit"),
        ProjectsBy::Source => ("Nguồn vốn", "Source"),
        ProjectsBy::Pillar => ("Trụ cột", "Pillar"),
        ProjectsBy::Year => ("Năm", "Year"),
    };
    let amount_header = match by {
        ProjectsBy::Year => ("Kinh phí (triệu đồng)".to_string(), "Amount (million VND)".to_string()),
        _ => (format!("Kinh phí năm {year} (triệu đồng)"), format!("Amount {year} (million VND)")),
    };
    let json_groups: Vec<_> = groups.iter().map(|(c, n, m)| json!({ "code": c, "name": n, "amount": m })).collect();
    Ok(Report {
        headers: headers(lang, &[("Mã", "Code"), first, (&amount_header.0, &amount_header.1), ("Tỷ trọng", "Share")]),
        rows,
        numeric: vec![2, 3],
        json: json!({ "year": year, "groups": json_groups, "total": total }),
        footer: if by == ProjectsBy::Year { Vec::new() } else { footer },
    })
}

/// An appendix table as printed: its rows, its title and a line saying its totals add up.
fn appendix_report(lang: Lang, t: &Appendix) -> Result<Report> {
    let rows: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.iter().map(|c| c.display()).collect()).collect();
    let numeric = t.columns.iter().enumerate().filter(|(_, c)| c.amount).map(|(i, _)| i).collect();
    let mut footer = vec![t.title.clone()];
    if let Some(n) = &t.unit_note {
        footer.push(n.clone());
    }
    match t.check_totals() {
        Ok(()) => {
            footer.push(lang.t("Các dòng tổng cộng khớp với tổng các dòng.", "Every total matches its rows.").into())
        }
        Err(e) => bail!("bảng \"{}\" có tổng không khớp: {e}", t.title),
    }
    Ok(Report {
        headers: t.columns.iter().map(|c| c.header.clone()).collect(),
        rows,
        numeric,
        json: serde_json::to_value(t)?,
        footer,
    })
}
