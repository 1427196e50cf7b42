-- chiso store schema, version 3 (SQLite): report templates, versioned.
--
-- Same conventions as 0001_init.sql and 0002_accounts_audit.sql: INTEGER
-- and TEXT columns only, ISO-8601 TEXT timestamps.

-- Every saved version of a report template (chiso-report's YAML, kept as
-- the office wrote it; the store does not parse it). A save adds the next
-- version of its name (1 for a new name) unless the body equals the latest
-- version's; versions are never changed or deleted. author is the username
-- of the transaction's actor (no foreign key: 'system' and command-line
-- users are no accounts).
CREATE TABLE report_template (
    name       TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (name, version)
);

-- The audit trail names the template of kind 'template' entries (old/new:
-- the version numbers, old NULL for a template's first version).
ALTER TABLE audit ADD COLUMN template TEXT;
