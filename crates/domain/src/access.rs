//! Who may do what, and where. Deny by default: a (role, action, reach) is allowed only when
//! `POLICY` lists it. Each role is granted on a unit and reaches that unit's subtree.

code_enum!(
    Role, "Vai trò" {
        Admin = "quan_tri", "Quản trị hệ thống";
        BoardSpecialist = "chuyen_vien_ban", "Chuyên viên Ban Thi đua - Khen thưởng";
        BoardLeader = "lanh_dao_ban", "Lãnh đạo Ban/Sở";
        CouncilMember = "thanh_vien_hoi_dong", "Thành viên Hội đồng Thi đua - Khen thưởng";
        UnitClerk = "can_bo_don_vi", "Cán bộ đơn vị";
        ClusterOfficer = "can_bo_cum", "Cán bộ cụm, khối thi đua";
        Viewer = "nguoi_xem", "Người xem";
    }
);

code_enum!(
    /// Every use case names one action.
    Action, "Thao tác" {
        UnitRead = "don_vi.xem", "Xem đơn vị";
        UnitWrite = "don_vi.sua", "Thêm, sửa đơn vị";
        LineageWrite = "don_vi.bien_dong", "Ghi biến động đơn vị (sáp nhập, chia tách…)";
        PersonRead = "ca_nhan.xem", "Xem hồ sơ cá nhân";
        PersonWrite = "ca_nhan.sua", "Thêm, sửa cá nhân và xếp loại";
        UserAdmin = "tai_khoan.quan_tri", "Quản trị tài khoản";
        ClusterManage = "cum.dieu_hanh", "Điều hành năm thi đua của cụm, khối (giao ước, chấm điểm, bỏ phiếu)";
        ClusterScore = "cum.cham_diem", "Chấm điểm thay mặt đơn vị thành viên";
        ClusterVote = "cum.bo_phieu", "Bỏ phiếu thay mặt đơn vị thành viên";
        InitiativeReview = "sang_kien.cong_nhan", "Ghi kết quả xét công nhận sáng kiến";
        CatalogWrite = "danh_muc.sua", "Thêm danh hiệu, hình thức khen thưởng của địa phương";
        DossierRead = "ho_so.xem", "Xem hồ sơ đề nghị khen thưởng";
        DossierPrepare = "ho_so.lap", "Lập, gửi, bổ sung, rút hồ sơ của đơn vị";
        DossierProcess = "ho_so.tham_dinh", "Tiếp nhận, thẩm định, lấy ý kiến, đưa ra Hội đồng";
        DossierDecide = "ho_so.phe_duyet", "Duyệt, ký quyết định, huỷ khen thưởng";
        CouncilVote = "hoi_dong.bo_phieu", "Bỏ phiếu kín của thành viên Hội đồng";
        TemplateWrite = "mau_in.sua", "Sửa mẫu in bằng khen, giấy khen";
        MovementManage = "phong_trao.quan_ly", "Soạn, phát động, sơ kết, tổng kết phong trào thi đua";
        MovementRegister = "phong_trao.dang_ky", "Đăng ký thi đua của đơn vị";
        MovementReport = "phong_trao.bao_cao", "Nộp báo cáo sơ kết, tổng kết phong trào của đơn vị";
        MovementFollow = "phong_trao.theo_doi", "Xem đăng ký thi đua và báo cáo phong trào của đơn vị";
        RoundManage = "binh_xet.quan_ly", "Mở đợt bình xét cuối năm, theo dõi tiến độ các đơn vị";
        RoundRate = "binh_xet.danh_gia", "Nhập đánh giá, xếp loại; lập danh sách bình xét; tổ chức bỏ phiếu; gửi cấp trên";
        RoundDecide = "binh_xet.quyet_dinh", "Ban hành quyết định khen thưởng cuối năm của đơn vị";
    }
);

/// Where the target lies relative to the unit a role is granted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// The granted unit itself.
    Own,
    /// A unit below the granted one.
    Subtree,
    /// Anywhere else.
    Other,
}

