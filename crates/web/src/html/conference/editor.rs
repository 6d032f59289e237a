//! Score entry (one scorer's grid) and the covenant editor (the criteria table).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tdkt_app::conference::ScoreEntry;
use tdkt_app::{AppError, Principal};
use tdkt_domain::evaluation::CriterionKind;

use super::{base, exact, num, two};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;
use crate::extract::Ids;
use crate::html::{Layout, render};

/// Key of a row's note among the typed values.
const NOTE: &str = "__ghi_chu";

struct Cell {
    criterion: String,
    max: String,
    value: String,
}

struct GridRow {
    id: i64,
    name: String,
    is_self: bool,
    cells: Vec<Cell>,
    /// Evidence or remark for the row (kept with each of its scores).
    note: String,
}

#[derive(Template)]
#[template(path = "conference/score_entry.html")]
struct ScorePage {
    layout: Layout,
    base: String,
    cluster: String,
    year: i32,
    scorer: String,
    scorer_id: i64,
    error: Option<String>,
    criteria: Vec<(String, String, String)>,
    rows: Vec<GridRow>,
}

async fn score_page(
    st: &AppState,
    p: &Principal,
    ids: &[i64],
    typed: Option<&BTreeMap<(i64, String), String>>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let (id, year, scorer) = (ids[0], ids[1] as i32, ids[2]);
    let v = st.app.conference(p, id, year).await?;
    if !v.can_score_for.contains(&scorer) {
        return Err(
            AppError::Forbidden("Bạn không được chấm điểm thay mặt đơn vị này".into()).into(),
        );
    }
    let cov = v
        .covenant
        .as_ref()
        .ok_or_else(|| HtmlError(AppError::NotFound("giao ước năm này".into())))?;
    let scores = st.app.scores_of(p, id, year, scorer).await?;
    let hand: Vec<_> = cov
        .table
        .criteria
        .iter()
        .filter(|k| k.scale.is_none())
        .collect();
    let scorer_name = v
        .members
        .iter()
        .find(|m| m.unit.id == scorer)
        .map(|m| m.unit.name.clone())
        .unwrap_or_default();
    let rows = v
        .members
        .iter()
        .map(|t| GridRow {
            id: t.unit.id,
            name: t.unit.name.clone(),
            is_self: t.unit.id == scorer,
            cells: hand
                .iter()
                .map(|k| Cell {
                    criterion: k.id.clone(),
                    max: k.max.to_string(),
                    value: typed
                        .and_then(|m| m.get(&(t.unit.id, k.id.clone())).cloned())
                        .or_else(|| {
                            scores
                                .iter()
                                .find(|s| s.target_id == t.unit.id && s.criterion_id == k.id)
                                .map(|s| s.points.to_string())
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            note: typed
                .and_then(|m| m.get(&(t.unit.id, NOTE.to_string())).cloned())
                .or_else(|| {
                    scores
                        .iter()
                        .find(|s| s.target_id == t.unit.id)
                        .and_then(|s| s.note.clone())
                })
                .unwrap_or_default(),
        })
        .collect();
    let status = error
        .as_ref()
        .map(crate::errors::status)
        .unwrap_or(StatusCode::OK);
    let mut resp = render(&ScorePage {
        layout: Layout::for_user(p, "/cum-thi-dua"),
        base: base(id, year as i64),
        cluster: v.cluster.name.clone(),
        year,
        scorer: scorer_name,
        scorer_id: scorer,
        error: error.map(|e| e.to_string()),
        criteria: hand
            .iter()
            .map(|k| (k.id.clone(), k.name.clone(), num(k.max)))
            .collect(),
        rows,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

pub(super) async fn score_form(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    score_page(&st, &p, &ids, None, None).await
}

pub(super) async fn save_scores(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year, scorer) = (ids[0], ids[1], ids[2]);
    let mut typed = BTreeMap::new();
    let mut entries = Vec::new();
    let mut bad = None;
    // Evidence notes, one per scored unit: `n_{target}`.
    let notes: BTreeMap<i64, String> = fields
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.strip_prefix("n_")?.parse::<i64>().ok()?,
                v.trim().to_string(),
            ))
        })
        .collect();
    for (t, n) in &notes {
        typed.insert((*t, NOTE.to_string()), n.clone());
    }
    for (k, v) in &fields {
        let Some(rest) = k.strip_prefix("d_") else {
            continue;
        };
        let Some((target, crit)) = rest.split_once('_') else {
            continue;
        };
        let Ok(target) = target.parse::<i64>() else {
            continue;
        };
        typed.insert((target, crit.to_string()), v.clone());
        let v = v.trim().replace(',', ".");
        if v.is_empty() {
            continue;
        }
        match v.parse::<f64>() {
            Ok(points) => entries.push(ScoreEntry {
                target,
                criterion: crit.to_string(),
                points,
                note: notes.get(&target).cloned().filter(|n| !n.is_empty()),
            }),
            Err(_) => {
                bad = Some(AppError::Invalid(tdkt_domain::Invalid::new(
                    k.clone(),
                    format!("«{v}» không phải là số (tiêu chí {crit})"),
                )))
            }
        }
    }
    let done = match bad {
        Some(e) => Err(e),
        None => {
            st.app
                .put_scores(&p, id, year as i32, scorer, &entries, &[])
                .await
        }
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?tb={}#cham-diem",
            base(id, year),
            crate::auth::encode("Đã lưu điểm.")
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            score_page(&st, &p, &ids, Some(&typed), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Default, Clone)]
struct EditRow {
    kind: String,
    id: String,
    name: String,
    max: String,
    scale: String,
    guide: String,
    evidence: String,
}

#[derive(Template)]
#[template(path = "conference/covenant_edit.html")]
struct CovenantEditPage {
    layout: Layout,
    base: String,
    cluster: String,
    year: i32,
    title: String,
    method: String,
    methods: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<EditRow>,
    error: Option<String>,
}

const METHODS: [(&str, &str); 4] = [
    ("mean", "Trung bình cộng"),
    ("median", "Trung vị"),
    ("trimmed_mean", "Trung bình bỏ 1 cao nhất và 1 thấp nhất"),
    ("zscore", "Chuẩn hoá z-score theo người chấm"),
];
const KINDS: [(&str, &str); 4] = [
    ("nhom", "Nhóm"),
    ("score", "Tiêu chí chấm điểm"),
    ("bonus", "Điểm thưởng"),
    ("penalty", "Điểm trừ"),
];

fn method_code(m: tdkt_domain::evaluation::Method) -> &'static str {
    use tdkt_domain::evaluation::Method;
    match m {
        Method::Mean => "mean",
        Method::Median => "median",
        Method::TrimmedMean { .. } => "trimmed_mean",
        Method::Zscore => "zscore",
    }
}

fn rows_of(t: &tdkt_app::conference::CovenantTable) -> Vec<EditRow> {
    let mut rows = Vec::new();
    let crit = |k: &tdkt_domain::evaluation::Criterion| EditRow {
        kind: match k.kind {
            CriterionKind::Score => "score",
            CriterionKind::Bonus => "bonus",
            CriterionKind::Penalty => "penalty",
        }
        .into(),
        id: k.id.clone(),
        name: k.name.clone(),
        max: exact(k.max),
        scale: k
            .scale
            .as_ref()
            .map(|s| {
                s.points
                    .iter()
                    .map(|p| format!("{}:{}", exact(p[0]), exact(p[1])))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        guide: k.guide.clone().unwrap_or_default(),
        evidence: k.evidence.clone().unwrap_or_default(),
    };
    // Ungrouped criteria first: a row belongs to the group row above it, so listing them after
    // the groups would move them into the last group on save.
    rows.extend(t.criteria.iter().filter(|k| k.group.is_none()).map(crit));
    for g in &t.groups {
        rows.push(EditRow {
            kind: "nhom".into(),
            id: g.id.clone(),
            name: g.name.clone(),
            ..Default::default()
        });
        rows.extend(
            t.criteria
                .iter()
                .filter(|k| k.group.as_deref() == Some(g.id.as_str()))
                .map(crit),
        );
    }
    rows
}

async fn edit_page(
    st: &AppState,
    p: &Principal,
    id: i64,
    year: i64,
    form: Option<(String, String, Vec<EditRow>)>,
    error: Option<AppError>,
) -> Result<Response, HtmlError> {
    let v = st.app.conference(p, id, year as i32).await?;
    if !v.may_manage {
        return Err(AppError::Forbidden(
            "Chỉ đơn vị tổ chức, cụm trưởng hoặc cụm phó mới sửa giao ước".into(),
        )
        .into());
    }
    let (title, method, mut rows) = match form {
        Some(f) => f,
        None => match &v.covenant {
            Some(c) => (
                c.title.clone(),
                method_code(c.method.method).to_string(),
                rows_of(&c.table),
            ),
            None => (
                format!("Giao ước thi đua năm {year} của {}", v.cluster.name),
                "mean".into(),
                vec![EditRow {
                    kind: "nhom".into(),
                    id: "1".into(),
                    ..Default::default()
                }],
            ),
        },
    };
    rows.extend(std::iter::repeat_n(
        EditRow {
            kind: "score".into(),
            ..Default::default()
        },
        6,
    ));
    let status = error
        .as_ref()
        .map(crate::errors::status)
        .unwrap_or(StatusCode::OK);
    let mut resp = render(&CovenantEditPage {
        layout: Layout::for_user(p, "/cum-thi-dua"),
        base: base(id, year),
        cluster: v.cluster.name.clone(),
        year: year as i32,
        title,
        method,
        methods: METHODS.to_vec(),
        kinds: KINDS.to_vec(),
        rows,
        error: error.map(|e| e.to_string()),
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

pub(super) async fn edit_covenant(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    edit_page(&st, &p, id, year, None, None).await
}

/// Reads the editor's rows into a criteria table; errors name the row.
fn parse_table(rows: &[EditRow]) -> Result<tdkt_app::conference::CovenantTable, AppError> {
    use tdkt_domain::evaluation::{Criterion, Group, Scale};
    let invalid = |i: usize, field: &str, msg: String| {
        AppError::Invalid(tdkt_domain::Invalid::new(
            format!("dong[{}].{field}", i + 1),
            format!("Dòng {}: {msg}", i + 1),
        ))
    };
    let number = |i: usize, field: &str, s: &str| -> Result<f64, AppError> {
        s.trim()
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| invalid(i, field, format!("«{s}» không phải là số")))
    };
    let mut table = tdkt_app::conference::CovenantTable::default();
    for (i, r) in rows.iter().enumerate() {
        let id = r.id.trim();
        if id.is_empty() {
            continue;
        }
        let name = tdkt_domain::text::tidy(&r.name);
        if name.is_empty() {
            return Err(invalid(i, "ten", "cần nhập tên".into()));
        }
        if r.kind == "nhom" {
            table.groups.push(Group {
                id: id.to_string(),
                name,
            });
            continue;
        }
        let kind = match r.kind.as_str() {
            "bonus" => CriterionKind::Bonus,
            "penalty" => CriterionKind::Penalty,
            _ => CriterionKind::Score,
        };
        let scale = if r.scale.trim().is_empty() {
            None
        } else {
            let mut points = Vec::new();
            for part in r.scale.split(';').map(str::trim).filter(|x| !x.is_empty()) {
                let (a, b) = part.split_once(':').ok_or_else(|| {
                    invalid(i, "thang", format!("«{part}» cần dạng giá_trị:điểm"))
                })?;
                points.push([number(i, "thang", a)?, number(i, "thang", b)?]);
            }
            Some(Scale { points })
        };
        let opt = |s: &str| Some(tdkt_domain::text::tidy(s)).filter(|x| !x.is_empty());
        table.criteria.push(Criterion {
            id: id.to_string(),
            name,
            group: table.groups.last().map(|g| g.id.clone()),
            max: number(i, "toi_da", &r.max)?,
            kind,
            scale,
            guide: opt(&r.guide),
            evidence: opt(&r.evidence),
        });
    }
    Ok(table)
}

pub(super) async fn save_covenant(
    State(st): State<AppState>,
    User(p): User,
    Ids(ids): Ids,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, HtmlError> {
    let (id, year) = two(&ids);
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (title, method) = (get("tieu_de"), get("phuong_phap"));
    let mut rows: Vec<EditRow> = Vec::new();
    for (k, v) in &fields {
        if k == "loai" {
            rows.push(EditRow {
                kind: v.clone(),
                ..Default::default()
            });
            continue;
        }
        let Some(r) = rows.last_mut() else { continue };
        match k.as_str() {
            "ma" => r.id = v.clone(),
            "ten" => r.name = v.clone(),
            "toi_da" => r.max = v.clone(),
            "thang" => r.scale = v.clone(),
            "huong_dan" => r.guide = v.clone(),
            "minh_chung" => r.evidence = v.clone(),
            _ => {}
        }
    }
    let m = match method.as_str() {
        "median" => tdkt_domain::evaluation::Method::Median,
        "trimmed_mean" => tdkt_domain::evaluation::Method::TrimmedMean { k: 1 },
        "zscore" => tdkt_domain::evaluation::Method::Zscore,
        _ => tdkt_domain::evaluation::Method::Mean,
    };
    let done = match parse_table(&rows) {
        Ok(table) => {
            let keep = st
                .app
                .covenant(id, year as i32)
                .await?
                .map(|c| c.method)
                .unwrap_or_default();
            st.app
                .put_covenant(
                    &p,
                    id,
                    year as i32,
                    &title,
                    table,
                    tdkt_app::conference::CovenantMethod { method: m, ..keep },
                )
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}?tb={}#giao-uoc",
            base(id, year),
            crate::auth::encode("Đã lưu giao ước.")
        ))
        .into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let kept: Vec<EditRow> = rows
                .into_iter()
                .filter(|r| !r.id.trim().is_empty() || !r.name.trim().is_empty())
                .collect();
            edit_page(&st, &p, id, year, Some((title, method, kept)), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}
