//! The nominee editor: a new dossier and the edited nominee list of a draft.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tdkt_app::dossiers::{DossierInput, NomineeInput};
use tdkt_app::{AppError, Principal};
use tdkt_domain::dossier::CommendationType;

use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::{FormPairs, Id, PageQuery};
use crate::html::{AfterForm, Layout, after_form, render_showing};

/// Rows offered by the nominee editor.
const EDITOR_ROWS: usize = 8;
/// Rows read from the editor (the use case allows 500 nominees).
const MAX_ROWS: usize = 503;

struct EditorRow {
    subject: String,
    award: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "dossiers/dossier_new.html")]
struct NewPage {
    layout: Layout,
    units: Vec<(i64, String)>,
    unit_id: i64,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    year: i32,
    title: String,
    /// The chosen movement's id, or empty.
    movement: String,
    /// Launched movements of the year: (id, name — authority).
    movements: Vec<(i64, String)>,
    /// (value, label): `p:ID` people, `u:ID` collectives.
    subjects: Vec<(String, String)>,
    awards: Vec<(String, String)>,
    rows: Vec<EditorRow>,
    error: Option<String>,
    /// When editing the list of an existing dossier.
    dossier: Option<(i64, String, i64)>,
    /// The unit's cluster elections: (id, "Cờ thi đua … — Cụm … năm …").
    proposals: Vec<(i64, String)>,
    proposal: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    don_vi: Option<i64>,
    /// Start from a cluster's election result.
    de_nghi: Option<i64>,
}

/// What the nominee editor edits.
enum Editing {
    /// A new dossier, perhaps from a cluster's election (the proposal's id).
    New(Option<i64>),
    /// The list of an existing dossier: (id, code, version).
    Dossier(i64, String, i64),
}

async fn editor(
    st: &AppState,
    p: &Principal,
    unit_id: i64,
    rows: Vec<EditorRow>,
    fields: (String, String, i32, String),
    editing: Editing,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let (dossier, proposal) = match editing {
        Editing::New(proposal) => (None, proposal),
        Editing::Dossier(id, code, version) => (Some((id, code, version)), None),
    };
    let mut units = Vec::new();
    for id in st.app.prepare_units(p) {
        if let Ok(u) = st.app.unit(p, id).await {
            units.push((u.id, u.name));
        }
    }
    let unit = st.app.unit(p, unit_id).await?;
    let staff = st
        .app
        .search_people(
            p,
            None,
            Some(unit_id),
            tdkt_store::Paging::new(Some(1), Some(200)),
        )
        .await?;
    let mut subjects: Vec<(String, String)> = staff
        .items
        .iter()
        .map(|x| {
            (
                format!("p:{}", x.id),
                format!("{} — {}", x.full_name, x.unit_name),
            )
        })
        .collect();
    subjects.push((format!("u:{}", unit.id), format!("Tập thể: {}", unit.name)));
    let children = st
        .app
        .list_units(
            p,
            &tdkt_store::UnitFilter {
                q: None,
                kind: None,
                parent: Some(Some(unit.id)),
                active_on: Some(st.app.today()),
                paging: tdkt_store::Paging::new(Some(1), Some(200)),
            },
        )
        .await?;
    for c in children.items {
        subjects.push((format!("u:{}", c.id), format!("Tập thể: {}", c.name)));
    }
    let local = st.app.local_award_kinds().await?;
    let mut awards: Vec<(String, String)> = st
        .app
        .rules
        .catalog
        .awards
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    awards.extend(local.iter().map(|k| (k.code.clone(), k.name.clone())));
    // Always a few blank rows to add nominees.
    let mut rows = rows;
    let want = (rows.len() + 3).max(EDITOR_ROWS);
    while rows.len() < want {
        rows.push(EditorRow {
            subject: String::new(),
            award: String::new(),
            summary: String::new(),
        });
    }
    let (title, kind, year, movement) = fields;
    let mut proposals = Vec::new();
    if dossier.is_none() {
        for e in st.app.elected_proposals(p, unit_id).await? {
            proposals.push((
                e.proposal.id,
                format!(
                    "{} — {}, {} năm {} ({} phiếu)",
                    e.award_name,
                    e.proposal.unit_name,
                    e.cluster_name,
                    e.proposal.year,
                    e.proposal.votes
                ),
            ));
        }
    }
    render_showing(
        &NewPage {
            layout: Layout::for_user(p, "/ho-so"),
            units,
            unit_id,
            kinds: CommendationType::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            kind,
            year,
            title,
            movements: st
                .app
                .movements_of_year(year)
                .await?
                .into_iter()
                .map(|m| (m.id, format!("{} — {}", m.name, m.authority_name)))
                .collect(),
            movement,
            subjects,
            awards,
            rows,
            error: error.as_ref().map(|e| e.to_string()),
            dossier,
            proposals,
            proposal,
        },
        error.as_ref(),
    )
}

pub(super) async fn new_page(
    State(st): State<AppState>,
    User(p): User,
    PageQuery(q): PageQuery<NewQuery>,
) -> Result<Response, HtmlError> {
    let units = st.app.prepare_units(&p);
    let unit = q
        .don_vi
        .filter(|u| units.contains(u))
        .or_else(|| units.first().copied())
        .ok_or_else(|| {
            AppError::Forbidden("Chỉ cán bộ đơn vị lập hồ sơ đề nghị khen thưởng".into())
        })?;
    // From a cluster's election: the elected unit and award fill the first row.
    let mut rows = vec![];
    let mut fields = (
        String::new(),
        "cong_trang".to_string(),
        st.app.today().year(),
        String::new(),
    );
    let mut proposal = None;
    if let Some(pid) = q.de_nghi {
        let e = st.app.elected_proposal(&p, pid).await?;
        let (pr, award) = (e.proposal, e.award_name);
        fields.0 = format!(
            "Đề nghị tặng {award} cho {} theo kết quả suy tôn năm {}",
            pr.unit_name, pr.year
        );
        fields.2 = pr.year;
        rows.push(EditorRow {
            subject: format!("u:{}", pr.unit_id),
            award: pr.award_code.clone(),
            summary: String::new(),
        });
        proposal = Some(pid);
    }
    editor(&st, &p, unit, rows, fields, Editing::New(proposal), None).await
}

