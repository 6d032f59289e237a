//! The SQL implementation of `Store`, written once and compiled into each backend crate with
//! `#[path]` (the including crate defines `Db`, `Backend` and `dialect`). Both backends speak
//! the same SQL here: `$n` placeholders, `RETURNING`, `ON CONFLICT`, recursive CTEs. What
//! differs (write locking, name search, pool setup) lives in each crate's `dialect`.
//! This avoids both `sqlx::Any` (no macros, missing types) and a second copy of every query.

mod accounts;
mod audit;
mod clusters;
mod conference;
mod dossiers;
mod history;
pub mod migrate;
mod people;
mod units;

use async_trait::async_trait;
use sqlx::Row;
use tdkt_domain::access::Grant;
use tdkt_domain::audit::AuditEntry;
use tdkt_store::*;
use time::OffsetDateTime;

use super::{Backend, Db, dialect};

pub(crate) type Tx = sqlx::Transaction<'static, Db>;
pub(crate) type DbRow = <Db as sqlx::Database>::Row;

/// Maps database errors to store errors; unique violations become a Vietnamese conflict
/// message naming the field.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound("bản ghi"),
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            let m = format!("{} {}", d.message(), d.constraint().unwrap_or_default());
            let what = if m.contains("clusters") {
                "Mã cụm, khối thi đua đã tồn tại"
            } else if m.contains("code") {
                "Mã đơn vị đã tồn tại"
            } else if m.contains("cccd") {
                "Số CCCD đã có trong hồ sơ của người khác"
            } else if m.contains("username") {
                "Tên đăng nhập đã tồn tại"
            } else {
                "Bản ghi trùng với bản ghi đã có"
            };
            StoreError::Conflict(what.to_string())
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Conflict("Tham chiếu tới bản ghi không tồn tại".to_string())
        }
        _ => StoreError::Db(e.to_string()),
    }
}

pub(crate) fn get<'r, T>(row: &'r DbRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(col).map_err(db_err)
}

/// Parses a code column back into its enum; a bad value means the database was edited by hand.
pub(crate) fn code<T>(
    row: &DbRow,
    col: &str,
    parse: fn(&str, &str) -> Result<T, tdkt_domain::Invalid>,
) -> StoreResult<T> {
    let s: String = get(row, col)?;
    parse(col, &s).map_err(|e| StoreError::Db(format!("giá trị lạ trong cột {col}: {e}")))
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub(crate) async fn begin(b: &Backend) -> StoreResult<Tx> {
    dialect::begin_write(b).await.map_err(db_err)
}

pub(crate) async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await.map_err(db_err)
}

