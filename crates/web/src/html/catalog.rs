//! The catalog of titles and forms, the base salary and the rule packs (read-only).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use tdkt_domain::dates::vn;
use tdkt_domain::eligibility::AwardKind;

use super::{AfterForm, Layout, after_form, render_showing};
use crate::AppState;
use crate::auth::User;
use crate::errors::HtmlError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/danh-muc", get(page))
        .route("/danh-muc/loai-rieng", axum::routing::post(add_local_kind))
}

/// Code, name, kind, level, subjects, granted by, multiple, amount.
type AwardLine = (
    String,
    String,
    &'static str,
    &'static str,
    String,
    String,
    String,
    String,
);

struct PackBlock {
    name: String,
    range: String,
    in_force: bool,
    settings: Vec<(String, String, String, bool)>,
    rules: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "catalog/catalog.html")]
struct CatalogPage {
    layout: Layout,
    today: String,
    base_salary: String,
    basis: String,
    awards: Vec<AwardLine>,
    packs: Vec<PackBlock>,
    /// Administrators add local kinds here, for the authority of their grant.
    may_add: Option<i64>,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct Flash {
    tb: Option<String>,
}

/// 7020000 → "7.020.000 đồng".
pub fn vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

async fn page(
    State(st): State<AppState>,
    User(p): User,
    crate::extract::PageQuery(q): crate::extract::PageQuery<Flash>,
) -> Result<Response, HtmlError> {
    show(&st, &p, q.tb, None).await
}

/// The form sends one `doi_tuong` per ticked box: read the body as pairs.
async fn add_local_kind(
    State(st): State<AppState>,
    User(p): User,
    body: axum::body::Bytes,
) -> Result<Response, HtmlError> {
    let form = crate::extract::FormPairs::parse(&body);
    let one = |k: &str| form.one(k);
    let subjects = form.all("doi_tuong");
    let bonus_raw = one("he_so");
    let done = match bonus_raw.trim().replace(',', ".").parse::<f64>() {
        Err(_) => Err(tdkt_app::AppError::Invalid(tdkt_domain::Invalid::new(
            "he_so",
            format!("«{bonus_raw}» không phải là hệ số (ví dụ 0,3)"),
        ))),
        Ok(bonus) => match one("don_vi").parse::<i64>() {
            Err(_) => Err(tdkt_app::AppError::Invalid(tdkt_domain::Invalid::new(
                "don_vi",
                "Thiếu cơ quan ban hành",
            ))),
            Ok(unit_id) => match AwardKind::parse("loai", &one("loai")) {
                Err(e) => Err(tdkt_app::AppError::Invalid(e)),
                Ok(kind) => st
                    .app
                    .create_local_award_kind(
                        &p,
                        tdkt_store::LocalAwardKind {
                            code: one("ma"),
                            name: one("ten"),
                            kind,
                            subjects,
                            level: one("cap"),
                            granted_by: one("tham_quyen"),
                            bonus,
                            unit_id,
                        },
                    )
                    .await
                    .map(drop),
            },
        },
    };
    let done = done.map(|()| "Đã thêm loại khen thưởng của địa phương.".to_string());
    match after_form(done, "/danh-muc", "#loai-rieng")? {
        AfterForm::Redirect(r) => Ok(r),
        AfterForm::Show(e) => show(&st, &p, None, Some(e)).await,
    }
}

async fn show(
    st: &AppState,
    p: &tdkt_app::Principal,
    flash: Option<String>,
    error: Option<tdkt_app::AppError>,
) -> Result<Response, HtmlError> {
    let rules = &st.app.rules;
    let today = tdkt_app::today();
    let base = rules.catalog.base_salary_on(today);
    let subject = |s: &str| match s {
        "ca_nhan" => "cá nhân",
        "tap_the" => "tập thể",
        "ho_gia_dinh" => "hộ gia đình",
        _ => "",
    };
    let local = st.app.local_award_kinds().await?;
    // One catalog line, for shipped and local kinds alike.
    let line = |code: &str,
                name: String,
                kind: AwardKind,
                level: &str,
                subjects: &[String],
                granted_by: &str,
                bonus: f64|
     -> AwardLine {
        (
            code.to_string(),
            name,
            kind.label(),
            match level {
                "co_so" => "Cơ sở",
                "bo_tinh" => "Bộ, ngành, tỉnh",
                _ => "Nhà nước",
            },
            subjects
                .iter()
                .map(|s| subject(s))
                .collect::<Vec<_>>()
                .join(", "),
            granted_by.to_string(),
            bonus.to_string().replace('.', ","),
            base.map(|b| vnd((bonus * b.0 as f64).round() as u64))
                .unwrap_or_default(),
        )
    };
    let may_add = p
        .grants
        .iter()
        .find(|g| {
            tdkt_domain::access::allows(
                g.role,
                tdkt_domain::access::Action::CatalogWrite,
                tdkt_domain::access::Reach::Own,
            )
        })
        .map(|g| g.unit_id);
    render_showing(
        &CatalogPage {
            layout: Layout::for_user(p, "/danh-muc"),
            may_add,
            flash,
            error: error.as_ref().map(|e| e.to_string()),
            today: vn(today),
            base_salary: base.map(|b| vnd(b.0)).unwrap_or_else(|| "chưa có".into()),
            basis: base.map(|b| b.1.to_string()).unwrap_or_default(),
            awards: rules
                .catalog
                .awards
                .iter()
                .map(|a| {
                    line(
                        &a.code,
                        a.name.clone(),
                        a.kind,
                        &a.level,
                        &a.subject,
                        &a.granted_by,
                        a.bonus,
                    )
                })
                .chain(local.iter().map(|k| {
                    line(
                        &k.code,
                        format!("{} (địa phương)", k.name),
                        k.kind,
                        &k.level,
                        &k.subjects,
                        &k.granted_by,
                        k.bonus,
                    )
                }))
                .collect(),
            packs: rules
                .packs
                .iter()
                .map(|pk| PackBlock {
                    name: pk.name.clone(),
                    range: match pk.effective_to {
                        Some(t) => format!("từ {} đến {}", vn(pk.effective_from), vn(t)),
                        None => format!("từ {}", vn(pk.effective_from)),
                    },
                    in_force: pk.in_force(today),
                    settings: pk
                        .settings
                        .iter()
                        .map(|(k, s)| {
                            (
                                k.clone(),
                                s.value.to_string().replace('.', ","),
                                s.note.clone(),
                                s.to_verify,
                            )
                        })
                        .collect(),
                    rules: pk
                        .awards
                        .iter()
                        .flat_map(|a| {
                            let name = rules
                                .catalog
                                .get(&a.code)
                                .map(|d| d.name.clone())
                                .unwrap_or_default();
                            a.rules
                                .iter()
                                .map(move |r| (name.clone(), r.text.clone(), r.citation.clone()))
                        })
                        .collect(),
                })
                .collect(),
        },
        error.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dong_amounts_group_thousands() {
        assert_eq!(super::vnd(7_020_000), "7.020.000 đồng");
        assert_eq!(super::vnd(702_000), "702.000 đồng");
        assert_eq!(super::vnd(0), "0 đồng");
    }
}
