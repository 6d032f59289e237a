//! The nomination dossier's workflow: one state machine for every level. A transition names who
//! may make it; the store applies it with the version the caller saw (optimistic concurrency)
//! and audits it. Nothing here deletes: a returned dossier keeps its documents and versions.

pub mod council;
pub mod decision;
pub mod procedure;

use crate::Invalid;
use crate::access::Role;

code_enum!(
    /// Type of commendation (loại hình khen thưởng).
    CommendationType, "Loại hình khen thưởng" {
        CongTrang = "cong_trang", "Khen thưởng công trạng";
        DotXuat = "dot_xuat", "Khen thưởng đột xuất";
        ChuyenDe = "chuyen_de", "Khen thưởng theo đợt, chuyên đề";
        CongHien = "cong_hien", "Khen thưởng quá trình cống hiến";
        NienHan = "nien_han", "Khen thưởng theo niên hạn";
        DoiNgoai = "doi_ngoai", "Khen thưởng đối ngoại";
    }
);

code_enum!(
    State, "Trạng thái hồ sơ" {
        Draft = "du_thao", "Dự thảo";
        Submitted = "da_gui", "Đã gửi";
        Received = "da_tiep_nhan", "Đã tiếp nhận";
        UnderAppraisal = "dang_tham_dinh", "Đang thẩm định";
        Returned = "tra_lai_bo_sung", "Trả lại để bổ sung";
        Appraised = "da_tham_dinh", "Đã thẩm định";
        Consultation = "lay_y_kien", "Đang lấy ý kiến công khai";
        CouncilVote = "hoi_dong_bo_phieu", "Hội đồng bỏ phiếu";
        Approved = "da_duyet", "Đã trình duyệt";
        DecisionIssued = "da_ra_quyet_dinh", "Đã ban hành quyết định";
        Awarded = "da_trao", "Đã trao khen thưởng";
        Forwarded = "chuyen_cap_tren", "Chuyển cấp trên";
        Withdrawn = "da_rut", "Đơn vị đã rút";
        Rejected = "khong_duyet", "Không đề nghị khen thưởng";
        Revoked = "da_huy", "Đã huỷ khen thưởng";
    }
);

code_enum!(
    Step, "Thao tác với hồ sơ" {
        Submit = "gui", "Gửi hồ sơ";
        Withdraw = "rut", "Rút hồ sơ";
        Receive = "tiep_nhan", "Tiếp nhận";
        StartAppraisal = "tham_dinh", "Bắt đầu thẩm định";
        Return = "tra_lai", "Trả lại để bổ sung";
        Resubmit = "gui_bo_sung", "Gửi hồ sơ đã bổ sung";
        FinishAppraisal = "xong_tham_dinh", "Hoàn thành thẩm định";
        Publish = "cong_khai", "Đăng công khai lấy ý kiến";
        OpenVote = "mo_bo_phieu", "Đưa ra Hội đồng bỏ phiếu";
        Approve = "duyet", "Trình, duyệt khen thưởng";
        Forward = "chuyen_cap_tren", "Chuyển cấp trên (vượt thẩm quyền)";
        IssueDecision = "ra_quyet_dinh", "Ban hành quyết định";
        MarkAwarded = "da_trao", "Ghi nhận đã trao";
        Reject = "khong_duyet", "Không đề nghị khen thưởng";
        Revoke = "huy", "Huỷ khen thưởng";
    }
);

code_enum!(
    /// The specialist's appraisal of one nominee (`dossier_nominees.result`).
    AppraisalResult, "Kết quả thẩm định" {
        Passed = "dat", "Đạt";
        Failed = "khong_dat", "Không đạt";
    }
);

code_enum!(
    /// The eligibility check stored with a nominee's appraisal (`dossier_nominees.verdict`):
    /// the engine's verdict, or `manual` when no rule covers the award (or the nominee is
    /// neither a person nor a collective) and the specialist checks by hand.
    NomineeVerdict, "Kết quả kiểm tra tiêu chuẩn" {
        Eligible = "eligible", "Đủ tiêu chuẩn";
        NotEligible = "not_eligible", "Chưa đủ tiêu chuẩn";
        NeedsReview = "needs_review", "Cần xem xét";
        Manual = "manual", "Kiểm tra thủ công";
    }
);

impl From<crate::eligibility::VerdictKind> for NomineeVerdict {
    fn from(v: crate::eligibility::VerdictKind) -> Self {
        use crate::eligibility::VerdictKind as V;
        match v {
            V::Eligible => NomineeVerdict::Eligible,
            V::NotEligible => NomineeVerdict::NotEligible,
            V::NeedsReview => NomineeVerdict::NeedsReview,
        }
    }
}