#[async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        dialect::NAME
    }

    async fn create_unit(&self, actor: &Actor, new: NewUnit) -> StoreResult<UnitRow> {
        units::create(self, actor, new).await
    }
    async fn update_unit(
        &self,
        actor: &Actor,
        id: i64,
        changes: UnitChanges,
    ) -> StoreResult<UnitRow> {
        units::update(self, actor, id, changes).await
    }
    async fn unit(&self, id: i64) -> StoreResult<UnitRow> {
        units::by_id(dialect::reader(self), id).await
    }
    async fn unit_by_code(&self, code: &str) -> StoreResult<UnitRow> {
        units::by_code(dialect::reader(self), code).await
    }
    async fn unit_ancestors(&self, id: i64) -> StoreResult<Vec<UnitRef>> {
        units::ancestors(dialect::reader(self), id).await
    }
    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<UnitRow>> {
        units::list(dialect::reader(self), filter).await
    }
    async fn unit_history(&self, id: i64) -> StoreResult<Vec<UnitVersionRow>> {
        units::history(dialect::reader(self), id).await
    }
    async fn create_lineage_event(
        &self,
        actor: &Actor,
        new: NewLineageEvent,
    ) -> StoreResult<LineageEventRow> {
        units::create_lineage(self, actor, new).await
    }
    async fn unit_lineage(&self, unit_id: i64) -> StoreResult<Vec<LineageEventRow>> {
        units::lineage(dialect::reader(self), unit_id).await
    }

    async fn create_person(&self, actor: &Actor, new: NewPerson) -> StoreResult<PersonRow> {
        people::create(self, actor, new).await
    }
    async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        changes: PersonChanges,
    ) -> StoreResult<PersonRow> {
        people::update(self, actor, id, changes).await
    }
    async fn person(&self, id: i64) -> StoreResult<PersonRow> {
        people::by_id(dialect::reader(self), id).await
    }
    async fn search_people(&self, filter: &PersonFilter) -> StoreResult<Page<PersonRow>> {
        people::search(dialect::reader(self), filter).await
    }
    async fn person_positions(&self, person_id: i64) -> StoreResult<Vec<PositionRow>> {
        people::positions(dialect::reader(self), person_id).await
    }
    async fn put_ratings(
        &self,
        actor: &Actor,
        person_id: i64,
        ratings: &[RatingRow],
    ) -> StoreResult<Vec<RatingRow>> {
        people::put_ratings(self, actor, person_id, ratings).await
    }
    async fn person_ratings(&self, person_id: i64) -> StoreResult<Vec<RatingRow>> {
        people::ratings(dialect::reader(self), person_id).await
    }

    async fn create_user(&self, actor: &Actor, new: NewUser) -> StoreResult<UserRow> {
        accounts::create_user(self, actor, new).await
    }
    async fn user(&self, id: i64) -> StoreResult<UserRow> {
        accounts::user(dialect::reader(self), id).await
    }
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>> {
        accounts::user_by_username(dialect::reader(self), username).await
    }
    async fn list_users(&self) -> StoreResult<Vec<UserRow>> {
        accounts::list_users(dialect::reader(self)).await
    }
    async fn users_with_role(
        &self,
        role: tdkt_domain::access::Role,
        unit_id: i64,
    ) -> StoreResult<Vec<UserRow>> {
        accounts::users_with_role(dialect::reader(self), role, unit_id).await
    }
    async fn user_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>> {
        accounts::grants(dialect::reader(self), user_id).await
    }
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: &str,
    ) -> StoreResult<()> {
        accounts::set_password(self, actor, user_id, password_hash).await
    }
    async fn record_login_failure(
        &self,
        user_id: i64,
        lock_until: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        accounts::login_failure(self, user_id, lock_until).await
    }
    async fn open_session(&self, user_id: i64, new: NewSession) -> StoreResult<()> {
        accounts::open_session(self, user_id, new).await
    }
    async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<SessionRow>> {
        accounts::session(dialect::reader(self), token_hash, now).await
    }
    async fn close_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()> {
        accounts::close_session(self, actor, token_hash).await
    }
    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiTokenRow> {
        accounts::create_token(self, actor, user_id, name, token_hash).await
    }
    async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<i64>> {
        accounts::token_user(self, token_hash).await
    }
    async fn list_api_tokens(&self, user_id: i64) -> StoreResult<Vec<ApiTokenRow>> {
        accounts::list_tokens(dialect::reader(self), user_id).await
    }
    async fn revoke_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        token_id: i64,
    ) -> StoreResult<()> {
        accounts::revoke_token(self, actor, user_id, token_id).await
    }

    async fn create_cluster(&self, actor: &Actor, new: NewCluster) -> StoreResult<ClusterRow> {
        clusters::create(self, actor, new).await
    }
    async fn list_clusters(&self) -> StoreResult<Vec<ClusterRow>> {
        clusters::list(dialect::reader(self), None).await
    }
    async fn cluster(&self, id: i64) -> StoreResult<ClusterRow> {
        clusters::list(dialect::reader(self), Some(id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound("cụm thi đua"))
    }
    async fn unit_clusters(&self, unit_id: i64) -> StoreResult<Vec<UnitClusterRow>> {
        clusters::of_unit(dialect::reader(self), unit_id).await
    }

    async fn cluster_rotation(&self, cluster_id: i64) -> StoreResult<(Vec<i64>, i32)> {
        clusters::rotation(dialect::reader(self), cluster_id).await
    }
    async fn set_cluster_rotation(
        &self,
        actor: &Actor,
        cluster_id: i64,
        order: &[i64],
        cooldown: i32,
    ) -> StoreResult<()> {
        clusters::set_rotation(self, actor, cluster_id, order, cooldown).await
    }
    async fn put_cluster_year(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: NewClusterYear,
    ) -> StoreResult<()> {
        clusters::put_year(self, actor, cluster_id, year).await
    }
    async fn covenant(&self, cluster_id: i64, year: i32) -> StoreResult<Option<CovenantRow>> {
        conference::covenant(dialect::reader(self), cluster_id, year).await
    }
    async fn put_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        table_json: &str,
        method_json: &str,
    ) -> StoreResult<()> {
        conference::put_covenant(
            self,
            actor,
            cluster_id,
            year,
            title,
            table_json,
            method_json,
        )
        .await
    }
    async fn sign_covenant(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        sig: SignatureRow,
    ) -> StoreResult<()> {
        conference::sign(self, actor, cluster_id, year, sig).await
    }
    async fn set_scoring_closed(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        closed: bool,
    ) -> StoreResult<()> {
        conference::set_scoring_closed(self, actor, cluster_id, year, closed).await
    }
    async fn put_scores(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        scores: &[ScoreRow],
        indicators: &[IndicatorRow],
    ) -> StoreResult<()> {
        conference::put_scores(self, actor, cluster_id, year, scores, indicators).await
    }
    async fn cluster_scores(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> StoreResult<(Vec<ScoreRow>, Vec<IndicatorRow>)> {
        conference::scores(dialect::reader(self), cluster_id, year).await
    }
    async fn create_ballot(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        title: &str,
        rules_json: &str,
    ) -> StoreResult<BallotRow> {
        conference::create_ballot(self, actor, cluster_id, year, title, rules_json).await
    }
    async fn ballot(&self, id: i64) -> StoreResult<BallotRow> {
        conference::ballot(dialect::reader(self), id).await
    }
    async fn ballots(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<BallotRow>> {
        conference::ballots(dialect::reader(self), cluster_id, year).await
    }
    async fn open_ballot(
        &self,
        actor: &Actor,
        id: i64,
        resolved_rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<BallotRow> {
        conference::open_ballot(self, actor, id, resolved_rules_json, rule_hash).await
    }
    async fn cast_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter_unit: i64,
        choices_json: &str,
    ) -> StoreResult<()> {
        conference::cast_vote(self, actor, ballot_id, voter_unit, choices_json).await
    }
    async fn record_papers(
        &self,
        actor: &Actor,
        ballot_id: i64,
        voter_units: &[i64],
        papers: &[String],
    ) -> StoreResult<()> {
        conference::record_papers(self, actor, ballot_id, voter_units, papers).await
    }
    async fn ballot_voters(&self, ballot_id: i64) -> StoreResult<Vec<i64>> {
        conference::voters(dialect::reader(self), ballot_id).await
    }
    async fn ballot_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>> {
        conference::papers(dialect::reader(self), ballot_id).await
    }
    async fn close_ballot(
        &self,
        actor: &Actor,
        ballot_id: i64,
        close: BallotClose,
    ) -> StoreResult<BallotRow> {
        conference::close_ballot(self, actor, ballot_id, close).await
    }
    async fn cluster_proposals(&self, cluster_id: i64, year: i32) -> StoreResult<Vec<ProposalRow>> {
        conference::proposals(dialect::reader(self), cluster_id, year).await
    }
    async fn unit_cluster_proposals(&self, unit_id: i64) -> StoreResult<Vec<ProposalRow>> {
        conference::unit_proposals(dialect::reader(self), "unit_id", unit_id).await
    }
    async fn cluster_proposal(&self, id: i64) -> StoreResult<ProposalRow> {
        conference::unit_proposals(dialect::reader(self), "id", id)
            .await?
            .pop()
            .ok_or(StoreError::NotFound("đề nghị của cụm thi đua"))
    }

    async fn put_person_titles(
        &self,
        actor: &Actor,
        person_id: i64,
        titles: &[TitleRow],
        uses: &[InitiativeUse],
    ) -> StoreResult<Vec<TitleRow>> {
        history::put_titles(self, actor, person_id, titles, uses).await
    }
    async fn delete_person_title(
        &self,
        actor: &Actor,
        person_id: i64,
        year: i32,
        code: &str,
        label: &str,
    ) -> StoreResult<Vec<TitleRow>> {
        history::delete_title(self, actor, person_id, year, code, label).await
    }
    async fn import_history(&self, actor: &Actor, batch: &HistoryBatch) -> StoreResult<()> {
        history::import(self, actor, batch).await
    }
    async fn person_titles(&self, person_id: i64) -> StoreResult<Vec<TitleRow>> {
        history::titles(dialect::reader(self), person_id).await
    }
    async fn create_award_record(
        &self,
        actor: &Actor,
        new: NewAwardRecord,
    ) -> StoreResult<AwardRecordRow> {
        history::create_award(self, actor, new).await
    }
    async fn person_award_records(&self, person_id: i64) -> StoreResult<Vec<AwardRecordRow>> {
        history::awards_of(dialect::reader(self), "person_id", person_id).await
    }
    async fn unit_award_records(&self, unit_id: i64) -> StoreResult<Vec<AwardRecordRow>> {
        history::awards_of(dialect::reader(self), "unit_id", unit_id).await
    }
    async fn create_initiative(
        &self,
        actor: &Actor,
        new: NewInitiative,
    ) -> StoreResult<InitiativeRow> {
        history::create_initiative(self, actor, new).await
    }
    async fn review_initiative(
        &self,
        actor: &Actor,
        id: i64,
        scope: &str,
        recognized_on: time::Date,
        effect: Option<String>,
    ) -> StoreResult<InitiativeRow> {
        history::review_initiative(self, actor, id, scope, recognized_on, effect).await
    }
    async fn initiative(&self, id: i64) -> StoreResult<InitiativeRow> {
        history::initiative(dialect::reader(self), id).await
    }
    async fn person_initiatives(&self, person_id: i64) -> StoreResult<Vec<InitiativeRow>> {
        history::person_initiatives(dialect::reader(self), person_id).await
    }
    async fn unit_initiatives(&self, unit_id: i64) -> StoreResult<Vec<InitiativeRow>> {
        history::unit_initiatives(dialect::reader(self), unit_id).await
    }
    async fn create_local_award_kind(
        &self,
        actor: &Actor,
        kind: LocalAwardKind,
    ) -> StoreResult<LocalAwardKind> {
        history::create_local_kind(self, actor, kind).await
    }
    async fn local_award_kinds(&self) -> StoreResult<Vec<LocalAwardKind>> {
        history::local_kinds(dialect::reader(self)).await
    }
    async fn put_unit_ratings(
        &self,
        actor: &Actor,
        unit_id: i64,
        ratings: &[UnitRatingRow],
    ) -> StoreResult<Vec<UnitRatingRow>> {
        history::put_unit_ratings(self, actor, unit_id, ratings).await
    }
    async fn unit_ratings(&self, unit_id: i64) -> StoreResult<Vec<UnitRatingRow>> {
        history::unit_ratings(dialect::reader(self), unit_id).await
    }
    async fn member_stats(&self, unit_id: i64, year: i32) -> StoreResult<MemberStats> {
        history::member_stats(dialect::reader(self), unit_id, year).await
    }

    async fn create_dossier(&self, actor: &Actor, new: NewDossier) -> StoreResult<DossierRow> {
        dossiers::create(self, actor, new).await
    }
    async fn dossier(&self, id: i64) -> StoreResult<DossierRow> {
        dossiers::by_id(dialect::reader(self), id).await
    }
    async fn list_dossiers(&self, filter: &DossierFilter) -> StoreResult<Vec<DossierSummary>> {
        dossiers::list(dialect::reader(self), filter).await
    }
    async fn replace_nominees(
        &self,
        actor: &Actor,
        dossier_id: i64,
        expected_version: i64,
        nominees: &[NewNominee],
    ) -> StoreResult<DossierRow> {
        dossiers::replace_nominees(self, actor, dossier_id, expected_version, nominees).await
    }
    async fn move_dossier(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
    ) -> StoreResult<DossierRow> {
        dossiers::move_dossier(self, actor, dossier_id, mv).await
    }
    async fn add_document(
        &self,
        actor: &Actor,
        dossier_id: i64,
        doc: NewDocument,
    ) -> StoreResult<DocumentRow> {
        dossiers::add_document(self, actor, dossier_id, doc).await
    }
    async fn dossier_documents(&self, dossier_id: i64) -> StoreResult<Vec<DocumentRow>> {
        dossiers::documents(dialect::reader(self), dossier_id).await
    }
    async fn blob(&self, sha256: &str) -> StoreResult<(String, Vec<u8>)> {
        dossiers::blob(dialect::reader(self), sha256).await
    }
    async fn dossier_events(&self, dossier_id: i64) -> StoreResult<Vec<EventRow>> {
        dossiers::events(dialect::reader(self), dossier_id).await
    }
    async fn appraise(
        &self,
        actor: &Actor,
        dossier_id: i64,
        appraisal: &Appraisal,
    ) -> StoreResult<DossierRow> {
        dossiers::appraise(self, actor, dossier_id, appraisal).await
    }
    async fn nominee_duplicates(&self, dossier_id: i64) -> StoreResult<Vec<DuplicateRow>> {
        dossiers::duplicates(dialect::reader(self), dossier_id).await
    }
    async fn add_comment(
        &self,
        actor: &Actor,
        dossier_id: i64,
        comment: NewComment,
    ) -> StoreResult<CommentRow> {
        dossiers::add_comment(self, actor, dossier_id, comment).await
    }
    async fn moderate_comment(
        &self,
        actor: &Actor,
        comment_id: i64,
        status: &str,
    ) -> StoreResult<CommentRow> {
        dossiers::moderate_comment(self, actor, comment_id, status).await
    }
    async fn dossier_comments(&self, dossier_id: i64) -> StoreResult<Vec<CommentRow>> {
        dossiers::comments(dialect::reader(self), dossier_id).await
    }
    async fn open_council_vote(
        &self,
        actor: &Actor,
        dossier_id: i64,
        mv: DossierMove,
        rules_json: &str,
        rule_hash: &str,
    ) -> StoreResult<CouncilBallotRow> {
        dossiers::open_council_vote(self, actor, dossier_id, mv, rules_json, rule_hash).await
    }
    async fn council_ballot(&self, dossier_id: i64) -> StoreResult<Option<CouncilBallotRow>> {
        dossiers::council_ballot(dialect::reader(self), dossier_id).await
    }
    async fn cast_council_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        member: i64,
        mode: &str,
        choices_json: &str,
    ) -> StoreResult<()> {
        dossiers::cast_council_vote(self, actor, ballot_id, member, mode, choices_json).await
    }
    async fn council_voters(&self, ballot_id: i64) -> StoreResult<Vec<(i64, String)>> {
        dossiers::council_voters(dialect::reader(self), ballot_id).await
    }
    async fn council_papers(&self, ballot_id: i64) -> StoreResult<Vec<String>> {
        dossiers::council_papers(dialect::reader(self), ballot_id).await
    }
    async fn close_council_vote(
        &self,
        actor: &Actor,
        ballot_id: i64,
        result_json: &str,
        passed: &[(i64, bool)],
        counted: usize,
    ) -> StoreResult<CouncilBallotRow> {
        dossiers::close_council_vote(self, actor, ballot_id, result_json, passed, counted).await
    }
    async fn issue_decision(&self, actor: &Actor, new: NewDecision) -> StoreResult<DecisionRow> {
        dossiers::issue_decision(self, actor, new).await
    }
    async fn decision_of(&self, dossier_id: i64) -> StoreResult<Option<DecisionRow>> {
        dossiers::decision_of(dialect::reader(self), dossier_id).await
    }
    async fn search_register(&self, filter: &RegisterFilter) -> StoreResult<Vec<RegisterRow>> {
        dossiers::search_register(dialect::reader(self), filter).await
    }
    async fn certificate_template(
        &self,
        unit_id: i64,
        award_code: &str,
    ) -> StoreResult<Option<String>> {
        dossiers::certificate_template(dialect::reader(self), unit_id, award_code).await
    }
    async fn put_certificate_template(
        &self,
        actor: &Actor,
        unit_id: i64,
        award_code: &str,
        json: &str,
    ) -> StoreResult<()> {
        dossiers::put_certificate_template(self, actor, unit_id, award_code, json).await
    }

    async fn audit_entries(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        audit::entries(dialect::reader(self), after, limit).await
    }
    async fn audit_head(&self) -> StoreResult<(i64, String)> {
        audit::head(dialect::reader(self)).await
    }
}
