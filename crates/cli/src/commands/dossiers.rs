//! `chiso dossiers`: the information systems' security-level dossiers
//! (Nghị định 85/2016/NĐ-CP) as of `--today` — each with its system, owner
//! unit, level, status and what is missing or the approving decision; or
//! their counts by unit, status or level; and the report sentence
//! ("246 đơn vị, 257 bộ hồ sơ: 118 đã phê duyệt, 112 chờ phê duyệt, 27 cần bổ sung").

use super::*;
use crate::{DossierFilter, DossiersBy};
use chiso_core::register::DossierState;
use chiso_core::register::security::{self, DossierCounts, DossierStanding};

pub(super) async fn dossiers(
    store: &SqliteStore,
    lang: Lang,
    status: Option<DossierFilter>,
    unit: Option<String>,
    by: Option<DossiersBy>,
    opts: &ReadOpts,
) -> Result<ExitCode> {
    let model = load_model(store).await?;
    let reg = store.load_registers().await?;
    let as_of = today(opts);
    let tree = model.tree();
    let within = match &unit {
        None => None,
        Some(u) => Some(tree.subtree(tree.index(u).with_context(|| format!("đơn vị {u} không tồn tại"))?)),
    };
    let in_scope = |s: &DossierStanding<'_>| {
        within.as_ref().is_none_or(|r| s.unit().and_then(|u| tree.index(u.as_str())).is_some_and(|i| r.contains(&i)))
    };
    let all: Vec<DossierStanding<'_>> = security::standings(&reg, as_of).into_iter().filter(in_scope).collect();
    let counts = security::counts(&all);
    let sentence = format!("Đến ngày {}: {}.", as_of.format("%d/%m/%Y"), counts.sentence());
    let shown: Vec<DossierStanding<'_>> =
        all.iter().filter(|s| status.is_none_or(|f| f.state() == s.state)).cloned().collect();
    let unit_name = |u: Option<&Code>| match u {
        Some(u) => tree.index(u.as_str()).map(|i| tree.unit(i).name.clone()).unwrap_or_else(|| u.to_string()),
        None => "—".into(),
    };
    let report = match by {
        Some(by) => {
            let groups: Vec<(String, String, DossierCounts)> = match by {
                DossiersBy::Unit => {
                    let mut g = security::counts_by(&shown, |s| {
                        (s.unit().and_then(|u| tree.index(u.as_str())).map_or(u32::MAX, u32::from), s.unit().cloned())
                    });
                    g.sort_by_key(|((ix, _), _)| *ix);
                    g.into_iter()
                        .map(|((_, u), c)| {
                            (u.as_ref().map_or_else(|| "—".into(), Code::to_string), unit_name(u.as_ref()), c)
                        })
                        .collect()
                }
                DossiersBy::Status => security::counts_by_state(&shown)
                    .into_iter()
                    .map(|(k, c)| (json_name(&k), capitalised(k.label_vi()), c))
                    .collect(),
                DossiersBy::Level => security::counts_by_level(&shown)
                    .into_iter()
                    .map(|(k, c)| {
                        let key = k.map_or_else(|| "—".into(), |l| l.to_string());
                        let label = k.map_or_else(|| "—".into(), |l| format!("Cấp độ {l}"));
                        (key, label, c)
                    })
                    .collect(),
            };
            let n = |x: usize| format_integer(x as i64);
            let rows = groups
                .iter()
                .map(|(k, l, c)| {
                    vec![k.clone(), l.clone(), n(c.units), n(c.dossiers), n(c.approved), n(c.pending), n(c.returned)]
                })
                .collect();
            let items: Vec<_> = groups
                .iter()
                .map(|(k, l, c)| json!({ "key": k, "label": l, "counts": c, "sentence": c.sentence() }))
                .collect();
            Report {
                headers: headers(
                    lang,
                    &[
                        ("Mã", "Key"),
                        ("Nhóm", "Group"),
                        ("Đơn vị", "Units"),
                        ("Bộ hồ sơ", "Dossiers"),
                        ("Đã phê duyệt", "Approved"),
                        ("Chờ phê duyệt", "Pending"),
                        ("Cần bổ sung", "Returned"),
                    ],
                ),
                rows,
                numeric: vec![2, 3, 4, 5, 6],
                json: json!({ "as_of": as_of, "counts": counts, "sentence": sentence, "groups": items }),
                footer: vec![sentence.clone()],
            }
        }
        None => {
            let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
            let remark = |s: &DossierStanding<'_>| match (s.missing, s.decision) {
                (Some(m), _) => capitalised(m),
                (_, Some(n)) => format!("Quyết định số {n} ngày {}", day(s.since)),
                _ => String::new(),
            };
            let rows = shown
                .iter()
                .map(|s| {
                    vec![
                        s.dossier.code.to_string(),
                        s.system.map_or_else(|| s.dossier.system.to_string(), |x| x.name.clone()),
                        unit_name(s.unit()),
                        s.level().map_or_else(|| "—".into(), |l| l.to_string()),
                        day(s.dossier.submitted),
                        format!("{} ({})", s.status.label_vi(), day(s.since)),
                        remark(s),
                    ]
                })
                .collect();
            let items: Vec<_> = shown
                .iter()
                .map(|s| {
                    json!({
                        "code": s.dossier.code,
                        "system": s.dossier.system,
                        "system_name": s.system.map(|x| &x.name),
                        "unit": s.unit(),
                        "unit_name": unit_name(s.unit()),
                        "level": s.level(),
                        "authority": s.authority(),
                        "authority_label": s.authority().map(|a| a.label_vi()),
                        "submitted": s.dossier.submitted,
                        "status": s.status,
                        "status_label": s.status.label_vi(),
                        "state": s.state,
                        "since": s.since,
                        "missing": s.missing,
                        "decision": s.decision,
                    })
                })
                .collect();
            Report {
                headers: headers(
                    lang,
                    &[
                        ("Mã hồ sơ", "Dossier"),
                        ("Hệ thống thông tin", "Information system"),
                        ("Đơn vị chủ quản", "Owner unit"),
                        ("Cấp độ", "Level"),
                        ("Ngày nộp", "Submitted"),
                        ("Tình trạng", "Status"),
                        ("Cần bổ sung / Quyết định phê duyệt", "Missing / Approving decision"),
                    ],
                ),
                rows,
                numeric: vec![3],
                json: json!({ "as_of": as_of, "counts": counts, "sentence": sentence, "dossiers": items }),
                footer: vec![sentence.clone()],
            }
        }
    };
    report.print(opts.format)?;
    Ok(ExitCode::SUCCESS)
}

fn json_name<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_value(x).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

impl DossierFilter {
    fn state(self) -> DossierState {
        match self {
            DossierFilter::Approved => DossierState::Approved,
            DossierFilter::Pending => DossierState::Pending,
            DossierFilter::Returned => DossierState::Returned,
        }
    }
}
