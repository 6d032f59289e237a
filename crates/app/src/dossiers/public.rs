//! The public consultation: dossiers open for comment (no login), what the public sees of
//! them, comments limited per address and hidden until the Board moderates them.

use std::net::IpAddr;

use serde::Serialize;
use tdkt_domain::access::Action;
use tdkt_domain::dossier::{AppraisalResult, CommentStatus, State};
use tdkt_domain::text::tidy;
use tdkt_store::*;
use time::Duration;

use super::invalid;
use crate::{App, AppError, AppResult, Principal};

/// A dossier as the public consultation page shows it: names, units, awards, achievements;
/// nothing private (no identity numbers, birth dates, ratings or internal notes).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDossier {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub unit_name: String,
    pub authority_name: String,
    pub until: String,
    pub nominees: Vec<PublicNominee>,
    pub comments: Vec<PublicComment>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicNominee {
    pub name: String,
    pub detail: String,
    pub award: String,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicComment {
    pub author: String,
    pub body: String,
    pub at: String,
}

impl App {
    /// Moderates a public comment: `da_duyet` attaches it to the dossier (and shows it on the
    /// public page), `an` hides it.
    pub async fn moderate_comment(
        &self,
        p: &Principal,
        dossier_id: i64,
        comment_id: i64,
        status: &str,
    ) -> AppResult<CommentRow> {
        let d = self.store.dossier(dossier_id).await?;
        self.authorize(p, Action::DossierProcess, d.authority_id)
            .await?;
        let Some(status) = CommentStatus::try_from(status)
            .ok()
            .filter(|s| CommentStatus::DECISIONS.contains(s))
        else {
            return Err(invalid("trang_thai", "Chọn «da_duyet» hoặc «an»"));
        };
        if !self
            .store
            .dossier_comments(dossier_id)
            .await?
            .iter()
            .any(|c| c.id == comment_id)
        {
            return Err(AppError::NotFound("ý kiến của hồ sơ này".into()));
        }
        Ok(self
            .store
            .moderate_comment(&p.actor(), comment_id, status)
            .await?)
    }

    /// Dossiers open for public comment today.
    pub async fn public_consultations(&self) -> AppResult<Vec<DossierSummary>> {
        Ok(self
            .store
            .list_dossiers(&DossierFilter {
                consultation_on: Some(self.today()),
                limit: 200,
                ..Default::default()
            })
            .await?)
    }

    pub async fn public_dossier(&self, id: i64) -> AppResult<PublicDossier> {
        let d = self.store.dossier(id).await?;
        let until = match d.consultation_until {
            Some(u) if d.state == State::Consultation && u >= self.today() => u,
            _ => return Err(AppError::NotFound("hồ sơ đang lấy ý kiến".into())),
        };
        let local = self.store.local_award_kinds().await?;
        let comments = self.store.dossier_comments(id).await?;
        Ok(PublicDossier {
            id: d.id,
            code: d.code.clone(),
            title: d.title.clone(),
            unit_name: d.unit_name.clone(),
            authority_name: d.authority_name.clone(),
            until: tdkt_domain::dates::vn(until),
            // Only nominees that passed appraisal are put to the public.
            nominees: d
                .nominees
                .iter()
                .filter(|n| n.result == Some(AppraisalResult::Passed))
                .map(|n| PublicNominee {
                    name: n.name.clone(),
                    detail: n.detail.clone(),
                    award: self.award_name(&local, &n.award_code),
                    summary: n.summary.clone(),
                })
                .collect(),
            comments: comments
                .into_iter()
                .filter(|c| c.status == CommentStatus::Approved)
                .map(|c| PublicComment {
                    author: c.author,
                    body: c.body,
                    at: tdkt_domain::dates::vn(c.at.to_offset(crate::VN_OFFSET).date()),
                })
                .collect(),
        })
    }

    /// A comment from the public page: a honeypot field that people leave empty, a limit per
    /// address and hour, and moderation before anything is shown.
    pub async fn add_public_comment(
        &self,
        id: i64,
        author: &str,
        contact: Option<&str>,
        body: &str,
        honeypot: &str,
        ip: IpAddr,
    ) -> AppResult<()> {
        self.public_dossier(id).await?;
        if !honeypot.trim().is_empty() {
            // A bot filled the hidden field: answer as if accepted, store nothing.
            return Ok(());
        }
        let author = tidy(author);
        let body = tidy(body);
        if author.chars().count() < 2 || author.chars().count() > 120 {
            return Err(invalid("ho_ten", "Cần ghi họ tên (2–120 ký tự)"));
        }
        if body.chars().count() < 10 || body.chars().count() > 5000 {
            return Err(invalid("noi_dung", "Ý kiến cần từ 10 đến 5000 ký tự"));
        }
        let now = time::OffsetDateTime::now_utc();
        let max = self.procedure.consultation.comments_per_hour;
        if self
            .comment_throttle
            .blocked(ip, now, Duration::hours(1), max)
        {
            return Err(AppError::TooMany(format!(
                "Đã nhận {max} ý kiến từ địa chỉ này trong một giờ; vui lòng gửi lại sau"
            )));
        }
        self.comment_throttle.fail(ip, now);
        self.store
            .add_comment(
                &tdkt_store::Actor::system("cong_khai"),
                id,
                NewComment {
                    author,
                    contact: contact.map(tidy).filter(|c| !c.is_empty()),
                    body,
                },
            )
            .await?;
        Ok(())
    }
}
