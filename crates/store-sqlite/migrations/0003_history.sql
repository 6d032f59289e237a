-- The history the eligibility engine reads: titles by year, awards received, initiatives.

CREATE TABLE person_titles (
    person_id INTEGER NOT NULL REFERENCES people(id),
    year      INTEGER NOT NULL,
    code      TEXT NOT NULL,
    decision  TEXT,
    PRIMARY KEY (person_id, year, code)
);

-- Awards a person or a unit received (the register's first form; decisions come later).
CREATE TABLE award_records (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER REFERENCES people(id),
    unit_id    INTEGER REFERENCES units(id),
    code       TEXT NOT NULL,
    award_date DATE NOT NULL,
    decision   TEXT,
    note       TEXT,
    created_at TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (unit_id IS NULL))
);
CREATE INDEX award_records_person ON award_records(person_id);
CREATE INDEX award_records_unit ON award_records(unit_id);

CREATE TABLE initiatives (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    field        TEXT,
    submitted_on DATE NOT NULL,
    -- Set by the council's review.
    scope        TEXT,
    recognized_on DATE,
    effect       TEXT,
    -- The award that used it (an initiative counts once), e.g. "chien_si_thi_dua_co_so 2025".
    used_by      TEXT,
    used_on      DATE,
    created_at   TEXT NOT NULL
);

CREATE TABLE initiative_authors (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_authors_person ON initiative_authors(person_id);

-- A collective's own yearly task rating, and how many of its members were disciplined at
-- warning level or above that year (unknown when NULL).
CREATE TABLE unit_ratings (
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    year        INTEGER NOT NULL,
    rating      TEXT NOT NULL,
    disciplined INTEGER,
    PRIMARY KEY (unit_id, year)
);

-- Award kinds an authority adds locally (e.g. a provincial Giấy khen variant), beside the
-- catalog shipped in rules/catalog.toml.
CREATE TABLE local_award_kinds (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subjects   TEXT NOT NULL,
    level      TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    bonus      REAL NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    created_at TEXT NOT NULL
);
