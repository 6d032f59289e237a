-- Emulation movements: the movement (launching authority, 0601 classification, launch
-- decision, lifecycle with a version for optimistic concurrency), the units it targets as
-- resolved when it was saved, its criteria, milestones and indicators; registrations with every
-- version kept; reports per milestone and unit with their figures and files; and the links from
-- dossiers, award records and cluster covenants.

CREATE TABLE movements (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    slogan           TEXT,
    goals            TEXT NOT NULL,
    authority_id     INTEGER NOT NULL REFERENCES units(id),
    level            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    scope            TEXT NOT NULL,
    starts_on        DATE NOT NULL,
    ends_on          DATE NOT NULL,
    -- The higher-level movement this one carries out.
    parent_id        INTEGER REFERENCES movements(id),
    decision_number  TEXT,
    decision_date    DATE,
    decision_signer  TEXT,
    decision_file_id INTEGER,
    registration_due_on DATE,
    target_kind      TEXT NOT NULL,
    target_unit_id   INTEGER REFERENCES units(id),
    target_cluster_id INTEGER REFERENCES clusters(id),
    state            TEXT NOT NULL,
    state_since      DATE NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX movements_authority ON movements(authority_id, state);
CREATE INDEX movements_dates ON movements(starts_on, ends_on);
CREATE INDEX movements_parent ON movements(parent_id);

CREATE TABLE movement_targets (
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (movement_id, unit_id)
);
CREATE INDEX movement_targets_unit ON movement_targets(unit_id);

CREATE TABLE movement_criteria (
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    position    INTEGER NOT NULL,
    award_code  TEXT NOT NULL,
    text        TEXT NOT NULL,
    mandatory   INTEGER NOT NULL,
    legal_basis TEXT,
    PRIMARY KEY (movement_id, position)
);

CREATE TABLE movement_milestones (
    id          INTEGER PRIMARY KEY,
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    due_on      DATE NOT NULL,
    -- Replaced with the draft; kept (not deleted) once reports may refer to them.
    removed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX movement_milestones_movement ON movement_milestones(movement_id);

CREATE TABLE movement_indicators (
    id          INTEGER PRIMARY KEY,
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    measure     TEXT NOT NULL,
    target      REAL,
    removed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX movement_indicators_movement ON movement_indicators(movement_id);

-- The launch decision and report attachments; the bytes are in blobs, once per hash.
CREATE TABLE movement_files (
    id          INTEGER PRIMARY KEY,
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    report_id   INTEGER,
    filename    TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES blobs(sha256),
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX movement_files_report ON movement_files(report_id);

-- One row per version; the current registration is the highest version.
CREATE TABLE movement_registrations (
    id           INTEGER PRIMARY KEY,
    movement_id  INTEGER NOT NULL REFERENCES movements(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    year         INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    source       TEXT NOT NULL,
    note         TEXT,
    submitted_on DATE NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    actor        TEXT NOT NULL,
    UNIQUE (movement_id, unit_id, year, version)
);
CREATE INDEX movement_registrations_year ON movement_registrations(movement_id, year);

CREATE TABLE registration_lines (
    registration_id INTEGER NOT NULL REFERENCES movement_registrations(id),
    position        INTEGER NOT NULL,
    person_id       INTEGER REFERENCES people(id),
    unit_id         INTEGER REFERENCES units(id),
    award_code      TEXT NOT NULL,
    PRIMARY KEY (registration_id, position),
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX registration_lines_person ON registration_lines(person_id);
CREATE INDEX registration_lines_unit ON registration_lines(unit_id);

CREATE TABLE movement_reports (
    id           INTEGER PRIMARY KEY,
    movement_id  INTEGER NOT NULL REFERENCES movements(id),
    milestone_id INTEGER NOT NULL REFERENCES movement_milestones(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    text         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    first_on     DATE NOT NULL,
    last_on      DATE NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    updated_at   TEXT NOT NULL,
    UNIQUE (milestone_id, unit_id)
);
CREATE INDEX movement_reports_movement ON movement_reports(movement_id);

CREATE TABLE report_values (
    report_id    INTEGER NOT NULL REFERENCES movement_reports(id),
    indicator_id INTEGER NOT NULL REFERENCES movement_indicators(id),
    target       REAL,
    achieved     REAL,
    PRIMARY KEY (report_id, indicator_id)
);

-- The movement a dossier comes from replaces the free text it had; award records carry it on.
ALTER TABLE dossiers DROP COLUMN movement;
ALTER TABLE dossiers ADD COLUMN movement_id INTEGER REFERENCES movements(id);
CREATE INDEX dossiers_movement ON dossiers(movement_id);
ALTER TABLE award_records ADD COLUMN movement_id INTEGER REFERENCES movements(id);
CREATE INDEX award_records_movement ON award_records(movement_id);

-- The movements a cluster's covenant of a year implements.
CREATE TABLE covenant_movements (
    cluster_id  INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    movement_id INTEGER NOT NULL REFERENCES movements(id),
    PRIMARY KEY (cluster_id, year, movement_id),
    FOREIGN KEY (cluster_id, year) REFERENCES covenants(cluster_id, year)
);
