//! The reported data: values, submissions and narratives of every unit for
//! every weekly and monthly period from January of the previous year up to
//! `today`.
//!
//! Figures follow each unit's `Profile` with seeded noise: volumes scale with
//! the working days in the period's data window (Tết shows as a dip), online
//! shares and coverage rates climb slowly, the on-time rate drifts down a
//! little in the current year. Reporting habits decide who is late or
//! missing. A few scripted slips (a wrong stated late rate, on time + late
//! greater than resolved) and rare random typos give validation something to
//! find.

use crate::catalog::{IN_PERSON, MONTHLY, ONLINE, POST, WEEKLY, el};
use crate::narrative;
use crate::org::{Habit, Org, Profile, Tier};
use crate::rng::{Rng, rng_for};
use chiso_core::code::Code;
use chiso_core::element::plain;
use chiso_core::form::ReportForm;
use chiso_core::number::round_half_away;
use chiso_core::period::{Period, PeriodType, WorkingCalendar};
use chiso_core::value::{DataValue, Narrative, Submission, SubmissionStatus};
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

pub(crate) struct Reports {
    pub values: Vec<DataValue>,
    pub narratives: Vec<Narrative>,
    pub submissions: Vec<Submission>,
}

/// One figure before it becomes a `DataValue`.
pub(crate) struct Fig {
    pub element: &'static str,
    pub option: Option<&'static str>,
    pub value: f64,
    /// Stored with two decimals (a stated percentage) rather than as an integer.
    pub decimal: bool,
}

fn fig(element: &'static str, value: f64) -> Fig {
    Fig { element, option: None, value, decimal: false }
}

pub(crate) fn get(figs: &[Fig], element: &str, option: Option<&str>) -> Option<f64> {
    figs.iter().find(|f| f.element == element && f.option == option).map(|f| f.value)
}
fn set(figs: &mut [Fig], element: &str, option: Option<&str>, value: f64) {
    if let Some(f) = figs.iter_mut().find(|f| f.element == element && f.option == option) {
        f.value = value;
    }
}
/// An element's total over its options.
pub(crate) fn total(figs: &[Fig], element: &str) -> f64 {
    figs.iter().filter(|f| f.element == element).map(|f| f.value).sum()
}

/// Per-unit constants drawn once: where each unit starts and how fast it moves.
struct Traits {
    coverage0: f64,
    coverage_slope: f64,
    digitise: f64,
    meetings: f64,
    edocs: f64,
    trained: f64,
    payments: f64,
    post: f64,
    resolve: f64,
    /// Months (t) at which each information system's security dossier is approved.
    approvals: Vec<f64>,
    procedures: f64,
    full_online: f64,
    full_online_next: f64,
}

fn traits(p: &Profile) -> Traits {
    let mut r = rng_for(&["traits", p.code.as_str()]);
    let procedures = match p.tier {
        Tier::Dept if p.dossiers > 0.0 => (14.0 + p.dossiers.sqrt() * 1.6).round(),
        Tier::District => 92.0 + r.below(8) as f64,
        _ => 0.0,
    };
    Traits {
        coverage0: 0.86 + 0.12 * r.unit() - if p.remote { 0.04 } else { 0.0 },
        coverage_slope: 0.003 + 0.002 * r.unit(),
        digitise: r.normal() * 0.04,
        meetings: r.normal() * 0.05 - if p.remote { 0.08 } else { 0.0 },
        edocs: r.normal() * 0.012,
        trained: r.normal() * 0.06 - if p.remote { 0.05 } else { 0.0 },
        payments: r.normal() * 0.05,
        post: 0.01 + 0.03 * r.unit(),
        resolve: 0.90 + 0.07 * r.unit(),
        approvals: (0..p.systems + 1).map(|_| -98.0 + 125.0 * r.unit()).collect(),
        procedures,
        // Sở TT&TT, closed in February of the first year, had every service online.
        full_online: if p.valid_to.is_some() { 1.0 } else { (r.unit() - 0.5) * 0.1 },
        full_online_next: (r.unit() - 0.5) * 0.05,
    }
}

struct Ctx<'a> {
    org: &'a Org,
    today: NaiveDate,
    first_year: i32,
    cal: WorkingCalendar,
}