impl Reach {
    pub const ALL: &'static [Reach] = &[Reach::Own, Reach::Subtree, Reach::Other];
}

use Action::*;
use Reach::*;
use Role::*;

const IN_TREE: &[Reach] = &[Own, Subtree];
const ANYWHERE: &[Reach] = &[Own, Subtree, Other];
const OWN: &[Reach] = &[Own];

/// The policy, one row per role and action. What is not listed is denied. Unit names and
/// the tree are public organisational facts, so every role may read units anywhere; people
/// are personal data and stay inside the granted subtree.
pub const POLICY: &[(Role, Action, &[Reach])] = &[
    (Admin, UnitRead, ANYWHERE),
    (Admin, UnitWrite, IN_TREE),
    (Admin, LineageWrite, IN_TREE),
    (Admin, PersonRead, IN_TREE),
    (Admin, PersonWrite, IN_TREE),
    (Admin, UserAdmin, IN_TREE),
    (Admin, ClusterManage, IN_TREE),
    (Admin, ClusterScore, IN_TREE),
    (Admin, InitiativeReview, IN_TREE),
    (Admin, CatalogWrite, IN_TREE),
    (Admin, DossierRead, IN_TREE),
    (Admin, TemplateWrite, IN_TREE),
    (Admin, MovementFollow, IN_TREE),
    (BoardSpecialist, UnitRead, ANYWHERE),
    (BoardSpecialist, UnitWrite, IN_TREE),
    (BoardSpecialist, LineageWrite, IN_TREE),
    (BoardSpecialist, PersonRead, IN_TREE),
    (BoardSpecialist, PersonWrite, IN_TREE),
    (BoardSpecialist, ClusterManage, IN_TREE),
    (BoardSpecialist, ClusterScore, IN_TREE),
    (BoardSpecialist, ClusterVote, OWN),
    (BoardSpecialist, InitiativeReview, IN_TREE),
    (BoardSpecialist, DossierRead, IN_TREE),
    (BoardSpecialist, DossierProcess, IN_TREE),
    (BoardSpecialist, TemplateWrite, IN_TREE),
    (BoardSpecialist, MovementManage, IN_TREE),
    (BoardSpecialist, MovementRegister, IN_TREE),
    (BoardSpecialist, MovementReport, IN_TREE),
    (BoardSpecialist, MovementFollow, IN_TREE),
    (BoardSpecialist, RoundManage, IN_TREE),
    (BoardSpecialist, RoundRate, IN_TREE),
    (BoardLeader, UnitRead, ANYWHERE),
    (BoardLeader, PersonRead, IN_TREE),
    (BoardLeader, ClusterVote, OWN),
    (BoardLeader, DossierRead, IN_TREE),
    (BoardLeader, DossierDecide, IN_TREE),
    (BoardLeader, MovementManage, IN_TREE),
    (BoardLeader, MovementFollow, IN_TREE),
    (BoardLeader, RoundManage, IN_TREE),
    (BoardLeader, RoundDecide, IN_TREE),
    (CouncilMember, UnitRead, ANYWHERE),
    (CouncilMember, PersonRead, IN_TREE),
    (CouncilMember, DossierRead, IN_TREE),
    (CouncilMember, CouncilVote, OWN),
    (CouncilMember, MovementFollow, IN_TREE),
    (UnitClerk, UnitRead, ANYWHERE),
    (UnitClerk, PersonRead, IN_TREE),
    (UnitClerk, PersonWrite, IN_TREE),
    (UnitClerk, ClusterScore, IN_TREE),
    (UnitClerk, ClusterVote, OWN),
    (UnitClerk, DossierRead, IN_TREE),
    (UnitClerk, DossierPrepare, IN_TREE),
    (UnitClerk, MovementRegister, IN_TREE),
    (UnitClerk, MovementReport, IN_TREE),
    (UnitClerk, MovementFollow, IN_TREE),
    (UnitClerk, RoundRate, IN_TREE),
    (ClusterOfficer, UnitRead, ANYWHERE),
    (ClusterOfficer, PersonRead, IN_TREE),
    (ClusterOfficer, ClusterManage, IN_TREE),
    (ClusterOfficer, ClusterScore, IN_TREE),
    (ClusterOfficer, ClusterVote, OWN),
    (ClusterOfficer, DossierRead, IN_TREE),
    (ClusterOfficer, MovementFollow, IN_TREE),
    (Viewer, UnitRead, ANYWHERE),
    (Viewer, PersonRead, IN_TREE),
    (Viewer, DossierRead, IN_TREE),
    (Viewer, MovementFollow, IN_TREE),
];

