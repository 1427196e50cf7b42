//! chiso-store: where metadata and reported data live.
//!
//! It owns the `Store` trait — the only way the rest of chiso reads or writes
//! persistent state — and its SQLite implementation. A PostgreSQL
//! implementation will satisfy the same trait; the store tests are written
//! against the trait so the same suite can run on both.
//!
//! Architecture invariant: the store persists and retrieves; it computes no
//! figures (aggregation, rules and evaluation live in chiso-core and
//! chiso-analytics) and knows nothing of files, HTTP or the command line.
//! Every write goes through a `StoreTx`, which is all-or-nothing.

use async_trait::async_trait;
use chiso_core::Code;
use chiso_core::metadata::Metadata;
use chiso_core::period::Period;
use chiso_core::value::{DataValue, Narrative, Submission};

mod accounts;
mod sqlite;
pub use accounts::{
    Account, Actor, ApiToken, AuditEntry, AuditFilter, AuditSubject, NewAccount, Session, StoredTemplate,
};
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    #[error("lỗi nâng cấp lược đồ cơ sở dữ liệu: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("dữ liệu lưu trữ bị hỏng ({place}): {message}")]
    Corrupt { place: String, message: String },
    /// What was given cannot be stored as is (two objects of a kind with one code).
    #[error("dữ liệu không lưu được ({place}): {message}")]
    Invalid { place: String, message: String },
}

/// How a metadata bundle is saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataMode {
    /// Objects in the bundle are created or replaced; others are kept.
    Merge,
    /// The stored metadata becomes exactly the bundle.
    Replace,
}

/// What happened to each object or value written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PutOutcome {
    Imported,
    Updated,
    Unchanged,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
}

