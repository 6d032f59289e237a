//! The whole path of a nomination dossier over real HTTP, on both backends: the clerk drafts and
//! submits with documents, two specialists race to receive it (one wins, one is told why),
//! appraisal with an override reason, return for supplement and a new version of a document,
//! public consultation with a comment from an anonymous visitor, the council's secret vote with
//! one written vote, the leader's approval and decision, the decision PDF and DOCX, the
//! certificate PDF whose QR address verifies publicly, the register search and its XLSX export.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tdkt_app::accounts::UserInput;
use tdkt_app::on_both;
use tdkt_app::testing::Backend;

use crate::server::{PASSWORD, Server, hidden};

mod api;
mod walkthrough;

const CCCD: &str = "066085000123";

fn pdf_bytes(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn text(r: reqwest::Response) -> String {
    r.text().await.unwrap()
}

/// The dossier's current version, as the page's step forms carry it.
fn version(page: &str) -> String {
    hidden(page, "phien_ban")
}

/// The value after `marker` up to the next `"`.
fn after<'a>(page: &'a str, marker: &str) -> &'a str {
    page.split(marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no {marker} in page"))
}

async fn step(
    s: &Server,
    c: &reqwest::Client,
    csrf: &str,
    id: i64,
    step: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let page = text(c.get(s.url(&format!("/ho-so/{id}"))).send().await.unwrap()).await;
    let v = version(&page);
    let mut form = vec![("_csrf", csrf), ("buoc", step), ("phien_ban", v.as_str())];
    form.extend_from_slice(extra);
    c.post(s.url(&format!("/ho-so/{id}/buoc")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn ok_step(
    s: &Server,
    c: &reqwest::Client,
    csrf: &str,
    id: i64,
    name: &str,
    extra: &[(&str, &str)],
) {
    let r = step(s, c, csrf, id, name, extra).await;
    let status = r.status();
    let body = text(r).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "step {name}: {body}");
}

/// Uploads a file as `who` (a client and its CSRF token).
async fn upload(
    s: &Server,
    (c, csrf): (&reqwest::Client, &str),
    id: i64,
    slot: &str,
    doc: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut form = Form::new()
        .text("_csrf", csrf.to_string())
        .text("loai", slot.to_string())
        .part(
            "tep",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("application/pdf")
                .unwrap(),
        );
    if let Some(d) = doc {
        form = form.text("tai_lieu", d.to_string());
    }
    c.post(s.url(&format!("/ho-so/{id}/tai-lieu")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}
