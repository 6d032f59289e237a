//! The emulation cluster's conference over HTTP, on both backends.
//!
//! `walkthrough` follows one year of a cluster from the covenant to next year's leaders; the
//! other files check one use case each, from a [`Conference`] brought to a [`Stage`] of that
//! path, or a block whose covenant is written in the [`Editor`]; `papers` has its own cluster
//! with a merger.

mod ballot;
mod covenant;
mod papers;
mod rotation;
mod scoring;
mod walkthrough;

use reqwest::Response;
use serde_json::{Value, json};
use tdkt_app::testing::{Backend, TestApp};
use tdkt_domain::cluster::{ClusterKind, MemberRole};
use tdkt_store::{Actor, NewCluster, NewClusterYear};

use crate::server::{Browser, Server, add_users, assert_redirect, assert_status};

/// A cluster `(code, name)` of `year` whose members are `units`, organised at `vn`.
pub async fn cluster(
    t: &TestApp,
    vn: i64,
    (code, name): (&str, &str),
    kind: ClusterKind,
    year: i32,
    units: &[i64],
) -> i64 {
    t.store()
        .create_cluster(
            &Actor::system("test"),
            NewCluster {
                code: code.into(),
                name: name.into(),
                kind,
                organiser: "Hội đồng".into(),
                organiser_unit_id: Some(vn),
                supervisor: None,
                source: None,
                note: None,
                years: vec![NewClusterYear {
                    year,
                    note: None,
                    roles_illustrative: false,
                    members: units
                        .iter()
                        .map(|u| (*u, MemberRole::Member, false))
                        .collect(),
                }],
            },
        )
        .await
        .unwrap()
        .id
}

/// The unit holding `role` in the cluster's `year` (as carried over when a ballot closes).
pub async fn holder(s: &Server, cluster: i64, year: i32, role: MemberRole) -> i64 {
    let c = s.t.store().cluster(cluster).await.unwrap();
    let y = c.years.iter().find(|y| y.year == year).unwrap();
    y.members.iter().find(|m| m.role == role).unwrap().unit.id
}

/// How far along the walkthrough's path [`Conference::at`] brings the year 2024.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The cluster, no covenant yet.
    Start,
    /// The covenant (two criteria of 50 points, mean) written through the API.
    Covenant,
    /// Every clerk has scored every member: strengths a > b > c > d.
    Scored,
    /// Scoring closed.
    ScoringClosed,
    /// A ballot for the Government flag, leader and deputy of 2025, not yet open.
    BallotCreated,
    /// The ballot open.
    BallotOpen,
    /// Every unit has voted: a and b for the flag, b leader, c deputy.
    Voted,
}

/// Four provinces in the cluster `cum_thu` of 2024; the board specialist `chuyenvien`
/// manages it and each province's clerk (`cb_a` … `cb_d`) scores and votes for it. All
/// logged in.
pub struct Conference {
    pub s: Server,
    pub cluster: i64,
    pub units: Vec<i64>,
    pub mgr: Browser,
    /// The clerks, in the order of [`Conference::units`].
    pub clerks: Vec<Browser>,
    /// The conference page of the year: `/cum-thi-dua/{id}/nam/2024`.
    pub base: String,
    /// The ballot, once created.
    pub ballot: i64,
}

impl Conference {
    pub async fn at(b: Backend, stage: Stage) -> Self {
        use Stage::*;
        let mut c = Self::new(b).await;
        if stage >= Covenant {
            let r = c.put_covenant(&c.mgr).await;
            assert_status(r, reqwest::StatusCode::NO_CONTENT).await;
        }
        if stage >= Scored {
            for i in 0..c.units.len() {
                assert_redirect(c.score(i).await).await;
            }
        }
        if stage >= ScoringClosed {
            assert_redirect(c.mgr_post("dong-cham-diem").await).await;
        }
        if stage >= BallotCreated {
            c.create_ballot().await;
        }
        if stage >= BallotOpen {
            let open = format!("phieu/{}/mo", c.ballot);
            assert_redirect(c.mgr_post(&open).await).await;
        }
        if stage >= Voted {
            for i in 0..c.units.len() {
                assert_redirect(c.vote(i).await).await;
            }
        }
        c
    }

