//! The demo's movements (data/demo/movements.toml): each drafted through the movement use
//! case's checks, stepped to its state, with the registrations and reports of the Cần Thơ,
//! Lạng Sơn and Hậu Giang units on the days the file gives, and the reviewed movement's
//! dossier opened by its board.

use serde::Deserialize;
use tdkt_domain::access::{Grant, Role};
use tdkt_domain::dates::parse_iso;
use tdkt_domain::movement::{MovementState, MovementStep, RegistrationSource, next};
use tdkt_store::*;

use crate::movements::{CriterionForm, IndicatorForm, MilestoneForm, MovementForm, ReviewInput};
use crate::{App, AppError, AppResult, Principal};

const MOVEMENTS: &str = include_str!("../../../data/demo/movements.toml");

#[derive(Deserialize)]
struct File {
    movement: Vec<Movement>,
}

#[derive(Deserialize)]
struct Movement {
    code: String,
    name: String,
    slogan: String,
    goals: String,
    authority: String,
    level: String,
    kind: String,
    scope: String,
    starts_on: String,
    ends_on: String,
    decision_number: String,
    decision_date: String,
    decision_signer: String,
    parent: String,
    state: String,
    #[serde(default)]
    target_subtree: Option<String>,
    #[serde(default)]
    target_cluster: Option<String>,
    #[serde(default)]
    target_units: Vec<String>,
    #[serde(default)]
    criterion: Vec<Criterion>,
    #[serde(default)]
    milestone: Vec<Milestone>,
    #[serde(default)]
    indicator: Vec<Indicator>,
    #[serde(default)]
    registration: Vec<Registration>,
    #[serde(default)]
    report: Vec<Report>,
    #[serde(default)]
    review: Option<Review>,
}

#[derive(Deserialize)]
struct Criterion {
    award: String,
    text: String,
    mandatory: bool,
    basis: String,
}

#[derive(Deserialize)]
struct Milestone {
    code: String,
    kind: String,
    name: String,
    due_on: String,
}

#[derive(Deserialize)]
struct Indicator {
    code: String,
    name: String,
    measure: String,
    target: Option<f64>,
}

#[derive(Deserialize)]
struct Registration {
    unit: String,
    year: i32,
    submitted_on: String,
    #[serde(default)]
    collective: Vec<String>,
    #[serde(default)]
    people: Vec<RegisteredPerson>,
}

#[derive(Deserialize)]
struct RegisteredPerson {
    name: String,
    award: String,
}

#[derive(Deserialize)]
struct Report {
    unit: String,
    milestone: String,
    submitted_on: String,
    text: String,
    #[serde(default)]
    values: Vec<Value>,
}

#[derive(Deserialize)]
struct Value {
    indicator: String,
    target: Option<f64>,
    achieved: Option<f64>,
}

#[derive(Deserialize)]
struct Review {
    title: String,
    award: String,
    units: Vec<String>,
    summary: String,
}

fn bad(code: &str, what: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!(
        "dữ liệu demo movements.toml, phong trào {code}: {what}"
    ))
}

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_string())
}

/// The steps from a draft to `to`, by the table (through a mid-term review when it goes there).
fn path_to(to: MovementState) -> Vec<MovementStep> {
    use MovementStep::*;
    match to {
        MovementState::Draft => vec![],
        MovementState::Launched => vec![Launch],
        MovementState::UnderWay => vec![Launch, Start],
        MovementState::MidReviewed => vec![Launch, Start, MidReview],
        MovementState::Reviewed => vec![Launch, Start, FinalReview],
        MovementState::Closed => vec![Launch, Start, FinalReview, Close],
        MovementState::Cancelled => vec![Cancel],
    }
}

