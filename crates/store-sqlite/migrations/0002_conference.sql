-- The cluster conference: covenant, scores, secret ballots, proposals.

ALTER TABLE clusters ADD COLUMN rotation_cooldown INTEGER NOT NULL DEFAULT 3;
-- The council member who supervises the cluster (free text: name and title).
ALTER TABLE clusters ADD COLUMN supervisor TEXT;

-- Rotation order of the leader's role (position 0 first).
CREATE TABLE cluster_rotation (
    cluster_id INTEGER NOT NULL REFERENCES clusters(id),
    position   INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (cluster_id, position)
);

CREATE TABLE covenants (
    cluster_id     INTEGER NOT NULL,
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    -- Groups and criteria as the evaluation format (docs/cluster-evaluation.md), JSON.
    table_json     TEXT NOT NULL,
    -- Aggregation method and flag settings, JSON.
    method_json    TEXT NOT NULL,
    scoring_closed INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (cluster_id, year),
    FOREIGN KEY (cluster_id, year) REFERENCES cluster_years(cluster_id, year)
);

CREATE TABLE covenant_signatures (
    cluster_id  INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    signer      TEXT NOT NULL,
    signed_on   DATE NOT NULL,
    recorded_by INTEGER REFERENCES users(id),
    PRIMARY KEY (cluster_id, year, unit_id),
    FOREIGN KEY (cluster_id, year) REFERENCES covenants(cluster_id, year)
);

CREATE TABLE cluster_scores (
    cluster_id   INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    scorer_id    INTEGER NOT NULL REFERENCES units(id),
    target_id    INTEGER NOT NULL REFERENCES units(id),
    criterion_id TEXT NOT NULL,
    points       REAL NOT NULL,
    note         TEXT,
    entered_by   INTEGER REFERENCES users(id),
    PRIMARY KEY (cluster_id, year, scorer_id, target_id, criterion_id),
    FOREIGN KEY (cluster_id, year) REFERENCES covenants(cluster_id, year)
);

CREATE TABLE cluster_indicators (
    cluster_id   INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    criterion_id TEXT NOT NULL,
    value        REAL NOT NULL,
    PRIMARY KEY (cluster_id, year, unit_id, criterion_id),
    FOREIGN KEY (cluster_id, year) REFERENCES covenants(cluster_id, year)
);

CREATE TABLE ballots (
    id          INTEGER PRIMARY KEY,
    cluster_id  INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    -- Rules as entered; when voting opens, resolved (candidates listed) and hashed.
    rules_json  TEXT NOT NULL,
    rule_hash   TEXT,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    result_json TEXT,
    created_at  TEXT NOT NULL,
    FOREIGN KEY (cluster_id, year) REFERENCES cluster_years(cluster_id, year)
);

-- Who voted and what was voted live apart: no column, key or order links a voter to a paper.
-- Voters are keyed by member unit; papers by a random key, stored without insertion order
-- (SQLite WITHOUT ROWID); papers are rewritten under fresh keys when the ballot closes.
CREATE TABLE ballot_voters (
    ballot_id INTEGER NOT NULL REFERENCES ballots(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (ballot_id, unit_id)
) WITHOUT ROWID;

CREATE TABLE ballot_papers (
    ballot_id    INTEGER NOT NULL REFERENCES ballots(id),
    paper_key    TEXT NOT NULL,
    choices_json TEXT NOT NULL,
    PRIMARY KEY (ballot_id, paper_key)
) WITHOUT ROWID;

-- Elected proposals, waiting for the commendation module to turn them into dossiers.
CREATE TABLE cluster_proposals (
    id         INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    award_code TEXT NOT NULL,
    ballot_id  INTEGER REFERENCES ballots(id),
    votes      INTEGER NOT NULL,
    status     TEXT NOT NULL DEFAULT 'draft',
    created_at TEXT NOT NULL,
    UNIQUE (cluster_id, year, unit_id, award_code)
);
