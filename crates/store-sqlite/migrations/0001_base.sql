-- Units, people, accounts and the audit chain. Dates are ISO text, times RFC 3339 text in UTC.

CREATE TABLE units (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    short_name    TEXT,
    parent_id     INTEGER REFERENCES units(id),
    -- "/1/5/23/": ids from the root down to this unit, for subtree scoping by prefix.
    tree_path     TEXT NOT NULL,
    valid_from    TEXT,
    valid_to      TEXT,
    current_since TEXT,
    note          TEXT,
    illustrative  INTEGER NOT NULL DEFAULT 0,
    search_key    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_tree_path ON units(tree_path);
CREATE INDEX units_search ON units(search_key);

CREATE TABLE unit_versions (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    short_name  TEXT,
    kind        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES units(id),
    valid_from  TEXT,
    valid_to    TEXT NOT NULL
);
CREATE INDEX unit_versions_unit ON unit_versions(unit_id);

CREATE TABLE lineage_events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    event_date  TEXT NOT NULL,
    legal_basis TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE lineage_links (
    event_id INTEGER NOT NULL REFERENCES lineage_events(id),
    side     TEXT NOT NULL CHECK (side IN ('from', 'to')),
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (event_id, side, unit_id)
);
CREATE INDEX lineage_links_unit ON lineage_links(unit_id);

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    full_name    TEXT NOT NULL,
    search_key   TEXT NOT NULL,
    gender       TEXT NOT NULL,
    birth_date   TEXT,
    birth_year   INTEGER,
    cccd         TEXT UNIQUE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    position     TEXT,
    illustrative INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX people_unit ON people(unit_id);
CREATE INDEX people_search ON people(search_key);

-- Trigram index over the folded name: substring search without a full scan.
CREATE VIRTUAL TABLE people_fts USING fts5(search_key, content='people', content_rowid='id', tokenize='trigram');
CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN
    INSERT INTO people_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER people_fts_au AFTER UPDATE OF search_key ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO people_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;

CREATE TABLE person_positions (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    position   TEXT,
    start_date TEXT NOT NULL,
    end_date   TEXT
);
CREATE INDEX person_positions_person ON person_positions(person_id);

CREATE TABLE person_ratings (
    person_id INTEGER NOT NULL REFERENCES people(id),
    year      INTEGER NOT NULL,
    rating    TEXT NOT NULL,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);

CREATE TABLE role_grants (
    user_id INTEGER NOT NULL REFERENCES users(id),
    role    TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (user_id, role, unit_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Clusters and blocks by year: members keep the unit as it was that year (pre-2025 provinces
-- stay members of their 2022 cluster after the merger).
CREATE TABLE clusters (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    organiser         TEXT NOT NULL,
    organiser_unit_id INTEGER REFERENCES units(id),
    source            TEXT,
    note              TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE cluster_years (
    cluster_id         INTEGER NOT NULL REFERENCES clusters(id),
    year               INTEGER NOT NULL,
    note               TEXT,
    roles_illustrative INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cluster_id, year)
);

CREATE TABLE cluster_members (
    cluster_id   INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    role         TEXT NOT NULL,
    illustrative INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cluster_id, year, unit_id),
    FOREIGN KEY (cluster_id, year) REFERENCES cluster_years(cluster_id, year)
);
CREATE INDEX cluster_members_unit ON cluster_members(unit_id);
