-- chiso store schema, version 4 (SQLite): the registers (issue 5).
--
-- Same conventions as 0001_init.sql: INTEGER and TEXT columns only,
-- ISO-8601 TEXT timestamps.

-- Each object of the registers (`chiso_core::register::Registers`) as a JSON
-- document, like metadata_object: the serde form of the core type is the
-- storage form, so a new field needs no migration. kind is one of
-- 'state_budget' (code: the year), 'project', 'recurrent_task', 'task',
-- 'progress_report' (code: task|date|unit, e.g. 'NV01|2026-06-30|SO_KHCN').
-- position keeps the list order within a kind.
CREATE TABLE register_object (
    kind       TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (kind, code)
);

-- The audit trail names the register object of kind 'register' entries
-- (old/new: the object's JSON document, old NULL for a creation, new NULL
-- for a deletion).
ALTER TABLE audit ADD COLUMN register_kind TEXT;
ALTER TABLE audit ADD COLUMN register_code TEXT;