    async fn new(b: Backend) -> Self {
        let t = TestApp::new(b).await;
        let vn = t.unit("vn", None).await;
        let mut units = Vec::new();
        for code in ["tinh_a", "tinh_b", "tinh_c", "tinh_d"] {
            units.push(t.unit(code, Some(vn.id)).await.id);
        }
        let cluster = cluster(
            &t,
            vn.id,
            ("cum_thu", "Cụm thi đua thử"),
            ClusterKind::Cluster,
            2024,
            &units,
        )
        .await;
        add_users(
            &t,
            &[
                ("chuyenvien", "chuyen_vien_ban", "vn"),
                ("cb_a", "can_bo_don_vi", "tinh_a"),
                ("cb_b", "can_bo_don_vi", "tinh_b"),
                ("cb_c", "can_bo_don_vi", "tinh_c"),
                ("cb_d", "can_bo_don_vi", "tinh_d"),
            ],
        )
        .await;
        let s = Server::serve(t).await;
        let mgr = s.login("chuyenvien").await;
        let mut clerks = Vec::new();
        for user in ["cb_a", "cb_b", "cb_c", "cb_d"] {
            clerks.push(s.login(user).await);
        }
        Self {
            s,
            cluster,
            units,
            mgr,
            clerks,
            base: format!("/cum-thi-dua/{cluster}/nam/2024"),
            ballot: 0,
        }
    }

    /// The covenant of 2024 as JSON: two groups, a criterion of at most 50 points in each.
    pub fn covenant() -> Value {
        json!({
            "title": "Giao ước thi đua năm 2024",
            "groups": [{"id": "1", "name": "Kinh tế"}, {"id": "2", "name": "Thi đua"}],
            "criteria": [
                {"id": "1.1", "name": "Tăng trưởng", "group": "1", "max": 50},
                {"id": "2.1", "name": "Phong trào", "group": "2", "max": 50}
            ],
            "method": {"name": "mean"}
        })
    }

    /// `who` writes [`Conference::covenant`] through the API (session and CSRF header).
    pub async fn put_covenant(&self, who: &Browser) -> Response {
        who.put_json(
            &format!("/api/v1/clusters/{}/years/2024/covenant", self.cluster),
            &Self::covenant(),
        )
        .await
    }

    /// The scoring form of unit `i` (for its own clerk).
    pub fn scoring_path(&self, i: usize) -> String {
        format!("{}/cham-diem/{}", self.base, self.units[i])
    }

    /// Clerk `i` scores every member on both criteria: member j gets
    /// `[45, 40, 35, 30][j] - i / 2`.
    pub async fn score(&self, i: usize) -> Response {
        let strength = [45.0, 40.0, 35.0, 30.0];
        let mut form = Vec::new();
        for (j, target) in self.units.iter().enumerate() {
            for crit in ["1.1", "2.1"] {
                form.push((
                    format!("d_{target}_{crit}"),
                    format!("{}", strength[j] - (i as f64) * 0.5),
                ));
            }
        }
        self.clerks[i].post_form(&self.scoring_path(i), &form).await
    }

    /// The manager posts a bare form to `{base}/{action}`.
    pub async fn mgr_post(&self, action: &str) -> Response {
        self.mgr
            .post_form::<&str, &str>(&format!("{}/{action}", self.base), &[])
            .await
    }

    /// The manager creates the ballot "Suy tôn năm 2024" (Government flag, leader, deputy).
    pub async fn create_ballot(&mut self) {
        let r = self
            .mgr
            .post_form(
                &format!("{}/phieu", self.base),
                &[
                    ("tieu_de", "Suy tôn năm 2024"),
                    ("hang_muc", "co_thi_dua_chinh_phu"),
                    ("hang_muc", "cum_truong"),
                    ("hang_muc", "cum_pho"),
                ],
            )
            .await;
        assert_redirect(r).await;
        self.ballot = self.s.t.store().ballots(self.cluster, 2024).await.unwrap()[0].id;
    }

    /// The ballot's voting form address.
    pub fn vote_path(&self) -> String {
        format!("{}/phieu/{}/bo-phieu", self.base, self.ballot)
    }

