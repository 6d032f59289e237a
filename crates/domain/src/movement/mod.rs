//! Emulation movements (phong trào thi đua): what an authority launches for a period, who it
//! targets, the titles units register for, the milestones they report at, and the lifecycle from
//! draft to closed. The classification codes follow report form 0601 of Circular 02/2023/TT-BNV
//! (launching level, scope, duration band, method).

pub mod progress;

use time::Date;

use crate::Invalid;
use crate::access::Role;
use crate::dossier::{Refusal, check_role_and_reason};

code_enum!(
    /// Launching level (cấp phát động) — the rows of form 0601.
    LaunchLevel, "Cấp phát động" {
        Central = "trung_uong", "Trung ương (Thủ tướng Chính phủ, Hội đồng TĐKT Trung ương)";
        MinistryProvince = "bo_tinh", "Bộ, ban, ngành, tỉnh, thành phố";
        Agency = "co_quan_don_vi", "Cơ quan, đơn vị";
    }
);

code_enum!(
    MovementKind, "Loại phong trào" {
        Regular = "thuong_xuyen", "Thường xuyên, hằng năm";
        Thematic = "chuyen_de", "Theo chuyên đề, theo đợt";
        AdHoc = "dot_xuat", "Đột xuất";
        Special = "dac_biet", "Đặc biệt";
    }
);

code_enum!(
    MovementScope, "Phạm vi phong trào" {
        Nationwide = "toan_quoc", "Toàn quốc";
        MinistryProvince = "bo_tinh", "Bộ, ngành, địa phương";
        ClusterBlock = "cum_khoi", "Cụm, khối thi đua";
        Agency = "co_quan", "Cơ quan, đơn vị";
    }
);

code_enum!(
    /// The duration columns of form 0601.
    DurationBand, "Thời gian phát động" {
        UnderOne = "duoi_1_nam", "Dưới 1 năm";
        One = "1_nam", "1 năm";
        OneToThree = "tren_1_den_3_nam", "Trên 1 năm đến 3 năm";
        ThreeToFive = "tren_3_den_5_nam", "Trên 3 năm đến dưới 5 năm";
        FivePlus = "tu_5_nam", "Từ 5 năm trở lên";
    }
);

code_enum!(
    /// Which units a movement targets.
    TargetKind, "Đối tượng phát động" {
        Subtree = "cay_don_vi", "Một đơn vị và các đơn vị trực thuộc";
        Cluster = "cum_khoi", "Các thành viên của một cụm, khối thi đua";
        List = "danh_sach", "Danh sách đơn vị";
    }
);

code_enum!(
    MovementState, "Trạng thái phong trào" {
        Draft = "du_thao", "Dự thảo";
        Launched = "da_phat_dong", "Đã phát động";
        UnderWay = "dang_trien_khai", "Đang triển khai";
        MidReviewed = "da_so_ket", "Đã sơ kết";
        Reviewed = "da_tong_ket", "Đã tổng kết";
        Closed = "da_ket_thuc", "Đã kết thúc";
        Cancelled = "da_huy", "Đã huỷ";
    }
);

code_enum!(
    MovementStep, "Thao tác với phong trào" {
        Launch = "phat_dong", "Phát động";
        Start = "trien_khai", "Bắt đầu triển khai";
        MidReview = "so_ket", "Sơ kết";
        Resume = "tiep_tuc", "Tiếp tục triển khai sau sơ kết";
        FinalReview = "tong_ket", "Tổng kết";
        Close = "ket_thuc", "Kết thúc";
        Cancel = "huy", "Huỷ phong trào";
    }
);

code_enum!(
    MilestoneKind, "Loại mốc báo cáo" {
        Interim = "so_ket", "Sơ kết";
        Final = "tong_ket", "Tổng kết";
    }
);

code_enum!(
    /// What an indicator counts.
    Measure, "Loại chỉ tiêu" {
        Count = "so", "Số lượng";
        Percent = "phan_tram", "Tỷ lệ (%)";
        Money = "tien", "Số tiền (đồng)";
    }
);

code_enum!(
    /// Whom a registration line is for.
    Subject, "Đối tượng đăng ký" {
        Collective = "tap_the", "Tập thể";
        Individual = "ca_nhan", "Cá nhân";
    }
);

code_enum!(
    /// How a registration version came in.
    RegistrationSource, "Cách đăng ký" {
        Form = "bieu_mau", "Nhập trên biểu mẫu";
        Spreadsheet = "tep_xlsx", "Tải lên tệp XLSX";
    }
);

code_enum!(
    /// What to do with a year-end nominee who did not register (setting
    /// `movements.unregistered_nominee`): practice differs between provinces.
    UnregisteredPolicy, "Xử lý người chưa đăng ký thi đua" {
        Flag = "canh_bao", "Cảnh báo, vẫn cho đề nghị";
        Block = "chan", "Không cho đề nghị";
        Ignore = "bo_qua", "Không kiểm tra";
    }
);