impl NomineeVerdict {
    /// The result says what the check said; any other result needs a written reason.
    pub fn agrees(self, result: AppraisalResult) -> bool {
        matches!(
            (self, result),
            (NomineeVerdict::Eligible, AppraisalResult::Passed)
                | (NomineeVerdict::NotEligible, AppraisalResult::Failed)
        )
    }
}

code_enum!(
    /// A public comment's moderation (`dossier_comments.status`).
    CommentStatus, "Trạng thái ý kiến" {
        Pending = "cho_duyet", "Chờ duyệt";
        /// Shown publicly and attached to the dossier.
        Approved = "da_duyet", "Đã duyệt, đưa vào hồ sơ";
        Hidden = "an", "Không đăng";
    }
);

impl CommentStatus {
    /// What moderating may set.
    pub const DECISIONS: &'static [CommentStatus] =
        &[CommentStatus::Approved, CommentStatus::Hidden];
}

code_enum!(
    /// What a line of a dossier's timeline records (`dossier_events.kind`). A `chuyen_buoc`
    /// line also names its step and states; the page shows "step → state" for it.
    EventKind, "Loại sự kiện hồ sơ" {
        Created = "tao", "Lập hồ sơ";
        Moved = "chuyen_buoc", "Chuyển bước xử lý";
        Document = "tai_lieu", "Đính kèm tài liệu";
        Edited = "ho_so", "Sửa hồ sơ";
        Appraisal = "tham_dinh", "Kết quả thẩm định";
        Comment = "y_kien", "Ý kiến công khai";
        Council = "hoi_dong", "Hội đồng bỏ phiếu";
        Decision = "quyet_dinh", "Quyết định khen thưởng";
    }
);

code_enum!(
    /// Which paper of the dossier a document is (`dossier_documents.slot`).
    DocumentSlot, "Loại tài liệu" {
        Proposal = "to_trinh", "Tờ trình đề nghị khen thưởng";
        Report = "bao_cao_thanh_tich", "Báo cáo thành tích";
        Minutes = "bien_ban", "Biên bản họp và kết quả bỏ phiếu của Hội đồng đơn vị";
        Evidence = "minh_chung", "Tài liệu minh chứng";
        Other = "khac", "Tài liệu khác";
    }
);

code_enum!(
    /// Where a possible duplicate of a nominee was found.
    DuplicateSource, "Nơi trùng" {
        /// Another live dossier.
        Dossier = "ho_so", "Hồ sơ khác";
        /// Already in the register.
        Register = "so_khen_thuong", "Sổ khen thưởng";
    }
);

code_enum!(
    /// Why a nominee looks like a duplicate.
    DuplicateReason, "Lý do trùng" {
        /// The same award for the same year.
        SameAward = "cung_khen_thuong", "Cùng khen thưởng, cùng năm";
        /// The same achievement text.
        SameAchievement = "cung_thanh_tich", "Cùng thành tích";
    }
);

use CommendationType::DotXuat;
use Role::{BoardLeader, BoardSpecialist, UnitClerk};
use State::*;
use Step::*;

/// When a transition applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Always,
    /// The simplified procedure of sudden (đột xuất) commendation: no public consultation and
    /// no council vote.
    FastOnly,
    /// Only the regular procedure (public consultation and the council are not for sudden
    /// commendation).
    RegularOnly,
}

impl Path {
    pub fn applies(self, kind: CommendationType) -> bool {
        match self {
            Path::Always => true,
            Path::FastOnly => kind == DotXuat,
            Path::RegularOnly => kind != DotXuat,
        }
    }
}

pub struct Transition {
    pub from: State,
    pub step: Step,
    pub to: State,
    pub roles: &'static [Role],
    pub path: Path,
}

const fn t(from: State, step: Step, to: State, roles: &'static [Role], path: Path) -> Transition {
    Transition {
        from,
        step,
        to,
        roles,
        path,
    }
}

const CLERK: &[Role] = &[UnitClerk];
const SPECIALIST: &[Role] = &[BoardSpecialist];
const LEADER: &[Role] = &[BoardLeader];
const BOARD: &[Role] = &[BoardSpecialist, BoardLeader];
use Path::{Always, FastOnly, RegularOnly};

