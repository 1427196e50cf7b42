//! Server-rendered pages (askama templates in `templates/`). One module per
//! area; each exposes `routes()` merged by `crate::router`.
//!
//! Every page template extends `base.html` and holds a `Chrome`: the
//! language, the logged-in account and the navigation for its role.

use crate::auth::CurrentUser;
use chiso_core::access::Role;
use chiso_core::lang::Lang;
use chiso_core::number::{format_integer, format_number};

pub mod account;
pub mod accounts;
pub mod audit;
pub mod budget_edit;
pub mod dashboard;
pub mod dossier_edit;
pub mod dossiers;
pub mod dti;
pub mod dti_admin;
pub mod entry;
pub mod home;
pub mod registers;
pub mod reports;
pub mod review;
pub mod targets;

/// One link of the top navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What the page layout needs: language, user, navigation, title.
pub struct Chrome {
    pub lang: Lang,
    pub title: String,
    pub province: String,
    /// "Nguyễn Văn An — Cán bộ báo cáo, Xã Tân Phú"; empty on the login page.
    pub user_line: String,
    pub logged_in: bool,
    pub nav: Vec<NavItem>,
}

impl Chrome {
    /// `active` is the href of the navigation item to highlight.
    pub fn new(state: &crate::state::AppState, user: &CurrentUser, title: impl Into<String>, active: &str) -> Chrome {
        let lang = user.lang;
        let model = state.model();
        let role = user.role();
        let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
        let mut items: Vec<(&'static str, &'static str)> = vec![("/", pick("Báo cáo của đơn vị", "My reports"))];
        if role != Role::Reporter {
            items.push(("/review", pick("Tình hình báo cáo", "Reporting status")));
            items.push(("/targets", pick("Chỉ tiêu kế hoạch", "Plan targets")));
            items.push(("/dashboard", pick("Bảng điều hành", "Dashboard")));
            items.push(("/reports", pick("Báo cáo", "Reports")));
            items.push(("/projects", pick("Dự án, kinh phí", "Projects and budgets")));
            items.push(("/dossiers", pick("An toàn thông tin", "Information security")));
            items.push(("/dti", pick("Chỉ số CĐS", "DTI")));
        }
        items.push(("/tasks", pick("Nhiệm vụ", "Tasks")));
        if role == Role::Leader {
            items.remove(0);
        }
        if user.can_manage() {
            items.push(("/audit", pick("Nhật ký", "Audit")));
            items.push(("/accounts", pick("Tài khoản", "Accounts")));
        }
        let nav = items
            .into_iter()
            .map(|(href, label)| NavItem {
                href,
                label,
                active: href == active || (href != "/" && active.starts_with(href)),
            })
            .collect();
        let unit = user
            .account
            .scope
            .unit
            .as_ref()
            .filter(|_| role == Role::Reporter)
            .and_then(|c| model.tree().index(c.as_str()).map(|ix| model.tree().unit(ix).name.clone()));
        let role_label = match lang {
            Lang::Vi => role.label_vi(),
            Lang::En => role.label_en(),
        };
        let user_line = match unit {
            Some(u) => format!("{} — {role_label}, {u}", user.account.full_name),
            None => format!("{} — {role_label}", user.account.full_name),
        };
        Chrome {
            lang,
            title: title.into(),
            province: model.metadata().name.clone().unwrap_or_default(),
            user_line,
            logged_in: true,
            nav,
        }
    }

    /// The layout of a page seen before logging in.
    pub fn anonymous(state: &crate::state::AppState, lang: Lang, title: impl Into<String>) -> Chrome {
        Chrome {
            lang,
            title: title.into(),
            province: state.model().metadata().name.clone().unwrap_or_default(),
            user_line: String::new(),
            logged_in: false,
            nav: Vec::new(),
        }
    }

    /// The text in the page's language.
    pub fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(vi, en)
    }
    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }
}

/// Number formats for templates, Vietnamese style: `1.205.780`, `92,12`.
pub fn num(x: f64, decimals: usize) -> String {
    format_number(x, decimals)
}
pub fn int(x: f64) -> String {
    format_integer(x.round() as i64)
}
pub fn pct(x: Option<f64>) -> String {
    x.map(|r| format!("{}%", format_number(r, 2))).unwrap_or_else(|| "—".into())
}
/// "23/11/2026"
pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}
/// "23/11/2026 14:05"
pub fn datetime(t: chrono::NaiveDateTime) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}
