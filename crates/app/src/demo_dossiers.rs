//! Demo dossiers of Cần Thơ, replayed through the use cases by the demo accounts with the clock
//! set to the day of each step, so that every inbox has something in it: one dossier of 2025
//! carried to the signed decision and handed-over certificates (decision 1/QĐ-UBND), one in the
//! council's vote (the `hoidong` account has not voted yet), one open for public comment, one
//! sudden commendation waiting to be received, and one draft. Seed 000 asks for fast ad-hoc
//! awards; seed 004 for tracking and submitting awards with IT.

use std::collections::BTreeMap;

use time::Duration;

use crate::decision::DecisionInput;
use crate::dossiers::{AppraisalInput, DossierInput, NomineeInput, StepInput};
use crate::{App, AppError, AppResult, Principal};
use tdkt_domain::dates::ymd;
use tdkt_domain::dossier::council::Choice;
use tdkt_domain::dossier::{AppraisalResult, DocumentSlot};

/// A small valid one-page PDF standing in for a scanned paper (ASCII text only).
pub fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = tdkt_domain::text::fold(title)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let stream = format!("BT /F1 14 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

async fn who(app: &App, username: &str) -> AppResult<Principal> {
    let u =
        app.store.user_by_username(username).await?.ok_or_else(|| {
            AppError::Internal(format!("dữ liệu demo thiếu tài khoản {username}"))
        })?;
    Ok(Principal {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        grants: app.store.user_grants(u.id).await?,
        csrf_token: None,
    })
}

struct Cast {
    clerk: Principal,
    specialist: Principal,
    leader: Principal,
    members: Vec<Principal>,
}

async fn step(
    app: &App,
    p: &Principal,
    id: i64,
    step: &str,
    reason: Option<&str>,
) -> AppResult<()> {
    let v = app.store.dossier(id).await?.version;
    app.dossier_step(
        p,
        id,
        StepInput {
            step: step.into(),
            version: v,
            reason: reason.map(str::to_string),
            days: None,
        },
    )
    .await?;
    Ok(())
}

async fn documents(app: &App, p: &Principal, id: i64, fast: bool) -> AppResult<()> {
    app.add_document(
        p,
        id,
        None,
        "to_trinh",
        Some("Tờ trình đề nghị khen thưởng"),
        "to-trinh.pdf",
        demo_pdf("To trinh de nghi khen thuong"),
    )
    .await?;
    if !fast {
        app.add_document(
            p,
            id,
            None,
            "bao_cao_thanh_tich",
            Some("Báo cáo thành tích"),
            "bao-cao-thanh-tich.pdf",
            demo_pdf("Bao cao thanh tich"),
        )
        .await?;
        app.add_document(
            p,
            id,
            None,
            "bien_ban",
            Some("Biên bản họp Hội đồng TĐKT Sở Nội vụ"),
            "bien-ban-hoi-dong.pdf",
            demo_pdf("Bien ban hop Hoi dong"),
        )
        .await?;
    }
    Ok(())
}

async fn appraise_all(app: &App, p: &Principal, id: i64, reason: &str) -> AppResult<()> {
    let d = app.store.dossier(id).await?;
    for n in &d.nominees {
        app.appraise_nominee(
            p,
            id,
            AppraisalInput {
                version: None,
                nominee_id: n.id,
                result: "dat".into(),
                override_reason: Some(reason.into()),
            },
        )
        .await?;
    }
    Ok(())
}

async fn vote_all(app: &App, members: &[Principal], id: i64) -> AppResult<()> {
    let d = app.store.dossier(id).await?;
    for m in members {
        let choices: BTreeMap<i64, Choice> = d
            .nominees
            .iter()
            .filter(|n| n.result == Some(AppraisalResult::Passed))
            .map(|n| (n.id, Choice::Agree))
            .collect();
        app.cast_council_vote(m, id, choices).await?;
    }
    Ok(())
}

/// Loads the demo dossiers; the clock is back to the real date afterwards.
pub async fn load(app: &App, unit_id: i64) -> AppResult<usize> {
    let cast = Cast {
        clerk: who(app, "canbo").await?,
        specialist: who(app, "chuyenvien").await?,
        leader: who(app, "lanhdao").await?,
        members: vec![
            who(app, "hoidong2").await?,
            who(app, "hoidong3").await?,
            who(app, "hoidong").await?,
        ],
    };
    let people = app
        .search_people(
            &cast.clerk,
            None,
            Some(unit_id),
            tdkt_store::Paging::new(Some(1), Some(50)),
        )
        .await?
        .items;
    let person = |name: &str| -> AppResult<i64> {
        people
            .iter()
            .find(|p| p.full_name == name)
            .map(|p| p.id)
            .ok_or_else(|| AppError::Internal(format!("dữ liệu demo thiếu {name}")))
    };
    let duc = person("Nguyễn Văn Đức")?;
    let khanh = person("Lâm Quốc Khánh")?;
    let diep = person("Trịnh Thị Ngọc Diệp")?;
    let ban = app.store.unit_by_code("can_tho.ban_tdkt").await?.id;
    let result = load_all(app, &cast, unit_id, duc, khanh, diep, ban).await;
    app.set_clock(None);
    result
}

#[allow(clippy::too_many_arguments)]
async fn load_all(
    app: &App,
    c: &Cast,
    unit: i64,
    duc: i64,
    khanh: i64,
    diep: i64,
    ban: i64,
) -> AppResult<usize> {
    let create = |title: &str, kind: &str, year: i32, nominees: Vec<NomineeInput>| DossierInput {
        title: title.into(),
        unit_id: unit,
        authority_id: None,
        kind: kind.into(),
        year,
        movement_id: None,
        cluster_proposal_id: None,
        nominees,
    };
    let n =
        |person: Option<i64>, collective: Option<i64>, award: &str, summary: &str| NomineeInput {
            person_id: person,
            unit_id: collective,
            award_code: award.into(),
            summary: summary.into(),
        };

    // 1. The year 2025, carried to the signed decision and the certificates handed over.
    app.set_clock(Some(ymd(2025, 11, 20)));
    let d1 = app
        .create_dossier(
            &c.clerk,
            create(
                "Đề nghị tặng Bằng khen của Chủ tịch UBND thành phố năm 2025",
                "cong_trang",
                2025,
                vec![
                    n(Some(duc), None, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ 5 năm liền (2021–2025); chủ trì số hoá sổ khen thưởng của thành phố sau hợp nhất"),
                    n(Some(khanh), None, "bang_khen_tinh", "Hoàn thành xuất sắc nhiệm vụ năm 2022, 2023; tham mưu sắp xếp tổ chức bộ máy sau sáp nhập"),
                ],
            ),
        )
        .await?
        .id;
    documents(app, &c.clerk, d1, false).await?;
    step(app, &c.clerk, d1, "gui", None).await?;
    app.set_clock(Some(ymd(2025, 11, 24)));
    step(app, &c.specialist, d1, "tiep_nhan", None).await?;
    step(app, &c.specialist, d1, "tham_dinh", None).await?;
    app.set_clock(Some(ymd(2025, 11, 26)));
    step(
        app,
        &c.specialist,
        d1,
        "tra_lai",
        Some("Báo cáo thành tích chưa có xác nhận của Thủ trưởng đơn vị"),
    )
    .await?;
    app.set_clock(Some(ymd(2025, 11, 28)));
    let report = app
        .store
        .dossier_documents(d1)
        .await?
        .into_iter()
        .find(|x| x.slot == DocumentSlot::Report)
        .map(|x| x.id);
    app.add_document(
        &c.clerk,
        d1,
        report,
        "bao_cao_thanh_tich",
        None,
        "bao-cao-thanh-tich-da-xac-nhan.pdf",
        demo_pdf("Bao cao thanh tich da xac nhan"),
    )
    .await?;
    step(app, &c.clerk, d1, "gui_bo_sung", None).await?;
    app.set_clock(Some(ymd(2025, 12, 1)));
    appraise_all(
        app,
        &c.specialist,
        d1,
        "Đối chiếu minh chứng: thành tích nổi bật trong sắp xếp bộ máy năm 2025",
    )
    .await?;
    step(app, &c.specialist, d1, "xong_tham_dinh", None).await?;
    step(app, &c.specialist, d1, "cong_khai", None).await?;
    app.set_clock(Some(ymd(2025, 12, 10)));
    step(app, &c.specialist, d1, "mo_bo_phieu", None).await?;
    vote_all(app, &c.members, d1).await?;
    app.close_council_vote(&c.specialist, d1).await?;
    app.set_clock(Some(ymd(2025, 12, 12)));
    step(app, &c.leader, d1, "duyet", None).await?;
    app.set_clock(Some(ymd(2025, 12, 15)));
    let v = app.store.dossier(d1).await?.version;
    app.issue_decision(
        &c.leader,
        d1,
        DecisionInput {
            version: v,
            signed_on: "2025-12-15".into(),
            signer_name: "Trần Văn Minh".into(),
            signer_title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
            proposal: Some("Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 245/TTr-SNV ngày 20 tháng 11 năm 2025.".into()),
        },
    )
    .await?;
    app.set_clock(Some(ymd(2025, 12, 22)));
    step(app, &c.specialist, d1, "da_trao", None).await?;

    let today = crate::today();
    // 2. In the council's vote: two members have voted, the demo's `hoidong` has not.
    app.set_clock(Some(today - Duration::days(20)));
    let d2 = app
        .create_dossier(
            &c.clerk,
            create(
                "Đề nghị tặng Cờ thi đua của UBND thành phố năm 2025",
                "cong_trang",
                2025,
                vec![n(None, Some(ban), "co_thi_dua_tinh", "Tập thể dẫn đầu khối các cơ quan tham mưu tổng hợp năm 2025; hoàn thành số hoá hồ sơ khen thưởng")],
            ),
        )
        .await?
        .id;
    documents(app, &c.clerk, d2, false).await?;
    step(app, &c.clerk, d2, "gui", None).await?;
    app.set_clock(Some(today - Duration::days(18)));
    step(app, &c.specialist, d2, "tiep_nhan", None).await?;
    step(app, &c.specialist, d2, "tham_dinh", None).await?;
    appraise_all(
        app,
        &c.specialist,
        d2,
        "Kết quả chấm điểm khối thi đua năm 2025: đứng đầu khối",
    )
    .await?;
    step(app, &c.specialist, d2, "xong_tham_dinh", None).await?;
    step(app, &c.specialist, d2, "cong_khai", None).await?;
    app.set_clock(Some(today - Duration::days(2)));
    step(app, &c.specialist, d2, "mo_bo_phieu", None).await?;
    vote_all(app, &c.members[..2], d2).await?;

    // 3. Open for public comment.
    app.set_clock(Some(today - Duration::days(6)));
    let d3 = app
        .create_dossier(
            &c.clerk,
            create(
                "Đề nghị tặng danh hiệu Chiến sĩ thi đua thành phố năm 2025",
                "cong_trang",
                2025,
                vec![n(Some(diep), None, "chien_si_thi_dua_tinh", "Ba năm liền đạt danh hiệu Chiến sĩ thi đua cơ sở; sáng kiến tra cứu lịch sử khen thưởng không dấu được áp dụng toàn thành phố")],
            ),
        )
        .await?
        .id;
    documents(app, &c.clerk, d3, false).await?;
    step(app, &c.clerk, d3, "gui", None).await?;
    app.set_clock(Some(today - Duration::days(4)));
    step(app, &c.specialist, d3, "tiep_nhan", None).await?;
    step(app, &c.specialist, d3, "tham_dinh", None).await?;
    appraise_all(
        app,
        &c.specialist,
        d3,
        "Đã đối chiếu quyết định công nhận sáng kiến cấp thành phố",
    )
    .await?;
    step(app, &c.specialist, d3, "xong_tham_dinh", None).await?;
    app.set_clock(Some(today - Duration::days(1)));
    step(app, &c.specialist, d3, "cong_khai", None).await?;

    // 4. A sudden commendation (simplified procedure), waiting to be received.
    app.set_clock(Some(today));
    let d4 = app
        .create_dossier(
            &c.clerk,
            create(
                "Đề nghị khen thưởng đột xuất cán bộ hỗ trợ người dân khắc phục hậu quả triều cường",
                "dot_xuat",
                today.year(),
                vec![n(Some(khanh), None, "bang_khen_tinh", "Trực tiếp tổ chức di dời 120 hộ dân khỏi vùng sạt lở bờ sông trong đêm")],
            ),
        )
        .await?
        .id;
    documents(app, &c.clerk, d4, true).await?;
    step(app, &c.clerk, d4, "gui", None).await?;

    // 5. A draft the clerk is still preparing.
    app.create_dossier(
        &c.clerk,
        create(
            "Đề nghị công nhận danh hiệu Tập thể lao động xuất sắc năm 2025",
            "cong_trang",
            2025,
            vec![n(None, Some(ban), "tap_the_lao_dong_xuat_sac", "Hoàn thành xuất sắc nhiệm vụ năm 2025; 100% cán bộ hoàn thành tốt nhiệm vụ trở lên")],
        ),
    )
    .await?;
    Ok(5)
}
