//! `chiso tasks`: the plan's task assignments — each task with its lead and
//! co-operating units, its deadline, the latest progress report and where it
//! stands as of `--today`; the counts the national level asks for.

use super::*;
use crate::TaskFilter;
use chiso_core::register::task::{self, Standing, TaskStatus};

pub(super) async fn tasks(
    store: &SqliteStore,
    lang: Lang,
    status: Option<TaskFilter>,
    unit: Option<String>,
    opts: &ReadOpts,
) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let reg = store.load_registers().await?;
    let as_of = today(opts);
    if let Some(u) = &unit
        && model.tree().index(u).is_none()
        && !model.metadata().unit_groups.iter().any(|g| g.code.as_str() == u)
    {
        bail!("đơn vị {u} không tồn tại");
    }
    let all = task::statuses(&reg, as_of);
    let of_unit: Vec<TaskStatus<'_>> = all
        .into_iter()
        .filter(|s| {
            unit.as_deref().is_none_or(|u| s.task.lead.iter().chain(&s.task.cooperating).any(|c| c.as_str() == u))
        })
        .collect();
    let counts = task::counts(&of_unit);
    let shown: Vec<&TaskStatus<'_>> = match status {
        None => of_unit.iter().collect(),
        Some(TaskFilter::Overdue) => task::overdue(&of_unit),
        Some(TaskFilter::AtRisk) => task::at_risk(&of_unit),
        Some(f) => of_unit.iter().filter(|s| f.matches(s.standing)).collect(),
    };
    let names = |codes: &[Code]| codes.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>().join("; ");
    let progress = |s: &TaskStatus<'_>| -> String {
        let Some(r) = s.latest else { return "—".into() };
        let what = match (s.percent, s.state) {
            (Some(p), Some(st)) if st != chiso_core::register::TaskState::InProgress => {
                format!("{}% — {}", format_number(p, 0), st.label_vi())
            }
            (Some(p), _) => format!("{}%", format_number(p, 0)),
            (None, Some(st)) => st.label_vi().to_string(),
            (None, None) => "—".into(),
        };
        format!("{what} ({})", r.date.format("%d/%m/%Y"))
    };
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|s| {
            vec![
                s.task.code.to_string(),
                s.task.name.clone(),
                names(&s.task.lead),
                names(&s.task.cooperating),
                format!("{} ({})", s.task.due, s.deadline.format("%d/%m/%Y")),
                progress(s),
                s.standing.label_vi().to_string(),
            ]
        })
        .collect();
    let items: Vec<_> = shown
        .iter()
        .map(|s| {
            json!({
                "code": s.task.code,
                "name": s.task.name,
                "pillar": s.task.pillar,
                "lead": s.task.lead,
                "lead_names": s.task.lead.iter().map(|c| model.party_name(c.as_str())).collect::<Vec<_>>(),
                "cooperating": s.task.cooperating,
                "due": s.task.due.to_string(),
                "deadline": s.deadline,
                "standing": s.standing,
                "standing_label": s.standing.label_vi(),
                "percent": s.percent,
                "state": s.state,
                "latest_report": s.latest.map(|r| r.date),
                "completed_on": s.completed_on,
            })
        })
        .collect();
    let sentence = format!("Đến ngày {}: {}", as_of.format("%d/%m/%Y"), counts.sentence());
    Report {
        headers: headers(
            lang,
            &[
                ("Mã", "Code"),
                ("Nhiệm vụ", "Task"),
                ("Chủ trì", "Lead"),
                ("Phối hợp", "Co-operating"),
                ("Thời hạn", "Due"),
                ("Tiến độ mới nhất", "Latest progress"),
                ("Tình trạng", "Standing"),
            ],
        ),
        rows,
        numeric: vec![],
        json: json!({ "as_of": as_of, "counts": counts, "sentence": sentence, "tasks": items }),
        footer: vec![sentence.clone()],
    }
    .print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}

impl TaskFilter {
    fn matches(self, s: Standing) -> bool {
        match self {
            TaskFilter::Overdue => s == Standing::Overdue,
            TaskFilter::AtRisk => s == Standing::AtRisk,
            TaskFilter::Completed => s.is_completed(),
            TaskFilter::CompletedOnTime => s == Standing::CompletedOnTime,
            TaskFilter::CompletedLate => s == Standing::CompletedLate,
            TaskFilter::OnTrack => s == Standing::OnTrack,
            TaskFilter::NotReported => s == Standing::NotReported,
        }
    }
}