impl Counts {
    pub fn add(&mut self, o: PutOutcome) {
        match o {
            PutOutcome::Imported => self.imported += 1,
            PutOutcome::Updated => self.updated += 1,
            PutOutcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// Which values to read. Empty lists mean "all".
#[derive(Clone, Debug, Default)]
pub struct ValueFilter {
    pub elements: Vec<Code>,
    pub units: Vec<Code>,
    pub periods: Vec<Period>,
    /// Values whose period lies within this inclusive date range.
    pub between: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Opens an all-or-nothing write: nothing is visible to readers until
    /// `commit`; dropping or `rollback` leaves the store as it was.
    /// Changes are recorded in the audit trail as made by `Actor::system()`.
    async fn begin(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        self.begin_as(&Actor::system()).await
    }
    /// As `begin`, with every change of a value, narrative, submission status
    /// or account recorded in the audit trail as made by `actor`.
    async fn begin_as(&self, actor: &Actor) -> Result<Box<dyn StoreTx>, StoreError>;

    async fn load_metadata(&self) -> Result<Metadata, StoreError>;

    /// Values matching the filter, ordered by element, option, period start, unit.
    ///
    /// In full: element code, option code (no option first), period start
    /// date, end date (the shorter period first) and identifier, unit code;
    /// codes compare by bytes.
    async fn values(&self, filter: &ValueFilter) -> Result<Vec<DataValue>, StoreError>;
    /// Streams matching values to `f`, in the order of `values`, without
    /// holding them all in memory: the SQLite store holds a batch of whole
    /// elements of at most 200 000 values (or a single larger element).
    /// Every value comes from one snapshot of the store.
    async fn for_each_value(
        &self,
        filter: &ValueFilter,
        f: &mut (dyn FnMut(DataValue) + Send),
    ) -> Result<u64, StoreError>;
    async fn count_values(&self) -> Result<u64, StoreError>;

    async fn narratives(&self, form: Option<&Code>, period: Option<&Period>) -> Result<Vec<Narrative>, StoreError>;
    async fn submissions(&self, form: Option<&Code>, periods: &[Period]) -> Result<Vec<Submission>, StoreError>;

    /// Every account, by username.
    async fn accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// The account and its password hash (PHC string), active or not.
    async fn account(&self, username: &str) -> Result<Option<(Account, String)>, StoreError>;
    /// The live session with this token hash (expired ones are not returned).
    async fn session(&self, token_hash: &str, now: chrono::NaiveDateTime) -> Result<Option<Session>, StoreError>;
    /// The account an API token (by its hash) belongs to.
    async fn api_token_account(&self, token_hash: &str) -> Result<Option<String>, StoreError>;
    /// The API tokens of an account (never their secret), newest first.
    async fn api_tokens(&self, username: &str) -> Result<Vec<ApiToken>, StoreError>;
    /// Audit entries matching the filter, newest first.
    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;

    /// The latest version of every stored report template, by name.
    async fn report_templates(&self) -> Result<Vec<StoredTemplate>, StoreError>;
    /// One version of a template (the latest when `version` is None).
    async fn report_template(&self, name: &str, version: Option<u32>) -> Result<Option<StoredTemplate>, StoreError>;
    /// Every version of a template, newest first.
    async fn report_template_versions(&self, name: &str) -> Result<Vec<StoredTemplate>, StoreError>;

    /// The registers (investment projects, recurrent-budget tasks, the state
    /// budget per year, task assignments and their progress reports,
    /// information systems and their security dossiers), in the order they
    /// were saved. Empty when none were saved.
    async fn load_registers(&self) -> Result<chiso_core::register::Registers, StoreError>;
}

#[async_trait]
pub trait StoreTx: Send {
    async fn save_metadata(&mut self, meta: &Metadata, mode: MetadataMode) -> Result<Counts, StoreError>;
    /// Inserts or updates values by their key (element, option, period, unit);
    /// one outcome per value, in order.
    async fn put_values(&mut self, values: &[DataValue]) -> Result<Vec<PutOutcome>, StoreError>;
    async fn delete_values(&mut self, filter: &ValueFilter) -> Result<u64, StoreError>;
    async fn put_narratives(&mut self, items: &[Narrative]) -> Result<Vec<PutOutcome>, StoreError>;
    async fn put_submissions(&mut self, items: &[Submission]) -> Result<Vec<PutOutcome>, StoreError>;

    /// Creates the account, or fails with `Invalid` if the username exists.
    async fn create_account(&mut self, account: &NewAccount) -> Result<(), StoreError>;
    /// Replaces name, scope and active flag (not the password) of an existing account.
    async fn update_account(&mut self, account: &Account) -> Result<PutOutcome, StoreError>;
    async fn set_password(&mut self, username: &str, password_hash: &str) -> Result<(), StoreError>;
    async fn create_session(&mut self, session: &Session) -> Result<(), StoreError>;
    /// Ends one session (logout).
    async fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of an account (password change, deactivation).
    async fn delete_sessions_of(&mut self, username: &str) -> Result<u64, StoreError>;
    /// Stores a new API token; returns its id.
    async fn create_api_token(&mut self, username: &str, name: &str, token_hash: &str) -> Result<i64, StoreError>;
    /// Revokes a token of the account; false if it has no such token.
    async fn delete_api_token(&mut self, username: &str, id: i64) -> Result<bool, StoreError>;
    /// Stores `body` (the template's YAML) as the next version of template
    /// `name`, written by the transaction's actor, and returns its version
    /// (1 for a new name). A body equal to the latest version's stores
    /// nothing and returns that version.
    async fn save_report_template(&mut self, name: &str, body: &str) -> Result<u32, StoreError>;
    /// Saves the registers' objects by their code (progress reports by
    /// task, date and unit): `Merge` creates or replaces the objects given and
    /// keeps the others, `Replace` makes the stored registers exactly these.
    /// Every created, changed or deleted object is audited (kind "register").
    async fn save_registers(
        &mut self,
        registers: &chiso_core::register::Registers,
        mode: MetadataMode,
    ) -> Result<Counts, StoreError>;
    /// Deletes the stored objects with the keys of `registers`' objects
    /// (their bodies are not compared) and audits each deletion; returns how
    /// many there were. Keys not stored are not an error.
    async fn delete_registers(&mut self, registers: &chiso_core::register::Registers) -> Result<u64, StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
    async fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}
