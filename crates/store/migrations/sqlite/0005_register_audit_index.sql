-- One register object's history (the pages of a project, a dossier, an
-- index show who recorded each change) without scanning the whole audit.
CREATE INDEX audit_register ON audit (register_kind, register_code) WHERE register_kind IS NOT NULL;
