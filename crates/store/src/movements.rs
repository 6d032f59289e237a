//! Emulation movements: the movement with its targets, criteria, milestones and indicators;
//! registrations (every version kept); progress and review reports; their files.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tdkt_domain::movement::{
    LaunchLevel, Measure, MilestoneKind, MovementKind, MovementScope, MovementState, MovementStep,
    RegistrationSource, Subject, TargetKind,
};
use time::{Date, OffsetDateTime};

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionInput {
    pub award_code: String,
    pub text: String,
    pub mandatory: bool,
    pub legal_basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneInput {
    pub kind: MilestoneKind,
    pub name: String,
    pub due_on: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorInput {
    pub code: String,
    pub name: String,
    pub measure: Measure,
    /// The default target for each unit.
    pub target: Option<f64>,
}

/// A movement as the board drafts it; checked by the app. `targets` are the unit ids the
/// target (subtree, cluster or list) resolves to, kept so that later changes of the tree do
/// not change whom a launched movement addressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementInput {
    pub code: String,
    pub name: String,
    pub slogan: Option<String>,
    pub goals: String,
    pub authority_id: i64,
    pub level: LaunchLevel,
    pub kind: MovementKind,
    pub scope: MovementScope,
    pub starts_on: Date,
    pub ends_on: Date,
    pub parent_id: Option<i64>,
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    pub decision_signer: Option<String>,
    pub registration_due_on: Option<Date>,
    pub target_kind: TargetKind,
    pub target_unit_id: Option<i64>,
    pub target_cluster_id: Option<i64>,
    pub targets: Vec<i64>,
    pub criteria: Vec<CriterionInput>,
    pub milestones: Vec<MilestoneInput>,
    pub indicators: Vec<IndicatorInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionRow {
    pub award_code: String,
    pub text: String,
    pub mandatory: bool,
    pub legal_basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct MilestoneRow {
    pub id: i64,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: MilestoneKind,
    pub name: String,
    pub due_on: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct MovementIndicatorRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub measure: Measure,
    pub target: Option<f64>,
}

/// A stored file of a movement: the launch decision or a report's attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct MovementFileRow {
    pub id: i64,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFile {
    pub filename: String,
    pub mime: String,
    pub sha256: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct MovementRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub slogan: Option<String>,
    pub goals: String,
    pub authority_id: i64,
    pub authority_name: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub level: LaunchLevel,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: MovementKind,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub scope: MovementScope,
    pub starts_on: Date,
    pub ends_on: Date,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    pub decision_signer: Option<String>,
    /// The launch decision's PDF, once uploaded.
    pub decision_file_id: Option<i64>,
    pub registration_due_on: Option<Date>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub target_kind: TargetKind,
    pub target_unit_id: Option<i64>,
    pub target_cluster_id: Option<i64>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub state: MovementState,
    pub state_since: Date,
    pub version: i64,
    pub created_at: OffsetDateTime,
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub criteria: Vec<CriterionRow>,
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub milestones: Vec<MilestoneRow>,
    #[cfg_attr(feature = "sqlx", sqlx(skip))]
    pub indicators: Vec<MovementIndicatorRow>,
}

/// A line of a movement list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct MovementSummary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub authority_id: i64,
    pub authority_name: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub level: LaunchLevel,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub kind: MovementKind,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub scope: MovementScope,
    pub starts_on: Date,
    pub ends_on: Date,
    pub parent_id: Option<i64>,
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    pub decision_file_id: Option<i64>,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub state: MovementState,
    pub targets: i64,
}

/// Which movements a list shows; every given condition must hold.
#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    /// Launched and not cancelled only (the public list, and readers without manage rights).
    pub public_only: bool,
    /// Drafts and cancelled movements are shown only when their authority is inside one of
    /// these subtrees.
    pub drafts_under: Vec<i64>,
    pub states: Option<Vec<MovementState>>,
    /// Running during this year.
    pub year: Option<i32>,
    /// Targeting this unit.
    pub targeting: Option<i64>,
    /// Carrying out this movement.
    pub parent_id: Option<i64>,
    pub paging: Paging,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementMove {
    pub expected_version: i64,
    pub from: MovementState,
    pub to: MovementState,
    pub step: MovementStep,
    pub reason: Option<String>,
    pub today: Date,
}

/// A unit a movement targets, with its parent (for sums up the tree) and path name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct TargetRow {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// A line of a registration: a collective (a unit) or a person, and the title striven for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationLine {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub award_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRegistration {
    pub movement_id: i64,
    pub unit_id: i64,
    pub year: i32,
    pub source: RegistrationSource,
    pub note: Option<String>,
    pub lines: Vec<RegistrationLine>,
    pub by: Option<i64>,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationLineRow {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The person's or the collective's name.
    pub name: String,
    pub subject: Subject,
    pub award_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub movement_id: i64,
    pub unit_id: i64,
    pub year: i32,
    pub version: i32,
    pub source: RegistrationSource,
    pub note: Option<String>,
    pub submitted_on: Date,
    pub submitted_at: OffsetDateTime,
    pub actor: String,
    pub lines: Vec<RegistrationLineRow>,
}

/// Where a targeted unit stands with its registration of a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationStatusRow {
    pub unit_id: i64,
    /// When the first version came in; `None` if the unit has not registered.
    pub first_on: Option<Date>,
    pub version: Option<i32>,
    pub lines: i64,
}

/// How many lines of the current registrations name a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationTotal {
    pub subject: Subject,
    pub award_code: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportValue {
    pub indicator_id: i64,
    pub target: Option<f64>,
    pub achieved: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReport {
    pub movement_id: i64,
    pub milestone_id: i64,
    pub unit_id: i64,
    pub text: String,
    pub values: Vec<ReportValue>,
    pub files: Vec<NewFile>,
    pub by: Option<i64>,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub movement_id: i64,
    pub milestone_id: i64,
    pub unit_id: i64,
    pub text: String,
    pub version: i32,
    /// The first submission decides whether the report was on time; amendments keep it.
    pub first_on: Date,
    pub last_on: Date,
    pub values: Vec<ReportValue>,
    pub files: Vec<MovementFileRow>,
}

/// One submitted report as the matrix needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ReportCell {
    pub unit_id: i64,
    pub milestone_id: i64,
    pub first_on: Date,
}

/// One reported figure of a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct UnitFigure {
    pub unit_id: i64,
    pub indicator_id: i64,
    pub target: Option<f64>,
    pub achieved: Option<f64>,
}

