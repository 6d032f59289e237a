//! Server-rendered pages. View models hold display-ready strings so that templates stay
//! simple (dates as dd/mm/yyyy, labels in Vietnamese).

mod account;
mod catalog;
mod clusters;
mod conference;
pub(crate) mod dossiers;
mod initiatives;
pub(crate) mod login;
mod movements;
mod public;
mod records;
mod register;
mod rounds;
mod templates;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tdkt_app::{AppError, Principal};

use crate::AppState;
use crate::auth::User;
use crate::errors::{HtmlError, error_page};

pub fn routes() -> Router<AppState> {
    let mut r = Router::new()
        .route("/", get(dashboard))
        .route("/healthz", get(|| async { "ok" }))
        .merge(login::routes())
        .merge(records::routes())
        .merge(clusters::routes())
        .merge(conference::routes())
        .merge(account::routes())
        .merge(catalog::routes())
        .merge(initiatives::routes())
        .merge(movements::routes())
        .merge(dossiers::routes())
        .merge(public::routes())
        .merge(register::routes())
        .merge(rounds::routes())
        .merge(templates::routes());
    for m in MODULES.iter().filter(|m| !m.ready) {
        r = r.route(m.href, get(later));
    }
    r
}

/// A module of DESIGN.md §2 in the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub about: &'static str,
    pub ready: bool,
}

pub const MODULES: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "Tổng quan",
        about: "",
        ready: true,
    },
    NavItem {
        href: "/don-vi",
        label: "Đơn vị",
        about: "Cây đơn vị theo thời gian: sáp nhập, chia tách, đổi tên; cá nhân của từng đơn vị.",
        ready: true,
    },
    NavItem {
        href: "/ca-nhan",
        label: "Cá nhân",
        about: "Hồ sơ gốc của mỗi người: chức vụ, quá trình công tác, xếp loại hằng năm; tìm có dấu hoặc không dấu.",
        ready: true,
    },
    NavItem {
        href: "/danh-muc",
        label: "Danh mục và quy tắc",
        about: "Danh hiệu, hình thức khen thưởng, mức thưởng, bộ quy tắc theo văn bản pháp luật và tham số cần địa phương xác nhận.",
        ready: true,
    },
    NavItem {
        href: "/phong-trao",
        label: "Phong trào thi đua",
        about: "Phát động phong trào, đăng ký thi đua của đơn vị và cá nhân, báo cáo sơ kết, tổng kết.",
        ready: true,
    },
    NavItem {
        href: "/binh-xet",
        label: "Bình xét cuối năm",
        about: "Đợt bình xét thi đua, khen thưởng cuối năm: xếp loại, danh sách đủ điều kiện, Hội đồng bỏ phiếu, quyết định của đơn vị, đề nghị cấp trên.",
        ready: true,
    },
    NavItem {
        href: "/cum-thi-dua",
        label: "Cụm, khối thi đua",
        about: "Thành viên, cụm trưởng, cụm phó từng năm; giao ước, chấm điểm, bỏ phiếu suy tôn, biên bản hội nghị.",
        ready: true,
    },
    NavItem {
        href: "/ho-so",
        label: "Hồ sơ khen thưởng",
        about: "Hồ sơ đề nghị từ đơn vị đến thẩm định, lấy ý kiến, Hội đồng bỏ phiếu và quyết định.",
        ready: true,
    },
    NavItem {
        href: "/sang-kien",
        label: "Sáng kiến",
        about: "Đăng ký, xét công nhận sáng kiến và theo dõi sáng kiến đã dùng cho khen thưởng nào.",
        ready: true,
    },
    NavItem {
        href: "/so-khen-thuong",
        label: "Sổ khen thưởng và báo cáo",
        about: "Lịch sử khen thưởng của cá nhân, tập thể; tìm kiếm, xuất Excel.",
        ready: true,
    },
    NavItem {
        href: "/mau-in",
        label: "Mẫu in",
        about: "Vị trí in bằng khen, giấy khen lên phôi; in thử.",
        ready: true,
    },
];

