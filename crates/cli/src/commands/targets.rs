//! `chiso targets`: a plan's targets judged on the engine's figures.

use super::*;

pub(super) async fn targets(
    store: &SqliteStore,
    lang: Lang,
    plan: Option<String>,
    opts: &ReadOpts,
) -> Result<ExitCode> {
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
