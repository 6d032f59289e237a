//! Emulation clusters (cụm, geographic) and blocks (khối, functional), by year. The scoring,
//! ballots and covenants come with the emulation module; this holds who was in which cluster.

use crate::code_enum;

code_enum!(ClusterKind, "Loại cụm/khối" {
    Cluster = "cum", "Cụm thi đua";
    Block = "khoi", "Khối thi đua";
});

code_enum!(MemberRole, "Vai trò trong cụm" {
    Leader = "cum_truong", "Cụm trưởng";
    Deputy = "cum_pho", "Cụm phó";
    Member = "thanh_vien", "Thành viên";
});