pub fn allows(role: Role, action: Action, reach: Reach) -> bool {
    POLICY
        .iter()
        .any(|(r, a, reaches)| *r == role && *a == action && reaches.contains(&reach))
}

/// A role granted on a unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
}

/// Where `target` lies from `granted`, given the target's ancestors (nearest first or in any
/// order: only membership matters).
pub fn reach(granted: i64, target: i64, target_ancestors: &[i64]) -> Reach {
    if granted == target {
        Own
    } else if target_ancestors.contains(&granted) {
        Subtree
    } else {
        Other
    }
}

/// Deny by default: true when any grant allows the action on the target.
pub fn permits(grants: &[Grant], action: Action, target: i64, target_ancestors: &[i64]) -> bool {
    grants
        .iter()
        .any(|g| allows(g.role, action, reach(g.unit_id, target, target_ancestors)))
}

/// The units under which a grant set may perform `action` "in tree" (own and subtree): used to
/// scope lists and searches in a query instead of filtering afterwards.
pub fn scope_roots(grants: &[Grant], action: Action) -> Vec<i64> {
    let mut roots: Vec<i64> = grants
        .iter()
        .filter(|g| allows(g.role, action, Own) && allows(g.role, action, Subtree))
        .map(|g| g.unit_id)
        .collect();
    roots.sort_unstable();
    roots.dedup();
    roots
}

