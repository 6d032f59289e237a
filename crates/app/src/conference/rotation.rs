//! The rotation of the leader's role among a cluster's members.

use super::bad;
use crate::{App, AppResult, Principal};

/// The rotation of the leader's role: the order (unit ids) and how many years a past leader
/// waits.
#[derive(Debug, Clone)]
pub struct Rotation {
    pub order: Vec<i64>,
    pub cooldown: i32,
}

impl App {
    /// Sets the rotation order of the leader's role and how many years a past leader waits.
    pub async fn set_rotation(
        &self,
        p: &Principal,
        cluster_id: i64,
        year: i32,
        order: &[i64],
        cooldown: i32,
    ) -> AppResult<()> {
        let (_, y) = self.require_manage(p, cluster_id, year).await?;
        if !(0..=20).contains(&cooldown) {
            return Err(bad("so_nam", "Số năm chờ phải từ 0 đến 20"));
        }
        for u in order {
            if !y.members.iter().any(|m| m.unit.id == *u) {
                return Err(bad(
                    "thu_tu",
                    "Thứ tự luân phiên có đơn vị không phải thành viên cụm",
                ));
            }
        }
        let mut seen = order.to_vec();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != order.len() {
            return Err(bad(
                "thu_tu",
                "Một đơn vị xuất hiện hai lần trong thứ tự luân phiên",
            ));
        }
        Ok(self
            .store
            .set_cluster_rotation(&p.actor(), cluster_id, order, cooldown)
            .await?)
    }
}
