//! The demo dataset loads completely on both backends and tells the seeds' story.

use tdkt_app::demo::{ACCOUNTS, DEMO_PASSWORD};
use tdkt_domain::cluster::MemberRole;
use tdkt_domain::unit::LineageKind;
use tdkt_store::{Paging, UnitFilter};
use time::macros::date;

use tdkt_app::on_both;
use tdkt_app::testing::{Backend, TestApp};

on_both!(
    demo_loads_the_seeds,
    demo_dossiers_fill_every_inbox,
    a_dossier_starts_from_a_cluster_election,
    demo_plays_the_year_end_round_of_can_tho
);

async fn demo_loads_the_seeds(b: Backend) {
    let t = TestApp::new(b).await;
    let r = tdkt_app::demo::load(&t.app).await.unwrap();
    // 1 nation + 1 council + 63 pre-2025 provinces + 23 merged successors + 8 districts
    // + 5 departments × 34 provinces + the round's 9 sub-units of Sở Y tế Cần Thơ and 1 ward.
    assert_eq!(r.units, 1 + 1 + 63 + 23 + 8 + 170 + 9 + 1);
    assert_eq!(r.lineage_events, 23 + 1);
    // people.csv, then the round's 300 generated in Sở Y tế and 40 in the ward.
    assert_eq!(r.people, 110 + 300 + 40);
    assert_eq!(
        (r.clusters, r.accounts),
        (4, ACCOUNTS.len() + tdkt_app::demo::round_accounts().len())
    );
    let s = t.store();

    // 34 provincial units in force today, 63 on the eve of the merger.
    let vn = s.unit_by_code("vn").await.unwrap();
    let count_on = |day| UnitFilter {
        parent: Some(Some(vn.id)),
        active_on: Some(day),
        paging: Paging::new(None, Some(200)),
        ..Default::default()
    };
    let now = s
        .list_units(&count_on(date!(2025 - 07 - 01)))
        .await
        .unwrap();
    assert_eq!(
        now.items.iter().filter(|u| u.code != "hdtdkt_tw").count(),
        34
    );
    let before = s
        .list_units(&count_on(date!(2025 - 06 - 30)))
        .await
        .unwrap();
    assert_eq!(
        before
            .items
            .iter()
            .filter(|u| u.code != "hdtdkt_tw")
            .count(),
        63
    );

    // Gia Lai today = old Gia Lai + Bình Định, merged on 2025-07-01.
    let gl = s.unit_by_code("gia_lai").await.unwrap();
    let lineage = s.unit_lineage(gl.id).await.unwrap();
    assert_eq!(lineage.len(), 1);
    assert_eq!(lineage[0].kind, LineageKind::Merge);
    let mut from: Vec<&str> = lineage[0].from.iter().map(|u| u.name.as_str()).collect();
    from.sort();
    assert_eq!(from, ["Tỉnh Bình Định", "Tỉnh Gia Lai"]);
    let bd = s.unit_by_code("binh_dinh").await.unwrap();
    assert_eq!(bd.valid_to, Some(date!(2025 - 06 - 30)));
    // Huế: renamed, same unit, old name kept in its history.
    let hue = s.unit_by_code("hue").await.unwrap();
    assert_eq!(hue.name, "Thành phố Huế");
    assert_eq!(
        s.unit_history(hue.id).await.unwrap()[0].name,
        "Tỉnh Thừa Thiên Huế"
    );

    // Seed 003: the 2022 cluster of 10 and the 2023 leader and deputy, as units of that time.
    let clusters = s.list_clusters().await.unwrap();
    let c003 = clusters
        .iter()
        .find(|c| c.source.as_deref() == Some("003_cd6b7fc1dfca41e7.txt"))
        .unwrap();
    let y2022 = c003.years.iter().find(|y| y.year == 2022).unwrap();
    assert_eq!(y2022.members.len(), 10);
    assert!(
        y2022
            .members
            .iter()
            .all(|m| m.unit_valid_to == Some(date!(2025 - 06 - 30)))
    );
    let y2023 = c003.years.iter().find(|y| y.year == 2023).unwrap();
    let role_of = |name: &str| {
        y2023
            .members
            .iter()
            .find(|m| m.unit.name == name)
            .map(|m| m.role)
    };
    assert_eq!(role_of("Tỉnh Bình Định"), Some(MemberRole::Leader));
    assert_eq!(role_of("Tỉnh Lâm Đồng"), Some(MemberRole::Deputy));
    // Seed 000: Hậu Giang led 2020, Kiên Giang 2021 with Đồng Tháp and Sóc Trăng deputies.
    let c000 = clusters
        .iter()
        .find(|c| c.source.as_deref() == Some("000_bdbce0128a980f0d.txt"))
        .unwrap();
    let leader = |y: i32| {
        c000.years
            .iter()
            .find(|x| x.year == y)
            .unwrap()
            .members
            .iter()
            .filter(|m| m.role == MemberRole::Leader)
            .map(|m| m.unit.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(leader(2020), ["Tỉnh Hậu Giang"]);
    assert_eq!(leader(2021), ["Tỉnh Kiên Giang"]);
    // Seed 002: districts of Hậu Giang.
    let c002 = clusters
        .iter()
        .find(|c| c.source.as_deref() == Some("002_26d3e9c8a0082f80.txt"))
        .unwrap();
    assert_eq!(
        c002.years
            .iter()
            .find(|y| y.year == 2024)
            .unwrap()
            .members
            .iter()
            .find(|m| m.role == MemberRole::Leader)
            .unwrap()
            .unit
            .name,
        "Huyện Châu Thành"
    );

    // Every demo account logs in; the specialist of Cần Thơ finds only Cần Thơ's Nguyễn Văn Đức.
    for (username, ..) in ACCOUNTS {
        t.app
            .login(username, DEMO_PASSWORD, "127.0.0.1".parse().unwrap())
            .await
            .unwrap();
    }
    let ok = t
        .app
        .login("chuyenvien", DEMO_PASSWORD, "127.0.0.1".parse().unwrap())
        .await
        .unwrap();
    let p = t
        .app
        .session_principal(&ok.session_token)
        .await
        .unwrap()
        .unwrap();
    let found = t
        .app
        .search_people(&p, Some("nguyen van duc"), None, Paging::default())
        .await
        .unwrap();
    assert!(
        found.items.iter().all(|x| x.unit_name.contains("Cần Thơ")),
        "{:?}",
        found.items
    );
    assert!(found.items.iter().any(|x| x.full_name == "Nguyễn Văn Đức"));
    let ok = t
        .app
        .login("quantri", DEMO_PASSWORD, "127.0.0.1".parse().unwrap())
        .await
        .unwrap();
    let admin = t
        .app
        .session_principal(&ok.session_token)
        .await
        .unwrap()
        .unwrap();
    let all = t
        .app
        .search_people(&admin, Some("Nguyễn Văn Đức"), None, Paging::default())
        .await
        .unwrap();
    assert!(all.total > found.total);

    // The replayed 2022 conference of seed 003: proposals and the 2023 roles from the ballot.
    let c003 = s.cluster(c003.id).await.unwrap();
    let props = s.cluster_proposals(c003.id, 2022).await.unwrap();
    let mut got: Vec<(String, String)> = props
        .iter()
        .map(|p| (p.award_code.clone(), p.unit_name.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "bang_khen_thu_tuong".to_string(),
                "Tỉnh Quảng Ngãi".to_string()
            ),
            ("bang_khen_thu_tuong".into(), "Tỉnh Đắk Lắk".into()),
            ("co_thi_dua_chinh_phu".into(), "Tỉnh Bình Định".into()),
            ("co_thi_dua_chinh_phu".into(), "Tỉnh Đắk Nông".into()),
        ]
    );
    let y2023 = c003.years.iter().find(|y| y.year == 2023).unwrap();
    let roles: Vec<(&str, MemberRole)> = y2023
        .members
        .iter()
        .filter(|m| m.role != MemberRole::Member)
        .map(|m| (m.unit.name.as_str(), m.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("Tỉnh Bình Định", MemberRole::Leader),
            ("Tỉnh Lâm Đồng", MemberRole::Deputy)
        ]
    );
    assert_eq!(y2023.members.len(), 10);
    let ballots = s.ballots(c003.id, 2022).await.unwrap();
    assert_eq!(ballots.len(), 1);
    assert_eq!(ballots[0].rule_hash.as_ref().unwrap().len(), 64);
    // Seed 000: the 2020 ballot hands over to Kiên Giang, with Đồng Tháp and Sóc Trăng deputies.
    let c000 = s.cluster(c000.id).await.unwrap();
    assert!(
        c000.supervisor
            .as_deref()
            .is_some_and(|x| x.contains("phụ trách Cụm")),
        "the supervising council member of seed 000"
    );
    let y2021 = c000.years.iter().find(|y| y.year == 2021).unwrap();
    let mut roles: Vec<(&str, MemberRole)> = y2021
        .members
        .iter()
        .filter(|m| m.role != MemberRole::Member)
        .map(|m| (m.unit.name.as_str(), m.role))
        .collect();
    roles.sort();
    assert_eq!(
        roles,
        [
            ("Tỉnh Kiên Giang", MemberRole::Leader),
            ("Tỉnh Sóc Trăng", MemberRole::Deputy),
            ("Tỉnh Đồng Tháp", MemberRole::Deputy)
        ]
    );

    assert!(tdkt_app::audit::verify(s).await.unwrap().is_ok());
}

/// The demo's Cần Thơ dossiers: one signed and handed over with its register rows, one in the
/// council's vote waiting for the `hoidong` account, one open for public comment, one sudden
/// commendation waiting to be received, one draft.
async fn demo_dossiers_fill_every_inbox(b: Backend) {
    let t = TestApp::new(b).await;
    let r = tdkt_app::demo::load(&t.app).await.unwrap();
    assert_eq!(r.dossiers, 5);
    let s = t.store();
    let who = |name: &'static str| async move {
        let u = s.user_by_username(name).await.unwrap().unwrap();
        tdkt_app::Principal {
            user_id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            grants: s.user_grants(u.id).await.unwrap(),
            csrf_token: None,
        }
    };
    let section = |inbox: &[tdkt_app::dossiers::InboxSection], key: &str| -> Vec<String> {
        inbox
            .iter()
            .find(|x| x.key == key)
            .map(|x| x.items.iter().map(|d| d.title.clone()).collect())
            .unwrap_or_default()
    };
    let council = t.app.inbox(&who("hoidong").await).await.unwrap();
    assert_eq!(
        section(&council, "bo_phieu").len(),
        1,
        "one dossier waits for this member's vote"
    );
    let specialist = t.app.inbox(&who("chuyenvien").await).await.unwrap();
    assert_eq!(section(&specialist, "tiep_nhan").len(), 1);
    assert!(section(&specialist, "tiep_nhan")[0].contains("đột xuất"));
    let clerk = t.app.inbox(&who("canbo").await).await.unwrap();
    assert_eq!(section(&clerk, "don_vi").len(), 5);
    let open = t.app.public_consultations().await.unwrap();
    assert_eq!(open.len(), 1);
    // The signed decision of 2025 is in the register with its amounts, found without diacritics.
    let rows = t
        .app
        .search_register(
            &who("chuyenvien").await,
            &tdkt_app::register::RegisterQuery {
                q: Some("nguyen van duc".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0]
            .decision
            .as_deref()
            .unwrap()
            .starts_with("1/QĐ-UBND ngày 15/12/2025")
    );
    assert_eq!(rows[0].amount, Some(3_510_000));
    // The replay went back to the real date.
    assert_eq!(t.app.today(), tdkt_app::today());
}

/// The 2025 year-end round of Cần Thơ: two units rated, voted, decided their own titles and
/// sent the rest up; the city signed one decision over both units' dossiers.
async fn demo_plays_the_year_end_round_of_can_tho(b: Backend) {
    use tdkt_domain::dossier::State;
    use tdkt_domain::round::RoundProgress;
    let t = TestApp::new(b).await;
    let r = tdkt_app::demo::load(&t.app).await.unwrap();
    assert_eq!(r.round_units, 2);
    assert!(r.round_rated > 300, "{r:?}");
    assert!(r.round_decisions >= 4, "{r:?}");
    assert_eq!(r.round_dossiers, 2);
    assert!(r.batch_awardees >= 2, "{r:?}");
    let s = t.store();
    let can_tho = s.unit_by_code("can_tho").await.unwrap();
    let rounds = s.list_rounds(None).await.unwrap();
    let round = rounds
        .iter()
        .find(|x| x.authority_id == can_tho.id && x.year == 2025)
        .expect("the 2025 round of Cần Thơ");
    let units = s.round_units(round.id).await.unwrap();
    assert_eq!(units.len(), 2);
    let mut dossiers = Vec::new();
    for u in &units {
        assert!(
            matches!(u.progress, RoundProgress::SentUp | RoundProgress::Decided),
            "{u:?}"
        );
        let decisions = s.round_decisions(u.id).await.unwrap();
        assert!(
            decisions
                .iter()
                .any(|d| d.award_code.as_deref() == Some("lao_dong_tien_tien")),
            "{} has its LĐTT decision",
            u.unit_name
        );
        let all = s
            .candidates(u.id, &tdkt_store::CandidateFilter::default())
            .await
            .unwrap()
            .items;
        // The unit's decisions wrote the register: an LĐTT awardee holds the award and title.
        let awardee = all
            .iter()
            .find(|c| c.award_code == "lao_dong_tien_tien" && c.decision_id.is_some())
            .and_then(|c| c.person_id)
            .expect("an LĐTT awardee");
        let records = s.person_award_records(awardee).await.unwrap();
        assert!(
            records
                .iter()
                .any(|a| a.code == "lao_dong_tien_tien" && a.decision.is_some()),
            "{records:?}"
        );
        assert!(
            s.person_titles(awardee)
                .await
                .unwrap()
                .iter()
                .any(|x| x.year == 2025 && x.code == "lao_dong_tien_tien")
        );
        // A selection against the verdict keeps its reason.
        assert!(
            all.iter()
                .all(|c| c.reason.is_none() || c.reason.as_ref().is_some_and(|x| x.len() > 5))
        );
        for c in all.iter().filter_map(|c| c.dossier_id) {
            if !dossiers.contains(&c) {
                dossiers.push(c);
            }
        }
    }
    assert_eq!(dossiers.len(), 2, "one dossier to the city per unit");
    let decision = s.decision_of(dossiers[0]).await.unwrap().expect("decided");
    let covered = s.decision_dossiers(decision.id).await.unwrap();
    assert!(covered.len() >= 2, "{covered:?}");
    let mut proposing = Vec::new();
    for d in &covered {
        let d = s.dossier(*d).await.unwrap();
        assert_eq!(d.state, State::DecisionIssued);
        assert_eq!(d.authority_id, can_tho.id);
        // At the Board, after the units' own decisions, every nominee meets the rules: the
        // appraisal agrees with the verdict (the CSTĐ thành phố put forward against the round's
        // verdict now has her CSTĐ cơ sở 2025).
        for n in &d.nominees {
            assert_eq!(
                (n.verdict, n.override_reason.as_deref()),
                (Some(tdkt_domain::dossier::NomineeVerdict::Eligible), None),
                "{} ({})",
                n.name,
                n.award_code
            );
        }
        if !proposing.contains(&d.unit_id) {
            proposing.push(d.unit_id);
        }
    }
    assert_eq!(proposing.len(), 2, "the batch decision covers both units");
    assert_eq!(
        s.decision_of(dossiers[1]).await.unwrap().map(|d| d.id),
        Some(decision.id)
    );
    // The replay went back to the real date.
    assert_eq!(t.app.today(), tdkt_app::today());
}

/// Seed 003's conference elected Quảng Ngãi for the Prime Minister's certificate: Quảng Ngãi's
/// clerk opens a dossier from that election; the list must hold the elected unit and award, and
/// another province cannot use it.
async fn a_dossier_starts_from_a_cluster_election(b: Backend) {
    let t = TestApp::new(b).await;
    tdkt_app::demo::load(&t.app).await.unwrap();
    let s = t.store();
    // Quảng Ngãi as it was in 2022 (the merged province of 2025 has the same name).
    let mut elected = None;
    for u in s
        .list_units(&UnitFilter {
            q: Some("quang ngai".into()),
            paging: Paging::new(None, Some(50)),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
    {
        if let Some(p) = s
            .unit_cluster_proposals(u.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.award_code == "bang_khen_thu_tuong")
        {
            elected = Some((u, p));
        }
    }
    let (quang_ngai, pr) = elected.expect("the election of 2022");
    let clerk = clerk_of(s, "canbo_qng", quang_ngai.id).await;
    let input = |unit: i64, award: &str| tdkt_app::dossiers::DossierInput {
        title: "Đề nghị tặng Bằng khen của Thủ tướng theo kết quả suy tôn".into(),
        unit_id: unit,
        authority_id: None,
        kind: "cong_trang".into(),
        year: 2022,
        movement_id: None,
        cluster_proposal_id: Some(pr.id),
        nominees: vec![tdkt_app::dossiers::NomineeInput {
            person_id: None,
            unit_id: Some(quang_ngai.id),
            award_code: award.into(),
            summary: "Dẫn đầu cụm thi đua Tây Nguyên và duyên hải miền Trung năm 2022".into(),
        }],
    };
    // Another award than the one elected is refused.
    let e = t
        .app
        .create_dossier(&clerk, input(quang_ngai.id, "co_thi_dua_tinh"))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("cluster_proposal_id"), "{e}");
    let d = t
        .app
        .create_dossier(&clerk, input(quang_ngai.id, "bang_khen_thu_tuong"))
        .await
        .unwrap();
    assert_eq!(d.cluster_proposal_id, Some(pr.id));
    // A province above its power: the Prime Minister's certificate is forwarded.
    let v = t.app.dossier_view(&clerk, d.id).await.unwrap();
    assert_eq!(v.above_power, vec!["bang_khen_thu_tuong".to_string()]);
    // Another province's clerk cannot use Quảng Ngãi's election.
    let dak_lak = s
        .list_units(&UnitFilter {
            q: Some("dak lak".into()),
            paging: Paging::new(None, Some(50)),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|u| u.name == "Tỉnh Đắk Lắk")
        .unwrap();
    let other = clerk_of(s, "canbo_dlk", dak_lak.id).await;
    let mut bad = input(dak_lak.id, "bang_khen_thu_tuong");
    bad.nominees[0].unit_id = Some(dak_lak.id);
    let e = t.app.create_dossier(&other, bad).await.unwrap_err();
    assert_eq!(e.field(), Some("cluster_proposal_id"), "{e}");
}

/// A real clerk account of a unit (dossiers record who created them).
async fn clerk_of(s: &dyn tdkt_store::Store, username: &str, unit: i64) -> tdkt_app::Principal {
    let role = tdkt_domain::access::Role::UnitClerk;
    let u = s
        .create_user(
            &tdkt_store::Actor::system("test"),
            tdkt_store::NewUser {
                username: username.into(),
                display_name: username.into(),
                password_hash: "x".into(),
                grants: vec![(role, unit)],
            },
        )
        .await
        .unwrap();
    tdkt_app::testing::principal(u.id, role, unit)
}
