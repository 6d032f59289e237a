-- The year-end round (bình xét cuối năm): a round per authority and year with the units taking
-- part and their progress; the facts of the year a title needs (absence, discipline) beside each
-- rating; collective titles by year; the candidates of each unit with the engine's verdict and the
-- clerk's selection; the unit council's secret ballot (voters and papers apart, as for the
-- dossier council); decisions without a dossier (a unit's own) or covering many dossiers.

ALTER TABLE person_ratings ADD COLUMN absent_days INTEGER;
ALTER TABLE person_ratings ADD COLUMN discipline TEXT;

-- A unit's emulation titles by year (Tập thể LĐTT/LĐXS, Cờ thi đua).
CREATE TABLE unit_titles (
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    year      INTEGER NOT NULL,
    code      TEXT NOT NULL,
    decision  TEXT,
    PRIMARY KEY (unit_id, year, code)
);

CREATE TABLE rounds (
    id           INTEGER PRIMARY KEY,
    authority_id INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    opened_on    DATE NOT NULL,
    note         TEXT,
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    UNIQUE (authority_id, year)
);

-- A unit taking part: its due date (by its depth below the authority) and its progress.
CREATE TABLE round_units (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES rounds(id),
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    depth          INTEGER NOT NULL,
    due_on         DATE NOT NULL,
    progress       TEXT NOT NULL,
    progress_since DATE NOT NULL,
    UNIQUE (round_id, unit_id)
);
CREATE INDEX round_units_unit ON round_units(unit_id);

-- One row per subject (a person, or a collective: `p<id>` / `u<id>`) and award the unit may grant
-- or propose; the verdict is recomputed, the selection and its reason are the clerk's.
CREATE TABLE round_candidates (
    id             INTEGER PRIMARY KEY,
    round_unit_id  INTEGER NOT NULL REFERENCES round_units(id),
    subject_key    TEXT NOT NULL,
    person_id      INTEGER REFERENCES people(id),
    unit_id        INTEGER REFERENCES units(id),
    name           TEXT NOT NULL,
    detail         TEXT NOT NULL,
    award_code     TEXT NOT NULL,
    -- Granted by the unit itself, or proposed to `destination_id`.
    destination_id INTEGER NOT NULL REFERENCES units(id),
    verdict        TEXT NOT NULL,
    verdict_json   TEXT NOT NULL,
    selected       INTEGER NOT NULL,
    reason         TEXT,
    council_passed INTEGER,
    decision_id    INTEGER REFERENCES decisions(id),
    dossier_id     INTEGER REFERENCES dossiers(id),
    CHECK ((person_id IS NULL) <> (unit_id IS NULL)),
    UNIQUE (round_unit_id, subject_key, award_code)
);
CREATE INDEX round_candidates_filter ON round_candidates(round_unit_id, award_code, verdict);

CREATE TABLE round_ballots (
    id            INTEGER PRIMARY KEY,
    round_unit_id INTEGER NOT NULL UNIQUE REFERENCES round_units(id),
    status        TEXT NOT NULL,
    rules_json    TEXT NOT NULL,
    rule_hash     TEXT NOT NULL,
    result_json   TEXT,
    opened_at     TEXT NOT NULL,
    closed_at     TEXT
);
CREATE TABLE round_voters (
    ballot_id INTEGER NOT NULL REFERENCES round_ballots(id),
    user_id   INTEGER NOT NULL REFERENCES users(id),
    mode      TEXT NOT NULL,
    PRIMARY KEY (ballot_id, user_id)
) WITHOUT ROWID;
CREATE TABLE round_papers (
    ballot_id    INTEGER NOT NULL REFERENCES round_ballots(id),
    paper_key    TEXT NOT NULL,
    choices_json TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_key)
) WITHOUT ROWID;

-- Decisions: `dossier_id` becomes optional (a unit's own decision of the round has none) and
-- `decision_dossiers` lists every dossier a decision covers. SQLite cannot drop NOT NULL, so the
-- table is rebuilt; deferred foreign keys let award_records point at it again before commit.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE decisions_copy AS SELECT * FROM decisions;
DROP TABLE decisions;
CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY,
    authority_id INTEGER NOT NULL REFERENCES units(id),
    dossier_id   INTEGER UNIQUE REFERENCES dossiers(id),
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
    round_unit_id INTEGER REFERENCES round_units(id),
    award_code   TEXT,
    UNIQUE (authority_id, year, seq)
);
INSERT INTO decisions (id, authority_id, dossier_id, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total, created_at)
    SELECT id, authority_id, dossier_id, year, seq, number, signed_on, signer_name, signer_title, doc_json, base_salary, total, created_at FROM decisions_copy;
DROP TABLE decisions_copy;
CREATE INDEX decisions_round_unit ON decisions(round_unit_id);

CREATE TABLE decision_dossiers (
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    dossier_id  INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),
    PRIMARY KEY (decision_id, dossier_id)
);
INSERT INTO decision_dossiers (decision_id, dossier_id) SELECT id, dossier_id FROM decisions WHERE dossier_id IS NOT NULL;

ALTER TABLE award_records ADD COLUMN candidate_id INTEGER REFERENCES round_candidates(id);
-- The many-dossier decision lists awardees by proposing unit.
ALTER TABLE award_records ADD COLUMN dossier_id INTEGER REFERENCES dossiers(id);
UPDATE award_records SET dossier_id = (SELECT d.dossier_id FROM decisions d WHERE d.id = award_records.decision_id)
    WHERE decision_id IS NOT NULL;
CREATE INDEX award_records_dossier ON award_records(dossier_id);
