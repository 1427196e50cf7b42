//! `chiso validate`: every rule violation with unit, period and both sides.

use super::*;

pub(super) async fn validate(
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
