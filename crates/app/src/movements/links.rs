//! Where movements meet the rest of the year: a year-end nominee for an emulation title who did
//! not register for it (flagged, refused or ignored by the `unregistered_nominee` setting), and
//! the movements a cluster's covenant implements.

use std::collections::HashSet;

use serde::Serialize;
use tdkt_domain::dossier::CommendationType;
use tdkt_domain::eligibility::AwardKind;
use tdkt_domain::movement::UnregisteredPolicy;
use tdkt_store::*;

use super::invalid;
use crate::{App, AppResult, Principal};

/// A nominee proposed for a title not found in the year's registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnregisteredNominee {
    /// Position in the nominee list (0-based).
    pub index: usize,
    pub name: String,
    pub award_code: String,
}

impl App {
    /// Whether a code (shipped or local) is an emulation title.
    pub(crate) fn is_title(&self, local: &[LocalAwardKind], code: &str) -> bool {
        self.rules
            .catalog
            .get(code)
            .map(|a| a.kind)
            .or_else(|| local.iter().find(|k| k.code == code).map(|k| k.kind))
            == Some(AwardKind::Title)
    }

    /// Nominees of a year-end (merit) proposal for an emulation title that no current
    /// registration of that year names with that title. Empty when the setting says to ignore.
    pub(crate) async fn unregistered(
        &self,
        kind: CommendationType,
        year: i32,
        nominees: &[(Option<i64>, Option<i64>, String, String)],
    ) -> AppResult<Vec<UnregisteredNominee>> {
        if self.settings.unregistered_nominee == UnregisteredPolicy::Ignore
            || kind != CommendationType::CongTrang
        {
            return Ok(vec![]);
        }
        let local = self.store.local_award_kinds().await?;
        let titled: Vec<_> = nominees
            .iter()
            .enumerate()
            .filter(|(_, n)| self.is_title(&local, &n.2))
            .collect();
        if titled.is_empty() {
            return Ok(vec![]);
        }
        let people: Vec<i64> = titled.iter().filter_map(|(_, n)| n.0).collect();
        let units: Vec<i64> = titled.iter().filter_map(|(_, n)| n.1).collect();
        let registered: HashSet<(Option<i64>, Option<i64>, String)> = self
            .store
            .registered_lines(year, &people, &units)
            .await?
            .into_iter()
            .map(|l| (l.person_id, l.unit_id, l.award_code))
            .collect();
        Ok(titled
            .into_iter()
            .filter(|(_, n)| !registered.contains(&(n.0, n.1, n.2.clone())))
            .map(|(index, n)| UnregisteredNominee {
                index,
                name: n.3.clone(),
                award_code: n.2.clone(),
            })
            .collect())
    }

    /// Refuses a proposal naming unregistered nominees when the setting says so.
    pub(crate) async fn check_registered(
        &self,
        kind: CommendationType,
        year: i32,
        nominees: &[NewNominee],
    ) -> AppResult<()> {
        if self.settings.unregistered_nominee != UnregisteredPolicy::Block {
            return Ok(());
        }
        let mut named = Vec::with_capacity(nominees.len());
        for n in nominees {
            let name = match (n.person_id, n.unit_id) {
                (Some(pid), _) => self.store.person(pid).await?.full_name,
                (_, Some(uid)) => self.store.unit(uid).await?.name,
                _ => String::new(),
            };
            named.push((n.person_id, n.unit_id, n.award_code.clone(), name));
        }
        let missing = self.unregistered(kind, year, &named).await?;
        if let Some(first) = missing.first() {
            return Err(invalid(
                format!("nominees[{}].award_code", first.index),
                format!(
                    "Dòng {}: {} chưa đăng ký thi đua danh hiệu này năm {year} (theo quy định, người chưa đăng ký không được đề nghị)",
                    first.index + 1,
                    first.name
                ),
            ));
        }
        Ok(())
    }

    /// Names the movements a cluster's covenant of a year implements.
    pub async fn set_covenant_movements(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        movement_ids: &[i64],
    ) -> AppResult<Vec<MovementSummary>> {
        self.require_manage(p, cluster_id, year).await?;
        if self.store.covenant(cluster_id, year).await?.is_none() {
            return Err(invalid(
                "movement_ids",
                "Cụm chưa có giao ước năm này: soạn giao ước trước khi ghi phong trào",
            ));
        }
        for (i, id) in movement_ids.iter().enumerate() {
            let m = self.store.movement(*id).await.map_err(|_| {
                invalid(
                    format!("movement_ids[{i}]"),
                    format!("Không có phong trào mã số {id}"),
                )
            })?;
            if !m.state.is_public() {
                return Err(invalid(
                    format!("movement_ids[{i}]"),
                    format!("Phong trào «{}» chưa được phát động", m.name),
                ));
            }
        }
        self.store
            .set_covenant_movements(&p.actor(), cluster_id, year, movement_ids)
            .await?;
        Ok(self.store.covenant_movements(cluster_id, year).await?)
    }

    /// The movements a covenant implements (public facts, like the covenant's members).
    pub async fn covenant_movements(
        &self,
        _p: &Principal,
        cluster_id: i64,
        year: i32,
    ) -> AppResult<Vec<MovementSummary>> {
        Ok(self.store.covenant_movements(cluster_id, year).await?)
    }

    /// Movements in force during a year, for choosing from (public ones only).
    pub async fn movements_of_year(&self, year: i32) -> AppResult<Vec<MovementSummary>> {
        Ok(self
            .store
            .list_movements(&MovementFilter {
                public_only: true,
                year: Some(year),
                paging: Paging::new(Some(1), Some(200)),
                ..Default::default()
            })
            .await?
            .items)
    }
}