impl Ctx<'_> {
    /// Months since January of the first year, at `d` (fractional).
    fn t(&self, d: NaiveDate) -> f64 {
        f64::from((d.year() - self.first_year) * 12 + d.month0() as i32) + f64::from(d.day0()) / 30.0
    }
    fn current_year(&self, p: &Period) -> bool {
        p.period_year() == self.today.year()
    }
}

/// What happens to one unit's report for one period.
enum Fate {
    Missing,
    /// Values entered, not sent.
    Draft,
    Sent {
        at: NaiveDateTime,
        status: SubmissionStatus,
    },
}

fn at(day: NaiveDate, rng: &mut Rng, afternoon: bool) -> NaiveDateTime {
    let minutes =
        if afternoon { rng.between(13 * 60 + 30, 17 * 60 + 30) } else { rng.between(7 * 60 + 30, 17 * 60 + 30) };
    day.and_time(
        NaiveTime::from_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, rng.between(0, 59) as u32)
            .expect("valid time"),
    )
}

fn skip_weekend(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Days::new(2),
        Weekday::Sun => d + Days::new(1),
        _ => d,
    }
}

/// Scripted events, placed relative to `today` so every demo has them.
struct Script {
    /// The latest monthly period due at least a few days ago: Huyện Vĩnh Xuân's
    /// report for it has on time + late > resolved and was returned.
    returned_month: Option<Period>,
    /// A recent week: Sở Nông nghiệp và Môi trường's weekly report has the same
    /// slip and was returned.
    returned_week: Option<Period>,
}

const RETURNED_MONTH_UNIT: &str = "H_VINH_XUAN";
const RETURNED_WEEK_UNIT: &str = "SO_NNMT";
/// The department that types its late rate a hundred times too small.
const WRONG_RATE_UNIT: &str = "SO_YT";

#[allow(clippy::too_many_arguments)]
fn fate(
    ctx: &Ctx,
    form: &ReportForm,
    p: &Period,
    prof: &Profile,
    due: NaiveDate,
    window_end: NaiveDate,
    forced: bool,
    rng: &mut Rng,
) -> Fate {
    let weekly = form.period_type.is_weekly();
    let (p_late, p_missing) = prof.habit.odds(ctx.current_year(p), weekly);
    let today = ctx.today;
    let first_day = if weekly { window_end } else { window_end + Days::new(1) };
    if due >= today {
        // The current period: early birds have sent it or are typing it.
        let (p_sent, p_draft) = if prof.habit.is_late_kind() { (0.0, 0.12) } else { (0.4, 0.25) };
        let days = (today - first_day).num_days();
        let x = rng.unit();
        return if x < p_sent && days > 0 {
            let day = first_day + Days::new(rng.between(0, days - 1) as u64);
            Fate::Sent { at: at(day, rng, weekly && day == window_end), status: SubmissionStatus::Submitted }
        } else if x < p_sent + p_draft {
            Fate::Draft
        } else {
            Fate::Missing
        };
    }
    if !forced && rng.chance(p_missing) {
        return Fate::Missing;
    }
    let late = !forced && rng.chance(p_late);
    let sent = if late {
        let days = match prof.habit {
            Habit::ChronicallyLate | Habit::OftenMissing => rng.between(2, if weekly { 8 } else { 18 }),
            Habit::Improving => rng.between(2, if weekly { 6 } else { 12 }),
            _ => rng.between(1, 5),
        };
        at(skip_weekend(due + Days::new(days as u64)), rng, false)
    } else {
        let span = (due - first_day).num_days().max(0);
        let back = ((rng.normal().abs() * if weekly { 1.0 } else { 3.5 }) as i64).min(span);
        let day = due - Days::new(back as u64);
        at(day, rng, weekly && day == window_end)
    };
    if sent.date() >= today {
        // Not sent yet: a late unit still typing.
        return Fate::Draft;
    }
    let lag = rng.between(2, 12);
    let status = if sent.date() + Days::new(lag as u64) < today && !rng.chance(0.004) {
        SubmissionStatus::Approved
    } else {
        SubmissionStatus::Submitted
    };
    Fate::Sent { at: sent, status }
}