/// Loads the movements; returns how many.
pub(crate) async fn load(app: &App, admin: &Principal) -> AppResult<usize> {
    let file: File = toml::from_str(MOVEMENTS).map_err(|e| bad("?", e))?;
    let actor = Actor::system("demo");
    let unit = |code: String| async move {
        app.store
            .unit_by_code(&code)
            .await
            .map_err(|_| bad(&code, "không có đơn vị này"))
    };
    let clusters = app.store.list_clusters().await?;
    for m in &file.movement {
        let authority = unit(m.authority.clone()).await?;
        let (target_kind, target_unit_id, target_cluster_id, target_unit_ids) =
            match (&m.target_subtree, &m.target_cluster) {
                (Some(s), _) => ("cay_don_vi", Some(unit(s.clone()).await?.id), None, vec![]),
                (_, Some(c)) => (
                    "cum_khoi",
                    None,
                    Some(
                        clusters
                            .iter()
                            .find(|x| &x.code == c)
                            .ok_or_else(|| bad(&m.code, format!("không có cụm {c}")))?
                            .id,
                    ),
                    vec![],
                ),
                _ => {
                    let mut ids = vec![];
                    for u in &m.target_units {
                        ids.push(unit(u.clone()).await?.id);
                    }
                    ("danh_sach", None, None, ids)
                }
            };
        let parent_id = match opt(&m.parent) {
            Some(p) => Some(
                app.store
                    .movement_by_code(&p)
                    .await
                    .map_err(|_| bad(&m.code, "phong trào cấp trên chưa có"))?
                    .id,
            ),
            None => None,
        };
        let form = MovementForm {
            code: Some(m.code.clone()),
            name: m.name.clone(),
            slogan: opt(&m.slogan),
            goals: m.goals.clone(),
            authority_id: authority.id,
            level: m.level.clone(),
            kind: m.kind.clone(),
            scope: m.scope.clone(),
            starts_on: m.starts_on.clone(),
            ends_on: m.ends_on.clone(),
            parent_id,
            decision_number: opt(&m.decision_number),
            decision_date: opt(&m.decision_date),
            decision_signer: opt(&m.decision_signer),
            registration_due_on: None,
            target_kind: target_kind.into(),
            target_unit_id,
            target_cluster_id,
            target_unit_ids,
            criteria: m
                .criterion
                .iter()
                .map(|c| CriterionForm {
                    award_code: c.award.clone(),
                    text: c.text.clone(),
                    mandatory: c.mandatory,
                    legal_basis: opt(&c.basis),
                })
                .collect(),
            milestones: m
                .milestone
                .iter()
                .map(|x| MilestoneForm {
                    kind: x.kind.clone(),
                    name: x.name.clone(),
                    due_on: x.due_on.clone(),
                })
                .collect(),
            indicators: m
                .indicator
                .iter()
                .map(|x| IndicatorForm {
                    code: x.code.clone(),
                    name: x.name.clone(),
                    measure: x.measure.clone(),
                    target: x.target,
                })
                .collect(),
        };
        let input = app
            .movement_input(&form)
            .await
            .map_err(|e| bad(&m.code, e))?;
        let starts = parse_iso("starts_on", &m.starts_on)?;
        let mut row = app
            .store
            .create_movement(&actor, &input, None, starts)
            .await?;
        // A movement without a launch decision on record (the cultural life movement runs
        // under a steering committee) is still shown as launched in the demo.
        let target = match m.state.as_str() {
            "da_dong" => MovementState::Closed,
            s => MovementState::parse("state", s).map_err(|e| bad(&m.code, e.message))?,
        };
        let steps = path_to(target);
        // Registrations and reports come in while the movement is under way; the review
        // dossier is opened before it closes.
        let (before_close, close) = match steps.split_last() {
            Some((MovementStep::Close, rest)) => (rest.to_vec(), true),
            _ => (steps.clone(), false),
        };
        for s in &before_close {
            row = step(app, &actor, &row, *s, starts).await?;
        }
        registrations(app, &actor, m, &row).await?;
        reports(app, &actor, m, &row).await?;
        if let Some(r) = &m.review {
            let board = Principal {
                user_id: admin.user_id,
                username: admin.username.clone(),
                display_name: "Ban Thi đua - Khen thưởng (demo)".into(),
                grants: vec![Grant {
                    role: Role::BoardSpecialist,
                    unit_id: authority.id,
                }],
                csrf_token: None,
            };
            let mut ids = vec![];
            for u in &r.units {
                ids.push(unit(u.clone()).await?.id);
            }
            let day = row
                .milestones
                .iter()
                .map(|x| x.due_on)
                .max()
                .unwrap_or(starts);
            app.set_clock(Some(day));
            let opened = app
                .open_review_dossier(
                    &board,
                    row.id,
                    &ReviewInput {
                        title: r.title.clone(),
                        kind: None,
                        award_code: r.award.clone(),
                        unit_ids: ids,
                        person_ids: vec![],
                        summary: r.summary.clone(),
                    },
                )
                .await;
            app.set_clock(None);
            opened.map_err(|e| bad(&m.code, e))?;
        }
        if close {
            step(app, &actor, &row, MovementStep::Close, starts).await?;
        }
    }
    Ok(file.movement.len())
}