/// A registered line of a year, for flagging year-end nominees who did not register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct RegisteredLine {
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub award_code: String,
}

#[async_trait]
pub trait MovementStore: Send + Sync {
    async fn create_movement(
        &self,
        actor: &Actor,
        input: &MovementInput,
        created_by: Option<i64>,
        today: Date,
    ) -> StoreResult<MovementRow>;
    /// Replaces a draft's fields, targets, criteria, milestones and indicators if it is still at
    /// `expected_version` and a draft.
    async fn update_movement(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        input: &MovementInput,
    ) -> StoreResult<MovementRow>;
    async fn movement(&self, id: i64) -> StoreResult<MovementRow>;
    async fn movement_by_code(&self, code: &str) -> StoreResult<MovementRow>;
    async fn list_movements(&self, filter: &MovementFilter) -> StoreResult<Page<MovementSummary>>;
    /// Applies a lifecycle step if the movement is still at the expected version and state.
    async fn move_movement(
        &self,
        actor: &Actor,
        id: i64,
        mv: &MovementMove,
    ) -> StoreResult<MovementRow>;
    /// Stores the launch decision's file (a new upload replaces the link, the old file stays).
    async fn set_launch_file(
        &self,
        actor: &Actor,
        id: i64,
        file: &NewFile,
        by: Option<i64>,
    ) -> StoreResult<MovementRow>;
    async fn movement_targets(&self, id: i64) -> StoreResult<Vec<TargetRow>>;
    /// A unit and every unit below it that is in force on `on`, in tree order.
    async fn subtree_units(&self, root: i64, on: Date) -> StoreResult<Vec<UnitRef>>;
    /// A file of a movement and its bytes.
    async fn movement_file(
        &self,
        movement_id: i64,
        file_id: i64,
    ) -> StoreResult<(MovementFileRow, Vec<u8>)>;

    /// Adds a version of a unit's registration for a year (versions are never replaced).
    async fn save_registration(
        &self,
        actor: &Actor,
        reg: &NewRegistration,
    ) -> StoreResult<RegistrationRow>;
    /// The current (latest) version, or `None`.
    async fn registration(
        &self,
        movement_id: i64,
        unit_id: i64,
        year: i32,
    ) -> StoreResult<Option<RegistrationRow>>;
    /// Every version, oldest first.
    async fn registration_versions(
        &self,
        movement_id: i64,
        unit_id: i64,
        year: i32,
    ) -> StoreResult<Vec<RegistrationRow>>;
    /// Every targeted unit's standing for a year.
    async fn registration_overview(
        &self,
        movement_id: i64,
        year: i32,
    ) -> StoreResult<Vec<RegistrationStatusRow>>;
    /// Lines of the current registrations by title.
    async fn registration_totals(
        &self,
        movement_id: i64,
        year: i32,
    ) -> StoreResult<Vec<RegistrationTotal>>;
    /// Current registration lines of a year (any movement) naming these people or units.
    async fn registered_lines(
        &self,
        year: i32,
        person_ids: &[i64],
        unit_ids: &[i64],
    ) -> StoreResult<Vec<RegisteredLine>>;

    /// Submits or amends a unit's report for a milestone; the values and new files are saved
    /// with it.
    async fn submit_report(&self, actor: &Actor, report: &NewReport) -> StoreResult<ReportRow>;
    async fn report(&self, milestone_id: i64, unit_id: i64) -> StoreResult<Option<ReportRow>>;
    async fn report_cells(&self, movement_id: i64) -> StoreResult<Vec<ReportCell>>;
    async fn milestone_figures(&self, milestone_id: i64) -> StoreResult<Vec<UnitFigure>>;

    /// Names the movements a cluster's covenant of a year implements (replacing the list).
    async fn set_covenant_movements(
        &self,
        actor: &Actor,
        cluster_id: i64,
        year: i32,
        movement_ids: &[i64],
    ) -> StoreResult<()>;
    async fn covenant_movements(
        &self,
        cluster_id: i64,
        year: i32,
    ) -> StoreResult<Vec<MovementSummary>>;
}