fn monthly_figures(ctx: &Ctx, prof: &Profile, tr: &Traits, p: &Period, rng: &mut Rng) -> Vec<Fig> {
    let (start, end) = chiso_core::period::CutoffRule::Decree09.window(p);
    let t = ctx.t(p.start());
    let wd = f64::from(ctx.cal.working_days_between(start, end)) / 21.5;
    let mut f = Vec::with_capacity(24);
    let round = |x: f64| x.max(0.0).round();
    if prof.dossiers > 0.0 {
        let vol = prof.dossiers * (1.0 + 0.004 * t) * rng.jitter(0.07);
        let share = (prof.online0 + prof.online_slope * t + rng.normal() * 0.012).clamp(0.02, 0.97);
        let online = round(vol * share * (0.25 + 0.75 * wd));
        let offline = vol * (1.0 - share) * wd;
        let post = round(offline * tr.post);
        let direct = (round(offline) - post).max(0.0);
        let received = online + direct + post;
        let resolved = received.min(round(received * (tr.resolve + rng.normal() * 0.02).clamp(0.7, 1.0)));
        let q = (prof.on_time0 + prof.on_time_drift * t + rng.normal() * 0.003).clamp(0.85, 1.0);
        let late = round(resolved * (1.0 - q));
        let digitised =
            resolved.min(round(resolved * (0.64 + 0.012 * t + tr.digitise + rng.normal() * 0.01).clamp(0.0, 1.0)));
        let payments = round(online * (0.26 + 0.011 * t + tr.payments + rng.normal() * 0.02).clamp(0.0, 0.95));
        f.push(Fig { element: el::RECEIVED, option: Some(ONLINE), value: online, decimal: false });
        f.push(Fig { element: el::RECEIVED, option: Some(IN_PERSON), value: direct, decimal: false });
        f.push(Fig { element: el::RECEIVED, option: Some(POST), value: post, decimal: false });
        f.push(fig(el::RESOLVED, resolved));
        f.push(fig(el::ON_TIME, resolved - late));
        f.push(fig(el::LATE, late));
        if resolved > 0.0 {
            f.push(Fig {
                element: el::LATE_RATE_STATED,
                option: None,
                value: round_half_away(late / resolved * 100.0, 2),
                decimal: true,
            });
        }
        f.push(fig(el::DIGITISED, digitised));
        f.push(fig(el::PAYMENTS, payments));
    }
    let meetings = round(prof.meetings * wd * rng.jitter(0.15)).max(1.0);
    let share = (0.70 + 0.009 * t + tr.meetings + rng.normal() * 0.03).clamp(0.0, 1.0);
    f.push(fig(el::MEETINGS, meetings));
    f.push(fig(el::MEETINGS_ONLINE, (meetings * share).round()));
    let documents = round(prof.documents * wd * rng.jitter(0.1)).max(1.0);
    let share = (0.925 + 0.0022 * t + tr.edocs + rng.normal() * 0.006).clamp(0.0, 1.0);
    f.push(fig(el::DOCUMENTS, documents));
    f.push(fig(el::DOCUMENTS_ELECTRONIC, (documents * share).round()));

    let staff = (prof.staff * (1.0 + 0.001 * t)).round();
    f.push(fig(el::STAFF, staff));
    f.push(fig(el::STAFF_TRAINED, (staff * (0.37 + 0.0095 * t + tr.trained).clamp(0.0, 1.0)).round()));
    let trainees_base = match prof.tier {
        Tier::Dept => prof.staff * 0.12,
        Tier::District => 150.0,
        Tier::Commune => prof.staff * 1.2,
    };
    // October: the national digital transformation day (10/10) brings campaigns.
    let october = if p.start().month() == 10 { 1.8 } else { 1.0 };
    f.push(fig(el::TRAINEES, round(trainees_base * october * wd * rng.jitter(0.35))));

    let computers = (prof.computers * (1.0 + 0.003 * t)).round();
    // Centralised anti-malware licences cover every computer from May of the second year.
    let coverage = if t >= 16.0 { 1.0 } else { (tr.coverage0 + tr.coverage_slope * t).min(1.0) };
    f.push(fig(el::COMPUTERS, computers));
    f.push(fig(el::ANTI_MALWARE, (computers * coverage).floor()));
    let systems = prof.systems as usize + usize::from(prof.systems >= 4 && t >= 14.0);
    let approved = tr.approvals[..systems].iter().filter(|&&a| a <= t).count();
    f.push(fig(el::SYSTEMS, systems as f64));
    f.push(fig(el::SYSTEMS_APPROVED, approved as f64));

    if prof.tier == Tier::Dept {
        let p_publish = if prof.code.as_str() == crate::org::COORDINATOR { 0.65 } else { 0.22 };
        let sets = if rng.chance(p_publish) { rng.between(1, 3) } else { 0 };
        f.push(fig(el::OPEN_DATA, sets as f64));
    }
    if prof.ecommerce > 0.0 {
        f.push(fig(el::ECOMMERCE_SME, round(prof.ecommerce * rng.jitter(0.5))));
    }
    if prof.team > 0.0 {
        let members = (prof.team * (1.0 + 0.006 * t)).round();
        f.push(fig(el::TEAM_MEMBERS, members));
        f.push(fig(el::TEAM_ACTIVITIES, round(members * 0.45 * wd * rng.jitter(0.3))));
    }
    f
}

