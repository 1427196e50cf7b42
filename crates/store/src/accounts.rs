//! Accounts, sessions, API tokens and the audit trail.
//!
//! The store keeps them; it does not hash passwords or make tokens (the web
//! shell does), and it decides nothing about access (`chiso_core::access`).

use chiso_core::Code;
use chiso_core::access::Scope;
use chiso_core::period::Period;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A person (or a script) who logs in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub username: String,
    /// Shown in pages and in the audit trail: "Nguyễn Văn An".
    pub full_name: String,
    pub scope: Scope,
    /// An inactive account cannot log in or use its tokens.
    pub active: bool,
}

/// An account to create, with its password hash (PHC string, argon2).
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub account: Account,
    pub password_hash: String,
}

/// A logged-in browser: the cookie holds the token, the store its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub token_hash: String,
    pub username: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// The per-session secret that forms echo back (CSRF protection).
    pub csrf: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

/// Who makes the changes of a transaction, and through which route
/// ("web", "api", "cli", "import bc.xlsx"...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub route: String,
}

impl Actor {
    pub fn new(username: impl Into<String>, route: impl Into<String>) -> Self {
        Actor { username: username.into(), route: route.into() }
    }
    /// Changes made by chiso itself (demo data, migrations).
    pub fn system() -> Self {
        Actor::new("system", "system")
    }
}

/// What an audit entry is about.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditSubject {
    Value {
        element: Code,
        option: Option<Code>,
        period: Period,
        unit: Code,
    },
    Narrative {
        form: Code,
        section: Code,
        period: Period,
        unit: Code,
    },
    /// old/new are the status codes ("submitted", "returned"...).
    Submission {
        form: Code,
        period: Period,
        unit: Code,
    },
    /// old/new describe the account (role, unit, active); never a password.
    Account {
        username: String,
    },
    /// A new version of a report template; old/new are the version numbers
    /// ("1" → "2"; no old for the first version).
    Template {
        name: String,
    },
    /// An object of the registers: `kind` is "state_budget", "project",
    /// "recurrent_task", "task" or "progress_report", `code` its code (the
    /// year; "task|date|unit" for a progress report); old/new are its JSON
    /// document (no old for a creation, no new for a deletion).
    /// (In JSON `register_kind`, beside the entry's `kind`: "register".)
    Register {
        #[serde(rename = "register_kind")]
        kind: String,
        code: String,
    },
}

/// One recorded change. `old` is None for a creation, `new` None for a deletion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub username: String,
    pub route: String,
    pub subject: AuditSubject,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The comment given with the change (a return reason, an explanation).
    pub comment: Option<String>,
}

/// Which audit entries to list. Empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Who made the change (the actor), not the account changed.
    pub username: Option<String>,
    /// Exactly this unit (the store knows no hierarchy).
    pub unit: Option<Code>,
    /// Value entries of this element.
    pub element: Option<Code>,
    /// Narrative and submission entries of this form (a value has no form).
    pub form: Option<Code>,
    pub period: Option<Period>,
    /// "value", "narrative", "submission", "account", "template" or "register".
    pub kind: Option<String>,
    /// Register entries of this object kind ("project", "dossier", "index"...).
    pub register_kind: Option<String>,
    /// Register entries of this object code (with `register_kind`: one object's history).
    pub register_code: Option<String>,
    /// Entries made at or after this time.
    pub since: Option<NaiveDateTime>,
    /// Entries made before this time (exclusive).
    pub until: Option<NaiveDateTime>,
    /// At most this many (newest first); 0 means 200.
    pub limit: u32,
    pub offset: u32,
}

/// One version of a report template. The store keeps the text as written
/// by the office; chiso-report parses and checks it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredTemplate {
    pub name: String,
    pub version: u32,
    /// The template in YAML.
    pub body: String,
    /// The username that saved this version.
    pub author: String,
    pub created_at: NaiveDateTime,
}
