//! The storage boundary of tdkt: one coarse method per use-case need. Every write method
//! runs in one transaction that also appends the audit entry, so a write and its audit record
//! land together or not at all. Backends: `tdkt-store-sqlite`, `tdkt-store-postgres`.

mod conference;
mod dossiers;
mod history;
mod rows;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use conference::*;
pub use dossiers::*;
pub use history::*;
pub use rows::*;

use async_trait::async_trait;
use tdkt_domain::access::Grant;
use tdkt_domain::audit::AuditEntry;
use time::{Date, OffsetDateTime};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không tìm thấy {0}")]
    NotFound(&'static str),
    /// A uniqueness or concurrency conflict, said in Vietnamese.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Invalid(#[from] tdkt_domain::Invalid),
    /// Anything else from the database. Logged, never shown to users.
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Db(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Who did it, as written into the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// e.g. `user:3:admin` or `system:demo`.
    pub label: String,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            label: format!("system:{what}"),
        }
    }

    pub fn user(id: i64, username: &str) -> Self {
        Self {
            user_id: Some(id),
            label: format!("user:{id}:{username}"),
        }
    }
}

#[async_trait]
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    // ---- units
    async fn create_unit(&self, actor: &Actor, new: NewUnit) -> StoreResult<UnitRow>;
    /// Changes a unit; the old name, kind and parent go to its history, valid until the day
    /// before `changes.effective`.
    async fn update_unit(
        &self,
        actor: &Actor,
        id: i64,
        changes: UnitChanges,
    ) -> StoreResult<UnitRow>;
    async fn unit(&self, id: i64) -> StoreResult<UnitRow>;
    async fn unit_by_code(&self, code: &str) -> StoreResult<UnitRow>;
    /// Ancestors of a unit in the current tree, nearest first.
    async fn unit_ancestors(&self, id: i64) -> StoreResult<Vec<UnitRef>>;
    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<UnitRow>>;
    async fn unit_history(&self, id: i64) -> StoreResult<Vec<UnitVersionRow>>;
    /// Records a lineage event; for merges and splits the units on the `from` side end the
    /// day before `date` unless they already have an end.
    async fn create_lineage_event(
        &self,
        actor: &Actor,
        new: NewLineageEvent,
    ) -> StoreResult<LineageEventRow>;
    /// Events in which the unit stands on either side, oldest first.
    async fn unit_lineage(&self, unit_id: i64) -> StoreResult<Vec<LineageEventRow>>;

    // ---- people
    async fn create_person(&self, actor: &Actor, new: NewPerson) -> StoreResult<PersonRow>;
    /// Changes a person; a change of unit or position closes the current position record the
    /// day before `changes.position_since` and opens a new one.
    async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        changes: PersonChanges,
    ) -> StoreResult<PersonRow>;
    async fn person(&self, id: i64) -> StoreResult<PersonRow>;
    async fn search_people(&self, filter: &PersonFilter) -> StoreResult<Page<PersonRow>>;
    async fn person_positions(&self, person_id: i64) -> StoreResult<Vec<PositionRow>>;
    /// Inserts or replaces the given years' ratings.
    async fn put_ratings(
        &self,
        actor: &Actor,
        person_id: i64,
        ratings: &[RatingRow],
    ) -> StoreResult<Vec<RatingRow>>;
    async fn person_ratings(&self, person_id: i64) -> StoreResult<Vec<RatingRow>>;

    // ---- accounts
    async fn create_user(&self, actor: &Actor, new: NewUser) -> StoreResult<UserRow>;
    async fn user(&self, id: i64) -> StoreResult<UserRow>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>>;
    async fn list_users(&self) -> StoreResult<Vec<UserRow>>;
    async fn user_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>>;
    /// Active users holding `role` granted exactly on `unit_id` (e.g. a council's members).
    async fn users_with_role(
        &self,
        role: tdkt_domain::access::Role,
        unit_id: i64,
    ) -> StoreResult<Vec<UserRow>>;
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: &str,
    ) -> StoreResult<()>;
    /// Counts a failed login; when `lock_until` is given the account is locked until then and
    /// the counter restarts. Audited.
    async fn record_login_failure(
        &self,
        user_id: i64,
        lock_until: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// Clears the failure counter and opens a session. Audited.
    async fn open_session(&self, user_id: i64, new: NewSession) -> StoreResult<()>;
    async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<SessionRow>>;
    async fn close_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()>;
    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiTokenRow>;
    /// The live (not revoked) token with this hash; marks it used.
    async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<i64>>;
    async fn list_api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiTokenRow>>;
    async fn revoke_api_token(&self, actor: &Actor, user_id: i64, token_id: i64)
    -> StoreResult<()>;

    // ---- clusters
    async fn create_cluster(&self, actor: &Actor, new: NewCluster) -> StoreResult<ClusterRow>;
    /// All clusters with their years and members, by name.
    async fn list_clusters(&self) -> StoreResult<Vec<ClusterRow>>;
    async fn cluster(&self, id: i64) -> StoreResult<ClusterRow>;
    async fn unit_clusters(&self, unit_id: i64) -> StoreResult<Vec<UnitClusterRow>>;

    async fn cluster_rotation(&self, cluster_id: i64) -> StoreResult<(Vec<i64>, i32)>;
    async fn set_cluster_rotation(
        &self,
        actor: &Actor,
        cluster_id: i64,
        order: &[i64],
        cooldown: i32,
    ) -> StoreResult<()>;
    /// Adds or replaces a year's members and roles.
    async fn put_cluster_year(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: NewClusterYear,
    ) -> StoreResult<()>;

    // ---- conference
    async fn covenant(&self, cluster_id: i64, year: i32) -> StoreResult<Option<CovenantRow>>;
    /// Creates or replaces the covenant's title, table and method (signatures stay).
    async fn put_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        table_json: &str,
        method_json: &str,
    ) -> StoreResult<()>;
    async fn sign_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        sig: SignatureRow,
    ) -> StoreResult<()>;
    async fn set_scoring_closed(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        closed: bool,
    ) -> StoreResult<()>;
    /// Inserts or replaces one scorer's scores (and optionally indicators) in one transaction.
    async fn put_scores(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        scores: &[ScoreRow],
        indicators: &[IndicatorRow],
    ) -> StoreResult<()>;
    async fn cluster_scores(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> StoreResult<(Vec<ScoreRow>, Vec<IndicatorRow>)>;
    async fn create_ballot(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        rules_json: &str,
    ) -> StoreResult<BallotRow>;
    async fn ballot(&self, id: i64) -> StoreResult<BallotRow>;
    async fn ballots(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<BallotRow>>;
    /// Freezes the resolved rules and their hash; draft → open.
    async fn open_ballot(
        &self,
        actor: &Actor,
        id: i64,
        resolved_rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<BallotRow>;
    /// One voter unit's paper: the voter row and the paper go in one transaction but stay
    /// unlinked. A second vote by the same unit is a conflict.
    async fn cast_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter_unit: i64,
        choices_json: &str,
    ) -> StoreResult<()>;
    /// Papers collected in the room: the units that voted and the papers, unlinked.
    async fn record_papers(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter_units: &[i64],
        papers: &[String],
    ) -> StoreResult<()>;
    async fn ballot_voters(&self, ballot_id: i64) -> StoreResult<Vec<i64>>;
    async fn ballot_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>>;
    /// open → closed: stores the result, shuffles the papers, writes proposals and next year's
    /// roles.
    async fn close_ballot(
        &self,
        actor: &Actor,
        ballot_id: i64,
        close: BallotClose,
    ) -> StoreResult<BallotRow>;
    async fn cluster_proposals(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<ProposalRow>>;
    /// Proposals elected for a unit in its clusters, newest year first.
    async fn unit_cluster_proposals(&self, unit_id: i64) -> StoreResult<Vec<ProposalRow>>;
    async fn cluster_proposal(&self, id: i64) -> StoreResult<ProposalRow>;

    // ---- history (titles, awards received, initiatives)
    /// Inserts or replaces the given years' titles of a person; `uses` marks the initiatives
    /// the titles used, in the same transaction.
    async fn put_person_titles(
        &self,
        actor: &Actor,
        person_id: i64,
        titles: &[TitleRow],
        uses: &[InitiativeUse],
    ) -> StoreResult<Vec<TitleRow>>;
    /// Removes one title; initiatives it used (by `label`) are released.
    async fn delete_person_title(
        &self,
        actor: &Actor,
        person_id: i64,
        year: i32,
        code: &str,
        label: &str,
    ) -> StoreResult<Vec<TitleRow>>;
    /// Ratings and titles of many people in one transaction: all or nothing.
    async fn import_history(&self, actor: &Actor, batch: &HistoryBatch) -> StoreResult<()>;
    async fn person_titles(&self, person_id: i64) -> StoreResult<Vec<TitleRow>>;
    async fn create_award_record(
        &self,
        actor: &Actor,
        new: NewAwardRecord,
    ) -> StoreResult<AwardRecordRow>;
    async fn person_award_records(&self, person_id: i64) -> StoreResult<Vec<AwardRecordRow>>;
    async fn unit_award_records(&self, unit_id: i64) -> StoreResult<Vec<AwardRecordRow>>;
    async fn create_initiative(
        &self,
        actor: &Actor,
        new: NewInitiative,
    ) -> StoreResult<InitiativeRow>;
    /// The council's review: recognised scope, date and effect.
    async fn review_initiative(
        &self,
        actor: &Actor,
        id: i64,
        scope: &str,
        recognized_on: Date,
        effect: Option<String>,
    ) -> StoreResult<InitiativeRow>;
    async fn initiative(&self, id: i64) -> StoreResult<InitiativeRow>;
    async fn person_initiatives(&self, person_id: i64) -> StoreResult<Vec<InitiativeRow>>;
    /// Initiatives of a unit's subtree, newest first.
    async fn unit_initiatives(&self, unit_id: i64) -> StoreResult<Vec<InitiativeRow>>;
    async fn create_local_award_kind(
        &self,
        actor: &Actor,
        kind: LocalAwardKind,
    ) -> StoreResult<LocalAwardKind>;
    async fn local_award_kinds(&self) -> StoreResult<Vec<LocalAwardKind>>;
    /// Inserts or replaces a collective's yearly ratings.
    async fn put_unit_ratings(
        &self,
        actor: &Actor,
        unit_id: i64,
        ratings: &[UnitRatingRow],
    ) -> StoreResult<Vec<UnitRatingRow>>;
    async fn unit_ratings(&self, unit_id: i64) -> StoreResult<Vec<UnitRatingRow>>;
    /// Members of a unit's subtree in a year: count, by rating, by title.
    async fn member_stats(&self, unit_id: i64, year: i32) -> StoreResult<MemberStats>;

    // ---- dossiers
    /// Creates a draft dossier with its nominees; its code is `HS-{year}-{id}`.
    async fn create_dossier(&self, actor: &Actor, new: NewDossier) -> StoreResult<DossierRow>;
    async fn dossier(&self, id: i64) -> StoreResult<DossierRow>;
    async fn list_dossiers(&self, filter: &DossierFilter) -> StoreResult<Vec<DossierSummary>>;
    /// Replaces the nominee list if the dossier is still at `expected_version`; the old entries
    /// stay, marked removed.
    async fn replace_nominees(
        &self,
        actor: &Actor,
        dossier_id: i64,
        expected_version: i64,
        nominees: &[NewNominee],
    ) -> StoreResult<DossierRow>;
    /// Applies one workflow step if the dossier is still at the expected version and state;
    /// otherwise a conflict naming the current state.
    async fn move_dossier(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
    ) -> StoreResult<DossierRow>;
    /// Stores the file once by its hash and adds a version (never replaces one).
    async fn add_document(
        &self,
        actor: &Actor,
        dossier_id: i64,
        doc: NewDocument,
    ) -> StoreResult<DocumentRow>;
    async fn dossier_documents(&self, dossier_id: i64) -> StoreResult<Vec<DocumentRow>>;
    /// A stored file: its type and bytes.
    async fn blob(&self, sha256: &str) -> StoreResult<(String, Vec<u8>)>;
    async fn dossier_events(&self, dossier_id: i64) -> StoreResult<Vec<EventRow>>;
    /// Records the specialist's appraisal of one nominee (dossier under appraisal only).
    async fn appraise(
        &self,
        actor: &Actor,
        dossier_id: i64,
        appraisal: &Appraisal,
    ) -> StoreResult<DossierRow>;
    /// The same nominee proposed for the same award and year elsewhere (dossiers not withdrawn
    /// or rejected, or the register), and the same achievement text twice.
    async fn nominee_duplicates(&self, dossier_id: i64) -> StoreResult<Vec<DuplicateRow>>;
    async fn add_comment(
        &self,
        actor: &Actor,
        dossier_id: i64,
        comment: NewComment,
    ) -> StoreResult<CommentRow>;
    async fn moderate_comment(
        &self,
        actor: &Actor,
        comment_id: i64,
        status: &str,
    ) -> StoreResult<CommentRow>;
    async fn dossier_comments(&self, dossier_id: i64) -> StoreResult<Vec<CommentRow>>;
    /// Moves the dossier to the council vote and opens the ballot with its frozen rules, in one
    /// transaction.
    async fn open_council_vote(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
        rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<CouncilBallotRow>;
    async fn council_ballot(&self, dossier_id: i64) -> StoreResult<Option<CouncilBallotRow>>;
    /// One member's paper: the voter row and the paper are written together but unlinked. A
    /// second vote by the same member is a conflict.
    async fn cast_council_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        member: i64,
        mode: &str,
        choices_json: &str,
    ) -> StoreResult<()>;
    /// Members who voted, with how (`truc_tiep`, `van_ban`).
    async fn council_voters(&self, ballot_id: i64) -> StoreResult<Vec<(i64, String)>>;
    async fn council_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>>;
    /// Stores the result and each nominee's outcome; shuffles the papers' keys. Refused when
    /// the ballot no longer holds `counted` papers (a vote arrived after the count).
    async fn close_council_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        result_json: &str,
        passed: &[(i64, bool)],
        counted: usize,
    ) -> StoreResult<CouncilBallotRow>;
    /// Numbers the decision (per authority and year), stores it, writes one award record per
    /// awardee and moves the dossier to "decision issued", in one transaction.
    async fn issue_decision(&self, actor: &Actor, new: NewDecision) -> StoreResult<DecisionRow>;
    async fn decision_of(&self, dossier_id: i64) -> StoreResult<Option<DecisionRow>>;
    async fn search_register(&self, filter: &RegisterFilter) -> StoreResult<Vec<RegisterRow>>;
    /// The layout stored for this unit or its nearest ancestor that has one.
    async fn certificate_template(
        &self,
        unit_id: i64,
        award_code: &str,
    ) -> StoreResult<Option<String>>;
    async fn put_certificate_template(
        &self,
        actor: &Actor,
        unit_id: i64,
        award_code: &str,
        json: &str,
    ) -> StoreResult<()>;

    // ---- audit
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// The recorded head of the chain: last seq and its hash.
    async fn audit_head(&self) -> StoreResult<(i64, String)>;
}