fn weekly_figures(ctx: &Ctx, prof: &Profile, tr: &Traits, p: &Period, rng: &mut Rng) -> Vec<Fig> {
    let t = ctx.t(p.start() + Days::new(3));
    let wd = f64::from(ctx.cal.working_days_between(p.start(), p.end())) / 5.0;
    let round = |x: f64| x.max(0.0).round();
    let mut f = Vec::with_capacity(12);
    if prof.dossiers > 0.0 {
        let second_year = t >= 12.0;
        let procedures = if second_year { (tr.procedures * 1.09).round() } else { tr.procedures };
        let share = if second_year {
            (0.915 + 0.0085 * (t - 12.0) + tr.full_online_next).min(1.0)
        } else if t >= 10.0 {
            1.0
        } else {
            (0.80 + 0.02 * t + tr.full_online).clamp(0.0, 1.0)
        };
        f.push(fig(el::PROCEDURES, procedures));
        f.push(fig(el::FULL_ONLINE, (procedures * share).floor()));

        let vol = prof.dossiers * (1.0 + 0.004 * t) / 4.35 * rng.jitter(0.12);
        let share = (prof.online0 + prof.online_slope * t + rng.normal() * 0.015).clamp(0.02, 0.97);
        let online = round(vol * share * (0.25 + 0.75 * wd));
        let offline = vol * (1.0 - share) * wd;
        let post = round(offline * tr.post);
        let direct = (round(offline) - post).max(0.0);
        let received = online + direct + post;
        let resolved = received.min(round(received * (tr.resolve + rng.normal() * 0.03).clamp(0.7, 1.0)));
        let q = (prof.on_time0 + prof.on_time_drift * t + rng.normal() * 0.004).clamp(0.85, 1.0);
        let late = round(resolved * (1.0 - q));
        f.push(Fig { element: el::W_RECEIVED, option: Some(ONLINE), value: online, decimal: false });
        f.push(Fig { element: el::W_RECEIVED, option: Some(IN_PERSON), value: direct, decimal: false });
        f.push(Fig { element: el::W_RECEIVED, option: Some(POST), value: post, decimal: false });
        f.push(fig(el::W_RESOLVED, resolved));
        f.push(fig(el::W_ON_TIME, resolved - late));
        f.push(fig(el::W_LATE, late));
    }
    let hotline = match prof.tier {
        Tier::District => round(prof.dossiers / 220.0 * rng.jitter(0.4) * (0.3 + 0.7 * wd)),
        _ if prof.dossiers > 0.0 => round(prof.dossiers / 450.0 * rng.jitter(0.5) * (0.3 + 0.7 * wd)),
        _ => f64::from(u8::from(rng.chance(0.1))),
    };
    let pending = if hotline > 0.0 && rng.chance(0.13) { 1.0 } else { 0.0 };
    f.push(fig(el::HOTLINE_RECEIVED, hotline));
    f.push(fig(el::HOTLINE_HANDLED, hotline - pending));
    let fading = (1.5 - 0.045 * t).max(0.45);
    let vneid = match prof.tier {
        Tier::District => Some(prof.dossiers / 10.0),
        _ if prof.code.as_str() == "CA_TINH" => Some(350.0),
        _ => None,
    };
    if let Some(base) = vneid {
        f.push(fig(el::VNEID, round(base * fading * (0.3 + 0.7 * wd) * rng.jitter(0.15))));
    }
    f.push(fig(el::MALWARE, round(prof.computers * 0.06 * (1.0 - 0.025 * t).max(0.3) * rng.jitter(0.6))));
    f
}

