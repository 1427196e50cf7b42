//! `chiso completeness`: who reported, on time, late or not at all.

use super::*;

pub(super) async fn completeness_cmd(
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