/// Reads the editor's rows: `doi_tuong_i` (`p:ID` or `u:ID`), `khen_thuong_i`, `thanh_tich_i`.
fn editor_rows(form: &FormPairs) -> (Vec<EditorRow>, Result<Vec<NomineeInput>, AppError>) {
    let mut rows = Vec::new();
    let mut input = Vec::new();
    let mut bad = None;
    // Rows are numbered; a blank row (a removed nominee) does not end the list.
    for i in 0..MAX_ROWS {
        let subject = form.one(&format!("doi_tuong_{i}"));
        let award = form.one(&format!("khen_thuong_{i}"));
        let summary = form.one(&format!("thanh_tich_{i}"));
        if subject.is_empty() && award.is_empty() && summary.trim().is_empty() {
            continue;
        }
        let (person_id, unit_id) = match subject.split_once(':') {
            Some(("p", id)) => (id.parse().ok(), None),
            Some(("u", id)) => (None, id.parse().ok()),
            _ => (None, None),
        };
        if person_id.is_none() && unit_id.is_none() && bad.is_none() {
            bad = Some(AppError::Invalid(tdkt_domain::Invalid::new(
                format!("doi_tuong_{i}"),
                format!(
                    "Dòng {}: chọn cá nhân hoặc tập thể được đề nghị",
                    rows.len() + 1
                ),
            )));
        }
        input.push(NomineeInput {
            person_id,
            unit_id,
            award_code: award.clone(),
            summary: summary.clone(),
        });
        rows.push(EditorRow {
            subject,
            award,
            summary,
        });
    }
    (rows, bad.map_or(Ok(input), Err))
}

pub(super) async fn create(
    State(st): State<AppState>,
    User(p): User,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let unit: i64 = form.one("don_vi").trim().parse().unwrap_or_default();
    let year: i32 = form.one("nam").trim().parse().unwrap_or_default();
    let fields = (
        form.one("trich_yeu"),
        form.one("loai_hinh"),
        year,
        form.one("phong_trao"),
    );
    let (rows, nominees) = editor_rows(&form);
    let proposal: Option<i64> = form.one("de_nghi").trim().parse().ok();
    let done = match nominees {
        Ok(n) => {
            st.app
                .create_dossier(
                    &p,
                    DossierInput {
                        title: fields.0.clone(),
                        unit_id: unit,
                        authority_id: None,
                        kind: fields.1.clone(),
                        year,
                        movement_id: fields.3.trim().parse().ok(),
                        cluster_proposal_id: proposal,
                        nominees: n,
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(d) => Ok(axum::response::Redirect::to(&format!(
            "/ho-so/{}?tb={}",
            d.id,
            crate::auth::encode(&format!(
                "Đã lập hồ sơ {}. Đính kèm tờ trình, báo cáo thành tích rồi gửi.",
                d.code
            ))
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let unit = if unit > 0 {
                unit
            } else {
                st.app
                    .prepare_units(&p)
                    .first()
                    .copied()
                    .unwrap_or_default()
            };
            editor(&st, &p, unit, rows, fields, Editing::New(proposal), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn edit_nominees(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
) -> Result<Response, HtmlError> {
    let d = st.app.dossier_view(&p, id).await?.dossier;
    let rows = d
        .nominees
        .iter()
        .map(|n| EditorRow {
            subject: match (n.person_id, n.unit_id) {
                (Some(pid), _) => format!("p:{pid}"),
                (_, Some(uid)) => format!("u:{uid}"),
                _ => String::new(),
            },
            award: n.award_code.clone(),
            summary: n.summary.clone(),
        })
        .collect();
    editor(
        &st,
        &p,
        d.unit_id,
        rows,
        (
            d.title.clone(),
            d.kind.code().to_string(),
            d.year,
            d.movement_id.map(|m| m.to_string()).unwrap_or_default(),
        ),
        Editing::Dossier(d.id, d.code.clone(), d.version),
        None,
    )
    .await
}

pub(super) async fn nominees(
    State(st): State<AppState>,
    User(p): User,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = FormPairs::parse(&body);
    let version: i64 = form.one("phien_ban").trim().parse().unwrap_or_default();
    let (rows, input) = editor_rows(&form);
    let done = match input {
        Ok(n) => st
            .app
            .update_nominees(&p, id, version, &n)
            .await
            .map(|_| "Đã cập nhật danh sách đề nghị.".to_string()),
        Err(e) => Err(e),
    };
    match after_form(done, &format!("/ho-so/{id}"), "#danh-sach")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => {
            let d = st.app.dossier(&p, id).await?;
            editor(
                &st,
                &p,
                d.unit_id,
                rows,
                (
                    d.title.clone(),
                    d.kind.code().to_string(),
                    d.year,
                    d.movement_id.map(|m| m.to_string()).unwrap_or_default(),
                ),
                Editing::Dossier(d.id, d.code.clone(), d.version),
                Some(e),
            )
            .await
        }
    }
}