/// True when the grants allow the action anywhere (no scoping needed).
pub fn unscoped(grants: &[Grant], action: Action) -> bool {
    grants.iter().any(|g| allows(g.role, action, Other))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_is_computed_from_ancestors() {
        assert_eq!(reach(5, 5, &[1]), Own);
        assert_eq!(reach(1, 5, &[3, 1]), Subtree);
        assert_eq!(reach(7, 5, &[3, 1]), Other);
    }

    #[test]
    fn every_role_and_action_has_a_code() {
        for r in Role::ALL {
            assert_eq!(Role::parse("vai_tro", r.code()).unwrap(), *r);
        }
        for a in Action::ALL {
            assert_eq!(Action::parse("thao_tac", a.code()).unwrap(), *a);
        }
    }

    #[test]
    fn policy_has_no_duplicate_rows() {
        for (i, (r, a, _)) in POLICY.iter().enumerate() {
            assert!(
                !POLICY[i + 1..].iter().any(|(r2, a2, _)| r2 == r && a2 == a),
                "{r} {a} listed twice"
            );
        }
    }

    /// The policy as the product documents it (docs/ARCHITECTURE.md, "Access"), written out
    /// cell by cell: O = own unit, S = subtree, X = elsewhere. Any difference with `POLICY`
    /// in either direction fails.
    #[test]
    fn policy_matches_the_documented_matrix() {
        let expected: &[(Role, &[(Action, &str)])] = &[
            (
                Admin,
                &[
                    (UnitRead, "OSX"),
                    (UnitWrite, "OS"),
                    (LineageWrite, "OS"),
                    (PersonRead, "OS"),
                    (PersonWrite, "OS"),
                    (UserAdmin, "OS"),
                    (ClusterManage, "OS"),
                    (ClusterScore, "OS"),
                    (InitiativeReview, "OS"),
                    (CatalogWrite, "OS"),
                    (DossierRead, "OS"),
                    (TemplateWrite, "OS"),
                    (MovementFollow, "OS"),
                ],
            ),
            (
                BoardSpecialist,
                &[
                    (UnitRead, "OSX"),
                    (UnitWrite, "OS"),
                    (LineageWrite, "OS"),
                    (PersonRead, "OS"),
                    (PersonWrite, "OS"),
                    (ClusterManage, "OS"),
                    (ClusterScore, "OS"),
                    (ClusterVote, "O"),
                    (InitiativeReview, "OS"),
                    (DossierRead, "OS"),
                    (DossierProcess, "OS"),
                    (TemplateWrite, "OS"),
                    (MovementManage, "OS"),
                    (MovementRegister, "OS"),
                    (MovementReport, "OS"),
                    (MovementFollow, "OS"),
                    (RoundManage, "OS"),
                    (RoundRate, "OS"),
                ],
            ),
            (
                BoardLeader,
                &[
                    (UnitRead, "OSX"),
                    (PersonRead, "OS"),
                    (ClusterVote, "O"),
                    (DossierRead, "OS"),
                    (DossierDecide, "OS"),
                    (MovementManage, "OS"),
                    (MovementFollow, "OS"),
                    (RoundManage, "OS"),
                    (RoundDecide, "OS"),
                ],
            ),
            (
                CouncilMember,
                &[
                    (UnitRead, "OSX"),
                    (PersonRead, "OS"),
                    (DossierRead, "OS"),
                    (CouncilVote, "O"),
                    (MovementFollow, "OS"),
                ],
            ),
            (
                UnitClerk,
                &[
                    (UnitRead, "OSX"),
                    (PersonRead, "OS"),
                    (PersonWrite, "OS"),
                    (ClusterScore, "OS"),
                    (ClusterVote, "O"),
                    (DossierRead, "OS"),
                    (DossierPrepare, "OS"),
                    (MovementRegister, "OS"),
                    (MovementReport, "OS"),
                    (MovementFollow, "OS"),
                    (RoundRate, "OS"),
                ],
            ),
            (
                ClusterOfficer,
                &[
                    (UnitRead, "OSX"),
                    (PersonRead, "OS"),
                    (ClusterManage, "OS"),
                    (ClusterScore, "OS"),
                    (ClusterVote, "O"),
                    (DossierRead, "OS"),
                    (MovementFollow, "OS"),
                ],
            ),
            (
                Viewer,
                &[
                    (UnitRead, "OSX"),
                    (PersonRead, "OS"),
                    (DossierRead, "OS"),
                    (MovementFollow, "OS"),
                ],
            ),
        ];
        let mut checked = 0;
        for role in Role::ALL {
            let row = expected
                .iter()
                .find(|(r, _)| r == role)
                .map(|(_, a)| *a)
                .unwrap_or(&[]);
            for action in Action::ALL {
                let cells = row
                    .iter()
                    .find(|(a, _)| a == action)
                    .map(|(_, c)| *c)
                    .unwrap_or("");
                for (reach, letter) in [(Own, 'O'), (Subtree, 'S'), (Other, 'X')] {
                    assert_eq!(
                        allows(*role, *action, reach),
                        cells.contains(letter),
                        "{role} {action} {reach:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, Role::ALL.len() * Action::ALL.len() * 3);
    }

    #[test]
    fn permits_uses_any_grant() {
        let g = vec![
            Grant {
                role: Viewer,
                unit_id: 10,
            },
            Grant {
                role: UnitClerk,
                unit_id: 20,
            },
        ];
        assert!(permits(&g, PersonWrite, 21, &[20, 1]));
        assert!(!permits(&g, PersonWrite, 11, &[10, 1]));
        assert!(permits(&g, PersonRead, 11, &[10, 1]));
        assert!(!permits(&g, PersonRead, 30, &[1]));
        assert_eq!(scope_roots(&g, PersonRead), vec![10, 20]);
        assert_eq!(scope_roots(&g, PersonWrite), vec![20]);
        assert!(unscoped(&g, UnitRead));
        assert!(!unscoped(&g, PersonRead));
    }
}