/// The 0601 duration band of a movement running from `start` to `end` (both inclusive),
/// counted in whole months rounded to the nearest: a movement of 15/1–31/12 is a one-year one.
pub fn duration_band(start: Date, end: Date) -> DurationBand {
    let days = (end - start).whole_days() + 1;
    let months = (days as f64 / 30.4375).round() as i64;
    match months {
        m if m < 12 => DurationBand::UnderOne,
        12 => DurationBand::One,
        m if m <= 36 => DurationBand::OneToThree,
        m if m < 60 => DurationBand::ThreeToFive,
        _ => DurationBand::FivePlus,
    }
}

pub struct Transition {
    pub from: MovementState,
    pub step: MovementStep,
    pub to: MovementState,
    pub roles: &'static [Role],
}

use MovementState::*;
use MovementStep::*;
use Role::{BoardLeader, BoardSpecialist};

const BOARD: &[Role] = &[BoardSpecialist, BoardLeader];
const LEADER: &[Role] = &[BoardLeader];

const fn t(
    from: MovementState,
    step: MovementStep,
    to: MovementState,
    roles: &'static [Role],
) -> Transition {
    Transition {
        from,
        step,
        to,
        roles,
    }
}

/// Every transition of a movement (docs/movements.md draws it). The board keeps the movement;
/// once it has been launched only the leader may cancel it, with a reason.
pub const TRANSITIONS: &[Transition] = &[
    t(Draft, Launch, Launched, BOARD),
    t(Draft, Cancel, Cancelled, BOARD),
    t(Launched, Start, UnderWay, BOARD),
    t(Launched, Cancel, Cancelled, LEADER),
    t(UnderWay, MidReview, MidReviewed, BOARD),
    t(UnderWay, FinalReview, Reviewed, BOARD),
    t(UnderWay, Cancel, Cancelled, LEADER),
    t(MidReviewed, Resume, UnderWay, BOARD),
    t(MidReviewed, FinalReview, Reviewed, BOARD),
    t(Reviewed, Close, Closed, BOARD),
];

impl MovementState {
    /// Launched and not cancelled: shown publicly, open to registration and reports.
    pub fn is_public(self) -> bool {
        !matches!(self, Draft | Cancelled)
    }

    /// Units may register and report.
    pub fn is_open(self) -> bool {
        matches!(self, Launched | UnderWay | MidReviewed)
    }

    /// At a review (sơ kết or tổng kết) the board may propose outstanding units.
    pub fn is_reviewed(self) -> bool {
        matches!(self, MidReviewed | Reviewed)
    }

    /// The movement's own fields (name, targets, criteria, milestones) may still change.
    pub fn is_editable(self) -> bool {
        self == Draft
    }
}

impl MovementStep {
    pub fn needs_reason(self) -> bool {
        self == Cancel
    }
}

/// The state after `step`, or why not.
pub fn next(
    from: MovementState,
    step: MovementStep,
    role: Role,
    reason: Option<&str>,
) -> Result<MovementState, Refusal> {
    let Some(tr) = TRANSITIONS
        .iter()
        .find(|t| t.from == from && t.step == step)
    else {
        return Err(Refusal::NotFromHere(format!(
            "Phong trào đang ở trạng thái «{}»: không thể «{}»",
            from.label(),
            step.label()
        )));
    };
    check_role_and_reason(
        "phong trào",
        from.label(),
        step.label(),
        tr.roles,
        role,
        step.needs_reason(),
        reason,
    )?;
    Ok(tr.to)
}

/// The steps open from a state for a role (the buttons a page shows).
pub fn steps_for(from: MovementState, role: Role) -> Vec<MovementStep> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == from && t.roles.contains(&role))
        .map(|t| t.step)
        .collect()
}

/// What a launch needs besides the draft's own checks: the launch decision on record.
pub fn launch_ready(
    decision_number: Option<&str>,
    decision_date: Option<Date>,
    decision_signer: Option<&str>,
    targets: usize,
) -> Result<(), Invalid> {
    let blank = |s: Option<&str>| s.is_none_or(|s| s.trim().is_empty());
    if blank(decision_number) {
        return Err(Invalid::new(
            "decision_number",
            "Cần ghi số, ký hiệu quyết định (kế hoạch) phát động trước khi phát động",
        ));
    }
    if decision_date.is_none() {
        return Err(Invalid::new(
            "decision_date",
            "Cần ghi ngày ký quyết định phát động",
        ));
    }
    if blank(decision_signer) {
        return Err(Invalid::new(
            "decision_signer",
            "Cần ghi người ký quyết định phát động",
        ));
    }
    if targets == 0 {
        return Err(Invalid::new(
            "targets",
            "Phong trào chưa có đơn vị nào thuộc đối tượng phát động",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