/// Every transition of the workflow (docs/dossiers.md draws it).
pub const TRANSITIONS: &[Transition] = &[
    t(Draft, Submit, Submitted, CLERK, Always),
    t(Draft, Withdraw, Withdrawn, CLERK, Always),
    t(Submitted, Withdraw, Withdrawn, CLERK, Always),
    t(Submitted, Receive, Received, SPECIALIST, Always),
    t(Received, StartAppraisal, UnderAppraisal, SPECIALIST, Always),
    t(Received, Return, Returned, SPECIALIST, Always),
    t(UnderAppraisal, Return, Returned, SPECIALIST, Always),
    t(Returned, Resubmit, UnderAppraisal, CLERK, Always),
    t(Returned, Withdraw, Withdrawn, CLERK, Always),
    t(
        UnderAppraisal,
        FinishAppraisal,
        Appraised,
        SPECIALIST,
        Always,
    ),
    t(Appraised, Publish, Consultation, SPECIALIST, RegularOnly),
    t(Consultation, OpenVote, CouncilVote, SPECIALIST, RegularOnly),
    // A regular dossier goes up after the council's vote; a sudden one right after appraisal.
    t(Appraised, Forward, Forwarded, BOARD, FastOnly),
    t(CouncilVote, Forward, Forwarded, BOARD, Always),
    t(CouncilVote, Approve, Approved, LEADER, Always),
    // Sudden commendation: straight from appraisal to the leader.
    t(Appraised, Approve, Approved, LEADER, FastOnly),
    t(Approved, IssueDecision, DecisionIssued, LEADER, Always),
    t(DecisionIssued, MarkAwarded, Awarded, SPECIALIST, Always),
    t(Received, Reject, Rejected, BOARD, Always),
    t(UnderAppraisal, Reject, Rejected, BOARD, Always),
    t(Appraised, Reject, Rejected, BOARD, Always),
    t(Consultation, Reject, Rejected, BOARD, Always),
    t(CouncilVote, Reject, Rejected, BOARD, Always),
    t(Approved, Reject, Rejected, LEADER, Always),
    t(Awarded, Revoke, Revoked, LEADER, Always),
];

impl State {
    /// No step leaves these (a revoked award is the end of an awarded one).
    pub fn is_final(self) -> bool {
        matches!(self, Withdrawn | Rejected | Revoked | Forwarded)
    }
}

impl Step {
    /// Steps that must say why: the proposing unit, the council and the register read it.
    pub fn needs_reason(self) -> bool {
        matches!(self, Return | Reject | Revoke | Withdraw)
    }
}

/// Why a step was refused, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a step from this state (or not on this type's path).
    NotFromHere(String),
    /// The step exists but this role may not make it.
    NotYourRole(String),
    /// A reason is required.
    Reason(Invalid),
}

/// The state after `step`, or why not.
pub fn next(
    from: State,
    step: Step,
    role: Role,
    kind: CommendationType,
    reason: Option<&str>,
) -> Result<State, Refusal> {
    let found: Vec<&Transition> = TRANSITIONS
        .iter()
        .filter(|t| t.from == from && t.step == step && t.path.applies(kind))
        .collect();
    let Some(tr) = found.first() else {
        return Err(Refusal::NotFromHere(format!(
            "Hồ sơ đang ở trạng thái «{}»: không thể «{}»",
            from.label(),
            step.label()
        )));
    };
    check_role_and_reason(
        "hồ sơ",
        from.label(),
        step.label(),
        tr.roles,
        role,
        step.needs_reason(),
        reason,
    )?;
    Ok(tr.to)
}

/// The two checks every transition table shares once the transition is found: the role must
/// be one the table names, and a step that needs a reason must have one (5 characters at
/// least). `thing` names what moves ("hồ sơ", "phong trào").
pub fn check_role_and_reason(
    thing: &str,
    from: &str,
    step: &str,
    roles: &[Role],
    role: Role,
    needs_reason: bool,
    reason: Option<&str>,
) -> Result<(), Refusal> {
    if !roles.contains(&role) {
        return Err(Refusal::NotYourRole(format!(
            "«{step}» {thing} ở trạng thái «{from}» là việc của {}",
            roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(" hoặc ")
        )));
    }
    if needs_reason && reason.is_none_or(|r| r.trim().chars().count() < 5) {
        return Err(Refusal::Reason(Invalid::new(
            "ly_do",
            format!("«{step}» cần ghi lý do (ít nhất 5 ký tự)"),
        )));
    }
    Ok(())
}

/// The steps open from a state for a role (the buttons a page shows).
pub fn steps_for(from: State, role: Role, kind: CommendationType) -> Vec<Step> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == from && t.roles.contains(&role) && t.path.applies(kind))
        .map(|t| t.step)
        .collect()
}

#[cfg(test)]
mod tests;