/// A rare slip made while typing a monthly report.
fn monthly_typo(f: &mut [Fig], rng: &mut Rng) {
    match rng.below(5) {
        0 => {
            // A digit dropped from the in-person dossiers.
            if let Some(v) = get(f, el::RECEIVED, Some(IN_PERSON)) {
                set(f, el::RECEIVED, Some(IN_PERSON), (v / 10.0).floor());
            }
        }
        1 => {
            let c = get(f, el::COMPUTERS, None).unwrap_or(0.0);
            set(f, el::ANTI_MALWARE, None, c + rng.between(1, 5) as f64);
        }
        2 => {
            let (m, o) = (get(f, el::MEETINGS, None).unwrap_or(0.0), get(f, el::MEETINGS_ONLINE, None).unwrap_or(0.0));
            if o < m {
                set(f, el::MEETINGS, None, o);
                set(f, el::MEETINGS_ONLINE, None, m);
            }
        }
        3 => {
            let (d, e) =
                (get(f, el::DOCUMENTS, None).unwrap_or(0.0), get(f, el::DOCUMENTS_ELECTRONIC, None).unwrap_or(0.0));
            if e < d {
                set(f, el::DOCUMENTS, None, e);
                set(f, el::DOCUMENTS_ELECTRONIC, None, d);
            }
        }
        _ => {
            let s = get(f, el::SYSTEMS, None).unwrap_or(0.0);
            set(f, el::SYSTEMS_APPROVED, None, s + 1.0);
        }
    }
}

fn to_values(out: &mut Vec<DataValue>, figs: &[Fig], unit: &Code, period: Period, by: &str, when: NaiveDateTime) {
    for f in figs {
        let value = if f.decimal { plain(round_half_away(f.value, 2)) } else { format!("{}", f.value as i64) };
        out.push(DataValue {
            element: Code::new(f.element).expect("element code"),
            period,
            unit: unit.clone(),
            option: f.option.map(|o| Code::new(o).expect("option code")),
            value,
            stored_by: Some(by.to_string()),
            comment: None,
            updated_at: Some(when),
        });
    }
}

/// The periods of `form` from January of `first_year` whose data window has
/// closed before `today`.
pub(crate) fn periods(form: &ReportForm, first_year: i32, today: NaiveDate) -> Vec<Period> {
    let first = match form.period_type {
        PeriodType::Weekly(ws) => Period::week(ws, first_year, 1),
        t => Ok(Period::containing(t, NaiveDate::from_ymd_opt(first_year, 1, 1).expect("1 January"))),
    };
    let Ok(mut p) = first else { return Vec::new() };
    let mut out = Vec::new();
    while form.cutoff.window(&p).1 < today {
        out.push(p);
        p = p.next();
    }
    out
}