    /// Clerk `i` votes for their unit: a and b for the flag, b leader, c deputy of 2025.
    pub async fn vote(&self, i: usize) -> Response {
        let own = self.units[i].to_string();
        let (a, b, c) = (
            self.units[0].to_string(),
            self.units[1].to_string(),
            self.units[2].to_string(),
        );
        self.clerks[i]
            .post_form(
                &self.vote_path(),
                &[
                    ("don_vi", own.as_str()),
                    ("c_co_thi_dua_chinh_phu", &a),
                    ("c_co_thi_dua_chinh_phu", &b),
                    ("c_cum_truong_2025", &b),
                    ("c_cum_pho_2025", &c),
                ],
            )
            .await
    }
}

/// The block `cum` of 2026 with tinh_a and tinh_b, as the covenant editor finds it: the
/// manager `chuyenvien` and the clerk `cb_a` of tinh_a, logged in.
pub struct Editor {
    pub s: Server,
    pub cluster: i64,
    pub a: i64,
    pub b: i64,
    pub mgr: Browser,
    pub clerk: Browser,
    /// The conference page of the year: `/cum-thi-dua/{id}/nam/2026`.
    pub base: String,
}

impl Editor {
    pub async fn new(b: Backend) -> Self {
        let t = TestApp::new(b).await;
        let vn = t.unit("vn", None).await;
        let a = t.unit("tinh_a", Some(vn.id)).await.id;
        let bb = t.unit("tinh_b", Some(vn.id)).await.id;
        let cluster = cluster(
            &t,
            vn.id,
            ("cum", "Cụm"),
            ClusterKind::Block,
            2026,
            &[a, bb],
        )
        .await;
        add_users(
            &t,
            &[
                ("chuyenvien", "chuyen_vien_ban", "vn"),
                ("cb_a", "can_bo_don_vi", "tinh_a"),
            ],
        )
        .await;
        let s = Server::serve(t).await;
        let mgr = s.login("chuyenvien").await;
        let clerk = s.login("cb_a").await;
        Self {
            s,
            cluster,
            a,
            b: bb,
            mgr,
            clerk,
            base: format!("/cum-thi-dua/{cluster}/nam/2026"),
        }
    }

    /// The editor's address.
    pub fn path(&self) -> String {
        format!("{}/giao-uoc/sua", self.base)
    }

    /// One row of the editor's form.
    pub fn row(kind: &str, id: &str, name: &str, max: &str, scale: &str) -> Vec<(String, String)> {
        vec![
            ("loai".to_string(), kind.to_string()),
            ("ma".into(), id.into()),
            ("ten".into(), name.into()),
            ("toi_da".into(), max.into()),
            ("thang".into(), scale.into()),
            ("huong_dan".into(), "".into()),
            ("minh_chung".into(), "Báo cáo năm".into()),
        ]
    }

    /// The form as first typed (the token is added when posting): a group and two criteria,
    /// the second with «abc» for its maximum, on line 3.
    pub fn typed_form() -> Vec<(String, String)> {
        let mut form = vec![
            ("tieu_de".to_string(), "Giao ước năm 2026".to_string()),
            ("phuong_phap".into(), "median".into()),
        ];
        form.extend(Self::row("nhom", "1", "Nhiệm vụ chuyên môn", "", ""));
        form.extend(Self::row("score", "1.1", "Hoàn thành chỉ tiêu", "40", ""));
        form.extend(Self::row(
            "score",
            "1.2",
            "Giải ngân vốn đầu tư công",
            "abc",
            "",
        ));
        form
    }

    /// The typed form corrected: line 3's maximum is 10, and a criterion scored from an
    /// indicator's scale and a penalty are added. (The lone extra `thang` field is as the
    /// original scenario sent it.)
    pub fn corrected_form() -> Vec<(String, String)> {
        let mut form = Self::typed_form();
        let last = form.len() - 4;
        form[last].1 = "10".into();
        form.push(("thang".into(), "".into()));
        form.extend(Self::row(
            "score",
            "1.3",
            "Giải ngân (tính từ chỉ số)",
            "10",
            "90:0; 100:8; 110:10",
        ));
        form.extend(Self::row("penalty", "9", "Điểm trừ vi phạm", "5", ""));
        form
    }

    /// The manager saves [`Editor::corrected_form`].
    pub async fn save_covenant(&self) {
        let r = self
            .mgr
            .post_form(&self.path(), &Self::corrected_form())
            .await;
        assert_redirect(r).await;
    }
}
