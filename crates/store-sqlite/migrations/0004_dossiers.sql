-- Nomination dossiers: workflow state with a version for optimistic concurrency, nominees with
-- their appraisal, documents stored once by hash with every version kept, the timeline, public
-- comments, the council's secret vote, decisions with their number sequence, and the register
-- columns of award records (decision, certificate key, revocation).

CREATE TABLE dossiers (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    -- The proposing unit and the authority that decides (the Board's unit).
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    authority_id  INTEGER NOT NULL REFERENCES units(id),
    kind          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    movement      TEXT,
    cluster_proposal_id INTEGER REFERENCES cluster_proposals(id),
    state         TEXT NOT NULL,
    state_since   DATE NOT NULL,
    due_on        DATE,
    consultation_until DATE,
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX dossiers_authority_state ON dossiers(authority_id, state);
CREATE INDEX dossiers_unit ON dossiers(unit_id);
CREATE INDEX dossiers_due ON dossiers(due_on);

CREATE TABLE dossier_nominees (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL REFERENCES dossiers(id),
    position      INTEGER NOT NULL,
    person_id     INTEGER REFERENCES people(id),
    unit_id       INTEGER REFERENCES units(id),
    award_code    TEXT NOT NULL,
    summary       TEXT NOT NULL,
    summary_key   TEXT NOT NULL,
    -- Replaced nominees stay (soft removal) so that every version of the list is kept.
    removed       INTEGER NOT NULL DEFAULT 0,
    -- Appraisal: the engine's verdict as it was, the specialist's result and override reason.
    verdict       TEXT,
    verdict_json  TEXT,
    result        TEXT,
    override_reason TEXT,
    appraised_by  INTEGER REFERENCES users(id),
    appraised_at  TEXT,
    council_passed INTEGER,
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX dossier_nominees_dossier ON dossier_nominees(dossier_id);
CREATE INDEX dossier_nominees_person ON dossier_nominees(person_id, award_code);
CREATE INDEX dossier_nominees_unit ON dossier_nominees(unit_id, award_code);
CREATE INDEX dossier_nominees_summary ON dossier_nominees(summary_key);

-- File contents, once per SHA-256, never deleted.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE dossier_documents (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    slot       TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX dossier_documents_dossier ON dossier_documents(dossier_id);

CREATE TABLE dossier_document_versions (
    document_id INTEGER NOT NULL REFERENCES dossier_documents(id),
    version     INTEGER NOT NULL,
    sha256      TEXT NOT NULL REFERENCES blobs(sha256),
    filename    TEXT NOT NULL,
    state       TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);

-- The timeline: every transition, upload, appraisal, comment and vote, in order.
CREATE TABLE dossier_events (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    step       TEXT,
    from_state TEXT,
    to_state   TEXT,
    note       TEXT,
    version    INTEGER NOT NULL
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);

-- Comments from the public consultation page; `contact` is never shown publicly.
CREATE TABLE dossier_comments (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
    author      TEXT NOT NULL,
    contact     TEXT,
    body        TEXT NOT NULL,
    at          TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'cho_duyet',
    moderated_by INTEGER REFERENCES users(id),
    moderated_at TEXT
);
CREATE INDEX dossier_comments_dossier ON dossier_comments(dossier_id);

-- The council's secret vote on a dossier: who voted and what was voted are kept apart.
CREATE TABLE council_ballots (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),
    status      TEXT NOT NULL,
    rules_json  TEXT NOT NULL,
    rule_hash   TEXT NOT NULL,
    result_json TEXT,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT
);
CREATE TABLE council_voters (
    ballot_id   INTEGER NOT NULL REFERENCES council_ballots(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    -- `truc_tiep` (in person) or `van_ban` (absent, in writing, entered by the secretary).
    mode        TEXT NOT NULL,
    PRIMARY KEY (ballot_id, user_id)
) WITHOUT ROWID;
CREATE TABLE council_papers (
    ballot_id    INTEGER NOT NULL REFERENCES council_ballots(id),
    paper_key    TEXT NOT NULL,
    choices_json TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_key)
) WITHOUT ROWID;

-- Decision numbers run per issuing authority and year.
CREATE TABLE decision_sequences (
    authority_id INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (authority_id, year)
);
CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY,
    authority_id INTEGER NOT NULL REFERENCES units(id),
    dossier_id   INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    number       TEXT NOT NULL,
    signed_on    DATE NOT NULL,
    signer_name  TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    doc_json     TEXT NOT NULL,
    base_salary  INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (authority_id, year, seq)
);

ALTER TABLE award_records ADD COLUMN decision_id INTEGER REFERENCES decisions(id);
ALTER TABLE award_records ADD COLUMN nominee_id INTEGER REFERENCES dossier_nominees(id);
ALTER TABLE award_records ADD COLUMN subject_name TEXT;
ALTER TABLE award_records ADD COLUMN name_key TEXT;
ALTER TABLE award_records ADD COLUMN amount INTEGER;
ALTER TABLE award_records ADD COLUMN cert_key TEXT;
ALTER TABLE award_records ADD COLUMN revoked_on DATE;
ALTER TABLE award_records ADD COLUMN revoked_reason TEXT;
UPDATE award_records SET subject_name = (SELECT full_name FROM people WHERE people.id = award_records.person_id),
    name_key = (SELECT search_key FROM people WHERE people.id = award_records.person_id) WHERE person_id IS NOT NULL;
UPDATE award_records SET subject_name = (SELECT name FROM units WHERE units.id = award_records.unit_id),
    name_key = (SELECT search_key FROM units WHERE units.id = award_records.unit_id) WHERE unit_id IS NOT NULL;
CREATE UNIQUE INDEX award_records_cert ON award_records(cert_key);
-- Trigram index over the folded name as awarded: the register's name search.
CREATE VIRTUAL TABLE award_records_fts USING fts5(name_key, content='award_records', content_rowid='id', tokenize='trigram');
INSERT INTO award_records_fts(award_records_fts) VALUES ('rebuild');
CREATE TRIGGER award_records_fts_ai AFTER INSERT ON award_records BEGIN
    INSERT INTO award_records_fts(rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE TRIGGER award_records_fts_ad AFTER DELETE ON award_records BEGIN
    INSERT INTO award_records_fts(award_records_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
END;
CREATE TRIGGER award_records_fts_au AFTER UPDATE OF name_key ON award_records BEGIN
    INSERT INTO award_records_fts(award_records_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
    INSERT INTO award_records_fts(rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE INDEX award_records_code_date ON award_records(code, award_date);
CREATE INDEX award_records_decision ON award_records(decision_id);

-- Certificate layouts of an authority per award kind (JSON, positions in millimetres); a unit
-- without its own uses the nearest ancestor's, else the shipped default.
CREATE TABLE certificate_templates (
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    award_code TEXT NOT NULL,
    json       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, award_code)
);