/// What every page's frame needs.
pub struct Layout {
    pub user: Option<String>,
    pub csrf: Option<String>,
    pub nav: &'static [NavItem],
    pub active: &'static str,
}

impl Layout {
    pub fn for_user(p: &Principal, active: &'static str) -> Self {
        Self {
            user: Some(p.display_name.clone()),
            csrf: p.csrf_token.clone(),
            nav: MODULES,
            active,
        }
    }

    /// The value of the hidden `_csrf` field in the page's forms (empty when anonymous).
    pub fn csrf_token(&self) -> &str {
        self.csrf.as_deref().unwrap_or_default()
    }

    pub fn anonymous() -> Self {
        Self {
            user: None,
            csrf: None,
            nav: MODULES,
            active: "",
        }
    }
}

pub fn render(t: &impl Template) -> Result<Response, HtmlError> {
    t.render()
        .map(|s| Html(s).into_response())
        .map_err(|e| HtmlError(AppError::Internal(format!("template: {e}"))))
}

/// A page that shows a form's error: 200 without one, else the error's status (422, 409…).
pub fn render_showing(t: &impl Template, error: Option<&AppError>) -> Result<Response, HtmlError> {
    let mut resp = render(t)?;
    if let Some(e) = error {
        *resp.status_mut() = crate::errors::status(e);
    }
    Ok(resp)
}

/// Where a form post leads.
pub enum AfterForm {
    /// Done: back to the page with the flash message.
    Redirect(Response),
    /// Bad input or a conflict: show the page again with the error.
    Show(AppError),
}

/// Decides [`AfterForm`] for a form post: success redirects to `path` with `ok` as the flash
/// (then `anchor`); input errors and conflicts are shown on the page; anything else becomes an
/// error page.
pub fn after_form(
    done: Result<String, AppError>,
    path: &str,
    anchor: &str,
) -> Result<AfterForm, HtmlError> {
    match done {
        Ok(ok) => {
            let sep = if path.contains('?') { '&' } else { '?' };
            Ok(AfterForm::Redirect(
                axum::response::Redirect::to(&format!(
                    "{path}{sep}tb={}{anchor}",
                    crate::auth::encode(&ok)
                ))
                .into_response(),
            ))
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => Ok(AfterForm::Show(e)),
        Err(e) => Err(e.into()),
    }
}

pub fn role_labels(p: &Principal) -> Vec<String> {
    p.grants
        .iter()
        .map(|g| g.role.label().to_string())
        .collect()
}

#[derive(Template)]
#[template(path = "home/dashboard.html")]
struct Dashboard {
    layout: Layout,
    display_name: String,
    roles: Vec<String>,
}

async fn dashboard(User(p): User) -> Result<Response, HtmlError> {
    render(&Dashboard {
        layout: Layout::for_user(&p, "/"),
        display_name: p.display_name.clone(),
        roles: role_labels(&p),
    })
}

#[derive(Template)]
#[template(path = "home/later.html")]
struct Later {
    layout: Layout,
    label: &'static str,
    about: &'static str,
}

async fn later(User(p): User, uri: axum::http::Uri) -> Result<Response, HtmlError> {
    let m = MODULES
        .iter()
        .find(|m| m.href == uri.path())
        .ok_or(HtmlError(AppError::NotFound("trang".into())))?;
    render(&Later {
        layout: Layout::for_user(&p, m.href),
        label: m.label,
        about: m.about,
    })
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::errors::ApiError(AppError::NotFound(format!("đường dẫn {}", uri.path())))
            .into_response();
    }
    error_page(
        StatusCode::NOT_FOUND,
        "Không tìm thấy trang này. Có thể đường dẫn đã cũ hoặc bị gõ sai.".into(),
    )
}
