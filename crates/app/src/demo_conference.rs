//! Replays two conferences of the seed articles on top of the demo data:
//! - seed 003: the 2022 year of the Central Highlands & South-Central Coast cluster, from the
//!   worked example of docs/cluster-evaluation.md (covenant, scores, budget indicators, papers):
//!   flags proposed for Bình Định and Đắk Nông, Prime Minister's certificates for Quảng Ngãi and
//!   Đắk Lắk, Bình Định leader and Lâm Đồng deputy for 2023;
//! - seed 000: the 2020 year of the South-Western cluster, whose ballot hands the leadership
//!   from Hậu Giang to Kiên Giang with Đồng Tháp and Sóc Trăng as deputies for 2021.
//!
//! It goes through the same use cases as the web pages, as the demo administrator.

use std::collections::{BTreeMap, HashMap};

use tdkt_domain::evaluation::{BallotRules, Category, EvaluationInput, Threshold};
use tdkt_store::ClusterRow;

use crate::conference::{CovenantMethod, CovenantTable, ScoreEntry};
use crate::{App, AppError, AppResult, Principal};

const EXAMPLE_003: &str = include_str!("../../../docs/examples/cluster-2022-tay-nguyen.json");

async fn cluster_by_code(app: &App, code: &str) -> AppResult<ClusterRow> {
    app.store
        .list_clusters()
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| AppError::Internal(format!("dữ liệu demo: không có cụm «{code}»")))
}

/// Unit id of a demo code (the example uses unit codes as member ids).
async fn unit_ids(app: &App, codes: impl Iterator<Item = &str>) -> AppResult<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for c in codes {
        out.insert(c.to_string(), app.store.unit_by_code(c).await?.id);
    }
    Ok(out)
}

fn remap(
    paper: &BTreeMap<String, Vec<String>>,
    ids: &HashMap<String, i64>,
) -> BTreeMap<String, Vec<String>> {
    paper
        .iter()
        .map(|(k, v)| (k.clone(), v.iter().map(|c| ids[c].to_string()).collect()))
        .collect()
}

pub async fn replay_seed_003(app: &App, admin: &Principal) -> AppResult<()> {
    let ex: EvaluationInput = serde_json::from_str(EXAMPLE_003)
        .map_err(|e| AppError::Internal(format!("ví dụ seed 003: {e}")))?;
    let cluster = cluster_by_code(app, "tay_nguyen_duyen_hai_mien_trung").await?;
    let ids = unit_ids(app, ex.members.iter().map(|m| m.id.as_str())).await?;
    let year = 2022;
    app.put_covenant(
        admin,
        cluster.id,
        year,
        "Giao ước thi đua năm 2022 của Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung (minh hoạ)",
        CovenantTable { groups: ex.groups.clone(), criteria: ex.criteria.clone() },
        CovenantMethod { method: ex.method, flags: ex.flags.clone().unwrap_or_default(), sensitivity_top_n: ex.sensitivity_top_n },
    )
    .await?;
    for m in &ex.members {
        let entries: Vec<ScoreEntry> = ex
            .scores
            .iter()
            .filter(|s| s.scorer == m.id)
            .map(|s| ScoreEntry {
                target: ids[&s.target],
                criterion: s.criterion.clone(),
                points: s.points,
                note: s.note.clone(),
            })
            .collect();
        let indicators: Vec<(i64, String, f64)> = ex
            .indicators
            .iter()
            .filter(|i| i.member == m.id)
            .map(|i| (ids[&i.member], i.criterion.clone(), i.value))
            .collect();
        app.put_scores(admin, cluster.id, year, ids[&m.id], &entries, &indicators)
            .await?;
    }
    app.set_scoring_closed(admin, cluster.id, year, true)
        .await?;
    let mut rules: BallotRules = ex
        .ballot
        .as_ref()
        .map(|b| b.rules.clone())
        .ok_or_else(|| AppError::Internal("ví dụ không có phiếu".into()))?;
    for c in &mut rules.categories {
        match c.id.as_str() {
            "co_thi_dua_chinh_phu" => c.award = Some("co_thi_dua_chinh_phu".into()),
            "bang_khen_thu_tuong" => c.award = Some("bang_khen_thu_tuong".into()),
            "cum_truong_2023" => c.next_role = Some("cum_truong".into()),
            "cum_pho_2023" => c.next_role = Some("cum_pho".into()),
            _ => {}
        }
    }
    let ballot = app
        .create_ballot(
            admin,
            cluster.id,
            year,
            "Bình xét, suy tôn tại Hội nghị tổng kết năm 2022 (30/3/2023)",
            rules,
        )
        .await?;
    app.open_ballot(admin, ballot.id).await?;
    let papers: Vec<_> = ex
        .ballot
        .as_ref()
        .expect("checked")
        .ballots
        .iter()
        .map(|p| remap(p, &ids))
        .collect();
    let voters: Vec<i64> = ex.members.iter().map(|m| ids[&m.id]).collect();
    app.record_papers(admin, ballot.id, &voters, papers).await?;
    app.close_ballot(admin, ballot.id).await?;
    Ok(())
}

pub async fn replay_seed_000(app: &App, admin: &Principal) -> AppResult<()> {
    let cluster = cluster_by_code(app, "tay_nam_bo").await?;
    let y2020 = cluster
        .years
        .iter()
        .find(|y| y.year == 2020)
        .ok_or_else(|| AppError::Internal("thiếu năm 2020".into()))?;
    let code_of = |name: &str| -> AppResult<i64> {
        y2020
            .members
            .iter()
            .find(|m| m.unit.name.ends_with(name))
            .map(|m| m.unit.id)
            .ok_or_else(|| AppError::Internal(format!("thiếu {name} trong cụm Tây Nam Bộ")))
    };
    let (kg, dt, st) = (
        code_of("Kiên Giang")?,
        code_of("Đồng Tháp")?,
        code_of("Sóc Trăng")?,
    );
    let category = |id: &str, name: &str, seats, role: &str| Category {
        id: id.into(),
        name: name.into(),
        seats,
        candidates: None,
        top_n: None,
        threshold: Threshold::default(),
        award: None,
        next_role: Some(role.into()),
    };
    let rules = BallotRules {
        eligible_voters: None,
        quorum: 2.0 / 3.0,
        categories: vec![
            category("cum_truong_2021", "Cụm trưởng năm 2021", 1, "cum_truong"),
            category("cum_pho_2021", "Cụm phó năm 2021", 2, "cum_pho"),
        ],
    };
    let ballot = app
        .create_ballot(
            admin,
            cluster.id,
            2020,
            "Suy tôn Cụm trưởng, Cụm phó năm 2021 (26/3/2021, minh hoạ)",
            rules,
        )
        .await?;
    app.open_ballot(admin, ballot.id).await?;
    let voters: Vec<i64> = y2020.members.iter().map(|m| m.unit.id).collect();
    let paper = BTreeMap::from([
        ("cum_truong_2021".to_string(), vec![kg.to_string()]),
        (
            "cum_pho_2021".to_string(),
            vec![dt.to_string(), st.to_string()],
        ),
    ]);
    app.record_papers(admin, ballot.id, &voters, vec![paper; voters.len()])
        .await?;
    app.close_ballot(admin, ballot.id).await?;
    Ok(())
}