async fn step(
    app: &App,
    actor: &Actor,
    row: &MovementRow,
    s: MovementStep,
    day: time::Date,
) -> AppResult<MovementRow> {
    let to = next(row.state, s, Role::BoardLeader, Some("Dữ liệu demo"))
        .map_err(|e| bad(&row.code, format!("{e:?}")))?;
    Ok(app
        .store
        .move_movement(
            actor,
            row.id,
            &MovementMove {
                expected_version: row.version,
                from: row.state,
                to,
                step: s,
                reason: None,
                today: day,
            },
        )
        .await?)
}

async fn registrations(app: &App, actor: &Actor, m: &Movement, row: &MovementRow) -> AppResult<()> {
    for r in &m.registration {
        let u = app
            .store
            .unit_by_code(&r.unit)
            .await
            .map_err(|_| bad(&m.code, &r.unit))?;
        let staff = app.unit_staff(u.id).await?;
        let mut lines: Vec<RegistrationLine> = r
            .collective
            .iter()
            .map(|c| RegistrationLine {
                person_id: None,
                unit_id: Some(u.id),
                award_code: c.clone(),
            })
            .collect();
        for p in &r.people {
            let person = staff
                .iter()
                .find(|s| s.full_name == p.name)
                .ok_or_else(|| bad(&m.code, format!("không có {} ở {}", p.name, r.unit)))?;
            lines.push(RegistrationLine {
                person_id: Some(person.id),
                unit_id: None,
                award_code: p.award.clone(),
            });
        }
        app.store
            .save_registration(
                actor,
                &NewRegistration {
                    movement_id: row.id,
                    unit_id: u.id,
                    year: r.year,
                    source: RegistrationSource::Form,
                    note: None,
                    lines,
                    by: None,
                    on: parse_iso("submitted_on", &r.submitted_on)?,
                },
            )
            .await?;
    }
    Ok(())
}

async fn reports(app: &App, actor: &Actor, m: &Movement, row: &MovementRow) -> AppResult<()> {
    for r in &m.report {
        let u = app
            .store
            .unit_by_code(&r.unit)
            .await
            .map_err(|_| bad(&m.code, &r.unit))?;
        let idx = m
            .milestone
            .iter()
            .position(|x| x.code == r.milestone)
            .ok_or_else(|| bad(&m.code, format!("không có mốc {}", r.milestone)))?;
        let mut values = vec![];
        for v in &r.values {
            let i = m
                .indicator
                .iter()
                .position(|x| x.code == v.indicator)
                .ok_or_else(|| bad(&m.code, format!("không có chỉ tiêu {}", v.indicator)))?;
            values.push(ReportValue {
                indicator_id: row.indicators[i].id,
                target: v.target,
                achieved: v.achieved,
            });
        }
        app.store
            .submit_report(
                actor,
                &NewReport {
                    movement_id: row.id,
                    milestone_id: row.milestones[idx].id,
                    unit_id: u.id,
                    text: r.text.clone(),
                    values,
                    files: vec![],
                    by: None,
                    on: parse_iso("submitted_on", &r.submitted_on)?,
                },
            )
            .await?;
    }
    Ok(())
}
