//! A movement's draft checked against the master data and the catalog: codes, dates, the
//! authority, the parent, targets resolved to units, criteria, milestones and indicators.

use tdkt_domain::dates::parse_iso;
use tdkt_domain::movement::*;
use tdkt_domain::text::tidy;
use tdkt_store::*;

use super::{MovementForm, code_from, invalid, is_code, opt_date, opt_text};
use crate::{App, AppResult};

impl App {
    /// Checks a draft and resolves its targets.
    pub(crate) async fn movement_input(&self, f: &MovementForm) -> AppResult<MovementInput> {
        let name = tidy(&f.name);
        if name.chars().count() < 5 {
            return Err(invalid("name", "Cần nhập tên phong trào (ít nhất 5 ký tự)"));
        }
        let goals = tidy(&f.goals);
        if goals.chars().count() < 10 {
            return Err(invalid(
                "goals",
                "Cần nêu mục tiêu, chỉ tiêu của phong trào (ít nhất 10 ký tự)",
            ));
        }
        let level = LaunchLevel::parse("level", &f.level)?;
        let kind = MovementKind::parse("kind", &f.kind)?;
        let scope = MovementScope::parse("scope", &f.scope)?;
        let starts_on = parse_iso("starts_on", &f.starts_on)?;
        let ends_on = parse_iso("ends_on", &f.ends_on)?;
        if ends_on < starts_on {
            return Err(invalid("ends_on", "Ngày kết thúc trước ngày bắt đầu"));
        }
        let code = match f.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) if is_code(c) => c.to_string(),
            Some(c) => {
                return Err(invalid(
                    "code",
                    format!("Mã «{c}» chỉ gồm chữ thường không dấu, số và dấu _ (tối đa 60 ký tự)"),
                ));
            }
            None => code_from(starts_on.year(), &name),
        };
        let authority = self
            .store
            .unit(f.authority_id)
            .await
            .map_err(|_| invalid("authority_id", "Đơn vị phát động không tồn tại"))?;
        if let Some(pid) = f.parent_id {
            let parent = self
                .store
                .movement(pid)
                .await
                .map_err(|_| invalid("parent_id", "Không có phong trào cấp trên này"))?;
            if !parent.state.is_public() {
                return Err(invalid(
                    "parent_id",
                    format!("Phong trào «{}» chưa được phát động", parent.name),
                ));
            }
        }
        let target_kind = TargetKind::parse("target_kind", &f.target_kind)?;
        let inside = |u: i64, anc: &[i64]| u == authority.id || anc.contains(&authority.id);
        let (targets, target_unit_id, target_cluster_id) = match target_kind {
            TargetKind::Subtree => {
                let Some(root) = f.target_unit_id else {
                    return Err(invalid("target_unit_id", "Chọn đơn vị được phát động"));
                };
                let anc = self.ancestors_of(root).await.map_err(|_| {
                    invalid("target_unit_id", "Đơn vị được phát động không tồn tại")
                })?;
                if !inside(root, &anc) {
                    return Err(invalid(
                        "target_unit_id",
                        format!("Đơn vị được phát động phải thuộc {}", authority.name),
                    ));
                }
                let mut ids: Vec<i64> = self
                    .store
                    .subtree_units(root, starts_on)
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect();
                // The launching unit does not register with itself when it has units below.
                if root == authority.id && ids.len() > 1 {
                    ids.retain(|u| *u != root);
                }
                (ids, Some(root), None)
            }
            TargetKind::Cluster => {
                let Some(cid) = f.target_cluster_id else {
                    return Err(invalid("target_cluster_id", "Chọn cụm, khối thi đua"));
                };
                let cluster = self
                    .store
                    .list_clusters()
                    .await?
                    .into_iter()
                    .find(|c| c.id == cid)
                    .ok_or_else(|| {
                        invalid("target_cluster_id", "Không có cụm, khối thi đua này")
                    })?;
                // The members of the year the movement starts in (or the latest year before).
                let year = cluster
                    .years
                    .iter()
                    .filter(|y| y.year <= starts_on.year())
                    .max_by_key(|y| y.year)
                    .or_else(|| cluster.years.iter().min_by_key(|y| y.year))
                    .ok_or_else(|| {
                        invalid(
                            "target_cluster_id",
                            format!("{} chưa có thành viên", cluster.name),
                        )
                    })?;
                (
                    year.members.iter().map(|m| m.unit.id).collect(),
                    None,
                    Some(cid),
                )
            }
            TargetKind::List => {
                let mut ids: Vec<i64> = Vec::new();
                for (i, u) in f.target_unit_ids.iter().enumerate() {
                    let unit = self.store.unit(*u).await.map_err(|_| {
                        invalid(
                            format!("target_unit_ids[{i}]"),
                            format!("Không có đơn vị mã số {u}"),
                        )
                    })?;
                    let anc = self.ancestors_of(*u).await?;
                    if !inside(*u, &anc) {
                        return Err(invalid(
                            format!("target_unit_ids[{i}]"),
                            format!("{} không thuộc {}", unit.name, authority.name),
                        ));
                    }
                    if !ids.contains(u) {
                        ids.push(*u);
                    }
                }
                (ids, None, None)
            }
        };
        let local = self.store.local_award_kinds().await?;
        let mut criteria = Vec::new();
        for (i, c) in f.criteria.iter().enumerate() {
            let code = c.award_code.trim();
            if self.rules.catalog.get(code).is_none() && !local.iter().any(|k| k.code == code) {
                return Err(invalid(
                    format!("criteria[{i}].award_code"),
                    format!(
                        "Tiêu chí {}: không có «{code}» trong danh mục danh hiệu, hình thức khen thưởng",
                        i + 1
                    ),
                ));
            }
            let text = tidy(&c.text);
            if text.chars().count() < 5 {
                return Err(invalid(
                    format!("criteria[{i}].text"),
                    format!("Tiêu chí {}: cần ghi nội dung tiêu chí", i + 1),
                ));
            }
            criteria.push(CriterionInput {
                award_code: code.to_string(),
                text,
                mandatory: c.mandatory,
                legal_basis: opt_text(&c.legal_basis),
            });
        }
        let mut milestones = Vec::new();
        for (i, m) in f.milestones.iter().enumerate() {
            let field = |k: &str| format!("milestones[{i}].{k}");
            let kind = MilestoneKind::parse(&field("kind"), &m.kind)?;
            let name = tidy(&m.name);
            if name.chars().count() < 3 {
                return Err(invalid(
                    field("name"),
                    format!("Mốc {}: cần ghi tên mốc", i + 1),
                ));
            }
            let due_on = parse_iso(&field("due_on"), &m.due_on)?;
            if due_on < starts_on {
                return Err(invalid(
                    field("due_on"),
                    format!("Mốc {}: hạn báo cáo trước ngày bắt đầu phong trào", i + 1),
                ));
            }
            milestones.push(MilestoneInput { kind, name, due_on });
        }
        let mut indicators: Vec<IndicatorInput> = Vec::new();
        for (i, ind) in f.indicators.iter().enumerate() {
            let field = |k: &str| format!("indicators[{i}].{k}");
            let code = ind.code.trim();
            if !is_code(code) {
                return Err(invalid(
                    field("code"),
                    format!(
                        "Chỉ tiêu {}: mã chỉ gồm chữ thường không dấu, số và dấu _",
                        i + 1
                    ),
                ));
            }
            if indicators.iter().any(|x| x.code == code) {
                return Err(invalid(
                    field("code"),
                    format!("Chỉ tiêu {}: mã «{code}» đã dùng ở chỉ tiêu trên", i + 1),
                ));
            }
            let name = tidy(&ind.name);
            if name.chars().count() < 3 {
                return Err(invalid(
                    field("name"),
                    format!("Chỉ tiêu {}: cần ghi tên", i + 1),
                ));
            }
            if ind.target.is_some_and(|t| !t.is_finite() || t < 0.0) {
                return Err(invalid(
                    field("target"),
                    format!("Chỉ tiêu {}: chỉ tiêu giao phải là số không âm", i + 1),
                ));
            }
            indicators.push(IndicatorInput {
                code: code.to_string(),
                name,
                measure: Measure::parse(&field("measure"), &ind.measure)?,
                target: ind.target,
            });
        }
        Ok(MovementInput {
            code,
            name,
            slogan: opt_text(&f.slogan),
            goals,
            authority_id: authority.id,
            level,
            kind,
            scope,
            starts_on,
            ends_on,
            parent_id: f.parent_id,
            decision_number: opt_text(&f.decision_number),
            decision_date: opt_date("decision_date", &f.decision_date)?,
            decision_signer: opt_text(&f.decision_signer),
            registration_due_on: opt_date("registration_due_on", &f.registration_due_on)?,
            target_kind,
            target_unit_id,
            target_cluster_id,
            targets,
            criteria,
            milestones,
            indicators,
        })
    }
}