pub(crate) fn generate(org: &Org, forms: &[ReportForm], today: NaiveDate) -> Reports {
    let ctx = Ctx { org, today, first_year: today.year() - 1, cal: WorkingCalendar::vietnam() };
    let traits: Vec<Traits> = org.profiles.iter().map(traits).collect();
    let mut values = Vec::with_capacity(160_000);
    let mut narratives = Vec::new();
    let mut submissions = Vec::new();
    for form in forms {
        let weekly = form.code.as_str() == WEEKLY;
        debug_assert!(weekly || form.code.as_str() == MONTHLY);
        let periods = periods(form, ctx.first_year, today);
        let due_of = |p: &Period| form.due.due_date(p, form.cutoff, &ctx.cal);
        // The latest period due at least 4 (monthly) or 8 (weekly) days ago.
        let returned =
            periods.iter().rev().find(|p| due_of(p) + Days::new(if weekly { 8 } else { 4 }) < today).copied();
        let script = Script {
            returned_month: if weekly { None } else { returned },
            returned_week: if weekly { returned.and_then(|p| p.checked_offset(-1)) } else { None },
        };
        for (prof, tr) in ctx.org.profiles.iter().zip(&traits) {
            let assigned = match prof.tier {
                Tier::Dept | Tier::District => true,
                Tier::Commune => !weekly,
            };
            if !assigned {
                continue;
            }
            for p in &periods {
                if prof.valid_to.is_some_and(|end| end < p.start()) {
                    continue;
                }
                let id = p.to_string();
                let mut rng = rng_for(&[form.code.as_str(), prof.code.as_str(), &id]);
                let due = due_of(p);
                let window_end = form.cutoff.window(p).1;
                let unit = prof.code.as_str();
                let returned_here = (weekly && unit == RETURNED_WEEK_UNIT && script.returned_week == Some(*p))
                    || (!weekly && unit == RETURNED_MONTH_UNIT && script.returned_month == Some(*p));
                let fate = fate(&ctx, form, p, prof, due, window_end, returned_here, &mut rng);
                if matches!(fate, Fate::Missing) {
                    continue;
                }
                let mut figs = if weekly {
                    weekly_figures(&ctx, prof, tr, p, &mut rng)
                } else {
                    monthly_figures(&ctx, prof, tr, p, &mut rng)
                };

                // Scripted slips and random typos.
                let month = p.start().month();
                let second_year = p.period_year() > ctx.first_year;
                if !weekly
                    && unit == WRONG_RATE_UNIT
                    && ((second_year && (month == 5 || month == 8)) || (!second_year && month == 9))
                {
                    // Types the rate over received ÷ 100, like the report's "0,01%" for 1,08%.
                    if let (Some(late), Some(res)) = (get(&figs, el::LATE, None), get(&figs, el::RESOLVED, None)) {
                        set(&mut figs, el::LATE_RATE_STATED, None, round_half_away(late / res, 2));
                    }
                }
                let slip_on_time = |figs: &mut Vec<Fig>, resolved: &str, on_time: &str| {
                    if let Some(r) = get(figs, resolved, None) {
                        set(figs, on_time, None, r);
                    }
                };
                if returned_here || (!weekly && unit == RETURNED_MONTH_UNIT && !second_year && month == 6) {
                    // On time typed as the resolved total, late on top of it.
                    if weekly {
                        slip_on_time(&mut figs, el::W_RESOLVED, el::W_ON_TIME);
                    } else {
                        slip_on_time(&mut figs, el::RESOLVED, el::ON_TIME);
                    }
                }
                if rng.chance(if weekly { 0.003 } else { 0.0035 }) {
                    if weekly {
                        if let Some(r) = get(&figs, el::W_RESOLVED, None) {
                            let received = total(&figs, el::W_RECEIVED);
                            if received > 0.0 {
                                set(&mut figs, el::W_RESOLVED, None, received + rng.between(1, 9) as f64);
                                let late = get(&figs, el::W_LATE, None).unwrap_or(0.0);
                                set(&mut figs, el::W_ON_TIME, None, r - late);
                            }
                        }
                    } else {
                        monthly_typo(&mut figs, &mut rng);
                    }
                }

                let (status, submitted_at, entered) = match fate {
                    Fate::Sent { at, status } => {
                        let status = if returned_here { SubmissionStatus::Returned } else { status };
                        (status, Some(at), at)
                    }
                    _ => {
                        let day = (today - Days::new(1)).max(window_end);
                        (SubmissionStatus::Draft, None, at(day, &mut rng, false))
                    }
                };
                to_values(&mut values, &figs, &prof.code, *p, &prof.reporter, entered);
                submissions.push(Submission {
                    form: form.code.clone(),
                    period: *p,
                    unit: prof.code.clone(),
                    status,
                    submitted_at,
                    submitted_by: Some(prof.reporter.clone()),
                    review: None,
                });
                if !weekly && prof.tier != Tier::Commune && status != SubmissionStatus::Draft {
                    narratives.extend(narrative::write(form, p, prof, &figs, &mut rng));
                }
            }
        }
    }
    Reports { values, narratives, submissions }
}
