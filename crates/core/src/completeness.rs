//! Completeness and timeliness: for a form and period, which assigned units
//! reported on time, late, or not at all, and the rates per parent unit.

use crate::form::ReportForm;
use crate::metadata::Model;
use crate::orgunit::UnitIx;
use crate::period::{Period, WorkingCalendar};
use crate::value::Submission;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    OnTime,
    Late,
    /// Past the deadline and not submitted.
    Missing,
    /// Not submitted, deadline not reached yet.
    NotYetDue,
}

impl ReportStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            ReportStatus::OnTime => "Đúng hạn",
            ReportStatus::Late => "Trễ hạn",
            ReportStatus::Missing => "Chưa báo cáo",
            ReportStatus::NotYetDue => "Chưa đến hạn",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            ReportStatus::OnTime => "On time",
            ReportStatus::Late => "Late",
            ReportStatus::Missing => "Missing",
            ReportStatus::NotYetDue => "Not yet due",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitReport {
    pub unit: UnitIx,
    pub status: ReportStatus,
    pub submitted_at: Option<NaiveDateTime>,
    /// Days after the deadline (late reports, and missing ones as of `now`).
    pub days_late: Option<i64>,
}

/// Counts for a set of expected reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rates {
    pub expected: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub not_yet_due: u32,
}

impl Rates {
    pub fn reported(&self) -> u32 {
        self.on_time + self.late
    }
    /// Reports whose deadline has passed or that came in early: the rates'
    /// denominator, so a report not yet due does not lower them.
    pub fn due(&self) -> u32 {
        self.expected - self.not_yet_due
    }
    /// Reports received ÷ reports due, in % (None when nothing is due).
    pub fn reporting_rate(&self) -> Option<f64> {
        (self.due() > 0).then(|| f64::from(self.reported()) / f64::from(self.due()) * 100.0)
    }
    /// Reports received on time ÷ reports due, in %.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.due() > 0).then(|| f64::from(self.on_time) / f64::from(self.due()) * 100.0)
    }
    pub fn add(&mut self, status: ReportStatus) {
        self.expected += 1;
        match status {
            ReportStatus::OnTime => self.on_time += 1,
            ReportStatus::Late => self.late += 1,
            ReportStatus::Missing => self.missing += 1,
            ReportStatus::NotYetDue => self.not_yet_due += 1,
        }
    }
    pub fn merge(&mut self, o: &Rates) {
        self.expected += o.expected;
        self.on_time += o.on_time;
        self.late += o.late;
        self.missing += o.missing;
        self.not_yet_due += o.not_yet_due;
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Completeness {
    pub form: crate::Code,
    pub period: Period,
    pub due: NaiveDate,
    pub units: Vec<UnitReport>,
}

/// The status of each assigned unit open during the period.
pub fn completeness(
    model: &Model,
    form: &ReportForm,
    period: &Period,
    submissions: &[Submission],
    now: NaiveDateTime,
    cal: &WorkingCalendar,
) -> Completeness {
    let due = form.due.due_date(period, form.cutoff, cal);
    let tree = model.tree();
    let by_unit: HashMap<&str, &Submission> = submissions
        .iter()
        .filter(|s| s.form == form.code && s.period == *period)
        .map(|s| (s.unit.as_str(), s))
        .collect();
    let units = model
        .form_units(form)
        .into_iter()
        .filter(|&u| tree.unit(u).overlaps(period.start(), period.end()))
        .map(|u| {
            let sub = by_unit.get(tree.unit(u).code.as_str()).filter(|s| s.status.is_reported());
            let submitted_at = sub.and_then(|s| s.submitted_at);
            let (status, days_late) = match submitted_at {
                Some(at) if at.date() <= due => (ReportStatus::OnTime, None),
                Some(at) => (ReportStatus::Late, Some((at.date() - due).num_days())),
                // Reported but with no time recorded: counted on time.
                None if sub.is_some() => (ReportStatus::OnTime, None),
                None if now.date() > due => (ReportStatus::Missing, Some((now.date() - due).num_days())),
                None => (ReportStatus::NotYetDue, None),
            };
            UnitReport { unit: u, status, submitted_at, days_late }
        })
        .collect();
    Completeness { form: form.code.clone(), period: *period, due, units }
}

impl Completeness {
    pub fn total(&self) -> Rates {
        let mut r = Rates::default();
        for u in &self.units {
            r.add(u.status);
        }
        r
    }

    /// Rates grouped by each unit's parent (None for a root), in tree order.
    pub fn by_parent(&self, model: &Model) -> BTreeMap<Option<UnitIx>, Rates> {
        let mut out: BTreeMap<Option<UnitIx>, Rates> = BTreeMap::new();
        for u in &self.units {
            out.entry(model.tree().parent(u.unit)).or_default().add(u.status);
        }
        out
    }

    /// Units with a given status, e.g. the late ones for a reminder.
    pub fn with_status(&self, status: ReportStatus) -> impl Iterator<Item = &UnitReport> {
        self.units.iter().filter(move |u| u.status == status)
    }
}

/// The most recent period of a form whose deadline has passed by `today`:
/// the period a completeness check looks at by default.
pub fn latest_due_period(form: &ReportForm, today: NaiveDate, cal: &WorkingCalendar) -> Period {
    let mut p = Period::containing(form.period_type, today);
    // Deadlines fall at most a few months after a period; 60 steps is ample.
    for _ in 0..60 {
        if form.due.due_date(&p, form.cutoff, cal) < today {
            return p;
        }
        p = p.previous();
    }
    p
}
