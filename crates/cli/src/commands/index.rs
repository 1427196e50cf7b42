//! `chiso index`: the digital-transformation index of a comparable group of
//! units (departments, districts, communes) for a year — rank, unit, total
//! points, the 0–1 value, each pillar's and main index's value and the change
//! of rank since the previous year ("▲2", "▼1", "mới") — computed by the
//! analytics engine from the figures and the assessors' scores in the
//! registers.

use super::*;
use chiso_analytics::index::{rank_group, ranking_node};
use chiso_core::index::Index;

#[allow(clippy::too_many_arguments)]
pub(super) async fn index(
    store: &SqliteStore,
    lang: Lang,
    code: Option<String>,
    pe: Option<String>,
    group: String,
    node: Option<String>,
    opts: &ReadOpts,
) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let reg = store.load_registers().await?;
    if reg.indices.is_empty() {
        bail!("chưa có bộ chỉ số nào trong sổ theo dõi (indices)");
    }
    let period = match &pe {
        Some(p) => Period::parse(p).with_context(|| format!("kỳ {p} không hợp lệ"))?,
        None => match &code {
            Some(c) => Period::year(reg.index(c).with_context(|| format!("bộ chỉ số {c} không tồn tại"))?.year)?,
            None => Period::year(chrono::Datelike::year(&today(opts)))?,
        },
    };
    let year = chrono::Datelike::year(&period.start());
    let ix: &Index = match &code {
        Some(c) => reg.index(c).with_context(|| format!("bộ chỉ số {c} không tồn tại"))?,
        None => reg.index_for_year(year).with_context(|| format!("chưa có bộ chỉ số cho năm {year}"))?,
    };
    let node = ranking_node(ix, node.as_deref())?;
    let tree = model.tree();
    let engine = load_engine(store, model.clone()).await?;
    let ranking = rank_group(&engine, &reg, ix, period, &group)?;
    let (prev_ix, previous, result) = (ranking.previous_index, ranking.previous, &ranking.result);
    let prev_year = chrono::Datelike::year(&previous.start());
    let ranked = ranking.ranked(node.as_ref()).context("không có bảng xếp hạng")?;
    let mains = ix.pillars_and_mains();
    let name = |u: &Code| tree.index(u.as_str()).map_or_else(|| u.to_string(), |i| tree.unit(i).name.clone());
    let value = |x: f64| format_number(x, 4);
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for r in ranked {
        let s = result.unit(&r.unit).context("đơn vị không có điểm")?;
        let mut row =
            vec![r.rank.to_string(), r.unit.to_string(), name(&r.unit), format_number(r.points, 2), value(r.scale)];
        row.extend(mains.iter().map(|(_, c)| s.nodes.get(*c).map_or_else(String::new, |n| value(n.scale))));
        row.push(r.change_label());
        rows.push(row);
        items.push(json!({
            "rank": r.rank,
            "unit": r.unit,
            "name": name(&r.unit),
            "points": r.points,
            "value": r.scale,
            "previous_rank": r.previous_rank,
            "change": r.change,
            "total": s.total,
            "nodes": mains.iter().filter_map(|(_, c)| s.nodes.get(*c).map(|n| (c.to_string(), *n))).collect::<BTreeMap<_, _>>(),
            "missing": s.missing,
        }));
    }
    let mut hs: Vec<String> = headers(
        lang,
        &[("Hạng", "Rank"), ("Mã", "Code"), ("Đơn vị", "Unit"), ("Điểm", "Points"), ("Giá trị (0–1)", "Value (0–1)")],
    );
    // Pillars and main indices by name (the JSON keeps their codes).
    let flat = ix.flatten()?;
    let node_name =
        |c: &Code| flat.iter().find(|f| &f.node.code == c).map_or_else(|| c.to_string(), |f| f.node.name.clone());
    hs.extend(mains.iter().map(|(_, c)| node_name(c)));
    hs.push(lang.t(&format!("So với {prev_year}"), &format!("Since {prev_year}")).to_string());
    let mut numeric: Vec<usize> = (3..5 + mains.len()).collect();
    numeric.insert(0, 0);
    let by = node.as_ref().map_or_else(String::new, |n| format!(", xếp theo {n}"));
    let footer = vec![format!(
        "{} ({}), năm {}: {} đơn vị nhóm {group}{by}; tối đa {} điểm; thay đổi hạng so với năm {prev_year} ({}).",
        ix.name,
        ix.code,
        year,
        ranked.len(),
        format_number(ix.max_points(), 0),
        prev_ix.code
    )];
    Report {
        headers: hs,
        rows,
        numeric,
        json: json!({
            "index": ix.code,
            "name": ix.name,
            "period": period,
            "previous_period": previous,
            "previous_index": prev_ix.code,
            "group": group,
            "node": node,
            "max_points": ix.max_points(),
            "units": items,
        }),
        footer,
    }
    .print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}
