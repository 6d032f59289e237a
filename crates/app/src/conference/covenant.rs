//! A year's covenant: the criteria table and the method of aggregation, checked as the
//! evaluation would check them and frozen once scores or a ballot depend on them; copied from
//! another year; signed by the members.

use serde::{Deserialize, Serialize};
use tdkt_domain::evaluation::{Criterion, EvaluationInput, FlagSettings, Group, Method};
use tdkt_store::*;
use time::Date;

use super::{bad, members_of, parse_json};
use crate::{App, AppError, AppResult, Principal};

/// The criteria table of a covenant, in the evaluation format.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CovenantTable {
    #[schema(value_type = Vec<Object>)]
    pub groups: Vec<Group>,
    #[schema(value_type = Vec<Object>)]
    pub criteria: Vec<Criterion>,
}

/// How the conference aggregates and flags.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CovenantMethod {
    #[serde(default)]
    pub method: Method,
    #[serde(default)]
    pub flags: FlagSettings,
    pub sensitivity_top_n: Option<usize>,
}

/// A covenant as read back.
#[derive(Debug, Clone)]
pub struct Covenant {
    pub title: String,
    pub table: CovenantTable,
    pub method: CovenantMethod,
    pub scoring_closed: bool,
    pub signatures: Vec<SignatureRow>,
}

impl App {
    pub async fn covenant(&self, cluster_id: i64, year: i32) -> AppResult<Option<Covenant>> {
        Ok(match self.store.covenant(cluster_id, year).await? {
            None => None,
            Some(c) => Some(Covenant {
                title: c.title,
                table: parse_json("bảng tiêu chí", &c.table_json)?,
                method: parse_json("phương pháp", &c.method_json)?,
                scoring_closed: c.scoring_closed,
                signatures: c.signatures,
            }),
        })
    }

    /// Sets the covenant's title, criteria table and method. The table is checked as the
    /// evaluation would check it; it cannot change once scores exist.
    pub async fn put_covenant(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        title: &str,
        table: CovenantTable,
        method: CovenantMethod,
    ) -> AppResult<()> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        let title = tdkt_domain::text::tidy(title);
        if title.is_empty() {
            return Err(bad("title", "Cần nhập tên giao ước"));
        }
        if let Some(cur) = self.covenant(cluster_id, year).await?
            && cur.method != method
            && (cur.scoring_closed || self.ballot_started(cluster_id, year).await?)
        {
            return Err(AppError::Conflict(
                "Vòng chấm điểm đã đóng; không thể đổi phương pháp tổng hợp".into(),
            ));
        }
        if let Some(cur) = self.covenant(cluster_id, year).await? {
            let (scores, _) = self.store.cluster_scores(cluster_id, year).await?;
            if cur.table != table && !scores.is_empty() {
                return Err(AppError::Conflict(
                    "Đã có điểm chấm theo bảng tiêu chí này; không thể sửa bảng tiêu chí".into(),
                ));
            }
        }
        // Validate with the evaluation's own rules on an empty score sheet.
        let probe = EvaluationInput {
            note: None,
            members: members_of(&y),
            groups: table.groups.clone(),
            criteria: table.criteria.clone(),
            scores: vec![],
            indicators: vec![],
            method: method.method,
            sensitivity_top_n: method.sensitivity_top_n,
            flags: Some(method.flags.clone()),
            ballot: None,
        };
        probe.check()?;
        let table_json = serde_json::to_string(&table).expect("serialises");
        let method_json = serde_json::to_string(&method).expect("serialises");
        Ok(self
            .store
            .put_covenant(
                &p.actor(),
                cluster_id,
                year,
                &title,
                &table_json,
                &method_json,
            )
            .await?)
    }

    /// Starts a year's covenant from another year's (usually the last).
    pub async fn copy_covenant(
        &self,
        p: &Principal,
        cluster_id: i64,
        from_year: i32,
        to_year: i32,
    ) -> AppResult<()> {
        let src = self
            .covenant(cluster_id, from_year)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("giao ước năm {from_year}")))?;
        let title = src
            .title
            .replace(&from_year.to_string(), &to_year.to_string());
        self.put_covenant(p, cluster_id, to_year, &title, src.table, src.method)
            .await
    }

    pub async fn sign_covenant(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        unit_id: i64,
        signer: &str,
        signed_on: Date,
    ) -> AppResult<()> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        if !y.members.iter().any(|m| m.unit.id == unit_id) {
            return Err(bad("don_vi", "Đơn vị ký không phải thành viên cụm năm này"));
        }
        self.covenant(cluster_id, year)
            .await?
            .ok_or_else(|| AppError::NotFound("giao ước".into()))?;
        let signer = tdkt_domain::text::tidy(signer);
        if signer.is_empty() {
            return Err(bad("nguoi_ky", "Cần ghi người ký (chức vụ, họ tên)"));
        }
        Ok(self
            .store
            .sign_covenant(
                &p.actor(),
                cluster_id,
                year,
                SignatureRow {
                    unit_id,
                    signer,
                    signed_on,
                },
            )
            .await?)
    }
}
